//! The runs a server does: a bounded queue, one run simulating at a time
//! (a run already uses every core), progress a client polls, and
//! cancellation — a newer request from the same client and slot cancels
//! the older through the engine's own cancel flag. A finished run keeps
//! its model and report, so its downloads are the CLI's own outputs.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Deserialize;

use fundgap::error::{Error, Result};
use fundgap::model::Model;
use fundgap::scenario::Override;
use fundgap::stats::Report;
use fundgap_report::files::RunInfo;

use crate::catalog::{Catalog, Entry};

/// Most runs queued or running at once; one more is refused (503).
pub const MAX_ACTIVE: usize = 4;

/// Most runs remembered (finished ones are forgotten oldest first).
const MAX_KEPT: usize = 24;

/// Most trials a page may ask for.
pub const MAX_TRIALS: u64 = 1_000_000;

/// The trial count when the page asks for none: a site scenario answers
/// in about a second on two cores (PERFORMANCE.md), each probability
/// within about ±0.45 points (95%).
pub const DEFAULT_TRIALS: u64 = 50_000;

/// The funding requirement's confidence level when none is asked for,
/// as `fundgap run`'s `--confidence`.
pub const DEFAULT_CONFIDENCE: f64 = 0.9;

/// What a client asks to run: `fundgap run LABEL --set ... --trials
/// --seed --confidence`.
#[derive(Debug, Clone, Deserialize)]
pub struct Setting {
    pub scenario: String,
    #[serde(default)]
    pub set: Vec<String>,
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    pub confidence: Option<f64>,
    /// Who asks (a random id per page) and which of its views (`a`, `b`
    /// when comparing): a newer run of the same pair cancels the older.
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub slot: String,
}

/// Where a run is.
#[derive(Debug, Clone)]
pub enum State {
    Queued,
    Running,
    Done(Arc<Finished>),
    Failed(String),
    Cancelled,
}

/// A finished run: what its downloads and its figures are made from.
#[derive(Debug)]
pub struct Finished {
    pub entry: Entry,
    pub model: Model,
    pub report: Report,
    pub info: RunInfo,
    pub overrides: Vec<String>,
}

/// One run.
#[derive(Debug)]
pub struct Run {
    pub id: u64,
    client: String,
    slot: String,
    pub trials: u64,
    pub seed: u64,
    pub confidence: f64,
    /// The equivalent command line.
    pub command: String,
    pub done: AtomicU64,
    pub cancel: AtomicBool,
    pub state: Mutex<State>,
}

impl Run {
    /// Where the run is now.
    pub fn state(&self) -> State {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or(State::Failed("the run's state is unavailable".into()))
    }

    fn set(&self, s: State) {
        if let Ok(mut g) = self.state.lock() {
            *g = s;
        }
    }

    fn active(&self) -> bool {
        matches!(self.state(), State::Queued | State::Running)
    }
}

/// Why a run was not started.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The setting is wrong (bad override, unknown scenario, bad numbers).
    #[error("{0}")]
    Bad(Error),
    /// The queue is full.
    #[error(
        "{MAX_ACTIVE} runs are already queued or running; wait for one to finish or cancel one"
    )]
    Busy,
}

/// Every run of a server.
#[derive(Debug, Default)]
pub struct Runs {
    runs: Mutex<VecDeque<Arc<Run>>>,
    /// Held by the run simulating: one at a time.
    exec: Arc<Mutex<()>>,
    next: AtomicU64,
}

impl Runs {
    /// Checks `s`, compiles its scenario and queues it; a run of the same
    /// client and slot still queued or running is cancelled.
    pub fn submit(&self, catalog: &Catalog, s: &Setting) -> std::result::Result<Arc<Run>, Refused> {
        let (entry, model, overrides) = prepare(catalog, s).map_err(Refused::Bad)?;
        let mut runs = self
            .runs
            .lock()
            .map_err(|_| Refused::Bad(Error::Usage("the run queue is unavailable".into())))?;
        for r in runs.iter() {
            if r.client == s.client && r.slot == s.slot && !s.client.is_empty() {
                r.cancel.store(true, Ordering::SeqCst);
            }
        }
        // Cancelled runs still queued leave at once, so they take no place.
        let active = runs
            .iter()
            .filter(|r| r.active() && !r.cancel.load(Ordering::SeqCst))
            .count();
        if active >= MAX_ACTIVE {
            return Err(Refused::Busy);
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let confidence = model
            .confidence()
            .first()
            .copied()
            .unwrap_or(DEFAULT_CONFIDENCE);
        let info = RunInfo {
            scenario_file: entry.label.clone(),
            overrides: overrides.clone(),
            threads: rayon::current_num_threads(),
            elapsed_seconds: 0.0,
            precision: None,
            budget_year: fundgap_report::files::this_year(),
        };
        let mut command = info.command("run", &model, model.trials(), model.language());
        if confidence != DEFAULT_CONFIDENCE {
            command.push_str(&format!(" --confidence {confidence}"));
        }
        let run = Arc::new(Run {
            id,
            client: s.client.clone(),
            slot: s.slot.clone(),
            trials: model.trials(),
            seed: model.seed(),
            confidence,
            command,
            done: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            state: Mutex::new(State::Queued),
        });
        runs.push_back(run.clone());
        while runs.len() > MAX_KEPT {
            match runs.iter().position(|r| !r.active()) {
                Some(i) => {
                    runs.remove(i);
                }
                None => break,
            }
        }
        let (exec, r) = (self.exec.clone(), run.clone());
        std::thread::spawn(move || execute(&exec, &r, entry, model, info, overrides));
        Ok(run)
    }

    /// The run `id`, while it is remembered.
    pub fn get(&self, id: u64) -> Option<Arc<Run>> {
        self.runs.lock().ok()?.iter().find(|r| r.id == id).cloned()
    }

    /// Cancels every run (on shutdown).
    pub fn cancel_all(&self) {
        if let Ok(runs) = self.runs.lock() {
            for r in runs.iter() {
                r.cancel.store(true, Ordering::SeqCst);
            }
        }
    }
}

/// The scenario of `s` compiled with its overrides, trials, seed and
/// confidence, as `fundgap run` compiles it.
fn prepare(catalog: &Catalog, s: &Setting) -> Result<(Entry, Model, Vec<String>)> {
    let entry = catalog.get(&s.scenario)?;
    let overrides = s
        .set
        .iter()
        .map(|o| Override::parse(o).map_err(|e| Error::Usage(format!("--set {o}: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    let trials = s.trials.unwrap_or(DEFAULT_TRIALS);
    if trials == 0 || trials > MAX_TRIALS {
        return Err(Error::Usage(format!(
            "trials must be between 1 and {MAX_TRIALS}, not {trials}"
        )));
    }
    let confidence = s.confidence.unwrap_or(DEFAULT_CONFIDENCE);
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::Usage(format!(
            "the confidence level must lie strictly between 0 and 1, not {confidence}"
        )));
    }
    let mut model = entry.model(&overrides)?;
    model.set_run(Some(trials), s.seed);
    model.set_confidence(&[confidence]);
    let typed = overrides.iter().map(|o| o.to_string()).collect();
    Ok((entry, model, typed))
}

/// Runs `run` once the executor is free, unless cancelled by then.
fn execute(
    exec: &Mutex<()>,
    run: &Run,
    entry: Entry,
    model: Model,
    mut info: RunInfo,
    overrides: Vec<String>,
) {
    // Waits for the executor, leaving at once when cancelled meanwhile,
    // so runs replaced by newer ones never pile up behind the one running.
    let _turn = loop {
        if run.cancel.load(Ordering::SeqCst) {
            run.set(State::Cancelled);
            return;
        }
        match exec.try_lock() {
            Ok(turn) => break turn,
            // A poisoned lock only means an earlier run panicked: go on.
            Err(std::sync::TryLockError::Poisoned(p)) => break p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
        }
    };
    run.set(State::Running);
    let started = Instant::now();
    let engine = fundgap::engine::Engine::new(&model);
    let acc = fundgap::stats::run_range(
        &engine,
        0,
        model.trials(),
        &|n| {
            run.done.fetch_add(n, Ordering::Relaxed);
        },
        &run.cancel,
    );
    if run.cancel.load(Ordering::SeqCst) {
        run.set(State::Cancelled);
        return;
    }
    if let Err(e) = acc.check(&model) {
        run.set(State::Failed(e.to_string()));
        return;
    }
    let report = Report::new(&model, &acc);
    info.elapsed_seconds = started.elapsed().as_secs_f64();
    run.set(State::Done(Arc::new(Finished {
        entry,
        model,
        report,
        info,
        overrides,
    })));
}
