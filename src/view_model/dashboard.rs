//! The Analytics tab as text and numbers: the charts, the dashboard's figures, health,
//! the alerts that fire, the restart patterns and anomalies found (newest first), the
//! longest mailboxes — read from a run of the session — and the export downloads.

use std::collections::BTreeMap;

use otp_lab_analytics::health::{check_alerts, Alert, AlertRule, Health, Op};
use otp_lab_analytics::server::DASHBOARD_FIELDS;
use otp_lab_lab::command::{elixir_atom, elixir_term, SEVERITIES};
use otp_lab_lab::sequence::svg::esc;
use otp_lab_session::experiment::Run;
use otp_lab_sim::term::Term;
use std::fmt::Write;

use crate::view_model::charts::{custom_chart, dashboard_charts, Chart};
use crate::view_model::format_time_us;
use crate::view_model::supervisor::report_html;

/// The default window of the dashboard's figures (virtual µs).
pub const WINDOW_US: u64 = 10_000_000;

/// The window the analytics cover, as `(length, end)` in virtual µs: the `length` before
/// `end`; `end` [`u64::MAX`] is the cursor, `length` [`u64::MAX`] reaches back to 0 (the
/// whole run). A range picked on the timeline is `(to - from, to)`.
pub type Window = (u64, u64);

/// The windows the picker offers: (value, window).
pub const WINDOWS: [(&str, Window); 5] = [
    ("10s", (WINDOW_US, u64::MAX)),
    ("1m", (60_000_000, u64::MAX)),
    ("10m", (600_000_000, u64::MAX)),
    ("1h", (3_600_000_000, u64::MAX)),
    ("all", (u64::MAX, u64::MAX)),
];

/// The picker's choices as HTML ([`WINDOWS`], then a range on the timeline).
pub const OPTIONS: &str = "<option value=\"10s\">last 10 s</option><option value=\"1m\">last minute</option><option value=\"10m\">last 10 min</option><option value=\"1h\">last hour</option><option value=\"all\">whole run</option><option value=\"range\">range on the timeline</option>";

/// The picker's value for `w` (`range` when it is none of [`WINDOWS`]).
pub fn window_value(w: Window) -> &'static str {
    WINDOWS.iter().find(|c| c.1 == w).map_or("range", |c| c.0)
}

/// `[from, to]` of `w` with the cursor at `now_us` (never after it).
pub fn bounds(w: Window, now_us: u64) -> (u64, u64) {
    let to = w.1.min(now_us);
    (to.saturating_sub(w.0), to)
}
/// Patterns and anomalies listed (the newest).
pub const NOTICES_SHOWN: usize = 10;
/// Mailboxes listed (the longest).
pub const MAILBOXES_SHOWN: usize = 8;

/// What the Analytics tab shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Dash {
    pub charts: Vec<Chart>,
    pub numbers: BTreeMap<String, f64>,
    /// The status word and the reasons behind it.
    pub health: (String, Vec<String>),
    /// The alert rules that fire, then the times they started firing (HTML list items).
    pub alerts: String,
    /// Anomalies of the restart rate, message rate and process count in the window, newest
    /// first (HTML list items, each with its instant).
    pub anomalies: String,
    /// Restart patterns found in the window (storms, cascades, periodic failures), newest
    /// first (HTML list items, each with its instant).
    pub patterns: String,
    /// The alert rules watched (HTML list items, each with Edit and Remove).
    pub rules: String,
    /// The longest mailboxes: (process, messages waiting), longest first.
    pub mailboxes: Vec<(String, usize)>,
    /// The selected supervisor's analytics over the window (HTML), or the window and how
    /// to see them.
    pub supervisor: String,
}

impl Dash {
    /// The dashboard of `run` at its current instant over `window`, with the analytics of
    /// `selected` if it is a supervisor.
    pub fn read(run: &Run, window: Window, selected: Option<&str>) -> Dash {
        let (from, to) = bounds(window, run.lab.now_us());
        let (charts, numbers, supervisor) = {
            let mut server = run.analytics.borrow_mut();
            server.sync();
            let span = (to - from).max(1_000_000);
            let numbers = server.dashboard(to, to - from);
            let supervisor = selected
                .and_then(|p| server.restarts.supervisor_report(p, from, to).ok())
                .map_or_else(
                    || {
                        format!(
                            "<p class=\"muted\">{} – {}: select a supervisor (in the tree or the graph) for its restart history, intensity budget and escalations.</p>",
                            format_time_us(from),
                            format_time_us(to)
                        )
                    },
                    |r| report_html(&r),
                );
            let mut charts = dashboard_charts(&server.metrics, to, span);
            charts.extend(
                server
                    .charts
                    .iter()
                    .filter_map(|c| custom_chart(&server.metrics, c, to, span)),
            );
            (charts, numbers, supervisor)
        };
        let health = run.health(to);
        let (rules, patterns, anomalies, alerts) = {
            let server = run.analytics.borrow();
            let patterns: Vec<Notice> = server
                .patterns
                .found
                .iter()
                .rev()
                .filter(|p| (from..=to).contains(&p.at_us()))
                .take(NOTICES_SHOWN)
                .map(|p| {
                    (
                        "info",
                        format_time_us(p.at_us()),
                        p.describe(),
                        Some(p.at_us()),
                    )
                })
                .collect();
            let anomalies: Vec<Notice> = server
                .anomalies()
                .iter()
                .rev()
                .filter(|(t, _)| (from..=to).contains(t))
                .take(NOTICES_SHOWN)
                .map(|(t, a)| {
                    let (what, unit) = match a.metric {
                        "message_rate_per_s" => ("message rate", "/s"),
                        "process_count" => ("process count", ""),
                        "longest_mailbox" => ("longest mailbox", " messages"),
                        _ => ("restart rate", "/s"),
                    };
                    let text = format!(
                        "{what} {:.1}{unit} against a baseline of {:.1}{unit} ({:.1} standard deviations)",
                        a.value, a.baseline, a.score
                    );
                    ("info", format_time_us(*t), text, Some(*t))
                })
                .collect();
            // the rules that fire now (on the same dashboard, not computed a second
            // time), then each time one started firing, newest first
            let text = |a: &Alert| {
                format!(
                    "{}: {} = {:.2} (threshold {})",
                    a.rule, a.field, a.value, a.threshold
                )
            };
            let mut alerts: Vec<Notice> = check_alerts(&server.watch.rules, &numbers)
                .iter()
                .map(|a| {
                    (
                        a.severity.name(),
                        a.severity.name().to_string(),
                        text(a),
                        None,
                    )
                })
                .collect();
            alerts.extend(
                server
                    .watch
                    .fired
                    .iter()
                    .rev()
                    .filter(|(t, _)| (from..=to).contains(t))
                    .take(NOTICES_SHOWN)
                    .map(|(t, a)| {
                        let text = format!("fired: {}", text(a));
                        (a.severity.name(), format_time_us(*t), text, Some(*t))
                    }),
            );
            (
                rules_html(&server.watch.rules),
                notices_html(
                    &patterns,
                    &outside(
                        "No restart storm, cascade, periodic or resource-related failure",
                        server.patterns.found.len(),
                    ),
                ),
                notices_html(
                    &anomalies,
                    &outside(
                        "No anomaly of the restart rate, message rate, process count or longest mailbox",
                        server.anomalies().len(),
                    ),
                ),
                notices_html(&alerts, &quiet_alerts(&health)),
            )
        };
        Dash {
            charts,
            numbers,
            health: (health.status.name().to_string(), health.reasons),
            alerts,
            anomalies,
            patterns,
            rules,
            mailboxes: run.longest_mailboxes(MAILBOXES_SHOWN),
            supervisor,
        }
    }
}

/// What the alert list says when no rule fires: with health not healthy, why the two
/// differ (health reads the tree as it is; a rule watches one figure over the window and
/// fires once it has held), so the page never seems to contradict itself.
fn quiet_alerts(health: &otp_lab_analytics::health::HealthReport) -> String {
    match (health.status, health.reasons.first()) {
        (Health::Healthy, _) | (_, None) => "No alert rule fires.".into(),
        (status, Some(why)) => format!(
            "No alert rule fires, yet health is {}: health reads the system as it is ({why}), while each rule watches one figure of the dashboard and fires only once it has held past its threshold. Add a rule below to be alerted to this.",
            status.name()
        ),
    }
}

/// The health band along the timeline, from 0 to the run's end: a CSS gradient (healthy
/// green, warning amber, critical red) and each change as `time status: reasons`.
pub fn health_band(run: &Run) -> (String, Vec<String>) {
    let server = run.analytics.borrow();
    let end = run.lab.now_us();
    let pct = |t: u64| t as f64 / end.max(1) as f64 * 100.0;
    let colour = |h: Health| match h {
        Health::Critical => "var(--status-dead)",
        Health::Warning => "var(--status-restarting)",
        Health::Healthy => "var(--status-running)",
    };
    let mut css = String::from("background:linear-gradient(to right");
    let mut texts = Vec::new();
    let mut from = (0, Health::Healthy);
    for (t, h, why) in server.health_changes() {
        let _ = write!(
            css,
            ",{} {:.2}% {:.2}%",
            colour(from.1),
            pct(from.0),
            pct(*t)
        );
        texts.push(format!("{} {}: {why}", format_time_us(*t), h.name()));
        from = (*t, *h);
    }
    let _ = write!(css, ",{} {:.2}% 100%)", colour(from.1), pct(from.0));
    (css, texts)
}

/// The metrics a chart of one's own may show (the analytics engine's).
pub const METRICS: [&str; 7] = [
    "restarts",
    "failures",
    "spawns",
    "exits",
    "messages",
    "processes",
    "recovery_time_us",
];

/// The forms that add a chart and add or update an alert rule (their controls are read
/// by id when a `data-act` button is pressed; the lines they make go through the console).
pub fn own_forms_html() -> String {
    let options = |list: &[&str], selected: &str| -> String {
        list.iter()
            .map(|x| {
                let sel = if *x == selected { " selected" } else { "" };
                format!("<option{sel}>{x}</option>")
            })
            .collect()
    };
    format!(
        r#"<div class="own-form" role="group" aria-label="Add a chart"><label>Metric <select id="ch-metric">{}</select></label> <label>Aggregation <select id="ch-agg">{}</select></label> <label>Bucket <select id="ch-bucket"><option value="100">100 ms</option><option value="1000" selected>1 s</option><option value="10000">10 s</option><option value="60000">1 min</option></select></label> <button type="button" data-act="chart">Add chart</button></div><div class="own-form" role="group" aria-label="Alert rule"><label>Name <input id="al-name" class="small" value="my_rule"></label> <label>Field <select id="al-field">{}</select></label> <select id="al-op" aria-label="Comparison"><option>above</option><option>below</option></select> <label>Threshold <input id="al-threshold" class="small num" inputmode="decimal" value="1"></label> <label>Severity <select id="al-severity">{}</select></label> <label>Hold (ms) <input id="al-hold" class="small num" inputmode="numeric" value="0"></label> <button type="button" data-act="alert">Add or update rule</button></div>"#,
        options(&METRICS, "restarts"),
        options(
            &["sum", "avg", "min", "max", "count", "p50", "p95", "p99"],
            "sum"
        ),
        options(&DASHBOARD_FIELDS, "restart_rate_per_s"),
        options(&SEVERITIES, "warning"),
    )
}

/// The console line of the alert form's values (`name`, `field`, `op`, `threshold`,
/// `severity`, `hold_ms` as typed), or what is wrong with them.
pub fn alert_line(v: [&str; 6]) -> Result<String, String> {
    let [name, field, op, threshold, severity, hold] = v.map(str::trim);
    if name.is_empty() {
        return Err("Name: give the rule a name.".into());
    }
    let Ok(t) = threshold.parse::<f64>() else {
        return Err(format!(
            "Threshold: \"{threshold}\" is not a number (e.g. 2.5)."
        ));
    };
    if !t.is_finite() {
        return Err("Threshold: a finite number.".into());
    }
    let Ok(hold) = hold.parse::<u64>() else {
        return Err(format!(
            "Hold: \"{hold}\" is not a whole number of milliseconds (0 or more)."
        ));
    };
    Ok(format!(
        "Lab.add_alert({}, :{field}, :{op}, {}, :{severity}, {hold})",
        elixir_atom(name),
        elixir_term(&Term::Float(t))
    ))
}

/// The alert rules as list items: what each watches, an Edit button carrying its
/// settings for the form (`name|field|op|threshold|severity|hold_ms`) and a Remove button
/// carrying the console line that removes it.
fn rules_html(rules: &[AlertRule]) -> String {
    let mut h = String::new();
    for r in rules {
        let op = if r.op == Op::Above { "above" } else { "below" };
        let hold_ms = r.hold_us / 1000;
        let name = esc(&r.name);
        let _ = write!(
            h,
            "<li><code>{name}</code>: {} {op} {}, {}{} <button type=\"button\" class=\"small\" data-edit=\"{name}|{}|{op}|{}|{}|{hold_ms}\" aria-label=\"Edit the rule {name}\">Edit</button> <button type=\"button\" class=\"small\" data-line=\"Lab.remove_alert({})\" aria-label=\"Remove the rule {name}\">Remove</button></li>",
            esc(&r.field),
            r.threshold,
            r.severity.name(),
            if hold_ms > 0 { format!(", held {hold_ms} ms") } else { String::new() },
            esc(&r.field),
            r.threshold,
            r.severity.name(),
            esc(&elixir_atom(&r.name)),
        );
    }
    h
}

/// What an empty list of the window says: `none` in this window, and how many the whole
/// run has (found before the window: the picker's "whole run" shows them).
fn outside(none: &str, total: usize) -> String {
    match total {
        0 => format!("{none} so far."),
        n => format!("{none} in this window ({n} in the whole run)."),
    }
}

/// A notice: its class (a severity or `info`), label, text and instant (a click jumps
/// there).
type Notice = (&'static str, String, String, Option<u64>);

/// Notices as list items, or `empty` in grey when there is none.
fn notices_html(items: &[Notice], empty: &str) -> String {
    let mut h = String::new();
    for (class, label, text, t) in items {
        let at = t.map_or(String::new(), |t| {
            format!(" data-t-us=\"{t}\" tabindex=\"0\"")
        });
        let _ = write!(
            h,
            "<li class=\"alert alert-{class}\"{at}><span class=\"sev\">{}</span> {}</li>",
            esc(label),
            esc(text)
        );
    }
    if h.is_empty() {
        h = format!("<li class=\"muted\">{empty}</li>");
    }
    h
}

pub use otp_lab_session::analytics::Export;

/// The analytics of `run` over `window` in `format` (`prometheus`, `csv`, `history` (the
/// restart history as CSV), `statsd`, anything else JSON).
pub fn export(run: &Run, format: &str, window: Window) -> Export {
    let (from, to) = bounds(window, run.lab.now_us());
    run.export(format, to, to - from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_session::Experiment;

    #[test]
    fn the_picker_offers_every_window() {
        for (value, _) in WINDOWS {
            assert!(OPTIONS.contains(&format!("value=\"{value}\"")), "{value}");
        }
        assert_eq!(OPTIONS.matches("<option").count(), WINDOWS.len() + 1);
        assert_eq!(bounds((5, u64::MAX), 3), (0, 3));
        assert_eq!(bounds((2, 8), 10), (6, 8));
        assert_eq!(window_value(WINDOWS[2].1), "10m");
        assert_eq!(window_value((2, 8)), "range");
    }

    #[test]
    fn the_forms_offer_every_metric_field_and_severity_and_make_console_lines() {
        let forms = own_forms_html();
        for x in METRICS.iter().chain(&DASHBOARD_FIELDS).chain(&SEVERITIES) {
            assert!(forms.contains(&format!(">{x}</option>")), "{x}");
        }
        // every metric offered is one the analytics engine keeps
        let run = Experiment::preset("demo", 1).start().unwrap();
        for m in METRICS {
            assert!(run.analytics.borrow().metrics.id(m).is_some(), "{m}");
        }
        assert_eq!(
            alert_line(["my rule", "process_count", "below", " 3 ", "info", "250"]),
            Ok("Lab.add_alert(:\"my rule\", :process_count, :below, 3.0, :info, 250)".into())
        );
        for (bad, says) in [
            (["", "f", "above", "1", "info", "0"], "Name"),
            (
                ["x", "f", "above", "abc", "info", "0"],
                "\"abc\" is not a number",
            ),
            (["x", "f", "above", "inf", "info", "0"], "finite"),
            (["x", "f", "above", "1", "info", "-5"], "Hold"),
        ] {
            assert!(alert_line(bad).unwrap_err().contains(says), "{bad:?}");
        }
    }

    #[test]
    fn rules_and_the_health_band_follow_the_run() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        run.exec_line("Lab.add_alert(:busy, :restarts_total, :above, 2, :critical, 1000)")
            .unwrap();
        let d = Dash::read(&run, WINDOWS[0].1, None);
        assert!(
            d.rules
                .contains("<code>busy</code>: restarts_total above 2, critical, held 1000 ms"),
            "{}",
            d.rules
        );
        assert!(d
            .rules
            .contains("data-edit=\"busy|restarts_total|above|2|critical|1000\""));
        assert!(d.rules.contains("data-line=\"Lab.remove_alert(:busy)\""));
        let (css, changes) = health_band(&run);
        assert_eq!(
            css,
            "background:linear-gradient(to right,var(--status-running) 0.00% 100%)"
        );
        assert!(changes.is_empty());
        // kills faster than demo's intensity: health turns critical, told with its reason
        for _ in 0..12 {
            run.exec_line("Process.exit(\"demo/counter_1\", :kill)")
                .unwrap();
            run.lab.advance(100_000);
        }
        run.lab.advance(3_000_000);
        let (css, changes) = health_band(&run);
        assert!(css.contains("var(--status-dead)"), "{css}");
        assert!(
            changes.iter().any(|c| c.contains("critical: ")),
            "{changes:?}"
        );
    }

    #[test]
    fn a_critical_health_without_a_firing_rule_says_why_they_differ() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        run.lab.advance(1_000);
        run.exec_line("Process.exit(:demo, :kill)").unwrap();
        run.lab.advance(1_000_000);
        let d = Dash::read(&run, WINDOWS[0].1, None);
        assert_eq!(d.health.0, "critical");
        assert!(
            d.alerts.contains(
                "No alert rule fires, yet health is critical: health reads the system as it is ("
            ) && d.alerts.contains("Add a rule below"),
            "{}",
            d.alerts
        );
    }

    #[test]
    fn the_dashboard_reads_a_run_and_follows_a_kill() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        let quiet = Dash::read(&run, WINDOWS[0].1, None);
        assert_eq!(quiet.health.0, "healthy");
        assert!(quiet.patterns.contains("muted") && quiet.alerts.contains("No alert rule fires."));
        assert_eq!(
            quiet.mailboxes.len(),
            4,
            "the demo's four processes, not the shell"
        );
        for _ in 0..4 {
            run.exec_line("Process.exit(\"demo/printer\", :kill)")
                .unwrap();
            run.lab.advance(20_000);
        }
        let busy = Dash::read(&run, WINDOWS[0].1, Some("demo"));
        assert!(
            busy.supervisor.contains("<tr data-restart"),
            "{}",
            busy.supervisor
        );
        let worker = Dash::read(&run, WINDOWS[4].1, Some("demo/printer")).supervisor;
        assert!(
            worker.contains("select a supervisor") && !worker.contains("<tr"),
            "{worker}"
        );
        assert_ne!(busy.numbers, quiet.numbers);
        assert!(!busy.charts.is_empty());
        let csv = export(&run, "csv", WINDOWS[4].1);
        let history = export(&run, "history", WINDOWS[4].1).text;
        // three restarts; the fourth kill ran the intensity (3 in 5 s) out
        assert_eq!(history.lines().count(), 4, "{history}");
        // the kills at 14, 34, 54 and 74 ms; the printer's init takes 8 ms: a range from
        // 30 ms to 45 ms holds the second restart alone
        let range = export(&run, "history", (15_000, 45_000)).text;
        assert_eq!(range.lines().count(), 2, "{range}");
        assert!(
            range.contains("demo,42000,demo/printer,killed,restart,"),
            "{range}"
        );
        assert_eq!(csv.file_name, "otp-lab-supervisors.csv");
        assert!(csv.text.contains("demo"), "{}", csv.text);
        assert_eq!(
            export(&run, "anything", WINDOWS[0].1).mime,
            "application/json"
        );
    }
}
