//! The compiled model: what the engine runs.
//!
//! A [`Model`] is only ever built by [`crate::scenario`] from a file that
//! passed validation, so the engine can rely on its invariants without
//! checking them again: years are indices into the horizon
//! (`0..horizon`, year index 0 is `start_year`), every window has
//! `from <= to < horizon`, probabilities are in [0, 1], multipliers and
//! volatilities are non-negative, names are unique where streams are keyed
//! by them, and every line carries the [`StreamKey`] of its random stream.

pub mod dist;
mod inputs;
mod quantity;
pub mod rng;
mod thresholds;

pub use dist::Dist;
pub use inputs::{Input, Quantities, QuantitiesMut};
pub use quantity::{Domain, Quantity, Volatility};
pub use thresholds::{THRESHOLD_KEYS, Thresholds};

use crate::model::rng::StreamKey;

/// A validated, simulation-ready scenario.
///
/// Invariant: a `Model` is only built by [`crate::scenario`] from a file
/// that passed validation (see the module docs for what that guarantees);
/// its fields are therefore private to the crate and read through the
/// accessors below. The only things a caller may change are the run's
/// trial count and seed, through [`Model::set_run`].
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) currency: String,
    pub(crate) unit: String,
    pub(crate) start_year: i32,
    /// Years simulated, at least 1.
    pub(crate) horizon: usize,
    pub(crate) discount_rate: f64,
    /// Trials of a run, at least 1.
    pub(crate) trials: u64,
    pub(crate) seed: u64,
    pub(crate) economy: Economy,
    pub(crate) services: Vec<Service>,
    /// `[[variant]]` tables, for `fundgap compare` (the first is the baseline).
    pub(crate) variants: Vec<Variant>,
    /// Rating thresholds of `fundgap evaluate`.
    pub(crate) evaluation: Thresholds,
}

impl Model {
    /// The scenario's name, for titles.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scenario's description, if it has one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Currency of every amount, e.g. "KRW".
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Unit of every amount, e.g. "million".
    pub fn unit(&self) -> &str {
        &self.unit
    }

    /// Calendar year of year index 0.
    pub fn start_year(&self) -> i32 {
        self.start_year
    }

    /// Number of years simulated (at least 1).
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Annual discount rate of every NPV.
    pub fn discount_rate(&self) -> f64 {
        self.discount_rate
    }

    /// Trials of a run (at least 1).
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Seed of every random stream.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Conditions shared by all services.
    pub fn economy(&self) -> &Economy {
        &self.economy
    }

    /// The services, in file order (entity `e` of a run is service `e`;
    /// the portfolio comes after them).
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The `[[variant]]` tables (the first is the baseline).
    pub fn variants(&self) -> &[Variant] {
        &self.variants
    }

    /// Rating thresholds of the evaluation scorecard.
    pub fn evaluation(&self) -> &Thresholds {
        &self.evaluation
    }

    /// Sets the run's trial count and seed, where given: the one change a
    /// caller may make to a validated model, since neither changes what a
    /// trial computes. A trial count of 0 is taken as 1.
    pub fn set_run(&mut self, trials: Option<u64>, seed: Option<u64>) {
        if let Some(t) = trials {
            self.trials = t.max(1);
        }
        if let Some(s) = seed {
            self.seed = s;
        }
    }
}

/// A named set of overrides of the scenario, as declared in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub description: Option<String>,
    /// Key paths the variant sets.
    pub sets: Vec<String>,
}

impl Model {
    /// Calendar year of year index `t`.
    pub fn year(&self, t: usize) -> i32 {
        self.start_year + t as i32
    }

    /// Last simulated calendar year.
    pub fn end_year(&self) -> i32 {
        self.year(self.horizon - 1)
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

/// Conditions shared by all services of a trial.
#[derive(Debug, Clone)]
pub struct Economy {
    /// Annual cost escalation, drawn every trial-year.
    pub inflation: Quantity,
    pub downturn: Option<Downturn>,
    pub key_inflation: StreamKey,
    pub key_downturn: StreamKey,
}

/// A two-state Markov regime: normal years and downturn years.
#[derive(Debug, Clone, Copy)]
pub struct Downturn {
    /// Chance that a downturn starts in a normal year.
    pub annual_probability: f64,
    /// Mean length of a downturn in years (>= 1); each further year of a
    /// downturn continues it with probability `1 - 1/mean_duration_years`.
    pub mean_duration_years: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    Public,
    Private,
    Mixed,
}

impl Nature {
    pub fn as_str(self) -> &'static str {
        match self {
            Nature::Public => "public",
            Nature::Private => "private",
            Nature::Mixed => "mixed",
        }
    }
}

/// One smart city service.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub nature: Nature,
    pub operator: Option<String>,
    /// Further organisations sharing ownership (for the evaluation of
    /// accountability).
    pub owners: Vec<String>,
    pub construction_cost: Quantity,
    /// Year index of the first operating year.
    pub opens: usize,
    /// Annual operating cost as a share of construction cost.
    pub opex_ratio: Quantity,
    /// Sd of the mean-one lognormal year-to-year opex multiplier.
    pub volatility: Volatility,
    /// Whether a year's surplus is kept (in the reserve) instead of lapsing.
    pub carry_surplus: bool,
    pub costs: Vec<CostLine>,
    pub risks: Vec<Risk>,
    pub funding: Vec<Stream>,
    pub benefits: Vec<Benefit>,
    /// Business Model Canvas and social/environmental entries, as written.
    pub canvas: Vec<(String, String)>,
    /// Stream of the base cost draws (construction, ratio, yearly shocks).
    pub key: StreamKey,
}

/// An extra cost line of a service.
#[derive(Debug, Clone)]
pub struct CostLine {
    pub name: String,
    pub key: StreamKey,
    pub kind: CostKind,
}

#[derive(Debug, Clone)]
pub enum CostKind {
    /// Periodic replacement: paid every `every_years` after opening.
    Renewal {
        size: RenewalSize,
        every_years: Quantity,
    },
    /// A recurring cost in its window.
    Annual {
        amount: Quantity,
        growth: f64,
        volatility: Volatility,
        from: usize,
        to: usize,
    },
    /// A single payment in one year.
    OneOff { amount: Quantity, year: usize },
}

impl CostKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CostKind::Renewal { .. } => "renewal",
            CostKind::Annual { .. } => "annual",
            CostKind::OneOff { .. } => "one_off",
        }
    }
}

#[derive(Debug, Clone)]
pub enum RenewalSize {
    /// Share of the trial's construction cost.
    ShareOfConstruction(Quantity),
    /// An amount in start-year money.
    Amount(Quantity),
}

/// An entry of the risk register.
#[derive(Debug, Clone)]
pub struct Risk {
    pub name: String,
    pub key: StreamKey,
    pub annual_probability: Quantity,
    pub cost: Quantity,
    pub opex_multiplier: f64,
    pub duration_years: usize,
}

/// The kinds of funding stream, in the order used for per-kind tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FundingKind {
    Grant = 0,
    Budget = 1,
    Fees = 2,
    Contract = 3,
    Reserve = 4,
}

impl FundingKind {
    pub const ALL: [FundingKind; 5] = [
        FundingKind::Grant,
        FundingKind::Budget,
        FundingKind::Fees,
        FundingKind::Contract,
        FundingKind::Reserve,
    ];
    pub const COUNT: usize = 5;

    pub fn as_str(self) -> &'static str {
        match self {
            FundingKind::Grant => "grant",
            FundingKind::Budget => "budget",
            FundingKind::Fees => "fees",
            FundingKind::Contract => "contract",
            FundingKind::Reserve => "reserve",
        }
    }

    pub fn parse(s: &str) -> Option<FundingKind> {
        FundingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A funding stream of a service.
#[derive(Debug, Clone)]
pub struct Stream {
    pub name: String,
    pub key: StreamKey,
    pub kind: StreamKind,
    /// First and last year index in which the stream can pay.
    pub from: usize,
    pub to: usize,
    /// Factor applied to the payment in a downturn year.
    pub downturn_multiplier: f64,
    /// A policy cut applied by stress tests: from year index `from`, the
    /// stream pays `keep` times what it would have paid.
    pub cut: Option<Cut>,
}

impl Stream {
    pub fn funding_kind(&self) -> FundingKind {
        match self.kind {
            StreamKind::Grant { .. } => FundingKind::Grant,
            StreamKind::Budget { .. } => FundingKind::Budget,
            StreamKind::Fees { .. } => FundingKind::Fees,
            StreamKind::Contract { .. } => FundingKind::Contract,
            StreamKind::Reserve { .. } => FundingKind::Reserve,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    pub from: usize,
    pub keep: f64,
}

#[derive(Debug, Clone)]
pub enum GrantSize {
    /// A fixed amount per year.
    Amount(Quantity),
    /// A share of the service's cost in each year.
    ShareOfCost(Quantity),
}

#[derive(Debug, Clone)]
pub enum StreamKind {
    Grant {
        size: GrantSize,
        withdrawal_hazard: Quantity,
    },
    Budget {
        amount: Quantity,
        growth: f64,
        volatility: Volatility,
    },
    Fees {
        saturation_users: Quantity,
        midpoint_years: Quantity,
        steepness: Quantity,
        price: Quantity,
        price_growth: f64,
        volatility: Volatility,
    },
    Contract {
        amount: Quantity,
        growth: f64,
        exit_hazard: Quantity,
        downturn_exit_hazard: Quantity,
    },
    Reserve {
        balance: Quantity,
    },
}

/// A social or environmental benefit of a service.
#[derive(Debug, Clone)]
pub struct Benefit {
    pub name: String,
    pub key: StreamKey,
    pub annual: Quantity,
    pub growth: f64,
    pub from: usize,
    pub to: usize,
}
