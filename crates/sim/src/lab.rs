//! The lab: a running supervision tree plus the view model the web app renders.
//!
//! [`Lab`] owns a [`World`], starts a tree under a "shell" process (the way an IEx
//! session starts an application), keeps a bounded, OTP-styled event log fed by the
//! telemetry bus, counts restarts per path, and projects the live tree into plain
//! [`TreeNode`]s. The UI reads these and sends commands (`kill`); it never reaches into
//! the simulator.

use crate::behaviour::gen_server::{WorkerKind, WorkerSpec};
use crate::behaviour::Behaviour;
use crate::event::{Event, EventKind, MsgCode, StartCause};
use crate::pid::Pid;
use crate::supervisor::children::ChildPid;
use crate::supervisor::spec::{ChildSpec, ChildType, StartFn, SupFlags, SupSpec};
use crate::supervisor::Supervisor;
use crate::term::{DefaultNamer, Term};
use crate::world::{Config, SpawnOpts, World};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// Log lines kept by the lab (older ones are dropped).
pub const LOG_LINES_KEPT: usize = 10_000;

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
}

/// One line of the lab's event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub index: usize,
    pub t_us: u64,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Default)]
struct LabLog {
    lines: VecDeque<LogLine>,
    total: usize,
    restarts: HashMap<String, u64>,
    paths: HashMap<Pid, String>,
}

impl LabLog {
    fn push(&mut self, t_us: u64, kind: &'static str, text: String) {
        self.lines.push_back(LogLine {
            index: self.total,
            t_us,
            kind,
            text,
        });
        self.total += 1;
        if self.lines.len() > LOG_LINES_KEPT {
            self.lines.pop_front();
        }
    }

    fn who(&self, pid: Pid) -> String {
        match self.paths.get(&pid) {
            Some(p) => format!("{pid} {p}"),
            None => pid.to_string(),
        }
    }

    fn on_event(&mut self, e: &Event<'_>) {
        let t = e.term.display(&DefaultNamer).to_string();
        match e.kind {
            EventKind::InitStart => {
                if let Some([_, Term::Binary(b), ..]) = e.term.as_tuple() {
                    self.paths
                        .insert(e.pid, String::from_utf8_lossy(b).into_owned());
                }
            }
            EventKind::InitResult => {
                let what = match e.info {
                    0 => "init ok".to_string(),
                    1 => "init ignore".to_string(),
                    _ => format!("init {{stop,{t}}}"),
                };
                let l = format!("{} {what}", self.who(e.pid));
                self.push(e.time, "init", l);
            }
            EventKind::Exit => {
                let l = format!("{} exited: {t}", self.who(e.pid));
                self.push(e.time, "exit", l);
            }
            EventKind::ExitSignal => {
                let l = format!("exit({}, {t}) from {}", e.other, e.pid);
                if e.info == 0 {
                    self.push(e.time, "signal", l);
                }
            }
            EventKind::Receive if e.info == MsgCode::Exit as u32 => {
                let l = format!("{} got {{'EXIT',{},{t}}}", self.who(e.pid), e.other);
                self.push(e.time, "signal", l);
            }
            EventKind::Terminate => {
                let l = format!("{} terminate({t})", self.who(e.pid));
                self.push(e.time, "terminate", l);
            }
            EventKind::Report => {
                let (ctx, label, reason) = e.report_parts();
                let l = format!(
                    "SUPERVISOR REPORT {ctx} {label} reason={}",
                    reason.to_text()
                );
                self.push(e.time, "report", l);
            }
            EventKind::ChildStarted => {
                let cause = StartCause::from_code(e.info);
                let sup = self.paths.get(&e.pid).cloned().unwrap_or_default();
                let path = match e.term.as_tuple() {
                    Some([_, Term::Binary(b)]) => String::from_utf8_lossy(b).into_owned(),
                    _ => format!("{sup}/{}", crate::supervisor::spec::id_text(e.term)),
                };
                if cause == Some(StartCause::Restart) {
                    *self.restarts.entry(path.clone()).or_insert(0) += 1;
                    let l = format!("{sup} restarted {path} as {}", e.other);
                    self.push(e.time, "restart", l);
                } else {
                    let l = format!("{sup} started {path} as {}", e.other);
                    self.push(e.time, "start", l);
                }
            }
            EventKind::Fault => {
                let l = format!("fault injected on {}: {t}", self.who(e.pid));
                self.push(e.time, "fault", l);
            }
            _ => {}
        }
    }
}

/// A running tree and its view model.
pub struct Lab {
    world: World,
    shell: Pid,
    root: Pid,
    root_path: String,
    log: Rc<RefCell<LabLog>>,
}

impl Lab {
    /// The seeds' demo: supervisor `demo` (one_for_one) with `counter_1`, `counter_2`
    /// (Counter workers) and `printer` (Printer).
    pub fn demo(seed: u64) -> Lab {
        let worker =
            |id: &str, kind: WorkerKind| Rc::new(ChildSpec::worker(id, WorkerSpec::new(kind)));
        let spec = SupSpec {
            flags: SupFlags {
                intensity: 3,
                period: 5,
                ..SupFlags::default()
            },
            children: vec![
                worker("counter_1", WorkerKind::Counter),
                worker("counter_2", WorkerKind::Counter),
                worker("printer", WorkerKind::Printer),
            ],
            register: None,
        };
        Lab::start("demo", Rc::new(spec), seed)
    }

    /// Starts the tree `spec` with root id `root_id`.
    pub fn start(root_id: &str, spec: Rc<SupSpec>, seed: u64) -> Lab {
        let mut world = World::new(Config {
            seed,
            log_capacity: 1 << 16,
            ..Config::default()
        });
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
        world.run_until_idle(1_000_000);
        Lab {
            world,
            shell,
            root,
            root_path: root_id.to_string(),
            log,
        }
    }

    /// The simulated world (read-only).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Virtual time in microseconds.
    pub fn now_us(&self) -> u64 {
        self.world.now()
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

    /// Advances virtual time by `dt_us`, running all work and timers due.
    pub fn advance(&mut self, dt_us: u64) {
        let t = self.world.now().saturating_add(dt_us);
        self.world.run_until(t);
    }

    /// `exit(Pid, kill)` on the process at `path`.
    pub fn kill(&mut self, path: &str) -> Result<(), String> {
        let pid = self
            .world
            .whereis_path(path)
            .ok_or_else(|| format!("no live process at {path}"))?;
        self.world
            .emit(EventKind::Fault, pid, self.shell, 0, &Term::KILL);
        self.world.send_exit(self.shell, pid, Term::KILL);
        Ok(())
    }

    /// Number of log lines so far (including dropped ones).
    pub fn log_len(&self) -> usize {
        self.log.borrow().total
    }

    /// Log lines with `from <= index < to` that are still kept.
    pub fn log_lines(&self, from: usize, to: usize) -> Vec<LogLine> {
        self.log
            .borrow()
            .lines
            .iter()
            .filter(|l| l.index >= from && l.index < to)
            .cloned()
            .collect()
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
        let node =
            |p: String, id: String, pid: ChildPid, kind: NodeKind, strategy: Option<String>| {
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
                    strategy,
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
            out.push(node(
                p.clone(),
                id,
                c.pid,
                kind,
                child_sup.map(|s| s.strategy().name().to_string()),
            ));
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
    }
}
