//! The application shell: the Lab page. Header with the controls, the timeline, the
//! supervision tree beside the inspector, and a tabbed panel with the event log, the
//! sequence view, the console and the analytics dashboard.

use leptos::prelude::*;

use crate::components::compare::CompareWire;
use crate::components::console::Console;
use crate::components::controls::{restore_theme, Controls};
use crate::components::event_log::EventLog;
use crate::components::graph::GraphView;
use crate::components::inspector::Inspector;
use crate::components::sequence::SequenceView;
use crate::components::timeline::Timeline;
use crate::components::tree::SupervisionTree;
use crate::driver::{page_url, replace_address, LabHandle};
use crate::view_model::clock_text;
use crate::view_model::nav::{Choice, Page, Tab};
use otp_lab_lab::presets::preset;

#[component]
pub fn App() -> impl IntoView {
    restore_theme();
    let lab = LabHandle::from_location();
    lab.start();
    crate::driver::api::install(lab);
    // a link shared from the Lessons page opens that lesson, one from Compare its sandboxes
    let in_link = link_in_location().filter(|_| !lab.embed.get_untracked());
    let shared_lesson = in_link.clone().filter(|l| l.lesson.is_some());
    let shared_compare = in_link.filter(|l| l.compare.is_some());
    let wire = CompareWire {
        fork: RwSignal::new(None),
        open: RwSignal::new(shared_compare.clone()),
        link: RwSignal::new(None),
    };
    let shared = RwSignal::new(None::<String>);
    // the page shown, kept as its id (a signal type the page already has; see LabHandle::tab)
    let page = RwSignal::new(
        if shared_lesson.is_some() || crate::driver::lesson_in_location().is_some() {
            Page::Lessons.id()
        } else if shared_compare.is_some() {
            Page::Compare.id()
        } else {
            Page::Lab.id()
        },
    );
    let shown = move |p: Page| page.get() == p.id();
    let copy = move |embed: bool| {
        leptos::task::spawn_local(async move {
            // Compare's own link while it is shown; the Lab's otherwise
            let on_compare = page.get_untracked() == Page::Compare.id();
            let compare = wire.link.get_untracked().filter(|_| !embed && on_compare);
            let url = match compare {
                Some(l) => page_url(&l, "").await,
                None => lab.share_url(embed).await,
            };
            let text = if embed {
                format!(
                    "<iframe src=\"{}\" width=\"900\" height=\"560\" title=\"OTP Lab experiment\" loading=\"lazy\"></iframe>",
                    url.replace('"', "%22")
                )
            } else {
                url
            };
            copy_text(&text);
            shared.set(Some(text));
        });
    };
    let lessons_el = mount_while(
        move || shown(Page::Lessons),
        LazyPage::Lessons(Box::new(shared_lesson.clone())),
    );
    let compare_el = mount_while(
        move || shown(Page::Compare),
        LazyPage::Compare(Box::new(lab), wire),
    );
    // the Analytics and Faults tabs are fetched when first opened
    let tab_shown = move |t: Tab| lab.tab() == t && shown(Page::Lab);
    let analytics_el = mount_while(
        move || tab_shown(Tab::Analytics),
        LazyPage::Analytics(Box::new(lab)),
    );
    let faults_el = mount_while(
        move || tab_shown(Tab::Faults),
        LazyPage::Faults(Box::new(lab)),
    );
    // a tab opened by a click or a key (the analytics drawn at once, also while paused)
    let open_tab = move |t: Tab| {
        lab.set_tab(t);
        if t == Tab::Analytics {
            lab.publish_analytics();
        }
    };
    // the address bar follows the main lab while it is shown (written again when it is
    // shown again), and Compare's sandboxes while they are
    Effect::new(move |was: Option<bool>| {
        let on = shown(Page::Lab);
        lab.follows_url.set(on);
        if on && was == Some(false) {
            lab.rewrite_address();
        }
        on
    });
    Effect::new(move |_| {
        if let Some(l) = wire.link.get().filter(|_| shown(Page::Compare)) {
            replace_address(l, "", move || {
                page.try_get_untracked() == Some(Page::Compare.id())
            });
        }
    });
    // how the Lab's height is shared between the tree and the views (until the splitter
    // is moved, the message views get more), and focus mode
    let moved_share = RwSignal::new(None::<f64>);
    let top_share = move || {
        moved_share.get().unwrap_or(match lab.tab() {
            Tab::Sequence | Tab::Graph => 0.4,
            _ => 0.55,
        })
    };
    let focus_views = RwSignal::new(false);
    let lab_el = NodeRef::<leptos::html::Main>::new();
    let dragging = StoredValue::new(false);
    let drag_to = move |y: f64| {
        if let Some(el) = lab_el.get_untracked() {
            let r = el.get_bounding_client_rect();
            if r.height() > 0.0 {
                moved_share.set(Some(((y - r.top()) / r.height()).clamp(0.15, 0.85)));
            }
        }
    };
    // a dead root: why, and that its last tree stays greyed out
    let root_down = Memo::new(move |_| {
        let root = lab.tree.with(|t| {
            t.first()
                .filter(|c| c.row.with(|r| r.status == "dead"))
                .map(|c| c.path.clone())
        })?;
        let why = untrack(|| lab.why(&root));
        let cause = why
            .first()
            .map(|c| {
                format!(
                    " at {}: {}",
                    clock_text(c.t_us),
                    c.text.trim_end_matches('.')
                )
            })
            .unwrap_or_default();
        Some(format!(
            "{root} is dead{cause}. Its last tree stays, greyed out: select a process to see why it died."
        ))
    });
    let summary = move || {
        lab.status
            .with(|s| preset(&s.preset).map(|p| p.summary).unwrap_or(""))
    };
    view! {
        <div class="app" class:embed=move || lab.embed.get()>
            <a class="skip-link" href="#tree-title" hidden=move || !shown(Page::Lab) on:click=move |ev| {
                // the address bar's fragment is the share link: move the focus, not the URL
                ev.prevent_default();
                focus("[role=treeitem][tabindex='0']");
            }>"Skip to the supervision tree"</a>
            <Show when=move || lab.embed.get()>
                <EmbedBar lab=lab />
            </Show>
            <header class="topbar">
                <div class="brand">
                    <h1>"OTP Lab"</h1>
                    <p class="tagline">"Learn OTP supervision in a deterministic simulator"</p>
                </div>
                <div class="share" role="group" aria-label="Share" hidden=move || shown(Page::Lessons)>
                    <button type="button" on:click=move |_| copy(false)>"Share"</button>
                    <button type="button" hidden=move || shown(Page::Compare) on:click=move |_| copy(true)>"Copy embed code"</button>
                </div>
                <nav class="pages" aria-label="Pages">
                    {Page::all().map(|p| view! {
                        <button type="button"
                            aria-current=move || shown(p).then_some("page")
                            on:click=move |_| page.set(p.id())>{p.label()}</button>
                    }).collect_view()}
                </nav>
                <div class="controls-slot" hidden=move || shown(Page::Lessons)>
                    <Controls lab=lab />
                </div>
            </header>
            <div hidden=move || !shown(Page::Lab)>
                <Timeline lab=lab on_fork=Callback::new(move |t: u64| {
                    wire.fork.set(Some(t));
                    page.set(Page::Compare.id());
                }) />
            </div>
            <div class="shared" role="status" hidden=move || shared.with(|s| s.is_none())>
                <span>"Copied to the clipboard:"</span>
                <input class="small shared-text" readonly aria-label="Shared link"
                    prop:value=move || shared.get().unwrap_or_default() />
                <button type="button" on:click=move |_| shared.set(None)>"Close"</button>
            </div>
            <p class="notice" role="alert">{move || lab.error.get()}</p>
            <main class="lessons-page" hidden=move || !shown(Page::Lessons) node_ref=lessons_el></main>
            <main class="compare-page" hidden=move || !shown(Page::Compare) node_ref=compare_el></main>
            <main class="lab" hidden=move || !shown(Page::Lab) node_ref=lab_el
                class:focus-views=move || focus_views.get()
                style=move || {
                    let t = top_share();
                    format!("--top: {t:.3}fr; --bottom: {:.3}fr", 1.0 - t)
                }>
                <section class="panel tree-panel" aria-labelledby="tree-title">
                    <div class="panel-head">
                        <h2 id="tree-title">"Supervision tree"</h2>
                        <p class="hint">{summary}</p>
                    </div>
                    <p class="root-down" role="status" hidden=move || root_down.with(Option::is_none)>{move || root_down.get()}</p>
                    <SupervisionTree lab=lab find=true />
                    <ul class="legend plain" aria-label="Status legend">
                        <li><span class="glyph status-running">"●"</span>" running"</li>
                        <li><span class="glyph status-restarting">"◐"</span>" restarting"</li>
                        <li><span class="glyph status-stopped">"■"</span>" stopped"</li>
                        <li><span class="glyph status-dead">"✕"</span>" dead"</li>
                        <li><span class="meter-sample"></span>" restart intensity used"</li>
                    </ul>
                </section>
                <Inspector lab=lab />
                <div class="splitter" role="separator" tabindex="0" aria-orientation="horizontal"
                    aria-label="Resize the tree and the views" aria-valuemin="15" aria-valuemax="85"
                    aria-valuenow=move || (top_share() * 100.0).round().to_string()
                    on:pointerdown=move |ev: web_sys::PointerEvent| {
                        dragging.set_value(true);
                        if let Some(t) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
                            let _ = t.set_pointer_capture(ev.pointer_id());
                        }
                    }
                    on:pointermove=move |ev: web_sys::PointerEvent| {
                        if dragging.get_value() {
                            drag_to(ev.client_y() as f64);
                        }
                    }
                    on:pointerup=move |_| dragging.set_value(false)
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        let step = match ev.key().as_str() {
                            "ArrowUp" => -0.05,
                            "ArrowDown" => 0.05,
                            _ => return,
                        };
                        ev.prevent_default();
                        moved_share.set(Some((top_share() + step).clamp(0.15, 0.85)));
                    }></div>
                <section class="panel bottom-panel">
                    <div class="tabs" role="tablist" aria-label="Views" on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if let Some(t) = lab.tab().after_key(&ev.key()) {
                            ev.prevent_default();
                            open_tab(t);
                            focus(&format!("#tab-{}", t.id()));
                        }
                    }>
                        {Tab::all().map(|t| view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{}", t.id())
                                aria-controls=format!("tabpanel-{}", t.id())
                                aria-selected=move || if lab.tab() == t { "true" } else { "false" }
                                tabindex=move || if lab.tab() == t { 0 } else { -1 }
                                on:click=move |_| open_tab(t)
                            >{t.label()}</button>
                        }).collect_view()}
                        <button type="button" class="focus-toggle" aria-pressed=move || if focus_views.get() { "true" } else { "false" }
                            title="Give the views the whole page (the tree and the inspector are hidden)"
                            on:click=move |_| focus_views.update(|f| *f = !*f)>
                            {move || if focus_views.get() { "Show the tree" } else { "Expand the views" }}
                        </button>
                    </div>
                    <div role="tabpanel" id="tabpanel-log" aria-labelledby="tab-log" hidden=move || lab.tab() != Tab::Log>
                        <EventLog lab=lab visible=Signal::derive(move || lab.tab() == Tab::Log && shown(Page::Lab)) />
                    </div>
                    <div role="tabpanel" id="tabpanel-sequence" aria-labelledby="tab-sequence" hidden=move || lab.tab() != Tab::Sequence>
                        <SequenceView lab=lab visible=Signal::derive(move || lab.tab() == Tab::Sequence && shown(Page::Lab)) />
                    </div>
                    <div role="tabpanel" id="tabpanel-graph" aria-labelledby="tab-graph" hidden=move || lab.tab() != Tab::Graph>
                        <GraphView lab=lab visible=Signal::derive(move || lab.tab() == Tab::Graph && shown(Page::Lab)) />
                    </div>
                    <div role="tabpanel" id="tabpanel-console" aria-labelledby="tab-console" hidden=move || lab.tab() != Tab::Console>
                        <Console lab=lab />
                    </div>
                    <div role="tabpanel" id="tabpanel-analytics" aria-labelledby="tab-analytics" hidden=move || lab.tab() != Tab::Analytics node_ref=analytics_el>
                    </div>
                    <div role="tabpanel" id="tabpanel-faults" aria-labelledby="tab-faults" hidden=move || lab.tab() != Tab::Faults node_ref=faults_el>
                    </div>
                </section>
            </main>
        </div>
    }
}

/// Moves the keyboard focus to the first element `selector` finds.
fn focus(selector: &str) {
    // an HTML or an SVG element: both have focus()
    if let Some(el) = document().query_selector(selector).ok().flatten() {
        if let Ok(f) = js_sys::Reflect::get(&el, &"focus".into()) {
            let _ = js_sys::Function::from(f).call0(&el);
        }
    }
}

/// Copies text to the clipboard (the link is also shown, for when the browser refuses).
fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// The embedded view (`#embed.…`): the tree, the timeline and a link to the full Lab.
#[component]
pub fn EmbedBar(lab: LabHandle) -> impl IntoView {
    // the full lab's link, compressed again only when the experiment changed
    let href = RwSignal::new(String::new());
    let last = StoredValue::new(None::<otp_lab_session::share::ShareLink>);
    Effect::new(move |_| {
        lab.status.track();
        let l = lab.share_link();
        if last.with_value(|x| x.as_ref() != Some(&l)) {
            last.set_value(Some(l.clone()));
            leptos::task::spawn_local(async move {
                href.set(crate::driver::page_url(&l, "").await);
            });
        }
    });
    view! {
        <div class="embed-bar">
            <strong>"OTP Lab"</strong>
            <button type="button" class="primary" on:click=move |_| lab.toggle_play()>
                {move || if lab.status.with(|s| s.playing && s.live) { "Pause" } else { "Play" }}
            </button>
            <a href=move || href.get() target="_blank" rel="noopener">
                "Open in OTP Lab"
            </a>
        </div>
    }
}

/// The share link in the page's address, if it holds one.
fn link_in_location() -> Option<otp_lab_session::share::ShareLink> {
    let hash = web_sys::window()?.location().hash().ok()?;
    otp_lab_session::share::decode(hash.trim_start_matches('#')).ok()
}

/// A note in place of a page that could not be loaded.
fn parent_note(parent: &web_sys::HtmlElement, text: &str) {
    parent.set_text_content(Some(text));
}

/// A page whose code is fetched the first time it is shown ([`crate::lazy`]).
#[derive(Clone)]
enum LazyPage {
    /// Unmounted when left, like a `Show` (a lesson starts afresh).
    Lessons(Box<Option<otp_lab_session::share::ShareLink>>),
    /// Kept when left: its sandboxes go on.
    Compare(Box<LabHandle>, CompareWire),
    /// The Lab's tabs, kept once opened.
    Analytics(Box<LabHandle>),
    Faults(Box<LabHandle>),
}

/// Mounts `page` into the returned element while `shown` holds.
fn mount_while<E>(shown: impl Fn() -> bool + Copy + 'static, page: LazyPage) -> NodeRef<E>
where
    E: leptos::html::ElementType,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
    NodeRef<E>: Copy,
{
    let el = NodeRef::<E>::new();
    let handle = StoredValue::new_local(None::<Box<dyn std::any::Any>>);
    let loading = StoredValue::new(false);
    let keep = !matches!(page, LazyPage::Lessons(..));
    Effect::new(move |_| {
        let want = shown();
        let Some(parent) = el.get() else {
            return;
        };
        if !want {
            if !keep {
                handle.set_value(None);
            }
            return;
        }
        if handle.with_value(Option::is_some) || loading.get_value() {
            return;
        }
        loading.set_value(true);
        let page = page.clone();
        leptos::task::spawn_local(async move {
            let parent: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(parent);
            // a note left by a load that failed
            parent.set_text_content(None);
            let (name, mounted) = match page {
                LazyPage::Lessons(shared) => (
                    "Lessons",
                    crate::lazy::mount_lessons(parent.clone(), *shared).await,
                ),
                LazyPage::Compare(lab, wire) => (
                    "Compare",
                    crate::lazy::mount_compare(parent.clone(), *lab, wire).await,
                ),
                LazyPage::Analytics(lab) => (
                    "Analytics",
                    crate::lazy::mount_analytics(parent.clone(), *lab).await,
                ),
                LazyPage::Faults(lab) => (
                    "Faults",
                    crate::lazy::mount_faults(parent.clone(), *lab).await,
                ),
            };
            loading.set_value(false);
            match mounted {
                Ok(h) if keep || shown() => handle.set_value(Some(h)),
                Ok(_) => {}
                // the next visit tries again
                Err(_) => parent_note(
                    &parent,
                    &format!("The {name} view could not be loaded (is the network down?). Open it again to retry."),
                ),
            }
        });
    });
    el
}
