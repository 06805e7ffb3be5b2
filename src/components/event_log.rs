//! The event log (`role="log"`): every line of the run at the cursor, OTP-styled,
//! filterable by process and kind, drawn as a virtual list (only the rows in view exist
//! in the DOM, so 100,000 lines scroll smoothly). Clicking a line moves the timeline
//! to just after it.

use leptos::html::Div;
use leptos::prelude::*;

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
                    class="log"
                    role="log"
                    aria-label="Event log"
                    style=move || format!("height: {}px", shown() as f64 * LOG_ROW_H)
                >
                    <For each=rows key=|(_, r)| (r.epoch, r.index) let:item>
                        <li
                            class=format!("log-line kind-{}", item.1.kind)
                            style=format!("top: {}px", item.0 as f64 * LOG_ROW_H)
                            data-index=item.1.index
                        >
                            <button
                                type="button"
                                class="log-jump"
                                title="Show the tree just after this event"
                                on:click={
                                    let index = item.1.index;
                                    move |_| lab.jump_to_line(index)
                                }
                            >
                                <time class="log-time">{item.1.time.clone()}</time>
                                <span class="log-kind">{item.1.kind}</span>
                                <span class="log-text">{item.1.text.clone()}</span>
                            </button>
                        </li>
                    </For>
                </ol>
            </div>
        </div>
    }
}
