//! Erlang's term order: number < atom < reference < fun < port < pid < tuple < map <
//! nil < list < bitstring, with `==` semantics (`1 == 1.0`), and `=:=`.

use super::{bits_parts, improper_parts, Term};
use std::cmp::Ordering;
use std::rc::Rc;

impl Term {
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

#[cfg(test)]
mod tests {
    use super::super::parse_term;

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
}
