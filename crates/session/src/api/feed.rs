//! Subscriptions: what happened at the head since the last poll, as events for
//! `otpLab.on(kind, handler)` — restarts, patterns and anomalies (the analytics server's
//! notices), alerts as they fire, and the messages of traced processes (the inspector's
//! recent messages).

use crate::session::Session;
use otp_lab_analytics::json::Obj;
use otp_lab_analytics::server::{Notice, Server};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The kinds `on` takes.
pub const KINDS: [&str; 5] = ["restart", "pattern", "anomaly", "alert", "message"];

/// The feed of one page: its subscription to the live run's analytics and what it has
/// passed on.
#[derive(Default)]
pub struct Feed {
    /// The run subscribed to (a new run after a reload subscribes anew) and the id.
    sub: Option<(Rc<RefCell<Server>>, usize)>,
    alerts_seen: usize,
    /// Traced processes (as the caller named them), each with the newest message id
    /// passed on.
    traced: BTreeMap<String, u64>,
}

impl Feed {
    /// Starts or stops tracing `pid`'s messages.
    pub fn trace(&mut self, pid: &str, on: bool) {
        if on {
            self.traced.entry(pid.to_string()).or_insert(u64::MAX);
        } else {
            self.traced.remove(pid);
        }
    }

    /// The events since the last poll, oldest first: each its kind and its JSON text
    /// (`{kind, at_us, …}`).
    pub fn poll(&mut self, s: &Session) -> Vec<(&'static str, String)> {
        let run = s.live();
        let mut out = Vec::new();
        let fresh = !matches!(&self.sub, Some((server, _)) if Rc::ptr_eq(server, &run.analytics));
        if fresh {
            let id = run
                .analytics
                .borrow_mut()
                .subscribe(&["restart", "pattern", "anomaly"], None);
            self.sub = Some((run.analytics.clone(), id));
            self.alerts_seen = run.analytics.borrow().watch.fired.len();
            for last in self.traced.values_mut() {
                *last = u64::MAX;
            }
        }
        let Some((server, id)) = &self.sub else {
            return out;
        };
        let mut server = server.borrow_mut();
        for n in server.drain(*id) {
            let o = Obj::new().str("kind", n.kind());
            out.push((
                n.kind(),
                match n {
                    Notice::Restart {
                        supervisor,
                        child,
                        at_us,
                    } => o
                        .num("at_us", at_us)
                        .str("supervisor", &supervisor)
                        .str("child", &child),
                    Notice::Pattern(p) => o
                        .num("at_us", p.at_us())
                        .str("pattern", p.kind())
                        .str("description", &p.describe()),
                    Notice::Anomaly {
                        metric,
                        anomaly,
                        at_us,
                    } => o
                        .num("at_us", at_us)
                        .str("metric", &metric)
                        .float("value", anomaly.value)
                        .float("baseline", anomaly.baseline)
                        .float("score", anomaly.score),
                }
                .end(),
            ));
        }
        let fired = &server.watch.fired;
        // the list keeps the newest 1,000: it may have dropped some from its front
        let start = self.alerts_seen.min(fired.len());
        for (t, a) in &fired[start..] {
            out.push((
                "alert",
                Obj::new()
                    .str("kind", "alert")
                    .num("at_us", t)
                    .str("rule", &a.rule)
                    .str("field", &a.field)
                    .float("value", a.value)
                    .float("threshold", a.threshold)
                    .str("severity", a.severity.name())
                    .end(),
            ));
        }
        self.alerts_seen = fired.len();
        drop(server);
        for (key, last) in self.traced.iter_mut() {
            let Some(p) = run.lab.inspect(key) else {
                continue;
            };
            let newest = p.recent.iter().map(|r| r.id).max().unwrap_or(0);
            if *last != u64::MAX {
                let mut new: Vec<_> = p.recent.iter().filter(|r| r.id > *last).collect();
                otp_lab_sim::sort::sort_by(&mut new, |a, b| a.id < b.id);
                for r in new {
                    out.push((
                        "message",
                        crate::inspect::message(
                            Obj::new().str("kind", "message").str("pid", key),
                            r,
                            "message",
                        )
                        .end(),
                    ));
                }
            }
            *last = newest.max(if *last == u64::MAX { 0 } else { *last });
        }
        out
    }
}
