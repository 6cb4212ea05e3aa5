//! The budget analyst's path on a site scenario, end to end: a Korean run
//! from a budget year, its page and workbook holding what the terminal
//! shows (stops, books, the funding requirement, the 5-year plan) in
//! Korean and 억 원 and agreeing with summary.json; `chart --lang en`
//! redoing charts, page and workbook; a scenario changed since the run
//! refused.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{fundgap, fundgap_ok, scenario, text};

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn hangul(s: &str) -> bool {
    s.chars().any(|c| ('가'..='힣').contains(&c))
}

#[test]
fn the_analysts_path_on_a_site_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let site = scenario("daejeon-challenge.toml");
    let out = fundgap_ok(
        &[
            "run",
            &site,
            "-q",
            "--trials",
            "3000",
            "--from",
            "2024",
            "--confidence",
            "0.8,0.9",
            "--out",
            "dj",
        ],
        d,
    );
    let printed = text(&out.stdout);
    let run = d.join("dj");
    for f in [
        "yearly.csv",
        "horizon.csv",
        "plan.csv",
        "summary.json",
        "report.xlsx",
        "report.html",
        "gap-probability.svg",
        "gap-probability.png",
    ] {
        assert!(run.join(f).is_file(), "{f} missing");
    }
    let s = summary(&run);
    assert_eq!(s["budget_year"], 2024);
    assert_eq!(s["confidence"], serde_json::json!([0.8, 0.9]));
    let p = &s["portfolio"];

    // The terminal, the page and the workbook say the same, in Korean.
    assert!(
        printed.contains("억 원") && printed.contains("중단"),
        "{printed}"
    );
    let page = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(page.contains("<html lang=\"ko\""));
    for heading in [
        "결과",
        "중단과 축소",
        "재원 부족을 막는 데 필요했던 추가 재원",
        "자본적 지출, 계약과 시의 부담",
        "중기지방재정계획 (2024–2028)",
        "억 원",
    ] {
        assert!(page.contains(heading), "report.html lacks {heading}");
    }
    assert!(!page.contains("KRW million"), "the page mixes units");
    // The command that makes it again names the budget year, on which the
    // plan depends.
    assert!(
        page.contains("--from 2024"),
        "the reproduce command's --from"
    );
    // The plan counts the capital no money covers (Daejeon's capital lines
    // have no account).
    let plan_csv = std::fs::read_to_string(run.join("plan.csv")).unwrap();
    assert!(
        plan_csv
            .lines()
            .next()
            .unwrap()
            .contains("capital_gap_mean")
    );
    assert!(page.contains("자본적 지출 미확보액 평균"));
    let p_any = fundgap::format::percent(p["p_any_gap"].as_f64().unwrap(), 1);
    assert!(page.contains(&p_any), "the page's P(any gap) {p_any}");
    // The per-resident and general-account columns of the plan (the site
    // states its population and general account).
    assert!(page.contains("주민 1인당") && page.contains("일반회계"));

    let mut wb: Xlsx<_> = open_workbook(run.join("report.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "요약",
            "차트",
            "연도별",
            "기간 합계",
            "중기재정계획",
            "실행 정보"
        ]
    );
    let sum = wb.worksheet_range("요약").unwrap();
    assert_eq!(
        sum.get_value((1, 0)).unwrap().to_string(),
        "금액 단위: 억 원"
    );
    let portfolio_row = (3..sum.height() as u32)
        .find(|&r| sum.get_value((r, 0)).is_some_and(|v| *v == "portfolio"))
        .unwrap();
    assert_eq!(
        number(sum.get_value((portfolio_row, 2)).unwrap()),
        p["p_any_gap"].as_f64().unwrap()
    );
    let heads: Vec<String> = (0..sum.width() as u32)
        .map(|c| {
            sum.get_value((2, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    for (head, key) in [
        ("P80 연간 추가 예산 (기준연도 가격) (억 원)", "topup_p80"),
        ("P90 추가 적립금 (억 원)", "reserve_p90"),
        ("계약상 시 부담 (억 원)", "obligation_total"),
    ] {
        let c = heads
            .iter()
            .position(|h| h == head)
            .unwrap_or_else(|| panic!("{head}: {heads:?}"));
        let got = number(sum.get_value((portfolio_row, c as u32)).unwrap());
        // The site's money is in million won: 100 of them make 1억 원.
        let want = p[key].as_f64().unwrap() / 100.0;
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{head}: {got} vs {want}"
        );
    }
    let plan = wb.worksheet_range("중기재정계획").unwrap();
    assert_eq!(number(plan.get_value((2, 1)).unwrap()), 2024.0);
    for c in 0..plan.width() as u32 {
        let head = plan.get_value((0, c)).unwrap().to_string();
        assert!(hangul(&head), "plan column {c}: {head}");
    }
    // The tables name the portfolio in Korean too (the CSV's English name
    // is for programs).
    let horizon = wb.worksheet_range("기간 합계").unwrap();
    let names: Vec<String> = (2..horizon.height() as u32)
        .filter_map(|r| horizon.get_value((r, 1)).map(|v| v.to_string()))
        .collect();
    assert!(names.iter().any(|n| n == "전체 (포트폴리오)"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.contains("all services")),
        "{names:?}"
    );
    drop(wb);

    // `chart --lang en` redoes the charts, the page and the workbook.
    fundgap_ok(&["chart", "dj", "--lang", "en"], d);
    let page = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(page.contains("<html lang=\"en\"") && page.contains("The 5-year plan"));
    assert!(
        !page.contains("중기지방재정계획 (2024"),
        "the page is still Korean"
    );
    let wb: Xlsx<_> = open_workbook(run.join("report.xlsx")).unwrap();
    assert_eq!(wb.sheet_names()[0], "summary");
    let again = summary(&run);
    assert_eq!(
        again["portfolio"], s["portfolio"],
        "chart changed no result"
    );

    // A scenario changed since the run: the page and workbook are not
    // redrawn from it, and nothing in the folder changes.
    let copy = d.join("mine.toml");
    std::fs::copy(&site, &copy).unwrap();
    fundgap_ok(
        &[
            "run",
            "mine.toml",
            "-q",
            "--trials",
            "500",
            "--no-charts",
            "--out",
            "m",
        ],
        d,
    );
    let before = std::fs::read(d.join("m/report.html")).unwrap();
    let changed = std::fs::read_to_string(&copy).unwrap().replacen(
        "mean = 0.12, sd = 0.03",
        "mean = 0.30, sd = 0.03",
        1,
    );
    assert_ne!(changed, std::fs::read_to_string(&copy).unwrap());
    std::fs::write(&copy, changed).unwrap();
    let refused = fundgap(&["chart", "m", "--lang", "en"], d);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("no longer gives this run's results"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(std::fs::read(d.join("m/report.html")).unwrap(), before);
}
