//! Fixed-accuracy quantiles: a DDSketch-style log-bucket histogram.
//!
//! Every positive value lands in bucket `ceil(log_γ(x))` with `γ = (1+α)/(1−α)`; the
//! bucket's representative `2γ^i/(γ+1)` is within relative error `α` of every value in it,
//! so any quantile read from the sketch is within `α` of a true sample value of that rank.
//! Negative values use a mirrored store, zeros a counter. Sketches merge by adding counts.

use std::collections::BTreeMap;

/// The relative accuracy of [`Sketch::new`]: 1 %.
pub const DEFAULT_ALPHA: f64 = 0.01;

/// A mergeable quantile sketch.
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    alpha: f64,
    gamma_ln: f64,
    positive: BTreeMap<i32, u64>,
    negative: BTreeMap<i32, u64>,
    zeros: u64,
    count: u64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch::new(DEFAULT_ALPHA)
    }
}

/// Values smaller than this (in magnitude) count as zero.
const MIN_POSITIVE: f64 = 1e-9;

impl Sketch {
    /// A sketch with relative accuracy `alpha` (0 < alpha < 1).
    pub fn new(alpha: f64) -> Sketch {
        let alpha = alpha.clamp(1e-6, 0.5);
        let gamma = (1.0 + alpha) / (1.0 - alpha);
        Sketch {
            alpha,
            gamma_ln: gamma.ln(),
            positive: BTreeMap::new(),
            negative: BTreeMap::new(),
            zeros: 0,
            count: 0,
        }
    }

    /// The stated relative error bound.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    fn key(&self, x: f64) -> i32 {
        (x.ln() / self.gamma_ln).ceil() as i32
    }

    fn value(&self, key: i32) -> f64 {
        let gamma = self.gamma_ln.exp();
        2.0 * (key as f64 * self.gamma_ln).exp() / (gamma + 1.0)
    }

    /// Adds one value (NaN is ignored).
    pub fn add(&mut self, x: f64) {
        self.add_n(x, 1);
    }

    /// Adds `n` equal values (NaN is ignored).
    pub fn add_n(&mut self, x: f64, n: u64) {
        if x.is_nan() {
            return;
        }
        self.count += n;
        if x > MIN_POSITIVE {
            *self.positive.entry(self.key(x)).or_insert(0) += n;
        } else if x < -MIN_POSITIVE {
            *self.negative.entry(self.key(-x)).or_insert(0) += n;
        } else {
            self.zeros += n;
        }
    }

    /// Adds every value of another sketch with the same accuracy.
    pub fn merge(&mut self, other: &Sketch) {
        for (k, n) in &other.positive {
            *self.positive.entry(*k).or_insert(0) += n;
        }
        for (k, n) in &other.negative {
            *self.negative.entry(*k).or_insert(0) += n;
        }
        self.zeros += other.zeros;
        self.count += other.count;
    }

    /// The `q` quantile (0 ≤ q ≤ 1), using the rank `floor(q × (count − 1))`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = (q * (self.count - 1) as f64).floor() as u64;
        let mut seen = 0;
        for (k, n) in self.negative.iter().rev() {
            seen += n;
            if seen > rank {
                return Some(-self.value(*k));
            }
        }
        seen += self.zeros;
        if seen > rank {
            return Some(0.0);
        }
        for (k, n) in &self.positive {
            seen += n;
            if seen > rank {
                return Some(self.value(*k));
            }
        }
        None
    }

    /// Buckets in use (the sketch's memory, which grows with the log of the value range,
    /// not with the number of values).
    pub fn buckets(&self) -> usize {
        self.positive.len() + self.negative.len()
    }
}

/// The exact `q` quantile of `values` with the same rank rule as [`Sketch::quantile`].
pub fn exact_quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    otp_lab_sim::sort::sort_by(values, |a, b| a.total_cmp(b).is_lt());
    let rank = (q * (values.len() - 1) as f64).floor() as usize;
    Some(values[rank])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_known_distribution() {
        let mut s = Sketch::default();
        for i in 1..=1000 {
            s.add(i as f64);
        }
        for (q, want) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0), (0.999, 999.0)] {
            let got = s.quantile(q).unwrap();
            assert!((got - want).abs() / want <= 0.01, "q{q}: {got} vs {want}");
        }
        assert_eq!(s.quantile(1.5), None);
        assert_eq!(Sketch::default().quantile(0.5), None);
    }

    #[test]
    fn zeros_negatives_and_merge() {
        let mut a = Sketch::default();
        let mut b = Sketch::default();
        for x in [-10.0, -1.0, 0.0, 0.0, 1.0] {
            a.add(x);
        }
        for x in [10.0, 100.0] {
            b.add(x);
        }
        a.merge(&b);
        assert_eq!(a.count(), 7);
        assert!((a.quantile(0.0).unwrap() + 10.0).abs() <= 0.1);
        assert_eq!(a.quantile(0.4).unwrap(), 0.0);
        assert!((a.quantile(1.0).unwrap() - 100.0).abs() <= 1.0);
    }
}
