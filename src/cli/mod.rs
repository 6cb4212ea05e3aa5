//! The command line: argument definitions and the commands behind them.
//!
//! This is the edge of the program: it reads files, measures time, draws the
//! progress bar and prints. Everything it computes comes from the library's
//! pure parts.

mod template;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::charts::{self, ChartData, ChartOptions, ImageFormat};
use crate::report::files::{RunInfo, Staging, summary_json, write_tables};
use crate::report::table;
use fundgap::engine::Engine;
use fundgap::error::{Error, Result};
use fundgap::model::Model;
use fundgap::scenario::overrides::Override;
use fundgap::scenario::{self, BUILTIN_BASELINE_NAME};
use fundgap::stats::Report;

const EXAMPLES: &str = "\
Examples:
  fundgap run                                   # the built-in U-City baseline district
  fundgap init my-city.toml                     # a commented template to edit
  fundgap check my-city.toml                    # validate and describe, no simulation
  fundgap run my-city.toml --trials 1000000 --seed 7 --out results/my-city
  fundgap run --set economy.inflation.mean=0.04 --set service.smart-parking.opex_ratio=0.2
  fundgap stress --service cctv-safety          # what if the subsidy stops in year k, or is cut?
  fundgap compare scenarios/revenue-models.toml # fees vs advertising vs a private operator
  fundgap evaluate scenarios/daejeon-challenge.toml   # scorecard and what drives the gap

Scenario keys are documented in scenarios/README.md. Exit codes: 0 success,
2 bad input (scenario file or arguments), 1 any other failure.";

/// Monte Carlo life-cycle cost and funding-gap simulation for public smart
/// city services.
#[derive(Debug, Parser)]
#[command(
    name = "fundgap",
    version,
    about = "Monte Carlo life-cycle cost and funding-gap simulation for public smart city services",
    long_about = "fundgap projects each service's multi-year operating cost and every funding stream \
meant to pay for it (grants that end or get withdrawn, local budgets, user fees, private partners, \
reserves), runs many trials in parallel, and reports how likely, how early and how large a funding \
gap is, with Monte Carlo uncertainty on every probability.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario; write tables (yearly.csv, horizon.csv, summary.json) and charts
    #[command(after_help = "Examples:
  fundgap run
  fundgap run scenarios/ucity-baseline.toml --trials 1000000
  fundgap run my-city.toml --out results/my-city --format json > summary.json

Outputs go to output/<scenario file name>/ unless --out is given; they are
written to a temporary directory and moved into place when complete, so a
failed run never leaves half-written results.")]
    Run(RunArgs),
    /// Validate a scenario file and describe it, without simulating
    #[command(after_help = "Example:
  fundgap check scenarios/ucity-baseline.toml

All problems in the file are listed with line, column and key path; the exit
code is 2 when there is any.")]
    Check(CheckArgs),
    /// Sweep subsidy withdrawal year x cut (or any keys) on common random numbers
    #[command(after_help = "Examples:
  fundgap stress                                        # all grants of the baseline, every year x 0/25/50/75/100%
  fundgap stress my-city.toml --stream \"national subsidy\" --cuts 40,100 --target 0.2
  fundgap stress my-city.toml --service smart-parking --years 2026-2030
  fundgap stress my-city.toml --sweep economy.inflation.mean=0.01,0.02,0.04 --sweep service.cctv-safety.opex_ratio=0.1,0.15,0.2

From the withdrawal year on, a selected stream pays (1 - cut) of what it would
have. Every cell runs the same trials with the same random numbers, so
differences between cells are the policy, not noise. Writes stress.csv and a
heatmap to output/<scenario>-stress/.")]
    Stress(StressArgs),
    /// Compare revenue models or policies with paired, common-random-number intervals
    #[command(after_help = "Examples:
  fundgap compare scenarios/revenue-models.toml          # its [[variant]] tables; the first is the baseline
  fundgap compare plan-a.toml plan-b.toml plan-c.toml    # several files; the first is the baseline
  fundgap compare scenarios/revenue-models.toml --service smart-parking --trials 200000

Every variant runs the same trials with the same random numbers (the
baseline's seed), so each difference is estimated from per-trial differences:
its interval is much narrower than comparing separate runs. Writes
compare.csv, compare.json and two charts to output/<scenario>-compare/.")]
    Compare(CompareArgs),
    /// Planning-stage scorecard per service: canvas, responsibility, funding, grants, diversity, upkeep, value
    #[command(after_help = "Examples:
  fundgap evaluate scenarios/daejeon-challenge.toml
  fundgap evaluate my-city.toml --trials 20000 --no-sensitivity

Rates every service and the portfolio green, amber or red on seven criteria,
with a one-line reason for every amber and red. Thresholds have defaults and
can be set in the scenario's [evaluation] table (see scenarios/README.md).
Writes evaluation.json, evaluation.csv, evaluation.md and, unless
--no-sensitivity, sensitivity.csv and tornado charts, to
output/<scenario>-evaluation/.")]
    Evaluate(EvaluateArgs),
    /// Which uncertain inputs drive each service's gap (rank correlations, tornado charts)
    #[command(after_help = "Examples:
  fundgap sensitivity scenarios/ucity-baseline.toml
  fundgap sensitivity my-city.toml --sample 10000 --oat-trials 5000

Rank correlations of every per-trial input with each service's gap NPV and
any-gap indicator over trials 0..SAMPLE, and a one-at-a-time tornado: each
input at its P10 and P90 with the others at their medians, on common random
numbers. Writes sensitivity.csv and tornado-<service>.png/svg.")]
    Sensitivity(SensitivityArgs),
    /// Write a commented starter scenario to edit
    #[command(after_help = "Examples:
  fundgap init                        # writes scenario.toml with 2 services
  fundgap init my-city.toml --services 5
  fundgap init - > my-city.toml       # to standard output")]
    Init(InitArgs),
    /// Redraw the charts of a finished run from its charts.json, without simulating
    #[command(after_help = "Examples:
  fundgap chart output/ucity-baseline
  fundgap chart output/ucity-baseline --format svg --width 800 --height 500
  fundgap chart output/my-city --font /usr/share/fonts/NanumGothic.ttf --title \"My city\"")]
    Chart(ChartArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A compact table for people
    Table,
    /// summary.json on standard output
    Json,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it: scenarios/ucity-baseline.toml if
    /// present in the current directory, else the copy built into fundgap
    pub scenario: Option<PathBuf>,
    /// Number of trials (overrides the scenario's `trials`)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Random seed (overrides the scenario's `seed`); same seed, same results
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario key, e.g. --set service.smart-parking.funding.city-budget.amount=200
    /// (repeatable; validated like the file)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Output directory [default: output/<scenario file name>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// What to print on standard output
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub struct StressArgs {
    /// Scenario file (TOML) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Stream to withdraw or cut, by name (repeatable) [default: every grant]
    #[arg(long = "stream", value_name = "NAME")]
    pub streams: Vec<String>,
    /// Only streams of this service, and report this service instead of the portfolio
    #[arg(long, value_name = "ID")]
    pub service: Option<String>,
    /// Withdrawal years: `all`, a list `2026,2028` or a range `2026-2030`
    #[arg(long, default_value = "all")]
    pub years: String,
    /// Cut levels in percent
    #[arg(long, default_value = "0,25,50,75,100", value_delimiter = ',')]
    pub cuts: Vec<f64>,
    /// Sweep a numeric key instead: PATH=v1,v2,... (at most twice)
    #[arg(long, value_name = "PATH=V1,V2,...")]
    pub sweep: Vec<String>,
    /// Report the earliest withdrawal year keeping P(any gap) below this
    #[arg(long, default_value_t = 0.10)]
    pub target: f64,
    /// Trials per cell
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: u64,
    /// Random seed (overrides the scenario's)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario key (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Output directory [default: output/<scenario file name>-stress]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// One scenario file with [[variant]] tables, or several scenario files
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Compare this service instead of the portfolio
    #[arg(long, value_name = "ID")]
    pub service: Option<String>,
    /// Number of trials [default: the baseline's `trials`]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Random seed for all variants [default: the baseline's]
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a key in every variant (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Output directory [default: output/<first file name>-compare]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Trials sampled for rank correlations
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(2..))]
    pub sample: u64,
    /// Trials per one-at-a-time run of the tornado
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub oat_trials: u64,
    /// Random seed (overrides the scenario's)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario key (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Output directory [default: output/<scenario file name>-sensitivity]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Scenario file (TOML) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Trials for the funding figures [default: the scenario's `trials`]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Random seed (overrides the scenario's)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario key (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Skip the sensitivity analysis (faster)
    #[arg(long)]
    pub no_sensitivity: bool,
    /// Trials sampled for rank correlations
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(2..))]
    pub sample: u64,
    /// Trials per one-at-a-time run of the tornado
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    pub oat_trials: u64,
    /// Output directory [default: output/<scenario file name>-evaluation]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// File to write (`-` for standard output)
    #[arg(default_value = "scenario.toml")]
    pub file: PathBuf,
    /// Number of services in the template
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub services: u16,
    /// Overwrite the file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Output directory of a finished run (holding charts.json)
    pub run_dir: PathBuf,
    /// Image formats to write
    #[arg(long, value_enum, default_value_t = ImageFormat::Both)]
    pub format: ImageFormat,
    /// Image width in pixels
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(200..=20000))]
    pub width: u32,
    /// Image height in pixels
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(150..=20000))]
    pub height: u32,
    /// Title to use instead of the scenario name
    #[arg(long)]
    pub title: Option<String>,
    /// TTF/OTF font for chart text [default: the embedded DejaVu Sans]
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
}

/// Options shared by the commands that simulate.
#[derive(Debug, Args)]
pub struct CommonOpts {
    /// Worker threads [default: all cores, or RAYON_NUM_THREADS]; results
    /// do not depend on it
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar or status messages
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw charts (tables are still written)
    #[arg(long)]
    pub no_charts: bool,
    /// TTF/OTF font for chart text, e.g. a Korean font [default: the embedded DejaVu Sans]
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML)
    pub scenario: PathBuf,
    /// Override a scenario key before checking (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Check(args) => check(&args),
        Command::Chart(args) => chart(&args),
        Command::Stress(args) => stress(&args),
        Command::Compare(args) => compare(&args),
        Command::Init(args) => init(&args),
        Command::Sensitivity(args) => sensitivity(&args),
        Command::Evaluate(args) => evaluate(&args),
    }
}

/// A scenario as loaded for a command.
pub struct Loaded {
    pub model: Model,
    /// How the user named it (path or built-in label).
    pub label: String,
    /// File stem, used for the default output directory.
    pub stem: String,
}

/// A scenario's text, how to name it, and its file stem.
pub fn load_text(path: Option<&Path>) -> Result<(String, String, String)> {
    let default_path = Path::new("scenarios").join(BUILTIN_BASELINE_NAME);
    let path = match path {
        Some(p) => Some(p.to_path_buf()),
        None if default_path.is_file() => Some(default_path),
        None => None,
    };
    let (text, label) = scenario::read_source(path.as_deref())?;
    let stem = path
        .as_deref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| BUILTIN_BASELINE_NAME.trim_end_matches(".toml").to_string());
    Ok((text.into_owned(), label, stem))
}

/// Loads the named scenario, or the default one, with overrides applied.
pub fn load(path: Option<&Path>, overrides: &[Override]) -> Result<Loaded> {
    let (text, label, stem) = load_text(path)?;
    let model = scenario::parse_with(&text, &label, overrides)?;
    Ok(Loaded { model, label, stem })
}

/// [`load`], then the `--trials` and `--seed` overrides.
fn load_run(
    path: Option<&Path>,
    overrides: &[Override],
    trials: Option<u64>,
    seed: Option<u64>,
) -> Result<Loaded> {
    let mut loaded = load(path, overrides)?;
    if let Some(t) = trials {
        loaded.model.trials = t;
    }
    if let Some(s) = seed {
        loaded.model.seed = s;
    }
    Ok(loaded)
}

/// Stages a CSV produced by `table`, naming the file if encoding failed.
fn write_csv(
    staging: &mut Staging,
    out_dir: &Path,
    name: &str,
    table: std::result::Result<Vec<u8>, csv::Error>,
) -> Result<()> {
    let bytes = table.map_err(|source| Error::Csv {
        path: out_dir.join(name),
        source,
    })?;
    staging.write(name, &bytes)
}

/// Parses `--years`: `all`, `2026,2028`, `2026-2030`, into year indices.
fn parse_years(spec: &str, model: &Model) -> Result<Vec<usize>> {
    let bad = |what: &str| {
        Error::Usage(format!(
            "--years {spec}: {what}; expected all, a list such as {0},{1} or a range such as {0}-{2}, inside {0}..={2}",
            model.start_year,
            model.start_year + 1,
            model.end_year()
        ))
    };
    if spec.trim() == "all" {
        return Ok((0..model.horizon).collect());
    }
    let index = |s: &str| -> Result<usize> {
        let y: i32 = s
            .trim()
            .parse()
            .map_err(|_| bad(&format!("`{s}` is not a year")))?;
        if y < model.start_year || y > model.end_year() {
            return Err(bad(&format!("{y} is outside the horizon")));
        }
        Ok((y - model.start_year) as usize)
    };
    let mut out = Vec::new();
    for part in spec.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (index(a)?, index(b)?);
                if a > b {
                    return Err(bad("a range must go forward"));
                }
                out.extend(a..=b);
            }
            None => out.push(index(part)?),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn sensitivity(args: &SensitivityArgs) -> Result<()> {
    let Loaded {
        mut model,
        label,
        stem,
    } = load(args.scenario.as_deref(), &args.set)?;
    if let Some(s) = args.seed {
        model.seed = s;
    }
    model.trials = model.trials.max(args.sample);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-sensitivity")));
    let opts = fundgap::analysis::sensitivity::Options {
        sample: args.sample,
        oat_trials: args.oat_trials,
    };
    let n_inputs = model.inputs().iter().filter(|(_, q)| !q.is_fixed()).count() as u64;
    if !args.common.quiet {
        eprintln!("fundgap: sensitivity of {label}: {n_inputs} uncertain inputs");
    }
    let started = Instant::now();
    let pb = progress_bar(n_inputs, args.common.quiet);
    let (result, _) = with_threads(args.common.threads, || {
        fundgap::analysis::sensitivity::analyse(&model, opts, &|n| pb.inc(n))
    })?;
    pb.finish_and_clear();
    let mut staging = Staging::new(&out_dir)?;
    write_sensitivity(
        &mut staging,
        &out_dir,
        &result,
        args.common.no_charts,
        args.common.font.as_deref(),
    )?;
    staging.commit()?;
    print!("{}", table::sensitivity(&result, 5));
    if !args.common.quiet {
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

fn write_sensitivity(
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
    staging.write("sensitivity.json", &serde_json::to_vec_pretty(result)?)?;
    if !no_charts {
        charts::register_font(font)?;
        charts::draw_tornadoes(result, &ChartOptions::default(), staging)?;
    }
    Ok(())
}

fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let Loaded { model, label, stem } =
        load_run(args.scenario.as_deref(), &args.set, args.trials, args.seed)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-evaluation")));
    if !args.common.quiet {
        eprintln!(
            "fundgap: evaluating {label} ({} trials)",
            fundgap::format::thousands(model.trials as f64, 0)
        );
    }
    let started = Instant::now();
    let pb = progress_bar(model.trials, args.common.quiet);
    let engine = Engine::new(&model);
    let cancel = interrupt_flag();
    let (acc, _) = with_threads(args.common.threads, || {
        fundgap::stats::run(&engine, &|n| pb.inc(n), cancel)
    })?;
    pb.finish_and_clear();
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    let report = Report::new(&model, &acc);
    let ev = fundgap::analysis::evaluate::evaluate(&model, &report);
    let drivers = if args.no_sensitivity {
        None
    } else {
        let opts = fundgap::analysis::sensitivity::Options {
            sample: args.sample.min(model.trials.max(2)),
            oat_trials: args.oat_trials,
        };
        let (s, _) = with_threads(args.common.threads, || {
            fundgap::analysis::sensitivity::analyse(&model, opts, &|_| {})
        })?;
        Some(s)
    };
    let mut staging = Staging::new(&out_dir)?;
    staging.write("evaluation.json", &serde_json::to_vec_pretty(&ev)?)?;
    write_csv(
        &mut staging,
        &out_dir,
        "evaluation.csv",
        crate::report::analyses::evaluation_csv(&ev),
    )?;
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
    print!("{}", table::scorecard(&ev, drivers.as_ref()));
    if !args.common.quiet {
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

fn init(args: &InitArgs) -> Result<()> {
    let text = crate::cli::template::scenario(args.services as usize);
    if args.file.as_os_str() == "-" {
        print!("{text}");
        return Ok(());
    }
    if args.file.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} exists; choose another name or pass --force to overwrite it",
            args.file.display()
        )));
    }
    let werr = |source| Error::Write {
        path: args.file.clone(),
        source,
    };
    // Written beside the target and renamed, so a failure leaves no half file.
    let dir = args
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".fundgap-init-{}.toml", std::process::id()));
    std::fs::write(&tmp, &text).map_err(werr)?;
    std::fs::rename(&tmp, &args.file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        werr(e)
    })?;
    eprintln!(
        "fundgap: wrote {} with {} service(s). Next: fundgap check {0}, then fundgap run {0}",
        args.file.display(),
        args.services
    );
    Ok(())
}

fn compare(args: &CompareArgs) -> Result<()> {
    use fundgap::analysis::compare::{Input, run};
    let mut inputs = Vec::new();
    let mut stem = String::new();
    if let [single] = args.scenarios.as_slice() {
        let (text, label, s) = load_text(Some(single))?;
        stem = s;
        for (v, model) in scenario::variant_models(&text, &label, &args.set)? {
            inputs.push(Input {
                name: v.name,
                description: v.description,
                model,
            });
        }
        if inputs.len() < 2 {
            return Err(Error::Usage(format!(
                "{label} declares {} [[variant]] table(s); a comparison needs at least two (or give several scenario files)",
                inputs.len()
            )));
        }
    } else {
        for p in &args.scenarios {
            let (text, label, s) = load_text(Some(p))?;
            if stem.is_empty() {
                stem = s.clone();
            }
            let model = scenario::parse_with(&text, &label, &args.set)?;
            inputs.push(Input {
                name: s,
                description: model.description.clone(),
                model,
            });
        }
    }
    if let Some(t) = args.trials {
        inputs[0].model.trials = t;
    }
    if let Some(s) = args.seed {
        inputs[0].model.seed = s;
    }
    let trials = inputs[0].model.trials;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-compare")));
    if !args.common.quiet {
        eprintln!(
            "fundgap: comparing {} variants on {} common trials",
            inputs.len(),
            fundgap::format::thousands(trials as f64, 0)
        );
    }
    let started = Instant::now();
    let pb = progress_bar(trials, args.common.quiet);
    let (result, _) = with_threads(args.common.threads, || {
        run(&inputs, args.service.as_deref(), &|n| pb.inc(n))
    })?;
    pb.finish_and_clear();
    let result = result.map_err(Error::Usage)?;

    let mut staging = Staging::new(&out_dir)?;
    write_csv(
        &mut staging,
        &out_dir,
        "compare.csv",
        crate::report::analyses::compare_csv(&result),
    )?;
    staging.write("compare.json", &serde_json::to_vec_pretty(&result)?)?;
    if !args.common.no_charts {
        charts::register_font(args.common.font.as_deref())?;
        let base = &inputs[0].model;
        let years: Vec<i32> = (0..base.horizon).map(|t| base.year(t)).collect();
        charts::draw_compare(&result, &years, &ChartOptions::default(), &mut staging)?;
    }
    staging.commit()?;
    print!("{}", table::compare(&result));
    if !args.common.quiet {
        eprintln!(
            "fundgap: compared in {:.2} s; wrote compare.csv, compare.json{} to {}",
            started.elapsed().as_secs_f64(),
            if args.common.no_charts {
                ""
            } else {
                " and charts"
            },
            out_dir.display()
        );
    }
    Ok(())
}

fn stress(args: &StressArgs) -> Result<()> {
    use fundgap::analysis::stress::{Selection, run_cells, select, sweep_grid, withdrawal_grid};
    let (text, label, stem) = load_text(args.scenario.as_deref())?;
    let base = scenario::parse_with(&text, &label, &args.set)?;
    if !(0.0..=1.0).contains(&args.target) {
        return Err(Error::Usage(format!(
            "--target {}: expected a probability between 0 and 1",
            args.target
        )));
    }
    let (x, y, mut cells) = if args.sweep.is_empty() {
        if let Some(c) = args.cuts.iter().find(|c| !(0.0..=100.0).contains(*c)) {
            return Err(Error::Usage(format!(
                "--cuts: {c} is not a percentage between 0 and 100"
            )));
        }
        let cuts: Vec<f64> = args.cuts.iter().map(|c| c / 100.0).collect();
        let years = parse_years(&args.years, &base)?;
        let sel = Selection {
            service: args.service.clone(),
            streams: args.streams.clone(),
        };
        let streams = select(&base, &sel).map_err(Error::Usage)?;
        withdrawal_grid(&base, &streams, &years, &cuts)
    } else {
        if args.sweep.len() > 2 {
            return Err(Error::Usage(
                "--sweep: at most two keys can be swept at once".into(),
            ));
        }
        let mut sweeps = Vec::new();
        for s in &args.sweep {
            let o = Override::parse(s).map_err(|e| Error::Usage(format!("--sweep: {e}")))?;
            let values: Vec<String> = o
                .value
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                return Err(Error::Usage(format!(
                    "--sweep {s}: give values, e.g. {}=0.1,0.2",
                    o.path
                )));
            }
            sweeps.push((o.path, values));
        }
        if let Some(id) = &args.service
            && base.service(id).is_none()
        {
            return Err(Error::Usage(format!(
                "--service: no service with id \"{id}\""
            )));
        }
        sweep_grid(&text, &label, &args.set, &sweeps)?
    };
    // Every cell, from the withdrawal grid or re-parsed for a sweep, runs
    // the same trials and seed.
    for c in &mut cells {
        c.model.trials = args.trials;
        if let Some(s) = args.seed {
            c.model.seed = s;
        }
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-stress")));
    if !args.common.quiet {
        eprintln!(
            "fundgap: stress test of {label}: {} cells x {} trials",
            cells.len(),
            fundgap::format::thousands(args.trials as f64, 0)
        );
    }
    let started = Instant::now();
    let pb = progress_bar(args.trials * cells.len() as u64, args.common.quiet);
    let (result, _) = with_threads(args.common.threads, || {
        run_cells(&cells, args.service.as_deref(), x, y, &|n| pb.inc(n))
    })?;
    pb.finish_and_clear();

    let mut staging = Staging::new(&out_dir)?;
    write_csv(
        &mut staging,
        &out_dir,
        "stress.csv",
        crate::report::analyses::stress_csv(&result),
    )?;
    staging.write("stress.json", &serde_json::to_vec_pretty(&result)?)?;
    if !args.common.no_charts {
        charts::register_font(args.common.font.as_deref())?;
        charts::draw_heatmap(&result, &ChartOptions::default(), &mut staging)?;
    }
    staging.commit()?;
    print!("{}", table::stress(&result, args.target));
    if !args.common.quiet {
        eprintln!(
            "fundgap: {} cells in {:.2} s; wrote stress.csv, stress.json{} to {}",
            result.cells.len(),
            started.elapsed().as_secs_f64(),
            if args.common.no_charts {
                ""
            } else {
                ", stress-heatmap.png/svg"
            },
            out_dir.display()
        );
    }
    Ok(())
}

fn check(args: &CheckArgs) -> Result<()> {
    let loaded = load(Some(&args.scenario), &args.set)?;
    print!("{}", table::describe(&loaded.model, &loaded.label));
    Ok(())
}

/// A flag set by Ctrl-C. The engine stops at the next block of trials and
/// the command returns [`Error::Interrupted`] before writing anything, so an
/// interrupted run leaves the previous results as they were.
fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // Without a handler (e.g. no signal support) Ctrl-C simply ends the
        // process, which also leaves no partial results.
        let _ = ctrlc::set_handler(|| FLAG.store(true, Ordering::Relaxed));
    });
    &FLAG
}

/// Runs `f` on a pool of `threads` workers, or on the global pool.
pub fn with_threads<T: Send>(
    threads: Option<u16>,
    f: impl FnOnce() -> T + Send,
) -> Result<(T, usize)> {
    match threads {
        None => Ok((f(), rayon::current_num_threads())),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n as usize)
                .build()
                .map_err(|e| Error::Usage(format!("cannot start {n} threads: {e}")))?;
            Ok((pool.install(f), n as usize))
        }
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal or when
/// asked to be quiet.
pub fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:40}] {human_pos}/{human_len} trials, {per_sec}, eta {eta}",
    ) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb
}

fn chart(args: &ChartArgs) -> Result<()> {
    let path = args.run_dir.join("charts.json");
    let text = std::fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let data: ChartData = serde_json::from_slice(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a fundgap charts.json ({e}); run `fundgap run` again to recreate it",
            path.display()
        ))
    })?;
    charts::register_font(args.font.as_deref())?;
    let opts = ChartOptions {
        width: args.width,
        height: args.height,
        format: args.format,
        title: args.title.clone(),
    };
    let started = Instant::now();
    let mut staging = Staging::new(&args.run_dir)?;
    let files = charts::draw_all(&data, &opts, &mut staging)?;
    staging.commit()?;
    eprintln!(
        "fundgap: drew {} files in {:.2} s into {}",
        files.len(),
        started.elapsed().as_secs_f64(),
        args.run_dir.display()
    );
    Ok(())
}

fn run(args: &RunArgs) -> Result<()> {
    let Loaded { model, label, stem } =
        load_run(args.scenario.as_deref(), &args.set, args.trials, args.seed)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&stem));
    let status = !args.common.quiet;
    if status {
        eprintln!(
            "fundgap: simulating {label} ({} trials)",
            fundgap::format::thousands(model.trials as f64, 0)
        );
    }

    let started = Instant::now();
    let pb = progress_bar(model.trials, args.common.quiet);
    pb.set_message(stem.clone());
    let cancel = interrupt_flag();
    let engine = Engine::new(&model);
    let (acc, threads) = with_threads(args.common.threads, || {
        fundgap::stats::run(&engine, &|n| pb.inc(n), cancel)
    })?;
    pb.finish_and_clear();
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    let report = Report::new(&model, &acc);
    let info = RunInfo {
        scenario_file: label,
        threads,
        elapsed_seconds: started.elapsed().as_secs_f64(),
    };

    let mut staging = Staging::new(&out_dir)?;
    write_tables(&mut staging, &model, &report, &info)?;
    let chart_data = ChartData::new(&model, &report);
    staging.write("charts.json", &serde_json::to_vec(&chart_data)?)?;
    if !args.common.no_charts {
        charts::register_font(args.common.font.as_deref())?;
        charts::draw_all(&chart_data, &ChartOptions::default(), &mut staging)?;
    }
    let written = staging.commit()?;

    match args.format {
        Format::Table => print!("{}", table::results(&model, &report)),
        Format::Json => {
            let summary = summary_json(&model, &report, &info);
            println!("{}", serde_json::to_string_pretty(&summary)?);
        }
    }
    if status {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .collect();
        eprintln!(
            "fundgap: {} trials in {:.2} s on {threads} thread(s); wrote {} to {}",
            fundgap::format::thousands(report.trials as f64, 0),
            info.elapsed_seconds,
            names.join(", "),
            out_dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Clap's own consistency checks: no duplicate or conflicting options
    /// across the flattened structs.
    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
