//! One service in a group of up to eight trials side by side
//! ([`super::group`]), in the order its money moves: base cost and risks,
//! cost lines (`costs.rs`), funding streams (`streams.rs`), then the
//! year-by-year balance with the reserve. Each phase is a function of the rows it reads and writes, so
//! what a phase touches is visible in its signature; each row holds a
//! year of every lane in one [`F8`], so a step is one vector operation
//! over the trials. Every lane computes what its trial alone would, bit
//! for bit: the same operations in the same order, selects where a trial
//! would branch.
//!
//! [`Engine::service_group`] runs it all in the clone compiled for the
//! best instruction set the CPU has; [`Engine::hand_over`] then copies the
//! service's rows and outcome into each trial's own [`Scratch`].

use crate::model::rng::kernels;
use crate::model::{AfterExit, FundingKind, Quantities, Service, Stream, StreamKey};

use super::Engine;
use super::balance::{Balance, Rows};
use super::basis::Prices;
use super::books::{Contracted, capital};
use super::costs::{opex, plan};
use super::draws::{LineDraws, operating_years};
use super::group::{Group, Inputs, Outcomes, RETURNED, by_quantity, year};
use super::requirement;
use super::rows;
use super::simd::{F8, M8};
use super::stop::stop_years;
use super::streams::Streams;
use super::trial::{EntityOutcome, Scratch};

const ZERO: F8 = F8::splat(0.0);
const ONE: F8 = F8::splat(1.0);

/// The group's work for one service: a kernel, so that the rows' vector
/// operations run on the best instruction set the CPU has.
#[inline(always)]
fn service_body(engine: &Engine<'_>, e: usize, inputs: &Inputs<'_>, g: &mut Group) {
    engine.service(e, inputs, g);
}

kernels! {
    service_kernel = service_body(engine: &Engine<'_>, e: usize, inputs: &Inputs<'_>, g: &mut Group);
}

impl Engine<'_> {
    /// Service `e` in every lane of the group: fills `g`'s rows and its
    /// outcomes ([`Group::out`]), its funding requirement answered.
    pub(super) fn service_group(&self, e: usize, inputs: &Inputs<'_>, g: &mut Group) {
        service_kernel(self, e, inputs, g);
        let o = &mut g.out;
        [o.topup, o.reserve_need] = if o.posed.any() {
            let carry = self.model.services[e].carry_surplus;
            requirement::answer(carry, &g.problem, o.opening)
        } else {
            [ZERO; 2]
        };
    }

    /// Hands lane `j`'s share of service `e` over to its trial's scratch
    /// `s`: every per-year row, the pools of its special account, and its
    /// outcome, the funding requirement's answers included.
    pub(super) fn hand_over(&self, e: usize, g: &Group, j: usize, s: &mut Scratch) {
        let svc = &self.model.services[e];
        let h = self.model.horizon;
        let lane = |v: &[F8], out: &mut [f64]| {
            for (o, x) in out.iter_mut().zip(v) {
                *o = x.0[j];
            }
        };
        let rows = e * h..(e + 1) * h;
        for (from, to) in g.rows.each().into_iter().zip(s.rows.each_mut()) {
            if let Some(to) = to.get_mut(rows.clone()) {
                lane(from, to);
            }
        }
        let kinds = FundingKind::COUNT * h;
        lane(&g.by_kind, &mut s.by_kind[e * kinds..(e + 1) * kinds]);
        if let Some(a) = svc.account {
            let rows = a * h..(a + 1) * h;
            for (p, x) in s.pool_gap[rows.clone()].iter_mut().zip(&g.rows.gap) {
                *p += x.0[j];
            }
            // Surplus lapses into the account only where the service does
            // not carry it to its own reserve.
            if !svc.carry_surplus {
                for (q, y) in s.pool_surplus[rows].iter_mut().zip(&g.surplus) {
                    *q += y.0[j];
                }
            }
        }
        let o = &g.out;
        let year = |v: F8| Some(v.0[j] as usize).filter(|&t| t < h);
        s.outcome[e] = EntityOutcome {
            lcc_npv: o.lcc_npv.0[j],
            gap_npv: o.gap_npv.0[j],
            benefit_npv: o.benefit_npv.0[j],
            revenue_npv: o.revenue_npv.0[j],
            first_gap: year(o.first_gap),
            construction: o.construction.0[j],
            real_cost_per_year: o.real_cost_per_year.0[j],
            grant: o.grant.0[j],
            grant_returned: o.grant_returned.0[j],
            received: o.received.0[j],
            gap_npv_kept: o.gap_npv_kept.0[j],
            stopped_from: year(o.stopped_from),
            closed_from: year(o.stopped_from).filter(|_| o.kept.0[j] == 0.0),
            exited_from: year(o.exit),
            termination: match (year(o.exit), &svc.delivery) {
                (Some(t), Some(d)) => d.termination_at(t),
                _ => 0.0,
            },
            topup: o.topup.0[j],
            reserve_need: o.reserve_need.0[j],
        };
    }

    /// A line's per-trial quantities in every lane.
    #[inline(always)]
    pub(super) fn quantities(
        &self,
        inputs: &Inputs<'_>,
        qs: Quantities<'_>,
        key: StreamKey,
        w: LineDraws,
    ) -> [F8; 4] {
        if inputs.plain {
            // Lanes past the group's trials hold its first trial's draws.
            return by_quantity(std::array::from_fn(|j| {
                inputs.draws[j].quantities(w.quantities)
            }));
        }
        let lane = |j: usize| self.line_quantities(qs, key, inputs.trials[j], (inputs.draws[j], w));
        let first = lane(0);
        by_quantity(std::array::from_fn(|j| {
            if j == 0 || j >= inputs.lanes {
                first
            } else {
                lane(j)
            }
        }))
    }

    /// One service in every lane: fills `g`'s rows and outcomes.
    #[inline(always)]
    fn service(&self, e: usize, inputs: &Inputs<'_>, g: &mut Group) {
        let h = self.model.horizon;
        let svc = &self.model.services[e];
        let ws = &self.plan.services[e];
        let Group {
            esc,
            wages,
            raise,
            wage_raise,
            defl,
            disc,
            down,
            rows:
                rows::Rows {
                    cost,
                    funding,
                    gap,
                    absorbed,
                    capital: capital_row,
                    capital_gap,
                    obligation,
                    operator_loss: loss,
                    structural,
                    fund,
                    province,
                },
            by_kind,
            mult,
            planned,
            need,
            money,
            surplus,
            problem,
            fund_left,
            out,
            ..
        } = g;
        let (esc, defl, disc, down) = (&esc[..h], &defl[..h], &disc[..h], &down[..h]);
        let wages = &wages[..];
        let cost = &mut cost[..h];
        cost.fill(ZERO);
        mult.fill(ONE);
        // Capital lines go to their own row where the model has one.
        capital_row.fill(ZERO);

        // Base draws: construction, opex ratio, then one shock per year
        // (after the risks, which set the opex multiplier the shocks meet).
        let [construction, ratio, decision, _] =
            self.quantities(inputs, svc.quantities(), svc.key, ws.base);
        for (r, &w) in svc.risks.iter().zip(&ws.risks) {
            self.risk(svc, r, inputs, esc, cost, mult, w);
        }
        let base_cost = construction * ratio;
        let shocks = inputs.window(ws.base.years, operating_years(svc, h).len());
        opex(svc, h, &shocks, base_cost, (esc, wages), mult, cost);
        planned.fill(ZERO);
        let (prices, wage_index) = &self.expected_prices;
        plan(svc, h, base_cost, (prices, wage_index), planned);
        for (line, &w) in svc.costs.iter().zip(&ws.costs) {
            let row = if line.capital {
                &mut *capital_row
            } else {
                &mut *cost
            };
            let rows = (row, &mut **planned);
            self.cost_line(svc, line, inputs, construction, esc, rows, w);
        }

        by_kind.fill(ZERO);
        province.fill(ZERO);
        let econ = (down, disc);
        let paid = (&mut **by_kind, &mut **province);
        let mut streams = self.pay_streams(svc, inputs, (cost, planned), econ, paid, &ws.funding);
        sum_kinds(by_kind, funding, h);
        obligation.fill(ZERO);
        loss.fill(ZERO);
        let contract = (svc.delivery.is_some() && !obligation.is_empty()).then_some(Contracted {
            need,
            money,
            obligation,
            loss,
        });
        // A service that may not draw on the fund sees none; its fund row
        // stays 0.
        fund.fill(ZERO);
        let fund_left = match svc.uses_reserve_fund {
            true => &mut fund_left[..],
            false => &mut [],
        };
        let mut r = Rows {
            cost,
            funding,
            by_kind,
            gap,
            absorbed,
            structural,
            fund,
            fund_left,
            deflator: defl,
            discount: disc,
            prices: Prices {
                cpi: esc,
                wages,
                cpi_raise: raise,
                wage_raise,
            },
            basis: &self.bases[e],
            taken_over: year(h),
            capital: capital_row,
            contract,
        };
        // The group's lanes that hold trials of the batch.
        let real = M8::from_fn(|j| j < inputs.lanes);
        let posing = (&mut **problem, esc, real);
        let base = (construction, decision);
        let (mut b, stopped_from, kept) = self.settle(svc, base, &mut streams, &mut r, posing, out);
        // The province's part of the grant row shrinks with it.
        for (t, x) in province.iter_mut().enumerate() {
            *x = year(t).ge(stopped_from).select(*x * kept, *x);
        }
        // What the settled service drew leaves less for the services after.
        for (l, &f) in r.fund_left.iter_mut().zip(r.fund.iter()) {
            *l = *l - f;
        }
        if !capital_gap.is_empty() {
            let books = (disc, defl);
            let acct = svc.capital.as_ref();
            let (npv, real) = capital(acct, r.capital, capital_gap, books, svc.opens);
            b.lcc_npv = b.lcc_npv + npv;
            b.real_cost = b.real_cost + real;
        }
        if svc.account.is_some() && !svc.carry_surplus {
            // What lapses into the service's special account.
            let (need, money) = r.books();
            for ((s, &n), &m) in surplus.iter_mut().zip(need).zip(money) {
                *s = (m - n).max(ZERO);
            }
        }
        let benefit_npv = self.benefits(svc, inputs, disc, (stopped_from, kept), &ws.benefits);

        let operating_years = F8::splat((h - svc.opens) as f64);
        let stopped = stopped_from.lt(year(h));
        out.real_cost_per_year = if stopped.any() {
            // Over the years the service ran: a year after a stop is not
            // an operating year of the service as planned.
            let mut running = ZERO;
            for t in svc.opens..h {
                let c = match r.capital.is_empty() {
                    true => r.cost[t],
                    false => r.cost[t] + r.capital[t],
                };
                let ran = year(t).lt(stopped_from);
                running = running + ran.select(c * r.deflator[t], ZERO);
            }
            let years = (stopped_from - F8::splat(svc.opens as f64)).max(ONE);
            stopped.select(running / years, b.real_cost / operating_years)
        } else {
            b.real_cost / operating_years
        };
        out.lcc_npv = b.lcc_npv;
        out.gap_npv = b.gap_npv;
        out.benefit_npv = benefit_npv;
        out.revenue_npv = streams.revenue_npv;
        out.first_gap = b.first_gap;
        out.construction = construction;
        out.grant = b.grant;
        out.received = b.funded + b.used;
        // Grant money returned each year, shrunk with the service after
        // a stop like every funding row.
        let back = &r.by_kind[RETURNED * h..][..h];
        out.grant_returned = back.iter().fold(ZERO, |a, &x| a + x);
        out.stopped_from = stopped_from;
        out.kept = kept;
    }

    /// Every funding stream of the service into its kind's row. Grants
    /// come last, so that a grant's local match can see the year's budget
    /// money; each kind's row still gets its streams in file order, so the
    /// order changes no sum.
    #[inline(always)]
    fn pay_streams(
        &self,
        svc: &Service,
        inputs: &Inputs<'_>,
        (cost, planned): (&[F8], &[F8]),
        (downturn, discount): (&[M8], &[F8]),
        (by_kind, province): (&mut [F8], &mut [F8]),
        windows: &[LineDraws],
    ) -> Streams {
        let mut streams = Streams {
            reserve: ZERO,
            revenue_npv: ZERO,
        };
        let is_grant = |(st, _): &(&Stream, &LineDraws)| st.funding_kind() == FundingKind::Grant;
        let lines = || svc.funding.iter().zip(windows);
        let others = lines().filter(|l| !is_grant(l));
        for (st, &w) in others.chain(lines().filter(is_grant)) {
            let econ = (downturn, discount);
            self.stream(
                svc,
                st,
                inputs,
                (cost, planned),
                econ,
                (&mut *by_kind, &mut *province),
                &mut streams,
                w,
            );
        }
        streams
    }

    /// The year-by-year balance, and the stop rule: one that fires shrinks
    /// the service from the next year on, and the balance is redone on the
    /// shrunk amounts (the years before the stop come out the same; the
    /// reserve's chain after it changes). Returns the balance and each
    /// lane's first stopped year (the horizon: never). The lanes of `real`
    /// with a gap pose their funding requirement in `problem`
    /// (`out.posed`): what would have kept the service as planned
    /// gap-free (reckoned before any stop: with it there is none).
    #[inline(always)]
    fn settle(
        &self,
        svc: &Service,
        (construction, decision): (F8, F8),
        streams: &mut Streams,
        r: &mut Rows<'_>,
        (problem, escalation, real): (&mut [F8], &[F8], M8),
        out: &mut Outcomes,
    ) -> (Balance, F8, F8) {
        let h = self.model.horizon;
        let never = year(h);
        let rule_keep = F8::splat(svc.stop.after_stop_share);
        let planned = (never, ONE);
        r.split(svc, (never, rule_keep), (never, never));
        let mut b = self.balance(svc, construction, streams.reserve, r, planned);
        // The stop rule's first stopped year and the operator's exit, and
        // the take-over decision's (by its draw: below `stop` the service
        // stops, below `stop + shrink` it shrinks); whichever comes first
        // holds. An operator's exit stops the service, unless the city
        // takes it over: then the contract ends there, and the rule
        // watches the city's books from then on.
        let seen = stop_years(svc, &r.seen(), h);
        let take_over = svc
            .delivery
            .is_some_and(|d| d.after_exit == AfterExit::TakeOver);
        let exit = seen.map_or(never, |(_, exit)| exit);
        let mut ruled = match take_over {
            false => seen.map(|(rule, exit)| rule.min(exit)),
            true => seen.map(|(rule, _)| rule),
        };
        if take_over && exit.lt(never).any() {
            r.split(svc, (never, rule_keep), (exit, exit));
            b = self.balance(svc, construction, streams.reserve, r, planned);
            ruled = stop_years(svc, &r.seen(), h).map(|(rule, _)| rule);
        }
        // The gap had the service run on as planned (taken over where its
        // operator left): what a stop saves the city, reported beside the
        // gap with it; and what would have kept it gap-free.
        out.gap_npv_kept = b.gap_npv;
        out.posed = b.first_gap.lt(never) & real;
        if !problem.is_empty() && out.posed.any() {
            let (need, money) = r.books();
            let posed = (out.posed, streams.reserve);
            let fund = &*r.fund_left;
            out.opening = requirement::pose(svc, (need, money, escalation), posed, fund, problem);
        } else {
            out.posed = M8::from_fn(|_| false);
        }
        let ruled = ruled.filter(|from| from.lt(never).any());
        out.exit = exit;
        let decided = svc.decision.as_ref().map(|d| {
            let stops = decision.lt(F8::splat(d.stop));
            let shrinks = !stops & decision.lt(F8::splat(d.stop + d.shrink));
            let from = (stops | shrinks).select(year(d.year), never);
            let keep = stops.select(ZERO, F8::splat(d.shrink_to));
            (from, keep)
        });
        let (from, keep) = match (ruled, decided) {
            (None, None) => return (b, never, rule_keep),
            (Some(from), None) => (from, rule_keep),
            (None, Some(decided)) => decided,
            (Some(from), Some((d_from, d_keep))) => {
                let first = d_from.lt(from);
                (first.select(d_from, from), first.select(d_keep, rule_keep))
            }
        };
        // A service closed before its operator would have left has no
        // operator to leave, and owes no termination payment.
        let exit = (from.lt(exit) & keep.eq(ZERO)).select(never, exit);
        out.exit = exit;
        let contract = match take_over {
            true => (exit, exit),
            false => (never, exit),
        };
        let shrink = |row: &mut [F8]| {
            for (t, x) in row.iter_mut().enumerate() {
                *x = year(t).ge(from).select(*x * keep, *x);
            }
        };
        shrink(r.cost);
        shrink(r.funding);
        shrink(r.capital);
        for k in r.by_kind.chunks_mut(h) {
            shrink(k);
        }
        r.split(svc, (from, keep), contract);
        let b = self.balance(svc, construction, streams.reserve, r, (from, keep));
        let stopped = from.lt(never);
        let redone = revenue(r.by_kind, r.discount, h);
        streams.revenue_npv = stopped.select(redone, streams.revenue_npv);
        (b, from, keep)
    }

    /// Discounted social and environmental benefits; from each lane's
    /// `stopped_from` year on, only the share the stop rule keeps.
    #[inline(always)]
    fn benefits(
        &self,
        svc: &Service,
        inputs: &Inputs<'_>,
        discount: &[F8],
        (stopped_from, after): (F8, F8),
        windows: &[LineDraws],
    ) -> F8 {
        let mut benefit_npv = ZERO;
        for (b, &w) in svc.benefits.iter().zip(windows) {
            let [a, ..] = self.quantities(inputs, b.quantities(), b.key, w);
            let mut g = 1.0;
            for (t, &d) in discount.iter().enumerate().take(b.to + 1).skip(b.from) {
                let keep = year(t).ge(stopped_from).select(after, ONE);
                benefit_npv = benefit_npv + a * F8::splat(g) * d * keep;
                g *= 1.0 + b.growth;
            }
        }
        benefit_npv
    }
}

/// A year's funding is the sum of its kinds' rows (the reserve's row is
/// still empty: it pays out in the balance).
#[inline(always)]
fn sum_kinds(by_kind: &[F8], funding: &mut [F8], h: usize) {
    let funding = &mut funding[..h];
    funding.fill(ZERO);
    for k in FundingKind::ALL {
        if k != FundingKind::Reserve {
            let row = &by_kind[k as usize * h..(k as usize + 1) * h];
            for (f, &x) in funding.iter_mut().zip(row) {
                *f = *f + x;
            }
        }
    }
}

/// Discounted fees and contract payments, from their rows.
#[inline(always)]
fn revenue(by_kind: &[F8], discount: &[F8], h: usize) -> F8 {
    let row = |k: FundingKind| &by_kind[k as usize * h..][..h];
    let (fees, contracts) = (row(FundingKind::Fees), row(FundingKind::Contract));
    let mut npv = ZERO;
    for ((&f, &c), &d) in fees.iter().zip(contracts).zip(discount) {
        npv = npv + (f + c) * d;
    }
    npv
}
