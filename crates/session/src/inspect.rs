//! A lab's state as JSON, for readers outside the page: every process, every supervisor,
//! the system graph (parents, links, monitors) and one process — read from the same
//! structures the Lab's tree, inspector and graph view show ([`Lab::tree`],
//! [`Lab::inspect`], [`Lab::graph`]). `otp-lab inspect` prints them.

use otp_lab_lab::inspect::ProcInfo;
use otp_lab_lab::tree::NodeKind;
use otp_lab_lab::Lab;
use serde_json::{json, Value};

/// The read queries, as `otp-lab inspect` names them.
pub const QUERIES: [&str; 4] = ["processes", "supervisors", "graph", "process"];

/// Every live process (pid order), each as the inspector's summary: pid, path, name,
/// behaviour, status, mailbox length, links, monitors, trap_exit, reductions.
pub fn processes(lab: &Lab) -> Value {
    let mut pids: Vec<_> = lab.world().processes().map(|p| p.pid).collect();
    otp_lab_sim::sort::sort_by(&mut pids, |a, b| a.serial() < b.serial());
    let list: Vec<Value> = pids
        .into_iter()
        .filter_map(|pid| lab.inspect_pid(pid))
        .map(|p| summary(&p))
        .collect();
    json!({ "at_us": lab.now_us(), "count": list.len(), "processes": list })
}

/// One process, whole: the summary, its state, its mailbox (the first messages), the
/// messages a selective receive passed over and its newest messages sent and received.
/// `key`: a tree path or a pid (`<0.N.0>`).
pub fn process(lab: &Lab, key: &str) -> Result<Value, String> {
    let p = lab
        .inspect(key)
        .ok_or_else(|| format!("no live process at \"{key}\" at {} us", lab.now_us()))?;
    let mut v = summary(&p);
    let recent: Vec<Value> = p
        .recent
        .iter()
        .map(|r| {
            json!({ "id": r.id, "time": r.time, "sent": r.sent, "other": r.other,
                    "kind": r.kind, "term": r.term })
        })
        .collect();
    let o = v.as_object_mut().expect("an object");
    o.insert("state".into(), json!(p.state));
    o.insert("mailbox".into(), json!(p.mailbox));
    o.insert("skipped".into(), json!(p.skipped));
    o.insert("recent".into(), Value::Array(recent));
    Ok(json!({ "at_us": lab.now_us(), "process": v }))
}

fn summary(p: &ProcInfo) -> Value {
    json!({
        "pid": p.pid,
        "path": p.path,
        "registered_name": p.registered_name,
        "behaviour": p.behaviour,
        "status": p.status,
        "message_queue_len": p.message_queue_len,
        "links": p.links,
        "monitors": p.monitors,
        "monitored_by": p.monitored_by,
        "trap_exit": p.trap_exit,
        "reductions": p.reductions,
    })
}

/// Every supervisor of the tree (also dead or restarting ones, as the tree shows them):
/// path, pid, status, strategy, how often it was restarted itself, how often it restarted
/// its children, its intensity budget (restarts counted in the period, intensity, period,
/// paused) and its children's paths.
pub fn supervisors(lab: &Lab) -> Value {
    let tree = lab.tree();
    let list: Vec<Value> = tree
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Supervisor)
        .map(|(i, n)| {
            let children: Vec<_> = tree[i + 1..]
                .iter()
                .take_while(|c| c.depth > n.depth)
                .filter(|c| c.depth == n.depth + 1)
                .collect();
            json!({
                "path": n.path,
                "pid": n.pid,
                "status": n.status.label(),
                "strategy": n.strategy,
                "restarted": n.restarts,
                "child_restarts": children.iter().map(|c| c.restarts).sum::<u64>(),
                "intensity": n.meter.map(|m| json!({
                    "used": m.used, "intensity": m.intensity, "period": m.period, "paused": m.paused,
                })),
                "children": children.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "at_us": lab.now_us(), "supervisors": list })
}

/// The system graph: every process as a node (key: its path, or its pid), and the edges
/// between them — `child` (a supervisor to its child), `link` and `monitor` (from the
/// monitoring process) — with how many processes were left out of a very large system.
pub fn graph(lab: &Lab) -> Value {
    let g = lab.graph();
    let nodes: Vec<Value> = g
        .nodes
        .iter()
        .map(|n| {
            json!({
                "key": n.key,
                "pid": n.pid.map(|p| p.to_string()),
                "role": n.role.name(),
                "status": n.status.label(),
                "trap_exit": n.trap_exit,
                "message_queue_len": n.queue,
            })
        })
        .collect();
    let edges: Vec<Value> = g
        .edges
        .iter()
        .map(|e| json!({ "kind": e.kind.name(), "from": g.nodes[e.from].key, "to": g.nodes[e.to].key }))
        .collect();
    json!({ "at_us": lab.now_us(), "nodes": nodes, "edges": edges, "omitted": g.omitted })
}
