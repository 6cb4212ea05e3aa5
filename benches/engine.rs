//! Benchmarks of the engine against its floor, of aggregation, and of
//! parsing. Run with `cargo bench`; see PERFORMANCE.md for the numbers.
//!
//! * `engine/trial`: one trial of `scenarios/bench-district.toml` (simulate
//!   and record), one thread. Divide by 240 for time per service-year.
//! * `floor/trial`: the same random draws of the same distributions from the
//!   same keyed streams, summed, nothing else: what no engine can beat.
//! * `aggregate/record` and `aggregate/merge`: folding one trial into the
//!   aggregates, and merging two workers' aggregates.
//! * `parse/bench-district`: reading, validating and compiling the scenario.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fundgap::engine::{Engine, Scratch};
use fundgap::scenario::parse_str;
use fundgap::stats::Accumulator;

const BENCH: &str = include_str!("../scenarios/bench-district.toml");

fn engine(c: &mut Criterion) {
    let model = parse_str(BENCH, "bench-district.toml").unwrap();
    let engine = Engine::new(&model);
    let mut scratch = Scratch::new(&model);
    let mut acc = Accumulator::new(&model);
    // Warm the aggregates so histogram buckets exist, as in a long run.
    for t in 0..1_000 {
        engine.simulate(t, &mut scratch);
        acc.record(&scratch);
    }
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(1));
    let mut trial = 1_000u64;
    g.bench_function("trial", |b| {
        b.iter(|| {
            engine.simulate(trial, &mut scratch);
            acc.record(&scratch);
            trial += 1;
        })
    });
    g.bench_function("simulate_only", |b| {
        b.iter(|| {
            engine.simulate(trial, &mut scratch);
            trial += 1;
        })
    });
    g.finish();

    let mut g = c.benchmark_group("floor");
    g.throughput(Throughput::Elements(1));
    let mut trial = 0u64;
    g.bench_function("trial", |b| {
        b.iter(|| {
            trial += 1;
            black_box(engine.floor(trial))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("aggregate");
    engine.simulate(7, &mut scratch);
    g.bench_function("record", |b| b.iter(|| acc.record(black_box(&scratch))));
    let other = acc.clone();
    g.bench_function("merge", |b| b.iter(|| acc.merge(black_box(&other))));
    g.finish();
}

fn parse(c: &mut Criterion) {
    c.bench_function("parse/bench-district", |b| {
        b.iter(|| parse_str(black_box(BENCH), "bench-district.toml").unwrap())
    });
}

criterion_group! {
    name = benches;
    // Criterion's HTML plots need a system font; the numbers are printed.
    config = Criterion::default().without_plots();
    targets = engine, parse
}
criterion_main!(benches);
