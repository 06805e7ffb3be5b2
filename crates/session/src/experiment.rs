//! An experiment — a tree, a seed and the learner's commands at virtual times — and a
//! [`Run`] of it: a lab with the analytics attached, driven along the experiment.
//!
//! The rule that makes replay exact: a command takes effect at its virtual time, once
//! everything due at or before that instant has run (work, timers, faults) — the same
//! point at which the live lab executes it.

use otp_lab_analytics::server::{Server, Settings};
use otp_lab_lab::command::Command;
use otp_lab_lab::console::{self, Input};
use otp_lab_lab::presets;
use otp_lab_lab::Lab;
use otp_lab_sim::scenario::{self, Scenario};
use otp_lab_sim::term::Term;
use std::cell::RefCell;
use std::rc::Rc;

/// Where the tree comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A built-in preset, by id.
    Preset(String),
    /// A scenario in the JSON format (edited trees and fault scripts).
    Scenario(String),
}

/// One command the learner issued.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// When it took effect (virtual µs).
    pub t_us: u64,
    /// The console line (buttons record the line they stand for).
    pub line: String,
}

/// A tree, a seed and the commands.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    pub source: Source,
    pub seed: u64,
    /// In time order.
    pub actions: Vec<Action>,
}

impl Experiment {
    /// A preset with a seed and no commands yet.
    pub fn preset(id: &str, seed: u64) -> Experiment {
        Experiment {
            source: Source::Preset(id.to_string()),
            seed,
            actions: Vec::new(),
        }
    }

    /// The scenario the experiment starts from.
    pub fn scenario(&self) -> Result<Scenario, String> {
        scenario::parse(&self.scenario_text()?).map_err(|e| e.to_string())
    }

    /// The scenario JSON the experiment starts from.
    pub fn scenario_text(&self) -> Result<String, String> {
        Ok(match &self.source {
            Source::Preset(id) => presets::preset(id)
                .ok_or_else(|| format!("unknown preset \"{id}\""))?
                .text()
                .into_owned(),
            Source::Scenario(text) => text.clone(),
        })
    }

    /// A fresh run at time 0 (the tree started, nothing replayed yet).
    pub fn start(&self) -> Result<Run, String> {
        let scn = self.scenario()?;
        let mut server = None;
        let lab = Lab::from_scenario(&scn, Some(self.seed), |w| {
            server = Some(otp_lab_analytics::attach_server(w, Settings::default()));
        })?;
        Ok(Run {
            lab,
            analytics: server.expect("setup ran"),
            next_action: 0,
            last_below: 0,
            lab_forms_noted: Vec::new(),
        })
    }
}

/// A lab following an experiment.
pub struct Run {
    pub lab: Lab,
    pub analytics: Rc<RefCell<Server>>,
    /// Index of the first action not yet executed.
    pub next_action: usize,
    /// The log's length at the last point [`Run::drive`] could have stopped short of its
    /// `log_len` (one step can log several lines: a supervisor takes an `'EXIT'`, reports,
    /// restarts): where "one step back" lands.
    pub last_below: usize,
    /// The Lab forms a line has used so far (each one's note is shown once).
    pub lab_forms_noted: Vec<console::lab_form::LabForm>,
}

/// What a console line did: its printed terms, its result and its syntax, or a text.
enum Ran {
    Term(
        Vec<Term>,
        Result<Term, otp_lab_lab::raised::Raised>,
        console::Syntax,
        Option<String>,
    ),
    Help(String),
}

/// Where [`Run::drive`] stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Stop once virtual time reaches this (everything at or before it has run).
    pub t_us: u64,
    /// Stop as soon as the event log holds this many lines.
    pub log_len: Option<usize>,
}

impl Run {
    /// Executes a console line now and returns what the console prints; `Ok` if the
    /// line parsed (and so belongs in the experiment), `Err(message)` if not.
    pub fn exec_line(&mut self, line: &str) -> Result<String, String> {
        Ok(match self.run_input(line)? {
            Ran::Term(printed, r, syntax, note) => {
                let out = console::format_output(&printed, &r, syntax);
                match note {
                    Some(n) => format!("{out}\n{n}"),
                    None => out,
                }
            }
            Ran::Help(text) => text,
        })
    }

    /// Executes a console line now and answers with the term it returned (`Ok(Err)`:
    /// what it raised, as the console prints it; help and `clear` answer `:ok`); `Err` if
    /// the line does not parse.
    pub fn exec_term(&mut self, line: &str) -> Result<Result<Term, String>, String> {
        Ok(match self.run_input(line)? {
            Ran::Term(_, r, syntax, _) => r.map_err(|e| console::format_result(&Err(e), syntax)),
            Ran::Help(_) => Ok(Term::atom("ok")),
        })
    }

    fn run_input(&mut self, line: &str) -> Result<Ran, String> {
        let input = console::parse_in(line, self.lab.scope())?;
        // a Lab form's note, the first time the run meets it
        let note = match &input {
            Input::Command(cmd, syntax) | Input::Bind(_, cmd, syntax) => {
                console::lab_form::note(cmd, *syntax)
                    .filter(|(form, _)| !self.lab_forms_noted.contains(form))
            }
            _ => None,
        };
        if let Some((form, _)) = &note {
            self.lab_forms_noted.push(*form);
        }
        let (r, syntax) = match input {
            // the analytics are the run's, not the lab's
            Input::Command(Command::Analytics(q), syntax) => (
                self.lab
                    .settle()
                    .map(|_| self.control(&q))
                    .map_err(Into::into),
                syntax,
            ),
            Input::Command(cmd, syntax) => (self.lab.exec_in(&cmd, syntax), syntax),
            Input::Bind(var, cmd, syntax) => (self.lab.exec_bind(&var, &cmd, syntax), syntax),
            Input::Help(topic) => return Ok(Ran::Help(console::help(topic.as_deref()))),
            Input::Clear | Input::Empty => return Ok(Ran::Help(String::new())),
        };
        Ok(Ran::Term(
            self.lab.take_printed(),
            r,
            syntax,
            note.map(|(_, text)| text),
        ))
    }

    /// Drives the run along `exp` until `stop`, with at most `budget` steps. True when
    /// the stop point is reached, false when the budget ran out (call again).
    pub fn drive(&mut self, exp: &Experiment, stop: Stop, budget: u32) -> bool {
        let mut left = budget;
        loop {
            let len = self.lab.log_len();
            match stop.log_len {
                Some(n) if len >= n => return true,
                Some(_) => self.last_below = len,
                None => {}
            }
            if !self.lab.is_idle() {
                if left == 0 {
                    return false;
                }
                self.lab.step_once();
                left -= 1;
                continue;
            }
            let action = exp.actions.get(self.next_action).map(|a| a.t_us);
            if let Some(a) = action {
                if a <= self.lab.now_us() {
                    let line = exp.actions[self.next_action].line.clone();
                    self.next_action += 1;
                    // A line that no longer parses (an edited link) is skipped.
                    let _ = self.exec_line(&line);
                    continue;
                }
            }
            let next = self.lab.next_time();
            match (next, action) {
                (Some(n), a) if n <= stop.t_us && a.is_none_or(|a| n <= a) => {
                    if left == 0 {
                        return false;
                    }
                    left -= 1;
                    self.lab.fire_at(n);
                }
                (_, Some(a)) if a <= stop.t_us => self.lab.advance_to(a),
                _ => {
                    self.lab.advance_to(stop.t_us);
                    return true;
                }
            }
        }
    }

    /// Drives to `stop` with no budget (replays and tests).
    pub fn drive_all(&mut self, exp: &Experiment, stop: Stop) {
        while !self.drive(exp, stop, u32::MAX) {}
    }
}

/// The experiment replayed up to `stop`: a new run.
pub fn replay(exp: &Experiment, stop: Stop) -> Result<Run, String> {
    let mut run = exp.start()?;
    run.drive_all(exp, stop);
    Ok(run)
}
