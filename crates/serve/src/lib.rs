//! `fundgap serve`: a local web app for what-if questions. A thin shell
//! over `fundgap-core` and `fundgap-report`: it compiles a scenario with
//! `--set` overrides exactly as `fundgap run` does, runs the engine, and
//! gives the page the report's figures and the report's own files.
//!
//! `catalog` (the scenarios on offer: shipped, named, uploaded),
//! `describe` (a scenario's services and streams for the page's forms),
//! `runs` (the bounded queue, one run at a time, cancellation), `view`
//! (a run as JSON), `page` (the embedded page), `api` (routes, the guard:
//! Host, token, origin, security headers).

pub mod api;
pub mod catalog;
pub mod describe;
pub mod edit;
pub mod page;
pub mod runs;
pub mod view;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use fundgap::error::{Error, Result};

/// How a server starts.
#[derive(Debug)]
pub struct Options {
    /// The address to listen on (127.0.0.1 unless asked otherwise).
    pub host: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Scenario files named on the command line: (label as typed, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// Runs a server until `stop` is set (the shell's Ctrl-C flag): binds,
/// calls `ready` with the page's URL, answers until stopped, cancels the
/// runs in progress and returns once every connection is closed.
pub fn serve(opts: Options, stop: &'static AtomicBool, ready: impl FnOnce(&str)) -> Result<()> {
    let catalog = catalog::Catalog::new(opts.files)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    rt.block_on(async move {
        let addr = SocketAddr::new(opts.host, opts.port);
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Error::Usage(format!(
                "cannot listen on {addr}: {e} (is another fundgap serve running? --port 0 picks a free port)"
            ))
        })?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
        let shared = Arc::new(api::Shared {
            catalog,
            runs: runs::Runs::default(),
            token: token()?,
            hosts: hosts(bound),
        });
        let url = match bound.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}/", bound.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}/", bound.port()),
        };
        ready(&url);
        let on_stop = shared.clone();
        axum::serve(listener, api::router(shared))
            .with_graceful_shutdown(async move {
                while !stop.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                on_stop.runs.cancel_all();
            })
            .await
            .map_err(|e| Error::Usage(format!("the server stopped: {e}")))
    })
}

/// The Host headers a request may carry: the bound address, and
/// `localhost` for a loopback one; any (an empty list) when listening on
/// every address (`--host 0.0.0.0`), where the page is reached by names
/// this process cannot know and the shell has warned.
fn hosts(bound: SocketAddr) -> Vec<String> {
    if bound.ip().is_unspecified() {
        return Vec::new();
    }
    let port = bound.port();
    let mut h = vec![match bound.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{port}"),
        IpAddr::V4(ip) => format!("{ip}:{port}"),
    }];
    if bound.ip().is_loopback() {
        h.extend([
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ]);
    }
    h
}

/// A random token of 32 bytes in hex, new for each process.
fn token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|e| Error::Usage(format!("no random numbers for the page's token: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}
