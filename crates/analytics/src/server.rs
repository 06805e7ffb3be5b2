//! The analytics server: telemetry handlers feeding the restart tracker, the metrics
//! engine, pattern detection and anomaly baselines, plus event subscriptions with filters
//! and the dashboard summary that alert rules read. Attached to a world, it reads spawns,
//! exits and sends from the bus's per-kind counters, hears supervisors' reports and child
//! starts as typed notes (one call each, nothing to decode) and supervisor inits and
//! exits as events, and closes its time buckets on the bus's clock. [`Server::on_event`]
//! takes the same events one by one (a log, a test) and comes to the same analytics.

use crate::health::{
    assess, check_alerts, default_rules, queue_analysis, Alert, AlertRule, AlertWatch, Anomaly,
    Baseline, Health, HealthReport, HealthThresholds, QueueAnalysis,
};
use crate::metrics::{Kind, MetricId, Metrics, Retention};
use crate::patterns::{Pattern, PatternConfig, PatternDetector};
use crate::restarts::{RestartAnalytics, Seen, SupervisorStats};
use otp_lab_sim::event::{
    Event, EventKind, KindCounts, Noted, ReportContext, StartCause, SupervisorNote,
};
use otp_lab_sim::term::Term;
use otp_lab_sim::World;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Something subscribers hear about.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Restart {
        supervisor: String,
        child: String,
        at_us: u64,
    },
    Pattern(Pattern),
    Anomaly {
        metric: String,
        anomaly: Anomaly,
        at_us: u64,
    },
}

impl Notice {
    /// `restart`, `pattern` or `anomaly`.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Restart { .. } => "restart",
            Notice::Pattern(_) => "pattern",
            Notice::Anomaly { .. } => "anomaly",
        }
    }
}

type Filter = Box<dyn Fn(&Notice) -> bool>;

struct Subscription {
    kinds: Vec<&'static str>,
    filter: Option<Filter>,
    inbox: Vec<Notice>,
}

/// Settings of the analytics server.
#[derive(Clone, Debug)]
pub struct Settings {
    pub history_size: usize,
    pub retention: Retention,
    pub patterns: PatternConfig,
    pub health: HealthThresholds,
    /// Interval of the per-window restart-rate samples fed to the anomaly baseline (µs).
    pub baseline_interval_us: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            history_size: crate::restarts::DEFAULT_HISTORY,
            retention: Retention::default(),
            patterns: PatternConfig::default(),
            health: HealthThresholds::default(),
            baseline_interval_us: 1_000_000,
        }
    }
}

/// Metric ids the server records.
#[derive(Clone, Copy, Debug)]
struct Ids {
    restarts: MetricId,
    failures: MetricId,
    spawns: MetricId,
    exits: MetricId,
    messages: MetricId,
    processes: MetricId,
    recovery: MetricId,
}

/// Everything the analytics compute, fed by events.
pub struct Server {
    pub restarts: RestartAnalytics,
    pub metrics: Metrics,
    pub patterns: PatternDetector,
    settings: Settings,
    ids: Ids,
    /// Spawns minus exits seen one by one (without `counted`).
    live: i64,
    /// The bus's counters, when attached to a world: spawns, exits and sends are read
    /// from them instead of arriving one by one.
    counted: Option<Counted>,
    /// Whether any subscription listens to restarts.
    wants_restarts: bool,
    /// The baselines of the restart rate, the message rate, the process count and the
    /// longest mailbox.
    baselines: [Baseline; 4],
    /// Each change of health, for the band along the timeline.
    health_changes: Vec<(u64, Health, String)>,
    /// The alert rules (the defaults and the learner's), watched every window over the
    /// dashboard's last 10 s, and the times they fired.
    pub watch: AlertWatch,
    /// Charts of the learner's own: (metric, aggregation, bucket in µs), in the order
    /// added.
    pub charts: Vec<(String, String, u64)>,
    window_start: u64,
    window_restarts: u64,
    anomalies: Vec<(u64, Anomaly)>,
    subscriptions: Vec<Subscription>,
    /// Spawns, exits, sends, restarts and failures since `bucket_start`, recorded as one
    /// sample each per bucket (the hottest events cost an add, not a sample).
    pending: [u64; 5],
    bucket_start: u64,
    /// The longest a mailbox grew in the last window that closed.
    last_longest: usize,
    /// Recovery times not recorded yet: a run of equal ones at one instant (the
    /// restarts of a burst), recorded as one call when it ends or a query syncs.
    recovery: Recovery,
}

/// A run of equal recovery samples at one instant.
#[derive(Clone, Copy, Debug, Default)]
struct Recovery {
    t: u64,
    us: u64,
    n: u64,
}

/// The bus's kind counters and how much of them the server has taken in.
struct Counted {
    counts: Rc<KindCounts>,
    /// The longest a process's queue grew since the last window closed.
    queue_high_water: Rc<Cell<usize>>,
    /// Spawns, exits and sends counted when the server was attached / taken into
    /// `pending` so far.
    base: [u64; 3],
    taken: [u64; 3],
}

/// The kinds the server reads from the bus's counters when attached to a world.
const COUNTED: [EventKind; 3] = [EventKind::Spawn, EventKind::Exit, EventKind::Send];

/// Handler id of the server's supervisor notes (see [`Server::attach`]).
const ID_NOTES: &str = "otp-lab-analytics-server/notes";

/// Width of the buckets in which spawns, exits and sends are counted (µs).
pub const COUNT_BUCKET_US: u64 = 10_000;

/// The fields of [`Server::dashboard`] (the recovery times once there was a recovery).
pub const DASHBOARD_FIELDS: [&str; 12] = [
    "anomalies_total",
    "failure_rate_per_s",
    "failures_total",
    "message_rate_per_s",
    "patterns_total",
    "process_count",
    "recovery_time_p50_us",
    "recovery_time_p95_us",
    "recovery_time_p99_us",
    "restart_rate_per_s",
    "restarts_total",
    "spawn_rate_per_s",
];

/// The window of the dashboard the alert rules are watched on (the Lab's default).
pub const ALERT_WINDOW_US: u64 = 10_000_000;

impl Server {
    /// A server with these settings.
    pub fn new(settings: Settings) -> Server {
        let mut metrics = Metrics::new(settings.retention);
        let ids = Ids {
            restarts: metrics.register("restarts", Kind::Counter),
            failures: metrics.register("failures", Kind::Counter),
            spawns: metrics.register("spawns", Kind::Counter),
            exits: metrics.register("exits", Kind::Counter),
            messages: metrics.register("messages", Kind::Counter),
            processes: metrics.register("processes", Kind::Gauge),
            recovery: metrics.register("recovery_time_us", Kind::Histogram),
        };
        Server {
            restarts: RestartAnalytics::new(settings.history_size),
            metrics,
            patterns: PatternDetector::new(settings.patterns),
            settings,
            ids,
            live: 0,
            counted: None,
            wants_restarts: false,
            baselines: Default::default(),
            health_changes: Vec::new(),
            watch: AlertWatch::new(default_rules()),
            charts: Vec::new(),
            window_start: 0,
            window_restarts: 0,
            anomalies: Vec::new(),
            subscriptions: Vec::new(),
            pending: [0; 5],
            bucket_start: 0,
            last_longest: 0,
            recovery: Recovery::default(),
        }
    }

    /// The event kinds the server needs when fed events one by one ([`Server::on_event`]).
    pub const KINDS: &'static [EventKind] = &[
        EventKind::Spawn,
        EventKind::Exit,
        EventKind::Send,
        EventKind::InitStart,
        EventKind::ChildStarted,
        EventKind::Report,
    ];

    /// A server attached to `world`'s bus: spawns, exits and sends come from the bus's
    /// counters, reports and child starts as supervisor notes, supervisor inits and exits
    /// as events, and the time buckets close when the clock moves on.
    pub fn attach(world: &mut World, settings: Settings) -> Rc<RefCell<Server>> {
        let mut server = Server::new(settings);
        let counts = world.telemetry.counts();
        let base = COUNTED.map(|k| counts.get(k));
        server.counted = Some(Counted {
            counts,
            queue_high_water: world.telemetry.queue_high_water(),
            base,
            taken: base,
        });
        let server = Rc::new(RefCell::new(server));
        // no bucket check per note: the clock handler closes the buckets before anything
        // of a later time arrives
        let t = &mut world.telemetry;
        let s = server.clone();
        let _ = t.attach_notes(ID_NOTES, move |n| s.borrow_mut().on_note(n));
        let s = server.clone();
        let _ = t.attach_many(
            "otp-lab-analytics-server",
            &[
                EventKind::SupervisorInit,
                EventKind::SupervisorExit,
                EventKind::RestartCounted,
                EventKind::IntensityChanged,
            ],
            move |e| s.borrow_mut().on_event(e),
        );
        let s = server.clone();
        let _ = t.attach_clock("otp-lab-analytics-server", move |t| {
            s.borrow_mut().on_clock(t)
        });
        server
    }

    /// Live processes: spawns minus exits since the server started listening (the
    /// dashboard's `process_count`).
    pub fn live(&self) -> i64 {
        match &self.counted {
            Some(c) => {
                let spawns = c.counts.get(EventKind::Spawn) - c.base[0];
                let exits = c.counts.get(EventKind::Exit) - c.base[1];
                spawns as i64 - exits as i64
            }
            None => self.live,
        }
    }

    /// The clock moved to `t`: closes the buckets and windows that ended.
    pub fn on_clock(&mut self, t: u64) {
        if t >= self.bucket_start + COUNT_BUCKET_US {
            self.flush_counts(t);
            self.roll_window(t);
        }
    }

    /// Handles one event.
    pub fn on_event(&mut self, e: &Event<'_>) {
        self.on_clock(e.time);
        if self.counted.is_none() {
            match e.kind {
                EventKind::Send => {
                    self.pending[2] += 1;
                    return;
                }
                EventKind::Spawn => {
                    self.live += 1;
                    self.pending[0] += 1;
                    return;
                }
                EventKind::Exit => {
                    self.live -= 1;
                    self.pending[1] += 1;
                }
                _ => {}
            }
        }
        match e.kind {
            EventKind::Report => {
                let seen = self.restarts.observe(e);
                self.reported(seen, e.time);
            }
            EventKind::ChildStarted => {
                let seen = self.restarts.observe(e);
                self.started(seen, e.info == StartCause::Restart as u32, e.time);
            }
            _ => {
                self.restarts.observe(e);
            }
        }
    }

    /// Handles one supervisor note (what [`Server::attach`] listens to for reports and
    /// child starts).
    #[inline(always)]
    pub fn on_note(&mut self, n: &SupervisorNote<'_>) {
        match n.what {
            Noted::Report(ctx) => {
                let seen = self.restarts.report(n, ctx);
                self.reported(seen, n.time);
                if ctx == ReportContext::ChildTerminated && n.reason.as_tuple().is_some() {
                    self.resource(seen, n.reason, n.time);
                }
            }
            Noted::Started(cause) => {
                let seen = self.restarts.started(n, cause);
                self.started(seen, cause == StartCause::Restart, n.time);
            }
        }
    }

    /// After a report: a failure (or a give-up) for the pattern detector.
    #[inline(always)]
    fn reported(&mut self, seen: Seen, t: u64) {
        let Seen {
            sup,
            child,
            report: Some(ctx),
            ..
        } = seen
        else {
            return;
        };
        let paths = self.restarts.paths();
        let found = if ctx == ReportContext::ChildTerminated {
            self.pending[4] += 1;
            self.patterns.failure(paths, sup, child, t)
        } else {
            self.patterns.gave_up(paths, sup, child, t);
            1
        };
        self.notify_patterns(found);
    }

    /// After a child failed with a compound reason: a resource-related restart, if it is
    /// a call's timeout while a mailbox was long (this window's longest or the last one's).
    #[cold]
    fn resource(&mut self, seen: Seen, reason: &Term, t: u64) {
        let Some(c) = &self.counted else {
            return;
        };
        let longest = c.queue_high_water.get().max(self.last_longest);
        let paths = self.restarts.paths();
        let found = self
            .patterns
            .failure_reason(paths, seen.sup, seen.child, reason, longest, t);
        self.notify_patterns(found);
    }

    /// After a child started: for a restart, the restart counts, the recovery time and the
    /// storm detector.
    #[inline(always)]
    fn started(&mut self, seen: Seen, restart: bool, t: u64) {
        if !restart {
            return;
        }
        if t >= self.window_start + self.settings.baseline_interval_us {
            self.roll_window(t);
        }
        let Seen {
            sup,
            child,
            failed_at,
            ..
        } = seen;
        self.pending[3] += 1;
        self.window_restarts += 1;
        if let Some(f) = failed_at {
            let r = &mut self.recovery;
            if r.n > 0 && r.t == t && r.us == t - f {
                r.n += 1;
            } else {
                self.record_recovery();
                self.recovery = Recovery { t, us: t - f, n: 1 };
            }
        }
        let paths = self.restarts.paths();
        let found = self.patterns.restart(paths, sup, child, t);
        if self.wants_restarts {
            self.notify(Notice::Restart {
                supervisor: paths.name(sup).to_string(),
                child: paths.name(child).to_string(),
                at_us: t,
            });
        }
        self.notify_patterns(found);
    }

    /// Tells subscribers about the newest `n` patterns found.
    #[inline]
    fn notify_patterns(&mut self, n: usize) {
        if n > 0 {
            self.notify_newest(n);
        }
    }

    #[cold]
    fn notify_newest(&mut self, n: usize) {
        for p in self.patterns.newest(n) {
            self.notify(Notice::Pattern(p));
        }
    }

    /// Records the counts of the bucket that just ended.
    fn flush_counts(&mut self, t: u64) {
        self.sync();
        let live = self.live();
        self.metrics
            .record(self.ids.processes, self.bucket_start, live as f64);
        self.bucket_start = t - t % COUNT_BUCKET_US;
    }

    /// Records the pending run of recovery times.
    fn record_recovery(&mut self) {
        let Recovery { t, us, n } = std::mem::take(&mut self.recovery);
        if n > 0 {
            self.metrics.record_n(self.ids.recovery, t, us as f64, n);
        }
    }

    /// Records the counts gathered so far in the current bucket and the pending recovery
    /// times, so queries see every event (the queries call it; a later flush of the same
    /// bucket adds the rest).
    pub fn sync(&mut self) {
        if let Some(c) = &mut self.counted {
            for (i, kind) in COUNTED.into_iter().enumerate() {
                let n = c.counts.get(kind);
                self.pending[i] += n - c.taken[i];
                c.taken[i] = n;
            }
        }
        let ids = self.ids;
        let at = self.bucket_start;
        for (i, id) in [
            ids.spawns,
            ids.exits,
            ids.messages,
            ids.restarts,
            ids.failures,
        ]
        .into_iter()
        .enumerate()
        {
            if self.pending[i] > 0 {
                self.metrics.record(id, at, self.pending[i] as f64);
                self.pending[i] = 0;
            }
        }
        self.record_recovery();
    }

    /// Closes the windows up to `t` and feeds their restart rate, message rate and
    /// process count and the longest mailbox to the anomaly baselines.
    fn roll_window(&mut self, t: u64) {
        let step = self.settings.baseline_interval_us.max(1);
        let secs = step as f64 / 1e6;
        while t >= self.window_start + step {
            let from = self.window_start;
            let rate = self.window_restarts as f64 / secs;
            self.window_restarts = 0;
            self.window_start += step;
            self.track_health(self.window_start);
            // the dashboard records the pending counts first (it syncs)
            let d = self.dashboard(self.window_start, ALERT_WINDOW_US);
            self.watch.observe(self.window_start, &d);
            let messages = self
                .metrics
                .aggregate(self.ids.messages, from, self.window_start - 1)
                .sum
                / secs;
            // the longest a mailbox grew in the window (read once: later windows of a
            // jump in time had none)
            let longest = self
                .counted
                .as_ref()
                .map_or(0, |c| c.queue_high_water.take());
            self.last_longest = longest;
            let values = [
                ("restart_rate_per_s", rate),
                ("message_rate_per_s", messages),
                ("process_count", self.live() as f64),
                ("longest_mailbox", longest as f64),
            ];
            for (i, (metric, x)) in values.into_iter().enumerate() {
                let Some(mut a) = self.baselines[i].observe(x) else {
                    continue;
                };
                a.metric = metric;
                self.anomalies.push((self.window_start, a));
                if self.anomalies.len() > 1000 {
                    self.anomalies.remove(0);
                }
                self.notify(Notice::Anomaly {
                    metric: metric.to_string(),
                    anomaly: a,
                    at_us: self.window_start,
                });
            }
            if self.window_start + 1000 * step < t {
                // a long quiet gap: fast-forward (quiet windows would only teach zeros)
                self.window_start = t - t % step;
            }
        }
    }

    fn notify(&mut self, n: Notice) {
        for s in &mut self.subscriptions {
            if s.kinds.contains(&n.kind()) && s.filter.as_ref().is_none_or(|f| f(&n)) {
                s.inbox.push(n.clone());
                if s.inbox.len() > 10_000 {
                    s.inbox.remove(0);
                }
            }
        }
    }

    /// Subscribes to notices of some kinds (`restart`, `pattern`, `anomaly`), optionally
    /// filtered; returns the subscription's id.
    pub fn subscribe(&mut self, kinds: &[&'static str], filter: Option<Filter>) -> usize {
        self.wants_restarts |= kinds.contains(&"restart");
        self.subscriptions.push(Subscription {
            kinds: kinds.to_vec(),
            filter,
            inbox: Vec::new(),
        });
        self.subscriptions.len() - 1
    }

    /// Takes the notices a subscription has received.
    pub fn drain(&mut self, id: usize) -> Vec<Notice> {
        self.subscriptions
            .get_mut(id)
            .map(|s| std::mem::take(&mut s.inbox))
            .unwrap_or_default()
    }

    /// Spawns, exits, sends, restarts and child failures the server has counted, all time.
    pub fn totals(&mut self) -> [u64; 5] {
        self.sync();
        let ids = self.ids;
        [
            ids.spawns,
            ids.exits,
            ids.messages,
            ids.restarts,
            ids.failures,
        ]
        .map(|id| self.metrics.current(id) as u64)
    }

    /// Anomalies found so far (restart rate, message rate, process count), oldest first.
    pub fn anomalies(&self) -> &[(u64, Anomaly)] {
        &self.anomalies
    }

    /// The dashboard at virtual time `now_us` over the preceding `window_us`.
    pub fn dashboard(&mut self, now_us: u64, window_us: u64) -> BTreeMap<String, f64> {
        self.sync();
        let from = now_us.saturating_sub(window_us);
        let m = &self.metrics;
        let ids = self.ids;
        let mut d = BTreeMap::new();
        d.insert(
            "restart_rate_per_s".into(),
            m.rate(ids.restarts, from, now_us),
        );
        d.insert(
            "failure_rate_per_s".into(),
            m.rate(ids.failures, from, now_us),
        );
        d.insert("spawn_rate_per_s".into(), m.rate(ids.spawns, from, now_us));
        d.insert(
            "message_rate_per_s".into(),
            m.rate(ids.messages, from, now_us),
        );
        d.insert("process_count".into(), self.live() as f64);
        d.insert("restarts_total".into(), m.current(ids.restarts));
        d.insert("failures_total".into(), m.current(ids.failures));
        for (name, p) in [
            ("recovery_time_p50_us", 50.0),
            ("recovery_time_p95_us", 95.0),
            ("recovery_time_p99_us", 99.0),
        ] {
            if let Some(v) = m.sketch_quantile(ids.recovery, p / 100.0) {
                d.insert(name.into(), v);
            }
        }
        d.insert("patterns_total".into(), self.patterns.found.len() as f64);
        d.insert("anomalies_total".into(), self.anomalies.len() as f64);
        d
    }

    /// Health now, including mailbox lengths from the world.
    pub fn health(&mut self, w: &World, now_us: u64) -> HealthReport {
        self.sync();
        let mut report = self.assess_at(now_us, queue_analysis(w));
        if report.status != Health::Healthy {
            if let Some(advice) = self.recommendation(now_us) {
                report.reasons.push(advice);
            }
        }
        report
    }

    /// Health at `now_us` from the restarts in the health window, the process count,
    /// `queues` and the root supervisors (one that gave up takes its application down).
    fn assess_at(&self, now_us: u64, queues: QueueAnalysis) -> HealthReport {
        let t = self.settings.health;
        let from = now_us.saturating_sub(t.restart_window_us);
        let recent = self.metrics.aggregate(self.ids.restarts, from, now_us).sum as u64;
        let mut report = assess(recent, self.live().max(0) as u64, queues, &t);
        for s in self.restarts.all_stats() {
            if !s.alive && !s.path.contains('/') {
                report.status = Health::Critical;
                report
                    .reasons
                    .push(format!("the root supervisor {} is down", s.path));
            }
        }
        report
    }

    /// What a practitioner would do about the restarts in the health window: find why
    /// the busiest supervisor's most restarted child fails (and only then consider its
    /// intensity).
    fn recommendation(&self, now_us: u64) -> Option<String> {
        let window = self.settings.health.restart_window_us;
        let from = now_us.saturating_sub(window);
        let r = &self.restarts;
        let (busiest, n) = r
            .all_stats()
            .map(|s| (s, r.restarts_between(s, from, now_us)))
            .fold(
                None,
                |best: Option<(&SupervisorStats, u64)>, (s, n)| match best {
                    Some((_, m)) if m >= n => best,
                    _ => Some((s, n)),
                },
            )?;
        if n == 0 {
            return None;
        }
        let report = r.supervisor_report(&busiest.path, from, now_us).ok()?;
        let (child, times) = report.children.first()?;
        let top = report.reasons.first();
        let reason = top.map_or(String::new(), |(why, k)| format!(", most often {why} ×{k}"));
        let callee = top
            .and_then(|(why, _)| otp_lab_sim::term::parse_term(why).ok())
            .and_then(|t| crate::patterns::timed_out_callee(&t));
        if let Some(callee) = callee {
            return Some(format!(
                "{} restarted children {n} times in the last {} s, {child} most ({times}×{reason}): {child}'s calls to {callee} time out, so {callee} is slower than its load (look at its mailbox); find what floods it or give it capacity, as raising {}'s intensity would only hide it",
                busiest.path,
                window / 1_000_000,
                busiest.path,
            ));
        }
        Some(format!(
            "{} restarted children {n} times in the last {} s, {child} most ({times}×{reason}): find out why {child} fails; raise {}'s intensity (now {} in {} s) only if such failures are expected",
            busiest.path,
            window / 1_000_000,
            busiest.path,
            busiest.intensity,
            busiest.period
        ))
    }

    /// The health band: each instant the status changed (checked every window of the
    /// anomaly baselines, mailboxes aside), with its reasons; the newest 1,000.
    pub fn health_changes(&self) -> &[(u64, Health, String)] {
        &self.health_changes
    }

    /// Notes a change of health at `t` for the band.
    fn track_health(&mut self, t: u64) {
        let report = self.assess_at(t, QueueAnalysis::default());
        if self.health_changes.last().map_or(Health::Healthy, |c| c.1) != report.status {
            let why = if report.reasons.is_empty() {
                "back to healthy".to_string()
            } else {
                report.reasons.join("; ")
            };
            self.health_changes.push((t, report.status, why));
            if self.health_changes.len() > 1000 {
                self.health_changes.remove(0);
            }
        }
    }

    /// The alert rules that fire on the dashboard.
    pub fn alerts(&mut self, rules: &[AlertRule], now_us: u64, window_us: u64) -> Vec<Alert> {
        check_alerts(rules, &self.dashboard(now_us, window_us))
    }
}
