//! `otp-lab bench`'s analytics-overhead measure for one workload, with more pairs: plain
//! and analytics-on runs interleaved in one process after a warm-up, the median ratio, its
//! range, and the ratio of the fastest runs of each kind.
//! `cargo run --release -p otp-lab-analytics --example pairs -- restart_storm 21 [MODE]`
//! (MODE as for the `overhead` example; `server` by default).

#[path = "support/mode.rs"]
mod mode;

use otp_lab_sim::bench::{self, Workload};
use std::time::Instant;

fn main() {
    let name = std::env::args().nth(1).unwrap_or("restart_storm".into());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    let mode = std::env::args().nth(3).unwrap_or("server".into());
    let Some(wl) = Workload::ALL.into_iter().find(|w| w.name() == name) else {
        eprintln!("unknown workload {name}");
        std::process::exit(2);
    };
    drop(bench::run_keep(wl, 1));
    let mut r = vec![];
    let (mut mp, mut ms) = (f64::MAX, f64::MAX);
    for _ in 0..n {
        let t0 = Instant::now();
        let (_o, w) = bench::run_keep(wl, 1);
        let p = t0.elapsed().as_secs_f64();
        drop(w);
        let t0 = Instant::now();
        let (_, w) = bench::run_with(wl, 1, |w| mode::attach(w, &mode));
        let s = t0.elapsed().as_secs_f64();
        drop(w);
        r.push(s / p);
        mp = mp.min(p);
        ms = ms.min(s);
    }
    r.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name} median {:+.1}% ({:+.1}..{:+.1}) min/min {:+.1}%",
        (r[n / 2] - 1.0) * 100.0,
        (r[0] - 1.0) * 100.0,
        (r[n - 1] - 1.0) * 100.0,
        (ms / mp - 1.0) * 100.0
    );
}
