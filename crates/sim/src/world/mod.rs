//! The world: the simulated node. This file holds the process table, the virtual clock,
//! spawning and the event path; the rest of the world is in rooms named for what they
//! hold: [`scheduler`] (the run queue and activations, receiving), [`signals`] (messages,
//! links, monitors, exit signals and death), [`timers`], [`names`] (registered names and
//! tree paths).
//!
//! One thread, one run queue, FIFO. A process is activated when it has signals; it first
//! handles every signal that arrived (messages enter its mailbox, exit signals kill it or
//! become `'EXIT'` messages, `'DOWN'`s arrive), then its behaviour runs until it blocks in a
//! receive, exits, or spends its reductions budget and goes to the back of the queue.
//! When nothing is runnable, the clock jumps to the next timer. Nothing reads the wall
//! clock; all randomness comes from the world's seeded [`Rng`].

mod names;
mod scheduler;
mod signals;
mod timers;

use crate::atom::Atom;
use crate::behaviour::Behaviour;
use crate::event::{Event, EventKind, Telemetry};
use crate::log::{EventLog, DEFAULT_CAPACITY};
use crate::message::Signal;
use crate::pid::{Pid, Ref};
use crate::process::Process;
use crate::rng::Rng;
use crate::term::Term;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet, VecDeque};
use std::rc::Rc;
use timers::Timer;

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
    /// The newest process spawned with each path id (alive or not): `whereis_path`
    /// answers from it without scanning the process table while it lives.
    path_owner: Vec<Pid>,
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
            path_owner: vec![Pid::NONE],
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

    // ------------------------------------------------------------------ events

    /// Logs an event and hands it to attached handlers; returns its `seq`.
    #[inline]
    pub fn emit(&mut self, kind: EventKind, pid: Pid, other: Pid, info: u32, term: &Term) -> u64 {
        self.emit_owned(kind, pid, other, info, term.clone())
    }

    /// [`World::emit`] for a term the caller no longer needs (saves a clone).
    #[inline]
    pub fn emit_owned(
        &mut self,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        term: Term,
    ) -> u64 {
        self.emit_for(kind.bit(), kind, pid, other, info, term, 0)
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
    ) -> u64 {
        let h = crate::term::term_hash(&term);
        self.emit_to(bits, kind, pid, other, info, term, h, (path, 0))
    }

    /// Logs an event whose term's fingerprint is known, for the handlers attached to any
    /// kind in `bits` (the `Exit` of a supervisor also goes to
    /// [`EventKind::SupervisorExit`]); handlers get `extra`'s path (or, for 0, the path the
    /// kind implies) and [`Event::aux`]. Returns the event's `seq`.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn emit_to(
        &mut self,
        bits: u32,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        term: Term,
        hash: u64,
        (path, aux): (u32, u64),
    ) -> u64 {
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
                aux,
            };
            self.telemetry.dispatch(&ev, bits);
        }
        seq
    }

    /// True when a handler listens for `kind` (for the kinds that are not logged, which are
    /// only worth building when someone listens).
    #[inline(always)]
    pub(crate) fn wants(&self, kind: EventKind) -> bool {
        self.telemetry.wants_any(kind.bit())
    }

    /// Hands an event that is not logged ([`EventKind::Take`], [`EventKind::State`]) to the
    /// handlers listening for it; its `seq` is the next logged event's.
    pub(crate) fn notify(
        &mut self,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        aux: u64,
        term: &Term,
    ) {
        let ev = Event {
            path: 0,
            seq: self.log.total(),
            time: self.now,
            kind,
            pid,
            other,
            info,
            term,
            aux,
        };
        self.telemetry.dispatch(&ev, kind.bit());
    }

    pub(crate) fn make_ref(&mut self) -> Ref {
        let r = Ref(self.next_ref);
        self.next_ref += 1;
        r
    }

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
        if let Some(owner) = self.path_owner.get_mut(opts.path as usize) {
            *owner = pid;
        }
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

    /// The trap_exit flag of `me`.
    pub fn trap_exit(&self, me: Pid) -> bool {
        self.process(me).map(|p| p.trap_exit).unwrap_or(false)
    }

    /// A set of live pids (for invariant checks).
    pub fn live_pids(&self) -> HashSet<Pid> {
        self.processes().map(|p| p.pid).collect()
    }
}
