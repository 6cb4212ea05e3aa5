//! The run's figures in the frame of a 중기지방재정계획 (지방재정법 제33조:
//! a plan of five years or more, made each year with the budget): the five
//! years from a budget year, each with the money by source — 국비 (the
//! state's grants), 시·도비 (a province's grants, where any), the local budget, own revenue (fees), private money (contracts), reserve
//! draws — the operating cost at its median and 90th percentile, capital
//! spending, and the gap at its mean and 90th percentile, all nominal.
//! Pure: the budget year is the caller's (the CLI reads the clock).

use serde::Serialize;

use crate::format::won_per_unit;
use crate::model::{FundingKind, Model};
use crate::stats::{EntityStats, Report, YearStats};

/// Years a medium-term plan covers.
pub const PLAN_YEARS: usize = 5;

/// One year of one entity's plan (amounts nominal, in the scenario's unit).
#[derive(Debug, Clone, Serialize)]
pub struct PlanYear {
    /// Service id, or `portfolio`.
    pub entity: String,
    /// Calendar year.
    pub year: i32,
    /// Mean money by source: the state's grants (국비).
    pub national: f64,
    /// The province's grants (시·도비), when a grant is the province's.
    pub provincial: Option<f64>,
    /// The local budget's.
    pub local: f64,
    /// Fees (own revenue).
    pub own_revenue: f64,
    /// Private partners' contracts.
    pub private: f64,
    /// What the service's reserve paid.
    pub reserve: f64,
    /// Operating cost: median and 90th percentile.
    pub operating_p50: f64,
    /// See `operating_p50`.
    pub operating_p90: f64,
    /// Mean capital spending (0 without capital lines).
    pub capital_mean: f64,
    /// Its mean part no money covers (no capital account, or one short).
    pub capital_gap_mean: f64,
    /// The gap: mean, 90th percentile, and the chance of one.
    pub gap_mean: f64,
    /// See `gap_mean`.
    pub gap_p90: f64,
    /// See `gap_mean`.
    pub p_gap: f64,
    /// `p_gap`'s 95% Wilson interval.
    pub p_gap_lo: f64,
    /// See `p_gap_lo`.
    pub p_gap_hi: f64,
    /// Per resident, when the scenario states `population`.
    pub per_resident: Option<PerResident>,
    /// As shares of the year's general account (일반회계), when the
    /// scenario states `general_account`.
    pub of_account: Option<OfAccount>,
}

/// A plan year's figures per resident, in won where the scenario's money
/// is won (otherwise in the scenario's unit).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PerResident {
    /// The operating cost's median.
    pub operating_p50: f64,
    /// The local budget's money.
    pub local: f64,
    /// The gap's 90th percentile.
    pub gap_p90: f64,
}

/// A plan year's figures as shares of that year's general account.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct OfAccount {
    /// The general account that year (the scenario's unit), grown from
    /// its first year at `general_account_growth`.
    pub general_account: f64,
    /// The local budget's money.
    pub local: f64,
    /// The gap's 90th percentile.
    pub gap_p90: f64,
}

/// The plan's years: `from` to `from + 4`, moved into the horizon (a
/// budget year after it gives its last five years).
pub fn plan_years(model: &Model, from: i32) -> std::ops::Range<i32> {
    let last_start = model.end_year() + 1 - PLAN_YEARS as i32;
    let first = from.min(last_start).max(model.start_year());
    first..(first + PLAN_YEARS as i32).min(model.end_year() + 1)
}

fn row(model: &Model, e: &EntityStats, y: &YearStats) -> PlanYear {
    let kind = |k: FundingKind| y.funding_by_kind_mean[k as usize];
    let place = model.locality();
    let won = won_per_unit(model.currency(), model.unit()).unwrap_or(1.0);
    let per_resident = place.population.map(|n| PerResident {
        operating_p50: y.cost_p50 * won / n,
        local: kind(FundingKind::Budget) * won / n,
        gap_p90: y.gap_p90 * won / n,
    });
    let of_account = place
        .general_account_in(model.start_year(), y.year)
        .map(|g| OfAccount {
            general_account: g,
            local: kind(FundingKind::Budget) / g,
            gap_p90: y.gap_p90 / g,
        });
    PlanYear {
        entity: e.id.clone(),
        year: y.year,
        // The grant row holds both governments' grants; the province's
        // are recorded apart.
        national: kind(FundingKind::Grant) - y.province_mean.unwrap_or(0.0),
        provincial: y.province_mean,
        local: kind(FundingKind::Budget),
        own_revenue: kind(FundingKind::Fees),
        private: kind(FundingKind::Contract),
        reserve: kind(FundingKind::Reserve),
        operating_p50: y.cost_p50,
        operating_p90: y.cost_p90,
        capital_mean: y.capital.as_ref().map_or(0.0, |c| c.cost_mean),
        capital_gap_mean: y.capital.as_ref().map_or(0.0, |c| c.gap_mean),
        gap_mean: y.gap_mean,
        gap_p90: y.gap_p90,
        p_gap: y.p_gap.estimate,
        p_gap_lo: y.p_gap.lo,
        p_gap_hi: y.p_gap.hi,
        per_resident,
        of_account,
    }
}

/// The medium-term plan from budget year `from` (clamped into the
/// horizon): the portfolio's years, then each service's, in file order.
pub fn medium_term(model: &Model, report: &Report, from: i32) -> Vec<PlanYear> {
    let years = plan_years(model, from);
    let portfolio = report.portfolio();
    std::iter::once(portfolio)
        .chain(report.entities.iter().filter(|e| e.id != portfolio.id))
        .flat_map(|e| {
            e.yearly
                .iter()
                .filter(|y| years.contains(&y.year))
                .map(move |y| row(model, e, y))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::scenario::parse_str;

    /// The state's grant of 60 and the province's of 30 to 2027 (국비 and
    /// 시·도비), and a budget of 40: the plan lists them apart; the grant
    /// row holds both. Stopped from 2027 by a certain decision, the
    /// province's money stops with the service.
    #[test]
    fn the_provinces_grants_are_listed_apart_and_stop_with_the_service() {
        let text = "[scenario]\nname = \"m\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 100\nseed = 1\n\
            [economy]\ninflation = 0\n\
            [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
            [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 60\nto = 2027\n\
            [[service.funding]]\nkind = \"grant\"\nname = \"province\"\npayer = \"province\"\namount = 30\nto = 2027\n\
            [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 40\n";
        let m = parse_str(text, "m.toml").unwrap();
        assert!(m.has_province_grants());
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let plan = medium_term(&m, &r, 2026);
        let s = &plan[5..];
        let by_year = |p: &PlanYear| (p.national, p.provincial, p.local);
        assert_eq!(by_year(&s[0]), (60.0, Some(30.0), 40.0));
        assert_eq!(by_year(&s[1]), (60.0, Some(30.0), 40.0));
        assert_eq!(by_year(&s[2]), (0.0, Some(0.0), 40.0));
        assert_eq!(plan[0].provincial, Some(30.0), "the portfolio's too");

        let stopped = text.replace(
            "opex_ratio = 0.1\n",
            "opex_ratio = 0.1\n[service.decision]\nyear = 2027\nstop = 1.0\nshrink = 0\nsource = \"test\"\n",
        );
        let m = parse_str(&stopped, "m.toml").unwrap();
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let s = &medium_term(&m, &r, 2026)[5..];
        assert_eq!(by_year(&s[0]), (60.0, Some(30.0), 40.0));
        assert_eq!(by_year(&s[1]), (0.0, Some(0.0), 0.0));

        // Without a province's grant there is no such column.
        let national = text.replace("payer = \"province\"\n", "");
        let m = parse_str(&national, "m.toml").unwrap();
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let s = &medium_term(&m, &r, 2026)[5..];
        assert_eq!(by_year(&s[0]), (90.0, None, 40.0));
    }

    /// A grant of 60 to 2027 and a city budget of 40: the plan from 2026
    /// holds 2026–2030, national 60 then 0, local 40, the cost at its
    /// median; a budget year past the horizon gives its last five years.
    #[test]
    fn five_years_by_source_from_the_budget_year() {
        let text = "[scenario]\nname = \"m\"\nstart_year = 2025\nhorizon_years = 10\ntrials = 200\nseed = 1\n\
            [economy]\ninflation = 0\n\
            [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
            [[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 60\nto = 2027\n\
            [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 40\n";
        let m = parse_str(text, "m.toml").unwrap();
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let plan = medium_term(&m, &r, 2026);
        assert_eq!(plan.len(), 2 * PLAN_YEARS, "portfolio and one service");
        assert_eq!(plan[0].entity, "portfolio");
        let years: Vec<i32> = plan[..5].iter().map(|p| p.year).collect();
        assert_eq!(years, [2026, 2027, 2028, 2029, 2030]);
        let s = &plan[5..];
        assert_eq!(
            (s[0].national, s[1].national, s[2].national),
            (60.0, 60.0, 0.0)
        );
        assert!(
            s.iter()
                .all(|p| p.local == 40.0 && (p.operating_p50 - 100.0).abs() < 1.0)
        );
        assert!(s.iter().all(|p| p.operating_p90 >= p.operating_p50));
        assert_eq!(plan_years(&m, 2040), 2030..2035);
        assert_eq!(plan_years(&m, 2000), 2025..2030);
        assert!(
            plan.iter()
                .all(|p| p.per_resident.is_none() && p.of_account.is_none())
        );

        // 50,000 residents and a general account of 20,000 (million won)
        // growing 5% a year: the city's 40 is 800 won a resident, and
        // 0.2% of the account in 2025, 0.2%/1.05 in 2026.
        let stated = text.replace(
            "seed = 1\n",
            "seed = 1\ncurrency = \"KRW\"\nunit = \"million\"\npopulation = 50000\ngeneral_account = 20000\ngeneral_account_growth = 0.05\n",
        );
        let m = parse_str(&stated, "m.toml").unwrap();
        let r = Report::new(&m, &crate::stats::run_all(&Engine::new(&m)));
        let plan = medium_term(&m, &r, 2026);
        let s = &plan[5];
        let per = s.per_resident.unwrap();
        assert!((per.local - 800.0).abs() < 1e-9, "{per:?}");
        assert!((per.operating_p50 - s.operating_p50 * 1e6 / 5e4).abs() < 1e-6);
        let acc = s.of_account.unwrap();
        assert!((acc.general_account - 21_000.0).abs() < 1e-9);
        assert!((acc.local - 40.0 / 21_000.0).abs() < 1e-15);
    }

    /// The keys are checked: a population of 0, growth without an account.
    #[test]
    fn locality_keys_are_checked() {
        let base = "[scenario]\nname = \"m\"\nstart_year = 2025\nhorizon_years = 3\n{x}\n\
            [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n";
        for (bad, says) in [
            ("population = 0", "population"),
            ("general_account = -5", "general_account"),
            ("general_account_growth = 0.03", "state general_account too"),
        ] {
            let e = parse_str(&base.replace("{x}", bad), "m.toml").unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
        assert!(parse_str(&base.replace("{x}", "population = 1000"), "m.toml").is_ok());
    }
}
