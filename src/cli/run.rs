//! `fundgap run`: simulate, write the tables and charts, print the summary.

use std::path::Path;

use std::time::Instant;

use fundgap::error::Result;
use fundgap::stats::Report;
use fundgap_report::charts::{self, ChartData, ChartOptions};
use fundgap_report::files::{summary_json, write_tables};
use fundgap_report::staging::Staging;
use fundgap_report::{html, table, workbook};

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
    } = load_run(args.scenario.as_deref(), &args.set, args.trials, args.seed)?;
    model.set_confidence(&args.confidence);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&stem));
    Staging::check(&out_dir)?;
    let status = !args.common.run.quiet;
    // With --precision, the first block: --trials, else 10,000 (the
    // scenario's count is a guess the precision replaces).
    let first = args.trials.unwrap_or(FIRST_BLOCK).min(args.max_trials);
    if status {
        match args.precision {
            None => status!(
                "fundgap: simulating {label} ({} trials)",
                fundgap::format::thousands(model.trials() as f64, 0)
            ),
            Some(h) => status!(
                "fundgap: simulating {label} until every probability is within ±{:.2} points{} (blocks from {} trials, at most {})",
                h * 100.0,
                args.precision_npv
                    .map(|r| format!(
                        " and every gap NPV mean within ±{}",
                        fundgap::format::percent(r, 1)
                    ))
                    .unwrap_or_default(),
                fundgap::format::thousands(first as f64, 0),
                fundgap::format::thousands(args.max_trials as f64, 0)
            ),
        }
    }

    let started = Instant::now();
    let (acc, threads, stopped) = match args.precision {
        None => {
            let (acc, threads) = simulate(&model, &args.common.run, &stem)?;
            (acc, threads, None)
        }
        Some(half_width) => {
            let p = fundgap::stats::precision::Precision {
                half_width,
                npv_relative: args.precision_npv,
                first,
                max_trials: args.max_trials,
            };
            let (acc, threads, stopped) = simulate_to_precision(&model, &args.common.run, &p)?;
            // Everything below is the fixed run of the trials it took.
            model.set_run(Some(stopped.trials), None);
            (acc, threads, Some(stopped))
        }
    };
    let report = Report::new(&model, &acc);
    let mut info = run_info(label, &args.set, threads, started);
    if let (Some(s), true) = (&stopped, status) {
        status!(
            "fundgap: {} after {} trials",
            if s.reached {
                "precision reached"
            } else {
                "stopped at --max-trials before the precision was reached"
            },
            fundgap::format::thousands(s.trials as f64, 0)
        );
    }
    info.precision = stopped;

    let outputs = RunOutputs {
        lang: Lang::or_scenario(args.lang, &model),
        no_xlsx: args.no_xlsx,
        no_html: args.no_html,
        no_charts: args.common.charts.no_charts,
        font: args.common.charts.font.as_deref(),
        format: args.format,
    };
    let written = write_run_outputs(&model, &report, &info, &out_dir, &outputs)?;
    if status {
        status!(
            "fundgap: {} trials in {:.2} s on {threads} thread(s); wrote {} to {}",
            fundgap::format::thousands(report.trials as f64, 0),
            info.elapsed_seconds,
            file_names(&written),
            out_dir.display()
        );
    }
    Ok(())
}

/// How a run's results are written: the options of `run` that do not
/// change a number (and so are `merge`'s too).
pub(super) struct RunOutputs<'a> {
    pub lang: fundgap::model::Language,
    pub no_xlsx: bool,
    pub no_html: bool,
    pub no_charts: bool,
    pub font: Option<&'a Path>,
    pub format: Format,
}

/// Writes a run's files into `out_dir` as a unit (tables, summary.json,
/// report.xlsx, charts.json, charts, report.html) and prints its table or
/// summary on standard output; returns the paths written. `run` and
/// `merge` both end here, so a merged run's files are a single run's.
pub(super) fn write_run_outputs(
    model: &fundgap::model::Model,
    report: &Report,
    info: &fundgap_report::files::RunInfo,
    out_dir: &Path,
    o: &RunOutputs,
) -> Result<Vec<std::path::PathBuf>> {
    let lang = o.lang;
    let mut staging = Staging::new(out_dir)?;
    write_tables(&mut staging, model, report, info)?;
    if !o.no_xlsx {
        let book = workbook::run_workbook(model, report, info, lang)?;
        staging.write(workbook::FILE, &book)?;
    }
    let chart_data = ChartData::new(model, report, lang);
    // The charts.json text doubles as what the charts will show, for the
    // font choice: serialised once.
    let chart_json = serde_json::to_string(&chart_data)?;
    staging.write("charts.json", chart_json.as_bytes())?;
    if !o.no_charts {
        charts::register_font(o.font, &chart_json, lang)?;
        charts::draw_all(&chart_data, &ChartOptions::default(), &mut staging)?;
    }
    if !o.no_html {
        // The report inlines its own SVG copies, sized for a page.
        let mut svgs: Vec<(String, Vec<u8>)> = Vec::new();
        if !o.no_charts {
            let page = ChartOptions::page(lang);
            charts::draw_all(&chart_data, &page, &mut svgs)?;
        }
        let page = html::run_html(model, report, info, lang, &svgs);
        staging.write(html::FILE, page.as_bytes())?;
    }
    let written = staging.commit()?;

    match o.format {
        Format::Table => emit(&table::results(model, report, lang))?,
        Format::Json => {
            let summary = summary_json(model, report, info);
            emit(&format!("{}\n", serde_json::to_string_pretty(&summary)?))?;
        }
    }
    Ok(written)
}
