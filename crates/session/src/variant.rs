//! Variants of an experiment's tree: the same scenario with another root strategy,
//! intensity or children's settings (for Compare). Scenarios stay JSON text, validated by
//! the simulator's parser on use ([`checked`]); fault scripts are in [`crate::faults`].

use serde_json::Value;

pub(crate) fn parse(text: &str) -> Result<Value, String> {
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

/// `scenario` if the simulator's scenario parser accepts it; its reason if not.
pub fn checked(scenario: String) -> Result<String, String> {
    match otp_lab_sim::scenario::parse(&scenario) {
        Ok(_) => Ok(scenario),
        Err(e) => Err(e.to_string()),
    }
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
}
