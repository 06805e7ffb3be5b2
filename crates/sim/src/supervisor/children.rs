//! A supervisor's children: records in start order, dynamic children of a
//! `simple_one_for_one`, and the restart-intensity window.
//!
//! OTP keeps child ids newest-first; here the vector is in start order and readers
//! reverse it where OTP's order shows (`which_children`, termination order).

use crate::pid::Pid;
use crate::supervisor::spec::ChildSpec;
use crate::term::Term;
use std::cmp::Ordering;
use std::collections::VecDeque;
use std::rc::Rc;

/// The pid field of a child record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildPid {
    /// Not running.
    Undefined,
    Running(Pid),
    /// A restart failed and a retry is pending (`{restarting, OldPid}`).
    Restarting(Option<Pid>),
}

impl ChildPid {
    /// `is_pid(Child#child.pid)`.
    pub fn pid(self) -> Option<Pid> {
        match self {
            ChildPid::Running(p) => Some(p),
            _ => None,
        }
    }

    /// OTP's `restarting/1`: a pid becomes `{restarting, Pid}`, anything else stays.
    pub fn restarting(self) -> ChildPid {
        match self {
            ChildPid::Running(p) => ChildPid::Restarting(Some(p)),
            other => other,
        }
    }

    /// As `which_children` shows it.
    pub fn to_term(self) -> Term {
        match self {
            ChildPid::Undefined => Term::UNDEFINED,
            ChildPid::Running(p) => Term::Pid(p),
            ChildPid::Restarting(_) => Term::Atom(crate::atom::Atom::RESTARTING),
        }
    }
}

/// One child record.
#[derive(Clone, Debug)]
pub struct Child {
    pub spec: Rc<ChildSpec>,
    pub pid: ChildPid,
    /// The `ChildStarted` event term (`{Id, Path}`), built on the first start.
    pub(crate) started: Option<Term>,
}

impl Child {
    /// A child record that has not started yet.
    pub fn new(spec: Rc<ChildSpec>) -> Child {
        Child {
            spec,
            pid: ChildPid::Undefined,
            started: None,
        }
    }
}

/// A key of a `simple_one_for_one` supervisor's dynamic children, ordered as Erlang
/// orders the map keys (`undefined` < pids < `{restarting, _}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DynKey {
    Undefined,
    Pid(Pid),
    Restarting(Option<Pid>),
}

impl DynKey {
    fn rank(self) -> (u8, u32) {
        match self {
            DynKey::Undefined => (0, 0),
            DynKey::Pid(p) => (1, p.serial()),
            DynKey::Restarting(None) => (2, 0),
            DynKey::Restarting(Some(p)) => (3, p.serial()),
        }
    }

    /// The key as a child pid field.
    pub fn as_child_pid(self) -> ChildPid {
        match self {
            DynKey::Undefined => ChildPid::Undefined,
            DynKey::Pid(p) => ChildPid::Running(p),
            DynKey::Restarting(p) => ChildPid::Restarting(p),
        }
    }

    /// The key for a child pid field.
    pub fn from_child_pid(p: ChildPid) -> DynKey {
        match p {
            ChildPid::Undefined => DynKey::Undefined,
            ChildPid::Running(p) => DynKey::Pid(p),
            ChildPid::Restarting(p) => DynKey::Restarting(p),
        }
    }
}

impl PartialOrd for DynKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DynKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// A dynamic child: its start argument (the instance name).
#[derive(Clone, Debug)]
pub struct DynChild {
    pub args: Term,
}

/// Restart timestamps (whole seconds of virtual monotonic time), oldest first, as
/// run-length pairs. Equivalent to OTP's list: an entry stays while `T >= Now - Period`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestartWindow {
    runs: VecDeque<(u64, u32)>,
    len: u64,
}

impl RestartWindow {
    /// `add_restart/1`: records a restart at second `now`; returns true if the count
    /// within the period now exceeds `intensity` (the supervisor must give up).
    pub fn add(&mut self, now: u64, period: u32, intensity: u32) -> bool {
        let threshold = now.saturating_sub(period as u64);
        let dropping = now >= period as u64;
        while let Some(&(t, n)) = self.runs.front() {
            if dropping && t < threshold {
                self.runs.pop_front();
                self.len -= n as u64;
            } else {
                break;
            }
        }
        match self.runs.back_mut() {
            Some((t, n)) if *t == now => *n += 1,
            _ => self.runs.push_back((now, 1)),
        }
        self.len += 1;
        self.len > intensity as u64
    }

    /// Restarts recorded by the last [`RestartWindow::add`] (those still in the window).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True if no restart is recorded.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The recorded restart seconds, newest first (OTP's `restarts` list).
    pub fn seconds(&self) -> impl Iterator<Item = u64> + '_ {
        self.runs
            .iter()
            .rev()
            .flat_map(|&(t, n)| std::iter::repeat_n(t, n as usize))
    }

    /// Restarts currently inside the window as of second `now`.
    pub fn count_at(&self, now: u64, period: u32) -> u64 {
        let threshold = now.saturating_sub(period as u64);
        let dropping = now >= period as u64;
        self.runs
            .iter()
            .filter(|(t, _)| !dropping || *t >= threshold)
            .map(|(_, n)| *n as u64)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_otp_arithmetic() {
        let mut w = RestartWindow::default();
        // intensity 3, period 1: three restarts fine, the fourth gives up
        assert!(!w.add(10, 1, 3));
        assert!(!w.add(10, 1, 3));
        assert!(!w.add(11, 1, 3));
        assert!(w.add(11, 1, 3));
        // entries at second 9 are forgotten at 11 (9 < 11 - 1), kept at 10
        let mut w = RestartWindow::default();
        assert!(!w.add(9, 1, 1));
        assert!(w.add(10, 1, 1));
        let mut w = RestartWindow::default();
        assert!(!w.add(9, 1, 1));
        assert!(!w.add(11, 1, 1));
    }

    #[test]
    fn intensity_zero_gives_up_at_once() {
        let mut w = RestartWindow::default();
        assert!(w.add(0, 5, 0));
    }

    #[test]
    fn dyn_keys_order_like_erlang_terms() {
        let p = Pid { slot: 0, serial: 5 };
        assert!(DynKey::Undefined < DynKey::Pid(p));
        assert!(DynKey::Pid(p) < DynKey::Restarting(None));
        assert!(DynKey::Restarting(None) < DynKey::Restarting(Some(p)));
    }
}
