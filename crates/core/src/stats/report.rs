//! The published figures of a run: [`Report::new`] turns an
//! [`Accumulator`] into per-entity, per-year statistics, each probability
//! with its Monte Carlo standard error and a 95% Wilson score interval.

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

/// Summary of a distribution of per-trial values.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Distribution {
    /// Mean over trials.
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Distribution {
    fn new(m: &Moments, q: &Sketch) -> Self {
        Distribution {
            mean: m.mean(),
            se: m.se(),
            p5: q.quantile(0.05),
            p50: q.quantile(0.5),
            p95: q.quantile(0.95),
        }
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
    /// Median gap.
    pub gap_p50: f64,
    /// 95th percentile of the gap.
    pub gap_p95: f64,
    /// Mean paid out by reserves.
    pub reserve_used_mean: f64,
    /// Mean funding by kind, in [`FundingKind::ALL`] order (reserve = draws).
    pub funding_by_kind_mean: [f64; FundingKind::COUNT],
    /// P(no gap in this or any earlier year).
    pub survival: f64,
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

/// Capital spending summed over the horizon.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CapitalTotal {
    /// Mean capital cost.
    pub cost: f64,
    /// Mean capital cost no capital account paid.
    pub gap: f64,
}

/// Contracts summed over the horizon.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContractTotal {
    /// Mean payments the city owes its operators.
    pub obligation: f64,
    /// Mean losses its operators bear.
    pub operator_loss: f64,
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

/// Distribution of the year of an event (the first gap, a stop).
#[derive(Debug, Clone, Serialize)]
pub struct FirstGap {
    /// Calendar years of the horizon.
    pub years: Vec<i32>,
    /// Share of trials whose event is in each year.
    pub probability: Vec<f64>,
    /// Share of trials without the event up to and including each year.
    pub survival: Vec<f64>,
    /// Share of trials without the event over the whole horizon.
    pub never: f64,
    /// Median year of the event (None when most trials never have it).
    pub median: Option<i32>,
}

/// Horizon figures of one entity (service or portfolio).
#[derive(Debug, Clone, Serialize)]
pub struct EntityStats {
    /// Service id, or `portfolio`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// P(a gap in at least one year), with its uncertainty.
    pub p_any_gap: Proportion,
    /// First year in which P(gap) exceeds 50%.
    pub first_year_p_gap_over_50: Option<i32>,
    /// Distribution of the first gap year.
    pub first_gap_year: FirstGap,
    /// P(the service stops under its stop rule within the horizon), with
    /// its uncertainty; 0 without a rule.
    pub p_stop: Proportion,
    /// Distribution of the year it stops from ("never" for no stop).
    pub stop_year: FirstGap,
    /// NPV of life-cycle cost: construction plus every yearly cost.
    pub lcc_npv: Distribution,
    /// NPV of the yearly gaps.
    pub gap_npv: Distribution,
    /// Mean of the worst 5% of gap NPVs (CVaR95).
    pub gap_npv_cvar95: f64,
    /// Mean realised operating-cost ratio (operating cost per operating
    /// year in start-year prices / construction cost).
    pub opex_ratio_mean: f64,
    /// Standard error of `opex_ratio_mean`.
    pub opex_ratio_se: f64,
    /// Share of all money received (streams and reserve draws) that came
    /// from grants: dependency on operating money.
    pub grant_share: f64,
    /// Share of all money, construction included, that came from national
    /// grants (the construction's national share is the scenario's
    /// `construction_grant_share`).
    pub grant_share_total: f64,
    /// Mean unspent grant money returned over the horizon (undiscounted):
    /// grant money beyond the year's need, which no reserve may keep.
    pub grant_returned_mean: f64,
    /// Mean gap NPV had the service run on as planned, without its stops:
    /// what keeping it would cost (equal to `gap_npv.mean` where nothing
    /// stops; the portfolio's is its services' sum, special accounts not
    /// pooled).
    pub gap_npv_kept_mean: f64,
    /// Benefit NPV / life-cycle cost NPV, ratio of means; None without
    /// declared benefits.
    pub bcr: Option<f64>,
    /// Mean NPV of benefits.
    pub benefit_npv_mean: f64,
    /// Mean discounted fees and contract revenue.
    pub revenue_npv_mean: f64,
    /// Mean construction cost.
    pub construction_mean: f64,
    /// Capital spending over the horizon, for a model with capital lines:
    /// sums of the yearly means (undiscounted, as paid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capital_total: Option<CapitalTotal>,
    /// Contracts over the horizon, for a model with a contracted service:
    /// sums of the yearly means (undiscounted, as paid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_total: Option<ContractTotal>,
    /// The funding that would have kept the entity gap-free in a share of
    /// trials, at each of the model's confidence levels (none unless the
    /// run asked: [`Model::set_confidence`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub funding_needed: Vec<FundingNeed>,
    /// The same at confidence 50%, 55%, ..., 95%, 99%, for a chart.
    #[serde(skip)]
    pub funding_curve: Vec<FundingNeed>,
    /// Per-year figures, one per year of the horizon.
    pub yearly: Vec<YearStats>,
    /// Gap NPV histogram (value, count) for charts.
    #[serde(skip)]
    pub gap_npv_sketch: Sketch,
}

/// The funding that keeps an entity gap-free in a share `confidence` of
/// trials: a constant yearly top-up in start-year prices, or an extra
/// opening reserve (either alone), each with a 95% interval.
///
/// Each trial's requirement is exact (`engine/requirement.rs`); the
/// figure is its `confidence`-quantile over trials, read as the top of
/// its sketch bucket so that at least that share of trials needed no more
/// (within 1/64 above the exact quantile). The interval is the
/// distribution-free one of a quantile: the order statistics at ranks
/// `n q ± 1.96 sqrt(n q (1 - q))`. A portfolio's is the sum of its
/// services' in each trial (every service gap-free on its own books).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FundingNeed {
    /// The share of trials to keep gap-free, e.g. 0.9.
    pub confidence: f64,
    /// Yearly top-up in start-year prices (paid from the service's first
    /// year with a cost).
    pub topup: f64,
    /// Lower end of the 95% interval of `topup`.
    pub topup_lo: f64,
    /// Upper end of the 95% interval of `topup`.
    pub topup_hi: f64,
    /// Extra opening reserve, in start-year money.
    pub reserve: f64,
    /// Lower end of the 95% interval of `reserve`.
    pub reserve_lo: f64,
    /// Upper end of the 95% interval of `reserve`.
    pub reserve_hi: f64,
}

impl FundingNeed {
    /// The requirement at `q` from the trials' top-ups and reserves.
    fn new(q: f64, topup: &Sketch, reserve: &Sketch) -> Self {
        let n = topup.count().max(1) as f64;
        let half = Z95 * (q * (1.0 - q) / n).sqrt();
        let (lo, hi) = ((q - half).max(0.0), (q + half).min(1.0));
        FundingNeed {
            confidence: q,
            topup: topup.quantile_bound(q),
            topup_lo: topup.quantile_bound(lo),
            topup_hi: topup.quantile_bound(hi),
            reserve: reserve.quantile_bound(q),
            reserve_lo: reserve.quantile_bound(lo),
            reserve_hi: reserve.quantile_bound(hi),
        }
    }
}

/// The confidence levels of the funding chart.
const CURVE: [f64; 11] = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99];

/// The portfolio's name (its id is `portfolio`).
pub const PORTFOLIO_NAME: &str = "Portfolio (all services)";

/// Everything a run reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Trials the report is based on.
    pub trials: u64,
    /// Calendar year of year index 0.
    pub start_year: i32,
    /// Years simulated.
    pub horizon_years: usize,
    /// Services in file order, then the portfolio (id `portfolio`).
    pub entities: Vec<EntityStats>,
}

impl Report {
    /// The published figures of every entity: services in file order,
    /// then the portfolio.
    pub fn new(model: &Model, acc: &Accumulator) -> Self {
        let entities = (0..acc.totals.len())
            .map(|e| entity_stats(model, acc, e))
            .collect();
        Report {
            trials: acc.trials,
            start_year: model.start_year,
            horizon_years: model.horizon,
            entities,
        }
    }

    /// The portfolio (all services together).
    pub fn portfolio(&self) -> &EntityStats {
        // `new` always pushes the portfolio last.
        &self.entities[self.entities.len() - 1]
    }

    /// The entity with id `id` (a service id or `portfolio`).
    pub fn entity(&self, id: &str) -> Option<&EntityStats> {
        self.entities.iter().find(|e| e.id == id)
    }
}

/// One entity's figures (entity `e`: a service, or the portfolio last).
fn entity_stats(model: &Model, acc: &Accumulator, e: usize) -> EntityStats {
    let h = model.horizon;
    let n = acc.trials;
    let nf = n as f64;
    let tot = &acc.totals[e];
    let (id, name, has_benefits) = match model.services.get(e) {
        Some(s) => (s.id.clone(), s.name.clone(), !s.benefits.is_empty()),
        None => (
            "portfolio".to_string(),
            PORTFOLIO_NAME.to_string(),
            model.services.iter().any(|s| !s.benefits.is_empty()),
        ),
    };
    let first_gap_year = distribution_of_year(model, &tot.first_gap, n);
    let (mut ended, mut closed) = (0u64, 0u64);
    let mut yearly = Vec::with_capacity(h);
    for (t, &surv) in first_gap_year.survival.iter().enumerate() {
        ended += tot.stop[t];
        closed += tot.closed[t];
        let states = States {
            continued: Proportion::new(n - ended, n),
            shrunk: Proportion::new(ended - closed, n),
            stopped: Proportion::new(closed, n),
        };
        yearly.push(year_stats(model, acc, e, t, (surv, states)));
    }
    let lcc = Distribution::new(&tot.lcc, &tot.lcc_q);
    let capital_total = yearly[0].capital.map(|_| CapitalTotal {
        cost: yearly
            .iter()
            .filter_map(|y| y.capital)
            .map(|c| c.cost_mean)
            .sum(),
        gap: yearly
            .iter()
            .filter_map(|y| y.capital)
            .map(|c| c.gap_mean)
            .sum(),
    });
    let contract_total = yearly[0].contract.map(|_| ContractTotal {
        obligation: yearly
            .iter()
            .filter_map(|y| y.contract)
            .map(|c| c.obligation_mean)
            .sum(),
        operator_loss: yearly
            .iter()
            .filter_map(|y| y.contract)
            .map(|c| c.operator_loss_mean)
            .sum(),
    });
    let benefit = tot.benefit.mean();
    let received = tot.received.value();
    EntityStats {
        id,
        name,
        p_any_gap: Proportion::new(n - tot.first_gap[h], n),
        first_year_p_gap_over_50: yearly
            .iter()
            .find(|y| y.p_gap.estimate > 0.5)
            .map(|y| y.year),
        first_gap_year,
        p_stop: Proportion::new(n - tot.stop[h], n),
        stop_year: distribution_of_year(model, &tot.stop, n),
        lcc_npv: lcc,
        gap_npv: Distribution::new(&tot.gap, &tot.gap_q),
        gap_npv_cvar95: tot.gap_q.tail_mean(0.95),
        opex_ratio_mean: tot.opex_ratio.mean(),
        opex_ratio_se: tot.opex_ratio.se(),
        grant_share: if received > 0.0 {
            tot.grant.value() / received
        } else {
            0.0
        },
        grant_share_total: grant_share_total(model, acc, e),
        grant_returned_mean: tot.grant_returned.value() / nf,
        gap_npv_kept_mean: tot.gap_kept.value() / nf,
        bcr: (has_benefits && lcc.mean > 0.0).then(|| benefit / lcc.mean),
        benefit_npv_mean: benefit,
        revenue_npv_mean: tot.revenue.mean(),
        construction_mean: tot.construction.value() / nf,
        capital_total,
        contract_total,
        yearly,
        gap_npv_sketch: tot.gap_q.clone(),
        funding_needed: model
            .confidence
            .iter()
            .map(|&q| FundingNeed::new(q, &tot.topup_q, &tot.reserve_q))
            .collect(),
        funding_curve: CURVE
            .iter()
            .filter(|_| !model.confidence.is_empty())
            .map(|&q| FundingNeed::new(q, &tot.topup_q, &tot.reserve_q))
            .collect(),
    }
}

/// Grants over all money, construction included: each service's grant
/// money plus its national share of construction, over the money it
/// received plus its construction; the portfolio adds up its services.
fn grant_share_total(model: &Model, acc: &Accumulator, e: usize) -> f64 {
    let services: Vec<usize> = match model.services.get(e) {
        Some(_) => vec![e],
        None => (0..model.services.len()).collect(),
    };
    let (mut national, mut all) = (0.0, 0.0);
    for s in services {
        let tot = &acc.totals[s];
        let construction = tot.construction.value();
        national += tot.grant.value() + model.services[s].construction_grant_share * construction;
        all += tot.received.value() + construction;
    }
    if all > 0.0 { national / all } else { 0.0 }
}

/// The distribution of an event's year from its counts per year index
/// (the last slot: never), as for the first gap.
fn distribution_of_year(model: &Model, counts: &[u64], n: u64) -> FirstGap {
    let h = model.horizon;
    let nf = n as f64;
    let mut cum = 0u64;
    let mut survival = Vec::with_capacity(h);
    for &c in &counts[..h] {
        cum += c;
        survival.push(1.0 - cum as f64 / nf);
    }
    FirstGap {
        years: (0..h).map(|t| model.year(t)).collect(),
        probability: counts[..h].iter().map(|&c| c as f64 / nf).collect(),
        median: survival
            .iter()
            .position(|&s| s <= 0.5)
            .map(|t| model.year(t)),
        survival,
        never: counts[h] as f64 / nf,
    }
}

/// A service's chances of each state in a year.
struct States {
    continued: Proportion,
    shrunk: Proportion,
    stopped: Proportion,
}

/// Entity `e`'s figures of year index `t`; `survival` is P(no gap yet).
fn year_stats(
    model: &Model,
    acc: &Accumulator,
    e: usize,
    t: usize,
    (survival, states): (f64, States),
) -> YearStats {
    let n = acc.trials;
    let nf = n as f64;
    let y = &acc.years[e * model.horizon + t];
    let sums = acc.year_sums(e, t);
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
        funding_mean: sums.funding.value() / nf,
        funding_p5: y.funding_q.quantile(0.05),
        funding_p25: y.funding_q.quantile(0.25),
        funding_p50: y.funding_q.quantile(0.5),
        funding_p75: y.funding_q.quantile(0.75),
        funding_p95: y.funding_q.quantile(0.95),
        gap_mean: sums.gap.value() / nf,
        gap_p50: y.gap_q.quantile(0.5),
        gap_p95: y.gap_q.quantile(0.95),
        reserve_used_mean: sums.by_kind[FundingKind::Reserve as usize].value() / nf,
        funding_by_kind_mean: by_kind,
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
    let nf = acc.trials as f64;
    let (sa, ca) = acc.book(a, e, t)?;
    let (sb, cb) = acc.book(b, e, t)?;
    Some(((sa.value() / nf, ca), (sb.value() / nf, cb)))
}

/// The largest gap NPV figure a table of these entities shows (a mean or
/// a P95, finite ones only): what sizes the money reports write it in.
pub fn largest_gap<'a>(entities: impl IntoIterator<Item = &'a EntityStats>) -> f64 {
    entities
        .into_iter()
        .map(|e| e.gap_npv.p95.abs().max(e.gap_npv.mean.abs()))
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_is_sane_at_the_edges() {
        let p = Proportion::new(0, 1000);
        assert_eq!(p.estimate, 0.0);
        assert_eq!(p.lo, 0.0);
        assert!(p.hi > 0.0 && p.hi < 0.01);
        let p = Proportion::new(1000, 1000);
        assert_eq!(p.hi, 1.0);
        assert!(p.lo > 0.99);
        let p = Proportion::new(500, 1000);
        assert!((p.lo - 0.469).abs() < 1e-3 && (p.hi - 0.531).abs() < 1e-3);
    }
}
