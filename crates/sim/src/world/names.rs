//! Names: registered names (`register/2`, `whereis/1`) and the supervision-tree paths
//! the simulator interns for processes (`demo/counter_1`), with the `init` attempts
//! counted per path (scripted init results depend on the attempt).

use super::World;
use crate::atom::Atom;
use crate::event::EventKind;
use crate::pid::Pid;
use crate::term::Term;
use std::rc::Rc;

impl World {
    /// The pid registered under `name`.
    pub fn whereis(&self, name: Atom) -> Option<Pid> {
        self.names.get(&name).copied()
    }

    /// `register(Name, Pid)`: false if the name is taken or the process is dead.
    pub fn register(&mut self, name: Atom, pid: Pid) -> bool {
        if self.names.contains_key(&name) || !self.is_alive(pid) {
            return false;
        }
        self.names.insert(name, pid);
        if let Some(p) = self.process_mut(pid) {
            p.registered = Some(name);
        }
        self.emit(EventKind::Register, pid, Pid::NONE, 0, &Term::Atom(name));
        true
    }

    /// Interns a path; returns its id (never 0).
    pub fn intern_path(&mut self, path: &str) -> u32 {
        if let Some(&i) = self.path_index.get(path) {
            return i;
        }
        let rc: Rc<str> = Rc::from(path);
        let i = self.paths.len() as u32;
        self.paths.push(rc.clone());
        self.path_owner.push(Pid::NONE);
        self.path_index.insert(rc, i);
        i
    }

    /// The path with this id ("" for 0 or unknown ids).
    pub fn path_name(&self, id: u32) -> &str {
        self.paths.get(id as usize).map(|s| &**s).unwrap_or("")
    }

    /// The id of an interned path (0 if it never was).
    pub fn path_id(&self, path: &str) -> u32 {
        self.path_index.get(path).copied().unwrap_or(0)
    }

    /// The bytes of the path with this id, shared (no copy).
    pub(crate) fn path_bytes(&self, id: u32) -> Rc<[u8]> {
        Rc::from(
            self.paths
                .get(id as usize)
                .unwrap_or(&self.paths[0])
                .clone(),
        )
    }

    /// The path id of a live process (0 if it has none or is not alive).
    pub(crate) fn path_id_of(&self, pid: Pid) -> u32 {
        self.process(pid).map_or(0, |p| p.path)
    }

    /// The path of a live process ("" if it has none).
    pub fn path_of(&self, pid: Pid) -> &str {
        self.process(pid)
            .map(|p| self.path_name(p.path))
            .unwrap_or("")
    }

    /// The live process whose path is `path` (the newest, if several).
    pub fn whereis_path(&self, path: &str) -> Option<Pid> {
        let id = *self.path_index.get(path)?;
        // the newest spawned with it, while it lives (a newer one would have replaced it)
        let owner = self.path_owner[id as usize];
        if self.is_alive(owner) {
            return Some(owner);
        }
        self.processes()
            .filter(|p| p.path == id)
            .map(|p| p.pid)
            .max()
    }

    /// Counts one more `init` attempt for `path`; returns the attempt number (1-based).
    pub(crate) fn next_attempt(&mut self, path: u32) -> u32 {
        let n = self.attempts.entry(path).or_insert(0);
        *n += 1;
        *n
    }
}
