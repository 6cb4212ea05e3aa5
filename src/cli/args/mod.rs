//! The command line as clap sees it: commands, their flags and the
//! `--help` text (the doc comments here are what users read).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use fundgap::scenario::Override;

mod analyses;
pub(crate) use analyses::*;

pub(crate) use super::options::*;

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
  fundgap run my-city.toml --trials 1000000 --shard 3/8    # one of 8 shards, on any machine
  fundgap merge output/my-city.part-*-of-8      # the 8 parts -> exactly the single run's outputs

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
differences between cells are the policy, not noise. Each cell shows P(any
gap), the mean gap NPV, P(stopped) and the funding requirement at
--confidence; a cell marked ! lowers the mean gap NPV only because more
trials stop the service (P(stopped) above the uncut cell's). The grid keeps
only the --years in which a chosen stream pays and names the others below the
table (a withdrawal after a stream's window changes nothing, one before it
repeats its first year's); it is an error when no year is left. Writes stress.csv,
stress.json, a heatmap, report.xlsx and report.html to
output/<scenario>-stress/.")]
    Stress(StressArgs),
    /// Compare revenue models or policies with paired, common-random-number intervals
    #[command(after_help = "Examples:
  fundgap compare scenarios/revenue-models.toml          # its [[variant]] tables; the first is the baseline
  fundgap compare plan-a.toml plan-b.toml plan-c.toml    # several files; the first is the baseline
  fundgap compare scenarios/revenue-models.toml --service smart-parking --trials 200000
  fundgap compare scenarios/revenue-models.toml --baseline user-fees --confidence 0.95

Every variant runs the same trials with the same random numbers (the first
variant's seed), so each difference is estimated from per-trial differences:
its interval is much narrower than comparing separate runs. Every pair is
differenced (compare-pairs.csv); variants are ranked by mean gap NPV, each
with the ranks its paired 95% intervals leave possible (each interval
widened by Bonferroni over all pairs, so that they hold together). Writes compare.csv, compare-pairs.csv, compare.json, two charts,
report.xlsx and report.html to output/<scenario>-compare/.")]
    Compare(CompareArgs),
    /// Planning-stage scorecard per service: canvas, responsibility, funding, grants, diversity, upkeep, value
    #[command(after_help = "Examples:
  fundgap evaluate scenarios/daejeon-challenge.toml
  fundgap evaluate my-city.toml --trials 20000 --no-sensitivity

Rates every service and the portfolio green, amber or red on eight criteria,
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
    /// Which combinations of inputs lead to a gap (PRIM scenario discovery)
    #[command(after_help = "Examples:
  fundgap discover scenarios/daejeon-challenge.toml
  fundgap discover my-city.toml --trials 50000 --min-coverage 0.7

Samples trials 0..TRIALS and, for each service and the portfolio, finds with
PRIM (the patient rule induction of the EMA Workbench and RAND's robust
decision making) the box of inputs where gaps concentrate, as a rule:
\"a gap in 87% of trials where opex_ratio > 0.18 and city-budget.amount < 480;
these trials hold 64% of all gaps\". Density is the share of the box's trials
with a gap, coverage the share of all gaps inside it. Writes discovery.csv,
discovery.json and discovery.png/svg (each service's peeling trade-off).")]
    Discover(DiscoverArgs),
    /// Write a commented starter scenario to edit
    #[command(after_help = "Examples:
  fundgap init                        # writes scenario.toml with 2 services
  fundgap init my-city.toml --services 5
  fundgap init - > my-city.toml       # to standard output
  fundgap init --xlsx my-city.xlsx    # an Excel workbook to fill in")]
    Init(InitArgs),
    /// Convert a scenario between TOML and an Excel workbook (.xlsx), either way
    #[command(after_help = "Examples:
  fundgap convert scenarios/ucity-baseline.toml ucity.xlsx
  fundgap convert my-city.xlsx my-city.toml

The direction follows OUT's extension (.xlsx writes a workbook, anything
else TOML). The scenario is validated first; a workbook holds the same
model as the file it came from (comments are not kept).")]
    Convert(ConvertArgs),
    /// Redraw the charts of a finished run from its charts.json, without simulating
    #[command(after_help = "Examples:
  fundgap chart output/ucity-baseline
  fundgap chart output/ucity-baseline --image-format svg --width 800 --height 500
  fundgap chart output/my-city --font /usr/share/fonts/NanumGothic.ttf --title \"세종 5-1\"")]
    Chart(ChartArgs),
    /// Score the stop rule against what happened (Brier score) on back-test scenarios
    #[command(after_help = "Examples:
  fundgap backtest scenarios/backtest/*.toml
  fundgap backtest scenarios/backtest/incheon-imod.toml --trials 100000 --out results/backtest

Every service with a [service.outcome] table is a case: the model's
probability that its stop rule had fired by the end of the outcome's year is
the forecast, and the Brier score (the mean squared difference between
forecast and outcome, 1 stopped or 0 running) scores all cases together;
0 is perfect, 0.25 is what 50% for every case scores. Writes backtest.csv,
backtest.md and backtest.json to output/backtest unless --out is given.")]
    Backtest(BacktestArgs),
    /// Join the parts of a sharded run (run --shard / stress --shard) into its outputs
    #[command(after_help = "Examples:
  fundgap run my-city.toml --trials 1000000 --shard 1/4    # ... and 2/4, 3/4, 4/4, anywhere
  fundgap merge output/my-city.part-*-of-4                 # output/my-city/, as a single run writes it
  fundgap merge parts/*.part-* --out results/my-city --lang ko

The parts may come in any order; together they must hold every trial (or
stress cell) exactly once, from the same scenario, overrides, seed, trial
count and fundgap version, and each must be intact (it carries a SHA-256
checksum): otherwise merge names the part and what is wrong, and writes
nothing. The merged files are byte for byte those of one run of all trials
(summary.json's elapsed_seconds and threads aside: they add up the shards').
Scripts for Slurm job arrays and Kubernetes Indexed Jobs are in deploy/.")]
    Merge(MergeArgs),
    /// Open a local web page for what-if questions: move an input, see P(gap) change
    #[command(after_help = "Examples:
  fundgap serve                                   # the shipped scenarios; opens the browser
  fundgap serve my-city.toml my-city.xlsx         # your files too (uploads work as well)
  fundgap serve --no-open --port 8080             # print the address instead of opening it

The page runs on this computer only (127.0.0.1) and needs no network: it
works offline. Choose a scenario, move the what-if controls (the year the
national grant is withdrawn, a grant cut, the fee per use, the city's
appropriation, materiality, the confidence level) and see P(gap) by year, the fan chart, P(stopped) and the
funding requirement, in 억 원, with the Monte Carlo precision. Each result
is exactly that of the `fundgap run ... --set ...` command the page shows.
Two settings can be compared side by side on the same random numbers;
report.xlsx, report.html and the scenario with its changes download from
the page. Ctrl-C stops the server.")]
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A compact table for people
    Table,
    /// summary.json on standard output
    Json,
}

impl Command {
    /// The command's `--lang`, where it has one and it was given: the
    /// language its errors are told in, whatever the scenario asks.
    pub(crate) fn lang(&self) -> Option<Lang> {
        match self {
            Command::Run(a) => a.lang,
            Command::Check(a) => a.lang,
            Command::Stress(a) => a.lang,
            Command::Compare(a) => a.lang,
            Command::Evaluate(a) => a.lang,
            Command::Sensitivity(a) => a.lang,
            Command::Discover(a) => a.lang,
            Command::Backtest(a) => a.lang,
            Command::Merge(a) => a.lang,
            Command::Init(a) => a.lang,
            Command::Chart(a) => a.lang,
            Command::Convert(_) | Command::Serve(_) => None,
        }
    }
}

impl Format {
    pub(crate) fn printed(self) -> fundgap_report::output::Printed {
        match self {
            Format::Table => fundgap_report::output::Printed::Table,
            Format::Json => fundgap_report::output::Printed::Json,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML or .xlsx). Without it: scenarios/ucity-baseline.toml if
    /// present in the current directory, else the copy built into fundgap
    pub scenario: Option<PathBuf>,
    /// Number of trials (overrides the scenario's `trials`)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: output/<scenario file name>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// What to print on standard output
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The budget year plan.csv's five years (the 중기지방재정계획's frame)
    /// start from [default: this year, moved into the horizon]
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1900..=2200))]
    pub from: Option<i32>,
    /// Run until every reported probability (P(gap) each year, P(any gap))
    /// has a 95% half-width at most H, e.g. 0.005 for half a percentage
    /// point: blocks of trials, each continuing the last, so the result is
    /// exactly that of --trials N for the N it stops at (--trials sets the
    /// first block)
    #[arg(long, value_name = "H", value_parser = share_open)]
    pub precision: Option<f64>,
    /// With --precision, also run until each gap NPV mean's 95% half-width
    /// is at most this share of the mean (0.01: within 1%)
    #[arg(long, value_name = "R", value_parser = share_open, requires = "precision")]
    pub precision_npv: Option<f64>,
    /// With --precision, never run more trials than this
    #[arg(long, value_name = "N", default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1..), requires = "precision")]
    pub max_trials: u64,
    /// Simulate only shard K of N of the trials (K counts from 1) and write
    /// a partial-aggregate file instead of results: --out names that file
    /// [default: output/<scenario>.part-K-of-N]. `fundgap merge` turns all
    /// N parts into exactly the outputs of the single run (see deploy/ for
    /// Slurm and Kubernetes)
    #[arg(long, value_name = "K/N", conflicts_with = "precision")]
    pub shard: Option<fundgap::stats::part::Shard>,
    /// Confidence levels of the funding requirement: the yearly top-up (in
    /// start-year prices) or extra opening reserve that would have kept
    /// each service gap-free in this share of trials; horizon.csv's
    /// topup_p90 / reserve_p90 columns for 0.9
    #[arg(
        long,
        value_name = "LEVELS",
        value_delimiter = ',',
        default_value = "0.9",
        value_parser = confidence_level
    )]
    pub confidence: Vec<f64>,
    /// Do not write report.xlsx (the Excel workbook: summary, yearly and
    /// horizon tables, native charts, how the run was made)
    #[arg(long)]
    pub no_xlsx: bool,
    /// Do not write report.html (one self-contained page: the result
    /// table, every chart, how to reproduce the run; prints to A4)
    #[arg(long)]
    pub no_html: bool,
    /// Language of the terminal table, the charts, report.xlsx and report.html: ko writes labels
    /// in Korean and won amounts in 억 원 (or 백만 원) [default: the
    /// scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Scenario files (TOML or .xlsx) to offer besides the shipped ones
    pub scenarios: Vec<PathBuf>,
    /// Port to listen on; 0 picks a free one (the address is printed on
    /// standard output either way)
    #[arg(long, default_value_t = 8350)]
    pub port: u16,
    /// Address to listen on. Anything but 127.0.0.1 or ::1 lets other
    /// computers reach the page, and run simulations on this one: only on
    /// a network you trust (a warning says so)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Do not open the browser; only print the page's address
    #[arg(long)]
    pub no_open: bool,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Part files written by `run --shard` or `stress --shard`, in any order
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output directory [default: where the single run would write:
    /// output/<scenario file name> or output/<scenario>-stress]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// What to print on standard output (a merged run)
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Do not write report.xlsx
    #[arg(long)]
    pub no_xlsx: bool,
    /// Do not write report.html (a merged run or stress grid)
    #[arg(long)]
    pub no_html: bool,
    #[command(flatten)]
    pub charts: ChartOpts,
    /// Language of the table, charts and reports [default: the scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// A merged stress grid: report the earliest withdrawal year keeping
    /// P(any gap) below this
    #[arg(long, default_value_t = 0.10, value_parser = probability)]
    pub target: f64,
    /// No status messages
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// File to write (`-` for standard output)
    #[arg(default_value = "scenario.toml")]
    pub file: PathBuf,
    /// Number of services in the template
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub services: u16,
    /// Overwrite the file if it exists
    #[arg(long)]
    pub force: bool,
    /// Language of the template's comments: ko writes them in Korean and
    /// sets `lang = "ko"`, so every report of the scenario is Korean
    /// [default: en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Write the template as an Excel workbook to fill in (also when FILE
    /// ends in .xlsx)
    #[arg(long)]
    pub xlsx: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    /// Scenario to read (TOML or .xlsx)
    pub input: PathBuf,
    /// File to write: a workbook if it ends in .xlsx, else TOML
    pub output: PathBuf,
    /// Overwrite OUTPUT if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ChartArgs {
    /// Output directory of a finished run (holding charts.json)
    pub run_dir: PathBuf,
    /// Image formats to write (`--format` elsewhere means what is printed
    /// on standard output; here it is kept as an alias)
    #[arg(long = "image-format", alias = "format", value_enum, default_value_t = ImageFormat::Both)]
    pub image_format: ImageFormat,
    /// Image width in pixels
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(200..=20000))]
    pub width: u32,
    /// Image height in pixels
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(150..=20000))]
    pub height: u32,
    /// Title to use instead of the scenario name
    #[arg(long)]
    pub title: Option<String>,
    /// Language of the labels: ko redraws them in Korean with won amounts
    /// in 억 원, en in English in the scenario's money [default: the
    /// run's own, from charts.json]. With --lang, report.html and
    /// report.xlsx are written again in it too: the run is made again from
    /// what summary.json records (scenario file, --set, seed, trials) and
    /// must give the folder's own tables, else nothing is changed
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// TTF/OTF font for chart text [default: embedded DejaVu Sans, or Nanum Square for Hangul names]
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
}

/// A precision target: a share strictly between 0 and 1.
fn share_open(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a share such as 0.005"))?;
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(format!(
            "{x} is not a half-width strictly between 0 and 1 (0.005 is half a percentage point)"
        ))
    }
}

/// A probability target: a number from 0 to 1 (NaN is refused).
fn probability(s: &str) -> Result<f64, String> {
    let p: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a probability such as 0.1"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{p} is not a probability between 0 and 1"))
    }
}

/// A confidence level: a share strictly between 0 and 1.
fn confidence_level(s: &str) -> Result<f64, String> {
    let q: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a share of trials such as 0.9"))?;
    if q > 0.0 && q < 1.0 {
        Ok(q)
    } else {
        Err(format!(
            "{q} is not a share of trials strictly between 0 and 1 (0.9 means gap-free in 90% of trials)"
        ))
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Scenario file (TOML or .xlsx)
    pub scenario: PathBuf,
    /// Override a scenario key before checking (repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Language of the description: ko writes it in Korean, amounts in the
    /// scenario's own unit as the file gives them (백만 원 unless its `unit`
    /// says otherwise) [default: the scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}
