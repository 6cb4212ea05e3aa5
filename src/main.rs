//! The `fundgap` binary: parses arguments, runs the command, maps errors to
//! exit codes (0 success, 2 bad input, 1 other failure).

use std::process::ExitCode;

use clap::Parser;
use fundgap::model::Language;

// `status!`: stderr lines that never panic (fundgap-report's).
#[macro_use]
extern crate fundgap_report;

// The CLI's doc comments are its --help text, written for the terminal
// (`output/<scenario>`, `[[variant]]`), not for rustdoc.
#[allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]
mod cli;

fn main() -> ExitCode {
    // The switch that proves the vector kernels compute what the portable
    // ones do (tests/it/corpus.rs compares the two runs' outputs byte for byte).
    if std::env::var_os("FUNDGAP_SIMD").is_some_and(|v| v == "portable") {
        fundgap::kernels::force_portable(true);
    }
    let cli = cli::Cli::parse();
    let lang = cli.command.lang().map(cli::Lang::language);
    if let Some(lang) = lang {
        fundgap_report::lang::speak(lang);
    }
    match cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A problem in a workbook's scenario, told at its cell, in the
            // command's --lang or else the scenario's own.
            let e = match (fundgap_report::book::locate(e), lang) {
                (fundgap::Error::Scenario(s), Some(lang)) => {
                    fundgap::Error::Scenario(s.in_korean(lang == Language::Ko))
                }
                (e, _) => e,
            };
            let korean = match &e {
                fundgap::Error::Scenario(s) => s.korean,
                _ => fundgap_report::lang::spoken() == Language::Ko,
            };
            let text = e.to_string();
            // Messages quote the scenario's names: no control characters
            // reach the terminal.
            let text = fundgap::format::terminal_safe(text.trim_end());
            if korean {
                status!("오류: {text}");
            } else {
                status!("error: {text}");
            }
            if e.is_user_error() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
