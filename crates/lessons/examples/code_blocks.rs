//! Writes every lesson's code blocks into a directory, for `tests/real/lesson_code.exs` to
//! run in real Elixir and Erlang: `NN.ex` and `NN.erl` (the code) and `NN.meta` (the
//! lesson's id, then its sandbox's preset id, or `scenario` and a line with its root's
//! child ids).
//!
//! `cargo run -q -p otp-lab-lessons --example code_blocks -- DIR`

use otp_lab_lessons::{Block, LESSONS};
use otp_lab_session::experiment::Source;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: code_blocks DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir).expect("create the directory");
    let mut n = 0;
    for l in LESSONS {
        for b in l.prose {
            let Block::Code { elixir, erlang } = b else {
                continue;
            };
            let sandbox = match l.experiment().source {
                Source::Preset(id) => id,
                Source::Scenario(text) => format!("scenario\n{}", root_children(&text)),
            };
            let file = |ext: &str| format!("{dir}/{n:02}.{ext}");
            std::fs::write(file("ex"), elixir).expect("write");
            std::fs::write(file("erl"), erlang).expect("write");
            std::fs::write(file("meta"), format!("{}\n{sandbox}", l.id)).expect("write");
            n += 1;
        }
    }
    println!("{n} code blocks written to {dir}");
}

/// The ids of a scenario's root children, space-separated.
fn root_children(text: &str) -> String {
    let paths = otp_lab_session::faults::tree_paths(text).expect("a lesson's sandbox parses");
    let ids: Vec<&str> = paths
        .iter()
        .filter_map(|(p, _)| p.split_once('/').map(|(_, rest)| rest))
        .filter(|rest| !rest.contains('/'))
        .collect();
    ids.join(" ")
}
