//! The `fundgap` binary: parses arguments, runs the command, maps errors to
//! exit codes (0 success, 2 bad input, 1 other failure).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fundgap::cli::Cli::parse();
    match fundgap::cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = e.to_string();
            eprintln!("error: {}", text.trim_end());
            if e.is_user_error() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
