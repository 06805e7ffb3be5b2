//! The lab as the web app and the lessons use it: presets start, kills restart, calls
//! answer as OTP does, the inspector sees what a process holds, faults fire in virtual
//! time, and every way of driving the lab runs the same run.

mod common;

use common::run;
use otp_lab_lab::command::{ChildSel, Command, Target};
use otp_lab_lab::{presets, Lab, NodeStatus};
use otp_lab_sim::term::Term;

#[test]
fn demo_tree_starts_and_a_killed_worker_restarts() {
    let mut lab = Lab::demo(1);
    let tree = lab.tree();
    let paths: Vec<&str> = tree.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(
        paths,
        ["demo", "demo/counter_1", "demo/counter_2", "demo/printer"]
    );
    assert!(tree.iter().all(|n| n.status == NodeStatus::Running));
    let before = tree[1].pid.clone();
    lab.kill("demo/counter_1").unwrap();
    lab.advance(20_000);
    let tree = lab.tree();
    assert_eq!(tree[1].restarts, 1);
    assert_ne!(tree[1].pid, before);
    assert_eq!(tree[1].status, NodeStatus::Running);
    assert!(lab
        .log_lines(0, lab.log_len())
        .iter()
        .any(|l| l.kind == "restart"));
    assert!(lab.kill("demo/nope").is_err());
}

#[test]
fn exceeding_intensity_kills_the_root() {
    let mut lab = Lab::demo(1);
    for _ in 0..4 {
        lab.kill("demo/printer").unwrap();
        lab.advance(20_000);
    }
    let tree = lab.tree();
    assert_eq!(tree[0].status, NodeStatus::Dead);
    assert_eq!(lab.restarts_total(), 3);
    // the last tree stays, every process dead, with the restarts before the end
    let paths: Vec<&str> = tree.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(
        paths,
        ["demo", "demo/counter_1", "demo/counter_2", "demo/printer"]
    );
    assert!(tree
        .iter()
        .all(|n| n.status == NodeStatus::Dead && n.pid.is_none()));
    assert_eq!(tree[3].restarts, 3);
    assert_eq!(tree[1].depth, 1);
}

/// A nested tree keeps its shape when its root dies: supervisors above their children,
/// children in start order (as the application preset, and a dynamic child).
#[test]
fn a_dead_roots_last_tree_keeps_its_shape() {
    let p = presets::preset("application").unwrap();
    let scn = otp_lab_sim::scenario::parse(&p.text()).unwrap();
    let mut lab = Lab::from_scenario(&scn, Some(1), |_| {}).unwrap();
    let live: Vec<(String, usize)> = lab
        .tree()
        .iter()
        .map(|n| (n.path.clone(), n.depth))
        .collect();
    lab.exec(&Command::Exit {
        target: Target::Path("app".into()),
        reason: Term::KILL,
    })
    .unwrap();
    lab.advance(20_000);
    let dead = lab.tree();
    let kept: Vec<(String, usize)> = dead.iter().map(|n| (n.path.clone(), n.depth)).collect();
    assert_eq!(kept, live);
    assert!(dead.iter().all(|n| n.status == NodeStatus::Dead));
}

#[test]
fn every_preset_starts_with_a_live_tree() {
    for p in presets::PRESETS {
        let scn = otp_lab_sim::scenario::parse(&p.text())
            .unwrap_or_else(|e| panic!("preset {} does not parse: {e}", p.id));
        let lab = Lab::from_scenario(&scn, None, |_| {})
            .unwrap_or_else(|e| panic!("preset {} does not start: {e}", p.id));
        let tree = lab.tree();
        assert!(tree.len() >= 3, "{}: {tree:?}", p.id);
        assert!(
            tree.iter().all(|n| n.status == NodeStatus::Running),
            "{}: {tree:?}",
            p.id
        );
        assert!(tree[0].meter.is_some());
    }
    let app =
        otp_lab_sim::scenario::parse(&presets::preset("application").unwrap().text()).unwrap();
    let lab = Lab::from_scenario(&app, None, |_| {}).unwrap();
    let paths: Vec<String> = lab.tree().into_iter().map(|n| n.path).collect();
    assert!(paths.contains(&"app/jobs/mailer".to_string()), "{paths:?}");
}

#[test]
fn supervisor_calls_answer_as_otp_does() {
    let mut lab = Lab::demo(1);
    let demo = Target::Name("demo".into());
    let wc = lab
        .exec(&Command::WhichChildren { sup: demo.clone() })
        .unwrap();
    let text = wc.to_text();
    // OTP lists static children last-started first
    assert!(text.starts_with("[{printer,<0."), "{text}");
    assert!(text.contains("worker,[counter]"), "{text}");
    let cc = lab
        .exec(&Command::CountChildren { sup: demo.clone() })
        .unwrap();
    assert_eq!(
        cc.to_text(),
        "[{specs,3},{active,3},{supervisors,0},{workers,3}]"
    );
    let r = lab
        .exec(&Command::TerminateChild {
            sup: demo.clone(),
            child: ChildSel::Id(Term::atom("printer")),
        })
        .unwrap();
    assert_eq!(r.to_text(), "ok");
    let r = lab
        .exec(&Command::RestartChild {
            sup: demo.clone(),
            id: Term::atom("nope"),
        })
        .unwrap();
    assert_eq!(r.to_text(), "{error,not_found}");
    assert!(lab
        .exec(&Command::WhichChildren {
            sup: Target::Path("demo/counter_1".into())
        })
        .unwrap_err()
        .to_string()
        .contains("not a supervisor"));
    let v = lab
        .exec(&Command::Call {
            target: Target::Path("demo/counter_1".into()),
            msg: Term::atom("get_value"),
        })
        .unwrap();
    assert_eq!(v.to_text(), "0");
}

#[test]
fn the_inspector_sees_links_state_and_mailbox() {
    let mut lab = Lab::demo(1);
    let info = lab.inspect("demo/counter_1").unwrap();
    assert_eq!(info.path.as_deref(), Some("demo/counter_1"));
    assert!(info.is_worker && !info.is_supervisor);
    assert_eq!(info.links.len(), 1, "linked to its supervisor");
    assert!(info.links[0].ends_with(" demo"), "{:?}", info.links);
    assert_eq!(info.state, "0");
    let sup = lab.inspect("demo").unwrap();
    assert!(sup.is_supervisor && sup.trap_exit);
    assert!(sup.state.contains("one_for_one"));
    lab.exec(&Command::Cast {
        target: Target::Path("demo/counter_1".into()),
        msg: Term::atom("increment"),
    })
    .unwrap();
    lab.advance(20_000);
    assert_eq!(lab.inspect("demo/counter_1").unwrap().state, "1");
    assert!(lab.inspect("demo/nobody").is_none());
}

#[test]
fn faults_in_the_preset_fire_in_virtual_time() {
    let scn =
        otp_lab_sim::scenario::parse(&presets::preset("restart_storm").unwrap().text()).unwrap();
    let mut lab = Lab::from_scenario(&scn, None, |_| {}).unwrap();
    lab.advance(3_000_000);
    let lines = lab.log_lines(0, lab.log_len());
    assert!(lines.iter().any(|l| l.kind == "fault"), "faults fired");
    assert!(
        lines.iter().any(|l| l.kind == "restart"),
        "restarts followed"
    );
}

#[test]
fn step_run_until_and_run_for_drive_the_same_run() {
    let lab_a = {
        let mut lab = Lab::demo(7);
        lab.kill("demo/counter_2").unwrap();
        while lab.run_for(1) {}
        lab.advance(10_000);
        lab.world().log.hash()
    };
    let lab_b = {
        let mut lab = Lab::demo(7);
        lab.kill("demo/counter_2").unwrap();
        lab.advance(10_000);
        lab.world().log.hash()
    };
    assert_eq!(lab_a, lab_b);
}

/// As `supervisor:start_link/2` blocks until every child's `init/1` has returned, the
/// scenario's steps come after a slow start, not during it: here a `start_child` on a
/// supervisor that only exists once `db` has taken 30 ms to connect.
#[test]
fn steps_wait_for_a_slow_start() {
    let text = r#"{"name":"slow","tree":{"id":"app","strategy":"one_for_one","children":[
        {"id":"db","behaviour":"counter","init_delay":30},
        {"id":"jobs","kind":"supervisor","strategy":"simple_one_for_one","children":[
            {"id":"job","behaviour":"counter","init_delay":5}]}]},
        "steps":[{"op":"start_child","sup":"app/jobs","args":"mailer"}]}"#;
    let scn = otp_lab_sim::scenario::parse(text).unwrap();
    let lab = Lab::from_scenario(&scn, Some(1), |_| {}).expect("the steps find the tree up");
    let paths: Vec<String> = lab.tree().iter().map(|n| n.path.clone()).collect();
    assert!(paths.contains(&"app/jobs/mailer".to_string()), "{paths:?}");
    assert!(lab.tree().iter().all(|n| n.status == NodeStatus::Running));
    // the start took db's 30 ms, then the job's 5
    assert_eq!(lab.now_us(), 35_000);
}

/// As OTP 25 logs them (checked with a logger handler in Elixir 1.14): a server that
/// ends abnormally after its terminate/2 writes gen_server's error report and proc_lib's
/// crash report, then its supervisor reports; `shutdown` and `{shutdown, _}` write none of
/// the process's own, and neither does a process killed (by `kill`, or by its supervisor
/// when its terminate/2 outlasts its shutdown).
#[test]
fn crash_reports_come_only_from_an_abnormal_end_after_terminate() {
    let scn = otp_lab_sim::scenario::parse(
        r#"{"tree":{"id":"root","strategy":"one_for_one","intensity":10,"period":5,"children":[
        {"id":"a","behaviour":"counter"},
        {"id":"b","behaviour":"counter"},
        {"id":"slow","behaviour":"counter","trap_exit":true,"terminate_delay":3000,"shutdown":100}]}}"#,
    )
    .unwrap();
    let mut lab = Lab::from_scenario(&scn, Some(1), |_| {}).unwrap();
    let reports = |lab: &Lab| -> Vec<String> {
        lab.log_lines(0, lab.log_len())
            .into_iter()
            .filter(|l| l.kind == "report" || l.kind == "exit")
            .map(|l| l.text)
            .collect()
    };
    run(&mut lab, "Lab.crash(\"root/a\", :boom)");
    lab.advance(20_000);
    let r = reports(&lab);
    assert!(r[0].starts_with("=ERROR REPORT==== ** Generic server <0.3.0> root/a terminating ** Reason for termination == boom"), "{r:?}");
    assert!(
        r[1].starts_with("=CRASH REPORT==== crasher: <0.3.0> root/a exit_reason: boom"),
        "{r:?}"
    );
    assert!(r[2].contains("root/a exited with reason boom"), "{r:?}");
    assert!(
        r[3].contains("context: child_terminated offender: root/a reason: boom"),
        "{r:?}"
    );
    let before = r.len();
    run(&mut lab, "Lab.crash(\"root/b\", {:shutdown, :done})");
    run(&mut lab, "Process.exit(\"root/b\", :kill)");
    run(&mut lab, "Supervisor.terminate_child(:root, :slow)");
    lab.advance(1_000_000);
    let r = reports(&lab);
    assert!(
        r[before..]
            .iter()
            .all(|l| !l.contains("ERROR REPORT") && !l.contains("CRASH REPORT")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|l| l.contains("shutdown_error offender: root/slow")),
        "{r:?}"
    );
}
