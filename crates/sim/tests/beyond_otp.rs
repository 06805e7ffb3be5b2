//! What OTP Lab adds to OTP and the simulator's own API: pause/resume of a
//! supervisor, strategy change at run time, the telemetry bus, the columnar log, and the
//! stepping entry points.

use otp_lab_sim::event::{EventKind, StartCause};
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;
use std::cell::RefCell;
use std::rc::Rc;

fn trace(json: &str) -> Vec<String> {
    runner::run(&scenario::parse(json).unwrap()).unwrap().lines
}

#[test]
fn a_paused_supervisor_does_not_restart_and_resume_restores_the_children() {
    let lines = trace(
        r#"{"tree":{"id":"root","strategy":"one_for_all","intensity":5,"period":1,"children":[
            {"id":"a","kind":"worker","trap_exit":true},{"id":"b","kind":"worker"}]},
           "steps":[{"op":"pause","sup":"root"},
                    {"op":"exit","target":"root/a","reason":"kill"},
                    {"op":"which_children","sup":"root"},
                    {"op":"pause","sup":"root"},
                    {"op":"resume","sup":"root"},
                    {"op":"which_children","sup":"root"},
                    {"op":"resume","sup":"root"}]}"#,
    );
    let text = lines.join("\n");
    // The crash is still reported, but nothing restarts while paused (not even b, whose
    // one_for_all sibling died).
    assert!(text.contains("step 2 exit root/a kill\nexit root/a killed\nreport child_terminated root root/a killed\nstep 3"), "{text}");
    assert!(
        text.contains("reply which_children root [{b,<root/b>,worker},{a,undefined,worker}]"),
        "{text}"
    );
    assert!(
        text.contains("reply pause root {error,already_paused}"),
        "{text}"
    );
    assert!(
        text.contains("step 5 resume root\nstart root/a\nreply resume root ok"),
        "{text}"
    );
    assert!(
        text.contains("reply which_children root [{b,<root/b>,worker},{a,<root/a>,worker}]"),
        "{text}"
    );
    assert!(
        text.contains("reply resume root {error,not_paused}"),
        "{text}"
    );
}

#[test]
fn changing_strategy_at_run_time_changes_what_a_crash_restarts() {
    let lines = trace(
        r#"{"tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":1,"children":[
            {"id":"a","kind":"worker"},{"id":"b","kind":"worker"},{"id":"c","kind":"worker"}]},
           "steps":[{"op":"exit","target":"root/b","reason":"kill"},
                    {"op":"change_strategy","sup":"root","strategy":"rest_for_one"},
                    {"op":"exit","target":"root/b","reason":"kill"},
                    {"op":"change_strategy","sup":"root","strategy":"simple_one_for_one"}]}"#,
    );
    let text = lines.join("\n");
    assert!(text.contains("step 1 exit root/b kill\nexit root/b killed\nreport child_terminated root root/b killed\nstart root/b\nstep 2"), "{text}");
    assert!(text.contains("reply change_strategy root ok"), "{text}");
    assert!(
        text.contains("step 3 exit root/b kill\nexit root/b killed\nreport child_terminated root root/b killed\nexit root/c shutdown\nstart root/b\nstart root/c\nstep 4"),
        "{text}"
    );
    assert!(
        text.contains("reply change_strategy root {error,bad_strategy}"),
        "{text}"
    );
}

#[test]
fn changing_intensity_at_run_time_changes_when_the_supervisor_gives_up() {
    // intensity 1 in 5 s: a second kill within the period would take root down; raised
    // to 3 first, root survives it; lowered to 0, the next kill is one too many
    let steps = |change: &str| {
        format!(
            r#"{{"tree":{{"id":"root","strategy":"one_for_one","intensity":1,"period":5,"children":[
            {{"id":"a","kind":"worker"}},{{"id":"b","kind":"worker"}}]}},
           "steps":[{change}
                    {{"op":"exit","target":"root/a","reason":"kill"}},
                    {{"op":"exit","target":"root/b","reason":"kill"}},
                    {{"op":"which_children","sup":"root"}}]}}"#
        )
    };
    let before = trace(&steps("")).join("\n");
    assert!(before.contains("reached_max_restart_intensity"), "{before}");
    let raised = trace(&steps(
        r#"{"op":"change_intensity","sup":"root","intensity":3,"period":5},"#,
    ))
    .join("\n");
    assert!(
        raised.contains("reply change_intensity root ok"),
        "{raised}"
    );
    assert!(
        !raised.contains("reached_max_restart_intensity"),
        "{raised}"
    );
    assert!(
        raised.contains("reply which_children root [{b,<root/b>,worker},{a,<root/a>,worker}]"),
        "{raised}"
    );
    let lowered = trace(&steps(
        r#"{"op":"change_intensity","sup":"root","intensity":0,"period":1},"#,
    ))
    .join("\n");
    assert!(
        lowered.contains("reached_max_restart_intensity"),
        "{lowered}"
    );
    // a period of 0 is refused when the scenario is read
    let bad = scenario::parse(
        r#"{"tree":{"id":"root","children":[{"id":"a"}]},
            "steps":[{"op":"change_intensity","sup":"root","intensity":3,"period":0}]}"#,
    );
    assert!(bad.is_err_and(|e| e.to_string().contains("period")));
}

#[test]
fn telemetry_handlers_see_every_event_of_their_kinds_until_detached() {
    let scn = scenario::parse(
        r#"{"tree":{"id":"root","intensity":10,"children":[{"id":"a"},{"id":"b"}]},
            "faults":[{"every":100,"until":1000,"op":"kill","target":"root/*"}],
            "steps":[{"op":"sleep","ms":1500}]}"#,
    )
    .unwrap();
    let restarts = Rc::new(RefCell::new(0u32));
    let all = Rc::new(RefCell::new(0u64));
    let (r, a) = (restarts.clone(), all.clone());
    let (out, mut world) = runner::run_world(&scn, Config::default(), move |w| {
        w.telemetry
            .attach("restarts", EventKind::ChildStarted, move |e| {
                if StartCause::from_code(e.info) == Some(StartCause::Restart) {
                    *r.borrow_mut() += 1;
                }
            })
            .unwrap();
        w.telemetry
            .attach_many("all", &EventKind::ALL, move |_| *a.borrow_mut() += 1)
            .unwrap();
        assert!(
            w.telemetry.attach("all", EventKind::Exit, |_| {}).is_err(),
            "ids are unique"
        );
    })
    .unwrap();
    // 10 kills, each restarts one child
    assert_eq!(*restarts.borrow(), 10);
    assert_eq!(
        *all.borrow(),
        out.events,
        "a handler on every kind sees every logged event"
    );
    let reports = out
        .lines
        .iter()
        .filter(|l| l.starts_with("report child_terminated"))
        .count();
    assert_eq!(reports, 10);
    assert!(world.telemetry.detach("all"));
    assert!(!world.telemetry.detach("all"));
    assert_eq!(
        world.telemetry.list_handlers(),
        vec!["restarts".to_string(), "conformance-trace".to_string()]
    );
    // After detaching, more events do not reach the handler.
    let before = *all.borrow();
    world.run_until(world.now() + 1000);
    world.emit(
        EventKind::Log,
        otp_lab_sim::Pid::NONE,
        otp_lab_sim::Pid::NONE,
        0,
        &otp_lab_sim::Term::OK,
    );
    assert_eq!(*all.borrow(), before);
}

#[test]
fn the_log_keeps_columns_and_a_bounded_ring() {
    let scn = scenario::parse(
        r#"{"tree":{"id":"root","intensity":1000,"children":[{"id":"a"}]},
            "faults":[{"every":10,"until":5000,"op":"kill","target":"root/a"}],
            "steps":[{"op":"sleep","ms":6000}]}"#,
    )
    .unwrap();
    let config = Config {
        log_capacity: 1000,
        ..Config::default()
    };
    let (out, world) = runner::run_world(&scn, config, |_| {}).unwrap();
    let log = &world.log;
    assert!(out.events > 1000 && log.len() == 1000 && log.dropped() == out.events - 1000);
    assert_eq!(log.time_column().len(), 1000);
    let times: Vec<u64> = log.iter().map(|e| e.time).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "events stay in time order"
    );
    // the same run with a bigger ring has the same hash: the hash covers dropped events
    let (out2, _) = runner::run_world(&scn, Config::default(), |_| {}).unwrap();
    assert_eq!(out.hash, out2.hash);
}

/// Runs `json` with one handler on the narrow subscription `narrow` (which must deliver
/// events of kind `kind`) and one on both `kind` and `narrow`; the paths each heard (an
/// event's path id read by `path`), in order, and whether the second heard any event twice.
fn heard(
    json: &str,
    narrow: EventKind,
    kind: EventKind,
    path: fn(&otp_lab_sim::Event<'_>) -> u32,
) -> (Vec<String>, Vec<String>, bool) {
    let scn = scenario::parse(json).unwrap();
    let few = Rc::new(RefCell::new(Vec::new()));
    let all = Rc::new(RefCell::new(Vec::new()));
    let (f, a) = (few.clone(), all.clone());
    let (_, world) = runner::run_world(&scn, Config::default(), move |w| {
        w.telemetry
            .attach("few", narrow, move |e| {
                assert_eq!(e.kind, kind, "delivered as the event it is");
                f.borrow_mut().push((e.seq, path(e)))
            })
            .unwrap();
        w.telemetry
            .attach_many("all", &[kind, narrow], move |e| {
                a.borrow_mut().push((e.seq, path(e)))
            })
            .unwrap();
    })
    .unwrap();
    let names = |v: &[(u64, u32)]| -> Vec<String> {
        v.iter()
            .map(|(_, p)| world.path_name(*p).to_string())
            .collect()
    };
    let (few, all) = (few.borrow().clone(), all.borrow().clone());
    let mut seqs: Vec<u64> = all.iter().map(|e| e.0).collect();
    seqs.dedup();
    (names(&few), names(&all), seqs.len() != all.len())
}

#[test]
fn supervisor_init_handlers_hear_only_supervisors_inits() {
    // gen_server workers log an InitStart too; the subscription hears the supervisors'
    let (sups, all, twice) = heard(
        r#"{"tree":{"id":"root","children":[
              {"id":"w","behaviour":"counter"},
              {"id":"sub","kind":"supervisor","children":[{"id":"x","behaviour":"counter"}]}]},
            "steps":[{"op":"exit","target":"root/sub","reason":"kill"}]}"#,
        EventKind::SupervisorInit,
        EventKind::InitStart,
        |e| e.path,
    );
    // root, sub, and sub again after the kill
    assert_eq!(sups, ["root", "root/sub", "root/sub"], "{sups:?}");
    let want = [
        "root",
        "root/w",
        "root/sub",
        "root/sub/x",
        "root/sub",
        "root/sub/x",
    ];
    assert_eq!(all, want, "every init once, in order");
    assert!(!twice);
}

#[test]
fn supervisor_exit_handlers_hear_only_supervisors_exits() {
    // the nested supervisor gives up at once (intensity 0); then root gives up too
    let (sups, all, twice) = heard(
        r#"{"tree":{"id":"root","intensity":1,"period":5,"children":[
              {"id":"w"},
              {"id":"sub","kind":"supervisor","intensity":0,"children":[{"id":"x"}]}]},
            "steps":[{"op":"exit","target":"root/w","reason":"kill"},
                     {"op":"exit","target":"root/sub/x","reason":"kill"}]}"#,
        EventKind::SupervisorExit,
        EventKind::Exit,
        |e| e.info, // an Exit's path id
    );
    assert_eq!(sups, ["root/sub", "root"], "{sups:?}");
    assert!(!twice, "attached to both: still one call per exit");
    for name in ["root/w", "root/sub/x", "root/sub", "root"] {
        assert!(all.iter().any(|a| a == name), "{name} in {all:?}");
    }
}

#[test]
fn supervisor_notes_mirror_reports_and_child_starts() {
    let scn = scenario::parse(
        r#"{"tree":{"id":"root","strategy":"rest_for_one","intensity":10,"children":[
              {"id":"a"},{"id":"b"},
              {"id":"pool","kind":"supervisor","strategy":"simple_one_for_one","children":[{"id":"w"}]}]},
            "faults":[{"every":300,"until":1000,"op":"kill","target":"root/b"}],
            "steps":[{"op":"start_child","sup":"root/pool","args":"w1"},
                     {"op":"crash","target":"root/pool/w1","reason":"boom"},
                     {"op":"sleep","ms":1000}]}"#,
    )
    .unwrap();
    type Seen = Vec<(
        u64,
        otp_lab_sim::Pid,
        otp_lab_sim::Pid,
        String,
        Vec<u8>,
        String,
    )>;
    let notes: Rc<RefCell<Seen>> = Rc::default();
    let events: Rc<RefCell<Seen>> = Rc::default();
    let (n, e) = (notes.clone(), events.clone());
    runner::run_world(&scn, Config::default(), move |w| {
        w.telemetry
            .attach_notes("notes", move |note| {
                n.borrow_mut().push((
                    note.time,
                    note.supervisor,
                    note.child,
                    format!("{:?}", note.what),
                    note.label.to_vec(),
                    note.reason.to_text(),
                ))
            })
            .unwrap();
        w.telemetry
            .attach_many(
                "events",
                &[EventKind::Report, EventKind::ChildStarted],
                move |ev| {
                    let (what, label, reason) = match (ev.kind, ev.term.as_tuple()) {
                        (EventKind::Report, Some([otp_lab_sim::Term::Binary(l), r])) => (
                            format!(
                                "Report({:?})",
                                otp_lab_sim::event::ReportContext::from_code(ev.info).unwrap()
                            ),
                            l.to_vec(),
                            r.to_text(),
                        ),
                        (_, Some([_, otp_lab_sim::Term::Binary(l)])) => (
                            format!("Started({:?})", StartCause::from_code(ev.info).unwrap()),
                            l.to_vec(),
                            "undefined".to_string(),
                        ),
                        _ => panic!("unexpected {ev:?}"),
                    };
                    e.borrow_mut()
                        .push((ev.time, ev.pid, ev.other, what, label, reason))
                },
            )
            .unwrap();
    })
    .unwrap();
    let (notes, events) = (notes.borrow(), events.borrow());
    assert!(notes.iter().any(|n| n.3 == "Started(Restart)"));
    assert!(
        notes
            .iter()
            .any(|n| n.3 == "Report(ChildTerminated)" && n.5.contains("boom")),
        "{notes:?}"
    );
    assert!(notes.len() > 10, "{notes:?}");
    assert_eq!(*notes, *events);
}

/// What `message_history_joins_up` records of one event.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    kind: EventKind,
    seq: u64,
    pid: otp_lab_sim::Pid,
    other: otp_lab_sim::Pid,
    info: u32,
    aux: u64,
    term: String,
}

#[test]
fn message_history_joins_up_send_arrival_take_and_death_by_signal() {
    use otp_lab_sim::external::{spawn_external, take};
    use otp_lab_sim::message::Msg;
    use otp_lab_sim::world::World;
    use otp_lab_sim::Term;
    let mut w = World::new(Config::default());
    let seen: Rc<RefCell<Vec<Seen>>> = Rc::default();
    let s = seen.clone();
    let kinds = [
        EventKind::Send,
        EventKind::Receive,
        EventKind::Take,
        EventKind::Exit,
        EventKind::ExitSignal,
    ];
    w.telemetry
        .attach_many("history", &kinds, move |e| {
            s.borrow_mut().push(Seen {
                kind: e.kind,
                seq: e.seq,
                pid: e.pid,
                other: e.other,
                info: e.info,
                aux: e.aux,
                term: e.term.to_text(),
            })
        })
        .unwrap();
    let a = spawn_external(&mut w, true);
    let b = spawn_external(&mut w, true);
    w.send(a, b, Msg::user(Term::atom("one")));
    w.send(a, b, Msg::user(Term::atom("two")));
    w.run_until_idle(1000);
    // a selective receive takes the second: it skipped one
    let got = take(&mut w, b, |m| m.to_term() == Term::atom("two"));
    assert_eq!(got.map(|m| m.to_term()), Some(Term::atom("two")));
    let log = seen.borrow().clone();
    let sends: Vec<&Seen> = log.iter().filter(|e| e.kind == EventKind::Send).collect();
    let arrivals: Vec<&Seen> = log
        .iter()
        .filter(|e| e.kind == EventKind::Receive)
        .collect();
    assert_eq!(arrivals.len(), 2);
    assert_eq!(arrivals[0].aux, sends[0].seq, "an arrival names its send");
    assert_eq!(arrivals[1].aux, sends[1].seq);
    let taken = log.iter().find(|e| e.kind == EventKind::Take).unwrap();
    assert_eq!((taken.pid, taken.other), (b, a));
    assert_eq!(taken.aux, sends[1].seq, "the take names the send of `two`");
    assert_eq!(taken.info, 1, "`one` was left in the mailbox");
    // linked: b traps, so a's exit signal arrives as an 'EXIT' message naming the signal
    seen.borrow_mut().clear();
    w.link(a, b);
    let c = spawn_external(&mut w, false);
    w.link(c, b);
    w.send_exit(a, c, Term::atom("boom"));
    w.run_until_idle(1000);
    let log = seen.borrow().clone();
    let signal = log
        .iter()
        .find(|e| e.kind == EventKind::ExitSignal && e.other == c)
        .unwrap();
    let death = log
        .iter()
        .find(|e| e.kind == EventKind::Exit && e.pid == c)
        .unwrap();
    assert_eq!(death.aux, signal.seq, "c died of a's exit signal");
    assert_eq!(death.term, "boom");
    let link_signal = log
        .iter()
        .find(|e| e.kind == EventKind::ExitSignal && e.pid == c && e.other == b)
        .unwrap();
    let trapped = log
        .iter()
        .find(|e| e.kind == EventKind::Receive && e.pid == b)
        .unwrap();
    assert_eq!(
        trapped.aux, link_signal.seq,
        "b's 'EXIT' names c's link signal"
    );
    // a 'DOWN' names its monitor; taken, it is known by its arrival (nothing sent it)
    seen.borrow_mut().clear();
    let d = spawn_external(&mut w, false);
    let mref = w.monitor(b, d);
    w.send_exit(a, d, Term::atom("kill"));
    w.run_until_idle(1000);
    let log = seen.borrow().clone();
    let exit = log
        .iter()
        .find(|e| e.kind == EventKind::Exit && e.pid == d)
        .unwrap();
    assert_eq!(exit.term, "killed");
    let down = log
        .iter()
        .find(|e| e.kind == EventKind::Receive && e.pid == b && e.other == d)
        .unwrap();
    assert_eq!(down.aux, mref.id());
    assert!(take(&mut w, b, |m| matches!(m, Msg::Down { .. })).is_some());
    let log = seen.borrow().clone();
    let taken = log.iter().rfind(|e| e.kind == EventKind::Take).unwrap();
    assert_eq!(taken.aux, down.seq);
}

#[test]
fn every_logged_kind_has_its_index_as_its_code() {
    // per-kind counters and `from_code` index by code: the logged kinds are 0..ALL.len()
    for (i, k) in EventKind::ALL.iter().enumerate() {
        assert_eq!(*k as usize, i, "{k:?}");
        assert_eq!(EventKind::from_code(i as u8), Some(*k));
    }
    for k in [
        EventKind::SupervisorExit,
        EventKind::SupervisorInit,
        EventKind::Take,
        EventKind::State,
    ] {
        assert!(
            k as usize >= EventKind::ALL.len(),
            "{k:?} is subscription-only"
        );
    }
}
