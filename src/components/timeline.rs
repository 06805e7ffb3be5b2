//! The timeline scrubber: drag to any past instant and the tree, inspector, log and
//! charts all show it; step one event back or forward; "Live" returns to the head. It
//! spans the whole run, or zooms to its events or its last minutes. Under it, the health
//! band: healthy, warning or critical over the run, each change with its reasons in its
//! title and accessible name.

use leptos::prelude::*;

use crate::driver::LabHandle;
use crate::view_model::clock_text;
use crate::view_model::nav::Choice;
use crate::view_model::timeline::{band_window, window, Span};

#[component]
pub fn Timeline(
    lab: LabHandle,
    /// Fork: Compare with the experiment up to the cursor (not in an embed).
    #[prop(optional)]
    on_fork: Option<Callback<u64>>,
) -> impl IntoView {
    let span = RwSignal::new(Span::Run);
    // the part of the run the slider spans (virtual µs)
    let shown = Memo::new(move |_| {
        let (head, last) = lab.status.with(|s| (s.head_us, s.last_event_us));
        (window(span.get(), head, last), head)
    });
    // milliseconds on the slider (virtual time)
    let at_ms = move || lab.status.with(|s| s.now_us / 1000);
    view! {
        <div class="timeline" role="group" aria-label="Timeline">
            <button type="button" class="control" aria-label="Step back" title="One event back"
                on:click=move |_| lab.step_back()>"‹ Back"</button>
            <button type="button" class="control" aria-label="Step forward" title="One event forward"
                on:click=move |_| lab.step_forward()>"Step ›"</button>
            <div class="scrub-wrap">
            <input
                type="range"
                class="scrubber"
                aria-label="Virtual time"
                prop:min=move || (shown.get().0 .0 / 1000).to_string()
                prop:max=move || (shown.get().0 .1 / 1000).to_string()
                step="1"
                prop:value=move || at_ms().to_string()
                aria-valuetext=move || lab.status.with(|s| clock_text(s.now_us))
                on:input=move |ev| {
                    if let Ok(ms) = event_target_value(&ev).parse::<u64>() {
                        lab.scrub_to(ms * 1000);
                    }
                }
            />
            <div class="health-band" data-view="health-band" role="img"
                style=move || {
                    let ((from, to), head) = shown.get();
                    lab.band.with(|b| format!("{}{}", b.0, band_window(from, to, head)))
                }
                aria-label=move || lab.band.with(|b| band_text(&b.1))
                title=move || lab.band.with(|b| band_text(&b.1))></div>
            </div>
            <select class="small span-choice" aria-label="Timeline span" title="What the timeline spans"
                on:change=move |ev| span.set(Span::from_id(&event_target_value(&ev)).unwrap_or(Span::Run))>
                {Span::all().map(|s| view! { <option value=s.id() selected=move || span.get() == s>{s.label()}</option> }).collect_view()}
            </select>
            <span class="timeline-pos">
                {move || lab.status.with(|s| format!("{} / {}", clock_text(s.now_us), clock_text(s.head_us)))}
            </span>
            <button
                type="button"
                class=move || if lab.status.with(|s| s.live) { "control live on" } else { "control live" }
                aria-pressed=move || if lab.status.with(|s| s.live) { "true" } else { "false" }
                on:click=move |_| lab.go_live()
            >"Live"</button>
            {on_fork.map(|f| view! {
                <button type="button" class="control" hidden=move || lab.embed.get()
                    title="Open Compare with this experiment up to the cursor in every sandbox, each with its own settings from there on"
                    on:click=move |_| f.run(lab.status.with_untracked(|s| s.now_us))>"Fork"</button>
            })}
        </div>
    }
}

/// The band's changes as text.
fn band_text(changes: &[String]) -> String {
    if changes.is_empty() {
        "Health: healthy throughout".into()
    } else {
        format!("Health over time:\n{}", changes.join("\n"))
    }
}
