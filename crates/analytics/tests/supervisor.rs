//! One supervisor's report: the restart history with old and new pids and each restart's
//! place in the intensity window, the budget over time, the reasons and children ranked,
//! the time between restarts, and the escalation seen from both sides.

use otp_lab_analytics::restarts::Cause;
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;

const KILL_A: &str = r#"{"op":"exit","target":"root/mid/a","reason":"kill"}"#;
const KILL_B: &str = r#"{"op":"exit","target":"root/mid/b","reason":"boom"}"#;

fn run(
    steps: &[&str],
) -> std::rc::Rc<std::cell::RefCell<otp_lab_analytics::restarts::RestartAnalytics>> {
    let json = format!(
        r#"{{"tree":{{"id":"root","intensity":5,"period":10,"children":[
              {{"id":"mid","kind":"supervisor","intensity":2,"period":5,"children":[{{"id":"a"}},{{"id":"b"}}]}}]}},
            "steps":[{}]}}"#,
        steps.join(",")
    );
    let scn = scenario::parse(&json).unwrap_or_else(|e| panic!("{e}"));
    let mut a = None;
    runner::run_world(&scn, Config::default(), |w| {
        a = Some(otp_lab_analytics::attach(w, 100))
    })
    .unwrap();
    a.unwrap()
}

#[test]
fn the_history_tells_pids_and_the_budget_and_the_escalation_reaches_the_parent() {
    let sleep = r#"{"op":"sleep","ms":1500}"#;
    let a = run(&[KILL_A, sleep, KILL_B, sleep, KILL_A]);
    let a = a.borrow();
    let mid = a.supervisor_report("root/mid", 0, 10_000_000).unwrap();
    let restarts: Vec<_> = mid
        .history
        .iter()
        .filter(|r| r.cause == Cause::Restart)
        .collect();
    assert_eq!(restarts.len(), 2, "{:?}", mid.history);
    // each restart: a new pid for the old one, counted 1 then 2 of intensity 2
    for (r, n) in restarts.iter().zip([1, 2]) {
        assert_ne!(r.old_pid, r.new_pid);
        assert!(r.old_pid != otp_lab_sim::Pid::NONE);
        assert_eq!((r.in_window, r.intensity), (n, 2), "{r:?}");
    }
    assert_eq!(
        mid.reasons,
        [("boom".to_string(), 1), ("killed".to_string(), 1)]
    );
    assert_eq!(mid.children.len(), 2);
    assert_eq!(
        mid.between_p50_us,
        Some(restarts[1].t_us - restarts[0].t_us)
    );
    // the third failure in 5 s ran the budget out: mid gave up, root was told
    assert_eq!(mid.gave_up.len(), 1, "{mid:?}");
    assert_eq!(mid.gave_up[0].child, "root/mid/a");
    let root = a.supervisor_report("root", 0, 10_000_000).unwrap();
    assert_eq!(root.received, mid.gave_up);
    assert!(root.gave_up.is_empty());
    // root restarted mid: its history row names mid's old and new pid
    let r = root
        .history
        .iter()
        .find(|r| r.cause == Cause::Restart)
        .unwrap();
    assert_eq!(&*r.child, "root/mid");
    assert_eq!((r.in_window, r.intensity), (1, 5));
    // mid's budget: 0, 1, 2 — and a new incarnation of mid starts from none
    let counts: Vec<u32> = mid.budget.iter().map(|s| s.1).collect();
    assert_eq!(counts, [0, 1, 2, 0], "{:?}", mid.budget);
    // a window before the second restart sees one restart and no escalation
    let early = a
        .supervisor_report("root/mid", 0, restarts[1].t_us - 1)
        .unwrap();
    assert_eq!(early.restarts, 1);
    assert!(early.gave_up.is_empty() && early.between_p50_us.is_none());
    assert!(a.supervisor_report("nope", 0, 1).is_err());
}

#[test]
fn restarts_leave_the_intensity_window_after_its_period() {
    let a = run(&[KILL_A, r#"{"op":"sleep","ms":7000}"#, KILL_A]);
    let a = a.borrow();
    let mid = a.supervisor_report("root/mid", 0, 20_000_000).unwrap();
    // counted at second 0, still counted at second 5 (OTP: now - period <= t), gone at 6
    let steps: Vec<(u64, u32)> = mid.budget.clone();
    assert_eq!(steps[0].1, 0);
    assert_eq!(steps[1].1, 1);
    assert_eq!(steps[2], (6_000_000, 0), "{steps:?}");
    assert_eq!(steps[3].1, 1);
    let second = mid
        .history
        .iter()
        .rfind(|r| r.cause == Cause::Restart)
        .unwrap();
    assert_eq!(second.in_window, 1, "the first restart left the window");
}
