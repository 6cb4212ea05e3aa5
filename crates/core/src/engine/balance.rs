//! The year-by-year balance of one service in a group of trials: its
//! funding, then its own reserve, then the scenario's reserve fund, and
//! what is left a gap (when material), split into its structural and
//! transient parts; and the rows it reads and writes ([`Rows`]), the city's
//! side of a contract included.

use crate::model::{FundingKind, Service};

use super::basis::{Basis, Prices};
use super::books::{Contracted, split};
use super::group::{threshold, year};
use super::simd::F8;
use super::stop::Seen;
use super::{Engine, GAP_TOLERANCE};

const ZERO: F8 = F8::splat(0.0);

/// One service's rows in a group, as the balance reads and writes them.
pub(super) struct Rows<'a> {
    pub(super) cost: &'a mut [F8],
    pub(super) funding: &'a mut [F8],
    pub(super) by_kind: &'a mut [F8],
    pub(super) gap: &'a mut [F8],
    pub(super) absorbed: &'a mut [F8],
    pub(super) structural: &'a mut [F8],
    /// What the reserve fund paid, and what is left of it for this and
    /// later services (both empty unless the service may draw on it).
    pub(super) fund: &'a mut [F8],
    pub(super) fund_left: &'a mut [F8],
    pub(super) deflator: &'a [F8],
    pub(super) discount: &'a [F8],
    /// Each lane's cost and wage indices and their expected changes
    /// (the wages' empty without a wage index).
    pub(super) prices: Prices<'a>,
    /// The service's planned steps.
    pub(super) basis: &'a Basis,
    /// Each lane's year the city took a contracted service over from its
    /// operator (the horizon: never), as the last split set it.
    pub(super) taken_over: F8,
    /// The capital lines' cost (empty unless the model has capital).
    pub(super) capital: &'a mut [F8],
    /// The city's and the operator's sides, for a contracted service.
    pub(super) contract: Option<Contracted<'a>>,
}

impl Rows<'_> {
    /// The rows the stop rule watches.
    pub(super) fn seen(&self) -> Seen<'_> {
        let h = self.cost.len();
        let (need, money) = self.books();
        Seen {
            gap: self.gap,
            paid: &self.by_kind[FundingKind::Reserve as usize * h..][..h],
            fund: self.fund,
            need,
            money,
            loss: self.contract.as_ref().map_or(&[], |c| &*c.loss),
            cost: self.cost,
        }
    }

    /// What the city must pay each year and the city's money: the cost
    /// and all funding, unless a contract splits them.
    pub(super) fn books(&self) -> (&[F8], &[F8]) {
        match &self.contract {
            Some(c) => (&*c.need, &*c.money),
            None => (&*self.cost, &*self.funding),
        }
    }

    /// Redoes a contracted service's split between city and operator
    /// (after its rows changed), shrinking the obligation to `keep` from
    /// each lane's `stopped` year, the city taking it over from its `ends`
    /// year and owing the termination payment in its `exit` year (the
    /// horizon: never).
    #[inline(always)]
    pub(super) fn split(&mut self, svc: &Service, (stopped, keep): (F8, F8), contract: (F8, F8)) {
        if let (Some(d), Some(c)) = (&svc.delivery, &mut self.contract) {
            let out = Contracted {
                need: &mut *c.need,
                money: &mut *c.money,
                obligation: &mut *c.obligation,
                loss: &mut *c.loss,
            };
            split(
                d,
                self.cost,
                self.funding,
                self.by_kind,
                (stopped, keep),
                contract,
                out,
            );
            self.taken_over = contract.0;
        }
    }
}

/// The horizon totals of the balance, per lane.
pub(super) struct Balance {
    /// The horizon where there is no gap.
    pub(super) first_gap: F8,
    pub(super) gap_npv: F8,
    pub(super) lcc_npv: F8,
    pub(super) real_cost: F8,
    /// Funding received (before the reserve).
    pub(super) funded: F8,
    /// What the reserve paid out.
    pub(super) used: F8,
    pub(super) grant: F8,
}

impl Engine<'_> {
    /// Balances each year: funding first, then the reserve, then the gap.
    /// Writes the gap row and what the reserve paid into its kind's row.
    /// `(from, keep)`: each lane's stop year and the share that goes on
    /// (the horizon and 1 for the service as planned).
    // Long by design: one pass over the years carries the reserve's chain
    // and every horizon total; split, each piece would loop again.
    #[inline(always)]
    pub(super) fn balance(
        &self,
        svc: &Service,
        construction: F8,
        mut reserve: F8,
        r: &mut Rows<'_>,
        (from, keep): (F8, F8),
    ) -> Balance {
        let Rows {
            cost,
            funding,
            by_kind,
            gap,
            absorbed,
            structural,
            fund,
            fund_left,
            deflator,
            discount,
            contract,
            prices,
            basis: plan,
            taken_over,
            ..
        } = r;
        // The city's side: for a contracted service, its obligation and
        // its own money; otherwise all the cost and all the funding.
        let (need, money): (&[F8], &[F8]) = match contract {
            Some(c) => (&*c.need, &*c.money),
            None => (&**cost, &**funding),
        };
        let h = self.model.horizon;
        let reserve_row = FundingKind::Reserve as usize * h;
        let mut first_gap = year(h);
        let mut gap_npv = ZERO;
        let mut lcc_npv = construction * discount[svc.opens];
        let mut real_cost = ZERO;
        // Whether a year runs short is random and differs between lanes,
        // so the loop selects instead of branching. The results are the
        // same as the branchy form: with nothing short, the reserve pays 0
        // and the gap is 0.
        let carry = svc.carry_surplus;
        let (discount, deflator) = (&discount[..h], &deflator[..h]);
        let (cost, funding, gap, absorbed) =
            (&cost[..h], &funding[..h], &mut gap[..h], &mut absorbed[..h]);
        let structural = &mut structural[..h];
        let has_fund = !fund_left.is_empty();
        // The basis a year's budget was set on (see `super::basis`).
        let labour =
            (!prices.wages.is_empty() && svc.labour_share > 0.0).then_some(svc.labour_share);
        let taken_over = *taken_over;
        let mut last = ZERO;
        let (need, money) = (&need[..h], &money[..h]);
        let materiality = &svc.materiality;
        let (grant_row, paid_row) = by_kind.split_at_mut(reserve_row);
        let grant_row = &grant_row[FundingKind::Grant as usize * h..][..h];
        let paid_row = &mut paid_row[..h];
        let tolerance = F8::splat(GAP_TOLERANCE);
        // Horizon totals, summed here where the loop is bound by the
        // reserve's chain anyway (each its own chain, in year order).
        let minus_zero = F8::splat(-0.0);
        let (mut funded, mut used, mut grant) = (minus_zero, minus_zero, minus_zero);
        for t in 0..h {
            lcc_npv = lcc_npv + cost[t] * discount[t];
            if t >= svc.opens {
                real_cost = real_cost + cost[t] * deflator[t];
            }
            let c = need[t];
            let short = c - money[t];
            let tol = tolerance * c;
            let need = short.gt(tol).select(short, ZERO);
            let surplus = if carry {
                short.lt(ZERO).select(-short, ZERO)
            } else {
                ZERO
            };
            // At most one of `need` and `surplus` is non-zero, and
            // r - min(r, need) = max(r - need, 0) exactly for r >= 0, so the
            // reserve's year-to-year chain is one add and one max (the
            // longest dependency in a trial); what it paid is off the chain.
            let paid = need.lt(reserve).select(need, reserve);
            let next = reserve + (surplus - need);
            reserve = next.gt(ZERO).select(next, ZERO);
            paid_row[t] = paid;
            funded = funded + funding[t];
            used = used + paid;
            grant = grant + grant_row[t];
            let rest = need - paid;
            let left = rest.gt(tol).select(rest, ZERO);
            // What is left is a gap only above the materiality threshold
            // (0 by default: all of it); a smaller shortfall is absorbed.
            // The reserve fund meets a material one as far as this year's
            // capacity left allows.
            let most = threshold(materiality, c);
            let left = if has_fund {
                let f = left.gt(most).select(left.min(fund_left[t]), ZERO);
                fund[t] = f;
                left - f
            } else {
                left
            };
            let g = left.gt(most).select(left, ZERO);
            gap[t] = g;
            absorbed[t] = left - g;
            // In the year a stop takes effect, last year's cost is set on
            // the service as it goes on.
            let settled = year(t).eq(from).select(last * keep, last);
            let basis = plan.at(t, settled, *prices, labour, taken_over);
            // A closed service needs nothing the budget could foresee: what
            // it still owes (a termination payment) is not in any plan.
            let closed = year(t).ge(from) & keep.eq(ZERO);
            let basis = closed.select(ZERO, basis);
            structural[t] = (basis - money[t] - paid).max(ZERO).min(g);
            last = c;
            gap_npv = gap_npv + g * discount[t];
            first_gap = g.gt(ZERO).select(first_gap.min(year(t)), first_gap);
        }
        Balance {
            first_gap,
            gap_npv,
            lcc_npv,
            real_cost,
            funded,
            used,
            grant,
        }
    }
}
