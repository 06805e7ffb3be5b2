//! Compare: sandboxes that share a history and differ in their settings, and what each
//! came to at one virtual instant — restarts, escalations, how long the root was down,
//! the recovery time p95 and the tree it ended with — read side by side.
//!
//! A sandbox is either the experiment's tree with other settings from time 0 (the root's
//! strategy, intensity and period, its children's restart type and shutdown), or a fork:
//! the experiment's own commands up to an instant, then the settings changed there (as the
//! console lines `Lab.change_strategy` and `Lab.change_intensity`), so that everything
//! before the fork is the same run, replayed exactly.

use crate::experiment::{Action, Experiment, Run, Source};
use crate::faults::{with_chaos, with_faults};
use crate::variant::{checked, with_children, with_root};
use otp_lab_lab::tree::NodeStatus;

/// Most sandboxes side by side.
pub const MAX_SANDBOXES: usize = 4;

/// The fault scripts sandboxes can run under, from time 0: the Lab's own, a ready chaos
/// (a random process killed every 500 ms with probability 0.5) or none. A fork keeps the
/// Lab's.
pub const FAULT_CHOICES: [&str; 3] = ["lab", "chaos", "none"];

/// The strategies, restart types and shutdown words a sandbox's settings take.
const STRATEGIES: [&str; 3] = ["one_for_one", "one_for_all", "rest_for_one"];
const RESTARTS: [&str; 3] = ["permanent", "transient", "temporary"];

/// A sandbox's settings for its root supervisor (`None`: as in the experiment).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub strategy: Option<String>,
    pub intensity: Option<u32>,
    pub period: Option<u32>,
    /// Every child of the root: its restart type and its shutdown. OTP cannot change
    /// these at run time, so they apply from time 0 and a fork refuses them.
    pub restart: Option<String>,
    pub shutdown: Option<String>,
}

impl Settings {
    /// Whether every setting is one a sandbox offers (a sentence naming the first that is
    /// not).
    pub fn check(&self) -> Result<(), String> {
        let one_of = |what: &str, v: &Option<String>, allowed: &[&str]| match v {
            Some(x) if !allowed.contains(&x.as_str()) => Err(format!(
                "{what} is one of {}, not \"{}\"",
                allowed.join(", "),
                x.chars().take(40).collect::<String>()
            )),
            _ => Ok(()),
        };
        one_of("a strategy", &self.strategy, &STRATEGIES)?;
        one_of("a restart type", &self.restart, &RESTARTS)?;
        if let Some(sd) = &self.shutdown {
            let ok = sd == "brutal_kill"
                || sd == "infinity"
                || (!sd.is_empty() && sd.len() <= 9 && sd.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(format!(
                    "a shutdown is brutal_kill, infinity or milliseconds, not \"{}\"",
                    sd.chars().take(40).collect::<String>()
                ));
            }
        }
        if self.period == Some(0) {
            return Err("a period is at least 1 second".into());
        }
        Ok(())
    }
}

/// The whole Compare page, as a share link keeps it: what the sandboxes start from, each
/// sandbox's settings and its own commands, and where the shared clock stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Setup {
    /// One of [`FAULT_CHOICES`] (a fork keeps the Lab's script: `lab`).
    pub faults: String,
    /// The instant of the Lab's experiment the sandboxes fork at.
    pub fork_us: Option<u64>,
    /// The shared clock, when paused (`None`: playing, from the sandboxes' last command).
    pub clock_us: Option<u64>,
    pub sandboxes: Vec<SandboxSetup>,
}

/// One sandbox: its settings, and the commands typed or clicked in it (after the fork).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SandboxSetup {
    pub settings: Settings,
    pub actions: Vec<Action>,
}

/// What a Compare page's sandboxes start from: the Lab's experiment with its fault script
/// replaced as chosen (from time 0, so without the Lab's commands), or, for a fork, the
/// Lab's experiment itself.
pub fn base(lab: &Experiment, faults: &str, fork: bool) -> Result<Experiment, String> {
    if fork || faults == "lab" {
        return Ok(lab.clone());
    }
    let text = lab.scenario_text()?;
    let text = match faults {
        "chaos" => with_chaos(&text, 500, 0.5)?,
        "none" => with_faults(&text, &[])?,
        other => return Err(format!("unknown fault choice \"{other}\"")),
    };
    Ok(Experiment {
        source: Source::Scenario(text),
        seed: lab.seed,
        actions: Vec::new(),
    })
}

/// A sandbox's whole experiment: [`sandbox`], then the commands made in it (none may come
/// before the fork).
pub fn sandbox_with(
    base: &Experiment,
    fork_us: Option<u64>,
    sb: &SandboxSetup,
) -> Result<Experiment, String> {
    let mut exp = sandbox(base, fork_us, &sb.settings)?;
    let last = exp.actions.last().map_or(0, |a| a.t_us);
    if sb.actions.first().is_some_and(|a| a.t_us < last) {
        return Err("a sandbox's commands come after the fork".into());
    }
    exp.actions.extend(sb.actions.iter().cloned());
    Ok(exp)
}

/// The experiment a sandbox runs: `base` with `settings` from time 0, or (a fork at
/// `fork_us`) `base`'s commands up to that instant and then the settings.
pub fn sandbox(
    base: &Experiment,
    fork_us: Option<u64>,
    settings: &Settings,
) -> Result<Experiment, String> {
    let text = base.scenario_text()?;
    match fork_us {
        None => Ok(Experiment {
            source: crate::experiment::Source::Scenario(checked(with_children(
                &with_root(
                    &text,
                    settings.strategy.as_deref(),
                    settings.intensity,
                    settings.period,
                )?,
                settings.restart.as_deref(),
                settings.shutdown.as_deref(),
            )?)?),
            seed: base.seed,
            actions: Vec::new(),
        }),
        Some(_) if settings.restart.is_some() || settings.shutdown.is_some() => Err(
            "a fork keeps its children's restart types and shutdowns: OTP cannot change them while the tree runs".into(),
        ),
        Some(t_us) => {
            let root = root_path(&text)?;
            let mut actions: Vec<Action> = base
                .actions
                .iter()
                .filter(|a| a.t_us <= t_us)
                .cloned()
                .collect();
            if let Some(s) = &settings.strategy {
                actions.push(Action {
                    t_us,
                    line: format!("Lab.change_strategy(\"{root}\", :{s})"),
                });
            }
            if settings.intensity.is_some() || settings.period.is_some() {
                let (_, i0, p0) = crate::variant::root_of(&text)?;
                actions.push(Action {
                    t_us,
                    line: format!(
                        "Lab.change_intensity(\"{root}\", {}, {})",
                        settings.intensity.unwrap_or(i0),
                        settings.period.unwrap_or(p0)
                    ),
                });
            }
            Ok(Experiment {
                source: base.source.clone(),
                seed: base.seed,
                actions,
            })
        }
    }
}

/// The root supervisor's id (its path) in a scenario.
fn root_path(scenario: &str) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_str(scenario).map_err(|e| e.to_string())?;
    v["tree"]["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "the scenario has no tree".to_string())
}

/// What a run came to at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub at_us: u64,
    /// Automatic restarts by every supervisor, up to the instant.
    pub restarts: u64,
    /// Supervisors that reached their restart intensity and gave up, up to the instant.
    pub escalations: u64,
    /// How long the root has been down (0 while it runs): since it gave up.
    pub root_down_us: u64,
    /// The recovery time (a child's failure to its restart) p95 over the run, if any.
    pub recovery_p95_us: Option<u64>,
    /// The tree at the head: "4 of 4 running", or the root's end.
    pub tree: String,
}

/// What `run` came to at `at_us` (counts up to the instant; the tree at the run's head,
/// which the Compare page keeps at the same instant in every sandbox).
pub fn outcome(run: &Run, at_us: u64) -> Outcome {
    let mut a = run.analytics.borrow_mut();
    let p95 = a
        .dashboard(at_us, at_us.max(1))
        .get("recovery_time_p95_us")
        .map(|v| v.round() as u64);
    let r = &a.restarts;
    let tree = run.lab.tree();
    let root = tree.first().map(|n| n.path.clone()).unwrap_or_default();
    let (mut restarts, mut escalations, mut root_down_since) = (0, 0, None);
    for s in r.all_stats() {
        restarts += r.restarts_between(s, 0, at_us);
        for (t, _) in r.gave_up(s).filter(|(t, _)| *t <= at_us) {
            escalations += 1;
            if s.path == root && root_down_since.is_none() {
                root_down_since = Some(t);
            }
        }
    }
    let running = tree
        .iter()
        .filter(|n| n.status == NodeStatus::Running)
        .count();
    let tree_text = match tree.first().map(|n| n.status) {
        Some(NodeStatus::Dead) | None => "root dead".to_string(),
        _ => format!("{running} of {} running", tree.len()),
    };
    Outcome {
        at_us,
        restarts,
        escalations,
        root_down_us: root_down_since.map_or(0, |t| at_us - t),
        recovery_p95_us: p95,
        tree: tree_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn run_to(exp: Experiment, t_us: u64) -> Session {
        let mut s = Session::new(exp).unwrap();
        assert!(s.forward_to(t_us, u32::MAX));
        s
    }

    #[test]
    fn the_storm_under_two_strategies_at_one_instant() {
        let base = Experiment::preset("restart_storm", 1);
        let t = 10_000_000;
        let one = run_to(sandbox(&base, None, &Settings::default()).unwrap(), t);
        let all = Settings {
            strategy: Some("one_for_all".into()),
            ..Settings::default()
        };
        let all = run_to(sandbox(&base, None, &all).unwrap(), t);
        let (o1, o2) = (outcome(one.live(), t), outcome(all.live(), t));
        assert!(o1.restarts > 0 && o2.restarts > 0, "{o1:?} {o2:?}");
        assert_ne!(o1, o2, "the strategy changes the outcome");
        // counts at an earlier instant are never more
        let early = outcome(one.live(), t / 2);
        assert!(early.restarts <= o1.restarts && early.escalations <= o1.escalations);
        // a dead root has been down since it gave up
        for o in [&o1, &o2] {
            assert_eq!(o.tree == "root dead", o.root_down_us > 0, "{o:?}");
        }
    }

    #[test]
    fn restart_types_and_shutdowns_apply_to_the_roots_children_from_time_0() {
        let base = Experiment::preset("demo", 1);
        let temporary = Settings {
            restart: Some("temporary".into()),
            shutdown: Some("brutal_kill".into()),
            ..Settings::default()
        };
        let exp = sandbox(&base, None, &temporary).unwrap();
        let text = exp.scenario_text().unwrap();
        assert_eq!(
            text.matches("\"restart\":\"temporary\"").count(),
            3,
            "{text}"
        );
        assert_eq!(
            text.matches("\"shutdown\":\"brutal_kill\"").count(),
            3,
            "{text}"
        );
        // a temporary child is not restarted
        let mut s = run_to(exp, 100_000);
        s.exec("Process.exit(\"demo/counter_1\", :kill)").unwrap();
        assert!(s.forward_to(200_000, u32::MAX));
        assert_eq!(outcome(s.live(), 200_000).restarts, 0);
        // milliseconds, and mistakes named
        let ms = Settings {
            shutdown: Some("250".into()),
            ..Settings::default()
        };
        assert!(sandbox(&base, None, &ms)
            .unwrap()
            .scenario_text()
            .unwrap()
            .contains("\"shutdown\":250"));
        let bad = Settings {
            shutdown: Some("soon".into()),
            ..Settings::default()
        };
        assert!(sandbox(&base, None, &bad)
            .unwrap_err()
            .contains("not \"soon\""));
        assert!(sandbox(&base, Some(1), &temporary)
            .unwrap_err()
            .contains("a fork keeps"));
    }

    #[test]
    fn a_fork_replays_the_history_then_changes_the_settings() {
        let mut main = Session::new(Experiment::preset("demo", 1)).unwrap();
        assert!(main.forward_to(500_000, u32::MAX));
        main.exec("Process.exit(\"demo/counter_1\", :kill)")
            .unwrap();
        assert!(main.forward_to(2_000_000, u32::MAX));
        main.exec("Process.exit(\"demo/counter_2\", :kill)")
            .unwrap();
        let base = main.experiment().clone();
        let settings = Settings {
            strategy: Some("one_for_all".into()),
            intensity: Some(10),
            ..Settings::default()
        };
        let fork = sandbox(&base, Some(1_000_000), &settings).unwrap();
        // the kill before the fork is kept, the one after is not; the settings come at the fork
        let lines: Vec<&str> = fork.actions.iter().map(|a| a.line.as_str()).collect();
        assert_eq!(
            lines,
            [
                "Process.exit(\"demo/counter_1\", :kill)",
                "Lab.change_strategy(\"demo\", :one_for_all)",
                "Lab.change_intensity(\"demo\", 10, 5)"
            ]
        );
        assert!(fork.actions[1..].iter().all(|a| a.t_us == 1_000_000));
        let s = run_to(fork, 1_500_000);
        let sup = s.live().lab.tree();
        assert_eq!(sup[0].strategy.as_deref(), Some("one_for_all"));
        assert_eq!(sup[0].meter.map(|m| m.intensity), Some(10));
        assert_eq!(outcome(s.live(), 1_500_000).restarts, 1);
    }

    /// What a Compare page keeps in its link rebuilds every sandbox exactly: the same
    /// experiment, so the same outcome at the same instant, after a reload.
    #[test]
    fn a_setup_in_a_link_rebuilds_the_same_sandboxes() {
        let mut lab = Session::new(Experiment::preset("demo", 3)).unwrap();
        assert!(lab.forward_to(700_000, u32::MAX));
        lab.exec("Process.exit(\"demo/counter_1\", :kill)").unwrap();
        let lab_exp = lab.experiment().clone();
        for (faults, fork_us) in [("none", None), ("chaos", None), ("lab", Some(1_000_000))] {
            let start = base(&lab_exp, faults, fork_us.is_some()).unwrap();
            let settings = [
                Settings::default(),
                Settings {
                    strategy: Some("rest_for_one".into()),
                    intensity: Some(1),
                    period: Some(10),
                    ..Settings::default()
                },
            ];
            // each sandbox runs on and gets a command of its own, as a learner's click would
            let mut runs = Vec::new();
            let mut sandboxes = Vec::new();
            for s in &settings {
                let exp = sandbox(&start, fork_us, s).unwrap();
                let prefix = exp.actions.len();
                let mut run = run_to(exp, 1_500_000);
                run.exec("Process.exit(\"demo/counter_2\", :kill)").unwrap();
                assert!(run.forward_to(3_000_000, u32::MAX));
                sandboxes.push(SandboxSetup {
                    settings: s.clone(),
                    actions: run.experiment().actions[prefix..].to_vec(),
                });
                runs.push(run);
            }
            let mut link = crate::share::ShareLink::of(lab_exp.clone());
            link.compare = Some(Setup {
                faults: faults.into(),
                fork_us,
                clock_us: Some(3_000_000),
                sandboxes,
            });
            let back = crate::share::decode(&crate::share::encode(&link)).unwrap();
            let setup = back.compare.unwrap();
            let again = base(&back.experiment, &setup.faults, setup.fork_us.is_some()).unwrap();
            for (sb, run) in setup.sandboxes.iter().zip(&runs) {
                let exp = sandbox_with(&again, setup.fork_us, sb).unwrap();
                assert_eq!(&exp, run.experiment(), "{faults}");
                let again = run_to(exp, 3_000_000);
                assert_eq!(
                    outcome(again.live(), 3_000_000),
                    outcome(run.live(), 3_000_000),
                    "{faults} {:?}",
                    sb.settings
                );
            }
        }
        // a sandbox's own commands cannot come before the fork
        let early = SandboxSetup {
            settings: Settings::default(),
            actions: vec![Action {
                t_us: 10,
                line: "x".into(),
            }],
        };
        assert!(sandbox_with(&lab_exp, Some(1_000_000), &early)
            .unwrap_err()
            .contains("after the fork"));
    }
}
