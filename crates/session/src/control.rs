//! The seeds' `Control` analytics in the console: `Control.get_restart_history/1`,
//! `Control.get_supervisor_analytics/0` and `Control.get_failure_rate/2`, answered from
//! the run's restart analytics with the shapes the seeds' `Control` module returns
//! (`{:ok, …}`, or `{:error, :not_found}` for a process that is not a supervisor the
//! analytics know). Times are virtual milliseconds.

use crate::experiment::Run;
use otp_lab_analytics::health::queue_analysis;
use otp_lab_analytics::restarts::{Cause, RestartAnalytics, RestartRecord, SupervisorStats};
use otp_lab_lab::command::{Query, Target, TIME_RANGES};
use otp_lab_sim::term::Term;
use otp_lab_sim::Pid;
use std::rc::Rc;

/// Events `recent_restarts` counts (the seeds' `Enum.take(events, 10)`).
const RECENT: usize = 10;

/// The window `Control.get_health/0`'s restart rate covers (the dashboard's).
const HEALTH_WINDOW_US: u64 = 10_000_000;

/// A map with atom keys, given in term (alphabetical) order.
fn map(entries: Vec<(&str, Term)>) -> Term {
    debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
    Term::Map(Rc::from(
        entries
            .into_iter()
            .map(|(k, v)| (Term::atom(k), v))
            .collect::<Vec<_>>(),
    ))
}

/// A supervisor as the seeds name it: its name (a root's path) or its tree path.
fn name(path: &str) -> Term {
    if path.contains('/') {
        Term::Binary(path.as_bytes().into())
    } else {
        Term::atom(path)
    }
}

fn ms(t_us: u64) -> Term {
    Term::Int((t_us / 1000) as i64)
}

impl Run {
    /// The answer to a `Control` question, now.
    pub fn control(&self, q: &Query) -> Term {
        match q {
            Query::Health => return self.health_term(),
            Query::Metrics(metric, range) => return self.metrics_term(metric, range),
            _ => {}
        }
        let server = self.analytics.borrow();
        let restarts = &server.restarts;
        let not_found = || Term::error(Term::atom("not_found"));
        match q {
            Query::RestartHistory(t) => {
                let Some(s) = self.supervisor(restarts, t) else {
                    return not_found();
                };
                let mut events: Vec<Term> =
                    restarts.history(s).map(|r| event(&r, &s.path)).collect();
                events.reverse();
                Term::ok(Term::list(events))
            }
            Query::SupervisorAnalytics => {
                // by path (the analytics keep them in a B-tree by path)
                Term::list(
                    restarts
                        .all_stats()
                        .map(|s: &SupervisorStats| {
                            let history: Vec<RestartRecord> = restarts.history(s).collect();
                            let pid = self
                                .lab
                                .world()
                                .whereis_path(&s.path)
                                .filter(|_| s.alive)
                                .map_or(Term::NIL_TERM, Term::Pid);
                            map(vec![
                                (
                                    "last_restart",
                                    history.last().map_or(Term::NIL_TERM, |r| ms(r.t_us)),
                                ),
                                (
                                    "recent_restarts",
                                    Term::Int(history.len().min(RECENT) as i64),
                                ),
                                ("supervisor_name", name(&s.path)),
                                ("supervisor_pid", pid),
                                ("total_restarts", Term::Int(s.restarts as i64)),
                            ])
                        })
                        .collect(),
                )
            }
            Query::FailureRate(t, window_ms) => {
                let Some(s) = self.supervisor(restarts, t) else {
                    return not_found();
                };
                let now = self.lab.now_us();
                let from = now.saturating_sub(window_ms.saturating_mul(1000));
                let n = restarts
                    .history(s)
                    .filter(|r| r.cause == Cause::Restart && r.t_us >= from)
                    .count();
                Term::ok(map(vec![
                    ("rate", Term::Float(n as f64 / (*window_ms as f64 / 1000.0))),
                    ("restarts", Term::Int(n as i64)),
                    ("window_ms", Term::Int(*window_ms as i64)),
                ]))
            }
            _ => Term::NIL_TERM,
        }
    }

    /// `Control.get_health()`: the dashboard's health with the figures behind it.
    fn health_term(&self) -> Term {
        let now = self.lab.now_us();
        let health = self.health(now);
        let queues = queue_analysis(self.lab.world());
        // (health() synced the counts)
        let (processes, restarts) = {
            let server = self.analytics.borrow();
            let from = now.saturating_sub(HEALTH_WINDOW_US);
            let m = &server.metrics;
            let restarts = m
                .id("restarts")
                .map_or(0.0, |id| m.aggregate(id, from, now).sum);
            (server.live().max(0), restarts)
        };
        let reasons = health
            .reasons
            .iter()
            .map(|r| Term::Binary(r.as_bytes().into()))
            .collect();
        Term::ok(map(vec![
            (
                "message_queue_lengths",
                map(vec![
                    ("average", Term::Float(queues.average)),
                    ("long_queues", Term::Int(queues.long_queues as i64)),
                    ("max", Term::Int(queues.max as i64)),
                ]),
            ),
            ("overall_status", Term::atom(health.status.name())),
            ("process_count", Term::Int(processes)),
            ("reasons", Term::list(reasons)),
            // per second over the whole window, as get_failure_rate/2 counts
            (
                "restart_rate",
                Term::Float(restarts / (HEALTH_WINDOW_US as f64 / 1e6)),
            ),
        ]))
    }

    /// `Control.get_metrics(metric, range)`: a metric's figures over the range before now.
    fn metrics_term(&self, metric: &str, range: &str) -> Term {
        let now = self.lab.now_us();
        let len = TIME_RANGES
            .iter()
            .find(|(n, _)| *n == range)
            .map_or(u64::MAX, |r| r.1);
        let from = now.saturating_sub(len);
        let mut server = self.analytics.borrow_mut();
        server.sync();
        let m = &server.metrics;
        let name = metric.strip_suffix("_total").unwrap_or(metric);
        let Some(id) = m.id(name) else {
            return Term::error(Term::atom("unknown_metric"));
        };
        let a = m.aggregate(id, from, now);
        // per second over the whole range (the run, at least a second, for :all), as
        // get_failure_rate/2 counts: the engine's rate is over the part that happened
        let span = if len == u64::MAX {
            now.max(1_000_000)
        } else {
            len
        };
        let (elapsed, range_s) = ((now - from).max(1) as f64, span as f64);
        let rate = m.rate(id, from, now) * elapsed / range_s;
        let opt = |v: Option<f64>| v.map_or(Term::NIL_TERM, Term::Float);
        let filled = |v: f64| opt((a.count > 0).then_some(v));
        let p = |q: f64| opt(m.percentile(id, from, now, q));
        Term::ok(map(vec![
            ("count", Term::Int(a.count as i64)),
            ("max", filled(a.max)),
            ("mean", opt(a.mean())),
            ("metric", Term::atom(metric)),
            ("min", filled(a.min)),
            ("p50", p(50.0)),
            ("p95", p(95.0)),
            ("p99", p(99.0)),
            ("rate", Term::Float(rate)),
            ("sum", Term::Float(a.sum)),
            ("time_range", Term::atom(range)),
        ]))
    }

    /// The analytics' record of the supervisor a console target names: the live process
    /// it names, or (for one that is gone) the path or name as written.
    fn supervisor<'a>(
        &self,
        restarts: &'a RestartAnalytics,
        t: &Target,
    ) -> Option<&'a SupervisorStats> {
        let live = self.lab.lookup(t).and_then(|pid| self.lab.path_of(pid));
        let written = match t {
            Target::Path(p) | Target::Name(p) => Some(p.clone()),
            Target::Pid(_) => None,
        };
        live.into_iter()
            .chain(written)
            .find_map(|p| restarts.stats(&p).ok())
    }
}

/// One restart as the seeds' analytics record it.
fn event(r: &RestartRecord, sup: &str) -> Term {
    let child = r.child.rsplit('/').next().unwrap_or(&r.child);
    map(vec![
        ("child_id", Term::atom(child)),
        (
            "event_type",
            Term::atom(if r.cause == Cause::StartChild {
                "started"
            } else {
                "restarted"
            }),
        ),
        ("new_pid", Term::Pid(r.new_pid)),
        (
            "old_pid",
            if r.old_pid == Pid::NONE {
                Term::NIL_TERM
            } else {
                Term::Pid(r.old_pid)
            },
        ),
        ("reason", r.reason.clone().unwrap_or(Term::NIL_TERM)),
        ("supervisor_name", name(sup)),
        ("timestamp", ms(r.t_us)),
    ])
}

#[cfg(test)]
mod tests {
    use crate::experiment::Experiment;

    #[test]
    fn control_answers_the_seeds_analytics_questions() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        let mut ask = |line: &str| run.exec_line(line).unwrap();
        assert_eq!(ask("Control.get_restart_history(:demo)"), "{:ok, []}");
        ask("Process.exit(\"demo/counter_1\", :kill)");
        ask("Process.exit(\"demo/printer\", :kill)");
        let h = ask("Control.get_restart_history(:demo)");
        assert!(
            h.starts_with("{:ok, [%{child_id: :printer, event_type: :restarted, new_pid: #PID<0.")
                && h.contains(", reason: :killed, supervisor_name: :demo, timestamp: ")
                && h.contains("%{child_id: :counter_1, event_type: :restarted, new_pid: #PID<0.")
                && h.contains("old_pid: #PID<0.3.0>"),
            "newest first: {h}"
        );
        assert_eq!(
            ask("Control.get_restart_history(:nosuch)"),
            "{:error, :not_found}"
        );
        // a worker is not a supervisor the analytics know
        assert_eq!(
            ask("Control.get_restart_history(\"demo/counter_1\")"),
            "{:error, :not_found}"
        );
        let rate = ask("Control.get_failure_rate(:demo, 10_000)");
        assert_eq!(rate, "{:ok, %{rate: 0.2, restarts: 2, window_ms: 10000}}");
        assert!(ask("Control.get_failure_rate(:demo)").contains("window_ms: 60000"));
        let all = ask("Control.get_supervisor_analytics()");
        assert!(
            all.starts_with("[%{last_restart: ")
                && all.contains("recent_restarts: 2, supervisor_name: :demo, supervisor_pid: #PID<0.2.0>, total_restarts: 2}]"),
            "{all}"
        );
        assert!(ask("h Control").contains("Control.get_failure_rate"));
        assert!(ask("h Control").contains("Control.get_metrics"));
        let health = ask("Control.get_health()");
        assert!(
            health.starts_with("{:ok, %{message_queue_lengths: %{average: 0.0, long_queues: 0, max: 0}, overall_status: :healthy, process_count: ")
                && health.contains("reasons: [], restart_rate: 0.2}}"),
            "{health}"
        );
        let m = ask("Control.get_metrics(:restarts_total, :last_minute)");
        assert!(
            m.starts_with(
                "{:ok, %{count: 1, max: 2.0, mean: 2.0, metric: :restarts_total, min: 2.0,"
            ) && m.ends_with("rate: 0.03333333333333333, sum: 2.0, time_range: :last_minute}}"),
            "{m}"
        );
        assert!(ask("Control.get_metrics(:recovery_time_us)").contains("time_range: :last_minute"));
        assert_eq!(
            ask("Control.get_metrics(:nope, :all)"),
            "{:error, :unknown_metric}"
        );
        assert!(run
            .exec_line("Control.get_metrics(:restarts, :yesterday)")
            .is_err_and(|e| e.contains(":last_10_seconds")));
        assert!(run
            .exec_line("Control.get_failure_rate(:demo, -5)")
            .is_err_and(|e| e.contains("window in milliseconds")));
    }
}
