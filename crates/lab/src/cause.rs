//! Why a process died: the chain of causes of the last death at a tree path (or of a pid),
//! told as sentences a learner can follow, each at its instant (the event-log line, so a
//! click moves the cursor there). Back from the death: the exit signal that killed it and
//! who sent it — followed through links to the process whose own exit started it all (a
//! crash, or `exit/2` from someone) — or the process's own exit. Then forward: who got its
//! exit signal and whether they trapped it (an `'EXIT'` message) or died too, the
//! supervisor that reacted, where that restart stands in its intensity, and the new pid —
//! or the escalation when the budget ran out.

use crate::history::{Fate, History, Kind, Message};
use crate::log::LabLog;
use crate::Lab;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::Term;

/// One step of a chain of causes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub text: String,
    /// Virtual time (µs) and event-log line of the step.
    pub t_us: u64,
    pub line: usize,
}

/// Links followed back from a death.
const DEPTH: usize = 8;

/// Log lines searched after a death for the supervisor's answer.
const LINES_AFTER: usize = 4096;

/// A process's death: (seq of the killing exit signal or 0, reason, time, line).
fn death_of(h: &History, pid: Pid) -> Option<(u64, Term, u64, usize)> {
    let life = h.life(pid)?;
    let (at, reason) = life.died?;
    Some((life.cause, reason, at.t_us, at.line))
}

impl Lab {
    /// The chain of causes of the last death at `key` (a tree path, or a pid as
    /// `<0.84.0>`), oldest cause first; empty when nothing there has died.
    pub fn why(&self, key: &str) -> Vec<Cause> {
        let log = self.log.borrow();
        let h = &log.history;
        // the most recent death of a process with this path (or this pid)
        let Some(pid) = h
            .lives()
            .filter(|l| l.died.is_some())
            .filter(|l| match log.paths.get(&l.pid) {
                Some(p) => **p == *key,
                None => l.pid.to_string() == key,
            })
            .max_by_key(|l| l.died.as_ref().map(|d| d.0))
            .map(|l| l.pid)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        back(&log, pid, &mut out);
        out.reverse();
        forward(self, &log, pid, &mut out);
        out
    }
}

/// The causes of `pid`'s death, newest first.
fn back(log: &LabLog, mut pid: Pid, out: &mut Vec<Cause>) {
    let h = &log.history;
    for _ in 0..DEPTH {
        let Some((cause, reason, t_us, line)) = death_of(h, pid) else {
            return;
        };
        let r = reason.to_text();
        let Some(s) = h.get(cause).filter(|m| m.kind.is_signal()) else {
            // its own exit: a crash, a stop, or its work done
            let how = match reason {
                Term::Atom(a) if a == otp_lab_sim::atom::Atom::NORMAL => "finished its work",
                Term::Atom(a) if a == otp_lab_sim::atom::Atom::SHUTDOWN => "was shut down",
                _ => "crashed",
            };
            out.push(Cause {
                text: format!("{} {how}: it exited with reason {r}.", log.who(pid)),
                t_us,
                line,
            });
            return;
        };
        let from = log.who(s.from);
        if s.kind == (Kind::ExitSignal { link: true }) {
            out.push(Cause {
                text: format!(
                    "The link from {from} carried its exit signal ({}) to {}, which did not trap exits: it died with reason {r}.",
                    s.term.to_text(),
                    log.who(pid)
                ),
                t_us,
                line,
            });
            // why the sender died
            pid = s.from;
        } else {
            out.push(Cause {
                text: format!(
                    "{from} called exit({}, {}): {} died with reason {r}.",
                    s.to,
                    s.term.to_text(),
                    log.who(pid)
                ),
                t_us: s.sent.t_us,
                line: s.sent.line,
            });
            return;
        }
    }
}

/// The exit signals `pid`'s death sent along its links (sent right after its exit).
fn signals_after(h: &History, pid: Pid, line: usize) -> Vec<&Message> {
    h.iter()
        .rev()
        .take_while(|m| m.sent.line >= line)
        .filter(|m| m.from == pid && m.kind == (Kind::ExitSignal { link: true }))
        .collect()
}

/// Who got `pid`'s exit signal and what its supervisor did, in order.
fn forward(lab: &Lab, log: &LabLog, pid: Pid, out: &mut Vec<Cause>) {
    let h = &log.history;
    let Some((_, _, _, line)) = death_of(h, pid) else {
        return;
    };
    let mut signals = signals_after(h, pid, line);
    signals.reverse();
    for s in signals {
        let to = log.who(s.to);
        let at = s.arrived.unwrap_or(s.sent);
        let text = match s.fate {
            Fate::Taken | Fate::InMailbox => format!(
                "{to} traps exits: the signal arrived as the message {}.",
                s.erlang_term().to_text()
            ),
            Fate::Killed => format!("{to} did not trap exits: it died with it."),
            Fate::Ignored => format!("{to} ignored it (reason normal, not trapping)."),
            Fate::Dropped | Fate::InFlight => continue,
        };
        out.push(Cause {
            text,
            t_us: at.t_us,
            line: at.line,
        });
    }
    // the supervisor's answer: a restart of the same path, or its giving up
    let Some(path) = log.paths.get(&pid).cloned() else {
        return;
    };
    let first = log.lines.front().map_or(0, |l| l.index);
    let from = line.saturating_sub(first);
    for l in log
        .lines
        .range(from.min(log.lines.len())..)
        .take(LINES_AFTER)
    {
        if l.kind == "restart" && l.path.as_deref() == Some(&*path) {
            let sup = l.other_path.as_deref().unwrap_or("its supervisor");
            let budget = lab
                .world()
                .whereis_path(sup)
                .and_then(|p| lab.world().process(p))
                .and_then(|p| {
                    p.behaviour
                        .as_supervisor()
                        .map(|s| (s.intensity(), s.period()))
                });
            let used = budget.map(|(_, period)| {
                let since = l.t_us.saturating_sub(period as u64 * 1_000_000);
                log.lines
                    .iter()
                    .rev()
                    .skip_while(|x| x.index > l.index)
                    .take_while(|x| x.t_us > since || x.t_us == l.t_us)
                    .filter(|x| x.kind == "restart" && x.other_path.as_deref() == Some(sup))
                    .count()
            });
            let intensity = match (budget, used) {
                (Some((i, p)), Some(n)) => format!(
                    " — restart {n} of the {i} it allows in {p} s{}",
                    if n as u32 >= i {
                        ": one more and it gives up"
                    } else {
                        ""
                    }
                ),
                _ => String::new(),
            };
            out.push(Cause {
                text: format!(
                    "{sup} restarted {path}: the new process is <0.{}.0>{intensity}.",
                    l.pid
                ),
                t_us: l.t_us,
                line: l.index,
            });
            return;
        }
        if l.kind == "report" && l.text.contains("reached_max_restart_intensity") {
            let sup = l.path.as_deref().unwrap_or("its supervisor");
            out.push(Cause {
                text: format!(
                    "{sup} reached its restart intensity: it gave up, terminated its children and exited with reason shutdown — the failure escalates to its own supervisor."
                ),
                t_us: l.t_us,
                line: l.index,
            });
            return;
        }
    }
}
