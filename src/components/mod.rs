//! UI components, one per file. Each renders the driver's signals and sends commands
//! back through the [`crate::driver::LabHandle`]; none of them knows about the simulator.

pub mod compare;
pub mod console;
pub mod controls;
pub mod dashboard;
pub mod event_log;
pub mod faults;
pub mod graph;
pub mod inspector;
pub mod lessons;
pub mod sequence;
pub mod timeline;
pub mod tree;
