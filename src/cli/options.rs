//! Option groups and value kinds that several commands share (flattened
//! into their argument structs in `args.rs`).

use std::path::PathBuf;

use clap::Args;

use fundgap::model::Language;
use fundgap::scenario::Override;

/// Which sensitivity analysis to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Method {
    /// Rank correlations and the one-at-a-time tornado
    Tornado,
    /// Sobol indices (Saltelli sampling, Jansen and Saltelli-2010 estimators)
    Sobol,
    /// Both, written side by side
    Both,
}

/// Which image files `chart` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ImageFormat {
    /// PNG only (for slides and word processors)
    Png,
    /// SVG only (scalable, for print)
    Svg,
    /// A PNG and an SVG of each chart
    Both,
}

impl From<ImageFormat> for fundgap_report::charts::ImageFormat {
    fn from(f: ImageFormat) -> Self {
        match f {
            ImageFormat::Png => Self::Png,
            ImageFormat::Svg => Self::Svg,
            ImageFormat::Both => Self::Both,
        }
    }
}

/// A report language on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Lang {
    /// English
    En,
    /// Korean (한국어)
    Ko,
}

impl Lang {
    /// The language to write in: this one if given, else the scenario's.
    /// It is the language the command's refusals are told in from then
    /// on too ([`fundgap_report::lang::speak`]).
    pub(crate) fn or_scenario(lang: Option<Lang>, model: &fundgap::model::Model) -> Language {
        let lang = lang.map_or_else(|| model.language(), Lang::language);
        fundgap_report::lang::speak(lang);
        lang
    }

    /// The language this flag names.
    pub(crate) fn language(self) -> Language {
        match self {
            Lang::En => Language::En,
            Lang::Ko => Language::Ko,
        }
    }
}

/// How a simulating command changes the scenario it reads: the same two
/// flags everywhere.
#[derive(Debug, Args)]
pub(crate) struct Changes {
    /// Random seed (overrides the scenario's `seed`); same seed, same
    /// results, on any machine and thread count
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario key, e.g. --set
    /// service.smart-parking.funding.city-budget.amount=200 (repeatable;
    /// validated like the file; `compare` applies it to every variant).
    /// `*` for a service id or line name means every one at that level:
    /// service.*.opex_ratio=0.2, service.*.funding.*.downturn_multiplier=0.5;
    /// overrides apply in order, so a later one wins
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
    /// Run the scenario as its [[variant]] of this name: the variant's
    /// `set` applied as --set overrides before any --set given, so a --set
    /// of the same key wins (in `compare`, which runs every variant, the
    /// variant's set wins over --set), and recorded with them
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
}

/// Options of every command that simulates.
#[derive(Debug, Args)]
pub(crate) struct RunOpts {
    /// Worker threads [default: all cores, or RAYON_NUM_THREADS]; results
    /// do not depend on it
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar or status messages
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even when the estimated time is over two hours
    #[arg(long)]
    pub long: bool,
}

/// Options shared by the commands that simulate and draw charts.
#[derive(Debug, Args)]
pub(crate) struct CommonOpts {
    #[command(flatten)]
    pub run: RunOpts,
    #[command(flatten)]
    pub charts: ChartOpts,
}

/// Whether and with which font charts are drawn (the commands that
/// simulate, and `merge`).
#[derive(Debug, Args)]
pub(crate) struct ChartOpts {
    /// Do not draw charts (tables are still written)
    #[arg(long)]
    pub no_charts: bool,
    /// TTF/OTF font for chart text [default: embedded DejaVu Sans, or Nanum Square for Hangul names]
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
}

/// Whether a command may replace an output directory holding what fundgap
/// did not write (every command that writes one).
#[derive(Debug, Args)]
pub(crate) struct Replace {
    /// Replace the output directory even where it holds files or folders
    /// fundgap did not write (without this, fundgap refuses and names
    /// them); they are named, then removed. Never the current directory,
    /// one holding it, or one holding the command's inputs
    #[arg(long)]
    pub force: bool,
}
