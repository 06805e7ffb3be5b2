//! Reading terms written in Erlang syntax, as scenario files and the console write
//! reasons and messages.

use super::{exact_eq, Term};
use std::fmt;
use std::rc::Rc;

/// An error from [`parse_term`], with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.message, self.offset)
    }
}

/// The deepest nesting [`parse_term`] accepts (deeper input is rejected, not a stack overflow).
pub const MAX_TERM_DEPTH: usize = 64;

/// Parses one Erlang term written in Erlang syntax (an optional final `.` is allowed).
///
/// Supports atoms (plain and quoted), integers (with `16#FF` bases and `$c` characters),
/// floats, strings, binaries (`<<"abc">>`, `<<1,2>>`), tuples, proper lists and maps.
/// Pids, references and funs cannot be written, as in Erlang source.
pub fn parse_term(text: &str) -> Result<Term, ParseError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    p.skip_ws();
    let t = p.term(0)?;
    p.skip_ws();
    if p.peek() == Some(b'.') {
        p.pos += 1;
        p.skip_ws();
    }
    if p.pos != p.src.len() {
        return Err(p.err("unexpected text after the term"));
    }
    Ok(t)
}

/// Accumulates bits, most significant first.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    fn len_bits(&self) -> usize {
        self.bits
    }

    /// Appends the low `size` bits of `v` (two's complement for negative values).
    fn push(&mut self, v: u64, size: u32) {
        for i in (0..size).rev() {
            let bit = ((v >> i) & 1) as u8;
            if self.bits.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if bit == 1 {
                let last = self.bytes.len() - 1;
                self.bytes[last] |= 1 << (7 - self.bits % 8);
            }
            self.bits += 1;
        }
    }

    fn finish(self) -> Term {
        match self.bits % 8 {
            0 => Term::Binary(Rc::from(self.bytes)),
            n => {
                let mut raw = self.bytes;
                raw.push(n as u8);
                Term::Bits(Rc::from(raw))
            }
        }
    }
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, msg: &str) -> ParseError {
        ParseError {
            offset: self.pos,
            message: msg.to_string(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), ParseError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", c as char)))
        }
    }

    fn term(&mut self, depth: usize) -> Result<Term, ParseError> {
        if depth > MAX_TERM_DEPTH {
            return Err(self.err("term nested too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("expected a term")),
            Some(b'{') => {
                self.pos += 1;
                let items = self.seq(b'}', depth)?;
                Ok(Term::tuple(items))
            }
            Some(b'[') => {
                self.pos += 1;
                self.list(depth)
            }
            Some(b'#') => {
                self.pos += 1;
                self.expect(b'{')?;
                self.map(depth)
            }
            Some(b'<') => {
                if self.src.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    self.binary()
                } else {
                    Err(self.err("pids cannot be written in a term"))
                }
            }
            Some(b'"') => {
                let s = self.string(b'"')?;
                Ok(Term::list(s.chars().map(|c| Term::Int(c as i64)).collect()))
            }
            Some(b'\'') => {
                let s = self.string(b'\'')?;
                Ok(Term::atom(&s))
            }
            Some(b'$') => {
                self.pos += 1;
                let c = self.char_literal()?;
                Ok(Term::Int(c as i64))
            }
            Some(c) if c == b'-' || c == b'+' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_lowercase() => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == b'_' || c == b'@' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(Term::atom(&self.text[start..self.pos]))
            }
            Some(c) if c.is_ascii_uppercase() || c == b'_' => {
                Err(self.err("variables are not allowed in a term"))
            }
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn seq(&mut self, close: u8, depth: usize) -> Result<Vec<Term>, ParseError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            items.push(self.term(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.err(&format!("expected ',' or '{}'", close as char))),
            }
        }
    }

    /// A list after its `[`: elements, then `]` or `| Tail ]`.
    fn list(&mut self, depth: usize) -> Result<Term, ParseError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Term::list(items));
        }
        loop {
            items.push(self.term(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Term::list(items));
                }
                Some(b'|') => {
                    self.pos += 1;
                    let tail = self.term(depth + 1)?;
                    self.expect(b']')?;
                    return Ok(match tail {
                        Term::List(rest) => {
                            items.extend(rest.iter().cloned());
                            Term::list(items)
                        }
                        Term::Improper(rest) => {
                            items.extend(rest.iter().cloned());
                            Term::Improper(Rc::from(items))
                        }
                        t => Term::improper(items, t),
                    });
                }
                _ => return Err(self.err("expected ',', '|' or ']'")),
            }
        }
    }

    fn map(&mut self, depth: usize) -> Result<Term, ParseError> {
        let mut entries: Vec<(Term, Term)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Term::Map(Rc::from(entries)));
        }
        loop {
            let k = self.term(depth + 1)?;
            self.skip_ws();
            if self.src[self.pos..].starts_with(b"=>") {
                self.pos += 2;
            } else {
                return Err(self.err("expected '=>'"));
            }
            let v = self.term(depth + 1)?;
            entries.retain(|(ek, _)| !exact_eq(ek, &k));
            entries.push((k, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    crate::sort::sort_by(&mut entries, |a, b| a < b);
                    return Ok(Term::Map(Rc::from(entries)));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    /// A binary or bitstring after its `<<`: strings, integers, `Value:Size` segments.
    fn binary(&mut self) -> Result<Term, ParseError> {
        let mut bits = BitWriter::default();
        self.skip_ws();
        if self.src[self.pos..].starts_with(b">>") {
            self.pos += 2;
            return Ok(bits.finish());
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {
                    let s = self.string(b'"')?;
                    for b in s.bytes() {
                        bits.push(b as u64, 8);
                    }
                }
                Some(c) if c.is_ascii_digit() || c == b'-' => {
                    let v = match self.number()? {
                        Term::Int(i) => i,
                        _ => return Err(self.err("binary segments must be integers")),
                    };
                    let size = if self.peek() == Some(b':') {
                        self.pos += 1;
                        match self.number()? {
                            Term::Int(n) if (1..=64).contains(&n) => n as u32,
                            _ => return Err(self.err("segment sizes must be 1 to 64 bits")),
                        }
                    } else {
                        8
                    };
                    if bits.len_bits() + size as usize > 8 * 1024 * 1024 {
                        return Err(self.err("binary too large"));
                    }
                    bits.push(v as u64, size);
                }
                _ => return Err(self.err("expected a string or an integer in a binary")),
            }
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            } else if self.src[self.pos..].starts_with(b">>") {
                self.pos += 2;
                return Ok(bits.finish());
            } else {
                return Err(self.err("expected ',' or '>>'"));
            }
        }
    }

    fn char_literal(&mut self) -> Result<char, ParseError> {
        let rest = &self.text[self.pos..];
        let mut chars = rest.chars();
        let c = chars
            .next()
            .ok_or_else(|| self.err("expected a character"))?;
        self.pos += c.len_utf8();
        if c == '\\' {
            return self.escape();
        }
        Ok(c)
    }

    fn escape(&mut self) -> Result<char, ParseError> {
        let c = self.peek().ok_or_else(|| self.err("unfinished escape"))?;
        self.pos += 1;
        Ok(match c {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'v' => '\u{0b}',
            b'b' => '\u{08}',
            b'f' => '\u{0c}',
            b'e' => '\u{1b}',
            b's' => ' ',
            b'd' => '\u{7f}',
            b'0'..=b'7' => {
                let mut v = (c - b'0') as u32;
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + (d - b'0') as u32;
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(v).ok_or_else(|| self.err("bad escape"))?
            }
            _ => {
                // \' \" \\ and any other character stand for themselves
                self.pos -= 1;
                let ch = self.text[self.pos..]
                    .chars()
                    .next()
                    .ok_or_else(|| self.err("bad escape"))?;
                self.pos += ch.len_utf8();
                ch
            }
        })
    }

    fn string(&mut self, quote: u8) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let c = rest
                .chars()
                .next()
                .ok_or_else(|| self.err("unterminated string"))?;
            self.pos += c.len_utf8();
            if c as u32 == quote as u32 {
                return Ok(out);
            }
            if c == '\\' {
                out.push(self.escape()?);
            } else {
                out.push(c);
            }
        }
    }

    fn number(&mut self) -> Result<Term, ParseError> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-') | Some(b'+')) {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_digit() || c == b'_') {
            self.pos += 1;
        }
        if self.pos == digits_start {
            return Err(self.err("expected a number"));
        }
        let neg = self.src[start] == b'-';
        if self.peek() == Some(b'#') {
            let base: u32 = self.text[digits_start..self.pos]
                .replace('_', "")
                .parse()
                .map_err(|_| self.err("bad base"))?;
            if !(2..=36).contains(&base) {
                return Err(self.err("bad base"));
            }
            self.pos += 1;
            let ds = self.pos;
            while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
                self.pos += 1;
            }
            let v = i64::from_str_radix(&self.text[ds..self.pos].replace('_', ""), base)
                .map_err(|_| self.err("bad integer"))?;
            return Ok(Term::Int(if neg { -v } else { v }));
        }
        let mut is_float = false;
        if self.peek() == Some(b'.')
            && matches!(self.src.get(self.pos + 1), Some(c) if c.is_ascii_digit())
        {
            is_float = true;
            self.pos += 1;
            while matches!(self.peek(), Some(c) if c.is_ascii_digit() || c == b'_') {
                self.pos += 1;
            }
            if matches!(self.peek(), Some(b'e') | Some(b'E')) {
                self.pos += 1;
                if matches!(self.peek(), Some(b'-') | Some(b'+')) {
                    self.pos += 1;
                }
                while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
        }
        let text = self.text[start..self.pos].replace('_', "");
        if is_float {
            text.parse::<f64>()
                .map(Term::Float)
                .map_err(|_| self.err("bad float"))
        } else {
            match text.parse::<i64>() {
                Ok(i) => Ok(Term::Int(i)),
                Err(_) => {
                    let (sign, digits) = match text.strip_prefix('-') {
                        Some(d) => ("-", d),
                        None => ("", text.trim_start_matches('+')),
                    };
                    let digits = digits.trim_start_matches('0');
                    if digits.is_empty()
                        || !digits.bytes().all(|b| b.is_ascii_digit())
                        || digits.len() > 1000
                    {
                        return Err(self.err("bad integer"));
                    }
                    Ok(Term::BigInt(Rc::from(format!("{sign}{digits}"))))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(s: &str) -> String {
        parse_term(s).unwrap().to_text()
    }

    #[test]
    fn parses_and_prints_reasons() {
        assert_eq!(rt("{shutdown,x}"), "{shutdown,x}");
        assert_eq!(rt("  kill "), "kill");
        assert_eq!(
            rt("{shutdown, {failed_to_start_child, b, boom}}."),
            "{shutdown,{failed_to_start_child,b,boom}}"
        );
        assert_eq!(rt("'EXIT'"), "'EXIT'");
        assert_eq!(rt("[1,2,3]"), "[1,2,3]");
        assert_eq!(rt("\"hello\""), "\"hello\"");
        assert_eq!(rt("[]"), "[]");
        assert_eq!(rt("-42"), "-42");
        assert_eq!(rt("16#ff"), "255");
        assert_eq!(rt("<<\"ab\">>"), "<<\"ab\">>");
        assert_eq!(rt("#{b=>1,a=>2}"), "#{a=>2,b=>1}");
        assert_eq!(rt("1.5"), "1.5");
        for (x, p) in [
            ("1.0e15", "1.0e15"),
            ("1.0e5", "1.0e5"),
            ("1234567.0", "1234567.0"),
            ("123456789012345680.0", "1.2345678901234568e17"),
            ("9007199254740992.0", "9.007199254740992e15"),
            ("1234567890123456.0", "1234567890123456.0"),
            ("0.0001", "0.0001"),
            ("0.000125", "1.25e-4"),
            ("100.0", "100.0"),
            ("1000.0", "1.0e3"),
            ("-2.5", "-2.5"),
        ] {
            assert_eq!(rt(x), p, "{x}");
        }
        assert_eq!(rt("$a"), "97");
        assert_eq!(rt("[a|b]"), "[a|b]");
        assert_eq!(rt("{x,[1,2|3]}"), "{x,[1,2|3]}");
        assert_eq!(rt("[1|[2,3]]"), "[1,2,3]");
        assert_eq!(
            rt("{<<1:3>>,<<\"ab\",7:4>>,<<>>}"),
            "{<<1:3>>,<<97,98,7:4>>,<<>>}"
        );
        assert_eq!(rt("<<255,1:1>>"), "<<255,1:1>>");
        assert_eq!(rt("<<1:16>>"), "<<0,1>>");
        assert_eq!(rt("<<300>>"), "<<\",\">>");
        let mut sorted: Vec<Term> = ["<<1:3>>", "<<1>>", "<<0:1>>", "<<>>", "<<\"a\">>"]
            .iter()
            .map(|x| parse_term(x).unwrap())
            .collect();
        sorted.sort();
        let shown: Vec<String> = sorted.iter().map(|t| t.to_text()).collect();
        assert_eq!(shown, ["<<>>", "<<0:1>>", "<<1>>", "<<1:3>>", "<<\"a\">>"]);
        assert_eq!(
            rt("{123456789012345678901234567890,-7,0}"),
            "{123456789012345678901234567890,-7,0}"
        );
        assert_eq!(rt("-00099999999999999999999"), "-99999999999999999999");
        let t = |x: &str| parse_term(x).unwrap();
        assert!(t("99999999999999999999") > t("5"));
        assert!(t("-99999999999999999999") < t("-5"));
        assert!(t("99999999999999999999") < t("100000000000000000000"));
    }

    #[test]
    fn rejects_bad_terms() {
        for bad in [
            "{a,", "Var", "<0.1.0>", "[|b]", "[a|b|c]", "{a}}", "", "'abc", "<<1:0>>",
        ] {
            assert!(parse_term(bad).is_err(), "{bad} should fail");
        }
        let deep = "{".repeat(1000);
        assert!(parse_term(&deep).is_err());
    }
}
