//! Designing a tree: let it crash, the error kernel, ordering by dependency, and what an
//! application does when its top supervisor gives up; then the capstone.

use crate::{
    is_dead, is_running, node, restarts, Block::Code, Block::Console, Block::P, Lesson, Step, Task,
};
use otp_lab_session::experiment::Run;

/// A scenario of the capstone's tree (after other members, `$head`), with root's strategy
/// and the leaf supervisors' intensity (in 5 s): a stateful `store`, a web layer whose
/// connections fail often, and jobs that fail now and then.
macro_rules! capstone_tree {
    ($head:literal, $root:literal, $leaves:literal) => {
        concat!(
            "{",
            $head,
            r#""tree":{"id":"root","strategy":""#,
            $root,
            r#"","intensity":3,"period":5,"children":[
  {"id":"store","behaviour":"counter","init_delay":20},
  {"id":"web","kind":"supervisor","strategy":"one_for_one","intensity":"#,
            $leaves,
            r#","period":5,"children":[
    {"id":"endpoint","behaviour":"printer","init_delay":5},
    {"id":"conns","kind":"supervisor","strategy":"one_for_one","intensity":"#,
            $leaves,
            r#","period":5,"children":[
      {"id":"conn_1","behaviour":"counter","init_delay":2},
      {"id":"conn_2","behaviour":"counter","init_delay":2},
      {"id":"conn_3","behaviour":"counter","init_delay":2}]}]},
  {"id":"jobs","kind":"supervisor","strategy":"one_for_one","intensity":"#,
            $leaves,
            r#","period":5,"children":[
    {"id":"job_1","behaviour":"counter","init_delay":5},
    {"id":"job_2","behaviour":"counter","init_delay":5}]}]}}"#
        )
    };
}

/// The capstone's tree as given (for its editor): root `one_for_all`, and leaf
/// supervisors that give up at their second restart.
pub const CAPSTONE_GIVEN: &str = capstone_tree!("", "one_for_all", 1);

/// The capstone's sandbox: the given tree under chaos at three levels — connections often,
/// jobs now and then, the endpoint rarely.
pub const CAPSTONE_TREE: &str = capstone_tree!(
    r#""name":"capstone","seed":3,"faults":[
    {"every":250,"from":500,"probability":0.7,"op":"kill","target":"root/web/conns/*"},
    {"every":1000,"from":700,"probability":0.5,"op":"kill","target":"root/jobs/*"},
    {"every":4000,"from":3000,"probability":0.5,"op":"kill","target":"root/web/endpoint"}],"#,
    "one_for_all",
    1
);

/// A design that holds (the capstone's reference solution): root `one_for_one`, so
/// nothing below it costs the store its state; each leaf supervisor allows a restart a
/// second, and gives up into a parent that absorbs it.
pub const CAPSTONE_SOLUTION: &str = capstone_tree!("", "one_for_one", 5);

/// The processes the chaos script and the tasks name: a learner's tree keeps them all.
pub const CAPSTONE_PATHS: &[&str] = &[
    "root/store",
    "root/web/endpoint",
    "root/web/conns/conn_1",
    "root/web/conns/conn_2",
    "root/web/conns/conn_3",
    "root/jobs/job_1",
    "root/jobs/job_2",
];

/// True if every supervisor allows at most one restart a second on average, and at least
/// one in all (`1 <= intensity <= period`).
fn sane_intensities(run: &Run) -> bool {
    run.lab
        .tree()
        .iter()
        .filter_map(|n| n.meter.as_ref())
        .all(|m| m.intensity >= 1 && m.intensity <= m.period)
}

/// True once the chaos has run its 30 s and root still runs.
fn root_outlived_the_chaos(run: &Run) -> bool {
    run.lab.now_us() >= 30_000_000 && is_running(run, "root")
}

/// Each supervisor that gave up: its path, how many times, and when first (µs).
fn gave_up(run: &Run) -> Vec<(String, usize, u64)> {
    let mut out: Vec<(String, usize, u64)> = Vec::new();
    for l in run.lab.log_lines(0, run.lab.log_len()) {
        if l.kind != "report" || !l.text.contains("reached_max_restart_intensity") {
            continue;
        }
        let Some(sup) = l.path.as_deref() else {
            continue;
        };
        match out.iter_mut().find(|(p, _, _)| p == sup) {
            Some(g) => g.1 += 1,
            None => out.push((sup.to_string(), 1, l.t_us)),
        }
    }
    out
}

/// Why the capstone's design held or fell, in sentences read from the run: who gave up
/// and who absorbed it, whether the store kept its state, and intensities beyond bounds.
pub fn capstone_verdict(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    let secs = |t: u64| format!("{:.1} s", t as f64 / 1e6);
    let tree = run.lab.tree();
    for n in &tree {
        if let Some(m) = n
            .meter
            .as_ref()
            .filter(|m| m.intensity > m.period || m.intensity == 0)
        {
            out.push(format!(
                "{} allows {} restarts in {} s: beyond one a second, a supervisor hides a real fault instead of reporting it. Keep intensity between 1 and its period.",
                n.path, m.intensity, m.period
            ));
        }
    }
    // each supervisor that gave up, how often, and who took it from there
    let gave_up = gave_up(run);
    for (sup, times, first) in &gave_up {
        let parent = sup.rsplit_once('/').map(|(p, _)| p.to_string());
        out.push(match parent {
            Some(parent) => format!(
                "{sup} gave up {times} time{} (first at {}): more restarts than its intensity allows. {parent} restarted it{}.",
                if *times == 1 { "" } else { "s" },
                secs(*first),
                if *times == 1 { "" } else { " each time" }
            ),
            None => format!("{sup} gave up at {}: the whole tree went down with it.", secs(*first)),
        });
    }
    let store_restarts = restarts(run, "root/store");
    if store_restarts > 0 {
        let strategy = tree
            .first()
            .and_then(|n| n.strategy.clone())
            .unwrap_or_default();
        out.push(format!(
            "store lost its state: it was restarted {store_restarts} time{}. {}",
            if store_restarts == 1 { "" } else { "s" },
            if strategy == "one_for_one" {
                "It was killed or failed itself; nothing else restarts it under one_for_one."
            } else {
                "Under root's strategy, a restart of another child of root restarts the store too: keep the error kernel under a strategy that leaves it alone."
            }
        ));
    }
    if is_running(run, "root") && store_restarts == 0 {
        out.insert(
            0,
            format!(
                "The design holds so far: {} restarts in {}, and store kept its pid.",
                total_restarts(run),
                secs(run.lab.now_us())
            ),
        );
    }
    out
}

/// Automatic restarts so far, as the analytics counted them (a dead tree included).
fn total_restarts(run: &Run) -> u64 {
    run.analytics.borrow_mut().totals()[3]
}

pub const DESIGNING: Lesson = Lesson {
    id: "designing",
    title: "Designing a tree",
    prose: &[
        P("Let it crash: a worker does not defend against every failure; it dies, and its supervisor starts it again in a known good state. That works only if the state worth keeping lives where crashes do not reach: the error kernel. Put it near the top of the tree, under supervisors that rarely restart anything, and push the risky work — connections, jobs, parsing — down into leaf subtrees of their own."),
        P("Order children by dependency: what others need starts first (and, by the reverse shutdown order, stops last). Group processes that cannot live without each other under `one_for_all` or `rest_for_one`, and keep independent branches apart under `one_for_one`, so one branch's crashes cost the others nothing."),
        P("Give each supervisor an intensity that says \"this is no longer a transient fault\": a few restarts in a few seconds. When a supervisor gives up, its parent decides — and when the top supervisor gives up, the application stops. Started `:permanent` (as a release starts it), the whole node then shuts down; `:temporary` (the default of `Application.start/2`), only that application stops, and it is reported."),
        Code {
            elixir: "# in the application's start/2\nchildren = [Repo.Supervisor, Web.Supervisor, {DynamicSupervisor, name: Jobs}, Telemetry]\nSupervisor.start_link(children, strategy: :one_for_one, name: App.Supervisor)",
            erlang: "%% what the top supervisor's init/1 returns\n{ok, {#{strategy => one_for_one, intensity => 3, period => 5},\n      [RepoSup, WebSup, JobsSup, Telemetry]}}",
        },
        P("This application keeps its data under `repo_sup` (`rest_for_one`: the cache depends on the repo), its web layer under `web_sup` (`one_for_all`: the endpoint and pubsub go together), and its jobs in a pool."),
        Console(&["Process.exit(\"app/web_sup/pubsub\", :kill)", "Process.exit(\"app/repo_sup\", :kill)"]),
    ],
    sandbox: "application",
    tasks: &[
        Task {
            id: "leaf",
            text: "Kill pubsub: its branch restarts together, and repo, the error kernel, keeps its pid.",
            check: |r, _| {
                restarts(r, "app/web_sup/pubsub") >= 1
                    && restarts(r, "app/web_sup/endpoint") >= 1
                    && restarts(r, "app/repo_sup/repo") == 0
            },
        },
        Task {
            id: "top",
            text: "Make app itself give up: the application is gone.",
            check: |r, _| is_dead(r, "app"),
        },
    ],
    hints: &[
        "Process.exit(\"app/web_sup/pubsub\", :kill): web_sup is one_for_all.",
        "app allows 3 restarts in 5 s: kill one of its children (a supervisor counts) four times.",
    ],
    prediction: None,
    solution: &[
        Step::Line("Process.exit(\"app/web_sup/pubsub\", :kill)"),
        Step::Line("Process.exit(\"app/telemetry\", :kill)"),
        Step::Line("Process.exit(\"app/telemetry\", :kill)"),
        Step::Line("Process.exit(\"app/telemetry\", :kill)"),
        Step::Line("Process.exit(\"app/telemetry\", :kill)"),
    ],
};

pub const CAPSTONE: Lesson = Lesson {
    id: "capstone",
    title: "Capstone: a tree that survives chaos",
    prose: &[
        P("This tree has an error kernel — `store`, whose state must outlive the failures around it — a web layer whose connections crash often (a chaos script kills one every 250 ms with probability 0.7), jobs that crash now and then (every second, 0.5), and an endpoint that crashes rarely (every 4 s, 0.5). As given, it falls within seconds, and takes the store with it."),
        P("Redesign it so that after 30 virtual seconds root still runs, `store` has kept its first pid, and every connection and job is there. Choose each supervisor's strategy and intensity — but no supervisor may allow more than one restart a second on average (intensity at most its period): a leaf that is failing that fast should give up and let its parent restart it whole. Keep every process the chaos script names; move the supervisors' parameters, not the failures."),
        P("Edit the tree (JSON: each supervisor with its strategy, intensity, period and children) and press Apply: the chaos script stays. Then press Play and fast-forward; the verdict under the editor says why the design held or fell."),
        Code {
            elixir: "# in the root supervisor's init/1\nchildren = [Store, Web.Supervisor, Jobs.Supervisor]\nSupervisor.init(children, strategy: :one_for_one, max_restarts: 3, max_seconds: 5)",
            erlang: "%% what the root supervisor's init/1 returns\n{ok, {#{strategy => one_for_one, intensity => 3, period => 5},\n      [Store, WebSup, JobsSup]}}",
        },
    ],
    sandbox: CAPSTONE_TREE,
    tasks: &[
        Task {
            id: "survive",
            text: "After 30 s of chaos, root runs, store kept its pid, every connection and job is there, and no supervisor allows more than one restart a second (intensity ≤ period).",
            check: |r, _| {
                root_outlived_the_chaos(r)
                    && restarts(r, "root/store") == 0
                    && is_running(r, "root/store")
                    && CAPSTONE_PATHS.iter().all(|p| node(r, p).is_some())
                    && sane_intensities(r)
                    && total_restarts(r) >= 40
            },
        },
        Task {
            id: "contained",
            text: "A leaf supervisor gave up, and its parent restarted it: after 30 s, root still runs.",
            check: |r, _| {
                root_outlived_the_chaos(r) && gave_up(r).iter().any(|(sup, _, _)| sup != "root")
            },
        },
    ],
    hints: &[
        "Under one_for_all, any restart at root restarts the store: which strategy leaves a child alone when its siblings fail?",
        "conns cannot keep up with its chaos within one restart a second: let it give up, and give web room to restart it (5 in 5 s).",
    ],
    prediction: None,
    solution: &[Step::Tree(CAPSTONE_SOLUTION), Step::Wait(30_000)],
};
