//! `fundgap backtest`: run each back-test scenario and score its stop
//! rule's forecasts against the recorded outcomes.

use std::path::Path;

use fundgap::analysis::backtest::{self, Backtest, PriorVariant, cases, score, with_prior};
use fundgap::error::{Error, Result};
use fundgap::stats::Report;
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
    Staging::check(&out_dir)?;

    for &p in &args.prior_stop {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Usage(format!(
                "--prior-stop {p}: a chance of a stop is between 0 and 1"
            )));
        }
    }
    let mut lang = None;
    let mut models = Vec::new();
    for path in &args.scenarios {
        let Loaded { model, label, .. } = load_run(Some(path), &[], args.trials, args.seed)?;
        if !model.services().iter().any(|s| s.outcome.is_some()) {
            return Err(Error::Usage(format!(
                "{label}: no service has a [service.outcome] table, so there is nothing to score"
            )));
        }
        // The first scenario's language, unless --lang says.
        lang.get_or_insert(Lang::or_scenario(args.lang, &model));
        models.push((model, label));
    }
    let settings = backtest::Settings {
        resamples: args.resamples as usize,
        ..backtest::Settings::default()
    };
    // The files as they are, then with each other chance of a stop.
    let mut all = Vec::new();
    let mut variants = Vec::new();
    for stop in std::iter::once(None).chain(args.prior_stop.iter().map(Some)) {
        let mut cases_now = Vec::new();
        for (model, label) in &models {
            let varied;
            let model = match stop {
                None => model,
                Some(&p) => {
                    varied = with_prior(model, p).ok_or_else(|| {
                        Error::Usage(format!(
                            "{label}: --prior-stop {p} and a decision's chance of a shrink add up to more than 1"
                        ))
                    })?;
                    &varied
                }
            };
            if !args.run.quiet {
                let with =
                    stop.map_or(String::new(), |p| format!(", every decision's stop at {p}"));
                status!(
                    "fundgap: back-testing {label} ({} trials{with})",
                    fundgap::format::thousands(model.trials() as f64, 0)
                );
            }
            let (acc, _) = simulate(model, &args.run, label)?;
            cases_now.extend(cases(model, &Report::new(model, &acc)));
        }
        match stop {
            None => all = cases_now,
            Some(&p) => {
                let s = score(cases_now, settings);
                variants.extend(s.map(|s| PriorVariant::of(p, &s)));
            }
        }
    }
    let inferred = all.iter().any(|c| c.is_scored(true) && !c.is_scored(false));
    let with_inferred = match inferred {
        true => score(
            all.clone(),
            backtest::Settings {
                with_inferred: true,
                ..settings
            },
        ),
        false => None,
    };
    let Some(scored) = score(all, settings) else {
        return Err(Error::Usage(
            "no case to score: every outcome is a stop for another reason than a budget decision, or inferred".into(),
        ));
    };
    let result = Backtest {
        version: fundgap::analysis::backtest::VERSION,
        score: scored,
        with_inferred,
        prior: variants,
    };
    let delivery = Delivery {
        out_dir,
        settings: Settings {
            lang: lang.unwrap_or_default(),
            workbook: false,
            html: false,
            charts: false,
            font: None,
            made_by: made_by(),
        },
        quiet: args.run.quiet,
        started,
    };
    let done = format!(
        "{} cases scored in {} clusters, {} listed",
        result.score.scored,
        result.score.clusters,
        result.score.cases.len() - result.score.scored
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
