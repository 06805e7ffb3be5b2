//! Shared path strings: a supervision path seen in an event (as bytes) becomes one
//! `Rc<str>` that every table shares, so hot paths clone a pointer instead of allocating.

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

/// Interns paths.
#[derive(Clone, Debug, Default)]
pub struct Paths {
    map: HashMap<Vec<u8>, Rc<str>>,
}

impl Paths {
    /// The shared string for these bytes (lossy UTF-8).
    pub fn get(&mut self, bytes: &[u8]) -> Rc<str> {
        if let Some(p) = self.map.get(bytes) {
            return p.clone();
        }
        let p: Rc<str> = Rc::from(String::from_utf8_lossy(bytes).as_ref());
        if self.map.len() < 1_000_000 {
            self.map.insert(bytes.to_vec(), p.clone());
        }
        p
    }
}
