//! Why did it die: the chain of causes of a death, from the first exit to the
//! supervisor's answer, each step at its instant.

mod common;

use common::run;
use otp_lab_lab::Lab;

fn why(lab: &Lab, key: &str) -> Vec<String> {
    lab.why(key).into_iter().map(|c| c.text).collect()
}

#[test]
fn a_kill_from_the_shell_the_trapped_exit_and_the_restart() {
    let mut lab = Lab::demo(1);
    lab.advance(20_000);
    assert!(why(&lab, "demo/counter_1").is_empty(), "nothing died yet");
    run(&mut lab, "Process.exit(\"demo/counter_1\", :kill)");
    lab.advance(10_000);
    assert_eq!(
        why(&lab, "demo/counter_1"),
        vec![
            "<0.1.0> shell called exit(<0.3.0>, kill): <0.3.0> demo/counter_1 died with reason killed.",
            "<0.2.0> demo traps exits: the signal arrived as the message {'EXIT',<0.3.0>,killed}.",
            "demo restarted demo/counter_1: the new process is <0.6.0> — restart 1 of the 3 it allows in 5 s.",
        ]
    );
    let steps = lab.why("demo/counter_1");
    assert!(
        steps.windows(2).all(|w| w[0].line <= w[1].line),
        "in order: {steps:?}"
    );
    let line = &lab.log_lines(steps[2].line, steps[2].line + 1)[0];
    assert_eq!(line.kind, "restart", "each step is at its log line");
}

#[test]
fn a_crash_is_its_own_cause_and_a_link_carries_it_to_the_shell() {
    let mut lab = Lab::demo(1);
    lab.advance(20_000);
    run(&mut lab, "Process.link(Process.whereis(:demo))");
    run(&mut lab, "Process.exit(:demo, :kill)");
    lab.advance(10_000);
    let shell = why(&lab, "shell");
    assert_eq!(
        shell,
        vec![
            "<0.1.0> shell called exit(<0.2.0>, kill): <0.2.0> demo died with reason killed.",
            "The link from <0.2.0> demo carried its exit signal (killed) to <0.1.0> shell, which did not trap exits: it died with reason killed.",
        ]
    );
    let mut lab = Lab::demo(1);
    lab.advance(20_000);
    let crash = otp_lab_lab::actions::crash("demo/counter_1".into());
    lab.exec(&crash).expect("the crash command runs");
    lab.advance(10_000);
    let crash = why(&lab, "demo/counter_1");
    assert_eq!(
        crash[0], "<0.3.0> demo/counter_1 crashed: it exited with reason crash.",
        "{crash:?}"
    );
    assert!(crash
        .last()
        .unwrap()
        .starts_with("demo restarted demo/counter_1"));
}

#[test]
fn the_last_restart_the_budget_allows_then_the_escalation() {
    let mut lab = Lab::demo(1);
    lab.advance(20_000);
    for n in 1..=3 {
        run(&mut lab, "Process.exit(\"demo/counter_1\", :kill)");
        lab.advance(20_000);
        let last = why(&lab, "demo/counter_1").pop().unwrap();
        assert!(
            last.contains(&format!("restart {n} of the 3 it allows in 5 s")),
            "{n}: {last}"
        );
    }
    assert!(why(&lab, "demo/counter_1")
        .pop()
        .unwrap()
        .ends_with("one more and it gives up."));
    run(&mut lab, "Process.exit(\"demo/counter_1\", :kill)");
    lab.advance(20_000);
    let last = why(&lab, "demo/counter_1").pop().unwrap();
    assert!(
        last.starts_with("demo reached its restart intensity"),
        "{last}"
    );
    // the supervisor's own death: shut down by itself
    assert_eq!(
        why(&lab, "demo")[0],
        "<0.2.0> demo was shut down: it exited with reason shutdown."
    );
}
