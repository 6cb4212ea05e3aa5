//! Exactly mergeable summaries: fixed-point sums and a quantile histogram.
//!
//! Floating-point addition is not associative, so summing the same numbers
//! in a different order (another thread count, another split of trials)
//! changes the last bits. Every summary here merges with integer additions
//! instead, which are associative and commutative: the merged result is the
//! same bit for bit however the trials were partitioned.
//!
//! * [`Moments`] keeps count, sum and sum of squares in 128-bit fixed point
//!   with a resolution of 2^-20 of a unit (about one won when the unit is a
//!   million won). Values are rounded once, on entry. A sum overflows only
//!   past about 10^32 units, so additions wrap instead of paying for a
//!   saturation check on every value.
//! * [`Sketch`] is a log-linear histogram (as in HdrHistogram): 64 linear
//!   sub-buckets per power of two, so a percentile read from it is within
//!   0.8% of the value it estimates. Magnitudes below 2^-10 count as zero,
//!   above 2^40 fall in the top bucket; the exact minimum and maximum are
//!   kept and bound every estimate. Buckets are kept only over the octaves
//!   between the smallest and largest magnitude seen, so memory depends on
//!   the spread of the values (at most 50 octaves), never on the count.

/// Fixed-point scale of [`Moments`] and [`Sum`]: 2^20.
const SCALE: f64 = 1_048_576.0;

/// 1.5 x 2^52. For |y| < 2^51, `y + MAGIC` lands in [2^52, 2^53), where the
/// spacing of doubles is exactly 1: the addition rounds `y` to an integer
/// (ties to even) and leaves it in the low bits of the representation.
const MAGIC: f64 = 6_755_399_441_055_744.0;

/// Largest magnitude (2^51) of a scaled value the [`MAGIC`] path handles.
const FAST_LIMIT: f64 = 2_251_799_813_685_248.0;

/// `y` rounded to an integer, ties to even, for |y| < [`FAST_LIMIT`]. Two
/// plain arithmetic instructions: no libm call and no saturating
/// conversion, and the compiler can vectorise it over a slice.
#[inline(always)]
fn round_small(y: f64) -> i64 {
    ((y + MAGIC).to_bits() as i64).wrapping_sub(MAGIC.to_bits() as i64)
}

/// `x` in fixed point, rounded to the nearest 2^-20 (ties to even).
#[inline]
fn to_fixed(x: f64) -> i128 {
    let y = x * SCALE;
    if y.abs() < FAST_LIMIT {
        round_small(y) as i128
    } else {
        // `as` saturates on overflow and maps NaN to 0: a corrupt value
        // cannot panic a run, and the model keeps values finite anyway.
        y.round_ties_even() as i128
    }
}

/// Count, sum and sum of squares, merged exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moments {
    pub n: u64,
    sum: i128,
    sumsq: i128,
}

impl Moments {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum = self.sum.wrapping_add(to_fixed(x));
        self.sumsq = self.sumsq.wrapping_add(to_fixed(x * x));
    }

    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum = self.sum.saturating_add(other.sum);
        self.sumsq = self.sumsq.saturating_add(other.sumsq);
    }

    pub fn sum(&self) -> f64 {
        self.sum as f64 / SCALE
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum() / self.n as f64
        }
    }

    /// Sample variance (n - 1 denominator).
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        let mean = self.mean();
        let ss = self.sumsq as f64 / SCALE;
        ((ss - n * mean * mean) / (n - 1.0)).max(0.0)
    }

    /// Standard error of the mean.
    pub fn se(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            (self.variance() / self.n as f64).sqrt()
        }
    }
}

/// A sum without count or squares, for the many per-year totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sum(i128);

impl Sum {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.0 = self.0.wrapping_add(to_fixed(x));
    }

    pub fn merge(&mut self, other: &Sum) {
        self.0 = self.0.saturating_add(other.0);
    }

    pub fn value(&self) -> f64 {
        self.0 as f64 / SCALE
    }
}

/// An array of exact [`Sum`]s with 64-bit partial sums in front, so that
/// one trial's row adds in while it is still in cache, with plain
/// vectorisable arithmetic, and the 128-bit sums are touched only at a
/// [`flush`]. Exactly what adding each value to its [`Sum`] gives.
///
/// [`flush`]: SumArray::flush
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SumArray {
    sums: Vec<Sum>,
    part: Vec<i64>,
    /// Rows added into `part` since the last flush.
    terms: usize,
}

impl SumArray {
    pub fn new(len: usize) -> Self {
        SumArray {
            sums: vec![Sum::default(); len],
            part: vec![0; len],
            terms: 0,
        }
    }

    /// Sum `i`, as of the last [`SumArray::flush`].
    pub fn get(&self, i: usize) -> Sum {
        self.sums[i]
    }

    /// Adds `row[i]` into sum `i`; `row` is as long as the array.
    #[inline]
    pub fn add_row(&mut self, row: &[f64]) {
        // 2^12 terms below 2^51 in magnitude always fit an i64.
        const MAX_TERMS: usize = 4096;
        let part = &mut self.part[..row.len()];
        // One pass that adds and checks: `&` rather than `&&`, so no
        // branch per value. A row with a value off the fast path (or NaN,
        // which fails the comparison) is taken back out, exactly, since the
        // additions wrap, and added with care.
        let mut fast = true;
        for (p, &x) in part.iter_mut().zip(row) {
            let y = x * SCALE;
            fast &= y.abs() < FAST_LIMIT;
            *p = p.wrapping_add(round_small(y));
        }
        if !fast {
            for ((p, s), &x) in part.iter_mut().zip(self.sums.iter_mut()).zip(row) {
                *p = p.wrapping_sub(round_small(x * SCALE));
                s.add(x);
            }
            return;
        }
        self.terms += 1;
        if self.terms == MAX_TERMS {
            self.flush();
        }
    }

    /// Adds the partial sums into the sums and clears them.
    pub fn flush(&mut self) {
        if self.terms > 0 {
            for (s, p) in self.sums.iter_mut().zip(self.part.iter_mut()) {
                s.0 = s.0.wrapping_add(*p as i128);
                *p = 0;
            }
            self.terms = 0;
        }
    }

    /// Adds `other`'s sums (both flushed) into these.
    pub fn merge(&mut self, other: &SumArray) {
        debug_assert!(self.terms == 0 && other.terms == 0);
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            a.merge(b);
        }
    }
}

const SUB_BITS: u32 = 6;
const SUBS: usize = 1 << SUB_BITS;
const MIN_EXP: i32 = -10;
const MAX_EXP: i32 = 40;
const BUCKETS: usize = ((MAX_EXP - MIN_EXP) as usize) * SUBS;

/// `bits >> KEY_SHIFT` of a non-negative double is its biased exponent
/// followed by the top [`SUB_BITS`] of its mantissa: 64 x exponent + sub.
const KEY_SHIFT: u32 = 52 - SUB_BITS;

/// Key of bucket 0 (the first sub-bucket of 2^MIN_EXP).
const KEY0: u64 = ((1023 + MIN_EXP) as u64) << SUB_BITS;

/// Bucket of a positive magnitude, or None when it counts as zero.
#[inline]
fn bucket(x: f64) -> Option<usize> {
    let key = x.to_bits() >> KEY_SHIFT;
    if key < KEY0 {
        return None;
    }
    Some(((key - KEY0) as usize).min(BUCKETS - 1))
}

/// Midpoint of a bucket.
fn bucket_value(i: usize) -> f64 {
    let exp = (i / SUBS) as i32 + MIN_EXP;
    let sub = (i % SUBS) as f64;
    2f64.powi(exp) * (1.0 + (sub + 0.5) / SUBS as f64)
}

/// The counts of one sign's buckets, over the octaves (runs of [`SUBS`]
/// buckets) from the lowest to the highest one seen so far. A service-year's
/// values span a few octaves, so each histogram holds ~100 buckets rather
/// than all [`BUCKETS`], and the hundreds of them a run keeps stay in cache.
/// The range depends only on which values were added, never on their order,
/// so merged stores equal a store that saw every value.
#[derive(Debug, Clone, Default, PartialEq)]
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
        KEY0 + self.first as u64
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
/// its accuracy). Memory grows with the range of magnitudes seen (at most
/// 3,200 buckets per sign), never with the count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch {
    n: u64,
    zero: u64,
    pos: Store,
    neg: Store,
    min: f64,
    max: f64,
}

impl Sketch {
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

    pub fn count(&self) -> u64 {
        self.n
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_all(&[x]);
    }

    /// Adds every value of `xs` (NaNs are skipped). A positive value inside
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
            } else if x.is_nan() {
                n -= 1;
            } else {
                match bucket(x.abs()) {
                    None => self.zero += 1,
                    Some(i) if x > 0.0 => self.pos.count(i),
                    Some(i) => self.neg.count(i),
                }
                base = self.pos.base();
                len = self.pos.counts.len() as u64;
            }
        }
        self.n += n;
        self.min = lo;
        self.max = hi;
    }

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
        if self.n == 0 {
            return f64::NAN;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).clamp(1, self.n);
        // The extreme ranks are known exactly.
        if rank == 1 {
            return self.min;
        }
        if rank == self.n {
            return self.max;
        }
        let mut seen = 0;
        for (v, c) in self.ordered() {
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

    #[test]
    fn fast_rounding_matches_round() {
        for x in [
            0.0,
            1e-7,
            -1e-7,
            0.5 / SCALE,
            -0.5 / SCALE,
            1.5 / SCALE,
            123.456789,
            -98765.4321,
            4e9,
            4.2e9,
            -4.2e9,
            1e15,
        ] {
            assert_eq!(to_fixed(x), (x * SCALE).round_ties_even() as i128, "{x}");
        }
    }

    #[test]
    fn rows_and_slices_add_exactly_like_single_values() {
        let mut xs: Vec<f64> = (0..5000)
            .map(|i| ((i as f64) * 0.37).cos() * 10f64.powi(i % 9 - 2))
            .collect();
        // Values off the fast path, and a NaN, take the careful path.
        xs[17] = 3e15;
        xs[4321] = -7e16;
        xs[999] = f64::NAN;
        xs[1000] = 0.5 / SCALE;
        xs[1001] = 1.5 / SCALE;
        // 5000 values as 10 rows of 500 columns.
        let rows: Vec<&[f64]> = xs.chunks(500).collect();
        let add_rows = |len: usize, rows: &mut dyn Iterator<Item = &[f64]>| {
            let mut sums = SumArray::new(len);
            rows.for_each(|row| sums.add_row(row));
            sums.flush();
            (0..len).map(|i| sums.get(i)).collect::<Vec<Sum>>()
        };
        let by_rows = add_rows(500, &mut rows.iter().copied());
        let mut one = vec![Sum::default(); 500];
        for row in &rows {
            for (s, &x) in one.iter_mut().zip(*row) {
                s.add(x);
            }
        }
        assert_eq!(one, by_rows);
        // More rows than one 64-bit partial sum may hold.
        let many = std::iter::repeat_n(&xs[..3], 5000);
        let by_rows = add_rows(3, &mut many.clone());
        let mut one = vec![Sum::default(); 3];
        for row in many {
            for (s, &x) in one.iter_mut().zip(row) {
                s.add(x);
            }
        }
        assert_eq!(one, by_rows);
        let (mut one, mut all) = (Sketch::new(), Sketch::new());
        xs.iter().for_each(|&x| one.add(x));
        all.add_all(&xs);
        assert_eq!(one, all);
        assert_eq!(all.count(), xs.len() as u64 - 1);
    }

    #[test]
    fn moments_match_direct_computation() {
        let xs = [1.5, 2.25, -3.0, 10.0, 0.125];
        let mut m = Moments::default();
        xs.iter().for_each(|&x| m.add(x));
        let mean = xs.iter().sum::<f64>() / 5.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 4.0;
        assert!((m.mean() - mean).abs() < 1e-9);
        assert!((m.variance() - var).abs() < 1e-6);
    }

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
            let tol = if exact.abs() < 2f64.powi(MIN_EXP) {
                2f64.powi(MIN_EXP)
            } else {
                exact.abs() / 64.0
            };
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
}
