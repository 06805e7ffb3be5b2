//! A simulated process: its identity, queues, links, monitors and flags.
//!
//! Incoming signals wait in `inbox` until the process is scheduled; then they are handled
//! in order (see `world::signals`) and messages move to `mailbox`, where the behaviour
//! reads them. Links and monitors are sets of pids and references held on both sides.

use crate::atom::Atom;
use crate::behaviour::Behaviour;
use crate::message::{Msg, Signal};
use crate::pid::{Pid, Ref};
use smallvec::SmallVec;
use std::collections::VecDeque;

/// One monitor held by a process, from either end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonitorEntry {
    pub mref: Ref,
    /// The other end: the monitored process (when `watching`) or the watcher.
    pub other: Pid,
    /// True on the watcher's side, false on the monitored process's side.
    pub watching: bool,
}

/// A live process.
pub struct Process {
    pub pid: Pid,
    /// The process that spawned it (a `gen_server`'s parent when started with a link).
    pub parent: Pid,
    pub inbox: VecDeque<Signal>,
    pub mailbox: VecDeque<Msg>,
    pub links: SmallVec<[Pid; 2]>,
    pub monitors: Vec<MonitorEntry>,
    pub registered: Option<Atom>,
    /// Interned supervision-tree path (0: none).
    pub path: u32,
    pub trap_exit: bool,
    /// True while the process is in the run queue.
    pub queued: bool,
    pub reductions: u64,
    pub behaviour: Behaviour,
}

impl Process {
    pub(crate) fn new(pid: Pid, parent: Pid, behaviour: Behaviour) -> Process {
        Process {
            pid,
            parent,
            inbox: VecDeque::new(),
            mailbox: VecDeque::new(),
            links: SmallVec::new(),
            monitors: Vec::new(),
            registered: None,
            path: 0,
            trap_exit: false,
            queued: false,
            reductions: 0,
            behaviour,
        }
    }

    /// True if linked to `other`.
    pub fn is_linked(&self, other: Pid) -> bool {
        self.links.contains(&other)
    }

    pub(crate) fn add_link(&mut self, other: Pid) {
        if !self.links.contains(&other) {
            self.links.push(other);
        }
    }

    pub(crate) fn remove_link(&mut self, other: Pid) -> bool {
        if let Some(i) = self.links.iter().position(|p| *p == other) {
            self.links.remove(i);
            true
        } else {
            false
        }
    }

    pub(crate) fn take_monitor(&mut self, mref: Ref) -> Option<MonitorEntry> {
        let i = self.monitors.iter().position(|m| m.mref == mref)?;
        Some(self.monitors.remove(i))
    }

    /// Number of real messages waiting in the mailbox (`message_queue_len`).
    pub fn message_queue_len(&self) -> usize {
        self.mailbox.iter().filter(|m| m.is_real()).count()
            + self
                .inbox
                .iter()
                .filter(|s| !matches!(s, Signal::Timeout(_)))
                .count()
    }
}
