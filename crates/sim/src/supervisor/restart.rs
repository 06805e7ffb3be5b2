//! Restarts: a child's exit handled as `supervisor.erl`'s `restart_child/3`,
//! `do_restart/3` and `restart/2,3` do — the restart type decides whether it restarts,
//! `add_restart` counts it against the intensity in the period (and gives up with
//! `shutdown` past it), the strategy decides which siblings go with it, and a failed start
//! is retried through a `try_again_restart` cast. Also `auto_shutdown` of significant
//! children, and the reports and notes of every start.

use super::children::{ChildPid, DynKey};
use super::jobs::{Job, Outcome};
use super::spec::{AutoShutdown, ChildSpec, RestartType, Strategy};
use super::{Stage, Supervisor};
use crate::atom::Atom;
use crate::behaviour::Flow;
use crate::event::{EventKind, Noted, ReportContext, StartCause, SupervisorNote};
use crate::message::{Cast, Msg};
use crate::pid::Pid;
use crate::term::Term;
use crate::world::World;

impl Supervisor {
    /// `restart_child/3`: an `'EXIT'` from `from`.
    pub(crate) fn restart_child(
        &mut self,
        w: &mut World,
        me: Pid,
        from: Pid,
        reason: Term,
    ) -> Flow {
        if self.is_simple() {
            let key = DynKey::Pid(from);
            if self.dynamics.contains_key(&key) {
                return self.do_restart_dyn(w, me, key, reason);
            }
            return Flow::Continue;
        }
        match self.by_pid.get(&from) {
            Some(&idx) => self.do_restart(w, me, idx, reason),
            None => Flow::Continue,
        }
    }

    pub(super) fn do_restart(&mut self, w: &mut World, me: Pid, idx: usize, reason: Term) -> Flow {
        let spec = self.children[idx].spec.clone();
        let pid = self.children[idx].pid.pid().unwrap_or(Pid::NONE);
        let report = |s: &Self, w: &mut World| {
            let label = s.offender_label(w, &spec, None, None);
            s.report(w, me, ReportContext::ChildTerminated, label, pid, &reason);
        };
        match spec.restart {
            RestartType::Permanent => {
                report(self, w);
                self.restart_idx(w, me, idx)
            }
            _ if reason.is_shutdown_like() => {
                self.del_child_at(idx);
                self.auto_shutdown(w, me, &spec)
            }
            RestartType::Transient => {
                report(self, w);
                self.restart_idx(w, me, idx)
            }
            RestartType::Temporary => {
                report(self, w);
                self.del_child_at(idx);
                self.auto_shutdown(w, me, &spec)
            }
        }
    }

    pub(super) fn do_restart_dyn(
        &mut self,
        w: &mut World,
        me: Pid,
        key: DynKey,
        reason: Term,
    ) -> Flow {
        let spec = self.children[0].spec.clone();
        let pid = match key {
            DynKey::Pid(p) => p,
            _ => Pid::NONE,
        };
        let label = self.offender_label(w, &spec, Some(key), None);
        let clean = reason.is_shutdown_like();
        match spec.restart {
            RestartType::Permanent => {
                self.report(w, me, ReportContext::ChildTerminated, label, pid, &reason);
                self.restart_dyn(w, me, key)
            }
            _ if clean => {
                self.dynamics.remove(&key);
                self.auto_shutdown(w, me, &spec)
            }
            RestartType::Transient => {
                self.report(w, me, ReportContext::ChildTerminated, label, pid, &reason);
                self.restart_dyn(w, me, key)
            }
            RestartType::Temporary => {
                self.report(w, me, ReportContext::ChildTerminated, label, pid, &reason);
                self.dynamics.remove(&key);
                self.auto_shutdown(w, me, &spec)
            }
        }
    }

    /// `do_auto_shutdown/2`.
    pub(super) fn auto_shutdown(&mut self, w: &mut World, me: Pid, spec: &ChildSpec) -> Flow {
        let stop = match self.auto_shutdown {
            AutoShutdown::Never => false,
            _ if !spec.significant => false,
            AutoShutdown::AnySignificant => true,
            AutoShutdown::AllSignificant => {
                if self.is_simple() {
                    self.dynamics.is_empty()
                } else {
                    !self
                        .children
                        .iter()
                        .any(|c| c.pid != ChildPid::Undefined && c.spec.significant)
                }
            }
        };
        if stop {
            self.begin_stop(w, me, Term::SHUTDOWN)
        } else {
            Flow::Continue
        }
    }

    /// `add_restart/1`: true if the supervisor must give up.
    /// Also logs a `RestartCounted` event: the supervisor's own restart tracking.
    pub(super) fn add_restart(&mut self, w: &mut World, me: Pid) -> bool {
        let now = w.now() / 1_000_000;
        let give_up = self.restarts.add(now, self.period, self.intensity);
        let count = self.restarts.len() as u32;
        let intensity = Term::Int(self.intensity as i64);
        w.emit_owned(EventKind::RestartCounted, me, Pid::NONE, count, intensity);
        give_up
    }

    /// `restart/2` for a static child.
    pub(super) fn restart_idx(&mut self, w: &mut World, me: Pid, idx: usize) -> Flow {
        if self.paused {
            let id = self.children[idx].spec.id.clone();
            self.set_pid(idx, ChildPid::Undefined);
            self.pending.push(id);
            return Flow::Continue;
        }
        if self.add_restart(w, me) {
            let spec = self.children[idx].spec.clone();
            let pid = self.children[idx].pid.pid().unwrap_or(Pid::NONE);
            let label = self.offender_label(w, &spec, None, None);
            let why = Term::Atom(Atom::REACHED_MAX_RESTART_INTENSITY);
            self.report(w, me, ReportContext::Shutdown, label, pid, &why);
            self.del_child_at(idx);
            return self.begin_stop(w, me, Term::SHUTDOWN);
        }
        let old = self.children[idx].pid;
        match self.strategy {
            Strategy::OneForOne | Strategy::SimpleOneForOne => {
                self.stage = Stage::Job(Job::RestartOne { idx, old });
                let spec = self.children[idx].spec.clone();
                let path = self.child_path(w, &spec);
                self.start_and_resume(w, me, &spec, path)
            }
            Strategy::RestForOne | Strategy::OneForAll => {
                self.set_pid(idx, ChildPid::Undefined);
                let lo = if self.strategy == Strategy::RestForOne {
                    idx
                } else {
                    0
                };
                self.stage = Stage::Job(Job::GroupTerminate {
                    lo,
                    next: self.children.len(),
                    failed: idx,
                    failed_old: old,
                });
                self.resume(w, me, Outcome::None)
            }
        }
    }

    /// `restart/2` for a dynamic child.
    pub(super) fn restart_dyn(&mut self, w: &mut World, me: Pid, key: DynKey) -> Flow {
        if self.paused {
            if let Some(d) = self.dynamics.remove(&key) {
                if matches!(key, DynKey::Restarting(_)) {
                    self.dynamic_restarts = self.dynamic_restarts.saturating_sub(1);
                }
                self.pending.push(d.args);
            }
            return Flow::Continue;
        }
        if self.add_restart(w, me) {
            let spec = self.children[0].spec.clone();
            let label = self.offender_label(w, &spec, Some(key), None);
            let pid = match key {
                DynKey::Pid(p) => p,
                _ => Pid::NONE,
            };
            let why = Term::Atom(Atom::REACHED_MAX_RESTART_INTENSITY);
            self.report(w, me, ReportContext::Shutdown, label, pid, &why);
            self.dynamics.remove(&key);
            return self.begin_stop(w, me, Term::SHUTDOWN);
        }
        if matches!(key, DynKey::Restarting(_)) {
            self.dynamic_restarts = self.dynamic_restarts.saturating_sub(1);
        }
        let args = match self.dynamics.remove(&key) {
            Some(d) => d.args,
            None => return Flow::Continue,
        };
        let spec = self.children[0].spec.clone();
        let path = self.dyn_path(w, &args);
        self.stage = Stage::Job(Job::RestartDyn { old: key, args });
        self.start_and_resume(w, me, &spec, path)
    }

    /// The `{try_again_restart, Key}` cast.
    pub(crate) fn try_again(&mut self, w: &mut World, me: Pid, key: Term) -> Flow {
        if self.is_simple() {
            let k = match key.as_tuple() {
                Some([tag, Term::Pid(p)]) if tag.is_atom(Atom::RESTARTING) => {
                    DynKey::Restarting(Some(*p))
                }
                Some([tag, _]) if tag.is_atom(Atom::RESTARTING) => DynKey::Restarting(None),
                _ => return Flow::Continue,
            };
            if self.dynamics.contains_key(&k) {
                return self.restart_dyn(w, me, k);
            }
            return Flow::Continue;
        }
        match self.find_by_id(&key) {
            Some(idx) if matches!(self.children[idx].pid, ChildPid::Restarting(_)) => {
                self.restart_idx(w, me, idx)
            }
            _ => Flow::Continue,
        }
    }

    pub(super) fn cast_try_again(&self, w: &mut World, me: Pid, key: Term) {
        w.send(me, me, Msg::Cast(Cast::TryAgainRestart(key)));
    }

    /// Logs a `ChildStarted` event, `{Id, ChildPath}`, for static child `idx`.
    pub(super) fn started_static(
        &mut self,
        w: &mut World,
        me: Pid,
        child: Pid,
        idx: usize,
        cause: StartCause,
    ) {
        if cause == StartCause::Restart {
            self.restart_count += 1;
        }
        let term = match &self.children[idx].started {
            Some(t) => t.clone(),
            None => {
                let spec = self.children[idx].spec.clone();
                let path = self.child_path(w, &spec);
                let bin = Term::Binary(w.path_name(path).as_bytes().into());
                let t = Term::pair(spec.id.clone(), bin);
                self.children[idx].started = Some(t.clone());
                t
            }
        };
        Self::started(w, me, child, cause, term);
    }

    /// Logs a `ChildStarted` event (note observers hear of it first: the note borrows
    /// the term that the event then takes).
    #[inline(always)]
    pub(super) fn started(w: &mut World, me: Pid, child: Pid, cause: StartCause, term: Term) {
        if w.telemetry.wants_notes() {
            Self::note_started(w, me, child, cause, &term);
        }
        w.emit_owned(EventKind::ChildStarted, me, child, cause as u32, term);
    }

    /// Tells note observers about a child start (its event's term: `{Id, Path}`).
    pub(super) fn note_started(w: &mut World, me: Pid, child: Pid, cause: StartCause, term: &Term) {
        if let Some([_, Term::Binary(label)]) = term.as_tuple() {
            let (time, path) = (w.now(), w.path_id_of(child));
            w.telemetry.note(&SupervisorNote {
                time,
                supervisor: me,
                child,
                what: Noted::Started(cause),
                path,
                label,
                reason: &Term::UNDEFINED,
            });
        }
    }

    /// Logs a `ChildStarted` event for a dynamic child started with `args`.
    pub(super) fn started_dynamic(
        &mut self,
        w: &mut World,
        me: Pid,
        child: Pid,
        args: &Term,
        cause: StartCause,
    ) {
        if cause == StartCause::Restart {
            self.restart_count += 1;
        }
        let path = self.dyn_path(w, args);
        let term = match self.started_terms.get(&path) {
            Some(t) => t.clone(),
            None => {
                let id = self.children[0].spec.id.clone();
                let t = Term::pair(id, Term::Binary(w.path_name(path).as_bytes().into()));
                self.started_terms.insert(path, t.clone());
                t
            }
        };
        Self::started(w, me, child, cause, term);
    }
}
