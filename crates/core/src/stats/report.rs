//! The published figures of a run: [`Report::new`] turns an
//! [`Accumulator`] into per-entity, per-year statistics, each probability
//! with its Monte Carlo standard error and a 95% Wilson score interval.

use serde::{Deserialize, Serialize};

use super::figures::{States, year_stats};
use super::*;

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
    /// P(a contracted operator leaves within the horizon): for a contract
    /// with `after_exit = "take_over"`, the chance the city takes the
    /// service over (for the portfolio: any operator leaves).
    pub p_exit: Proportion,
    /// Mean termination payment owed to operators that leave (nominal):
    /// the city's expected contingent liability under its contracts.
    pub termination: f64,
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
    /// The years Monte Carlo error leaves open for it: the first whose
    /// 95% interval of P(gap) reaches above 50%, and the first whose
    /// interval lies wholly above (see [`super::FirstOverHalf`]).
    pub first_year_p_gap_over_50_lo: Option<i32>,
    /// See `first_year_p_gap_over_50_lo`.
    pub first_year_p_gap_over_50_hi: Option<i32>,
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
    /// Share of the horizon's gap (undiscounted, summed over years) that
    /// is structural ([`YearStats::structural_mean`]); the rest is
    /// transient. 0 without a gap.
    pub gap_structural_share: f64,
    /// Mean paid by the reserve fund over the horizon (undiscounted);
    /// None without a reserve fund.
    pub fund_paid_mean: Option<f64>,
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
    pub(crate) fn new(q: f64, topup: &Sketch, reserve: &Sketch) -> Self {
        let n = topup.count().max(1) as f64;
        let half = Z95 * (q * (1.0 - q) / n).sqrt();
        let (lo, hi) = ((q - half).max(0.0), (q + half).min(1.0));
        FundingNeed {
            confidence: q,
            topup: topup.quantile_bound(q),
            // The interval's ends bracket whole buckets: the lower end at
            // the bottom of its bucket, so that a quantile and both ends in
            // one bucket still show the sketch's resolution, not a point.
            topup_lo: topup.quantile_floor(lo),
            topup_hi: topup.quantile_bound(hi),
            reserve: reserve.quantile_bound(q),
            reserve_lo: reserve.quantile_floor(lo),
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
    let (mut ended, mut closed, mut gapped) = (0u64, 0u64, 0u64);
    let mut yearly = Vec::with_capacity(h);
    for t in 0..h {
        ended += tot.stop[t];
        closed += tot.closed[t];
        gapped += tot.first_gap[t];
        let surv = Proportion::new(n - gapped, n);
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
        p_exit: Proportion::new(n - tot.exits[h], n),
        termination: tot.termination.value() / nf,
    });
    let over_half = super::FirstOverHalf::of(yearly.iter().map(|y| (y.year, y.p_gap)));
    let benefit = tot.benefit.mean();
    let received = tot.received.value();
    let gap_total: f64 = yearly.iter().map(|y| y.gap_mean).sum();
    let structural: f64 = yearly.iter().map(|y| y.structural_mean).sum();
    let fund_paid_mean = yearly[0].fund.map(|_| {
        yearly
            .iter()
            .filter_map(|y| y.fund)
            .map(|f| f.paid_mean)
            .sum()
    });
    EntityStats {
        id,
        name,
        p_any_gap: Proportion::new(n - tot.first_gap[h], n),
        first_year_p_gap_over_50: over_half.year,
        first_year_p_gap_over_50_lo: over_half.lo,
        first_year_p_gap_over_50_hi: over_half.hi,
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
        gap_structural_share: if gap_total > 0.0 {
            (structural / gap_total).min(1.0)
        } else {
            0.0
        },
        fund_paid_mean,
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
        survival.push((n - cum) as f64 / nf);
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
