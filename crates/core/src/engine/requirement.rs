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
//! The engine poses a service's problem while it simulates it for a
//! group of eight trials ([`pose`], from the group's rows) and answers
//! the group's problems together, side by side ([`answer`]), before it
//! moves on to the next service.
//!
//! The top-up is reckoned on the service as planned: a stop rule fires only
//! after gaps, and with the top-up there are none. (An operator that leaves
//! a contract over its own losses is not stopped by the city's money; its
//! exit is not undone here.)

use crate::model::Service;
use crate::model::rng::kernels;

use super::GAP_TOLERANCE;
use super::group;
use super::simd::{F8, M8, W};

/// A service's yearly books in one trial, as the balance reads them.
#[cfg(test)]
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

/// Poses one service's requirement problem in a group of trials, in the
/// lanes of `posed` (the trials whose balance had a gap): from each
/// lane's books (`need`, what the city must pay each year; `money`, its
/// money; `escalation`, the trial's cost index) writes `rows`, three rows
/// of `h` (money less need `d`, the index a top-up is paid on `p`, the
/// largest shortfall that is not a gap `theta`), and returns each lane's
/// opening reserve. The other lanes get a problem without a gap (zeros),
/// which [`answer`] finishes before its first round with nothing needed.
///
/// Why a group: one problem is a chain of dependent steps (the reserve's
/// level from year to year, the best threshold so far) with branches on
/// random data, so alone it keeps the CPU waiting. The same service's
/// problems in eight trials step through the same years side by side, one
/// vector operation per step, each trial's arithmetic exactly what it
/// would be alone (a test checks this bit for bit).
#[inline(always)]
pub(super) fn pose(
    svc: &Service,
    (need, money, escalation): (&[F8], &[F8], &[F8]),
    (posed, reserve): (M8, F8),
    fund: &[F8],
    rows: &mut [F8],
) -> F8 {
    let h = rows.len() / 3;
    let (d, rest) = rows.split_at_mut(h);
    let (p, theta) = rest.split_at_mut(h);
    let year = group::year;
    // The first year a top-up is paid: the first year the service costs
    // anything, or its opening, whichever is first.
    let mut costs_from = year(h);
    for (t, &c) in need.iter().enumerate().take(h) {
        costs_from = (c.gt(ZERO) & costs_from.eq(year(h))).select(year(t), costs_from);
    }
    let first = costs_from.min(year(svc.opens));
    let tolerance = F8::splat(GAP_TOLERANCE);
    for t in 0..h {
        let c = need[t];
        d[t] = posed.select(money[t] - c, ZERO);
        p[t] = posed.select(year(t).ge(first).select(escalation[t], ZERO), ZERO);
        // A year is gap-free when its shortfall is immaterial or the
        // reserve fund's capacity left brings it under the threshold.
        let fund = fund.get(t).copied().unwrap_or(ZERO);
        let most = (group::threshold(&svc.materiality, c) + fund).max(tolerance * c);
        theta[t] = posed.select(most, ZERO);
    }
    posed.select(reserve, ZERO)
}

kernels! {
    answer_kernel = answer_body(h: usize, carry: bool, rows: &[F8], opening: &F8, out: &mut [F8; 2]);
}

/// Answers a group's problems of one service ([`pose`]): each lane's
/// top-up (`[0]`) and extra reserve (`[1]`), 0 where it posed none.
pub(super) fn answer(carry: bool, rows: &[F8], opening: F8) -> [F8; 2] {
    let mut out = [ZERO; 2];
    answer_kernel(rows.len() / 3, carry, rows, &opening, &mut out);
    out
}

const ZERO: F8 = F8::splat(0.0);

/// A year's net for the reserve: all of it where surplus is carried,
/// else only a deficit.
#[inline(always)]
fn net(x: F8, carry: bool) -> F8 {
    if carry { x } else { x.min(ZERO) }
}

/// The group's requirements: `out[0]` the top-ups, `out[1]` the extra
/// reserves. `rows` holds `d`, `p` and `theta`, `h` years each, one [`F8`]
/// per year. Year indices are kept as doubles (exact), so that they
/// compare in vector registers too.
#[inline(always)]
fn answer_body(h: usize, carry: bool, rows: &[F8], opening: &F8, out: &mut [F8; 2]) {
    let (d, rest) = rows.split_at(h);
    let (p, theta) = rest.split_at(h);
    let y = Years {
        h,
        d,
        p,
        theta,
        opening: *opening,
        carry,
    };
    let none = F8::splat(h as f64);
    // The years that have a gap, and the reserve each would need.
    let (mut level, mut prefix, mut reserve) = (*opening, ZERO, ZERO);
    let mut short = none;
    for t in 0..h {
        let x = net(d[t] + ZERO * p[t], carry);
        prefix = prefix + x;
        let gap = (level + x).lt(-theta[t]);
        short = (gap & short.eq(none)).select(F8::splat(t as f64), short);
        let need = -theta[t] - *opening - prefix;
        reserve = gap.select(reserve.max(need), reserve);
        level = (level + x).max(ZERO);
    }
    // The top-up: raise it to what the first year still short needs, and
    // go on from there (a year without a gap keeps none as the top-up
    // grows); each round moves that year later.
    let mut topup = ZERO;
    let mut rounds = ZERO;
    let limit = F8::splat((2 * h + 2) as f64);
    let mut active = short.lt(none);
    while active.any() {
        let needs = if carry {
            y.carried(short, active)
        } else {
            y.lapsing(short, active, topup)
        };
        // One part in 10^12 above what the year needs (far inside the
        // engine's tolerance), so that rounding in the balance cannot
        // leave it a hair short and cost another round.
        let raised = needs.max(topup) * F8::splat(1.0 + 1e-12) + F8::splat(f64::MIN_POSITIVE);
        topup = active.select(raised, topup);
        rounds = active.select(rounds + F8::splat(1.0), rounds);
        short = y.first_short(topup, active);
        active = active & short.lt(none) & rounds.lt(limit);
    }
    *out = [topup, reserve];
}

/// A group's years, one [`F8`] per year: money less need (`d`), the index a
/// top-up is paid on (`p`, 0 before it is paid), and the largest shortfall
/// that is not a gap (`theta`).
struct Years<'a> {
    h: usize,
    d: &'a [F8],
    p: &'a [F8],
    theta: &'a [F8],
    opening: F8,
    carry: bool,
}

impl Years<'_> {
    /// Each lane's row value in its own year `at` (a gather).
    #[inline(always)]
    fn at(rows: &[F8], at: F8) -> F8 {
        F8(std::array::from_fn(|j| {
            rows.get(at.0[j] as usize).map_or(0.0, |r| r.0[j])
        }))
    }

    /// The first year with a gap under each active lane's top-up (`h`:
    /// none, and for an inactive lane).
    #[inline(always)]
    fn first_short(&self, topup: F8, active: M8) -> F8 {
        let none = F8::splat(self.h as f64);
        let mut level = self.opening;
        let mut found = none;
        for t in 0..self.h {
            let x = net(self.d[t] + topup * self.p[t], self.carry);
            let gap = active & found.eq(none) & (level + x).lt(-self.theta[t]);
            found = gap.select(F8::splat(t as f64), found);
            level = (level + x).max(ZERO);
            if (!active | found.lt(none)).all() {
                break;
            }
        }
        found
    }

    /// Each active lane's short year's smallest top-up when surplus is
    /// carried: the smallest of its conditions' thresholds `-a / b`
    /// (module documentation), compared by cross-multiplying (no division
    /// in the loop). Walks back from the short year over `k`.
    #[inline(always)]
    fn carried(&self, short: F8, active: M8) -> F8 {
        // The best threshold so far as a fraction num / den, den > 0.
        let (mut num, mut den) = (F8::splat(f64::INFINITY), F8::splat(1.0));
        // Sums over years k+1..=t, walked back from k = t-1.
        let (mut sum_d, mut sum_p) = (Self::at(self.d, short), Self::at(self.p, short));
        let theta = Self::at(self.theta, short);
        let longest = (0..W)
            .filter(|&j| active.get(j))
            .map(|j| short.0[j] as usize)
            .max()
            .unwrap_or(0);
        for k in (0..longest).rev() {
            let part = active & F8::splat(k as f64).lt(short);
            take(part, theta + sum_d, sum_p, (&mut num, &mut den));
            sum_d = part.select(sum_d + self.d[k], sum_d);
            sum_p = part.select(sum_p + self.p[k], sum_p);
        }
        // k = -1: the opening reserve and every year to t.
        take(
            active,
            theta + self.opening + sum_d,
            sum_p,
            (&mut num, &mut den),
        );
        num / den
    }

    /// Each active lane's short year `t`'s smallest top-up when surplus
    /// lapses, from its top-up so far (at which it is short): the year
    /// alone, or the reserve's condition `g(T) = B + θ + Σ_{s≤t} min(0,
    /// d_s + T p_s) ≥ 0`. `g` is concave, piecewise linear and
    /// non-decreasing, so Newton's steps from the left never pass its root
    /// and reach it in at most one step per breakpoint (usually one or
    /// two); a lane stops after `t + 2` steps.
    #[inline(always)]
    fn lapsing(&self, short: F8, active: M8, from: F8) -> F8 {
        let theta = Self::at(self.theta, short);
        let (d_t, p_t) = (Self::at(self.d, short), Self::at(self.p, short));
        let alone = threshold(theta + d_t, p_t);
        let (mut at, mut needs) = (from, ZERO);
        let (mut steps, cap) = (ZERO, short + F8::splat(2.0));
        let mut open = active;
        while open.any() {
            // g and its slope from the right at `at`.
            let (mut g, mut slope) = (self.opening + theta, ZERO);
            let longest = (0..W)
                .filter(|&j| open.get(j))
                .map(|j| short.0[j] as usize + 1)
                .max()
                .unwrap_or(0);
            for s in 0..longest {
                let part = open & F8::splat(s as f64).le(short);
                let x = self.d[s] + at * self.p[s];
                // Whether a year is short is random: selects.
                let neg = x.lt(ZERO);
                let gx = g + neg.select(x, ZERO);
                let px = slope + neg.select(self.p[s], ZERO);
                g = part.select(gx, g);
                slope = part.select(px, slope);
            }
            // Each lane's next step, as selects: the lanes step together,
            // each with exactly its own arithmetic.
            let met = open & g.ge(ZERO);
            // No top-up refills the reserve enough.
            let flat = open & !met & slope.le(ZERO);
            let stepping = open & !met & !flat;
            let next = at - g / slope;
            // Past the year alone's need: that is the answer.
            let past = stepping & next.ge(alone);
            let go = stepping & !past;
            let nudged = at + at.abs() * F8::splat(1e-12) + F8::splat(f64::MIN_POSITIVE);
            let moved = next.gt(at).select(next, nudged);
            steps = go.select(steps + F8::splat(1.0), steps);
            let capped = go & steps.eq(cap);
            needs = met.select(alone.min(at), needs);
            needs = (flat | past).select(alone, needs);
            needs = capped.select(alone.min(moved), needs);
            at = go.select(moved, at);
            open = go & !capped;
        }
        needs
    }
}

/// Offers the condition `a + T b ≥ 0`, in the lanes of `part`, to each
/// lane's best threshold so far `num / den`.
#[inline(always)]
fn take(part: M8, a: F8, b: F8, (num, den): (&mut F8, &mut F8)) {
    // A satisfied condition (a >= 0) needs nothing: 0 / 1.
    let met = a.ge(ZERO);
    let (n, d) = (met.select(ZERO, -a), met.select(F8::splat(1.0), b));
    let better = part & d.gt(ZERO) & (n * *den).lt(*num * d);
    *num = better.select(n, *num);
    *den = better.select(d, *den);
}

/// Each lane's smallest `T` with `a + T b ≥ 0` (`b ≥ 0`): infinite
/// where there is none.
#[inline(always)]
fn threshold(a: F8, b: F8) -> F8 {
    let ratio = b.gt(ZERO).select(-a / b, F8::splat(f64::INFINITY));
    a.ge(ZERO).select(ZERO, ratio)
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

    /// What a trial needed: the top-up and the extra reserve.
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    struct Requirement {
        topup: f64,
        reserve: f64,
    }

    /// The problems of `svc` with `books` (at most [`W`], one per trial)
    /// posed and answered as one group.
    fn answer_books(svc: &Service, books: &[Books<'_>]) -> Vec<Requirement> {
        let h = books[0].need.len();
        // Year t of every trial's row `k` (0 need, 1 money, 2 the index);
        // the lanes without a trial hold zeros.
        let lanes = |k: usize| -> Vec<F8> {
            let row = |b: &Books<'_>, t: usize| [b.need[t], b.money[t], b.escalation[t]][k];
            (0..h)
                .map(|t| {
                    F8(std::array::from_fn(|j| {
                        books.get(j).map_or(0.0, |b| row(b, t))
                    }))
                })
                .collect()
        };
        let (need, money, esc) = (lanes(0), lanes(1), lanes(2));
        let reserve = F8(std::array::from_fn(|j| {
            books.get(j).map_or(0.0, |b| b.reserve)
        }));
        let posed = M8::from_fn(|j| j < books.len());
        let mut rows = vec![F8::splat(0.0); 3 * h];
        let opening = pose(svc, (&need, &money, &esc), (posed, reserve), &[], &mut rows);
        let out = answer(svc.carry_surplus, &rows, opening);
        (0..books.len())
            .map(|j| Requirement {
                topup: out[0].0[j],
                reserve: out[1].0[j],
            })
            .collect()
    }

    /// One problem answered alone.
    fn requirement(svc: &Service, b: &Books<'_>) -> Requirement {
        answer_books(svc, std::slice::from_ref(b))[0]
    }

    /// Random books of eight years: a reserve, costs from the second year,
    /// money around them, a drifting cost index.
    fn random_books(rng: &mut Draws) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64) {
        let h = 8;
        let need: Vec<f64> = (0..h)
            .map(|t| if t < 1 { 0.0 } else { rng.range(5.0, 15.0) })
            .collect();
        let money: Vec<f64> = (0..h).map(|_| rng.range(0.0, 16.0)).collect();
        let mut esc = vec![1.0; h];
        for t in 1..h {
            esc[t] = esc[t - 1] * (1.0 + rng.range(-0.01, 0.05));
        }
        (need, money, esc, rng.range(0.0, 20.0))
    }

    /// Eight trials' problems answered side by side give each the bits it
    /// gets alone, whatever the others are (with and without gaps, surplus
    /// carried or lapsing, groups of every size).
    #[test]
    fn a_group_answers_each_problem_as_alone() {
        let mut rng = Draws(11);
        for case in 0..300 {
            let svc = service(case % 2 == 0, if case % 3 == 0 { 0.05 } else { 0.0 });
            let data: Vec<_> = (0..1 + case % W).map(|_| random_books(&mut rng)).collect();
            let books: Vec<Books<'_>> = data
                .iter()
                .map(|(need, money, esc, reserve)| Books {
                    need,
                    money,
                    escalation: esc,
                    reserve: *reserve,
                })
                .collect();
            let together = answer_books(&svc, &books);
            for (j, b) in books.iter().enumerate() {
                let alone = requirement(&svc, b);
                assert_eq!(
                    together[j].topup.to_bits(),
                    alone.topup.to_bits(),
                    "{case}/{j}"
                );
                assert_eq!(
                    together[j].reserve.to_bits(),
                    alone.reserve.to_bits(),
                    "{case}/{j}"
                );
            }
        }
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
            let (need, money, esc, reserve) = random_books(&mut rng);
            let b = Books {
                need: &need,
                money: &money,
                escalation: &esc,
                reserve,
            };
            let r = requirement(&svc, &b);
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
            let r = requirement(&svc, &b);
            assert!((r.topup - topup).abs() < 1e-7, "{carry} {share}: {r:?}");
            assert!((r.reserve - reserve).abs() < 1e-7, "{carry} {share}: {r:?}");
        }
    }
}
