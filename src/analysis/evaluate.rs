//! The planning-stage scorecard of `fundgap evaluate`.
//!
//! Each service (and the portfolio) is rated green, amber or red on seven
//! criteria an evaluation committee asks about: is the business model
//! described (canvas), is someone accountable (responsibility), will the
//! money last (funding sustainability), how much hangs on grants (grant
//! dependency), how many legs does the funding stand on (revenue diversity),
//! are upkeep and staff turnover planned for (maintenance and staffing), and
//! is it worth it (value). Thresholds come from the scenario's
//! `[evaluation]` table (defaults in [`Thresholds::default`]); every amber
//! and red carries a one-line reason.
//!
//! Overall: red when funding sustainability is red or two criteria are red;
//! amber when any criterion is red or two are amber; green otherwise.
//!
//! Pure: built from a model and a finished report.

use serde::Serialize;

use crate::format::{percent, thousands};
use crate::model::{FundingKind, Model, Nature, Service, StreamKind, Thresholds};
use crate::stats::{EntityStats, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Green,
    Amber,
    Red,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Green => "green",
            Rating::Amber => "amber",
            Rating::Red => "red",
        }
    }

    /// Rating of a value that is worse when higher.
    fn rising(v: f64, amber: f64, red: f64) -> Rating {
        if v >= red {
            Rating::Red
        } else if v >= amber {
            Rating::Amber
        } else {
            Rating::Green
        }
    }

    /// Rating of a value that is worse when lower.
    fn falling(v: f64, amber: f64, red: f64) -> Rating {
        if v < red {
            Rating::Red
        } else if v < amber {
            Rating::Amber
        } else {
            Rating::Green
        }
    }
}

/// The criteria, in scorecard order.
pub const CRITERIA: [&str; 7] = [
    "canvas",
    "responsibility",
    "funding_sustainability",
    "grant_dependency",
    "revenue_diversity",
    "maintenance_staffing",
    "value",
];

/// One criterion of one entity.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub criterion: &'static str,
    pub rating: Rating,
    /// The figure rated (P(any gap), HHI, BCR, ...), when there is one.
    pub value: Option<f64>,
    /// What was found; for amber and red, why.
    pub reason: String,
}

/// The scorecard of one service or the portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub id: String,
    pub name: String,
    pub overall: Rating,
    pub scores: Vec<Score>,
    /// Figures behind the scores.
    pub p_any_gap: f64,
    pub first_year_p_gap_over_50: Option<i32>,
    pub gap_npv_p95: f64,
    pub gap_npv_cvar95: f64,
    pub grant_share: f64,
    /// Last year a grant can pay, if any.
    pub last_grant_year: Option<i32>,
    /// Share of mean funding lost from the last grant year to the next.
    pub cliff: Option<f64>,
    /// Mean funding / mean cost in the years after grants end.
    pub coverage_after_grants: Option<f64>,
    pub streams: usize,
    pub hhi: f64,
    pub bcr: Option<f64>,
    /// Fees and contracts minus life-cycle cost, discounted.
    pub financial_npv: f64,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub scenario: String,
    pub currency: String,
    pub unit: String,
    pub trials: u64,
    pub seed: u64,
    pub thresholds: ThresholdsOut,
    /// Services in file order, then the portfolio.
    pub scorecards: Vec<Scorecard>,
}

/// Thresholds as written into `evaluation.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdsOut(pub Vec<(String, f64)>);

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

fn canvas(s: &Service, t: &Thresholds) -> Score {
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

fn responsibility(s: &Service) -> Score {
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

fn sustainability(e: &EntityStats, t: &Thresholds, money: &str) -> Score {
    let p = e.p_any_gap;
    Score {
        criterion: "funding_sustainability",
        rating: Rating::rising(p.estimate, t.p_any_gap_amber, t.p_any_gap_red),
        value: Some(p.estimate),
        reason: format!(
            "P(any gap) {} [{}–{}]; P(gap) > 50% {}; gap NPV P95 {}, CVaR95 {} {money}",
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
fn grant_cliff(model: &Model, e: &EntityStats, last: Option<usize>) -> (Option<f64>, Option<f64>) {
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

fn grant_dependency(
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
fn hhi(e: &EntityStats) -> f64 {
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

fn diversity(streams: usize, h: f64, t: &Thresholds) -> Score {
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

fn maintenance(s: &Service) -> Score {
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

fn value(nature: Nature, e: &EntityStats, fnpv: f64, t: &Thresholds) -> Score {
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

fn overall(scores: &[Score]) -> Rating {
    let reds = scores.iter().filter(|s| s.rating == Rating::Red).count();
    let ambers = scores.iter().filter(|s| s.rating == Rating::Amber).count();
    let funding_red = scores
        .iter()
        .any(|s| s.criterion == "funding_sustainability" && s.rating == Rating::Red);
    if funding_red || reds >= 2 {
        Rating::Red
    } else if reds >= 1 || ambers >= 2 {
        Rating::Amber
    } else {
        Rating::Green
    }
}

/// Rates every service and the portfolio.
pub fn evaluate(model: &Model, report: &Report) -> Evaluation {
    let t = &model.evaluation;
    let money = format!("{} {}", model.currency, model.unit);
    let mut cards = Vec::new();
    let last_grant = |s: &Service| {
        s.funding
            .iter()
            .filter(|f| matches!(f.kind, StreamKind::Grant { .. }))
            .map(|f| f.to)
            .max()
    };
    for (i, s) in model.services.iter().enumerate() {
        let e = &report.entities[i];
        let last = last_grant(s);
        let (cliff, cover) = grant_cliff(model, e, last);
        let streams = s
            .funding
            .iter()
            .filter(|f| f.funding_kind() != FundingKind::Reserve)
            .count();
        let h = hhi(e);
        let fnpv = e.revenue_npv_mean - e.lcc_npv.mean;
        let scores = vec![
            canvas(s, t),
            responsibility(s),
            sustainability(e, t, &money),
            grant_dependency(e, t, last.map(|l| model.year(l)), cliff, cover),
            diversity(streams, h, t),
            maintenance(s),
            value(s.nature, e, fnpv, t),
        ];
        cards.push(card(
            e,
            scores,
            last.map(|l| model.year(l)),
            cliff,
            cover,
            streams,
            h,
            fnpv,
        ));
    }

    // The portfolio: money criteria from its own figures; the others say
    // how many services fall short.
    let p = report.portfolio();
    let last = model.services.iter().filter_map(last_grant).max();
    let (cliff, cover) = grant_cliff(model, p, last);
    let streams: usize = model
        .services
        .iter()
        .map(|s| {
            s.funding
                .iter()
                .filter(|f| f.funding_kind() != FundingKind::Reserve)
                .count()
        })
        .sum();
    let h = hhi(p);
    let fnpv = p.revenue_npv_mean - p.lcc_npv.mean;
    let summary = |criterion: &'static str| {
        let n = cards.len().max(1);
        let red = cards
            .iter()
            .filter(|c| c.score(criterion).rating == Rating::Red)
            .count();
        let short: Vec<&str> = cards
            .iter()
            .filter(|c| c.score(criterion).rating != Rating::Green)
            .map(|c| c.id.as_str())
            .collect();
        let rating = if red * 2 >= n && red > 0 {
            Rating::Red
        } else if !short.is_empty() {
            Rating::Amber
        } else {
            Rating::Green
        };
        Score {
            criterion,
            rating,
            value: Some((n - short.len()) as f64 / n as f64),
            reason: if short.is_empty() {
                "every service rates green".into()
            } else {
                format!(
                    "{} of {n} services not green: {}",
                    short.len(),
                    short.join(", ")
                )
            },
        }
    };
    let scores = vec![
        summary("canvas"),
        summary("responsibility"),
        sustainability(p, t, &money),
        grant_dependency(p, t, last.map(|l| model.year(l)), cliff, cover),
        diversity(streams, h, t),
        summary("maintenance_staffing"),
        value(Nature::Public, p, fnpv, t),
    ];
    cards.push(card(
        p,
        scores,
        last.map(|l| model.year(l)),
        cliff,
        cover,
        streams,
        h,
        fnpv,
    ));

    let values = model
        .evaluation
        .values()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Evaluation {
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        unit: model.unit.clone(),
        trials: report.trials,
        seed: model.seed,
        thresholds: ThresholdsOut(values),
        scorecards: cards,
    }
}

#[allow(clippy::too_many_arguments)]
fn card(
    e: &EntityStats,
    scores: Vec<Score>,
    last: Option<i32>,
    cliff: Option<f64>,
    cover: Option<f64>,
    streams: usize,
    hhi: f64,
    fnpv: f64,
) -> Scorecard {
    Scorecard {
        id: e.id.clone(),
        name: e.name.clone(),
        overall: overall(&scores),
        scores,
        p_any_gap: e.p_any_gap.estimate,
        first_year_p_gap_over_50: e.first_year_p_gap_over_50,
        gap_npv_p95: e.gap_npv.p95,
        gap_npv_cvar95: e.gap_npv_cvar95,
        grant_share: e.grant_share,
        last_grant_year: last,
        cliff,
        coverage_after_grants: cover,
        streams,
        hhi,
        bcr: e.bcr,
        financial_npv: fnpv,
    }
}

impl Scorecard {
    /// The score of `criterion` (every card has all of [`CRITERIA`]).
    pub fn score(&self, criterion: &str) -> &Score {
        self.scores
            .iter()
            .find(|s| s.criterion == criterion)
            .unwrap_or(&self.scores[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::scenario::parse_str;

    const CARDS: &str = r#"
[scenario]
name = "scorecard test"
start_year = 2025
horizon_years = 12
trials = 3000
seed = 8

[[service]]
id = "good"
nature = "public"
operator = "City transport department"
construction_cost = 1000
opex_ratio = { dist = "uniform", min = 0.10, max = 0.12 }
carry_surplus = true

[[service.cost]]
kind = "renewal"
name = "sensors"
share_of_construction = 0.1
every_years = 5

[[service.risk]]
name = "staff rotation"
annual_probability = 0.2
cost = 1

[[service.funding]]
kind = "budget"
name = "city budget"
amount = 70

[[service.funding]]
kind = "fees"
name = "fees"
saturation_users = 70000
midpoint_years = -5
price = 0.001

[[service.funding]]
kind = "contract"
name = "partner"
amount = 70

[[service.benefit]]
name = "time saved"
annual = 400

[service.canvas]
key_partners = "x"
key_activities = "x"
key_resources = "x"
value_proposition = "x"
customer_relationships = "x"
channels = "x"
customer_segments = "x"

[[service]]
id = "bad"
nature = "public"
owners = ["Ministry", "City"]
construction_cost = 1000
opex_ratio = 0.15

[[service.funding]]
kind = "grant"
name = "national subsidy"
amount = 150
to = 2027
"#;

    #[test]
    fn a_well_planned_service_is_green_and_a_grant_only_one_red_with_reasons() {
        let m = parse_str(CARDS, "t").unwrap();
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let ev = evaluate(&m, &r);
        let good = &ev.scorecards[0];
        for s in &good.scores {
            assert_eq!(
                s.rating,
                Rating::Green,
                "good/{}: {}",
                s.criterion,
                s.reason
            );
        }
        assert_eq!(good.overall, Rating::Green);
        let bad = &ev.scorecards[1];
        assert_eq!(bad.overall, Rating::Red);
        for (criterion, needle) in [
            ("responsibility", "no lead"),
            ("funding_sustainability", "P(any gap) 100.0%"),
            ("grant_dependency", "2027"),
            ("revenue_diversity", "1 funding stream"),
            ("maintenance_staffing", "no renewal"),
            ("canvas", "missing"),
        ] {
            let s = bad.score(criterion);
            assert_eq!(s.rating, Rating::Red, "bad/{criterion}: {}", s.reason);
            assert!(s.reason.contains(needle), "bad/{criterion}: {}", s.reason);
        }
        // Benefits were not declared: value cannot be judged.
        assert_eq!(bad.score("value").rating, Rating::Amber);
        let portfolio = ev.scorecards.last().unwrap();
        assert_eq!(portfolio.id, "portfolio");
        assert!(portfolio.score("responsibility").reason.contains("bad"));
    }

    #[test]
    fn thresholds_come_from_the_scenario() {
        let text = format!("{CARDS}\n[evaluation]\np_any_gap_amber = 0.0\np_any_gap_red = 0.0\n");
        let m = parse_str(&text, "t").unwrap();
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let ev = evaluate(&m, &r);
        assert_eq!(
            ev.scorecards[0].score("funding_sustainability").rating,
            Rating::Red
        );
        assert!(
            ev.thresholds
                .0
                .contains(&("p_any_gap_red".to_string(), 0.0))
        );
        let bad = format!("{CARDS}\n[evaluation]\np_any_gap_amber = 0.5\np_any_gap_red = 0.2\n");
        let e = parse_str(&bad, "t").unwrap_err();
        assert!(e.diagnostics[0].path.contains("p_any_gap_red"), "{e}");
    }
}
