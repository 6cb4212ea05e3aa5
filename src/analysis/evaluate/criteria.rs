//! The seven criteria of the scorecard, each rating one service (or the
//! portfolio's money) green, amber or red with a one-line reason.

use super::*;

/// Canvas blocks counted (the nine of the Business Model Canvas, plus social
/// and environmental cost and benefit as one entry).
const BLOCKS: [&str; 9] = [
    "key_partners",
    "key_activities",
    "key_resources",
    "value_proposition",
    "customer_relationships",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
];

pub(super) fn canvas(s: &Service, t: &Thresholds) -> Score {
    let has = |k: &str| {
        s.canvas
            .iter()
            .any(|(key, v)| key == k && !v.trim().is_empty())
    };
    let mut missing = Vec::new();
    let mut n = 0;
    for b in BLOCKS {
        let described = match b {
            // Declared by the model itself when lines exist.
            "cost_structure" => has(b) || !s.costs.is_empty() || s.opex_ratio.mean() > 0.0,
            "revenue_streams" => has(b) || !s.funding.is_empty(),
            _ => has(b),
        };
        if described {
            n += 1;
        } else {
            missing.push(b);
        }
    }
    let social = [
        "social_cost",
        "social_benefit",
        "environmental_cost",
        "environmental_benefit",
    ]
    .iter()
    .any(|k| has(k))
        || !s.benefits.is_empty();
    if social {
        n += 1;
    } else {
        missing.push("social/environmental cost and benefit");
    }
    let rating = Rating::falling(n as f64, t.canvas_amber, t.canvas_red);
    let reason = if missing.is_empty() {
        "all 10 canvas entries described".to_string()
    } else {
        format!(
            "{n} of 10 canvas entries described; missing: {}",
            missing.join(", ")
        )
    };
    Score {
        criterion: "canvas",
        rating,
        value: Some(n as f64),
        reason,
    }
}

pub(super) fn responsibility(s: &Service) -> Score {
    let (rating, reason) = match (&s.operator, s.owners.len()) {
        (None, n) if n >= 2 => (
            Rating::Red,
            format!(
                "several owners ({}) and no lead operator named",
                s.owners.join(", ")
            ),
        ),
        (None, _) => (
            Rating::Red,
            "no operator named: nobody is accountable for running it".to_string(),
        ),
        (Some(op), n) if n >= 2 && !s.owners.iter().any(|o| o == op) => (
            Rating::Amber,
            format!(
                "several owners ({}) and the operator \"{op}\" is none of them",
                s.owners.join(", ")
            ),
        ),
        (Some(op), n) if n >= 2 => (Rating::Green, format!("\"{op}\" leads {n} owners")),
        (Some(op), _) => (Rating::Green, format!("operated by \"{op}\"")),
    };
    Score {
        criterion: "responsibility",
        rating,
        value: None,
        reason,
    }
}

/// Rated on the worse of P(any gap) and P(stopped): a service whose
/// operator carries its losses never gaps for the city, but one that a
/// decision (the city's or its operator's) ends is not sustained either.
pub(super) fn sustainability(e: &EntityStats, t: &Thresholds, money: &str) -> Score {
    let p = e.p_any_gap;
    let stop = e.p_stop;
    let worst = p.estimate.max(stop.estimate);
    let stops = if stop.estimate > 0.0 {
        format!(
            "; P(stopped by a decision) {} [{}–{}]",
            percent(stop.estimate, 1),
            percent(stop.lo, 1),
            percent(stop.hi, 1)
        )
    } else {
        String::new()
    };
    Score {
        criterion: "funding_sustainability",
        rating: Rating::rising(worst, t.p_any_gap_amber, t.p_any_gap_red),
        value: Some(worst),
        reason: format!(
            "P(any gap) {} [{}–{}]; P(gap) > 50% {}; gap NPV P95 {}, CVaR95 {} {money}{stops}",
            percent(p.estimate, 1),
            percent(p.lo, 1),
            percent(p.hi, 1),
            e.first_year_p_gap_over_50
                .map(|y| format!("from {y}"))
                .unwrap_or_else(|| "in no year".into()),
            thousands(e.gap_npv.p95, 0),
            thousands(e.gap_npv_cvar95, 0)
        ),
    }
}

/// Last grant year, cliff, and coverage after grants for an entity.
pub(super) fn grant_cliff(
    model: &Model,
    e: &EntityStats,
    last: Option<usize>,
) -> (Option<f64>, Option<f64>) {
    let Some(l) = last else {
        return (None, None);
    };
    let h = model.horizon;
    if l + 1 >= h {
        return (None, None);
    }
    let before = e.yearly[l].funding_mean;
    let after = e.yearly[l + 1].funding_mean;
    let cliff = (before > 0.0).then(|| ((before - after) / before).max(0.0));
    let (f, c): (f64, f64) = e.yearly[l + 1..].iter().fold((0.0, 0.0), |(f, c), y| {
        (f + y.funding_mean, c + y.cost_mean)
    });
    (cliff, (c > 0.0).then(|| f / c))
}

pub(super) fn grant_dependency(
    e: &EntityStats,
    t: &Thresholds,
    last: Option<i32>,
    cliff: Option<f64>,
    cover: Option<f64>,
) -> Score {
    let share = Rating::rising(e.grant_share, t.grant_share_amber, t.grant_share_red);
    let drop = cliff.map_or(Rating::Green, |c| {
        Rating::rising(c, t.cliff_amber, t.cliff_red)
    });
    let reason = match last {
        None => format!("no grants; grant share {}", percent(e.grant_share, 0)),
        Some(y) => format!(
            "{} of the money comes from grants; after the last grant year {y} funding drops {}{}",
            percent(e.grant_share, 0),
            cliff.map(|c| percent(c, 0)).unwrap_or_else(|| "-".into()),
            cover
                .map(|c| format!(" and covers {} of cost", percent(c, 0)))
                .unwrap_or_default()
        ),
    };
    Score {
        criterion: "grant_dependency",
        rating: share.max(drop),
        value: Some(e.grant_share),
        reason,
    }
}

/// HHI of mean funding across kinds over the horizon (reserve draws count).
pub(super) fn hhi(e: &EntityStats) -> f64 {
    let mut totals = [0.0; FundingKind::COUNT];
    for y in &e.yearly {
        for (t, v) in totals.iter_mut().zip(y.funding_by_kind_mean) {
            *t += v;
        }
    }
    let sum: f64 = totals.iter().sum();
    if sum <= 0.0 {
        return 1.0;
    }
    totals.iter().map(|v| (v / sum).powi(2)).sum()
}

pub(super) fn diversity(streams: usize, h: f64, t: &Thresholds) -> Score {
    let rating = if streams <= 1 {
        Rating::Red
    } else {
        Rating::rising(h, t.hhi_amber, t.hhi_red)
    };
    Score {
        criterion: "revenue_diversity",
        rating,
        value: Some(h),
        reason: format!("{streams} funding stream(s); concentration across kinds (HHI) {h:.2}"),
    }
}

pub(super) fn maintenance(s: &Service) -> Score {
    let hardware = s.construction_cost.mean() > 0.0;
    let renewals = s.costs.iter().any(|c| c.kind.as_str() == "renewal");
    let staff = s.risks.iter().any(|r| {
        let n = r.name.to_lowercase();
        n.contains("staff") || n.contains("rotation") || n.contains("personnel")
    });
    let mut missing = Vec::new();
    if hardware && !renewals {
        missing.push("no renewal of equipment declared");
    }
    if !staff {
        missing.push("no staff-rotation risk declared");
    }
    let rating = match missing.len() {
        0 => Rating::Green,
        1 => Rating::Amber,
        _ => Rating::Red,
    };
    Score {
        criterion: "maintenance_staffing",
        rating,
        value: None,
        reason: if missing.is_empty() {
            "renewals and a staff-rotation risk are declared".into()
        } else {
            missing.join("; ")
        },
    }
}

pub(super) fn value(nature: Nature, e: &EntityStats, fnpv: f64, t: &Thresholds) -> Score {
    match nature {
        Nature::Public => match e.bcr {
            Some(b) => Score {
                criterion: "value",
                rating: Rating::falling(b, t.bcr_amber, t.bcr_red),
                value: Some(b),
                reason: format!(
                    "benefit-cost ratio {b:.2} (social and environmental benefits / life-cycle cost)"
                ),
            },
            None => Score {
                criterion: "value",
                rating: Rating::Amber,
                value: None,
                reason: "no social or environmental benefits declared, so value cannot be judged"
                    .into(),
            },
        },
        Nature::Private | Nature::Mixed => {
            let ratio = if e.lcc_npv.mean > 0.0 {
                fnpv / e.lcc_npv.mean
            } else {
                0.0
            };
            Score {
                criterion: "value",
                rating: Rating::falling(ratio, t.fnpv_amber, t.fnpv_red),
                value: Some(fnpv),
                reason: format!(
                    "financial NPV (fees and contracts minus life-cycle cost) {} = {} of life-cycle cost",
                    thousands(fnpv, 0),
                    percent(ratio, 0)
                ),
            }
        }
    }
}
