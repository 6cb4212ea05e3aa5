//! The analyses' pages: `sensitivity` (every method) and `discover` write
//! a `report.html` holding what the terminal prints, with the uncertainty
//! of each figure, the charts inline, how to read it and how to make it
//! again, in the chosen language; `--no-html` leaves it out.

use crate::common::*;

/// The page's text without the embedded font and the charts.
fn page(dir: &std::path::Path, out: &str) -> String {
    let html = std::fs::read_to_string(dir.join(out).join("report.html")).unwrap();
    let mut text = String::new();
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<svg") {
        text.push_str(&rest[..i]);
        rest = rest[i..].find("</svg>").map_or("", |j| &rest[i + j + 6..]);
    }
    text + rest
}

#[test]
fn sensitivity_pages_show_every_method_with_its_uncertainty() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let daejeon = scenario("daejeon-challenge.toml");
    let sens = |method: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "sensitivity",
            &daejeon,
            "-q",
            "--method",
            method,
            "--sample",
            "300",
            "--oat-trials",
            "100",
            "--sobol-trials",
            "40",
            "--out",
            out,
        ];
        // The scenario asks for Korean: English unless told.
        if !extra.contains(&"--lang") {
            args.extend(["--lang", "en"]);
        }
        args.extend(extra);
        fundgap_ok(&args, d)
    };
    sens("tornado", "t", &[]);
    let t = page(d, "t");
    let html = std::fs::read_to_string(d.join("t/report.html")).unwrap();
    assert!(
        t.contains("What drives the gap")
            && t.contains("rank corr. with gap NPV [95%]")
            && t.contains("How to read this")
            && t.contains("fundgap sensitivity")
            && t.contains("service.fire-sensors.opex_ratio"),
        "{t}"
    );
    // A tornado chart per service and the portfolio, inline.
    assert_eq!(html.matches("<svg").count(), 6);
    assert!(!t.contains("Sobol indices of the gap NPV"));
    sens("sobol", "s", &[]);
    let s = page(d, "s");
    assert!(
        s.contains("Sobol indices of the gap NPV")
            && s.contains("first-order S [95%]")
            && !s.contains("What drives the gap: tornado"),
        "{s}"
    );
    sens("both", "b", &["--lang", "ko"]);
    let b = page(d, "b");
    assert!(
        b.contains("<html lang=\"ko\">")
            && b.contains("부족을 좌우하는 입력: 토네이도와 순위상관")
            && b.contains("부족액 현가의 Sobol 지수")
            && b.contains("억 원")
            && b.contains("읽는 법")
            && b.contains("재현 방법")
            && !b.contains("How to read"),
        "{b}"
    );
    // A Korean reader gets each input in words, with the path to paste.
    assert!(
        b.contains("운영비 비율 (service.fire-sensors.opex_ratio)"),
        "{b}"
    );
    sens("tornado", "n", &["--no-html"]);
    assert!(!d.join("n/report.html").exists());
}

#[test]
fn discover_page_shows_the_boxes_with_their_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let daejeon = scenario("daejeon-challenge.toml");
    let o = fundgap_ok(
        &[
            "discover", &daejeon, "--trials", "2000", "--lang", "en", "--out", "e",
        ],
        d,
    );
    let e = page(d, "e");
    assert!(
        e.contains("Where the gaps come from")
            && e.contains("P(gap) in the box [95%]")
            && e.contains("How to read this")
            && e.contains("fundgap discover"),
        "{e}"
    );
    // Every sentence the terminal prints is on the page.
    for line in text(&o.stdout).lines().skip(1) {
        let line = line.trim().replace('<', "&lt;").replace('>', "&gt;");
        assert!(e.contains(&line), "missing: {line}");
    }
    fundgap_ok(
        &[
            "discover", &daejeon, "-q", "--trials", "500", "--lang", "ko", "--out", "k",
        ],
        d,
    );
    let k = page(d, "k");
    assert!(
        k.contains("재원 부족이 생기는 조건") && k.contains("읽는 법"),
        "{k}"
    );
    fundgap_ok(
        &[
            "discover",
            &daejeon,
            "-q",
            "--trials",
            "500",
            "--no-html",
            "--out",
            "n",
        ],
        d,
    );
    assert!(!d.join("n/report.html").exists());
}
