//! The Lab as a platform: the calls of `otp-lab api`, of the page's `window.otpLab` and of
//! an embed's `postMessage` (the page's layer: `src/driver/api.rs`), answered natively from a [`Session`] with plain JSON in and out. Reads come from the
//! same structures the page shows ([`crate::inspect`], the analytics' snapshot and the
//! `Control` answers); actions are console lines
//! ([`otp_lab_lab::command::Command::to_elixir`]) run through
//! [`Session::exec_term`], so the transcript shows them and a share link replays them.
//! Headless sandboxes ([`Api::sandboxes`]) take the same calls with `"sandbox": id`;
//! subscriptions are polled ([`feed`]).

mod actions;
mod args;
pub mod feed;
mod reads;
mod terms;
#[cfg(test)]
mod tests;

pub use terms::{answer_json, term_json};

use crate::experiment::{Experiment, Source};
use crate::session::Session;
use actions::{clock, command};
use args::Args;
use otp_lab_analytics::json::{self, Obj};
use reads::read;
use serde_json::Value;

/// Every call, by name (`otp-lab.d.ts` and the README's table say what each takes and
/// answers).
pub const CALLS: &[&str] = &[
    "status",
    "processes",
    "process",
    "state",
    "messages",
    "trace",
    "supervisors",
    "supervisor",
    "children",
    "analytics",
    "graph",
    "health",
    "anomalies",
    "patterns",
    "metrics",
    "export",
    "send",
    "cast",
    "call",
    "kill",
    "exit",
    "crash",
    "startChild",
    "terminateChild",
    "restartChild",
    "deleteChild",
    "pause",
    "resume",
    "changeStrategy",
    "changeIntensity",
    "faults",
    "console",
    "run",
    "seek",
    "live",
    "play",
    "createSandbox",
    "sandboxes",
    "restartSandbox",
    "destroySandbox",
];

/// Most virtual time one `run` may add (an hour).
pub const MAX_RUN_MS: u64 = 3_600_000;
/// Most sandboxes at once.
pub const MAX_SANDBOXES: usize = 8;

/// What a call did besides answering, for the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Nothing the page shows changed.
    None,
    /// A console line ran on the main lab: the transcript shows it (with its output).
    Line(String, String),
    /// The main lab's clock or view moved.
    Moved,
    /// The main lab restarted from time 0 (a new fault script).
    Reloaded,
}

/// An answer: the result (or an error message naming the call and the argument) and
/// what the call did.
#[derive(Debug)]
pub struct Answer {
    /// JSON text, or the error.
    pub result: Result<String, String>,
    pub effect: Effect,
}

impl Answer {
    fn new(result: Result<String, String>) -> Answer {
        Answer {
            result,
            effect: Effect::None,
        }
    }
}

/// The API's own state: headless sandboxes and the processes traced.
#[derive(Default)]
pub struct Api {
    pub sandboxes: Vec<(u32, Session)>,
    next_id: u32,
    pub feed: feed::Feed,
}

impl Api {
    /// Answers `call` with `args` on `main` (or on the sandbox `args.sandbox` names).
    pub fn call(&mut self, main: &mut Session, call: &str, args: &Value) -> Answer {
        if !CALLS.contains(&call) {
            return Answer::new(Err(format!(
                "unknown call \"{}\" (the calls: {})",
                clip(call),
                CALLS.join(", ")
            )));
        }
        let sandbox = args.get("sandbox").filter(|v| !v.is_null()).cloned();
        match call {
            "createSandbox" | "sandboxes" | "restartSandbox" | "destroySandbox" => {
                return Answer::new(self.sandbox_call(call, args))
            }
            "trace" => {
                let r = Args::new(call, args).and_then(|a| {
                    a.only(&["pid", "on"])?;
                    let pid = a.str("pid")?.to_string();
                    let on = a.bool_or("on", true)?;
                    self.feed.trace(&pid, on);
                    Ok(Obj::new().str("pid", &pid).num("traced", on).end())
                });
                return Answer::new(r);
            }
            _ => {}
        }
        match sandbox {
            None => answer(main, call, args),
            Some(id) => {
                let found = id
                    .as_u64()
                    .and_then(|id| self.sandboxes.iter_mut().find(|(i, _)| u64::from(*i) == id));
                match found {
                    Some((_, s)) => Answer {
                        effect: Effect::None,
                        ..answer(s, call, args)
                    },
                    None => Answer::new(Err(format!(
                        "{call}: argument \"sandbox\" names no sandbox ({id}); createSandbox() makes one, sandboxes() lists them"
                    ))),
                }
            }
        }
    }

    fn sandbox_call(&mut self, call: &str, args: &Value) -> Result<String, String> {
        let a = Args::new(call, args)?;
        match call {
            "createSandbox" => {
                a.only(&["preset", "seed"])?;
                if self.sandboxes.len() >= MAX_SANDBOXES {
                    return Err(format!(
                        "createSandbox: {MAX_SANDBOXES} sandboxes already; destroySandbox() one first"
                    ));
                }
                let preset = a
                    .opt_str("preset")?
                    .unwrap_or(otp_lab_lab::presets::PRESETS[0].id);
                if otp_lab_lab::presets::preset(preset).is_none() {
                    return Err(a.not_one("preset", "a preset's id", preset));
                }
                let seed = a.uint_or("seed", u64::MAX, 1)?;
                let s = Session::new(Experiment::preset(preset, seed))
                    .map_err(|e| format!("createSandbox: {e}"))?;
                self.next_id += 1;
                self.sandboxes.push((self.next_id, s));
                Ok(Obj::new().num("id", self.next_id).end())
            }
            "sandboxes" => {
                a.only(&[])?;
                Ok(json::array(self.sandboxes.iter().map(|(id, s)| {
                    format!("{{\"id\":{id},{}", &status(s)[1..])
                })))
            }
            _ => {
                a.only(&["id"])?;
                let id = a.uint("id", u64::from(u32::MAX))? as u32;
                let i = self
                    .sandboxes
                    .iter()
                    .position(|(i, _)| *i == id)
                    .ok_or_else(|| a.bad("id", &format!("names no sandbox ({id})")))?;
                if call == "destroySandbox" {
                    self.sandboxes.remove(i);
                    return Ok(json::string("ok"));
                }
                let s = &mut self.sandboxes[i].1;
                let exp = Experiment {
                    actions: Vec::new(),
                    ..s.experiment().clone()
                };
                s.reset(exp).map_err(|e| format!("restartSandbox: {e}"))?;
                Ok(Obj::new().num("id", id).end())
            }
        }
    }
}

/// A value quoted in a message, cut short.
fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Answers one call on one session.
pub fn answer(s: &mut Session, call: &str, args: &Value) -> Answer {
    let a = match Args::new(call, args) {
        Ok(a) => a,
        Err(e) => return Answer::new(Err(e)),
    };
    match command(&a) {
        Ok(Some(cmd)) => return line(s, call, &cmd.to_elixir()),
        Ok(None) => {}
        Err(e) => return Answer::new(Err(e)),
    }
    match call {
        "console" => match a.only(&["line"]).and_then(|_| a.str("line")) {
            Ok(l) => {
                let l = l.to_string();
                match s.exec(&l) {
                    Ok(out) => Answer {
                        result: Ok(Obj::new().str("output", &out).end()),
                        effect: Effect::Line(l, out),
                    },
                    Err(e) => Answer::new(Err(format!("console: {e}"))),
                }
            }
            Err(e) => Answer::new(Err(e)),
        },
        "run" | "seek" | "live" | "play" | "faults" => {
            let r = clock(s, &a);
            let effect = match (&r, call) {
                (Err(_), _) => Effect::None,
                (_, "faults") => Effect::Reloaded,
                _ => Effect::Moved,
            };
            Answer { result: r, effect }
        }
        _ => Answer::new(read(s.current(), s, &a)),
    }
}

/// Runs a command's console line and answers with its term as JSON.
fn line(s: &mut Session, call: &str, text: &str) -> Answer {
    match s.exec_term(text) {
        Err(e) => Answer::new(Err(format!("{call}: {e}"))),
        Ok(r) => {
            let printed = match &r {
                Ok(t) => otp_lab_lab::command::elixir_term(t),
                Err(e) => e.clone(),
            };
            let result = match r {
                Ok(t) => answer_json(&t).map_err(|e| format!("{call}: {e}")),
                Err(raised) => Err(format!("{call}: {raised}")),
            };
            Answer {
                result,
                effect: Effect::Line(text.to_string(), printed),
            }
        }
    }
}

/// Where a session stands.
pub fn status(s: &Session) -> String {
    let run = s.current();
    let exp = s.experiment();
    let speed = if s.speed.is_finite() {
        json::float(s.speed)
    } else {
        json::string("max")
    };
    Obj::new()
        .num("at_us", run.lab.now_us())
        .num("head_us", s.head_us())
        .num("live", s.cursor() == crate::session::Cursor::Live)
        .num("playing", s.playing)
        .raw("speed", &speed)
        .str(
            "source",
            match &exp.source {
                Source::Preset(id) => id,
                Source::Scenario(_) => "scenario",
            },
        )
        .num("seed", exp.seed)
        .num("events", run.events_total())
        .end()
}
