//! The compiled model: what the engine runs.
//!
//! A [`Model`] is only ever built by [`crate::scenario`] from a file that
//! passed validation, so the engine can rely on its invariants without
//! checking them again: years are indices into the horizon
//! (`0..horizon`, year index 0 is `start_year`), every window has
//! `from <= to < horizon`, probabilities are in [0, 1], multipliers and
//! volatilities are non-negative, names are unique where streams are keyed
//! by them, and every line carries the [`StreamKey`] of its random stream.

mod books;
mod decisions;
mod dist;
mod inputs;
mod language;
mod provenance;
mod quantity;
// The counter-based random numbers and their vector kernels: the
// engine's internals. The benchmarks measure the kernels alone, so the
// `bench-internals` feature (their dev-dependency's) makes them public.
mod plan;
#[cfg(not(feature = "bench-internals"))]
pub(crate) mod rng;
#[cfg(feature = "bench-internals")]
#[doc(hidden)]
#[allow(missing_docs)]
pub mod rng;
mod streams;
mod thresholds;

pub use books::{AfterExit, CapitalAccount, Delivery, DeliveryKind, Programme};
pub use decisions::{Date, Decision, Materiality, Outcome, StopReason, StopRule, Strength};
pub(crate) use dist::Kernel;
pub use dist::{Dist, DistError};
pub(crate) use dist::{normal_cdf, normal_quantile};
pub use inputs::{Input, Quantities, QuantitiesMut};
pub use language::Language;
pub use plan::{Agreement, Government, Locality, ServicePlan, TEMPLATE_TEXTS, stated};
pub use provenance::{Provenance, Provenances, StatedInput};
pub use quantity::{Domain, Quantity, Volatility};
pub use thresholds::{RENAMED_THRESHOLDS, THRESHOLD_KEYS, Thresholds};

pub use rng::StreamKey;
pub use streams::{Cut, Follows, FundingKind, GrantSize, Payer, Stream, StreamKind, Unmatched};

/// A validated, simulation-ready scenario.
///
/// Invariant: a `Model` is only built by [`crate::scenario`] from a file
/// that passed validation (see the module docs for what that guarantees);
/// its fields are therefore private to the crate and read through the
/// accessors below. The only things a caller may change are the run's
/// trial count and seed, through [`Model::set_run`], and the confidence
/// levels of the funding requirement ([`Model::set_confidence`]).
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
    /// Whether `discount_rate` is real or nominal.
    pub(crate) discount_basis: DiscountBasis,
    /// How yearly amounts are reported.
    pub(crate) prices: Prices,
    /// The language reports are written in unless `--lang` says otherwise.
    pub(crate) lang: Language,
    /// How per-trial inputs are sampled.
    pub(crate) sampling: Sampling,
    /// Groups of per-trial inputs drawn with rank correlation
    /// (`[[correlation]]`), each input in at most one group.
    pub(crate) correlations: Vec<Correlation>,
    /// Trials of a run, at least 1.
    pub(crate) trials: u64,
    /// Confidence levels the funding requirement is reported at, each in
    /// (0, 1), increasing. Empty (the default) skips the requirement: it
    /// costs time in every trial with a gap, and only `fundgap run`
    /// reports it.
    pub(crate) confidence: Vec<f64>,
    pub(crate) seed: u64,
    pub(crate) economy: Economy,
    /// The reserve fund's (예비비) yearly capacity for these services, in
    /// start-year prices (escalated by each trial's cost index); 0: none.
    /// Services that use it draw on what is left of a year's capacity in
    /// the order they are listed.
    pub(crate) reserve_fund: f64,
    pub(crate) services: Vec<Service>,
    /// Names of the special accounts services share (`account` keys), in
    /// order of first appearance; a service's `account` indexes this.
    pub(crate) accounts: Vec<String>,
    /// `[[variant]]` tables, for `fundgap compare` (the first is the baseline).
    pub(crate) variants: Vec<Variant>,
    /// `[[programme]]` tables: stated totals `check` reconciles against.
    pub(crate) programmes: Vec<Programme>,
    /// Rating thresholds of `fundgap evaluate`.
    pub(crate) evaluation: Thresholds,
    /// Where each input comes from, and the `[sources]` table.
    pub(crate) provenance: Provenances,
    /// The level of government, the population and the general account.
    pub(crate) locality: Locality,
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

    /// The level of local government the project belongs to, if stated.
    pub fn government(&self) -> Option<Government> {
        self.locality.government
    }

    /// The level of government, the population and the general account
    /// the scenario states.
    pub fn locality(&self) -> &Locality {
        &self.locality
    }

    /// The language the scenario asks reports to be written in.
    pub fn language(&self) -> Language {
        self.lang
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

    /// Whether NPVs are real (deflated by each trial's own price index,
    /// then discounted) or nominal.
    pub fn discount_basis(&self) -> DiscountBasis {
        self.discount_basis
    }

    /// In which prices yearly amounts are reported.
    pub fn prices(&self) -> Prices {
        self.prices
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

    /// The special accounts whose money services pool, by name.
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// Whether any service has capital lines or a capital account.
    pub fn has_capital(&self) -> bool {
        self.services
            .iter()
            .any(|s| s.capital.is_some() || s.costs.iter().any(|c| c.capital))
    }

    /// The reserve fund's yearly capacity in start-year prices (0: none).
    pub fn reserve_fund(&self) -> f64 {
        self.reserve_fund
    }

    /// Whether a reserve fund can pay any service's shortfalls.
    pub fn has_reserve_fund(&self) -> bool {
        self.reserve_fund > 0.0 && self.services.iter().any(|s| s.uses_reserve_fund)
    }

    /// Whether any grant is the province's (시·도비), so the plan's
    /// national money splits into 국비 and 시·도비.
    pub fn has_province_grants(&self) -> bool {
        self.services.iter().flat_map(|s| &s.funding).any(|st| {
            matches!(
                st.kind,
                StreamKind::Grant {
                    payer: Payer::Province,
                    ..
                }
            )
        })
    }

    /// Whether any service is delivered under a contract.
    pub fn has_delivery(&self) -> bool {
        self.services.iter().any(|s| s.delivery.is_some())
    }

    /// The `[[programme]]` tables, in file order.
    pub fn programmes(&self) -> &[Programme] {
        &self.programmes
    }

    /// The `[[variant]]` tables (the first is the baseline).
    pub fn variants(&self) -> &[Variant] {
        &self.variants
    }

    /// Rating thresholds of the evaluation scorecard.
    pub fn evaluation(&self) -> &Thresholds {
        &self.evaluation
    }

    /// The `[sources]` table: each source key with its citation, by key.
    pub fn sources(&self) -> &[(String, String)] {
        &self.provenance.sources
    }

    /// Where the input at `path` (an [`Input`]'s `--set` path, or any key
    /// of a table that holds inputs) comes from.
    pub fn provenance(&self, path: &str) -> &Provenance {
        self.provenance.of(path)
    }

    /// The confidence levels the funding requirement is reported at.
    pub fn confidence(&self) -> &[f64] {
        &self.confidence
    }

    /// Sets the confidence levels of the funding requirement (like
    /// [`Model::set_run`], it changes no trial's results): sorted,
    /// duplicates dropped; none turns the requirement off. Levels must lie
    /// in (0, 1); the caller validates them.
    pub fn set_confidence(&mut self, levels: &[f64]) {
        let mut v: Vec<f64> = levels.to_vec();
        v.sort_by(f64::total_cmp);
        v.dedup();
        self.confidence = v;
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
    /// Name of the variant.
    pub name: String,
    /// What the variant changes, in words.
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

    /// The service with id `id`, if any.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

/// How NPVs discount. Every yearly amount the model produces is nominal:
/// costs are escalated by the trial's inflation, funding and benefits are
/// money as paid. NPVs count a year's amount at the start of the year,
/// the start year undiscounted: `sum over t of amount(t) x factor(t)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountBasis {
    /// `factor(t) = (1 + r)^-t / E(t)`: each trial's amounts deflated by
    /// its own price index `E(t)` into start-year prices, then discounted
    /// at the real rate `r` (KDI's 4.5% is real). The default.
    Real,
    /// `factor(t) = (1 + r)^-t`: nominal amounts at a nominal rate.
    Nominal,
}

impl DiscountBasis {
    /// The scenario file's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DiscountBasis::Real => "real",
            DiscountBasis::Nominal => "nominal",
        }
    }
}

/// Per-trial inputs drawn together with a rank correlation, by a Gaussian
/// copula: standard normals `z = L e` (`e` independent, keyed per trial),
/// then each input at its distribution's quantile `Phi(z_i)`, so its own
/// distribution is unchanged.
///
/// Invariant: `inputs` index [`Model::inputs`] and are uncertain inputs;
/// `cholesky` is the lower-triangular factor (row-major, `n x n`) of the
/// normals' correlation matrix `2 sin(pi r / 6)` for the asked Spearman
/// correlations `r`, which makes the inputs' rank correlation `r`; it
/// exists because the matrix was checked positive definite.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// The inputs, in the order of the table's `inputs`.
    pub inputs: Vec<usize>,
    /// Lower-triangular factor of the normals' correlation matrix.
    pub cholesky: Vec<f64>,
}

/// How the per-trial inputs are sampled (`[scenario] sampling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sampling {
    /// Each trial draws its own, independently. The default.
    #[default]
    Random,
    /// Latin hypercube: over each block of `trials` consecutive trials,
    /// every input takes one value from each of `trials` equal-probability
    /// strata, the strata assigned to trials by a keyed permutation (a
    /// different one per input and block).
    Lhs,
}

/// In which prices yearly amounts are reported. The balance, the gaps and
/// the decisions are always computed on money as paid; this only chooses
/// how the yearly figures read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prices {
    /// Money as paid in each year (nominal). The default.
    Current,
    /// Start-year prices, as KDI feasibility studies report: each trial's
    /// yearly amounts divided by its own price index. Requires the real
    /// discount basis, so yearly figures and NPVs are in the same money.
    Constant,
}

/// Conditions shared by all services of a trial.
#[derive(Debug, Clone)]
pub struct Economy {
    /// Annual cost escalation, drawn every trial-year.
    pub inflation: Quantity,
    /// How inflation moves from year to year: its persistence and the
    /// years already published.
    pub inflation_path: RatePath,
    /// The wage index that the labour share of operating costs follows
    /// (`labour_share`), if the scenario has one.
    pub wages: Option<Wages>,
    /// The downturn regime, if the scenario has one.
    pub downturn: Option<Downturn>,
    /// Stream of the inflation draws.
    pub key_inflation: StreamKey,
    /// Stream of the downturn chain's draws.
    pub key_downturn: StreamKey,
}

/// How a yearly rate (inflation, wage growth) moves over a trial's years:
/// each year's independent draw `d` becomes `m + phi (x_prev - m) +
/// sqrt(1 - phi^2) (d - m)` (an AR(1) path with the draws' mean `m` and,
/// started from a draw, their variance), and a year whose rate is
/// published takes it instead, the path going on from there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RatePath {
    /// `phi` in [0, 1): 0 draws every year independently (the default).
    pub persistence: f64,
    /// Published rates by year index (each at least 1: the start year's
    /// prices are the base), in increasing year order.
    pub realised: Vec<(usize, f64)>,
}

/// A wage index: yearly wage growth drawn like inflation, on its own path.
#[derive(Debug, Clone)]
pub struct Wages {
    /// Annual wage growth, drawn every trial-year.
    pub growth: Quantity,
    /// How it moves from year to year, and its published years.
    pub path: RatePath,
    /// Stream of the wage growth draws.
    pub key: StreamKey,
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

/// Who a service is for, which decides how `evaluate` judges its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    /// A public service: judged by its benefit-cost ratio.
    Public,
    /// A private business: judged by its financial NPV.
    Private,
    /// Both: judged by its financial NPV.
    Mixed,
}

impl Nature {
    /// The scenario file's spelling.
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
    /// Identifier, unique in the scenario; names the service in `--set`
    /// paths and output rows.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Public, private or mixed.
    pub nature: Nature,
    /// The organisation that runs it, if named.
    pub operator: Option<String>,
    /// Further organisations sharing ownership (for the evaluation of
    /// accountability).
    pub owners: Vec<String>,
    /// Construction cost, in the scenario's money, paid in the opening
    /// year.
    pub construction_cost: Quantity,
    /// Year index of the first operating year.
    pub opens: usize,
    /// Annual operating cost as a share of construction cost.
    pub opex_ratio: Quantity,
    /// Share of the construction cost paid by national grants, for grant
    /// dependency on all money (construction is funded apart from the
    /// yearly balance).
    pub construction_grant_share: f64,
    /// Sd of the mean-one lognormal year-to-year opex multiplier.
    pub volatility: Volatility,
    /// Whether a year's surplus is kept (in the reserve) instead of lapsing.
    pub carry_surplus: bool,
    /// Share of the base operating cost (construction x opex ratio) that
    /// follows the wage index instead of prices (0 without wages).
    pub labour_share: f64,
    /// Whether the scenario's reserve fund may pay its material
    /// shortfalls (after its own reserve).
    pub uses_reserve_fund: bool,
    /// How large a yearly shortfall must be to count as a gap.
    pub materiality: Materiality,
    /// When the service stops or shrinks.
    pub stop: StopRule,
    /// The capital budget or sinking fund of its capital lines, if any.
    pub capital: Option<CapitalAccount>,
    /// The contract a private operator runs it under, if any.
    pub delivery: Option<Delivery>,
    /// The special account (index into [`Model::accounts`]) whose services
    /// pool their yearly surplus and gaps in the portfolio; None: its
    /// money is restricted to it.
    pub account: Option<usize>,
    /// What happened to it in fact, for `fundgap backtest`.
    pub outcome: Option<Outcome>,
    /// The city's decision whether to take the service over when its
    /// national money ends.
    pub decision: Option<Decision>,
    /// Extra cost lines: renewals, annual costs, one-offs.
    pub costs: Vec<CostLine>,
    /// The risk register.
    pub risks: Vec<Risk>,
    /// Funding streams, in file order.
    pub funding: Vec<Stream>,
    /// Social and environmental benefits (for the benefit-cost ratio).
    pub benefits: Vec<Benefit>,
    /// Business Model Canvas and social/environmental entries, as written.
    pub canvas: Vec<(String, String)>,
    /// What the plan states on the source study's four findings.
    pub plan: ServicePlan,
    /// Stream of the base cost draws (construction, ratio, yearly shocks).
    pub key: StreamKey,
}

impl Service {
    /// Whether a decision can stop it: its stop rule, or an operator that
    /// leaves after losses.
    pub fn can_stop(&self) -> bool {
        self.stop.is_set()
            || self.decision.is_some()
            || self.delivery.is_some_and(|d| d.exit_after_loss_years > 0)
    }
}

/// An extra cost line of a service.
#[derive(Debug, Clone)]
pub struct CostLine {
    /// Name, unique among the service's cost lines.
    pub name: String,
    /// Stream of the line's draws.
    pub key: StreamKey,
    /// What the line charges, and when.
    pub kind: CostKind,
    /// Whether the capital account pays it (`funded_by = "capital"`)
    /// instead of the operating year.
    pub capital: bool,
}

/// The kinds of cost line. Amounts are in start-year money, escalated by
/// the trial's inflation.
#[derive(Debug, Clone)]
pub enum CostKind {
    /// Periodic replacement: paid every `every_years` after opening.
    Renewal {
        /// What one replacement costs.
        size: RenewalSize,
        /// Years between replacements (rounded to whole years per
        /// replacement; at least 1).
        every_years: Quantity,
    },
    /// A recurring cost in its window.
    Annual {
        /// Cost in the first year of the window.
        amount: Quantity,
        /// Real growth per year, on top of inflation.
        growth: f64,
        /// Year-to-year noise.
        volatility: Volatility,
        /// First year index.
        from: usize,
        /// Last year index (inclusive).
        to: usize,
    },
    /// A single payment in one year.
    OneOff {
        /// What it costs.
        amount: Quantity,
        /// Year index of the payment.
        year: usize,
    },
}

impl CostKind {
    /// The scenario file's spelling of the kind.
    pub fn as_str(&self) -> &'static str {
        match self {
            CostKind::Renewal { .. } => "renewal",
            CostKind::Annual { .. } => "annual",
            CostKind::OneOff { .. } => "one_off",
        }
    }
}

/// What one replacement of a renewal line costs.
#[derive(Debug, Clone)]
pub enum RenewalSize {
    /// Share of the trial's construction cost.
    ShareOfConstruction(Quantity),
    /// An amount in start-year money.
    Amount(Quantity),
}

/// An entry of the risk register: an event that may strike in any
/// operating year.
#[derive(Debug, Clone)]
pub struct Risk {
    /// Name, unique among the service's risks.
    pub name: String,
    /// Stream of the risk's draws.
    pub key: StreamKey,
    /// Chance that it strikes in a given operating year.
    pub annual_probability: Quantity,
    /// One-off cost when it strikes, in start-year money.
    pub cost: Quantity,
    /// Factor on operating cost while it is active.
    pub opex_multiplier: f64,
    /// Years it stays active after striking.
    pub duration_years: usize,
}

/// A social or environmental benefit of a service.
#[derive(Debug, Clone)]
pub struct Benefit {
    /// Name, unique among the service's benefits.
    pub name: String,
    /// Stream of the benefit's draws.
    pub key: StreamKey,
    /// Value in the first year of the window, in the scenario's money.
    pub annual: Quantity,
    /// Growth per year.
    pub growth: f64,
    /// First year index.
    pub from: usize,
    /// Last year index (inclusive).
    pub to: usize,
}
