//! The simulation controls: preset, seed, reset, play/pause, speed, fast-forward (with
//! progress and Cancel) and the colour theme.

use leptos::prelude::*;

use crate::driver::LabHandle;
use otp_lab_lab::presets::PRESETS;

/// Speeds offered: virtual seconds per wall-clock second (∞: as fast as possible).
const SPEEDS: &[(&str, f64)] = &[
    ("0.25×", 0.25),
    ("1×", 1.0),
    ("4×", 4.0),
    ("16×", 16.0),
    ("max", f64::INFINITY),
];

#[component]
pub fn Controls(lab: LabHandle) -> impl IntoView {
    let seed_text = RwSignal::new(lab.status.with_untracked(|s| s.seed.to_string()));
    let seed_error = RwSignal::new(None::<String>);
    let seed = move || match seed_text.get_untracked().trim().parse::<u64>() {
        Ok(seed) => {
            seed_error.set(None);
            Some(seed)
        }
        Err(_) => {
            seed_error.set(Some(
                "The seed is a whole number (0 to 18446744073709551615).".into(),
            ));
            None
        }
    };
    let load = move |preset: String| {
        if let Some(s) = seed() {
            lab.load(&preset, s);
        }
    };
    let restart = move || {
        if let Some(s) = seed() {
            lab.restart(s);
        }
    };
    view! {
        <div class="controls" role="group" aria-label="Simulation">
            <label class="field">
                <span>"Preset"</span>
                <select aria-label="Preset" on:change=move |ev| load(event_target_value(&ev))>
                    // a scenario from a link or the capstone editor is no preset
                    <option value="custom" disabled=true
                        selected=move || lab.status.with(|s| s.preset == "custom")
                        hidden=move || lab.status.with(|s| s.preset != "custom")>"Custom scenario"</option>
                    {PRESETS.iter().map(|p| view! {
                        <option value=p.id selected=move || lab.status.with(|s| s.preset == p.id)>{p.title}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="field seed">
                <span>"Seed"</span>
                <input class="small" inputmode="numeric" aria-label="Seed"
                    prop:value=move || seed_text.get()
                    on:input=move |ev| seed_text.set(event_target_value(&ev))
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Enter" { restart() }
                    } />
            </label>
            <button type="button" class="control" on:click=move |_| restart()>
                "Reset"
            </button>
            <button type="button" class="control primary" on:click=move |_| lab.toggle_play()>
                {move || if lab.status.with(|s| s.playing && s.live) { "Pause" } else { "Play" }}
            </button>
            <label class="field">
                <span>"Speed"</span>
                <select aria-label="Speed" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((_, s)) = SPEEDS.iter().find(|(n, _)| *n == v) { lab.set_speed(*s) }
                }>
                    {SPEEDS.iter().map(|(name, s)| view! {
                        <option value=*name selected=move || lab.status.with(|st| st.speed == *s)>{*name}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || match lab.status.with(|s| s.forwarding.map(|(a, b)| (a, b, s.head_us))) {
                Some((from, to, head)) => {
                    let pct = ((head.saturating_sub(from)) as f64 / (to - from).max(1) as f64 * 100.0).min(100.0);
                    view! {
                        <span class="forward">
                            <progress max="100" value=pct aria-label="Fast-forward progress"></progress>
                            <button type="button" class="control" on:click=move |_| lab.cancel_forward()>"Cancel"</button>
                        </span>
                    }.into_any()
                }
                None => view! {
                    <button type="button" class="control" title="Run 60 virtual seconds as fast as possible"
                        on:click=move |_| lab.fast_forward(60_000_000)>"+60 s"</button>
                }.into_any(),
            }}
            <span class="clock">
                <span class="clock-label">"virtual time"</span>
                <output class="clock-value" aria-live="off"
                    data-now-us=move || lab.status.with(|s| s.now_us.to_string())
                    data-events=move || lab.status.with(|s| s.events.to_string())>
                    {move || lab.status.with(|s| s.now.clone())}
                </output>
            </span>
            <button type="button" class="control theme" aria-label="Switch colour theme" on:click=move |_| toggle_theme()>
                "◐"
            </button>
            <p class="error" role="alert">{move || seed_error.get()}</p>
        </div>
    }
}

/// Switches between the dark and light themes (remembered in localStorage).
pub fn toggle_theme() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = doc.document_element() else {
        return;
    };
    let next = if root.get_attribute("data-theme").as_deref() == Some("light") {
        "dark"
    } else {
        "light"
    };
    let _ = root.set_attribute("data-theme", next);
    if let Some(Ok(Some(store))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = store.set_item("otp-lab-theme", next);
    }
}

/// Applies the remembered theme, or the system's (`prefers-color-scheme`) until one is
/// chosen.
pub fn restore_theme() {
    let Some(w) = web_sys::window() else { return };
    let theme = w
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item("otp-lab-theme").ok().flatten());
    // until one is chosen, the system's
    let light = match theme.as_deref() {
        Some(t) => t == "light",
        None => w
            .match_media("(prefers-color-scheme: light)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches()),
    };
    let theme = if light { "light" } else { "dark" };
    if let Some(root) = w.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
}
