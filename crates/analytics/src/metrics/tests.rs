//! The metrics engine's tests: aggregates, runs of repeated samples, windows, series,
//! percentiles (exact and sketched) and retention.

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
