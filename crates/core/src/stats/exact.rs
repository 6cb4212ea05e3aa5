//! An exact sum of any finite doubles and of their squares: a long
//! fixed-point integer whose window of 32-bit limbs floats to cover just
//! the bit positions the values reach.
//!
//! A double is `m * 2^p` with an integer `m` of at most 53 bits; its square
//! is `m^2 * 2^(2p)`. Both are added as integers at their bit position, so
//! nothing is rounded, nothing overflows and nothing small is lost, for
//! any finite input. Each value adds three or four 32-bit chunks into
//! 64-bit limbs, so limbs absorb 2^30 additions before their carries must
//! be propagated. Integer additions are associative: the sum does not
//! depend on the order of the values or on how they were split and
//! merged, which is what makes results bit-identical for any thread count.

/// Bit position of the lowest limb's lowest bit is `32 * index - BIAS`;
/// the smallest position a square reaches is -2148, the largest bit of a
/// sum of squares about 2048 + 64.
const BIAS: i32 = 2176;

/// Additions a limb can take before its carries must move up: each adds
/// less than 2^32, and limbs are 64-bit.
const CARRY_EVERY: u32 = 1 << 30;

/// The exact sum of the values (or squares) added.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExactSum {
    /// Limb index of `limbs[0]`.
    lo: i32,
    /// Limbs, lowest first; each holds a signed multiple of 2^(32 * index
    /// - BIAS), not yet carried into the next.
    limbs: Vec<i64>,
    /// Additions since carries were last propagated.
    pending: u32,
}

impl ExactSum {
    /// Adds `m * 2^p` (negated if `neg`), for `m < 2^64`.
    #[inline]
    fn add_at(&mut self, m: u64, p: i32, neg: bool) {
        if m == 0 {
            return;
        }
        let q = p + BIAS;
        let (idx, sh) = (q >> 5, (q & 31) as u32);
        let v = (m as u128) << sh;
        let chunks = [
            (v & 0xffff_ffff) as i64,
            ((v >> 32) & 0xffff_ffff) as i64,
            (v >> 64) as i64,
        ];
        // One spare limb above for carries.
        self.cover(idx, idx + 3);
        let at = (idx - self.lo) as usize;
        for (l, c) in self.limbs[at..at + 3].iter_mut().zip(chunks) {
            *l += if neg { -c } else { c };
        }
        self.pending += 1;
        if self.pending >= CARRY_EVERY {
            self.carry();
        }
    }

    /// Adds a finite double.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let (m, p, neg) = parts(x);
        self.add_at(m, p, neg);
    }

    /// Adds the exact square of a finite double.
    #[inline]
    pub fn add_square(&mut self, x: f64) {
        let (m, p, _) = parts(x);
        let sq = (m as u128) * (m as u128);
        self.add_at(sq as u64, 2 * p, false);
        self.add_at((sq >> 64) as u64, 2 * p + 64, false);
    }

    /// Whether its window is one adding doubles could have made (limb
    /// indices from 0 to just above the largest square's, carries due in
    /// time): what a sum decoded from a part file must be before it is
    /// merged, since merging widens the window to it.
    pub fn is_valid(&self) -> bool {
        const MAX_LIMBS: usize = (2 * BIAS as usize) / 32 + 8;
        self.lo >= 0
            && self.lo as usize + self.limbs.len() <= MAX_LIMBS
            && self.pending <= CARRY_EVERY
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: &ExactSum) {
        if other.limbs.is_empty() {
            return;
        }
        let hi = other.lo + other.limbs.len() as i32 - 1;
        self.cover(other.lo, hi);
        let at = (other.lo - self.lo) as usize;
        for (a, b) in self.limbs[at..].iter_mut().zip(&other.limbs) {
            *a += b;
        }
        self.pending += other.pending;
        if self.pending >= CARRY_EVERY {
            self.carry();
        }
    }

    /// Widens the window to limb indices `lo..=hi`.
    #[inline]
    fn cover(&mut self, lo: i32, hi: i32) {
        let end = self.lo + self.limbs.len() as i32;
        if !self.limbs.is_empty() && lo >= self.lo && hi < end {
            return;
        }
        self.widen(lo, hi);
    }

    #[cold]
    fn widen(&mut self, lo: i32, hi: i32) {
        if self.limbs.is_empty() {
            self.lo = lo;
            self.limbs = vec![0; (hi - lo + 1) as usize];
            return;
        }
        let end = self.lo + self.limbs.len() as i32;
        let (new_lo, new_end) = (self.lo.min(lo), end.max(hi + 1));
        let mut limbs = vec![0; (new_end - new_lo) as usize];
        let at = (self.lo - new_lo) as usize;
        limbs[at..at + self.limbs.len()].copy_from_slice(&self.limbs);
        self.lo = new_lo;
        self.limbs = limbs;
    }

    /// Moves each limb's carries into the next, leaving every limb but the
    /// top in `0..2^32` (the top keeps the sign).
    fn carry(&mut self) {
        let n = self.limbs.len();
        for i in 0..n {
            let c = self.limbs[i] >> 32;
            if c != 0 {
                if i + 1 == n {
                    self.limbs.push(0);
                }
                self.limbs[i] -= c << 32;
                self.limbs[i + 1] += c;
            }
        }
        self.pending = 0;
    }

    /// The sum as sign and magnitude: the index of its lowest non-zero
    /// 32-bit digit and the digits, lowest first, with no zero at either
    /// end. The same exact sum always has the same canonical form.
    fn canonical(&self) -> (bool, i32, Vec<u32>) {
        let mut s = self.clone();
        // After carrying, every limb but the top is in 0..2^32 and the top
        // holds the sign.
        s.carry();
        let neg = s.limbs.last().is_some_and(|&t| t < 0);
        if neg {
            for l in &mut s.limbs {
                *l = -*l;
            }
            s.carry();
        }
        let digits: Vec<u32> = s.limbs.iter().map(|&l| l as u32).collect();
        let Some(first) = digits.iter().position(|&d| d != 0) else {
            return (false, 0, Vec::new());
        };
        let last = digits.iter().rposition(|&d| d != 0).unwrap_or(first);
        (neg, s.lo + first as i32, digits[first..=last].to_vec())
    }

    /// The sum, rounded to a double (from the top digits down, the same
    /// for any order of the values); infinite past the largest double.
    pub fn value(&self) -> f64 {
        self.value_scaled(0)
    }

    /// The sum times 2^-shift, rounded to a double: a sum of squares too
    /// large (or small) for a double still yields a finite scaled value.
    pub fn value_scaled(&self, shift: i32) -> f64 {
        let (neg, lo, digits) = self.canonical();
        let mut v = 0.0;
        for (i, &d) in digits.iter().enumerate().rev() {
            if d != 0 {
                let p = 32 * (lo + i as i32) - BIAS - shift;
                v += f64::from(d) * pow2(p);
            }
        }
        if neg { -v } else { v }
    }

    /// Position of the highest set bit of the magnitude (`|sum|` is in
    /// `[2^e, 2^(e+1))`), or None for zero.
    pub fn exponent(&self) -> Option<i32> {
        let (_, lo, digits) = self.canonical();
        let top = *digits.last()?;
        let i = digits.len() as i32 - 1;
        Some(32 * (lo + i) - BIAS + 31 - top.leading_zeros() as i32)
    }
}

impl PartialEq for ExactSum {
    /// Equal when the exact sums are: the windows and pending carries of
    /// two partitions of the same values may differ.
    fn eq(&self, other: &ExactSum) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for ExactSum {}

/// A finite double as (integer mantissa, bit position of its lowest bit,
/// sign): `x = ±m * 2^p`.
#[inline]
fn parts(x: f64) -> (u64, i32, bool) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let neg = bits >> 63 != 0;
    if exp == 0 {
        (frac, -1074, neg)
    } else {
        (frac | (1 << 52), exp - 1075, neg)
    }
}

/// 2^p as a double, 0 below the subnormals and infinite past the largest.
fn pow2(p: i32) -> f64 {
    // Two steps keep every intermediate representable.
    let half = p / 2;
    2f64.powi(half) * 2f64.powi(p - half)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum_of(xs: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        for &x in xs {
            s.add(x);
        }
        s
    }

    #[test]
    fn small_values_survive_beside_huge_ones() {
        let s = sum_of(&[1e300, 1e-300, -1e300]);
        assert_eq!(s.value(), 1e-300);
        let s = sum_of(&[0.1, 0.2, -0.3]);
        // Exactly 0.1 + 0.2 - 0.3 as the three doubles are: 2^-55, where
        // summing in doubles gives 2^-54 or 0 depending on the order.
        assert_eq!(s.value(), 2f64.powi(-55));
        assert_eq!(s.exponent(), Some(-55));
        assert_eq!(sum_of(&[]).value(), 0.0);
        assert_eq!(sum_of(&[-2.5, -0.5]).value(), -3.0);
    }

    #[test]
    fn nothing_overflows_below_the_largest_double() {
        let big = f64::MAX / 4.0;
        let s = sum_of(&[big, big, big, -big]);
        assert_eq!(s.value(), big * 2.0);
        let mut sq = ExactSum::default();
        for _ in 0..1000 {
            sq.add_square(4.5e13);
        }
        assert_eq!(sq.value(), 1000.0 * 4.5e13 * 4.5e13);
        let mut sq = ExactSum::default();
        sq.add_square(1e200);
        sq.add_square(3.0);
        // 1e400 is past any double, but scaled it is exact to rounding.
        assert_eq!(sq.value(), f64::INFINITY);
        let e = sq.exponent().unwrap();
        let scaled = sq.value_scaled(e);
        assert!((1.0..2.0).contains(&scaled));
        let log2 = scaled.log2() + f64::from(e);
        assert!((log2 - 400.0 * 10f64.log2()).abs() < 1e-12, "{log2}");
    }

    #[test]
    fn the_sum_does_not_depend_on_order_or_split() {
        let xs: Vec<f64> = (0..5000)
            .map(|i| ((i as f64) * 0.731).sin() * 10f64.powi(i % 40 - 20))
            .collect();
        let whole = sum_of(&xs);
        let mut rev = xs.clone();
        rev.reverse();
        assert_eq!(whole, sum_of(&rev));
        let mut merged = ExactSum::default();
        for c in xs.chunks(333).rev() {
            merged.merge(&sum_of(c));
        }
        assert_eq!(whole, merged);
        assert_eq!(whole.value().to_bits(), merged.value().to_bits());
        // And it is the correctly rounded sum, to within one ulp.
        let naive: f64 = {
            let mut v = xs.clone();
            v.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
            v.iter().sum()
        };
        assert!((whole.value() - naive).abs() <= naive.abs() * 1e-12);
    }

    #[test]
    fn carries_keep_the_value() {
        let mut s = ExactSum::default();
        for i in 0..10_000 {
            s.add(f64::from(i) * 0.5 - 1000.0);
        }
        let before = s.value();
        s.carry();
        assert_eq!(s.value(), before);
        assert_eq!(
            before,
            (0..10_000)
                .map(|i| f64::from(i) * 0.5 - 1000.0)
                .sum::<f64>()
        );
    }
}
