//! Restarts, group restarts, API jobs and termination: the supervisor's multi-step work.
//!
//! Each [`Job`] (or init/stop [`Stage`]) is resumed with the [`Outcome`] of the blocking
//! step it started (a child start or a child shutdown) and decides the next step, the way
//! `supervisor.erl`'s recursive functions do: `do_restart/3`, `restart/2,3`,
//! `restart_multiple_children/3`, `start_children/2`, `terminate_children/2`,
//! `do_auto_shutdown/2` and the `try_again_restart` cast.

use super::{Stage, Started, Supervisor, Wait};
use crate::atom::Atom;
use crate::behaviour::Flow;
use crate::event::{EventKind, Noted, ReportContext, StartCause, SupervisorNote};
use crate::message::{Cast, Msg};
use crate::pid::{Pid, Ref};
use crate::supervisor::children::{Child, ChildPid, DynChild, DynKey};
use crate::supervisor::spec::{AutoShutdown, ChildSpec, RestartType, Strategy};
use crate::term::Term;
use crate::world::World;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The result a job is resumed with.
#[derive(Debug)]
pub(crate) enum Outcome {
    None,
    Started(Started),
    Shutdown(Result<(), Term>),
    Dynamic(BTreeMap<Term, Vec<Pid>>),
}

/// Which child an API `terminate_child` names.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    Index(usize),
    Dyn(DynKey),
}

/// Multi-step work started from the receive loop.
#[derive(Clone, Debug)]
pub(crate) enum Job {
    /// `restart(one_for_one, …)`: starting children[idx] again.
    RestartOne {
        idx: usize,
        old: ChildPid,
    },
    /// `restart(simple_one_for_one, …)`.
    RestartDyn {
        old: DynKey,
        args: Term,
    },
    /// `restart_multiple_children/3`, terminate phase: children[lo..next) from the top.
    GroupTerminate {
        lo: usize,
        next: usize,
        failed: usize,
        failed_old: ChildPid,
    },
    /// `restart_multiple_children/3`, start phase: children[idx..] in start order.
    GroupStart {
        idx: usize,
        failed: usize,
        failed_old: ChildPid,
    },
    CallStart {
        from: Pid,
        tag: Ref,
        spec: Rc<ChildSpec>,
    },
    CallStartDyn {
        from: Pid,
        tag: Ref,
        args: Term,
    },
    CallRestart {
        from: Pid,
        tag: Ref,
        idx: usize,
    },
    CallTerminate {
        from: Pid,
        tag: Ref,
        target: Target,
    },
    /// Beyond OTP: starting what a pause left stopped.
    Resume {
        pending: Vec<Term>,
        pos: usize,
    },
}

impl Supervisor {
    /// Continues the current stage with `outcome`.
    pub(crate) fn resume(&mut self, w: &mut World, me: Pid, outcome: Outcome) -> Flow {
        match std::mem::replace(&mut self.stage, Stage::Loop) {
            Stage::InitStarting { idx } => self.init_step(w, me, idx, outcome),
            Stage::InitAborting { idx, reason } => {
                match self.terminate_step(w, me, 0, idx, outcome) {
                    Some(next) => {
                        self.stage = Stage::InitAborting { idx: next, reason };
                        Flow::Wait
                    }
                    None => {
                        let r = Term::pair(Term::SHUTDOWN, reason);
                        self.init_stop(w, me, r)
                    }
                }
            }
            Stage::Stopping { idx, reason } => match self.terminate_step(w, me, 0, idx, outcome) {
                Some(next) => {
                    self.stage = Stage::Stopping { idx: next, reason };
                    Flow::Wait
                }
                None => Flow::Exit(reason),
            },
            Stage::StoppingDynamic { reason } => match outcome {
                Outcome::Dynamic(errors) => {
                    let spec = self.children[0].spec.clone();
                    for (r, pids) in errors {
                        let label = self.offender_label(w, &spec, None, Some(pids.len()));
                        self.report(w, me, ReportContext::ShutdownError, label, Pid::NONE, &r);
                    }
                    Flow::Exit(reason)
                }
                _ => {
                    self.stage = Stage::StoppingDynamic { reason };
                    Flow::Wait
                }
            },
            Stage::Job(job) => self.job_step(w, me, job, outcome),
            Stage::Loop | Stage::Fresh => Flow::Continue,
        }
    }

    fn init_step(&mut self, w: &mut World, me: Pid, mut idx: usize, outcome: Outcome) -> Flow {
        if let Outcome::Started(r) = outcome {
            match r {
                Started::Ok(p) => {
                    self.set_pid(idx, ChildPid::Running(p));
                    self.started_static(w, me, p, idx, StartCause::Init);
                    idx += 1;
                }
                Started::Ignore => {
                    if self.children[idx].spec.restart == RestartType::Temporary {
                        self.children.remove(idx);
                        self.reindex();
                    } else {
                        idx += 1;
                    }
                }
                Started::Error(reason) => {
                    let spec = self.children[idx].spec.clone();
                    let label = self.offender_label(w, &spec, None, None);
                    self.report(w, me, ReportContext::StartError, label, Pid::NONE, &reason);
                    let why = Term::tuple(vec![
                        Term::Atom(Atom::FAILED_TO_START_CHILD),
                        spec.id.clone(),
                        reason,
                    ]);
                    self.stage = Stage::InitAborting {
                        idx: self.children.len(),
                        reason: why,
                    };
                    return self.resume(w, me, Outcome::None);
                }
            }
        }
        if idx >= self.children.len() {
            return self.init_done(w, me);
        }
        self.stage = Stage::InitStarting { idx };
        let spec = self.children[idx].spec.clone();
        let path = self.child_path(w, &spec);
        self.start_and_resume(w, me, &spec, path)
    }

    /// One step of `terminate_children/2` over children[lo..next), newest first.
    /// Returns `Some(next)` while waiting for a child to stop, `None` when done.
    fn terminate_step(
        &mut self,
        w: &mut World,
        me: Pid,
        lo: usize,
        mut next: usize,
        outcome: Outcome,
    ) -> Option<usize> {
        if let Outcome::Shutdown(r) = outcome {
            let i = next - 1;
            if let Err(reason) = r {
                let spec = self.children[i].spec.clone();
                let key = self.children[i].pid;
                let label = self.offender_label(w, &spec, Some(DynKey::from_child_pid(key)), None);
                self.report(
                    w,
                    me,
                    ReportContext::ShutdownError,
                    label,
                    key.pid().unwrap_or(Pid::NONE),
                    &reason,
                );
            }
            self.finish_terminated(i);
            next = i;
        }
        while next > lo {
            let i = next - 1;
            if let ChildPid::Running(p) = self.children[i].pid {
                let spec = self.children[i].spec.clone();
                self.begin_shutdown(w, me, p, &spec);
                return Some(next);
            }
            self.finish_terminated(i);
            next = i;
        }
        None
    }

    /// After `do_terminate`: temporary children are dropped, others become undefined.
    fn finish_terminated(&mut self, i: usize) {
        if self.children[i].spec.restart == RestartType::Temporary {
            self.children.remove(i);
            self.reindex();
        } else {
            self.set_pid(i, ChildPid::Undefined);
        }
    }

    /// Stops the supervisor: terminate children, then exit with `reason`.
    pub(crate) fn begin_stop(&mut self, w: &mut World, me: Pid, reason: Term) -> Flow {
        if self.is_simple() {
            self.begin_dynamic_shutdown(w, me);
            self.stage = Stage::StoppingDynamic { reason };
            return match self.poll_dynamic(w, me) {
                Some(errors) => self.resume(w, me, Outcome::Dynamic(errors)),
                None => Flow::Wait,
            };
        }
        self.stage = Stage::Stopping {
            idx: self.children.len(),
            reason,
        };
        self.resume(w, me, Outcome::None)
    }

    // ------------------------------------------------------------ restarts

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

    fn do_restart(&mut self, w: &mut World, me: Pid, idx: usize, reason: Term) -> Flow {
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

    fn do_restart_dyn(&mut self, w: &mut World, me: Pid, key: DynKey, reason: Term) -> Flow {
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
    fn auto_shutdown(&mut self, w: &mut World, me: Pid, spec: &ChildSpec) -> Flow {
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
    fn add_restart(&mut self, w: &mut World, me: Pid) -> bool {
        let now = w.now() / 1_000_000;
        let give_up = self.restarts.add(now, self.period, self.intensity);
        let count = self.restarts.len() as u32;
        let intensity = Term::Int(self.intensity as i64);
        w.emit_owned(EventKind::RestartCounted, me, Pid::NONE, count, intensity);
        give_up
    }

    /// `restart/2` for a static child.
    fn restart_idx(&mut self, w: &mut World, me: Pid, idx: usize) -> Flow {
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
    fn restart_dyn(&mut self, w: &mut World, me: Pid, key: DynKey) -> Flow {
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

    fn cast_try_again(&self, w: &mut World, me: Pid, key: Term) {
        w.send(me, me, Msg::Cast(Cast::TryAgainRestart(key)));
    }

    /// Logs a `ChildStarted` event, `{Id, ChildPath}`, for static child `idx`.
    fn started_static(
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
    fn started(w: &mut World, me: Pid, child: Pid, cause: StartCause, term: Term) {
        if w.telemetry.wants_notes() {
            Self::note_started(w, me, child, cause, &term);
        }
        w.emit_owned(EventKind::ChildStarted, me, child, cause as u32, term);
    }

    /// Tells note observers about a child start (its event's term: `{Id, Path}`).
    fn note_started(w: &mut World, me: Pid, child: Pid, cause: StartCause, term: &Term) {
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
    fn started_dynamic(
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

    // ------------------------------------------------------------ jobs

    fn job_step(&mut self, w: &mut World, me: Pid, job: Job, outcome: Outcome) -> Flow {
        match job {
            Job::RestartOne { idx, old } => match outcome {
                Outcome::Started(Started::Ok(p)) => {
                    self.set_pid(idx, ChildPid::Running(p));
                    self.started_static(w, me, p, idx, StartCause::Restart);
                    Flow::Continue
                }
                Outcome::Started(Started::Ignore) => {
                    self.set_pid(idx, ChildPid::Undefined);
                    Flow::Continue
                }
                Outcome::Started(Started::Error(reason)) => {
                    self.set_pid(idx, old.restarting());
                    let spec = self.children[idx].spec.clone();
                    let label = self.offender_label(w, &spec, None, None);
                    self.report(w, me, ReportContext::StartError, label, Pid::NONE, &reason);
                    self.cast_try_again(w, me, spec.id.clone());
                    Flow::Continue
                }
                _ => self.keep(Job::RestartOne { idx, old }),
            },
            Job::RestartDyn { old, args } => match outcome {
                Outcome::Started(Started::Ok(p)) => {
                    self.started_dynamic(w, me, p, &args, StartCause::Restart);
                    self.dynamics.insert(DynKey::Pid(p), DynChild { args });
                    Flow::Continue
                }
                Outcome::Started(Started::Ignore) => {
                    self.dynamics.insert(DynKey::Undefined, DynChild { args });
                    Flow::Continue
                }
                Outcome::Started(Started::Error(reason)) => {
                    let rkey = match old {
                        DynKey::Pid(p) => DynKey::Restarting(Some(p)),
                        k => k,
                    };
                    self.dynamic_restarts += 1;
                    self.dynamics.insert(rkey, DynChild { args });
                    let spec = self.children[0].spec.clone();
                    let label = self.offender_label(w, &spec, Some(rkey), None);
                    self.report(w, me, ReportContext::StartError, label, Pid::NONE, &reason);
                    let key = match rkey {
                        DynKey::Restarting(Some(p)) => {
                            Term::pair(Term::Atom(Atom::RESTARTING), Term::Pid(p))
                        }
                        DynKey::Restarting(None) => {
                            Term::pair(Term::Atom(Atom::RESTARTING), Term::UNDEFINED)
                        }
                        DynKey::Pid(p) => Term::Pid(p),
                        DynKey::Undefined => Term::UNDEFINED,
                    };
                    self.cast_try_again(w, me, key);
                    Flow::Continue
                }
                _ => self.keep(Job::RestartDyn { old, args }),
            },
            Job::GroupTerminate {
                lo,
                next,
                failed,
                failed_old,
            } => {
                // Temporary children removed below the failed one shift its index.
                let before = self.children.len();
                let failed_spec = self.children[failed].spec.clone();
                let result = self.terminate_step(w, me, lo, next, outcome);
                let failed = if self.children.len() == before {
                    failed
                } else {
                    self.children
                        .iter()
                        .position(|c| Rc::ptr_eq(&c.spec, &failed_spec))
                        .unwrap_or(failed)
                };
                match result {
                    Some(next) => self.keep(Job::GroupTerminate {
                        lo,
                        next,
                        failed,
                        failed_old,
                    }),
                    None => {
                        self.stage = Stage::Job(Job::GroupStart {
                            idx: lo,
                            failed,
                            failed_old,
                        });
                        self.resume(w, me, Outcome::None)
                    }
                }
            }
            Job::GroupStart {
                mut idx,
                failed,
                failed_old,
            } => {
                if let Outcome::Started(r) = outcome {
                    match r {
                        Started::Ok(p) => {
                            self.set_pid(idx, ChildPid::Running(p));
                            self.started_static(w, me, p, idx, StartCause::Restart);
                            idx += 1;
                        }
                        Started::Ignore => {
                            self.set_pid(idx, ChildPid::Undefined);
                            idx += 1;
                        }
                        Started::Error(reason) => {
                            let spec = self.children[idx].spec.clone();
                            let label = self.offender_label(w, &spec, None, None);
                            self.report(
                                w,
                                me,
                                ReportContext::StartError,
                                label,
                                Pid::NONE,
                                &reason,
                            );
                            let newpid = if idx == failed {
                                failed_old.restarting()
                            } else {
                                ChildPid::Restarting(None)
                            };
                            self.set_pid(idx, newpid);
                            self.cast_try_again(w, me, spec.id.clone());
                            return Flow::Continue;
                        }
                    }
                }
                if idx >= self.children.len() {
                    return Flow::Continue;
                }
                self.stage = Stage::Job(Job::GroupStart {
                    idx,
                    failed,
                    failed_old,
                });
                let spec = self.children[idx].spec.clone();
                let path = self.child_path(w, &spec);
                self.start_and_resume(w, me, &spec, path)
            }
            Job::CallStart { from, tag, spec } => match outcome {
                Outcome::Started(r) => {
                    let reply = match r {
                        Started::Ok(p) => {
                            let mut child = Child::new(spec.clone());
                            child.pid = ChildPid::Running(p);
                            self.children.push(child);
                            let idx = self.children.len() - 1;
                            self.by_pid.insert(p, idx);
                            self.started_static(w, me, p, idx, StartCause::StartChild);
                            Term::ok(Term::Pid(p))
                        }
                        Started::Ignore => {
                            if spec.restart != RestartType::Temporary {
                                self.children.push(Child::new(spec.clone()));
                            }
                            Term::ok(Term::UNDEFINED)
                        }
                        Started::Error(what) => Term::error(Term::pair(
                            what,
                            Term::tuple(vec![
                                Term::atom("child"),
                                Term::UNDEFINED,
                                spec.id.clone(),
                            ]),
                        )),
                    };
                    Self::reply(w, me, from, tag, reply)
                }
                _ => self.keep(Job::CallStart { from, tag, spec }),
            },
            Job::CallStartDyn { from, tag, args } => match outcome {
                Outcome::Started(r) => {
                    let reply = match r {
                        Started::Ok(p) => {
                            self.started_dynamic(w, me, p, &args, StartCause::StartChild);
                            self.dynamics.insert(DynKey::Pid(p), DynChild { args });
                            Term::ok(Term::Pid(p))
                        }
                        Started::Ignore => Term::ok(Term::UNDEFINED),
                        Started::Error(what) => Term::error(what),
                    };
                    Self::reply(w, me, from, tag, reply)
                }
                _ => self.keep(Job::CallStartDyn { from, tag, args }),
            },
            Job::CallRestart { from, tag, idx } => match outcome {
                Outcome::Started(r) => {
                    let reply = match r {
                        Started::Ok(p) => {
                            self.set_pid(idx, ChildPid::Running(p));
                            self.started_static(w, me, p, idx, StartCause::RestartChild);
                            Term::ok(Term::Pid(p))
                        }
                        Started::Ignore => {
                            self.set_pid(idx, ChildPid::Undefined);
                            Term::ok(Term::UNDEFINED)
                        }
                        Started::Error(what) => Term::error(what),
                    };
                    Self::reply(w, me, from, tag, reply)
                }
                _ => self.keep(Job::CallRestart { from, tag, idx }),
            },
            Job::CallTerminate { from, tag, target } => {
                self.terminate_job(w, me, from, tag, target, outcome)
            }
            Job::Resume { pending, pos } => self.resume_job(w, me, pending, pos, outcome),
        }
    }

    fn keep(&mut self, job: Job) -> Flow {
        self.stage = Stage::Job(job);
        Flow::Wait
    }

    fn terminate_job(
        &mut self,
        w: &mut World,
        me: Pid,
        from: Pid,
        tag: Ref,
        target: Target,
        outcome: Outcome,
    ) -> Flow {
        let spec = self.children[match target {
            Target::Index(i) => i,
            Target::Dyn(_) => 0,
        }]
        .spec
        .clone();
        match outcome {
            Outcome::None => {
                let running = match target {
                    Target::Index(i) => self.children[i].pid.pid(),
                    Target::Dyn(DynKey::Pid(p)) => Some(p),
                    Target::Dyn(_) => None,
                };
                if let Some(p) = running {
                    self.stage = Stage::Job(Job::CallTerminate { from, tag, target });
                    self.begin_shutdown(w, me, p, &spec);
                    return match self.poll_down(w, me) {
                        Some(r) => {
                            self.wait = Wait::None;
                            self.stage = Stage::Loop;
                            self.terminate_job(w, me, from, tag, target, Outcome::Shutdown(r))
                        }
                        None => Flow::Wait,
                    };
                }
            }
            Outcome::Shutdown(Err(reason)) => {
                let key = match target {
                    Target::Index(i) => DynKey::from_child_pid(self.children[i].pid),
                    Target::Dyn(k) => k,
                };
                let label = self.offender_label(w, &spec, Some(key), None);
                let pid = match key {
                    DynKey::Pid(p) => p,
                    _ => Pid::NONE,
                };
                self.report(w, me, ReportContext::ShutdownError, label, pid, &reason);
            }
            _ => {}
        }
        match target {
            Target::Index(i) => self.del_child_at(i),
            Target::Dyn(k) => {
                self.dynamics.remove(&k);
            }
        }
        Self::reply(w, me, from, tag, Term::OK)
    }

    fn resume_job(
        &mut self,
        w: &mut World,
        me: Pid,
        pending: Vec<Term>,
        mut pos: usize,
        outcome: Outcome,
    ) -> Flow {
        if let Outcome::Started(r) = outcome {
            let item = pending[pos].clone();
            if self.is_simple() {
                if let Started::Ok(p) = r {
                    self.started_dynamic(w, me, p, &item, StartCause::Resume);
                    self.dynamics
                        .insert(DynKey::Pid(p), DynChild { args: item });
                }
            } else if let Some(idx) = self.find_by_id(&item) {
                match r {
                    Started::Ok(p) => {
                        self.set_pid(idx, ChildPid::Running(p));
                        self.started_static(w, me, p, idx, StartCause::Resume);
                    }
                    Started::Ignore => self.set_pid(idx, ChildPid::Undefined),
                    Started::Error(reason) => {
                        let spec = self.children[idx].spec.clone();
                        let label = self.offender_label(w, &spec, None, None);
                        self.report(w, me, ReportContext::StartError, label, Pid::NONE, &reason);
                        self.set_pid(idx, ChildPid::Restarting(None));
                        self.cast_try_again(w, me, item);
                    }
                }
            }
            pos += 1;
        }
        while pos < pending.len() {
            let item = pending[pos].clone();
            let (spec, path) = if self.is_simple() {
                let spec = self.children[0].spec.clone();
                let path = self.dyn_path(w, &item);
                (spec, path)
            } else {
                match self.find_by_id(&item) {
                    Some(idx) if self.children[idx].pid == ChildPid::Undefined => {
                        let spec = self.children[idx].spec.clone();
                        let path = self.child_path(w, &spec);
                        (spec, path)
                    }
                    _ => {
                        pos += 1;
                        continue;
                    }
                }
            };
            self.stage = Stage::Job(Job::Resume { pending, pos });
            return self.start_and_resume(w, me, &spec, path);
        }
        Flow::Continue
    }
}
