//! The benchmark workloads' processes, doing what `bench/beam_bench.escript` does:
//! a trapping parent that collects `'EXIT'`s, ping/pong pairs, and mains that kill a
//! supervisor's children and wait for the `started` notifications of the restarts.

use crate::atom::Atom;
use crate::behaviour::{Behaviour, Flow};
use crate::message::{Msg, Request};
use crate::pid::{Pid, Ref};
use crate::supervisor::api::SupervisorCall;
use crate::supervisor::spec::{
    ChildSpec, ChildType, RestartType, Shutdown, StartFn, Strategy, SupFlags, SupSpec,
};
use crate::supervisor::Supervisor;
use crate::term::Term;
use crate::world::{SpawnOpts, World};
use std::rc::Rc;

/// A benchmark process.
#[derive(Clone, Debug)]
pub enum BenchProc {
    /// Spawns `n` linked processes that exit `normal` and collects their `'EXIT'`s.
    SpawnExit {
        n: u64,
        spawned: bool,
        received: u64,
    },
    /// Starts `pairs` pinger processes and waits for their `done`.
    PingPongMain {
        pairs: u64,
        rounds: u64,
        started: bool,
        done: u64,
    },
    /// Spawns its pong, then sends `{self(), ping}` and waits for `pong`, `left` times.
    Ping {
        main: Pid,
        pong: Pid,
        left: u64,
        msg: Term,
    },
    /// `pong() -> receive {From, ping} -> From ! pong, pong() end`.
    Pong,
    /// Kills a supervisor's children (all of them, or the first listed) each round and
    /// waits for all restarts.
    StormMain(Box<Storm>),
}

/// State of a restart-storm or one_for_all-cascade main.
#[derive(Clone, Debug)]
pub struct Storm {
    strategy: Strategy,
    kids: u64,
    rounds_left: u64,
    kill_all: bool,
    sup: Pid,
    phase: StormPhase,
    awaiting: u64,
}

#[derive(Clone, Debug)]
enum StormPhase {
    Start,
    AwaitStarted,
    AwaitChildren(Ref, Ref),
    AwaitExit,
}

impl BenchProc {
    /// The restart-storm (`kill_all`) or one_for_all-cascade main.
    pub fn storm(strategy: Strategy, kids: u64, rounds: u64, kill_all: bool) -> BenchProc {
        BenchProc::StormMain(Box::new(Storm {
            strategy,
            kids,
            rounds_left: rounds,
            kill_all,
            sup: Pid::NONE,
            phase: StormPhase::Start,
            awaiting: 0,
        }))
    }

    pub(crate) fn run(&mut self, w: &mut World, me: Pid) -> Flow {
        match self {
            BenchProc::SpawnExit {
                n,
                spawned,
                received,
            } => {
                if !*spawned {
                    *spawned = true;
                    w.set_trap_exit(me, true);
                    let opts = SpawnOpts {
                        link: true,
                        ..SpawnOpts::default()
                    };
                    for _ in 0..*n {
                        w.spawn(me, Behaviour::ExitNormal, opts);
                    }
                    return Flow::Continue;
                }
                while let Some(m) = w.take_msg(
                    me,
                    |m| matches!(m, Msg::Exit { reason, .. } if reason.is_atom(Atom::NORMAL)),
                ) {
                    drop(m);
                    *received += 1;
                    if *received == *n {
                        return Flow::Exit(Term::NORMAL);
                    }
                }
                Flow::Wait
            }
            BenchProc::PingPongMain {
                pairs,
                rounds,
                started,
                done,
            } => {
                if !*started {
                    *started = true;
                    w.set_trap_exit(me, true);
                    let opts = SpawnOpts {
                        link: true,
                        ..SpawnOpts::default()
                    };
                    for _ in 0..*pairs {
                        let ping = BenchProc::Ping {
                            main: me,
                            pong: Pid::NONE,
                            left: *rounds,
                            msg: Term::UNDEFINED,
                        };
                        w.spawn(me, Behaviour::Bench(Box::new(ping)), opts);
                    }
                    return Flow::Continue;
                }
                let done_atom = Atom::DONE;
                while w
                    .take_msg(me, |m| matches!(m, Msg::User(t, _) if t.is_atom(done_atom)))
                    .is_some()
                {
                    *done += 1;
                }
                if *done == *pairs {
                    // flush_exits()
                    while w.take_msg(me, |m| matches!(m, Msg::Exit { .. })).is_some() {}
                    return Flow::Exit(Term::NORMAL);
                }
                Flow::Wait
            }
            BenchProc::Ping {
                main,
                pong,
                left,
                msg,
            } => {
                if pong.is_none() {
                    let opts = SpawnOpts {
                        link: true,
                        ..SpawnOpts::default()
                    };
                    *pong = w
                        .spawn(me, Behaviour::Bench(Box::new(BenchProc::Pong)), opts)
                        .0;
                    *msg = Term::pair(Term::Pid(me), Term::Atom(Atom::PING));
                    if *left == 0 {
                        w.send(me, *main, Msg::user(Term::Atom(Atom::DONE)));
                        return Flow::Exit(Term::NORMAL);
                    }
                    w.send(me, *pong, Msg::user(msg.clone()));
                    return Flow::Wait;
                }
                match w.take_msg(
                    me,
                    |m| matches!(m, Msg::User(t, _) if t.is_atom(Atom::PONG)),
                ) {
                    None => Flow::Wait,
                    Some(_) => {
                        *left -= 1;
                        if *left == 0 {
                            w.send(me, *main, Msg::user(Term::Atom(Atom::DONE)));
                            return Flow::Exit(Term::NORMAL);
                        }
                        w.send(me, *pong, Msg::user(msg.clone()));
                        // The next pong cannot have arrived yet: block until it does.
                        Flow::Wait
                    }
                }
            }
            BenchProc::Pong => match w.next_msg(me) {
                None => Flow::Wait,
                Some(m) => {
                    if let Msg::User(Term::Tuple(t), _) = m {
                        if let [Term::Pid(from), tag] = &t[..] {
                            if tag.is_atom(Atom::PING) {
                                w.send(me, *from, Msg::user(Term::Atom(Atom::PONG)));
                            }
                        }
                    }
                    if w.has_mail(me) {
                        Flow::Continue
                    } else {
                        Flow::Wait
                    }
                }
            },
            BenchProc::StormMain(s) => s.run(w, me),
        }
    }
}

impl Storm {
    fn start_sup(&mut self, w: &mut World, me: Pid) {
        let children = (1..=self.kids)
            .map(|i| {
                Rc::new(ChildSpec {
                    id: Term::Int(i as i64),
                    start: StartFn::SpawnLoop { notify: Some(me) },
                    restart: RestartType::Permanent,
                    shutdown: Shutdown::BrutalKill,
                    child_type: ChildType::Worker,
                    significant: false,
                })
            })
            .collect();
        let spec = SupSpec {
            flags: SupFlags {
                strategy: self.strategy,
                intensity: 100_000_000,
                period: 1,
                ..SupFlags::default()
            },
            children,
            register: None,
        };
        let opts = SpawnOpts {
            link: true,
            ..SpawnOpts::default()
        };
        let b = Behaviour::Supervisor(Box::new(Supervisor::new(Rc::new(spec), me)));
        self.sup = w.spawn(me, b, opts).0;
    }

    fn run(&mut self, w: &mut World, me: Pid) -> Flow {
        let started = Atom::STARTED;
        match self.phase {
            StormPhase::Start => {
                w.set_trap_exit(me, true);
                self.start_sup(w, me);
                self.awaiting = self.kids;
                self.phase = StormPhase::AwaitStarted;
                Flow::Continue
            }
            StormPhase::AwaitStarted => {
                while self.awaiting > 0 {
                    if w.take_msg(me, |m| matches!(m, Msg::User(t, _) if t.is_atom(started)))
                        .is_none()
                    {
                        return Flow::Wait;
                    }
                    self.awaiting -= 1;
                }
                // drop the supervisor's start ack
                w.take_msg(me, |m| matches!(m, Msg::Ack { .. }));
                if self.rounds_left == 0 {
                    w.send_exit(me, self.sup, Term::SHUTDOWN);
                    self.phase = StormPhase::AwaitExit;
                    return Flow::Continue;
                }
                self.rounds_left -= 1;
                let mref = w.monitor(me, self.sup);
                let tag = mref;
                w.send(
                    me,
                    self.sup,
                    Msg::Call {
                        from: me,
                        tag,
                        req: Request::Supervisor(SupervisorCall::WhichChildren),
                    },
                );
                self.phase = StormPhase::AwaitChildren(mref, tag);
                Flow::Continue
            }
            StormPhase::AwaitChildren(mref, tag) => {
                let Some(Msg::Reply { value, .. }) =
                    w.take_msg(me, |m| matches!(m, Msg::Reply { tag: t, .. } if *t == tag))
                else {
                    return Flow::Wait;
                };
                w.demonitor(me, mref, true);
                let pids: Vec<Pid> = match &value {
                    Term::List(items) => items
                        .iter()
                        .filter_map(|c| match c.as_tuple() {
                            Some(t) if t.len() >= 2 => match t[1] {
                                Term::Pid(p) => Some(p),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if self.kill_all {
                    for p in &pids {
                        w.send_exit(me, *p, Term::KILL);
                    }
                } else if let Some(p) = pids.first() {
                    w.send_exit(me, *p, Term::KILL);
                }
                self.awaiting = pids.len() as u64;
                self.phase = StormPhase::AwaitStarted;
                Flow::Continue
            }
            StormPhase::AwaitExit => {
                let sup = self.sup;
                if w.take_msg(me, |m| matches!(m, Msg::Exit { from, .. } if *from == sup))
                    .is_some()
                {
                    return Flow::Exit(Term::NORMAL);
                }
                Flow::Wait
            }
        }
    }
}
