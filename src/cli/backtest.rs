//! `fundgap backtest`: run each back-test scenario and score its stop
//! rule's forecasts against the recorded outcomes.

use std::path::Path;

use fundgap::analysis::backtest;
use fundgap::error::{Error, Result};
use fundgap_report::output::{BacktestOutput, Settings};
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

pub(super) fn backtest(args: &BacktestArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let out_dir = out_dir(args.out.as_deref(), "backtest");
    refuse_repeated_files(&args.scenarios)?;
    for p in &args.scenarios {
        fundgap_report::ownership::protect(p);
    }
    let mut lang = None;
    let mut models = Vec::new();
    for path in &args.scenarios {
        let Loaded { model, label, .. } = load_run(Some(path), &[], args.trials, args.seed)?;
        // The first scenario's language, unless --lang says.
        if lang.is_none() {
            lang = Some(Lang::or_scenario(args.lang, &model));
        }
        models.push((model, label));
    }
    let lang = lang.unwrap_or_default();
    // Checked once the language is known: a refusal is told in it.
    Staging::check(&out_dir)?;
    let settings = backtest::Settings {
        resamples: args.resamples as usize,
        ..backtest::Settings::default()
    };
    let result = backtest::backtest(
        &models,
        &args.prior_stop,
        settings,
        &mut |model, label, stop| {
            if !args.run.quiet {
                let with = stop.map_or(String::new(), |p| {
                    in_lang!(
                        lang,
                        ", every decision's stop at {p}",
                        ", 모든 결정의 중단 확률 {p}"
                    )
                });
                say!(
                    lang,
                    "fundgap: back-testing {label} ({} trials{with})",
                    "fundgap: 백테스트 중 — {label} (시행 {}회{with})",
                    fundgap::format::thousands(model.trials() as f64, 0)
                );
            }
            simulate(model, &args.run, lang, label).map(|(acc, _)| acc)
        },
    )?;
    let delivery = Delivery {
        out_dir,
        settings: Settings {
            lang,
            workbook: false,
            html: false,
            charts: false,
            font: None,
            made_by: made_by(),
        },
        quiet: args.run.quiet,
        started,
    };
    let (scored, listed) = (
        result.score.scored,
        result.score.cases.len() - result.score.scored,
    );
    let total = result.score.cases.len();
    let done = in_lang!(
        lang,
        "{scored} cases scored in {} clusters, {listed} listed",
        "사례 {total}개 중 {scored}개 채점(군집 {}개)",
        result.score.clusters
    );
    deliver(&BacktestOutput { result: &result }, &delivery, &done)?;
    Ok(())
}

/// Refuses a file given twice (also under two spellings or through a
/// link): its cases would count twice in the score.
fn refuse_repeated_files(paths: &[std::path::PathBuf]) -> Result<()> {
    let mut seen: Vec<(std::path::PathBuf, &Path)> = Vec::new();
    for p in paths {
        let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if let Some((_, first)) = seen.iter().find(|(r, _)| *r == real) {
            return Err(Error::Usage(format!(
                "{} is given twice (also as {}): each back-test case must count once",
                p.display(),
                first.display()
            )));
        }
        seen.push((real, p));
    }
    Ok(())
}
