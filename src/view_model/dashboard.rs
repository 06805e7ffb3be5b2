//! The Analytics tab as text and numbers: the charts, the dashboard's figures, health,
//! the alerts that fire, the restart patterns and anomalies found (newest first), the
//! longest mailboxes — read from a run of the session — and the export downloads.

use std::collections::BTreeMap;

use otp_lab_analytics::health::{check_alerts, default_rules};
use otp_lab_session::experiment::Run;

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
    /// (severity, text) of every alert rule that fires.
    pub alerts: Vec<(String, String)>,
    /// Restart-rate anomalies: (when, text), newest first.
    pub anomalies: Vec<(String, String)>,
    /// Restart patterns found (storms, cascades, periodic failures): (when, text), newest
    /// first.
    pub patterns: Vec<(String, String)>,
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
                // over the whole run until the cursor, until the picker lands
                .and_then(|p| server.restarts.supervisor_report(p, 0, to).ok())
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
        let now = to;
        let health = run.health(now);
        let (patterns, anomalies) = {
            let server = run.analytics.borrow();
            let patterns = server
                .patterns
                .found
                .iter()
                .rev()
                .take(NOTICES_SHOWN)
                .map(|p| (format_time_us(p.at_us()), p.describe()))
                .collect();
            let anomalies = server
                .anomalies()
                .iter()
                .rev()
                .take(NOTICES_SHOWN)
                .map(|(t, a)| {
                    let text = format!(
                        "restart rate {:.1}/s against a baseline of {:.1}/s ({:.1} standard deviations)",
                        a.value, a.baseline, a.score
                    );
                    (format_time_us(*t), text)
                })
                .collect();
            (patterns, anomalies)
        };
        // the alert rules read the same dashboard (not computed a second time)
        let alerts = check_alerts(&default_rules(), &numbers)
            .into_iter()
            .map(|a| {
                let text = format!(
                    "{}: {} = {:.2} (threshold {})",
                    a.rule, a.field, a.value, a.threshold
                );
                (a.severity.name().to_string(), text)
            })
            .collect();
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
    }

    #[test]
    fn the_dashboard_reads_a_run_and_follows_a_kill() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        let quiet = Dash::read(&run, WINDOWS[0].1, None);
        assert_eq!(quiet.health.0, "healthy");
        assert!(quiet.patterns.is_empty() && quiet.alerts.is_empty());
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
