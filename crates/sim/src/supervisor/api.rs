//! The supervisor's API vocabulary: what `supervisor:start_child/2`, `terminate_child/2`,
//! `which_children/1` and the other calls send, as plain data. As in OTP, where
//! `supervisor.erl` owns its API and `gen_server` knows nothing of supervisors, a call
//! travels as `Request::Supervisor` inside an ordinary `'$gen_call'`; the supervisor's
//! `handle_call` clauses are in `calls.rs`.

use crate::pid::Pid;
use crate::supervisor::spec::{ChildSpec, Strategy};
use crate::term::Term;
use std::rc::Rc;

/// How a child is named in `terminate_child`.
#[derive(Clone, Debug)]
pub enum ChildRef {
    Id(Term),
    Pid(Pid),
}

/// The argument of `supervisor:start_child/2`.
#[derive(Clone, Debug)]
pub enum StartChildArg {
    /// A child spec (any strategy but `simple_one_for_one`).
    Spec(Rc<ChildSpec>),
    /// Extra arguments for a `simple_one_for_one` child: the instance name.
    Args(Term),
}

/// A call of the supervisor's API.
#[derive(Clone, Debug)]
pub enum SupervisorCall {
    WhichChildren,
    CountChildren,
    StartChild(StartChildArg),
    TerminateChild(ChildRef),
    RestartChild(Term),
    DeleteChild(Term),
    GetChildspec(Term),
    /// Beyond OTP: stop restarting children until resumed.
    Pause,
    /// Beyond OTP: restart what the pause left stopped.
    Resume,
    /// Beyond OTP: change the restart strategy at run time.
    ChangeStrategy(Strategy),
    /// Beyond OTP: change the restart intensity and period (seconds) at run time.
    ChangeIntensity {
        intensity: u32,
        period: u32,
    },
}

impl SupervisorCall {
    /// The request as the Erlang term a `'$gen_call'` carries.
    pub fn to_term(&self) -> Term {
        use SupervisorCall as C;
        match self {
            C::WhichChildren => Term::atom("which_children"),
            C::CountChildren => Term::atom("count_children"),
            C::StartChild(StartChildArg::Spec(spec)) => {
                Term::pair(Term::atom("start_child"), spec.id.clone())
            }
            C::StartChild(StartChildArg::Args(a)) => {
                Term::pair(Term::atom("start_child"), Term::list(vec![a.clone()]))
            }
            C::TerminateChild(ChildRef::Id(id)) => {
                Term::pair(Term::atom("terminate_child"), id.clone())
            }
            C::TerminateChild(ChildRef::Pid(p)) => {
                Term::pair(Term::atom("terminate_child"), Term::Pid(*p))
            }
            C::RestartChild(id) => Term::pair(Term::atom("restart_child"), id.clone()),
            C::DeleteChild(id) => Term::pair(Term::atom("delete_child"), id.clone()),
            C::GetChildspec(id) => Term::pair(Term::atom("get_childspec"), id.clone()),
            C::Pause => Term::atom("pause"),
            C::Resume => Term::atom("resume"),
            C::ChangeStrategy(s) => Term::pair(Term::atom("change_strategy"), Term::atom(s.name())),
            C::ChangeIntensity { intensity, period } => Term::tuple(vec![
                Term::atom("change_intensity"),
                Term::Int(*intensity as i64),
                Term::Int(*period as i64),
            ]),
        }
    }
}
