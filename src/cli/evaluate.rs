//! `fundgap evaluate` and `fundgap sensitivity`.

use std::path::Path;

use std::time::Instant;

use crate::report::charts::{self, ChartOptions};
use crate::report::staging::Staging;
use crate::report::table;
use fundgap::error::Result;
use fundgap::stats::Report;

use super::args::*;
use super::common::*;

pub(super) fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let Loaded { model, label, stem } =
        load_run(args.scenario.as_deref(), &args.set, args.trials, args.seed)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-evaluation")));
    if !args.common.run.quiet {
        eprintln!(
            "fundgap: evaluating {label} ({} trials)",
            fundgap::format::thousands(model.trials() as f64, 0)
        );
    }
    let started = Instant::now();
    let (acc, _) = simulate(&model, &args.common.run, &stem)?;
    let report = Report::new(&model, &acc);
    let ev = fundgap::analysis::evaluate::evaluate(&model, &report);
    let drivers = if args.no_sensitivity {
        None
    } else {
        let opts = fundgap::analysis::sensitivity::Options {
            sample: args.sample.min(model.trials().max(2)),
            oat_trials: args.oat_trials,
        };
        interrupt_ends_process();
        let (s, _) = with_threads(args.common.run.threads, || {
            fundgap::analysis::sensitivity::analyse(&model, opts, &|_| {})
        })?;
        Some(s?)
    };
    let mut staging = Staging::new(&out_dir)?;
    staging.write("evaluation.json", &serde_json::to_vec_pretty(&ev)?)?;
    let csv = write_csv(
        &mut staging,
        &out_dir,
        "evaluation.csv",
        crate::report::analyses::evaluation_csv(&ev),
    )?;
    if !args.no_xlsx {
        let sheets: [(&str, &[u8]); 1] = [("evaluation", &csv)];
        let book = crate::report::workbook::tables_workbook("evaluation", &sheets, &made_by())?;
        staging.write(crate::report::workbook::FILE, &book)?;
    }
    staging.write(
        "evaluation.md",
        crate::report::analyses::evaluation_markdown(&ev, drivers.as_ref()).as_bytes(),
    )?;
    if let Some(d) = &drivers {
        write_sensitivity(
            &mut staging,
            &out_dir,
            d,
            args.common.no_charts,
            args.common.font.as_deref(),
        )?;
    }
    staging.commit()?;
    emit(&table::scorecard(&ev, drivers.as_ref()))?;
    if !args.common.run.quiet {
        eprintln!(
            "fundgap: evaluated in {:.2} s; wrote evaluation.json, evaluation.csv, evaluation.md{} to {}",
            started.elapsed().as_secs_f64(),
            if drivers.is_some() {
                ", sensitivity.csv and tornado charts"
            } else {
                ""
            },
            out_dir.display()
        );
    }
    Ok(())
}

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<()> {
    interrupt_ends_process();
    let Loaded {
        mut model,
        label,
        stem,
    } = load(args.scenario.as_deref(), &args.set)?;
    model.set_run(Some(model.trials().max(args.sample)), args.seed);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-sensitivity")));
    let opts = fundgap::analysis::sensitivity::Options {
        sample: args.sample,
        oat_trials: args.oat_trials,
    };
    let n_inputs = model.inputs().iter().filter(|(_, q)| !q.is_fixed()).count() as u64;
    if !args.common.run.quiet {
        eprintln!("fundgap: sensitivity of {label}: {n_inputs} uncertain inputs");
    }
    let started = Instant::now();
    let pb = progress_bar(n_inputs, args.common.run.quiet);
    let (result, _) = with_threads(args.common.run.threads, || {
        fundgap::analysis::sensitivity::analyse(&model, opts, &|n| pb.inc(n))
    })?;
    pb.finish_and_clear();
    let result = result?;
    let mut staging = Staging::new(&out_dir)?;
    write_sensitivity(
        &mut staging,
        &out_dir,
        &result,
        args.common.no_charts,
        args.common.font.as_deref(),
    )?;
    staging.commit()?;
    emit(&table::sensitivity(&result, 5))?;
    if !args.common.run.quiet {
        eprintln!(
            "fundgap: done in {:.2} s; wrote sensitivity.csv, sensitivity.json{} to {}",
            started.elapsed().as_secs_f64(),
            if args.common.no_charts {
                ""
            } else {
                " and tornado charts"
            },
            out_dir.display()
        );
    }
    Ok(())
}

pub(super) fn write_sensitivity(
    staging: &mut Staging,
    out_dir: &Path,
    result: &fundgap::analysis::sensitivity::Sensitivity,
    no_charts: bool,
    font: Option<&Path>,
) -> Result<()> {
    write_csv(
        staging,
        out_dir,
        "sensitivity.csv",
        crate::report::analyses::sensitivity_csv(result),
    )?;
    let json = serde_json::to_string_pretty(result)?;
    staging.write("sensitivity.json", json.as_bytes())?;
    if !no_charts {
        charts::register_font(font, &json, fundgap::model::Language::En)?;
        charts::draw_tornadoes(result, &ChartOptions::default(), staging)?;
    }
    Ok(())
}
