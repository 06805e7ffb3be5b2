//! Atoms: interned names, compared and copied as a `u32`.
//!
//! The well-known atoms the simulator itself uses (`normal`, `kill`, `killed`, `shutdown`,
//! `noproc`, …) have fixed indices so they are constants; every other atom is interned on
//! first use in a thread-local table. Interning order never reaches any output: atoms print
//! by name and compare by name (Erlang's term order), so the table is invisible to determinism.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

/// An interned atom.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Atom(u32);

macro_rules! known_atoms {
    ($($name:ident = $text:literal),* $(,)?) => {
        #[allow(non_upper_case_globals)]
        impl Atom { known_atoms!(@consts 0u32; $($name),*); }
        const KNOWN: &[&str] = &[$($text),*];
    };
    (@consts $n:expr; $first:ident $(, $rest:ident)*) => {
        pub const $first: Atom = Atom($n);
        known_atoms!(@consts $n + 1u32; $($rest),*);
    };
    (@consts $n:expr;) => {};
}

known_atoms! {
    NORMAL = "normal",
    KILL = "kill",
    KILLED = "killed",
    SHUTDOWN = "shutdown",
    NOPROC = "noproc",
    OK = "ok",
    ERROR = "error",
    UNDEFINED = "undefined",
    TRUE = "true",
    FALSE = "false",
    EXIT = "EXIT",
    DOWN = "DOWN",
    PROCESS = "process",
    IGNORE = "ignore",
    STOP = "stop",
    WORKER = "worker",
    SUPERVISOR = "supervisor",
    RESTARTING = "restarting",
    RUNNING = "running",
    NOT_FOUND = "not_found",
    SIMPLE_ONE_FOR_ONE = "simple_one_for_one",
    ALREADY_STARTED = "already_started",
    ALREADY_PRESENT = "already_present",
    SPECS = "specs",
    ACTIVE = "active",
    SUPERVISORS = "supervisors",
    WORKERS = "workers",
    FAILED_TO_START_CHILD = "failed_to_start_child",
    BAD_COMBINATION = "bad_combination",
    RESTART = "restart",
    PERMANENT = "permanent",
    SIGNIFICANT = "significant",
    AUTO_SHUTDOWN = "auto_shutdown",
    NEVER = "never",
    TIMEOUT = "timeout",
    CRASH = "crash",
    RAISE = "raise",
    PING = "ping",
    PONG = "pong",
    STARTED = "started",
    REACHED_MAX_RESTART_INTENSITY = "reached_max_restart_intensity",
    START_SPEC = "start_spec",
    DUPLICATE_CHILD_NAME = "duplicate_child_name",
    BAD_ARG = "badarg",
    CALLING_SELF = "calling_self",
    PAUSED = "paused",
    NOT_PAUSED = "not_paused",
    BAD_STRATEGY = "bad_strategy",
    NIL = "nil",
    TAKEN = "taken",
    LOOP = "loop",
    EXIT_NORMAL = "exit_normal",
    GEN_SERVER = "gen_server",
    PUPPET = "puppet",
    BENCH = "bench",
    EXTERNAL = "external",
    DONE = "done",
}

struct Table {
    names: Vec<Rc<str>>,
    hashes: Vec<u64>,
    index: HashMap<Rc<str>, u32>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::new());
}

impl Table {
    fn new() -> Table {
        let mut t = Table {
            names: Vec::new(),
            hashes: Vec::new(),
            index: HashMap::new(),
        };
        for name in KNOWN {
            t.intern(name);
        }
        t
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let rc: Rc<str> = Rc::from(name);
        let i = self.names.len() as u32;
        self.names.push(rc.clone());
        self.hashes.push(fnv(name.as_bytes()));
        self.index.insert(rc, i);
        i
    }
}

impl Atom {
    /// The atom with this name, interned on first use.
    pub fn new(name: &str) -> Atom {
        TABLE.with(|t| Atom(t.borrow_mut().intern(name)))
    }

    /// The atom's place in the atom table (dense, from 0: a table index for callers
    /// that keep something per atom).
    #[inline]
    pub fn index(self) -> u32 {
        self.0
    }

    /// The atom's name.
    pub fn name(self) -> Rc<str> {
        TABLE.with(|t| t.borrow().names[self.0 as usize].clone())
    }

    /// Runs `f` on the atom's name without cloning it.
    pub fn with_name<R>(self, f: impl FnOnce(&str) -> R) -> R {
        TABLE.with(|t| f(&t.borrow().names[self.0 as usize]))
    }

    /// The atom as Erlang writes it (`io_lib:write_atom/1`): quoted when it must be.
    pub fn quoted(self) -> String {
        self.with_name(quote_atom)
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.quoted())
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.quoted())
    }
}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Atom {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        TABLE.with(|t| {
            let t = t.borrow();
            t.names[self.0 as usize].cmp(&t.names[other.0 as usize])
        })
    }
}

const fn fnv(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x100_0000_01b3);
        i += 1;
    }
    h
}

const fn known_hashes<const N: usize>(names: &[&str]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        out[i] = fnv(names[i].as_bytes());
        i += 1;
    }
    out
}

const KNOWN_COUNT: usize = KNOWN.len();
static KNOWN_HASHES: [u64; KNOWN_COUNT] = known_hashes::<KNOWN_COUNT>(KNOWN);

/// A hash of the atom's name, independent of interning order.
#[inline]
pub fn atom_hash(a: Atom) -> u64 {
    match KNOWN_HASHES.get(a.0 as usize) {
        Some(h) => *h,
        None => TABLE.with(|t| t.borrow().hashes[a.0 as usize]),
    }
}

const RESERVED: &[&str] = &[
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case",
    "catch", "cond", "div", "end", "fun", "if", "let", "not", "of", "or", "orelse", "receive",
    "rem", "try", "when", "xor",
];

/// Quotes an atom name the way `io_lib:write_atom/1` does.
pub fn quote_atom(name: &str) -> String {
    let mut chars = name.chars();
    let plain = match chars.next() {
        Some(c) if c.is_ascii_lowercase() => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@')
                && !RESERVED.contains(&name)
        }
        _ => false,
    };
    if plain {
        return name.to_string();
    }
    crate::quote::quote_with(name, '\'', |c| {
        Some(std::borrow::Cow::Borrowed(match c {
            '\'' => "\\'",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\t' => "\\t",
            _ => return None,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_atoms_have_their_names() {
        assert_eq!(&*Atom::NORMAL.name(), "normal");
        assert_eq!(&*Atom::NIL.name(), "nil");
        assert_eq!(Atom::new("killed"), Atom::KILLED);
    }

    #[test]
    fn quoting_follows_write_atom() {
        assert_eq!(quote_atom("EXIT"), "'EXIT'");
        assert_eq!(quote_atom("ok"), "ok");
        assert_eq!(quote_atom("receive"), "'receive'");
        assert_eq!(quote_atom("a b"), "'a b'");
        assert_eq!(quote_atom("node@host"), "node@host");
        assert_eq!(quote_atom(""), "''");
    }

    #[test]
    fn atoms_order_by_name() {
        assert!(Atom::new("zeta") > Atom::new("alpha"));
        assert!(Atom::KILL < Atom::KILLED);
    }
}
