//! The sequence chart as Mermaid `sequenceDiagram` text: lanes as participants (in a
//! `box` per supervisor), messages in send order with Mermaid's arrows (a call `->>`, its
//! reply `-->>`, a cast or plain message `-)`, an exit signal `-x`, a `'DOWN'` `--)`),
//! spawns and exits as notes. Text Mermaid would read as markup (`<0.84.0>`, `;`, `#`) is
//! written as its entity codes.

use super::{ArrowKind, Chart};
use crate::history::Kind;
use std::fmt::Write;

/// Escapes text for a Mermaid label.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The chart's window as Mermaid text.
pub fn mermaid(c: &Chart) -> String {
    let mut s = String::from("sequenceDiagram\n");
    for (g, run) in c.groups() {
        if !g.is_empty() {
            // `transparent` first, so a group named like a colour stays a name
            let _ = writeln!(s, "    box transparent {}", esc(g));
        }
        for n in run {
            let lane = &c.lanes[n];
            let label = match lane.pids_text() {
                p if p.is_empty() => lane.key.clone(),
                p => format!("{} {p}", lane.key),
            };
            let _ = writeln!(s, "    participant P{n} as {}", esc(&label));
        }
        if !g.is_empty() {
            s.push_str("    end\n");
        }
    }
    // messages and marks in the order of their rows (both come in row order: merged)
    enum Item<'a> {
        Arrow(&'a super::Arrow),
        Mark(&'a super::Mark),
    }
    let top = c.first_row as f32 - 0.5;
    let mut arrows = c.arrows.iter().filter(|a| a.y0 >= top).peekable();
    let mut marks = c.marks.iter().peekable();
    let mut items = Vec::new();
    loop {
        let next = match (arrows.peek(), marks.peek()) {
            (Some(a), Some(m)) if m.y <= a.y0 => marks.next().map(Item::Mark),
            (Some(_), _) => arrows.next().map(Item::Arrow),
            (None, Some(_)) => marks.next().map(Item::Mark),
            (None, None) => break,
        };
        items.extend(next);
    }
    for item in items {
        match item {
            Item::Arrow(a) => {
                let arrow = match a.kind {
                    ArrowKind::Msg(Kind::Call) => "->>",
                    ArrowKind::Msg(Kind::Reply) => "-->>",
                    ArrowKind::Msg(Kind::ExitSignal { .. }) => "-x",
                    ArrowKind::Msg(Kind::Down) | ArrowKind::Via(_) => "--)",
                    _ => "-)",
                };
                let mut label = a.label.clone();
                if a.count > 1 {
                    let _ = write!(label, " ×{}", a.count);
                }
                if let ArrowKind::Via(_) = a.kind {
                    label = format!("via {}: {label}", a.via.join(", "));
                }
                let _ = writeln!(s, "    P{}{arrow}P{}: {}", a.from, a.to, esc(&label));
            }
            Item::Mark(m) => {
                let what = match &m.exit {
                    None => format!("spawned {}", m.pid),
                    Some(r) => format!("{} exited: {r}", m.pid),
                };
                let _ = writeln!(s, "    Note over P{}: {}", m.lane, esc(&what));
            }
        }
    }
    s
}
