//! What the graph view reads: the system graph at the instant on screen.

use super::LabHandle;
use leptos::prelude::WithValue;
use otp_lab_lab::graph::Graph;

impl LabHandle {
    /// Every process with its links, monitors and parent, at the cursor's instant.
    pub fn graph(&self) -> Option<Graph> {
        self.session.try_with_value(|s| s.current().lab.graph())
    }
}
