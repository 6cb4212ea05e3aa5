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
            PyOSError::new_err(as_arguments(&e.to_string()))
        }
        Error::Usage(_) | Error::Merge(_) => PyValueError::new_err(as_arguments(&e.to_string())),
        _ => PyRuntimeError::new_err(e.to_string()),
    }
}

/// The command line's options as the Python functions' arguments that
/// stand for them, longest first so that `--sobol-trials` is not read as
/// `--trials`.
const ARGUMENTS: [(&str, &str); 15] = [
    ("--sobol-trials", "sobol_trials"),
    ("--prior-stop", "prior_stop"),
    ("--oat-trials", "oat_trials"),
    ("--confidence", "confidence"),
    ("--baseline", "baseline"),
    ("--service", "service"),
    ("--sample", "sample"),
    ("--stream", "streams"),
    ("--trials", "trials"),
    ("--sweep", "sweep"),
    ("--force", "force=True"),
    ("--years", "years"),
    ("--cuts", "cuts"),
    // `save(directory)`: the folder a result is written to.
    ("--out", "directory"),
    ("--set", "Scenario.set()"),
];

/// A library message that names the command line's options (`--years
/// 1990: ...`, `add --force`), with the Python arguments instead, in
/// backticks: a notebook has no flags. An option is replaced only where it
/// starts a word and ends (not `--settings`, nor inside a path such as
/// `/data/run--out`), and a command line quoted in backticks is left whole.
pub(crate) fn as_arguments(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut rest = message;
    let mut before: Option<char> = None;
    'scan: while let Some(c) = rest.chars().next() {
        let starts = before.is_none_or(|b| b.is_whitespace() || b == '(');
        if c == '`' {
            quoted = !quoted;
        } else if !quoted && starts && rest.starts_with("--") {
            for (flag, arg) in ARGUMENTS {
                let ends =
                    |t: &str| !t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-');
                if let Some(after) = rest.strip_prefix(flag).filter(|t| ends(t)) {
                    out.push('`');
                    out.push_str(arg);
                    out.push('`');
                    rest = after;
                    before = Some('`');
                    continue 'scan;
                }
            }
        }
        out.push(c);
        before = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{as_arguments, as_call};

    #[test]
    fn an_overrides_problem_is_placed_at_the_call_that_made_it() {
        assert_eq!(
            as_call("--set economy.nope=1"),
            "Scenario.set(\"economy.nope\", 1)"
        );
        assert_eq!(as_call("--sweep economy.nope=2"), "`sweep` economy.nope=2");
        assert_eq!(as_call("scenarios/a.toml"), "scenarios/a.toml");
    }

    #[test]
    fn options_read_as_the_arguments_that_stand_for_them() {
        assert_eq!(
            as_arguments("--years 1990: not inside 2024..=2038"),
            "`years` 1990: not inside 2024..=2038"
        );
        assert_eq!(
            as_arguments("Give --out another folder to keep both, or add --force to replace it"),
            "Give `directory` another folder to keep both, or add `force=True` to replace it"
        );
        assert_eq!(
            as_arguments("a.toml: --prior-stop 0.99 and a shrink add up to more than 1"),
            "a.toml: `prior_stop` 0.99 and a shrink add up to more than 1"
        );
        // A path that holds an option's letters is the user's, left whole.
        assert_eq!(
            as_arguments("/data/run--out exists and is not a directory; choose another --out"),
            "/data/run--out exists and is not a directory; choose another `directory`"
        );
        assert_eq!(as_arguments("/data/--years x"), "/data/--years x");
        assert_eq!(
            as_arguments("--sobol-trials: too many"),
            "`sobol_trials`: too many"
        );
        assert_eq!(
            as_arguments("name one with --stream (its streams: a)"),
            "name one with `streams` (its streams: a)"
        );
        // Not an option it knows, part of a longer word, or a quoted command.
        assert_eq!(
            as_arguments("--settings and --long"),
            "--settings and --long"
        );
        assert_eq!(
            as_arguments("the output of `fundgap run --out x`; add --force"),
            "the output of `fundgap run --out x`; add `force=True`"
        );
        assert_eq!(
            as_arguments("사용 --years 2026–2030"),
            "사용 `years` 2026–2030"
        );
    }
}

/// `fundgap.ScenarioError(message, problems)`, the class defined in
/// Python (`fundgap/_errors.py`) so it can be documented and subclassed
/// there; each problem a dict of file, line, column, key and message.
fn scenario_error(py: Python<'_>, s: &ScenarioError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let problems = PyList::empty(py);
        let mut message = s.to_string().trim_end().to_string();
        for d in &s.diagnostics {
            let p = PyDict::new(py);
            let file = as_call(&d.file);
            if file != d.file {
                message = message.replace(&d.file, &file);
            }
            p.set_item("file", file)?;
            p.set_item("line", d.line)?;
            p.set_item("column", d.column)?;
            p.set_item("key", &d.path)?;
            p.set_item("message", d.message_in(s.korean))?;
            problems.append(p)?;
        }
        let class = py.import("fundgap._errors")?.getattr("ScenarioError")?;
        let value = class.call1((message, problems))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

/// Where a scenario's problem was found, as the Python call that put it
/// there: an override (`--set PATH=VALUE` on the command line) reads
/// `Scenario.set("PATH", VALUE)`, a swept value `sweep PATH=VALUE`; a
/// file's name stays.
fn as_call(file: &str) -> String {
    if let Some((path, value)) = file.strip_prefix("--set ").and_then(|o| o.split_once('=')) {
        return format!("Scenario.set(\"{path}\", {value})");
    }
    as_arguments(file)
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

/// The `[[variant]]`s of a scenario's text by name, in order, and the
/// overrides (`PATH=VALUE`) that make the scenario the one named
/// `variant` when it is given.
#[pyfunction]
#[pyo3(signature = (text, label, variant=None))]
fn variants(
    text: &str,
    label: &str,
    variant: Option<&str>,
) -> PyResult<(Vec<String>, Vec<String>)> {
    let names = scenario::variant_names(text);
    let sets = match variant {
        Some(name) => scenario::variant_overrides(text, label, name)
            .map_err(to_py)?
            .iter()
            .map(ToString::to_string)
            .collect(),
        None => Vec::new(),
    };
    Ok((names, sets))
}

/// The font fundgap's charts draw Hangul with (Nanum Square Regular), as
/// bytes.
#[pyfunction]
fn hangul_font(py: Python<'_>) -> Py<pyo3::types::PyBytes> {
    pyo3::types::PyBytes::new(py, fundgap_report::charts::hangul_font()).unbind()
}

/// What each CSV column means to a reader (`fundgap_report::columns`):
/// its heading in `lang` ("en" or "ko") and what its values are: "money"
/// (the scenario's unit), "per_resident" (won per resident), "share" (0
/// to 1), "year", "number" or "text".
#[pyfunction]
#[pyo3(signature = (names, lang="en"))]
fn columns(names: Vec<String>, lang: &str) -> PyResult<Vec<(String, &'static str)>> {
    use fundgap_report::columns::{Kind, column};
    let w = fundgap_report::lang::Words(commands::language_named(lang)?);
    Ok(names
        .iter()
        .map(|n| {
            let c = column(n, w);
            let kind = match c.kind {
                Kind::Money => "money",
                Kind::PerResident => "per_resident",
                Kind::Share => "share",
                Kind::Year => "year",
                Kind::Number => "number",
                Kind::Text => "text",
            };
            (c.label, kind)
        })
        .collect())
}

/// The native module.
#[pymodule]
fn _fundgap(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MOST_THREADS", work::MOST_THREADS)?;
    m.add_function(wrap_pyfunction!(read_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(columns, m)?)?;
    m.add_function(wrap_pyfunction!(variants, m)?)?;
    m.add_function(wrap_pyfunction!(hangul_font, m)?)?;
    m.add_class::<outcome::Outcome>()?;
    commands::register(m)?;
    analyses::register(m)?;
    Ok(())
}
