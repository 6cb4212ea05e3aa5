//! An exactly mergeable quantile sketch: a log-linear histogram with
//! integer counts (as in HdrHistogram), over the whole range of doubles.
//!
//! 64 linear sub-buckets per power of two, so a percentile read from it
//! (the midpoint of its bucket, clamped to the exact minimum and maximum,
//! which are kept) is within 0.8% of the value it estimates, for any
//! magnitude of a normal double, positive or negative; zero is counted
//! exactly. (Subnormals, below 2.2e-308, share 64 evenly spaced buckets.)
//! 128 sub-buckets (0.4%) were measured: a run of bench-district took 20%
//! longer, for an accuracy far inside the Monte Carlo error of a
//! percentile at any practical trial count.
//! Buckets are kept only over the octaves between the smallest and largest
//! magnitude seen, so memory depends on the spread of the values, never on
//! the count. Counts are integers, so merging is exact and
//! order-independent.

const SUB_BITS: u32 = 6;
const SUBS: usize = 1 << SUB_BITS;

/// `bits >> KEY_SHIFT` of a non-negative double is its biased exponent
/// followed by the top [`SUB_BITS`] of its mantissa: SUBS x exponent + sub.
/// That key is the bucket index: bucket 0 is the first sub-bucket of the
/// subnormals, and the largest finite double's bucket is below
/// 2047 x SUBS.
const KEY_SHIFT: u32 = 52 - SUB_BITS;

/// Bucket of a positive finite magnitude.
#[inline]
fn bucket(x: f64) -> usize {
    (x.to_bits() >> KEY_SHIFT) as usize
}

/// The bucket holding `v` (a value [`Sketch::buckets`] gives) as the
/// range of values it counts, low to high: (0, 0) for zero, which is
/// counted exactly; mirrored for negative values.
pub fn bucket_span(v: f64) -> (f64, f64) {
    if v == 0.0 || !v.is_finite() {
        return (v, v);
    }
    let i = bucket(v.abs()) as u64;
    let edge = |k: u64| f64::from_bits(k << KEY_SHIFT);
    let (lo, hi) = (edge(i), edge(i + 1));
    if v < 0.0 { (-hi, -lo) } else { (lo, hi) }
}

/// Midpoint of a bucket.
fn bucket_value(i: usize) -> f64 {
    let exp = (i / SUBS) as i32;
    let sub = (i % SUBS) as f64;
    if exp == 0 {
        // Subnormals: evenly spaced below the smallest normal.
        return f64::MIN_POSITIVE * (sub + 0.5) / SUBS as f64;
    }
    2f64.powi(exp - 1023) * (1.0 + (sub + 0.5) / SUBS as f64)
}

/// The counts of one sign's buckets, over the octaves (runs of [`SUBS`]
/// buckets) from the lowest to the highest one seen so far. A service-year's
/// values span a few octaves, so each histogram holds ~100 buckets rather
/// than all [`BUCKETS`], and the hundreds of them a run keeps stay in cache.
/// The range depends only on which values were added, never on their order,
/// so merged stores equal a store that saw every value.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Store {
    /// Bucket index of `counts[0]`, a multiple of [`SUBS`].
    first: usize,
    counts: Vec<u64>,
}

impl Store {
    /// `bits >> KEY_SHIFT` of the value counted in `counts[0]`: a value's
    /// slot is its key minus this, one subtraction on the hot path.
    #[inline]
    fn base(&self) -> u64 {
        self.first as u64
    }

    /// Extends the range to cover bucket `i` (a whole octave at a time).
    #[cold]
    fn cover(&mut self, i: usize) {
        if (self.first..self.first + self.counts.len()).contains(&i) {
            return;
        }
        let lo = i / SUBS * SUBS;
        let hi = lo + SUBS;
        if self.counts.is_empty() {
            self.first = lo;
            self.counts = vec![0; SUBS];
            return;
        }
        let end = self.first + self.counts.len();
        let (first, end) = (self.first.min(lo), end.max(hi));
        let mut counts = vec![0; end - first];
        let at = self.first - first;
        counts[at..at + self.counts.len()].copy_from_slice(&self.counts);
        self.first = first;
        self.counts = counts;
    }

    /// Whether its range is one `cover` could have made.
    fn is_valid(&self) -> bool {
        self.first.is_multiple_of(SUBS)
            && self.counts.len().is_multiple_of(SUBS)
            && self.first + self.counts.len() <= 2048 * SUBS
    }

    /// Adds one to bucket `i`, extending the range if needed.
    fn count(&mut self, i: usize) {
        self.cover(i);
        self.counts[i - self.first] += 1;
    }

    fn merge(&mut self, other: &Store) {
        if other.counts.is_empty() {
            return;
        }
        self.cover(other.first);
        self.cover(other.first + other.counts.len() - 1);
        let at = other.first - self.first;
        for (a, b) in self.counts[at..].iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Non-empty buckets as (bucket index, count), increasing.
    fn nonzero(&self) -> impl DoubleEndedIterator<Item = (usize, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(j, c)| (self.first + j, *c))
    }
}

/// A mergeable quantile histogram of real values (see the module docs for
/// its accuracy). Memory grows with the range of magnitudes seen (64
/// buckets per octave between the smallest and largest), never with the
/// count.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sketch {
    n: u64,
    zero: u64,
    pos: Store,
    neg: Store,
    min: f64,
    max: f64,
}

impl Sketch {
    /// Whether it is one adding values could have made: bucket ranges in
    /// bounds and counts adding up (what a decoded sketch must be before
    /// it is merged or read).
    pub(crate) fn is_valid(&self) -> bool {
        let counted = |s: &Store| s.counts.iter().try_fold(0u64, |a, &c| a.checked_add(c));
        let range_ok = if self.n == 0 {
            self.min == f64::INFINITY && self.max == f64::NEG_INFINITY
        } else {
            self.min <= self.max
        };
        range_ok
            && self.pos.is_valid()
            && self.neg.is_valid()
            && match (counted(&self.pos), counted(&self.neg)) {
                (Some(p), Some(n)) => {
                    p.checked_add(n).and_then(|x| x.checked_add(self.zero)) == Some(self.n)
                }
                _ => false,
            }
    }

    /// An empty sketch.
    pub fn new() -> Self {
        Sketch {
            n: 0,
            zero: 0,
            pos: Store::default(),
            neg: Store::default(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Values added.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_all(&[x]);
    }

    /// Adds every value of `xs` (NaNs and infinities are skipped). A positive value inside
    /// the range seen so far costs a shift, a subtraction, a compare and an
    /// increment; zeros, negatives, NaNs and new octaves take a slower
    /// path. Folding a column of many trials at once touches each
    /// histogram's buckets in one burst.
    #[inline]
    pub fn add_all(&mut self, xs: &[f64]) {
        let (mut lo, mut hi) = (self.min, self.max);
        let mut n = xs.len() as u64;
        let mut base = self.pos.base();
        let mut len = self.pos.counts.len() as u64;
        for &x in xs {
            // Extremes change rarely once a run is under way, so these are
            // well-predicted branches, not a chain of min instructions.
            // NaN fails both tests; `+ 0.0` turns -0 into +0, so which zero
            // is kept never depends on the order of the values.
            if x < lo {
                lo = x + 0.0;
            }
            if x > hi {
                hi = x + 0.0;
            }
            let bits = x.to_bits();
            // A negative value's sign bit makes its slot huge: one compare
            // sends everything but a positive value in range to the slow path.
            let slot = (bits >> KEY_SHIFT).wrapping_sub(base);
            if slot < len {
                self.pos.counts[slot as usize] += 1;
            } else if bits << 1 == 0 {
                self.zero += 1;
            } else if !x.is_finite() {
                // NaN and infinities have no bucket; the engine reports
                // such a trial as a fault, so they never reach a report.
                n -= 1;
            } else {
                if x > 0.0 {
                    self.pos.count(bucket(x));
                } else {
                    self.neg.count(bucket(-x));
                }
                base = self.pos.base();
                len = self.pos.counts.len() as u64;
            }
        }
        self.n += n;
        self.min = lo;
        self.max = hi;
    }

    /// Adds `other`'s values (exact and order-independent).
    pub fn merge(&mut self, other: &Sketch) {
        self.n += other.n;
        self.zero += other.zero;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.pos.merge(&other.pos);
        self.neg.merge(&other.neg);
    }

    /// Buckets in increasing order of value, as (value, count).
    fn ordered(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let neg = self.neg.nonzero().rev().map(|(i, c)| (-bucket_value(i), c));
        let zero = std::iter::once((0.0, self.zero)).filter(|(_, c)| *c > 0);
        let pos = self.pos.nonzero().map(|(i, c)| (bucket_value(i), c));
        neg.chain(zero).chain(pos)
    }

    fn clamp(&self, v: f64) -> f64 {
        v.clamp(self.min, self.max)
    }

    /// The `q`-quantile (nearest rank: the smallest value with at least a
    /// share `q` of the values at or below it). NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        self.nearest_rank(q, self.ordered())
    }

    /// An upper bound of the `q`-quantile: the top of the bucket that holds
    /// it (at most the largest value), so at least a share `q` of the
    /// values are at or below it, and it is within 1/64 of the quantile.
    /// A budget set from it keeps its promise; the midpoint of
    /// [`Sketch::quantile`] may fall a fraction short. NaN when empty.
    pub fn quantile_bound(&self, q: f64) -> f64 {
        // A bucket's values lie in [lower, upper) of their magnitude's
        // key range: `bits >> KEY_SHIFT` is the bucket's index.
        let edge = |i: usize| f64::from_bits((i as u64) << KEY_SHIFT);
        let neg = self.neg.nonzero().rev().map(move |(i, c)| (-edge(i), c));
        let zero = std::iter::once((0.0, self.zero)).filter(|(_, c)| *c > 0);
        let pos = self.pos.nonzero().map(move |(i, c)| (edge(i + 1), c));
        self.nearest_rank(q, neg.chain(zero).chain(pos))
    }

    /// A lower bound of the `q`-quantile: the bottom of the bucket that
    /// holds it (at least the smallest value), so at most a share `q` of
    /// the values are below it. With [`Sketch::quantile_bound`] at a
    /// higher level it brackets an interval that the buckets' width cannot
    /// shrink to a point. NaN when empty.
    pub fn quantile_floor(&self, q: f64) -> f64 {
        let edge = |i: usize| f64::from_bits((i as u64) << KEY_SHIFT);
        let neg = self
            .neg
            .nonzero()
            .rev()
            .map(move |(i, c)| (-edge(i + 1), c));
        let zero = std::iter::once((0.0, self.zero)).filter(|(_, c)| *c > 0);
        let pos = self.pos.nonzero().map(move |(i, c)| (edge(i), c));
        self.nearest_rank(q, neg.chain(zero).chain(pos))
    }

    /// The value `buckets` (increasing, as (value, count)) give the
    /// nearest rank of `q`; the extreme ranks are known exactly.
    fn nearest_rank(&self, q: f64, buckets: impl Iterator<Item = (f64, u64)>) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).clamp(1, self.n);
        if rank == 1 {
            return self.min;
        }
        if rank == self.n {
            return self.max;
        }
        let mut seen = 0;
        for (v, c) in buckets {
            seen += c;
            if seen >= rank {
                return self.clamp(v);
            }
        }
        self.max
    }

    /// Mean of the largest `(1 - level)` share of values (conditional value
    /// at risk at `level`, e.g. 0.95). NaN when empty.
    pub fn tail_mean(&self, level: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let k = (((1.0 - level.clamp(0.0, 1.0)) * self.n as f64).ceil() as u64).clamp(1, self.n);
        let buckets: Vec<(f64, u64)> = self.ordered().collect();
        let mut left = k;
        let mut total = 0.0;
        for (v, c) in buckets.into_iter().rev() {
            let take = c.min(left);
            total += self.clamp(v) * take as f64;
            left -= take;
            if left == 0 {
                break;
            }
        }
        total / k as f64
    }

    /// Share of values strictly greater than `x` (resolution: one bucket).
    pub fn exceedance(&self, x: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let above: u64 = self.ordered().filter(|(v, _)| *v > x).map(|(_, c)| c).sum();
        above as f64 / self.n as f64
    }

    /// Non-empty buckets as (value, count), increasing, for histograms.
    pub fn buckets(&self) -> Vec<(f64, u64)> {
        self.ordered().map(|(v, c)| (self.clamp(v), c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::sums::Moments;

    #[test]
    fn merges_are_order_independent_bit_for_bit() {
        let xs: Vec<f64> = (0..10_000)
            .map(|i| ((i as f64) * 0.7311).sin() * 1e4 + 1e4)
            .collect();
        let mut whole = (Moments::default(), Sketch::new());
        for &x in &xs {
            whole.0.add(x);
            whole.1.add(x);
        }
        // Split into uneven shards, merged in reverse order.
        let mut parts: Vec<(Moments, Sketch)> = Vec::new();
        for chunk in xs.chunks(777) {
            let mut p = (Moments::default(), Sketch::new());
            for &x in chunk {
                p.0.add(x);
                p.1.add(x);
            }
            parts.push(p);
        }
        let mut merged = (Moments::default(), Sketch::new());
        for p in parts.iter().rev() {
            merged.0.merge(&p.0);
            merged.1.merge(&p.1);
        }
        assert_eq!(whole.0, merged.0);
        assert_eq!(whole.1, merged.1);
        assert_eq!(whole.0.mean().to_bits(), merged.0.mean().to_bits());
    }

    /// The bound is never below the exact order statistic, and within a
    /// bucket's width of it, for values of either sign and zeros.
    #[test]
    fn quantile_bounds_hold_and_are_tight() {
        let xs: Vec<f64> = (0..20_000)
            .map(|i| match i % 5 {
                0 => 0.0,
                1 => -((i as f64) * 0.37).exp().min(1e6),
                _ => (i as f64) * 1.7,
            })
            .collect();
        let mut s = Sketch::new();
        s.add_all(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.01, 0.1, 0.2, 0.25, 0.5, 0.9, 0.95, 0.999] {
            let exact = sorted[((q * xs.len() as f64).ceil() as usize).max(1) - 1];
            let bound = s.quantile_bound(q);
            assert!(bound >= exact, "q {q}: bound {bound} < exact {exact}");
            let share = sorted.iter().filter(|x| **x <= bound).count() as f64 / xs.len() as f64;
            assert!(share >= q, "q {q}");
            assert!(
                (bound - exact).abs() <= exact.abs() / 64.0 + 1e-300,
                "q {q}: bound {bound}, exact {exact}"
            );
            // The floor: never above the order statistic, within a
            // bucket, and below the bound wherever the value is not zero.
            let floor = s.quantile_floor(q);
            assert!(floor <= exact, "q {q}: floor {floor} > exact {exact}");
            assert!(
                (exact - floor).abs() <= exact.abs() / 64.0 + 1e-300,
                "q {q}: floor {floor}, exact {exact}"
            );
            assert!(floor < bound || exact == 0.0, "q {q}: {floor} {bound}");
        }
    }

    #[test]
    fn quantiles_are_within_stated_accuracy() {
        let mut s = Sketch::new();
        let n = 100_000;
        for i in 1..=n {
            s.add(i as f64);
        }
        for q in [0.05, 0.5, 0.95, 0.999] {
            let exact = (q * n as f64).ceil();
            let est = s.quantile(q);
            assert!(
                (est - exact).abs() / exact <= 1.0 / 128.0 + 1e-12,
                "q={q}: {est} vs {exact}"
            );
        }
        assert_eq!(s.quantile(0.0), 1.0);
        assert_eq!(s.quantile(1.0), n as f64);
        // Tail mean of the top 5% of 1..n is the mean of (0.95n, n].
        let exact_tail = (0.95 * n as f64 + 1.0 + n as f64) / 2.0;
        assert!((s.tail_mean(0.95) - exact_tail).abs() / exact_tail < 1.0 / 128.0);
        assert!((s.exceedance(50_000.0) - 0.5).abs() < 0.01);
    }

    #[test]
    fn bucket_ranges_grow_the_same_in_any_order() {
        let xs: Vec<f64> = (0..3000)
            .map(|i| {
                let m = ((i as f64) * 0.913).sin() * 10f64.powi(i % 13 - 4);
                match i % 97 {
                    0 => f64::NAN,
                    1 => 0.0,
                    2 => -0.0,
                    3 => 3e14,
                    4 => 1e-9,
                    _ => m,
                }
            })
            .collect();
        let mut forward = Sketch::new();
        forward.add_all(&xs);
        let mut backward = Sketch::new();
        xs.iter().rev().for_each(|&x| backward.add(x));
        assert_eq!(forward, backward);
        let mut merged = Sketch::new();
        for chunk in xs.chunks(101).rev() {
            let mut part = Sketch::new();
            part.add_all(chunk);
            merged.merge(&part);
        }
        assert_eq!(forward, merged);
        // Against a sort: nearest-rank quantiles within one bucket.
        let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(forward.count(), sorted.len() as u64);
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let exact = sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1];
            let est = forward.quantile(q);
            // Half a bucket: 1/128 of the value, for any magnitude.
            let tol = exact.abs() / 128.0;
            assert!((est - exact).abs() <= tol, "q={q}: {est} vs {exact}");
        }
    }

    #[test]
    fn zeros_negatives_and_extremes() {
        let mut s = Sketch::new();
        for x in [0.0, 0.0, 0.0, -5.0, 1e-12, 7.0, 1e15] {
            s.add(x);
        }
        assert_eq!(s.quantile(0.0), -5.0);
        assert!((s.quantile(0.3) + 0.0).abs() < 1e-9);
        assert_eq!(s.quantile(1.0), 1e15);
        let empty = Sketch::new();
        assert!(empty.quantile(0.5).is_nan());
    }

    /// Every percentile within the stated 0.8% of an exact sort, for values
    /// from 1e-300 to 1e300 of both signs (and won-sized amounts near 1e15),
    /// with zero exact.
    #[test]
    fn quantiles_hold_their_accuracy_over_the_whole_range() {
        let mut xs: Vec<f64> = (0..20_000)
            .map(|i| {
                let e = (i % 601) - 300;
                let m = 1.0 + ((i as f64) * 0.377).sin().abs() * 8.9;
                let sign = if i % 3 == 0 { -1.0 } else { 1.0 };
                sign * m * 10f64.powi(e)
            })
            .collect();
        xs.extend((0..5_000).map(|i| 1e15 * (1.0 + (i as f64 * 0.01).cos() * 0.5)));
        xs.extend([0.0; 700]);
        let mut s = Sketch::new();
        s.add_all(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for k in 1..200 {
            let q = k as f64 / 200.0;
            let exact = sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1];
            let est = s.quantile(q);
            assert!(
                (est - exact).abs() <= exact.abs() / 128.0,
                "q={q}: {est} vs {exact}"
            );
        }
    }
}
