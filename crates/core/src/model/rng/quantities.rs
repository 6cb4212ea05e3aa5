//! A trial's per-trial quantities, many per instruction.
//!
//! Every uncertain input of a line (a construction cost, a hazard rate, a
//! number of users) is drawn once per trial. Like the per-year draws of
//! [`super::lanes`], each is a pure function of its line's key in the
//! trial and an address: quantity `q` of a line (its place among the
//! line's four) reads the words at `1 + q·2^28 + 8k + w`, attempt `k` of a
//! rejection sampler taking words `w = 0..8`. So a quantity's draw depends
//! on nothing else its line draws, and every quantity of a trial is
//! computed in flat passes, one per kind of distribution
//! (`Dist::kernel`):
//!
//! * uniform and triangular: one uniform, through the inverse
//!   distribution function;
//! * normal and lognormal: a Box-Muller normal from two words; a
//!   truncated normal that falls outside its window tries again (the
//!   window holds at least 30% of its mass, or it is drawn by inversion);
//! * PERT: `min + span X / (X + Y)` from two gamma variates by Marsaglia
//!   and Tsang's method ("A simple method for generating gamma
//!   variables", ACM TOMS 26(3), 2000), three words each. For PERT's
//!   shapes (at least 1) a pair is accepted at the first attempt over 90%
//!   of the time;
//! * a discrete distribution and a narrowly truncated normal: one
//!   uniform, through the distribution's own inverse, one at a time.
//!
//! Rejected attempts try again one quantity at a time (attempts 1, 2, ...).
//! The passes run on the instruction-set clones of [`super::lanes`] and
//! compute the same bits on each; [`QuantitySlots::value`] computes one
//! quantity alone with the same functions, so it gives the same bits too.
//! Every value is clamped to its key's domain, as [`Quantity::sample`]
//! does.

use std::ops::Range;

use super::WIDTH;
use super::vmath::{exp, ln, sincos_turns};
use super::{GAMMA, mix64, unit};
use crate::model::{Dist, Kernel, Quantity};

/// Quantities a line may have (the `[f64; 4]` of
/// [`crate::model::Quantities`]).
pub const PER_LINE: usize = 4;

/// Addresses between two quantities of a line: room for 2^25 attempts.
const STRIDE: u64 = 1 << 28;

/// Address of a yearly quantity's year 0 (the economy's inflation): above
/// every per-year draw (`YEAR_BASE + t`), with room for 2^17 attempts a
/// year.
const EACH_YEAR_BASE: u64 = 1 << 33;
const EACH_YEAR_STRIDE: u64 = 1 << 20;

/// Attempts a rejection sampler makes before it gives up. Never reached:
/// a truncated normal is accepted with chance at least 0.3, a PERT pair
/// above 0.9, so 2^20 failures in a row have chance below 10^-100000.
const MAX_ATTEMPTS: u64 = 1 << 20;

/// Word `w` of attempt `k` of the quantity whose first address, times
/// `GAMMA`, is `at`, for the line keyed `key` in the trial.
#[inline(always)]
fn word(key: u64, at: u64, k: u64, w: u64) -> u64 {
    mix64(key.wrapping_add(at.wrapping_add((8 * k + w).wrapping_mul(GAMMA))))
}

/// A standard normal from two words (Box-Muller's cosine half).
#[inline(always)]
fn normal(w0: u64, w1: u64) -> f64 {
    // 1 - u is in [2^-52, 1]: never ln(0).
    let r = (-2.0 * ln(1.0 - unit(w0))).sqrt();
    let (_, c) = sincos_turns(unit(w1));
    r * c
}

/// One attempt at Gamma(shape) by Marsaglia and Tsang, `d = shape - 1/3`,
/// `c = 1 / sqrt(9 d)`: the variate, or NaN when the attempt is rejected.
#[inline(always)]
fn gamma(w: [u64; 3], d: f64, c: f64) -> f64 {
    let z = normal(w[0], w[1]);
    let v = 1.0 + c * z;
    let v3 = v * v * v;
    let u = 1.0 - unit(w[2]);
    // ln of a positive number either way; the test below needs v > 0.
    let lv = ln(if v3 > 0.0 { v3 } else { 1.0 });
    let accept = (v > 0.0) & (ln(u) < 0.5 * z * z + d - d * v3 + d * lv);
    if accept { d * v3 } else { f64::NAN }
}

/// The triangular's inverse distribution function, without a division or
/// a branch (both roots are taken, one kept).
#[inline(always)]
fn triangular(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let range = max - min;
    let left = min + (u * range * (mode - min)).sqrt();
    let right = max - ((1.0 - u) * range * (max - mode)).sqrt();
    if u * range < mode - min { left } else { right }
}

/// Attempt `k` of each kind of kernel, for one quantity: the one
/// definition the vector passes and [`QuantitySlots::value`] share.
#[inline(always)]
fn uniform_at(key: u64, at: u64, k: u64, (min, span): (f64, f64)) -> f64 {
    min + span * unit(word(key, at, k, 0))
}

#[inline(always)]
fn triangular_at(key: u64, at: u64, k: u64, (min, mode, max): (f64, f64, f64)) -> f64 {
    triangular(min, mode, max, unit(word(key, at, k, 0)))
}

#[inline(always)]
fn normal_at(key: u64, at: u64, k: u64, (mean, sd): (f64, f64)) -> f64 {
    mean + sd * normal(word(key, at, k, 0), word(key, at, k, 1))
}

#[inline(always)]
fn lognormal_at(key: u64, at: u64, k: u64, (mu, sigma): (f64, f64)) -> f64 {
    exp(mu + sigma * normal(word(key, at, k, 0), word(key, at, k, 1)))
}

/// NaN when either gamma is rejected.
#[inline(always)]
fn pert_at(key: u64, at: u64, k: u64, p: [f64; 6]) -> f64 {
    let [min, span, da, ca, db, cb] = p;
    let w = |i: u64| word(key, at, k, i);
    let x = gamma([w(0), w(1), w(2)], da, ca);
    let y = gamma([w(3), w(4), w(5)], db, cb);
    min + span * (x / (x + y))
}

/// Blocks of [`WIDTH`] slots of one kernel: `out[i] = f(key of line[i],
/// at[i], attempt 0, constants[i])`. Blocks of a constant width, so the
/// compiler maps each onto whole registers.
macro_rules! pass {
    ($name:ident, $at:ident, |$p:ident| $params:expr) => {
        #[inline(always)]
        fn $name(trial_mix: u64, line: &[u64], at: &[u64], c: &[Vec<f64>; 6], out: &mut [f64]) {
            for (b, o) in out.chunks_exact_mut(WIDTH).enumerate() {
                let r = b * WIDTH..(b + 1) * WIDTH;
                // Arrays of a known length: no bounds checks in the loop.
                let (Some(l), Some(a)) = (block(line, r.clone()), block(at, r.clone())) else {
                    continue;
                };
                let cb: [Option<&[f64; WIDTH]>; 6] =
                    std::array::from_fn(|k| block(&c[k], r.clone()));
                let [Some(c0), Some(c1), Some(c2), Some(c3), Some(c4), Some(c5)] = cb else {
                    continue;
                };
                for j in 0..WIDTH {
                    let key = mix64(trial_mix ^ l[j]);
                    let $p = [c0[j], c1[j], c2[j], c3[j], c4[j], c5[j]];
                    o[j] = $at(key, a[j], 0, $params);
                }
            }
        }
    };
}

/// Slots `r` (one block) of a list, as an array.
#[inline(always)]
fn block<T>(v: &[T], r: Range<usize>) -> Option<&[T; WIDTH]> {
    v.get(r).and_then(|s| s.try_into().ok())
}

pass!(uniform_body, uniform_at, |p| (p[0], p[1]));
pass!(triangular_body, triangular_at, |p| (p[0], p[1], p[2]));
pass!(normal_body, normal_at, |p| (p[0], p[1]));
pass!(lognormal_body, lognormal_at, |p| (p[0], p[1]));
pass!(pert_body, pert_at, |p| p);

type Body = fn(u64, &[u64], &[u64], &[Vec<f64>; 6], &mut [f64]);

kernels! {
    uniform_pass = uniform_body(m: u64, l: &[u64], a: &[u64], c: &[Vec<f64>; 6], o: &mut [f64]);
    triangular_pass = triangular_body(m: u64, l: &[u64], a: &[u64], c: &[Vec<f64>; 6], o: &mut [f64]);
    normal_pass = normal_body(m: u64, l: &[u64], a: &[u64], c: &[Vec<f64>; 6], o: &mut [f64]);
    lognormal_pass = lognormal_body(m: u64, l: &[u64], a: &[u64], c: &[Vec<f64>; 6], o: &mut [f64]);
    pert_pass = pert_body(m: u64, l: &[u64], a: &[u64], c: &[Vec<f64>; 6], o: &mut [f64]);
}

/// Kinds of kernel (`Kernel` less the fixed and one-at-a-time ones).
pub const FAMILIES: usize = 5;

/// Each family's index: its slots in [`QuantitySlots`], its pass in
/// [`PASSES`].
const UNIFORM: usize = 0;
const TRIANGULAR: usize = 1;
const NORMAL: usize = 2;
const LOGNORMAL: usize = 3;
const PERT: usize = 4;

/// The kernels, in the order of the families' indices.
const PASSES: [Body; FAMILIES] = [
    // UNIFORM, TRIANGULAR, NORMAL, LOGNORMAL, PERT
    uniform_pass,
    triangular_pass,
    normal_pass,
    lognormal_pass,
    pert_pass,
];

/// One kernel's slots: each quantity's line, first address (times
/// `GAMMA`) and constants, padded to a multiple of [`WIDTH`] (padding
/// slots compute a value nobody reads); and, for the real slots, where the
/// value goes in the trial's table and the domain it is clamped to.
#[derive(Debug, Clone, Default)]
struct Family {
    line: Vec<u64>,
    at: Vec<u64>,
    c: [Vec<f64>; 6],
    dest: Vec<usize>,
    domain: Vec<(f64, f64)>,
}

impl Family {
    fn push(&mut self, line: u64, at: u64, c: [f64; 6], dest: usize, q: &Quantity) {
        self.line.push(line);
        self.at.push(at);
        for (col, x) in self.c.iter_mut().zip(c) {
            col.push(x);
        }
        self.dest.push(dest);
        self.domain.push((q.domain.lo, q.domain.hi));
    }

    fn pad(&mut self) {
        let n = self.line.len().div_ceil(WIDTH) * WIDTH;
        self.line.resize(n, 0);
        self.at.resize(n, 0);
        for col in &mut self.c {
            // Constants a padding slot computes harmlessly with (a PERT
            // pair of shape-1 gammas, a unit normal, [0, 1]).
            col.resize(n, 1.0 / 3.0);
        }
    }

    /// Slot `i`'s constants.
    fn constants(&self, i: usize) -> [f64; 6] {
        std::array::from_fn(|k| self.c[k][i])
    }

    /// Slot `i`'s value (this family being family `f`) from its first
    /// attempt `x`: drawn again if that was rejected, clamped to its
    /// domain.
    #[inline]
    fn settle(&self, f: usize, i: usize, x: f64, trial_mix: u64) -> f64 {
        let x = if rejected(f, x, &self.c, i) {
            retry(f, self, i, mix64(trial_mix ^ self.line[i]))
        } else {
            x
        };
        let (lo, hi) = self.domain[i];
        x.clamp(lo, hi)
    }
}

/// A quantity drawn alone, by its distribution's own inverse.
#[derive(Debug, Clone)]
struct OneAtATime {
    line: u64,
    at: u64,
    dist: Dist,
    dest: usize,
    domain: (f64, f64),
}

/// Where each quantity of the trial's table comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// Not a quantity (a line with fewer than four): 0.
    None,
    /// A fixed value (already clamped).
    Fixed(f64),
    /// Slot `i` of family `f`.
    Slot(usize, usize),
    /// Entry `i` of the one-at-a-time list.
    Inverse(usize),
}

/// The layout of a trial's per-trial quantities: every line's four places
/// in the table ([`PER_LINE`] per line, in the order lines are added),
/// and the kernel slots that fill them. Built once per model.
///
/// Invariant: `sources` has one entry per table place; each family's
/// `dest` and `domain` cover its real slots, which come before its padding.
#[derive(Debug, Clone, Default)]
pub struct QuantitySlots {
    families: [Family; FAMILIES],
    inverse: Vec<OneAtATime>,
    sources: Vec<Source>,
}

impl QuantitySlots {
    /// Adds a line keyed `line` (a [`super::StreamKey`]'s value) with its
    /// quantities; returns the place of its first in the table.
    pub fn line(&mut self, line: u64, quantities: crate::model::Quantities<'_>) -> usize {
        let first = self.sources.len();
        for (q, slot) in quantities.iter().enumerate() {
            let source = match slot {
                None => Source::None,
                Some((_, quantity)) => {
                    let at = (1 + q as u64 * STRIDE).wrapping_mul(GAMMA);
                    self.source(line, at, quantity, first + q)
                }
            };
            self.sources.push(source);
        }
        first
    }

    /// Adds a quantity the line keyed `line` draws anew in each of `years`
    /// (the economy's inflation): one place per year, each year's draw
    /// addressed by its calendar year; returns the first year's place.
    pub fn each_year(&mut self, line: u64, quantity: &Quantity, years: Range<usize>) -> usize {
        let first = self.sources.len();
        for (i, t) in years.enumerate() {
            let at = (EACH_YEAR_BASE + t as u64 * EACH_YEAR_STRIDE).wrapping_mul(GAMMA);
            let source = self.source(line, at, quantity, first + i);
            self.sources.push(source);
        }
        first
    }

    /// Lays out one quantity, first address `at` (times `GAMMA`), going to
    /// place `dest`.
    fn source(&mut self, line: u64, at: u64, quantity: &Quantity, dest: usize) -> Source {
        let mut slot = |f: usize, c: [f64; 6]| {
            let fam = &mut self.families[f];
            fam.push(line, at, c, dest, quantity);
            Source::Slot(f, fam.dest.len() - 1)
        };
        match quantity.dist().kernel() {
            Kernel::Fixed(v) => Source::Fixed(v.clamp(quantity.domain.lo, quantity.domain.hi)),
            Kernel::Uniform { min, span } => slot(UNIFORM, [min, span, 0.0, 0.0, 0.0, 0.0]),
            Kernel::Triangular { min, mode, max } => {
                slot(TRIANGULAR, [min, mode, max, 0.0, 0.0, 0.0])
            }
            Kernel::Normal { mean, sd, min, max } => slot(NORMAL, [mean, sd, min, max, 0.0, 0.0]),
            Kernel::LogNormal { mu, sigma } => slot(LOGNORMAL, [mu, sigma, 0.0, 0.0, 0.0, 0.0]),
            Kernel::Pert { min, span, a, b } => slot(PERT, [min, span, a.0, a.1, b.0, b.1]),
            Kernel::Inverse => {
                self.inverse.push(OneAtATime {
                    line,
                    at,
                    dist: quantity.dist().clone(),
                    dest,
                    domain: (quantity.domain.lo, quantity.domain.hi),
                });
                Source::Inverse(self.inverse.len() - 1)
            }
        }
    }

    /// Pads the kernels' slot lists; call once, after the last line.
    pub fn finish(mut self) -> Self {
        for f in &mut self.families {
            f.pad();
        }
        self
    }

    /// The table with every place that draws nothing filled in (fixed
    /// values, and 0 where a line has no quantity).
    pub fn blank(&self) -> Vec<f64> {
        self.sources
            .iter()
            .map(|s| match s {
                Source::Fixed(v) => *v,
                _ => 0.0,
            })
            .collect()
    }

    /// Room for each kernel's output.
    pub fn work(&self) -> [Vec<f64>; FAMILIES] {
        std::array::from_fn(|f| vec![0.0; self.families[f].line.len()])
    }

    /// Draws every quantity of the trial whose mixed seed is `trial_mix`
    /// into `table` (made by [`QuantitySlots::blank`]), with `work` (from
    /// [`QuantitySlots::work`]) for the kernels' output.
    pub fn fill(&self, trial_mix: u64, work: &mut [Vec<f64>; FAMILIES], table: &mut [f64]) {
        for (f, (fam, out)) in self.families.iter().zip(work.iter_mut()).enumerate() {
            if fam.dest.is_empty() {
                continue;
            }
            PASSES[f](trial_mix, &fam.line, &fam.at, &fam.c, out);
            for (i, (&dest, &x)) in fam.dest.iter().zip(out.iter()).enumerate() {
                table[dest] = fam.settle(f, i, x, trial_mix);
            }
        }
        for (i, one) in self.inverse.iter().enumerate() {
            table[one.dest] = self.inverse_value(trial_mix, i);
        }
    }

    /// The quantity at table place `place` in the trial whose mixed seed
    /// is `trial_mix`, alone: the same bits [`QuantitySlots::fill`] puts
    /// there.
    pub fn value(&self, trial_mix: u64, place: usize) -> f64 {
        match self.sources.get(place) {
            None | Some(Source::None) => 0.0,
            Some(Source::Fixed(v)) => *v,
            Some(&Source::Inverse(i)) => self.inverse_value(trial_mix, i),
            Some(&Source::Slot(f, i)) => {
                let fam = &self.families[f];
                let key = mix64(trial_mix ^ fam.line[i]);
                let x = attempt(f, key, fam.at[i], 0, fam.constants(i));
                fam.settle(f, i, x, trial_mix)
            }
        }
    }

    fn inverse_value(&self, trial_mix: u64, i: usize) -> f64 {
        let one = &self.inverse[i];
        let key = mix64(trial_mix ^ one.line);
        let (lo, hi) = one.domain;
        one.dist
            .by_inversion(unit(word(key, one.at, 0, 0)))
            .clamp(lo, hi)
    }
}

/// Attempt `k` of family `f`'s kernel.
#[inline(always)]
fn attempt(f: usize, key: u64, at: u64, k: u64, p: [f64; 6]) -> f64 {
    match f {
        UNIFORM => uniform_at(key, at, k, (p[0], p[1])),
        TRIANGULAR => triangular_at(key, at, k, (p[0], p[1], p[2])),
        NORMAL => normal_at(key, at, k, (p[0], p[1])),
        LOGNORMAL => lognormal_at(key, at, k, (p[0], p[1])),
        _ => pert_at(key, at, k, p),
    }
}

/// Whether a kernel's value must be drawn again: a normal outside its
/// truncation window, a PERT whose gammas were rejected.
#[inline]
fn rejected(f: usize, x: f64, c: &[Vec<f64>; 6], i: usize) -> bool {
    match f {
        NORMAL => !(x >= c[2][i] && x <= c[3][i]),
        PERT => x.is_nan(),
        _ => false,
    }
}

/// Attempts 1, 2, ... of slot `i` of family `f` until one is accepted.
#[cold]
fn retry(f: usize, fam: &Family, i: usize, key: u64) -> f64 {
    let p = fam.constants(i);
    for k in 1..MAX_ATTEMPTS {
        // One attempt at a time: the compiler would otherwise compute
        // many speculatively (unrolled and vectorised), though the next
        // is almost always accepted.
        let x = attempt(f, key, fam.at[i], std::hint::black_box(k), p);
        if !rejected(f, x, &fam.c, i) {
            return x;
        }
    }
    // Unreachable in practice (see MAX_ATTEMPTS): the mean, in the
    // window; PERT's middle.
    match f {
        NORMAL => p[0].clamp(p[2], p[3]),
        _ => p[0] + 0.5 * p[1],
    }
}

#[cfg(test)]
mod tests;
