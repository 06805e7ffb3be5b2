//! The view model: plain Rust projections of a session that the components render.
//!
//! Nothing here touches the DOM, so every rule about what the UI shows (the tree's
//! layout and keyboard moves, the log's filter and window, the charts' paths) is
//! checked by native unit tests.

pub mod charts;
pub mod dashboard;
pub mod inspector;
pub mod log;
pub mod nav;
pub mod pulses;
pub mod sequence;
pub mod supervisor;
pub mod timeline;
pub mod tree;

pub use log::{clock_text, format_time_us, LogFilter, LogRow, LogStore};
pub use tree::TreeRow;
