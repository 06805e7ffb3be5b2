//! Supervisor analytics (seed 000): restart history per supervisor, stats of all
//! supervisors, failure rate over a window, and the intensity budget — computed from the
//! simulator's telemetry events as they happen (nothing polls, no restart is missed).
//!
//! Supervisors are keyed by path, so a supervisor that crashes and is restarted keeps
//! one entry: `restarts` sums its incarnations, while the intensity window starts afresh
//! with each incarnation, as OTP's does.

use crate::paths::{slot, PathId, Paths};
use otp_lab_sim::event::{Event, EventKind, ReportContext, StartCause};
use otp_lab_sim::supervisor::children::RestartWindow;
use otp_lab_sim::{Pid, Term};
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
///
/// Every table is a `Vec` indexed by a dense id (path id or process-table slot), so an
/// event costs a few index operations and no hashing.
#[derive(Clone, Debug)]
pub struct RestartAnalytics {
    history_size: usize,
    paths: Paths,
    /// Stats of each supervisor path, and where each path's stats are (index + 1).
    stats: Vec<SupervisorStats>,
    stats_of: Vec<u32>,
    /// Supervisor paths in name order (for queries and exports).
    by_name: BTreeMap<Rc<str>, u32>,
    /// Live supervisors by process-table slot.
    sups: Vec<SupSlot>,
    /// Reason of the last reported exit of each child path (for the next restart).
    pending: Vec<Option<Term>>,
}

/// The supervisor and child an event was about (0: none or unknown), and for a report
/// about a child that failed or made its supervisor give up, which of the two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    pub sup: PathId,
    pub child: PathId,
    pub report: Option<ReportContext>,
}

/// A live supervisor in its process-table slot.
#[derive(Clone, Debug, Default)]
struct SupSlot {
    /// Serial of the supervisor holding the slot (0: none).
    serial: u32,
    path: PathId,
    /// Reason of its last reported child exit (for group restarts).
    last_reason: Option<Term>,
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
            paths: Paths::default(),
            stats: Vec::new(),
            stats_of: Vec::new(),
            by_name: BTreeMap::new(),
            sups: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The path of the live supervisor `pid`, if it is one.
    #[inline]
    pub(crate) fn sup_path(&self, pid: Pid) -> Option<PathId> {
        match self.sups.get(pid.slot() as usize) {
            Some(s) if s.serial == pid.serial() && s.serial != 0 => Some(s.path),
            _ => None,
        }
    }

    /// The path interner (shared with the server).
    pub(crate) fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The path of the child a `Report` names: by the world's path id the event carries
    /// (an index), or by the label's bytes (`sup/id*N` labels, events read from the log).
    #[inline]
    pub(crate) fn report_child(&mut self, e: &Event<'_>, label: &[u8]) -> PathId {
        self.paths.resolve(e.path, label)
    }

    fn stats_mut(&mut self, path: PathId) -> Option<&mut SupervisorStats> {
        match self.stats_of.get(path as usize) {
            Some(&i) if i != 0 => self.stats.get_mut(i as usize - 1),
            _ => None,
        }
    }

    /// Handles one event.
    pub fn on_event(&mut self, e: &Event<'_>) {
        self.observe(e);
    }

    /// Handles one event and tells which supervisor and child it was about, so the
    /// analytics server reuses the lookups instead of repeating them.
    #[inline]
    pub(crate) fn observe(&mut self, e: &Event<'_>) -> Seen {
        match e.kind {
            EventKind::InitStart => self.on_init(e),
            EventKind::ChildStarted => return self.on_child_started(e),
            EventKind::Report => {
                let Some([Term::Binary(label), reason]) = e.term.as_tuple() else {
                    return Seen::default();
                };
                let ctx = ReportContext::from_code(e.info);
                if !matches!(
                    ctx,
                    Some(ReportContext::ChildTerminated | ReportContext::Shutdown)
                ) {
                    return Seen::default();
                }
                let child = self.report_child(e, label);
                let sup = self.sup_path(e.pid);
                let seen = Seen {
                    sup: sup.unwrap_or(0),
                    child,
                    report: ctx,
                };
                if ctx != Some(ReportContext::ChildTerminated) {
                    return seen;
                }
                let history = self.history_size;
                if let Some(sup) = sup {
                    if let Some(s) = self.stats_mut(sup) {
                        s.failures += 1;
                        s.failure_times.push_back(e.time);
                        if s.failure_times.len() > history {
                            s.failure_times.pop_front();
                        }
                    }
                    self.sups[e.pid.slot() as usize].last_reason = Some(reason.clone());
                }
                *slot(&mut self.pending, child) = Some(reason.clone());
                return seen;
            }
            EventKind::RestartCounted => {
                if let Some(sup) = self.sup_path(e.pid) {
                    if let Some(s) = self.stats_mut(sup) {
                        s.window.add(e.time / 1_000_000, s.period, s.intensity);
                    }
                }
            }
            EventKind::Exit => {
                if let Some(sup) = self.sup_path(e.pid) {
                    self.sups[e.pid.slot() as usize] = SupSlot::default();
                    if let Some(s) = self.stats_mut(sup) {
                        s.alive = false;
                    }
                }
            }
            _ => {}
        }
        Seen::default()
    }

    fn on_init(&mut self, e: &Event<'_>) {
        let Some([_strategy, Term::Binary(path), Term::Int(intensity), Term::Int(period)]) =
            e.term.as_tuple()
        else {
            return; // a worker's init
        };
        let path = self.paths.resolve(e.path, path);
        *slot(&mut self.sups, e.pid.slot()) = SupSlot {
            serial: e.pid.serial(),
            path,
            last_reason: None,
        };
        if *slot(&mut self.stats_of, path) == 0 {
            let name = self.paths.name(path).clone();
            self.stats.push(SupervisorStats {
                path: name.to_string(),
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
            self.stats_of[path as usize] = self.stats.len() as u32;
            self.by_name.insert(name, self.stats.len() as u32 - 1);
        }
        let s = self.stats_mut(path).expect("just added");
        s.incarnations += 1;
        s.incarnation_restarts = 0;
        s.intensity = (*intensity).clamp(0, u32::MAX as i64) as u32;
        s.period = (*period).clamp(1, u32::MAX as i64) as u32;
        s.alive = true;
        s.window = RestartWindow::default();
    }

    fn on_child_started(&mut self, e: &Event<'_>) -> Seen {
        let child = match e.term.as_tuple() {
            Some([_, Term::Binary(b)]) => self.paths.resolve(e.path, b),
            _ => 0,
        };
        let cause = match StartCause::from_code(e.info) {
            Some(StartCause::Restart) => Cause::Restart,
            Some(StartCause::StartChild) => Cause::StartChild,
            Some(StartCause::RestartChild) => Cause::RestartChild,
            Some(StartCause::Resume) => Cause::Resume,
            Some(StartCause::Init) | None => {
                return Seen {
                    child,
                    ..Seen::default()
                }
            }
        };
        let Some(sup) = self.sup_path(e.pid) else {
            return Seen {
                child,
                ..Seen::default()
            };
        };
        let reason = match cause {
            Cause::Restart => Some(
                slot(&mut self.pending, child)
                    .take()
                    .or_else(|| self.sups[e.pid.slot() as usize].last_reason.clone())
                    .unwrap_or(Term::SHUTDOWN),
            ),
            _ => None,
        };
        let name = self.paths.name(child).clone();
        let history = self.history_size;
        let Some(s) = self.stats_mut(sup) else {
            return Seen {
                sup,
                child,
                report: None,
            };
        };
        if cause == Cause::Restart {
            s.restarts += 1;
            s.incarnation_restarts += 1;
        }
        if s.history.len() >= history {
            s.history.pop_front();
        }
        s.history.push_back(RestartRecord {
            t_us: e.time,
            child: name,
            reason,
            cause,
        });
        Seen {
            sup,
            child,
            report: None,
        }
    }

    /// The stats of one supervisor.
    pub fn stats(&self, path: &str) -> Result<&SupervisorStats, UnknownSupervisor> {
        self.by_name
            .get(path)
            .map(|&i| &self.stats[i as usize])
            .ok_or_else(|| UnknownSupervisor(path.to_string()))
    }

    /// Every supervisor seen, by path.
    pub fn all_stats(&self) -> impl Iterator<Item = &SupervisorStats> {
        self.by_name.values().map(|&i| &self.stats[i as usize])
    }

    /// The restart history of one supervisor, oldest first.
    pub fn restart_history(
        &self,
        path: &str,
    ) -> Result<&VecDeque<RestartRecord>, UnknownSupervisor> {
        self.stats(path).map(|s| &s.history)
    }

    /// Child failures per second over the `window_us` before `now_us` (or since time 0,
    /// if the run is younger than the window).
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
        // over the part of the window that has happened (as the metrics engine's rates)
        Ok(n as f64 / ((now_us - from).max(1) as f64 / 1e6))
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
