//! The metrics engine (seed 001): counters, gauges and histograms keyed by name, samples in
//! plain `Vec` columns (time, metric, value — what the web app exposes as typed arrays),
//! mergeable aggregates, exact and sketched percentiles, rates and time-series queries,
//! with retention that keeps memory bounded on an endless run.
//!
//! Recording is `record(id, t, value)`: three column pushes and an aggregate update — or,
//! when the sample repeats the newest row (same metric, instant and value, as the recovery
//! times of a restart storm do), one more on that row's run, the run's samples going into
//! the all-time aggregate and sketch together when the next row is written. Runs are
//! sparse (a row of one sample costs nothing more), and every query weighs a row by its
//! run (and counts the samples not yet in the aggregate), so it answers exactly as over
//! the samples one by one. Names are resolved once, with [`Metrics::register`].

use crate::sketch::Sketch;
use std::collections::HashMap;

/// What a metric measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A running total; samples are increments.
    Counter,
    /// A level; samples are the current value.
    Gauge,
    /// A distribution; samples are observations.
    Histogram,
}

/// A registered metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MetricId(pub u32);

/// Count, sum, min, max and sum of squares: merge two by adding.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Aggregate {
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub sum_sq: f64,
}

impl Aggregate {
    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_n(x, 1);
    }

    /// Adds `n` equal values.
    #[inline]
    pub fn add_n(&mut self, x: f64, n: u64) {
        if n == 0 {
            return;
        }
        if self.count == 0 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        let k = n as f64;
        self.count += n;
        self.sum += x * k;
        self.sum_sq += x * x * k;
    }

    /// The aggregate of both.
    pub fn merge(&self, o: &Aggregate) -> Aggregate {
        if self.count == 0 {
            return *o;
        }
        if o.count == 0 {
            return *self;
        }
        Aggregate {
            count: self.count + o.count,
            sum: self.sum + o.sum,
            min: self.min.min(o.min),
            max: self.max.max(o.max),
            sum_sq: self.sum_sq + o.sum_sq,
        }
    }

    /// The mean (None when empty).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The population standard deviation (None when empty).
    pub fn stddev(&self) -> Option<f64> {
        let m = self.mean()?;
        Some((self.sum_sq / self.count as f64 - m * m).max(0.0).sqrt())
    }
}

/// How a time-series bucket is summarised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Aggregation {
    Avg,
    Sum,
    Min,
    Max,
    Count,
    /// A percentile, 0–100 (exact within the bucket).
    P(f64),
}

impl Aggregation {
    /// Parses `avg`, `sum`, `min`, `max`, `count`, `p50`, `p99.9`…
    pub fn parse(s: &str) -> Option<Aggregation> {
        Some(match s {
            "avg" => Aggregation::Avg,
            "sum" => Aggregation::Sum,
            "min" => Aggregation::Min,
            "max" => Aggregation::Max,
            "count" => Aggregation::Count,
            _ => {
                let p: f64 = s.strip_prefix('p')?.parse().ok()?;
                if !(0.0..=100.0).contains(&p) {
                    return None;
                }
                Aggregation::P(p)
            }
        })
    }
}

/// One bucket of a time-series query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub start_us: u64,
    pub value: Option<f64>,
    pub count: u64,
}

/// Limits that keep memory bounded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retention {
    /// Samples older than this (virtual µs before the newest) are dropped.
    pub max_age_us: u64,
    /// At most this many rows are kept (a row is a sample, or a run of equal samples
    /// recorded at one instant).
    pub max_samples: usize,
}

impl Default for Retention {
    /// One virtual hour, one million rows.
    fn default() -> Self {
        Retention {
            max_age_us: 3_600_000_000,
            max_samples: 1_000_000,
        }
    }
}

/// The engine.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    names: Vec<String>,
    kinds: Vec<Kind>,
    index: HashMap<String, u32>,
    /// All-time aggregate per metric (counters: increments; gauges: levels).
    totals: Vec<Aggregate>,
    last: Vec<f64>,
    sketches: Vec<Sketch>,
    /// Sample columns, oldest first from `start`.
    t: Vec<u64>,
    metric: Vec<u32>,
    value: Vec<f64>,
    start: usize,
    /// Rows standing for more than one sample, oldest first from `runs_start`: the row's
    /// number (counted from the first row ever recorded) and how many samples it adds.
    runs: Vec<(u64, u32)>,
    runs_start: usize,
    /// The number of the row at `t[0]`.
    base: u64,
    retention: Retention,
    /// Samples recorded, and dropped by retention.
    recorded: u64,
    dropped: u64,
    /// Samples that repeated the newest row since it was written, not yet in its
    /// metric's totals and sketch.
    unsettled: u64,
}

impl Metrics {
    /// An empty engine with these retention limits.
    pub fn new(retention: Retention) -> Metrics {
        Metrics {
            retention,
            ..Metrics::default()
        }
    }

    /// The id of `name` (registering it with `kind` the first time).
    pub fn register(&mut self, name: &str, kind: Kind) -> MetricId {
        if let Some(&i) = self.index.get(name) {
            return MetricId(i);
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.kinds.push(kind);
        self.index.insert(name.to_string(), i);
        self.totals.push(Aggregate::default());
        self.last.push(0.0);
        self.sketches.push(Sketch::default());
        MetricId(i)
    }

    /// The id of a registered metric.
    pub fn id(&self, name: &str) -> Option<MetricId> {
        self.index.get(name).map(|i| MetricId(*i))
    }

    /// Every metric: name and kind.
    pub fn names(&self) -> impl Iterator<Item = (&str, Kind)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.kinds.iter().copied())
    }

    /// Records one sample at virtual time `t_us`. Rows stay in time order (windowed
    /// queries search the time column): a sample older than the newest row counts at the
    /// newest row's time (the analytics server's bucket counts, recorded at the bucket's
    /// start after a query synced part of the bucket, stay in their bucket).
    #[inline]
    pub fn record(&mut self, id: MetricId, t_us: u64, value: f64) {
        let t_us = match self.t.last() {
            Some(&newest) if newest > t_us => newest,
            _ => t_us,
        };
        let m = id.0 as usize;
        self.recorded += 1;
        if self.repeat(id, t_us, value) {
            self.unsettled += 1;
            return;
        }
        self.push_row(id, t_us, value);
        self.totals[m].add(value);
        self.last[m] = value;
        if self.kinds[m] == Kind::Histogram {
            self.sketches[m].add(value);
        }
    }

    /// Records `n` samples of one value at one instant: what `n` calls of
    /// [`Metrics::record`] would, in one.
    pub fn record_n(&mut self, id: MetricId, t_us: u64, value: f64, n: u64) {
        let mut left = n;
        while left > 0 {
            // one sample (a new row or a repeat of the newest), then the rest on its run
            self.record(id, t_us, value);
            left -= 1;
            let k = self.extend_run(left);
            self.recorded += k;
            self.unsettled += k;
            left -= k;
        }
    }

    /// Counts the sample on the newest row if it repeats it; false if it does not.
    #[inline]
    fn repeat(&mut self, id: MetricId, t_us: u64, value: f64) -> bool {
        let n = self.t.len();
        if n == self.start
            || self.t[n - 1] != t_us
            || self.metric[n - 1] != id.0
            || self.value[n - 1].to_bits() != value.to_bits()
        {
            return false;
        }
        self.extend_run(1) == 1
    }

    /// Adds up to `k` samples to the newest row's run, as far as its count goes; returns
    /// how many it took.
    #[inline]
    fn extend_run(&mut self, k: u64) -> u64 {
        let row = self.base + (self.t.len() - 1) as u64;
        match self.runs.last_mut() {
            Some((r, more)) if *r == row => {
                let k = k.min((u32::MAX - *more) as u64);
                *more += k as u32;
                k
            }
            _ => {
                let k = k.min(u32::MAX as u64);
                if k > 0 {
                    self.runs.push((row, k as u32));
                }
                k
            }
        }
    }

    /// Adds a row of one sample (and drops what retention no longer keeps), after the
    /// newest row's run is settled.
    #[inline]
    fn push_row(&mut self, id: MetricId, t_us: u64, value: f64) {
        if self.unsettled > 0 {
            self.settle();
        }
        self.t.push(t_us);
        self.metric.push(id.0);
        self.value.push(value);
        if self.t.len() - self.start > self.retention.max_samples
            || t_us.saturating_sub(self.t[self.start]) > self.retention.max_age_us
        {
            self.expire(t_us);
        }
    }

    /// Adds the newest row's unsettled samples to its metric's totals and sketch.
    #[cold]
    fn settle(&mut self) {
        if let Some((m, v, n)) = self.unsettled() {
            self.totals[m].add_n(v, n);
            if self.kinds[m] == Kind::Histogram {
                self.sketches[m].add_n(v, n);
            }
        }
        self.unsettled = 0;
    }

    /// The newest row's metric and value and how many of its samples are unsettled.
    fn unsettled(&self) -> Option<(usize, f64, u64)> {
        let n = self.t.len().checked_sub(1)?;
        (self.unsettled > 0).then(|| (self.metric[n] as usize, self.value[n], self.unsettled))
    }

    /// Drops samples past the retention limits (amortised: the columns are compacted
    /// once half of them is dead).
    fn expire(&mut self, now_us: u64) {
        let cutoff = now_us.saturating_sub(self.retention.max_age_us);
        while self.start < self.t.len()
            && (self.t.len() - self.start > self.retention.max_samples
                || self.t[self.start] < cutoff)
        {
            let mut n = 1;
            if let Some(&(r, more)) = self.runs.get(self.runs_start) {
                if r == self.base + self.start as u64 {
                    n += more as u64;
                    self.runs_start += 1;
                }
            }
            self.start += 1;
            self.dropped += n;
        }
        if self.start > 4096 && self.start * 2 > self.t.len() {
            self.t.drain(..self.start);
            self.metric.drain(..self.start);
            self.value.drain(..self.start);
            self.runs.drain(..self.runs_start);
            self.base += self.start as u64;
            self.start = 0;
            self.runs_start = 0;
        }
    }

    /// Samples kept / dropped by retention.
    pub fn sample_counts(&self) -> (usize, u64) {
        ((self.recorded - self.dropped) as usize, self.dropped)
    }

    /// Rows kept (the columns' length; a run of equal samples is one row).
    pub fn rows(&self) -> usize {
        self.t.len() - self.start
    }

    /// The rows kept that stand for more than one sample: each one's index into
    /// [`Metrics::columns`] and how many samples it stands for.
    pub fn runs(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let first = self.base + self.start as u64;
        self.runs[self.runs_start..]
            .iter()
            .map(move |&(r, more)| ((r - first) as usize, 1 + more as u64))
    }

    /// The time, metric and value columns of the rows kept (typed-array views; see
    /// [`Metrics::runs`] for the rows that stand for several samples).
    pub fn columns(&self) -> (&[u64], &[u32], &[f64]) {
        (
            &self.t[self.start..],
            &self.metric[self.start..],
            &self.value[self.start..],
        )
    }

    /// Counter total, gauge level, or histogram observation count (all time).
    pub fn current(&self, id: MetricId) -> f64 {
        let m = id.0 as usize;
        match self.kinds[m] {
            Kind::Counter => self.total(id).sum,
            Kind::Gauge => self.last[m],
            Kind::Histogram => self.total(id).count as f64,
        }
    }

    /// All-time aggregate of a metric's samples.
    pub fn total(&self, id: MetricId) -> Aggregate {
        let mut a = self.totals[id.0 as usize];
        if let Some((m, v, n)) = self.unsettled() {
            if m == id.0 as usize {
                a.add_n(v, n);
            }
        }
        a
    }

    /// All-time sketched quantile of a histogram (relative error ≤ 1 %).
    pub fn sketch_quantile(&self, id: MetricId, q: f64) -> Option<f64> {
        let m = id.0 as usize;
        match self.unsettled() {
            Some((u, v, n)) if u == m => {
                let mut s = self.sketches[m].clone();
                s.add_n(v, n);
                s.quantile(q)
            }
            _ => self.sketches[m].quantile(q),
        }
    }

    fn samples(
        &self,
        id: MetricId,
        from_us: u64,
        to_us: u64,
    ) -> impl Iterator<Item = (u64, f64, u64)> + '_ {
        let lo = self.start + self.t[self.start..].partition_point(|t| *t < from_us);
        let hi = self.start + self.t[self.start..].partition_point(|t| *t <= to_us);
        // the runs of rows lo.. are walked alongside the rows
        let mut k = self.runs_start
            + self.runs[self.runs_start..].partition_point(|r| r.0 < self.base + lo as u64);
        (lo..hi)
            .map(move |i| {
                let mut n = 1;
                if let Some(&(r, more)) = self.runs.get(k) {
                    if r == self.base + i as u64 {
                        n += more as u64;
                        k += 1;
                    }
                }
                (i, n)
            })
            .filter(move |(i, _)| self.metric[*i] == id.0)
            .map(move |(i, n)| (self.t[i], self.value[i], n))
    }

    /// Aggregate of the samples in `[from_us, to_us]`.
    pub fn aggregate(&self, id: MetricId, from_us: u64, to_us: u64) -> Aggregate {
        let mut a = Aggregate::default();
        for (_, v, n) in self.samples(id, from_us, to_us) {
            a.add_n(v, n);
        }
        a
    }

    /// Exact percentile (0–100) of the samples in `[from_us, to_us]`.
    pub fn percentile(&self, id: MetricId, from_us: u64, to_us: u64, p: f64) -> Option<f64> {
        let mut v: Vec<(f64, u64)> = self
            .samples(id, from_us, to_us)
            .map(|(_, x, n)| (x, n))
            .collect();
        weighted_quantile(&mut v, p / 100.0)
    }

    /// Per-second rate over `[from_us, to_us]`: counters, the sum of increments; other
    /// kinds, the number of samples.
    pub fn rate(&self, id: MetricId, from_us: u64, to_us: u64) -> f64 {
        let a = self.aggregate(id, from_us, to_us);
        let secs = (to_us.saturating_sub(from_us)).max(1) as f64 / 1e6;
        match self.kinds[id.0 as usize] {
            Kind::Counter => a.sum / secs,
            _ => a.count as f64 / secs,
        }
    }

    /// Buckets of `bucket_us` from `from_us` to `to_us`, each summarised by `agg`.
    pub fn series(
        &self,
        id: MetricId,
        from_us: u64,
        to_us: u64,
        bucket_us: u64,
        agg: Aggregation,
    ) -> Vec<Point> {
        let bucket_us = bucket_us.max(1);
        let n = ((to_us.saturating_sub(from_us)) / bucket_us + 1).min(100_000) as usize;
        let mut groups: Vec<Vec<(f64, u64)>> = vec![Vec::new(); n];
        for (t, v, k) in self.samples(id, from_us, to_us) {
            let b = ((t - from_us) / bucket_us) as usize;
            if b < n {
                groups[b].push((v, k));
            }
        }
        groups
            .into_iter()
            .enumerate()
            .map(|(i, mut g)| {
                let mut a = Aggregate::default();
                g.iter().for_each(|&(x, k)| a.add_n(x, k));
                let count = a.count;
                let value = match agg {
                    Aggregation::Avg => a.mean(),
                    Aggregation::Sum => Some(a.sum),
                    Aggregation::Min => (count > 0).then_some(a.min),
                    Aggregation::Max => (count > 0).then_some(a.max),
                    Aggregation::Count => Some(count as f64),
                    Aggregation::P(p) => weighted_quantile(&mut g, p / 100.0),
                };
                Point {
                    start_us: from_us + i as u64 * bucket_us,
                    value,
                    count,
                }
            })
            .collect()
    }
}

/// The `q` quantile (0 ≤ q ≤ 1) of values given with their multiplicities: the value of
/// rank `floor(q × (count − 1))`, as [`crate::sketch::exact_quantile`] over the values one by one.
pub fn weighted_quantile(values: &mut [(f64, u64)], q: f64) -> Option<f64> {
    let count: u64 = values.iter().map(|v| v.1).sum();
    if count == 0 || !(0.0..=1.0).contains(&q) {
        return None;
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let rank = (q * (count - 1) as f64).floor() as u64;
    let mut seen = 0;
    for &(x, n) in values.iter() {
        seen += n;
        if seen > rank {
            return Some(x);
        }
    }
    values.last().map(|v| v.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The engine's rows as a dense list: (time, metric, value, samples), with the same
    /// merging of equal samples and the same retention.
    #[derive(Default)]
    struct Dense {
        rows: Vec<(u64, u32, f64, u64)>,
        dropped: u64,
    }

    impl Dense {
        fn record(&mut self, r: Retention, m: u32, t: u64, v: f64) {
            if let Some(last) = self.rows.last_mut() {
                if (last.0, last.1, last.2.to_bits()) == (t, m, v.to_bits()) {
                    last.3 += 1;
                    return;
                }
            }
            self.rows.push((t, m, v, 1));
            let cutoff = t.saturating_sub(r.max_age_us);
            while self.rows.len() > r.max_samples || self.rows[0].0 < cutoff {
                self.dropped += self.rows.remove(0).3;
            }
        }

        /// The samples of metric `m` in `[from, to]`, one by one.
        fn samples(&self, m: u32, from: u64, to: u64) -> Vec<(u64, f64)> {
            let rows = self
                .rows
                .iter()
                .filter(|r| r.1 == m && r.0 >= from && r.0 <= to);
            rows.flat_map(|r| std::iter::repeat_n((r.0, r.2), r.3 as usize))
                .collect()
        }
    }

    proptest! {
        #[test]
        fn runs_of_equal_samples_answer_as_the_samples_one_by_one(
            steps in prop::collection::vec(
                (0u32..3, prop_oneof![Just(0u64), Just(0), Just(0), Just(1), Just(700)],
                 prop_oneof![Just(0.0f64), Just(0.0), Just(1.0), Just(2.5), Just(-4.0)]),
                1..600),
            max_samples in 1usize..40,
            max_age_us in 1u64..3_000,
        ) {
            let r = Retention { max_age_us, max_samples };
            let mut m = Metrics::new(r);
            let ids = [
                m.register("c", Kind::Counter),
                m.register("g", Kind::Gauge),
                m.register("h", Kind::Histogram),
            ];
            let mut dense = Dense::default();
            let mut every: [Vec<f64>; 3] = Default::default();
            let mut t = 0;
            for (k, dt, v) in steps {
                t += dt;
                m.record(ids[k as usize], t, v);
                dense.record(r, k, t, v);
                every[k as usize].push(v);
            }
            // all time, whatever the retention: totals, levels, sketches
            for (k, id) in ids.iter().enumerate() {
                let mut want = Aggregate::default();
                every[k].iter().for_each(|v| want.add(*v));
                let got = m.total(*id);
                prop_assert_eq!((got.count, got.min, got.max), (want.count, want.min, want.max));
                prop_assert!((got.sum - want.sum).abs() < 1e-9);
                let level = every[k].last().copied().unwrap_or(0.0);
                let current = [want.sum, level, want.count as f64][k];
                prop_assert!((m.current(*id) - current).abs() < 1e-9);
            }
            let mut sketch = Sketch::default();
            every[2].iter().for_each(|v| sketch.add(*v));
            for q in [0.0, 0.5, 0.99, 1.0] {
                prop_assert_eq!(m.sketch_quantile(ids[2], q), sketch.quantile(q));
            }
            prop_assert_eq!(m.rows(), dense.rows.len());
            let kept: u64 = dense.rows.iter().map(|r| r.3).sum();
            prop_assert_eq!(m.sample_counts(), (kept as usize, dense.dropped));
            let runs: Vec<(usize, u64)> = dense.rows.iter().enumerate()
                .filter(|(_, r)| r.3 > 1).map(|(i, r)| (i, r.3)).collect();
            prop_assert_eq!(m.runs().collect::<Vec<_>>(), runs);
            for (k, id) in ids.iter().enumerate() {
                let (from, to) = (t.saturating_sub(1_000), t);
                let one_by_one = dense.samples(k as u32, from, to);
                let mut want = Aggregate::default();
                one_by_one.iter().for_each(|s| want.add(s.1));
                let got = m.aggregate(*id, from, to);
                prop_assert_eq!((got.count, got.min, got.max), (want.count, want.min, want.max));
                prop_assert!((got.sum - want.sum).abs() < 1e-9);
                for p in [0.0, 50.0, 90.0, 100.0] {
                    let mut v: Vec<f64> = one_by_one.iter().map(|s| s.1).collect();
                    prop_assert_eq!(
                        m.percentile(*id, from, to, p),
                        crate::sketch::exact_quantile(&mut v, p / 100.0)
                    );
                }
                let series = m.series(*id, from, to, 250, Aggregation::Count);
                let counted: u64 = series.iter().map(|p| p.count).sum();
                prop_assert_eq!(counted, want.count);
            }
        }
    }

    /// Everything an engine holds but its name index (a hash map, printed in any order).
    fn columns(m: &Metrics) -> String {
        format!(
            "{:?}",
            (
                (&m.totals, &m.last, &m.sketches),
                (&m.t, &m.metric, &m.value, m.start),
                (&m.runs, m.runs_start, m.base),
                (m.recorded, m.dropped, m.unsettled),
            )
        )
    }

    proptest! {
        #[test]
        fn recording_n_samples_at_once_is_recording_them_one_by_one(
            steps in prop::collection::vec(
                (0u32..2, 0u64..3, prop_oneof![Just(0.0f64), Just(1.0), Just(2.5)], 0u64..5),
                1..200),
            max_samples in 1usize..30,
        ) {
            let r = Retention { max_age_us: 1_000, max_samples };
            let (mut one, mut many) = (Metrics::new(r), Metrics::new(r));
            for m in [&mut one, &mut many] {
                m.register("c", Kind::Counter);
                m.register("h", Kind::Histogram);
            }
            let mut t = 0;
            for (k, dt, v, n) in steps {
                t += dt;
                for _ in 0..n {
                    one.record(MetricId(k), t, v);
                }
                many.record_n(MetricId(k), t, v, n);
                prop_assert_eq!(columns(&one), columns(&many));
            }
        }
    }

    #[test]
    fn a_sample_older_than_the_newest_row_counts_at_its_time() {
        let mut m = Metrics::new(Retention::default());
        let (a, b) = (
            m.register("a", Kind::Counter),
            m.register("b", Kind::Counter),
        );
        m.record(a, 100, 1.0);
        m.record(b, 50, 2.0);
        m.record(a, 120, 1.0);
        assert_eq!(m.columns().0, &[100, 100, 120]);
        assert_eq!(m.aggregate(b, 0, 99).count, 0);
        assert_eq!(m.aggregate(b, 100, 100).sum, 2.0);
        assert_eq!(m.aggregate(a, 0, 200).sum, 2.0);
    }

    #[test]
    fn a_run_longer_than_a_row_holds_continues_on_a_new_row() {
        let mut m = Metrics::new(Retention::default());
        let h = m.register("h", Kind::Histogram);
        let n = u32::MAX as u64 + 5;
        m.record_n(h, 7, 1.5, n);
        assert_eq!(m.total(h).count, n);
        assert_eq!(m.rows(), 2);
        assert_eq!(m.sample_counts(), (n as usize, 0));
        assert_eq!(m.aggregate(h, 0, 10).count, n);
    }

    #[test]
    fn runs_survive_compaction() {
        // more than 4,096 dead rows compact the columns; runs before and after keep their
        // rows' counts
        let mut m = Metrics::new(Retention {
            max_age_us: u64::MAX,
            max_samples: 3_000,
        });
        let h = m.register("h", Kind::Histogram);
        for t in 0..20_000u64 {
            for _ in 0..=(t % 3) {
                m.record(h, t, 1.0);
            }
        }
        assert_eq!(m.rows(), 3_000);
        let (kept, dropped) = m.sample_counts();
        assert_eq!(
            kept as u64 + dropped,
            (0..20_000u64).map(|t| t % 3 + 1).sum::<u64>()
        );
        let want: u64 = (17_000..20_000u64).map(|t| t % 3 + 1).sum();
        assert_eq!(kept as u64, want);
        assert_eq!(m.aggregate(h, 0, u64::MAX).count, want);
        assert_eq!(m.runs().count(), 2_000);
    }

    #[test]
    fn counters_gauges_histograms_and_queries() {
        let mut m = Metrics::new(Retention::default());
        let c = m.register("restarts", Kind::Counter);
        let g = m.register("processes", Kind::Gauge);
        let h = m.register("recovery_us", Kind::Histogram);
        assert_eq!(m.register("restarts", Kind::Counter), c);
        for i in 0..10u64 {
            m.record(c, i * 1_000_000, 1.0);
            m.record(g, i * 1_000_000, 100.0 + i as f64);
            m.record(h, i * 1_000_000, (i + 1) as f64 * 10.0);
        }
        assert_eq!(m.current(c), 10.0);
        assert_eq!(m.current(g), 109.0);
        assert_eq!(m.rate(c, 0, 9_000_000), 10.0 / 9.0);
        assert_eq!(m.percentile(h, 0, 9_000_000, 50.0), Some(50.0));
        let a = m.aggregate(h, 0, 4_000_000);
        assert_eq!((a.count, a.sum, a.min, a.max), (5, 150.0, 10.0, 50.0));
        assert!((a.stddev().unwrap() - 14.142135623730951).abs() < 1e-9);
        let s = m.series(c, 0, 9_999_999, 5_000_000, Aggregation::Sum);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].value, s[1].value), (Some(5.0), Some(5.0)));
        let p = m.series(h, 0, 9_999_999, 10_000_000, Aggregation::P(90.0));
        assert_eq!(p[0].value, Some(90.0));
        assert_eq!(Aggregation::parse("p99.9"), Some(Aggregation::P(99.9)));
        assert_eq!(Aggregation::parse("p101"), None);
    }

    #[test]
    fn aggregates_merge() {
        let mut a = Aggregate::default();
        let mut b = Aggregate::default();
        let mut all = Aggregate::default();
        for x in [1.0, 5.0, 2.0] {
            a.add(x);
            all.add(x);
        }
        for x in [7.0, -3.0] {
            b.add(x);
            all.add(x);
        }
        assert_eq!(a.merge(&b), all);
        assert_eq!(Aggregate::default().merge(&a), a);
    }

    #[test]
    fn retention_bounds_memory() {
        let mut m = Metrics::new(Retention {
            max_age_us: 1_000,
            max_samples: 100_000,
        });
        let c = m.register("x", Kind::Counter);
        for t in 0..1_000_000u64 {
            m.record(c, t, 1.0);
        }
        let (kept, dropped) = m.sample_counts();
        assert!(kept <= 1_001, "{kept}");
        assert_eq!(kept as u64 + dropped, 1_000_000);
        assert!(m.columns().0.len() <= 1_001);
        assert_eq!(
            m.current(c),
            1_000_000.0,
            "totals are kept whatever the retention"
        );
    }
}
