//! The inspector: everything about the selected process (pid, name, status, mailbox,
//! links, monitors, `trap_exit`, state, reductions) and what can be done to it. Every
//! action is a console line, so it shows in the console and replays in a shared link.

use leptos::prelude::*;

use crate::driver::LabHandle;
use otp_lab_sim::lab::command::{Command, StartSpec, Target};
use otp_lab_sim::lab::console::parse as parse_line;
use otp_lab_sim::term::{parse_term, Term};

/// Exit reasons offered by the Exit action.
const REASONS: &[&str] = &[
    "normal",
    "shutdown",
    "kill",
    "crash",
    "{shutdown,maintenance}",
];

#[component]
pub fn Inspector(lab: LabHandle) -> impl IntoView {
    let target = move || lab.selected.get().map(Target::Path);
    let run = move |cmd: Command| lab.run_line(&cmd.to_elixir());
    let reason = RwSignal::new("normal".to_string());
    let message = RwSignal::new("{print, hello}".to_string());
    let new_child = RwSignal::new("worker_4".to_string());
    let strategy = RwSignal::new("one_for_all".to_string());
    let msg_error = RwSignal::new(None::<String>);
    let term_of = move |text: String| -> Option<Term> {
        match parse_term(&text) {
            Ok(t) => {
                msg_error.set(None);
                Some(t)
            }
            Err(e) => {
                msg_error.set(Some(format!("not an Erlang term: {e}")));
                None
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
                                if let Some(t) = target() { run(Command::Exit { target: t, reason: Term::KILL }) }
                            }>"Kill"</button>
                            <span class="action-with">
                                <label class="sr-only" for="exit-reason">"Exit reason"</label>
                                <input id="exit-reason" list="exit-reasons" class="small" prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev)) />
                                <datalist id="exit-reasons">
                                    {REASONS.iter().map(|r| view! { <option value=*r></option> }).collect_view()}
                                </datalist>
                                <button type="button" on:click=move |_| {
                                    if let (Some(t), Some(r)) = (target(), term_of(reason.get_untracked())) {
                                        run(Command::Exit { target: t, reason: r })
                                    }
                                }>"Exit"</button>
                            </span>
                            {is_worker.then(|| view! {
                                <button type="button" on:click=move |_| {
                                    if let Some(t) = target() { run(Command::Crash { target: t, reason: Term::atom("crash") }) }
                                }>"Crash"</button>
                            })}
                            <span class="action-with">
                                <label class="sr-only" for="send-msg">"Message"</label>
                                <input id="send-msg" class="small" prop:value=move || message.get()
                                    on:input=move |ev| message.set(event_target_value(&ev)) />
                                <button type="button" on:click=move |_| {
                                    if let (Some(t), Some(m)) = (target(), term_of(message.get_untracked())) {
                                        run(Command::Send { target: t, msg: m })
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
                                    if let Some(t) = target() { run(Command::WhichChildren { sup: t }) }
                                }>"Which children"</button>
                                <button type="button" on:click=move |_| {
                                    if let Some(t) = target() { run(Command::Pause { sup: t }) }
                                }>"Pause"</button>
                                <button type="button" on:click=move |_| {
                                    if let Some(t) = target() { run(Command::Resume { sup: t }) }
                                }>"Resume"</button>
                                <span class="action-with">
                                    <label class="sr-only" for="strategy">"Strategy"</label>
                                    <select id="strategy" class="small" on:change=move |ev| strategy.set(event_target_value(&ev))>
                                        {["one_for_one", "one_for_all", "rest_for_one"].iter().map(|s| view! {
                                            <option value=*s selected=move || strategy.get() == *s>{*s}</option>
                                        }).collect_view()}
                                    </select>
                                    <button type="button" on:click=move |_| {
                                        let line = format!("Lab.change_strategy({}, :{})",
                                            target().map(|t| t.to_elixir()).unwrap_or_default(), strategy.get_untracked());
                                        lab.run_line(&line);
                                    }>"Change strategy"</button>
                                </span>
                                <span class="action-with">
                                    <label class="sr-only" for="child-id">"Child id"</label>
                                    <input id="child-id" class="small" prop:value=move || new_child.get()
                                        on:input=move |ev| new_child.set(event_target_value(&ev)) />
                                    <button type="button" on:click=move |_| {
                                        if let Some(t) = target() {
                                            run(Command::StartChild { sup: t, spec: StartSpec::Worker {
                                                id: Term::atom(new_child.get_untracked().trim()),
                                                kind: otp_lab_sim::behaviour::gen_server::WorkerKind::Counter,
                                                restart: otp_lab_sim::supervisor::spec::RestartType::Permanent,
                                            }})
                                        }
                                    }>"Start child"</button>
                                    <button type="button" on:click=move |_| child_call(lab, "terminate_child", new_child.get_untracked())>"Terminate child"</button>
                                    <button type="button" on:click=move |_| child_call(lab, "restart_child", new_child.get_untracked())>"Restart child"</button>
                                    <button type="button" on:click=move |_| child_call(lab, "delete_child", new_child.get_untracked())>"Delete child"</button>
                                </span>
                            </div>
                        })}
                    }
                })}
            </Show>
        </section>
    }
}

/// `Supervisor.<fun>(sup, :id)` for the selected supervisor.
fn child_call(lab: LabHandle, fun: &str, id: String) {
    let Some(sup) = lab.selected.get_untracked() else {
        return;
    };
    let line = format!(
        "Supervisor.{fun}({}, {})",
        Target::Path(sup).to_elixir(),
        otp_lab_sim::lab::command::elixir_atom(id.trim())
    );
    // a malformed id shows the console's own error
    if parse_line(&line).is_ok() {
        lab.run_line(&line);
    } else {
        lab.error
            .set(Some(format!("\"{}\" is not a child id", id.trim())));
    }
}
