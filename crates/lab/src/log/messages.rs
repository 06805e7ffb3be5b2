//! The log's message lines, in Erlang's notation: a send as `<0.84.0> ! <0.85.0> {inc,1}`
//! (a call as the `{'$gen_call',{From,[alias|Ref]},Request}` it really is, its reply as
//! `{[alias|Ref],Reply}`), its handling as the callback OTP runs
//! (`handle_call(get, {<0.1.0>,[alias|#Ref<0.0.0.9>]}, 5)`, `handle_cast`, `handle_info`)
//! or, for a process without callbacks, `got Msg`; a message landing in the shell's mailbox;
//! what a selective receive left there. Each message event also goes into the
//! [`History`](crate::history::History), which joins them up.

use super::LabLog;
use crate::history::{At, Kind, Noted, Role};
use otp_lab_sim::event::{Event, EventKind};
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::{DefaultNamer, Term};
use std::fmt::Write;

/// The log kind of a message's lines (for filters).
fn line_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Call | Kind::Reply => "call",
        Kind::Cast => "cast",
        Kind::Plain | Kind::Ack | Kind::System => "message",
        Kind::Timer => "timer",
        Kind::Down => "down",
        Kind::Exit | Kind::ExitSignal { .. } => "signal",
    }
}

impl LabLog {
    /// The history and the lines of `Send`, `Receive`, `Take` and `State` events.
    pub(super) fn on_message(&mut self, e: &Event<'_>) {
        let at = At {
            t_us: e.time,
            line: self.total,
        };
        match e.kind {
            EventKind::Send => {
                if let Noted::Sent(id) =
                    self.history
                        .sent(e.seq, e.info, (e.pid, e.other), e.term, e.aux, at)
                {
                    self.send_line(e, id);
                }
            }
            EventKind::Receive => {
                let noted =
                    self.history
                        .arrived((e.seq, e.aux), e.info, (e.pid, e.other), e.term, at);
                if let Noted::Arrived(id) = noted {
                    self.arrival_line(e, id);
                }
            }
            EventKind::Take => {
                if let Noted::Taken(id, n, left) = self.history.taken(e.pid, e.aux, e.info, at) {
                    self.take_line(e, id, (n, &left));
                }
            }
            EventKind::State => self.history.told_state(e.pid, e.term),
            _ => {}
        }
    }

    fn send_line(&mut self, e: &Event<'_>, id: u64) {
        let Some(m) = self.history.get(id) else {
            return;
        };
        let kind = line_kind(m.kind);
        let mut text = String::with_capacity(64);
        if e.pid.is_none() {
            let _ = write!(
                text,
                "timer ! {} {}",
                e.other,
                m.term.display(&DefaultNamer)
            );
        } else {
            let _ = write!(text, "{} ! {} ", e.pid, e.other);
            m.write_erlang_term(&mut text);
        }
        self.push_raw(e.time, kind, text, e.pid, e.other);
    }

    /// A message landing in the mailbox of a process without callbacks (the shell), where
    /// it waits until something takes it (`flush()`).
    fn arrival_line(&mut self, e: &Event<'_>, id: u64) {
        let Some(m) = self.history.get(id) else {
            return;
        };
        let waits = matches!(
            m.kind,
            Kind::Plain | Kind::Down | Kind::Exit | Kind::ExitSignal { .. } | Kind::Timer
        );
        if !waits || self.history.role(e.pid).is_some() {
            return;
        }
        let (kind, term) = (line_kind(m.kind), m.erlang_term().to_text());
        let text = format!("{term} arrived in the mailbox of {}", self.who(e.pid));
        self.push_raw(e.time, kind, text, e.pid, e.other);
    }

    fn take_line(&mut self, e: &Event<'_>, id: u64, (n, left): (u32, &[u64])) {
        let Some(m) = self.history.get(id) else {
            return;
        };
        let role = self.history.role(e.pid);
        let state = match role {
            Some(Role::Worker) => self
                .history
                .state_of(e.pid)
                .map_or_else(|| "State".to_string(), Term::to_text),
            _ => "State".to_string(),
        };
        let who = self.who(e.pid);
        let kind = line_kind(m.kind);
        let from_parent = self.history.parent(e.pid) == Some(m.from);
        let mut text = String::with_capacity(96);
        text.push_str(&who);
        let _ = match (m.kind, role) {
            // a gen_server's parent's 'EXIT' orders it to terminate
            (Kind::Exit | Kind::ExitSignal { .. }, Some(Role::Worker)) if from_parent => {
                text.push_str(" got ");
                m.write_erlang_term(&mut text);
                Ok(())
            }
            (Kind::Call, Some(_)) => write!(
                text,
                " handle_call({}, {{{},[alias|{}]}}, {state})",
                m.term.display(&DefaultNamer),
                m.from,
                otp_lab_sim::pid::Ref::from_id(m.tag)
            ),
            (Kind::Cast, Some(_)) => write!(
                text,
                " handle_cast({}, {state})",
                m.term.display(&DefaultNamer)
            ),
            (
                Kind::Plain | Kind::Exit | Kind::ExitSignal { .. } | Kind::Down | Kind::Timer,
                Some(_),
            ) => {
                text.push_str(" handle_info(");
                m.write_erlang_term(&mut text);
                write!(text, ", {state})")
            }
            _ => {
                text.push_str(" got ");
                m.write_erlang_term(&mut text);
                Ok(())
            }
        };
        let (from, t) = (m.from, e.time);
        self.push_raw(t, kind, text, e.pid, from);
        if n > 0 {
            let listed: Vec<String> = left
                .iter()
                .filter_map(|i| self.history.get(*i))
                .map(|m| m.erlang_term().to_text())
                .collect();
            let more = if n as usize > listed.len() {
                ", …"
            } else {
                ""
            };
            let s = if n == 1 { "" } else { "s" };
            let text = format!(
                "{who}: the receive left {n} older message{s} in the mailbox: {}{more}",
                listed.join(", ")
            );
            self.push_raw(t, "mailbox", text, e.pid, Pid::NONE);
        }
    }
}
