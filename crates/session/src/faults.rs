//! Fault scripts as the Faults editor holds them: rows read from and written into a
//! scenario, drafts as typed (checked field by field, with a sentence per mistake), chaos
//! mode, and stopping the recurring faults at an instant without changing the run before.

use crate::variant::parse;
use serde_json::Value;

/// One fault as the editor holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRow {
    /// `at`: once at `ms`; `every`: every `ms` (from `ms`).
    pub every: bool,
    pub ms: u64,
    /// Probability 0–1 that each firing acts.
    pub probability: f64,
    /// `kill`, `exit` or `crash`.
    pub op: String,
    /// A path, or `sup/*` for a random child.
    pub target: String,
    /// The exit or crash reason (Erlang term), when the op takes one.
    pub reason: String,
    /// A recurring fault's last instant (ms), once stopped.
    pub until: Option<u64>,
}

/// The scenario with its fault script replaced by `rows`.
pub fn with_faults(scenario: &str, rows: &[FaultRow]) -> Result<String, String> {
    let mut v = parse(scenario)?;
    let faults: Vec<Value> = rows
        .iter()
        .map(|f| {
            let mut o = serde_json::Map::new();
            if f.every {
                o.insert("every".into(), Value::from(f.ms.max(1)));
                o.insert("from".into(), Value::from(f.ms.max(1)));
                if let Some(u) = f.until {
                    o.insert("until".into(), Value::from(u));
                }
            } else {
                o.insert("at".into(), Value::from(f.ms));
            }
            if f.probability < 1.0 {
                o.insert(
                    "probability".into(),
                    Value::from(f.probability.clamp(0.0, 1.0)),
                );
            }
            o.insert("op".into(), Value::from(f.op.as_str()));
            o.insert("target".into(), Value::from(f.target.as_str()));
            if f.op != "kill" && !f.reason.trim().is_empty() {
                o.insert("reason".into(), Value::from(f.reason.trim()));
            }
            Value::Object(o)
        })
        .collect();
    v.as_object_mut()
        .ok_or("the scenario is not an object")?
        .insert("faults".into(), Value::Array(faults));
    Ok(v.to_string())
}

/// The scenario's fault script as editor rows (entries the editor cannot show are
/// skipped).
pub fn faults_of(scenario: &str) -> Result<Vec<FaultRow>, String> {
    let v = parse(scenario)?;
    let Some(list) = v.get("faults").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    Ok(list
        .iter()
        .filter_map(|f| {
            let every = f.get("every").and_then(Value::as_u64);
            let at = f.get("at").and_then(Value::as_u64);
            Some(FaultRow {
                every: every.is_some(),
                ms: every
                    .map(|e| f.get("from").and_then(Value::as_u64).unwrap_or(e))
                    .or(at)?,
                probability: f.get("probability").and_then(Value::as_f64).unwrap_or(1.0),
                op: f.get("op")?.as_str()?.to_string(),
                target: f.get("target")?.as_str()?.to_string(),
                reason: f
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                until: f.get("until").and_then(Value::as_u64),
            })
        })
        .collect())
}

/// Chaos mode: a seeded fault that kills a random child of the root every `every_ms`
/// with probability `p`, added to the script.
pub fn with_chaos(scenario: &str, every_ms: u64, p: f64) -> Result<String, String> {
    let root = parse(scenario)?
        .get("tree")
        .and_then(|t| t.get("id"))
        .and_then(Value::as_str)
        .ok_or("the scenario has no root id")?
        .to_string();
    let mut rows = faults_of(scenario)?;
    rows.push(FaultRow {
        every: true,
        ms: every_ms.max(1),
        probability: p,
        op: "kill".into(),
        target: format!("{root}/*"),
        reason: String::new(),
        until: None,
    });
    with_faults(scenario, &rows)
}

/// Whether the script has a recurring fault that has not been stopped.
pub fn recurring(rows: &[FaultRow]) -> bool {
    rows.iter().any(|r| r.every && r.until.is_none())
}

/// The rows with every recurring fault stopped at `at_ms`: it fires up to that instant
/// as before (so the run up to there is the same) and never after. One that would first
/// fire after the instant is dropped.
pub fn stopped_at(rows: &[FaultRow], at_ms: u64) -> Vec<FaultRow> {
    rows.iter()
        .filter(|r| !(r.every && r.until.is_none() && r.ms.max(1) > at_ms))
        .map(|r| {
            let mut r = r.clone();
            if r.every && r.until.is_none() {
                r.until = Some(at_ms);
            }
            r
        })
        .collect()
}

/// Every process path the scenario's tree names (the root, then each child under its
/// parent's path), with whether it is a supervisor.
pub fn tree_paths(scenario: &str) -> Result<Vec<(String, bool)>, String> {
    fn walk(node: &Value, prefix: Option<&str>, out: &mut Vec<(String, bool)>) {
        let Some(id) = node.get("id").and_then(Value::as_str) else {
            return;
        };
        let path = match prefix {
            Some(p) => format!("{p}/{id}"),
            None => id.to_string(),
        };
        let children = node.get("children").and_then(Value::as_array);
        let sup = children.is_some()
            || node.get("type").and_then(Value::as_str) == Some("supervisor")
            || node.get("strategy").is_some();
        out.push((path.clone(), sup));
        for c in children.into_iter().flatten() {
            walk(c, Some(&path), out);
        }
    }
    let v = parse(scenario)?;
    let mut out = Vec::new();
    if let Some(t) = v.get("tree") {
        walk(t, None, &mut out);
    }
    Ok(out)
}

/// A fault row as typed in the editor: the numbers as text, checked by [`FaultDraft::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct FaultDraft {
    pub every: bool,
    pub ms: String,
    pub probability: String,
    pub op: String,
    pub target: String,
    pub reason: String,
    pub until: Option<u64>,
}

/// A mistake in one field of a draft: the field (`ms`, `probability`, `target`, `op`) and
/// a sentence that says what is wrong and what would be right.
pub type FieldError = (&'static str, String);

impl FaultDraft {
    pub fn of(r: &FaultRow) -> FaultDraft {
        FaultDraft {
            every: r.every,
            ms: r.ms.to_string(),
            probability: r.probability.to_string(),
            op: r.op.clone(),
            target: r.target.clone(),
            reason: r.reason.clone(),
            until: r.until,
        }
    }

    /// The row, or every mistake in it. `known` holds the paths a target may name, with
    /// whether each is a supervisor (`sup/*` needs one).
    pub fn check(&self, known: &[(String, bool)]) -> Result<FaultRow, Vec<FieldError>> {
        let mut errors = Vec::new();
        let shown = |s: &str| s.trim().chars().take(40).collect::<String>();
        let ms = self.ms.trim();
        let ms = match ms.parse::<u64>() {
            Ok(0) if self.every => {
                errors.push((
                    "ms",
                    "A recurring fault needs at least 1 ms between firings.".into(),
                ));
                0
            }
            Ok(n) if n <= 86_400_000 * 365 => n,
            Ok(_) => {
                errors.push(("ms", "That is more than a year of virtual time.".into()));
                0
            }
            Err(_) if ms.starts_with('-') && ms[1..].parse::<u64>().is_ok() => {
                errors.push(("ms", format!("Virtual time does not go back: {ms} ms is before the start; use 0 or more.")));
                0
            }
            Err(_) if ms.is_empty() => {
                errors.push((
                    "ms",
                    "Give the time in milliseconds (a whole number).".into(),
                ));
                0
            }
            Err(_) => {
                errors.push((
                    "ms",
                    format!("\"{}\" is not a whole number of milliseconds.", shown(ms)),
                ));
                0
            }
        };
        let p = self.probability.trim();
        let probability = match p.parse::<f64>() {
            Ok(x) if (0.0..=1.0).contains(&x) => x,
            Ok(x) if x.is_finite() => {
                errors.push((
                    "probability",
                    format!(
                        "A probability is between 0 and 1, not {x} (0.5 is one firing in two)."
                    ),
                ));
                1.0
            }
            _ => {
                errors.push((
                    "probability",
                    format!(
                        "\"{}\" is not a probability (a number between 0 and 1).",
                        shown(p)
                    ),
                ));
                1.0
            }
        };
        if !["kill", "exit", "crash"].contains(&self.op.as_str()) {
            errors.push((
                "op",
                format!(
                    "\"{}\" is not an action: kill, exit or crash.",
                    shown(&self.op)
                ),
            ));
        }
        let target = self.target.trim();
        let example = known
            .iter()
            .find(|(_, sup)| !sup)
            .or(known.first())
            .map(|(p, _)| p.as_str())
            .unwrap_or("root/worker");
        let root = known.first().map(|(p, _)| p.as_str()).unwrap_or("root");
        match target.strip_suffix("/*") {
            _ if target.is_empty() => errors.push(("target", format!("Name the process to hit: a path such as {example}, or {root}/* for a random child."))),
            Some(sup) => match known.iter().find(|(p, _)| p == sup) {
                Some((_, true)) => {}
                Some((_, false)) => errors.push(("target", format!("{sup} is a worker: it has no children for {target} to pick from."))),
                None => errors.push(("target", format!("No supervisor in this tree has the path {sup}."))),
            },
            None if known.iter().any(|(p, _)| p == target) => {}
            None => errors.push(("target", format!("No process in this tree has the path \"{}\" (paths look like {example}).", shown(target)))),
        }
        if errors.is_empty() {
            Ok(FaultRow {
                every: self.every,
                ms,
                probability,
                op: self.op.clone(),
                target: target.to_string(),
                reason: self.reason.trim().to_string(),
                until: self.until,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variant::checked;
    use otp_lab_lab::presets::preset;
    use otp_lab_sim::scenario::parse as parse_scenario;

    #[test]
    fn fault_rows_round_trip_and_parse() {
        let base = &preset("demo").unwrap().text();
        let rows = vec![
            FaultRow {
                every: false,
                ms: 500,
                probability: 1.0,
                op: "kill".into(),
                target: "demo/counter_1".into(),
                reason: String::new(),
                until: None,
            },
            FaultRow {
                every: true,
                ms: 200,
                probability: 0.5,
                op: "exit".into(),
                target: "demo/*".into(),
                reason: "{shutdown,chaos}".into(),
                until: Some(900),
            },
        ];
        let s = with_faults(base, &rows).unwrap();
        parse_scenario(&s).expect("the simulator accepts it");
        assert_eq!(faults_of(&s).unwrap(), rows);
        let c = with_chaos(base, 300, 0.7).unwrap();
        assert_eq!(faults_of(&c).unwrap().len(), 1);
        assert!(parse_scenario(&c).is_ok());
    }

    #[test]
    fn a_bad_fault_is_caught_by_the_simulator_parser() {
        let base = &preset("demo").unwrap().text();
        let rows = vec![FaultRow {
            every: false,
            ms: 1,
            probability: 1.0,
            op: "explode".into(),
            target: "demo/x".into(),
            reason: String::new(),
            until: None,
        }];
        let s = with_faults(base, &rows).unwrap();
        assert!(parse_scenario(&s).is_err());
        let why = checked(s).unwrap_err();
        assert!(why.contains("explode"), "{why}");
        assert!(checked(base.to_string()).is_ok());
    }

    fn draft(ms: &str, p: &str, target: &str) -> FaultDraft {
        FaultDraft {
            every: false,
            ms: ms.into(),
            probability: p.into(),
            op: "kill".into(),
            target: target.into(),
            reason: String::new(),
            until: None,
        }
    }

    /// Every mistake the issue saw is named next to its field; a good row passes.
    #[test]
    fn drafts_name_each_mistake() {
        let known = tree_paths(&preset("demo").unwrap().text()).unwrap();
        assert_eq!(
            known,
            [
                ("demo".to_string(), true),
                ("demo/counter_1".to_string(), false),
                ("demo/counter_2".to_string(), false),
                ("demo/printer".to_string(), false)
            ]
        );
        let ok = draft(" 300 ", "0.5", "demo/counter_2")
            .check(&known)
            .unwrap();
        assert_eq!(
            (ok.ms, ok.probability, ok.target.as_str()),
            (300, 0.5, "demo/counter_2")
        );
        assert!(draft("0", "1", "demo/*").check(&known).is_ok());
        for (d, field, want) in [
            (
                draft("300", "1", "demo/nosuch"),
                "target",
                "No process in this tree has the path \"demo/nosuch\"",
            ),
            (draft("300", "1", "demo/printer/*"), "target", "is a worker"),
            (draft("300", "1", "nope/*"), "target", "No supervisor"),
            (draft("300", "1", ""), "target", "Name the process"),
            (
                draft("abc", "1", "demo"),
                "ms",
                "\"abc\" is not a whole number",
            ),
            (draft("-10", "1", "demo"), "ms", "does not go back"),
            (draft("", "1", "demo"), "ms", "Give the time"),
            (
                draft("300", "5", "demo"),
                "probability",
                "between 0 and 1, not 5",
            ),
            (
                draft("300", "half", "demo"),
                "probability",
                "\"half\" is not a probability",
            ),
        ] {
            let errors = d.check(&known).unwrap_err();
            assert_eq!(errors.len(), 1, "{d:?}: {errors:?}");
            assert_eq!(errors[0].0, field);
            assert!(errors[0].1.contains(want), "{d:?}: {}", errors[0].1);
        }
        let mut every = draft("0", "1", "demo/*");
        every.every = true;
        assert!(every.check(&known).unwrap_err()[0]
            .1
            .contains("at least 1 ms"));
        // several mistakes at once are all named
        assert_eq!(draft("x", "9", "zz").check(&known).unwrap_err().len(), 3);
    }

    /// Stopping chaos keeps the run up to the instant and ends it there.
    #[test]
    fn stopping_recurring_faults_keeps_the_run_before() {
        use crate::experiment::{Experiment, Source};
        use crate::session::Session;
        let base = preset("demo").unwrap().text();
        let chaos = with_chaos(&base, 1_500, 1.0).unwrap();
        let rows = faults_of(&chaos).unwrap();
        assert!(recurring(&rows));
        let stopped = stopped_at(&rows, 2_000);
        assert!(!recurring(&stopped));
        assert_eq!(stopped[0].until, Some(2_000));
        assert!(stopped_at(&rows, 100).is_empty(), "never fired: dropped");
        let run = |text: String, t_us: u64| {
            let mut s = Session::new(Experiment {
                source: Source::Scenario(text),
                seed: 5,
                actions: Vec::new(),
            })
            .unwrap();
            assert!(s.forward_to(t_us, u32::MAX));
            s.live().lab.restarts_total()
        };
        let stopped_text = with_faults(&base, &stopped).unwrap();
        assert_eq!(run(chaos.clone(), 2_000_000), 1);
        assert_eq!(run(stopped_text.clone(), 2_000_000), 1);
        let (on, off) = (run(chaos, 6_000_000), run(stopped_text, 6_000_000));
        assert!(on > off, "chaos goes on ({on}) unless stopped ({off})");
        assert_eq!(off, 1);
    }
}
