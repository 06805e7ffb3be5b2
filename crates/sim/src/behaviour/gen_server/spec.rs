//! A worker's start arguments as plain data: which callback module it runs
//! ([`WorkerKind`]) and what its `init/1` and `terminate/2` do ([`WorkerSpec`]). A child
//! spec's start function carries one (the `{M, F, A}` of OTP's child spec), so the
//! supervisor can describe a worker without knowing how a `gen_server` runs.

use crate::atom::Atom;
use crate::term::Term;

/// Which callback module a worker runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerKind {
    /// The oracle's worker: replies `ok` to calls, logs every `handle_info`.
    Generic,
    /// The demo tree's Counter: `increment` (cast), `get_value`/`get` (call).
    Counter,
    /// The demo tree's Printer: `{print, Msg}` (cast or call), counts what it printed.
    Printer,
    /// A client of another worker: every so often it calls (or casts to) a registered
    /// name ([`WorkerSpec::client`]), as a handler of outside requests would.
    Client,
}

impl WorkerKind {
    /// The callback module's name (shown in `which_children`'s modules list).
    pub fn module(&self) -> &'static str {
        match self {
            WorkerKind::Generic => "worker",
            WorkerKind::Counter => "counter",
            WorkerKind::Printer => "printer",
            WorkerKind::Client => "client",
        }
    }
}

/// What a [`WorkerKind::Client`] does: `gen_server:call(To, Request, Timeout)` (or
/// `gen_server:cast(To, Request)`) `every_us` after its start and after each reply.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientPlan {
    /// The registered name it sends to.
    pub to: Atom,
    pub request: Term,
    /// Microseconds between a reply (or a cast) and the next request.
    pub every_us: u64,
    /// The call's timeout in microseconds (`None`: `infinity`); ignored when casting.
    pub timeout_us: Option<u64>,
    /// Casts instead of calls: requests do not wait for the one before.
    pub cast: bool,
}

/// What a worker's `init/1` returns.
#[derive(Clone, Debug, PartialEq)]
pub enum InitResult {
    Ok,
    Ignore,
    Stop(Term),
}

/// Everything a worker's start arguments say.
#[derive(Clone, Debug)]
pub struct WorkerSpec {
    pub kind: WorkerKind,
    /// Set `trap_exit` first thing in `init/1`.
    pub trap_exit: bool,
    /// Init results by attempt number (1-based, per path); attempts past the end are `Ok`.
    pub init: Vec<InitResult>,
    /// If set, every attempt returns this (a scenario's `"init": "ignore"`), overriding `init`.
    pub init_always: Option<InitResult>,
    /// Microseconds `init/1` sleeps before returning.
    pub init_delay_us: u64,
    /// Microseconds each call or cast takes to handle (`timer:sleep/1` in the callback):
    /// meanwhile requests queue in the mailbox.
    pub handle_delay_us: u64,
    /// What a client calls ([`WorkerKind::Client`] only).
    pub client: Option<ClientPlan>,
    /// Microseconds `terminate/2` sleeps.
    pub terminate_delay_us: u64,
    /// `terminate/2` ends with `exit(Term)`.
    pub terminate_exit: Option<Term>,
    /// Register the worker under this name.
    pub register: Option<Atom>,
    /// Initial counter value (Counter only).
    pub initial: i64,
}

impl WorkerSpec {
    /// A worker of `kind` with every option off.
    pub fn new(kind: WorkerKind) -> WorkerSpec {
        WorkerSpec {
            kind,
            trap_exit: false,
            init: Vec::new(),
            init_always: None,
            init_delay_us: 0,
            handle_delay_us: 0,
            client: None,
            terminate_delay_us: 0,
            terminate_exit: None,
            register: None,
            initial: 0,
        }
    }

    pub(crate) fn init_result(&self, attempt: u32) -> InitResult {
        if let Some(r) = &self.init_always {
            return r.clone();
        }
        self.init
            .get(attempt as usize - 1)
            .cloned()
            .unwrap_or(InitResult::Ok)
    }
}
