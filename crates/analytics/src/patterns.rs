//! Restart pattern detection: restart storms, cascading failures, periodic failures and
//! resource-related restarts (call timeouts while a mailbox grew), from the failures and
//! restarts a supervisor reports, in virtual time.
//!
//! Thresholds are fields of [`PatternConfig`] (documented defaults); each detection is a
//! [`Pattern`] with the supervisor, the children involved and when it was seen.

use crate::paths::{slot, PathId, Paths};
use otp_lab_sim::atom::Atom;
use otp_lab_sim::term::Term;
use std::collections::VecDeque;

/// When each pattern fires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatternConfig {
    /// A storm: at least `storm_restarts` restarts of one child within `storm_window_us`.
    /// Default: 5 within 10 s (at most [`RING`]).
    pub storm_restarts: usize,
    pub storm_window_us: u64,
    /// A cascade: failures of at least `cascade_children` (at most [`RING`]) different
    /// children of one supervisor within `cascade_window_us`, or a supervisor giving up
    /// after a child failure. Default: 3 within 1 s.
    pub cascade_children: usize,
    pub cascade_window_us: u64,
    /// Periodic: at least `periodic_failures` failures of one child whose intervals vary
    /// by less than `periodic_max_cv` (coefficient of variation). Default: 5, 0.1 (at
    /// most [`RING`] failures are looked at).
    pub periodic_failures: usize,
    pub periodic_max_cv: f64,
    /// Resource-related: a child fails with a call's timeout
    /// (`{timeout, {gen_server, call, [To | _]}}`) while some mailbox held at least
    /// `resource_queue_len` messages (in this second or the one before): the callee is
    /// slower than its load. Reported once per child per `storm_window_us`. Default: 10.
    pub resource_queue_len: usize,
}

impl Default for PatternConfig {
    fn default() -> Self {
        PatternConfig {
            storm_restarts: 5,
            storm_window_us: 10_000_000,
            cascade_children: 3,
            cascade_window_us: 1_000_000,
            periodic_failures: 5,
            periodic_max_cv: 0.1,
            resource_queue_len: 10,
        }
    }
}

/// A detected pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    RestartStorm {
        supervisor: String,
        child: String,
        restarts: usize,
        at_us: u64,
    },
    CascadingFailure {
        supervisor: String,
        /// The children that failed in the window (the newest `cascade_children`), by name.
        children: Vec<String>,
        escalated: bool,
        at_us: u64,
    },
    PeriodicFailure {
        supervisor: String,
        child: String,
        period_us: u64,
        at_us: u64,
    },
    ResourceRelated {
        supervisor: String,
        child: String,
        /// The process whose call timed out, as the exit reason names it (`db`, a pid).
        callee: String,
        /// The longest a mailbox grew around the failure (messages).
        queue_len: usize,
        at_us: u64,
    },
}

impl Pattern {
    /// Every kind name [`Pattern::kind`] gives.
    pub const KINDS: [&'static str; 5] = [
        "restart_storm",
        "cascading_failure",
        "escalation",
        "periodic_failure",
        "resource_related",
    ];

    /// The pattern's kind name (a cascade that made its supervisor give up is an
    /// escalation).
    pub fn kind(&self) -> &'static str {
        match self {
            Pattern::RestartStorm { .. } => "restart_storm",
            Pattern::CascadingFailure {
                escalated: true, ..
            } => "escalation",
            Pattern::CascadingFailure { .. } => "cascading_failure",
            Pattern::PeriodicFailure { .. } => "periodic_failure",
            Pattern::ResourceRelated { .. } => "resource_related",
        }
    }

    /// When it was seen (virtual µs).
    pub fn at_us(&self) -> u64 {
        match self {
            Pattern::RestartStorm { at_us, .. }
            | Pattern::CascadingFailure { at_us, .. }
            | Pattern::PeriodicFailure { at_us, .. }
            | Pattern::ResourceRelated { at_us, .. } => *at_us,
        }
    }

    /// What it means, in a sentence.
    pub fn describe(&self) -> String {
        match self {
            Pattern::RestartStorm {
                supervisor,
                child,
                restarts,
                ..
            } => format!("Restart storm: {supervisor} restarted {child} {restarts} times in quick succession"),
            Pattern::CascadingFailure {
                supervisor,
                children,
                escalated: true,
                ..
            } => format!(
                "Escalation: {supervisor} gave up after {} failed (restart intensity reached); {}",
                children.join(", "),
                if supervisor.contains('/') {
                    "its own supervisor now handles its exit"
                } else {
                    "it was the root, so the whole tree is down"
                }
            ),
            Pattern::CascadingFailure {
                supervisor,
                children,
                ..
            } => format!(
                "Cascading failure: {} under {supervisor} failed together",
                children.join(", ")
            ),
            Pattern::PeriodicFailure {
                supervisor,
                child,
                period_us,
                at_us,
            } => format!(
                "Periodic failure: {child} (under {supervisor}) fails every {:.1} s; next expected at {:.3} s",
                *period_us as f64 / 1e6,
                (at_us + period_us) as f64 / 1e6
            ),
            Pattern::ResourceRelated {
                supervisor,
                child,
                callee,
                queue_len,
                ..
            } => format!(
                "Resource-related restart: {child} (under {supervisor}) timed out calling {callee} while a mailbox held {queue_len} messages; {callee} is slower than its load: find what floods it, or give it capacity, rather than raise the restart intensity"
            ),
        }
    }
}

/// The process a call's timeout names (`{timeout, {gen_server, call, [To | _]}}`, any
/// `gen*` module), as text: what a resource-related restart was waiting for.
pub fn timed_out_callee(reason: &Term) -> Option<String> {
    let [what, mfa] = reason.as_tuple()? else {
        return None;
    };
    if !what.is_atom(Atom::new("timeout")) {
        return None;
    }
    let [m, f, Term::List(args)] = mfa.as_tuple()? else {
        return None;
    };
    let (Term::Atom(m), Term::Atom(f)) = (m, f) else {
        return None;
    };
    if !m.name().starts_with("gen") || &*f.name() != "call" {
        return None;
    }
    args.first().map(|to| match to {
        Term::Atom(a) => a.name().to_string(),
        other => other.to_text(),
    })
}

/// The detector: feed it failures, restarts and give-ups as they happen, naming
/// supervisors and children by their interned [`PathId`]s.
#[derive(Clone, Debug, Default)]
pub struct PatternDetector {
    config: PatternConfig,
    /// What is tracked of each child path: a small record, and its rings' times (one
    /// cache line per ring), in two tables indexed alike.
    children: Vec<ChildTrack>,
    times: Vec<Times>,
    /// Recent child failures per supervisor path.
    siblings: Vec<Siblings>,
    /// When each child path was last reported as resource-related ([`NEVER`]: not yet).
    resource: Vec<u64>,
    /// Patterns found, oldest first (bounded).
    pub found: VecDeque<Pattern>,
}

/// Where one child path's rings stand, and what a burst at one instant needs to know
/// without reading them: 32 bytes, so the table of a thousand children stays close to
/// the cache, and a restart or failure in a burst at one instant touches only this.
#[derive(Clone, Copy, Debug)]
struct ChildTrack {
    restarts: Ring,
    failures: Ring,
    /// How many of the newest failures happened at `last_failure` (saturating).
    burst: u8,
    last_failure: u64,
    /// When it was last reported as storming / periodic (once per episode; [`NEVER`]:
    /// not yet).
    storming: u64,
    periodic: u64,
}

/// Not reported yet.
const NEVER: u64 = u64::MAX;

impl Default for ChildTrack {
    fn default() -> Self {
        ChildTrack {
            restarts: Ring::default(),
            failures: Ring::default(),
            burst: 0,
            last_failure: NEVER,
            storming: NEVER,
            periodic: NEVER,
        }
    }
}

/// One child path's newest restart times (enough to see a storm) and newest failure
/// times (enough to see a beat), a cache line each.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct Times {
    restarts: [u64; RING],
    failures: [u64; RING],
}

/// The children of one supervisor that failed most recently: the newest `k`
/// (`cascade_children`) different ones, newest first, each with the time of its last
/// failure. At least `k` different children failed within the window exactly when the
/// `k`-th of them did.
#[derive(Clone, Debug, Default)]
struct Siblings {
    recent: [(PathId, u64); RING],
    len: u8,
    /// When a cascade was last reported (once per window).
    reported: Option<u64>,
}

impl Siblings {
    /// `child` failed at `t`: it moves to the front (of `k` entries).
    #[inline]
    fn failed(&mut self, child: PathId, t: u64, k: usize) {
        let len = self.len as usize;
        let end = match self.recent[..len].iter().position(|(c, _)| *c == child) {
            Some(i) => i,
            None if len < k => {
                self.len += 1;
                len
            }
            None => k - 1,
        };
        for i in (0..end).rev() {
            self.recent[i + 1] = self.recent[i];
        }
        self.recent[0] = (child, t);
    }
}

const KEEP: usize = 1000;

/// Times a child's ring holds: storms and periodic beats look at most this many.
pub const RING: usize = 8;
const _: () = assert!(RING.is_power_of_two() && RING <= u8::MAX as usize);

/// Where a ring of the newest (at most [`RING`]) times stands; the times are kept apart
/// ([`Times`]). Once full, each new time takes the oldest one's place.
#[derive(Clone, Copy, Debug, Default)]
struct Ring {
    /// Where the next time goes.
    next: u8,
    len: u8,
}

impl Ring {
    #[inline]
    fn len(self) -> usize {
        self.len as usize
    }

    /// The `k`-th newest time (0: the newest) in `t`, for `k < len`.
    #[inline]
    fn back(self, t: &[u64; RING], k: usize) -> u64 {
        t[(self.next as usize + RING - 1 - k) & (RING - 1)]
    }

    #[inline]
    fn push(&mut self, t: &mut [u64; RING], x: u64) {
        t[self.next as usize & (RING - 1)] = x;
        self.next = ((self.next as usize + 1) & (RING - 1)) as u8;
        if self.len() < RING {
            self.len += 1;
        }
    }

    /// The newest `n` (at most `len`) times in `t`, oldest first.
    fn newest(self, t: &[u64; RING], n: usize) -> impl Iterator<Item = u64> + '_ {
        (0..n).rev().map(move |k| self.back(t, k))
    }
}

impl PatternDetector {
    /// A detector with these thresholds.
    pub fn new(config: PatternConfig) -> PatternDetector {
        PatternDetector {
            config,
            ..PatternDetector::default()
        }
    }

    /// `child`'s record and ring times, growing the tables.
    #[inline(always)]
    fn track(&mut self, child: PathId) -> (&mut ChildTrack, &mut Times) {
        let i = child as usize;
        if self.children.len() <= i {
            self.grow(i);
        }
        (&mut self.children[i], &mut self.times[i])
    }

    #[cold]
    fn grow(&mut self, i: usize) {
        self.children.resize(i + 1, ChildTrack::default());
        self.times.resize(i + 1, Times::default());
    }

    fn push(&mut self, p: Pattern) {
        self.found.push_back(p);
        if self.found.len() > KEEP {
            self.found.pop_front();
        }
    }

    /// The newest `n` patterns found, oldest first.
    pub fn newest(&self, n: usize) -> Vec<Pattern> {
        self.found
            .iter()
            .skip(self.found.len() - n)
            .cloned()
            .collect()
    }

    /// A child of `sup` failed (the supervisor reported `child_terminated`); returns how
    /// many patterns that added to `found`.
    #[inline(always)]
    pub fn failure(&mut self, paths: &Paths, sup: PathId, child: PathId, t_us: u64) -> usize {
        let c = self.config;
        let mut added = 0;
        // siblings failing together; once a cascade is reported, failures at that same
        // instant change nothing the next report could see (it comes after the window,
        // when they are outside it), so a burst skips them
        let sib = slot(&mut self.siblings, sup);
        let k = c.cascade_children.clamp(1, RING);
        let seen_now = sib.reported == Some(t_us);
        if !seen_now {
            sib.failed(child, t_us, k);
        }
        if !seen_now
            && sib.len as usize >= k
            && t_us - sib.recent[k - 1].1 <= c.cascade_window_us
            && sib.reported.is_none_or(|r| t_us - r > c.cascade_window_us)
        {
            sib.reported = Some(t_us);
            let mut children: Vec<String> = sib.recent[..k]
                .iter()
                .map(|(k, _)| paths.name(*k).to_string())
                .collect();
            otp_lab_sim::sort::sort(&mut children);
            self.push(Pattern::CascadingFailure {
                supervisor: paths.name(sup).to_string(),
                children,
                escalated: false,
                at_us: t_us,
            });
            added += 1;
        }
        // a regular beat
        let beats = c.periodic_failures.clamp(2, RING);
        let (track, times) = self.track(child);
        if track.last_failure == t_us {
            if track.burst as usize >= beats {
                // the newest `beats` failures are all at this instant already: one more
                // changes nothing the detector reads
                return added;
            }
            track.burst += 1;
        } else {
            track.last_failure = t_us;
            track.burst = 1;
        }
        let ft = &mut times.failures;
        let f = &mut track.failures;
        f.push(ft, t_us);
        if f.len() < beats || c.periodic_failures < 2 {
            return added;
        }
        let first = f.back(ft, beats - 1);
        if t_us == first {
            return added;
        }
        let n = (beats - 1) as f64;
        // evenly spaced failures: mean gap = span / gaps
        let mean = (t_us - first) as f64 / n;
        if track.periodic != NEVER && t_us - track.periodic < 10 * mean as u64 {
            return added; // reported in this episode already
        }
        let gaps = f
            .newest(ft, beats)
            .zip(f.newest(ft, beats).skip(1))
            .map(|(a, b)| (b - a) as f64);
        let var = gaps.map(|g| (g - mean).powi(2)).sum::<f64>() / n;
        if var.sqrt() / mean < c.periodic_max_cv {
            track.periodic = t_us;
            self.push(Pattern::PeriodicFailure {
                supervisor: paths.name(sup).to_string(),
                child: paths.name(child).to_string(),
                period_us: mean as u64,
                at_us: t_us,
            });
            added += 1;
        }
        added
    }

    /// `sup` restarted `child`; returns how many patterns that added to `found`.
    #[inline(always)]
    pub fn restart(&mut self, paths: &Paths, sup: PathId, child: PathId, t_us: u64) -> usize {
        let c = self.config;
        let (track, times) = self.track(child);
        if track.storming == t_us {
            // reported at this very instant: restarts at it are outside the window by
            // the time another report can come, so a burst skips them
            return 0;
        }
        let needed = c.storm_restarts.clamp(1, RING);
        let rt = &mut times.restarts;
        let r = &mut track.restarts;
        r.push(rt, t_us);
        // a storm: the oldest of the newest `needed` restarts is inside the window
        if r.len() < needed || t_us - r.back(rt, needed - 1) > c.storm_window_us {
            return 0;
        }
        if track.storming != NEVER && t_us - track.storming <= c.storm_window_us {
            return 0; // reported in this episode already
        }
        track.storming = t_us;
        self.push(Pattern::RestartStorm {
            supervisor: paths.name(sup).to_string(),
            child: paths.name(child).to_string(),
            restarts: needed,
            at_us: t_us,
        });
        1
    }

    /// A child of `sup` failed with `reason` while the longest mailbox held `queue_len`
    /// messages; returns how many patterns that added to `found` (a resource-related
    /// restart, if the reason is a call's timeout and the mailbox long enough).
    pub fn failure_reason(
        &mut self,
        paths: &Paths,
        sup: PathId,
        child: PathId,
        reason: &Term,
        queue_len: usize,
        t_us: u64,
    ) -> usize {
        let c = self.config;
        if queue_len < c.resource_queue_len.max(1) {
            return 0;
        }
        let Some(callee) = timed_out_callee(reason) else {
            return 0;
        };
        let i = child as usize;
        if self.resource.len() <= i {
            self.resource.resize(i + 1, NEVER);
        }
        let last = self.resource[i];
        if last != NEVER && t_us - last <= c.storm_window_us {
            return 0; // reported in this episode already
        }
        self.resource[i] = t_us;
        self.push(Pattern::ResourceRelated {
            supervisor: paths.name(sup).to_string(),
            child: paths.name(child).to_string(),
            callee,
            queue_len,
            at_us: t_us,
        });
        1
    }

    /// `sup` gave up (reached its restart intensity) after `child` failed: the failure
    /// travels up the tree. Adds one pattern to `found`.
    pub fn gave_up(&mut self, paths: &Paths, sup: PathId, child: PathId, t_us: u64) {
        self.push(Pattern::CascadingFailure {
            supervisor: paths.name(sup).to_string(),
            children: vec![paths.name(child).to_string()],
            escalated: true,
            at_us: t_us,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static PATHS: std::cell::RefCell<Paths> = std::cell::RefCell::new(Paths::default());
    }

    fn p(s: &str) -> PathId {
        PATHS.with(|p| p.borrow_mut().get(s.as_bytes()))
    }

    fn names() -> Paths {
        PATHS.with(|p| p.borrow().clone())
    }

    fn fail(d: &mut PatternDetector, sup: &str, child: &str, t: u64) -> Vec<Pattern> {
        let (s, c) = (p(sup), p(child));
        let n = d.failure(&names(), s, c, t);
        d.newest(n)
    }

    fn rs(d: &mut PatternDetector, sup: &str, child: &str, t: u64) -> Vec<Pattern> {
        let (s, c) = (p(sup), p(child));
        let n = d.restart(&names(), s, c, t);
        d.newest(n)
    }

    fn gave(d: &mut PatternDetector, sup: &str, child: &str, t: u64) -> Vec<Pattern> {
        let (s, c) = (p(sup), p(child));
        d.gave_up(&names(), s, c, t);
        d.newest(1)
    }

    #[test]
    fn each_pattern_says_what_it_means() {
        let storm = Pattern::RestartStorm {
            supervisor: "root".into(),
            child: "root/a".into(),
            restarts: 5,
            at_us: 7,
        };
        assert_eq!(
            storm.describe(),
            "Restart storm: root restarted root/a 5 times in quick succession"
        );
        assert_eq!(storm.at_us(), 7);
        let cascade = |escalated| Pattern::CascadingFailure {
            supervisor: "root".into(),
            children: vec!["root/a".into(), "root/b".into()],
            escalated,
            at_us: 1,
        };
        assert_eq!(
            cascade(false).describe(),
            "Cascading failure: root/a, root/b under root failed together"
        );
        assert_eq!(
            cascade(true).describe(),
            "Escalation: root gave up after root/a, root/b failed (restart intensity reached); it was the root, so the whole tree is down"
        );
        let beat = Pattern::PeriodicFailure {
            supervisor: "root".into(),
            child: "root/a".into(),
            period_us: 2_500_000,
            at_us: 10_000_000,
        };
        assert_eq!(
            beat.describe(),
            "Periodic failure: root/a (under root) fails every 2.5 s; next expected at 12.500 s"
        );
    }

    #[test]
    fn storm_fires_on_rapid_restarts_only() {
        let mut d = PatternDetector::default();
        for i in 0..4 {
            assert!(rs(&mut d, "root", "root/a", i * 100_000).is_empty());
        }
        assert_eq!(
            rs(&mut d, "root", "root/a", 400_000)[0].kind(),
            "restart_storm"
        );
        // reported once per episode
        assert!(rs(&mut d, "root", "root/a", 500_000).is_empty());
        // slow restarts never storm
        let mut d = PatternDetector::default();
        for i in 0..20 {
            assert!(rs(&mut d, "root", "root/b", i * 5_000_000).is_empty());
        }
    }

    #[test]
    fn cascade_needs_several_siblings_in_the_window() {
        let mut d = PatternDetector::default();
        assert!(fail(&mut d, "root", "root/a", 0).is_empty());
        assert!(
            fail(&mut d, "root", "root/a", 10).is_empty(),
            "one child twice is not a cascade"
        );
        assert!(fail(&mut d, "root", "root/b", 20).is_empty());
        let found = fail(&mut d, "root", "root/c", 30);
        assert!(
            matches!(&found[0], Pattern::CascadingFailure { children, escalated: false, .. } if children.len() == 3)
        );
        let mut d = PatternDetector::default();
        for (i, c) in ["root/a", "root/b", "root/c"].iter().enumerate() {
            assert!(
                fail(&mut d, "root", c, i as u64 * 2_000_000).is_empty(),
                "spread out: no cascade"
            );
        }
        assert!(matches!(
            &gave(&mut d, "root", "root/a", 5)[0],
            Pattern::CascadingFailure {
                escalated: true,
                ..
            }
        ));
    }

    #[test]
    fn periodic_needs_regular_intervals() {
        let mut d = PatternDetector::default();
        let mut found = Vec::new();
        for i in 0..6u64 {
            found.extend(fail(&mut d, "root", "root/a", i * 1_000_000));
        }
        assert!(found.iter().any(|p| matches!(
            p,
            Pattern::PeriodicFailure {
                period_us: 1_000_000,
                ..
            }
        )));
        let mut d = PatternDetector::default();
        let mut found = Vec::new();
        for t in [0u64, 100_000, 2_000_000, 2_100_000, 7_000_000, 7_050_000] {
            found.extend(fail(&mut d, "root", "root/a", t));
        }
        assert!(
            !found.iter().any(|p| p.kind() == "periodic_failure"),
            "{found:?}"
        );
    }
}
