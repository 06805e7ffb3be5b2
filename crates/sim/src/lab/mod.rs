//! The lab: a running supervision tree the learner works on, plus the view model the
//! web app renders.
//!
//! [`Lab`] owns a [`World`], starts a preset or scenario tree under a "shell" process
//! (the way an IEx session starts an application), runs its fault script, keeps an
//! OTP-styled event log ([`log`]), executes learner [`command`]s with OTP's answers,
//! and projects the live tree and any process into plain data ([`TreeNode`],
//! [`inspect::ProcInfo`]). The UI reads these; it never reaches into the simulator.

pub mod command;
pub mod console;
pub mod inspect;
pub mod log;
pub mod presets;

use crate::behaviour::gen_server::WorkerSpec;
use crate::behaviour::Behaviour;
use crate::event::EventKind;
use crate::message::{ChildRef, Msg, Request, StartChildArg};
use crate::pid::Pid;
use crate::scenario::faults::FaultSchedule;
use crate::scenario::{Body, Scenario, StartArg, SupOp};
use crate::supervisor::children::ChildPid;
use crate::supervisor::spec::{ChildSpec, ChildType, StartFn, SupSpec};
use crate::supervisor::Supervisor;
use crate::term::Term;
use crate::world::{Config, SpawnOpts, World};
use command::{ChildSel, Command, StartSpec, Target};
use log::LabLog;
pub use log::{LogLine, LOG_KINDS, LOG_LINES_KEPT};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Activations allowed at one virtual instant before the lab calls it a livelock.
pub const MAX_ACTIVATIONS_AT_ONCE: u64 = 2_000_000;
/// How far (virtual µs) a console call may wait for its answer: `GenServer.call`'s
/// default timeout.
pub const CALL_TIMEOUT_US: u64 = 5_000_000;

/// Supervisor or worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Supervisor,
    Worker,
}

/// What a tree node is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    Running,
    /// A restart failed and the supervisor will retry.
    Restarting,
    /// Not running (terminated, transient exit, ignored at start).
    Stopped,
    /// The process is gone and nobody will bring it back (e.g. the root).
    Dead,
}

impl NodeStatus {
    /// A word for the status, shown next to its colour.
    pub fn label(self) -> &'static str {
        match self {
            NodeStatus::Running => "running",
            NodeStatus::Restarting => "restarting",
            NodeStatus::Stopped => "stopped",
            NodeStatus::Dead => "dead",
        }
    }
}

/// One node of the supervision tree, as the UI shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeNode {
    pub path: String,
    pub id: String,
    pub pid: Option<String>,
    pub kind: NodeKind,
    pub status: NodeStatus,
    pub depth: usize,
    pub restarts: u64,
    pub strategy: Option<String>,
    /// A live supervisor's restart budget.
    pub meter: Option<Meter>,
}

/// A supervisor's intensity meter: restarts in its current period against its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meter {
    /// Restarts counted in the sliding window (OTP's whole-second period).
    pub used: u64,
    pub intensity: u32,
    pub period: u32,
    pub paused: bool,
}

impl Meter {
    fn of(s: &Supervisor, now_us: u64) -> Meter {
        Meter {
            used: s.restarts_in_window(now_us),
            intensity: s.intensity(),
            period: s.period(),
            paused: s.is_paused(),
        }
    }
}

/// The lab command for a scenario step it can run at start (`start_child`, `exit`,
/// `crash`, the supervisor calls); `None` for steps that only make sense in a trace.
fn step_command(op: &SupOp) -> Option<Command> {
    let path = |p: &String| Target::Path(p.clone());
    Some(match op {
        SupOp::StartChild { sup, arg } => Command::StartChild {
            sup: path(sup),
            spec: match arg {
                StartArg::Args(a) => StartSpec::Args(Term::atom(a)),
                StartArg::Spec(cs) => match &cs.start {
                    StartFn::Worker(ws) => StartSpec::Worker {
                        id: cs.id.clone(),
                        kind: ws.kind,
                        restart: cs.restart,
                    },
                    _ => return None,
                },
            },
        },
        SupOp::Exit { target, reason } => Command::Exit {
            target: path(target),
            reason: reason.clone(),
        },
        SupOp::Crash { target, reason } => Command::Crash {
            target: path(target),
            reason: reason.clone(),
        },
        _ => return None,
    })
}

/// A running tree and its view model.
pub struct Lab {
    world: World,
    shell: Pid,
    root: Pid,
    root_path: String,
    log: Rc<RefCell<LabLog>>,
    faults: FaultSchedule,
}

impl Lab {
    /// The seeds' demo: supervisor `demo` (one_for_one) with `counter_1`, `counter_2`
    /// (Counter workers) and `printer` (Printer).
    pub fn demo(seed: u64) -> Lab {
        let p = presets::preset("demo").expect("the demo preset exists");
        let scn = crate::scenario::parse(&p.text()).expect("the demo preset parses");
        Lab::from_scenario(&scn, Some(seed), |_| {}).expect("the demo preset starts")
    }

    /// Starts the tree `spec` with root id `root_id`.
    pub fn start(root_id: &str, spec: Rc<SupSpec>, seed: u64) -> Lab {
        Lab::boot(root_id, spec, seed, &[], |_| {})
    }

    /// Starts a supervisor-family scenario: its tree, its fault script, and its steps run
    /// at time 0 (the presets start dynamic children that way). `seed` overrides the
    /// scenario's; `setup` may attach telemetry handlers before anything happens.
    pub fn from_scenario(
        scn: &Scenario,
        seed: Option<u64>,
        setup: impl FnOnce(&mut World),
    ) -> Result<Lab, String> {
        let Body::Sup {
            root_id,
            tree,
            steps,
        } = &scn.body
        else {
            return Err("the lab needs a supervision tree (a scenario with \"tree\")".into());
        };
        let mut lab = Lab::boot(
            root_id,
            tree.clone(),
            seed.unwrap_or(scn.seed),
            &scn.faults,
            setup,
        );
        for step in steps {
            if let Some(cmd) = step_command(&step.op) {
                lab.exec(&cmd)?;
            }
        }
        Ok(lab)
    }

    fn boot(
        root_id: &str,
        spec: Rc<SupSpec>,
        seed: u64,
        faults: &[crate::scenario::Fault],
        setup: impl FnOnce(&mut World),
    ) -> Lab {
        let mut world = World::new(Config {
            seed,
            log_capacity: 1 << 16,
            ..Config::default()
        });
        setup(&mut world);
        let log = Rc::new(RefCell::new(LabLog::default()));
        let l = log.clone();
        let _ = world
            .telemetry
            .attach_many("lab-log", &EventKind::ALL, move |e| {
                l.borrow_mut().on_event(e)
            });
        let (shell, _) = world.spawn(
            Pid::NONE,
            Behaviour::External,
            SpawnOpts {
                trap_exit: true,
                ..SpawnOpts::default()
            },
        );
        log.borrow_mut().paths.insert(shell, "shell".to_string());
        let path = world.intern_path(root_id);
        let (root, _) = world.spawn(
            shell,
            Behaviour::Supervisor(Box::new(Supervisor::new(spec, shell))),
            SpawnOpts {
                link: true,
                path,
                ..SpawnOpts::default()
            },
        );
        world.run_until_idle(MAX_ACTIVATIONS_AT_ONCE);
        // the root's ack to the shell: nobody waits for it
        world.take_msg(shell, |m| matches!(m, Msg::Ack { .. }));
        Lab {
            world,
            shell,
            root,
            root_path: root_id.to_string(),
            log,
            faults: FaultSchedule::new(faults),
        }
    }

    /// The simulated world (read-only).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The shell process (the learner's IEx session).
    pub fn shell(&self) -> Pid {
        self.shell
    }

    /// The root supervisor's path.
    pub fn root_path(&self) -> &str {
        &self.root_path
    }

    /// Virtual time in microseconds.
    pub fn now_us(&self) -> u64 {
        self.world.now()
    }

    /// True when nothing is runnable at the current instant.
    pub fn is_idle(&self) -> bool {
        self.world.is_idle()
    }

    /// Runs at most `budget` scheduler steps; true if runnable work remains.
    pub fn run_for(&mut self, budget: u32) -> bool {
        for _ in 0..budget {
            if self.world.is_idle() {
                return false;
            }
            self.world.step();
        }
        !self.world.is_idle()
    }

    /// The next virtual time something is scheduled (a timer or a fault).
    pub fn next_time(&mut self) -> Option<u64> {
        match (self.world.next_timer(), self.faults.next_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs one scheduler step (an activation); false if nothing was runnable.
    pub fn step_once(&mut self) -> bool {
        !self.world.is_idle() && self.world.step()
    }

    /// Jumps to `t` and fires the timers and faults due then.
    pub fn fire_at(&mut self, t: u64) {
        self.world.fire_timers_at(t);
        self.faults.fire_due(&mut self.world, self.shell);
    }

    /// Runs toward virtual time `t` with at most `budget` steps: work, then timers and
    /// faults in time order. True once everything up to `t` has run (the clock is at
    /// `t`); false if the budget ran out first (call again to continue).
    pub fn run_toward(&mut self, t: u64, budget: u32) -> bool {
        let mut left = budget;
        loop {
            while !self.world.is_idle() {
                if left == 0 {
                    return false;
                }
                self.world.step();
                left -= 1;
            }
            match self.next_time() {
                Some(n) if n <= t => {
                    if left == 0 {
                        return false;
                    }
                    left -= 1;
                    self.fire_at(n);
                }
                _ => {
                    self.world.advance_to(t);
                    return true;
                }
            }
        }
    }

    /// Advances virtual time by `dt_us`, running all work, timers and faults due.
    pub fn advance(&mut self, dt_us: u64) {
        let t = self.world.now().saturating_add(dt_us);
        self.advance_to(t);
    }

    /// Runs everything up to virtual time `t` (no budget: for replays and tests).
    pub fn advance_to(&mut self, t: u64) {
        while !self.run_toward(t, u32::MAX) {}
    }

    /// `exit(Pid, kill)` on the process at `path`.
    pub fn kill(&mut self, path: &str) -> Result<(), String> {
        self.exec(&Command::Exit {
            target: Target::Path(path.to_string()),
            reason: Term::KILL,
        })
        .map(|_| ())
    }

    /// Resolves a target to a live pid.
    pub fn resolve(&self, t: &Target) -> Result<Pid, String> {
        let found = match t {
            Target::Path(p) => self.world.whereis_path(p),
            Target::Pid(n) => self
                .world
                .processes()
                .find(|p| p.pid.serial() == *n)
                .map(|p| p.pid),
            Target::Name(n) => self
                .world
                .whereis(crate::atom::Atom::new(n))
                .or_else(|| self.world.whereis_path(n)),
        };
        found.ok_or_else(|| match t {
            Target::Path(p) => format!("no live process at {p}"),
            Target::Pid(n) => format!("<0.{n}.0> is not alive"),
            Target::Name(n) => format!("no process is registered as {n}"),
        })
    }

    /// Runs a command from the shell at the current instant (pending work first), as
    /// OTP would; calls wait (in virtual time) for their reply. The value is what the
    /// function returns in OTP; an error is the exception it raises, as text.
    pub fn exec(&mut self, cmd: &Command) -> Result<Term, String> {
        self.settle()?;
        let shell = self.shell;
        let r = match cmd {
            Command::Exit { target, reason } => {
                let pid = self.resolve(target)?;
                self.world.emit(EventKind::Fault, pid, shell, 0, reason);
                self.world.send_exit(shell, pid, reason.clone());
                Term::TRUE
            }
            Command::Crash { target, reason } => {
                let pid = self.resolve(target)?;
                if self
                    .world
                    .process(pid)
                    .and_then(|p| p.behaviour.as_server())
                    .is_none()
                {
                    return Err(format!(
                        "{pid} is not a worker (only workers crash on request)"
                    ));
                }
                self.world.emit(EventKind::Fault, pid, shell, 1, reason);
                self.world.send(
                    shell,
                    pid,
                    Msg::Cast(crate::message::Cast::Stop(reason.clone())),
                );
                Term::OK
            }
            Command::Send { target, msg } => {
                let pid = self.resolve(target)?;
                self.world.send(shell, pid, Msg::user(msg.clone()));
                msg.clone()
            }
            Command::Cast { target, msg } => {
                let pid = self.resolve(target)?;
                self.world.send(
                    shell,
                    pid,
                    Msg::Cast(crate::message::Cast::Term(msg.clone())),
                );
                Term::OK
            }
            Command::Call { target, msg } => {
                let pid = self.resolve(target)?;
                self.call(pid, Request::Term(msg.clone()))?
            }
            Command::Info { target } => match self.resolve(target) {
                Ok(pid) => inspect::process_info(self, pid),
                Err(_) if matches!(target, Target::Pid(_)) => Term::atom("nil"),
                Err(e) => return Err(e),
            },
            Command::Link { target } => {
                let pid = self.resolve(target)?;
                self.world.link(shell, pid);
                Term::TRUE
            }
            Command::Monitor { target } => {
                let pid = self.resolve(target)?;
                Term::Ref(self.world.monitor(shell, pid))
            }
            Command::WhichChildren { sup } => self.sup_call(sup, Request::WhichChildren)?,
            Command::CountChildren { sup } => self.sup_call(sup, Request::CountChildren)?,
            Command::TerminateChild { sup, child } => {
                let cref = match child {
                    ChildSel::Id(id) => ChildRef::Id(id.clone()),
                    ChildSel::Pid(t) => ChildRef::Pid(self.resolve(t)?),
                };
                self.sup_call(sup, Request::TerminateChild(cref))?
            }
            Command::RestartChild { sup, id } => {
                self.sup_call(sup, Request::RestartChild(id.clone()))?
            }
            Command::DeleteChild { sup, id } => {
                self.sup_call(sup, Request::DeleteChild(id.clone()))?
            }
            Command::StartChild { sup, spec } => {
                let arg = match spec {
                    StartSpec::Worker { id, kind, restart } => {
                        let mut cs = ChildSpec::worker("x", WorkerSpec::new(*kind));
                        cs.id = id.clone();
                        cs.restart = *restart;
                        StartChildArg::Spec(Rc::new(cs))
                    }
                    StartSpec::Args(a) => StartChildArg::Args(a.clone()),
                };
                self.sup_call(sup, Request::StartChild(arg))?
            }
            Command::Pause { sup } => self.sup_call(sup, Request::Pause)?,
            Command::Resume { sup } => self.sup_call(sup, Request::Resume)?,
            Command::ChangeStrategy { sup, strategy } => {
                self.sup_call(sup, Request::ChangeStrategy(*strategy))?
            }
        };
        Ok(r)
    }

    /// Runs the pending work at this instant.
    fn settle(&mut self) -> Result<(), String> {
        if self.world.run_until_idle(MAX_ACTIVATIONS_AT_ONCE) {
            Ok(())
        } else {
            Err(format!(
                "the simulation does not settle at {} µs (a restart loop?)",
                self.world.now()
            ))
        }
    }

    fn sup_call(&mut self, sup: &Target, req: Request) -> Result<Term, String> {
        let pid = self.resolve(sup)?;
        if self
            .world
            .process(pid)
            .and_then(|p| p.behaviour.as_supervisor())
            .is_none()
        {
            return Err(format!("{pid} is not a supervisor"));
        }
        self.call(pid, req)
    }

    /// A `gen_server:call` from the shell: waits (in virtual time, at most
    /// [`CALL_TIMEOUT_US`]) for the reply; `exit` reasons come back as errors.
    fn call(&mut self, pid: Pid, req: Request) -> Result<Term, String> {
        let shell = self.shell;
        let mref = self.world.monitor(shell, pid);
        self.world.send(
            shell,
            pid,
            Msg::Call {
                from: shell,
                tag: mref,
                req,
            },
        );
        let start = self.world.now();
        loop {
            self.settle()?;
            let got = self.world.take_msg(shell, |m| {
                matches!(m, Msg::Reply { tag, .. } if *tag == mref)
                    || matches!(m, Msg::Down { mref: r, .. } if *r == mref)
            });
            match got {
                Some(Msg::Reply { value, .. }) => {
                    self.world.demonitor(shell, mref, true);
                    return Ok(value);
                }
                Some(Msg::Down { reason, .. }) => {
                    return Err(format!("** (exit) {}", reason.to_text()));
                }
                _ => {}
            }
            match self.next_time() {
                Some(t) if t <= start + CALL_TIMEOUT_US => self.fire_at(t),
                _ => {
                    self.world.demonitor(shell, mref, true);
                    self.world.advance_to(start + CALL_TIMEOUT_US);
                    return Err("** (exit) timeout".to_string());
                }
            }
        }
    }

    /// Restarts logged so far, over the whole tree (including subtrees that are gone).
    pub fn restarts_total(&self) -> u64 {
        self.log.borrow().restarts_total
    }

    /// Number of log lines so far (including dropped ones).
    pub fn log_len(&self) -> usize {
        self.log.borrow().total
    }

    /// Log lines with `from <= index < to` that are still kept.
    pub fn log_lines(&self, from: usize, to: usize) -> Vec<LogLine> {
        let log = self.log.borrow();
        let first = log.lines.front().map_or(0, |l| l.index);
        let a = from.max(first) - first;
        let b = to.max(first) - first;
        log.lines
            .range(a.min(log.lines.len())..b.min(log.lines.len()))
            .cloned()
            .collect()
    }

    /// The tree path of a pid, if the lab knows one.
    pub fn path_of(&self, pid: Pid) -> Option<String> {
        self.log.borrow().paths.get(&pid).cloned()
    }

    /// The tree, depth-first in start order.
    pub fn tree(&self) -> Vec<TreeNode> {
        let mut out = Vec::new();
        let restarts = self.log.borrow().restarts.clone();
        let alive = self.world.is_alive(self.root);
        let sup = self
            .world
            .process(self.root)
            .and_then(|p| p.behaviour.as_supervisor());
        out.push(TreeNode {
            path: self.root_path.clone(),
            id: self.root_path.clone(),
            pid: alive.then(|| self.root.to_string()),
            kind: NodeKind::Supervisor,
            status: if alive {
                NodeStatus::Running
            } else {
                NodeStatus::Dead
            },
            depth: 0,
            restarts: 0,
            strategy: sup.map(|s| s.strategy().name().to_string()),
            meter: sup.map(|s| Meter::of(s, self.world.now())),
        });
        if let Some(s) = sup {
            self.walk(s, &self.root_path, 1, &restarts, &mut out);
        }
        out
    }

    fn walk(
        &self,
        sup: &Supervisor,
        path: &str,
        depth: usize,
        restarts: &HashMap<String, u64>,
        out: &mut Vec<TreeNode>,
    ) {
        let now = self.world.now();
        let node =
            |p: String, id: String, pid: ChildPid, kind: NodeKind, sup: Option<&Supervisor>| {
                let status = match pid {
                    ChildPid::Running(_) => NodeStatus::Running,
                    ChildPid::Restarting(_) => NodeStatus::Restarting,
                    ChildPid::Undefined => NodeStatus::Stopped,
                };
                TreeNode {
                    restarts: restarts.get(&p).copied().unwrap_or(0),
                    path: p,
                    id,
                    pid: pid.pid().map(|x| x.to_string()),
                    kind,
                    status,
                    depth,
                    strategy: sup.map(|s| s.strategy().name().to_string()),
                    meter: sup.map(|s| Meter::of(s, now)),
                }
            };
        if sup.strategy() == crate::supervisor::spec::Strategy::SimpleOneForOne {
            let kind = match sup.children().first().map(|c| c.spec.child_type) {
                Some(ChildType::Supervisor) => NodeKind::Supervisor,
                _ => NodeKind::Worker,
            };
            for (k, args) in sup.dynamic_children() {
                let id = crate::supervisor::spec::id_text(args);
                let p = format!("{path}/{id}");
                out.push(node(p, id, k.as_child_pid(), kind, None));
            }
            return;
        }
        for c in sup.children() {
            let id = c.spec.id_text();
            let p = format!("{path}/{id}");
            let child_sup = c
                .pid
                .pid()
                .and_then(|pid| self.world.process(pid))
                .and_then(|pr| pr.behaviour.as_supervisor());
            let kind = match c.spec.start {
                StartFn::Supervisor(_) => NodeKind::Supervisor,
                _ => NodeKind::Worker,
            };
            out.push(node(p.clone(), id, c.pid, kind, child_sup));
            if let Some(s) = child_sup {
                self.walk(s, &p, depth + 1, restarts, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_tree_starts_and_a_killed_worker_restarts() {
        let mut lab = Lab::demo(1);
        let tree = lab.tree();
        let paths: Vec<&str> = tree.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            ["demo", "demo/counter_1", "demo/counter_2", "demo/printer"]
        );
        assert!(tree.iter().all(|n| n.status == NodeStatus::Running));
        let before = tree[1].pid.clone();
        lab.kill("demo/counter_1").unwrap();
        lab.advance(1000);
        let tree = lab.tree();
        assert_eq!(tree[1].restarts, 1);
        assert_ne!(tree[1].pid, before);
        assert_eq!(tree[1].status, NodeStatus::Running);
        assert!(lab
            .log_lines(0, lab.log_len())
            .iter()
            .any(|l| l.kind == "restart"));
        assert!(lab.kill("demo/nope").is_err());
    }

    #[test]
    fn exceeding_intensity_kills_the_root() {
        let mut lab = Lab::demo(1);
        for _ in 0..4 {
            lab.kill("demo/printer").unwrap();
            lab.advance(1000);
        }
        let tree = lab.tree();
        assert_eq!(tree[0].status, NodeStatus::Dead);
        // the restarts before it gave up still count, though the subtree is gone
        assert_eq!(lab.restarts_total(), 3);
        assert_eq!(tree.iter().map(|n| n.restarts).sum::<u64>(), 0);
    }

    #[test]
    fn every_preset_starts_with_a_live_tree() {
        for p in presets::PRESETS {
            let scn = crate::scenario::parse(&p.text())
                .unwrap_or_else(|e| panic!("preset {} does not parse: {e}", p.id));
            let lab = Lab::from_scenario(&scn, None, |_| {})
                .unwrap_or_else(|e| panic!("preset {} does not start: {e}", p.id));
            let tree = lab.tree();
            assert!(tree.len() >= 3, "{}: {tree:?}", p.id);
            assert!(
                tree.iter().all(|n| n.status == NodeStatus::Running),
                "{}: {tree:?}",
                p.id
            );
            assert!(tree[0].meter.is_some());
        }
        let app = crate::scenario::parse(&presets::preset("application").unwrap().text()).unwrap();
        let lab = Lab::from_scenario(&app, None, |_| {}).unwrap();
        let paths: Vec<String> = lab.tree().into_iter().map(|n| n.path).collect();
        assert!(paths.contains(&"app/jobs/mailer".to_string()), "{paths:?}");
    }

    #[test]
    fn supervisor_calls_answer_as_otp_does() {
        let mut lab = Lab::demo(1);
        let demo = Target::Name("demo".into());
        let wc = lab
            .exec(&Command::WhichChildren { sup: demo.clone() })
            .unwrap();
        let text = wc.to_text();
        // OTP lists static children last-started first
        assert!(text.starts_with("[{printer,<0."), "{text}");
        assert!(text.contains("worker,[counter]"), "{text}");
        let cc = lab
            .exec(&Command::CountChildren { sup: demo.clone() })
            .unwrap();
        assert_eq!(
            cc.to_text(),
            "[{specs,3},{active,3},{supervisors,0},{workers,3}]"
        );
        let r = lab
            .exec(&Command::TerminateChild {
                sup: demo.clone(),
                child: ChildSel::Id(Term::atom("printer")),
            })
            .unwrap();
        assert_eq!(r.to_text(), "ok");
        let r = lab
            .exec(&Command::RestartChild {
                sup: demo.clone(),
                id: Term::atom("nope"),
            })
            .unwrap();
        assert_eq!(r.to_text(), "{error,not_found}");
        assert!(lab
            .exec(&Command::WhichChildren {
                sup: Target::Path("demo/counter_1".into())
            })
            .unwrap_err()
            .contains("not a supervisor"));
        let v = lab
            .exec(&Command::Call {
                target: Target::Path("demo/counter_1".into()),
                msg: Term::atom("get_value"),
            })
            .unwrap();
        assert_eq!(v.to_text(), "0");
    }

    #[test]
    fn the_inspector_sees_links_state_and_mailbox() {
        let mut lab = Lab::demo(1);
        let info = lab.inspect("demo/counter_1").unwrap();
        assert_eq!(info.path.as_deref(), Some("demo/counter_1"));
        assert!(info.is_worker && !info.is_supervisor);
        assert_eq!(info.links.len(), 1, "linked to its supervisor");
        assert!(info.links[0].ends_with(" demo"), "{:?}", info.links);
        assert_eq!(info.state, "0");
        let sup = lab.inspect("demo").unwrap();
        assert!(sup.is_supervisor && sup.trap_exit);
        assert!(sup.state.contains("one_for_one"));
        lab.exec(&Command::Cast {
            target: Target::Path("demo/counter_1".into()),
            msg: Term::atom("increment"),
        })
        .unwrap();
        lab.advance(1000);
        assert_eq!(lab.inspect("demo/counter_1").unwrap().state, "1");
        assert!(lab.inspect("demo/nobody").is_none());
    }

    #[test]
    fn faults_in_the_preset_fire_in_virtual_time() {
        let scn =
            crate::scenario::parse(&presets::preset("restart_storm").unwrap().text()).unwrap();
        let mut lab = Lab::from_scenario(&scn, None, |_| {}).unwrap();
        lab.advance(3_000_000);
        let lines = lab.log_lines(0, lab.log_len());
        assert!(lines.iter().any(|l| l.kind == "fault"), "faults fired");
        assert!(
            lines.iter().any(|l| l.kind == "restart"),
            "restarts followed"
        );
    }
}
