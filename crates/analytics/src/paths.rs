//! Path interning: every supervision-tree path the analytics see becomes a dense `u32`
//! id with one shared `Rc<str>` name, so per-path tables are plain `Vec`s and the hot
//! paths index instead of hashing. Paths arrive with the world's own path id
//! ([`otp_lab_sim::event::Event::path`]), resolved by one index; paths without one
//! (events read back from the log, `sup/id*N` labels) are hashed by their bytes.

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

/// An interned path (0 is the empty path, also used once the table is full).
pub type PathId = u32;

/// At most this many distinct paths are interned (memory stays bounded on endless runs).
pub const MAX_PATHS: usize = 1_000_000;

/// The interner.
#[derive(Clone, Debug)]
pub struct Paths {
    names: Vec<Rc<str>>,
    by_bytes: HashMap<Box<[u8]>, PathId>,
    /// World path id → our id + 1 (0: not seen yet).
    by_world: Vec<PathId>,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            names: vec![Rc::from("")],
            by_bytes: HashMap::default(),
            by_world: Vec::new(),
        }
    }
}

impl Paths {
    /// The id of the path with these bytes (lossy UTF-8).
    pub fn get(&mut self, bytes: &[u8]) -> PathId {
        if bytes.is_empty() {
            return 0;
        }
        if let Some(&i) = self.by_bytes.get(bytes) {
            return i;
        }
        if self.names.len() >= MAX_PATHS {
            return 0;
        }
        let i = self.names.len() as PathId;
        self.names
            .push(Rc::from(String::from_utf8_lossy(bytes).as_ref()));
        self.by_bytes.insert(bytes.into(), i);
        i
    }

    /// The id of the path the world calls `world_id` (0: unknown), whose bytes are `bytes`.
    #[inline]
    pub fn resolve(&mut self, world_id: u32, bytes: &[u8]) -> PathId {
        let w = world_id as usize;
        if let Some(&i) = self.by_world.get(w) {
            if i != 0 {
                debug_assert_eq!(
                    self.names[i as usize - 1].as_bytes(),
                    bytes,
                    "world path id {world_id} names two paths"
                );
                return i - 1;
            }
        }
        let i = self.get(bytes);
        if world_id != 0 && w < MAX_PATHS {
            if self.by_world.len() <= w {
                self.by_world.resize(w + 1, 0);
            }
            self.by_world[w] = i + 1;
        }
        i
    }

    /// The id of a path already interned (by its text).
    pub fn find(&self, path: &str) -> Option<PathId> {
        self.by_bytes.get(path.as_bytes()).copied()
    }

    /// The text of a path.
    pub fn name(&self, id: PathId) -> &Rc<str> {
        self.names.get(id as usize).unwrap_or(&self.names[0])
    }

    /// How many paths are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when only the empty path is known.
    pub fn is_empty(&self) -> bool {
        self.names.len() == 1
    }
}

/// The entry for `id` in a per-path table, growing the table as needed.
#[inline]
pub fn slot<T: Default>(table: &mut Vec<T>, id: PathId) -> &mut T {
    let i = id as usize;
    if table.len() <= i {
        table.resize_with(i + 1, T::default);
    }
    &mut table[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_ids_and_bytes_meet_on_one_id() {
        let mut p = Paths::default();
        let a = p.get(b"root/a");
        assert_eq!(p.resolve(7, b"root/a"), a);
        assert_eq!(p.resolve(7, b"root/a"), a, "found by the world id");
        let b = p.resolve(3, b"root/b");
        assert_ne!(a, b);
        assert_eq!(&**p.name(b), "root/b");
        assert_eq!(p.find("root/b"), Some(b));
        assert_eq!(p.get(b""), 0);
        assert_eq!(&**p.name(999), "");
    }
}
