//! Any bytes as a scenario file: parsing, validation and compiling must
//! return a model or a list of problems, never panic; a model that
//! compiles must simulate a few trials without panicking (a non-finite
//! amount is reported as a fault, not a crash). Overrides are fuzzed too:
//! the input's last line, if it looks like PATH=VALUE, is applied as --set.
//!
//! cargo +nightly fuzz run scenario -- -max_total_time=1800

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (body, set) = match text.rsplit_once('\n') {
        Some((body, last)) if last.contains('=') && !last.contains('[') => {
            match fundgap::scenario::Override::parse(last) {
                Ok(o) => (body, vec![o]),
                Err(_) => (text, Vec::new()),
            }
        }
        _ => (text, Vec::new()),
    };
    let Ok(mut model) = fundgap::scenario::parse_with(body, "fuzz.toml", &set) else {
        return;
    };
    // Keep each input fast: a few trials over a bounded horizon.
    if model.horizon() * model.services().len() > 20_000 {
        return;
    }
    model.set_run(Some(3), None);
    let engine = fundgap::engine::Engine::new(&model);
    let acc = fundgap::stats::run_all(&engine);
    if acc.check(&model).is_ok() {
        let _ = fundgap::stats::Report::new(&model, &acc);
    }
    let _ = fundgap::scenario::variant_models(body, "fuzz.toml", &set);
});
