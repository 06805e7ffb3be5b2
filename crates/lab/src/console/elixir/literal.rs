//! Elixir literals, as IEx reads them: atoms, numbers, strings and charlists, binaries,
//! tuples, lists, maps, and pid and reference literals; with IEx's error for each way a
//! literal can be malformed.

use super::Parser;
use crate::console::{make_map, pid_serial, pid_term, MAX_DEPTH};
use otp_lab_sim::pid::Ref;
use otp_lab_sim::term::Term;
use std::rc::Rc;

impl<'a> Parser<'a> {
    pub(super) fn term(&mut self, depth: usize) -> Result<Term, String> {
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
    pub(super) fn word(&mut self, start: usize, depth: usize) -> Result<Term, String> {
        let word = self.take_ident();
        match word {
            "true" => return Ok(Term::TRUE),
            "false" => return Ok(Term::FALSE),
            "nil" => return Ok(Term::atom("nil")),
            _ => {}
        }
        let after_word = self.pos;
        self.skip_ws();
        if word == "self" && self.peek() == Some('(') && self.peek2() == Some(')') {
            if let Some(shell) = self.scope.shell {
                self.pos += 2;
                return Ok(Term::Pid(shell));
            }
        }
        if self.peek() != Some('(') {
            if let Some(value) = self.scope.vars.get(word) {
                self.pos = after_word;
                return Ok(value.clone());
            }
        }
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
    pub(super) fn whereis(&mut self, start: usize, depth: usize) -> Result<Term, String> {
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
    pub(super) fn atom(&mut self, start: usize) -> Result<Term, String> {
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
    pub(super) fn map(&mut self, open: usize, depth: usize) -> Result<Term, String> {
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
    pub(super) fn binary(&mut self, open: usize) -> Result<Term, String> {
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
    pub(super) fn angle_body(&mut self, start: usize, prefix: &str) -> Result<&'a str, String> {
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
    pub(super) fn pid_literal(&mut self, start: usize, prefix: &str) -> Result<Term, String> {
        let body = self.angle_body(start, prefix)?;
        pid_serial(body)
            .map(pid_term)
            .map_err(|e| self.syntax(start, &e))
    }

    /// `#Reference<0.0.0.7>` (as IEx prints references) or `#Ref<0.0.0.7>`.
    pub(super) fn ref_literal(&mut self, start: usize, prefix: &str) -> Result<Term, String> {
        let body = self.angle_body(start, prefix)?;
        let parts: Vec<&str> = body.split('.').collect();
        let ok = parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        match parts.last().and_then(|n| n.parse::<u64>().ok()) {
            Some(n) if ok => Ok(Term::Ref(Ref::from_id(n))),
            _ => Err(self.syntax(start, "a reference looks like #Reference<0.0.0.7>")),
        }
    }

    /// A quoted string or charlist body (the cursor on its opening quote).
    pub(super) fn string(&mut self, quote: char) -> Result<String, String> {
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
    pub(super) fn escape(&mut self, open: usize) -> Result<char, String> {
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
    pub(super) fn number(&mut self) -> Result<Term, String> {
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
