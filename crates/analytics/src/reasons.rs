//! Exit reasons interned as small ids, so the restart tracker's per-child slots and
//! history rows are plain copyable numbers: no reference count touched, nothing dropped
//! per restart. Atoms (most reasons) are found by one index, other terms by hash. When
//! the table fills, the tracker rebuilds it from the ids still in use
//! ([`Reasons::compact`]), so an endless run of ever-new reasons (`{badmatch,N}`) keeps
//! memory bounded.

use otp_lab_sim::Term;
use rustc_hash::FxHashMap as HashMap;

/// An interned reason.
pub(crate) type ReasonId = u32;

/// No reason (a start that was asked for, a child that never failed).
pub(crate) const NO_REASON: ReasonId = ReasonId::MAX;

/// The table never shrinks below this many entries before it is compacted.
const MIN_LIMIT: usize = 4096;

/// The interner.
#[derive(Clone, Debug)]
pub(crate) struct Reasons {
    terms: Vec<Term>,
    /// Atom index → id + 1 (0: not interned).
    by_atom: Vec<ReasonId>,
    by_term: HashMap<Term, ReasonId>,
    /// Compact before interning a new reason past this size.
    limit: usize,
    /// The least limit.
    floor: usize,
}

impl Default for Reasons {
    fn default() -> Self {
        Reasons {
            terms: Vec::new(),
            by_atom: Vec::new(),
            by_term: HashMap::default(),
            limit: MIN_LIMIT,
            floor: MIN_LIMIT,
        }
    }
}

impl Reasons {
    /// A table that compacts once it holds `floor` reasons (at least), for tests.
    #[cfg(test)]
    pub fn with_floor(floor: usize) -> Reasons {
        Reasons {
            limit: floor,
            floor,
            ..Reasons::default()
        }
    }

    /// The id of `t` if it is interned.
    #[inline]
    pub fn find(&self, t: &Term) -> Option<ReasonId> {
        match t {
            Term::Atom(a) => match self.by_atom.get(a.index() as usize) {
                Some(&i) if i != 0 => Some(i - 1),
                _ => None,
            },
            _ => self.by_term.get(t).copied(),
        }
    }

    /// True when interning one more reason would pass the limit (time to compact).
    pub fn is_full(&self) -> bool {
        self.terms.len() >= self.limit
    }

    /// Interns `t` (not interned yet: [`Reasons::find`] said so).
    pub fn insert(&mut self, t: &Term) -> ReasonId {
        let id = self.terms.len() as ReasonId;
        self.terms.push(t.clone());
        match t {
            Term::Atom(a) => {
                let i = a.index() as usize;
                if self.by_atom.len() <= i {
                    self.by_atom.resize(i + 1, 0);
                }
                self.by_atom[i] = id + 1;
            }
            _ => {
                self.by_term.insert(t.clone(), id);
            }
        }
        id
    }

    /// The reason an id stands for (`None` for [`NO_REASON`]).
    pub fn get(&self, id: ReasonId) -> Option<&Term> {
        self.terms.get(id as usize)
    }

    /// Keeps only the reasons `live` marks (indexed by id), renumbered; returns each old
    /// id's new id ([`NO_REASON`] for the dropped). The next compaction waits until the
    /// table has doubled from what is kept.
    pub fn compact(&mut self, live: &[bool]) -> Vec<ReasonId> {
        let old = std::mem::take(&mut self.terms);
        self.by_atom.clear();
        self.by_term.clear();
        let mut map = vec![NO_REASON; old.len()];
        for (i, t) in old.into_iter().enumerate() {
            if live.get(i).copied().unwrap_or(false) {
                map[i] = self.insert(&t);
            }
        }
        self.limit = (2 * self.terms.len()).max(self.floor);
        map
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otp_lab_sim::Atom;

    #[test]
    fn equal_reasons_share_an_id_and_compaction_renumbers() {
        let mut r = Reasons::default();
        let killed = Term::Atom(Atom::new("killed"));
        let boom = Term::pair(Term::Atom(Atom::new("badmatch")), Term::Int(3));
        assert_eq!(r.find(&killed), None);
        let k = r.insert(&killed);
        let b = r.insert(&boom);
        assert_ne!(k, b);
        assert_eq!(r.find(&Term::Atom(Atom::new("killed"))), Some(k));
        let same = Term::pair(Term::Atom(Atom::new("badmatch")), Term::Int(3));
        assert_eq!(r.find(&same), Some(b));
        assert_eq!(r.get(b), Some(&boom));
        assert_eq!(r.get(NO_REASON), None);
        let map = r.compact(&[false, true]);
        assert_eq!(map, vec![NO_REASON, 0]);
        assert_eq!(r.find(&killed), None);
        assert_eq!(r.find(&boom), Some(0));
        assert_eq!(r.len(), 1);
    }
}
