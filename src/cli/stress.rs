//! `fundgap stress`: the withdrawal-year x cut grid, or swept keys.

use std::time::Instant;

use fundgap::analysis::stress::{GridSpec, grid_cells, run_cells};
use fundgap::error::{Error, Result};
use fundgap::model::Language;
use fundgap::scenario::{self};
use fundgap_report::output::StressOutput;
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

pub(super) fn stress(args: &StressArgs) -> Result<()> {
    let cancel = interrupt_flag();
    let (text, label, stem) = load_text(args.scenario.as_deref())?;
    let base = scenario::parse_with(&text, &label, &args.changes.set)?;
    let lang = Lang::or_scenario(args.lang, &base);
    let service = service_id(&base, args.service.as_deref());
    let spec = GridSpec {
        years: args.years.clone(),
        cuts: args.cuts.clone(),
        service: service.clone(),
        streams: args.streams.clone(),
        sweep: args.sweep.clone(),
    };
    let (x, y, mut cells, left_out) = grid_cells(&text, &label, &args.changes.set, &base, &spec)?;
    // Every cell, from the withdrawal grid or re-parsed for a sweep, runs
    // the same trials (the scenario's, as `run` does, unless told) and seed.
    let trials = args.trials.unwrap_or(base.trials());
    for c in &mut cells {
        c.model.set_run(Some(trials), args.changes.seed);
        c.model.set_confidence(&[args.confidence]);
    }
    // The share of cells this process runs: all of them, or a shard's.
    let range = args
        .shard
        .map_or(0..cells.len() as u64, |s| s.range(cells.len() as u64));
    let mine = &cells[range.start as usize..range.end as usize];
    // Where it will write, checked before the long work.
    match args.shard {
        Some(shard) => fundgap_report::staging::check_part(
            &super::shard::part_path(args.out.as_deref(), &format!("{stem}-stress"), shard),
            fundgap::stats::part::MAGIC.as_bytes(),
        )?,
        None => Staging::check(&out_dir(args.out.as_deref(), &format!("{stem}-stress")))?,
    }
    // The whole grid is one long run: refused past two hours unless --long.
    refuse_absurd_runs(
        &base,
        trials.saturating_mul(mine.len() as u64),
        &args.common.run,
    )?;
    if !args.common.run.quiet {
        say!(
            lang,
            "fundgap: stress test of {label}: {} cells x {} trials{}",
            "fundgap: 스트레스 테스트 — {label}: 조건 {}개 × 시행 {}회{}",
            mine.len(),
            fundgap::format::thousands(trials as f64, 0),
            args.shard
                .map(|s| in_lang!(
                    lang,
                    " (shard {s}: cells {}..{} of {})",
                    " (--shard {s}: 전체 조건 {2}개 중 {0}..{1})",
                    range.start,
                    range.end,
                    cells.len()
                ))
                .unwrap_or_default()
        );
    }
    let started = Instant::now();
    let pb = progress_bar(trials * mine.len() as u64, args.common.run.quiet);
    let (result, threads) = with_threads(&args.common.run, lang, || {
        run_cells(mine, service.as_deref(), x, y, &|n| pb.inc(n), cancel)
    })?;
    pb.finish_and_clear();
    let mut result = result?;
    result.left_out = left_out;

    if let Some(shard) = args.shard {
        let report_options = args.lang.is_some()
            || args.no_xlsx
            || args.common.charts.no_charts
            || args.common.charts.font.is_some()
            || args.no_html
            || args.target != 0.10;
        if report_options && !args.common.run.quiet {
            super::shard::report_options_note(lang);
        }
        let job = super::shard::Job {
            kind: fundgap::stats::part::PartKind::Stress,
            text: &text,
            label: &label,
            stem: &stem,
            set: &args.changes.set,
            seed: args.changes.seed.unwrap_or(base.seed()),
            trials,
            settings: grid_settings(args),
        };
        let header = job.header(shard, range, cells.len() as u64, threads, started);
        let payload =
            fundgap::stats::part::to_payload(&result).map_err(|e| Error::Merge(e.to_string()))?;
        let path = super::shard::part_path(args.out.as_deref(), &format!("{stem}-stress"), shard);
        let quiet = args.common.run.quiet;
        return super::shard::write_part(&path, &header, &payload, quiet, lang);
    }
    let delivery = Delivery {
        out_dir: out_dir(args.out.as_deref(), &format!("{stem}-stress")),
        settings: settings(lang, !args.no_xlsx, !args.no_html, &args.common.charts),
        quiet: args.common.run.quiet,
        started,
    };
    let output = StressOutput {
        result: &result,
        target: args.target,
        command: command_line(),
    };
    deliver(&output, &delivery, &cells_done(&result, lang))?;
    Ok(())
}

/// Everything besides the scenario, seed and trials that decides a grid's
/// cells, as a part records it: shards must agree on each.
fn grid_settings(args: &StressArgs) -> Vec<(String, String)> {
    vec![
        ("years".into(), args.years.clone()),
        ("cuts".into(), format!("{:?}", args.cuts)),
        ("service".into(), args.service.clone().unwrap_or_default()),
        ("streams".into(), format!("{:?}", args.streams)),
        ("sweep".into(), format!("{:?}", args.sweep)),
        ("confidence".into(), args.confidence.to_string()),
    ]
}

/// What a grid's closing line says was done, in `lang`.
pub(super) fn cells_done(
    result: &fundgap::analysis::stress::StressResult,
    lang: Language,
) -> String {
    in_lang!(
        lang,
        "{} cells x {} trials",
        "조건 {}개 × 시행 {}회",
        result.cells.len(),
        fundgap::format::thousands(result.trials as f64, 0)
    )
}
