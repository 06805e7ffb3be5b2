//! The system graph: every live process a node (the shell and unsupervised processes too),
//! links undirected, monitors from watcher to watched, parent → child; edges follow the
//! run; the layout stays put across a restart and stays readable with 200 workers.

mod common;

use common::run;
use otp_lab_lab::graph::{EdgeKind, Graph, Role, NODE_H, NODE_W};
use otp_lab_lab::Lab;

fn edge(g: &Graph, kind: EdgeKind, from: &str, to: &str) -> bool {
    let key = |i: usize| g.nodes[i].key.as_str();
    g.edges
        .iter()
        .any(|e| e.kind == kind && key(e.from) == from && key(e.to) == to)
}

#[test]
fn the_demo_is_its_tree_and_the_shell_with_links_and_parents() {
    let lab = Lab::demo(1);
    let g = lab.graph();
    let keys: Vec<&str> = g.nodes.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "demo",
            "demo/counter_1",
            "demo/counter_2",
            "demo/printer",
            "<0.1.0>"
        ]
    );
    assert_eq!(g.nodes[4].role, Role::Shell);
    assert_eq!(g.nodes[0].role, Role::Supervisor);
    for c in ["demo/counter_1", "demo/counter_2", "demo/printer"] {
        assert!(edge(&g, EdgeKind::Link, "demo", c), "{c}");
        assert!(edge(&g, EdgeKind::Child, "demo", c), "{c}");
    }
    assert!(!g.edges.iter().any(|e| e.kind == EdgeKind::Monitor));
    // the root supervisor is linked to the shell that started it
    assert!(
        edge(&g, EdgeKind::Link, "<0.1.0>", "demo") || edge(&g, EdgeKind::Link, "demo", "<0.1.0>")
    );
}

#[test]
fn a_monitor_is_an_edge_from_watcher_to_watched_until_demonitored() {
    let mut lab = Lab::demo(1);
    run(&mut lab, "ref = Process.monitor(Process.whereis(:demo))");
    let g = lab.graph();
    assert!(
        edge(&g, EdgeKind::Monitor, "<0.1.0>", "demo"),
        "{:?}",
        g.edges
    );
    assert!(!edge(&g, EdgeKind::Monitor, "demo", "<0.1.0>"));
    run(&mut lab, "Process.demonitor(ref)");
    assert!(!lab
        .graph()
        .edges
        .iter()
        .any(|e| e.kind == EdgeKind::Monitor));
}

#[test]
fn the_shell_is_a_node_and_its_links_come_and_go() {
    let mut lab = Lab::demo(1);
    let linked = |g: &Graph| {
        edge(g, EdgeKind::Link, "<0.1.0>", "demo/counter_1")
            || edge(g, EdgeKind::Link, "demo/counter_1", "<0.1.0>")
    };
    assert!(!linked(&lab.graph()));
    run(&mut lab, "Process.link(\"demo/counter_1\")");
    let g = lab.graph();
    assert_eq!(g.find("<0.1.0>").map(|n| n.role), Some(Role::Shell));
    assert!(linked(&g), "{:?}", g.edges);
    run(&mut lab, "Process.unlink(\"demo/counter_1\")");
    assert!(!linked(&lab.graph()));
}

#[test]
fn a_restarted_child_keeps_its_place_with_its_new_pid() {
    let mut lab = Lab::demo(1);
    let before = lab.graph();
    let old = before.find("demo/counter_1").unwrap().clone();
    lab.kill("demo/counter_1").unwrap();
    lab.advance(20_000);
    let after = lab.graph();
    let new = after.find("demo/counter_1").unwrap();
    assert_ne!(new.pid, old.pid, "a new pid");
    assert_eq!((new.x, new.y), (old.x, old.y), "the same place");
    for (a, b) in before.nodes.iter().zip(&after.nodes) {
        assert_eq!((a.key.as_str(), a.x, a.y), (b.key.as_str(), b.x, b.y));
    }
}

#[test]
fn two_hundred_workers_are_laid_out_without_overlap_in_a_readable_block() {
    let mut lab = Lab::demo(1);
    for i in 0..200 {
        run(
            &mut lab,
            &format!("Supervisor.start_child(:demo, %{{id: :w{i}, start: {{Counter, :start_link, [0]}}}})"),
        );
    }
    let g = lab.graph();
    assert!(g.nodes.len() >= 204, "{}", g.nodes.len());
    for (i, a) in g.nodes.iter().enumerate() {
        for b in &g.nodes[i + 1..] {
            let apart = (a.x - b.x).abs() >= NODE_W || (a.y - b.y).abs() >= NODE_H;
            assert!(apart, "{} and {} overlap", a.key, b.key);
        }
    }
    assert!(
        g.width < 1200.0 && g.height < 2400.0,
        "{} x {}",
        g.width,
        g.height
    );
    let svg = otp_lab_lab::graph::svg::draw(&g, Some("demo"));
    assert_eq!(svg.matches("data-edge=\"child\"").count(), 203);
    assert!(
        svg.contains(r#"class="gn r-supervisor s-running sel" data-key="demo" data-pid="<0.2.0>""#),
        "{}",
        &svg[..600]
    );
}
