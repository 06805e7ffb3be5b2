//! OTP Lab's simulator: a deterministic, single-threaded model of BEAM processes,
//! mailboxes, links, monitors, exit signals and OTP supervisors.
//!
//! Data flows one way: a [`scenario::Scenario`] (tree + steps + faults) and a seed drive a
//! [`world::World`]; every observable action becomes an [`event::Event`] in the columnar
//! [`log::EventLog`] and on the [`event::Telemetry`] bus; projections such as the
//! conformance [`trace`] read those events. Nothing reads the wall clock; virtual time is
//! in microseconds.

pub mod atom;
pub mod behaviour;
pub mod bench;
pub mod event;
pub mod external;
pub mod log;
pub mod message;
pub mod pid;
pub mod process;
pub mod quote;
pub mod rng;
pub mod scenario;
pub mod sort;
pub mod supervisor;
pub mod term;
pub mod trace;
pub mod world;

pub use atom::Atom;
pub use event::{Event, EventKind, Telemetry};
pub use pid::{Pid, Ref};
pub use term::Term;
pub use world::{Config, World};
