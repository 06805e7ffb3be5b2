//! The console: an IEx-like prompt. It takes the calls a learner knows
//! (`Supervisor.which_children(:demo)`, `Process.exit(pid, :kill)`, `send/2`,
//! `GenServer.call/2`… in Elixir or Erlang syntax), answers as OTP does, keeps a
//! history (↑/↓), and explains itself with `h`.

use leptos::html::{Div, Input};
use leptos::prelude::*;

use crate::driver::LabHandle;
use otp_lab_lab::sequence::svg::esc;
use std::fmt::Write;

#[component]
pub fn Console(lab: LabHandle) -> impl IntoView {
    let input = NodeRef::<Input>::new();
    let transcript = NodeRef::<Div>::new();
    let line = RwSignal::new(String::new());
    // position in the history while browsing it with the arrow keys
    let browsing = RwSignal::new(None::<usize>);
    let history = move || {
        lab.console
            .with_untracked(|c| c.iter().map(|e| e.input.clone()).collect::<Vec<_>>())
    };
    let submit = move || {
        let text = line.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        lab.run_line(&text);
        line.set(String::new());
        browsing.set(None);
    };
    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            submit();
        }
        "ArrowUp" | "ArrowDown" => {
            ev.prevent_default();
            let h = history();
            if h.is_empty() {
                return;
            }
            let up = ev.key() == "ArrowUp";
            let next = match (browsing.get_untracked(), up) {
                (None, true) => Some(h.len() - 1),
                (None, false) => None,
                (Some(i), true) => Some(i.saturating_sub(1)),
                (Some(i), false) if i + 1 < h.len() => Some(i + 1),
                (Some(_), false) => None,
            };
            browsing.set(next);
            line.set(next.map(|i| h[i].clone()).unwrap_or_default());
        }
        _ => {}
    };
    Effect::new(move |_| {
        lab.console.track();
        if let Some(el) = transcript.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    // the transcript as HTML (a notice, e.g. the shell died, has no input line)
    let entries = move || {
        let mut html = String::new();
        lab.console.with(|c| {
            for e in c {
                html.push_str(r#"<div class="console-entry">"#);
                if !e.input.is_empty() {
                    let _ = write!(
                        html,
                        r#"<pre class="console-in"><span class="prompt" aria-hidden="true">iex({})&gt; </span>{}</pre>"#,
                        e.n,
                        esc(&e.input)
                    );
                }
                let (answer, note) = otp_lab_lab::console::lab_form::split_note(&e.output);
                let _ = write!(
                    html,
                    r#"<pre class="console-out{}">{}</pre>"#,
                    if e.ok { "" } else { " console-error" },
                    esc(answer)
                );
                if let Some(n) = note {
                    let _ = write!(html, r#"<p class="console-note">{}</p>"#, esc(n));
                }
                html.push_str("</div>");
            }
        });
        html
    };
    view! {
        <div class="console">
            <div class="console-transcript" node_ref=transcript aria-live="polite" aria-label="Console output">
                <p class="hint">
                    "Type Elixir or Erlang calls, e.g. "
                    <code>"Supervisor.which_children(:demo)"</code>
                    ", "
                    <code>"Process.exit(pid(\"0.84.0\"), :kill)"</code>
                    " or "
                    <code>"h"</code>
                    " for help. Processes can be named by path, "
                    <code>"\"demo/counter_1\""</code>
                    ": a Lab form, which IEx does not have."
                </p>
                <div inner_html=entries></div>
            </div>
            <div class="console-prompt">
                <span class="prompt" aria-hidden="true">{move || format!("iex({})>", lab.console.with(|c| c.last().map_or(1, |e| e.n + 1)))}</span>
                <input
                    node_ref=input
                    class="console-input"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    aria-label="Console input"
                    prop:value=move || line.get()
                    on:input=move |ev| line.set(event_target_value(&ev))
                    on:keydown=on_key
                />
                <button type="button" on:click=move |_| submit()>"Run"</button>
            </div>
        </div>
    }
}
