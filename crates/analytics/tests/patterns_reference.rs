//! The pattern detector against a naive reference that keeps every failure and restart
//! and applies the documented definitions directly: on random runs of failures and
//! restarts (bursts at one instant, quiet gaps, several supervisors and children, any
//! thresholds), both must report the same patterns at the same moments. The detector's
//! bounded rings and its shortcuts for bursts must not change a single report.

use otp_lab_analytics::paths::{PathId, Paths};
use otp_lab_analytics::patterns::{Pattern, PatternConfig, PatternDetector, RING};
use proptest::prelude::*;
use std::collections::HashMap;

/// Every event kept; each definition evaluated from scratch.
struct Naive {
    c: PatternConfig,
    restarts: HashMap<PathId, Vec<u64>>,
    failures: HashMap<PathId, Vec<u64>>,
    /// Each supervisor's child failures in order.
    sibling_failures: HashMap<PathId, Vec<(PathId, u64)>>,
    storming: HashMap<PathId, u64>,
    periodic: HashMap<PathId, u64>,
    cascaded: HashMap<PathId, u64>,
}

impl Naive {
    fn new(c: PatternConfig) -> Naive {
        Naive {
            c,
            restarts: HashMap::new(),
            failures: HashMap::new(),
            sibling_failures: HashMap::new(),
            storming: HashMap::new(),
            periodic: HashMap::new(),
            cascaded: HashMap::new(),
        }
    }

    fn failure(&mut self, paths: &Paths, sup: PathId, child: PathId, t: u64) -> Vec<Pattern> {
        let mut out = vec![];
        // cascade: the newest `k` different children, the k-th of them inside the window
        let k = self.c.cascade_children.clamp(1, RING);
        let all = self.sibling_failures.entry(sup).or_default();
        all.push((child, t));
        let mut newest: Vec<(PathId, u64)> = vec![];
        for &(c, at) in all.iter().rev() {
            if newest.len() == k {
                break;
            }
            if !newest.iter().any(|(n, _)| *n == c) {
                newest.push((c, at));
            }
        }
        let w = self.c.cascade_window_us;
        if newest.len() == k
            && t - newest[k - 1].1 <= w
            && self.cascaded.get(&sup).is_none_or(|r| t - r > w)
        {
            self.cascaded.insert(sup, t);
            let mut children: Vec<String> = newest
                .iter()
                .map(|(c, _)| paths.name(*c).to_string())
                .collect();
            children.sort();
            out.push(Pattern::CascadingFailure {
                supervisor: paths.name(sup).to_string(),
                children,
                escalated: false,
                at_us: t,
            });
        }
        // periodic: the newest `beats` failures evenly spaced
        let beats = self.c.periodic_failures.clamp(2, RING);
        let f = self.failures.entry(child).or_default();
        f.push(t);
        if f.len() >= beats && self.c.periodic_failures >= 2 {
            let last = &f[f.len() - beats..];
            let first = last[0];
            if t != first {
                let n = (beats - 1) as f64;
                let mean = (t - first) as f64 / n;
                let recent = self
                    .periodic
                    .get(&child)
                    .is_some_and(|p| t - p < 10 * mean as u64);
                let var = last
                    .windows(2)
                    .map(|g| ((g[1] - g[0]) as f64 - mean).powi(2))
                    .sum::<f64>()
                    / n;
                if !recent && var.sqrt() / mean < self.c.periodic_max_cv {
                    self.periodic.insert(child, t);
                    out.push(Pattern::PeriodicFailure {
                        supervisor: paths.name(sup).to_string(),
                        child: paths.name(child).to_string(),
                        period_us: mean as u64,
                        at_us: t,
                    });
                }
            }
        }
        out
    }

    fn restart(&mut self, paths: &Paths, sup: PathId, child: PathId, t: u64) -> Vec<Pattern> {
        let needed = self.c.storm_restarts.clamp(1, RING);
        let w = self.c.storm_window_us;
        let r = self.restarts.entry(child).or_default();
        r.push(t);
        if r.len() >= needed
            && t - r[r.len() - needed] <= w
            && self.storming.get(&child).is_none_or(|s| t - s > w)
        {
            self.storming.insert(child, t);
            return vec![Pattern::RestartStorm {
                supervisor: paths.name(sup).to_string(),
                child: paths.name(child).to_string(),
                restarts: needed,
                at_us: t,
            }];
        }
        vec![]
    }
}

fn config() -> impl Strategy<Value = PatternConfig> {
    (
        0usize..10,
        prop_oneof![Just(0u64), Just(1_000), Just(10_000_000)],
        0usize..10,
        prop_oneof![Just(0u64), Just(1_000), Just(1_000_000)],
        0usize..10,
        prop_oneof![Just(0.1f64), Just(0.5), Just(2.0)],
    )
        .prop_map(|(sr, sw, cc, cw, pf, cv)| PatternConfig {
            storm_restarts: sr,
            storm_window_us: sw,
            cascade_children: cc,
            cascade_window_us: cw,
            periodic_failures: pf,
            periodic_max_cv: cv,
            ..PatternConfig::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn the_detector_reports_what_the_definitions_say(
        c in config(),
        steps in prop::collection::vec(
            (0u32..2, 0u32..4, any::<bool>(),
             prop_oneof![Just(0u64), Just(0), Just(0), Just(1), Just(400), Just(1_000),
                         Just(250_000), Just(1_000_000), Just(12_000_000)]),
            1..300),
    ) {
        let mut paths = Paths::default();
        let sups = [paths.get(b"root"), paths.get(b"root/s")];
        let kids: Vec<Vec<PathId>> = ["root", "root/s"]
            .iter()
            .map(|s| (0..4).map(|i| paths.get(format!("{s}/c{i}").as_bytes())).collect())
            .collect();
        let mut d = PatternDetector::new(c);
        let mut naive = Naive::new(c);
        let mut t = 0;
        for (i, (s, k, restart, dt)) in steps.into_iter().enumerate() {
            t += dt;
            let (sup, child) = (sups[s as usize], kids[s as usize][k as usize]);
            let (got, want) = if restart {
                let n = d.restart(&paths, sup, child, t);
                (d.newest(n), naive.restart(&paths, sup, child, t))
            } else {
                let n = d.failure(&paths, sup, child, t);
                (d.newest(n), naive.failure(&paths, sup, child, t))
            };
            prop_assert_eq!(got, want, "step {} at {} µs", i, t);
        }
    }
}
