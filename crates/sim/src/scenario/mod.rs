//! Scenario files: an initial tree (or a raw process script), the steps a driver performs,
//! and an optional fault script — the JSON of `conformance/FORMAT.md`, plus OTP Lab's
//! extensions (`seed`, `faults`, worker `behaviour` and `name`, `pause`/`resume`/
//! `change_strategy`, `change_intensity` steps).
//!
//! [`parse`] validates everything up front and reports the first problem with the JSON
//! path where it is (`steps[3].target: unknown process path "root/zz"`), so a run never
//! starts on bad input.

pub mod faults;
mod parse;
pub mod runner;

pub use parse::{kind_of, parse, ScenarioError, MAX_FILE_BYTES};

use crate::supervisor::spec::{ChildSpec, Strategy, SupSpec};
use crate::term::Term;
use std::rc::Rc;

/// A parsed, validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Default quiet time after each step, in ms (100 supervisor family, 50 raw).
    pub settle_ms: u64,
    /// Seed of the world's random number generator.
    pub seed: u64,
    pub body: Body,
    /// Faults injected at virtual times (OTP Lab extension).
    pub faults: Vec<Fault>,
}

/// The two scenario families.
#[derive(Clone, Debug)]
pub enum Body {
    /// A supervision tree started by the driver, then steps.
    Sup {
        root_id: String,
        tree: Rc<SupSpec>,
        steps: Vec<SupStep>,
    },
    /// Raw processes ("puppets") driven step by step.
    Raw { steps: Vec<RawStep> },
}

/// One step of a supervisor-family scenario.
#[derive(Clone, Debug)]
pub struct SupStep {
    pub op: SupOp,
    /// Quiet time after this step, if it overrides the scenario's.
    pub settle_ms: Option<u64>,
    /// `OP ARGS…` as the trace's `step N` line shows it.
    pub summary: String,
}

/// A child named in `terminate_child`.
#[derive(Clone, Debug)]
pub enum ChildArg {
    Id(Term),
    /// The path of a process (its current pid is used).
    Pid(String),
}

/// What `start_child` passes.
#[derive(Clone, Debug)]
pub enum StartArg {
    Spec(Rc<ChildSpec>),
    Args(String),
}

/// Supervisor-family operations (see FORMAT.md).
#[derive(Clone, Debug)]
pub enum SupOp {
    Exit {
        target: String,
        reason: Term,
    },
    Crash {
        target: String,
        reason: Term,
    },
    TerminateChild {
        sup: String,
        child: ChildArg,
    },
    RestartChild {
        sup: String,
        child: Term,
    },
    DeleteChild {
        sup: String,
        child: Term,
    },
    StartChild {
        sup: String,
        arg: StartArg,
    },
    WhichChildren {
        sup: String,
    },
    CountChildren {
        sup: String,
    },
    Stop {
        target: String,
        reason: Term,
    },
    Sleep {
        ms: u64,
    },
    Align {
        ms: u64,
    },
    Pause {
        sup: String,
    },
    Resume {
        sup: String,
    },
    ChangeStrategy {
        sup: String,
        strategy: Strategy,
    },
    ChangeIntensity {
        sup: String,
        intensity: u32,
        period: u32,
    },
}

/// One step of a raw-family scenario.
#[derive(Clone, Debug)]
pub struct RawStep {
    pub op: RawOp,
    pub settle_ms: Option<u64>,
}

/// Raw-family operations (see FORMAT.md).
#[derive(Clone, Debug)]
pub enum RawOp {
    Spawn {
        name: String,
        by: Option<String>,
        link: bool,
        monitor: Option<String>,
        trap_exit: bool,
    },
    Link {
        by: String,
        to: String,
    },
    Unlink {
        by: String,
        to: String,
    },
    Monitor {
        by: String,
        to: String,
        ref_name: String,
    },
    Demonitor {
        by: String,
        ref_name: String,
        flush: bool,
        info: bool,
    },
    TrapExit {
        by: String,
        value: bool,
    },
    Exit {
        by: Option<String>,
        to: String,
        reason: Term,
    },
    ExitSelf {
        by: String,
        reason: Term,
    },
    Error {
        by: String,
        reason: Term,
    },
    Return {
        by: String,
    },
    Send {
        by: String,
        to: String,
        msg: Term,
    },
    IsAlive {
        target: String,
    },
    Sleep {
        ms: u64,
    },
}

/// What a fault does to its target.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// `exit(Pid, kill)`.
    Kill,
    /// `exit(Pid, Reason)`.
    Exit(Term),
    /// The worker stops itself with `Reason` (runs `terminate/2`).
    Crash(Term),
}

/// When a fault fires.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultWhen {
    /// Once, at this virtual time (ms).
    At(u64),
    /// Every `every` ms from `from` until `until` (ms, inclusive), each time with
    /// probability `probability`.
    Every {
        every: u64,
        from: u64,
        until: Option<u64>,
        probability: f64,
    },
}

/// One entry of the fault script. The target is a path; a path ending in `/*` picks a
/// random live child of that supervisor (seeded).
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub when: FaultWhen,
    pub target: String,
    pub action: FaultAction,
}
