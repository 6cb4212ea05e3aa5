//! `fundgap discover`: the combinations of inputs that lead to a gap.

use std::time::Instant;

use fundgap::analysis::discover::{Options, discover as find};
use fundgap::error::Result;
use fundgap_report::html::Made;
use fundgap_report::output::DiscoveryOutput;
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

pub(super) fn discover(args: &DiscoverArgs) -> Result<()> {
    let cancel = interrupt_flag();
    let Loaded {
        mut model,
        label,
        stem,
    } = load(args.scenario.as_deref(), &args.changes.set)?;
    model.set_run(Some(args.trials), args.changes.seed);
    let out_dir = out_dir(args.out.as_deref(), &format!("{stem}-discovery"));
    let lang = Lang::or_scenario(args.lang, &model);
    Staging::check(&out_dir)?;
    let quiet = args.common.run.quiet;
    if !quiet {
        say!(
            lang,
            "fundgap: discovering what leads {label} to a gap ({} trials)",
            "fundgap: {label}에서 재원 부족으로 이어지는 조건을 찾는 중 (시행 {}회)",
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
    let (result, threads) = with_threads(&args.common.run, lang, || find(&model, &opts, cancel))?;
    let result = result?;
    let info = run_info(label, &args.changes.set, threads, started);
    let delivery = Delivery {
        out_dir,
        settings: settings(lang, false, !args.no_html, &args.common.charts),
        quiet,
        started,
    };
    let done = in_lang!(
        lang,
        "{} trials searched",
        "시행 {}회 탐색",
        fundgap::format::thousands(args.trials as f64, 0)
    );
    let output = DiscoveryOutput {
        result: &result,
        made: Made {
            model: &model,
            info: &info,
            command: command_line(),
        },
    };
    deliver(&output, &delivery, &done)?;
    Ok(())
}
