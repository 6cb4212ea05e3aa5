//! Elementary functions for the vector kernels of [`super::lanes`]:
//! `exp`, `ln` and the sine and cosine of a fraction of a turn.
//!
//! Why not `std`: `f64::exp` and `f64::ln` call the platform's libm one
//! value at a time, which stops a loop from vectorising, and a vector libm
//! would round differently on each instruction set. These are written in
//! plain `*`, `+`, `/`, `sqrt` and bit operations, with selects instead of
//! branches and no tables, so:
//!
//! * the compiler vectorises any loop over them, for whatever instruction
//!   set a clone is compiled for;
//! * every instruction set computes the same bits: IEEE 754 rounds each of
//!   these operations exactly, and Rust never fuses `a * b + c` into one
//!   fused multiply-add on its own (that would round once instead of twice).
//!
//! Accuracy: within a few units in the last place over the domains stated
//! (tested against `std` below). The polynomials are Taylor series,
//! truncated where the next term is below 2^-60 of the result on the
//! reduced interval.

/// 1.5 x 2^52: adding it to |x| < 2^51 rounds x to the nearest integer,
/// which then sits in the low bits of the sum's representation.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
/// ln 2 split into a head with 21 trailing zero bits (so `k * LN2_HI` is
/// exact for |k| < 2^21) and the rest (fdlibm's constants).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `c[0] + x (c[1] + x (c[2] + ...))`.
#[inline(always)]
fn horner<const N: usize>(x: f64, c: [f64; N]) -> f64 {
    let mut p = c[N - 1];
    for i in (0..N - 1).rev() {
        p = p * x + c[i];
    }
    p
}

/// 1/n! for n = 0..=N-1, rounded once each at compile time.
const fn inverse_factorials<const N: usize>() -> [f64; N] {
    let mut c = [0.0; N];
    let mut f = 1.0;
    let mut n = 0;
    while n < N {
        if n > 0 {
            f *= n as f64;
        }
        c[n] = 1.0 / f;
        n += 1;
    }
    c
}

const EXP_POLY: [f64; 14] = inverse_factorials::<14>();

/// e^x for any x: NaN stays NaN; below -708 the result is e^-708
/// (no subnormals), above 709 it is e^709 (no overflow to infinity).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // Comparisons are false for NaN, so a NaN passes through.
    let x = if x < -708.0 { -708.0 } else { x };
    let x = if x > 709.0 { 709.0 } else { x };
    let t = x * std::f64::consts::LOG2_E + SHIFTER;
    let k = t - SHIFTER;
    // |r| <= ln 2 / 2: the polynomial's interval.
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let p = horner(r, EXP_POLY);
    // 2^k built from k's bits: t's representation is SHIFTER's plus k.
    let k_bits = t.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    p * scale
}

/// 1/(2n+1) for n = 0..N.
const fn odd_reciprocals<const N: usize>() -> [f64; N] {
    let mut c = [0.0; N];
    let mut n = 0;
    while n < N {
        c[n] = 1.0 / (2 * n + 1) as f64;
        n += 1;
    }
    c
}

const LN_POLY: [f64; 12] = odd_reciprocals::<12>();

/// The natural logarithm of a positive normal number (the kernels call it
/// on values in [2^-52, 1]); not meant for zero, negatives or subnormals.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    // x = 2^e m with m in [1, 2), then m moved into [sqrt(1/2), sqrt(2)).
    let m = f64::from_bits((bits & MANTISSA) | 1.0f64.to_bits());
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    // The biased exponent as a double, exactly: 2^52 + e_biased, less
    // 2^52 and the bias.
    let e = f64::from_bits(0x4330_0000_0000_0000 | (bits >> 52)) - 4_503_599_627_371_519.0;
    let e = if big { e + 1.0 } else { e };
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172.
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let l = 2.0 * s * horner(s * s, LN_POLY);
    e * LN2_HI + (l + e * LN2_LO)
}

/// Sine coefficients: (-1)^n / (2n+1)! for n = 0..N.
const fn sine_poly<const N: usize>() -> [f64; N] {
    let f = inverse_factorials::<24>();
    let mut c = [0.0; N];
    let mut n = 0;
    while n < N {
        c[n] = if n % 2 == 0 {
            f[2 * n + 1]
        } else {
            -f[2 * n + 1]
        };
        n += 1;
    }
    c
}

/// Cosine coefficients: (-1)^n / (2n)! for n = 0..N.
const fn cosine_poly<const N: usize>() -> [f64; N] {
    let f = inverse_factorials::<24>();
    let mut c = [0.0; N];
    let mut n = 0;
    while n < N {
        c[n] = if n % 2 == 0 { f[2 * n] } else { -f[2 * n] };
        n += 1;
    }
    c
}

const SIN_POLY: [f64; 9] = sine_poly::<9>();
const COS_POLY: [f64; 10] = cosine_poly::<10>();

/// (sin, cos) of the angle `u` turns (2 pi u radians), for u in [0, 1).
#[inline(always)]
pub fn sincos_turns(u: f64) -> (f64, f64) {
    // u = q/4 + f with q = round(4u) and |f| <= 1/8: both steps exact,
    // because u has at most 52 fractional bits.
    let t = u * 4.0 + SHIFTER;
    let q = t - SHIFTER;
    let quadrant = t.to_bits();
    let a = (u - q * 0.25) * std::f64::consts::TAU;
    let a2 = a * a;
    let s = a * horner(a2, SIN_POLY);
    let c = horner(a2, COS_POLY);
    // Rotate by q quarter turns: (s, c) -> (c, -s) -> (-s, -c) -> (-c, s).
    let swap = quadrant & 1 != 0;
    let (s1, c1) = if swap { (c, s) } else { (s, c) };
    let s1 = if quadrant & 2 != 0 { -s1 } else { s1 };
    let c1 = if quadrant.wrapping_add(1) & 2 != 0 {
        -c1
    } else {
        c1
    };
    (s1, c1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error of `got` against `want`, in units of 2^-52.
    fn ulps(got: f64, want: f64) -> f64 {
        ((got - want) / want.abs().max(f64::MIN_POSITIVE)).abs() / f64::EPSILON
    }

    #[test]
    fn exp_matches_std_within_a_few_ulp() {
        let mut worst: f64 = 0.0;
        for i in -70_000..=70_000 {
            let x = i as f64 * 0.010_000_3;
            worst = worst.max(ulps(exp(x), x.exp()));
        }
        assert!(worst < 4.0, "worst {worst} ulp");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(1e6).is_finite() && exp(-1e6) > 0.0);
    }

    #[test]
    fn ln_matches_std_within_a_few_ulp() {
        let mut worst: f64 = 0.0;
        let mut x = f64::EPSILON;
        while x < 1e6 {
            let want = x.ln();
            if want.abs() > 1e-3 {
                worst = worst.max(ulps(ln(x), want));
            } else {
                // Near 1 the absolute error is what a caller sees.
                assert!((ln(x) - want).abs() < 4.0 * f64::EPSILON * x);
            }
            x *= 1.000_37;
        }
        assert!(worst < 4.0, "worst {worst} ulp");
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn sincos_matches_std() {
        for i in 0..100_000 {
            let u = i as f64 / 100_000.0 + 1.3e-7;
            if u >= 1.0 {
                continue;
            }
            let (s, c) = sincos_turns(u);
            let a = std::f64::consts::TAU * u;
            assert!((s - a.sin()).abs() < 1.5e-15, "sin at {u}");
            assert!((c - a.cos()).abs() < 1.5e-15, "cos at {u}");
        }
        assert_eq!(sincos_turns(0.0), (0.0, 1.0));
        assert_eq!(sincos_turns(0.25).0, 1.0);
        assert_eq!(sincos_turns(0.5).1, -1.0);
    }
}
