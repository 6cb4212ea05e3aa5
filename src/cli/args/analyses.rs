//! The arguments of the analyses: stress, compare, sensitivity, discover,
//! evaluate, backtest.

use super::*;

#[derive(Debug, Args)]
pub(crate) struct StressArgs {
    /// Scenario file (TOML or .xlsx) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Stream to withdraw or cut, by name (repeatable) [default: every grant]
    #[arg(long = "stream", value_name = "NAME")]
    pub streams: Vec<String>,
    /// Only streams of this service, and report this service instead of
    /// the portfolio (its id, or its name as the reports show it)
    #[arg(long, value_name = "ID")]
    pub service: Option<String>,
    /// Withdrawal years: `all`, a list `2026,2028` or a range `2026-2030`;
    /// years in which no chosen stream pays are left out (and named)
    #[arg(long, default_value = "all")]
    pub years: String,
    /// Cut levels in percent (50 or 50% for half; 0.5 is refused as a
    /// share typed by habit)
    #[arg(
        long,
        default_value = "0,25,50,75,100",
        value_delimiter = ',',
        allow_negative_numbers = true,
        value_parser = percent_cut
    )]
    pub cuts: Vec<f64>,
    /// Sweep a numeric key instead: PATH=v1,v2,... (at most twice)
    #[arg(long, value_name = "PATH=V1,V2,...")]
    pub sweep: Vec<String>,
    /// Report the earliest withdrawal year keeping P(any gap) below this
    #[arg(long, default_value_t = 0.10, value_parser = probability)]
    pub target: f64,
    /// Confidence level of each cell's funding requirement: the constant
    /// yearly top-up (in start-year prices) that would have kept the
    /// reported service or portfolio gap-free in this share of trials
    /// under the cell's cut, as `run --confidence` reports it
    #[arg(long, default_value_t = 0.9, value_parser = confidence_level)]
    pub confidence: f64,
    /// Run only shard K of N of the grid's cells (K counts from 1) and
    /// write a partial-aggregate file: --out names it [default:
    /// output/<scenario>-stress.part-K-of-N]; `fundgap merge` joins them
    #[arg(long, value_name = "K/N")]
    pub shard: Option<fundgap::stats::part::Shard>,
    /// Trials per cell [default: the scenario's `trials`, as for `run`]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: output/<scenario file name>-stress]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// Language of the terminal table, the heatmap, report.xlsx and
    /// report.html: ko writes them in Korean with won amounts in 억 원
    /// [default: the scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Do not write report.xlsx (the Excel workbook of these results)
    #[arg(long)]
    pub no_xlsx: bool,
    /// Do not write report.html (the grid's tables, notes and heatmap on
    /// one self-contained page)
    #[arg(long)]
    pub no_html: bool,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// One scenario file with [[variant]] tables, or several scenario files
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Compare this service instead of the portfolio (its id, or its name
    /// as the reports show it)
    #[arg(long, value_name = "ID")]
    pub service: Option<String>,
    /// The variant the others are differenced against, by name (a
    /// [[variant]]'s name or a file's stem) [default: the first]
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Confidence level of each variant's funding requirement: the
    /// constant yearly top-up (in start-year prices) that would have kept
    /// the compared service or portfolio gap-free in this share of trials
    #[arg(long, default_value_t = 0.9, value_parser = confidence_level)]
    pub confidence: f64,
    /// Number of trials [default: the first variant's `trials`]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: output/<first file name>-compare]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// Language of the terminal table, the charts, report.xlsx and
    /// report.html: ko writes them in Korean with won amounts in 억 원
    /// [default: the first scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Do not write report.xlsx (the Excel workbook of these results)
    #[arg(long)]
    pub no_xlsx: bool,
    /// Do not write report.html (the tables, the ranking and the charts
    /// on one self-contained page)
    #[arg(long)]
    pub no_html: bool,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (TOML or .xlsx) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Trials sampled for rank correlations (`--trials` says the same: the
    /// tornado's runs have their own count, --oat-trials)
    #[arg(long, visible_alias = "trials", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(2..))]
    pub sample: u64,
    /// Trials per one-at-a-time run of the tornado
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub oat_trials: u64,
    /// tornado: rank correlations and one-at-a-time swings; sobol:
    /// variance-based first-order and total indices (they see
    /// interactions); both: the two side by side
    #[arg(long, value_enum, default_value_t = Method::Tornado)]
    pub method: Method,
    /// Rows of each Sobol sample matrix: the analysis simulates this many
    /// trials times (uncertain inputs + 2); at least 20, and below a few
    /// thousand the estimates are noisy (a warning says when they leave 0..1)
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(20..))]
    pub sobol_trials: u64,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: output/<scenario file name>-sensitivity,
    /// -sobol with --method sobol, -sensitivity-both with both: one
    /// method's results never replace another's]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// Do not write report.html (the drivers or indices with their
    /// uncertainty, the charts, how to read and reproduce them)
    #[arg(long)]
    pub no_html: bool,
    /// Language of the terminal table, the charts and report.html: ko
    /// writes them in Korean with won amounts in 억 원 [default: the
    /// scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub(crate) struct DiscoverArgs {
    /// Scenario file (TOML or .xlsx) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Trials sampled (0..N of the seed)
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(100..))]
    pub trials: u64,
    /// Smallest share of all gaps the reported box must hold (its coverage)
    #[arg(long, default_value_t = 0.5, value_parser = share_open)]
    pub min_coverage: f64,
    /// Share of the box's trials peeled away at each step
    #[arg(long, default_value_t = 0.05, value_parser = share_open)]
    pub alpha: f64,
    /// Smallest share of all trials a box may hold
    #[arg(long, default_value_t = 0.05, value_parser = share_open)]
    pub min_support: f64,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: output/<scenario file name>-discovery]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// Do not write report.html (the boxes with their coverage and
    /// density, the charts, how to read and reproduce them)
    #[arg(long)]
    pub no_html: bool,
    /// Language of the rules printed, the chart and report.html: ko writes
    /// them in Korean [default: the scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub(crate) struct EvaluateArgs {
    /// Scenario file (TOML or .xlsx) [default: the baseline, as for `run`]
    pub scenario: Option<PathBuf>,
    /// Trials for the funding figures [default: the scenario's `trials`]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    #[command(flatten)]
    pub changes: Changes,
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
    pub replace: Replace,
    /// Language of the scorecard and its reasons (terminal, evaluation.md,
    /// report.xlsx, report.html) and the tornado charts: ko writes them in
    /// Korean with won amounts in 억 원 [default: the scenario's `lang`,
    /// else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Do not write report.html (the scorecard, results and charts in one
    /// file)
    #[arg(long)]
    pub no_html: bool,
    /// Do not write report.xlsx (the Excel workbook of these results)
    #[arg(long)]
    pub no_xlsx: bool,
    #[command(flatten)]
    pub common: CommonOpts,
}

#[derive(Debug, Args)]
pub(crate) struct BacktestArgs {
    /// Back-test scenario files (TOML), each with services that have a [service.outcome]
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Trials per scenario [default: each scenario's `trials`]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Random seed (overrides each scenario's)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Every take-over decision's chance of a stop to re-score the cases
    /// with, beside each file's own (the prior's sensitivity; each
    /// decision keeps its chance of a shrink)
    #[arg(long, value_delimiter = ',', value_name = "P,...", default_values_t = [0.3, 0.6])]
    pub prior_stop: Vec<f64>,
    /// Resamples of the cluster bootstrap of the score's differences
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=1_000_000))]
    pub resamples: u64,
    /// Output directory [default: output/backtest]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub replace: Replace,
    /// Language of backtest.md and the table: ko writes them in Korean
    /// [default: the first scenario's `lang`, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    #[command(flatten)]
    pub run: RunOpts,
}

/// A cut in percent, with or without its sign (`50`, `50%`).
fn percent_cut(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let n = t.strip_suffix('%').unwrap_or(t).trim();
    n.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("`{s}` is not a percentage; give cuts such as 25,50,100"))
}
