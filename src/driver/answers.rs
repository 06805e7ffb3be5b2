//! The fetched half of `window.otpLab` ([`super::api`]): each install's
//! [`otp_lab_session::api::Api`] (sandboxes, traced processes, the feed), a call answered
//! on the page's lab with what it did shown (the console's transcript, a moved clock, a
//! fresh start), and the feed's new events. Only [`crate::lazy`] calls in here, so this
//! code ships in the API's chunk.

use std::cell::RefCell;
use std::collections::BTreeMap;

use leptos::prelude::*;

use super::LabHandle;
use otp_lab_session::api::{Answer, Api, Effect};

thread_local! {
    /// The API's own state of each install (by its id).
    static APIS: RefCell<BTreeMap<u32, Api>> = const { RefCell::new(BTreeMap::new()) };
}

/// Answers one call on the page's lab and shows what it did.
pub fn answer(id: u32, lab: LabHandle, name: &str, args: &str) -> Result<String, String> {
    let args = leptos::serde_json::from_str(args)
        .map_err(|e| format!("{name}: the arguments are not plain JSON ({e})"))?;
    let answer = lab.session.try_update_value(|s| {
        APIS.with_borrow_mut(|apis| apis.entry(id).or_default().call(s, name, &args))
    });
    let Some(Answer { result, effect }) = answer else {
        return Err(format!("{name}: the Lab is gone"));
    };
    match effect {
        Effect::None => {}
        Effect::Line(line, output) => lab.transcript(line, output, result.is_ok()),
        Effect::Moved => {
            lab.frame_state.update_value(|f| f.last_ms = None);
            lab.publish(true);
        }
        Effect::Reloaded => lab.after_reset(Some(Ok(()))),
    }
    result
}

/// The feed's new events, each its kind and JSON text.
pub fn poll(id: u32, lab: LabHandle) -> Vec<(String, String)> {
    lab.session
        .try_with_value(|s| APIS.with_borrow_mut(|apis| apis.entry(id).or_default().feed.poll(s)))
        .unwrap_or_default()
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect()
}
