//! OTP Lab's guided course: from processes and messages to a capstone tree that must
//! survive a chaos script.
//!
//! A [`Lesson`] has prose (paragraphs and code in Elixir *and* Erlang), a prepared
//! sandbox (a preset or scenario), [`Task`]s checked against the running simulation,
//! hints, and optionally a predict-then-run [`Prediction`] graded by running it. Each
//! lesson carries a [`Lesson::solution`] that a native test drives to check every task
//! passes — and that doing nothing passes none.

mod course;
pub mod progress;

pub use course::{capstone_verdict, CAPSTONE_GIVEN, LESSONS};

use otp_lab_lab::NodeStatus;
use otp_lab_session::experiment::{replay, Experiment, Run, Source, Stop};
use std::collections::BTreeSet;

/// A block of a lesson's prose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph; `` `code` `` spans are shown as code.
    P(&'static str),
    /// The same code in Elixir and in Erlang: real code, as it runs in `iex` and `erl`.
    Code {
        elixir: &'static str,
        erlang: &'static str,
    },
    /// Lines for the Lab's console (tree paths as process names, `Lab.*`), each run into
    /// the lesson's console with one click. A test runs every one in its lesson's sandbox.
    Console(&'static [&'static str]),
    /// A table: its column headings, then its rows (cells with `` `code` `` spans).
    Table {
        head: &'static [&'static str],
        rows: &'static [&'static [&'static str]],
    },
}

/// What a task checks, given the lesson's run and the console lines typed so far.
pub type Check = fn(&Run, &[String]) -> bool;

/// One task of a lesson.
#[derive(Clone, Copy)]
pub struct Task {
    pub id: &'static str,
    /// What to do, in a sentence.
    pub text: &'static str,
    pub check: Check,
}

/// A predict-then-run question: which processes will get a new pid when `line` runs?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prediction {
    pub question: &'static str,
    /// The console line that the Run button executes.
    pub line: &'static str,
}

/// How long after the line the Run button checks who restarted (virtual µs).
pub const PREDICTION_SETTLE_US: u64 = 100_000;

impl Prediction {
    /// Grades `guess` against the truth: the experiment replayed to `at_us`, then the line
    /// run and [`PREDICTION_SETTLE_US`] of virtual time let pass — the processes whose pid
    /// changed, and whether `guess` names exactly those. `None` if the experiment or the
    /// line cannot run.
    pub fn check(
        &self,
        exp: &Experiment,
        at_us: u64,
        guess: &BTreeSet<String>,
    ) -> Option<(BTreeSet<String>, bool)> {
        let stop = Stop {
            t_us: at_us,
            log_len: None,
        };
        let mut run = replay(exp, stop).ok()?;
        let pids = |r: &Run| -> Vec<(String, Option<String>)> {
            r.lab.tree().into_iter().map(|n| (n.path, n.pid)).collect()
        };
        let before = pids(&run);
        run.exec_line(self.line).ok()?;
        run.lab.advance(PREDICTION_SETTLE_US);
        Some(grade(&before, &pids(&run), guess))
    }
}

/// One step of a lesson's reference solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A console line.
    Line(&'static str),
    /// Let virtual time pass (ms).
    Wait(u64),
    /// Replace the sandbox's tree (the capstone): a scenario JSON with a `tree`.
    Tree(&'static str),
    /// Reset the sandbox (its Reset button): the lesson's experiment afresh.
    Restart,
}

/// A lesson.
#[derive(Clone, Copy)]
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub prose: &'static [Block],
    /// The sandbox: a preset id or a scenario JSON (starting with `{`).
    pub sandbox: &'static str,
    pub tasks: &'static [Task],
    pub hints: &'static [&'static str],
    pub prediction: Option<Prediction>,
    /// A reference solution: every task passes after it.
    pub solution: &'static [Step],
}

impl Lesson {
    /// The experiment the lesson starts from.
    pub fn experiment(&self) -> Experiment {
        let source = if self.sandbox.trim_start().starts_with('{') {
            Source::Scenario(self.sandbox.to_string())
        } else {
            Source::Preset(self.sandbox.to_string())
        };
        Experiment {
            source,
            seed: 1,
            actions: Vec::new(),
        }
    }

    /// The learner's own tree with the sandbox's fault script (the capstone's editor). It
    /// must keep every process of the sandbox's tree at its path: the fault script and the
    /// tasks name them so.
    pub fn with_tree(&self, scenario: &str) -> Result<Experiment, String> {
        let base = self.experiment().scenario_text()?;
        let faults = otp_lab_session::faults::faults_of(&base)?;
        let text = otp_lab_session::faults::with_faults(scenario, &faults)?;
        // the tree must parse and run before its paths are compared
        otp_lab_sim::scenario::parse(&text).map_err(|e| e.to_string())?;
        let paths = otp_lab_session::faults::tree_paths;
        let theirs = paths(&text)?;
        if let Some((missing, _)) = paths(&base)?.into_iter().find(|p| !theirs.contains(p)) {
            return Err(format!(
                "Keep every process of the given tree where it is: {missing} is missing (the chaos script and the tasks name processes by path). Change strategies, intensities and restart types, or add processes."
            ));
        }
        Ok(Experiment {
            source: Source::Scenario(text),
            seed: self.experiment().seed,
            actions: Vec::new(),
        })
    }

    /// Which tasks pass now.
    pub fn passed(&self, run: &Run, lines: &[String]) -> Vec<bool> {
        self.tasks.iter().map(|t| (t.check)(run, lines)).collect()
    }
}

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// Grades a prediction: the paths whose pid changed between `before` and `after`
/// (the truth), and whether `guess` names exactly those.
pub fn grade(
    before: &[(String, Option<String>)],
    after: &[(String, Option<String>)],
    guess: &BTreeSet<String>,
) -> (BTreeSet<String>, bool) {
    // inserted one by one: collecting into a set costs the download a sort
    let mut truth = BTreeSet::new();
    for (path, pid) in before {
        let changed = after
            .iter()
            .find(|(p, _)| p == path)
            .is_none_or(|(_, after_pid)| after_pid != pid);
        if pid.is_some() && changed {
            truth.insert(path.clone());
        }
    }
    let ok = &truth == guess;
    (truth, ok)
}

// ------------------------------------------------------------ helpers for checks

/// The tree node at `path`.
pub fn node(run: &Run, path: &str) -> Option<otp_lab_lab::TreeNode> {
    run.lab.tree().into_iter().find(|n| n.path == path)
}

/// Restarts of the child at `path` so far.
pub fn restarts(run: &Run, path: &str) -> u64 {
    node(run, path).map_or(0, |n| n.restarts)
}

/// True if the node at `path` is dead or gone.
pub fn is_dead(run: &Run, path: &str) -> bool {
    node(run, path).is_none_or(|n| n.status == NodeStatus::Dead)
}

/// True if the node at `path` runs.
pub fn is_running(run: &Run, path: &str) -> bool {
    node(run, path).is_some_and(|n| n.status == NodeStatus::Running)
}

/// True if some typed line contains `needle`.
pub fn typed(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

/// True if lines containing each of `needles` were typed in that order (the first
/// match of each after the previous one's).
pub fn typed_in_order(lines: &[String], needles: &[&str]) -> bool {
    let mut from = 0;
    for n in needles {
        match lines[from..].iter().position(|l| l.contains(n)) {
            Some(i) => from += i + 1,
            None => return false,
        }
    }
    true
}

/// True if some event-log line of `kind` contains `needle`.
pub fn logged(run: &Run, kind: &str, needle: &str) -> bool {
    run.lab
        .log_lines(0, run.lab.log_len())
        .iter()
        .any(|l| l.kind == kind && l.text.contains(needle))
}

/// The inspector's state text of the process at `path`.
pub fn state(run: &Run, path: &str) -> String {
    run.lab.inspect(path).map(|i| i.state).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a lesson's steps on a fresh run of its sandbox; returns the run and the lines.
    fn play(l: &Lesson, steps: &[Step]) -> (Run, Vec<String>) {
        let mut ever = vec![false; l.tasks.len()];
        let (run, lines, _) = play_marking(l, steps, &mut ever);
        (run, lines)
    }

    /// [`play`], marking in `ever` each task that passed after some step (as the Lessons
    /// page marks a task done in the learner's progress once it has passed); also returns
    /// the lines that raised, with what they raised.
    fn play_marking(
        l: &Lesson,
        steps: &[Step],
        ever: &mut [bool],
    ) -> (Run, Vec<String>, Vec<String>) {
        let exp = l.experiment();
        let mut run = exp.start().unwrap_or_else(|e| panic!("{}: {e}", l.id));
        let mut lines = Vec::new();
        let mut raised = Vec::new();
        for s in steps {
            match s {
                Step::Line(line) => {
                    // a near miss may be a line that raises, as the learner's would
                    let out = run.exec_term(line);
                    if !matches!(out, Ok(Ok(_))) {
                        raised.push(format!("{line}: {out:?}"));
                    }
                    lines.push(line.to_string());
                    // the next line comes a moment later: time for a restart (inits take ms)
                    run.lab.advance(50_000);
                }
                Step::Wait(ms) => run.lab.advance(ms * 1000),
                Step::Tree(json) => {
                    run = l
                        .with_tree(json)
                        .and_then(|e| e.start())
                        .unwrap_or_else(|e| panic!("{}: {e}", l.id));
                }
                Step::Restart => {
                    run = exp.start().unwrap_or_else(|e| panic!("{}: {e}", l.id));
                    lines.clear();
                }
            }
            for (e, ok) in ever.iter_mut().zip(l.passed(&run, &lines)) {
                *e |= ok;
            }
        }
        (run, lines, raised)
    }

    #[test]
    fn there_are_at_least_fifteen_lessons_with_unique_ids() {
        assert!(LESSONS.len() >= 15);
        let ids: BTreeSet<_> = LESSONS.iter().map(|l| l.id).collect();
        assert_eq!(ids.len(), LESSONS.len());
        for l in LESSONS {
            assert!(!l.tasks.is_empty(), "{} has tasks", l.id);
            assert!(!l.hints.is_empty(), "{} has hints", l.id);
            assert!(
                l.prose.iter().any(|b| matches!(b, Block::Code { .. })),
                "{} shows code in both syntaxes",
                l.id
            );
        }
    }

    /// Every line of every console block runs without an error in its lesson's sandbox,
    /// one block after the other as a learner would click them.
    #[test]
    fn every_console_block_runs_in_its_lessons_sandbox() {
        let mut checked = 0;
        for l in LESSONS {
            let mut run = l.experiment().start().unwrap();
            for b in l.prose {
                let Block::Console(lines) = b else { continue };
                for line in *lines {
                    let out = run.exec_term(line);
                    assert!(matches!(out, Ok(Ok(_))), "lesson {}: {line}: {out:?}", l.id);
                    run.lab.advance(50_000);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 20, "{checked} console lines");
    }

    #[test]
    fn every_solution_passes_every_task() {
        for l in LESSONS {
            let mut passed = vec![false; l.tasks.len()];
            let (_, _, raised) = play_marking(l, l.solution, &mut passed);
            // each line of the solution runs without an error
            assert!(raised.is_empty(), "{}: {raised:?}", l.id);
            for (t, ok) in l.tasks.iter().zip(&passed) {
                assert!(
                    ok,
                    "lesson {}: task {} fails after the solution",
                    l.id, t.id
                );
            }
        }
    }

    #[test]
    fn doing_nothing_passes_no_task() {
        for l in LESSONS {
            let (run, lines) = play(l, &[Step::Wait(5_000)]);
            let passed = l.passed(&run, &lines);
            for (t, ok) in l.tasks.iter().zip(&passed) {
                assert!(
                    !ok,
                    "lesson {}: task {} passes without doing anything",
                    l.id, t.id
                );
            }
        }
    }

    /// Whether `task` of `lesson` passes at some point of `steps`.
    fn passes(lesson_id: &str, task: &str, steps: &[Step]) -> bool {
        let l = lesson(lesson_id).unwrap();
        let mut ever = vec![false; l.tasks.len()];
        let _ = play_marking(l, steps, &mut ever);
        let i = l.tasks.iter().position(|t| t.id == task).unwrap();
        ever[i]
    }

    /// The capstone's reference solution with one change.
    fn capstone_variant(from: &str, to: &str) -> &'static str {
        let s = course::CAPSTONE_SOLUTION.replacen(from, to, 1);
        assert_ne!(s, course::CAPSTONE_SOLUTION, "{from} is in the solution");
        Box::leak(s.into_boxed_str())
    }

    static SANE_BROKEN: std::sync::LazyLock<&str> = std::sync::LazyLock::new(|| {
        capstone_variant(
            r#""id":"root","strategy":"one_for_one","intensity":3,"period":5"#,
            r#""id":"root","strategy":"one_for_one","intensity":30,"period":1"#,
        )
    });
    static ROOT_ONE_FOR_ALL: std::sync::LazyLock<&str> = std::sync::LazyLock::new(|| {
        capstone_variant(
            r#""id":"root","strategy":"one_for_one""#,
            r#""id":"root","strategy":"one_for_all""#,
        )
    });

    /// The capstone's verdict says why: the given tree falls (who gave up, the store's
    /// lost state), the reference design holds.
    #[test]
    fn the_capstone_verdict_explains_the_result() {
        let l = lesson("capstone").unwrap();
        let (run, _) = play(l, &[Step::Wait(30_000)]);
        let v = capstone_verdict(&run).join("\n");
        assert!(v.contains("root gave up at"), "{v}");
        assert!(
            v.contains("gave up") && v.contains("store lost its state"),
            "{v}"
        );
        assert!(v.contains("Under root's strategy"), "{v}");
        let (run, _) = play(
            l,
            &[Step::Tree(course::CAPSTONE_SOLUTION), Step::Wait(30_000)],
        );
        let v = capstone_verdict(&run).join("\n");
        assert!(v.contains("The design holds so far"), "{v}");
        let (run, _) = play(l, &[Step::Tree(&SANE_BROKEN), Step::Wait(5_000)]);
        let v = capstone_verdict(&run).join("\n");
        assert!(v.contains("root allows 30 restarts in 1 s"), "{v}");
        // a tree without a process the chaos script names is refused, with the reason
        let e = l
            .with_tree(&course::CAPSTONE_SOLUTION.replace("conn_3", "conn_4"))
            .unwrap_err();
        assert!(e.contains("root/web/conns/conn_3 is missing"), "{e}");
    }

    /// A near miss for every task: close to the task, but not the thing it teaches. Each
    /// must fail.
    #[test]
    fn every_task_fails_its_near_miss() {
        use Step::{Line, Tree, Wait};
        let cases: &[(&str, &str, &[Step])] = &[
            (
                "processes",
                "which",
                &[Line("Supervisor.count_children(:demo)")],
            ),
            (
                "processes",
                "info",
                &[Line("Process.alive?(\"demo/counter_1\")")],
            ),
            (
                "messages",
                "print",
                &[Line("GenServer.cast(\"demo/counter_1\", {:print, :hello})")],
            ),
            // an exit signal a non-trapping worker ignores: no 'EXIT' reaches the supervisor
            (
                "links",
                "exit",
                &[Line("Process.exit(\"demo/counter_2\", :normal)")],
            ),
            (
                "trap_exit",
                "shutdown",
                &[Line("Process.exit(\"demo/printer\", :kill)")],
            ),
            (
                "trap_exit",
                "traps",
                &[Line("Process.info(Process.whereis(:demo), :links)")],
            ),
            (
                "one_for_one",
                "only_b",
                &[Line("Process.exit(\"root/a\", :kill)")],
            ),
            // stopped by hand: nothing is restarted
            (
                "one_for_all",
                "all",
                &[Line("Supervisor.terminate_child(:root, :b)")],
            ),
            (
                "rest_for_one",
                "rest",
                &[Line("Process.exit(\"root/db\", :kill)")],
            ),
            (
                "restart_types",
                "transient",
                &[Line("Lab.crash(\"root/trans\", :boom)")],
            ),
            (
                "restart_types",
                "temporary",
                &[Line("Lab.crash(\"root/perm\", :boom)")],
            ),
            // three kills: within 3 restarts in 5 s
            (
                "intensity",
                "give_up",
                &[
                    Line("Process.exit(\"demo/printer\", :kill)"),
                    Line("Process.exit(\"demo/printer\", :kill)"),
                    Line("Process.exit(\"demo/printer\", :kill)"),
                ],
            ),
            (
                "escalation",
                "escalate",
                &[
                    Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
                    Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
                ],
            ),
            (
                "dynamic",
                "start",
                &[Line(
                    "DynamicSupervisor.start_child(:pool, {Counter, \"job_5\"})",
                )],
            ),
            (
                "dynamic",
                "count",
                &[Line("Supervisor.which_children(:pool)")],
            ),
            // delete_child on a running child: {:error, :running}, the spec stays
            (
                "child_api",
                "delete",
                &[Line("Supervisor.delete_child(:demo, :counter_2)")],
            ),
            // the tree as given: it gives up long before 30 s
            ("capstone", "survive", &[Wait(30_000)]),
            // intensities beyond bounds: root tolerates 30 restarts a second
            ("capstone", "survive", &[Tree(&SANE_BROKEN), Wait(30_000)]),
            // the given tree: leaves give up, and it climbs to root
            ("capstone", "contained", &[Wait(30_000)]),
            // good leaf intensities, but root one_for_all: a branch that gives up into
            // root costs the store its state
            (
                "capstone",
                "survive",
                &[Tree(&ROOT_ONE_FOR_ALL), Wait(30_000)],
            ),
            // the value is read before the increment
            (
                "messages",
                "count",
                &[
                    Line("GenServer.call(\"demo/counter_1\", :get_value)"),
                    Line("GenServer.cast(\"demo/counter_1\", :increment)"),
                ],
            ),
            // the printer was never terminated by hand: it just runs
            (
                "child_api",
                "restart",
                &[Line("Supervisor.restart_child(:demo, :printer)")],
            ),
            // a killed without pausing first
            (
                "lab_tools",
                "pause",
                &[
                    Line("Process.exit(\"root/a\", :kill)"),
                    Line("Lab.pause(:root)"),
                    Line("Lab.resume(:root)"),
                ],
            ),
            // every child killed one by one: no one_for_all restart
            (
                "lab_tools",
                "strategy",
                &[
                    Line("Process.exit(\"root/c\", :kill)"),
                    Line("Lab.change_strategy(:root, :one_for_all)"),
                ],
            ),
            // the 'DOWN' arrived but nobody read it
            (
                "monitors",
                "down",
                &[
                    Line("ref = Process.monitor(\"demo/counter_2\")"),
                    Line("Process.exit(\"demo/counter_2\", :kill)"),
                ],
            ),
            // exit reasons: an abnormal reason kills plain; a kill is not trapped; a
            // shutdown is trapped; a normal stop is not {shutdown, _}
            (
                "exit_reasons",
                "normal",
                &[Line("Process.exit(\"root/plain\", :boom)")],
            ),
            (
                "exit_reasons",
                "trapped",
                &[Line("Process.exit(\"root/trapper\", :kill)")],
            ),
            (
                "exit_reasons",
                "kill",
                &[Line("Process.exit(\"root/trapper\", :shutdown)")],
            ),
            (
                "exit_reasons",
                "transient",
                &[Line("Lab.crash(\"root/trans\", :normal)")],
            ),
            // child specs: {Counter, 0} has the id Counter, not counter_3; one start
            // clashes with nothing; which_children shows no defaults
            (
                "child_specs",
                "start",
                &[Line("Supervisor.start_child(:demo, {Counter, 0})")],
            ),
            (
                "child_specs",
                "clash",
                &[Line("Supervisor.start_child(:demo, {Counter, 0})")],
            ),
            (
                "child_specs",
                "defaults",
                &[Line("Supervisor.which_children(:demo)")],
            ),
            // shutdown: stopped by GenServer.stop, plain runs terminate/2 (and is
            // restarted); db's terminate/2 fits its shutdown; db terminated first breaks
            // the reverse order; a kill of root is no orderly stop
            (
                "shutdown",
                "no_terminate",
                &[Line("GenServer.stop(\"root/plain\", :shutdown)")],
            ),
            (
                "shutdown",
                "timeout",
                &[Line("Supervisor.terminate_child(:root, :db)")],
            ),
            (
                "shutdown",
                "order",
                &[
                    Line("Supervisor.terminate_child(:root, :db)"),
                    Line("Supervisor.stop(:root)"),
                ],
            ),
            (
                "shutdown",
                "order",
                &[
                    Line("Process.exit(Process.whereis(:root), :kill)"),
                    Wait(3_000),
                ],
            ),
            // dynamic children have no ids; a kill is abnormal: conn is restarted
            (
                "dynamic_practice",
                "by_pid",
                &[Line("DynamicSupervisor.terminate_child(:pool, :job_1)")],
            ),
            (
                "dynamic_practice",
                "significant",
                &[Line("Process.exit(\"root/session/conn\", :kill)")],
            ),
            // designing: the kernel's own branch; a branch that gives up, not the top
            (
                "designing",
                "leaf",
                &[Line("Process.exit(\"app/repo_sup/repo\", :kill)")],
            ),
            (
                "designing",
                "top",
                &[
                    Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
                    Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
                    Line("Process.exit(\"app/repo_sup/repo\", :kill)"),
                ],
            ),
            // counted before the storm had done its work, then waited
            (
                "analytics",
                "observe",
                &[Line("Supervisor.count_children(:root)"), Wait(3_000)],
            ),
        ];
        for (lesson_id, task, steps) in cases {
            assert!(
                !passes(lesson_id, task, steps),
                "{lesson_id}/{task} passes its near miss"
            );
        }
        // every task has one (following_messages has its own test below)
        for l in LESSONS.iter().filter(|l| l.id != "following_messages") {
            for t in l.tasks {
                assert!(
                    cases.iter().any(|(li, ti, _)| *li == l.id && *ti == t.id),
                    "{}/{} has no near miss",
                    l.id,
                    t.id
                );
            }
        }
    }

    #[test]
    fn following_messages_checks_each_concept() {
        let l = lesson("following_messages").unwrap();
        let task = |steps: &[Step], id: &str| {
            let (run, lines) = play(l, steps);
            let i = l.tasks.iter().position(|t| t.id == id).unwrap();
            l.passed(&run, &lines)[i]
        };
        // a cast has no reply to find
        assert!(!task(
            &[Step::Line("GenServer.cast(\"demo/counter_1\", :increment)")],
            "call"
        ));
        // the 'DOWN' still waits in the mailbox: nothing took it
        assert!(!task(
            &[
                Step::Line("ref = Process.monitor(\"demo/printer\")"),
                Step::Line("Process.exit(\"demo/printer\", :kill)"),
            ],
            "down"
        ));
        // the shell killed by exit/2, not through a link
        assert!(!task(&[Step::Line("Process.exit(self(), :kill)")], "cause"));
        // a link, but the worker killed is another one
        assert!(!task(
            &[
                Step::Line("Process.link(\"demo/counter_2\")"),
                Step::Line("Process.exit(\"demo/counter_1\", :kill)"),
            ],
            "cause"
        ));
    }

    #[test]
    fn wrong_answers_fail() {
        let wrong: &[(&str, &[Step])] = &[
            // killed a, not b: b never restarted
            (
                "one_for_one",
                &[Step::Line("Process.exit(\"root/a\", :kill)")],
            ),
            // killed the db: it restarted, which rest_for_one's task rules out
            (
                "rest_for_one",
                &[Step::Line("Process.exit(\"root/db\", :kill)")],
            ),
            // three kills: within the intensity, the supervisor survives
            (
                "intensity",
                &[
                    Step::Line("Process.exit(\"demo/printer\", :kill)"),
                    Step::Line("Process.exit(\"demo/printer\", :kill)"),
                    Step::Line("Process.exit(\"demo/printer\", :kill)"),
                ],
            ),
            // crashed trans abnormally: a transient child comes back
            (
                "restart_types",
                &[Step::Line("Lab.crash(\"root/trans\", :boom)")],
            ),
            // the given tree under chaos for 30 s: the root gives up
            ("capstone", &[Step::Wait(30_000)]),
            // terminate without delete: counter_2's spec stays
            (
                "child_api",
                &[Step::Line("Supervisor.terminate_child(:demo, :counter_2)")],
            ),
        ];
        for (id, steps) in wrong {
            let l = lesson(id).unwrap();
            let (run, lines) = play(l, steps);
            let passed = l.passed(&run, &lines);
            assert!(
                passed.iter().any(|ok| !ok),
                "lesson {id}: a wrong answer passes every task"
            );
        }
    }

    #[test]
    fn predictions_are_graded_by_the_simulation() {
        for l in LESSONS {
            let Some(p) = l.prediction else { continue };
            let exp = l.experiment();
            let (truth, ok) = p.check(&exp, 0, &BTreeSet::new()).expect("the line runs");
            assert!(!truth.is_empty(), "{}: something restarts", l.id);
            assert!(!ok, "{}: an empty guess is wrong", l.id);
            let (again, right) = p.check(&exp, 0, &truth).unwrap();
            assert_eq!(again, truth, "{}: grading replays the same run", l.id);
            assert!(right, "{}: the truth is right", l.id);
        }
    }
}
