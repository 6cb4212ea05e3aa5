//! Whose books a service's money is in: capital spending funded apart
//! from the operating year ([`CapitalAccount`]), contracts that put the
//! operating loss on a private operator and a fixed or guaranteed payment
//! on the city ([`Delivery`]), and special accounts that pool the money of
//! services sharing them ([`Model::accounts`](super::Model::accounts)).
//!
//! These are budget decisions written in a contract or an ordinance, not
//! uncertainties, so their amounts are plain numbers (nominal: a contract's
//! payment is what it says, indexed only by its own `growth`).

/// A service's capital budget or sinking fund: cost lines marked
/// `funded_by = "capital"` (equipment replacement, one-off capital works)
/// are paid from it instead of from the operating year, and what it
/// cannot pay is a capital gap, reported apart from operating gaps.
///
/// Invariant: `balance`, `amount` >= 0, `growth` > -1, `from <= to`
/// within the horizon. A service without one funds capital lines from
/// nothing: the whole capital need is reported as a capital gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapitalAccount {
    /// Opening balance.
    pub balance: f64,
    /// Paid in each year of the window, growing by `growth` a year.
    pub amount: f64,
    /// Growth of the yearly amount.
    pub growth: f64,
    /// First year index of the contributions.
    pub from: usize,
    /// Last year index of the contributions.
    pub to: usize,
}

impl CapitalAccount {
    /// What is paid in at year index `t`.
    #[inline]
    pub fn contribution(&self, t: usize) -> f64 {
        if t < self.from || t > self.to {
            return 0.0;
        }
        self.amount * (1.0 + self.growth).powi((t - self.from) as i32)
    }
}

/// How a service is delivered when a private operator runs it under
/// contract. In the contract's years the operator bears the operating cost
/// and the city owes what the contract says; the city's gap is that
/// obligation less the city's money, and the operator's loss is the cost
/// less the operator's income. Outside the contract's years the city runs
/// the service (all its cost and money are the city's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delivery {
    /// The contract structure.
    pub kind: DeliveryKind,
    /// Yearly payment in the first contract year (availability payment, or
    /// a fixed outsourcing fee; 0 for an outsourcing contract that
    /// reimburses the operator's cost).
    pub payment: f64,
    /// Growth of the payment per year.
    pub payment_growth: f64,
    /// BTO: the fee revenue the city guarantees each year (it pays the
    /// shortfall of fees below it).
    pub guarantee: f64,
    /// First contract year index.
    pub from: usize,
    /// Last contract year index.
    pub to: usize,
    /// The operator leaves after this many consecutive years with a loss
    /// above the service's materiality threshold (0: never).
    pub exit_after_loss_years: usize,
    /// The operator's investment the contract lets it recover, straight
    /// line over the contract's years (0: none to repay).
    pub investment: f64,
    /// Share of the unrecovered investment the city pays when the
    /// operator leaves (the termination payment, 해지시지급금, as the
    /// 실시협약 sets it for an operator's default), in [0, 1].
    pub termination_share: f64,
    /// What follows the operator's exit.
    pub after_exit: AfterExit,
}

/// What follows a contracted operator's exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AfterExit {
    /// The service stops as a stop rule stops it (its `after_stop_share`
    /// goes on). The default.
    #[default]
    Stop,
    /// The city takes the service over: from the exit year its cost and
    /// money are the city's, as outside the contract's years.
    TakeOver,
}

impl AfterExit {
    /// The scenario file's spellings.
    pub const OPTIONS: [(&'static str, AfterExit); 2] = [
        ("stop", AfterExit::Stop),
        ("take_over", AfterExit::TakeOver),
    ];
}

impl Delivery {
    /// Whether year index `t` is under the contract.
    #[inline]
    pub fn covers(&self, t: usize) -> bool {
        self.from <= t && t <= self.to
    }

    /// The termination payment if the operator leaves from year index
    /// `t`: the share of the investment not yet recovered (straight line
    /// over the contract's years; all of it before the first, none after
    /// the last).
    #[inline]
    pub fn termination_at(&self, t: usize) -> f64 {
        let years = (self.to - self.from + 1) as f64;
        let left = (self.to + 1).saturating_sub(t.max(self.from)) as f64;
        self.termination_share * self.investment * left / years
    }

    /// The contract's payment at year index `t` (under the contract).
    #[inline]
    pub fn payment_at(&self, t: usize) -> f64 {
        self.payment * (1.0 + self.payment_growth).powi((t - self.from) as i32)
    }
}

/// A programme's stated totals (사업비 총액 and 국비) over its years, as
/// its documents give them: what `fundgap check` reconciles the scenario
/// against (its construction and operations in those years, and their
/// national share). Not used by the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// The programme's name (unique in the scenario).
    pub name: String,
    /// First year index of the programme.
    pub from: usize,
    /// Last year index of the programme.
    pub to: usize,
    /// Its stated total cost (사업비 총액), >= 0.
    pub total: f64,
    /// Its stated national money (국비), if stated.
    pub national: Option<f64>,
    /// Where the totals come from.
    pub source: String,
}

/// Korean contract structures for a privately run public service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// 민간위탁: the city pays the operator a fee: the operator's cost less
    /// its own income (cost reimbursed, 정산), or a fixed fee, and keeps
    /// the user fees.
    Outsourced,
    /// BTL (임대형 민자사업): the city pays a fixed availability payment,
    /// whatever the demand, and keeps the user fees; the operator bears
    /// the operating cost.
    Btl,
    /// BTO (수익형 민자사업): the operator keeps the user fees and bears the
    /// cost; the city pays only a minimum revenue guarantee (0: none, a
    /// pure concession).
    Bto,
}

impl DeliveryKind {
    /// The scenario file's spellings.
    pub const OPTIONS: [(&'static str, DeliveryKind); 3] = [
        ("outsourced", DeliveryKind::Outsourced),
        ("btl", DeliveryKind::Btl),
        ("bto", DeliveryKind::Bto),
    ];

    /// The scenario file's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Outsourced => "outsourced",
            DeliveryKind::Btl => "btl",
            DeliveryKind::Bto => "bto",
        }
    }

    /// Whether user fees are the operator's income (otherwise the city's).
    pub fn operator_keeps_fees(self) -> bool {
        self == DeliveryKind::Bto
    }
}
