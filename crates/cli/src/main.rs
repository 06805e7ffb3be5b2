//! `otp-lab`: the simulator on the command line.
//!
//! - `otp-lab trace FILE.json` prints a scenario's trace in the conformance format.
//! - `otp-lab bench` runs the benchmark workloads of `bench/WORKLOADS.md`.
//!
//! Invalid input gives exit status 2 and one line on stderr naming the problem and where.

use otp_lab_sim::scenario::{self, runner};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: otp-lab trace FILE.json | otp-lab bench [--quick]";

fn fail(msg: &str) -> ExitCode {
    let line = msg.replace('\n', " ");
    eprintln!("otp-lab: {line}");
    ExitCode::from(2)
}

fn read_scenario(path: &str) -> Result<scenario::Scenario, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?;
    if meta.len() > scenario::MAX_FILE_BYTES as u64 {
        return Err(format!(
            "{path}: file is {} bytes, more than the {} allowed",
            meta.len(),
            scenario::MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    scenario::parse(&text).map_err(|e| format!("{path}: {e}"))
}

fn trace(path: &str) -> ExitCode {
    let scn = match read_scenario(path) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match runner::run(&scn) {
        Ok(out) => {
            let mut s = String::new();
            for l in &out.lines {
                s.push_str(l);
                s.push('\n');
            }
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(s.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("{path}: {e}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["trace", file] => trace(file),
        _ => fail(USAGE),
    }
}
