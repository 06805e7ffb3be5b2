//! What the inspector shows about one process, and `Process.info/1`'s answer.

use crate::Lab;
use otp_lab_sim::atom::Atom;
use otp_lab_sim::behaviour::Behaviour;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::process::Process;
use otp_lab_sim::term::Term;

/// Messages of a mailbox the inspector lists (the rest are counted).
pub const MAILBOX_SHOWN: usize = 50;

/// One process, as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcInfo {
    pub pid: String,
    pub path: Option<String>,
    pub registered_name: Option<String>,
    /// `supervisor`, `gen_server`, `shell`…
    pub behaviour: String,
    /// `running` (runnable) or `waiting`.
    pub status: &'static str,
    pub message_queue_len: usize,
    /// The first [`MAILBOX_SHOWN`] messages, as Erlang terms.
    pub mailbox: Vec<String>,
    /// Linked pids, each with its path when known.
    pub links: Vec<String>,
    /// Processes it monitors and processes monitoring it.
    pub monitors: Vec<String>,
    pub monitored_by: Vec<String>,
    pub trap_exit: bool,
    pub reductions: u64,
    /// The callback state, as `:sys.get_state/1` would show it.
    pub state: String,
    pub is_supervisor: bool,
    pub is_worker: bool,
    /// Messages at the head of the mailbox a selective receive passed over (it took a
    /// later one).
    pub skipped: usize,
    /// Its newest messages sent and received, newest first.
    pub recent: Vec<Recent>,
}

/// A message a process sent or received, as the inspector lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recent {
    /// The message's id in the history (a click opens it in the sequence view).
    pub id: u64,
    pub time: String,
    /// Sent by this process (else received).
    pub sent: bool,
    /// The other end, with its path when known.
    pub other: String,
    /// What it is (`call`, `reply`…) and the term as the receiver got it.
    pub kind: &'static str,
    pub term: String,
}

/// Recent messages the inspector lists.
pub const RECENT_SHOWN: usize = 12;

impl Lab {
    /// The inspector's view of the live process at `key`: a tree path or a pid written
    /// `<0.N.0>` (or `None`).
    pub fn inspect(&self, key: &str) -> Option<ProcInfo> {
        let pid = self.lookup(&crate::command::Target::of_key(key))?;
        self.inspect_pid(pid)
    }

    /// The inspector's view of a live pid.
    pub fn inspect_pid(&self, pid: Pid) -> Option<ProcInfo> {
        let p = self.world().process(pid)?;
        let log = self.log.borrow();
        let named = |q: Pid| log.who(q);
        let mailbox: Vec<String> = p
            .mailbox()
            .take(MAILBOX_SHOWN)
            .map(|m| m.to_term().to_text())
            .collect();
        Some(ProcInfo {
            pid: pid.to_string(),
            path: self.path_of(pid),
            registered_name: p.registered.map(|a| a.name().to_string()),
            behaviour: behaviour_name(p, pid == self.shell()),
            status: if p.queued { "runnable" } else { "waiting" },
            message_queue_len: p.message_queue_len(),
            mailbox,
            links: p.links.iter().map(named).collect(),
            monitors: p
                .monitors
                .iter()
                .filter(|m| m.watching)
                .map(|m| named(m.other))
                .collect(),
            monitored_by: p
                .monitors
                .iter()
                .filter(|m| !m.watching)
                .map(|m| named(m.other))
                .collect(),
            trap_exit: p.trap_exit,
            reductions: p.reductions as u64,
            state: state_text(&p.behaviour),
            is_supervisor: p.behaviour.as_supervisor().is_some(),
            is_worker: p.behaviour.as_server().is_some(),
            skipped: log.history.skipped_in_mailbox(pid),
            recent: log
                .history
                .recent(pid)
                .rev()
                .take(RECENT_SHOWN)
                .map(|m| {
                    let sent = m.from == pid;
                    Recent {
                        id: m.id,
                        time: crate::sequence::time_text(m.sent.t_us),
                        sent,
                        other: named(if sent { m.to } else { m.from }),
                        kind: crate::sequence::detail::kind_name(m),
                        term: crate::sequence::short(&m.erlang_term().to_text(), 120),
                    }
                })
                .collect(),
        })
    }
}

fn behaviour_name(p: &Process, shell: bool) -> String {
    if shell {
        return "shell".to_string();
    }
    match &p.behaviour {
        Behaviour::Server(s) => format!("gen_server ({})", s.spec().kind.module()),
        Behaviour::Supervisor(_) => "supervisor".to_string(),
        b => b.name().name().to_string(),
    }
}

/// The callback state as text: a counter's value, a printer's count, a supervisor's
/// `#state{}` summary.
fn state_text(b: &Behaviour) -> String {
    match b {
        Behaviour::Server(s) => s.state_term().to_text(),
        Behaviour::Supervisor(s) => format!(
            "#state{{strategy={}, intensity={}, period={}, children={}{}}}",
            s.strategy().name(),
            s.intensity(),
            s.period(),
            s.children().len() + s.dynamic_children().count(),
            if s.is_paused() { ", paused" } else { "" }
        ),
        _ => "-".to_string(),
    }
}

/// The items `process_info/1` lists, in its order (`registered_name` only when there is
/// one).
const INFO_ITEMS: &[&str] = &[
    "registered_name",
    "current_function",
    "status",
    "message_queue_len",
    "links",
    "trap_exit",
    "reductions",
];

/// `process_info/1`'s list for a live pid (the items OTP lists first).
pub fn process_info(lab: &Lab, pid: Pid) -> Term {
    let Some(p) = lab.world().process(pid) else {
        return Term::UNDEFINED;
    };
    let items = INFO_ITEMS
        .iter()
        .filter(|k| **k != "registered_name" || p.registered.is_some())
        .filter_map(|k| Some(Term::pair(Term::atom(k), info_item(p, k)?)))
        .collect();
    Term::list(items)
}

/// `process_info(Pid, Item)`'s value for a live process: `None` for an item the lab does
/// not know (a `badarg` in OTP).
pub fn info_item(p: &Process, item: &str) -> Option<Term> {
    Some(match item {
        // the empty list when it has no name, as OTP answers
        "registered_name" => p.registered.map_or(Term::list(vec![]), Term::Atom),
        "current_function" => {
            let (module, function) = match &p.behaviour {
                Behaviour::Server(_) | Behaviour::Supervisor(_) => ("gen_server", "loop"),
                Behaviour::External => ("shell", "eval_loop"),
                _ => ("proc_lib", "loop"),
            };
            Term::tuple(vec![Term::atom(module), Term::atom(function), Term::Int(7)])
        }
        "status" => Term::atom(if p.queued { "runnable" } else { "waiting" }),
        "message_queue_len" => Term::Int(p.message_queue_len() as i64),
        "messages" => Term::list(
            p.mailbox()
                .filter(|m| m.is_real())
                .map(|m| m.to_term())
                .collect(),
        ),
        "links" => Term::list(p.links.iter().map(Term::Pid).collect()),
        "monitors" => Term::list(
            p.monitors
                .iter()
                .filter(|m| m.watching)
                .map(|m| Term::pair(Term::Atom(Atom::PROCESS), Term::Pid(m.other)))
                .collect(),
        ),
        "monitored_by" => Term::list(
            p.monitors
                .iter()
                .filter(|m| !m.watching)
                .map(|m| Term::Pid(m.other))
                .collect(),
        ),
        "trap_exit" => Term::Atom(if p.trap_exit { Atom::TRUE } else { Atom::FALSE }),
        "reductions" => Term::Int(p.reductions as i64),
        _ => return None,
    })
}
