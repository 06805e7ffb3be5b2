//! Parsing and validating scenario JSON.
//!
//! Every key is checked against the keys its object may have, every value against its
//! type and range, every process path against the paths the tree and the steps can
//! create. Limits keep absurd input from turning into absurd work.

use super::*;
use crate::atom::Atom;
use crate::behaviour::gen_server::{InitResult, WorkerKind, WorkerSpec};
use crate::supervisor::spec::{AutoShutdown, ChildType, RestartType, Shutdown, StartFn, SupFlags};
use crate::term::{parse_term, quoted};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 4 << 20;
const MAX_STEPS: usize = 100_000;
const MAX_PROCESSES: usize = 100_000;
const MAX_DEPTH: usize = 32;
const MAX_MS: u64 = 1_000_000_000;
const MAX_NAME: usize = 128;
const MAX_INTENSITY: u64 = 1_000_000_000;
const MAX_FAULTS: usize = 10_000;

/// A problem with a scenario: where (a JSON path) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

type R<T> = Result<T, ScenarioError>;

fn err<T>(path: &str, message: impl Into<String>) -> R<T> {
    Err(ScenarioError {
        path: path.to_string(),
        message: message.into(),
    })
}

fn obj<'a>(v: &'a Value, path: &str) -> R<&'a Map<String, Value>> {
    v.as_object().map_or_else(
        || err(path, format!("expected an object, found {}", kind_of(v))),
        Ok,
    )
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_keys(m: &Map<String, Value>, allowed: &[&str], path: &str) -> R<()> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return err(
                &format!("{path}.{k}"),
                format!("unknown key (allowed here: {})", allowed.join(", ")),
            );
        }
    }
    Ok(())
}

fn get_str<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> R<Option<&'a str>> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => err(
            &format!("{path}.{key}"),
            format!("expected a string, found {}", kind_of(v)),
        ),
    }
}

fn req_str<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> R<&'a str> {
    get_str(m, key, path)?.map_or_else(|| err(path, format!("missing key \"{key}\"")), Ok)
}

fn get_bool(m: &Map<String, Value>, key: &str, path: &str) -> R<Option<bool>> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => err(
            &format!("{path}.{key}"),
            format!("expected true or false, found {}", kind_of(v)),
        ),
    }
}

fn get_uint(m: &Map<String, Value>, key: &str, path: &str, max: u64) -> R<Option<u64>> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(x) if x <= max => Ok(Some(x)),
            Some(x) => err(
                &format!("{path}.{key}"),
                format!("{x} is too large (at most {max})"),
            ),
            None => err(
                &format!("{path}.{key}"),
                format!("expected a non-negative integer, found {n}"),
            ),
        },
        Some(v) => err(
            &format!("{path}.{key}"),
            format!("expected an integer, found {}", kind_of(v)),
        ),
    }
}

fn term_at(s: &str, path: &str) -> R<Term> {
    parse_term(s).or_else(|e| err(path, format!("not an Erlang term ({e}): {}", quoted(s))))
}

fn get_term(m: &Map<String, Value>, key: &str, path: &str) -> R<Option<Term>> {
    match get_str(m, key, path)? {
        None => Ok(None),
        Some(s) => term_at(s, &format!("{path}.{key}")).map(Some),
    }
}

fn check_name(s: &str, path: &str, what: &str) -> R<()> {
    if s.is_empty() {
        return err(path, format!("{what} must not be empty"));
    }
    if s.chars().count() > MAX_NAME {
        return err(path, format!("{what} is longer than {MAX_NAME} characters"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| *c == '/' || c.is_whitespace() || c.is_control())
    {
        // the character between single quotes, escaped as in a string ('/', ' ', '\t')
        let c = quoted(&c.to_string());
        let c = &c[1..c.len() - 1];
        return err(
            path,
            format!(
                "{what} {} contains '{c}', which names cannot contain",
                quoted(s)
            ),
        );
    }
    Ok(())
}

/// Parses and validates a scenario.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_FILE_BYTES {
        return err(
            "",
            format!(
                "scenario is {} bytes, more than the {MAX_FILE_BYTES} allowed",
                text.len()
            ),
        );
    }
    let v: Value = serde_json::from_str(text).or_else(|e| {
        err(
            "",
            format!(
                "invalid JSON at line {} column {}: {}",
                e.line(),
                e.column(),
                strip_pos(&e.to_string())
            ),
        )
    })?;
    let m = obj(&v, "$")?;
    check_keys(
        m,
        &[
            "name",
            "description",
            "steps",
            "settle_ms",
            "tree",
            "family",
            "seed",
            "faults",
        ],
        "$",
    )?;
    let name = get_str(m, "name", "$")?.unwrap_or("scenario").to_string();
    let description = get_str(m, "description", "$")?.unwrap_or("").to_string();
    let seed = get_uint(m, "seed", "$", u64::MAX)?.unwrap_or(0);
    let family = get_str(m, "family", "$")?;
    let steps_v = match m.get("steps") {
        None => &[][..],
        Some(Value::Array(a)) => {
            if a.len() > MAX_STEPS {
                return err(
                    "$.steps",
                    format!("{} steps, more than the {MAX_STEPS} allowed", a.len()),
                );
            }
            &a[..]
        }
        Some(v) => {
            return err(
                "$.steps",
                format!("expected an array, found {}", kind_of(v)),
            )
        }
    };
    let (body, default_settle) = match (m.get("tree"), family) {
        (Some(tree), None | Some("sup") | Some("supervisor")) => (parse_sup(tree, steps_v)?, 100),
        (Some(_), Some(f)) => {
            return err("$.family", format!("\"{f}\" does not go with a \"tree\""))
        }
        (None, Some("raw")) | (None, None) if m.contains_key("steps") || family.is_some() => {
            (parse_raw(steps_v)?, 50)
        }
        (None, Some(f)) => {
            return err(
                "$.family",
                format!("unknown family \"{f}\" (expected \"raw\")"),
            )
        }
        (None, None) => {
            return err(
                "$",
                "a scenario needs a \"tree\" or \"family\": \"raw\" with \"steps\"",
            )
        }
    };
    let settle_ms = get_uint(m, "settle_ms", "$", MAX_MS)?.unwrap_or(default_settle);
    let faults = match m.get("faults") {
        None => Vec::new(),
        Some(f) => parse_faults(f, &body)?,
    };
    Ok(Scenario {
        name,
        description,
        settle_ms,
        seed,
        body,
        faults,
    })
}

fn strip_pos(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

// ---------------------------------------------------------------- the tree

/// What the validator knows about each process path the scenario can create.
#[derive(Default)]
struct Paths {
    kinds: BTreeMap<String, ChildType>,
    simple: BTreeSet<String>,
    count: usize,
}

impl Paths {
    fn add(&mut self, path: String, kind: ChildType, at: &str) -> R<()> {
        self.count += 1;
        if self.count > MAX_PROCESSES {
            return err(at, format!("more than {MAX_PROCESSES} processes"));
        }
        self.kinds.insert(path, kind);
        Ok(())
    }
}

const SUP_KEYS: &[&str] = &[
    "id",
    "kind",
    "strategy",
    "intensity",
    "period",
    "auto_shutdown",
    "children",
    "restart",
    "shutdown",
    "significant",
    "name",
];
const WORKER_KEYS: &[&str] = &[
    "id",
    "kind",
    "restart",
    "shutdown",
    "significant",
    "trap_exit",
    "init",
    "init_delay",
    "terminate_delay",
    "terminate_exit",
    "behaviour",
    "name",
    "initial",
];

fn parse_sup_spec(m: &Map<String, Value>, path: &str, depth: usize) -> R<SupSpec> {
    if depth > MAX_DEPTH {
        return err(path, format!("tree deeper than {MAX_DEPTH} levels"));
    }
    let strategy = match get_str(m, "strategy", path)? {
        None => Strategy::OneForOne,
        Some(s) => Strategy::parse(s).map_or_else(
            || {
                err(
                    &format!("{path}.strategy"),
                    format!("unknown strategy \"{s}\""),
                )
            },
            Ok,
        )?,
    };
    let intensity = get_uint(m, "intensity", path, MAX_INTENSITY)?.unwrap_or(3) as u32;
    let period = get_uint(m, "period", path, MAX_INTENSITY)?.unwrap_or(5) as u32;
    if period == 0 {
        return err(
            &format!("{path}.period"),
            "period must be at least 1 second",
        );
    }
    let auto_shutdown = match get_str(m, "auto_shutdown", path)? {
        None => AutoShutdown::Never,
        Some(s) => AutoShutdown::parse(s).map_or_else(
            || {
                err(
                    &format!("{path}.auto_shutdown"),
                    format!("unknown auto_shutdown \"{s}\""),
                )
            },
            Ok,
        )?,
    };
    let register = match get_str(m, "name", path)? {
        Some(n) => {
            check_name(n, &format!("{path}.name"), "name")?;
            Some(Atom::new(n))
        }
        None => None,
    };
    let children_v = match m.get("children") {
        None => &[][..],
        Some(Value::Array(a)) => &a[..],
        Some(v) => {
            return err(
                &format!("{path}.children"),
                format!("expected an array, found {}", kind_of(v)),
            )
        }
    };
    if strategy == Strategy::SimpleOneForOne && children_v.len() != 1 {
        return err(
            &format!("{path}.children"),
            format!(
                "a simple_one_for_one supervisor has exactly one child spec, found {}",
                children_v.len()
            ),
        );
    }
    let mut children = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, c) in children_v.iter().enumerate() {
        let cpath = format!("{path}.children[{i}]");
        let spec = parse_child(c, &cpath, depth + 1)?;
        if !ids.insert(spec.id.clone()) {
            return err(
                &format!("{cpath}.id"),
                format!("duplicate child id \"{}\"", spec.id_text()),
            );
        }
        children.push(Rc::new(spec));
    }
    Ok(SupSpec {
        flags: SupFlags {
            strategy,
            intensity,
            period,
            auto_shutdown,
        },
        children,
        register,
    })
}

/// `init`: a list is indexed by attempt; a single value applies to every attempt.
fn parse_init(v: &Value, path: &str) -> R<(Vec<InitResult>, Option<InitResult>)> {
    let one = |s: &Value, p: &str| -> R<InitResult> {
        let Value::String(s) = s else {
            return err(
                p,
                format!(
                    "expected \"ok\", \"ignore\" or \"{{stop,Reason}}\", found {}",
                    kind_of(s)
                ),
            );
        };
        let t = term_at(s, p)?;
        if t.is_atom(Atom::OK) {
            return Ok(InitResult::Ok);
        }
        if t.is_atom(Atom::IGNORE) {
            return Ok(InitResult::Ignore);
        }
        match t.as_tuple() {
            Some([tag, r]) if tag.is_atom(Atom::STOP) => Ok(InitResult::Stop(r.clone())),
            _ => err(
                p,
                format!(
                    "expected \"ok\", \"ignore\" or \"{{stop,Reason}}\", found {}",
                    quoted(s)
                ),
            ),
        }
    };
    match v {
        Value::Array(a) => {
            if a.len() > 1000 {
                return err(path, "more than 1000 init results");
            }
            let l = a
                .iter()
                .enumerate()
                .map(|(i, x)| one(x, &format!("{path}[{i}]")))
                .collect::<R<Vec<_>>>()?;
            Ok((l, None))
        }
        other => Ok((Vec::new(), Some(one(other, path)?))),
    }
}

fn parse_child(v: &Value, path: &str, depth: usize) -> R<ChildSpec> {
    let m = obj(v, path)?;
    let id = req_str(m, "id", path)?;
    check_name(id, &format!("{path}.id"), "id")?;
    let kind = match get_str(m, "kind", path)? {
        None | Some("worker") => ChildType::Worker,
        Some("supervisor") => ChildType::Supervisor,
        Some(k) => {
            return err(
                &format!("{path}.kind"),
                format!("unknown kind \"{k}\" (worker or supervisor)"),
            )
        }
    };
    check_keys(
        m,
        if kind == ChildType::Worker {
            WORKER_KEYS
        } else {
            SUP_KEYS
        },
        path,
    )?;
    let restart = match get_str(m, "restart", path)? {
        None => RestartType::Permanent,
        Some(s) => RestartType::parse(s).map_or_else(
            || {
                err(
                    &format!("{path}.restart"),
                    format!("unknown restart type \"{s}\""),
                )
            },
            Ok,
        )?,
    };
    let shutdown = match m.get("shutdown") {
        None if kind == ChildType::Worker => Shutdown::Timeout(5000),
        None => Shutdown::Infinity,
        Some(Value::String(s)) if s == "brutal_kill" => Shutdown::BrutalKill,
        Some(Value::String(s)) if s == "infinity" => Shutdown::Infinity,
        Some(Value::Number(_)) => {
            Shutdown::Timeout(get_uint(m, "shutdown", path, MAX_MS)?.unwrap_or(0))
        }
        Some(v) => {
            return err(
                &format!("{path}.shutdown"),
                format!("expected milliseconds, \"brutal_kill\" or \"infinity\", found {v}"),
            )
        }
    };
    let significant = get_bool(m, "significant", path)?.unwrap_or(false);
    let start = match kind {
        ChildType::Supervisor => StartFn::Supervisor(Rc::new(parse_sup_spec(m, path, depth)?)),
        ChildType::Worker => {
            let behaviour = match get_str(m, "behaviour", path)? {
                None | Some("generic") | Some("worker") => WorkerKind::Generic,
                Some("counter") => WorkerKind::Counter,
                Some("printer") => WorkerKind::Printer,
                Some(b) => {
                    return err(
                        &format!("{path}.behaviour"),
                        format!("unknown behaviour \"{b}\" (generic, counter or printer)"),
                    )
                }
            };
            let mut ws = WorkerSpec::new(behaviour);
            ws.trap_exit = get_bool(m, "trap_exit", path)?.unwrap_or(false);
            if let Some(iv) = m.get("init") {
                (ws.init, ws.init_always) = parse_init(iv, &format!("{path}.init"))?;
            }
            ws.init_delay_us = get_uint(m, "init_delay", path, MAX_MS)?.unwrap_or(0) * 1000;
            ws.terminate_delay_us =
                get_uint(m, "terminate_delay", path, MAX_MS)?.unwrap_or(0) * 1000;
            ws.terminate_exit = get_term(m, "terminate_exit", path)?;
            if let Some(n) = get_str(m, "name", path)? {
                check_name(n, &format!("{path}.name"), "name")?;
                ws.register = Some(Atom::new(n));
            }
            ws.initial = match m.get("initial") {
                None => 0,
                Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
                Some(v) => {
                    return err(
                        &format!("{path}.initial"),
                        format!("expected an integer, found {v}"),
                    )
                }
            };
            StartFn::Worker(Rc::new(ws))
        }
    };
    Ok(ChildSpec {
        id: Term::atom(id),
        start,
        restart,
        shutdown,
        child_type: kind,
        significant,
    })
}

/// Records every path a (sub)tree rooted at `path` creates.
fn collect_paths(spec: &SupSpec, path: &str, paths: &mut Paths, at: &str) -> R<()> {
    if spec.flags.strategy == Strategy::SimpleOneForOne {
        paths.simple.insert(path.to_string());
        return Ok(());
    }
    for c in &spec.children {
        let p = format!("{path}/{}", c.id_text());
        paths.add(p.clone(), c.child_type, at)?;
        if let StartFn::Supervisor(s) = &c.start {
            collect_paths(s, &p, paths, at)?;
        }
    }
    Ok(())
}

fn parse_sup(tree: &Value, steps_v: &[Value]) -> R<Body> {
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

/// The template child of every simple_one_for_one supervisor in the static tree.
fn templates_of(spec: &SupSpec, path: &str) -> BTreeMap<String, Rc<ChildSpec>> {
    let mut out = BTreeMap::new();
    if spec.flags.strategy == Strategy::SimpleOneForOne {
        if let Some(t) = spec.children.first() {
            out.insert(path.to_string(), t.clone());
        }
        return out;
    }
    for c in &spec.children {
        if let StartFn::Supervisor(s) = &c.start {
            out.extend(templates_of(s, &format!("{path}/{}", c.id_text())));
        }
    }
    out
}

/// The text of a step value as the trace's step line prints it (`str/1`).
fn summary_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_sup_step(v: &Value, path: &str, paths: &Paths) -> R<SupStep> {
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
        "sleep" | "align" => &["op", "ms", "settle_ms"],
        _ => {
            return err(
                &format!("{path}.op"),
                format!(
                    "unknown op \"{op}\" (supervisor scenarios: exit, crash, terminate_child, restart_child, \
                     delete_child, start_child, which_children, count_children, stop, sleep, align, pause, \
                     resume, change_strategy)"
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

// ---------------------------------------------------------------- raw family

fn parse_raw(steps_v: &[Value]) -> R<Body> {
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

// ---------------------------------------------------------------- faults

fn parse_faults(v: &Value, body: &Body) -> R<Vec<Fault>> {
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
