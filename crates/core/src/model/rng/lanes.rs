//! The per-year draws of a whole trial, many per instruction.
//!
//! A line's draw in year `t` of a trial is a pure function of the line's
//! key in that trial and `t` ([`super::LineKey::year_uniform`]), so every
//! per-year draw of a trial is computed in two flat passes over *slots*,
//! laid out once per model ([`Slots`]): uniforms for hazards and risk
//! events, and mean-one lognormal shocks from Box-Muller normals (one pair
//! per two calendar years of a line, through [`super::vmath`]'s `ln`,
//! `sqrt`, `sin`, `cos` and `exp`). Flat passes keep many independent
//! chains in flight: one line's 20 years alone would leave the vector
//! units waiting on the latency of each polynomial.
//!
//! Each kernel is compiled for several instruction sets (AVX-512, AVX2,
//! NEON, and the portable baseline) and the best one the CPU has is chosen
//! at run time (the `multiversion` crate). They all compute the same bits:
//! only operations IEEE 754 rounds exactly, never a fused multiply-add.
//! [`set_portable`] forces the baseline clone, so a test (and a user who
//! doubts it) can compare the two paths' outputs byte for byte.

use std::ops::Range;

use multiversion::target::match_target;

#[cfg(test)]
use super::LineKey;
pub use super::WIDTH;
use super::quantities::QuantitySlots;
use super::vmath::{exp, ln, sincos_turns};
use super::{GAMMA, YEAR_BASE, mix64, unit};

use super::is_portable;

multiversioned! {
    /// The name of the clone the dispatcher picks on this CPU.
    fn selected() -> &'static str {
        match_target! {
            "x86_64+avx512f" => "avx512",
            "x86_64+avx2" => "avx2",
            "aarch64+neon" => "neon",
            _ => "portable",
        }
    }
}

/// The instruction set the kernels run on: the clone the dispatcher
/// picks on this CPU, unless [`super::set_portable`] forced the baseline.
pub fn instruction_set() -> &'static str {
    if is_portable() {
        "portable"
    } else {
        selected()
    }
}

/// Uniform `i`: `unit(mix64(mix64(trial_mix ^ line[i]) + at[i]))`, where
/// `mix64(trial_mix ^ line)` is the line's key in the trial
/// ([`super::StreamKey::line`]) and `at[i]` is the slot's address times
/// `GAMMA`. Blocks of a constant [`WIDTH`], so the compiler maps each
/// onto whole registers with no scalar tail.
#[inline(always)]
fn uniforms_body(trial_mix: u64, line: &[u64], at: &[u64], out: &mut [f64]) {
    let blocks = out
        .chunks_exact_mut(WIDTH)
        .zip(line.chunks_exact(WIDTH).zip(at.chunks_exact(WIDTH)));
    for (o, (l, a)) in blocks {
        for j in 0..WIDTH {
            let key = mix64(trial_mix ^ l[j]);
            o[j] = unit(mix64(key.wrapping_add(a[j])));
        }
    }
}

/// Pair `i` (two calendar years 2p, 2p + 1 of a line, `at[i]` the address
/// of year 2p times `GAMMA`) gives two standard normals by Box-Muller,
/// each turned into `exp(sigma z + shift)` with its slot's constants:
/// `out[2i]` and `out[2i + 1]`. `radius` and `angle` are working memory,
/// one per pair.
///
/// Four passes over all pairs, not one: a single pass's body is a chain
/// of some 150 dependent operations (hashes, `ln`, `sqrt`, `sin`/`cos`,
/// `exp`) longer than the core can look ahead, so it would wait on
/// latencies; each short pass lets the core overlap many blocks.
#[inline(always)]
fn shocks_body(
    trial_mix: u64,
    (line, at): (&[u64], &[u64]),
    (sigma, shift): (&[f64], &[f64]),
    (radius, angle): (&mut [f64], &mut [f64]),
    out: &mut [f64],
) {
    let pairs = line.chunks_exact(WIDTH).zip(at.chunks_exact(WIDTH));
    let work = radius
        .chunks_exact_mut(WIDTH)
        .zip(angle.chunks_exact_mut(WIDTH));
    for ((l, a), (r, th)) in pairs.zip(work) {
        for j in 0..WIDTH {
            let key = mix64(trial_mix ^ l[j]);
            // 1 - u1 is in [2^-52, 1]: never ln(0).
            r[j] = 1.0 - unit(mix64(key.wrapping_add(a[j])));
            th[j] = unit(mix64(key.wrapping_add(a[j].wrapping_add(GAMMA))));
        }
    }
    for r in radius.chunks_exact_mut(WIDTH) {
        for x in r.iter_mut() {
            *x = (-2.0 * ln(*x)).sqrt();
        }
    }
    for ((o, r), th) in out
        .chunks_exact_mut(2 * WIDTH)
        .zip(radius.chunks_exact(WIDTH))
        .zip(angle.chunks_exact(WIDTH))
    {
        for j in 0..WIDTH {
            let (s, c) = sincos_turns(th[j]);
            o[2 * j] = r[j] * c;
            o[2 * j + 1] = r[j] * s;
        }
    }
    let consts = sigma.chunks_exact(WIDTH).zip(shift.chunks_exact(WIDTH));
    for (o, (sg, sh)) in out.chunks_exact_mut(WIDTH).zip(consts) {
        for j in 0..WIDTH {
            o[j] = exp(sg[j] * o[j] + sh[j]);
        }
    }
}

kernels! {
    uniforms = uniforms_body(trial_mix: u64, line: &[u64], at: &[u64], out: &mut [f64]);
    shocks = shocks_body(
        trial_mix: u64,
        pairs: (&[u64], &[u64]),
        c: (&[f64], &[f64]),
        work: (&mut [f64], &mut [f64]),
        out: &mut [f64]
    );
}

/// Rounds `n` up to a multiple of [`WIDTH`].
fn padded(n: usize) -> usize {
    n.div_ceil(WIDTH) * WIDTH
}

/// Where one line's draws of a window of years are, among the slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The line draws nothing each year.
    None,
    /// Uniforms, the window's first year at this slot.
    Uniform(usize),
    /// Shocks, the window's first year at this slot.
    Shock(usize),
    /// Every year's shock is exactly 1 (no volatility): nothing drawn.
    Ones,
    /// A quantity drawn anew each year (the economy's inflation), the
    /// window's first year at this place of the quantity table
    /// ([`QuantitySlots::each_year`]).
    Quantity(usize),
}

/// The layout of a trial's per-year draws: which line and address each
/// slot holds. Built once per model; [`Draws`] holds one trial's values.
///
/// Invariant: the uniform slot lists are as long as each other, the pair
/// lists too, the shock constants twice the pairs, all padded to a
/// multiple of [`WIDTH`] (padding slots draw for line 0 at address 0 and
/// are never read).
#[derive(Debug, Clone, Default)]
pub struct Slots {
    uniform_line: Vec<u64>,
    uniform_at: Vec<u64>,
    pair_line: Vec<u64>,
    pair_at: Vec<u64>,
    sigma: Vec<f64>,
    shift: Vec<f64>,
    /// The longest window, for the shared row of ones.
    longest: usize,
    /// The per-trial quantities of every line.
    pub quantities: QuantitySlots,
}

impl Slots {
    /// No slots yet.
    pub fn new() -> Self {
        Slots::default()
    }

    /// Adds the uniforms of `years` of the line keyed `line` (a
    /// [`super::StreamKey`]'s value).
    pub fn uniforms(&mut self, line: u64, years: Range<usize>) -> Window {
        let start = self.uniform_line.len();
        self.longest = self.longest.max(years.len());
        for t in years {
            self.uniform_line.push(line);
            self.uniform_at.push(address(t));
        }
        Window::Uniform(start)
    }

    /// Adds the shocks `exp(sigma z_t + shift)` of `years` of the line
    /// keyed `line`; `None` for a line without noise (all ones).
    pub fn shocks(&mut self, line: u64, log: Option<(f64, f64)>, years: Range<usize>) -> Window {
        self.longest = self.longest.max(years.len());
        let Some((sigma, shift)) = log else {
            return Window::Ones;
        };
        if years.is_empty() {
            return Window::None;
        }
        // Normals come in pairs of calendar years (2p, 2p + 1), so a
        // year's normal is the same whichever window asks for it.
        let p0 = years.start / 2;
        let start = 2 * self.pair_line.len() + (years.start - 2 * p0);
        for p in p0..years.end.div_ceil(2) {
            self.pair_line.push(line);
            self.pair_at.push(address(2 * p));
            self.sigma.extend([sigma, sigma]);
            self.shift.extend([shift, shift]);
        }
        Window::Shock(start)
    }

    /// Pads the lists for the kernels; call once, after the last line.
    pub fn finish(mut self) -> Self {
        let u = padded(self.uniform_line.len());
        self.uniform_line.resize(u, 0);
        self.uniform_at.resize(u, 0);
        let p = padded(self.pair_line.len());
        self.pair_line.resize(p, 0);
        self.pair_at.resize(p, 0);
        self.sigma.resize(2 * p, 0.0);
        self.shift.resize(2 * p, 0.0);
        self.quantities = std::mem::take(&mut self.quantities).finish();
        self
    }
}

/// The address of year `t`'s draw, times `GAMMA` (what the kernels add to
/// a line's key).
fn address(t: usize) -> u64 {
    YEAR_BASE.wrapping_add(t as u64).wrapping_mul(GAMMA)
}

/// One trial's draws, laid out by [`Slots`]: the per-year ones, and the
/// per-trial quantities of every line ([`QuantitySlots`]).
#[derive(Debug, Clone)]
pub struct Draws {
    /// The trial's quantities, [`super::quantities::PER_LINE`] per line,
    /// and the kernels' working memory.
    quantities: Vec<f64>,
    quantity_work: [Vec<f64>; super::quantities::FAMILIES],
    uniforms: Vec<f64>,
    shocks: Vec<f64>,
    ones: Vec<f64>,
    /// Box-Muller's radius and angle of each pair, between passes.
    radius: Vec<f64>,
    angle: Vec<f64>,
    /// Every per-trial input of the model, when a sample chooses them
    /// (Sobol's matrices) instead of the lines' streams; empty otherwise.
    set: Vec<f64>,
}

impl Draws {
    /// Makes the next trials take their per-trial inputs from `values`
    /// (one per input of `Model::inputs`, in its order); an empty slice
    /// returns them to their streams.
    pub fn set_inputs(&mut self, values: &[f64]) {
        self.set.clear();
        self.set.extend_from_slice(values);
    }

    /// The per-trial inputs a sample chose, or empty.
    #[inline]
    pub fn inputs_set(&self) -> &[f64] {
        &self.set
    }

    /// Room for the draws `slots` lays out.
    pub fn new(slots: &Slots) -> Self {
        Draws {
            quantities: slots.quantities.blank(),
            quantity_work: slots.quantities.work(),
            uniforms: vec![0.0; slots.uniform_line.len()],
            shocks: vec![0.0; slots.sigma.len()],
            ones: vec![1.0; slots.longest],
            radius: vec![0.0; slots.pair_line.len()],
            angle: vec![0.0; slots.pair_line.len()],
            set: Vec::new(),
        }
    }

    /// Computes every slot's draw for the trial whose mixed seed is
    /// `trial_mix` ([`super::StreamKey::trial_mix`]).
    pub fn fill(&mut self, slots: &Slots, trial_mix: u64) {
        let pairs = (&slots.pair_line[..], &slots.pair_at[..]);
        let consts = (&slots.sigma[..], &slots.shift[..]);
        let (line, at) = (&slots.uniform_line[..], &slots.uniform_at[..]);
        uniforms(trial_mix, line, at, &mut self.uniforms);
        let work = (&mut self.radius[..], &mut self.angle[..]);
        shocks(trial_mix, pairs, consts, work, &mut self.shocks);
        let table = &mut self.quantities;
        (slots.quantities).fill(trial_mix, &mut self.quantity_work, table);
    }

    /// The per-trial quantities of the line whose first is at `at` in the
    /// table (what [`QuantitySlots::line`] returned): 0 where the line has
    /// fewer than four.
    #[inline]
    pub fn quantities(&self, at: usize) -> [f64; 4] {
        // `at` may be past the table (a line without places): zeros.
        match self
            .quantities
            .get(at..at.saturating_add(super::quantities::PER_LINE))
        {
            Some(&[a, b, c, d]) => [a, b, c, d],
            _ => [0.0; 4],
        }
    }

    /// The `len` draws of a line's window (empty for [`Window::None`]).
    #[inline]
    pub fn window(&self, w: Window, len: usize) -> &[f64] {
        match w {
            Window::None => &[],
            Window::Uniform(at) => &self.uniforms[at..at + len],
            Window::Shock(at) => &self.shocks[at..at + len],
            Window::Ones => &self.ones[..len],
            Window::Quantity(at) => &self.quantities[at..at + len],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::StreamKey;

    /// Box-Muller in plain scalar code with `std`'s functions: what the
    /// kernel's pair computes, to within a few ulp.
    fn reference_normals(key: LineKey, p: usize) -> (f64, f64) {
        let u1 = key.year_uniform(2 * p);
        let u2 = key.year_uniform(2 * p + 1);
        let r = (-2.0 * (1.0 - u1).ln()).sqrt();
        let a = std::f64::consts::TAU * u2;
        (r * a.cos(), r * a.sin())
    }

    fn layout() -> (Slots, [Window; 4]) {
        let mut s = Slots::new();
        let w = [
            s.uniforms(11, 3..20),
            s.shocks(12, Some((0.5, -0.125)), 3..20),
            s.shocks(13, None, 0..20),
            s.shocks(14, Some((1.0, 0.0)), 6..7),
        ];
        (s.finish(), w)
    }

    #[test]
    fn slots_hold_each_lines_addressed_draws() {
        let (slots, w) = layout();
        let mut d = Draws::new(&slots);
        let mix = StreamKey::trial_mix(5, 9);
        d.fill(&slots, mix);
        let key = |l: u64| StreamKey(l).line(5, 9);
        for (i, u) in d.window(w[0], 17).iter().enumerate() {
            assert_eq!(*u, key(11).year_uniform(3 + i));
        }
        for (i, x) in d.window(w[1], 17).iter().enumerate() {
            let t = 3 + i;
            let (z0, z1) = reference_normals(key(12), t / 2);
            let z = if t % 2 == 0 { z0 } else { z1 };
            let want = (0.5 * z - 0.125).exp();
            assert!((x - want).abs() < 1e-13 * want, "year {t}: {x} vs {want}");
        }
        assert!(d.window(w[2], 20).iter().all(|x| *x == 1.0));
        // Year 6 is the first of pair 3.
        let (z0, _) = reference_normals(key(14), 3);
        assert!((d.window(w[3], 1)[0] - z0.exp()).abs() < 1e-13 * z0.exp());
    }

    #[test]
    fn the_portable_path_computes_the_same_bits() {
        let (slots, _) = layout();
        let (mut fast, mut portable) = (Draws::new(&slots), Draws::new(&slots));
        for trial in 0..200 {
            let mix = StreamKey::trial_mix(1, trial);
            fast.fill(&slots, mix);
            super::super::set_portable(true);
            portable.fill(&slots, mix);
            super::super::set_portable(false);
            assert_eq!(fast.uniforms, portable.uniforms);
            assert_eq!(fast.shocks, portable.shocks);
        }
    }

    /// The shocks are lognormal from independent standard normals: the
    /// log of a sigma-1 shock is standard normal (share below a few
    /// quantiles within 4 binomial SE), mean one for shift -sigma^2/2, and
    /// the two years of a pair are uncorrelated.
    #[test]
    fn shocks_are_lognormal_from_independent_normals() {
        let mut s = Slots::new();
        let w = s.shocks(3, Some((1.0, -0.5)), 0..20);
        let slots = s.finish();
        let mut d = Draws::new(&slots);
        let mut z = Vec::new();
        let mut sum = 0.0;
        for trial in 0..20_000 {
            d.fill(&slots, StreamKey::trial_mix(3, trial));
            for x in d.window(w, 20) {
                z.push(x.ln() + 0.5);
                sum += x;
            }
        }
        let n = z.len() as f64;
        for (q, p) in [(-2.326, 0.01), (-1.0, 0.158_655), (0.0, 0.5), (1.645, 0.95)] {
            let share = z.iter().filter(|x| **x < q).count() as f64 / n;
            let se = (p * (1.0 - p) / n).sqrt();
            assert!(
                (share - p).abs() < 4.0 * se,
                "P(z < {q}) = {share}, want {p}"
            );
        }
        // sd of a mean-one lognormal with sigma 1: sqrt(e - 1).
        let se = (std::f64::consts::E - 1.0).sqrt() / n.sqrt();
        assert!((sum / n - 1.0).abs() < 4.0 * se, "mean {}", sum / n);
        let r = z.chunks(2).map(|c| c[0] * c[1]).sum::<f64>() / (n / 2.0);
        assert!(r.abs() < 4.0 / (n / 2.0).sqrt(), "pair correlation {r}");
    }

    /// A year's shock is the same whichever window asks for it.
    #[test]
    fn a_years_shock_does_not_depend_on_the_window() {
        let mut s = Slots::new();
        let whole = s.shocks(5, Some((0.3, -0.045)), 0..30);
        let parts: Vec<(Range<usize>, Window)> = [0..1, 1..2, 3..17, 7..30, 29..30, 4..5]
            .into_iter()
            .map(|r| (r.clone(), s.shocks(5, Some((0.3, -0.045)), r)))
            .collect();
        let slots = s.finish();
        let mut d = Draws::new(&slots);
        d.fill(&slots, StreamKey::trial_mix(1, 2));
        let whole = d.window(whole, 30).to_vec();
        for (r, w) in parts {
            assert_eq!(d.window(w, r.len()), &whole[r]);
        }
    }
}
