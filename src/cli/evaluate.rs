//! `fundgap evaluate` and `fundgap sensitivity`.

use std::path::Path;

use std::time::Instant;

use fundgap::error::Result;
use fundgap::model::Language;
use fundgap::stats::Report;
use fundgap_report::analysis_table as table;
use fundgap_report::charts::{self, ChartData, ChartOptions};
use fundgap_report::staging::Staging;
use fundgap_report::{html, workbook};

use super::args::*;
use super::common::*;

// Long by design: the command's steps (run, rate, drivers, files, charts,
// report, table) in order.
pub(super) fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let Loaded { model, label, stem } =
        load_run(args.scenario.as_deref(), &args.set, args.trials, args.seed)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-evaluation")));
    Staging::check(&out_dir)?;
    if !args.common.run.quiet {
        status!(
            "fundgap: evaluating {label} ({} trials)",
            fundgap::format::thousands(model.trials() as f64, 0)
        );
    }
    let started = Instant::now();
    let (acc, threads) = simulate(&model, &args.common.run, &stem)?;
    let report = Report::new(&model, &acc);
    let lang = Lang::or_scenario(args.lang, &model);
    let ev = fundgap::analysis::evaluate::evaluate(&model, &report, lang);
    let drivers = if args.no_sensitivity {
        None
    } else {
        let opts = fundgap::analysis::sensitivity::Options {
            sample: args.sample.min(model.trials().max(2)),
            oat_trials: args.oat_trials,
        };
        interrupt_ends_process();
        let (s, _) = with_threads(&args.common.run, || {
            fundgap::analysis::sensitivity::analyse(&model, opts, &|_| {})
        })?;
        Some(s?)
    };
    let info = run_info(label, &args.set, threads, started);
    let mut staging = Staging::new(&out_dir)?;
    staging.write("evaluation.json", &serde_json::to_vec_pretty(&ev)?)?;
    let csv = write_csv(
        &mut staging,
        &out_dir,
        "evaluation.csv",
        fundgap_report::analyses::evaluation_csv(&ev),
    )?;
    staging.write(
        "evaluation.md",
        fundgap_report::analyses::evaluation_markdown(&ev, drivers.as_ref(), lang).as_bytes(),
    )?;
    let sensitivity_csv = match &drivers {
        Some(d) => Some(write_sensitivity(
            &mut staging,
            &out_dir,
            d,
            &args.common,
            lang,
        )?),
        None => None,
    };
    if !args.no_xlsx {
        let w = fundgap_report::lang::Words(lang);
        let mut sheets: Vec<(&str, &[u8])> = vec![(w.t("evaluation", "평가 항목"), &csv)];
        if let Some(s) = &sensitivity_csv {
            sheets.push((w.t("sensitivity", "민감도"), s));
        }
        let book = workbook::evaluation_workbook(&ev, &sheets, &made_by(), lang)?;
        staging.write(workbook::FILE, &book)?;
    }
    if !args.no_html {
        // The page inlines its own SVG copies: the run's charts, then the
        // tornadoes, sized for a page.
        let mut svgs: Vec<(String, Vec<u8>)> = Vec::new();
        if !args.common.charts.no_charts {
            let page = ChartOptions::page(lang);
            let data = ChartData::new(&model, &report, lang);
            let text = serde_json::to_string(&data)? + &serde_json::to_string(&ev)?;
            charts::register_font(args.common.charts.font.as_deref(), &text, lang)?;
            charts::draw_all(&data, &page, &mut svgs)?;
            if let Some(d) = &drivers {
                charts::draw_tornadoes(d, &page, &mut svgs)?;
            }
        }
        let page =
            html::evaluation_html(&model, &report, &info, lang, &ev, drivers.as_ref(), &svgs);
        staging.write(html::FILE, page.as_bytes())?;
    }
    let written = staging.commit()?;
    emit(&table::scorecard(&ev, drivers.as_ref(), lang))?;
    if !args.common.run.quiet {
        status!(
            "fundgap: evaluated in {:.2} s; wrote {} to {}",
            started.elapsed().as_secs_f64(),
            file_names(&written),
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
    Staging::check(&out_dir)?;
    let opts = fundgap::analysis::sensitivity::Options {
        sample: args.sample,
        oat_trials: args.oat_trials,
    };
    let n_inputs = model.uncertain_inputs().len() as u64;
    if !args.common.run.quiet {
        status!("fundgap: sensitivity of {label}: {n_inputs} uncertain inputs");
    }
    let started = Instant::now();
    let lang = Lang::or_scenario(args.lang, &model);
    let tornado = args.method != Method::Sobol;
    let sobol = args.method != Method::Tornado;
    let result = if tornado {
        let pb = progress_bar(n_inputs, args.common.run.quiet);
        let (result, _) = with_threads(&args.common.run, || {
            fundgap::analysis::sensitivity::analyse(&model, opts, &|n| pb.inc(n))
        })?;
        pb.finish_and_clear();
        Some(result?)
    } else {
        None
    };
    let indices = if sobol {
        let o = fundgap::analysis::sobol::Options {
            base: args.sobol_trials,
            ..Default::default()
        };
        refuse_absurd_runs(&model, o.base * (n_inputs + 2), &args.common.run)?;
        let pb = progress_bar(o.base, args.common.run.quiet);
        pb.set_message("Sobol");
        let (r, _) = with_threads(&args.common.run, || {
            fundgap::analysis::sobol::analyse(&model, o, &|n| pb.inc(n))
        })?;
        pb.finish_and_clear();
        let r = r?;
        warn_impossible_indices(&r, args.sobol_trials, args.common.run.quiet);
        Some(r)
    } else {
        None
    };
    let mut staging = Staging::new(&out_dir)?;
    if let Some(r) = &result {
        write_sensitivity(&mut staging, &out_dir, r, &args.common, lang)?;
    }
    if let Some(s) = &indices {
        write_csv(
            &mut staging,
            &out_dir,
            "sobol.csv",
            fundgap_report::analyses::sobol_csv(s),
        )?;
        let json = serde_json::to_string_pretty(s)?;
        staging.write("sobol.json", json.as_bytes())?;
        if !args.common.charts.no_charts {
            charts::register_font(args.common.charts.font.as_deref(), &json, lang)?;
            let opts = ChartOptions::in_language(lang);
            charts::draw_sobol(s, &opts, &mut staging)?;
        }
    }
    let written = staging.commit()?;
    if let Some(r) = &result {
        emit(&table::sensitivity(r, 5, lang))?;
    }
    if let Some(s) = &indices {
        emit(&table::sobol(s, 5, lang))?;
    }
    said_done(args.common.run.quiet, started, &written, &out_dir);
    Ok(())
}

/// Says when Sobol estimates fall outside 0..1, where no index can be: the
/// sample is too small for the estimators' noise (the indices and their
/// intervals are still written, as estimated).
fn warn_impossible_indices(s: &fundgap::analysis::sobol::Sobol, rows: u64, quiet: bool) {
    // Beyond a rounding's worth: estimates a little below 0 are usual
    // for an input that does not matter.
    const SLACK: f64 = 0.05;
    let estimates: Vec<f64> = s
        .entities
        .iter()
        .flat_map(|e| e.gap_npv.iter().chain(&e.any_gap))
        .flat_map(|i| [i.first, i.total])
        .filter(|x| x.is_finite())
        .collect();
    let outside = estimates
        .iter()
        .filter(|x| **x < -SLACK || **x > 1.0 + SLACK)
        .count();
    if outside == 0 || quiet {
        return;
    }
    let largest = estimates.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    status!(
        "fundgap: warning: {outside} Sobol index estimate(s) fall outside 0..1 (up to {largest:.2}), \
         where no index can be: with --sobol-trials {rows} the estimators' noise is larger \
         than the indices. Raise --sobol-trials (2,000 or more); sobol.csv gives each \
         estimate's 95% interval"
    );
}

/// Writes `sensitivity.csv`, `.json` and (unless `--no-charts`) the
/// tornado charts in `lang`; returns the CSV bytes for a workbook.
pub(super) fn write_sensitivity(
    staging: &mut Staging,
    out_dir: &Path,
    result: &fundgap::analysis::sensitivity::Sensitivity,
    common: &CommonOpts,
    lang: Language,
) -> Result<Vec<u8>> {
    let csv = write_csv(
        staging,
        out_dir,
        "sensitivity.csv",
        fundgap_report::analyses::sensitivity_csv(result),
    )?;
    let json = serde_json::to_string_pretty(result)?;
    staging.write("sensitivity.json", json.as_bytes())?;
    if !common.charts.no_charts {
        charts::register_font(common.charts.font.as_deref(), &json, lang)?;
        let opts = ChartOptions::in_language(lang);
        charts::draw_tornadoes(result, &opts, staging)?;
    }
    Ok(csv)
}
