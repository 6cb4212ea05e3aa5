//! The `fundgap` Python package's native module, `fundgap._fundgap`: thin
//! bindings over the same library calls the command line makes. A
//! scenario crosses as its text, its label and its `--set` overrides; a
//! result comes back as an [`outcome::Outcome`] whose files, workbook,
//! page and charts are the bytes `fundgap-report`'s writers produce, so the
//! Python package's frames and files are the command line's, bit for bit.
//!
//! `commands.rs` builds `run`'s inputs and calls the library, and
//! `analyses.rs` the analyses';
//! `work.rs` runs it on a worker thread with the GIL released and Ctrl-C
//! watched; `outcome.rs` holds what a command produced.

mod analyses;
mod commands;
mod outcome;
mod work;

use std::path::PathBuf;

use fundgap::error::{Error, ScenarioError};
use fundgap::scenario::{self, Override};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// A library error as the Python exception a caller can catch: a
/// scenario's problems as `fundgap.ScenarioError` (each problem with its
/// file, line, column and key; a workbook's at its sheet and cell), bad
/// arguments as `ValueError`, files as `OSError`, Ctrl-C as
/// `KeyboardInterrupt`.
pub(crate) fn to_py(e: Error) -> PyErr {
    let e = fundgap_report::book::locate(e);
    match e {
        Error::Scenario(s) => Python::attach(|py| scenario_error(py, &s)),
        Error::Interrupted => PyKeyboardInterrupt::new_err(e.to_string()),
        Error::Read { .. } | Error::Write { .. } | Error::TooLarge { .. } => {
            PyOSError::new_err(e.to_string())
        }
        Error::Usage(_) | Error::Merge(_) => PyValueError::new_err(e.to_string()),
        _ => PyRuntimeError::new_err(e.to_string()),
    }
}

/// `fundgap.ScenarioError(message, problems)`, the class defined in
/// Python (`fundgap/_errors.py`) so it can be documented and subclassed
/// there; each problem a dict of file, line, column, key and message.
fn scenario_error(py: Python<'_>, s: &ScenarioError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let problems = PyList::empty(py);
        for d in &s.diagnostics {
            let p = PyDict::new(py);
            p.set_item("file", &d.file)?;
            p.set_item("line", d.line)?;
            p.set_item("column", d.column)?;
            p.set_item("key", &d.path)?;
            p.set_item("message", &d.message)?;
            problems.append(p)?;
        }
        let class = py.import("fundgap._errors")?.getattr("ScenarioError")?;
        let value = class.call1((s.to_string().trim_end().to_string(), problems))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

/// Parses `--set`-style overrides (`PATH=VALUE`), a malformed one as a
/// `ValueError` naming it.
pub(crate) fn overrides(set: &[String]) -> PyResult<Vec<Override>> {
    set.iter()
        .map(|s| Override::parse(s).map_err(|m| PyValueError::new_err(format!("set: {m}"))))
        .collect()
}

/// Reads a scenario file (TOML, or a workbook turned into the TOML text it
/// stands for), or the built-in baseline when `path` is None: returns its
/// text, its label (the path as given) and its file stem.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn read_scenario(path: Option<PathBuf>) -> PyResult<(String, String, String)> {
    // As on the command line: no output folder holding it is replaced.
    fundgap_report::input::load_scenario(path.as_deref()).map_err(to_py)
}

/// Validates a scenario's text with its overrides as every command does;
/// raises `ScenarioError` with every problem found. Returns what `fundgap
/// check` and `run` warn of in a valid scenario (a likely unit slip), in
/// `lang` (default the scenario's), or "" when nothing.
#[pyfunction]
#[pyo3(signature = (text, label, set, lang=None))]
fn check(text: &str, label: &str, set: Vec<String>, lang: Option<&str>) -> PyResult<String> {
    let set = overrides(&set)?;
    let model = scenario::parse_with(text, label, &set).map_err(|e| to_py(e.into()))?;
    let lang = commands::language(lang, &model)?;
    Ok(fundgap_report::check::likely_slips(&model, lang))
}

/// The native module.
#[pymodule]
fn _fundgap(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(read_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_class::<outcome::Outcome>()?;
    commands::register(m)?;
    analyses::register(m)?;
    Ok(())
}
