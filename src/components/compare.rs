//! Compare: two to four sandboxes side by side, each a whole lab (its own selection,
//! inspector, console and log) running the Lab's tree and seed with settings of its own —
//! the root's strategy, intensity and period, its children's restart type and shutdown —
//! under the Lab's fault script, a ready chaos or none. Or a fork: the Lab's experiment up
//! to an instant, then other settings from there on. The sandboxes keep one virtual clock
//! (a sandbox that falls behind holds the others back), so the summary compares them at
//! the same instant.

use leptos::prelude::*;

use crate::components::console::Console;
use crate::components::event_log::EventLog;
use crate::components::inspector::Inspector;
use crate::components::tree::SupervisionTree;
use crate::driver::{animation_loop, LabHandle};
use crate::view_model::format_time_us;
use otp_lab_session::compare::{
    base as start_from, outcome, sandbox_with, Outcome, SandboxSetup, Settings, Setup,
    MAX_SANDBOXES,
};
use otp_lab_session::share::ShareLink;
use otp_lab_session::variant::root_of;
use otp_lab_session::Experiment;

/// What the page shell and Compare tell each other.
#[derive(Clone, Copy)]
pub struct CompareWire {
    /// Set by the Lab's Fork: the instant to fork the Lab's experiment at.
    pub fork: RwSignal<Option<u64>>,
    /// Set by a link shared from Compare: the page to rebuild.
    pub open: RwSignal<Option<ShareLink>>,
    /// Compare's own share link, kept current while it has sandboxes.
    pub link: RwSignal<Option<ShareLink>>,
}

/// Most virtual time the shared clock moves in one frame (the sandboxes catch up).
const MAX_STEP_US: u64 = 100_000;

#[derive(Clone)]
struct Sandbox {
    id: usize,
    handle: LabHandle,
    owner: Owner,
    settings: Settings,
    /// Commands of its experiment that came with it (a fork's history): the ones after
    /// are the sandbox's own.
    prefix: usize,
}

/// What the sandboxes start from: the Lab's experiment (from time 0, its fault script
/// replaced as chosen), or a fork of it at an instant.
#[derive(Clone)]
struct Base {
    /// The Lab's experiment as it was taken (what a link holds).
    lab: Experiment,
    exp: Experiment,
    fork_us: Option<u64>,
}

/// The fault scripts a sandbox can run under (a fork keeps the Lab's).
const FAULTS: [(&str, &str); 3] = [
    ("lab", "the Lab's fault script"),
    (
        "chaos",
        "chaos: kill a random process every 500 ms (p = 0.5)",
    ),
    ("none", "no faults"),
];

/// A sandbox, owned under `home` (the page's owner: not an effect's, which would dispose
/// it when the effect runs again).
fn make(home: &Owner, id: usize, base: &Base, setup: SandboxSetup) -> Result<Sandbox, String> {
    let exp = sandbox_with(&base.exp, base.fork_us, &setup)?;
    let prefix = exp.actions.len() - setup.actions.len();
    let owner = home.with(Owner::new);
    let handle = owner.with(|| {
        let h = LabHandle::from_experiment(exp);
        h.start();
        h.pause();
        h
    });
    Ok(Sandbox {
        id,
        handle,
        owner,
        settings: setup.settings,
        prefix,
    })
}

/// The strategies a sandbox offers.
const STRATEGY_OPTIONS: &str =
    "<option>one_for_one</option><option>one_for_all</option><option>rest_for_one</option>";

#[component]
pub fn Compare(lab: LabHandle, wire: CompareWire) -> impl IntoView {
    let home = StoredValue::new(Owner::current().unwrap_or_default());
    let boxes = RwSignal::new(Vec::<Sandbox>::new());
    let next_id = StoredValue::new(0usize);
    let problem = RwSignal::new(None::<String>);
    let faults = RwSignal::new("lab".to_string());
    let base = StoredValue::new(None::<Base>);
    let forked = RwSignal::new(None::<u64>);
    // the shared clock: the instant every sandbox is run to
    let target = StoredValue::new(0u64);
    let playing = RwSignal::new(true);
    let last_frame = StoredValue::new(None::<f64>);

    let fresh_base = move || -> Result<Base, String> {
        let exp = lab.experiment();
        Ok(Base {
            exp: start_from(&exp, &faults.get_untracked(), false)?,
            lab: exp,
            fork_us: None,
        })
    };
    let add = move |setup: SandboxSetup| -> bool {
        if boxes.with_untracked(|b| b.len()) >= MAX_SANDBOXES {
            problem.set(Some(format!("At most {MAX_SANDBOXES} sandboxes.")));
            return false;
        }
        let b = match base.get_value() {
            Some(b) => b,
            None => match fresh_base() {
                Ok(b) => {
                    base.set_value(Some(b.clone()));
                    b
                }
                Err(e) => {
                    problem.set(Some(e));
                    return false;
                }
            },
        };
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        match home.with_value(|h| make(h, id, &b, setup)) {
            Ok(sb) => {
                sb.handle.run_to(target.get_value());
                problem.set(None);
                boxes.update(|v| v.push(sb));
                true
            }
            Err(e) => {
                problem.set(Some(e));
                false
            }
        }
    };
    let clear = move || {
        for sb in boxes.get_untracked() {
            sb.owner.cleanup();
        }
        boxes.set(Vec::new());
        next_id.set_value(0);
        base.set_value(None);
        forked.set(None);
        problem.set(None);
    };
    // a pair to start from: the Lab's own settings and the other common strategy
    let pair = move |base_exp: &Experiment| {
        let text = base_exp.scenario_text().unwrap_or_default();
        let (s0, _, _) = root_of(&text).unwrap_or(("one_for_one".into(), 3, 5));
        let other = if s0 == "one_for_all" {
            "one_for_one"
        } else {
            "one_for_all"
        };
        if add(SandboxSetup::default()) {
            add(SandboxSetup {
                settings: Settings {
                    strategy: Some(other.into()),
                    ..Settings::default()
                },
                actions: Vec::new(),
            });
        }
    };
    let start_fresh = move || {
        clear();
        target.set_value(0);
        playing.set(true);
        pair(&lab.experiment());
    };
    // the Lab's Fork: every sandbox replays the Lab's history up to the instant
    Effect::new(move |_| {
        let Some(t) = wire.fork.get() else {
            return;
        };
        wire.fork.set(None);
        clear();
        let exp = lab.experiment();
        base.set_value(Some(Base {
            lab: exp.clone(),
            exp: exp.clone(),
            fork_us: Some(t),
        }));
        forked.set(Some(t));
        // a fork runs under the Lab's own fault script
        faults.set("lab".into());
        target.set_value(t);
        playing.set(false);
        pair(&exp);
    });
    // a link shared from Compare: the same sandboxes, with their own commands, on the
    // same clock
    Effect::new(move |_| {
        let Some(link) = wire.open.get() else {
            return;
        };
        wire.open.set(None);
        let Some(setup) = link.compare else {
            return;
        };
        clear();
        let fork_us = setup.fork_us;
        faults.set(setup.faults.clone());
        match start_from(&link.experiment, &setup.faults, fork_us.is_some()) {
            Ok(exp) => base.set_value(Some(Base {
                lab: link.experiment,
                exp,
                fork_us,
            })),
            Err(e) => {
                problem.set(Some(e));
                return;
            }
        }
        forked.set(fork_us);
        let mut failed = None;
        for (i, sb) in setup.sandboxes.into_iter().enumerate() {
            if !add(sb) {
                failed = failed.or(problem
                    .get_untracked()
                    .map(|e| format!("Sandbox {}: {e}", i + 1)));
            }
        }
        let heads = boxes.with_untracked(|b| b.iter().map(|sb| sb.handle.head_us()).max());
        target.set_value(setup.clock_us.or(heads).unwrap_or(0));
        playing.set(setup.clock_us.is_none());
        for sb in boxes.get_untracked() {
            sb.handle.run_to(target.get_value());
        }
        problem.set(failed);
    });
    // what the page holds, as a link (compared each frame, set when it changed)
    let published = StoredValue::new(None::<Setup>);
    let publish = move |list: &[Sandbox]| {
        let Some(b) = base.get_value().filter(|_| !list.is_empty()) else {
            if published.get_value().is_some() {
                published.set_value(None);
                wire.link.set(None);
            }
            return;
        };
        let setup = Setup {
            faults: if b.fork_us.is_some() {
                "lab".into()
            } else {
                faults.get_untracked()
            },
            fork_us: b.fork_us,
            clock_us: (!playing.get_untracked()).then(|| target.get_value()),
            sandboxes: list
                .iter()
                .map(|sb| SandboxSetup {
                    settings: sb.settings.clone(),
                    actions: sb.handle.actions_after(sb.prefix),
                })
                .collect(),
        };
        if published.with_value(|p| p.as_ref() != Some(&setup)) {
            published.set_value(Some(setup.clone()));
            wire.link.set(Some(ShareLink {
                compare: Some(setup),
                ..ShareLink::of(b.lab)
            }));
        }
    };
    // one clock for all: it moves on once every sandbox has reached it
    animation_loop(move |now_ms| {
        let dt_us = last_frame
            .try_get_value()
            .flatten()
            .map_or(0, |last| ((now_ms - last).max(0.0) * 1000.0) as u64);
        if last_frame.try_set_value(Some(now_ms)).is_some() {
            // the page is gone
            return false;
        }
        let Some(list) = boxes.try_get_untracked() else {
            return false;
        };
        let t = target.get_value();
        if playing.get_untracked() && list.iter().all(|sb| sb.handle.head_us() >= t) {
            target.set_value(t + dt_us.min(MAX_STEP_US));
        }
        for sb in &list {
            sb.handle.run_to(target.get_value());
        }
        publish(&list);
        true
    });
    let remove = move |id: usize| {
        boxes.update(|b| {
            if let Some(i) = b.iter().position(|s| s.id == id) {
                let sb = b.remove(i);
                sb.owner.cleanup();
            }
        });
    };
    let restart = move |id: usize, settings: Settings| {
        let Some(b) = base.get_value() else {
            return;
        };
        let setup = SandboxSetup {
            settings,
            actions: Vec::new(),
        };
        match home.with_value(|h| make(h, id, &b, setup)) {
            Ok(sb) => {
                sb.handle.run_to(target.get_value());
                boxes.update(|v| {
                    if let Some(slot) = v.iter_mut().find(|s| s.id == id) {
                        slot.owner.cleanup();
                        *slot = sb;
                    }
                })
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    // the instant every sandbox has reached, and each one's outcome there (read once per
    // change by the caption and the rows)
    let summary = Memo::new(move |_| -> (u64, Vec<(usize, String, Outcome)>) {
        let list = boxes.get();
        let at = list
            .iter()
            .map(|sb| sb.handle.status.with(|s| s.head_us))
            .min()
            .unwrap_or(0);
        let rows = list
            .iter()
            .filter_map(|sb| {
                let o = sb.handle.with_run(|run, _| outcome(run, at))?;
                Some((sb.id, describe(&sb.settings), o))
            })
            .collect();
        (at, rows)
    });
    // the shared clock moved on by `dt_us` at once
    let advance = move |dt_us: u64| {
        target.update_value(|t| *t += dt_us);
        for sb in boxes.get_untracked() {
            sb.handle.run_to(target.get_value());
        }
    };
    view! {
        <section class="panel compare" aria-labelledby="compare-title">
            <div class="panel-head">
                <h2 id="compare-title">"Compare"</h2>
                <p class="hint">{move || match forked.get() {
                    Some(t) => format!("Forked at {}: every sandbox replays the Lab's experiment up to that instant, then runs with its own settings.", format_time_us(t)),
                    None => "The Lab's tree and seed in up to four sandboxes, each with its own strategy, intensity and period, on one clock.".to_string(),
                }}</p>
            </div>
            <div class="actions" role="group" aria-label="Sandboxes">
                <button type="button" on:click=move |_| {
                    if boxes.with_untracked(|b| b.is_empty()) { start_fresh() } else { add(SandboxSetup::default()); }
                }>"Add sandbox"</button>
                <button type="button" on:click=move |_| start_fresh()>"Start again from the Lab"</button>
                <label>"Faults "
                    <select aria-label="Fault script" disabled=move || forked.get().is_some()
                        on:change=move |ev| { faults.set(event_target_value(&ev)); if !boxes.with_untracked(|b| b.is_empty()) { start_fresh() } }>
                        {FAULTS.map(|(v, label)| view! { <option value=v selected=move || faults.get() == v>{label}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" on:click=move |_| playing.update(|p| *p = !*p)>
                    {move || if playing.get() { "Pause all" } else { "Play all" }}</button>
                <button type="button" on:click=move |_| advance(1_000_000)>"+1 s"</button>
                <button type="button" on:click=move |_| advance(10_000_000)>"+10 s"</button>
            </div>
            <p class="error" role="alert">{move || problem.get()}</p>
            <div class="table-scroll">
            <table class="compare-summary" hidden=move || boxes.with(|b| b.is_empty())>
                <caption>{move || format!("Every sandbox at {}", format_time_us(summary.with(|s| s.0)))}</caption>
                <thead><tr>
                    <th scope="col">"sandbox"</th><th scope="col">"restarts"</th><th scope="col">"escalations"</th>
                    <th scope="col">"root down"</th><th scope="col">"recovery p95"</th><th scope="col">"tree"</th>
                </tr></thead>
                <tbody>
                    {move || summary.get().1.into_iter().map(|(id, what, o)| view! {
                        <tr>
                            <th scope="row">{format!("{} ({what})", id + 1)}</th>
                            <td>{o.restarts}</td>
                            <td>{o.escalations}</td>
                            <td>{if o.root_down_us == 0 { "–".to_string() } else { format_time_us(o.root_down_us) }}</td>
                            <td>{o.recovery_p95_us.map_or("–".to_string(), |us| format!("{:.1} ms", us as f64 / 1000.0))}</td>
                            <td>{o.tree}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <div class="sandboxes">
                // drawn again when a sandbox is added, removed or restarted (a keyed list
                // cost the download 2 kB more)
                {move || boxes.get().into_iter().map(|sb| {
                        let id = sb.id;
                        let h = sb.handle;
                        let (s0, i0, p0) = root_of(&h.scenario_text()).unwrap_or(("one_for_one".into(), 3, 5));
                        let s0 = sb.settings.strategy.clone().unwrap_or(s0);
                        let strategy = RwSignal::new(s0.clone());
                        let intensity = RwSignal::new(sb.settings.intensity.unwrap_or(i0).to_string());
                        let period = RwSignal::new(sb.settings.period.unwrap_or(p0).to_string());
                        let open = RwSignal::new(false);
                        let restart_type = RwSignal::new(sb.settings.restart.clone().unwrap_or_default());
                        let shutdown = RwSignal::new(sb.settings.shutdown.clone().unwrap_or_default());
                        view! {
                            <article class="sandbox" data-sandbox=id + 1 aria-label=format!("Sandbox {}", id + 1)>
                                <header class="sandbox-head">
                                    <select aria-label="Strategy" inner_html=STRATEGY_OPTIONS.replace(&format!(">{s0}<"), &format!(" selected>{s0}<"))
                                        on:change=move |ev| strategy.set(event_target_value(&ev))></select>
                                    <label>"intensity "
                                        <input class="small num" aria-label="Intensity" prop:value=move || intensity.get()
                                            on:input=move |ev| intensity.set(event_target_value(&ev)) />
                                    </label>
                                    <label>"period "
                                        <input class="small num" aria-label="Period" prop:value=move || period.get()
                                            on:input=move |ev| period.set(event_target_value(&ev)) />
                                        " s"
                                    </label>
                                    {children_choice("Children's restart type", RESTART_TYPES, restart_type, forked)}
                                    {children_choice("Children's shutdown", SHUTDOWNS, shutdown, forked)}
                                    <button type="button" on:click=move |_| {
                                        let num = |v: RwSignal<String>, what: &str, min: u32| match v.get_untracked().trim().parse::<u32>() {
                                            Ok(n) if n >= min => Ok(n),
                                            _ => Err(format!("The {what} is a whole number of at least {min}, not \"{}\".", v.get_untracked().trim())),
                                        };
                                        match (num(intensity, "intensity", 0), num(period, "period", 1)) {
                                            (Ok(i), Ok(p)) => {
                                                let chosen = |v: RwSignal<String>| Some(v.get_untracked()).filter(|v| !v.is_empty());
                                                restart(id, Settings {
                                                    strategy: Some(strategy.get_untracked()),
                                                    intensity: Some(i),
                                                    period: Some(p),
                                                    restart: chosen(restart_type),
                                                    shutdown: chosen(shutdown),
                                                })
                                            }
                                            (Err(e), _) | (_, Err(e)) => problem.set(Some(e)),
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
                                <SupervisionTree lab=h fit=true />
                                <details class="sandbox-tools" on:toggle=move |_| open.update(|o| *o = !*o)>
                                    <summary>"Inspector, console and log"</summary>
                                    <Inspector lab=h />
                                    <Console lab=h />
                                    <EventLog lab=h visible=Signal::derive(move || open.get()) />
                                </details>
                            </article>
                        }
                    }).collect_view()}
            </div>
        </section>
    }
}

/// The children's restart types a sandbox offers (value, label; "" keeps the tree's).
const RESTART_TYPES: &[(&str, &str)] = &[
    ("", "restart: as in the tree"),
    ("permanent", "permanent"),
    ("transient", "transient"),
    ("temporary", "temporary"),
];

/// The children's shutdowns a sandbox offers.
const SHUTDOWNS: &[(&str, &str)] = &[
    ("", "shutdown: as in the tree"),
    ("brutal_kill", "brutal_kill"),
    ("5000", "5000 ms"),
    ("infinity", "infinity"),
];

/// A choice for every child of the root: from time 0, so not in a fork (OTP cannot change
/// it while the tree runs).
fn children_choice(
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    value: RwSignal<String>,
    forked: RwSignal<Option<u64>>,
) -> impl IntoView {
    view! {
        <select aria-label=label disabled=move || forked.get().is_some()
            title="Every child of the root, from time 0 (OTP cannot change it while the tree runs)"
            on:change=move |ev| value.set(event_target_value(&ev))>
            {options.iter().map(|(v, l)| view! { <option value=*v selected=value.get_untracked() == *v>{*l}</option> }).collect_view()}
        </select>
    }
}

/// A sandbox's settings in a few words.
fn describe(s: &Settings) -> String {
    let mut parts = Vec::new();
    if let Some(st) = &s.strategy {
        parts.push(st.clone());
    }
    if let Some(i) = s.intensity {
        parts.push(format!("intensity {i}"));
    }
    if let Some(p) = s.period {
        parts.push(format!("period {p} s"));
    }
    if let Some(r) = &s.restart {
        parts.push(format!("children {r}"));
    }
    if let Some(d) = &s.shutdown {
        parts.push(format!("shutdown {d}"));
    }
    if parts.is_empty() {
        "as in the Lab".into()
    } else {
        parts.join(", ")
    }
}
