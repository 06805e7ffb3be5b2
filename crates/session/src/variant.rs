//! Variants of an experiment's tree: the same scenario with another root strategy or
//! intensity (for Compare), or another fault script (the Faults editor and chaos mode).
//! Scenarios stay JSON text, validated by the simulator's parser on use ([`checked`]).

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
}

fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

/// The scenario with its root supervisor's strategy, intensity and period replaced
/// (`None` keeps a value).
pub fn with_root(
    scenario: &str,
    strategy: Option<&str>,
    intensity: Option<u32>,
    period: Option<u32>,
) -> Result<String, String> {
    let mut v = parse(scenario)?;
    let tree = v
        .get_mut("tree")
        .and_then(Value::as_object_mut)
        .ok_or("the scenario has no tree")?;
    if let Some(s) = strategy {
        tree.insert("strategy".into(), Value::from(s));
    }
    if let Some(i) = intensity {
        tree.insert("intensity".into(), Value::from(i));
    }
    if let Some(p) = period {
        tree.insert("period".into(), Value::from(p));
    }
    Ok(v.to_string())
}

/// The scenario with every child of its root given `restart` (`"permanent"`,
/// `"transient"`, `"temporary"`) and `shutdown` (`"brutal_kill"`, `"infinity"` or
/// milliseconds as text); `None` keeps each child's own.
pub fn with_children(
    scenario: &str,
    restart: Option<&str>,
    shutdown: Option<&str>,
) -> Result<String, String> {
    let mut v = parse(scenario)?;
    let children = v
        .get_mut("tree")
        .and_then(|t| t.get_mut("children"))
        .and_then(Value::as_array_mut)
        .ok_or("the scenario's root has no children")?;
    let shutdown = match shutdown {
        None => None,
        Some(s @ ("brutal_kill" | "infinity")) => Some(Value::from(s)),
        Some(ms) => Some(Value::from(ms.trim().parse::<u64>().map_err(|_| {
            format!("a shutdown is brutal_kill, infinity or milliseconds, not \"{ms}\"")
        })?)),
    };
    for child in children.iter_mut().filter_map(Value::as_object_mut) {
        if let Some(r) = restart {
            child.insert("restart".into(), Value::from(r));
        }
        if let Some(s) = &shutdown {
            child.insert("shutdown".into(), s.clone());
        }
    }
    Ok(v.to_string())
}

/// The scenario's root: `(strategy, intensity, period)` (OTP defaults when absent).
pub fn root_of(scenario: &str) -> Result<(String, u32, u32), String> {
    let v = parse(scenario)?;
    let tree = v.get("tree").ok_or("the scenario has no tree")?;
    let strategy = tree
        .get("strategy")
        .and_then(Value::as_str)
        .unwrap_or("one_for_one")
        .to_string();
    let num = |k: &str, d: u64| tree.get(k).and_then(Value::as_u64).unwrap_or(d) as u32;
    Ok((strategy, num("intensity", 3), num("period", 5)))
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
            })
        })
        .collect())
}

/// `scenario` if the simulator's scenario parser accepts it; its reason if not.
pub fn checked(scenario: String) -> Result<String, String> {
    match otp_lab_sim::scenario::parse(&scenario) {
        Ok(_) => Ok(scenario),
        Err(e) => Err(e.to_string()),
    }
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
    });
    with_faults(scenario, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_lab::presets::preset;
    use otp_lab_sim::scenario::parse as parse_scenario;

    #[test]
    fn root_variants_parse_and_change_only_the_root() {
        let base = &preset("one_for_one").unwrap().text();
        let v = with_root(base, Some("one_for_all"), Some(1), None).unwrap();
        assert!(parse_scenario(&v).is_ok());
        assert_eq!(root_of(&v).unwrap(), ("one_for_all".to_string(), 1, 5));
        assert!(with_root("{", None, None, None).is_err());
    }

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
            },
            FaultRow {
                every: true,
                ms: 200,
                probability: 0.5,
                op: "exit".into(),
                target: "demo/*".into(),
                reason: "{shutdown,chaos}".into(),
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
        }];
        let s = with_faults(base, &rows).unwrap();
        assert!(parse_scenario(&s).is_err());
        let why = checked(s).unwrap_err();
        assert!(why.contains("explode"), "{why}");
        assert!(checked(base.to_string()).is_ok());
    }
}
