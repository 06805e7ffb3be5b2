//! The scheduler: one run queue, FIFO. A process is activated when it has signals; it
//! first handles every signal that arrived (`signals.rs`), then its behaviour runs until it
//! blocks in a receive, exits, or spends its reductions budget and goes to the back of the
//! queue. When nothing is runnable, the clock jumps to the next timer. Behaviours read
//! their mailbox through the receive functions here.

use super::World;
use crate::behaviour::Flow;
use crate::event::EventKind;
use crate::message::{Msg, Signal};
use crate::pid::Pid;
use crate::term::Term;

impl World {
    /// Runs one activation, or fires the next timers if nothing is runnable.
    /// Returns false when there is nothing left to do at all.
    pub fn step(&mut self) -> bool {
        if let Some(slot) = self.run_queue.pop_front() {
            self.activate(slot);
            return true;
        }
        if let Some(t) = self.next_timer() {
            self.fire_timers_at(t);
            return true;
        }
        false
    }

    /// Runs activations until nothing is runnable (virtual time does not move).
    /// Stops early after `max_activations` (a guard against livelock); returns true if idle.
    pub fn run_until_idle(&mut self, max_activations: u64) -> bool {
        let mut n = 0;
        while let Some(slot) = self.run_queue.pop_front() {
            self.activate(slot);
            n += 1;
            if n >= max_activations {
                return self.run_queue.is_empty();
            }
        }
        true
    }

    /// Runs everything due up to virtual time `t` (timers included), then sets the
    /// clock to `t` (if it is in the future).
    pub fn run_until(&mut self, t: u64) {
        loop {
            self.run_until_idle(u64::MAX);
            match self.next_timer() {
                Some(at) if at <= t => self.fire_timers_at(at),
                _ => break,
            }
        }
        self.move_clock(t);
    }

    /// Runs at most `budget` steps (activations or timer firings); returns true if
    /// anything is left to do.
    pub fn run_for(&mut self, budget: u64) -> bool {
        for _ in 0..budget {
            if !self.step() {
                return false;
            }
        }
        !self.run_queue.is_empty() || self.next_timer().is_some()
    }

    /// Moves the clock forward to `t` without running anything (no-op if `t` is past).
    pub fn advance_to(&mut self, t: u64) {
        self.move_clock(t);
    }

    /// Sets the clock to `t` if that is later, telling the clock handlers.
    #[inline]
    pub(super) fn move_clock(&mut self, t: u64) {
        if t > self.now {
            self.now = t;
            self.telemetry.tick(t);
        }
    }

    fn activate(&mut self, slot: u32) {
        let pid = match self.procs.get(slot as usize) {
            Some(Some(p)) => p.pid,
            _ => return,
        };
        self.stats.activations += 1;
        let budget = self.reductions_per_slice;
        let mut spent: u32 = 0;
        loop {
            match self.handle_signals(pid) {
                Ok(n) => spent += n,
                Err((reason, cause)) => {
                    self.die(pid, reason, cause);
                    return;
                }
            }
            loop {
                let mut b = match self.process_mut(pid) {
                    Some(p) => std::mem::take(&mut p.behaviour),
                    None => return,
                };
                let flow = b.run(self, pid);
                spent += 1;
                match flow {
                    Flow::Exit(reason) => {
                        // back in place: `die` tells a supervisor's exit by it
                        if let Some(p) = self.process_mut(pid) {
                            p.behaviour = b;
                        }
                        self.die(pid, reason, 0);
                        return;
                    }
                    Flow::Continue => {
                        if let Some(p) = self.process_mut(pid) {
                            p.behaviour = b;
                        }
                        if spent >= budget {
                            self.requeue(pid, spent);
                            return;
                        }
                    }
                    Flow::Wait => {
                        if let Some(p) = self.process_mut(pid) {
                            p.behaviour = b;
                        }
                        break;
                    }
                }
            }
            let Some(p) = self.process_mut(pid) else {
                return;
            };
            if p.pending_signals() == 0 {
                p.queued = false;
                p.reductions = p.reductions.saturating_add(spent);
                return;
            }
            if spent >= budget {
                self.requeue(pid, spent);
                return;
            }
        }
    }

    fn requeue(&mut self, pid: Pid, spent: u32) {
        if let Some(p) = self.process_mut(pid) {
            p.reductions = p.reductions.saturating_add(spent);
            p.queued = true;
            self.run_queue.push_back(pid.slot);
        }
    }

    /// True if nothing is runnable (timers may still be pending).
    pub fn is_idle(&self) -> bool {
        self.run_queue.is_empty()
    }

    /// Removes and returns the first message in `me`'s mailbox.
    #[inline]
    pub(crate) fn next_msg(&mut self, me: Pid) -> Option<Msg> {
        if self.wants(EventKind::Take) {
            return self.take_msg_told(me, &mut |_| true);
        }
        let p = self.process_mut(me)?;
        if p.processed == 0 {
            return None;
        }
        p.processed -= 1;
        match p.queue.pop_front() {
            Some(Signal::Msg { msg, .. }) => Some(msg),
            _ => None,
        }
    }

    /// True if `me` has messages in its mailbox (a behaviour that just handled one can
    /// answer `Wait` instead of being run again for nothing).
    #[inline]
    pub(crate) fn has_mail(&self, me: Pid) -> bool {
        self.process(me).is_some_and(|p| p.processed > 0)
    }

    /// Selective receive: removes and returns the first message matching `pred`.
    #[inline]
    pub(crate) fn take_msg(&mut self, me: Pid, mut pred: impl FnMut(&Msg) -> bool) -> Option<Msg> {
        if self.wants(EventKind::Take) {
            return self.take_msg_told(me, &mut pred);
        }
        self.process_mut(me)?.take_msg(pred)
    }

    /// [`World::take_msg`] telling [`EventKind::Take`]'s listeners (off the hot path: the
    /// simulator pays one test per receive when nobody listens).
    #[cold]
    #[inline(never)]
    fn take_msg_told(&mut self, me: Pid, pred: &mut dyn FnMut(&Msg) -> bool) -> Option<Msg> {
        let (skipped, from, sent, msg) = self.process_mut(me)?.take_msg_at(pred)?;
        if msg.is_real() {
            self.notify(EventKind::Take, me, from, skipped, sent, &Term::NIL_TERM);
        }
        Some(msg)
    }
}
