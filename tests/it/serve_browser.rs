//! `fundgap serve` in a real browser: headless Chromium, driven through
//! chromedriver's WebDriver protocol, goes through the user stories — open
//! the page, change the grant's withdrawal year, see P(gap) change,
//! compare two settings, download report.xlsx, report.html and the
//! scenario — and a scenario whose name is markup shows as text. A
//! screenshot is saved (to `FUNDGAP_SCREENSHOT` when set: docs/serve.png
//! is made so).
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them). Where either is missing the test says so and passes, except
//! under CI (`CI` set), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::serve::{Server, http};
use crate::common::png_stats;

fn tool(names: &[&str]) -> Option<PathBuf> {
    names
        .iter()
        .map(|n| Path::new("/usr/bin").join(n))
        .find(|p| p.exists())
}

/// A chromedriver process and one browser session in it.
struct Driver {
    child: Child,
    base: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    fn start(driver: &Path, browser: &Path, downloads: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let guard = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if guard.elapsed() > Duration::from_secs(60) {
                fail(&mut child, "chromedriver never listened".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser.to_string_lossy(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=en-US",
                    "--window-size=1400,1300", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.to_string_lossy(),
                    "download.prompt_for_download": false,
                    "intl.accept_languages": "en-US",
                }
            }
        }}});
        let r = http(
            "POST",
            &format!("{url}/session"),
            &[("Content-Type", "application/json")],
            caps.to_string().as_bytes(),
        );
        if r.status != 200 {
            fail(&mut child, format!("no session: {}", r.text()));
        }
        let id = r.json()["value"]["sessionId"].as_str().unwrap().to_string();
        Driver {
            child,
            base: format!("{url}/session/{id}"),
            _profile: profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let r = http(
            method,
            &format!("{}{path}", self.base),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 200, "{method} {path}: {}", r.text());
        r.json()["value"].clone()
    }

    fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", json!({"script": js, "args": []}))
    }

    fn element(&self, css: &str) -> String {
        let e = self.call(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        e.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    }

    /// Clicks the element `css` as a user would (WebDriver element click).
    fn click(&self, css: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/click"), json!({}));
    }

    /// Types `text` into the field `css` after clearing it, then Enter.
    fn type_in(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/clear"), json!({}));
        let keys = format!("{text}\u{e007}");
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": keys }),
        );
    }

    /// Waits until `js` returns true (a guard against a hang, not a timing test).
    fn until(&self, what: &str, js: &str) {
        let guard = Instant::now();
        while self.script(js) != json!(true) {
            assert!(
                guard.elapsed() < Duration::from_secs(120),
                "never happened: {what}; status: {}",
                self.script("return document.getElementById('status').textContent")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the page has answered (`DONE`) and `also`, a JS
    /// condition, holds: what tells a new answer from the one before.
    fn answered(&self, what: &str, also: &str) {
        self.until(what, &format!("{} && ({also})", DONE.trim_end_matches(';')));
    }

    /// Chooses `value` in the select `css`, as picking it from the list
    /// does (the page listens for `change`).
    fn choose(&self, css: &str, value: &str) {
        self.script(&format!(
            "const s = document.querySelector('{css}'); s.value = '{value}'; \
             s.dispatchEvent(new Event('change')); return null"
        ));
    }

    /// P(gap) of the portfolio in `year`, from the chart's point titles.
    fn p_gap(&self, year: i32) -> f64 {
        let t = self.script(&format!(
            "return Array.from(document.querySelectorAll('#pgap-chart circle title'))\
             .map(t => t.textContent).find(t => t.startsWith('{year}:')) || ''"
        ));
        let t = t.as_str().unwrap();
        t.split(": ")
            .nth(1)
            .and_then(|r| r.split('%').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no P(gap) for {year} in {t:?}"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http("DELETE", &self.base, &[], b"");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Ends chromedriver, then fails the test with `message` (a driver left
/// running would outlive the test).
fn fail(child: &mut Child, message: String) -> ! {
    let _ = child.kill();
    let _ = child.wait();
    panic!("{message}")
}

/// Standard base64, as WebDriver sends screenshots.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .map(value)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

const DONE: &str = "return document.getElementById('progress').value === 1 \
    && document.querySelectorAll('#summary tbody tr').length > 0 \
    && !document.getElementById('results').hasAttribute('aria-busy')";

#[test]
fn serve_page_answers_what_ifs_in_a_real_browser() {
    let (Some(browser), Some(driver)) = (
        tool(&["chromium", "chromium-browser", "google-chrome"]),
        tool(&["chromedriver"]),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium and its driver (Debian's `chromium` and `chromium-driver`)"
        );
        eprintln!(
            "skipped: no chromium or chromedriver here (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    // A scenario whose name is markup: the page must show it as text.
    let evil = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sejong-5-1.toml"),
    )
    .unwrap();
    let evil = evil.replacen(
        "[scenario]\n",
        "[scenario]\nname = \"<img src=x onerror=\\\"document.title='pwned'\\\">\"\n",
        1,
    );
    let evil = remove_second_name(&evil);
    std::fs::write(dir.path().join("evil.toml"), evil).unwrap();
    let server = Server::start(&["evil.toml"], dir.path());
    let d = Driver::start(&driver, &browser, &downloads);

    // Open: the page lists the scenarios and answers the default one.
    d.call("POST", "/url", json!({"url": server.url}));
    d.until("the page answers", DONE);
    let options = d.script(
        "return Array.from(document.querySelectorAll('#scenario option')).map(o => o.textContent)",
    );
    let options: Vec<String> = serde_json::from_value(options).unwrap();
    assert!(options.iter().any(|o| o.contains("daejeon-challenge.toml")));
    assert!(
        options.iter().any(|o| o.starts_with("<img src=x")),
        "the markup name is shown as text: {options:?}"
    );
    assert_eq!(d.script("return document.title"), json!("fundgap serve"));
    assert_eq!(
        d.script("return document.querySelectorAll('img').length"),
        json!(0)
    );
    // It opens on the file named on the command line; a shipped scenario
    // is labelled as fundgap's own copy, and its command says where that
    // copy is.
    let selected = d.script("return document.getElementById('scenario').value");
    assert_eq!(selected, json!("file-evil"));
    assert!(
        options
            .iter()
            .any(|o| o.ends_with("scenarios/daejeon-challenge.toml (built into fundgap)")),
        "{options:?}"
    );
    d.choose("#scenario", "daejeon-challenge");
    d.answered(
        "the page answers for daejeon-challenge",
        "document.getElementById('command').textContent.startsWith('fundgap run scenarios/daejeon-challenge.toml')",
    );
    let note = d.script("return document.getElementById('command-note').textContent");
    assert!(
        note.as_str()
            .unwrap()
            .contains("copy in fundgap's repository"),
        "{note}"
    );
    let before = d.p_gap(2022);
    let command = d.script("return document.getElementById('command').textContent");
    assert!(
        command
            .as_str()
            .unwrap()
            .starts_with("fundgap run scenarios/daejeon-challenge.toml")
    );
    let precision = d.script("return document.getElementById('precision').textContent");
    assert!(precision.as_str().unwrap().contains("±"), "{precision}");

    // Compare: keep this as A, then withdraw the grant from 2022.
    d.click("#keep-a");
    d.click("#grant-end");
    d.click("#grant-end option[value='2022']");
    d.until(
        "the withdrawal's result",
        &format!(
            "{}; return done && document.getElementById('command').textContent.includes('.to=2021')",
            DONE.replacen("return ", "const done = ", 1)
        ),
    );
    let after = d.p_gap(2022);
    assert!(
        after > before,
        "withdrawing the grant in 2022 must raise P(gap) in 2022: {before} -> {after}"
    );
    d.until(
        "the comparison",
        "return !document.getElementById('compare-table').hidden \
         && document.querySelectorAll('#compare-table tbody tr').length > 1",
    );
    let row: Vec<String> = serde_json::from_value(d.script(
        "return Array.from(document.querySelectorAll('#compare-table tbody tr[data-entity=\"portfolio\"] td')).map(c => c.textContent)",
    ))
    .unwrap();
    assert_eq!(row.len(), 5, "{row:?}");
    assert_ne!(row[0], row[1], "A and B differ: {row:?}");
    // Daejeon's drones stop at the take-over decision, which the earlier
    // withdrawal brings forward: their P(gap) falls, and the page says why.
    let stops = d.script(
        "const n = document.getElementById('compare-stops'); return n.hidden ? '' : n.textContent",
    );
    let stops = stops.as_str().unwrap_or_default();
    assert!(stops.contains("드론 안전망"), "{stops}");
    assert!(!stops.contains("공유 주차"), "{stops}");

    // The page's numbers are the server's for the command it shows.
    let command = d.script("return document.getElementById('command').textContent");
    assert!(
        command
            .as_str()
            .unwrap()
            .contains("--set 'service.shared-parking.funding.national-challenge-money.to=2021'")
    );

    // The keyboard: a grant cut and a fee change typed into their fields
    // become the overrides the command names.
    d.type_in("#grant-cut", "50");
    d.until(
        "the cut's result",
        &format!(
            "{}; return done && document.getElementById('command').textContent.includes('national-challenge-money.share_of_cost=0.25')",
            DONE.replacen("return ", "const done = ", 1)
        ),
    );
    d.type_in("#fee-delta", "1000");
    // Daejeon's parking fee: 0.00096 (백만 원, 960 원) per use, +1,000 원.
    d.until(
        "the fee's result",
        &format!(
            "{}; return done && document.getElementById('command').textContent.includes('parking-fees.price=0.00196')",
            DONE.replacen("return ", "const done = ", 1)
        ),
    );
    d.type_in("#grant-cut", "0");
    d.type_in("#fee-delta", "0");
    d.until(
        "back to the withdrawal alone",
        &format!(
            "{}; return done && !document.getElementById('command').textContent.includes('share_of_cost')",
            DONE.replacen("return ", "const done = ", 1)
        ),
    );

    // Downloads.
    for link in ["#dl-xlsx", "#dl-html", "#dl-toml"] {
        d.click(link);
    }
    let guard = Instant::now();
    let wanted = ["report.xlsx", "report.html", "scenario.toml"];
    while !wanted.iter().all(|n| downloads.join(n).is_file()) {
        assert!(
            guard.elapsed() < Duration::from_secs(60),
            "downloads missing: {:?}",
            std::fs::read_dir(&downloads).unwrap().collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        std::fs::read(downloads.join("report.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
    assert!(
        std::fs::read_to_string(downloads.join("report.html"))
            .unwrap()
            .contains("<html")
    );
    assert!(
        std::fs::read_to_string(downloads.join("scenario.toml"))
            .unwrap()
            .contains("# --set service.shared-parking.funding.national-challenge-money.to=2021")
    );

    // Korean (the page's users' language), then the screenshot.
    d.click("#lang");
    assert_eq!(
        d.script("return document.documentElement.lang"),
        json!("ko")
    );
    let words = d.script(
        "return document.getElementById('run').textContent + '|' + document.getElementById('topup-h').textContent",
    );
    assert_eq!(
        words,
        json!("실행|연간 추가 예산 (기준연도 가격) (90%, 억 원)")
    );
    // A seed the form cannot take is said in Korean, before any request.
    d.type_in("#seed", "-3");
    d.until(
        "the page refuses the seed",
        "return document.getElementById('status').textContent.includes('난수 시드: 0 이상의 정수')",
    );
    d.type_in("#seed", "5");
    d.answered(
        "the page answers again",
        "!document.getElementById('status').textContent.includes('난수 시드')",
    );
    let shot = d.call("GET", "/screenshot", json!({}));
    let png = base64(shot.as_str().unwrap());
    let path = std::env::var_os("FUNDGAP_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("serve.png"));
    std::fs::write(&path, &png).unwrap();
    let (w, h, ink) = png_stats(&path);
    assert!(w >= 1000 && h >= 800, "{w}x{h}");
    assert!(ink > 0.02, "the page is not blank ({ink})");
    assert_eq!(d.script("return document.title"), json!("fundgap serve"));
}

/// `text` without the `name = ...` line that followed the one inserted.
fn remove_second_name(text: &str) -> String {
    let mut seen = 0;
    text.lines()
        .filter(|l| {
            if l.starts_with("name = ") {
                seen += 1;
                return seen != 2;
            }
            true
        })
        .collect::<Vec<_>>()
        .join("\n")
}
