//! `:sys.get_state/1` and `:sys.get_status/1` from the shell, answered as OTP 25 does:
//! a `gen_server`'s state, a supervisor's `#state{}` record, or the status list
//! (`{status, Pid, {module, gen_server}, [PDict, running, Parent, [], Misc]}`) with its
//! header, `"Status"`, `"Parent"`, `"Logged events"`, `"State"` and, for a supervisor,
//! its `"Callback"`. The shell asking itself exits with `calling_self`; a dead process or
//! a name nobody has with `noproc`; a process that takes no system messages lets the call
//! time out (five seconds of virtual time).

mod state;

use crate::command::Target;
use crate::raised::Raised;
use crate::{Lab, CALL_TIMEOUT_US};
use otp_lab_sim::atom::Atom;
use otp_lab_sim::behaviour::Behaviour;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::Term;
use state::{state_record, SUPERVISOR_MODULE};

/// A charlist term (`"Status"` in Erlang, `'Status'` in Elixir 1.14).
fn chars(s: &str) -> Term {
    Term::list(s.bytes().map(|b| Term::Int(b as i64)).collect())
}

impl Lab {
    /// The name a process goes by: its registered name, or the root's name (the Lab's
    /// root answers to it, as `Supervisor.start_link(…, name: :demo)` registers it).
    fn name_of(&self, pid: Pid) -> Option<Atom> {
        let p = self.world.process(pid)?;
        p.registered
            .or_else(|| (pid == self.root).then(|| Atom::new(&self.root_path)))
    }

    /// `sys:get_state(Target)` (`status` false) or `sys:get_status(Target)`.
    pub(crate) fn sys_get(&mut self, target: &Target, status: bool) -> Result<Term, Raised> {
        let raise = |reason| Raised::SysExit {
            status,
            target: target.to_term(),
            reason,
        };
        let Some(pid) = self.lookup(target) else {
            return Err(raise(Term::NOPROC));
        };
        if pid == self.shell() {
            return Err(raise(Term::atom("calling_self")));
        }
        let answer = self.world.process(pid).and_then(|p| match &p.behaviour {
            Behaviour::Server(s) => Some((s.state_term(), s.spec().kind.module())),
            Behaviour::Supervisor(s) => {
                Some((state_record(s, pid, self.name_of(pid)), SUPERVISOR_MODULE))
            }
            _ => None,
        });
        let Some((state, module)) = answer else {
            // no system messages: the call waits out its timeout
            let deadline = self.world.now() + CALL_TIMEOUT_US;
            self.world.advance_to(deadline);
            return Err(raise(Term::atom("timeout")));
        };
        let Some(p) = self.world.process(pid) else {
            return Err(raise(Term::NOPROC));
        };
        if !status {
            return Ok(state);
        }
        let is_sup = matches!(p.behaviour, Behaviour::Supervisor(_));
        let name_or_pid = |q: Pid| self.name_of(q).map_or(Term::Pid(q), Term::Atom);
        // '$ancestors': the parent's name (or pid), then its ancestors, up to the shell
        let mut ancestors = Vec::new();
        let mut q = p.parent;
        while let Some(a) = self.world().process(q) {
            ancestors.push(name_or_pid(q));
            if q == self.shell()
                || !matches!(a.behaviour, Behaviour::Supervisor(_) | Behaviour::Server(_))
            {
                break;
            }
            q = a.parent;
        }
        let initial = if is_sup {
            Term::tuple(vec![
                Term::atom("supervisor"),
                Term::atom(SUPERVISOR_MODULE),
                Term::Int(1),
            ])
        } else {
            Term::tuple(vec![Term::atom(module), Term::atom("init"), Term::Int(1)])
        };
        let pdict = Term::list(vec![
            Term::pair(Term::atom("$initial_call"), initial),
            Term::pair(Term::atom("$ancestors"), Term::list(ancestors)),
        ]);
        let parent = Term::Pid(p.parent);
        let header = match self.name_of(pid) {
            Some(n) => format!("Status for generic server {}", n.name()),
            None => format!("Status for generic server {pid}"),
        };
        let mut misc = vec![
            Term::pair(Term::atom("header"), chars(&header)),
            Term::pair(
                Term::atom("data"),
                Term::list(vec![
                    Term::pair(chars("Status"), Term::atom("running")),
                    Term::pair(chars("Parent"), parent.clone()),
                    Term::pair(chars("Logged events"), Term::list(vec![])),
                ]),
            ),
            Term::pair(
                Term::atom("data"),
                Term::list(vec![Term::pair(chars("State"), state)]),
            ),
        ];
        if is_sup {
            misc.push(Term::pair(
                Term::atom("supervisor"),
                Term::list(vec![Term::pair(
                    chars("Callback"),
                    Term::atom(SUPERVISOR_MODULE),
                )]),
            ));
        }
        Ok(Term::tuple(vec![
            Term::atom("status"),
            Term::Pid(pid),
            Term::pair(Term::atom("module"), Term::atom("gen_server")),
            Term::list(vec![
                pdict,
                Term::atom("running"),
                parent,
                Term::list(vec![]),
                Term::list(misc),
            ]),
        ]))
    }
}
