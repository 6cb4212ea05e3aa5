//! The lines a command writes on standard error while it works speak the
//! report's language: a Korean scenario (or `--lang ko`) is told what is
//! happening in Korean, an English one in English, and `--lang` wins over
//! the scenario.

use std::path::Path;

use crate::common::{entries, fundgap_ok, scenario, text};

fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| ('가'..='힣').contains(&c))
}

/// `run`'s status lines for `args` (a scenario, then flags), written to
/// `out` in `dir`.
fn run_status(dir: &Path, args: &[&str], out: &str) -> Vec<String> {
    let mut all = vec!["run"];
    all.extend(args);
    all.extend(["--trials", "300", "--no-charts", "--out", out]);
    let o = fundgap_ok(&all, dir);
    text(&o.stderr).lines().map(str::to_string).collect()
}

/// Every file in `dir` fundgap wrote (the marker aside).
fn written(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|f| !f.starts_with('.'))
        .collect()
}

#[test]
fn a_korean_scenario_is_told_in_korean() {
    let dir = tempfile::tempdir().unwrap();
    let daejeon = scenario("daejeon-challenge.toml");
    let said = run_status(dir.path(), &[&daejeon], "ko");
    assert_eq!(
        said[0],
        format!("fundgap: 시뮬레이션 중 — {daejeon} (시행 300회)")
    );
    // The closing line: what was done, how long, and every file by name
    // and count, where.
    let last = said.last().unwrap();
    let files = written(&dir.path().join("ko"));
    assert!(
        last.starts_with("fundgap: 스레드 ") && last.contains("개로 시행 300회 완료 ("),
        "{last}"
    );
    assert!(
        last.contains(&format!(
            "초); ko에 파일 {}개를 저장했습니다: ",
            files.len()
        )),
        "{last}"
    );
    for f in &files {
        assert!(last.contains(f.as_str()), "{f} not named in {last}");
    }
    // Every line: fundgap's prefix, then Korean, with no English phrase
    // left of the English status lines.
    for line in &said {
        assert!(line.starts_with("fundgap: ") && has_hangul(line), "{line}");
        for english in ["simulating", "trials", "thread(s)", "wrote"] {
            assert!(!line.contains(english), "{line}");
        }
    }
}

#[test]
fn an_english_scenario_is_told_in_english_and_lang_wins() {
    let dir = tempfile::tempdir().unwrap();
    let ucity = scenario("ucity-baseline.toml");
    let said = run_status(dir.path(), &[&ucity], "en");
    assert_eq!(said[0], format!("fundgap: simulating {ucity} (300 trials)"));
    let last = said.last().unwrap();
    assert!(
        last.starts_with("fundgap: 300 trials on ") && last.ends_with(" to en"),
        "{last}"
    );
    assert!(!said.iter().any(|l| has_hangul(l)), "{said:?}");

    // --lang over the scenario's language, both ways.
    let daejeon = scenario("daejeon-challenge.toml");
    let said = run_status(dir.path(), &[&daejeon, "--lang", "en"], "ko-en");
    assert_eq!(
        said[0],
        format!("fundgap: simulating {daejeon} (300 trials)")
    );
    assert!(!said.iter().any(|l| has_hangul(l)), "{said:?}");
    let said = run_status(dir.path(), &[&ucity, "--lang", "ko"], "en-ko");
    assert_eq!(
        said[0],
        format!("fundgap: 시뮬레이션 중 — {ucity} (시행 300회)")
    );
}

/// An analysis and `init` speak Korean too: the stress grid's opening and
/// closing lines, and the template's next steps.
#[test]
fn an_analysis_and_init_in_korean() {
    let dir = tempfile::tempdir().unwrap();
    let ucity = scenario("ucity-baseline.toml");
    let o = fundgap_ok(
        &[
            "stress",
            &ucity,
            "--trials",
            "100",
            "--years",
            "2027,2029",
            "--cuts",
            "0,100",
            "--no-charts",
            "--lang",
            "ko",
            "--out",
            "s",
        ],
        dir.path(),
    );
    let said = text(&o.stderr);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[0],
        format!("fundgap: 스트레스 테스트 — {ucity}: 조건 4개 × 시행 100회")
    );
    let files = written(&dir.path().join("s"));
    assert!(
        lines[1].starts_with("fundgap: 조건 4개 × 시행 100회 완료 (")
            && lines[1].contains(&format!("s에 파일 {}개를 저장했습니다: ", files.len())),
        "{said}"
    );

    let o = fundgap_ok(&["init", "--lang", "ko", "city.toml"], dir.path());
    assert_eq!(
        text(&o.stderr).trim_end(),
        "fundgap: city.toml에 서비스 2개의 시나리오를 썼습니다. \
         다음: fundgap check city.toml, 이어서 fundgap run city.toml"
    );
    let o = fundgap_ok(&["init", "english.toml"], dir.path());
    assert!(
        text(&o.stderr).starts_with("fundgap: wrote english.toml with 2 service(s). Next: "),
        "{}",
        text(&o.stderr)
    );
}

/// A precision run names its least precise figure in the report's
/// language: by its column's Korean heading, not the library's English.
#[test]
fn a_precision_run_names_its_widest_figure_in_korean() {
    let dir = tempfile::tempdir().unwrap();
    let daejeon = scenario("daejeon-challenge.toml");
    let o = fundgap_ok(
        &[
            "run",
            &daejeon,
            "--precision",
            "0.02",
            "--trials",
            "500",
            "--max-trials",
            "1000",
            "--no-charts",
            "--out",
            "p",
        ],
        dir.path(),
    );
    let said = text(&o.stderr);
    let progress: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("가장 넓은 95% 구간"))
        .collect();
    assert!(!progress.is_empty(), "{said}");
    for line in progress {
        assert!(!line.contains(" of ") && !line.contains("P("), "{line}");
        assert!(line.contains("년 ") && line.contains("확률"), "{line}");
    }
    let summary = std::fs::read_to_string(dir.path().join("p/summary.json")).unwrap();
    assert!(summary.contains("\"figure\""), "{summary}");
}
