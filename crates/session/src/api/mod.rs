//! The Lab as a platform: the calls of `window.otpLab` (and of an embed's `postMessage`),
//! answered natively from a [`Session`] with plain JSON in and out. Reads come from the
//! same structures the page shows ([`crate::inspect`], the analytics' snapshot and the
//! `Control` answers); actions are console lines ([`Command::to_elixir`]) run through
//! [`Session::exec_term`], so the transcript shows them and a share link replays them.
//! Headless sandboxes ([`Api::sandboxes`]) take the same calls with `"sandbox": id`;
//! subscriptions are polled ([`feed`]).

mod args;
pub mod feed;
mod terms;
#[cfg(test)]
mod tests;

pub use terms::{answer_json, term_json};

use crate::analytics::EXPORT_FORMATS;
use crate::experiment::{Experiment, Run, Source};
use crate::inspect;
use crate::session::{Session, DEFAULT_BUDGET};
use args::Args;
use otp_lab_analytics::export::{pattern_json, row_json};
use otp_lab_analytics::json::{self, Obj};
use otp_lab_lab::actions::read_message;
use otp_lab_lab::command::{ChildSel, Command, Query, StartSpec, Target, TIME_RANGES};
use otp_lab_lab::tree::NodeKind;
use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::supervisor::spec::{RestartType, Strategy};
use otp_lab_sim::term::Term;
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

/// Calls that change nothing (a page need not redraw after them).
pub const READS: &[&str] = &[
    "status",
    "processes",
    "process",
    "state",
    "messages",
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
    "sandboxes",
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

/// The command an action call stands for (`None`: not an action).
fn command(a: &Args) -> Result<Option<Command>, String> {
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
fn clock(s: &mut Session, a: &Args) -> Result<String, String> {
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

/// The read calls, at the session's cursor.
fn read(run: &Run, s: &Session, a: &Args) -> Result<String, String> {
    let lab = &run.lab;
    let now = lab.now_us();
    match a.call {
        "status" => {
            a.only(&[])?;
            Ok(status(s))
        }
        "processes" => {
            a.only(&["filter", "status", "behaviour", "offset", "limit"])?;
            let filter = a.opt_str("filter")?;
            let status = a.opt_str("status")?;
            let behaviour = a.opt_str("behaviour")?;
            let offset = a.uint_or("offset", u64::from(u32::MAX), 0)? as usize;
            let limit = a.uint_or("limit", 1000, 100)? as usize;
            let has = |x: Option<&String>, f: &str| x.is_some_and(|x| x.contains(f));
            let matching: Vec<_> = inspect::infos(lab)
                .into_iter()
                .filter(|p| {
                    filter.is_none_or(|f| {
                        p.pid.contains(f)
                            || has(p.path.as_ref(), f)
                            || has(p.registered_name.as_ref(), f)
                    }) && status.is_none_or(|st| p.status == st)
                        && behaviour.is_none_or(|b| p.behaviour.contains(b))
                })
                .collect();
            Ok(Obj::new()
                .num("at_us", now)
                .num("total", matching.len())
                .num("offset", offset)
                .raw(
                    "processes",
                    &json::array(
                        matching
                            .iter()
                            .skip(offset)
                            .take(limit)
                            .map(inspect::summary),
                    ),
                )
                .end())
        }
        "process" | "state" | "messages" => {
            a.only(&["pid"])?;
            let key = lab_key(lab, a.str("pid")?);
            let p = lab.inspect(&key).ok_or_else(|| {
                a.bad(
                    "pid",
                    &format!("names no live process: \"{}\" at {now} us", clip(&key)),
                )
            })?;
            Ok(match a.call {
                "process" => inspect::details(&p),
                "state" => Obj::new().str("pid", &p.pid).str("state", &p.state).end(),
                _ => Obj::new()
                    .str("pid", &p.pid)
                    .num("message_queue_len", p.message_queue_len)
                    .raw(
                        "mailbox",
                        &json::strings(p.mailbox.iter().map(String::as_str)),
                    )
                    .raw("recent", &inspect::recent(&p))
                    .end(),
            })
        }
        "supervisors" => {
            a.only(&[])?;
            Ok(inspect::supervisors(lab))
        }
        "supervisor" => {
            a.only(&["name"])?;
            let path = supervisor_path(lab, a)?;
            inspect::supervisor_list(lab)
                .into_iter()
                .find(|(p, _)| *p == path)
                .map(|(_, text)| text)
                .ok_or_else(|| a.bad("name", &format!("names no supervisor: \"{}\"", clip(&path))))
        }
        "children" => {
            a.only(&["name"])?;
            let path = supervisor_path(lab, a)?;
            let tree = lab.tree();
            let i = tree
                .iter()
                .position(|n| n.path == path && n.kind == NodeKind::Supervisor)
                .ok_or_else(|| {
                    a.bad("name", &format!("names no supervisor: \"{}\"", clip(&path)))
                })?;
            Ok(json::array(inspect::children_of(&tree, i).into_iter().map(
                |n| {
                    Obj::new()
                        .str("id", &n.id)
                        .str("path", &n.path)
                        .opt_str("pid", n.pid.as_deref())
                        .str(
                            "type",
                            if n.kind == NodeKind::Supervisor {
                                "supervisor"
                            } else {
                                "worker"
                            },
                        )
                        .str("status", n.status.label())
                        .num("restarts", n.restarts)
                        .end()
                },
            )))
        }
        "analytics" => {
            a.only(&["name", "window_ms"])?;
            let path = supervisor_path(lab, a)?;
            let window = a.uint_or("window_ms", u64::MAX / 1000, 60_000)?.max(1) * 1000;
            let snap = run.snapshot(now, window);
            snap.supervisors
                .iter()
                .find(|r| r.path == path)
                .map(row_json)
                .ok_or_else(|| {
                    a.bad(
                        "name",
                        &format!(
                            "names no supervisor the analytics know: \"{}\"",
                            clip(&path)
                        ),
                    )
                })
        }
        "graph" => {
            a.only(&[])?;
            Ok(inspect::graph(lab))
        }
        "health" => {
            a.only(&[])?;
            answer_json(&run.control(&Query::Health))
        }
        "anomalies" => {
            a.only(&[])?;
            let server = run.analytics.borrow();
            Ok(json::array(
                server
                    .anomalies()
                    .iter()
                    .filter(|(t, _)| *t <= now)
                    .map(|(t, x)| {
                        Obj::new()
                            .str("metric", x.metric)
                            .num("at_us", t)
                            .float("value", x.value)
                            .float("baseline", x.baseline)
                            .float("stddev", x.stddev)
                            .float("score", x.score)
                            .end()
                    }),
            ))
        }
        "patterns" => {
            a.only(&[])?;
            let server = run.analytics.borrow();
            Ok(json::array(
                server
                    .patterns
                    .found
                    .iter()
                    .filter(|p| p.at_us() <= now)
                    .map(pattern_json),
            ))
        }
        "metrics" => {
            a.only(&["metric", "range"])?;
            let metric = a.str("metric")?.trim_start_matches(':');
            let range = a
                .opt_str("range")?
                .unwrap_or("last_minute")
                .trim_start_matches(':');
            let range = TIME_RANGES
                .iter()
                .find(|(r, _)| *r == range)
                .map(|(r, _)| *r)
                .ok_or_else(|| {
                    let names: Vec<&str> = TIME_RANGES.iter().map(|r| r.0).collect();
                    a.not_one("range", &format!("one of {}", names.join(", ")), range)
                })?;
            answer_json(&run.control(&Query::Metrics(metric.to_string(), range)))
                .map_err(|e| format!("metrics: {e}"))
        }
        "export" => {
            a.only(&["format", "window_ms"])?;
            let format = a.opt_str("format")?.unwrap_or("json");
            if !EXPORT_FORMATS.contains(&format) {
                return Err(a.not_one(
                    "format",
                    &format!("one of {}", EXPORT_FORMATS.join(", ")),
                    format,
                ));
            }
            let window = a.uint_or("window_ms", u64::MAX / 1000, now / 1000)?.max(1) * 1000;
            let e = run.export(format, now, window);
            Ok(Obj::new()
                .str("file_name", e.file_name)
                .str("mime", e.mime)
                .str("text", &e.text)
                .end())
        }
        _ => Err(format!("{}: not a read", a.call)),
    }
}

/// A process key the inspector reads: a pid as written, a path, or a registered name's
/// holder (`:db` / `db`).
fn lab_key(lab: &otp_lab_lab::Lab, key: &str) -> String {
    let name = key.trim_start_matches(':');
    if lab.inspect(key).is_none() {
        if let Some(pid) = lab.world().whereis(otp_lab_sim::atom::Atom::new(name)) {
            return pid.to_string();
        }
    }
    key.to_string()
}

/// The supervisor `name` names: a path, a pid, or `:root`.
fn supervisor_path(lab: &otp_lab_lab::Lab, a: &Args) -> Result<String, String> {
    let name = a.str("name")?;
    let key = name.trim_start_matches(':');
    if key.starts_with('<') {
        if let Target::Pid(n) = Target::of_key(key) {
            if let Some(p) = lab.path_of(otp_lab_sim::pid::Pid::from_bits(u64::from(n))) {
                return Ok(p);
            }
        }
        return Err(a.bad("name", &format!("names no supervisor: \"{}\"", clip(name))));
    }
    Ok(key.to_string())
}
