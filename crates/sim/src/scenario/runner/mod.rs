//! Runs a scenario as `run_oracle.escript` does, in virtual time, and returns its trace.
//!
//! A driver process (trapping exits, like the escript's main process) performs each step.
//! Calls wait for their reply while the world runs; then the step *settles*: the world
//! runs until nothing is runnable and nothing has been recorded for `settle_ms` — timers
//! that fire before that moment run too, later ones wait for the next step. So a step's
//! trace holds every consequence of that step, exactly as on the real node.
//!
//! This file holds the [`Engine`] (the world and its fault script, driven together) and
//! its waits; the supervisor family's steps run in `sup.rs`, the raw family's in `raw.rs`.

mod raw;
mod sup;

use raw::RawRun;
use sup::SupRun;

use super::faults::FaultSchedule;
use super::{Body, Scenario};
use crate::external::{self, Answer, Drive};
use crate::message::{Msg, Request, SystemReq};
use crate::pid::Pid;
use crate::supervisor::api::SupervisorCall;
use crate::term::{exact_eq, Term};
use crate::trace::Collector;
use crate::world::{Config, World};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Activations allowed while virtual time stands still before a run is declared stuck.
pub const MAX_ACTIVATIONS_AT_ONE_INSTANT: u64 = 5_000_000;
/// Events one run may log before it is declared too large (a guard against endless
/// fault scripts; about a second of work).
pub const MAX_EVENTS: u64 = 5_000_000;
/// Timer and fault firings one run may process (the same guard when nothing is logged).
pub const MAX_WAKEUPS: u64 = 2_000_000;
/// Virtual time one step may take to settle before the run is declared stuck (µs).
pub const MAX_SETTLE_US: u64 = 24 * 3600 * 1_000_000;

/// Why a run could not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError(pub String);

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RunError {}

type R<T> = Result<T, RunError>;

/// The result of a run.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The trace, one line per entry (without newlines).
    pub lines: Vec<String>,
    /// Fingerprint of the whole event log.
    pub hash: u64,
    /// Number of events logged.
    pub events: u64,
    /// Virtual time at the end (µs).
    pub end_us: u64,
}

/// Runs a scenario and returns its trace.
pub fn run(scn: &Scenario) -> R<RunOutput> {
    run_with(scn, Config::default(), |_| {})
}

/// Runs a scenario on a world built from `config` (its seed is replaced by the
/// scenario's); `setup` may attach telemetry handlers before anything happens.
pub fn run_with(scn: &Scenario, config: Config, setup: impl FnOnce(&mut World)) -> R<RunOutput> {
    run_world(scn, config, setup).map(|(out, _)| out)
}

/// Like [`run_with`], and also hands back the world as the run left it.
pub fn run_world(
    scn: &Scenario,
    config: Config,
    setup: impl FnOnce(&mut World),
) -> R<(RunOutput, World)> {
    let mut w = World::new(Config {
        seed: scn.seed,
        ..config
    });
    setup(&mut w);
    let driver = external::spawn_external(&mut w, true);
    let mut eng = Engine {
        w,
        faults: FaultSchedule::new(&scn.faults),
        driver,
        wakeups: 0,
    };
    eng.run_idle()?;
    let lines = match &scn.body {
        Body::Sup {
            root_id,
            tree,
            steps,
        } => SupRun::new(&mut eng.w, driver).run(&mut eng, scn, root_id, tree, steps)?,
        Body::Raw { steps } => RawRun::new(&mut eng.w, driver).run(&mut eng, scn, steps)?,
    };
    let out = RunOutput {
        lines,
        hash: eng.w.log.hash(),
        events: eng.w.log.total(),
        end_us: eng.w.now(),
    };
    Ok((out, eng.w))
}

/// The world plus the fault schedule, advanced together.
pub(crate) struct Engine {
    pub w: World,
    pub faults: FaultSchedule,
    pub driver: Pid,
    wakeups: u64,
}

impl Drive for Engine {
    type Error = RunError;

    fn world_mut(&mut self) -> &mut World {
        &mut self.w
    }

    /// Runs until nothing is runnable.
    fn run_idle(&mut self) -> R<()> {
        if self.w.log.total() > MAX_EVENTS || self.wakeups > MAX_WAKEUPS {
            return Err(RunError(format!(
                "the run is too large: more than {MAX_EVENTS} events or {MAX_WAKEUPS} timer firings by t={} µs",
                self.w.now()
            )));
        }
        if self.w.run_until_idle(MAX_ACTIVATIONS_AT_ONE_INSTANT) {
            Ok(())
        } else {
            Err(RunError(format!(
                "the simulation does not settle: more than {MAX_ACTIVATIONS_AT_ONE_INSTANT} activations at t={} µs \
                 without time passing (a restart loop?)",
                self.w.now()
            )))
        }
    }

    /// The next time something is scheduled (a timer or a fault).
    fn next_time(&mut self) -> Option<u64> {
        match (self.w.next_timer(), self.faults.next_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Jumps to time `t` and fires what is due then.
    fn fire_at(&mut self, t: u64) {
        self.wakeups += 1;
        self.w.fire_timers_at(t);
        self.faults.fire_due(&mut self.w, self.driver);
    }
}

impl Engine {
    /// Runs until the driver has a message matching `pred` in its mailbox, and takes it.
    fn wait_for(&mut self, what: &str, pred: impl FnMut(&Msg) -> bool) -> R<Msg> {
        let deadline = self.w.now().saturating_add(MAX_SETTLE_US);
        let driver = self.driver;
        external::receive(self, driver, deadline, pred)?
            .ok_or_else(|| RunError(format!("the driver waits forever for {what}")))
    }

    /// Runs for `us` of virtual time.
    fn sleep(&mut self, us: u64) -> R<()> {
        let end = self.w.now().saturating_add(us);
        loop {
            self.run_idle()?;
            match self.next_time() {
                Some(t) if t <= end => self.fire_at(t),
                _ => break,
            }
        }
        self.w.advance_to(end);
        Ok(())
    }

    /// The settle rule: run until idle and quiet for `q_us` since `max(last, t0)`.
    fn settle(&mut self, q_us: u64, t0: u64, last: &dyn Fn() -> u64) -> R<()> {
        let start = self.w.now();
        loop {
            self.run_idle()?;
            let deadline = last().max(t0).saturating_add(q_us);
            match self.next_time() {
                Some(t) if t < deadline => {
                    if t - start > MAX_SETTLE_US {
                        return Err(RunError(
                            "a step never settles (activity never stops)".into(),
                        ));
                    }
                    self.fire_at(t)
                }
                _ => {
                    self.w.advance_to(deadline);
                    return Ok(());
                }
            }
        }
    }

    /// A `gen_server:call` from the driver: the reply, or `{exit, Reason}`.
    fn call(&mut self, target: Option<Pid>, call: SupervisorCall) -> R<Term> {
        let Some(pid) = target else {
            return Ok(exit_term(Term::NOPROC));
        };
        let deadline = self.w.now().saturating_add(MAX_SETTLE_US);
        let req = Request::Supervisor(call);
        match external::call(self, self.driver, pid, req, deadline)? {
            Answer::Reply(value) => Ok(value),
            Answer::Down(reason) => Ok(exit_term(reason)),
            Answer::NoAnswer => Err(RunError("the driver waits forever for a reply".into())),
        }
    }

    /// `gen_server:stop(Pid, Reason, infinity)`, as `proc_lib:stop/3` does it.
    fn stop(&mut self, target: Option<Pid>, reason: Term) -> R<Term> {
        let Some(pid) = target else {
            return Ok(exit_term(Term::NOPROC));
        };
        let d = self.driver;
        let mref = self.w.monitor(d, pid);
        self.w.send(
            d,
            pid,
            Msg::System {
                from: d,
                tag: mref,
                req: SystemReq::Terminate(reason.clone()),
            },
        );
        let asked = reason;
        let m = self.wait_for("the stop to be acknowledged", |m| {
            external::is_answer(m, mref)
        })?;
        if let Msg::Down { reason, .. } = m {
            return Ok(exit_term(reason));
        }
        let down = self.wait_for(
            "the stopped process to go down",
            |m| matches!(m, Msg::Down { mref: r, .. } if *r == mref),
        )?;
        // proc_lib:stop: `ok` only if it went down with the reason asked for; otherwise the
        // caller exits with the reason it went down with
        Ok(match down {
            Msg::Down { reason: actual, .. } if !exact_eq(&actual, &asked) => caught_exit(actual),
            _ => Term::OK,
        })
    }
}

/// A trace collector of type `C` attached to `w`, with the driver named `driver`.
fn attach_collector<C: Collector>(w: &mut World, driver: Pid) -> Rc<RefCell<C>> {
    let col = Rc::new(RefCell::new(C::default()));
    col.borrow_mut()
        .names_mut()
        .pids
        .insert(driver, "driver".to_string());
    let c = col.clone();
    // The id is fresh in a new world; attaching cannot fail.
    let _ = w
        .telemetry
        .attach_many("conformance-trace", C::KINDS, move |e| {
            c.borrow_mut().on_event(e)
        });
    col
}

fn exit_term(reason: Term) -> Term {
    Term::pair(Term::atom("exit"), reason)
}

/// An exit with `reason` as the oracle's `safe/1` catches it: `{exit, R}` for a reason
/// `{R, {M, F, A}}` (the form a failed `gen` call exits with), `{exit, Reason}` otherwise.
fn caught_exit(reason: Term) -> Term {
    match reason.as_tuple() {
        Some([r, mfa]) if mfa.as_tuple().is_some_and(|t| t.len() == 3) => exit_term(r.clone()),
        _ => exit_term(reason),
    }
}
