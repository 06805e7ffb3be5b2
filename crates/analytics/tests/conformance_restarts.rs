//! For every conformance scenario, the analytics' restart count of each supervisor equals
//! the restarts visible in its golden trace (recorded on real OTP): `start` lines of a
//! supervisor's children that are neither part of a supervisor's init nor the answer to a
//! `start_child`/`restart_child` call.

use otp_lab_analytics::restarts::DEFAULT_HISTORY;
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn parent(p: &str) -> Option<&str> {
    p.rfind('/').map(|i| &p[..i])
}

/// Restarts per supervisor path, read off a golden trace.
fn restarts_in_trace(trace: &str) -> BTreeMap<String, u64> {
    let lines: Vec<&str> = trace.lines().collect();
    // A path is a supervisor if some child of it ever starts.
    let sups: HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("start ").and_then(parent))
        .collect();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut initializing: Vec<String> = Vec::new();
    let mut api_target: Option<String> = None;
    // A supervisor's `start` line is its init beginning; if its parent then reports a
    // start_error about it, that restart attempt failed and does not count.
    let mut last_counted: BTreeMap<String, bool> = BTreeMap::new();
    for l in &lines {
        let mut parts = l.split(' ');
        let kind = parts.next().unwrap_or("");
        if kind == "step" {
            let _n = parts.next();
            let op = parts.next().unwrap_or("");
            let sup = parts.next().unwrap_or("");
            let arg = parts.next().unwrap_or("");
            api_target = match op {
                "start_child" | "restart_child" => Some(format!("{sup}/{arg}")),
                _ => None,
            };
            initializing.clear();
            continue;
        }
        let subject = parts.next().unwrap_or("");
        let under_init =
            |p: &str, init: &[String]| init.iter().any(|s| p.starts_with(&format!("{s}/")));
        let init_line = matches!(kind, "start" | "start_ignore" | "start_fail")
            || (kind == "report" && subject == "start_error");
        let about = if kind == "report" {
            parts.nth(1).unwrap_or("")
        } else {
            subject
        };
        if !(init_line && under_init(about, &initializing)) {
            initializing.clear();
        }
        if kind == "report" && subject == "start_error" {
            let mut rest = l.split(' ').skip(2);
            let (sup, child) = (rest.next().unwrap_or(""), rest.next().unwrap_or(""));
            if last_counted.remove(child) == Some(true) {
                if let Some(c) = counts.get_mut(sup) {
                    *c -= 1;
                }
            }
        }
        if kind != "start" {
            continue;
        }
        let p = subject;
        if let Some(s) = parent(p) {
            let is_init = under_init(p, &initializing);
            let is_api = api_target.as_deref() == Some(p);
            if is_api {
                api_target = None;
            } else if !is_init {
                *counts.entry(s.to_string()).or_default() += 1;
                last_counted.insert(p.to_string(), true);
            }
        }
        if sups.contains(p) {
            initializing.push(p.to_string());
        }
    }
    counts.retain(|_, n| *n > 0);
    counts
}

fn check_dir(dir: &Path) -> (usize, Vec<String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut n = 0;
    for f in &files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let scn = scenario::parse(&text).unwrap();
        if matches!(scn.body, scenario::Body::Raw { .. }) {
            continue;
        }
        n += 1;
        let golden: String = std::fs::read(dir.join("golden").join(format!("{name}.trace")))
            .unwrap()
            .iter()
            .map(|b| *b as char)
            .collect();
        let expected = restarts_in_trace(&golden);
        let mut a = None;
        runner::run_with(&scn, Config::default(), |w| {
            a = Some(otp_lab_analytics::attach(w, DEFAULT_HISTORY))
        })
        .unwrap();
        let a = a.unwrap();
        let a = a.borrow();
        let got: BTreeMap<String, u64> = a
            .all_stats()
            .filter(|s| s.restarts > 0)
            .map(|s| (s.path.clone(), s.restarts))
            .collect();
        if got != expected {
            failures.push(format!(
                "{name}: golden trace shows {expected:?}, analytics count {got:?}"
            ));
        }
    }
    (n, failures)
}

#[test]
fn restart_counts_match_the_golden_traces() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim/tests/oracle");
    let (n1, mut f1) = check_dir(&shared);
    let (n2, f2) = check_dir(&own);
    f1.extend(f2);
    assert!(
        n1 >= 34,
        "expected the shared supervisor scenarios, found {n1}"
    );
    assert!(
        f1.is_empty(),
        "{} of {} scenarios disagree:\n{}",
        f1.len(),
        n1 + n2,
        f1.join("\n")
    );
}

#[test]
fn the_trace_reader_counts_what_a_person_would() {
    let trace = "step 0 start_link root\nstart root\nstart root/sub\nstart root/sub/x\nstart root/w\n\
                 reply start_link root {ok,<root>}\nstep 1 exit root/sub kill\nexit root/sub killed\n\
                 report child_terminated root root/sub killed\nstart root/sub\nstart root/sub/x\n\
                 step 2 restart_child root w\nstart root/w\nstep 3 exit root/sub/x kill\nstart root/sub/x\n";
    let c = restarts_in_trace(trace);
    assert_eq!(c.get("root"), Some(&1));
    assert_eq!(c.get("root/sub"), Some(&1));
    assert_eq!(c.len(), 2);
}
