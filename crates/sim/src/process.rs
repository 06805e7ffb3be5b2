//! A simulated process: its identity, queues, links, monitors and flags.
//!
//! One queue holds everything sent to the process: the front part (`processed` entries)
//! is the mailbox, every entry a message; behind it wait the signals that arrived since the
//! process last ran. When it is scheduled they are handled in order (`World::activate`):
//! messages simply join the mailbox where they are, exit signals become `'EXIT'` messages
//! in place or kill the process, `'DOWN'`s arrive. Nothing is copied from queue to queue. Links and monitors are sets of pids and references held on both sides.

use crate::atom::Atom;
use crate::behaviour::Behaviour;
use crate::message::{Msg, Signal};
use crate::pid::{Pid, Ref};
use smallvec::SmallVec;
use std::collections::VecDeque;

/// A process's links: a few inline (in link order), or, once there are many (a parent
/// linked to thousands of children), a vector plus a position index by process-table slot
/// for O(1) lookup and removal (removal moves the last link into the hole). Iteration order
/// depends only on the history of links, never on hashing, so it is the same on every target.
#[derive(Clone, Debug)]
pub enum LinkSet {
    Small(SmallVec<[Pid; 2]>),
    Big(Box<BigLinks>),
}

/// The many-links form of [`LinkSet`].
#[derive(Clone, Debug, Default)]
pub struct BigLinks {
    order: Vec<Pid>,
    /// `pos[slot]` = 1 + index in `order` of the linked process in that slot (0: none).
    pos: Vec<u32>,
}

impl BigLinks {
    fn position(&self, p: Pid) -> Option<usize> {
        match self.pos.get(p.slot as usize) {
            Some(&i) if i > 0 && self.order[i as usize - 1] == p => Some(i as usize - 1),
            _ => None,
        }
    }

    fn insert(&mut self, p: Pid) {
        let slot = p.slot as usize;
        if slot >= self.pos.len() {
            self.pos.resize(slot + 1, 0);
        }
        self.order.push(p);
        self.pos[slot] = self.order.len() as u32;
    }

    fn remove(&mut self, p: Pid) -> bool {
        let Some(i) = self.position(p) else {
            return false;
        };
        self.order.swap_remove(i);
        self.pos[p.slot as usize] = 0;
        if let Some(moved) = self.order.get(i) {
            self.pos[moved.slot as usize] = i as u32 + 1;
        }
        true
    }
}

const BIG_LINKS: usize = 16;

impl Default for LinkSet {
    fn default() -> LinkSet {
        LinkSet::Small(SmallVec::new())
    }
}

impl LinkSet {
    /// True if `p` is linked.
    pub fn contains(&self, p: &Pid) -> bool {
        match self {
            LinkSet::Small(v) => v.contains(p),
            LinkSet::Big(t) => t.position(*p).is_some(),
        }
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        match self {
            LinkSet::Small(v) => v.len(),
            LinkSet::Big(t) => t.order.len(),
        }
    }

    /// True if there are no links.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The linked pids.
    pub fn iter(&self) -> std::iter::Copied<std::slice::Iter<'_, Pid>> {
        match self {
            LinkSet::Small(v) => v.iter().copied(),
            LinkSet::Big(t) => t.order.iter().copied(),
        }
    }

    fn insert_unchecked(&mut self, p: Pid) {
        match self {
            LinkSet::Small(v) if v.len() < BIG_LINKS => v.push(p),
            LinkSet::Small(v) => {
                let mut t = BigLinks::default();
                for x in v.iter().copied().chain(std::iter::once(p)) {
                    t.insert(x);
                }
                *self = LinkSet::Big(Box::new(t));
            }
            LinkSet::Big(t) => t.insert(p),
        }
    }

    pub(crate) fn remove(&mut self, p: Pid) -> bool {
        match self {
            LinkSet::Small(v) => match v.iter().position(|x| *x == p) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            LinkSet::Big(t) => t.remove(p),
        }
    }
}

/// One monitor held by a process, from either end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonitorEntry {
    pub mref: Ref,
    /// The other end: the monitored process (when `watching`) or the watcher.
    pub other: Pid,
    /// True on the watcher's side, false on the monitored process's side.
    pub watching: bool,
}

/// The monitors a process holds (from either end); one fits without allocating.
#[derive(Clone, Debug, Default)]
pub struct Monitors(SmallVec<[MonitorEntry; 1]>);

impl Monitors {
    pub(crate) fn push(&mut self, m: MonitorEntry) {
        self.0.push(m);
    }

    /// Removes and returns the monitor with this reference.
    pub(crate) fn take(&mut self, mref: Ref) -> Option<MonitorEntry> {
        let i = self.0.iter().position(|m| m.mref == mref)?;
        Some(self.0.remove(i))
    }

    /// Every monitor, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, MonitorEntry> {
        self.0.iter()
    }

    /// Number of monitors.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A live process. Fields touched by every activation come first (`repr(C)` keeps
/// them in the first cache line); links, monitors and names follow.
#[repr(C)]
pub struct Process {
    pub pid: Pid,
    /// Mailbox (the first `processed` entries, all `Signal::Msg`), then unhandled signals.
    pub queue: VecDeque<Signal>,
    pub behaviour: Behaviour,
    pub processed: u32,
    pub reductions: u32,
    pub trap_exit: bool,
    /// True while the process is in the run queue.
    pub queued: bool,
    /// Interned supervision-tree path (0: none).
    pub path: u32,
    /// The process that spawned it (a `gen_server`'s parent when started with a link).
    pub parent: Pid,
    pub links: LinkSet,
    pub monitors: Monitors,
    pub registered: Option<Atom>,
}

impl Process {
    pub(crate) fn new(pid: Pid, parent: Pid, behaviour: Behaviour) -> Process {
        Process {
            pid,
            parent,
            queue: VecDeque::new(),
            processed: 0,
            links: LinkSet::default(),
            monitors: Monitors::default(),
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
            self.links.insert_unchecked(other);
        }
    }

    /// Adds a link to a process that cannot be linked yet (it was just spawned).
    pub(crate) fn add_fresh_link(&mut self, other: Pid) {
        self.links.insert_unchecked(other);
    }

    pub(crate) fn remove_link(&mut self, other: Pid) -> bool {
        self.links.remove(other)
    }

    pub(crate) fn take_monitor(&mut self, mref: Ref) -> Option<MonitorEntry> {
        self.monitors.take(mref)
    }

    /// The mailbox: messages already handed to the process, oldest first.
    pub fn mailbox(&self) -> impl Iterator<Item = &Msg> {
        self.queue
            .range(..self.processed as usize)
            .filter_map(|s| match s {
                Signal::Msg { msg, .. } => Some(msg),
                _ => None,
            })
    }

    /// Signals that arrived since the process last ran.
    pub fn pending_signals(&self) -> usize {
        self.queue.len() - self.processed as usize
    }

    /// Messages not yet handed to the process (still behind the mailbox).
    pub fn pending_messages(&self) -> usize {
        self.queue
            .range(self.processed as usize..)
            .filter(|s| matches!(s, Signal::Msg { .. }))
            .count()
    }

    /// Number of real messages waiting (`message_queue_len`).
    pub fn message_queue_len(&self) -> usize {
        self.mailbox().filter(|m| m.is_real()).count() + self.pending_messages()
    }

    /// Removes and returns the first mailbox message matching `pred`.
    #[inline]
    pub(crate) fn take_msg(&mut self, mut pred: impl FnMut(&Msg) -> bool) -> Option<Msg> {
        let n = self.processed as usize;
        // The common case: the awaited message is the oldest one.
        if n > 0 && matches!(self.queue.front(), Some(Signal::Msg { msg, .. }) if pred(msg)) {
            self.processed -= 1;
            return match self.queue.pop_front() {
                Some(Signal::Msg { msg, .. }) => Some(msg),
                _ => None,
            };
        }
        let i = self
            .queue
            .range(..n)
            .position(|s| matches!(s, Signal::Msg { msg, .. } if pred(msg)))?;
        self.processed -= 1;
        match self.queue.remove(i) {
            Some(Signal::Msg { msg, .. }) => Some(msg),
            _ => None,
        }
    }

    /// [`Process::take_msg`], also returning how many real messages were before it (what a
    /// selective receive skipped), its sender and the `seq` of the event that sent it.
    pub(crate) fn take_msg_at(
        &mut self,
        pred: &mut dyn FnMut(&Msg) -> bool,
    ) -> Option<(u32, Pid, u64, Msg)> {
        let n = self.processed as usize;
        let i = self
            .queue
            .range(..n)
            .position(|s| matches!(s, Signal::Msg { msg, .. } if pred(msg)))?;
        self.processed -= 1;
        let skipped = self
            .queue
            .range(..i)
            .filter(|s| matches!(s, Signal::Msg { msg, .. } if msg.is_real()))
            .count() as u32;
        match self.queue.remove(i) {
            Some(Signal::Msg { msg, from, sent }) => Some((skipped, from, sent, msg)),
            _ => None,
        }
    }
}
