//! The Lessons page: the course list with progress, and the open lesson — its prose (with
//! code in Elixir and Erlang), a sandbox (tree, console, log), tasks checked live against
//! the simulation, hints, a predict-then-run question, and for the capstone a tree editor.
//! Progress is saved in localStorage; a corrupted store resets cleanly.

use std::collections::BTreeSet;
use std::fmt::Write;
use wasm_bindgen::JsCast;

use leptos::prelude::*;

use crate::components::console::Console;
use crate::components::dashboard::Dashboard;
use crate::components::event_log::EventLog;
use crate::components::inspector::Inspector;
use crate::components::sequence::SequenceView;
use crate::components::tree::SupervisionTree;
use crate::driver::LabHandle;
use otp_lab_lab::sequence::svg::esc;
use otp_lab_lessons::progress::{Progress, STORAGE_KEY};
use otp_lab_lessons::{lesson, Block, Lesson, Prediction, LESSONS};
use otp_lab_session::experiment::Experiment;
use otp_lab_session::share::ShareLink;

/// Loads the saved progress; a damaged store is reset (and the learner told).
fn load_progress() -> (Progress, Option<String>) {
    let store = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    let Some(store) = store else {
        return (Progress::default(), None);
    };
    match store.get_item(STORAGE_KEY).ok().flatten() {
        None => (Progress::default(), None),
        Some(text) => match Progress::from_text(&text) {
            Ok(p) => (p, None),
            Err(e) => {
                let _ = store.remove_item(STORAGE_KEY);
                (
                    Progress::default(),
                    Some(format!(
                        "Your saved progress could not be read ({e}) and was reset."
                    )),
                )
            }
        },
    }
}

fn save_progress(p: &Progress) {
    if let Some(store) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = store.set_item(STORAGE_KEY, &p.to_text());
    }
}

/// Text with `` `code` `` spans as code elements (text only, never markup).
fn spans(text: &'static str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, s)| {
            if i % 2 == 1 {
                view! { <code>{s}</code> }.into_any()
            } else {
                view! { <span>{s}</span> }.into_any()
            }
        })
        .collect_view()
}

/// A table of the lesson's prose: headings, then rows, each cell with code spans.
fn table(head: &'static [&'static str], rows: &'static [&'static [&'static str]]) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="lesson-table">
                <thead><tr>{head.iter().map(|h| view! { <th scope="col">{spans(h)}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.iter().map(|r| view! {
                        <tr>
                            {r.iter().enumerate().map(|(i, c)| if i == 0 {
                                view! { <th scope="row">{spans(c)}</th> }.into_any()
                            } else {
                                view! { <td>{spans(c)}</td> }.into_any()
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn Lessons(
    /// A link shared from a lesson: its lesson, experiment and progress.
    shared: Option<ShareLink>,
) -> impl IntoView {
    let (saved, problem) = load_progress();
    let progress = RwSignal::new(saved);
    let notice = RwSignal::new(problem);
    // the lesson the address names, else the one the learner was at
    let named = crate::driver::lesson_in_location();
    if let Some(id) = named.as_deref().filter(|id| lesson(id).is_none()) {
        notice.set(Some(format!(
            "There is no lesson \"{}\" here: showing the one you were at.",
            id.chars().take(40).collect::<String>()
        )));
    }
    let current = RwSignal::new(
        named
            .or_else(|| progress.with_untracked(|p| p.current.clone()))
            .and_then(|id| lesson(&id).map(|l| l.id))
            .unwrap_or(LESSONS[0].id),
    );
    // the shared lesson opens on the shared experiment, its progress merged into ours
    let start_from = StoredValue::new(None::<(&'static str, Experiment)>);
    if let Some(link) = shared {
        match link.lesson.as_deref().and_then(lesson) {
            Some(l) => {
                current.set(l.id);
                start_from.set_value(Some((l.id, link.experiment.clone())));
            }
            None => notice.set(Some(
                "The shared link names a lesson this site does not have.".into(),
            )),
        }
        if let Some(text) = link.progress {
            match Progress::from_text(&text) {
                Ok(theirs) => progress.update(|p| {
                    for (l, tasks) in theirs.done {
                        for t in tasks {
                            p.mark(&l, &t);
                        }
                    }
                }),
                Err(e) => notice.set(Some(format!(
                    "The shared progress could not be read ({e})."
                ))),
            }
        }
    }
    view! {
        <section class="panel lessons" aria-labelledby="lessons-title">
            <div class="lessons-layout">
                <nav class="lesson-list" aria-labelledby="lessons-title">
                    <h2 id="lessons-title">"Lessons"</h2>
                    <p class="error" role="alert">{move || notice.get()}</p>
                    <ol class="plain">
                        {LESSONS.iter().map(|l| {
                            let id = l.id;
                            view! {
                                <li>
                                    // a real link: each lesson has its address (#lesson/<id>)
                                    <a
                                        class="lesson-link"
                                        href=format!("#lesson/{id}")
                                        aria-current=move || (current.get() == id).then_some("page")
                                        on:click=move |ev| {
                                            if ev.button() == 0 && !ev.ctrl_key() && !ev.meta_key() && !ev.shift_key() {
                                                ev.prevent_default();
                                                current.set(id);
                                            }
                                        }
                                    >
                                        <span class="done" aria-hidden="true">
                                            {move || if progress.with(|p| p.complete(id)) { "✓" } else { "" }}
                                        </span>
                                        {lesson_title(l)}
                                        <span class="sr-only">{move || if progress.with(|p| p.complete(id)) { " (complete)" } else { "" }}</span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </nav>
                {move || {
                    let id = current.get();
                    let l = lesson(id).unwrap_or(&LESSONS[0]);
                    progress.update(|p| p.current = Some(l.id.to_string()));
                    save_progress(&progress.get_untracked());
                    // a shared experiment is used once, for its own lesson (its link stays
                    // in the address bar); any other lesson shows its own address
                    let shared = start_from
                        .try_update_value(|s| s.take())
                        .flatten()
                        .filter(|(sid, _)| *sid == l.id)
                        .map(|(_, e)| e);
                    if shared.is_none() {
                        crate::driver::show_lesson_address(l.id);
                    }
                    let start = shared.unwrap_or_else(|| l.experiment());
                    view! { <LessonView lesson=l progress=progress start=start /> }
                }}
            </div>
        </section>
    }
}

/// A lesson's numbered title: "6. Exit reasons".
fn lesson_title(l: &Lesson) -> String {
    let n = LESSONS.iter().position(|x| x.id == l.id).unwrap_or(0) + 1;
    format!("{n}. {}", l.title)
}

#[component]
fn LessonView(
    lesson: &'static Lesson,
    progress: RwSignal<Progress>,
    start: Experiment,
) -> impl IntoView {
    let lab = LabHandle::from_experiment(start);
    lab.start();
    let shared = RwSignal::new(None::<String>);
    let share = move |_| {
        let mut l = lab.share_link();
        l.lesson = Some(lesson.id.to_string());
        l.progress = Some(progress.get_untracked().to_text());
        l.tab = None;
        leptos::task::spawn_local(async move {
            let url = crate::driver::page_url(&l, "").await;
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&url);
            }
            shared.set(Some(url));
        });
    };
    let hints_shown = RwSignal::new(0usize);
    let passed = RwSignal::new(vec![false; lesson.tasks.len()]);
    // tasks are checked against the simulation as it runs
    // (only when something happened: checks scan the log, frames come 60 times a second)
    let checked = StoredValue::new(None::<(usize, usize, u64)>);
    Effect::new(move |_| {
        let key = lab.status.with(|s| s.now_us / 1_000_000);
        let typed = lab.console.with(|c| c.len());
        let logged = lab.log_len();
        if checked.get_value() == Some((logged, typed, key)) {
            return;
        }
        checked.set_value(Some((logged, typed, key)));
        let now = lab
            .with_run(|run, lines| lesson.passed(run, lines))
            .unwrap_or_default();
        if now != passed.get_untracked() {
            progress.update(|p| {
                for (t, ok) in lesson.tasks.iter().zip(&now) {
                    if *ok {
                        p.mark(lesson.id, t.id);
                    }
                }
            });
            save_progress(&progress.get_untracked());
            passed.set(now);
        }
    });
    let log_tab = RwSignal::new(true);
    let seq_open = RwSignal::new(false);
    view! {
        <article class="lesson" aria-labelledby="lesson-title">
            <div class="lesson-text">
                <h2 id="lesson-title">{lesson_title(lesson)}</h2>
                {lesson.prose.iter().map(|b| match *b {
                    Block::P(t) => view! { <p>{spans(t)}</p> }.into_any(),
                    Block::Table { head, rows } => table(head, rows).into_any(),
                    Block::Code { elixir, erlang } => view! {
                        <div class="code-pair">
                            <figure><figcaption>"Elixir"</figcaption><pre><code>{elixir}</code></pre></figure>
                            <figure><figcaption>"Erlang"</figcaption><pre><code>{erlang}</code></pre></figure>
                        </div>
                    }.into_any(),
                    Block::Console(lines) => view! {
                        <figure class="console-block" data-console="">
                            <figcaption>"In the Lab's console"</figcaption>
                            <ul class="plain">
                                {lines.iter().map(|line| view! {
                                    <li>
                                        <code>{*line}</code>
                                        <button type="button" class="small"
                                            aria-label=format!("Run {line} in the lesson's console")
                                            on:click=move |_| lab.run_line(line)>"Run"</button>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </figure>
                    }.into_any(),
                }).collect_view()}
                <h3>"Tasks"</h3>
                <ul class="plain tasks">
                    {lesson.tasks.iter().enumerate().map(|(i, t)| view! {
                        <li class=move || if passed.with(|p| p.get(i).copied().unwrap_or(false)) { "task done" } else { "task" }
                            data-task=t.id>
                            <span class="task-mark" aria-hidden="true">
                                {move || if passed.with(|p| p.get(i).copied().unwrap_or(false)) { "✓" } else { "○" }}
                            </span>
                            {t.text}
                            <span class="sr-only">{move || if passed.with(|p| p.get(i).copied().unwrap_or(false)) { " (done)" } else { " (to do)" }}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <p class="lesson-status" role="status">
                    {move || if passed.with(|p| p.iter().all(|x| *x)) { "All tasks done. On to the next lesson!" } else { "" }}
                </p>
                {lesson.prediction.map(|p| view! { <Predict prediction=p lab=lab /> })}
                {(lesson.id == "capstone").then(|| view! { <TreeEditor lesson=lesson lab=lab /> })}
                <div class="hints">
                    <button type="button" on:click=move |_| hints_shown.update(|h| *h = (*h + 1).min(lesson.hints.len()))
                        disabled=move || { hints_shown.get() >= lesson.hints.len() }>"Show a hint"</button>
                    <ul class="plain">
                        {move || lesson.hints.iter().take(hints_shown.get()).map(|h| view! { <li class="hint">{*h}</li> }).collect_view()}
                    </ul>
                </div>
            </div>
            <div class="lesson-lab">
                <div class="lesson-controls">
                    <button type="button" class="primary" on:click=move |_| lab.toggle_play()>
                        {move || if lab.status.with(|s| s.playing && s.live) { "Pause" } else { "Play" }}
                    </button>
                    <button type="button" title="One event back" on:click=move |_| lab.step_back()>"‹ Back"</button>
                    <button type="button" title="One event forward" on:click=move |_| lab.step_forward()>"Step ›"</button>
                    <button type="button" on:click=move |_| lab.fast_forward(10_000_000)>"+10 s"</button>
                    <button type="button" on:click=move |_| lab.load_experiment(lesson.experiment())>"Reset sandbox"</button>
                    <button type="button" on:click=share>"Share lesson"</button>
                    <span class="clock-value">{move || lab.status.with(|s| s.now.clone())}</span>
                </div>
                <input class="small shared-text" readonly aria-label="Shared lesson link"
                    hidden=move || shared.with(|s| s.is_none())
                    prop:value=move || shared.get().unwrap_or_default() />
                // scaled down to the sandbox's width: a deep tree shows whole
                <SupervisionTree lab=lab fit=true />
                <Console lab=lab />
                // what a lesson asks the learner to look at is on its page: the inspector
                // (click a process), and the analytics
                <Inspector lab=lab />
                <details class="lesson-log lesson-analytics">
                    <summary>"Analytics"</summary>
                    <Dashboard lab=lab />
                </details>
                <details class="lesson-log" on:toggle=move |_| log_tab.update(|v| *v = !*v)>
                    <summary>"Event log"</summary>
                    <EventLog lab=lab visible=Signal::derive(move || log_tab.get()) />
                </details>
                <details class="lesson-log lesson-seq" on:toggle=move |_| seq_open.update(|v| *v = !*v)>
                    <summary>"Sequence"</summary>
                    <SequenceView lab=lab visible=Signal::derive(move || seq_open.get()) />
                </details>
            </div>
        </article>
    }
}

/// Predict, then run: tick the processes that will get a new pid, then Run.
#[component]
fn Predict(prediction: Prediction, lab: LabHandle) -> impl IntoView {
    let guess = RwSignal::new(BTreeSet::<String>::new());
    let verdict = RwSignal::new(None::<(bool, BTreeSet<String>)>);
    let paths = move || {
        lab.tree.with(|cells| {
            cells
                .iter()
                .skip(1)
                .map(|c| c.path.clone())
                .collect::<Vec<_>>()
        })
    };
    // a checkbox per process (ticked as guessed), as HTML; a change toggles its path
    let choices = move || {
        let mut html = String::new();
        for p in paths() {
            let on = guess.with_untracked(|g| g.contains(&p));
            let p = esc(&p);
            let _ = write!(
                html,
                r#"<label><input type="checkbox" data-path="{p}"{}>{p}</label>"#,
                if on { " checked" } else { "" }
            );
        }
        html
    };
    let run = move |_| {
        // the truth, from a replay of the experiment so far plus the line
        let exp = lab.experiment();
        let now = lab.status.with_untracked(|s| s.head_us);
        if let Some((truth, ok)) = prediction.check(&exp, now, &guess.get_untracked()) {
            verdict.set(Some((ok, truth)));
        }
        lab.run_line(prediction.line);
    };
    view! {
        <fieldset class="predict">
            <legend>"Predict, then run"</legend>
            <p>{prediction.question}</p>
            <div class="choices" inner_html=choices on:change=move |ev| {
                let el = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                if let Some(q) = el.and_then(|e| e.get_attribute("data-path")) {
                    guess.update(|g| { if !g.remove(&q) { g.insert(q); } });
                }
            }>
            </div>
            <button type="button" class="primary" on:click=run>"Run: " <code>{prediction.line}</code></button>
            <p class="verdict" role="status">
                {move || verdict.get().map(|(ok, truth)| {
                    let names: Vec<String> = truth.into_iter().collect();
                    if ok {
                        format!("Right: {} restarted.", names.join(", "))
                    } else {
                        format!("Not quite: {} restarted.", names.join(", "))
                    }
                })}
            </p>
        </fieldset>
    }
}

/// The capstone's tree editor: the learner's tree, with the lesson's chaos script.
#[component]
fn TreeEditor(lesson: &'static Lesson, lab: LabHandle) -> impl IntoView {
    let text = RwSignal::new(otp_lab_lessons::CAPSTONE_GIVEN.to_string());
    // why the design holds or falls, read from the run twice a (virtual) second
    let verdict = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let _tick = lab.status.with(|s| s.now_us / 500_000);
        let now = lab
            .with_run(|run, _| otp_lab_lessons::capstone_verdict(run))
            .unwrap_or_default();
        if now != verdict.get_untracked() {
            verdict.set(now);
        }
    });
    let problem = RwSignal::new(None::<String>);
    view! {
        <div class="tree-editor">
            <label for="capstone-tree">"Your tree (JSON)"</label>
            <textarea id="capstone-tree" rows="16" spellcheck="false" wrap="off"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="button" class="primary" on:click=move |_| {
                match lesson.with_tree(&text.get_untracked()) {
                    Ok(exp) => {
                        problem.set(None);
                        lab.load_experiment(exp);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            }>"Apply tree"</button>
            <p class="error" role="alert">{move || problem.get()}</p>
            <section class="capstone-verdict" aria-label="Verdict" role="status">
                <h4>"Verdict"</h4>
                <ul>
                    {move || verdict.get().into_iter().map(|v| view! { <li>{v}</li> }).collect_view()}
                </ul>
            </section>
        </div>
    }
}
