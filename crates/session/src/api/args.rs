//! The arguments of an API call: one JSON object, read field by field; each mistake is
//! named with the call, the argument and what it should be.

use otp_lab_lab::command::Target;
use serde_json::{Map, Value};

/// A call's arguments.
pub struct Args<'a> {
    pub call: &'a str,
    /// None: no arguments.
    fields: Option<&'a Map<String, Value>>,
}

impl<'a> Args<'a> {
    /// `args` of `call`: an object, or nothing (`null`/absent: no arguments).
    pub fn new(call: &'a str, args: &'a Value) -> Result<Args<'a>, String> {
        let fields = match args {
            Value::Object(o) => Some(o),
            Value::Null => None,
            other => {
                return Err(format!(
                    "{call}: the arguments must be an object (like {{\"pid\": \"demo/counter_1\"}}), not {}",
                    kind(other)
                ))
            }
        };
        Ok(Args { call, fields })
    }

    /// The error for argument `name`.
    pub fn bad(&self, name: &str, problem: &str) -> String {
        format!("{}: argument \"{name}\" {problem}", self.call)
    }

    /// The error for argument `name` whose value `got` is not one of `allowed`.
    #[inline(never)]
    pub fn not_one(&self, name: &str, allowed: &str, got: &str) -> String {
        let got: String = got.chars().take(60).collect();
        self.bad(name, &format!("must be {allowed}, not \"{got}\""))
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.fields?.get(name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_null())
    }

    /// Fails on any argument not in `known` (`sandbox` is every call's).
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        match self
            .fields
            .into_iter()
            .flat_map(|f| f.keys())
            .find(|k| *k != "sandbox" && !known.contains(&k.as_str()))
        {
            None => Ok(()),
            Some(k) if known.is_empty() => {
                Err(format!("{}: takes no arguments, got \"{k}\"", self.call))
            }
            Some(k) => Err(format!(
                "{}: unknown argument \"{k}\" (it takes {})",
                self.call,
                known.join(", ")
            )),
        }
    }

    /// A required string.
    pub fn str(&self, name: &str) -> Result<&str, String> {
        match self.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
            Some(Value::String(_)) => Err(self.bad(name, "is empty")),
            None | Some(Value::Null) => Err(self.bad(name, "is missing")),
            Some(v) => Err(self.bad(name, &format!("must be a string, not {}", kind(v)))),
        }
    }

    /// An optional string.
    pub fn opt_str(&self, name: &str) -> Result<Option<&str>, String> {
        if self.has(name) {
            self.str(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A required whole number in `0..=max`.
    pub fn uint(&self, name: &str, max: u64) -> Result<u64, String> {
        match self.get(name) {
            Some(Value::Number(n)) => match n.as_u64() {
                Some(x) if x <= max => Ok(x),
                _ => Err(self.bad(
                    name,
                    &format!("must be a whole number from 0 to {max}, not {n}"),
                )),
            },
            None | Some(Value::Null) => Err(self.bad(name, "is missing")),
            Some(v) => Err(self.bad(name, &format!("must be a number, not {}", kind(v)))),
        }
    }

    /// An optional whole number in `0..=max`, `default` when absent.
    pub fn uint_or(&self, name: &str, max: u64, default: u64) -> Result<u64, String> {
        if self.has(name) {
            self.uint(name, max)
        } else {
            Ok(default)
        }
    }

    /// An optional boolean, `default` when absent.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.bad(name, &format!("must be true or false, not {}", kind(v)))),
        }
    }

    /// A process: a tree path (`demo/counter_1`), a pid (`<0.84.0>`) or a registered name
    /// (`:db` or `db` when no path has that name).
    pub fn target(&self, name: &str) -> Result<Target, String> {
        let s = self.str(name)?;
        if s.starts_with('<') {
            return match Target::of_key(s) {
                t @ Target::Pid(_) => Ok(t),
                _ => Err(self.bad(name, &format!("is not a pid like \"<0.84.0>\": \"{s}\""))),
            };
        }
        match s.strip_prefix(':') {
            Some(n) if !n.is_empty() => Ok(Target::Name(n.to_string())),
            _ => Ok(Target::Path(s.to_string())),
        }
    }

    /// An Erlang or Elixir term written as text (`{:print, "hi"}`, `{print, <<"hi">>}`);
    /// plain JSON strings, numbers and booleans are taken as binaries, integers and atoms.
    pub fn term(&self, name: &str) -> Result<String, String> {
        match self.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(Value::Bool(b)) => Ok(b.to_string()),
            Some(Value::String(_)) => Err(self.bad(name, "is empty")),
            None | Some(Value::Null) => Err(self.bad(name, "is missing")),
            Some(v) => Err(self.bad(
                name,
                &format!(
                    "must be a term written as text (like \"{{:print, \\\"hi\\\"}}\"), not {}",
                    kind(v)
                ),
            )),
        }
    }

    /// The raw value of an argument.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.get(name).filter(|v| !v.is_null())
    }
}

pub use otp_lab_sim::scenario::kind_of as kind;
