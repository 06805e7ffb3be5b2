//! One message told in full, for a click on its arrow: the term as the receiver got it,
//! sender and receiver, when it was sent and handled (or what became of it), the
//! receiver's state before and after (for a `gen_server`), its pair, and the log lines.

use crate::history::{Fate, History, Kind, Message};
use otp_lab_sim::pid::Pid;
use std::rc::Rc;

/// A message, told in full.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub id: u64,
    /// What it is (`call`, `reply`, `cast`, `message`, `exit signal`…).
    pub kind: &'static str,
    /// The term as the receiver gets it (an exit signal as the `'EXIT'` a trapper gets).
    pub term: String,
    pub from: String,
    pub to: String,
    pub sent: String,
    /// The event-log line of the send (to move the cursor there).
    pub sent_line: usize,
    /// What became of it, as a sentence with its time.
    pub fate: String,
    /// The line where the receiver handled it (or died of it).
    pub handled_line: Option<usize>,
    /// The receiver's state before and after handling it.
    pub state: Option<(String, String)>,
    /// A call's reply or a reply's call: (id, its term).
    pub pair: Option<(u64, String)>,
    /// The log lines of the send and of the handling.
    pub lines: Vec<String>,
}

/// What kind of thing `m` is, in a learner's words.
pub fn kind_name(m: &Message) -> &'static str {
    match m.kind {
        Kind::Call => "call",
        Kind::Reply => "reply",
        Kind::Cast => "cast",
        Kind::Plain => "message",
        Kind::Ack => "start acknowledgement",
        Kind::System => "system message",
        Kind::Timer => "timer message",
        Kind::ExitSignal { link: true } => "exit signal (link)",
        Kind::ExitSignal { link: false } => "exit signal (exit/2)",
        Kind::Exit => "'EXIT' message",
        Kind::Down => "'DOWN' message",
    }
}

/// Tells message `id`; `line` reads the text of a kept log line.
pub fn detail(
    h: &History,
    paths: &rustc_hash::FxHashMap<Pid, Rc<str>>,
    id: u64,
    line: impl Fn(usize) -> Option<String>,
) -> Option<Detail> {
    let m = h.get(id)?;
    let t = super::time_text;
    let handled = m.taken.or(m.arrived);
    let fate = match m.fate {
        Fate::InFlight => "on its way".to_string(),
        Fate::InMailbox => format!(
            "waiting in the mailbox since {}",
            t(m.arrived.map_or(m.sent.t_us, |a| a.t_us))
        ),
        Fate::Taken if m.kind.is_signal() => format!(
            "trapped: taken as an 'EXIT' message at {}",
            t(handled.map_or(0, |a| a.t_us))
        ),
        Fate::Taken => {
            let mut s = format!("taken by a receive at {}", t(handled.map_or(0, |a| a.t_us)));
            if m.skipped > 0 {
                s.push_str(&format!(
                    ", which left {} older message(s) in the mailbox",
                    m.skipped
                ));
            }
            s
        }
        Fate::Dropped => "dropped: the receiver was not alive".to_string(),
        Fate::Killed => format!(
            "killed the receiver at {}",
            t(handled.map_or(m.sent.t_us, |a| a.t_us))
        ),
        Fate::Ignored => {
            "ignored by the receiver (reason normal and not trapping exits, or no longer linked)"
                .to_string()
        }
    };
    let handled_line = match m.fate {
        Fate::Taken | Fate::Killed => handled.map(|a| a.line),
        _ => None,
    };
    let mut lines: Vec<String> = [Some(m.sent.line), handled_line]
        .into_iter()
        .flatten()
        .filter_map(&line)
        .collect();
    lines.dedup();
    Some(Detail {
        id,
        kind: kind_name(m),
        term: m.erlang_term().to_text(),
        from: crate::log::who(paths, m.from),
        to: crate::log::who(paths, m.to),
        sent: t(m.sent.t_us),
        sent_line: m.sent.line,
        fate,
        handled_line,
        state: m.state.as_ref().map(|s| (s.0.to_text(), s.1.to_text())),
        pair: m
            .pair
            .and_then(|p| h.get(p))
            .map(|p| (p.id, p.erlang_term().to_text())),
        lines,
    })
}
