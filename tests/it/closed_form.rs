//! The engine against closed-form answers.
//!
//! Each test builds a scenario whose answer is known analytically, runs it
//! at a fixed seed, and requires the estimate to lie within 4 standard
//! errors of the truth. Fixed seeds make the tests deterministic; a wrong
//! model shifts estimates by many standard errors, so they still fail when
//! the model is wrong (4 SE leaves a 6e-5 false-alarm rate per check).

use fundgap::engine::Engine;
use fundgap::scenario::parse_str;
use fundgap::stats::Report;
use statrs::distribution::{ContinuousCDF, Normal};

fn run(toml: &str) -> Report {
    let model = parse_str(toml, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    let acc = fundgap::stats::run_all(&Engine::new(&model));
    Report::new(&model, &acc)
}

fn within_4se(est: f64, truth: f64, n: u64, what: &str) {
    let se = (truth * (1.0 - truth) / n as f64).sqrt();
    assert!(
        (est - truth).abs() <= 4.0 * se + 1e-12,
        "{what}: estimate {est} vs closed form {truth} (4 SE = {})",
        4.0 * se
    );
}

fn header(trials: u64, horizon: u32) -> String {
    format!(
        "[scenario]\nname = \"closed form\"\nstart_year = 2025\nhorizon_years = {horizon}\ndiscount_rate = 0.04\ntrials = {trials}\nseed = 42\n"
    )
}

/// (1) Normal opex ratio against a fixed budget:
/// P(gap) = P(C R > B) = 1 - Phi((B - C mu) / (C sigma)).
#[test]
fn normal_opex_ratio_against_fixed_budget() {
    let (c, mu, sigma, b) = (1000.0, 0.15, 0.03, 170.0);
    let n = 40_000;
    let r = run(&format!(
        "{}\n[[service]]\nid = \"s\"\nconstruction_cost = {c}\nopex_ratio = {{ dist = \"normal\", mean = {mu}, sd = {sigma} }}\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = {b}\n",
        header(n, 3)
    ));
    let truth = 1.0
        - Normal::new(0.0, 1.0)
            .unwrap()
            .cdf((b - c * mu) / (c * sigma));
    let s = r.entity("s").unwrap();
    for y in &s.yearly {
        within_4se(y.p_gap.estimate, truth, n, &format!("P(gap) in {}", y.year));
    }
    // The ratio is drawn once per trial, so a gap in one year means a gap in all.
    within_4se(s.p_any_gap.estimate, truth, n, "P(any gap)");
    assert!(s.p_any_gap.lo <= truth && truth <= s.p_any_gap.hi);
}

/// (2) A grant covering cost exactly, withdrawn with hazard h each year:
/// P(gap in operating year k) = 1 - (1 - h)^k.
#[test]
fn grant_withdrawal_hazard() {
    let h: f64 = 0.08;
    let n = 40_000;
    let r = run(&format!(
        "{}\n[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"g\"\namount = 100\nwithdrawal_hazard = {h}\n",
        header(n, 10)
    ));
    let s = r.entity("s").unwrap();
    for (t, y) in s.yearly.iter().enumerate() {
        let k = (t + 1) as i32;
        within_4se(
            y.p_gap.estimate,
            1.0 - (1.0 - h).powi(k),
            n,
            &format!("P(gap) in year {k}"),
        );
    }
}

/// (3) A risk event of probability p with a budget that covers base cost
/// exactly: P(gap) = p each year, P(any gap over H years) = 1 - (1-p)^H.
#[test]
fn risk_event_probability() {
    let p: f64 = 0.2;
    let n = 40_000;
    let r = run(&format!(
        "{}\n[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.risk]]\nname = \"r\"\nannual_probability = {p}\ncost = 25\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = 100\n",
        header(n, 5)
    ));
    let s = r.entity("s").unwrap();
    for y in &s.yearly {
        within_4se(y.p_gap.estimate, p, n, &format!("P(gap) in {}", y.year));
    }
    within_4se(
        s.p_any_gap.estimate,
        1.0 - (1.0 - p).powi(5),
        n,
        "P(any gap)",
    );
}

/// (4) The realised opex ratio of a lognormal with mean 0.15 is 0.15.
#[test]
fn realised_opex_ratio_of_lognormal() {
    let n = 40_000;
    let r = run(&format!(
        "{}\n[[service]]\nid = \"s\"\nconstruction_cost = {{ dist = \"pert\", min = 800, mode = 1000, max = 1500 }}\n\
         opex_ratio = {{ dist = \"lognormal\", mean = 0.15, sd = 0.05 }}\nvolatility = 0.1\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = 100\n",
        header(n, 10)
    ));
    let s = r.entity("s").unwrap();
    assert!(
        (s.opex_ratio_mean - 0.15).abs() <= 4.0 * s.opex_ratio_se,
        "opex ratio {} +- {} vs 0.15",
        s.opex_ratio_mean,
        s.opex_ratio_se
    );
}

/// (5) NPV of a fixed cost stream equals the annuity formula:
/// LCC = C + C R (1+r) (1 - (1+r)^-H) / r, and a fixed shortfall D gives a
/// gap NPV of D (1+r) (1 - (1+r)^-H) / r.
#[test]
fn npv_of_fixed_stream_is_an_annuity() {
    let (c, ratio, budget, rate, h) = (2000.0, 0.15, 250.0, 0.04, 20);
    let r = run(&format!(
        "{}\n[[service]]\nid = \"s\"\nconstruction_cost = {c}\nopex_ratio = {ratio}\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = {budget}\n",
        header(100, h)
    ));
    let annuity_due = (1.0 + rate) * (1.0 - (1.0f64 + rate).powi(-(h as i32))) / rate;
    let s = r.entity("s").unwrap();
    let lcc = c + c * ratio * annuity_due;
    assert!(
        (s.lcc_npv.mean - lcc).abs() < 1e-6 * lcc,
        "{} vs {lcc}",
        s.lcc_npv.mean
    );
    let gap = (c * ratio - budget) * annuity_due;
    assert!(
        (s.gap_npv.mean - gap).abs() < 1e-6 * gap,
        "{} vs {gap}",
        s.gap_npv.mean
    );
    // Percentiles of a constant are the constant (within the sketch's 0.8%).
    assert!((s.gap_npv.p95 - gap).abs() <= gap / 128.0);
    assert_eq!(s.p_any_gap.estimate, 1.0);
}

/// A downturn regime with entry probability p and mean duration D spends a
/// long-run share p / (p + 1/D) of years in downturn. A budget cut to zero in
/// downturns exposes that share as P(gap) in a late year.
#[test]
fn downturn_regime_stationary_share() {
    let (p, d) = (0.1, 2.5);
    let n = 40_000;
    let r = run(&format!(
        "{}\n[economy]\ndownturn = {{ annual_probability = {p}, mean_duration_years = {d} }}\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = 100\ndownturn_multiplier = 0\n",
        header(n, 40)
    ));
    let s = r.entity("s").unwrap();
    let q = 1.0 / d;
    // First year: the chain starts in normal times.
    within_4se(
        s.yearly[0].p_gap.estimate,
        p,
        n,
        "P(downturn) in the first year",
    );
    within_4se(
        s.yearly[39].p_gap.estimate,
        p / (p + q),
        n,
        "long-run P(downturn)",
    );
}

/// Fees follow a logistic adoption curve: with fixed inputs the yearly fee
/// is exactly N / (1 + exp(-k (tau - m))) x price.
#[test]
fn fees_follow_logistic_adoption() {
    let r = run(&format!(
        "{}\n[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nopens = 2026\n\
         [[service.funding]]\nkind = \"fees\"\nname = \"f\"\nsaturation_users = 10000\nmidpoint_years = 3\nsteepness = 0.8\nprice = 0.01\n",
        header(10, 8)
    ));
    let s = r.entity("s").unwrap();
    assert_eq!(s.yearly[0].funding_mean, 0.0, "no fees before opening");
    for t in 1..8 {
        let tau = t as f64;
        let want = 10000.0 / (1.0 + (-0.8 * (tau - 3.0)).exp()) * 0.01;
        assert!(
            (s.yearly[t].funding_mean - want).abs() < 1e-5,
            "year {t}: {} vs {want}",
            s.yearly[t].funding_mean
        );
    }
}

/// (8) Discounting on a real basis: costs escalated by each trial's own
/// random inflation and deflated by the same index are the plain real
/// annuity in every trial, whatever the inflation path:
/// LCC = C + C R (1 - (1+r)^-H) / (1 - (1+r)^-1), years counted from the
/// start of the start year. A flat nominal budget B loses value in real
/// terms: its funding is not part of the LCC, but a benefit of B a year
/// (nominal, as paid) is worth B sum_t (1+r)^-t / E(t), less than the real
/// annuity when prices rise.
#[test]
fn a_real_basis_deflates_each_trials_own_inflation() {
    let (c, ratio, rate, h): (f64, f64, f64, i32) = (2000.0, 0.15, 0.045, 20);
    let toml = format!(
        "[scenario]\nname = \"real\"\nstart_year = 2025\nhorizon_years = {h}\ndiscount_rate = {rate}\n\
         trials = 2000\nseed = 4\n\n[economy]\ninflation = {{ dist = \"normal\", mean = 0.03, sd = 0.02 }}\n\n\
         [[service]]\nid = \"s\"\nconstruction_cost = {c}\nopex_ratio = {ratio}\n\
         [[service.benefit]]\nname = \"b\"\nannual = 100\n"
    );
    let r = run(&toml);
    let v = 1.0 / (1.0 + rate);
    let annuity_due = (1.0 - v.powi(h)) / (1.0 - v);
    let s = r.entity("s").unwrap();
    let lcc = c + c * ratio * annuity_due;
    assert!(
        (s.lcc_npv.mean - lcc).abs() < 1e-9 * lcc,
        "{} vs {lcc}",
        s.lcc_npv.mean
    );
    // Every trial gives the same real LCC: no Monte Carlo spread at all.
    assert!(s.lcc_npv.se < 1e-9 * lcc, "se {}", s.lcc_npv.se);
    // The nominal benefit is deflated: with 3% mean inflation it is worth
    // about sum_t 100 (1.045 x 1.03)^-t, well below the real annuity.
    let deflated: f64 = (0..h).map(|t| 100.0 * (v / 1.03).powi(t)).sum();
    assert!(
        (s.benefit_npv_mean - deflated).abs() < 0.01 * deflated,
        "{} vs about {deflated}",
        s.benefit_npv_mean
    );
    assert!(s.benefit_npv_mean < 100.0 * annuity_due * 0.9);
}

/// (9) Discounting on a nominal basis, with a fixed 2% inflation: costs grow
/// with prices and are discounted at the nominal rate, a growing annuity:
/// LCC = C + C R sum_t ((1+i)/(1+r))^t.
#[test]
fn a_nominal_basis_discounts_escalated_costs_at_the_nominal_rate() {
    let (c, ratio, rate, infl, h): (f64, f64, f64, f64, i32) = (2000.0, 0.15, 0.06, 0.02, 25);
    let toml = format!(
        "[scenario]\nname = \"nominal\"\nstart_year = 2025\nhorizon_years = {h}\ndiscount_rate = {rate}\n\
         discount_basis = \"nominal\"\ntrials = 100\nseed = 4\n\n[economy]\ninflation = {infl}\n\n\
         [[service]]\nid = \"s\"\nconstruction_cost = {c}\nopex_ratio = {ratio}\n"
    );
    let r = run(&toml);
    let q = (1.0 + infl) / (1.0 + rate);
    let lcc = c + c * ratio * (1.0 - q.powi(h)) / (1.0 - q);
    let s = r.entity("s").unwrap();
    assert!(
        (s.lcc_npv.mean - lcc).abs() < 1e-9 * lcc,
        "{} vs {lcc}",
        s.lcc_npv.mean
    );
}

/// Constant prices restate each year in start-year money: cost of 100
/// escalated at a fixed 3% reads 100 every year; a flat budget of 100
/// reads 100 / 1.03^t; the gap between them reads 100 - 100 / 1.03^t
/// where the current-price gap is 100 x 1.03^t - 100. P(gap), the gap NPV
/// (real basis) and the stop decisions are those of the current-price run.
/// A nominal basis with constant prices is refused.
#[test]
fn constant_prices_restate_yearly_amounts_in_start_year_money() {
    let body = |prices: &str| {
        format!(
            "[scenario]\nname = \"k\"\nstart_year = 2025\nhorizon_years = 6\ntrials = 50\nseed = 1\n{prices}\n\
             [economy]\ninflation = 0.03\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100\n"
        )
    };
    let current = run(&body(""));
    let constant = run(&body("prices = \"constant\""));
    let (cur, con) = (current.entity("s").unwrap(), constant.entity("s").unwrap());
    for t in 0..6 {
        let e = 1.03f64.powi(t as i32);
        let (a, b) = (&cur.yearly[t], &con.yearly[t]);
        assert!((a.cost_mean - 100.0 * e).abs() < 1e-6 * e);
        assert!((b.cost_mean - 100.0).abs() < 1e-6, "{t}: {}", b.cost_mean);
        assert!((b.funding_mean - 100.0 / e).abs() < 1e-6);
        assert!((b.gap_mean - (100.0 - 100.0 / e)).abs() < 1e-6);
        assert_eq!(a.p_gap, b.p_gap);
    }
    assert_eq!(cur.gap_npv.mean, con.gap_npv.mean);
    let refused = parse_str(
        &body("prices = \"constant\"\ndiscount_basis = \"nominal\""),
        "k.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("prices") && refused.contains("real"),
        "{refused}"
    );
}
