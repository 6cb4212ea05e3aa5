//! The analyses as Python functions: `stress`, `compare`, `sensitivity` (tornado
//! and Sobol), `discover`, `evaluate` and `backtest`, each with the command line's
//! defaults, inputs built as its command builds them, and the same library
//! calls. Ctrl-C stops each of them as it stops `run`: the library's cancel
//! flag is set, the work stops at its next block of trials, and
//! `KeyboardInterrupt` is raised once it has (`work::run`).

use fundgap::analysis::compare::{Source, inputs as compare_inputs, run as compare_run};
use fundgap::analysis::stress::{GridSpec, grid_cells, run_cells};
use fundgap::error::Error;
use fundgap::stats::Report;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::commands::{count, info, language, model, share, simulate, verb};
use crate::outcome::{Kept, Outcome};
use crate::work::{self, Job, Unit};
use crate::{overrides, to_py};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(stress, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(discover, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    Ok(())
}

/// `fundgap stress`: the withdrawal-year x cut grid of the selected
/// streams, or one or two swept keys, every cell on the same trials.
#[pyfunction]
#[pyo3(signature = (text, label, set, years="all".to_string(), cuts=vec![0.0, 25.0, 50.0, 75.0, 100.0],
    service=None, streams=vec![], sweep=vec![], trials=None, seed=None, target=0.10,
    confidence=0.9, lang=None, threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn stress(
    py: Python<'_>,
    text: &str,
    label: &str,
    set: Vec<String>,
    years: String,
    cuts: Vec<f64>,
    service: Option<String>,
    streams: Vec<String>,
    sweep: Vec<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    target: f64,
    confidence: f64,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let set = overrides(&set)?;
    let trials = count("trials", trials)?;
    share("confidence", confidence)?;
    if !(0.0..=1.0).contains(&target) {
        return Err(PyValueError::new_err(format!(
            "target: {target} is not a probability between 0 and 1"
        )));
    }
    let base = model(text, label, &set)?;
    let lang = language(lang, &base)?;
    let spec = GridSpec {
        years,
        cuts,
        service,
        streams,
        sweep,
    };
    let (x, y, mut cells, left_out) = grid_cells(text, label, &set, &base, &spec).map_err(to_py)?;
    // Every cell runs the same trials (the scenario's unless told) and seed.
    let trials = trials.unwrap_or(base.trials());
    for c in &mut cells {
        c.model.set_run(Some(trials), seed);
        c.model.set_confidence(&[confidence]);
    }
    let mut base = base;
    base.set_run(Some(trials), seed);
    let mut command = format!("fundgap stress {label}{}", verb(&base, &set, true));
    if spec.sweep.is_empty() {
        let cuts: Vec<String> = spec.cuts.iter().map(f64::to_string).collect();
        command.push_str(&format!(
            " --years {} --cuts {}",
            spec.years,
            cuts.join(",")
        ));
        for s in &spec.streams {
            command.push_str(&format!(" --stream '{s}'"));
        }
    }
    for s in &spec.sweep {
        command.push_str(&format!(" --sweep '{s}'"));
    }
    if let Some(s) = &spec.service {
        command.push_str(&format!(" --service {s}"));
    }
    command.push_str(&format!(" --target {target} --confidence {confidence}"));
    let service = spec.service.clone();
    let job = Job::new(threads, progress, lang)?;
    let mut result = work::run(py, job, move |flag, meter| {
        meter.phase(trials * cells.len() as u64, Unit::Trials);
        run_cells(&cells, service.as_deref(), x, y, &|n| meter.tick(n), flag)
    })?
    .map_err(to_py)?;
    result.left_out = left_out;
    Ok(Outcome::new(Kept::Stress { result, target }, lang, command))
}

/// `fundgap compare`: the variants of one scenario (`[[variant]]`), or
/// several scenarios, each a (text, label, stem, its own overrides), on
/// common random numbers; `set` applies to every one.
#[pyfunction]
#[pyo3(signature = (scenarios, set, trials=None, seed=None, service=None, baseline=None,
    confidence=0.9, lang=None, threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    scenarios: Vec<(String, String, String, Vec<String>)>,
    set: Vec<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    service: Option<String>,
    baseline: Option<String>,
    confidence: f64,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let set = overrides(&set)?;
    let trials = count("trials", trials)?;
    share("confidence", confidence)?;
    let own: Vec<Vec<_>> = scenarios
        .iter()
        .map(|(_, _, _, own)| overrides(own))
        .collect::<PyResult<_>>()?;
    let sources: Vec<Source> = scenarios
        .iter()
        .zip(&own)
        .map(|((text, label, stem, _), own)| Source {
            text,
            label,
            stem,
            own,
        })
        .collect();
    let mut inputs = compare_inputs(&sources, &set).map_err(to_py)?;
    // `inputs` has two variants or more.
    inputs[0].model.set_run(trials, seed);
    let base = &inputs[0].model;
    let lang = language(lang, base)?;
    let years = (0..base.horizon()).map(|t| base.year(t)).collect();
    let mut command = String::from("fundgap compare");
    for (_, label, _, _) in &scenarios {
        command.push(' ');
        command.push_str(label);
    }
    command.push_str(&verb(base, &set, true));
    // A scenario's own overrides have no command-line form: said after.
    for (_, label, _, own) in &scenarios {
        if !own.is_empty() {
            command.push_str(&format!("  # {label} with --set {}", own.join(" --set ")));
        }
    }
    for (flag, value) in [("--service", &service), ("--baseline", &baseline)] {
        if let Some(v) = value {
            command.push_str(&format!(" {flag} {v}"));
        }
    }
    command.push_str(&format!(" --confidence {confidence}"));
    let job = Job::new(threads, progress, lang)?;
    let result = work::run(py, job, move |flag, meter| {
        meter.phase(inputs[0].model.trials(), Unit::Trials);
        compare_run(
            &inputs,
            service.as_deref(),
            baseline.as_deref(),
            Some(confidence),
            &|n| meter.tick(n),
            flag,
        )
    })?
    .map_err(to_py)?;
    Ok(Outcome::new(Kept::Compare { result, years }, lang, command))
}

/// `fundgap sensitivity`: the tornado (rank correlations and one at a time)
/// and/or Sobol's indices.
#[pyfunction]
#[pyo3(signature = (text, label, set, method="tornado", sample=5_000, oat_trials=2_000,
    sobol_trials=2_000, seed=None, lang=None, threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn sensitivity(
    py: Python<'_>,
    text: &str,
    label: &str,
    set: Vec<String>,
    method: &str,
    sample: u64,
    oat_trials: u64,
    sobol_trials: u64,
    seed: Option<u64>,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let set = overrides(&set)?;
    let (tornado, sobol) = match method {
        "tornado" => (true, false),
        "sobol" => (false, true),
        "both" => (true, true),
        other => {
            return Err(PyValueError::new_err(format!(
                "method: `{other}` is not a method; use \"tornado\", \"sobol\" or \"both\""
            )));
        }
    };
    if sample < 2 || oat_trials < 1 || sobol_trials < 20 {
        return Err(PyValueError::new_err(
            "give sample >= 2, oat_trials >= 1 and sobol_trials >= 20",
        ));
    }
    let mut model = model(text, label, &set)?;
    model.set_run(Some(model.trials().max(sample)), seed);
    let lang = language(lang, &model)?;
    let job = Job::new(threads, progress, lang)?;
    let info = info(label, &set, &job);
    let command = format!(
        "fundgap sensitivity {label}{} --method {method} --sample {sample} --oat-trials {oat_trials} --sobol-trials {sobol_trials}",
        verb(&model, &set, false)
    );
    let opts = fundgap::analysis::sensitivity::Options { sample, oat_trials };
    let (model, t, s) = work::run(py, job, move |flag, meter| {
        let tick = |n| meter.tick(n);
        let inputs = model.uncertain_inputs().len() as u64;
        let t = tornado
            .then(|| {
                meter.phase(inputs, Unit::Inputs);
                fundgap::analysis::sensitivity::analyse(&model, opts, &tick, flag)
            })
            .transpose()?;
        let o = fundgap::analysis::sobol::Options {
            base: sobol_trials,
            ..Default::default()
        };
        let s = sobol
            .then(|| {
                meter.phase(o.base, Unit::SobolRows);
                fundgap::analysis::sobol::analyse(&model, o, &tick, flag)
            })
            .transpose()?;
        Ok::<_, Error>((model, t, s))
    })?
    .map_err(to_py)?;
    let kept = Kept::Sensitivity {
        model,
        info,
        tornado: t,
        sobol: s,
    };
    Ok(Outcome::new(kept, lang, command))
}

/// `fundgap discover`: PRIM boxes of the inputs that lead to a gap.
#[pyfunction]
#[pyo3(signature = (text, label, set, trials=20_000, seed=None, alpha=0.05, min_support=0.05,
    min_coverage=0.5, lang=None, threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn discover(
    py: Python<'_>,
    text: &str,
    label: &str,
    set: Vec<String>,
    trials: u64,
    seed: Option<u64>,
    alpha: f64,
    min_support: f64,
    min_coverage: f64,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let set = overrides(&set)?;
    if trials < 100 {
        return Err(PyValueError::new_err("trials: give at least 100"));
    }
    for (what, x) in [
        ("alpha", alpha),
        ("min_support", min_support),
        ("min_coverage", min_coverage),
    ] {
        share(what, x)?;
    }
    let mut model = model(text, label, &set)?;
    model.set_run(Some(trials), seed);
    let lang = language(lang, &model)?;
    let job = Job::new(threads, progress, lang)?;
    let info = info(label, &set, &job);
    let command = format!(
        "fundgap discover {label}{} --min-coverage {min_coverage} --alpha {alpha} --min-support {min_support}",
        verb(&model, &set, true)
    );
    let opts = fundgap::analysis::discover::Options {
        trials,
        alpha,
        min_support,
        min_coverage,
    };
    // Discovery counts nothing as it goes: its line says how long it has run.
    let (model, result) = work::run(py, job, move |flag, _| {
        fundgap::analysis::discover::discover(&model, &opts, flag).map(|r| (model, r))
    })?
    .map_err(to_py)?;
    let kept = Kept::Discovery {
        model,
        info,
        result,
    };
    Ok(Outcome::new(kept, lang, command))
}

/// `fundgap evaluate`: the scorecard of the source study's findings and
/// the money criteria, with the tornado of drivers unless `sensitivity`
/// is false.
#[pyfunction]
#[pyo3(signature = (text, label, set, trials=None, seed=None, sensitivity=true, sample=2_000,
    oat_trials=500, lang=None, threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn evaluate(
    py: Python<'_>,
    text: &str,
    label: &str,
    set: Vec<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    sensitivity: bool,
    sample: u64,
    oat_trials: u64,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let set = overrides(&set)?;
    let trials = count("trials", trials)?;
    if sample < 2 || oat_trials < 1 {
        return Err(PyValueError::new_err(
            "give sample >= 2 and oat_trials >= 1",
        ));
    }
    let mut model = model(text, label, &set)?;
    model.set_run(trials, seed);
    let lang = language(lang, &model)?;
    let job = Job::new(threads, progress, lang)?;
    let info = info(label, &set, &job);
    let (model, report, evaluation, drivers) = work::run(py, job, move |flag, meter| {
        let (acc, _) = simulate(&model, None, flag, (meter, false))?;
        let report = Report::new(&model, &acc);
        let evaluation = fundgap::analysis::evaluate::evaluate(&model, &report, lang);
        let opts = fundgap::analysis::sensitivity::Options {
            sample: sample.min(model.trials().max(2)),
            oat_trials,
        };
        let drivers = sensitivity
            .then(|| {
                meter.phase(model.uncertain_inputs().len() as u64, Unit::Inputs);
                fundgap::analysis::sensitivity::analyse(&model, opts, &|n| meter.tick(n), flag)
            })
            .transpose()?;
        Ok((model, report, evaluation, drivers))
    })?
    .map_err(to_py)?;
    let command = info.command("evaluate", &model, model.trials(), lang);
    let kept = Kept::Evaluation {
        model,
        report,
        info,
        evaluation,
        drivers,
    };
    Ok(Outcome::new(kept, lang, command))
}

/// `fundgap backtest`: each scenario (text, label, overrides) run and its
/// stop rule's forecasts scored against the recorded outcomes, and again
/// with every decision's chance of a stop at each of `prior_stop`.
#[pyfunction]
#[pyo3(signature = (scenarios, trials=None, seed=None, prior_stop=vec![0.3, 0.6],
    resamples=10_000, lang=None, threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn backtest(
    py: Python<'_>,
    scenarios: Vec<(String, String, Vec<String>)>,
    trials: Option<u64>,
    seed: Option<u64>,
    prior_stop: Vec<f64>,
    resamples: u64,
    lang: Option<&str>,
    threads: Option<u64>,
    progress: Option<bool>,
) -> PyResult<Outcome> {
    let trials = count("trials", trials)?;
    if !(100..=1_000_000).contains(&resamples) {
        return Err(PyValueError::new_err("resamples: give 100 to 1,000,000"));
    }
    let mut models = Vec::new();
    for (text, label, set) in &scenarios {
        if models.iter().any(|(_, l)| l == label) {
            return Err(PyValueError::new_err(format!(
                "{label} is given twice: each back-test case must count once"
            )));
        }
        let mut m = model(text, label, &overrides(set)?)?;
        m.set_run(trials, seed);
        models.push((m, label.clone()));
    }
    let Some((first, _)) = models.first() else {
        return Err(PyValueError::new_err(
            "give at least one back-test scenario",
        ));
    };
    let lang = language(lang, first)?;
    let mut command = String::from("fundgap backtest");
    for (_, label) in &models {
        command.push_str(&format!(" {label}"));
    }
    let settings = fundgap::analysis::backtest::Settings {
        resamples: resamples as usize,
        ..Default::default()
    };
    let job = Job::new(threads, progress, lang)?;
    let result = work::run(py, job, move |flag, meter| {
        // Every case runs once as written and once at each prior chance
        // of a stop: one phase, so the line goes forward and its time left
        // is the whole back-test's.
        let runs = 1 + prior_stop.len() as u64;
        meter.phase(
            runs * models.iter().map(|(m, _)| m.trials()).sum::<u64>(),
            Unit::Trials,
        );
        fundgap::analysis::backtest::backtest(&models, &prior_stop, settings, &mut |m, _, _| {
            simulate(m, None, flag, (meter, true)).map(|(acc, _)| acc)
        })
    })?
    .map_err(to_py)?;
    Ok(Outcome::new(Kept::Backtest { result }, lang, command))
}
