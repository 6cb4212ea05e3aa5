//! Typed errors of the library.
//!
//! Scenario problems are collected into one [`ScenarioError`] holding every
//! [`Diagnostic`] found in a file, so a user fixes them in one pass. The
//! binary maps [`Error::is_user_error`] to exit code 2.

use std::fmt;
use std::path::PathBuf;

/// One problem in a scenario file, located by line, column and key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it (or `<built-in ...>`).
    pub file: String,
    /// 1-based line; 0 when the problem has no place in the file (a
    /// command-line override, for instance).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Key path such as `service[2].funding[1].withdrawal_hazard`
    /// (array indices count from 1, in file order).
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        let file = self
            .diagnostics
            .first()
            .map(|d| d.file.as_str())
            .unwrap_or("scenario");
        writeln!(
            f,
            "{file} is not a valid scenario ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.diagnostics {
            writeln!(f, "  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Errors of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file is invalid.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file to read is larger than any valid one (or endless, as a device).
    #[error("{} is larger than {} MiB, more than any {what} could be; is it the right file?", path.display(), limit >> 20)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The largest size accepted, in bytes.
        limit: u64,
        /// What the file should have been.
        what: &'static str,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Bad command-line arguments.
    #[error("{0}")]
    Usage(String),
    /// CSV encoding failed.
    #[error("cannot write CSV {}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// JSON encoding failed.
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A trial produced an amount that is not a finite number; the message
    /// names the trial, service, year and amount.
    #[error("{0}")]
    NonFinite(String),
    /// Parts given to `fundgap merge` that are not one whole run.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// The run was interrupted (Ctrl-C); nothing was written.
    #[error("interrupted: nothing was written, previous results are unchanged")]
    Interrupted,
}

impl Error {
    /// Whether the user's input (file, flags, values) is at fault: exit 2.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Scenario(_)
                | Error::Usage(_)
                | Error::Read { .. }
                | Error::TooLarge { .. }
                | Error::Merge(_)
        )
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
