//! The driver owns the simulator and moves it forward, one animation frame at a time.
//!
//! [`Driver`] is plain Rust (tested natively): each frame it runs at most
//! [`STEP_BUDGET_PER_FRAME`] scheduler steps and, once no work is left, lets virtual time
//! follow the wall clock (clamped to [`MAX_FRAME_DT_US`] per frame so a hidden tab does not
//! make time jump). [`LabHandle`] is the browser side: it keeps the driver in a local
//! stored value, publishes the view model through signals, and runs the
//! `requestAnimationFrame` loop. The UI never touches the simulator except through it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::view_model::{format_time_us, tree_rows, LogRow, LogWindow, TreeRow};
use otp_lab_sim::lab::Lab;

/// Scheduler steps per animation frame: keeps a frame's script time small however busy the
/// simulation is; leftover work continues on the next frame.
pub const STEP_BUDGET_PER_FRAME: u32 = 5_000;
/// Most virtual time one frame may add (100 ms).
pub const MAX_FRAME_DT_US: u64 = 100_000;
/// Number of event-log lines the UI keeps.
pub const LOG_WINDOW_LINES: usize = 200;
/// Seed of the demo lab.
pub const DEFAULT_SEED: u64 = 1;

/// Owns the simulator and the incremental view of its log.
pub struct Driver {
    lab: Lab,
    seed: u64,
    paused: bool,
    log: LogWindow,
    last_frame_ms: Option<f64>,
}

impl Driver {
    pub fn new(seed: u64) -> Driver {
        Driver {
            lab: Lab::demo(seed),
            seed,
            paused: false,
            log: LogWindow::new(LOG_WINDOW_LINES),
            last_frame_ms: None,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now_us(&self) -> u64 {
        self.lab.now_us()
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        self.last_frame_ms = None;
    }

    /// Restarts the demo lab from its seed.
    pub fn reset(&mut self) {
        *self = Driver {
            paused: self.paused,
            ..Driver::new(self.seed)
        };
    }

    /// Runs one frame that lasted `dt_us` of wall-clock time: pending work first, within the
    /// step budget; virtual time advances only when no work is left.
    pub fn step_frame(&mut self, dt_us: u64) {
        if self.paused {
            return;
        }
        let work_left = self.lab.run_for(STEP_BUDGET_PER_FRAME);
        if !work_left && dt_us > 0 {
            self.lab.advance(dt_us.min(MAX_FRAME_DT_US));
        }
    }

    /// Runs the frame that starts at `timestamp_ms` (a `requestAnimationFrame` time stamp).
    pub fn on_animation_frame(&mut self, timestamp_ms: f64) {
        let dt_ms = match self.last_frame_ms {
            Some(last) if timestamp_ms > last => timestamp_ms - last,
            _ => 0.0,
        };
        self.last_frame_ms = Some(timestamp_ms);
        self.step_frame((dt_ms * 1_000.0) as u64);
    }

    /// `exit(Pid, kill)` on the process at `path`; work it causes runs on the next frames.
    pub fn kill(&mut self, path: &str) -> Result<(), String> {
        self.lab.kill(path)
    }

    pub fn tree_rows(&self) -> Vec<TreeRow> {
        tree_rows(&self.lab.tree())
    }

    /// Pulls new log lines; returns the window's rows when something changed.
    pub fn new_log_rows(&mut self) -> Option<Vec<LogRow>> {
        let lab = &self.lab;
        self.log
            .pull(lab.log_len(), |from, to| lab.log_lines(from, to))
            .then(|| self.log.rows())
    }
}

/// One tree row with a signal of its own, so that an update re-renders only the fields that
/// changed and keeps the row's DOM (and the focus on its Kill button).
#[derive(Clone, Debug)]
pub struct RowCell {
    pub path: String,
    pub row: RwSignal<TreeRow>,
}

/// Brings `cells` in line with `rows`: same paths in the same order only update the rows'
/// signals; otherwise the list is rebuilt, reusing the signals of paths that remain and
/// disposing of the others. New signals belong to `owner`.
pub fn reconcile_rows(owner: &Owner, cells: RwSignal<Vec<RowCell>>, rows: Vec<TreeRow>) {
    let same_paths = cells.with_untracked(|cells| {
        cells.len() == rows.len() && cells.iter().zip(&rows).all(|(c, r)| c.path == r.path)
    });
    if same_paths {
        cells.with_untracked(|cells| {
            for (cell, row) in cells.iter().zip(rows) {
                set_if_changed(cell.row, row);
            }
        });
        return;
    }
    let mut old: BTreeMap<String, RwSignal<TreeRow>> =
        cells.with_untracked(|cells| cells.iter().map(|c| (c.path.clone(), c.row)).collect());
    let new: Vec<RowCell> = rows
        .into_iter()
        .map(|row| {
            let path = row.path.clone();
            let signal = match old.remove(&path) {
                Some(signal) => {
                    set_if_changed(signal, row);
                    signal
                }
                None => owner.with(|| RwSignal::new(row)),
            };
            RowCell { path, row: signal }
        })
        .collect();
    cells.set(new);
    for gone in old.into_values() {
        gone.dispose();
    }
}

/// The reactive face of the driver: a `Copy` handle the components share.
#[derive(Clone, Copy)]
pub struct LabHandle {
    driver: StoredValue<Driver, LocalStorage>,
    owner: StoredValue<Owner>,
    pub now: RwSignal<String>,
    pub seed: RwSignal<u64>,
    pub paused: RwSignal<bool>,
    pub tree: RwSignal<Vec<RowCell>>,
    pub log: RwSignal<Vec<LogRow>>,
    /// The last command error, shown to the learner.
    pub error: RwSignal<Option<String>>,
}

impl LabHandle {
    pub fn new(seed: u64) -> LabHandle {
        let handle = LabHandle {
            driver: StoredValue::new_local(Driver::new(seed)),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            now: RwSignal::new(format_time_us(0)),
            seed: RwSignal::new(seed),
            paused: RwSignal::new(false),
            tree: RwSignal::new(Vec::new()),
            log: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
        };
        handle.publish();
        handle
    }

    /// Copies the driver's state into the signals, touching only what changed.
    fn publish(&self) {
        let Some((now, rows, log)) = self
            .driver
            .try_update_value(|d| (format_time_us(d.now_us()), d.tree_rows(), d.new_log_rows()))
        else {
            return;
        };
        set_if_changed(self.now, now);
        if let Some(owner) = self.owner.try_get_value() {
            reconcile_rows(&owner, self.tree, rows);
        }
        if let Some(log) = log {
            self.log.set(log);
        }
    }

    pub fn kill(&self, path: &str) {
        let result = self.driver.try_update_value(|d| d.kill(path));
        self.error.set(match result {
            Some(Err(e)) => Some(e),
            _ => None,
        });
        self.publish();
    }

    pub fn toggle_pause(&self) {
        let paused = !self.paused.get_untracked();
        self.driver.update_value(|d| d.set_paused(paused));
        self.paused.set(paused);
    }

    pub fn reset(&self) {
        self.driver.update_value(Driver::reset);
        self.log.set(Vec::new());
        self.error.set(None);
        self.publish();
    }

    /// Starts the `requestAnimationFrame` loop; it stops when the owning component is cleaned up.
    pub fn start(self) {
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = stopped.clone();
        on_cleanup(move || flag.store(true, Ordering::Relaxed));
        animation_loop(move |timestamp_ms| {
            if stopped.load(Ordering::Relaxed) {
                return false;
            }
            let ran = self
                .driver
                .try_update_value(|d| d.on_animation_frame(timestamp_ms));
            self.publish();
            ran.is_some()
        });
    }
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|old| *old != value) {
        signal.set(value);
    }
}

/// The `requestAnimationFrame` callback, shared with itself so it can re-arm.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `frame` on every animation frame while it returns true.
fn animation_loop(mut frame: impl FnMut(f64) -> bool + 'static) {
    let slot: FrameSlot = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |timestamp_ms: f64| {
        if frame(timestamp_ms) {
            request_frame(&again);
        } else {
            // Breaks the Rc cycle so the closure is freed.
            again.borrow_mut().take();
        }
    }));
    request_frame(&slot);
}

fn request_frame(slot: &FrameSlot) {
    if let (Some(window), Some(closure)) = (web_sys::window(), slot.borrow().as_ref()) {
        // Only fails when there is no browsing context left; the loop then just ends.
        let _ = window.request_animation_frame(closure.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_worker(d: &Driver) -> TreeRow {
        d.tree_rows()
            .into_iter()
            .find(|r| r.can_kill)
            .expect("the demo has a worker")
    }

    #[test]
    fn demo_tree_has_a_supervisor_and_three_workers() {
        let mut d = Driver::new(DEFAULT_SEED);
        d.step_frame(16_000);
        let rows = d.tree_rows();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["demo", "counter_1", "counter_2", "printer"]);
        assert!(rows[0].is_supervisor);
        assert_eq!(rows[0].strategy.as_deref(), Some("one_for_one"));
        assert!(rows[1..]
            .iter()
            .all(|r| r.can_kill && r.status == "running"));
    }

    #[test]
    fn virtual_time_follows_frames_and_is_clamped() {
        let mut d = Driver::new(DEFAULT_SEED);
        d.step_frame(0);
        d.step_frame(0);
        let t0 = d.now_us();
        d.on_animation_frame(1_000.0);
        d.on_animation_frame(1_016.0);
        assert_eq!(d.now_us() - t0, 16_000);
        d.on_animation_frame(60_000.0);
        assert_eq!(d.now_us() - t0, 16_000 + MAX_FRAME_DT_US);
    }

    #[test]
    fn paused_driver_does_not_move() {
        let mut d = Driver::new(DEFAULT_SEED);
        d.step_frame(0);
        d.set_paused(true);
        let t0 = d.now_us();
        d.step_frame(50_000);
        assert_eq!(d.now_us(), t0);
    }

    #[test]
    fn killed_worker_is_restarted_with_a_new_pid() {
        let mut d = Driver::new(DEFAULT_SEED);
        d.step_frame(16_000);
        let before = first_worker(&d);
        d.kill(&before.path).expect("kill a live worker");
        for _ in 0..10 {
            d.step_frame(16_000);
        }
        let after = d
            .tree_rows()
            .into_iter()
            .find(|r| r.path == before.path)
            .expect("row");
        assert_eq!(after.restarts, before.restarts + 1);
        assert_ne!(after.pid, before.pid);
        assert_eq!(after.status, "running");
    }

    #[test]
    fn reconcile_keeps_the_signals_of_remaining_rows() {
        let owner = Owner::new();
        owner.set();
        let rows = Driver::new(DEFAULT_SEED).tree_rows();
        let cells = RwSignal::new(Vec::<RowCell>::new());
        reconcile_rows(&owner, cells, rows.clone());
        let first = cells.get_untracked();
        assert_eq!(first.len(), rows.len());

        let mut changed = rows.clone();
        changed[1].restarts += 1;
        reconcile_rows(&owner, cells, changed.clone());
        let second = cells.get_untracked();
        assert_eq!(second[1].row, first[1].row, "same signal, updated in place");
        assert_eq!(second[1].row.get_untracked(), changed[1]);

        let fewer: Vec<TreeRow> = changed
            .into_iter()
            .filter(|r| r.path != first[2].path)
            .collect();
        reconcile_rows(&owner, cells, fewer.clone());
        let third = cells.get_untracked();
        assert_eq!(
            third.iter().map(|c| c.path.clone()).collect::<Vec<_>>(),
            fewer.iter().map(|r| r.path.clone()).collect::<Vec<_>>()
        );
        assert_eq!(third[1].row, first[1].row);
        assert!(
            first[2].row.try_get_untracked().is_none(),
            "the removed row's signal is disposed"
        );
    }

    #[test]
    fn kill_of_unknown_path_is_an_error_value() {
        let mut d = Driver::new(DEFAULT_SEED);
        assert!(d.kill("no/such/process").is_err());
    }

    #[test]
    fn log_rows_arrive_once() {
        let mut d = Driver::new(DEFAULT_SEED);
        d.step_frame(16_000);
        let rows = d.new_log_rows().expect("the demo start is logged");
        assert!(!rows.is_empty());
        assert_eq!(d.new_log_rows(), None);
    }

    #[test]
    fn same_seed_same_run() {
        let run = || {
            let mut d = Driver::new(7);
            d.step_frame(16_000);
            let path = first_worker(&d).path;
            d.kill(&path).expect("kill");
            for _ in 0..5 {
                d.step_frame(16_000);
            }
            (d.tree_rows(), d.new_log_rows())
        };
        assert_eq!(run(), run());
    }
}
