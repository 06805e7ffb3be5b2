//! One supervisor's analytics as the Analytics tab shows them, written as HTML text: its
//! figures over the window, the intensity budget over time (a step line against the
//! maximum, a mark where it ran out), the reasons and children ranked, the escalations
//! and the restart history — every dated row carries `data-t-us` so a click moves the
//! cursor there. Read from the engine's [`Report`], the one the exports and
//! `otp-lab metrics --supervisor` give.

use std::fmt::Write;

use otp_lab_analytics::restarts::Cause;
use otp_lab_analytics::supervisor::Report;
use otp_lab_lab::sequence::svg::esc;
use otp_lab_sim::Pid;

use crate::view_model::format_time_us;

/// The budget chart's plot area (SVG user units).
const W: f64 = 320.0;
const H: f64 = 70.0;
/// History rows shown (the newest).
pub const ROWS_SHOWN: usize = 200;

fn pid_text(p: Pid) -> String {
    if p == Pid::NONE {
        "–".into()
    } else {
        p.to_string()
    }
}

/// The whole section for `r`.
pub fn report_html(r: &Report) -> String {
    let mut h = String::new();
    let between = match (r.between_p50_us, r.between_p95_us) {
        (Some(p50), Some(p95)) => format!(
            "; between restarts p50 {}, p95 {}",
            format_time_us(p50),
            format_time_us(p95)
        ),
        _ => String::new(),
    };
    let _ = write!(
        h,
        "<h3>{} <span class=\"muted\">{} – {}</span></h3><p>{} restarts, {} failures ({:.2}/s){}. Intensity {} restarts in {} s{}.</p>",
        esc(&r.path),
        format_time_us(r.from_us),
        format_time_us(r.to_us),
        r.restarts,
        r.failures,
        r.failure_rate_per_s,
        between,
        r.intensity,
        r.period,
        if r.alive { "" } else { "; not running" },
    );
    budget_svg(r, &mut h);
    h.push_str("<div class=\"sup-ranks\">");
    ranking("Reasons", &r.reasons, &mut h);
    ranking("Most restarted", &r.children, &mut h);
    h.push_str("</div><h4>Escalations</h4><ul class=\"plain\">");
    let escalations = r
        .gave_up
        .iter()
        .map(|e| (e, "gave up"))
        .chain(r.received.iter().map(|e| (e, "gave up; reported here")));
    let mut any = false;
    for (e, what) in escalations {
        any = true;
        let _ = write!(
            h,
            "<li data-t-us=\"{}\" tabindex=\"0\">{} {} {what} after {} failed</li>",
            e.at_us,
            format_time_us(e.at_us),
            esc(&e.supervisor),
            esc(&e.child)
        );
    }
    if !any {
        h.push_str("<li class=\"muted\">None in the window.</li>");
    }
    h.push_str("</ul><h4>Restart history</h4>");
    if r.history.is_empty() {
        h.push_str("<p class=\"muted\">No restart in the window.</p>");
        return h;
    }
    h.push_str("<table class=\"sup-history\"><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Child</th><th scope=\"col\">Reason</th><th scope=\"col\">Old → new pid</th><th scope=\"col\">In window</th></tr></thead><tbody>");
    for rec in r.history.iter().rev().take(ROWS_SHOWN) {
        let n = if rec.cause == Cause::Restart {
            format!("{} of {}", rec.in_window, rec.intensity)
        } else {
            rec.cause.name().to_string()
        };
        let _ = write!(
            h,
            "<tr data-restart data-child=\"{c}\" data-t-us=\"{t}\" tabindex=\"0\"><td>{}</td><td>{c}</td><td>{}</td><td>{} → {}</td><td>{n}</td></tr>",
            format_time_us(rec.t_us),
            esc(&rec.reason_text()),
            pid_text(rec.old_pid),
            pid_text(rec.new_pid),
            c = esc(&rec.child),
            t = rec.t_us,
        );
    }
    h.push_str("</tbody></table>");
    h
}

/// A ranked list (`name ×count`), or a dash when empty.
fn ranking(title: &str, list: &[(String, u64)], h: &mut String) {
    let _ = write!(h, "<div><h4>{title}</h4><ol>");
    for (name, n) in list.iter().take(8) {
        let _ = write!(h, "<li>{} ×{n}</li>", esc(name));
    }
    if list.is_empty() {
        h.push_str("<li class=\"muted\">–</li>");
    }
    h.push_str("</ol></div>");
}

/// The restarts counted in the intensity window over time, against the maximum.
fn budget_svg(r: &Report, h: &mut String) {
    let span = r.to_us.saturating_sub(r.from_us).max(1) as f64;
    let top = (r.intensity.max(1) + 1) as f64;
    let x = |t: u64| (t.saturating_sub(r.from_us)) as f64 / span * W;
    let y = |n: u32| H - n as f64 / top * H;
    let mut path = String::new();
    for &(t, n) in &r.budget {
        let sep = if path.is_empty() { "M" } else { "H" };
        let to = if path.is_empty() { "," } else { "V" };
        let _ = write!(path, "{sep}{:.1}{to}{:.1}", x(t), y(n));
    }
    if !path.is_empty() {
        let _ = write!(path, "H{W}");
    }
    let _ = write!(
        h,
        "<figure class=\"chart\"><figcaption>Intensity budget<span class=\"unit\"> (restarts counted in the last {} s; dashed: the most allowed, {})</span></figcaption>\
         <svg viewBox=\"-30 -6 {} {}\" role=\"img\" aria-label=\"Restarts in the intensity window over time, against {} allowed\">\
         <text x=\"-4\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text><text x=\"-4\" y=\"{H}\" class=\"tick\" text-anchor=\"end\">0</text>\
         <text x=\"0\" y=\"{}\" class=\"tick\">{}</text><text x=\"{W}\" y=\"{}\" class=\"tick\" text-anchor=\"end\">{}</text>\
         <line class=\"axis\" x1=\"0\" y1=\"{H}\" x2=\"{W}\" y2=\"{H}\"/><line x1=\"0\" x2=\"{W}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"limit\"/><path d=\"{path}\" class=\"series c1\"/>",
        r.period,
        r.intensity,
        W + 36.0,
        H + 22.0,
        r.intensity,
        y(r.intensity) + 3.0,
        r.intensity,
        H + 14.0,
        format_time_us(r.from_us),
        H + 14.0,
        format_time_us(r.to_us),
        y(r.intensity),
        y(r.intensity),
    );
    for e in &r.gave_up {
        let _ = write!(
            h,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"0\" y2=\"{H}\" class=\"ran-out\"><title>ran out at {}</title></line>",
            format_time_us(e.at_us),
            x = x(e.at_us),
        );
    }
    h.push_str("</svg></figure>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_session::Experiment;

    #[test]
    fn a_supervisor_after_kills_shows_its_rows_budget_and_ranks() {
        let mut run = Experiment::preset("demo", 1).start().unwrap();
        for _ in 0..2 {
            run.exec_line("Process.exit(\"demo/printer\", :kill)")
                .unwrap();
            run.lab.advance(20_000);
        }
        let now = run.lab.now_us();
        let r = run
            .analytics
            .borrow()
            .restarts
            .supervisor_report("demo", 0, now)
            .unwrap();
        let html = report_html(&r);
        assert_eq!(html.matches("<tr data-restart").count(), 2, "{html}");
        assert!(html.contains("data-child=\"demo/printer\""), "{html}");
        assert!(html.contains("2 of 3") && html.contains("1 of 3"), "{html}");
        assert!(html.contains("<li>demo/printer ×2</li>"), "{html}");
        assert!(html.contains("<li>killed ×2</li>"), "{html}");
        assert!(html.contains("class=\"series c1\""), "{html}");
        assert!(html.contains("None in the window."));
    }
}
