//! The native side of the cross-target determinism check: the presets' event-log
//! hashes equal `tests/fingerprints.txt` (tests/web.rs checks the same file in wasm).
//! Regenerate after an intended change: `OTP_LAB_BLESS=1 cargo test -p otp-lab-lab --test fingerprints`.

#[test]
fn native_runs_match_the_recorded_fingerprints() {
    let got = otp_lab_lab::fingerprint::fingerprint_text();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fingerprints.txt");
    if std::env::var_os("OTP_LAB_BLESS").is_some() {
        std::fs::write(path, &got).expect("write fingerprints");
    }
    let want = std::fs::read_to_string(path).expect("tests/fingerprints.txt");
    assert_eq!(got, want, "event-log hashes changed");
    assert!(want.lines().count() >= 15);
}
