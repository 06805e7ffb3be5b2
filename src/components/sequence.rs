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

use leptos::html::{Aside, Button, Div, Input, Span};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::dashboard::save_file;
use crate::driver::LabHandle;
use crate::view_model::sequence::{side_html, LaneChoice};
use otp_lab_lab::sequence::{mermaid::mermaid, svg, Chart};

/// Rows drawn beyond those in view (so a small scroll does not show a gap).
const SLACK_ROWS: usize = 4;

/// What each arrow style means.
const LEGEND: &str = concat!(
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-call"><path class="line" d="M1 4H27"/></g></svg>call</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-reply"><path class="line" d="M1 4H27"/></g></svg>reply</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-cast"><path class="line" d="M1 4H27"/></g></svg>cast</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-plain"><path class="line" d="M1 4H27"/></g></svg>message</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-timer"><path class="line" d="M1 4H27"/></g></svg>timer</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-exit"><path class="line" d="M1 4H27"/></g></svg>exit signal</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-down"><path class="line" d="M1 4H27"/></g></svg>'DOWN'</li>"#,
    r#"<li><svg width="28" height="8" aria-hidden="true"><g class="seq-arrow k-via"><path class="line" d="M1 4H27"/></g></svg>via hidden lanes</li>"#,
    r#"<li><span class="seq-waiting-sample"></span>caller waiting for a reply</li>"#,
);

/// Sets an element's inner HTML when it differs from what was set last.
fn set_html(el: Option<web_sys::HtmlElement>, last: &mut String, html: String) {
    if let Some(el) = el {
        if *last != html {
            el.set_inner_html(&html);
            *last = html;
        }
    }
}

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
    let side = NodeRef::<Aside>::new();
    let count = NodeRef::<Span>::new();
    let fold_box = NodeRef::<Input>::new();
    let follow_button = NodeRef::<Button>::new();
    // (scroll top, height) of the scroll area
    let view_box = RwSignal::new((0.0f64, 300.0f64));
    // follow the cursor (the newest rows when live) unless the reader scrolled away
    let follow = RwSignal::new(true);
    let lane = RwSignal::new(None::<LaneChoice>);
    let chart = StoredValue::new_local(None::<Chart>);
    // the HTML last set: head, body, side
    let drawn = StoredValue::new_local([String::new(), String::new(), String::new()]);
    // the scroll position last set here (its scroll event is not the reader's)
    let set_top = StoredValue::new(None::<i32>);
    Effect::new(move |_| {
        lab.log_version.track();
        lab.status.track();
        let fold = lab.views.with(|v| v.fold);
        let (top, h) = view_box.get();
        let following = follow.get();
        if !visible.get() {
            return;
        }
        let rows = (h / svg::ROW_H as f64).ceil() as usize + SLACK_ROWS;
        let from = (!following).then(|| (top / svg::ROW_H as f64).floor() as usize);
        let Some(c) = lab.sequence_chart(from, rows) else {
            return;
        };
        drawn.update_value(|[dh, db, _]| {
            set_html(head.get_untracked().map(Into::into), dh, svg::header(&c));
            set_html(body.get_untracked().map(Into::into), db, svg::body(&c));
        });
        let style = |el: Option<web_sys::HtmlElement>, k: &str, v: String| {
            if let Some(el) = el {
                let _ = el.style().set_property(k, &v);
            }
        };
        let row_h = svg::ROW_H as f64;
        style(
            space.get_untracked().map(Into::into),
            "height",
            format!("{}px", c.total_rows.max(1) as f64 * row_h),
        );
        style(
            body.get_untracked().map(Into::into),
            "top",
            format!("{}px", c.first_row as f64 * row_h),
        );
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
        if let Some(el) = follow_button.get_untracked() {
            el.set_disabled(following);
        }
        if following {
            // the window's last row (the cursor's) at the bottom of the view
            if let Some(el) = scroller.get_untracked() {
                let end = (c.first_row + c.row_times.len()) as f64 * row_h;
                let want = (end - h).max(0.0) as i32;
                if el.scroll_top() != want {
                    set_top.set_value(Some(want));
                    el.set_scroll_top(want);
                }
            }
        }
        chart.set_value(Some(c));
    });
    // the side panel: the lane clicked, the lanes picked and hidden, the message opened
    Effect::new(move |_| {
        lab.status.track();
        let views = lab.views.get();
        let choice = lane.get();
        if !visible.get() {
            return;
        }
        let detail = views.message.and_then(|id| lab.message_detail(id));
        let html = side_html(choice.as_ref(), &views, detail.as_ref());
        drawn.update_value(|[_, _, ds]| set_html(side.get_untracked(), ds, html));
    });
    let on_scroll = move |_| {
        let Some(el) = scroller.get() else { return };
        let top = el.scroll_top();
        let h = el.client_height() as f64 - svg::HEAD_H as f64;
        // a scroll this view made keeps following; the reader's decides
        if set_top.get_value() != Some(top) {
            let max = el.scroll_height() - el.client_height();
            follow.set(top >= max - svg::ROW_H as i32 && lab.status.with_untracked(|s| s.live));
        }
        set_top.set_value(None);
        view_box.set((top as f64, h.max(svg::ROW_H as f64)));
    };
    // the height to fill, once shown
    Effect::new(move |_| {
        if visible.get() {
            if let Some(el) = scroller.get() {
                let h = el.client_height() as f64 - svg::HEAD_H as f64;
                view_box.set((el.scroll_top() as f64, h.max(svg::ROW_H as f64)));
            }
        }
    });
    let export = move |mermaid_text: bool| {
        let Some(text) = chart.with_value(|c| {
            c.as_ref().map(|c| {
                if mermaid_text {
                    mermaid(c)
                } else {
                    svg::standalone(c)
                }
            })
        }) else {
            return;
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
            let lane_key = lane.get_untracked().map(|l| l.0);
            match attr(&b, "data-act").as_str() {
                "fold" => lab.set_views(|v| v.fold = !v.fold),
                "follow" => follow.set(true),
                "mermaid" => export(true),
                "svg" => export(false),
                "pick" => {
                    if let Some(k) = lane_key {
                        lab.set_views(|v| {
                            v.hidden.retain(|x| *x != k);
                            if !v.picked.contains(&k) {
                                v.picked.push(k);
                            }
                        });
                    }
                }
                "hide" => {
                    if let Some(k) = lane_key {
                        lab.set_views(|v| {
                            v.picked.retain(|x| *x != k);
                            if !v.hidden.contains(&k) {
                                v.hidden.push(k);
                            }
                        });
                    }
                }
                "unpick" => lab.set_views(|v| v.picked.retain(|x| *x != k)),
                "unhide" => lab.set_views(|v| v.hidden.retain(|x| *x != k)),
                "open" => {
                    if let Ok(id) = k.parse() {
                        follow.set(false);
                        lab.open_message(id);
                    }
                }
                "jump" => {
                    if let Ok(line) = k.parse() {
                        lab.jump_to_line(line);
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
            let is_path = !key.starts_with('<');
            if is_path {
                lab.select(Some(key.clone()));
            }
            lane.set(Some((key, is_path)));
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
                    <button type="button" data-act="follow" node_ref=follow_button
                        title="Scroll to the cursor (the newest messages when live)">"Follow"</button>
                    <button type="button" data-act="mermaid">"Export Mermaid"</button>
                    <button type="button" data-act="svg">"Export SVG"</button>
                    <span class="seq-count muted" node_ref=count></span>
                </div>
                <div class="seq-scroll" node_ref=scroller on:scroll=on_scroll>
                    <div class="seq-head" node_ref=head></div>
                    <div class="seq-space" node_ref=space>
                        <div class="seq-rows" node_ref=body></div>
                    </div>
                </div>
                <ul class="plain seq-legend" aria-label="Arrow legend" inner_html=LEGEND></ul>
            </div>
            <aside class="seq-side" aria-label="Lanes and message" node_ref=side></aside>
        </div>
    }
}
