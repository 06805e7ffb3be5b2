//! What the profiling examples attach to a workload's world, by name: `plain` (nothing),
//! `noop` (a do-nothing handler on the server's event kinds), `notes` (a do-nothing
//! supervisor-note handler), `restarts` (the restart tracker alone) or `server` (the
//! whole analytics server, as `otp-lab bench` measures it; also any other name).

use otp_lab_sim::World;

pub fn attach(w: &mut World, mode: &str) {
    match mode {
        "plain" => {}
        "restarts" => {
            otp_lab_analytics::attach(w, otp_lab_analytics::restarts::DEFAULT_HISTORY);
        }
        "notes" => {
            let _ = w.telemetry.attach_notes("noop", |n| {
                std::hint::black_box(n);
            });
        }
        "noop" => {
            let _ =
                w.telemetry
                    .attach_many("noop", otp_lab_analytics::server::Server::KINDS, |_| {});
        }
        _ => {
            otp_lab_analytics::attach_server(w, otp_lab_analytics::server::Settings::default());
        }
    }
}
