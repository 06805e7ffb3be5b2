//! The inspector: everything about the selected process (pid, name, status, mailbox,
//! links, monitors, `trap_exit`, state, reductions) and what can be done to it. Every
//! action is a typed command of the lab's ([`otp_lab_lab::actions`]); the session records
//! it as its console line, so it shows in the console and replays in a shared link.

use leptos::prelude::*;

use crate::driver::LabHandle;
use otp_lab_lab::actions::{self, ChildCall, EXIT_REASONS, STRATEGIES};
use otp_lab_lab::command::Command;

#[component]
pub fn Inspector(lab: LabHandle) -> impl IntoView {
    let selected = move || lab.selected.get_untracked();
    let run = move |cmd: Command| lab.run_command(&cmd);
    let reason = RwSignal::new("normal".to_string());
    let message = RwSignal::new("{print, hello}".to_string());
    let new_child = RwSignal::new("worker_4".to_string());
    let strategy = RwSignal::new("one_for_all".to_string());
    let msg_error = RwSignal::new(None::<String>);
    // a command built from what was typed next to the button, or the reason it is wrong
    let checked = move |cmd: Result<Command, String>| match cmd {
        Ok(c) => {
            msg_error.set(None);
            Some(c)
        }
        Err(e) => {
            msg_error.set(Some(e));
            None
        }
    };
    // a child API call by the id typed: a malformed id is the page's error
    let child_call = move |call: ChildCall| {
        if let Some(sup) = selected() {
            match actions::child(call, sup, &new_child.get_untracked()) {
                Ok(c) => run(c),
                Err(e) => lab.error.set(Some(e)),
            }
        }
    };
    view! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <h2 id="inspector-title">"Inspector"</h2>
            <Show
                when=move || lab.inspected.with(|i| i.is_some())
                fallback=move || view! {
                    <p class="hint">
                        {move || match lab.selected.get() {
                            Some(p) => format!("{p} has no live process at this instant."),
                            None => "Select a process in the tree (click it, or focus the tree and use the arrow keys).".to_string(),
                        }}
                    </p>
                }
            >
                {move || lab.inspected.get().map(|info| {
                    let is_sup = info.is_supervisor;
                    let is_worker = info.is_worker;
                    view! {
                        <dl class="facts">
                            <dt>"pid"</dt><dd data-field="pid">{info.pid.clone()}</dd>
                            <dt>"path"</dt><dd>{info.path.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"name"</dt><dd>{info.registered_name.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"behaviour"</dt><dd>{info.behaviour.clone()}</dd>
                            <dt>"status"</dt><dd>{info.status}</dd>
                            <dt>"trap_exit"</dt><dd data-field="trap_exit">{info.trap_exit.to_string()}</dd>
                            <dt>"reductions"</dt><dd>{info.reductions}</dd>
                            <dt>"state"</dt><dd class="mono" data-field="state">{info.state.clone()}</dd>
                            <dt>"links"</dt>
                            <dd><ul class="plain">{info.links.iter().map(|l| view! { <li class="mono">{l.clone()}</li> }).collect_view()}</ul></dd>
                            <dt>"monitors"</dt>
                            <dd><ul class="plain">{info.monitors.iter().map(|l| view! { <li class="mono">{l.clone()}</li> }).collect_view()}</ul>
                                {(!info.monitored_by.is_empty()).then(|| view! { <span class="muted">{format!("monitored by {}", info.monitored_by.join(", "))}</span> })}
                            </dd>
                            <dt>"mailbox"</dt>
                            <dd>
                                <span data-field="mailbox-len">{info.message_queue_len}</span>
                                <ul class="plain">{info.mailbox.iter().map(|m| view! { <li class="mono">{m.clone()}</li> }).collect_view()}</ul>
                            </dd>
                        </dl>
                        <div class="actions" role="group" aria-label="Process actions">
                            <button type="button" class="danger" on:click=move |_| {
                                if let Some(p) = selected() { run(actions::kill(p)) }
                            }>"Kill"</button>
                            <span class="action-with">
                                <label class="sr-only" for="exit-reason">"Exit reason"</label>
                                <input id="exit-reason" list="exit-reasons" class="small" prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev)) />
                                <datalist id="exit-reasons">
                                    {EXIT_REASONS.iter().map(|r| view! { <option value=*r></option> }).collect_view()}
                                </datalist>
                                <button type="button" on:click=move |_| {
                                    if let Some(c) = selected().and_then(|p| checked(actions::exit(p, &reason.get_untracked()))) {
                                        run(c)
                                    }
                                }>"Exit"</button>
                                <button type="button" title="GenServer.stop(pid, reason): terminate/2 runs, then it exits with the reason" on:click=move |_| {
                                    if let Some(c) = selected().and_then(|p| checked(actions::stop(p, &reason.get_untracked()))) {
                                        run(c)
                                    }
                                }>"Stop"</button>
                            </span>
                            {is_worker.then(|| view! {
                                <button type="button" on:click=move |_| {
                                    if let Some(p) = selected() { run(actions::crash(p)) }
                                }>"Crash"</button>
                            })}
                            <span class="action-with">
                                <label class="sr-only" for="send-msg">"Message"</label>
                                <input id="send-msg" class="small" prop:value=move || message.get()
                                    on:input=move |ev| message.set(event_target_value(&ev)) />
                                <button type="button" on:click=move |_| {
                                    if let Some(c) = selected().and_then(|p| checked(actions::send(p, &message.get_untracked()))) {
                                        run(c)
                                    }
                                }>"Send"</button>
                            </span>
                            <button type="button"
                                aria-pressed=move || if lab.log_filter.with(|f| f.path.is_some()) { "true" } else { "false" }
                                on:click=move |_| {
                                    let mut f = lab.log_filter.get_untracked();
                                    f.path = match f.path { Some(_) => None, None => lab.selected.get_untracked() };
                                    lab.set_filter(f);
                                }
                            >"Trace"</button>
                        </div>
                        <p class="error" role="alert">{move || msg_error.get()}</p>
                        {is_sup.then(|| view! {
                            <div class="actions" role="group" aria-label="Supervisor actions">
                                <button type="button" on:click=move |_| {
                                    if let Some(p) = selected() { run(actions::which_children(p)) }
                                }>"Which children"</button>
                                <button type="button" on:click=move |_| {
                                    if let Some(p) = selected() { run(actions::pause(p)) }
                                }>"Pause"</button>
                                <button type="button" on:click=move |_| {
                                    if let Some(p) = selected() { run(actions::resume(p)) }
                                }>"Resume"</button>
                                <span class="action-with">
                                    <label class="sr-only" for="strategy">"Strategy"</label>
                                    <select id="strategy" class="small" on:change=move |ev| strategy.set(event_target_value(&ev))>
                                        {STRATEGIES.iter().map(|s| view! {
                                            <option value=*s selected=move || strategy.get() == *s>{*s}</option>
                                        }).collect_view()}
                                    </select>
                                    <button type="button" on:click=move |_| {
                                        if let Some(c) = selected().and_then(|p| checked(actions::change_strategy(p, &strategy.get_untracked()))) {
                                            run(c)
                                        }
                                    }>"Change strategy"</button>
                                </span>
                                <span class="action-with">
                                    <label class="sr-only" for="child-id">"Child id"</label>
                                    <input id="child-id" class="small" prop:value=move || new_child.get()
                                        on:input=move |ev| new_child.set(event_target_value(&ev)) />
                                    <button type="button" on:click=move |_| {
                                        if let Some(p) = selected() {
                                            run(actions::start_counter(p, &new_child.get_untracked()))
                                        }
                                    }>"Start child"</button>
                                    <button type="button" on:click=move |_| child_call(ChildCall::Terminate)>"Terminate child"</button>
                                    <button type="button" on:click=move |_| child_call(ChildCall::Restart)>"Restart child"</button>
                                    <button type="button" on:click=move |_| child_call(ChildCall::Delete)>"Delete child"</button>
                                </span>
                            </div>
                        })}
                    }
                })}
            </Show>
        </section>
    }
}
