//! What the components ask of the handle: console lines and typed commands (recorded in
//! the transcript), selection, folding and the log filter, the clock (play, speed, one
//! event back or forward, scrubbing, fast-forward) and loading another experiment. Each
//! changes the session, then publishes the view model again.

use leptos::prelude::*;

use super::{ConsoleEntry, LabHandle, CONSOLE_KEPT};
use crate::view_model::{LogFilter, LogStore};
use otp_lab_lab::command::Command;
use otp_lab_session::session::Cursor;
use otp_lab_session::{Experiment, Session};

impl LabHandle {
    /// Runs a typed command (an inspector's action) as its console line: the line is what
    /// the transcript shows, the experiment records and a share link replays.
    pub fn run_command(&self, cmd: &Command) {
        self.run_line(&cmd.to_elixir());
    }

    /// Runs a console line; records the exchange in the transcript.
    pub fn run_line(&self, line: &str) {
        let line = line.trim().to_string();
        if line.is_empty() {
            return;
        }
        if line == "clear" {
            self.console.set(Vec::new());
            return;
        }
        let result = self.session.try_update_value(|s| s.exec(&line));
        let (output, ok) = match result {
            Some(Ok(out)) => (out, true),
            Some(Err(e)) => (e, false),
            None => return,
        };
        self.transcript(line, output, ok);
    }

    /// Adds an exchange to the console's transcript and publishes the view.
    pub(super) fn transcript(&self, line: String, output: String, ok: bool) {
        self.console.update(|c| {
            let n = c.last().map_or(1, |e| e.n + 1);
            c.push(ConsoleEntry {
                n,
                input: line,
                output,
                ok,
            });
            if c.len() > CONSOLE_KEPT {
                c.remove(0);
            }
        });
        self.publish(true);
    }

    pub fn select(&self, path: Option<String>) {
        self.selected.set(path);
        self.publish(false);
        // the selected supervisor's analytics at once, also while paused
        self.publish_analytics();
    }

    /// Selects the process a learner typed (path, pid or id), opening the folded
    /// supervisors on the way; its path, or a sentence.
    pub fn find(&self, query: &str) -> Result<String, String> {
        let (path, open) = self.session.with_value(|s| {
            let nodes = s.current().lab.tree();
            self.collapsed
                .with_untracked(|c| crate::view_model::tree::find(&nodes, query, c))
        })?;
        if !open.is_empty() {
            self.collapsed.update(|c| {
                for p in &open {
                    c.remove(p);
                }
            });
            self.invalidate();
        }
        self.selected.set(Some(path.clone()));
        self.publish(true);
        Ok(path)
    }

    pub fn toggle_collapse(&self, path: &str) {
        self.collapsed.update(|c| {
            if !c.remove(path) {
                c.insert(path.to_string());
            }
        });
        self.invalidate();
        self.publish(false);
    }

    pub fn set_filter(&self, f: LogFilter) {
        self.log_filter.set(f);
        let len = self.session.with_value(|s| s.current().lab.log_len());
        let filter = self.log_filter.get_untracked();
        self.log_store.update_value(|st| st.set_filter(filter));
        self.pull_log(len);
        self.log_version.update(|v| *v += 1);
    }

    pub fn toggle_play(&self) {
        self.session.update_value(|s| {
            if s.cursor() != Cursor::Live {
                s.go_live();
                s.playing = true;
            } else {
                s.playing = !s.playing;
            }
        });
        self.frame_state.update_value(|f| f.last_ms = None);
        self.publish(true);
    }

    pub fn set_speed(&self, speed: f64) {
        self.session.update_value(|s| s.speed = speed);
        self.publish(false);
    }

    pub fn step_forward(&self) {
        self.session.update_value(|s| {
            s.playing = false;
            s.step_forward();
        });
        self.publish(true);
    }

    pub fn step_back(&self) {
        self.session.update_value(|s| {
            s.playing = false;
            s.step_back();
        });
        self.publish(true);
    }

    pub fn scrub_to(&self, t_us: u64) {
        self.session.update_value(|s| s.scrub_to_time(t_us));
        self.publish(true);
    }

    pub fn jump_to_line(&self, index: usize) {
        self.session.update_value(|s| {
            s.playing = false;
            s.scrub_to_line(index);
        });
        self.publish(true);
    }

    pub fn go_live(&self) {
        self.session.update_value(Session::go_live);
        self.publish(true);
    }

    /// Starts a preset (or restarts the current one) with `seed`.
    pub fn load(&self, preset: &str, seed: u64) {
        self.load_experiment(Experiment::preset(preset, seed));
    }

    /// Restarts the current tree (preset or edited scenario) from time 0 with `seed`,
    /// dropping the commands.
    pub fn restart(&self, seed: u64) {
        let source = self.session.with_value(|s| s.experiment().source.clone());
        self.load_experiment(Experiment {
            source,
            seed,
            actions: Vec::new(),
        });
    }

    /// Starts an experiment from time 0 (its commands replayed).
    pub fn load_experiment(&self, exp: Experiment) {
        let res = self.session.try_update_value(|s| s.reset(exp));
        self.after_reset(res);
    }

    /// After the session started its experiment anew (or failed to): a fresh view.
    pub(super) fn after_reset(&self, res: Option<Result<(), String>>) {
        match res {
            Some(Ok(())) => {
                self.error.set(None);
                self.selected.set(None);
                self.fold_big_subtrees();
                self.console.set(Vec::new());
                self.pulses.set(Vec::new());
                self.log_store.update_value(LogStore::clear);
                self.frame_state.update_value(|f| {
                    f.pulsed = 0;
                    f.shell_exits_told = 0;
                    f.forward = None;
                });
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        }
        self.publish(true);
    }

    /// Fast-forwards the head by `dt_us` of virtual time, in frames (cancellable).
    pub fn fast_forward(&self, dt_us: u64) {
        let head = self.head_us();
        self.forward(head, head.saturating_add(dt_us));
        self.publish(false);
    }

    /// Goes live and runs the head from `head` on to `to_us` in the coming frames.
    fn forward(&self, head: u64, to_us: u64) {
        self.session.update_value(|s| s.go_live());
        self.frame_state
            .update_value(|f| f.forward = Some((head, to_us)));
    }

    /// Stops the clock (Compare keeps its sandboxes' clocks itself).
    pub fn pause(&self) {
        self.session.update_value(|s| s.playing = false);
        self.publish(false);
    }

    /// Runs the head on to `t_us` of virtual time, in frames (nothing if it is there).
    pub fn run_to(&self, t_us: u64) {
        let head = self.head_us();
        let on_its_way = self
            .frame_state
            .with_value(|f| f.forward.is_some_and(|(_, to)| to >= t_us));
        if head < t_us && !on_its_way {
            self.forward(head, t_us);
        }
    }

    /// The head of the run (virtual µs).
    pub fn head_us(&self) -> u64 {
        self.session.try_with_value(|s| s.head_us()).unwrap_or(0)
    }

    pub fn cancel_forward(&self) {
        self.frame_state.update_value(|f| f.forward = None);
        self.publish(false);
    }
}
