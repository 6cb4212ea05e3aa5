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
pub mod rng;

use crate::model::dist::{Quantity, Volatility};
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

/// Thresholds of the evaluation scorecard (`[evaluation]`). A value at or
/// past an `_amber` threshold rates amber, at or past `_red` red.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub p_any_gap_amber: f64,
    pub p_any_gap_red: f64,
    pub grant_share_amber: f64,
    pub grant_share_red: f64,
    /// Share of funding lost in the first year without grants.
    pub cliff_amber: f64,
    pub cliff_red: f64,
    /// Concentration (HHI) of mean funding across kinds of stream.
    pub hhi_amber: f64,
    pub hhi_red: f64,
    /// Benefit-cost ratio below which a public service rates amber / red.
    pub bcr_amber: f64,
    pub bcr_red: f64,
    /// Financial NPV as a share of life-cycle cost below which a private or
    /// mixed service rates amber / red.
    pub fnpv_amber: f64,
    pub fnpv_red: f64,
    /// Canvas entries described (of 10) below which the canvas rates amber / red.
    pub canvas_amber: f64,
    pub canvas_red: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            p_any_gap_amber: 0.2,
            p_any_gap_red: 0.5,
            grant_share_amber: 0.25,
            grant_share_red: 0.5,
            cliff_amber: 0.15,
            cliff_red: 0.3,
            hhi_amber: 0.6,
            hhi_red: 0.85,
            bcr_amber: 1.0,
            bcr_red: 0.5,
            fnpv_amber: 0.0,
            fnpv_red: -0.5,
            canvas_amber: 8.0,
            canvas_red: 5.0,
        }
    }
}

/// Keys of `[evaluation]`, in the order of [`Thresholds`].
pub const THRESHOLD_KEYS: &[&str] = &[
    "p_any_gap_amber",
    "p_any_gap_red",
    "grant_share_amber",
    "grant_share_red",
    "cliff_amber",
    "cliff_red",
    "hhi_amber",
    "hhi_red",
    "bcr_amber",
    "bcr_red",
    "fnpv_amber",
    "fnpv_red",
    "canvas_amber",
    "canvas_red",
];

impl Thresholds {
    fn slots(&mut self) -> [&mut f64; 14] {
        [
            &mut self.p_any_gap_amber,
            &mut self.p_any_gap_red,
            &mut self.grant_share_amber,
            &mut self.grant_share_red,
            &mut self.cliff_amber,
            &mut self.cliff_red,
            &mut self.hhi_amber,
            &mut self.hhi_red,
            &mut self.bcr_amber,
            &mut self.bcr_red,
            &mut self.fnpv_amber,
            &mut self.fnpv_red,
            &mut self.canvas_amber,
            &mut self.canvas_red,
        ]
    }

    /// Every threshold with its key, in [`THRESHOLD_KEYS`] order.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let mut copy = *self;
        THRESHOLD_KEYS
            .iter()
            .copied()
            .zip(copy.slots().map(|v| *v))
            .collect()
    }

    /// Sets the threshold named `key` (one of [`THRESHOLD_KEYS`]).
    pub(crate) fn set(&mut self, key: &str, value: f64) -> bool {
        match THRESHOLD_KEYS.iter().position(|k| *k == key) {
            Some(i) => {
                *self.slots()[i] = value;
                true
            }
            None => false,
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

/// Up to four per-trial quantities of a line, in the order its stream draws
/// them, with their keys. Fixed-size so the engine can use it per trial
/// without allocating.
pub type Quantities<'a> = [Option<(&'static str, &'a Quantity)>; 4];
/// The mutable form of [`Quantities`], for one-at-a-time sensitivity.
pub type QuantitiesMut<'a> = [Option<(&'static str, &'a mut Quantity)>; 4];

impl Service {
    /// Construction cost, then opex ratio: the first draws of the base stream.
    pub fn quantities(&self) -> Quantities<'_> {
        [
            Some(("construction_cost", &self.construction_cost)),
            Some(("opex_ratio", &self.opex_ratio)),
            None,
            None,
        ]
    }
}

impl Risk {
    pub fn quantities(&self) -> Quantities<'_> {
        [
            Some(("annual_probability", &self.annual_probability)),
            Some(("cost", &self.cost)),
            None,
            None,
        ]
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        [
            Some(("annual_probability", &mut self.annual_probability)),
            Some(("cost", &mut self.cost)),
            None,
            None,
        ]
    }
}

impl CostLine {
    pub fn quantities(&self) -> Quantities<'_> {
        match &self.kind {
            CostKind::Renewal { size, every_years } => [
                Some(match size {
                    RenewalSize::ShareOfConstruction(q) => ("share_of_construction", q),
                    RenewalSize::Amount(q) => ("amount", q),
                }),
                Some(("every_years", every_years)),
                None,
                None,
            ],
            CostKind::Annual { amount, .. } | CostKind::OneOff { amount, .. } => {
                [Some(("amount", amount)), None, None, None]
            }
        }
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        match &mut self.kind {
            CostKind::Renewal { size, every_years } => [
                Some(match size {
                    RenewalSize::ShareOfConstruction(q) => ("share_of_construction", q),
                    RenewalSize::Amount(q) => ("amount", q),
                }),
                Some(("every_years", every_years)),
                None,
                None,
            ],
            CostKind::Annual { amount, .. } | CostKind::OneOff { amount, .. } => {
                [Some(("amount", amount)), None, None, None]
            }
        }
    }
}

impl Stream {
    pub fn quantities(&self) -> Quantities<'_> {
        match &self.kind {
            StreamKind::Grant {
                size,
                withdrawal_hazard,
            } => [
                Some(match size {
                    GrantSize::Amount(q) => ("amount", q),
                    GrantSize::ShareOfCost(q) => ("share_of_cost", q),
                }),
                Some(("withdrawal_hazard", withdrawal_hazard)),
                None,
                None,
            ],
            StreamKind::Budget { amount, .. } => [Some(("amount", amount)), None, None, None],
            StreamKind::Fees {
                saturation_users,
                midpoint_years,
                steepness,
                price,
                ..
            } => [
                Some(("saturation_users", saturation_users)),
                Some(("midpoint_years", midpoint_years)),
                Some(("steepness", steepness)),
                Some(("price", price)),
            ],
            StreamKind::Contract {
                amount,
                exit_hazard,
                downturn_exit_hazard,
                ..
            } => [
                Some(("amount", amount)),
                Some(("exit_hazard", exit_hazard)),
                Some(("downturn_exit_hazard", downturn_exit_hazard)),
                None,
            ],
            StreamKind::Reserve { balance } => [Some(("balance", balance)), None, None, None],
        }
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        match &mut self.kind {
            StreamKind::Grant {
                size,
                withdrawal_hazard,
            } => [
                Some(match size {
                    GrantSize::Amount(q) => ("amount", q),
                    GrantSize::ShareOfCost(q) => ("share_of_cost", q),
                }),
                Some(("withdrawal_hazard", withdrawal_hazard)),
                None,
                None,
            ],
            StreamKind::Budget { amount, .. } => [Some(("amount", amount)), None, None, None],
            StreamKind::Fees {
                saturation_users,
                midpoint_years,
                steepness,
                price,
                ..
            } => [
                Some(("saturation_users", saturation_users)),
                Some(("midpoint_years", midpoint_years)),
                Some(("steepness", steepness)),
                Some(("price", price)),
            ],
            StreamKind::Contract {
                amount,
                exit_hazard,
                downturn_exit_hazard,
                ..
            } => [
                Some(("amount", amount)),
                Some(("exit_hazard", exit_hazard)),
                Some(("downturn_exit_hazard", downturn_exit_hazard)),
                None,
            ],
            StreamKind::Reserve { balance } => [Some(("balance", balance)), None, None, None],
        }
    }
}

impl Benefit {
    pub fn quantities(&self) -> Quantities<'_> {
        [Some(("annual", &self.annual)), None, None, None]
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        [Some(("annual", &mut self.annual)), None, None, None]
    }
}

/// One uncertain input of a model: a quantity drawn once per trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Index of its service.
    pub service: usize,
    /// The `--set` path that names it, e.g.
    /// `service.smart-parking.funding.city-budget.amount`.
    pub path: String,
}

impl Model {
    /// Every per-trial quantity, fixed or not, in the order of
    /// [`crate::engine::Engine::inputs`]: per service its base quantities,
    /// cost lines, risks, funding streams and benefits.
    pub fn inputs<'a>(&'a self) -> Vec<(Input, &'a Quantity)> {
        let mut out = Vec::new();
        for (si, s) in self.services.iter().enumerate() {
            let mut push = |prefix: String, qs: Quantities<'a>| {
                for (key, q) in qs.into_iter().flatten() {
                    let path = format!("{prefix}.{key}");
                    out.push((Input { service: si, path }, q));
                }
            };
            let base = format!("service.{}", s.id);
            push(base.clone(), s.quantities());
            for c in &s.costs {
                push(
                    format!("{base}.cost.{}", crate::names::slug(&c.name)),
                    c.quantities(),
                );
            }
            for r in &s.risks {
                push(
                    format!("{base}.risk.{}", crate::names::slug(&r.name)),
                    r.quantities(),
                );
            }
            for f in &s.funding {
                push(
                    format!("{base}.funding.{}", crate::names::slug(&f.name)),
                    f.quantities(),
                );
            }
            for b in &s.benefits {
                push(
                    format!("{base}.benefit.{}", crate::names::slug(&b.name)),
                    b.quantities(),
                );
            }
        }
        out
    }

    /// Mutable access to the `k`-th input of [`Model::inputs`].
    pub(crate) fn input_mut(&mut self, k: usize) -> Option<&mut Quantity> {
        let mut i = 0;
        for s in &mut self.services {
            let mut lists: Vec<QuantitiesMut<'_>> = Vec::new();
            let (base, rest) = (&mut s.construction_cost, &mut s.opex_ratio);
            lists.push([
                Some(("construction_cost", base)),
                Some(("opex_ratio", rest)),
                None,
                None,
            ]);
            lists.extend(s.costs.iter_mut().map(CostLine::quantities_mut));
            lists.extend(s.risks.iter_mut().map(Risk::quantities_mut));
            lists.extend(s.funding.iter_mut().map(Stream::quantities_mut));
            lists.extend(s.benefits.iter_mut().map(Benefit::quantities_mut));
            for list in lists {
                for (_, q) in list.into_iter().flatten() {
                    if i == k {
                        return Some(q);
                    }
                    i += 1;
                }
            }
        }
        None
    }
}
