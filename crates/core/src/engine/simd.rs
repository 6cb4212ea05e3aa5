//! Eight doubles as one value, for code that steps eight trials side by
//! side: [`F8`] and its lane masks [`M8`].
//!
//! Each operation is a loop over the eight lanes of one IEEE operation
//! (or a bit select), which the compiler maps onto vector registers in a
//! function compiled for a vector instruction set (`kernels!`) and which
//! computes, lane by lane, exactly what the scalar operation computes: a
//! lane's result never depends on the other lanes or on the instruction
//! set. Written as whole-value operations because the compiler does not
//! vectorise the same arithmetic spelled lane by lane inside loops with
//! branches (measured: docs/performance-history.md).

use std::ops::{Add, BitAnd, BitOr, Div, Mul, Neg, Not, Sub};

/// Lanes of an [`F8`].
pub(crate) const W: usize = 8;

/// Eight doubles, one per trial of a group (zeros by default).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct F8(pub(crate) [f64; W]);

/// A mask of eight lanes: all bits set (true) or none (false) per lane;
/// all false by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct M8([u64; W]);

impl F8 {
    pub(crate) const fn splat(x: f64) -> F8 {
        F8([x; W])
    }

    /// Lane by lane `f64::max` (NaNs and zeros as it treats them).
    #[inline(always)]
    pub(crate) fn max(self, o: F8) -> F8 {
        F8(std::array::from_fn(|j| self.0[j].max(o.0[j])))
    }

    /// Lane by lane `f64::min`.
    #[inline(always)]
    pub(crate) fn min(self, o: F8) -> F8 {
        F8(std::array::from_fn(|j| self.0[j].min(o.0[j])))
    }

    /// Lane by lane `f64::abs`.
    #[inline(always)]
    pub(crate) fn abs(self) -> F8 {
        F8(std::array::from_fn(|j| self.0[j].abs()))
    }

    #[inline(always)]
    pub(crate) fn lt(self, o: F8) -> M8 {
        M8::from_fn(|j| self.0[j] < o.0[j])
    }

    #[inline(always)]
    pub(crate) fn le(self, o: F8) -> M8 {
        M8::from_fn(|j| self.0[j] <= o.0[j])
    }

    #[inline(always)]
    pub(crate) fn ge(self, o: F8) -> M8 {
        M8::from_fn(|j| self.0[j] >= o.0[j])
    }

    #[inline(always)]
    pub(crate) fn gt(self, o: F8) -> M8 {
        M8::from_fn(|j| self.0[j] > o.0[j])
    }

    #[inline(always)]
    pub(crate) fn eq(self, o: F8) -> M8 {
        M8::from_fn(|j| self.0[j] == o.0[j])
    }
}

impl M8 {
    #[inline(always)]
    pub(crate) fn from_fn(f: impl Fn(usize) -> bool) -> M8 {
        M8(std::array::from_fn(|j| if f(j) { u64::MAX } else { 0 }))
    }

    /// Lane `j`.
    #[inline(always)]
    pub(crate) fn get(self, j: usize) -> bool {
        self.0[j] != 0
    }

    /// Where the mask is set, `a`'s lane, else `b`'s: bit for bit.
    #[inline(always)]
    pub(crate) fn select(self, a: F8, b: F8) -> F8 {
        F8(std::array::from_fn(|j| {
            f64::from_bits((a.0[j].to_bits() & self.0[j]) | (b.0[j].to_bits() & !self.0[j]))
        }))
    }

    #[inline(always)]
    pub(crate) fn any(self) -> bool {
        self.0.iter().fold(0, |a, m| a | m) != 0
    }

    #[inline(always)]
    pub(crate) fn all(self) -> bool {
        self.0.iter().fold(u64::MAX, |a, m| a & m) != 0
    }
}

macro_rules! lanewise {
    ($t:ident, $trait:ident, $f:ident, $op:tt) => {
        impl $trait for $t {
            type Output = $t;
            #[inline(always)]
            fn $f(self, o: $t) -> $t {
                $t(std::array::from_fn(|j| self.0[j] $op o.0[j]))
            }
        }
    };
}

lanewise!(F8, Add, add, +);
lanewise!(F8, Sub, sub, -);
lanewise!(F8, Mul, mul, *);
lanewise!(F8, Div, div, /);
lanewise!(M8, BitAnd, bitand, &);
lanewise!(M8, BitOr, bitor, |);

impl Neg for F8 {
    type Output = F8;
    #[inline(always)]
    fn neg(self) -> F8 {
        F8(std::array::from_fn(|j| -self.0[j]))
    }
}

impl Not for M8 {
    type Output = M8;
    #[inline(always)]
    fn not(self) -> M8 {
        M8(std::array::from_fn(|j| !self.0[j]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation gives, lane by lane, the scalar operation's bits,
    /// zeros' signs and NaNs included.
    #[test]
    fn each_lane_is_the_scalar_operation() {
        let xs = [1.5, -0.0, 0.0, f64::NAN, -3.25, 1e300, f64::INFINITY, 7.0];
        let ys = [0.0, 0.0, -0.0, 2.0, -3.25, 1e300, -1.0, f64::NAN];
        let (a, b) = (F8(xs), F8(ys));
        let bits = |v: F8| v.0.map(f64::to_bits);
        for (got, want) in [
            (a + b, std::array::from_fn(|j| xs[j] + ys[j])),
            (a - b, std::array::from_fn(|j| xs[j] - ys[j])),
            (a * b, std::array::from_fn(|j| xs[j] * ys[j])),
            (a / b, std::array::from_fn(|j| xs[j] / ys[j])),
            (a.max(b), std::array::from_fn(|j| xs[j].max(ys[j]))),
            (a.min(b), std::array::from_fn(|j| xs[j].min(ys[j]))),
            (-a, std::array::from_fn(|j| -xs[j])),
            (a.abs(), std::array::from_fn(|j| xs[j].abs())),
        ] {
            assert_eq!(bits(got), bits(F8(want)));
        }
        let m = a.lt(b);
        for j in 0..W {
            assert_eq!(m.get(j), xs[j] < ys[j]);
            assert_eq!(a.ge(b).get(j), xs[j] >= ys[j]);
            assert_eq!(a.eq(b).get(j), xs[j] == ys[j]);
            let s = m.select(a, b).0[j];
            assert_eq!(
                s.to_bits(),
                if xs[j] < ys[j] { xs[j] } else { ys[j] }.to_bits()
            );
        }
        assert!(!M8::from_fn(|_| false).any() && M8::from_fn(|j| j == 3).any());
        assert!(M8::from_fn(|_| true).all() && !M8::from_fn(|j| j != 3).all());
    }
}
