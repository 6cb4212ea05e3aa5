//! `fundgap compare`: variants on common random numbers.

use std::time::Instant;

use fundgap::error::Result;
use fundgap_report::output::CompareOutput;
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

pub(super) fn compare(args: &CompareArgs) -> Result<()> {
    let cancel = interrupt_flag();
    use fundgap::analysis::compare::{Source, check, inputs, run};
    let mut files = Vec::new();
    for p in &args.scenarios {
        files.push(load_text(Some(p))?);
    }
    let stem = files.first().map(|f| f.2.clone()).unwrap_or_default();
    let sources: Vec<Source> = files
        .iter()
        .map(|(text, label, stem)| Source {
            text,
            label,
            stem,
            own: &[],
        })
        .collect();
    let mut inputs = inputs(&sources, &args.changes.set)?;
    inputs[0].model.set_run(args.trials, args.changes.seed);
    let trials = inputs[0].model.trials();
    let out_dir = out_dir(args.out.as_deref(), &format!("{stem}-compare"));
    let lang = Lang::or_scenario(args.lang, &inputs[0].model);
    Staging::check(&out_dir)?;
    let service = service_id(&inputs[0].model, args.service.as_deref());
    check(&inputs, service.as_deref(), args.baseline.as_deref())?;
    if !args.common.run.quiet {
        say!(
            lang,
            "fundgap: comparing {} variants on {} common trials",
            "fundgap: 대안 {}개 비교 중 — 공통 시행 {}회",
            inputs.len(),
            fundgap::format::thousands(trials as f64, 0)
        );
    }
    let started = Instant::now();
    let pb = progress_bar(trials, args.common.run.quiet);
    let (result, _) = with_threads(&args.common.run, lang, || {
        run(
            &inputs,
            service.as_deref(),
            args.baseline.as_deref(),
            Some(args.confidence),
            &|n| pb.inc(n),
            cancel,
        )
    })?;
    pb.finish_and_clear();
    let result = result?;

    let base = &inputs[0].model;
    let delivery = Delivery {
        out_dir,
        settings: settings(lang, !args.no_xlsx, !args.no_html, &args.common.charts),
        quiet: args.common.run.quiet,
        started,
    };
    let output = CompareOutput {
        result: &result,
        years: (0..base.horizon()).map(|t| base.year(t)).collect(),
        command: command_line(),
    };
    deliver(
        &output,
        &delivery,
        &in_lang!(
            lang,
            "{} variants x {} trials",
            "대안 {}개 × 시행 {}회",
            inputs.len(),
            fundgap::format::thousands(trials as f64, 0)
        ),
    )?;
    Ok(())
}
