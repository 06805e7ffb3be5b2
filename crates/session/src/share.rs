//! Share links: a whole experiment — tree (preset or edited scenario), seed, the
//! commands at their virtual times — plus what the learner was looking at (cursor,
//! selected process, tab), in a URL fragment.
//!
//! Format: `v1.` then base64url (no padding) of raw DEFLATE of a compact JSON object.
//! Versioned: [`decode`] reads every version ever written (each has a golden link in the
//! tests) and migrates it to the current [`ShareLink`]. Decoding never trusts the input: sizes
//! are capped before and after decompression, every field is checked, and errors are
//! plain sentences for a `role="alert"` message.

use crate::compare::{SandboxSetup, Settings, Setup, FAULT_CHOICES, MAX_SANDBOXES};
use crate::experiment::{Action, Experiment, Source};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// The version [`encode`] writes.
pub const VERSION: u32 = 1;
/// Longest fragment accepted (characters).
pub const MAX_FRAGMENT: usize = 200_000;
/// Largest decompressed payload accepted (bytes).
pub const MAX_PAYLOAD: usize = 4 << 20;
/// Most commands in a link.
pub const MAX_ACTIONS: usize = 20_000;

/// What a link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareLink {
    pub experiment: Experiment,
    /// The instant shown (virtual µs), when not the head.
    pub cursor_us: Option<u64>,
    /// The selected process's path.
    pub selected: Option<String>,
    /// The open tab (`log`, `console`, `analytics`, `faults`).
    pub tab: Option<String>,
    /// A lesson open on the experiment (its id), and the course progress (its stored
    /// text), for links shared from the Lessons page.
    pub lesson: Option<String>,
    pub progress: Option<String>,
    /// How the message views are set (the open one is `tab`).
    pub views: Views,
    /// The Compare page's sandboxes, for links shared from it (their base is `experiment`).
    pub compare: Option<Setup>,
}

/// The sequence view's settings, kept in a link: lanes picked and hidden (keys: tree
/// paths, or pids), folding, and the message whose detail is open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Views {
    pub picked: Vec<String>,
    pub hidden: Vec<String>,
    pub fold: bool,
    pub message: Option<u64>,
}

/// A list of strings as JSON (without serde's generic path: smaller code).
fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().map(|x| Value::from(x.as_str())).collect())
}

/// Lanes a link may pick or hide.
pub const MAX_LANES_IN_LINK: usize = 200;

impl Views {
    fn is_default(&self) -> bool {
        *self == Views::default()
    }

    fn to_json(&self) -> Value {
        let mut o = Map::new();
        if !self.picked.is_empty() {
            o.insert("pk".into(), strings(&self.picked));
        }
        if !self.hidden.is_empty() {
            o.insert("hd".into(), strings(&self.hidden));
        }
        if self.fold {
            o.insert("f".into(), Value::from(1u64));
        }
        if let Some(m) = self.message {
            o.insert("m".into(), Value::from(m));
        }
        Value::Object(o)
    }

    fn from_json(v: &Value) -> Result<Views, String> {
        let bad = || "This link's view settings are damaged.".to_string();
        let o = v.as_object().ok_or_else(bad)?;
        let lanes = |k: &str| -> Result<Vec<String>, String> {
            let Some(v) = o.get(k) else {
                return Ok(Vec::new());
            };
            let list = v.as_array().ok_or_else(bad)?;
            if list.len() > MAX_LANES_IN_LINK {
                return Err(format!(
                    "This link picks or hides {} lanes; at most {MAX_LANES_IN_LINK} are accepted.",
                    list.len()
                ));
            }
            let mut out = Vec::with_capacity(list.len());
            for x in list {
                match x.as_str() {
                    Some(s) if s.len() <= 1000 => out.push(s.to_string()),
                    _ => return Err(bad()),
                }
            }
            Ok(out)
        };
        Ok(Views {
            picked: lanes("pk")?,
            hidden: lanes("hd")?,
            fold: match o.get("f") {
                None => false,
                Some(f) => f.as_u64().ok_or_else(bad)? != 0,
            },
            message: match o.get("m") {
                None => None,
                Some(m) => Some(m.as_u64().ok_or_else(bad)?),
            },
        })
    }
}

impl ShareLink {
    /// A link to an experiment with nothing selected.
    pub fn of(experiment: Experiment) -> ShareLink {
        ShareLink {
            experiment,
            cursor_us: None,
            selected: None,
            tab: None,
            lesson: None,
            progress: None,
            views: Views::default(),
            compare: None,
        }
    }
}

/// Commands as `[Δt, line]` pairs, each time counted from the one before.
fn actions_to_json(actions: &[Action]) -> Value {
    let mut last = 0u64;
    Value::Array(
        actions
            .iter()
            .map(|a| {
                let dt = a.t_us.saturating_sub(last);
                last = a.t_us;
                Value::Array(vec![Value::from(dt), Value::from(a.line.as_str())])
            })
            .collect(),
    )
}

/// Reads [`actions_to_json`]; `place` says where they are in messages ("this link",
/// "this link's sandbox 2").
fn actions_from_json(a: &Value, place: &str) -> Result<Vec<Action>, String> {
    let list = a
        .as_array()
        .ok_or_else(|| format!("The commands in {place} are not a list."))?;
    if list.len() > MAX_ACTIONS {
        return Err(format!(
            "There are {} commands in {place}; at most {MAX_ACTIONS} are accepted.",
            list.len()
        ));
    }
    let mut actions = Vec::with_capacity(list.len());
    let mut t = 0u64;
    for (i, item) in list.iter().enumerate() {
        let bad = || format!("Command {} in {place} is damaged.", i + 1);
        let pair = item.as_array().filter(|p| p.len() == 2).ok_or_else(bad)?;
        let dt = pair[0].as_u64().ok_or_else(bad)?;
        let line = pair[1].as_str().ok_or_else(bad)?;
        if line.len() > otp_lab_lab::console::MAX_LINE {
            return Err(bad());
        }
        t = t.checked_add(dt).ok_or_else(bad)?;
        actions.push(Action {
            t_us: t,
            line: line.to_string(),
        });
    }
    Ok(actions)
}

/// The Compare page in a link: `f` fault choice (absent: the Lab's), `k` fork instant,
/// `t` the paused clock, `b` the sandboxes (`st` strategy, `i` intensity, `p` period,
/// `r` restart type, `sd` shutdown, `a` commands; absent settings are the tree's).
fn setup_to_json(c: &Setup) -> Value {
    let mut o = Map::new();
    if c.faults != "lab" {
        o.insert("f".into(), Value::from(c.faults.as_str()));
    }
    if let Some(k) = c.fork_us {
        o.insert("k".into(), Value::from(k));
    }
    if let Some(t) = c.clock_us {
        o.insert("t".into(), Value::from(t));
    }
    let boxes = c
        .sandboxes
        .iter()
        .map(|sb| {
            let mut b = Map::new();
            let s = &sb.settings;
            for (k, v) in [("st", &s.strategy), ("r", &s.restart), ("sd", &s.shutdown)] {
                if let Some(v) = v {
                    b.insert(k.into(), Value::from(v.as_str()));
                }
            }
            for (k, v) in [("i", s.intensity), ("p", s.period)] {
                if let Some(v) = v {
                    b.insert(k.into(), Value::from(v));
                }
            }
            if !sb.actions.is_empty() {
                b.insert("a".into(), actions_to_json(&sb.actions));
            }
            Value::Object(b)
        })
        .collect();
    o.insert("b".into(), Value::Array(boxes));
    Value::Object(o)
}

fn setup_from_json(v: &Value) -> Result<Setup, String> {
    let bad = |what: &str| format!("This link's Compare page is damaged ({what}).");
    let o = v.as_object().ok_or_else(|| bad("not an object"))?;
    let faults = match o.get("f") {
        None => "lab".to_string(),
        Some(Value::String(f)) if FAULT_CHOICES.contains(&f.as_str()) => f.clone(),
        Some(_) => return Err(bad("its fault script")),
    };
    let instant = |k: &str, what: &str| match o.get(k) {
        None => Ok(None),
        Some(t) => t.as_u64().map(Some).ok_or_else(|| bad(what)),
    };
    let fork_us = instant("k", "its fork instant")?;
    let clock_us = instant("t", "its clock")?;
    let list = match o.get("b") {
        Some(Value::Array(list)) => list,
        _ => return Err(bad("no sandboxes")),
    };
    if list.len() > MAX_SANDBOXES {
        return Err(format!(
            "This link's Compare page has {} sandboxes; at most {MAX_SANDBOXES} are accepted.",
            list.len()
        ));
    }
    let mut sandboxes = Vec::with_capacity(list.len());
    for (i, b) in list.iter().enumerate() {
        let n = i + 1;
        let b = b.as_object().ok_or_else(|| bad(&format!("sandbox {n}")))?;
        let text = |k: &str| match b.get(k) {
            None => Ok(None),
            Some(Value::String(s)) if s.len() <= 64 => Ok(Some(s.clone())),
            Some(_) => Err(bad(&format!("sandbox {n}'s settings"))),
        };
        let num = |k: &str| match b.get(k) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|x| u32::try_from(x).ok())
                .map(Some)
                .ok_or_else(|| bad(&format!("sandbox {n}'s settings"))),
        };
        let settings = Settings {
            strategy: text("st")?,
            intensity: num("i")?,
            period: num("p")?,
            restart: text("r")?,
            shutdown: text("sd")?,
        };
        settings
            .check()
            .map_err(|e| format!("In this link's sandbox {n}, {e}."))?;
        if fork_us.is_some() && (settings.restart.is_some() || settings.shutdown.is_some()) {
            return Err(bad(&format!("sandbox {n} changes restart types in a fork")));
        }
        let actions = match b.get("a") {
            None => Vec::new(),
            Some(a) => actions_from_json(a, &format!("this link's sandbox {n}"))?,
        };
        sandboxes.push(SandboxSetup { settings, actions });
    }
    Ok(Setup {
        faults,
        fork_us,
        clock_us,
        sandboxes,
    })
}

/// The fragment (without `#`) for a link.
pub fn encode(link: &ShareLink) -> String {
    wrap(&miniz_oxide::deflate::compress_to_vec(&payload(link), 9))
}

/// The link's contents before compression: the compact JSON that [`wrap`] expects
/// raw-DEFLATE-compressed (the site compresses it with the browser's own
/// `CompressionStream`; [`encode`] with miniz_oxide).
pub fn payload(link: &ShareLink) -> Vec<u8> {
    let mut o = Map::new();
    match &link.experiment.source {
        Source::Preset(p) => {
            o.insert("p".into(), Value::from(p.as_str()));
        }
        Source::Scenario(text) => {
            // the scenario as JSON (not a string in a string): it compresses better
            let v = serde_json::from_str::<Value>(text).unwrap_or(Value::String(text.clone()));
            o.insert("x".into(), v);
        }
    }
    o.insert("s".into(), Value::from(link.experiment.seed.to_string()));
    if !link.experiment.actions.is_empty() {
        o.insert("a".into(), actions_to_json(&link.experiment.actions));
    }
    if let Some(c) = link.cursor_us {
        o.insert("c".into(), Value::from(c));
    }
    if let Some(s) = &link.selected {
        o.insert("sel".into(), Value::from(s.as_str()));
    }
    if let Some(t) = &link.tab {
        o.insert("tab".into(), Value::from(t.as_str()));
    }
    if let Some(l) = &link.lesson {
        o.insert("l".into(), Value::from(l.as_str()));
    }
    if let Some(p) = &link.progress {
        o.insert("pr".into(), Value::from(p.as_str()));
    }
    if !link.views.is_default() {
        o.insert("vw".into(), link.views.to_json());
    }
    if let Some(c) = &link.compare {
        o.insert("cmp".into(), setup_to_json(c));
    }
    Value::Object(o).to_string().into_bytes()
}

/// The fragment for a payload compressed with raw DEFLATE (any compressor, any level).
pub fn wrap(packed: &[u8]) -> String {
    format!("v{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Raw DEFLATE without compression (stored blocks): what a browser without
/// `CompressionStream` shares — a longer link that every reader opens.
pub fn stored(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 5 * (bytes.len() / 0xffff + 1));
    let mut chunks = bytes.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        // one empty final block
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(c) = chunks.next() {
        let last = chunks.peek().is_none();
        let n = c.len() as u16;
        out.push(last as u8);
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(!n).to_le_bytes());
        out.extend_from_slice(c);
    }
    out
}

/// Reads a fragment (with or without `#`, with or without an `embed.` prefix).
pub fn decode(fragment: &str) -> Result<ShareLink, String> {
    let f = fragment.trim().trim_start_matches('#');
    let f = f.strip_prefix("embed.").unwrap_or(f);
    if f.len() > MAX_FRAGMENT {
        return Err(format!(
            "This link is too long ({} characters; at most {MAX_FRAGMENT}).",
            f.len()
        ));
    }
    let Some((version, body)) = f.split_once('.') else {
        return Err("This link is not an OTP Lab experiment (no version).".into());
    };
    let n: u32 = version
        .strip_prefix('v')
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            format!(
                "This link is not an OTP Lab experiment (\"{}\" is not a version).",
                clip(version)
            )
        })?;
    match n {
        1 => decode_v1(body),
        n if n > VERSION => Err(format!(
            "This link was made by a newer OTP Lab (link version {n}; this one reads up to {VERSION})."
        )),
        n => Err(format!("Link version {n} never existed.")),
    }
}

fn decode_v1(body: &str) -> Result<ShareLink, String> {
    let packed = URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .map_err(|_| {
            "This link is damaged (it is not valid base64url). Was it cut short when copied?"
                .to_string()
        })?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_PAYLOAD)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                "This link unpacks to more than {} MB; it is refused.",
                MAX_PAYLOAD >> 20
            ),
            _ => "This link is damaged (its compressed data is broken). Was it cut short when copied?".to_string(),
        })?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|_| "This link is damaged (its contents are not valid).".to_string())?;
    let o = v
        .as_object()
        .ok_or("This link is damaged (its contents are not an object).")?;
    let source = match (o.get("p"), o.get("x")) {
        (Some(Value::String(p)), None) => {
            if otp_lab_lab::presets::preset(p).is_none() {
                return Err(format!("This link names an unknown tree \"{}\".", clip(p)));
            }
            Source::Preset(p.clone())
        }
        (None, Some(x)) => {
            let text = match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            otp_lab_sim::scenario::parse(&text).map_err(|e| {
                format!(
                    "The tree in this link is not valid: {}",
                    clip(&e.to_string())
                )
            })?;
            Source::Scenario(text)
        }
        _ => return Err("This link has no tree (or two).".into()),
    };
    let seed = match o.get("s") {
        Some(Value::String(s)) => s
            .parse::<u64>()
            .map_err(|_| format!("This link's seed \"{}\" is not a whole number.", clip(s)))?,
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or("This link's seed is not a whole number.")?,
        None => 0,
        _ => return Err("This link's seed is not a whole number.".into()),
    };
    let actions = match o.get("a") {
        None => Vec::new(),
        Some(a) => actions_from_json(a, "this link")?,
    };
    let text_field = |k: &str, max: usize| -> Result<Option<String>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.len() <= max => Ok(Some(s.clone())),
            _ => Err(format!("This link's \"{k}\" field is damaged.")),
        }
    };
    Ok(ShareLink {
        experiment: Experiment {
            source,
            seed,
            actions,
        },
        cursor_us: match o.get("c") {
            None | Some(Value::Null) => None,
            Some(c) => Some(c.as_u64().ok_or("This link's cursor is damaged.")?),
        },
        selected: text_field("sel", 1000)?,
        tab: text_field("tab", 20)?,
        lesson: text_field("l", 64)?,
        progress: text_field("pr", 20_000)?,
        views: match o.get("vw") {
            None | Some(Value::Null) => Views::default(),
            Some(v) => Views::from_json(v)?,
        },
        compare: match o.get("cmp") {
            None | Some(Value::Null) => None,
            Some(c) => Some(setup_from_json(c)?),
        },
    })
}

/// At most 60 characters of untrusted text, for messages.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> ShareLink {
        ShareLink {
            experiment: Experiment {
                source: Source::Preset("demo".into()),
                seed: 42,
                actions: vec![
                    Action {
                        t_us: 1_200_000,
                        line: "Process.exit(\"demo/counter_1\", :kill)".into(),
                    },
                    Action {
                        t_us: 2_500_000,
                        line: "Supervisor.which_children(:demo)".into(),
                    },
                ],
            },
            cursor_us: Some(2_000_000),
            selected: Some("demo/counter_1".into()),
            tab: Some("console".into()),
            lesson: Some("processes".into()),
            progress: Some("v1|processes|processes:which".into()),
            views: Views {
                picked: vec!["demo/counter_1".into(), "shell".into()],
                hidden: vec!["demo".into()],
                fold: true,
                message: Some(42),
            },
            compare: Some(Setup {
                faults: "chaos".into(),
                fork_us: None,
                clock_us: Some(3_000_000),
                sandboxes: vec![
                    SandboxSetup::default(),
                    SandboxSetup {
                        settings: Settings {
                            strategy: Some("one_for_all".into()),
                            intensity: Some(0),
                            period: Some(30),
                            restart: Some("temporary".into()),
                            shutdown: Some("brutal_kill".into()),
                        },
                        actions: vec![Action {
                            t_us: 1_500_000,
                            line: "Process.exit(\"demo/printer\", :kill)".into(),
                        }],
                    },
                ],
            }),
        }
    }

    #[test]
    fn round_trip_and_size() {
        let l = sample();
        let f = encode(&l);
        assert!(f.starts_with("v1."));
        assert_eq!(decode(&f).unwrap(), l);
        assert_eq!(decode(&format!("#{f}")).unwrap(), l);
        assert_eq!(decode(&format!("embed.{f}")).unwrap(), l);
        // a typical edited scenario with a fault script and a few commands stays short
        let text = crate::faults::with_chaos(
            &otp_lab_lab::presets::preset("application").unwrap().text(),
            250,
            0.5,
        )
        .unwrap();
        let mut e = sample();
        e.experiment.source = Source::Scenario(text);
        let f = encode(&e);
        assert!(f.len() <= 1500, "{} characters", f.len());
        assert_eq!(decode(&f).unwrap().experiment.actions, e.experiment.actions);
    }

    /// What a browser without `CompressionStream` shares opens like a compressed link,
    /// whatever its length (one stored block holds at most 65,535 bytes).
    #[test]
    fn stored_blocks_open() {
        let l = sample();
        assert_eq!(decode(&wrap(&stored(&payload(&l)))).unwrap(), l);
        for n in [0usize, 1, 0xffff, 0x10000, 3 * 0xffff + 7] {
            let bytes: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let back = miniz_oxide::inflate::decompress_to_vec(&stored(&bytes)).unwrap();
            assert_eq!(back, bytes, "{n} bytes");
        }
    }

    /// Links written by every version, kept working forever.
    #[test]
    fn links_of_every_version_still_open() {
        let v1 = "v1.NYvLCoAgFER_JWZVcOmxCvyK9uoi6i4kS1EXQfTvleRsZpjDuTBDSDn0OYQpuIVjbPk0qVZYeXedD-ZIHBSoEpuxtoHWBA-RMQjxnePXbP-zOLgf";
        let l = decode(v1).expect("the v1 golden link opens");
        assert_eq!(l.experiment.source, Source::Preset("demo".into()));
        assert_eq!(l.experiment.seed, 7);
        assert_eq!(l.experiment.actions.len(), 1);
        assert_eq!(l.experiment.actions[0].t_us, 1_000_000);
        assert_eq!(l.selected.as_deref(), Some("demo/printer"));
    }

    /// A link shared from the Compare page (written when it was added to version 1).
    #[test]
    fn compare_links_still_open() {
        let golden = "v1.jc7BCsIwDAbgV5H_pFDUFkTIU3jfRpm1Qlm3SFtBKH13w3bzZE6BJF_-ihHUdfq8lsItsfM5H_0nlH2Ph5_55Pi9FJ-s7qF2NIUYDxgGBTe_QBV3AWpTdZPM5Q_J_EgBpOUkFxB48fbJyY4xoslsApktXVOQh6sEWZb2ivYF";
        let l = decode(golden).expect("the Compare golden link opens");
        let c = l.compare.expect("it holds the Compare page");
        assert_eq!(
            (c.faults.as_str(), c.fork_us, c.clock_us),
            ("lab", Some(2_000_000), None)
        );
        assert_eq!(c.sandboxes.len(), 2);
        assert_eq!(
            c.sandboxes[1].settings.strategy.as_deref(),
            Some("one_for_all")
        );
        assert_eq!(c.sandboxes[1].settings.intensity, Some(10));
        assert_eq!(
            c.sandboxes[1].actions,
            [Action {
                t_us: 2_500_000,
                line: "Process.exit(\"demo/counter_2\", :kill)".into()
            }]
        );
    }

    #[test]
    fn hostile_links_get_sentences() {
        let cases = [
            ("", "no version"),
            ("hello", "no version"),
            ("vX.abc", "is not a version"),
            ("v9.abc", "newer OTP Lab"),
            ("v0.abc", "never existed"),
            ("v1.***", "not valid base64url"),
            ("v1.AAAA", "compressed data is broken"),
        ];
        for (input, want) in cases {
            let e = decode(input).unwrap_err();
            assert!(e.contains(want), "{input:?}: {e}");
        }
        // truncated links
        let f = encode(&sample());
        for cut in [4, f.len() / 2, f.len() - 3] {
            assert!(decode(&f[..cut]).is_err(), "cut at {cut}");
        }
        // a zip bomb: 8 MB of zeros compresses to a few kB
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 8 << 20], 9);
        let e = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(bomb))).unwrap_err();
        assert!(e.contains("more than"), "{e}");
        // well-formed but wrong contents
        let pack = |json: &str| {
            format!(
                "v1.{}",
                URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
            )
        };
        for (json, want) in [
            (r#"[1,2]"#, "not an object"),
            (r#"{"s":"1"}"#, "no tree"),
            (r#"{"p":"<script>alert(1)</script>"}"#, "unknown tree"),
            (r#"{"p":"demo","s":"-1"}"#, "not a whole number"),
            (r#"{"p":"demo","a":[[1]]}"#, "Command 1"),
            (
                r#"{"p":"demo","a":[[18446744073709551615,"x"],[5,"y"]]}"#,
                "Command 2",
            ),
            (r#"{"p":"demo","c":"soon"}"#, "cursor"),
            (r#"{"p":"demo","vw":{"pk":"demo"}}"#, "view settings"),
            (r#"{"p":"demo","vw":{"hd":[1]}}"#, "view settings"),
            (r#"{"p":"demo","vw":{"m":-1}}"#, "view settings"),
            (
                r#"{"x":{"tree":{"id":"r","children":[{"id":"a","kind":"blob"}]}}}"#,
                "not valid",
            ),
            (r#"{"p":"demo","cmp":[]}"#, "Compare page is damaged"),
            (r#"{"p":"demo","cmp":{}}"#, "no sandboxes"),
            (r#"{"p":"demo","cmp":{"f":"fire","b":[]}}"#, "fault script"),
            (r#"{"p":"demo","cmp":{"k":-5,"b":[]}}"#, "fork instant"),
            (r#"{"p":"demo","cmp":{"b":[{},{},{},{},{}]}}"#, "at most 4"),
            (
                r#"{"p":"demo","cmp":{"b":[{},{"st":"one_for_none"}]}}"#,
                "sandbox 2, a strategy is one of",
            ),
            (r#"{"p":"demo","cmp":{"b":[{"i":4294967296}]}}"#, "settings"),
            (r#"{"p":"demo","cmp":{"b":[{"p":0}]}}"#, "at least 1 second"),
            (r#"{"p":"demo","cmp":{"b":[{"sd":"-1"}]}}"#, "a shutdown is"),
            (
                r#"{"p":"demo","cmp":{"k":5,"b":[{"r":"temporary"}]}}"#,
                "in a fork",
            ),
            (
                r#"{"p":"demo","cmp":{"b":[{"a":[[1,"x"],["y"]]}]}}"#,
                "Command 2 in this link's sandbox 1",
            ),
        ] {
            let e = decode(&pack(json)).unwrap_err();
            assert!(e.contains(want), "{json}: {e}");
        }
        let huge = "a".repeat(MAX_FRAGMENT + 1);
        assert!(decode(&huge).unwrap_err().contains("too long"));
    }

    fn arb_settings() -> impl Strategy<Value = Settings> {
        (
            proptest::option::of(prop_oneof![Just("one_for_all"), Just("rest_for_one")]),
            proptest::option::of(0u32..1000),
            proptest::option::of(1u32..1000),
            proptest::option::of(prop_oneof![Just("transient"), Just("temporary")]),
            proptest::option::of(prop_oneof![
                Just("brutal_kill"),
                Just("infinity"),
                Just("250")
            ]),
        )
            .prop_map(|(st, i, p, r, sd)| Settings {
                strategy: st.map(str::to_string),
                intensity: i,
                period: p,
                restart: r.map(str::to_string),
                shutdown: sd.map(str::to_string),
            })
    }

    fn arb_setup() -> impl Strategy<Value = Setup> {
        (
            prop_oneof![Just("lab"), Just("chaos"), Just("none")],
            proptest::option::of(0u64..100_000_000),
            proptest::collection::vec(
                (
                    arb_settings(),
                    proptest::collection::vec((0u64..10_000_000, "[ -~]{0,40}"), 0..4),
                ),
                0..=MAX_SANDBOXES,
            ),
        )
            .prop_map(|(f, clock, boxes)| Setup {
                faults: f.to_string(),
                fork_us: None,
                clock_us: clock,
                sandboxes: boxes
                    .into_iter()
                    .map(|(settings, acts)| {
                        let mut t = 0;
                        SandboxSetup {
                            settings,
                            actions: acts
                                .into_iter()
                                .map(|(dt, line)| {
                                    t += dt;
                                    Action { t_us: t, line }
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
    }

    fn arb_link() -> impl Strategy<Value = ShareLink> {
        let line = "[ -~]{0,60}";
        (
            prop_oneof![Just("demo"), Just("one_for_all"), Just("restart_storm")],
            any::<u64>(),
            proptest::collection::vec((0u64..10_000_000, line), 0..20),
            proptest::option::of(0u64..100_000_000),
            proptest::option::of("[a-z_/]{1,30}"),
            proptest::option::of(prop_oneof![
                Just("log".to_string()),
                Just("console".to_string())
            ]),
            (
                proptest::collection::vec("[a-z_/<>.0-9]{1,20}", 0..4),
                proptest::collection::vec("[a-z_/]{1,20}", 0..4),
                any::<bool>(),
                proptest::option::of(any::<u64>()),
            ),
            proptest::option::of(arb_setup()),
        )
            .prop_map(
                |(p, seed, acts, cursor, sel, tab, (picked, hidden, fold, message), compare)| {
                    let mut t = 0;
                    let actions = acts
                        .into_iter()
                        .map(|(dt, line)| {
                            t += dt;
                            Action { t_us: t, line }
                        })
                        .collect();
                    ShareLink {
                        experiment: Experiment {
                            source: Source::Preset(p.to_string()),
                            seed,
                            actions,
                        },
                        cursor_us: cursor,
                        selected: sel,
                        tab,
                        lesson: None,
                        progress: None,
                        views: Views {
                            picked,
                            hidden,
                            fold,
                            message,
                        },
                        compare,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn any_link_round_trips(l in arb_link()) {
            prop_assert_eq!(decode(&encode(&l)).unwrap(), l);
        }

        #[test]
        fn any_fragment_decodes_or_errs_without_panicking(s in "\\PC{0,300}") {
            let _ = decode(&s);
            let _ = decode(&format!("v1.{s}"));
        }
    }
}
