//! From a looked-up call to a [`Command`]: reading its arguments as processes, child
//! selectors, child specs, instance names and strategies, with IEx-style
//! `ArgumentError`s (or the Erlang shell's `bad argument`) when they do not fit.

use super::{lookup, show_fn, Call, Op, Syntax};
use crate::command::{
    elixir_term, ChildSel, Command, Flavor, Query, StartSpec, Target, SEVERITIES, TIME_RANGES,
};

/// What a chart's aggregation must be.
const AGGREGATION_WORDS: &str =
    "must be :avg, :sum, :min, :max, :count or a percentile such as :p95";

/// `avg`, `sum`, `min`, `max`, `count` or `pN` (N from 0 to 100).
fn is_aggregation(a: &str) -> bool {
    ["avg", "sum", "min", "max", "count"].contains(&a)
        || a.strip_prefix('p')
            .and_then(|p| p.parse::<f64>().ok())
            .is_some_and(|p| (0.0..=100.0).contains(&p))
}

/// What `Control.get_metrics/2`'s time range must be.
const TIME_RANGE_WORDS: &str =
    "must be :last_10_seconds, :last_minute, :last_10_minutes, :last_hour or :all";
use otp_lab_sim::atom::Atom;
use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::supervisor::spec::{RestartType, Strategy};
use otp_lab_sim::term::Term;

/// Checks a call against the table and builds its command.
pub(super) fn command(call: &Call, syntax: Syntax) -> Result<Command, String> {
    let f = lookup(call, syntax)?;
    let cx = Ctx {
        syntax,
        shown: show_fn(
            call.module.as_deref().unwrap_or(""),
            &call.name,
            call.args.len(),
            call.erlang,
            syntax,
        ),
    };
    let args = call.args.as_slice();
    // Elixir's Process functions answer nil where Erlang's BIFs answer undefined
    let flavor = if call.erlang || syntax == Syntax::Erlang {
        Flavor::Erlang
    } else {
        Flavor::Elixir
    };
    Ok(match (f.op, args) {
        (Op::WhichChildren | Op::DynWhichChildren, [s]) => Command::WhichChildren {
            sup: cx.target(s, 1)?,
        },
        (Op::CountChildren | Op::DynCountChildren, [s]) => Command::CountChildren {
            sup: cx.target(s, 1)?,
        },
        (Op::TerminateChild, [s, c]) => Command::TerminateChild {
            sup: cx.target(s, 1)?,
            child: cx.child(c),
        },
        (Op::DynTerminateChild, [s, c]) => Command::TerminateChild {
            sup: cx.target(s, 1)?,
            child: match cx.child(c) {
                ChildSel::Pid(t) => ChildSel::Pid(t),
                ChildSel::Id(_) => {
                    return Err(cx.bad_arg(2, "must be the child's pid or tree path", c))
                }
            },
        },
        (Op::RestartChild, [s, id]) => Command::RestartChild {
            sup: cx.target(s, 1)?,
            id: id.clone(),
        },
        (Op::DeleteChild, [s, id]) => Command::DeleteChild {
            sup: cx.target(s, 1)?,
            id: id.clone(),
        },
        (Op::StartChild, [s, spec]) => Command::StartChild {
            sup: cx.target(s, 1)?,
            spec: cx.start_spec(spec)?,
        },
        (Op::DynStartChild, [s, a]) => Command::StartChild {
            sup: cx.target(s, 1)?,
            spec: StartSpec::Args(cx.instance(a)),
        },
        (Op::Exit, [p, r]) => Command::Exit {
            target: cx.target(p, 1)?,
            reason: r.clone(),
        },
        (Op::Info, [p]) => Command::Info {
            target: cx.target(p, 1)?,
            flavor,
        },
        (Op::Info, [p, items]) => Command::InfoItems {
            target: cx.target(p, 1)?,
            items: cx.info_items(items)?,
            flavor,
        },
        (Op::Stop, [p, rest @ ..]) => Command::Stop {
            target: cx.target(p, 1)?,
            // the timeout is not the lab's to wait for: stops wait as calls do
            reason: rest.first().cloned().unwrap_or(Term::NORMAL),
        },
        (Op::SelfPid, []) => Command::SelfPid,
        (Op::Flush, []) => Command::Flush,
        (Op::Alive, [p]) => Command::Alive {
            target: cx.target(p, 1)?,
        },
        (Op::Whereis, [name @ Term::Atom(_)]) => Command::Whereis {
            name: name.clone(),
            flavor,
        },
        (Op::Whereis, [other]) => {
            return Err(cx.bad_arg(1, "must be a registered name (an atom)", other))
        }
        (Op::Processes, []) => Command::Processes,
        (Op::SysGetState, [p]) => Command::Sys {
            target: cx.target(p, 1)?,
            status: false,
        },
        (Op::SysGetStatus, [p]) => Command::Sys {
            target: cx.target(p, 1)?,
            status: true,
        },
        (Op::Unlink, [p]) => Command::Unlink {
            target: cx.target(p, 1)?,
        },
        (Op::Demonitor, [r]) => Command::Demonitor {
            mref: cx.reference(r)?,
            opts: Term::list(vec![]),
        },
        (Op::Demonitor, [r, opts]) => Command::Demonitor {
            mref: cx.reference(r)?,
            opts: cx.demonitor_opts(opts)?,
        },
        (Op::TrapExit, [flag, value]) => {
            if !flag.is_atom(Atom::new("trap_exit")) {
                return Err(cx.bad_arg(
                    1,
                    "must be trap_exit (the only flag the shell sets)",
                    flag,
                ));
            }
            Command::TrapExit {
                value: match value.as_atom() {
                    Some(a) if a == Atom::TRUE => true,
                    Some(a) if a == Atom::FALSE => false,
                    _ => return Err(cx.bad_arg(2, "must be a boolean", value)),
                },
            }
        }
        (Op::Link, [p]) => Command::Link {
            target: cx.target(p, 1)?,
        },
        (Op::Monitor, [p]) => Command::Monitor {
            target: cx.target(p, 1)?,
        },
        (Op::Monitor, [kind, p]) => {
            if !kind.is_atom(Atom::PROCESS) {
                return Err(cx.bad_arg(1, "must be process (the lab has no ports or nodes)", kind));
            }
            Command::Monitor {
                target: cx.target(p, 2)?,
            }
        }
        (Op::Send, [p, m]) => Command::Send {
            target: cx.target(p, 1)?,
            msg: m.clone(),
        },
        (Op::Call, [p, m]) => Command::Call {
            target: cx.target(p, 1)?,
            msg: m.clone(),
        },
        (Op::Cast, [p, m]) => Command::Cast {
            target: cx.target(p, 1)?,
            msg: m.clone(),
        },
        (Op::Crash, [p]) => Command::Crash {
            target: cx.target(p, 1)?,
            reason: Term::Atom(Atom::CRASH),
        },
        (Op::Crash, [p, r]) => Command::Crash {
            target: cx.target(p, 1)?,
            reason: r.clone(),
        },
        (Op::Pause, [s]) => Command::Pause {
            sup: cx.target(s, 1)?,
        },
        (Op::Resume, [s]) => Command::Resume {
            sup: cx.target(s, 1)?,
        },
        (Op::ChangeStrategy, [s, st]) => Command::ChangeStrategy {
            sup: cx.target(s, 1)?,
            strategy: match st.as_atom().and_then(|a| Strategy::parse(&a.name())) {
                Some(strategy) => strategy,
                None => {
                    let names = match syntax {
                        Syntax::Elixir => ":one_for_one, :one_for_all or :rest_for_one",
                        Syntax::Erlang => "one_for_one, one_for_all or rest_for_one",
                    };
                    return Err(cx.bad_arg(2, &format!("must be a strategy: {names}"), st));
                }
            },
        },
        (Op::RestartHistory, [s]) => Command::Analytics(Query::RestartHistory(cx.target(s, 1)?)),
        (Op::SupervisorAnalytics, []) => Command::Analytics(Query::SupervisorAnalytics),
        (Op::FailureRate, [s, rest @ ..]) => {
            let ms = match rest {
                [] => 60_000,
                [Term::Int(ms)] if *ms > 0 => *ms as u64,
                [other, ..] => {
                    return Err(cx.bad_arg(
                        2,
                        "must be a window in milliseconds (1 or more)",
                        other,
                    ))
                }
            };
            Command::Analytics(Query::FailureRate(cx.target(s, 1)?, ms))
        }
        (Op::Health, []) => Command::Analytics(Query::Health),
        (Op::Metrics, [metric, rest @ ..]) => {
            let Term::Atom(m) = metric else {
                return Err(cx.bad_arg(1, "must be a metric's name, an atom", metric));
            };
            let range = match rest {
                [] => "last_minute",
                [Term::Atom(r)] => match TIME_RANGES.iter().find(|(n, _)| *n == &*r.name()) {
                    Some((n, _)) => n,
                    None => return Err(cx.bad_arg(2, TIME_RANGE_WORDS, &rest[0])),
                },
                [other, ..] => return Err(cx.bad_arg(2, TIME_RANGE_WORDS, other)),
            };
            Command::Analytics(Query::Metrics(m.name().to_string(), range))
        }
        (Op::AddAlert, [name, field, op, threshold, severity, hold]) => {
            let threshold = match threshold {
                Term::Int(v) => *v as f64,
                Term::Float(v) => *v,
                _ => return Err(cx.bad_arg(4, "must be a number", threshold)),
            };
            Command::Analytics(Query::AddAlert {
                name: cx.atom(name, 1, "must be the rule's name, an atom")?,
                field: cx.atom(field, 2, "must be a dashboard field, an atom")?,
                above: cx.one_of(op, 3, &["below", "above"], "must be :above or :below")? == 1,
                threshold,
                severity: SEVERITIES[cx.one_of(
                    severity,
                    5,
                    &SEVERITIES,
                    "must be :info, :warning or :critical",
                )?],
                hold_ms: cx.int_in(
                    hold,
                    6,
                    0,
                    86_400_000,
                    "must be a time in milliseconds (0 to a day)",
                )?,
            })
        }
        (Op::RemoveAlert, [name]) => Command::Analytics(Query::RemoveAlert(cx.atom(
            name,
            1,
            "must be the rule's name, an atom",
        )?)),
        (Op::AddChart, [metric, aggregation, bucket]) => Command::Analytics(Query::AddChart {
            metric: cx.atom(metric, 1, "must be a metric's name, an atom")?,
            aggregation: match cx.atom(aggregation, 2, AGGREGATION_WORDS)? {
                a if is_aggregation(&a) => a,
                _ => return Err(cx.bad_arg(2, AGGREGATION_WORDS, aggregation)),
            },
            bucket_ms: cx.int_in(
                bucket,
                3,
                1,
                3_600_000,
                "must be a bucket in milliseconds (1 to an hour)",
            )?,
        }),
        (Op::RemoveChart, [m, a]) => Command::Analytics(Query::RemoveChart(
            cx.atom(m, 1, "must be a metric's name, an atom")?,
            cx.atom(a, 2, AGGREGATION_WORDS)?,
        )),
        (Op::ChangeIntensity, [s, i, p]) => {
            let count = |t: &Term, n: usize, min: i64, what: &str| match t {
                Term::Int(v) if (min..=1_000_000).contains(v) => Ok(*v as u32),
                _ => Err(cx.bad_arg(n, what, t)),
            };
            Command::ChangeIntensity {
                sup: cx.target(s, 1)?,
                intensity: count(i, 2, 0, "must be a whole number of restarts (0 or more)")?,
                period: count(p, 3, 1, "must be a period in whole seconds (1 or more)")?,
            }
        }
        _ => {
            return Err(format!(
                "{} cannot be called that way. Type h for help.",
                cx.shown
            ))
        }
    })
}

/// What argument errors need to know about the call.
struct Ctx {
    syntax: Syntax,
    /// The function as written, with its arity (`Supervisor.which_children/1`).
    shown: String,
}

impl Ctx {
    fn show(&self, t: &Term) -> String {
        match self.syntax {
            Syntax::Elixir => elixir_term(t),
            Syntax::Erlang => t.to_text(),
        }
    }

    /// `** (ArgumentError) Process.exit/2: argument 1 must be …, got: 42`.
    /// Argument `n` as an atom's name.
    fn atom(&self, t: &Term, n: usize, what: &str) -> Result<String, String> {
        match t {
            Term::Atom(a) => Ok(a.name().to_string()),
            _ => Err(self.bad_arg(n, what, t)),
        }
    }

    /// Argument `n` as the index of one of these atoms.
    fn one_of(&self, t: &Term, n: usize, names: &[&str], what: &str) -> Result<usize, String> {
        let name = self.atom(t, n, what)?;
        names
            .iter()
            .position(|x| *x == name)
            .ok_or_else(|| self.bad_arg(n, what, t))
    }

    /// Argument `n` as a whole number from `min` to `max`.
    fn int_in(&self, t: &Term, n: usize, min: i64, max: i64, what: &str) -> Result<u64, String> {
        match t {
            Term::Int(v) if (min..=max).contains(v) => Ok(*v as u64),
            _ => Err(self.bad_arg(n, what, t)),
        }
    }

    fn bad_arg(&self, n: usize, what: &str, got: &Term) -> String {
        let got = self.show(got);
        match self.syntax {
            Syntax::Elixir => format!(
                "** (ArgumentError) {}: argument {n} {what}, got: {got}",
                self.shown
            ),
            Syntax::Erlang => format!(
                "** exception error: bad argument in {}: argument {n} {what}, got: {got}",
                self.shown
            ),
        }
    }

    /// Argument `n` as a process.
    fn target(&self, t: &Term, n: usize) -> Result<Target, String> {
        match t {
            Term::Atom(a) => Ok(Target::Name(a.name().to_string())),
            Term::Pid(p) => Ok(Target::Pid(p.serial())),
            Term::Binary(b) => match std::str::from_utf8(b) {
                Ok(s) => Ok(Target::Path(s.to_string())),
                Err(_) => Err(self.not_a_target(n, t)),
            },
            Term::List(_) if self.syntax == Syntax::Erlang => match charlist(t) {
                Some(s) => Ok(Target::Path(s)),
                None => Err(self.not_a_target(n, t)),
            },
            _ => Err(self.not_a_target(n, t)),
        }
    }

    /// A monitor reference (`#Reference<0.0.0.7>` or a variable holding one).
    fn reference(&self, t: &Term) -> Result<Term, String> {
        match t {
            Term::Ref(_) => Ok(t.clone()),
            _ => Err(self.bad_arg(1, "must be a reference", t)),
        }
    }

    /// `demonitor/2`'s options: a list of `flush` and `info`.
    fn demonitor_opts(&self, t: &Term) -> Result<Term, String> {
        let ok = matches!(t, Term::List(items) if items.iter().all(|o| {
            o.is_atom(Atom::new("flush")) || o.is_atom(Atom::new("info"))
        }));
        if ok {
            Ok(t.clone())
        } else {
            Err(self.bad_arg(2, "must be a list of flush and info", t))
        }
    }

    /// `process_info/2`'s item: an atom or a list of atoms.
    fn info_items(&self, t: &Term) -> Result<Term, String> {
        let ok = match t {
            Term::Atom(_) => true,
            Term::List(items) => items.iter().all(|i| matches!(i, Term::Atom(_))),
            _ => false,
        };
        if ok {
            Ok(t.clone())
        } else {
            Err(self.bad_arg(2, "must be an item name or a list of them", t))
        }
    }

    fn not_a_target(&self, n: usize, t: &Term) -> String {
        let forms = match self.syntax {
            Syntax::Elixir => {
                "must be a process: a name like :demo, a tree path like \"demo/counter_1\" or a pid like pid(\"0.84.0\")"
            }
            Syntax::Erlang => {
                "must be a process: a name like demo, a tree path like \"demo/counter_1\" or a pid like <0.84.0>"
            }
        };
        self.bad_arg(n, forms, t)
    }

    /// `terminate_child`'s child: a path or pid is a process, anything else an id.
    fn child(&self, t: &Term) -> ChildSel {
        match t {
            Term::Pid(_) | Term::Binary(_) | Term::List(_) => match self.target(t, 2) {
                Ok(target) => ChildSel::Pid(target),
                Err(_) => ChildSel::Id(t.clone()),
            },
            _ => ChildSel::Id(t.clone()),
        }
    }

    /// An instance name: `"job_4"` → `job_4`, `{Counter, x}` → `x`, a map spec's single
    /// start argument, anything else as it is.
    fn instance(&self, t: &Term) -> Term {
        let name = |t: &Term| match t {
            Term::Binary(b) => match std::str::from_utf8(b) {
                Ok(s) => Term::atom(s),
                Err(_) => t.clone(),
            },
            Term::List(_) if self.syntax == Syntax::Erlang => match charlist(t) {
                Some(s) => Term::atom(&s),
                None => t.clone(),
            },
            _ => t.clone(),
        };
        match t {
            Term::Tuple(items) => match &items[..] {
                [Term::Atom(m), x] if m.name().starts_with("Elixir.") => name(x),
                _ => t.clone(),
            },
            Term::Map(entries) => {
                let start = entries.iter().find(|(k, _)| k.is_atom(Atom::new("start")));
                match start.and_then(|(_, v)| v.as_tuple()) {
                    Some([_, _, Term::List(args)]) if args.len() == 1 => name(&args[0]),
                    _ => t.clone(),
                }
            }
            _ => name(t),
        }
    }

    /// `Supervisor.start_child`'s second argument.
    fn start_spec(&self, t: &Term) -> Result<StartSpec, String> {
        let worker = |id: Term, module: &Term, restart: RestartType| match module {
            Term::Atom(m) => Ok(StartSpec::Worker {
                id,
                kind: worker_kind(&m.name()),
                restart,
            }),
            _ => Err(self.bad_arg(2, "names the worker's module with an atom", module)),
        };
        match t {
            Term::Atom(_) => worker(t.clone(), t, RestartType::Permanent),
            Term::Tuple(items) => match &items[..] {
                [module @ Term::Atom(_), name] => {
                    worker(self.instance(name), module, RestartType::Permanent)
                }
                [id, start, restart, _shutdown, kind, _modules] => {
                    if !kind.is_atom(Atom::WORKER) {
                        return Err(self.bad_arg(
                            2,
                            "must start a worker (the console starts workers only)",
                            kind,
                        ));
                    }
                    worker(id.clone(), self.mfa_module(start)?, self.restart(restart)?)
                }
                _ => Err(self.bad_spec(t)),
            },
            Term::Map(entries) => {
                let (mut id, mut start, mut restart) = (None, None, RestartType::Permanent);
                for (k, v) in entries.iter() {
                    let key = k.as_atom().map(|a| a.name());
                    match key.as_deref() {
                        Some("id") => id = Some(v),
                        Some("start") => start = Some(v),
                        Some("restart") => restart = self.restart(v)?,
                        Some("type") if !v.is_atom(Atom::WORKER) => {
                            return Err(self.bad_arg(2, "must start a worker (the console starts workers only)", v))
                        }
                        Some("type" | "shutdown" | "modules") => {}
                        _ => {
                            return Err(self.bad_arg(
                                2,
                                "has an unknown child spec key (known: id, start, restart, shutdown, type, modules)",
                                k,
                            ))
                        }
                    }
                }
                let (Some(id), Some(start)) = (id, start) else {
                    return Err(self.bad_arg(2, "needs both an id and a start", t));
                };
                worker(id.clone(), self.mfa_module(start)?, restart)
            }
            Term::List(items) => Ok(StartSpec::Args(match &items[..] {
                [one] => self.instance(one),
                _ => t.clone(),
            })),
            _ => Err(self.bad_spec(t)),
        }
    }

    fn bad_spec(&self, t: &Term) -> String {
        let forms = match self.syntax {
            Syntax::Elixir => {
                "must be a child spec: %{id: :w4, start: {Counter, :start_link, []}}, a module like Counter, or {Counter, :w4}"
            }
            Syntax::Erlang => {
                "must be a child spec: #{id => w4, start => {counter, start_link, []}} or {w4, {counter, start_link, []}, permanent, 5000, worker, [counter]}"
            }
        };
        self.bad_arg(2, forms, t)
    }

    /// The module of a `{Module, Function, Args}` start.
    fn mfa_module<'t>(&self, start: &'t Term) -> Result<&'t Term, String> {
        match start.as_tuple() {
            Some([m @ Term::Atom(_), Term::Atom(_), Term::List(_)]) => Ok(m),
            _ => Err(self.bad_arg(2, "needs start to be {Module, Function, Args}", start)),
        }
    }

    fn restart(&self, t: &Term) -> Result<RestartType, String> {
        t.as_atom()
            .and_then(|a| RestartType::parse(&a.name()))
            .ok_or_else(|| {
                self.bad_arg(
                    2,
                    "has a restart that is not permanent, transient or temporary",
                    t,
                )
            })
    }
}

/// The behaviour a module name picks: `Counter`/`counter`, `Printer`/`printer`, else the
/// generic worker.
fn worker_kind(module: &str) -> WorkerKind {
    let m = module.strip_prefix("Elixir.").unwrap_or(module);
    match m.to_ascii_lowercase().as_str() {
        "counter" => WorkerKind::Counter,
        "printer" => WorkerKind::Printer,
        _ => WorkerKind::Generic,
    }
}

/// A non-empty list of character codes as a string (Erlang's `"demo/x"`).
fn charlist(t: &Term) -> Option<String> {
    match t {
        Term::List(items) if !items.is_empty() => items
            .iter()
            .map(|x| match x {
                Term::Int(i) => u32::try_from(*i).ok().and_then(char::from_u32),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}
