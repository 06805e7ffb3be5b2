//! The shell answers as IEx and the Erlang shell do — checked against IEx 1.14 and erl of
//! OTP 25 — even where the answer surprises a learner: an exit signal or a message to a
//! dead pid vanishes (`true`, the message), a call to nobody exits with `noproc`.

use otp_lab_lab::console::{self, Input};
use otp_lab_lab::Lab;

/// What the console prints for `line`.
fn run(lab: &mut Lab, line: &str) -> String {
    match console::parse(line).unwrap_or_else(|e| panic!("{line}: {e}")) {
        Input::Command(cmd, syntax) => console::format_result(&lab.exec(&cmd), syntax),
        other => panic!("{line}: not a command: {other:?}"),
    }
}

/// The serial of a process that has died (counter_1's first incarnation).
fn dead_serial(lab: &mut Lab) -> u32 {
    let old = lab.tree()[1].pid.clone().expect("counter_1 runs");
    lab.kill("demo/counter_1").unwrap();
    lab.advance(1000);
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
