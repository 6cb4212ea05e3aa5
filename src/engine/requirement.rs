//! The funding a service would have needed in one trial to run without a
//! gap: the smallest constant yearly top-up (in start-year prices), and the
//! smallest extra opening reserve, each computed exactly from the trial's
//! yearly balance.
//!
//! # Derivation
//!
//! Year `t`'s city money is `m_t`, what it must pay `c_t` (for a
//! contracted service, the city's side), the reserve opens at `B`. The
//! balance (`service.rs`) carries a reserve `R_t`: a year's net `x_t` is
//! `m_t - c_t` when the service keeps its surplus (`carry_surplus`), else
//! only its deficit `min(0, m_t - c_t)`; the reserve pays what it can and
//! never goes below zero, `R_t = max(0, R_{t-1} + x_t)`, `R_{-1} = B`. Year
//! `t` has a (material) gap when `R_{t-1} + x_t < -θ_t`, where `θ_t` is the
//! materiality threshold of the year (and the engine's rounding tolerance).
//!
//! Unrolling the recursion (Lindley's), with prefix sums `X_t = Σ_{s≤t} x_s`:
//! `R_t = max(B + X_t, max_{0≤k≤t} (X_t - X_k))`. So year `t` is gap-free
//! exactly when `B + X_t ≥ -θ_t` or, for some `k < t`,
//! `X_t - X_k ≥ -θ_t` (the reserve emptied in year `k` and refilled since).
//!
//! * **Reserve.** Adding `ΔR` to `B` moves only the first condition. A year
//!   that has a gap fails every condition, so it needs
//!   `ΔR ≥ -θ_t - B - X_t`, and years without one need nothing: the
//!   requirement is `max(0, max over gap years of -θ_t - B - X_t)`.
//! * **Top-up, surplus carried.** A top-up `T` a year in start-year prices
//!   adds `T p_t` in year `t` (`p_t` the trial's cost index, from the
//!   service's first year with a cost or its opening, whichever is first;
//!   0 before). `x_t` is linear in `T`, so each condition is
//!   `a + T b ≥ 0` with `b ≥ 0`: year `t` needs the smallest of the
//!   conditions' thresholds `T ≥ -a / b`, and the requirement is the
//!   largest of these over the years that have a gap without it (a
//!   gap-free year stays gap-free as `T` grows).
//! * **Top-up, surplus lapsing.** `x_t = min(0, d_t + T p_t)` is no longer
//!   linear, and only the reserve's first condition (`B + X_t ≥ -θ_t`) or
//!   the year alone (`x_t ≥ -θ_t`) can hold. The year alone needs
//!   `T ≥ (-θ_t - d_t) / p_t`; the reserve condition is a concave,
//!   piecewise-linear, non-decreasing function of `T`, solved exactly by
//!   Newton's steps from the left (each lands on or before the root, and
//!   one per breakpoint at most reaches it).
//!
//! Only the first year still short needs solving: the top-up it needs is
//! raised to, and the search goes on from there (a year without a gap
//! keeps none as the top-up grows). Nothing is allocated.
//!
//! The top-up is reckoned on the service as planned: a stop rule fires only
//! after gaps, and with the top-up there are none. (An operator that leaves
//! a contract over its own losses is not stopped by the city's money; its
//! exit is not undone here.)

use crate::model::Service;

use super::GAP_TOLERANCE;

/// A service's yearly books in one trial, as the balance reads them.
pub(super) struct Books<'a> {
    /// What the city must pay each year.
    pub need: &'a [f64],
    /// The city's money each year, before the reserve.
    pub money: &'a [f64],
    /// The trial's cost index (1 in the start year).
    pub escalation: &'a [f64],
    /// The reserve's opening balance.
    pub reserve: f64,
}

/// What a trial needed: a constant top-up a year in start-year prices, and
/// an extra opening reserve; both 0 when it had no gap.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Requirement {
    pub topup: f64,
    pub reserve: f64,
}

/// The funding `svc` needed in a trial with books `b` to have no gap.
/// `work` (at least 3 x the horizon) holds the years as the requirement
/// reads them, so nothing is allocated inside a trial.
pub(super) fn requirement(svc: &Service, b: &Books<'_>, work: &mut [f64]) -> Requirement {
    let h = b.need.len();
    let (d, rest) = work.split_at_mut(h);
    let (p, rest) = rest.split_at_mut(h);
    let theta = &mut rest[..h];
    // The first year a top-up is paid: the first year the service costs
    // anything, or its opening, whichever is first.
    let first = b
        .need
        .iter()
        .position(|c| *c > 0.0)
        .map_or(svc.opens, |f| f.min(svc.opens));
    for t in 0..h {
        let c = b.need[t];
        d[t] = b.money[t] - c;
        p[t] = if t >= first { b.escalation[t] } else { 0.0 };
        theta[t] = svc.materiality.threshold(c).max(GAP_TOLERANCE * c);
    }
    let y = Years {
        d,
        p,
        theta,
        reserve: b.reserve,
        carry: svc.carry_surplus,
    };
    // The years that have a gap, and the reserve each would need.
    let (mut reserve, mut level, mut prefix) = (0.0f64, b.reserve, 0.0);
    let mut first_gap = None;
    for t in 0..h {
        let x = y.net(t, 0.0);
        prefix += x;
        if level + x < -y.theta[t] {
            first_gap = first_gap.or(Some(t));
            reserve = reserve.max(-y.theta[t] - b.reserve - prefix);
        }
        level = (level + x).max(0.0);
    }
    match first_gap {
        None => Requirement::default(),
        Some(t) => Requirement {
            topup: y.topup(t),
            reserve,
        },
    }
}

/// A service's years as the requirement reads them: money less need
/// (`d`), the index a top-up is paid on (`p`, 0 before it is paid), and
/// the largest shortfall that is not a gap (`theta`).
struct Years<'a> {
    d: &'a [f64],
    p: &'a [f64],
    theta: &'a [f64],
    reserve: f64,
    carry: bool,
}

impl Years<'_> {
    /// Year `t`'s net for the reserve with a top-up `topup`.
    #[inline]
    fn net(&self, t: usize, topup: f64) -> f64 {
        let x = self.d[t] + topup * self.p[t];
        if self.carry { x } else { x.min(0.0) }
    }

    /// The first year with a gap under a top-up `topup`, if any.
    fn first_gap(&self, topup: f64) -> Option<usize> {
        let mut level = self.reserve;
        for (t, ((&d, &p), &theta)) in self.d.iter().zip(self.p).zip(self.theta).enumerate() {
            let x = d + topup * p;
            let x = if self.carry { x } else { x.min(0.0) };
            if level + x < -theta {
                return Some(t);
            }
            level = (level + x).max(0.0);
        }
        None
    }

    /// The smallest top-up with no gap in any year, `first` being the
    /// first year with a gap without one. Raising the top-up only helps
    /// every year, so: raise it to what the first year still short needs,
    /// and go on from there; each round moves that year later.
    fn topup(&self, first: usize) -> f64 {
        let h = self.d.len();
        let mut topup = 0.0f64;
        let mut short = Some(first);
        for _ in 0..2 * h + 2 {
            let Some(t) = short else {
                return topup;
            };
            let needs = if self.carry {
                self.carried(t)
            } else {
                self.lapsing(t, topup)
            };
            // One part in 10^12 above what the year needs (far inside the
            // engine's tolerance), so that rounding in the balance cannot
            // leave it a hair short and cost another round.
            topup = needs.max(topup) * (1.0 + 1e-12) + f64::MIN_POSITIVE;
            short = self.first_gap(topup);
        }
        topup
    }

    /// Year `t`'s smallest top-up when surplus is carried: the smallest of
    /// its conditions' thresholds `-a / b` (module documentation),
    /// compared by cross-multiplying (no division in the loop).
    fn carried(&self, t: usize) -> f64 {
        let theta = self.theta[t];
        // The best threshold so far as a fraction num / den, den > 0;
        // selects rather than branches (which option wins is random).
        let (mut num, mut den) = (f64::INFINITY, 1.0);
        let mut take = |a: f64, b: f64| {
            // A satisfied condition (a >= 0) needs nothing: 0 / 1.
            let (n, d) = if a >= 0.0 { (0.0, 1.0) } else { (-a, b) };
            let better = d > 0.0 && n * den < num * d;
            num = if better { n } else { num };
            den = if better { d } else { den };
        };
        // Sums over years k+1..=t, walked back from k = t-1.
        let (mut dk, mut pk) = (self.d[t], self.p[t]);
        for k in (0..t).rev() {
            take(theta + dk, pk);
            dk += self.d[k];
            pk += self.p[k];
        }
        // k = -1: the opening reserve and every year to t.
        take(theta + self.reserve + dk, pk);
        num / den
    }

    /// Year `t`'s smallest top-up when surplus lapses, from a top-up
    /// `from` at which it is short: the year alone, or the reserve's
    /// condition `g(T) = B + θ + Σ_{s≤t} min(0, d_s + T p_s) ≥ 0`. `g` is
    /// concave, piecewise linear and non-decreasing, so Newton's steps
    /// from the left never pass its root and reach it in at most one step
    /// per breakpoint (usually one or two).
    fn lapsing(&self, t: usize, from: f64) -> f64 {
        let theta = self.theta[t];
        let alone = threshold(theta + self.d[t], self.p[t]);
        let mut at = from;
        for _ in 0..=t + 1 {
            // g and its slope from the right at `at`.
            let (mut g, mut slope) = (self.reserve + theta, 0.0);
            // Selects rather than branches: whether a year is short is
            // random, and a mispredicted branch costs more than the adds.
            for (&d, &p) in self.d[..=t].iter().zip(&self.p[..=t]) {
                let x = d + at * p;
                let short = x < 0.0;
                g += if short { x } else { 0.0 };
                slope += if short { p } else { 0.0 };
            }
            if g >= 0.0 {
                return alone.min(at);
            }
            if slope <= 0.0 {
                // No top-up refills the reserve enough.
                return alone;
            }
            let next = at - g / slope;
            if next >= alone {
                return alone;
            }
            at = if next > at {
                next
            } else {
                at + at.abs() * 1e-12 + f64::MIN_POSITIVE
            };
        }
        alone.min(at)
    }
}

/// The smallest `T` with `a + T b ≥ 0` (`b ≥ 0`): infinite when none.
fn threshold(a: f64, b: f64) -> f64 {
    if a >= 0.0 {
        0.0
    } else if b > 0.0 {
        -a / b
    } else {
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{mix64, unit};
    use crate::model::{Materiality, Service};
    use crate::scenario::parse_str;

    /// Uniform draws in [lo, hi) from a counter, for random books.
    struct Draws(u64);

    impl Draws {
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            self.0 += 1;
            lo + (hi - lo) * unit(mix64(self.0))
        }
    }

    fn service(carry: bool, share: f64) -> Service {
        let text = format!(
            "[scenario]\nname = \"r\"\nstart_year = 2025\nhorizon_years = 8\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 100\nopex_ratio = 0.1\ncarry_surplus = {carry}\n\
             materiality_share = {share}\n"
        );
        let m = parse_str(&text, "r.toml").unwrap();
        m.services()[0].clone()
    }

    /// The balance of `service.rs`, with a top-up and an extra reserve:
    /// whether any year has a gap.
    fn has_gap(svc: &Service, b: &Books<'_>, topup: f64, extra: f64) -> bool {
        let mut reserve = b.reserve + extra;
        let first = b
            .need
            .iter()
            .position(|c| *c > 0.0)
            .map_or(svc.opens, |f| f.min(svc.opens));
        for (t, (&c, &m)) in b.need.iter().zip(b.money).enumerate() {
            let p = if t >= first { b.escalation[t] } else { 0.0 };
            let short = c - (m + topup * p);
            let tol = GAP_TOLERANCE * c;
            let need = if short > tol { short } else { 0.0 };
            let surplus = if svc.carry_surplus && short < 0.0 {
                -short
            } else {
                0.0
            };
            let paid = need.min(reserve);
            reserve = (reserve + surplus - need).max(0.0);
            let rest = need - paid;
            let left = if rest > tol { rest } else { 0.0 };
            if left > svc.materiality.threshold(c) {
                return true;
            }
        }
        false
    }

    /// On random books, the requirements close every gap, and anything
    /// noticeably less leaves one: they are the smallest.
    #[test]
    fn requirements_are_the_smallest_that_close_every_gap() {
        let mut rng = Draws(7);
        let mut checked = [0; 2];
        for case in 0..4000 {
            let carry = case % 2 == 0;
            let svc = service(carry, if case % 3 == 0 { 0.05 } else { 0.0 });
            let h = 8;
            let need: Vec<f64> = (0..h)
                .map(|t| if t < 1 { 0.0 } else { rng.range(5.0, 15.0) })
                .collect();
            let money: Vec<f64> = (0..h).map(|_| rng.range(0.0, 16.0)).collect();
            let mut esc = vec![1.0; h];
            for t in 1..h {
                esc[t] = esc[t - 1] * (1.0 + rng.range(-0.01, 0.05));
            }
            let b = Books {
                need: &need,
                money: &money,
                escalation: &esc,
                reserve: rng.range(0.0, 20.0),
            };
            let r = requirement(&svc, &b, &mut [0.0; 64]);
            if !has_gap(&svc, &b, 0.0, 0.0) {
                assert_eq!(r, Requirement::default());
                continue;
            }
            let up = |x: f64| x * (1.0 + 1e-9) + 1e-9;
            let down = |x: f64| x * (1.0 - 1e-6) - 1e-9;
            assert!(!has_gap(&svc, &b, up(r.topup), 0.0), "{case}: top-up {r:?}");
            assert!(
                has_gap(&svc, &b, down(r.topup), 0.0),
                "{case}: top-up {r:?} not the smallest"
            );
            assert!(
                !has_gap(&svc, &b, 0.0, up(r.reserve)),
                "{case}: reserve {r:?}"
            );
            assert!(
                has_gap(&svc, &b, 0.0, down(r.reserve)),
                "{case}: reserve {r:?} not the smallest"
            );
            checked[carry as usize] += 1;
        }
        assert!(checked.iter().all(|n| *n > 500), "{checked:?}");
    }

    /// A year short by 3 with nothing else: a reserve of 3, or a top-up of
    /// 3 when surplus lapses but 1.5 when it is carried (the first year's
    /// top-up is saved for the second); less what materiality absorbs.
    #[test]
    fn one_short_year() {
        for (carry, share, topup, reserve) in [
            (false, 0.0, 3.0, 3.0),
            (true, 0.0, 1.5, 3.0),
            (false, 0.1, 2.0, 2.0),
            (true, 0.1, 1.0, 2.0),
        ] {
            let mut svc = service(carry, 0.0);
            svc.materiality = Materiality { share, amount: 0.0 };
            let b = Books {
                need: &[10.0, 10.0, 10.0],
                money: &[10.0, 7.0, 10.0],
                escalation: &[1.0, 1.0, 1.0],
                reserve: 0.0,
            };
            let r = requirement(&svc, &b, &mut [0.0; 64]);
            assert!((r.topup - topup).abs() < 1e-7, "{carry} {share}: {r:?}");
            assert!((r.reserve - reserve).abs() < 1e-7, "{carry} {share}: {r:?}");
        }
    }
}
