//! What the sequence view reads and sets: a window of the chart of the live run's
//! messages with the cursor where the screen is (one clock: the same instant as the tree,
//! the log and the inspector), one message told in full, and the view's settings (lanes
//! picked and hidden, folding, the message open), which share links keep; and why a
//! process died, which the inspector tells.

use leptos::prelude::*;

use super::LabHandle;
use otp_lab_lab::sequence::detail::Detail;
use otp_lab_lab::sequence::{Chart, Query};
use otp_lab_session::share::Views;

impl LabHandle {
    /// A window of the sequence chart: `rows` rows from `first_row` (None: ending at the
    /// cursor).
    pub fn sequence_chart(&self, first_row: Option<usize>, rows: usize) -> Option<Chart> {
        let views = self.views.get_untracked();
        self.session.try_with_value(|s| {
            // live, the cursor is the newest instant: a line under the last row
            let cursor_line = Some(s.current().lab.log_len());
            s.live().lab.sequence(&Query {
                picked: views.picked,
                hidden: views.hidden,
                fold: views.fold,
                first_row,
                rows,
                cursor_line,
            })
        })
    }

    /// Message `id` of the live run, told in full.
    pub fn message_detail(&self, id: u64) -> Option<Detail> {
        self.session
            .try_with_value(|s| s.live().lab.message_detail(id))
            .flatten()
    }

    /// Why the process at `key` last died, as of the instant on screen.
    pub fn why(&self, key: &str) -> Vec<otp_lab_lab::cause::Cause> {
        self.session
            .try_with_value(|s| s.current().lab.why(key))
            .unwrap_or_default()
    }

    /// Changes the sequence view's settings (one non-generic function for every caller).
    pub fn set_views(&self, f: &mut dyn FnMut(&mut Views)) {
        self.views.update(|v| f(v));
    }

    /// Opens a message's detail and moves the cursor to its send (one clock).
    pub fn open_message(&self, id: u64) {
        self.set_views(&mut |v| v.message = Some(id));
        if let Some(d) = self.message_detail(id) {
            self.jump_to_line(d.sent_line);
        }
    }
}
