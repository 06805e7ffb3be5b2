//! The sequence view: the run's messages as a sequence chart — one lane per process, an
//! arrow from each send to its handling — drawn as SVG for a window of rows (a virtual
//! list: the scroll area is as tall as the whole chart, only the rows in view are drawn).
//! It follows the cursor like the tree and the log; a click on an arrow opens the message
//! and moves the cursor to its send; a click on a lane's head selects the process (the
//! inspector) and offers to pick or hide the lane. Exports: Mermaid text and SVG.
//!
//! The chart, the headers and the side panel are HTML/SVG text (from the lab's
//! `sequence::svg` and the view model's `sequence`), set when they change; the view
//! listens once for clicks and keys and reads `data-act`, `data-id` and `data-lane`.

use leptos::html::{Div, Input};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::dashboard::save_file;
use crate::components::set_html;
use crate::driver::LabHandle;
use crate::view_model::sequence::side_html;
use otp_lab_lab::sequence::{is_tree_path, mermaid::mermaid, svg};

/// Rows drawn beyond those in view (so a small scroll does not show a gap).
const SLACK_ROWS: usize = 4;

/// What each arrow style means (each sample a line drawn by CSS).
const LEGEND: &str = concat!(
    r#"<li><i class="k-call"></i>call</li><li><i class="k-reply"></i>reply</li>"#,
    r#"<li><i class="k-cast"></i>cast</li><li><i class="k-plain"></i>message</li>"#,
    r#"<li><i class="k-timer"></i>timer</li><li><i class="k-exit"></i>exit signal</li>"#,
    r#"<li><i class="k-down"></i>'DOWN'</li><li><i class="k-via"></i>via hidden lanes</li>"#,
    r#"<li><span class="seq-waiting-sample"></span>caller waiting for a reply</li>"#,
);

#[component]
pub fn SequenceView(
    lab: LabHandle,
    /// Whether the view's tab is shown (a hidden view is not drawn).
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let head = NodeRef::<Div>::new();
    let space = NodeRef::<Div>::new();
    let body = NodeRef::<Div>::new();
    let side = NodeRef::<Div>::new();
    let count = NodeRef::<Div>::new();
    let fold_box = NodeRef::<Input>::new();
    // (scroll top, height) of the scroll area
    let view_box = RwSignal::new((0.0f64, 300.0f64));
    // follow the cursor (the newest rows when live) unless the reader scrolled away
    let follow = RwSignal::new(true);
    // the lane head clicked last (its key)
    let lane = RwSignal::new(None::<String>);
    // the HTML last set: head, body, side
    let (drawn_head, drawn_body, drawn_side) = (
        StoredValue::new(String::new()),
        StoredValue::new(String::new()),
        StoredValue::new(String::new()),
    );
    // the scroll position last set here (its scroll event is not the reader's)
    let set_top = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        lab.log_version.track();
        lab.status.track();
        let fold = lab.views.with(|v| v.fold);
        let (top, h) = view_box.get();
        let following = follow.get();
        if !visible.get() {
            return;
        }
        // the height to fill (known once shown)
        if let Some(el) = scroller.get_untracked() {
            let fill = (el.client_height() as f64 - svg::HEAD_H as f64).max(svg::ROW_H as f64);
            if (fill - h).abs() >= 1.0 {
                view_box.set((top, fill));
                return;
            }
        }
        let rows = (h / svg::ROW_H as f64).ceil() as usize + SLACK_ROWS;
        let from = (!following).then(|| (top / svg::ROW_H as f64).floor() as usize);
        let Some(c) = lab.sequence_chart(from, rows) else {
            return;
        };
        drawn_head.update_value(|d| set_html(head.get_untracked(), d, svg::header(&c)));
        drawn_body.update_value(|d| set_html(body.get_untracked(), d, svg::body(&c)));
        let row_h = svg::ROW_H as f64;
        if let Some(el) = space.get_untracked() {
            let tall = c.total_rows.max(1) as f64 * row_h;
            let _ = el.set_attribute("style", &format!("height: {tall}px"));
        }
        if let Some(el) = body.get_untracked() {
            let top = c.first_row as f64 * row_h;
            let _ = el.set_attribute("style", &format!("top: {top}px"));
        }
        if let Some(el) = count.get_untracked() {
            // the rows in view: from the top when the reader scrolled, up to the window's
            // end when following
            let shown = (h / row_h) as usize;
            let end = c.first_row + c.row_times.len();
            let (a, b) = if following {
                (end.saturating_sub(shown), end)
            } else {
                (c.first_row, (c.first_row + shown).min(c.total_rows))
            };
            el.set_text_content(Some(&if c.total_rows == 0 {
                "no messages yet".to_string()
            } else {
                format!("rows {}–{b} of {}", a + 1, c.total_rows)
            }));
        }
        if let Some(el) = fold_box.get_untracked() {
            el.set_checked(fold);
        }
        if following {
            // the window's last row (the cursor's) at the bottom of the view
            if let Some(el) = scroller.get_untracked() {
                let end = (c.first_row + c.row_times.len()) as f64 * row_h;
                let want = (end - h).max(0.0) as i32;
                if el.scroll_top() != want {
                    set_top.set(Some(want as usize));
                    el.set_scroll_top(want);
                }
            }
        }
    });
    // the side panel: the lane clicked, the lanes picked and hidden, the message opened
    Effect::new(move |_| {
        lab.status.track();
        let views = lab.views.get();
        let choice = lane.get().map(|k| {
            let is_path = is_tree_path(&k);
            (k, is_path)
        });
        if !visible.get() {
            return;
        }
        let detail = views.message.and_then(|id| lab.message_detail(id));
        let html = side_html(choice.as_ref(), &views, detail.as_ref());
        drawn_side.update_value(|d| set_html(side.get_untracked(), d, html));
    });
    let on_scroll = move |_| {
        let Some(el) = scroller.get() else { return };
        let top = el.scroll_top();
        let h = el.client_height() as f64 - svg::HEAD_H as f64;
        // a scroll this view made keeps following; the reader's decides
        if set_top.get_untracked() != Some(top.max(0) as usize) {
            let max = el.scroll_height() - el.client_height();
            follow.set(top >= max - svg::ROW_H as i32 && lab.status.with_untracked(|s| s.live));
        }
        set_top.set(None);
        view_box.set((top as f64, h.max(svg::ROW_H as f64)));
    };
    // the window on screen, drawn again for a file
    let export = move |mermaid_text: bool| {
        let (top, h) = view_box.get_untracked();
        let rows = (h / svg::ROW_H as f64).ceil() as usize + SLACK_ROWS;
        let from = (!follow.get_untracked()).then(|| (top / svg::ROW_H as f64).floor() as usize);
        let Some(c) = lab.sequence_chart(from, rows) else {
            return;
        };
        let text = if mermaid_text {
            mermaid(&c)
        } else {
            svg::standalone(&c)
        };
        let (name, mime) = if mermaid_text {
            ("otp-lab-sequence.mmd", "text/plain")
        } else {
            ("otp-lab-sequence.svg", "image/svg+xml")
        };
        if let Err(e) = save_file(name, mime, &text) {
            lab.error.set(Some(format!("The download failed: {e}")));
        }
    };
    // one listener each for the controls (click) and for the chart's arrows and lane
    // heads (pressed: the chart may be drawn again between press and release while the
    // lab runs, which would lose a click)
    let activate = move |target: Option<web_sys::EventTarget>, button: bool| {
        let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return false;
        };
        let attr = |e: &web_sys::Element, name: &str| e.get_attribute(name).unwrap_or_default();
        if let Ok(Some(b)) = el.closest("[data-act]") {
            if !button {
                return false;
            }
            let k = attr(&b, "data-key");
            let lane_key = lane.get_untracked();
            match attr(&b, "data-act").as_str() {
                "fold" => lab.set_views(&mut |v| v.fold = !v.fold),
                "follow" => follow.set(true),
                "mermaid" => export(true),
                "svg" => export(false),
                "pick" => {
                    if let Some(k) = lane_key {
                        lab.set_views(&mut |v| {
                            v.hidden.retain(|x| *x != k);
                            if !v.picked.contains(&k) {
                                v.picked.push(k.clone());
                            }
                        });
                    }
                }
                "hide" => {
                    if let Some(k) = lane_key {
                        lab.set_views(&mut |v| {
                            v.picked.retain(|x| *x != k);
                            if !v.hidden.contains(&k) {
                                v.hidden.push(k.clone());
                            }
                        });
                    }
                }
                "unpick" => lab.set_views(&mut |v| v.picked.retain(|x| *x != k)),
                "unhide" => lab.set_views(&mut |v| v.hidden.retain(|x| *x != k)),
                "open" => {
                    if let Ok(id) = k.parse() {
                        follow.set(false);
                        lab.open_message(id);
                    }
                }
                "jump" => {
                    if let Ok(line) = k.parse::<u64>() {
                        lab.jump_to_line(line as usize);
                    }
                }
                _ => return false,
            }
            return true;
        }
        if button {
            return false;
        }
        if let Ok(Some(a)) = el.closest("[data-id]") {
            if let Ok(id) = attr(&a, "data-id").parse() {
                follow.set(false);
                lab.open_message(id);
                return true;
            }
        }
        if let Ok(Some(l)) = el.closest("[data-lane]") {
            let key = attr(&l, "data-lane");
            lab.select(Some(key.clone()));
            lane.set(Some(key));
            return true;
        }
        false
    };
    view! {
        <div class="seq-view"
            on:click=move |ev| { activate(ev.target(), true); }
            on:pointerdown=move |ev| if ev.button() == 0 { activate(ev.target(), false); }
            on:keydown=move |ev| {
                if (ev.key() == "Enter" || ev.key() == " ") && activate(ev.target(), false) {
                    ev.prevent_default();
                }
            }>
            <div class="seq-main">
                <div class="seq-toolbar" role="group" aria-label="Sequence view">
                    <label><input type="checkbox" data-act="fold" node_ref=fold_box />" Fold repeats (×N)"</label>
                    <button type="button" data-act="follow"
                        title="Scroll to the cursor (the newest messages when live)">"Follow"</button>
                    <button type="button" data-act="mermaid">"Export Mermaid"</button>
                    <button type="button" data-act="svg">"Export SVG"</button>
                    <div class="seq-count muted" node_ref=count></div>
                </div>
                <div class="seq-scroll" node_ref=scroller on:scroll=on_scroll>
                    <div class="seq-head" node_ref=head></div>
                    <div class="seq-space" node_ref=space>
                        <div class="seq-rows" node_ref=body></div>
                    </div>
                </div>
                <ul class="plain seq-legend" aria-label="Arrow legend" inner_html=LEGEND></ul>
            </div>
            <div class="seq-side" role="complementary" aria-label="Lanes and message" node_ref=side></div>
        </div>
    }
}
