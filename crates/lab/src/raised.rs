//! What a command raises in the shell, printed as IEx or the Erlang shell print it. A
//! `gen_server` call that fails exits the caller with `{Reason, {gen_server, call, Args}}`:
//! IEx explains the reason (`** (exit) exited in: GenServer.call(:nope, :get, 5000)` then
//! `** (EXIT) no process: …`), the Erlang shell prints the term and the function.

use crate::command::elixir_term;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::Term;
use std::fmt;

/// The default timeout of `gen_server:call/2` (ms), as IEx prints it.
const DEFAULT_CALL_TIMEOUT_MS: i64 = 5000;

/// An exception a command raised.
#[derive(Clone, Debug, PartialEq)]
pub enum Raised {
    /// A `gen_server` call exited with `reason`: the server as the call named it (a name,
    /// a pid or a tree path), the request, and the timeout when it is not call/2's.
    CallExit {
        to: Term,
        request: Term,
        timeout: Option<Term>,
        reason: Term,
    },
    /// A BIF raised an error about its argument `arg` (1-based): `badarg` (`exit/2` to
    /// something that is not a pid, `!` to a name nobody has) or `noproc` (`link/1` to a
    /// dead pid from a process that does not trap exits).
    Bif {
        bif: Bif,
        args: Vec<Term>,
        arg: usize,
        why: &'static str,
    },
    /// `GenServer.stop(to, reason)` exited with `exit`: the server went down with another
    /// reason, or there was none (`noproc`, for a dead pid or a name nobody has).
    StopExit { to: Term, reason: Term, exit: Term },
    /// `sys:get_state/1` (`status` false) or `sys:get_status/1` exited with `reason`
    /// (`noproc`, `calling_self`, `timeout`).
    SysExit {
        status: bool,
        target: Term,
        reason: Term,
    },
    /// Anything else, already in words.
    Message(String),
}

/// The BIFs that raise [`Raised::Bif`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bif {
    /// `erlang:exit/2` (`Process.exit/2`): `badarg`.
    Exit,
    /// `erlang:send/2` (`send/2`, `!`): `badarg`.
    Send,
    /// `erlang:link/1` (`Process.link/1`): `noproc`.
    Link,
    /// `erlang:unlink/1` (`Process.unlink/1`): `badarg`.
    Unlink,
    /// `erlang:is_process_alive/1` (`Process.alive?/1`): `badarg`.
    IsProcessAlive,
    /// `erlang:process_info/2` (`Process.info/2`): `badarg`.
    ProcessInfo,
}

impl Bif {
    fn name(self) -> &'static str {
        match self {
            Bif::Exit => "exit",
            Bif::Send => "send",
            Bif::Link => "link",
            Bif::Unlink => "unlink",
            Bif::IsProcessAlive => "is_process_alive",
            Bif::ProcessInfo => "process_info",
        }
    }
}

impl From<String> for Raised {
    fn from(message: String) -> Raised {
        Raised::Message(message)
    }
}

impl fmt::Display for Raised {
    /// The Elixir form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_elixir())
    }
}

impl Raised {
    /// `error:badarg` from `bif` about argument `arg`.
    pub fn badarg(bif: Bif, args: Vec<Term>, arg: usize, why: &'static str) -> Raised {
        Raised::Bif {
            bif,
            args,
            arg,
            why,
        }
    }

    /// As IEx prints it.
    pub fn in_elixir(&self) -> String {
        match self {
            Raised::CallExit {
                to,
                request,
                timeout,
                reason,
            } => {
                let timeout = match timeout {
                    Some(t) => elixir_term(t),
                    None => DEFAULT_CALL_TIMEOUT_MS.to_string(),
                };
                format!(
                    "** (exit) exited in: GenServer.call({}, {}, {timeout})\n    ** (EXIT) {}",
                    elixir_term(to),
                    elixir_term(request),
                    explain_exit(reason)
                )
            }
            Raised::Bif {
                bif,
                args,
                arg,
                why,
            } => {
                let head = match bif {
                    Bif::Link => "** (ErlangError) Erlang error: :noproc:",
                    _ => "** (ArgumentError) errors were found at the given arguments:",
                };
                let ord = match arg {
                    1 => "1st",
                    2 => "2nd",
                    _ => "3rd",
                };
                let shown: Vec<String> = args.iter().map(elixir_term).collect();
                format!(
                    "{head}\n\n  * {ord} argument: {why}\n\n    :erlang.{}({})",
                    bif.name(),
                    shown.join(", ")
                )
            }
            Raised::StopExit { to, reason, exit } => format!(
                "** (exit) exited in: GenServer.stop({}, {}, :infinity)\n    ** (EXIT) {}",
                elixir_term(to),
                elixir_term(reason),
                explain_exit(exit)
            ),
            Raised::SysExit {
                status,
                target,
                reason,
            } => {
                let f = sys_fn(*status);
                let mut out = format!(
                    "** (exit) exited in: :sys.{f}({})\n    ** (EXIT) {}\n    (stdlib 4.2) sys.erl:338: :sys.send_system_msg/2",
                    elixir_term(target),
                    explain_exit(reason)
                );
                // get_status/1 calls it last (no frame of its own)
                if !status {
                    out.push_str("\n    (stdlib 4.2) sys.erl:139: :sys.get_state/1");
                }
                out
            }
            Raised::Message(m) => m.clone(),
        }
    }

    /// As the Erlang shell prints it.
    pub fn in_erlang(&self) -> String {
        match self {
            Raised::CallExit {
                to,
                request,
                timeout,
                reason,
            } => {
                let mut args = vec![to.clone(), request.clone()];
                args.extend(timeout.clone());
                let (arity, line) = if timeout.is_some() {
                    (3, 385)
                } else {
                    (2, 370)
                };
                let exit = Term::pair(
                    reason.clone(),
                    Term::tuple(vec![
                        Term::atom("gen_server"),
                        Term::atom("call"),
                        Term::list(args),
                    ]),
                );
                format!(
                    "** exception exit: {}\n     in function  gen_server:call/{arity} (gen_server.erl, line {line})",
                    exit.to_text()
                )
            }
            Raised::Bif {
                bif,
                args,
                arg,
                why,
            } => {
                let shown: Vec<String> = args.iter().map(|a| a.to_text()).collect();
                match bif {
                    // the send operator names no argument
                    Bif::Send => format!(
                        "** exception error: bad argument\n     in operator  !/2\n        called as {}",
                        shown.join(" ! ")
                    ),
                    _ => format!(
                        "** exception error: {}\n     in function  {}/{}\n        called as {}({})\n        *** argument {arg}: {why}",
                        if *bif == Bif::Link { "no such process or port" } else { "bad argument" },
                        bif.name(),
                        args.len(),
                        bif.name(),
                        shown.join(",")
                    ),
                }
            }
            Raised::StopExit { to, exit, .. } => {
                // where proc_lib:stop/3 (OTP 25) raises it: a name nobody has fails in gen
                let at = match (exit.is_atom(otp_lab_sim::atom::Atom::NOPROC), to) {
                    (true, Term::Atom(_)) => "gen:do_for_proc/2 (gen.erl, line 565)",
                    (true, _) => "proc_lib:stop/3 (proc_lib.erl, line 1091)",
                    _ => "proc_lib:stop/3 (proc_lib.erl, line 1103)",
                };
                format!(
                    "** exception exit: {}\n     in function  {at}",
                    exit.to_text()
                )
            }
            Raised::SysExit {
                status,
                target,
                reason,
            } => {
                let f = sys_fn(*status);
                let exit = Term::pair(
                    reason.clone(),
                    Term::tuple(vec![
                        Term::atom("sys"),
                        Term::atom(f),
                        Term::list(vec![target.clone()]),
                    ]),
                );
                let mut out = format!(
                    "** exception exit: {}\n     in function  sys:send_system_msg/2 (sys.erl, line 338)",
                    exit.to_text()
                );
                if !status {
                    out.push_str("\n     in call from sys:get_state/1 (sys.erl, line 139)");
                }
                out
            }
            Raised::Message(m) => m.clone(),
        }
    }
}

fn sys_fn(status: bool) -> &'static str {
    if status {
        "get_status"
    } else {
        "get_state"
    }
}

/// What the shell prints when it dies of `reason` (a linked process's exit) and a new
/// one comes up: IEx's `** (EXIT from #PID<0.1.0>) shell process exited with reason: …`,
/// the Erlang shell's `** exception exit: …`.
pub fn shell_exited(pid: Pid, reason: &Term, elixir: bool) -> String {
    if elixir {
        format!(
            "** (EXIT from {}) shell process exited with reason: {}",
            elixir_term(&Term::Pid(pid)),
            explain_exit(reason)
        )
    } else {
        format!("** exception exit: {}", reason.to_text())
    }
}

/// An exit reason as Elixir's `Exception.format_exit/1` explains it.
fn explain_exit(reason: &Term) -> String {
    if let Some(a) = reason.as_atom() {
        return match &*a.name() {
            "normal" | "shutdown" | "killed" => a.name().to_string(),
            "noproc" => "no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started".to_string(),
            "timeout" => "time out".to_string(),
            "calling_self" => "process attempted to call itself".to_string(),
            _ => elixir_term(reason),
        };
    }
    match reason.as_tuple() {
        Some([tag, what]) if tag.is_atom(otp_lab_sim::atom::Atom::SHUTDOWN) => {
            format!("shutdown: {}", elixir_term(what))
        }
        _ => elixir_term(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_sim::term::parse_term;

    fn call_exit(to: &str, timeout: Option<&str>, reason: &str) -> Raised {
        Raised::CallExit {
            to: parse_term(to).unwrap(),
            request: Term::atom("get"),
            timeout: timeout.map(|t| parse_term(t).unwrap()),
            reason: parse_term(reason).unwrap(),
        }
    }

    #[test]
    fn call_exits_print_as_iex_and_erl_print_them() {
        // as IEx 1.14 and erl (OTP 25) print them
        let e = call_exit("nope", None, "noproc");
        assert_eq!(
            e.in_elixir(),
            "** (exit) exited in: GenServer.call(:nope, :get, 5000)\n    ** (EXIT) no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started"
        );
        assert_eq!(
            e.in_erlang(),
            "** exception exit: {noproc,{gen_server,call,[nope,get]}}\n     in function  gen_server:call/2 (gen_server.erl, line 370)"
        );
        let e = call_exit("nope", Some("infinity"), "{shutdown,x}");
        assert!(e
            .in_elixir()
            .starts_with("** (exit) exited in: GenServer.call(:nope, :get, :infinity)\n    ** (EXIT) shutdown: :x"));
        assert_eq!(
            e.in_erlang(),
            "** exception exit: {{shutdown,x},{gen_server,call,[nope,get,infinity]}}\n     in function  gen_server:call/3 (gen_server.erl, line 385)"
        );
        for (reason, said) in [
            ("killed", "killed"),
            ("kill", ":kill"),
            ("timeout", "time out"),
            ("{bad,1}", "{:bad, 1}"),
            ("normal", "normal"),
        ] {
            let text = call_exit("nope", None, reason).in_elixir();
            assert!(text.ends_with(&format!("** (EXIT) {said}")), "{text}");
        }
        assert_eq!(Raised::from("x".to_string()).to_string(), "x");
    }

    #[test]
    fn bif_errors_print_as_iex_and_erl_print_them() {
        let exit = Raised::badarg(
            Bif::Exit,
            vec![Term::atom("nope"), Term::KILL],
            1,
            "not a pid",
        );
        assert_eq!(
            exit.in_elixir(),
            "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: not a pid\n\n    :erlang.exit(:nope, :kill)"
        );
        assert_eq!(
            exit.in_erlang(),
            "** exception error: bad argument\n     in function  exit/2\n        called as exit(nope,kill)\n        *** argument 1: not a pid"
        );
        let send = Raised::badarg(
            Bif::Send,
            vec![Term::atom("nope"), Term::atom("hi")],
            1,
            "invalid destination",
        );
        assert_eq!(
            send.in_elixir(),
            "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: invalid destination\n\n    :erlang.send(:nope, :hi)"
        );
        assert_eq!(
            send.in_erlang(),
            "** exception error: bad argument\n     in operator  !/2\n        called as nope ! hi"
        );
    }
}
