//! Child specs and supervisor flags, with OTP's defaults and validation.
//!
//! [`ChildSpec`] mirrors OTP's child spec map (`id`, `start`, `restart`, `shutdown`,
//! `type`, `significant`); [`SupFlags`] mirrors the supervisor flags. `check_childspec`
//! reproduces `supervisor:check_childspec/2`'s `bad_combination` errors exactly.

use crate::atom::Atom;
use crate::behaviour::gen_server::spec::WorkerSpec;
use crate::pid::Pid;
use crate::term::Term;
use std::rc::Rc;

/// A restart strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    OneForOne,
    OneForAll,
    RestForOne,
    SimpleOneForOne,
}

impl Strategy {
    /// The strategy's OTP name.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::OneForOne => "one_for_one",
            Strategy::OneForAll => "one_for_all",
            Strategy::RestForOne => "rest_for_one",
            Strategy::SimpleOneForOne => "simple_one_for_one",
        }
    }

    /// Parses an OTP strategy name.
    pub fn parse(s: &str) -> Option<Strategy> {
        Some(match s {
            "one_for_one" => Strategy::OneForOne,
            "one_for_all" => Strategy::OneForAll,
            "rest_for_one" => Strategy::RestForOne,
            "simple_one_for_one" => Strategy::SimpleOneForOne,
            _ => return None,
        })
    }
}

/// When a child is restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartType {
    Permanent,
    Transient,
    Temporary,
}

impl RestartType {
    /// The OTP name.
    pub fn name(self) -> &'static str {
        match self {
            RestartType::Permanent => "permanent",
            RestartType::Transient => "transient",
            RestartType::Temporary => "temporary",
        }
    }

    /// Parses an OTP restart type.
    pub fn parse(s: &str) -> Option<RestartType> {
        Some(match s {
            "permanent" => RestartType::Permanent,
            "transient" => RestartType::Transient,
            "temporary" => RestartType::Temporary,
            _ => return None,
        })
    }
}

/// How a child is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    BrutalKill,
    /// Milliseconds to wait after `exit(Child, shutdown)` before killing it.
    Timeout(u64),
    Infinity,
}

impl Shutdown {
    /// As Erlang prints it.
    pub fn to_term(self) -> Term {
        match self {
            Shutdown::BrutalKill => Term::atom("brutal_kill"),
            Shutdown::Timeout(ms) => Term::Int(ms as i64),
            Shutdown::Infinity => Term::atom("infinity"),
        }
    }
}

/// `auto_shutdown` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoShutdown {
    Never,
    AnySignificant,
    AllSignificant,
}

impl AutoShutdown {
    /// The OTP name.
    pub fn name(self) -> &'static str {
        match self {
            AutoShutdown::Never => "never",
            AutoShutdown::AnySignificant => "any_significant",
            AutoShutdown::AllSignificant => "all_significant",
        }
    }

    /// Parses the OTP name.
    pub fn parse(s: &str) -> Option<AutoShutdown> {
        Some(match s {
            "never" => AutoShutdown::Never,
            "any_significant" => AutoShutdown::AnySignificant,
            "all_significant" => AutoShutdown::AllSignificant,
            _ => return None,
        })
    }
}

/// `worker` or `supervisor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildType {
    Worker,
    Supervisor,
}

impl ChildType {
    /// The type as an atom.
    pub fn atom(self) -> Atom {
        match self {
            ChildType::Worker => Atom::WORKER,
            ChildType::Supervisor => Atom::SUPERVISOR,
        }
    }
}

/// Supervisor flags. Defaults as in FORMAT.md's scenarios: intensity 3, period 5,
/// `auto_shutdown` never (OTP's own default intensity is 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SupFlags {
    pub strategy: Strategy,
    pub intensity: u32,
    /// Seconds.
    pub period: u32,
    pub auto_shutdown: AutoShutdown,
}

impl Default for SupFlags {
    fn default() -> SupFlags {
        SupFlags {
            strategy: Strategy::OneForOne,
            intensity: 3,
            period: 5,
            auto_shutdown: AutoShutdown::Never,
        }
    }
}

/// What a supervisor's children run.
#[derive(Clone, Debug)]
pub struct SupSpec {
    pub flags: SupFlags,
    pub children: Vec<Rc<ChildSpec>>,
    /// A name to register the supervisor under.
    pub register: Option<Atom>,
}

/// How a child is started.
#[derive(Clone, Debug)]
pub enum StartFn {
    /// `gen_server:start_link` of a worker: the supervisor waits for its init.
    Worker(Rc<WorkerSpec>),
    /// `supervisor:start_link` of a child supervisor.
    Supervisor(Rc<SupSpec>),
    /// A start function that `spawn_link`s a plain receive loop, optionally sends
    /// `started` to `notify`, and returns `{ok, Pid}` at once (`bench_sup:worker/1`).
    SpawnLoop { notify: Option<Pid> },
}

/// A child specification.
#[derive(Clone, Debug)]
pub struct ChildSpec {
    pub id: Term,
    pub start: StartFn,
    pub restart: RestartType,
    pub shutdown: Shutdown,
    pub child_type: ChildType,
    pub significant: bool,
}

impl ChildSpec {
    /// A worker child with OTP defaults (permanent, shutdown 5000).
    pub fn worker(id: &str, spec: WorkerSpec) -> ChildSpec {
        ChildSpec {
            id: Term::atom(id),
            start: StartFn::Worker(Rc::new(spec)),
            restart: RestartType::Permanent,
            shutdown: Shutdown::Timeout(5000),
            child_type: ChildType::Worker,
            significant: false,
        }
    }

    /// A supervisor child with OTP defaults (permanent, shutdown infinity).
    pub fn supervisor(id: &str, spec: SupSpec) -> ChildSpec {
        ChildSpec {
            id: Term::atom(id),
            start: StartFn::Supervisor(Rc::new(spec)),
            restart: RestartType::Permanent,
            shutdown: Shutdown::Infinity,
            child_type: ChildType::Supervisor,
            significant: false,
        }
    }

    /// The `modules` field `which_children` shows (built once per spec kind).
    pub fn modules(&self) -> Term {
        thread_local! {
            static MODULES: [Term; 6] = [
                Term::list(vec![Term::atom("worker")]),
                Term::list(vec![Term::atom("counter")]),
                Term::list(vec![Term::atom("printer")]),
                Term::list(vec![Term::atom("client")]),
                Term::list(vec![Term::Atom(Atom::SUPERVISOR)]),
                Term::list(vec![Term::atom("bench_sup")]),
            ];
        }
        let i = match &self.start {
            StartFn::Worker(ws) => match ws.kind {
                crate::behaviour::gen_server::spec::WorkerKind::Generic => 0,
                crate::behaviour::gen_server::spec::WorkerKind::Counter => 1,
                crate::behaviour::gen_server::spec::WorkerKind::Printer => 2,
                crate::behaviour::gen_server::spec::WorkerKind::Client => 3,
            },
            StartFn::Supervisor(_) => 4,
            StartFn::SpawnLoop { .. } => 5,
        };
        MODULES.with(|m| m[i].clone())
    }

    /// The child id as text, as used in paths (`atom_to_list/1`).
    pub fn id_text(&self) -> String {
        id_text(&self.id)
    }

    /// The `{Module, Function, Args}` that starts the child.
    fn start_mfa(&self) -> Term {
        let (m, f) = match &self.start {
            StartFn::Worker(_) => (self.modules_first(), "start_link"),
            StartFn::Supervisor(_) => (Term::Atom(Atom::SUPERVISOR), "start_link"),
            StartFn::SpawnLoop { .. } => (Term::atom("bench_sup"), "worker"),
        };
        Term::tuple(vec![m, Term::atom(f), Term::list(vec![])])
    }

    fn modules_first(&self) -> Term {
        match self.modules() {
            Term::List(l) if !l.is_empty() => l[0].clone(),
            other => other,
        }
    }

    /// The spec as the map `supervisor:get_childspec/2` returns.
    pub fn to_term(&self) -> Term {
        let entries = vec![
            (Term::atom("id"), self.id.clone()),
            (Term::atom("modules"), self.modules()),
            (Term::atom("start"), self.start_mfa()),
            (Term::atom("restart"), Term::atom(self.restart.name())),
            (Term::atom("shutdown"), self.shutdown.to_term()),
            (Term::atom("significant"), Term::bool(self.significant)),
            (Term::atom("type"), Term::Atom(self.child_type.atom())),
        ];
        let mut entries = entries;
        crate::sort::sort_by(&mut entries, |a, b| a.0 < b.0);
        Term::Map(Rc::from(entries))
    }
}

/// A child id as path text: an atom's bare name, anything else as printed.
pub fn id_text(id: &Term) -> String {
    match id {
        Term::Atom(a) => a.name().to_string(),
        t => t.to_text(),
    }
}

/// `supervisor:check_childspec/2`'s significance rule: `Ok` or the error term.
pub fn check_childspec(spec: &ChildSpec, auto_shutdown: AutoShutdown) -> Result<(), Term> {
    if spec.significant {
        if auto_shutdown == AutoShutdown::Never {
            return Err(bad_combination(Term::pair(
                Term::Atom(Atom::AUTO_SHUTDOWN),
                Term::Atom(Atom::NEVER),
            )));
        }
        if spec.restart == RestartType::Permanent {
            return Err(bad_combination(Term::pair(
                Term::Atom(Atom::RESTART),
                Term::Atom(Atom::PERMANENT),
            )));
        }
    }
    Ok(())
}

fn bad_combination(first: Term) -> Term {
    Term::pair(
        Term::Atom(Atom::BAD_COMBINATION),
        Term::list(vec![
            first,
            Term::pair(Term::Atom(Atom::SIGNIFICANT), Term::TRUE),
        ]),
    )
}
