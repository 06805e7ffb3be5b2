//! Watching and steering restarts: the Lab's pause and step, the three strategies, restart
//! intensity, escalation in nested trees, and reading a restart storm.

use crate::{
    is_dead, is_running, restarts, typed_in_order, Block::Code, Block::Console, Block::P, Lesson,
    Prediction, Step, Task,
};
use otp_lab_session::experiment::Run;

/// True when the shell asked a supervisor to count its children after `n` restarts had
/// been logged (the call as the log has it, in order).
fn counted_after_restarts(run: &Run, n: usize) -> bool {
    let mut restarts = 0;
    for l in run.lab.log_lines(0, run.lab.log_len()) {
        match l.kind {
            "restart" => restarts += 1,
            "call" if restarts >= n && l.text.contains("count_children") => return true,
            _ => {}
        }
    }
    false
}

pub const LAB_TOOLS: Lesson = Lesson {
    id: "lab_tools",
    title: "The Lab's tools: pause, step, change strategy",
    prose: &[
        P("The next lessons are about what a supervisor does when a child dies, and it all happens within a millisecond. Before them, the Lab's tools for slowing it down. Press Pause beside the sandbox and then Step ›: the simulation moves one event at a time — the kill, the exit signal, the supervisor's `'EXIT'`, the restart — and ‹ Back goes one event back. The event log and the Sequence view follow."),
        P("In OTP, `sys:suspend/1` pauses a supervisor entirely — it takes no message, not even a child's `'EXIT'`, until `sys:resume/1` — and a release upgrade's `code_change` can change its flags. The Lab's own tools are made for watching a crash: `Lab.pause` keeps the supervisor answering calls but stops its restarts, `Lab.resume` restarts what the pause left down, and `Lab.change_strategy` switches the strategy while the tree runs, without an upgrade."),
        Code {
            elixir: ":sys.suspend(:root)\n:sys.resume(:root)",
            erlang: "sys:suspend(root).\nsys:resume(root).",
        },
        Console(&["Lab.pause(:root)", "Process.exit(\"root/a\", :kill)", "Lab.resume(:root)", "Lab.change_strategy(:root, :one_for_all)", "Process.exit(\"root/b\", :kill)"]),
    ],
    sandbox: "one_for_one",
    tasks: &[
        Task {
            id: "pause",
            text: "Pause root, kill a (it stays down), then resume root.",
            check: |r, l| typed_in_order(l, &["pause(", "root/a", "resume("]) && restarts(r, "root/a") >= 1,
        },
        Task {
            id: "strategy",
            text: "Switch root to one_for_all and kill b: all three restart.",
            check: |r, l| typed_in_order(l, &["change_strategy(", "root/b"]) && ["root/a", "root/b", "root/c"].iter().all(|p| restarts(r, p) >= 1),
        },
    ],
    hints: &["Lab.pause(:root), Process.exit(\"root/a\", :kill), Lab.resume(:root)"],
    prediction: None,
    solution: &[
        Step::Line("Lab.pause(:root)"),
        Step::Line("Process.exit(\"root/a\", :kill)"),
        Step::Line("Lab.resume(:root)"),
        Step::Line("Lab.change_strategy(:root, :one_for_all)"),
        Step::Line("Process.exit(\"root/b\", :kill)"),
    ],
};

pub const ONE_FOR_ONE: Lesson = Lesson {
    id: "one_for_one",
    title: "one_for_one",
    prose: &[
        P("A supervisor restarts children by its strategy. With `one_for_one`, only the child that died is restarted; its siblings keep running with the same pids."),
        Code {
            elixir: "# in the supervisor's init/1\nchildren = [A, B, C]\nSupervisor.init(children, strategy: :one_for_one)",
            erlang: "%% what the supervisor's init/1 returns\n{ok, {#{strategy => one_for_one}, [ChildA, ChildB, ChildC]}}",
        },
        Console(&["Process.exit(\"root/b\", :kill)"]),
    ],
    sandbox: "one_for_one",
    tasks: &[Task {
        id: "only_b",
        text: "Kill b: only b restarts; a and c keep their pids.",
        check: |r, _| restarts(r, "root/b") >= 1 && restarts(r, "root/a") == 0 && restarts(r, "root/c") == 0,
    }],
    hints: &["Predict first, then press Run (or kill b yourself)."],
    prediction: Some(Prediction {
        question: "When b is killed, which processes get a new pid?",
        line: "Process.exit(\"root/b\", :kill)",
    }),
    solution: &[Step::Line("Process.exit(\"root/b\", :kill)")],
};

pub const ONE_FOR_ALL: Lesson = Lesson {
    id: "one_for_all",
    title: "one_for_all",
    prose: &[
        P("With `one_for_all`, when one child dies the supervisor terminates all the others (in reverse start order) and starts them all again. Use it when children cannot work without each other."),
        Code {
            elixir: "# in the supervisor's init/1\nSupervisor.init(children, strategy: :one_for_all)",
            erlang: "%% what the supervisor's init/1 returns\n{ok, {#{strategy => one_for_all}, Children}}",
        },
        Console(&["Process.exit(\"root/b\", :kill)"]),
    ],
    sandbox: "one_for_all",
    tasks: &[Task {
        id: "all",
        text: "Kill b and see every child restart.",
        check: |r, _| ["root/a", "root/b", "root/c"].iter().all(|p| restarts(r, p) >= 1),
    }],
    hints: &["The log shows the supervisor shutting down a and c before starting all three."],
    prediction: Some(Prediction {
        question: "When b is killed, which processes get a new pid?",
        line: "Process.exit(\"root/b\", :kill)",
    }),
    solution: &[Step::Line("Process.exit(\"root/b\", :kill)")],
};

pub const REST_FOR_ONE: Lesson = Lesson {
    id: "rest_for_one",
    title: "rest_for_one",
    prose: &[
        P("With `rest_for_one`, the child that died and every child started after it are restarted; the ones started before are left alone. Order children by dependency: the api depends on the cache, the cache on the db."),
        Code {
            elixir: "# in the supervisor's init/1\nSupervisor.init([Db, Cache, Api], strategy: :rest_for_one)",
            erlang: "%% what the supervisor's init/1 returns\n{ok, {#{strategy => rest_for_one}, [Db, Cache, Api]}}",
        },
        Console(&["Process.exit(\"root/cache\", :kill)"]),
    ],
    sandbox: "rest_for_one",
    tasks: &[Task {
        id: "rest",
        text: "Kill the cache: cache and api restart, db does not.",
        check: |r, _| restarts(r, "root/cache") >= 1 && restarts(r, "root/api") >= 1 && restarts(r, "root/db") == 0,
    }],
    hints: &["Children started after the cache: look at the order in the tree."],
    prediction: Some(Prediction {
        question: "When the cache is killed, which processes get a new pid?",
        line: "Process.exit(\"root/cache\", :kill)",
    }),
    solution: &[Step::Line("Process.exit(\"root/cache\", :kill)")],
};

pub const INTENSITY: Lesson = Lesson {
    id: "intensity",
    title: "Restart intensity",
    prose: &[
        P("A supervisor allows at most `intensity` restarts in `period` seconds. One more and it gives up: it terminates its children and exits with reason `shutdown`, so the failure travels up the tree — its parent restarts it only if its child spec is `permanent`, the default for supervisors. The meter under each supervisor shows the restarts used. The defaults differ: Elixir's `Supervisor` allows 3 restarts in 5 s, Erlang's `supervisor` 1 in 5 s."),
        Code {
            elixir: "# in the supervisor's init/1\nSupervisor.init(children, strategy: :one_for_one, max_restarts: 3, max_seconds: 5)",
            erlang: "%% what the supervisor's init/1 returns\n{ok, {#{strategy => one_for_one, intensity => 3, period => 5}, Children}}",
        },
        Console(&["Process.exit(\"demo/printer\", :kill)"]),
    ],
    sandbox: "demo",
    tasks: &[Task {
        id: "give_up",
        text: "Make the demo supervisor give up.",
        check: |r, _| is_dead(r, "demo"),
    }],
    hints: &["Four kills within five seconds.", "Kill the printer again as soon as it is back."],
    prediction: None,
    solution: &[
        Step::Line("Process.exit(\"demo/printer\", :kill)"),
        Step::Line("Process.exit(\"demo/printer\", :kill)"),
        Step::Line("Process.exit(\"demo/printer\", :kill)"),
        Step::Line("Process.exit(\"demo/printer\", :kill)"),
    ],
};

pub const ESCALATION: Lesson = Lesson {
    id: "escalation",
    title: "Escalation in nested trees",
    prose: &[
        P("Supervisors supervise supervisors. When an inner supervisor gives up, it exits with reason `shutdown`; its parent sees a child exit and, since the inner supervisor's spec is `permanent` (the default for supervisors), restarts it by the parent's own strategy and intensity — each such restart counts against the parent's intensity too. The rest of the application keeps running. (A `transient` supervisor would not be restarted: `shutdown` is a normal exit for it.)"),
        Code {
            elixir: "# in the application supervisor's init/1\nchildren = [RepoSup, WebSup, {DynamicSupervisor, name: Jobs}, Telemetry]",
            erlang: "#{id => repo_sup, start => {repo_sup, start_link, []}, type => supervisor, restart => permanent}.",
        },
        Console(&["Process.exit(\"app/repo_sup/repo\", :kill)"]),
    ],
    sandbox: "application",
    tasks: &[Task {
        id: "escalate",
        text: "Make repo_sup give up so that app restarts it, while app keeps running.",
        check: |r, _| restarts(r, "app/repo_sup") >= 1 && is_running(r, "app"),
    }],
    hints: &["repo_sup allows 2 restarts in 5 s: kill repo three times."],
    prediction: None,
    solution: &[
        Step::Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
        Step::Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
        Step::Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
    ],
};

pub const ANALYTICS: Lesson = Lesson {
    id: "analytics",
    title: "Reading a restart storm",
    prose: &[
        P("This tree runs a chaos script: every 300 ms a random worker is killed with probability 0.7. Open Analytics under the tree: the restart rate, recovery times and the intensity meter tell you how close the supervisor is to giving up."),
        P("Ask the supervisor how it is doing from the console while the storm runs."),
        Code {
            elixir: "Supervisor.count_children(:root)",
            erlang: "supervisor:count_children(root).",
        },
        Console(&["Supervisor.count_children(:root)"]),
    ],
    sandbox: "restart_storm",
    tasks: &[Task {
        id: "observe",
        text: "Count root's children after at least three restarts, while root still runs.",
        check: |r, _| counted_after_restarts(r, 3),
    }],
    hints: &["The storm is already running and root gives up within seconds: when the counters show three restarts, press Pause, then count_children (Reset to try again)."],
    prediction: None,
    solution: &[Step::Wait(2_000), Step::Line("Supervisor.count_children(:root)")],
};
