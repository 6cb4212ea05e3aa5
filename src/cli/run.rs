//! `fundgap run`: simulate, write the tables and charts, print the summary.

use std::path::Path;

use std::time::Instant;

use crate::report::charts::{self, ChartData, ChartOptions};
use crate::report::files::{summary_json, write_tables};
use crate::report::staging::Staging;
use crate::report::{html, table, workbook};
use fundgap::error::Result;
use fundgap::stats::Report;

use super::args::*;
use super::common::*;

pub(super) fn run(args: &RunArgs) -> Result<()> {
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
    let status = !args.common.run.quiet;
    if status {
        eprintln!(
            "fundgap: simulating {label} ({} trials)",
            fundgap::format::thousands(model.trials() as f64, 0)
        );
    }

    let started = Instant::now();
    let (acc, threads) = simulate(&model, &args.common.run, &stem)?;
    let report = Report::new(&model, &acc);
    let info = run_info(label, &args.set, threads, started);

    let lang = Lang::or_scenario(args.lang, &model);
    let mut staging = Staging::new(&out_dir)?;
    write_tables(&mut staging, &model, &report, &info)?;
    if !args.no_xlsx {
        let book = workbook::run_workbook(&model, &report, &info, lang)?;
        staging.write(workbook::FILE, &book)?;
    }
    let chart_data = ChartData::new(&model, &report, lang);
    // The charts.json text doubles as what the charts will show, for the
    // font choice: serialised once.
    let chart_json = serde_json::to_string(&chart_data)?;
    staging.write("charts.json", chart_json.as_bytes())?;
    if !args.common.no_charts {
        charts::register_font(args.common.font.as_deref(), &chart_json, lang)?;
        charts::draw_all(&chart_data, &ChartOptions::default(), &mut staging)?;
    }
    if !args.no_html {
        // The report inlines its own SVG copies, sized for a page.
        let mut svgs: Vec<(String, Vec<u8>)> = Vec::new();
        if !args.common.no_charts {
            let page = ChartOptions::page(lang);
            charts::draw_all(&chart_data, &page, &mut svgs)?;
        }
        let page = html::run_html(&model, &report, &info, lang, &svgs);
        staging.write(html::FILE, page.as_bytes())?;
    }
    let written = staging.commit()?;

    match args.format {
        Format::Table => emit(&table::results(&model, &report, lang))?,
        Format::Json => {
            let summary = summary_json(&model, &report, &info);
            emit(&format!("{}\n", serde_json::to_string_pretty(&summary)?))?;
        }
    }
    if status {
        eprintln!(
            "fundgap: {} trials in {:.2} s on {threads} thread(s); wrote {} to {}",
            fundgap::format::thousands(report.trials as f64, 0),
            info.elapsed_seconds,
            file_names(&written),
            out_dir.display()
        );
    }
    Ok(())
}
