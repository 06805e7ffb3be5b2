//! The application shell: the Lab page. Header with the controls, the timeline, the
//! supervision tree beside the inspector, and a tabbed panel with the event log, the
//! console and the analytics dashboard.

use leptos::prelude::*;

use crate::components::compare::Compare;
use crate::components::console::Console;
use crate::components::controls::{restore_theme, Controls};
use crate::components::dashboard::Dashboard;
use crate::components::event_log::EventLog;
use crate::components::faults::FaultEditor;
use crate::components::inspector::Inspector;
use crate::components::timeline::Timeline;
use crate::components::tree::SupervisionTree;
use crate::driver::{LabHandle, DEFAULT_SEED};
use otp_lab_sim::lab::presets::{preset, PRESETS};

/// The bottom panel's tabs.
const TABS: &[(&str, &str)] = &[
    ("log", "Event log"),
    ("console", "Console"),
    ("analytics", "Analytics"),
    ("faults", "Faults"),
];

#[component]
pub fn App() -> impl IntoView {
    restore_theme();
    let lab = LabHandle::new(PRESETS[0].id, DEFAULT_SEED);
    lab.start();
    let tab = RwSignal::new("log");
    let page = RwSignal::new("lab");
    let summary = move || {
        lab.status
            .with(|s| preset(&s.preset).map(|p| p.summary).unwrap_or(""))
    };
    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>"OTP Lab"</h1>
                    <p class="tagline">"Learn OTP supervision in a deterministic simulator"</p>
                </div>
                <nav class="pages" aria-label="Pages">
                    {[("lab", "Lab"), ("compare", "Compare")].into_iter().map(|(id, label)| view! {
                        <button type="button"
                            aria-current=move || (page.get() == id).then_some("page")
                            on:click=move |_| page.set(id)>{label}</button>
                    }).collect_view()}
                </nav>
                <Controls lab=lab />
            </header>
            <Timeline lab=lab />
            <p class="notice" role="alert">{move || lab.error.get()}</p>
            <main class="compare-page" hidden=move || page.get() != "compare">
                <Compare lab=lab />
            </main>
            <main class="lab" hidden=move || page.get() != "lab">
                <section class="panel tree-panel" aria-labelledby="tree-title">
                    <div class="panel-head">
                        <h2 id="tree-title">"Supervision tree"</h2>
                        <p class="hint">{summary}</p>
                    </div>
                    <SupervisionTree lab=lab />
                    <ul class="legend plain" aria-label="Status legend">
                        <li><span class="glyph status-running">"●"</span>" running"</li>
                        <li><span class="glyph status-restarting">"◐"</span>" restarting"</li>
                        <li><span class="glyph status-stopped">"■"</span>" stopped"</li>
                        <li><span class="glyph status-dead">"✕"</span>" dead"</li>
                        <li><span class="meter-sample"></span>" restart intensity used"</li>
                    </ul>
                </section>
                <Inspector lab=lab />
                <section class="panel bottom-panel">
                    <div class="tabs" role="tablist" aria-label="Views">
                        {TABS.iter().map(|(id, label)| {
                            let id: &'static str = id;
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    id=format!("tab-{id}")
                                    aria-controls=format!("tabpanel-{id}")
                                    aria-selected=move || if tab.get() == id { "true" } else { "false" }
                                    tabindex=move || if tab.get() == id { 0 } else { -1 }
                                    on:click=move |_| {
                                        tab.set(id);
                                        if id == "analytics" { lab.publish_analytics(); }
                                    }
                                >{*label}</button>
                            }
                        }).collect_view()}
                    </div>
                    <div role="tabpanel" id="tabpanel-log" aria-labelledby="tab-log" hidden=move || tab.get() != "log">
                        <EventLog lab=lab visible=Signal::derive(move || tab.get() == "log" && page.get() == "lab") />
                    </div>
                    <div role="tabpanel" id="tabpanel-console" aria-labelledby="tab-console" hidden=move || tab.get() != "console">
                        <Console lab=lab />
                    </div>
                    <div role="tabpanel" id="tabpanel-analytics" aria-labelledby="tab-analytics" hidden=move || tab.get() != "analytics">
                        <Dashboard lab=lab />
                    </div>
                    <div role="tabpanel" id="tabpanel-faults" aria-labelledby="tab-faults" hidden=move || tab.get() != "faults">
                        <FaultEditor lab=lab />
                    </div>
                </section>
            </main>
        </div>
    }
}
