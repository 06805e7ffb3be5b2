//! The soak run: a virtual hour of chaos on a 1,000-worker tree, with the analytics
//! attached, as the Lab runs it (in slices with a step budget). Reports the events, the
//! virtual time reached and the peak of a memory probe sampled along the way, so that
//! `otp-lab soak` can show memory stays bounded (ring buffers and retention at work).

use crate::experiment::{Experiment, Source, Stop};

/// The soak tree: 20 supervisors of 50 workers, a kill of a random worker of each
/// supervisor every `every_ms`.
pub fn soak_scenario(every_ms: u64) -> String {
    let mut sups = Vec::new();
    let mut faults = Vec::new();
    for s in 0..20 {
        let workers: Vec<String> = (0..50)
            .map(|w| format!(r#"{{"id":"w{w}","behaviour":"counter"}}"#))
            .collect();
        sups.push(format!(
            r#"{{"id":"s{s}","kind":"supervisor","strategy":"one_for_one","intensity":1000,"period":1,"children":[{}]}}"#,
            workers.join(",")
        ));
        faults.push(format!(
            r#"{{"every":{every_ms},"from":{},"op":"kill","target":"root/s{s}/*"}}"#,
            every_ms + s
        ));
    }
    format!(
        r#"{{"name":"soak","seed":11,"tree":{{"id":"root","strategy":"one_for_one","intensity":10,"period":1,"children":[{}]}},"faults":[{}]}}"#,
        sups.join(","),
        faults.join(",")
    )
}

/// The soak as an experiment (the browser soak opens it as a share link).
pub fn soak_experiment(every_ms: u64) -> Experiment {
    Experiment {
        source: Source::Scenario(soak_scenario(every_ms)),
        seed: 11,
        actions: Vec::new(),
    }
}

/// What the soak saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoakReport {
    pub events: u64,
    pub virtual_us: u64,
    pub live_processes: usize,
    /// The probe's value after the first virtual minute, and its peak after that.
    pub probe_after_warmup: usize,
    pub probe_peak: usize,
    /// The probe at the end of every virtual ten minutes.
    pub probe_series: [usize; 6],
}

/// Runs `virtual_s` of the soak in slices of `budget` steps; `probe` is read between
/// slices (e.g. live heap bytes).
pub fn soak(
    virtual_s: u64,
    every_ms: u64,
    budget: u32,
    probe: impl Fn() -> usize,
) -> Result<SoakReport, String> {
    let exp = soak_experiment(every_ms);
    let mut run = exp.start()?;
    let end = virtual_s * 1_000_000;
    let mut warm = None;
    let mut peak = 0usize;
    let mut series = [0usize; 6];
    loop {
        let done = run.drive(
            &exp,
            Stop {
                t_us: end,
                log_len: None,
            },
            budget,
        );
        if run.lab.now_us() >= 60_000_000 {
            let p = probe();
            warm.get_or_insert(p);
            peak = peak.max(p);
            let slot = ((run.lab.now_us() / 600_000_000) as usize).min(5);
            series[slot] = series[slot].max(p);
        }
        if done {
            break;
        }
    }
    Ok(SoakReport {
        events: run.lab.world().log.total(),
        virtual_us: run.lab.now_us(),
        live_processes: run.lab.world().process_count(),
        probe_after_warmup: warm.unwrap_or(0),
        probe_peak: peak,
        probe_series: series,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soak_tree_parses_and_runs_a_little() {
        otp_lab_sim::scenario::parse(&soak_scenario(20)).unwrap();
        let r = soak(2, 20, 50_000, || 0).unwrap();
        assert!(r.events > 10_000, "{r:?}");
        assert_eq!(r.virtual_us, 2_000_000);
        assert!(r.live_processes >= 1_000);
    }
}
