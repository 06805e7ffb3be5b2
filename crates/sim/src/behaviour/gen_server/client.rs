//! The `Client` worker: a `gen_server` whose `handle_info(tick, …)` calls (or casts to)
//! another worker by its registered name, as a handler of outside requests would. A call
//! waits under a monitor with `gen_server:call/3`'s timeout: when the callee is too slow
//! the client exits `{timeout, {gen_server, call, [To, Request, Timeout]}}`, when it is
//! gone `{noproc, …}` or the callee's own exit reason — as OTP's `gen:call` does.

use super::spec::{ClientPlan, WorkerKind};
use super::{GenServer, Phase};
use crate::atom::Atom;
use crate::behaviour::Flow;
use crate::message::{Cast, Msg, Request};
use crate::pid::{Pid, Ref};
use crate::term::Term;
use crate::world::World;

impl GenServer {
    fn plan(&self) -> Option<&ClientPlan> {
        match self.spec.kind {
            WorkerKind::Client => self.spec.client.as_ref(),
            _ => None,
        }
    }

    /// A client's state: `{calls, Sent, Replies, LastReply}` (`{casts, Sent}` for one
    /// that casts).
    pub(super) fn client_state(&self) -> Term {
        match self.plan() {
            Some(p) if p.cast => Term::tuple(vec![Term::atom("casts"), Term::Int(self.value)]),
            _ => Term::tuple(vec![
                Term::atom("calls"),
                Term::Int(self.value),
                Term::Int(self.replies),
                self.last.clone().unwrap_or(Term::UNDEFINED),
            ]),
        }
    }

    /// Arms the timer of a client's next request (`erlang:send_after(Every, self(), tick)`).
    pub(super) fn schedule(&mut self, w: &mut World, me: Pid) {
        if let Some(every) = self.plan().map(|p| p.every_us) {
            self.tick = Some(w.after(me, every));
        }
    }

    /// The `{gen_server, call, [To, Request, Timeout]}` an exit reason carries.
    fn call_mfa(&self) -> Term {
        let Some(p) = self.plan() else {
            return Term::UNDEFINED;
        };
        let timeout = match p.timeout_us {
            Some(us) => Term::Int((us / 1000) as i64),
            None => Term::atom("infinity"),
        };
        Term::tuple(vec![
            Term::atom("gen_server"),
            Term::atom("call"),
            Term::list(vec![Term::Atom(p.to), p.request.clone(), timeout]),
        ])
    }

    /// The tick came: cast and schedule the next, or call and wait.
    pub(super) fn request(&mut self, w: &mut World, me: Pid) -> Flow {
        let Some(p) = self.plan().cloned() else {
            return Flow::Continue;
        };
        let to = w.whereis(p.to);
        self.value += 1;
        if p.cast {
            // gen_server:cast/2 to a name nobody holds does nothing
            if let Some(to) = to {
                w.send(me, to, Msg::Cast(Cast::Term(p.request.clone())));
            }
            self.schedule(w, me);
            self.tell_state(w, me);
            return Flow::Continue;
        }
        let Some(to) = to else {
            return Flow::Exit(Term::pair(Term::atom("noproc"), self.call_mfa()));
        };
        let mref = w.monitor(me, to);
        w.send(
            me,
            to,
            Msg::Call {
                from: me,
                tag: mref,
                req: Request::Term(p.request.clone()),
            },
        );
        let timer = p.timeout_us.map(|us| w.after(me, us));
        self.phase = Phase::Calling(mref, timer);
        self.tell_state(w, me);
        Flow::Continue
    }

    /// In `gen_server:call/3`: the reply, the callee's `'DOWN'`, or the timeout.
    pub(super) fn await_reply(
        &mut self,
        w: &mut World,
        me: Pid,
        mref: Ref,
        timer: Option<Ref>,
    ) -> Flow {
        let got = w.take_msg(me, |m| match m {
            Msg::Reply { tag, .. } => *tag == mref,
            Msg::Down { mref: r, .. } => *r == mref,
            Msg::AfterTimeout(t) => Some(*t) == timer,
            _ => false,
        });
        match got {
            None => Flow::Wait,
            Some(Msg::Reply { value, .. }) => {
                w.demonitor(me, mref, true);
                if let Some(t) = timer {
                    w.cancel_timer(t);
                }
                self.replies += 1;
                self.last = Some(value);
                self.phase = Phase::Running;
                self.schedule(w, me);
                self.tell_state(w, me);
                Flow::Continue
            }
            Some(Msg::Down { reason, .. }) => {
                if let Some(t) = timer {
                    w.cancel_timer(t);
                }
                Flow::Exit(Term::pair(reason, self.call_mfa()))
            }
            Some(_) => {
                w.demonitor(me, mref, true);
                Flow::Exit(Term::pair(
                    Term::Atom(Atom::new("timeout")),
                    self.call_mfa(),
                ))
            }
        }
    }
}
