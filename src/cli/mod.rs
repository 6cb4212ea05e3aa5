//! The command line: argument definitions and the commands behind them.
//!
//! This is the edge of the program: it reads files, measures time, draws
//! the progress bar and prints. Everything it computes comes from the
//! library's pure parts. [`args`] is what clap parses; each command has its
//! own file; [`common`] holds what they share.

/// `$en` or `$ko`, whichever is `$lang` (a `fundgap::model::Language`),
/// formatted with the same arguments: a sentence that quotes values keeps
/// both languages side by side where it is written, as `Language::t` does
/// for fixed words. `format!` refuses a positional argument a text leaves
/// unused; a value captured by name (`{n}`) is not checked, so a text may
/// leave one out on purpose (a word English needs and Korean does not).
macro_rules! in_lang {
    ($lang:expr, $en:literal, $ko:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            fundgap::model::Language::En => format!($en $(, $arg)*),
            fundgap::model::Language::Ko => format!($ko $(, $arg)*),
        }
    };
}

/// A status line on standard error in the command's report language:
/// [`in_lang!`] written as `status!` writes.
macro_rules! say {
    ($lang:expr, $($text:tt)*) => {
        status!("{}", in_lang!($lang, $($text)*))
    };
}

mod args;
mod backtest;
mod chart;
mod check;
mod common;
mod compare;
mod convert;
mod discover;
mod evaluate;
mod init;
mod merge;
mod options;
mod run;
mod serve;
mod shard;
mod stress;
mod template;

pub(crate) use args::Cli;
use args::Command;
use fundgap::error::{Error, Result};
pub(crate) use options::Lang;

/// Runs a parsed command line.
pub(crate) fn execute(cli: Cli) -> Result<()> {
    common::install_interrupt_handler();
    common::init_global_pool();
    // Whether the command may remove what fundgap did not write, and the
    // chart font it reads: an input too, so no output directory holding
    // it is replaced.
    let (force, font) = match &cli.command {
        Command::Run(a) => (a.replace.force, a.common.charts.font.as_deref()),
        Command::Stress(a) => (a.replace.force, a.common.charts.font.as_deref()),
        Command::Compare(a) => (a.replace.force, a.common.charts.font.as_deref()),
        Command::Sensitivity(a) => (a.replace.force, a.common.charts.font.as_deref()),
        Command::Discover(a) => (a.replace.force, a.common.charts.font.as_deref()),
        Command::Evaluate(a) => (a.replace.force, a.common.charts.font.as_deref()),
        Command::Merge(a) => (a.replace.force, a.charts.font.as_deref()),
        Command::Backtest(a) => (a.replace.force, None),
        Command::Chart(a) => (false, a.font.as_deref()),
        Command::Check(_) | Command::Init(_) | Command::Convert(_) | Command::Serve(_) => {
            (false, None)
        }
    };
    fundgap_report::ownership::set_force(force);
    // The command its output folders record; `merge` says which results
    // it merged once it has read the parts, and `chart` adds to a run's.
    let writer = match &cli.command {
        Command::Run(_) => Some("run"),
        Command::Stress(_) => Some("stress"),
        Command::Compare(_) => Some("compare"),
        Command::Sensitivity(_) => Some("sensitivity"),
        Command::Discover(_) => Some("discover"),
        Command::Evaluate(_) => Some("evaluate"),
        Command::Backtest(_) => Some("backtest"),
        Command::Merge(_)
        | Command::Chart(_)
        | Command::Check(_)
        | Command::Init(_)
        | Command::Convert(_)
        | Command::Serve(_) => None,
    };
    if let Some(writer) = writer {
        fundgap_report::ownership::set_command(writer);
    }
    if let Some(font) = font {
        fundgap_report::ownership::protect(font);
    }
    // A command that runs one scenario reads its --variant first.
    macro_rules! one_variant {
        ($args:ident, $command:path) => {{
            common::resolve_variant(
                &mut $args.changes,
                $args.scenario.as_deref(),
                ($args.common.run.quiet, $args.lang),
            )?;
            $command(&$args)
        }};
    }
    match cli.command {
        Command::Run(mut args) => one_variant!(args, run::run),
        Command::Check(args) => check::check(&args),
        Command::Chart(args) => chart::chart(&args),
        Command::Stress(mut args) => one_variant!(args, stress::stress),
        Command::Compare(args) if args.changes.variant.is_some() => Err(Error::Usage(
            "compare runs every [[variant]] (or every file) given; --variant chooses one for the \
             other commands: name the baseline with --baseline"
                .into(),
        )),
        Command::Compare(args) => compare::compare(&args),
        Command::Init(args) => init::init(&args),
        Command::Convert(args) => convert::convert(&args),
        Command::Sensitivity(mut args) => one_variant!(args, evaluate::sensitivity),
        Command::Evaluate(mut args) => one_variant!(args, evaluate::evaluate),
        Command::Discover(mut args) => one_variant!(args, discover::discover),
        Command::Backtest(args) => backtest::backtest(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Serve(args) => serve::serve(&args),
    }
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
