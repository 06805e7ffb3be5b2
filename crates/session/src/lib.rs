//! OTP Lab's sessions: what a learner does in the Lab, as data that replays exactly.
//!
//! An [`experiment::Experiment`] is a preset (or scenario), a seed and the commands the
//! learner issued, each at the virtual time it took effect. A [`session::Session`] runs
//! one live — the UI's frames move it forward — and rebuilds the world at any earlier
//! instant by replaying the experiment up to it (the simulator is deterministic, so the
//! replay is the same run). Everything here is plain Rust, tested natively.

pub mod analytics;
pub mod api;
pub mod compare;
pub mod control;
pub mod experiment;
pub mod faults;
pub mod inspect;
pub mod session;
pub mod share;
pub mod soak;
pub mod variant;

pub use experiment::{Action, Experiment};
pub use session::Session;
