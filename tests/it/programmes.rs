//! `fundgap check` reconciles a scenario against the totals its
//! programme's documents state (사업비 총액, 국비): the scenario's
//! construction and costs in the programme's years, and their national
//! share, computed by hand here.

use crate::common::{fundgap, text};

/// Construction 1,000 (half of it national), then 100 a year, half paid
/// by a national grant: over 2025-2026 the scenario spends 1,200, 600 of
/// it national.
fn scenario(total: f64, national: f64) -> String {
    format!(
        "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = 4\n\
         [[programme]]\nname = \"main\"\nfrom = 2025\nto = 2026\ntotal = {total}\nnational = {national}\nsource = \"the plan\"\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nconstruction_grant_share = 0.5\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"national\"\nshare_of_cost = 0.5\nto = 2026\n"
    )
}

#[test]
fn check_reconciles_a_scenario_against_its_programme_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |total: f64, national: f64| {
        std::fs::write(tmp.path().join("p.toml"), scenario(total, national)).unwrap();
        let o = fundgap(&["check", "p.toml"], tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let fits = run(1_200.0, 600.0);
    assert!(
        fits.contains("stated total 1,200; the scenario's mean 1,200 (construction 1,000 + costs in those years 200"),
        "{fits}"
    );
    assert!(
        fits.contains("national money: stated 600; the scenario's mean 600"),
        "{fits}"
    );
    assert!(!fits.contains("warning"), "{fits}");
    // 1,200 is more than 5% over 1,100; 600 more than 5% over 500.
    let over = run(1_100.0, 500.0);
    assert!(
        over.contains("warning: the scenario spends more than programme \"main\" had"),
        "{over}"
    );
    assert!(
        over.contains("warning: the scenario uses more national money"),
        "{over}"
    );
}

/// A programme without a source is refused like any other missing key.
#[test]
fn a_programme_needs_its_source() {
    let text_ = scenario(1.0, 1.0).replace("source = \"the plan\"\n", "");
    let e = fundgap::scenario::parse_str(&text_, "p.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("source"), "{e}");
}
