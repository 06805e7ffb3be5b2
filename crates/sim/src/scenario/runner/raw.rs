//! The raw family's run: named puppet processes spawned, linked, monitored, exited and
//! messaged by the driver's commands (`puppet_cmd/2`), the trace collected from their
//! events.

use super::{attach_collector, Engine, RunError, MAX_SETTLE_US, R};
use crate::atom::Atom;
use crate::behaviour::puppet::Puppet;
use crate::behaviour::Behaviour;
use crate::external::{self, Answer};
use crate::message::{Msg, PuppetCommand};
use crate::pid::Pid;
use crate::scenario::{RawOp, RawStep, Scenario};
use crate::trace::raw::RawCollector;
use crate::world::{SpawnOpts, World};
use std::cell::RefCell;
use std::rc::Rc;

pub(super) struct RawRun {
    col: Rc<RefCell<RawCollector>>,
}

impl RawRun {
    pub(super) fn new(w: &mut World, driver: Pid) -> RawRun {
        RawRun {
            col: attach_collector(w, driver),
        }
    }

    fn pid(&self, name: &str) -> Pid {
        self.col
            .borrow()
            .pids
            .get(name)
            .copied()
            .unwrap_or(Pid::NONE)
    }

    fn driver_log(&self, eng: &Engine, text: String) {
        self.col.borrow_mut().log(eng.w.now(), "driver", &text);
    }

    pub(super) fn run(
        &self,
        eng: &mut Engine,
        scn: &Scenario,
        steps: &[RawStep],
    ) -> R<Vec<String>> {
        for (i, step) in steps.iter().enumerate() {
            self.col.borrow_mut().step = (i + 1).to_string();
            let t0 = eng.w.now();
            self.op(eng, &step.op)?;
            let col = self.col.clone();
            let start = t0.max(eng.w.now());
            eng.settle(
                step.settle_ms.unwrap_or(scn.settle_ms) * 1000,
                start,
                &move || col.borrow().last,
            )?;
        }
        self.col.borrow_mut().step = "end".to_string();
        let w = &eng.w;
        Ok(self.col.borrow().output(&|p| w.is_alive(p)))
    }

    fn op(&self, eng: &mut Engine, op: &RawOp) -> R<()> {
        let d = eng.driver;
        match op {
            RawOp::Spawn {
                name,
                by: None,
                trap_exit,
                ..
            } => {
                let opts = SpawnOpts {
                    trap_exit: *trap_exit,
                    ..SpawnOpts::default()
                };
                let (pid, _) = eng.w.spawn(
                    d,
                    Behaviour::Puppet(Box::new(Puppet::new(Rc::from(name.as_str())))),
                    opts,
                );
                self.col.borrow_mut().register(eng.w.now(), name, pid);
                Ok(())
            }
            RawOp::Spawn {
                name,
                by: Some(by),
                link,
                monitor,
                trap_exit,
            } => self.cmd(
                eng,
                by,
                PuppetCommand::Spawn {
                    name: Rc::from(name.as_str()),
                    trap_exit: *trap_exit,
                    link: *link,
                    monitor: monitor.as_deref().map(Rc::from),
                },
            ),
            RawOp::Exit {
                by: None,
                to,
                reason,
            } => {
                let text = format!("do exit {to} {}", self.col.borrow().names.fmt(reason));
                self.driver_log(eng, text);
                let p = self.pid(to);
                eng.w.send_exit(d, p, reason.clone());
                Ok(())
            }
            RawOp::Exit {
                by: Some(by),
                to,
                reason,
            } => self.cmd(eng, by, PuppetCommand::Exit(self.pid(to), reason.clone())),
            RawOp::IsAlive { target } => {
                let alive = eng.w.is_alive(self.pid(target));
                self.driver_log(eng, format!("is_alive {target} -> {alive}"));
                Ok(())
            }
            RawOp::Sleep { ms } => eng.sleep(ms * 1000),
            RawOp::Link { by, to } => self.cmd(eng, by, PuppetCommand::Link(self.pid(to))),
            RawOp::Unlink { by, to } => self.cmd(eng, by, PuppetCommand::Unlink(self.pid(to))),
            RawOp::Monitor { by, to, ref_name } => self.cmd(
                eng,
                by,
                PuppetCommand::Monitor(self.pid(to), Rc::from(ref_name.as_str())),
            ),
            RawOp::Demonitor {
                by,
                ref_name,
                flush,
                info,
            } => {
                let r = self.col.borrow().refs.get(ref_name).copied();
                let r = r.unwrap_or_else(|| eng.w.make_ref());
                self.cmd(eng, by, PuppetCommand::Demonitor(r, *flush, *info))
            }
            RawOp::TrapExit { by, value } => self.cmd(eng, by, PuppetCommand::TrapExit(*value)),
            RawOp::ExitSelf { by, reason } => {
                self.cmd(eng, by, PuppetCommand::ExitSelf(reason.clone()))
            }
            RawOp::Error { by, reason } => self.cmd(eng, by, PuppetCommand::Error(reason.clone())),
            RawOp::Return { by } => self.cmd(eng, by, PuppetCommand::Return),
            RawOp::Send { by, to, msg } => {
                self.cmd(eng, by, PuppetCommand::Send(self.pid(to), msg.clone()))
            }
        }
    }

    /// `puppet_cmd/2`: monitor the puppet, send the command, wait for `done` or `'DOWN'`.
    fn cmd(&self, eng: &mut Engine, by: &str, cmd: PuppetCommand) -> R<()> {
        let d = eng.driver;
        let pid = self.pid(by);
        let deadline = eng.w.now().saturating_add(MAX_SETTLE_US);
        let cmd = Rc::new(cmd);
        let answer = external::request(eng, d, pid, deadline, |from, tag| Msg::Command {
            from,
            tag,
            cmd,
        })?;
        match answer {
            Answer::Down(reason) if reason.is_atom(Atom::NOPROC) => {
                self.driver_log(eng, format!("command to dead process {by} skipped"));
            }
            Answer::NoAnswer => {
                return Err(RunError(
                    "the driver waits forever for a puppet to finish its command".into(),
                ))
            }
            _ => {}
        }
        Ok(())
    }
}
