//! One supervisor's analytics over a window of virtual time: its restarts (with the old
//! and new pid and the restart's place in the intensity window), the reasons and the
//! children behind them, the time between restarts, the failure rate, the intensity
//! budget over time with the instants it ran out, and the escalations it caused or
//! received. The Lab's supervisor view, the console's `Control` queries, the CLI's
//! `--supervisor` filter and the exports all read this one report.

use crate::restarts::{Cause, RestartAnalytics, RestartRecord, UnknownSupervisor};

/// A supervisor giving up: when, who gave up and the child whose failure made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Escalation {
    pub at_us: u64,
    pub supervisor: String,
    pub child: String,
}

/// One supervisor's analytics between `from_us` and `to_us` (both included).
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub path: String,
    pub from_us: u64,
    pub to_us: u64,
    pub intensity: u32,
    pub period: u32,
    pub alive: bool,
    /// Restarts and asked-for starts in the window, oldest first.
    pub history: Vec<RestartRecord>,
    /// Automatic restarts and reported child exits in the window.
    pub restarts: u64,
    pub failures: u64,
    /// Child failures per second over the window.
    pub failure_rate_per_s: f64,
    /// Restarts by reason (as Erlang prints it), most first.
    pub reasons: Vec<(String, u64)>,
    /// Restarts by child path, most first.
    pub children: Vec<(String, u64)>,
    /// Time between consecutive restarts: p50 and p95 (µs), when there were two.
    pub between_p50_us: Option<u64>,
    pub between_p95_us: Option<u64>,
    /// Restarts in the intensity window at each instant it changed (a step line), from
    /// the window's start.
    pub budget: Vec<(u64, u32)>,
    /// Instants the intensity ran out: this supervisor gave up (its parent was told).
    pub gave_up: Vec<Escalation>,
    /// Child supervisors that gave up and were reported to this one.
    pub received: Vec<Escalation>,
}

/// Counts one more of `name` in `counts`.
fn count(counts: &mut Vec<(String, u64)>, name: String) {
    match counts.iter_mut().find(|c| c.0 == name) {
        Some(c) => c.1 += 1,
        None => counts.push((name, 1)),
    }
}

/// `(name, count)` pairs as a ranking: most first, ties by name.
fn ranked(mut v: Vec<(String, u64)>) -> Vec<(String, u64)> {
    otp_lab_sim::sort::sort_by(&mut v, |a, b| (b.1, &a.0) < (a.1, &b.0));
    v
}

/// The nearest-rank percentile `p` (0–100) of sorted `v`.
fn percentile(v: &[u64], p: u64) -> Option<u64> {
    let n = v.len() as u64;
    (n > 0).then(|| v[((p * n).div_ceil(100).max(1) - 1) as usize])
}

impl RestartAnalytics {
    /// The analytics of supervisor `path` between `from_us` and `to_us`.
    pub fn supervisor_report(
        &self,
        path: &str,
        from_us: u64,
        to_us: u64,
    ) -> Result<Report, UnknownSupervisor> {
        let s = self.stats(path)?;
        let in_range = |t: u64| t >= from_us && t <= to_us;
        let history: Vec<RestartRecord> = self.history(s).filter(|r| in_range(r.t_us)).collect();
        let restarts: Vec<&RestartRecord> = history
            .iter()
            .filter(|r| r.cause == Cause::Restart)
            .collect();
        let (mut reasons, mut children) = (Vec::new(), Vec::new());
        for r in &restarts {
            count(&mut reasons, r.reason_text());
            count(&mut children, r.child.to_string());
        }
        let mut gaps: Vec<u64> = restarts.windows(2).map(|w| w[1].t_us - w[0].t_us).collect();
        otp_lab_sim::sort::sort_by(&mut gaps, |a, b| a < b);
        let window = to_us.saturating_sub(from_us).max(1);
        let failures = self.failures_between(s, from_us, to_us);
        let escalation = |(at_us, child): (u64, std::rc::Rc<str>), sup: &str| Escalation {
            at_us,
            supervisor: sup.to_string(),
            child: child.to_string(),
        };
        let gave_up = self
            .gave_up(s)
            .filter(|(t, _)| in_range(*t))
            .map(|e| escalation(e, path))
            .collect();
        // the give-ups of its child supervisors (paths one level under its own)
        let prefix = format!("{path}/");
        let mut received = Vec::new();
        for c in self.all_stats() {
            if c.path
                .strip_prefix(&prefix)
                .is_some_and(|id| !id.contains('/'))
            {
                received.extend(
                    self.gave_up(c)
                        .filter(|(t, _)| in_range(*t))
                        .map(|e| escalation(e, &c.path)),
                );
            }
        }
        Ok(Report {
            path: path.to_string(),
            from_us,
            to_us,
            intensity: s.intensity,
            period: s.period,
            alive: s.alive,
            restarts: restarts.len() as u64,
            failures,
            failure_rate_per_s: failures as f64 / (window as f64 / 1e6),
            reasons: ranked(reasons),
            children: ranked(children),
            between_p50_us: percentile(&gaps, 50),
            between_p95_us: percentile(&gaps, 95),
            budget: self.budget(s, from_us, to_us),
            gave_up,
            received,
            history,
        })
    }

    /// Restarts in `s`'s intensity window at each instant it changed between `from_us`
    /// and `to_us`: OTP counts a restart made at second `r` while the current second is at
    /// most `r + period`, and a new incarnation starts from none.
    fn budget(
        &self,
        s: &crate::restarts::SupervisorStats,
        from_us: u64,
        to_us: u64,
    ) -> Vec<(u64, u32)> {
        let inits: Vec<u64> = self.incarnation_starts(s).collect();
        // oldest first, as the history
        let restarts: Vec<u64> = self.restart_times(s).collect();
        let period = s.period as u64;
        let count_at = |t: u64| {
            let incarnation = inits.partition_point(|&i| i <= t);
            let born = incarnation.checked_sub(1).map_or(0, |i| inits[i]);
            let oldest_second = (t / 1_000_000).saturating_sub(period);
            let from = born.max(oldest_second * 1_000_000);
            (restarts.partition_point(|&r| r <= t) - restarts.partition_point(|&r| r < from)) as u32
        };
        // the count changes only when a restart happens, leaves the window or a new
        // incarnation starts
        let mut instants: Vec<u64> = vec![from_us];
        for &r in &restarts {
            instants.push(r);
            instants.push((r / 1_000_000 + period + 1) * 1_000_000);
        }
        instants.extend(inits.iter().copied());
        instants.retain(|&t| t >= from_us && t <= to_us);
        otp_lab_sim::sort::sort_by(&mut instants, |a, b| a < b);
        instants.dedup();
        let mut steps: Vec<(u64, u32)> = Vec::new();
        for t in instants {
            let n = count_at(t);
            if steps.last().is_none_or(|&(_, last)| last != n) {
                steps.push((t, n));
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v = [10, 20, 30, 40];
        assert_eq!(percentile(&v, 50), Some(20));
        assert_eq!(percentile(&v, 95), Some(40));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 95), Some(7));
    }
}
