//! Timers: `receive … after`, `erlang:start_timer/3`, `erlang:send_after/3` and
//! `cancel_timer/1`, in a heap keyed by virtual time (ties fire in the order they were
//! set). Cancelled timers are dropped lazily, when they reach the top.

use super::World;
use crate::event::EventKind;
use crate::message::{Msg, Signal};
use crate::pid::{Pid, Ref};
use crate::term::Term;
use std::cmp::Reverse;

#[derive(Clone, Debug)]
pub(super) enum TimerAction {
    /// Wake the process's `receive … after`.
    After,
    /// Deliver a message to the owner.
    Message(Msg),
}

#[derive(Clone, Debug)]
pub(super) struct Timer {
    pub(super) pid: Pid,
    pub(super) tref: Ref,
    pub(super) action: TimerAction,
}

impl World {
    /// The time of the next pending timer (cancelled timers are dropped on the way).
    pub fn next_timer(&mut self) -> Option<u64> {
        while let Some(Reverse((t, _, key))) = self.timers.peek().copied() {
            if self.timer_data.contains_key(&key) {
                return Some(t);
            }
            self.timers.pop();
        }
        None
    }

    fn add_timer(&mut self, pid: Pid, tref: Ref, after_us: u64, action: TimerAction) -> Ref {
        let at = self.now.saturating_add(after_us);
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, tref.0)));
        self.timer_data.insert(tref.0, Timer { pid, tref, action });
        tref
    }

    /// Arms a `receive … after` timer for `me`: when it expires the process finds
    /// `Msg::AfterTimeout(tref)` in its mailbox.
    pub fn after(&mut self, me: Pid, after_us: u64) -> Ref {
        let tref = self.make_ref();
        self.add_timer(me, tref, after_us, TimerAction::After)
    }

    /// `erlang:start_timer(Ms, self(), Msg)`: delivers `{timeout, TRef, Msg}`.
    pub fn start_timer(&mut self, me: Pid, after_us: u64, msg: Term) -> Ref {
        let tref = self.make_ref();
        self.add_timer(
            me,
            tref,
            after_us,
            TimerAction::Message(Msg::Timer { tref, msg }),
        )
    }

    /// `erlang:send_after(Ms, To, Msg)`.
    pub fn send_after(&mut self, to: Pid, after_us: u64, msg: Term) -> Ref {
        let tref = self.make_ref();
        self.add_timer(to, tref, after_us, TimerAction::Message(Msg::user(msg)))
    }

    /// `erlang:cancel_timer(TRef)`: true if it had not fired yet.
    pub fn cancel_timer(&mut self, tref: Ref) -> bool {
        self.timer_data.remove(&tref.0).is_some()
    }

    /// Advances the clock to `t` and fires every timer due then.
    pub fn fire_timers_at(&mut self, t: u64) {
        self.move_clock(t);
        while let Some(Reverse((at, _, key))) = self.timers.peek().copied() {
            if at > t {
                break;
            }
            self.timers.pop();
            let Some(timer) = self.timer_data.remove(&key) else {
                continue;
            };
            match timer.action {
                TimerAction::After => {
                    self.push_signal(timer.pid, Signal::Timeout(timer.tref));
                }
                TimerAction::Message(msg) => {
                    let (code, _, payload) = msg.log_parts(Pid::NONE);
                    let sent = self.emit(EventKind::Send, Pid::NONE, timer.pid, code, &payload);
                    self.push_signal(
                        timer.pid,
                        Signal::Msg {
                            from: Pid::NONE,
                            msg,
                            sent,
                        },
                    );
                }
            }
        }
    }
}
