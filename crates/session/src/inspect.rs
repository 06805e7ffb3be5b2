//! A lab's state as JSON, for readers outside the page: every process, every supervisor,
//! the system graph (parents, links, monitors) and one process — read from the same
//! structures the Lab's tree, inspector and graph view show ([`Lab::tree`],
//! [`Lab::inspect`], [`Lab::graph`]). `otp-lab inspect` prints them; `window.otpLab`
//! answers with them. Written as JSON text ([`otp_lab_analytics::json`]): building
//! values field by field costs the download more.

use otp_lab_analytics::json::{self, Obj};
use otp_lab_lab::inspect::{ProcInfo, Recent};
use otp_lab_lab::tree::{NodeKind, TreeNode};
use otp_lab_lab::Lab;

/// The read queries, as `otp-lab inspect` names them.
pub const QUERIES: [&str; 4] = ["processes", "supervisors", "graph", "process"];

/// Every live process, in pid order, as the inspector sees it.
pub fn infos(lab: &Lab) -> Vec<ProcInfo> {
    let mut pids: Vec<_> = lab.world().processes().map(|p| p.pid).collect();
    otp_lab_sim::sort::sort_by(&mut pids, |a, b| a.serial() < b.serial());
    pids.into_iter()
        .filter_map(|pid| lab.inspect_pid(pid))
        .collect()
}

/// Every live process (pid order), each as the inspector's summary: pid, path, name,
/// behaviour, status, mailbox length, links, monitors, trap_exit, reductions.
pub fn processes(lab: &Lab) -> String {
    let list = infos(lab);
    Obj::new()
        .num("at_us", lab.now_us())
        .num("count", list.len())
        .raw("processes", &json::array(list.iter().map(summary)))
        .end()
}

/// One process, whole: the summary, its state, its mailbox (the first messages), the
/// messages a selective receive passed over and its newest messages sent and received.
/// `key`: a tree path or a pid (`<0.N.0>`).
pub fn process(lab: &Lab, key: &str) -> Result<String, String> {
    let p = lab
        .inspect(key)
        .ok_or_else(|| format!("no live process at \"{key}\" at {} us", lab.now_us()))?;
    Ok(Obj::new()
        .num("at_us", lab.now_us())
        .raw("process", &details(&p))
        .end())
}

/// A process's summary with its state, mailbox and newest messages.
pub fn details(p: &ProcInfo) -> String {
    let mut s = summary(p);
    s.pop();
    let rest = Obj::new()
        .str("state", &p.state)
        .raw(
            "mailbox",
            &json::strings(p.mailbox.iter().map(String::as_str)),
        )
        .num("skipped", p.skipped)
        .raw("recent", &recent(p))
        .end();
    s.push(',');
    s.push_str(&rest[1..]);
    s
}

/// A process's newest messages sent and received.
pub fn recent(p: &ProcInfo) -> String {
    json::array(
        p.recent
            .iter()
            .map(|r| message(Obj::new(), r, "kind").end()),
    )
}

/// One message's fields (id, time, sent, other, its kind under `kind_key`, term).
pub fn message(o: Obj, r: &Recent, kind_key: &str) -> Obj {
    o.num("id", r.id)
        .str("time", &r.time)
        .num("sent", r.sent)
        .str("other", &r.other)
        .str(kind_key, r.kind)
        .str("term", &r.term)
}

/// A process's summary.
pub fn summary(p: &ProcInfo) -> String {
    let list = |l: &[String]| json::strings(l.iter().map(String::as_str));
    Obj::new()
        .str("pid", &p.pid)
        .opt_str("path", p.path.as_deref())
        .opt_str("registered_name", p.registered_name.as_deref())
        .str("behaviour", &p.behaviour)
        .str("status", p.status)
        .num("message_queue_len", p.message_queue_len)
        .raw("links", &list(&p.links))
        .raw("monitors", &list(&p.monitors))
        .raw("monitored_by", &list(&p.monitored_by))
        .num("trap_exit", p.trap_exit)
        .num("reductions", p.reductions)
        .end()
}

/// Every supervisor of the tree (also dead or restarting ones, as the tree shows them),
/// as `(path, JSON)`: path, pid, status, strategy, how often it was restarted itself, how
/// often it restarted its children, its intensity budget (restarts counted in the
/// period, intensity, period, paused) and its children's paths.
pub fn supervisor_list(lab: &Lab) -> Vec<(String, String)> {
    let tree = lab.tree();
    tree.iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Supervisor)
        .map(|(i, n)| {
            let children = children_of(&tree, i);
            let meter = n.meter.map_or("null".to_string(), |m| {
                Obj::new()
                    .num("used", m.used)
                    .num("intensity", m.intensity)
                    .num("period", m.period)
                    .num("paused", m.paused)
                    .end()
            });
            let text = Obj::new()
                .str("path", &n.path)
                .opt_str("pid", n.pid.as_deref())
                .str("status", n.status.label())
                .opt_str("strategy", n.strategy.as_deref())
                .num("restarted", n.restarts)
                .num(
                    "child_restarts",
                    children.iter().map(|c| c.restarts).sum::<u64>(),
                )
                .raw("intensity", &meter)
                .raw(
                    "children",
                    &json::strings(children.iter().map(|c| c.path.as_str())),
                )
                .end();
            (n.path.clone(), text)
        })
        .collect()
}

/// The children of the tree's node `i`, in the tree's order.
pub fn children_of(tree: &[TreeNode], i: usize) -> Vec<&TreeNode> {
    let depth = tree[i].depth;
    tree[i + 1..]
        .iter()
        .take_while(|c| c.depth > depth)
        .filter(|c| c.depth == depth + 1)
        .collect()
}

/// [`supervisor_list`] as one object.
pub fn supervisors(lab: &Lab) -> String {
    Obj::new()
        .num("at_us", lab.now_us())
        .raw(
            "supervisors",
            &json::array(supervisor_list(lab).into_iter().map(|s| s.1)),
        )
        .end()
}

/// The system graph: every process as a node (key: its path, or its pid), and the edges
/// between them — `child` (a supervisor to its child), `link` and `monitor` (from the
/// monitoring process) — with how many processes were left out of a very large system.
pub fn graph(lab: &Lab) -> String {
    let g = lab.graph();
    let nodes = json::array(g.nodes.iter().map(|n| {
        Obj::new()
            .str("key", &n.key)
            .opt_str("pid", n.pid.map(|p| p.to_string()).as_deref())
            .str("role", n.role.name())
            .str("status", n.status.label())
            .num("trap_exit", n.trap_exit)
            .num("message_queue_len", n.queue)
            .end()
    }));
    let edges = json::array(g.edges.iter().map(|e| {
        Obj::new()
            .str("kind", e.kind.name())
            .str("from", &g.nodes[e.from].key)
            .str("to", &g.nodes[e.to].key)
            .end()
    }));
    Obj::new()
        .num("at_us", lab.now_us())
        .raw("nodes", &nodes)
        .raw("edges", &edges)
        .num("omitted", g.omitted)
        .end()
}
