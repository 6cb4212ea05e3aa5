//! The scenario file's schema: every accepted key, per table and per
//! kind of line, and the ranges that are not a single key's.

use crate::error::Said;
use crate::model::Domain;

/// Largest magnitude an input may reach. Money in won reaches 1e15 for a
/// national budget; anything near f64's limit (1.8e308) overflows once
/// multiplied by a ratio and summed over years.
pub(super) const LARGEST_INPUT: f64 = 1e250;

/// Longest service id: ids name output files (`fan-<id>.png`), and file
/// names are limited (255 bytes on most file systems).
pub const MAX_ID_CHARS: usize = 64;

/// Longest name (of a scenario, service, line, account, …): names head
/// table rows, chart legends and workbook cells.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest free text (a description, a canvas field, a source): every
/// text fundgap accepts must fit a workbook cell (32,767 characters)
/// with room to spare where several are joined.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// Longest horizon accepted, in years.
pub const MAX_HORIZON: i64 = 200;

/// Kinds of a kinded table with the keys each accepts.
pub(super) type KindKeys<'a> = &'a [(&'a str, &'a [&'a str])];

pub(super) const ROOT_KEYS: &[&str] = &[
    "scenario",
    "economy",
    "service",
    "variant",
    "evaluation",
    "correlation",
    "sources",
    "programme",
];

/// Keys of a `[[programme]]` table.
pub(super) const PROGRAMME_KEYS: &[&str] =
    &["name", "from", "to", "total", "national", "source", "note"];

/// Keys that say where a table's inputs (or one distribution) come from:
/// `source` (keys of `[sources]`) or `assumption` (the reason).
pub(super) const PROVENANCE_KEYS: &[&str] = &["source", "assumption"];

/// Keys of a `[[correlation]]` table.
pub(super) const CORRELATION_KEYS: &[&str] = &["inputs", "rank", "matrix"];
pub(super) const VARIANT_KEYS: &[&str] = &["name", "description", "set"];
pub(super) const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "currency",
    "unit",
    "start_year",
    "horizon_years",
    "discount_rate",
    "discount_basis",
    "prices",
    "lang",
    "government",
    "population",
    "general_account",
    "general_account_growth",
    "sampling",
    "materiality_share",
    "materiality_amount",
    "reserve_fund",
    "trials",
    "seed",
];
pub(super) const ECONOMY_KEYS: &[&str] = &[
    "inflation",
    "inflation_persistence",
    "realised_inflation",
    "wage_growth",
    "wage_persistence",
    "realised_wage_growth",
    "downturn",
    "source",
    "assumption",
];
pub(super) const DOWNTURN_KEYS: &[&str] = &[
    "annual_probability",
    "mean_duration_years",
    "source",
    "assumption",
];
pub(super) const SERVICE_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "nature",
    "operator",
    "owners",
    "construction_cost",
    "construction_grant_share",
    "opens",
    "opex_ratio",
    "volatility",
    "carry_surplus",
    "labour_share",
    "uses_reserve_fund",
    "materiality_share",
    "materiality_amount",
    "stop_after_gap_years",
    "stop_below_funding_share",
    "after_stop_share",
    "capital",
    "delivery",
    "account",
    "outcome",
    "decision",
    "cost",
    "risk",
    "funding",
    "benefit",
    "canvas",
    "plan",
    "source",
    "assumption",
];
pub(super) const CAPITAL_KEYS: &[&str] = &[
    "name",
    "description",
    "balance",
    "amount",
    "growth",
    "from",
    "to",
    "source",
    "assumption",
];
pub(super) const OUTCOME_KEYS: &[&str] = &[
    "stopped", "by", "source", "note", "reason", "cluster", "strength", "forecast", "recorded",
];
pub(super) const DECISION_KEYS: &[&str] =
    &["year", "stop", "shrink", "shrink_to", "source", "note"];
pub(super) const DELIVERY_KEYS: &[&str] = &[
    "kind",
    "description",
    "payment",
    "payment_growth",
    "guarantee",
    "from",
    "to",
    "exit_after_loss_years",
    "investment",
    "termination_share",
    "after_exit",
    "source",
    "assumption",
];
/// Business Model Canvas blocks plus social and environmental entries.
pub const CANVAS_KEYS: &[&str] = &[
    "key_partners",
    "key_activities",
    "key_resources",
    "value_proposition",
    "customer_relationships",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
    "social_cost",
    "social_benefit",
    "environmental_cost",
    "environmental_benefit",
];
pub(super) const RISK_KEYS: &[&str] = &[
    "name",
    "description",
    "annual_probability",
    "cost",
    "opex_multiplier",
    "duration_years",
    "source",
    "assumption",
];
pub(super) const BENEFIT_KEYS: &[&str] = &[
    "name",
    "description",
    "kind",
    "annual",
    "growth",
    "from",
    "to",
    "source",
    "assumption",
];

/// Keys of each kind of cost line.
pub(super) const COST_KINDS: &[(&str, &[&str])] = &[
    (
        "renewal",
        &[
            "kind",
            "name",
            "description",
            "share_of_construction",
            "amount",
            "every_years",
            "funded_by",
            "source",
            "assumption",
        ],
    ),
    (
        "annual",
        &[
            "kind",
            "name",
            "description",
            "amount",
            "growth",
            "volatility",
            "from",
            "to",
            "source",
            "assumption",
        ],
    ),
    (
        "one_off",
        &[
            "kind",
            "name",
            "description",
            "amount",
            "year",
            "funded_by",
            "source",
            "assumption",
        ],
    ),
];

pub(super) const STREAM_COMMON: &[&str] = &[
    "kind",
    "name",
    "description",
    "from",
    "to",
    "downturn_multiplier",
    "source",
    "assumption",
];
/// Keys of each kind of funding stream, on top of [`STREAM_COMMON`] (a
/// reserve takes only `kind`, `name`, `description`, `balance` and the
/// [`PROVENANCE_KEYS`]).
pub(super) const STREAM_KINDS: &[(&str, &[&str])] = &[
    (
        "grant",
        &[
            "amount",
            "share_of_cost",
            "withdrawal_hazard",
            "match_share",
            "unmatched",
            "cap",
            "clawback_charge",
            "payer",
        ],
    ),
    (
        "budget",
        &[
            "amount",
            "growth",
            "volatility",
            "follows",
            "policy",
            "supplementary",
            "supplementary_cap",
        ],
    ),
    (
        "fees",
        &[
            "saturation_users",
            "midpoint_years",
            "steepness",
            "price",
            "price_growth",
            "volatility",
        ],
    ),
    (
        "contract",
        &["amount", "growth", "exit_hazard", "downturn_exit_hazard"],
    ),
    ("reserve", &["balance"]),
];

/// Keys whose values are amounts of money (in the scenario's unit, or
/// won for a fee's price): a percentage under them is a slip, never a
/// share.
const AMOUNT_KEYS: &[&str] = &[
    "amount",
    "construction_cost",
    "materiality_amount",
    "annual",
    "balance",
    "price",
    "cost",
    "cap",
    "payment",
    "guarantee",
    "investment",
    "reserve_fund",
    "general_account",
    "total",
    "national",
];

/// Whether the dotted key `path` holds an amount of money: its last
/// part, or the part before a distribution's parameter
/// (`amount.mean`), is one of [`AMOUNT_KEYS`]. (A table named like a
/// key, `service.x.cost.y.growth`, does not count.)
pub fn is_amount_key(path: &str) -> bool {
    let mut parts = path.rsplit('.');
    let last = parts.next().unwrap_or_default();
    let param = DIST_KEYS.iter().any(|(_, keys)| keys.contains(&last));
    let key = match param {
        true => parts.next().unwrap_or_default(),
        false => last,
    };
    AMOUNT_KEYS.contains(&key)
}

pub(super) const DIST_KEYS: &[(&str, &[&str])] = &[
    ("uniform", &["dist", "min", "max"]),
    ("triangular", &["dist", "min", "mode", "max"]),
    ("pert", &["dist", "min", "mode", "max"]),
    ("normal", &["dist", "mean", "sd", "min", "max"]),
    ("lognormal", &["dist", "mean", "sd"]),
    ("discrete", &["dist", "values", "weights"]),
];

pub(super) const INFLATION_DOMAIN: Domain = Domain { lo: -0.5, hi: 1.0 };
/// The same bounds for a fixed rate.
pub(super) const INFLATION_RANGE: Range64 = Range64 {
    lo: -0.5,
    hi: 1.0,
    lo_open: false,
};
/// A grant's sanction surcharge (제재부가금) as a multiple of the grant
/// paid back: at most five times it (보조금법 제33조의2①).
pub(super) const SANCTION_RANGE: Range64 = Range64 {
    lo: 0.0,
    hi: 5.0,
    lo_open: false,
};
pub(super) const GROWTH_RANGE: Range64 = Range64 {
    lo: -1.0,
    hi: 1.0,
    lo_open: false,
};

/// What a number must be, for messages and checks.
#[derive(Clone, Copy)]
pub(super) struct Range64 {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) lo_open: bool,
}

impl Range64 {
    pub(super) const ANY: Range64 = Range64 {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
        lo_open: false,
    };
    pub(super) const NON_NEG: Range64 = Range64 {
        lo: 0.0,
        hi: f64::INFINITY,
        lo_open: false,
    };
    /// A year's noise, the standard deviation of its logarithm: at 1 a
    /// year's cost already swings by a factor e either way, so a larger
    /// value is a percentage written by mistake (8 for 8%).
    pub(super) const VOLATILITY: Range64 = Range64 {
        lo: 0.0,
        hi: 1.0,
        lo_open: false,
    };
    pub(super) const PROB: Range64 = Range64 {
        lo: 0.0,
        hi: 1.0,
        lo_open: false,
    };

    pub(super) fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.lo_open {
                v > self.lo
            } else {
                v >= self.lo
            })
            && v <= self.hi
    }

    /// What a number must be, in English and in Korean.
    pub(super) fn describe(&self) -> Said {
        let (lo, hi) = (self.lo, self.hi);
        let (above, ko_above) = if self.lo_open {
            ("greater than", "보다 큰")
        } else {
            ("at least", " 이상인")
        };
        match (lo.is_finite(), hi.is_finite()) {
            (true, true) if !self.lo_open => Said::both(
                format!("a number between {lo} and {hi}"),
                format!("{lo}에서 {hi} 사이의 수"),
            ),
            (true, true) => Said::both(
                format!("a number {above} {lo} and at most {hi}"),
                format!("{lo}보다 크고 {hi} 이하인 수"),
            ),
            (true, false) => Said::both(
                format!("a number {above} {lo}"),
                format!("{lo}{ko_above} 수"),
            ),
            (false, true) => {
                Said::both(format!("a number at most {hi}"), format!("{hi} 이하인 수"))
            }
            (false, false) => Said::both("a number", "수"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_amount_key;

    #[test]
    fn amounts_are_told_by_their_key_not_by_a_table_of_that_name() {
        for amount in [
            "amount",
            "service.parking.funding.city.amount",
            "service.parking.funding.city.amount.mean",
            "service.parking.risk.outage.cost.mode",
            "construction_cost.max",
            "reserve_fund",
        ] {
            assert!(is_amount_key(amount), "{amount}");
        }
        for other in [
            "service.parking.cost.sensors.growth",
            "service.parking.cost.sensors.share_of_construction",
            "opex_ratio.mode",
            "service.price.volatility",
            "discount_rate",
        ] {
            assert!(!is_amount_key(other), "{other}");
        }
    }
}
