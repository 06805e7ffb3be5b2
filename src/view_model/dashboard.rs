//! The Analytics tab as text and numbers: the charts, the dashboard's figures, health,
//! the alerts that fire, the restart patterns and anomalies found (newest first), the
//! longest mailboxes — read from a run of the session — and the export downloads.

use std::collections::BTreeMap;

use otp_lab_analytics::health::{check_alerts, default_rules};
use otp_lab_session::experiment::Run;

use crate::view_model::charts::{dashboard_charts, Chart};
use crate::view_model::format_time_us;

/// Window of the dashboard's figures (virtual µs).
pub const WINDOW_US: u64 = 10_000_000;
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
}

impl Dash {
    /// The dashboard of `run` at its current instant.
    pub fn read(run: &Run) -> Dash {
        let now = run.lab.now_us();
        let (charts, numbers) = {
            let mut server = run.analytics.borrow_mut();
            server.sync();
            let span = now.clamp(WINDOW_US, 60_000_000);
            let numbers = server.dashboard(now, WINDOW_US);
            (dashboard_charts(&server.metrics, now, span), numbers)
        };
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

/// The analytics of `run` at its current instant in `format` (`prometheus`, `csv`,
/// `statsd`, anything else JSON).
pub fn export(run: &Run, format: &str) -> Export {
    let now = run.lab.now_us();
    let snap = run.snapshot(now, now.max(1_000_000));
    let (file_name, mime, text) = match format {
        "prometheus" => ("otp-lab-metrics.prom", "text/plain", snap.to_prometheus()),
        "csv" => ("otp-lab-supervisors.csv", "text/csv", snap.to_csv()),
        "statsd" => ("otp-lab-metrics.statsd", "text/plain", snap.to_statsd()),
        _ => (
            "otp-lab-metrics.json",
            "application/json",
            format!("{:#}", snap.to_json()),
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
    fn the_dashboard_reads_a_run_and_follows_a_kill() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        let quiet = Dash::read(&run);
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
        let busy = Dash::read(&run);
        assert_ne!(busy.numbers, quiet.numbers);
        assert!(!busy.charts.is_empty());
        let csv = export(&run, "csv");
        assert_eq!(csv.file_name, "otp-lab-supervisors.csv");
        assert!(csv.text.contains("demo"), "{}", csv.text);
        assert_eq!(export(&run, "anything").mime, "application/json");
    }
}
