//! The supervision tree of a scenario: supervisor and worker specs (flags, children,
//! init scripts, shutdowns) and every path the tree can create.

use super::*;

/// What the validator knows about each process path the scenario can create.
#[derive(Default)]
pub(super) struct Paths {
    pub(super) kinds: BTreeMap<String, ChildType>,
    pub(super) simple: BTreeSet<String>,
    count: usize,
}

impl Paths {
    pub(super) fn add(&mut self, path: String, kind: ChildType, at: &str) -> R<()> {
        self.count += 1;
        if self.count > MAX_PROCESSES {
            return err(at, format!("more than {MAX_PROCESSES} processes"));
        }
        self.kinds.insert(path, kind);
        Ok(())
    }
}

pub(super) const SUP_KEYS: &[&str] = &[
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
pub(super) const WORKER_KEYS: &[&str] = &[
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
    "handle_delay",
    "to",
    "request",
    "every",
    "call_timeout",
    "cast",
];

pub(super) fn parse_sup_spec(m: &Map<String, Value>, path: &str, depth: usize) -> R<SupSpec> {
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
pub(super) fn parse_init(v: &Value, path: &str) -> R<(Vec<InitResult>, Option<InitResult>)> {
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

pub(super) fn parse_child(v: &Value, path: &str, depth: usize) -> R<ChildSpec> {
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
                Some("client") => WorkerKind::Client,
                Some(b) => {
                    return err(
                        &format!("{path}.behaviour"),
                        format!("unknown behaviour \"{b}\" (generic, counter, printer or client)"),
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
            ws.handle_delay_us = get_uint(m, "handle_delay", path, MAX_MS)?.unwrap_or(0) * 1000;
            ws.client = parse_client(m, path, behaviour)?;
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

/// A client's plan: `"to"` (a registered name, required), `"every"` (ms, at least 1,
/// required), `"request"` (a term, default `work`), `"call_timeout"` (ms or
/// `"infinity"`, default 5000, as `gen_server:call/2`) and `"cast"` (default false). The
/// keys belong to clients only.
fn parse_client(m: &Map<String, Value>, path: &str, kind: WorkerKind) -> R<Option<ClientPlan>> {
    const KEYS: [&str; 5] = ["to", "request", "every", "call_timeout", "cast"];
    if kind != WorkerKind::Client {
        return match KEYS.iter().find(|k| m.contains_key(**k)) {
            Some(k) => err(
                &format!("{path}.{k}"),
                "only a worker with \"behaviour\": \"client\" sends requests".to_string(),
            ),
            None => Ok(None),
        };
    }
    let to = match get_str(m, "to", path)? {
        Some(n) => {
            check_name(n, &format!("{path}.to"), "name")?;
            Atom::new(n)
        }
        None => {
            return err(
                &format!("{path}.to"),
                "a client needs the registered name it calls".to_string(),
            )
        }
    };
    let every_us = match get_uint(m, "every", path, MAX_MS)? {
        Some(ms) if ms >= 1 => ms * 1000,
        _ => {
            return err(
                &format!("{path}.every"),
                "a client needs the milliseconds between its requests (at least 1)".to_string(),
            )
        }
    };
    let timeout_us = match m.get("call_timeout") {
        None => Some(5_000_000),
        Some(Value::String(s)) if s == "infinity" => None,
        Some(Value::Number(_)) => get_uint(m, "call_timeout", path, MAX_MS)?.map(|ms| ms * 1000),
        Some(v) => {
            return err(
                &format!("{path}.call_timeout"),
                format!("expected milliseconds or \"infinity\", found {v}"),
            )
        }
    };
    Ok(Some(ClientPlan {
        to,
        request: get_term(m, "request", path)?.unwrap_or_else(|| Term::atom("work")),
        every_us,
        timeout_us,
        cast: get_bool(m, "cast", path)?.unwrap_or(false),
    }))
}

/// Records every path a (sub)tree rooted at `path` creates.
pub(super) fn collect_paths(spec: &SupSpec, path: &str, paths: &mut Paths, at: &str) -> R<()> {
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

/// The template child of every simple_one_for_one supervisor in the static tree.
pub(super) fn templates_of(spec: &SupSpec, path: &str) -> BTreeMap<String, Rc<ChildSpec>> {
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
pub(super) fn summary_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
