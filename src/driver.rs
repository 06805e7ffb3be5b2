//! The browser side of a session: [`LabHandle`] keeps the [`Session`] in a local stored
//! value, runs it one animation frame at a time (within a step budget, so the page keeps
//! its frame rate), and publishes the view model through signals. Components read the
//! signals and send commands back through the handle; data flows one way.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::charts::{dashboard_charts, Chart};
use crate::view_model::tree::{auto_collapse, layout};
use crate::view_model::{format_time_us, LogFilter, LogStore, TreeRow};
use otp_lab_analytics::export::Snapshot;
use otp_lab_session::link::{self, Link};
use otp_lab_session::session::Cursor;
use otp_lab_session::{Experiment, Session};
use otp_lab_sim::lab::inspect::ProcInfo;
use otp_lab_sim::lab::presets::PRESETS;

/// Seed of a new lab.
pub const DEFAULT_SEED: u64 = 1;
/// Console transcript entries kept.
pub const CONSOLE_KEPT: usize = 500;
/// Supervisors with more children than this start folded.
pub const FOLD_ABOVE: usize = 50;
/// How long an exit signal takes to travel along a link (ms, wall clock).
pub const PULSE_MS: f64 = 900.0;
/// Wall-clock time the simulation may use in one animation frame, counted from the frame's
/// start (shared by every lab on the page: the Compare sandboxes split it), so the page
/// keeps its frame rate at any speed, including max and a fast-forward.
pub const SIM_MS_PER_FRAME: f64 = 9.0;
/// Steps between two looks at the clock.
const SLICE_STEPS: u32 = 1_000;

/// One tree row with a signal of its own, so that an update re-renders only the fields that
/// changed and keeps the row's DOM (and the keyboard focus).
#[derive(Clone, Debug, PartialEq)]
pub struct RowCell {
    pub path: String,
    pub row: RwSignal<TreeRow>,
}

/// One console exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    pub n: usize,
    pub input: String,
    pub output: String,
    pub ok: bool,
}

/// An exit signal travelling from one node to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Pulse {
    pub key: usize,
    pub from: String,
    pub to: String,
    pub born_ms: f64,
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
    pub dashboard: RwSignal<BTreeMap<String, f64>>,
    pub health: RwSignal<(String, Vec<String>)>,
    pub alerts: RwSignal<Vec<(String, String)>>,
    /// Restart-rate anomalies: (when, text), newest first.
    pub anomalies: RwSignal<Vec<(String, String)>>,
    /// Restart patterns found (storms, cascades, periodic failures): (when, text), newest
    /// first.
    pub patterns: RwSignal<Vec<(String, String)>>,
    /// The longest mailboxes: (process, messages waiting), longest first.
    pub mailboxes: RwSignal<Vec<(String, usize)>>,
    /// The open tab of the bottom panel (part of a share link).
    pub tab: RwSignal<&'static str>,
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
    last_link: Option<Link>,
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
                now: format_time_us(0),
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
            dashboard: RwSignal::new(BTreeMap::new()),
            health: RwSignal::new(("healthy".into(), Vec::new())),
            alerts: RwSignal::new(Vec::new()),
            mailboxes: RwSignal::new(Vec::new()),
            anomalies: RwSignal::new(Vec::new()),
            patterns: RwSignal::new(Vec::new()),
            tab: RwSignal::new("log"),
            follows_url: RwSignal::new(false),
            embed: RwSignal::new(false),
            error: RwSignal::new(error),
            frame_state: StoredValue::new_local(FrameState::default()),
        };
        handle.fold_big_subtrees();
        handle.publish(true);
        handle
    }

    /// A handle on the experiment in the page's URL fragment (the default lab, with a
    /// clear message, if the link is malformed). The address bar then follows the
    /// experiment as it changes.
    pub fn from_location() -> LabHandle {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        let fragment = hash.trim_start_matches('#');
        let embed = fragment.starts_with("embed");
        let (handle, link) = if fragment.is_empty() || fragment == "embed" {
            (LabHandle::new(PRESETS[0].id, DEFAULT_SEED), None)
        } else {
            match link::decode(fragment) {
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
            if let Some(tab) = l.tab.as_deref().and_then(tab_id) {
                handle.tab.set(tab);
            }
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
        let now = handle.link();
        handle.frame_state.update_value(|f| f.last_link = Some(now));
        handle.follows_url.set(true);
        handle
    }

    /// The share link of what is on screen now.
    pub fn link(&self) -> Link {
        let (experiment, cursor) = self.session.with_value(|s| {
            let cursor = (s.cursor() != Cursor::Live).then(|| s.current().lab.now_us());
            (s.experiment().clone(), cursor)
        });
        Link {
            experiment,
            cursor_us: cursor,
            selected: self.selected.get_untracked(),
            tab: Some(self.tab.get_untracked().to_string()),
            lesson: None,
            progress: None,
        }
    }

    /// The page's URL for the current experiment (embedded or not).
    pub fn share_url(&self, embed: bool) -> String {
        let base = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let base = base.split('#').next().unwrap_or("").to_string();
        let prefix = if embed { "embed." } else { "" };
        format!("{base}#{prefix}{}", link::encode(&self.link()))
    }

    /// Writes the link into the address bar when the experiment changed (no history
    /// entry, as a playground does).
    fn follow_in_address_bar(&self) {
        if !self.follows_url.get_untracked() {
            return;
        }
        let l = self.link();
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
        let fragment = format!("#{prefix}{}", link::encode(&l));
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&fragment));
        }
        self.frame_state.update_value(|f| f.last_link = Some(l));
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

    /// Copies the session's state into the signals, touching only what changed.
    pub fn publish(&self, full: bool) {
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
            let status = Status {
                now: format_time_us(now_us),
                now_us,
                events: run.lab.world().log.total(),
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
        if !live || len <= from || len - from > 200 {
            return;
        }
        let new: Vec<Pulse> = self.session.with_value(|s| {
            let lab = &s.current().lab;
            lab.log_lines(from, len)
                .into_iter()
                .filter(|l| l.kind == "signal")
                .filter_map(|l| {
                    let to = l.path.clone()?;
                    let from = l.other_path.clone().filter(|f| *f != to)?;
                    Some(Pulse {
                        key: l.index,
                        from,
                        to,
                        born_ms: now_ms,
                    })
                })
                .collect()
        });
        if !new.is_empty() {
            self.pulses.update(|p| {
                p.retain(|x| now_ms - x.born_ms < PULSE_MS);
                p.extend(new);
            });
        }
    }

    /// Recomputes the dashboard (every few frames; it scans the metrics).
    pub fn publish_analytics(&self) {
        let got = self.session.try_with_value(|s| {
            let run = s.current();
            let now = run.lab.now_us();
            let mut server = run.analytics.borrow_mut();
            server.sync();
            let span = now.clamp(10_000_000, 60_000_000);
            let numbers = server.dashboard(now, 10_000_000);
            // the alert rules read the same dashboard (not computed a second time)
            let alerts =
                otp_lab_analytics::health::check_alerts(&otp_lab_analytics::health::default_rules(), &numbers);
            Dash {
                charts: dashboard_charts(&server.metrics, now, span),
                numbers,
                health: {
                    let h = server.health(run.lab.world(), now);
                    (h.status.name().to_string(), h.reasons)
                },
                alerts: alerts
                    .into_iter()
                    .map(|a| {
                        let text = format!(
                            "{}: {} = {:.2} (threshold {})",
                            a.rule, a.field, a.value, a.threshold
                        );
                        (a.severity.name().to_string(), text)
                    })
                    .collect(),
                patterns: server
                    .patterns
                    .found
                    .iter()
                    .rev()
                    .take(10)
                    .map(|p| (format_time_us(p.at_us()), p.describe()))
                    .collect(),
                anomalies: server
                    .anomalies()
                    .iter()
                    .rev()
                    .take(10)
                    .map(|(t, a)| {
                        let text = format!(
                            "restart rate {:.1}/s against a baseline of {:.1}/s ({:.1} standard deviations)",
                            a.value, a.baseline, a.score
                        );
                        (format_time_us(*t), text)
                    })
                    .collect(),
                mailboxes: longest_mailboxes(&run.lab, 8),
            }
        });
        if let Some(d) = got {
            set_if_changed(self.charts, d.charts);
            set_if_changed(self.dashboard, d.numbers);
            set_if_changed(self.health, d.health);
            set_if_changed(self.alerts, d.alerts);
            set_if_changed(self.anomalies, d.anomalies);
            set_if_changed(self.patterns, d.patterns);
            set_if_changed(self.mailboxes, d.mailboxes);
        }
    }

    /// An export of the analytics at the cursor: `(file name, MIME type, text)`.
    pub fn export(&self, format: &str) -> Option<(String, &'static str, String)> {
        self.session.try_with_value(|s| {
            let run = s.current();
            let now = run.lab.now_us();
            let mut server = run.analytics.borrow_mut();
            let snap = Snapshot::take_all(&mut server, run.lab.world(), now, now.max(1_000_000));
            match format {
                "prometheus" => (
                    "otp-lab-metrics.prom".into(),
                    "text/plain",
                    snap.to_prometheus(),
                ),
                "csv" => ("otp-lab-supervisors.csv".into(), "text/csv", snap.to_csv()),
                "statsd" => (
                    "otp-lab-metrics.statsd".into(),
                    "text/plain",
                    snap.to_statsd(),
                ),
                _ => (
                    "otp-lab-metrics.json".into(),
                    "application/json",
                    format!("{:#}", snap.to_json()),
                ),
            }
        })
    }

    /// Runs a console line; records the exchange in the transcript.
    pub fn run_line(&self, line: &str) {
        let line = line.trim().to_string();
        if line.is_empty() {
            return;
        }
        if line == "clear" {
            self.console.set(Vec::new());
            return;
        }
        let result = self.session.try_update_value(|s| s.exec(&line));
        let (output, ok) = match result {
            Some(Ok(out)) => (out, true),
            Some(Err(e)) => (e, false),
            None => return,
        };
        self.console.update(|c| {
            let n = c.last().map_or(1, |e| e.n + 1);
            c.push(ConsoleEntry {
                n,
                input: line,
                output,
                ok,
            });
            if c.len() > CONSOLE_KEPT {
                c.remove(0);
            }
        });
        self.publish(true);
    }

    pub fn select(&self, path: Option<String>) {
        self.selected.set(path);
        self.publish(false);
    }

    pub fn toggle_collapse(&self, path: &str) {
        self.collapsed.update(|c| {
            if !c.remove(path) {
                c.insert(path.to_string());
            }
        });
        self.invalidate();
        self.publish(false);
    }

    pub fn set_filter(&self, f: LogFilter) {
        self.log_filter.set(f);
        let len = self.session.with_value(|s| s.current().lab.log_len());
        let filter = self.log_filter.get_untracked();
        self.log_store.update_value(|st| st.set_filter(filter));
        self.pull_log(len);
        self.log_version.update(|v| *v += 1);
    }

    /// The log store (read by the event log component).
    pub fn with_log<R>(&self, f: impl FnOnce(&LogStore) -> R) -> R {
        self.log_store.with_value(f)
    }

    pub fn toggle_play(&self) {
        self.session.update_value(|s| {
            if s.cursor() != Cursor::Live {
                s.go_live();
                s.playing = true;
            } else {
                s.playing = !s.playing;
            }
        });
        self.frame_state.update_value(|f| f.last_ms = None);
        self.publish(true);
    }

    pub fn set_speed(&self, speed: f64) {
        self.session.update_value(|s| s.speed = speed);
        self.publish(false);
    }

    pub fn step_forward(&self) {
        self.session.update_value(|s| {
            s.playing = false;
            s.step_forward();
        });
        self.publish(true);
    }

    pub fn step_back(&self) {
        self.session.update_value(|s| {
            s.playing = false;
            s.step_back();
        });
        self.publish(true);
    }

    pub fn scrub_to(&self, t_us: u64) {
        self.session.update_value(|s| s.scrub_to_time(t_us));
        self.publish(true);
    }

    pub fn jump_to_line(&self, index: usize) {
        self.session.update_value(|s| {
            s.playing = false;
            s.scrub_to_line(index);
        });
        self.publish(true);
    }

    pub fn go_live(&self) {
        self.session.update_value(Session::go_live);
        self.publish(true);
    }

    /// Starts a preset (or restarts the current one) with `seed`.
    pub fn load(&self, preset: &str, seed: u64) {
        self.load_experiment(Experiment::preset(preset, seed));
    }

    /// Restarts the current tree (preset or edited scenario) from time 0 with `seed`,
    /// dropping the commands.
    pub fn restart(&self, seed: u64) {
        let source = self.session.with_value(|s| s.experiment().source.clone());
        self.load_experiment(Experiment {
            source,
            seed,
            actions: Vec::new(),
        });
    }

    /// Starts an experiment from time 0 (its commands replayed).
    pub fn load_experiment(&self, exp: Experiment) {
        let res = self.session.try_update_value(|s| s.reset(exp));
        match res {
            Some(Ok(())) => {
                self.error.set(None);
                self.selected.set(None);
                self.fold_big_subtrees();
                self.console.set(Vec::new());
                self.pulses.set(Vec::new());
                self.log_store.update_value(LogStore::clear);
                self.frame_state.update_value(|f| {
                    f.pulsed = 0;
                    f.forward = None;
                });
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        }
        self.publish(true);
    }

    /// Fast-forwards the head by `dt_us` of virtual time, in frames (cancellable).
    pub fn fast_forward(&self, dt_us: u64) {
        let head = self.session.with_value(|s| s.head_us());
        self.session.update_value(|s| s.go_live());
        self.frame_state
            .update_value(|f| f.forward = Some((head, head.saturating_add(dt_us))));
        self.publish(false);
    }

    pub fn cancel_forward(&self) {
        self.frame_state.update_value(|f| f.forward = None);
        self.publish(false);
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
            .with_untracked(|p| p.iter().any(|x| now_ms - x.born_ms >= PULSE_MS))
        {
            self.pulses
                .update(|p| p.retain(|x| now_ms - x.born_ms < PULSE_MS));
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

/// The tab ids a link may name.
pub const TAB_IDS: &[&str] = &["log", "console", "analytics", "faults"];

/// The page's clock (ms), for the frame's time budget; the simulation never reads it.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The static id of a tab named in a link (unknown names are ignored).
fn tab_id(name: &str) -> Option<&'static str> {
    TAB_IDS.iter().copied().find(|t| *t == name)
}

/// What the analytics tab shows.
struct Dash {
    charts: Vec<Chart>,
    numbers: BTreeMap<String, f64>,
    health: (String, Vec<String>),
    alerts: Vec<(String, String)>,
    anomalies: Vec<(String, String)>,
    patterns: Vec<(String, String)>,
    mailboxes: Vec<(String, usize)>,
}

/// The `n` longest mailboxes of the lab's processes (the shell excluded), longest first.
fn longest_mailboxes(lab: &otp_lab_sim::lab::Lab, n: usize) -> Vec<(String, usize)> {
    let mut boxes: Vec<(String, usize)> = lab
        .world()
        .processes()
        .filter(|p| p.pid != lab.shell())
        .map(|p| {
            let name = lab
                .path_of(p.pid)
                .map_or_else(|| p.pid.to_string(), |path| format!("{path} {}", p.pid));
            (name, p.message_queue_len())
        })
        .collect();
    boxes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    boxes.truncate(n);
    boxes
}

/// Brings `cells` in line with `rows`: same paths in the same order only update the rows'
/// signals; otherwise the list is rebuilt, reusing the signals of paths that remain.
/// New signals belong to `owner`; the signals of paths that are gone are returned, for the
/// caller to dispose of once the views that read them have gone (a frame later).
pub fn reconcile_rows(
    owner: &Owner,
    cells: RwSignal<Vec<RowCell>>,
    rows: Vec<TreeRow>,
) -> Vec<RwSignal<TreeRow>> {
    let same_paths = cells.with_untracked(|cells| {
        cells.len() == rows.len() && cells.iter().zip(&rows).all(|(c, r)| c.path == r.path)
    });
    if same_paths {
        cells.with_untracked(|cells| {
            for (cell, row) in cells.iter().zip(rows) {
                set_if_changed(cell.row, row);
            }
        });
        return Vec::new();
    }
    let mut old: BTreeMap<String, RwSignal<TreeRow>> =
        cells.with_untracked(|cells| cells.iter().map(|c| (c.path.clone(), c.row)).collect());
    let new: Vec<RowCell> = rows
        .into_iter()
        .map(|row| {
            let path = row.path.clone();
            let signal = match old.remove(&path) {
                Some(signal) => {
                    set_if_changed(signal, row);
                    signal
                }
                None => owner.with(|| RwSignal::new(row)),
            };
            RowCell { path, row: signal }
        })
        .collect();
    cells.set(new);
    old.into_values().collect()
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|old| *old != value) {
        signal.set(value);
    }
}

/// The `requestAnimationFrame` callback, shared with itself so it can re-arm.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `frame` on every animation frame while it returns true.
fn animation_loop(mut frame: impl FnMut(f64) -> bool + 'static) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconcile_keeps_the_signals_of_remaining_rows() {
        let owner = Owner::new();
        owner.set();
        let s = Session::new(Experiment::preset("demo", 1)).unwrap();
        let rows = layout(&s.current().lab.tree(), &BTreeSet::new());
        let cells = RwSignal::new(Vec::<RowCell>::new());
        reconcile_rows(&owner, cells, rows.clone());
        let first = cells.get_untracked();
        assert_eq!(first.len(), rows.len());

        let mut changed = rows.clone();
        changed[1].restarts += 1;
        reconcile_rows(&owner, cells, changed.clone());
        let second = cells.get_untracked();
        assert_eq!(second[1].row, first[1].row, "same signal, updated in place");
        assert_eq!(second[1].row.get_untracked(), changed[1]);

        let fewer: Vec<TreeRow> = changed
            .into_iter()
            .filter(|r| r.path != first[2].path)
            .collect();
        let gone = reconcile_rows(&owner, cells, fewer.clone());
        let third = cells.get_untracked();
        assert_eq!(
            third.iter().map(|c| c.path.clone()).collect::<Vec<_>>(),
            fewer.iter().map(|r| r.path.clone()).collect::<Vec<_>>()
        );
        assert_eq!(third[1].row, first[1].row);
        assert_eq!(
            gone,
            vec![first[2].row],
            "the removed row's signal is handed back"
        );
    }
}
