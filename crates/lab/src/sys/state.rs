//! A supervisor's state as `sys:get_state/1` returns it: OTP 25's `#state{}` record as a
//! tuple — name, strategy, children (ids newest first and a map of `#child{}` records),
//! dynamic children, intensity, period, the restart seconds in the window (newest first),
//! dynamic restarts, auto_shutdown, callback module and its `init/1` argument. The Lab's
//! supervisors are Elixir's `Supervisor.start_link(children, options)`: the module is
//! `Supervisor.Default` and the argument `{ok, {Flags, ChildSpecs}}`.

use otp_lab_sim::atom::Atom;
use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::sort::sort_by;
use otp_lab_sim::supervisor::children::{ChildPid, DynKey};
use otp_lab_sim::supervisor::spec::{ChildSpec, StartFn, Strategy};
use otp_lab_sim::supervisor::Supervisor;
use otp_lab_sim::term::Term;
use std::rc::Rc;

/// The callback module of every supervisor the Lab starts.
pub const SUPERVISOR_MODULE: &str = "Elixir.Supervisor.Default";

/// The `{M, F, A}` that starts a child.
fn mfargs(spec: &ChildSpec) -> Term {
    let (m, f, args) = match &spec.start {
        StartFn::Worker(w) => (
            w.kind.module(),
            "start_link",
            match w.kind {
                WorkerKind::Counter => vec![Term::Int(w.initial)],
                _ => vec![],
            },
        ),
        StartFn::Supervisor(_) => ("supervisor", "start_link", vec![]),
        StartFn::SpawnLoop { .. } => ("bench_sup", "worker", vec![]),
    };
    Term::tuple(vec![Term::atom(m), Term::atom(f), Term::list(args)])
}

/// The `#child{}` record of `spec` with `pid`.
fn record(spec: &ChildSpec, pid: Term) -> Term {
    Term::tuple(vec![
        Term::atom("child"),
        pid,
        spec.id.clone(),
        mfargs(spec),
        Term::atom(spec.restart.name()),
        Term::bool(spec.significant),
        spec.shutdown.to_term(),
        Term::Atom(spec.child_type.atom()),
        spec.modules(),
    ])
}

/// A child spec as the map given to `Supervisor.start_link/2`.
fn given(spec: &ChildSpec) -> Term {
    let mut entries = match spec.to_term() {
        Term::Map(m) => m.to_vec(),
        _ => Vec::new(),
    };
    entries.push((Term::atom("start"), mfargs(spec)));
    sort_by(&mut entries, |a, b| a.0 < b.0);
    Term::Map(Rc::from(entries))
}

/// A child's pid field: the pid, `undefined`, or `{restarting, Pid}`.
fn child_pid(p: ChildPid) -> Term {
    match p {
        ChildPid::Undefined => Term::UNDEFINED,
        ChildPid::Running(pid) => Term::Pid(pid),
        ChildPid::Restarting(old) => Term::pair(
            Term::atom("restarting"),
            old.map_or(Term::UNDEFINED, Term::Pid),
        ),
    }
}

/// The `#state{}` record of supervisor `s` (pid `me`), registered as `registered` (else
/// as its spec says).
pub fn state_record(s: &Supervisor, me: Pid, registered: Option<Atom>) -> Term {
    let module = Term::atom(SUPERVISOR_MODULE);
    let spec = s.spec();
    let name = match registered.or(spec.register) {
        Some(n) => Term::pair(Term::atom("local"), Term::Atom(n)),
        None => Term::pair(Term::Pid(me), module.clone()),
    };
    let ids: Vec<Term> = s
        .children()
        .iter()
        .rev()
        .map(|c| c.spec.id.clone())
        .collect();
    let mut db: Vec<(Term, Term)> = s
        .children()
        .iter()
        .map(|c| (c.spec.id.clone(), record(&c.spec, child_pid(c.pid))))
        .collect();
    sort_by(&mut db, |a, b| a.0 < b.0);
    let dynamics = if s.strategy() == Strategy::SimpleOneForOne {
        let mut m: Vec<(Term, Term)> = s
            .dynamic_children()
            .map(|(k, args)| {
                let key = match k {
                    DynKey::Pid(p) => Term::Pid(p),
                    DynKey::Restarting(p) => child_pid(ChildPid::Restarting(p)),
                    DynKey::Undefined => Term::UNDEFINED,
                };
                (key, args.clone())
            })
            .collect();
        sort_by(&mut m, |a, b| a.0 < b.0);
        Term::pair(Term::atom("maps"), Term::Map(Rc::from(m)))
    } else {
        Term::UNDEFINED
    };
    let flags = vec![
        (
            Term::atom("intensity"),
            Term::Int(spec.flags.intensity as i64),
        ),
        (Term::atom("period"), Term::Int(spec.flags.period as i64)),
        (
            Term::atom("strategy"),
            Term::atom(spec.flags.strategy.name()),
        ),
    ];
    let specs = Term::list(spec.children.iter().map(|c| given(c)).collect());
    let args = Term::pair(
        Term::atom("ok"),
        Term::pair(Term::Map(Rc::from(flags)), specs),
    );
    let (seconds, dynamic) = s.restart_record();
    Term::tuple(vec![
        Term::atom("state"),
        name,
        Term::atom(s.strategy().name()),
        Term::pair(Term::list(ids), Term::Map(Rc::from(db))),
        dynamics,
        Term::Int(s.intensity() as i64),
        Term::Int(s.period() as i64),
        Term::list(seconds.map(|t| Term::Int(t as i64)).collect()),
        Term::Int(dynamic as i64),
        Term::atom(s.auto_shutdown_flag().name()),
        module,
        args,
    ])
}
