//! The Elixir front end: a recursive-descent parser over the line's characters.
//!
//! A line is a call — `Module.function(args)`, `:erlang_module.function(args)` or
//! `function(args)`, the parentheses optional as in IEx — whose arguments are Elixir
//! literals: atoms (`:kill`, `:"a b"`, `true`, `nil`, aliases like `Counter`), integers
//! (`1_000`, `0x1F`, `?a`), floats, strings (→ binaries), charlists, `<<1, "a">>`,
//! tuples, lists (`[h | t]`, keyword lists `[a: 1]`), maps (`%{a: 1}`, `%{"k" => 1}`),
//! and pids/references (`pid("0.84.0")`, `pid(0, 84, 0)`, `#PID<0.84.0>`,
//! `#Reference<0.0.0.7>`). Errors follow IEx: `** (SyntaxError) iex:1:COLUMN: …`.

use super::{column, make_map, pid_serial, pid_term, Call, Syntax, MAX_DEPTH};
use crate::pid::Ref;
use crate::term::Term;
use std::rc::Rc;

/// Reads an Elixir line (not `h`/`clear`, which [`super::parse`] handles) into a call.
pub(super) fn parse_line(src: &str) -> Result<Call, String> {
    Parser { src, pos: 0 }.line()
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

    fn line(&mut self) -> Result<Call, String> {
        self.skip_ws();
        let start = self.pos;
        let Some((module, erlang, name)) = self.head() else {
            self.pos = start;
            return Err(self.value_line());
        };
        let name_end = self.pos;
        self.skip_ws();
        let args = if self.peek() == Some('(') {
            let open = self.pos;
            self.bump();
            self.seq(Some((')', open)), false, 0)?.into_args()
        } else if self.at_end() || self.rest().trim() == "." {
            if module.is_none() {
                self.pos = start;
                return Err(self.bare_word(&name));
            }
            Vec::new()
        } else if module.is_none() && self.peek() == Some('=') && self.peek2() != Some('=') {
            return Err(self.error(
                "CompileError",
                self.pos,
                "the console has no variables: write values where they are used, e.g. Process.info(pid(\"0.84.0\")). Type h for help.",
            ));
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
        Ok(Call {
            module,
            erlang,
            name,
            args,
        })
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

    fn term(&mut self, depth: usize) -> Result<Term, String> {
        self.skip_ws();
        let start = self.pos;
        if depth > MAX_DEPTH {
            return Err(self.syntax(
                start,
                &format!("too deeply nested: the console reads at most {MAX_DEPTH} levels"),
            ));
        }
        let Some(c) = self.peek() else {
            return Err(self.syntax(
                start,
                "syntax error: expression expected, found the end of the line",
            ));
        };
        match c {
            '{' => {
                self.bump();
                Ok(Term::tuple(
                    self.seq(Some(('}', start)), false, depth)?.into_args(),
                ))
            }
            '[' => {
                self.bump();
                let s = self.seq(Some((']', start)), true, depth)?;
                let mut items = s.items;
                items.extend(s.kws.into_iter().map(|(k, v)| Term::pair(k, v)));
                Ok(match s.tail {
                    None => Term::list(items),
                    Some(Term::List(rest)) => {
                        items.extend(rest.iter().cloned());
                        Term::list(items)
                    }
                    Some(Term::Improper(rest)) => {
                        items.extend(rest.iter().cloned());
                        Term::Improper(Rc::from(items))
                    }
                    Some(tail) => Term::improper(items, tail),
                })
            }
            '%' => {
                self.bump();
                if self.peek() == Some('{') {
                    self.bump();
                    self.map(start, depth)
                } else if self.peek().is_some_and(|c| c.is_ascii_uppercase()) {
                    Err(self.syntax(start, "structs are not supported in the console"))
                } else {
                    Err(self.syntax(start, "unexpected token: %"))
                }
            }
            '<' if self.rest().starts_with("<<") => self.binary(start),
            '<' if self.peek2().is_some_and(|c| c.is_ascii_digit()) => self.pid_literal(start, "<"),
            '#' if self.rest().starts_with("#PID<") => self.pid_literal(start, "#PID<"),
            '#' if self.rest().starts_with("#Reference<") => self.ref_literal(start, "#Reference<"),
            '#' if self.rest().starts_with("#Ref<") => self.ref_literal(start, "#Ref<"),
            '"' => Ok(Term::Binary(Rc::from(self.string('"')?.into_bytes()))),
            '\'' => {
                let s = self.string('\'')?;
                Ok(Term::list(s.chars().map(|c| Term::Int(c as i64)).collect()))
            }
            ':' => self.atom(start),
            '?' => {
                self.bump();
                let c = match self.bump() {
                    Some('\\') => self.escape(start)?,
                    Some(c) => c,
                    None => return Err(self.syntax(start, "a character is missing after ?")),
                };
                Ok(Term::Int(c as i64))
            }
            '-' | '+' | '0'..='9' => self.number(),
            c if c.is_ascii_uppercase() => {
                let alias = self.alias();
                if alias == "Process" && self.rest().starts_with(".whereis(") {
                    self.pos += ".whereis".len();
                    return self.whereis(start, depth);
                }
                if alias == "Elixir" || alias.starts_with("Elixir.") {
                    Ok(Term::atom(&alias))
                } else {
                    Ok(Term::atom(&format!("Elixir.{alias}")))
                }
            }
            c if c.is_ascii_lowercase() || c == '_' => self.word(start, depth),
            c => Err(self.unexpected(c, None)),
        }
    }

    /// `true`, `false`, `nil`, `pid(…)`; any other word is an undefined variable.
    fn word(&mut self, start: usize, depth: usize) -> Result<Term, String> {
        let word = self.take_ident();
        match word {
            "true" => return Ok(Term::TRUE),
            "false" => return Ok(Term::FALSE),
            "nil" => return Ok(Term::atom("nil")),
            _ => {}
        }
        let after_word = self.pos;
        self.skip_ws();
        if word == "pid" && self.peek() == Some('(') {
            let open = self.pos;
            self.bump();
            let args = self.seq(Some((')', open)), false, depth)?.into_args();
            let serial = match &args[..] {
                [Term::Binary(b)] => pid_serial(&String::from_utf8_lossy(b)),
                [Term::Int(0), Term::Int(n), Term::Int(0)] => {
                    u32::try_from(*n).map_err(|_| format!("{n} is not a pid serial"))
                }
                _ => Err(
                    "pid takes a string like pid(\"0.84.0\") or three integers like pid(0, 84, 0)"
                        .to_string(),
                ),
            };
            return serial.map(pid_term).map_err(|e| self.syntax(start, &e));
        }
        self.pos = after_word;
        let hint = if word == "self" {
            "the shell is not part of the tree; name a process as :demo, \"demo/counter_1\" or pid(\"0.84.0\"). Type h for help.".to_string()
        } else if matches!(word, "pid" | "sup" | "child" | "process" | "target") {
            "name the process as :demo (a name), \"demo/counter_1\" (a tree path) or pid(\"0.84.0\"). Type h for help.".to_string()
        } else {
            format!("atoms are written :{word}, tree paths \"demo/{word}\", pids pid(\"0.84.0\"). Type h for help.")
        };
        Err(self.error(
            "CompileError",
            start,
            &format!("undefined variable {word} — {hint}"),
        ))
    }

    /// `Process.whereis(:name)` as an argument: the registered process, which commands
    /// take by its name (`Process.exit(Process.whereis(:demo), :kill)`).
    fn whereis(&mut self, start: usize, depth: usize) -> Result<Term, String> {
        let open = self.pos;
        self.bump();
        let args = self.seq(Some((')', open)), false, depth)?.into_args();
        match &args[..] {
            [name @ Term::Atom(_)] => Ok(name.clone()),
            _ => Err(self.syntax(
                start,
                "Process.whereis takes a registered name, like Process.whereis(:demo)",
            )),
        }
    }

    /// An atom after its `:`: `:kill`, `:EXIT`, `:ok?`, `:"with space"`.
    fn atom(&mut self, start: usize) -> Result<Term, String> {
        self.bump();
        if self.peek() == Some('"') {
            return Ok(Term::atom(&self.string('"')?));
        }
        match self.ident_len() {
            0 => Err(self.syntax(
                start,
                "unexpected token: : (an atom's name must follow the colon, as in :kill)",
            )),
            _ => Ok(Term::atom(self.take_ident())),
        }
    }

    /// The body of a map after its `%{` (at `open`).
    fn map(&mut self, open: usize, depth: usize) -> Result<Term, String> {
        let mut entries = Vec::new();
        let mut keywords = false;
        loop {
            self.skip_ws();
            match self.peek() {
                Some('}') => {
                    self.bump();
                    return Ok(make_map(entries));
                }
                None => return Err(self.missing("}", open)),
                _ => {}
            }
            if let Some(k) = self.kw_key()? {
                let v = self.term(depth + 1)?;
                entries.push((Term::atom(&k), v));
                keywords = true;
            } else if keywords {
                return Err(self.syntax(
                    self.pos,
                    "unexpected expression after keyword list. Keyword lists must always come last",
                ));
            } else {
                let k = self.term(depth + 1)?;
                self.skip_ws();
                if !self.eat_str("=>") {
                    return Err(match self.peek() {
                        None => self.missing("}", open),
                        Some(_) => {
                            self.syntax(self.pos, "syntax error: expected => after a map key")
                        }
                    });
                }
                let v = self.term(depth + 1)?;
                entries.push((k, v));
            }
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(make_map(entries));
                }
                None => return Err(self.missing("}", open)),
                Some(c) => return Err(self.unexpected(c, Some(("}", open)))),
            }
        }
    }

    /// A binary: `<<>>`, `<<1, 2>>`, `<<"abc", 0>>` (bytes and strings only).
    fn binary(&mut self, open: usize) -> Result<Term, String> {
        self.pos += 2;
        let mut bytes = Vec::new();
        loop {
            self.skip_ws();
            if self.eat_str(">>") {
                return Ok(Term::Binary(Rc::from(bytes)));
            }
            let at = self.pos;
            match self.peek() {
                None => return Err(self.missing(">>", open)),
                Some('"') => bytes.extend(self.string('"')?.into_bytes()),
                Some('0'..='9' | '-' | '+' | '?') => match self.term(1)? {
                    Term::Int(b) if (0..=255).contains(&b) => bytes.push(b as u8),
                    _ => {
                        return Err(
                            self.syntax(at, "a binary segment must be a byte (0..255) or a string")
                        )
                    }
                },
                Some(c) => return Err(self.unexpected(c, Some((">>", open)))),
            }
            self.skip_ws();
            if self.rest().starts_with("::") {
                return Err(self.syntax(self.pos, "binary segment options (::) are not supported"));
            }
            if self.eat(',') {
                continue;
            }
            if self.eat_str(">>") {
                return Ok(Term::Binary(Rc::from(bytes)));
            }
            return Err(match self.peek() {
                None => self.missing(">>", open),
                Some(c) => self.unexpected(c, Some((">>", open))),
            });
        }
    }

    /// The text up to the next `>` after `prefix`.
    fn angle_body(&mut self, start: usize, prefix: &str) -> Result<&'a str, String> {
        self.pos += prefix.len();
        match self.rest().find('>') {
            Some(n) => {
                let body = &self.rest()[..n];
                self.pos += n + 1;
                Ok(body)
            }
            None => Err(self.missing(">", start + prefix.len() - 1)),
        }
    }

    /// `#PID<0.84.0>` or `<0.84.0>`.
    fn pid_literal(&mut self, start: usize, prefix: &str) -> Result<Term, String> {
        let body = self.angle_body(start, prefix)?;
        pid_serial(body)
            .map(pid_term)
            .map_err(|e| self.syntax(start, &e))
    }

    /// `#Reference<0.0.0.7>` (as IEx prints references) or `#Ref<0.0.0.7>`.
    fn ref_literal(&mut self, start: usize, prefix: &str) -> Result<Term, String> {
        let body = self.angle_body(start, prefix)?;
        let parts: Vec<&str> = body.split('.').collect();
        let ok = parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        match parts.last().and_then(|n| n.parse::<u64>().ok()) {
            Some(n) if ok => Ok(Term::Ref(Ref(n))),
            _ => Err(self.syntax(start, "a reference looks like #Reference<0.0.0.7>")),
        }
    }

    /// A quoted string or charlist body (the cursor on its opening quote).
    fn string(&mut self, quote: char) -> Result<String, String> {
        let open = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    let q = quote.to_string();
                    return Err(self.missing(&q, open));
                }
                Some(c) if c == quote => return Ok(out),
                Some('\\') => out.push(self.escape(open)?),
                Some(c) => out.push(c),
            }
        }
    }

    /// The character a backslash escape stands for (the cursor after the `\`).
    fn escape(&mut self, open: usize) -> Result<char, String> {
        let at = self.pos.saturating_sub(1);
        let Some(c) = self.bump() else {
            return Err(self.missing(&self.src[open..].chars().take(1).collect::<String>(), open));
        };
        let hex = |p: &Self, digits: &str| {
            u32::from_str_radix(digits, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| p.syntax(at, "invalid escape: not a Unicode character"))
        };
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'a' => '\u{07}',
            'b' => '\u{08}',
            'd' => '\u{7f}',
            'e' => '\u{1b}',
            'f' => '\u{0c}',
            's' => ' ',
            'v' => '\u{0b}',
            'x' | 'u' => {
                let digits: String = if self.eat('{') {
                    let n = self.rest().find('}').unwrap_or(self.rest().len());
                    let d = self.rest()[..n].to_string();
                    self.pos += n;
                    if !self.eat('}') {
                        return Err(self.syntax(at, "invalid escape: missing }"));
                    }
                    d
                } else {
                    let want = if c == 'x' { 2 } else { 4 };
                    let d: String = self
                        .rest()
                        .chars()
                        .take(want)
                        .take_while(char::is_ascii_hexdigit)
                        .collect();
                    self.pos += d.len();
                    d
                };
                if digits.is_empty()
                    || digits.len() > 6
                    || !digits.chars().all(|c| c.is_ascii_hexdigit())
                {
                    return Err(self.syntax(at, "invalid escape: expected hex digits"));
                }
                hex(self, &digits)?
            }
            other => other,
        })
    }

    /// An integer or float, with an optional sign: `42`, `-1_000`, `0x1F`, `1.5e-3`.
    fn number(&mut self) -> Result<Term, String> {
        let start = self.pos;
        if !self.eat('-') {
            self.eat('+');
        }
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let c = self.src[start..].chars().next().unwrap_or(' ');
            return Err(self.syntax(start, &format!("unexpected token: {c}")));
        }
        let neg = self.src[start..].starts_with('-');
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if self.eat_str(prefix) {
                let digits_at = self.pos;
                while self.peek().is_some_and(|c| c.is_digit(radix) || c == '_') {
                    self.bump();
                }
                let digits = self.src[digits_at..self.pos].replace('_', "");
                return match i64::from_str_radix(&digits, radix) {
                    Ok(v) => Ok(Term::Int(if neg { -v } else { v })),
                    Err(_) => Err(self.syntax(start, "invalid or too large integer")),
                };
            }
        }
        let digits = |p: &mut Self| {
            while p.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
                p.bump();
            }
        };
        digits(self);
        let mut float = false;
        if self.peek() == Some('.') && self.peek2().is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.bump();
            digits(self);
            let exp = self
                .rest()
                .strip_prefix(['e', 'E'])
                .map(|r| r.strip_prefix(['-', '+']).unwrap_or(r));
            if exp.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
                self.bump();
                if !self.eat('-') {
                    self.eat('+');
                }
                digits(self);
            }
        }
        let text = self.src[start..self.pos].replace('_', "");
        if float {
            return match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Term::Float(x)),
                _ => Err(self.syntax(start, "invalid float (out of range)")),
            };
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Term::Int(i));
        }
        let digits = text.trim_start_matches(['-', '+']).trim_start_matches('0');
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.syntax(start, "invalid integer"));
        }
        let sign = if neg { "-" } else { "" };
        Ok(Term::BigInt(Rc::from(format!("{sign}{digits}"))))
    }
}
