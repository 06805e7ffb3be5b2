//! The supervisor's `handle_call` clauses: the child API (`which_children`,
//! `count_children`, `start_child`, `terminate_child`, `restart_child`, `delete_child`,
//! `get_childspec`) with OTP's exact replies, and the Lab's additions (pause, resume,
//! change of strategy). Calls that must wait for a child to start or stop become jobs
//! (`jobs.rs`).

use super::api::{ChildRef, StartChildArg, SupervisorCall};
use super::children::{ChildPid, DynKey};
use super::jobs::{ChildSlot, Job, Outcome};
use super::spec::{self, ChildSpec, ChildType, Strategy};
use super::{Stage, Supervisor};
use crate::atom::Atom;
use crate::behaviour::Flow;
use crate::event::EventKind;
use crate::message::Msg;
use crate::pid::{Pid, Ref};
use crate::term::Term;
use crate::world::World;
use std::rc::Rc;

impl Supervisor {
    pub(super) fn reply(w: &mut World, me: Pid, to: Pid, tag: Ref, value: Term) -> Flow {
        w.send(me, to, Msg::Reply { tag, value });
        Flow::Continue
    }

    pub(super) fn find_by_id(&self, id: &Term) -> Option<usize> {
        self.children.iter().position(|c| &c.spec.id == id)
    }

    pub(super) fn handle_call(
        &mut self,
        w: &mut World,
        me: Pid,
        from: Pid,
        tag: Ref,
        req: SupervisorCall,
    ) -> Flow {
        let simple = self.is_simple();
        let err = |a: Atom| Term::error(Term::Atom(a));
        match req {
            SupervisorCall::WhichChildren => {
                let v = self.which_children_term();
                Self::reply(w, me, from, tag, v)
            }
            SupervisorCall::CountChildren => {
                let v = self.count_children_term(w);
                Self::reply(w, me, from, tag, v)
            }
            SupervisorCall::StartChild(StartChildArg::Args(args)) if simple => {
                self.stage = Stage::Job(Job::CallStartDyn {
                    from,
                    tag,
                    args: args.clone(),
                });
                let template = self.children[0].spec.clone();
                let path = self.dyn_path(w, &args);
                self.start_and_resume(w, me, &template, path)
            }
            SupervisorCall::StartChild(StartChildArg::Spec(spec)) if !simple => {
                if let Err(e) = spec::check_childspec(&spec, self.auto_shutdown) {
                    return Self::reply(w, me, from, tag, Term::error(e));
                }
                match self.find_by_id(&spec.id) {
                    Some(i) => {
                        let v = match self.children[i].pid {
                            ChildPid::Running(p) => Term::error(Term::pair(
                                Term::Atom(Atom::ALREADY_STARTED),
                                Term::Pid(p),
                            )),
                            _ => err(Atom::ALREADY_PRESENT),
                        };
                        Self::reply(w, me, from, tag, v)
                    }
                    None => {
                        self.stage = Stage::Job(Job::CallStart {
                            from,
                            tag,
                            spec: spec.clone(),
                        });
                        let path = self.child_path(w, &spec);
                        self.start_and_resume(w, me, &spec, path)
                    }
                }
            }
            SupervisorCall::StartChild(_) => Self::reply(w, me, from, tag, err(Atom::BAD_ARG)),
            SupervisorCall::TerminateChild(ChildRef::Id(_)) if simple => {
                Self::reply(w, me, from, tag, err(Atom::SIMPLE_ONE_FOR_ONE))
            }
            SupervisorCall::TerminateChild(target) => {
                let found = match &target {
                    ChildRef::Id(id) => self.find_by_id(id).map(ChildSlot::Index),
                    ChildRef::Pid(p) if simple => self.find_dynamic_for_api(w, *p),
                    ChildRef::Pid(_) => None,
                };
                match found {
                    None => Self::reply(w, me, from, tag, err(Atom::NOT_FOUND)),
                    Some(t) => {
                        self.stage = Stage::Job(Job::CallTerminate {
                            from,
                            tag,
                            target: t,
                        });
                        self.resume(w, me, Outcome::None)
                    }
                }
            }
            SupervisorCall::RestartChild(_) | SupervisorCall::DeleteChild(_) if simple => {
                Self::reply(w, me, from, tag, err(Atom::SIMPLE_ONE_FOR_ONE))
            }
            SupervisorCall::RestartChild(id) => match self.find_by_id(&id) {
                Some(i) => match self.children[i].pid {
                    ChildPid::Undefined => {
                        self.stage = Stage::Job(Job::CallRestart { from, tag, idx: i });
                        let spec = self.children[i].spec.clone();
                        let path = self.child_path(w, &spec);
                        self.start_and_resume(w, me, &spec, path)
                    }
                    ChildPid::Restarting(_) => Self::reply(w, me, from, tag, err(Atom::RESTARTING)),
                    ChildPid::Running(_) => Self::reply(w, me, from, tag, err(Atom::RUNNING)),
                },
                None => Self::reply(w, me, from, tag, err(Atom::NOT_FOUND)),
            },
            SupervisorCall::DeleteChild(id) => {
                let v = match self.find_by_id(&id) {
                    Some(i) => match self.children[i].pid {
                        ChildPid::Undefined => {
                            self.children.remove(i);
                            self.reindex();
                            Term::OK
                        }
                        ChildPid::Restarting(_) => err(Atom::RESTARTING),
                        ChildPid::Running(_) => err(Atom::RUNNING),
                    },
                    None => err(Atom::NOT_FOUND),
                };
                Self::reply(w, me, from, tag, v)
            }
            SupervisorCall::GetChildspec(id) => {
                let v = if simple {
                    match id {
                        Term::Pid(p) if self.dynamics.contains_key(&DynKey::Pid(p)) => {
                            Term::ok(self.children[0].spec.to_term())
                        }
                        _ => err(Atom::NOT_FOUND),
                    }
                } else {
                    match self.find_by_id(&id) {
                        Some(i) => Term::ok(self.children[i].spec.to_term()),
                        None => err(Atom::NOT_FOUND),
                    }
                };
                Self::reply(w, me, from, tag, v)
            }
            SupervisorCall::Pause => {
                let v = if self.paused {
                    Term::error(Term::atom("already_paused"))
                } else {
                    self.paused = true;
                    w.emit(EventKind::Paused, me, Pid::NONE, 1, &Term::TRUE);
                    Term::OK
                };
                Self::reply(w, me, from, tag, v)
            }
            SupervisorCall::Resume => {
                if !self.paused {
                    return Self::reply(w, me, from, tag, Term::error(Term::atom("not_paused")));
                }
                self.paused = false;
                w.emit(EventKind::Paused, me, Pid::NONE, 0, &Term::FALSE);
                w.send(
                    me,
                    from,
                    Msg::Reply {
                        tag,
                        value: Term::OK,
                    },
                );
                let pending = std::mem::take(&mut self.pending);
                self.stage = Stage::Job(Job::Resume { pending, pos: 0 });
                self.resume(w, me, Outcome::None)
            }
            SupervisorCall::ChangeStrategy(s) => {
                let v = if s == Strategy::SimpleOneForOne || simple {
                    Term::error(Term::Atom(Atom::BAD_STRATEGY))
                } else {
                    self.strategy = s;
                    w.emit(
                        EventKind::StrategyChanged,
                        me,
                        Pid::NONE,
                        0,
                        &Term::atom(s.name()),
                    );
                    Term::OK
                };
                Self::reply(w, me, from, tag, v)
            }
            SupervisorCall::ChangeIntensity { intensity, period } => {
                // OTP's own checks on the flags: a period of at least one second
                let v = if period == 0 {
                    Term::error(Term::pair(Term::atom("invalid_period"), Term::Int(0)))
                } else {
                    self.intensity = intensity;
                    self.period = period;
                    w.emit(
                        EventKind::IntensityChanged,
                        me,
                        Pid::NONE,
                        0,
                        &Term::pair(Term::Int(intensity as i64), Term::Int(period as i64)),
                    );
                    Term::OK
                };
                Self::reply(w, me, from, tag, v)
            }
        }
    }

    fn which_children_term(&self) -> Term {
        let module = |c: &ChildSpec| -> Term { c.modules() };
        if self.is_simple() {
            let Some(t) = self.template() else {
                return Term::list(vec![]);
            };
            let ty = Term::Atom(t.spec.child_type.atom());
            let m = module(&t.spec);
            let items = self
                .dynamics
                .keys()
                .map(|k| {
                    let p = match k {
                        DynKey::Restarting(_) => Term::Atom(Atom::RESTARTING),
                        DynKey::Pid(p) => Term::Pid(*p),
                        DynKey::Undefined => Term::UNDEFINED,
                    };
                    Term::tuple(vec![Term::UNDEFINED, p, ty.clone(), m.clone()])
                })
                .collect();
            return Term::list(items);
        }
        let items = self
            .children
            .iter()
            .rev()
            .map(|c| {
                let t: Rc<[Term]> = Rc::new([
                    c.spec.id.clone(),
                    c.pid.to_term(),
                    Term::Atom(c.spec.child_type.atom()),
                    module(&c.spec),
                ]);
                Term::Tuple(t)
            })
            .collect();
        Term::list(items)
    }

    fn count_children_term(&self, w: &World) -> Term {
        let (specs, active, sups, workers) = if self.is_simple() {
            let sz = self.dynamics.len() as i64;
            let active = sz - self.dynamic_restarts as i64;
            let is_sup = self
                .template()
                .map(|t| t.spec.child_type == ChildType::Supervisor);
            if is_sup == Some(true) {
                (1, active, sz, 0)
            } else {
                (1, active, 0, sz)
            }
        } else {
            let mut r = (0i64, 0i64, 0i64, 0i64);
            for c in &self.children {
                r.0 += 1;
                if c.pid.pid().is_some_and(|p| w.is_alive(p)) {
                    r.1 += 1;
                }
                match c.spec.child_type {
                    ChildType::Supervisor => r.2 += 1,
                    ChildType::Worker => r.3 += 1,
                }
            }
            r
        };
        let kv = |a: Atom, n: i64| Term::pair(Term::Atom(a), Term::Int(n));
        Term::list(vec![
            kv(Atom::SPECS, specs),
            kv(Atom::ACTIVE, active),
            kv(Atom::SUPERVISORS, sups),
            kv(Atom::WORKERS, workers),
        ])
    }

    /// `find_child(Pid, State)` for a `simple_one_for_one` API call.
    fn find_dynamic_for_api(&self, w: &World, p: Pid) -> Option<ChildSlot> {
        if self.dynamics.contains_key(&DynKey::Pid(p)) {
            return Some(ChildSlot::Dyn(DynKey::Pid(p)));
        }
        if self.dynamics.contains_key(&DynKey::Restarting(Some(p))) {
            return Some(ChildSlot::Dyn(DynKey::Restarting(Some(p))));
        }
        if w.is_alive(p) {
            None
        } else {
            Some(ChildSlot::Dyn(DynKey::Undefined))
        }
    }
}
