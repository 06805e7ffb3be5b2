//! The first lessons: processes, messages, links and exit signals, monitors, the exit
//! reasons, and following messages in the Sequence view.

use crate::{is_running, node};
use crate::{
    logged, restarts, state, typed, typed_in_order, Block::Code, Block::Console, Block::Table,
    Block::P, Lesson, Step, Task,
};
use otp_lab_lab::history::{Fate, Kind, Message};
use otp_lab_lab::NodeStatus;
use otp_lab_session::experiment::Run;

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

/// The exit-reasons sandbox: a worker that does not trap exits, one that does, and a
/// transient one.
const EXIT_REASONS_TREE: &str = r#"{"name":"exit_reasons","tree":{"id":"root","strategy":"one_for_one","intensity":10,"period":5,"children":[
    {"id":"plain","behaviour":"counter","init_delay":3},
    {"id":"trapper","behaviour":"counter","trap_exit":true,"init_delay":3},
    {"id":"trans","behaviour":"counter","restart":"transient","init_delay":3}]}}"#;

pub const PROCESSES: Lesson = Lesson {
    id: "processes",
    title: "Processes and pids",
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
};

pub const MESSAGES: Lesson = Lesson {
    id: "messages",
    title: "Messages and mailboxes",
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
};

pub const LINKS: Lesson = Lesson {
    id: "links",
    title: "Links and exit signals",
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
};

pub const TRAP_EXIT: Lesson = Lesson {
    id: "trap_exit",
    title: "Trapping exits",
    prose: &[
        P("A process that does not trap exits dies when it gets an exit signal with any reason but `normal` — from a linked process that died, or from `Process.exit/2`. That includes `shutdown`, which OTP treats as an orderly stop rather than a crash: a process that exits with it writes no crash report, and a transient child that exits with it is not restarted. `kill` cannot be trapped at all: the process dies with reason `killed`. A process that traps exits gets every other signal as an `{:EXIT, from, reason}` message instead — supervisors do exactly that."),
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
};

pub const MONITORS: Lesson = Lesson {
    id: "monitors",
    title: "Monitors",
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
};

pub const EXIT_REASONS: Lesson = Lesson {
    id: "exit_reasons",
    title: "Exit reasons",
    prose: &[
        P("Every process ends with a reason, and every link carries it as an exit signal. What the reason means depends on who receives it: a linked process that traps exits, one that does not, and a supervisor deciding whether to restart a `transient` child."),
        Table {
            head: &["Reason", "Linked, not trapping", "Linked, trapping", "Transient child restarted?", "Crash report?"],
            rows: &[
                &["`normal`", "ignores it", "gets `{:EXIT, pid, :normal}`", "no", "no"],
                &["`shutdown`", "dies: `shutdown`", "gets `{:EXIT, pid, :shutdown}`", "no", "no"],
                &["`{:shutdown, term}`", "dies: same reason", "gets the message", "no", "no"],
                &["any other, e.g. `:boom`", "dies: same reason", "gets the message", "yes", "yes: gen_server's and proc_lib's"],
                &["`kill` (by `Process.exit/2`)", "dies: `killed`", "dies: `killed` (it cannot be trapped)", "yes", "no: a killed process runs no more code"],
            ],
        },
        P("The crash report is the dying process's own (gen_server's error report, then proc_lib's crash report: the event log shows both). Its supervisor logs a `child_terminated` report of its own whenever it acts on an exit: for a `permanent` child that is every exit, `normal` included (it restarts it anyway), for a `transient` child every exit it restarts. Try each row on this tree: `plain` does not trap exits, `trapper` does, and `trans` is `transient`."),
        Code {
            elixir: "Process.flag(:trap_exit, true)\npid = spawn_link(fn -> exit({:shutdown, :done}) end)\nreceive do\n  {:EXIT, ^pid, reason} -> reason\nend",
            erlang: "process_flag(trap_exit, true).\nPid = spawn_link(fun() -> exit({shutdown, done}) end).\nreceive {'EXIT', Pid, Reason} -> Reason end.",
        },
        Console(&["Process.exit(\"root/plain\", :normal)", "Process.exit(\"root/trapper\", :boom)", "Process.exit(\"root/trapper\", :kill)", "Lab.crash(\"root/trans\", {:shutdown, :done})"]),
    ],
    sandbox: EXIT_REASONS_TREE,
    tasks: &[
        Task {
            id: "normal",
            text: "Send plain an exit signal with reason :normal: it does not trap exits, and lives on.",
            check: |r, l| {
                l.iter().any(|x| x.contains("root/plain") && x.contains("normal"))
                    && restarts(r, "root/plain") == 0
                    && is_running(r, "root/plain")
            },
        },
        Task {
            id: "trapped",
            text: "Send trapper an exit signal with reason :boom: it traps it as a message, and lives on.",
            // taken as a message, and trapper did not die of it (a later kill may)
            check: |r, _| {
                r.lab.log_lines(0, r.lab.log_len()).iter().any(|l| {
                    l.kind == "signal"
                        && l.text.contains("root/trapper handle_info({'EXIT',")
                        && l.text.contains(",boom}, ")
                }) && !logged(r, "exit", "root/trapper exited with reason boom")
            },
        },
        Task {
            id: "kill",
            text: "Kill trapper: kill cannot be trapped.",
            check: |r, _| logged(r, "exit", "root/trapper exited with reason killed"),
        },
        Task {
            id: "transient",
            text: "Stop trans with reason {:shutdown, :done}: a transient child stays down.",
            check: |r, _| {
                logged(r, "exit", "root/trans exited with reason {shutdown,")
                    && node(r, "root/trans").is_some_and(|n| n.status == NodeStatus::Stopped)
            },
        },
    ],
    hints: &[
        "Process.exit(\"root/plain\", :normal), then look at plain's pid: the same.",
        "Process.exit(\"root/trapper\", :boom): the log shows trapper's handle_info({'EXIT', ...}).",
        "Lab.crash(\"root/trans\", {:shutdown, :done}) makes trans stop itself with that reason.",
    ],
    prediction: None,
    solution: &[
        Step::Line("Process.exit(\"root/plain\", :normal)"),
        Step::Line("Process.exit(\"root/trapper\", :boom)"),
        Step::Line("Process.exit(\"root/trapper\", :kill)"),
        Step::Line("Lab.crash(\"root/trans\", {:shutdown, :done})"),
    ],
};

pub const FOLLOWING_MESSAGES: Lesson = Lesson {
    id: "following_messages",
    title: "Following messages",
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
};
