//! The seeds' `Control` analytics in the console: `Control.get_restart_history/1`,
//! `Control.get_supervisor_analytics/0` and `Control.get_failure_rate/2`, answered from
//! the run's restart analytics with the shapes the seeds' `Control` module returns
//! (`{:ok, …}`, or `{:error, :not_found}` for a process that is not a supervisor the
//! analytics know). Times are virtual milliseconds.

use crate::experiment::Run;
use otp_lab_analytics::restarts::{Cause, RestartAnalytics, RestartRecord, SupervisorStats};
use otp_lab_lab::command::{Query, Target};
use otp_lab_sim::term::Term;
use std::rc::Rc;

/// Events `recent_restarts` counts (the seeds' `Enum.take(events, 10)`).
const RECENT: usize = 10;

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
        }
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
            h.starts_with("{:ok, [%{child_id: :printer, event_type: :restarted, reason: :killed, supervisor_name: :demo, timestamp: ")
                && h.contains("%{child_id: :counter_1, event_type: :restarted, reason: :killed"),
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
        assert!(run
            .exec_line("Control.get_failure_rate(:demo, -5)")
            .is_err_and(|e| e.contains("window in milliseconds")));
    }
}
