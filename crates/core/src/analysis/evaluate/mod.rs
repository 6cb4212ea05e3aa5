//! The planning-stage scorecard of `fundgap evaluate`.
//!
//! Each service (and the portfolio) is rated green, amber or red on eight
//! criteria: one per finding of the source study on why smart-city
//! services lapse — does it do better than what the city already runs
//! (differentiation), does an agreement say who runs it (operating
//! agreement), how is a service its users see as free paid for (free
//! service), are staff dedicated to it for longer than a rotation
//! (dedicated staff) — read from `[service.plan]`; and four on its money —
//! the chance of a gap per running year (funding sustainability), how much
//! hangs on grants (national, and the province's), construction included,
//! and on the take-over decision (grant dependency), how many legs the
//! funding stands on (revenue diversity), and whether it is worth it
//! (value). Thresholds
//! come from the scenario's `[evaluation]` table (defaults in
//! [`Thresholds::default`]); every amber and red carries a one-line reason.
//! What a plan does not state rates as absent, so stating what it has
//! never lowers a rating (stating a concern — users who see a paid service
//! as free, owners none of whom runs it — can).
//!
//! Overall: red when funding sustainability is red or two criteria are red;
//! amber when any criterion is red or two are amber; green otherwise.
//!
//! Pure: built from a model and a finished report.

mod criteria;
mod findings;

use criteria::*;
use findings::*;

use serde::Serialize;

use crate::format::{Money, percent, percent_interval};
use crate::model::{FundingKind, Language, Model, Nature, Service, StreamKind, Thresholds};
use crate::stats::{EntityStats, Report};

/// A traffic-light rating; orders green < amber < red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// No concern.
    Green,
    /// A concern to address.
    Amber,
    /// A serious concern.
    Red,
}

impl Rating {
    /// Lower-case name, as in the files.
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

/// The criteria, in scorecard order: the study's four findings, then the
/// money.
pub const CRITERIA: [&str; 8] = [
    "differentiation",
    "operating_agreement",
    "free_service",
    "dedicated_staff",
    "funding_sustainability",
    "grant_dependency",
    "revenue_diversity",
    "value",
];

/// The criteria read from the plan, which the portfolio summarises.
const FINDINGS: [&str; 4] = [
    "differentiation",
    "operating_agreement",
    "free_service",
    "dedicated_staff",
];

/// One criterion of one entity.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// The criterion rated (one of [`CRITERIA`]).
    pub criterion: &'static str,
    /// Its rating.
    pub rating: Rating,
    /// The figure rated (P(any gap), HHI, BCR, ...), when there is one.
    pub value: Option<f64>,
    /// What was found; for amber and red, why.
    pub reason: String,
}

/// The scorecard of one service or the portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    /// Service id, or `portfolio`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The overall rating (see [`evaluate`]).
    pub overall: Rating,
    /// One score per criterion, in the order of [`CRITERIA`].
    pub scores: Vec<Score>,
    /// Figures behind the scores.
    pub p_any_gap: f64,
    /// First year with P(gap) above 50%, if any.
    pub first_year_p_gap_over_50: Option<i32>,
    /// 95th percentile of the gap NPV.
    pub gap_npv_p95: f64,
    /// CVaR95 of the gap NPV.
    pub gap_npv_cvar95: f64,
    /// Share of all money, construction included, that came from grants
    /// (national, and the province's where the scenario has any).
    pub grant_share: f64,
    /// Last year a grant can pay, if any.
    pub last_grant_year: Option<i32>,
    /// Share of the cost coverage (funding over cost) lost from the last
    /// grant year to the years after.
    pub cliff: Option<f64>,
    /// Mean funding / mean cost in the years after grants end.
    pub coverage_after_grants: Option<f64>,
    /// Funding streams that bring money in (reserves excluded).
    pub streams: usize,
    /// Concentration (HHI) of mean funding across kinds of stream.
    pub hhi: f64,
    /// Benefit-cost ratio, if the service has benefits.
    pub bcr: Option<f64>,
    /// Fees and contracts minus life-cycle cost, discounted.
    pub financial_npv: f64,
}

/// How reasons are written: their language, and the money their amounts
/// are in.
pub(crate) struct Say {
    lang: Language,
    money: Money,
}

impl Say {
    fn t<'a>(&self, en: &'a str, ko: &'a str) -> &'a str {
        self.lang.t(en, ko)
    }

    fn ko(&self) -> bool {
        self.lang == Language::Ko
    }
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Scenario name.
    pub scenario: String,
    /// The language of the reasons (`en` or `ko`).
    pub lang: &'static str,
    /// The unit the reasons' amounts are in (e.g. "KRW million", "억 원").
    pub money: String,
    /// Currency of amounts.
    pub currency: String,
    /// Unit of amounts.
    pub unit: String,
    /// Trials behind the funding figures.
    pub trials: u64,
    /// Seed of the run.
    pub seed: u64,
    /// The thresholds the ratings used.
    pub thresholds: ThresholdsOut,
    /// Services in file order, then the portfolio.
    pub scorecards: Vec<Scorecard>,
}

/// Thresholds as written into `evaluation.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdsOut(pub Vec<(String, f64)>);

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

/// Rates every service and the portfolio, with reasons in `lang` (in
/// Korean, won amounts in 억 원 or 백만 원).
pub fn evaluate(model: &Model, report: &Report, lang: Language) -> Evaluation {
    // Sized as a run's result table is (by the largest gap NPV mean or
    // P95), so a reason and the table beside it write a figure alike.
    let largest = crate::stats::largest_gap(&report.entities);
    let say = Say {
        lang,
        money: Money::for_units(&model.currency, &model.unit, lang == Language::Ko, largest),
    };
    let mut cards: Vec<Scorecard> = model
        .services
        .iter()
        .zip(&report.entities)
        .map(|(s, e)| service_card(model, s, e, &say))
        .collect();
    cards.push(portfolio_card(model, report.portfolio(), &cards, &say));
    let values = model
        .evaluation
        .values()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Evaluation {
        scenario: model.name.clone(),
        lang: lang.as_str(),
        money: say.money.label().to_string(),
        currency: model.currency.clone(),
        unit: model.unit.clone(),
        trials: report.trials,
        seed: model.seed,
        thresholds: ThresholdsOut(values),
        scorecards: cards,
    }
}

/// Year index of a service's last grant year, if it has grants.
fn last_grant(s: &Service) -> Option<usize> {
    s.funding
        .iter()
        .filter(|f| matches!(f.kind, StreamKind::Grant { .. }))
        .map(|f| f.to)
        .max()
}

/// Streams that bring money in (a reserve only spends what it holds).
fn income_streams(s: &Service) -> usize {
    s.funding
        .iter()
        .filter(|f| f.funding_kind() != FundingKind::Reserve)
        .count()
}

/// One service's scorecard.
fn service_card(model: &Model, s: &Service, e: &EntityStats, say: &Say) -> Scorecard {
    let t = &model.evaluation;
    let last = last_grant(s);
    let (cliff, cover) = grant_cliff(model, e, last);
    let takeover = s.decision.as_ref().map(|d| d.stop + d.shrink);
    let streams = income_streams(s);
    let h = hhi(e);
    let fnpv = e.revenue_npv_mean - e.lcc_npv.mean;
    let scores = vec![
        differentiation(s, say),
        operating_agreement(s, say),
        free_service(s, say),
        dedicated_staff(s, say),
        sustainability(e, (s.opens, true), t, say),
        grant_dependency(
            e,
            t,
            (last.map(|l| model.year(l)), model.has_province_grants()),
            (cliff, cover, takeover),
            say,
        ),
        diversity(streams, h, t, say),
        value(s.nature, e, fnpv, t, say),
    ];
    card(
        e,
        scores,
        last.map(|l| model.year(l)),
        cliff,
        cover,
        streams,
        h,
        fnpv,
    )
}

/// The portfolio's scorecard: money criteria from its own figures (the
/// take-over: the likeliest of its services' decisions not to keep one);
/// the plan's criteria say how many services fall short.
fn portfolio_card(model: &Model, p: &EntityStats, cards: &[Scorecard], say: &Say) -> Scorecard {
    let t = &model.evaluation;
    let last = model.services.iter().filter_map(last_grant).max();
    let (cliff, cover) = grant_cliff(model, p, last);
    let takeover = model
        .services
        .iter()
        .filter_map(|s| s.decision.as_ref().map(|d| d.stop + d.shrink))
        .reduce(f64::max);
    let streams: usize = model.services.iter().map(income_streams).sum();
    let h = hhi(p);
    let fnpv = p.revenue_npv_mean - p.lcc_npv.mean;
    let opens = model.services.iter().map(|s| s.opens).min().unwrap_or(0);
    let mut scores: Vec<Score> = FINDINGS.iter().map(|c| summary(cards, c, say)).collect();
    scores.extend([
        sustainability(p, (opens, false), t, say),
        grant_dependency(
            p,
            t,
            (last.map(|l| model.year(l)), model.has_province_grants()),
            (cliff, cover, takeover),
            say,
        ),
        diversity(streams, h, t, say),
        // Rated as public where any service is (on its benefits), as a
        // private venture's where none is.
        value(
            match model.services.iter().any(|s| s.nature == Nature::Public) {
                true => Nature::Public,
                false => Nature::Private,
            },
            p,
            fnpv,
            t,
            say,
        ),
    ]);
    card(
        p,
        scores,
        last.map(|l| model.year(l)),
        cliff,
        cover,
        streams,
        h,
        fnpv,
    )
}

/// A criterion over the services' cards: red when at least half are red,
/// amber when any is not green.
fn summary(cards: &[Scorecard], criterion: &'static str, say: &Say) -> Score {
    let n = cards.len().max(1);
    let red = cards
        .iter()
        .filter(|c| c.score(criterion).rating == Rating::Red)
        .count();
    let short: Vec<&str> = cards
        .iter()
        .filter(|c| c.score(criterion).rating != Rating::Green)
        .map(|c| c.name.as_str())
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
        reason: match (short.is_empty(), say.ko()) {
            (true, _) => say
                .t("every service rates green", "모든 서비스가 양호")
                .into(),
            (false, false) => format!(
                "{} of {n} services not green: {}",
                short.len(),
                short.join("; ")
            ),
            (false, true) => format!(
                "서비스 {n}개 중 {}개가 양호하지 않음: {}",
                short.len(),
                short.join("; ")
            ),
        },
    }
}

#[allow(clippy::too_many_arguments)] // one per figure a card shows
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
        grant_share: e.grant_share_total,
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
mod tests;
