//! Erlang lines: the same calls in `erl` syntax, and Erlang child specs.

use super::*;

#[test]
fn erlang_calls() {
    let p = Target::Pid(84);
    assert_eq!(
        erl("supervisor:which_children(demo)."),
        Command::WhichChildren { sup: demo() }
    );
    assert_eq!(
        erl("supervisor:count_children(demo)"),
        Command::CountChildren { sup: demo() }
    );
    assert_eq!(
        erl("supervisor:terminate_child(demo, counter_1)."),
        Command::TerminateChild {
            sup: demo(),
            child: ChildSel::Id(Term::atom("counter_1"))
        }
    );
    assert_eq!(
        erl("supervisor:terminate_child(demo, <0.84.0>)."),
        Command::TerminateChild {
            sup: demo(),
            child: ChildSel::Pid(p.clone())
        }
    );
    assert_eq!(
        erl("supervisor:terminate_child(demo, \"demo/counter_1\")."),
        Command::TerminateChild {
            sup: demo(),
            child: ChildSel::Pid(path("demo/counter_1"))
        }
    );
    assert_eq!(
        erl("supervisor:restart_child(demo, counter_1)."),
        Command::RestartChild {
            sup: demo(),
            id: Term::atom("counter_1")
        }
    );
    assert_eq!(
        erl("supervisor:delete_child(demo, {a, 1})."),
        Command::DeleteChild {
            sup: demo(),
            id: t("{a,1}")
        }
    );
    for line in ["exit(<0.84.0>, kill).", "erlang:exit(<0.84.0>, kill)"] {
        assert_eq!(
            erl(line),
            Command::Exit {
                target: p.clone(),
                reason: Term::KILL
            },
            "{line}"
        );
    }
    for line in [
        "process_info(<0.84.0>).",
        "erlang:process_info(list_to_pid(\"<0.84.0>\")).",
    ] {
        assert_eq!(
            erl(line),
            Command::Info {
                target: p.clone(),
                flavor: Flavor::Erlang
            },
            "{line}"
        );
    }
    assert_eq!(erl("link(<0.84.0>)."), Command::Link { target: p.clone() });
    // whereis(Name) as an argument is the registered process
    assert_eq!(erl("exit(whereis(demo), kill)."), erl("exit(demo, kill)."));
    assert_eq!(
        erl("erlang:exit(erlang:whereis(demo), kill)."),
        erl("exit(demo, kill).")
    );
    assert_eq!(
        ex("Process.exit(Process.whereis(:demo), :kill)"),
        ex("Process.exit(:demo, :kill)")
    );
    for bad in ["exit(whereis(<0.1.0>), kill).", "exit(whereis(), kill)."] {
        let e = parse(bad).unwrap_err();
        assert!(e.contains("whereis takes a registered name"), "{bad}: {e}");
    }
    let e = parse("Process.exit(Process.whereis(\"x\"), :kill)").unwrap_err();
    assert!(e.contains("Process.whereis takes a registered name"), "{e}");
    assert_eq!(
        erl("erlang:link(pid(0,84,0))."),
        Command::Link { target: p.clone() }
    );
    assert_eq!(
        erl("erlang:monitor(process, <0.84.0>)."),
        Command::Monitor { target: p.clone() }
    );
    assert_eq!(
        erl("monitor(process, <0.84.0>)"),
        Command::Monitor { target: p.clone() }
    );
    let hello = Command::Send {
        target: p.clone(),
        msg: t("{hello,\"x\",<<\"y\">>}"),
    };
    assert_eq!(erl("<0.84.0> ! {hello, \"x\", <<\"y\">>}."), hello);
    assert_eq!(
        erl("list_to_pid(\"<0.84.0>\") ! {hello, \"x\", <<\"y\">>}"),
        hello
    );
    assert_eq!(
        erl("demo ! 'a b'."),
        Command::Send {
            target: demo(),
            msg: Term::atom("a b")
        }
    );
    assert_eq!(
        erl("erlang:send(demo, $!)."),
        Command::Send {
            target: demo(),
            msg: Term::Int(33)
        }
    );
    assert_eq!(
        erl("gen_server:call(<0.84.0>, get_value)."),
        Command::Call {
            target: p.clone(),
            msg: Term::atom("get_value")
        }
    );
    assert_eq!(
        erl("gen_server:cast(<<\"demo/counter_1\">>, increment)."),
        Command::Cast {
            target: path("demo/counter_1"),
            msg: Term::atom("increment")
        }
    );
    assert_eq!(
        erl("lab:crash(<0.84.0>)."),
        Command::Crash {
            target: p.clone(),
            reason: Term::atom("crash")
        }
    );
    assert_eq!(
        erl("lab:crash(\"demo/x\", {shutdown, 1})."),
        Command::Crash {
            target: path("demo/x"),
            reason: t("{shutdown,1}")
        }
    );
    assert_eq!(erl("lab:pause(demo)."), Command::Pause { sup: demo() });
    assert_eq!(erl("lab:resume(demo)."), Command::Resume { sup: demo() });
    assert_eq!(
        erl("lab:change_strategy(demo, rest_for_one)."),
        Command::ChangeStrategy {
            sup: demo(),
            strategy: SupStrategy::RestForOne
        }
    );
}

#[test]
fn erlang_start_child_specs() {
    let worker = |id: &str, kind, restart| Command::StartChild {
        sup: demo(),
        spec: StartSpec::Worker {
            id: Term::atom(id),
            kind,
            restart,
        },
    };
    assert_eq!(
        erl("supervisor:start_child(demo, #{id => w4, start => {counter, start_link, []}})."),
        worker("w4", WorkerKind::Counter, RestartType::Permanent)
    );
    assert_eq!(
        erl("supervisor:start_child(demo, #{id => p, start => {printer, start_link, []}, restart => transient})."),
        worker("p", WorkerKind::Printer, RestartType::Transient)
    );
    assert_eq!(
        erl("supervisor:start_child(demo, {w4, {counter, start_link, []}, permanent, 5000, worker, [counter]})."),
        worker("w4", WorkerKind::Counter, RestartType::Permanent)
    );
    assert_eq!(
        erl("supervisor:start_child(demo, {w5, {my_worker, start_link, [1]}, temporary, brutal_kill, worker, [my_worker]})."),
        worker("w5", WorkerKind::Generic, RestartType::Temporary)
    );
    let args = |a: &str| Command::StartChild {
        sup: name("pool"),
        spec: StartSpec::Args(Term::atom(a)),
    };
    assert_eq!(erl("supervisor:start_child(pool, [job_4])."), args("job_4"));
    assert_eq!(
        erl("supervisor:start_child(pool, [\"job_5\"])."),
        args("job_5")
    );
    assert_eq!(
        erl("supervisor:start_child(pool, [<<\"job_6\">>])."),
        args("job_6")
    );
}
