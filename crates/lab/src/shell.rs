//! The process functions the shell runs on itself and on other processes —
//! `Process.info/1,2`, `self/0`, `flush/0`, `Process.alive?/1`, `Process.whereis/1`,
//! `Process.list/0`, `Process.link/1`, `unlink/1`, `monitor/1`, `demonitor/1,2`,
//! `Process.flag(:trap_exit, …)` — with the answers OTP gives, a dead pid included.

use crate::command::{Command, Target};
use crate::raised::{Bif, Raised};
use crate::Lab;
use otp_lab_sim::atom::Atom;
use otp_lab_sim::external;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::Term;

impl Lab {
    /// Runs a process function from the shell (the commands that are not the supervisor
    /// API, signals or calls).
    pub(crate) fn process_bif(&mut self, cmd: &Command) -> Result<Term, Raised> {
        let shell = self.shell;
        Ok(match cmd {
            Command::Info { target, flavor } => match self.lookup(target) {
                Some(pid) => crate::inspect::process_info(self, pid),
                None if matches!(target, Target::Pid(_)) => flavor.nothing(),
                None => return Err(self.resolve(target).unwrap_err().into()),
            },
            Command::InfoItems {
                target,
                items,
                flavor,
            } => {
                let Some(p) = self.lookup(target).and_then(|pid| self.world.process(pid)) else {
                    if matches!(target, Target::Pid(_)) {
                        return Ok(flavor.nothing());
                    }
                    return Err(self.resolve(target).unwrap_err().into());
                };
                let item = |a: &Term| {
                    let name = a.as_atom().map(|a| a.name()).unwrap_or_default();
                    let value = crate::inspect::info_item(p, &name).ok_or_else(|| {
                        let args = vec![target.to_term(), items.clone()];
                        Raised::badarg(Bif::ProcessInfo, args, 2, "invalid item or item list")
                    })?;
                    Ok::<Term, Raised>(Term::pair(a.clone(), value))
                };
                match items {
                    Term::List(list) => {
                        Term::list(list.iter().map(item).collect::<Result<_, _>>()?)
                    }
                    one => item(one)?,
                }
            }
            Command::SelfPid => Term::Pid(shell),
            Command::Flush => {
                while let Some(m) = external::take(&mut self.world, shell, |_| true) {
                    if m.is_real() {
                        self.printed.push(m.to_term());
                    }
                }
                Term::OK
            }
            // is_process_alive/1 takes a pid: a name is a bad argument, registered or not
            Command::Alive { target } => match (target, self.lookup(target)) {
                (Target::Name(_), _) => {
                    let args = vec![target.to_term()];
                    return Err(Raised::badarg(Bif::IsProcessAlive, args, 1, "not a pid"));
                }
                (_, found) => Term::bool(found.is_some()),
            },
            Command::Whereis { name, flavor } => name
                .as_atom()
                .and_then(|a| self.world.whereis(a))
                .map_or_else(|| flavor.nothing(), Term::Pid),
            Command::Processes => {
                let mut pids: Vec<Pid> = self.world.processes().map(|p| p.pid).collect();
                otp_lab_sim::sort::sort(&mut pids);
                Term::list(pids.into_iter().map(Term::Pid).collect())
            }
            Command::Unlink { target } => {
                match self.lookup(target) {
                    Some(pid) => self.world.unlink(shell, pid),
                    None if matches!(target, Target::Pid(_)) => {}
                    None if matches!(target, Target::Name(_)) => {
                        let args = vec![target.to_term()];
                        return Err(Raised::badarg(Bif::Unlink, args, 1, "not a pid"));
                    }
                    None => return Err(self.resolve(target).unwrap_err().into()),
                }
                Term::TRUE
            }
            Command::Demonitor { mref, opts } => {
                let has = |o: &str| matches!(opts, Term::List(l) if l.iter().any(|x| x.is_atom(Atom::new(o))));
                let Term::Ref(r) = mref else {
                    return Err(format!("{} is not a reference", mref.to_text()).into());
                };
                let was_active = self.world.demonitor(shell, *r, has("flush"));
                if has("info") {
                    Term::bool(was_active)
                } else {
                    Term::TRUE
                }
            }
            Command::TrapExit { value } => Term::bool(self.world.set_trap_exit(shell, *value)),
            Command::Value(v) => v.clone(),
            Command::Link { target } => {
                let pid = self.pid_of(target)?;
                // a dead pid: a trapping shell gets {'EXIT', Pid, noproc}, else link raises
                if !self.world.link_bif(shell, pid) {
                    let args = vec![Term::Pid(pid)];
                    let why = "the pid does not refer to an existing process";
                    return Err(Raised::badarg(Bif::Link, args, 1, why));
                }
                Term::TRUE
            }
            Command::Monitor { target } => {
                // a dead pid: the 'DOWN' (noproc) comes at once
                let pid = self.pid_of(target)?;
                Term::Ref(self.world.monitor(shell, pid))
            }
            _ => unreachable!("process_bif takes the process functions only"),
        })
    }
}
