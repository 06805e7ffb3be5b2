//! The live supervision tree: one `treeitem` per process, with its id, pid, status (colour,
//! glyph and text label), restart counter, and a Kill button on every live worker.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;

use crate::driver::RowCell;
use crate::view_model::TreeRow;

#[component]
pub fn SupervisionTree(
    /// Depth-first rows of the tree, each with its own signal.
    #[prop(into)]
    rows: Signal<Vec<RowCell>>,
    /// Called with the node's path when its Kill button is pressed.
    on_kill: Callback<String>,
) -> impl IntoView {
    view! {
        <ul class="tree" role="tree" aria-label="Supervision tree">
            <For each=move || rows.get() key=|cell| cell.path.clone() let:cell>
                <TreeItem row=cell.row on_kill=on_kill />
            </For>
        </ul>
    }
}

#[component]
fn TreeItem(row: RwSignal<TreeRow>, on_kill: Callback<String>) -> impl IntoView {
    let (path, level, is_supervisor) =
        row.with_untracked(|r| (r.path.clone(), r.level, r.is_supervisor));
    let kind = if is_supervisor {
        "supervisor"
    } else {
        "worker"
    };
    let kill_path = path.clone();
    view! {
        <li
            class=format!("node node-{kind}")
            role="treeitem"
            {..custom_attribute("aria-level", level.to_string())}
            aria-label=move || row.with(TreeRow::aria_label)
            aria-selected="false"
            data-path=path
            data-status=move || row.with(|r| r.status)
            data-more-siblings=move || row.with(|r| r.more_siblings.then_some(""))
            style=format!("--depth: {}", level - 1)
        >
            <span class="node-main">
                <span class="node-kind" aria-hidden="true">{if is_supervisor { "sup" } else { "wrk" }}</span>
                <span class="node-id">{move || row.with(|r| r.id.clone())}</span>
                {move || row.with(|r| r.strategy.clone()).map(|s| view! { <span class="node-strategy">{s}</span> })}
            </span>
            <span class="node-pid" data-field="pid">{move || row.with(|r| r.pid.clone())}</span>
            <span class=move || row.with(TreeRow::status_class) data-field="status">
                <span class="glyph" aria-hidden="true">{move || row.with(|r| r.glyph)}</span>
                {move || row.with(|r| r.status)}
            </span>
            <span class="node-restarts" title="restarts">
                <span class="restarts-label">"restarts"</span>
                <span class="restarts-count" data-field="restarts">{move || row.with(|r| r.restarts)}</span>
            </span>
            <span class="node-actions">
                <Show when=move || row.with(|r| r.can_kill)>
                    <button
                        class="kill"
                        type="button"
                        title=move || row.with(|r| format!("Kill {}: exit({}, kill)", r.id, r.pid))
                        on:click={
                            let path = kill_path.clone();
                            move |_| on_kill.run(path.clone())
                        }
                    >
                        "Kill"
                    </button>
                </Show>
            </span>
        </li>
    }
}
