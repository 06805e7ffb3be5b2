//! Compare: two to four sandboxes side by side, each the same tree, seed and fault
//! script with its own root strategy and intensity. Sandboxes can be added, restarted
//! with new settings and removed; each runs its own session.

use leptos::prelude::*;

use crate::components::tree::SupervisionTree;
use crate::driver::LabHandle;
use otp_lab_session::experiment::Source;
use otp_lab_session::variant::{checked, root_of, with_root};
use otp_lab_session::Experiment;

/// Most sandboxes side by side.
pub const MAX_SANDBOXES: usize = 4;

#[derive(Clone)]
struct Sandbox {
    id: usize,
    handle: LabHandle,
    owner: Owner,
    strategy: String,
    intensity: u32,
}

fn make(
    id: usize,
    base: &str,
    seed: u64,
    strategy: &str,
    intensity: u32,
) -> Result<Sandbox, String> {
    let text = checked(with_root(base, Some(strategy), Some(intensity), None)?)?;
    let owner = Owner::new();
    let handle = owner.with(|| {
        let h = LabHandle::from_experiment(Experiment {
            source: Source::Scenario(text),
            seed,
            actions: Vec::new(),
        });
        h.start();
        h
    });
    Ok(Sandbox {
        id,
        handle,
        owner,
        strategy: strategy.to_string(),
        intensity,
    })
}

/// The strategies a sandbox offers.
const STRATEGY_OPTIONS: &str =
    "<option>one_for_one</option><option>one_for_all</option><option>rest_for_one</option>";

#[component]
pub fn Compare(lab: LabHandle) -> impl IntoView {
    let boxes = RwSignal::new(Vec::<Sandbox>::new());
    let next_id = RwSignal::new(0usize);
    let problem = RwSignal::new(None::<String>);
    let add = move |strategy: Option<String>| {
        if boxes.with_untracked(|b| b.len()) >= MAX_SANDBOXES {
            problem.set(Some(format!("At most {MAX_SANDBOXES} sandboxes.")));
            return;
        }
        let base = lab.scenario_text();
        let seed = lab.status.with_untracked(|s| s.seed);
        let (s0, i0, _) = root_of(&base).unwrap_or(("one_for_one".into(), 3, 5));
        let strategy = strategy.unwrap_or(s0);
        let id = next_id.get_untracked();
        next_id.set(id + 1);
        match make(id, &base, seed, &strategy, i0) {
            Ok(sb) => {
                problem.set(None);
                boxes.update(|b| b.push(sb));
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let remove = move |id: usize| {
        boxes.update(|b| {
            if let Some(i) = b.iter().position(|s| s.id == id) {
                let sb = b.remove(i);
                sb.owner.cleanup();
            }
        });
    };
    let restart = move |id: usize, strategy: String, intensity: u32| {
        let base = lab.scenario_text();
        let seed = lab.status.with_untracked(|s| s.seed);
        match make(id, &base, seed, &strategy, intensity) {
            Ok(sb) => boxes.update(|b| {
                if let Some(slot) = b.iter_mut().find(|s| s.id == id) {
                    slot.owner.cleanup();
                    *slot = sb;
                }
            }),
            Err(e) => problem.set(Some(e)),
        }
    };
    view! {
        <section class="panel compare" aria-labelledby="compare-title">
            <div class="panel-head">
                <h2 id="compare-title">"Compare"</h2>
                <p class="hint">"The Lab's tree, seed and fault script in up to four sandboxes, each with its own strategy and intensity."</p>
            </div>
            <div class="actions">
                <button type="button" on:click=move |_| {
                    if boxes.with_untracked(|b| b.is_empty()) {
                        add(Some("one_for_one".into()));
                        add(Some("one_for_all".into()));
                    } else {
                        add(None);
                    }
                }>"Add sandbox"</button>
                <button type="button" on:click=move |_| {
                    for sb in boxes.get_untracked() { sb.handle.toggle_play(); }
                }>"Play / pause all"</button>
            </div>
            <p class="error" role="alert">{move || problem.get()}</p>
            <div class="sandboxes">
                // drawn again when a sandbox is added, removed or restarted (a keyed list
                // cost the download 2 kB more)
                {move || boxes.get().into_iter().map(|sb| {
                        let id = sb.id;
                        let h = sb.handle;
                        let strategy = RwSignal::new(sb.strategy.clone());
                        let intensity = RwSignal::new(sb.intensity.to_string());
                        view! {
                            <article class="sandbox" aria-label=format!("Sandbox {}", id + 1)>
                                <header class="sandbox-head">
                                    <select aria-label="Strategy" inner_html=STRATEGY_OPTIONS.replace(&format!(">{}<", sb.strategy), &format!(" selected>{}<", sb.strategy))
                                        on:change=move |ev| strategy.set(event_target_value(&ev))></select>
                                    <label>"intensity "
                                        <input class="small num" aria-label="Intensity" prop:value=move || intensity.get()
                                            on:input=move |ev| intensity.set(event_target_value(&ev)) />
                                    </label>
                                    <button type="button" on:click=move |_| {
                                        match intensity.get_untracked().trim().parse::<u32>() {
                                            Ok(i) => restart(id, strategy.get_untracked(), i),
                                            Err(_) => problem.set(Some("The intensity is a whole number.".into())),
                                        }
                                    }>"Restart"</button>
                                    <button type="button" aria-label=format!("Remove sandbox {}", id + 1) on:click=move |_| remove(id)>"Remove"</button>
                                </header>
                                <p class="sandbox-stats">
                                    {move || {
                                        let root = h.tree.with(|rows| rows.first().map(|c| c.row.get().status)).unwrap_or("dead");
                                        let (now, restarts) = h.status.with(|s| (s.now.clone(), s.restarts));
                                        format!("{now} · root {root} · {restarts} restarts")
                                    }}
                                </p>
                                <SupervisionTree lab=h />
                            </article>
                        }
                    }).collect_view()}
            </div>
        </section>
    }
}
