//! Slow servers and their clients, against real OTP: a worker that takes virtual time per
//! request (`handle_delay`) and clients that call it with `gen_server:call/3`'s timeout
//! (`"behaviour": "client"`). The overload preset's figures were printed by OTP 25 running
//! `tests/oracle/programs/overload.erl`; the exit reasons are OTP's own.

use otp_lab_sim::event::{EventKind, ReportContext};
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;
use otp_lab_sim::Term;
use std::cell::RefCell;
use std::rc::Rc;

const OVERLOAD: &str = r#"{"name":"overload","tree":{"id":"root","strategy":"one_for_one","intensity":3,"period":5,"children":[
  {"id":"db","behaviour":"counter","name":"db","handle_delay":40},
  {"id":"ingest","behaviour":"client","to":"db","request":"increment","cast":true,"every":30},
  {"id":"api_sup","kind":"supervisor","strategy":"one_for_one","intensity":3,"period":5,"children":[
    {"id":"api","behaviour":"client","to":"db","request":"get","every":200,"call_timeout":500}]}]},
 "steps":[{"op":"sleep","ms":12000}]}"#;

/// A supervisor report: (ms, context, child label, reason).
type Report = (u64, String, String, String);

/// Every supervisor report of a run, and the world.
fn reports(json: &str) -> (Vec<Report>, otp_lab_sim::World) {
    let scn = scenario::parse(json).unwrap();
    let seen: Rc<RefCell<Vec<Report>>> = Rc::default();
    let s = seen.clone();
    let (_, world) = runner::run_world(&scn, Config::default(), move |w| {
        w.telemetry
            .attach_many("reports", &[EventKind::Report], move |e| {
                if let Some([Term::Binary(label), reason]) = e.term.as_tuple() {
                    let ctx = match ReportContext::from_code(e.info) {
                        Some(ReportContext::ChildTerminated) => "child_terminated",
                        Some(ReportContext::Shutdown) => "shutdown",
                        _ => "other",
                    };
                    s.borrow_mut().push((
                        e.time / 1000,
                        ctx.to_string(),
                        String::from_utf8_lossy(label).into_owned(),
                        reason.to_text(),
                    ));
                }
            })
            .unwrap();
    })
    .unwrap();
    let out = seen.borrow().clone();
    (out, world)
}

#[test]
fn an_overloaded_server_makes_its_callers_time_out_as_on_real_otp() {
    // OTP 25: (ms since the root started, report, child, reason), the first three rounds
    let timeout = "{timeout,{gen_server,call,[db,get,500]}}";
    let mut otp: Vec<(u64, &str, &str, &str)> = Vec::new();
    for start in [2129u64, 4953, 7761] {
        for k in 0..4 {
            otp.push((
                start + k * 702,
                "child_terminated",
                "root/api_sup/api",
                timeout,
            ));
        }
        let gave_up = start + 3 * 702;
        otp.push((
            gave_up,
            "shutdown",
            "root/api_sup/api",
            "reached_max_restart_intensity",
        ));
        otp.push((gave_up, "child_terminated", "root/api_sup", "shutdown"));
    }
    let (seen, world) = reports(OVERLOAD);
    assert!(seen.len() >= otp.len(), "{seen:#?}");
    for (s, o) in seen.iter().zip(&otp) {
        assert_eq!(
            (s.1.as_str(), s.2.as_str(), s.3.as_str()),
            (o.1, o.2, o.3),
            "{seen:#?}"
        );
        // real timers fire a little late (about 1 ms per tick): OTP drifts 2 ms a round
        assert!(
            s.0.abs_diff(o.0) <= 80,
            "at {} ms, OTP {} ms: {seen:#?}",
            s.0,
            o.0
        );
    }
    // db's mailbox at 12 s: 113 on OTP 25 (the casts and the timed-out calls pile up)
    let db = world.whereis(otp_lab_sim::atom::Atom::new("db")).unwrap();
    let queued = world.process(db).unwrap().queue.len();
    assert!((100..=130).contains(&queued), "{queued}");
}

#[test]
fn a_call_to_a_name_nobody_holds_exits_noproc_and_a_cast_does_nothing() {
    let (seen, _) = reports(
        r#"{"tree":{"id":"root","intensity":1,"period":1,"children":[
            {"id":"caster","behaviour":"client","to":"nosuch","cast":true,"every":10},
            {"id":"caller","behaviour":"client","to":"nosuch","request":"{get, 1}","every":100,"call_timeout":"infinity"}]},
           "steps":[{"op":"sleep","ms":150}]}"#,
    );
    assert_eq!(
        seen[0],
        (
            100,
            "child_terminated".into(),
            "root/caller".into(),
            "{noproc,{gen_server,call,[nosuch,{get,1},infinity]}}".into()
        ),
        "{seen:#?}"
    );
    assert!(seen.iter().all(|s| s.2 != "root/caster"), "{seen:#?}");
}

#[test]
fn a_callee_that_dies_mid_call_takes_its_caller_with_its_reason() {
    // db takes 1 s per request and is killed by an exit signal while api waits for it (a
    // {stop, Reason} cast would wait behind the request, as on OTP)
    let (seen, _) = reports(
        r#"{"tree":{"id":"root","intensity":5,"period":1,"children":[
            {"id":"db","behaviour":"counter","name":"db","handle_delay":1000},
            {"id":"api","behaviour":"client","to":"db","request":"get","every":10}]},
           "steps":[{"op":"sleep","ms":500},{"op":"exit","target":"root/db","reason":"boom"},
                    {"op":"sleep","ms":10}]}"#,
    );
    let texts: Vec<String> = seen
        .iter()
        .map(|s| format!("{} {} {}", s.1, s.2, s.3))
        .collect();
    assert_eq!(
        &texts[..2],
        [
            "child_terminated root/db boom",
            "child_terminated root/api {boom,{gen_server,call,[db,get,5000]}}"
        ],
        "{seen:#?}"
    );
}

#[test]
fn a_slow_server_replies_after_its_delay_and_a_patient_client_counts_the_replies() {
    let scn = scenario::parse(
        r#"{"tree":{"id":"root","children":[
            {"id":"db","behaviour":"counter","name":"db","handle_delay":40},
            {"id":"api","behaviour":"client","to":"db","request":"increment","every":60}]},
           "steps":[{"op":"sleep","ms":1000}]}"#,
    )
    .unwrap();
    let (out, world) = runner::run_world(&scn, Config::default(), |_| {}).unwrap();
    let api = world.whereis_path("root/api").unwrap();
    let state = world
        .process(api)
        .unwrap()
        .behaviour
        .as_server()
        .unwrap()
        .state_term();
    // a request 60 ms after the start and after each reply, each taking 40 ms: sent at
    // 60, 160, 260 … ms, answered at 100, 200, 300 … ms (the run ends on a 100 ms mark,
    // before that instant's timers fire)
    let t = out.end_us / 1000;
    assert!(t >= 1000 && t % 100 == 0, "{t}");
    let (sent, replied) = ((t - 60) / 100 + 1, t / 100 - 1);
    assert_eq!(
        state.to_text(),
        format!("{{calls,{sent},{replied},{replied}}}")
    );
}

#[test]
fn client_keys_are_checked() {
    for (json, want) in [
        (r#"{"id":"c","behaviour":"client","every":10}"#, "$.tree.children[0].to: a client needs the registered name it calls"),
        (r#"{"id":"c","behaviour":"client","to":"db"}"#, "$.tree.children[0].every: a client needs the milliseconds between its requests (at least 1)"),
        (r#"{"id":"c","behaviour":"client","to":"db","every":0}"#, "$.tree.children[0].every: a client needs the milliseconds between its requests (at least 1)"),
        (r#"{"id":"c","behaviour":"client","to":"db","every":5,"call_timeout":"soon"}"#, "$.tree.children[0].call_timeout: expected milliseconds or \"infinity\", found \"soon\""),
        (r#"{"id":"c","behaviour":"counter","to":"db"}"#, "$.tree.children[0].to: only a worker with \"behaviour\": \"client\" sends requests"),
        (r#"{"id":"c","behaviour":"courier"}"#, "$.tree.children[0].behaviour: unknown behaviour \"courier\" (generic, counter, printer or client)"),
    ] {
        let scn = format!(r#"{{"tree":{{"id":"root","children":[{json}]}},"steps":[]}}"#);
        let e = scenario::parse(&scn).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some(want), "{json}");
    }
}
