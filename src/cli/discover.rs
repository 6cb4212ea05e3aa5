//! `fundgap discover`: the combinations of inputs that lead to a gap.

use std::path::Path;
use std::time::Instant;

use fundgap::analysis::discover::{Options, discover as find};
use fundgap::error::Result;
use fundgap_report::charts::{self, ChartOptions};
use fundgap_report::staging::Staging;
use fundgap_report::{analyses, analysis_table};

use super::args::*;
use super::common::*;

pub(super) fn discover(args: &DiscoverArgs) -> Result<()> {
    interrupt_ends_process();
    let Loaded {
        mut model,
        label,
        stem,
    } = load(args.scenario.as_deref(), &args.set)?;
    model.set_run(Some(args.trials), args.seed);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-discovery")));
    Staging::check(&out_dir)?;
    let quiet = args.common.run.quiet;
    if !quiet {
        status!(
            "fundgap: discovering what leads {label} to a gap ({} trials)",
            fundgap::format::thousands(args.trials as f64, 0)
        );
    }
    refuse_absurd_runs(&model, args.trials, &args.common.run)?;
    let started = Instant::now();
    let opts = Options {
        trials: args.trials,
        alpha: args.alpha,
        min_support: args.min_support,
        min_coverage: args.min_coverage,
    };
    let (result, _) = with_threads(&args.common.run, || find(&model, &opts))?;
    let result = result?;
    let lang = Lang::or_scenario(args.lang, &model);
    let mut staging = Staging::new(&out_dir)?;
    write_csv(
        &mut staging,
        &out_dir,
        "discovery.csv",
        analyses::discovery_csv(&result),
    )?;
    let json = serde_json::to_string_pretty(&result)?;
    staging.write("discovery.json", json.as_bytes())?;
    if !args.common.charts.no_charts {
        charts::register_font(args.common.charts.font.as_deref(), &json, lang)?;
        let opts = ChartOptions::in_language(lang);
        charts::draw_discovery(&result, &opts, &mut staging)?;
    }
    let written = staging.commit()?;
    emit(&analysis_table::discovery(&result, lang))?;
    said_done(quiet, started, &written, &out_dir);
    Ok(())
}
