//! The supervisor family's body: the tree and its steps (`start_child`, `exit`,
//! `terminate_child`, `sleep`…), each checked against the paths the tree and earlier
//! steps create.

use super::tree::{
    collect_paths, parse_child, parse_sup_spec, summary_value, templates_of, Paths, SUP_KEYS,
};
use super::*;

pub(super) fn parse_sup(tree: &Value, steps_v: &[Value]) -> R<Body> {
    let m = obj(tree, "$.tree")?;
    check_keys(m, SUP_KEYS, "$.tree")?;
    match get_str(m, "kind", "$.tree")? {
        None | Some("supervisor") => {}
        Some(k) => {
            return err(
                "$.tree.kind",
                format!("the root must be a supervisor, found \"{k}\""),
            )
        }
    }
    let root_id = get_str(m, "id", "$.tree")?.unwrap_or("root").to_string();
    check_name(&root_id, "$.tree.id", "id")?;
    let spec = parse_sup_spec(m, "$.tree", 0)?;
    let mut paths = Paths::default();
    paths.add(root_id.clone(), ChildType::Supervisor, "$.tree")?;
    collect_paths(&spec, &root_id, &mut paths, "$.tree")?;
    let templates = templates_of(&spec, &root_id);
    // First pass: paths that start_child steps can create.
    for (i, s) in steps_v.iter().enumerate() {
        let at = format!("$.steps[{i}]");
        let Some(sm) = s.as_object() else { continue };
        if sm.get("op").and_then(Value::as_str) != Some("start_child") {
            continue;
        }
        let Some(sup) = sm.get("sup").and_then(Value::as_str) else {
            continue;
        };
        if let Some(sv) = sm.get("spec") {
            let cs = parse_child(sv, &format!("{at}.spec"), 1)?;
            let p = format!("{sup}/{}", cs.id_text());
            paths.add(p.clone(), cs.child_type, &at)?;
            if let StartFn::Supervisor(ss) = &cs.start {
                collect_paths(ss, &p, &mut paths, &at)?;
            }
        } else if let Some(a) = sm.get("args").and_then(Value::as_str) {
            if let Some(t) = templates.get(sup) {
                let p = format!("{sup}/{a}");
                paths.add(p.clone(), t.child_type, &at)?;
                if let StartFn::Supervisor(ss) = &t.start {
                    collect_paths(ss, &p, &mut paths, &at)?;
                }
            }
        }
    }
    let steps = steps_v
        .iter()
        .enumerate()
        .map(|(i, s)| parse_sup_step(s, &format!("$.steps[{i}]"), &paths))
        .collect::<R<Vec<_>>>()?;
    Ok(Body::Sup {
        root_id,
        tree: Rc::new(spec),
        steps,
    })
}

pub(super) fn parse_sup_step(v: &Value, path: &str, paths: &Paths) -> R<SupStep> {
    let m = obj(v, path)?;
    let op = req_str(m, "op", path)?;
    let keys: &[&str] = match op {
        "exit" => &["op", "target", "reason", "settle_ms"],
        "crash" | "stop" => &["op", "target", "reason", "settle_ms"],
        "terminate_child" => &["op", "sup", "child", "pid", "settle_ms"],
        "restart_child" | "delete_child" => &["op", "sup", "child", "settle_ms"],
        "start_child" => &["op", "sup", "spec", "args", "settle_ms"],
        "which_children" | "count_children" | "pause" | "resume" => &["op", "sup", "settle_ms"],
        "change_strategy" => &["op", "sup", "strategy", "settle_ms"],
        "change_intensity" => &["op", "sup", "intensity", "period", "settle_ms"],
        "sleep" | "align" => &["op", "ms", "settle_ms"],
        _ => {
            return err(
                &format!("{path}.op"),
                format!(
                    "unknown op \"{op}\" (supervisor scenarios: exit, crash, terminate_child, restart_child, \
                     delete_child, start_child, which_children, count_children, stop, sleep, align, pause, \
                     resume, change_strategy, change_intensity)"
                ),
            )
        }
    };
    check_keys(m, keys, path)?;
    let settle_ms = get_uint(m, "settle_ms", path, MAX_MS)?;
    let process = |key: &str| -> R<String> {
        let p = req_str(m, key, path)?;
        if paths.kinds.contains_key(p) {
            Ok(p.to_string())
        } else {
            err(
                &format!("{path}.{key}"),
                format!("unknown process path \"{p}\""),
            )
        }
    };
    let sup = || -> R<String> {
        let p = process("sup")?;
        if paths.kinds.get(&p) == Some(&ChildType::Supervisor) {
            Ok(p)
        } else {
            err(
                &format!("{path}.sup"),
                format!("\"{p}\" is a worker, not a supervisor"),
            )
        }
    };
    let child_id = || -> R<Term> {
        let c = req_str(m, "child", path)?;
        check_name(c, &format!("{path}.child"), "child id")?;
        Ok(Term::atom(c))
    };
    let reason = |default: Option<Term>| -> R<Term> {
        match get_term(m, "reason", path)? {
            Some(t) => Ok(t),
            None => default.map_or_else(|| err(path, "missing key \"reason\""), Ok),
        }
    };
    let op_v = match op {
        "exit" => SupOp::Exit {
            target: process("target")?,
            reason: reason(None)?,
        },
        "crash" => {
            let target = process("target")?;
            if paths.kinds.get(&target) != Some(&ChildType::Worker) {
                return err(
                    &format!("{path}.target"),
                    format!("\"{target}\" is a supervisor; crash needs a worker"),
                );
            }
            SupOp::Crash {
                target,
                reason: reason(Some(Term::atom("crash")))?,
            }
        }
        "stop" => SupOp::Stop {
            target: process("target")?,
            reason: reason(Some(Term::NORMAL))?,
        },
        "terminate_child" => {
            let s = sup()?;
            let child = match (m.contains_key("child"), m.contains_key("pid")) {
                (true, false) => ChildArg::Id(child_id()?),
                (false, true) => ChildArg::Pid(process("pid")?),
                _ => {
                    return err(
                        path,
                        "terminate_child needs exactly one of \"child\" or \"pid\"",
                    )
                }
            };
            SupOp::TerminateChild { sup: s, child }
        }
        "restart_child" => SupOp::RestartChild {
            sup: sup()?,
            child: child_id()?,
        },
        "delete_child" => SupOp::DeleteChild {
            sup: sup()?,
            child: child_id()?,
        },
        "start_child" => {
            let s = sup()?;
            let simple = paths.simple.contains(&s);
            let arg = match (m.get("spec"), get_str(m, "args", path)?) {
                (Some(sv), None) if !simple => {
                    StartArg::Spec(Rc::new(parse_child(sv, &format!("{path}.spec"), 1)?))
                }
                (None, Some(a)) if simple => {
                    check_name(a, &format!("{path}.args"), "instance name")?;
                    StartArg::Args(a.to_string())
                }
                (Some(_), None) => {
                    return err(
                        &format!("{path}.spec"),
                        format!("\"{s}\" is simple_one_for_one: use \"args\""),
                    )
                }
                (None, Some(_)) => {
                    return err(
                        &format!("{path}.args"),
                        format!("\"{s}\" is not simple_one_for_one: use \"spec\""),
                    )
                }
                _ => {
                    return err(
                        path,
                        "start_child needs exactly one of \"spec\" or \"args\"",
                    )
                }
            };
            SupOp::StartChild { sup: s, arg }
        }
        "which_children" => SupOp::WhichChildren { sup: sup()? },
        "count_children" => SupOp::CountChildren { sup: sup()? },
        "pause" => SupOp::Pause { sup: sup()? },
        "resume" => SupOp::Resume { sup: sup()? },
        "change_strategy" => {
            let s = sup()?;
            let name = req_str(m, "strategy", path)?;
            let strategy = Strategy::parse(name).map_or_else(
                || {
                    err(
                        &format!("{path}.strategy"),
                        format!("unknown strategy \"{name}\""),
                    )
                },
                Ok,
            )?;
            SupOp::ChangeStrategy { sup: s, strategy }
        }
        "change_intensity" => {
            let s = sup()?;
            let need = |key: &str, max: u64| -> R<u32> {
                let v = get_uint(m, key, path, max)?
                    .map_or_else(|| err(path, format!("missing key \"{key}\"")), Ok)?;
                Ok(v as u32)
            };
            let intensity = need("intensity", 1_000_000)?;
            let period = need("period", 86_400)?;
            if period == 0 {
                return err(&format!("{path}.period"), "a period is at least 1 second");
            }
            SupOp::ChangeIntensity {
                sup: s,
                intensity,
                period,
            }
        }
        "sleep" => SupOp::Sleep {
            ms: get_uint(m, "ms", path, MAX_MS)?
                .map_or_else(|| err(path, "missing key \"ms\""), Ok)?,
        },
        "align" => SupOp::Align {
            ms: get_uint(m, "ms", path, MAX_MS)?.unwrap_or(0),
        },
        _ => unreachable!("ops were checked above"),
    };
    let mut parts = vec![op.to_string()];
    for k in ["target", "sup", "child", "pid", "args", "reason", "ms"] {
        if let Some(s) = m.get(k).and_then(summary_value) {
            parts.push(s);
        }
    }
    if let Some(Value::Object(sp)) = m.get("spec") {
        parts.push(
            sp.get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
        );
    }
    Ok(SupStep {
        op: op_v,
        settle_ms,
        summary: parts.join(" "),
    })
}
