//! Fuzzes the scenario parser: any bytes give a scenario or an error, never a panic or a
//! hang; a parsed supervisor scenario also starts in the lab within its limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(scn) = otp_lab_sim::scenario::parse(&text) {
        let _ = otp_lab_lab::Lab::from_scenario(&scn, None, |_| {});
    }
});
