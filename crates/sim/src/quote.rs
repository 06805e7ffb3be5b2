//! Quoting text for printing: the one loop every quoting rule shares (atoms, Erlang
//! strings), and double-quoted literals as Elixir and Rust read them back.

use std::borrow::Cow;

/// `text` between `quote`s, each character as `escape` writes it (None: as it is).
pub fn quote_with(
    text: &str,
    quote: char,
    escape: fn(char) -> Option<Cow<'static, str>>,
) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match escape(c) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `text` as a double-quoted literal, the way Elixir and Rust read it back:
/// `"`, `\\` and control characters escaped (`\n`, `\t`, `\r`, `\u{7}`), everything else as
/// it is. (Unlike `{:?}`, it needs no Unicode tables in the web app's module.)
pub fn quoted(text: &str) -> String {
    quote_with(text, '"', |c| match c {
        '"' => Some("\\\"".into()),
        '\\' => Some("\\\\".into()),
        '\n' => Some("\\n".into()),
        '\t' => Some("\\t".into()),
        '\r' => Some("\\r".into()),
        c if c.is_control() => Some(format!("\\u{{{:x}}}", c as u32).into()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes_what_a_string_literal_must_and_nothing_else() {
        assert_eq!(quoted("demo/x"), r#""demo/x""#);
        assert_eq!(quoted("a\"b\\c\n\t\r\u{7}"), r#""a\"b\\c\n\t\r\u{7}""#);
        assert_eq!(quoted("é <script>"), "\"é <script>\"");
        // as Rust's own {:?} writes it, for everything printable
        for s in ["", "x y", "a\"b", "ü\\", "\u{1b}[0m"] {
            assert_eq!(quoted(s), format!("{s:?}"));
        }
    }
}
