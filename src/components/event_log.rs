//! The event log: the latest lines of the simulator's log, newest at the bottom, kept
//! scrolled to the end while new lines arrive.

use leptos::html::Ol;
use leptos::prelude::*;

use crate::view_model::LogRow;

#[component]
pub fn EventLog(
    /// The latest log lines, oldest first.
    #[prop(into)]
    rows: Signal<Vec<LogRow>>,
) -> impl IntoView {
    let list = NodeRef::<Ol>::new();
    Effect::new(move |_| {
        rows.track();
        if let Some(el) = list.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <ol class="log" role="log" aria-label="Event log" node_ref=list>
            <For each=move || rows.get() key=|row| row.index let:row>
                <li class=format!("log-line kind-{}", row.kind)>
                    <time class="log-time">{row.time}</time>
                    <span class="log-kind">{row.kind}</span>
                    <span class="log-text">{row.text}</span>
                </li>
            </For>
        </ol>
    }
}
