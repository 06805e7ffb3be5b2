//! The supervision tree as the UI draws it: a tidy left-to-right layout (depth across,
//! leaves down, each parent centred on its children), collapsed subtrees, the rows a
//! viewport shows, and keyboard moves between visible nodes.

use std::collections::BTreeSet;

use otp_lab_lab::{NodeKind, NodeStatus, TreeNode};

/// Horizontal distance between depths (px).
pub const COL_W: f64 = 200.0;
/// Vertical distance between leaves (px).
pub const ROW_H: f64 = 60.0;
/// Size of a node's box (px).
pub const NODE_W: f64 = 172.0;
pub const NODE_H: f64 = 46.0;
/// Margin around the drawing (px).
pub const PAD: f64 = 12.0;
/// How many rows below its first child a parent may sit (a wide subtree's parent stays
/// near its top instead of half a page down).
const MAX_DROP: f64 = 1.5;

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    /// Stable address (`data-path`), used for commands.
    pub path: String,
    pub parent: Option<String>,
    pub id: String,
    /// `<0.42.0>`, or an em dash when the child has no process.
    pub pid: String,
    pub is_supervisor: bool,
    /// Text label of the status (`running`, `restarting`, `stopped`, `dead`).
    pub status: &'static str,
    /// A glyph whose shape differs per status, so status never relies on colour alone.
    pub glyph: &'static str,
    /// ARIA level: 1 for the root.
    pub level: usize,
    pub restarts: u64,
    pub strategy: Option<String>,
    /// Restarts used in the current period, the intensity, the period (supervisors).
    pub meter: Option<(u64, u32, u32)>,
    pub paused: bool,
    /// Children (shown or not).
    pub children: usize,
    /// Whether its subtree is folded away.
    pub collapsed: bool,
    /// Nodes hidden under it while collapsed.
    pub hidden: usize,
    /// Position of the box's top-left corner.
    pub x: f64,
    pub y: f64,
    /// The parent's box position, for the edge.
    pub parent_xy: Option<(f64, f64)>,
    /// Position among the visible nodes, and the size of its sibling set (ARIA).
    pub pos_in_set: usize,
    pub set_size: usize,
}

impl TreeRow {
    /// The accessible name, read by screen readers.
    pub fn aria_label(&self) -> String {
        let kind = match &self.strategy {
            Some(s) if self.is_supervisor => format!("supervisor, {s}"),
            _ if self.is_supervisor => "supervisor".to_string(),
            _ => "worker".to_string(),
        };
        let restarts = match self.restarts {
            1 => "1 restart".to_string(),
            n => format!("{n} restarts"),
        };
        let meter = match self.meter {
            Some((used, max, period)) => {
                format!(", {used} of {max} restarts used in {period} s")
            }
            None => String::new(),
        };
        format!(
            "{}, {kind}, {}, pid {}, {restarts}{meter}",
            self.id, self.status, self.pid
        )
    }

    /// Share of the restart budget used, 0–1 (for the meter's width).
    pub fn meter_fill(&self) -> f64 {
        match self.meter {
            Some((used, max, _)) if max > 0 => (used as f64 / max as f64).min(1.0),
            Some((used, _, _)) => f64::from(u8::from(used > 0)),
            None => 0.0,
        }
    }

    /// The edge from the parent's right side to this box's left side (SVG path data).
    pub fn edge(&self) -> Option<String> {
        let (px, py) = self.parent_xy?;
        let (x1, y1) = (px + NODE_W, py + NODE_H / 2.0);
        let (x2, y2) = (self.x, self.y + NODE_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        Some(format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"))
    }
}

/// A glyph per status (shape, not only colour, tells them apart).
pub fn status_glyph(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Running => "●",
        NodeStatus::Restarting => "◐",
        NodeStatus::Stopped => "■",
        NodeStatus::Dead => "✕",
    }
}

/// Lays out the depth-first `nodes`, folding the subtrees of `collapsed` paths.
pub fn layout(nodes: &[TreeNode], collapsed: &BTreeSet<String>) -> Vec<TreeRow> {
    // children lists by index (nodes are depth-first: a node's parent is the nearest
    // earlier node one level up)
    let n = nodes.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut index_in_parent = vec![0usize; n];
    let mut roots = 0usize;
    let mut stack: Vec<usize> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        while let Some(&top) = stack.last() {
            if nodes[top].depth < node.depth {
                break;
            }
            stack.pop();
        }
        if let Some(&p) = stack.last() {
            parent[i] = Some(p);
            index_in_parent[i] = children[p].len();
            children[p].push(i);
        } else {
            index_in_parent[i] = roots;
            roots += 1;
        }
        stack.push(i);
    }
    // visibility: hidden when an ancestor is collapsed
    let mut visible = vec![true; n];
    let mut hidden_under = vec![0usize; n];
    for i in 0..n {
        if let Some(p) = parent[i] {
            if !visible[p] || collapsed.contains(&nodes[p].path) {
                visible[i] = false;
                let mut a = p;
                // count it under the nearest visible collapsed ancestor
                while !visible[a] {
                    match parent[a] {
                        Some(q) => a = q,
                        None => break,
                    }
                }
                hidden_under[a] += 1;
            }
        }
    }
    // y: leaves of the visible forest in order; parents centred on their children
    let mut y = vec![0.0f64; n];
    let mut next_leaf = 0.0f64;
    fn place(
        i: usize,
        children: &[Vec<usize>],
        visible: &[bool],
        y: &mut [f64],
        next_leaf: &mut f64,
    ) {
        let kids: Vec<usize> = children[i]
            .iter()
            .copied()
            .filter(|c| visible[*c])
            .collect();
        if kids.is_empty() {
            y[i] = *next_leaf;
            *next_leaf += 1.0;
            return;
        }
        for &c in &kids {
            place(c, children, visible, y, next_leaf);
        }
        // centred on its children, but never more than a few rows below the first, so
        // the root of a wide tree is in the first view
        let (first, last) = (y[kids[0]], y[kids[kids.len() - 1]]);
        y[i] = ((first + last) / 2.0).min(first + MAX_DROP);
    }
    // recursion depth is the tree's depth, which the scenario format bounds (64)
    for (i, p) in parent.iter().enumerate() {
        if p.is_none() {
            place(i, &children, &visible, &mut y, &mut next_leaf);
        }
    }
    let pos =
        |i: usize| -> (f64, f64) { (PAD + nodes[i].depth as f64 * COL_W, PAD + y[i] * ROW_H) };
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        if !visible[i] {
            continue;
        }
        let node = &nodes[i];
        let (x, yy) = pos(i);
        let set_size = parent[i].map_or(roots, |p| children[p].len());
        let is_supervisor = node.kind == NodeKind::Supervisor;
        rows.push(TreeRow {
            path: node.path.clone(),
            parent: parent[i].map(|p| nodes[p].path.clone()),
            id: node.id.clone(),
            pid: node.pid.clone().unwrap_or_else(|| "—".to_string()),
            is_supervisor,
            status: node.status.label(),
            glyph: status_glyph(node.status),
            level: node.depth + 1,
            restarts: node.restarts,
            strategy: node.strategy.clone(),
            meter: node.meter.map(|m| (m.used, m.intensity, m.period)),
            paused: node.meter.is_some_and(|m| m.paused),
            children: children[i].len(),
            collapsed: collapsed.contains(&node.path) && !children[i].is_empty(),
            hidden: hidden_under[i],
            x,
            y: yy,
            parent_xy: parent[i].map(pos),
            pos_in_set: index_in_parent[i] + 1,
            set_size,
        });
    }
    rows
}

/// Subtrees folded when a tree is loaded: every node below the root with more than
/// `threshold` children (a 10,000-node tree opens as its first two levels).
pub fn auto_collapse(nodes: &[TreeNode], threshold: usize) -> BTreeSet<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for n in nodes {
        if let Some((parent, _)) = n.path.rsplit_once('/') {
            *counts.entry(parent).or_default() += 1;
        }
    }
    // inserted one by one: collecting into a set costs the download a sort
    let mut folded = BTreeSet::new();
    for n in nodes {
        if n.depth > 0 && counts.get(n.path.as_str()).copied().unwrap_or(0) > threshold {
            folded.insert(n.path.clone());
        }
    }
    folded
}

/// Room right of a box for its fold control (px): "+10000" fits.
const FOLD_ROOM: f64 = 48.0;

/// The drawing's size for rows at these positions (their boxes' top-left corners),
/// with room for the last column's fold controls.
pub fn extent(positions: impl IntoIterator<Item = (f64, f64)>) -> (f64, f64) {
    let (w, h) = positions
        .into_iter()
        .fold((0.0f64, 0.0f64), |(w, h), (x, y)| {
            (w.max(x + NODE_W), h.max(y + NODE_H))
        });
    (
        (w + FOLD_ROOM).max(NODE_W + 2.0 * PAD),
        (h + PAD).max(NODE_H + 2.0 * PAD),
    )
}

/// Whether a viewport from `top` to `top + height` (px) shows `row` (with a margin: nodes
/// just outside still draw the start of their edges), so a 10,000-node tree draws only
/// what is on screen.
pub fn in_window(row: &TreeRow, top: f64, height: f64) -> bool {
    let margin = 3.0 * ROW_H;
    row.y + NODE_H >= top - margin && row.y <= top + height + margin
}

/// The rows [`in_window`] keeps.
pub fn visible_window(rows: &[TreeRow], top: f64, height: f64) -> Vec<TreeRow> {
    rows.iter()
        .filter(|r| in_window(r, top, height))
        .cloned()
        .collect()
}

/// A keyboard move in the tree (WAI-ARIA tree pattern).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    /// Collapse, or go to the parent.
    Left,
    /// Expand, or go to the first child.
    Right,
    Home,
    End,
}

/// What a key does: the node to focus next, and a node to collapse or expand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyOutcome {
    pub focus: Option<String>,
    pub toggle: Option<String>,
}

/// The WAI-ARIA tree keyboard rules over the visible rows (in display order).
pub fn key_move(rows: &[TreeRow], current: &str, m: Move) -> KeyOutcome {
    let none = KeyOutcome {
        focus: None,
        toggle: None,
    };
    let Some(i) = rows.iter().position(|r| r.path == current) else {
        return KeyOutcome {
            focus: rows.first().map(|r| r.path.clone()),
            toggle: None,
        };
    };
    let r = &rows[i];
    let focus = |j: usize| KeyOutcome {
        focus: rows.get(j).map(|r| r.path.clone()),
        toggle: None,
    };
    match m {
        Move::Up if i > 0 => focus(i - 1),
        Move::Down if i + 1 < rows.len() => focus(i + 1),
        Move::Home => focus(0),
        Move::End => focus(rows.len().saturating_sub(1)),
        Move::Left if r.children > 0 && !r.collapsed => KeyOutcome {
            focus: None,
            toggle: Some(r.path.clone()),
        },
        Move::Left => KeyOutcome {
            focus: r.parent.clone(),
            toggle: None,
        },
        Move::Right if r.collapsed => KeyOutcome {
            focus: None,
            toggle: Some(r.path.clone()),
        },
        Move::Right if r.children > 0 => focus(i + 1),
        _ => none,
    }
}

/// The node a learner asked for: a path (`root/sup_42/w_7`), a pid (`<0.3.0>` or `0.3.0`)
/// or a child id that names one node (`w_7`); and the folded supervisors to open on the
/// way to it. A sentence when nothing, or more than one node, matches.
pub fn find(
    nodes: &[TreeNode],
    query: &str,
    collapsed: &BTreeSet<String>,
) -> Result<(String, Vec<String>), String> {
    let q = query.trim();
    if q.is_empty() {
        return Err("Type a path (root/sup_0/w_1), a pid (<0.3.0>) or a child id.".into());
    }
    let pid = format!("<{}>", q.trim_start_matches('<').trim_end_matches('>'));
    let hit = nodes.iter().find(|n| n.path == q).or_else(|| {
        nodes
            .iter()
            .find(|n| n.pid.as_deref() == Some(pid.as_str()))
    });
    let path = match hit {
        Some(n) => n.path.clone(),
        None => {
            let tail = format!("/{q}");
            let ids: Vec<&TreeNode> = nodes.iter().filter(|n| n.path.ends_with(&tail)).collect();
            match ids.as_slice() {
                [one] => one.path.clone(),
                [] => {
                    return Err(format!(
                        "No process in this tree has the path, pid or id \"{}\".",
                        q.chars().take(60).collect::<String>()
                    ))
                }
                many => {
                    return Err(format!(
                        "{} processes have the id \"{q}\" ({}…): type the whole path.",
                        many.len(),
                        many[0].path
                    ))
                }
            }
        }
    };
    // every folded ancestor, outermost first
    let mut open = Vec::new();
    let mut at = path.as_str();
    while let Some((parent, _)) = at.rsplit_once('/') {
        if collapsed.contains(parent) {
            open.push(parent.to_string());
        }
        at = parent;
    }
    open.reverse();
    Ok((path, open))
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_lab::Meter;

    fn node(path: &str, kind: NodeKind) -> TreeNode {
        TreeNode {
            path: path.to_string(),
            id: path.rsplit('/').next().unwrap_or(path).to_string(),
            pid: Some("<0.1.0>".into()),
            kind,
            status: NodeStatus::Running,
            depth: path.matches('/').count(),
            restarts: 0,
            strategy: (kind == NodeKind::Supervisor).then(|| "one_for_one".to_string()),
            meter: (kind == NodeKind::Supervisor).then_some(Meter {
                used: 1,
                intensity: 3,
                period: 5,
                paused: false,
            }),
        }
    }

    fn sample() -> Vec<TreeNode> {
        let s = |p: &str| node(p, NodeKind::Supervisor);
        let w = |p: &str| node(p, NodeKind::Worker);
        vec![
            s("root"),
            s("root/a"),
            w("root/a/x"),
            w("root/a/y"),
            w("root/b"),
        ]
    }

    #[test]
    fn parents_are_centred_on_their_children() {
        let rows = layout(&sample(), &BTreeSet::new());
        let y = |p: &str| rows.iter().find(|r| r.path == p).unwrap().y;
        assert_eq!(y("root/a/x"), PAD);
        assert_eq!(y("root/a/y"), PAD + ROW_H);
        assert_eq!(y("root/b"), PAD + 2.0 * ROW_H);
        assert_eq!(y("root/a"), PAD + 0.5 * ROW_H);
        assert_eq!(y("root"), (y("root/a") + y("root/b")) / 2.0);
        let x = |p: &str| rows.iter().find(|r| r.path == p).unwrap().x;
        assert!(x("root") < x("root/a") && x("root/a") < x("root/a/x"));
        let b = rows.iter().find(|r| r.path == "root/b").unwrap();
        assert_eq!((b.pos_in_set, b.set_size), (2, 2));
        assert!(b.edge().unwrap().starts_with('M'));
    }

    #[test]
    fn a_wide_parent_stays_near_its_first_children() {
        // 100 folded supervisors under the root, as in the 10,000-worker preset
        let mut nodes = vec![node("root", NodeKind::Supervisor)];
        for i in 0..100 {
            nodes.push(node(&format!("root/sup_{i}"), NodeKind::Supervisor));
            nodes.push(node(&format!("root/sup_{i}/w0"), NodeKind::Worker));
        }
        let folded = auto_collapse(&nodes, 0);
        let rows = layout(&nodes, &folded);
        let y = |p: &str| rows.iter().find(|r| r.path == p).unwrap().y;
        // not centred 50 rows down: within the first view
        assert_eq!(y("root"), PAD + MAX_DROP * ROW_H);
        assert!(y("root") + NODE_H < 400.0);
        assert_eq!(y("root/sup_99"), PAD + 99.0 * ROW_H);
    }

    #[test]
    fn collapsing_hides_the_subtree_and_counts_it() {
        let collapsed: BTreeSet<String> = ["root/a".to_string()].into();
        let rows = layout(&sample(), &collapsed);
        let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["root", "root/a", "root/b"]);
        let a = &rows[1];
        assert!(a.collapsed);
        assert_eq!(a.hidden, 2);
        // a collapsed node takes one leaf slot
        assert_eq!(rows[2].y, PAD + ROW_H);
    }

    #[test]
    fn arrow_keys_follow_the_aria_tree_pattern() {
        let rows = layout(&sample(), &BTreeSet::new());
        let go = |from: &str, m| key_move(&rows, from, m);
        assert_eq!(go("root", Move::Down).focus.as_deref(), Some("root/a"));
        assert_eq!(go("root/a", Move::Up).focus.as_deref(), Some("root"));
        assert_eq!(go("root/a/x", Move::Left).focus.as_deref(), Some("root/a"));
        assert_eq!(go("root/a", Move::Left).toggle.as_deref(), Some("root/a"));
        assert_eq!(go("root/a", Move::Right).focus.as_deref(), Some("root/a/x"));
        assert_eq!(go("root/b", Move::Home).focus.as_deref(), Some("root"));
        assert_eq!(go("root", Move::End).focus.as_deref(), Some("root/b"));
        assert_eq!(go("root/b", Move::Down).focus, None);
        let collapsed: BTreeSet<String> = ["root/a".to_string()].into();
        let rows = layout(&sample(), &collapsed);
        assert_eq!(
            key_move(&rows, "root/a", Move::Right).toggle.as_deref(),
            Some("root/a")
        );
    }

    #[test]
    fn a_big_tree_draws_only_the_window() {
        let mut nodes = vec![node("root", NodeKind::Supervisor)];
        for i in 0..10_000 {
            nodes.push(node(&format!("root/w{i}"), NodeKind::Worker));
        }
        let rows = layout(&nodes, &BTreeSet::new());
        assert_eq!(rows.len(), 10_001);
        let shown = visible_window(&rows, 30_000.0, 600.0);
        assert!(shown.len() < 30, "{}", shown.len());
        assert!(shown.iter().all(|r| r.path != "root" || r.y > 29_000.0));
    }

    #[test]
    fn big_subtrees_start_folded() {
        let mut nodes = vec![
            node("root", NodeKind::Supervisor),
            node("root/s", NodeKind::Supervisor),
        ];
        for i in 0..60 {
            nodes.push(node(&format!("root/s/w{i}"), NodeKind::Worker));
        }
        nodes.push(node("root/t", NodeKind::Supervisor));
        nodes.push(node("root/t/x", NodeKind::Worker));
        let folded = auto_collapse(&nodes, 50);
        assert_eq!(folded, ["root/s".to_string()].into());
        assert_eq!(layout(&nodes, &folded).len(), 4, "root, s (folded), t, t/x");
    }

    #[test]
    fn labels_and_meters() {
        let rows = layout(&sample(), &BTreeSet::new());
        assert_eq!(
            rows[0].aria_label(),
            "root, supervisor, one_for_one, running, pid <0.1.0>, 0 restarts, 1 of 3 restarts used in 5 s"
        );
        assert!((rows[0].meter_fill() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(rows[2].meter_fill(), 0.0);
    }

    /// Find in a big tree: a path deep in a folded subtree, a pid, an id; the folds to
    /// open on the way; mistakes in sentences.
    #[test]
    fn find_opens_the_way_to_a_path_a_pid_or_an_id() {
        let mut nodes = sample();
        for (i, n) in nodes.iter_mut().enumerate() {
            n.pid = Some(format!("<0.{}.0>", i + 2));
        }
        let folded: BTreeSet<String> = ["root".to_string(), "root/a".to_string()].into();
        let want = (
            "root/a/y".to_string(),
            vec!["root".to_string(), "root/a".to_string()],
        );
        assert_eq!(find(&nodes, " root/a/y ", &folded).unwrap(), want);
        assert_eq!(find(&nodes, "y", &folded).unwrap(), want);
        let pid = nodes[3].pid.clone().expect("a pid");
        assert_eq!(find(&nodes, &pid, &folded).unwrap(), want);
        let bare = pid.trim_matches(|c| c == '<' || c == '>');
        assert_eq!(find(&nodes, bare, &folded).unwrap(), want);
        // nothing folded: nothing to open
        assert!(find(&nodes, "root/a/y", &BTreeSet::new())
            .unwrap()
            .1
            .is_empty());
        assert!(find(&nodes, "nope/zz", &folded)
            .unwrap_err()
            .contains("No process"));
        assert!(find(&nodes, "  ", &folded)
            .unwrap_err()
            .contains("Type a path"));
    }
}
