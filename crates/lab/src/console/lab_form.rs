//! Where a console line would not run as typed in IEx or `erl`: the Lab's console takes
//! tree paths as process names, and registered names where OTP wants a pid. It still runs
//! them (the lessons' "In the Lab's console" lines rely on it), and says so in a note.

use super::Syntax;
use crate::command::{ChildSel, Command, Query, Target};

/// How a note begins, in each syntax.
const NOTE_STARTS: [&str; 4] = ["# Lab only: ", "# In IEx, ", "% Lab only: ", "% In erl, "];

/// A console output split into the answer and its note (the last line), if it has one.
pub fn split_note(output: &str) -> (&str, Option<&str>) {
    match output.rsplit_once('\n') {
        Some((answer, last)) if NOTE_STARTS.iter().any(|s| last.starts_with(s)) => {
            (answer, Some(last))
        }
        _ => (output, None),
    }
}

/// Which Lab form a line used: a tree path, or a name where OTP takes only a pid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LabForm {
    Path,
    NameForPid,
}

/// The note for a line that uses a Lab form (`None` if IEx or `erl` would run it as typed),
/// as a comment in the line's syntax.
pub fn note(cmd: &Command, syntax: Syntax) -> Option<(LabForm, String)> {
    let elixir = syntax == Syntax::Elixir;
    if let Some(path) = targets(cmd).into_iter().find_map(|t| match t {
        Target::Path(p) => Some(p),
        _ => None,
    }) {
        let text = if elixir {
            format!("# Lab only: IEx has no tree paths like \"{path}\": there, take the pid from Supervisor.which_children/1.")
        } else {
            format!("% Lab only: erl has no tree paths like \"{path}\": there, take the pid from supervisor:which_children/1.")
        };
        return Some((LabForm::Path, text));
    }
    let (target, ex, erl) = pid_only(cmd)?;
    let Target::Name(name) = target else {
        return None;
    };
    let text = if elixir {
        format!("# In IEx, {ex} takes a pid: :{name} raises ArgumentError there. Process.whereis(:{name}) gives the pid.")
    } else {
        format!("% In erl, {erl} takes a pid: {name} fails with badarg there. whereis({name}) gives the pid.")
    };
    Some((LabForm::NameForPid, text))
}

/// The process a pid-only function was given, with the function's name in each syntax.
fn pid_only(cmd: &Command) -> Option<(&Target, &'static str, &'static str)> {
    Some(match cmd {
        Command::Exit { target, .. } => (target, "Process.exit/2", "exit/2"),
        Command::Info { target, .. } | Command::InfoItems { target, .. } => {
            (target, "Process.info", "process_info")
        }
        Command::Link { target } => (target, "Process.link/1", "link/1"),
        Command::Unlink { target } => (target, "Process.unlink/1", "unlink/1"),
        Command::Alive { target } => (target, "Process.alive?/1", "is_process_alive/1"),
        _ => return None,
    })
}

/// Every process a command names.
fn targets(cmd: &Command) -> Vec<&Target> {
    match cmd {
        Command::Exit { target, .. }
        | Command::Crash { target, .. }
        | Command::Send { target, .. }
        | Command::Call { target, .. }
        | Command::Cast { target, .. }
        | Command::Info { target, .. }
        | Command::InfoItems { target, .. }
        | Command::Sys { target, .. }
        | Command::Alive { target }
        | Command::Unlink { target }
        | Command::Stop { target, .. }
        | Command::Link { target }
        | Command::Monitor { target } => vec![target],
        Command::TerminateChild { sup, child } => match child {
            ChildSel::Pid(p) => vec![sup, p],
            ChildSel::Id(_) => vec![sup],
        },
        Command::WhichChildren { sup }
        | Command::CountChildren { sup }
        | Command::RestartChild { sup, .. }
        | Command::DeleteChild { sup, .. }
        | Command::GetChildspec { sup, .. }
        | Command::StartChild { sup, .. }
        | Command::Pause { sup }
        | Command::Resume { sup }
        | Command::ChangeStrategy { sup, .. }
        | Command::ChangeIntensity { sup, .. } => vec![sup],
        Command::Analytics(Query::RestartHistory(t) | Query::FailureRate(t, _)) => vec![t],
        _ => vec![],
    }
}
