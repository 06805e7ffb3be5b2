//! Printing terms as `io_lib:format("~p")` does (atoms quoted as `write_atom/1`, printable
//! lists as strings, floats in their shortest form), with pids and references named by a
//! [`Namer`] (the conformance traces name them after the scenario's processes).

use super::{bits_parts, improper_parts, Term};
use crate::atom::quote_atom;
use crate::pid::{Pid, Ref};
use crate::quote::quote_with;
use std::borrow::Cow;
use std::fmt;

impl Term {
    /// Prints the term with pids and references named by `namer`.
    pub fn display<'a>(&'a self, namer: &'a dyn Namer) -> Display<'a> {
        Display { term: self, namer }
    }

    /// Prints the term with default pid and reference notation.
    pub fn to_text(&self) -> String {
        self.display(&DefaultNamer).to_string()
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Names pids and references when printing terms.
pub trait Namer {
    /// The name to print inside `<…>` for a pid, or `None` for the default.
    fn pid_name(&self, pid: Pid) -> Option<Cow<'_, str>>;
    /// The name to print after `#` for a reference, or `None` for the default.
    fn ref_name(&self, r: Ref) -> Option<Cow<'_, str>>;
    /// What to print for a pid the namer does not know.
    fn unknown_pid(&self, pid: Pid) -> String {
        pid.to_string()
    }
    /// What to print for a reference the namer does not know.
    fn unknown_ref(&self, r: Ref) -> String {
        r.to_string()
    }
}

/// Prints pids as `<0.N.0>` and references as `#Ref<0.0.0.N>`.
pub struct DefaultNamer;

impl Namer for DefaultNamer {
    fn pid_name(&self, _: Pid) -> Option<Cow<'_, str>> {
        None
    }
    fn ref_name(&self, _: Ref) -> Option<Cow<'_, str>> {
        None
    }
}

/// A term being printed (see [`Term::display`]).
pub struct Display<'a> {
    term: &'a Term,
    namer: &'a dyn Namer,
}

impl fmt::Display for Display<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_term(f, self.term, self.namer)
    }
}

fn write_seq(f: &mut fmt::Formatter<'_>, items: &[Term], namer: &dyn Namer) -> fmt::Result {
    for (i, t) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write_term(f, t, namer)?;
    }
    Ok(())
}

fn write_term(f: &mut fmt::Formatter<'_>, t: &Term, namer: &dyn Namer) -> fmt::Result {
    match t {
        Term::Atom(a) => a.with_name(|n| f.write_str(&quote_atom(n))),
        Term::Int(i) => write!(f, "{i}"),
        Term::BigInt(d) => f.write_str(d),
        Term::Float(x) => f.write_str(&format_float(*x)),
        Term::Pid(p) => match namer.pid_name(*p) {
            Some(n) => write!(f, "<{n}>"),
            None => f.write_str(&namer.unknown_pid(*p)),
        },
        Term::Ref(r) => match namer.ref_name(*r) {
            Some(n) => write!(f, "#{n}"),
            None => f.write_str(&namer.unknown_ref(*r)),
        },
        Term::Tuple(items) => {
            f.write_str("{")?;
            write_seq(f, items, namer)?;
            f.write_str("}")
        }
        Term::List(items) => {
            if let Some(s) = printable_string(items) {
                return f.write_str(&s);
            }
            f.write_str("[")?;
            write_seq(f, items, namer)?;
            f.write_str("]")
        }
        Term::Improper(raw) => {
            let (items, tail) = improper_parts(raw);
            f.write_str("[")?;
            write_seq(f, items, namer)?;
            f.write_str("|")?;
            write_term(f, tail, namer)?;
            f.write_str("]")
        }
        Term::Bits(raw) => {
            let (bytes, n) = bits_parts(raw);
            f.write_str("<<")?;
            let (full, last) = bytes.split_at(bytes.len() - 1);
            for b in full {
                write!(f, "{b},")?;
            }
            write!(f, "{}:{n}>>", last[0] >> (8 - n))
        }
        Term::Binary(bytes) if bytes.is_empty() => f.write_str("<<>>"),
        Term::Binary(bytes) => {
            // `~p` reads a binary's bytes as Latin-1 characters.
            if bytes.iter().all(|b| is_printable_char(*b as char)) {
                let s: String = bytes.iter().map(|b| *b as char).collect();
                return write!(f, "<<{}>>", quote_string(&s));
            }
            f.write_str("<<")?;
            for (i, b) in bytes.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{b}")?;
            }
            f.write_str(">>")
        }
        Term::Map(entries) => {
            f.write_str("#{")?;
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write_term(f, k, namer)?;
                f.write_str("=>")?;
                write_term(f, v, namer)?;
            }
            f.write_str("}")
        }
        Term::Stack => f.write_str("<stack>"),
    }
}

fn is_printable_char(c: char) -> bool {
    matches!(
        c,
        ' '..='~' | '\n' | '\r' | '\t' | '\u{0b}' | '\u{08}' | '\u{0c}' | '\u{1b}'
    ) || (c as u32 >= 160 && c as u32 != 0xFFFE && c as u32 != 0xFFFF)
}

fn printable_string(items: &[Term]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut s = String::with_capacity(items.len());
    for t in items {
        match t {
            Term::Int(i) if *i >= 0 && *i <= 0x10FFFF => {
                let c = char::from_u32(*i as u32)?;
                if !is_printable_char(c) {
                    return None;
                }
                s.push(c);
            }
            _ => return None,
        }
    }
    Some(quote_string(&s))
}

fn quote_string(s: &str) -> String {
    quote_with(s, '"', |c| {
        Some(Cow::Borrowed(match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{0b}' => "\\v",
            '\u{08}' => "\\b",
            '\u{0c}' => "\\f",
            '\u{1b}' => "\\e",
            _ => return None,
        }))
    })
}

/// Formats a float the way `~p` does: the shortest text that reads back exactly.
fn format_float(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // The shortest digits that read back exactly, and the decimal exponent.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    let (first, rest) = digits.split_at(1);
    let scientific = format!(
        "{sign}{first}.{}e{exp}",
        if rest.is_empty() { "0" } else { rest }
    );
    let n = digits.len() as i32;
    let plain = if exp >= 0 {
        if n - 1 <= exp {
            format!("{sign}{digits}{}.0", "0".repeat((exp - (n - 1)) as usize))
        } else {
            let (int, frac) = digits.split_at(exp as usize + 1);
            format!("{sign}{int}.{frac}")
        }
    } else {
        format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
    };
    // OTP 25 (`float_to_list(F, [short])`) prints whichever is shorter, the plain form on
    // a tie — but never the plain form from 2^53 up.
    if x.abs() >= 9_007_199_254_740_992.0 || scientific.len() < plain.len() {
        scientific
    } else {
        plain
    }
}
