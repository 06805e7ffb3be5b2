//! The no-event-lost audit: runs a benchmark workload with the analytics server and an
//! independent counting handler on the same event bus, and compares what each saw.
//! `otp-lab bench` runs it over ten million events; a test runs a small one.

use crate::server::{Server, Settings};
use otp_lab_sim::bench::{self, Workload};
use otp_lab_sim::event::{EventKind, ReportContext, StartCause};
use std::cell::RefCell;
use std::rc::Rc;

/// What the audit found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Audit {
    /// Events logged by the world.
    pub events: u64,
    /// Spawns, exits, sends, restarts and child failures counted by the plain handler.
    pub expected: [u64; 5],
    /// The same, as the analytics server's totals report them.
    pub seen: [u64; 5],
    /// Processes the world spawned (its own counter, for the spawn column).
    pub spawned: u64,
}

impl Audit {
    /// The names of the audited columns.
    pub const COLUMNS: [&'static str; 5] = ["spawns", "exits", "sends", "restarts", "failures"];

    /// True when the analytics saw every event the plain handler saw.
    pub fn lossless(&self) -> bool {
        self.expected == self.seen && self.spawned == self.expected[0]
    }
}

/// Runs `workload` at `times/divisor` of its size with both handlers attached.
pub fn run(workload: Workload, times: u64, divisor: u64) -> Audit {
    let counts = Rc::new(RefCell::new([0u64; 5]));
    let mut server = None;
    let (_, world) = bench::run_scaled(workload, times, divisor, |w| {
        server = Some(crate::attach_server(w, Settings::default()));
        let c = counts.clone();
        let _ = w.telemetry.attach_many("audit", Server::KINDS, move |e| {
            let mut c = c.borrow_mut();
            match e.kind {
                EventKind::Spawn => c[0] += 1,
                EventKind::Exit => c[1] += 1,
                EventKind::Send => c[2] += 1,
                EventKind::ChildStarted
                    if StartCause::from_code(e.info) == Some(StartCause::Restart) =>
                {
                    c[3] += 1
                }
                EventKind::Report
                    if ReportContext::from_code(e.info) == Some(ReportContext::ChildTerminated) =>
                {
                    c[4] += 1
                }
                _ => {}
            }
        });
    });
    let server = server.expect("setup ran");
    let seen = server.borrow_mut().totals();
    let expected = *counts.borrow();
    Audit {
        events: world.log.total(),
        expected,
        seen,
        spawned: world.stats().spawned,
    }
}
