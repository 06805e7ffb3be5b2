//! The Elixir front end: a recursive-descent parser over the line's characters.
//!
//! A line is a call — `Module.function(args)`, `:erlang_module.function(args)` or
//! `function(args)`, the parentheses optional as in IEx — whose arguments are Elixir
//! literals: atoms (`:kill`, `:"a b"`, `true`, `nil`, aliases like `Counter`), integers
//! (`1_000`, `0x1F`, `?a`), floats, strings (→ binaries), charlists, `<<1, "a">>`,
//! tuples, lists (`[h | t]`, keyword lists `[a: 1]`), maps (`%{a: 1}`, `%{"k" => 1}`),
//! and pids/references (`pid("0.84.0")`, `pid(0, 84, 0)`, `#PID<0.84.0>`,
//! `#Reference<0.0.0.7>`). Errors follow IEx: `** (SyntaxError) iex:1:COLUMN: …`.

mod literal;

use super::{column, Body, Call, Line, Scope, Syntax};
use otp_lab_sim::term::Term;

/// Reads an Elixir line (not `h`/`clear`, which [`super::parse`] handles) into a call.
pub(super) fn parse_line(src: &str, scope: &Scope) -> Result<Line, String> {
    let mut p = Parser { src, pos: 0, scope };
    p.skip_ws();
    let bind = p.binding();
    let body = p.line(bind.is_some())?;
    Ok(Line { bind, body })
}

/// A sequence's elements: positional items, then keyword pairs, then a `| tail`.
#[derive(Default)]
struct Seq {
    items: Vec<Term>,
    kws: Vec<(Term, Term)>,
    tail: Option<Term>,
}

impl Seq {
    /// Items with a trailing keyword list as one more element (`f(a, k: 1)`).
    fn into_args(mut self) -> Vec<Term> {
        if !self.kws.is_empty() {
            let pairs = self
                .kws
                .into_iter()
                .map(|(k, v)| Term::pair(k, v))
                .collect();
            self.items.push(Term::list(pairs));
        }
        self.items
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// The variables bound so far and the shell's pid.
    scope: &'a Scope,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += c.len_utf8();
        }
        hit
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let hit = self.rest().starts_with(s);
        if hit {
            self.pos += s.len();
        }
        hit
    }

    fn skip_ws(&mut self) {
        self.pos = self.src.len() - self.rest().trim_start().len();
    }

    fn at_end(&self) -> bool {
        self.rest().trim().is_empty()
    }

    fn error(&self, kind: &str, pos: usize, msg: &str) -> String {
        format!("** ({kind}) iex:1:{}: {msg}", column(self.src, pos))
    }

    fn syntax(&self, pos: usize, msg: &str) -> String {
        self.error("SyntaxError", pos, msg)
    }

    /// The opening bracket or quote at `open` that `close` would close, as an error
    /// names it: `"%{"`, `"<<"`, `"("`, `string`.
    fn opener(&self, open: usize, close: &str) -> String {
        let rest = &self.src[open..];
        match rest.chars().next() {
            _ if close == ">>" => "\"<<\"".to_string(),
            Some('%') => "\"%{\"".to_string(),
            Some('"') => "string".to_string(),
            Some('\'') => "charlist".to_string(),
            Some(c) => format!("\"{c}\""),
            None => String::new(),
        }
    }

    /// The end of the line came before `close`.
    fn missing(&self, close: &str, open: usize) -> String {
        self.error(
            "TokenMissingError",
            self.src.len(),
            &format!(
                "missing terminator: {close} (for {} starting at column {})",
                self.opener(open, close),
                column(self.src, open)
            ),
        )
    }

    /// `c` where a `,` or `close` was due.
    fn unexpected(&self, c: char, close: Option<(&str, usize)>) -> String {
        match close {
            Some((cl, open)) if matches!(c, ')' | ']' | '}' | '>') => self.error(
                "MismatchedDelimiterError",
                self.pos,
                &format!(
                    "unexpected token: {c} — the {} at column {} is still open (expected {cl})",
                    self.opener(open, cl),
                    column(self.src, open)
                ),
            ),
            Some((cl, _)) => self.syntax(
                self.pos,
                &format!("syntax error before: {c} (expected , or {cl})"),
            ),
            None => self.syntax(self.pos, &format!("unexpected token: {c}")),
        }
    }

    /// The length of the identifier at the cursor: `[A-Za-z_][A-Za-z0-9_@]*[?!]?`.
    fn ident_len(&self) -> usize {
        let r = self.rest();
        let mut n = 0;
        for (i, c) in r.char_indices() {
            let ok = if i == 0 {
                c.is_ascii_alphabetic() || c == '_'
            } else {
                c.is_ascii_alphanumeric() || c == '_' || c == '@'
            };
            if !ok {
                break;
            }
            n = i + 1;
        }
        if n > 0 && matches!(r[n..].chars().next(), Some('?' | '!')) {
            n += 1;
        }
        n
    }

    fn take_ident(&mut self) -> &'a str {
        let n = self.ident_len();
        let s = &self.src[self.pos..self.pos + n];
        self.pos += n;
        s
    }

    /// An alias path after its first capital: `Supervisor`, `Foo.Bar`.
    fn alias(&mut self) -> String {
        let mut out = self.take_ident().to_string();
        while self.peek() == Some('.') && self.peek2().is_some_and(|c| c.is_ascii_uppercase()) {
            self.pos += 1;
            out.push('.');
            out.push_str(self.take_ident());
        }
        out
    }

    /// `name = ` at the cursor (a variable to bind), consumed if there is one.
    fn binding(&mut self) -> Option<String> {
        let start = self.pos;
        if !self
            .peek()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        {
            return None;
        }
        let name = self.take_ident().to_string();
        self.skip_ws();
        if self.peek() == Some('=') && !matches!(self.peek2(), Some('=' | '~' | '>')) {
            self.bump();
            self.skip_ws();
            return Some(name);
        }
        self.pos = start;
        None
    }

    /// A line: a call, or (after `name = `, or a bound variable alone) a value.
    fn line(&mut self, binding: bool) -> Result<Body, String> {
        self.skip_ws();
        let start = self.pos;
        let Some((module, erlang, name)) = self.head() else {
            self.pos = start;
            return if binding {
                self.value_body()
            } else {
                Err(self.value_line())
            };
        };
        let name_end = self.pos;
        self.skip_ws();
        let args = if self.peek() == Some('(') {
            if binding && module.is_none() && matches!(name.as_str(), "pid" | "self") {
                // `x = pid("0.84.0")`, `me = self()`: values the console spells as calls
                self.pos = start;
                return self.value_body();
            }
            let open = self.pos;
            self.bump();
            self.seq(Some((')', open)), false, 0)?.into_args()
        } else if self.at_end() || self.rest().trim() == "." {
            if module.is_none() {
                self.pos = start;
                if self.scope.vars.contains_key(&name) || binding {
                    return self.value_body();
                }
                return Err(self.bare_word(&name));
            }
            Vec::new()
        } else if module.is_none() && self.peek() == Some('=') && self.peek2() != Some('=') {
            return Err(self.error(
                "CompileError",
                self.pos,
                "only one variable can be bound per line: write name = call. Type h for help.",
            ));
        } else if module.is_none() && binding {
            // `x = [1, 2]`-like values that start with a word
            self.pos = start;
            return self.value_body();
        } else if self.pos > name_end {
            // IEx allows calls without parentheses: `Supervisor.which_children :demo`.
            self.seq(None, false, 0)?.into_args()
        } else {
            return Err(self.unexpected(self.peek().unwrap_or(' '), None));
        };
        self.skip_ws();
        // A final `.`, as an Erlang habit, is forgiven.
        if self.eat('.') {
            self.skip_ws();
        }
        if let Some(c) = self.peek() {
            return Err(self.unexpected(c, None));
        }
        Ok(Body::Call(Call {
            module,
            erlang,
            name,
            args,
        }))
    }

    /// The rest of the line as one value.
    fn value_body(&mut self) -> Result<Body, String> {
        let t = self.term(0)?;
        self.skip_ws();
        if self.eat('.') {
            self.skip_ws();
        }
        match self.peek() {
            Some(c) => Err(self.unexpected(c, None)),
            None => Ok(Body::Value(t)),
        }
    }

    /// `Module.function`, `:module.function` or `function`, if the line starts with one.
    fn head(&mut self) -> Option<(Option<String>, bool, String)> {
        let c = self.peek()?;
        let lower = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        if c.is_ascii_uppercase() {
            let module = self.alias();
            if self.peek() == Some('.') && lower(self.peek2()) {
                self.pos += 1;
                let name = self.take_ident().to_string();
                return Some((Some(module), false, name));
            }
            None
        } else if c == ':' && lower(self.peek2()) {
            self.pos += 1;
            let module = self.take_ident().to_string();
            if self.peek() == Some('.') && lower(self.peek2()) {
                self.pos += 1;
                let name = self.take_ident().to_string();
                return Some((Some(module), true, name));
            }
            None
        } else if lower(Some(c)) {
            let word = self.take_ident().to_string();
            if self.peek() == Some('.') && lower(self.peek2()) {
                // `supervisor.which_children(…)`: a module in the wrong case.
                self.pos += 1;
                let name = self.take_ident().to_string();
                return Some((Some(word), false, name));
            }
            Some((None, false, word))
        } else {
            None
        }
    }

    /// The error for a line that is a single word.
    fn bare_word(&mut self, word: &str) -> String {
        if matches!(word, "true" | "false" | "nil") {
            return self.value_line();
        }
        format!(
            "** (CompileError) iex:1:{}: undefined variable {word} — {}",
            column(self.src, self.pos),
            super::bare_word_hint(word, Syntax::Elixir)
        )
    }

    /// The error for a line that is not a call: its syntax error, or a reminder that a
    /// value alone does nothing.
    fn value_line(&mut self) -> String {
        match self.term(0) {
            Err(e) => e,
            Ok(t) => {
                self.skip_ws();
                if let Some(c) = self.peek() {
                    return self.unexpected(c, None);
                }
                format!(
                    "{} is a value, not a command: commands are calls like Supervisor.which_children(:demo). Type h for help.",
                    super::elixir_term(&t)
                )
            }
        }
    }

    /// A keyword key (`name:` or `"quoted":`) at the cursor, consumed if there is one.
    fn kw_key(&mut self) -> Result<Option<String>, String> {
        let n = self.ident_len();
        if n > 0 {
            let after = &self.rest()[n..];
            if after.starts_with(':') && !after.starts_with("::") {
                let key = self.rest()[..n].to_string();
                self.pos += n + 1;
                return Ok(Some(key));
            }
        } else if self.peek() == Some('"') {
            let save = self.pos;
            let s = self.string('"')?;
            if self.peek() == Some(':') && self.peek2() != Some(':') {
                self.pos += 1;
                return Ok(Some(s));
            }
            self.pos = save;
        }
        Ok(None)
    }

    /// Terms separated by commas up to `close` (or the end of the line), keyword pairs
    /// last; with `bar`, a list's `| tail`.
    fn seq(
        &mut self,
        close: Option<(char, usize)>,
        bar: bool,
        depth: usize,
    ) -> Result<Seq, String> {
        let mut s = Seq::default();
        let close_str = close.map(|(c, open)| {
            (
                if c == ')' {
                    ")"
                } else if c == ']' {
                    "]"
                } else {
                    "}"
                },
                open,
            )
        });
        loop {
            self.skip_ws();
            match (self.peek(), close) {
                (Some(c), Some((cl, _))) if c == cl => {
                    self.bump();
                    return Ok(s);
                }
                (None, Some((_, open))) => {
                    return Err(self.missing(close_str.map_or(")", |c| c.0), open))
                }
                (None, None) => return Ok(s),
                _ => {}
            }
            if let Some(k) = self.kw_key()? {
                let v = self.term(depth + 1)?;
                s.kws.push((Term::atom(&k), v));
            } else if !s.kws.is_empty() {
                return Err(self.syntax(
                    self.pos,
                    "unexpected expression after keyword list. Keyword lists must always come last",
                ));
            } else {
                s.items.push(self.term(depth + 1)?);
            }
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('|') if bar && s.kws.is_empty() => {
                    self.bump();
                    s.tail = Some(self.term(depth + 1)?);
                    self.skip_ws();
                    return match (self.peek(), close) {
                        (Some(']'), _) => {
                            self.bump();
                            Ok(s)
                        }
                        (None, Some((_, open))) => Err(self.missing("]", open)),
                        (c, _) => Err(self.unexpected(c.unwrap_or(' '), close_str)),
                    };
                }
                Some(c) if close.is_some_and(|(cl, _)| cl == c) => {
                    self.bump();
                    return Ok(s);
                }
                None => {
                    return match close_str {
                        Some((cl, open)) => Err(self.missing(cl, open)),
                        None => Ok(s),
                    }
                }
                Some(c) => return Err(self.unexpected(c, close_str)),
            }
        }
    }
}
