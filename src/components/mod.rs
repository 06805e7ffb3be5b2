//! UI components, one per file. Each renders view-model rows and sends commands through
//! callbacks; none of them knows about the simulator.

pub mod event_log;
pub mod tree;
