//! The fault script: kills, exits and crashes at a time, every n ms, with a probability,
//! aimed at a path or at a random child (`sup/*`).

use super::*;

pub(super) fn parse_faults(v: &Value, body: &Body) -> R<Vec<Fault>> {
    let Value::Array(items) = v else {
        return err(
            "$.faults",
            format!("expected an array, found {}", kind_of(v)),
        );
    };
    if items.len() > MAX_FAULTS {
        return err("$.faults", format!("more than {MAX_FAULTS} faults"));
    }
    let root = match body {
        Body::Sup { root_id, .. } => root_id.clone(),
        Body::Raw { .. } => return err("$.faults", "faults need a supervision tree"),
    };
    let mut out = Vec::new();
    for (i, f) in items.iter().enumerate() {
        let path = format!("$.faults[{i}]");
        let m = obj(f, &path)?;
        check_keys(
            m,
            &[
                "at",
                "every",
                "from",
                "until",
                "probability",
                "op",
                "target",
                "reason",
            ],
            &path,
        )?;
        let target = req_str(m, "target", &path)?.to_string();
        if target != root && !target.starts_with(&format!("{root}/")) {
            return err(
                &format!("{path}.target"),
                format!("\"{target}\" is not in the tree rooted at \"{root}\""),
            );
        }
        let op = req_str(m, "op", &path)?;
        let action = match op {
            "kill" => FaultAction::Kill,
            "exit" => {
                FaultAction::Exit(get_term(m, "reason", &path)?.unwrap_or(Term::atom("boom")))
            }
            "crash" => {
                FaultAction::Crash(get_term(m, "reason", &path)?.unwrap_or(Term::atom("crash")))
            }
            _ => {
                return err(
                    &format!("{path}.op"),
                    format!("unknown fault \"{op}\" (kill, exit or crash)"),
                )
            }
        };
        let probability = match m.get("probability") {
            None => 1.0,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(p) if (0.0..=1.0).contains(&p) => p,
                _ => {
                    return err(
                        &format!("{path}.probability"),
                        format!("expected a number from 0 to 1, found {n}"),
                    )
                }
            },
            Some(v) => {
                return err(
                    &format!("{path}.probability"),
                    format!("expected a number, found {}", kind_of(v)),
                )
            }
        };
        let when = match (
            get_uint(m, "at", &path, MAX_MS)?,
            get_uint(m, "every", &path, MAX_MS)?,
        ) {
            (Some(at), None) => FaultWhen::At(at),
            (None, Some(every)) if every > 0 => FaultWhen::Every {
                every,
                from: get_uint(m, "from", &path, MAX_MS)?.unwrap_or(every),
                until: get_uint(m, "until", &path, MAX_MS)?,
                probability,
            },
            (None, Some(_)) => return err(&format!("{path}.every"), "every must be at least 1 ms"),
            _ => return err(&path, "a fault needs exactly one of \"at\" or \"every\""),
        };
        out.push(Fault {
            when,
            target,
            action,
        });
    }
    Ok(out)
}
