//! `fundgap evaluate` and `fundgap sensitivity`.

use std::time::Instant;

use fundgap::error::Result;
use fundgap::model::Language;
use fundgap::stats::Report;
use fundgap_report::html::Made;
use fundgap_report::output::{EvaluationOutput, SensitivityOutput};
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

pub(super) fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let Loaded { model, label, stem } = load_run(
        args.scenario.as_deref(),
        &args.changes.set,
        args.trials,
        args.changes.seed,
    )?;
    let out_dir = out_dir(args.out.as_deref(), &format!("{stem}-evaluation"));
    let lang = Lang::or_scenario(args.lang, &model);
    Staging::check(&out_dir)?;
    if !args.common.run.quiet {
        say!(
            lang,
            "fundgap: evaluating {label} ({} trials)",
            "fundgap: 평가 중 — {label} (시행 {}회)",
            fundgap::format::thousands(model.trials() as f64, 0)
        );
    }
    let started = Instant::now();
    let (acc, threads) = simulate(&model, &args.common.run, lang, &stem)?;
    let report = Report::new(&model, &acc);
    let ev = fundgap::analysis::evaluate::evaluate(&model, &report, lang);
    let drivers = if args.no_sensitivity {
        None
    } else {
        let opts = fundgap::analysis::sensitivity::Options {
            sample: args.sample.min(model.trials().max(2)),
            oat_trials: args.oat_trials,
        };
        let (s, _) = with_threads(&args.common.run, lang, || {
            fundgap::analysis::sensitivity::analyse(&model, opts, &|_| {}, interrupt_flag())
        })?;
        Some(s?)
    };
    let info = run_info(label, &args.changes.set, threads, started);
    let delivery = Delivery {
        out_dir,
        settings: settings(lang, !args.no_xlsx, !args.no_html, &args.common.charts),
        quiet: args.common.run.quiet,
        started,
    };
    let output = EvaluationOutput {
        model: &model,
        report: &report,
        info: &info,
        evaluation: &ev,
        drivers: drivers.as_ref(),
    };
    // The scorecards end with the portfolio's.
    let done = in_lang!(
        lang,
        "{} services and the portfolio rated on {} trials",
        "서비스 {}개와 전체를 시행 {}회로 평가",
        ev.scorecards.len().saturating_sub(1),
        fundgap::format::thousands(model.trials() as f64, 0)
    );
    deliver(&output, &delivery, &done)?;
    Ok(())
}

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<()> {
    let cancel = interrupt_flag();
    let Loaded {
        mut model,
        label,
        stem,
    } = load(args.scenario.as_deref(), &args.changes.set)?;
    model.set_run(Some(model.trials().max(args.sample)), args.changes.seed);
    // Each method its own default folder, so a Sobol run never replaces
    // the tornado charts an earlier run wrote (or the reverse).
    let folder = match args.method {
        Method::Sobol => "sobol",
        Method::Both => "sensitivity-both",
        Method::Tornado => "sensitivity",
    };
    let out_dir = out_dir(args.out.as_deref(), &format!("{stem}-{folder}"));
    let lang = Lang::or_scenario(args.lang, &model);
    Staging::check(&out_dir)?;
    let opts = fundgap::analysis::sensitivity::Options {
        sample: args.sample,
        oat_trials: args.oat_trials,
    };
    let n_inputs = model.uncertain_inputs().len() as u64;
    if !args.common.run.quiet {
        say!(
            lang,
            "fundgap: sensitivity of {label}: {n_inputs} uncertain inputs",
            "fundgap: 민감도 분석 중 — {label}: 불확실 입력 {n_inputs}개"
        );
    }
    let started = Instant::now();
    let tornado = args.method != Method::Sobol;
    let sobol = args.method != Method::Tornado;
    let result = if tornado {
        let pb = progress_bar(n_inputs, args.common.run.quiet);
        let (result, _) = with_threads(&args.common.run, lang, || {
            fundgap::analysis::sensitivity::analyse(&model, opts, &|n| pb.inc(n), cancel)
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
        let (r, _) = with_threads(&args.common.run, lang, || {
            fundgap::analysis::sobol::analyse(&model, o, &|n| pb.inc(n), cancel)
        })?;
        pb.finish_and_clear();
        let r = r?;
        if !args.common.run.quiet {
            warn_impossible_indices(&r, args.sobol_trials, lang);
        }
        Some(r)
    } else {
        None
    };
    let delivery = Delivery {
        out_dir,
        settings: settings(lang, false, !args.no_html, &args.common.charts),
        quiet: args.common.run.quiet,
        started,
    };
    let threads = super::common::thread_count(args.common.run.threads, None);
    let info = run_info(label, &args.changes.set, threads, started);
    let output = SensitivityOutput {
        tornado: result.as_ref(),
        sobol: indices.as_ref(),
        made: Some(Made {
            model: &model,
            info: &info,
            command: command_line(),
        }),
    };
    let done = in_lang!(
        lang,
        "{n_inputs} uncertain inputs analysed",
        "불확실 입력 {n_inputs}개 분석"
    );
    deliver(&output, &delivery, &done)?;
    Ok(())
}

/// Says, in `lang`, when Sobol estimates fall outside 0..1, where no index
/// can be: the sample is too small for the estimators' noise (the indices
/// and their intervals are still written, as estimated).
fn warn_impossible_indices(s: &fundgap::analysis::sobol::Sobol, rows: u64, lang: Language) {
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
    if outside == 0 {
        return;
    }
    let largest = estimates.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    say!(
        lang,
        "fundgap: warning: {outside} Sobol index estimate(s) fall outside 0..1 (up to {largest:.2}), \
         where no index can be: with --sobol-trials {rows} the estimators' noise is larger \
         than the indices. Raise --sobol-trials (2,000 or more); sobol.csv gives each \
         estimate's 95% interval",
        "fundgap: 경고: Sobol 지수 추정치 {outside}개가 0~1 밖에 있습니다(절댓값 최대 {largest:.2}). \
         지수는 0~1을 벗어날 수 없으므로, --sobol-trials {rows}에서는 추정량의 잡음이 지수보다 큽니다. \
         --sobol-trials를 늘리십시오(2,000 이상). sobol.csv에 추정치마다 95% 구간이 있습니다"
    );
}
