//! The inspector: everything about the selected process (pid, name, status, mailbox and
//! what a selective receive passed over, links, monitors, `trap_exit`, state, reductions,
//! its newest messages) and what can be done to it. Every action is a typed command of the
//! lab's ([`otp_lab_lab::actions`]); the session records it as its console line, so it
//! shows in the console and replays in a shared link. Trace follows the process in the
//! event log and picks its lane in the sequence view. For a process that died or was
//! restarted, the chain of causes of its last death, each step a link to its instant.
//!
//! The facts are HTML text (the view model's `inspector`), set when they change; the
//! actions are drawn once (their inputs keep what was typed) and the panel listens once
//! for clicks on `data-act`.

use leptos::html::{Div, Input};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::LabHandle;
use crate::view_model::inspector::{facts_html, why_html};
use crate::view_model::nav::Tab;
use otp_lab_lab::actions::{self, ChildCall, EXIT_REASONS, STRATEGIES};

thread_local! {
    /// Inspectors made so far (for their lists' ids).
    static NEXT_LIST: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

#[component]
pub fn Inspector(lab: LabHandle) -> impl IntoView {
    let facts = NodeRef::<Div>::new();
    let why = NodeRef::<Div>::new();
    let reason = NodeRef::<Input>::new();
    let message = NodeRef::<Input>::new();
    let child_id = NodeRef::<Input>::new();
    let strategy = NodeRef::<Input>::new();
    let intensity = NodeRef::<Input>::new();
    let period = NodeRef::<Input>::new();
    let msg_error = RwSignal::new(None::<String>);
    // a message about one process does not stay under another
    Effect::new(move |_| {
        lab.selected.track();
        msg_error.set(None);
    });
    // what the two boxes hold; at first unknown (a list drawn again can hand this view
    // the elements another inspector filled), so the first draw always writes
    let drawn = StoredValue::new(String::from("\0"));
    let drawn_why = StoredValue::new(String::from("\0"));
    let why_key = StoredValue::new(String::new());
    let draw = |el: Option<web_sys::HtmlDivElement>, drawn: StoredValue<String>, html: String| {
        if let Some(el) = el {
            if drawn.with_value(|d| *d != html) {
                el.set_inner_html(&html);
                drawn.set_value(html);
            }
        }
    };
    // the facts, and why the selected process last died (at the instant on screen)
    Effect::new(move |_| {
        lab.log_version.track();
        let facts_now = lab
            .inspected
            .with(|i| i.as_ref().map(facts_html))
            .unwrap_or_default();
        draw(facts.get(), drawn, facts_now);
        // the causes change with a new death: asked again when the selection or its pid
        // changes, and at most once a second meanwhile (a fast run logs every frame)
        let mut key = lab.selected.get().unwrap_or_default();
        key.push(' ');
        key.push_str(
            &lab.inspected
                .with(|i| i.as_ref().map(|i| i.pid.clone()).unwrap_or_default()),
        );
        key.push(' ');
        key.push_str(&((crate::driver::now_ms() / 1000.0) as u64).to_string());
        if why_key.with_value(|k| *k != key) {
            why_key.set_value(key);
            let html = lab
                .selected
                .with_untracked(|s| s.as_deref().map(|p| why_html(&lab.why(p))))
                .unwrap_or_default();
            draw(why.get(), drawn_why, html);
        }
    });

    // the budget's fields show the selected supervisor's own when it is selected
    Effect::new(move |_| {
        let Some(sel) = lab.selected.get() else {
            return;
        };
        let meter = lab.tree.with_untracked(|cells| {
            cells
                .iter()
                .find(|c| c.path == sel)
                .and_then(|c| c.row.with_untracked(|r| r.meter))
        });
        if let (Some((_, i, p)), Some(a), Some(b)) = (meter, intensity.get(), period.get()) {
            a.set_value(&i.to_string());
            b.set_value(&p.to_string());
        }
    });
    // tracing: the log follows the selected process (and its lane is picked)
    let tracing = move || lab.log_filter.with(|f| f.path.is_some());
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(b) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-act]").ok().flatten())
        else {
            return;
        };
        let act = b.get_attribute("data-act").unwrap_or_default();
        let key = b.get_attribute("data-key").unwrap_or_default();
        let Some(p) = lab.selected.get_untracked() else {
            return;
        };
        let value = |r: NodeRef<Input>| r.get_untracked().map(|e| e.value()).unwrap_or_default();
        let child = |call| actions::child(call, p.clone(), &value(child_id));
        let cmd = match act.as_str() {
            "kill" => Ok(actions::kill(p)),
            "exit" => actions::exit(p, &value(reason)),
            "stop" => actions::stop(p, &value(reason)),
            "crash" => Ok(actions::crash(p)),
            "send" => actions::send(p, &value(message)),
            "which" => Ok(actions::which_children(p)),
            "pause" => Ok(actions::pause(p)),
            "resume" => Ok(actions::resume(p)),
            "strategy" => actions::change_strategy(p, &value(strategy)),
            "intensity" => actions::change_intensity(p, &value(intensity), &value(period)),
            "start" => Ok(actions::start_counter(p.clone(), &value(child_id))),
            "terminate" => child(ChildCall::Terminate),
            "restart" => child(ChildCall::Restart),
            "delete" => child(ChildCall::Delete),
            "trace" => {
                // the process's lines in the log, its lane picked in the sequence view
                let on = !tracing();
                let mut f = lab.log_filter.get_untracked();
                f.path = on.then(|| p.clone());
                lab.set_filter(f);
                lab.set_views(&mut |v| {
                    v.picked.retain(|x| *x != p);
                    if on {
                        v.picked.push(p.clone());
                    }
                });
                return;
            }
            "jump" => {
                if let Ok(line) = key.parse::<u64>() {
                    lab.jump_to_line(line as usize);
                }
                return;
            }
            "open" => {
                if let Ok(id) = key.parse() {
                    lab.set_tab(Tab::Sequence);
                    lab.open_message(id);
                }
                return;
            }
            _ => return,
        };
        match cmd {
            Ok(c) => {
                let traps = lab
                    .inspected
                    .with_untracked(|i| i.as_ref().is_some_and(|i| i.trap_exit));
                msg_error.set(actions::exit_note(&c, traps).map(Into::into));
                lab.run_command(&c);
            }
            Err(e) => msg_error.set(Some(e)),
        }
    };
    let reasons: String = EXIT_REASONS
        .iter()
        .map(|r| format!("<option value=\"{r}\"></option>"))
        .collect();
    // ids of its own: Compare shows several inspectors on one page
    let n = NEXT_LIST.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let (reasons_id, strategies_id) = (format!("exit-reasons-{n}"), format!("strategies-{n}"));
    let strategies: String = STRATEGIES
        .iter()
        .map(|s| format!("<option value=\"{s}\"></option>"))
        .collect();
    view! {
        <section aria-label="Inspector" on:click=on_click
            class=move || lab.inspected.with(|i| match i {
                None => "panel inspector",
                Some(i) if i.is_supervisor => "panel inspector has-info is-sup",
                Some(i) if i.is_worker => "panel inspector has-info is-worker",
                Some(_) => "panel inspector has-info",
            })>
            <h2>"Inspector"</h2>
            <p class="hint">
                {move || match lab.selected.get() {
                    Some(p) => format!("{p} has no live process at this instant."),
                    None => "Select a process in the tree (click it, or focus the tree and use the arrow keys).".to_string(),
                }}
            </p>
            <div class="info">
                <div class="actions" role="group" aria-label="Process actions">
                    <button type="button" class="danger" data-act="kill">"Kill"</button>
                    <span class="action-with">
                        <input aria-label="Exit reason" list=reasons_id.clone() class="small" value="normal" node_ref=reason />
                        <datalist id=reasons_id inner_html=reasons></datalist>
                        <button type="button" data-act="exit">"Exit"</button>
                        <button type="button" data-act="stop"
                            title="GenServer.stop(pid, reason): terminate/2 runs, then it exits with the reason">"Stop"</button>
                    </span>
                    <button type="button" data-act="crash">"Crash"</button>
                    <span class="action-with">
                        <input aria-label="Message" class="small" value="{print, hello}" node_ref=message />
                        <button type="button" data-act="send">"Send"</button>
                    </span>
                    <button type="button" data-act="trace"
                        title="Follow this process: its lines in the event log, its messages in the sequence view"
                        aria-pressed=move || if tracing() { "true" } else { "false" }>"Trace"</button>
                </div>
                <p class="error" role="alert">{move || msg_error.get()}</p>
                <div class="actions sup-actions" role="group" aria-label="Supervisor actions">
                    <button type="button" data-act="which">"Which children"</button>
                    <button type="button" data-act="pause">"Pause"</button>
                    <button type="button" data-act="resume">"Resume"</button>
                    <span class="action-with">
                        <input aria-label="New strategy" list=strategies_id.clone() class="small" value="one_for_all" node_ref=strategy />
                        <datalist id=strategies_id inner_html=strategies></datalist>
                        <button type="button" data-act="strategy">"Change strategy"</button>
                    </span>
                    <span class="action-with" title="Beyond OTP: the restart budget from now on">
                        <label>"Intensity "
                            <input class="small num sup-intensity" inputmode="numeric" value="3" node_ref=intensity /></label>
                        <label>"in "
                            <input class="small num sup-period" inputmode="numeric" value="5" node_ref=period /></label>
                        <span>"s"</span>
                        <button type="button" data-act="intensity">"Set"</button>
                    </span>
                    <span class="action-with">
                        <input aria-label="Child id" class="small" value="worker_4" node_ref=child_id />
                        <button type="button" data-act="start">"Start child"</button>
                        <button type="button" data-act="terminate">"Terminate child"</button>
                        <button type="button" data-act="restart">"Restart child"</button>
                        <button type="button" data-act="delete">"Delete child"</button>
                    </span>
                </div>
                <div node_ref=facts></div>
            </div>
            <div node_ref=why></div>
        </section>
    }
}
