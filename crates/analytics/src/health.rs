//! Health, anomalies and alerts.
//!
//! - [`assess`]: healthy / warning / critical against documented thresholds.
//! - [`queue_analysis`]: message-queue lengths over the live processes ([`queue_lengths`]).
//! - [`Baseline`]: exponential moving average and variance; a value more than `k`
//!   standard deviations from the baseline is an anomaly.
//! - [`AlertRule`]: a threshold on any dashboard field, with a severity.

use otp_lab_sim::{Pid, World};
use std::collections::BTreeMap;

/// Overall health.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Healthy,
    Warning,
    Critical,
}

impl Health {
    /// The status name.
    pub fn name(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Warning => "warning",
            Health::Critical => "critical",
        }
    }
}

/// Health thresholds. Defaults: restarts in the last 5 minutes above 5 warn,
/// above 10 are critical; processes above 75 % / 90 % of `process_limit`; a mailbox longer than
/// 100 messages warning, 1,000 critical.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthThresholds {
    pub restarts_warning: u64,
    pub restarts_critical: u64,
    pub restart_window_us: u64,
    pub process_limit: u64,
    pub mailbox_warning: usize,
    pub mailbox_critical: usize,
}

impl Default for HealthThresholds {
    fn default() -> Self {
        HealthThresholds {
            restarts_warning: 5,
            restarts_critical: 10,
            restart_window_us: 300_000_000,
            process_limit: 262_144,
            mailbox_warning: 100,
            mailbox_critical: 1000,
        }
    }
}

/// Message-queue lengths of the live processes.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct QueueAnalysis {
    pub max: usize,
    pub average: f64,
    /// Processes with more than 100 messages waiting.
    pub long_queues: usize,
}

/// Every live process with its message-queue length (`message_queue_len`), in
/// process-table order: the scan [`queue_analysis`] sums up and the Lab ranks.
pub fn queue_lengths(w: &World) -> impl Iterator<Item = (Pid, usize)> + '_ {
    w.processes().map(|p| (p.pid, p.message_queue_len()))
}

/// Scans every live process's mailbox.
pub fn queue_analysis(w: &World) -> QueueAnalysis {
    let mut a = QueueAnalysis::default();
    let mut n = 0usize;
    let mut sum = 0usize;
    for (_, len) in queue_lengths(w) {
        n += 1;
        sum += len;
        a.max = a.max.max(len);
        if len > 100 {
            a.long_queues += 1;
        }
    }
    a.average = if n > 0 { sum as f64 / n as f64 } else { 0.0 };
    a
}

/// A health report with the reasons behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct HealthReport {
    pub status: Health,
    pub reasons: Vec<String>,
}

/// Assesses health from recent restarts, the process count and mailbox lengths.
pub fn assess(
    recent_restarts: u64,
    processes: u64,
    queues: QueueAnalysis,
    t: &HealthThresholds,
) -> HealthReport {
    let mut status = Health::Healthy;
    let mut reasons = Vec::new();
    let mut raise = |h: Health, why: String| {
        status = status.max(h);
        reasons.push(why);
    };
    if recent_restarts > t.restarts_critical {
        raise(
            Health::Critical,
            format!(
                "{recent_restarts} restarts in the window (> {})",
                t.restarts_critical
            ),
        );
    } else if recent_restarts > t.restarts_warning {
        raise(
            Health::Warning,
            format!(
                "{recent_restarts} restarts in the window (> {})",
                t.restarts_warning
            ),
        );
    }
    let used = processes as f64 / t.process_limit.max(1) as f64;
    if used > 0.9 {
        raise(
            Health::Critical,
            format!("{processes} processes, {:.0}% of the limit", used * 100.0),
        );
    } else if used > 0.75 {
        raise(
            Health::Warning,
            format!("{processes} processes, {:.0}% of the limit", used * 100.0),
        );
    }
    if queues.max > t.mailbox_critical {
        raise(
            Health::Critical,
            format!("a mailbox holds {} messages", queues.max),
        );
    } else if queues.max > t.mailbox_warning {
        raise(
            Health::Warning,
            format!("a mailbox holds {} messages", queues.max),
        );
    }
    HealthReport { status, reasons }
}

/// An exponential-moving-average baseline with standard-deviation anomaly detection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// Smoothing factor (default 0.1).
    pub alpha: f64,
    /// Standard deviations that make an anomaly (default 2.0).
    pub k: f64,
    /// Samples before anomalies are reported (default 10).
    pub warmup: u64,
    mean: f64,
    var: f64,
    n: u64,
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline {
            alpha: 0.1,
            k: 2.0,
            warmup: 10,
            mean: 0.0,
            var: 0.0,
            n: 0,
        }
    }
}

/// A value far from its baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anomaly {
    /// What was far from its baseline: `restart_rate_per_s`, `message_rate_per_s`,
    /// `process_count` (the dashboard's names) or `longest_mailbox` (the longest a
    /// process's queue grew in the window); empty from a bare [`Baseline`].
    pub metric: &'static str,
    pub value: f64,
    pub baseline: f64,
    pub stddev: f64,
    /// How many standard deviations away.
    pub score: f64,
}

impl Baseline {
    /// Feeds one value; returns an anomaly if it is more than `k` standard deviations
    /// from the baseline (after warm-up). The value then joins the baseline.
    pub fn observe(&mut self, x: f64) -> Option<Anomaly> {
        let sd = self.var.sqrt();
        let verdict = if self.n >= self.warmup {
            let dev = (x - self.mean).abs();
            let floor = (self.mean.abs() * 1e-9).max(1e-12);
            let score = dev / sd.max(floor);
            (dev > self.k * sd && dev > floor).then_some(Anomaly {
                metric: "",
                value: x,
                baseline: self.mean,
                stddev: sd,
                score,
            })
        } else {
            None
        };
        if self.n == 0 {
            self.mean = x;
        } else {
            let d = x - self.mean;
            self.mean += self.alpha * d;
            self.var = (1.0 - self.alpha) * (self.var + self.alpha * d * d);
        }
        self.n += 1;
        verdict
    }

    /// The current baseline (mean, standard deviation).
    pub fn current(&self) -> (f64, f64) {
        (self.mean, self.var.sqrt())
    }
}

/// How bad an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    /// The severity's name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The rules the Lab and `otp-lab metrics` check by default (three levels, on supervision
/// fields): restart rate above 1/s warns and above 10/s is critical; recovery p99 above
/// 1 s warns; any restart-rate anomaly is worth a look (info).
pub fn default_rules() -> Vec<AlertRule> {
    let rule = |name: &str, field: &str, op, threshold, severity| AlertRule {
        name: name.into(),
        field: field.into(),
        op,
        threshold,
        severity,
        hold_us: 0,
    };
    vec![
        rule(
            "restart_storm",
            "restart_rate_per_s",
            Op::Above,
            10.0,
            Severity::Critical,
        ),
        rule(
            "high_restart_rate",
            "restart_rate_per_s",
            Op::Above,
            1.0,
            Severity::Warning,
        ),
        rule(
            "slow_recovery",
            "recovery_time_p99_us",
            Op::Above,
            1_000_000.0,
            Severity::Warning,
        ),
        rule(
            "restart_rate_anomaly",
            "anomalies_total",
            Op::Above,
            0.0,
            Severity::Info,
        ),
    ]
}

/// Comparison of an alert rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Above,
    Below,
}

/// A threshold on a dashboard field.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRule {
    pub name: String,
    pub field: String,
    pub op: Op,
    pub threshold: f64,
    pub severity: Severity,
    /// How long the condition must hold before the rule fires (µs; 0: at once).
    pub hold_us: u64,
}

/// A rule that fired.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub rule: String,
    pub field: String,
    pub value: f64,
    pub threshold: f64,
    pub severity: Severity,
}

/// Alert rules watched over time: each rule fires when its condition has held for its
/// `hold_us`, and is listed once per time it starts firing.
#[derive(Clone, Debug, Default)]
pub struct AlertWatch {
    pub rules: Vec<AlertRule>,
    /// When each rule's condition started holding, and whether it fires.
    state: Vec<(Option<u64>, bool)>,
    /// Each time a rule started firing, oldest first (the newest 1,000).
    pub fired: Vec<(u64, Alert)>,
}

impl AlertWatch {
    /// Watches `rules`.
    pub fn new(rules: Vec<AlertRule>) -> AlertWatch {
        AlertWatch {
            state: vec![(None, false); rules.len()],
            rules,
            fired: Vec::new(),
        }
    }

    /// Adds a rule, or replaces the one of the same name (which starts afresh).
    pub fn set(&mut self, rule: AlertRule) {
        match self.rules.iter().position(|r| r.name == rule.name) {
            Some(i) => {
                self.rules[i] = rule;
                self.state[i] = (None, false);
            }
            None => {
                self.rules.push(rule);
                self.state.push((None, false));
            }
        }
    }

    /// Removes the rule named `name`; false if there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        match self.rules.iter().position(|r| r.name == name) {
            Some(i) => {
                self.rules.remove(i);
                self.state.remove(i);
                true
            }
            None => false,
        }
    }

    /// Looks at the dashboard at `t_us`: a rule whose condition has held for its
    /// `hold_us` starts firing (and is listed); one whose condition fails stops.
    pub fn observe(&mut self, t_us: u64, dashboard: &BTreeMap<String, f64>) {
        let now = check_alerts(&self.rules, dashboard);
        for (rule, state) in self.rules.iter().zip(self.state.iter_mut()) {
            let Some(alert) = now.iter().find(|a| a.rule == rule.name) else {
                *state = (None, false);
                continue;
            };
            let since = *state.0.get_or_insert(t_us);
            if !state.1 && t_us - since >= rule.hold_us {
                state.1 = true;
                self.fired.push((t_us, alert.clone()));
                if self.fired.len() > 1000 {
                    self.fired.remove(0);
                }
            }
        }
    }
}

/// The rules that fire on a dashboard (its fields by name); unknown fields never fire.
pub fn check_alerts(rules: &[AlertRule], dashboard: &BTreeMap<String, f64>) -> Vec<Alert> {
    rules
        .iter()
        .filter_map(|r| {
            let v = *dashboard.get(&r.field)?;
            let fires = match r.op {
                Op::Above => v > r.threshold,
                Op::Below => v < r.threshold,
            };
            fires.then(|| Alert {
                rule: r.name.clone(),
                field: r.field.clone(),
                value: v,
                threshold: r.threshold,
                severity: r.severity,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_thresholds() {
        let t = HealthThresholds::default();
        let q = QueueAnalysis::default();
        assert_eq!(assess(5, 10, q, &t).status, Health::Healthy);
        assert_eq!(assess(6, 10, q, &t).status, Health::Warning);
        assert_eq!(assess(11, 10, q, &t).status, Health::Critical);
        let long = QueueAnalysis { max: 150, ..q };
        assert_eq!(assess(0, 10, long, &t).status, Health::Warning);
        assert_eq!(assess(0, 250_000, q, &t).status, Health::Critical);
        assert_eq!(assess(6, 250_000, q, &t).reasons.len(), 2);
    }

    #[test]
    fn baseline_flags_outliers_not_noise() {
        let mut b = Baseline::default();
        let mut flagged = 0;
        for i in 0..200 {
            let x = 100.0 + if i % 2 == 0 { 1.0 } else { -1.0 };
            flagged += b.observe(x).is_some() as u32;
        }
        assert_eq!(flagged, 0, "steady noise is not an anomaly");
        let a = b.observe(150.0).expect("a spike is");
        assert!(a.score > 2.0 && (a.baseline - 100.0).abs() < 1.0);
        // a constant series: any change is anomalous, the same value is not
        let mut c = Baseline::default();
        for _ in 0..20 {
            assert!(c.observe(7.0).is_none());
        }
        assert!(c.observe(8.0).is_some());
    }

    #[test]
    fn alerts_fire_on_their_fields() {
        let rules = vec![
            AlertRule {
                name: "storm".into(),
                field: "restart_rate_per_s".into(),
                op: Op::Above,
                threshold: 1.0,
                severity: Severity::Critical,
                hold_us: 0,
            },
            AlertRule {
                name: "idle".into(),
                field: "process_count".into(),
                op: Op::Below,
                threshold: 2.0,
                severity: Severity::Info,
                hold_us: 0,
            },
            AlertRule {
                name: "ghost".into(),
                field: "nope".into(),
                op: Op::Above,
                threshold: 0.0,
                severity: Severity::Warning,
                hold_us: 0,
            },
        ];
        let mut d = BTreeMap::new();
        d.insert("restart_rate_per_s".to_string(), 3.0);
        d.insert("process_count".to_string(), 10.0);
        let fired = check_alerts(&rules, &d);
        assert_eq!(fired.len(), 1);
        assert_eq!(
            (fired[0].rule.as_str(), fired[0].severity),
            ("storm", Severity::Critical)
        );
    }
}
