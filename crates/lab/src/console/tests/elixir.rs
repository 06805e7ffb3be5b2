//! Elixir lines: supervisor and process calls, child specs, targets, literals.

use super::*;

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
        // `use GenServer`'s child_spec/1: the module is the id
        ex("Supervisor.start_child(:demo, {Printer, \"p2\"})"),
        worker(
            Term::atom("Elixir.Printer"),
            WorkerKind::Printer,
            RestartType::Permanent
        )
    );
    assert_eq!(
        ex("Supervisor.start_child(:demo, {MyApp.Thing, :x})"),
        worker(
            Term::atom("Elixir.MyApp.Thing"),
            WorkerKind::Generic,
            RestartType::Permanent
        )
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
    // not a child spec: Elixir 1.14 raises ArgumentError, and so does the console
    for bare in ["\"job_5\"", ":job_6"] {
        let e = parse(&format!("DynamicSupervisor.start_child(:pool, {bare})")).unwrap_err();
        assert!(
            e.starts_with(
                "** (ArgumentError) supervisors expect each child to be one of the following:"
            ) && e.contains(&format!("Got: {bare}")),
            "{e}"
        );
    }
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
        Command::Info {
            target: p.clone(),
            flavor: Flavor::Elixir
        }
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
        Command::Info { target, .. } => target,
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
    assert_eq!(msg("#Reference<0.0.0.9>"), Term::Ref(Ref::from_id(9)));
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
