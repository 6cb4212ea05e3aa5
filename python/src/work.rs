//! Running a command off the Python thread: the work runs on a worker
//! thread (its trials on rayon's global pool, or on a pool of the threads
//! asked for) while the calling thread, GIL released, waits in short
//! intervals and, between them, checks for signals, so Ctrl-C in a
//! notebook is seen within a fraction of a second, and says how far the
//! work is on Python's `sys.stderr`, which a notebook shows under its cell.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use fundgap::error::Error;
use fundgap::format::{duration, thousands};
use fundgap::model::Language;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// How often the waiting thread looks for a signal.
const POLL: Duration = Duration::from_millis(50);

/// Work shorter than this says nothing unless asked to.
const QUIET_FOR: Duration = Duration::from_secs(2);

/// How often a shown progress line is redrawn (a notebook keeps every
/// write, so it is not redrawn at each poll).
const REDRAW: Duration = Duration::from_millis(500);

/// How often a line is written where it cannot be redrawn (a log file).
const LOGGED_EVERY: Duration = Duration::from_secs(30);

/// Most threads a command may ask for (the Python layer reads it as
/// `_fundgap.MOST_THREADS`).
pub(crate) const MOST_THREADS: u64 = 1024;

/// Whether to say how far the work is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Show {
    /// Once the work has taken two seconds.
    Long,
    /// From the start.
    Always,
    /// Never.
    Never,
}

impl Show {
    /// From the Python argument: None (the default) for [`Show::Long`].
    pub(crate) fn from_arg(progress: Option<bool>) -> Show {
        match progress {
            None => Show::Long,
            Some(true) => Show::Always,
            Some(false) => Show::Never,
        }
    }
}

/// How a command's work runs: on how many threads (None: rayon's global
/// pool, every core), whether its progress is shown, and in which
/// language.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Job {
    pub threads: Option<usize>,
    pub show: Show,
    pub lang: Language,
}

impl Job {
    /// A job from the Python arguments `threads` and `progress`.
    pub(crate) fn new(
        threads: Option<u64>,
        progress: Option<bool>,
        lang: Language,
    ) -> PyResult<Job> {
        let threads = match threads {
            None => None,
            Some(n @ 1..=MOST_THREADS) => Some(n as usize),
            Some(n) => {
                return Err(PyValueError::new_err(format!(
                    "threads: give 1 to {MOST_THREADS}, not {n} (results are the same for any count)"
                )));
            }
        };
        Ok(Job {
            threads,
            show: Show::from_arg(progress),
            lang,
        })
    }

    /// The threads the work will run on.
    pub(crate) fn thread_count(&self) -> usize {
        self.threads.unwrap_or_else(rayon::current_num_threads)
    }
}

/// What a phase of the work counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Trials,
    /// The tornado's one-at-a-time inputs.
    Inputs,
    /// Rows of Sobol's sample.
    SobolRows,
}

impl Unit {
    /// "trials" in English; ("시행", "회") in Korean: a noun before the
    /// count and the counter after it.
    fn words(self, lang: Language) -> (&'static str, &'static str) {
        match (self, lang) {
            (Unit::Trials, Language::En) => ("", " trials"),
            (Unit::Inputs, Language::En) => ("", " inputs"),
            (Unit::SobolRows, Language::En) => ("", " Sobol rows"),
            (Unit::Trials, Language::Ko) => ("시행 ", "회"),
            (Unit::Inputs, Language::Ko) => ("입력 ", "개"),
            (Unit::SobolRows, Language::Ko) => ("Sobol 표본 ", "행"),
        }
    }
}

/// A phase of the work: how many units, of what, since when.
#[derive(Clone, Copy, Debug)]
struct Phase {
    total: u64,
    unit: Unit,
    from: Instant,
}

/// How far the work is: the worker counts, the waiting thread reads. The
/// count is an atomic the library's callbacks add to; the phase changes
/// under a lock together with the count's reset, so a line never mixes
/// one phase's count with another's unit.
pub(crate) struct Meter {
    done: AtomicU64,
    phase: Mutex<Option<Phase>>,
    started: Instant,
}

impl Meter {
    fn new() -> Meter {
        Meter {
            done: AtomicU64::new(0),
            phase: Mutex::new(None),
            started: Instant::now(),
        }
    }

    fn with_phase<R>(&self, f: impl FnOnce(&mut Option<Phase>) -> R) -> R {
        // A panic elsewhere never leaves the phase half-written.
        f(&mut self.phase.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Starts a phase of `total` `unit`s.
    pub(crate) fn phase(&self, total: u64, unit: Unit) {
        self.with_phase(|p| {
            self.done.store(0, Ordering::Relaxed);
            *p = Some(Phase {
                total,
                unit,
                from: Instant::now(),
            });
        });
    }

    /// The phase goes on to `total` (a precision run's next block).
    pub(crate) fn extend(&self, total: u64) {
        self.with_phase(|p| {
            if let Some(p) = p {
                p.total = total;
            }
        });
    }

    /// `n` more units done (the library's progress callbacks).
    pub(crate) fn tick(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// The progress line: "fundgap: 450,000/1,000,000 trials (45%), about
    /// 12 s left" ("fundgap: 시행 450,000/1,000,000회 (45%), 약 12초 남음"),
    /// or ", stopped" ("중단됨") in place of the time left once Ctrl-C has
    /// stopped it. Work that counts nothing says how long it has run:
    /// "fundgap: working (12 s)" ("fundgap: 계산 중 (12초)").
    fn line(&self, lang: Language, stopped: bool) -> String {
        let ko = lang == Language::Ko;
        let (done, phase) = self.with_phase(|p| (self.done.load(Ordering::Relaxed), *p));
        let mut line = match phase {
            Some(p) if p.total.max(done) > 0 => {
                let total = p.total.max(done);
                let (noun, counter) = p.unit.words(lang);
                let count = |x: u64| thousands(x as f64, 0);
                let mut line = format!(
                    "fundgap: {noun}{}/{}{counter} ({:.0}%)",
                    count(done),
                    count(total),
                    100.0 * done as f64 / total as f64
                );
                let spent = p.from.elapsed().as_secs_f64();
                let left = if done > 0 {
                    spent * (total - done) as f64 / done as f64
                } else {
                    0.0
                };
                // A rate needs a second of work to mean anything.
                if !stopped && spent >= 1.0 && left >= 1.0 {
                    let left = duration(left, ko);
                    line.push_str(&match ko {
                        false => format!(", about {left} left"),
                        true => format!(", 약 {left} 남음"),
                    });
                }
                line
            }
            _ => {
                let spent = duration(self.started.elapsed().as_secs_f64(), ko);
                match ko {
                    false => format!("fundgap: working ({spent})"),
                    true => format!("fundgap: 계산 중 ({spent})"),
                }
            }
        };
        if stopped {
            line.push_str(if ko { ", 중단됨" } else { ", stopped" });
        }
        line
    }
}

/// How progress reaches `sys.stderr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Medium {
    /// A terminal or a notebook: one line redrawn in place with a
    /// carriage return.
    Redrawn,
    /// Anything else (a log file, a pipe): a whole line now and then, so
    /// a log is not filled with redraws.
    Logged,
}

impl Medium {
    /// Whether Python's stderr is a terminal or a notebook's (an
    /// ipykernel stream, which draws carriage returns).
    fn of(py: Python<'_>) -> Medium {
        let redraws = || -> PyResult<bool> {
            let err = py.import("sys")?.getattr("stderr")?;
            let module: String = err.get_type().getattr("__module__")?.extract()?;
            Ok(module.starts_with("ipykernel") || err.call_method0("isatty")?.is_truthy()?)
        };
        match redraws() {
            Ok(true) => Medium::Redrawn,
            _ => Medium::Logged,
        }
    }

    /// How often a shown line is written again.
    fn every(self) -> Duration {
        match self {
            Medium::Redrawn => REDRAW,
            Medium::Logged => LOGGED_EVERY,
        }
    }
}

/// What the waiting thread has written on `sys.stderr`.
struct Shown {
    medium: Medium,
    /// Terminal columns of the line shown (redrawn only).
    width: usize,
    at: Option<Instant>,
}

impl Shown {
    /// Writes `line`: over the one shown where it is redrawn (a carriage
    /// return, the line, and spaces over what is left of a longer one,
    /// counted in terminal columns: Hangul takes two; `end` ends the line),
    /// as a line of its own otherwise.
    fn write(&mut self, py: Python<'_>, line: &str, end: bool) {
        let text = match self.medium {
            Medium::Redrawn => self.over(line, end),
            Medium::Logged => format!("{line}\n"),
        };
        self.at = Some(Instant::now());
        // A process without a usable stderr (pythonw) just shows nothing.
        let _ = py.import("sys").and_then(|sys| {
            let err = sys.getattr("stderr")?;
            err.call_method1("write", (text,))?;
            err.call_method0("flush")
        });
    }

    /// The text that writes `line` over the one shown.
    fn over(&mut self, line: &str, end: bool) -> String {
        let width = fundgap_report::lang::columns(line);
        let pad = " ".repeat(self.width.saturating_sub(width));
        self.width = if end { 0 } else { width };
        format!("\r{line}{pad}{}", if end { "\n" } else { "" })
    }

    /// Ends a redrawn line with the last count, where one is shown.
    fn end(&mut self, py: Python<'_>, line: &str) {
        if self.at.is_some() && self.medium == Medium::Redrawn {
            self.write(py, line, true);
        }
    }
}

/// Runs `work` on a worker thread, the GIL released, and returns its
/// result; `work` is given the flag it watches (the engine's runs and the
/// analyses' stop at their next block of trials) and the meter it counts
/// on. On a signal the flag is set and its exception (KeyboardInterrupt)
/// raised once the work has stopped; a panic in the work is a
/// `RuntimeError`. A "done" line follows only work that succeeded.
pub(crate) fn run<T: Send + 'static>(
    py: Python<'_>,
    job: Job,
    work: impl FnOnce(&AtomicBool, &Meter) -> Result<T, Error> + Send + 'static,
) -> PyResult<Result<T, Error>> {
    let pool = match job.threads {
        None => None,
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .thread_name(|i| format!("fundgap-{i}"))
                .build()
                .map_err(|e| PyRuntimeError::new_err(format!("cannot start {n} threads: {e}")))?,
        ),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let meter = Arc::new(Meter::new());
    let (flag, counts) = (Arc::clone(&stop), Arc::clone(&meter));
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("fundgap".into())
        .spawn(move || {
            let value = match pool {
                Some(pool) => pool.install(|| work(&flag, &counts)),
                None => work(&flag, &counts),
            };
            // The receiver is gone only once a second Ctrl-C left the work.
            let _ = tx.send(value);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a worker thread: {e}")))?;
    let medium = match job.show {
        Show::Never => Medium::Logged,
        _ => Medium::of(py),
    };
    let mut shown = Shown {
        medium,
        width: 0,
        at: None,
    };
    let lang = job.lang;
    let mut rx = rx;
    loop {
        // The receiver moves into the wait and back: it is not `Sync`.
        let (got, back) = py.detach(move || (rx.recv_timeout(POLL), rx));
        rx = back;
        match got {
            Ok(value) => {
                let _ = py.detach(|| worker.join());
                let said = shown.at.is_some() || job.show == Show::Always;
                if value.is_ok() && said {
                    let took =
                        duration(meter.started.elapsed().as_secs_f64(), lang == Language::Ko);
                    let done = match lang {
                        Language::En => format!("fundgap: done in {took}"),
                        Language::Ko => format!("fundgap: 완료 ({took})"),
                    };
                    shown.write(py, &done, true);
                } else {
                    shown.end(py, &meter.line(lang, false));
                }
                return Ok(value);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = py.detach(|| worker.join());
                shown.end(py, &meter.line(lang, false));
                return Err(PyRuntimeError::new_err(
                    "fundgap: the computation failed unexpectedly (a bug: please report it)",
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Err(signal) = py.check_signals() {
            stop.store(true, Ordering::SeqCst);
            if shown.at.is_some() {
                shown.write(py, &meter.line(lang, true), true);
            }
            // The work stops at its next block of trials; a second signal
            // while it does leaves it to finish on its own.
            while !worker.is_finished() {
                py.detach(|| std::thread::sleep(POLL));
                py.check_signals()?;
            }
            let _ = worker.join();
            return Err(signal);
        }
        let due = match (job.show, shown.at) {
            (Show::Never, _) => false,
            (Show::Long, None) => meter.started.elapsed() >= QUIET_FOR,
            (Show::Always, None) => true,
            (_, Some(at)) => at.elapsed() >= medium.every(),
        };
        if due {
            shown.write(py, &meter.line(lang, false), false);
        }
    }
}
