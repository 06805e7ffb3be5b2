//! The event log (`role="log"`): every line of the run at the cursor, OTP-styled,
//! filterable by process and kind, drawn as a virtual list (only the rows in view exist
//! in the DOM, so 100,000 lines scroll smoothly). Clicking a line moves the timeline
//! to just after it.

use leptos::html::{Div, Ol};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::LabHandle;
use crate::view_model::log::{window, LOG_ROW_H};
use otp_lab_lab::sequence::svg::esc;
use otp_lab_lab::LOG_KINDS;
use std::fmt::Write;

#[component]
pub fn EventLog(
    lab: LabHandle,
    /// Whether the log's tab is shown (a hidden list has no height to measure).
    #[prop(into)]
    visible: Signal<bool>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let view_box = RwSignal::new((0.0f64, 400.0f64));
    // follow the newest line unless the reader scrolled up
    let follow = RwSignal::new(true);
    let shown = move || {
        lab.log_version.track();
        lab.with_log(|s| s.shown())
    };
    let rows = move || {
        lab.log_version.track();
        let (top, h) = view_box.get();
        lab.with_log(|s| {
            let (a, b) = window(s.shown(), top, h);
            s.slice(a, b)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (a + i, r))
                .collect::<Vec<_>>()
        })
    };
    Effect::new(move |_| {
        let n = shown();
        if !visible.get() {
            return;
        }
        if let Some(el) = scroller.get() {
            let h = (el.client_height() as f64).max(LOG_ROW_H);
            if follow.get_untracked() {
                let top = (n as f64 * LOG_ROW_H - h).max(0.0);
                el.set_scroll_top(top as i32);
                view_box.set((top, h));
            } else {
                view_box.set((el.scroll_top() as f64, h));
            }
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = scroller.get() {
            let (top, h) = (el.scroll_top() as f64, el.client_height() as f64);
            view_box.set((top, h));
            let bottom = shown() as f64 * LOG_ROW_H - h;
            follow.set(top >= bottom - LOG_ROW_H);
        }
    };
    // every process of a small tree; only the supervisors of a big one
    let path_options = move || {
        lab.tree.with(|cells| {
            let small = cells.len() <= 300;
            cells
                .iter()
                .filter(|c| small || c.row.with_untracked(|r| r.is_supervisor))
                .map(|c| c.path.clone())
                .collect::<Vec<_>>()
        })
    };
    // the rows in view as HTML, each a button that moves the timeline just after its event;
    // the focused line keeps the focus when the rows are drawn again
    let list = NodeRef::<Ol>::new();
    let drawn = StoredValue::new(String::new());
    Effect::new(move |_| {
        let mut html = String::new();
        for (i, r) in rows() {
            let _ = write!(
                html,
                r#"<li class="log-line kind-{}" style="top: {}px" data-index="{}"><button type="button" class="log-jump" title="Show the tree just after this event"><time class="log-time">{}</time><span class="log-kind">{}</span><span class="log-text">{}</span></button></li>"#,
                r.kind,
                i as f64 * LOG_ROW_H,
                r.index,
                esc(&r.time),
                r.kind,
                esc(&r.text)
            );
        }
        let Some(el) = list.get() else { return };
        if drawn.with_value(|d| *d == html) {
            return;
        }
        let focused = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .filter(|a| el.contains(Some(a)))
            .and_then(|a| a.closest("[data-index]").ok().flatten())
            .and_then(|li| li.get_attribute("data-index"));
        el.set_inner_html(&html);
        if let Some(ix) = focused {
            let button = el.query_selector(&format!(r#"[data-index="{ix}"] button"#));
            if let Ok(Some(b)) = button {
                if let Ok(b) = b.dyn_into::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        }
        drawn.set_value(html);
    });
    let on_line = move |ev: web_sys::MouseEvent| {
        let line = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-index]").ok().flatten())
            .and_then(|li| li.get_attribute("data-index"))
            .and_then(|ix| ix.parse().ok());
        if let Some(line) = line {
            lab.jump_to_line(line);
        }
    };
    // the options as HTML, the filter's process selected
    let options = move || {
        let sel = lab.log_filter.with(|f| f.path.clone());
        let mark = |on: bool| if on { " selected" } else { "" };
        let mut html = format!(
            r#"<option value=""{}>all processes</option>"#,
            mark(sel.is_none())
        );
        for p in path_options() {
            let on = sel.as_deref() == Some(p.as_str());
            let p = esc(&p);
            let _ = write!(html, r#"<option value="{p}"{}>{p}</option>"#, mark(on));
        }
        html
    };
    view! {
        <div class="log-panel-body">
            <div class="log-filters" role="group" aria-label="Event log filters">
                <label>
                    "Process "
                    <select inner_html=options on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let mut f = lab.log_filter.get_untracked();
                        f.path = (!v.is_empty()).then_some(v);
                        lab.set_filter(f);
                    }>
                    </select>
                </label>
                <label>
                    "Search "
                    <input type="search" class="small" on:input=move |ev| {
                        let mut f = lab.log_filter.get_untracked();
                        f.text = event_target_value(&ev);
                        lab.set_filter(f);
                    } />
                </label>
                <span class="kinds">
                    {LOG_KINDS.iter().map(|k| {
                        let k: &'static str = k;
                        view! {
                            <label class=format!("kind-chip kind-{k}")>
                                <input type="checkbox"
                                    prop:checked=move || lab.log_filter.with(|f| !f.hidden.contains(k))
                                    on:change=move |_| {
                                        let mut f = lab.log_filter.get_untracked();
                                        if !f.hidden.remove(k) { f.hidden.insert(k); }
                                        lab.set_filter(f);
                                    } />
                                {k}
                            </label>
                        }
                    }).collect_view()}
                </span>
                <span class="log-count" aria-live="off">
                    {move || {
                        lab.log_version.track();
                        let (shown, total) = lab.with_log(|s| (s.shown(), s.total()));
                        format!("{shown} of {total} lines")
                    }}
                </span>
            </div>
            <div class="log-scroll" node_ref=scroller on:scroll=on_scroll>
                <ol
                    node_ref=list
                    on:click=on_line
                    class="log"
                    role="log"
                    aria-label="Event log"
                    style=move || format!("height: {}px", shown() as f64 * LOG_ROW_H)
                >
                </ol>
            </div>
        </div>
    }
}
