//! The application shell: header with the simulation controls, the supervision tree and the
//! event log of the demo lab.

use leptos::prelude::*;

use crate::components::event_log::EventLog;
use crate::components::tree::SupervisionTree;
use crate::driver::{LabHandle, DEFAULT_SEED};

#[component]
pub fn App() -> impl IntoView {
    let lab = LabHandle::new(DEFAULT_SEED);
    lab.start();
    let on_kill = Callback::new(move |path: String| lab.kill(&path));

    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>"OTP Lab"</h1>
                    <p class="tagline">"Learn OTP supervision in a deterministic simulator"</p>
                </div>
                <div class="controls" role="group" aria-label="Simulation">
                    <span class="clock">
                        <span class="clock-label">"virtual time"</span>
                        <output class="clock-value" aria-live="off">{move || lab.now.get()}</output>
                    </span>
                    <span class="seed">"seed " {move || lab.seed.get()}</span>
                    <button type="button" class="control" on:click=move |_| lab.toggle_pause()>
                        {move || if lab.paused.get() { "Play" } else { "Pause" }}
                    </button>
                    <button type="button" class="control" on:click=move |_| lab.reset()>
                        "Reset"
                    </button>
                </div>
            </header>
            <main class="lab">
                <section class="panel tree-panel" aria-labelledby="tree-title">
                    <h2 id="tree-title">"Supervision tree"</h2>
                    <p class="hint">
                        "Kill a worker and watch its supervisor restart it. Same seed, same run."
                    </p>
                    <SupervisionTree rows=lab.tree on_kill=on_kill />
                    <p class="notice" role="status">{move || lab.error.get()}</p>
                </section>
                <section class="panel log-panel" aria-labelledby="log-title">
                    <h2 id="log-title">"Event log"</h2>
                    <EventLog rows=lab.log />
                </section>
            </main>
        </div>
    }
}
