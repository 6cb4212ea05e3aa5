//! What one trial leaves behind: the per-year rows and per-entity outcomes
//! of [`Scratch`], the working memory a worker reuses for every trial.
//!
//! This is the hand-over point between the engine (which fills a
//! `Scratch`) and the aggregates (which read it), so both import it and
//! neither imports the other's internals.

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
    /// Grant money received over the horizon (undiscounted).
    pub grant: f64,
    /// All money received over the horizon (undiscounted): funding plus
    /// what the reserve paid out.
    pub received: f64,
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
    /// Whether each year is a downturn year.
    pub downturn: Vec<bool>,
    /// Cost per entity and year (`e * horizon + t`).
    pub cost: Vec<f64>,
    /// Funding per entity and year, before the reserve.
    pub funding: Vec<f64>,
    /// Gap per entity and year, after the reserve.
    pub gap: Vec<f64>,
    /// Per service (not the portfolio), kind and year
    /// (`(e * KINDS + k) * horizon + t`); the reserve's row is what the
    /// reserve paid out.
    pub by_kind: Vec<f64>,
    /// Per-year opex multiplier of active risks, for the service in hand.
    pub(crate) opex_mult: Vec<f64>,
    /// One per entity.
    pub outcome: Vec<EntityOutcome>,
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
            downturn: vec![false; h],
            cost: vec![0.0; e * h],
            funding: vec![0.0; e * h],
            gap: vec![0.0; e * h],
            by_kind: vec![0.0; (e - 1) * FundingKind::COUNT * h],
            opex_mult: vec![1.0; h],
            outcome: vec![EntityOutcome::default(); e],
        }
    }

    /// Slice of a per-entity-year array.
    pub fn row<'a>(&self, v: &'a [f64], entity: usize) -> &'a [f64] {
        &v[entity * self.horizon..(entity + 1) * self.horizon]
    }

    /// Funding of `kind` for service `entity`, per year.
    pub fn kind_row(&self, entity: usize, kind: FundingKind) -> &[f64] {
        let start = (entity * FundingKind::COUNT + kind as usize) * self.horizon;
        &self.by_kind[start..start + self.horizon]
    }
}
