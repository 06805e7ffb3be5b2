//! Supervisor analytics (seed 000): restart history per supervisor, stats of all
//! supervisors, failure rate over a window, and the intensity budget — computed from the
//! simulator's telemetry events as they happen (nothing polls, no restart is missed).
//!
//! Supervisors are keyed by path, so a supervisor that crashes and is restarted keeps
//! one entry: `restarts` sums its incarnations, while the intensity window starts afresh
//! with each incarnation, as OTP's does.

use crate::paths::Paths;
use otp_lab_sim::event::{Event, EventKind, ReportContext, StartCause};
use otp_lab_sim::supervisor::children::RestartWindow;
use otp_lab_sim::{Pid, Term};
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::rc::Rc;

/// Restart records kept per supervisor by default (seed 000's bound).
pub const DEFAULT_HISTORY: usize = 1000;

/// Why a child (re)started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The supervisor restarted it on its own (counted in `restarts`).
    Restart,
    /// `start_child`.
    StartChild,
    /// `restart_child`.
    RestartChild,
    /// The supervisor was resumed.
    Resume,
}

impl Cause {
    /// The cause's name in exports.
    pub fn name(self) -> &'static str {
        match self {
            Cause::Restart => "restart",
            Cause::StartChild => "start_child",
            Cause::RestartChild => "restart_child",
            Cause::Resume => "resume",
        }
    }
}

/// One entry of a supervisor's restart history.
#[derive(Clone, Debug, PartialEq)]
pub struct RestartRecord {
    /// Virtual time in microseconds.
    pub t_us: u64,
    /// The child's path.
    pub child: Rc<str>,
    /// The exit reason that led to it; `None` for starts that were asked for.
    pub reason: Option<Term>,
    pub cause: Cause,
}

impl RestartRecord {
    /// The reason as Erlang prints it (`killed`, `{shutdown,x}`), or the API call.
    pub fn reason_text(&self) -> String {
        match &self.reason {
            Some(t) => t.to_text(),
            None => self.cause.name().to_string(),
        }
    }
}

/// Everything known about one supervisor (by path).
#[derive(Clone, Debug, PartialEq)]
pub struct SupervisorStats {
    pub path: String,
    /// Automatic restarts, summed over incarnations.
    pub restarts: u64,
    /// Automatic restarts by the current (or last) incarnation.
    pub incarnation_restarts: u64,
    /// How many times a supervisor with this path started.
    pub incarnations: u64,
    /// Child exits the supervisor reported (`child_terminated`).
    pub failures: u64,
    pub intensity: u32,
    pub period: u32,
    /// Whether the latest incarnation is alive.
    pub alive: bool,
    /// The newest records (at most the configured history size).
    pub history: VecDeque<RestartRecord>,
    failure_times: VecDeque<u64>,
    window: RestartWindow,
}

/// An analytics query about a supervisor that was never seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSupervisor(pub String);

impl fmt::Display for UnknownSupervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown supervisor \"{}\"", self.0)
    }
}

impl std::error::Error for UnknownSupervisor {}

/// The restart tracker, fed by [`RestartAnalytics::on_event`].
#[derive(Clone, Debug)]
pub struct RestartAnalytics {
    history_size: usize,
    by_path: BTreeMap<Rc<str>, SupervisorStats>,
    sup_path: HashMap<Pid, Rc<str>>,
    paths: Paths,
    /// Reason of the last reported exit of each child path (for the next restart).
    pending: HashMap<Rc<str>, Term>,
    /// Reason of each supervisor's last reported child exit (for group restarts).
    last_reason: HashMap<Pid, Term>,
}

impl Default for RestartAnalytics {
    fn default() -> Self {
        RestartAnalytics::new(DEFAULT_HISTORY)
    }
}

impl RestartAnalytics {
    /// The event kinds the tracker needs.
    pub const KINDS: &'static [EventKind] = &[
        EventKind::InitStart,
        EventKind::ChildStarted,
        EventKind::Report,
        EventKind::RestartCounted,
        EventKind::Exit,
    ];

    /// A tracker keeping `history_size` records per supervisor (at least 1).
    pub fn new(history_size: usize) -> RestartAnalytics {
        RestartAnalytics {
            history_size: history_size.max(1),
            by_path: BTreeMap::new(),
            sup_path: HashMap::default(),
            paths: Paths::default(),
            pending: HashMap::default(),
            last_reason: HashMap::default(),
        }
    }

    /// The path of the live supervisor `pid`, if it is one.
    pub(crate) fn sup_path(&self, pid: Pid) -> Option<&Rc<str>> {
        self.sup_path.get(&pid)
    }

    /// The shared string for a path seen in an event.
    pub(crate) fn intern(&mut self, bytes: &[u8]) -> Rc<str> {
        self.paths.get(bytes)
    }

    /// Handles one event.
    pub fn on_event(&mut self, e: &Event<'_>) {
        match e.kind {
            EventKind::InitStart => self.on_init(e),
            EventKind::ChildStarted => self.on_child_started(e),
            EventKind::Report => {
                let Some([Term::Binary(label), reason]) = e.term.as_tuple() else {
                    return;
                };
                if ReportContext::from_code(e.info) == Some(ReportContext::ChildTerminated) {
                    let label = self.paths.get(label);
                    if let Some(s) = self
                        .sup_path
                        .get(&e.pid)
                        .and_then(|p| self.by_path.get_mut(p))
                    {
                        s.failures += 1;
                        s.failure_times.push_back(e.time);
                        if s.failure_times.len() > self.history_size {
                            s.failure_times.pop_front();
                        }
                    }
                    self.pending.insert(label, reason.clone());
                    self.last_reason.insert(e.pid, reason.clone());
                }
            }
            EventKind::RestartCounted => {
                if let Some(s) = self
                    .sup_path
                    .get(&e.pid)
                    .and_then(|p| self.by_path.get_mut(p))
                {
                    s.window.add(e.time / 1_000_000, s.period, s.intensity);
                }
            }
            EventKind::Exit => {
                if let Some(path) = self.sup_path.remove(&e.pid) {
                    self.last_reason.remove(&e.pid);
                    if let Some(s) = self.by_path.get_mut(&path) {
                        s.alive = false;
                    }
                }
            }
            _ => {}
        }
    }

    fn on_init(&mut self, e: &Event<'_>) {
        let Some([strategy, Term::Binary(path), Term::Int(intensity), Term::Int(period)]) =
            e.term.as_tuple()
        else {
            return; // a worker's init
        };
        let _ = strategy;
        let path = self.paths.get(path);
        self.sup_path.insert(e.pid, path.clone());
        let s = self
            .by_path
            .entry(path.clone())
            .or_insert_with(|| SupervisorStats {
                path: path.to_string(),
                restarts: 0,
                incarnation_restarts: 0,
                incarnations: 0,
                failures: 0,
                intensity: 0,
                period: 1,
                alive: true,
                history: VecDeque::new(),
                failure_times: VecDeque::new(),
                window: RestartWindow::default(),
            });
        s.incarnations += 1;
        s.incarnation_restarts = 0;
        s.intensity = (*intensity).clamp(0, u32::MAX as i64) as u32;
        s.period = (*period).clamp(1, u32::MAX as i64) as u32;
        s.alive = true;
        s.window = RestartWindow::default();
    }

    fn on_child_started(&mut self, e: &Event<'_>) {
        let cause = match StartCause::from_code(e.info) {
            Some(StartCause::Restart) => Cause::Restart,
            Some(StartCause::StartChild) => Cause::StartChild,
            Some(StartCause::RestartChild) => Cause::RestartChild,
            Some(StartCause::Resume) => Cause::Resume,
            Some(StartCause::Init) | None => return,
        };
        let Some(path) = self.sup_path.get(&e.pid) else {
            return;
        };
        let child = match e.term.as_tuple() {
            Some([_, Term::Binary(b)]) => self.paths.get(b),
            _ => Rc::from(""),
        };
        let reason = match cause {
            Cause::Restart => Some(
                self.pending
                    .remove(&child)
                    .or_else(|| self.last_reason.get(&e.pid).cloned())
                    .unwrap_or(Term::SHUTDOWN),
            ),
            _ => None,
        };
        let Some(s) = self.by_path.get_mut(path) else {
            return;
        };
        if cause == Cause::Restart {
            s.restarts += 1;
            s.incarnation_restarts += 1;
        }
        s.history.push_back(RestartRecord {
            t_us: e.time,
            child,
            reason,
            cause,
        });
        if s.history.len() > self.history_size {
            s.history.pop_front();
        }
    }

    /// The stats of one supervisor.
    pub fn stats(&self, path: &str) -> Result<&SupervisorStats, UnknownSupervisor> {
        self.by_path
            .get(path)
            .ok_or_else(|| UnknownSupervisor(path.to_string()))
    }

    /// Every supervisor seen, by path.
    pub fn all_stats(&self) -> impl Iterator<Item = &SupervisorStats> {
        self.by_path.values()
    }

    /// The restart history of one supervisor, oldest first.
    pub fn restart_history(
        &self,
        path: &str,
    ) -> Result<&VecDeque<RestartRecord>, UnknownSupervisor> {
        self.stats(path).map(|s| &s.history)
    }

    /// Child failures per second over the `window_us` before `now_us`.
    pub fn failure_rate(
        &self,
        path: &str,
        now_us: u64,
        window_us: u64,
    ) -> Result<f64, UnknownSupervisor> {
        let s = self.stats(path)?;
        let from = now_us.saturating_sub(window_us);
        let n = s
            .failure_times
            .iter()
            .filter(|t| **t >= from && **t <= now_us)
            .count();
        Ok(n as f64 / (window_us.max(1) as f64 / 1e6))
    }

    /// Restarts the supervisor may still make in its current period at `now_us` (OTP's
    /// whole-second window); 0 once it gave up.
    pub fn intensity_budget(&self, path: &str, now_us: u64) -> Result<u64, UnknownSupervisor> {
        let s = self.stats(path)?;
        if !s.alive {
            return Ok(0);
        }
        let used = s.window.count_at(now_us / 1_000_000, s.period);
        Ok((s.intensity as u64).saturating_sub(used))
    }
}
