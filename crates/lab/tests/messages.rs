//! The log speaks messages, in Erlang's notation, and the history joins each one up: its
//! send, its arrival, the receive that took it (and what that receive left in the
//! mailbox), a call's reply, a `gen_server`'s state before and after, an exit signal's end.

mod common;

use common::run;
use otp_lab_lab::history::{Fate, Kind};
use otp_lab_lab::{Lab, LogLine};

/// The lines logged since `from`, as `kind text`.
fn lines_since(lab: &Lab, from: usize) -> Vec<String> {
    lab.log_lines(from, lab.log_len())
        .iter()
        .map(|l: &LogLine| format!("{} {}", l.kind, l.text))
        .collect()
}

#[test]
fn a_call_is_four_lines_paired_by_its_tag_with_the_state_before_and_after() {
    let mut lab = Lab::demo(1);
    run(&mut lab, "GenServer.cast(\"demo/counter_1\", :increment)");
    lab.advance(20_000);
    let from = lab.log_len();
    assert_eq!(
        run(&mut lab, "GenServer.call(\"demo/counter_1\", :get)"),
        "1"
    );
    let lines = lines_since(&lab, from);
    let tag = "[alias|#Ref<0.0.0.4>]";
    assert_eq!(
        lines,
        vec![
            format!("call <0.1.0> ! <0.3.0> {{'$gen_call',{{<0.1.0>,{tag}}},get}}"),
            format!("call <0.3.0> demo/counter_1 handle_call(get, {{<0.1.0>,{tag}}}, 1)"),
            format!("call <0.3.0> ! <0.1.0> {{{tag},1}}"),
            format!("call <0.1.0> shell got {{{tag},1}}"),
        ]
    );
    let h = lab.history();
    let call = h.iter().rfind(|m| m.kind == Kind::Call).unwrap();
    let reply = h.get(call.pair.expect("paired")).unwrap();
    assert_eq!(reply.kind, Kind::Reply);
    assert_eq!(reply.pair, Some(call.id));
    assert_eq!(call.tag, reply.tag);
    assert_eq!(reply.term.to_text(), "1");
    assert_eq!(call.fate, Fate::Taken);
    assert_eq!(reply.fate, Fate::Taken);
    let sent = call.sent;
    let taken = call.taken.unwrap();
    assert!(sent.line < taken.line && taken.line < reply.sent.line);
    assert_eq!(
        call.state
            .as_deref()
            .map(|(a, b)| (a.to_text(), b.to_text())),
        Some(("1".into(), "1".into()))
    );
    // the cast before it changed the state
    let cast = h.iter().rfind(|m| m.kind == Kind::Cast).unwrap();
    assert_eq!(
        cast.state
            .as_deref()
            .map(|(a, b)| (a.to_text(), b.to_text())),
        Some(("0".into(), "1".into()))
    );
}

#[test]
fn casts_plain_messages_and_exits_are_told_apart() {
    let mut lab = Lab::demo(1);
    let from = lab.log_len();
    run(&mut lab, "GenServer.cast(\"demo/counter_1\", :increment)");
    run(&mut lab, "send(pid(\"0.3.0\"), {:hello, 1})");
    run(&mut lab, "Process.exit(\"demo/printer\", :kill)");
    lab.advance(20_000);
    let lines = lines_since(&lab, from);
    let has = |want: &str| assert!(lines.iter().any(|l| l == want), "{want}\n{lines:#?}");
    has("cast <0.1.0> ! <0.3.0> {'$gen_cast',increment}");
    has("cast <0.3.0> demo/counter_1 handle_cast(increment, 0)");
    has("message <0.1.0> ! <0.3.0> {hello,1}");
    has("message <0.3.0> demo/counter_1 handle_info({hello,1}, 1)");
    // the exit signal that kills vs. the 'EXIT' message a trapping supervisor handles
    has("exit <0.5.0> demo/printer exited with reason killed (exit(<0.5.0>, kill) from <0.1.0> shell)");
    has("signal <0.2.0> demo handle_info({'EXIT',<0.5.0>,killed}, State)");
    // the restart's start protocol: proc_lib's ack
    has("message <0.6.0> ! <0.2.0> {ack,<0.6.0>,{ok,<0.6.0>}}");
    has("message <0.2.0> demo got {ack,<0.6.0>,{ok,<0.6.0>}}");
    let h = lab.history();
    let kill = h
        .iter()
        .find(|m| m.kind == (Kind::ExitSignal { link: false }))
        .unwrap();
    assert_eq!(kill.fate, Fate::Killed);
    let trapped = h
        .iter()
        .find(|m| m.kind == (Kind::ExitSignal { link: true }))
        .unwrap();
    assert_eq!(
        trapped.fate,
        Fate::Taken,
        "the supervisor traps: an 'EXIT' message"
    );
    assert_eq!(trapped.erlang_term().to_text(), "{'EXIT',<0.5.0>,killed}");
}

#[test]
fn a_down_waits_in_the_shell_and_a_selective_receive_leaves_it_there() {
    let mut lab = Lab::demo(1);
    run(&mut lab, "ref = Process.monitor(\"demo/printer\")");
    let from = lab.log_len();
    run(&mut lab, "Process.exit(\"demo/printer\", :kill)");
    lab.advance(20_000);
    let down = "{'DOWN',#Ref<0.0.0.4>,process,<0.5.0>,killed}";
    let lines = lines_since(&lab, from);
    assert!(
        lines.contains(&format!(
            "down {down} arrived in the mailbox of <0.1.0> shell"
        )),
        "{lines:#?}"
    );
    // the call's receive takes its reply and leaves the 'DOWN' where it is
    let from = lab.log_len();
    run(&mut lab, "GenServer.call(\"demo/counter_1\", :get)");
    let lines = lines_since(&lab, from);
    assert!(
        lines.contains(&format!(
            "mailbox <0.1.0> shell: the receive left 1 older message in the mailbox: {down}"
        )),
        "{lines:#?}"
    );
    {
        let h = lab.history();
        let waiting: Vec<String> = h
            .mailbox(lab.shell())
            .map(|m| m.erlang_term().to_text())
            .collect();
        assert_eq!(waiting, vec![down.to_string()]);
    }
    // flush() takes it
    let from = lab.log_len();
    assert_eq!(
        run(&mut lab, "flush()"),
        format!(
            "{}\n:ok",
            "{:DOWN, #Reference<0.0.0.4>, :process, #PID<0.5.0>, :killed}"
        )
    );
    assert_eq!(
        lines_since(&lab, from),
        vec![format!("down <0.1.0> shell got {down}")]
    );
    assert_eq!(lab.history().mailbox(lab.shell()).count(), 0);
}

#[test]
fn a_message_to_the_dead_is_dropped_and_recent_messages_are_kept_per_process() {
    let mut lab = Lab::demo(1);
    lab.kill("demo/counter_1").unwrap();
    lab.advance(20_000);
    run(&mut lab, "send(pid(\"0.3.0\"), :anyone_there)");
    let h = lab.history();
    let lost = h.iter().rfind(|m| m.kind == Kind::Plain).unwrap();
    assert_eq!(lost.term.to_text(), "anyone_there");
    assert_eq!(lost.fate, Fate::Dropped);
    // it went to counter_1's first incarnation (its pid as it was), from the shell
    assert_eq!(lost.to.serial(), 3);
    assert!(h.recent(lost.to).any(|m| m.id == lost.id));
    assert!(h.recent(lab.shell()).any(|m| m.id == lost.id));
}

#[test]
fn a_message_written_out_is_its_term_printed() {
    let mut lab = Lab::demo(1);
    for line in [
        "GenServer.call(\"demo/counter_1\", :get)",
        "GenServer.cast(\"demo/counter_1\", :increment)",
        "send(\"demo/printer\", :hello)",
        "Process.monitor(\"demo/counter_2\")",
        "Process.exit(\"demo/counter_2\", :kill)",
        "flush()",
    ] {
        run(&mut lab, line);
        lab.advance(20_000);
    }
    let h = lab.history();
    let mut kinds = std::collections::BTreeSet::new();
    for m in h.iter() {
        let mut written = String::new();
        m.write_erlang_term(&mut written);
        assert_eq!(written, m.erlang_term().to_text(), "{:?}", m.kind);
        kinds.insert(format!("{:?}", m.kind));
    }
    assert!(
        kinds.len() >= 6,
        "calls, replies, casts, plain, 'DOWN', exits: {kinds:?}"
    );
}
