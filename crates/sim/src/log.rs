//! The event log: the run's source of truth, in columns, bounded as a ring.
//!
//! Each field of [`Event`] is its own column (`time`, `kind`, `pid`, `other`, `info`,
//! `term`), so a browser can expose them as typed arrays and analytics can scan one column
//! without touching the others. The ring keeps the newest `capacity` events; older ones
//! are counted as dropped (a run replays exactly from its scenario, seed and fault script,
//! so nothing is lost for good). A running 64-bit hash over every event ever logged —
//! dropped ones included — fingerprints the run for determinism checks.

use crate::event::{Event, EventKind};
use crate::pid::Pid;
use crate::term::hash::{mix, term_hash, HASH_START};
use crate::term::Term;

/// Default number of events kept: small enough that the ring stays in a core's cache while
/// a simulation streams through it (a world that keeps more history sets its own).
pub const DEFAULT_CAPACITY: usize = 1 << 14;

/// A columnar ring buffer of events.
pub struct EventLog {
    capacity: usize,
    /// Total events ever logged (the next event's `seq`).
    total: u64,
    /// Where the next event goes once the ring is full (`total % capacity`, kept
    /// incrementally: no division on the hot path).
    next: usize,
    time: Vec<u64>,
    kind: Vec<u8>,
    pid: Vec<u64>,
    other: Vec<u64>,
    info: Vec<u32>,
    term: Vec<Term>,
    hash: u64,
}

impl EventLog {
    /// An empty log keeping at most `capacity` events (at least 1).
    pub fn new(capacity: usize) -> EventLog {
        EventLog {
            capacity: capacity.max(1),
            total: 0,
            next: 0,
            time: Vec::new(),
            kind: Vec::new(),
            pid: Vec::new(),
            other: Vec::new(),
            info: Vec::new(),
            term: Vec::new(),
            hash: HASH_START,
        }
    }

    /// Appends one event; returns its sequence number.
    #[inline(always)]
    pub fn push(
        &mut self,
        time: u64,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        term: Term,
    ) -> u64 {
        let h = term_hash(&term);
        self.push_hashed(time, kind, pid, other, info, term, h)
    }

    /// [`EventLog::push`] with the term's fingerprint already computed.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn push_hashed(
        &mut self,
        time: u64,
        kind: EventKind,
        pid: Pid,
        other: Pid,
        info: u32,
        term: Term,
        term_hash: u64,
    ) -> u64 {
        let seq = self.total;
        // time, kind and info in one word (time < 2^51 µs, ~71 years of virtual time)
        let mut h = mix(
            self.hash,
            time ^ (kind as u64) << 59 ^ (info as u64).rotate_left(51),
        );
        h = mix(h, pid.serial() as u64 | (other.serial() as u64) << 32);
        self.hash = mix(h, term_hash);
        if self.time.len() < self.capacity {
            self.time.push(time);
            self.kind.push(kind as u8);
            self.pid.push(pid.to_bits());
            self.other.push(other.to_bits());
            self.info.push(info);
            self.term.push(term);
        } else {
            let i = self.next;
            self.next = if i + 1 == self.capacity { 0 } else { i + 1 };
            self.time[i] = time;
            self.kind[i] = kind as u8;
            self.pid[i] = pid.to_bits();
            self.other[i] = other.to_bits();
            self.info[i] = info;
            self.term[i] = term;
        }
        self.total += 1;
        seq
    }

    /// The term of the newest event (right after `push`; no division).
    #[inline]
    pub fn last_term(&self) -> &Term {
        let i = if self.time.len() < self.capacity || self.next == 0 {
            self.term.len() - 1
        } else {
            self.next - 1
        };
        &self.term[i]
    }

    /// Total number of events ever logged.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Number of events still held.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True if nothing was logged yet.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many of the oldest events the ring has dropped.
    pub fn dropped(&self) -> u64 {
        self.total - self.time.len() as u64
    }

    /// The sequence number of the oldest event still held.
    pub fn first_seq(&self) -> u64 {
        self.dropped()
    }

    /// The fingerprint of every event logged so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The ring's capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The event with sequence number `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<Event<'_>> {
        if seq < self.first_seq() || seq >= self.total {
            return None;
        }
        let i = (seq % self.capacity as u64) as usize;
        Some(Event {
            seq,
            time: self.time[i],
            kind: EventKind::from_code(self.kind[i]).unwrap_or(EventKind::Log),
            pid: Pid::from_bits(self.pid[i]),
            other: Pid::from_bits(self.other[i]),
            info: self.info[i],
            term: &self.term[i],
            // the log keeps no path ids beyond a supervisor's own, in its `InitStart`
            path: if self.kind[i] == EventKind::InitStart as u8 {
                self.info[i]
            } else {
                0
            },
            aux: 0,
        })
    }

    /// Events held with `from <= seq < to`, oldest first.
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = Event<'_>> {
        let from = from.max(self.first_seq());
        let to = to.min(self.total);
        (from..to).filter_map(move |s| self.get(s))
    }

    /// Every event held, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = Event<'_>> {
        self.range(0, self.total)
    }

    /// The raw time column (ring order, not sequence order once the ring has wrapped).
    pub fn time_column(&self) -> &[u64] {
        &self.time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_term_is_the_newest_before_and_after_the_ring_wraps() {
        let mut log = EventLog::new(3);
        for t in 0..8 {
            log.push(
                t,
                EventKind::Log,
                Pid::NONE,
                Pid::NONE,
                0,
                Term::Int(t as i64),
            );
            assert_eq!(log.last_term(), &Term::Int(t as i64));
            assert_eq!(log.last_term(), log.get(t).unwrap().term);
        }
    }

    #[test]
    fn ring_keeps_the_newest_events() {
        let mut log = EventLog::new(3);
        for t in 0..5 {
            log.push(t, EventKind::Log, Pid::NONE, Pid::NONE, t as u32, Term::OK);
        }
        assert_eq!(log.total(), 5);
        assert_eq!(log.len(), 3);
        assert_eq!(log.dropped(), 2);
        let times: Vec<u64> = log.iter().map(|e| e.time).collect();
        assert_eq!(times, vec![2, 3, 4]);
        assert!(log.get(1).is_none());
        assert_eq!(log.get(4).unwrap().info, 4);
    }

    #[test]
    fn hash_covers_dropped_events_and_changes_with_content() {
        let mut a = EventLog::new(2);
        let mut b = EventLog::new(100);
        for t in 0..10 {
            a.push(t, EventKind::Log, Pid::NONE, Pid::NONE, 0, Term::OK);
            b.push(t, EventKind::Log, Pid::NONE, Pid::NONE, 0, Term::OK);
        }
        assert_eq!(a.hash(), b.hash());
        b.push(10, EventKind::Log, Pid::NONE, Pid::NONE, 0, Term::OK);
        a.push(10, EventKind::Log, Pid::NONE, Pid::NONE, 0, Term::KILLED);
        assert_ne!(a.hash(), b.hash());
    }
}
