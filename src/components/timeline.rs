//! The timeline scrubber: drag to any past instant and the tree, inspector, log and
//! charts all show it; step one event back or forward; "Live" returns to the head. It
//! spans the whole run, or zooms to its events, its last minutes or a range the learner
//! types or drags on the health band. Under it, the health band: healthy, warning or
//! critical over the run, each change with its reasons in its title and accessible name.

use leptos::prelude::*;

use crate::driver::LabHandle;
use crate::view_model::clock_text;
use crate::view_model::nav::Choice;
use crate::view_model::timeline::{band_window, dragged_range, parse_range, window, Span};

#[component]
pub fn Timeline(
    lab: LabHandle,
    /// Fork: Compare with the experiment up to the cursor (not in an embed).
    #[prop(optional)]
    on_fork: Option<Callback<u64>>,
) -> impl IntoView {
    let span = RwSignal::new(Span::Run);
    // the chosen range (virtual µs), its fields' text and what is wrong with them
    let range = RwSignal::new((0u64, 1_000_000u64));
    let range_text = RwSignal::new((String::new(), String::new()));
    let range_error = RwSignal::new(None::<String>);
    // the part of the run the slider spans (virtual µs)
    let shown = Memo::new(move |_| {
        let (head, last) = lab.status.with(|s| (s.head_us, s.last_event_us));
        (window(span.get(), head, last, range.get()), head)
    });
    let secs = |us: u64| format!("{:.3}", us as f64 / 1e6);
    let choose = move |r: (u64, u64)| {
        range.set(r);
        range_text.set((secs(r.0), secs(r.1)));
        range_error.set(None);
        span.set(Span::Range);
    };
    let apply_range = move || {
        let (a, b) = range_text.get_untracked();
        let head = lab.status.with_untracked(|s| s.head_us);
        match parse_range(&a, &b, head) {
            Ok(r) => {
                range.set(r);
                range_error.set(None);
            }
            Err(e) => range_error.set(Some(e)),
        }
    };
    // a drag on the health band chooses the range under it
    let band = NodeRef::<leptos::html::Div>::new();
    let drag = RwSignal::new(None::<(f64, f64)>);
    let band_x = move |ev: &web_sys::PointerEvent| -> Option<(f64, f64)> {
        let el = band.get_untracked()?;
        let rect = el.get_bounding_client_rect();
        Some((ev.client_x() as f64 - rect.left(), rect.width()))
    };
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
            <div class="health-band" data-view="health-band" role="img" node_ref=band
                style=move || {
                    let ((from, to), head) = shown.get();
                    lab.band.with(|b| format!("{}{}", b.0, band_window(from, to, head)))
                }
                aria-label=move || lab.band.with(|b| band_text(&b.1))
                title=move || lab.band.with(|b| format!("{}\n(drag across the band to zoom to that range)", band_text(&b.1)))
                on:pointerdown=move |ev| {
                    if let Some((x, _)) = band_x(&ev) {
                        if let Some(el) = band.get_untracked() {
                            let _ = el.set_pointer_capture(ev.pointer_id());
                        }
                        drag.set(Some((x, x)));
                    }
                }
                on:pointermove=move |ev| {
                    if let (Some((x0, _)), Some((x, _))) = (drag.get_untracked(), band_x(&ev)) {
                        drag.set(Some((x0, x)));
                    }
                }
                on:pointerup=move |ev| {
                    if let (Some((x0, _)), Some((x, w))) = (drag.get_untracked(), band_x(&ev)) {
                        // a click is not a drag
                        if (x - x0).abs() >= 4.0 {
                            choose(dragged_range(x0, x, w, shown.get_untracked().0));
                        }
                    }
                    drag.set(None);
                }
                on:pointercancel=move |_| drag.set(None)>
                {move || drag.get().map(|(a, b)| view! {
                    <div class="band-select" style=format!("left:{}px;width:{}px", a.min(b), (a - b).abs())></div>
                })}
            </div>
            </div>
            <select class="small span-choice" aria-label="Timeline span" title="What the timeline spans"
                on:change=move |ev| {
                    match Span::from_id(&event_target_value(&ev)).unwrap_or(Span::Run) {
                        // a range starts from what is shown
                        Span::Range => choose(shown.get_untracked().0),
                        chosen => span.set(chosen),
                    }
                }>
                {Span::all().map(|s| view! { <option value=s.id() selected=move || span.get() == s>{s.label()}</option> }).collect_view()}
            </select>
            <Show when=move || span.get() == Span::Range>
                <span class="range-fields">
                    <input class="small" size="7" aria-label="Range from (s)" title="From, in seconds of virtual time"
                        aria-invalid=move || range_error.with(Option::is_some).then_some("true")
                        prop:value=move || range_text.with(|t| t.0.clone())
                        on:change=move |ev| { range_text.update(|t| t.0 = event_target_value(&ev)); apply_range(); } />
                    "–"
                    <input class="small" size="7" aria-label="Range to (s)" title="To, in seconds of virtual time"
                        aria-invalid=move || range_error.with(Option::is_some).then_some("true")
                        prop:value=move || range_text.with(|t| t.1.clone())
                        on:change=move |ev| { range_text.update(|t| t.1 = event_target_value(&ev)); apply_range(); } />
                    " s"
                </span>
            </Show>
            <span class="error range-error" role="alert">{move || range_error.get()}</span>
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
