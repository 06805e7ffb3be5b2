//! Supervisor analytics on scenarios: history (bounded), stats, failure rate, intensity
//! budget, supervisors that crash and restart, dynamic supervisors, and the exports.

use otp_lab_analytics::export::{csv_field, Snapshot};
use otp_lab_analytics::restarts::{Cause, RestartAnalytics};
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;
use otp_lab_sim::World;
use std::cell::RefCell;
use std::rc::Rc;

fn run(json: &str, history: usize) -> (Rc<RefCell<RestartAnalytics>>, u64, World) {
    let scn = scenario::parse(json).unwrap();
    let mut a = None;
    let (out, w) = runner::run_world(&scn, Config::default(), |w| {
        a = Some(otp_lab_analytics::attach(w, history))
    })
    .unwrap();
    (a.unwrap(), out.end_us, w)
}

const TREE: &str = r#""tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":10,"children":[
    {"id":"a"},{"id":"b"},
    {"id":"sub","kind":"supervisor","intensity":1,"period":5,"children":[{"id":"x"}]},
    {"id":"pool","kind":"supervisor","strategy":"simple_one_for_one","children":[{"id":"w"}]}]}"#;

#[test]
fn history_stats_rate_and_budget() {
    let (a, end, w) = run(
        &format!(
            r#"{{{TREE},"steps":[
            {{"op":"exit","target":"root/a","reason":"kill"}},
            {{"op":"crash","target":"root/b","reason":"{{shutdown,x}}"}},
            {{"op":"start_child","sup":"root/pool","args":"w1"}},
            {{"op":"exit","target":"root/pool/w1","reason":"boom"}},
            {{"op":"restart_child","sup":"root","child":"a"}},
            {{"op":"exit","target":"root/sub/x","reason":"kill"}},
            {{"op":"exit","target":"root/sub/x","reason":"kill"}}]}}"#
        ),
        1000,
    );
    let a = a.borrow();
    let root = a.stats("root").unwrap();
    // a (killed), b ({shutdown,x}: permanent, restarted), sub (gave up, restarted by root)
    assert_eq!(root.restarts, 3);
    let reasons: Vec<(String, String)> = a
        .history(root)
        .map(|r| (r.child.to_string(), r.reason_text()))
        .collect();
    let reasons: Vec<(&str, &str)> = reasons
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("root/a", "killed"),
            ("root/b", "{shutdown,x}"),
            ("root/sub", "shutdown")
        ]
    );
    assert!(a.history(root).all(|r| r.cause == Cause::Restart));
    // restart_child of a running child fails; nothing recorded for it
    let pool = a.stats("root/pool").unwrap();
    assert_eq!(pool.restarts, 1);
    let history: Vec<_> = a.history(pool).collect();
    assert_eq!(history[0].cause, Cause::StartChild);
    assert_eq!(&*history[1].child, "root/pool/w1");
    assert_eq!(history[1].reason_text(), "boom");
    // sub: one restart in its first incarnation, then it gave up; a fresh incarnation
    let sub = a.stats("root/sub").unwrap();
    assert_eq!(
        (sub.restarts, sub.incarnations, sub.incarnation_restarts),
        (1, 2, 0)
    );
    assert_eq!(a.intensity_budget(&w, "root/sub", end).unwrap(), 1);
    // root: 3 restarts inside its 10 s period, intensity 5
    assert_eq!(a.intensity_budget(&w, "root", end).unwrap(), 2);
    assert_eq!(a.intensity_budget(&w, "root", end + 20_000_000).unwrap(), 5);
    // failures: 3 child_terminated reports over the run
    let rate = a.failure_rate("root", end, end).unwrap();
    assert!((rate - 3.0 / (end as f64 / 1e6)).abs() < 1e-9, "{rate}");
    assert_eq!(
        a.failure_rate("root", end + 60_000_000, 1_000_000).unwrap(),
        0.0
    );
    assert!(a.stats("root/nope").is_err());
    assert_eq!(
        a.restart_history("nope").unwrap_err().to_string(),
        "unknown supervisor \"nope\""
    );
    assert_eq!(a.all_stats().count(), 3);
}

#[test]
fn a_burst_of_failures_at_one_instant_counts_whole_in_the_failure_rate() {
    // three faults kill the three children at one virtual instant; with room for two
    // records, the rate still sees three failures
    let (a, end, _) = run(
        r#"{"tree":{"id":"root","intensity":10,"children":[{"id":"a"},{"id":"b"},{"id":"c"}]},
            "faults":[{"at":1000,"op":"kill","target":"root/a"},
                      {"at":1000,"op":"kill","target":"root/b"},
                      {"at":1000,"op":"kill","target":"root/c"}],
            "steps":[{"op":"sleep","ms":2000}]}"#,
        2,
    );
    let a = a.borrow();
    let s = a.stats("root").unwrap();
    let history: Vec<_> = a.history(s).collect();
    assert_eq!((s.failures, history.len()), (3, 2));
    assert!(history.iter().all(|r| r.t_us == 1_000_000), "{history:?}");
    let rate = a.failure_rate("root", end, end).unwrap();
    let want = 3.0 / (end as f64 / 1e6);
    assert!((rate - want).abs() < 1e-9, "3 failures in {end} µs: {rate}");
}

#[test]
fn history_is_bounded_and_a_dead_supervisor_has_no_budget() {
    let (a, end, w) = run(
        r#"{"tree":{"id":"root","intensity":1000,"period":1,"children":[{"id":"a"}]},
            "faults":[{"every":10,"until":2000,"op":"kill","target":"root/a"}],
            "steps":[{"op":"sleep","ms":2500},{"op":"exit","target":"root","reason":"kill"}]}"#,
        50,
    );
    let a = a.borrow();
    let s = a.stats("root").unwrap();
    assert_eq!(s.restarts, 200);
    assert_eq!(a.history(s).len(), 50);
    assert!(!s.alive);
    assert_eq!(a.intensity_budget(&w, "root", end).unwrap(), 0);
}

#[test]
fn exports_are_well_formed() {
    let (a, end, w) = run(
        &format!(
            r#"{{{TREE},"steps":[{{"op":"crash","target":"root/a","reason":"{{bad,\"x,y\"}}"}}]}}"#
        ),
        1000,
    );
    let snap = Snapshot::take(&a.borrow(), &w, end, 1_000_000);
    let prom = snap.to_prometheus();
    assert!(
        prom.contains("otp_lab_supervisor_restarts_total{supervisor=\"root\"} 1\n"),
        "{prom}"
    );
    // every sample line: name{labels} value, and every family has HELP and TYPE
    for l in prom.lines().filter(|l| !l.starts_with('#')) {
        let (name, value) = l.rsplit_once(' ').unwrap();
        assert!(
            name.contains("{supervisor=\"") && name.ends_with("\"}"),
            "{l}"
        );
        value.parse::<f64>().unwrap();
    }
    assert_eq!(
        prom.matches("# TYPE").count(),
        prom.matches("# HELP").count()
    );
    let json = snap.to_json();
    assert_eq!(json["supervisors"][0]["path"], "root");
    assert_eq!(
        json["supervisors"][0]["restart_history"][0]["reason"],
        "{bad,\"x,y\"}"
    );
    let csv = snap.to_csv();
    assert!(csv.starts_with("path,restarts,failures,"));
    assert!(csv.lines().all(|l| l.split(',').count() == 9));
    let hist = snap.history_csv();
    assert!(hist.contains("\"{bad,\"\"x,y\"\"}\""), "{hist}");
    assert_eq!(csv_field("plain"), "plain");
    let statsd = snap.to_statsd();
    assert!(statsd.contains("otp_lab.supervisor.root.restarts:1|c\n"));
    assert!(statsd.contains("otp_lab.supervisor.root.sub.intensity_budget:1|g\n"));
}

#[test]
fn a_group_restart_records_each_sibling_with_the_failed_childs_reason() {
    // one_for_all: b crashes, a, b and c are restarted; rest_for_one: b crashes, b and c
    // are; each row carries the reason that caused it, and only b's failure counts
    for (strategy, want) in [
        ("one_for_all", vec!["root/a", "root/b", "root/c"]),
        ("rest_for_one", vec!["root/b", "root/c"]),
    ] {
        let (a, _, _) = run(
            &format!(
                r#"{{"tree":{{"id":"root","strategy":"{strategy}","intensity":10,"children":[{{"id":"a"}},{{"id":"b"}},{{"id":"c"}}]}},
                    "steps":[{{"op":"crash","target":"root/b","reason":"{{boom,1}}"}},
                             {{"op":"exit","target":"root/c","reason":"kill"}}]}}"#
            ),
            10,
        );
        let a = a.borrow();
        let s = a.stats("root").unwrap();
        let rows: Vec<(String, String)> = a
            .history(s)
            .map(|r| (r.child.to_string(), r.reason_text()))
            .collect();
        let mut expect: Vec<(String, String)> = want
            .iter()
            .map(|c| (c.to_string(), "{boom,1}".to_string()))
            .collect();
        // then c is killed: one_for_all restarts the group again, rest_for_one c alone
        let again: Vec<&str> = if strategy == "one_for_all" {
            vec!["root/a", "root/b", "root/c"]
        } else {
            vec!["root/c"]
        };
        expect.extend(again.iter().map(|c| (c.to_string(), "killed".to_string())));
        assert_eq!(rows, expect, "{strategy}");
        assert_eq!(s.failures, 2, "{strategy}");
        assert_eq!(s.restarts, expect.len() as u64, "{strategy}");
    }
}
