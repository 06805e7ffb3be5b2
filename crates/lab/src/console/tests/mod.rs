//! The console's tests: Elixir lines (`elixir.rs`), Erlang lines (`erlang.rs`), mistakes
//! and the answers to them (`mistakes.rs`), and properties over generated commands and
//! mangled lines (`properties.rs`). The helpers below read a line into a command.

mod elixir;
mod erlang;
mod mistakes;
mod properties;

use super::*;
use crate::command::{ChildSel, Flavor, StartSpec, Target};
use otp_lab_sim::behaviour::gen_server::spec::WorkerKind;
use otp_lab_sim::pid::Ref;
use otp_lab_sim::supervisor::spec::{RestartType, Strategy as SupStrategy};
use otp_lab_sim::term::parse_term;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::Strategy;

fn run(line: &str) -> (Command, Syntax) {
    match parse(line) {
        Ok(Input::Command(c, s)) => (c, s),
        other => panic!("{line:?} gave {other:?}"),
    }
}

/// The command of an Elixir line.
fn ex(line: &str) -> Command {
    let (c, s) = run(line);
    assert_eq!(s, Syntax::Elixir, "{line}");
    c
}

/// The command of an Erlang line.
fn erl(line: &str) -> Command {
    let (c, s) = run(line);
    assert_eq!(s, Syntax::Erlang, "{line}");
    c
}

fn err(line: &str) -> String {
    match parse(line) {
        Err(e) => e,
        Ok(i) => panic!("{line:?} should fail, gave {i:?}"),
    }
}

fn name(n: &str) -> Target {
    Target::Name(n.to_string())
}

fn path(p: &str) -> Target {
    Target::Path(p.to_string())
}

fn t(erlang: &str) -> Term {
    parse_term(erlang).unwrap()
}

fn bin(s: &str) -> Term {
    Term::Binary(Rc::from(s.as_bytes()))
}

fn demo() -> Target {
    name("demo")
}
