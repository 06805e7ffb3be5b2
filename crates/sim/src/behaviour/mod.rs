//! Behaviours: what a process runs.
//!
//! Each behaviour is an explicit state machine. The scheduler calls [`Behaviour::run`];
//! the behaviour reads its mailbox through the world, performs BIFs, and answers
//! [`Flow::Continue`] (it did something, call again), [`Flow::Wait`] (blocked in a receive)
//! or [`Flow::Exit`] (the process terminates with that reason).

pub mod bench;
pub mod gen_server;
pub mod puppet;

use crate::atom::Atom;
use crate::pid::Pid;
use crate::supervisor::Supervisor;
use crate::term::Term;
use crate::world::World;

/// What a behaviour asks of the scheduler after one run.
#[derive(Debug)]
pub enum Flow {
    /// Made progress; run again (budget permitting).
    Continue,
    /// Blocked: nothing in the mailbox it can take now.
    Wait,
    /// The process exits with this reason.
    Exit(Term),
}

/// The code a process runs.
#[derive(Default)]
pub enum Behaviour {
    /// Placeholder while the real behaviour is running (never scheduled).
    #[default]
    Taken,
    /// `loop() -> receive _ -> loop() end`: takes every message, never exits by itself.
    Loop,
    /// Returns at once: exits `normal` when first scheduled.
    ExitNormal,
    /// A `gen_server` worker.
    Server(Box<gen_server::GenServer>),
    /// An OTP supervisor.
    Supervisor(Box<Supervisor>),
    /// A raw-family puppet (scenario tests of links and monitors).
    Puppet(Box<puppet::Puppet>),
    /// A benchmark process.
    Bench(Box<bench::BenchProc>),
    /// A process driven from outside (the scenario driver, the console): its mailbox is
    /// read by the owner of the world.
    External,
}

impl Behaviour {
    /// A short name for logs (`Spawn` events).
    pub fn name(&self) -> Atom {
        match self {
            Behaviour::Taken => Atom::TAKEN,
            Behaviour::Loop => Atom::LOOP,
            Behaviour::ExitNormal => Atom::EXIT_NORMAL,
            Behaviour::Server(_) => Atom::GEN_SERVER,
            Behaviour::Supervisor(_) => Atom::SUPERVISOR,
            Behaviour::Puppet(_) => Atom::PUPPET,
            Behaviour::Bench(_) => Atom::BENCH,
            Behaviour::External => Atom::EXTERNAL,
        }
    }

    pub(crate) fn run(&mut self, w: &mut World, me: Pid) -> Flow {
        match self {
            Behaviour::Taken | Behaviour::External => Flow::Wait,
            Behaviour::Loop => {
                w.next_msg(me);
                if w.has_mail(me) {
                    Flow::Continue
                } else {
                    Flow::Wait
                }
            }
            Behaviour::ExitNormal => Flow::Exit(Term::NORMAL),
            Behaviour::Server(s) => s.run(w, me),
            Behaviour::Supervisor(s) => s.run(w, me),
            Behaviour::Puppet(p) => p.run(w, me),
            Behaviour::Bench(b) => b.run(w, me),
        }
    }

    /// The supervisor state, if this is one.
    pub fn as_supervisor(&self) -> Option<&Supervisor> {
        match self {
            Behaviour::Supervisor(s) => Some(s),
            _ => None,
        }
    }

    /// The worker state, if this is one.
    pub fn as_server(&self) -> Option<&gen_server::GenServer> {
        match self {
            Behaviour::Server(s) => Some(s),
            _ => None,
        }
    }
}
