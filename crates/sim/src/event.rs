//! Lifecycle events and the telemetry-style bus that handlers attach to.
//!
//! Every observable thing the simulator does (spawn, exit, link, monitor, exit signal,
//! message send and receive, init and terminate callbacks, supervisor reports and child
//! starts) is one [`Event`]. The world appends each event to its columnar log and hands it,
//! synchronously and in order, to every handler attached for that [`EventKind`] — the way
//! `:telemetry.attach_many/4` works, so nothing polls and nothing is missed.
//!
//! Three subscriptions are narrower than a kind, for analytics that would otherwise hear
//! every event to use a few: [`EventKind::SupervisorInit`] and
//! [`EventKind::SupervisorExit`] (the `InitStart` and `Exit` events of supervisors only)
//! and supervisor notes ([`SupervisorNote`]: each report and child start, typed, so the
//! reason and the child need no decoding). Per-kind counters ([`Telemetry::counts`]) and
//! clock handlers complete the bus.

use crate::pid::Pid;
use crate::term::Term;
use std::cell::Cell;
use std::rc::Rc;

/// What happened. The meaning of an event's `pid`, `other`, `info` and `term` fields
/// depends on its kind, as documented on each variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum EventKind {
    /// `pid` was spawned by `other`; `info` = path id (0: none); `term` = behaviour name.
    Spawn = 0,
    /// `pid` died; `term` = exit reason; handlers get the `seq` of the `ExitSignal` that
    /// killed it in [`Event::aux`] (0 when it exited by itself).
    Exit = 1,
    /// `pid` linked to `other`.
    Link = 2,
    /// `pid` unlinked from `other`.
    Unlink = 3,
    /// `pid` started monitoring `other`; `info` = low bits of the reference.
    Monitor = 4,
    /// `pid` removed its monitor of `other`.
    Demonitor = 5,
    /// `pid` sent an exit signal to `other` (`exit/2` when `info` = 0, a link when 1);
    /// `term` = reason.
    ExitSignal = 6,
    /// `pid` sent a message to `other`; `info` = [`MsgCode`]; `term` = payload; handlers
    /// get the call's tag in [`Event::aux`] for calls and replies.
    Send = 7,
    /// A message from `other` entered `pid`'s mailbox; `info` = [`MsgCode`]; `term` = payload;
    /// handlers get the `seq` of the event that sent it in [`Event::aux`] (the `Send`; the
    /// `ExitSignal` of a trapped `'EXIT'`; 0 when nothing sent it, as the `{'EXIT', Pid,
    /// noproc}` of `link/1` to a dead pid) — for a `'DOWN'`, the monitor's reference.
    Receive = 8,
    /// `pid` set `trap_exit` to `info` (0/1).
    TrapExit = 9,
    /// `pid` registered the name `term`.
    Register = 10,
    /// `pid` began its init callback; `info` = path id; `term` = `{worker, PathBinary}` for
    /// a worker, `{Strategy, PathBinary, Intensity, Period}` for a supervisor.
    InitStart = 11,
    /// `pid`'s init returned; `info` = 0 ok, 1 ignore, 2 `{stop,R}` (`term` = R).
    InitResult = 12,
    /// `pid`'s `terminate/2` was called with reason `term`.
    Terminate = 13,
    /// `pid`'s `handle_info/2` was called with message `term`.
    HandleInfo = 14,
    /// Supervisor `pid` logged a report about child `other`; `info` = [`ReportContext`];
    /// `term` = `{OffenderLabel, Reason}` (label as a binary).
    Report = 15,
    /// Supervisor `pid` started child `other`; `info` = [`StartCause`]; `term` =
    /// `{ChildId, ChildPathBinary}`.
    ChildStarted = 16,
    /// Supervisor `pid` was paused (`info` = 1) or resumed (0).
    Paused = 17,
    /// Supervisor `pid` changed strategy to `term`.
    StrategyChanged = 18,
    /// A fault was injected on `pid`; `term` = what was done (`kill`, `{exit,R}`, `{crash,R}`).
    Fault = 19,
    /// Free text logged by `pid` (raw puppets, the driver); `term` = text as a binary.
    Log = 20,
    /// `pid` handled a call or cast; `info` = 0 call, 1 cast; `term` = the request.
    Handle = 21,
    /// Supervisor `pid` counted a restart against its intensity (`add_restart/1`);
    /// `info` = restarts now inside the period; `term` = the intensity (the period came
    /// with the supervisor's `InitStart`).
    RestartCounted = 22,
    /// Supervisor `pid` changed its restart intensity and period to `term` =
    /// `{Intensity, Period}` (beyond OTP, like [`EventKind::StrategyChanged`]).
    IntensityChanged = 23,
    /// Not logged: a subscription to the `Exit` events of supervisors only (handlers get
    /// them with kind `Exit`), for analytics that need to know when a supervisor is gone
    /// without hearing about every worker's exit.
    SupervisorExit = 24,
    /// Not logged: a subscription to the `InitStart` events of supervisors only (handlers
    /// get them with kind `InitStart`), for analytics that need to know when a supervisor
    /// starts without hearing about every worker's init.
    SupervisorInit = 25,
    /// Not logged: a receive took a message out of `pid`'s mailbox (`other` sent it); `info`
    /// = how many older messages it left there (a selective receive skipped them); `aux` =
    /// the `seq` of the event that sent it (as in `Receive`; for a message nothing sent, as
    /// a `'DOWN'`, the `seq` of its `Receive`). Emitted only when a handler listens, so the
    /// simulator's hot path pays one test.
    Take = 26,
    /// Not logged: `gen_server` `pid`'s callback state after `init/1` or after it handled a
    /// message; `term` = the state (as `sys:get_state/1` returns it). Emitted only when a
    /// handler listens.
    State = 27,
}

impl EventKind {
    /// Every kind, in code order.
    pub const ALL: [EventKind; 24] = [
        EventKind::Spawn,
        EventKind::Exit,
        EventKind::Link,
        EventKind::Unlink,
        EventKind::Monitor,
        EventKind::Demonitor,
        EventKind::ExitSignal,
        EventKind::Send,
        EventKind::Receive,
        EventKind::TrapExit,
        EventKind::Register,
        EventKind::InitStart,
        EventKind::InitResult,
        EventKind::Terminate,
        EventKind::HandleInfo,
        EventKind::Report,
        EventKind::ChildStarted,
        EventKind::Paused,
        EventKind::StrategyChanged,
        EventKind::Fault,
        EventKind::Log,
        EventKind::Handle,
        EventKind::RestartCounted,
        EventKind::IntensityChanged,
    ];

    /// The kind with this code.
    pub fn from_code(code: u8) -> Option<EventKind> {
        EventKind::ALL.get(code as usize).copied()
    }

    /// A telemetry-style name, e.g. `[otp_lab, process, spawn]`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Spawn => "process.spawn",
            EventKind::Exit => "process.exit",
            EventKind::Link => "process.link",
            EventKind::Unlink => "process.unlink",
            EventKind::Monitor => "process.monitor",
            EventKind::Demonitor => "process.demonitor",
            EventKind::ExitSignal => "signal.exit",
            EventKind::Send => "message.send",
            EventKind::Receive => "message.receive",
            EventKind::TrapExit => "process.trap_exit",
            EventKind::Register => "process.register",
            EventKind::InitStart => "behaviour.init_start",
            EventKind::InitResult => "behaviour.init_result",
            EventKind::Terminate => "behaviour.terminate",
            EventKind::HandleInfo => "behaviour.handle_info",
            EventKind::Report => "supervisor.report",
            EventKind::ChildStarted => "supervisor.child_started",
            EventKind::Paused => "supervisor.paused",
            EventKind::StrategyChanged => "supervisor.strategy_changed",
            EventKind::Fault => "fault.injected",
            EventKind::Log => "log.line",
            EventKind::Handle => "behaviour.handle",
            EventKind::RestartCounted => "supervisor.restart_counted",
            EventKind::SupervisorExit => "supervisor.exit",
            EventKind::SupervisorInit => "supervisor.init",
            EventKind::Take => "message.take",
            EventKind::State => "behaviour.state",
            EventKind::IntensityChanged => "supervisor.intensity_changed",
        }
    }

    pub(crate) fn bit(self) -> u32 {
        1 << (self as u8)
    }
}

/// Message kinds, in `Send`/`Receive` events' `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum MsgCode {
    /// `{'EXIT', Other, Term}`.
    Exit = 1,
    /// `{'DOWN', Ref, process, Other, Term}`.
    Down = 2,
    /// A `gen_server` call; `term` = request.
    Call = 3,
    /// A reply to a call; `term` = reply.
    Reply = 4,
    /// A `gen_server` cast; `term` = request.
    Cast = 5,
    /// A `proc_lib` start acknowledgement; `term` = return value.
    Ack = 6,
    /// A system message (`sys:terminate`); `term` = request.
    System = 7,
    /// A timer message (`erlang:start_timer/3`); `term` = payload.
    Timer = 8,
    /// A command from the scenario driver to a raw process; `term` = command.
    Command = 9,
    /// Anything sent with `!`; `term` = the message.
    User = 10,
}

/// Supervisor report contexts, in `Report` events' `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ReportContext {
    ChildTerminated = 0,
    ShutdownError = 1,
    StartError = 2,
    /// The supervisor gave up: `reached_max_restart_intensity`.
    Shutdown = 3,
}

impl ReportContext {
    /// The context from an event's `info`.
    pub fn from_code(code: u32) -> Option<ReportContext> {
        Some(match code {
            0 => ReportContext::ChildTerminated,
            1 => ReportContext::ShutdownError,
            2 => ReportContext::StartError,
            3 => ReportContext::Shutdown,
            _ => return None,
        })
    }

    /// The name OTP logs (`child_terminated`, …).
    pub fn name(self) -> &'static str {
        match self {
            ReportContext::ChildTerminated => "child_terminated",
            ReportContext::ShutdownError => "shutdown_error",
            ReportContext::StartError => "start_error",
            ReportContext::Shutdown => "shutdown",
        }
    }
}

/// Why a supervisor started a child, in `ChildStarted` events' `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum StartCause {
    /// Started while the supervisor initialised.
    Init = 0,
    /// Restarted automatically after an exit (including group restarts and retries).
    Restart = 1,
    /// Added with `start_child`.
    StartChild = 2,
    /// Started again with `restart_child`.
    RestartChild = 3,
    /// Started again when a paused supervisor resumed.
    Resume = 4,
}

impl StartCause {
    /// The cause from an event's `info`.
    pub fn from_code(code: u32) -> Option<StartCause> {
        Some(match code {
            0 => StartCause::Init,
            1 => StartCause::Restart,
            2 => StartCause::StartChild,
            3 => StartCause::RestartChild,
            4 => StartCause::Resume,
            _ => return None,
        })
    }
}

/// One event, as handlers see it.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    /// Position in the run (0-based, never reset, counts events dropped from the ring too).
    pub seq: u64,
    /// Virtual time in microseconds.
    pub time: u64,
    pub kind: EventKind,
    pub pid: Pid,
    pub other: Pid,
    pub info: u32,
    pub term: &'a Term,
    /// Interned id of the tree path the event is about, when the world knows it: the
    /// process's own path in `InitStart`, the child's in `ChildStarted` and in a supervisor's
    /// `Report` about a child (unless the label is not a path, as `sup/id*N`). 0 otherwise (and
    /// in events read back from the log), where consumers use the path bytes in the term.
    pub path: u32,
    /// What else handlers are told, by kind (0 otherwise, and in events read back from the
    /// log): the tag of a call or reply in `Send`; the `seq` of the event that sent the
    /// message in `Receive` (a `'DOWN'`: the monitor's reference) and `Take`; the `seq` of
    /// the killing exit signal in `Exit`.
    pub aux: u64,
}

impl Event<'_> {
    /// For a `Report` event: the context's name, the offender label and the reason.
    pub fn report_parts(&self) -> (&'static str, String, Term) {
        let ctx = ReportContext::from_code(self.info).map_or("?", |c| c.name());
        match self.term.as_tuple() {
            Some([Term::Binary(b), r]) => (ctx, String::from_utf8_lossy(b).into_owned(), r.clone()),
            _ => (ctx, "?".to_string(), self.term.clone()),
        }
    }
}

/// What a supervisor tells note observers as it reports on a child or starts one: the
/// typed counterpart of its `Report` and `ChildStarted` events (the way a `:telemetry`
/// event carries measurements and metadata), so analytics read the child and the reason
/// as they are instead of decoding every event's term.
#[derive(Clone, Copy, Debug)]
pub struct SupervisorNote<'a> {
    /// Virtual time in microseconds.
    pub time: u64,
    pub supervisor: Pid,
    /// The child the report is about, or the child just started.
    pub child: Pid,
    pub what: Noted,
    /// The child's world path id (0 when its label is not a tree path, as `sup/id*N`).
    pub path: u32,
    /// The child's label, as the event names it (`sup/id`, `sup/id*N`).
    pub label: &'a [u8],
    /// A report's reason (`Term::UNDEFINED` for a start).
    pub reason: &'a Term,
}

/// Which event a [`SupervisorNote`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noted {
    Report(ReportContext),
    Started(StartCause),
}

/// A handler's identity, for [`Telemetry::detach`].
pub type HandlerId = String;

type Handler = Box<dyn FnMut(&Event<'_>)>;
type ClockHandler = Box<dyn FnMut(u64)>;
type NoteHandler = Box<dyn FnMut(&SupervisorNote<'_>)>;

/// How many events of each kind were emitted since the counters were first asked for:
/// shared with handlers that only count a kind (an add per event instead of a call).
#[derive(Debug, Default)]
pub struct KindCounts([Cell<u64>; EventKind::ALL.len()]);

impl KindCounts {
    /// Events of `kind` so far.
    pub fn get(&self, kind: EventKind) -> u64 {
        self.0[kind as usize].get()
    }

    #[inline]
    fn bump(&self, kind: EventKind) {
        let c = &self.0[kind as usize];
        c.set(c.get() + 1);
    }
}

struct Attached {
    id: HandlerId,
    mask: u32,
    handler: Handler,
}

/// The bus: handlers attached by name to sets of event kinds, clock handlers told when
/// virtual time moves on, and (once asked for) counters of every kind.
#[derive(Default)]
pub struct Telemetry {
    handlers: Vec<Attached>,
    mask: u32,
    clocks: Vec<(HandlerId, ClockHandler)>,
    notes: Vec<(HandlerId, NoteHandler)>,
    counts: Option<Rc<KindCounts>>,
    /// The most signals waiting in one process's queue since its reader last took it.
    pub(crate) queue_high_water: Option<Rc<Cell<usize>>>,
}

/// Error from [`Telemetry::attach`] when the id is taken (as `:telemetry` returns
/// `{error, already_exists}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlreadyExists(pub HandlerId);

impl Telemetry {
    /// Attaches `handler` to one kind of event.
    pub fn attach(
        &mut self,
        id: &str,
        kind: EventKind,
        handler: impl FnMut(&Event<'_>) + 'static,
    ) -> Result<(), AlreadyExists> {
        self.attach_many(id, &[kind], handler)
    }

    /// Attaches `handler` to several kinds of event.
    pub fn attach_many(
        &mut self,
        id: &str,
        kinds: &[EventKind],
        handler: impl FnMut(&Event<'_>) + 'static,
    ) -> Result<(), AlreadyExists> {
        if self.handlers.iter().any(|a| a.id == id) {
            return Err(AlreadyExists(id.to_string()));
        }
        let mask = kinds.iter().fold(0, |m, k| m | k.bit());
        self.handlers.push(Attached {
            id: id.to_string(),
            mask,
            handler: Box::new(handler),
        });
        self.mask |= mask;
        Ok(())
    }

    /// Attaches a handler called with the new virtual time whenever the clock moves
    /// forward, before anything happens at that time.
    pub fn attach_clock(
        &mut self,
        id: &str,
        handler: impl FnMut(u64) + 'static,
    ) -> Result<(), AlreadyExists> {
        if self.clocks.iter().any(|(h, _)| h == id) {
            return Err(AlreadyExists(id.to_string()));
        }
        self.clocks.push((id.to_string(), Box::new(handler)));
        Ok(())
    }

    /// Attaches `handler` to supervisors' notes ([`SupervisorNote`]): every report and
    /// child start, typed, told right before its event is logged.
    pub fn attach_notes(
        &mut self,
        id: &str,
        handler: impl FnMut(&SupervisorNote<'_>) + 'static,
    ) -> Result<(), AlreadyExists> {
        if self.notes.iter().any(|(h, _)| h == id) {
            return Err(AlreadyExists(id.to_string()));
        }
        self.notes.push((id.to_string(), Box::new(handler)));
        Ok(())
    }

    /// True if a handler listens to supervisors' notes.
    #[inline]
    pub(crate) fn wants_notes(&self) -> bool {
        !self.notes.is_empty()
    }

    /// Hands a supervisor's note to its handlers.
    #[inline]
    pub(crate) fn note(&mut self, note: &SupervisorNote<'_>) {
        for (_, h) in &mut self.notes {
            h(note);
        }
    }

    /// The per-kind event counters (counting starts with the first call).
    pub fn counts(&mut self) -> Rc<KindCounts> {
        self.counts.get_or_insert_with(Rc::default).clone()
    }

    /// The high-water mark of mailboxes: the longest one process's queue (its mailbox and
    /// the signals behind it) was when a signal arrived, since the reader last took it
    /// (`Cell::take`). Kept from the first call on.
    pub fn queue_high_water(&mut self) -> Rc<Cell<usize>> {
        self.queue_high_water
            .get_or_insert_with(Rc::default)
            .clone()
    }

    /// Detaches a handler (event, clock or note); false if no handler had that id.
    pub fn detach(&mut self, id: &str) -> bool {
        let before = self.handlers.len() + self.clocks.len() + self.notes.len();
        self.handlers.retain(|a| a.id != id);
        self.clocks.retain(|(h, _)| h != id);
        self.notes.retain(|(h, _)| h != id);
        self.mask = self.handlers.iter().fold(0, |m, a| m | a.mask);
        self.handlers.len() + self.clocks.len() + self.notes.len() != before
    }

    /// The ids of attached handlers, in attach order.
    pub fn list_handlers(&self) -> Vec<HandlerId> {
        self.handlers.iter().map(|a| a.id.clone()).collect()
    }

    /// True if a handler is attached to any kind in `bits`.
    #[inline]
    pub(crate) fn wants_any(&self, bits: u32) -> bool {
        self.mask & bits != 0
    }

    #[inline]
    pub(crate) fn count(&self, kind: EventKind) {
        if let Some(c) = &self.counts {
            c.bump(kind);
        }
    }

    /// The clock moved forward to `t`.
    #[inline]
    pub(crate) fn tick(&mut self, t: u64) {
        for (_, h) in &mut self.clocks {
            h(t);
        }
    }

    /// Hands `event` to every handler attached to a kind in `bits` (once each).
    #[inline]
    pub(crate) fn dispatch(&mut self, event: &Event<'_>, bits: u32) {
        for a in &mut self.handlers {
            if a.mask & bits != 0 {
                (a.handler)(event);
            }
        }
    }
}
