//! The analytics dashboard's charts, computed from the metrics engine: restart and failure
//! rates, recovery-time percentiles and the process count over the recent past, as SVG
//! path data we draw ourselves (no chart library, no network).

use otp_lab_analytics::metrics::{Aggregation, Metrics};

use otp_lab_lab::sequence::svg::esc;
use std::fmt::Write;

/// Width and height of a chart's plot area (SVG user units).
pub const CHART_W: f64 = 320.0;
pub const CHART_H: f64 = 110.0;
/// Buckets per chart.
pub const BUCKETS: u64 = 60;

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    /// CSS class (its colour).
    pub class: &'static str,
    /// SVG path data (empty when there is no data).
    pub path: String,
    /// The newest value, formatted.
    pub latest: String,
}

/// A chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub unit: String,
    pub lines: Vec<Line>,
    /// The y axis' top value, formatted.
    pub y_max: String,
    /// The x axis' ends, formatted (`-60 s`, `now`).
    pub x_from: String,
    /// For a chart of the learner's own: the console line that removes it.
    pub remove: Option<String>,
}

/// Which metric a line shows and how each bucket is summarised.
struct Spec {
    label: &'static str,
    class: &'static str,
    metric: &'static str,
    agg: Aggregation,
    /// Multiplies bucket values (e.g. counts per bucket → per second).
    scale: f64,
}

/// Builds a chart from series of optional values (one per bucket).
fn draw(title: &str, unit: &str, series: Vec<(&Spec, Vec<Option<f64>>)>, span_us: u64) -> Chart {
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0f64, |a, b| a.max(*b));
    let top = nice_ceiling(max);
    let lines = series
        .into_iter()
        .map(|(spec, values)| {
            let n = values.len().max(2) as f64 - 1.0;
            let mut path = String::new();
            let mut pen_down = false;
            for (i, v) in values.iter().enumerate() {
                match v {
                    Some(v) => {
                        let x = i as f64 / n * CHART_W;
                        let y = CHART_H - (v / top).min(1.0) * CHART_H;
                        path.push_str(&format!(
                            "{}{x:.1},{y:.1} ",
                            if pen_down { "L" } else { "M" }
                        ));
                        pen_down = true;
                    }
                    None => pen_down = false,
                }
            }
            // a rate's legend is its average over the window (one restart is a spike of
            // 1/bucket per second in one bucket, and the newest bucket is mostly 0); any
            // other line's is its newest value
            let rate = spec.agg == Aggregation::Sum;
            let latest = if rate && !values.is_empty() {
                let sum: f64 = values.iter().flatten().sum();
                format_value(sum / values.len() as f64)
            } else {
                values
                    .iter()
                    .rev()
                    .flatten()
                    .next()
                    .map_or("–".to_string(), |v| format_value(*v))
            };
            Line {
                label: if rate {
                    format!("{}, window average", spec.label)
                } else {
                    spec.label.to_string()
                },
                class: spec.class,
                path: path.trim_end().to_string(),
                latest,
            }
        })
        .collect();
    Chart {
        title: title.to_string(),
        unit: unit.to_string(),
        lines,
        y_max: format_value(top),
        x_from: format!("-{} s", span_us / 1_000_000),
        remove: None,
    }
}

/// The dashboard's charts over the `span_us` before `now_us`.
pub fn dashboard_charts(m: &Metrics, now_us: u64, span_us: u64) -> Vec<Chart> {
    let span = span_us.max(BUCKETS);
    let bucket = span / BUCKETS;
    let from = now_us.saturating_sub(span);
    let per_s = 1e6 / bucket as f64;
    let series = |spec: &Spec| -> Vec<Option<f64>> {
        let Some(id) = m.id(spec.metric) else {
            return Vec::new();
        };
        m.series(id, from, now_us, bucket, spec.agg)
            .into_iter()
            .take(BUCKETS as usize)
            .map(|p| match spec.agg {
                Aggregation::Sum => Some(p.value.unwrap_or(0.0) * spec.scale),
                _ => p.value.map(|v| v * spec.scale),
            })
            .collect()
    };
    let restarts = Spec {
        label: "restarts/s",
        class: "c1",
        metric: "restarts",
        agg: Aggregation::Sum,
        scale: per_s,
    };
    let failures = Spec {
        label: "failures/s",
        class: "c2",
        metric: "failures",
        agg: Aggregation::Sum,
        scale: per_s,
    };
    let p50 = Spec {
        label: "p50",
        class: "c1",
        metric: "recovery_time_us",
        agg: Aggregation::P(50.0),
        scale: 1e-3,
    };
    let p95 = Spec {
        label: "p95",
        class: "c3",
        metric: "recovery_time_us",
        agg: Aggregation::P(95.0),
        scale: 1e-3,
    };
    let p99 = Spec {
        label: "p99",
        class: "c2",
        metric: "recovery_time_us",
        agg: Aggregation::P(99.0),
        scale: 1e-3,
    };
    let procs = Spec {
        label: "processes",
        class: "c4",
        metric: "processes",
        agg: Aggregation::Max,
        scale: 1.0,
    };
    vec![
        draw(
            "Restart and failure rate",
            &format!("per second, in buckets of {:.2} s", bucket as f64 / 1e6),
            vec![
                (&restarts, series(&restarts)),
                (&failures, series(&failures)),
            ],
            span,
        ),
        draw(
            "Recovery time",
            "ms, failure to restart",
            vec![
                (&p50, series(&p50)),
                (&p95, series(&p95)),
                (&p99, series(&p99)),
            ],
            span,
        ),
        draw("Processes", "live", vec![(&procs, series(&procs))], span),
    ]
}

/// The most buckets a chart of one's own draws (a smaller bucket is widened).
pub const MOST_BUCKETS: u64 = 600;

/// A chart of the learner's own (`Lab.add_chart/3`): `metric` summarised by
/// `aggregation` in buckets of `bucket_us` over the `span_us` before `now_us`; `None` for
/// a metric or aggregation the engine does not know.
pub fn custom_chart(
    m: &Metrics,
    (metric, aggregation, bucket_us): &(String, String, u64),
    now_us: u64,
    span_us: u64,
) -> Option<Chart> {
    let id = m.id(metric)?;
    let agg = Aggregation::parse(aggregation)?;
    let span = span_us.max(1);
    let bucket = (*bucket_us).max(span / MOST_BUCKETS).max(1);
    let from = now_us.saturating_sub(span);
    let recovery = metric == "recovery_time_us";
    let values = m
        .series(id, from, now_us, bucket, agg)
        .into_iter()
        // whole buckets (the series' last one starts at `now_us`)
        .take(span.div_ceil(bucket) as usize)
        .map(|p| match agg {
            Aggregation::Sum | Aggregation::Count => Some(p.value.unwrap_or(0.0)),
            _ => p.value.map(|v| if recovery { v / 1e3 } else { v }),
        })
        .collect();
    let spec = Spec {
        label: "",
        class: "c3",
        metric: "",
        agg,
        scale: 1.0,
    };
    let per = match bucket {
        b if b % 60_000_000 == 0 => format!("{} min", b / 60_000_000),
        b if b % 1_000_000 == 0 => format!("{} s", b / 1_000_000),
        b if b % 1000 == 0 => format!("{} ms", b / 1000),
        b => format!("{b} µs"),
    };
    // what one sample is: a recovery (µs, drawn in ms), the process count, or the
    // events of one 10 ms bucket of the engine
    let unit = match (metric.as_str(), agg) {
        (_, Aggregation::Count) => format!("samples per {per}"),
        ("recovery_time_us", Aggregation::Sum) => format!("µs per {per}"),
        ("recovery_time_us", _) => "ms".to_string(),
        ("processes", _) => "processes".to_string(),
        (m, Aggregation::Sum) => format!("{m} per {per}"),
        (m, _) => format!("{m} per 10 ms sample, each {per}"),
    };
    let title = format!("{metric}, {aggregation}");
    let mut chart = draw(&title, &unit, vec![(&spec, values)], span);
    chart.lines[0].label = aggregation.clone();
    chart.remove = Some(format!("Lab.remove_chart(:{metric}, :{aggregation})"));
    Some(chart)
}

/// A round number at or above `x` (1, 2, 5 × 10ⁿ), at least 1.
pub fn nice_ceiling(x: f64) -> f64 {
    if x.is_nan() || x <= 1.0 {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= x {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A value with at most three significant decimals.
pub fn format_value(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e9 {
        format!("{}", v as i64)
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// The charts as HTML: a figure each, its SVG (axes, ticks, one path per line, labelled
/// with each line's newest value) and its legend.
pub fn charts_html(charts: &[Chart]) -> String {
    let mut s = String::new();
    for c in charts {
        let label: Vec<String> = c
            .lines
            .iter()
            .map(|l| format!("{} {}", l.label, l.latest))
            .collect();
        let _ = write!(
            s,
            r#"<figure class="chart"><figcaption>{}<span class="unit"> ({})</span>{}</figcaption><svg viewBox="-34 -8 {} {}" role="img" aria-label="{}: {}"><line class="axis" x1="0" y1="{CHART_H}" x2="{CHART_W}" y2="{CHART_H}"/><line class="axis" x1="0" y1="0" x2="0" y2="{CHART_H}"/><text class="tick" x="-4" y="4" text-anchor="end">{}</text><text class="tick" x="-4" y="{CHART_H}" text-anchor="end">0</text><text class="tick" x="0" y="{}">{}</text><text class="tick" x="{CHART_W}" y="{}" text-anchor="end">now</text>"#,
            esc(&c.title),
            esc(&c.unit),
            c.remove.as_ref().map_or(String::new(), |l| format!(
                r#" <button type="button" class="small" data-line="{}" aria-label="Remove the chart {}">Remove</button>"#,
                esc(l),
                esc(&c.title)
            )),
            CHART_W + 42.0,
            CHART_H + 26.0,
            esc(&c.title),
            esc(&label.join(", ")),
            esc(&c.y_max),
            CHART_H + 14.0,
            esc(&c.x_from),
            CHART_H + 14.0,
        );
        for l in &c.lines {
            let _ = write!(s, r#"<path class="series {}" d="{}"/>"#, l.class, l.path);
        }
        s.push_str(r#"</svg><ul class="legend plain">"#);
        for l in &c.lines {
            let _ = write!(
                s,
                r#"<li><span class="swatch {}"></span>{} {}</li>"#,
                l.class,
                esc(&l.label),
                esc(&l.latest)
            );
        }
        s.push_str("</ul></figure>");
    }
    s
}

/// The mailbox lengths as an SVG bar chart, longest first.
pub fn mailboxes_html(boxes: &[(String, usize)]) -> String {
    let max = boxes.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let h = 16.0 * boxes.len().max(1) as f64;
    let label: Vec<String> = boxes.iter().map(|(n, l)| format!("{n}: {l}")).collect();
    let mut s = format!(
        r#"<svg viewBox="0 0 {} {h}" role="img" aria-label="{}">"#,
        CHART_W + 60.0,
        esc(&label.join(", "))
    );
    for (i, (name, len)) in boxes.iter().enumerate() {
        let y = i as f64 * 16.0;
        let w = (*len as f64 / max) * (CHART_W - 150.0);
        let _ = write!(
            s,
            r#"<text class="tick" x="0" y="{}">{}</text><rect class="bar" x="150" y="{}" height="10" width="{}"/><text class="tick" x="{}" y="{}">{len}</text>"#,
            y + 11.0,
            esc(name),
            y + 3.0,
            w.max(1.0),
            155.0 + w,
            y + 11.0
        );
    }
    s.push_str("</svg>");
    s
}

/// The dashboard's numbers as `<dt>`/`<dd>` pairs, named for people with their units
/// (`recovery_time_p99_us` → "recovery time p99 (ms)", in milliseconds).
pub fn numbers_html<'a>(numbers: impl Iterator<Item = (&'a String, &'a f64)>) -> String {
    let mut s = String::new();
    for (k, v) in numbers {
        let (name, unit, v) = if let Some(n) = k.strip_suffix("_us") {
            (n, " (ms)", v / 1e3)
        } else if let Some(n) = k.strip_suffix("_per_s") {
            (n, " (per second)", *v)
        } else {
            (k.as_str(), "", *v)
        };
        let _ = write!(
            s,
            r#"<div class="number"><dt>{}{unit}</dt><dd>{}</dd></div>"#,
            esc(&name.replace('_', " ")),
            format_value(v)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_analytics::metrics::{Kind, Retention};

    #[test]
    fn charts_follow_the_samples() {
        let mut m = Metrics::new(Retention::default());
        let r = m.register("restarts", Kind::Counter);
        let p = m.register("processes", Kind::Gauge);
        m.register("failures", Kind::Counter);
        m.register("recovery_time_us", Kind::Histogram);
        for s in 0..10u64 {
            m.record(r, s * 1_000_000, 2.0);
            m.record(p, s * 1_000_000, 5.0);
        }
        let charts = dashboard_charts(&m, 10_000_000, 10_000_000);
        assert_eq!(charts.len(), 3);
        let rate = &charts[0].lines[0];
        assert!(rate.path.starts_with('M'), "{rate:?}");
        assert_eq!(charts[2].lines[0].latest, "5");
        assert_eq!(charts[1].lines[0].path, "", "no recoveries recorded");
        assert_eq!(charts[0].x_from, "-10 s");
    }

    #[test]
    fn one_restart_is_a_spike_and_the_legend_gives_the_window_average() {
        let mut m = Metrics::new(Retention::default());
        let r = m.register("restarts", Kind::Counter);
        m.register("failures", Kind::Counter);
        m.register("processes", Kind::Gauge);
        m.register("recovery_time_us", Kind::Histogram);
        m.record(r, 5_000_000, 1.0);
        let charts = dashboard_charts(&m, 10_000_000, 10_000_000);
        let rate = &charts[0].lines[0];
        assert_eq!(
            (rate.label.as_str(), rate.latest.as_str()),
            ("restarts/s, window average", "0.100")
        );
        assert_eq!(charts[0].unit, "per second, in buckets of 0.17 s");
        assert_eq!(
            charts[0].y_max, "10",
            "the spike: 1 in a 1/6 s bucket is 6/s"
        );
    }

    #[test]
    fn charts_of_ones_own_sum_each_bucket_with_units() {
        let mut m = Metrics::new(Retention::default());
        let r = m.register("restarts", Kind::Counter);
        m.register("recovery_time_us", Kind::Histogram);
        for s in 0..10u64 {
            m.record(r, s * 1_000_000, 2.0);
        }
        let spec = ("restarts".to_string(), "sum".to_string(), 2_000_000);
        let c = custom_chart(&m, &spec, 10_000_000, 10_000_000).unwrap();
        assert_eq!(c.title, "restarts, sum");
        assert_eq!(c.unit, "restarts per 2 s");
        assert_eq!(
            c.lines[0].latest, "4",
            "two samples of 2 in each 2 s bucket"
        );
        assert_eq!(
            c.remove.as_deref(),
            Some("Lab.remove_chart(:restarts, :sum)")
        );
        assert!(charts_html(&[c]).contains("data-line=\"Lab.remove_chart(:restarts, :sum)\""));
        // a bucket too small for the span is widened to 600 buckets at most
        let tiny = ("recovery_time_us".to_string(), "p95".to_string(), 1);
        let c = custom_chart(&m, &tiny, 60_000_000, 60_000_000).unwrap();
        assert_eq!(c.unit, "ms");
        assert_eq!(c.lines[0].path, "", "no recoveries: no line");
        let unknown = ("nope".to_string(), "sum".to_string(), 1000);
        assert!(custom_chart(&m, &unknown, 1, 1).is_none());
    }

    #[test]
    fn numbers_have_peoples_names_and_units() {
        let n: std::collections::BTreeMap<String, f64> = [
            ("recovery_time_p99_us".to_string(), 2500.0),
            ("restart_rate_per_s".to_string(), 0.5),
            ("restarts_total".to_string(), 3.0),
        ]
        .into();
        let h = numbers_html(n.iter());
        assert!(
            h.contains("<dt>recovery time p99 (ms)</dt><dd>2.5</dd>"),
            "{h}"
        );
        assert!(
            h.contains("<dt>restart rate (per second)</dt><dd>0.500</dd>"),
            "{h}"
        );
        assert!(h.contains("<dt>restarts total</dt><dd>3</dd>"), "{h}");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
        assert_eq!(format_value(2.5), "2.5");
        assert_eq!(format_value(3.0), "3");
    }
}
