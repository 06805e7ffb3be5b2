//! Runs one `otp-lab bench` workload with the analytics server attached, for profiling:
//! `cargo run --release -p otp-lab-analytics --example overhead -- restart_storm [plain|noop|notes|restarts|server]`.

#[path = "support/mode.rs"]
mod mode;

use otp_lab_sim::bench::{self, Workload};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map(String::as_str).unwrap_or("restart_storm");
    let mode = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("server")
        .to_string();
    let Some(wl) = Workload::ALL.into_iter().find(|w| w.name() == name) else {
        eprintln!("unknown workload {name}");
        std::process::exit(2);
    };
    let t0 = Instant::now();
    let (out, _world) = bench::run_with(wl, 1, |w| mode::attach(w, &mode));
    println!(
        "{name} {} ops in {:.6}s, {} µs virtual",
        out.ops,
        t0.elapsed().as_secs_f64(),
        _world.now()
    );
}
