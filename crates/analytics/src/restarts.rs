//! Supervisor analytics: restart history per supervisor, stats of all
//! supervisors and failure rate over a window — computed from the simulator's telemetry
//! events as they happen (nothing polls, no restart is missed) — and the intensity
//! budget, read from the live supervisor's own `add_restart/1` window.
//!
//! Supervisors are keyed by path, so a supervisor that crashes and is restarted keeps
//! one entry: `restarts` sums its incarnations, while the intensity window starts afresh
//! with each incarnation, as OTP's does.

use crate::bounded::Bounded;
use crate::paths::{slot, PathId, Paths};
use crate::reasons::{ReasonId, Reasons, NO_REASON};
use otp_lab_sim::behaviour::Behaviour;
use otp_lab_sim::event::{Event, EventKind, Noted, ReportContext, StartCause, SupervisorNote};
use otp_lab_sim::{Pid, Term, World};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// Restart records kept per supervisor by default (the history is bounded: oldest go first).
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
    /// The child's pid before (`Pid::NONE` when it had none, as a first `start_child`).
    pub old_pid: Pid,
    /// The pid it started with.
    pub new_pid: Pid,
    /// For a restart: the restarts the supervisor had counted in its intensity window
    /// with this one (OTP's `add_restart/1`), against `intensity`; 0 otherwise.
    pub in_window: u32,
    /// The supervisor's intensity at the time.
    pub intensity: u32,
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

/// A restart as the history keeps it: the child by path id and the reason by id, named
/// when the history is read (nothing to count references to or drop on every restart).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Row {
    t_us: u64,
    child: PathId,
    /// [`NO_REASON`] for starts that were asked for.
    reason: ReasonId,
    cause: Cause,
    old: Pid,
    new: Pid,
    in_window: u32,
    intensity: u32,
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
    /// The newest records (at most the configured history size; read them with
    /// [`RestartAnalytics::history`]).
    history: Bounded<Row>,
    /// When children failed: each instant with its count (the newest `history_size`
    /// instants; a burst at one instant is one entry).
    failure_times: Bounded<(u64, u32)>,
    /// When it gave up (its intensity ran out) and the child whose failure made it.
    gave_up: Bounded<(u64, PathId)>,
    /// When each incarnation started (the newest `history_size`).
    inits: Bounded<u64>,
    /// The latest incarnation (its intensity window is read from the supervisor itself).
    pid: Pid,
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
    /// What is pending for each child path until its next restart.
    kids: Vec<Kid>,
    /// The exit reasons that rows and kids refer to.
    reasons: Reasons,
}

/// A child path's last failure, until its restart.
#[derive(Clone, Copy, Debug)]
struct Kid {
    /// The reason of its last reported exit ([`NO_REASON`]: it never failed).
    reason: ReasonId,
    /// When it failed, if it was not restarted since ([`NOT_FAILED`] otherwise).
    failed_at: u64,
    /// The pid it last started with.
    pid: Pid,
}

/// [`Kid::failed_at`] of a child restarted since its last failure (or never failed).
const NOT_FAILED: u64 = u64::MAX;

impl Default for Kid {
    fn default() -> Kid {
        Kid {
            reason: NO_REASON,
            failed_at: NOT_FAILED,
            pid: Pid::NONE,
        }
    }
}

/// No path (a supervisor none of whose children failed yet).
const NO_PATH: PathId = PathId::MAX;

/// A [`SupervisorNote`] for an event read from the log.
#[inline]
fn note<'a>(e: &Event<'a>, what: Noted, label: &'a [u8], reason: &'a Term) -> SupervisorNote<'a> {
    SupervisorNote {
        time: e.time,
        supervisor: e.pid,
        child: e.other,
        what,
        path: e.path,
        label,
        reason,
    }
}

/// The supervisor and child an event was about (0: none or unknown), and for a report
/// about a child that failed or made its supervisor give up, which of the two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    pub sup: PathId,
    pub child: PathId,
    pub report: Option<ReportContext>,
    /// For a restart: when the child failed (its recovery time starts there).
    pub failed_at: Option<u64>,
}

/// A live supervisor in its process-table slot.
#[derive(Clone, Copy, Debug, Default)]
struct SupSlot {
    /// Serial of the supervisor holding the slot (0: none).
    serial: u32,
    path: PathId,
    /// Where its stats are.
    stats: u32,
    /// The child whose failure it reported last (for group restarts).
    last_failed: PathId,
    /// Restarts in its intensity window after its latest `add_restart/1`.
    counted: u32,
}

impl Default for RestartAnalytics {
    fn default() -> Self {
        RestartAnalytics::new(DEFAULT_HISTORY)
    }
}

impl RestartAnalytics {
    /// A tracker keeping `history_size` records per supervisor (at least 1).
    pub fn new(history_size: usize) -> RestartAnalytics {
        RestartAnalytics {
            history_size: history_size.max(1),
            paths: Paths::default(),
            stats: Vec::new(),
            stats_of: Vec::new(),
            by_name: BTreeMap::new(),
            sups: Vec::new(),
            kids: Vec::new(),
            reasons: Reasons::default(),
        }
    }

    /// The id of an exit reason, interning it the first time.
    #[inline]
    fn reason_id(&mut self, t: &Term) -> ReasonId {
        match self.reasons.find(t) {
            Some(id) => id,
            None => self.new_reason(t),
        }
    }

    /// Interns a reason seen for the first time, compacting the table first if it is full.
    #[cold]
    fn new_reason(&mut self, t: &Term) -> ReasonId {
        if self.reasons.is_full() {
            self.compact_reasons();
        }
        self.reasons.insert(t)
    }

    /// Rebuilds the reason table from the ids the history rows and kids still use.
    fn compact_reasons(&mut self) {
        let mut live = vec![false; self.reasons.len()];
        let mut mark = |id: ReasonId| {
            if let Some(l) = live.get_mut(id as usize) {
                *l = true;
            }
        };
        self.stats
            .iter()
            .flat_map(|s| s.history.iter())
            .for_each(|r| mark(r.reason));
        self.kids.iter().for_each(|k| mark(k.reason));
        let map = self.reasons.compact(&live);
        let new = |id: ReasonId| map.get(id as usize).copied().unwrap_or(NO_REASON);
        for s in &mut self.stats {
            s.history.iter_mut().for_each(|r| r.reason = new(r.reason));
        }
        self.kids.iter_mut().for_each(|k| k.reason = new(k.reason));
    }

    /// Where the live supervisor `pid` is in `sups`, if it is one.
    #[inline]
    fn sup(&self, pid: Pid) -> Option<usize> {
        let i = pid.slot() as usize;
        match self.sups.get(i) {
            Some(s) if s.serial == pid.serial() && s.serial != 0 => Some(i),
            _ => None,
        }
    }

    /// The path interner (shared with the server).
    pub(crate) fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Handles one event.
    pub fn on_event(&mut self, e: &Event<'_>) {
        self.observe(e);
    }

    /// Handles one supervisor note (the typed form of a `Report` or `ChildStarted`).
    pub fn on_note(&mut self, n: &SupervisorNote<'_>) {
        match n.what {
            Noted::Report(ctx) => self.report(n, ctx),
            Noted::Started(cause) => self.started(n, cause),
        };
    }

    /// Handles one event and tells which supervisor and child it was about, so the
    /// analytics server reuses the lookups instead of repeating them.
    #[inline]
    pub(crate) fn observe(&mut self, e: &Event<'_>) -> Seen {
        match e.kind {
            EventKind::InitStart => self.on_init(e),
            EventKind::ChildStarted => {
                let (Some(cause), Some([_, Term::Binary(label)])) =
                    (StartCause::from_code(e.info), e.term.as_tuple())
                else {
                    return Seen::default();
                };
                return self.started(
                    &note(e, Noted::Started(cause), label, &Term::UNDEFINED),
                    cause,
                );
            }
            EventKind::Report => {
                let (Some(ctx), Some([Term::Binary(label), reason])) =
                    (ReportContext::from_code(e.info), e.term.as_tuple())
                else {
                    return Seen::default();
                };
                return self.report(&note(e, Noted::Report(ctx), label, reason), ctx);
            }
            EventKind::Exit => {
                if let Some(i) = self.sup(e.pid) {
                    let sup = std::mem::take(&mut self.sups[i]);
                    self.stats[sup.stats as usize].alive = false;
                }
            }
            EventKind::RestartCounted => {
                if let Some(i) = self.sup(e.pid) {
                    self.sups[i].counted = e.info;
                }
            }
            EventKind::IntensityChanged => {
                if let (Some(i), Some([Term::Int(intensity), Term::Int(period)])) =
                    (self.sup(e.pid), e.term.as_tuple())
                {
                    let s = &mut self.stats[self.sups[i].stats as usize];
                    s.intensity = (*intensity).clamp(0, u32::MAX as i64) as u32;
                    s.period = (*period).clamp(1, u32::MAX as i64) as u32;
                }
            }
            _ => {}
        }
        Seen::default()
    }

    /// A supervisor's report: a child failed (`child_terminated`) or the supervisor gave
    /// up (`shutdown`); other reports are not about restarts.
    #[inline(always)]
    pub(crate) fn report(&mut self, n: &SupervisorNote<'_>, ctx: ReportContext) -> Seen {
        if !matches!(
            ctx,
            ReportContext::ChildTerminated | ReportContext::Shutdown
        ) {
            return Seen::default();
        }
        let child = self.paths.resolve(n.path, n.label);
        let sup = self.sup(n.supervisor);
        let seen = Seen {
            sup: sup.map_or(0, |i| self.sups[i].path),
            child,
            report: Some(ctx),
            failed_at: None,
        };
        if ctx != ReportContext::ChildTerminated {
            if let Some(i) = sup {
                let s = &mut self.stats[self.sups[i].stats as usize];
                s.gave_up.push((n.time, child));
            }
            return seen;
        }
        if let Some(i) = sup {
            let slot = &mut self.sups[i];
            slot.last_failed = child;
            let s = &mut self.stats[slot.stats as usize];
            s.failures += 1;
            match s.failure_times.newest_mut() {
                Some((t, k)) if *t == n.time && *k < u32::MAX => *k += 1,
                _ => s.failure_times.push((n.time, 1)),
            }
        }
        let reason = self.reason_id(n.reason);
        let k = slot(&mut self.kids, child);
        k.reason = reason;
        k.failed_at = n.time;
        seen
    }

    /// A supervisor started a child: a restart (counted) or a start that was asked for.
    #[inline(always)]
    pub(crate) fn started(&mut self, n: &SupervisorNote<'_>, cause: StartCause) -> Seen {
        let child = self.paths.resolve(n.path, n.label);
        let cause = match cause {
            StartCause::Restart => Cause::Restart,
            StartCause::StartChild => Cause::StartChild,
            StartCause::RestartChild => Cause::RestartChild,
            StartCause::Resume => Cause::Resume,
            StartCause::Init => {
                slot(&mut self.kids, child).pid = n.child;
                return Seen {
                    child,
                    ..Seen::default()
                };
            }
        };
        let Some(i) = self.sup(n.supervisor) else {
            return Seen {
                child,
                ..Seen::default()
            };
        };
        let sup = self.sups[i];
        let old = std::mem::replace(&mut slot(&mut self.kids, child).pid, n.child);
        let (reason, failed_at) = if cause == Cause::Restart {
            // its own failure's reason, or (restarted with a failed sibling) the sibling's
            let k = slot(&mut self.kids, child);
            let failed_at =
                Some(std::mem::replace(&mut k.failed_at, NOT_FAILED)).filter(|&f| f != NOT_FAILED);
            let mut reason = failed_at.map_or(NO_REASON, |_| k.reason);
            if reason == NO_REASON {
                reason = self
                    .kids
                    .get(sup.last_failed as usize)
                    .map_or(NO_REASON, |k| k.reason);
            }
            if reason == NO_REASON {
                reason = self.reason_id(&Term::SHUTDOWN);
            }
            (reason, failed_at)
        } else {
            (NO_REASON, None)
        };
        let s = &mut self.stats[sup.stats as usize];
        if cause == Cause::Restart {
            s.restarts += 1;
            s.incarnation_restarts += 1;
        }
        s.history.push(Row {
            t_us: n.time,
            child,
            reason,
            cause,
            old,
            new: n.child,
            in_window: if cause == Cause::Restart {
                sup.counted
            } else {
                0
            },
            intensity: s.intensity,
        });
        Seen {
            sup: sup.path,
            child,
            report: None,
            failed_at,
        }
    }

    fn on_init(&mut self, e: &Event<'_>) {
        let Some([_strategy, Term::Binary(path), Term::Int(intensity), Term::Int(period)]) =
            e.term.as_tuple()
        else {
            return; // a worker's init
        };
        let path = self.paths.resolve(e.path, path);
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
                history: Bounded::new(self.history_size),
                failure_times: Bounded::new(self.history_size),
                gave_up: Bounded::new(self.history_size),
                inits: Bounded::new(self.history_size),
                pid: Pid::NONE,
            });
            self.stats_of[path as usize] = self.stats.len() as u32;
            self.by_name.insert(name, self.stats.len() as u32 - 1);
        }
        let stats = self.stats_of[path as usize] - 1;
        *slot(&mut self.sups, e.pid.slot()) = SupSlot {
            serial: e.pid.serial(),
            path,
            stats,
            last_failed: NO_PATH,
            counted: 0,
        };
        let s = &mut self.stats[stats as usize];
        s.inits.push(e.time);
        s.incarnations += 1;
        s.incarnation_restarts = 0;
        s.intensity = (*intensity).clamp(0, u32::MAX as i64) as u32;
        s.period = (*period).clamp(1, u32::MAX as i64) as u32;
        s.alive = true;
        s.pid = e.pid;
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
    pub fn restart_history(&self, path: &str) -> Result<Vec<RestartRecord>, UnknownSupervisor> {
        self.stats(path).map(|s| self.history(s).collect())
    }

    /// The restart records of `s` (one of this tracker's supervisors), oldest first.
    pub fn history<'a>(
        &'a self,
        s: &'a SupervisorStats,
    ) -> impl ExactSizeIterator<Item = RestartRecord> + 'a {
        s.history.iter().map(|r| RestartRecord {
            t_us: r.t_us,
            child: self.paths.name(r.child).clone(),
            reason: self.reasons.get(r.reason).cloned(),
            cause: r.cause,
            old_pid: r.old,
            new_pid: r.new,
            in_window: r.in_window,
            intensity: r.intensity,
        })
    }

    /// When `s` restarted children on its own (the history kept), oldest first.
    pub fn restart_times<'a>(&'a self, s: &'a SupervisorStats) -> impl Iterator<Item = u64> + 'a {
        s.history
            .iter()
            .filter(|r| r.cause == Cause::Restart)
            .map(|r| r.t_us)
    }

    /// Automatic restarts `s` made between `from_us` and `to_us` (both included).
    pub fn restarts_between(&self, s: &SupervisorStats, from_us: u64, to_us: u64) -> u64 {
        self.restart_times(s)
            .filter(|t| (from_us..=to_us).contains(t))
            .count() as u64
    }

    /// Child failures `s` reported between `from_us` and `to_us` (both included).
    pub fn failures_between(&self, s: &SupervisorStats, from_us: u64, to_us: u64) -> u64 {
        s.failure_times
            .iter()
            .filter(|(t, _)| (from_us..=to_us).contains(t))
            .map(|(_, k)| *k as u64)
            .sum()
    }

    /// When `s` gave up (its restart intensity ran out), oldest first, each with the
    /// child whose failure made it.
    pub fn gave_up<'a>(
        &'a self,
        s: &'a SupervisorStats,
    ) -> impl Iterator<Item = (u64, Rc<str>)> + 'a {
        s.gave_up
            .iter()
            .map(|(t, child)| (*t, self.paths.name(*child).clone()))
    }

    /// When each incarnation of `s` started (the newest kept), oldest first.
    pub fn incarnation_starts<'a>(
        &'a self,
        s: &'a SupervisorStats,
    ) -> impl Iterator<Item = u64> + 'a {
        s.inits.iter().copied()
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
        let n = self.failures_between(s, from, now_us);
        // over the part of the window that has happened (as the metrics engine's rates)
        Ok(n as f64 / ((now_us - from).max(1) as f64 / 1e6))
    }

    /// Restarts the supervisor may still make in its current period at `now_us` (OTP's
    /// whole-second window), as the live incarnation in `world` counts them (its own
    /// `add_restart/1` bookkeeping); 0 once it is gone.
    pub fn intensity_budget(
        &self,
        world: &World,
        path: &str,
        now_us: u64,
    ) -> Result<u64, UnknownSupervisor> {
        let s = self.stats(path)?;
        Ok(match world.process(s.pid).map(|p| &p.behaviour) {
            Some(Behaviour::Supervisor(sup)) if s.alive => {
                (sup.intensity() as u64).saturating_sub(sup.restarts_in_window(now_us))
            }
            _ => 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_sim::scenario::{self, runner};
    use otp_lab_sim::world::Config;
    use std::cell::RefCell;

    #[test]
    fn ever_new_reasons_keep_the_reason_table_bounded_and_the_history_right() {
        // forty exits of root/a, each with a reason of its own, through a table that
        // compacts once it holds eight
        let exits: Vec<String> = (0..40)
            .map(|i| format!(r#"{{"op":"exit","target":"root/a","reason":"{{boom,{i}}}"}}"#))
            .collect();
        let json = format!(
            r#"{{"tree":{{"id":"root","intensity":1000,"period":1,"children":[{{"id":"a"}},{{"id":"b"}}]}},
                "steps":[{}]}}"#,
            exits.join(",")
        );
        let scn = scenario::parse(&json).unwrap();
        let a = Rc::new(RefCell::new(RestartAnalytics::new(5)));
        a.borrow_mut().reasons = Reasons::with_floor(8);
        runner::run_world(&scn, Config::default(), |w| crate::attach_tracker(w, &a)).unwrap();
        let a = a.borrow();
        let reasons: Vec<String> = a
            .restart_history("root")
            .unwrap()
            .iter()
            .map(|r| r.reason_text())
            .collect();
        let want: Vec<String> = (35..40).map(|i| format!("{{boom,{i}}}")).collect();
        assert_eq!(reasons, want);
        assert_eq!(a.stats("root").unwrap().restarts, 40);
        // live: five history rows and root/a's last failure (one of them)
        assert!(a.reasons.len() <= 12, "{} reasons kept", a.reasons.len());
    }
}
