//! One source of numbers: the figures the Lab shows for an experiment are the ones
//! `otp-lab metrics` prints for the same scenario (the same analytics engine, fed by the
//! same simulated events): restarts and failures per supervisor and the restart history.

use otp_lab_analytics::export::Snapshot;
use otp_lab_analytics::server::Settings;
use otp_lab_session::Experiment;
use otp_lab_sim::scenario::{self, runner};
use otp_lab_sim::world::Config;

/// `(path, restarts, failures, [(t_us, child, reason)])` of every supervisor.
type Figures = Vec<(String, u64, u64, Vec<(u64, String, String)>)>;

fn figures(s: &Snapshot) -> Figures {
    s.supervisors
        .iter()
        .map(|r| {
            let history = r
                .history
                .iter()
                .map(|h| (h.t_us, h.child.to_string(), h.reason_text()))
                .collect();
            (r.path.clone(), r.restarts, r.failures, history)
        })
        .collect()
}

#[test]
fn the_lab_and_the_cli_count_the_storm_alike() {
    let (c, l) = both("restart_storm");
    assert!(c.0.iter().any(|s| s.1 > 0), "the storm restarts: {c:?}");
    assert_eq!(c, l);
}

#[test]
fn the_lab_and_the_cli_see_the_overload_alike() {
    let (c, l) = both("overload");
    assert!(
        c.1.iter()
            .any(|p| p.starts_with("Resource-related restart")),
        "{c:?}"
    );
    assert_eq!(c, l);
}

/// The figures and the patterns' sentences of `otp-lab metrics` on a preset's scenario
/// and of the Lab's run of it, ten virtual seconds in.
fn both(preset: &str) -> ((Figures, Vec<String>), (Figures, Vec<String>)) {
    let exp = Experiment::preset(preset, 7);
    let text = exp.scenario_text().unwrap();
    // the CLI's run: the scenario with ten quiet virtual seconds as its only step
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["steps"] = serde_json::json!([{"op": "sleep", "ms": 10_000}]);
    let scn = scenario::parse(&v.to_string()).unwrap();
    let mut server = None;
    let (_, world) = runner::run_world(&scn, Config::default(), |w| {
        server = Some(otp_lab_analytics::attach_server(w, Settings::default()))
    })
    .unwrap();
    let at = 10_000_000;
    let cli = Snapshot::take_all(&mut server.unwrap().borrow_mut(), &world, at, at);
    // the Lab's run of the same experiment, to the same instant
    let mut run = exp.start().unwrap();
    run.lab.advance_to(at);
    let lab = run.snapshot(at, at);
    let patterns = |s: &Snapshot| -> Vec<String> {
        s.system
            .as_ref()
            .unwrap()
            .patterns
            .iter()
            .map(|p| p.describe())
            .collect()
    };
    (
        (figures(&cli), patterns(&cli)),
        (figures(&lab), patterns(&lab)),
    )
}
