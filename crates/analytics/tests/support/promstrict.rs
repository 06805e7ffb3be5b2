//! A Prometheus text-format (0.0.4) checker as strict as Prometheus's own parser and
//! `promtool check metrics`: what the lenient prometheus_client parser lets through
//! (a second HELP or TYPE for a name, a family split by another, a duplicate series) is
//! an error here, and so is every promlint finding (no help, a counter without `_total`,
//! a non-counter with it, abbreviated or non-base units, the type in the name, reserved
//! suffixes and labels, `:` or camelCase in names).

use std::collections::{BTreeSet, HashMap, HashSet};

/// Every problem found, as `line N: what`; empty when the text is valid.
pub fn check(text: &str) -> Vec<String> {
    let mut c = Checker::default();
    for (i, line) in text.lines().enumerate() {
        if let Err(e) = c.line(line) {
            c.problems.push(format!("line {}: {e}: {line}", i + 1));
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        c.problems
            .push("the text does not end with a newline".into());
    }
    c.lint();
    c.problems
}

#[derive(Default)]
struct Family {
    help: bool,
    kind: Option<String>,
    samples: usize,
    label_names: BTreeSet<String>,
}

#[derive(Default)]
struct Checker {
    families: HashMap<String, Family>,
    order: Vec<String>,
    current: Option<String>,
    closed: HashSet<String>,
    series: HashSet<String>,
    problems: Vec<String>,
}

fn is_name(s: &str, colons: bool) -> bool {
    let mut chars = s.chars();
    let first = chars.next();
    first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (colons && c == ':'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':'))
}

impl Checker {
    /// Moves to family `name` (a HELP, TYPE or sample of it); a family may not resume
    /// after another one began.
    fn enter(&mut self, name: &str) -> Result<&mut Family, String> {
        if self.current.as_deref() != Some(name) {
            if self.closed.contains(name) {
                return Err(format!("family {name} is split by another family"));
            }
            if let Some(prev) = self.current.replace(name.to_string()) {
                self.closed.insert(prev);
            }
            if !self.families.contains_key(name) {
                self.order.push(name.to_string());
            }
        }
        Ok(self.families.entry(name.to_string()).or_default())
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        if line.trim().is_empty() {
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix('#') {
            let mut parts = rest.trim_start().splitn(3, ' ');
            let (word, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let arg = parts.next().unwrap_or("");
            match word {
                "HELP" | "TYPE" if !is_name(name, true) => {
                    return Err(format!("invalid metric name {name:?}"))
                }
                "HELP" => {
                    let f = self.enter(name)?;
                    if std::mem::replace(&mut f.help, true) {
                        return Err(format!("second HELP line for {name}"));
                    }
                }
                "TYPE" => {
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&arg) {
                        return Err(format!("unknown metric type {arg:?}"));
                    }
                    let f = self.enter(name)?;
                    if f.kind.is_some() {
                        return Err(format!("second TYPE line for {name}"));
                    }
                    if f.samples > 0 {
                        return Err(format!("TYPE line for {name} after its samples"));
                    }
                    f.kind = Some(arg.to_string());
                }
                _ => {}
            }
            return Ok(());
        }
        self.sample(line)
    }

    fn sample(&mut self, line: &str) -> Result<(), String> {
        let end = line.find(['{', ' ']).ok_or("a sample without a value")?;
        let name = &line[..end];
        if !is_name(name, true) {
            return Err(format!("invalid metric name {name:?}"));
        }
        let mut rest = &line[end..];
        let mut labels = BTreeSet::new();
        let mut label_text = Vec::new();
        if let Some(r) = rest.strip_prefix('{') {
            rest = r;
            loop {
                rest = rest.trim_start();
                if let Some(r) = rest.strip_prefix('}') {
                    rest = r;
                    break;
                }
                let eq = rest.find('=').ok_or("a label without '='")?;
                let label = rest[..eq].trim();
                if !is_name(label, false) || label.starts_with("__") {
                    return Err(format!("invalid label name {label:?}"));
                }
                if !labels.insert(label.to_string()) {
                    return Err(format!("label {label} given twice"));
                }
                rest = rest[eq + 1..]
                    .trim_start()
                    .strip_prefix('"')
                    .ok_or("a label value must be quoted")?;
                let mut value = String::new();
                let mut chars = rest.char_indices();
                let close = loop {
                    match chars.next() {
                        None => return Err("an unterminated label value".into()),
                        Some((i, '"')) => break i,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, '\\')) => value.push('\\'),
                            Some((_, '"')) => value.push('"'),
                            Some((_, 'n')) => value.push('\n'),
                            other => return Err(format!("invalid escape {other:?}")),
                        },
                        Some((_, c)) => value.push(c),
                    }
                };
                label_text.push(format!("{label}={value:?}"));
                rest = rest[close + 1..].trim_start();
                if let Some(r) = rest.strip_prefix(',') {
                    rest = r;
                } else if !rest.starts_with('}') {
                    return Err("labels must be separated by ','".into());
                }
            }
        }
        let mut fields = rest.split_whitespace();
        let value = fields.next().ok_or("a sample without a value")?;
        if !matches!(value, "+Inf" | "-Inf" | "NaN") && value.parse::<f64>().is_err() {
            return Err(format!("invalid value {value:?}"));
        }
        if let Some(ts) = fields.next() {
            ts.parse::<i64>()
                .map_err(|_| format!("invalid timestamp {ts:?}"))?;
        }
        if fields.next().is_some() {
            return Err("text after the timestamp".into());
        }
        let family = self.family_of(name);
        let f = self.enter(&family)?;
        f.samples += 1;
        f.label_names.extend(labels);
        label_text.sort();
        if !self
            .series
            .insert(format!("{name}{{{}}}", label_text.join(",")))
        {
            return Err(format!(
                "duplicate series {name}{{{}}}",
                label_text.join(",")
            ));
        }
        Ok(())
    }

    /// The family a sample belongs to: a summary's or histogram's `_sum`, `_count` and
    /// `_bucket` samples belong to the name they extend.
    fn family_of(&self, name: &str) -> String {
        for suffix in ["_sum", "_count", "_bucket"] {
            if let Some(base) = name.strip_suffix(suffix) {
                let kind = self.families.get(base).and_then(|f| f.kind.as_deref());
                if matches!(kind, Some("summary" | "histogram")) {
                    return base.to_string();
                }
            }
        }
        name.to_string()
    }

    /// promtool's lint rules (client_golang's promlint), family by family.
    fn lint(&mut self) {
        const UNITS: [(&str, &str); 15] = [
            ("seconds", "seconds"),
            ("bytes", "bytes"),
            ("meters", "meters"),
            ("grams", "grams"),
            ("volts", "volts"),
            ("amperes", "amperes"),
            ("joules", "joules"),
            ("celsius", "celsius"),
            ("minutes", "seconds"),
            ("hours", "seconds"),
            ("days", "seconds"),
            ("weeks", "seconds"),
            ("bits", "bytes"),
            ("inches", "meters"),
            ("miles", "meters"),
        ];
        const PREFIXES: [&str; 10] = [
            "pico", "nano", "micro", "milli", "centi", "deci", "kilo", "mega", "giga", "tera",
        ];
        const ABBREVIATIONS: [&str; 14] = [
            "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d",
        ];
        for name in &self.order {
            let f = &self.families[name];
            let mut problem = |p: String| self.problems.push(format!("{name}: {p}"));
            let kind = f.kind.as_deref().unwrap_or("untyped");
            if !f.help {
                problem("no help text".into());
            }
            let lower = name.to_lowercase();
            let words: Vec<&str> = lower.split('_').collect();
            for (i, w) in words.iter().enumerate() {
                for (unit, base) in UNITS {
                    let prefixed = PREFIXES.iter().any(|p| w.strip_prefix(p) == Some(unit));
                    if (*w == unit && unit != base) || prefixed {
                        problem(format!("use base unit {base:?} instead of {w:?}"));
                    }
                }
                if i > 0 && ABBREVIATIONS.contains(w) {
                    problem("metric names should not contain abbreviated units".into());
                }
            }
            let total = name.ends_with("_total");
            if kind == "counter" && !total {
                problem("counter metrics should have \"_total\" suffix".into());
            }
            if kind != "counter" && kind != "untyped" && total {
                problem("non-counter metrics should not have \"_total\" suffix".into());
            }
            if kind != "untyped" {
                if lower.contains(&format!("_{kind}_")) || lower.ends_with(&format!("_{kind}")) {
                    problem(format!("metric name should not include type '{kind}'"));
                }
                let reserved = [
                    ("_bucket", kind != "histogram"),
                    ("_count", kind != "histogram" && kind != "summary"),
                    ("_sum", kind != "histogram" && kind != "summary"),
                ];
                for (suffix, bad) in reserved {
                    if bad && name.ends_with(suffix) {
                        problem(format!(
                            "metrics of type {kind} should not end in {suffix:?}"
                        ));
                    }
                }
                if kind != "histogram" && f.label_names.contains("le") {
                    problem("non-histogram metrics should not have \"le\" label".into());
                }
                if kind != "summary" && f.label_names.contains("quantile") {
                    problem("non-summary metrics should not have \"quantile\" label".into());
                }
            }
            if name.contains(':') {
                problem("metric names should not contain ':'".into());
            }
            let camel = |s: &str| {
                s.as_bytes()
                    .windows(2)
                    .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
            };
            if camel(name) || f.label_names.iter().any(|l| camel(l)) {
                problem("names should be written in 'snake_case' not 'camelCase'".into());
            }
        }
    }
}
