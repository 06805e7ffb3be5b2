//! Restart pattern detection (seed 002): restart storms, cascading failures and periodic
//! failures, from the failures and restarts a supervisor reports, in virtual time.
//!
//! Thresholds are fields of [`PatternConfig`] (documented defaults); each detection is a
//! [`Pattern`] with the supervisor, the children involved and when it was seen.

use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// When each pattern fires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatternConfig {
    /// A storm: at least `storm_restarts` restarts of one child within `storm_window_us`.
    /// Default: 5 within 10 s.
    pub storm_restarts: usize,
    pub storm_window_us: u64,
    /// A cascade: failures of at least `cascade_children` different children of one
    /// supervisor within `cascade_window_us`, or a supervisor giving up after a child
    /// failure. Default: 3 within 1 s.
    pub cascade_children: usize,
    pub cascade_window_us: u64,
    /// Periodic: at least `periodic_failures` failures of one child whose intervals vary
    /// by less than `periodic_max_cv` (coefficient of variation). Default: 5, 0.1.
    pub periodic_failures: usize,
    pub periodic_max_cv: f64,
}

impl Default for PatternConfig {
    fn default() -> Self {
        PatternConfig {
            storm_restarts: 5,
            storm_window_us: 10_000_000,
            cascade_children: 3,
            cascade_window_us: 1_000_000,
            periodic_failures: 5,
            periodic_max_cv: 0.1,
        }
    }
}

/// A detected pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    RestartStorm {
        supervisor: String,
        child: String,
        restarts: usize,
        at_us: u64,
    },
    CascadingFailure {
        supervisor: String,
        children: Vec<String>,
        escalated: bool,
        at_us: u64,
    },
    PeriodicFailure {
        supervisor: String,
        child: String,
        period_us: u64,
        at_us: u64,
    },
}

impl Pattern {
    /// The pattern's kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            Pattern::RestartStorm { .. } => "restart_storm",
            Pattern::CascadingFailure { .. } => "cascading_failure",
            Pattern::PeriodicFailure { .. } => "periodic_failure",
        }
    }
}

/// The detector: feed it failures, restarts and give-ups as they happen.
#[derive(Clone, Debug, Default)]
pub struct PatternDetector {
    config: PatternConfig,
    restarts: HashMap<Rc<str>, VecDeque<u64>>,
    failures: HashMap<Rc<str>, VecDeque<u64>>,
    siblings: HashMap<Rc<str>, Siblings>,
    /// Patterns found, oldest first (bounded).
    pub found: VecDeque<Pattern>,
    /// Children already reported as storming / periodic (reported once per episode).
    storming: HashMap<Rc<str>, u64>,
    periodic: HashMap<Rc<str>, u64>,
}

/// Recent failures of one supervisor's children, with a count per child.
#[derive(Clone, Debug, Default)]
struct Siblings {
    recent: VecDeque<(u64, Rc<str>)>,
    per_child: HashMap<Rc<str>, usize>,
    /// When a cascade was last reported (once per window).
    reported: Option<u64>,
}

const KEEP: usize = 1000;

impl PatternDetector {
    /// A detector with these thresholds.
    pub fn new(config: PatternConfig) -> PatternDetector {
        PatternDetector {
            config,
            ..PatternDetector::default()
        }
    }

    fn push(&mut self, p: Pattern) {
        self.found.push_back(p);
        if self.found.len() > KEEP {
            self.found.pop_front();
        }
    }

    /// A child of `sup` failed (the supervisor reported `child_terminated`).
    pub fn failure(&mut self, sup: &Rc<str>, child: &Rc<str>, t_us: u64) -> Vec<Pattern> {
        let mut out = Vec::new();
        let c = self.config;
        // siblings failing together
        let sib = self.siblings.entry(sup.clone()).or_default();
        sib.recent.push_back((t_us, child.clone()));
        *sib.per_child.entry(child.clone()).or_insert(0) += 1;
        while let Some((t, old)) = sib.recent.front() {
            if t_us - t <= c.cascade_window_us {
                break;
            }
            if let Some(n) = sib.per_child.get_mut(old) {
                *n -= 1;
                if *n == 0 {
                    sib.per_child.remove(old);
                }
            }
            sib.recent.pop_front();
        }
        let quiet = sib.reported.is_none_or(|r| t_us - r > c.cascade_window_us);
        if sib.per_child.len() >= c.cascade_children && quiet {
            sib.reported = Some(t_us);
            let mut children: Vec<String> = sib.per_child.keys().map(|k| k.to_string()).collect();
            children.sort();
            out.push(Pattern::CascadingFailure {
                supervisor: sup.to_string(),
                children,
                escalated: false,
                at_us: t_us,
            });
        }
        // a regular beat
        if !self.failures.contains_key(child) {
            self.failures.insert(child.clone(), VecDeque::new());
        }
        let f = self.failures.get_mut(child).expect("just inserted");
        f.push_back(t_us);
        if f.len() > c.periodic_failures.max(2) {
            f.pop_front();
        }
        if f.len() >= c.periodic_failures && c.periodic_failures >= 2 {
            let gaps: Vec<f64> = f
                .iter()
                .zip(f.iter().skip(1))
                .map(|(a, b)| (b - a) as f64)
                .collect();
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
            let cv = if mean > 0.0 {
                var.sqrt() / mean
            } else {
                f64::INFINITY
            };
            let already = self
                .periodic
                .get(child)
                .is_some_and(|t| t_us - t < 10 * mean as u64);
            if cv < c.periodic_max_cv && mean > 0.0 && !already {
                self.periodic.insert(child.clone(), t_us);
                out.push(Pattern::PeriodicFailure {
                    supervisor: sup.to_string(),
                    child: child.to_string(),
                    period_us: mean as u64,
                    at_us: t_us,
                });
            }
        }
        for p in &out {
            self.push(p.clone());
        }
        out
    }

    /// `sup` restarted `child`.
    pub fn restart(&mut self, sup: &Rc<str>, child: &Rc<str>, t_us: u64) -> Vec<Pattern> {
        let c = self.config;
        if !self.restarts.contains_key(child) {
            self.restarts.insert(child.clone(), VecDeque::new());
        }
        let r = self.restarts.get_mut(child).expect("just inserted");
        r.push_back(t_us);
        while r.front().is_some_and(|t| t_us - t > c.storm_window_us) {
            r.pop_front();
        }
        let n = r.len();
        let storming = self
            .storming
            .get(child)
            .is_some_and(|t| t_us - t <= c.storm_window_us);
        if n >= c.storm_restarts && !storming {
            self.storming.insert(child.clone(), t_us);
            let p = Pattern::RestartStorm {
                supervisor: sup.to_string(),
                child: child.to_string(),
                restarts: n,
                at_us: t_us,
            };
            self.push(p.clone());
            return vec![p];
        }
        Vec::new()
    }

    /// `sup` gave up (reached its restart intensity) after `child` failed: the failure
    /// travels up the tree.
    pub fn gave_up(&mut self, sup: &Rc<str>, child: &Rc<str>, t_us: u64) -> Vec<Pattern> {
        let p = Pattern::CascadingFailure {
            supervisor: sup.to_string(),
            children: vec![child.to_string()],
            escalated: true,
            at_us: t_us,
        };
        self.push(p.clone());
        vec![p]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Rc<str> {
        Rc::from(s)
    }

    #[test]
    fn storm_fires_on_rapid_restarts_only() {
        let mut d = PatternDetector::default();
        for i in 0..4 {
            assert!(d.restart(&p("root"), &p("root/a"), i * 100_000).is_empty());
        }
        assert_eq!(
            d.restart(&p("root"), &p("root/a"), 400_000)[0].kind(),
            "restart_storm"
        );
        // reported once per episode
        assert!(d.restart(&p("root"), &p("root/a"), 500_000).is_empty());
        // slow restarts never storm
        let mut d = PatternDetector::default();
        for i in 0..20 {
            assert!(d
                .restart(&p("root"), &p("root/b"), i * 5_000_000)
                .is_empty());
        }
    }

    #[test]
    fn cascade_needs_several_siblings_in_the_window() {
        let mut d = PatternDetector::default();
        assert!(d.failure(&p("root"), &p("root/a"), 0).is_empty());
        assert!(
            d.failure(&p("root"), &p("root/a"), 10).is_empty(),
            "one child twice is not a cascade"
        );
        assert!(d.failure(&p("root"), &p("root/b"), 20).is_empty());
        let found = d.failure(&p("root"), &p("root/c"), 30);
        assert!(
            matches!(&found[0], Pattern::CascadingFailure { children, escalated: false, .. } if children.len() == 3)
        );
        let mut d = PatternDetector::default();
        for (i, c) in ["root/a", "root/b", "root/c"].iter().enumerate() {
            assert!(
                d.failure(&p("root"), &p(c), i as u64 * 2_000_000)
                    .is_empty(),
                "spread out: no cascade"
            );
        }
        assert!(matches!(
            &d.gave_up(&p("root"), &p("root/a"), 5)[0],
            Pattern::CascadingFailure {
                escalated: true,
                ..
            }
        ));
    }

    #[test]
    fn periodic_needs_regular_intervals() {
        let mut d = PatternDetector::default();
        let mut found = Vec::new();
        for i in 0..6u64 {
            found.extend(d.failure(&p("root"), &p("root/a"), i * 1_000_000));
        }
        assert!(found.iter().any(|p| matches!(
            p,
            Pattern::PeriodicFailure {
                period_us: 1_000_000,
                ..
            }
        )));
        let mut d = PatternDetector::default();
        let mut found = Vec::new();
        for t in [0u64, 100_000, 2_000_000, 2_100_000, 7_000_000, 7_050_000] {
            found.extend(d.failure(&p("root"), &p("root/a"), t));
        }
        assert!(
            !found.iter().any(|p| p.kind() == "periodic_failure"),
            "{found:?}"
        );
    }
}
