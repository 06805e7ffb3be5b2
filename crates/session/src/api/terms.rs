//! Terms as plain JSON for the in-page API: numbers, `true`/`false`, `nil` and
//! `undefined` as `null`, other atoms and binaries as strings, pids and references as
//! they print (`"<0.84.0>"`), maps and keyword lists (`[{Key, Value}]`, as `Process.info`
//! answers) as objects, tuples and other lists as arrays. Written as text.

use otp_lab_analytics::json::{self, Obj};
use otp_lab_sim::term::Term;

/// `t` as JSON text.
pub fn term_json(t: &Term) -> String {
    match t {
        Term::Atom(a) => match &*a.name() {
            "true" | "false" => a.name().to_string(),
            "nil" | "undefined" => "null".into(),
            name => json::string(name),
        },
        Term::Int(n) => n.to_string(),
        Term::Float(x) => json::float(*x),
        Term::Binary(b) => json::string(&String::from_utf8_lossy(b)),
        Term::List(items) if !items.is_empty() && items.iter().all(|i| key_of(i).is_some()) => {
            items
                .iter()
                .filter_map(key_of)
                .fold(Obj::new(), |o, (k, v)| o.raw(&k, &term_json(v)))
                .end()
        }
        Term::Tuple(items) | Term::List(items) => json::array(items.iter().map(term_json)),
        Term::Map(pairs) => pairs
            .iter()
            .fold(Obj::new(), |o, (k, v)| o.raw(&key_text(k), &term_json(v)))
            .end(),
        other => json::string(&other.to_text()),
    }
}

/// A keyword list's entry: `{Atom, Value}`.
fn key_of(t: &Term) -> Option<(String, &Term)> {
    match t.as_tuple()? {
        [Term::Atom(k), v] => Some((k.name().to_string(), v)),
        _ => None,
    }
}

/// A map key as an object key: an atom's or a binary's text, else the term printed.
fn key_text(k: &Term) -> String {
    match k {
        Term::Atom(a) => a.name().to_string(),
        Term::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_text(),
    }
}

/// An OTP answer as the API's result: `{ok, X}` is `X`, `{error, R}` an error naming
/// `R`, anything else itself.
pub fn answer_json(t: &Term) -> Result<String, String> {
    match t.as_tuple() {
        Some([Term::Atom(tag), x]) if &*tag.name() == "ok" => Ok(term_json(x)),
        Some([Term::Atom(tag), r]) if &*tag.name() == "error" => {
            Err(format!("{{error, {}}}", r.to_text()))
        }
        _ => Ok(term_json(t)),
    }
}
