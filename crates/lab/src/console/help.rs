//! The console's help: `h` lists every call; `h Supervisor.which_children`,
//! `h which_children` or `h supervisor:which_children` explains one, in both syntaxes.

use super::{distance, Op, Syntax};

/// One function's help.
struct Entry {
    op: Op,
    /// The Elixir form, with parameter names: `Supervisor.which_children(sup)`.
    elixir: &'static str,
    /// The Erlang form: `supervisor:which_children(Sup)`.
    erlang: &'static str,
    /// One line for the list.
    summary: &'static str,
    /// More about it.
    details: &'static str,
    /// A line to try, in Elixir and in Erlang.
    examples: [&'static str; 2],
}

/// Headings of the list, each before the first entry of its group.
const GROUPS: &[(Op, &str)] = &[
    (Op::WhichChildren, "Supervisors"),
    (
        Op::DynStartChild,
        "Dynamic supervisors (simple_one_for_one)",
    ),
    (Op::Exit, "Processes and messages"),
    (Op::Crash, "Lab extensions (not in OTP)"),
    (Op::RestartHistory, "Analytics (the Lab's Control module)"),
];

const ENTRIES: &[Entry] = &[
    Entry {
        op: Op::WhichChildren,
        elixir: "Supervisor.which_children(sup)",
        erlang: "supervisor:which_children(Sup)",
        summary: "list the children: {id, pid, type, modules} each",
        details: "One tuple per child spec, the last started first (the reverse of the start order, as OTP keeps them): its id, its pid (or :restarting / :undefined when it is not running), :worker or :supervisor, and its callback modules.",
        examples: ["Supervisor.which_children(:demo)", "supervisor:which_children(demo)."],
    },
    Entry {
        op: Op::CountChildren,
        elixir: "Supervisor.count_children(sup)",
        erlang: "supervisor:count_children(Sup)",
        summary: "count specs, active children, supervisors and workers",
        details: "Answers specs (child specs), active (running children), supervisors and workers: a map in Elixir (%{active: 3, specs: 3, ...}), a proplist in Erlang ([{specs,3},{active,3},...]).",
        examples: ["Supervisor.count_children(:demo)", "supervisor:count_children(demo)."],
    },
    Entry {
        op: Op::TerminateChild,
        elixir: "Supervisor.terminate_child(sup, child)",
        erlang: "supervisor:terminate_child(Sup, Id)",
        summary: "stop a child, by id or pid; its spec stays",
        details: "child is a child id (:counter_1) or a process (a pid, or a tree path like \"demo/counter_1\"). The supervisor shuts it down (exit :shutdown, then :kill after the shutdown time) and does not restart it; a static child's spec stays, so restart_child can bring it back.",
        examples: [
            "Supervisor.terminate_child(:demo, :counter_1)",
            "supervisor:terminate_child(demo, counter_1).",
        ],
    },
    Entry {
        op: Op::RestartChild,
        elixir: "Supervisor.restart_child(sup, id)",
        erlang: "supervisor:restart_child(Sup, Id)",
        summary: "start a terminated child again from its spec",
        details: "Answers {:ok, pid}, or {:error, :running} if it runs, {:error, :not_found} if there is no such spec.",
        examples: [
            "Supervisor.restart_child(:demo, :counter_1)",
            "supervisor:restart_child(demo, counter_1).",
        ],
    },
    Entry {
        op: Op::DeleteChild,
        elixir: "Supervisor.delete_child(sup, id)",
        erlang: "supervisor:delete_child(Sup, Id)",
        summary: "forget a terminated child's spec",
        details: "Only a child that is not running can be deleted ({:error, :running} otherwise); terminate it first.",
        examples: [
            "Supervisor.delete_child(:demo, :counter_1)",
            "supervisor:delete_child(demo, counter_1).",
        ],
    },
    Entry {
        op: Op::GetChildspec,
        elixir: ":supervisor.get_childspec(sup, id)",
        erlang: "supervisor:get_childspec(Sup, Id)",
        summary: "a child's spec, with every default filled in",
        details: "Answers {:ok, spec}: the map with id, start, restart, shutdown, type, significant and modules — the defaults a short spec left out (permanent, 5000 for a worker, :infinity for a supervisor). Elixir's Supervisor has no get_childspec: call Erlang's supervisor module. {:error, :not_found} if there is no such child.",
        examples: [
            ":supervisor.get_childspec(:demo, :counter_1)",
            "supervisor:get_childspec(demo, counter_1).",
        ],
    },
    Entry {
        op: Op::StartChild,
        elixir: "Supervisor.start_child(sup, spec)",
        erlang: "supervisor:start_child(Sup, Spec)",
        summary: "add a new worker child and start it",
        details: "spec is a map %{id: :w4, start: {Counter, :start_link, []}} with an optional restart: :permanent | :transient | :temporary; a module like Counter (its id is the module, as in Elixir); or {Counter, arg}, as `use GenServer`'s child_spec/1 makes it (its id is the module too, so a second one answers {:error, {:already_started, pid}}). Counter and Printer are the Lab's workers, any other module a generic worker. In Erlang: #{id => w4, start => {counter, start_link, []}} or {w4, {counter, start_link, []}, permanent, 5000, worker, [counter]}. A list [arg] starts a simple_one_for_one instance instead.",
        examples: [
            "Supervisor.start_child(:demo, %{id: :w4, start: {Counter, :start_link, []}})",
            "supervisor:start_child(demo, #{id => w4, start => {counter, start_link, []}}).",
        ],
    },
    Entry {
        op: Op::DynStartChild,
        elixir: "DynamicSupervisor.start_child(sup, arg)",
        erlang: "supervisor:start_child(Sup, [Arg])",
        summary: "start one more instance of the supervisor's template",
        details: "For a simple_one_for_one supervisor. arg names the instance: an atom, or a string (made an atom); {Counter, \"job_4\"} means \"job_4\".",
        examples: [
            "DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})",
            "supervisor:start_child(pool, [job_4]).",
        ],
    },
    Entry {
        op: Op::DynTerminateChild,
        elixir: "DynamicSupervisor.terminate_child(sup, pid)",
        erlang: "supervisor:terminate_child(Sup, Pid)",
        summary: "stop a dynamic child (its spec goes with it)",
        details: "pid is the child's pid or tree path. Answers :ok, or {:error, :not_found}.",
        examples: [
            "DynamicSupervisor.terminate_child(:pool, pid(\"0.90.0\"))",
            "supervisor:terminate_child(pool, <0.90.0>).",
        ],
    },
    Entry {
        op: Op::DynWhichChildren,
        elixir: "DynamicSupervisor.which_children(sup)",
        erlang: "supervisor:which_children(Sup)",
        summary: "list the instances: {:undefined, pid, type, modules} each",
        details: "Dynamic children have no ids, so each tuple starts with :undefined.",
        examples: ["DynamicSupervisor.which_children(:pool)", "supervisor:which_children(pool)."],
    },
    Entry {
        op: Op::DynCountChildren,
        elixir: "DynamicSupervisor.count_children(sup)",
        erlang: "supervisor:count_children(Sup)",
        summary: "count the instances",
        details: "Answers specs, active, supervisors and workers, as Supervisor.count_children does: a map in Elixir, a proplist in Erlang.",
        examples: ["DynamicSupervisor.count_children(:pool)", "supervisor:count_children(pool)."],
    },
    Entry {
        op: Op::Exit,
        elixir: "Process.exit(pid, reason)",
        erlang: "exit(Pid, Reason)",
        summary: "send an exit signal from the shell",
        details: ":kill cannot be trapped and kills (the links see :killed); :normal is ignored by a process that does not trap exits; any other reason kills a non-trapping process, and its supervisor restarts it as its restart type says.",
        examples: [
            "Process.exit(pid(\"0.84.0\"), :kill)",
            "exit(<0.84.0>, kill).",
        ],
    },
    Entry {
        op: Op::Info,
        elixir: "Process.info(pid, items \\\\ all)",
        erlang: "process_info(Pid, Items)",
        summary: "a process's status, links, monitors, mailbox…",
        details: "Answers a keyword list (registered_name, status, message_queue_len, links, trap_exit, …), or nil when there is no such process. With an item (:messages, :links, :monitors, :monitored_by, :trap_exit, …) or a list of them, just those.",
        examples: ["Process.info(\"demo/counter_1\", :messages)", "process_info(<0.84.0>, messages)."],
    },
    Entry {
        op: Op::Link,
        elixir: "Process.link(pid)",
        erlang: "link(Pid)",
        summary: "link the shell to a process",
        details: "When the process dies, its exit signal reaches the shell, which dies with it (a new shell comes up, with a new pid) unless it traps exits — Process.flag(:trap_exit, true) — and gets an :EXIT message instead. A dead pid raises noproc.",
        examples: ["Process.link(pid(\"0.84.0\"))", "link(<0.84.0>)."],
    },
    Entry {
        op: Op::Monitor,
        elixir: "Process.monitor(pid)",
        erlang: "erlang:monitor(process, Pid)",
        summary: "monitor a process: a :DOWN message when it dies",
        details: "Answers the monitor's reference. Unlike a link, a monitor is one-way and never kills the shell.",
        examples: ["Process.monitor(pid(\"0.84.0\"))", "erlang:monitor(process, <0.84.0>)."],
    },
    Entry {
        op: Op::Unlink,
        elixir: "Process.unlink(pid)",
        erlang: "unlink(Pid)",
        summary: "remove the shell's link to a process",
        details: "Answers true, linked or not (a dead pid too).",
        examples: ["Process.unlink(pid(\"0.84.0\"))", "unlink(<0.84.0>)."],
    },
    Entry {
        op: Op::Demonitor,
        elixir: "Process.demonitor(ref, opts \\\\ [])",
        erlang: "demonitor(Ref, Opts)",
        summary: "stop a monitor the shell holds",
        details: "ref is the reference Process.monitor answered (bind it: ref = Process.monitor(pid)). Answers true; with [:flush] a :DOWN already in the mailbox goes too; with [:info], whether the monitor was still on.",
        examples: ["Process.demonitor(ref, [:flush])", "demonitor(Ref, [flush])."],
    },
    Entry {
        op: Op::Alive,
        elixir: "Process.alive?(pid)",
        erlang: "is_process_alive(Pid)",
        summary: "whether a process is alive",
        details: "Takes a pid (a name is not a pid: use Process.whereis/1 first).",
        examples: ["Process.alive?(pid(\"0.84.0\"))", "is_process_alive(<0.84.0>)."],
    },
    Entry {
        op: Op::Whereis,
        elixir: "Process.whereis(name)",
        erlang: "whereis(Name)",
        summary: "the pid registered under a name",
        details: "Answers the pid, or nil (undefined in Erlang) when no process has that name.",
        examples: ["Process.whereis(:demo)", "whereis(demo)."],
    },
    Entry {
        op: Op::SysGetState,
        elixir: ":sys.get_state(pid)",
        erlang: "sys:get_state(Pid)",
        summary: "a gen_server's or supervisor's state",
        details: "Asks with a system message, as OTP does: a counter answers its count, a supervisor its #state{} record (name, strategy, children, intensity, period, restart seconds, module, init argument).",
        examples: [":sys.get_state(:demo)", "sys:get_state(demo)."],
    },
    Entry {
        op: Op::SysGetStatus,
        elixir: ":sys.get_status(pid)",
        erlang: "sys:get_status(Pid)",
        summary: "a gen_server's or supervisor's status, state included",
        details: "Answers {:status, pid, {:module, :gen_server}, [pdict, :running, parent, [], items]}, the state among the items.",
        examples: [":sys.get_status(:demo)", "sys:get_status(demo)."],
    },
    Entry {
        op: Op::Processes,
        elixir: "Process.list()",
        erlang: "processes()",
        summary: "every live process, the shell included",
        details: "Pids in creation order.",
        examples: ["Process.list()", "processes()."],
    },
    Entry {
        op: Op::SelfPid,
        elixir: "self()",
        erlang: "self()",
        summary: "the shell's own pid",
        details: "The shell is a process like the others: links and monitors you make are the shell's, and :DOWN messages land in its mailbox.",
        examples: ["self()", "self()."],
    },
    Entry {
        op: Op::Flush,
        elixir: "flush()",
        erlang: "flush()",
        summary: "print and empty the shell's mailbox",
        details: "Prints each message waiting for the shell (a :DOWN from a monitor, an :EXIT when the shell traps exits), then answers :ok.",
        examples: ["flush()", "flush()."],
    },
    Entry {
        op: Op::TrapExit,
        elixir: "Process.flag(:trap_exit, bool)",
        erlang: "process_flag(trap_exit, Bool)",
        summary: "make the shell trap exits (or stop)",
        details: "Answers the old value. A shell that traps exits gets {:EXIT, pid, reason} messages from its links instead of dying with them.",
        examples: ["Process.flag(:trap_exit, true)", "process_flag(trap_exit, true)."],
    },
    Entry {
        op: Op::Send,
        elixir: "send(pid, msg)",
        erlang: "Pid ! Msg",
        summary: "send a plain message (handle_info/2)",
        details: "Answers msg. A GenServer gets it in handle_info/2.",
        examples: ["send(pid(\"0.84.0\"), :hello)", "<0.84.0> ! hello."],
    },
    Entry {
        op: Op::Call,
        elixir: "GenServer.call(pid, msg)",
        erlang: "gen_server:call(Pid, Msg)",
        summary: "a request that waits for the reply (handle_call/3)",
        details: "Waits up to 5 s (virtual) for the reply; if the server dies first, the call exits with its reason. The Lab's Counter answers :get_value.",
        examples: [
            "GenServer.call(\"demo/counter_1\", :get_value)",
            "gen_server:call(<0.84.0>, get_value).",
        ],
    },
    Entry {
        op: Op::Cast,
        elixir: "GenServer.cast(pid, msg)",
        erlang: "gen_server:cast(Pid, Msg)",
        summary: "a request without reply (handle_cast/2)",
        details: "Answers :ok at once, whether or not the server exists. The Lab's Counter takes :increment.",
        examples: [
            "GenServer.cast(\"demo/counter_1\", :increment)",
            "gen_server:cast(<0.84.0>, increment).",
        ],
    },
    Entry {
        op: Op::Stop,
        elixir: "GenServer.stop(pid, reason \\\\ :normal)",
        erlang: "gen_server:stop(Pid, Reason, Timeout)",
        summary: "ask a server to terminate, and wait until it has (Supervisor.stop, DynamicSupervisor.stop: the same for a supervisor)",
        details: "The server runs terminate/2 and exits with reason. Answers :ok only if it exits with that reason: if its terminate/2 ends with another one, the shell exits with that (as proc_lib:stop does); a server that is not there exits with :noproc. Its supervisor then restarts it as its restart type says. Supervisor.stop(sup) is the same call on a supervisor: it terminates its children, the last started first, then exits.",
        examples: [
            "GenServer.stop(\"demo/counter_1\", :normal)",
            "gen_server:stop(<0.84.0>, normal, infinity).",
        ],
    },
    Entry {
        op: Op::Crash,
        elixir: "Lab.crash(pid, reason \\\\ :crash)",
        erlang: "lab:crash(Pid, Reason)",
        summary: "make a worker stop itself with reason",
        details: "As if one of its callbacks returned {:stop, reason, state}: the worker exits with reason, and its supervisor decides by the restart type (:normal and :shutdown are clean exits for a :transient child).",
        examples: [
            "Lab.crash(\"demo/counter_1\", :boom)",
            "lab:crash(<0.84.0>, boom).",
        ],
    },
    Entry {
        op: Op::Pause,
        elixir: "Lab.pause(sup)",
        erlang: "lab:pause(Sup)",
        summary: "stop a supervisor's restarts until resumed",
        details: "Children that die while it is paused stay dead, so you can look at the tree between a crash and its restart.",
        examples: ["Lab.pause(:demo)", "lab:pause(demo)."],
    },
    Entry {
        op: Op::Resume,
        elixir: "Lab.resume(sup)",
        erlang: "lab:resume(Sup)",
        summary: "let a paused supervisor restart again",
        details: "Restarts the children that died while it was paused, then restarts as usual again.",
        examples: ["Lab.resume(:demo)", "lab:resume(demo)."],
    },
    Entry {
        op: Op::ChangeStrategy,
        elixir: "Lab.change_strategy(sup, strategy)",
        erlang: "lab:change_strategy(Sup, Strategy)",
        summary: "switch the restart strategy from now on",
        details: "strategy is :one_for_one, :one_for_all or :rest_for_one: which siblings restart along with a child that dies.",
        examples: [
            "Lab.change_strategy(:demo, :one_for_all)",
            "lab:change_strategy(demo, one_for_all).",
        ],
    },
    Entry {
        op: Op::ChangeIntensity,
        elixir: "Lab.change_intensity(sup, intensity, period)",
        erlang: "lab:change_intensity(Sup, Intensity, Period)",
        summary: "allow intensity restarts in period seconds from now",
        details: "OTP fixes them at start; the Lab changes them while it runs. Restarts already counted stay counted.",
        examples: [
            "Lab.change_intensity(:demo, 5, 10)",
            "lab:change_intensity(demo, 5, 10).",
        ],
    },
    Entry {
        op: Op::AddAlert,
        elixir: "Lab.add_alert(name, field, op, threshold, severity, hold_ms)",
        erlang: "lab:add_alert(Name, Field, Op, Threshold, Severity, HoldMs)",
        summary: "watch a dashboard field (fires once it has held for hold_ms)",
        details: "field: a dashboard field (restart_rate_per_s, process_count, …); op: :above or :below; severity: :info, :warning or :critical. Replaces a rule of the same name; the Analytics tab lists the rules.",
        examples: [
            "Lab.add_alert(:busy, :restart_rate_per_s, :above, 0.5, :critical, 3000)",
            "lab:add_alert(busy, restart_rate_per_s, above, 0.5, critical, 3000).",
        ],
    },
    Entry {
        op: Op::RemoveAlert,
        elixir: "Lab.remove_alert(name)",
        erlang: "lab:remove_alert(Name)",
        summary: "stop watching a rule (the defaults too)",
        details: ":ok, or {:error, :not_found}.",
        examples: ["Lab.remove_alert(:busy)", "lab:remove_alert(busy)."],
    },
    Entry {
        op: Op::AddChart,
        elixir: "Lab.add_chart(metric, aggregation, bucket_ms)",
        erlang: "lab:add_chart(Metric, Aggregation, BucketMs)",
        summary: "a chart of your own on the Analytics tab",
        details: "metric: :restarts, :failures, :spawns, :exits, :messages, :processes or :recovery_time_us; aggregation: :avg, :sum, :min, :max, :count or :p95 (any percentile).",
        examples: [
            "Lab.add_chart(:messages, :sum, 500)",
            "lab:add_chart(recovery_time_us, p95, 1000).",
        ],
    },
    Entry {
        op: Op::RemoveChart,
        elixir: "Lab.remove_chart(metric, aggregation)",
        erlang: "lab:remove_chart(Metric, Aggregation)",
        summary: "remove a chart of your own",
        details: ":ok, or {:error, :not_found}.",
        examples: ["Lab.remove_chart(:messages, :sum)", "lab:remove_chart(messages, sum)."],
    },
    Entry {
        op: Op::RestartHistory,
        elixir: "Control.get_restart_history(sup)",
        erlang: "",
        summary: "a supervisor's restarts, newest first",
        details: "{:ok, events}: timestamp (virtual ms), event_type, child_id, reason, old_pid, new_pid, supervisor_name; or {:error, :not_found}.",
        examples: ["Control.get_restart_history(:demo)", ""],
    },
    Entry {
        op: Op::SupervisorAnalytics,
        elixir: "Control.get_supervisor_analytics()",
        erlang: "",
        summary: "every supervisor's restart figures",
        details: "A map per supervisor: name, pid, total_restarts, recent_restarts (of its last 10 events), last_restart.",
        examples: ["Control.get_supervisor_analytics()", ""],
    },
    Entry {
        op: Op::FailureRate,
        elixir: "Control.get_failure_rate(sup, window_ms \\\\ 60_000)",
        erlang: "",
        summary: "a supervisor's child failures over the last window",
        details: "{:ok, %{restarts: n, rate: per second, window_ms: w}} over the last w virtual ms; or {:error, :not_found}.",
        examples: ["Control.get_failure_rate(:demo, 60_000)", ""],
    },
    Entry {
        op: Op::Health,
        elixir: "Control.get_health()",
        erlang: "",
        summary: "the system's health now",
        details: "As the dashboard's health: status, reasons, process count, restart rate, mailboxes.",
        examples: ["Control.get_health()", ""],
    },
    Entry {
        op: Op::Metrics,
        elixir: "Control.get_metrics(metric, time_range \\\\ :last_minute)",
        erlang: "",
        summary: "one metric over a time range",
        details: "metric: as Lab.add_chart/3 (or :restarts_total, :failures_total); time_range: :last_10_seconds, :last_minute, :last_10_minutes, :last_hour or :all.",
        examples: ["Control.get_metrics(:restarts_total, :last_minute)", ""],
    },
];

/// How a function is written in the given syntax, with parameter names.
pub(super) fn signature(op: Op, syntax: Syntax) -> &'static str {
    match ENTRIES.iter().find(|e| e.op == op) {
        Some(e) if syntax == Syntax::Elixir => e.elixir,
        Some(e) => e.erlang,
        None => "",
    }
}

/// The help text: with no topic, every call the console accepts with one line each;
/// with a topic (`Supervisor.which_children`, `which_children`, `supervisor:which_children`,
/// `Supervisor`, optionally with an arity like `/1`), what it does in both syntaxes.
pub fn help(topic: Option<&str>) -> String {
    match topic.map(normalize).filter(|t| !t.is_empty()) {
        None => overview(),
        Some(t) => about(&t),
    }
}

/// A topic in the form [`keys`] uses: lower case, no quotes, arity, arguments or `:`.
fn normalize(topic: &str) -> String {
    let t = topic
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '.');
    let t = t.split('(').next().unwrap_or(t);
    let t = match t.rsplit_once('/') {
        Some((name, arity)) if arity.trim().bytes().all(|b| b.is_ascii_digit()) => name,
        _ => t,
    };
    t.trim().trim_start_matches(':').to_ascii_lowercase()
}

/// The names an entry answers to: `supervisor.which_children`, `which_children`,
/// `supervisor:which_children`.
fn keys(e: &Entry) -> [String; 3] {
    let name = |sig: &str| {
        sig.split('(')
            .next()
            .unwrap_or(sig)
            .trim()
            .trim_start_matches(':')
            .to_ascii_lowercase()
    };
    let elixir = name(e.elixir);
    let erlang = if e.erlang.contains('(') {
        name(e.erlang)
    } else {
        "!".to_string()
    };
    let short = elixir.rsplit('.').next().unwrap_or(&elixir).to_string();
    [elixir, short, erlang]
}

/// The module part of an entry's names (`supervisor`, `dynamicsupervisor`, `gen_server`).
fn modules(e: &Entry) -> [String; 2] {
    let [elixir, _, erlang] = keys(e);
    let m = |k: &str, sep: char| {
        k.rsplit_once(sep)
            .map(|(m, _)| m.to_string())
            .unwrap_or_default()
    };
    [m(&elixir, '.'), m(&erlang, ':')]
}

fn overview() -> String {
    let width = ENTRIES.iter().map(|e| e.elixir.len()).max().unwrap_or(0);
    let mut out = String::from(
        "OTP Lab console — type Elixir as in IEx, or Erlang as in erl (a final . is optional).\n",
    );
    for e in ENTRIES {
        if let Some((_, title)) = GROUPS.iter().find(|(op, _)| *op == e.op) {
            out.push_str(&format!("\n{title}\n"));
        }
        out.push_str(&format!("  {:width$}  {}\n", e.elixir, e.summary));
    }
    out.push_str(&format!(
        "\nConsole\n  {:width$}  {}\n  {:width$}  {}\n",
        "h, h Supervisor.which_children",
        "this list, or help on one function (with its Erlang form)",
        "clear",
        "clear the console"
    ));
    out.push_str(
        "\nA process is a name (:demo, Process.whereis(:demo)), a tree path (\"demo/counter_1\") or a pid (pid(\"0.84.0\"), #PID<0.84.0>).\n\
         Erlang: supervisor:which_children/1, count_children/1, terminate_child/2, restart_child/2,\n\
         delete_child/2, start_child/2; exit/2, process_info/1, link/1, erlang:monitor(process, Pid),\n\
         Pid ! Msg, gen_server:call/2, gen_server:cast/2; lab:crash/1,2, lab:pause/1, lab:resume/1,\n\
         lab:change_strategy/2. Pids are <0.84.0> or list_to_pid(\"<0.84.0>\"), names demo or whereis(demo),\n\
         paths \"demo/counter_1\".",
    );
    out
}

fn about(topic: &str) -> String {
    let hits: Vec<&Entry> = ENTRIES
        .iter()
        .filter(|e| keys(e).iter().any(|k| k == topic))
        .collect();
    if !hits.is_empty() {
        let parts: Vec<String> = hits.iter().map(|e| detail(e)).collect();
        return parts.join("\n\n");
    }
    let in_module: Vec<&Entry> = ENTRIES
        .iter()
        .filter(|e| modules(e).iter().any(|m| m == topic))
        .collect();
    if !in_module.is_empty() {
        let width = in_module.iter().map(|e| e.elixir.len()).max().unwrap_or(0);
        let lines: Vec<String> = in_module
            .iter()
            .map(|e| format!("  {:width$}  {}", e.elixir, e.summary))
            .collect();
        return format!(
            "{}\nType h and a function's name for more.",
            lines.join("\n")
        );
    }
    let closest = ENTRIES
        .iter()
        .flat_map(|e| {
            let [elixir, short, erlang] = keys(e);
            [(elixir, e.elixir), (short, e.elixir), (erlang, e.elixir)]
        })
        .map(|(k, sig)| (distance(topic, &k), k.len(), sig))
        .min_by_key(|(d, _, _)| *d);
    match closest {
        Some((d, len, sig)) if d <= (len / 3).max(2) => {
            let name = sig.split('(').next().unwrap_or(sig);
            format!("No help for {topic} — did you mean {name}? Type h for the list.")
        }
        _ => format!("No help for {topic}. Type h for the list of commands."),
    }
}

fn detail(e: &Entry) -> String {
    if e.erlang.is_empty() {
        return format!(
            "{}\n  {}.\n  {}\n\n  Elixir only (the Lab's Control module, not in OTP).\n  e.g.     {}",
            e.elixir,
            capitalize(e.summary),
            e.details,
            e.examples[0]
        );
    }
    format!(
        "{}\n  {}.\n  {}\n\n  Elixir:  {}\n  Erlang:  {}\n  e.g.     {}\n           {}",
        e.elixir,
        capitalize(e.summary),
        e.details,
        e.elixir,
        e.erlang,
        e.examples[0],
        e.examples[1]
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}
