//! Messages and signals.
//!
//! A [`Signal`] is what travels between processes: a message, an exit signal or a monitor's
//! `'DOWN'`. The receiver turns signals into mailbox [`Msg`]s (or dies of them) when it is
//! scheduled, in arrival order, as the BEAM does. Messages are typed for speed and clarity,
//! but every one has its Erlang form ([`Msg::to_term`]) for logs, traces and the console.

use crate::atom::Atom;
use crate::pid::{Pid, Ref};
use crate::supervisor::api::SupervisorCall;
use crate::term::Term;
use std::rc::Rc;

/// A signal in flight to a process. `sent` is the `seq` of the event that sent it (the
/// `Send`, the `ExitSignal`; for a message nothing sent — a `'DOWN'`, a noproc `'EXIT'` —
/// its `Receive`'s once it arrives), which the receiver's events hand on, so a message's
/// history joins up exactly.
#[derive(Clone, Debug)]
pub enum Signal {
    /// A message from `from`.
    Msg { from: Pid, msg: Msg, sent: u64 },
    /// An exit signal: from `exit/2` (`link == false`) or from a linked process's death.
    Exit {
        from: Pid,
        reason: Term,
        link: bool,
        sent: u64,
    },
    /// A monitor fired.
    Down { mref: Ref, from: Pid, reason: Term },
    /// A `receive … after` timer of this process expired (internal).
    Timeout(Ref),
}

/// A `gen_server` call request.
#[derive(Clone, Debug)]
pub enum Request {
    /// A call of the supervisor's API (`supervisor:which_children/1`…).
    Supervisor(SupervisorCall),
    /// Anything else (worker calls such as `get`).
    Term(Term),
}

/// A `gen_server` cast request.
#[derive(Clone, Debug)]
pub enum Cast {
    /// `{stop, Reason}`: the oracle worker stops itself from `handle_cast/2`.
    Stop(Term),
    /// The supervisor's `{try_again_restart, Key}` to itself.
    TryAgainRestart(Term),
    /// Anything else (`increment`, `{print, Msg}`…).
    Term(Term),
}

/// A system message (`sys` protocol).
#[derive(Clone, Debug)]
pub enum SystemReq {
    /// `sys:terminate(Pid, Reason)`, as used by `gen_server:stop/3`.
    Terminate(Term),
}

/// A command for a raw-family puppet process (see `scenario::runner`'s raw family).
#[derive(Clone, Debug)]
pub enum PuppetCommand {
    Spawn {
        name: Rc<str>,
        trap_exit: bool,
        link: bool,
        monitor: Option<Rc<str>>,
    },
    Link(Pid),
    Unlink(Pid),
    Monitor(Pid, Rc<str>),
    Demonitor(Ref, bool, bool),
    TrapExit(bool),
    Exit(Pid, Term),
    ExitSelf(Term),
    Error(Term),
    Return,
    Send(Pid, Term),
}

/// A message in a mailbox.
#[derive(Clone, Debug)]
pub enum Msg {
    /// `{'EXIT', From, Reason}`.
    Exit { from: Pid, reason: Term },
    /// `{'DOWN', Ref, process, Pid, Reason}`.
    Down { mref: Ref, pid: Pid, reason: Term },
    /// `{'$gen_call', {From, Tag}, Request}`.
    Call { from: Pid, tag: Ref, req: Request },
    /// `{Tag, Reply}`.
    Reply { tag: Ref, value: Term },
    /// `{'$gen_cast', Request}`.
    Cast(Cast),
    /// `{ack, Pid, Return}` from `proc_lib:init_ack/2`.
    Ack { pid: Pid, ret: Term },
    /// `{system, {From, Tag}, Request}`.
    System { from: Pid, tag: Ref, req: SystemReq },
    /// `{timeout, TRef, Msg}` from `erlang:start_timer/3`.
    Timer { tref: Ref, msg: Term },
    /// A scenario driver's command to a puppet.
    Command {
        from: Pid,
        tag: Ref,
        cmd: Rc<PuppetCommand>,
    },
    /// Any other term, with its event-log fingerprint (filled in when it is sent, so
    /// the receive event does not compute it again).
    User(Term, u64),
    /// Internal marker: a `receive … after` timer fired. Never shown as a message.
    AfterTimeout(Ref),
}

impl Msg {
    /// A plain message (`To ! Term`).
    pub fn user(t: Term) -> Msg {
        Msg::User(t, 0)
    }

    /// The tag of a call, a reply or a system message (the reference a caller waits on), as
    /// `Send` events hand it on; 0 for other messages.
    #[inline]
    pub fn tag_id(&self) -> u64 {
        match self {
            Msg::Call { tag, .. } | Msg::Reply { tag, .. } | Msg::System { tag, .. } => tag.id(),
            _ => 0,
        }
    }

    /// The code, peer pid and payload logged for this message in `Send`/`Receive` events.
    #[inline]
    pub fn log_parts(&self, sender: Pid) -> (u32, Pid, Term) {
        use crate::event::MsgCode as C;
        if let Msg::User(t, _) = self {
            return (C::User as u32, sender, t.clone());
        }
        self.log_parts_slow(sender)
    }

    fn log_parts_slow(&self, sender: Pid) -> (u32, Pid, Term) {
        use crate::event::MsgCode as C;
        match self {
            Msg::Exit { from, reason } => (C::Exit as u32, *from, reason.clone()),
            Msg::Down { pid, reason, .. } => (C::Down as u32, *pid, reason.clone()),
            Msg::Call { req, .. } => (C::Call as u32, sender, request_term(req)),
            Msg::Reply { value, .. } => (C::Reply as u32, sender, value.clone()),
            Msg::Cast(c) => (C::Cast as u32, sender, cast_term(c)),
            Msg::Ack { ret, .. } => (C::Ack as u32, sender, ret.clone()),
            Msg::System { req, .. } => (C::System as u32, sender, system_term(req)),
            Msg::Timer { msg, .. } => (C::Timer as u32, sender, msg.clone()),
            Msg::Command { .. } => (C::Command as u32, sender, Term::atom("$cmd")),
            Msg::User(t, _) => (C::User as u32, sender, t.clone()),
            Msg::AfterTimeout(_) => (0, sender, Term::TIMEOUT_MARK),
        }
    }

    /// The message as the Erlang term a process would receive (OTP 25's: a call's tag is
    /// `[alias|Ref]`, and so is its reply's).
    pub fn to_term(&self) -> Term {
        match self {
            Msg::Exit { from, reason } => Term::tuple(vec![
                Term::Atom(Atom::EXIT),
                Term::Pid(*from),
                reason.clone(),
            ]),
            Msg::Down { mref, pid, reason } => Term::tuple(vec![
                Term::Atom(Atom::DOWN),
                Term::Ref(*mref),
                Term::Atom(Atom::PROCESS),
                Term::Pid(*pid),
                reason.clone(),
            ]),
            Msg::Call { from, tag, req } => Term::tuple(vec![
                Term::atom("$gen_call"),
                Term::pair(Term::Pid(*from), alias_tag(*tag)),
                request_term(req),
            ]),
            Msg::Reply { tag, value } => Term::pair(alias_tag(*tag), value.clone()),
            Msg::Cast(c) => Term::pair(Term::atom("$gen_cast"), cast_term(c)),
            Msg::Ack { pid, ret } => {
                Term::tuple(vec![Term::atom("ack"), Term::Pid(*pid), ret.clone()])
            }
            Msg::System { from, tag, req } => Term::tuple(vec![
                Term::atom("system"),
                Term::pair(Term::Pid(*from), alias_tag(*tag)),
                system_term(req),
            ]),
            Msg::Timer { tref, msg } => Term::tuple(vec![
                Term::Atom(Atom::TIMEOUT),
                Term::Ref(*tref),
                msg.clone(),
            ]),
            Msg::Command { from, tag, .. } => {
                Term::tuple(vec![Term::atom("$cmd"), Term::Pid(*from), Term::Ref(*tag)])
            }
            Msg::User(t, _) => t.clone(),
            Msg::AfterTimeout(_) => Term::TIMEOUT_MARK,
        }
    }

    /// True for real messages (not the internal timeout marker).
    pub fn is_real(&self) -> bool {
        !matches!(self, Msg::AfterTimeout(_))
    }
}

impl Term {
    /// What an internal timeout marker prints as (never a real message).
    pub const TIMEOUT_MARK: Term = Term::Atom(Atom::TIMEOUT);
}

/// A call's tag as OTP 25's `gen:call/4` makes it: `[alias|Ref]` (the reply goes to the
/// monitor's alias).
pub fn alias_tag(tag: Ref) -> Term {
    Term::Improper(Rc::from(vec![Term::atom("alias"), Term::Ref(tag)]))
}

fn request_term(req: &Request) -> Term {
    match req {
        Request::Supervisor(call) => call.to_term(),
        Request::Term(t) => t.clone(),
    }
}

fn cast_term(c: &Cast) -> Term {
    match c {
        Cast::Stop(r) => Term::pair(Term::Atom(Atom::STOP), r.clone()),
        Cast::TryAgainRestart(k) => Term::pair(Term::atom("try_again_restart"), k.clone()),
        Cast::Term(t) => t.clone(),
    }
}

fn system_term(req: &SystemReq) -> Term {
    match req {
        SystemReq::Terminate(r) => Term::pair(Term::atom("terminate"), r.clone()),
    }
}
