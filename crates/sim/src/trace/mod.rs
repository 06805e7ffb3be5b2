//! Conformance traces: the lines `run_oracle.escript` prints, rebuilt from events.
//!
//! Each collector is a telemetry handler that plays the oracle's collector process: it
//! learns process names when they init, records start/terminate/recv/exit/report lines in
//! causal order, notices deaths no supervisor saw, and tracks "activity" (the virtual time
//! of the last thing recorded) for the runner's settle rule.

pub mod raw;
pub mod sup;

use crate::pid::{Pid, Ref};
use crate::term::{Namer, Term};
use std::borrow::Cow;
use std::collections::HashMap;

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

/// The parent path of a path (`root/a` → `root`).
pub fn parent_path(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}
