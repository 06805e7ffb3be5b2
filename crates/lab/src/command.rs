//! Commands a learner gives the lab — from the inspector's buttons, the console, or a
//! replayed share link — as data. [`crate::Lab::exec`] runs them and answers with
//! the term OTP would return; the console prints it in Elixir or Erlang syntax.

use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::supervisor::spec::{RestartType, Strategy};
use otp_lab_sim::term::Term;

/// How a command names a process.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A tree path (`demo/counter_1`), as in the conformance traces.
    Path(String),
    /// A pid by its serial: `<0.84.0>` is `Pid(84)`.
    Pid(u32),
    /// A registered name or, failing that, a root's path (`:demo`).
    Name(String),
}

impl Target {
    /// What a view's key names (the tree, the graph, a sequence lane): a pid written
    /// `<0.N.0>`, else a tree path.
    pub fn of_key(key: &str) -> Target {
        key.strip_prefix("<0.")
            .and_then(|k| k.strip_suffix(".0>"))
            .and_then(|n| n.parse().ok())
            .map_or_else(|| Target::Path(key.to_string()), Target::Pid)
    }

    /// The target as the term a call names it by: a name, a pid, or a path as a binary.
    pub fn to_term(&self) -> Term {
        match self {
            Target::Path(p) => Term::Binary(p.as_bytes().into()),
            Target::Pid(n) => Term::Pid(otp_lab_sim::pid::Pid::from_bits(*n as u64)),
            Target::Name(n) => Term::atom(n),
        }
    }

    /// The target as the console writes it: `"demo/x"`, `pid("0.84.0")`, `:demo`.
    pub fn to_elixir(&self) -> String {
        match self {
            Target::Path(p) => otp_lab_sim::quote::quoted(p),
            Target::Pid(n) => format!("pid(\"0.{n}.0\")"),
            Target::Name(n) => elixir_atom(n),
        }
    }
}

/// A question for the analytics, as the seeds' `Control` module asks it (answered where
/// the analytics live: `otp_lab_session`'s run).
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// `Control.get_restart_history(sup)`.
    RestartHistory(Target),
    /// `Control.get_supervisor_analytics()`.
    SupervisorAnalytics,
    /// `Control.get_failure_rate(sup, window_ms)`.
    FailureRate(Target, u64),
    /// `Control.get_health()`.
    Health,
    /// `Control.get_metrics(metric, time_range)`: a metric's figures over one of
    /// [`TIME_RANGES`].
    Metrics(String, &'static str),
    /// `Lab.add_alert(name, field, op, threshold, severity, hold_ms)`: a rule on a
    /// dashboard field (`above` or below the threshold) that fires once it has held for
    /// `hold_ms`; replaces the rule of the same name.
    AddAlert {
        name: String,
        field: String,
        above: bool,
        threshold: f64,
        severity: &'static str,
        hold_ms: u64,
    },
    /// `Lab.remove_alert(name)`.
    RemoveAlert(String),
    /// `Lab.add_chart(metric, aggregation, bucket_ms)`: a chart of a metric of the
    /// analytics engine, each bucket summarised by the aggregation (`avg`, `sum`, `min`,
    /// `max`, `count`, `p50`, `p95`, `p99`…).
    AddChart {
        metric: String,
        aggregation: String,
        bucket_ms: u64,
    },
    /// `Lab.remove_chart(metric, aggregation)`.
    RemoveChart(String, String),
}

/// The severities an alert rule may have.
pub const SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// The time ranges `Control.get_metrics/2` takes, with their length in virtual µs
/// (`all`: the whole run).
pub const TIME_RANGES: [(&str, u64); 5] = [
    ("last_10_seconds", 10_000_000),
    ("last_minute", 60_000_000),
    ("last_10_minutes", 600_000_000),
    ("last_hour", 3_600_000_000),
    ("all", u64::MAX),
];

/// Which child `terminate_child` means.
#[derive(Clone, Debug, PartialEq)]
pub enum ChildSel {
    /// By child id (static supervisors).
    Id(Term),
    /// By pid (simple_one_for_one instances, or any child).
    Pid(Target),
}

/// What `start_child` starts.
#[derive(Clone, Debug, PartialEq)]
pub enum StartSpec {
    /// A new worker child with this id and behaviour.
    Worker {
        id: Term,
        kind: WorkerKind,
        restart: RestartType,
    },
    /// An instance of a simple_one_for_one (DynamicSupervisor) template, named by `args`.
    Args(Term),
}

/// Whose function a command calls, where Elixir's and Erlang's answer differently: Elixir's
/// `Process.whereis/1` and `Process.info/1,2` answer `nil` where Erlang's BIFs answer
/// `undefined`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Elixir,
    Erlang,
}

impl Flavor {
    /// What the function answers for "nothing".
    pub fn nothing(self) -> Term {
        match self {
            Flavor::Elixir => Term::atom("nil"),
            Flavor::Erlang => Term::UNDEFINED,
        }
    }
}

/// A command.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `Process.exit(pid, reason)`: an exit signal from the shell (`:kill` kills).
    Exit {
        target: Target,
        reason: Term,
    },
    /// The worker stops itself with `reason` (`{stop, Reason, State}` from a callback).
    Crash {
        target: Target,
        reason: Term,
    },
    /// `send(pid, msg)`.
    Send {
        target: Target,
        msg: Term,
    },
    /// `GenServer.call(pid, msg)`.
    Call {
        target: Target,
        msg: Term,
    },
    /// `GenServer.cast(pid, msg)`.
    Cast {
        target: Target,
        msg: Term,
    },
    /// `Process.info(pid)`.
    Info {
        target: Target,
        flavor: Flavor,
    },
    /// `Process.info(pid, item)` or `Process.info(pid, [items])`.
    InfoItems {
        target: Target,
        items: Term,
        flavor: Flavor,
    },
    /// `:sys.get_state(pid)` (`status` false) or `:sys.get_status(pid)`.
    Sys {
        target: Target,
        status: bool,
    },
    /// `self()`: the shell's pid.
    SelfPid,
    /// `flush()`: prints and removes every message in the shell's mailbox.
    Flush,
    /// `Process.alive?(pid)`.
    Alive {
        target: Target,
    },
    /// `Process.whereis(name)`.
    Whereis {
        name: Term,
        flavor: Flavor,
    },
    /// `Process.list()`: every live process.
    Processes,
    /// `Process.unlink(pid)`.
    Unlink {
        target: Target,
    },
    /// `Process.demonitor(ref, opts)` (`opts` `[]` for `demonitor/1`).
    Demonitor {
        mref: Term,
        opts: Term,
    },
    /// `Process.flag(:trap_exit, value)` for the shell.
    TrapExit {
        value: bool,
    },
    /// A value written out (`x = :ok`, or a bound variable alone): answers itself.
    Value(Term),
    /// `GenServer.stop(pid, reason)`: the server terminates with `reason`; `:ok` only if
    /// it exits with that reason (`proc_lib:stop/3`).
    Stop {
        target: Target,
        reason: Term,
    },
    /// `Process.link(pid)` from the shell.
    Link {
        target: Target,
    },
    /// `Process.monitor(pid)` from the shell.
    Monitor {
        target: Target,
    },
    WhichChildren {
        sup: Target,
    },
    CountChildren {
        sup: Target,
    },
    TerminateChild {
        sup: Target,
        child: ChildSel,
    },
    RestartChild {
        sup: Target,
        id: Term,
    },
    DeleteChild {
        sup: Target,
        id: Term,
    },
    /// `supervisor:get_childspec(Sup, Id)`: the child's spec with every default filled in.
    GetChildspec {
        sup: Target,
        id: Term,
    },
    StartChild {
        sup: Target,
        spec: StartSpec,
    },
    /// Beyond OTP: the supervisor stops restarting until resumed.
    Pause {
        sup: Target,
    },
    Resume {
        sup: Target,
    },
    /// Beyond OTP: a new restart strategy from now on.
    ChangeStrategy {
        sup: Target,
        strategy: Strategy,
    },
    /// A question for the analytics.
    Analytics(Query),
    /// Beyond OTP: the supervisor allows `intensity` restarts in `period` seconds from now.
    ChangeIntensity {
        sup: Target,
        intensity: u32,
        period: u32,
    },
}

impl Command {
    /// The command as a console line (Elixir syntax) that parses back to it.
    pub fn to_elixir(&self) -> String {
        let t = |x: &Target| x.to_elixir();
        let e = |x: &Term| elixir_term(x);
        match self {
            Command::Exit { target, reason } => {
                format!("Process.exit({}, {})", t(target), e(reason))
            }
            Command::Crash { target, reason } => {
                format!("Lab.crash({}, {})", t(target), e(reason))
            }
            Command::Send { target, msg } => format!("send({}, {})", t(target), e(msg)),
            Command::Call { target, msg } => format!("GenServer.call({}, {})", t(target), e(msg)),
            Command::Cast { target, msg } => format!("GenServer.cast({}, {})", t(target), e(msg)),
            Command::Info { target, .. } => format!("Process.info({})", t(target)),
            Command::InfoItems { target, items, .. } => {
                format!("Process.info({}, {})", t(target), e(items))
            }
            Command::Sys { target, status } => format!(
                ":sys.{}({})",
                if *status { "get_status" } else { "get_state" },
                t(target)
            ),
            Command::SelfPid => "self()".to_string(),
            Command::Flush => "flush()".to_string(),
            Command::Alive { target } => format!("Process.alive?({})", t(target)),
            Command::Whereis { name, .. } => format!("Process.whereis({})", e(name)),
            Command::Processes => "Process.list()".to_string(),
            Command::Unlink { target } => format!("Process.unlink({})", t(target)),
            Command::Demonitor { mref, opts } => match opts {
                Term::List(l) if l.is_empty() => format!("Process.demonitor({})", e(mref)),
                _ => format!("Process.demonitor({}, {})", e(mref), e(opts)),
            },
            Command::TrapExit { value } => format!("Process.flag(:trap_exit, {value})"),
            Command::Value(v) => e(v),
            Command::Stop { target, reason } => {
                format!("GenServer.stop({}, {})", t(target), e(reason))
            }
            Command::Link { target } => format!("Process.link({})", t(target)),
            Command::Monitor { target } => format!("Process.monitor({})", t(target)),
            Command::WhichChildren { sup } => format!("Supervisor.which_children({})", t(sup)),
            Command::CountChildren { sup } => format!("Supervisor.count_children({})", t(sup)),
            Command::TerminateChild { sup, child } => {
                let c = match child {
                    ChildSel::Id(id) => e(id),
                    ChildSel::Pid(p) => t(p),
                };
                format!("Supervisor.terminate_child({}, {c})", t(sup))
            }
            Command::RestartChild { sup, id } => {
                format!("Supervisor.restart_child({}, {})", t(sup), e(id))
            }
            Command::DeleteChild { sup, id } => {
                format!("Supervisor.delete_child({}, {})", t(sup), e(id))
            }
            Command::GetChildspec { sup, id } => {
                format!(":supervisor.get_childspec({}, {})", t(sup), e(id))
            }
            Command::StartChild { sup, spec } => match spec {
                StartSpec::Worker { id, kind, restart } => format!(
                    "Supervisor.start_child({}, %{{id: {}, start: {{{}, :start_link, []}}, restart: :{}}})",
                    t(sup),
                    e(id),
                    module_name(*kind),
                    restart.name()
                ),
                // the simple_one_for_one form Elixir's Supervisor still takes: the extra
                // arguments as a list (no module to name in a DynamicSupervisor child spec)
                StartSpec::Args(a) => format!("Supervisor.start_child({}, [{}])", t(sup), e(a)),
            },
            Command::Pause { sup } => format!("Lab.pause({})", t(sup)),
            Command::Resume { sup } => format!("Lab.resume({})", t(sup)),
            Command::ChangeStrategy { sup, strategy } => {
                format!("Lab.change_strategy({}, :{})", t(sup), strategy.name())
            }
            Command::ChangeIntensity {
                sup,
                intensity,
                period,
            } => format!("Lab.change_intensity({}, {intensity}, {period})", t(sup)),
            Command::Analytics(Query::RestartHistory(sup)) => {
                format!("Control.get_restart_history({})", t(sup))
            }
            Command::Analytics(Query::SupervisorAnalytics) => {
                "Control.get_supervisor_analytics()".to_string()
            }
            Command::Analytics(Query::FailureRate(sup, ms)) => {
                format!("Control.get_failure_rate({}, {ms})", t(sup))
            }
            Command::Analytics(Query::Health) => "Control.get_health()".to_string(),
            Command::Analytics(Query::Metrics(metric, range)) => {
                format!("Control.get_metrics(:{metric}, :{range})")
            }
            Command::Analytics(Query::AddAlert {
                name,
                field,
                above,
                threshold,
                severity,
                hold_ms,
            }) => format!(
                "Lab.add_alert({}, :{field}, :{}, {}, :{severity}, {hold_ms})",
                elixir_term(&Term::atom(name)),
                if *above { "above" } else { "below" },
                elixir_term(&Term::Float(*threshold))
            ),
            Command::Analytics(Query::RemoveAlert(name)) => {
                format!("Lab.remove_alert({})", elixir_term(&Term::atom(name)))
            }
            Command::Analytics(Query::AddChart {
                metric,
                aggregation,
                bucket_ms,
            }) => format!("Lab.add_chart(:{metric}, :{aggregation}, {bucket_ms})"),
            Command::Analytics(Query::RemoveChart(metric, aggregation)) => {
                format!("Lab.remove_chart(:{metric}, :{aggregation})")
            }
        }
    }
}

/// The Elixir module name of a worker behaviour (`Counter`, `Printer`, `Client`, `Worker`).
pub fn module_name(kind: WorkerKind) -> &'static str {
    match kind {
        WorkerKind::Generic => "Worker",
        WorkerKind::Counter => "Counter",
        WorkerKind::Printer => "Printer",
        WorkerKind::Client => "Client",
    }
}

/// An atom in Elixir syntax: `:kill`, `:"with space"`, `true`, `nil`.
pub fn elixir_atom(name: &str) -> String {
    match name {
        "true" | "false" | "nil" => name.to_string(),
        "undefined" => ":undefined".to_string(),
        // an Elixir module is an alias: `Counter`
        _ if name.strip_prefix("Elixir.").is_some_and(|m| {
            !m.is_empty()
                && m.split('.').all(|part| {
                    part.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        }) =>
        {
            name["Elixir.".len()..].to_string()
        }
        _ => {
            let plain = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@')
                || name.trim_end_matches(['?', '!']).len() + 1 == name.len()
                    && name
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name[..name.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if plain {
                format!(":{name}")
            } else {
                format!(":{}", otp_lab_sim::quote::quoted(name))
            }
        }
    }
}

/// True for atoms that may key a keyword list or an atom-keyed map as IEx prints them
/// (`Inspect.List.keyword?/1`: any atom but an alias).
fn keyword_atom(name: &str) -> bool {
    !name.starts_with("Elixir.")
}

/// A keyword key as IEx writes it before `: `: `name`, or quoted (`"$initial_call"`).
fn keyword_key(name: &str) -> String {
    let a = elixir_atom(name);
    if a.starts_with(':') && !a.starts_with(":\"") || matches!(name, "true" | "false" | "nil") {
        name.to_string()
    } else {
        otp_lab_sim::quote::quoted(name)
    }
}

/// The text of a non-empty list of printable ASCII codes (`List.ascii_printable?/1`).
fn ascii_charlist(items: &[Term]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|x| match x {
            Term::Int(c @ (32..=126 | 7..=13 | 27 | 127)) => Some(*c as u8 as char),
            _ => None,
        })
        .collect()
}

/// A term in Elixir syntax, as IEx prints it: `{:ok, #PID<0.84.0>}`, `[1, 2]`,
/// `%{a: 1}`, `"text"`, `:undefined`.
pub fn elixir_term(t: &Term) -> String {
    let mut out = String::new();
    write_elixir(t, &mut out);
    out
}

fn write_elixir(t: &Term, out: &mut String) {
    use std::fmt::Write;
    match t {
        Term::Atom(a) => out.push_str(&elixir_atom(&a.name())),
        Term::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Term::Pid(p) => {
            let _ = write!(out, "#PID<0.{}.0>", p.serial());
        }
        Term::Ref(r) => {
            let _ = write!(out, "#Reference<0.0.0.{}>", r.id());
        }
        Term::Tuple(items) => {
            out.push('{');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_elixir(x, out);
            }
            out.push('}');
        }
        Term::List(items) => {
            // printable ASCII prints as a charlist, `'abc'` (Elixir 1.14's inspect)
            if let Some(text) = ascii_charlist(items) {
                out.push('\'');
                for c in text.chars() {
                    match c {
                        '\'' | '\\' => {
                            out.push('\\');
                            out.push(c);
                        }
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        '\u{b}' => out.push_str("\\v"),
                        '\u{8}' => out.push_str("\\b"),
                        '\u{c}' => out.push_str("\\f"),
                        '\u{1b}' => out.push_str("\\e"),
                        '\u{7f}' => out.push_str("\\d"),
                        '\u{7}' => out.push_str("\\a"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                return;
            }
            // A keyword list prints as `[a: 1, "$b": 2]`.
            let keyword = !items.is_empty()
                && items.iter().all(
                    |x| matches!(x.as_tuple(), Some([Term::Atom(a), _]) if keyword_atom(&a.name())),
                );
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match x.as_tuple() {
                    Some([Term::Atom(a), v]) if keyword => {
                        out.push_str(&keyword_key(&a.name()));
                        out.push_str(": ");
                        write_elixir(v, out);
                    }
                    _ => write_elixir(x, out),
                }
            }
            out.push(']');
        }
        Term::Map(pairs) => {
            out.push_str("%{");
            let keyword = pairs
                .iter()
                .all(|(k, _)| matches!(k, Term::Atom(a) if keyword_atom(&a.name())));
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match k {
                    Term::Atom(a) if keyword => {
                        out.push_str(&keyword_key(&a.name()));
                        out.push_str(": ");
                    }
                    _ => {
                        write_elixir(k, out);
                        out.push_str(" => ");
                    }
                }
                write_elixir(v, out);
            }
            out.push('}');
        }
        Term::Binary(b) if std::str::from_utf8(b).is_ok() => {
            out.push_str(&otp_lab_sim::quote::quoted(&String::from_utf8_lossy(b)));
        }
        other => out.push_str(&other.to_text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_sim::term::parse_term;

    #[test]
    fn elixir_printing() {
        let t = parse_term("{ok, [{a,1},{b,<<\"x\">>}], undefined, 'Hello world', true}").unwrap();
        assert_eq!(
            elixir_term(&t),
            "{:ok, [a: 1, b: \"x\"], :undefined, :\"Hello world\", true}"
        );
        assert_eq!(elixir_atom("kill"), ":kill");
        assert_eq!(elixir_atom("ok?"), ":ok?");
        assert_eq!(elixir_atom("Elixir.Counter"), "Counter");
        assert_eq!(elixir_atom("Elixir.lower"), ":\"Elixir.lower\"");
    }

    #[test]
    fn commands_print_as_console_lines() {
        let c = Command::Exit {
            target: Target::Path("demo/counter_1".into()),
            reason: Term::KILL,
        };
        assert_eq!(c.to_elixir(), "Process.exit(\"demo/counter_1\", :kill)");
        let c = Command::WhichChildren {
            sup: Target::Name("demo".into()),
        };
        assert_eq!(c.to_elixir(), "Supervisor.which_children(:demo)");
    }
}
