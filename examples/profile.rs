//! Runs the three parts of a trial of `scenarios/bench-district.toml` —
//! simulate, the floor, record — each in its own function, so a profiler
//! can count them apart. Criterion's adaptive loops make that hard.
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/examples/profile 2000
//! callgrind_annotate --inclusive=yes cg.out | grep -E 'profile::(simulate|floor|record) '
//! ```
//!
//! Divide each function's instruction count by the number of trials.
//! `profile N requirement` adds the funding requirement that `fundgap run`
//! computes (off in the library by default).

use std::hint::black_box;

use fundgap::engine::{Engine, LANES, Scratch};
use fundgap::scenario::parse_str;
use fundgap::stats::Accumulator;

const BENCH: &str = include_str!("../scenarios/bench-district.toml");

/// Batches of `LANES` trials, as a run simulates them (the funding
/// requirement is solved for a batch at once).
#[inline(never)]
fn simulate(engine: &Engine, lanes: &mut [Scratch], n: u64) {
    for first in (0..n).step_by(LANES) {
        engine.simulate_lanes(first, lanes, |_| {});
    }
}

#[inline(never)]
fn floor(engine: &Engine, s: &mut Scratch, n: u64) -> f64 {
    (0..n).map(|t| engine.floor(t, s)).sum()
}

#[inline(never)]
fn record(acc: &mut Accumulator, lanes: &[Scratch], n: u64) {
    for _ in 0..n / LANES as u64 {
        acc.record(black_box(lanes));
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let trials: u64 = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 2_000,
    };
    let mut model = parse_str(BENCH, "bench-district.toml")?;
    // `fundgap run` also works out the funding requirement (issue 18):
    // `profile N requirement` counts it in.
    if std::env::args().nth(2).as_deref() == Some("requirement") {
        model.set_confidence(&[0.9]);
    }
    let engine = Engine::new(&model);
    let mut lanes = vec![Scratch::new(&model); LANES];
    let mut acc = Accumulator::new(&model);
    // Wall time per part too, for a quick look (the instruction counts
    // under callgrind are the stable measure on a shared machine).
    let per = |t: std::time::Instant| t.elapsed().as_nanos() as f64 / trials as f64;
    let t = std::time::Instant::now();
    simulate(&engine, &mut lanes, trials);
    let sim = per(t);
    let t = std::time::Instant::now();
    black_box(floor(&engine, &mut lanes[0], trials));
    let flo = per(t);
    let t = std::time::Instant::now();
    record(&mut acc, &lanes, trials);
    let rec = per(t);
    println!(
        "{trials} trials of each part; ns per trial: simulate {sim:.0}, floor {flo:.0}, record {rec:.0}"
    );
    Ok(())
}
