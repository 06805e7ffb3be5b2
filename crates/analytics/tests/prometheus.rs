//! Every scenario's Prometheus export passes a checker as strict as Prometheus's own
//! parser and `promtool check metrics` (tests/support/promstrict.rs), and the checker
//! itself rejects each kind of mistake it is there to catch.

#[path = "support/promstrict.rs"]
mod promstrict;

use otp_lab_analytics::export::Snapshot;
use otp_lab_analytics::server::Settings;
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;
use std::path::{Path, PathBuf};

fn scenarios(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The export `otp-lab metrics --format prometheus` prints for a scenario, over the whole
/// run and over its last half.
fn exports(file: &Path) -> Vec<String> {
    let scn = scenario::parse(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut a = None;
    let (out, world) = runner::run_world(&scn, Config::default(), |w| {
        a = Some(otp_lab_analytics::attach_server(w, Settings::default()))
    })
    .unwrap();
    let a = a.unwrap();
    let mut server = a.borrow_mut();
    [out.end_us.max(1_000_000), out.end_us / 2 + 1]
        .iter()
        .map(|&window| Snapshot::take_all(&mut server, &world, out.end_us, window).to_prometheus())
        .collect()
}

#[test]
fn every_scenario_exports_valid_prometheus_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = scenarios(&root.join("../../../shared/conformance/scenarios"));
    files.extend(scenarios(&root.join("../sim/tests/oracle/scenarios")));
    assert!(files.len() >= 54, "found {} scenarios", files.len());
    let mut failures = Vec::new();
    let mut families = 0;
    for f in &files {
        for text in exports(f) {
            families += text.matches("# TYPE ").count();
            let problems = promstrict::check(&text);
            if !problems.is_empty() {
                failures.push(format!("{}:\n  {}", f.display(), problems.join("\n  ")));
            }
        }
    }
    assert!(families > files.len() * 5, "{families} families");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_checker_rejects_what_prometheus_rejects() {
    let ok =
        "# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"x\"} 1\na_total{k=\"y\\\"z\"} 2\n\
              # HELP b_seconds B.\n# TYPE b_seconds gauge\nb_seconds 0.5\n";
    assert_eq!(promstrict::check(ok), Vec::<String>::new());
    let bad = [
        ("# HELP a_total A.\n# HELP a_total A.\n# TYPE a_total counter\na_total 1\n", "second HELP"),
        ("# HELP a_total A.\n# TYPE a_total counter\n# TYPE a_total counter\na_total 1\n", "second TYPE"),
        ("# HELP a_total A.\na_total 1\n# TYPE a_total counter\n", "after its samples"),
        ("# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"1\"} 1\n# HELP b B.\n# TYPE b gauge\nb 1\na_total{k=\"2\"} 1\n", "split"),
        ("# HELP a_total A.\n# TYPE a_total counter\na_total 1\na_total 2\n", "duplicate series"),
        ("# HELP a A.\n# TYPE a counter\na 1\n", "_total\" suffix"),
        ("# HELP a_total A.\n# TYPE a_total gauge\na_total 1\n", "should not have \"_total\""),
        ("# TYPE a gauge\na 1\n", "no help"),
        ("# HELP a_us A.\n# TYPE a_us gauge\na_us 1\n", "abbreviated units"),
        ("# HELP a_milliseconds A.\n# TYPE a_milliseconds gauge\na_milliseconds 1\n", "base unit"),
        ("# HELP a_gauge A.\n# TYPE a_gauge gauge\na_gauge 1\n", "include type"),
        ("# HELP a A.\n# TYPE a gauge\na{k=\"x} 1\n", "unterminated"),
        ("# HELP a A.\n# TYPE a gauge\na{k=\"\\t\"} 1\n", "escape"),
        ("# HELP a A.\n# TYPE a gauge\na one\n", "invalid value"),
        ("# HELP a A.\n# TYPE a gauge\na{k=\"1\",k=\"2\"} 1\n", "twice"),
        ("# HELP aB A.\n# TYPE aB gauge\naB 1\n", "camelCase"),
        ("# HELP a_count A.\n# TYPE a_count gauge\na_count 1\n", "_count"),
        ("# HELP a A.\n# TYPE a gauge\na{quantile=\"0.5\"} 1\n", "quantile"),
    ];
    for (text, why) in bad {
        let problems = promstrict::check(text);
        assert!(
            problems.iter().any(|p| p.contains(why)),
            "{text:?} should fail with {why:?}, got {problems:?}"
        );
    }
}
