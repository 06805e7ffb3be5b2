//! The analytics dashboard: charts of restart and failure rates, recovery-time
//! percentiles and the process count (SVG we draw ourselves), health, alerts, the
//! dashboard's numbers, and downloads of every export format.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::LabHandle;
use crate::view_model::charts::{charts_html, mailboxes_html, numbers_html};
use crate::view_model::dashboard::{
    alert_line, bounds, own_forms_html, window_value, OPTIONS, WINDOWS,
};
use otp_lab_lab::sequence::svg::esc;

#[component]
pub fn Dashboard(lab: LabHandle) -> impl IntoView {
    let download = move |format: &'static str| {
        if let Some(file) = lab.export(format) {
            if let Err(e) = save_file(file.file_name, file.mime, &file.text) {
                lab.error.set(Some(format!("The download failed: {e}")));
            }
        }
    };
    let set_window = move |w| {
        lab.window.set(w);
        lab.publish_analytics();
    };
    // what the last line of the forms (or a Remove button) answered
    let said = RwSignal::new(String::new());
    let run = move |line: String| {
        lab.run_line(&line);
        let answer = lab
            .console
            .with_untracked(|c| c.last().map(|e| e.output.clone()))
            .unwrap_or_default();
        said.set(format!("{line} → {answer}"));
        lab.publish_analytics();
    };
    // a line to run (a form's button, Remove), a rule to edit, a range button, or
    // anything dated (a history row, an escalation, a pattern, an
    // anomaly, a fired alert): the cursor moves to its instant
    let act = move |target: Option<web_sys::EventTarget>| {
        let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return false;
        };
        let (now, head) = lab.status.with_untracked(|s| (s.now_us, s.head_us));
        let (from, to) = bounds(lab.window.get_untracked(), head);
        if let Some(line) = attr(&el, "data-line") {
            run(line);
            return true;
        }
        if let Some(rule) = attr(&el, "data-edit") {
            // name|field|op|threshold|severity|hold_ms (the name may hold a `|`)
            let mut parts: Vec<&str> = rule.rsplitn(6, '|').collect();
            parts.reverse();
            for (id, v) in ALERT_FORM.iter().zip(parts) {
                set_value(id, v);
            }
            return true;
        }
        if let Ok(Some(b)) = el.closest("[data-act]") {
            set_window(match b.get_attribute("data-act").as_deref() {
                Some("chart") => {
                    let [m, a, b] = ["ch-metric", "ch-agg", "ch-bucket"].map(value);
                    run(format!("Lab.add_chart(:{m}, :{a}, {b})"));
                    return true;
                }
                Some("alert") => {
                    let v = ALERT_FORM.map(value);
                    match alert_line([&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]]) {
                        Ok(line) => run(line),
                        Err(e) => said.set(e),
                    }
                    return true;
                }
                // a range on the timeline: scrub to an instant, start or end it there
                Some("from") => {
                    let to = if to > now { to } else { head };
                    (to - now, to)
                }
                _ => {
                    let from = if from < now { from } else { 0 };
                    (now - from, now)
                }
            });
            return true;
        }
        let row = el.closest("[data-t-us]").ok().flatten();
        match row.and_then(|r| r.get_attribute("data-t-us")?.parse().ok()) {
            Some(t) => {
                lab.scrub_to(t);
                true
            }
            None => false,
        }
    };
    view! {
        <div class="dashboard"
            on:click=move |ev| { act(ev.target()); }
            on:keydown=move |ev| {
                if (ev.key() == "Enter" || ev.key() == " ") && act(ev.target()) {
                    ev.prevent_default();
                }
            }>
            <div class="sup-wrap">
                <div class="window-picker" role="group" aria-label="Analytics window">
                    <label>"Window "
                        <select aria-label="Window" inner_html=OPTIONS
                            prop:value=move || lab.window.with(|w| window_value(*w))
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                let now = lab.status.with_untracked(|s| s.now_us);
                                set_window(WINDOWS.iter().find(|w| w.0 == v).map_or((now, now), |w| w.1));
                            }></select>
                    </label>
                    <button type="button" data-act="from" title="Start the window at the timeline's cursor">"Range from cursor"</button>
                    <button type="button" data-act="to" title="End the window at the timeline's cursor">"Range to cursor"</button>
                </div>
                <section class="sup-analytics" data-view="supervisor-analytics" aria-label="Supervisor analytics"
                    inner_html=move || lab.supervisor.get()></section>
            </div>
            <div class="health" role="status">
                <span class=move || format!("health-badge health-{}", lab.health.with(|h| h.0.clone()))>
                    {move || lab.health.with(|h| h.0.clone())}
                </span>
                <ul class="plain reasons" inner_html=move || lab.health.with(|h| h.1.iter().map(|r| format!("<li>{}</li>", esc(r))).collect::<String>())></ul>
            </div>
            <div class="alerts"><h3>"Alerts"</h3><ul class="plain" inner_html=move || lab.alerts.get()></ul>
                <h3>"Alert rules"</h3><ul class="plain rules" inner_html=move || lab.rules.get()></ul></div>
            <div class="alerts"><h3>"Restart patterns"</h3><ul class="plain" inner_html=move || lab.patterns.get()></ul></div>
            <div class="alerts"><h3>"Anomalies"</h3><ul class="plain" inner_html=move || lab.anomalies.get()></ul></div>
            // redrawn whenever the charts change (a list keyed by title kept the first drawing)
            <div class="charts" inner_html=move || lab.charts.with(|c| charts_html(c))></div>
            <figure class="chart mailboxes">
                <figcaption>"Mailbox lengths"<span class="unit">" (messages waiting, longest first)"</span></figcaption>
                <div inner_html=move || lab.mailboxes.with(|b| mailboxes_html(b))></div>
            </figure>
            <section class="own" aria-label="Your charts and alert rules">
                <h3>"Your charts and alert rules"</h3>
                <div inner_html=own_forms_html()></div>
                <p class="form-said" role="status">{move || said.get()}</p>
            </section>
            <dl class="numbers" inner_html=move || lab.dashboard.with(|d| numbers_html(d.iter()))></dl>
            <div class="exports" role="group" aria-label="Export">
                <span>"Export: "</span>
                <button type="button" on:click=move |_| download("prometheus")>"Prometheus"</button>
                <button type="button" on:click=move |_| download("json")>"JSON"</button>
                <button type="button" on:click=move |_| download("csv")>"CSV"</button>
                <button type="button" on:click=move |_| download("history")>"Restart history (CSV)"</button>
                <button type="button" on:click=move |_| download("statsd")>"StatsD"</button>
            </div>
        </div>
    }
}

/// The alert form's controls, in the order of `Lab.add_alert/6`'s arguments.
const ALERT_FORM: [&str; 6] = [
    "al-name",
    "al-field",
    "al-op",
    "al-threshold",
    "al-severity",
    "al-hold",
];

/// An attribute of `el` or of the nearest element above it that has one.
fn attr(el: &web_sys::Element, name: &str) -> Option<String> {
    el.closest(&format!("[{name}]")).ok()??.get_attribute(name)
}

/// The value of the form control with this id (empty if there is none).
fn value(id: &str) -> String {
    control(id)
        .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok()?.as_string())
        .unwrap_or_default()
}

/// Sets the value of the form control with this id.
fn set_value(id: &str, v: &str) {
    if let Some(e) = control(id) {
        let _ = js_sys::Reflect::set(&e, &"value".into(), &v.into());
    }
}

fn control(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Saves `text` as a file download (a Blob URL and a temporary link).
pub(crate) fn save_file(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
