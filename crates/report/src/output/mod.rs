//! One pipeline for every result. Each result type says what it writes by
//! implementing [`Output`] (one file per result in this folder); [`write`]
//! turns any of them into an output folder the same way: staged, the
//! workbook built beside the charts, committed as a unit. The shells (the
//! CLI, later the web app and the Python package) call [`write`] and print
//! [`Output::printed`]; none of them knows which files a result has.
//!
//! Adding an analysis: its library module, one file here implementing
//! [`Output`], and the command that builds its inputs and calls the shell's
//! `deliver`.

mod backtest;
mod compare;
mod discovery;
mod evaluation;
mod run;
mod sensitivity;
mod stress;

use std::path::{Path, PathBuf};

use fundgap::error::{Error, Result};
use fundgap::model::Language;

use crate::charts;
use crate::staging::{Sink, Staging};

pub use backtest::BacktestOutput;
pub use compare::CompareOutput;
pub use discovery::DiscoveryOutput;
pub use evaluation::EvaluationOutput;
pub use run::{Printed, RunOutput};
pub use sensitivity::SensitivityOutput;
pub use stress::StressOutput;

/// How a result is written: everything that changes no number.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    /// The language of every label, name and unit.
    pub lang: Language,
    /// Whether to write report.xlsx (for results that have one).
    pub workbook: bool,
    /// Whether to write report.html (for results that have one).
    pub html: bool,
    /// Whether to draw charts (tables are written either way).
    pub charts: bool,
    /// A TTF/OTF font file for chart text instead of the embedded ones.
    pub font: Option<&'a Path>,
    /// The workbook's "how it was made" rows (version, command).
    pub made_by: Vec<(&'static str, String)>,
}

/// Files held in memory as (name, bytes), in the order they are written.
pub type Files = Vec<(String, Vec<u8>)>;

/// What one result writes. Only [`Output::files`] and
/// [`Output::printed`] are required: a result without a workbook, charts
/// or page leaves those out.
pub trait Output: Sync {
    /// The tables, JSON and Markdown files, in order.
    fn files(&self, lang: Language) -> Result<Files>;

    /// report.xlsx, given [`Output::files`] (whose CSV tables it may hold
    /// as sheets); None when the result has no workbook.
    fn workbook(&self, _files: &Files, _s: &Settings) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    /// Every text the charts and the page show, for the font choice
    /// (`files` are [`Output::files`], which often hold it already);
    /// empty when the result draws nothing.
    fn chart_text(&self, _files: &Files, _lang: Language) -> Result<String> {
        Ok(String::new())
    }

    /// Draws the charts written as files.
    fn charts(&self, _lang: Language, _out: &mut dyn Sink) -> Result<()> {
        Ok(())
    }

    /// report.html, with its own page-sized SVG charts when `charts`;
    /// None when the result has no page.
    fn html(&self, _lang: Language, _charts: bool) -> Result<Option<String>> {
        Ok(None)
    }

    /// What a shell prints on standard output: the terminal table (or
    /// Markdown, or JSON).
    fn printed(&self, lang: Language) -> Result<String>;
}

/// The bytes of a CSV table, an encoding failure naming its file.
pub(crate) fn csv_file(
    name: &str,
    table: std::result::Result<Vec<u8>, csv::Error>,
) -> Result<(String, Vec<u8>)> {
    let bytes = table.map_err(|source| Error::Csv {
        path: PathBuf::from(name),
        source,
    })?;
    Ok((name.to_string(), bytes))
}

/// The bytes of the file `name` among `files` (empty when absent).
pub(crate) fn file<'f>(files: &'f Files, name: &str) -> &'f [u8] {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&[], |(_, b)| b.as_slice())
}

/// The file `name` among `files` as text, for the font choice.
pub(crate) fn text(files: &Files, name: &str) -> String {
    String::from_utf8_lossy(file(files, name)).into_owned()
}

/// Writes `output` into `out_dir` as a unit: its files, its workbook
/// (built while the charts are drawn), its charts and its page, staged and
/// put in place together, so an interrupted or failed write leaves the
/// previous results as they were. Returns the paths written.
pub fn write(output: &dyn Output, out_dir: &Path, s: &Settings) -> Result<Vec<PathBuf>> {
    let mut staging = Staging::new(out_dir)?;
    let files = output.files(s.lang)?;
    for (name, bytes) in &files {
        staging.write(name, bytes)?;
    }
    if s.charts {
        let text = output.chart_text(&files, s.lang)?;
        if !text.is_empty() {
            charts::register_font(s.font, &text, s.lang)?;
        }
    }
    let (book, page) = rayon::join(
        || match s.workbook {
            true => output.workbook(&files, s),
            false => Ok(None),
        },
        || -> Result<Option<String>> {
            if s.charts {
                output.charts(s.lang, &mut staging)?;
            }
            match s.html {
                true => output.html(s.lang, s.charts),
                false => Ok(None),
            }
        },
    );
    if let Some(book) = book? {
        staging.write(crate::workbook::FILE, &book)?;
    }
    if let Some(page) = page? {
        staging.write(crate::html::FILE, page.as_bytes())?;
    }
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result with every kind of output, each a fixed text.
    struct Everything;

    impl Output for Everything {
        fn files(&self, _lang: Language) -> Result<Files> {
            Ok(vec![("a.csv".into(), b"x\n1\n".to_vec())])
        }
        fn workbook(&self, files: &Files, _s: &Settings) -> Result<Option<Vec<u8>>> {
            // The workbook sees the files, as a result's sheets do.
            Ok(Some(file(files, "a.csv").to_vec()))
        }
        fn charts(&self, _lang: Language, out: &mut dyn Sink) -> Result<()> {
            out.write("a.svg", b"<svg/>")
        }
        fn html(&self, _lang: Language, charts: bool) -> Result<Option<String>> {
            Ok(Some(format!("charts: {charts}")))
        }
        fn printed(&self, _lang: Language) -> Result<String> {
            Ok("table".into())
        }
    }

    fn settings(workbook: bool, html: bool, charts: bool) -> Settings<'static> {
        Settings {
            lang: Language::En,
            workbook,
            html,
            charts,
            font: None,
            made_by: Vec::new(),
        }
    }

    fn names(written: &[PathBuf]) -> Vec<String> {
        written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect()
    }

    /// Each switch leaves out exactly its part; the files always come.
    #[test]
    fn each_setting_leaves_out_its_part_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let all = write(&Everything, &out, &settings(true, true, true)).unwrap();
        assert_eq!(
            names(&all),
            ["a.csv", "a.svg", "report.xlsx", "report.html"]
        );
        assert_eq!(std::fs::read(out.join("report.xlsx")).unwrap(), b"x\n1\n");
        assert_eq!(
            std::fs::read_to_string(out.join("report.html")).unwrap(),
            "charts: true"
        );
        let bare = write(&Everything, &out, &settings(false, false, false)).unwrap();
        assert_eq!(names(&bare), ["a.csv"]);
        // The folder was replaced as a unit: nothing of the first write is left.
        assert!(!out.join("report.xlsx").exists() && !out.join("a.svg").exists());
        let page = write(&Everything, &out, &settings(false, true, false)).unwrap();
        assert_eq!(names(&page), ["a.csv", "report.html"]);
        assert_eq!(
            std::fs::read_to_string(out.join("report.html")).unwrap(),
            "charts: false"
        );
    }
}
