//! The course: seventeen lessons, from a process's pid to a tree that survives chaos.

use crate::{
    is_dead, is_running, logged, node, restarts, state, typed, typed_in_order, Block::Code,
    Block::Console, Block::P, Lesson, Prediction, Step, Task,
};
use otp_lab_lab::history::{Fate, Kind, Message};
use otp_lab_lab::{NodeKind, NodeStatus};
use otp_lab_session::experiment::Run;

const RESTART_TYPES: &str = r#"{"name":"restart_types","tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":5,"children":[
    {"id":"perm","behaviour":"counter","restart":"permanent"},
    {"id":"trans","behaviour":"counter","restart":"transient"},
    {"id":"temp","behaviour":"counter","restart":"temporary"}]}}"#;

/// The capstone's sandbox: a flat tree under a chaos script.
pub const CAPSTONE: &str = r#"{"name":"capstone","seed":3,"tree":{"id":"root","strategy":"one_for_one","intensity":3,"period":5,"children":[
    {"id":"db","behaviour":"counter"},
    {"id":"cache","behaviour":"counter"},
    {"id":"api","behaviour":"printer"}]},
    "faults":[{"every":200,"from":200,"probability":0.8,"op":"kill","target":"root/*"}]}"#;

/// A tree that survives the capstone's chaos (its reference solution).
pub const CAPSTONE_SOLUTION: &str = r#"{"tree":{"id":"root","strategy":"one_for_one","intensity":30,"period":1,"children":[
    {"id":"storage","kind":"supervisor","strategy":"rest_for_one","intensity":10,"period":1,"children":[
        {"id":"db","behaviour":"counter"},
        {"id":"cache","behaviour":"counter"}]},
    {"id":"api","behaviour":"printer"}]}}"#;

/// Messages of `kind` the shell (any of its incarnations) sent or got, as the history has
/// them.
fn shell_messages(run: &Run, kind: Kind, sent: bool) -> Vec<Message> {
    let h = run.lab.history();
    h.iter()
        .filter(|m| m.kind == kind)
        .filter(|m| run.lab.path_of(if sent { m.from } else { m.to }).as_deref() == Some("shell"))
        .cloned()
        .collect()
}

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

/// Automatic restarts so far, as the analytics counted them (a dead tree included).
fn total_restarts(run: &Run) -> u64 {
    run.analytics.borrow_mut().totals()[3]
}

pub static LESSONS: &[Lesson] = &[
    Lesson {
        id: "processes",
        title: "1. Processes and pids",
        prose: &[
            P("Everything in an OTP system runs in a process: a tiny, isolated thread of execution with its own memory and a mailbox. Each has a pid such as `<0.84.0>`. Nothing is shared; processes only send each other messages."),
            P("The tree here is the demo: a supervisor registered as `demo` with two counters and a printer. Click a process to inspect it, or ask from the console."),
            Code {
                elixir: "Supervisor.which_children(:demo)\n[{_, pid, _, _} | _] = Supervisor.which_children(:demo)\nProcess.info(pid)",
                erlang: "supervisor:which_children(demo).\n[{_, Pid, _, _} | _] = supervisor:which_children(demo).\nprocess_info(Pid).",
            },
            Console(&["Supervisor.which_children(:demo)", "Process.info(\"demo/counter_1\")"]),
        ],
        sandbox: "demo",
        tasks: &[
            Task {
                id: "which",
                text: "List the demo supervisor's children with which_children.",
                check: |_, l| typed(l, "which_children"),
            },
            Task {
                id: "info",
                text: "Ask for one process's info (Process.info or process_info).",
                check: |_, l| typed(l, "Process.info(") || typed(l, "process_info("),
            },
        ],
        hints: &[
            "Type Supervisor.which_children(:demo) in the console and press Enter.",
            "Processes can be named by path in quotes: Process.info(\"demo/counter_1\").",
        ],
        prediction: None,
        solution: &[
            Step::Line("Supervisor.which_children(:demo)"),
            Step::Line("Process.info(\"demo/counter_1\")"),
        ],
    },
    Lesson {
        id: "messages",
        title: "2. Messages and mailboxes",
        prose: &[
            P("Processes talk by sending messages. A `cast` is fire-and-forget; a `call` waits for the answer. Messages queue in the receiver's mailbox until it takes them."),
            P("The printer prints what it is cast; the counters count `increment`s and answer `get_value` calls."),
            Code {
                elixir: "{_, printer, _, _} = List.keyfind(Supervisor.which_children(:demo), :printer, 0)\nGenServer.cast(printer, {:print, :hello})\n{_, counter, _, _} = List.keyfind(Supervisor.which_children(:demo), :counter_1, 0)\nGenServer.cast(counter, :increment)\nGenServer.call(counter, :get_value)",
                erlang: "{_, Printer, _, _} = lists:keyfind(printer, 1, supervisor:which_children(demo)).\ngen_server:cast(Printer, {print, hello}).\n{_, Counter, _, _} = lists:keyfind(counter_1, 1, supervisor:which_children(demo)).\ngen_server:cast(Counter, increment).\ngen_server:call(Counter, get_value).",
            },
            Console(&["GenServer.cast(\"demo/printer\", {:print, :hello})", "GenServer.cast(\"demo/counter_1\", :increment)", "GenServer.call(\"demo/counter_1\", :get_value)"]),
        ],
        sandbox: "demo",
        tasks: &[
            Task {
                id: "print",
                text: "Make the printer print something (cast it {:print, ...}).",
                check: |r, _| !state(r, "demo/printer").starts_with("{printed,0"),
            },
            Task {
                id: "count",
                text: "Increment counter_1, then read its value with a call.",
                check: |r, l| state(r, "demo/counter_1") != "0" && typed_in_order(l, &["increment", "call("]),
            },
        ],
        hints: &[
            "Casts return :ok at once; the work happens in the receiver.",
            "Look at the state field in the inspector after each message.",
        ],
        prediction: None,
        solution: &[
            Step::Line("GenServer.cast(\"demo/printer\", {:print, :hello})"),
            Step::Line("GenServer.cast(\"demo/counter_1\", :increment)"),
            Step::Line("GenServer.call(\"demo/counter_1\", :get_value)"),
        ],
    },
    Lesson {
        id: "links",
        title: "3. Links and exit signals",
        prose: &[
            P("A link ties two processes' fates: when one dies, the other receives an exit signal. A supervisor is linked to each of its children; that is how it learns that one has died."),
            P("`Process.exit(pid, :kill)` sends the untrappable `kill` signal. Watch the event log: the child exits with reason `killed` and the supervisor receives `{'EXIT', Pid, killed}`."),
            Code {
                elixir: "{_, pid, _, _} = List.keyfind(Supervisor.which_children(:demo), :counter_2, 0)\nProcess.exit(pid, :kill)",
                erlang: "{_, Pid, _, _} = lists:keyfind(counter_2, 1, supervisor:which_children(demo)).\nexit(Pid, kill).",
            },
            Console(&["Process.exit(\"demo/counter_2\", :kill)"]),
        ],
        sandbox: "demo",
        tasks: &[Task {
            id: "exit",
            text: "Kill a worker and find the supervisor's {'EXIT', ...} message in the log.",
            check: |r, _| logged(r, "signal", "{'EXIT'"),
        }],
        hints: &["Select a worker and press Kill, or use Process.exit in the console."],
        prediction: None,
        solution: &[Step::Line("Process.exit(\"demo/counter_2\", :kill)")],
    },
    Lesson {
        id: "trap_exit",
        title: "4. Trapping exits",
        prose: &[
            P("A process that does not trap exits dies when it gets an exit signal with any reason but `normal` — from a linked process that died, or from `Process.exit/2`. That includes `shutdown`, which OTP treats as an orderly stop rather than a crash: it is not logged as an error, and a transient child that exits with it is not restarted. `kill` cannot be trapped at all: the process dies with reason `killed`. A process that traps exits gets every other signal as an `{:EXIT, from, reason}` message instead — supervisors do exactly that."),
            P("Send the printer an exit signal with reason `shutdown`: it does not trap exits, so it dies; its supervisor traps them, so it survives and restarts the printer."),
            Code {
                elixir: "{_, pid, _, _} = List.keyfind(Supervisor.which_children(:demo), :printer, 0)\nProcess.exit(pid, :shutdown)\nProcess.info(Process.whereis(:demo), :trap_exit)",
                erlang: "{_, Pid, _, _} = lists:keyfind(printer, 1, supervisor:which_children(demo)).\nexit(Pid, shutdown).\nprocess_info(whereis(demo), trap_exit).",
            },
            Console(&["Process.exit(\"demo/printer\", :shutdown)", "Process.info(Process.whereis(:demo), :trap_exit)"]),
        ],
        sandbox: "demo",
        tasks: &[
            Task {
                id: "shutdown",
                text: "Send the printer an exit signal with reason :shutdown.",
                check: |r, _| logged(r, "exit", "demo/printer exited with reason shutdown"),
            },
            Task {
                id: "traps",
                text: "Look up the supervisor's trap_exit flag with Process.info.",
                check: |_, l| {
                    l.iter().any(|x| {
                        (x.contains("Process.info") || x.contains("process_info"))
                            && x.contains("demo")
                            && !x.contains("demo/")
                            // the flag asked for, or the whole info (which lists it)
                            && (x.contains("trap_exit") || !x.contains(','))
                    })
                },
            },
        ],
        hints: &["Process.exit(\"demo/printer\", :shutdown)", "Process.info(Process.whereis(:demo), :trap_exit) answers {:trap_exit, true}."],
        prediction: None,
        solution: &[
            Step::Line("Process.exit(\"demo/printer\", :shutdown)"),
            Step::Line("Process.info(Process.whereis(:demo), :trap_exit)"),
        ],
    },
    Lesson {
        id: "monitors",
        title: "5. Monitors",
        prose: &[
            P("A monitor is a one-way link: the watcher is told when the watched process dies, with a `{'DOWN', Ref, process, Pid, Reason}` message, and never dies itself."),
            P("Monitor counter_2 from the console and kill it. The `'DOWN'` message waits in the shell's mailbox until something takes it: `flush()` prints and takes every message there, in IEx as here."),
            Code {
                elixir: "{_, pid, _, _} = List.keyfind(Supervisor.which_children(:demo), :counter_2, 0)\nref = Process.monitor(pid)\nProcess.exit(pid, :kill)\nflush()",
                erlang: "{_, Pid, _, _} = lists:keyfind(counter_2, 1, supervisor:which_children(demo)).\nRef = monitor(process, Pid).\nexit(Pid, kill).\nflush().",
            },
            Console(&["ref = Process.monitor(\"demo/counter_2\")", "Process.exit(\"demo/counter_2\", :kill)", "flush()"]),
        ],
        sandbox: "demo",
        tasks: &[Task {
            id: "down",
            text: "Monitor a worker, kill it, and read the 'DOWN' message the shell received (flush()).",
            check: |r, l| {
                typed(l, "flush")
                    && shell_messages(r, Kind::Down, false)
                        .iter()
                        .any(|m| m.fate == Fate::Taken)
            },
        }],
        hints: &["Process.monitor(\"demo/counter_2\") first, then kill it, then flush()."],
        prediction: None,
        solution: &[
            Step::Line("ref = Process.monitor(\"demo/counter_2\")"),
            Step::Line("Process.exit(\"demo/counter_2\", :kill)"),
            Step::Line("flush()"),
        ],
    },
    Lesson {
        id: "one_for_one",
        title: "6. one_for_one",
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
    },
    Lesson {
        id: "one_for_all",
        title: "7. one_for_all",
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
    },
    Lesson {
        id: "rest_for_one",
        title: "8. rest_for_one",
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
    },
    Lesson {
        id: "restart_types",
        title: "9. Restart types",
        prose: &[
            P("A child's `restart` value decides whether it comes back: `permanent` always; `transient` unless it exits with `normal`, `shutdown` or `{:shutdown, term}`; `temporary` never (its spec is even removed from the supervisor)."),
            P("`Lab.crash(pid, reason)` makes a worker stop itself with that reason, as `{stop, Reason, State}` from a callback would."),
            Code {
                elixir: "%{id: :trans, start: {Counter, :start_link, []}, restart: :transient}",
                erlang: "#{id => trans, start => {counter, start_link, []}, restart => transient}.",
            },
            Console(&["Lab.crash(\"root/trans\", :normal)", "Lab.crash(\"root/temp\", :boom)"]),
        ],
        sandbox: RESTART_TYPES,
        tasks: &[
            Task {
                id: "transient",
                text: "Stop trans with reason :normal: it stays stopped.",
                check: |r, _| node(r, "root/trans").is_some_and(|n| n.status == NodeStatus::Stopped),
            },
            Task {
                id: "temporary",
                text: "Crash temp: it is gone from the supervisor for good.",
                check: |r, _| node(r, "root/temp").is_none(),
            },
        ],
        hints: &["Lab.crash(\"root/trans\", :normal)", "Lab.crash(\"root/temp\", :boom)"],
        prediction: None,
        solution: &[
            Step::Line("Lab.crash(\"root/trans\", :normal)"),
            Step::Line("Lab.crash(\"root/temp\", :boom)"),
        ],
    },
    Lesson {
        id: "intensity",
        title: "10. Restart intensity",
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
    },
    Lesson {
        id: "escalation",
        title: "11. Escalation in nested trees",
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
    },
    Lesson {
        id: "dynamic",
        title: "12. Dynamic supervisors",
        prose: &[
            P("Some children are started on demand: connections, jobs, sessions. OTP's `simple_one_for_one` supervisor holds one template child spec, and `supervisor:start_child(Pool, Args)` starts one more instance of it with `Args` appended. Elixir's `DynamicSupervisor` replaced it: it has no template — each `start_child/2` takes a whole child spec (`{Counter, \"job_4\"}` calls `Counter.start_link(\"job_4\")`) — and it takes `:max_children` and `:extra_arguments`."),
            P("The Lab models the pool as OTP's `simple_one_for_one` with a Counter template, and reads `DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})` as `supervisor:start_child(pool, [job_4])`. Each instance is named in the tree by its argument."),
            Code {
                elixir: "DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})\nDynamicSupervisor.count_children(:pool)",
                erlang: "supervisor:start_child(pool, [job_4]).\nsupervisor:count_children(pool).",
            },
            Console(&["DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})", "DynamicSupervisor.count_children(:pool)"]),
        ],
        sandbox: "dynamic",
        tasks: &[
            Task {
                id: "start",
                text: "Start job_4.",
                check: |r, _| node(r, "pool/job_4").is_some(),
            },
            Task {
                id: "count",
                text: "Count the pool's children.",
                check: |_, l| typed(l, "count_children"),
            },
        ],
        hints: &["DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})"],
        prediction: None,
        solution: &[
            Step::Line("DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})"),
            Step::Line("DynamicSupervisor.count_children(:pool)"),
        ],
    },
    Lesson {
        id: "child_api",
        title: "13. Managing children",
        prose: &[
            P("A supervisor's children can be managed by hand: `terminate_child` stops one — a permanent or transient child's spec stays, a temporary child's spec goes with it; `restart_child` starts a terminated child again; `delete_child` removes a stopped child's spec (a running child answers `{:error, :running}`). Under a `DynamicSupervisor` (or `simple_one_for_one`) there are no specs to keep: a child is terminated by its pid."),
            Code {
                elixir: "Supervisor.terminate_child(:demo, :printer)\nSupervisor.restart_child(:demo, :printer)\nSupervisor.terminate_child(:demo, :counter_2)\nSupervisor.delete_child(:demo, :counter_2)",
                erlang: "supervisor:terminate_child(demo, printer).\nsupervisor:restart_child(demo, printer).\nsupervisor:terminate_child(demo, counter_2).\nsupervisor:delete_child(demo, counter_2).",
            },
            Console(&["Supervisor.terminate_child(:demo, :printer)", "Supervisor.restart_child(:demo, :printer)", "Supervisor.terminate_child(:demo, :counter_2)", "Supervisor.delete_child(:demo, :counter_2)"]),
        ],
        sandbox: "demo",
        tasks: &[
            Task {
                id: "restart",
                text: "Terminate the printer, then restart it.",
                check: |r, l| typed_in_order(l, &["terminate_child(:demo, :printer)", "restart_child(:demo, :printer)"]) && is_running(r, "demo/printer"),
            },
            Task {
                id: "delete",
                text: "Remove counter_2 from the supervisor (terminate, then delete).",
                check: |r, _| node(r, "demo/counter_2").is_none(),
            },
        ],
        hints: &["delete_child only works on a stopped child: terminate it first."],
        prediction: None,
        solution: &[
            Step::Line("Supervisor.terminate_child(:demo, :printer)"),
            Step::Line("Supervisor.restart_child(:demo, :printer)"),
            Step::Line("Supervisor.terminate_child(:demo, :counter_2)"),
            Step::Line("Supervisor.delete_child(:demo, :counter_2)"),
        ],
    },
    Lesson {
        id: "lab_tools",
        title: "14. Pausing and changing strategy",
        prose: &[
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
    },
    Lesson {
        id: "analytics",
        title: "15. Reading a restart storm",
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
    },
    Lesson {
        id: "following_messages",
        title: "16. Following messages",
        prose: &[
            P("Processes only talk by messages, and die by signals. Open Sequence below the tree: one lane per process, an arrow from each send to the moment the receiver took the message — sloped when it waited in the mailbox."),
            P("A `GenServer.call` is a message `{'$gen_call', {From, Tag}, Request}` and a reply `{Tag, Reply}` paired by the tag: the caller waits between the two (the bar on its lane). Click the call's arrow to see the whole term, and the server's state before and after it handled it."),
            P("A monitor's `'DOWN'` is an ordinary message: it waits in the shell's mailbox until a receive takes it — `flush()` prints and takes every message there."),
            P("A link carries an exit signal: the shell does not trap exits, so if it is linked to a process that is killed, it dies too (and a new shell comes up with a new pid). In Sequence, follow the heavy red arrows: `exit(Pid, kill)` from the shell to counter_2, then the link's exit signal from counter_2 back to the shell, which dies (✕ on its lane). On the Lab page, the inspector tells the same chain under \"Why did it die?\"."),
            Code {
                elixir: "{_, counter, _, _} = List.keyfind(Supervisor.which_children(:demo), :counter_1, 0)\nGenServer.call(counter, :get_value)\n{_, printer, _, _} = List.keyfind(Supervisor.which_children(:demo), :printer, 0)\nref = Process.monitor(printer)\nProcess.exit(printer, :kill)\nflush()\n{_, worker, _, _} = List.keyfind(Supervisor.which_children(:demo), :counter_2, 0)\nProcess.link(worker)\nProcess.exit(worker, :kill)",
                erlang: "{_, Counter, _, _} = lists:keyfind(counter_1, 1, supervisor:which_children(demo)).\ngen_server:call(Counter, get_value).\n{_, Printer, _, _} = lists:keyfind(printer, 1, supervisor:which_children(demo)).\nRef = monitor(process, Printer).\nexit(Printer, kill).\nflush().\n{_, Worker, _, _} = lists:keyfind(counter_2, 1, supervisor:which_children(demo)).\nlink(Worker).\nexit(Worker, kill).",
            },
            Console(&["GenServer.call(\"demo/counter_1\", :get_value)", "ref = Process.monitor(\"demo/printer\")", "Process.exit(\"demo/printer\", :kill)", "flush()", "Process.link(\"demo/counter_2\")", "Process.exit(\"demo/counter_2\", :kill)"]),
        ],
        sandbox: "demo",
        tasks: &[
            Task {
                id: "call",
                text: "Call a counter from the shell and find the call and its reply in the Sequence view.",
                check: |r, _| {
                    let h = r.lab.history();
                    shell_messages(r, Kind::Call, true).iter().any(|c| {
                        c.pair
                            .and_then(|p| h.get(p))
                            .is_some_and(|reply| reply.fate == Fate::Taken)
                    })
                },
            },
            Task {
                id: "down",
                text: "Monitor the printer, kill it, and take the 'DOWN' out of the shell's mailbox with flush().",
                check: |r, l| {
                    typed(l, "flush")
                        && shell_messages(r, Kind::Down, false)
                            .iter()
                            .any(|m| m.fate == Fate::Taken)
                },
            },
            Task {
                id: "cause",
                text: "Link the shell to a worker and kill the worker: the shell dies through the link — follow it in Sequence.",
                check: |r, _| {
                    r.lab
                        .why("shell")
                        .iter()
                        .any(|c| c.text.starts_with("The link from"))
                },
            },
        ],
        hints: &[
            "GenServer.call(\"demo/counter_1\", :get_value), then open the Sequence tab and click the arrow.",
            "ref = Process.monitor(\"demo/printer\"), Process.exit(\"demo/printer\", :kill), then flush().",
            "Process.link(\"demo/counter_2\") then Process.exit(\"demo/counter_2\", :kill); the red arrows in Sequence show the way.",
        ],
        prediction: None,
        solution: &[
            Step::Line("GenServer.call(\"demo/counter_1\", :get_value)"),
            Step::Line("ref = Process.monitor(\"demo/printer\")"),
            Step::Line("Process.exit(\"demo/printer\", :kill)"),
            Step::Line("flush()"),
            Step::Line("Process.link(\"demo/counter_2\")"),
            Step::Line("Process.exit(\"demo/counter_2\", :kill)"),
        ],
    },
    Lesson {
        id: "capstone",
        title: "17. Capstone: a tree that survives chaos",
        prose: &[
            P("A chaos script kills a random child of `root` every 200 ms with probability 0.8. The tree given here gives up within a second. Design one that survives 30 virtual seconds: choose strategies and intensities, and nest a supervisor so that one failure does not cost everything."),
            P("Edit the tree (JSON: each supervisor with its strategy, intensity, period and children) and press Apply: the chaos script stays. Then press Play and fast-forward."),
            Code {
                elixir: "# in the root supervisor's init/1\nSupervisor.init([Storage, Api], strategy: :one_for_one, max_restarts: 30, max_seconds: 1)",
                erlang: "%% what the root supervisor's init/1 returns\n{ok, {#{strategy => one_for_one, intensity => 30, period => 1}, [Storage, Api]}}",
            },
        ],
        sandbox: CAPSTONE,
        tasks: &[
            Task {
                id: "survive",
                text: "The root is still running after 30 s of chaos.",
                check: |r, _| r.lab.now_us() >= 30_000_000 && is_running(r, "root") && total_restarts(r) >= 20,
            },
            Task {
                id: "nested",
                text: "The tree nests at least one supervisor under the root.",
                check: |r, _| {
                    r.lab
                        .tree()
                        .iter()
                        .any(|n| n.depth == 1 && n.kind == NodeKind::Supervisor)
                },
            },
        ],
        hints: &[
            "The root must allow more restarts per second than the chaos causes (about four).",
            "Put the workers that fail together under their own supervisor.",
        ],
        prediction: None,
        solution: &[Step::Tree(CAPSTONE_SOLUTION), Step::Wait(30_000)],
    },
];
