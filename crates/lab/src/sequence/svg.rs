//! The sequence chart drawn as SVG text: the lane headers (grouped under their supervisor,
//! each with its pids — a restart adds the new one), and the window's rows — lanes as
//! vertical lines, spawns and exits as marks on them, every message as an arrow from its
//! send to its handling, styled by kind (a call solid, its reply dashed back, a call
//! waiting for its reply as a bar on the caller's lane, a cast with an open head, an exit
//! signal red and heavy, a `'DOWN'` dash-dotted, causality through hidden lanes dotted).
//! Elements carry `data-id` (a message) and `data-lane` (a lane key), so the page listens
//! once for clicks; the exported file is the same drawing with its styles inside.

use super::{Arrow, ArrowKind, Chart, Mark};
use crate::history::{Fate, Kind};
use std::fmt::Write;

/// Width of a lane (px).
pub const LANE_W: f32 = 150.0;
/// Height of a row (px).
pub const ROW_H: f32 = 22.0;
/// Height of the lane headers (px).
pub const HEAD_H: f32 = 48.0;
/// Width of the time column on the left (px).
pub const LEFT: f32 = 72.0;

/// The drawing's width for a chart.
pub fn width(c: &Chart) -> f32 {
    LEFT + c.lanes.len().max(1) as f32 * LANE_W
}

fn lane_x(lane: usize) -> f32 {
    LEFT + lane as f32 * LANE_W + LANE_W / 2.0
}

/// Escapes text for SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The lane headers: an `<svg>` of `width(c)` × [`HEAD_H`].
pub fn header(c: &Chart) -> String {
    let w = width(c);
    let mut s = String::with_capacity(256 + c.lanes.len() * 200);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="seq-heads" width="{w}" height="{HEAD_H}" viewBox="0 0 {w} {HEAD_H}">"#
    );
    header_into(&mut s, c);
    s.push_str("</svg>");
    s
}

fn header_into(s: &mut String, c: &Chart) {
    // supervisor groups: a bracket over the lanes under one supervisor
    for (g, run) in c.groups().filter(|(g, _)| !g.is_empty()) {
        let (x0, x1) = (
            LEFT + run.start as f32 * LANE_W + 4.0,
            LEFT + run.end as f32 * LANE_W - 4.0,
        );
        let _ = write!(
            s,
            r#"<g class="seq-group"><path d="M{x0} 15V11H{x1}V15"/><text x="{}" y="9">{}</text></g>"#,
            (x0 + x1) / 2.0,
            esc(&super::short(g, (run.len() * 22).max(18)))
        );
    }
    for (n, lane) in c.lanes.iter().enumerate() {
        let x = lane_x(n);
        let name = lane.key.rsplit('/').next().unwrap_or(&lane.key);
        let pids = lane.pids_text();
        let _ = write!(
            s,
            r#"<g class="seq-lane-head" data-lane="{}" role="button" tabindex="0"><title>{}</title><rect x="{}" y="16" width="{}" height="30" rx="4"/><text x="{x}" y="29" class="name">{}</text><text x="{x}" y="42" class="pids">{}</text></g>"#,
            esc(&lane.key),
            esc(&lane.key),
            x - LANE_W / 2.0 + 4.0,
            LANE_W - 8.0,
            esc(&super::short(name, 20)),
            esc(&pids)
        );
    }
}

/// The window's rows: an `<svg>` of `width(c)` × rows × [`ROW_H`], the first row at the top.
pub fn body(c: &Chart) -> String {
    let w = width(c);
    let h = c.row_times.len().max(1) as f32 * ROW_H;
    let mut s = String::with_capacity(1024 + c.arrows.len() * 320);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="seq-body" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    body_into(&mut s, c, 0.0);
    s.push_str("</svg>");
    s
}

fn body_into(s: &mut String, c: &Chart, top: f32) {
    let rows = c.row_times.len().max(1) as f32;
    let h = rows * ROW_H;
    let y = |row: f32| top + (row - c.first_row as f32) * ROW_H + ROW_H / 2.0;
    s.push_str(r#"<defs><marker id="seq-head" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker><marker id="seq-open" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10" fill="none"/></marker></defs>"#);
    // time column: a row's time when it differs from the row above
    let mut last = None;
    for (i, t) in c.row_times.iter().enumerate() {
        if last != Some(*t) {
            let _ = write!(
                s,
                r#"<text class="seq-time" x="{}" y="{}">{}</text>"#,
                LEFT - 6.0,
                top + i as f32 * ROW_H + ROW_H / 2.0 + 4.0,
                super::time_text(*t)
            );
        }
        last = Some(*t);
    }
    for n in 0..c.lanes.len() {
        let x = lane_x(n);
        let _ = write!(
            s,
            r#"<line class="seq-lifeline" x1="{x}" y1="{top}" x2="{x}" y2="{}"/>"#,
            top + h
        );
    }
    // a call waiting for its reply: a bar on the caller's lane
    for a in &c.arrows {
        if a.kind != ArrowKind::Msg(Kind::Call) {
            continue;
        }
        let Some(r) = a.pair.and_then(|p| c.arrows.iter().find(|r| r.id == p)) else {
            continue;
        };
        let _ = write!(
            s,
            r#"<rect class="seq-waiting" x="{}" y="{}" width="8" height="{}"/>"#,
            lane_x(a.from) - 4.0,
            y(a.y0),
            (y(r.y1) - y(a.y0)).max(2.0)
        );
    }
    for a in &c.arrows {
        arrow_into(s, a, &y);
    }
    for m in &c.marks {
        mark_into(s, m, &y);
    }
    if let Some(cur) = c.cursor {
        let _ = write!(
            s,
            r#"<line class="seq-cursor" x1="{LEFT}" y1="{cy}" x2="{w}" y2="{cy}"/>"#,
            cy = y(cur),
            w = width(c)
        );
    }
}

/// The CSS class of an arrow's kind.
pub fn class_of(kind: ArrowKind) -> &'static str {
    match kind {
        ArrowKind::Via(_) => "k-via",
        ArrowKind::Msg(k) => match k {
            Kind::Call => "k-call",
            Kind::Reply => "k-reply",
            Kind::Cast => "k-cast",
            Kind::Plain => "k-plain",
            Kind::Ack | Kind::System => "k-sys",
            Kind::Timer => "k-timer",
            Kind::ExitSignal { .. } | Kind::Exit => "k-exit",
            Kind::Down => "k-down",
        },
    }
}

fn arrow_into(s: &mut String, a: &Arrow, y: &impl Fn(f32) -> f32) {
    let (x0, x1) = (lane_x(a.from), lane_x(a.to));
    let (y0, y1) = (y(a.y0), y(a.y1));
    let open = matches!(
        a.kind,
        ArrowKind::Msg(Kind::Cast | Kind::Reply | Kind::Plain | Kind::Timer | Kind::Down)
    );
    let fate = match a.fate {
        Fate::Killed => " f-killed",
        Fate::Dropped => " f-dropped",
        Fate::Ignored => " f-ignored",
        Fate::InMailbox | Fate::InFlight => " f-waiting",
        Fate::Taken => "",
    };
    let head = if open { "seq-open" } else { "seq-head" };
    let path = if a.from == a.to {
        // to itself: a loop on the lane
        format!("M{x0} {y0}h28V{}H{}", y1.max(y0 + 8.0), x0 + 2.0)
    } else {
        let dir = if x1 > x0 { 1.0 } else { -1.0 };
        format!("M{x0} {y0}L{} {y1}", x1 - dir * 4.0)
    };
    let mut label = a.label.clone();
    if a.count > 1 {
        let _ = write!(label, " ×{}", a.count);
    }
    if let ArrowKind::Via(_) = a.kind {
        label = format!("via {}: {label}", a.via.join(", "));
    }
    let (lx, ly) = if a.from == a.to {
        (x0 + 32.0, y0 + 4.0)
    } else {
        ((x0 + x1) / 2.0, y0 + (y1 - y0) * 0.15 - 4.0)
    };
    // a loop's label starts beside it; others are centred on the arrow
    let anchor = if a.from == a.to {
        r#" class="loop""#
    } else {
        ""
    };
    let _ = write!(
        s,
        r#"<g class="seq-arrow {}{fate}" data-id="{}"{} role="button" tabindex="0"><title>{}</title><path class="hit" d="{path}"/><path class="line" d="{path}" marker-end="url(#{head})"/><text x="{lx}" y="{ly}"{anchor}>{}</text>"#,
        class_of(a.kind),
        a.id,
        match a.pair {
            Some(p) => format!(r#" data-pair="{p}""#),
            None => String::new(),
        },
        esc(&label),
        esc(&super::short(&label, 34))
    );
    if a.fate == Fate::Killed {
        let _ = write!(
            s,
            r#"<path class="kill" d="M{0} {1}l6 6m0 -6l-6 6"/>"#,
            x1 - 3.0,
            y1 - 3.0
        );
    }
    s.push_str("</g>");
}

fn mark_into(s: &mut String, m: &Mark, y: &impl Fn(f32) -> f32) {
    let (x, y) = (lane_x(m.lane), y(m.y));
    match &m.exit {
        None => {
            let _ = write!(
                s,
                r#"<g class="seq-mark spawn"><circle cx="{x}" cy="{y}" r="5"/><text x="{}" y="{}">{}</text></g>"#,
                x + 8.0,
                y + 11.0,
                esc(&m.pid.to_string())
            );
        }
        Some(reason) => {
            let _ = write!(
                s,
                r#"<g class="seq-mark exit"><title>{} exited: {}</title><path d="M{} {}l10 10m0 -10l-10 10"/><text x="{}" y="{}">{}</text></g>"#,
                esc(&m.pid.to_string()),
                esc(reason),
                x - 5.0,
                y - 5.0,
                x + 8.0,
                y - 2.0,
                esc(&super::short(reason, 18))
            );
        }
    }
}

/// Colours and strokes of the exported file (the page has its own, per theme).
const EXPORT_STYLE: &str = "text{font:11px monospace;fill:#123}\
.seq-group path,.seq-arrow .line{fill:none;stroke:#567}text{text-anchor:middle}\
.seq-time{text-anchor:end}text.loop,.seq-mark text{text-anchor:start}\
.seq-lane-head rect{fill:#eef;stroke:#89a}.seq-lifeline{stroke:#ccd;stroke-dasharray:3 3}\
.seq-waiting{fill:#cdf;stroke:#26d}.hit{stroke:none;fill:none}\
.k-call .line,.k-reply .line{stroke:#26d}.k-reply .line{stroke-dasharray:5 3}\
.k-cast .line{stroke:#185}.k-timer .line{stroke:#a60;stroke-dasharray:2 3}\
.k-exit .line,.kill,.exit path{stroke:#c22;stroke-width:2.4}.k-down .line{stroke:#73b;stroke-dasharray:7 3 2 3}\
.k-via .line,.f-dropped .line{stroke-dasharray:1 3}.spawn circle{fill:#185}.seq-cursor{stroke:#da0;stroke-width:2}";

/// The chart's window as a standalone SVG file (headers above the rows, styles inside).
pub fn standalone(c: &Chart) -> String {
    let w = width(c);
    let h = HEAD_H + c.row_times.len().max(1) as f32 * ROW_H;
    let mut s = String::with_capacity(2048 + c.arrows.len() * 320);
    let _ = write!(
        s,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><title>OTP Lab sequence chart</title><style>{EXPORT_STYLE}</style><rect width="{w}" height="{h}" fill="#ffffff"/>"##
    );
    header_into(&mut s, c);
    body_into(&mut s, c, HEAD_H);
    s.push_str("</svg>\n");
    s
}
