//! Signals between processes, as the BEAM has them: messages, exit signals from `exit/2`
//! and from linked processes' deaths, links and unlinks, monitors and their `'DOWN'`s,
//! `trap_exit`, and death itself. A signal is queued at the receiver and handled when it
//! is next scheduled, in arrival order (`handle_signals`): `kill` is untrappable and
//! becomes `killed`, `normal` is ignored unless trapped or sent to oneself, a trapping
//! process gets `'EXIT'` messages, and a dying process's links hear first, its monitors
//! second.

use super::World;
use crate::atom::Atom;
use crate::behaviour::Behaviour;
use crate::event::EventKind;
use crate::message::{Msg, Signal};
use crate::pid::{Pid, Ref};
use crate::process::{MonitorEntry, Process};
use crate::term::Term;

impl World {
    pub(super) fn push_signal(&mut self, to: Pid, sig: Signal) -> bool {
        let is_msg = matches!(sig, Signal::Msg { .. });
        let slot = to.slot;
        match self.procs.get_mut(slot as usize) {
            Some(Some(p)) if p.pid == to => {
                p.queue.push_back(sig);
                if let Some(h) = &self.telemetry.queue_high_water {
                    // the mailbox and the signals behind it
                    if p.queue.len() > h.get() {
                        h.set(p.queue.len());
                    }
                }
                if !p.queued {
                    p.queued = true;
                    self.run_queue.push_back(slot);
                }
                true
            }
            _ => {
                if is_msg {
                    self.stats.dropped += 1;
                }
                false
            }
        }
    }

    /// `To ! Msg`. Messages to dead processes vanish.
    pub fn send(&mut self, from: Pid, to: Pid, mut msg: Msg) {
        self.stats.messages += 1;
        let (code, _, payload) = msg.log_parts(from);
        let hash = crate::term::term_hash(&payload);
        if let Msg::User(_, h) = &mut msg {
            *h = hash;
        }
        // the tag is for listeners only
        let tag = if self.wants(EventKind::Send) {
            msg.tag_id()
        } else {
            0
        };
        let sent = self.emit_to(
            EventKind::Send.bit(),
            EventKind::Send,
            from,
            to,
            code,
            payload,
            hash,
            (0, tag),
        );
        self.push_signal(to, Signal::Msg { from, msg, sent });
    }

    /// `exit(To, Reason)`.
    pub fn send_exit(&mut self, from: Pid, to: Pid, reason: Term) {
        let sent = self.emit(EventKind::ExitSignal, from, to, 0, &reason);
        self.push_signal(
            to,
            Signal::Exit {
                from,
                reason,
                link: false,
                sent,
            },
        );
    }

    /// `link(Other)`: false if `other` is not alive (the caller decides between raising
    /// `noproc` and delivering `{'EXIT', Other, noproc}`).
    pub fn link(&mut self, me: Pid, other: Pid) -> bool {
        if me == other {
            return true;
        }
        if !self.is_alive(other) {
            return false;
        }
        let mut fresh = false;
        if let Some(p) = self.process_mut(me) {
            fresh = !p.is_linked(other);
            p.add_link(other);
        }
        if let Some(p) = self.process_mut(other) {
            p.add_link(me);
        }
        if fresh {
            self.emit(EventKind::Link, me, other, 0, &Term::NIL_TERM);
        }
        true
    }

    /// `link/1` as a trapping process sees it: a dead pid yields `{'EXIT', Pid, noproc}`.
    /// Returns false when the caller (not trapping) must raise `noproc`.
    pub fn link_bif(&mut self, me: Pid, other: Pid) -> bool {
        if self.link(me, other) {
            return true;
        }
        let trapping = self.process(me).map(|p| p.trap_exit).unwrap_or(false);
        if trapping {
            self.stats.messages += 1;
            self.push_signal(
                me,
                Signal::Msg {
                    from: other,
                    msg: Msg::Exit {
                        from: other,
                        reason: Term::NOPROC,
                    },
                    sent: 0,
                },
            );
            true
        } else {
            false
        }
    }

    /// `unlink(Other)`: always succeeds.
    pub fn unlink(&mut self, me: Pid, other: Pid) {
        let mut had = false;
        if let Some(p) = self.process_mut(me) {
            had = p.remove_link(other);
        }
        if let Some(p) = self.process_mut(other) {
            p.remove_link(me);
        }
        if had {
            self.emit(EventKind::Unlink, me, other, 0, &Term::NIL_TERM);
        }
    }

    /// `erlang:monitor(process, Target)`: a dead target gives an immediate `'DOWN'` noproc.
    pub fn monitor(&mut self, me: Pid, target: Pid) -> Ref {
        let mref = self.make_ref();
        if me == target {
            // As on ERTS: monitoring yourself returns a reference but installs nothing.
            return mref;
        }
        if let Some(p) = self.process_mut(me) {
            p.monitors.push(MonitorEntry {
                mref,
                other: target,
                watching: true,
            });
        }
        self.emit(
            EventKind::Monitor,
            me,
            target,
            mref.0 as u32,
            &Term::NIL_TERM,
        );
        let alive = if let Some(t) = self.process_mut(target) {
            t.monitors.push(MonitorEntry {
                mref,
                other: me,
                watching: false,
            });
            true
        } else {
            false
        };
        if !alive {
            self.push_signal(
                me,
                Signal::Down {
                    mref,
                    from: target,
                    reason: Term::NOPROC,
                },
            );
        }
        mref
    }

    /// `erlang:demonitor(Ref, Opts)`: returns true if the monitor was still active.
    /// With `flush`, a `'DOWN'` already in the mailbox is removed.
    pub fn demonitor(&mut self, me: Pid, mref: Ref, flush: bool) -> bool {
        let entry = self.process_mut(me).and_then(|p| p.take_monitor(mref));
        if flush {
            while self
                .take_msg(me, |m| matches!(m, Msg::Down { mref: r, .. } if *r == mref))
                .is_some()
            {}
        }
        match entry {
            Some(e) => {
                if let Some(t) = self.process_mut(e.other) {
                    t.take_monitor(mref);
                }
                self.emit(
                    EventKind::Demonitor,
                    me,
                    e.other,
                    mref.0 as u32,
                    &Term::NIL_TERM,
                );
                true
            }
            None => false,
        }
    }

    /// `process_flag(trap_exit, Value)`: returns the old value.
    pub fn set_trap_exit(&mut self, me: Pid, value: bool) -> bool {
        let old = match self.process_mut(me) {
            Some(p) => std::mem::replace(&mut p.trap_exit, value),
            None => return false,
        };
        if old != value {
            self.emit(
                EventKind::TrapExit,
                me,
                Pid::NONE,
                value as u32,
                &Term::NIL_TERM,
            );
        }
        old
    }

    /// Handles every signal waiting for `pid`. Returns the reductions spent, or the exit
    /// reason if a signal kills the process (with the `seq` of the event that sent it).
    pub(super) fn handle_signals(&mut self, pid: Pid) -> Result<u32, (Term, u64)> {
        use crate::event::MsgCode;
        let mut n = 0;
        loop {
            let Some(p) = self.process_mut(pid) else {
                return Ok(n);
            };
            let i = p.processed as usize;
            let Process {
                queue,
                links,
                monitors,
                trap_exit,
                processed,
                ..
            } = p;
            let Some(sig) = queue.get_mut(i) else {
                return Ok(n);
            };
            n += 1;
            // Each arm either keeps the entry as a message (in place) or removes it.
            let mut was_message = false;
            let mut sent_hash = None;
            let mut origin = 0;
            // a message nothing sent (a 'DOWN', a noproc 'EXIT') is known by its arrival
            let mut own = false;
            let event = match sig {
                Signal::Msg { from, msg, sent } => {
                    was_message = true;
                    origin = *sent;
                    own = origin == 0;
                    if let Msg::User(_, h) = msg {
                        sent_hash = Some(*h);
                    }
                    Some(msg.log_parts(*from))
                }
                Signal::Timeout(tref) => {
                    *sig = Signal::Msg {
                        from: Pid::NONE,
                        msg: Msg::AfterTimeout(*tref),
                        sent: 0,
                    };
                    None
                }
                Signal::Exit {
                    from,
                    reason,
                    link,
                    sent,
                } => {
                    let (from, link, sent) = (*from, *link, *sent);
                    if link && !links.remove(from) {
                        queue.remove(i);
                        continue;
                    }
                    if !link && reason.is_atom(Atom::KILL) {
                        return Err((Term::KILLED, sent));
                    }
                    if *trap_exit {
                        let reason = std::mem::replace(reason, Term::NIL_TERM);
                        let payload = reason.clone();
                        *sig = Signal::Msg {
                            from,
                            msg: Msg::Exit { from, reason },
                            sent,
                        };
                        origin = sent;
                        Some((MsgCode::Exit as u32, from, payload))
                    } else if reason.is_atom(Atom::NORMAL) {
                        if !link && from == pid {
                            return Err((Term::NORMAL, sent));
                        }
                        queue.remove(i);
                        continue;
                    } else {
                        return Err((reason.clone(), sent));
                    }
                }
                Signal::Down { mref, from, reason } => {
                    let (mref, from) = (*mref, *from);
                    let reason = std::mem::replace(reason, Term::NIL_TERM);
                    let active = matches!(
                        monitors.take(mref),
                        Some(MonitorEntry { watching: true, .. })
                    );
                    if !active {
                        queue.remove(i);
                        continue;
                    }
                    let payload = reason.clone();
                    queue[i] = Signal::Msg {
                        from,
                        msg: Msg::Down {
                            mref,
                            pid: from,
                            reason,
                        },
                        sent: 0,
                    };
                    origin = mref.id();
                    own = true;
                    Some((MsgCode::Down as u32, from, payload))
                }
            };
            *processed += 1;
            if was_message {
                self.stats.received += 1;
            }
            if let Some((code, other, payload)) = event {
                let h = match sent_hash {
                    Some(h) => h,
                    None => crate::term::term_hash(&payload),
                };
                let seq = self.emit_to(
                    EventKind::Receive.bit(),
                    EventKind::Receive,
                    pid,
                    other,
                    code,
                    payload,
                    h,
                    (0, origin),
                );
                if own {
                    if let Some(Signal::Msg { sent, .. }) =
                        self.process_mut(pid).and_then(|p| p.queue.get_mut(i))
                    {
                        *sent = seq;
                    }
                }
            }
        }
    }

    /// The process dies with `reason`: links get exit signals, monitors get `'DOWN'`s
    /// (links first, so a process holding both sees `'EXIT'` before `'DOWN'`).
    /// `cause` is the `seq` of the exit signal that killed it (0: it exited by itself).
    pub(crate) fn die(&mut self, pid: Pid, reason: Term, cause: u64) {
        let Some(p) = self.procs.get_mut(pid.slot as usize).and_then(|s| {
            if s.as_ref().map(|p| p.pid) == Some(pid) {
                s.take()
            } else {
                None
            }
        }) else {
            return;
        };
        self.live -= 1;
        self.stats.exited += 1;
        self.stats.discarded += p.pending_messages() as u64;
        let mut p = p;
        if p.queue.capacity() <= 64 && self.spare_queues.len() < 1024 {
            let mut q = std::mem::take(&mut p.queue);
            q.clear();
            self.spare_queues.push(q);
        }
        self.free.push(pid.slot);
        if let Some(name) = p.registered {
            self.names.remove(&name);
        }
        let bits = if matches!(p.behaviour, Behaviour::Supervisor(_)) {
            EventKind::Exit.bit() | EventKind::SupervisorExit.bit()
        } else {
            EventKind::Exit.bit()
        };
        let (parent, path) = (p.parent, p.path);
        let h = crate::term::term_hash(&reason);
        self.emit_to(
            bits,
            EventKind::Exit,
            pid,
            parent,
            path,
            reason.clone(),
            h,
            (0, cause),
        );
        for other in p.links.iter() {
            if self.is_alive(other) {
                let sent = self.emit(EventKind::ExitSignal, pid, other, 1, &reason);
                self.push_signal(
                    other,
                    Signal::Exit {
                        from: pid,
                        reason: reason.clone(),
                        link: true,
                        sent,
                    },
                );
            }
        }
        for m in p.monitors.iter() {
            if m.watching {
                if let Some(t) = self.process_mut(m.other) {
                    t.take_monitor(m.mref);
                }
            } else {
                self.push_signal(
                    m.other,
                    Signal::Down {
                        mref: m.mref,
                        from: pid,
                        reason: reason.clone(),
                    },
                );
            }
        }
    }
}
