//! The [`Lab`]: a running supervision tree the learner works on. It owns a [`World`],
//! starts a preset or scenario tree under a "shell" process (the way an IEx session
//! starts an application), runs its fault script in virtual time, and executes learner
//! [`Command`]s from the shell with OTP's answers (calls go through the engine's one way
//! of calling from outside, [`otp_lab_sim::external`]).

use crate::command::{ChildSel, Command, StartSpec, Target};
use crate::console::{Scope, Syntax};
use crate::log::{LabLog, LogLine};
use crate::raised::{Bif, Raised};
use otp_lab_sim::behaviour::gen_server::spec::WorkerSpec;
use otp_lab_sim::behaviour::Behaviour;
use otp_lab_sim::event::EventKind;
use otp_lab_sim::external::{self, Answer, Drive};
use otp_lab_sim::message::{Cast, Msg, Request, SystemReq};
use otp_lab_sim::pid::Pid;
use otp_lab_sim::scenario::faults::FaultSchedule;
use otp_lab_sim::scenario::{Body, Scenario, StartArg, SupOp};
use otp_lab_sim::supervisor::api::{ChildRef, StartChildArg, SupervisorCall};
use otp_lab_sim::supervisor::spec::{ChildSpec, StartFn, SupSpec};
use otp_lab_sim::supervisor::Supervisor;
use otp_lab_sim::term::{exact_eq, Term};
use otp_lab_sim::world::{Config, World};
use std::cell::RefCell;
use std::rc::Rc;

/// Activations allowed at one virtual instant before the lab calls it a livelock.
pub const MAX_ACTIVATIONS_AT_ONCE: u64 = 2_000_000;
/// How far (virtual µs) a console call may wait for its answer: `GenServer.call`'s
/// default timeout.
pub const CALL_TIMEOUT_US: u64 = 5_000_000;

/// The lab command for a scenario step it can run at start (`start_child`, `exit`,
/// `crash`, the supervisor calls); `None` for steps that only make sense in a trace.
fn step_command(op: &SupOp) -> Option<Command> {
    let path = |p: &String| Target::Path(p.clone());
    Some(match op {
        SupOp::StartChild { sup, arg } => Command::StartChild {
            sup: path(sup),
            spec: match arg {
                StartArg::Args(a) => StartSpec::Args(Term::atom(a)),
                StartArg::Spec(cs) => match &cs.start {
                    StartFn::Worker(ws) => StartSpec::Worker {
                        id: cs.id.clone(),
                        kind: ws.kind,
                        restart: cs.restart,
                    },
                    _ => return None,
                },
            },
        },
        SupOp::Exit { target, reason } => Command::Exit {
            target: path(target),
            reason: reason.clone(),
        },
        SupOp::Crash { target, reason } => Command::Crash {
            target: path(target),
            reason: reason.clone(),
        },
        _ => return None,
    })
}

/// Longest a tree may take to start (virtual µs) before the lab goes on without waiting
/// for it: its children's `init/1` calls, one after another.
pub const START_TIMEOUT_US: u64 = 60_000_000;

/// A running tree, its fault script and its event log.
pub struct Lab {
    pub(crate) world: World,
    /// What the last command printed before its value (`flush()`'s messages).
    pub(crate) printed: Vec<Term>,
    /// The variables earlier lines bound, and the shell's pid.
    scope: Scope,
    pub(crate) shell: Pid,
    pub(crate) root: Pid,
    pub(crate) root_path: String,
    pub(crate) log: Rc<RefCell<LabLog>>,
    faults: FaultSchedule,
    /// Every shell that died (oldest first); a new one took its place each time.
    shell_exits: Vec<ShellExit>,
    /// The sequence chart's rows, extended as the run goes.
    seq_cache: RefCell<crate::sequence::Cache>,
}

/// A shell that died: its pid, why, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct ShellExit {
    pub pid: Pid,
    pub reason: Term,
    pub t_us: u64,
}

impl Lab {
    /// The demo tree: supervisor `demo` (one_for_one) with `counter_1`, `counter_2`
    /// (Counter workers) and `printer` (Printer).
    pub fn demo(seed: u64) -> Lab {
        let p = crate::presets::preset("demo").expect("the demo preset exists");
        let scn = otp_lab_sim::scenario::parse(&p.text()).expect("the demo preset parses");
        Lab::from_scenario(&scn, Some(seed), |_| {}).expect("the demo preset starts")
    }

    /// Starts the tree `spec` with root id `root_id` (once it has started: see [`START_TIMEOUT_US`]).
    pub fn start(root_id: &str, spec: Rc<SupSpec>, seed: u64) -> Lab {
        Lab::boot(root_id, spec, seed, &[], |_| {})
    }

    /// Starts a supervisor-family scenario: its tree, its fault script, and its steps run
    /// at time 0 (the presets start dynamic children that way). `seed` overrides the
    /// scenario's; `setup` may attach telemetry handlers before anything happens.
    pub fn from_scenario(
        scn: &Scenario,
        seed: Option<u64>,
        setup: impl FnOnce(&mut World),
    ) -> Result<Lab, String> {
        let Body::Sup {
            root_id,
            tree,
            steps,
        } = &scn.body
        else {
            return Err("the lab needs a supervision tree (a scenario with \"tree\")".into());
        };
        let mut lab = Lab::boot(
            root_id,
            tree.clone(),
            seed.unwrap_or(scn.seed),
            &scn.faults,
            setup,
        );
        for step in steps {
            if let Some(cmd) = step_command(&step.op) {
                lab.exec(&cmd).map_err(|e| e.to_string())?;
            }
        }
        Ok(lab)
    }

    fn boot(
        root_id: &str,
        spec: Rc<SupSpec>,
        seed: u64,
        faults: &[otp_lab_sim::scenario::Fault],
        setup: impl FnOnce(&mut World),
    ) -> Lab {
        let mut world = World::new(Config {
            seed,
            log_capacity: 1 << 16,
            ..Config::default()
        });
        setup(&mut world);
        let log = Rc::new(RefCell::new(LabLog::default()));
        let l = log.clone();
        let _ = world
            .telemetry
            .attach_many("lab-log", &crate::log::listened(), move |e| {
                l.borrow_mut().on_event(e)
            });
        // the shell does not trap exits, as IEx's does not: a linked process's exit
        // takes it down (and a new shell comes up)
        let shell = external::spawn_external(&mut world, false);
        log.borrow_mut()
            .paths
            .insert(shell, std::rc::Rc::from("shell"));
        let path = world.intern_path(root_id);
        let root_sup = Behaviour::Supervisor(Box::new(Supervisor::new(spec, shell)));
        let root = external::start_link(&mut world, shell, root_sup, path);
        // registered under its id, as `Supervisor.start_link(children, name: :demo)` does
        // (before its init runs): `Process.whereis(:demo)` answers as in IEx
        world.register(otp_lab_sim::atom::Atom::new(root_id), root);
        let mut lab = Lab {
            world,
            printed: Vec::new(),
            scope: Scope {
                vars: Default::default(),
                shell: Some(shell),
            },
            shell,
            root,
            root_path: root_id.to_string(),
            log,
            faults: FaultSchedule::new(faults),
            shell_exits: Vec::new(),
            seq_cache: Default::default(),
        };
        // the shell waits for the root's ack, as supervisor:start_link/2 does: every
        // child's init/1 has returned (virtual time passes while they take it) before
        // anything else is asked of the tree; a root that fails to start takes the shell
        // down with it, which is fine here
        let deadline = lab.world.now().saturating_add(START_TIMEOUT_US);
        let _ = external::receive(&mut lab, shell, deadline, |m| matches!(m, Msg::Ack { .. }));
        lab
    }

    /// The simulated world (read-only).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The shell process (the learner's IEx session).
    pub fn shell(&self) -> Pid {
        self.shell
    }

    /// The root supervisor's path.
    pub fn root_path(&self) -> &str {
        &self.root_path
    }

    /// Virtual time in microseconds.
    pub fn now_us(&self) -> u64 {
        self.world.now()
    }

    /// True when nothing is runnable at the current instant.
    pub fn is_idle(&self) -> bool {
        self.world.is_idle()
    }

    /// Runs at most `budget` scheduler steps; true if runnable work remains.
    pub fn run_for(&mut self, budget: u32) -> bool {
        for _ in 0..budget {
            if self.world.is_idle() {
                return false;
            }
            self.step_world();
        }
        !self.world.is_idle()
    }

    /// One scheduler step; a shell that died in it is replaced at once.
    fn step_world(&mut self) -> bool {
        let stepped = self.world.step();
        self.watch_shell();
        stepped
    }

    /// A new shell for one that died, as IEx starts one: a fresh process, nothing
    /// linked, no variables kept... (IEx keeps none either: the evaluator died.)
    fn watch_shell(&mut self) {
        if self.world.is_alive(self.shell) {
            return;
        }
        let old = self.shell;
        let reason = self
            .world
            .log
            .iter()
            .filter(|e| e.kind == EventKind::Exit && e.pid == old)
            .last()
            .map_or(Term::NORMAL, |e| e.term.clone());
        let shell = external::spawn_external(&mut self.world, false);
        self.log
            .borrow_mut()
            .paths
            .insert(shell, std::rc::Rc::from("shell"));
        self.shell_exits.push(ShellExit {
            pid: old,
            reason,
            t_us: self.world.now(),
        });
        self.shell = shell;
        self.scope = Scope {
            vars: Default::default(),
            shell: Some(shell),
        };
    }

    /// Every shell that died, oldest first (each replaced by a new one at once).
    pub fn shell_exits(&self) -> &[ShellExit] {
        &self.shell_exits
    }

    /// The next virtual time something is scheduled (a timer or a fault).
    pub fn next_time(&mut self) -> Option<u64> {
        match (self.world.next_timer(), self.faults.next_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs one scheduler step (an activation); false if nothing was runnable.
    pub fn step_once(&mut self) -> bool {
        !self.world.is_idle() && self.step_world()
    }

    /// Jumps to `t` and fires the timers and faults due then.
    pub fn fire_at(&mut self, t: u64) {
        self.world.fire_timers_at(t);
        self.faults.fire_due(&mut self.world, self.shell);
    }

    /// Runs toward virtual time `t` with at most `budget` steps: work, then timers and
    /// faults in time order. True once everything up to `t` has run (the clock is at
    /// `t`); false if the budget ran out first (call again to continue).
    pub fn run_toward(&mut self, t: u64, budget: u32) -> bool {
        let mut left = budget;
        loop {
            while !self.world.is_idle() {
                if left == 0 {
                    return false;
                }
                self.step_world();
                left -= 1;
            }
            match self.next_time() {
                Some(n) if n <= t => {
                    if left == 0 {
                        return false;
                    }
                    left -= 1;
                    self.fire_at(n);
                }
                _ => {
                    self.world.advance_to(t);
                    return true;
                }
            }
        }
    }

    /// Advances virtual time by `dt_us`, running all work, timers and faults due.
    pub fn advance(&mut self, dt_us: u64) {
        let t = self.world.now().saturating_add(dt_us);
        self.advance_to(t);
    }

    /// Runs everything up to virtual time `t` (no budget: for replays and tests).
    pub fn advance_to(&mut self, t: u64) {
        while !self.run_toward(t, u32::MAX) {}
    }

    /// `exit(Pid, kill)` on the process at `path`.
    pub fn kill(&mut self, path: &str) -> Result<(), String> {
        self.exec(&Command::Exit {
            target: Target::Path(path.to_string()),
            reason: Term::KILL,
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    /// The live pid a target names, if any.
    pub fn lookup(&self, t: &Target) -> Option<Pid> {
        match t {
            Target::Path(p) => self.world.whereis_path(p),
            Target::Pid(n) => self
                .world
                .processes()
                .find(|p| p.pid.serial() == *n)
                .map(|p| p.pid),
            Target::Name(n) => self
                .world
                .whereis(otp_lab_sim::atom::Atom::new(n))
                .or_else(|| self.world.whereis_path(n)),
        }
    }

    /// The pid a target names, alive or not: a pid as written, or the live process a name
    /// or path names.
    pub(crate) fn pid_of(&self, t: &Target) -> Result<Pid, Raised> {
        match (self.lookup(t), t) {
            (Some(pid), _) => Ok(pid),
            (None, Target::Pid(n)) => {
                // the pid the process had, if the lab still knows it (its history keeps it)
                let log = self.log.borrow();
                let known = log.paths.keys().chain(log.history.known());
                let pid = known.copied().find(|p| p.serial() == *n);
                Ok(pid.unwrap_or(Pid::from_bits(*n as u64)))
            }
            (None, _) => Err(self.resolve(t).unwrap_err().into()),
        }
    }

    /// Resolves a target to a live pid.
    pub fn resolve(&self, t: &Target) -> Result<Pid, String> {
        self.lookup(t).ok_or_else(|| match t {
            Target::Path(p) => format!("no live process at {p}"),
            Target::Pid(n) => format!("<0.{n}.0> is not alive"),
            Target::Name(n) => format!("no process is registered as {n}"),
        })
    }

    /// Runs a command from the shell at the current instant (pending work first), as
    /// OTP would; calls wait (in virtual time) for their reply. The value is what the
    /// function returns in OTP; an error is the exception it raises.
    pub fn exec(&mut self, cmd: &Command) -> Result<Term, Raised> {
        self.settle()?;
        let shell = self.shell;
        let r = match cmd {
            Command::Exit { target, reason } => {
                let args = || vec![target.to_term(), reason.clone()];
                match self.lookup(target) {
                    Some(pid) => {
                        self.world.emit(EventKind::Fault, pid, shell, 0, reason);
                        self.world.send_exit(shell, pid, reason.clone());
                    }
                    // an exit signal to a dead pid vanishes, as on the BEAM
                    None if matches!(target, Target::Pid(_)) => {
                        let pid = self.pid_of(target)?;
                        self.world.send_exit(shell, pid, reason.clone());
                    }
                    None if matches!(target, Target::Name(_)) => {
                        return Err(Raised::badarg(Bif::Exit, args(), 1, "not a pid"))
                    }
                    None => return Err(self.resolve(target).unwrap_err().into()),
                }
                Term::TRUE
            }
            Command::Crash { target, reason } => {
                let pid = self.resolve(target)?;
                if self
                    .world
                    .process(pid)
                    .and_then(|p| p.behaviour.as_server())
                    .is_none()
                {
                    return Err(
                        format!("{pid} is not a worker (only workers crash on request)").into(),
                    );
                }
                self.world.emit(EventKind::Fault, pid, shell, 1, reason);
                self.world
                    .send(shell, pid, Msg::Cast(Cast::Stop(reason.clone())));
                Term::OK
            }
            Command::Send { target, msg } => {
                match self.lookup(target) {
                    Some(pid) => self.world.send(shell, pid, Msg::user(msg.clone())),
                    // a message to a dead pid is dropped silently (the reason monitors exist)
                    None if matches!(target, Target::Pid(_)) => {
                        let pid = self.pid_of(target)?;
                        self.world.send(shell, pid, Msg::user(msg.clone()));
                    }
                    None if matches!(target, Target::Name(_)) => {
                        let args = vec![target.to_term(), msg.clone()];
                        return Err(Raised::badarg(Bif::Send, args, 1, "invalid destination"));
                    }
                    None => return Err(self.resolve(target).unwrap_err().into()),
                }
                msg.clone()
            }
            Command::Cast { target, msg } => {
                let pid = self.resolve(target)?;
                self.world
                    .send(shell, pid, Msg::Cast(Cast::Term(msg.clone())));
                Term::OK
            }
            Command::Stop { target, reason } => self.stop(target, reason)?,
            Command::Call { target, msg } => {
                let raise = |reason| Raised::CallExit {
                    to: target.to_term(),
                    request: msg.clone(),
                    timeout: None,
                    reason,
                };
                let Some(pid) = self.lookup(target) else {
                    return Err(raise(Term::NOPROC));
                };
                self.call(pid, Request::Term(msg.clone()), raise)?
            }
            Command::Sys { target, status } => self.sys_get(target, *status)?,
            Command::Info { .. }
            | Command::InfoItems { .. }
            | Command::SelfPid
            | Command::Flush
            | Command::Alive { .. }
            | Command::Whereis { .. }
            | Command::Processes
            | Command::Unlink { .. }
            | Command::Demonitor { .. }
            | Command::TrapExit { .. }
            | Command::Value(_)
            | Command::Link { .. }
            | Command::Monitor { .. } => self.process_bif(cmd)?,
            Command::WhichChildren { sup } => self.sup_call(sup, SupervisorCall::WhichChildren)?,
            Command::CountChildren { sup } => self.sup_call(sup, SupervisorCall::CountChildren)?,
            Command::TerminateChild { sup, child } => {
                let cref = match child {
                    ChildSel::Id(id) => ChildRef::Id(id.clone()),
                    ChildSel::Pid(t) => ChildRef::Pid(self.resolve(t)?),
                };
                self.sup_call(sup, SupervisorCall::TerminateChild(cref))?
            }
            Command::RestartChild { sup, id } => {
                self.sup_call(sup, SupervisorCall::RestartChild(id.clone()))?
            }
            Command::DeleteChild { sup, id } => {
                self.sup_call(sup, SupervisorCall::DeleteChild(id.clone()))?
            }
            Command::GetChildspec { sup, id } => {
                self.sup_call(sup, SupervisorCall::GetChildspec(id.clone()))?
            }
            Command::StartChild { sup, spec } => {
                let arg = match spec {
                    StartSpec::Worker { id, kind, restart } => {
                        let mut cs = ChildSpec::worker("x", WorkerSpec::new(*kind));
                        cs.id = id.clone();
                        cs.restart = *restart;
                        StartChildArg::Spec(Rc::new(cs))
                    }
                    StartSpec::Args(a) => StartChildArg::Args(a.clone()),
                };
                self.sup_call(sup, SupervisorCall::StartChild(arg))?
            }
            Command::Pause { sup } => self.sup_call(sup, SupervisorCall::Pause)?,
            Command::Resume { sup } => self.sup_call(sup, SupervisorCall::Resume)?,
            // the analytics are the session's: a lab alone has none to ask
            Command::Analytics(_) => return Err(Raised::Message("no analytics here".into())),
            Command::ChangeIntensity {
                sup,
                intensity,
                period,
            } => {
                let call = SupervisorCall::ChangeIntensity {
                    intensity: *intensity,
                    period: *period,
                };
                self.sup_call(sup, call)?
            }
            Command::ChangeStrategy { sup, strategy } => {
                self.sup_call(sup, SupervisorCall::ChangeStrategy(*strategy))?
            }
        };
        Ok(r)
    }

    /// Runs the pending work at this instant (as before any command the shell runs).
    pub fn settle(&mut self) -> Result<(), String> {
        for _ in 0..MAX_ACTIVATIONS_AT_ONCE {
            if self.world.is_idle() {
                return Ok(());
            }
            // one activation at a time: a dying shell is replaced when it dies
            self.world.run_until_idle(1);
            self.watch_shell();
        }
        if self.world.is_idle() {
            Ok(())
        } else {
            Err(format!(
                "the simulation does not settle at {} µs (a restart loop?)",
                self.world.now()
            ))
        }
    }

    /// `GenServer.stop(pid, reason)`, as `proc_lib:stop/3` does it: monitor, ask the server
    /// to terminate (`sys:terminate`), wait for it to go down; `:ok` only if it went down
    /// with `reason`, else the shell exits with the reason it went down with.
    fn stop(&mut self, target: &Target, reason: &Term) -> Result<Term, Raised> {
        let raise = |exit| Raised::StopExit {
            to: target.to_term(),
            reason: reason.clone(),
            exit,
        };
        let Some(pid) = self.lookup(target) else {
            return Err(raise(Term::NOPROC));
        };
        let shell = self.shell;
        let mref = self.world.monitor(shell, pid);
        let req = SystemReq::Terminate(reason.clone());
        let msg = Msg::System {
            from: shell,
            tag: mref,
            req,
        };
        self.world.send(shell, pid, msg);
        let deadline = self.world.now() + CALL_TIMEOUT_US;
        let down = |m: &Msg| matches!(m, Msg::Down { mref: r, .. } if *r == mref);
        let acked = external::receive(self, shell, deadline, |m| external::is_answer(m, mref))?;
        let went_down = match acked {
            Some(Msg::Reply { .. }) => external::receive(self, shell, deadline, down)?,
            other => other,
        };
        match went_down {
            Some(Msg::Down { reason: exit, .. }) if exact_eq(&exit, reason) => Ok(Term::OK),
            Some(Msg::Down { reason: exit, .. }) => Err(raise(exit)),
            _ => {
                self.world.demonitor(shell, mref, true);
                self.world.advance_to(deadline);
                Err(raise(Term::atom("timeout")))
            }
        }
    }

    /// A call of the supervisor's API (`Supervisor.which_children/1`…): `gen_server:call`
    /// with an `infinity` timeout, as `supervisor.erl` makes it.
    fn sup_call(&mut self, sup: &Target, call: SupervisorCall) -> Result<Term, Raised> {
        let raise = |reason| Raised::CallExit {
            to: sup.to_term(),
            request: call.to_term(),
            timeout: Some(Term::atom("infinity")),
            reason,
        };
        let Some(pid) = self.lookup(sup) else {
            return Err(raise(Term::NOPROC));
        };
        if self
            .world
            .process(pid)
            .and_then(|p| p.behaviour.as_supervisor())
            .is_none()
        {
            return Err(format!("{pid} is not a supervisor").into());
        }
        self.call(pid, Request::Supervisor(call.clone()), raise)
    }

    /// A `gen_server:call` from the shell: waits (in virtual time, at most
    /// [`CALL_TIMEOUT_US`]) for the reply; a `'DOWN'` or the timeout exits the shell with
    /// `raise(reason)`.
    fn call(
        &mut self,
        pid: Pid,
        req: Request,
        raise: impl Fn(Term) -> Raised,
    ) -> Result<Term, Raised> {
        let start = self.world.now();
        let deadline = start + CALL_TIMEOUT_US;
        match external::call(self, self.shell, pid, req, deadline)? {
            Answer::Reply(value) => Ok(value),
            Answer::Down(reason) => Err(raise(reason)),
            Answer::NoAnswer => {
                self.world.advance_to(deadline);
                Err(raise(Term::atom("timeout")))
            }
        }
    }

    /// What a console line may name: the variables bound so far and the shell's pid.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Runs `cmd` and binds its answer to `var`, as the line's shell does: IEx rebinds,
    /// while in the Erlang shell a bound variable must match (else `badmatch`).
    pub fn exec_bind(&mut self, var: &str, cmd: &Command, syntax: Syntax) -> Result<Term, Raised> {
        let value = self.exec_in(cmd, syntax)?;
        match self.scope.vars.get(var) {
            Some(old) if syntax == Syntax::Erlang && !exact_eq(old, &value) => {
                Err(Raised::Message(format!(
                    "** exception error: no match of right hand side value {}",
                    value.to_text()
                )))
            }
            _ => {
                self.scope.vars.insert(var.to_string(), value.clone());
                Ok(value)
            }
        }
    }

    /// Runs a console command typed in `syntax`: [`Lab::exec`], then the answer as that
    /// language's function gives it — Elixir's `Supervisor.count_children/1` (and
    /// `DynamicSupervisor`'s) turn OTP's proplist into a map.
    pub fn exec_in(&mut self, cmd: &Command, syntax: Syntax) -> Result<Term, Raised> {
        let value = self.exec(cmd)?;
        Ok(match (cmd, syntax) {
            (Command::CountChildren { .. }, Syntax::Elixir) => proplist_to_map(value),
            (Command::WhichChildren { .. } | Command::GetChildspec { .. }, Syntax::Elixir) => {
                elixir_modules(value)
            }
            _ => value,
        })
    }

    /// What the last command printed before its value (`flush()` prints each message it
    /// takes from the shell's mailbox), taken once.
    pub fn take_printed(&mut self) -> Vec<Term> {
        std::mem::take(&mut self.printed)
    }

    /// Restarts logged so far, over the whole tree (including subtrees that are gone).
    pub fn restarts_total(&self) -> u64 {
        self.log.borrow().restarts_total
    }

    /// Number of log lines so far (including dropped ones).
    pub fn log_len(&self) -> usize {
        self.log.borrow().total
    }

    /// Log lines with `from <= index < to` that are still kept.
    pub fn log_lines(&self, from: usize, to: usize) -> Vec<LogLine> {
        let log = self.log.borrow();
        let first = log.lines.front().map_or(0, |l| l.index);
        let a = from.max(first) - first;
        let b = to.max(first) - first;
        log.lines
            .range(a.min(log.lines.len())..b.min(log.lines.len()))
            .cloned()
            .collect()
    }

    /// Every message and exit signal of the run so far (the newest
    /// [`MESSAGES_KEPT`](crate::history::MESSAGES_KEPT)), joined up.
    pub fn history(&self) -> std::cell::Ref<'_, crate::history::History> {
        std::cell::Ref::map(self.log.borrow(), |l| &l.history)
    }

    /// A window of the sequence chart of the run's messages.
    pub fn sequence(&self, q: &crate::sequence::Query) -> crate::sequence::Chart {
        let log = self.log.borrow();
        crate::sequence::chart(
            &log.history,
            &log.paths,
            q,
            &mut self.seq_cache.borrow_mut(),
        )
    }

    /// Message `id` of the history, told in full (None when it is forgotten).
    pub fn message_detail(&self, id: u64) -> Option<crate::sequence::detail::Detail> {
        let log = self.log.borrow();
        let first = log.lines.front().map_or(0, |l| l.index);
        crate::sequence::detail::detail(&log.history, &log.paths, id, |i| {
            i.checked_sub(first)
                .and_then(|k| log.lines.get(k))
                .filter(|l| l.index == i)
                .map(|l| l.text.clone())
        })
    }

    /// The tree path of a pid, if the lab knows one.
    pub fn path_of(&self, pid: Pid) -> Option<String> {
        self.log.borrow().paths.get(&pid).map(|p| p.to_string())
    }
}

impl Drive for Lab {
    type Error = String;

    fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    fn run_idle(&mut self) -> Result<(), String> {
        self.settle()
    }

    fn next_time(&mut self) -> Option<u64> {
        Lab::next_time(self)
    }

    fn fire_at(&mut self, t: u64) {
        Lab::fire_at(self, t)
    }
}

/// `which_children`'s or `get_childspec`'s answer with the Lab's worker modules as Elixir
/// names them: `[Counter]`, `{Counter, :start_link, []}` (Erlang's `counter`).
fn elixir_modules(t: Term) -> Term {
    use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
    const KINDS: [WorkerKind; 4] = [
        WorkerKind::Generic,
        WorkerKind::Counter,
        WorkerKind::Printer,
        WorkerKind::Client,
    ];
    let module = |t: &Term| {
        let name = t.as_atom().map(|a| a.name());
        match KINDS.iter().find(|k| name.as_deref() == Some(k.module())) {
            Some(k) => Term::atom(&format!("Elixir.{}", crate::command::module_name(*k))),
            None => t.clone(),
        }
    };
    let modules = |t: &Term| match t {
        Term::List(ms) => Term::list(ms.iter().map(module).collect()),
        _ => t.clone(),
    };
    match &t {
        // which_children: [{Id, Child, Type, Modules}]
        Term::List(children) => Term::list(
            children
                .iter()
                .map(|c| match c.as_tuple() {
                    Some([id, pid, ty, ms]) => {
                        Term::tuple(vec![id.clone(), pid.clone(), ty.clone(), modules(ms)])
                    }
                    _ => c.clone(),
                })
                .collect(),
        ),
        // get_childspec: {ok, #{modules => …, start => {M, F, A}, …}}
        Term::Tuple(okspec) => match &okspec[..] {
            [ok, Term::Map(spec)] => {
                let spec = spec.iter().map(|(k, v)| {
                    let v = match (k.as_atom().map(|a| a.name()).as_deref(), v.as_tuple()) {
                        (Some("modules"), _) => modules(v),
                        (Some("start"), Some([m, f, a])) => {
                            Term::tuple(vec![module(m), f.clone(), a.clone()])
                        }
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                });
                Term::pair(ok.clone(), Term::Map(spec.collect()))
            }
            _ => t,
        },
        _ => t,
    }
}

/// `[{specs,3},{active,3},…]` as the map Elixir's `:maps.from_list/1` makes of it (keys in
/// term order); any other term as it is.
fn proplist_to_map(t: Term) -> Term {
    let Term::List(items) = &t else {
        return t;
    };
    let mut pairs = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item {
            Term::Tuple(kv) if kv.len() == 2 => pairs.push((kv[0].clone(), kv[1].clone())),
            _ => return t,
        }
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    Term::Map(Rc::from(pairs))
}
