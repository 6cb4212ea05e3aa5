//! `fundgap serve`: reads the named scenario files, starts the web app of
//! `fundgap-serve` and opens the browser on it; Ctrl-C stops it.

use fundgap::error::Result;

use super::args::ServeArgs;
use super::common::interrupt_flag;

pub(super) fn serve(args: &ServeArgs) -> Result<()> {
    let mut files = Vec::new();
    for path in &args.scenarios {
        let bytes = fundgap_report::input::read_bounded(
            path,
            fundgap::scenario::MAX_SCENARIO_BYTES,
            "scenario file",
        )?;
        files.push((path.display().to_string(), bytes));
    }
    if !args.host.is_loopback() {
        status!(
            "fundgap: warning: listening on {}: other computers that reach this address can use \
             the page and run simulations here; use it only on a network you trust",
            args.host
        );
    }
    let opts = fundgap_serve::Options {
        host: args.host,
        port: args.port,
        files,
    };
    // Ctrl-C sets the flag; the server then finishes its answers, cancels
    // the runs in progress and returns.
    let stop = interrupt_flag();
    let open = !args.no_open;
    fundgap_serve::serve(opts, stop, |url| {
        // The address on standard output, so a script (or a test) can read it.
        println!("{url}");
        status!("fundgap: serving on {url} — Ctrl-C to stop");
        if open && let Err(e) = webbrowser::open(url) {
            status!("fundgap: could not open a browser ({e}); open {url} yourself");
        }
    })?;
    status!("fundgap: stopped");
    Ok(())
}
