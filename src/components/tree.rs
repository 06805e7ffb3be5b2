//! The supervision tree, drawn in SVG: a tidy left-to-right layout, one `treeitem` per
//! node (`data-path` as in the conformance traces), status by colour *and* glyph and
//! word, restart counters, an intensity meter on every supervisor, exit signals that
//! travel along the links, collapsible subtrees, and the WAI-ARIA keyboard pattern
//! (arrows, Home/End, Enter to inspect). Only the nodes in the viewport are drawn.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;
use wasm_bindgen::JsCast;

use crate::driver::{now_ms, LabHandle, RowCell};
use crate::view_model::pulses::pulse_circles;
use crate::view_model::tree::{extent, in_window, key_move, Move, TreeRow, NODE_H, NODE_W};

#[component]
pub fn SupervisionTree(
    lab: LabHandle,
    /// A field to find a process by path, pid or id (the Lab's big trees).
    #[prop(optional)]
    find: bool,
    /// Scale the drawing down to the box's width (Compare's narrow sandboxes).
    #[prop(optional)]
    fit: bool,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let scroll = RwSignal::new((0.0f64, 800.0f64));
    let focused = RwSignal::new(None::<String>);
    let rows = move || -> Vec<TreeRow> {
        lab.tree
            .with(|cells| cells.iter().map(|c| c.row.get()).collect())
    };
    // read the rows in place: no copy of a 10,000-row tree per frame or scroll
    let size = Memo::new(move |_| {
        lab.tree
            .with(|cells| extent(cells.iter().map(|c| c.row.with(|r| (r.x, r.y)))))
    });
    // the cells whose rows are inside the viewport
    let shown = Memo::new(move |_| {
        let (top, h) = scroll.get();
        lab.tree.with(|cells| {
            cells
                .iter()
                .filter(|c| c.row.with(|r| in_window(r, top, h)))
                .cloned()
                .collect::<Vec<RowCell>>()
        })
    });
    // the viewport in the drawing's units: a fitted drawing is scaled down
    let scale_of = move |el: &web_sys::HtmlDivElement| {
        if fit {
            (el.client_width() as f64 / size.get_untracked().0).clamp(0.1, 1.0)
        } else {
            1.0
        }
    };
    let viewport = move |el: &web_sys::HtmlDivElement, min_h: i32| {
        let scale = scale_of(el);
        (
            el.scroll_top() as f64 / scale,
            el.client_height().max(min_h) as f64 / scale,
        )
    };
    let on_scroll = move |_| {
        if let Some(el) = scroller.get() {
            scroll.set(viewport(&el, 0));
        }
    };
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            // a fitted drawing's scale follows its size
            if fit {
                size.track();
            }
            scroll.set(viewport(&el, 400));
        }
    });
    // Scrolls `path` into view (so the virtual window draws it), then focuses it.
    let reveal = move |path: &str| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let y = lab.tree.with_untracked(|cells| {
            cells
                .iter()
                .find(|c| c.path == path)
                .map(|c| c.row.with_untracked(|r| r.y))
        });
        if let Some(y) = y {
            let (top, h) = viewport(&el, 0);
            if y < top || y + NODE_H > top + h {
                let new_top = (y - h / 2.0).max(0.0);
                el.set_scroll_top((new_top * scale_of(&el)) as i32);
                scroll.set((new_top, h));
            }
        }
        let path = path.to_string();
        let root: web_sys::Element = el.into();
        request_animation_frame(move || focus_node(&root, &path));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let m = match ev.key().as_str() {
            "ArrowUp" => Move::Up,
            "ArrowDown" => Move::Down,
            "ArrowLeft" => Move::Left,
            "ArrowRight" => Move::Right,
            "Home" => Move::Home,
            "End" => Move::End,
            "Enter" | " " => {
                ev.prevent_default();
                if let Some(p) = focused.get_untracked() {
                    lab.select(Some(p));
                }
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        let current = focused
            .get_untracked()
            .or_else(|| lab.selected.get_untracked())
            .unwrap_or_default();
        let out = key_move(&rows(), &current, m);
        if let Some(t) = out.toggle {
            lab.toggle_collapse(&t);
        }
        let target = out.focus.unwrap_or(current);
        focused.set(Some(target.clone()));
        lab.select(Some(target.clone()));
        reveal(&target);
    };

    // the links to their parents of the nodes in view, as SVG paths
    let edges = move || {
        let mut html = String::new();
        for c in shown.get() {
            if let Some(d) = c.row.with(|r| r.edge()) {
                html.push_str(r#"<path class="edge" d=""#);
                html.push_str(&d);
                html.push_str(r#""/>"#);
            }
        }
        html
    };
    // exit signals on their way, from one node's centre to the other's
    let pulses = move || {
        let pulses = lab.pulses.get();
        lab.tree.with(|cells| {
            let centre = |path: &str| {
                let r = cells.iter().find(|c| c.path == path)?.row.get();
                Some((r.x + NODE_W / 2.0, r.y + NODE_H / 2.0))
            };
            pulse_circles(&pulses, now_ms(), centre)
        })
    };
    let find_error = RwSignal::new(None::<String>);
    let on_find = move |ev: web_sys::KeyboardEvent| {
        if ev.key() != "Enter" {
            return;
        }
        let query = event_target_value(&ev);
        match lab.find(&query) {
            Ok(path) => {
                find_error.set(None);
                focused.set(Some(path.clone()));
                // once the opened subtrees have made the drawing taller
                request_animation_frame(move || reveal(&path));
            }
            Err(e) => find_error.set(Some(e)),
        }
    };
    view! {
        {find.then(|| view! {
            <div class="tree-find">
                <input class="small" type="search" aria-label="Find a process"
                    placeholder="Find: a path, pid or id, then Enter"
                    aria-invalid=move || find_error.with(Option::is_some).then_some("true")
                    on:keydown=on_find />
                <span class="error" role="alert">{move || find_error.get()}</span>
            </div>
        })}
        <div class=if fit { "tree-scroll tree-fit" } else { "tree-scroll" } node_ref=scroller on:scroll=on_scroll>
            <svg
                class="tree-svg"
                role="tree"
                aria-label="Supervision tree"
                width=move || size.get().0
                height=move || size.get().1
                viewBox=move || format!("0 0 {} {}", size.get().0, size.get().1)
                on:keydown=on_key
            >
                <g class="edges" aria-hidden="true" inner_html=edges></g>
                <For each=move || shown.get() key=|c| c.path.clone() let:cell>
                    <TreeNodeView row=cell.row lab=lab focused=focused />
                </For>
                <g class="pulses" aria-hidden="true" inner_html=pulses></g>
            </svg>
        </div>
    }
}

/// Focuses the tree item for `path` inside `root` (this tree, not another on the page).
fn focus_node(root: &web_sys::Element, path: &str) {
    let sel = format!("[role=treeitem][data-path=\"{}\"]", css_escape(path));
    if let Ok(Some(el)) = root.query_selector(&sel) {
        if let Ok(svg) = el.dyn_into::<web_sys::SvgElement>() {
            let _ = svg.focus();
        }
    }
}

/// Escapes `"` and `\` for an attribute selector.
fn css_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[component]
fn TreeNodeView(
    row: RwSignal<TreeRow>,
    lab: LabHandle,
    focused: RwSignal<Option<String>>,
) -> impl IntoView {
    let path = row.with_untracked(|r| r.path.clone());
    let is_sup = row.with_untracked(|r| r.is_supervisor);
    let p_sel = path.clone();
    let is_selected =
        Memo::new(move |_| lab.selected.with(|s| s.as_deref() == Some(p_sel.as_str())));
    let selected = move || is_selected.get();
    let p_focus = path.clone();
    let tab = move || {
        let f = focused.get().or_else(|| lab.selected.get());
        match f {
            Some(f) if f == p_focus => 0,
            None if row.with(|r| r.level == 1) => 0,
            _ => -1,
        }
    };
    // the fold control's text, read by its box, its place and itself
    let fold = Memo::new(move |_| row.with(fold_label));
    let p_click = path.clone();
    let p_toggle = path.clone();
    let p_focusin = path.clone();
    view! {
        <g
            class=move || {
                format!(
                    "node node-{} status-{}{}",
                    if is_sup { "supervisor" } else { "worker" },
                    row.with(|r| r.status),
                    if selected() { " selected" } else { "" },
                )
            }
            role="treeitem"
            tabindex=tab
            data-path=path.clone()
            data-status=move || row.with(|r| r.status)
            aria-label=move || row.with(TreeRow::aria_label)
            aria-selected=move || if selected() { "true" } else { "false" }
            aria-expanded=move || row.with(|r| (r.children > 0).then_some(if r.collapsed { "false" } else { "true" }))
            aria-posinset=move || row.with(|r| r.pos_in_set.to_string())
            aria-setsize=move || row.with(|r| r.set_size.to_string())
            {..custom_attribute("aria-level", row.with_untracked(|r| r.level.to_string()))}
            transform=move || row.with(|r| format!("translate({},{})", r.x, r.y))
            on:click=move |_| {
                focused.set(Some(p_click.clone()));
                lab.select(Some(p_click.clone()));
            }
            on:focusin=move |_| focused.set(Some(p_focusin.clone()))
        >
            <rect class="node-box" width=NODE_W height=NODE_H rx="8" />
            <rect
                class="node-status-bar"
                width="5"
                height=NODE_H
                rx="2"
            />
            <text class="node-glyph" x="14" y="19" aria-hidden="true">
                {move || row.with(|r| r.glyph)}
            </text>
            <text class="node-id" x="28" y="19">
                {move || row.with(|r| r.id.clone())}
            </text>
            <text class="node-pid" x="28" y="36" data-field="pid">
                {move || row.with(|r| r.pid.clone())}
            </text>
            <text class="node-status" x={NODE_W - 8.0} y="19" text-anchor="end" data-field="status">
                {move || row.with(|r| r.status)}
            </text>
            <text class="node-restarts" x={NODE_W - 8.0} y="36" text-anchor="end">
                <tspan aria-hidden="true">"↻ "</tspan>
                <tspan data-field="restarts">{move || row.with(|r| r.restarts)}</tspan>
            </text>
            <Show when=move || row.with(|r| r.meter.is_some())>
                <g class="meter" aria-hidden="true">
                    <rect class="meter-track" x="28" y="41" width="96" height="3" rx="1.5" />
                    <rect
                        class=move || if row.with(|r| r.meter_fill() >= 1.0) { "meter-fill full" } else { "meter-fill" }
                        x="28"
                        y="41"
                        height="3"
                        rx="1.5"
                        width=move || row.with(|r| 96.0 * r.meter_fill())
                    />
                    <title>{move || row.with(|r| r.meter.map(|(u, i, p)| format!("intensity: {u} of {i} restarts in {p} s")).unwrap_or_default())}</title>
                </g>
            </Show>
            <Show when=move || row.with(|r| r.children > 0)>
                <g
                    class="fold"
                    aria-hidden="true"
                    on:click={
                        let p = p_toggle.clone();
                        move |ev: web_sys::MouseEvent| {
                            ev.stop_propagation();
                            lab.toggle_collapse(&p);
                        }
                    }
                >
                    // outside the box, on the edge to the children: clear of the status
                    // and the restart count, as wide as its count
                    <rect x={NODE_W + 1.0} y={NODE_H / 2.0 - 9.0} height="18" rx="9"
                        width=move || fold.with(|f| fold_width(f)) />
                    <text y={NODE_H / 2.0 + 3.5} text-anchor="middle"
                        x=move || fold.with(|f| NODE_W + 1.0 + fold_width(f) / 2.0)>
                        {move || fold.get()}
                    </text>
                </g>
            </Show>
            <Show when=move || row.with(|r| r.paused)>
                <text class="node-paused" x="130" y="36">"paused"</text>
            </Show>
        </g>
    }
}

/// The fold control's text: how many processes a folded subtree hides, or a minus.
fn fold_label(r: &TreeRow) -> String {
    if r.collapsed {
        format!("+{}", r.hidden)
    } else {
        "−".to_string()
    }
}

/// The fold control's width (px) for its text at 10 px.
fn fold_width(label: &str) -> f64 {
    (label.chars().count() as f64 * 6.0 + 8.0).max(18.0)
}
