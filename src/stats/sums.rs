//! Exactly mergeable sums: count, sum and sum of squares in fixed point.
//!
//! Floating-point addition is not associative, so summing the same numbers
//! in a different order (another thread count, another split of trials)
//! changes the last bits. These sums merge with integer additions instead,
//! which are associative and commutative: the merged result is the same bit
//! for bit however the trials were partitioned.
//!
//! [`Moments`] keeps count, sum and sum of squares in 128-bit fixed point
//! with a resolution of 2^-20 of a unit (about one won when the unit is a
//! million won). Values are rounded once, on entry. A sum overflows only
//! past about 10^32 units, so additions wrap instead of paying for a
//! saturation check on every value. [`Sum`] and [`SumArray`] are the same
//! without squares, one value or a row of them.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Sketch;

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
}
