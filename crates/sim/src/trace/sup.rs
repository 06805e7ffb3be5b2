//! The supervisor-family collector (`start`, `terminate`, `recv`, `exit`, `report`,
//! `down`, `reply`, `final` lines) and the final canonicalisation of concurrent
//! `simple_one_for_one` shutdown lines.

use super::{parent_path, Names};
use crate::event::{Event, EventKind, MsgCode};
use crate::pid::Pid;
use crate::term::Term;
use std::collections::{BTreeMap, HashMap, HashSet};

/// State of the supervisor-family collector.
#[derive(Default, Debug)]
pub struct SupCollector {
    pub lines: Vec<String>,
    /// Virtual time (µs) of the last activity.
    pub last: u64,
    pub names: Names,
    /// Path → the latest pid that registered it.
    pub paths: HashMap<String, Pid>,
    /// Path of each worker between its init start and result.
    init_paths: HashMap<Pid, String>,
    initfail: HashSet<Pid>,
    dead: HashSet<Pid>,
    monitored: HashSet<Pid>,
    mondown: BTreeMap<Pid, Term>,
    /// Supervisors and their strategies.
    sups: HashMap<Pid, String>,
    /// Paths of every simple_one_for_one supervisor that ever started.
    pub dyn_sup_paths: HashSet<String>,
}

impl SupCollector {
    /// The kinds of event this collector needs.
    pub const KINDS: &'static [EventKind] = &[
        EventKind::InitStart,
        EventKind::InitResult,
        EventKind::Terminate,
        EventKind::HandleInfo,
        EventKind::Report,
        EventKind::Receive,
        EventKind::Exit,
    ];

    /// Appends a line and counts it as activity.
    pub fn line(&mut self, time: u64, line: String) {
        self.last = time;
        self.lines.push(line);
    }

    fn name(&self, pid: Pid) -> String {
        self.names
            .pids
            .get(&pid)
            .cloned()
            .unwrap_or_else(|| "?".to_string())
    }

    /// Handles one event (the telemetry handler).
    pub fn on_event(&mut self, e: &Event<'_>) {
        match e.kind {
            EventKind::InitStart => {
                self.last = e.time;
                let (kind, path) = match e.term.as_tuple() {
                    Some([k, Term::Binary(b), ..]) => {
                        (k.clone(), String::from_utf8_lossy(b).into_owned())
                    }
                    _ => (e.term.clone(), "?".to_string()),
                };
                if kind.is_atom(crate::atom::Atom::WORKER) {
                    self.init_paths.insert(e.pid, path);
                } else {
                    let strategy = kind
                        .as_atom()
                        .map(|a| a.name().to_string())
                        .unwrap_or_default();
                    if strategy == "simple_one_for_one" {
                        self.dyn_sup_paths.insert(path.clone());
                    }
                    self.sups.insert(e.pid, strategy);
                    self.names.pids.insert(e.pid, path.clone());
                    self.paths.insert(path.clone(), e.pid);
                    self.monitored.insert(e.pid);
                    self.line(e.time, format!("start {path}"));
                }
            }
            EventKind::InitResult => {
                let path = self
                    .init_paths
                    .remove(&e.pid)
                    .unwrap_or_else(|| "?".to_string());
                self.names.pids.insert(e.pid, path.clone());
                self.paths.insert(path.clone(), e.pid);
                let line = match e.info {
                    0 => {
                        self.monitored.insert(e.pid);
                        format!("start {path}")
                    }
                    1 => {
                        self.initfail.insert(e.pid);
                        format!("start_ignore {path}")
                    }
                    _ => {
                        self.initfail.insert(e.pid);
                        format!("start_fail {path} {}", self.names.fmt(e.term))
                    }
                };
                self.line(e.time, line);
            }
            EventKind::Terminate => {
                let l = format!("terminate {} {}", self.name(e.pid), self.names.fmt(e.term));
                self.line(e.time, l);
            }
            EventKind::HandleInfo => {
                let l = format!("recv {} {}", self.name(e.pid), self.names.fmt(e.term));
                self.line(e.time, l);
            }
            EventKind::Report => {
                let (ctx, label, reason) = e.report_parts();
                let l = format!(
                    "report {ctx} {} {label} {}",
                    self.name(e.pid),
                    self.names.fmt(&reason)
                );
                self.line(e.time, l);
            }
            EventKind::Receive => {
                if !self.sups.contains_key(&e.pid) {
                    return;
                }
                self.last = e.time;
                if e.info == MsgCode::Exit as u32 || e.info == MsgCode::Down as u32 {
                    self.observed_death(e.time, e.pid, e.other, e.term);
                }
            }
            EventKind::Exit if self.monitored.contains(&e.pid) => {
                self.last = e.time;
                self.mondown.entry(e.pid).or_insert_with(|| e.term.clone());
            }
            _ => {}
        }
    }

    fn observed_death(&mut self, time: u64, sup: Pid, child: Pid, reason: &Term) {
        let (Some(sup_path), Some(child_path)) =
            (self.names.pids.get(&sup), self.names.pids.get(&child))
        else {
            return;
        };
        if parent_path(child_path) == Some(sup_path.as_str())
            && !self.dead.contains(&child)
            && !self.initfail.contains(&child)
        {
            let l = format!("exit {child_path} {}", self.names.fmt(reason));
            self.dead.insert(child);
            self.line(time, l);
        }
    }

    /// `flush_down`: a `down` line for each death no supervisor saw, sorted.
    pub fn flush_down(&mut self) {
        let mondown = std::mem::take(&mut self.mondown);
        let mut pending: Vec<(String, Term, Pid)> = mondown
            .into_iter()
            .filter(|(p, _)| !self.dead.contains(p))
            .map(|(p, r)| (self.name(p), r, p))
            .collect();
        pending.sort();
        for (name, r, p) in pending {
            self.dead.insert(p);
            let l = format!("down {name} {}", self.names.fmt(&r));
            self.lines.push(l);
        }
    }

    /// The final lines: runs of `terminate`/`exit`/`recv` lines about children of the
    /// same simple_one_for_one supervisor are sorted (stably) by child path.
    pub fn canonical_lines(&self) -> Vec<String> {
        canonicalize(&self.lines, &self.dyn_sup_paths)
    }
}

fn subject(line: &str) -> Option<(&str, &str)> {
    let mut it = line.splitn(3, ' ');
    let kind = it.next()?;
    let subj = it.next()?;
    Some((kind, subj))
}

fn dyn_parent<'a>(line: &'a str, dyn_sups: &HashSet<String>) -> Option<&'a str> {
    let (kind, subj) = subject(line)?;
    if !matches!(kind, "terminate" | "exit" | "recv") {
        return None;
    }
    let p = parent_path(subj)?;
    dyn_sups.contains(p).then_some(p)
}

/// See [`SupCollector::canonical_lines`].
pub fn canonicalize(lines: &[String], dyn_sups: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let Some(p) = dyn_parent(&lines[i], dyn_sups) else {
            out.push(lines[i].clone());
            i += 1;
            continue;
        };
        let mut j = i;
        while j < lines.len() && dyn_parent(&lines[j], dyn_sups) == Some(p) {
            j += 1;
        }
        let mut run: Vec<&String> = lines[i..j].iter().collect();
        run.sort_by(|a, b| subject(a).map(|s| s.1).cmp(&subject(b).map(|s| s.1)));
        out.extend(run.into_iter().cloned());
        i = j;
    }
    out
}

impl super::Collector for SupCollector {
    const KINDS: &'static [EventKind] = SupCollector::KINDS;

    fn names_mut(&mut self) -> &mut Names {
        &mut self.names
    }

    fn on_event(&mut self, e: &Event<'_>) {
        SupCollector::on_event(self, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalize_sorts_runs_of_dynamic_children_stably() {
        let lines: Vec<String> = [
            "step 1 stop root",
            "terminate root/d/b shutdown",
            "terminate root/d/a shutdown",
            "exit root/d/b shutdown",
            "exit root/d/a shutdown",
            "exit root/d shutdown",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let dyn_sups: HashSet<String> = ["root/d".to_string()].into_iter().collect();
        let out = canonicalize(&lines, &dyn_sups);
        assert_eq!(
            out,
            vec![
                "step 1 stop root",
                "terminate root/d/a shutdown",
                "exit root/d/a shutdown",
                "terminate root/d/b shutdown",
                "exit root/d/b shutdown",
                "exit root/d shutdown",
            ]
        );
    }
}
