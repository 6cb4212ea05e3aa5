//! `report.xlsx`, read back: the sheets a run promises, in the report's
//! language, with the same numbers as the CSV tables, frozen headers and
//! native charts; the same bytes for the same run; `--no-xlsx` skips it.

use crate::common;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{fundgap_ok, text};

fn run(dir: &Path, out: &str, extra: &[&str]) {
    let mut args = vec!["run", "--quiet", "--trials", "3000", "--out", out];
    args.extend_from_slice(extra);
    fundgap_ok(&args, dir);
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The index of column `name` in a CSV file's header.
fn horizon_column(path: &Path, name: &str) -> usize {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.headers().unwrap().iter().position(|h| h == name).unwrap()
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// The text of a sheet's first column, row by row.
fn first_column(sheet: &calamine::Range<Data>) -> Vec<String> {
    (0..sheet.height() as u32)
        .map(|r| {
            sheet
                .get_value((r, 0))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// A file inside the workbook's zip.
fn part(book: &Path, name: &str) -> Option<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

#[test]
fn a_korean_workbook_holds_the_runs_numbers() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "ko", &["--lang", "ko"]);
    let path = dir.path().join("ko/report.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "요약",
            "차트",
            "연도별",
            "기간 합계",
            "중기재정계획",
            "실행 정보"
        ]
    );
    let horizon = csv_rows(&dir.path().join("ko/horizon.csv"));
    // The summary: Korean headers, a row per service and the portfolio,
    // P(any gap) as in horizon.csv, gap NPV in 억 원 (the baseline is in
    // million won: 100 million won = 1억 원).
    let s = wb.worksheet_range("요약").unwrap();
    let head: Vec<String> = (0..12)
        .map(|c| s.get_value((2, c)).unwrap().to_string())
        .collect();
    assert_eq!(head[2], "부족 확률");
    assert_eq!(head[6], "부족액 현가 평균 (억 원)");
    let gap_mean = horizon_column(&dir.path().join("ko/horizon.csv"), "gap_npv_mean");
    for (i, row) in horizon.iter().enumerate() {
        let r = 3 + i as u32;
        assert_eq!(s.get_value((r, 0)).unwrap().to_string(), row[0]);
        let p: f64 = row[2].parse().unwrap();
        assert_eq!(number(s.get_value((r, 2)).unwrap()), p);
        let gap: f64 = row[gap_mean].parse().unwrap();
        let got = number(s.get_value((r, 6)).unwrap());
        assert!(
            (got - gap / 100.0).abs() <= 1e-12 * gap.abs().max(1.0),
            "{got} vs {gap}"
        );
    }
    // The full tables: every row of the CSV, the same numbers, money in
    // 억 원; Korean headings with the unit over the CSV's column names.
    let yearly = csv_rows(&dir.path().join("ko/yearly.csv"));
    let y = wb.worksheet_range("연도별").unwrap();
    assert_eq!(y.height(), yearly.len() + 2);
    assert_eq!(y.get_value((0, 2)).unwrap().to_string(), "부족 확률");
    assert_eq!(y.get_value((1, 2)).unwrap().to_string(), "p_gap");
    assert_eq!(
        y.get_value((0, 5)).unwrap().to_string(),
        "비용 평균 (억 원)"
    );
    for (i, row) in yearly.iter().enumerate().step_by(37) {
        let got = number(y.get_value((i as u32 + 2, 5)).unwrap());
        let want = row[5].parse::<f64>().unwrap() / 100.0;
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "cost_mean of row {i}"
        );
        assert_eq!(
            number(y.get_value((i as u32 + 2, 2)).unwrap()),
            row[2].parse::<f64>().unwrap()
        );
    }
    // Every heading of every table sheet is Korean: no column is left
    // with its CSV name.
    for sheet in ["연도별", "기간 합계", "중기재정계획"] {
        let t = wb.worksheet_range(sheet).unwrap();
        for c in 0..t.width() as u32 {
            let head = t.get_value((0, c)).unwrap().to_string();
            let code = t.get_value((1, c)).unwrap().to_string();
            assert!(
                head.chars().any(|ch| ('가'..='힣').contains(&ch)),
                "{sheet}: column {code} has heading {head:?}"
            );
        }
    }
    // The summary holds the funding requirement and says its unit.
    let top = (0..s.width() as u32)
        .find(|&c| {
            s.get_value((2, c))
                .is_some_and(|v| *v == "P90 연간 추가 예산 (기준연도 가격) (억 원)")
        })
        .expect("the summary's top-up column");
    let topup: f64 = horizon[horizon.len() - 1]
        [horizon_column(&dir.path().join("ko/horizon.csv"), "topup_p90")]
    .parse()
    .unwrap();
    let got = number(s.get_value((2 + horizon.len() as u32, top)).unwrap());
    assert!(
        (got - topup / 100.0).abs() <= 1e-9 * topup.max(1.0),
        "{got} vs {topup}"
    );
    assert_eq!(s.get_value((1, 0)).unwrap().to_string(), "금액 단위: 억 원");
    // How the run was made.
    let run = wb.worksheet_range("실행 정보").unwrap();
    let cells: Vec<String> = run.cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        cells
            .iter()
            .any(|c| c.starts_with("fundgap run ") && c.contains("--trials 3000"))
    );
    // Frozen headers and two native charts.
    let sheet3 = part(&path, "xl/worksheets/sheet3.xml").unwrap();
    assert!(
        sheet3.contains("state=\"frozen\""),
        "yearly sheet header frozen"
    );
    assert!(
        part(&path, "xl/charts/chart1.xml")
            .unwrap()
            .contains("연도별 재원 부족 확률")
    );
    assert!(part(&path, "xl/charts/chart2.xml").is_some());
}

#[test]
fn the_workbook_is_english_by_default_repeatable_and_optional() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "a", &[]);
    run(dir.path(), "b", &[]);
    let (a, b) = (
        dir.path().join("a/report.xlsx"),
        dir.path().join("b/report.xlsx"),
    );
    let wb: Xlsx<_> = open_workbook(&a).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "summary",
            "charts",
            "yearly",
            "horizon",
            "5-year plan",
            "run"
        ]
    );
    // plan.csv: five years per entity, the first from the budget year
    // moved into the horizon.
    let plan = std::fs::read_to_string(dir.path().join("a/plan.csv")).unwrap();
    let rows: Vec<&str> = plan.lines().skip(1).collect();
    assert!(!rows.is_empty() && rows.len().is_multiple_of(5), "{plan}");
    assert!(rows[0].starts_with("portfolio,"), "{plan}");
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "same run, same bytes"
    );
    run(dir.path(), "c", &["--no-xlsx"]);
    assert!(!dir.path().join("c/report.xlsx").exists());
    assert!(dir.path().join("c/yearly.csv").exists());
}

#[test]
fn the_scenarios_lang_is_the_default_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(common::scenario("ucity-baseline.toml")).unwrap();
    let ko = base.replacen("[scenario]\n", "[scenario]\nlang = \"ko\"\n", 1);
    std::fs::write(dir.path().join("ko.toml"), ko).unwrap();
    let out = fundgap_ok(
        &["run", "ko.toml", "-q", "--trials", "2000", "--no-charts"],
        dir.path(),
    );
    let table = text(&out.stdout);
    assert!(
        table.contains("서비스") && table.contains("억 원"),
        "{table}"
    );
    let out = fundgap_ok(
        &[
            "run",
            "ko.toml",
            "-q",
            "--trials",
            "2000",
            "--no-charts",
            "--lang",
            "en",
            "--out",
            "en",
        ],
        dir.path(),
    );
    assert!(text(&out.stdout).contains("money in KRW million"));
}

/// stress, compare and evaluate write their workbooks too: every CSV row
/// as a sheet, how the analysis was made, and for stress the grid with
/// Excel's own colour scale (restylable conditional formatting).
#[test]
fn the_analyses_write_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fundgap_ok(
        &[
            "stress",
            "-q",
            "--trials",
            "300",
            "--years",
            "2025-2027",
            "--no-charts",
            "--out",
            "s",
        ],
        d,
    );
    let path = d.join("s/report.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), vec!["heatmap", "cells", "run"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("s/stress.json")).unwrap()).unwrap();
    let ny = json["y"]["labels"].as_array().unwrap().len() as u32;
    let grid = wb.worksheet_range("heatmap").unwrap();
    for c in json["cells"].as_array().unwrap() {
        let (x, y) = (
            c["x"].as_u64().unwrap() as u32,
            c["y"].as_u64().unwrap() as u32,
        );
        let got = number(grid.get_value((2 + ny - 1 - y, 1 + x)).unwrap());
        assert_eq!(got, c["p_any_gap"]["estimate"].as_f64().unwrap());
    }
    assert!(
        part(&path, "xl/worksheets/sheet1.xml")
            .unwrap()
            .contains("colorScale")
    );
    let cells = wb.worksheet_range("cells").unwrap();
    assert_eq!(cells.height(), csv_rows(&d.join("s/stress.csv")).len() + 2);
    // The command as typed, less where it wrote and how it ran (--out,
    // -q), which change no result: the same analysis anywhere (or sharded
    // and merged) records the same command.
    let run = wb.worksheet_range("run").unwrap();
    assert_eq!(first_column(&run), ["fundgap version", "command"]);
    let recorded = "fundgap stress --trials 300 --years 2025-2027 --no-charts";
    assert!(
        run.cells().any(|(_, _, v)| *v == recorded),
        "{:?}",
        run.cells()
            .map(|(_, _, v)| v.to_string())
            .collect::<Vec<_>>()
    );

    let revenue = common::scenario("revenue-models.toml");
    for (command, sheet, out, csv) in [
        (
            vec!["compare", revenue.as_str()],
            "compare",
            "c",
            "compare.csv",
        ),
        (vec!["evaluate"], "evaluation", "e", "evaluation.csv"),
    ] {
        let mut args = command.clone();
        args.extend(["-q", "--trials", "300", "--no-charts", "--out", out]);
        fundgap_ok(&args, d);
        let mut wb: Xlsx<_> = open_workbook(d.join(out).join("report.xlsx")).unwrap();
        let rows = wb.worksheet_range(sheet).unwrap().height();
        assert_eq!(rows, csv_rows(&d.join(out).join(csv)).len() + 2, "{sheet}");
    }

    fundgap_ok(
        &[
            "evaluate",
            "-q",
            "--trials",
            "300",
            "--no-charts",
            "--no-xlsx",
            "--out",
            "n",
        ],
        d,
    );
    assert!(!d.join("n/report.xlsx").exists());
}

/// `stress --lang ko`: the table, the heatmap and the workbook in Korean.
#[test]
fn a_korean_stress_test() {
    let dir = tempfile::tempdir().unwrap();
    let out = fundgap_ok(
        &[
            "stress",
            "-q",
            "--trials",
            "300",
            "--years",
            "2025-2027",
            "--lang",
            "ko",
            "--out",
            "k",
        ],
        dir.path(),
    );
    let table = text(&out.stdout);
    assert!(
        table.contains("가장 이른 삭감 시작 연도") && table.contains("삭감률"),
        "{table}"
    );
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("k/report.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["히트맵", "조건별 결과", "실행 정보"]);
    // The heatmap's title and axes, and yes-or-no cells, in Korean.
    let heat = wb.worksheet_range("히트맵").unwrap();
    let title = heat.get_value((0, 0)).unwrap().to_string();
    assert!(title.ends_with("전체 (포트폴리오)의 부족 확률"), "{title}");
    assert_eq!(
        heat.get_value((1, 0)).unwrap().to_string(),
        "삭감률 \\ 삭감 시작 연도"
    );
    let cells = wb.worksheet_range("조건별 결과").unwrap();
    let words: Vec<String> = cells.rows().flatten().map(|c| c.to_string()).collect();
    assert!(words.iter().any(|w| w == "아니오"), "{words:?}");
    assert!(
        !words.iter().any(|w| w == "false" || w == "true"),
        "{words:?}"
    );
    // How it was made, labelled in Korean as the rest of the workbook.
    let made = wb.worksheet_range("실행 정보").unwrap();
    assert_eq!(first_column(&made), ["fundgap 버전", "재현 명령"]);
    assert_eq!(
        made.get_value((0, 1)).unwrap().to_string(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        made.get_value((1, 1)).unwrap().to_string(),
        "fundgap stress --trials 300 --years 2025-2027 --lang ko"
    );
    let svg = std::fs::read_to_string(dir.path().join("k/stress-heatmap.svg")).unwrap();
    // P(any gap) is 100% in every cell of the baseline: the heatmap shows
    // the mean gap NPV, in 억 원, and says why.
    assert!(svg.contains("삭감률"), "{svg}");
    assert!(svg.contains("삭감 시작 연도와 삭감률별 부족액 현가 평균 (억 원)"));
    assert!(svg.contains("부족 확률은 모든 조건에서 100%"));
}

/// `compare --lang ko`: the table and charts in Korean, gap NPVs in 억 원
/// (the revenue models are in million won: the JSON's mean / 100).
#[test]
fn a_korean_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let revenue = common::scenario("revenue-models.toml");
    let out = fundgap_ok(
        &[
            "compare", &revenue, "-q", "--trials", "500", "--lang", "ko", "--out", "k",
        ],
        dir.path(),
    );
    let table = text(&out.stdout);
    assert!(
        table.contains("금액 단위 억 원") && table.contains("기준 대비"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("k/compare.json")).unwrap())
            .unwrap();
    let mean = json["variants"][0]["stats"]["gap_npv"]["mean"]
        .as_f64()
        .unwrap();
    assert!(table.contains(&format!(" {:.1} ", mean / 100.0)), "{table}");
    let svg = std::fs::read_to_string(dir.path().join("k/compare-gap-npv-diff.svg")).unwrap();
    assert!(svg.contains("부족액 현가 평균의 차이 (억 원)"));
    let svg = std::fs::read_to_string(dir.path().join("k/compare-gap-probability.svg")).unwrap();
    assert!(svg.contains("대안별 연도별 부족 확률") && svg.contains("(기준)"));
}

/// `evaluate --lang ko`: the scorecard in Korean everywhere — the terminal,
/// evaluation.md, a workbook whose scorecard sheet carries every rating of
/// evaluation.json (in Korean words, coloured), the tornado charts and a
/// report.html that holds every reason.
#[test]
fn a_korean_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = fundgap_ok(
        &[
            "evaluate",
            "-q",
            "--trials",
            "500",
            "--sample",
            "300",
            "--oat-trials",
            "100",
            "--lang",
            "ko",
            "--out",
            "k",
        ],
        d,
    );
    let table = text(&out.stdout);
    assert!(
        table.contains("계획 단계 평가표") && table.contains("사유 (주의·위험)"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("k/evaluation.json")).unwrap())
            .unwrap();
    assert_eq!(json["lang"], "ko");
    let word = |r: &str| match r {
        "green" => "양호",
        "amber" => "주의",
        "red" => "위험",
        other => panic!("rating {other}"),
    };
    let mut wb: Xlsx<_> = open_workbook(d.join("k/report.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["평가표", "평가 항목", "민감도", "실행 정보"]
    );
    let card = wb.worksheet_range("평가표").unwrap();
    // The drivers' inputs in the workbook's words, each with its path.
    let drivers = wb.worksheet_range("민감도").unwrap();
    let inputs: Vec<String> = drivers
        .rows()
        .skip(2)
        .filter_map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .find(|c| c.contains("service."))
        })
        .collect();
    assert!(
        !inputs.is_empty()
            && inputs
                .iter()
                .all(|i| i.ends_with(')') && i.contains(" (service.")),
        "{inputs:?}"
    );
    assert!(
        inputs.iter().any(|i| i.starts_with("운영비 비율 (")),
        "{inputs:?}"
    );
    let html = std::fs::read_to_string(d.join("k/report.html")).unwrap();
    let markdown = std::fs::read_to_string(d.join("k/evaluation.md")).unwrap();
    assert!(markdown.starts_with("# 평가: "), "{markdown}");
    for (r, c) in json["scorecards"].as_array().unwrap().iter().enumerate() {
        let row = 1 + r as u32;
        assert_eq!(
            card.get_value((row, 1)).unwrap().to_string(),
            word(c["overall"].as_str().unwrap())
        );
        for (k, s) in c["scores"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                card.get_value((row, 2 + k as u32)).unwrap().to_string(),
                word(s["rating"].as_str().unwrap()),
                "{}: {}",
                c["id"],
                s["criterion"]
            );
            let reason = s["reason"].as_str().unwrap();
            assert!(
                reason.chars().any(|c| ('가'..='힣').contains(&c)),
                "{reason}"
            );
            let escaped = reason
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;");
            assert!(html.contains(&escaped), "report.html lacks {reason}");
            assert!(markdown.contains(reason), "evaluation.md lacks {reason}");
        }
    }
    assert!(html.contains("계획 단계 평가표") && html.contains("@font-face"));
    // The run's charts and one tornado per entity, inline.
    let entities = json["scorecards"].as_array().unwrap().len();
    assert_eq!(html.matches("<svg").count(), 13 + entities);
    let svg = std::fs::read_to_string(d.join("k/tornado-portfolio.svg")).unwrap();
    assert!(
        svg.contains("전체 (포트폴리오)의 부족을 좌우하는 입력")
            && svg.contains("평균 부족액 현가"),
        "the portfolio's tornado is not in Korean"
    );
}

/// `sensitivity --lang ko` and `check --lang ko`: the terminal in Korean;
/// English stays the default.
#[test]
fn korean_sensitivity_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = fundgap_ok(
        &[
            "sensitivity",
            "-q",
            // `--trials` is `--sample`, as the other commands spell it.
            "--trials",
            "200",
            "--oat-trials",
            "100",
            "--no-charts",
            "--lang",
            "ko",
            "--out",
            "s",
        ],
        d,
    );
    let table = text(&out.stdout);
    assert!(
        table.contains("부족을 좌우하는 입력")
            && table.contains("변화폭")
            && table.contains("억 원")
            && table.contains("시행 200회 기준"),
        "{table}"
    );
    let baseline = common::scenario("ucity-baseline.toml");
    for (lang, needle) in [("ko", "서비스 "), ("en", " services:")] {
        let out = fundgap_ok(&["check", &baseline, "--lang", lang], d);
        let said = text(&out.stdout);
        assert!(said.contains(needle), "{lang}: {said}");
        assert_eq!(said.contains("할인율"), lang == "ko", "{lang}: {said}");
    }
}

/// Names never become a formula or a reference: a service named like an
/// external-workbook reference, a formula or a cell of the workbook is
/// the native chart's series name by reference to the cell holding it,
/// so the chart refers only to this workbook's own sheets.
#[test]
fn names_never_become_a_chart_reference_or_formula() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        r#"='http://attacker.example/[x.xlsx]s'!A1"#,
        r#"=HYPERLINK("http://attacker.example","click")"#,
        "yearly!$A$1",
    ];
    let mut toml = String::from("[scenario]\nname = \"x\"\nstart_year = 2025\nhorizon_years = 3\n");
    for (i, n) in names.iter().enumerate() {
        toml.push_str(&format!(
            "[[service]]\nid = \"s{i}\"\nname = {}\nconstruction_cost = 100\nopex_ratio = 0.1\n",
            toml_string(n)
        ));
    }
    std::fs::write(dir.path().join("s.toml"), toml).unwrap();
    let o = common::fundgap(
        &[
            "run",
            "s.toml",
            "-q",
            "--trials",
            "20",
            "--no-charts",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", common::text(&o.stderr));
    let book = dir.path().join("o/report.xlsx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&book).unwrap()).unwrap();
    let files: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert!(
        !files.iter().any(|f| f.contains("externalLink")),
        "{files:?}"
    );
    drop(z);
    let chart = part(&book, "xl/charts/chart1.xml").expect("a native chart");
    let refs: Vec<&str> = chart
        .split("<c:f>")
        .skip(1)
        .map(|s| s.split("</c:f>").next().unwrap())
        .collect();
    assert!(!refs.is_empty());
    for r in &refs {
        assert!(
            r.starts_with("summary!") || r.starts_with("yearly!"),
            "a series refers to {r}"
        );
    }
    // The names are there as names, read from the summary sheet.
    assert_eq!(
        refs.iter().filter(|r| r.starts_with("summary!$B$")).count(),
        4
    );
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let s = wb.worksheet_range("summary").unwrap();
    for (i, n) in names.iter().enumerate() {
        assert_eq!(s.get_value((3 + i as u32, 1)).unwrap().to_string(), *n);
    }
}

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
