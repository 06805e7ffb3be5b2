//! What the lab's tests share: running a console line as the console does.

use otp_lab_lab::console::{self, Input};
use otp_lab_lab::Lab;

/// What the console prints for `line` (its variables and `self()` as the shell sees them).
pub fn run(lab: &mut Lab, line: &str) -> String {
    let input = console::parse_in(line, lab.scope());
    match input.unwrap_or_else(|e| panic!("{line}: {e}")) {
        Input::Command(cmd, syntax) => {
            let r = lab.exec_in(&cmd, syntax);
            console::format_output(&lab.take_printed(), &r, syntax)
        }
        Input::Bind(var, cmd, syntax) => {
            let r = lab.exec_bind(&var, &cmd, syntax);
            console::format_output(&lab.take_printed(), &r, syntax)
        }
        other => panic!("{line}: not a command: {other:?}"),
    }
}
