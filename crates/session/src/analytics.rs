//! What the Lab reads of a run's analytics — health, an export snapshot and its files, the longest
//! mailboxes, the event count — through the [`Run`], so the web app asks questions of a
//! run and never reaches into the simulated world.

use crate::experiment::Run;
use otp_lab_analytics::export::Snapshot;
use otp_lab_analytics::health::{queue_lengths, HealthReport};

/// The formats of [`Run::export`].
pub const EXPORT_FORMATS: [&str; 5] = ["json", "prometheus", "csv", "history", "statsd"];

/// An export's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub file_name: &'static str,
    pub mime: &'static str,
    pub text: String,
}

impl Run {
    /// The analytics at `at_us` over the `window_us` before it, in one of
    /// [`EXPORT_FORMATS`] (JSON for any other).
    pub fn export(&self, format: &str, at_us: u64, window_us: u64) -> Export {
        let snap = self.snapshot(at_us, window_us.max(1));
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

    /// Health at `now_us` (restarts in the window, the process count, the mailboxes).
    pub fn health(&self, now_us: u64) -> HealthReport {
        self.analytics.borrow_mut().health(self.lab.world(), now_us)
    }

    /// Everything the analytics know at `now_us`, over the last `window_us`, for export.
    pub fn snapshot(&self, now_us: u64, window_us: u64) -> Snapshot {
        let mut server = self.analytics.borrow_mut();
        Snapshot::take_all(&mut server, self.lab.world(), now_us, window_us)
    }

    /// The `n` longest mailboxes of the lab's processes (the shell excluded), longest
    /// first, each named `path pid` (or its pid alone, off the tree); ties in name order.
    pub fn longest_mailboxes(&self, n: usize) -> Vec<(String, usize)> {
        let shell = self.lab.shell();
        let mut boxes: Vec<(String, usize)> = queue_lengths(self.lab.world())
            .filter(|(pid, _)| *pid != shell)
            .map(|(pid, len)| {
                let name = self
                    .lab
                    .path_of(pid)
                    .map_or_else(|| pid.to_string(), |path| format!("{path} {pid}"));
                (name, len)
            })
            .collect();
        otp_lab_sim::sort::sort_by(&mut boxes, |a, b| (b.1, &a.0) < (a.1, &b.0));
        boxes.truncate(n);
        boxes
    }

    /// Events the simulator emitted so far (also those the log no longer keeps).
    pub fn events_total(&self) -> u64 {
        self.lab.world().log.total()
    }
}

#[cfg(test)]
mod tests {
    use crate::experiment::Experiment;

    #[test]
    fn mailboxes_rank_the_tree_longest_first_without_the_shell() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        // the message waits, unhandled, until the world runs again
        run.exec_line("send(\"demo/printer\", :hello)").unwrap();
        let boxes = run.longest_mailboxes(2);
        assert_eq!(boxes.len(), 2);
        assert!(boxes[0].0.starts_with("demo/printer <0."), "{boxes:?}");
        assert_eq!(boxes[0].1, 1);
        // ties in name order: the root before its children, never the shell
        assert!(boxes[1].0.starts_with("demo <0."), "{boxes:?}");
        assert_eq!(boxes[1].1, 0);
        assert!(run.events_total() > 0);
        assert_eq!(run.health(run.lab.now_us()).status.name(), "healthy");
    }

    /// A mailbox that grows far past its usual length is an anomaly at the second it
    /// grew: 200 messages the shell keeps (it takes them only with `flush()`), after 20
    /// quiet seconds.
    #[test]
    fn a_mailbox_that_grows_is_an_anomaly() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        run.lab.advance_to(20_500_000);
        for _ in 0..200 {
            run.exec_line("send(self(), :job)").unwrap();
        }
        run.lab.advance_to(23_000_000);
        let server = run.analytics.borrow();
        let found: Vec<_> = server
            .anomalies()
            .iter()
            .filter(|(_, a)| a.metric == "longest_mailbox")
            .map(|(t, a)| (*t, a.value))
            .collect();
        assert_eq!(found, [(21_000_000, 200.0)], "{:?}", server.anomalies());
    }

    /// Quiet mailboxes raise nothing.
    #[test]
    fn quiet_mailboxes_are_no_anomaly() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        run.lab.advance_to(30_000_000);
        let server = run.analytics.borrow();
        assert!(server.anomalies().is_empty(), "{:?}", server.anomalies());
    }
}
