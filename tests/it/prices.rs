//! The economy's price paths: inflation that persists from year to year
//! (an AR(1) path), years whose rate is already published, and a wage index
//! that the labour share of operating costs follows. Each against its
//! closed form, the persistent path within stated standard errors.

use fundgap::engine::{Engine, Row, Scratch};
use fundgap::scenario::parse_str;

use crate::common::one_trial;

/// Cost 100 a year from 2025 (construction 1,000 x 0.1) for `years` years;
/// `economy` the [economy] keys, `service` extra service keys.
fn model(economy: &str, service: &str, years: usize) -> fundgap::model::Model {
    let text = format!(
        "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = {years}\ntrials = 10\nseed = 4\n\
         [economy]\n{economy}\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n{service}\n"
    );
    parse_str(&text, "p.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Published years take their rate; the others keep the drawn (here
/// fixed) one: the index is the product of (1 + rate) year by year.
#[test]
fn published_years_take_their_rate() {
    let m = model(
        "inflation = 0.02\nrealised_inflation = { 2026 = 0.025, 2027 = 0.051 }",
        "",
        5,
    );
    let s = one_trial(&m);
    let rates = [0.025, 0.051, 0.02, 0.02];
    let mut want = vec![1.0];
    for r in rates {
        want.push(want.last().unwrap() * (1.0 + r));
    }
    assert_eq!(s.escalation, want);
    let cost = s.row(Row::Cost, 0);
    for t in 0..5 {
        assert!((cost[t] - 100.0 * want[t]).abs() < 1e-9, "{t}");
    }
}

/// The rates of 2030 and 2031 over `n` trials of `economy`: their means,
/// standard deviations and correlation.
fn two_years(economy: &str, n: u64) -> ([f64; 2], [f64; 2], f64) {
    let m = model(economy, "", 8);
    let engine = Engine::new(&m);
    let mut s = Scratch::new(&m);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for trial in 0..n {
        engine.simulate(trial, &mut s);
        let e = &s.escalation;
        a.push(e[5] / e[4] - 1.0);
        b.push(e[6] / e[5] - 1.0);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(&a), mean(&b));
    let sd = |v: &[f64], m: f64| {
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    let (sa, sb) = (sd(&a, ma), sd(&b, mb));
    let cov = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>();
    ([ma, mb], [sa, sb], cov / ((n - 1) as f64 * sa * sb))
}

/// With persistence phi, each year's rate has the draws' mean and
/// variance and a lag-1 correlation of phi: over 4,000 trials of normal(0.02,
/// sd 0.01) with phi = 0.6, the rates of the years 2030 and 2031 have mean
/// 0.02 (se 0.01/sqrt(4,000) = 0.00016), sd 0.01 and correlation 0.6 (se
/// about (1 - 0.36)/sqrt(4,000) = 0.010), each within four standard errors;
/// independent draws do not correlate.
#[test]
fn persistent_inflation_keeps_its_mean_and_spread_and_correlates_year_to_year() {
    let n = 4_000u64;
    let normal = "inflation = { dist = \"normal\", mean = 0.02, sd = 0.01 }";
    let ([ma, _], [sa, _], corr) = two_years(&format!("{normal}\ninflation_persistence = 0.6"), n);
    let se_mean = 0.01 / (n as f64).sqrt();
    assert!((ma - 0.02).abs() < 4.0 * se_mean, "{ma}");
    // The sd of a sample sd is about sd / sqrt(2n) = 0.00011.
    assert!(
        (sa - 0.01).abs() < 4.0 * 0.01 / (2.0 * n as f64).sqrt(),
        "{sa}"
    );
    assert!((corr - 0.6).abs() < 4.0 * 0.010, "{corr}");
    // Independent draws: no correlation (se 1/sqrt(n) = 0.016).
    let (_, _, corr) = two_years(normal, n);
    assert!(corr.abs() < 4.0 / (n as f64).sqrt(), "{corr}");
}

/// The labour share of the base operating cost follows the wage index,
/// the rest prices: with prices at 2% and wages at 5% (2026 published at
/// 4%), a labour share of 0.6 escalates the cost by 0.4 x prices + 0.6 x
/// wages each year. Without a share, the wage index changes nothing.
#[test]
fn the_labour_share_follows_wages() {
    let economy = "inflation = 0.02\nwage_growth = 0.05\nrealised_wage_growth = { 2026 = 0.04 }";
    let s = one_trial(&model(economy, "labour_share = 0.6", 4));
    let cost = s.row(Row::Cost, 0);
    let wages = [1.0, 1.04, 1.04 * 1.05, 1.04 * 1.05 * 1.05];
    for t in 0..4 {
        let prices = 1.02f64.powi(t as i32);
        let want = 100.0 * (0.4 * prices + 0.6 * wages[t]);
        assert!((cost[t] - want).abs() < 1e-9, "{t}: {} vs {want}", cost[t]);
    }
    let s = one_trial(&model(economy, "", 4));
    let cost = s.row(Row::Cost, 0);
    for (t, c) in cost.iter().enumerate().take(4) {
        assert!((c - 100.0 * 1.02f64.powi(t as i32)).abs() < 1e-9);
    }
}

/// A published year outside the horizon or on the start year, a wage key
/// without wage growth and a persistence of 1 are refused.
#[test]
fn price_path_keys_are_checked() {
    let err = |economy: &str| {
        let text = format!(
            "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = 5\n\
             [economy]\n{economy}\n\
             [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n"
        );
        parse_str(&text, "p.toml").unwrap_err().to_string()
    };
    let e = err("realised_inflation = { 2025 = 0.01 }");
    assert!(e.contains("start year's prices are the base"), "{e}");
    let e = err("realised_inflation = { 2031 = 0.01 }");
    assert!(e.contains("2026 to 2029"), "{e}");
    let e = err("wage_persistence = 0.5");
    assert!(e.contains("set `wage_growth`"), "{e}");
    let e = err("inflation_persistence = 1");
    assert!(e.contains("[0, 1)"), "{e}");
}
