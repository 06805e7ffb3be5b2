//! The API's actions: the console command each action call stands for (run as its line,
//! so the transcript shows it and a share link replays it), and the clock and the
//! experiment (run, seek, live, play, a new fault script).

use super::args::{self, Args};
use super::status;
use crate::experiment::{Experiment, Source};
use crate::session::{Session, DEFAULT_BUDGET};
use otp_lab_lab::actions::read_message;
use otp_lab_lab::command::{ChildSel, Command, StartSpec};
use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::supervisor::spec::{RestartType, Strategy};
use otp_lab_sim::term::Term;
use serde_json::Value;

use super::MAX_RUN_MS;

/// The command an action call stands for (`None`: not an action).
pub(super) fn command(a: &Args) -> Result<Option<Command>, String> {
    let sup = || a.target("supervisor");
    let cmd = match a.call {
        "send" | "cast" | "call" => {
            a.only(&["pid", "message"])?;
            let target = a.target("pid")?;
            let msg = read_message(&a.term("message")?)
                .map_err(|e| a.bad("message", &format!("is {e}")))?;
            match a.call {
                "send" => Command::Send { target, msg },
                "cast" => Command::Cast { target, msg },
                _ => Command::Call { target, msg },
            }
        }
        "kill" => {
            a.only(&["pid"])?;
            Command::Exit {
                target: a.target("pid")?,
                reason: Term::KILL,
            }
        }
        "exit" | "crash" => {
            a.only(&["pid", "reason"])?;
            let target = a.target("pid")?;
            let default = if a.call == "exit" { "normal" } else { "crash" };
            let reason = match a.has("reason") {
                true => read_message(&a.term("reason")?)
                    .map_err(|e| a.bad("reason", &format!("is {e}")))?,
                false => Term::atom(default),
            };
            if a.call == "exit" {
                Command::Exit { target, reason }
            } else {
                Command::Crash { target, reason }
            }
        }
        "startChild" => {
            a.only(&["supervisor", "id", "behaviour", "restart", "args"])?;
            let spec = if a.has("args") {
                if a.has("id") || a.has("behaviour") || a.has("restart") {
                    return Err("startChild: give \"args\" (an instance of a simple_one_for_one template) or \"id\", \"behaviour\" and \"restart\" (a new child), not both".to_string());
                }
                StartSpec::Args(
                    read_message(&a.term("args")?)
                        .map_err(|e| a.bad("args", &format!("is {e}")))?,
                )
            } else {
                let kind = match a.opt_str("behaviour")?.unwrap_or("counter") {
                    "counter" => WorkerKind::Counter,
                    "printer" => WorkerKind::Printer,
                    "worker" | "generic" => WorkerKind::Generic,
                    b => return Err(a.not_one("behaviour", "counter, printer or worker", b)),
                };
                let restart = match a.opt_str("restart")? {
                    None => RestartType::Permanent,
                    Some(r) => RestartType::parse(r).ok_or_else(|| {
                        a.not_one("restart", "permanent, transient or temporary", r)
                    })?,
                };
                StartSpec::Worker {
                    id: Term::atom(a.str("id")?),
                    kind,
                    restart,
                }
            };
            Command::StartChild { sup: sup()?, spec }
        }
        "terminateChild" | "restartChild" | "deleteChild" => {
            a.only(&["supervisor", "child"])?;
            let sup = sup()?;
            let child = a.str("child")?;
            let id = Term::atom(child.trim_start_matches(':'));
            match a.call {
                "terminateChild" if child.starts_with('<') => Command::TerminateChild {
                    sup,
                    child: ChildSel::Pid(a.target("child")?),
                },
                "terminateChild" => Command::TerminateChild {
                    sup,
                    child: ChildSel::Id(id),
                },
                "restartChild" => Command::RestartChild { sup, id },
                _ => Command::DeleteChild { sup, id },
            }
        }
        "pause" | "resume" => {
            a.only(&["supervisor"])?;
            if a.call == "pause" {
                Command::Pause { sup: sup()? }
            } else {
                Command::Resume { sup: sup()? }
            }
        }
        "changeStrategy" => {
            a.only(&["supervisor", "strategy"])?;
            let s = a.str("strategy")?;
            let strategy = match Strategy::parse(s) {
                Some(st) if st != Strategy::SimpleOneForOne => st,
                _ => {
                    return Err(a.not_one(
                        "strategy",
                        "one_for_one, one_for_all or rest_for_one",
                        s,
                    ))
                }
            };
            Command::ChangeStrategy {
                sup: sup()?,
                strategy,
            }
        }
        "changeIntensity" => {
            a.only(&["supervisor", "intensity", "period"])?;
            Command::ChangeIntensity {
                sup: sup()?,
                intensity: a.uint("intensity", 1_000_000)? as u32,
                period: match a.uint("period", 1_000_000)? {
                    0 => return Err(a.bad("period", "must be at least 1 (seconds)")),
                    p => p as u32,
                },
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(cmd))
}

/// The clock and the experiment: run, seek, live, play, faults.
pub(super) fn clock(s: &mut Session, a: &Args) -> Result<String, String> {
    match a.call {
        "run" => {
            a.only(&["ms"])?;
            let ms = a.uint("ms", MAX_RUN_MS)?;
            let to = s.head_us().saturating_add(ms * 1000);
            while !s.forward_to(to, DEFAULT_BUDGET) {}
        }
        "seek" => {
            a.only(&["at_ms"])?;
            let at = a.uint("at_ms", u64::MAX / 1000)?;
            s.scrub_to_time(at * 1000);
        }
        "live" => {
            a.only(&[])?;
            s.go_live();
        }
        "play" => {
            a.only(&["playing", "speed"])?;
            let speed = match a.value("speed") {
                None => s.speed,
                Some(v) => match v.as_f64() {
                    Some(x) if x > 0.0 && x <= 1000.0 => x,
                    _ => return Err(a.bad(
                        "speed",
                        "must be a number above 0 and at most 1000 (virtual seconds per second)",
                    )),
                },
            };
            s.playing = a.bool_or("playing", true)?;
            s.speed = speed;
        }
        _ => {
            a.only(&["script"])?;
            let script = a
                .value("script")
                .ok_or_else(|| a.bad("script", "is missing"))?;
            if !script.is_array() {
                return Err(a.bad("script", &format!("must be an array of faults like {{\"at\": 500, \"op\": \"kill\", \"target\": \"demo/counter_1\"}}, not {}", args::kind(script))));
            }
            let mut v: Value = serde_json::from_str(&s.experiment().scenario_text()?)
                .map_err(|e| e.to_string())?;
            v["faults"] = script.clone();
            let text = v.to_string();
            otp_lab_sim::scenario::parse(&text)
                .map_err(|e| a.bad("script", &format!("is not a valid fault script: {e}")))?;
            let exp = Experiment {
                source: Source::Scenario(text),
                seed: s.experiment().seed,
                actions: Vec::new(),
            };
            s.reset(exp).map_err(|e| format!("faults: {e}"))?;
        }
    }
    Ok(status(s))
}
