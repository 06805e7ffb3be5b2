//! The analytics dashboard: charts of restart and failure rates, recovery-time
//! percentiles and the process count (SVG we draw ourselves), health, alerts, the
//! dashboard's numbers, and downloads of every export format.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::LabHandle;
use crate::view_model::charts::{charts_html, mailboxes_html, numbers_html};

#[component]
pub fn Dashboard(lab: LabHandle) -> impl IntoView {
    let download = move |format: &'static str| {
        if let Some(file) = lab.export(format) {
            if let Err(e) = save_file(file.file_name, file.mime, &file.text) {
                lab.error.set(Some(format!("The download failed: {e}")));
            }
        }
    };
    view! {
        <div class="dashboard">
            <div class="health" role="status">
                <span class=move || format!("health-badge health-{}", lab.health.with(|h| h.0.clone()))>
                    {move || lab.health.with(|h| h.0.clone())}
                </span>
                <ul class="plain reasons">
                    {move || lab.health.with(|h| h.1.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view())}
                </ul>
            </div>
            <NoticeList
                title="Alerts"
                empty="No alert rule fires."
                items=Signal::derive(move || {
                    lab.alerts.get().into_iter().map(|(sev, text)| (format!("alert-{sev}"), sev, text)).collect()
                })
            />
            <NoticeList
                title="Restart patterns"
                empty="No restart storm, cascade or periodic failure so far."
                items=Signal::derive(move || {
                    lab.patterns.get().into_iter().map(|(t, text)| ("alert-info".to_string(), t, text)).collect()
                })
            />
            <NoticeList
                title="Anomalies"
                empty="The restart rate follows its moving baseline."
                items=Signal::derive(move || {
                    lab.anomalies.get().into_iter().map(|(t, text)| ("alert-info".to_string(), t, text)).collect()
                })
            />
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
                <button type="button" on:click=move |_| download("statsd")>"StatsD"</button>
            </div>
        </div>
    }
}

/// A titled list of notices: `(class, label, text)`, or a sentence when there is none.
#[component]
fn NoticeList(
    title: &'static str,
    empty: &'static str,
    #[prop(into)] items: Signal<Vec<(String, String, String)>>,
) -> impl IntoView {
    view! {
        <div class="alerts">
            <h3>{title}</h3>
            <ul class="plain">
                {move || {
                    let list = items.get();
                    if list.is_empty() {
                        view! { <li class="muted">{empty}</li> }.into_any()
                    } else {
                        list.into_iter()
                            .map(|(class, label, text)| view! {
                                <li class=format!("alert {class}")><span class="sev">{label}</span>" "{text}</li>
                            })
                            .collect_view()
                            .into_any()
                    }
                }}
            </ul>
        </div>
    }
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
