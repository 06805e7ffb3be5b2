//! The seeds' `Control` analytics in the console: `Control.get_restart_history/1`,
//! `Control.get_supervisor_analytics/0` and `Control.get_failure_rate/2`, answered from
//! the run's restart analytics with the shapes the seeds' `Control` module returns
//! (`{:ok, …}`, or `{:error, :not_found}` for a process that is not a supervisor the
//! analytics know). Times are virtual milliseconds.

use crate::experiment::Run;
use otp_lab_analytics::health::{queue_analysis, AlertRule, Op, Severity};
use otp_lab_analytics::restarts::{Cause, RestartAnalytics, RestartRecord, SupervisorStats};
use otp_lab_analytics::server::DASHBOARD_FIELDS;
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
            Query::AddAlert { .. } | Query::RemoveAlert(_) => return self.alert_term(q),
            Query::AddChart { .. } | Query::RemoveChart(..) => return self.chart_term(q),
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

    /// `Lab.add_alert/6` and `Lab.remove_alert/1`: the rules the run's analytics watch.
    fn alert_term(&self, q: &Query) -> Term {
        let mut server = self.analytics.borrow_mut();
        let watch = &mut server.watch;
        match q {
            Query::AddAlert {
                name,
                field,
                above,
                threshold,
                severity,
                hold_ms,
            } => {
                if !DASHBOARD_FIELDS.contains(&field.as_str()) {
                    return Term::error(Term::pair(Term::atom("unknown_field"), Term::atom(field)));
                }
                watch.set(AlertRule {
                    name: name.clone(),
                    field: field.clone(),
                    op: if *above { Op::Above } else { Op::Below },
                    threshold: *threshold,
                    severity: match *severity {
                        "critical" => Severity::Critical,
                        "info" => Severity::Info,
                        _ => Severity::Warning,
                    },
                    hold_us: hold_ms * 1000,
                });
                Term::atom("ok")
            }
            Query::RemoveAlert(name) => ok_or_not_found(watch.remove(name)),
            _ => Term::NIL_TERM,
        }
    }

    /// `Lab.add_chart/3` (replaces the chart of the same metric and aggregation) and
    /// `Lab.remove_chart/2`: the charts of one's own the run's analytics keep.
    fn chart_term(&self, q: &Query) -> Term {
        let mut server = self.analytics.borrow_mut();
        match q {
            Query::AddChart {
                metric,
                aggregation,
                bucket_ms,
            } => {
                if server.metrics.id(metric).is_none() {
                    return Term::error(Term::pair(
                        Term::atom("unknown_metric"),
                        Term::atom(metric),
                    ));
                }
                server
                    .charts
                    .retain(|c| (&c.0, &c.1) != (metric, aggregation));
                server
                    .charts
                    .push((metric.clone(), aggregation.clone(), bucket_ms * 1000));
                Term::atom("ok")
            }
            Query::RemoveChart(metric, aggregation) => {
                let before = server.charts.len();
                server
                    .charts
                    .retain(|c| (&c.0, &c.1) != (metric, aggregation));
                ok_or_not_found(server.charts.len() < before)
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

/// `:ok` if something was removed, else `{:error, :not_found}`.
fn ok_or_not_found(removed: bool) -> Term {
    if removed {
        Term::atom("ok")
    } else {
        Term::error(Term::atom("not_found"))
    }
}

#[cfg(test)]
mod tests {
    use crate::experiment::Experiment;

    #[test]
    fn charts_of_ones_own_are_added_replaced_and_removed() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        let mut ask = |line: &str| run.exec_line(line);
        assert_eq!(ask("Lab.add_chart(:messages, :sum, 500)").unwrap(), ":ok");
        assert_eq!(
            ask("lab:add_chart(recovery_time_us, p95, 1000).").unwrap(),
            "ok"
        );
        // the same metric and aggregation again: its bucket changes, no second chart
        assert_eq!(ask("Lab.add_chart(:messages, :sum, 250)").unwrap(), ":ok");
        assert_eq!(
            ask("Lab.add_chart(:nope, :sum, 1000)").unwrap(),
            "{:error, {:unknown_metric, :nope}}"
        );
        for e in [
            "Lab.add_chart(:messages, :median, 1000)",
            "Lab.add_chart(:messages, :p101, 1000)",
            "Lab.add_chart(:messages, :sum, 0)",
            "Lab.add_chart(\"messages\", :sum, 1000)",
            "Lab.add_chart(:messages)",
        ] {
            assert!(ask(e).is_err(), "{e}");
        }
        assert_eq!(
            ask("Lab.remove_chart(:recovery_time_us, :p95)").unwrap(),
            ":ok"
        );
        assert_eq!(
            ask("Lab.remove_chart(:recovery_time_us, :p95)").unwrap(),
            "{:error, :not_found}"
        );
        let charts = run.analytics.borrow().charts.clone();
        assert_eq!(
            charts,
            [("messages".to_string(), "sum".to_string(), 250_000)]
        );
    }

    #[test]
    fn alert_rules_are_added_listed_removed_and_fire_with_their_instant() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        let mut ask = |line: &str| run.exec_line(line).unwrap();
        assert_eq!(
            ask("Lab.add_alert(:busy, :restart_rate_per_s, :above, 0.05, :critical, 2000)"),
            ":ok"
        );
        let rule = run.analytics.borrow().watch.rules.last().cloned().unwrap();
        assert_eq!(
            (
                rule.name.as_str(),
                rule.field.as_str(),
                rule.op,
                rule.threshold,
                rule.severity,
                rule.hold_us
            ),
            (
                "busy",
                "restart_rate_per_s",
                otp_lab_analytics::health::Op::Above,
                0.05,
                otp_lab_analytics::health::Severity::Critical,
                2_000_000
            )
        );
        let mut ask = |line: &str| run.exec_line(line).unwrap();
        assert_eq!(
            ask("Lab.add_alert(:x, :nope, :below, 1, :info, 0)"),
            "{:error, {:unknown_field, :nope}}"
        );
        assert_eq!(ask("Lab.remove_alert(:high_restart_rate)"), ":ok");
        assert_eq!(
            ask("Lab.remove_alert(:high_restart_rate)"),
            "{:error, :not_found}"
        );
        assert_eq!(
            ask("lab:add_alert(b, process_count, below, 3, info, 0)."),
            "ok"
        );
        for e in [
            "Lab.add_alert(:x, :process_count, :beside, 1, :info, 0)",
            "Lab.add_alert(:x, :process_count, :above, :one, :info, 0)",
            "Lab.add_alert(:x, :process_count, :above, 1, :fatal, 0)",
            "Lab.add_alert(:x, :process_count, :above, 1, :info, -5)",
            "Lab.add_alert(:x, :process_count, :above, 1)",
        ] {
            assert!(run.exec_line(e).is_err(), "{e}");
        }
        // a kill at 1 s: the 10 s rate is 0.1/s from the window ending at 2 s, held 2 s
        run.lab.advance_to(1_000_000);
        run.exec_line("Process.exit(\"demo/printer\", :kill)")
            .unwrap();
        run.lab.advance_to(8_000_000);
        let server = run.analytics.borrow();
        let fired: Vec<(u64, &str)> = server
            .watch
            .fired
            .iter()
            .map(|(t, a)| (*t, a.rule.as_str()))
            .collect();
        assert_eq!(fired, [(4_000_000, "busy")], "{:?}", server.watch.fired);
    }

    #[test]
    fn control_answers_the_seeds_analytics_questions() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        assert_eq!(
            run.exec_line("Control.get_restart_history(:demo)").unwrap(),
            "{:ok, []}"
        );
        run.exec_line("Process.exit(\"demo/counter_1\", :kill)")
            .unwrap();
        run.exec_line("Process.exit(\"demo/printer\", :kill)")
            .unwrap();
        // the restarts take the workers' init/1 (3 and 8 ms)
        run.lab.advance(20_000);
        let mut ask = |line: &str| run.exec_line(line).unwrap();
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
                // one sample a restart (3 ms and 8 ms after the kills): 1 each time
                "{:ok, %{count: 2, max: 1.0, mean: 1.0, metric: :restarts_total, min: 1.0,"
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
