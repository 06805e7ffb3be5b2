//! The analytics server on simulated runs: every detector with a scenario that must
//! trigger it and one that must not; subscriptions with filters; dashboard and alerts;
//! health; bounded memory on a long run; the sketch against exact quantiles.

use otp_lab_analytics::health::{AlertRule, Health, Op, Severity};
use otp_lab_analytics::metrics::Aggregation;
use otp_lab_analytics::patterns::Pattern;
use otp_lab_analytics::server::{Notice, Server, Settings};
use otp_lab_analytics::sketch::{exact_quantile, Sketch};
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;
use otp_lab_sim::World;
use proptest::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Runs a tree with a fault script for `ms` of virtual time; the server is attached first.
fn run(
    tree: &str,
    faults: &str,
    ms: u64,
    setup: impl FnOnce(&mut Server),
) -> (Rc<RefCell<Server>>, World, u64) {
    let json =
        format!(r#"{{"tree":{tree},"faults":[{faults}],"steps":[{{"op":"sleep","ms":{ms}}}]}}"#);
    let scn = scenario::parse(&json).unwrap();
    let mut server = None;
    let (out, world) = runner::run_world(&scn, Config::default(), |w| {
        let s = otp_lab_analytics::attach_server(w, Settings::default());
        setup(&mut s.borrow_mut());
        server = Some(s);
    })
    .unwrap();
    (server.unwrap(), world, out.end_us)
}

const FLAT: &str = r#"{"id":"root","intensity":100000,"period":1,"children":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]}"#;

fn kinds(s: &Server) -> Vec<&'static str> {
    s.patterns.found.iter().map(Pattern::kind).collect()
}

#[test]
fn restart_storm_triggers_on_rapid_restarts_and_not_on_slow_ones() {
    let (s, _, _) = run(
        FLAT,
        r#"{"every":100,"until":1000,"op":"kill","target":"root/a"}"#,
        1200,
        |_| {},
    );
    let s = s.borrow();
    assert!(s
        .patterns
        .found
        .iter()
        .any(|p| matches!(p, Pattern::RestartStorm { child, .. } if child == "root/a")));
    let (s, _, _) = run(
        FLAT,
        r#"{"every":3000,"until":30000,"op":"kill","target":"root/a"}"#,
        31000,
        |_| {},
    );
    assert!(!kinds(&s.borrow()).contains(&"restart_storm"));
}

#[test]
fn cascades_trigger_on_sibling_failures_together_and_on_escalation() {
    let faults = r#"{"at":100,"op":"kill","target":"root/a"},{"at":200,"op":"crash","target":"root/b"},{"at":300,"op":"exit","target":"root/c","reason":"boom"}"#;
    let (s, _, _) = run(FLAT, faults, 500, |_| {});
    assert!(s.borrow().patterns.found.iter().any(|p| matches!(p, Pattern::CascadingFailure { escalated: false, children, .. } if children.len() == 3)));
    let spread = r#"{"at":100,"op":"kill","target":"root/a"},{"at":2200,"op":"kill","target":"root/b"},{"at":4300,"op":"kill","target":"root/c"}"#;
    let (s, _, _) = run(FLAT, spread, 5000, |_| {});
    assert!(!kinds(&s.borrow()).contains(&"cascading_failure"));
    let nested = r#"{"id":"root","intensity":10,"children":[{"id":"sub","kind":"supervisor","intensity":0,"children":[{"id":"x"}]}]}"#;
    let (s, _, _) = run(
        nested,
        r#"{"at":100,"op":"kill","target":"root/sub/x"}"#,
        500,
        |_| {},
    );
    assert!(s.borrow().patterns.found.iter().any(|p| matches!(p, Pattern::CascadingFailure { escalated: true, supervisor, .. } if supervisor == "root/sub")));
}

#[test]
fn resource_related_restarts_are_call_timeouts_while_a_mailbox_grows() {
    // db handles a request in 40 ms, ingest casts one every 30 ms: db's mailbox grows and
    // api's calls time out
    let overload = r#"{"id":"root","intensity":100,"period":1,"children":[
        {"id":"db","behaviour":"counter","name":"db","handle_delay":40},
        {"id":"ingest","behaviour":"client","to":"db","request":"increment","cast":true,"every":30},
        {"id":"api","behaviour":"client","to":"db","request":"get","every":200,"call_timeout":500}]}"#;
    let (s, world, end) = run(overload, "", 8000, |_| {});
    let now = s.borrow_mut().health(&world, end);
    let advice = now.reasons.last().unwrap();
    assert!(
        advice.ends_with("root/api most (9×, most often {timeout,{gen_server,call,[db,get,500]}} ×9): root/api's calls to db time out, so db is slower than its load (look at its mailbox); find what floods it or give it capacity, as raising root's intensity would only hide it"),
        "{advice}"
    );
    let found: Vec<Pattern> = s
        .borrow()
        .patterns
        .found
        .iter()
        .filter(|p| p.kind() == "resource_related")
        .cloned()
        .collect();
    assert!(
        matches!(&found[..], [Pattern::ResourceRelated { child, callee, queue_len, at_us: 2_090_000, .. }]
            if child == "root/api" && callee == "db" && *queue_len >= 10),
        "{found:?}"
    );
    // the same timeouts with short mailboxes (a slow db, no flood): not resource-related
    let slow = r#"{"id":"root","intensity":100,"period":1,"children":[
        {"id":"db","behaviour":"counter","name":"db","handle_delay":1000},
        {"id":"api","behaviour":"client","to":"db","request":"get","every":10,"call_timeout":500}]}"#;
    let (s, _, _) = run(slow, "", 5000, |_| {});
    let mut s = s.borrow_mut();
    assert!(s.totals()[3] >= 5, "the timeouts happen");
    assert!(!kinds(&s).contains(&"resource_related"), "{:?}", kinds(&s));
    // a long mailbox and failures of another cause: not resource-related either
    let (s, _, _) = run(
        r#"{"id":"root","intensity":100,"period":1,"children":[
            {"id":"db","behaviour":"counter","name":"db","handle_delay":40},
            {"id":"ingest","behaviour":"client","to":"db","cast":true,"every":10},
            {"id":"a"}]}"#,
        r#"{"every":500,"from":1000,"until":5000,"op":"kill","target":"root/a"}"#,
        5000,
        |_| {},
    );
    let mut s = s.borrow_mut();
    assert!(s.totals()[3] >= 5, "the kills happen");
    assert!(!kinds(&s).contains(&"resource_related"), "{:?}", kinds(&s));
}

#[test]
fn periodic_failures_trigger_on_a_regular_beat_only() {
    let (s, _, _) = run(
        FLAT,
        r#"{"every":1000,"until":8000,"op":"crash","target":"root/b"}"#,
        9000,
        |_| {},
    );
    assert!(s.borrow().patterns.found.iter().any(
        |p| matches!(p, Pattern::PeriodicFailure { period_us, .. } if *period_us == 1_000_000)
    ));
    let irregular = r#"{"at":100,"op":"kill","target":"root/b"},{"at":300,"op":"kill","target":"root/b"},{"at":2900,"op":"kill","target":"root/b"},{"at":3000,"op":"kill","target":"root/b"},{"at":7000,"op":"kill","target":"root/b"},{"at":7400,"op":"kill","target":"root/b"}"#;
    let (s, _, _) = run(FLAT, irregular, 8000, |_| {});
    assert!(!kinds(&s.borrow()).contains(&"periodic_failure"));
}

#[test]
fn restart_rate_anomaly_on_a_burst_not_on_a_steady_rate() {
    let burst = r#"{"every":2000,"until":30000,"op":"kill","target":"root/a"},{"every":50,"from":31000,"until":31500,"op":"kill","target":"root/b"}"#;
    let (s, _, _) = run(FLAT, burst, 32000, |_| {});
    assert!(!s.borrow().anomalies().is_empty());
    let steady = r#"{"every":250,"until":30000,"op":"kill","target":"root/a"}"#;
    assert_quiet(&run(FLAT, steady, 30000, |_| {}).0.borrow());
}

/// Asserts that nothing left its baseline.
fn assert_quiet(s: &Server) {
    assert!(s.anomalies().is_empty(), "{:?}", s.anomalies());
}

#[test]
fn the_process_count_and_message_rate_have_baselines_too() {
    let tree = r#"{"id":"root","intensity":10,"period":1,"children":[{"id":"a"},{"id":"t","restart":"temporary"}]}"#;
    // a temporary child killed after 20 quiet seconds is not restarted: one process fewer
    let (s, _, _) = run(
        tree,
        r#"{"at":20500,"op":"kill","target":"root/t"}"#,
        25000,
        |_| {},
    );
    let s = s.borrow();
    let metrics: Vec<&str> = s.anomalies().iter().map(|(_, a)| a.metric).collect();
    assert!(metrics.contains(&"process_count"), "{:?}", s.anomalies());
    let (t, a) = s
        .anomalies()
        .iter()
        .find(|(_, a)| a.metric == "process_count")
        .unwrap();
    assert_eq!(
        (*t, a.value, a.baseline),
        (21_000_000, 3.0, 4.0),
        "driver, root, a, t: then 3"
    );
    // quiet, nothing leaves its baseline
    assert_quiet(&run(tree, "", 25000, |_| {}).0.borrow());
}

#[test]
fn health_over_time_changes_with_its_reasons_and_advises() {
    let (s, world, end) = run(
        FLAT,
        r#"{"every":200,"until":3000,"op":"kill","target":"root/a"}"#,
        4000,
        |_| {},
    );
    let mut s = s.borrow_mut();
    let band: Vec<(u64, &str)> = s
        .health_changes()
        .iter()
        .map(|(t, h, _)| (*t, h.name()))
        .collect();
    // more than 5 restarts in the window warn, more than 10 are critical
    assert_eq!(
        band.iter().map(|b| b.1).collect::<Vec<_>>(),
        ["warning", "critical"],
        "{band:?}"
    );
    assert!(band[0].0 < band[1].0);
    assert!(s.health_changes()[1]
        .2
        .contains("restarts in the window (> 10)"));
    let now = s.health(&world, end);
    let advice = now.reasons.last().unwrap();
    assert!(
        advice.starts_with("root restarted children 15 times in the last 300 s, root/a most (15×, most often killed ×15): find out why root/a fails; raise root's intensity (now 100000 in 1 s) only if"),
        "{advice}"
    );
}

#[test]
fn alert_rules_fire_after_holding_and_are_listed_with_their_instant() {
    let rule = |name: &str, hold_us| AlertRule {
        name: name.into(),
        field: "restart_rate_per_s".into(),
        op: Op::Above,
        threshold: 0.5,
        severity: Severity::Warning,
        hold_us,
    };
    let (s, _, _) = run(
        FLAT,
        r#"{"every":500,"from":1000,"until":10000,"op":"kill","target":"root/a"}"#,
        25000,
        |srv| {
            srv.watch.set(rule("busy", 3_000_000));
            srv.watch.set(rule("never", 30_000_000));
            assert!(srv.watch.remove("restart_storm"));
        },
    );
    let s = s.borrow();
    let fired: Vec<(u64, &str)> = s
        .watch
        .fired
        .iter()
        .filter(|(_, a)| a.rule == "busy" || a.rule == "never")
        .map(|(t, a)| (*t, a.rule.as_str()))
        .collect();
    // above 0.5/s from the window that ends at 2 s; held 3 s at 5 s; once
    assert_eq!(fired, [(5_000_000, "busy")], "{:?}", s.watch.fired);
    assert!(s.watch.rules.iter().all(|r| r.name != "restart_storm"));
}

#[test]
fn subscriptions_receive_what_they_asked_for() {
    let mut ids = (0, 0);
    let (s, _, _) = run(
        FLAT,
        r#"{"every":100,"until":1000,"op":"kill","target":"root/*"}"#,
        1200,
        |srv| {
            ids.0 = srv.subscribe(
                &["restart"],
                Some(Box::new(
                    |n: &Notice| matches!(n, Notice::Restart { child, .. } if child == "root/a"),
                )),
            );
            ids.1 = srv.subscribe(&["pattern"], None);
        },
    );
    let mut s = s.borrow_mut();
    let only_a = s.drain(ids.0);
    assert!(!only_a.is_empty());
    assert!(only_a
        .iter()
        .all(|n| matches!(n, Notice::Restart { child, .. } if child == "root/a")));
    let total_a = s
        .restarts
        .restart_history("root")
        .unwrap()
        .iter()
        .filter(|r| &*r.child == "root/a")
        .count();
    assert_eq!(only_a.len(), total_a, "no restart missed");
    let patterns = s.drain(ids.1);
    assert!(patterns.iter().all(|n| n.kind() == "pattern"));
    assert!(s.drain(ids.1).is_empty(), "drained");
}

#[test]
fn dashboard_alerts_and_health() {
    let (s, w, end) = run(
        FLAT,
        r#"{"every":100,"until":2000,"op":"kill","target":"root/*"}"#,
        2000,
        |_| {},
    );
    let mut s = s.borrow_mut();
    let d = s.dashboard(end, 2_000_000);
    assert_eq!(d["restarts_total"], 20.0);
    assert!((d["restart_rate_per_s"] - 10.0).abs() < 0.6, "{d:?}");
    assert_eq!(d["process_count"], 6.0, "driver, root, four workers");
    assert!(
        d["recovery_time_p50_us"] < 1.0,
        "restarts are immediate in virtual time"
    );
    let rules = vec![
        AlertRule {
            name: "restart storm".into(),
            field: "restart_rate_per_s".into(),
            op: Op::Above,
            threshold: 5.0,
            severity: Severity::Critical,
            hold_us: 0,
        },
        AlertRule {
            name: "few processes".into(),
            field: "process_count".into(),
            op: Op::Below,
            threshold: 3.0,
            severity: Severity::Warning,
            hold_us: 0,
        },
    ];
    let alerts = s.alerts(&rules, end, 2_000_000);
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].rule, "restart storm");
    let h = s.health(&w, end);
    assert_eq!(h.status, Health::Critical, "{h:?}");
    let (quiet, w, end) = run(FLAT, "", 1000, |_| {});
    assert_eq!(quiet.borrow_mut().health(&w, end).status, Health::Healthy);
}

#[test]
fn memory_stays_bounded_on_a_long_chaotic_run() {
    let (s, _, _) = run(
        FLAT,
        r#"{"every":5,"until":20000,"probability":0.5,"op":"kill","target":"root/*"}"#,
        20_000,
        |_| {},
    );
    let s = s.borrow();
    let root = s.restarts.stats("root").unwrap();
    assert!(s.restarts.history(root).len() <= 1000);
    assert!(s.patterns.found.len() <= 1000);
    assert!(
        s.metrics.rows() <= 1_000_001,
        "the metrics' rows are what take memory"
    );
    assert!(s.restarts.stats("root").unwrap().restarts > 1000);
}

proptest! {
    #[test]
    fn sketch_quantiles_are_within_one_percent_of_exact(
        values in prop::collection::vec(prop_oneof![
            1e-6f64..1e9,
            -1e9f64..-1e-6,
            Just(0.0),
        ], 1..400),
        qs in prop::collection::vec(0.0f64..=1.0, 1..10),
    ) {
        let mut s = Sketch::default();
        for v in &values {
            s.add(*v);
        }
        let mut sorted = values.clone();
        for q in qs {
            let exact = exact_quantile(&mut sorted, q).unwrap();
            let got = s.quantile(q).unwrap();
            prop_assert!((got - exact).abs() <= s.alpha() * exact.abs() + 1e-9,
                "q={} got {} exact {}", q, got, exact);
        }
    }
}

#[test]
fn the_server_loses_no_event() {
    // `otp-lab bench` runs this over ten million events; here a tenth of a storm.
    let a = otp_lab_analytics::audit::run(otp_lab_sim::bench::Workload::RestartStorm, 1, 10);
    assert!(a.events > 100_000, "{a:?}");
    assert!(a.expected[3] >= 10_000, "restarts happened: {a:?}");
    assert!(a.lossless(), "{a:?}");
}

#[test]
fn a_dead_root_is_critical() {
    // four kills in one second exceed intensity 3: the root gives up
    let tree = r#"{"id":"root","intensity":3,"period":1,"children":[{"id":"a"},{"id":"b"}]}"#;
    let (alive, w, end) = run(tree, "", 1000, |_| {});
    assert_eq!(alive.borrow_mut().health(&w, end).status, Health::Healthy);
    let (s, w, end) = run(
        tree,
        r#"{"every":100,"until":400,"op":"kill","target":"root/*"}"#,
        1000,
        |_| {},
    );
    let h = s.borrow_mut().health(&w, end);
    assert_eq!(h.status, Health::Critical, "{h:?}");
    assert!(
        h.reasons
            .iter()
            .any(|r| r.contains("root supervisor root is down")),
        "{h:?}"
    );
}

#[test]
fn counted_kinds_land_in_the_bucket_of_their_virtual_time() {
    use otp_lab_sim::behaviour::Behaviour;
    use otp_lab_sim::message::Msg;
    use otp_lab_sim::world::SpawnOpts;
    use otp_lab_sim::{Pid, Term};
    // spawns and sends come from the bus's counters, not one event at a time: each must
    // still be counted in the 10 ms bucket of the instant it happened
    let mut w = World::new(Config::default());
    let server = otp_lab_analytics::attach_server(&mut w, Settings::default());
    let (a, _) = w.spawn(Pid::NONE, Behaviour::External, SpawnOpts::default());
    let (b, _) = w.spawn(Pid::NONE, Behaviour::External, SpawnOpts::default());
    for (t_us, sends) in [(0, 3), (25_000, 5), (25_500, 1), (70_000, 2)] {
        w.advance_to(t_us);
        for _ in 0..sends {
            w.send(a, b, Msg::user(Term::Atom(otp_lab_sim::Atom::OK)));
        }
    }
    w.advance_to(100_000);
    let mut s = server.borrow_mut();
    s.sync();
    let id = s.metrics.id("messages").unwrap();
    let per_bucket: Vec<f64> = s
        .metrics
        .series(id, 0, 79_999, 10_000, Aggregation::Sum)
        .iter()
        .map(|p| p.value.unwrap_or(0.0))
        .collect();
    assert_eq!(
        per_bucket,
        vec![3.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 2.0],
        "sends per 10 ms bucket"
    );
    let spawns = s.metrics.id("spawns").unwrap();
    assert_eq!(s.metrics.aggregate(spawns, 0, 100_000).sum, 2.0);
    assert_eq!(s.totals()[..3], [2, 0, 11]);
}

#[test]
fn notes_and_events_feed_the_server_alike() {
    // The attached server hears reports and child starts as typed notes; a server fed
    // every event one by one must come to the same analytics.
    let json = r#"{"tree":{"id":"root","strategy":"rest_for_one","intensity":50,"period":1,"children":[
          {"id":"a"},{"id":"b"},
          {"id":"sub","kind":"supervisor","intensity":2,"period":5,"children":[{"id":"x"}]},
          {"id":"pool","kind":"supervisor","strategy":"simple_one_for_one","children":[{"id":"w","restart":"transient"}]}]},
        "faults":[{"every":70,"until":3000,"op":"kill","target":"root/a"},
                  {"every":450,"until":3000,"op":"kill","target":"root/sub/x"},
                  {"every":230,"until":3000,"op":"crash","target":"root/b","reason":"boom"}],
        "steps":[{"op":"start_child","sup":"root/pool","args":"w1"},
                 {"op":"start_child","sup":"root/pool","args":"w2"},
                 {"op":"crash","target":"root/pool/w1","reason":"oops"},
                 {"op":"sleep","ms":3500}]}"#;
    let scn = scenario::parse(json).unwrap();
    let mut attached = None;
    let by_events = Rc::new(RefCell::new(Server::new(Settings::default())));
    let e = by_events.clone();
    let (out, world) = runner::run_world(&scn, Config::default(), |w| {
        attached = Some(otp_lab_analytics::attach_server(w, Settings::default()));
        w.telemetry
            .attach_many(
                "by-events",
                &otp_lab_sim::event::EventKind::ALL,
                move |ev| e.borrow_mut().on_event(ev),
            )
            .unwrap();
    })
    .unwrap();
    let (a, b) = (attached.unwrap(), by_events);
    let (mut a, mut b) = (a.borrow_mut(), b.borrow_mut());
    let end = out.end_us;
    let snap = |s: &mut Server| {
        otp_lab_analytics::export::Snapshot::take_all(s, &world, end, 1_000_000)
            .to_json()
            .to_string()
    };
    let (sa, sb) = (snap(&mut a), snap(&mut b));
    assert!(sa.contains("\"restart_history\""), "{sa}");
    assert!(a.restarts.stats("root").unwrap().restarts > 40);
    assert_eq!(sa, sb);
    assert_eq!(a.patterns.found, b.patterns.found);
    assert_eq!(a.totals()[3..], b.totals()[3..], "restarts and failures");
}

#[test]
fn rows_stay_in_time_order_when_queries_sync_in_the_middle_of_a_bucket() {
    // The UI syncs the server on every frame: a bucket's counts, recorded at the bucket's
    // start, then follow recovery times recorded later in the same bucket. Windowed
    // queries search the time column, so it must stay sorted.
    let json = r#"{"tree":{"id":"root","intensity":100000,"period":1,"children":[{"id":"a"},{"id":"b"}]},
        "faults":[{"every":3,"until":200,"op":"kill","target":"root/a"}],
        "steps":[{"op":"sleep","ms":250}]}"#;
    let scn = scenario::parse(json).unwrap();
    let mut attached = None;
    runner::run_world(&scn, Config::default(), |w| {
        let s = otp_lab_analytics::attach_server(w, Settings::default());
        let q = s.clone();
        w.telemetry
            .attach_clock("query", move |_| q.borrow_mut().sync())
            .unwrap();
        attached = Some(s);
    })
    .unwrap();
    let s = attached.unwrap();
    let mut s = s.borrow_mut();
    s.sync();
    let (t, _, _) = s.metrics.columns();
    let recovery = s.metrics.id("recovery_time_us").unwrap();
    assert!(s.metrics.total(recovery).count >= 60, "restarts happened");
    let behind = t.windows(2).filter(|p| p[1] < p[0]).count();
    assert_eq!(behind, 0, "rows recorded before an older one: {t:?}");
}

/// The fields alert rules may watch are the dashboard's, every one of them (a run with
/// a restart, so the recovery times are there too).
#[test]
fn dashboard_fields_are_the_dashboards() {
    use otp_lab_analytics::server::DASHBOARD_FIELDS;
    let (server, _, end) = run(
        FLAT,
        r#"{"at":100,"op":"kill","target":"root/a"}"#,
        2000,
        |_| {},
    );
    let d = server.borrow_mut().dashboard(end, 10_000_000);
    let keys: Vec<&str> = d.keys().map(String::as_str).collect();
    assert_eq!(keys, DASHBOARD_FIELDS);
}
