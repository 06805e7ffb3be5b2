//! The view model: plain Rust projections of the simulator's state that the components render.
//!
//! Nothing here touches the DOM, so every rule about what the UI shows (labels, glyphs, CSS
//! classes, time formatting, which rows offer a Kill button, the bounded window of log lines)
//! is checked by native unit tests.

use std::collections::VecDeque;

use otp_lab_sim::lab::{LogLine, NodeKind, NodeStatus, TreeNode};

/// One row of the supervision tree as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TreeRow {
    /// Stable address of the node in the tree (`data-path`), used for commands.
    pub path: String,
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
    /// `one_for_one`, … for supervisors.
    pub strategy: Option<String>,
    /// A Kill button is offered for workers that have a live process.
    pub can_kill: bool,
    /// Another child of the same parent follows this row (the guide line continues).
    pub more_siblings: bool,
}

impl TreeRow {
    pub fn from_node(node: &TreeNode) -> TreeRow {
        let is_supervisor = node.kind == NodeKind::Supervisor;
        TreeRow {
            path: node.path.clone(),
            id: node.id.clone(),
            pid: node.pid.clone().unwrap_or_else(|| "—".to_string()),
            is_supervisor,
            status: node.status.label(),
            glyph: status_glyph(node.status),
            level: node.depth + 1,
            restarts: node.restarts,
            strategy: node.strategy.clone(),
            can_kill: !is_supervisor && node.pid.is_some(),
            more_siblings: false,
        }
    }

    /// The accessible name of the tree item, read by screen readers.
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
        format!(
            "{}, {kind}, {}, pid {}, {restarts}",
            self.id, self.status, self.pid
        )
    }

    /// CSS class carrying the status colour.
    pub fn status_class(&self) -> String {
        format!("status status-{}", self.status)
    }
}

/// Projects the simulator's depth-first tree into rows.
pub fn tree_rows(nodes: &[TreeNode]) -> Vec<TreeRow> {
    let mut rows: Vec<TreeRow> = nodes.iter().map(TreeRow::from_node).collect();
    // Walking backwards, `sibling_below[d]` says whether a row of depth `d` was seen since
    // the last row shallower than `d`, i.e. whether the current row has a later sibling.
    let mut sibling_below: Vec<bool> = Vec::new();
    for (row, node) in rows.iter_mut().zip(nodes).rev() {
        let d = node.depth;
        if sibling_below.len() <= d {
            sibling_below.resize(d + 1, false);
        }
        row.more_siblings = sibling_below[d];
        sibling_below[d] = true;
        sibling_below.truncate(d + 1);
    }
    rows
}

pub fn status_glyph(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Running => "●",
        NodeStatus::Restarting => "◐",
        NodeStatus::Stopped => "■",
        NodeStatus::Dead => "✕",
    }
}

/// Formats virtual time as seconds with millisecond precision: `12.345 s`.
pub fn format_time_us(t_us: u64) -> String {
    let ms = t_us / 1_000;
    format!("{}.{:03} s", ms / 1_000, ms % 1_000)
}

/// One line of the event log as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LogRow {
    pub index: usize,
    pub time: String,
    pub kind: &'static str,
    pub text: String,
}

impl LogRow {
    pub fn from_line(line: &LogLine) -> LogRow {
        LogRow {
            index: line.index,
            time: format_time_us(line.t_us),
            kind: line.kind,
            text: line.text.clone(),
        }
    }
}

/// The latest `capacity` lines of the event log, pulled incrementally from the simulator.
#[derive(Clone, Debug)]
pub struct LogWindow {
    capacity: usize,
    /// Index of the next log line not yet pulled.
    next: usize,
    rows: VecDeque<LogRow>,
}

impl LogWindow {
    pub fn new(capacity: usize) -> LogWindow {
        LogWindow {
            capacity: capacity.max(1),
            next: 0,
            rows: VecDeque::new(),
        }
    }

    /// The range of lines to fetch so the window is up to date with a log of `log_len` lines,
    /// or `None` when nothing is new. Lines that would be evicted at once are skipped.
    pub fn wanted(&self, log_len: usize) -> Option<(usize, usize)> {
        if log_len <= self.next {
            return None;
        }
        Some((
            self.next.max(log_len.saturating_sub(self.capacity)),
            log_len,
        ))
    }

    /// Appends fetched lines, keeping only the latest `capacity`.
    pub fn extend(&mut self, lines: &[LogLine]) {
        for line in lines {
            if line.index < self.next && !self.rows.is_empty() {
                continue;
            }
            self.next = line.index + 1;
            self.rows.push_back(LogRow::from_line(line));
            if self.rows.len() > self.capacity {
                self.rows.pop_front();
            }
        }
    }

    /// Brings the window up to date using a fetch function `(from, to) -> lines`.
    /// Returns true when new lines arrived.
    pub fn pull(
        &mut self,
        log_len: usize,
        fetch: impl FnOnce(usize, usize) -> Vec<LogLine>,
    ) -> bool {
        match self.wanted(log_len) {
            Some((from, to)) => {
                self.extend(&fetch(from, to));
                true
            }
            None => false,
        }
    }

    pub fn rows(&self) -> Vec<LogRow> {
        self.rows.iter().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &str, kind: NodeKind, status: NodeStatus, pid: Option<&str>) -> TreeNode {
        TreeNode {
            path: path.to_string(),
            id: path.rsplit('/').next().unwrap_or(path).to_string(),
            pid: pid.map(str::to_string),
            kind,
            status,
            depth: path.matches('/').count(),
            restarts: 2,
            strategy: (kind == NodeKind::Supervisor).then(|| "one_for_one".to_string()),
        }
    }

    fn line(index: usize) -> LogLine {
        LogLine {
            index,
            t_us: index as u64 * 1_500,
            kind: "spawn",
            text: format!("line {index}"),
        }
    }

    #[test]
    fn worker_row_offers_kill_and_labels_status() {
        let row = TreeRow::from_node(&node(
            "demo/counter_1",
            NodeKind::Worker,
            NodeStatus::Running,
            Some("<0.42.0>"),
        ));
        assert!(row.can_kill);
        assert_eq!(row.level, 2);
        assert_eq!(row.status, "running");
        assert_eq!(row.status_class(), "status status-running");
        assert_eq!(
            row.aria_label(),
            "counter_1, worker, running, pid <0.42.0>, 2 restarts"
        );
    }

    #[test]
    fn supervisor_and_pidless_rows_offer_no_kill() {
        let sup = TreeRow::from_node(&node(
            "demo",
            NodeKind::Supervisor,
            NodeStatus::Running,
            Some("<0.40.0>"),
        ));
        assert!(!sup.can_kill);
        assert_eq!(sup.level, 1);
        assert!(sup
            .aria_label()
            .starts_with("demo, supervisor, one_for_one, running"));
        let dead = TreeRow::from_node(&node(
            "demo/printer",
            NodeKind::Worker,
            NodeStatus::Dead,
            None,
        ));
        assert!(!dead.can_kill);
        assert_eq!(dead.pid, "—");
        assert_eq!(dead.glyph, "✕");
    }

    #[test]
    fn rows_know_whether_a_sibling_follows() {
        let w = |p: &str| node(p, NodeKind::Worker, NodeStatus::Running, Some("<0.1.0>"));
        let s = |p: &str| {
            node(
                p,
                NodeKind::Supervisor,
                NodeStatus::Running,
                Some("<0.1.0>"),
            )
        };
        let nodes = [
            s("root"),
            s("root/a"),
            w("root/a/x"),
            w("root/a/y"),
            w("root/b"),
            s("root/c"),
            w("root/c/z"),
        ];
        let more: Vec<bool> = tree_rows(&nodes).iter().map(|r| r.more_siblings).collect();
        assert_eq!(more, [false, true, true, false, true, false, false]);
    }

    #[test]
    fn every_status_has_a_distinct_glyph() {
        let all = [
            NodeStatus::Running,
            NodeStatus::Restarting,
            NodeStatus::Stopped,
            NodeStatus::Dead,
        ];
        let glyphs: std::collections::BTreeSet<_> = all.iter().map(|s| status_glyph(*s)).collect();
        assert_eq!(glyphs.len(), all.len());
    }

    #[test]
    fn formats_virtual_time() {
        assert_eq!(format_time_us(0), "0.000 s");
        assert_eq!(format_time_us(1_999), "0.001 s");
        assert_eq!(format_time_us(12_345_678), "12.345 s");
    }

    #[test]
    fn log_window_pulls_only_new_lines() {
        let mut w = LogWindow::new(10);
        assert_eq!(w.wanted(0), None);
        assert_eq!(w.wanted(3), Some((0, 3)));
        assert!(w.pull(3, |a, b| (a..b).map(line).collect()));
        assert_eq!(w.len(), 3);
        assert_eq!(w.wanted(3), None);
        assert!(!w.pull(3, |_, _| panic!("nothing to fetch")));
        assert_eq!(w.wanted(5), Some((3, 5)));
    }

    #[test]
    fn log_window_is_bounded_and_skips_evicted_lines() {
        let mut w = LogWindow::new(4);
        assert_eq!(w.wanted(100), Some((96, 100)));
        w.pull(100, |a, b| (a..b).map(line).collect());
        w.pull(103, |a, b| (a..b).map(line).collect());
        let idx: Vec<usize> = w.rows().iter().map(|r| r.index).collect();
        assert_eq!(idx, vec![99, 100, 101, 102]);
        assert_eq!(w.rows()[0].time, "0.148 s");
    }
}
