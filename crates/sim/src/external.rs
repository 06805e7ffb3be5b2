//! The world driven from outside. A process with the `External` behaviour — the scenario
//! runner's driver, the lab's shell — never runs: whoever owns the world acts for it. It
//! spawns trees under that process, reads its mailbox ([`take`], [`receive`]) and calls
//! servers from it ([`call`]): `gen_server:call/3` made from outside, the one way both the
//! scenario runner and the lab do it — monitor the server, send the call, let the world
//! run until the reply or the `'DOWN'` arrives or the deadline passes, demonitor.

use crate::behaviour::Behaviour;
use crate::message::{Msg, Request};
use crate::pid::{Pid, Ref};
use crate::term::Term;
use crate::world::{SpawnOpts, World};

/// An owner of a world that can run it: the work due now, then the next instant
/// something is due (the world's timers and whatever the owner schedules itself, such as
/// a fault script).
pub trait Drive {
    /// Why the world cannot go on (it does not settle, the run is too large…).
    type Error;
    /// The world driven.
    fn world_mut(&mut self) -> &mut World;
    /// Runs everything runnable at the current instant.
    fn run_idle(&mut self) -> Result<(), Self::Error>;
    /// The next instant something is scheduled, if any.
    fn next_time(&mut self) -> Option<u64>;
    /// Moves the clock to `t` and fires what is due then.
    fn fire_at(&mut self, t: u64);
}

/// What a call from outside came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The server replied.
    Reply(Term),
    /// The server died (or was not alive): the `'DOWN'` reason.
    Down(Term),
    /// Nothing came before the deadline (the monitor is gone; a late reply stays unread).
    NoAnswer,
}

/// Spawns a process driven from outside: a test driver traps exits (its linked
/// processes' exits become `'EXIT'` messages), a shell does not (it dies with them).
pub fn spawn_external(w: &mut World, trap_exit: bool) -> Pid {
    let opts = SpawnOpts {
        trap_exit,
        ..SpawnOpts::default()
    };
    w.spawn(Pid::NONE, Behaviour::External, opts).0
}

/// Spawns `behaviour` linked to the external process `me`, at tree path `path` (a world
/// path id): the first half of `supervisor:start_link/2`; the start's `{ack, …}` arrives
/// in `me`'s mailbox.
pub fn start_link(w: &mut World, me: Pid, behaviour: Behaviour, path: u32) -> Pid {
    let opts = SpawnOpts {
        link: true,
        path,
        ..SpawnOpts::default()
    };
    w.spawn(me, behaviour, opts).0
}

/// Takes the first message matching `pred` from the mailbox of `me`, an external process,
/// without running anything (None if there is none, or `me` is not external).
pub fn take(w: &mut World, me: Pid, pred: impl FnMut(&Msg) -> bool) -> Option<Msg> {
    let external = w
        .process(me)
        .is_some_and(|p| matches!(p.behaviour, Behaviour::External));
    if external {
        w.take_msg(me, pred)
    } else {
        None
    }
}

/// Runs the world until the external process `me` has a message matching `pred`, and
/// takes it; None if none came by `deadline` (virtual µs; nothing due after it has run).
pub fn receive<D: Drive>(
    d: &mut D,
    me: Pid,
    deadline: u64,
    mut pred: impl FnMut(&Msg) -> bool,
) -> Result<Option<Msg>, D::Error> {
    loop {
        d.run_idle()?;
        if let Some(m) = take(d.world_mut(), me, &mut pred) {
            return Ok(Some(m));
        }
        match d.next_time() {
            Some(t) if t <= deadline => d.fire_at(t),
            _ => return Ok(None),
        }
    }
}

/// `gen_server:call(To, Request)` from the external process `me`, waiting until
/// `deadline` (virtual µs).
pub fn call<D: Drive>(
    d: &mut D,
    me: Pid,
    to: Pid,
    req: Request,
    deadline: u64,
) -> Result<Answer, D::Error> {
    request(d, me, to, deadline, |from, tag| Msg::Call {
        from,
        tag,
        req,
    })
}

/// Sends `make(me, tag)` to `to` under a monitor whose reference is the tag, and waits
/// until `deadline` for `{Tag, Reply}` or the `'DOWN'`. The monitor is removed (a
/// `'DOWN'` already in the mailbox flushed with it) after a reply and when nothing came.
pub fn request<D: Drive>(
    d: &mut D,
    me: Pid,
    to: Pid,
    deadline: u64,
    make: impl FnOnce(Pid, Ref) -> Msg,
) -> Result<Answer, D::Error> {
    let w = d.world_mut();
    let mref = w.monitor(me, to);
    w.send(me, to, make(me, mref));
    let got = receive(d, me, deadline, |m| is_answer(m, mref))?;
    Ok(match got {
        Some(Msg::Down { reason, .. }) => Answer::Down(reason),
        Some(Msg::Reply { value, .. }) => {
            d.world_mut().demonitor(me, mref, true);
            Answer::Reply(value)
        }
        _ => {
            d.world_mut().demonitor(me, mref, true);
            Answer::NoAnswer
        }
    })
}

/// The reply tagged `mref`, or the `'DOWN'` of the monitor `mref`.
pub fn is_answer(m: &Msg, mref: Ref) -> bool {
    matches!(m, Msg::Reply { tag, .. } if *tag == mref)
        || matches!(m, Msg::Down { mref: r, .. } if *r == mref)
}
