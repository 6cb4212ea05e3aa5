//! `fundgap serve`'s API on its own (no browser): the same numbers as
//! `fundgap run` with the same `--set`s, the guard (token, origin, host),
//! clear JSON errors for bad input, upload limits, no paths from the
//! client, the bounded queue with cancellation, and a clean Ctrl-C.
//! The page in a real browser is `serve_browser.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{fundgap_ok, interrupt};

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request to `url` (`http://host:port/path`), `headers` on
/// top of Host (unless given), Content-Length and `Connection: close`.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut s = TcpStream::connect(authority).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {authority}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    // Read by Content-Length (or chunks): some servers keep the
    // connection open whatever the request says.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let split = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed before a header");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let lower = head.to_ascii_lowercase();
    let mut body = raw[split + 4..].to_vec();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = lower.contains("transfer-encoding: chunked");
    loop {
        let complete = match (length, chunked) {
            (Some(n), _) => body.len() >= n,
            (None, true) => body.ends_with(b"0\r\n\r\n"),
            (None, false) => false,
        };
        if complete {
            break;
        }
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if chunked {
        body = unchunk(&body);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    Reply { status, head, body }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..i]).trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + size]);
        b = &b[i + 4 + size..];
    }
    out
}

/// A running `fundgap serve --no-open --port 0`.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    /// `127.0.0.1:PORT`
    pub host: String,
    pub token: String,
}

impl Server {
    pub fn start(extra: &[&str], dir: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
            .args(["serve", "--no-open", "--port", "0"])
            .args(extra)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fundgap serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "printed {url:?}");
        let host = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let page = http("GET", &url, &[], b"").text();
        let token = page
            .split("name=\"csrf\" content=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("the page carries its token")
            .to_string();
        assert_eq!(token.len(), 64);
        Server {
            child: Some(child),
            url,
            host,
            token,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        http("GET", &format!("{}{path}", self.url), &[], b"")
    }

    /// A POST as the page sends it: token and origin.
    pub fn post(&self, path: &str, body: &[u8]) -> Reply {
        let origin = format!("http://{}", self.host);
        http(
            "POST",
            &format!("{}{path}", self.url),
            &[("X-Fundgap-Token", &self.token), ("Origin", &origin)],
            body,
        )
    }

    pub fn run(&self, setting: serde_json::Value) -> Reply {
        self.post("api/runs", setting.to_string().as_bytes())
    }

    /// Polls run `id` until it leaves the queue; its last state.
    pub fn wait(&self, id: u64) -> serde_json::Value {
        let guard = Instant::now();
        loop {
            let v = self.get(&format!("api/runs/{id}")).json();
            let state = v["state"].as_str().unwrap().to_string();
            if state != "queued" && state != "running" {
                return v;
            }
            // A guard against a hang, not a timing test.
            assert!(
                guard.elapsed() < Duration::from_secs(600),
                "run {id} never ended"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl-C; the process's output.
    pub fn stop(mut self) -> std::process::Output {
        interrupt(self.child.take().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `fundgap run SCENARIO --trials 4000 --seed 11 --confidence 0.8` with
/// `set`, from the repository, into `out`.
fn cli_run(scenario: &str, set: &[&str], out: &std::path::Path) {
    let out = out.to_string_lossy().to_string();
    let mut args = vec![
        "run",
        "-q",
        scenario,
        "--trials",
        "4000",
        "--seed",
        "11",
        "--confidence",
        "0.8",
        "--no-charts",
        "--out",
        &out,
    ];
    for s in set {
        args.extend(["--set", s]);
    }
    fundgap_ok(&args, &repo());
}

fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn serve_gives_exactly_the_numbers_of_fundgap_run_with_the_same_sets() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &repo());
    let set = [
        "service.shared-parking.funding.national-challenge-money.to=2021",
        "scenario.materiality_share=0.1",
    ];
    let r = server.run(serde_json::json!({
        "scenario": "daejeon-challenge", "set": set, "trials": 4000, "seed": 11,
        "confidence": 0.8, "client": "t", "slot": "main"
    }));
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["id"].as_u64().unwrap();
    let done = server.wait(id);
    assert_eq!(done["state"], "done", "{done}");
    let command = done["command"].as_str().unwrap();
    assert!(
        command.starts_with("fundgap run scenarios/daejeon-challenge.toml --trials 4000 --seed 11")
    );
    assert!(command.contains("--confidence 0.8"), "{command}");
    for s in set {
        assert!(command.contains(&format!("--set '{s}'")), "{command}");
    }
    let out = dir.path().join("cli");
    cli_run("scenarios/daejeon-challenge.toml", &set, &out);
    for file in ["horizon.csv", "yearly.csv"] {
        let api = server.get(&format!("api/runs/{id}/{file}"));
        assert_eq!(api.status, 200);
        let cli = std::fs::read(out.join(file)).unwrap();
        assert!(api.body == cli, "{file} differs from the CLI's");
    }
    // The page's figures are the report's: P(any gap) of the portfolio as
    // summary.json has it.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let page = &done["result"]["entities"][0];
    assert_eq!(page["id"], "portfolio");
    let cli_p = summary.to_string();
    let p = page["p_any_gap"]["estimate"].as_f64().unwrap();
    assert!(
        cli_p.contains(&serde_json::json!(p).to_string()),
        "P(any gap) {p} not in summary.json"
    );
    // The downloads are the run's own report files.
    let xlsx = server.get(&format!("api/runs/{id}/report.xlsx?lang=en"));
    assert!(xlsx.body.starts_with(b"PK\x03\x04"));
    assert!(xlsx.head.contains("attachment; filename=\"report.xlsx\""));
    let html = server
        .get(&format!("api/runs/{id}/report.html?lang=ko"))
        .text();
    assert!(html.contains("<html") && html.contains("lang=\"ko\""));
    // A language the reports are not written in is refused, as Python does.
    let fr = server.get(&format!("api/runs/{id}/report.xlsx?lang=fr"));
    assert_eq!(fr.status, 400, "{}", fr.text());
    assert!(
        fr.text().contains("use \\\"ko\\\" or \\\"en\\\""),
        "{}",
        fr.text()
    );
    let toml = server.get(&format!("api/runs/{id}/scenario.toml")).text();
    assert!(toml.contains("# --set scenario.materiality_share=0.1"));
    // The downloaded file has the changes written in: run alone, it gives
    // the page's numbers.
    assert!(
        toml.contains("the page's changes, its trials\n# and its seed written in"),
        "{toml}"
    );
    // The run's trials and seed are written in, so `fundgap run` needs no flag.
    assert!(
        toml.contains("trials = 4000") && toml.contains("seed = 11"),
        "{toml}"
    );
    let path = dir.path().join("dl.toml");
    std::fs::write(&path, &toml).unwrap();
    let alone = dir.path().join("alone");
    cli_run(&path.to_string_lossy(), &[], &alone);
    let api = server.get(&format!("api/runs/{id}/horizon.csv"));
    assert!(
        api.body == std::fs::read(alone.join("horizon.csv")).unwrap(),
        "the edited scenario gives other numbers"
    );
    assert_eq!(
        server
            .get(&format!("api/runs/{id}/../../etc/passwd"))
            .status,
        404
    );
    assert_eq!(server.get(&format!("api/runs/{id}/secret.txt")).status, 404);
}

#[test]
fn serve_refuses_changes_without_the_token_from_another_origin_or_host() {
    let server = Server::start(&[], &repo());
    let body = br#"{"scenario":"ucity-baseline","trials":1000}"#;
    let url = format!("{}api/runs", server.url);
    let none = http("POST", &url, &[], body);
    assert_eq!(none.status, 403, "{}", none.text());
    assert!(none.json()["error"].as_str().unwrap().contains("token"));
    let wrong = http("POST", &url, &[("X-Fundgap-Token", "0000")], body);
    assert_eq!(wrong.status, 403);
    let evil = http(
        "POST",
        &url,
        &[
            ("X-Fundgap-Token", &server.token),
            ("Origin", "http://evil.example"),
        ],
        body,
    );
    assert_eq!(evil.status, 403);
    // DNS rebinding: a page of another name that resolves here is refused.
    let rebound = http("GET", &server.url, &[("Host", "evil.example")], b"");
    assert_eq!(rebound.status, 421);
    let ok = server.post("api/runs", body);
    assert_eq!(ok.status, 202, "{}", ok.text());
    // Every answer forbids outside sources.
    let page = server.get("");
    let csp = page
        .head
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("content-security-policy")
        })
        .expect("a CSP header")
        .to_string();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert!(!page.text().contains("http://") && !page.text().contains("https://"));
}

#[test]
fn serve_answers_bad_input_with_a_clear_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.toml");
    std::fs::copy(repo().join("scenarios/sejong-5-1.toml"), &mine).unwrap();
    let server = Server::start(&["mine.toml"], dir.path());
    let list = server.get("api/scenarios").json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids[0], "file-mine", "{ids:?}");
    assert!(ids.contains(&"busan-eco-delta"));
    let bad = |setting: serde_json::Value, words: &str| {
        let r = server.run(setting);
        assert_eq!(r.status, 400, "{}", r.text());
        let e = r.json()["error"].as_str().unwrap().to_string();
        assert!(e.contains(words), "{e:?} does not say {words:?}");
    };
    bad(
        serde_json::json!({"scenario": "daejeon-challenge", "set": ["service.shared-parking.opex_ration=0.2"]}),
        "opex_ration",
    );
    bad(
        serde_json::json!({"scenario": "daejeon-challenge", "set": ["nonsense"]}),
        "PATH=VALUE",
    );
    bad(
        serde_json::json!({"scenario": "/etc/passwd"}),
        "no scenario `/etc/passwd`",
    );
    bad(
        serde_json::json!({"scenario": "daejeon-challenge", "trials": 0}),
        "trials",
    );
    bad(
        serde_json::json!({"scenario": "daejeon-challenge", "confidence": 1.5}),
        "confidence",
    );
    let r = server.post("api/runs", b"not json");
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("not a run request")
    );
    assert_eq!(
        server.get("api/scenarios/..%2F..%2Fetc%2Fpasswd").status,
        404
    );

    // Uploads: a broken file is told with its line; a good one is offered
    // under its own name only, never a path; an oversized one is refused.
    let broken = server.post(
        "api/scenarios?name=/tmp/x/broken.toml",
        b"[scenario]\nname = 3\n",
    );
    assert_eq!(broken.status, 400, "{}", broken.text());
    assert!(
        broken.json()["error"]
            .as_str()
            .unwrap()
            .contains("broken.toml")
    );
    let text = std::fs::read(repo().join("scenarios/bucheon-challenge.toml")).unwrap();
    let up = server.post("api/scenarios?name=../../secret/%3Cb%3Eours.toml", &text);
    assert_eq!(up.status, 201, "{}", up.text());
    let up = up.json();
    assert_eq!(up["label"], "<b>ours.toml");
    let id = up["id"].as_str().unwrap().to_string();
    assert!(
        id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{id}"
    );
    let described = server.get(&format!("api/scenarios/{id}")).json();
    assert_eq!(described["label"], "<b>ours.toml");
    let huge = vec![b'#'; (16 << 20) + 10];
    let r = server.post("api/scenarios?name=huge.toml", &huge);
    assert_eq!(r.status, 413, "{}", r.text());
    // Said as JSON, as every refusal is, for the page to show.
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("larger than 16 MiB")
    );
    assert!(!dir.path().join("huge.toml").exists() && !dir.path().join("secret").exists());
}

#[test]
fn serve_runs_an_uploaded_workbook_as_the_toml_it_stands_for() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("incheon.xlsx");
    fundgap_ok(
        &[
            "convert",
            &repo()
                .join("scenarios/incheon-challenge.toml")
                .to_string_lossy(),
            &book.to_string_lossy(),
        ],
        dir.path(),
    );
    let server = Server::start(&[], &repo());
    let up = server.post(
        "api/scenarios?name=incheon.xlsx",
        &std::fs::read(&book).unwrap(),
    );
    assert_eq!(up.status, 201, "{}", up.text());
    let id = up.json()["id"].as_str().unwrap().to_string();
    let setting = |scenario: &str| serde_json::json!({"scenario": scenario, "trials": 2000, "seed": 3, "client": scenario});
    let from_book = server.run(setting(&id)).json()["id"].as_u64().unwrap();
    let from_toml = server.run(setting("incheon-challenge")).json()["id"]
        .as_u64()
        .unwrap();
    assert_eq!(server.wait(from_book)["state"], "done");
    assert_eq!(server.wait(from_toml)["state"], "done");
    for file in ["horizon.csv", "yearly.csv"] {
        let a = server.get(&format!("api/runs/{from_book}/{file}"));
        let b = server.get(&format!("api/runs/{from_toml}/{file}"));
        assert!(a.status == 200 && a.body == b.body, "{file} differs");
    }
    // A workbook's problem is told at its cell.
    let mut bytes = std::fs::read(&book).unwrap();
    bytes.truncate(bytes.len() / 2);
    let broken = server.post("api/scenarios?name=broken.xlsx", &bytes);
    assert_eq!(broken.status, 400, "{}", broken.text());
    assert!(
        broken.json()["error"]
            .as_str()
            .unwrap()
            .contains("broken.xlsx")
    );
}

#[test]
fn serve_bounds_its_queue_and_a_newer_request_cancels_the_older() {
    let server = Server::start(&[], &repo());
    let big = |client: &str| serde_json::json!({"scenario": "ucity-baseline", "trials": 1_000_000, "client": client, "slot": "main"});
    let first = server.run(big("a")).json()["id"].as_u64().unwrap();
    // The same client and slot: the first is cancelled.
    let second = server.run(big("a")).json()["id"].as_u64().unwrap();
    assert_eq!(server.wait(first)["state"], "cancelled");
    let mut ids = vec![second];
    for c in ["b", "c", "d"] {
        let r = server.run(big(c));
        assert_eq!(r.status, 202, "{}", r.text());
        ids.push(r.json()["id"].as_u64().unwrap());
    }
    let full = server.run(big("e"));
    assert_eq!(full.status, 503, "{}", full.text());
    assert!(
        full.json()["error"]
            .as_str()
            .unwrap()
            .contains("already queued or running")
    );
    for id in &ids {
        assert_eq!(
            server.post(&format!("api/runs/{id}/cancel"), b"").status,
            200
        );
    }
    for id in &ids {
        assert_eq!(server.wait(*id)["state"], "cancelled");
    }
    // Room again.
    let r = server.run(serde_json::json!({"scenario": "ucity-baseline", "trials": 500}));
    assert_eq!(r.status, 202);
    let id = r.json()["id"].as_u64().unwrap();
    assert_eq!(server.wait(id)["state"], "done");
    let out = server.stop();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fundgap: stopped"));
}

#[test]
fn serve_warns_when_it_listens_beyond_this_computer_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundgap"))
        .args(["serve", "--no-open", "--port", "0", "--host", "0.0.0.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("http://0.0.0.0:"), "{line}");
    let out = interrupt(child);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: listening on 0.0.0.0"), "{err}");
    assert!(err.contains("fundgap: stopped"));
}
