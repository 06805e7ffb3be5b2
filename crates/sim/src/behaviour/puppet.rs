//! Raw-family puppets: plain processes that execute the scenario driver's commands
//! (spawn, link, monitor, exit, send…) and log every other message they receive.
//!
//! Each action is logged as a `Log` event whose term is a list of parts: `{'$text', Bin}`
//! parts are literal text, any other part is a term the trace prints with process names.
//! `info` 1 names a reference (`{Ref, Name}`), `info` 2 names a process (`{Pid, Name}`).

use crate::atom::Atom;
use crate::behaviour::{Behaviour, Flow};
use crate::event::EventKind;
use crate::message::{Msg, PuppetCommand};
use crate::pid::Pid;
use crate::term::Term;
use crate::world::{SpawnOpts, World};
use std::rc::Rc;

/// `info` of a `Log` event that is a line of text parts.
pub const LOG_LINE: u32 = 0;
/// `info` of a `Log` event that names a reference.
pub const LOG_NAME_REF: u32 = 1;
/// `info` of a `Log` event that names a process.
pub const LOG_NAME_PID: u32 = 2;

/// A literal text part of a log line.
pub fn text(s: &str) -> Term {
    Term::pair(Term::atom("$text"), Term::Binary(Rc::from(s.as_bytes())))
}

/// Logs a line made of parts for `pid`.
pub fn log_line(w: &mut World, pid: Pid, parts: Vec<Term>) {
    w.emit(EventKind::Log, pid, Pid::NONE, LOG_LINE, &Term::list(parts));
}

/// Names a process in the raw trace.
pub fn name_pid(w: &mut World, by: Pid, pid: Pid, name: &str) {
    let t = Term::pair(Term::Pid(pid), Term::Binary(Rc::from(name.as_bytes())));
    w.emit(EventKind::Log, by, pid, LOG_NAME_PID, &t);
}

/// A puppet process.
#[derive(Clone, Debug)]
pub struct Puppet {
    name: Rc<str>,
    started: bool,
}

impl Puppet {
    /// A puppet that will register itself under `name` when it starts.
    pub fn new(name: Rc<str>) -> Puppet {
        Puppet {
            name,
            started: false,
        }
    }

    pub(crate) fn run(&mut self, w: &mut World, me: Pid) -> Flow {
        if !self.started {
            self.started = true;
            name_pid(w, me, me, &self.name);
            return Flow::Continue;
        }
        match w.next_msg(me) {
            None => Flow::Wait,
            Some(Msg::AfterTimeout(_)) => Flow::Continue,
            Some(Msg::Command { from, tag, cmd }) => {
                let flow = self.exec(w, me, &cmd);
                match flow {
                    Flow::Exit(r) if !matches!(*cmd, PuppetCommand::Return) => Flow::Exit(r),
                    other => {
                        w.send(
                            me,
                            from,
                            Msg::Reply {
                                tag,
                                value: Term::atom("done"),
                            },
                        );
                        other
                    }
                }
            }
            Some(other) => {
                log_line(w, me, vec![text("recv "), other.to_term()]);
                Flow::Continue
            }
        }
    }

    fn exec(&mut self, w: &mut World, me: Pid, cmd: &PuppetCommand) -> Flow {
        match cmd {
            PuppetCommand::Spawn {
                name,
                trap_exit,
                link,
                monitor,
            } => {
                let opts = SpawnOpts {
                    link: *link,
                    monitor: monitor.is_some(),
                    trap_exit: *trap_exit,
                    path: 0,
                };
                let (pid, mref) = w.spawn(
                    me,
                    Behaviour::Puppet(Box::new(Puppet::new(name.clone()))),
                    opts,
                );
                let res = match (mref, monitor) {
                    (Some(r), Some(rname)) => {
                        let t = Term::pair(Term::Ref(r), Term::Binary(Rc::from(rname.as_bytes())));
                        w.emit(EventKind::Log, me, Pid::NONE, LOG_NAME_REF, &t);
                        Term::pair(Term::Pid(pid), Term::Ref(r))
                    }
                    _ => Term::Pid(pid),
                };
                name_pid(w, me, pid, name);
                let kind = match (link, monitor.is_some()) {
                    (true, false) => "spawn_link ",
                    (false, false) => "spawn ",
                    (true, true) => "spawn_opt[link,monitor] ",
                    (false, true) => "spawn_monitor ",
                };
                log_line(w, me, vec![text(&format!("do {kind}{name} -> ")), res]);
            }
            PuppetCommand::Link(p) => {
                let r = if w.link_bif(me, *p) {
                    Term::TRUE
                } else {
                    Term::tuple(vec![
                        Term::Atom(Atom::RAISE),
                        Term::Atom(Atom::ERROR),
                        Term::NOPROC,
                    ])
                };
                log_line(
                    w,
                    me,
                    vec![text("do link "), Term::Pid(*p), text(" -> "), r],
                );
            }
            PuppetCommand::Unlink(p) => {
                w.unlink(me, *p);
                log_line(
                    w,
                    me,
                    vec![text("do unlink "), Term::Pid(*p), text(" -> "), Term::TRUE],
                );
            }
            PuppetCommand::Monitor(p, rname) => {
                let r = w.monitor(me, *p);
                let t = Term::pair(Term::Ref(r), Term::Binary(Rc::from(rname.as_bytes())));
                w.emit(EventKind::Log, me, Pid::NONE, LOG_NAME_REF, &t);
                log_line(
                    w,
                    me,
                    vec![
                        text("do monitor "),
                        Term::Pid(*p),
                        text(" -> "),
                        Term::Ref(r),
                    ],
                );
            }
            PuppetCommand::Demonitor(r, flush, info) => {
                let active = w.demonitor(me, *r, *flush);
                let mut opts = Vec::new();
                if *flush {
                    opts.push(Term::atom("flush"));
                }
                if *info {
                    opts.push(Term::atom("info"));
                }
                let res = if *info {
                    Term::bool(active)
                } else {
                    Term::TRUE
                };
                log_line(
                    w,
                    me,
                    vec![
                        text("do demonitor "),
                        Term::Ref(*r),
                        text(" "),
                        Term::list(opts),
                        text(" -> "),
                        res,
                    ],
                );
            }
            PuppetCommand::TrapExit(v) => {
                let old = w.set_trap_exit(me, *v);
                log_line(
                    w,
                    me,
                    vec![text(&format!("do trap_exit {v} -> ")), Term::bool(old)],
                );
            }
            PuppetCommand::Exit(p, reason) => {
                log_line(
                    w,
                    me,
                    vec![text("do exit "), Term::Pid(*p), text(" "), reason.clone()],
                );
                w.send_exit(me, *p, reason.clone());
            }
            PuppetCommand::ExitSelf(reason) => {
                log_line(w, me, vec![text("do exit/1 "), reason.clone()]);
                return Flow::Exit(reason.clone());
            }
            PuppetCommand::Error(reason) => {
                log_line(w, me, vec![text("do error/1 "), reason.clone()]);
                return Flow::Exit(Term::pair(reason.clone(), Term::Stack));
            }
            PuppetCommand::Return => {
                log_line(w, me, vec![text("do return")]);
                return Flow::Exit(Term::NORMAL);
            }
            PuppetCommand::Send(p, msg) => {
                log_line(
                    w,
                    me,
                    vec![text("do send "), Term::Pid(*p), text(" "), msg.clone()],
                );
                w.send(me, *p, Msg::user(msg.clone()));
            }
        }
        Flow::Continue
    }
}
