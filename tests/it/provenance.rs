//! Where inputs come from: the `[sources]` table, `source` and
//! `assumption` on tables and distributions (a distribution's overrides
//! its table's), the errors they can have, what `check` lists and warns
//! about, and the share of a gap's explained variance that rests on
//! assumptions.

use fundgap::analysis::{sensitivity, sobol};
use fundgap::model::Provenance;
use fundgap::scenario::parse_str;

use crate::common::{fundgap, scenario, text};

const HEAD: &str = r#"
[scenario]
name = "provenance"
start_year = 2025
horizon_years = 5

[sources]
Y17 = "Yonhap 2017-10-10: U-City operating cost ~15% of construction a year"
SPRi = "SPRi 22098: software maintenance 12-20% of build cost a year"
"#;

const SERVICE: &str = r#"
[economy]
inflation = { dist = "normal", mean = 0.02, sd = 0.01 }
assumption = "the Bank of Korea's target"

[[service]]
id = "a"
source = "Y17"
construction_cost = { dist = "uniform", min = 900, max = 1100, assumption = "a quote" }
opex_ratio = { dist = "uniform", min = 0.1, max = 0.2 }

[[service.risk]]
name = "fire"
source = ["Y17", "SPRi"]
annual_probability = 0.1
cost = { dist = "uniform", min = 1, max = 5, source = "SPRi" }

[[service.funding]]
kind = "budget"
name = "city budget"
amount = { dist = "uniform", min = 100, max = 150 }

[service.decision]
year = 2027
stop = 0.5
source = "[Y17] and council minutes"
"#;

fn source(keys: &[&str]) -> Provenance {
    Provenance::Source(keys.iter().map(|k| k.to_string()).collect())
}

#[test]
fn a_table_states_for_its_inputs_and_a_distribution_for_itself() {
    let m = parse_str(&format!("{HEAD}{SERVICE}"), "p.toml").unwrap();
    let of = |path: &str| m.provenance(path).clone();
    let assumed = |r: &str| Provenance::Assumption(r.to_string());
    assert_eq!(
        of("economy.inflation"),
        assumed("the Bank of Korea's target")
    );
    assert_eq!(of("service.a.construction_cost"), assumed("a quote"));
    assert_eq!(of("service.a.opex_ratio"), source(&["Y17"]));
    let risk = "service.a.risk.fire";
    assert_eq!(
        of(&format!("{risk}.annual_probability")),
        source(&["Y17", "SPRi"])
    );
    assert_eq!(of(&format!("{risk}.cost")), source(&["SPRi"]));
    // A line does not inherit its service's statement.
    assert_eq!(
        of("service.a.funding.city-budget.amount"),
        Provenance::Unstated
    );
    // A decision is sourced by the keys its own text names.
    assert_eq!(of("service.a.decision"), source(&["Y17"]));
    assert_eq!(m.sources().len(), 2);
    // Every uncertain input and the non-zero rate are listed; only the
    // budget's amount states nothing.
    let stated = m.stated_inputs();
    let unstated: Vec<&str> = stated
        .iter()
        .filter(|i| !i.provenance.is_stated())
        .map(|i| i.path.as_str())
        .collect();
    assert_eq!(unstated, ["service.a.funding.city-budget.amount"]);
    assert!(
        stated
            .iter()
            .any(|i| i.path == format!("{risk}.annual_probability"))
    );
}

fn errors(text: &str) -> Vec<fundgap::error::Diagnostic> {
    parse_str(text, "p.toml").unwrap_err().diagnostics
}

#[test]
fn an_unknown_source_is_an_error_with_a_suggestion_and_its_place() {
    let text = format!("{HEAD}{SERVICE}").replace(
        "cost = { dist = \"uniform\", min = 1, max = 5, source = \"SPRi\" }",
        "cost = { dist = \"uniform\", min = 1, max = 5, source = \"Y71\" }",
    );
    let d = errors(&text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].path, "service[1].risk[1].cost.source");
    let line = text.lines().position(|l| l.contains("Y71")).unwrap() + 1;
    assert_eq!(d[0].line, line);
    assert!(
        d[0].message.contains("did you mean `Y17`?"),
        "{}",
        d[0].message
    );
    // Without a [sources] table, the message says how to add one.
    let bare = text.replace(
        "[sources]\nY17 = \"Yonhap 2017-10-10: U-City operating cost ~15% of construction a year\"\nSPRi = \"SPRi 22098: software maintenance 12-20% of build cost a year\"\n",
        "",
    );
    let d = errors(&bare);
    assert!(
        d.iter()
            .all(|d| d.message.contains("add a [sources] table")),
        "{d:?}"
    );
}

#[test]
fn a_source_and_an_assumption_on_one_input_is_an_error() {
    for (from, to) in [
        // On a table.
        (
            "source = \"Y17\"\nconstruction_cost",
            "source = \"Y17\"\nassumption = \"x\"\nconstruction_cost",
        ),
        // On one distribution.
        (
            "assumption = \"a quote\"",
            "assumption = \"a quote\", source = \"Y17\"",
        ),
    ] {
        let d = errors(&format!("{HEAD}{SERVICE}").replace(from, to));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("not both"), "{}", d[0].message);
        assert!(d[0].path.ends_with("assumption"), "{}", d[0].path);
    }
    // An empty reason or a source that is not a key are errors too.
    let d = errors(&format!("{HEAD}{SERVICE}").replace("\"a quote\"", "\"\""));
    assert!(d[0].message.contains("reason"), "{d:?}");
    let d = errors(&format!("{HEAD}{SERVICE}").replace("source = \"Y17\"\n", "source = 17\n"));
    assert!(d[0].message.contains("key of [sources]"), "{d:?}");
}

#[test]
fn check_lists_provenance_and_warns_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    // A fixed, non-zero hazard that states nothing is warned about; a
    // zero one is not.
    let scenario_text = format!("{HEAD}{SERVICE}").replace(
        "[service.decision]",
        "[[service.funding]]\nkind = \"grant\"\nname = \"national\"\namount = 50\nwithdrawal_hazard = 0.05\n\n\
         [[service.funding]]\nkind = \"contract\"\nname = \"partner\"\namount = 10\n\n[service.decision]",
    );
    std::fs::write(dir.path().join("p.toml"), &scenario_text).unwrap();
    let out = fundgap(&["check", "p.toml"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("4 cited, 2 assumed, 2 unstated"),
        "{stdout}"
    );
    assert!(stdout.contains("service.a.opex_ratio"), "{stdout}");
    assert!(stdout.contains("assumption: a quote"), "{stdout}");
    for warned in [
        "warning: service.a.funding.city-budget.amount",
        "warning: service.a.funding.national.withdrawal_hazard (0.05)",
    ] {
        assert!(stdout.contains(warned), "{warned}: {stdout}");
    }
    assert!(!stdout.contains("partner.exit_hazard"), "{stdout}");
    assert_eq!(stdout.matches("warning:").count(), 2, "{stdout}");
}

/// The gap is cost less a budget, each drawn once per trial from a
/// uniform, independent and adding up: opex 1000 x U(0.1, 0.2) has
/// variance 100^2 / 12 a year, the budget U(0, 100 / sqrt 3) a third of
/// it. The opex ratio is an assumption, so 3/4 of the explained variance
/// rests on assumptions: Sobol's first-order indices within 0.03 and the
/// tornado's squared rank correlations (which the sum of two uniforms
/// bends slightly) within 0.04, with the seed fixed.
#[test]
fn the_share_resting_on_assumptions_is_what_the_variances_say() {
    let text = format!(
        "[scenario]\nname = \"additive\"\nstart_year = 2025\nhorizon_years = 3\ndiscount_rate = 0\nseed = 6\n\
         [sources]\nK = \"a budget decision\"\n[economy]\ninflation = 0\n\
         [[service]]\nid = \"s\"\nconstruction_cost = 1000\n\
         opex_ratio = {{ dist = \"uniform\", min = 0.1, max = 0.2, assumption = \"a guess\" }}\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"b\"\nsource = \"K\"\n\
         amount = {{ dist = \"uniform\", min = 0, max = {} }}\n",
        100.0 / 3f64.sqrt()
    );
    let m = parse_str(&text, "a.toml").unwrap();
    let opts = sobol::Options {
        base: 4000,
        bootstrap: 20,
    };
    let s = sobol::analyse(
        &m,
        opts,
        &|_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    for e in &s.entities {
        let shares = e.gap_npv_variance_by_provenance;
        assert!((shares.assumption - 0.75).abs() < 0.03, "{shares:?}");
        assert!((shares.sourced - 0.25).abs() < 0.03, "{shares:?}");
        assert_eq!(shares.unstated, 0.0);
        let labels: Vec<&str> = e.gap_npv.iter().map(|i| i.provenance.as_str()).collect();
        assert_eq!(labels, ["assumption", "source:K"]);
    }
    let opts = sensitivity::Options {
        sample: 5000,
        oat_trials: 200,
    };
    let t = sensitivity::analyse(
        &m,
        opts,
        &|_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    for e in &t.entities {
        let shares = e.variance_by_provenance;
        assert!((shares.assumption - 0.75).abs() < 0.04, "{shares:?}");
    }
}

/// The site scenarios say where every uncertain input and rate comes
/// from, so `check` warns about none of them.
#[test]
fn site_scenarios_state_every_provenance() {
    for name in [
        "daejeon-challenge.toml",
        "bucheon-challenge.toml",
        "busan-eco-delta.toml",
        "incheon-challenge.toml",
        "sejong-5-1.toml",
        "ucity-baseline.toml",
    ] {
        let text = std::fs::read_to_string(scenario(name)).unwrap();
        let m = parse_str(&text, name).unwrap();
        let unstated: Vec<String> = m
            .stated_inputs()
            .into_iter()
            .filter(|i| !i.provenance.is_stated())
            .map(|i| i.path)
            .collect();
        assert!(unstated.is_empty(), "{name}: {unstated:?}");
    }
}
