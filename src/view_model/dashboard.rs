//! The Analytics tab as text and numbers: the charts, the dashboard's figures, health,
//! the alerts that fire, the restart patterns and anomalies found (newest first), the
//! longest mailboxes — read from a run of the session — and the export downloads.

use std::collections::BTreeMap;

use otp_lab_analytics::health::{check_alerts, Alert};
use otp_lab_lab::sequence::svg::esc;
use otp_lab_session::experiment::Run;
use std::fmt::Write;

use crate::view_model::charts::{dashboard_charts, Chart};
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
    /// Anomalies of the restart rate, message rate and process count, newest first (HTML
    /// list items, each with its instant).
    pub anomalies: String,
    /// Restart patterns found (storms, cascades, periodic failures), newest first (HTML
    /// list items, each with its instant).
    pub patterns: String,
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
            (
                dashboard_charts(&server.metrics, to, span),
                numbers,
                supervisor,
            )
        };
        let health = run.health(to);
        let (patterns, anomalies, alerts) = {
            let server = run.analytics.borrow();
            let patterns: Vec<Notice> = server
                .patterns
                .found
                .iter()
                .rev()
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
                .take(NOTICES_SHOWN)
                .map(|(t, a)| {
                    let (what, unit) = match a.metric {
                        "message_rate_per_s" => ("message rate", "/s"),
                        "process_count" => ("process count", ""),
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
                    .take(NOTICES_SHOWN)
                    .map(|(t, a)| {
                        let text = format!("fired: {}", text(a));
                        (a.severity.name(), format_time_us(*t), text, Some(*t))
                    }),
            );
            (
                notices_html(&patterns, "No restart storm, cascade or periodic failure so far."),
                notices_html(&anomalies, "The restart rate, message rate and process count follow their moving baselines."),
                notices_html(&alerts, "No alert rule fires."),
            )
        };
        Dash {
            charts,
            numbers,
            health: (health.status.name().to_string(), health.reasons),
            alerts,
            anomalies,
            patterns,
            mailboxes: run.longest_mailboxes(MAILBOXES_SHOWN),
            supervisor,
        }
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

/// A download of the analytics: its file name, MIME type and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub file_name: &'static str,
    pub mime: &'static str,
    pub text: String,
}

/// The analytics of `run` over `window` in `format` (`prometheus`, `csv`, `history` (the
/// restart history as CSV), `statsd`, anything else JSON).
pub fn export(run: &Run, format: &str, window: Window) -> Export {
    let (from, to) = bounds(window, run.lab.now_us());
    let snap = run.snapshot(to, (to - from).max(1));
    let (file_name, mime, text) = match format {
        "prometheus" => ("otp-lab-metrics.prom", "text/plain", snap.to_prometheus()),
        "csv" => ("otp-lab-supervisors.csv", "text/csv", snap.to_csv()),
        "history" => ("otp-lab-restarts.csv", "text/csv", snap.history_csv()),
        "statsd" => ("otp-lab-metrics.statsd", "text/plain", snap.to_statsd()),
        _ => (
            "otp-lab-metrics.json",
            "application/json",
            snap.to_json_text(),
        ),
    };
    Export {
        file_name,
        mime,
        text,
    }
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
            run.lab.advance(1_000);
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
        // a range from 1 ms to 1.5 ms holds the second restart alone
        let range = export(&run, "history", (500, 1_500)).text;
        assert_eq!(range.lines().count(), 2, "{range}");
        assert!(
            range.contains("demo,1000,demo/printer,killed,restart,"),
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
