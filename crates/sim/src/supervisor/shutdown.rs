//! Stopping children: `shutdown/1`, `unlink_flush/2` and `terminate_dynamic_children/1`.
//!
//! The protocol is OTP's: monitor the child, send `exit(Child, shutdown)` (or `kill` for
//! `brutal_kill`), wait for the `'DOWN'` — after the shutdown time, kill it and wait again —
//! then unlink and prefer the reason of an `'EXIT'` already in the mailbox. Whether the
//! reason counts as clean depends on the restart type, exactly as in `supervisor.erl`.

use super::{Supervisor, Wait};
use crate::atom::Atom;
use crate::message::Msg;
use crate::pid::{Pid, Ref};
use crate::supervisor::children::DynKey;
use crate::supervisor::spec::{ChildSpec, RestartType, Shutdown};
use crate::term::Term;
use crate::world::World;
use std::collections::BTreeMap;

/// State of `terminate_dynamic_children/1`.
#[derive(Clone, Debug)]
pub(crate) struct DynShutdown {
    pending: BTreeMap<Ref, Pid>,
    timer: Option<Ref>,
    brutal: bool,
    permanent: bool,
    /// Unclean exit reasons and the children that had them (newest first, as OTP).
    errors: BTreeMap<Term, Vec<Pid>>,
}

/// Whether a shutdown ended cleanly for a child of this restart type.
fn classify(reason: Term, brutal: bool, permanent: bool) -> Result<(), Term> {
    if brutal && reason.is_atom(Atom::KILLED) {
        return Ok(());
    }
    if !brutal && reason.is_atom(Atom::SHUTDOWN) {
        return Ok(());
    }
    if !permanent
        && (reason.is_atom(Atom::SHUTDOWN)
            || reason.is_atom(Atom::NORMAL)
            || reason.is_shutdown_tuple())
    {
        return Ok(());
    }
    Err(reason)
}

/// `unlink_flush/2`: unlink, then take an `'EXIT'` of that pid if one is already here.
fn unlink_flush(w: &mut World, me: Pid, pid: Pid, default: Term) -> Term {
    w.unlink(me, pid);
    match w.take_msg(me, |m| matches!(m, Msg::Exit { from, .. } if *from == pid)) {
        Some(Msg::Exit { reason, .. }) => reason,
        _ => default,
    }
}

impl Supervisor {
    /// Begins `shutdown/1` of one child; the supervisor then waits in [`Wait::Down`].
    pub(crate) fn begin_shutdown(&mut self, w: &mut World, me: Pid, pid: Pid, spec: &ChildSpec) {
        let mref = w.monitor(me, pid);
        let permanent = spec.restart == RestartType::Permanent;
        let (reason, timer, brutal) = match spec.shutdown {
            Shutdown::BrutalKill => (Term::KILL, None, true),
            Shutdown::Timeout(ms) => (
                Term::SHUTDOWN,
                Some(w.after(me, ms.saturating_mul(1000))),
                false,
            ),
            Shutdown::Infinity => (Term::SHUTDOWN, None, false),
        };
        w.send_exit(me, pid, reason);
        self.wait = Wait::Down {
            pid,
            mref,
            timer,
            brutal,
            permanent,
        };
    }

    /// Checks the mailbox for the awaited `'DOWN'` (or the kill timer).
    pub(crate) fn poll_down(&mut self, w: &mut World, me: Pid) -> Option<Result<(), Term>> {
        let Wait::Down {
            pid,
            mref,
            timer,
            brutal,
            permanent,
        } = self.wait.clone()
        else {
            return None;
        };
        let m = w.take_msg(me, |m| {
            matches!(m, Msg::Down { mref: r, .. } if *r == mref)
                || matches!((m, timer), (Msg::AfterTimeout(t), Some(tt)) if *t == tt)
        })?;
        match m {
            Msg::Down { reason, .. } => {
                if let Some(t) = timer {
                    w.cancel_timer(t);
                }
                let reason = unlink_flush(w, me, pid, reason);
                Some(classify(reason, brutal, permanent))
            }
            _ => {
                // The shutdown time is over: kill, and wait for the 'DOWN' without a timer.
                w.send_exit(me, pid, Term::KILL);
                self.wait = Wait::Down {
                    pid,
                    mref,
                    timer: None,
                    brutal,
                    permanent,
                };
                self.poll_down(w, me)
            }
        }
    }

    /// Begins `terminate_dynamic_children/1`: every child at once, one shared timer.
    pub(crate) fn begin_dynamic_shutdown(&mut self, w: &mut World, me: Pid) {
        let spec = self.children[0].spec.clone();
        let brutal = spec.shutdown == Shutdown::BrutalKill;
        let mut pending = BTreeMap::new();
        let pids: Vec<Pid> = self
            .dynamics
            .keys()
            .filter_map(|k| match k {
                DynKey::Pid(p) => Some(*p),
                _ => None,
            })
            .collect();
        for p in pids {
            let mref = w.monitor(me, p);
            w.send_exit(me, p, if brutal { Term::KILL } else { Term::SHUTDOWN });
            pending.insert(mref, p);
        }
        let timer = match spec.shutdown {
            Shutdown::Timeout(ms) => Some(w.start_timer(me, ms.saturating_mul(1000), Term::KILL)),
            _ => None,
        };
        self.wait = Wait::Dynamic(Box::new(DynShutdown {
            pending,
            timer,
            brutal,
            permanent: spec.restart == RestartType::Permanent,
            errors: BTreeMap::new(),
        }));
    }

    /// Handles `'DOWN'`s and the timer; returns the unclean reasons once all are down.
    pub(crate) fn poll_dynamic(
        &mut self,
        w: &mut World,
        me: Pid,
    ) -> Option<BTreeMap<Term, Vec<Pid>>> {
        let Wait::Dynamic(mut st) = std::mem::replace(&mut self.wait, Wait::None) else {
            return None;
        };
        loop {
            if st.pending.is_empty() {
                if let Some(t) = st.timer.take() {
                    w.cancel_timer(t);
                    w.take_msg(me, |m| matches!(m, Msg::Timer { tref, .. } if *tref == t));
                }
                return Some(std::mem::take(&mut st.errors));
            }
            let timer = st.timer;
            let m = w.take_msg(me, |m| match m {
                Msg::Down { mref, .. } => st.pending.contains_key(mref),
                Msg::Timer { tref, .. } => Some(*tref) == timer,
                _ => false,
            });
            match m {
                Some(Msg::Down { mref, pid, reason }) => {
                    st.pending.remove(&mref);
                    let reason = unlink_flush(w, me, pid, reason);
                    if let Err(r) = classify(reason, st.brutal, st.permanent) {
                        st.errors.entry(r).or_default().insert(0, pid);
                    }
                }
                Some(_) => {
                    for p in st.pending.values() {
                        w.send_exit(me, *p, Term::KILL);
                    }
                    st.timer = None;
                }
                None => {
                    self.wait = Wait::Dynamic(st);
                    return None;
                }
            }
        }
    }
}
