//! `fundgap compare`: variants on common random numbers.

use std::time::Instant;

use fundgap::error::{Error, Result};
use fundgap::scenario::{self};
use fundgap_report::output::CompareOutput;
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

pub(super) fn compare(args: &CompareArgs) -> Result<()> {
    interrupt_ends_process();
    use fundgap::analysis::compare::{Input, run};
    let mut inputs = Vec::new();
    let mut stem = String::new();
    if let [single] = args.scenarios.as_slice() {
        let (text, label, s) = load_text(Some(single))?;
        stem = s;
        for (v, model) in scenario::variant_models(&text, &label, &args.changes.set)? {
            inputs.push(Input {
                name: v.name,
                description: v.description,
                model,
            });
        }
        if inputs.len() < 2 {
            return Err(Error::Usage(format!(
                "{label} declares {} [[variant]] table(s); a comparison needs at least two (or give several scenario files)",
                inputs.len()
            )));
        }
    } else {
        for p in &args.scenarios {
            let (text, label, s) = load_text(Some(p))?;
            if stem.is_empty() {
                stem = s.clone();
            }
            let model = scenario::parse_with(&text, &label, &args.changes.set)?;
            if !model.variants().is_empty() {
                return Err(Error::Usage(format!(
                    "{label} declares {} [[variant]] table(s), which a comparison of several files would leave out; \
                     compare its variants alone (fundgap compare {label}), or give files without variants",
                    model.variants().len()
                )));
            }
            inputs.push(Input {
                name: s,
                description: model.description().map(str::to_string),
                model,
            });
        }
    }
    inputs[0].model.set_run(args.trials, args.changes.seed);
    let trials = inputs[0].model.trials();
    let out_dir = out_dir(args.out.as_deref(), &format!("{stem}-compare"));
    Staging::check(&out_dir)?;
    if !args.common.run.quiet {
        status!(
            "fundgap: comparing {} variants on {} common trials",
            inputs.len(),
            fundgap::format::thousands(trials as f64, 0)
        );
    }
    let started = Instant::now();
    let pb = progress_bar(trials, args.common.run.quiet);
    let (result, _) = with_threads(&args.common.run, || {
        run(
            &inputs,
            args.service.as_deref(),
            args.baseline.as_deref(),
            Some(args.confidence),
            &|n| pb.inc(n),
        )
    })?;
    pb.finish_and_clear();
    let result = result?;

    let base = &inputs[0].model;
    let delivery = Delivery {
        out_dir,
        settings: settings(
            Lang::or_scenario(args.lang, base),
            !args.no_xlsx,
            !args.no_html,
            &args.common.charts,
        ),
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
        &format!(
            "{} variants x {} trials",
            inputs.len(),
            fundgap::format::thousands(trials as f64, 0)
        ),
    )?;
    Ok(())
}
