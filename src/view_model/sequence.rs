//! The sequence view's side panel as HTML text: the lane clicked last (pick it, hide it),
//! the lanes picked and hidden (each removable), and the message opened (its kind, ends,
//! times and fate, the whole term, the receiver's state before and after, its pair, its
//! log lines, and buttons that move the cursor to its send or its handling). Buttons
//! carry a `data-act` the view listens for once; every text is escaped.

use otp_lab_lab::sequence::detail::Detail;
use otp_lab_lab::sequence::svg::esc;
use otp_lab_session::share::Views;
use std::fmt::Write;

/// A lane the learner clicked: its key, and whether it is a tree path.
pub type LaneChoice = (String, bool);

/// The side panel for the lane clicked, the view's settings and the message opened.
pub fn side_html(lane: Option<&LaneChoice>, views: &Views, detail: Option<&Detail>) -> String {
    let mut s = String::with_capacity(2048);
    s.push_str("<section class=\"seq-lanes\"><h3>Lanes</h3>");
    match lane {
        None => s.push_str(
            "<p class=\"muted\">Click a lane's head to inspect it, pick it or hide it.</p>",
        ),
        Some((key, is_path)) => {
            let _ = write!(
                s,
                "<p class=\"mono\">{}</p><div class=\"row-actions\">\
                 <button type=\"button\" data-act=\"pick\" title=\"Show only messages to or from the picked lanes\">Pick</button>\
                 <button type=\"button\" data-act=\"hide\" title=\"Hide the lane; what passed through it is still drawn, dotted\">Hide</button>{}</div>",
                esc(key),
                if *is_path { "" } else { "<span class=\"muted\">(not in the tree)</span>" }
            );
        }
    }
    for (title, list, act) in [
        ("Picked", &views.picked, "unpick"),
        ("Hidden", &views.hidden, "unhide"),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "<p class=\"muted\">{title}:</p><ul class=\"plain chips\">"
        );
        for key in list {
            let k = esc(key);
            let _ = write!(
                s,
                "<li class=\"chip\">{k}<button type=\"button\" class=\"chip-x\" data-act=\"{act}\" data-key=\"{k}\" aria-label=\"{title}: remove {k}\">×</button></li>"
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section><section class=\"seq-detail\"><h3>Message</h3>");
    match detail {
        None => s.push_str("<p class=\"muted\">Click an arrow to see the whole message.</p>"),
        Some(d) => detail_into(&mut s, d),
    }
    s.push_str("</section>");
    s
}

fn detail_into(s: &mut String, d: &Detail) {
    s.push_str("<dl class=\"facts\">");
    for (k, v) in [
        ("kind", d.kind),
        ("from", &d.from),
        ("to", &d.to),
        ("sent", &d.sent),
        ("then", &d.fate),
    ] {
        let _ = write!(s, "<dt>{k}</dt><dd>{}</dd>", esc(v));
    }
    let _ = write!(s, "</dl><pre class=\"mono term\">{}</pre>", esc(&d.term));
    if let Some((before, after)) = &d.state {
        let _ = write!(
            s,
            "<dl class=\"facts\"><dt>state before</dt><dd class=\"mono\">{}</dd><dt>state after</dt><dd class=\"mono\">{}</dd></dl>",
            esc(before),
            esc(after)
        );
    }
    if let Some((id, term)) = &d.pair {
        let _ = write!(
            s,
            "<p>{} <button type=\"button\" class=\"linkish mono\" data-act=\"open\" data-key=\"{id}\">{}</button></p>",
            if d.kind == "call" { "Its reply:" } else { "Its call:" },
            esc(term)
        );
    }
    s.push_str("<ul class=\"plain mono seq-lines\">");
    for l in &d.lines {
        let _ = write!(s, "<li>{}</li>", esc(l));
    }
    let _ = write!(
        s,
        "</ul><div class=\"row-actions\"><button type=\"button\" data-act=\"jump\" data-key=\"{}\">Show the send</button>",
        d.sent_line
    );
    if let Some(h) = d.handled_line {
        let _ = write!(
            s,
            "<button type=\"button\" data-act=\"jump\" data-key=\"{h}\">Show the handling</button>"
        );
    }
    s.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_panel_escapes_every_text_and_names_its_actions() {
        let views = Views {
            picked: vec!["demo/<x>".into()],
            hidden: vec!["a\"b".into()],
            fold: false,
            message: Some(7),
        };
        let d = Detail {
            id: 7,
            kind: "call",
            term: "{'$gen_call',{<0.1.0>,[alias|#Ref<0.0.0.1>]},get}".into(),
            from: "<0.1.0> shell".into(),
            to: "<0.3.0> demo/counter_1".into(),
            sent: "0.333 s".into(),
            sent_line: 12,
            fate: "taken by a receive at 0.333 s".into(),
            handled_line: Some(13),
            state: Some(("0".into(), "1".into())),
            pair: Some((9, "{[alias|#Ref<0.0.0.1>],0}".into())),
            lines: vec!["<0.1.0> ! <0.3.0> get".into()],
        };
        let html = side_html(Some(&("demo".into(), true)), &views, Some(&d));
        assert!(!html.contains("<0."), "pids are escaped: {html}");
        assert!(html.contains("data-act=\"unpick\" data-key=\"demo/&lt;x&gt;\""));
        assert!(html.contains("data-key=\"a&quot;b\""));
        assert!(html.contains("data-act=\"open\" data-key=\"9\""));
        assert!(html.contains("data-act=\"jump\" data-key=\"12\""));
        assert!(html.contains("data-act=\"jump\" data-key=\"13\""));
        assert!(html.contains("<dt>state before</dt><dd class=\"mono\">0</dd>"));
        let empty = side_html(None, &Views::default(), None);
        assert!(empty.contains("Click an arrow"));
        assert!(!empty.contains("data-act"));
    }
}
