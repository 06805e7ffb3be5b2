//! The four benchmark workloads of `bench/WORKLOADS.md`, doing the same semantic work
//! as `beam_bench.escript`: every exit signal, every `'EXIT'` message, every supervisor
//! restart with its intensity bookkeeping and reports, all logged as events.
//!
//! This module only runs workloads; the caller measures host time (natively with
//! `Instant`, in the browser with `performance.now()`), because the simulator never
//! reads a clock.

use crate::behaviour::bench::BenchProc;
use crate::behaviour::Behaviour;
use crate::pid::Pid;
use crate::supervisor::spec::Strategy;
use crate::world::{Config, SpawnOpts, World};

/// A benchmark workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    SpawnExit,
    PingPong,
    RestartStorm,
    OneForAllCascade,
}

impl Workload {
    /// All four, in the order the BEAM script runs them.
    pub const ALL: [Workload; 4] = [
        Workload::SpawnExit,
        Workload::PingPong,
        Workload::RestartStorm,
        Workload::OneForAllCascade,
    ];

    /// The name printed in the result line.
    pub fn name(self) -> &'static str {
        match self {
            Workload::SpawnExit => "spawn_exit",
            Workload::PingPong => "ping_pong",
            Workload::RestartStorm => "restart_storm",
            Workload::OneForAllCascade => "one_for_all_cascade",
        }
    }

    /// The operation count of the full workload.
    pub fn ops(self) -> u64 {
        match self {
            Workload::SpawnExit => 100_000,
            Workload::PingPong => 1_000_000,
            Workload::RestartStorm => 100_000,
            Workload::OneForAllCascade => 100_000,
        }
    }
}

/// What a workload run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub ops: u64,
    pub events: u64,
    pub spawned: u64,
    pub messages: u64,
}

/// Runs a workload at `1/divisor` of its size (1 = full size). Panics if the run did
/// not do the expected work (a benchmark of a broken simulator is worthless).
pub fn run(workload: Workload, divisor: u64) -> Outcome {
    run_keep(workload, divisor).0
}

/// [`run`], handing back the world as the workload left it, so a caller that times the
/// run can stop its clock before the world is freed (the BEAM script's timing does not
/// include reclaiming its processes either).
pub fn run_keep(workload: Workload, divisor: u64) -> (Outcome, World) {
    run_with(workload, divisor, |_| {})
}

/// [`run_keep`] with `setup` applied to the world first (to attach telemetry handlers).
pub fn run_with(
    workload: Workload,
    divisor: u64,
    setup: impl FnOnce(&mut World),
) -> (Outcome, World) {
    run_scaled(workload, 1, divisor, setup)
}

/// [`run_with`] at `times/divisor` of the full size (`times` > 1 makes long runs: the
/// analytics' no-event-lost check runs the restart storm ten times over).
pub fn run_scaled(
    workload: Workload,
    times: u64,
    divisor: u64,
    setup: impl FnOnce(&mut World),
) -> (Outcome, World) {
    let d = divisor.max(1);
    let m = times.max(1);
    let mut w = World::new(Config::default());
    setup(&mut w);
    let (main, expected_spawns) = match workload {
        Workload::SpawnExit => {
            let n = 100_000 * m / d;
            let p = BenchProc::SpawnExit {
                n,
                spawned: false,
                received: 0,
            };
            (spawn_main(&mut w, p), 1 + n)
        }
        Workload::PingPong => {
            let pairs = 1000 / d;
            let rounds = 500 * m;
            let p = BenchProc::PingPongMain {
                pairs,
                rounds,
                started: false,
                done: 0,
            };
            (spawn_main(&mut w, p), 1 + 2 * pairs)
        }
        Workload::RestartStorm => {
            let kids = 1000;
            let rounds = 100 * m / d;
            let p = BenchProc::storm(Strategy::OneForOne, kids, rounds, true);
            (spawn_main(&mut w, p), 2 + kids + kids * rounds)
        }
        Workload::OneForAllCascade => {
            let kids = 100;
            let rounds = 1000 * m / d;
            let p = BenchProc::storm(Strategy::OneForAll, kids, rounds, false);
            (spawn_main(&mut w, p), 2 + kids + kids * rounds)
        }
    };
    loop {
        w.run_until_idle(u64::MAX);
        match w.next_timer() {
            Some(t) => w.fire_timers_at(t),
            None => break,
        }
    }
    let stats = w.stats();
    assert!(
        !w.is_alive(main),
        "{}: the main process did not finish",
        workload.name()
    );
    assert_eq!(
        stats.spawned,
        expected_spawns,
        "{}: wrong number of processes spawned",
        workload.name()
    );
    let out = Outcome {
        ops: workload.ops() * m / d,
        events: w.log.total(),
        spawned: stats.spawned,
        messages: stats.messages,
    };
    (out, w)
}

fn spawn_main(w: &mut World, p: BenchProc) -> Pid {
    w.spawn(
        Pid::NONE,
        Behaviour::Bench(Box::new(p)),
        SpawnOpts::default(),
    )
    .0
}

/// Spawns `n` idle processes (each linked to one parent, as supervised workers are) and
/// returns the world, for memory measurements.
pub fn idle_processes(n: u64) -> World {
    let mut w = World::new(Config {
        log_capacity: 1024,
        ..Config::default()
    });
    let (parent, _) = w.spawn(Pid::NONE, Behaviour::External, SpawnOpts::default());
    let opts = SpawnOpts {
        link: true,
        ..SpawnOpts::default()
    };
    for _ in 0..n {
        w.spawn(parent, Behaviour::Loop, opts);
    }
    w.run_until_idle(u64::MAX);
    w
}

/// A global allocator that counts live heap bytes, to measure what simulated processes
/// cost: the `otp-lab` binary and the site's benchmark page install it with
/// `#[global_allocator]` and read [`live_bytes`].
pub struct Counting;

static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Live heap bytes, when [`Counting`] is the global allocator (0 otherwise).
pub fn live_bytes() -> usize {
    LIVE.load(std::sync::atomic::Ordering::Relaxed)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is only
// bookkeeping.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        LIVE.fetch_sub(l.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, std::sync::atomic::Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.realloc(p, l, new) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_does_its_work_at_small_scale() {
        for wl in Workload::ALL {
            let o = run(wl, 100);
            assert!(o.ops > 0 && o.events > o.ops, "{wl:?}: {o:?}");
        }
    }
}
