//! Fault injection: the scenario's fault script as a schedule in virtual time.
//!
//! A fault fires at its time (or every period, with a probability drawn from the world's
//! seeded generator) and does what a person in the console would: `exit(Pid, kill)`,
//! `exit(Pid, Reason)`, or a `{stop, Reason}` cast that makes a worker crash. A target
//! ending in `/*` picks one live child of that supervisor at random.

use super::{Fault, FaultAction, FaultWhen};
use crate::event::EventKind;
use crate::message::{Cast, Msg};
use crate::pid::Pid;
use crate::term::Term;
use crate::world::World;

/// Pending faults and when each fires next.
#[derive(Clone, Debug, Default)]
pub struct FaultSchedule {
    entries: Vec<(Fault, Option<u64>)>,
}

fn first_time(f: &Fault) -> Option<u64> {
    match f.when {
        FaultWhen::At(ms) => Some(ms * 1000),
        FaultWhen::Every { from, until, .. } => match until {
            Some(u) if from > u => None,
            _ => Some(from * 1000),
        },
    }
}

impl FaultSchedule {
    /// A schedule for these faults.
    pub fn new(faults: &[Fault]) -> FaultSchedule {
        FaultSchedule {
            entries: faults.iter().map(|f| (f.clone(), first_time(f))).collect(),
        }
    }

    /// The virtual time (µs) of the next fault.
    pub fn next_time(&self) -> Option<u64> {
        self.entries.iter().filter_map(|(_, t)| *t).min()
    }

    /// Fires every fault due at or before `now` (in script order); returns how many acted.
    pub fn fire_due(&mut self, w: &mut World, injector: Pid) -> usize {
        let now = w.now();
        let mut fired = 0;
        for i in 0..self.entries.len() {
            while let Some(t) = self.entries[i].1 {
                if t > now {
                    break;
                }
                let f = self.entries[i].0.clone();
                self.entries[i].1 = match f.when {
                    FaultWhen::At(_) => None,
                    FaultWhen::Every { every, until, .. } => {
                        let next = t + every * 1000;
                        match until {
                            Some(u) if next > u * 1000 => None,
                            _ => Some(next),
                        }
                    }
                };
                let p = match f.when {
                    FaultWhen::Every { probability, .. } => probability,
                    FaultWhen::At(_) => 1.0,
                };
                if (p >= 1.0 || w.rng.chance(p)) && inject(w, injector, &f) {
                    fired += 1;
                }
            }
        }
        fired
    }
}

/// Resolves a fault's target to a live pid (random child for `sup/*`).
pub fn resolve_target(w: &mut World, target: &str) -> Option<Pid> {
    if let Some(sup) = target.strip_suffix("/*") {
        let sp = w.whereis_path(sup)?;
        let kids: Vec<Pid> = w
            .process(sp)?
            .behaviour
            .as_supervisor()
            .map(|s| {
                let mut v: Vec<Pid> = s.children().iter().filter_map(|c| c.pid.pid()).collect();
                v.extend(s.dynamic_children().filter_map(|(k, _)| match k {
                    crate::supervisor::children::DynKey::Pid(p) => Some(p),
                    _ => None,
                }));
                v
            })
            .unwrap_or_default();
        if kids.is_empty() {
            return None;
        }
        let i = w.rng.below(kids.len() as u64) as usize;
        return Some(kids[i]);
    }
    w.whereis_path(target)
}

/// Performs one fault now; false if its target is not alive.
pub fn inject(w: &mut World, injector: Pid, f: &Fault) -> bool {
    let Some(pid) = resolve_target(w, &f.target) else {
        return false;
    };
    let what = match &f.action {
        FaultAction::Kill => Term::KILL,
        FaultAction::Exit(r) => Term::pair(Term::atom("exit"), r.clone()),
        FaultAction::Crash(r) => Term::pair(Term::atom("crash"), r.clone()),
    };
    w.emit(EventKind::Fault, pid, injector, 0, &what);
    match &f.action {
        FaultAction::Kill => w.send_exit(injector, pid, Term::KILL),
        FaultAction::Exit(r) => w.send_exit(injector, pid, r.clone()),
        FaultAction::Crash(r) => w.send(injector, pid, Msg::Cast(Cast::Stop(r.clone()))),
    }
    true
}
