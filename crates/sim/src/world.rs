//! The world: process table, scheduler, virtual clock and the BIFs behaviours call.
//!
//! One thread, one run queue, FIFO. A process is activated when it has signals; it first
//! handles every signal that arrived (messages enter its mailbox, exit signals kill it or
//! become `'EXIT'` messages, `'DOWN'`s arrive), then its behaviour runs until it blocks in a
//! receive, exits, or spends its reductions budget and goes to the back of the queue.
//! When nothing is runnable, the clock jumps to the next timer. Nothing reads the wall
//! clock; all randomness comes from the world's seeded [`Rng`].

use crate::atom::Atom;
use crate::behaviour::{Behaviour, Flow};
use crate::event::{Event, EventKind, Telemetry};
use crate::log::{EventLog, DEFAULT_CAPACITY};
use crate::message::{Msg, Signal};
use crate::pid::{Pid, Ref};
use crate::process::{MonitorEntry, Process};
use crate::rng::Rng;
use crate::term::Term;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet, VecDeque};
use std::rc::Rc;

/// Reductions a process may spend in one activation before it yields.
pub const REDUCTIONS_PER_SLICE: u32 = 2000;

/// Settings of a world; the defaults are what the CLI and the site use.
#[derive(Clone, Debug)]
pub struct Config {
    /// Seed of the world's random number generator. Default 0.
    pub seed: u64,
    /// Events kept in the log's ring. Default [`DEFAULT_CAPACITY`].
    pub log_capacity: usize,
    /// Reductions per activation. Default [`REDUCTIONS_PER_SLICE`].
    pub reductions_per_slice: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 0,
            log_capacity: DEFAULT_CAPACITY,
            reductions_per_slice: REDUCTIONS_PER_SLICE,
        }
    }
}

/// Options of [`World::spawn`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SpawnOpts {
    /// Link the new process to its parent.
    pub link: bool,
    /// Monitor the new process from its parent.
    pub monitor: bool,
    /// Initial `trap_exit` flag.
    pub trap_exit: bool,
    /// Interned path (0: none).
    pub path: u32,
}

#[derive(Clone, Debug)]
enum TimerAction {
    /// Wake the process's `receive … after`.
    After,
    /// Deliver a message to the owner.
    Message(Msg),
}

#[derive(Clone, Debug)]
struct Timer {
    pid: Pid,
    tref: Ref,
    action: TimerAction,
}

/// Counters of what the world has done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub spawned: u64,
    pub exited: u64,
    /// Messages sent (`!`, calls, replies, casts, acks, timer messages).
    pub messages: u64,
    /// Messages that reached a mailbox.
    pub received: u64,
    /// Messages sent to a process that was already dead (they vanish, as on the BEAM).
    pub dropped: u64,
    /// Messages that had reached a dying process but not yet its mailbox.
    pub discarded: u64,
    pub activations: u64,
}

/// The simulated node.
pub struct World {
    procs: Vec<Option<Process>>,
    free: Vec<u32>,
    next_serial: u32,
    live: usize,
    run_queue: VecDeque<u32>,
    now: u64,
    timers: BinaryHeap<Reverse<(u64, u64, u64)>>,
    timer_data: HashMap<u64, Timer>,
    timer_seq: u64,
    next_ref: u64,
    reductions_per_slice: u32,
    names: BTreeMap<Atom, Pid>,
    paths: Vec<Rc<str>>,
    path_index: HashMap<Rc<str>, u32>,
    /// `init` attempts per path (counted across restarts), for scripted init results.
    attempts: HashMap<u32, u32>,
    /// The world's random number generator.
    pub rng: Rng,
    /// The event log.
    pub log: EventLog,
    /// The telemetry bus.
    pub telemetry: Telemetry,
    stats: Stats,
    /// Emptied queues of dead processes, reused by new ones (saves an allocation per
    /// process lifetime; bounded).
    spare_queues: Vec<VecDeque<Signal>>,
}

impl World {
    /// A new, empty world.
    pub fn new(config: Config) -> World {
        World {
            procs: Vec::new(),
            free: Vec::new(),
            next_serial: 1,
            live: 0,
            run_queue: VecDeque::new(),
            now: 0,
            timers: BinaryHeap::new(),
            timer_data: HashMap::default(),
            timer_seq: 0,
            next_ref: 1,
            reductions_per_slice: config.reductions_per_slice.max(1),
            names: BTreeMap::new(),
            paths: vec![Rc::from("")],
            path_index: HashMap::default(),
            attempts: HashMap::default(),
            rng: Rng::new(config.seed),
            log: EventLog::new(config.log_capacity),
            telemetry: Telemetry::default(),
            stats: Stats::default(),
            spare_queues: Vec::new(),
        }
    }

    // ------------------------------------------------------------------ queries

    /// Virtual time in microseconds.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Number of live processes.
    pub fn process_count(&self) -> usize {
        self.live
    }

    /// Counters of work done.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The live process with this pid.
    pub fn process(&self, pid: Pid) -> Option<&Process> {
        match self.procs.get(pid.slot as usize) {
            Some(Some(p)) if p.pid == pid => Some(p),
            _ => None,
        }
    }

    pub(crate) fn process_mut(&mut self, pid: Pid) -> Option<&mut Process> {
        match self.procs.get_mut(pid.slot as usize) {
            Some(Some(p)) if p.pid == pid => Some(p),
            _ => None,
        }
    }

    /// True if `pid` is alive.
    pub fn is_alive(&self, pid: Pid) -> bool {
        self.process(pid).is_some()
    }

    /// Every live process, in slot order.
    pub fn processes(&self) -> impl Iterator<Item = &Process> {
        self.procs.iter().filter_map(|p| p.as_ref())
    }

    /// The pid registered under `name`.
    pub fn whereis(&self, name: Atom) -> Option<Pid> {
        self.names.get(&name).copied()
    }

    /// True if nothing is runnable (timers may still be pending).
    pub fn is_idle(&self) -> bool {
        self.run_queue.is_empty()
    }

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

    /// Interns a path; returns its id (never 0).
    pub fn intern_path(&mut self, path: &str) -> u32 {
        if let Some(&i) = self.path_index.get(path) {
            return i;
        }
        let rc: Rc<str> = Rc::from(path);
        let i = self.paths.len() as u32;
        self.paths.push(rc.clone());
        self.path_index.insert(rc, i);
        i
    }

    /// The path with this id ("" for 0 or unknown ids).
    pub fn path_name(&self, id: u32) -> &str {
        self.paths.get(id as usize).map(|s| &**s).unwrap_or("")
    }

    /// The id of an interned path (0 if it never was).
    pub fn path_id(&self, path: &str) -> u32 {
        self.path_index.get(path).copied().unwrap_or(0)
    }

    /// The bytes of the path with this id, shared (no copy).
    pub(crate) fn path_bytes(&self, id: u32) -> Rc<[u8]> {
        Rc::from(
            self.paths
                .get(id as usize)
                .unwrap_or(&self.paths[0])
                .clone(),
        )
    }

    /// The path id of a live process (0 if it has none or is not alive).
    pub(crate) fn path_id_of(&self, pid: Pid) -> u32 {
        self.process(pid).map_or(0, |p| p.path)
    }

    /// The path of a live process ("" if it has none).
    pub fn path_of(&self, pid: Pid) -> &str {
        self.process(pid)
            .map(|p| self.path_name(p.path))
            .unwrap_or("")
    }

    /// Counts one more `init` attempt for `path`; returns the attempt number (1-based).
    pub(crate) fn next_attempt(&mut self, path: u32) -> u32 {
        let n = self.attempts.entry(path).or_insert(0);
        *n += 1;
        *n
    }

    // ------------------------------------------------------------------ events

    /// Logs an event and hands it to attached handlers.
    #[inline]
    pub fn emit(&mut self, kind: EventKind, pid: Pid, other: Pid, info: u32, term: &Term) {
        self.emit_owned(kind, pid, other, info, term.clone());
    }

    /// [`World::emit`] for a term the caller no longer needs (saves a clone).
    #[inline]
    pub fn emit_owned(&mut self, kind: EventKind, pid: Pid, other: Pid, info: u32, term: Term) {
        self.emit_for(kind.bit(), kind, pid, other, info, term, 0);
    }

    /// [`World::emit_owned`] for the handlers attached to any kind in `bits` (the event's
    /// own kind and a narrower subscription, as [`EventKind::SupervisorInit`]), about the
    /// tree path `path` (a world path id, which handlers then get in [`Event::path`]: a
    /// supervisor's report about a child that is gone; 0 for the path the kind implies).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn emit_for(
        &mut self,
        bits: u32,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        term: Term,
        path: u32,
    ) {
        let h = crate::log::term_hash(&term);
        self.emit_to(bits, kind, pid, other, info, term, h, path);
    }

    /// Logs an event whose term's fingerprint is known, for the handlers attached to any
    /// kind in `bits` (the `Exit` of a supervisor also goes to
    /// [`EventKind::SupervisorExit`]); handlers get `path`, or (for 0) the path the kind
    /// implies.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn emit_to(
        &mut self,
        bits: u32,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        term: Term,
        hash: u64,
        path: u32,
    ) {
        let seq = self
            .log
            .push_hashed(self.now, kind, pid, other, info, term, hash);
        self.telemetry.count(kind);
        if self.telemetry.wants_any(bits) {
            let path = match kind {
                _ if path != 0 => path,
                EventKind::InitStart => info,
                EventKind::ChildStarted => self.path_id_of(other),
                _ => 0,
            };
            let ev = Event {
                path,
                seq,
                time: self.now,
                kind,
                pid,
                other,
                info,
                term: self.log.last_term(),
            };
            self.telemetry.dispatch(&ev, bits);
        }
    }

    pub(crate) fn make_ref(&mut self) -> Ref {
        let r = Ref(self.next_ref);
        self.next_ref += 1;
        r
    }

    // ------------------------------------------------------------------ BIFs

    /// Spawns a process running `behaviour`; it is runnable at once.
    pub fn spawn(
        &mut self,
        parent: Pid,
        behaviour: Behaviour,
        opts: SpawnOpts,
    ) -> (Pid, Option<Ref>) {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1).max(1);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.procs.push(None);
                (self.procs.len() - 1) as u32
            }
        };
        let pid = Pid { slot, serial };
        let name = behaviour.name();
        let mut p = Process::new(pid, parent, behaviour);
        if let Some(q) = self.spare_queues.pop() {
            p.queue = q;
        }
        p.trap_exit = opts.trap_exit;
        p.path = opts.path;
        p.queued = true;
        self.procs[slot as usize] = Some(p);
        self.live += 1;
        self.stats.spawned += 1;
        self.run_queue.push_back(slot);
        self.emit_owned(EventKind::Spawn, pid, parent, opts.path, Term::Atom(name));
        if opts.link && self.is_alive(parent) {
            if let Some(pp) = self.process_mut(parent) {
                pp.add_fresh_link(pid);
            }
            if let Some(cp) = self.process_mut(pid) {
                cp.add_fresh_link(parent);
            }
            self.emit(EventKind::Link, parent, pid, 0, &Term::NIL_TERM);
        }
        let mref = if opts.monitor && self.is_alive(parent) {
            Some(self.monitor(parent, pid))
        } else {
            None
        };
        (pid, mref)
    }

    fn push_signal(&mut self, to: Pid, sig: Signal) -> bool {
        let is_msg = matches!(sig, Signal::Msg { .. });
        let slot = to.slot;
        match self.procs.get_mut(slot as usize) {
            Some(Some(p)) if p.pid == to => {
                p.queue.push_back(sig);
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
        let hash = crate::log::term_hash(&payload);
        if let Msg::User(_, h) = &mut msg {
            *h = hash;
        }
        self.emit_to(
            EventKind::Send.bit(),
            EventKind::Send,
            from,
            to,
            code,
            payload,
            hash,
            0,
        );
        self.push_signal(to, Signal::Msg { from, msg });
    }

    /// `exit(To, Reason)`.
    pub fn send_exit(&mut self, from: Pid, to: Pid, reason: Term) {
        self.emit(EventKind::ExitSignal, from, to, 0, &reason);
        self.push_signal(
            to,
            Signal::Exit {
                from,
                reason,
                link: false,
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
        let entry = self.process_mut(me).and_then(|p| {
            let e = p.take_monitor(mref);
            if flush {
                p.flush_msgs(|m| matches!(m, Msg::Down { mref: r, .. } if *r == mref));
            }
            e
        });
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

    /// `register(Name, Pid)`: false if the name is taken or the process is dead.
    pub fn register(&mut self, name: Atom, pid: Pid) -> bool {
        if self.names.contains_key(&name) || !self.is_alive(pid) {
            return false;
        }
        self.names.insert(name, pid);
        if let Some(p) = self.process_mut(pid) {
            p.registered = Some(name);
        }
        self.emit(EventKind::Register, pid, Pid::NONE, 0, &Term::Atom(name));
        true
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

    /// Removes and returns the first message in `me`'s mailbox.
    pub(crate) fn next_msg(&mut self, me: Pid) -> Option<Msg> {
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
    pub(crate) fn take_msg(&mut self, me: Pid, pred: impl FnMut(&Msg) -> bool) -> Option<Msg> {
        self.process_mut(me)?.take_msg(pred)
    }

    /// The trap_exit flag of `me`.
    pub fn trap_exit(&self, me: Pid) -> bool {
        self.process(me).map(|p| p.trap_exit).unwrap_or(false)
    }

    // ------------------------------------------------------------------ scheduler

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
    fn move_clock(&mut self, t: u64) {
        if t > self.now {
            self.now = t;
            self.telemetry.tick(t);
        }
    }

    /// The live process whose path is `path` (the newest, if several).
    pub fn whereis_path(&self, path: &str) -> Option<Pid> {
        let id = *self.path_index.get(path)?;
        self.processes()
            .filter(|p| p.path == id)
            .map(|p| p.pid)
            .max()
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
                    self.emit(EventKind::Send, Pid::NONE, timer.pid, code, &payload);
                    self.push_signal(
                        timer.pid,
                        Signal::Msg {
                            from: Pid::NONE,
                            msg,
                        },
                    );
                }
            }
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
                Err(reason) => {
                    self.die(pid, reason);
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
                        self.die(pid, reason);
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

    /// Handles every signal waiting for `pid`. Returns the reductions spent, or the exit
    /// reason if a signal kills the process.
    fn handle_signals(&mut self, pid: Pid) -> Result<u32, Term> {
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
            let event = match sig {
                Signal::Msg { from, msg } => {
                    was_message = true;
                    if let Msg::User(_, h) = msg {
                        sent_hash = Some(*h);
                    }
                    Some(msg.log_parts(*from))
                }
                Signal::Timeout(tref) => {
                    *sig = Signal::Msg {
                        from: Pid::NONE,
                        msg: Msg::AfterTimeout(*tref),
                    };
                    None
                }
                Signal::Exit { from, reason, link } => {
                    let (from, link) = (*from, *link);
                    if link && !links.remove(from) {
                        queue.remove(i);
                        continue;
                    }
                    if !link && reason.is_atom(Atom::KILL) {
                        return Err(Term::KILLED);
                    }
                    if *trap_exit {
                        let reason = std::mem::replace(reason, Term::NIL_TERM);
                        let payload = reason.clone();
                        *sig = Signal::Msg {
                            from,
                            msg: Msg::Exit { from, reason },
                        };
                        Some((MsgCode::Exit as u32, from, payload))
                    } else if reason.is_atom(Atom::NORMAL) {
                        if !link && from == pid {
                            return Err(Term::NORMAL);
                        }
                        queue.remove(i);
                        continue;
                    } else {
                        return Err(reason.clone());
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
                    };
                    Some((MsgCode::Down as u32, from, payload))
                }
            };
            *processed += 1;
            if was_message {
                self.stats.received += 1;
            }
            if let Some((code, other, payload)) = event {
                match sent_hash {
                    Some(h) => self.emit_to(
                        EventKind::Receive.bit(),
                        EventKind::Receive,
                        pid,
                        other,
                        code,
                        payload,
                        h,
                        0,
                    ),
                    None => self.emit_owned(EventKind::Receive, pid, other, code, payload),
                }
            }
        }
    }

    /// The process dies with `reason`: links get exit signals, monitors get `'DOWN'`s
    /// (links first, so a process holding both sees `'EXIT'` before `'DOWN'`).
    pub(crate) fn die(&mut self, pid: Pid, reason: Term) {
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
        self.emit_for(bits, EventKind::Exit, pid, parent, path, reason.clone(), 0);
        for other in p.links.iter() {
            if self.is_alive(other) {
                self.emit(EventKind::ExitSignal, pid, other, 1, &reason);
                self.push_signal(
                    other,
                    Signal::Exit {
                        from: pid,
                        reason: reason.clone(),
                        link: true,
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

    /// Ids of timers still pending for a process (for inspection).
    pub fn pending_timers(&self) -> usize {
        self.timer_data.len()
    }

    /// Names registered, in name order.
    pub fn registered_names(&self) -> Vec<(Atom, Pid)> {
        self.names.iter().map(|(a, p)| (*a, *p)).collect()
    }

    /// A set of live pids (for invariant checks).
    pub fn live_pids(&self) -> HashSet<Pid> {
        self.processes().map(|p| p.pid).collect()
    }
}

impl Term {
    /// The empty list, used as "no payload" in events.
    pub const NIL_TERM: Term = Term::Atom(Atom::NIL);
}
