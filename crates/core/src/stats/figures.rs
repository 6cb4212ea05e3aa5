//! The building blocks of the published figures: a proportion with its
//! Monte Carlo uncertainty ([`Proportion`]), and one entity's figures in
//! one year ([`YearStats`]), computed from an [`Accumulator`].

use serde::{Deserialize, Serialize};

use super::*;
/// A proportion with its Monte Carlo uncertainty.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Proportion {
    /// Share of trials with the event.
    pub estimate: f64,
    /// Standard error sqrt(p(1-p)/n).
    pub se: f64,
    /// 95% Wilson score interval (never outside [0, 1], sensible at p = 0).
    pub lo: f64,
    /// Upper end of the 95% Wilson interval (the lower is `lo`).
    pub hi: f64,
}

impl Proportion {
    /// `successes` out of `n` trials.
    pub fn new(successes: u64, n: u64) -> Self {
        if n == 0 {
            return Proportion {
                estimate: f64::NAN,
                se: f64::NAN,
                lo: 0.0,
                hi: 1.0,
            };
        }
        let nf = n as f64;
        let p = successes as f64 / nf;
        let z2 = Z95 * Z95;
        let denom = 1.0 + z2 / nf;
        let centre = (p + z2 / (2.0 * nf)) / denom;
        let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
        Proportion {
            estimate: p,
            se: (p * (1.0 - p) / nf).sqrt(),
            lo: if successes == 0 {
                0.0
            } else {
                (centre - half).max(0.0)
            },
            hi: if successes == n {
                1.0
            } else {
                (centre + half).min(1.0)
            },
        }
    }
}

/// When a yearly probability first exceeds one half, with the years its
/// Monte Carlo error leaves open: `year` is the first whose estimate is
/// above one half; `lo` the first whose 95% interval reaches above it (the
/// earliest the year could be); `hi` the first whose interval lies wholly
/// above it (the latest; None when no year's does). The terminal's
/// "2031–2032" is `lo`–`hi`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstOverHalf {
    /// First year whose estimate exceeds one half.
    pub year: Option<i32>,
    /// First year whose 95% interval reaches above one half.
    pub lo: Option<i32>,
    /// First year whose 95% interval lies wholly above one half.
    pub hi: Option<i32>,
}

impl FirstOverHalf {
    /// From each year and its probability, in order.
    pub fn of(years: impl IntoIterator<Item = (i32, Proportion)>) -> Self {
        let mut first = FirstOverHalf::default();
        for (year, p) in years {
            let at = |slot: &mut Option<i32>, over: bool| {
                if over && slot.is_none() {
                    *slot = Some(year);
                }
            };
            at(&mut first.year, p.estimate > 0.5);
            at(&mut first.lo, p.hi > 0.5);
            at(&mut first.hi, p.lo > 0.5);
            if first.hi.is_some() {
                break;
            }
        }
        first
    }
}

/// Figures of one entity in one year.
#[derive(Debug, Clone, Serialize)]
pub struct YearStats {
    /// Calendar year.
    pub year: i32,
    /// P(gap) in the year, with its uncertainty: a material shortfall.
    pub p_gap: Proportion,
    /// P(any shortfall) in the year, material or not; equals `p_gap` when
    /// the scenario sets no materiality.
    pub p_shortfall: Proportion,
    /// Mean shortfall absorbed by the contingency as immaterial.
    pub contingency_mean: f64,
    /// P(the service runs on as planned) in the year: neither stopped nor
    /// shrunk by its stop rule or its take-over decision. For the
    /// portfolio: every service runs on.
    pub p_continued: Proportion,
    /// P(the service runs on shrunk) in the year. For the portfolio: some
    /// service shrunk, none closed.
    pub p_shrunk: Proportion,
    /// P(the service is closed) in the year. For the portfolio: some
    /// service closed. The three states' chances add up to 1.
    pub p_stopped: Proportion,
    /// Mean cost.
    pub cost_mean: f64,
    /// 5th percentile of cost.
    pub cost_p5: f64,
    /// 25th percentile of cost.
    pub cost_p25: f64,
    /// Median cost.
    pub cost_p50: f64,
    /// 75th percentile of cost.
    pub cost_p75: f64,
    /// 95th percentile of cost.
    pub cost_p95: f64,
    /// 90th percentile of cost (for the medium-term plan's table; not in
    /// yearly.csv or summary.json).
    #[serde(skip)]
    pub cost_p90: f64,
    /// Mean funding (before the reserve).
    pub funding_mean: f64,
    /// 5th percentile of funding.
    pub funding_p5: f64,
    /// 25th percentile of funding.
    pub funding_p25: f64,
    /// Median funding.
    pub funding_p50: f64,
    /// 75th percentile of funding.
    pub funding_p75: f64,
    /// 95th percentile of funding.
    pub funding_p95: f64,
    /// Mean gap (after the reserve; 0 in trials without one).
    pub gap_mean: f64,
    /// Mean structural part of the gap: what the city could have seen
    /// when it set the year's budget (last year's settled cost, escalated
    /// by the expected price change, less the year's funding and reserve
    /// draw); `gap_mean - structural_mean` is the transient part, in-year
    /// overruns. For the portfolio, its services' sum.
    pub structural_mean: f64,
    /// P(the year has a structural gap).
    pub p_structural: Proportion,
    /// What the reserve fund paid; None without one.
    pub fund: Option<FundYear>,
    /// Median gap.
    pub gap_p50: f64,
    /// 95th percentile of the gap.
    pub gap_p95: f64,
    /// 90th percentile of the gap (as `cost_p90`).
    #[serde(skip)]
    pub gap_p90: f64,
    /// Mean paid out by reserves.
    pub reserve_used_mean: f64,
    /// Mean funding by kind, in [`FundingKind::ALL`] order (reserve = draws).
    pub funding_by_kind_mean: [f64; FundingKind::COUNT],
    /// The part of the grant money the province paid (시·도비), for a
    /// model with a province's grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province_mean: Option<f64>,
    /// P(no gap in this or any earlier year), with its interval.
    pub survival: Proportion,
    /// Capital spending, for a model with capital lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capital: Option<CapitalYear>,
    /// The city's and operators' sides of contracts, for a model with a
    /// contracted service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractYear>,
}

/// Capital lines in one year: funded by the capital account, apart from
/// the operating year's gap.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CapitalYear {
    /// Mean capital cost.
    pub cost_mean: f64,
    /// Mean capital cost the capital account could not pay.
    pub gap_mean: f64,
    /// P(a capital gap in the year).
    pub p_gap: Proportion,
}

/// What the reserve fund (예비비) paid in one year.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FundYear {
    /// Mean paid (for the portfolio: the fund's whole use).
    pub paid_mean: f64,
    /// P(the fund paid anything in the year).
    pub p_paid: Proportion,
}

/// Contracts in one year.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContractYear {
    /// Mean payment the contracts make the city owe its operators
    /// (availability payments, fees, revenue guarantees).
    pub obligation_mean: f64,
    /// P(the city owes a payment in the year): for a revenue guarantee,
    /// the chance it is called.
    pub p_obligation: Proportion,
    /// Mean loss borne by operators.
    pub operator_loss_mean: f64,
    /// P(an operator loses money in the year).
    pub p_operator_loss: Proportion,
}

/// A service's chances of each state in a year.
pub(super) struct States {
    pub(super) continued: Proportion,
    pub(super) shrunk: Proportion,
    pub(super) stopped: Proportion,
}

/// Entity `e`'s figures of year index `t`; `survival` is P(no gap yet).
pub(super) fn year_stats(
    model: &Model,
    acc: &Accumulator,
    e: usize,
    t: usize,
    (survival, states): (Proportion, States),
) -> YearStats {
    let n = acc.trials;
    let nf = n as f64;
    let y = &acc.years[e * model.horizon + t];
    let sums = acc.year_sums(e, t);
    let structural = book_mean(acc, e, t, BookRow::Structural).unwrap_or((0.0, 0));
    let mut by_kind = [0.0; FundingKind::COUNT];
    for (k, v) in by_kind.iter_mut().enumerate() {
        *v = sums.by_kind[k].value() / nf;
    }
    YearStats {
        year: model.year(t),
        p_gap: Proportion::new(y.gap_count, n),
        p_shortfall: Proportion::new(y.shortfall_count, n),
        contingency_mean: sums.absorbed.value() / nf,
        p_continued: states.continued,
        p_shrunk: states.shrunk,
        p_stopped: states.stopped,
        cost_mean: sums.cost.value() / nf,
        cost_p5: y.cost_q.quantile(0.05),
        cost_p25: y.cost_q.quantile(0.25),
        cost_p50: y.cost_q.quantile(0.5),
        cost_p75: y.cost_q.quantile(0.75),
        cost_p95: y.cost_q.quantile(0.95),
        cost_p90: y.cost_q.quantile(0.9),
        funding_mean: sums.funding.value() / nf,
        funding_p5: y.funding_q.quantile(0.05),
        funding_p25: y.funding_q.quantile(0.25),
        funding_p50: y.funding_q.quantile(0.5),
        funding_p75: y.funding_q.quantile(0.75),
        funding_p95: y.funding_q.quantile(0.95),
        gap_mean: sums.gap.value() / nf,
        structural_mean: structural.0,
        p_structural: Proportion::new(structural.1, n),
        fund: book_mean(acc, e, t, BookRow::Fund).map(|(paid, count)| FundYear {
            paid_mean: paid,
            p_paid: Proportion::new(count, n),
        }),
        gap_p50: y.gap_q.quantile(0.5),
        gap_p95: y.gap_q.quantile(0.95),
        gap_p90: y.gap_q.quantile(0.9),
        reserve_used_mean: sums.by_kind[FundingKind::Reserve as usize].value() / nf,
        funding_by_kind_mean: by_kind,
        province_mean: book_mean(acc, e, t, BookRow::Province).map(|(paid, _)| paid),
        survival,
        capital: book_pair(acc, e, t, BookRow::Capital, BookRow::CapitalGap).map(
            |((cost, _), (gap, gaps))| CapitalYear {
                cost_mean: cost,
                gap_mean: gap,
                p_gap: Proportion::new(gaps, n),
            },
        ),
        contract: book_pair(acc, e, t, BookRow::Obligation, BookRow::OperatorLoss).map(
            |((owed, owing), (loss, losing))| ContractYear {
                obligation_mean: owed,
                p_obligation: Proportion::new(owing, n),
                operator_loss_mean: loss,
                p_operator_loss: Proportion::new(losing, n),
            },
        ),
    }
}

/// Two rows' means and positive counts of entity `e` in year `t`, when
/// the model has them.
fn book_pair(
    acc: &Accumulator,
    e: usize,
    t: usize,
    a: BookRow,
    b: BookRow,
) -> Option<((f64, u64), (f64, u64))> {
    Some((book_mean(acc, e, t, a)?, book_mean(acc, e, t, b)?))
}

/// Entity `e`'s mean of `row` in year `t` and the trials in which it was
/// positive; None when the model has no such row.
fn book_mean(acc: &Accumulator, e: usize, t: usize, row: BookRow) -> Option<(f64, u64)> {
    let (s, c) = acc.book(row, e, t)?;
    Some((s.value() / acc.trials as f64, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_year_over_half_spans_what_monte_carlo_error_leaves_open() {
        // 1,000 trials: 48% (its interval reaches above 50%), 51% (both
        // sides), 53% (still reaches below), 60% (wholly above), 40%.
        let years = [
            (2030, 480),
            (2031, 510),
            (2032, 530),
            (2033, 600),
            (2034, 400),
        ]
        .map(|(y, k)| (y, Proportion::new(k, 1000)));
        let f = FirstOverHalf::of(years);
        assert_eq!((f.lo, f.year, f.hi), (Some(2030), Some(2031), Some(2033)));
        // Never surely above: the span stays open at the top.
        let f = FirstOverHalf::of(years[..3].iter().copied());
        assert_eq!((f.lo, f.year, f.hi), (Some(2030), Some(2031), None));
        // Never near one half: no year at all.
        let f = FirstOverHalf::of([(2030, Proportion::new(100, 1000))]);
        assert_eq!(f, FirstOverHalf::default());
    }
}
