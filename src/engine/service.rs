//! One service of one trial, in the order its money moves: base cost and
//! risks, cost lines, funding streams, then the year-by-year balance with
//! the reserve. Each phase is a function of the slices it reads and writes,
//! so what a phase touches is visible in its signature.

use crate::model::rng::lanes::Draws;
use crate::model::{
    CostKind, CostLine, FundingKind, RenewalSize, Risk, Service, Stream, StreamKind,
};

use super::books::{Contracted, capital, split};
use super::draws::{LineDraws, operating_years, stream_years};
use super::requirement::{Books, Problems};
use super::stop::{Seen, stop_year};
use super::streams::{Factor, Match, Paying, budget, contract, fees, grant};
use super::trial::{EntityOutcome, Scratch};
use super::{Engine, GAP_TOLERANCE};

/// The money a service's streams bring in one trial, besides their rows.
pub(super) struct Streams {
    /// The reserve's opening balance.
    pub(super) reserve: f64,
    /// Discounted fees and contract payments.
    pub(super) revenue_npv: f64,
}

/// One service's rows of one trial, as the balance reads and writes them.
struct Rows<'a> {
    cost: &'a mut [f64],
    funding: &'a mut [f64],
    by_kind: &'a mut [f64],
    gap: &'a mut [f64],
    absorbed: &'a mut [f64],
    escalation: &'a [f64],
    deflator: &'a [f64],
    discount: &'a [f64],
    /// The capital lines' cost (empty unless the model has capital).
    capital: &'a mut [f64],
    /// The city's and the operator's sides, for a contracted service.
    contract: Option<Contracted<'a>>,
}

impl Rows<'_> {
    /// What the city must pay each year and the city's money: the cost
    /// and all funding, unless a contract splits them.
    fn books(&self) -> (&[f64], &[f64]) {
        match &self.contract {
            Some(c) => (&*c.need, &*c.money),
            None => (&*self.cost, &*self.funding),
        }
    }

    /// Redoes a contracted service's split between city and operator
    /// (after its rows changed), shrinking the obligation from `stopped`.
    fn split(&mut self, svc: &Service, stopped: Option<(usize, f64)>) {
        if let (Some(d), Some(c)) = (&svc.delivery, &mut self.contract) {
            let out = Contracted {
                need: &mut *c.need,
                money: &mut *c.money,
                obligation: &mut *c.obligation,
                loss: &mut *c.loss,
            };
            split(d, self.cost, self.funding, self.by_kind, stopped, out);
        }
    }

    /// Adds the service's gaps and its surplus (what its money left over
    /// in a year, where it lapses instead of going to its own reserve)
    /// into its special account's rows.
    fn pool(&self, h: usize, carry: bool, gap: &mut [f64], surplus: &mut [f64]) {
        let (need, money) = self.books();
        for t in 0..h {
            gap[t] += self.gap[t];
            if !carry {
                surplus[t] += (money[t] - need[t]).max(0.0);
            }
        }
    }
}

/// The horizon totals of the balance.
struct Balance {
    first_gap: Option<usize>,
    gap_npv: f64,
    lcc_npv: f64,
    real_cost: f64,
    /// Funding received (before the reserve).
    funded: f64,
    /// What the reserve paid out.
    used: f64,
    grant: f64,
}

impl Engine<'_> {
    /// One service of one trial: fills its rows of `s` and its outcome.
    pub(super) fn service(&self, e: usize, svc: &Service, trial: u64, s: &mut Scratch) {
        let h = self.model.horizon;
        let rows = e * h..(e + 1) * h;
        let kinds = e * FundingKind::COUNT * h..(e + 1) * FundingKind::COUNT * h;
        let Scratch {
            escalation,
            deflator,
            discount,
            downturn,
            cost,
            funding,
            gap,
            absorbed,
            by_kind,
            opex_mult,
            requirements,
            outcome,
            capital: capital_cost,
            capital_gap,
            obligation,
            operator_loss,
            need,
            money,
            pool_gap,
            pool_surplus,
            draws,
            ..
        } = s;
        let draws = &*draws;
        let ws = &self.plan.services[e];
        let cost = &mut cost[rows.clone()];
        cost.fill(0.0);
        opex_mult.fill(1.0);
        // Capital lines go to their own row where the model has one.
        let capital_row: &mut [f64] = match capital_cost.get_mut(rows.clone()) {
            Some(row) => {
                row.fill(0.0);
                row
            }
            None => &mut [],
        };

        // Base draws: construction, opex ratio, then one shock per year
        // (after the risks, which set the opex multiplier the shocks meet).
        let [construction, ratio, ..] =
            self.line_quantities(svc.quantities(), svc.key, trial, (draws, ws.base));
        for (r, &w) in svc.risks.iter().zip(&ws.risks) {
            self.risk(svc, r, trial, escalation, cost, opex_mult, (draws, w));
        }
        let base_cost = construction * ratio;
        let shocks = draws.window(ws.base.years, operating_years(svc, h).len());
        opex(svc, h, shocks, base_cost, escalation, opex_mult, cost);
        for (line, &w) in svc.costs.iter().zip(&ws.costs) {
            let row = if line.capital {
                &mut *capital_row
            } else {
                &mut *cost
            };
            self.cost_line(svc, line, trial, construction, escalation, row, (draws, w));
        }

        let by_kind = &mut by_kind[kinds];
        by_kind.fill(0.0);
        let econ = (&downturn[..], &discount[..]);
        let mut streams = self.pay_streams(svc, trial, cost, econ, by_kind, (draws, &ws.funding));
        let funding = &mut funding[rows.clone()];
        sum_kinds(by_kind, funding, h);
        let contract = match obligation.get_mut(rows.clone()) {
            Some(owed) => {
                let loss = &mut operator_loss[rows.clone()];
                owed.fill(0.0);
                loss.fill(0.0);
                svc.delivery.is_some().then_some(Contracted {
                    need: &mut need[..],
                    money: &mut money[..],
                    obligation: owed,
                    loss,
                })
            }
            None => None,
        };
        let mut r = Rows {
            cost,
            funding,
            by_kind,
            gap: &mut gap[rows.clone()],
            absorbed: &mut absorbed[rows.clone()],
            escalation,
            deflator,
            discount,
            capital: capital_row,
            contract,
        };
        let (mut b, stopped_from) =
            self.settle(e, svc, construction, &mut streams, &mut r, requirements);
        if let Some(cgap) = capital_gap.get_mut(rows) {
            let books = (&discount[..], &deflator[..]);
            let (npv, real) = capital(svc.capital.as_ref(), r.capital, cgap, books, svc.opens);
            b.lcc_npv += npv;
            b.real_cost += real;
        }
        if let Some(a) = svc.account {
            let rows = a * h..(a + 1) * h;
            r.pool(
                h,
                svc.carry_surplus,
                &mut pool_gap[rows.clone()],
                &mut pool_surplus[rows],
            );
        }
        let benefit_npv = self.benefits(svc, trial, discount, stopped_from, (draws, &ws.benefits));

        let operating_years = (h - svc.opens) as f64;
        outcome[e] = EntityOutcome {
            lcc_npv: b.lcc_npv,
            gap_npv: b.gap_npv,
            benefit_npv,
            revenue_npv: streams.revenue_npv,
            first_gap: b.first_gap,
            construction,
            real_cost_per_year: b.real_cost / operating_years,
            grant: b.grant,
            received: b.funded + b.used,
            stopped_from,
            // Set when the trial's requirements are solved
            // (`requirement::solve`).
            topup: 0.0,
            reserve_need: 0.0,
        };
    }

    /// Every funding stream of the service into its kind's row. Grants
    /// come last, so that a grant's local match can see the year's budget
    /// money; each kind's row still gets its streams in file order, so the
    /// order changes no sum.
    fn pay_streams(
        &self,
        svc: &Service,
        trial: u64,
        cost: &[f64],
        (downturn, discount): (&[bool], &[f64]),
        by_kind: &mut [f64],
        (draws, windows): (&Draws, &[LineDraws]),
    ) -> Streams {
        let mut streams = Streams {
            reserve: 0.0,
            revenue_npv: 0.0,
        };
        let is_grant = |(st, _): &(&Stream, &LineDraws)| st.funding_kind() == FundingKind::Grant;
        let lines = || svc.funding.iter().zip(windows);
        let others = lines().filter(|l| !is_grant(l));
        for (st, &w) in others.chain(lines().filter(is_grant)) {
            self.stream(
                svc,
                st,
                trial,
                cost,
                downturn,
                discount,
                by_kind,
                &mut streams,
                (draws, w),
            );
        }
        streams
    }

    /// The year-by-year balance, and the stop rule: one that fires shrinks
    /// the service from the next year on, and the balance is redone on the
    /// shrunk amounts (the years before the stop come out the same; the
    /// reserve's chain after it changes). Returns the balance and the first
    /// stopped year. A service with a gap also poses its funding
    /// requirement in `requirements`: what would have kept it as planned
    /// gap-free (reckoned before any stop: with it there is none).
    fn settle(
        &self,
        e: usize,
        svc: &Service,
        construction: f64,
        streams: &mut Streams,
        r: &mut Rows<'_>,
        requirements: &mut Problems,
    ) -> (Balance, Option<usize>) {
        let h = self.model.horizon;
        r.split(svc, None);
        let b = self.balance(svc, construction, streams.reserve, r);
        if b.first_gap.is_some() && !self.model.confidence.is_empty() {
            let (need, money) = r.books();
            let books = Books {
                need: &need[..h],
                money: &money[..h],
                escalation: &r.escalation[..h],
                reserve: streams.reserve,
            };
            requirements.pose(e, svc, &books);
        }
        let (city_need, city_money) = r.books();
        let seen = Seen {
            gap: r.gap,
            paid: &r.by_kind[FundingKind::Reserve as usize * h..][..h],
            need: city_need,
            money: city_money,
            loss: r.contract.as_ref().map_or(&[], |c| &*c.loss),
            cost: r.cost,
        };
        let Some(from) = stop_year(svc, &seen, h) else {
            return (b, None);
        };
        let keep = svc.stop.after_stop_share;
        for row in [&mut *r.cost, &mut *r.funding] {
            row[from..].iter_mut().for_each(|x| *x *= keep);
        }
        if let Some(row) = r.capital.get_mut(from..) {
            row.iter_mut().for_each(|x| *x *= keep);
        }
        for k in r.by_kind.chunks_mut(h) {
            k[from..].iter_mut().for_each(|x| *x *= keep);
        }
        r.split(svc, Some((from, keep)));
        let b = self.balance(svc, construction, streams.reserve, r);
        streams.revenue_npv = revenue(r.by_kind, r.discount, h);
        (b, Some(from))
    }

    /// One risk of the register: a one-off cost in the year it strikes,
    /// and an opex multiplier while it is active.
    #[allow(clippy::too_many_arguments)] // the slices it reads, each named
    pub(super) fn risk(
        &self,
        svc: &Service,
        r: &Risk,
        trial: u64,
        escalation: &[f64],
        cost: &mut [f64],
        opex_mult: &mut [f64],
        (draws, w): (&Draws, LineDraws),
    ) {
        let [p, event_cost, ..] = self.line_quantities(r.quantities(), r.key, trial, (draws, w));
        let mut active_until = 0usize;
        let years = operating_years(svc, self.model.horizon);
        let draws = draws.window(w.years, years.len());
        for (t, &u) in years.zip(draws) {
            if u < p {
                cost[t] += event_cost * escalation[t];
                active_until = active_until.max(t + r.duration_years);
            }
            if t < active_until {
                opex_mult[t] *= r.opex_multiplier;
            }
        }
    }

    /// One extra cost line: renewals, an annual cost or a one-off.
    #[allow(clippy::too_many_arguments)] // the slices it reads, each named
    pub(super) fn cost_line(
        &self,
        svc: &Service,
        line: &CostLine,
        trial: u64,
        construction: f64,
        escalation: &[f64],
        cost: &mut [f64],
        (draws, dw): (&Draws, LineDraws),
    ) {
        let h = self.model.horizon;
        let q = self.line_quantities(line.quantities(), line.key, trial, (draws, dw));
        match &line.kind {
            CostKind::Renewal { size, .. } => {
                let size = match size {
                    RenewalSize::ShareOfConstruction(_) => q[0] * construction,
                    RenewalSize::Amount(_) => q[0],
                };
                let every = q[1].max(1.0);
                // Replacement j falls j * every years after opening,
                // rounded to a year: the mean interval stays `every`.
                let mut j = 1.0;
                loop {
                    // floor(x + 0.5) is `round` for 0 <= x < 2^52,
                    // without a libm call.
                    let t = svc.opens + (j * every + 0.5) as usize;
                    if t >= h {
                        break;
                    }
                    cost[t] += size * escalation[t];
                    j += 1.0;
                }
            }
            CostKind::Annual {
                growth, from, to, ..
            } => {
                let a = q[0];
                let mut g = 1.0;
                let w = *from..*to + 1;
                let shocks = draws.window(dw.years, w.len());
                for ((c, &esc), &shock) in
                    cost[w.clone()].iter_mut().zip(&escalation[w]).zip(shocks)
                {
                    *c += a * g * esc * shock;
                    g *= 1.0 + growth;
                }
            }
            CostKind::OneOff { year, .. } => {
                cost[*year] += q[0] * escalation[*year];
            }
        }
    }

    /// One funding stream, paid into its kind's row of `by_kind`.
    #[allow(clippy::too_many_arguments)] // the slices it reads, each named
    pub(super) fn stream(
        &self,
        svc: &Service,
        st: &Stream,
        trial: u64,
        cost: &[f64],
        downturn: &[bool],
        discount: &[f64],
        by_kind: &mut [f64],
        out: &mut Streams,
        (draws, dw): (&Draws, LineDraws),
    ) {
        let h = self.model.horizon;
        let q = self.line_quantities(st.quantities(), st.key, trial, (draws, dw));
        let kind = st.funding_kind();
        // The grant row comes first and the budget row (a grant's local
        // match) right after it, so they split apart.
        let (head, tail) = by_kind.split_at_mut((kind as usize + 1) * h);
        let krow = &mut head[kind as usize * h..];
        let local: &[f64] = if kind == FundingKind::Grant {
            &tail[..h]
        } else {
            &[]
        };
        let w = stream_years(svc, st);
        // Uniforms for a grant's or contract's hazard, shocks for a
        // budget's or fees' noise; a reserve draws nothing each year.
        let draws = draws.window(dw.years, w.len());
        let pay = Paying {
            draws,
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
                ..
            } => {
                let matched = (*match_share > 0.0).then(|| Match {
                    local: &local[w.clone()],
                    share: *match_share,
                    rule: *unmatched,
                });
                grant(pay, row, &cost[w], size, q, matched)
            }
            StreamKind::Budget { growth, .. } => budget(pay, row, q[0], *growth),
            StreamKind::Fees { price_growth, .. } => {
                fees(pay, row, svc.opens, q, *price_growth, npv)
            }
            StreamKind::Contract { growth, .. } => contract(pay, row, q, *growth, npv),
            StreamKind::Reserve { .. } => out.reserve += q[0],
        }
    }

    /// Balances each year: funding first, then the reserve, then the gap.
    /// Writes the gap row and what the reserve paid into its kind's row.
    // Long by design: one pass over the years carries the reserve's chain
    // and every horizon total; split, each piece would loop again.
    fn balance(
        &self,
        svc: &Service,
        construction: f64,
        mut reserve: f64,
        r: &mut Rows<'_>,
    ) -> Balance {
        let Rows {
            cost,
            funding,
            by_kind,
            gap,
            absorbed,
            deflator,
            discount,
            contract,
            ..
        } = r;
        // The city's side: for a contracted service, its obligation and
        // its own money; otherwise all the cost and all the funding.
        let (need, money): (&[f64], &[f64]) = match contract {
            Some(c) => (&*c.need, &*c.money),
            None => (&**cost, &**funding),
        };
        let h = self.model.horizon;
        let reserve_row = FundingKind::Reserve as usize * h;
        let mut first_gap = h;
        let mut gap_npv = 0.0;
        let mut lcc_npv = construction * discount[svc.opens];
        let mut real_cost = 0.0;
        // Whether a year runs short is random, so this loop selects instead
        // of branching: a mispredicted branch per year cost more than all
        // of its arithmetic. The results are the same as the branchy form:
        // with nothing short, the reserve pays 0 and the gap is 0.
        let carry = svc.carry_surplus;
        let (discount, deflator) = (&discount[..h], &deflator[..h]);
        let (cost, funding, gap, absorbed) =
            (&cost[..h], &funding[..h], &mut gap[..h], &mut absorbed[..h]);
        let (need, money) = (&need[..h], &money[..h]);
        let materiality = svc.materiality;
        let (grant_row, paid_row) = by_kind.split_at_mut(reserve_row);
        let grant_row = &grant_row[FundingKind::Grant as usize * h..][..h];
        let paid_row = &mut paid_row[..h];
        // Horizon totals, summed here where the loop is bound by the
        // reserve's chain anyway (each its own chain, in year order).
        let (mut funded, mut used, mut grant) = (-0.0, -0.0, -0.0);
        for t in 0..h {
            lcc_npv += cost[t] * discount[t];
            if t >= svc.opens {
                real_cost += cost[t] * deflator[t];
            }
            let c = need[t];
            let short = c - money[t];
            let tol = GAP_TOLERANCE * c;
            let need = if short > tol { short } else { 0.0 };
            let surplus = if carry && short < 0.0 { -short } else { 0.0 };
            // At most one of `need` and `surplus` is non-zero, and
            // r - min(r, need) = max(r - need, 0) exactly for r >= 0, so the
            // reserve's year-to-year chain is one add and one max (the
            // longest dependency in a trial); what it paid is off the chain.
            let paid = if need < reserve { need } else { reserve };
            let next = reserve + (surplus - need);
            reserve = if next > 0.0 { next } else { 0.0 };
            paid_row[t] = paid;
            funded += funding[t];
            used += paid;
            grant += grant_row[t];
            let rest = need - paid;
            let left = if rest > tol { rest } else { 0.0 };
            // What is left is a gap only above the materiality threshold
            // (0 by default: all of it); a smaller shortfall is absorbed.
            let g = if left > materiality.threshold(c) {
                left
            } else {
                0.0
            };
            gap[t] = g;
            absorbed[t] = left - g;
            gap_npv += g * discount[t];
            first_gap = if g > 0.0 { first_gap.min(t) } else { first_gap };
        }
        Balance {
            first_gap: (first_gap < h).then_some(first_gap),
            gap_npv,
            lcc_npv,
            real_cost,
            funded,
            used,
            grant,
        }
    }

    /// Discounted social and environmental benefits.
    fn benefits(
        &self,
        svc: &Service,
        trial: u64,
        discount: &[f64],
        stopped_from: Option<usize>,
        (draws, windows): (&Draws, &[LineDraws]),
    ) -> f64 {
        let mut benefit_npv = 0.0;
        for (b, &w) in svc.benefits.iter().zip(windows) {
            let [a, ..] = self.line_quantities(b.quantities(), b.key, trial, (draws, w));
            let mut g = 1.0;
            for (t, d) in discount.iter().enumerate().take(b.to + 1).skip(b.from) {
                let keep = match stopped_from {
                    Some(s) if t >= s => svc.stop.after_stop_share,
                    _ => 1.0,
                };
                benefit_npv += a * g * d * keep;
                g *= 1.0 + b.growth;
            }
        }
        benefit_npv
    }
}

/// A year's funding is the sum of its kinds' rows (the reserve's row is
/// still empty: it pays out in the balance).
fn sum_kinds(by_kind: &[f64], funding: &mut [f64], h: usize) {
    funding.fill(0.0);
    for k in FundingKind::ALL {
        if k != FundingKind::Reserve {
            let row = &by_kind[k as usize * h..(k as usize + 1) * h];
            for (f, x) in funding.iter_mut().zip(row) {
                *f += x;
            }
        }
    }
}

/// The operating cost of each operating year, added to `cost`:
/// construction x opex ratio (`base_cost`) x escalation x the year's shock
/// (`shocks`, one per operating year, from the service's base line) x the
/// risks' opex multiplier. Zipped slices of one window: no bounds checks.
pub(super) fn opex(
    svc: &Service,
    h: usize,
    shocks: &[f64],
    base_cost: f64,
    escalation: &[f64],
    opex_mult: &[f64],
    cost: &mut [f64],
) {
    let open = operating_years(svc, h);
    for (((c, &esc), &mult), &shock) in cost[open.clone()]
        .iter_mut()
        .zip(&escalation[open.clone()])
        .zip(&opex_mult[open])
        .zip(shocks)
    {
        *c += base_cost * esc * shock * mult;
    }
}

/// Discounted fees and contract payments, from their rows.
fn revenue(by_kind: &[f64], discount: &[f64], h: usize) -> f64 {
    let row = |k: FundingKind| &by_kind[k as usize * h..][..h];
    let (fees, contracts) = (row(FundingKind::Fees), row(FundingKind::Contract));
    let mut npv = 0.0;
    for ((f, c), d) in fees.iter().zip(contracts).zip(discount) {
        npv += (f + c) * d;
    }
    npv
}
