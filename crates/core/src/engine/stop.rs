//! The stop rule: the year from which a service stops (or shrinks) after
//! gaps, underfunding, or its operator's exit, in every lane of a group.

use crate::model::Service;

use super::group::{threshold, year};
use super::simd::{F8, M8};

/// A service's rows in a group of trials, as the stop rule reads them.
pub(super) struct Seen<'a> {
    /// Gap per year.
    pub gap: &'a [F8],
    /// What the reserve paid each year.
    pub paid: &'a [F8],
    /// What the scenario's reserve fund paid each year (empty without one).
    pub fund: &'a [F8],
    /// What the city must pay, and its money, each year.
    pub need: &'a [F8],
    pub money: &'a [F8],
    /// The operator's loss each year (empty without a contract).
    pub loss: &'a [F8],
    /// The service's cost each year.
    pub cost: &'a [F8],
}

/// In each lane, the first year at which the service has stopped under
/// its stop rule — the year after `k` consecutive years with a gap, or
/// after a year whose funding and reserve draw covered less than the
/// stated share of its cost (for a contracted service: the city's money
/// against its obligation) — and the year its operator has left, after
/// its `k`-th consecutive year with a material loss. Each is the horizon
/// `h` where nothing fires (or it fires in the last year, when nothing is
/// left to stop); None when no lane stops or exits.
#[inline(always)]
pub(super) fn stop_years(svc: &Service, r: &Seen<'_>, h: usize) -> Option<(F8, F8)> {
    let rule = svc.stop;
    let exit_after = svc.delivery.map_or(0, |d| d.exit_after_loss_years);
    if !rule.is_set() && exit_after == 0 {
        return None;
    }
    let (zero, one) = (F8::splat(0.0), F8::splat(1.0));
    let (paid, need, money, loss) = (r.paid, r.need, r.money, r.loss);
    let (mut run, mut losing) = (zero, zero);
    let (mut from, mut exit) = (year(h), year(h));
    let (mut fired, mut left) = (M8::from_fn(|_| false), M8::from_fn(|_| false));
    let never = M8::from_fn(|_| false);
    let (gap_years, exit_years) = (year(rule.after_gap_years), year(exit_after));
    let share = F8::splat(rule.below_funding_share);
    for t in svc.opens..h {
        run = r.gap[t].gt(zero).select(run + one, zero);
        let by_gaps = if rule.after_gap_years > 0 {
            run.ge(gap_years)
        } else {
            never
        };
        let covered = match r.fund.get(t) {
            Some(&f) => money[t] + paid[t] + f,
            None => money[t] + paid[t],
        };
        let by_funding = if rule.below_funding_share > 0.0 {
            covered.lt(share * need[t])
        } else {
            never
        };
        // The operator's loss counts toward its exit only above the
        // materiality threshold, as a gap does toward a stop.
        losing = match loss.get(t) {
            Some(l) => l
                .gt(threshold(&svc.materiality, r.cost[t]))
                .select(losing + one, zero),
            None => zero,
        };
        let by_exit = if exit_after > 0 {
            losing.ge(exit_years)
        } else {
            never
        };
        let now = (by_gaps | by_funding) & !fired;
        let leaves = by_exit & !left;
        // Stopping from the horizon is not stopping: `from` stays `h`.
        from = now.select(year(t + 1), from);
        exit = leaves.select(year(t + 1), exit);
        fired = fired | now;
        left = left | leaves;
        // Done once every lane has fired whatever can fire: both years are
        // wanted apart, and a lane's result must not depend on the others.
        let rule_done = !rule.is_set() || fired.all();
        let exit_done = exit_after == 0 || left.all();
        if rule_done && exit_done {
            break;
        }
    }
    (from.lt(year(h)) | exit.lt(year(h)))
        .any()
        .then_some((from, exit))
}
