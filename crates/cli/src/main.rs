//! `otp-lab`: the simulator on the command line.
//!
//! - `otp-lab trace FILE.json` prints a scenario's trace in the conformance format.
//! - `otp-lab metrics FILE.json [--format json|prometheus|csv|statsd|history] [--from T]
//!   [--to T] [--supervisor PATH]` runs a scenario with the analytics attached and prints
//!   their export over a window of virtual time (`5s`, `250ms`, `2m`, `1h`; the whole run by
//!   default), for every supervisor or one (whose report the JSON then carries).
//! - `otp-lab inspect FILE.json [--at T] processes|supervisors|graph|process PATH` opens a
//!   supervisor scenario as the Lab does (its start_child, exit and crash steps at time 0,
//!   then its fault script as time runs), runs it to the virtual instant `T` (0 by
//!   default) and prints what the Lab shows there as JSON: every process, every
//!   supervisor, the system graph, or one process (a path or `<0.N.0>`).
//! - `otp-lab api FILE.json CALL [ARGS] …` opens a supervisor scenario as the Lab does and
//!   answers the calls of the in-page API (`otp_lab_session::api`: `kill
//!   '{"pid":"demo/counter_1"}'`, `run '{"ms":100}'`, `analytics '{"name":"demo"}'`…) one
//!   after the other, each answer a line of JSON.
//! - `otp-lab bench [--quick]` runs the benchmark workloads of `bench/WORKLOADS.md` (and
//!   the cost of the analytics on each).
//! - `otp-lab soak [--quick|--link]` runs a virtual hour of chaos on 1,000 workers with
//!   the Lab's log and the analytics (events per second, live heap), or prints that
//!   experiment as a share link for the browser soak.
//!
//! Invalid input gives exit status 2 and one line on stderr naming the problem and where.

use otp_lab_sim::bench::{self, Workload};
use otp_lab_sim::scenario::{self, runner};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

/// Counts live heap bytes, to measure the memory of simulated processes.
#[global_allocator]
static ALLOC: otp_lab_sim::bench::Counting = otp_lab_sim::bench::Counting;

const USAGE: &str = "usage: otp-lab trace FILE.json | otp-lab metrics FILE.json [--format json|prometheus|csv|statsd|history] [--from T] [--to T] [--supervisor PATH] | otp-lab inspect FILE.json [--at T] processes|supervisors|graph|process PATH | otp-lab api FILE.json CALL [ARGS] ... | otp-lab bench [--quick] | otp-lab soak [--quick|--link]";

/// What `otp-lab metrics` was asked for.
struct MetricsArgs<'a> {
    file: &'a str,
    format: &'a str,
    from_us: Option<u64>,
    to_us: Option<u64>,
    supervisor: Option<&'a str>,
}

/// A virtual duration: a number and a unit (`us`, `ms`, `s`, `m`, `h`).
fn parse_duration(flag: &str, text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        "" => return Err(format!("{flag} {text}: give a unit (5s, 250ms, 2m, 1h)")),
        _ => {
            return Err(format!(
                "{flag} {text}: unknown unit \"{unit}\" (us, ms, s, m or h)"
            ))
        }
    };
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() && n * scale < 1e18 => Ok((n * scale).round() as u64),
        _ => Err(format!("{flag} {text}: not a duration")),
    }
}

fn metrics_args<'a>(args: &[&'a str]) -> Result<MetricsArgs<'a>, String> {
    let mut m = MetricsArgs {
        file: "",
        format: "json",
        from_us: None,
        to_us: None,
        supervisor: None,
    };
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).copied();
        match (args[i], value) {
            ("--format", Some(v)) => m.format = v,
            ("--from", Some(v)) => m.from_us = Some(parse_duration("--from", v)?),
            ("--to", Some(v)) => m.to_us = Some(parse_duration("--to", v)?),
            ("--supervisor", Some(v)) => m.supervisor = Some(v),
            (flag, None) if flag.starts_with("--") => return Err(format!("{flag} needs a value")),
            (flag, _) if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            (file, _) if m.file.is_empty() => {
                m.file = file;
                i += 1;
                continue;
            }
            (extra, _) => return Err(format!("unexpected argument \"{extra}\"")),
        }
        i += 2;
    }
    if m.file.is_empty() {
        return Err(USAGE.to_string());
    }
    Ok(m)
}

/// `otp-lab inspect FILE [--at T] QUERY [PATH]`: the lab of a supervisor scenario at a
/// virtual instant, as JSON.
fn inspect(args: &[&str]) -> ExitCode {
    let mut at = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match (args[i], args.get(i + 1)) {
            ("--at", Some(v)) => match parse_duration("--at", v) {
                Ok(t) => {
                    at = Some(t);
                    i += 1;
                }
                Err(e) => return fail(&e),
            },
            ("--at", None) => return fail("--at needs a value"),
            (flag, _) if flag.starts_with("--") => return fail(&format!("unknown option {flag}")),
            (arg, _) => rest.push(arg),
        }
        i += 1;
    }
    use otp_lab_session::inspect::{self as q, QUERIES};
    let (file, query, key) = match rest.as_slice() {
        [file, "process", key] => (*file, "process", Some(*key)),
        [_, "process"] => return fail("process needs a path or a pid (root/a, <0.84.0>)"),
        [file, query] if QUERIES.contains(query) => (*file, *query, None),
        [_, query, ..] if !QUERIES.contains(query) => {
            return fail(&format!(
                "unknown query \"{query}\" (processes, supervisors, graph or process PATH)"
            ))
        }
        _ => return fail(USAGE),
    };
    let scn = match read_scenario(file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let mut lab = match otp_lab_lab::Lab::from_scenario(&scn, None, |_| {}) {
        Ok(l) => l,
        Err(e) => return fail(&format!("{file}: {e}")),
    };
    // everything due at or before the instant runs (the kills of the steps at 0 too)
    lab.advance_to(at.unwrap_or(0));
    let answer = match (query, key) {
        ("processes", _) => Ok(q::processes(&lab)),
        ("supervisors", _) => Ok(q::supervisors(&lab)),
        ("graph", _) => Ok(q::graph(&lab)),
        (_, Some(key)) => q::process(&lab, key),
        _ => unreachable!("the queries are matched above"),
    };
    match answer {
        Ok(v) => {
            let v: serde_json::Value = serde_json::from_str(&v).expect("the answer is JSON");
            let text = serde_json::to_string_pretty(&v).expect("JSON values print");
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn fail(msg: &str) -> ExitCode {
    let line = msg.replace('\n', " ");
    eprintln!("otp-lab: {line}");
    ExitCode::from(2)
}

fn read_scenario(path: &str) -> Result<scenario::Scenario, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?;
    if meta.len() > scenario::MAX_FILE_BYTES as u64 {
        return Err(format!(
            "{path}: file is {} bytes, more than the {} allowed",
            meta.len(),
            scenario::MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    scenario::parse(&text).map_err(|e| format!("{path}: {e}"))
}

/// `otp-lab api`: the calls, in order, on one session of the scenario; stops at the
/// first error (exit 2).
fn api(file: &str, calls: &[&str]) -> ExitCode {
    let scn = match read_scenario(file) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let exp = otp_lab_session::Experiment {
        source: otp_lab_session::experiment::Source::Scenario(text),
        seed: scn.seed,
        actions: Vec::new(),
    };
    let mut session = match otp_lab_session::Session::new(exp) {
        Ok(s) => s,
        Err(e) => return fail(&format!("{file}: {e}")),
    };
    let mut api = otp_lab_session::api::Api::default();
    let mut i = 0;
    while i < calls.len() {
        let call = calls[i];
        let args = match calls.get(i + 1) {
            Some(a) if a.trim_start().starts_with('{') => {
                i += 1;
                match serde_json::from_str(a) {
                    Ok(v) => v,
                    Err(e) => return fail(&format!("{call}: the arguments are not JSON ({e})")),
                }
            }
            _ => serde_json::Value::Null,
        };
        i += 1;
        match api.call(&mut session, call, &args).result {
            Ok(answer) => println!("{answer}"),
            Err(e) => return fail(&e),
        }
    }
    ExitCode::SUCCESS
}

fn trace(path: &str) -> ExitCode {
    let scn = match read_scenario(path) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match runner::run(&scn) {
        Ok(out) => {
            let bytes = otp_lab_sim::trace::encode_trace(&out.lines);
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(&bytes)
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("{path}: {e}")),
    }
}

/// `otp-lab metrics FILE [--format F] [--from T] [--to T] [--supervisor PATH]`: runs the
/// scenario with analytics attached and prints them over the window (by default the whole
/// run, at least one second).
fn metrics(m: &MetricsArgs) -> ExitCode {
    if !["json", "prometheus", "csv", "statsd", "history"].contains(&m.format) {
        return fail(&format!(
            "unknown format \"{}\" (json, prometheus, csv, statsd or history)",
            m.format
        ));
    }
    let path = m.file;
    let scn = match read_scenario(path) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let mut analytics = None;
    let run = runner::run_world(&scn, otp_lab_sim::Config::default(), |w| {
        analytics = Some(otp_lab_analytics::attach_server(
            w,
            otp_lab_analytics::server::Settings::default(),
        ));
    });
    let (out, world) = match run {
        Ok(o) => o,
        Err(e) => return fail(&format!("{path}: {e}")),
    };
    let Some(a) = analytics else {
        return fail("analytics were not attached");
    };
    let to = m.to_us.unwrap_or(out.end_us);
    if to > out.end_us {
        return fail(&format!("--to is after the run's end ({} us)", out.end_us));
    }
    let from = m.from_us.unwrap_or(0);
    if from >= to && m.from_us.is_some() {
        return fail("--from must be before --to");
    }
    let window = if m.from_us.is_none() && m.to_us.is_none() {
        out.end_us.max(1_000_000)
    } else {
        (to - from).max(1)
    };
    let mut server = a.borrow_mut();
    let mut snap = otp_lab_analytics::export::Snapshot::take_all(&mut server, &world, to, window);
    let mut report = None;
    if let Some(sup) = m.supervisor {
        match server
            .restarts
            .supervisor_report(sup, to - window.min(to), to)
        {
            Ok(r) => report = Some(r),
            Err(e) => return fail(&format!("--supervisor: {e}")),
        }
        snap.supervisors.retain(|s| s.path == sup);
    }
    let text = match m.format {
        "json" => {
            let mut v = snap.to_json();
            if let Some(r) = report {
                v["supervisor"] = r.to_json();
            }
            // health, mailboxes and budgets left are the world's state where the run ended
            v["state_at_us"] = out.end_us.into();
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        "prometheus" => snap.to_prometheus(),
        "csv" => snap.to_csv(),
        "history" => snap.history_csv(),
        _ => snap.to_statsd(),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn run_bench(divisor: u64) -> ExitCode {
    println!(
        "# otp-lab bench: simulator throughput (host wall-clock time; virtual time is not used)"
    );
    for wl in Workload::ALL {
        let t0 = Instant::now();
        let (out, world) = bench::run_keep(wl, divisor);
        let secs = t0.elapsed().as_secs_f64().max(1e-9);
        drop(world);
        println!("{} {} {:.1}", wl.name(), out.ops, out.ops as f64 / secs);
        println!(
            "# {}: {} events logged, {} processes spawned, {} messages",
            wl.name(),
            out.events,
            out.spawned,
            out.messages
        );
    }
    for wl in Workload::ALL {
        // The same workload with the whole analytics server attached to the event bus,
        // against a plain run made right before it, in PAIRS interleaved pairs (after a
        // warm-up run, so both find the allocator in the same state); the median pair
        // is reported, as one pair is at the mercy of the machine's other work.
        const PAIRS: usize = 11;
        drop(bench::run_keep(wl, divisor));
        let mut pairs = Vec::with_capacity(PAIRS);
        let mut ops = 0;
        for _ in 0..PAIRS {
            let t0 = Instant::now();
            let (out, world) = bench::run_keep(wl, divisor);
            let plain = t0.elapsed().as_secs_f64().max(1e-9);
            drop(world);
            let t0 = Instant::now();
            let (_, world) = bench::run_with(wl, divisor, |w| {
                otp_lab_analytics::attach_server(w, otp_lab_analytics::server::Settings::default());
            });
            let with = t0.elapsed().as_secs_f64().max(1e-9);
            drop(world);
            ops = out.ops;
            pairs.push((with / plain, with));
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (ratio, with) = pairs[PAIRS / 2];
        // the throughput with analytics against without: plain time / analytics time - 1
        let cost = |r: f64| (1.0 / r - 1.0) * 100.0;
        println!(
            "# {} with analytics on: {:.1} ops/s ({:+.1}% throughput, {:+.1}% time; median of {PAIRS} pairs, throughput {:+.1}% to {:+.1}%)",
            wl.name(),
            ops as f64 / with,
            cost(ratio),
            (ratio - 1.0) * 100.0,
            cost(pairs[PAIRS - 1].0),
            cost(pairs[0].0)
        );
    }
    // Ten million events through the analytics server and an independent counter.
    let audit = otp_lab_analytics::audit::run(Workload::RestartStorm, 10, divisor);
    let cols: Vec<String> = otp_lab_analytics::audit::Audit::COLUMNS
        .iter()
        .zip(audit.seen.iter().zip(audit.expected.iter()))
        .map(|(name, (seen, exp))| format!("{name} {seen}/{exp}"))
        .collect();
    println!(
        "# analytics audit over {} events ({}): {}",
        audit.events,
        cols.join(", "),
        if audit.lossless() {
            "no event lost"
        } else {
            "EVENTS LOST"
        }
    );
    if !audit.lossless() {
        return ExitCode::from(1);
    }
    let n = 100_000u64 / divisor.max(1);
    let before = otp_lab_sim::bench::live_bytes();
    let w = bench::idle_processes(n);
    let after = otp_lab_sim::bench::live_bytes();
    let per = (after.saturating_sub(before)) as f64 / n as f64;
    println!("# idle process memory: {per:.0} bytes per process ({n} live processes, {} in the world, including the process table and the event log ring)", w.process_count());
    ExitCode::SUCCESS
}

/// `otp-lab soak`: a virtual hour of chaos on a 1,000-worker tree with the analytics
/// attached, run in Lab-sized slices; prints events, speed and the live heap.
fn run_soak(virtual_s: u64) -> ExitCode {
    let t0 = Instant::now();
    let r = match otp_lab_session::soak::soak(virtual_s, 50, 20_000, otp_lab_sim::bench::live_bytes)
    {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "soak: {} virtual s, {} events ({:.1} M events/s), {} live processes",
        r.virtual_us / 1_000_000,
        r.events,
        r.events as f64 / secs / 1e6,
        r.live_processes
    );
    println!(
        "soak: live heap {:.1} MB after the first virtual minute, peak {:.1} MB after it ({:+.1} %)",
        r.probe_after_warmup as f64 / 1e6,
        r.probe_peak as f64 / 1e6,
        (r.probe_peak as f64 / r.probe_after_warmup.max(1) as f64 - 1.0) * 100.0
    );
    let series: Vec<String> = r
        .probe_series
        .iter()
        .map(|b| format!("{:.1}", *b as f64 / 1e6))
        .collect();
    println!(
        "soak: peak live heap per virtual 10 minutes (MB): {}",
        series.join(" ")
    );
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["trace", file] => trace(file),
        ["metrics", rest @ ..] => match metrics_args(rest) {
            Ok(m) => metrics(&m),
            Err(e) => fail(&e),
        },
        ["inspect", rest @ ..] => inspect(rest),
        ["api", file, calls @ ..] if !calls.is_empty() => api(file, calls),
        ["bench"] => run_bench(1),
        ["bench", "--quick"] => run_bench(10),
        ["soak"] => run_soak(3600),
        ["soak", "--quick"] => run_soak(360),
        ["soak", "--link"] => {
            // the same soak as a share-link fragment, for the browser soak
            let exp = otp_lab_session::soak::soak_experiment(50);
            println!(
                "#{}",
                otp_lab_session::share::encode(&otp_lab_session::share::ShareLink::of(exp))
            );
            ExitCode::SUCCESS
        }
        ["bench", "--only", name] => match Workload::ALL.iter().find(|w| w.name() == *name) {
            Some(wl) => {
                let t0 = Instant::now();
                let (out, world) = bench::run_keep(*wl, 1);
                let secs = t0.elapsed().as_secs_f64();
                drop(world);
                println!("{} {} {:.1}", wl.name(), out.ops, out.ops as f64 / secs);
                ExitCode::SUCCESS
            }
            None => fail(USAGE),
        },
        _ => fail(USAGE),
    }
}
