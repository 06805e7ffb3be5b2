//! The supervision tree as the learner sees it: one [`TreeNode`] per child spec, walked
//! depth-first in start order from the root, with each supervisor's intensity [`Meter`]
//! and the restarts the lab's log counted per path.

use crate::Lab;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::supervisor::children::ChildPid;
use otp_lab_sim::supervisor::spec::{id_text, ChildType, StartFn, Strategy};
use otp_lab_sim::supervisor::Supervisor;
use rustc_hash::FxHashMap as HashMap;

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
    /// Being restarted: the old process is dead and the new one is not started yet (its
    /// `init/1` takes time), or a restart failed and the supervisor will retry.
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
    pub(crate) fn of(s: &Supervisor, now_us: u64) -> Meter {
        Meter {
            used: s.restarts_in_window(now_us),
            intensity: s.intensity(),
            period: s.period(),
            paused: s.is_paused(),
        }
    }
}

impl Lab {
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
        match sup {
            Some(s) => self.walk(s, &self.root_path, 1, &restarts, &mut out),
            None if !alive => self.last_tree(&restarts, &mut out),
            None => {}
        }
        out
    }

    /// The tree a dead root leaves: every path that ever ran under it, in start order,
    /// each dead (greyed out, with its last exit a click away in the inspector), so a
    /// learner sees what fell rather than an empty panel.
    fn last_tree(&self, restarts: &HashMap<String, u64>, out: &mut Vec<TreeNode>) {
        let log = self.log.borrow();
        let prefix = format!("{}/", self.root_path);
        // each path once, with its first pid (start order)
        let mut first: HashMap<&str, Pid> = HashMap::default();
        for (pid, path) in &log.paths {
            if path.starts_with(&prefix) {
                let e = first.entry(path).or_insert(*pid);
                if *pid < *e {
                    *e = *pid;
                }
            }
        }
        let mut paths: Vec<(&str, Pid)> = first.into_iter().collect();
        paths.sort_by_key(|(_, pid)| *pid);
        // depth first, children in start order under their parent
        fn visit(
            parent: &str,
            depth: usize,
            paths: &[(&str, Pid)],
            restarts: &HashMap<String, u64>,
            out: &mut Vec<TreeNode>,
        ) {
            for (path, _) in paths {
                let Some(id) = path
                    .strip_prefix(parent)
                    .and_then(|r| r.strip_prefix('/'))
                    .filter(|id| !id.contains('/'))
                else {
                    continue;
                };
                let under = format!("{path}/");
                let is_sup = paths.iter().any(|(p, _)| p.starts_with(&under));
                out.push(TreeNode {
                    path: path.to_string(),
                    id: id.to_string(),
                    pid: None,
                    kind: if is_sup {
                        NodeKind::Supervisor
                    } else {
                        NodeKind::Worker
                    },
                    status: NodeStatus::Dead,
                    depth,
                    restarts: restarts.get(*path).copied().unwrap_or(0),
                    strategy: None,
                    meter: None,
                });
                if is_sup {
                    visit(path, depth + 1, paths, restarts, out);
                }
            }
        }
        visit(&self.root_path, 1, &paths, restarts, out);
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
                    // dead, and its supervisor has not started the next one yet (it is
                    // still in the new one's init/1, or has the 'EXIT' still to take)
                    ChildPid::Running(p) if !self.world.is_alive(p) => NodeStatus::Restarting,
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
        if sup.strategy() == Strategy::SimpleOneForOne {
            let kind = match sup.children().first().map(|c| c.spec.child_type) {
                Some(ChildType::Supervisor) => NodeKind::Supervisor,
                _ => NodeKind::Worker,
            };
            for (k, args) in sup.dynamic_children() {
                let id = id_text(args);
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
