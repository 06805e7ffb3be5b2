//! A `gen_server`-like worker: init/ack, the receive loop, calls, casts, `handle_info`,
//! system termination and `terminate/2`, with OTP's rules about the parent.
//!
//! The callback module is one of [`WorkerKind`]: the conformance suite's configurable
//! worker (scripted init results, slow init/terminate, `exit/1` from terminate), and the
//! demo tree's `Counter` and `Printer`, and a `Client` that calls another worker by name
//! now and then (`client.rs`). All of them stop on `{stop, Reason}` casts ("crash on
//! demand"), which runs `terminate/2` whether or not they trap exits. A worker may take
//! virtual time to handle each call or cast (`handle_delay`): requests queue meanwhile.

mod client;
pub mod spec;

use crate::atom::Atom;
use crate::behaviour::Flow;
use crate::event::EventKind;
use crate::message::{Cast, Msg, Request, SystemReq};
use crate::pid::{Pid, Ref};
use crate::term::Term;
use crate::world::World;
use std::rc::Rc;

use spec::{InitResult, WorkerKind, WorkerSpec};

#[derive(Clone, Debug)]
enum Phase {
    Init,
    InitSleep(Ref, u32),
    Running,
    /// Handling a call or cast that takes time (the timer), then replying (if a call).
    Handling(Ref, Option<(Pid, Ref, Term)>),
    /// A client waiting in `gen_server:call/3` (the monitor, the timeout's timer).
    Calling(Ref, Option<Ref>),
    TerminateSleep(Ref, Term),
}

/// A running worker.
#[derive(Clone, Debug)]
pub struct GenServer {
    spec: Rc<WorkerSpec>,
    /// The process to send `{ack, Pid, Return}` to (none: no one waits).
    starter: Pid,
    phase: Phase,
    /// Counter value / printed count.
    pub value: i64,
    /// Printer: the last thing printed; client: the last reply.
    pub last: Option<Term>,
    /// Client: replies received.
    pub replies: i64,
    /// Client: the timer of the next request.
    tick: Option<Ref>,
}

impl GenServer {
    /// A worker about to run `init/1`; `starter` gets the ack.
    pub fn new(spec: Rc<WorkerSpec>, starter: Pid) -> GenServer {
        let value = spec.initial;
        GenServer {
            spec,
            starter,
            phase: Phase::Init,
            value,
            last: None,
            replies: 0,
            tick: None,
        }
    }

    /// The spec this worker runs.
    pub fn spec(&self) -> &WorkerSpec {
        &self.spec
    }

    /// The callback state as a term (for `:sys.get_state` and the inspector).
    pub fn state_term(&self) -> Term {
        match self.spec.kind {
            WorkerKind::Generic => Term::atom("ready"),
            WorkerKind::Counter => Term::Int(self.value),
            WorkerKind::Printer => Term::tuple(vec![
                Term::atom("printed"),
                Term::Int(self.value),
                self.last.clone().unwrap_or(Term::UNDEFINED),
            ]),
            WorkerKind::Client => self.client_state(),
        }
    }

    pub(crate) fn run(&mut self, w: &mut World, me: Pid) -> Flow {
        match self.phase.clone() {
            Phase::Init => self.init(w, me),
            Phase::InitSleep(tref, attempt) => {
                if w.take_msg(me, |m| matches!(m, Msg::AfterTimeout(t) if *t == tref))
                    .is_some()
                {
                    self.finish_init(w, me, attempt)
                } else {
                    Flow::Wait
                }
            }
            Phase::TerminateSleep(tref, reason) => {
                if w.take_msg(me, |m| matches!(m, Msg::AfterTimeout(t) if *t == tref))
                    .is_some()
                {
                    Flow::Exit(self.spec.terminate_exit.clone().unwrap_or(reason))
                } else {
                    Flow::Wait
                }
            }
            Phase::Handling(tref, reply) => {
                if w.take_msg(me, |m| matches!(m, Msg::AfterTimeout(t) if *t == tref))
                    .is_none()
                {
                    return Flow::Wait;
                }
                if let Some((from, tag, value)) = reply {
                    w.send(me, from, Msg::Reply { tag, value });
                }
                self.phase = Phase::Running;
                Flow::Continue
            }
            Phase::Calling(mref, timer) => self.await_reply(w, me, mref, timer),
            Phase::Running => match w.next_msg(me) {
                Some(msg) => {
                    let flow = self.handle(w, me, msg);
                    self.tell_state(w, me);
                    flow
                }
                None => Flow::Wait,
            },
        }
    }

    fn init(&mut self, w: &mut World, me: Pid) -> Flow {
        if self.spec.trap_exit {
            w.set_trap_exit(me, true);
        }
        let path = w.process(me).map(|p| p.path).unwrap_or(0);
        let attempt = w.next_attempt(path);
        let tag = Term::pair(
            Term::Atom(Atom::WORKER),
            Term::Binary(w.path_name(path).as_bytes().into()),
        );
        w.emit(EventKind::InitStart, me, Pid::NONE, path, &tag);
        if let Some(name) = self.spec.register {
            if !w.register(name, me) {
                let holder = w.whereis(name).map(Term::Pid).unwrap_or(Term::UNDEFINED);
                let reason = Term::pair(Term::Atom(Atom::ALREADY_STARTED), holder);
                w.emit(EventKind::InitResult, me, Pid::NONE, 2, &reason);
                self.ack(w, me, Term::error(reason));
                return Flow::Exit(Term::NORMAL);
            }
        }
        if self.spec.init_delay_us > 0 {
            let tref = w.after(me, self.spec.init_delay_us);
            self.phase = Phase::InitSleep(tref, attempt);
            return Flow::Wait;
        }
        self.finish_init(w, me, attempt)
    }

    fn finish_init(&mut self, w: &mut World, me: Pid, attempt: u32) -> Flow {
        match self.spec.init_result(attempt) {
            InitResult::Ok => {
                w.emit(EventKind::InitResult, me, Pid::NONE, 0, &Term::OK);
                self.ack(w, me, Term::ok(Term::Pid(me)));
                self.phase = Phase::Running;
                self.tell_state(w, me);
                self.schedule(w, me);
                Flow::Continue
            }
            InitResult::Ignore => {
                w.emit(
                    EventKind::InitResult,
                    me,
                    Pid::NONE,
                    1,
                    &Term::Atom(Atom::IGNORE),
                );
                self.ack(w, me, Term::Atom(Atom::IGNORE));
                Flow::Exit(Term::NORMAL)
            }
            InitResult::Stop(reason) => {
                w.emit(EventKind::InitResult, me, Pid::NONE, 2, &reason);
                self.ack(w, me, Term::error(reason.clone()));
                Flow::Exit(reason)
            }
        }
    }

    fn ack(&mut self, w: &mut World, me: Pid, ret: Term) {
        if !self.starter.is_none() {
            w.send(me, self.starter, Msg::Ack { pid: me, ret });
            self.starter = Pid::NONE;
        }
    }

    /// The state to whoever listens for [`EventKind::State`] (the Lab's message history:
    /// a handled message's state before and after).
    fn tell_state(&self, w: &mut World, me: Pid) {
        if w.wants(EventKind::State) {
            w.notify(EventKind::State, me, Pid::NONE, 0, 0, &self.state_term());
        }
    }

    fn handle(&mut self, w: &mut World, me: Pid, msg: Msg) -> Flow {
        let parent = w.process(me).map(|p| p.parent).unwrap_or(Pid::NONE);
        match msg {
            Msg::Exit { from, reason } if from == parent => self.terminate(w, me, reason),
            Msg::Call { from, tag, req } => {
                let reply = self.handle_call(w, me, &req);
                if self.spec.handle_delay_us > 0 {
                    let tref = w.after(me, self.spec.handle_delay_us);
                    self.phase = Phase::Handling(tref, Some((from, tag, reply)));
                    return Flow::Continue;
                }
                w.send(me, from, Msg::Reply { tag, value: reply });
                Flow::Continue
            }
            Msg::Cast(Cast::Stop(reason)) => {
                w.emit(
                    EventKind::Handle,
                    me,
                    Pid::NONE,
                    1,
                    &Term::pair(Term::Atom(Atom::STOP), reason.clone()),
                );
                self.terminate(w, me, reason)
            }
            Msg::Cast(Cast::Term(t)) => {
                w.emit(EventKind::Handle, me, Pid::NONE, 1, &t);
                self.handle_cast(&t);
                if self.spec.handle_delay_us > 0 {
                    let tref = w.after(me, self.spec.handle_delay_us);
                    self.phase = Phase::Handling(tref, None);
                }
                Flow::Continue
            }
            Msg::Cast(Cast::TryAgainRestart(_)) => Flow::Continue,
            Msg::System {
                from,
                tag,
                req: SystemReq::Terminate(reason),
            } => {
                w.send(
                    me,
                    from,
                    Msg::Reply {
                        tag,
                        value: Term::OK,
                    },
                );
                self.terminate(w, me, reason)
            }
            Msg::AfterTimeout(t) if Some(t) == self.tick => {
                self.tick = None;
                self.request(w, me)
            }
            Msg::AfterTimeout(_) => Flow::Continue,
            other => {
                let t = other.to_term();
                w.emit(EventKind::HandleInfo, me, Pid::NONE, 0, &t);
                Flow::Continue
            }
        }
    }

    fn handle_call(&mut self, w: &mut World, me: Pid, req: &Request) -> Term {
        let t = match req {
            Request::Term(t) => t.clone(),
            _ => Term::atom("badcall"),
        };
        w.emit(EventKind::Handle, me, Pid::NONE, 0, &t);
        match self.spec.kind {
            WorkerKind::Generic => Term::OK,
            WorkerKind::Client => Term::error(Term::atom("unknown_call")),
            WorkerKind::Counter => match t.as_atom().map(|a| a.name()) {
                Some(n) if &*n == "get" || &*n == "get_value" || &*n == "value" => {
                    Term::Int(self.value)
                }
                Some(n) if &*n == "increment" => {
                    self.value += 1;
                    Term::Int(self.value)
                }
                _ => Term::error(Term::atom("unknown_call")),
            },
            WorkerKind::Printer => {
                if let Some([tag, msg]) = t
                    .as_tuple()
                    .map(|x| x as &[Term])
                    .and_then(|x| <&[Term; 2]>::try_from(x).ok())
                {
                    if tag.is_atom(Atom::new("print")) {
                        self.value += 1;
                        self.last = Some(msg.clone());
                        return Term::OK;
                    }
                }
                if t.is_atom(Atom::new("count")) || t.is_atom(Atom::new("get_count")) {
                    return Term::Int(self.value);
                }
                Term::error(Term::atom("unknown_call"))
            }
        }
    }

    fn handle_cast(&mut self, t: &Term) {
        match self.spec.kind {
            WorkerKind::Counter => {
                if t.is_atom(Atom::new("increment")) {
                    self.value += 1;
                } else if t.is_atom(Atom::new("reset")) {
                    self.value = 0;
                }
            }
            WorkerKind::Printer => {
                if let Some(items) = t.as_tuple() {
                    if items.len() == 2 && items[0].is_atom(Atom::new("print")) {
                        self.value += 1;
                        self.last = Some(items[1].clone());
                    }
                }
            }
            WorkerKind::Generic | WorkerKind::Client => {}
        }
    }

    /// `terminate/2`, then the process exits (after the configured delay, with the
    /// configured `exit/1` reason if any).
    fn terminate(&mut self, w: &mut World, me: Pid, reason: Term) -> Flow {
        w.emit(EventKind::Terminate, me, Pid::NONE, 0, &reason);
        if self.spec.terminate_delay_us > 0 {
            let tref = w.after(me, self.spec.terminate_delay_us);
            self.phase = Phase::TerminateSleep(tref, reason);
            return Flow::Wait;
        }
        Flow::Exit(self.spec.terminate_exit.clone().unwrap_or(reason))
    }
}
