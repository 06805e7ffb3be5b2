//! Mistakes and their answers: unknown functions, wrong arities, unbalanced brackets,
//! bare words, bad arguments, limits; results printed in the line's syntax; the help.

use super::*;

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
    let e = err("x = y = Supervisor.which_children(:demo)");
    assert!(e.contains("only one variable"), "{e}");
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
    // as Elixir 1.14 raises it (its guard takes only a pid)
    assert!(
        e.starts_with("** (FunctionClauseError) no function clause matching in DynamicSupervisor.terminate_child/2")
            && e.contains("got :w1"),
        "{e}"
    );
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
    let e: Result<Term, Raised> = Err(Raised::CallExit {
        to: Term::atom("demo"),
        request: Term::atom("get"),
        timeout: None,
        reason: Term::atom("timeout"),
    });
    assert_eq!(
        format_result(&e, Syntax::Elixir),
        "** (exit) exited in: GenServer.call(:demo, :get, 5000)\n    ** (EXIT) time out"
    );
    assert_eq!(
        format_result(&e, Syntax::Erlang),
        "** exception exit: {timeout,{gen_server,call,[demo,get]}}\n     in function  gen_server:call/2 (gen_server.erl, line 370)"
    );
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
