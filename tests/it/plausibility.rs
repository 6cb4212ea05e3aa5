//! `fundgap check` catches the slips a new user makes: a rate written as a
//! percentage (an error, with the fraction suggested), a number written as
//! text with a percent sign, `[service]` written twice where `[[service]]`
//! was meant (one error at the header, not one per key), and valid but
//! implausible figures — an opex ratio above 1, an amount in the wrong unit
//! (warnings: exit 0).

use crate::common::fundgap;

const HEAD: &str =
    "[scenario]\nname = \"p\"\nstart_year = 2025\nhorizon_years = 5\nunit = \"million\"\n";

fn check(text: &str) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("p.toml"), text).unwrap();
    let o = fundgap(&["check", "p.toml"], tmp.path());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), all)
}

#[test]
fn slips_are_named_with_the_fix() {
    let service = "[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.12\n";
    let (code, out) = check(&format!("{HEAD}discount_rate = 4.5\n{service}"));
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("did you mean 0.045?"), "{out}");

    let (code, out) = check(&format!(
        "{HEAD}[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = \"15%\"\n"
    ));
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("did you mean 0.15?"), "{out}");

    // A grant's share and a year's noise written as percentages: refused,
    // each at its line, with the fraction.
    let renewal = "[[service.cost]]\nkind = \"renewal\"\nname = \"r\"\nevery_years = 5\n";
    let (code, out) = check(&format!(
        "{HEAD}[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\nvolatility = 8\n\
         [[service.funding]]\nkind = \"grant\"\nname = \"g\"\nshare_of_cost = 50\n\
         {renewal}share_of_construction = 0.3\n"
    ));
    assert_eq!(code, Some(2), "{out}");
    for (line, key, fix) in [
        (10, "volatility", "did you mean 0.08?"),
        (14, "share_of_cost", "did you mean 0.5?"),
    ] {
        assert!(
            out.lines().any(|l| l.contains(&format!("p.toml:{line}:"))
                && l.contains(key)
                && l.contains(fix)),
            "{key}: {out}"
        );
    }
    // A renewal above its construction cost can be real (one that also
    // upgrades): a warning with the fraction, not an error.
    let (code, out) = check(&format!(
        "{HEAD}[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         {renewal}share_of_construction = 30\n"
    ));
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("warning: service.s.cost.r.share_of_construction")
            && out.contains("did you mean 0.3?"),
        "{out}"
    );
    let (_, out) = check(&format!(
        "{HEAD}[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         {renewal}share_of_construction = 1.2\n"
    ));
    assert!(
        out.contains("warning: service.s.cost.r.share_of_construction"),
        "{out}"
    );

    let twice = format!(
        "{HEAD}[service]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [service]\nid = \"t\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n"
    );
    let (code, out) = check(&twice);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("(1 problem)"), "{out}");
    assert!(
        out.contains("p.toml:10:") && out.contains("`[[service]]`"),
        "{out}"
    );

    let implausible = format!(
        "{HEAD}[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 12\n\
         [[service.funding]]\nkind = \"fees\"\nname = \"fares\"\nsaturation_users = 20000\nprice = 1440\n"
    );
    let (code, out) = check(&implausible);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("warning: service.s.opex_ratio") && out.contains("did you mean 0.12?"),
        "{out}"
    );
    // A price in won typed into a million-won file: what it means, and
    // what to write.
    assert!(
        out.contains("warning: service.s.funding.fares")
            && out.contains("1,440,000,000 won per user a year")
            && out.contains("write price = 0.00144"),
        "{out}"
    );
    // `run` says it too, before its results and even when quiet: the slip
    // runs without error.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("p.toml"), &implausible).unwrap();
    let o = fundgap(
        &[
            "run",
            "p.toml",
            "--trials",
            "200",
            "--no-charts",
            "--quiet",
            "--out",
            "o",
        ],
        tmp.path(),
    );
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: service.s.funding.fares") && err.contains("price = 0.00144"),
        "{err}"
    );
    // Any other amount off by units asks for the unit.
    let (_, out) = check(&format!(
        "{HEAD}[[service]]\nid = \"s\"\nconstruction_cost = 1000\nopex_ratio = 0.1\n\
         [[service.funding]]\nkind = \"budget\"\nname = \"city\"\namount = 100000\n"
    ));
    assert!(out.contains("is it in KRW million?"), "{out}");
}

/// The scorecard does not take `fundgap init`'s sample plan texts for a
/// plan: `check` names each, and `evaluate` rates them as not stated.
#[test]
fn the_templates_sample_plan_texts_state_nothing() {
    for lang in ["en", "ko"] {
        let tmp = tempfile::tempdir().unwrap();
        let o = fundgap(&["init", "t.toml", "--lang", lang], tmp.path());
        assert!(o.status.success());
        let text = std::fs::read_to_string(tmp.path().join("t.toml")).unwrap();
        // Every sample text the template writes is one the model knows.
        let m = fundgap::scenario::parse_str(&text, "t.toml").unwrap();
        for s in m.services() {
            let p = &s.plan;
            for t in [&p.improves_on, &p.improvement, &p.free_plan] {
                let t = t.as_deref().unwrap_or_default();
                assert!(fundgap::model::TEMPLATE_TEXTS.contains(&t), "{t:?}");
                assert!(fundgap::model::stated(&Some(t.to_string())).is_none());
            }
        }
        let o = fundgap(&["check", "t.toml", "--lang", "en"], tmp.path());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("plan.improves_on: still the sample text"),
            "{out}"
        );
    }
}

/// With its level of government stated, `check` says which investment
/// review the project goes to: Bucheon (a 시, ~85억 of builds) goes to the
/// 시·도's review (60억–200억).
#[test]
fn check_names_the_investment_review() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fundgap(
        &["check", &crate::common::scenario("bucheon-challenge.toml")],
        tmp.path(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("시·도 의뢰 투자심사 대상"), "{out}");
}
