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
//! hangs on national grants, construction included, and on the take-over
//! decision (grant dependency), how many legs the funding stands on
//! (revenue diversity), and whether it is worth it (value). Thresholds
//! come from the scenario's `[evaluation]` table (defaults in
//! [`Thresholds::default`]); every amber and red carries a one-line reason.
//! A rating never falls because more was declared: what a plan does not
//! state rates as absent.
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

use crate::format::{Money, percent};
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
    /// Share of all money, construction included, that came from
    /// national grants.
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
        sustainability(e, s.opens, t, say),
        grant_dependency(
            e,
            t,
            last.map(|l| model.year(l)),
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
        sustainability(p, opens, t, say),
        grant_dependency(
            p,
            t,
            last.map(|l| model.year(l)),
            (cliff, cover, takeover),
            say,
        ),
        diversity(streams, h, t, say),
        value(Nature::Public, p, fnpv, t, say),
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
        reason: match (short.is_empty(), say.ko()) {
            (true, _) => say
                .t("every service rates green", "모든 서비스가 양호")
                .into(),
            (false, false) => format!(
                "{} of {n} services not green: {}",
                short.len(),
                short.join(", ")
            ),
            (false, true) => format!(
                "서비스 {n}개 중 {}개가 양호하지 않음: {}",
                short.len(),
                short.join(", ")
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
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::scenario::parse_str;

    /// A well-planned, well-funded service ("good": every finding answered,
    /// a city budget and a partner's contract that cover it, benefits) and
    /// a grant-only one that states nothing ("bad").
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

[service.plan]
improves_on = "the call-in minibus"
improvement = "waiting time 40 to 15 minutes"
agreement = "signed"
free_plan = "the city's transport budget, as for buses"
dedicated_staff = 2
staff_tenure_years = 4

[[service.funding]]
kind = "budget"
name = "city budget"
amount = 90

[[service.funding]]
kind = "contract"
name = "partner"
amount = 70

[[service.benefit]]
name = "time saved"
annual = 400

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

    fn evaluation(text: &str, lang: Language) -> Evaluation {
        let m = parse_str(text, "t").unwrap_or_else(|e| panic!("{e}"));
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        evaluate(&m, &r, lang)
    }

    fn ratings(c: &Scorecard) -> Vec<(&'static str, Rating)> {
        c.scores.iter().map(|s| (s.criterion, s.rating)).collect()
    }

    #[test]
    fn a_well_planned_service_is_green_and_a_grant_only_one_red_with_reasons() {
        let ev = evaluation(CARDS, Language::En);
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
            ("differentiation", "improves_on"),
            ("operating_agreement", "no operator"),
            ("free_service", "free_plan"),
            ("dedicated_staff", "dedicated_staff"),
            ("funding_sustainability", "P(any gap) 100.0%"),
            ("grant_dependency", "2027"),
            ("revenue_diversity", "1 funding stream"),
            ("value", "not shown"),
        ] {
            let s = bad.score(criterion);
            assert_eq!(s.rating, Rating::Red, "bad/{criterion}: {}", s.reason);
            assert!(s.reason.contains(needle), "bad/{criterion}: {}", s.reason);
        }
        let portfolio = ev.scorecards.last().unwrap();
        assert_eq!(portfolio.id, "portfolio");
        assert!(portfolio.score("dedicated_staff").reason.contains("bad"));
    }

    /// Removing one element of the good plan lowers exactly the criterion
    /// it belongs to, and no other.
    #[test]
    fn removing_one_element_lowers_exactly_its_criterion() {
        let base = evaluation(CARDS, Language::En);
        let good = ratings(&base.scorecards[0]);
        let cases = [
            (
                "improvement = \"waiting time 40 to 15 minutes\"\n",
                "",
                "differentiation",
                Rating::Amber,
            ),
            (
                "agreement = \"signed\"\n",
                "",
                "operating_agreement",
                Rating::Red,
            ),
            (
                "agreement = \"signed\"\n",
                "agreement = \"draft\"\n",
                "operating_agreement",
                Rating::Amber,
            ),
            (
                "operator = \"City transport department\"\n",
                "",
                "operating_agreement",
                Rating::Red,
            ),
            (
                "free_plan = \"the city's transport budget, as for buses\"\n",
                "",
                "free_service",
                Rating::Red,
            ),
            ("dedicated_staff = 2\n", "", "dedicated_staff", Rating::Red),
            (
                "staff_tenure_years = 4\n",
                "staff_tenure_years = 2\n",
                "dedicated_staff",
                Rating::Amber,
            ),
            (
                "[[service.benefit]]\nname = \"time saved\"\nannual = 400\n",
                "",
                "value",
                Rating::Red,
            ),
        ];
        for (element, instead, criterion, want) in cases {
            assert!(CARDS.contains(element), "{element}");
            let text = CARDS.replacen(element, instead, 1);
            let ev = evaluation(&text, Language::En);
            for ((c, r), (c0, r0)) in ratings(&ev.scorecards[0])
                .into_iter()
                .zip(good.iter().copied())
            {
                assert_eq!(c, c0);
                let expected = if c == criterion { want } else { r0 };
                assert_eq!(
                    r,
                    expected,
                    "without {element:?}: {c}: {}",
                    ev.scorecards[0].score(c).reason
                );
            }
        }
    }

    /// Declaring more never lowers a rating: each plan key or a benefit
    /// added alone to the bare service leaves every criterion as good or
    /// better.
    #[test]
    fn declaring_more_never_lowers_a_rating() {
        let bare = evaluation(CARDS, Language::En);
        let before = ratings(&bare.scorecards[1]);
        for extra in [
            "[service.plan]\nimproves_on = \"paper forms\"\n",
            "[service.plan]\nagreement = \"draft\"\n",
            "[service.plan]\nfree_plan = \"the ministry's programme\"\n",
            "[service.plan]\ndedicated_staff = 0.5\n",
            "[[service.benefit]]\nname = \"tiny\"\nannual = 1\n",
        ] {
            let text = format!("{CARDS}{extra}");
            let ev = evaluation(&text, Language::En);
            for ((c, r), (_, r0)) in ratings(&ev.scorecards[1])
                .into_iter()
                .zip(before.iter().copied())
            {
                assert!(r <= r0, "{extra:?} lowered {c}: {r0:?} -> {r:?}");
            }
        }
    }

    /// A chance over several years as a chance per year: 1 - (1 - q)^n.
    /// A service short in about 3% of years, independently (a budget 12%
    /// over its cost with 6% noise), rates amber over 5 years and over 15,
    /// though P(any gap) more than doubles.
    #[test]
    fn funding_is_rated_per_running_year() {
        assert!((criteria::per_year(1.0 - 0.95f64.powi(5), 5.0) - 0.05).abs() < 1e-12);
        assert!((criteria::per_year(1.0 - 0.95f64.powi(15), 15.0) - 0.05).abs() < 1e-12);
        assert_eq!(criteria::per_year(0.3, 1.0), 0.3);
        let card = |years: u32| {
            let text = format!(
                "[scenario]\nname = \"h\"\nstart_year = 2025\nhorizon_years = {years}\ntrials = 4000\nseed = 3\n\
                 [economy]\ninflation = 0\n\
                 [[service]]\nid = \"s\"\noperator = \"x\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = 112\nvolatility = 0.06\n"
            );
            evaluation(&text, Language::En).scorecards[0]
                .score("funding_sustainability")
                .clone()
        };
        let (short, long) = (card(5), card(15));
        assert_eq!(short.rating, Rating::Amber, "{}", short.reason);
        assert_eq!(long.rating, Rating::Amber, "{}", long.reason);
        let (a, b) = (short.value.unwrap(), long.value.unwrap());
        assert!((a - b).abs() < 0.02, "{a} vs {b}");
    }

    /// In Korean every reason is written in Hangul, with the same ratings,
    /// and won amounts in 억 원.
    #[test]
    fn korean_reasons_say_the_same_in_hangul() {
        let text = CARDS.replace(
            "name = \"scorecard test\"",
            "name = \"scorecard test\"\ncurrency = \"KRW\"\nunit = \"million\"",
        );
        let (en, ko) = (
            evaluation(&text, Language::En),
            evaluation(&text, Language::Ko),
        );
        assert_eq!((en.lang, ko.lang), ("en", "ko"));
        let hangul = |t: &str| t.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        for (a, b) in en.scorecards.iter().zip(&ko.scorecards) {
            assert_eq!(a.overall, b.overall);
            for (x, y) in a.scores.iter().zip(&b.scores) {
                assert_eq!((x.criterion, x.rating), (y.criterion, y.rating));
                assert!(!hangul(&x.reason), "{}", x.reason);
                assert!(hangul(&y.reason), "{}: {}", y.criterion, y.reason);
            }
        }
        let bad = ko.scorecards[1].score("funding_sustainability");
        assert!(bad.reason.contains("부족 확률 100.0%"), "{}", bad.reason);
        assert_eq!(ko.money, "억 원");
    }

    /// A take-over decision that stops or shrinks the service half the
    /// time makes it grant-dependent, whatever its money figures.
    #[test]
    fn a_likely_stop_at_the_take_over_is_grant_dependency() {
        let text = "[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 200\n\
            [[service]]\nid = \"s\"\noperator = \"x\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
            [service.decision]\nyear = 2028\nstop = 0.3\nshrink = 0.2\nsource = \"assumption: test\"\n\
            [[service.funding]]\nkind = \"budget\"\nname = \"own money\"\namount = 100\n";
        let s = evaluation(text, Language::En).scorecards[0]
            .score("grant_dependency")
            .clone();
        assert_eq!(s.rating, Rating::Red, "{}", s.reason);
        assert!(s.reason.contains("with chance 50%"), "{}", s.reason);
    }

    #[test]
    fn thresholds_come_from_the_scenario() {
        let text =
            format!("{CARDS}\n[evaluation]\ngap_per_year_amber = 0.0\ngap_per_year_red = 0.0\n");
        let ev = evaluation(&text, Language::En);
        assert_eq!(
            ev.scorecards[0].score("funding_sustainability").rating,
            Rating::Red
        );
        assert!(
            ev.thresholds
                .0
                .contains(&("gap_per_year_red".to_string(), 0.0))
        );
        let bad =
            format!("{CARDS}\n[evaluation]\ngap_per_year_amber = 0.5\ngap_per_year_red = 0.2\n");
        let e = parse_str(&bad, "t").unwrap_err();
        assert!(e.diagnostics[0].path.contains("gap_per_year_red"), "{e}");
        let old = format!("{CARDS}\n[evaluation]\np_any_gap_red = 0.5\n");
        let e = parse_str(&old, "t").unwrap_err().to_string();
        assert!(e.contains("replaced by `gap_per_year_red`"), "{e}");
    }
}
