//! The fault-script editor and chaos mode: faults at a time, every n ms, with a
//! probability — kill, exit or crash a target (a path, or `sup/*` for a random child).
//! Each field is checked as it is typed, with a sentence next to it; nothing is applied
//! while a row has a mistake. Applying restarts the lab with the new script, same seed:
//! the run is reproducible. Stop ends the recurring faults at the current instant, keeping
//! the run up to there.

use leptos::prelude::*;

use crate::driver::LabHandle;
use otp_lab_session::experiment::Source;
use otp_lab_session::faults::{
    faults_of, recurring, stopped_at, tree_paths, with_chaos, with_faults, FaultDraft, FaultRow,
    FieldError,
};
use otp_lab_session::variant::checked;
use otp_lab_session::Experiment;

/// The script that runs now.
fn running(lab: &LabHandle) -> Vec<FaultRow> {
    faults_of(&lab.scenario_text()).unwrap_or_default()
}

fn drafts(rows: &[FaultRow]) -> Vec<FaultDraft> {
    rows.iter().map(FaultDraft::of).collect()
}

/// The paths a target may name: the scenario's tree and whatever runs now (children
/// started at run time), with whether each is a supervisor.
fn known_paths(lab: &LabHandle) -> Vec<(String, bool)> {
    let mut known = tree_paths(&lab.scenario_text()).unwrap_or_default();
    lab.tree.with_untracked(|cells| {
        for c in cells {
            if !known.iter().any(|(p, _)| *p == c.path) {
                known.push((c.path.clone(), c.row.with_untracked(|r| r.is_supervisor)));
            }
        }
    });
    known
}

#[component]
pub fn FaultEditor(lab: LabHandle) -> impl IntoView {
    // the script that runs (read once per load, not per frame) and the rows as typed
    let script = RwSignal::new(running(&lab));
    let rows = RwSignal::new(script.with_untracked(|s| drafts(s)));
    let reload = move || {
        let now = running(&lab);
        rows.set(drafts(&now));
        script.set(now);
    };
    // each row's mistakes, by field
    let errors = RwSignal::new(Vec::<Vec<FieldError>>::new());
    let problem = RwSignal::new(None::<String>);
    let chaos_every = RwSignal::new("300".to_string());
    let chaos_p = RwSignal::new("0.5".to_string());
    // rows shown are the script that runs: another tree brings its own
    let preset = Memo::new(move |_| lab.status.with(|s| s.preset.clone()));
    Effect::new(move |_| {
        // read, not only tracked: a memo never read is never computed, so never changes
        let _ = preset.get();
        reload();
        errors.set(Vec::new());
        problem.set(None);
    });
    let check_all = move || -> Option<Vec<FaultRow>> {
        let known = known_paths(&lab);
        let checked: Vec<_> = rows.with_untracked(|r| r.iter().map(|d| d.check(&known)).collect());
        errors.set(
            checked
                .iter()
                .map(|c| c.as_ref().err().cloned().unwrap_or_default())
                .collect(),
        );
        checked.into_iter().collect::<Result<Vec<_>, _>>().ok()
    };
    // a change to a row is checked at once
    let edited = move || {
        check_all();
    };
    let start = move |text: Result<String, String>, actions: Vec<otp_lab_session::Action>| {
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
            actions,
        });
        reload();
        errors.set(Vec::new());
    };
    let apply = move || match check_all() {
        Some(list) => start(with_faults(&lab.scenario_text(), &list), Vec::new()),
        None => problem.set(Some(
            "Nothing was applied: a row has a mistake (see the message under it).".into(),
        )),
    };
    // the recurring faults end now; the run up to now is the same, replayed
    let stop = move || {
        let head_us = lab.head_us();
        let list = stopped_at(&script.get_untracked(), head_us / 1000);
        let actions = lab.experiment().actions;
        start(with_faults(&lab.scenario_text(), &list), actions);
        lab.run_to(head_us);
    };
    let root = move || {
        lab.tree
            .with(|t| t.first().map(|c| c.path.clone()))
            .unwrap_or_else(|| "root".into())
    };
    let add = move |_| {
        let target = format!("{}/*", root());
        rows.update(|r| {
            r.push(FaultDraft {
                every: false,
                ms: "1000".into(),
                probability: "1".into(),
                op: "kill".into(),
                target,
                reason: String::new(),
                until: None,
            })
        });
        edited();
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
                        key=|(i, r)| format!("{i} {} {} {} {} {} {} {:?}", r.every, r.ms, r.probability, r.op, r.target, r.reason, r.until)
                        let:item
                    >
                        <FaultRowView i=item.0 r=item.1 rows=rows errors=errors edited=edited />
                    </For>
                </tbody>
            </table>
            <div class="actions">
                <button type="button" on:click=add>"Add fault"</button>
                <button type="button" class="primary" on:click=move |_| apply()>
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
                        (Ok(e), Ok(p)) if e > 0 && (0.0..=1.0).contains(&p) => start(with_chaos(&lab.scenario_text(), e, p), Vec::new()),
                        _ => problem.set(Some("Chaos needs an interval in ms (> 0) and a probability between 0 and 1.".into())),
                    }
                }>"Start chaos"</button>
                <button type="button" hidden=move || !script.with(|s| recurring(s))
                    title="The recurring faults (chaos among them) end at this instant; the run up to now stays as it was"
                    on:click=move |_| stop()>"Stop chaos"</button>
            </div>
            <p class="error" role="alert">{move || problem.get()}</p>
        </div>
    }
}

#[component]
fn FaultRowView(
    i: usize,
    r: FaultDraft,
    rows: RwSignal<Vec<FaultDraft>>,
    errors: RwSignal<Vec<Vec<FieldError>>>,
    edited: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let edit = move |f: Box<dyn Fn(&mut FaultDraft)>| {
        rows.update(|all| {
            if let Some(row) = all.get_mut(i) {
                f(row)
            }
        });
        edited();
    };
    // this row's mistake in `field`, if any
    let mistake = move |field: &'static str| {
        errors.with(|e| {
            e.get(i)
                .and_then(|row| row.iter().find(|(f, _)| *f == field))
                .map(|(_, m)| m.clone())
        })
    };
    let invalid = move |field: &'static str| mistake(field).is_some().then_some("true");
    let messages = move || {
        errors.with(|e| {
            e.get(i)
                .map(|row| {
                    row.iter()
                        .map(|(_, m)| m.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        })
    };
    let message_id = format!("fault-{i}-mistakes");
    let is_every = r.every;
    let op = r.op.clone();
    let until = r.until.map(|u| format!("stopped at {u} ms"));
    view! {
        <tr class:invalid=move || errors.with(|e| e.get(i).is_some_and(|r| !r.is_empty()))>
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
                <input class="small num" aria-label="Milliseconds" value=r.ms.clone()
                    aria-invalid=move || invalid("ms") aria-describedby=message_id.clone()
                    title=until
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |r| r.ms = v.clone()))
                    } />
            </td>
            <td>
                <input class="small num" aria-label="Probability" value=r.probability.clone()
                    aria-invalid=move || invalid("probability") aria-describedby=message_id.clone()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |r| r.probability = v.clone()))
                    } />
            </td>
            <td>
                <select aria-label="Action" aria-invalid=move || invalid("op") on:change=move |ev| {
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
                    aria-invalid=move || invalid("target") aria-describedby=message_id.clone()
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
                    on:click=move |_| {
                        rows.update(|all| { if i < all.len() { all.remove(i); } });
                        edited();
                    }>"✕"</button>
            </td>
        </tr>
        <tr class="fault-mistakes" hidden=move || messages().is_empty()>
            <td colspan="7" id=message_id.clone() class="error" role="alert">{messages}</td>
        </tr>
    }
}
