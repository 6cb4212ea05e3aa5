//! Typed errors of the library.
//!
//! Scenario problems are collected into one [`ScenarioError`] holding every
//! [`Diagnostic`] found in a file, so a user fixes them in one pass. The
//! binary maps [`Error::is_user_error`] to exit code 2.
//!
//! A problem is told in the scenario's language: each [`Diagnostic`]
//! carries its English message and, where the check wrote one, the same
//! message in Korean ([`Said`]); a [`ScenarioError`] is displayed in
//! Korean where the file asked for it (`[scenario] lang = "ko"`) or a
//! shell says so with [`ScenarioError::in_korean`]. (This module is the
//! bottom layer: it knows the two languages as a flag, not as the
//! model's `Language`.)

use std::fmt;
use std::path::PathBuf;

/// A problem's message in English and, where one was written, in Korean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// The message in English.
    pub en: String,
    /// The same message in Korean.
    pub ko: Option<String>,
}

impl Said {
    /// A message in both languages.
    pub fn both(en: impl Into<String>, ko: impl Into<String>) -> Self {
        Said {
            en: en.into(),
            ko: Some(ko.into()),
        }
    }

    /// This message followed by `more`: Korean only where both parts
    /// have it, so that a message is never half in one language.
    pub fn then(self, more: Said) -> Self {
        Said {
            en: self.en + &more.en,
            ko: self.ko.zip(more.ko).map(|(a, b)| a + &b),
        }
    }

    /// Nothing, in both languages (a hint that does not apply).
    pub fn empty() -> Self {
        Said::both("", "")
    }
}

impl From<String> for Said {
    fn from(en: String) -> Self {
        Said { en, ko: None }
    }
}

impl From<&str> for Said {
    fn from(en: &str) -> Self {
        Said::from(en.to_string())
    }
}

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
    /// The same in Korean, where the check wrote it.
    pub korean: Option<String>,
}

impl Diagnostic {
    /// A problem at `line`:`column` of `file` (0 for no place), with its
    /// message in one language or both.
    pub fn new(file: &str, (line, column): (usize, usize), path: &str, said: Said) -> Self {
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            path: path.to_string(),
            message: said.en,
            korean: said.ko,
        }
    }

    /// The message in Korean where asked for and written, else English.
    pub fn message_in(&self, korean: bool) -> &str {
        match (korean, &self.korean) {
            (true, Some(ko)) => ko,
            _ => &self.message,
        }
    }

    /// The problem as one line, its message in Korean where asked for
    /// and written.
    pub fn told(&self, korean: bool) -> String {
        let mut line = if self.line > 0 {
            format!("{}:{}:{}: ", self.file, self.line, self.column)
        } else {
            format!("{}: ", self.file)
        };
        if !self.path.is_empty() {
            line.push_str(&format!("`{}`: ", self.path));
        }
        line.push_str(self.message_in(korean));
        line
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.told(false))
    }
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the problems are told in Korean: the file's `[scenario]
    /// lang = "ko"` where it could be read, or a command's `--lang ko`.
    pub korean: bool,
    /// The scenario the problems are in, as the user named it, where it
    /// is known (a problem of an override is placed at the override).
    pub file: Option<String>,
}

impl ScenarioError {
    /// Problems told in English until the file's language is known.
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        ScenarioError {
            diagnostics,
            korean: false,
            file: None,
        }
    }

    /// The same problems, as those of the scenario named `file`.
    pub fn of_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }

    /// The same problems, told in Korean or in English (a scenario's
    /// `lang`, a command's `--lang`).
    pub fn in_korean(mut self, korean: bool) -> Self {
        self.korean = korean;
        self
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        let file = self
            .file
            .as_deref()
            .or(self.diagnostics.first().map(|d| d.file.as_str()))
            .unwrap_or("scenario");
        if self.korean {
            writeln!(f, "{file}: 시나리오에 문제가 {n}개 있습니다:")?;
        } else {
            writeln!(
                f,
                "{file} is not a valid scenario ({n} problem{}):",
                if n == 1 { "" } else { "s" }
            )?;
        }
        for d in &self.diagnostics {
            writeln!(f, "  {}", d.told(self.korean))?;
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
