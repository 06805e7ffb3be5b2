//! The metrics engine: counters, gauges and histograms keyed by name, samples in
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
    otp_lab_sim::sort::sort_by(values, |a, b| a.0.total_cmp(&b.0).is_lt());
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
mod tests;
