//! `fundgap chart`: redraw a finished run's charts from its charts.json;
//! with `--lang`, its page and workbook too, from the run made again.

use std::path::{Path, PathBuf};
use std::time::Instant;

use fundgap::error::{Error, Result};
use fundgap::scenario::Override;
use fundgap::stats::Report;
use fundgap_report::charts::{self, ChartData, ChartOptions};
use fundgap_report::files::horizon_table;
use fundgap_report::output::{Output, Printed, RunOutput, Settings};
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;
use super::options::RunOpts;

pub(super) fn chart(args: &ChartArgs) -> Result<()> {
    let path = args.run_dir.join("charts.json");
    // A charts.json holds a few numbers per service-year: 256 MiB is far
    // beyond a national portfolio's.
    let text = fundgap_report::input::read_bounded(&path, 256 << 20, "fundgap charts.json")?;
    let data: ChartData = serde_json::from_slice(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a fundgap charts.json ({e}); run `fundgap run` again to recreate it",
            path.display()
        ))
    })?;
    if let Some(why) = data.inconsistency() {
        return Err(Error::Usage(format!(
            "{} cannot be drawn: {why}; run `fundgap run` again to recreate it",
            path.display()
        )));
    }
    let data = match args.lang {
        Some(lang) => data.in_language(lang.language()),
        None => data,
    };
    // The file as read holds every name the charts will show.
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&text),
        args.title.as_deref().unwrap_or_default()
    );
    charts::register_font(args.font.as_deref(), &shown, data.language())?;
    let opts = ChartOptions {
        // A run's charts carry their language in charts.json.
        lang: fundgap::model::Language::En,
        width: args.width,
        height: args.height,
        format: args.image_format.into(),
        title: args.title.clone(),
    };
    let started = Instant::now();
    // A refusal (a file of the user's named as a chart) in the run's
    // language.
    fundgap_report::lang::speak(data.language());
    let mut staging = Staging::update(&args.run_dir)?;
    let mut files = charts::draw_all(&data, &opts, &mut staging)?;
    if let Some(lang) = args.lang {
        files.extend(page_and_workbook(
            &args.run_dir,
            lang.language(),
            &mut staging,
        )?);
    }
    staging.commit()?;
    say!(
        data.language(),
        "fundgap: drew {} files in {:.2} s into {}",
        "fundgap: {2}에 파일 {0}개를 그렸습니다 ({1:.2}초)",
        files.len(),
        started.elapsed().as_secs_f64(),
        args.run_dir.display()
    );
    Ok(())
}

/// What summary.json records of how a run was made.
#[derive(serde::Deserialize)]
struct Made {
    scenario: MadeScenario,
    seed: u64,
    trials: u64,
    #[serde(default)]
    confidence: Vec<f64>,
    budget_year: Option<i32>,
    precision: Option<fundgap::stats::precision::Stopped>,
}

#[derive(serde::Deserialize)]
struct MadeScenario {
    file: String,
    #[serde(default)]
    overrides: Vec<String>,
}

/// report.html and report.xlsx of the run in `dir`, in `lang`: the run is
/// made again from what summary.json records (scenario file, overrides,
/// seed, trials, confidence levels, budget year), and its tables must be
/// those in the folder, byte for byte, or nothing is written (the scenario
/// changed since). Returns the files written.
fn page_and_workbook(
    dir: &Path,
    lang: fundgap::model::Language,
    staging: &mut Staging,
) -> Result<Vec<String>> {
    let path = dir.join("summary.json");
    let text = fundgap_report::input::read_bounded(&path, 256 << 20, "fundgap summary.json")?;
    let made: Made = serde_json::from_slice(&text).map_err(|e| {
        Error::Usage(format!(
            "{} does not say how the run was made ({e}); run `fundgap run --lang {}` instead",
            path.display(),
            lang.as_str()
        ))
    })?;
    let again = || {
        format!(
            "run `fundgap run {} --lang {}` to write them",
            made.scenario.file,
            lang.as_str()
        )
    };
    let overrides = made
        .scenario
        .overrides
        .iter()
        .map(|o| Override::parse(o))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(format!("summary.json's --set: {e}")))?;
    let builtin = made.scenario.file.starts_with("<built-in");
    let scenario = (!builtin).then(|| PathBuf::from(&made.scenario.file));
    let Loaded {
        mut model, label, ..
    } = load_run(
        scenario.as_deref(),
        &overrides,
        Some(made.trials),
        Some(made.seed),
    )
    .map_err(|e| {
        Error::Usage(format!(
            "the page and workbook need the run's scenario ({e}); {}",
            again()
        ))
    })?;
    model.set_confidence(&made.confidence);
    let opts = RunOpts {
        threads: None,
        quiet: true,
        long: true,
    };
    let started = Instant::now();
    let (acc, threads) = simulate(&model, &opts, lang, "again")?;
    let report = Report::new(&model, &acc);
    let same = horizon_table(&report).csv()?;
    if std::fs::read(dir.join("horizon.csv")).ok().as_deref() != Some(same.as_slice()) {
        return Err(Error::Usage(format!(
            "{label} no longer gives this run's results (it changed since, or the run was made elsewhere), so its page and workbook were not redrawn in {}; {}",
            lang.as_str(),
            again()
        )));
    }
    let mut info = run_info(made.scenario.file.clone(), &overrides, threads, started);
    info.budget_year = made.budget_year.unwrap_or(info.budget_year);
    info.precision = made.precision;
    let output = RunOutput::new(&model, &report, &info, lang, Printed::Table);
    let settings = Settings {
        lang,
        workbook: true,
        html: true,
        charts: true,
        font: None,
        made_by: made_by(),
    };
    let files = output.files(lang)?;
    let mut written = Vec::new();
    if let Some(book) = output.workbook(&files, &settings)? {
        staging.write(fundgap_report::workbook::FILE, &book)?;
        written.push(fundgap_report::workbook::FILE.to_string());
    }
    if let Some(page) = output.html(lang, true)? {
        staging.write(fundgap_report::html::FILE, page.as_bytes())?;
        written.push(fundgap_report::html::FILE.to_string());
    }
    Ok(written)
}
