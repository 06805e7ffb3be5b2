//! The analytics dashboard: charts of restart and failure rates, recovery-time
//! percentiles and the process count (SVG we draw ourselves), health, alerts, the
//! dashboard's numbers, and downloads of every export format.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::LabHandle;
use crate::view_model::charts::{charts_html, mailboxes_html, numbers_html};
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
    let jump = move |target: Option<web_sys::EventTarget>| {
        let row = target
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-t-us]").ok().flatten());
        match row.and_then(|r| r.get_attribute("data-t-us")?.parse().ok()) {
            Some(t) => {
                lab.scrub_to(t);
                true
            }
            None => false,
        }
    };
    view! {
        <div class="dashboard">
            <section class="sup-analytics" data-view="supervisor-analytics" aria-label="Supervisor analytics"
                inner_html=move || lab.supervisor.get()
                on:click=move |ev| { jump(ev.target()); }
                on:keydown=move |ev| {
                    if (ev.key() == "Enter" || ev.key() == " ") && jump(ev.target()) {
                        ev.prevent_default();
                    }
                }></section>
            <div class="health" role="status">
                <span class=move || format!("health-badge health-{}", lab.health.with(|h| h.0.clone()))>
                    {move || lab.health.with(|h| h.0.clone())}
                </span>
                <ul class="plain reasons" inner_html=move || lab.health.with(|h| notices_html(h.1.iter().map(|r| ("", "", r.as_str())), ""))></ul>
            </div>
            <div class="alerts"><h3>"Alerts"</h3><ul class="plain" inner_html=move || lab.alerts.with(|a| {
                notices_html(a.iter().map(|(sev, text)| (sev.as_str(), sev.as_str(), text.as_str())), "No alert rule fires.")
            })></ul></div>
            <div class="alerts"><h3>"Restart patterns"</h3><ul class="plain" inner_html=move || lab.patterns.with(|p| {
                notices_html(p.iter().map(|(t, text)| ("info", t.as_str(), text.as_str())), "No restart storm, cascade or periodic failure so far.")
            })></ul></div>
            <div class="alerts"><h3>"Anomalies"</h3><ul class="plain" inner_html=move || lab.anomalies.with(|a| {
                notices_html(a.iter().map(|(t, text)| ("info", t.as_str(), text.as_str())), "The restart rate follows its moving baseline.")
            })></ul></div>
            // redrawn whenever the charts change (a list keyed by title kept the first drawing)
            <div class="charts" inner_html=move || lab.charts.with(|c| charts_html(c))></div>
            <figure class="chart mailboxes">
                <figcaption>"Mailbox lengths"<span class="unit">" (messages waiting, longest first)"</span></figcaption>
                <div inner_html=move || lab.mailboxes.with(|b| mailboxes_html(b))></div>
            </figure>
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

/// Notices as list items: `(severity, label, text)` (a reason alone when both are empty),
/// or `empty` in grey when there is none.
fn notices_html<'a>(
    items: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    empty: &str,
) -> String {
    let mut h = String::new();
    for (sev, label, text) in items {
        if sev.is_empty() {
            h += &format!("<li>{}</li>", esc(text));
        } else {
            h += &format!(
                "<li class=\"alert alert-{sev}\"><span class=\"sev\">{}</span> {}</li>",
                esc(label),
                esc(text)
            );
        }
    }
    if h.is_empty() && !empty.is_empty() {
        h = format!("<li class=\"muted\">{empty}</li>");
    }
    h
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
