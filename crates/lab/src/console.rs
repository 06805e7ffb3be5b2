//! The lab's console: an IEx-like command line that also understands the Erlang shell.
//!
//! [`parse`] reads one line into an [`Input`]: a lab [`Command`] tagged with the
//! [`Syntax`] it was typed in (so [`format_result`] can answer the same way), a request
//! for [`help`], `clear`, or nothing. It accepts the OTP calls a learner would type in
//! `iex` or `erl` — `Supervisor.which_children(:demo)`, `supervisor:which_children(demo).`,
//! `Process.exit(pid("0.84.0"), :kill)`, `<0.84.0> ! hello.` — and a few lab extensions
//! (`Lab.crash/1,2`, `Lab.pause/1`, `Lab.resume/1`, `Lab.change_strategy/2`,
//! `Lab.change_intensity/3`). `h` lists
//! them all.
//!
//! Parsing goes in two steps. A front end per syntax reads the line into a call (module,
//! function, argument terms): `console/elixir.rs` is a small recursive-descent parser of
//! Elixir literals; `console/erlang.rs` splits the argument list and reads each argument
//! with [`otp_lab_sim::term::parse_term`]. The call is then looked up in one function table,
//! which gives both syntaxes the same arity checks, "did you mean" hints and [`help`],
//! and `console/build.rs` turns its arguments into the command's targets, child specs
//! and terms.
//!
//! How each argument is written — a process as a name, a tree path or a pid; a child by id
//! or by process; a child spec as a map, a tuple or a module; a dynamic instance's name —
//! is what the help says to learners (`h`, `h start_child`, `h terminate_child`), and what
//! `console/build.rs` reads into the [`crate::command`] types.
//!
//! Input is bounded: a line over [`MAX_LINE`] characters is refused unread and terms
//! nested deeper than 64 levels are errors, so no line can panic, overflow the
//! stack or loop.

mod build;
mod detect;
mod elixir;
mod erlang;
mod help;
pub mod lab_form;
#[cfg(test)]
mod tests;

pub use help::help;

use crate::command::{elixir_term, Command};
use crate::raised::Raised;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::quote::quoted;
use otp_lab_sim::term::{exact_eq, Term};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The longest line the console reads, in characters; a longer one is an error.
pub const MAX_LINE: usize = 2000;

/// The deepest nesting of tuples, lists and maps a line may hold.
const MAX_DEPTH: usize = otp_lab_sim::term::MAX_TERM_DEPTH;

/// The syntax a line was written in; answers are printed in the same one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// IEx: `Supervisor.which_children(:demo)`.
    Elixir,
    /// The Erlang shell: `supervisor:which_children(demo).`
    Erlang,
}

/// What a line may name beyond literals: the variables bound by earlier lines
/// (`ref = Process.monitor(pid)`, Erlang's `Ref = …`) and the shell's pid (`self()`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    pub vars: BTreeMap<String, Term>,
    pub shell: Option<Pid>,
}

/// What a console line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Run this command; print its answer in this syntax.
    Command(Command, Syntax),
    /// Run this command and bind its answer to the variable (`ref = Process.monitor(pid)`).
    Bind(String, Command, Syntax),
    /// `h`, `help` or `h Topic`: show [`help`] for the topic, if any (as typed, e.g.
    /// `"Supervisor.which_children"`).
    Help(Option<String>),
    /// `clear`: empty the console.
    Clear,
    /// A blank line.
    Empty,
}

/// Reads one console line, with nothing bound. An error is a one-line message in the style
/// of IEx (or of the Erlang shell for Erlang input) with a hint, e.g. `** (UndefinedFunctionError)
/// function Supervisor.wich_children/1 is undefined or private — did you mean
/// which_children? Type h for help.`
pub fn parse(line: &str) -> Result<Input, String> {
    parse_in(line, &Scope::default())
}

/// Reads one console line in `scope` (its variables and `self()` stand for their values).
pub fn parse_in(line: &str, scope: &Scope) -> Result<Input, String> {
    if line.chars().nth(MAX_LINE).is_some() {
        return Err(format!(
            "the line is too long: the console reads at most {MAX_LINE} characters"
        ));
    }
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Ok(Input::Empty);
    }
    if let Some(input) = meta(trimmed) {
        return Ok(input);
    }
    let syntax = detect::detect(trimmed);
    let parsed = match syntax {
        Syntax::Elixir => elixir::parse_line(line, scope)?,
        Syntax::Erlang => erlang::parse_line(line, scope)?,
    };
    let command = match parsed.body {
        Body::Call(call) => build::command(&call, syntax)?,
        Body::Value(v) => Command::Value(v),
    };
    Ok(match parsed.bind {
        Some(var) => Input::Bind(var, command, syntax),
        None => Input::Command(command, syntax),
    })
}

/// What the console prints for a command: the messages it printed first (`flush()`'s,
/// as IEx inspects them or as the Erlang shell says `Shell got …`), then its answer.
pub fn format_output(printed: &[Term], r: &Result<Term, Raised>, syntax: Syntax) -> String {
    let mut out = String::new();
    for m in printed {
        match syntax {
            Syntax::Elixir => out.push_str(&elixir_term(m)),
            Syntax::Erlang => {
                out.push_str("Shell got ");
                out.push_str(&m.to_text());
            }
        }
        out.push('\n');
    }
    out.push_str(&format_result(r, syntax));
    out
}

/// A command's answer as the console prints it: the term in the line's syntax
/// (`{:ok, #PID<0.90.0>}` or `{ok,<0.90.0>}`), or the error message as it is.
pub fn format_result(r: &Result<Term, Raised>, syntax: Syntax) -> String {
    match (r, syntax) {
        (Ok(t), Syntax::Elixir) => elixir_term(t),
        (Ok(t), Syntax::Erlang) => t.to_text(),
        (Err(e), Syntax::Elixir) => e.in_elixir(),
        (Err(e), Syntax::Erlang) => e.in_erlang(),
    }
}

/// `h`, `help`, `clear` with or without parentheses, `h Topic`, `h(Topic)`.
fn meta(line: &str) -> Option<Input> {
    let word_len = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(word_len);
    let rest = rest.trim();
    let rest = rest.strip_suffix('.').unwrap_or(rest).trim_end();
    let arg = if rest.is_empty() {
        ""
    } else if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        inner.trim()
    } else if line[word_len..].starts_with(char::is_whitespace) {
        rest
    } else {
        return None;
    };
    match word {
        "h" | "help" => {
            let topic = arg.trim_matches(|c| c == '"' || c == '\'').trim();
            Some(Input::Help((!topic.is_empty()).then(|| topic.to_string())))
        }
        "clear" if arg.is_empty() => Some(Input::Clear),
        _ => None,
    }
}

/// A line as a front end read it: a variable to bind, and a call or a value.
#[derive(Debug)]
struct Line {
    bind: Option<String>,
    body: Body,
}

/// What a line computes.
#[derive(Debug)]
enum Body {
    Call(Call),
    Value(Term),
}

/// A call as a front end read it, before it is checked against the function table.
#[derive(Debug)]
struct Call {
    /// The module as written (`Supervisor`, `supervisor`), or `None` for a bare function.
    module: Option<String>,
    /// An Erlang module: `supervisor:f(…)` or, from Elixir, `:supervisor.f(…)`.
    erlang: bool,
    /// The function (`!` for Erlang's send operator).
    name: String,
    args: Vec<Term>,
}

/// What a console function does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    WhichChildren,
    CountChildren,
    TerminateChild,
    RestartChild,
    DeleteChild,
    GetChildspec,
    StartChild,
    DynStartChild,
    DynTerminateChild,
    DynWhichChildren,
    DynCountChildren,
    Exit,
    Info,
    Link,
    Monitor,
    Send,
    Call,
    Cast,
    Crash,
    Pause,
    Resume,
    ChangeStrategy,
    SelfPid,
    Flush,
    Alive,
    Whereis,
    Processes,
    Unlink,
    Demonitor,
    TrapExit,
    Stop,
    SysGetState,
    SysGetStatus,
    ChangeIntensity,
    RestartHistory,
    SupervisorAnalytics,
    FailureRate,
    Health,
    Metrics,
    AddAlert,
    RemoveAlert,
    AddChart,
    RemoveChart,
}

/// A function the console knows: where it lives and how many arguments it takes.
struct Func {
    /// `Supervisor` (Elixir), `supervisor` (Erlang), `Kernel` or `""` for bare calls.
    module: &'static str,
    name: &'static str,
    arities: &'static [usize],
    op: Op,
}

const fn func(module: &'static str, name: &'static str, arities: &'static [usize], op: Op) -> Func {
    Func {
        module,
        name,
        arities,
        op,
    }
}

/// The functions of the Elixir syntax (bare calls are `Kernel`'s).
const ELIXIR_FUNCS: &[Func] = &[
    func("Supervisor", "which_children", &[1], Op::WhichChildren),
    func("Supervisor", "count_children", &[1], Op::CountChildren),
    func("Supervisor", "terminate_child", &[2], Op::TerminateChild),
    func("Supervisor", "restart_child", &[2], Op::RestartChild),
    func("Supervisor", "delete_child", &[2], Op::DeleteChild),
    func("Supervisor", "start_child", &[2], Op::StartChild),
    func("DynamicSupervisor", "start_child", &[2], Op::DynStartChild),
    func(
        "DynamicSupervisor",
        "terminate_child",
        &[2],
        Op::DynTerminateChild,
    ),
    func(
        "DynamicSupervisor",
        "which_children",
        &[1],
        Op::DynWhichChildren,
    ),
    func(
        "DynamicSupervisor",
        "count_children",
        &[1],
        Op::DynCountChildren,
    ),
    func("Process", "exit", &[2], Op::Exit),
    func("Process", "info", &[1, 2], Op::Info),
    func("Process", "link", &[1], Op::Link),
    func("Process", "unlink", &[1], Op::Unlink),
    func("Process", "monitor", &[1], Op::Monitor),
    func("Process", "demonitor", &[1, 2], Op::Demonitor),
    func("Process", "alive?", &[1], Op::Alive),
    func("Process", "whereis", &[1], Op::Whereis),
    func("Process", "list", &[0], Op::Processes),
    func("Process", "flag", &[2], Op::TrapExit),
    func("Kernel", "self", &[0], Op::SelfPid),
    func("Kernel", "flush", &[0], Op::Flush),
    func("Kernel", "send", &[2], Op::Send),
    func("GenServer", "call", &[2], Op::Call),
    func("GenServer", "cast", &[2], Op::Cast),
    func("GenServer", "stop", &[1, 2, 3], Op::Stop),
    func("Supervisor", "stop", &[1, 2, 3], Op::Stop),
    func("DynamicSupervisor", "stop", &[1, 2, 3], Op::Stop),
    func("Lab", "crash", &[1, 2], Op::Crash),
    func("Lab", "pause", &[1], Op::Pause),
    func("Lab", "resume", &[1], Op::Resume),
    func("Lab", "change_strategy", &[2], Op::ChangeStrategy),
    func("Lab", "change_intensity", &[3], Op::ChangeIntensity),
    func("Control", "get_restart_history", &[1], Op::RestartHistory),
    func(
        "Control",
        "get_supervisor_analytics",
        &[0],
        Op::SupervisorAnalytics,
    ),
    func("Control", "get_failure_rate", &[1, 2], Op::FailureRate),
    func("Control", "get_health", &[0], Op::Health),
    func("Control", "get_metrics", &[1, 2], Op::Metrics),
    func("Lab", "add_alert", &[6], Op::AddAlert),
    func("Lab", "remove_alert", &[1], Op::RemoveAlert),
    func("Lab", "add_chart", &[3], Op::AddChart),
    func("Lab", "remove_chart", &[2], Op::RemoveChart),
];

/// The functions of the Erlang syntax (`""` is an auto-imported BIF or operator).
const ERLANG_FUNCS: &[Func] = &[
    func("supervisor", "which_children", &[1], Op::WhichChildren),
    func("supervisor", "count_children", &[1], Op::CountChildren),
    func("supervisor", "terminate_child", &[2], Op::TerminateChild),
    func("supervisor", "restart_child", &[2], Op::RestartChild),
    func("supervisor", "delete_child", &[2], Op::DeleteChild),
    func("supervisor", "get_childspec", &[2], Op::GetChildspec),
    func("supervisor", "start_child", &[2], Op::StartChild),
    func("", "exit", &[2], Op::Exit),
    func("erlang", "exit", &[2], Op::Exit),
    func("", "process_info", &[1, 2], Op::Info),
    func("erlang", "process_info", &[1, 2], Op::Info),
    func("", "link", &[1], Op::Link),
    func("erlang", "link", &[1], Op::Link),
    func("", "unlink", &[1], Op::Unlink),
    func("erlang", "unlink", &[1], Op::Unlink),
    func("", "monitor", &[2], Op::Monitor),
    func("erlang", "monitor", &[2], Op::Monitor),
    func("", "demonitor", &[1, 2], Op::Demonitor),
    func("erlang", "demonitor", &[1, 2], Op::Demonitor),
    func("", "is_process_alive", &[1], Op::Alive),
    func("erlang", "is_process_alive", &[1], Op::Alive),
    func("", "whereis", &[1], Op::Whereis),
    func("erlang", "whereis", &[1], Op::Whereis),
    func("", "processes", &[0], Op::Processes),
    func("erlang", "processes", &[0], Op::Processes),
    func("", "process_flag", &[2], Op::TrapExit),
    func("erlang", "process_flag", &[2], Op::TrapExit),
    func("", "self", &[0], Op::SelfPid),
    func("erlang", "self", &[0], Op::SelfPid),
    func("", "flush", &[0], Op::Flush),
    func("", "!", &[2], Op::Send),
    func("erlang", "send", &[2], Op::Send),
    func("sys", "get_state", &[1], Op::SysGetState),
    func("sys", "get_status", &[1], Op::SysGetStatus),
    func("gen_server", "call", &[2], Op::Call),
    func("gen_server", "cast", &[2], Op::Cast),
    func("gen_server", "stop", &[1, 3], Op::Stop),
    func("lab", "crash", &[1, 2], Op::Crash),
    func("lab", "pause", &[1], Op::Pause),
    func("lab", "resume", &[1], Op::Resume),
    func("lab", "change_strategy", &[2], Op::ChangeStrategy),
    func("lab", "change_intensity", &[3], Op::ChangeIntensity),
    func("lab", "add_alert", &[6], Op::AddAlert),
    func("lab", "remove_alert", &[1], Op::RemoveAlert),
    func("lab", "add_chart", &[3], Op::AddChart),
    func("lab", "remove_chart", &[2], Op::RemoveChart),
];

/// How a function is written in an error: `Supervisor.f/1`, `:supervisor.f/1`,
/// `supervisor:f/1` or `f/1`.
fn show_fn(module: &str, name: &str, arity: usize, erlang: bool, syntax: Syntax) -> String {
    match (module, erlang, syntax) {
        ("", _, _) | ("Kernel", false, _) => format!("{name}/{arity}"),
        (m, false, _) => format!("{m}.{name}/{arity}"),
        (m, true, Syntax::Elixir) => format!(":{m}.{name}/{arity}"),
        (m, true, Syntax::Erlang) => format!("{m}:{name}/{arity}"),
    }
}

/// Finds the function a call names, or explains why there is none.
fn lookup(call: &Call, syntax: Syntax) -> Result<&'static Func, String> {
    let erl = call.erlang || syntax == Syntax::Erlang;
    let table = if erl { ERLANG_FUNCS } else { ELIXIR_FUNCS };
    let module = match (&call.module, erl) {
        (Some(m), _) => m.as_str(),
        (None, false) => "Kernel",
        (None, true) => "",
    };
    let arity = call.args.len();
    let mut same = table
        .iter()
        .filter(|f| f.module == module && f.name == call.name)
        .peekable();
    let first = same.peek().copied();
    if let Some(f) = same.find(|f| f.arities.contains(&arity)) {
        return Ok(f);
    }
    let shown = show_fn(module, &call.name, arity, call.erlang, syntax);
    if let Some(f) = first {
        let takes = match f.arities {
            [1] => "1 argument".to_string(),
            [n] => format!("{n} arguments"),
            [a, b] => format!("{a} or {b} arguments"),
            _ => "other arguments".to_string(),
        };
        let sig = help::signature(f.op, syntax);
        return Err(match syntax {
            Syntax::Elixir => {
                format!("** (UndefinedFunctionError) function {shown} is undefined; it takes {takes}: {sig}")
            }
            Syntax::Erlang => {
                format!("** exception error: undefined function {shown}; it takes {takes}: {sig}")
            }
        });
    }
    let hint = match suggest(call.module.as_deref(), &call.name, table, erl, syntax) {
        Some(s) => format!(" — did you mean {s}?"),
        None if call.name == "pid" => {
            " — pid(…) makes a pid to pass to a command, e.g. Process.info(pid(\"0.84.0\"))."
                .to_string()
        }
        None => String::new(),
    };
    let known_module = table.iter().any(|f| f.module == module);
    let msg = match (syntax, &call.module) {
        (Syntax::Elixir, None) => {
            format!("** (CompileError) undefined function {shown} (there is no such import)")
        }
        (Syntax::Elixir, Some(m)) if !known_module => {
            let m = if call.erlang {
                format!(":{m}")
            } else {
                m.clone()
            };
            format!("** (UndefinedFunctionError) function {shown} is undefined (module {m} is not available)")
        }
        (Syntax::Elixir, Some(_)) => {
            format!("** (UndefinedFunctionError) function {shown} is undefined or private")
        }
        (Syntax::Erlang, None) => format!("* 1:1: function {shown} undefined"),
        (Syntax::Erlang, Some(_)) => {
            format!("** exception error: undefined function {shown}")
        }
    };
    let hint = if hint.is_empty() {
        ".".to_string()
    } else {
        hint
    };
    Err(format!("{msg}{hint} Type h for help."))
}

/// The known function closest to a misspelt one: the bare name if the module matches,
/// else the qualified name. `None` if nothing is close.
fn suggest(
    module: Option<&str>,
    name: &str,
    table: &[Func],
    erl: bool,
    syntax: Syntax,
) -> Option<String> {
    let close = |d: usize, len: usize| d <= (len / 3).max(2);
    let mut best: Option<(usize, &Func)> = None;
    for f in table {
        let d_name = distance(name, f.name);
        let d_mod = match module {
            None => 0,
            Some(m) => distance(&m.to_ascii_lowercase(), &f.module.to_ascii_lowercase()),
        };
        let ok = d_name == 0 && f.name != "!"
            || close(d_name, f.name.len()) && close(d_mod, f.module.len());
        if ok && best.is_none_or(|(b, _)| d_name + d_mod < b) {
            best = Some((d_name + d_mod, f));
        }
    }
    let (_, f) = best?;
    Some(if module == Some(f.module) {
        f.name.to_string()
    } else {
        let full = show_fn(f.module, f.name, 0, erl, syntax);
        full.trim_end_matches("/0").to_string()
    })
}

/// Levenshtein distance between two names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = diag + usize::from(ca != *cb);
            diag = row[j + 1];
            row[j + 1] = sub.min(row[j] + 1).min(diag + 1);
        }
    }
    row[b.len()]
}

/// The hint for a bare word (`foo` is a variable in both shells).
fn bare_word_hint(word: &str, syntax: Syntax) -> String {
    let (table, erl) = match syntax {
        Syntax::Elixir => (ELIXIR_FUNCS, false),
        Syntax::Erlang => (ERLANG_FUNCS, true),
    };
    match suggest(None, word, table, erl, syntax) {
        Some(f) => format!("did you mean {f}(…)? Type h for help."),
        None => match syntax {
            Syntax::Elixir => format!(
                "atoms are written :{word}, tree paths \"demo/{word}\", pids pid(\"0.84.0\"). Type h for help."
            ),
            Syntax::Erlang => {
                "write a pid as <0.84.0>, a name as demo, a path as \"demo/counter_1\". Type h for help."
                    .to_string()
            }
        },
    }
}

/// The serial of a pid written `0.84.0` or `<0.84.0>`.
fn pid_serial(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let t = t.strip_prefix('<').unwrap_or(t);
    let t = t.strip_suffix('>').unwrap_or(t);
    let parts: Vec<&str> = t.split('.').collect();
    let num = |s: &str| {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse::<u32>().ok()
        } else {
            None
        }
    };
    let three = match parts[..] {
        [a, b, c] => (num(a), num(b), num(c)),
        _ => (None, None, None),
    };
    match three {
        (Some(0), Some(n), Some(0)) => Ok(n),
        (Some(_), Some(_), Some(_)) => Err(format!(
            "<{t}> is not a pid of this node: the lab's pids look like <0.84.0>"
        )),
        _ => Err(format!(
            "{} is not a pid: write it like 0.84.0",
            quoted(text)
        )),
    }
}

/// A pid term from its serial. (Only the serial is known: pids compare and print by it.)
fn pid_term(serial: u32) -> Term {
    Term::Pid(Pid::from_bits(serial as u64))
}

/// A map term from entries in any order: a repeated key keeps its last value; keys end
/// up in term order, as [`otp_lab_sim::term::parse_term`] builds maps.
fn make_map(pairs: Vec<(Term, Term)>) -> Term {
    let mut entries: Vec<(Term, Term)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        entries.retain(|(ek, _)| !exact_eq(ek, &k));
        entries.push((k, v));
    }
    otp_lab_sim::sort::sort_by(&mut entries, |a, b| a < b);
    Term::Map(Rc::from(entries))
}

/// The 1-based column of byte offset `pos` of `line` (safe for any offset).
fn column(line: &str, pos: usize) -> usize {
    line.char_indices().take_while(|(i, _)| *i < pos).count() + 1
}
