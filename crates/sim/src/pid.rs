//! Process identifiers and references.
//!
//! A [`Pid`] names a slot of the process table plus the serial number the process was
//! born with; serials are never reused, so a pid of a dead process never finds a new one.
//! Pids order by serial (creation order), as local pids do on the BEAM.

use std::cmp::Ordering;
use std::fmt;

/// A process identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pid {
    pub(crate) slot: u32,
    pub(crate) serial: u32,
}

impl Pid {
    /// A pid that names no process (used as "nobody").
    pub const NONE: Pid = Pid {
        slot: u32::MAX,
        serial: 0,
    };

    /// The serial number: unique over the whole run, shown as `<0.SERIAL.0>`.
    pub fn serial(self) -> u32 {
        self.serial
    }

    /// The process-table slot: dense, reused once the process is gone (the serial tells
    /// incarnations apart). Lets observers keep per-process data in a `Vec`.
    pub fn slot(self) -> u32 {
        self.slot
    }

    /// True for [`Pid::NONE`].
    pub fn is_none(self) -> bool {
        self.slot == u32::MAX
    }

    /// Packs the pid into one `u64` (for columnar storage).
    pub fn to_bits(self) -> u64 {
        ((self.slot as u64) << 32) | self.serial as u64
    }

    /// Inverse of [`Pid::to_bits`].
    pub fn from_bits(bits: u64) -> Pid {
        Pid {
            slot: (bits >> 32) as u32,
            serial: bits as u32,
        }
    }
}

impl PartialOrd for Pid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pid {
    fn cmp(&self, other: &Self) -> Ordering {
        self.serial.cmp(&other.serial)
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            f.write_str("undefined")
        } else {
            write!(f, "<0.{}.0>", self.serial)
        }
    }
}

/// A unique reference (`make_ref()`, monitor references, call tags, timer references).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ref(pub(crate) u64);

impl Ref {
    /// The reference numbered `id` (as a console reads `#Ref<0.0.0.N>` back).
    pub fn from_id(id: u64) -> Ref {
        Ref(id)
    }

    /// The reference's number.
    pub fn id(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Ref<0.0.0.{}>", self.0)
    }
}
