//! The Lab in the address bar: a handle opened from the page's URL fragment (a share link,
//! or the default lab with a clear message when the link is malformed), the share link
//! of what is on screen, and the fragment following the experiment as it changes.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::{compress, LabHandle, DEFAULT_SEED};
use crate::view_model::nav::{Choice, Tab};
use otp_lab_lab::presets::PRESETS;
use otp_lab_session::session::Cursor;
use otp_lab_session::share::{self, ShareLink};

impl LabHandle {
    /// A handle on the experiment in the page's URL fragment (the default lab, with a
    /// clear message, if the link is malformed). The address bar then follows the
    /// experiment as it changes.
    pub fn from_location() -> LabHandle {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        let fragment = hash.trim_start_matches('#');
        let embed = fragment.starts_with("embed");
        // a lesson's address opens the Lessons page; the Lab starts on its default
        let plain =
            fragment.is_empty() || fragment == "embed" || fragment.starts_with(LESSON_PREFIX);
        let (handle, link) = if plain {
            (LabHandle::new(PRESETS[0].id, DEFAULT_SEED), None)
        } else {
            match share::decode(fragment) {
                Ok(l) => (LabHandle::from_experiment(l.experiment.clone()), Some(l)),
                Err(e) => {
                    let h = LabHandle::new(PRESETS[0].id, DEFAULT_SEED);
                    h.error.set(Some(format!(
                        "This link could not be opened. {e} Showing the default lab instead."
                    )));
                    (h, None)
                }
            }
        };
        if let Some(l) = link {
            if let Some(tab) = l.tab.as_deref().and_then(Tab::from_id) {
                handle.set_tab(tab);
            }
            handle.views.set(l.views.clone());
            if l.selected.is_some() {
                handle.selected.set(l.selected.clone());
            }
            if let Some(c) = l.cursor_us {
                handle.session.update_value(|s| {
                    s.playing = false;
                    s.scrub_to_time(c);
                });
            }
            handle.publish(true);
        }
        handle.embed.set(embed);
        // the address bar changes only once the experiment does (a bad link stays there,
        // for the learner to fix or report)
        let now = handle.share_link();
        handle.frame_state.update_value(|f| f.last_link = Some(now));
        handle.follows_url.set(true);
        handle
    }

    /// The share link of what is on screen now.
    pub fn share_link(&self) -> ShareLink {
        let (experiment, cursor) = self.session.with_value(|s| {
            let cursor = (s.cursor() != Cursor::Live).then(|| s.current().lab.now_us());
            (s.experiment().clone(), cursor)
        });
        ShareLink {
            experiment,
            cursor_us: cursor,
            selected: self.selected.get_untracked(),
            tab: Some(self.tab_id.get_untracked().to_string()),
            lesson: None,
            progress: None,
            views: self.views.get_untracked(),
            compare: None,
        }
    }

    /// The page's URL for the current experiment (embedded or not).
    pub async fn share_url(self, embed: bool) -> String {
        page_url(&self.share_link(), if embed { "embed." } else { "" }).await
    }

    /// Writes the link into the address bar when the experiment changed (no history
    /// entry, as a playground does).
    pub(super) fn follow_in_address_bar(&self) {
        if !self.follows_url.get_untracked() {
            return;
        }
        let l = self.share_link();
        let changed = self
            .frame_state
            .with_value(|f| f.last_link.as_ref() != Some(&l));
        if !changed {
            return;
        }
        let prefix = if self.embed.get_untracked() {
            "embed."
        } else {
            ""
        };
        self.frame_state
            .update_value(|f| f.last_link = Some(l.clone()));
        let handle = *self;
        replace_address(l, prefix, move || {
            handle.follows_url.try_get_untracked().unwrap_or(false)
        });
    }

    /// Makes the next frame write the link into the address bar even if the experiment
    /// has not changed (another page wrote its own there).
    pub fn rewrite_address(&self) {
        self.frame_state.update_value(|f| f.last_link = None);
    }
}

thread_local! {
    /// Writes to the address bar asked for so far.
    static WRITES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Writes `link` into the address bar, without a history entry (as a playground does),
/// once it is compressed — unless a newer write was asked for meanwhile, or `still` no
/// longer holds (the page that asked was left).
/// A lesson's address: `#lesson/<id>`.
pub const LESSON_PREFIX: &str = "lesson/";

/// The lesson the page's address names (`#lesson/<id>`), if it names one.
pub fn lesson_in_location() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let id = hash.trim_start_matches('#').strip_prefix(LESSON_PREFIX)?;
    Some(id.to_string())
}

/// Puts a lesson's address in the address bar (no history entry), in place of any link
/// still being written.
pub fn show_lesson_address(id: &str) {
    WRITES.with(|w| w.set(w.get() + 1));
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(
            &JsValue::NULL,
            "",
            Some(&format!("#{LESSON_PREFIX}{id}")),
        );
    }
}

pub fn replace_address(link: ShareLink, prefix: &'static str, still: impl Fn() -> bool + 'static) {
    let write = WRITES.with(|w| {
        w.set(w.get() + 1);
        w.get()
    });
    leptos::task::spawn_local(async move {
        let fragment = format!("#{prefix}{}", compress::fragment(&link).await);
        if WRITES.with(|w| w.get()) != write || !still() {
            return;
        }
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&fragment));
        }
    });
}

/// The page's URL for a link (`prefix`: `"embed."` for an embed).
pub async fn page_url(link: &ShareLink, prefix: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = base.split('#').next().unwrap_or("").to_string();
    format!("{base}#{prefix}{}", compress::fragment(link).await)
}
