//! The rules of scenarios/README.md that change results when read another
//! way, each pinned on a scenario small enough to compute by hand.

use fundgap::engine::{Engine, Row, Scratch};
use fundgap::model::{FundingKind, Model};
use fundgap::scenario::parse_str;
use fundgap::stats::Report;

fn model(body: &str, trials: u64) -> Model {
    let text = format!(
        "[scenario]\nname = \"rules\"\nstart_year = 2025\nhorizon_years = 10\n\
         discount_rate = 0.05\ntrials = {trials}\nseed = 8\n\n{body}"
    );
    parse_str(&text, "rules.toml").unwrap_or_else(|e| panic!("{e}"))
}

use crate::common::{one_trial, report_of as report};

/// Renewals every 2.5 years fall 3, 5 and 8 years after opening: the j-th
/// at round(2.5 j), halves rounded up.
#[test]
fn renewal_halves_round_up() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0\n\
         [[service.cost]]\nkind = \"renewal\"\nname = \"kit\"\namount = 100\nevery_years = 2.5\n",
        1,
    );
    let s = one_trial(&m);
    let years: Vec<usize> = (0..10).filter(|&t| s.row(Row::Cost, 0)[t] > 0.0).collect();
    assert_eq!(years, [3, 5, 8]);
}

/// The year before the start is normal, so the start year is a downturn
/// with the annual probability (0.3 here), within 4 standard errors.
#[test]
fn the_start_year_can_already_be_a_downturn() {
    let n = 20_000;
    let m = model(
        "[economy]\ndownturn = { annual_probability = 0.3, mean_duration_years = 2.0 }\n\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n",
        n,
    );
    let engine = Engine::new(&m);
    let mut s = Scratch::new(&m);
    let mut down = 0u64;
    for t in 0..n {
        engine.simulate(t, &mut s);
        down += u64::from(s.downturn[0]);
    }
    let p = down as f64 / n as f64;
    let se = (0.3f64 * 0.7 / n as f64).sqrt();
    assert!((p - 0.3).abs() < 4.0 * se, "{p}");
}

/// Funding is what the streams pay; the reserve's draws are reported apart,
/// and the gap is what neither covers. Cost 100 a year, a budget of 60 and
/// a reserve of 100: the reserve pays 40, 40, 20, then nothing.
#[test]
fn funding_excludes_the_reserve_and_the_gap_is_what_is_left() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 60\n\
         [[service.funding]]\nkind = \"reserve\"\nname = \"fund\"\nbalance = 100\n",
        10,
    );
    let r = report(&m);
    let y = &r.entity("s").unwrap().yearly;
    let draws: Vec<f64> = y.iter().map(|y| y.reserve_used_mean).collect();
    let gaps: Vec<f64> = y.iter().map(|y| y.gap_mean).collect();
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
    assert!(close(&draws[..4], &[40.0, 40.0, 20.0, 0.0]), "{draws:?}");
    assert!(close(&gaps[..4], &[0.0, 0.0, 20.0, 40.0]), "{gaps:?}");
    for y in y {
        assert!(
            (y.funding_mean - 60.0).abs() < 1e-6,
            "funding excludes the reserve"
        );
        assert!((y.cost_mean - y.funding_mean - y.reserve_used_mean - y.gap_mean).abs() < 1e-6);
    }
}

/// Two reserves of 50 are one of 100.
#[test]
fn several_reserves_add_up() {
    let base = "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
                [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 60\n";
    let one = model(
        &format!("{base}[[service.funding]]\nkind = \"reserve\"\nname = \"a\"\nbalance = 100\n"),
        1,
    );
    let two = model(
        &format!(
            "{base}[[service.funding]]\nkind = \"reserve\"\nname = \"a\"\nbalance = 50\n\
             [[service.funding]]\nkind = \"reserve\"\nname = \"b\"\nbalance = 50\n"
        ),
        1,
    );
    let (a, b) = (one_trial(&one), one_trial(&two));
    assert_eq!(a.row(Row::Gap, 0), b.row(Row::Gap, 0));
}

/// `share_of_cost = 1` covers the whole cost: opex, renewals and risk
/// events (a risk that strikes every year here), so there is never a gap.
#[test]
fn share_of_cost_covers_renewals_and_risks() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.cost]]\nkind = \"renewal\"\nname = \"kit\"\namount = 300\nevery_years = 3\n\
         [[service.risk]]\nname = \"storm\"\nannual_probability = 1\ncost = 50\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\nshare_of_cost = 1.0\n",
        200,
    );
    let s = one_trial(&m);
    let (cost, grant) = (s.row(Row::Cost, 0), s.kind_row(0, FundingKind::Grant));
    assert!(
        cost[3] > cost[2] && cost[2] > 100.0,
        "renewal and risk costs are in the cost"
    );
    assert_eq!(cost, grant);
    assert_eq!(report(&m).entity("s").unwrap().p_any_gap.estimate, 0.0);
}

/// Money before opening counts: with `carry_surplus` the two years of a
/// budget of 100 before the service opens in 2027 are saved (200), and
/// cover a shortfall of 50 a year for four years; without it they lapse.
#[test]
fn money_before_opening_is_a_surplus_that_lapses_unless_carried() {
    let body = |carry: bool| {
        format!(
            "[[service]]\nid = \"s\"\nconstruction_cost = 1500\nopex_ratio = 0.1\nopens = 2027\n\
             carry_surplus = {carry}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nfrom = 2025\n"
        )
    };
    let carried = one_trial(&model(&body(true), 1));
    let lapsed = one_trial(&model(&body(false), 1));
    let g = |s: &Scratch| s.row(Row::Gap, 0).to_vec();
    assert_eq!(g(&carried)[..8], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 50.0, 50.0]);
    assert_eq!(g(&lapsed)[..4], [0.0, 0.0, 50.0, 50.0]);
}

/// A grant's withdrawal hazard runs from its `from`, opened or not: a grant
/// from 2025 for a service opening in 2027 still pays in 2027 with
/// probability (1 - h)^3.
#[test]
fn hazards_run_before_opening() {
    let n = 20_000;
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nopens = 2027\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 100\nfrom = 2025\n\
         withdrawal_hazard = 0.2\n",
        n,
    );
    let r = report(&m);
    let paid_2027 = r.entity("s").unwrap().yearly[2].funding_by_kind_mean[0] / 100.0;
    let truth = 0.8f64.powi(3);
    let se = (truth * (1.0 - truth) / n as f64).sqrt();
    assert!(
        (paid_2027 - truth).abs() < 4.0 * se,
        "{paid_2027} vs {truth}"
    );
}

/// Benefit growth counts from the benefit's own first year.
#[test]
fn benefit_growth_starts_at_its_first_year() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.benefit]]\nname = \"time\"\nannual = 100\ngrowth = 0.1\nfrom = 2027\n",
        1,
    );
    let r = report(&m);
    let v = 1.0 / 1.05f64;
    let npv: f64 = (2..10)
        .map(|t| 100.0 * 1.1f64.powi(t - 2) * v.powi(t))
        .sum();
    let got = r.entity("s").unwrap().benefit_npv_mean;
    assert!((got - npv).abs() < 1e-9 * npv, "{got} vs {npv}");
}

/// A shortfall is a gap only above the materiality threshold: cost 100 a
/// year against a budget of 97 leaves 3 short every year, absorbed under
/// 5% of cost, a gap under 2%; P(shortfall) stays 1 either way, and the
/// contingency reports what it absorbed. A service can set its own.
#[test]
fn materiality_decides_which_shortfalls_are_gaps() {
    let run = |scenario_keys: &str, service_keys: &str| {
        let text = format!(
            "[scenario]\nname = \"m\"\nstart_year = 2025\nhorizon_years = 5\ntrials = 20\nseed = 1\n\
             {scenario_keys}\n\n[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
             {service_keys}\n[[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 97\n"
        );
        let m = parse_str(&text, "m.toml").unwrap_or_else(|e| panic!("{e}"));
        report(&m)
    };
    let y0 = |r: &Report| r.entity("s").unwrap().yearly[0].clone();
    let absorbed = run("materiality_share = 0.05", "");
    let y = y0(&absorbed);
    assert_eq!(y.p_gap.estimate, 0.0);
    assert_eq!(y.p_shortfall.estimate, 1.0);
    assert!(
        (y.contingency_mean - 3.0).abs() < 1e-6,
        "{}",
        y.contingency_mean
    );
    assert_eq!(y.gap_mean, 0.0);
    let material = run("materiality_share = 0.02", "");
    let y = y0(&material);
    assert_eq!((y.p_gap.estimate, y.p_shortfall.estimate), (1.0, 1.0));
    assert!((y.gap_mean - 3.0).abs() < 1e-6 && y.contingency_mean == 0.0);
    // An amount threshold, and a service overriding the scenario's share.
    let by_amount = run("materiality_amount = 5", "");
    assert_eq!(y0(&by_amount).p_gap.estimate, 0.0);
    let own = run("materiality_share = 0.05", "materiality_share = 0.0");
    assert_eq!(y0(&own).p_gap.estimate, 1.0);
    // No materiality: every shortfall is a gap, as before.
    let plain = run("", "");
    let y = y0(&plain);
    assert_eq!(y.p_gap, y.p_shortfall);
    assert_eq!(y.contingency_mean, 0.0);
}

/// A stop rule fires at the end of a year and shrinks the service from the
/// next: cost 100 against a budget of 50 gaps every year, so two years of
/// gaps stop it from 2027; closed, it has no gap, cost or benefit after; at
/// half size, a gap of 25 goes on. A funding rule (money covering under 60%
/// of cost) stops it after its first year.
#[test]
fn a_stop_rule_stops_or_shrinks_the_service() {
    let run = |rule: &str| {
        let m = model(
            &format!(
                "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{rule}\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 50\n\
                 [[service.benefit]]\nname = \"b\"\nannual = 100\n"
            ),
            20,
        );
        report(&m).entity("s").unwrap().clone()
    };
    let closed = run("stop_after_gap_years = 2");
    let stopped: Vec<f64> = closed.yearly.iter().map(|y| y.p_stopped.estimate).collect();
    assert_eq!(stopped[..4], [0.0, 0.0, 1.0, 1.0]);
    let gaps: Vec<f64> = closed.yearly.iter().map(|y| y.gap_mean).collect();
    assert_eq!(gaps[..4], [50.0, 50.0, 0.0, 0.0]);
    assert_eq!(closed.yearly[5].cost_mean, 0.0);
    let v = 1.0 / 1.05;
    assert!((closed.gap_npv.mean - 50.0 * (1.0 + v)).abs() < 1e-9);
    assert!((closed.benefit_npv_mean - 100.0 * (1.0 + v)).abs() < 1e-9);
    assert_eq!(closed.p_stop.estimate, 1.0);
    assert_eq!(closed.stop_year.median, Some(2027));
    // Kept running, it would have run short by 50 every year of the ten.
    let kept: f64 = (0..10).map(|t| 50.0 * v.powi(t)).sum();
    assert!((closed.gap_npv_kept_mean - kept).abs() < 1e-9);
    // The realised cost ratio counts the two years it ran, not the eight
    // after: 100 a year on a construction of 1,000.
    assert!(
        (closed.opex_ratio_mean - 0.1).abs() < 1e-12,
        "{}",
        closed.opex_ratio_mean
    );

    let half = run("stop_after_gap_years = 2\nafter_stop_share = 0.5");
    // Kept at half size, it is shrunk, not stopped.
    let states = |e: &fundgap::stats::EntityStats, t: usize| {
        let y = &e.yearly[t];
        [y.p_continued, y.p_shrunk, y.p_stopped].map(|p| p.estimate)
    };
    assert_eq!(states(&half, 1), [1.0, 0.0, 0.0]);
    assert_eq!(states(&half, 4), [0.0, 1.0, 0.0]);
    assert_eq!(states(&closed, 4), [0.0, 0.0, 1.0]);
    assert!((half.yearly[4].gap_mean - 25.0).abs() < 1e-9);
    assert!((half.yearly[4].cost_mean - 50.0).abs() < 1e-9);

    let by_money = run("stop_below_funding_share = 0.6");
    assert_eq!(by_money.stop_year.median, Some(2026));
    let none = run("stop_below_funding_share = 0.4");
    assert_eq!(none.p_stop.estimate, 0.0);
    // Nothing stopped: the gap kept running is the gap.
    assert_eq!(none.gap_npv_kept_mean, none.gap_npv.mean);
    assert_eq!(none.stop_year.median, None);
}

/// P(stopped by year t) against its closed form: a grant paying the whole
/// cost, withdrawn with hazard h before each year's payment, and a rule
/// that stops the service after one year with a gap: it has stopped by
/// year index t when the grant was withdrawn by t - 1, 1 - (1 - h)^t.
#[test]
fn stop_years_follow_the_withdrawal_hazard() {
    let n = 20_000;
    let h = 0.1f64;
    let m = model(
        &format!(
            "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
             stop_after_gap_years = 1\n\
             [[service.funding]]\nkind = \"grant\"\nname = \"national\"\nshare_of_cost = 1.0\n\
             withdrawal_hazard = {h}\n"
        ),
        n,
    );
    let r = report(&m);
    let s = r.entity("s").unwrap();
    for t in 1..10 {
        let truth = 1.0 - (1.0 - h).powi(t as i32);
        let est = s.yearly[t].p_stopped.estimate;
        let se = (truth * (1.0 - truth) / n as f64).sqrt();
        assert!(
            (est - truth).abs() <= 4.0 * se,
            "year {t}: {est} vs {truth}"
        );
    }
    let truth = 1.0 - (1.0 - h).powi(9);
    assert!((s.p_stop.estimate - truth).abs() <= 4.0 * (truth * (1.0 - truth) / n as f64).sqrt());
    // The portfolio has stopped when its one service has.
    assert_eq!(r.portfolio().p_stop, s.p_stop);
}

/// A grant with a local match pays no more than the year's budget money
/// divided by the match share: a 1:1 grant of 100 beside a budget of 30
/// pays 30; half the cost as a grant, 1:1, is paid whole beside a budget of
/// 50 and cut to 20 beside a budget of 20. A grant without a match is not
/// touched.
#[test]
fn an_unmatched_grant_is_cut_to_its_match() {
    let run = |grant: &str, budget: f64| {
        let m = model(
            &format!(
                "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
                 [[service.funding]]\nkind = \"grant\"\nname = \"national\"\n{grant}\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = {budget}\n"
            ),
            1,
        );
        let s = one_trial(&m);
        (s.kind_row(0, FundingKind::Grant)[3], s.row(Row::Gap, 0)[3])
    };
    assert_eq!(run("amount = 100\nmatch_share = 1.0", 30.0), (30.0, 40.0));
    assert_eq!(
        run("share_of_cost = 0.5\nmatch_share = 1.0", 50.0),
        (50.0, 0.0)
    );
    assert_eq!(
        run("share_of_cost = 0.5\nmatch_share = 1.0", 20.0),
        (20.0, 60.0)
    );
    assert_eq!(run("amount = 100\nmatch_share = 0.5", 30.0), (60.0, 10.0));
    assert_eq!(run("amount = 100", 0.0), (100.0, 0.0));
}

/// Grant dependency on operating money and on all money: construction of
/// 1,000 half paid by national money, then 100 a year from a grant of 20
/// and a budget of 80 for ten years: 20% of operating money, and
/// (200 + 500) / (1,000 + 1,000) = 35% of all money.
#[test]
fn grant_dependency_on_all_money_counts_construction() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nconstruction_grant_share = 0.5\n\
         opex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 20\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 80\n",
        10,
    );
    let r = report(&m);
    let s = r.entity("s").unwrap();
    assert!((s.grant_share - 0.2).abs() < 1e-12, "{}", s.grant_share);
    assert!(
        (s.grant_share_total - 0.35).abs() < 1e-12,
        "{}",
        s.grant_share_total
    );
    assert!((r.portfolio().grant_share_total - 0.35).abs() < 1e-12);
}

/// `unmatched = "withdraw"`: the first year the local money falls short of
/// the match, the grant ends for good (the national money is returned),
/// where the default cuts only that year. A 1:1 grant of 100 is matched by
/// a city budget of 100 to 2026, unmatched in 2027-2028, and matched again
/// by a later budget from 2029.
#[test]
fn an_unmatched_year_can_withdraw_the_grant() {
    let run = |unmatched: &str| {
        let m = model(
            &format!(
                "[[service]]\nid = \"s\"\nconstruction_cost = 2000\nopex_ratio = 0.1\n\
                 [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 100\n\
                 match_share = 1.0\n{unmatched}\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nto = 2026\n\
                 [[service.funding]]\nkind = \"budget\"\nname = \"late\"\namount = 100\nfrom = 2029\n"
            ),
            1,
        );
        let s = one_trial(&m);
        s.kind_row(0, FundingKind::Grant)[..6].to_vec()
    };
    // Cut: nothing in the unmatched years 2027-2028, paid again from 2029.
    assert_eq!(run(""), [100.0, 100.0, 0.0, 0.0, 100.0, 100.0]);
    // Withdrawn: the first unmatched year ends it for good.
    assert_eq!(
        run("unmatched = \"withdraw\""),
        [100.0, 100.0, 0.0, 0.0, 0.0, 0.0]
    );
    // Clawed back: it ends, and the 200 paid in 2025-2026 go back in 2027,
    // so the grant brought nothing over the horizon.
    let back = run("unmatched = \"clawback\"");
    assert_eq!(back, [100.0, 100.0, -200.0, 0.0, 0.0, 0.0]);
    assert_eq!(back.iter().sum::<f64>(), 0.0);
}

/// A clawback is a gap in the year the money goes back: cost 200 a year,
/// paid by a 1:1 grant of 100 and a city budget of 100 that ends after
/// 2026; in 2027 the city has nothing and must also return the 200
/// received, so the gap is the year's 200 plus 200.
#[test]
fn a_clawback_is_a_gap_in_the_year_the_money_goes_back() {
    let m = model(
        "[[service]]\nid = \"s\"\nconstruction_cost = 2000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 100\n\
         match_share = 1.0\nunmatched = \"clawback\"\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\nto = 2026\n",
        1,
    );
    let s = one_trial(&m);
    assert_eq!(&s.row(Row::Gap, 0)[..4], [0.0, 0.0, 400.0, 200.0]);
}

/// A back-test outcome's year must leave a year after it in the horizon,
/// where a stop decided at its end shows; `stopped` and `source` are
/// required.
#[test]
fn an_outcome_must_be_observable_within_the_horizon() {
    let parse = |outcome: &str| {
        let text = format!(
            "[scenario]\nname = \"x\"\nstart_year = 2021\nhorizon_years = 3\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 10\nopex_ratio = 0.1\n\
             [service.outcome]\n{outcome}\n"
        );
        parse_str(&text, "x.toml")
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert!(parse("stopped = true\nby = 2022\nsource = \"a record\"").is_ok());
    let e = parse("stopped = true\nby = 2023\nsource = \"a record\"").unwrap_err();
    assert!(e.contains("by") && e.contains("2023"), "{e}");
    assert!(
        parse("by = 2022\nsource = \"a record\"")
            .unwrap_err()
            .contains("stopped")
    );
    assert!(
        parse("stopped = false\nby = 2022")
            .unwrap_err()
            .contains("source")
    );
}
