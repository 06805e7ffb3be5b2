//! The system graph: every live process as a node — the tree's processes, the console's
//! shell, processes nobody supervises — with its links (undirected), monitors (watcher →
//! watched) and parent → child edges, as of the lab's instant.
//!
//! The layout stays put between frames: it follows the supervision tree's child specs
//! (a restarted child takes its old place; a child that is not running keeps its slot as a
//! ghost), then the other processes under the process that spawned them, oldest first.
//! A parent's childless children sit in a grid under it ([`GRID_COLS`] to a row), so a
//! supervisor with 200 workers is a block, not a line 20,000 px long. Drawn by [`svg`].

pub mod svg;

use crate::tree::{NodeKind, NodeStatus};
use crate::Lab;
use otp_lab_sim::pid::Pid;
use rustc_hash::FxHashMap as HashMap;

/// A node's size and the gaps between nodes (px).
pub const NODE_W: f32 = 128.0;
pub const NODE_H: f32 = 34.0;
const GAP_X: f32 = 14.0;
const GAP_Y: f32 = 46.0;
const GRID_GAP_Y: f32 = 12.0;
const MARGIN: f32 = 20.0;
/// Childless siblings per row of their grid.
pub const GRID_COLS: usize = 6;
/// Nodes drawn at most (the rest are counted).
pub const MAX_NODES: usize = 800;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Supervisor,
    Worker,
    /// The console's shell.
    Shell,
    /// A live process outside the supervision tree.
    Other,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Supervisor => "supervisor",
            Role::Worker => "worker",
            Role::Shell => "shell",
            Role::Other => "process",
        }
    }
}

/// One process (or, for a tree child that is not running, its slot).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The live process (None: a child spec's slot with nothing running).
    pub pid: Option<Pid>,
    /// What selects it: its tree path, else its pid as `<0.N.0>`.
    pub key: String,
    /// Its tree path's last part, registered name, or pid.
    pub label: String,
    pub role: Role,
    /// The tree's status for tree nodes; `Running` for the others.
    pub status: NodeStatus,
    pub trap_exit: bool,
    pub queue: usize,
    /// Top-left corner (px).
    pub x: f32,
    pub y: f32,
}

impl Node {
    /// The centre (px).
    pub fn centre(&self) -> (f32, f32) {
        (self.x + NODE_W / 2.0, self.y + NODE_H / 2.0)
    }
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// A link (undirected: `from` is the older process).
    Link,
    /// A monitor: `from` watches `to`.
    Monitor,
    /// `from` spawned (or, for the tree, supervises) `to`.
    Child,
}

impl EdgeKind {
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Link => "link",
            EdgeKind::Monitor => "monitor",
            EdgeKind::Child => "child",
        }
    }
}

/// An edge between two drawn nodes (indices into [`Graph::nodes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    pub from: usize,
    pub to: usize,
}

/// The graph as drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub width: f32,
    pub height: f32,
    /// Live processes beyond [`MAX_NODES`], not drawn.
    pub omitted: usize,
}

impl Graph {
    /// The node a key (tree path or pid text) selects.
    pub fn find(&self, key: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key == key)
    }
}

impl Lab {
    /// The system graph at the lab's instant.
    pub fn graph(&self) -> Graph {
        let world = self.world();
        let mut nodes: Vec<Node> = Vec::new();
        let mut parent: Vec<Option<usize>> = Vec::new();
        let mut index: HashMap<Pid, usize> = HashMap::default();
        // the tree, depth-first in start order; a node's parent is the last one a level up
        let mut stack: Vec<usize> = Vec::new();
        for t in self.tree() {
            if nodes.len() >= MAX_NODES {
                break;
            }
            stack.truncate(t.depth);
            // the path's newest live process (the world keeps its owner: no scan)
            let pid = (t.status == NodeStatus::Running)
                .then(|| world.whereis_path(&t.path))
                .flatten();
            let p = pid.and_then(|pid| world.process(pid));
            if let Some(pid) = pid {
                index.insert(pid, nodes.len());
            }
            parent.push(stack.last().copied());
            stack.push(nodes.len());
            nodes.push(Node {
                pid,
                label: t.id.clone(),
                key: t.path,
                role: match t.kind {
                    NodeKind::Supervisor => Role::Supervisor,
                    NodeKind::Worker => Role::Worker,
                },
                status: if p.is_some() {
                    t.status
                } else {
                    t.status.min_running()
                },
                trap_exit: p.is_some_and(|p| p.trap_exit),
                queue: p.map_or(0, |p| p.message_queue_len()),
                x: 0.0,
                y: 0.0,
            });
        }
        // every other live process, oldest first, under the process that spawned it
        let mut others: Vec<&otp_lab_sim::process::Process> = world
            .processes()
            .filter(|p| !index.contains_key(&p.pid))
            .collect();
        otp_lab_sim::sort::sort_by(&mut others, |a, b| a.pid < b.pid);
        let mut omitted = 0;
        let shell = self.shell();
        for p in others {
            if nodes.len() >= MAX_NODES {
                omitted += 1;
                continue;
            }
            index.insert(p.pid, nodes.len());
            parent.push(index.get(&p.parent).copied());
            let name = p.registered.map(|a| a.name().to_string());
            nodes.push(Node {
                pid: Some(p.pid),
                key: p.pid.to_string(),
                label: match (p.pid == shell, name, self.path_of(p.pid)) {
                    (true, _, _) => "shell".into(),
                    (_, Some(n), _) => n,
                    (_, _, Some(path)) => path,
                    _ => p.behaviour.name().name().to_string(),
                },
                role: if p.pid == shell {
                    Role::Shell
                } else {
                    Role::Other
                },
                status: NodeStatus::Running,
                trap_exit: p.trap_exit,
                queue: p.message_queue_len(),
                x: 0.0,
                y: 0.0,
            });
        }
        let edges = edges(self, &nodes, &index, &parent);
        let (width, height) = layout(&mut nodes, &parent);
        Graph {
            nodes,
            edges,
            width,
            height,
            omitted,
        }
    }
}

impl NodeStatus {
    /// A slot whose process is gone while the tree still says running (between the exit
    /// and the supervisor's reaction) reads as restarting.
    fn min_running(self) -> NodeStatus {
        match self {
            NodeStatus::Running => NodeStatus::Restarting,
            s => s,
        }
    }
}

/// The links, monitors and parent → child edges between drawn nodes.
fn edges(
    lab: &Lab,
    nodes: &[Node],
    index: &HashMap<Pid, usize>,
    parent: &[Option<usize>],
) -> Vec<Edge> {
    let world = lab.world();
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if let (Some(par), Some(_)) = (parent[i], n.pid) {
            if nodes[par].pid.is_some() {
                out.push(Edge {
                    kind: EdgeKind::Child,
                    from: par,
                    to: i,
                });
            }
        }
        let Some(p) = n.pid.and_then(|pid| world.process(pid)) else {
            continue;
        };
        // each link once, from its older end
        out.extend(
            p.links
                .iter()
                .filter(|q| *q > p.pid)
                .filter_map(|q| index.get(&q).copied())
                .map(|to| Edge {
                    kind: EdgeKind::Link,
                    from: i,
                    to,
                }),
        );
        for m in p.monitors.iter().filter(|m| m.watching) {
            if let Some(&to) = index.get(&m.other) {
                out.push(Edge {
                    kind: EdgeKind::Monitor,
                    from: i,
                    to,
                });
            }
        }
    }
    out
}

/// Places every node (a forest: each root's subtree side by side, in node order); returns
/// the drawing's size.
fn layout(nodes: &mut [Node], parent: &[Option<usize>]) -> (f32, f32) {
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => kids[*p].push(i),
            None => roots.push(i),
        }
    }
    let mut size = vec![(0.0f32, 0.0f32); nodes.len()];
    // children come after their parent: measure from the last node back
    for i in (0..nodes.len()).rev() {
        size[i] = measure(&kids[i], &kids, &size);
    }
    let (mut x, mut h) = (MARGIN, 0.0f32);
    for r in roots {
        place(r, x, MARGIN, nodes, &kids, &size);
        x += size[r].0 + GAP_X * 2.0;
        h = h.max(size[r].1);
    }
    (x - GAP_X * 2.0 + MARGIN, h + MARGIN * 2.0)
}

/// The children of one node in blocks, left to right: runs of childless siblings as grids,
/// each other child as its subtree. Each block: (its nodes, its width, its height).
fn blocks<'a>(
    children: &'a [usize],
    kids: &[Vec<usize>],
    size: &[(f32, f32)],
) -> Vec<(&'a [usize], f32, f32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < children.len() {
        let c = children[i];
        if kids[c].is_empty() {
            let mut j = i;
            while j < children.len() && kids[children[j]].is_empty() {
                j += 1;
            }
            let n = j - i;
            let cols = n.min(GRID_COLS);
            let rows = n.div_ceil(GRID_COLS);
            out.push((
                &children[i..j],
                cols as f32 * (NODE_W + GAP_X) - GAP_X,
                rows as f32 * (NODE_H + GRID_GAP_Y) - GRID_GAP_Y,
            ));
            i = j;
        } else {
            out.push((&children[i..i + 1], size[c].0, size[c].1));
            i += 1;
        }
    }
    out
}

fn measure(children: &[usize], kids: &[Vec<usize>], size: &[(f32, f32)]) -> (f32, f32) {
    if children.is_empty() {
        return (NODE_W, NODE_H);
    }
    let bs = blocks(children, kids, size);
    let w: f32 = bs.iter().map(|b| b.1).sum::<f32>() + GAP_X * (bs.len() - 1) as f32;
    let h = bs.iter().map(|b| b.2).fold(0.0, f32::max);
    (w.max(NODE_W), NODE_H + GAP_Y + h)
}

fn place(i: usize, x0: f32, y0: f32, nodes: &mut [Node], kids: &[Vec<usize>], size: &[(f32, f32)]) {
    let w = size[i].0;
    nodes[i].x = x0 + (w - NODE_W) / 2.0;
    nodes[i].y = y0;
    let bs = blocks(&kids[i], kids, size);
    let total: f32 =
        bs.iter().map(|b| b.1).sum::<f32>() + GAP_X * bs.len().saturating_sub(1) as f32;
    let mut x = x0 + (w - total) / 2.0;
    let y = y0 + NODE_H + GAP_Y;
    for (members, bw, _) in bs {
        if members.len() == 1 && !kids[members[0]].is_empty() {
            place(members[0], x, y, nodes, kids, size);
        } else {
            for (k, &c) in members.iter().enumerate() {
                nodes[c].x = x + (k % GRID_COLS) as f32 * (NODE_W + GAP_X);
                nodes[c].y = y + (k / GRID_COLS) as f32 * (NODE_H + GRID_GAP_Y);
            }
        }
        x += bw + GAP_X;
    }
}
