//! What each kind of funding stream pays in one trial: grants (until
//! withdrawn, within their local match), budget lines, user fees on a
//! logistic adoption curve, and private contracts (until the partner
//! exits). Each writes its payments into its kind's row.

use std::ops::Range;

use crate::model::{GrantSize, Stream, Unmatched};

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

    /// Selects, since downturn years are random (d x 1 = d exactly).
    #[inline]
    pub(super) fn at(self, t: usize, down: bool) -> f64 {
        let d = if down { self.downturn } else { 1.0 };
        if t >= self.cut_from { d * self.keep } else { d }
    }
}

/// What every kind of stream pays with: its draw of each year of its
/// window (a uniform for a hazard, a shock for noise), its factor, and its
/// years with their downturn flags and discount factors.
pub(super) struct Paying<'a> {
    pub(super) draws: &'a [f64],
    pub(super) factor: Factor,
    pub(super) years: Range<usize>,
    pub(super) downturn: &'a [bool],
    pub(super) discount: &'a [f64],
}

/// A grant's local match: the service's budget money in the grant's years,
/// the local money required per unit of grant, and what an unmatched year
/// does to the grant.
pub(super) struct Match<'a> {
    pub(super) local: &'a [f64],
    pub(super) share: f64,
    pub(super) rule: Unmatched,
}

/// A grant: a fixed amount or a share of the year's cost, until withdrawn,
/// and no more than its local match supports (the year's budget money
/// divided by the match share).
#[inline]
pub(super) fn grant(
    p: Paying<'_>,
    row: &mut [f64],
    cost: &[f64],
    size: &GrantSize,
    q: [f64; 4],
    matched: Option<Match<'_>>,
) {
    let (amount, share) = match size {
        GrantSize::Amount(_) => (q[0], None),
        GrantSize::ShareOfCost(_) => (0.0, Some(q[0])),
    };
    let hz = q[1];
    let mut alive = true;
    // Paid so far, for a clawback (a running sum in year order).
    let mut paid = 0.0;
    for (i, ((((k, &c), &down), t), &u)) in row
        .iter_mut()
        .zip(cost)
        .zip(p.downturn)
        .zip(p.years)
        .zip(p.draws)
        .enumerate()
    {
        // Checked before paying, from the first year: the grant pays in
        // its k-th year with chance (1-h)^k. One draw every year,
        // withdrawn or not, so the number of draws never depends on the
        // outcome.
        alive &= u >= hz;
        if !alive {
            continue;
        }
        let base = share.map_or(amount, |sh| sh * c);
        let pay = base * p.factor.at(t, down);
        // No more than the year's local money matches; or, where an
        // unmatched year withdraws the grant, nothing from that year on
        // (and, for a clawback, everything paid so far goes back).
        let got = match &matched {
            None => pay,
            Some(m) => {
                let most = m.local[i] / m.share;
                if pay <= most {
                    pay
                } else {
                    match m.rule {
                        Unmatched::Cut => most,
                        Unmatched::Withdraw => {
                            alive = false;
                            0.0
                        }
                        Unmatched::Clawback => {
                            alive = false;
                            -paid
                        }
                    }
                }
            }
        };
        *k += got;
        paid += got;
    }
}

/// A budget line: an amount growing each year, with year-to-year noise
/// (the draws are its shocks).
#[inline]
pub(super) fn budget(p: Paying<'_>, row: &mut [f64], a: f64, growth: f64) {
    let mut g = 1.0;
    for (((k, &down), t), &shock) in row.iter_mut().zip(p.downturn).zip(p.years).zip(p.draws) {
        *k += a * g * shock * p.factor.at(t, down);
        g *= 1.0 + growth;
    }
}

/// User fees: users adopting on a logistic curve times a growing price.
/// Adds the discounted fees to `npv`. The draws are its shocks.
#[inline]
pub(super) fn fees(
    p: Paying<'_>,
    row: &mut [f64],
    opens: usize,
    q: [f64; 4],
    price_growth: f64,
    npv: &mut f64,
) {
    let [users, mid, k, price] = q;
    let first = p.years.start;
    let mut pg = (1.0 + price_growth).powi((first - opens) as i32);
    // Logistic adoption 1 / (1 + exp(-k (tau - mid))), where tau counts
    // years of operation (1 in the opening year). exp(-k (tau - mid)) is
    // geometric in tau: two exp calls per trial instead of one per year.
    let tau0 = (first - opens + 1) as f64;
    let mut e = (-k * (tau0 - mid)).exp();
    let ratio = (-k).exp();
    for ((((k, &down), &disc), t), &shock) in row
        .iter_mut()
        .zip(p.downturn)
        .zip(p.discount)
        .zip(p.years)
        .zip(p.draws)
    {
        let adoption = 1.0 / (1.0 + e);
        e *= ratio;
        let pay = users * adoption * price * pg * shock * p.factor.at(t, down);
        *k += pay;
        *npv += pay * disc;
        pg *= 1.0 + price_growth;
    }
}

/// A private partner's contract: payments until the partner exits (more
/// likely in a downturn). Adds the discounted payments to `npv`.
#[inline]
pub(super) fn contract(p: Paying<'_>, row: &mut [f64], q: [f64; 4], growth: f64, npv: &mut f64) {
    let [a, hz, hz_down, _] = q;
    let mut g = 1.0;
    let mut stays = true;
    for ((((k, &down), &disc), t), &u) in row
        .iter_mut()
        .zip(p.downturn)
        .zip(p.discount)
        .zip(p.years)
        .zip(p.draws)
    {
        let hazard = if down { hz_down } else { hz };
        stays &= u >= hazard;
        let pay = if stays {
            a * g * p.factor.at(t, down)
        } else {
            0.0
        };
        g *= 1.0 + growth;
        *k += pay;
        *npv += pay * disc;
    }
}
