//! Charts: every chart renders for every shipped scenario in both formats,
//! SVGs carry their titles and names, PNGs decode at the requested size and
//! are not blank, many services stay legible, and `fundgap chart` redraws
//! exactly what the run drew. SVG text is glyph outlines, so it shows
//! with no font installed.

use crate::common;
use std::process::Command;

use crate::common::{fundgap_ok, png_stats};

const CHARTS: &[&str] = &[
    "gap-probability",
    "gap-npv",
    "survival",
    "funding-mix",
    "fan-portfolio",
];

/// Every chart of the run written into `out` (of the scenario `stem`)
/// exists as PNG and SVG, at the default size, not blank, titled, with its
/// axes and every service named in the run's language and money unit.
/// `tests/it/corpus.rs` checks it for every shipped scenario.
pub(crate) fn assert_charts_drawn(out: &std::path::Path, stem: &str) {
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let services = summary["services"].as_array().unwrap();
    let mut names: Vec<String> = CHARTS.iter().map(|c| c.to_string()).collect();
    names.extend(
        services
            .iter()
            .map(|s| format!("fan-{}", s["id"].as_str().unwrap())),
    );
    for name in names {
        for ext in ["png", "svg"] {
            let f = out.join(format!("{name}.{ext}"));
            assert!(f.is_file(), "{stem}: {} missing", f.display());
        }
        let (w, h, ink) = png_stats(&out.join(format!("{name}.png")));
        assert_eq!((w, h), (1600, 1000), "{stem}/{name}.png size");
        assert!(
            ink > 0.02,
            "{stem}/{name}.png is nearly blank ({:.1}% ink)",
            ink * 100.0
        );
        let svg = std::fs::read_to_string(out.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.contains(summary["scenario"]["name"].as_str().unwrap()),
            "{stem}/{name}.svg lacks its title"
        );
        assert_text_outlined(&svg, &format!("{stem}/{name}.svg"));
    }
    let gp = std::fs::read_to_string(out.join("gap-probability.svg")).unwrap();
    // Site scenarios are in Korean (`lang = "ko"`), the rest in English.
    let charts = std::fs::read_to_string(out.join("charts.json")).unwrap();
    let ko = charts.contains("\"lang\": \"ko\"") || charts.contains("\"lang\":\"ko\"");
    let (y_title, x_title) = if ko {
        ("해당 연도 부족 확률", "연도")
    } else {
        ("P(gap in year)", "Year")
    };
    assert!(gp.contains(y_title), "{stem}: y axis title");
    // Small multiples (over 10 services) drop the repeated x title.
    assert!(
        gp.contains(x_title) || services.len() > 10,
        "{stem}: x axis title"
    );
    for s in services {
        let name = s["name"].as_str().unwrap();
        let shown: String = name.chars().take(31).collect();
        assert!(
            gp.contains(&shown),
            "{stem}: gap-probability.svg lacks service {name}"
        );
    }
    let fan = std::fs::read_to_string(out.join("fan-portfolio.svg")).unwrap();
    // Korean charts restate won in 억 원 (or 백만 원).
    let unit = if ko {
        if fan.contains("억 원") {
            "억 원"
        } else {
            "백만 원"
        }
    } else {
        summary["scenario"]["currency"].as_str().unwrap()
    };
    assert!(fan.contains(unit), "{stem}: money unit on the axis");
}

/// An SVG fundgap wrote shows its text with no font installed: no
/// `<text>`, every glyph a `<use>` of an outline defined in the same file,
/// the strings kept in `<title>`s.
pub(crate) fn assert_text_outlined(svg: &str, what: &str) {
    assert!(!svg.contains("<text"), "{what}: text left to a system font");
    assert!(svg.contains("<title>"), "{what}: no text runs");
    let mut uses = 0;
    for u in svg.split("xlink:href=\"#").skip(1) {
        let id = &u[..u.find('"').unwrap()];
        assert!(
            svg.contains(&format!("<path id=\"{id}\" d=\"M")),
            "{what}: glyph {id} undefined"
        );
        uses += 1;
    }
    assert!(uses > 0, "{what}: no glyphs");
}

/// The text of every run of an SVG, in order.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<title>")
        .skip(1)
        .map(|t| t.split("</title>").next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn chart_command_redraws_the_same_svg_and_resizes() {
    let tmp = tempfile::tempdir().unwrap();
    fundgap_ok(
        &["run", "--quiet", "--trials", "500", "--out", "run"],
        tmp.path(),
    );
    let run = tmp.path().join("run");
    let before: Vec<String> = CHARTS
        .iter()
        .map(|c| std::fs::read_to_string(run.join(format!("{c}.svg"))).unwrap())
        .collect();
    for c in CHARTS {
        std::fs::remove_file(run.join(format!("{c}.svg"))).unwrap();
    }
    fundgap_ok(&["chart", "run", "--image-format", "svg"], tmp.path());
    // The old spelling still works.
    fundgap_ok(&["chart", "run", "--format", "svg"], tmp.path());
    for (c, old) in CHARTS.iter().zip(&before) {
        assert_eq!(
            &std::fs::read_to_string(run.join(format!("{c}.svg"))).unwrap(),
            old,
            "{c}.svg differs"
        );
    }
    fundgap_ok(
        &[
            "chart",
            "run",
            "--format",
            "png",
            "--width",
            "800",
            "--height",
            "500",
            "--title",
            "Half size",
        ],
        tmp.path(),
    );
    let (w, h, ink) = png_stats(&run.join("gap-probability.png"));
    assert_eq!((w, h), (800, 500));
    assert!(ink > 0.02);
}

#[test]
fn thirty_services_use_small_multiples() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = String::from(
        "[scenario]\nname = \"Thirty\"\nstart_year = 2025\nhorizon_years = 8\ntrials = 200\n",
    );
    for i in 0..30 {
        s.push_str(&format!(
            "\n[[service]]\nid = \"svc-{i}\"\nname = \"Service number {i}\"\nconstruction_cost = 100\nopex_ratio = {{ dist = \"uniform\", min = 0.1, max = 0.2 }}\n\
             [[service.funding]]\nkind = \"budget\"\nname = \"b\"\namount = {}\n",
            12 + i % 5
        ));
    }
    std::fs::write(tmp.path().join("thirty.toml"), s).unwrap();
    fundgap_ok(
        &["run", "thirty.toml", "--quiet", "--out", "out"],
        tmp.path(),
    );
    let svg = std::fs::read_to_string(tmp.path().join("out/gap-probability.svg")).unwrap();
    let labels = texts(&svg);
    for i in 0..30 {
        assert!(
            labels.contains(&format!("Service number {i}")),
            "panel title {i}"
        );
    }
    let (_, _, ink) = png_stats(&tmp.path().join("out/survival.png"));
    assert!(ink > 0.02);
}

#[test]
fn a_bad_font_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("font.ttf"), "not a font").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args([
            "run", "--quiet", "--trials", "100", "--font", "font.ttf", "--out", "o",
        ])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("font.ttf"));
    assert!(
        !tmp.path().join("o/summary.json").exists(),
        "a failed run must not leave results"
    );
}

#[test]
fn a_font_file_is_used_for_chart_text() {
    let tmp = tempfile::tempdir().unwrap();
    // Any TTF works; the bold DejaVu face stands in for e.g. a Korean font.
    std::fs::write(tmp.path().join("bold.ttf"), dejavu::sans::bold()).unwrap();
    fundgap_ok(
        &["run", "--quiet", "--trials", "300", "--out", "plain"],
        tmp.path(),
    );
    fundgap_ok(
        &[
            "run", "--quiet", "--trials", "300", "--out", "bold", "--font", "bold.ttf",
        ],
        tmp.path(),
    );
    let plain = std::fs::read(tmp.path().join("plain/gap-probability.png")).unwrap();
    let bold = std::fs::read(tmp.path().join("bold/gap-probability.png")).unwrap();
    assert_ne!(plain, bold, "the font changed nothing in the PNG");
    let svg = |d: &str| std::fs::read_to_string(tmp.path().join(d).join("gap-probability.svg"));
    assert_ne!(
        svg("plain").unwrap(),
        svg("bold").unwrap(),
        "the SVG's outlines are not the font's"
    );
    let (w, h, ink) = png_stats(&tmp.path().join("bold/gap-probability.png"));
    assert_eq!((w, h), (1600, 1000));
    assert!(ink > 0.02);
}

/// A scenario with a stop rule also draws `stops`: P(stopped or shrunk by
/// year) per service, and its page has the table of stops; one without a
/// rule has neither (its lines would all sit at 0).
#[test]
fn a_stop_rule_draws_the_stop_chart() {
    let tmp = tempfile::tempdir().unwrap();
    fundgap_ok(&["init", "mine.toml"], tmp.path());
    fundgap_ok(
        &["run", "mine.toml", "-q", "--trials", "500", "--out", "with"],
        tmp.path(),
    );
    let (w, h, ink) = png_stats(&tmp.path().join("with/stops.png"));
    assert_eq!((w, h), (1600, 1000));
    assert!(ink > 0.01, "a blank chart");
    let svg = std::fs::read_to_string(tmp.path().join("with/stops.svg")).unwrap();
    assert!(svg.contains("stopped or shrunk by its stop rule or take-over decision"));
    let page = std::fs::read_to_string(tmp.path().join("with/report.html")).unwrap();
    assert!(page.contains("<h2>Stops and shrinks"), "no table of stops");
    let baseline = common::scenario("ucity-baseline.toml");
    fundgap_ok(
        &[
            "run", &baseline, "-q", "--trials", "300", "--out", "without",
        ],
        tmp.path(),
    );
    assert!(!tmp.path().join("without/stops.png").exists());
    let page = std::fs::read_to_string(tmp.path().join("without/report.html")).unwrap();
    assert!(!page.contains("<h2>Stops and shrinks"));
}

/// A scenario named in Hangul draws with the embedded Korean font, with no
/// warning; a --font without Hangul glyphs draws but warns, in the
/// report's language, that Hangul would be boxes.
#[test]
fn hangul_names_draw_with_the_embedded_font_and_a_font_without_them_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let toml = "[scenario]\nname = \"세종 스마트시티\"\nstart_year = 2025\nhorizon_years = 5\n\
        [[service]]\nid = \"parking\"\nname = \"스마트 주차\"\nconstruction_cost = 100\nopex_ratio = 0.1\n";
    std::fs::write(tmp.path().join("k.toml"), toml).unwrap();
    let o = common::fundgap(
        &[
            "run", "k.toml", "--quiet", "--trials", "200", "--format", "json", "--out", "o",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", common::text(&o.stderr));
    assert!(
        !common::text(&o.stderr).contains("warning"),
        "{}",
        common::text(&o.stderr)
    );
    assert!(tmp.path().join("o/fan-parking.png").is_file());
    let latin_only = tmp.path().join("dejavu.ttf");
    std::fs::write(&latin_only, dejavu::sans::regular()).unwrap();
    let o = common::fundgap(
        &[
            "chart",
            "o",
            "--font",
            latin_only.to_str().unwrap(),
            "--format",
            "svg",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", common::text(&o.stderr));
    let err = common::text(&o.stderr);
    assert!(err.contains("no glyphs") && err.contains('주'), "{err}");
    // Redrawn in Korean, the warning is Korean as the labels are.
    let o = common::fundgap(
        &[
            "chart",
            "o",
            "--font",
            latin_only.to_str().unwrap(),
            "--format",
            "svg",
            "--lang",
            "ko",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", common::text(&o.stderr));
    let err = common::text(&o.stderr);
    assert!(
        err.starts_with("fundgap: 경고: 글꼴 ")
            && err.contains("의 글리프가 없어 네모로 그려집니다")
            && err.contains('주'),
        "{err}"
    );
}

/// `--lang ko`: the charts' labels are Korean and won amounts are restated
/// in 억 원 — the same run's English amounts divided by 100 (the baseline
/// is in million won) — and `fundgap chart` redraws them in Korean.
#[test]
fn korean_charts_speak_korean_in_eok_won() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &str, lang: &str| {
        fundgap_ok(
            &[
                "run", "-q", "--trials", "2000", "--lang", lang, "--out", out,
            ],
            dir.path(),
        );
        let text = std::fs::read_to_string(dir.path().join(out).join("charts.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let (en, ko) = (run("en", "en"), run("ko", "ko"));
    assert_eq!(en["lang"], "en");
    assert_eq!(ko["lang"], "ko");
    assert_eq!(ko["unit"], "억 원");
    let mean = |v: &serde_json::Value| v["gap_npv"]["mean"].as_f64().unwrap();
    assert!((mean(&ko) - mean(&en) / 100.0).abs() < 1e-9 * mean(&en));
    let svg = std::fs::read_to_string(dir.path().join("ko/funding-mix.svg")).unwrap();
    let labels = texts(&svg);
    assert!(
        labels.iter().any(|t| t.contains("재원 구성")) && labels.iter().any(|t| t == "보조금"),
        "Korean labels"
    );
    assert_text_outlined(&svg, "ko/funding-mix.svg");
    // The page inlines every chart: their glyphs' ids must not clash.
    let page = std::fs::read_to_string(dir.path().join("ko/report.html")).unwrap();
    let mut ids: Vec<&str> = page
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "an id used twice on the page");
    assert!(n > 100, "the page's charts define their glyphs");
    assert!(!svg.contains("where the money comes from"));
    std::fs::remove_file(dir.path().join("ko/funding-mix.svg")).unwrap();
    fundgap_ok(&["chart", "ko", "--image-format", "svg"], dir.path());
    let again = std::fs::read_to_string(dir.path().join("ko/funding-mix.svg")).unwrap();
    assert_eq!(again, svg, "redrawn in Korean");

    // `chart --lang` redraws a run in the other language: the English run
    // in Korean, and the Korean one back in the scenario's money.
    let english = std::fs::read_to_string(dir.path().join("en/gap-npv.svg")).unwrap();
    fundgap_ok(
        &["chart", "en", "--image-format", "svg", "--lang", "ko"],
        dir.path(),
    );
    let now = std::fs::read_to_string(dir.path().join("en/gap-npv.svg")).unwrap();
    assert!(
        now.contains("억 원") && !now.contains("KRW million"),
        "to Korean"
    );
    fundgap_ok(
        &["chart", "ko", "--image-format", "svg", "--lang", "en"],
        dir.path(),
    );
    let back = std::fs::read_to_string(dir.path().join("ko/gap-npv.svg")).unwrap();
    assert!(
        back.contains("KRW million") && !back.contains("억 원"),
        "to English"
    );
    // Every label and tick the same as the English run's (positions can
    // move a pixel: amounts divided by 100 and multiplied back are not
    // always the same double).
    assert_eq!(
        texts(&back),
        texts(&english),
        "the Korean run redrawn in English says what the English run's chart says"
    );
}

/// The stress heatmap's colours span the grid's own range (a fixed 0-100%
/// scale made 51% and 67% look alike): the colour bar is labelled from
/// the lowest cell to the highest.
#[test]
fn the_heatmap_scale_spans_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    fundgap_ok(
        &[
            "stress",
            "-q",
            "--trials",
            "500",
            "--service",
            "cctv-safety",
            "--years",
            "2025-2030",
            "--out",
            "s",
        ],
        dir.path(),
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s/stress.json")).unwrap())
            .unwrap();
    let ps: Vec<f64> = json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["p_any_gap"]["estimate"].as_f64().unwrap())
        .collect();
    let lo = ps.iter().cloned().fold(1.0, f64::min);
    let hi = ps.iter().cloned().fold(0.0, f64::max);
    assert!(hi - lo > 0.05, "a grid with a range to show");
    let svg = std::fs::read_to_string(dir.path().join("s/stress-heatmap.svg")).unwrap();
    let label = |p: f64| format!("<title>{:.0}%</title>", p);
    assert!(
        svg.contains(&label((lo * 100.0).floor())),
        "bar starts at the lowest cell"
    );
    assert!(
        svg.contains(&label((hi * 100.0).ceil())),
        "bar ends at the highest cell"
    );
}

/// At many trials the 95% bands are thinner than the lines; the chart
/// says so (with how thin) instead of promising a band nobody can see.
#[test]
fn bands_thinner_than_lines_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (trials, out) in [("2000", "few"), ("30000", "many")] {
        fundgap_ok(
            &[
                "run",
                "-q",
                "--trials",
                trials,
                "--out",
                out,
                "--no-html",
                "--no-xlsx",
            ],
            dir.path(),
        );
    }
    let read =
        |d: &str| std::fs::read_to_string(dir.path().join(d).join("gap-probability.svg")).unwrap();
    assert!(!read("few").contains("thinner than the lines"));
    assert!(read("many").contains("thinner than the lines"));
}
