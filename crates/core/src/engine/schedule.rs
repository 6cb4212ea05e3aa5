//! How trials are spread over threads: fixed blocks of trial numbers pulled
//! by rayon workers, each worker folding into its own state. Generic over
//! the state, so the engine does not depend on what the trials are folded
//! into (the aggregates, a comparison's pairs, a sensitivity sample).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::trial::LANES;

/// Trials per block handed to a worker. Only affects scheduling and the
/// granularity of progress, never the results.
pub const BLOCK: u64 = 512;

/// Splits a block of trial numbers into runs of at most [`LANES`], as
/// (first trial, number of trials).
pub fn lane_batches(block: Range<u64>) -> impl Iterator<Item = (u64, usize)> {
    let end = block.end;
    block
        .step_by(LANES)
        .map(move |first| (first, (end - first).min(LANES as u64) as usize))
}

/// Folds trials `start..end` over the current rayon pool: each worker
/// pulls blocks of [`BLOCK`] trial numbers, folds each block into its own
/// state made by `init` with `step(state, first..end_of_block)`, and the
/// states are combined with `merge`. The result depends on the trials only,
/// not on the schedule, as long as `merge` is exact and order-independent
/// (as the aggregates' merge is). `cancel` stops every worker at its next
/// block; `progress` hears of each finished block.
pub fn fold_trials<A, I, S, M>(
    start: u64,
    end: u64,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
    init: I,
    step: S,
    merge: M,
) -> A
where
    A: Send,
    I: Fn() -> A + Sync + Send,
    S: Fn(&mut A, Range<u64>) + Sync + Send,
    M: Fn(A, A) -> A + Sync + Send,
{
    use rayon::prelude::*;
    let next = AtomicU64::new(start);
    let workers = rayon::current_num_threads().max(1);
    (0..workers)
        .into_par_iter()
        .map(|_| {
            let mut state = init();
            loop {
                if cancel.load(Ordering::Relaxed) {
                    break;
                }
                let b = next.fetch_add(BLOCK, Ordering::Relaxed);
                if b >= end {
                    break;
                }
                let e = (b + BLOCK).min(end);
                step(&mut state, b..e);
                progress(e - b);
            }
            state
        })
        // reduce_with, not reduce(init, ..): rayon's identity would build
        // more states than there are workers, and for a portfolio of
        // thousands of services each state is hundreds of megabytes.
        .reduce_with(&merge)
        .unwrap_or_else(&init)
}
