//! Exactly mergeable sums: count, sum and sum of squares.
//!
//! Floating-point addition is not associative, so summing the same numbers
//! in a different order (another thread count, another split of trials)
//! changes the last bits. These sums merge with integer additions instead,
//! which are associative and commutative: the merged result is the same bit
//! for bit however the trials were partitioned.
//!
//! [`Moments`] keeps count, sum and sum of squares exactly for any finite
//! values ([`ExactSum`]). [`Sum`] and [`SumArray`], the many per-year
//! totals, take the usual amounts through a faster fixed-point path (see
//! [`Sum`]) and the rest exactly.

use serde::{Deserialize, Serialize};

use super::exact::ExactSum;
use crate::model::rng::kernels;

/// Fixed-point scale of [`Sum`]: 2^20.
const SCALE: f64 = 1_048_576.0;

/// 1.5 x 2^52. For |y| < 2^51, `y + MAGIC` lands in [2^52, 2^53), where the
/// spacing of doubles is exactly 1: the addition rounds `y` to an integer
/// (ties to even) and leaves it in the low bits of the representation.
const MAGIC: f64 = 6_755_399_441_055_744.0;

/// `y` rounded to an integer, ties to even, for |y| < 2^51. Two
/// plain arithmetic instructions: no libm call and no saturating
/// conversion, and the compiler can vectorise it over a slice.
#[inline(always)]
fn round_small(y: f64) -> i64 {
    ((y + MAGIC).to_bits() as i64).wrapping_sub(MAGIC.to_bits() as i64)
}

/// Count, sum and sum of squares of any finite values, exact (see
/// [`ExactSum`]): nothing overflows and nothing small is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    pub n: u64,
    sum: ExactSum,
    sumsq: ExactSum,
}

impl Moments {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum.add(x);
        self.sumsq.add_square(x);
    }

    /// Whether its exact sums are valid ([`ExactSum::is_valid`]).
    pub fn is_valid(&self) -> bool {
        self.sum.is_valid() && self.sumsq.is_valid()
    }

    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum.merge(&other.sum);
        self.sumsq.merge(&other.sumsq);
    }

    pub fn sum(&self) -> f64 {
        self.sum.value()
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum() / self.n as f64
        }
    }

    /// The sample variance (n - 1 denominator) divided by 4^k, and k: the
    /// sum of squares of large values is past any double, so the
    /// arithmetic runs on values scaled by 2^-k.
    fn scaled_variance(&self) -> (f64, i32) {
        let Some(e) = self.sumsq.exponent().filter(|_| self.n >= 2) else {
            return (0.0, 0);
        };
        let k = e.div_euclid(2);
        let n = self.n as f64;
        let ss = self.sumsq.value_scaled(2 * k);
        let m = self.sum.value_scaled(k) / n;
        (((ss - n * m * m) / (n - 1.0)).max(0.0), k)
    }

    /// Standard error of the mean.
    pub fn se(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let (v, k) = self.scaled_variance();
        (v / self.n as f64).sqrt() * 2f64.powi(k)
    }
}

/// Whether `x` takes the fixed-point path of [`Sum`]: zero, or a
/// magnitude in [2^-10, 2^31). Below 2^-10, rounding to 2^-20 would lose
/// more than 0.05% of the value; from 2^31 on, a scaled value could pass 2^51 and
/// 4,096 of them an i64. Floating-point compares joined with `&` and `|`
/// (not a range's `contains`, which short-circuits), so a row checks with
/// a few vector instructions.
#[inline(always)]
#[allow(clippy::manual_range_contains)]
fn fixed_path(x: f64) -> bool {
    let a = x.abs();
    (a >= 0.000_976_562_5) & (a < 2_147_483_648.0) | (a == 0.0)
}

/// A sum without count or squares, for the many per-year totals. Values
/// between 2^-10 and 2^31 units in magnitude, the usual amounts, are added
/// in 128-bit fixed point at 2^-20 of a unit (each rounded once, by at most
/// 2^-21 units: under 0.05% of the smallest of them, under 5e-7 of a
/// value of 1); smaller and larger ones exactly ([`ExactSum`]). Which
/// path a value takes depends on the value alone, and both are integer
/// sums, so the total does not depend on order or split.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sum {
    fixed: i128,
    exact: ExactSum,
}

impl Sum {
    /// Adds one value: the reference that [`SumArray::add_row`] equals.
    #[cfg(test)]
    pub fn add(&mut self, x: f64) {
        if fixed_path(x) {
            self.fixed += round_small(x * SCALE) as i128;
        } else {
            self.exact.add(x);
        }
    }

    pub fn merge(&mut self, other: &Sum) {
        self.fixed += other.fixed;
        self.exact.merge(&other.exact);
    }

    pub fn value(&self) -> f64 {
        self.fixed as f64 / SCALE + self.exact.value()
    }
}

kernels! {
    add_fixed = add_fixed_body(part: &mut [i64], row: &[f64], slow: &mut bool);
}

/// Adds every value of `row` on the fixed-point path into `part` (a
/// select, not a branch, per value), and sets `slow` to whether any is off
/// it. One
/// pass of integer and exactly rounded arithmetic, so every instruction
/// set gives the same bits; compiled for the widest vectors the CPU has,
/// since a trial's rows are thousands of values.
#[inline(always)]
fn add_fixed_body(part: &mut [i64], row: &[f64], slow: &mut bool) {
    let mut off = false;
    for (p, &x) in part.iter_mut().zip(row) {
        let fixed = fixed_path(x);
        off |= !fixed;
        let r = round_small(x * SCALE);
        *p = p.wrapping_add(r & -i64::from(fixed));
    }
    *slow = off;
}

/// An array of exact [`Sum`]s with 64-bit partial sums in front, so that
/// one trial's row adds in while it is still in cache, with plain
/// vectorisable arithmetic, and the 128-bit sums are touched only at a
/// [`flush`]. Exactly what adding each value to its [`Sum`] gives.
///
/// [`flush`]: SumArray::flush
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

    /// Whether it holds `len` sums, all flushed: what a decoded array
    /// must be before it is merged.
    pub fn fits(&self, len: usize) -> bool {
        self.sums.len() == len
            && self.part.len() == len
            && self.terms == 0
            && self.sums.iter().all(|s| s.exact.is_valid())
    }

    /// How many sums it holds.
    pub fn len(&self) -> usize {
        self.sums.len()
    }

    /// Whether it holds no sums.
    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// Sum `i`, as of the last [`SumArray::flush`].
    pub fn get(&self, i: usize) -> Sum {
        self.sums[i].clone()
    }

    /// Adds `row[i]` into sum `i`; `row` is as long as the array.
    #[inline]
    pub fn add_row(&mut self, row: &[f64]) {
        // 2^12 terms below 2^51 in magnitude always fit an i64.
        const MAX_TERMS: usize = 4096;
        let mut slow = false;
        add_fixed(&mut self.part[..row.len()], row, &mut slow);
        if slow {
            for (s, &x) in self.sums.iter_mut().zip(row) {
                if !fixed_path(x) {
                    s.exact.add(x);
                }
            }
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
                s.fixed += *p as i128;
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

    /// Largest magnitude (2^51) of a scaled value the [`MAGIC`] path handles.
    const FAST_LIMIT: f64 = 2_251_799_813_685_248.0;

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
            let y = x * SCALE;
            if y.abs() < FAST_LIMIT {
                assert_eq!(round_small(y), y.round_ties_even() as i64, "{x}");
            }
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
        xs[999] = 1e-300;
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
        assert_eq!(all.count(), xs.len() as u64);
    }

    #[test]
    fn moments_match_direct_computation() {
        let xs = [1.5, 2.25, -3.0, 10.0, 0.125];
        let mut m = Moments::default();
        xs.iter().for_each(|&x| m.add(x));
        let mean = xs.iter().sum::<f64>() / 5.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 4.0;
        assert!((m.mean() - mean).abs() < 1e-9);
        assert!((m.se() - (var / 5.0).sqrt()).abs() < 1e-9);
    }

    /// Life-cycle costs in won reach 4.5e13; their squares summed over
    /// millions of trials overflowed 128-bit fixed point and reported a
    /// standard error of 0. Exact sums give the right one at any scale.
    #[test]
    fn moments_hold_at_any_magnitude() {
        let xs: Vec<f64> = (0..20_000)
            .map(|i| 1.0 + 0.1 * ((i as f64) * 0.61).sin())
            .collect();
        let mut unit = Moments::default();
        xs.iter().for_each(|&x| unit.add(x));
        for scale in [1e-200, 1e-3, 4.5e13, 1e150, 1e250] {
            let mut m = Moments::default();
            xs.iter().for_each(|&x| m.add(x * scale));
            let rel = |a: f64, b: f64| (a - b).abs() / b.abs();
            assert!(rel(m.mean(), unit.mean() * scale) < 1e-12, "{scale}");
            assert!(rel(m.se(), unit.se() * scale) < 1e-9, "{scale}: {}", m.se());
            assert!(m.se() > 0.0);
        }
    }

    #[test]
    fn sums_take_tiny_and_huge_values_exactly() {
        let mut s = Sum::default();
        for x in [1e-12, 5.0, 1e300, -1e300, 3e9] {
            s.add(x);
        }
        assert_eq!(s.value(), 5.0 + 3e9 + 1e-12);
    }
}
