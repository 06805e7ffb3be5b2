//! A structural 64-bit fingerprint of a term ([`term_hash`]) that does not depend on
//! interning order: the event log's running hash and the `std::hash::Hash` of [`Term`]
//! are built on it.

use super::{improper_parts, Term};

/// Where a running fingerprint starts (FNV-1a's offset basis).
pub const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;
const MIX: u64 = 0x100_0000_01b3;

/// Mixes `v` into the running fingerprint `h`.
#[inline]
pub fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(MIX).rotate_left(29)
}

/// Elements of a compound term that its fingerprint looks at (the length always counts).
const HASHED_ELEMENTS: usize = 8;

/// A structural 64-bit fingerprint of a term that does not depend on interning order.
///
/// Compound terms contribute their kind, length and first [`HASHED_ELEMENTS`] elements,
/// two levels deep: enough to tell runs apart (any divergence shows in many events), and
/// cheap for big payloads such as a `which_children` reply.
#[inline]
pub fn term_hash(t: &Term) -> u64 {
    match scalar_hash(t) {
        Some(h) => h,
        None => hash_depth(t, 2),
    }
}

#[inline(always)]
fn scalar_hash(t: &Term) -> Option<u64> {
    Some(match t {
        Term::Atom(a) => mix(1, crate::atom::atom_hash(*a)),
        Term::Int(i) => mix(2, *i as u64),
        Term::BigInt(d) => d.bytes().fold(2, |h, b| mix(h, b as u64)),
        Term::Float(f) => mix(3, f.to_bits()),
        Term::Pid(p) => mix(4, p.serial() as u64),
        Term::Ref(r) => mix(5, r.id()),
        Term::Stack => 10,
        _ => return None,
    })
}

fn hash_depth(t: &Term, depth: u32) -> u64 {
    match t {
        Term::Tuple(items) => hash_elements(6, items, depth),
        Term::List(items) => hash_elements(7, items, depth),
        Term::Improper(raw) => {
            let (items, tail) = improper_parts(raw);
            mix(
                hash_elements(11, items, depth),
                hash_depth(tail, depth.saturating_sub(1)),
            )
        }
        Term::Bits(raw) => raw
            .iter()
            .take(64)
            .fold(mix(12, raw.len() as u64), |h, x| mix(h, *x as u64)),
        Term::Binary(b) => b
            .iter()
            .take(64)
            .fold(mix(8, b.len() as u64), |h, x| mix(h, *x as u64)),
        Term::Map(e) => {
            let h = mix(9, e.len() as u64);
            if depth == 0 {
                return h;
            }
            e.iter().take(HASHED_ELEMENTS).fold(h, |h, (k, v)| {
                mix(mix(h, hash_depth(k, depth - 1)), hash_depth(v, depth - 1))
            })
        }
        scalar => scalar_hash(scalar).unwrap_or(0),
    }
}

#[inline]
fn hash_elements(seed: u64, items: &[Term], depth: u32) -> u64 {
    let mut h = mix(seed, items.len() as u64);
    if depth == 0 {
        return h;
    }
    for x in &items[..items.len().min(HASHED_ELEMENTS)] {
        let v = match scalar_hash(x) {
            Some(v) => v,
            None => hash_depth(x, depth - 1),
        };
        h = mix(h, v);
    }
    h
}

impl std::hash::Hash for Term {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Consistent with `==` (Erlang's, where 1 == 1.0).
        match self {
            Term::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
                state.write_u64(term_hash(&Term::Int(*x as i64)))
            }
            t => state.write_u64(term_hash(t)),
        }
    }
}
