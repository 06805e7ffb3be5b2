//! The inspector's actions as typed [`Command`]s, built from what the learner picked or
//! typed next to each button (a reason, a message, a child id, a strategy) for the process
//! at a tree path. Each checks its input and says plainly what is wrong, so the web app
//! never builds terms or console text itself.

use crate::command::{ChildSel, Command, StartSpec, Target};
use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::supervisor::spec::{RestartType, Strategy};
use otp_lab_sim::term::{parse_term, Term};

/// Exit reasons the Exit action offers.
pub const EXIT_REASONS: &[&str] = &[
    "normal",
    "shutdown",
    "kill",
    "crash",
    "{shutdown,maintenance}",
];

/// The strategies a running supervisor can change to.
pub const STRATEGIES: &[&str] = &["one_for_one", "one_for_all", "rest_for_one"];

fn at(key: String) -> Target {
    Target::of_key(&key)
}

/// A term the learner typed, or why it is not one.
pub fn read_term(text: &str) -> Result<Term, String> {
    parse_term(text).map_err(|e| format!("not an Erlang term: {e}"))
}

/// `Process.exit(pid, :kill)`.
pub fn kill(path: String) -> Command {
    Command::Exit {
        target: at(path),
        reason: Term::KILL,
    }
}

/// `Process.exit(pid, reason)` with a reason the learner typed.
pub fn exit(path: String, reason: &str) -> Result<Command, String> {
    Ok(Command::Exit {
        target: at(path),
        reason: read_term(reason)?,
    })
}

/// What an exit signal does that a learner might not expect, said next to the button:
/// `normal` is ignored by a process that does not trap exits (and a trapping one only
/// gets an `'EXIT'` message), as OTP has it.
pub fn exit_note(cmd: &Command, trap_exit: bool) -> Option<&'static str> {
    match cmd {
        Command::Exit { reason, .. } if *reason == Term::atom("normal") => Some(if trap_exit {
            "It traps exits: the normal exit signal arrives as an {'EXIT', From, normal} message, and it carries on."
        } else {
            "Nothing happens, as in OTP: a process that does not trap exits ignores an exit signal with reason normal. Try kill, or another reason."
        }),
        _ => None,
    }
}

/// `GenServer.stop(pid, reason)` with a reason the learner typed.
pub fn stop(path: String, reason: &str) -> Result<Command, String> {
    Ok(Command::Stop {
        target: at(path),
        reason: read_term(reason)?,
    })
}

/// The worker crashes (stops itself with `crash`).
pub fn crash(path: String) -> Command {
    Command::Crash {
        target: at(path),
        reason: Term::atom("crash"),
    }
}

/// `send(pid, msg)` with a message the learner typed.
/// The message may be written in Erlang (`{print, "hi"}`) or Elixir (`{:print, "hi"}`).
pub fn send(path: String, msg: &str) -> Result<Command, String> {
    Ok(Command::Send {
        target: at(path),
        msg: read_message(msg)?,
    })
}

/// A message the learner typed, in Erlang (`{print, "hi"}`) or Elixir (`{:print, "hi"}`).
pub fn read_message(msg: &str) -> Result<Term, String> {
    Ok(match parse_term(msg) {
        Ok(t) => t,
        // Elixir, as the console reads it in `send("…", msg)`
        Err(erlang) => match crate::console::parse(&format!("send(\"x\", {msg})")) {
            Ok(crate::console::Input::Command(Command::Send { msg, .. }, _)) => msg,
            _ => {
                return Err(format!(
                    "not an Erlang term ({erlang}) nor an Elixir one, e.g. {{print, \"hi\"}} or {{:print, \"hi\"}}"
                ))
            }
        },
    })
}

/// `Supervisor.which_children/1`.
pub fn which_children(path: String) -> Command {
    Command::WhichChildren { sup: at(path) }
}

/// `Lab.pause/1`.
pub fn pause(path: String) -> Command {
    Command::Pause { sup: at(path) }
}

/// `Lab.resume/1`.
pub fn resume(path: String) -> Command {
    Command::Resume { sup: at(path) }
}

/// `Lab.change_strategy/2` to one of [`STRATEGIES`].
pub fn change_strategy(path: String, strategy: &str) -> Result<Command, String> {
    let strategy = Strategy::parse(strategy)
        .filter(|s| *s != Strategy::SimpleOneForOne)
        .ok_or_else(|| format!("\"{strategy}\" is not a strategy a running supervisor can take"))?;
    Ok(Command::ChangeStrategy {
        sup: at(path),
        strategy,
    })
}

/// `Lab.change_intensity/3` with the numbers the learner typed.
pub fn change_intensity(path: String, intensity: &str, period: &str) -> Result<Command, String> {
    let intensity: u32 = intensity
        .trim()
        .parse()
        .map_err(|_| format!("the intensity \"{intensity}\" is not a whole number of restarts"))?;
    let period: u32 = match period.trim().parse() {
        Ok(p) if p >= 1 => p,
        _ => {
            return Err(format!(
                "the period \"{period}\" is not a whole number of seconds (1 or more)"
            ))
        }
    };
    Ok(Command::ChangeIntensity {
        sup: at(path),
        intensity,
        period,
    })
}

/// `Supervisor.start_child/2` of a permanent Counter worker with the id the learner typed.
pub fn start_counter(path: String, id: &str) -> Command {
    Command::StartChild {
        sup: at(path),
        spec: StartSpec::Worker {
            id: Term::atom(id.trim()),
            kind: WorkerKind::Counter,
            restart: RestartType::Permanent,
        },
    }
}

/// A call of the child API by the id the learner typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildCall {
    /// `Supervisor.terminate_child/2`.
    Terminate,
    /// `Supervisor.restart_child/2`.
    Restart,
    /// `Supervisor.delete_child/2`.
    Delete,
}

/// `call` on the supervisor at `path` for the child id the learner typed (an error if the
/// id cannot be written as an atom the console reads back).
pub fn child(call: ChildCall, path: String, id: &str) -> Result<Command, String> {
    let (sup, id_term) = (at(path), Term::atom(id.trim()));
    let cmd = match call {
        ChildCall::Terminate => Command::TerminateChild {
            sup,
            child: ChildSel::Id(id_term),
        },
        ChildCall::Restart => Command::RestartChild { sup, id: id_term },
        ChildCall::Delete => Command::DeleteChild { sup, id: id_term },
    };
    // a share link replays the command's console line: it must read back
    if crate::console::parse(&cmd.to_elixir()).is_ok() {
        Ok(cmd)
    } else {
        Err(format!("\"{}\" is not a child id", id.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The note says what OTP does with a normal exit signal, and only for that reason;
    /// the lab agrees (a worker that does not trap exits keeps its pid).
    #[test]
    fn send_reads_erlang_and_elixir() {
        let line = |text: &str| send("demo/printer".into(), text).map(|c| c.to_elixir());
        // Erlang's "hi" is a charlist, Elixir's a binary: two different messages
        assert_eq!(
            line("{print, hi}").unwrap(),
            "send(\"demo/printer\", {:print, :hi})"
        );
        assert_eq!(
            line("{:print, :hi}").unwrap(),
            "send(\"demo/printer\", {:print, :hi})"
        );
        assert_eq!(
            line("{:print, \"hi\"}").unwrap(),
            "send(\"demo/printer\", {:print, \"hi\"})"
        );
        assert_ne!(
            line("{print, \"hi\"}").unwrap(),
            line("{:print, \"hi\"}").unwrap()
        );
        assert_eq!(line("%{a: 1}").unwrap(), "send(\"demo/printer\", %{a: 1})");
        let err = line("{print, ").unwrap_err();
        assert!(
            err.starts_with("not an Erlang term (") && err.contains("nor an Elixir one"),
            "{err}"
        );
        // a whole call smuggled in is refused, not run
        assert!(line("1), Process.exit(self(), :kill").is_err());
    }

    #[test]
    fn a_normal_exit_signal_is_explained() {
        let normal = exit("demo/printer".into(), "normal").unwrap();
        assert!(exit_note(&normal, false)
            .unwrap()
            .contains("ignores an exit signal with reason normal"));
        assert!(exit_note(&normal, true)
            .unwrap()
            .contains("{'EXIT', From, normal}"));
        assert_eq!(
            exit_note(&exit("demo/printer".into(), "shutdown").unwrap(), false),
            None
        );
        assert_eq!(exit_note(&kill("demo/printer".into()), false), None);
        let mut lab = crate::Lab::from_scenario(
            &otp_lab_sim::scenario::parse(&crate::presets::preset("demo").unwrap().text()).unwrap(),
            None,
            |_| {},
        )
        .unwrap();
        lab.advance_to(100_000);
        let before = lab.inspect("demo/printer").unwrap().pid;
        lab.exec(&normal).unwrap();
        lab.advance_to(200_000);
        assert_eq!(
            lab.inspect("demo/printer").unwrap().pid,
            before,
            "still alive, same pid"
        );
    }

    #[test]
    fn actions_are_the_console_lines_the_inspector_always_recorded() {
        assert_eq!(
            kill("demo/counter_1".into()).to_elixir(),
            "Process.exit(\"demo/counter_1\", :kill)"
        );
        assert_eq!(
            exit("demo/printer".into(), "{shutdown,maintenance}")
                .unwrap()
                .to_elixir(),
            "Process.exit(\"demo/printer\", {:shutdown, :maintenance})"
        );
        assert!(exit("demo".into(), "{a,")
            .unwrap_err()
            .starts_with("not an Erlang term"));
        assert_eq!(
            stop("demo/printer".into(), "shutdown").unwrap().to_elixir(),
            "GenServer.stop(\"demo/printer\", :shutdown)"
        );
        assert_eq!(
            change_strategy("demo".into(), "rest_for_one")
                .unwrap()
                .to_elixir(),
            "Lab.change_strategy(\"demo\", :rest_for_one)"
        );
        assert!(change_strategy("demo".into(), "simple_one_for_one").is_err());
        assert_eq!(
            start_counter("demo".into(), " worker_4 ").to_elixir(),
            "Supervisor.start_child(\"demo\", %{id: :worker_4, start: {Counter, :start_link, []}, restart: :permanent})"
        );
        assert_eq!(
            child(ChildCall::Terminate, "demo".into(), "printer")
                .unwrap()
                .to_elixir(),
            "Supervisor.terminate_child(\"demo\", :printer)"
        );
        assert_eq!(
            child(ChildCall::Delete, "demo".into(), "with space")
                .unwrap()
                .to_elixir(),
            "Supervisor.delete_child(\"demo\", :\"with space\")"
        );
        assert_eq!(
            child(ChildCall::Restart, "demo".into(), "counter_1")
                .unwrap()
                .to_elixir(),
            "Supervisor.restart_child(\"demo\", :counter_1)"
        );
    }
}
