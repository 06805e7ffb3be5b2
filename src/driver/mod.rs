//! The browser side of a session: [`LabHandle`] keeps the [`Session`] in a local stored
//! value, runs it one animation frame at a time (within a step budget, so the page keeps
//! its frame rate) — the frame loop is here — and publishes the view model through
//! signals. Components read the signals and send commands back through the handle; data
//! flows one way. What components ask of the handle is in `commands.rs`, the address
//! bar's side (share links) in `address.rs`, the tree's row signals in `rows.rs`, the
//! sequence view's reads in `sequence.rs`; what
//! the signals hold is computed in [`crate::view_model`].

mod address;
pub mod answers;
pub mod api;
mod commands;
pub mod compress;
mod graph;
mod rows;
mod sequence;

pub use address::{lesson_in_location, page_url, replace_address, show_lesson_address};
pub use rows::{reconcile_rows, RowCell};

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::charts::Chart;
use crate::view_model::dashboard::{self, Dash, Export};
use crate::view_model::nav::{Choice, Tab};
use crate::view_model::pulses::{pulses_of, travelling, Pulse, MAX_NEW_PULSES};
use crate::view_model::tree::{auto_collapse, layout};
use crate::view_model::{clock_text, LogFilter, LogStore, TreeRow};
use otp_lab_lab::inspect::ProcInfo;
use otp_lab_lab::presets::PRESETS;
use otp_lab_lab::raised::shell_exited;
use otp_lab_session::session::Cursor;
use otp_lab_session::share::ShareLink;
use otp_lab_session::{Experiment, Session};
use rows::set_if_changed;

/// Seed of a new lab.
pub const DEFAULT_SEED: u64 = 1;
/// Console transcript entries kept.
pub const CONSOLE_KEPT: usize = 500;
/// Supervisors with more children than this start folded.
pub const FOLD_ABOVE: usize = 50;
/// Wall-clock time the simulation may use in one animation frame, counted from the frame's
/// start (shared by every lab on the page: the Compare sandboxes split it), so the page
/// keeps its frame rate at any speed, including max and a fast-forward.
pub const SIM_MS_PER_FRAME: f64 = 9.0;
/// Steps between two looks at the clock (small enough that the frame's budget holds: a step
/// that logs a message line costs more than one that does not).
const SLICE_STEPS: u32 = 200;

/// One console exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    pub n: usize,
    pub input: String,
    pub output: String,
    pub ok: bool,
}

/// The small state of the controls and the clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub now: String,
    pub now_us: u64,
    /// Events the simulator emitted so far (all of them, not only the ones the log keeps).
    pub events: u64,
    /// Restarts so far over the whole tree (also those of subtrees that are gone).
    pub restarts: u64,
    pub head_us: u64,
    pub live: bool,
    pub playing: bool,
    pub speed: f64,
    pub seed: u64,
    pub preset: String,
    /// Virtual time of a long fast-forward's end, while it runs.
    pub forwarding: Option<(u64, u64)>,
    /// When the last event in the log happened (virtual µs).
    pub last_event_us: u64,
}

/// The reactive face of the session: a `Copy` handle the components share.
#[derive(Clone, Copy)]
pub struct LabHandle {
    session: StoredValue<Session, LocalStorage>,
    log_store: StoredValue<LogStore, LocalStorage>,
    owner: StoredValue<Owner>,
    pub status: RwSignal<Status>,
    pub tree: RwSignal<Vec<RowCell>>,
    pub collapsed: RwSignal<BTreeSet<String>>,
    pub selected: RwSignal<Option<String>>,
    pub inspected: RwSignal<Option<ProcInfo>>,
    /// Bumped whenever the log store changes (the log component re-reads its window).
    pub log_version: RwSignal<u64>,
    pub log_filter: RwSignal<LogFilter>,
    pub console: RwSignal<Vec<ConsoleEntry>>,
    pub pulses: RwSignal<Vec<Pulse>>,
    pub charts: RwSignal<Vec<Chart>>,
    /// The alert rules watched (HTML list items).
    pub rules: RwSignal<String>,
    pub dashboard: RwSignal<BTreeMap<String, f64>>,
    pub health: RwSignal<(String, Vec<String>)>,
    pub alerts: RwSignal<String>,
    /// Anomalies of the restart rate, message rate and process count: (when, text),
    /// newest first.
    pub anomalies: RwSignal<String>,
    /// Restart patterns found (storms, cascades, periodic failures): (when, text), newest
    /// first.
    pub patterns: RwSignal<String>,
    /// The longest mailboxes: (process, messages waiting), longest first.
    pub mailboxes: RwSignal<Vec<(String, usize)>>,
    /// The window the analytics cover ([`dashboard::Window`]).
    pub window: RwSignal<dashboard::Window>,
    /// The selected supervisor's analytics (HTML), or the window and how to see them.
    pub supervisor: RwSignal<String>,
    /// The health band along the timeline: its CSS and each change.
    pub band: RwSignal<(String, Vec<String>)>,
    /// The open tab of the bottom panel (part of a share link), kept as its [`Tab::id`]: a
    /// signal of `&'static str`, a type the page's signals already have, costs the module
    /// no new code (read and set it through [`LabHandle::tab`] and [`LabHandle::set_tab`]).
    tab_id: RwSignal<&'static str>,
    /// The sequence view's settings (part of a share link).
    pub views: RwSignal<otp_lab_session::share::Views>,
    /// Whether the address bar follows the experiment (the main lab, not a sandbox).
    pub follows_url: RwSignal<bool>,
    /// An embedded view (`#embed.…`): minimal chrome.
    pub embed: RwSignal<bool>,
    /// A message for the learner (`role="alert"`).
    pub error: RwSignal<Option<String>>,
    frame_state: StoredValue<FrameState, LocalStorage>,
}

#[derive(Default)]
struct FrameState {
    last_ms: Option<f64>,
    now_ms: f64,
    frames: u64,
    /// Log length already turned into pulses.
    pulsed: usize,
    /// Shell deaths already told in the console.
    shell_exits_told: usize,
    /// A fast-forward: (from, to) virtual µs.
    forward: Option<(u64, u64)>,
    /// Row signals to dispose of on the next publish.
    graveyard: Vec<RwSignal<TreeRow>>,
    /// What the published tree was computed from: (log length, virtual second, view
    /// generation). The tree is laid out again only when it changes.
    tree_key: Option<(usize, u64, u64)>,
    /// Bumped by everything that changes the view without logging (scrub, fold, load).
    generation: u64,
    /// The link last written to the address bar.
    last_link: Option<ShareLink>,
}

impl LabHandle {
    pub fn new(preset: &str, seed: u64) -> LabHandle {
        LabHandle::from_experiment(Experiment::preset(preset, seed))
    }

    /// A handle on a session of `exp` (the default preset if `exp` does not start).
    pub fn from_experiment(exp: Experiment) -> LabHandle {
        let seed = exp.seed;
        let (session, error) = match Session::new(exp) {
            Ok(s) => (s, None),
            Err(e) => (
                Session::new(Experiment::preset(PRESETS[0].id, seed))
                    .expect("the default preset starts"),
                Some(format!(
                    "The experiment could not start ({e}); showing the default lab."
                )),
            ),
        };
        let handle = LabHandle {
            session: StoredValue::new_local(session),
            log_store: StoredValue::new_local(LogStore::default()),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            status: RwSignal::new(Status {
                now: clock_text(0),
                last_event_us: 0,
                now_us: 0,
                events: 0,
                restarts: 0,
                head_us: 0,
                live: true,
                playing: true,
                speed: 1.0,
                seed,
                preset: String::new(),
                forwarding: None,
            }),
            tree: RwSignal::new(Vec::new()),
            collapsed: RwSignal::new(BTreeSet::new()),
            selected: RwSignal::new(None),
            inspected: RwSignal::new(None),
            log_version: RwSignal::new(0),
            log_filter: RwSignal::new(LogFilter::default()),
            console: RwSignal::new(Vec::new()),
            pulses: RwSignal::new(Vec::new()),
            charts: RwSignal::new(Vec::new()),
            rules: RwSignal::new(String::new()),
            dashboard: RwSignal::new(BTreeMap::new()),
            health: RwSignal::new(("healthy".into(), Vec::new())),
            alerts: RwSignal::new(String::new()),
            mailboxes: RwSignal::new(Vec::new()),
            window: RwSignal::new(dashboard::WINDOWS[0].1),
            supervisor: RwSignal::new(String::new()),
            anomalies: RwSignal::new(String::new()),
            patterns: RwSignal::new(String::new()),
            band: RwSignal::new((String::new(), Vec::new())),
            tab_id: RwSignal::new(Tab::Log.id()),
            views: RwSignal::new(Default::default()),
            follows_url: RwSignal::new(false),
            embed: RwSignal::new(false),
            error: RwSignal::new(error),
            frame_state: StoredValue::new_local(FrameState::default()),
        };
        handle.fold_big_subtrees();
        handle.publish(true);
        handle
    }

    /// Folds the big subtrees of a freshly loaded tree.
    fn fold_big_subtrees(&self) {
        let folded = self
            .session
            .with_value(|s| auto_collapse(&s.current().lab.tree(), FOLD_ABOVE));
        self.collapsed.set(folded);
        self.invalidate();
    }

    /// The scenario JSON the session runs.
    pub fn scenario_text(&self) -> String {
        self.session
            .with_value(|s| s.experiment().scenario_text())
            .unwrap_or_default()
    }

    /// Lines in the event log of the run on screen.
    pub fn log_len(&self) -> usize {
        self.session
            .try_with_value(|s| s.current().lab.log_len())
            .unwrap_or(0)
    }

    /// Reads the run on screen and the console lines given so far.
    pub fn with_run<R>(
        &self,
        f: impl FnOnce(&otp_lab_session::experiment::Run, &[String]) -> R,
    ) -> Option<R> {
        self.session.try_with_value(|s| {
            let lines: Vec<String> = s
                .experiment()
                .actions
                .iter()
                .map(|a| a.line.clone())
                .collect();
            f(s.current(), &lines)
        })
    }

    /// The experiment so far (its source, seed and commands).
    pub fn experiment(&self) -> Experiment {
        self.session.with_value(|s| s.experiment().clone())
    }

    /// The experiment's commands after the first `n`.
    pub fn actions_after(&self, n: usize) -> Vec<otp_lab_session::Action> {
        self.session
            .try_with_value(|s| s.experiment().actions.get(n..).unwrap_or_default().to_vec())
            .unwrap_or_default()
    }

    /// The open tab (tracked).
    pub fn tab(&self) -> Tab {
        Tab::from_id(self.tab_id.get()).unwrap_or(Tab::Log)
    }

    /// Opens a tab.
    pub fn set_tab(&self, tab: Tab) {
        self.tab_id.set(tab.id());
    }

    /// Copies the session's state into the signals, touching only what changed.
    /// A shell that died since the last look (a linked process's exit took it down) is
    /// told in the console as IEx tells it; a new shell has taken its place.
    fn tell_shell_exits(&self) {
        let told = self.frame_state.with_value(|f| f.shell_exits_told);
        let news: Vec<String> = self
            .session
            .try_with_value(|s| {
                s.live()
                    .lab
                    .shell_exits()
                    .iter()
                    .skip(told)
                    .map(|e| shell_exited(e.pid, &e.reason, true))
                    .collect()
            })
            .unwrap_or_default();
        if news.is_empty() {
            return;
        }
        self.frame_state
            .update_value(|f| f.shell_exits_told += news.len());
        self.console.update(|c| {
            for output in news {
                let n = c.last().map_or(1, |e| e.n + 1);
                c.push(ConsoleEntry {
                    n,
                    input: String::new(),
                    output,
                    ok: false,
                });
            }
        });
    }

    pub fn publish(&self, full: bool) {
        self.tell_shell_exits();
        let collapsed = self.collapsed;
        let selected = self.selected.get_untracked();
        let (last_key, generation) = self.frame_state.with_value(|f| (f.tree_key, f.generation));
        let Some((rows, key, status, info, log_len)) = self.session.try_with_value(|s| {
            let run = s.current();
            let now_us = run.lab.now_us();
            let key = (run.lab.log_len(), now_us / 1_000_000, generation);
            // a 10,000-node tree is laid out only when something happened
            let rows = (full || last_key != Some(key))
                .then(|| collapsed.with_untracked(|c| layout(&run.lab.tree(), c)));
            let log_len = run.lab.log_len();
            let last_event_us = run
                .lab
                .log_lines(log_len.saturating_sub(1), log_len)
                .first()
                .map_or(0, |l| l.t_us);
            let status = Status {
                last_event_us,
                now: clock_text(now_us),
                now_us,
                events: run.events_total(),
                restarts: run.lab.restarts_total(),
                head_us: s.head_us(),
                live: s.cursor() == Cursor::Live,
                playing: s.playing,
                speed: s.speed,
                seed: s.experiment().seed,
                preset: match &s.experiment().source {
                    otp_lab_session::experiment::Source::Preset(p) => p.clone(),
                    otp_lab_session::experiment::Source::Scenario(_) => "custom".into(),
                },
                forwarding: None,
            };
            let info = selected.as_deref().and_then(|p| run.lab.inspect(p));
            (rows, key, status, info, key.0)
        }) else {
            return;
        };
        let forwarding = self.frame_state.with_value(|f| f.forward);
        set_if_changed(
            self.status,
            Status {
                forwarding,
                ..status
            },
        );
        if let (Some(rows), Some(owner)) = (rows, self.owner.try_get_value()) {
            let gone = reconcile_rows(&owner, self.tree, rows);
            self.frame_state.update_value(|f| {
                f.graveyard.extend(gone);
                f.tree_key = Some(key);
            });
        }
        set_if_changed(self.inspected, info);
        self.pull_log(log_len);
        let frames = self.frame_state.with_value(|f| f.frames);
        if full || frames % 15 == 0 {
            self.publish_analytics();
        }
    }

    /// Marks the view as changed without a new log line (the tree is laid out again).
    fn invalidate(&self) {
        self.frame_state.update_value(|f| f.generation += 1);
    }

    fn pull_log(&self, len: usize) {
        let filter = self.log_filter.get_untracked();
        let session = self.session;
        let changed = self.log_store.try_update_value(|store| {
            store.set_filter(filter);
            session
                .try_with_value(|s| {
                    let lab = &s.current().lab;
                    store.pull(len, |a, b| lab.log_lines(a, b))
                })
                .unwrap_or(false)
        });
        if changed == Some(true) {
            self.log_version.update(|v| *v += 1);
            self.add_pulses(len);
        }
    }

    /// New exit signals in the log become pulses along the tree's links.
    fn add_pulses(&self, len: usize) {
        let live = self.status.with_untracked(|s| s.live);
        let (from, now_ms) = self.frame_state.with_value(|f| (f.pulsed, f.now_ms));
        self.frame_state.update_value(|f| f.pulsed = len);
        if !live || len <= from || len - from > MAX_NEW_PULSES {
            return;
        }
        let new = self
            .session
            .with_value(|s| pulses_of(&s.current().lab.log_lines(from, len), now_ms));
        if !new.is_empty() {
            self.pulses.update(|p| {
                p.retain(|x| travelling(x, now_ms));
                p.extend(new);
            });
        }
    }

    /// Recomputes the dashboard (every few frames; it scans the metrics).
    pub fn publish_analytics(&self) {
        let window = self.window.get_untracked();
        let selected = self.selected.get_untracked();
        if let Some(d) = self
            .session
            .try_with_value(|s| Dash::read(s.current(), window, selected.as_deref()))
        {
            set_if_changed(self.supervisor, d.supervisor);
            // the band spans the whole run, whatever instant is on screen
            if let Some(b) = self
                .session
                .try_with_value(|s| dashboard::health_band(s.live()))
            {
                set_if_changed(self.band, b);
            }

            set_if_changed(self.charts, d.charts);
            set_if_changed(self.dashboard, d.numbers);
            set_if_changed(self.health, d.health);
            set_if_changed(self.alerts, d.alerts);
            set_if_changed(self.anomalies, d.anomalies);
            set_if_changed(self.patterns, d.patterns);
            set_if_changed(self.rules, d.rules);
            set_if_changed(self.mailboxes, d.mailboxes);
        }
    }

    /// An export of the analytics over the window (`prometheus`, `csv`, `history`,
    /// `statsd`, `json`).
    pub fn export(&self, format: &str) -> Option<Export> {
        let window = self.window.get_untracked();
        self.session
            .try_with_value(|s| dashboard::export(s.current(), format, window))
    }

    /// The log store (read by the event log component).
    pub fn with_log<R>(&self, f: impl FnOnce(&LogStore) -> R) -> R {
        self.log_store.with_value(f)
    }

    /// One animation frame at `timestamp_ms`.
    fn on_frame(&self, timestamp_ms: f64) {
        // rows removed before this frame: the views that read them are gone by now
        let old = self
            .frame_state
            .try_update_value(|f| std::mem::take(&mut f.graveyard));
        for signal in old.unwrap_or_default() {
            signal.dispose();
        }
        let (dt_ms, forward) = self.frame_state.with_value(|f| {
            let dt = match f.last_ms {
                Some(last) if timestamp_ms > last => timestamp_ms - last,
                _ => 0.0,
            };
            (dt, f.forward)
        });
        self.frame_state.update_value(|f| {
            f.last_ms = Some(timestamp_ms);
            f.now_ms = timestamp_ms;
            f.frames += 1;
        });
        // slices of steps until the frame's simulation time is used (at least one slice)
        let deadline = timestamp_ms + SIM_MS_PER_FRAME;
        let mut dt_us = (dt_ms * 1000.0) as u64;
        loop {
            let done = match forward {
                Some((_, to)) => {
                    let there = self
                        .session
                        .try_update_value(|s| s.head_us() >= to || s.forward_to(to, SLICE_STEPS))
                        .unwrap_or(true);
                    if there {
                        self.frame_state.update_value(|f| f.forward = None);
                    }
                    there
                }
                None => self
                    .session
                    .try_update_value(|s| s.frame(dt_us, SLICE_STEPS))
                    .unwrap_or(true),
            };
            dt_us = 0;
            if done || now_ms() >= deadline {
                break;
            }
        }
        self.publish(false);
        // debounced: the address bar follows twice a second
        if self.frame_state.with_value(|f| f.frames % 30 == 0) {
            self.follow_in_address_bar();
        }
        let now_ms = timestamp_ms;
        if self
            .pulses
            .with_untracked(|p| p.iter().any(|x| !travelling(x, now_ms)))
        {
            self.pulses.update(|p| p.retain(|x| travelling(x, now_ms)));
        }
    }

    /// Starts the `requestAnimationFrame` loop; it stops when the owning component is cleaned up.
    pub fn start(self) {
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = stopped.clone();
        on_cleanup(move || flag.store(true, Ordering::Relaxed));
        animation_loop(move |timestamp_ms| {
            if stopped.load(Ordering::Relaxed) {
                return false;
            }
            self.on_frame(timestamp_ms);
            true
        });
    }
}

/// The page's clock (ms), for the frame's time budget; the simulation never reads it.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The `requestAnimationFrame` callback, shared with itself so it can re-arm.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `frame` on every animation frame while it returns true.
pub(crate) fn animation_loop(mut frame: impl FnMut(f64) -> bool + 'static) {
    let slot: FrameSlot = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |timestamp_ms: f64| {
        if frame(timestamp_ms) {
            request_frame(&again);
        } else {
            // Breaks the Rc cycle so the closure is freed.
            again.borrow_mut().take();
        }
    }));
    request_frame(&slot);
}

fn request_frame(slot: &FrameSlot) {
    if let (Some(window), Some(closure)) = (web_sys::window(), slot.borrow().as_ref()) {
        // Only fails when there is no browsing context left; the loop then just ends.
        let _ = window.request_animation_frame(closure.as_ref().unchecked_ref());
    }
}
