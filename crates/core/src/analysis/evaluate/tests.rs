//! The scorecard's tests: synthetic plans, each element's criterion, and
//! ratings that never fall when more is declared.
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
/// won amounts in 억 원, and no particle written both ways.
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
            // The operator's English name takes no particle it cannot choose.
            let both = ["이(가)", "을(를)", "과(와)", "은(는)"];
            assert!(!both.iter().any(|p| y.reason.contains(p)), "{}", y.reason);
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
    let text = format!("{CARDS}\n[evaluation]\ngap_per_year_amber = 0.0\ngap_per_year_red = 0.0\n");
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
    let bad = format!("{CARDS}\n[evaluation]\ngap_per_year_amber = 0.5\ngap_per_year_red = 0.2\n");
    let e = parse_str(&bad, "t").unwrap_err();
    assert!(e.diagnostics[0].path.contains("gap_per_year_red"), "{e}");
    let old = format!("{CARDS}\n[evaluation]\np_any_gap_red = 0.5\n");
    let e = parse_str(&old, "t").unwrap_err().to_string();
    assert!(e.contains("replaced by `gap_per_year_red`"), "{e}");
}

/// A province's grant (시·도비) counts in the grant share as a grant, and
/// the reason says whose money it is rather than calling it all 국비.
#[test]
fn a_provincial_grant_is_named_as_such_in_grant_dependency() {
    let national = evaluation(CARDS, Language::Ko);
    let text = CARDS.replace(
        "name = \"national subsidy\"\namount = 150",
        "name = \"province subsidy\"\namount = 150\npayer = \"province\"",
    );
    let (en, ko) = (
        evaluation(&text, Language::En),
        evaluation(&text, Language::Ko),
    );
    let of = |e: &Evaluation| e.scorecards[1].score("grant_dependency").clone();
    assert_eq!(of(&ko).value, of(&national).value);
    assert!(
        of(&ko).reason.contains("가 국비·시·도비;"),
        "{}",
        of(&ko).reason
    );
    assert!(
        of(&national).reason.contains("가 국비;"),
        "{}",
        of(&national).reason
    );
    assert!(
        of(&en)
            .reason
            .contains("from national and provincial grants"),
        "{}",
        of(&en).reason
    );
}
