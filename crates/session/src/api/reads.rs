//! The API's reads, at the session's cursor, from what the page shows: the inspector's
//! processes, the tree's supervisors and children, the graph, the analytics' snapshot
//! and `Control` answers, the exports.

use super::args::Args;
use super::{answer_json, clip, status};
use crate::analytics::EXPORT_FORMATS;
use crate::experiment::Run;
use crate::inspect;
use crate::session::Session;
use otp_lab_analytics::export::{pattern_json, row_json};
use otp_lab_analytics::json::{self, Obj};
use otp_lab_lab::command::{Query, Target, TIME_RANGES};
use otp_lab_lab::tree::NodeKind;

/// The read calls, at the session's cursor.
pub(super) fn read(run: &Run, s: &Session, a: &Args) -> Result<String, String> {
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
            let key = a.str("pid")?;
            let p = inspect_key(lab, key).ok_or_else(|| {
                a.bad(
                    "pid",
                    &format!("names no live process: \"{}\" at {now} us", clip(key)),
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

/// The process a key names, as the inspector sees it: a pid as written, a path, or a
/// registered name's holder (`:db` / `db`).
fn inspect_key(lab: &otp_lab_lab::Lab, key: &str) -> Option<otp_lab_lab::inspect::ProcInfo> {
    lab.inspect(key).or_else(|| {
        let name = otp_lab_sim::atom::Atom::new(key.trim_start_matches(':'));
        lab.inspect_pid(lab.world().whereis(name)?)
    })
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
