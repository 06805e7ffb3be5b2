//! The timeline's span: the whole run, up to a little after its last event, its last
//! seconds or minutes, or a range the learner chooses (typed, or dragged on the health
//! band) — so a quiet tree run on for days at full speed still shows its first seconds at
//! a width a learner can scrub.

use super::nav::Choice;

/// The part of the run the scrubber spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Run,
    Events,
    Last10s,
    LastMinute,
    Last10Min,
    /// The range in [`window`]'s `range`.
    Range,
}

impl Choice for Span {
    const TABLE: &'static [(Self, &'static str, &'static str)] = &[
        (Span::Run, "run", "the whole run"),
        (Span::Events, "events", "to the last event"),
        (Span::Last10s, "10s", "the last 10 s"),
        (Span::LastMinute, "1min", "the last minute"),
        (Span::Last10Min, "10min", "the last 10 minutes"),
        (Span::Range, "range", "a range I choose"),
    ];
}

/// `[from, to]` (virtual µs, never empty) of `span` in a run whose head is at `head_us`
/// and whose last event was at `last_event_us`; `range` is the chosen one.
pub fn window(span: Span, head_us: u64, last_event_us: u64, range: (u64, u64)) -> (u64, u64) {
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
        Span::Range => (range.0.min(head_us), range.1.min(head_us)),
    };
    (from, to.max(from + 1_000))
}

/// The range typed as `from` and `to` (seconds of virtual time: `2`, `2.5`, `2.5 s`), in
/// µs, or a sentence on what is wrong with it.
pub fn parse_range(from: &str, to: &str, head_us: u64) -> Result<(u64, u64), String> {
    let secs = |name: &str, text: &str| -> Result<u64, String> {
        let t = text.trim();
        let t = t.strip_suffix('s').unwrap_or(t).trim_end();
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok((v * 1_000_000.0).round() as u64),
            Ok(_) => Err(format!(
                "{name} is a number of seconds from 0 on, not \"{}\"",
                text.trim()
            )),
            Err(_) => Err(format!(
                "{name} is a number of seconds (like 2.5), not \"{}\"",
                text.trim()
            )),
        }
    };
    let (a, b) = (secs("From", from)?, secs("To", to)?);
    if a >= b {
        return Err(format!(
            "From ({}) must come before To ({})",
            super::clock_text(a),
            super::clock_text(b)
        ));
    }
    if a >= head_us {
        return Err(format!(
            "The run has only reached {}: start the range before that",
            super::clock_text(head_us)
        ));
    }
    Ok((a, b.min(head_us)))
}

/// The `[from, to]` range (µs) between two points dragged on a band `width` px wide that
/// shows the window `[w_from, w_to]`.
pub fn dragged_range(x1: f64, x2: f64, width: f64, (w_from, w_to): (u64, u64)) -> (u64, u64) {
    let at = |x: f64| {
        let f = (x / width.max(1.0)).clamp(0.0, 1.0);
        w_from + ((w_to - w_from) as f64 * f).round() as u64
    };
    let (a, b) = (at(x1.min(x2)), at(x1.max(x2)));
    (a, b.max(a + 1_000))
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
        assert_eq!(window(Span::Run, head, 2_400_000, (0, 0)), (0, head));
        assert_eq!(
            window(Span::Events, head, 2_400_000, (0, 0)),
            (0, 2_640_000)
        );
        assert_eq!(window(Span::Events, head, 0, (0, 0)), (0, 100_000));
        assert_eq!(
            window(Span::LastMinute, head, 0, (0, 0)),
            (head - 60_000_000, head)
        );
        // a run shorter than the span shows all of it
        assert_eq!(
            window(Span::Last10Min, 5_000_000, 0, (0, 0)),
            (0, 5_000_000)
        );
        // never empty
        assert_eq!(window(Span::Run, 0, 0, (0, 0)), (0, 1_000));
        // the events run to the head: the whole run
        assert_eq!(
            window(Span::Events, 3_000_000, 2_990_000, (0, 0)),
            (0, 3_000_000)
        );
    }

    #[test]
    fn a_chosen_range_is_checked_and_kept_inside_the_run() {
        let head = 60_000_000;
        assert_eq!(parse_range("2", "2.5 s", head), Ok((2_000_000, 2_500_000)));
        // past the head: up to the head
        assert_eq!(parse_range("10", "100", head), Ok((10_000_000, head)));
        assert_eq!(
            parse_range("abc", "2", head),
            Err("From is a number of seconds (like 2.5), not \"abc\"".into())
        );
        assert_eq!(
            parse_range("1", "-2", head),
            Err("To is a number of seconds from 0 on, not \"-2\"".into())
        );
        assert_eq!(
            parse_range("3", "3", head),
            Err("From (3.000 s) must come before To (3.000 s)".into())
        );
        assert_eq!(
            parse_range("61", "70", head),
            Err("The run has only reached 1 min 00.000 s: start the range before that".into())
        );
        assert_eq!(
            window(Span::Range, head, 0, (2_000_000, 2_500_000)),
            (2_000_000, 2_500_000)
        );
        // a range the run has not reached yet is never empty
        assert_eq!(
            window(Span::Range, 1_000, 0, (5_000, 9_000)),
            (1_000, 2_000)
        );
    }

    #[test]
    fn dragging_on_the_band_picks_the_range_under_it() {
        // a band 200 px wide showing 0–10 s: 50 px to 100 px is 2.5 s to 5 s, either way
        assert_eq!(
            dragged_range(100.0, 50.0, 200.0, (0, 10_000_000)),
            (2_500_000, 5_000_000)
        );
        // off the band's ends: its ends
        assert_eq!(
            dragged_range(-30.0, 500.0, 200.0, (1_000_000, 2_000_000)),
            (1_000_000, 2_000_000)
        );
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
