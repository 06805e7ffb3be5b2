//! The raw-family collector: `NAME @STEP EVENT` lines grouped by process.

use super::Names;
use crate::behaviour::puppet::{LOG_LINE, LOG_NAME_PID, LOG_NAME_REF};
use crate::event::{Event, EventKind};
use crate::pid::{Pid, Ref};
use crate::term::Term;
use std::collections::HashMap;

/// State of the raw-family collector.
#[derive(Default, Debug)]
pub struct RawCollector {
    /// The current step, as printed after `@`.
    pub step: String,
    /// Virtual time (µs) of the last activity.
    pub last: u64,
    pub names: Names,
    /// Name → pid.
    pub pids: HashMap<String, Pid>,
    /// Ref name → reference.
    pub refs: HashMap<String, Ref>,
    /// Names in creation order (the driver is not among them).
    pub order: Vec<String>,
    lines: HashMap<String, Vec<String>>,
}

impl RawCollector {
    /// The kinds of event this collector needs.
    pub const KINDS: &'static [EventKind] = &[EventKind::Log, EventKind::Exit];

    /// Appends a line to a process's group.
    pub fn log(&mut self, time: u64, name: &str, text: &str) {
        self.last = time;
        let l = format!("{name} @{} {text}", self.step);
        self.lines.entry(name.to_string()).or_default().push(l);
    }

    /// `raw_register`: the first registration of a name wins.
    pub fn register(&mut self, time: u64, name: &str, pid: Pid) {
        self.last = time;
        if self.pids.contains_key(name) {
            return;
        }
        self.pids.insert(name.to_string(), pid);
        self.names.pids.insert(pid, name.to_string());
        self.order.push(name.to_string());
    }

    fn name(&self, pid: Pid) -> String {
        self.names
            .pids
            .get(&pid)
            .cloned()
            .unwrap_or_else(|| "?".to_string())
    }

    fn render(&self, parts: &Term) -> String {
        let Term::List(items) = parts else {
            return self.names.fmt(parts);
        };
        let mut s = String::new();
        for p in items.iter() {
            match p.as_tuple() {
                Some([tag, Term::Binary(b)]) if tag.is_atom(crate::atom::Atom::new("$text")) => {
                    s.push_str(&String::from_utf8_lossy(b));
                }
                _ => s.push_str(&self.names.fmt(p)),
            }
        }
        s
    }

    /// Handles one event (the telemetry handler).
    pub fn on_event(&mut self, e: &Event<'_>) {
        match e.kind {
            EventKind::Log => match e.info {
                LOG_NAME_PID => {
                    if let Some([Term::Pid(p), Term::Binary(b)]) = e.term.as_tuple() {
                        let n = String::from_utf8_lossy(b).into_owned();
                        self.register(e.time, &n, *p);
                    }
                }
                LOG_NAME_REF => {
                    if let Some([Term::Ref(r), Term::Binary(b)]) = e.term.as_tuple() {
                        self.last = e.time;
                        let n = String::from_utf8_lossy(b).into_owned();
                        self.names.refs.insert(*r, n.clone());
                        self.refs.insert(n, *r);
                    }
                }
                LOG_LINE => {
                    let text = self.render(e.term);
                    let name = self.name(e.pid);
                    self.log(e.time, &name, &text);
                }
                _ => {}
            },
            EventKind::Exit if self.names.pids.contains_key(&e.pid) => {
                let name = self.name(e.pid);
                let text = format!("exit {}", self.names.fmt(e.term));
                self.log(e.time, &name, &text);
            }
            _ => {}
        }
    }

    /// The trace: the driver's lines, then each process's in creation order, each
    /// followed by `@end alive` if it is still alive.
    pub fn output(&self, alive: &dyn Fn(Pid) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(l) = self.lines.get("driver") {
            out.extend(l.iter().cloned());
        }
        for n in &self.order {
            if let Some(l) = self.lines.get(n) {
                out.extend(l.iter().cloned());
            }
            if self.pids.get(n).is_some_and(|p| alive(*p)) {
                out.push(format!("{n} @end alive"));
            }
        }
        out
    }
}

impl super::Collector for RawCollector {
    const KINDS: &'static [EventKind] = RawCollector::KINDS;

    fn names_mut(&mut self) -> &mut Names {
        &mut self.names
    }

    fn on_event(&mut self, e: &Event<'_>) {
        RawCollector::on_event(self, e)
    }
}
