//! Course progress, as the web app keeps it in localStorage: which tasks of which
//! lessons are done and the lesson last open. The stored text is checked on load; a
//! corrupted or foreign value gives an error, and the app starts afresh.

use crate::LESSONS;
use std::collections::{BTreeMap, BTreeSet};

/// The localStorage key.
pub const STORAGE_KEY: &str = "otp-lab-progress";
/// Longest stored text accepted.
pub const MAX_TEXT: usize = 20_000;

/// What the learner has done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Done task ids per lesson id.
    pub done: BTreeMap<String, BTreeSet<String>>,
    /// The lesson last open.
    pub current: Option<String>,
}

impl Progress {
    /// Marks a task done (unknown lessons and tasks are ignored).
    pub fn mark(&mut self, lesson: &str, task: &str) {
        if known(lesson, task) {
            self.done
                .entry(lesson.to_string())
                .or_default()
                .insert(task.to_string());
        }
    }

    /// True if every task of the lesson is done.
    pub fn complete(&self, lesson: &str) -> bool {
        crate::lesson(lesson).is_some_and(|l| {
            l.tasks
                .iter()
                .all(|t| self.done.get(lesson).is_some_and(|d| d.contains(t.id)))
        })
    }

    /// The stored form: `v1|current|lesson:task,task|lesson:task`.
    pub fn to_text(&self) -> String {
        let mut parts = vec!["v1".to_string(), self.current.clone().unwrap_or_default()];
        for (l, tasks) in &self.done {
            let t: Vec<&str> = tasks.iter().map(String::as_str).collect();
            parts.push(format!("{l}:{}", t.join(",")));
        }
        parts.join("|")
    }

    /// Reads the stored form; anything unexpected is an error (the caller resets).
    pub fn from_text(text: &str) -> Result<Progress, String> {
        if text.len() > MAX_TEXT {
            return Err("the saved progress is too large".into());
        }
        let mut parts = text.split('|');
        if parts.next() != Some("v1") {
            return Err("the saved progress has an unknown format".into());
        }
        let current = parts.next().ok_or("the saved progress is cut short")?;
        let mut p = Progress {
            current: None,
            done: BTreeMap::new(),
        };
        if !current.is_empty() {
            if crate::lesson(current).is_none() {
                return Err("the saved progress names an unknown lesson".into());
            }
            p.current = Some(current.to_string());
        }
        for part in parts {
            let (lesson, tasks) = part
                .split_once(':')
                .ok_or("the saved progress is damaged")?;
            for t in tasks.split(',').filter(|t| !t.is_empty()) {
                if !known(lesson, t) {
                    return Err("the saved progress names an unknown task".into());
                }
                p.mark(lesson, t);
            }
        }
        Ok(p)
    }
}

fn known(lesson: &str, task: &str) -> bool {
    LESSONS
        .iter()
        .any(|l| l.id == lesson && l.tasks.iter().any(|t| t.id == task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let l = &LESSONS[0];
        let mut p = Progress::default();
        p.mark(l.id, l.tasks[0].id);
        p.mark("nope", "x");
        p.current = Some(l.id.to_string());
        let text = p.to_text();
        assert_eq!(Progress::from_text(&text).unwrap(), p);
        for bad in [
            "",
            "v2|x",
            "v1",
            "v1|no-such-lesson",
            "v1||junk",
            "v1||processes:no-such-task",
            "{\"json\":true}",
            "<script>alert(1)</script>",
        ] {
            assert!(Progress::from_text(bad).is_err(), "{bad:?}");
        }
        assert!(Progress::from_text(&"v1|".repeat(10_000)).is_err());
    }
}
