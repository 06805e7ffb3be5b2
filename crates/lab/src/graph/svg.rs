//! The system graph drawn as SVG text: links as straight lines, parent → child as a curve
//! with an arrow, monitors as a dashed curve bent the other way with an arrow at the
//! watched process; nodes as cards (name, pid, trap_exit, mailbox length), coloured by
//! role and status. Elements carry the test hooks (`data-edge`, `data-from`, `data-to`,
//! `data-pid`) and `data-key`, which a click selects.

use super::{EdgeKind, Graph, Role, NODE_H, NODE_W};
use crate::sequence::svg::esc;
use std::fmt::Write;

/// How far a curved edge bends from the straight line (px).
const BEND: f32 = 22.0;

/// The graph as an `<svg>`; `selected` is the selected node's key.
pub fn draw(g: &Graph, selected: Option<&str>) -> String {
    let (w, h) = (g.width.max(NODE_W), g.height.max(NODE_H));
    let mut s = String::with_capacity(2048 + g.nodes.len() * 400 + g.edges.len() * 160);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="graph-svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><defs><marker id="g-head" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto"><path d="M0 0L10 5L0 10z"/></marker></defs><g class="g-edges">"#
    );
    let pid = |i: usize| g.nodes[i].pid.map(|p| p.to_string()).unwrap_or_default();
    for e in &g.edges {
        let (a, b) = (&g.nodes[e.from], &g.nodes[e.to]);
        if e.from == e.to {
            continue;
        }
        let (x1, y1) = a.centre();
        let (x2, y2) = b.centre();
        let _ = write!(
            s,
            r#"<path class="ge ge-{}" data-edge="{}" data-from="{}" data-to="{}" d=""#,
            e.kind.name(),
            e.kind.name(),
            pid(e.from),
            pid(e.to)
        );
        match e.kind {
            EdgeKind::Link => {
                let _ = write!(s, "M{x1} {y1}L{x2} {y2}");
            }
            kind => {
                // from the edge of one card to the edge of the other, bent to one side
                let (sx, sy) = border(x1, y1, x2, y2);
                let (ex, ey) = border(x2, y2, x1, y1);
                let (dx, dy) = (ex - sx, ey - sy);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let bend = if kind == EdgeKind::Child { BEND } else { -BEND };
                let (cx, cy) = (
                    (sx + ex) / 2.0 - dy / len * bend,
                    (sy + ey) / 2.0 + dx / len * bend,
                );
                let _ = write!(s, "M{sx} {sy}Q{cx} {cy} {ex} {ey}");
            }
        }
        s.push_str(r#""/>"#);
    }
    s.push_str("</g>");
    for n in &g.nodes {
        let pid = n.pid.map(|p| p.to_string());
        let mut class = format!("gn r-{} s-{}", n.role.name(), n.status.label());
        if selected == Some(n.key.as_str()) {
            class.push_str(" sel");
        }
        let mut facts = pid.clone().unwrap_or_else(|| n.status.label().to_string());
        if n.trap_exit {
            facts.push_str(" · traps");
        }
        if n.queue > 0 {
            let _ = write!(facts, " · {} msg", n.queue);
        }
        let _ = write!(s, r#"<g class="{class}" data-key="{}""#, esc(&n.key));
        if let Some(p) = &pid {
            let _ = write!(s, r#" data-pid="{p}""#);
        }
        let _ = write!(
            s,
            r#" role="button" tabindex="0" transform="translate({} {})"><title>{} {}: {}</title><rect width="{NODE_W}" height="{NODE_H}" rx="{}"/><text x="{}" y="14">{}</text><text class="gp" x="{}" y="28">{}</text></g>"#,
            n.x,
            n.y,
            n.role.name(),
            esc(&n.key),
            esc(&facts),
            if matches!(n.role, Role::Supervisor) {
                4
            } else {
                14
            },
            NODE_W / 2.0,
            esc(&crate::sequence::short(&n.label, 18)),
            NODE_W / 2.0,
            esc(&facts)
        );
    }
    s.push_str("</svg>");
    s
}

/// Where the segment from a card's centre (x1, y1) towards (x2, y2) leaves the card.
fn border(x1: f32, y1: f32, x2: f32, y2: f32) -> (f32, f32) {
    let (dx, dy) = (x2 - x1, y2 - y1);
    if dx == 0.0 && dy == 0.0 {
        return (x1, y1);
    }
    let tx = if dx == 0.0 {
        f32::INFINITY
    } else {
        (NODE_W / 2.0) / dx.abs()
    };
    let ty = if dy == 0.0 {
        f32::INFINITY
    } else {
        (NODE_H / 2.0) / dy.abs()
    };
    let t = tx.min(ty).min(1.0);
    (x1 + dx * t, y1 + dy * t)
}
