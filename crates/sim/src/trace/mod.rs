//! Conformance traces: the lines `run_oracle.escript` prints, rebuilt from events.
//!
//! Each collector is a telemetry handler that plays the oracle's collector process: it
//! learns process names when they init, records start/terminate/recv/exit/report lines in
//! causal order, notices deaths no supervisor saw, and tracks "activity" (the virtual time
//! of the last thing recorded) for the runner's settle rule.

pub mod raw;
pub mod sup;

use crate::event::{Event, EventKind};
use crate::pid::{Pid, Ref};
use crate::term::{Namer, Term};
use std::borrow::Cow;
use std::collections::HashMap;

/// A trace collector: a telemetry handler on [`Collector::KINDS`] that names processes as
/// the oracle does.
pub trait Collector: Default + 'static {
    /// The event kinds it is attached to.
    const KINDS: &'static [EventKind];
    /// The names it prints pids and references with.
    fn names_mut(&mut self) -> &mut Names;
    /// One event.
    fn on_event(&mut self, e: &Event<'_>);
}

/// Names pids and references as the oracle does: `<name>`, `<?>`, `#name`, `#ref`.
#[derive(Default, Clone, Debug)]
pub struct Names {
    pub pids: HashMap<Pid, String>,
    pub refs: HashMap<Ref, String>,
}

impl Namer for Names {
    fn pid_name(&self, pid: Pid) -> Option<Cow<'_, str>> {
        self.pids.get(&pid).map(|s| Cow::Borrowed(s.as_str()))
    }
    fn ref_name(&self, r: Ref) -> Option<Cow<'_, str>> {
        self.refs.get(&r).map(|s| Cow::Borrowed(s.as_str()))
    }
    fn unknown_pid(&self, _: Pid) -> String {
        "<?>".to_string()
    }
    fn unknown_ref(&self, _: Ref) -> String {
        "#ref".to_string()
    }
}

impl Names {
    /// A term printed with these names.
    pub fn fmt(&self, t: &Term) -> String {
        t.display(self).to_string()
    }
}

/// The bytes the oracle writes for a trace line: its standard output is in Latin-1 mode,
/// so a character below 256 is one byte (`é` is 0xE9); anything above goes out as UTF-8.
pub fn encode_line(line: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 1);
    for c in line.chars() {
        if (c as u32) < 256 {
            out.push(c as u32 as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out.push(b'\n');
    out
}

/// A whole trace as the oracle's bytes.
pub fn encode_trace(lines: &[String]) -> Vec<u8> {
    lines.iter().flat_map(|l| encode_line(l)).collect()
}

/// The parent path of a path (`root/a` → `root`).
pub fn parent_path(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}
