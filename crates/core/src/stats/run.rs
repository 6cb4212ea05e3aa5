//! Running trials into aggregates: the engine's trials, spread over
//! threads by [`fold_trials`], each batch of [`LANES`] folded into one
//! [`Accumulator`] per worker; the accumulators merge exactly, so the
//! result does not depend on the number of threads or on how trials were
//! split ([`run_range`] runs a shard).

use std::sync::atomic::AtomicBool;

use crate::engine::{Engine, LANES, Scratch, fold_trials, lane_batches};

use super::Accumulator;

/// Simulates trials `first..first + lanes.len()` (at most [`LANES`]), one
/// into each scratch, and adds them to `acc`: the same as simulating them
/// all and then [`Accumulator::record`], but each trial's per-year sums are
/// added while its rows are still in cache; the rest of the aggregates take
/// the batch at once.
pub fn simulate_batch(
    engine: &Engine<'_>,
    first: u64,
    lanes: &mut [Scratch],
    acc: &mut Accumulator,
) {
    engine.simulate_lanes(first, lanes, |s| acc.record_sums(s));
    acc.record_batch(lanes);
}

/// Runs every trial of the model without progress reporting.
pub fn run_all(engine: &Engine<'_>) -> Accumulator {
    run(engine, &|_| {}, &AtomicBool::new(false))
}

/// Runs the model's trials on the current rayon pool, reporting progress
/// in trials; `cancel` stops it early (the result then holds fewer trials).
pub fn run(
    engine: &Engine<'_>,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Accumulator {
    run_range(engine, 0, engine.model().trials, progress, cancel)
}

/// Runs trials `start..end`: a shard. Shards merged with
/// [`Accumulator::merge`] equal the whole run bit for bit.
pub fn run_range(
    engine: &Engine<'_>,
    start: u64,
    end: u64,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Accumulator {
    let model = engine.model();
    let (acc, _) = fold_trials(
        start,
        end,
        progress,
        cancel,
        || {
            let lanes = vec![Scratch::new(model); LANES];
            (Accumulator::new(model), lanes)
        },
        |(acc, lanes), block| {
            for (first, n) in lane_batches(block) {
                simulate_batch(engine, first, &mut lanes[..n], acc);
            }
        },
        |(mut a, s), (b, _)| {
            a.merge(&b);
            (a, s)
        },
    );
    acc
}
