//! The timeline's span: the whole run, up to a little after its last event, or its last
//! seconds or minutes — so a quiet tree run on for days at full speed still shows its
//! first seconds at a width a learner can scrub.

use super::nav::Choice;

/// The part of the run the scrubber spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Run,
    Events,
    Last10s,
    LastMinute,
    Last10Min,
}

impl Choice for Span {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (Span::Run, "run", "the whole run"),
        (Span::Events, "events", "to the last event"),
        (Span::Last10s, "10s", "the last 10 s"),
        (Span::LastMinute, "1min", "the last minute"),
        (Span::Last10Min, "10min", "the last 10 minutes"),
    ];
}

/// `[from, to]` (virtual µs, never empty) of `span` in a run whose head is at `head_us`
/// and whose last event was at `last_event_us`.
pub fn window(span: Span, head_us: u64, last_event_us: u64) -> (u64, u64) {
    let last = |secs: u64| (head_us.saturating_sub(secs * 1_000_000), head_us);
    let (from, to) = match span {
        Span::Run => (0, head_us),
        // a tenth more (at least 100 ms), so the last event is not on the edge
        Span::Events => {
            let end = last_event_us.min(head_us);
            (0, (end + (end / 10).max(100_000)).min(head_us))
        }
        Span::Last10s => last(10),
        Span::LastMinute => last(60),
        Span::Last10Min => last(600),
    };
    (from, to.max(from + 1_000))
}

/// CSS that shows the `[from, to]` part of a band drawn over `[0, head_us]`: the band
/// is stretched and shifted, not drawn again.
pub fn band_window(from: u64, to: u64, head_us: u64) -> String {
    let (span, head) = ((to - from) as f64, head_us.max(1) as f64);
    if from == 0 && to >= head_us || span >= head {
        return String::new();
    }
    let size = head / span * 100.0;
    // background-position-x: p% puts the image's p% point on the box's p% point
    let pos = from as f64 / (head - span) * 100.0;
    format!(";background-size:{size:.3}% 100%;background-position-x:{pos:.3}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The case: a quiet tree run to 1,087,200 s whose events are in its first
    /// 2.4 s.
    #[test]
    fn a_run_of_days_zooms_to_its_events_and_its_last_minutes() {
        let head = 1_087_200_000_000;
        assert_eq!(window(Span::Run, head, 2_400_000), (0, head));
        assert_eq!(window(Span::Events, head, 2_400_000), (0, 2_640_000));
        assert_eq!(window(Span::Events, head, 0), (0, 100_000));
        assert_eq!(window(Span::LastMinute, head, 0), (head - 60_000_000, head));
        // a run shorter than the span shows all of it
        assert_eq!(window(Span::Last10Min, 5_000_000, 0), (0, 5_000_000));
        // never empty
        assert_eq!(window(Span::Run, 0, 0), (0, 1_000));
        // the events run to the head: the whole run
        assert_eq!(window(Span::Events, 3_000_000, 2_990_000), (0, 3_000_000));
    }

    #[test]
    fn the_band_is_stretched_to_the_window() {
        assert_eq!(band_window(0, 100, 100), "");
        // the first tenth: ten times as wide, its start at the box's start
        assert_eq!(
            band_window(0, 10, 100),
            ";background-size:1000.000% 100%;background-position-x:0.000%"
        );
        // the last tenth: its end at the box's end
        assert_eq!(
            band_window(90, 100, 100),
            ";background-size:1000.000% 100%;background-position-x:100.000%"
        );
    }
}
