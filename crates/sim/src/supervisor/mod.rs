//! An OTP supervisor, as `supervisor.erl` (stdlib 4.2, OTP 25) behaves.
//!
//! The supervisor is a `gen_server` that traps exits. Its blocking steps — waiting for a
//! child's init to acknowledge, waiting for a child to die during shutdown — are explicit
//! [`Wait`] states; what it was doing around them is a [`Stage`] (init, the receive loop,
//! a restart or API job, termination). Everything else follows the Erlang source: the
//! `add_restart` intensity rule, restart strategies, `try_again_restart` casts, the
//! shutdown protocol (monitor, `exit(Child, shutdown)`, kill after the timeout,
//! `unlink_flush`), reports, and every reply of the child API.
//!
//! Beyond OTP: pause/resume, changing strategy at run time, and a restart
//! counter kept by the supervisor itself.
//!
//! This file holds the state, init and the receive loop; the rest is in rooms of its own:
//! [`spec`] (child specs and flags, plain data), [`api`] (what the API calls send),
//! `calls.rs` (their `handle_call` clauses), `restart.rs` (a child's exit, the intensity
//! rule, the strategies), `jobs.rs` (multi-step work resumed after each blocking step),
//! `shutdown.rs` (stopping children) and [`children`] (child records and the restart
//! window).

pub mod api;
mod calls;
pub mod children;
mod jobs;
mod restart;
mod shutdown;
pub mod spec;

use crate::atom::Atom;
use crate::behaviour::{Behaviour, Flow};
use crate::event::{EventKind, Noted, ReportContext, SupervisorNote};
use crate::message::{Cast, Msg, Request, SystemReq};
use crate::pid::{Pid, Ref};
use crate::term::Term;
use crate::world::{SpawnOpts, World};
use children::{Child, ChildPid, DynChild, DynKey, RestartWindow};
use jobs::Job;
use rustc_hash::FxHashMap as HashMap;
use shutdown::DynShutdown;
use spec::{AutoShutdown, ChildSpec, RestartType, StartFn, Strategy, SupSpec};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// What a child start returned.
#[derive(Clone, Debug)]
pub(crate) enum Started {
    Ok(Pid),
    /// `ignore` (`{ok, undefined}`).
    Ignore,
    Error(Term),
}

/// What the supervisor is blocked on.
#[derive(Clone, Debug)]
pub(crate) enum Wait {
    None,
    /// `proc_lib:sync_start_link`: `{ack, Pid, Ret}` or `{'EXIT', Pid, Reason}`.
    Ack(Pid),
    /// `shutdown/1`: the child's `'DOWN'`, with the kill timer while it runs.
    Down {
        pid: Pid,
        mref: Ref,
        timer: Option<Ref>,
        brutal: bool,
        permanent: bool,
    },
    /// `terminate_dynamic_children/1`.
    Dynamic(Box<DynShutdown>),
}

/// What the supervisor is doing.
#[derive(Clone, Debug)]
pub(crate) enum Stage {
    /// Not initialised yet.
    Fresh,
    /// Starting children at init, next index `idx`.
    InitStarting { idx: usize },
    /// Init failed: terminating started children from index `idx` down, then exit.
    InitAborting { idx: usize, reason: Term },
    /// The `gen_server` receive loop.
    Loop,
    /// A restart or an API call in progress.
    Job(Job),
    /// Terminating children (from index `idx` down), then exit with `reason`.
    Stopping { idx: usize, reason: Term },
    /// Terminating dynamic children, then exit with `reason`.
    StoppingDynamic { reason: Term },
}

/// A supervisor process's state.
#[derive(Clone, Debug)]
pub struct Supervisor {
    spec: Rc<SupSpec>,
    starter: Pid,
    path: u32,
    strategy: Strategy,
    intensity: u32,
    period: u32,
    auto_shutdown: AutoShutdown,
    children: Vec<Child>,
    by_pid: HashMap<Pid, usize>,
    /// Interned path of each static child id (computed once).
    child_paths: HashMap<Term, u32>,
    /// The `ChildStarted` event term of each child path (built once).
    started_terms: HashMap<u32, Term>,
    dynamics: BTreeMap<DynKey, DynChild>,
    dynamic_restarts: u32,
    restarts: RestartWindow,
    paused: bool,
    /// Children left stopped while paused (ids, or dynamic instance args).
    pending: Vec<Term>,
    stage: Stage,
    wait: Wait,
    /// A start that completed without waiting, to feed to the stage on the next run
    /// (a loop through the scheduler, not recursion, however many children start).
    ready: Option<Started>,
    restart_count: u64,
}

impl Supervisor {
    /// A supervisor about to run `init/1`; `starter` gets the ack.
    pub fn new(spec: Rc<SupSpec>, starter: Pid) -> Supervisor {
        let f = spec.flags;
        Supervisor {
            spec,
            starter,
            path: 0,
            strategy: f.strategy,
            intensity: f.intensity,
            period: f.period.max(1),
            auto_shutdown: f.auto_shutdown,
            children: Vec::new(),
            by_pid: HashMap::default(),
            child_paths: HashMap::default(),
            started_terms: HashMap::default(),
            dynamics: BTreeMap::new(),
            dynamic_restarts: 0,
            restarts: RestartWindow::default(),
            paused: false,
            pending: Vec::new(),
            stage: Stage::Fresh,
            wait: Wait::None,
            ready: None,
            restart_count: 0,
        }
    }

    // ------------------------------------------------------------ read access

    /// The restart strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// Maximum restarts within the period.
    pub fn intensity(&self) -> u32 {
        self.intensity
    }

    /// The period in seconds.
    pub fn period(&self) -> u32 {
        self.period
    }

    /// The spec it was started with (flags and child specs as given).
    pub fn spec(&self) -> &SupSpec {
        &self.spec
    }

    /// When `auto_shutdown` acts.
    pub fn auto_shutdown_flag(&self) -> AutoShutdown {
        self.auto_shutdown
    }

    /// The restart seconds in the intensity window as of the last restart, newest first
    /// (OTP's `restarts` list), and the dynamic children's restarts in progress.
    pub fn restart_record(&self) -> (impl Iterator<Item = u64> + '_, u32) {
        (self.restarts.seconds(), self.dynamic_restarts)
    }

    /// True while paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Automatic restarts performed by this incarnation.
    pub fn restart_count(&self) -> u64 {
        self.restart_count
    }

    /// Restarts counted in the current intensity window at virtual time `now_us`.
    pub fn restarts_in_window(&self, now_us: u64) -> u64 {
        self.restarts.count_at(now_us / 1_000_000, self.period)
    }

    /// Static children in start order.
    pub fn children(&self) -> &[Child] {
        &self.children
    }

    /// Dynamic children (`simple_one_for_one`), in key order.
    pub fn dynamic_children(&self) -> impl Iterator<Item = (DynKey, &Term)> {
        self.dynamics.iter().map(|(k, d)| (*k, &d.args))
    }

    fn is_simple(&self) -> bool {
        self.strategy == Strategy::SimpleOneForOne
    }

    fn template(&self) -> Option<&Child> {
        self.children.first()
    }

    // ------------------------------------------------------------ the process

    pub(crate) fn run(&mut self, w: &mut World, me: Pid) -> Flow {
        if let Some(r) = self.ready.take() {
            return self.resume(w, me, jobs::Outcome::Started(r));
        }
        if !matches!(self.wait, Wait::None) {
            return match self.poll_wait(w, me) {
                Some(flow) => flow,
                None => Flow::Wait,
            };
        }
        match self.stage {
            Stage::Fresh => self.init(w, me),
            Stage::Loop => match w.next_msg(me) {
                Some(msg) => self.handle_msg(w, me, msg),
                None => Flow::Wait,
            },
            // Stages other than Loop always hold a wait; reaching here means a job
            // finished its wait and must continue.
            _ => self.resume(w, me, jobs::Outcome::None),
        }
    }

    fn init(&mut self, w: &mut World, me: Pid) -> Flow {
        w.set_trap_exit(me, true);
        self.path = w.process(me).map(|p| p.path).unwrap_or(0);
        let tag = Term::tuple(vec![
            Term::atom(self.strategy.name()),
            Term::Binary(w.path_name(self.path).as_bytes().into()),
            Term::Int(self.intensity as i64),
            Term::Int(self.period as i64),
        ]);
        let bits = EventKind::InitStart.bit() | EventKind::SupervisorInit.bit();
        w.emit_for(bits, EventKind::InitStart, me, Pid::NONE, self.path, tag, 0);
        if let Some(name) = self.spec.register {
            if !w.register(name, me) {
                let holder = w.whereis(name).map(Term::Pid).unwrap_or(Term::UNDEFINED);
                return self.init_stop(
                    w,
                    me,
                    Term::pair(Term::Atom(Atom::ALREADY_STARTED), holder),
                );
            }
        }
        // check_startspec
        let specs = self.spec.children.clone();
        let mut seen: BTreeSet<&Term> = BTreeSet::new();
        for c in &specs {
            if let Err(e) = spec::check_childspec(c, self.auto_shutdown) {
                return self.init_stop(w, me, Term::pair(Term::Atom(Atom::START_SPEC), e));
            }
            if seen.contains(&&c.id) {
                let e = Term::pair(Term::Atom(Atom::DUPLICATE_CHILD_NAME), c.id.clone());
                return self.init_stop(w, me, Term::pair(Term::Atom(Atom::START_SPEC), e));
            }
            seen.insert(&c.id);
        }
        if self.is_simple() && specs.len() != 1 {
            let l = Term::list(specs.iter().map(|c| c.id.clone()).collect());
            return self.init_stop(w, me, Term::pair(Term::atom("bad_start_spec"), l));
        }
        self.children = specs.into_iter().map(Child::new).collect();
        if self.is_simple() {
            return self.init_done(w, me);
        }
        self.stage = Stage::InitStarting { idx: 0 };
        self.resume(w, me, jobs::Outcome::None)
    }

    /// `init/1` returned `{stop, Reason}`: ack `{error, Reason}` and exit.
    fn init_stop(&mut self, w: &mut World, me: Pid, reason: Term) -> Flow {
        self.ack(w, me, Term::error(reason.clone()));
        Flow::Exit(reason)
    }

    fn init_done(&mut self, w: &mut World, me: Pid) -> Flow {
        self.ack(w, me, Term::ok(Term::Pid(me)));
        self.stage = Stage::Loop;
        Flow::Continue
    }

    fn ack(&mut self, w: &mut World, me: Pid, ret: Term) {
        if !self.starter.is_none() {
            w.send(me, self.starter, Msg::Ack { pid: me, ret });
            self.starter = Pid::NONE;
        }
    }

    fn parent(w: &World, me: Pid) -> Pid {
        w.process(me).map(|p| p.parent).unwrap_or(Pid::NONE)
    }

    /// One message of the receive loop.
    fn handle_msg(&mut self, w: &mut World, me: Pid, msg: Msg) -> Flow {
        match msg {
            Msg::Exit { from, reason } => {
                if from == Self::parent(w, me) {
                    return self.begin_stop(w, me, reason);
                }
                self.restart_child(w, me, from, reason)
            }
            Msg::Call {
                from,
                tag,
                req: Request::Supervisor(call),
            } => self.handle_call(w, me, from, tag, call),
            Msg::Call {
                from,
                tag,
                req: Request::Term(_),
            } => Self::reply(w, me, from, tag, Term::error(Term::atom("badcall"))),
            Msg::Cast(Cast::TryAgainRestart(key)) => self.try_again(w, me, key),
            Msg::System {
                from,
                tag,
                req: SystemReq::Terminate(reason),
            } => {
                w.send(
                    me,
                    from,
                    Msg::Reply {
                        tag,
                        value: Term::OK,
                    },
                );
                self.begin_stop(w, me, reason)
            }
            // Anything else: "Supervisor received unexpected message" (logged, ignored).
            _ => Flow::Continue,
        }
    }

    // ------------------------------------------------------------ starting children

    fn child_path(&mut self, w: &mut World, spec: &ChildSpec) -> u32 {
        if let Some(p) = self.child_paths.get(&spec.id) {
            return *p;
        }
        let p = format!("{}/{}", w.path_name(self.path), spec.id_text());
        let id = w.intern_path(&p);
        self.child_paths.insert(spec.id.clone(), id);
        id
    }

    fn dyn_path(&self, w: &mut World, args: &Term) -> u32 {
        let p = format!("{}/{}", w.path_name(self.path), spec::id_text(args));
        w.intern_path(&p)
    }

    /// Starts a child process. Returns `None` if the supervisor must now wait for the
    /// child's ack, or the result at once for start functions that do not wait.
    fn start_proc(
        &mut self,
        w: &mut World,
        me: Pid,
        spec: &ChildSpec,
        path: u32,
    ) -> Option<Started> {
        let opts = SpawnOpts {
            link: true,
            path,
            ..SpawnOpts::default()
        };
        match &spec.start {
            StartFn::Worker(ws) => {
                let b = Behaviour::Server(Box::new(crate::behaviour::gen_server::GenServer::new(
                    ws.clone(),
                    me,
                )));
                let (pid, _) = w.spawn(me, b, opts);
                self.wait = Wait::Ack(pid);
                None
            }
            StartFn::Supervisor(ss) => {
                let b = Behaviour::Supervisor(Box::new(Supervisor::new(ss.clone(), me)));
                let (pid, _) = w.spawn(me, b, opts);
                self.wait = Wait::Ack(pid);
                None
            }
            StartFn::SpawnLoop { notify } => {
                let (pid, _) = w.spawn(me, Behaviour::Loop, opts);
                if let Some(n) = notify {
                    w.send(me, *n, Msg::user(Term::Atom(Atom::STARTED)));
                }
                Some(Started::Ok(pid))
            }
        }
    }

    /// Starts a child and feeds the result to the current job (now or after the ack).
    fn start_and_resume(&mut self, w: &mut World, me: Pid, spec: &ChildSpec, path: u32) -> Flow {
        match self.start_proc(w, me, spec, path) {
            Some(r) => {
                self.ready = Some(r);
                Flow::Continue
            }
            None => Flow::Wait,
        }
    }

    fn poll_wait(&mut self, w: &mut World, me: Pid) -> Option<Flow> {
        match self.wait.clone() {
            Wait::None => None,
            Wait::Ack(pid) => {
                let m = w.take_msg(me, |m| {
                    matches!(m, Msg::Ack { pid: p, .. } if *p == pid)
                        || matches!(m, Msg::Exit { from, .. } if *from == pid)
                })?;
                self.wait = Wait::None;
                let r = match m {
                    Msg::Ack { ret, .. } => ack_result(ret),
                    Msg::Exit { reason, .. } => Started::Error(reason),
                    _ => unreachable!("take_msg matched only acks and exits"),
                };
                Some(self.resume(w, me, jobs::Outcome::Started(r)))
            }
            Wait::Down { .. } => {
                let reason = self.poll_down(w, me)?;
                self.wait = Wait::None;
                Some(self.resume(w, me, jobs::Outcome::Shutdown(reason)))
            }
            Wait::Dynamic(_) => {
                let errors = self.poll_dynamic(w, me)?;
                self.wait = Wait::None;
                Some(self.resume(w, me, jobs::Outcome::Dynamic(errors)))
            }
        }
    }

    // ------------------------------------------------------------ bookkeeping

    pub(crate) fn set_pid(&mut self, idx: usize, pid: ChildPid) {
        if let Some(old) = self.children[idx].pid.pid() {
            self.by_pid.remove(&old);
        }
        if let ChildPid::Running(p) = pid {
            self.by_pid.insert(p, idx);
        }
        self.children[idx].pid = pid;
    }

    pub(crate) fn reindex(&mut self) {
        self.by_pid.clear();
        for (i, c) in self.children.iter().enumerate() {
            if let ChildPid::Running(p) = c.pid {
                self.by_pid.insert(p, i);
            }
        }
    }

    /// `del_child/2`: a temporary child's record is removed, others become undefined.
    pub(crate) fn del_child_at(&mut self, idx: usize) {
        if self.children[idx].spec.restart == RestartType::Temporary {
            self.children.remove(idx);
            self.reindex();
        } else {
            self.set_pid(idx, ChildPid::Undefined);
        }
    }

    /// The offender as the conformance trace names it.
    pub(crate) fn offender_label(
        &self,
        w: &World,
        spec: &ChildSpec,
        pid: Option<DynKey>,
        count: Option<usize>,
    ) -> Offender {
        let sup = w.path_name(self.path);
        if let (true, Some(n)) = (self.is_simple(), count) {
            return Offender {
                label: Rc::from(format!("{sup}/{}*{n}", spec.id_text()).into_bytes()),
                path: 0,
            };
        }
        let label = if let Some(d) = pid
            .filter(|_| self.is_simple())
            .and_then(|k| self.dynamics.get(&k))
        {
            format!("{sup}/{}", spec::id_text(&d.args))
        } else {
            // a static child's path is interned when it first starts
            if let Some(&path) = self.child_paths.get(&spec.id) {
                return Offender {
                    label: w.path_bytes(path),
                    path,
                };
            }
            format!("{sup}/{}", spec.id_text())
        };
        Offender {
            path: w.path_id(&label),
            label: Rc::from(label.into_bytes()),
        }
    }

    pub(crate) fn report(
        &self,
        w: &mut World,
        me: Pid,
        ctx: ReportContext,
        offender_label: Offender,
        offender: Pid,
        reason: &Term,
    ) {
        let Offender { label, path } = offender_label;
        // note observers hear of it first: the note borrows what the event then takes
        if w.telemetry.wants_notes() {
            let time = w.now();
            w.telemetry.note(&SupervisorNote {
                time,
                supervisor: me,
                child: offender,
                what: Noted::Report(ctx),
                path,
                label: &label,
                reason,
            });
        }
        let t = Term::pair(Term::Binary(label), reason.clone());
        let bits = EventKind::Report.bit();
        w.emit_for(bits, EventKind::Report, me, offender, ctx as u32, t, path);
    }
}

/// How a report names the child it is about: the label's bytes (`sup/id`) and, when the
/// label is a tree path, its world path id (0 for labels such as `sup/id*N`).
pub(crate) struct Offender {
    label: Rc<[u8]>,
    path: u32,
}

fn ack_result(ret: Term) -> Started {
    if ret.is_atom(Atom::IGNORE) {
        return Started::Ignore;
    }
    if let Some([tag, v]) = ret.as_tuple().and_then(|t| <&[Term; 2]>::try_from(t).ok()) {
        if tag.is_atom(Atom::OK) {
            if let Term::Pid(p) = v {
                return Started::Ok(*p);
            }
        }
        if tag.is_atom(Atom::ERROR) {
            return Started::Error(v.clone());
        }
    }
    Started::Error(ret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use crate::supervisor::spec::{ChildSpec, ChildType, Shutdown, SupFlags};

    fn worker(id: i64) -> Rc<ChildSpec> {
        Rc::new(ChildSpec {
            id: Term::Int(id),
            start: StartFn::SpawnLoop { notify: None },
            restart: RestartType::Permanent,
            shutdown: Shutdown::BrutalKill,
            child_type: ChildType::Worker,
            significant: false,
        })
    }

    /// Starts a supervisor of `ids`; returns its exit reason, if it exited.
    fn start(ids: &[i64]) -> Option<Term> {
        let mut w = World::new(crate::world::Config::default());
        let (parent, _) = w.spawn(Pid::NONE, Behaviour::External, SpawnOpts::default());
        let spec = SupSpec {
            flags: SupFlags::default(),
            children: ids.iter().map(|i| worker(*i)).collect(),
            register: None,
        };
        let sup = Behaviour::Supervisor(Box::new(Supervisor::new(Rc::new(spec), parent)));
        let (pid, _) = w.spawn(parent, sup, SpawnOpts::default());
        w.run_until_idle(u64::MAX);
        // bound first: the log's iterator must be dropped before the world
        let reason = w
            .log
            .iter()
            .find(|e| e.kind == EventKind::Exit && e.pid == pid)
            .map(|e| e.term.clone());
        reason
    }

    #[test]
    fn a_duplicate_child_id_stops_init_as_otp_does() {
        assert_eq!(start(&[1, 2, 3]), None, "distinct ids start");
        let reason = start(&[1, 2, 3, 2]).expect("init stops");
        assert_eq!(reason.to_text(), "{start_spec,{duplicate_child_name,2}}");
        // checked with a set: 20,000 children start without a quadratic scan
        let many: Vec<i64> = (0..20_000).collect();
        assert_eq!(start(&many), None);
    }
}
