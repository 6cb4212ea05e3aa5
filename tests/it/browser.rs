//! `report.html` in a real browser: headless Chromium opens a Korean and an
//! English run report, a Korean evaluation, sensitivity and discovery, with no console messages
//! and renders pages that are not blank. The report must need no network and no scripts.
//!
//! Needs Chromium (Debian package `chromium`; `.ci/run` installs it). Where
//! it is missing the test says so and passes, except under CI (`CI` set),
//! where a missing browser is a failure, so CI can never skip it silently.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{fundgap_ok, png_stats};

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|n| Path::new("/usr/bin").join(n))
        .find(|p| p.exists())
}

/// Opens `page` headless, screenshots it into `shot`; returns the console
/// messages the page produced.
fn open(browser: &Path, page: &Path, shot: &Path) -> Vec<String> {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1100,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("start chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_html_report_opens_cleanly_in_chromium_in_both_languages() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium (the Debian package `chromium`) for this test"
        );
        eprintln!("skipped: no Chromium here (apt-get install chromium to run this test)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The checker sees a console message when there is one.
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><p>x</p><script>console.error('boom')</script>",
    )
    .unwrap();
    assert!(!open(&browser, &bad, &dir.path().join("bad.png")).is_empty());

    for lang in ["ko", "en"] {
        fundgap_ok(
            &[
                "run", "-q", "--trials", "2000", "--lang", lang, "--out", lang,
            ],
            dir.path(),
        );
        let page = dir.path().join(lang).join("report.html");
        let html = std::fs::read_to_string(&page).unwrap();
        for outside in [
            "<script",
            "src=\"http",
            "href=\"http",
            "url(http",
            "@import",
        ] {
            assert!(
                !html.contains(outside),
                "{lang}: the report reaches outside itself ({outside})"
            );
        }
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        // Hangul needs the embedded font: a browser may have none.
        assert_eq!(html.contains("@font-face"), lang == "ko");
        assert_eq!(
            html.matches("<svg").count(),
            14,
            "{lang}: every chart of the run inline (the funding requirement's too)"
        );
        assert!(
            html.contains("topup")
                || html.contains(if lang == "ko" {
                    "연간 추가 예산"
                } else {
                    "top-up a year"
                })
        );
        let shot = dir.path().join(format!("{lang}.png"));
        let console = open(&browser, &page, &shot);
        assert!(console.is_empty(), "{lang}: console messages: {console:?}");
        let (w, h, ink) = png_stats(&shot);
        assert_eq!((w, h), (1100, 1600));
        assert!(
            ink > 0.05,
            "{lang}: the page looks blank ({:.1}% ink)",
            ink * 100.0
        );
    }

    // An evaluation's page: the scorecard first, then the run and the
    // tornadoes.
    fundgap_ok(
        &[
            "evaluate",
            "-q",
            "--trials",
            "500",
            "--sample",
            "200",
            "--oat-trials",
            "100",
            "--lang",
            "ko",
            "--out",
            "ev",
        ],
        dir.path(),
    );
    let page = dir.path().join("ev/report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<script") && html.contains("class=\"card\""));
    let shot = dir.path().join("ev.png");
    let console = open(&browser, &page, &shot);
    assert!(
        console.is_empty(),
        "evaluation: console messages: {console:?}"
    );
    let (_, _, ink) = png_stats(&shot);
    assert!(ink > 0.05, "evaluation: the page looks blank");

    // The analyses' pages: a sensitivity with both methods and a discovery.
    let analyses: [&[&str]; 2] = [
        &[
            "sensitivity",
            "--method",
            "both",
            "--sample",
            "200",
            "--oat-trials",
            "50",
            "--sobol-trials",
            "40",
        ],
        &["discover", "--trials", "500"],
    ];
    for args in analyses {
        let mut all = args.to_vec();
        all.extend(["-q", "--lang", "ko", "--out", args[0]]);
        fundgap_ok(&all, dir.path());
        let page = dir.path().join(args[0]).join("report.html");
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(!html.contains("<script") && html.contains("@font-face"));
        let shot = dir.path().join(format!("{}.png", args[0]));
        let console = open(&browser, &page, &shot);
        assert!(
            console.is_empty(),
            "{}: console messages: {console:?}",
            args[0]
        );
        let (_, _, ink) = png_stats(&shot);
        assert!(ink > 0.05, "{}: the page looks blank", args[0]);
    }
}
