//! Counter-based generators, candidates for engine v2 (issue 15): a draw
//! is a pure function of a key and a counter. Two are here, measured side
//! by side (`cargo bench --bench engine -- rng`, PERFORMANCE.md):
//! Philox4x32 with 10 or 7 rounds, and Widynski's Squares (5 rounds of a
//! 64-bit square).
//!
//! Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as
//! easy as 1, 2, 3", SC 2011): a counter-based generator. A draw is a pure
//! function of a 64-bit key and a 128-bit counter, so it needs no stream
//! state and no seeding, any draw can be addressed directly, and the draws
//! of many trials are computed side by side — the random numbers of engine
//! v2 (issue 15), where one vector instruction serves a batch of trials.
//!
//! Addressing used by fundgap: the key is a line's identity mixed with the
//! seed; the counter is `(trial low, trial high, position, draw)`, where
//! the position is 0 for a line's per-trial quantities and `1 + t` for year
//! `t`, and `draw` numbers the draws within it. Each evaluation gives four
//! 32-bit words, two uniforms of 53 bits ([`uniforms`]).
//!
//! [`philox4x32_10`] is checked against Random123's published known
//! answers; [`uniform_lanes`] computes one draw for `LANES` consecutive
//! trials in a form the compiler vectorises, and equals the scalar path
//! bit for bit.

/// Multipliers and Weyl key increments of Philox4x32 (Random123).
const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// One Philox4x32 round.
#[inline(always)]
fn round(c: [u32; 4], k: [u32; 2]) -> [u32; 4] {
    let p0 = u64::from(M0) * u64::from(c[0]);
    let p1 = u64::from(M1) * u64::from(c[2]);
    [
        (p1 >> 32) as u32 ^ c[1] ^ k[0],
        p1 as u32,
        (p0 >> 32) as u32 ^ c[3] ^ k[1],
        p0 as u32,
    ]
}

/// Philox4x32 with ten rounds: four random words for `counter` under
/// `key`.
#[inline]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    philox4x32::<10>(counter, key)
}

/// Philox4x32 with `R` rounds (the Random123 paper reports 7 rounds
/// Crush-resistant; 10 is its default safety margin).
#[inline]
pub fn philox4x32<const R: usize>(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = counter;
    let mut k = key;
    for i in 0..R {
        if i > 0 {
            k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        c = round(c, k);
    }
    c
}

/// The two uniforms in [0, 1) of one evaluation, 53 bits each (from words
/// 0-1 and 2-3).
#[inline]
pub fn uniforms(words: [u32; 4]) -> [f64; 2] {
    let to = |hi: u32, lo: u32| {
        let bits = (u64::from(hi) << 32 | u64::from(lo)) >> 11;
        bits as f64 * (1.0 / (1u64 << 53) as f64)
    };
    [to(words[0], words[1]), to(words[2], words[3])]
}

/// The counter of draw pair `draw` at `position` in `trial`.
#[inline]
pub fn counter(trial: u64, position: u32, draw: u32) -> [u32; 4] {
    [trial as u32, (trial >> 32) as u32, position, draw]
}

/// The key of a line (its [`super::StreamKey`]) under `seed`.
#[inline]
pub fn key(seed: u64, line: u64) -> [u32; 2] {
    let k = super::rng::mix64(super::rng::mix64(seed ^ 0x6a09_e667_f3bc_c909) ^ line);
    [k as u32, (k >> 32) as u32]
}

/// Squares64 (Widynski, "Squares: a fast counter-based RNG", 2020): one
/// 64-bit word for a 64-bit counter under `key` — five rounds of squaring
/// and a rotation. The paper's statistical results hold for keys with an
/// irregular bit pattern (its key generator avoids repeated or zero hex
/// digits); fundgap would derive one per line.
#[inline]
pub fn squares64(ctr: u64, key: u64) -> u64 {
    let y = ctr.wrapping_mul(key);
    let mut x = y;
    let z = y.wrapping_add(key);
    x = x.wrapping_mul(x).wrapping_add(y).rotate_right(32);
    x = x.wrapping_mul(x).wrapping_add(z).rotate_right(32);
    x = x.wrapping_mul(x).wrapping_add(y).rotate_right(32);
    let t = x.wrapping_mul(x).wrapping_add(z);
    x = t.rotate_right(32);
    t ^ (x.wrapping_mul(x).wrapping_add(y) >> 32)
}

/// Squares64 for `N` consecutive counters from `first`, as uniforms in
/// [0, 1) (53 bits).
#[inline]
pub fn squares_lanes<const N: usize>(key: u64, first: u64) -> [f64; N] {
    let mut out = [0.0; N];
    for (i, o) in out.iter_mut().enumerate() {
        let w = squares64(first.wrapping_add(i as u64), key);
        *o = (w >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    }
    out
}

/// Draw pair `draw` at `position` for the `N` trials `first..first + N`:
/// `out[0][i]` and `out[1][i]` are trial `first + i`'s two uniforms. The
/// same numbers as [`philox4x32_10`] lane by lane; written over arrays so
/// each round is a handful of vector instructions.
#[inline]
pub fn uniform_lanes<const N: usize>(
    key: [u32; 2],
    first: u64,
    position: u32,
    draw: u32,
) -> [[f64; N]; 2] {
    let mut c0 = [0u32; N];
    let mut c1 = [0u32; N];
    for (i, (a, b)) in c0.iter_mut().zip(c1.iter_mut()).enumerate() {
        let t = first.wrapping_add(i as u64);
        *a = t as u32;
        *b = (t >> 32) as u32;
    }
    let mut c2 = [position; N];
    let mut c3 = [draw; N];
    let mut k = key;
    for r in 0..10 {
        if r > 0 {
            k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        for i in 0..N {
            let p0 = u64::from(M0) * u64::from(c0[i]);
            let p1 = u64::from(M1) * u64::from(c2[i]);
            let n0 = (p1 >> 32) as u32 ^ c1[i] ^ k[0];
            let n2 = (p0 >> 32) as u32 ^ c3[i] ^ k[1];
            c0[i] = n0;
            c1[i] = p1 as u32;
            c2[i] = n2;
            c3[i] = p0 as u32;
        }
    }
    let mut out = [[0.0; N]; 2];
    for i in 0..N {
        let [a, b] = uniforms([c0[i], c1[i], c2[i], c3[i]]);
        out[0][i] = a;
        out[1][i] = b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's known answers for Philox4x32-10 (its tests/kat_vectors).
    /// Squares64 equals the paper's reference C code: the outputs below
    /// were computed with that code (gcc -O2) for key 0xc8e4fd154ce32f6d.
    #[test]
    fn squares_matches_the_reference_code() {
        let k = 0xc8e4_fd15_4ce3_2f6d;
        assert_eq!(squares64(0, k), 0x800c_823e_cc9b_9607);
        assert_eq!(squares64(1, k), 0x5f4f_366d_b727_a9f6);
        assert_eq!(squares64(2, k), 0xeee7_7e31_0b90_add2);
        assert_eq!(squares64(123_456_789, k), 0xb27d_a147_56f3_de2a);
        let lanes = squares_lanes::<4>(k, 10);
        for (i, u) in lanes.iter().enumerate() {
            let w = squares64(10 + i as u64, k);
            assert_eq!(
                u.to_bits(),
                ((w >> 11) as f64 / (1u64 << 53) as f64).to_bits()
            );
        }
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            philox4x32_10([0; 4], [0; 2]),
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]
        );
        assert_eq!(
            philox4x32_10([u32::MAX; 4], [u32::MAX; 2]),
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
        );
        assert_eq!(
            philox4x32_10(
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0]
            ),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
        );
    }

    /// The lane-wise path gives the scalar path's numbers, bit for bit,
    /// across the 32-bit boundary of the trial number.
    #[test]
    fn lanes_equal_the_scalar_path() {
        let k = key(7, 0x1234_5678_9abc_def0);
        for first in [0u64, 5, (1 << 32) - 3] {
            let lanes = uniform_lanes::<8>(k, first, 3, 1);
            for (i, (a, b)) in lanes[0].iter().zip(&lanes[1]).enumerate() {
                let one = uniforms(philox4x32_10(counter(first + i as u64, 3, 1), k));
                assert_eq!(one[0].to_bits(), a.to_bits());
                assert_eq!(one[1].to_bits(), b.to_bits());
            }
        }
    }

    /// Uniform in [0, 1): mean 1/2 and variance 1/12 within 4 SE over
    /// 200,000 draws, and neighbouring counters uncorrelated.
    #[test]
    fn uniforms_have_the_moments_of_a_uniform() {
        let k = key(1, 2);
        let n = 100_000u64;
        let (mut s, mut s2, mut cross) = (0.0, 0.0, 0.0);
        for t in 0..n {
            let [a, b] = uniforms(philox4x32_10(counter(t, 0, 0), k));
            assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b));
            s += a + b;
            s2 += a * a + b * b;
            cross += (a - 0.5) * (b - 0.5);
        }
        let m = 2.0 * n as f64;
        let mean = s / m;
        let var = s2 / m - mean * mean;
        // sd of a uniform's mean: sqrt(1/12 / m); of its variance:
        // sqrt((1/80 - 1/144) / m); of the cross moment: sqrt(1/144 / n).
        assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / m).sqrt());
        assert!((var - 1.0 / 12.0).abs() < 4.0 * ((1.0 / 80.0 - 1.0 / 144.0) / m).sqrt());
        assert!((cross / n as f64).abs() < 4.0 * (1.0 / 144.0 / n as f64).sqrt());
    }
}
