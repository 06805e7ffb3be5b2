//! Exit signals travelling along the tree's links: every new `signal` line of the event
//! log between two different tree nodes becomes a [`Pulse`] that lives [`PULSE_MS`] of
//! wall-clock time (a burst of more than [`MAX_NEW_PULSES`] lines at once is not animated).

use otp_lab_lab::LogLine;
use std::fmt::Write;

/// How long an exit signal takes to travel along a link (ms, wall clock).
pub const PULSE_MS: f64 = 900.0;
/// New log lines beyond which nothing is animated (a restart storm would be a blur).
pub const MAX_NEW_PULSES: usize = 200;

/// An exit signal travelling from one node to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Pulse {
    pub key: usize,
    pub from: String,
    pub to: String,
    pub born_ms: f64,
}

/// The pulses of new log lines, born at `now_ms`.
pub fn pulses_of(lines: &[LogLine], now_ms: f64) -> Vec<Pulse> {
    lines
        .iter()
        .filter(|l| l.kind == "signal")
        .filter_map(|l| {
            let to = l.path.clone()?;
            let from = l.other_path.clone().filter(|f| *f != to)?;
            Some(Pulse {
                key: l.index,
                from: from.to_string(),
                to: to.to_string(),
                born_ms: now_ms,
            })
        })
        .collect()
}

/// The pulses as SVG circles, each from one centre to the other (`centre` finds a
/// path's), already `now_ms - born_ms` into its trip: drawn again, none restarts.
pub fn pulse_circles(
    pulses: &[Pulse],
    now_ms: f64,
    centre: impl Fn(&str) -> Option<(f64, f64)>,
) -> String {
    let mut out = String::new();
    for p in pulses {
        let (Some((x1, y1)), Some((x2, y2))) = (centre(&p.from), centre(&p.to)) else {
            continue;
        };
        let _ = write!(
            out,
            r#"<circle class="pulse" r="6" style="offset-path: path('M{x1},{y1} L{x2},{y2}'); animation-duration: {PULSE_MS}ms; animation-delay: -{}ms"/>"#,
            (now_ms - p.born_ms).max(0.0).round()
        );
    }
    out
}

/// True while a pulse is still on its way at `now_ms`.
pub fn travelling(p: &Pulse, now_ms: f64) -> bool {
    now_ms - p.born_ms < PULSE_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_lab::Lab;

    #[test]
    fn a_killed_worker_sends_a_pulse_to_its_supervisor() {
        let mut lab = Lab::demo(1);
        let from = lab.log_len();
        lab.kill("demo/printer").unwrap();
        lab.advance(1_000);
        let pulses = pulses_of(&lab.log_lines(from, lab.log_len()), 5.0);
        assert!(
            pulses
                .iter()
                .any(|p| p.from == "demo/printer" && p.to == "demo" && p.born_ms == 5.0),
            "{pulses:?}"
        );
        assert!(pulses.iter().all(|p| p.from != p.to));
        assert!(travelling(&pulses[0], 5.0 + PULSE_MS - 1.0));
        assert!(!travelling(&pulses[0], 5.0 + PULSE_MS));
    }
}
