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
use crate::event::{ReportContext, StartCause};
use crate::pid::{Pid, Ref};
use crate::supervisor::children::{Child, ChildPid, DynChild, DynKey};
use crate::supervisor::spec::{ChildSpec, RestartType};
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
pub(crate) enum ChildSlot {
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
        target: ChildSlot,
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
        target: ChildSlot,
        outcome: Outcome,
    ) -> Flow {
        let spec = self.children[match target {
            ChildSlot::Index(i) => i,
            ChildSlot::Dyn(_) => 0,
        }]
        .spec
        .clone();
        match outcome {
            Outcome::None => {
                let running = match target {
                    ChildSlot::Index(i) => self.children[i].pid.pid(),
                    ChildSlot::Dyn(DynKey::Pid(p)) => Some(p),
                    ChildSlot::Dyn(_) => None,
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
                    ChildSlot::Index(i) => DynKey::from_child_pid(self.children[i].pid),
                    ChildSlot::Dyn(k) => k,
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
            ChildSlot::Index(i) => self.del_child_at(i),
            ChildSlot::Dyn(k) => {
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
