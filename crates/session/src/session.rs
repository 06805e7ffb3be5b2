//! A live session: the experiment, its run at the head of time, and — when the learner
//! scrubs into the past — a replayed run at the cursor. Frames move the head forward at
//! the chosen speed; commands given in the past drop the commands after that instant and
//! continue from there (a new branch), as an editor's undo history does.

use crate::experiment::{replay, Action, Experiment, Run, Stop};

/// Scheduler steps per frame by default: keeps a frame short however busy the tree is.
pub const DEFAULT_BUDGET: u32 = 20_000;
/// Most virtual time one frame at 1× may add (so a hidden tab does not jump).
pub const MAX_FRAME_DT_US: u64 = 100_000;
/// The "as fast as possible" speed.
pub const MAX_SPEED: f64 = f64::INFINITY;

/// What the learner is looking at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// The head: the live run.
    Live,
    /// A past instant: everything at or before `t_us` has run.
    At { t_us: u64 },
    /// Just after the event-log line `line` (0-based).
    Line { line: usize },
}

/// A session.
pub struct Session {
    exp: Experiment,
    live: Run,
    /// The replayed run at the cursor (when it is not live).
    view: Option<Run>,
    cursor: Cursor,
    pub playing: bool,
    /// Virtual seconds per wall-clock second (`MAX_SPEED`: as fast as the budget allows).
    pub speed: f64,
    /// Where the head is heading (frames that run out of budget keep going there).
    target_us: u64,
}

impl Session {
    /// Starts an experiment, replaying its commands (a shared link) to the last one.
    pub fn new(exp: Experiment) -> Result<Session, String> {
        let end = exp.actions.last().map_or(0, |a| a.t_us);
        let live = replay(
            &exp,
            Stop {
                t_us: end,
                log_len: None,
            },
        )?;
        Ok(Session {
            target_us: live.lab.now_us(),
            exp,
            live,
            view: None,
            cursor: Cursor::Live,
            playing: true,
            speed: 1.0,
        })
    }

    /// The experiment so far.
    pub fn experiment(&self) -> &Experiment {
        &self.exp
    }

    /// The run the learner sees: the replay at the cursor, or the live one.
    pub fn current(&self) -> &Run {
        self.view.as_ref().unwrap_or(&self.live)
    }

    /// The live run (the head).
    pub fn live(&self) -> &Run {
        &self.live
    }

    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// Virtual time of the head.
    pub fn head_us(&self) -> u64 {
        self.live.lab.now_us()
    }

    /// Runs one animation frame that lasted `dt_us` of wall-clock time: the head moves
    /// toward `now + dt × speed` with at most `budget` steps. Nothing moves while paused
    /// or while looking at the past. True when the frame's work is done (the head reached
    /// where it was heading, or nothing moves); false when the budget ran out first — a
    /// frame with time left calls again with `dt_us` 0 to go on toward the same target.
    pub fn frame(&mut self, dt_us: u64, budget: u32) -> bool {
        if !self.playing || self.cursor != Cursor::Live {
            return true;
        }
        let now = self.live.lab.now_us();
        if self.speed.is_infinite() {
            // as fast as possible: up to an hour of virtual time per frame, within budget
            self.target_us = now.saturating_add(3_600_000_000);
        } else if self.target_us <= now {
            let dt = dt_us.min(MAX_FRAME_DT_US) as f64 * self.speed.max(0.0);
            self.target_us = now.saturating_add(dt as u64);
        }
        let exp = &self.exp;
        let stop = Stop {
            t_us: self.target_us,
            log_len: None,
        };
        let reached = self.live.drive(exp, stop, budget);
        if reached && self.speed.is_infinite() {
            self.target_us = self.live.lab.now_us();
        }
        reached
    }

    /// Moves the head toward `t_us` (a fast-forward) with at most `budget` steps, whether
    /// playing or not; true once there.
    pub fn forward_to(&mut self, t_us: u64, budget: u32) -> bool {
        self.go_live();
        let stop = Stop {
            t_us,
            log_len: None,
        };
        let reached = self.live.drive(&self.exp, stop, budget);
        self.target_us = self.target_us.max(self.live.lab.now_us());
        reached
    }

    /// Runs a console line at the cursor. A line given in the past drops the commands
    /// after that instant and makes the cursor's run the new head. Returns what the
    /// console prints; `Err` for lines that do not parse (nothing is recorded).
    pub fn exec(&mut self, line: &str) -> Result<String, String> {
        otp_lab_lab::console::parse_in(line, self.current().lab.scope())?;
        self.record(line);
        let out = self.live.exec_line(line);
        self.target_us = self.target_us.max(self.live.lab.now_us());
        out
    }

    /// Runs a console line at the cursor as [`Session::exec`] does, and answers with the
    /// term it returned (`Ok(Err(text))`: it raised, as the console prints it); `Err` for
    /// lines that do not parse (nothing is recorded).
    pub fn exec_term(
        &mut self,
        line: &str,
    ) -> Result<Result<otp_lab_sim::term::Term, String>, String> {
        otp_lab_lab::console::parse_in(line, self.current().lab.scope())?;
        self.record(line);
        let out = self.live.exec_term(line);
        self.target_us = self.target_us.max(self.live.lab.now_us());
        out
    }

    /// Records a line about to run at the cursor (a line in the past starts a branch).
    fn record(&mut self, line: &str) {
        if let Some(view) = self.view.take() {
            let keep = view.next_action;
            self.exp.actions.truncate(keep);
            self.live = view;
            self.cursor = Cursor::Live;
        }
        // Everything due at this instant runs first, as in a replay.
        let now = self.live.lab.now_us();
        while !self.live.lab.run_toward(now, u32::MAX) {}
        self.exp.actions.push(Action {
            t_us: now,
            line: line.trim().to_string(),
        });
        self.live.next_action = self.exp.actions.len();
    }

    /// Shows the instant `t_us` (the head if `t_us` is at or past it).
    pub fn scrub_to_time(&mut self, t_us: u64) {
        if t_us >= self.head_us() {
            self.go_live();
            return;
        }
        let stop = Stop {
            t_us,
            log_len: None,
        };
        self.view = Some(self.replay_to(stop));
        self.cursor = Cursor::At { t_us };
    }

    /// Shows the moment just after event-log line `line` — or, when the step that logged
    /// it logged more lines, just after that step (the simulation is seen between steps).
    pub fn scrub_to_line(&mut self, line: usize) {
        if line + 1 >= self.live.lab.log_len() {
            self.go_live();
            return;
        }
        let stop = Stop {
            t_us: self.head_us(),
            log_len: Some(line + 1),
        };
        self.show(self.replay_to(stop));
    }

    /// One step back: the moment before the step that logged the last line shown.
    pub fn step_back(&mut self) {
        let shown = self.current().lab.log_len();
        if shown < 2 {
            return;
        }
        let head = self.head_us();
        let mut run = self.replay_to(Stop {
            t_us: head,
            log_len: Some(shown - 1),
        });
        if run.lab.log_len() >= shown {
            // that step logged the last line too: the step before it
            run = self.replay_to(Stop {
                t_us: head,
                log_len: Some(run.last_below),
            });
        }
        if run.lab.log_len() < shown {
            self.show(run);
        }
    }

    /// Looks at `run`, a replay into the past (the head, if it logged as much).
    fn show(&mut self, run: Run) {
        if run.lab.log_len() >= self.live.lab.log_len() {
            self.go_live();
            return;
        }
        let line = run.lab.log_len().saturating_sub(1);
        self.view = Some(run);
        self.cursor = Cursor::Line { line };
    }

    /// One event forward: at the head (paused), runs until the log grows by a line;
    /// in the past, moves the cursor one line on.
    pub fn step_forward(&mut self) {
        match self.cursor {
            Cursor::Live => {
                let want = self.live.lab.log_len() + 1;
                let horizon = self.head_us().saturating_add(3_600_000_000);
                let stop = Stop {
                    t_us: horizon,
                    log_len: Some(want),
                };
                // bounded: a tree with nothing scheduled stops at once
                let exp = &self.exp;
                if self.live.lab.next_time().is_some() || !self.live.lab.is_idle() {
                    self.live.drive(exp, stop, 1_000_000);
                }
                self.target_us = self.live.lab.now_us();
            }
            _ => {
                let shown = self.current().lab.log_len();
                self.scrub_to_line(shown);
            }
        }
    }

    /// Back to the head.
    pub fn go_live(&mut self) {
        self.view = None;
        self.cursor = Cursor::Live;
    }

    /// Restarts the experiment from time 0 with its commands dropped.
    pub fn reset(&mut self, exp: Experiment) -> Result<(), String> {
        *self = Session {
            playing: self.playing,
            speed: self.speed,
            ..Session::new(exp)?
        };
        Ok(())
    }

    /// The experiment replayed from time 0 to `stop` (it started once, so it starts again).
    fn replay_to(&self, stop: Stop) -> Run {
        replay(&self.exp, stop).expect("the experiment started once, so it starts again")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(s: &Session) -> Vec<(String, Option<String>, u64, &'static str)> {
        s.current()
            .lab
            .tree()
            .into_iter()
            .map(|n| (n.path, n.pid, n.restarts, n.status.label()))
            .collect()
    }

    fn run_for(s: &mut Session, ms: u64) {
        for _ in 0..ms / 16 {
            s.frame(16_000, DEFAULT_BUDGET);
        }
    }

    #[test]
    fn a_kill_restarts_the_worker_and_replays_identically() {
        let mut s = Session::new(Experiment::preset("demo", 1)).unwrap();
        run_for(&mut s, 500);
        s.exec("Process.exit(\"demo/counter_1\", :kill)").unwrap();
        run_for(&mut s, 500);
        let live = tree(&s);
        assert_eq!(live[1].2, 1, "one restart: {live:?}");
        // replaying the experiment gives the same tree at the same time
        let again = Session::new(s.experiment().clone()).unwrap();
        let mut again = again;
        let t = s.head_us();
        again.scrub_to_time(t);
        again.go_live();
        let stop = Stop {
            t_us: t,
            log_len: None,
        };
        let r = replay(s.experiment(), stop).unwrap();
        let replayed: Vec<_> = r
            .lab
            .tree()
            .into_iter()
            .map(|n| (n.path, n.pid, n.restarts, n.status.label()))
            .collect();
        assert_eq!(replayed, live);
        assert_eq!(r.lab.log_len(), s.live().lab.log_len());
        assert_eq!(r.lab.world().log.hash(), s.live().lab.world().log.hash());
    }

    #[test]
    fn scrubbing_shows_the_past_and_a_command_there_branches() {
        let mut s = Session::new(Experiment::preset("demo", 1)).unwrap();
        run_for(&mut s, 300);
        let before = tree(&s);
        let t_before = s.head_us();
        s.exec("Process.exit(\"demo/counter_1\", :kill)").unwrap();
        run_for(&mut s, 300);
        assert_ne!(tree(&s), before);
        // the kill took effect at t_before: just before it, the tree was as it was
        s.scrub_to_time(t_before - 1);
        assert_eq!(tree(&s), before, "the past as it was");
        s.scrub_to_time(t_before);
        assert_ne!(tree(&s), before, "at its instant the kill has happened");
        s.scrub_to_time(t_before - 1);
        assert!(matches!(s.cursor(), Cursor::At { .. }));
        // frames do not move the past
        run_for(&mut s, 100);
        assert_eq!(tree(&s), before);
        // a command in the past drops the later kill
        s.exec("Process.exit(\"demo/counter_2\", :kill)").unwrap();
        assert_eq!(s.cursor(), Cursor::Live);
        assert_eq!(s.experiment().actions.len(), 1);
        assert!(s.experiment().actions[0].line.contains("counter_2"));
    }

    #[test]
    fn stepping_back_and_forward_moves_one_step_of_the_log() {
        let mut s = Session::new(Experiment::preset("demo", 1)).unwrap();
        s.exec("Process.exit(\"demo/printer\", :kill)").unwrap();
        run_for(&mut s, 100);
        let n = s.live().lab.log_len();
        let mut seen = vec![n];
        // back, step by step: the log shrinks each time, to the start
        loop {
            s.step_back();
            let len = s.current().lab.log_len();
            if len == *seen.last().unwrap() {
                break;
            }
            assert!(len < *seen.last().unwrap());
            assert_eq!(s.cursor(), Cursor::Line { line: len - 1 });
            seen.push(len);
        }
        assert!(seen.len() > 5, "{seen:?}");
        // and forward again through the same instants
        for want in seen.iter().rev().skip(1) {
            s.step_forward();
            if *want == n {
                assert_eq!(s.cursor(), Cursor::Live);
            } else {
                assert_eq!(s.current().lab.log_len(), *want);
            }
        }
    }

    #[test]
    fn unparsable_lines_are_not_recorded() {
        let mut s = Session::new(Experiment::preset("demo", 1)).unwrap();
        assert!(s.exec("Supervisor.wich_children(:demo)").is_err());
        assert!(s.experiment().actions.is_empty());
        let out = s.exec("Supervisor.which_children(:demo)").unwrap();
        assert!(out.contains("counter_1"), "{out}");
    }

    #[test]
    fn restart_storm_preset_gives_up_when_played_long_enough() {
        let mut s = Session::new(Experiment::preset("restart_storm", 7)).unwrap();
        s.speed = MAX_SPEED;
        for _ in 0..200 {
            s.frame(16_000, DEFAULT_BUDGET);
        }
        let t = s.current().lab.tree();
        assert_eq!(t[0].status, otp_lab_lab::NodeStatus::Dead, "{t:?}");
    }

    #[test]
    fn overload_preset_shows_a_resource_related_restart_and_stopping_the_flood_heals_it() {
        let mut s = Session::new(Experiment::preset("overload", 1)).unwrap();
        assert!(s.forward_to(3_000_000, DEFAULT_BUDGET) || s.head_us() >= 3_000_000);
        let snap = s.current().snapshot(s.head_us(), 60_000_000);
        let found: Vec<String> = snap
            .system
            .unwrap()
            .patterns
            .iter()
            .filter(|p| p.kind() == "resource_related")
            .map(|p| p.describe())
            .collect();
        assert!(
            found.len() == 1
                && found[0].contains("root/api_sup/api")
                && found[0].contains("calling db"),
            "{found:?}"
        );
        let longest = s.current().longest_mailboxes(1);
        assert!(
            longest[0].0.starts_with("root/db ") && longest[0].1 >= 10,
            "{longest:?}"
        );
        // the learner stops the flood: db drains, api's calls are answered again
        let out = s
            .exec("Supervisor.terminate_child(:root, :ingest)")
            .unwrap();
        assert_eq!(out, ":ok");
        let t = s.head_us();
        s.forward_to(t + 20_000_000, DEFAULT_BUDGET);
        let boxes = s.current().longest_mailboxes(1);
        assert!(boxes[0].1 <= 2, "db drained: {boxes:?}");
        let api = |s: &Session| {
            let tree = s.current().lab.tree();
            tree.into_iter()
                .find(|n| n.path == "root/api_sup/api")
                .unwrap()
        };
        let before = api(&s);
        let t = s.head_us();
        s.forward_to(t + 10_000_000, DEFAULT_BUDGET);
        let after = api(&s);
        assert!(before.pid.is_some(), "{before:?}");
        assert_eq!(
            (after.pid, after.restarts),
            (before.pid, before.restarts),
            "no more timeouts"
        );
    }
}
