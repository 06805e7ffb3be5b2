//! The analytics dashboard: charts of restart and failure rates, recovery-time
//! percentiles and the process count (SVG we draw ourselves), health, alerts, the
//! dashboard's numbers, and downloads of every export format.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::LabHandle;
use crate::view_model::charts::{format_value, CHART_H, CHART_W};

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
            <div class="charts">
                // redrawn whenever the charts change (a list keyed by title kept the first drawing)
                {move || lab.charts.get().into_iter().map(|chart| view! {
                    <figure class="chart">
                        <figcaption>{chart.title}<span class="unit">{format!(" ({})", chart.unit)}</span></figcaption>
                        <svg viewBox=format!("-34 -8 {} {}", CHART_W + 42.0, CHART_H + 26.0) role="img"
                            aria-label=format!("{}: {}", chart.title, chart.lines.iter().map(|l| format!("{} {}", l.label, l.latest)).collect::<Vec<_>>().join(", "))>
                            <line class="axis" x1="0" y1=CHART_H x2=CHART_W y2=CHART_H />
                            <line class="axis" x1="0" y1="0" x2="0" y2=CHART_H />
                            <text class="tick" x="-4" y="4" text-anchor="end">{chart.y_max.clone()}</text>
                            <text class="tick" x="-4" y=CHART_H text-anchor="end">"0"</text>
                            <text class="tick" x="0" y={CHART_H + 14.0}>{chart.x_from.clone()}</text>
                            <text class="tick" x=CHART_W y={CHART_H + 14.0} text-anchor="end">"now"</text>
                            {chart.lines.iter().map(|l| view! { <path class=format!("series {}", l.class) d=l.path.clone() /> }).collect_view()}
                        </svg>
                        <ul class="legend plain">
                            {chart.lines.iter().map(|l| view! {
                                <li><span class=format!("swatch {}", l.class)></span>{format!("{} {}", l.label, l.latest)}</li>
                            }).collect_view()}
                        </ul>
                    </figure>
                }).collect_view()}
            </div>
            <figure class="chart mailboxes">
                <figcaption>"Mailbox lengths"<span class="unit">" (messages waiting, longest first)"</span></figcaption>
                {move || {
                    let boxes = lab.mailboxes.get();
                    let max = boxes.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
                    let h = 16.0 * boxes.len().max(1) as f64;
                    let label: Vec<String> = boxes.iter().map(|(n, l)| format!("{n}: {l}")).collect();
                    let label = label.join(", ");
                    view! {
                        <svg viewBox=format!("0 0 {} {h}", CHART_W + 60.0) role="img" aria-label=label>
                            {boxes.iter().enumerate().map(|(i, (name, len))| {
                                let y = i as f64 * 16.0;
                                let w = (*len as f64 / max) * (CHART_W - 150.0);
                                view! {
                                    <text class="tick" x="0" y={y + 11.0}>{name.clone()}</text>
                                    <rect class="bar" x="150" y={y + 3.0} height="10" width=w.max(1.0) />
                                    <text class="tick" x={155.0 + w} y={y + 11.0}>{len.to_string()}</text>
                                }
                            }).collect_view()}
                        </svg>
                    }
                }}
            </figure>
            <dl class="numbers">
                {move || lab.dashboard.get().into_iter().map(|(k, v)| view! {
                    <div class="number"><dt>{k.replace('_', " ")}</dt><dd>{format_value(v)}</dd></div>
                }).collect_view()}
            </dl>
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
