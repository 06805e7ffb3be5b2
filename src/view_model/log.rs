//! The event log as the UI shows it: every line the run has logged (bounded by the
//! lab's own limit), a filter by process and kind, and the slice a scrolled viewport
//! shows — so 100,000 lines scroll as smoothly as ten.

use std::collections::BTreeSet;

use otp_lab_lab::LogLine;

/// Height of one log row (px); the component's CSS uses the same.
pub const LOG_ROW_H: f64 = 22.0;

/// One line as shown (made for the rows on screen only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// Which run of the store the row came from: a list keyed by `(epoch, index)` does not
    /// mistake line 3 of a new run for line 3 of the old one.
    pub epoch: u32,
    pub index: usize,
    pub time: String,
    pub kind: &'static str,
    pub text: String,
}

impl LogRow {
    pub fn from_line(line: &LogLine, epoch: u32) -> LogRow {
        LogRow {
            epoch,
            index: line.index,
            time: format_time_us(line.t_us),
            kind: line.kind,
            text: line.text.clone(),
        }
    }
}

/// Formats virtual time as seconds with millisecond precision: `12.345 s`.
pub fn format_time_us(t_us: u64) -> String {
    otp_lab_lab::sequence::time_text(t_us)
}

/// Virtual time for a clock: `12.345 s` under a minute, then in minutes, hours and days
/// (`18 min 07.250 s`, `3 h 02 min 05 s`, `12 d 14 h 20 min`), so a run of days reads as
/// one.
pub fn clock_text(t_us: u64) -> String {
    let ms = t_us / 1_000;
    let s = ms / 1_000;
    let (m, h, d) = (s / 60, s / 3_600, s / 86_400);
    if m == 0 {
        format_time_us(t_us)
    } else if h == 0 {
        format!("{m} min {:02}.{:03} s", s % 60, ms % 1_000)
    } else if d == 0 {
        format!("{h} h {:02} min {:02} s", m % 60, s % 60)
    } else {
        format!("{d} d {:02} h {:02} min", h % 24, m % 60)
    }
}

/// Which lines to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only lines about this path or its subtree (`demo/counter_1`), if set.
    pub path: Option<String>,
    /// Kinds to hide.
    pub hidden: BTreeSet<&'static str>,
    /// Only lines containing this text (ASCII letters in any case), if not empty.
    pub text: String,
}

impl LogFilter {
    pub fn matches(&self, row: &LogLine) -> bool {
        if self.hidden.contains(row.kind) {
            return false;
        }
        if let Some(p) = &self.path {
            let about = row.path.as_deref().is_some_and(|rp| {
                rp == p
                    || rp
                        .strip_prefix(p.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            });
            if !about && !row.text.contains(p.as_str()) {
                return false;
            }
        }
        self.text.is_empty() || contains_ignoring_ascii_case(&row.text, &self.text)
    }

    pub fn is_empty(&self) -> bool {
        self.path.is_none() && self.hidden.is_empty() && self.text.is_empty()
    }
}

/// Whether `hay` contains `needle`, ASCII letters in either case (no copy of either).
fn contains_ignoring_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// All lines pulled from a run so far (the newest the lab keeps), and the filtered view of
/// them. Lines are numbered from the first ever pulled, so forgetting the oldest needs no
/// filtering again, and they are forgotten an eighth of the limit at a time (a fast run
/// pulls thousands of lines a frame; shifting 100,000 rows for each would cost frames).
#[derive(Clone, Debug, Default)]
pub struct LogStore {
    /// The lines as the lab gave them (rows are made for the ones on screen).
    rows: Vec<LogLine>,
    /// The number of the first row kept.
    base: usize,
    /// Index of the next line to pull.
    next: usize,
    filter: LogFilter,
    /// Numbers of the rows the filter keeps.
    shown: Vec<usize>,
    /// Bumped whenever the store starts over.
    epoch: u32,
}

impl LogStore {
    /// Pulls new lines from a log of `len` lines through `fetch(from, to)`. True if any
    /// arrived. A log shorter than what was pulled (another run) starts over.
    pub fn pull(&mut self, len: usize, fetch: impl FnOnce(usize, usize) -> Vec<LogLine>) -> bool {
        if len < self.next {
            self.clear();
        }
        if len == self.next {
            return false;
        }
        for line in fetch(self.next, len) {
            if self.filter.matches(&line) {
                self.shown.push(self.base + self.rows.len());
            }
            self.rows.push(line);
        }
        self.next = len;
        let kept = otp_lab_lab::LOG_LINES_KEPT;
        if self.rows.len() > kept + kept / 8 {
            let gone = self.rows.len() - kept;
            self.rows.drain(..gone);
            self.base += gone;
            let base = self.base;
            let gone_shown = self.shown.partition_point(|n| *n < base);
            self.shown.drain(..gone_shown);
        }
        true
    }

    /// Forgets everything (the next pull starts from line 0).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.shown.clear();
        self.base = 0;
        self.next = 0;
        self.epoch = self.epoch.wrapping_add(1);
    }

    pub fn set_filter(&mut self, f: LogFilter) {
        if f != self.filter {
            self.filter = f;
            self.refilter();
        }
    }

    pub fn filter(&self) -> &LogFilter {
        &self.filter
    }

    fn refilter(&mut self) {
        let (filter, base) = (&self.filter, self.base);
        self.shown = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| filter.matches(r))
            .map(|(i, _)| base + i)
            .collect();
    }

    /// Lines pulled (unfiltered).
    pub fn total(&self) -> usize {
        self.rows.len()
    }

    /// Lines the filter keeps.
    pub fn shown(&self) -> usize {
        self.shown.len()
    }

    /// The filtered lines `from..to` (positions among the shown lines).
    pub fn slice(&self, from: usize, to: usize) -> Vec<LogRow> {
        let to = to.min(self.shown.len());
        let from = from.min(to);
        self.shown[from..to]
            .iter()
            .map(|n| LogRow::from_line(&self.rows[n - self.base], self.epoch))
            .collect()
    }

    /// The shown line nearest to the event-log index `index` (for "jump there").
    pub fn position_of(&self, index: usize) -> Option<usize> {
        let pos = self
            .shown
            .partition_point(|n| self.rows[n - self.base].index < index);
        (pos < self.shown.len()).then_some(pos)
    }
}

/// The rows a viewport scrolled to `scroll_top` with `height` px shows: `(first, last)`
/// positions among the shown lines, with a few rows of overscan.
pub fn window(shown: usize, scroll_top: f64, height: f64) -> (usize, usize) {
    let first = (scroll_top / LOG_ROW_H).floor().max(0.0) as usize;
    let count = (height / LOG_ROW_H).ceil() as usize + 1;
    let a = first.saturating_sub(10).min(shown);
    let b = (first + count + 10).min(shown);
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_reads_in_the_unit_its_size_needs() {
        assert_eq!(clock_text(2_366_000), "2.366 s");
        assert_eq!(clock_text(59_999_999), "59.999 s");
        assert_eq!(clock_text(60_000_000), "1 min 00.000 s");
        assert_eq!(clock_text(1_087_250_000), "18 min 07.250 s");
        assert_eq!(
            clock_text(3_600_000_000 * 3 + 125_000_000),
            "3 h 02 min 05 s"
        );
        assert_eq!(clock_text(1_087_200_000_000), "12 d 14 h 00 min");
    }

    fn line(index: usize, kind: &'static str, path: &str) -> LogLine {
        LogLine {
            index,
            t_us: index as u64 * 1_500,
            kind,
            text: format!("{path} line {index}"),
            pid: index as u32,
            path: Some(path.into()),
            other: 0,
            other_path: None,
        }
    }

    fn store(n: usize) -> LogStore {
        let mut s = LogStore::default();
        s.pull(n, |a, b| {
            (a..b)
                .map(|i| {
                    let kind = if i % 2 == 0 { "exit" } else { "restart" };
                    let path = if i % 3 == 0 { "demo/a" } else { "demo/b" };
                    line(i, kind, path)
                })
                .collect()
        });
        s
    }

    #[test]
    fn the_oldest_lines_are_forgotten_and_the_filter_still_points_right() {
        let kept = otp_lab_lab::LOG_LINES_KEPT;
        let mut s = LogStore::default();
        s.set_filter(LogFilter {
            hidden: ["restart"].into_iter().collect(),
            ..LogFilter::default()
        });
        let fetch = |a: usize, b: usize| {
            (a..b)
                .map(|i| line(i, if i % 2 == 0 { "exit" } else { "restart" }, "demo/a"))
                .collect()
        };
        for step in 1..=30 {
            s.pull(step * 5_000, fetch);
            assert!(s.total() <= kept + kept / 8, "bounded: {}", s.total());
        }
        assert!(s.total() >= kept);
        // every shown line is an exit, in order, ending with the newest
        let shown = s.slice(0, s.shown());
        assert_eq!(shown.len(), s.shown());
        assert!(shown.iter().all(|r| r.kind == "exit"));
        assert!(shown.windows(2).all(|w| w[1].index == w[0].index + 2));
        assert_eq!(shown.last().map(|r| r.index), Some(149_998));
        assert_eq!(s.position_of(149_998), Some(s.shown() - 1));
    }

    #[test]
    fn pulls_only_new_lines() {
        let mut s = store(3);
        assert!(!s.pull(3, |_, _| panic!("nothing new")));
        assert!(s.pull(5, |a, b| (a..b).map(|i| line(i, "exit", "x")).collect()));
        assert_eq!(s.total(), 5);
        // a shorter log is another run
        assert!(s.pull(1, |a, b| (a..b).map(|i| line(i, "exit", "x")).collect()));
        assert_eq!(s.total(), 1);
    }

    #[test]
    fn a_new_run_gets_a_new_epoch_so_its_rows_are_not_taken_for_the_old_ones() {
        let mut s = store(3);
        let old = s.slice(0, 3);
        s.clear();
        s.pull(4, |a, b| (a..b).map(|i| line(i, "exit", "other")).collect());
        let new = s.slice(0, 4);
        assert_eq!(old[0].index, new[0].index);
        assert_ne!(old[0].epoch, new[0].epoch, "same index, another run");
        // and so does a shorter log (another run read from the start)
        s.pull(2, |a, b| (a..b).map(|i| line(i, "exit", "x")).collect());
        assert_ne!(s.slice(0, 1)[0].epoch, new[0].epoch);
    }

    #[test]
    fn filters_by_kind_path_and_text() {
        let mut s = store(12);
        s.set_filter(LogFilter {
            hidden: ["restart"].into(),
            ..LogFilter::default()
        });
        assert_eq!(s.shown(), 6);
        s.set_filter(LogFilter {
            path: Some("demo/a".into()),
            ..LogFilter::default()
        });
        assert_eq!(s.shown(), 4);
        assert!(s.slice(0, 10).iter().all(|r| r.text.starts_with("demo/a ")));
        s.set_filter(LogFilter {
            text: "LINE 1".into(),
            ..LogFilter::default()
        });
        assert_eq!(s.shown(), 3, "1, 10, 11");
        // new lines are filtered as they arrive
        s.pull(13, |a, b| (a..b).map(|i| line(i, "exit", "zz")).collect());
        assert_eq!(s.shown(), 4);
    }

    #[test]
    fn a_hundred_thousand_lines_window() {
        let s = store(100_000);
        let (a, b) = window(s.shown(), 1_000_000.0, 440.0);
        assert!(b - a < 50);
        assert_eq!(s.slice(a, b).len(), b - a);
        assert_eq!(s.position_of(50_000), Some(50_000));
        assert_eq!(window(5, 0.0, 1000.0), (0, 5));
    }

    #[test]
    fn formats_virtual_time() {
        assert_eq!(format_time_us(0), "0.000 s");
        assert_eq!(format_time_us(12_345_678), "12.345 s");
    }
}
