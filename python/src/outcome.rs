//! What a command produced, kept whole so every format is written on
//! demand by `fundgap-report`'s `Output` of that result: the CSV/JSON
//! files (which the Python package reads into frames), the workbook, the
//! page, the charts, the printed table, or the whole output folder as the
//! command line writes it.

use std::path::PathBuf;

use fundgap::analysis::backtest::Backtest;
use fundgap::analysis::compare::CompareResult;
use fundgap::analysis::discover::Discoveries;
use fundgap::analysis::evaluate::Evaluation;
use fundgap::analysis::sensitivity::Sensitivity;
use fundgap::analysis::sobol::Sobol;
use fundgap::analysis::stress::StressResult;
use fundgap::error::Result;
use fundgap::model::{Language, Model};
use fundgap::stats::Report;
use fundgap_report::files::RunInfo;
use fundgap_report::html::Made;
use fundgap_report::output::{
    BacktestOutput, CompareOutput, DiscoveryOutput, EvaluationOutput, Files, Output, Printed,
    RunOutput, SensitivityOutput, Settings, StressOutput,
};
use fundgap_report::staging::Sink;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::to_py;

/// Held while a result is saved (see [`Outcome::save`]).
static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A result of one command, with what its outputs need besides it.
pub(crate) enum Kept {
    Run {
        model: Model,
        report: Report,
        info: RunInfo,
    },
    Stress {
        result: StressResult,
        target: f64,
    },
    Compare {
        result: CompareResult,
        years: Vec<i32>,
    },
    Sensitivity {
        model: Model,
        info: RunInfo,
        tornado: Option<Sensitivity>,
        sobol: Option<Sobol>,
    },
    Discovery {
        model: Model,
        info: RunInfo,
        result: Discoveries,
    },
    Backtest {
        result: Backtest,
    },
    Evaluation {
        model: Model,
        report: Report,
        info: RunInfo,
        evaluation: Evaluation,
        drivers: Option<Sensitivity>,
    },
}

impl Kept {
    /// The command whose output folder this is (what the folder's marker
    /// records).
    fn command(&self) -> &'static str {
        match self {
            Kept::Run { .. } => "run",
            Kept::Stress { .. } => "stress",
            Kept::Compare { .. } => "compare",
            Kept::Sensitivity { .. } => "sensitivity",
            Kept::Discovery { .. } => "discover",
            Kept::Evaluation { .. } => "evaluate",
            Kept::Backtest { .. } => "backtest",
        }
    }
}

/// A finished command's result (`fundgap.run(...)` and the analyses); the
/// Python package wraps it in a class with frames.
#[pyclass(module = "fundgap._fundgap", frozen)]
pub struct Outcome {
    kept: Kept,
    lang: Language,
    /// The command line that repeats it, recorded in the workbook and page.
    command: String,
}

impl Outcome {
    pub(crate) fn new(kept: Kept, lang: Language, command: String) -> Self {
        Outcome {
            kept,
            lang,
            command,
        }
    }

    /// Calls `f` with this result's `Output`.
    fn with<R>(&self, f: impl FnOnce(&dyn Output) -> R) -> R {
        let command = self.command.clone();
        match &self.kept {
            Kept::Run {
                model,
                report,
                info,
            } => f(&RunOutput::new(
                model,
                report,
                info,
                self.lang,
                Printed::Table,
            )),
            Kept::Stress { result, target } => f(&StressOutput {
                result,
                target: *target,
                command,
            }),
            Kept::Compare { result, years } => f(&CompareOutput {
                result,
                years: years.clone(),
                command,
            }),
            Kept::Sensitivity {
                model,
                info,
                tornado,
                sobol,
            } => f(&SensitivityOutput {
                tornado: tornado.as_ref(),
                sobol: sobol.as_ref(),
                made: Some(Made {
                    model,
                    info,
                    command,
                }),
            }),
            Kept::Discovery {
                model,
                info,
                result,
            } => f(&DiscoveryOutput {
                result,
                made: Made {
                    model,
                    info,
                    command,
                },
            }),
            Kept::Backtest { result } => f(&BacktestOutput { result }),
            Kept::Evaluation {
                model,
                report,
                info,
                evaluation,
                drivers,
            } => f(&EvaluationOutput {
                model,
                report,
                info,
                evaluation,
                drivers: drivers.as_ref(),
            }),
        }
    }

    fn settings(&self, workbook: bool, html: bool, charts: bool) -> Settings<'static> {
        Settings {
            lang: self.lang,
            workbook,
            html,
            charts,
            font: None,
            made_by: vec![
                ("fundgap version", env!("CARGO_PKG_VERSION").to_string()),
                ("command", self.command.clone()),
            ],
        }
    }

    fn files_now(&self) -> Result<Files> {
        self.with(|o| o.files(self.lang))
    }

    fn charts_now(&self) -> Result<Files> {
        let mut kept = Collected(Vec::new());
        self.draw_charts(&mut kept)?;
        Ok(kept.0)
    }

    /// Draws the charts into `sink`, with the font their words need.
    fn draw_charts(&self, sink: &mut dyn Sink) -> Result<()> {
        self.with(|o| {
            let files = o.files(self.lang)?;
            let text = o.chart_text(&files, self.lang)?;
            if !text.is_empty() {
                fundgap_report::charts::register_font(None, &text, self.lang)?;
            }
            o.charts(self.lang, sink)
        })
    }
}

/// Chart files kept in memory, in the order drawn.
struct Collected(Files);

impl Sink for Collected {
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.0.push((name.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// Files as a list of (name, bytes).
fn py_files(py: Python<'_>, files: Files) -> Vec<(String, Py<PyBytes>)> {
    files
        .into_iter()
        .map(|(name, bytes)| (name, PyBytes::new(py, &bytes).unbind()))
        .collect()
}

#[pymethods]
impl Outcome {
    /// The command that produced it: run, stress, compare, sensitivity,
    /// discover, evaluate or backtest.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kept.command()
    }

    /// The language of labels and money units ("en" or "ko").
    #[getter]
    fn lang(&self) -> &'static str {
        self.lang.as_str()
    }

    /// The command line that gives the same result.
    #[getter]
    fn command(&self) -> String {
        self.command.clone()
    }

    /// The CSV, JSON and Markdown files, as the command line writes them.
    fn files(&self, py: Python<'_>) -> PyResult<Vec<(String, Py<PyBytes>)>> {
        let files = py.detach(|| self.files_now()).map_err(to_py)?;
        Ok(py_files(py, files))
    }

    /// report.xlsx's bytes, or None for a result without a workbook.
    fn workbook(&self, py: Python<'_>) -> PyResult<Option<Py<PyBytes>>> {
        let book = py
            .detach(|| {
                self.with(|o| {
                    let files = o.files(self.lang)?;
                    o.workbook(&files, &self.settings(true, false, false))
                })
            })
            .map_err(to_py)?;
        Ok(book.map(|b| PyBytes::new(py, &b).unbind()))
    }

    /// report.html's text (its charts inline when `charts`), or None for a
    /// result without a page.
    #[pyo3(signature = (charts=true))]
    fn html(&self, py: Python<'_>, charts: bool) -> PyResult<Option<String>> {
        py.detach(|| {
            self.with(|o| {
                if charts {
                    let files = o.files(self.lang)?;
                    let text = o.chart_text(&files, self.lang)?;
                    if !text.is_empty() {
                        fundgap_report::charts::register_font(None, &text, self.lang)?;
                    }
                }
                o.html(self.lang, charts)
            })
        })
        .map_err(to_py)
    }

    /// The chart files (SVG and PNG) as (name, bytes), in order.
    fn charts(&self, py: Python<'_>) -> PyResult<Vec<(String, Py<PyBytes>)>> {
        let files = py.detach(|| self.charts_now()).map_err(to_py)?;
        Ok(py_files(py, files))
    }

    /// Writes the chart files into `dir` as `fundgap chart` redraws a
    /// run's: each replaces only its namesake among fundgap's files there,
    /// everything else in `dir` stays, and a file of the user's with a
    /// chart's name is refused. Returns the paths written.
    fn write_charts(&self, py: Python<'_>, dir: PathBuf) -> PyResult<Vec<PathBuf>> {
        py.detach(|| {
            // The command a new folder's marker names is the process's,
            // as for `save`: writes take turns.
            let _turn = SAVING.lock().unwrap_or_else(|e| e.into_inner());
            fundgap_report::ownership::set_command(self.kept.command());
            let mut staging = fundgap_report::staging::Staging::update(&dir)?;
            self.draw_charts(&mut staging)?;
            staging.commit()
        })
        .map_err(to_py)
    }

    /// What the command line prints on standard output.
    fn printed(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| self.with(|o| o.printed(self.lang)))
            .map_err(to_py)
    }

    /// Writes the output folder `out` as the command line does (staged and
    /// put in place whole; a folder holding anything fundgap did not write
    /// is refused unless `force`); returns the paths written, and what
    /// `force` replaced or removed (for the caller to warn of, where a
    /// notebook's user reads it; the command line says it on stderr).
    #[pyo3(signature = (out, workbook=true, html=true, charts=true, force=false))]
    fn save(
        &self,
        py: Python<'_>,
        out: PathBuf,
        workbook: bool,
        html: bool,
        charts: bool,
        force: bool,
    ) -> PyResult<(Vec<PathBuf>, Vec<String>)> {
        let settings = self.settings(workbook, html, charts);
        let (written, notices) = py.detach(|| {
            // `force`, the command and the notices are the process's, not
            // the call's: two threads saving at once would each take the
            // other's (a save without `force` removing what it should
            // refuse, a warning under the wrong cell), so saves take turns.
            let _turn = SAVING.lock().unwrap_or_else(|e| e.into_inner());
            fundgap_report::ownership::set_force(force);
            fundgap_report::ownership::set_command(self.kept.command());
            fundgap_report::ownership::collect_notices(|| {
                self.with(|o| fundgap_report::output::write(o, &out, &settings))
            })
        });
        let notices = notices.iter().map(|n| crate::as_arguments(n)).collect();
        Ok((written.map_err(to_py)?, notices))
    }
}
