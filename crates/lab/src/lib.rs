//! OTP Lab's learner's lab: a running supervision tree the learner works on, and what the
//! web app shows of it, as plain data.
//!
//! [`Lab`] (`lab.rs`) owns a simulated world, starts a preset or scenario tree under a
//! shell process and runs it in virtual time; learners act on it with [`command`]s, typed
//! (the inspector's [`actions`]) or read from an IEx- or `erl`-like line by the
//! [`console`]; it keeps an OTP-styled event log ([`log`]) and the run's messages joined
//! up ([`history`]) and draws them as a [`sequence`] chart and the processes as a [`graph`], tells why a process died ([`cause`]), and projects
//! the tree
//! ([`tree`]) and any process ([`inspect`]) into plain data. The shell's own process
//! functions are `shell.rs`; what a command raises prints as IEx or erl print it
//! ([`raised`]). The [`presets`] are the trees
//! the Lab offers; [`fingerprint`] checks that every build target runs them the same.
//! Everything here is plain Rust, tested natively; the web app reads these types and
//! never reaches into the simulator.

pub mod actions;
pub mod cause;
pub mod command;
pub mod console;
pub mod fingerprint;
pub mod graph;
pub mod history;
pub mod inspect;
mod lab;
pub mod log;
pub mod presets;
pub mod raised;
pub mod sequence;
mod shell;
mod sys;
pub mod tree;

pub use lab::{Lab, ShellExit, CALL_TIMEOUT_US, MAX_ACTIVATIONS_AT_ONCE};
pub use log::{LogLine, LOG_KINDS, LOG_LINES_KEPT};
pub use raised::Raised;
pub use tree::{Meter, NodeKind, NodeStatus, TreeNode};
