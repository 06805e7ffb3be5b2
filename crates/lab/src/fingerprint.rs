//! Fingerprints of runs: the event-log hash of every preset under several seeds after
//! ten virtual seconds under a seeded chaos script (added to their own). The same list must come out of
//! every build target — `tests/fingerprints.txt` holds it; a native test and a browser
//! test (tests/web.rs) both compare against it, so native and wasm runs are the same.

use crate::presets::PRESETS;
use crate::Lab;
use otp_lab_sim::scenario::{Fault, FaultAction, FaultWhen};

/// Seeds each preset runs with.
pub const SEEDS: [u64; 3] = [1, 7, 1_000_003];

/// Virtual time each run covers (µs).
pub const RUN_US: u64 = 10_000_000;

/// `(name, events, hash)` for every preset (but the 10,000-node one) and seed.
pub fn fingerprints() -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    for p in PRESETS.iter().filter(|p| p.generate.is_none()) {
        let Ok(mut scn) = otp_lab_sim::scenario::parse(p.scenario) else {
            continue;
        };
        // seeded chaos on top of the preset's own script: the seed decides who dies when
        if let otp_lab_sim::scenario::Body::Sup { root_id, .. } = &scn.body {
            let target = format!("{root_id}/*");
            scn.faults.push(Fault {
                when: FaultWhen::Every {
                    every: 97,
                    from: 50,
                    until: None,
                    probability: 0.6,
                },
                target: target.clone(),
                action: FaultAction::Kill,
            });
            scn.faults.push(Fault {
                when: FaultWhen::Every {
                    every: 331,
                    from: 120,
                    until: None,
                    probability: 0.5,
                },
                target,
                action: FaultAction::Crash(otp_lab_sim::term::Term::atom("chaos")),
            });
        }
        for seed in SEEDS {
            if let Ok(mut lab) = Lab::from_scenario(&scn, Some(seed), |_| {}) {
                lab.advance_to(RUN_US);
                let log = &lab.world().log;
                out.push((format!("{}/{seed}", p.id), log.total(), log.hash()));
            }
        }
    }
    out
}

/// The fingerprints as text, one `name events hash` line each.
pub fn fingerprint_text() -> String {
    fingerprints()
        .into_iter()
        .map(|(n, e, h)| format!("{n} {e} {h:016x}\n"))
        .collect()
}
