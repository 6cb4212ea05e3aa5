//! Random numbers keyed by what they model, never by who draws them.
//!
//! Every line of a scenario (a service's base cost, a cost line, a risk, a
//! funding stream, a benefit, the economy) has a key in each trial,
//! [`LineKey`], hashed from `(seed, trial, service id, line label)`. A draw
//! is a pure function of that key and an address — a counter-based
//! generator: SplitMix64 (Steele, Lea & Flood, "Fast splittable
//! pseudorandom number generators", OOPSLA 2014; the generator behind
//! Java's `SplittableRandom`, which passes BigCrush), whose i-th output
//! from state `k` is `mix64(k + i * GAMMA)` and so can be computed for any
//! `i` directly. Addresses:
//!
//! * `1 + q·2^28 + 8k + w`: word `w` of attempt `k` at the line's
//!   per-trial quantity `q` (of four), computed for every quantity of a
//!   trial at once by [`quantities::QuantitySlots`];
//! * `2^33 + t·2^20 + 8k + w`: the same for a quantity drawn anew in each
//!   calendar year `t` (the economy's inflation), by the same passes;
//! * `YEAR_BASE + t`: the line's one draw of year `t` (a hazard, a risk
//!   event, or half of a Box-Muller pair), computed for all lines and
//!   years of a trial at once by [`lanes::Draws`].
//!
//! What follows, and the rest of the crate relies on:
//!
//! * results do not depend on which thread ran a trial, on how the trials
//!   were split into blocks or shards, or on the instruction set
//!   ([`lanes`]);
//! * adding, removing or editing one line leaves the draws of every other
//!   line untouched, and a year's draw does not depend on the window that
//!   asks for it (common random numbers across scenario variants);
//! * a draw needs no stream state and no seeding: nothing to allocate in
//!   the trial loop, and a line that has ended draws nothing.

/// Compiles a function once per instruction set the kernels use (AVX-512,
/// AVX2, NEON, and the portable baseline), chosen at run time: the one
/// list of targets, so that the kernels and the name
/// `lanes::instruction_set` gives cannot disagree.
macro_rules! multiversioned {
    ($f:item) => {
        #[multiversion::multiversion(targets(
            "x86_64+avx512f+avx512dq+avx512vl+avx512bw+avx2+fma",
            "x86_64+avx2+fma",
            "aarch64+neon"
        ))]
        $f
    };
}

/// Makes each kernel body a function that runs the clone compiled for
/// the best instruction set the CPU has ([`multiversioned!`]), or the
/// baseline when [`lanes::set_portable`] says so.
macro_rules! kernels {
    ($($name:ident = $body:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $name($($arg: $ty),*) {
                $crate::model::rng::multiversioned! {
                    fn fast($($arg: $ty),*) {
                        $body($($arg),*)
                    }
                }
                if $crate::model::rng::is_portable() {
                    $body($($arg),*)
                } else {
                    fast($($arg),*)
                }
            }
        )*
    };
}

pub(crate) use {kernels, multiversioned};

pub mod lanes;
pub mod quantities;
pub mod vmath;

/// Slots each kernel step handles (in `lanes` and `quantities`): two
/// AVX-512 registers of doubles, four AVX2 ones — independent chains the
/// core interleaves. Slot lists are padded to it, so no loop has a scalar
/// tail.
pub const WIDTH: usize = 16;

static PORTABLE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether [`set_portable`] forces the baseline clones.
#[inline]
pub(crate) fn is_portable() -> bool {
    PORTABLE.load(std::sync::atomic::Ordering::Relaxed)
}

/// Forces (or stops forcing) the portable baseline clone of every kernel
/// (in `lanes` and `quantities`), for every thread. Results are the same
/// either way; only speed changes.
pub fn set_portable(on: bool) {
    PORTABLE.store(on, std::sync::atomic::Ordering::Relaxed);
}

use std::convert::Infallible;

use rand::TryRng;

/// SplitMix64's increment (the golden ratio in 64 bits).
pub(crate) const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// Address of a line's draw in year 0; per-trial quantities count up from
/// 1 and would need four billion draws to reach it.
pub(crate) const YEAR_BASE: u64 = 1 << 32;

/// A uniform in [0, 1) from the top 52 bits of a word, by filling a
/// double's mantissa: integer operations and one subtraction, the same on
/// every instruction set.
#[inline(always)]
pub(crate) fn unit(w: u64) -> f64 {
    f64::from_bits(0x3ff0_0000_0000_0000 | (w >> 12)) - 1.0
}

/// Draw `i` of bootstrap resample `r`: an index below `n` (0 when `n` is
/// 0), keyed by `seed` alone, so a resample is the same on every machine
/// and thread count.
#[inline]
pub(crate) fn resample_pick(seed: u64, r: usize, i: usize, n: usize) -> usize {
    let w = mix64(seed ^ mix64(r as u64 + 1) ^ (i as u64).wrapping_mul(0x9E37_79B9));
    ((unit(w) * n as f64) as usize).min(n.saturating_sub(1))
}

/// The key of one line in one trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineKey(pub(crate) u64);

impl LineKey {
    /// The line's word at address `i` (SplitMix64's i-th output).
    #[inline(always)]
    pub fn word(self, i: u64) -> u64 {
        mix64(self.0.wrapping_add(i.wrapping_mul(GAMMA)))
    }

    /// The line's uniform draw of year `t`, as [`lanes::Draws`] computes
    /// it among a trial's draws.
    #[inline]
    pub fn year_uniform(self, t: usize) -> f64 {
        unit(self.word(YEAR_BASE.wrapping_add(t as u64)))
    }

    /// The stream of the line's per-trial quantities.
    #[inline]
    pub fn quantities(self) -> StreamRng {
        StreamRng { key: self, next: 1 }
    }
}

/// A line's words at addresses 1, 2, 3, ... in order (SplitMix64 seeded
/// with the line's key), for one-off draws through the samplers of
/// [`crate::model::Dist`] (which may reject and draw again). The engine
/// reads none this way: its draws come from [`lanes::Draws`].
#[derive(Debug, Clone)]
pub struct StreamRng {
    key: LineKey,
    next: u64,
}

impl TryRng for StreamRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let w = self.key.word(self.next);
        self.next += 1;
        Ok(w)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let w = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

/// 64-bit FNV-1a: a stable hash of a line's identity. `std`'s hashers are
/// randomised or unspecified across releases, which would break
/// reproducibility of saved seeds.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator byte that cannot appear in UTF-8 keeps ("ab","c")
            // and ("a","bc") apart.
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// SplitMix64's finaliser: a bijective mixer with full avalanche.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Identity of one line of the model, precomputed when the model is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamKey(pub u64);

impl StreamKey {
    /// Key of a line of a service: `kind` separates a cost line from a
    /// funding stream of the same name.
    pub fn new(service_id: &str, kind: &str, name: &str) -> Self {
        StreamKey(fnv1a(&[service_id, kind, name]))
    }

    /// What every line's key in one trial is mixed from: the seed and
    /// the trial number.
    #[inline]
    pub fn trial_mix(seed: u64, trial: u64) -> u64 {
        mix64(seed ^ 0x6a09_e667_f3bc_c909).wrapping_add(trial)
    }

    /// This line's key in one trial.
    #[inline]
    pub fn line(self, seed: u64, trial: u64) -> LineKey {
        LineKey(mix64(StreamKey::trial_mix(seed, trial) ^ self.0))
    }

    /// The stream of this line's per-trial quantities in one trial.
    #[inline]
    pub fn rng(self, seed: u64, trial: u64) -> StreamRng {
        self.line(seed, trial).quantities()
    }
}

/// A uniform draw in [0, 1) with 52 random bits ([`unit`]).
#[inline]
pub fn uniform01<R: rand::Rng + ?Sized>(rng: &mut R) -> f64 {
    unit(rng.next_u64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn keys_separate_parts() {
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_ne!(
            StreamKey::new("s", "cost", "x"),
            StreamKey::new("s", "funding", "x")
        );
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let k = StreamKey::new("parking", "funding", "grant");
        let mut r1 = k.rng(7, 3);
        let mut r2 = k.rng(7, 3);
        let mut r3 = k.rng(7, 4);
        let x1 = r1.next_u64();
        assert_eq!(x1, r2.next_u64());
        assert_ne!(x1, r3.next_u64());
    }

    #[test]
    fn quantities_are_splitmix64_seeded_with_the_line_key() {
        // SplitMix64 from state 0: the reference outputs of Vigna's
        // splitmix64.c (state += GAMMA, then the mixer).
        let mut r = LineKey(0).quantities();
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(r.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn the_quantities_stream_never_reaches_the_years() {
        let k = StreamKey::new("a", "risk", "b").line(9, 4);
        let mut q = k.quantities();
        let first: Vec<u64> = (0..4).map(|_| q.next_u64()).collect();
        assert!(first.iter().all(|w| *w != k.word(YEAR_BASE)));
    }

    #[test]
    fn uniform_is_in_unit_interval() {
        let mut r = StreamKey(1).rng(0, 0);
        for _ in 0..10_000 {
            let u = uniform01(&mut r);
            assert!((0.0..1.0).contains(&u));
        }
    }
}
