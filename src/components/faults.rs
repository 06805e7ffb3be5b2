//! The fault-script editor and chaos mode: faults at a time, every n ms, with a
//! probability — kill, exit or crash a target (a path, or `sup/*` for a random child).
//! Applying restarts the lab with the new script, same seed: the run is reproducible.

use leptos::prelude::*;

use crate::driver::LabHandle;
use otp_lab_session::experiment::Source;
use otp_lab_session::variant::{checked, faults_of, with_chaos, with_faults, FaultRow};
use otp_lab_session::Experiment;

#[component]
pub fn FaultEditor(lab: LabHandle) -> impl IntoView {
    let rows = RwSignal::new(faults_of(&lab.scenario_text()).unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let chaos_every = RwSignal::new("300".to_string());
    let chaos_p = RwSignal::new("0.5".to_string());
    // reload the rows when another tree is loaded
    let preset = Memo::new(move |_| lab.status.with(|s| s.preset.clone()));
    Effect::new(move |_| {
        // read, not only tracked: a memo never read is never computed, so never changes
        let _ = preset.get();
        rows.set(faults_of(&lab.scenario_text()).unwrap_or_default());
    });
    let apply = move |text: Result<String, String>| {
        let checked = text
            .and_then(|t| checked(t).map_err(|e| format!("The fault script is not valid: {e}")));
        let text = match checked {
            Ok(t) => t,
            Err(e) => {
                problem.set(Some(e));
                return;
            }
        };
        problem.set(None);
        let seed = lab.status.with_untracked(|s| s.seed);
        lab.load_experiment(Experiment {
            source: Source::Scenario(text),
            seed,
            actions: Vec::new(),
        });
        rows.set(faults_of(&lab.scenario_text()).unwrap_or_default());
    };
    let root = move || {
        lab.tree
            .with(|t| t.first().map(|c| c.path.clone()))
            .unwrap_or_else(|| "root".into())
    };
    let add = move |_| {
        let target = format!("{}/*", root());
        rows.update(|r| {
            r.push(FaultRow {
                every: false,
                ms: 1000,
                probability: 1.0,
                op: "kill".into(),
                target,
                reason: String::new(),
            })
        })
    };
    let indexed = move || rows.get().into_iter().enumerate().collect::<Vec<_>>();
    view! {
        <div class="faults">
            <p class="hint">
                "A fault script runs in virtual time with the lab's seed: the same script and seed give the same run. "
                "Targets are paths; "<code>"sup/*"</code>" picks a random live child."
            </p>
            <table class="fault-table">
                <thead>
                    <tr><th>"When"</th><th>"ms"</th><th>"probability"</th><th>"action"</th><th>"target"</th><th>"reason"</th><th></th></tr>
                </thead>
                <tbody>
                    <For
                        each=indexed
                        key=|(i, r)| format!("{i} {} {} {} {} {} {}", r.every, r.ms, r.probability, r.op, r.target, r.reason)
                        let:item
                    >
                        <FaultRowView i=item.0 r=item.1 rows=rows />
                    </For>
                </tbody>
            </table>
            <div class="actions">
                <button type="button" on:click=add>"Add fault"</button>
                <button type="button" class="primary" on:click=move |_| apply(with_faults(&lab.scenario_text(), &rows.get_untracked()))>
                    "Apply and restart"
                </button>
            </div>
            <div class="actions" role="group" aria-label="Chaos mode">
                <span>"Chaos: kill a random child of the root every "</span>
                <input class="small num" aria-label="Chaos interval (ms)" prop:value=move || chaos_every.get()
                    on:input=move |ev| chaos_every.set(event_target_value(&ev)) />
                <span>" ms with probability "</span>
                <input class="small num" aria-label="Chaos probability" prop:value=move || chaos_p.get()
                    on:input=move |ev| chaos_p.set(event_target_value(&ev)) />
                <button type="button" on:click=move |_| {
                    let every = chaos_every.get_untracked().trim().parse::<u64>();
                    let p = chaos_p.get_untracked().trim().parse::<f64>();
                    match (every, p) {
                        (Ok(e), Ok(p)) if e > 0 && (0.0..=1.0).contains(&p) => apply(with_chaos(&lab.scenario_text(), e, p)),
                        _ => problem.set(Some("Chaos needs an interval in ms (> 0) and a probability between 0 and 1.".into())),
                    }
                }>"Start chaos"</button>
            </div>
            <p class="error" role="alert">{move || problem.get()}</p>
        </div>
    }
}

#[component]
fn FaultRowView(i: usize, r: FaultRow, rows: RwSignal<Vec<FaultRow>>) -> impl IntoView {
    let edit = move |f: Box<dyn Fn(&mut FaultRow)>| {
        rows.update(|all| {
            if let Some(row) = all.get_mut(i) {
                f(row)
            }
        })
    };
    let is_every = r.every;
    let op = r.op.clone();
    view! {
        <tr>
            <td>
                <select aria-label="When" on:change=move |ev| {
                    let v = event_target_value(&ev) == "every";
                    edit(Box::new(move |r| r.every = v))
                }>
                    <option value="at" selected={!is_every}>"at"</option>
                    <option value="every" selected={is_every}>"every"</option>
                </select>
            </td>
            <td>
                <input class="small num" aria-label="Milliseconds" value=r.ms.to_string()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).trim().parse().unwrap_or(0);
                        edit(Box::new(move |r| r.ms = v))
                    } />
            </td>
            <td>
                <input class="small num" aria-label="Probability" value=r.probability.to_string()
                    on:change=move |ev| {
                        let v: f64 = event_target_value(&ev).trim().parse().unwrap_or(1.0);
                        edit(Box::new(move |r| r.probability = v.clamp(0.0, 1.0)))
                    } />
            </td>
            <td>
                <select aria-label="Action" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edit(Box::new(move |r| r.op = v.clone()))
                }>
                    {["kill", "exit", "crash"].into_iter().map(|o| {
                        let sel = op == o;
                        view! { <option value=o selected=sel>{o}</option> }
                    }).collect_view()}
                </select>
            </td>
            <td>
                <input class="small" aria-label="Target" value=r.target.clone()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |r| r.target = v.clone()))
                    } />
            </td>
            <td>
                <input class="small" aria-label="Reason" value=r.reason.clone() placeholder="crash"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |r| r.reason = v.clone()))
                    } />
            </td>
            <td>
                <button type="button" aria-label=format!("Remove fault {}", i + 1)
                    on:click=move |_| rows.update(|all| { if i < all.len() { all.remove(i); } })>"✕"</button>
            </td>
        </tr>
    }
}
