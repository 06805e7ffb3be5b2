//! The raw family's body: steps of named processes (spawn, link, monitor, exit, send…),
//! each naming processes and references earlier steps created.

use super::*;

pub(super) fn parse_raw(steps_v: &[Value]) -> R<Body> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut refs: BTreeSet<String> = BTreeSet::new();
    let mut steps = Vec::new();
    for (i, v) in steps_v.iter().enumerate() {
        let path = format!("$.steps[{i}]");
        let m = obj(v, &path)?;
        let op = req_str(m, "op", &path)?;
        let keys: &[&str] = match op {
            "spawn" => &["op", "name", "by", "link", "monitor", "trap_exit", "settle_ms"],
            "link" | "unlink" => &["op", "by", "to", "settle_ms"],
            "monitor" => &["op", "by", "to", "ref", "settle_ms"],
            "demonitor" => &["op", "by", "ref", "opts", "settle_ms"],
            "trap_exit" => &["op", "by", "value", "settle_ms"],
            "exit" => &["op", "by", "to", "reason", "settle_ms"],
            "exit_self" | "error" => &["op", "by", "reason", "settle_ms"],
            "return" => &["op", "by", "settle_ms"],
            "send" => &["op", "by", "to", "msg", "settle_ms"],
            "is_alive" => &["op", "target", "settle_ms"],
            "sleep" => &["op", "ms", "settle_ms"],
            _ => {
                return err(
                    &format!("{path}.op"),
                    format!(
                        "unknown op \"{op}\" (raw scenarios: spawn, link, unlink, monitor, demonitor, trap_exit, \
                         exit, exit_self, error, return, send, is_alive, sleep)"
                    ),
                )
            }
        };
        check_keys(m, keys, &path)?;
        let settle_ms = get_uint(m, "settle_ms", &path, MAX_MS)?;
        let known = |key: &str| -> R<String> {
            let n = req_str(m, key, &path)?;
            if names.contains(n) {
                Ok(n.to_string())
            } else {
                err(
                    &format!("{path}.{key}"),
                    format!("unknown process \"{n}\" (not spawned by an earlier step)"),
                )
            }
        };
        let reason = || -> R<Term> {
            get_term(m, "reason", &path)?.map_or_else(|| err(&path, "missing key \"reason\""), Ok)
        };
        let raw = match op {
            "spawn" => {
                let name = req_str(m, "name", &path)?.to_string();
                check_name(&name, &format!("{path}.name"), "name")?;
                if name == "driver" || names.contains(&name) {
                    return err(
                        &format!("{path}.name"),
                        format!("the name \"{name}\" is already taken"),
                    );
                }
                let by = match m.get("by") {
                    None => None,
                    Some(_) => Some(known("by")?),
                };
                let monitor = get_str(m, "monitor", &path)?.map(str::to_string);
                if let Some(r) = &monitor {
                    check_name(r, &format!("{path}.monitor"), "reference name")?;
                    if by.is_none() {
                        return err(
                            &format!("{path}.monitor"),
                            "only a process (\"by\") can spawn_monitor",
                        );
                    }
                    refs.insert(r.clone());
                }
                let link = get_bool(m, "link", &path)?.unwrap_or(false);
                if link && by.is_none() {
                    return err(
                        &format!("{path}.link"),
                        "only a process (\"by\") can spawn_link",
                    );
                }
                if names.len() >= MAX_PROCESSES {
                    return err(&path, format!("more than {MAX_PROCESSES} processes"));
                }
                names.insert(name.clone());
                RawOp::Spawn {
                    name,
                    by,
                    link,
                    monitor,
                    trap_exit: get_bool(m, "trap_exit", &path)?.unwrap_or(false),
                }
            }
            "link" => RawOp::Link {
                by: known("by")?,
                to: known("to")?,
            },
            "unlink" => RawOp::Unlink {
                by: known("by")?,
                to: known("to")?,
            },
            "monitor" => {
                let ref_name = req_str(m, "ref", &path)?.to_string();
                check_name(&ref_name, &format!("{path}.ref"), "reference name")?;
                refs.insert(ref_name.clone());
                RawOp::Monitor {
                    by: known("by")?,
                    to: known("to")?,
                    ref_name,
                }
            }
            "demonitor" => {
                let ref_name = req_str(m, "ref", &path)?.to_string();
                if !refs.contains(&ref_name) {
                    return err(
                        &format!("{path}.ref"),
                        format!("unknown reference \"{ref_name}\""),
                    );
                }
                let (mut flush, mut info) = (false, false);
                match m.get("opts") {
                    None => {}
                    Some(Value::Array(a)) => {
                        for (j, o) in a.iter().enumerate() {
                            match o.as_str() {
                                Some("flush") => flush = true,
                                Some("info") => info = true,
                                _ => {
                                    return err(
                                        &format!("{path}.opts[{j}]"),
                                        format!("unknown demonitor option {o} (flush or info)"),
                                    )
                                }
                            }
                        }
                    }
                    Some(v) => {
                        return err(
                            &format!("{path}.opts"),
                            format!("expected an array, found {}", kind_of(v)),
                        )
                    }
                }
                RawOp::Demonitor {
                    by: known("by")?,
                    ref_name,
                    flush,
                    info,
                }
            }
            "trap_exit" => RawOp::TrapExit {
                by: known("by")?,
                value: get_bool(m, "value", &path)?
                    .map_or_else(|| err(&path, "missing key \"value\""), Ok)?,
            },
            "exit" => RawOp::Exit {
                by: match get_str(m, "by", &path)? {
                    None | Some("driver") => None,
                    Some(_) => Some(known("by")?),
                },
                to: known("to")?,
                reason: reason()?,
            },
            "exit_self" => RawOp::ExitSelf {
                by: known("by")?,
                reason: reason()?,
            },
            "error" => RawOp::Error {
                by: known("by")?,
                reason: reason()?,
            },
            "return" => RawOp::Return { by: known("by")? },
            "send" => RawOp::Send {
                by: known("by")?,
                to: known("to")?,
                msg: get_term(m, "msg", &path)?
                    .map_or_else(|| err(&path, "missing key \"msg\""), Ok)?,
            },
            "is_alive" => RawOp::IsAlive {
                target: known("target")?,
            },
            "sleep" => RawOp::Sleep {
                ms: get_uint(m, "ms", &path, MAX_MS)?
                    .map_or_else(|| err(&path, "missing key \"ms\""), Ok)?,
            },
            _ => unreachable!("ops were checked above"),
        };
        steps.push(RawStep { op: raw, settle_ms });
    }
    Ok(Body::Raw { steps })
}
