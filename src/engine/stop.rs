//! The stop rule: the year from which a service stops (or shrinks) after
//! gaps, underfunding, or its operator's exit.

use crate::model::Service;

/// A service's rows of one trial, as the stop rule reads them.
pub(super) struct Seen<'a> {
    /// Gap per year.
    pub gap: &'a [f64],
    /// What the reserve paid each year.
    pub paid: &'a [f64],
    /// What the city must pay, and its money, each year.
    pub need: &'a [f64],
    pub money: &'a [f64],
    /// The operator's loss each year (empty without a contract).
    pub loss: &'a [f64],
    /// The service's cost each year.
    pub cost: &'a [f64],
}

/// The first year at which the service has stopped under its stop rule:
/// the year after `k` consecutive years with a gap, or after a year whose
/// funding and reserve draw covered less than the stated share of its
/// cost (for a contracted service: the city's money against its
/// obligation), or after the operator's `k`-th consecutive year with a
/// material loss, when it leaves. None when nothing fires (or it fires in the last
/// year, when nothing is left to stop).
pub(super) fn stop_year(svc: &Service, r: &Seen<'_>, h: usize) -> Option<usize> {
    let rule = svc.stop;
    let exit_after = svc.delivery.map_or(0, |d| d.exit_after_loss_years);
    if !rule.is_set() && exit_after == 0 {
        return None;
    }
    let (paid, need, money, loss) = (r.paid, r.need, r.money, r.loss);
    let (mut run, mut losing) = (0, 0);
    for t in svc.opens..h {
        run = if r.gap[t] > 0.0 { run + 1 } else { 0 };
        let by_gaps = rule.after_gap_years > 0 && run >= rule.after_gap_years;
        let covered = money[t] + paid[t];
        let by_funding =
            rule.below_funding_share > 0.0 && covered < rule.below_funding_share * need[t];
        // The operator's loss counts toward its exit only above the
        // materiality threshold, as a gap does toward a stop.
        let material = svc.materiality.threshold(r.cost[t]);
        losing = if loss.get(t).is_some_and(|l| *l > material) {
            losing + 1
        } else {
            0
        };
        let by_exit = exit_after > 0 && losing >= exit_after;
        if by_gaps || by_funding || by_exit {
            return (t + 1 < h).then_some(t + 1);
        }
    }
    None
}
