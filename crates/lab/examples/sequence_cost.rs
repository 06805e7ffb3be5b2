//! What the sequence view costs per frame with a full message history: 100,000 casts to a
//! counter, then the chart's window drawn once from scratch and then frame by frame with
//! 20 new messages each (the rows are kept between frames and extended).
//!
//!     cargo run --release -p otp-lab-lab --example sequence_cost

use otp_lab_lab::command::Command;
use otp_lab_lab::console::{self, Input};
use otp_lab_lab::sequence::Query;
use otp_lab_lab::Lab;
use std::time::Instant;
fn main() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    let input = console::parse_in(
        "GenServer.cast(\"demo/counter_1\", :increment)",
        lab.scope(),
    )
    .unwrap();
    let Input::Command(cmd, _) = input else {
        panic!()
    };
    let cmd: Command = cmd;
    let t = Instant::now();
    for _ in 0..100_000 {
        let _ = lab.exec(&cmd);
    }
    eprintln!("exec {:?} history {}", t.elapsed(), lab.history().len());
    for fold in [false, true] {
        let q = Query {
            rows: 40,
            fold,
            ..Query::default()
        };
        let t = Instant::now();
        std::hint::black_box(lab.sequence(&q));
        let first = t.elapsed();
        let mut frames = std::time::Duration::ZERO;
        for _ in 0..50 {
            for _ in 0..20 {
                let _ = lab.exec(&cmd);
            }
            let t = Instant::now();
            std::hint::black_box(lab.sequence(&q));
            frames += t.elapsed();
        }
        eprintln!("fold {fold}: first chart {first:?}, then {:?} per frame with 20 new casts (history {})", frames / 50, lab.history().len());
    }
}
