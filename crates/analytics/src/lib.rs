//! OTP Lab's analytics, computed in virtual time from the simulator's telemetry bus.
//!
//! [`attach`] registers the handlers on a world the way `:telemetry.attach_many/4`
//! does; the analytics then see every event synchronously, in order: supervisor restart
//! analytics ([`restarts`]), the metrics engine ([`metrics`], [`sketch`]), restart
//! patterns ([`patterns`]), one supervisor over a window ([`supervisor`]), health,
//! anomalies and alerts ([`health`]), the server that
//! ties them to the event bus ([`server`]), exports ([`export`]) and the no-event-lost
//! [`audit`].

pub mod audit;
mod bounded;
pub mod export;
pub mod health;
pub mod json;
pub mod metrics;
pub mod paths;
pub mod patterns;
mod reasons;
pub mod restarts;
pub mod server;
pub mod sketch;
pub mod supervisor;

use otp_lab_sim::event::EventKind;
use otp_lab_sim::World;
use restarts::RestartAnalytics;
use std::cell::RefCell;
use std::rc::Rc;

/// Handler id used by [`attach`].
pub const HANDLER_ID: &str = "otp-lab-analytics";

/// Attaches the whole analytics server to a world ([`server::Server::attach`]).
pub fn attach_server(world: &mut World, settings: server::Settings) -> Rc<RefCell<server::Server>> {
    server::Server::attach(world, settings)
}

/// Attaches restart analytics (keeping `history_size` records per supervisor) to a world.
pub fn attach(world: &mut World, history_size: usize) -> Rc<RefCell<RestartAnalytics>> {
    let a = Rc::new(RefCell::new(RestartAnalytics::new(history_size)));
    attach_tracker(world, &a);
    a
}

/// Feeds `a` from `world`'s bus: reports and child starts as supervisor notes,
/// supervisor inits, exits, restart counts and intensity changes as events. A second attach on the same world is a
/// programming error: the first is kept.
pub(crate) fn attach_tracker(world: &mut World, a: &Rc<RefCell<RestartAnalytics>>) {
    let (h, n) = (a.clone(), a.clone());
    let kinds = [
        EventKind::SupervisorInit,
        EventKind::SupervisorExit,
        EventKind::RestartCounted,
        EventKind::IntensityChanged,
    ];
    let _ = world
        .telemetry
        .attach_many(HANDLER_ID, &kinds, move |e| h.borrow_mut().on_event(e));
    let _ = world
        .telemetry
        .attach_notes(HANDLER_ID, move |note| n.borrow_mut().on_note(note));
}
