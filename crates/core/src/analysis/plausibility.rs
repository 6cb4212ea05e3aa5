//! What `fundgap check` warns about in a scenario that is valid but
//! probably not what its author meant: an operating cost above the build
//! cost every year or a renewal costing more than the build (a percentage
//! written for a share), a grant's match of more than nine local won per
//! grant won (the same slip), and amounts off
//! from the service's planned cost by a factor that suggests the wrong
//! unit (won written in a million-won file, or the reverse), and money
//! together far above the cost. Warnings,
//! not errors: each can be true of a real service. Pure: read from the
//! model's inputs alone.

use crate::model::{CostKind, GrantSize, Model, RenewalSize, Service, StreamKind};
use crate::names::slug;

/// A stream amount this many times the service's planned yearly cost, or
/// this many times smaller, is probably in the wrong unit. The slip
/// Korean budgets invite most is 억 원 typed in a 백만 원 column (or the
/// reverse), a factor of 100; between 원, 천원 and 백만원 the step is
/// 1,000. A stream that is meant to pay a fiftieth of the cost (an
/// oversight budget beside fees) is warned of too, as a question.
const UNIT_FACTOR: f64 = 50.0;

/// Money stated for a service this many times its planned yearly cost
/// (each amount within the unit check) is more than a city appropriates:
/// what exceeds the cost lapses or is returned, so the scenario shows no
/// gap it might have.
const SURPLUS_FACTOR: f64 = 3.0;

/// An operating cost this many times the build cost each year is not a
/// share (the U-City evaluation found about 0.15).
const OPEX_RATIO_MAX: f64 = 1.0;

/// A grant's match above this many local won per grant won means a grant
/// rate below 10%, under every 기준보조율 of the subsidy act's schedule
/// (보조금 관리에 관한 법률 시행령 별표 1): a percentage written for the
/// ratio.
const MATCH_SHARE_MAX: f64 = 9.0;

/// The most a general account may set aside as its reserve fund (예비비):
/// 1% of the budget (지방재정법 제43조①).
const RESERVE_FUND_MAX: f64 = 0.01;

/// One warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The `--set` path of what it is about.
    pub path: String,
    /// What looks wrong, with the figures.
    pub kind: Concern,
}

/// What looks wrong.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Concern {
    /// The opex ratio's mean is above 1: the service would cost more to
    /// run each year than to build.
    OpexRatio {
        /// The mean ratio.
        ratio: f64,
    },
    /// A renewal's share of construction has a mean above 1: each renewal
    /// would cost more than the build.
    RenewalShare {
        /// The mean share.
        share: f64,
    },
    /// The reserve fund these services may draw on is more than the
    /// law lets the whole general account set aside ([`RESERVE_FUND_MAX`]).
    ReserveFund {
        /// `[scenario] reserve_fund`.
        fund: f64,
        /// `[scenario] general_account`.
        general_account: f64,
    },
    /// A grant's `match_share` above [`MATCH_SHARE_MAX`]: the city would
    /// pay that many won for each won of the grant.
    MatchShare {
        /// The stated match.
        share: f64,
    },
    /// An amount is `times` the planned yearly cost (below 1: that many
    /// times smaller).
    Scale {
        /// The amount's mean (for fees, users x price at saturation).
        amount: f64,
        /// The service's planned yearly cost.
        planned: f64,
        /// amount / planned.
        times: f64,
        /// For fees, the price's mean (per user and year): the figure to
        /// fix, as a price in won typed into a million-won file is the
        /// usual slip.
        price: Option<f64>,
    },
    /// A `[service.plan]` text is still the sample `fundgap init` wrote:
    /// the scorecard rates it as not stated.
    TemplateText,
    /// The service's stated money together is `times` its planned yearly
    /// cost.
    Surplus {
        /// The stated amounts' means, summed.
        total: f64,
        /// The service's planned yearly cost.
        planned: f64,
        /// total / planned.
        times: f64,
    },
}

/// The service's planned yearly cost in start-year prices: construction x
/// opex ratio and its annual operating lines, at their means (0 when it
/// states neither).
fn planned(s: &Service) -> f64 {
    let lines: f64 = s
        .costs
        .iter()
        .filter(|l| !l.capital)
        .filter_map(|l| match &l.kind {
            CostKind::Annual { amount, .. } => Some(amount.mean()),
            _ => None,
        })
        .sum();
    s.construction_cost.mean() * s.opex_ratio.mean() + lines
}

/// Every warning for `model`, service by service in file order.
pub fn warnings(model: &Model) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Some(general) = model.locality().general_account
        && model.reserve_fund() > RESERVE_FUND_MAX * general
    {
        out.push(Warning {
            path: "scenario.reserve_fund".to_string(),
            kind: Concern::ReserveFund {
                fund: model.reserve_fund(),
                general_account: general,
            },
        });
    }
    for s in &model.services {
        let p = &s.plan;
        for (key, text) in [
            ("improves_on", &p.improves_on),
            ("improvement", &p.improvement),
            ("free_plan", &p.free_plan),
        ] {
            let sample = |t: &String| crate::model::TEMPLATE_TEXTS.contains(&t.trim());
            if text.as_ref().is_some_and(sample) {
                out.push(Warning {
                    path: format!("service.{}.plan.{key}", s.id),
                    kind: Concern::TemplateText,
                });
            }
        }
        let ratio = s.opex_ratio.mean();
        if ratio > OPEX_RATIO_MAX {
            out.push(Warning {
                path: format!("service.{}.opex_ratio", s.id),
                kind: Concern::OpexRatio { ratio },
            });
        }
        for line in &s.costs {
            if let CostKind::Renewal {
                size: RenewalSize::ShareOfConstruction(q),
                ..
            } = &line.kind
                && q.mean() > OPEX_RATIO_MAX
            {
                out.push(Warning {
                    path: format!(
                        "service.{}.cost.{}.share_of_construction",
                        s.id,
                        slug(&line.name)
                    ),
                    kind: Concern::RenewalShare { share: q.mean() },
                });
            }
        }
        for st in &s.funding {
            // The schedule binds the state's grants; a province's may
            // set smaller rates.
            if let StreamKind::Grant {
                match_share,
                payer: crate::model::Payer::National,
                ..
            } = st.kind
                && match_share > MATCH_SHARE_MAX
            {
                out.push(Warning {
                    path: format!("service.{}.funding.{}.match_share", s.id, slug(&st.name)),
                    kind: Concern::MatchShare { share: match_share },
                });
            }
        }
        let plan = planned(s);
        if plan <= 0.0 {
            continue;
        }
        let mut total = 0.0;
        let mut scaled = false;
        for st in &s.funding {
            let price = match &st.kind {
                StreamKind::Fees { price, .. } => Some(price.mean()),
                _ => None,
            };
            let amount = match &st.kind {
                StreamKind::Grant {
                    size: GrantSize::Amount(q),
                    ..
                }
                | StreamKind::Contract { amount: q, .. } => q.mean(),
                StreamKind::Budget {
                    amount, follows, ..
                } => match follows {
                    crate::model::Follows::Settled {
                        first_stated: false,
                        ..
                    } => continue,
                    _ => amount.mean(),
                },
                StreamKind::Fees {
                    saturation_users,
                    price,
                    ..
                } => saturation_users.mean() * price.mean(),
                _ => continue,
            };
            if amount <= 0.0 {
                continue;
            }
            total += amount;
            let times = amount / plan;
            if !(1.0 / UNIT_FACTOR..=UNIT_FACTOR).contains(&times) {
                scaled = true;
                let path = format!("service.{}.funding.{}", s.id, slug(&st.name));
                out.push(Warning {
                    path,
                    kind: Concern::Scale {
                        amount,
                        planned: plan,
                        times,
                        price,
                    },
                });
            }
        }
        // A surplus made by one amount in the wrong unit is said once, as
        // that.
        let times = total / plan;
        if !scaled && times > SURPLUS_FACTOR {
            out.push(Warning {
                path: format!("service.{}.funding", s.id),
                kind: Concern::Surplus {
                    total,
                    planned: plan,
                    times,
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    fn model(service: &str) -> Model {
        let text = format!(
            "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = 5\nunit = \"million\"\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\n{service}"
        );
        parse_str(&text, "p.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// An opex ratio of 12 (12% meant), a budget of 7.2e9 in a
    /// million-won file (won meant) and a fee of 1,440 per user (1,440
    /// won meant, 0.00144 million) each warn; the same service written
    /// right does not.
    #[test]
    fn unit_and_percentage_slips_warn_and_right_figures_do_not() {
        let right = model(
            "opex_ratio = 0.12\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 72\n\
             [[service.funding]]\nkind = \"fees\"\nname = \"fares\"\nsaturation_users = 20000\nprice = 0.00144\n",
        );
        assert_eq!(warnings(&right), []);
        let slips = model(
            "opex_ratio = 12\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 7.2e9\n",
        );
        let w = warnings(&slips);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[0].kind, Concern::OpexRatio { ratio: 12.0 });
        assert!(matches!(w[1].kind, Concern::Scale { times, .. } if times > 1e5));
        assert_eq!(w[1].path, "service.s.funding.city");
        let fare = model(
            "opex_ratio = 0.12\n\
             [[service.funding]]\nkind = \"fees\"\nname = \"fares\"\nsaturation_users = 20000\nprice = 1440\n",
        );
        let w = warnings(&fare);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path, "service.s.funding.fares");
        // 1.2 (억 meant) typed in a 백만 원 column: a hundredth of the
        // 120 meant.
        let eok = model(
            "opex_ratio = 0.12\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 1.2\n",
        );
        let w = warnings(&eok);
        assert!(
            matches!(w[..], [Warning { kind: Concern::Scale { times, .. }, .. }] if times < 0.02),
            "{w:?}"
        );
    }

    /// Money together above three times the planned cost (120 a year)
    /// warns once, for the service; at three times it does not.
    #[test]
    fn funding_far_above_cost_warns() {
        let rich = model(
            "opex_ratio = 0.12\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 300\n\
             [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 100\n",
        );
        let w = warnings(&rich);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path, "service.s.funding");
        assert!(matches!(w[0].kind, Concern::Surplus { total, times, .. }
            if total == 400.0 && (times - 400.0 / 120.0).abs() < 1e-12));
        let enough = model(
            "opex_ratio = 0.12\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 260\n\
             [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 100\n",
        );
        assert_eq!(warnings(&enough), []);
    }

    /// A match of 50 city won per grant won (50% meant) warns; 1.0 and a
    /// 10% grant rate (9) do not.
    #[test]
    fn a_match_share_written_as_a_percentage_warns() {
        let grant = |m: &str| {
            model(&format!(
                "opex_ratio = 0.12\n\
                 [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 60\nmatch_share = {m}\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 60\n"
            ))
        };
        let w = warnings(&grant("50"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path, "service.s.funding.national.match_share");
        assert_eq!(w[0].kind, Concern::MatchShare { share: 50.0 });
        assert_eq!(warnings(&grant("1.0")), []);
        assert_eq!(warnings(&grant("9")), []);
    }

    /// A reserve fund above 1% of the general account warns; at 1% it
    /// does not, nor without a general account.
    #[test]
    fn a_reserve_fund_above_the_legal_share_warns() {
        let with = |fund: &str, general: &str| {
            let text = format!(
                "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = 5\nunit = \"million\"\n\
                 reserve_fund = {fund}\n{general}\n\
                 [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.12\n"
            );
            warnings(&parse_str(&text, "p.toml").unwrap_or_else(|e| panic!("{e}")))
        };
        let w = with("1001", "general_account = 100000");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path, "scenario.reserve_fund");
        assert_eq!(with("1000", "general_account = 100000"), []);
        assert_eq!(with("1001", ""), []);
    }
}
