//! Benchmarks of the engine against its floor, of aggregation, and of
//! parsing. Run with `cargo bench`; see PERFORMANCE.md for the numbers.
//!
//! * `engine/trial`: one trial of `scenarios/bench-district.toml` (simulate
//!   and record, recording in batches of `LANES` trials as the engine
//!   does), one thread. Divide by 240 for time per service-year.
//! * `floor/trial`: the same random draws of the same distributions from the
//!   same keyed streams, summed, nothing else: what no engine can beat.
//! * `aggregate/record` and `aggregate/merge`: folding trials into the
//!   aggregates (per trial, in batches of `LANES`), and merging two
//!   workers' aggregates.
//! * `parse/bench-district`: reading, validating and compiling the scenario.
//! * `rng/*`: 20 uniforms (a line over 20 years) of 8 trials: today's
//!   Xoshiro stream seeded per line and trial, and engine v2's
//!   counter-based Philox4x32-10, one trial at a time and 8 trials side by
//!   side. Throughput is in uniforms.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fundgap::engine::{Engine, LANES, Scratch};
use fundgap::scenario::parse_str;
use fundgap::stats::Accumulator;

const BENCH: &str = include_str!("../scenarios/bench-district.toml");

fn engine(c: &mut Criterion) {
    let model = parse_str(BENCH, "bench-district.toml").unwrap();
    let engine = Engine::new(&model);
    // The engine simulates LANES trials, one per scratch, then folds them
    // into the aggregates together; the benches do the same.
    let mut lanes = vec![Scratch::new(&model); LANES];
    let mut acc = Accumulator::new(&model);
    // Warm the aggregates so histogram buckets exist, as in a long run.
    for t in 0..1_024 {
        let l = t as usize % LANES;
        engine.simulate(t, &mut lanes[l]);
        if l == LANES - 1 {
            acc.record(&lanes);
        }
    }
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(1));
    let mut trial = 1_024u64;
    g.bench_function("trial", |b| {
        b.iter(|| {
            let l = trial as usize % LANES;
            engine.simulate(trial, &mut lanes[l]);
            acc.record_sums(&lanes[l]);
            if l == LANES - 1 {
                acc.record_batch(&lanes);
            }
            trial += 1;
        })
    });
    g.bench_function("simulate_only", |b| {
        b.iter(|| {
            engine.simulate(trial, &mut lanes[trial as usize % LANES]);
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
    g.throughput(Throughput::Elements(1));
    // Per trial, folding full batches as the engine does.
    g.bench_function("record", |b| {
        b.iter_custom(|iters| {
            let batches = iters.div_ceil(LANES as u64);
            let start = Instant::now();
            for _ in 0..batches {
                acc.record(black_box(&lanes));
            }
            start
                .elapsed()
                .mul_f64(iters as f64 / (batches * LANES as u64) as f64)
        })
    });
    g.finish();
    // A merge is one operation, not per trial: no throughput.
    let mut g = c.benchmark_group("aggregate");
    let other = acc.clone();
    g.bench_function("merge", |b| b.iter(|| acc.merge(black_box(&other))));
    g.finish();
}

fn rng(c: &mut Criterion) {
    use fundgap::model::StreamKey;
    use fundgap::model::counter_rng::{
        counter, key, philox4x32, philox4x32_10, squares_lanes, squares64, uniform_lanes, uniforms,
    };
    use rand::Rng;
    let uniform01 = |r: &mut rand_xoshiro::Xoshiro256PlusPlus| {
        (r.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    };
    let line = StreamKey(0x1234_5678_9abc_def0);
    let mut g = c.benchmark_group("rng");
    g.throughput(Throughput::Elements(160));
    let mut first = 0u64;
    g.bench_function("xoshiro-seeded-per-line", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for t in first..first + 8 {
                let mut r = line.rng(7, t);
                for _ in 0..20 {
                    s += uniform01(&mut r);
                }
            }
            first += 8;
            black_box(s)
        })
    });
    let k = key(7, line.0);
    g.bench_function("philox-scalar", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for t in first..first + 8 {
                for y in 0..10u32 {
                    let [a, c] = uniforms(philox4x32_10(counter(t, 1 + y, 0), k));
                    s += a + c;
                }
            }
            first += 8;
            black_box(s)
        })
    });
    g.bench_function("philox7-scalar", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for t in first..first + 8 {
                for y in 0..10u32 {
                    let [a, c] = uniforms(philox4x32::<7>(counter(t, 1 + y, 0), k));
                    s += a + c;
                }
            }
            first += 8;
            black_box(s)
        })
    });
    let sk = 0xc8e4_fd15_4ce3_2f6d_u64;
    g.bench_function("squares-scalar", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for t in first..first + 8 {
                for y in 0..20u64 {
                    let w = squares64(t << 24 | (1 + y) << 12, sk);
                    s += (w >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                }
            }
            first += 8;
            black_box(s)
        })
    });
    g.bench_function("squares-8-lanes", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for y in 0..20u64 {
                s += squares_lanes::<8>(sk, first << 24 | (1 + y) << 12)
                    .iter()
                    .sum::<f64>();
            }
            first += 8;
            black_box(s)
        })
    });
    g.bench_function("philox-8-lanes", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for y in 0..10u32 {
                let [a, c] = uniform_lanes::<8>(k, first, 1 + y, 0);
                s += a.iter().sum::<f64>() + c.iter().sum::<f64>();
            }
            first += 8;
            black_box(s)
        })
    });
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
    targets = engine, parse, rng
}
criterion_main!(benches);
