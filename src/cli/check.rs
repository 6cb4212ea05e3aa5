//! `fundgap check`: validate and describe without simulating.

use crate::report::check as describe;
use fundgap::error::Result;

use super::args::*;
use super::common::*;

pub(super) fn check(args: &CheckArgs) -> Result<()> {
    let loaded = load(Some(&args.scenario), &args.set)?;
    let model = &loaded.model;
    let threads = rayon::current_num_threads();
    let estimate = format!(
        "  a run of {} trials: about {} on {threads} thread(s) (~150 ns per service-year); memory does not grow with trials\n",
        fundgap::format::thousands(model.trials() as f64, 0),
        duration_words(estimated_seconds(model, threads)),
    );
    emit(&(describe::describe(model, &loaded.label) + &estimate))?;
    Ok(())
}
