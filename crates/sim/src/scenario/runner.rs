//! Runs a scenario as `run_oracle.escript` does, in virtual time, and returns its trace.
//!
//! A driver process (trapping exits, like the escript's main process) performs each step.
//! Calls wait for their reply while the world runs; then the step *settles*: the world
//! runs until nothing is runnable and nothing has been recorded for `settle_ms` — timers
//! that fire before that moment run too, later ones wait for the next step. So a step's
//! trace holds every consequence of that step, exactly as on the real node.

use super::faults::FaultSchedule;
use super::{Body, ChildArg, RawOp, RawStep, Scenario, StartArg, SupOp, SupStep};
use crate::atom::Atom;
use crate::behaviour::puppet::Puppet;
use crate::behaviour::Behaviour;
use crate::message::{Cast, ChildRef, Command, Msg, Request, StartChildArg, SystemReq};
use crate::pid::Pid;
use crate::supervisor::spec::SupSpec;
use crate::supervisor::Supervisor;
use crate::term::Term;
use crate::trace::raw::RawCollector;
use crate::trace::sup::SupCollector;
use crate::world::{Config, SpawnOpts, World};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Activations allowed while virtual time stands still before a run is declared stuck.
pub const MAX_ACTIVATIONS_AT_ONE_INSTANT: u64 = 5_000_000;
/// Events one run may log before it is declared too large (a guard against endless
/// fault scripts; about a second of work).
pub const MAX_EVENTS: u64 = 5_000_000;
/// Timer and fault firings one run may process (the same guard when nothing is logged).
pub const MAX_WAKEUPS: u64 = 2_000_000;
/// Virtual time one step may take to settle before the run is declared stuck (µs).
pub const MAX_SETTLE_US: u64 = 24 * 3600 * 1_000_000;

/// Why a run could not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError(pub String);

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RunError {}

type R<T> = Result<T, RunError>;

/// The result of a run.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The trace, one line per entry (without newlines).
    pub lines: Vec<String>,
    /// Fingerprint of the whole event log.
    pub hash: u64,
    /// Number of events logged.
    pub events: u64,
    /// Virtual time at the end (µs).
    pub end_us: u64,
}

/// Runs a scenario and returns its trace.
pub fn run(scn: &Scenario) -> R<RunOutput> {
    run_with(scn, Config::default(), |_| {})
}

/// Runs a scenario on a world built from `config` (its seed is replaced by the
/// scenario's); `setup` may attach telemetry handlers before anything happens.
pub fn run_with(scn: &Scenario, config: Config, setup: impl FnOnce(&mut World)) -> R<RunOutput> {
    run_world(scn, config, setup).map(|(out, _)| out)
}

/// Like [`run_with`], and also hands back the world as the run left it.
pub fn run_world(
    scn: &Scenario,
    config: Config,
    setup: impl FnOnce(&mut World),
) -> R<(RunOutput, World)> {
    let mut w = World::new(Config {
        seed: scn.seed,
        ..config
    });
    setup(&mut w);
    let (driver, _) = w.spawn(
        Pid::NONE,
        Behaviour::External,
        SpawnOpts {
            trap_exit: true,
            ..SpawnOpts::default()
        },
    );
    let mut eng = Engine {
        w,
        faults: FaultSchedule::new(&scn.faults),
        driver,
        wakeups: 0,
    };
    eng.run_idle()?;
    let lines = match &scn.body {
        Body::Sup {
            root_id,
            tree,
            steps,
        } => SupRun::new(eng.w_mut(), driver).run(&mut eng, scn, root_id, tree, steps)?,
        Body::Raw { steps } => RawRun::new(eng.w_mut(), driver).run(&mut eng, scn, steps)?,
    };
    let out = RunOutput {
        lines,
        hash: eng.w.log.hash(),
        events: eng.w.log.total(),
        end_us: eng.w.now(),
    };
    Ok((out, eng.w))
}

/// The world plus the fault schedule, advanced together.
pub(crate) struct Engine {
    pub w: World,
    pub faults: FaultSchedule,
    pub driver: Pid,
    wakeups: u64,
}

impl Engine {
    fn w_mut(&mut self) -> &mut World {
        &mut self.w
    }

    /// Runs until nothing is runnable.
    pub fn run_idle(&mut self) -> R<()> {
        if self.w.log.total() > MAX_EVENTS || self.wakeups > MAX_WAKEUPS {
            return Err(RunError(format!(
                "the run is too large: more than {MAX_EVENTS} events or {MAX_WAKEUPS} timer firings by t={} µs",
                self.w.now()
            )));
        }
        if self.w.run_until_idle(MAX_ACTIVATIONS_AT_ONE_INSTANT) {
            Ok(())
        } else {
            Err(RunError(format!(
                "the simulation does not settle: more than {MAX_ACTIVATIONS_AT_ONE_INSTANT} activations at t={} µs \
                 without time passing (a restart loop?)",
                self.w.now()
            )))
        }
    }

    /// The next time something is scheduled (a timer or a fault).
    pub fn next_time(&mut self) -> Option<u64> {
        match (self.w.next_timer(), self.faults.next_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Jumps to time `t` and fires what is due then.
    pub fn fire_at(&mut self, t: u64) {
        self.wakeups += 1;
        self.w.fire_timers_at(t);
        self.faults.fire_due(&mut self.w, self.driver);
    }

    /// Runs until `take` finds what the driver waits for in its mailbox.
    fn wait_for(
        &mut self,
        what: &str,
        mut take: impl FnMut(&mut World, Pid) -> Option<Msg>,
    ) -> R<Msg> {
        let start = self.w.now();
        loop {
            self.run_idle()?;
            if let Some(m) = take(&mut self.w, self.driver) {
                return Ok(m);
            }
            match self.next_time() {
                Some(t) if t - start <= MAX_SETTLE_US => self.fire_at(t),
                _ => return Err(RunError(format!("the driver waits forever for {what}"))),
            }
        }
    }

    /// Runs for `us` of virtual time.
    fn sleep(&mut self, us: u64) -> R<()> {
        let end = self.w.now().saturating_add(us);
        loop {
            self.run_idle()?;
            match self.next_time() {
                Some(t) if t <= end => self.fire_at(t),
                _ => break,
            }
        }
        self.w.advance_to(end);
        Ok(())
    }

    /// The settle rule: run until idle and quiet for `q_us` since `max(last, t0)`.
    fn settle(&mut self, q_us: u64, t0: u64, last: &dyn Fn() -> u64) -> R<()> {
        let start = self.w.now();
        loop {
            self.run_idle()?;
            let deadline = last().max(t0).saturating_add(q_us);
            match self.next_time() {
                Some(t) if t < deadline => {
                    if t - start > MAX_SETTLE_US {
                        return Err(RunError(
                            "a step never settles (activity never stops)".into(),
                        ));
                    }
                    self.fire_at(t)
                }
                _ => {
                    self.w.advance_to(deadline);
                    return Ok(());
                }
            }
        }
    }

    /// A `gen_server:call` from the driver: the reply, or `{exit, Reason}`.
    fn call(&mut self, target: Option<Pid>, req: Request) -> R<Term> {
        let Some(pid) = target else {
            return Ok(exit_term(Term::NOPROC));
        };
        let d = self.driver;
        let mref = self.w.monitor(d, pid);
        self.w.send(
            d,
            pid,
            Msg::Call {
                from: d,
                tag: mref,
                req,
            },
        );
        let m = self.wait_for("a reply", |w, d| {
            w.take_msg(d, |m| {
                matches!(m, Msg::Reply { tag, .. } if *tag == mref)
                    || matches!(m, Msg::Down { mref: r, .. } if *r == mref)
            })
        })?;
        Ok(match m {
            Msg::Reply { value, .. } => {
                self.w.demonitor(d, mref, true);
                value
            }
            Msg::Down { reason, .. } => exit_term(reason),
            _ => unreachable!("only replies and DOWNs are taken"),
        })
    }

    /// `gen_server:stop(Pid, Reason, infinity)`.
    fn stop(&mut self, target: Option<Pid>, reason: Term) -> R<Term> {
        let Some(pid) = target else {
            return Ok(exit_term(Term::NOPROC));
        };
        let d = self.driver;
        let mref = self.w.monitor(d, pid);
        self.w.send(
            d,
            pid,
            Msg::System {
                from: d,
                tag: mref,
                req: SystemReq::Terminate(reason),
            },
        );
        let m = self.wait_for("the stop to be acknowledged", |w, d| {
            w.take_msg(d, |m| {
                matches!(m, Msg::Reply { tag, .. } if *tag == mref)
                    || matches!(m, Msg::Down { mref: r, .. } if *r == mref)
            })
        })?;
        if let Msg::Down { reason, .. } = m {
            return Ok(exit_term(reason));
        }
        self.wait_for("the stopped process to go down", |w, d| {
            w.take_msg(d, |m| matches!(m, Msg::Down { mref: r, .. } if *r == mref))
        })?;
        Ok(Term::OK)
    }
}

fn exit_term(reason: Term) -> Term {
    Term::pair(Term::atom("exit"), reason)
}

// ------------------------------------------------------------------ supervisor family

struct SupRun {
    col: Rc<RefCell<SupCollector>>,
}

impl SupRun {
    fn new(w: &mut World, driver: Pid) -> SupRun {
        let col = Rc::new(RefCell::new(SupCollector::default()));
        col.borrow_mut()
            .names
            .pids
            .insert(driver, "driver".to_string());
        let c = col.clone();
        // The id is fresh in a new world; attaching cannot fail.
        let _ = w
            .telemetry
            .attach_many("conformance-trace", SupCollector::KINDS, move |e| {
                c.borrow_mut().on_event(e)
            });
        SupRun { col }
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

    fn run(
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
        let (root, _) = eng.w.spawn(
            d,
            sup,
            SpawnOpts {
                link: true,
                path,
                ..SpawnOpts::default()
            },
        );
        let m = eng.wait_for("the root supervisor to start", |w, d| {
            w.take_msg(d, |m| {
                matches!(m, Msg::Ack { pid, .. } if *pid == root)
                    || matches!(m, Msg::Exit { from, .. } if *from == root)
            })
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
                let r = eng.call(self.pid_of(sup), Request::TerminateChild(cref))?;
                Some((format!("terminate_child {sup} {shown}"), r))
            }
            SupOp::RestartChild { sup, child } => {
                let r = eng.call(self.pid_of(sup), Request::RestartChild(child.clone()))?;
                Some((format!("restart_child {sup} {}", self.fmt(child)), r))
            }
            SupOp::DeleteChild { sup, child } => {
                let r = eng.call(self.pid_of(sup), Request::DeleteChild(child.clone()))?;
                Some((format!("delete_child {sup} {}", self.fmt(child)), r))
            }
            SupOp::StartChild { sup, arg } => {
                let (label, req) = match arg {
                    StartArg::Spec(s) => (s.id_text(), StartChildArg::Spec(s.clone())),
                    StartArg::Args(a) => (a.clone(), StartChildArg::Args(Term::atom(a))),
                };
                let r = eng.call(self.pid_of(sup), Request::StartChild(req))?;
                Some((format!("start_child {sup} {label}"), norm_start(r)))
            }
            SupOp::WhichChildren { sup } => {
                let r = eng.call(self.pid_of(sup), Request::WhichChildren)?;
                Some((format!("which_children {sup}"), self.norm_wc(r)))
            }
            SupOp::CountChildren { sup } => {
                let r = eng.call(self.pid_of(sup), Request::CountChildren)?;
                Some((format!("count_children {sup}"), r))
            }
            SupOp::Pause { sup } => {
                let r = eng.call(self.pid_of(sup), Request::Pause)?;
                Some((format!("pause {sup}"), r))
            }
            SupOp::Resume { sup } => {
                let r = eng.call(self.pid_of(sup), Request::Resume)?;
                Some((format!("resume {sup}"), r))
            }
            SupOp::ChangeStrategy { sup, strategy } => {
                let r = eng.call(self.pid_of(sup), Request::ChangeStrategy(*strategy))?;
                Some((format!("change_strategy {sup}"), r))
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
        let r = eng.call(Some(pid), Request::WhichChildren)?;
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

// ------------------------------------------------------------------ raw family

struct RawRun {
    col: Rc<RefCell<RawCollector>>,
}

impl RawRun {
    fn new(w: &mut World, driver: Pid) -> RawRun {
        let col = Rc::new(RefCell::new(RawCollector::default()));
        col.borrow_mut()
            .names
            .pids
            .insert(driver, "driver".to_string());
        let c = col.clone();
        let _ = w
            .telemetry
            .attach_many("conformance-trace", RawCollector::KINDS, move |e| {
                c.borrow_mut().on_event(e)
            });
        RawRun { col }
    }

    fn pid(&self, name: &str) -> Pid {
        self.col
            .borrow()
            .pids
            .get(name)
            .copied()
            .unwrap_or(Pid::NONE)
    }

    fn driver_log(&self, eng: &Engine, text: String) {
        self.col.borrow_mut().log(eng.w.now(), "driver", &text);
    }

    fn run(&self, eng: &mut Engine, scn: &Scenario, steps: &[RawStep]) -> R<Vec<String>> {
        for (i, step) in steps.iter().enumerate() {
            self.col.borrow_mut().step = (i + 1).to_string();
            let t0 = eng.w.now();
            self.op(eng, &step.op)?;
            let col = self.col.clone();
            let start = t0.max(eng.w.now());
            eng.settle(
                step.settle_ms.unwrap_or(scn.settle_ms) * 1000,
                start,
                &move || col.borrow().last,
            )?;
        }
        self.col.borrow_mut().step = "end".to_string();
        let w = &eng.w;
        Ok(self.col.borrow().output(&|p| w.is_alive(p)))
    }

    fn op(&self, eng: &mut Engine, op: &RawOp) -> R<()> {
        let d = eng.driver;
        match op {
            RawOp::Spawn {
                name,
                by: None,
                trap_exit,
                ..
            } => {
                let opts = SpawnOpts {
                    trap_exit: *trap_exit,
                    ..SpawnOpts::default()
                };
                let (pid, _) = eng.w.spawn(
                    d,
                    Behaviour::Puppet(Box::new(Puppet::new(Rc::from(name.as_str())))),
                    opts,
                );
                self.col.borrow_mut().register(eng.w.now(), name, pid);
                Ok(())
            }
            RawOp::Spawn {
                name,
                by: Some(by),
                link,
                monitor,
                trap_exit,
            } => self.cmd(
                eng,
                by,
                Command::Spawn {
                    name: Rc::from(name.as_str()),
                    trap_exit: *trap_exit,
                    link: *link,
                    monitor: monitor.as_deref().map(Rc::from),
                },
            ),
            RawOp::Exit {
                by: None,
                to,
                reason,
            } => {
                let text = format!("do exit {to} {}", self.col.borrow().names.fmt(reason));
                self.driver_log(eng, text);
                let p = self.pid(to);
                eng.w.send_exit(d, p, reason.clone());
                Ok(())
            }
            RawOp::Exit {
                by: Some(by),
                to,
                reason,
            } => self.cmd(eng, by, Command::Exit(self.pid(to), reason.clone())),
            RawOp::IsAlive { target } => {
                let alive = eng.w.is_alive(self.pid(target));
                self.driver_log(eng, format!("is_alive {target} -> {alive}"));
                Ok(())
            }
            RawOp::Sleep { ms } => eng.sleep(ms * 1000),
            RawOp::Link { by, to } => self.cmd(eng, by, Command::Link(self.pid(to))),
            RawOp::Unlink { by, to } => self.cmd(eng, by, Command::Unlink(self.pid(to))),
            RawOp::Monitor { by, to, ref_name } => self.cmd(
                eng,
                by,
                Command::Monitor(self.pid(to), Rc::from(ref_name.as_str())),
            ),
            RawOp::Demonitor {
                by,
                ref_name,
                flush,
                info,
            } => {
                let r = self.col.borrow().refs.get(ref_name).copied();
                let r = r.unwrap_or_else(|| eng.w.make_ref());
                self.cmd(eng, by, Command::Demonitor(r, *flush, *info))
            }
            RawOp::TrapExit { by, value } => self.cmd(eng, by, Command::TrapExit(*value)),
            RawOp::ExitSelf { by, reason } => self.cmd(eng, by, Command::ExitSelf(reason.clone())),
            RawOp::Error { by, reason } => self.cmd(eng, by, Command::Error(reason.clone())),
            RawOp::Return { by } => self.cmd(eng, by, Command::Return),
            RawOp::Send { by, to, msg } => {
                self.cmd(eng, by, Command::Send(self.pid(to), msg.clone()))
            }
        }
    }

    /// `puppet_cmd/2`: monitor the puppet, send the command, wait for `done` or `'DOWN'`.
    fn cmd(&self, eng: &mut Engine, by: &str, cmd: Command) -> R<()> {
        let d = eng.driver;
        let pid = self.pid(by);
        let mref = eng.w.monitor(d, pid);
        eng.w.send(
            d,
            pid,
            Msg::Command {
                from: d,
                tag: mref,
                cmd: Rc::new(cmd),
            },
        );
        let m = eng.wait_for("a puppet to finish its command", |w, d| {
            w.take_msg(d, |m| {
                matches!(m, Msg::Reply { tag, .. } if *tag == mref)
                    || matches!(m, Msg::Down { mref: r, .. } if *r == mref)
            })
        })?;
        match m {
            Msg::Reply { .. } => {
                eng.w.demonitor(d, mref, true);
            }
            Msg::Down { reason, .. } if reason.is_atom(Atom::NOPROC) => {
                self.driver_log(eng, format!("command to dead process {by} skipped"));
            }
            _ => {}
        }
        Ok(())
    }
}
