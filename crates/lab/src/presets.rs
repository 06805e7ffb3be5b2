//! The lab's preset trees, as scenario JSON (the conformance format plus OTP Lab's
//! extensions): the demo tree, one tree per strategy, a dynamic supervisor, a nested
//! application, a restart storm and an overloaded server. Every preset parses and starts (tests).

/// A preset tree.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Stable id (used in share links).
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence on what to try with it.
    pub summary: &'static str,
    /// The scenario JSON (empty for generated presets).
    pub scenario: &'static str,
    /// Builds the scenario JSON of a preset too large to write out.
    pub generate: Option<fn() -> String>,
}

impl Preset {
    /// The scenario JSON.
    pub fn text(&self) -> std::borrow::Cow<'static, str> {
        match self.generate {
            Some(g) => std::borrow::Cow::Owned(g()),
            None => std::borrow::Cow::Borrowed(self.scenario),
        }
    }
}

/// A wide, deep tree: `sups` supervisors of `per` workers each under one root.
pub fn large_tree(sups: usize, per: usize) -> String {
    let mut out = String::from(
        r#"{"name":"large","tree":{"id":"root","strategy":"one_for_one","intensity":10,"period":5,"children":["#,
    );
    for i in 0..sups {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"id":"sup_{i}","kind":"supervisor","strategy":"one_for_one","intensity":5,"period":5,"children":["#
        ));
        for j in 0..per {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&format!(r#"{{"id":"w{j}","behaviour":"counter"}}"#));
        }
        out.push_str("]}");
    }
    out.push_str(r#"]},"faults":[{"every":500,"from":500,"probability":0.8,"op":"kill","target":"root/sup_0/*"}]}"#);
    out
}

fn large() -> String {
    large_tree(100, 100)
}

/// Every preset, the default first.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "demo",
        title: "Demo: counters and a printer",
        summary: "The starter tree: a one_for_one supervisor over two counters and a printer. Kill one and watch it come back.",
        scenario: r#"{"name":"demo","tree":{"id":"demo","strategy":"one_for_one","intensity":3,"period":5,"children":[
            {"id":"counter_1","behaviour":"counter","init_delay":3},
            {"id":"counter_2","behaviour":"counter","init_delay":3},
            {"id":"printer","behaviour":"printer","init_delay":8}]}}"#,
        generate: None,
    },
    Preset {
        id: "one_for_one",
        title: "one_for_one",
        summary: "Only the child that died is restarted; its siblings keep their pids.",
        scenario: r#"{"name":"one_for_one","tree":{"id":"root","strategy":"one_for_one","intensity":3,"period":5,"children":[
            {"id":"a","behaviour":"counter","init_delay":4},
            {"id":"b","behaviour":"counter","init_delay":4},
            {"id":"c","behaviour":"counter","init_delay":4}]}}"#,
        generate: None,
    },
    Preset {
        id: "one_for_all",
        title: "one_for_all",
        summary: "One child dies, all are restarted: the others are shut down in reverse start order first.",
        scenario: r#"{"name":"one_for_all","tree":{"id":"root","strategy":"one_for_all","intensity":3,"period":5,"children":[
            {"id":"a","behaviour":"counter","init_delay":4},
            {"id":"b","behaviour":"counter","init_delay":4},
            {"id":"c","behaviour":"counter","init_delay":4}]}}"#,
        generate: None,
    },
    Preset {
        id: "rest_for_one",
        title: "rest_for_one",
        summary: "The child that died and every child started after it are restarted: kill cache and watch api.",
        scenario: r#"{"name":"rest_for_one","tree":{"id":"root","strategy":"rest_for_one","intensity":3,"period":5,"children":[
            {"id":"db","behaviour":"counter","init_delay":25},
            {"id":"cache","behaviour":"counter","init_delay":6},
            {"id":"api","behaviour":"printer","init_delay":12}]}}"#,
        generate: None,
    },
    Preset {
        id: "dynamic",
        title: "Dynamic supervisor",
        summary: "A simple_one_for_one pool (a DynamicSupervisor): start jobs from the console with DynamicSupervisor.start_child(:pool, {Counter, \"job_4\"}).",
        scenario: r#"{"name":"dynamic","tree":{"id":"pool","strategy":"simple_one_for_one","intensity":5,"period":10,"children":[
            {"id":"job","behaviour":"counter","restart":"transient","init_delay":5}]},
            "steps":[{"op":"start_child","sup":"pool","args":"job_1"},
                     {"op":"start_child","sup":"pool","args":"job_2"},
                     {"op":"start_child","sup":"pool","args":"job_3"}]}"#,
        generate: None,
    },
    Preset {
        id: "application",
        title: "Nested application",
        summary: "An application tree: supervisors under supervisors, each with its own strategy. Failures escalate only when a supervisor gives up.",
        scenario: r#"{"name":"application","tree":{"id":"app","strategy":"one_for_one","intensity":3,"period":5,"children":[
            {"id":"repo_sup","kind":"supervisor","strategy":"rest_for_one","intensity":2,"period":5,"children":[
                {"id":"repo","behaviour":"counter","init_delay":30},
                {"id":"cache","behaviour":"counter","init_delay":5}]},
            {"id":"web_sup","kind":"supervisor","strategy":"one_for_all","intensity":3,"period":5,"children":[
                {"id":"endpoint","behaviour":"printer","init_delay":15},
                {"id":"pubsub","behaviour":"counter","init_delay":4}]},
            {"id":"jobs","kind":"supervisor","strategy":"simple_one_for_one","intensity":5,"period":10,"children":[
                {"id":"job","behaviour":"counter","restart":"transient","init_delay":5}]},
            {"id":"telemetry","behaviour":"counter","init_delay":2}]},
            "steps":[{"op":"start_child","sup":"app/jobs","args":"mailer"},
                     {"op":"start_child","sup":"app/jobs","args":"reports"}]}"#,
        generate: None,
    },
    Preset {
        id: "restart_storm",
        title: "Restart storm",
        summary: "A chaos script kills a random worker every 300 ms (probability 0.7). Watch the intensity meter fill: within a few seconds the supervisor gives up.",
        scenario: r#"{"name":"restart_storm","seed":7,"tree":{"id":"root","strategy":"one_for_one","intensity":5,"period":2,"children":[
            {"id":"w1","behaviour":"counter","init_delay":10},
            {"id":"w2","behaviour":"counter","init_delay":10},
            {"id":"w3","behaviour":"counter","init_delay":10},
            {"id":"w4","behaviour":"counter","init_delay":10}]},
            "faults":[{"every":300,"from":300,"probability":0.7,"op":"kill","target":"root/*"}]}"#,
        generate: None,
    },
    Preset {
        id: "overload",
        title: "Overloaded server",
        summary: "db takes 40 ms a request and ingest casts one every 30 ms: db's mailbox grows, api's calls to it time out after 500 ms, and api_sup gives up again and again. The failures are api's, the cause is db's load: select db to watch its mailbox, then stop the flood with Supervisor.terminate_child(:root, :ingest).",
        scenario: r#"{"name":"overload","tree":{"id":"root","strategy":"one_for_one","intensity":3,"period":5,"children":[
            {"id":"db","behaviour":"counter","name":"db","handle_delay":40,"init_delay":20},
            {"id":"ingest","behaviour":"client","to":"db","request":"increment","cast":true,"every":30},
            {"id":"api_sup","kind":"supervisor","strategy":"one_for_one","intensity":3,"period":5,"children":[
                {"id":"api","behaviour":"client","to":"db","request":"get","every":200,"call_timeout":500,"init_delay":8}]}]}}"#,
        generate: None,
    },
    Preset {
        id: "large",
        title: "Large tree (10,000 workers)",
        summary: "100 supervisors of 100 workers: fold subtrees, scroll, and watch a chaos script hit sup_0.",
        scenario: "",
        generate: Some(large),
    },
];

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}
