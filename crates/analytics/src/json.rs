//! JSON written as text, for the exports the site offers: building `serde_json` values
//! field by field cost the download more than writing the text does. Native callers
//! parse it back into a value where they want one.

use std::fmt::Write;

/// A JSON string literal of `s`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number for `x` (always with a fraction or exponent, so it reads back as a
/// float); `null` when it is not finite, as `serde_json` writes it.
pub fn float(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        "null".into()
    }
}

/// A JSON array of strings.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    array(items.into_iter().map(string))
}

/// A JSON array of already written values.
pub fn array(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    format!("[{}]", items.join(","))
}

/// A JSON object, field by field (values already written as JSON).
pub struct Obj(String);

impl Default for Obj {
    fn default() -> Obj {
        Obj::new()
    }
}

impl Obj {
    pub fn new() -> Obj {
        Obj(String::from("{"))
    }

    /// Adds a field whose value is JSON text already.
    pub fn raw(mut self, key: &str, value: &str) -> Obj {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&string(key));
        self.0.push(':');
        self.0.push_str(value);
        self
    }

    pub fn str(self, key: &str, value: &str) -> Obj {
        self.raw(key, &string(value))
    }

    /// An integer or a boolean (as Rust prints them).
    pub fn num(self, key: &str, value: impl std::fmt::Display) -> Obj {
        self.raw(key, &value.to_string())
    }

    /// A string, or `null` for none.
    pub fn opt_str(self, key: &str, value: Option<&str>) -> Obj {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    pub fn float(self, key: &str, value: f64) -> Obj {
        self.raw(key, &float(value))
    }

    pub fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_reads_back_as_serde_json_writes_it() {
        let text = Obj::new()
            .str("s", "a\"b\\c\nd\u{1}é")
            .num("n", 42u64)
            .num("b", true)
            .float("f", 1.0)
            .float("g", 1e-7)
            .float("nan", f64::NAN)
            .raw("a", &array([string("x"), "1".into()].into_iter()))
            .end();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"s": "a\"b\\c\nd\u{1}é", "n": 42, "b": true, "f": 1.0,
                               "g": 1e-7, "nan": null, "a": ["x", 1]})
        );
        assert!(v["f"].is_f64());
        assert_eq!(array(std::iter::empty()), "[]");
        assert_eq!(Obj::new().end(), "{}");
    }
}
