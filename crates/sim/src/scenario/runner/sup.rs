//! The supervisor family's run, as `run_oracle.escript` runs it: `start_link` of the
//! root under the driver, each step (exits, crashes, sleeps, the supervisor API, stops)
//! with its reply, the settle rule after each, and the final `which_children` dump of
//! every live supervisor, with the oracle's normalisations.

use super::{attach_collector, Engine, R};
use crate::atom::Atom;
use crate::behaviour::Behaviour;
use crate::external::{self};
use crate::message::{Cast, Msg};
use crate::pid::Pid;
use crate::scenario::{ChildArg, Scenario, StartArg, SupOp, SupStep};
use crate::supervisor::api::{ChildRef, StartChildArg, SupervisorCall};
use crate::supervisor::spec::SupSpec;
use crate::supervisor::Supervisor;
use crate::term::Term;
use crate::trace::sup::SupCollector;
use crate::world::World;
use std::cell::RefCell;
use std::rc::Rc;

pub(super) struct SupRun {
    col: Rc<RefCell<SupCollector>>,
}

impl SupRun {
    pub(super) fn new(w: &mut World, driver: Pid) -> SupRun {
        SupRun {
            col: attach_collector(w, driver),
        }
    }

    fn line(&self, eng: &Engine, l: String) {
        self.col.borrow_mut().line(eng.w.now(), l);
    }

    fn pid_of(&self, path: &str) -> Option<Pid> {
        self.col.borrow().paths.get(path).copied()
    }

    fn fmt(&self, t: &Term) -> String {
        self.col.borrow().names.fmt(t)
    }

    fn settle(&self, eng: &mut Engine, q_ms: u64, t0: u64) -> R<()> {
        let col = self.col.clone();
        eng.settle(q_ms * 1000, t0, &move || col.borrow().last)?;
        self.col.borrow_mut().flush_down();
        Ok(())
    }

    pub(super) fn run(
        &self,
        eng: &mut Engine,
        scn: &Scenario,
        root_id: &str,
        tree: &Rc<SupSpec>,
        steps: &[SupStep],
    ) -> R<Vec<String>> {
        let q = scn.settle_ms;
        self.line(eng, format!("step 0 start_link {root_id}"));
        let t0 = eng.w.now();
        let d = eng.driver;
        let path = eng.w.intern_path(root_id);
        let sup = Behaviour::Supervisor(Box::new(Supervisor::new(tree.clone(), d)));
        let root = external::start_link(&mut eng.w, d, sup, path);
        let m = eng.wait_for("the root supervisor to start", |m| {
            matches!(m, Msg::Ack { pid, .. } if *pid == root)
                || matches!(m, Msg::Exit { from, .. } if *from == root)
        })?;
        let res = match m {
            Msg::Ack { ret, .. } => ret,
            Msg::Exit { reason, .. } => Term::error(reason),
            _ => unreachable!("only acks and EXITs are taken"),
        };
        self.settle(eng, q, t0)?;
        let l = format!("reply start_link {root_id} {}", self.fmt(&res));
        self.line(eng, l);
        for (i, step) in steps.iter().enumerate() {
            self.line(eng, format!("step {} {}", i + 1, step.summary));
            let reply = self.op(eng, &step.op)?;
            let t0 = eng.w.now();
            self.settle(eng, step.settle_ms.unwrap_or(q), t0)?;
            if let Some((label, value)) = reply {
                let l = format!("reply {label} {}", self.fmt(&value));
                self.line(eng, l);
            }
        }
        self.final_dump(eng, root_id)?;
        Ok(self.col.borrow().canonical_lines())
    }

    fn op(&self, eng: &mut Engine, op: &SupOp) -> R<Option<(String, Term)>> {
        let d = eng.driver;
        Ok(match op {
            SupOp::Exit { target, reason } => {
                match self.pid_of(target) {
                    Some(p) => eng.w.send_exit(d, p, reason.clone()),
                    None => self.line(eng, "error unknown target".to_string()),
                }
                None
            }
            SupOp::Crash { target, reason } => {
                if let Some(p) = self.pid_of(target) {
                    eng.w.send(d, p, Msg::Cast(Cast::Stop(reason.clone())));
                }
                None
            }
            SupOp::Sleep { ms } => {
                eng.sleep(ms * 1000)?;
                None
            }
            SupOp::Align { ms } => {
                let next_second = (eng.w.now() / 1_000_000 + 1) * 1_000_000;
                let us = next_second - eng.w.now() + ms * 1000;
                eng.sleep(us)?;
                None
            }
            SupOp::Stop { target, reason } => {
                let r = eng.stop(self.pid_of(target), reason.clone())?;
                Some((format!("stop {target}"), r))
            }
            SupOp::TerminateChild { sup, child } => {
                let cref = match child {
                    ChildArg::Id(id) => ChildRef::Id(id.clone()),
                    ChildArg::Pid(path) => match self.pid_of(path) {
                        Some(p) => ChildRef::Pid(p),
                        None => ChildRef::Id(Term::UNDEFINED),
                    },
                };
                let shown = match &cref {
                    ChildRef::Id(t) => self.fmt(t),
                    ChildRef::Pid(p) => self.fmt(&Term::Pid(*p)),
                };
                let r = eng.call(self.pid_of(sup), SupervisorCall::TerminateChild(cref))?;
                Some((format!("terminate_child {sup} {shown}"), r))
            }
            SupOp::RestartChild { sup, child } => {
                let r = eng.call(
                    self.pid_of(sup),
                    SupervisorCall::RestartChild(child.clone()),
                )?;
                Some((format!("restart_child {sup} {}", self.fmt(child)), r))
            }
            SupOp::DeleteChild { sup, child } => {
                let r = eng.call(self.pid_of(sup), SupervisorCall::DeleteChild(child.clone()))?;
                Some((format!("delete_child {sup} {}", self.fmt(child)), r))
            }
            SupOp::StartChild { sup, arg } => {
                let (label, req) = match arg {
                    StartArg::Spec(s) => (s.id_text(), StartChildArg::Spec(s.clone())),
                    StartArg::Args(a) => (a.clone(), StartChildArg::Args(Term::atom(a))),
                };
                let r = eng.call(self.pid_of(sup), SupervisorCall::StartChild(req))?;
                Some((format!("start_child {sup} {label}"), norm_start(r)))
            }
            SupOp::WhichChildren { sup } => {
                let r = eng.call(self.pid_of(sup), SupervisorCall::WhichChildren)?;
                Some((format!("which_children {sup}"), self.norm_wc(r)))
            }
            SupOp::CountChildren { sup } => {
                let r = eng.call(self.pid_of(sup), SupervisorCall::CountChildren)?;
                Some((format!("count_children {sup}"), r))
            }
            SupOp::Pause { sup } => {
                let r = eng.call(self.pid_of(sup), SupervisorCall::Pause)?;
                Some((format!("pause {sup}"), r))
            }
            SupOp::Resume { sup } => {
                let r = eng.call(self.pid_of(sup), SupervisorCall::Resume)?;
                Some((format!("resume {sup}"), r))
            }
            SupOp::ChangeStrategy { sup, strategy } => {
                let r = eng.call(self.pid_of(sup), SupervisorCall::ChangeStrategy(*strategy))?;
                Some((format!("change_strategy {sup}"), r))
            }
            SupOp::ChangeIntensity {
                sup,
                intensity,
                period,
            } => {
                let call = SupervisorCall::ChangeIntensity {
                    intensity: *intensity,
                    period: *period,
                };
                let r = eng.call(self.pid_of(sup), call)?;
                Some((format!("change_intensity {sup}"), r))
            }
        })
    }

    /// `norm_wc/1`: drop the modules; sort all-dynamic lists by pid name.
    fn norm_wc(&self, r: Term) -> Term {
        let Term::List(items) = &r else {
            return r;
        };
        let mut l: Vec<Term> = items
            .iter()
            .map(|c| match c.as_tuple() {
                Some(t) if t.len() == 4 => Term::tuple(t[..3].to_vec()),
                _ => c.clone(),
            })
            .collect();
        let all_dynamic = !l.is_empty()
            && l.iter()
                .all(|c| c.as_tuple().is_some_and(|t| t[0].is_atom(Atom::UNDEFINED)));
        if all_dynamic {
            let col = self.col.borrow();
            let key = |c: &Term| {
                c.as_tuple()
                    .map(|t| col.names.fmt(&t[1]))
                    .unwrap_or_default()
            };
            l.sort_by_key(key);
        }
        Term::list(l)
    }

    fn final_dump(&self, eng: &mut Engine, root_id: &str) -> R<()> {
        match self.pid_of(root_id) {
            Some(p) if eng.w.is_alive(p) => self.dump_sup(eng, root_id, p),
            _ => {
                self.line(eng, format!("final {root_id} dead"));
                Ok(())
            }
        }
    }

    fn dump_sup(&self, eng: &mut Engine, path: &str, pid: Pid) -> R<()> {
        let r = eng.call(Some(pid), SupervisorCall::WhichChildren)?;
        let l = format!("final {path} {}", self.fmt(&self.norm_wc(r.clone())));
        self.line(eng, l);
        if let Term::List(items) = &r {
            for c in items.iter() {
                if let Some([id, Term::Pid(p), ty, _]) = c.as_tuple() {
                    if ty.is_atom(Atom::SUPERVISOR) && !id.is_atom(Atom::UNDEFINED) {
                        let sub = format!("{path}/{}", crate::supervisor::spec::id_text(id));
                        self.dump_sup(eng, &sub, *p)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `norm_start/1`: `{error, {Reason, #child{}}}` becomes `{error, Reason}`.
fn norm_start(r: Term) -> Term {
    if let Some([tag, inner]) = r.as_tuple() {
        if tag.is_atom(Atom::ERROR) {
            if let Some([what, child]) = inner.as_tuple() {
                if child
                    .as_tuple()
                    .is_some_and(|c| c.first().is_some_and(|x| x.is_atom(Atom::new("child"))))
                {
                    return Term::error(what.clone());
                }
            }
        }
    }
    r
}
