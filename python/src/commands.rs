//! The commands as Python functions: each builds its inputs as the command
//! line's does (scenario text, label and `--set` overrides, then trials and
//! seed), calls the same library function on a worker thread
//! (`work.rs`), and returns an [`Outcome`].

use std::sync::atomic::{AtomicBool, Ordering};

use fundgap::error::Error;
use fundgap::model::{Language, Model};
use fundgap::scenario::{self, Override};
use fundgap::stats::precision::{Precision, Stopped};
use fundgap::stats::{Accumulator, Report};
use fundgap_report::files::RunInfo;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::outcome::{Kept, Outcome};
use crate::work::{self, Job, Meter, Unit};
use crate::{overrides, to_py};

/// The first block of a precision run without `trials`, as `run`'s.
const FIRST_BLOCK: u64 = 10_000;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    Ok(())
}

/// The report's language: `lang` if given, else the scenario's.
pub(crate) fn language(lang: Option<&str>, model: &Model) -> PyResult<Language> {
    lang.map_or(Ok(model.language()), language_named)
}

/// The language `lang` names ("en" or "ko").
pub(crate) fn language_named(lang: &str) -> PyResult<Language> {
    match lang {
        "en" => Ok(Language::En),
        "ko" => Ok(Language::Ko),
        other => Err(PyValueError::new_err(format!(
            "lang: `{other}` is not a language; use \"en\" or \"ko\""
        ))),
    }
}

/// A share strictly between 0 and 1, named `what` in the error.
pub(crate) fn share(what: &str, x: f64) -> PyResult<f64> {
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(PyValueError::new_err(format!(
            "{what}: {x} is not a share strictly between 0 and 1"
        )))
    }
}

/// A trial count of at least one.
pub(crate) fn count(what: &str, n: Option<u64>) -> PyResult<Option<u64>> {
    match n {
        Some(0) => Err(PyValueError::new_err(format!(
            "{what}: give at least 1 trial"
        ))),
        n => Ok(n),
    }
}

/// The scenario with its overrides, validated.
pub(crate) fn model(text: &str, label: &str, set: &[Override]) -> PyResult<Model> {
    scenario::parse_with(text, label, set).map_err(|e| to_py(e.into()))
}

/// What a report records of how it was made (the threads are the job's;
/// a run sets its time).
pub(crate) fn info(label: &str, set: &[Override], job: &Job) -> RunInfo {
    RunInfo {
        scenario_file: label.to_string(),
        overrides: set.iter().map(|o| o.to_string()).collect(),
        threads: job.thread_count(),
        elapsed_seconds: 0.0,
        precision: None,
        budget_year: fundgap_report::files::info::this_year(),
    }
}

/// The part of a command line after its scenario that fixes the seed and
/// overrides, and the trials when `trials`: ` --trials N --seed S --set
/// 'PATH=VALUE'...`.
pub(crate) fn verb(model: &Model, set: &[Override], trials: bool) -> String {
    let mut s = match trials {
        true => format!(" --trials {} --seed {}", model.trials(), model.seed()),
        false => format!(" --seed {}", model.seed()),
    };
    for o in set {
        s.push_str(&format!(
            " --set '{}'",
            o.to_string().replace('\'', "'\\''")
        ));
    }
    s
}

/// Every trial of `model`, or blocks of trials until `precision`, stopping
/// when `cancel` is set and counting on `meter` (a phase of its own unless
/// `within`: one of several runs the caller counts as one phase, as a
/// back-test's): the checked aggregates, and how a precision run ended.
pub(crate) fn simulate(
    model: &Model,
    precision: Option<&Precision>,
    cancel: &AtomicBool,
    (meter, within): (&Meter, bool),
) -> Result<(Accumulator, Option<Stopped>), Error> {
    let engine = fundgap::engine::Engine::new(model);
    let tick = |n| meter.tick(n);
    let (acc, stopped) = match precision {
        None => {
            if !within {
                meter.phase(model.trials(), Unit::Trials);
            }
            let acc = fundgap::stats::run_range(&engine, 0, model.trials(), &tick, cancel);
            (acc, None)
        }
        Some(p) => {
            meter.phase(p.first, Unit::Trials);
            let (acc, s) = fundgap::stats::precision::run_to_precision(
                &engine,
                p,
                &tick,
                &|_, _, next| {
                    if let Some(next) = next {
                        meter.extend(next);
                    }
                },
                cancel,
            );
            (acc, Some(s))
        }
    };
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    acc.check(model)?;
    Ok((acc, stopped))
}

/// `fundgap run`: simulates the scenario (every trial, or in blocks until
/// `precision`), stopping on Ctrl-C.
#[pyfunction]
#[pyo3(signature = (text, label, set, trials=None, seed=None, confidence=None,
    precision=None, precision_npv=None, max_trials=10_000_000, from_year=None, lang=None,
    threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    text: &str,
    label: &str,
    set: Vec<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    confidence: Option<Vec<f64>>,
    precision: Option<f64>,
    precision_npv: Option<f64>,
    max_trials: u64,
    from_year: Option<i32>,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let set = overrides(&set)?;
    let trials = count("trials", trials)?;
    let max_trials = count("max_trials", Some(max_trials))?.unwrap_or(1);
    let confidence = confidence.unwrap_or_else(|| vec![0.9]);
    if confidence.is_empty() {
        return Err(PyValueError::new_err(
            "confidence: give at least one level, e.g. [0.9]",
        ));
    }
    for c in &confidence {
        share("confidence", *c)?;
    }
    if let Some(p) = precision {
        share("precision", p)?;
    }
    match (precision, precision_npv) {
        (_, Some(r)) if precision.is_some() => {
            share("precision_npv", r)?;
        }
        (None, Some(_)) => {
            return Err(PyValueError::new_err(
                "precision_npv needs precision (the probabilities' half-width) too",
            ));
        }
        _ => {}
    }
    let mut model = model(text, label, &set)?;
    model.set_run(trials, seed);
    model.set_confidence(&confidence);
    let lang = language(lang, &model)?;
    let job = Job::new(threads, progress, lang)?;
    let mut info = info(label, &set, &job);
    if let Some(year) = from_year {
        info.budget_year = year;
    }
    let precision = precision.map(|half_width| Precision {
        half_width,
        npv_relative: precision_npv,
        first: trials.unwrap_or(FIRST_BLOCK).min(max_trials),
        max_trials,
    });
    let started = std::time::Instant::now();
    let (model, report, stopped) = work::run(py, job, move |flag, meter| {
        let (acc, stopped) = simulate(&model, precision.as_ref(), flag, (meter, false))?;
        let mut model = model;
        if let Some(s) = &stopped {
            // Everything below is the fixed run of the trials it took.
            model.set_run(Some(s.trials), None);
        }
        let report = Report::new(&model, &acc);
        Ok((model, report, stopped))
    })?
    .map_err(to_py)?;
    info.precision = stopped;
    info.elapsed_seconds = started.elapsed().as_secs_f64();
    let command = info.command("run", &model, report.trials, lang);
    Ok(Outcome::new(
        Kept::Run {
            model,
            report,
            info,
        },
        lang,
        command,
    ))
}
