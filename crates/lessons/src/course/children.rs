//! Children and their specs: child specs and their defaults, restart types, shutdown,
//! dynamic supervisors in theory and in practice, and managing children by hand.

use crate::{is_dead, is_running};
use crate::{
    logged, node, restarts, typed, typed_in_order, Block::Code, Block::Console, Block::P, Lesson,
    Step, Task,
};
use otp_lab_lab::NodeStatus;
use otp_lab_session::experiment::Run;

const RESTART_TYPES_TREE: &str = r#"{"name":"restart_types","tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":5,"children":[
    {"id":"perm","behaviour":"counter","restart":"permanent"},
    {"id":"trans","behaviour":"counter","restart":"transient"},
    {"id":"temp","behaviour":"counter","restart":"temporary"}]}}"#;

/// The shutdown sandbox: a quick terminate, a brutal kill, a terminate/2 slower than its
/// shutdown time, and a worker that does not trap exits.
const SHUTDOWN_TREE: &str = r#"{"name":"shutdown","tree":{"id":"root","strategy":"one_for_one","intensity":10,"period":5,"children":[
    {"id":"db","behaviour":"counter","trap_exit":true,"terminate_delay":300,"shutdown":1000,"init_delay":3},
    {"id":"cache","behaviour":"counter","shutdown":"brutal_kill","init_delay":3},
    {"id":"slow","behaviour":"counter","trap_exit":true,"terminate_delay":8000,"shutdown":2000,"init_delay":3},
    {"id":"plain","behaviour":"counter","init_delay":3}]}}"#;

/// Dynamic processes in practice: a pool started on demand, and a session supervisor that
/// goes away with its significant connection.
const DYNAMIC_PRACTICE_TREE: &str = r#"{"name":"dynamic_practice","tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":5,"children":[
    {"id":"pool","kind":"supervisor","name":"pool","strategy":"simple_one_for_one","intensity":5,"period":5,"children":[
        {"id":"job","behaviour":"counter","restart":"transient","init_delay":5}]},
    {"id":"session","kind":"supervisor","name":"session","restart":"transient","strategy":"one_for_one","auto_shutdown":"any_significant","children":[
        {"id":"conn","behaviour":"counter","restart":"transient","significant":true,"init_delay":4},
        {"id":"buffer","behaviour":"counter","init_delay":2}]}]},
    "steps":[{"op":"start_child","sup":"root/pool","args":"job_1"},
             {"op":"start_child","sup":"root/pool","args":"job_2"}]}"#;

/// The order in which the children at `paths` exited, as the log has it (each path's
/// first exit).
fn exit_order(run: &Run, paths: &[&str]) -> Vec<usize> {
    let lines = run.lab.log_lines(0, run.lab.log_len());
    paths
        .iter()
        .map(|p| {
            let needle = format!("{p} exited with reason");
            lines
                .iter()
                .position(|l| l.kind == "exit" && l.text.contains(&needle))
                .unwrap_or(usize::MAX)
        })
        .collect()
}

pub const CHILD_SPECS: Lesson = Lesson {
    id: "child_specs",
    title: "Child specs and their defaults",
    prose: &[
        P("A supervisor starts each child from a child spec: a map with an `id` (unique among its siblings), a `start` — `{Module, :start_link, args}` — and optional `restart` (default `permanent`), `shutdown` (5000 ms for a worker, `:infinity` for a supervisor) and `type` (`worker`)."),
        P("In Elixir you rarely write the map: `use GenServer` defines `child_spec/1`, so `{Counter, 0}` in a children list means `Counter.child_spec(0)`, that is `%{id: Counter, start: {Counter, :start_link, [0]}}`. The id is the module, so a second `{Counter, 0}` clashes with the first: `Supervisor.child_spec({Counter, 0}, id: :counter_3)` changes it. `use Supervisor` does the same for a supervisor module, adding `type: :supervisor` (so its `shutdown` defaults to `:infinity`). Erlang writes the map (or the older tuple `{Id, Start, Restart, Shutdown, Type, Modules}`)."),
        P("The supervisor's own flags have defaults too, and they differ: Elixir's `Supervisor` allows 3 restarts in 5 seconds, Erlang's `supervisor` 1 in 5. `:supervisor.get_childspec/2` shows a child's spec with every default filled in."),
        Code {
            elixir: "Counter.child_spec(0)\nspec = Supervisor.child_spec({Counter, 0}, id: :counter_3)\nSupervisor.start_child(:demo, spec)\nSupervisor.start_child(:demo, {Counter, 0})\nSupervisor.start_child(:demo, {Counter, 0})\n:supervisor.get_childspec(:demo, :counter_3)",
            erlang: "Spec = #{id => counter_3, start => {counter, start_link, [0]}}.\nsupervisor:start_child(demo, Spec).\nsupervisor:start_child(demo, Spec).\nsupervisor:get_childspec(demo, counter_3).",
        },
        Console(&["Supervisor.start_child(:demo, %{id: :counter_3, start: {Counter, :start_link, [0]}})", "Supervisor.start_child(:demo, {Counter, 0})", "Supervisor.start_child(:demo, {Counter, 0})", ":supervisor.get_childspec(:demo, :counter_3)"]),
    ],
    sandbox: "demo",
    tasks: &[
        Task {
            id: "start",
            text: "Start a counter with the id :counter_3 under demo.",
            check: |r, _| is_running(r, "demo/counter_3"),
        },
        Task {
            id: "clash",
            text: "Start {Counter, 0} twice: the second answers {:error, {:already_started, pid}}.",
            check: |r, _| logged(r, "call", "already_started"),
        },
        Task {
            id: "defaults",
            text: "Read counter_3's whole spec, defaults filled in, with get_childspec.",
            check: |_, l| l.iter().any(|x| x.contains("get_childspec") && x.contains("counter_3")),
        },
    ],
    hints: &[
        "Supervisor.start_child(:demo, %{id: :counter_3, start: {Counter, :start_link, [0]}})",
        ":supervisor.get_childspec(:demo, :counter_3): restart, shutdown and type are the defaults.",
    ],
    prediction: None,
    solution: &[
        Step::Line("Supervisor.start_child(:demo, %{id: :counter_3, start: {Counter, :start_link, [0]}})"),
        Step::Line("Supervisor.start_child(:demo, {Counter, 0})"),
        Step::Line("Supervisor.start_child(:demo, {Counter, 0})"),
        Step::Line(":supervisor.get_childspec(:demo, :counter_3)"),
    ],
};

pub const RESTART_TYPES: Lesson = Lesson {
    id: "restart_types",
    title: "Restart types",
    prose: &[
        P("A child's `restart` value decides whether it comes back: `permanent` always; `transient` unless it exits with `normal`, `shutdown` or `{:shutdown, term}`; `temporary` never (its spec is even removed from the supervisor)."),
        P("`Lab.crash(pid, reason)` makes a worker stop itself with that reason, as `{stop, Reason, State}` from a callback would."),
        Code {
            elixir: "%{id: :trans, start: {Counter, :start_link, []}, restart: :transient}",
            erlang: "#{id => trans, start => {counter, start_link, []}, restart => transient}.",
        },
        Console(&["Lab.crash(\"root/trans\", :normal)", "Lab.crash(\"root/temp\", :boom)"]),
    ],
    sandbox: RESTART_TYPES_TREE,
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
};

pub const SHUTDOWN: Lesson = Lesson {
    id: "shutdown",
    title: "Shutdown",
    prose: &[
        P("When a supervisor stops a child — `terminate_child`, a `one_for_all` or `rest_for_one` restart, or its own stop — it sends the exit signal `shutdown` and waits for the child to exit, up to the child's `shutdown` value: a time in ms (5000 by default for a worker), `:infinity` (the default for a supervisor, which needs the time to stop its own children), or `:brutal_kill`, which kills at once. A child still alive when the time is up is killed, and the supervisor reports a `shutdown_error`."),
        P("A child's `terminate/2` runs only if it traps exits: otherwise the `shutdown` signal kills it before any of its code runs. A worker with something to flush or close sets `Process.flag(:trap_exit, true)` in its `init/1`."),
        P("A supervisor that stops terminates its children one at a time in reverse start order: the last started goes first, so nothing outlives what it depends on."),
        Code {
            elixir: "# in the supervisor's init/1\nchildren = [\n  %{id: :db, start: {Db, :start_link, []}, shutdown: 10_000},\n  %{id: :cache, start: {Cache, :start_link, []}, shutdown: :brutal_kill}\n]\nSupervisor.init(children, strategy: :one_for_one)",
            erlang: "%% what the supervisor's init/1 returns\n{ok, {#{strategy => one_for_one},\n      [#{id => db, start => {db, start_link, []}, shutdown => 10000},\n       #{id => cache, start => {cache, start_link, []}, shutdown => brutal_kill}]}}",
        },
        Code {
            elixir: "Supervisor.terminate_child(:root, :plain)\n:supervisor.get_childspec(:root, :db)\nSupervisor.stop(:root)",
            erlang: "supervisor:terminate_child(root, plain).\nsupervisor:get_childspec(root, db).\ngen_server:stop(root).",
        },
        P("Here `db` traps exits and takes 300 ms in `terminate/2` (shutdown 1000), `cache` is `:brutal_kill`, `slow` traps exits but takes 8 s in `terminate/2` (shutdown 2000), and `plain` does not trap exits."),
        Console(&["Supervisor.terminate_child(:root, :plain)", "Supervisor.terminate_child(:root, :slow)", "Supervisor.stop(:root)"]),
    ],
    sandbox: SHUTDOWN_TREE,
    tasks: &[
        Task {
            id: "no_terminate",
            text: "Terminate plain: it does not trap exits, so its terminate/2 never runs.",
            check: |r, l| {
                typed(l, "terminate_child(:root, :plain)")
                    && !is_running(r, "root/plain")
                    && !logged(r, "terminate", "root/plain terminate(")
            },
        },
        Task {
            id: "timeout",
            text: "Terminate slow: its terminate/2 outlasts its 2000 ms, and the supervisor kills it.",
            check: |r, _| logged(r, "report", "shutdown_error offender: root/slow"),
        },
        Task {
            id: "order",
            text: "Stop root with all four children running: they go the last started first.",
            check: |r, _| {
                let o = exit_order(r, &["root/plain", "root/slow", "root/cache", "root/db"]);
                is_dead(r, "root") && o[3] != usize::MAX && o.windows(2).all(|w| w[0] < w[1])
            },
        },
    ],
    hints: &[
        "Supervisor.terminate_child(:root, :plain): the log has no terminate line for plain.",
        "Supervisor.terminate_child(:root, :slow) waits 2 s, then the supervisor kills it.",
        "Reset the sandbox, then Supervisor.stop(:root), and read the exits in the log.",
    ],
    prediction: None,
    solution: &[
        Step::Line("Supervisor.stop(:root)"),
        Step::Wait(3_000),
        Step::Restart,
        Step::Line("Supervisor.terminate_child(:root, :plain)"),
        Step::Line("Supervisor.terminate_child(:root, :slow)"),
    ],
};

pub const DYNAMIC: Lesson = Lesson {
    id: "dynamic",
    title: "Dynamic supervisors",
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
};

pub const DYNAMIC_PRACTICE: Lesson = Lesson {
    id: "dynamic_practice",
    title: "Dynamic processes in practice",
    prose: &[
        P("A `DynamicSupervisor` starts children on demand from a whole child spec each time; `:max_children` caps how many it runs (one more answers `{:error, :max_children}`), and a child has no id: `DynamicSupervisor.terminate_child/2` takes its pid."),
        P("A process started on demand has a pid nobody knows in advance. Give it a name in a `Registry` with a `{:via, Registry, {registry, key}}` name, and reach it by key. For one-off work, `Task.Supervisor` starts supervised tasks (`temporary` children: a failed task is not retried)."),
        Code {
            elixir: "{:ok, _} = Registry.start_link(keys: :unique, name: Jobs)\n{:ok, pool} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 2)\nname = {:via, Registry, {Jobs, \"job_7\"}}\nspec = %{id: Agent, start: {Agent, :start_link, [fn -> 0 end, [name: name]]}}\n{:ok, pid} = DynamicSupervisor.start_child(pool, spec)\nAgent.get(name, & &1)\n[{^pid, _}] = Registry.lookup(Jobs, \"job_7\")\nDynamicSupervisor.start_child(pool, {Agent, fn -> 1 end})\nDynamicSupervisor.start_child(pool, {Agent, fn -> 2 end})\nDynamicSupervisor.terminate_child(pool, pid)\n{:ok, tasks} = Task.Supervisor.start_link()\nTask.Supervisor.async(tasks, fn -> 6 * 7 end) |> Task.await()",
            erlang: "{ok, Pid} = supervisor:start_child(pool, [job_7]).\nyes = global:register_name({job, 7}, Pid).\ngen_server:call({via, global, {job, 7}}, get_value).\nsupervisor:terminate_child(pool, Pid).",
        },
        P("Some children matter more than the others: a `significant` child (transient or temporary) whose exit should end its supervisor. With `auto_shutdown: :any_significant`, the supervisor stops itself as soon as a significant child ends for good — a transient one exiting normally, a temporary one exiting at all; with `:all_significant`, once all of them have. The supervisor exits `shutdown`, so make it `transient` and its parent will not restart it: a connection's session ends with its connection."),
        Code {
            elixir: "# in the session supervisor's init/1 (OTP 24 and later); Elixir 1.14's\n# Supervisor.init/2 does not pass :auto_shutdown on, so return the flags yourself\nchildren = [\n  %{id: :conn, start: {Conn, :start_link, []}, restart: :transient, significant: true},\n  %{id: :buffer, start: {Buffer, :start_link, []}}\n]\n{:ok, {%{strategy: :one_for_one, auto_shutdown: :any_significant}, children}}",
            erlang: "%% what the session supervisor's init/1 returns\n{ok, {#{strategy => one_for_one, auto_shutdown => any_significant},\n      [#{id => conn, start => {conn, start_link, []}, restart => transient, significant => true},\n       #{id => buffer, start => {buffer, start_link, []}}]}}",
        },
        P("In this tree, `pool` is the Lab's dynamic pool (OTP's `simple_one_for_one`, without `:max_children` or a Registry), and `session` has a significant `conn`."),
        Console(&["DynamicSupervisor.start_child(:pool, {Counter, \"job_3\"})", "DynamicSupervisor.which_children(:pool)", "DynamicSupervisor.terminate_child(:pool, \"root/pool/job_1\")", "Process.exit(\"root/session/conn\", :kill)", "Lab.crash(\"root/session/conn\", :normal)"]),
    ],
    sandbox: DYNAMIC_PRACTICE_TREE,
    tasks: &[
        Task {
            id: "by_pid",
            text: "Terminate job_1 through the pool: a dynamic child is named by its pid (or path), not an id.",
            check: |r, l| typed(l, "terminate_child(:pool") && node(r, "root/pool/job_1").is_none(),
        },
        Task {
            id: "significant",
            text: "Make conn exit normally: session stops itself, and root leaves it stopped.",
            check: |r, _| {
                logged(r, "exit", "root/session exited with reason shutdown")
                    && node(r, "root/session").is_some_and(|n| n.status == NodeStatus::Stopped)
                    && restarts(r, "root/session") == 0
            },
        },
    ],
    hints: &[
        "DynamicSupervisor.terminate_child(:pool, \"root/pool/job_1\") — an id like :job_1 is refused.",
        "A kill is an abnormal exit: session restarts conn. Lab.crash(\"root/session/conn\", :normal) ends it normally.",
    ],
    prediction: None,
    solution: &[
        Step::Line("DynamicSupervisor.terminate_child(:pool, \"root/pool/job_1\")"),
        Step::Line("Lab.crash(\"root/session/conn\", :normal)"),
    ],
};

pub const CHILD_API: Lesson = Lesson {
    id: "child_api",
    title: "Managing children",
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
};
