//! The inspector's facts about one process as HTML text: pid, path, name, behaviour,
//! status, `trap_exit`, reductions, state, links, monitors, the mailbox (and how much of
//! its head a selective receive passed over), and its newest messages sent and received —
//! each a button (`data-act="open"`) that opens it in the sequence view. Every text is
//! escaped.

use otp_lab_lab::cause::Cause;
use otp_lab_lab::inspect::ProcInfo;
use otp_lab_lab::sequence::svg::esc;
use std::fmt::Write;

fn list_into(s: &mut String, items: &[String]) {
    s.push_str("<ul class=\"plain\">");
    for i in items {
        let _ = write!(s, "<li class=\"mono\">{}</li>", esc(i));
    }
    s.push_str("</ul>");
}

/// The facts about `info`.
pub fn facts_html(info: &ProcInfo) -> String {
    let mut s = String::with_capacity(2048);
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let _ = write!(
        s,
        "<dl class=\"facts\"><dt>pid</dt><dd data-field=\"pid\">{}</dd><dt>path</dt><dd>{}</dd>\
         <dt>name</dt><dd>{}</dd><dt>behaviour</dt><dd>{}</dd><dt>status</dt><dd>{}</dd>\
         <dt>trap_exit</dt><dd data-field=\"trap_exit\">{}</dd><dt>reductions</dt><dd>{}</dd>\
         <dt>state</dt><dd class=\"mono\" data-field=\"state\">{}</dd><dt>links</dt><dd>",
        esc(&info.pid),
        esc(&dash(&info.path)),
        esc(&dash(&info.registered_name)),
        esc(&info.behaviour),
        info.status,
        info.trap_exit,
        info.reductions,
        esc(&info.state)
    );
    list_into(&mut s, &info.links);
    s.push_str("</dd><dt>monitors</dt><dd>");
    list_into(&mut s, &info.monitors);
    if !info.monitored_by.is_empty() {
        let _ = write!(
            s,
            "<span class=\"muted\">monitored by {}</span>",
            esc(&info.monitored_by.join(", "))
        );
    }
    let _ = write!(
        s,
        "</dd><dt>mailbox</dt><dd><span data-field=\"mailbox-len\">{}</span>",
        info.message_queue_len
    );
    if info.skipped > 0 {
        let _ = write!(
            s,
            " <span class=\"muted\">({} at its head passed over by a selective receive, which took a later one)</span>",
            info.skipped
        );
    }
    s.push_str("<ul class=\"plain\">");
    for (i, m) in info.mailbox.iter().enumerate() {
        let _ = write!(
            s,
            "<li class=\"mono{}\">{}</li>",
            if i < info.skipped { " skipped" } else { "" },
            esc(m)
        );
    }
    s.push_str("</ul></dd><dt>messages</dt><dd>");
    if info.recent.is_empty() {
        s.push_str("<span class=\"muted\">none yet</span>");
    }
    s.push_str("<ul class=\"plain recent\">");
    for r in &info.recent {
        let _ = write!(
            s,
            "<li><button type=\"button\" class=\"linkish mono\" data-act=\"open\" data-key=\"{}\" title=\"Open it in the sequence view\">{} {} {} {}: {}</button></li>",
            r.id,
            esc(&r.time),
            if r.sent { "→" } else { "←" },
            esc(&r.other),
            r.kind,
            esc(&r.term)
        );
    }
    s.push_str("</ul></dd></dl>");
    s
}

/// Why the process at the selected path last died: each cause a button that moves the
/// cursor to its instant (`data-act="jump"`). Empty when nothing there has died.
pub fn why_html(causes: &[Cause]) -> String {
    if causes.is_empty() {
        return String::new();
    }
    let mut s =
        String::from("<section class=\"why\"><h3>Why did it die?</h3><ol data-cause-chain>");
    for c in causes {
        let _ = write!(
            s,
            "<li><button type=\"button\" class=\"linkish\" data-act=\"jump\" data-key=\"{}\" title=\"Show this instant\">{}</button> {}</li>",
            c.line,
            esc(&otp_lab_lab::sequence::time_text(c.t_us)),
            esc(&c.text)
        );
    }
    s.push_str("</ol></section>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_lab::inspect::Recent;

    #[test]
    fn the_facts_keep_their_fields_escape_terms_and_open_messages() {
        let info = ProcInfo {
            pid: "<0.3.0>".into(),
            path: Some("demo/counter_1".into()),
            registered_name: None,
            behaviour: "gen_server (counter)".into(),
            status: "waiting",
            message_queue_len: 2,
            mailbox: vec!["{a,<0.1.0>}".into(), "b".into()],
            links: vec!["<0.2.0> demo".into()],
            monitors: vec![],
            monitored_by: vec!["<0.1.0> shell".into()],
            trap_exit: false,
            reductions: 7,
            state: "1".into(),
            is_supervisor: false,
            is_worker: true,
            skipped: 1,
            recent: vec![Recent {
                id: 42,
                time: "0.333 s".into(),
                sent: false,
                other: "<0.1.0> shell".into(),
                kind: "call",
                term: "{'$gen_call',{<0.1.0>,[alias|#Ref<0.0.0.1>]},get}".into(),
            }],
        };
        let html = facts_html(&info);
        for field in ["pid", "trap_exit", "state", "mailbox-len"] {
            assert!(html.contains(&format!("data-field=\"{field}\"")), "{field}");
        }
        assert!(html.contains("<dd data-field=\"pid\">&lt;0.3.0&gt;</dd>"));
        assert!(html.contains(
            "<li class=\"mono skipped\">{a,&lt;0.1.0&gt;}</li><li class=\"mono\">b</li>"
        ));
        assert!(html.contains("data-act=\"open\" data-key=\"42\""));
        assert!(html.contains("← &lt;0.1.0&gt; shell call:"));
        assert!(!html.contains("<0."));
    }

    #[test]
    fn each_cause_is_a_step_to_its_instant() {
        assert_eq!(why_html(&[]), "");
        let html = why_html(&[Cause {
            text: "<0.1.0> shell called exit(<0.3.0>, kill)".into(),
            t_us: 1_500_000,
            line: 42,
        }]);
        assert!(html.contains("data-act=\"jump\" data-key=\"42\""));
        assert!(html.contains(">1.500 s</button> &lt;0.1.0&gt; shell called"));
    }
}
