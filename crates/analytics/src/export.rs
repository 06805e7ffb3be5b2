//! Exports of the supervisor analytics: Prometheus text exposition format, JSON, CSV
//! (RFC 4180) and StatsD lines. All of them describe the same [`Snapshot`].

use crate::health::{default_rules, Alert, HealthReport, QueueAnalysis};
use crate::json::{self, Obj};
use crate::patterns::Pattern;
use crate::restarts::{RestartAnalytics, RestartRecord};
use crate::server::Server;
use otp_lab_sim::World;
use serde_json::Value;
use std::collections::BTreeMap;

/// One supervisor's figures at an instant.
#[derive(Clone, Debug, PartialEq)]
pub struct SupervisorRow {
    pub path: String,
    pub restarts: u64,
    pub failures: u64,
    pub incarnations: u64,
    pub failure_rate_per_s: f64,
    pub intensity_budget: u64,
    pub intensity: u32,
    pub period: u32,
    pub alive: bool,
    /// The restart records in the window, oldest first.
    pub history: Vec<RestartRecord>,
}

/// Every supervisor's figures at virtual time `at_us`.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub at_us: u64,
    /// The window the failure rates cover (µs).
    pub window_us: u64,
    pub supervisors: Vec<SupervisorRow>,
    /// The whole system's figures, when taken from the analytics [`Server`].
    pub system: Option<System>,
}

/// The metrics engine's dashboard, health, alerts and patterns at an instant.
#[derive(Clone, Debug, PartialEq)]
pub struct System {
    pub dashboard: BTreeMap<String, f64>,
    pub health: HealthReport,
    pub queues: QueueAnalysis,
    /// The default alert rules that fire ([`default_rules`]).
    pub alerts: Vec<Alert>,
    /// Patterns detected in the window, oldest first.
    pub patterns: Vec<Pattern>,
}

impl Snapshot {
    /// Takes a snapshot; failure rates and the restart history cover the `window_us`
    /// before `at_us`.
    /// `world` is the run the analytics watch (supervisors' intensity windows).
    pub fn take(a: &RestartAnalytics, world: &World, at_us: u64, window_us: u64) -> Snapshot {
        let supervisors = a
            .all_stats()
            .map(|s| SupervisorRow {
                path: s.path.clone(),
                restarts: s.restarts,
                failures: s.failures,
                incarnations: s.incarnations,
                failure_rate_per_s: a.failure_rate(&s.path, at_us, window_us).unwrap_or(0.0),
                intensity_budget: a.intensity_budget(world, &s.path, at_us).unwrap_or(0),
                intensity: s.intensity,
                period: s.period,
                alive: s.alive,
                history: a
                    .history(s)
                    .filter(|r| in_window(r.t_us, at_us, window_us))
                    .collect(),
            })
            .collect();
        Snapshot {
            at_us,
            window_us,
            supervisors,
            system: None,
        }
    }

    /// Takes a snapshot of everything the analytics server knows: the supervisors plus
    /// the dashboard over `window_us`, health (with the world's mailboxes), the default
    /// alerts and the patterns found.
    pub fn take_all(server: &mut Server, world: &World, at_us: u64, window_us: u64) -> Snapshot {
        let dashboard = server.dashboard(at_us, window_us);
        let health = server.health(world, at_us);
        let alerts = crate::health::check_alerts(&default_rules(), &dashboard);
        let mut snap = Snapshot::take(&server.restarts, world, at_us, window_us);
        snap.system = Some(System {
            dashboard,
            health,
            queues: crate::health::queue_analysis(world),
            alerts,
            patterns: server
                .patterns
                .found
                .iter()
                .filter(|p| in_window(p.at_us(), at_us, window_us))
                .cloned()
                .collect(),
        });
        snap
    }

    /// JSON: `{"supervisors":[{"path":…,"restarts":…,"restart_history":[…],…}]}`.
    pub fn to_json(&self) -> Value {
        serde_json::from_str(&self.to_json_text()).unwrap_or(Value::Null)
    }

    /// [`Snapshot::to_json`] as compact text.
    pub fn to_json_text(&self) -> String {
        let sups = json::array(self.supervisors.iter().map(row_json));
        let mut v = Obj::new()
            .num("at_us", self.at_us)
            .num("window_us", self.window_us)
            .raw("supervisors", &sups);
        if let Some(sys) = &self.system {
            let dashboard = sys
                .dashboard
                .iter()
                .fold(Obj::new(), |o, (k, x)| o.float(k, *x))
                .end();
            let reasons = json::array(sys.health.reasons.iter().map(|r| json::string(r)));
            let alerts = json::array(sys.alerts.iter().map(|a| {
                Obj::new()
                    .str("rule", &a.rule)
                    .str("field", &a.field)
                    .float("value", a.value)
                    .float("threshold", a.threshold)
                    .str("severity", a.severity.name())
                    .end()
            }));
            v = v
                .raw("dashboard", &dashboard)
                .raw(
                    "health",
                    &Obj::new()
                        .str("status", sys.health.status.name())
                        .raw("reasons", &reasons)
                        .end(),
                )
                .raw(
                    "queues",
                    &Obj::new()
                        .num("max", sys.queues.max)
                        .float("average", sys.queues.average)
                        .num("long_queues", sys.queues.long_queues)
                        .end(),
                )
                .raw("alerts", &alerts)
                .raw(
                    "patterns",
                    &json::array(sys.patterns.iter().map(pattern_json)),
                );
        }
        v.end()
    }

    /// Prometheus text exposition format (version 0.0.4).
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        let mut family =
            |name: &str, kind: &str, help: &str, value: &dyn Fn(&SupervisorRow) -> String| {
                out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
                for s in &self.supervisors {
                    out.push_str(&format!(
                        "{name}{{supervisor=\"{}\"}} {}\n",
                        prom_label(&s.path),
                        value(s)
                    ));
                }
            };
        family(
            "otp_lab_supervisor_restarts_total",
            "counter",
            "Automatic child restarts by supervisor.",
            &|s| s.restarts.to_string(),
        );
        family(
            "otp_lab_supervisor_failures_total",
            "counter",
            "Child exits reported by the supervisor (child_terminated).",
            &|s| s.failures.to_string(),
        );
        family(
            "otp_lab_supervisor_failure_rate_per_second",
            "gauge",
            "Child failures per second over the export window.",
            &|s| prom_float(s.failure_rate_per_s),
        );
        family(
            "otp_lab_supervisor_intensity_budget",
            "gauge",
            "Restarts left in the current intensity period.",
            &|s| s.intensity_budget.to_string(),
        );
        family(
            "otp_lab_supervisor_up",
            "gauge",
            "1 if the supervisor is alive.",
            &|s| u8::from(s.alive).to_string(),
        );
        if let Some(sys) = &self.system {
            prometheus_system(sys, &mut out);
        }
        out
    }

    /// CSV (RFC 4180): one row per supervisor, CRLF line ends, quoted where needed.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("path,restarts,failures,failure_rate_per_s,intensity_budget,intensity,period_s,incarnations,alive\r\n");
        for s in &self.supervisors {
            let row = [
                csv_field(&s.path),
                s.restarts.to_string(),
                s.failures.to_string(),
                format!("{}", s.failure_rate_per_s),
                s.intensity_budget.to_string(),
                s.intensity.to_string(),
                s.period.to_string(),
                s.incarnations.to_string(),
                s.alive.to_string(),
            ];
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// CSV of every restart record in the window: `supervisor,t_us,child,reason,cause,
    /// old_pid,new_pid,restart_in_window,intensity` (a pid as `<0.42.0>`, none empty).
    pub fn history_csv(&self) -> String {
        let mut out = String::from(
            "supervisor,t_us,child,reason,cause,old_pid,new_pid,restart_in_window,intensity\r\n",
        );
        for s in &self.supervisors {
            for r in &s.history {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{}\r\n",
                    csv_field(&s.path),
                    r.t_us,
                    csv_field(&r.child),
                    csv_field(&r.reason_text()),
                    r.cause.name(),
                    pid_text(r.old_pid),
                    r.new_pid,
                    r.in_window,
                    r.intensity
                ));
            }
        }
        out
    }

    /// StatsD lines (`name:value|type`), one metric per supervisor, path in the name.
    pub fn to_statsd(&self) -> String {
        let mut out = String::new();
        for s in &self.supervisors {
            let key = statsd_key(&s.path);
            let lines = [
                ("restarts", s.restarts.to_string(), "c"),
                ("failures", s.failures.to_string(), "c"),
                ("failure_rate_per_s", s.failure_rate_per_s.to_string(), "g"),
                ("intensity_budget", s.intensity_budget.to_string(), "g"),
            ];
            for (name, value, kind) in lines {
                out.push_str(&format!("otp_lab.supervisor.{key}.{name}:{value}|{kind}\n"));
            }
        }
        if let Some(sys) = &self.system {
            for (field, v) in &sys.dashboard {
                if v.is_finite() {
                    out.push_str(&format!("otp_lab.{}:{v}|g\n", statsd_key(field)));
                }
            }
            out.push_str(&format!(
                "otp_lab.health_status:{}|g\n",
                sys.health.status as u8
            ));
        }
        out
    }
}

/// The dashboard, health, alerts and patterns as Prometheus families, each declared once
/// and named as promtool wants (base units, `_total` for counters only).
fn prometheus_system(sys: &System, out: &mut String) {
    for (field, v) in &sys.dashboard {
        let (name, kind, value) = match field.as_str() {
            // its samples by kind are the family below
            "patterns_total" => continue,
            "process_count" => ("otp_lab_processes".to_string(), "gauge", *v),
            f if f.ends_with("_total") => (format!("otp_lab_{f}"), "counter", *v),
            f => match f.strip_suffix("_us") {
                Some(stem) => (format!("otp_lab_{stem}_seconds"), "gauge", v / 1e6),
                None => (
                    format!("otp_lab_{}", f.replace("_per_s", "_per_second")),
                    "gauge",
                    *v,
                ),
            },
        };
        out.push_str(&format!(
            "# HELP {name} Dashboard field {field}.\n# TYPE {name} {kind}\n{name} {}\n",
            prom_float(value)
        ));
    }
    out.push_str("# HELP otp_lab_health_status Health: 0 healthy, 1 warning, 2 critical.\n# TYPE otp_lab_health_status gauge\n");
    out.push_str(&format!(
        "otp_lab_health_status {}\n",
        sys.health.status as u8
    ));
    out.push_str("# HELP otp_lab_mailbox_max Longest message queue of a live process.\n# TYPE otp_lab_mailbox_max gauge\n");
    out.push_str(&format!("otp_lab_mailbox_max {}\n", sys.queues.max));
    out.push_str("# HELP otp_lab_alert_firing Alert rules that fire (1).\n# TYPE otp_lab_alert_firing gauge\n");
    for a in &sys.alerts {
        out.push_str(&format!(
            "otp_lab_alert_firing{{rule=\"{}\",severity=\"{}\"}} 1\n",
            prom_label(&a.rule),
            a.severity.name()
        ));
    }
    // inserted one by one: collecting into a map costs the download a sort
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    for k in Pattern::KINDS {
        kinds.insert(k, 0);
    }
    for p in &sys.patterns {
        *kinds.entry(p.kind()).or_default() += 1;
    }
    out.push_str("# HELP otp_lab_patterns_total Restart patterns detected, by kind.\n# TYPE otp_lab_patterns_total counter\n");
    for (k, n) in kinds {
        out.push_str(&format!("otp_lab_patterns_total{{kind=\"{k}\"}} {n}\n"));
    }
}

/// One supervisor's row as JSON: its figures and restart history.
pub fn row_json(s: &SupervisorRow) -> String {
    Obj::new()
        .str("path", &s.path)
        .num("restarts", s.restarts)
        .raw(
            "restart_history",
            &json::array(s.history.iter().map(record_json)),
        )
        .num("failures", s.failures)
        .float("failure_rate_per_s", s.failure_rate_per_s)
        .num("intensity_budget", s.intensity_budget)
        .num("intensity", s.intensity)
        .num("period_s", s.period)
        .num("incarnations", s.incarnations)
        .num("alive", s.alive)
        .end()
}

/// A pattern as JSON (with its sentence, `description`).
pub fn pattern_json(p: &Pattern) -> String {
    let o = Obj::new().str("kind", p.kind());
    let o = match p {
        Pattern::RestartStorm {
            supervisor,
            child,
            restarts,
            ..
        } => o
            .str("supervisor", supervisor)
            .str("child", child)
            .num("restarts", restarts),
        Pattern::CascadingFailure {
            supervisor,
            children,
            escalated,
            ..
        } => o
            .str("supervisor", supervisor)
            .raw(
                "children",
                &json::array(children.iter().map(|c| json::string(c))),
            )
            .num("escalated", escalated),
        Pattern::PeriodicFailure {
            supervisor,
            child,
            period_us,
            at_us,
        } => o
            .str("supervisor", supervisor)
            .str("child", child)
            .num("period_us", period_us)
            .num("next_expected_us", at_us + period_us),
        Pattern::ResourceRelated {
            supervisor,
            child,
            callee,
            queue_len,
            ..
        } => o
            .str("supervisor", supervisor)
            .str("child", child)
            .str("callee", callee)
            .num("queue_len", queue_len),
    };
    o.num("at_us", p.at_us())
        .str("description", &p.describe())
        .end()
}

/// Whether `t_us` falls in the `window_us` before `at_us` (both ends included).
fn in_window(t_us: u64, at_us: u64, window_us: u64) -> bool {
    t_us <= at_us && t_us >= at_us.saturating_sub(window_us)
}

/// A restart record as JSON.
fn record_json(r: &RestartRecord) -> String {
    Obj::new()
        .num("t_us", r.t_us)
        .str("child", &r.child)
        .str("reason", &r.reason_text())
        .str("cause", r.cause.name())
        .str("old_pid", &pid_text(r.old_pid))
        .str("new_pid", &r.new_pid.to_string())
        .num("restart_in_window", r.in_window)
        .num("intensity", r.intensity)
        .end()
}

/// A pid as Erlang prints it, or nothing for none.
fn pid_text(pid: otp_lab_sim::Pid) -> String {
    if pid == otp_lab_sim::Pid::NONE {
        String::new()
    } else {
        pid.to_string()
    }
}

/// Escapes a Prometheus label value (`\`, `"`, newline).
pub fn prom_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn prom_float(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "+Inf".to_string()
    } else {
        "-Inf".to_string()
    }
}

/// One CSV field, quoted (with doubled quotes) if it holds a comma, quote, CR or LF.
pub fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// A path as a StatsD name segment: `/` becomes `.`, anything else unsafe becomes `_`.
pub fn statsd_key(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '/' => '.',
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => c,
            _ => '_',
        })
        .collect()
}

impl crate::supervisor::Report {
    /// JSON: the window, the figures, the history (as in [`Snapshot::to_json`]), the
    /// rankings, the budget's steps and the escalations.
    pub fn to_json(&self) -> Value {
        let ranking = |list: &[(String, u64)]| {
            json::array(
                list.iter()
                    .map(|(name, n)| format!("[{},{n}]", json::string(name))),
            )
        };
        let escalations = |list: &[crate::supervisor::Escalation]| {
            json::array(list.iter().map(|e| {
                Obj::new()
                    .num("at_us", e.at_us)
                    .str("supervisor", &e.supervisor)
                    .str("child", &e.child)
                    .end()
            }))
        };
        let opt = |v: Option<u64>| v.map_or("null".to_string(), |v| v.to_string());
        let text = Obj::new()
            .str("path", &self.path)
            .num("from_us", self.from_us)
            .num("to_us", self.to_us)
            .num("intensity", self.intensity)
            .num("period_s", self.period)
            .num("alive", self.alive)
            .num("restarts", self.restarts)
            .num("failures", self.failures)
            .float("failure_rate_per_s", self.failure_rate_per_s)
            .raw("reasons", &ranking(&self.reasons))
            .raw("children", &ranking(&self.children))
            .raw("between_restarts_p50_us", &opt(self.between_p50_us))
            .raw("between_restarts_p95_us", &opt(self.between_p95_us))
            .raw(
                "budget",
                &json::array(self.budget.iter().map(|(t, n)| format!("[{t},{n}]"))),
            )
            .raw("gave_up", &escalations(&self.gave_up))
            .raw("received", &escalations(&self.received))
            .raw(
                "restart_history",
                &json::array(self.history.iter().map(record_json)),
            )
            .end();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}
