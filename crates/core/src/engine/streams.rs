//! What each kind of funding stream pays in one group of trials (lane by
//! lane, one vector operation per year): grants (until withdrawn, within
//! their local match and decided amount, settled on the year's cost),
//! budget lines (a fixed path, or an appropriation that follows cost),
//! user fees on a logistic adoption curve, and private contracts (until
//! the partner exits). Each adds its payments into its kind's row.
//! [`Engine::stream`] dispatches to them, listing every kind.
//!
//! Every lane computes exactly the operations a trial alone would, in the
//! same order: where a trial would skip a year (a withdrawn grant), its
//! lane keeps its old value by a bit select, so no lane's result depends
//! on another's.

use std::ops::Range;

use crate::model::{
    Follows, FundingKind, GrantSize, Payer, Service, Stream, StreamKind, Unmatched,
};

use super::Engine;
use super::draws::{LineDraws, stream_years};
use super::group::{Inputs, RETURNED, column};
use super::simd::{F8, M8, W};

const ZERO: F8 = F8::splat(0.0);
const ONE: F8 = F8::splat(1.0);

/// The money a service's streams bring in, per lane, besides their rows.
pub(super) struct Streams {
    /// The reserve's opening balance.
    pub(super) reserve: F8,
    /// Discounted fees and contract payments.
    pub(super) revenue_npv: F8,
}

impl Engine<'_> {
    /// One funding stream, paid into its kind's row of `by_kind`.
    #[allow(clippy::too_many_arguments)] // the rows it reads, each named
    #[inline(always)]
    pub(super) fn stream(
        &self,
        svc: &Service,
        st: &Stream,
        inputs: &Inputs<'_>,
        (cost, planned): (&[F8], &[F8]),
        (downturn, discount): (&[M8], &[F8]),
        (by_kind, province): (&mut [F8], &mut [F8]),
        out: &mut Streams,
        dw: LineDraws,
    ) {
        let h = self.model.horizon;
        let q = self.quantities(inputs, st.quantities(), st.key, dw);
        let kind = st.funding_kind();
        // The grant row comes first and the budget row (a grant's local
        // match) right after it, so they split apart; the row of grant
        // money returned at settlement comes after every kind's.
        let (kinds, returned) = by_kind.split_at_mut(RETURNED * h);
        let (head, tail) = kinds.split_at_mut((kind as usize + 1) * h);
        let krow = &mut head[kind as usize * h..];
        let local: &[F8] = if kind == FundingKind::Grant {
            &tail[..h]
        } else {
            &[]
        };
        let w = stream_years(svc, st);
        // Uniforms for a grant's or contract's hazard, shocks for a
        // budget's or fees' noise; a reserve draws nothing each year.
        let pay = Paying {
            draws: inputs.window(dw.years, w.len()),
            factor: Factor::of(st),
            years: w.clone(),
            downturn: &downturn[w.clone()],
            discount: &discount[w.clone()],
        };
        let row = &mut krow[w.clone()];
        // Revenue adds up in one running sum across streams, in file order.
        let npv = &mut out.revenue_npv;
        match &st.kind {
            StreamKind::Grant {
                size,
                match_share,
                unmatched,
                cap,
                clawback_charge,
                payer,
                ..
            } => {
                let matched = (*match_share > 0.0).then(|| Match {
                    local: &local[w.clone()],
                    share: *match_share,
                    rule: *unmatched,
                    charge: *clawback_charge,
                });
                let rules = GrantRules {
                    size,
                    cap: *cap,
                    rate: 1.0 / (1.0 + *match_share),
                };
                // A province's grant also notes what it kept apart.
                let province = match payer {
                    Payer::Province => Some(&mut province[w.clone()]),
                    Payer::National => None,
                };
                grant(
                    pay,
                    (row, province),
                    &cost[w.clone()],
                    rules,
                    q,
                    matched,
                    &mut returned[w],
                )
            }
            StreamKind::Budget {
                growth, follows, ..
            } => {
                let [amount, ..] = q;
                match *follows {
                    Follows::Fixed => budget(pay, row, amount, *growth),
                    Follows::Settled {
                        policy,
                        supplementary,
                        supplementary_cap,
                        plan,
                        first_stated,
                    } => {
                        let rule = (policy, supplementary, supplementary_cap);
                        let first = first_stated.then_some(amount);
                        let basis = (&cost[w.clone()], &planned[w]);
                        appropriation(pay, row, basis, (first, plan), *growth, rule)
                    }
                }
            }
            StreamKind::Fees { price_growth, .. } => {
                fees(pay, row, svc.opens, q, *price_growth, npv)
            }
            StreamKind::Contract { growth, .. } => contract(pay, row, q, *growth, npv),
            StreamKind::Reserve { .. } => {
                let [opening, ..] = q;
                out.reserve = out.reserve + opening
            }
        }
    }
}

/// The share of a payment that survives a downturn and a cut.
#[derive(Debug, Clone, Copy)]
pub(super) struct Factor {
    pub(super) cut_from: usize,
    pub(super) keep: f64,
    pub(super) downturn: f64,
}

impl Factor {
    pub(super) fn of(st: &Stream) -> Self {
        let (cut_from, keep) = st.cut.map_or((usize::MAX, 1.0), |c| (c.from, c.keep));
        Factor {
            cut_from,
            keep,
            downturn: st.downturn_multiplier,
        }
    }

    /// The factor of year `t` in every lane, `down` where the lane's
    /// economy is in a downturn (d x 1 = d exactly).
    #[inline(always)]
    pub(super) fn at(self, t: usize, down: M8) -> F8 {
        let d = down.select(F8::splat(self.downturn), ONE);
        if t >= self.cut_from {
            d * F8::splat(self.keep)
        } else {
            d
        }
    }
}

/// What every kind of stream pays with: its draws of each year of its
/// window in every lane (a uniform for a hazard, a shock for noise), its
/// factor, and its years with their downturn flags and discount factors.
pub(super) struct Paying<'a> {
    pub(super) draws: [&'a [f64]; W],
    pub(super) factor: Factor,
    pub(super) years: Range<usize>,
    pub(super) downturn: &'a [M8],
    pub(super) discount: &'a [F8],
}

/// A grant's local match: the service's budget money in the grant's years,
/// the local money required per unit of grant, and what an unmatched year
/// does to the grant.
pub(super) struct Match<'a> {
    pub(super) local: &'a [F8],
    pub(super) share: f64,
    pub(super) rule: Unmatched,
    /// The additional charge on a clawback, as a share of what is repaid.
    pub(super) charge: f64,
}

/// What a grant may pay and keep.
pub(super) struct GrantRules<'a> {
    pub(super) size: &'a GrantSize,
    /// The decided amount (교부결정액): the most it pays in a year.
    pub(super) cap: Option<f64>,
    /// The grant's rate (보조율): the share of the year's actual cost it
    /// may keep at settlement, 1 / (1 + match share).
    pub(super) rate: f64,
}

/// A grant: a fixed amount or a share of the year's cost, until withdrawn,
/// no more than its decided amount (교부결정액) and no more than its local
/// match supports (the year's budget money divided by the match share).
/// At settlement it keeps no more than its rate of the year's actual cost;
/// the rest goes back at year end (보조금법 제31조②: 집행잔액 반납), added
/// to that year's `returned`, and is never the service's to spend or save. A clawback
/// repays everything kept, plus its additional charge.
#[inline(always)]
pub(super) fn grant(
    p: Paying<'_>,
    (row, mut province): (&mut [F8], Option<&mut [F8]>),
    cost: &[F8],
    rules: GrantRules<'_>,
    q: [F8; 4],
    matched: Option<Match<'_>>,
    returned: &mut [F8],
) {
    let GrantRules { size, cap, rate } = rules;
    // In the order of `Stream::quantities`.
    let [size_q, hz, ..] = q;
    let (amount, share) = match size {
        GrantSize::Amount(_) => (size_q, None),
        GrantSize::ShareOfCost(_) => (ZERO, Some(size_q)),
    };
    let mut alive = M8::from_fn(|_| true);
    // Paid so far, for a clawback (a running sum in year order).
    let mut paid = ZERO;
    let n = p.years.len();
    let (row, cost) = (&mut row[..n], &cost[..n]);
    for (i, t) in p.years.clone().enumerate() {
        // Checked before paying, from the first year: the grant pays in
        // its k-th year with chance (1-h)^k. One draw every year,
        // withdrawn or not, so the number of draws never depends on the
        // outcome.
        alive = alive & column(&p.draws, i).ge(hz);
        if !alive.any() {
            continue;
        }
        let paying = alive;
        let base = share.map_or(amount, |sh| sh * cost[i]);
        let pay = base * p.factor.at(t, p.downturn[i]);
        let pay = match cap {
            Some(c) => pay.min(F8::splat(c)),
            None => pay,
        };
        // No more than the year's local money matches; or, where an
        // unmatched year withdraws the grant, nothing from that year on
        // (and, for a clawback, everything paid so far goes back).
        let got = match &matched {
            None => pay,
            Some(m) => {
                let most = m.local[i] / F8::splat(m.share);
                let ok = pay.le(most);
                match m.rule {
                    Unmatched::Cut => ok.select(pay, most),
                    Unmatched::Withdraw => {
                        alive = alive & ok;
                        ok.select(pay, ZERO)
                    }
                    Unmatched::Clawback => {
                        alive = alive & ok;
                        ok.select(pay, -(paid * F8::splat(1.0 + m.charge)))
                    }
                }
            }
        };
        // Settlement: the grant keeps at most its rate of the year's
        // cost, less what the service's grants before it in the file kept
        // that year (so grants together never keep more than the cost);
        // a repayment, being negative, is kept whole.
        let due = (F8::splat(rate) * cost[i] - row[i]).max(ZERO);
        let kept = got.gt(due).select(due, got);
        returned[i] = paying.select(returned[i] + (got - kept), returned[i]);
        row[i] = paying.select(row[i] + kept, row[i]);
        if let Some(p) = province.as_deref_mut() {
            p[i] = paying.select(p[i] + kept, p[i]);
        }
        paid = paying.select(paid + kept, paid);
    }
}

/// A budget line: an amount growing each year, with year-to-year noise
/// (the draws are its shocks).
#[inline(always)]
pub(super) fn budget(p: Paying<'_>, row: &mut [F8], a: F8, growth: f64) {
    let mut g = 1.0;
    let row = &mut row[..p.years.len()];
    for (i, t) in p.years.clone().enumerate() {
        let shock = column(&p.draws, i);
        row[i] = row[i] + a * F8::splat(g) * shock * p.factor.at(t, p.downturn[i]);
        g *= 1.0 + growth;
    }
}

/// An appropriation that follows cost: in its first year (and while
/// nothing has been settled yet: before the service costs anything) the
/// `first` amount, or where there is none `policy` times the year's
/// planned cost; then `policy` times the year before's settled cost raised
/// by `growth` (the expected price change); then, where the year's cost
/// times `policy` runs over it, a supplementary budget with chance
/// `supplementary` (the draws are its uniforms) of at most `cap` times the
/// appropriation. Following the `plan` instead, each year's is `policy`
/// times the year's planned cost. `cost` and `planned` are the window's
/// years of the service's cost and its plan (the estimate at the prices
/// expected for each year, [`super::costs::plan`]).
#[inline(always)]
pub(super) fn appropriation(
    p: Paying<'_>,
    row: &mut [F8],
    (cost, planned): (&[F8], &[F8]),
    (first, plan): (Option<F8>, bool),
    growth: f64,
    (policy, supplementary, cap): (f64, f64, f64),
) {
    let n = p.years.len();
    let (row, cost, planned) = (&mut row[..n], &cost[..n], &planned[..n]);
    let (policy, raise) = (F8::splat(policy), F8::splat(1.0 + growth));
    for (i, t) in p.years.clone().enumerate() {
        // Nothing settled yet (its first year, or a year before the
        // service cost anything): the first year's amount, as budgeted.
        let first = first.unwrap_or(policy * planned[i]);
        let planned = match (plan, i) {
            (true, _) => policy * planned[i],
            (false, 0) => first,
            (false, _) => {
                let last = cost[i - 1];
                last.gt(ZERO).select(policy * last * raise, first)
            }
        };
        let a = planned * p.factor.at(t, p.downturn[i]);
        let over = (policy * cost[i] - a).max(ZERO);
        let granted = column(&p.draws, i).lt(F8::splat(supplementary));
        let extra = granted.select(over.min(F8::splat(cap) * a), ZERO);
        row[i] = row[i] + a + extra;
    }
}

/// User fees: users adopting on a logistic curve times a growing price.
/// Adds the discounted fees to `npv`. The draws are its shocks.
#[inline(always)]
pub(super) fn fees(
    p: Paying<'_>,
    row: &mut [F8],
    opens: usize,
    q: [F8; 4],
    price_growth: f64,
    npv: &mut F8,
) {
    let [users, mid, k, price] = q;
    let first = p.years.start;
    let mut pg = (1.0 + price_growth).powi((first - opens) as i32);
    // Logistic adoption 1 / (1 + exp(-k (tau - mid))), where tau counts
    // years of operation (1 in the opening year). exp(-k (tau - mid)) is
    // geometric in tau: two exp calls per trial instead of one per year.
    let tau0 = (first - opens + 1) as f64;
    let mut e = F8(std::array::from_fn(|j| (-k.0[j] * (tau0 - mid.0[j])).exp()));
    let ratio = F8(std::array::from_fn(|j| (-k.0[j]).exp()));
    let n = p.years.len();
    let (row, discount) = (&mut row[..n], &p.discount[..n]);
    for (i, t) in p.years.clone().enumerate() {
        let adoption = ONE / (ONE + e);
        e = e * ratio;
        let shock = column(&p.draws, i);
        let pay = users * adoption * price * F8::splat(pg) * shock * p.factor.at(t, p.downturn[i]);
        row[i] = row[i] + pay;
        *npv = *npv + pay * discount[i];
        pg *= 1.0 + price_growth;
    }
}

/// A private partner's contract: payments until the partner exits (more
/// likely in a downturn). Adds the discounted payments to `npv`.
#[inline(always)]
pub(super) fn contract(p: Paying<'_>, row: &mut [F8], q: [F8; 4], growth: f64, npv: &mut F8) {
    let [a, hz, hz_down, _] = q;
    let mut g = 1.0;
    let mut stays = M8::from_fn(|_| true);
    let n = p.years.len();
    let (row, discount) = (&mut row[..n], &p.discount[..n]);
    for (i, t) in p.years.clone().enumerate() {
        let down = p.downturn[i];
        let hazard = down.select(hz_down, hz);
        stays = stays & column(&p.draws, i).ge(hazard);
        let pay = stays.select(a * F8::splat(g) * p.factor.at(t, down), ZERO);
        g *= 1.0 + growth;
        row[i] = row[i] + pay;
        *npv = *npv + pay * discount[i];
    }
}
