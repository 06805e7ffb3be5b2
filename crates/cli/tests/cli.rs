//! The `otp-lab` binary end to end: valid scenarios print traces; every kind of bad input
//! gives exit status 2 and exactly one stderr line that names the problem and where —
//! never a panic, never a hang.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_otp-lab"))
}

fn run_file(contents: &[u8]) -> Output {
    let dir = std::env::temp_dir().join(format!("otp-lab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("s{}.json", rand_suffix()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents)
        .unwrap();
    let out = run(&["trace", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    out
}

/// A scenario file of its own in a temporary folder, removed with the value.
struct ScenarioFile {
    dir: PathBuf,
    path: PathBuf,
}

impl ScenarioFile {
    fn new(tag: &str, contents: &str) -> ScenarioFile {
        let dir = std::env::temp_dir().join(format!("otp-lab-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("scenario.json");
        std::fs::write(&path, contents).unwrap();
        ScenarioFile { dir, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

impl Drop for ScenarioFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn run(args: &[&str]) -> Output {
    let start = Instant::now();
    let out = Command::new(bin()).args(args).output().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "otp-lab {args:?} took {:?}",
        start.elapsed()
    );
    out
}

/// Asserts a clean rejection and returns the stderr line.
fn rejected(contents: &str) -> String {
    let out = run_file(contents.as_bytes());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2 for {contents:.200}\nstderr: {err}"
    );
    assert!(out.stdout.is_empty(), "nothing on stdout for bad input");
    assert_eq!(
        err.lines().count(),
        1,
        "exactly one stderr line, got: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

const TREE: &str =
    r#""tree":{"id":"root","kind":"supervisor","children":[{"id":"a","kind":"worker"}]}"#;

#[test]
fn a_valid_scenario_prints_its_trace() {
    let out = run_file(
        format!(r#"{{{TREE},"steps":[{{"op":"exit","target":"root/a","reason":"kill"}}]}}"#)
            .as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.starts_with("step 0 start_link root\nstart root\nstart root/a\n"),
        "{s}"
    );
    assert!(
        s.contains("report child_terminated root root/a killed\n"),
        "{s}"
    );
}

#[test]
fn bad_json_names_line_and_column() {
    let e = rejected("{\"tree\": {\"id\": \"root\",, }");
    assert!(e.contains("invalid JSON at line 1 column"), "{e}");
}

#[test]
fn unknown_op_and_key_are_named_with_their_path() {
    let e = rejected(&format!(
        r#"{{{TREE},"steps":[{{"op":"explode","target":"root/a"}}]}}"#
    ));
    assert!(e.contains("$.steps[0].op") && e.contains("explode"), "{e}");
    let e = rejected(&format!(
        r#"{{{TREE},"steps":[{{"op":"exit","target":"root/a","reason":"kill","colour":"red"}}]}}"#
    ));
    assert!(e.contains("$.steps[0].colour: unknown key"), "{e}");
    let e = rejected(r#"{"tree":{"id":"root","children":[{"id":"a","flavour":1}]}}"#);
    assert!(e.contains("$.tree.children[0].flavour"), "{e}");
    let e = rejected(r#"{"tree":{"id":"root"},"bogus":1}"#);
    assert!(e.contains("$.bogus"), "{e}");
}

#[test]
fn unknown_targets_are_rejected() {
    let e = rejected(&format!(
        r#"{{{TREE},"steps":[{{"op":"exit","target":"root/zz","reason":"kill"}}]}}"#
    ));
    assert!(
        e.contains("$.steps[0].target") && e.contains("root/zz"),
        "{e}"
    );
    let e = rejected(&format!(
        r#"{{{TREE},"steps":[{{"op":"which_children","sup":"root/a"}}]}}"#
    ));
    assert!(e.contains("not a supervisor"), "{e}");
    let e = rejected(r#"{"family":"raw","steps":[{"op":"link","by":"p1","to":"p2"}]}"#);
    assert!(e.contains("$.steps[0].by") && e.contains("p1"), "{e}");
}

#[test]
fn wrong_value_types_are_rejected() {
    let e = rejected(r#"{"tree":{"id":"root","intensity":"three"}}"#);
    assert!(
        e.contains("$.tree.intensity") && e.contains("integer"),
        "{e}"
    );
    let e = rejected(r#"{"tree":{"id":"root","children":[{"id":"a","trap_exit":"yes"}]}}"#);
    assert!(e.contains("trap_exit"), "{e}");
    let e = rejected(&format!(
        r#"{{{TREE},"steps":[{{"op":"exit","target":"root/a","reason":"{{unclosed"}}]}}"#
    ));
    assert!(e.contains("reason") && e.contains("Erlang term"), "{e}");
    let e = rejected(r#"{"tree":{"id":"root","strategy":"one_for_some"}}"#);
    assert!(e.contains("strategy"), "{e}");
    let e = rejected(r#"[1,2,3]"#);
    assert!(e.contains("expected an object"), "{e}");
    let e = rejected(r#"{"tree":{"id":"root","children":[{"id":"a","init":["ok","maybe"]}]}}"#);
    assert!(e.contains("init[1]"), "{e}");
}

#[test]
fn duplicate_child_ids_are_rejected() {
    let e = rejected(r#"{"tree":{"id":"root","children":[{"id":"a"},{"id":"b"},{"id":"a"}]}}"#);
    assert!(
        e.contains("$.tree.children[2].id") && e.contains("duplicate"),
        "{e}"
    );
}

#[test]
fn absurd_sizes_are_rejected() {
    let e = rejected(r#"{"tree":{"id":"root","intensity":1000000000000}}"#);
    assert!(e.contains("too large"), "{e}");
    let e = rejected(&format!(
        r#"{{{TREE},"steps":[{{"op":"sleep","ms":99999999999999}}]}}"#
    ));
    assert!(e.contains("too large"), "{e}");
    let mut deep = String::from(r#"{"tree":"#);
    for i in 0..40 {
        deep.push_str(&format!(
            r#"{{"id":"s{i}","kind":"supervisor","children":["#
        ));
    }
    deep.push_str(&"]}".repeat(40));
    deep.push('}');
    let e = rejected(&deep);
    assert!(e.contains("deeper than"), "{e}");
    let steps = vec![r#"{"op":"sleep","ms":1}"#; 100_001].join(",");
    let e = rejected(&format!(r#"{{{TREE},"steps":[{steps}]}}"#));
    assert!(e.contains("steps") && e.contains("allowed"), "{e}");
    let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(5 << 20));
    let e = rejected(&big);
    assert!(e.contains("allowed"), "{e}");
    let e = rejected(&format!(
        r#"{{"tree":{{"id":"root","children":[{{"id":"{}"}}]}}}}"#,
        "a".repeat(300)
    ));
    assert!(e.contains("longer than"), "{e}");
}

#[test]
fn names_with_slashes_or_spaces_are_rejected() {
    let e = rejected(r#"{"tree":{"id":"root","children":[{"id":"a/b"}]}}"#);
    assert!(e.contains("'/'"), "{e}");
}

#[test]
fn an_endless_run_is_reported_not_hung() {
    // A fault every millisecond for a virtual month: far too much work for one run.
    let e = rejected(&format!(
        r#"{{{TREE},"faults":[{{"every":1,"op":"kill","target":"root/a"}}],"steps":[{{"op":"sleep","ms":999999999}}]}}"#
    ));
    assert!(e.contains("events"), "{e}");
}

#[test]
fn missing_file_non_utf8_and_usage() {
    let out = run(&["trace", "/nonexistent/x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let out = run_file(&[0xff, 0xfe, 0x00]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}

#[test]
fn metrics_prints_every_format_and_rejects_bad_ones() {
    let file = ScenarioFile::new(
        "metrics",
        &format!(r#"{{{TREE},"steps":[{{"op":"exit","target":"root/a","reason":"kill"}}]}}"#),
    );
    let p = file.path();
    let out = run(&["metrics", p, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = &v["supervisors"][0];
    assert_eq!(root["path"], "root");
    assert_eq!(root["restarts"], 1);
    assert_eq!(root["restart_history"][0]["child"], "root/a");
    assert_eq!(root["restart_history"][0]["reason"], "killed");
    assert!(root["restart_history"][0]["t_us"].is_u64());
    assert!(root["failure_rate_per_s"].is_f64());
    // the default intensity is 3 restarts in 5 s: one is used
    assert_eq!(root["intensity_budget"], 2);
    assert_eq!(
        v["patterns"],
        serde_json::json!([]),
        "one kill is no pattern"
    );
    // four kills within the period: root gives up, which the patterns name
    let kill = r#"{"op":"exit","target":"root/a","reason":"kill"}"#;
    let gave_up = ScenarioFile::new(
        "metrics-gave-up",
        &format!(r#"{{{TREE},"steps":[{kill},{kill},{kill},{kill}]}}"#),
    );
    let out = run(&["metrics", gave_up.path(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let escalation = v["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["escalated"] == true)
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(
        escalation["description"],
        "Escalation: root gave up after root/a failed (restart intensity reached); it was the root, so the whole tree is down"
    );
    assert_eq!(v["supervisors"][0]["intensity_budget"], 0);
    let prom = String::from_utf8(run(&["metrics", p, "--format", "prometheus"]).stdout).unwrap();
    assert!(prom.contains("otp_lab_supervisor_restarts_total{supervisor=\"root\"} 1"));
    let csv = String::from_utf8(run(&["metrics", p, "--format", "csv"]).stdout).unwrap();
    assert!(csv.starts_with("path,restarts"));
    let statsd = String::from_utf8(run(&["metrics", p, "--format", "statsd"]).stdout).unwrap();
    assert!(statsd.contains("|c\n"));
    let bad = run(&["metrics", p, "--format", "xml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&bad.stderr).lines().count(), 1);
    let e = rejected("{\"tree\": 3}");
    assert!(e.contains("$.tree"), "{e}");
}

#[test]
fn metrics_take_a_window_and_one_supervisor() {
    let kill = r#"{"op":"exit","target":"root/a","reason":"kill"}"#;
    let sleep = r#"{"op":"sleep","ms":2000}"#;
    let file = ScenarioFile::new(
        "window",
        &format!(r#"{{{TREE},"steps":[{kill},{sleep},{kill},{sleep},{kill},{sleep}]}}"#),
    );
    let p = file.path();
    let json = |args: &[&str]| -> serde_json::Value {
        let out = run(&[&["metrics", p][..], args].concat());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let all = json(&[]);
    assert_eq!(
        all["supervisors"][0]["restart_history"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // the second kill alone: from 1 s to 3 s
    let mid = json(&["--from", "1s", "--to", "3000ms", "--supervisor", "root"]);
    let history = mid["supervisors"][0]["restart_history"].as_array().unwrap();
    assert_eq!(history.len(), 1, "{mid:#}");
    let restart = &history[0];
    assert_ne!(restart["old_pid"], restart["new_pid"]);
    assert_eq!(
        restart["restart_in_window"], 2,
        "the first kill is 2 s old: inside 5 s"
    );
    assert_eq!(mid["supervisor"]["restarts"], 1);
    assert_eq!(mid["supervisor"]["from_us"], 1_000_000);
    assert_eq!(mid["supervisor"]["to_us"], 3_000_000);
    let csv = run(&["metrics", p, "--format", "history", "--from", "1s"]);
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.starts_with("supervisor,t_us,child,reason,cause,old_pid,new_pid"));
    assert_eq!(text.lines().count(), 3, "{text}");
    for (args, why) in [
        (&["--from", "5"][..], "give a unit"),
        (&["--from", "2s", "--to", "1s"], "before --to"),
        (&["--to", "1h"], "after the run's end"),
        (&["--supervisor", "root/nope"], "unknown supervisor"),
        (&["--from"], "needs a value"),
        (&["--window", "1s"], "unknown option"),
    ] {
        let out = run(&[&["metrics", p][..], args].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            err.contains(why) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

/// A scenario with neither a tree nor `"family": "raw"` is refused, not run as nothing.
#[test]
fn a_scenario_of_no_family_is_refused() {
    let err = rejected(r#"{"name":"x","steps":[]}"#);
    assert!(err.contains("needs a \"tree\""), "{err}");
    let err = rejected(r#"{"name":"x"}"#);
    assert!(err.contains("needs a \"tree\""), "{err}");
}

#[test]
fn inspect_answers_the_read_queries_at_an_instant() {
    // a kill at 0 (a step) and another at 2 s (the fault script)
    let file = ScenarioFile::new(
        "inspect",
        r#"{"tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":10,"children":[
            {"id":"a"},{"id":"b","behaviour":"counter"}]},
            "steps":[{"op":"exit","target":"root/a","reason":"kill"}],
            "faults":[{"at":2000,"op":"kill","target":"root/b"}]}"#,
    );
    let p = file.path();
    let json = |args: &[&str]| -> serde_json::Value {
        let out = run(&[&["inspect", p], args].concat());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // every process, the shell included, in pid order
    let ps = json(&["processes"]);
    assert_eq!(ps["at_us"], 0);
    let paths: Vec<&str> = ps["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["shell", "root", "root/b", "root/a"],
        "root/a restarted last"
    );
    // the supervisor before and after the fault script's kill
    let before = &json(&["--at", "1s", "supervisors"])["supervisors"][0];
    assert_eq!(before["child_restarts"], 1);
    assert_eq!(before["children"], serde_json::json!(["root/a", "root/b"]));
    assert_eq!(before["intensity"]["used"], 1);
    let after = &json(&["--at", "3s", "supervisors"])["supervisors"][0];
    assert_eq!(after["child_restarts"], 2);
    assert_eq!(after["intensity"]["used"], 2);
    assert_eq!(after["strategy"], "one_for_one");
    // the graph: parent edges and links
    let g = json(&["graph"]);
    let edges = g["edges"].as_array().unwrap();
    for (kind, from, to) in [("child", "root", "root/a"), ("link", "root", "root/b")] {
        assert!(
            edges
                .iter()
                .any(|e| e["kind"] == kind && e["from"] == from && e["to"] == to),
            "{kind} {from} -> {to} in {edges:?}"
        );
    }
    // one process, by path and by pid
    let b = json(&["--at", "3s", "process", "root/b"]);
    assert_eq!(b["process"]["behaviour"], "gen_server (counter)");
    assert_eq!(b["process"]["state"], "0");
    let pid = b["process"]["pid"].as_str().unwrap().to_string();
    assert_eq!(
        json(&["--at", "3s", "process", &pid])["process"]["path"],
        "root/b"
    );
    // mistakes: exit 2 and one line
    for (args, says) in [
        (vec!["nodes"], "unknown query"),
        (vec!["process"], "needs a path"),
        (vec!["process", "root/zz"], "no live process"),
        (vec!["--at", "5x", "graph"], "unknown unit"),
        (vec!["--at"], "needs a value"),
    ] {
        let out = run(&[&["inspect", p], args.as_slice()].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

#[test]
fn api_answers_the_calls_in_order_and_stops_at_a_mistake() {
    let file = ScenarioFile::new(
        "api",
        r#"{"tree":{"id":"demo","strategy":"one_for_one","intensity":3,"period":5,"children":[
            {"id":"counter_1","behaviour":"counter"},{"id":"counter_2","behaviour":"counter"}]}}"#,
    );
    let p = file.path();
    let out = run(&[
        "api",
        p,
        "kill",
        r#"{"pid":"demo/counter_1"}"#,
        "run",
        r#"{"ms":100}"#,
        "analytics",
        r#"{"name":"demo"}"#,
        "status",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], serde_json::json!(true));
    assert_eq!(lines[1]["head_us"], 100_000);
    assert_eq!(lines[2]["restarts"], 1);
    assert_eq!(lines[2]["restart_history"][0]["child"], "demo/counter_1");
    assert_eq!(lines[3]["source"], "scenario");
    // a mistake: exit 2, one line naming the call and the argument; nothing after it runs
    let out = run(&["api", p, "kill", r#"{"pid":5}"#, "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "otp-lab: kill: argument \"pid\" must be a string, not a number"
    );
    let out = run(&["api", p, "explode"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown call \"explode\""));
}
