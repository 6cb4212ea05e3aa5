//! What one trial leaves behind: the per-year rows and per-entity outcomes
//! of [`Scratch`], the working memory a worker reuses for every trial.
//!
//! This is the hand-over point between the engine (which fills a
//! `Scratch`) and the aggregates (which read it), so both import it and
//! neither imports the other's internals.

use super::group::Group;
use super::rows::{Row, Rows};
use crate::model::rng::lanes::Draws;
use crate::model::{FundingKind, Model};

/// Trials a worker simulates, each into its own [`Scratch`], before it folds
/// them into its aggregates together. Only affects speed: aggregates are
/// exact, so batching never changes results.
pub const LANES: usize = 16;

/// Per-entity results of one trial. Entities are the services in file order
/// followed by the portfolio.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntityOutcome {
    /// Discounted life-cycle cost: construction plus every yearly cost.
    pub lcc_npv: f64,
    /// Discounted sum of yearly gaps.
    pub gap_npv: f64,
    /// Discounted social and environmental benefits.
    pub benefit_npv: f64,
    /// Discounted fees and contract payments (financial revenue).
    pub revenue_npv: f64,
    /// Year index of the first gap.
    pub first_gap: Option<usize>,
    /// Construction cost drawn in this trial.
    pub construction: f64,
    /// Operating cost in start-year prices summed over operating years,
    /// divided by their number (the numerator of the realised opex ratio).
    pub real_cost_per_year: f64,
    /// Grant money received over the horizon (undiscounted), net of what
    /// was returned unspent.
    pub grant: f64,
    /// Unspent grant money returned at the end of its years (undiscounted).
    pub grant_returned: f64,
    /// The gap NPV had the service run on as planned: the gap a stop
    /// avoided is what keeping the service would cost. Equal to `gap_npv`
    /// where nothing stopped.
    pub gap_npv_kept: f64,
    /// All money received over the horizon (undiscounted): funding plus
    /// what the reserve paid out.
    pub received: f64,
    /// First year index at which the service has stopped (or shrunk) under
    /// its stop rule; for the portfolio, the earliest of its services'.
    pub stopped_from: Option<usize>,
    /// First year index from which the service is closed (stopped with
    /// nothing kept); for the portfolio, the earliest of its services'.
    /// At or after `stopped_from`: a shrunk service is never closed.
    pub closed_from: Option<usize>,
    /// First year index from which a contracted operator has left; for
    /// the portfolio, the earliest of its services'.
    pub exited_from: Option<usize>,
    /// The termination payment the city owed on the operator's exit
    /// (nominal, in its year); the portfolio's is its services' sum.
    pub termination: f64,
    /// The smallest constant yearly top-up, in start-year prices, that
    /// would have kept the service (as planned) gap-free in this trial; 0
    /// without a gap. The portfolio's in a trial is the sum of its services'.
    pub topup: f64,
    /// The smallest extra opening reserve that would have done the same.
    pub reserve_need: f64,
}

/// Working memory of one worker, reused for every trial.
///
/// Invariant: every per-entity-year array holds `entities * horizon`
/// values laid out entity-major (`e * horizon + t`), the portfolio last;
/// [`Scratch::new`] sizes them for one model and only that model's engine
/// may fill it.
#[derive(Debug, Clone)]
pub struct Scratch {
    pub(crate) horizon: usize,
    /// Cost escalation index, 1 in the start year.
    pub escalation: Vec<f64>,
    /// 1 / escalation, to express costs in start-year prices.
    pub(crate) deflator: Vec<f64>,
    /// This trial's discount factor of each year: the rate's, times the
    /// deflator on a real basis.
    pub(crate) discount: Vec<f64>,
    /// Whether each year is a downturn year.
    pub downturn: Vec<bool>,
    /// Wage index, 1 in the start year (empty without one).
    pub wages: Vec<f64>,
    /// Every [`Row`] per entity and year (`e * horizon + t`); a row the
    /// model does not use is empty.
    pub rows: Rows<Vec<f64>>,
    /// Per service (not the portfolio), kind and year
    /// (`(e * KINDS + k) * horizon + t`); the reserve's row is what the
    /// reserve paid out.
    pub by_kind: Vec<f64>,
    /// Per special account and year, its services' gaps and surplus
    /// (empty unless the model has accounts).
    pub(crate) pool_gap: Vec<f64>,
    pub(crate) pool_surplus: Vec<f64>,
    /// The trial's per-year draws, laid out by the engine's plan.
    pub(crate) draws: Draws,
    /// Where a batch computes each service for up to eight trials side by
    /// side; the first scratch of a batch lends its own.
    pub(crate) group: Group,
    /// One per entity.
    pub outcome: Vec<EntityOutcome>,
    /// The trial's first non-finite amount, if it has one.
    pub fault: Option<Fault>,
}

impl Scratch {
    /// Working memory sized for `model`.
    pub fn new(model: &Model) -> Self {
        let h = model.horizon;
        let e = model.services.len() + 1;
        Scratch {
            horizon: h,
            escalation: vec![1.0; h],
            deflator: vec![1.0; h],
            discount: vec![1.0; h],
            downturn: vec![false; h],
            wages: vec![1.0; if model.economy.wages.is_some() { h } else { 0 }],
            rows: Rows::from_fn(|r| vec![0.0; if r.used(model) { e * h } else { 0 }]),
            by_kind: vec![0.0; (e - 1) * FundingKind::COUNT * h],
            pool_gap: vec![0.0; model.accounts.len() * h],
            pool_surplus: vec![0.0; model.accounts.len() * h],
            draws: Draws::new(&super::draws::Plan::new(model).slots),
            group: Group::new(model),
            outcome: vec![EntityOutcome::default(); e],
            fault: None,
        }
    }

    /// Entity `entity`'s values of `row`, per year.
    pub fn row(&self, row: Row, entity: usize) -> &[f64] {
        &self.rows[row][entity * self.horizon..(entity + 1) * self.horizon]
    }

    /// Funding of `kind` for service `entity`, per year.
    pub fn kind_row(&self, entity: usize, kind: FundingKind) -> &[f64] {
        let start = (entity * FundingKind::COUNT + kind as usize) * self.horizon;
        &self.by_kind[start..start + self.horizon]
    }
}

/// Where a trial first produced a number that is not finite: an amount
/// that overflowed to infinity, or a 0/0. A run with a fault has no
/// trustworthy result, so every consumer of trials reports the earliest
/// fault (the lowest trial number, whatever the thread count) instead of
/// results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fault {
    /// The trial.
    pub trial: u64,
    /// The entity: a service's index, or the number of services for the
    /// portfolio.
    pub entity: usize,
    /// Year index of the first yearly amount that is not finite, if one
    /// is (otherwise a horizon total overflowed).
    pub year: Option<usize>,
    /// Which amount.
    pub what: FaultAt,
    /// The service's line that first yields it, if one does alone (the
    /// amounts may also overflow only once added up).
    pub line: Option<FaultLine>,
}

/// A line of a service, by its index in the service's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FaultLine {
    /// The operating cost: construction x opex ratio x escalation.
    Opex,
    /// A risk of the register.
    Risk(usize),
    /// A cost line.
    Cost(usize),
    /// A funding stream.
    Stream(usize),
}

/// The amount a [`Fault`] was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FaultAt {
    /// The year's cost.
    Cost,
    /// A kind of funding in the year.
    Funding(FundingKind),
    /// The year's funding (the portfolio's, summed over its services).
    FundingTotal,
    /// A total over the horizon (an NPV, or the money received).
    Totals,
}

impl Fault {
    /// The earlier of two faults (by trial, then entity): merging with
    /// this gives the same fault for any split of the trials.
    pub fn earliest(a: Option<Fault>, b: Option<Fault>) -> Option<Fault> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if (y.trial, y.entity) < (x.trial, x.entity) {
                y
            } else {
                x
            }),
            (x, y) => x.or(y),
        }
    }

    /// The fault in words, naming the service, year and amount.
    pub fn describe(&self, model: &Model) -> String {
        let who = match model.services.get(self.entity) {
            Some(s) => format!("service `{}`", s.id),
            None => "the portfolio".to_string(),
        };
        let what = match self.what {
            FaultAt::Cost => "cost".to_string(),
            FaultAt::Funding(k) => format!("{} funding", k.as_str()),
            FaultAt::FundingTotal => "funding".to_string(),
            FaultAt::Totals => "a total over the horizon (NPV or money received)".to_string(),
        };
        let when = match self.year {
            Some(t) => format!(" in {}", model.year(t)),
            None => String::new(),
        };
        let line = match (model.services.get(self.entity), self.line) {
            (Some(s), Some(l)) => match l {
                FaultLine::Opex => {
                    " (from its operating cost, construction_cost x opex_ratio)".to_string()
                }
                FaultLine::Risk(i) => format!(" (from risk \"{}\")", s.risks[i].name),
                FaultLine::Cost(i) => format!(" (from cost line \"{}\")", s.costs[i].name),
                FaultLine::Stream(i) => format!(" (from funding stream \"{}\")", s.funding[i].name),
            },
            _ => String::new(),
        };
        format!(
            "trial {}: {who}: {what}{when}{line} is not a finite number (an amount overflowed, or 0/0); \
             no results were written. Amounts this large cannot be computed: check the scenario's \
             unit and magnitudes (money in won instead of million won?) and its rates",
            self.trial
        )
    }
}

impl Scratch {
    /// Where in entity `e`'s rows the first non-finite amount is.
    pub(crate) fn locate_fault(&self, e: usize, services: usize) -> (Option<usize>, FaultAt) {
        let h = self.horizon;
        for t in 0..h {
            if !self.rows.cost[e * h + t].is_finite() {
                return (Some(t), FaultAt::Cost);
            }
            if e < services {
                for k in FundingKind::ALL {
                    if !self.kind_row(e, k)[t].is_finite() {
                        return (Some(t), FaultAt::Funding(k));
                    }
                }
            } else if !self.rows.funding[e * h + t].is_finite() {
                return (Some(t), FaultAt::FundingTotal);
            }
        }
        (None, FaultAt::Totals)
    }
}

impl EntityOutcome {
    /// Whether every amount is a finite number.
    pub(crate) fn is_finite(&self) -> bool {
        self.lcc_npv.is_finite()
            & self.gap_npv.is_finite()
            & self.benefit_npv.is_finite()
            & self.revenue_npv.is_finite()
            & self.construction.is_finite()
            & self.real_cost_per_year.is_finite()
            & self.grant.is_finite()
            & self.grant_returned.is_finite()
            & self.gap_npv_kept.is_finite()
            & self.received.is_finite()
    }
}
