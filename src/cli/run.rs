//! `fundgap run`: simulate, write the tables and charts, print the summary.

use std::time::Instant;

use fundgap::error::Result;
use fundgap::stats::Report;
use fundgap_report::output::RunOutput;
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

/// The first block of a `--precision` run without `--trials`.
const FIRST_BLOCK: u64 = 10_000;

pub(super) fn run(args: &RunArgs) -> Result<()> {
    if let Some(shard) = args.shard {
        return super::shard::run_part(args, shard);
    }
    let Loaded {
        mut model,
        label,
        stem,
    } = load_run(
        args.scenario.as_deref(),
        &args.changes.set,
        args.trials,
        args.changes.seed,
    )?;
    model.set_confidence(&args.confidence);
    let out_dir = out_dir(args.out.as_deref(), &stem);
    // The language first: a refusal of the folder is told in it.
    let lang = Lang::or_scenario(args.lang, &model);
    Staging::check(&out_dir)?;
    let status = !args.common.run.quiet;
    // With --precision, the first block: --trials, else 10,000 (the
    // scenario's count is a guess the precision replaces).
    let first = args.trials.unwrap_or(FIRST_BLOCK).min(args.max_trials);
    if status {
        match args.precision {
            None => say!(
                lang,
                "fundgap: simulating {label} ({} trials)",
                "fundgap: 시뮬레이션 중 — {label} (시행 {}회)",
                fundgap::format::thousands(model.trials() as f64, 0)
            ),
            Some(h) => say!(
                lang,
                "fundgap: simulating {label} until every probability is within ±{:.2} points{} (blocks from {} trials, at most {})",
                "fundgap: 시뮬레이션 중 — {label}: 모든 확률의 95% 구간이 ±{:.2}%p 이내{}가 될 때까지 (첫 블록 시행 {}회, 최대 {}회)",
                h * 100.0,
                args.precision_npv
                    .map(|r| in_lang!(
                        lang,
                        " and every gap NPV mean within ±{}",
                        ", 모든 부족액 현가 평균의 구간이 ±{} 이내",
                        fundgap::format::percent(r, 1)
                    ))
                    .unwrap_or_default(),
                fundgap::format::thousands(first as f64, 0),
                fundgap::format::thousands(args.max_trials as f64, 0)
            ),
        }
    }
    // A slip of unit runs without error and can hide every gap: say so
    // before the results, not only in `check`, and even with --quiet.
    let slips = fundgap_report::check::likely_slips(&model, lang);
    if !slips.is_empty() {
        eprint!("{slips}");
    }

    let started = Instant::now();
    let (acc, threads, stopped) = match args.precision {
        None => {
            let (acc, threads) = simulate(&model, &args.common.run, lang, &stem)?;
            (acc, threads, None)
        }
        Some(half_width) => {
            let p = fundgap::stats::precision::Precision {
                half_width,
                npv_relative: args.precision_npv,
                first,
                max_trials: args.max_trials,
            };
            let (acc, threads, stopped) =
                simulate_to_precision(&model, &args.common.run, lang, &p)?;
            // Everything below is the fixed run of the trials it took.
            model.set_run(Some(stopped.trials), None);
            (acc, threads, Some(stopped))
        }
    };
    let report = Report::new(&model, &acc);
    let mut info = run_info(label, &args.changes.set, threads, started);
    if let Some(year) = args.from {
        info.budget_year = year;
        let years = fundgap::analysis::midterm::plan_years(&model, year);
        if status && years.start != year {
            say!(
                lang,
                "fundgap: budget year {year} is outside {}–{}: plan.csv shows {}–{}",
                "fundgap: 예산연도 {year}년이 분석 기간({}–{}년) 밖이어서 plan.csv는 {}–{}년을 보여 줍니다",
                model.start_year(),
                model.end_year(),
                years.start,
                years.end - 1
            );
        }
    }
    if let (Some(s), true) = (&stopped, status) {
        let trials = fundgap::format::thousands(s.trials as f64, 0);
        if s.reached {
            say!(
                lang,
                "fundgap: precision reached after {trials} trials",
                "fundgap: 시행 {trials}회에서 목표 정밀도에 도달했습니다"
            );
        } else {
            // A probability's half-width is absolute, an NPV mean's relative.
            let unit = if s.worst.relative() {
                "%"
            } else {
                lang.t(" points", "%p")
            };
            say!(
                lang,
                "fundgap: stopped at --max-trials ({trials} trials) before the precision was reached; \
                 the least precise figure, {}, is within ±{:.2}{unit} (asked: ±{:.2}{unit})",
                "fundgap: 목표 정밀도에 이르기 전에 --max-trials(시행 {trials}회)에서 멈췄습니다. \
                 가장 덜 정밀한 값({})의 구간은 ±{:.2}{unit}입니다(목표: ±{:.2}{unit})",
                worst_figure(&s.worst, lang),
                100.0 * s.worst.half_width,
                100.0 * s.worst.target
            );
        }
    }
    info.precision = stopped;

    let delivery = Delivery {
        out_dir,
        settings: settings(lang, !args.no_xlsx, !args.no_html, &args.common.charts),
        quiet: !status,
        started,
    };
    let output = RunOutput::new(
        &model,
        &report,
        &info,
        delivery.settings.lang,
        args.format.printed(),
    );
    let trials = fundgap::format::thousands(report.trials as f64, 0);
    let noun = if report.trials == 1 {
        "trial"
    } else {
        "trials"
    };
    let done = in_lang!(
        lang,
        "{trials} {noun} on {threads} thread(s)",
        "스레드 {threads}개로 시행 {trials}회"
    );
    deliver(&output, &delivery, &done)?;
    Ok(())
}
