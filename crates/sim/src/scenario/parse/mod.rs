//! Parsing and validating scenario JSON.
//!
//! Every key is checked against the keys its object may have, every value against its
//! type and range, every process path against the paths the tree and the steps can
//! create. Limits keep absurd input from turning into absurd work. This file holds the
//! limits, the error type, the value readers and the top level; the supervision tree is
//! read in `tree.rs`, the supervisor family's steps in `sup.rs`, the raw family's in
//! `raw.rs` and the fault script in `faults.rs`.

mod faults;
#[cfg(feature = "raw-scenarios")]
mod raw;
mod sup;
mod tree;

use faults::parse_faults;
#[cfg(feature = "raw-scenarios")]
use raw::parse_raw;
use sup::parse_sup;

use super::*;
use crate::atom::Atom;
use crate::behaviour::gen_server::spec::{ClientPlan, InitResult, WorkerKind, WorkerSpec};
use crate::quote::quoted;
use crate::supervisor::spec::{AutoShutdown, ChildType, RestartType, Shutdown, StartFn, SupFlags};
use crate::term::parse_term;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 4 << 20;
const MAX_STEPS: usize = 100_000;
const MAX_PROCESSES: usize = 100_000;
const MAX_DEPTH: usize = 32;
const MAX_MS: u64 = 1_000_000_000;
const MAX_NAME: usize = 128;
const MAX_INTENSITY: u64 = 1_000_000_000;
const MAX_FAULTS: usize = 10_000;

/// A problem with a scenario: where (a JSON path) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

type R<T> = Result<T, ScenarioError>;

fn err<T>(path: &str, message: impl Into<String>) -> R<T> {
    Err(ScenarioError {
        path: path.to_string(),
        message: message.into(),
    })
}

fn obj<'a>(v: &'a Value, path: &str) -> R<&'a Map<String, Value>> {
    v.as_object().map_or_else(
        || err(path, format!("expected an object, found {}", kind_of(v))),
        Ok,
    )
}

/// What a JSON value is, for messages (`a string`, `an object`…).
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_keys(m: &Map<String, Value>, allowed: &[&str], path: &str) -> R<()> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return err(
                &format!("{path}.{k}"),
                format!("unknown key (allowed here: {})", allowed.join(", ")),
            );
        }
    }
    Ok(())
}

fn get_str<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> R<Option<&'a str>> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => err(
            &format!("{path}.{key}"),
            format!("expected a string, found {}", kind_of(v)),
        ),
    }
}

fn req_str<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> R<&'a str> {
    get_str(m, key, path)?.map_or_else(|| err(path, format!("missing key \"{key}\"")), Ok)
}

fn get_bool(m: &Map<String, Value>, key: &str, path: &str) -> R<Option<bool>> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => err(
            &format!("{path}.{key}"),
            format!("expected true or false, found {}", kind_of(v)),
        ),
    }
}

fn get_uint(m: &Map<String, Value>, key: &str, path: &str, max: u64) -> R<Option<u64>> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(x) if x <= max => Ok(Some(x)),
            Some(x) => err(
                &format!("{path}.{key}"),
                format!("{x} is too large (at most {max})"),
            ),
            None => err(
                &format!("{path}.{key}"),
                format!("expected a non-negative integer, found {n}"),
            ),
        },
        Some(v) => err(
            &format!("{path}.{key}"),
            format!("expected an integer, found {}", kind_of(v)),
        ),
    }
}

fn term_at(s: &str, path: &str) -> R<Term> {
    parse_term(s).or_else(|e| err(path, format!("not an Erlang term ({e}): {}", quoted(s))))
}

fn get_term(m: &Map<String, Value>, key: &str, path: &str) -> R<Option<Term>> {
    match get_str(m, key, path)? {
        None => Ok(None),
        Some(s) => term_at(s, &format!("{path}.{key}")).map(Some),
    }
}

fn check_name(s: &str, path: &str, what: &str) -> R<()> {
    if s.is_empty() {
        return err(path, format!("{what} must not be empty"));
    }
    if s.chars().count() > MAX_NAME {
        return err(path, format!("{what} is longer than {MAX_NAME} characters"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| *c == '/' || c.is_whitespace() || c.is_control())
    {
        // the character between single quotes, escaped as in a string ('/', ' ', '\t')
        let c = quoted(&c.to_string());
        let c = &c[1..c.len() - 1];
        return err(
            path,
            format!(
                "{what} {} contains '{c}', which names cannot contain",
                quoted(s)
            ),
        );
    }
    Ok(())
}

/// Parses and validates a scenario.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_FILE_BYTES {
        return err(
            "",
            format!(
                "scenario is {} bytes, more than the {MAX_FILE_BYTES} allowed",
                text.len()
            ),
        );
    }
    let v: Value = serde_json::from_str(text).or_else(|e| {
        err(
            "",
            format!(
                "invalid JSON at line {} column {}: {}",
                e.line(),
                e.column(),
                strip_pos(&e.to_string())
            ),
        )
    })?;
    let m = obj(&v, "$")?;
    check_keys(
        m,
        &[
            "name",
            "description",
            "steps",
            "settle_ms",
            "tree",
            "family",
            "seed",
            "faults",
        ],
        "$",
    )?;
    let name = get_str(m, "name", "$")?.unwrap_or("scenario").to_string();
    let description = get_str(m, "description", "$")?.unwrap_or("").to_string();
    let seed = get_uint(m, "seed", "$", u64::MAX)?.unwrap_or(0);
    let family = get_str(m, "family", "$")?;
    let steps_v = match m.get("steps") {
        None => &[][..],
        Some(Value::Array(a)) => {
            if a.len() > MAX_STEPS {
                return err(
                    "$.steps",
                    format!("{} steps, more than the {MAX_STEPS} allowed", a.len()),
                );
            }
            &a[..]
        }
        Some(v) => {
            return err(
                "$.steps",
                format!("expected an array, found {}", kind_of(v)),
            )
        }
    };
    let (body, default_settle) = match (m.get("tree"), family) {
        (Some(tree), None | Some("sup") | Some("supervisor")) => (parse_sup(tree, steps_v)?, 100),
        (Some(_), Some(f)) => {
            return err("$.family", format!("\"{f}\" does not go with a \"tree\""))
        }
        #[cfg(feature = "raw-scenarios")]
        (None, Some("raw")) => (parse_raw(steps_v)?, 50),
        #[cfg(not(feature = "raw-scenarios"))]
        (None, Some("raw")) => {
            let _ = steps_v;
            return err(
                "$",
                "a raw-family scenario (processes without a tree) runs in the otp-lab CLI; the Lab needs a \"tree\"",
            );
        }
        (None, Some(f)) => {
            return err(
                "$.family",
                format!("unknown family \"{f}\" (expected \"raw\")"),
            )
        }
        (None, None) => {
            return err(
                "$",
                "a scenario needs a \"tree\" (supervisor family) or \"family\": \"raw\" (raw process family); this one has neither",
            )
        }
    };
    let settle_ms = get_uint(m, "settle_ms", "$", MAX_MS)?.unwrap_or(default_settle);
    let faults = match m.get("faults") {
        None => Vec::new(),
        Some(f) => parse_faults(f, &body)?,
    };
    Ok(Scenario {
        name,
        description,
        settle_ms,
        seed,
        body,
        faults,
    })
}

fn strip_pos(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}
