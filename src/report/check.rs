//! What `fundgap check` prints: the scenario as the model understood
//! it, service by service, so a reader can confirm every line was read as
//! meant.

use std::fmt::Write;

use fundgap::format::{percent, thousands};
use fundgap::model::{
    CostKind, CostLine, DeliveryKind, GrantSize, Model, RenewalSize, Service, Stream, StreamKind,
};

fn window(model: &Model, from: usize, to: usize) -> String {
    format!("{}–{}", model.year(from), model.year(to))
}

/// What a cost line charges, for `fundgap check`.
fn cost_what(model: &Model, c: &CostLine) -> String {
    match &c.kind {
        CostKind::Renewal { size, every_years } => {
            let size = match size {
                RenewalSize::ShareOfConstruction(q) => {
                    format!("{} of construction", q.describe())
                }
                RenewalSize::Amount(q) => q.describe(),
            };
            format!("{size} every {} years", every_years.describe())
        }
        CostKind::Annual {
            amount, from, to, ..
        } => format!(
            "{} a year, {}",
            amount.describe(),
            window(model, *from, *to)
        ),
        CostKind::OneOff { amount, year } => {
            format!("{} in {}", amount.describe(), model.year(*year))
        }
    }
}

/// What a funding stream pays, for `fundgap check`.
fn stream_what(model: &Model, f: &Stream) -> String {
    match &f.kind {
        StreamKind::Grant {
            size,
            withdrawal_hazard,
            match_share,
            unmatched,
        } => {
            let size = match size {
                GrantSize::Amount(q) => format!("{} a year", q.describe()),
                GrantSize::ShareOfCost(q) => format!("{} of cost", q.describe()),
            };
            let matched = if *match_share > 0.0 {
                format!(
                    ", needs {match_share} of local budget money per unit ({} where unmatched)",
                    unmatched.describe()
                )
            } else {
                String::new()
            };
            format!(
                "{size}, {}, withdrawal hazard {}{matched}",
                window(model, f.from, f.to),
                withdrawal_hazard.describe()
            )
        }
        StreamKind::Budget { amount, growth, .. } => {
            format!(
                "{} a year, growth {}, {}",
                amount.describe(),
                growth,
                window(model, f.from, f.to)
            )
        }
        StreamKind::Fees {
            saturation_users,
            price,
            ..
        } => format!(
            "{} users at saturation x price {}, {}",
            saturation_users.describe(),
            price.describe(),
            window(model, f.from, f.to)
        ),
        StreamKind::Contract {
            amount,
            exit_hazard,
            downturn_exit_hazard,
            ..
        } => format!(
            "{} a year, {}, exit hazard {} ({} in downturns)",
            amount.describe(),
            window(model, f.from, f.to),
            exit_hazard.describe(),
            downturn_exit_hazard.describe()
        ),
        StreamKind::Reserve { balance } => {
            format!("opening balance {}", balance.describe())
        }
    }
}

/// A service's national share of construction, stop rule and
/// materiality, for `fundgap check` (nothing when it has none).
fn decision_rules(s: &Service) -> String {
    let mut out = String::new();
    if s.construction_grant_share > 0.0 {
        let _ = writeln!(
            out,
            "      construction {} paid by national grants",
            percent(s.construction_grant_share, 0)
        );
    }
    if s.stop.is_set() {
        let mut when = Vec::new();
        if s.stop.after_gap_years > 0 {
            when.push(format!(
                "after {} consecutive years with a gap",
                s.stop.after_gap_years
            ));
        }
        if s.stop.below_funding_share > 0.0 {
            when.push(format!(
                "after a year whose money covers less than {} of its cost",
                percent(s.stop.below_funding_share, 0)
            ));
        }
        let _ = writeln!(
            out,
            "      stops {}; then {} of it goes on",
            when.join(" or "),
            percent(s.stop.after_stop_share, 0)
        );
    }
    out.push_str(&books(s));
    let m = s.materiality;
    if m.share > 0.0 || m.amount > 0.0 {
        let _ = writeln!(
            out,
            "      a shortfall is a gap only above {} of the year's cost and {}; smaller ones are absorbed",
            percent(m.share, 1),
            thousands(m.amount, 0)
        );
    }
    out
}

/// A service's capital account, contract and special account, for
/// `fundgap check`.
fn books(s: &Service) -> String {
    let mut out = String::new();
    if let Some(c) = &s.capital {
        let _ = writeln!(
            out,
            "      capital account: opening balance {}, {} a year paid in (growth {}); pays the capital lines",
            thousands(c.balance, 0),
            thousands(c.amount, 0),
            percent(c.growth, 1)
        );
    } else if s.costs.iter().any(|c| c.capital) {
        let _ = writeln!(
            out,
            "      capital lines without a [service.capital] account: their whole cost is reported as a capital gap"
        );
    }
    if let Some(d) = &s.delivery {
        let what = match d.kind {
            DeliveryKind::Outsourced if d.payment == 0.0 => {
                "outsourced (위탁): the city reimburses the operator's cost less its own income"
                    .to_string()
            }
            DeliveryKind::Outsourced => format!(
                "outsourced (위탁): the city pays a fixed fee of {} a year; the operator bears the rest",
                thousands(d.payment, 0)
            ),
            DeliveryKind::Btl => format!(
                "BTL: the city pays an availability payment of {} a year (growth {}) and keeps the fees; the operator bears the cost",
                thousands(d.payment, 0),
                percent(d.payment_growth, 1)
            ),
            DeliveryKind::Bto => format!(
                "BTO: the operator keeps the fees and bears the cost; the city guarantees fee revenue of {} a year",
                thousands(d.guarantee, 0)
            ),
        };
        let exit = if d.exit_after_loss_years > 0 {
            format!(
                "; the operator leaves after {} consecutive loss years",
                d.exit_after_loss_years
            )
        } else {
            String::new()
        };
        let _ = writeln!(out, "      {what}{exit}");
    }
    out
}

/// What `fundgap check` prints: what the scenario describes.
// Long by design: what `check` prints, line by line, in printing order.
pub fn describe(model: &Model, label: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{label}: OK — \"{}\"", model.name());
    if let Some(d) = &model.description() {
        let _ = writeln!(out, "  {d}");
    }
    let _ = writeln!(
        out,
        "  {}–{} ({} years), {} {}{}, discount rate {:.1}% {}, {} trials, seed {}",
        model.start_year(),
        model.end_year(),
        model.horizon(),
        model.currency(),
        model.unit(),
        super::table::prices_note(model, fundgap::model::Language::En),
        model.discount_rate() * 100.0,
        model.discount_basis().as_str(),
        thousands(model.trials() as f64, 0),
        model.seed()
    );
    let infl = &model.economy().inflation;
    let _ = write!(out, "  economy: inflation {}", infl.describe());
    match model.economy().downturn {
        Some(d) => {
            let _ = writeln!(
                out,
                "; downturns start with {} a year and last {:.1} years on average",
                percent(d.annual_probability, 0),
                d.mean_duration_years
            );
        }
        None => {
            let _ = writeln!(out, "; no downturns");
        }
    }
    let _ = writeln!(out, "  {} services:", model.services().len());
    for s in model.services() {
        let _ = writeln!(
            out,
            "  - {} \"{}\" ({}, operator: {})",
            s.id,
            s.name,
            s.nature.as_str(),
            s.operator.as_deref().unwrap_or("none named")
        );
        let _ = writeln!(
            out,
            "      opens {}; construction {} (mean {}); opex ratio {}{}",
            model.year(s.opens),
            s.construction_cost.describe(),
            thousands(s.construction_cost.mean(), 0),
            s.opex_ratio.describe(),
            if s.volatility.sd > 0.0 {
                format!(", volatility {}", s.volatility.sd)
            } else {
                String::new()
            }
        );
        out.push_str(&decision_rules(s));
        if let Some(o) = &s.outcome {
            let _ = writeln!(
                out,
                "      outcome on record: {} by the end of {} ({})",
                if o.stopped {
                    "stopped"
                } else {
                    "still running"
                },
                model.year(o.by),
                o.source
            );
        }
        if let Some(a) = s.account {
            let _ = writeln!(
                out,
                "      money in special account \"{}\": its yearly surplus covers gaps of the account's other services in the portfolio",
                model.accounts()[a]
            );
        }
        for c in &s.costs {
            let what = cost_what(model, c);
            let capital = if c.capital {
                " (capital: paid by the capital account)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "      cost {} \"{}\": {what}{capital}",
                c.kind.as_str(),
                c.name
            );
        }
        for r in &s.risks {
            let _ = writeln!(
                out,
                "      risk \"{}\": probability {} a year, cost {}, opex x{} for {} year(s)",
                r.name,
                r.annual_probability.describe(),
                r.cost.describe(),
                r.opex_multiplier,
                r.duration_years
            );
        }
        for f in &s.funding {
            let what = stream_what(model, f);
            let _ = writeln!(
                out,
                "      funding {} \"{}\": {what}",
                f.funding_kind().as_str(),
                f.name
            );
        }
        for b in &s.benefits {
            let _ = writeln!(
                out,
                "      benefit \"{}\": {} a year, {}",
                b.name,
                b.annual.describe(),
                window(model, b.from, b.to)
            );
        }
    }
    out
}
