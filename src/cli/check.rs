//! `fundgap check`: validate and describe without simulating.

use crate::report::check as describe;
use fundgap::error::Result;
use fundgap::scenario;

use super::args::*;
use super::common::*;

pub(super) fn check(args: &CheckArgs) -> Result<()> {
    let (text, label, _) = load_text(Some(&args.scenario))?;
    let model = scenario::parse_with(&text, &label, &args.set)?;
    // Every [[variant]] must itself make a valid scenario, as `compare`
    // will require: a bad path, value or combination is reported here.
    let variants = if model.variants().is_empty() {
        String::new()
    } else {
        let v = scenario::variant_models(&text, &label, &args.set)?;
        format!("  {} variants, each a valid scenario\n", v.len())
    };
    // Say what was changed, so a description is never mistaken for the
    // file's own.
    let overridden = if args.set.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = args
            .set
            .iter()
            .map(|o| format!("{}={}", o.path, o.value))
            .collect();
        format!("  with --set applied: {}\n", list.join(", "))
    };
    let threads = rayon::current_num_threads();
    let estimate = format!(
        "  a run of {} trials: about {} on {threads} thread(s) (~{NS_PER_SERVICE_YEAR:.0} ns per service-year), memory up to about {:.0} MB whatever the trial count\n  random draws on this CPU: {} kernels (FUNDGAP_SIMD=portable forces the baseline; results are the same bits)\n",
        fundgap::format::thousands(model.trials() as f64, 0),
        duration_words(estimated_seconds(&model, model.trials(), threads)),
        memory_bound_mb(&model, threads),
        fundgap::model::rng::lanes::instruction_set(),
    );
    emit(&(describe::describe(&model, &label) + &overridden + &variants + &estimate))?;
    Ok(())
}
