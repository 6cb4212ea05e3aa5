//! What a service's plan states about the four findings of the source
//! study on why smart-city services lapse (docs/sources.md): whether it
//! does better than what the city already runs, whether an agreement says
//! who runs it, how a service its users see as free will be paid for, and
//! whether staff are dedicated to it long enough to outlast a rotation.
//! The scorecard (`fundgap evaluate`) rates each from what is stated here.

/// `[service.plan]`: every key optional; what is not stated rates as
/// absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServicePlan {
    /// The existing service it improves on (`"none"`: nothing like it
    /// runs).
    pub improves_on: Option<String>,
    /// What it does better than that, and by how much (or what it adds).
    pub improvement: Option<String>,
    /// The agreement on who runs the service, as far as it has got.
    pub agreement: Agreement,
    /// Whether users see it as free (None: free unless it has fees).
    pub free_to_users: Option<bool>,
    /// How a service its users see as free is paid for in the long run.
    pub free_plan: Option<String>,
    /// Staff dedicated to running it, in full-time equivalents.
    pub dedicated_staff: f64,
    /// How long they are expected to stay on it, in years.
    pub staff_tenure_years: Option<f64>,
}

/// The sample texts `fundgap init` writes into `[service.plan]`, in
/// English and Korean: left unedited, they state nothing.
pub const TEMPLATE_TEXTS: [&str; 6] = [
    "The service it replaces",
    "What it does better, and by how much",
    "How it is paid for if users see it as free",
    "대체하는 기존 서비스",
    "무엇이 얼마나 나아지는가",
    "이용자가 무료로 여길 때의 재원 계획",
];

/// A plan's `text` where it states something: neither blank nor the
/// template's sample left as it was.
pub fn stated(text: &Option<String>) -> Option<&String> {
    text.as_ref()
        .filter(|t| !t.trim().is_empty() && !TEMPLATE_TEXTS.contains(&t.trim()))
}

/// The level of local government a scenario's project belongs to: it
/// decides which investment review (지방재정 투자심사) a project of its
/// size must pass before it is budgeted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Government {
    /// 광역: a 특별시, 광역시, 특별자치시, 도 or 특별자치도.
    Metropolitan,
    /// 기초: a 시, 군 or 자치구.
    Basic,
}

impl Government {
    /// The names a scenario uses.
    pub const OPTIONS: [(&'static str, Government); 2] = [
        ("metropolitan", Government::Metropolitan),
        ("basic", Government::Basic),
    ];
}

/// Where the project sits in local finance: the level of government (which
/// decides its investment review) and, when stated, the population and the
/// general account that per-resident and share-of-account figures are
/// taken against.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Locality {
    /// The level of local government, if stated.
    pub government: Option<Government>,
    /// Residents, if stated (positive).
    pub population: Option<f64>,
    /// The general account (일반회계) in the scenario's first year, in the
    /// scenario's unit, if stated (positive).
    pub general_account: Option<f64>,
    /// Its nominal growth a year (0 unless stated).
    pub general_account_growth: f64,
}

impl Locality {
    /// The general account in `year`, grown from the scenario's first
    /// year `start`.
    pub fn general_account_in(&self, start: i32, year: i32) -> Option<f64> {
        let g = self.general_account?;
        Some(g * (1.0 + self.general_account_growth).powi(year - start))
    }
}

/// How far the agreement on who runs the service (운영 협약, 위·수탁
/// 계약) has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Agreement {
    /// None stated.
    #[default]
    None,
    /// Drafted, not signed.
    Draft,
    /// Signed.
    Signed,
}

impl Agreement {
    /// The names a scenario uses.
    pub const OPTIONS: [(&'static str, Agreement); 3] = [
        ("none", Agreement::None),
        ("draft", Agreement::Draft),
        ("signed", Agreement::Signed),
    ];
}
