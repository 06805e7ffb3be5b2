//! The lab's event log: every telemetry event worth showing a learner, as one OTP-styled
//! line (`<0.85.0> demo/counter_1 got {'EXIT',<0.84.0>,killed}`), with the process it is
//! about (for filtering) and the kind (for colour and filtering). Bounded: the newest
//! [`LOG_LINES_KEPT`] lines are kept; indexes keep counting.

mod messages;

use crate::history::{At, History, Kind, Role};
use otp_lab_sim::atom::Atom;
use otp_lab_sim::event::{Event, EventKind, StartCause};
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::{DefaultNamer, Term};
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::fmt::Write;
use std::rc::Rc;

/// Log lines kept by the lab (older ones are dropped).
pub const LOG_LINES_KEPT: usize = 100_000;

/// Exited pids whose paths the log still remembers.
pub const PATHS_OF_GONE_KEPT: usize = 10_000;

/// The kinds of log lines, for filters.
pub const LOG_KINDS: &[&str] = &[
    "init",
    "start",
    "restart",
    "exit",
    "signal",
    "terminate",
    "report",
    "fault",
    "call",
    "cast",
    "message",
    "down",
    "timer",
    "mailbox",
    "config",
];

/// The events the log listens for: every logged kind, and the history's `Take` and
/// `State`.
pub(crate) fn listened() -> Vec<EventKind> {
    let mut kinds = EventKind::ALL.to_vec();
    kinds.extend([EventKind::Take, EventKind::State]);
    kinds
}

/// One line of the lab's event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub index: usize,
    pub t_us: u64,
    pub kind: &'static str,
    pub text: String,
    /// Serial of the process the line is about (`<0.N.0>`), 0 if none.
    pub pid: u32,
    /// Its tree path, if it has one.
    pub path: Option<Rc<str>>,
    /// Another process the line names (the sender of a signal, the restarted child).
    pub other: u32,
    /// Its tree path, if it has one.
    pub other_path: Option<Rc<str>>,
}

/// A process as the Lab names it: `<0.85.0> demo/counter_1` (the pid alone without a
/// path).
pub(crate) fn who(paths: &HashMap<Pid, Rc<str>>, pid: Pid) -> String {
    let mut s = String::with_capacity(40);
    let _ = write!(s, "{pid}");
    if let Some(p) = paths.get(&pid) {
        s.push(' ');
        s.push_str(p);
    }
    s
}

/// The log plus what it learned from events (paths of pids, restart counts).
#[derive(Default)]
pub(crate) struct LabLog {
    pub lines: VecDeque<LogLine>,
    pub total: usize,
    pub restarts: HashMap<String, u64>,
    /// The sum of `restarts` (read every frame; kept, not summed).
    pub restarts_total: u64,
    pub paths: HashMap<Pid, Rc<str>>,
    /// Pids that exited, oldest first: their paths are kept a while (late 'EXIT'
    /// messages still name them), then forgotten, so an endless run stays bounded.
    pub gone: VecDeque<Pid>,
    /// Every message and exit signal, joined up.
    pub history: History,
    /// Servers running `terminate/2`: their exit with an abnormal reason is reported.
    pub terminating: rustc_hash::FxHashSet<Pid>,
}

impl LabLog {
    pub fn push(&mut self, e: &Event<'_>, kind: &'static str, text: String) {
        self.push_raw(e.time, kind, text, e.pid, e.other);
    }

    pub fn push_raw(&mut self, t_us: u64, kind: &'static str, text: String, pid: Pid, other: Pid) {
        self.lines.push_back(LogLine {
            index: self.total,
            t_us,
            kind,
            text,
            pid: if pid.is_none() { 0 } else { pid.serial() },
            path: self.paths.get(&pid).cloned(),
            other: if other.is_none() { 0 } else { other.serial() },
            other_path: self.paths.get(&other).cloned(),
        });
        self.total += 1;
        if self.lines.len() > LOG_LINES_KEPT {
            self.lines.pop_front();
        }
    }

    /// A process as lines name it: `<0.85.0> demo/counter_1` (the pid alone without a path).
    pub(crate) fn who(&self, pid: Pid) -> String {
        who(&self.paths, pid)
    }

    pub fn on_event(&mut self, e: &Event<'_>) {
        let t = || e.term.display(&DefaultNamer).to_string();
        match e.kind {
            EventKind::Send | EventKind::Receive | EventKind::Take | EventKind::State => {
                self.on_message(e)
            }
            EventKind::Spawn => {
                let at = At {
                    t_us: e.time,
                    line: self.total,
                };
                self.history.spawned(e.pid, e.other, at)
            }
            EventKind::InitStart => {
                if let Some([what, Term::Binary(b), ..]) = e.term.as_tuple() {
                    self.paths
                        .insert(e.pid, Rc::from(&*String::from_utf8_lossy(b)));
                    let role = if what.as_atom().is_some_and(|a| &*a.name() == "worker") {
                        Role::Worker
                    } else {
                        Role::Supervisor
                    };
                    self.history.set_role(e.pid, role);
                }
            }
            EventKind::InitResult => {
                let what = match e.info {
                    0 => "init/1 returned ok".to_string(),
                    1 => "init/1 returned ignore".to_string(),
                    _ => format!("init/1 returned {{stop,{}}}", t()),
                };
                let l = format!("{} {what}", self.who(e.pid));
                self.push(e, "init", l);
            }
            EventKind::Exit => {
                let at = At {
                    t_us: e.time,
                    line: self.total,
                };
                self.history.died(e.pid, (e.seq, e.aux), e.term, at);
                let cause = match self.history.get(e.aux) {
                    Some(s) if s.kind == (Kind::ExitSignal { link: true }) => {
                        format!(" (exit signal from linked {})", self.who(s.from))
                    }
                    Some(s) if s.kind == (Kind::ExitSignal { link: false }) => {
                        format!(
                            " (exit({}, {}) from {})",
                            s.to,
                            s.term.to_text(),
                            self.who(s.from)
                        )
                    }
                    _ => String::new(),
                };
                // a server that ran terminate/2 and ends abnormally: gen_server's error
                // report, then proc_lib's crash report (killed, even during terminate/2,
                // a process writes none)
                let finished = self.terminating.remove(&e.pid) && !e.term.is_atom(Atom::KILLED);
                if finished && !e.term.is_shutdown_like() {
                    let who = self.who(e.pid);
                    let l = format!("=ERROR REPORT==== ** Generic server {who} terminating ** Reason for termination == {}", t());
                    self.push(e, "report", l);
                    let l = format!("=CRASH REPORT==== crasher: {who} exit_reason: {}", t());
                    self.push(e, "report", l);
                }
                let l = format!("{} exited with reason {}{cause}", self.who(e.pid), t());
                self.push(e, "exit", l);
                self.gone.push_back(e.pid);
                if self.gone.len() > PATHS_OF_GONE_KEPT {
                    if let Some(old) = self.gone.pop_front() {
                        self.paths.remove(&old);
                        self.history.forget(old);
                    }
                }
            }
            EventKind::ExitSignal => {
                let at = At {
                    t_us: e.time,
                    line: self.total,
                };
                self.history
                    .signalled(e.seq, (e.pid, e.other), e.info == 1, e.term, at);
                if e.info == 0 {
                    // about the target; the sender is the other end (as for 'EXIT' messages)
                    let l = format!("exit({}, {}) from {}", e.other, t(), e.pid);
                    self.push_raw(e.time, "signal", l, e.other, e.pid);
                }
            }
            EventKind::Terminate => {
                self.terminating.insert(e.pid);
                let l = format!("{} terminate({}, State)", self.who(e.pid), t());
                self.push(e, "terminate", l);
            }
            EventKind::Report => {
                let (ctx, label, reason) = e.report_parts();
                let l = format!(
                    "=SUPERVISOR REPORT==== supervisor: {} context: {ctx} offender: {label} reason: {}",
                    self.who(e.pid),
                    reason.to_text()
                );
                self.push(e, "report", l);
            }
            EventKind::ChildStarted => {
                let cause = StartCause::from_code(e.info);
                let sup = self
                    .paths
                    .get(&e.pid)
                    .cloned()
                    .unwrap_or_else(|| Rc::from(""));
                let path = match e.term.as_tuple() {
                    Some([_, Term::Binary(b)]) => String::from_utf8_lossy(b).into_owned(),
                    _ => format!("{sup}/{}", otp_lab_sim::supervisor::spec::id_text(e.term)),
                };
                // its init/1 named it already (the same path, unless its label is not one)
                if self.paths.get(&e.other).is_none_or(|p| **p != *path) {
                    self.paths.insert(e.other, Rc::from(path.as_str()));
                }
                if cause == Some(StartCause::Restart) {
                    *self.restarts.entry(path.clone()).or_insert(0) += 1;
                    self.restarts_total += 1;
                    let l = format!("{sup} restarted {path} as {}", e.other);
                    self.push_raw(e.time, "restart", l, e.other, e.pid);
                } else {
                    let l = format!("{sup} started {path} as {}", e.other);
                    self.push_raw(e.time, "start", l, e.other, e.pid);
                }
            }
            EventKind::StrategyChanged => {
                let l = format!("{} changed its strategy to {}", self.who(e.pid), t());
                self.push(e, "config", l);
            }
            EventKind::IntensityChanged => {
                if let Some([Term::Int(i), Term::Int(p)]) = e.term.as_tuple() {
                    let s = if *i == 1 { "" } else { "s" };
                    let l = format!("{} now allows {i} restart{s} in {p} s", self.who(e.pid));
                    self.push(e, "config", l);
                }
            }
            EventKind::Fault => {
                let l = format!("{} injected exit({}, {})", e.other, self.who(e.pid), t());
                self.push(e, "fault", l);
            }
            _ => {}
        }
    }
}
