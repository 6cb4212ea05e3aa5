//! Running a command off the Python thread: the work runs on a worker
//! thread (which uses rayon's pool for its trials) while the calling
//! thread, GIL released, waits in short intervals and checks for signals
//! between them, so Ctrl-C in a notebook is seen within a fraction of a
//! second.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// How often the waiting thread looks for a signal.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a worker thread, the GIL released, and returns its
/// result; `work` is given the flag it watches (the engine's runs and the
/// analyses' stop at their next block of trials). On a signal the flag is
/// set and its exception (KeyboardInterrupt) raised once the work has
/// stopped; a panic in the work is a `RuntimeError`.
pub(crate) fn run<T: Send + 'static>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
) -> PyResult<T> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("fundgap".into())
        .spawn(move || {
            // The receiver is gone only once a second Ctrl-C left the work.
            let _ = tx.send(work(&flag));
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a worker thread: {e}")))?;
    let mut rx = rx;
    loop {
        // The receiver moves into the wait and back: it is not `Sync`.
        let (got, back) = py.detach(move || (rx.recv_timeout(POLL), rx));
        rx = back;
        match got {
            Ok(value) => {
                let _ = py.detach(|| worker.join());
                return Ok(value);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = py.detach(|| worker.join());
                return Err(PyRuntimeError::new_err(
                    "fundgap: the computation failed unexpectedly (a bug: please report it)",
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Err(signal) = py.check_signals() {
            stop.store(true, Ordering::SeqCst);
            // The work stops at its next block of trials; a second signal
            // while it does leaves it to finish on its own.
            while !worker.is_finished() {
                py.detach(|| std::thread::sleep(POLL));
                py.check_signals()?;
            }
            let _ = worker.join();
            return Err(signal);
        }
    }
}
