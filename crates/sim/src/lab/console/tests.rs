use super::*;
use crate::behaviour::gen_server::WorkerKind;
use crate::lab::command::{ChildSel, StartSpec, Target};
use crate::pid::Ref;
use crate::supervisor::spec::{RestartType, Strategy as SupStrategy};
use crate::term::parse_term;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::Strategy;

fn run(line: &str) -> (Command, Syntax) {
    match parse(line) {
        Ok(Input::Command(c, s)) => (c, s),
        other => panic!("{line:?} gave {other:?}"),
    }
}

/// The command of an Elixir line.
fn ex(line: &str) -> Command {
    let (c, s) = run(line);
    assert_eq!(s, Syntax::Elixir, "{line}");
    c
}

/// The command of an Erlang line.
fn erl(line: &str) -> Command {
    let (c, s) = run(line);
    assert_eq!(s, Syntax::Erlang, "{line}");
    c
}

fn err(line: &str) -> String {
    match parse(line) {
        Err(e) => e,
        Ok(i) => panic!("{line:?} should fail, gave {i:?}"),
    }
}

fn name(n: &str) -> Target {
    Target::Name(n.to_string())
}

fn path(p: &str) -> Target {
    Target::Path(p.to_string())
}

fn t(erlang: &str) -> Term {
    parse_term(erlang).unwrap()
}

fn bin(s: &str) -> Term {
    Term::Binary(Rc::from(s.as_bytes()))
}

fn demo() -> Target {
    name("demo")
}

#[test]
fn blank_help_and_clear() {
    assert_eq!(parse(""), Ok(Input::Empty));
    assert_eq!(parse("   \t "), Ok(Input::Empty));
    for h in ["h", "help", "h()", "help()", "help().", " h "] {
        assert_eq!(parse(h), Ok(Input::Help(None)), "{h}");
    }
    let topic = |s: &str| Ok(Input::Help(Some(s.to_string())));
    assert_eq!(
        parse("h Supervisor.which_children"),
        topic("Supervisor.which_children")
    );
    assert_eq!(
        parse("h(Supervisor.which_children/1)"),
        topic("Supervisor.which_children/1")
    );
    assert_eq!(parse("h which_children"), topic("which_children"));
    assert_eq!(
        parse("help(supervisor:which_children)."),
        topic("supervisor:which_children")
    );
    assert_eq!(parse("clear"), Ok(Input::Clear));
    assert_eq!(parse("clear()"), Ok(Input::Clear));
}

#[test]
fn elixir_supervisor_calls() {
    assert_eq!(
        ex("Supervisor.which_children(:demo)"),
        Command::WhichChildren { sup: demo() }
    );
    assert_eq!(
        ex("Supervisor.count_children(:demo)"),
        Command::CountChildren { sup: demo() }
    );
    assert_eq!(
        ex("Supervisor.terminate_child(:demo, :counter_1)"),
        Command::TerminateChild {
            sup: demo(),
            child: ChildSel::Id(Term::atom("counter_1"))
        }
    );
    assert_eq!(
        ex("Supervisor.terminate_child(:demo, \"demo/counter_1\")"),
        Command::TerminateChild {
            sup: demo(),
            child: ChildSel::Pid(path("demo/counter_1"))
        }
    );
    assert_eq!(
        ex("Supervisor.terminate_child(:demo, pid(\"0.84.0\"))"),
        Command::TerminateChild {
            sup: demo(),
            child: ChildSel::Pid(Target::Pid(84))
        }
    );
    assert_eq!(
        ex("Supervisor.restart_child(:demo, :counter_1)"),
        Command::RestartChild {
            sup: demo(),
            id: Term::atom("counter_1")
        }
    );
    assert_eq!(
        ex("Supervisor.delete_child(\"demo\", {:a, 1})"),
        Command::DeleteChild {
            sup: path("demo"),
            id: t("{a,1}")
        }
    );
    assert_eq!(
        ex("DynamicSupervisor.which_children(:pool)"),
        Command::WhichChildren { sup: name("pool") }
    );
    assert_eq!(
        ex("DynamicSupervisor.count_children(:pool)"),
        Command::CountChildren { sup: name("pool") }
    );
    assert_eq!(
        ex("DynamicSupervisor.terminate_child(:pool, #PID<0.90.0>)"),
        Command::TerminateChild {
            sup: name("pool"),
            child: ChildSel::Pid(Target::Pid(90))
        }
    );
}

#[test]
fn elixir_start_child_specs() {
    let worker = |id: Term, kind, restart| Command::StartChild {
        sup: demo(),
        spec: StartSpec::Worker { id, kind, restart },
    };
    assert_eq!(
        ex("Supervisor.start_child(:demo, %{id: :w4, start: {Counter, :start_link, []}})"),
        worker(
            Term::atom("w4"),
            WorkerKind::Counter,
            RestartType::Permanent
        )
    );
    assert_eq!(
        ex("Supervisor.start_child(:demo, %{start: {Printer, :start_link, [1]}, restart: :transient, id: \"p\"})"),
        worker(bin("p"), WorkerKind::Printer, RestartType::Transient)
    );
    assert_eq!(
        ex("Supervisor.start_child(:demo, %{id: :g, start: {:worker, :start_link, []}, restart: :temporary, shutdown: 5000, type: :worker})"),
        worker(Term::atom("g"), WorkerKind::Generic, RestartType::Temporary)
    );
    // A module is its own id, as in Elixir.
    assert_eq!(
        ex("Supervisor.start_child(:demo, Counter)"),
        worker(
            Term::atom("Elixir.Counter"),
            WorkerKind::Counter,
            RestartType::Permanent
        )
    );
    assert_eq!(
        ex("Supervisor.start_child(:demo, Worker)"),
        worker(
            Term::atom("Elixir.Worker"),
            WorkerKind::Generic,
            RestartType::Permanent
        )
    );
    assert_eq!(
        ex("Supervisor.start_child(:demo, {Printer, \"p2\"})"),
        worker(
            Term::atom("p2"),
            WorkerKind::Printer,
            RestartType::Permanent
        )
    );
    assert_eq!(
        ex("Supervisor.start_child(:demo, {MyApp.Thing, :x})"),
        worker(Term::atom("x"), WorkerKind::Generic, RestartType::Permanent)
    );
    let args = |a: &str| Command::StartChild {
        sup: name("pool"),
        spec: StartSpec::Args(Term::atom(a)),
    };
    assert_eq!(
        ex("Supervisor.start_child(:pool, [\"job_3\"])"),
        args("job_3")
    );
    assert_eq!(
        ex("DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"})"),
        args("job_4")
    );
    assert_eq!(
        ex("DynamicSupervisor.start_child(:pool, \"job_5\")"),
        args("job_5")
    );
    assert_eq!(
        ex("DynamicSupervisor.start_child(:pool, :job_6)"),
        args("job_6")
    );
    assert_eq!(
        ex("DynamicSupervisor.start_child(:pool, %{id: Counter, start: {Counter, :start_link, [\"job_7\"]}})"),
        args("job_7")
    );
}

#[test]
fn elixir_process_calls() {
    let p = Target::Pid(84);
    assert_eq!(
        ex("Process.exit(pid(\"0.84.0\"), :kill)"),
        Command::Exit {
            target: p.clone(),
            reason: Term::KILL
        }
    );
    assert_eq!(
        ex("Process.exit(pid(0, 84, 0), {:shutdown, :bye})"),
        Command::Exit {
            target: p.clone(),
            reason: t("{shutdown,bye}")
        }
    );
    assert_eq!(
        ex("Process.info(#PID<0.84.0>)"),
        Command::Info { target: p.clone() }
    );
    assert_eq!(
        ex("Process.link(pid(\"0.84.0\"))"),
        Command::Link { target: p.clone() }
    );
    assert_eq!(
        ex("Process.monitor(pid(\"0.84.0\"))"),
        Command::Monitor { target: p.clone() }
    );
    assert_eq!(
        ex("send(pid(\"0.84.0\"), {:hello, \"world\"})"),
        Command::Send {
            target: p.clone(),
            msg: Term::pair(Term::atom("hello"), bin("world"))
        }
    );
    assert_eq!(
        ex("Kernel.send(:demo, :ping)"),
        Command::Send {
            target: demo(),
            msg: Term::atom("ping")
        }
    );
    assert_eq!(
        ex("GenServer.call(\"demo/counter_1\", :get_value)"),
        Command::Call {
            target: path("demo/counter_1"),
            msg: Term::atom("get_value")
        }
    );
    assert_eq!(
        ex("GenServer.cast(\"demo/counter_1\", :increment)"),
        Command::Cast {
            target: path("demo/counter_1"),
            msg: Term::atom("increment")
        }
    );
}

#[test]
fn elixir_lab_extensions() {
    let c = path("demo/counter_1");
    assert_eq!(
        ex("Lab.crash(\"demo/counter_1\")"),
        Command::Crash {
            target: c.clone(),
            reason: Term::atom("crash")
        }
    );
    assert_eq!(
        ex("Lab.crash(\"demo/counter_1\", :boom)"),
        Command::Crash {
            target: c,
            reason: Term::atom("boom")
        }
    );
    assert_eq!(ex("Lab.pause(:demo)"), Command::Pause { sup: demo() });
    assert_eq!(ex("Lab.resume(:demo)"), Command::Resume { sup: demo() });
    assert_eq!(
        ex("Lab.change_strategy(:demo, :one_for_all)"),
        Command::ChangeStrategy {
            sup: demo(),
            strategy: SupStrategy::OneForAll
        }
    );
    assert_eq!(
        ex("Lab.change_strategy(:demo, :rest_for_one)"),
        Command::ChangeStrategy {
            sup: demo(),
            strategy: SupStrategy::RestForOne
        }
    );
}

#[test]
fn elixir_targets() {
    let info = |line: &str| match ex(line) {
        Command::Info { target } => target,
        c => panic!("{c:?}"),
    };
    assert_eq!(info("Process.info(:demo)"), demo());
    assert_eq!(info("Process.info(:\"my sup\")"), name("my sup"));
    assert_eq!(info("Process.info(MyApp.Sup)"), name("Elixir.MyApp.Sup"));
    assert_eq!(info("Process.info(\"demo/x\")"), path("demo/x"));
    assert_eq!(info("Process.info(pid(\"0.7.0\"))"), Target::Pid(7));
    assert_eq!(info("Process.info(pid(\"<0.7.0>\"))"), Target::Pid(7));
    assert_eq!(info("Process.info(pid(0,7,0))"), Target::Pid(7));
    assert_eq!(info("Process.info(#PID<0.7.0>)"), Target::Pid(7));
    assert_eq!(info("Process.info(<0.7.0>)"), Target::Pid(7));
    // `:supervisor.f` is Erlang's module called from Elixir.
    assert_eq!(
        ex(":supervisor.which_children(:demo)"),
        Command::WhichChildren { sup: demo() }
    );
    assert_eq!(
        ex(":erlang.monitor(:process, pid(\"0.7.0\"))"),
        Command::Monitor {
            target: Target::Pid(7)
        }
    );
}

/// The message of `send(:demo, MSG)`.
fn msg(elixir: &str) -> Term {
    match ex(&format!("send(:demo, {elixir})")) {
        Command::Send { msg, .. } => msg,
        c => panic!("{c:?}"),
    }
}

#[test]
fn elixir_literals() {
    assert_eq!(msg(":kill"), Term::KILL);
    assert_eq!(msg(":\"a b\""), Term::atom("a b"));
    assert_eq!(msg(":EXIT"), Term::atom("EXIT"));
    assert_eq!(msg(":ok?"), Term::atom("ok?"));
    assert_eq!(msg("true"), Term::TRUE);
    assert_eq!(msg("false"), Term::FALSE);
    assert_eq!(msg("nil"), Term::atom("nil"));
    assert_eq!(msg("1_000_000"), Term::Int(1_000_000));
    assert_eq!(msg("-42"), Term::Int(-42));
    assert_eq!(msg("0x1F"), Term::Int(31));
    assert_eq!(msg("?a"), Term::Int(97));
    assert_eq!(
        msg("123456789012345678901234567890"),
        t("123456789012345678901234567890")
    );
    assert_eq!(msg("1.5"), Term::Float(1.5));
    assert_eq!(msg("-2.5e-3"), Term::Float(-2.5e-3));
    assert_eq!(msg("\"hi\\n\\u{e9}\""), bin("hi\né"));
    assert_eq!(msg("'hi'"), t("\"hi\""));
    assert_eq!(
        msg("<<1, 2, \"a\">>"),
        Term::Binary(Rc::from(&[1u8, 2, 97][..]))
    );
    assert_eq!(msg("{:a, 1, {}}"), t("{a,1,{}}"));
    assert_eq!(msg("[1, 2]"), t("[1,2]"));
    assert_eq!(msg("[1 | 2]"), t("[1|2]"));
    assert_eq!(msg("[1 | [2]]"), t("[1,2]"));
    assert_eq!(msg("[a: 1, b: :x]"), t("[{a,1},{b,x}]"));
    assert_eq!(msg("[1, a: 2]"), t("[1,{a,2}]"));
    assert_eq!(msg("%{}"), t("#{}"));
    assert_eq!(msg("%{b: 1, a: 2}"), t("#{a=>2,b=>1}"));
    assert_eq!(msg("%{\"k\" => 1, 2 => [3]}"), t("#{<<\"k\">>=>1,2=>[3]}"));
    assert_eq!(msg("%{\"k\" => 1, a: 2}"), t("#{<<\"k\">>=>1,a=>2}"));
    assert_eq!(msg("Counter"), Term::atom("Elixir.Counter"));
    assert_eq!(msg("Elixir.Counter"), Term::atom("Elixir.Counter"));
    assert_eq!(
        msg("{:from, pid(\"0.5.0\")}"),
        Term::pair(Term::atom("from"), pid_term(5))
    );
    assert_eq!(msg("#Reference<0.0.0.9>"), Term::Ref(Ref(9)));
    assert_eq!(msg("{1, a: 2}"), t("{1,[{a,2}]}"));
}

#[test]
fn whitespace_and_punctuation_are_tolerated() {
    let want = Command::WhichChildren { sup: demo() };
    for line in [
        "  Supervisor.which_children(  :demo  )  ",
        "Supervisor.which_children :demo",
        "Supervisor.which_children(:demo).",
        "Supervisor.which_children(\n:demo\n)",
        "supervisor:which_children(demo).",
        "  supervisor:which_children( demo ) . ",
        "supervisor:which_children(demo). % list them",
    ] {
        assert_eq!(run(line).0, want, "{line:?}");
    }
    assert_eq!(
        ex("Process.exit pid(\"0.3.0\"), :kill"),
        Command::Exit {
            target: Target::Pid(3),
            reason: Term::KILL
        }
    );
    assert_eq!(msg("[\n1,\n2,\n]"), t("[1,2]"));
}

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
        assert_eq!(erl(line), Command::Info { target: p.clone() }, "{line}");
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

#[test]
fn unknown_functions_suggest_the_closest() {
    let e = err("Supervisor.wich_children(:demo)");
    assert!(e.starts_with("** (UndefinedFunctionError) function Supervisor.wich_children/1 is undefined or private"), "{e}");
    assert!(
        e.contains("did you mean which_children?") && e.ends_with("Type h for help."),
        "{e}"
    );
    let e = err("Supervisr.which_children(:demo)");
    assert!(
        e.contains("module Supervisr is not available")
            && e.contains("did you mean Supervisor.which_children?"),
        "{e}"
    );
    let e = err("supervisor.which_children(:demo)");
    assert!(e.contains("did you mean Supervisor.which_children?"), "{e}");
    let e = err("Process.which_children(:demo)");
    assert!(e.contains("did you mean Supervisor.which_children?"), "{e}");
    let e = err("which_children(:demo)");
    assert!(
        e.contains("undefined function which_children/1")
            && e.contains("Supervisor.which_children"),
        "{e}"
    );
    let e = err("GenServer.foo(:demo)");
    assert!(
        e.starts_with(
            "** (UndefinedFunctionError) function GenServer.foo/1 is undefined or private"
        ),
        "{e}"
    );
    let e = err("supervisor:wich_children(demo).");
    assert!(
        e.starts_with("** exception error: undefined function supervisor:wich_children/1"),
        "{e}"
    );
    assert!(e.contains("did you mean which_children?"), "{e}");
    let e = err("gen_server:cal(demo, x).");
    assert!(e.contains("did you mean call?"), "{e}");
    let e = err("pid(\"0.84.0\")");
    assert!(e.contains("Process.info(pid(\"0.84.0\"))"), "{e}");
}

#[test]
fn wrong_arity_says_what_it_takes() {
    let e = err("Supervisor.which_children(:demo, :x)");
    assert!(
        e.contains("Supervisor.which_children/2 is undefined; it takes 1 argument"),
        "{e}"
    );
    assert!(e.contains("Supervisor.which_children(sup)"), "{e}");
    let e = err("Supervisor.which_children");
    assert!(
        e.contains("Supervisor.which_children/0 is undefined; it takes 1 argument"),
        "{e}"
    );
    let e = err("Lab.crash(:a, :b, :c)");
    assert!(e.contains("it takes 1 or 2 arguments"), "{e}");
    let e = err("erlang:monitor(<0.1.0>).");
    assert!(e.contains("undefined function erlang:monitor/1; it takes 2 arguments: erlang:monitor(process, Pid)"), "{e}");
    let e = err("Process.exit(pid(\"0.1.0\"))");
    assert!(
        e.contains("Process.exit/1 is undefined; it takes 2 arguments"),
        "{e}"
    );
}

#[test]
fn unbalanced_brackets() {
    let e = err("Supervisor.which_children(:demo");
    assert!(
        e.starts_with("** (TokenMissingError)") && e.contains("missing terminator: )"),
        "{e}"
    );
    let e = err("send(:demo, {:a, 1])");
    assert!(
        e.starts_with("** (MismatchedDelimiterError)") && e.contains("unexpected token: ]"),
        "{e}"
    );
    assert!(e.contains("column 13"), "{e}");
    let e = err("send(:demo, [1, 2)");
    assert!(e.contains("MismatchedDelimiterError"), "{e}");
    let e = err("Supervisor.which_children(:demo))");
    assert!(e.contains("unexpected token: )"), "{e}");
    let e = err("send(:demo, \"abc)");
    assert!(
        e.contains("missing terminator: \" (for string starting at column 13)"),
        "{e}"
    );
    let e = err("send(:demo, <<1, 2");
    assert!(e.contains("missing terminator: >>"), "{e}");
    let e = err("send(:demo, <<1, 2)");
    assert!(e.contains("the \"<<\" at column 13 is still open"), "{e}");
    let e = err("send(:demo, %{a: 1)");
    assert!(e.contains("the \"%{\" at column 13 is still open"), "{e}");
    let e = err("supervisor:which_children(demo");
    assert!(e.starts_with("* 1:") && e.contains("missing )"), "{e}");
    let e = err("exit(<0.1.0>, {a, b]).");
    assert!(e.contains("syntax error before: ']'"), "{e}");
    let e = err("exit(<0.1.0>, 'kill).");
    assert!(e.contains("unterminated quoted atom"), "{e}");
}

#[test]
fn bare_words_and_values() {
    let e = err("foo");
    assert!(
        e.contains("undefined variable foo") && e.contains(":foo"),
        "{e}"
    );
    let e = err("which_children");
    assert!(
        e.contains("undefined variable which_children")
            && e.contains("did you mean Supervisor.which_children"),
        "{e}"
    );
    let e = err("Process.info(demo)");
    assert!(
        e.starts_with("** (CompileError) iex:1:14: undefined variable demo"),
        "{e}"
    );
    let e = err("Process.exit(pid, :kill)");
    assert!(
        e.contains("undefined variable pid — name the process as :demo"),
        "{e}"
    );
    let e = err("x = Supervisor.which_children(:demo)");
    assert!(e.contains("no variables"), "{e}");
    let e = err("foo(1)");
    assert!(
        e.ends_with("undefined function foo/1 (there is no such import). Type h for help."),
        "{e}"
    );
    let e = err("Process.info(self())");
    assert!(e.contains("the shell is not part of the tree"), "{e}");
    let e = err(":demo");
    assert!(e.contains(":demo is a value, not a command"), "{e}");
    let e = err("true");
    assert!(e.contains("true is a value"), "{e}");
    let e = err("{:a, 1}");
    assert!(e.contains("{:a, 1} is a value"), "{e}");
    let e = err("Pid ! hello.");
    assert!(e.contains("variable 'Pid' is unbound"), "{e}");
    let e = err("supervisor:which_children(Sup).");
    assert!(e.contains("variable 'Sup' is unbound"), "{e}");
    let e = err("exit(<0.1.0>, :kill).");
    assert!(e.contains("atom has no colon"), "{e}");
    let e = err("demo.");
    assert!(e.contains("demo is a value"), "{e}");
}

#[test]
fn bad_arguments() {
    let e = err("Process.info(42)");
    assert!(
        e.starts_with("** (ArgumentError) Process.info/1: argument 1 must be a process"),
        "{e}"
    );
    assert!(e.ends_with("got: 42"), "{e}");
    let e = err("process_info({a}).");
    assert!(
        e.starts_with("** exception error: bad argument in process_info/1"),
        "{e}"
    );
    let e = err("Lab.change_strategy(:demo, :all_for_one)");
    assert!(
        e.contains(":one_for_one, :one_for_all or :rest_for_one"),
        "{e}"
    );
    let e = err("DynamicSupervisor.terminate_child(:pool, :w1)");
    assert!(e.contains("must be the child's pid or tree path"), "{e}");
    let e = err("Supervisor.start_child(:demo, %{id: :w})");
    assert!(e.contains("needs both an id and a start"), "{e}");
    let e = err("Supervisor.start_child(:demo, %{id: :w, start: {Counter, :start_link, []}, type: :supervisor})");
    assert!(e.contains("workers only"), "{e}");
    let e = err("Supervisor.start_child(:demo, %{id: :w, start: {Counter, :start_link, []}, restart: :sometimes})");
    assert!(e.contains("not permanent, transient or temporary"), "{e}");
    let e = err("Supervisor.start_child(:demo, 42)");
    assert!(e.contains("must be a child spec"), "{e}");
    let e = err("erlang:monitor(port, <0.1.0>).");
    assert!(e.contains("must be process"), "{e}");
    let e = err("Process.info(pid(\"1.84.0\"))");
    assert!(e.contains("not a pid of this node"), "{e}");
    let e = err("Process.info(#PID<0.x.0>)");
    assert!(e.contains("is not a pid"), "{e}");
}

#[test]
fn limits() {
    let long = format!("send(:demo, \"{}\")", "x".repeat(MAX_LINE));
    let e = err(&long);
    assert!(e.contains("too long") && e.contains("2000"), "{e}");
    let ok = format!("send(:demo, \"{}\")", "x".repeat(MAX_LINE - 15));
    assert!(ok.chars().count() <= MAX_LINE);
    assert!(matches!(parse(&ok), Ok(Input::Command(..))));
    // Deep nesting is an error, not a stack overflow: in either syntax, in any bracket.
    for (open, close) in [("{", "}"), ("[", "]"), ("%{a: ", "}"), ("[a: ", "]")] {
        let deep = format!("send(:demo, {}1{})", open.repeat(300), close.repeat(300));
        let deep: String = deep.chars().take(MAX_LINE).collect();
        let e = err(&deep);
        assert!(e.contains("too deeply nested"), "{e}");
    }
    let deep = format!("exit(<0.1.0>, {}1{}).", "{".repeat(300), "}".repeat(300));
    let e = err(&deep);
    assert!(e.contains("nested too deeply"), "{e}");
    let nested = format!(
        "send(:demo, {}1{})",
        "{".repeat(MAX_DEPTH - 1),
        "}".repeat(MAX_DEPTH - 1)
    );
    assert!(matches!(parse(&nested), Ok(Input::Command(..))));
}

#[test]
fn results_print_in_the_line_syntax() {
    let r = Ok(t("{ok,[{a,1}],<<\"x\">>}"));
    assert_eq!(format_result(&r, Syntax::Elixir), "{:ok, [a: 1], \"x\"}");
    assert_eq!(format_result(&r, Syntax::Erlang), "{ok,[{a,1}],<<\"x\">>}");
    let e: Result<Term, String> = Err("** (exit) timeout".to_string());
    assert_eq!(format_result(&e, Syntax::Elixir), "** (exit) timeout");
    assert_eq!(format_result(&e, Syntax::Erlang), "** (exit) timeout");
}

#[test]
fn help_lists_and_explains() {
    let all = help(None);
    for e in ELIXIR_FUNCS {
        let shown = show_fn(e.module, e.name, 0, false, Syntax::Elixir);
        assert!(
            all.contains(shown.trim_end_matches("/0")),
            "{shown} missing from help"
        );
    }
    assert!(all.contains("clear") && all.contains("erlang:monitor(process, Pid)"));
    for topic in [
        "Supervisor.which_children",
        "which_children",
        "Supervisor.which_children/1",
        "supervisor:which_children",
        "Supervisor.which_children(sup)",
    ] {
        let h = help(Some(topic));
        assert!(
            h.contains("Supervisor.which_children(:demo)"),
            "{topic}: {h}"
        );
        assert!(
            h.contains("supervisor:which_children(demo)."),
            "{topic}: {h}"
        );
    }
    let h = help(Some("supervisor:start_child"));
    assert!(
        h.contains("Supervisor.start_child(sup, spec)")
            && h.contains("DynamicSupervisor.start_child(sup, arg)")
    );
    let h = help(Some("Process"));
    assert!(h.contains("Process.exit(pid, reason)") && h.contains("Process.monitor(pid)"));
    assert!(help(Some("!")).contains("send(pid, msg)"));
    assert!(help(Some("wich_children")).contains("did you mean Supervisor.which_children?"));
    assert!(help(Some("zzzzzzzz")).contains("No help for zzzzzzzz"));
    assert_eq!(help(Some("  ")), help(None));
}

// ---- properties ----

fn atom_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-zA-Z0-9_@]{0,6}[?!]?",
        "[A-Z][a-zA-Z.]{0,6}",
        Just("true".to_string()),
        Just("nil".to_string()),
        Just("undefined".to_string()),
        Just("Elixir.Counter".to_string()),
        vec(any::<char>(), 0..6).prop_map(String::from_iter),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_/0-9]{0,10}",
        vec(any::<char>(), 0..8).prop_map(String::from_iter)
    ]
}

fn leaf() -> impl Strategy<Value = Term> {
    prop_oneof![
        atom_name().prop_map(|s| Term::atom(&s)),
        any::<i64>().prop_map(Term::Int),
        (-5i64..5).prop_map(Term::Int),
        "-?[1-9][0-9]{19,25}".prop_map(|s| Term::BigInt(Rc::from(s))),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Term::Float),
        any::<u32>().prop_map(pid_term),
        any::<u64>().prop_map(|n| Term::Ref(Ref(n))),
        text().prop_map(|s| Term::Binary(Rc::from(s.into_bytes()))),
        // Not UTF-8 and not printable: printed (and read) as `<<0,255,…>>`.
        vec(any::<u8>(), 0..4).prop_map(|b| {
            let bytes: Vec<u8> = [0, 255].into_iter().chain(b).collect();
            Term::Binary(Rc::from(bytes))
        }),
    ]
}

/// Terms `elixir_term` prints in Elixir syntax (improper lists, bitstrings and stack
/// traces print in Erlang syntax, so they cannot round-trip).
fn term() -> impl Strategy<Value = Term> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Term::tuple),
            vec(inner.clone(), 0..4).prop_map(Term::list),
            vec((atom_name(), inner.clone()), 1..3).prop_map(|kv| {
                Term::list(
                    kv.into_iter()
                        .map(|(k, v)| Term::pair(Term::atom(&k), v))
                        .collect(),
                )
            }),
            vec((inner.clone(), inner.clone()), 0..3).prop_map(make_map),
            vec((atom_name(), inner), 0..3).prop_map(|kv| make_map(
                kv.into_iter().map(|(k, v)| (Term::atom(&k), v)).collect()
            )),
        ]
    })
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        text().prop_map(Target::Path),
        any::<u32>().prop_map(Target::Pid),
        atom_name().prop_map(Target::Name),
    ]
}

/// Terms read back as themselves by `terminate_child` (strings and pids are processes).
fn child_sel() -> impl Strategy<Value = ChildSel> {
    prop_oneof![
        term()
            .prop_filter("an id", |t| !matches!(t, Term::Binary(_) | Term::Pid(_)))
            .prop_map(ChildSel::Id),
        text().prop_map(|p| ChildSel::Pid(Target::Path(p))),
        any::<u32>().prop_map(|n| ChildSel::Pid(Target::Pid(n))),
    ]
}

/// Instance names read back as themselves (a string becomes an atom; `{Module, x}` is
/// `x`; a map spec is its start argument).
fn stable_arg(t: &Term) -> bool {
    match t {
        Term::Binary(_) | Term::Map(_) => false,
        Term::Tuple(items) => {
            !matches!(&items[..], [Term::Atom(m), _] if m.name().starts_with("Elixir."))
        }
        _ => true,
    }
}

fn start_spec() -> impl Strategy<Value = StartSpec> {
    let kind = prop_oneof![
        Just(WorkerKind::Generic),
        Just(WorkerKind::Counter),
        Just(WorkerKind::Printer)
    ];
    let restart = prop_oneof![
        Just(RestartType::Permanent),
        Just(RestartType::Transient),
        Just(RestartType::Temporary)
    ];
    prop_oneof![
        (term(), kind, restart).prop_map(|(id, kind, restart)| StartSpec::Worker {
            id,
            kind,
            restart
        }),
        term()
            .prop_filter("stable", stable_arg)
            .prop_map(StartSpec::Args),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let strategy = prop_oneof![
        Just(SupStrategy::OneForOne),
        Just(SupStrategy::OneForAll),
        Just(SupStrategy::RestForOne),
        Just(SupStrategy::SimpleOneForOne)
    ];
    (
        0u8..18,
        target(),
        term(),
        child_sel(),
        start_spec(),
        strategy,
    )
        .prop_map(|(which, target, term, child, spec, strategy)| {
            let sup = target.clone();
            match which {
                0 => Command::Exit {
                    target,
                    reason: term,
                },
                1 => Command::Crash {
                    target,
                    reason: term,
                },
                2 => Command::Send { target, msg: term },
                3 => Command::Call { target, msg: term },
                4 => Command::Cast { target, msg: term },
                5 => Command::Info { target },
                6 => Command::Link { target },
                7 => Command::Monitor { target },
                8 => Command::WhichChildren { sup },
                9 => Command::CountChildren { sup },
                10 => Command::TerminateChild { sup, child },
                11 => Command::RestartChild { sup, id: term },
                12 => Command::DeleteChild { sup, id: term },
                13 => Command::StartChild { sup, spec },
                14 => Command::Pause { sup },
                15 => Command::Resume { sup },
                _ => Command::ChangeStrategy { sup, strategy },
            }
        })
}

/// Lines in both syntaxes to mutate.
const SAMPLES: &[&str] = &[
    "supervisor:start_child(demo, {w4, {counter, start_link, []}, permanent, 5000, worker, [counter]}).",
    "supervisor:start_child(demo, #{id => w4, start => {counter, start_link, []}}).",
    "list_to_pid(\"<0.84.0>\") ! {hello, $a, 'q u', <<\"b\">>, [1|2], 16#ff}.",
    "erlang:monitor(process, <0.84.0>). % watch it",
    "Supervisor.start_child(:demo, %{id: :w4, start: {Counter, :start_link, []}, restart: :transient})",
    "send(pid(0, 84, 0), [a: 1, b: %{\"k\" => <<1, 2>>}, c: [1 | 2], d: ?x, e: 0x1F, f: -1.5e3])",
    "h Supervisor.which_children",
];

fn mutate(line: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = line.chars().collect();
    for &(at, op, c) in edits {
        let i = at % (chars.len() + 1);
        match op {
            0 => chars.insert(i, c),
            1 if i < chars.len() => {
                chars.remove(i);
            }
            2 => chars.truncate(i),
            _ => {
                let dup: Vec<char> = chars[i..].iter().take(8).copied().collect();
                chars.splice(i..i, dup);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_printed_command_parses_back(c in command()) {
        let line = c.to_elixir();
        prop_assume!(line.chars().count() <= MAX_LINE);
        prop_assert_eq!(parse(&line), Ok(Input::Command(c, Syntax::Elixir)), "{}", line);
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = parse(&s);
        let _ = help(Some(&s));
    }

    #[test]
    fn console_like_text_never_panics(s in "[\\[\\]{}()<>#%:;,.!|\"'$?\\\\=/ a-zA-Z0-9_\\-\n]{0,80}") {
        if let Ok(Input::Help(Some(topic))) = parse(&s) {
            let _ = help(Some(&topic));
        }
    }

    #[test]
    fn mutated_lines_never_panic(
        c in command(),
        sample in 0..SAMPLES.len(),
        edits in vec((any::<usize>(), 0u8..4, prop_oneof![any::<char>(), proptest::char::range(' ', '~')]), 1..6),
    ) {
        let _ = parse(&mutate(&c.to_elixir(), &edits));
        let _ = parse(&mutate(SAMPLES[sample], &edits));
    }
}
