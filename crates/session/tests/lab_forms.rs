//! The console runs the Lab's own forms (tree paths as process names, a registered name
//! where OTP takes only a pid) and says, once per run, that IEx or erl would not.

use otp_lab_session::experiment::Experiment;

#[test]
fn a_lab_form_is_noted_once_and_real_code_never() {
    let mut run = Experiment::preset("demo", 1).start().unwrap();
    let mut line = |l: &str| {
        let out = run.exec_line(l).unwrap();
        run.lab.advance(50_000);
        out
    };
    // real code: no note
    let out = line("Supervisor.which_children(:demo)");
    assert!(
        !out.contains("Lab only") && !out.contains("In IEx"),
        "{out}"
    );
    // a tree path: noted the first time only
    let out = line("Process.exit(\"demo/printer\", :kill)");
    assert!(out.ends_with("# Lab only: IEx has no tree paths like \"demo/printer\": there, take the pid from Supervisor.which_children/1."), "{out}");
    let out = line("Process.exit(\"demo/counter_1\", :kill)");
    assert_eq!(out, "true");
    // a registered name where Process.exit/2 takes a pid
    let out = line("Process.info(:demo, :links)");
    assert!(out.contains("# In IEx, Process.info takes a pid: :demo raises ArgumentError there. Process.whereis(:demo) gives the pid."), "{out}");
    // a name where OTP takes one: no note
    let out = line("GenServer.call(:demo, :which_children)");
    assert!(!out.contains("In IEx"), "{out}");
    // in Erlang, as erl says it
    let mut run = Experiment::preset("demo", 1).start().unwrap();
    let out = run.exec_line("exit(demo, kill).").unwrap();
    assert!(out.ends_with("% In erl, exit/2 takes a pid: demo fails with badarg there. whereis(demo) gives the pid."), "{out}");
}

#[test]
fn a_note_is_split_from_its_answer() {
    use otp_lab_lab::console::lab_form::split_note;
    let mut run = Experiment::preset("demo", 1).start().unwrap();
    let out = run
        .exec_line("Process.exit(\"demo/printer\", :kill)")
        .unwrap();
    let (answer, note) = split_note(&out);
    assert_eq!(answer, "true");
    assert!(note.is_some_and(|n| n.starts_with("# Lab only: ")));
    // an answer whose last line merely mentions a note's words is not split
    assert_eq!(split_note("a\n# Lab only"), ("a\n# Lab only", None));
    assert_eq!(split_note("true"), ("true", None));
}
