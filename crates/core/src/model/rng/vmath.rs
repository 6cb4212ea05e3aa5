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
//! Accuracy: `exp` and `ln` within 2 units of 2^-52 relative to `std`'s
//! results, `sin` and `cos` within 1.5e-15 (tested below). `exp` reduces
//! to |r| <= ln 2 / 2 and sums the Taylor series to degree 12 (the next
//! term is below 2^-52); `ln`, `sin` and `cos` use fdlibm's minimax
//! polynomials on its reduced intervals.

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

const EXP_POLY: [f64; 13] = inverse_factorials::<13>();

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

// fdlibm's minimax coefficients (e_log.c, k_sin.c, k_cos.c; Sun
// Microsystems, freely redistributable): fewer terms than the Taylor
// series for the same accuracy on the reduced intervals.
#[allow(clippy::excessive_precision)]
const LG: [f64; 7] = [
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
];

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
    // ln m = ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f),
    // |s| <= 0.172 (fdlibm's e_log.c).
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    e * LN2_HI - ((hfsq - (s * (hfsq + r) + e * LN2_LO)) - f)
}

#[allow(clippy::excessive_precision)]
const SIN: [f64; 6] = [
    -1.66666666666666324348e-01,
    8.33333333332248946124e-03,
    -1.98412698298579493134e-04,
    2.75573137070700676789e-06,
    -2.50507602534068634195e-08,
    1.58969099521155010221e-10,
];

#[allow(clippy::excessive_precision)]
const COS: [f64; 6] = [
    4.16666666666666019037e-02,
    -1.38888888888741095749e-03,
    2.48015872894767294178e-05,
    -2.75573143513906633035e-07,
    2.08757232129817482790e-09,
    -1.13596475577881948265e-11,
];

/// (sin, cos) of the angle `u` turns (2 pi u radians), for u in [0, 1).
#[inline(always)]
pub fn sincos_turns(u: f64) -> (f64, f64) {
    // u = q/4 + f with q = round(4u) and |f| <= 1/8: both steps exact,
    // because u has at most 52 fractional bits.
    let t = u * 4.0 + SHIFTER;
    let q = t - SHIFTER;
    let quadrant = t.to_bits();
    let a = (u - q * 0.25) * std::f64::consts::TAU;
    // |a| <= pi/4: fdlibm's kernels (k_sin.c, k_cos.c, no tail term).
    let z = a * a;
    let r = SIN[1] + z * (SIN[2] + z * (SIN[3] + z * (SIN[4] + z * SIN[5])));
    let s = a + z * a * (SIN[0] + z * r);
    let rc = z * horner(z, COS);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    let c = w + (((1.0 - w) - hz) + z * rc);
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
        assert!(worst < 2.0, "worst {worst} ulp");
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
        assert!(worst < 2.0, "worst {worst} ulp");
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
