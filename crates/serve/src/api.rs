//! The HTTP surface: the page and its assets, the JSON API, downloads,
//! and the guard every request passes — the Host it names must be this
//! server's (no DNS rebinding), and a state-changing request must carry
//! the page's per-process token and come from the page's own origin.
//! Every response forbids outside sources (Content-Security-Policy).
//!
//! The routes (JSON unless said):
//! - `GET /`, `/app.js`, `/style.css`: the page;
//! - `GET /api/scenarios`: the scenarios on offer (id, name, label, origin);
//!   `POST /api/scenarios?name=FILE` with a TOML or .xlsx body: an upload;
//! - `GET /api/scenarios/{id}`: its services, streams and money unit;
//! - `POST /api/runs` with `{scenario, set: ["PATH=VALUE", ..], trials,
//!   seed, confidence, client, slot}`: a run queued (202), a bad setting
//!   (400) or a full queue (503); `GET /api/runs/{id}`: its state,
//!   progress and, once done, its figures and command;
//!   `POST /api/runs/{id}/cancel`;
//! - `GET /api/runs/{id}/{file}?lang=ko|en`: `report.xlsx`, `report.html`,
//!   `scenario.toml` or any file `fundgap run` writes as a table
//!   (`horizon.csv`, `yearly.csv`, `summary.json`, `plan.csv`, `charts.json`).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use fundgap::model::Language;
use fundgap_report::output::{Output, Printed, RunOutput, Settings};

use crate::catalog::{Catalog, MAX_UPLOAD_BYTES};
use crate::runs::{Refused, Runs, Setting, State as RunState};
use crate::{describe, page, view};

/// The header a state-changing request carries the page's token in.
pub const TOKEN_HEADER: &str = "x-fundgap-token";

/// Largest JSON body of a run request.
const MAX_JSON_BYTES: usize = 64 << 10;

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    pub catalog: Catalog,
    pub runs: Runs,
    /// The per-process token the page carries.
    pub token: String,
    /// The `host:port` values a request may name in its Host header
    /// (empty: any).
    pub hosts: Vec<String>,
}

type App = State<Arc<Shared>>;

/// The router of a server.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(index))
        .route(
            "/app.js",
            get(|| async { asset(page::APP_JS, "text/javascript") }),
        )
        .route(
            "/style.css",
            get(|| async { asset(page::STYLE_CSS, "text/css") }),
        )
        .route(
            "/api/scenarios",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 1)),
        )
        .route("/api/scenarios/{id}", get(scenario))
        .route(
            "/api/runs",
            post(start).layer(DefaultBodyLimit::max(MAX_JSON_BYTES)),
        )
        .route("/api/runs/{id}", get(status))
        .route("/api/runs/{id}/cancel", post(cancel))
        .route("/api/runs/{id}/{file}", get(download))
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// A JSON error with `status`.
fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": message.to_string() })),
    )
        .into_response()
}

/// The checks and headers of every request (see the module's doc).
async fn guard(State(s): App, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if !s.hosts.is_empty() && !s.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
        return error(
            StatusCode::MISDIRECTED_REQUEST,
            format!("this server does not answer for host `{host}`"),
        );
    }
    if req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD {
        let token_ok = headers
            .get(TOKEN_HEADER)
            .and_then(|t| t.to_str().ok())
            .is_some_and(|t| constant_time_eq(t.as_bytes(), s.token.as_bytes()));
        let origin_ok = headers
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .is_none_or(|o| o.eq_ignore_ascii_case(&format!("http://{host}")));
        if !token_ok || !origin_ok {
            return error(
                StatusCode::FORBIDDEN,
                "refused: a change must come from fundgap's own page (token or origin missing or wrong); reload the page",
            );
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Whether `a` and `b` are equal, in time that does not depend on where
/// they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn asset(text: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], text).into_response()
}

async fn index(State(s): App) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page::index(&s.token),
    )
        .into_response()
}

async fn list(State(s): App) -> Response {
    let list: Vec<_> = s
        .catalog
        .list()
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id, "name": e.name, "label": e.label, "origin": e.origin
            })
        })
        .collect();
    Json(list).into_response()
}

#[derive(Debug, Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    /// The language asked for, Korean when none is; an unknown one is
    /// refused, as the Python API and the command line refuse it.
    fn lang(&self) -> Result<Language, String> {
        match self.lang.as_deref() {
            Some("en") => Ok(Language::En),
            None | Some("ko") => Ok(Language::Ko),
            Some(other) => Err(format!("lang: use \"ko\" or \"en\", not \"{other}\"")),
        }
    }
}

async fn scenario(State(s): App, Path(id): Path<String>) -> Response {
    match s.catalog.get(&id) {
        Err(e) => error(StatusCode::NOT_FOUND, e),
        // Money in 억 원 in either language: the page's users budget in it.
        Ok(entry) => match describe::describe(&entry, true) {
            Ok(d) => Json(d).into_response(),
            Err(e) => error(StatusCode::BAD_REQUEST, e),
        },
    }
}

#[derive(Debug, Deserialize)]
struct UploadQuery {
    name: Option<String>,
}

async fn upload(
    State(s): App,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    // A body over the limit is refused before it is read: said as JSON,
    // as every other refusal, for the page to show.
    let body = match body {
        Ok(b) => b,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the file is larger than {} MiB, more than any scenario could be",
                    MAX_UPLOAD_BYTES >> 20
                ),
            );
        }
        Err(r) => return error(r.status(), r.body_text()),
    };
    let name = q.name.unwrap_or_default();
    let shared = s.clone();
    let res =
        tokio::task::spawn_blocking(move || shared.catalog.upload(&name, body.to_vec())).await;
    match res {
        Ok(Ok(e)) => (
            StatusCode::CREATED,
            Json(serde_json::json!({
                "id": e.id, "name": e.name, "label": e.label, "origin": e.origin
            })),
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

async fn start(State(s): App, body: Bytes) -> Response {
    let setting: Setting = match serde_json::from_slice(&body) {
        Ok(x) => x,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("not a run request: {e}")),
    };
    let shared = s.clone();
    let res =
        tokio::task::spawn_blocking(move || shared.runs.submit(&shared.catalog, &setting)).await;
    match res {
        Ok(Ok(run)) => (StatusCode::ACCEPTED, Json(view::run_view(&run))).into_response(),
        Ok(Err(Refused::Busy)) => error(StatusCode::SERVICE_UNAVAILABLE, Refused::Busy),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

async fn status(State(s): App, Path(id): Path<u64>) -> Response {
    match s.runs.get(id) {
        Some(run) => Json(view::run_view(&run)).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("no run {id} (finished runs are kept a while)"),
        ),
    }
}

async fn cancel(State(s): App, Path(id): Path<u64>) -> Response {
    match s.runs.get(id) {
        Some(run) => {
            run.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
            Json(view::run_view(&run)).into_response()
        }
        None => error(StatusCode::NOT_FOUND, format!("no run {id}")),
    }
}

async fn download(
    State(s): App,
    Path((id, file)): Path<(u64, String)>,
    Query(q): Query<LangQuery>,
) -> Response {
    let Some(run) = s.runs.get(id) else {
        return error(StatusCode::NOT_FOUND, format!("no run {id}"));
    };
    let RunState::Done(f) = run.state() else {
        return error(StatusCode::CONFLICT, format!("run {id} has not finished"));
    };
    let lang = match q.lang() {
        Ok(lang) => lang,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let command = run.command.clone();
    let name = file.clone();
    let made = tokio::task::spawn_blocking(
        move || -> fundgap::error::Result<Option<(Vec<u8>, &'static str)>> {
            let out = RunOutput::new(&f.model, &f.report, &f.info, lang, Printed::Table);
            let kind = |name: &str| match name.rsplit('.').next() {
                Some("csv") => "text/csv; charset=utf-8",
                Some("json") => "application/json",
                Some("html") => "text/html; charset=utf-8",
                Some("toml") => "application/toml; charset=utf-8",
                _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            };
            Ok(match file.as_str() {
                "report.xlsx" => {
                    let files = out.files(lang)?;
                    let settings = Settings {
                        lang,
                        workbook: true,
                        html: true,
                        charts: true,
                        font: None,
                        made_by: vec![
                            ("fundgap version", env!("CARGO_PKG_VERSION").to_string()),
                            ("command", command),
                        ],
                    };
                    out.workbook(&files, &settings)?.map(|b| (b, kind(&file)))
                }
                "report.html" => out.html(lang, true)?.map(|p| (p.into_bytes(), kind(&file))),
                "scenario.toml" => Some((
                    page::edited_scenario(&f, &command).into_bytes(),
                    kind(&file),
                )),
                name => out
                    .files(lang)?
                    .into_iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, b)| (b, kind(name))),
            })
        },
    )
    .await;
    match made {
        Ok(Ok(Some((bytes, kind)))) => {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            // The names are this handler's own (matched above), never the
            // client's text.
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            (h, Body::from(bytes)).into_response()
        }
        Ok(Ok(None)) => error(
            StatusCode::NOT_FOUND,
            "a run has report.xlsx, report.html, scenario.toml, yearly.csv, horizon.csv, summary.json, charts.json and plan.csv",
        ),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}
