//! The graph view: every live process as a node — the tree's, the console's shell, any
//! other — with links, monitors (watcher → watched) and parent → child edges, at the
//! instant on screen (one clock with the tree, the log and the sequence view). Exit
//! signals travel along the edges as they do in the tree. A click on a node selects it,
//! as in the tree (the inspector follows).
//!
//! The drawing is SVG text from the lab's `graph::svg`, set when it changes (at most five
//! times a second while the run plays); the pulses are a second layer on top, each
//! drawn with its animation already under way, so drawing them again never restarts one.

use leptos::html::Div;
use leptos::prelude::*;
use std::fmt::Write;
use wasm_bindgen::JsCast;

use crate::components::set_html;
use crate::driver::{now_ms, LabHandle};
use crate::view_model::pulses::pulse_circles;
use otp_lab_lab::graph::{svg, Graph};

/// Wall-clock time between two drawings while the run plays (ms).
const REDRAW_MS: f64 = 200.0;

const LEGEND: &str = concat!(
    r#"<li><i class="ge-link"></i>link</li><li><i class="ge-child"></i>parent → child</li>"#,
    r#"<li><i class="ge-monitor"></i>monitor (watcher → watched)</li>"#,
    r#"<li><span class="g-ghost-sample"></span>not running</li>"#,
);

#[component]
pub fn GraphView(
    lab: LabHandle,
    /// Whether the view's tab is shown (a hidden view is not drawn).
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    let canvas = NodeRef::<Div>::new();
    let scroller = NodeRef::<Div>::new();
    let overlay = NodeRef::<Div>::new();
    let count = NodeRef::<Div>::new();
    // the graph drawn last, its text, and when (wall clock, ms)
    let graph = StoredValue::new(Graph::default());
    let drawn = StoredValue::new(String::new());
    let drawn_ms = StoredValue::new(f64::MIN);
    Effect::new(move |_| {
        lab.log_version.track();
        let playing = lab.status.with(|s| s.playing && s.live);
        let selected = lab.selected.get();
        if !visible.get() {
            return;
        }
        let now = now_ms();
        if playing && now - drawn_ms.get_value() < REDRAW_MS {
            return;
        }
        let Some(g) = lab.graph() else { return };
        let text = svg::draw(&g, selected.as_deref());
        if let Some(el) = count.get_untracked() {
            let (links, monitors) = g.edges.iter().fold((0, 0), |(l, m), e| match e.kind {
                otp_lab_lab::graph::EdgeKind::Link => (l + 1, m),
                otp_lab_lab::graph::EdgeKind::Monitor => (l, m + 1),
                _ => (l, m),
            });
            let live = g.nodes.iter().filter(|n| n.pid.is_some()).count() + g.omitted;
            let n = |k: usize, one: &str, many: &str| {
                format!("{k} {}", if k == 1 { one } else { many })
            };
            let mut t = format!(
                "{}, {}, {}",
                n(live, "process", "processes"),
                n(links, "link", "links"),
                n(monitors, "monitor", "monitors")
            );
            if g.omitted > 0 {
                let _ = write!(t, " ({} not drawn)", g.omitted);
            }
            el.set_text_content(Some(&t));
        }
        drawn.update_value(|d| set_html(canvas.get_untracked(), d, text));
        drawn_ms.set_value(now);
        // a new shape: the root (the first node) in view, as the tree shows it first
        let reshaped = graph.with_value(|old| old.width != g.width || old.height != g.height);
        if let (true, Some(el), Some(root)) = (reshaped, scroller.get_untracked(), g.nodes.first())
        {
            let (x, _) = root.centre();
            el.set_scroll_left((x as i32 - el.client_width() / 2).max(0));
            el.set_scroll_top(0);
        }
        graph.set_value(g);
    });
    // exit signals on their way: from one node's centre to the other's
    Effect::new(move |_| {
        let pulses = lab.pulses.get();
        if !visible.get() {
            return;
        }
        let (w, h, dots) = graph.with_value(|g| {
            let centre = |key: &str| {
                let (x, y) = g.find(key)?.centre();
                Some((x as f64, y as f64))
            };
            (g.width, g.height, pulse_circles(&pulses, now_ms(), centre))
        });
        if let Some(el) = overlay.get_untracked() {
            el.set_inner_html(&format!(
                r#"<svg class="graph-pulses" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true">{dots}</svg>"#
            ));
        }
    });
    let activate = move |target: Option<web_sys::EventTarget>| {
        let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return false;
        };
        let Ok(Some(node)) = el.closest("[data-key]") else {
            return false;
        };
        lab.select(node.get_attribute("data-key"));
        true
    };
    view! {
        <div class="graph-view" data-view="graph">
            <div class="seq-toolbar" role="group" aria-label="Graph view">
                <ul class="plain seq-legend graph-legend" aria-label="Edge legend" inner_html=LEGEND></ul>
                <div class="seq-count muted" node_ref=count></div>
            </div>
            <div class="graph-scroll" node_ref=scroller
                on:pointerdown=move |ev| if ev.button() == 0 { activate(ev.target()); }
                on:keydown=move |ev| {
                    if (ev.key() == "Enter" || ev.key() == " ") && activate(ev.target()) {
                        ev.prevent_default();
                    }
                }>
                <div class="graph-canvas" node_ref=canvas></div>
                <div class="graph-overlay" node_ref=overlay></div>
            </div>
        </div>
    }
}
