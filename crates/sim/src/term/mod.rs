//! Erlang terms: the values exit reasons, messages and replies are made of.
//!
//! [`Term`] is immutable and cheap to clone (compound terms share their elements through
//! `Rc`). It orders as Erlang's term order ([`order`]), prints as the conformance traces
//! print terms, pids and references through a [`Namer`] ([`print`]), parses from Erlang
//! term syntax (`"{shutdown,x}"`), the way scenario files write reasons and messages
//! ([`parse`]), and has a structural fingerprint for the event log ([`hash`]).

pub mod hash;
pub mod order;
pub mod parse;
pub mod print;

pub use hash::term_hash;
pub use order::exact_eq;
pub use parse::{parse_term, ParseError, MAX_TERM_DEPTH};
pub use print::{DefaultNamer, Display, Namer};

use crate::atom::Atom;
use crate::pid::{Pid, Ref};
use std::rc::Rc;

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
    /// The atom `nil`, which events carry when they have no payload.
    pub const NIL_TERM: Term = Term::Atom(Atom::NIL);

    /// An atom term from a name.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shutdown_like_reasons() {
        assert!(Term::NORMAL.is_shutdown_like());
        assert!(parse_term("{shutdown,x}").unwrap().is_shutdown_like());
        assert!(!Term::KILLED.is_shutdown_like());
        assert!(!parse_term("{shutdown,x,y}").unwrap().is_shutdown_like());
    }
}
