//! The course: twenty-two lessons, from a process's pid to a tree that survives chaos,
//! in the order a learner takes them.

mod children;
mod design;
mod processes;
mod strategies;

use crate::Lesson;

#[cfg(test)]
pub use design::CAPSTONE_SOLUTION;
pub use design::{capstone_verdict, CAPSTONE_GIVEN};

pub static LESSONS: &[Lesson] = &[
    processes::PROCESSES,
    processes::MESSAGES,
    processes::LINKS,
    processes::TRAP_EXIT,
    processes::MONITORS,
    processes::EXIT_REASONS,
    strategies::LAB_TOOLS,
    strategies::ONE_FOR_ONE,
    strategies::ONE_FOR_ALL,
    strategies::REST_FOR_ONE,
    children::CHILD_SPECS,
    children::RESTART_TYPES,
    strategies::INTENSITY,
    strategies::ESCALATION,
    children::SHUTDOWN,
    children::DYNAMIC,
    children::DYNAMIC_PRACTICE,
    children::CHILD_API,
    strategies::ANALYTICS,
    processes::FOLLOWING_MESSAGES,
    design::DESIGNING,
    design::CAPSTONE,
];
