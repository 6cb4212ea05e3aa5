//! Funding streams: the kinds of money a service can count on, and what
//! each kind pays (grants that end or are withdrawn, budgets, fees,
//! contracts, reserves).

use super::{Quantity, StreamKey, Volatility};

/// The kinds of funding stream, in the order used for per-kind tables.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum FundingKind {
    /// National (or other higher-level) grants.
    Grant = 0,
    /// The local budget.
    Budget = 1,
    /// User fees.
    Fees = 2,
    /// A private partner's contract payments.
    Contract = 3,
    /// A reserve that pays out shortfalls.
    Reserve = 4,
}

impl FundingKind {
    /// Every kind, in table order.
    pub const ALL: [FundingKind; 5] = [
        FundingKind::Grant,
        FundingKind::Budget,
        FundingKind::Fees,
        FundingKind::Contract,
        FundingKind::Reserve,
    ];
    /// Number of kinds.
    pub const COUNT: usize = 5;

    /// The scenario file's spelling of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            FundingKind::Grant => "grant",
            FundingKind::Budget => "budget",
            FundingKind::Fees => "fees",
            FundingKind::Contract => "contract",
            FundingKind::Reserve => "reserve",
        }
    }

    /// The kind spelled `s` in a scenario file.
    pub fn parse(s: &str) -> Option<FundingKind> {
        FundingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A funding stream of a service.
#[derive(Debug, Clone)]
pub struct Stream {
    /// Name, unique among the service's streams.
    pub name: String,
    /// Stream of the stream's draws.
    pub key: StreamKey,
    /// What it pays, and how.
    pub kind: StreamKind,
    /// First year index in which the stream can pay.
    pub from: usize,
    /// Last year index in which the stream can pay (inclusive).
    pub to: usize,
    /// Factor applied to the payment in a downturn year.
    pub downturn_multiplier: f64,
    /// A policy cut applied by stress tests: from year index `from`, the
    /// stream pays `keep` times what it would have paid.
    pub cut: Option<Cut>,
}

impl Stream {
    /// The kind of the stream, for per-kind tables.
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

/// A policy cut of a stream (set by `fundgap stress`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// First year index of the cut.
    pub from: usize,
    /// Share of each payment that remains, in [0, 1].
    pub keep: f64,
}

/// How much a grant pays.
#[derive(Debug, Clone)]
pub enum GrantSize {
    /// A fixed amount per year.
    Amount(Quantity),
    /// A share of the service's cost in each year.
    ShareOfCost(Quantity),
}

/// What a year whose local money does not match a grant does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched {
    /// That year's payment is cut to what the local money matches.
    Cut,
    /// The grant ends for good from that year (no payment that year).
    Withdraw,
    /// The grant ends for good and everything it has paid so far is
    /// returned that year (보조금 반환: a negative payment in the grant's
    /// row), as when the ministry orders the subsidy back.
    Clawback,
}

impl Unmatched {
    /// The scenario file's spellings, in the order of the variants.
    pub const OPTIONS: [(&'static str, Unmatched); 3] = [
        ("cut", Unmatched::Cut),
        ("withdraw", Unmatched::Withdraw),
        ("clawback", Unmatched::Clawback),
    ];

    /// What `fundgap check` says the rule does.
    pub fn describe(self) -> &'static str {
        match self {
            Unmatched::Cut => "cut",
            Unmatched::Withdraw => "withdrawn for good",
            Unmatched::Clawback => "withdrawn for good and paid back",
        }
    }
}

/// Which government pays a grant. Both are 보조금 under the same rules
/// (지방재정법 제23조: the state's to local governments, a 시·도's to its
/// 시·군·구); a 중기지방재정계획 lists them apart as 국비 and 시·도비.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payer {
    /// The state (국비).
    National,
    /// The province or metropolitan government above the project's
    /// (시·도비).
    Province,
}

impl Payer {
    /// The scenario file's spellings, in the order of the variants.
    pub const OPTIONS: [(&'static str, Payer); 2] =
        [("national", Payer::National), ("province", Payer::Province)];
}

/// How a budget line's yearly amount is decided before the year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Follows {
    /// A path fixed in advance: the amount, growing each year, with
    /// year-to-year noise.
    Fixed,
    /// An appropriation that follows cost (예산 편성 on 결산): the first
    /// year's amount as stated (or, where none is, `policy` times the
    /// year's planned cost), then each year `policy` times the year
    /// before's settled cost, raised by the expected price change
    /// (`growth`). An in-year overrun (the year's cost times `policy`,
    /// less the appropriation) is met by a supplementary budget (추경)
    /// with chance `supplementary`, up to `supplementary_cap` times the
    /// appropriation; what is left is a gap.
    Settled {
        /// Share of the settled cost the city appropriates.
        policy: f64,
        /// Chance each year that an overrun gets a supplementary budget.
        supplementary: f64,
        /// The most a supplementary budget adds, as a share of the year's
        /// appropriation.
        supplementary_cap: f64,
        /// Whether each year's appropriation follows the planned cost
        /// instead (`follows = "plan"`): `policy` times the service's
        /// planned cost (construction x opex ratio from its opening, and
        /// its annual and one-off operating lines, as the trial draws
        /// them, at the prices expected for the year); `amount` is not
        /// used.
        plan: bool,
        /// Whether the first year's amount is stated (`amount`); if not,
        /// it is the plan's.
        first_stated: bool,
    },
}

/// The kinds of funding stream with their parameters. Amounts are in the
/// scenario's money per year (nominal: not escalated by inflation).
#[derive(Debug, Clone)]
pub enum StreamKind {
    /// A grant that pays until withdrawn.
    Grant {
        /// What it pays each year.
        size: GrantSize,
        /// Chance each year (from the first) that it is withdrawn for good.
        withdrawal_hazard: Quantity,
        /// Local money required per unit of grant in the same year (1.0
        /// for a 1:1 match; 0: none). Where the service's budget money
        /// falls short, the grant is cut to what it matches.
        match_share: f64,
        /// What a year without enough local money does to the grant.
        unmatched: Unmatched,
        /// The decided amount (교부결정액): the most the grant pays in a
        /// year, whatever its size or the year's cost; None where the
        /// scenario states none (a `share_of_cost` grant then grows with
        /// overruns, which `check` points out).
        cap: Option<f64>,
        /// The additional charge on a clawback, as a share of what is
        /// repaid (0.1: 110% goes back).
        clawback_charge: f64,
        /// Which government pays it: the state (국비) or the province
        /// (시·도비, a 시·도's grant to its 시·군·구).
        payer: Payer,
    },
    /// A local budget line.
    Budget {
        /// Amount in the first year of the window.
        amount: Quantity,
        /// Growth per year.
        growth: f64,
        /// Year-to-year noise.
        volatility: Volatility,
        /// How the amount is decided before each year.
        follows: Follows,
    },
    /// User fees: users adopting on a logistic curve times a price.
    Fees {
        /// Users per year once adoption is complete.
        saturation_users: Quantity,
        /// Years of operation until half the users have adopted.
        midpoint_years: Quantity,
        /// Steepness of the adoption curve, per year.
        steepness: Quantity,
        /// Price per user per year, in the opening year.
        price: Quantity,
        /// Price growth per year.
        price_growth: f64,
        /// Year-to-year noise.
        volatility: Volatility,
    },
    /// A private partner's contract, until the partner exits.
    Contract {
        /// Payment in the first year of the window.
        amount: Quantity,
        /// Growth per year.
        growth: f64,
        /// Chance each normal year that the partner exits for good.
        exit_hazard: Quantity,
        /// The same in a downturn year.
        downturn_exit_hazard: Quantity,
    },
    /// A reserve that pays out shortfalls until it is empty.
    Reserve {
        /// Opening balance.
        balance: Quantity,
    },
}
