//! The browser benchmark (`bench.html`): the `otp-lab bench` workloads run in wasm, the
//! same lines written into `<pre id="bench-output">`, then `body[data-bench-done="1"]`.
//! `scripts/bench-browser.mjs` drives it in headless Chromium and prints the ratios.

use wasm_bindgen::prelude::*;

use crate::driver::now_ms;
use otp_lab_sim::bench::{self, Workload};

/// Runs every workload at `1/divisor` of its size and reports into the page.
#[wasm_bindgen]
pub fn run_bench(divisor: u32) -> String {
    let d = u64::from(divisor.max(1));
    let mut out = String::from("# otp-lab bench in wasm (browser wall-clock time)\n");
    // untimed warm-up at 1/20 of the size: V8 first runs wasm on its baseline compiler
    // and moves hot functions to the optimizing one in the background; time the latter
    for wl in Workload::ALL {
        drop(bench::run_keep(wl, d * 20));
    }
    for wl in Workload::ALL {
        let t0 = now_ms();
        let (o, world) = bench::run_keep(wl, d);
        let secs = ((now_ms() - t0) / 1000.0).max(1e-9);
        drop(world);
        out.push_str(&format!(
            "{} {} {:.1}\n",
            wl.name(),
            o.ops,
            o.ops as f64 / secs
        ));
        out.push_str(&format!(
            "# {}: {} events logged, {} processes spawned, {} messages\n",
            wl.name(),
            o.events,
            o.spawned,
            o.messages
        ));
    }
    // idle processes: live heap bytes (the counting allocator below) over 100,000
    // processes, the process table and the event log included
    let n = 100_000 / d;
    let before = bench::live_bytes();
    let w = bench::idle_processes(n);
    let after = bench::live_bytes();
    out.push_str(&format!(
        "# idle process memory: {:.0} bytes per process ({n} live processes, {} in the world, including the process table and the event log ring)\n",
        (after.saturating_sub(before)) as f64 / n as f64,
        w.process_count()
    ));
    drop(w);
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(pre) = doc.get_element_by_id("bench-output") {
            pre.set_text_content(Some(&out));
        }
        if let Some(body) = doc.body() {
            let _ = body.set_attribute("data-bench-done", "1");
        }
    }
    out
}

/// Counts live heap bytes in the browser too (the idle-process figure).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: bench::Counting = bench::Counting;
