//! Fuzzes the console parser: any line parses or gives a message, never a panic; a
//! parsed command prints as a line that parses again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otp_lab_lab::console::{parse, Input};

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    if let Ok(Input::Command(cmd, _)) = parse(&line) {
        let _ = parse(&cmd.to_elixir());
    }
});
