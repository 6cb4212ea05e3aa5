//! `fundgap discover` on a scenario whose gap region is known by
//! construction: a service costing 100 a year has a gap exactly when its
//! budget (drawn once per trial, U(50, 150)) is below 100; its fees are
//! noise that never matters. PRIM must recover "budget < 100" and nothing
//! else.

use crate::common;
use crate::common::{fundgap_ok, text};

#[test]
fn discovery_recovers_a_gap_region_known_by_construction() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("known.toml"),
        "[scenario]\nname = \"known region\"\nstart_year = 2025\nhorizon_years = 5\ntrials = 1000\nseed = 9\n\
         [economy]\ninflation = 0\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city budget\"\n\
         amount = { dist = \"uniform\", min = 50, max = 150 }\n\
         [[service.funding]]\nkind = \"contract\"\nname = \"sponsor\"\n\
         amount = { dist = \"uniform\", min = 0, max = 0.001 }\n",
    )
    .unwrap();
    let out = fundgap_ok(
        &[
            "discover",
            "known.toml",
            "-q",
            "--trials",
            "10000",
            "--out",
            "k",
        ],
        d,
    );
    let said = text(&out.stdout);
    assert!(said.contains("s: a gap in"), "{said}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("k/discovery.json")).unwrap())
            .unwrap();
    let s = &json["entities"][0];
    assert_eq!(s["id"], "s");
    let limits = s["limits"].as_array().unwrap();
    assert_eq!(limits.len(), 1, "one input matters: {limits:?}");
    assert_eq!(limits[0]["input"], "service.s.funding.city-budget.amount");
    assert!(limits[0]["low"].is_null());
    let high = limits[0]["high"].as_f64().unwrap();
    assert!((high - 100.0).abs() < 3.0, "budget < {high}, not < 100");
    let chosen = &s["chosen"];
    assert!(chosen["density"].as_f64().unwrap() > 0.97, "{chosen}");
    assert!(chosen["coverage"].as_f64().unwrap() > 0.9, "{chosen}");
    // The base rate is the share of budgets below 100: one half.
    assert!((s["base_rate"].as_f64().unwrap() - 0.5).abs() < 0.03);
    assert!(d.join("k/discovery.csv").is_file() && d.join("k/discovery.svg").is_file());
}

/// Every shipped scenario: `discover` runs, and every service whose gaps
/// are neither absent nor certain gets a box that is denser than its base
/// rate.
#[test]
fn discovery_runs_on_every_shipped_scenario() {
    let dir = tempfile::tempdir().unwrap();
    for (i, s) in common::shipped_scenarios().iter().enumerate() {
        let out = format!("d{i}");
        let file = s.display().to_string();
        fundgap_ok(
            &[
                "discover",
                &file,
                "-q",
                "--trials",
                "1000",
                "--no-charts",
                "--out",
                &out,
            ],
            dir.path(),
        );
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(&out).join("discovery.json")).unwrap(),
        )
        .unwrap();
        for e in json["entities"].as_array().unwrap() {
            let base = e["base_rate"].as_f64().unwrap();
            if let Some(d) = e["chosen"]["density"].as_f64() {
                assert!(d >= base, "{file}: {}: density {d} < base {base}", e["id"]);
            }
        }
    }
}
