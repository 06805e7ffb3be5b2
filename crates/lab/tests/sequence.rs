//! The sequence chart: one lane per process (kept across a restart), an arrow from each
//! send to its handling, calls paired with replies, exit signals and their ends, hidden
//! lanes that keep causality, folding, the window and the cursor, and the two exports
//! (Mermaid text, SVG) as their consumers read them.

mod common;

use common::run;
use otp_lab_lab::history::{Fate, Kind};
use otp_lab_lab::sequence::{mermaid::mermaid, svg, ArrowKind, Chart, Query};
use otp_lab_lab::Lab;

fn query() -> Query {
    Query {
        rows: 400,
        ..Query::default()
    }
}

fn lane(c: &Chart, key: &str) -> usize {
    c.lanes
        .iter()
        .position(|l| l.key == key)
        .unwrap_or_else(|| panic!("no lane {key} in {:?}", c.lanes))
}

#[test]
fn a_call_and_its_reply_are_paired_arrows_between_the_shell_and_the_server() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    run(&mut lab, "GenServer.call(\"demo/counter_1\", :get)");
    let c = lab.sequence(&query());
    let shell = lane(&c, "shell");
    let counter = lane(&c, "demo/counter_1");
    assert_eq!(shell, 0, "the shell comes first");
    let call = c
        .arrows
        .iter()
        .rfind(|a| a.kind == ArrowKind::Msg(Kind::Call))
        .expect("the call");
    assert_eq!((call.from, call.to), (shell, counter));
    assert_eq!(call.label, "get");
    assert_eq!(call.fate, Fate::Taken);
    let reply = c
        .arrows
        .iter()
        .find(|a| Some(a.id) == call.pair)
        .expect("its reply");
    assert_eq!(reply.kind, ArrowKind::Msg(Kind::Reply));
    assert_eq!((reply.from, reply.to), (counter, shell));
    assert_eq!(reply.pair, Some(call.id));
    assert!(reply.y0 > call.y0, "the reply is sent after the call");
    assert_eq!(
        c.lanes[counter].group, "demo",
        "grouped under its supervisor"
    );
    // the detail of the call: the term as the server got it, and the state around it
    let d = lab.message_detail(call.id).expect("kept");
    assert_eq!(d.kind, "call");
    assert!(
        d.term.starts_with("{'$gen_call',{<0.1.0>,[alias|#Ref<"),
        "{}",
        d.term
    );
    assert_eq!(d.state, Some(("0".into(), "0".into())));
    assert_eq!(d.pair.map(|p| p.0), Some(reply.id));
    assert!(d.fate.starts_with("taken by a receive at"), "{}", d.fate);
    assert!(
        d.lines.iter().any(|l| l.contains("handle_call(get")),
        "{:?}",
        d.lines
    );
}

#[test]
fn a_restart_keeps_the_lane_and_marks_the_new_pid_and_the_killing_signal() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    let old = lab.world().whereis_path("demo/counter_1").unwrap();
    run(&mut lab, "Process.exit(\"demo/counter_1\", :kill)");
    lab.advance(10_000);
    let new = lab.world().whereis_path("demo/counter_1").unwrap();
    assert_ne!(old, new);
    let c = lab.sequence(&query());
    let counter = lane(&c, "demo/counter_1");
    assert_eq!(c.lanes[counter].pids, vec![old, new], "one lane, both pids");
    assert!(c
        .marks
        .iter()
        .any(|m| m.lane == counter && m.pid == old && m.exit.as_deref() == Some("killed")));
    assert!(c
        .marks
        .iter()
        .any(|m| m.lane == counter && m.pid == new && m.exit.is_none()));
    let shell = lane(&c, "shell");
    let kill = c
        .arrows
        .iter()
        .find(|a| a.kind == ArrowKind::Msg(Kind::ExitSignal { link: false }))
        .expect("the exit signal of Process.exit/2");
    assert_eq!((kill.from, kill.to), (shell, counter));
    assert_eq!(kill.fate, Fate::Killed);
    assert_eq!(kill.label, "exit: kill");
    // the dying worker's signal to its trapping supervisor arrives as an 'EXIT' message
    let demo = lane(&c, "demo");
    let link = c
        .arrows
        .iter()
        .find(|a| a.kind == ArrowKind::Msg(Kind::ExitSignal { link: true }) && a.to == demo)
        .expect("the link's exit signal");
    assert_eq!(link.from, counter);
    assert_eq!(link.fate, Fate::Taken, "trapped, then taken as 'EXIT'");
}

#[test]
fn a_hidden_lane_keeps_the_causality_that_passed_through_it() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    run(&mut lab, "Supervisor.terminate_child(:demo, :counter_1)");
    let shown = lab.sequence(&query());
    assert!(shown
        .arrows
        .iter()
        .all(|a| matches!(a.kind, ArrowKind::Msg(_))));
    let c = lab.sequence(&Query {
        hidden: vec!["demo".into()],
        ..query()
    });
    assert!(c.lanes.iter().all(|l| l.key != "demo"), "{:?}", c.lanes);
    let shell = lane(&c, "shell");
    let counter = lane(&c, "demo/counter_1");
    let via = c
        .arrows
        .iter()
        .find(|a| matches!(a.kind, ArrowKind::Via(_)) && a.to == counter)
        .expect("the shell's call caused demo's shutdown signal to counter_1");
    assert_eq!((via.from, via.to), (shell, counter));
    assert_eq!(via.via, vec!["demo".to_string()]);
    assert_eq!(via.kind, ArrowKind::Via(Kind::ExitSignal { link: false }));
    assert!(via.label.contains("shutdown"), "{}", via.label);
    // and demo's reply, sent once counter_1's 'EXIT' came back, reaches the shell from it
    assert!(c
        .arrows
        .iter()
        .any(|a| a.kind == ArrowKind::Via(Kind::Reply) && (a.from, a.to) == (counter, shell)));
}

#[test]
fn picking_a_lane_shows_only_its_messages_and_folding_counts_repeats() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    for _ in 0..5 {
        run(&mut lab, "GenServer.cast(\"demo/counter_1\", :increment)");
    }
    run(&mut lab, "GenServer.call(\"demo/counter_2\", :get)");
    let picked = Query {
        picked: vec!["demo/counter_1".into()],
        ..query()
    };
    let c = lab.sequence(&picked);
    let counter = lane(&c, "demo/counter_1");
    assert!(c
        .arrows
        .iter()
        .all(|a| a.from == counter || a.to == counter));
    assert!(c.lanes.iter().all(|l| l.key != "demo/counter_2"));
    let casts = |c: &Chart| {
        c.arrows
            .iter()
            .filter(|a| a.kind == ArrowKind::Msg(Kind::Cast))
            .map(|a| a.count)
            .collect::<Vec<_>>()
    };
    assert_eq!(casts(&c), vec![1; 5]);
    let folded = lab.sequence(&Query {
        fold: true,
        ..picked
    });
    assert_eq!(casts(&folded), vec![5]);
    assert_eq!(folded.total_rows, c.total_rows - 4);
    assert!(mermaid(&folded).contains(": increment ×5\n"));
}

#[test]
fn the_window_follows_the_cursor_and_draws_only_its_rows() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    for _ in 0..300 {
        run(&mut lab, "GenServer.cast(\"demo/counter_1\", :increment)");
    }
    let all = lab.sequence(&query());
    assert!(all.total_rows > 300);
    let c = lab.sequence(&Query {
        rows: 50,
        ..query()
    });
    assert_eq!(c.total_rows, all.total_rows);
    assert_eq!(c.first_row, c.total_rows - 50, "follows the newest");
    assert_eq!(c.row_times.len(), 50);
    assert!(c.arrows.len() <= 60, "{}", c.arrows.len());
    assert!(c.cursor.is_none());
    // a cursor in the past: the window ends there and draws it
    let line = lab.log_len() / 2;
    let past = lab.sequence(&Query {
        rows: 50,
        cursor_line: Some(line),
        ..query()
    });
    let cursor = past.cursor.expect("the cursor is in the window");
    assert!(past.first_row + 50 <= c.first_row);
    assert!(cursor >= past.first_row as f32 && cursor <= (past.first_row + 50) as f32);
    // a window chosen by the reader
    let top = lab.sequence(&Query {
        rows: 20,
        first_row: Some(0),
        ..query()
    });
    assert_eq!(top.first_row, 0);
    assert_eq!(top.row_times.len(), 20);
}

#[test]
fn the_svg_export_is_well_formed_xml_with_every_lane_and_arrow() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    run(&mut lab, "GenServer.call(\"demo/counter_1\", :get)");
    run(&mut lab, "send(pid(\"0.3.0\"), {:hello, \"<&>\"})");
    run(&mut lab, "Process.exit(\"demo/counter_1\", :kill)");
    lab.advance(10_000);
    let c = lab.sequence(&query());
    let text = svg::standalone(&c);
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let with = |attr: &str| {
        doc.descendants()
            .filter(|n| n.attribute(attr).is_some())
            .count()
    };
    assert_eq!(with("data-lane"), c.lanes.len());
    assert_eq!(with("data-id"), c.arrows.len());
    assert!(text.contains("{hello,&lt;&lt;&quot;&lt;&amp;&gt;&quot;&gt;&gt;}"));
    // the page's two parts parse too
    roxmltree::Document::parse(&svg::header(&c)).expect("header");
    roxmltree::Document::parse(&svg::body(&c)).expect("body");
}

#[test]
fn the_mermaid_export_names_lanes_and_escapes_what_mermaid_reads_as_markup() {
    let mut lab = Lab::demo(1);
    lab.advance(1_000);
    run(&mut lab, "GenServer.call(\"demo/counter_1\", :get)");
    run(&mut lab, "send(pid(\"0.3.0\"), {:semi, \";#\"})");
    let c = lab.sequence(&query());
    let text = mermaid(&c);
    assert!(text.starts_with("sequenceDiagram\n"));
    assert!(text.contains("    box transparent demo\n"), "{text}");
    let shell = lane(&c, "shell");
    let counter = lane(&c, "demo/counter_1");
    assert!(text.contains(&format!(
        "participant P{counter} as demo/counter_1 #lt;0.3.0#gt;\n"
    )));
    assert!(
        text.contains(&format!("    P{shell}->>P{counter}: get\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("    P{counter}-->>P{shell}: 0\n")),
        "{text}"
    );
    assert!(text.contains("#lt;#lt;\"#59;#35;\"#gt;#gt;"), "{text}");
    for line in text.lines().skip(1) {
        let label = line.split_once(": ").map_or(line, |(_, l)| l);
        assert!(!label.contains(['<', '>']), "{line}");
    }
}

#[test]
fn the_chart_kept_between_frames_equals_the_chart_drawn_at_once() {
    let lines = [
        "GenServer.cast(\"demo/counter_1\", :increment)",
        "GenServer.call(\"demo/counter_1\", :get)",
        "Supervisor.terminate_child(:demo, :counter_2)",
        "Supervisor.restart_child(:demo, :counter_2)",
        "GenServer.cast(\"demo/counter_1\", :increment)",
        "GenServer.cast(\"demo/counter_1\", :increment)",
        "Process.exit(\"demo/printer\", :kill)",
        "GenServer.call(\"demo/counter_2\", :get)",
    ];
    for q in [
        query(),
        Query {
            fold: true,
            ..query()
        },
        Query {
            hidden: vec!["demo".into()],
            fold: true,
            ..query()
        },
        Query {
            picked: vec!["demo/counter_1".into()],
            ..query()
        },
    ] {
        let (mut every_step, mut at_end) = (Lab::demo(3), Lab::demo(3));
        for line in lines {
            for lab in [&mut every_step, &mut at_end] {
                run(lab, line);
                lab.advance(2_000);
            }
            every_step.sequence(&q);
        }
        assert_eq!(every_step.sequence(&q), at_end.sequence(&q), "{q:?}");
    }
}
