//! Conformance: every scenario's trace equals the golden trace recorded on real
//! Erlang/OTP 25 — the shared suite in `../shared/conformance/` and the project's own
//! scenarios in `tests/oracle/` (recorded with the same `run_oracle.escript`).

use otp_lab_sim::scenario::{self, runner};
use std::path::{Path, PathBuf};

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
}

fn own_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// A readable line diff (first differences only).
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    let n = e.len().max(a.len());
    let mut shown = 0;
    for i in 0..n {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            out.push_str(&format!(
                "  line {}:\n    golden: {}\n    ours:   {}\n",
                i + 1,
                x.unwrap_or("<none>"),
                y.unwrap_or("<none>")
            ));
            shown += 1;
            if shown >= 6 {
                out.push_str("  …\n");
                break;
            }
        }
    }
    out
}

fn check_dir(dir: &Path) -> (usize, Vec<String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let golden_bytes = std::fs::read(dir.join("golden").join(format!("{name}.trace"))).unwrap();
        // Goldens are Latin-1 (the oracle's stdout mode); shown as text for diffs.
        let golden: String = golden_bytes.iter().map(|b| *b as char).collect();
        let scn = match scenario::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: does not parse: {e}"));
                continue;
            }
        };
        match runner::run(&scn) {
            Ok(out) => {
                let ours_bytes = otp_lab_sim::trace::encode_trace(&out.lines);
                let ours: String = ours_bytes.iter().map(|b| *b as char).collect();
                if ours_bytes != golden_bytes {
                    failures.push(format!("{name}:\n{}", diff(&golden, &ours)));
                }
            }
            Err(e) => failures.push(format!("{name}: run failed: {e}")),
        }
    }
    (files.len(), failures)
}

#[test]
fn shared_conformance_scenarios_match_golden_traces() {
    let dir = shared_dir();
    if !dir.exists() {
        panic!(
            "{} is missing: the shared conformance suite must sit beside the repository",
            dir.display()
        );
    }
    let (n, failures) = check_dir(&dir);
    assert!(n >= 54, "expected the shared suite, found {n} scenarios");
    assert!(
        failures.is_empty(),
        "{} of {n} scenarios differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn own_oracle_scenarios_match_golden_traces() {
    let (n, failures) = check_dir(&own_dir());
    assert!(n > 0);
    assert!(
        failures.is_empty(),
        "{} of {n} scenarios differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
