//! Erlang terms: the values exit reasons, messages and replies are made of.
//!
//! [`Term`] is immutable and cheap to clone (compound terms share their elements through
//! `Rc`). It orders as Erlang's term order, prints as the conformance traces print terms
//! (pids and references through a [`Namer`]), and parses from Erlang term syntax
//! (`"{shutdown,x}"`), the way scenario files write reasons and messages.

use crate::atom::{quote_atom, Atom};
use crate::pid::{Pid, Ref};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

/// `text` between `quote`s, each character as `escape` writes it (None: as it is).
pub(crate) fn quote_with(
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

/// An Erlang term.
#[derive(Clone)]
pub enum Term {
    Atom(Atom),
    Int(i64),
    /// An integer outside `i64`, as canonical decimal text (`-` sign, no leading zeros).
    BigInt(Rc<str>),
    Float(f64),
    Pid(Pid),
    Ref(Ref),
    Tuple(Rc<[Term]>),
    /// A proper list (`[]` is the empty list).
    List(Rc<[Term]>),
    /// An improper list (`[a|b]`): its elements, then the tail (not a list) as the last
    /// entry. One allocation keeps `Term` at three words.
    Improper(Rc<[Term]>),
    Binary(Rc<[u8]>),
    /// A bitstring whose size is not a whole number of bytes: its bytes (the last one
    /// holding the trailing bits left-aligned), then one more byte: how many bits (1..=7)
    /// of that last data byte count.
    Bits(Rc<[u8]>),
    /// A map with keys in term order.
    Map(Rc<[(Term, Term)]>),
    /// An opaque stack trace, printed `<stack>` (as the oracle normalises them).
    Stack,
}

impl Term {
    pub const NORMAL: Term = Term::Atom(Atom::NORMAL);
    pub const KILL: Term = Term::Atom(Atom::KILL);
    pub const KILLED: Term = Term::Atom(Atom::KILLED);
    pub const SHUTDOWN: Term = Term::Atom(Atom::SHUTDOWN);
    pub const NOPROC: Term = Term::Atom(Atom::NOPROC);
    pub const OK: Term = Term::Atom(Atom::OK);
    pub const UNDEFINED: Term = Term::Atom(Atom::UNDEFINED);
    pub const TRUE: Term = Term::Atom(Atom::TRUE);
    pub const FALSE: Term = Term::Atom(Atom::FALSE);

    /// An atom term from a name.
    pub fn atom(name: &str) -> Term {
        Term::Atom(Atom::new(name))
    }

    /// A tuple of the given elements.
    pub fn tuple(items: Vec<Term>) -> Term {
        Term::Tuple(Rc::from(items))
    }

    /// A two-tuple.
    pub fn pair(a: Term, b: Term) -> Term {
        Term::tuple(vec![a, b])
    }

    /// A proper list.
    pub fn list(items: Vec<Term>) -> Term {
        Term::List(Rc::from(items))
    }

    /// An improper list `[Items | Tail]` (`items` non-empty, `tail` not a list).
    pub fn improper(mut items: Vec<Term>, tail: Term) -> Term {
        items.push(tail);
        Term::Improper(Rc::from(items))
    }

    /// `{error, Reason}`.
    pub fn error(reason: Term) -> Term {
        Term::pair(Term::Atom(Atom::ERROR), reason)
    }

    /// `{ok, Value}`.
    pub fn ok(value: Term) -> Term {
        Term::pair(Term::OK, value)
    }

    /// A boolean atom.
    pub fn bool(b: bool) -> Term {
        if b {
            Term::TRUE
        } else {
            Term::FALSE
        }
    }

    /// The atom, if this term is one.
    pub fn as_atom(&self) -> Option<Atom> {
        match self {
            Term::Atom(a) => Some(*a),
            _ => None,
        }
    }

    /// True if this is the given atom.
    pub fn is_atom(&self, a: Atom) -> bool {
        matches!(self, Term::Atom(x) if *x == a)
    }

    /// The elements of a tuple.
    pub fn as_tuple(&self) -> Option<&[Term]> {
        match self {
            Term::Tuple(t) => Some(t),
            _ => None,
        }
    }

    /// `normal`, `shutdown` or `{shutdown, _}`: the reasons a supervisor treats as clean.
    pub fn is_shutdown_like(&self) -> bool {
        match self {
            Term::Atom(a) => *a == Atom::NORMAL || *a == Atom::SHUTDOWN,
            Term::Tuple(t) => t.len() == 2 && t[0].is_atom(Atom::SHUTDOWN),
            _ => false,
        }
    }

    /// `{shutdown, _}`.
    pub fn is_shutdown_tuple(&self) -> bool {
        matches!(self, Term::Tuple(t) if t.len() == 2 && t[0].is_atom(Atom::SHUTDOWN))
    }

    /// Prints the term with pids and references named by `namer`.
    pub fn display<'a>(&'a self, namer: &'a dyn Namer) -> Display<'a> {
        Display { term: self, namer }
    }

    /// Prints the term with default pid and reference notation.
    pub fn to_text(&self) -> String {
        self.display(&DefaultNamer).to_string()
    }

    fn type_rank(&self) -> u8 {
        match self {
            Term::Int(_) | Term::Float(_) | Term::BigInt(_) => 0,
            Term::Atom(_) => 1,
            Term::Ref(_) => 2,
            Term::Stack => 3,
            Term::Pid(_) => 5,
            Term::Tuple(_) => 6,
            Term::Map(_) => 7,
            Term::List(l) if l.is_empty() => 8,
            Term::List(_) | Term::Improper(..) => 9,
            Term::Binary(_) | Term::Bits(_) => 10,
        }
    }
}

impl From<Atom> for Term {
    fn from(a: Atom) -> Term {
        Term::Atom(a)
    }
}

impl From<Pid> for Term {
    fn from(p: Pid) -> Term {
        Term::Pid(p)
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Term {}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    /// Erlang's term order: number < atom < reference < fun < port < pid < tuple < map <
    /// nil < list < bitstring. (`==` semantics: `1 == 1.0`.)
    fn cmp(&self, other: &Self) -> Ordering {
        let (ra, rb) = (self.type_rank(), other.type_rank());
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (self, other) {
            (Term::Int(a), Term::Int(b)) => a.cmp(b),
            (Term::BigInt(a), Term::BigInt(b)) => cmp_decimal(a, b),
            (Term::BigInt(a), _) => {
                // beyond i64 either way: its sign decides against any smaller number
                if a.starts_with('-') {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (_, Term::BigInt(b)) => {
                if b.starts_with('-') {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (Term::Int(a), Term::Float(b)) => (*a as f64).total_cmp(b),
            (Term::Float(a), Term::Int(b)) => a.total_cmp(&(*b as f64)),
            (Term::Float(a), Term::Float(b)) => a.total_cmp(b),
            (Term::Atom(a), Term::Atom(b)) => a.cmp(b),
            (Term::Ref(a), Term::Ref(b)) => a.cmp(b),
            (Term::Pid(a), Term::Pid(b)) => a.cmp(b),
            (Term::Tuple(a), Term::Tuple(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Term::Map(a), Term::Map(b)) => a.len().cmp(&b.len()).then_with(|| {
                let ka = a.iter().map(|(k, _)| k);
                let kb = b.iter().map(|(k, _)| k);
                ka.cmp(kb).then_with(|| {
                    let va = a.iter().map(|(_, v)| v);
                    let vb = b.iter().map(|(_, v)| v);
                    va.cmp(vb)
                })
            }),
            (Term::List(a), Term::List(b)) => a.cmp(b),
            (Term::List(_) | Term::Improper(..), Term::List(_) | Term::Improper(..)) => {
                cmp_cons(self, other)
            }
            (Term::Binary(a), Term::Binary(b)) => a.cmp(b),
            (Term::Binary(_) | Term::Bits(_), Term::Binary(_) | Term::Bits(_)) => {
                cmp_bits(self, other)
            }
            _ => Ordering::Equal,
        }
    }
}

impl std::hash::Hash for Term {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Consistent with `==` (Erlang's, where 1 == 1.0).
        match self {
            Term::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
                state.write_u64(crate::log::term_hash(&Term::Int(*x as i64)))
            }
            t => state.write_u64(crate::log::term_hash(t)),
        }
    }
}

/// An improper list's elements and tail.
pub fn improper_parts(raw: &[Term]) -> (&[Term], &Term) {
    let (tail, items) = raw.split_last().expect("an improper list has a tail");
    (items, tail)
}

/// A bitstring's bytes and the number of bits of its last byte that count.
pub fn bits_parts(raw: &[u8]) -> (&[u8], u8) {
    let (n, bytes) = raw.split_last().expect("a bitstring has its bit count");
    (bytes, *n)
}

/// Compares two bitstrings bit by bit (a prefix sorts first).
fn cmp_bits(a: &Term, b: &Term) -> Ordering {
    fn parts(t: &Term) -> (&[u8], usize) {
        match t {
            Term::Binary(b) => (b, b.len() * 8),
            Term::Bits(raw) => {
                let (b, n) = bits_parts(raw);
                (b, (b.len() - 1) * 8 + n as usize)
            }
            _ => (&[], 0),
        }
    }
    let ((ab, an), (bb, bn)) = (parts(a), parts(b));
    let bit = |bytes: &[u8], i: usize| (bytes[i / 8] >> (7 - i % 8)) & 1;
    for i in 0..an.min(bn) {
        let o = bit(ab, i).cmp(&bit(bb, i));
        if o != Ordering::Equal {
            return o;
        }
    }
    an.cmp(&bn)
}

/// `=:=`: like `==` but an integer never equals a float.
pub fn exact_eq(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::Int(_) | Term::BigInt(_), Term::Float(_))
        | (Term::Float(_), Term::Int(_) | Term::BigInt(_)) => false,
        (Term::Tuple(x), Term::Tuple(y)) | (Term::List(x), Term::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| exact_eq(p, q))
        }
        _ => a == b,
    }
}

/// Compares two canonical decimal integers.
fn cmp_decimal(a: &str, b: &str) -> Ordering {
    match (a.strip_prefix('-'), b.strip_prefix('-')) {
        (Some(x), Some(y)) => cmp_decimal(y, x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
    }
}

/// Compares two non-empty lists cell by cell (one of them improper).
fn cmp_cons(a: &Term, b: &Term) -> Ordering {
    fn cells(t: &Term) -> (&[Term], Option<&Term>) {
        match t {
            Term::List(l) => (l, None),
            Term::Improper(raw) => {
                let (l, tail) = improper_parts(raw);
                (l, Some(tail))
            }
            _ => (&[], None),
        }
    }
    let (ea, ta) = cells(a);
    let (eb, tb) = cells(b);
    for (x, y) in ea.iter().zip(eb.iter()) {
        let o = x.cmp(y);
        if o != Ordering::Equal {
            return o;
        }
    }
    let rest = |e: &[Term], t: Option<&Term>, n: usize| -> Term {
        if e.len() > n {
            match t {
                Some(t) => Term::improper(e[n..].to_vec(), t.clone()),
                None => Term::List(Rc::from(e[n..].to_vec())),
            }
        } else {
            t.cloned()
                .unwrap_or_else(|| Term::List(Rc::from(Vec::new())))
        }
    };
    let n = ea.len().min(eb.len());
    rest(ea, ta, n).cmp(&rest(eb, tb, n))
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
                    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
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

    #[test]
    fn term_order_matches_erlang() {
        let t = |s: &str| parse_term(s).unwrap();
        assert!(t("1") < t("a"));
        assert!(t("a") < t("{a}"));
        assert!(t("{a}") < t("[]"));
        assert!(t("[]") < t("[a]"));
        assert!(t("{b}") < t("{a,a}"));
        assert!(t("killed") < t("{shutdown,x}"));
        assert_eq!(t("1"), t("1.0"));
    }

    #[test]
    fn shutdown_like_reasons() {
        assert!(Term::NORMAL.is_shutdown_like());
        assert!(parse_term("{shutdown,x}").unwrap().is_shutdown_like());
        assert!(!Term::KILLED.is_shutdown_like());
        assert!(!parse_term("{shutdown,x,y}").unwrap().is_shutdown_like());
    }
}
