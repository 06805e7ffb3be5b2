//! The shell answers as IEx and the Erlang shell do — checked against IEx 1.14 and erl of
//! OTP 25 — even where the answer surprises a learner: an exit signal or a message to a
//! dead pid vanishes (`true`, the message), a call to nobody exits with `noproc`.

mod common;

use common::run;
use otp_lab_lab::console;
use otp_lab_lab::Lab;

/// The serial of a process that has died (counter_1's first incarnation).
fn dead_serial(lab: &mut Lab) -> u32 {
    let old = lab.tree()[1].pid.clone().expect("counter_1 runs");
    lab.kill("demo/counter_1").unwrap();
    lab.advance(20_000);
    assert_ne!(lab.tree()[1].pid.as_ref(), Some(&old), "restarted");
    old.trim_start_matches("<0.")
        .trim_end_matches(".0>")
        .parse()
        .unwrap()
}

const NOPROC: &str = "no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started";

#[test]
fn signals_and_messages_to_the_dead_vanish() {
    let mut lab = Lab::demo(1);
    let n = dead_serial(&mut lab);
    assert_eq!(
        run(&mut lab, &format!("Process.exit(pid(\"0.{n}.0\"), :kill)")),
        "true"
    );
    assert_eq!(
        run(&mut lab, &format!("send(pid(\"0.{n}.0\"), :hello)")),
        ":hello"
    );
    assert_eq!(run(&mut lab, &format!("exit(<0.{n}.0>, kill).")), "true");
    assert_eq!(run(&mut lab, &format!("<0.{n}.0> ! hello.")), "hello");
}

#[test]
fn calls_to_nobody_exit_with_noproc() {
    let mut lab = Lab::demo(1);
    let n = dead_serial(&mut lab);
    assert_eq!(
        run(&mut lab, "GenServer.call(:nope, :get)"),
        format!("** (exit) exited in: GenServer.call(:nope, :get, 5000)\n    ** (EXIT) {NOPROC}")
    );
    assert_eq!(
        run(&mut lab, &format!("GenServer.call(pid(\"0.{n}.0\"), :get_value)")),
        format!("** (exit) exited in: GenServer.call(#PID<0.{n}.0>, :get_value, 5000)\n    ** (EXIT) {NOPROC}")
    );
    assert_eq!(
        run(&mut lab, "gen_server:call(nope, get)."),
        "** exception exit: {noproc,{gen_server,call,[nope,get]}}\n     in function  gen_server:call/2 (gen_server.erl, line 370)"
    );
    assert_eq!(
        run(&mut lab, "Supervisor.which_children(:nope)"),
        format!("** (exit) exited in: GenServer.call(:nope, :which_children, :infinity)\n    ** (EXIT) {NOPROC}")
    );
    assert_eq!(
        run(&mut lab, "supervisor:which_children(nope)."),
        "** exception exit: {noproc,{gen_server,call,[nope,which_children,infinity]}}\n     in function  gen_server:call/3 (gen_server.erl, line 385)"
    );
    // a live server still answers
    assert_eq!(
        run(&mut lab, "GenServer.call(\"demo/counter_2\", :get_value)"),
        "0"
    );
}

#[test]
fn a_name_nobody_has_is_a_bad_argument() {
    let mut lab = Lab::demo(1);
    assert_eq!(
        run(&mut lab, "Process.exit(:nope, :kill)"),
        "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a pid\n\n    :erlang.exit(:nope, :kill)"
    );
    assert_eq!(
        run(&mut lab, "send(:nope, :hi)"),
        "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: invalid destination\n\n    :erlang.send(:nope, :hi)"
    );
    assert_eq!(
        run(&mut lab, "nope ! hi."),
        "** exception error: bad argument\n     in operator  !/2\n        called as nope ! hi"
    );
    assert_eq!(
        run(&mut lab, "exit(nope, kill)."),
        "** exception error: bad argument\n     in function  exit/2\n        called as exit(nope,kill)\n        *** argument 1: not a pid"
    );
}

#[test]
fn the_shell_is_a_process_with_a_mailbox() {
    let mut lab = Lab::demo(1);
    let me = lab.shell();
    let n = me.serial();
    assert_eq!(run(&mut lab, "self()"), format!("#PID<0.{n}.0>"));
    assert_eq!(run(&mut lab, "self()."), format!("<0.{n}.0>"));
    assert_eq!(run(&mut lab, "flush()"), ":ok", "an empty mailbox");
    // a monitor of a dead pid: the 'DOWN' lands in the shell's mailbox at once
    let dead = dead_serial(&mut lab);
    let r = run(&mut lab, &format!("Process.monitor(pid(\"0.{dead}.0\"))"));
    assert!(r.starts_with("#Reference<0.0.0."), "{r}");
    let messages = run(
        &mut lab,
        &format!("Process.info(pid(\"0.{n}.0\"), :messages)"),
    );
    assert_eq!(
        messages,
        format!("{{:messages, [{{:DOWN, {r}, :process, #PID<0.{dead}.0>, :noproc}}]}}")
    );
    assert_eq!(
        run(&mut lab, "flush()"),
        format!("{{:DOWN, {r}, :process, #PID<0.{dead}.0>, :noproc}}\n:ok")
    );
    assert_eq!(run(&mut lab, "flush()"), ":ok", "flushed once");
    // the Erlang shell says who got it
    run(&mut lab, &format!("erlang:monitor(process, <0.{dead}.0>)."));
    let out = run(&mut lab, "flush().");
    assert!(out.starts_with("Shell got {'DOWN',#Ref<0.0.0."), "{out}");
    assert!(
        out.ends_with(&format!(",process,<0.{dead}.0>,noproc}}\nok")),
        "{out}"
    );
}

/// IEx 1.14: `Supervisor.count_children/1` answers a map; erl: a proplist, in OTP's order.
#[test]
fn count_children_is_a_map_in_elixir_and_a_proplist_in_erlang() {
    let mut lab = Lab::demo(1);
    assert_eq!(
        run(&mut lab, "Supervisor.count_children(:demo)"),
        "%{active: 3, specs: 3, supervisors: 0, workers: 3}"
    );
    assert_eq!(
        run(&mut lab, "supervisor:count_children(demo)."),
        "[{specs,3},{active,3},{supervisors,0},{workers,3}]"
    );
    // bound to a variable, the map is what is kept
    assert_eq!(
        run(&mut lab, "c = Supervisor.count_children(:demo)"),
        "%{active: 3, specs: 3, supervisors: 0, workers: 3}"
    );
}

#[test]
fn process_functions_answer_as_elixir_and_erlang_do() {
    let mut lab = Lab::demo(1);
    let dead = dead_serial(&mut lab);
    let demo = lab
        .lookup(&otp_lab_lab::command::Target::Name("demo".into()))
        .unwrap();
    let d = demo.serial();
    assert_eq!(
        run(&mut lab, &format!("Process.alive?(pid(\"0.{dead}.0\"))")),
        "false"
    );
    assert_eq!(
        run(&mut lab, &format!("Process.alive?(pid(\"0.{d}.0\"))")),
        "true"
    );
    assert_eq!(
        run(&mut lab, &format!("is_process_alive(<0.{d}.0>).")),
        "true"
    );
    assert!(run(&mut lab, "Process.alive?(:demo)").contains("* 1st argument: not a pid"));
    assert_eq!(run(&mut lab, "Process.whereis(:nope)"), "nil");
    assert_eq!(run(&mut lab, "whereis(nope)."), "undefined");
    assert_eq!(
        run(&mut lab, &format!("Process.info(pid(\"0.{dead}.0\"))")),
        "nil"
    );
    assert_eq!(
        run(&mut lab, &format!("process_info(<0.{dead}.0>).")),
        "undefined"
    );
    assert_eq!(
        run(
            &mut lab,
            &format!("Process.info(pid(\"0.{d}.0\"), [:trap_exit, :message_queue_len])")
        ),
        "[trap_exit: true, message_queue_len: 0]"
    );
    assert_eq!(
        run(
            &mut lab,
            &format!("process_info(<0.{d}.0>, registered_name).")
        ),
        "{registered_name,demo}",
        "the root is registered under its id, as Supervisor.start_link(children, name: :demo) does"
    );
    assert_eq!(
        run(
            &mut lab,
            &format!("process_info(<0.{dead}.0>, registered_name).")
        ),
        "undefined"
    );
    assert_eq!(
        run(&mut lab, "process_info(whereis(demo), registered_name)."),
        "{registered_name,demo}"
    );
    assert_eq!(
        run(&mut lab, "Process.whereis(:demo)"),
        format!("#PID<0.{d}.0>")
    );
    assert!(run(&mut lab, &format!("process_info(<0.{d}.0>, nonsense).")).contains("bad argument"));
    let all = run(&mut lab, "Process.list()");
    assert!(
        all.starts_with(&format!("[#PID<0.{}.0>, ", lab.shell().serial())),
        "{all}"
    );
    assert_eq!(
        all.matches("#PID<").count(),
        5,
        "the shell and the four of the demo: {all}"
    );
    // the shell does not trap exits until told to
    assert_eq!(run(&mut lab, "Process.flag(:trap_exit, true)"), "false");
    assert_eq!(run(&mut lab, "process_flag(trap_exit, false)."), "true");
    assert_eq!(
        run(&mut lab, &format!("Process.unlink(pid(\"0.{dead}.0\"))")),
        "true"
    );
    let r = run(&mut lab, &format!("Process.monitor(pid(\"0.{d}.0\"))"));
    assert_eq!(
        run(&mut lab, &format!("Process.demonitor({r}, [:info])")),
        "true"
    );
    assert_eq!(
        run(&mut lab, &format!("Process.demonitor({r}, [:info])")),
        "false"
    );
    assert_eq!(run(&mut lab, &format!("Process.demonitor({r})")), "true");
}

#[test]
fn variables_bind_for_later_lines_as_in_iex_and_erl() {
    let mut lab = Lab::demo(1);
    let dead = dead_serial(&mut lab);
    let n = lab.shell().serial();
    // IEx
    let r = run(
        &mut lab,
        &format!("ref = Process.monitor(pid(\"0.{dead}.0\"))"),
    );
    assert!(r.starts_with("#Reference<0.0.0."), "{r}");
    assert_eq!(
        run(&mut lab, "ref"),
        r,
        "a bound variable alone prints its value"
    );
    assert_eq!(
        run(&mut lab, "Process.demonitor(ref, [:flush, :info])"),
        "false"
    );
    assert_eq!(
        run(&mut lab, "flush()"),
        ":ok",
        "the 'DOWN' went with the flush"
    );
    assert_eq!(run(&mut lab, "me = self()"), format!("#PID<0.{n}.0>"));
    assert_eq!(
        run(&mut lab, "send(me, {:hi, me})"),
        format!("{{:hi, #PID<0.{n}.0>}}")
    );
    assert_eq!(
        run(&mut lab, "Process.info(self(), :message_queue_len)"),
        "{:message_queue_len, 1}"
    );
    assert_eq!(run(&mut lab, "me = :rebound"), ":rebound", "IEx rebinds");
    let e = console::parse_in("Process.info(nobody)", lab.scope()).unwrap_err();
    assert!(e.contains("undefined variable nobody"), "{e}");
    // the Erlang shell
    assert_eq!(run(&mut lab, "Me = self()."), format!("<0.{n}.0>"));
    assert_eq!(run(&mut lab, "Me ! hello."), "hello");
    assert_eq!(
        run(&mut lab, "flush()."),
        format!("Shell got {{hi,<0.{n}.0>}}\nShell got hello\nok")
    );
    assert_eq!(
        run(&mut lab, "Me = self()."),
        format!("<0.{n}.0>"),
        "the same value matches"
    );
    assert_eq!(
        run(&mut lab, "Me = other."),
        "** exception error: no match of right hand side value other"
    );
    let r = run(
        &mut lab,
        &format!("Ref = erlang:monitor(process, <0.{dead}.0>)."),
    );
    assert!(r.starts_with("#Ref<0.0.0."), "{r}");
    assert_eq!(run(&mut lab, "demonitor(Ref, [flush])."), "true");
    assert_eq!(run(&mut lab, "flush()."), "ok");
    let e = console::parse_in("exit(Nobody, kill).", lab.scope()).unwrap_err();
    assert!(e.contains("variable 'Nobody' is unbound"), "{e}");
}

#[test]
fn a_linked_exit_takes_the_shell_down_and_a_new_one_comes_up() {
    // the demo's root is linked to the shell that started it, as in IEx
    let mut lab = Lab::demo(1);
    let first = lab.shell();
    assert_eq!(
        run(&mut lab, "Process.info(self(), :trap_exit)"),
        "{:trap_exit, false}"
    );
    for _ in 0..4 {
        lab.kill("demo/printer").unwrap();
        lab.advance(20_000);
    }
    // the root gave up (shutdown): the shell died with it, a new one took its place
    assert_ne!(lab.shell(), first);
    let exits = lab.shell_exits().to_vec();
    assert_eq!(exits.len(), 1);
    assert_eq!(
        (exits[0].pid, exits[0].reason.to_text()),
        (first, "shutdown".to_string())
    );
    assert_eq!(
        otp_lab_lab::raised::shell_exited(exits[0].pid, &exits[0].reason, true),
        format!(
            "** (EXIT from #PID<0.{}.0>) shell process exited with reason: shutdown",
            first.serial()
        )
    );
    assert_eq!(
        otp_lab_lab::raised::shell_exited(exits[0].pid, &exits[0].reason, false),
        "** exception exit: shutdown"
    );
    let n = lab.shell().serial();
    assert_eq!(run(&mut lab, "self()"), format!("#PID<0.{n}.0>"));
    assert!(lab
        .log_lines(0, lab.log_len())
        .iter()
        .any(|l| l.text.contains("shell exited with reason shutdown")));
}

#[test]
fn a_shell_that_traps_exits_gets_them_as_messages() {
    let mut lab = Lab::demo(1);
    let first = lab.shell();
    assert_eq!(run(&mut lab, "Process.flag(:trap_exit, true)"), "false");
    let pid = lab.tree()[2].pid.clone().unwrap();
    let n: u32 = pid
        .trim_start_matches("<0.")
        .trim_end_matches(".0>")
        .parse()
        .unwrap();
    assert_eq!(
        run(&mut lab, &format!("Process.link(pid(\"0.{n}.0\"))")),
        "true"
    );
    assert_eq!(
        run(&mut lab, &format!("Process.exit(pid(\"0.{n}.0\"), :kill)")),
        "true"
    );
    lab.advance(20_000);
    assert_eq!(lab.shell(), first, "the shell lives on");
    assert_eq!(
        run(&mut lab, "flush()"),
        format!("{{:EXIT, #PID<0.{n}.0>, :killed}}\n:ok")
    );
    // without trapping, the same kill takes it down
    assert_eq!(run(&mut lab, "Process.flag(:trap_exit, false)"), "true");
    let pid = lab.tree()[2].pid.clone().unwrap();
    let m: u32 = pid
        .trim_start_matches("<0.")
        .trim_end_matches(".0>")
        .parse()
        .unwrap();
    run(&mut lab, &format!("Process.link(pid(\"0.{m}.0\"))"));
    run(&mut lab, &format!("Process.exit(pid(\"0.{m}.0\"), :kill)"));
    lab.advance(20_000);
    assert_ne!(lab.shell(), first);
    assert_eq!(lab.shell_exits()[0].reason.to_text(), "killed");
}

#[test]
fn stop_is_ok_only_when_the_server_exits_with_the_reason_asked_for() {
    let scn = otp_lab_sim::scenario::parse(
        r#"{"tree":{"id":"root","strategy":"one_for_one","intensity":10,"period":5,"children":[
            {"id":"a","terminate_exit":"{bad,1}"},{"id":"b"}]}}"#,
    )
    .unwrap();
    let mut lab = Lab::from_scenario(&scn, Some(1), |_| {}).unwrap();
    let a = lab.tree()[1].pid.clone().unwrap();
    // as IEx 1.14 and erl of OTP 25 print it
    assert_eq!(
        run(&mut lab, "GenServer.stop(\"root/a\", :normal)"),
        "** (exit) exited in: GenServer.stop(\"root/a\", :normal, :infinity)\n    ** (EXIT) {:bad, 1}"
    );
    assert_ne!(
        lab.tree()[1].pid.as_ref(),
        Some(&a),
        "restarted after its stop"
    );
    assert_eq!(
        run(&mut lab, "gen_server:stop(\"root/a\", normal, infinity)."),
        "** exception exit: {bad,1}\n     in function  proc_lib:stop/3 (proc_lib.erl, line 1103)"
    );
    assert_eq!(
        run(&mut lab, "GenServer.stop(\"root/b\", :shutdown)"),
        ":ok"
    );
    assert_eq!(run(&mut lab, "gen_server:stop(\"root/b\")."), "ok");
    assert_eq!(
        run(&mut lab, "GenServer.stop(:nope)"),
        format!("** (exit) exited in: GenServer.stop(:nope, :normal, :infinity)\n    ** (EXIT) {NOPROC}")
    );
    assert_eq!(
        run(&mut lab, "gen_server:stop(nope)."),
        "** exception exit: noproc\n     in function  gen:do_for_proc/2 (gen.erl, line 565)"
    );
    let dead = a
        .trim_start_matches("<0.")
        .trim_end_matches(".0>")
        .to_string();
    assert_eq!(
        run(&mut lab, &format!("gen_server:stop(<0.{dead}.0>).")),
        "** exception exit: noproc\n     in function  proc_lib:stop/3 (proc_lib.erl, line 1091)"
    );
}

/// `:sys.get_state/1` and `:sys.get_status/1`, with the shapes and errors OTP 25 and
/// Elixir 1.14 give (recorded with `erl` and `iex` on this machine).
#[test]
fn sys_get_state_and_get_status_answer_as_otp() {
    let mut lab = Lab::demo(1);
    run(&mut lab, "GenServer.cast(\"demo/counter_1\", :increment)");
    lab.advance(20_000);
    assert_eq!(run(&mut lab, ":sys.get_state(\"demo/counter_1\")"), "1");
    assert_eq!(run(&mut lab, "sys:get_state(<0.3.0>)."), "1");
    lab.kill("demo/printer").unwrap();
    lab.advance(20_000);
    // the supervisor's #state{}: name, strategy, children newest first, the restart
    // seconds in its window, Elixir's default callback module
    let state = run(&mut lab, "sys:get_state(demo).");
    assert!(
        state.starts_with("{state,{local,demo},one_for_one,{[printer,counter_2,counter_1],#{counter_1=>{child,<0.3.0>,counter_1,{counter,start_link,[0]},permanent,false,5000,worker,[counter]},"),
        "{state}"
    );
    assert!(
        state.contains("},undefined,3,5,[0],0,never,'Elixir.Supervisor.Default',{ok,{#{intensity=>3,period=>5,strategy=>one_for_one},[#{id=>counter_1,"),
        "{state}"
    );
    assert!(run(&mut lab, ":sys.get_state(:demo)").starts_with("{:state, {:local, :demo}, :one_for_one, {[:printer, :counter_2, :counter_1], %{counter_1: {:child, #PID<0.3.0>,"));
    assert_eq!(
        run(&mut lab, ":sys.get_status(\"demo/counter_1\")"),
        "{:status, #PID<0.3.0>, {:module, :gen_server}, [[\"$initial_call\": {:counter, :init, 1}, \"$ancestors\": [:demo, #PID<0.1.0>]], :running, #PID<0.2.0>, [], [header: 'Status for generic server <0.3.0>', data: [{'Status', :running}, {'Parent', #PID<0.2.0>}, {'Logged events', []}], data: [{'State', 1}]]]}"
    );
    let status = run(&mut lab, "sys:get_status(demo).");
    assert!(status.starts_with("{status,<0.2.0>,{module,gen_server},[[{'$initial_call',{supervisor,'Elixir.Supervisor.Default',1}},{'$ancestors',[<0.1.0>]}],running,<0.1.0>,[],[{header,\"Status for generic server demo\"},{data,[{\"Status\",running},{\"Parent\",<0.1.0>},{\"Logged events\",[]}]},{data,[{\"State\",{state,{local,demo},"), "{status}");
    assert!(
        status.ends_with("{supervisor,[{\"Callback\",'Elixir.Supervisor.Default'}]}]]}"),
        "{status}"
    );
    // the errors
    assert_eq!(
        run(&mut lab, ":sys.get_state(self())"),
        "** (exit) exited in: :sys.get_state(#PID<0.1.0>)\n    ** (EXIT) process attempted to call itself\n    (stdlib 4.2) sys.erl:338: :sys.send_system_msg/2\n    (stdlib 4.2) sys.erl:139: :sys.get_state/1"
    );
    assert_eq!(
        run(&mut lab, "sys:get_status(self())."),
        "** exception exit: {calling_self,{sys,get_status,[<0.1.0>]}}\n     in function  sys:send_system_msg/2 (sys.erl, line 338)"
    );
    assert_eq!(
        run(&mut lab, "sys:get_state(nosuch)."),
        "** exception exit: {noproc,{sys,get_state,[nosuch]}}\n     in function  sys:send_system_msg/2 (sys.erl, line 338)\n     in call from sys:get_state/1 (sys.erl, line 139)"
    );
    assert_eq!(
        run(&mut lab, ":sys.get_state(:nosuch)"),
        format!("** (exit) exited in: :sys.get_state(:nosuch)\n    ** (EXIT) {NOPROC}\n    (stdlib 4.2) sys.erl:338: :sys.send_system_msg/2\n    (stdlib 4.2) sys.erl:139: :sys.get_state/1")
    );
    for topic in [":sys.get_state", "sys:get_status", "get_state"] {
        let h = otp_lab_lab::console::help(Some(topic));
        assert!(
            h.contains("sys:get_state(Pid)") || h.contains("sys:get_status(Pid)"),
            "{topic}: {h}"
        );
    }
    assert!(otp_lab_lab::console::help(None).contains(":sys.get_status(pid)"));
    // a dead pid: noproc too
    assert!(run(&mut lab, "sys:get_state(<0.5.0>).")
        .starts_with("** exception exit: {noproc,{sys,get_state,[<0.5.0>]}}"));
}

/// IEx (Elixir 1.14) prints a list of printable ASCII codes as a charlist, and any atom
/// but an alias as a keyword key, quoted when it must be.
#[test]
fn iex_prints_charlists_and_quoted_keyword_keys() {
    use otp_lab_lab::command::elixir_term;
    use otp_lab_sim::term::Term;
    let chars = |s: &str| Term::list(s.bytes().map(|b| Term::Int(b as i64)).collect());
    assert_eq!(elixir_term(&chars("it's")), "'it\\'s'");
    assert_eq!(
        elixir_term(&Term::list(vec![Term::Int(1), Term::Int(2)])),
        "[1, 2]"
    );
    assert_eq!(elixir_term(&Term::list(vec![])), "[]");
    let kw = Term::list(vec![
        Term::pair(Term::atom("$a"), Term::Int(1)),
        Term::pair(Term::atom("b"), Term::Int(2)),
    ]);
    assert_eq!(elixir_term(&kw), "[\"$a\": 1, b: 2]");
    let alias = Term::list(vec![Term::pair(Term::atom("Elixir.Foo"), Term::Int(1))]);
    assert_eq!(elixir_term(&alias), "[{Foo, 1}]");
}

/// Beyond OTP: the restart budget changes at run time, from the console (both syntaxes),
/// logged, shown by the tree's meter, and used by the next restart.
#[test]
fn the_restart_budget_changes_at_run_time() {
    let mut lab = Lab::demo(1);
    let from = lab.log_len();
    assert_eq!(run(&mut lab, "Lab.change_intensity(:demo, 1, 5)"), ":ok");
    let lines: Vec<String> = lab
        .log_lines(from, lab.log_len())
        .iter()
        .map(|l| format!("{} {}", l.kind, l.text))
        .collect();
    assert!(
        lines.contains(&"config <0.2.0> demo now allows 1 restart in 5 s".to_string()),
        "{lines:?}"
    );
    let meter = lab.tree()[0].meter.unwrap();
    assert_eq!((meter.intensity, meter.period), (1, 5));
    // two kills in the period: one too many for a budget of 1
    run(&mut lab, "Process.exit(\"demo/counter_1\", :kill)");
    lab.advance(20_000);
    run(&mut lab, "Process.exit(\"demo/counter_2\", :kill)");
    lab.advance(20_000);
    assert!(lab.tree()[0].pid.is_none(), "demo gave up");
    // the same from Erlang, and the strategy change logged too
    let mut lab = Lab::demo(1);
    assert_eq!(run(&mut lab, "lab:change_intensity(demo, 10, 60)."), "ok");
    let from = lab.log_len();
    run(&mut lab, "lab:change_strategy(demo, one_for_all).");
    let last = lab.log_lines(from, lab.log_len());
    assert!(
        last.iter()
            .any(|l| l.text == "<0.2.0> demo changed its strategy to one_for_all"),
        "{last:?}"
    );
    // bad numbers are refused with the argument named
    let refused = |line: &str| otp_lab_lab::console::parse_in(line, lab.scope()).expect_err(line);
    let e = refused("Lab.change_intensity(:demo, -1, 5)");
    assert!(
        e.contains("argument 2") && e.contains("whole number of restarts"),
        "{e}"
    );
    let e = refused("Lab.change_intensity(:demo, 3, 0)");
    assert!(e.contains("argument 3") && e.contains("period"), "{e}");
    assert!(otp_lab_lab::console::help(Some("change_intensity"))
        .contains("lab:change_intensity(Sup, Intensity, Period)"));
    // a share link replays it from its console form
    let cmd = otp_lab_lab::actions::change_intensity("demo".into(), "4", "10").unwrap();
    let line = cmd.to_elixir();
    assert_eq!(line, "Lab.change_intensity(\"demo\", 4, 10)");
    match otp_lab_lab::console::parse_in(&line, lab.scope()) {
        Ok(otp_lab_lab::console::Input::Command(back, _)) => assert_eq!(back, cmd),
        other => panic!("{line}: {other:?}"),
    }
    assert!(otp_lab_lab::actions::change_intensity("demo".into(), "x", "10").is_err());
    assert!(otp_lab_lab::actions::change_intensity("demo".into(), "3", "0").is_err());
}

/// As IEx 1.14 answered against a real `Supervisor` with the same children: modules as
/// Elixir names them, `{Counter, arg}` under the module's id, the full spec from
/// `:supervisor.get_childspec/2`.
#[test]
fn child_specs_answer_as_iex_does() {
    let mut lab = Lab::demo(1);
    let mut run = |line: &str| {
        let out = run(&mut lab, line);
        lab.advance(50_000);
        out
    };
    assert_eq!(
        run("Supervisor.start_child(:demo, {Counter, 0})"),
        "{:ok, #PID<0.6.0>}"
    );
    assert_eq!(
        run("Supervisor.start_child(:demo, {Counter, 0})"),
        "{:error, {:already_started, #PID<0.6.0>}}"
    );
    assert!(run("Supervisor.which_children(:demo)").starts_with(
        "[{Counter, #PID<0.6.0>, :worker, [Counter]}, {:printer, #PID<0.5.0>, :worker, [Printer]},"
    ));
    assert_eq!(
        run(":supervisor.get_childspec(:demo, :counter_1)"),
        "{:ok, %{id: :counter_1, modules: [Counter], restart: :permanent, shutdown: 5000, significant: false, start: {Counter, :start_link, []}, type: :worker}}"
    );
    assert_eq!(run("Supervisor.stop(:demo)"), ":ok");
}
