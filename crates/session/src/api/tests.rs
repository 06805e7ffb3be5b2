//! Every call of the API on the demo tree: a good call and its answer, and mistakes
//! named with the call and the argument.

use super::*;
use serde_json::json;

fn poll(api: &mut Api, s: &Session) -> Vec<Value> {
    api.feed
        .poll(s)
        .into_iter()
        .map(|(kind, text)| {
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["kind"], kind);
            v
        })
        .collect()
}

fn lab() -> (Api, Session) {
    (
        Api::default(),
        Session::new(Experiment::preset("demo", 1)).unwrap(),
    )
}

fn ok(api: &mut Api, s: &mut Session, call: &str, args: Value) -> Value {
    let a = api.call(s, call, &args);
    let text = a.result.unwrap_or_else(|e| panic!("{call}({args}): {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{call}: {e}: {text}"))
}

fn err(api: &mut Api, s: &mut Session, call: &str, args: Value) -> String {
    match api.call(s, call, &args).result {
        Ok(v) => panic!("{call}({args}) answered {v}"),
        Err(e) => e,
    }
}

#[test]
fn every_call_is_listed_once() {
    for (i, c) in CALLS.iter().enumerate() {
        assert!(!CALLS[..i].contains(c), "{c} twice");
    }
}

#[test]
fn reads_answer_from_what_the_page_shows() {
    let (mut api, mut s) = lab();
    let st = ok(&mut api, &mut s, "status", Value::Null);
    assert_eq!(
        (st["source"].as_str(), st["live"].as_bool()),
        (Some("demo"), Some(true))
    );
    let ps = ok(&mut api, &mut s, "processes", json!({}));
    assert!(ps["total"].as_u64().unwrap() >= 5, "{ps}");
    let page = ok(
        &mut api,
        &mut s,
        "processes",
        json!({"filter": "counter", "limit": 1, "offset": 1}),
    );
    assert_eq!(page["total"], 2);
    assert_eq!(page["processes"][0]["path"], "demo/counter_2", "{page}");
    let p = ok(
        &mut api,
        &mut s,
        "process",
        json!({"pid": "demo/counter_1"}),
    );
    assert_eq!(p["path"], "demo/counter_1");
    let pid = p["pid"].as_str().unwrap().to_string();
    assert_eq!(
        ok(&mut api, &mut s, "state", json!({"pid": pid}))["state"],
        "0"
    );
    let m = ok(&mut api, &mut s, "messages", json!({"pid": "demo/printer"}));
    assert_eq!(m["message_queue_len"], 0, "{m}");
    let sups = ok(&mut api, &mut s, "supervisors", json!({}));
    assert_eq!(sups["supervisors"][0]["path"], "demo");
    let sup = ok(&mut api, &mut s, "supervisor", json!({"name": ":demo"}));
    assert_eq!(sup["strategy"], "one_for_one", "{sup}");
    let kids = ok(&mut api, &mut s, "children", json!({"name": "demo"}));
    assert_eq!(kids.as_array().unwrap().len(), 3, "{kids}");
    assert_eq!(kids[0]["type"], "worker");
    let g = ok(&mut api, &mut s, "graph", json!({}));
    assert!(
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "child"),
        "{g}"
    );
    let h = ok(&mut api, &mut s, "health", json!({}));
    assert_eq!(h["overall_status"], "healthy", "{h}");
    assert_eq!(ok(&mut api, &mut s, "anomalies", json!({})), json!([]));
    assert_eq!(ok(&mut api, &mut s, "patterns", json!({})), json!([]));
    let metrics = ok(
        &mut api,
        &mut s,
        "metrics",
        json!({"metric": "restarts", "range": "all"}),
    );
    assert!(metrics.is_object(), "{metrics}");
    let e = ok(&mut api, &mut s, "export", json!({"format": "prometheus"}));
    assert!(
        e["text"].as_str().unwrap().contains("# TYPE otp_lab_"),
        "{e}"
    );
    assert_eq!(e["file_name"], "otp-lab-metrics.prom");
    let an = ok(
        &mut api,
        &mut s,
        "analytics",
        json!({"name": "demo", "window_ms": 10_000}),
    );
    assert_eq!(an["restarts"], 0, "{an}");
}

#[test]
fn actions_run_as_console_lines_and_are_recorded() {
    let (mut api, mut s) = lab();
    let a = api.call(&mut s, "kill", &json!({"pid": "demo/counter_1"}));
    assert_eq!(a.result.as_deref(), Ok("true"));
    assert_eq!(
        a.effect,
        Effect::Line(
            "Process.exit(\"demo/counter_1\", :kill)".into(),
            "true".into()
        )
    );
    assert_eq!(s.experiment().actions.len(), 1);
    ok(&mut api, &mut s, "run", json!({"ms": 100}));
    let an = ok(&mut api, &mut s, "analytics", json!({"name": "demo"}));
    assert_eq!(an["restarts"], 1, "{an}");
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "call",
            json!({"pid": "demo/counter_2", "message": ":increment"})
        ),
        json!(1)
    );
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "cast",
            json!({"pid": "demo/counter_2", "message": "increment"})
        ),
        json!("ok")
    );
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "send",
            json!({"pid": "demo/printer", "message": "{:print, \"hi\"}"})
        ),
        json!(["print", "hi"])
    );
    ok(&mut api, &mut s, "run", json!({"ms": 10}));
    assert_eq!(
        ok(&mut api, &mut s, "state", json!({"pid": "demo/counter_2"}))["state"],
        "2"
    );
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "exit",
            json!({"pid": "demo/counter_2", "reason": ":boom"})
        ),
        json!(true)
    );
    assert_eq!(
        ok(&mut api, &mut s, "crash", json!({"pid": "demo/printer"})),
        json!("ok")
    );
    // the child API
    let pid = ok(
        &mut api,
        &mut s,
        "startChild",
        json!({"supervisor": "demo", "id": "w4"}),
    );
    assert!(pid.as_str().unwrap().starts_with("<0."), "{pid}");
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "terminateChild",
            json!({"supervisor": "demo", "child": "w4"})
        ),
        json!("ok")
    );
    assert!(ok(
        &mut api,
        &mut s,
        "restartChild",
        json!({"supervisor": "demo", "child": "w4"})
    )
    .is_string());
    ok(
        &mut api,
        &mut s,
        "terminateChild",
        json!({"supervisor": "demo", "child": "w4"}),
    );
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "deleteChild",
            json!({"supervisor": "demo", "child": "w4"})
        ),
        json!("ok")
    );
    // {error, not_found} is an error naming the call
    let e = err(
        &mut api,
        &mut s,
        "deleteChild",
        json!({"supervisor": "demo", "child": "w4"}),
    );
    assert_eq!(e, "deleteChild: {error, not_found}");
    // what OTP Lab adds
    assert_eq!(
        ok(&mut api, &mut s, "pause", json!({"supervisor": "demo"})),
        json!("ok")
    );
    assert_eq!(
        ok(&mut api, &mut s, "resume", json!({"supervisor": "demo"})),
        json!("ok")
    );
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "changeStrategy",
            json!({"supervisor": "demo", "strategy": "one_for_all"})
        ),
        json!("ok")
    );
    assert_eq!(
        ok(
            &mut api,
            &mut s,
            "changeIntensity",
            json!({"supervisor": "demo", "intensity": 9, "period": 2})
        ),
        json!("ok")
    );
    let sup = ok(&mut api, &mut s, "supervisor", json!({"name": "demo"}));
    assert_eq!(
        (sup["strategy"].as_str(), &sup["intensity"]["intensity"]),
        (Some("one_for_all"), &json!(9)),
        "{sup}"
    );
    let out = ok(
        &mut api,
        &mut s,
        "console",
        json!({"line": "Supervisor.count_children(:demo)"}),
    );
    assert!(out["output"].as_str().unwrap().contains("workers"), "{out}");
    // every action is a line of the experiment: a replay gives the same run
    let replayed = Session::new(s.experiment().clone()).unwrap();
    assert!(s.experiment().actions.len() >= 15);
    assert_eq!(replayed.live().lab.tree(), s.live().lab.tree());
}

#[test]
fn the_clock_moves_and_a_fault_script_restarts_the_experiment() {
    let (mut api, mut s) = lab();
    // the demo's tree takes 14 ms to start (its workers' init/1)
    let st = ok(&mut api, &mut s, "run", json!({"ms": 2000}));
    assert_eq!(st["head_us"], 2_014_000);
    let st = ok(&mut api, &mut s, "seek", json!({"at_ms": 500}));
    assert_eq!(
        (st["at_us"].as_u64(), st["live"].as_bool()),
        (Some(500_000), Some(false))
    );
    let st = ok(&mut api, &mut s, "live", json!({}));
    assert_eq!(st["at_us"], 2_014_000);
    let st = ok(
        &mut api,
        &mut s,
        "play",
        json!({"playing": false, "speed": 10}),
    );
    assert_eq!(
        (st["playing"].as_bool(), st["speed"].as_f64()),
        (Some(false), Some(10.0))
    );
    let a = api.call(
        &mut s,
        "faults",
        &json!({"script": [{"at": 100, "op": "kill", "target": "demo/counter_1"}]}),
    );
    assert_eq!(a.effect, Effect::Reloaded);
    // from the start again: the tree started (14 ms of inits), the script's kill ahead
    assert!(a.result.unwrap().starts_with("{\"at_us\":14000,"));
    ok(&mut api, &mut s, "run", json!({"ms": 200}));
    assert_eq!(
        ok(&mut api, &mut s, "analytics", json!({"name": "demo"}))["restarts"],
        1
    );
    let e = err(
        &mut api,
        &mut s,
        "faults",
        json!({"script": [{"at": 100, "op": "explode", "target": "demo/x"}]}),
    );
    assert!(
        e.starts_with("faults: argument \"script\" is not a valid fault script: "),
        "{e}"
    );
}

#[test]
fn mistakes_name_the_call_and_the_argument_and_change_nothing() {
    let (mut api, mut s) = lab();
    let cases = [
        (
            "nosuch",
            json!({}),
            "unknown call \"nosuch\" (the calls: status, processes",
        ),
        ("kill", json!({}), "kill: argument \"pid\" is missing"),
        (
            "kill",
            json!({"pid": 5}),
            "kill: argument \"pid\" must be a string, not a number",
        ),
        (
            "kill",
            json!({"pid": "demo/nosuch"}),
            "kill: no live process at demo/nosuch",
        ),
        (
            "kill",
            json!({"pid": "<0.x.0>"}),
            "kill: argument \"pid\" is not a pid like \"<0.84.0>\": \"<0.x.0>\"",
        ),
        (
            "kill",
            json!({"pid": "demo/counter_1", "why": 1}),
            "kill: unknown argument \"why\" (it takes pid)",
        ),
        (
            "kill",
            json!("demo"),
            "kill: the arguments must be an object",
        ),
        (
            "send",
            json!({"pid": "demo/printer", "message": "{unclosed"}),
            "send: argument \"message\" is not an Erlang term",
        ),
        (
            "process",
            json!({"pid": "demo/nosuch"}),
            "process: argument \"pid\" names no live process: \"demo/nosuch\" at 14000 us",
        ),
        (
            "supervisor",
            json!({"name": "demo/counter_1"}),
            "supervisor: argument \"name\" names no supervisor: \"demo/counter_1\"",
        ),
        (
            "metrics",
            json!({"metric": "restarts", "range": "forever"}),
            "metrics: argument \"range\" must be one of last_10_seconds",
        ),
        (
            "export",
            json!({"format": "xml"}),
            "export: argument \"format\" must be one of json, prometheus",
        ),
        (
            "run",
            json!({"ms": 99_999_999}),
            "run: argument \"ms\" must be a whole number from 0 to 3600000",
        ),
        (
            "run",
            json!({"ms": -5}),
            "run: argument \"ms\" must be a whole number",
        ),
        (
            "play",
            json!({"speed": 0}),
            "play: argument \"speed\" must be a number above 0",
        ),
        (
            "changeStrategy",
            json!({"supervisor": "demo", "strategy": "simple_one_for_one"}),
            "changeStrategy: argument \"strategy\" must be one_for_one",
        ),
        (
            "changeIntensity",
            json!({"supervisor": "demo", "intensity": 1, "period": 0}),
            "changeIntensity: argument \"period\" must be at least 1",
        ),
        (
            "startChild",
            json!({"supervisor": "demo", "id": "x", "behaviour": "rocket"}),
            "startChild: argument \"behaviour\" must be counter, printer or worker",
        ),
        (
            "faults",
            json!({"script": {"at": 1}}),
            "faults: argument \"script\" must be an array of faults",
        ),
        (
            "console",
            json!({"line": "Supervisor.wich_children(:demo)"}),
            "console: ",
        ),
        (
            "status",
            json!({"sandbox": 7}),
            "status: argument \"sandbox\" names no sandbox (7)",
        ),
        (
            "destroySandbox",
            json!({"id": 3}),
            "destroySandbox: argument \"id\" names no sandbox (3)",
        ),
        (
            "createSandbox",
            json!({"preset": "nope"}),
            "createSandbox: argument \"preset\" must be a preset's id, not \"nope\"",
        ),
    ];
    for (call, args, want) in cases {
        let before = s.experiment().actions.len();
        let e = err(&mut api, &mut s, call, args.clone());
        assert!(e.starts_with(want), "{call}({args}): {e}");
        assert!(e.len() < 600, "{e}");
        if !e.starts_with("kill: no live process") {
            assert_eq!(
                s.experiment().actions.len(),
                before,
                "{call} recorded nothing"
            );
        }
    }
    // a huge or hostile name is quoted short
    let long = "x".repeat(100_000);
    let e = err(&mut api, &mut s, &long, json!({}));
    assert!(e.len() < 1000, "{}", e.len());
}

#[test]
fn sandboxes_are_labs_of_their_own() {
    let (mut api, mut s) = lab();
    let id = ok(
        &mut api,
        &mut s,
        "createSandbox",
        json!({"preset": "restart_storm", "seed": 7}),
    )["id"]
        .clone();
    assert_eq!(
        ok(&mut api, &mut s, "status", json!({"sandbox": id}))["source"],
        "restart_storm"
    );
    ok(&mut api, &mut s, "run", json!({"sandbox": id, "ms": 5000}));
    let sb = ok(&mut api, &mut s, "sandboxes", json!({}));
    assert_eq!(
        (sb[0]["id"].clone(), sb[0]["head_us"].as_u64()),
        // 5 s after the storm's tree started (four inits of 10 ms)
        (id.clone(), Some(5_040_000))
    );
    // the main lab did not move
    assert_eq!(ok(&mut api, &mut s, "status", json!({}))["head_us"], 14_000);
    let a = api.call(&mut s, "kill", &json!({"sandbox": id, "pid": "root/w1"}));
    assert_eq!(
        a.effect,
        Effect::None,
        "the page's transcript is the main lab's"
    );
    ok(&mut api, &mut s, "restartSandbox", json!({"id": id}));
    assert_eq!(
        ok(&mut api, &mut s, "status", json!({"sandbox": id}))["head_us"],
        40_000,
        "back to its start: the tree just started"
    );
    assert_eq!(
        ok(&mut api, &mut s, "destroySandbox", json!({"id": id})),
        json!("ok")
    );
    assert_eq!(ok(&mut api, &mut s, "sandboxes", json!({})), json!([]));
}

#[test]
fn subscriptions_hear_restarts_patterns_alerts_and_traced_messages() {
    let mut api = Api::default();
    let mut s = Session::new(Experiment::preset("restart_storm", 7)).unwrap();
    assert!(poll(&mut api, &s).is_empty());
    ok(&mut api, &mut s, "trace", json!({"pid": "root/w1"}));
    assert!(poll(&mut api, &s).is_empty());
    ok(
        &mut api,
        &mut s,
        "send",
        json!({"pid": "root/w1", "message": ":hello"}),
    );
    ok(&mut api, &mut s, "run", json!({"ms": 1}));
    let first = poll(&mut api, &s);
    assert!(
        first
            .iter()
            .any(|e| e["kind"] == "message" && e["term"] == "hello"),
        "{first:?}"
    );
    // each event once; nothing after the trace stops
    assert!(poll(&mut api, &s).is_empty());
    ok(
        &mut api,
        &mut s,
        "trace",
        json!({"pid": "root/w1", "on": false}),
    );
    ok(
        &mut api,
        &mut s,
        "send",
        json!({"pid": "root/w1", "message": ":again"}),
    );
    ok(&mut api, &mut s, "run", json!({"ms": 1}));
    assert!(!poll(&mut api, &s).iter().any(|e| e["kind"] == "message"));
    ok(&mut api, &mut s, "run", json!({"ms": 4000}));
    let events = poll(&mut api, &s);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for k in ["restart", "pattern", "alert"] {
        assert!(kinds.contains(&k), "{k}: {kinds:?}");
    }
}

/// The calls the page's tests make (tests/api/calls.json): every call answers on the demo
/// tree, every listed mistake is refused with its message, and the list names every call.
#[test]
fn the_shared_call_list_answers_natively() {
    let fixture: Value =
        serde_json::from_str(include_str!("../../../../tests/api/calls.json")).unwrap();
    let (mut api, mut s) = lab();
    let mut seen = std::collections::BTreeSet::new();
    for c in fixture["calls"].as_array().unwrap() {
        let call = c[0].as_str().unwrap();
        seen.insert(call);
        ok(&mut api, &mut s, call, c[1].clone());
    }
    for name in CALLS {
        assert!(
            seen.contains(name),
            "tests/api/calls.json leaves out {name}"
        );
    }
    for m in fixture["mistakes"].as_array().unwrap() {
        let (call, piece) = (m[0].as_str().unwrap(), m[2].as_str().unwrap());
        let e = err(&mut api, &mut s, call, m[1].clone());
        assert!(e.contains(piece), "{call}: {e:?} does not say {piece:?}");
    }
}
