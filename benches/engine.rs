//! Benchmarks of the engine against its floor, of aggregation, and of
//! parsing. Run with `cargo bench`; see PERFORMANCE.md for the numbers.
//!
//! * `engine/trial`: one trial of `scenarios/bench-district.toml` as
//!   `fundgap run` computes it, the funding requirement included (simulate
//!   and record, in batches of `LANES` trials as a run does, the batch's
//!   time divided among its trials), one thread. Divide by 240 for time
//!   per service-year. `engine/simulate_only`: the same without recording;
//!   `engine/simulate_without_requirement`: nor the funding requirement.
//! * `floor/trial`: the same random draws of the same distributions from the
//!   same keyed streams, summed, nothing else: what no engine can beat.
//! * `aggregate/record` and `aggregate/merge`: folding trials into the
//!   aggregates (per trial, in batches of `LANES`), and merging two
//!   workers' aggregates.
//! * `floor/sketches`: the floor of recording's largest part, which no
//!   layout of the rows can spare: the 780 entity-year quantile sketches
//!   of a trial (cost, funding and gap of 12 services and the portfolio
//!   over 20 years), warmed as in a long run, each given its column of a
//!   batch's values already gathered (eight batches' columns, 0.8 MB, so
//!   they stay in cache as a batch's rows do). The horizon's sketches
//!   (four an entity a trial) are not in it.
//! * `floor/arithmetic`: the floor of the service arithmetic, per trial
//!   (eight at a time): every cost line, risk event, funding stream and
//!   benefit of bench-district's services, the balance, the gap and three
//!   rows a service-year, with nothing else (`engine::ArithmeticFloor`
//!   says what it leaves out); its draws made beforehand.
//! * `parse/bench-district`: reading, validating and compiling the scenario.
//! * `draws/fill` and `draws/fill-portable`: one trial's per-year draws of
//!   bench-district's shape (48 lines of lognormal shocks and 48 of
//!   uniforms over 20 years), on the best instruction set this CPU has and
//!   on the portable baseline. Throughput is in draws. `draws/uniforms-only`:
//!   as many draws, all uniforms: the counter-based generator's own cost.
//! * `quantities/fill` and `quantities/fill-portable`: one trial's
//!   per-trial quantities of bench-district (every uncertain input of
//!   every line: uniform, triangular, normal, lognormal and PERT), the
//!   same two ways. Throughput is in quantities.
//!
//! The per-trial benchmarks count service-years as their elements, so
//! Criterion's throughput is service-years a second (240 a trial).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fundgap::engine::{ArithmeticFloor, Engine, LANES, Scratch};
use fundgap::scenario::parse_str;
use fundgap::stats::Accumulator;

const BENCH: &str = include_str!("../scenarios/bench-district.toml");

fn engine(c: &mut Criterion) {
    let mut model = parse_str(BENCH, "bench-district.toml").unwrap();
    // As `fundgap run` makes it: the funding requirement at its default
    // confidence level, 90%.
    model.set_confidence(&[0.9]);
    let engine = Engine::new(&model);
    // The engine simulates LANES trials, one per scratch, then folds them
    // into the aggregates together; the benches do the same.
    let mut lanes = vec![Scratch::new(&model); LANES];
    let mut acc = Accumulator::new(&model);
    // Warm the aggregates so histogram buckets exist, as in a long run.
    for first in (0..1_024).step_by(LANES) {
        fundgap::stats::simulate_batch(&engine, first, &mut lanes, &mut acc);
    }
    // Per trial: batches of LANES, simulated and recorded as a run does
    // (`stats::simulate_batch`), the time divided among their trials.
    let per_trial = |iters: u64, batch: &mut dyn FnMut()| {
        let batches = iters.div_ceil(LANES as u64);
        let start = Instant::now();
        for _ in 0..batches {
            batch();
        }
        start
            .elapsed()
            .mul_f64(iters as f64 / (batches * LANES as u64) as f64)
    };
    // Service-years a trial: each benchmark's throughput is in these.
    let service_years = (model.services().len() * model.horizon()) as u64;
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(service_years));
    let mut first = 1_024u64;
    g.bench_function("trial", |b| {
        b.iter_custom(|iters| {
            per_trial(iters, &mut || {
                fundgap::stats::simulate_batch(&engine, first, &mut lanes, &mut acc);
                first += LANES as u64;
            })
        })
    });
    g.bench_function("simulate_only", |b| {
        b.iter_custom(|iters| {
            per_trial(iters, &mut || {
                engine.simulate_lanes(first, &mut lanes, |s| {
                    black_box(s);
                });
                first += LANES as u64;
            })
        })
    });
    // The same model without confidence levels poses no funding
    // requirement: the difference is the requirement's cost.
    let plain = parse_str(BENCH, "bench-district.toml").unwrap();
    let plain_engine = Engine::new(&plain);
    let mut plain_lanes = vec![Scratch::new(&plain); LANES];
    g.bench_function("simulate_without_requirement", |b| {
        b.iter_custom(|iters| {
            per_trial(iters, &mut || {
                plain_engine.simulate_lanes(first, &mut plain_lanes, |s| {
                    black_box(s);
                });
                first += LANES as u64;
            })
        })
    });
    g.finish();

    let mut g = c.benchmark_group("floor");
    g.throughput(Throughput::Elements(service_years));
    let mut trial = 0u64;
    let mut scratch = Scratch::new(&model);
    g.bench_function("trial", |b| {
        b.iter(|| {
            trial += 1;
            black_box(engine.floor(trial, &mut scratch))
        })
    });
    sketches_floor(&mut g, &engine, &mut lanes);
    let mut arithmetic = ArithmeticFloor::new(&model);
    g.bench_function("arithmetic", |b| {
        b.iter_custom(|iters| {
            per_trial(iters, &mut || {
                black_box(arithmetic.run());
            })
        })
    });
    g.finish();

    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Elements(service_years));
    // Per trial, folding full batches as the engine does.
    g.bench_function("record", |b| {
        b.iter_custom(|iters| per_trial(iters, &mut || acc.record(black_box(&lanes))))
    });
    g.finish();
    // A merge is one operation, not per trial: no throughput.
    let mut g = c.benchmark_group("aggregate");
    let other = acc.clone();
    g.bench_function("merge", |b| b.iter(|| acc.merge(black_box(&other))));
    g.finish();
}

/// `floor/sketches`: every entity-year sketch a trial feeds (cost, funding
/// and gap of each entity and year), given its column of a batch's values
/// at once, the values gathered beforehand from eight simulated batches.
fn sketches_floor(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    engine: &Engine<'_>,
    lanes: &mut [Scratch],
) {
    use fundgap::stats::Sketch;
    const BATCHES: usize = 8;
    let cells = lanes[0].rows.cost.len();
    // columns[b][k]: batch b's values of sketch k, one per lane.
    let mut columns = vec![vec![[0.0; LANES]; 3 * cells]; BATCHES];
    for (b, batch) in columns.iter_mut().enumerate() {
        engine.simulate_lanes(1_000_000 + (b * LANES) as u64, lanes, |_| {});
        for (i, col) in batch.chunks_exact_mut(3).enumerate() {
            for (j, s) in lanes.iter().enumerate() {
                col[0][j] = s.rows.cost[i];
                col[1][j] = s.rows.funding[i];
                col[2][j] = s.rows.gap[i];
            }
        }
    }
    let mut sketches = vec![Sketch::new(); 3 * cells];
    for batch in &columns {
        for (q, col) in sketches.iter_mut().zip(batch) {
            q.add_all(col);
        }
    }
    let mut b = 0;
    g.bench_function("sketches", |bench| {
        bench.iter_custom(|iters| {
            let batches = iters.div_ceil(LANES as u64);
            let start = Instant::now();
            for _ in 0..batches {
                for (q, col) in sketches.iter_mut().zip(&columns[b]) {
                    q.add_all(black_box(col));
                }
                b = (b + 1) % BATCHES;
            }
            start
                .elapsed()
                .mul_f64(iters as f64 / (batches * LANES as u64) as f64)
        })
    });
}

fn draws(c: &mut Criterion) {
    use fundgap::model::rng::lanes::{Draws, Slots};
    // bench-district's per-year draws: 48 lines of lognormal shocks and
    // 48 of uniforms (12 services x 4 each), 20 years each.
    let mut slots = Slots::new();
    for l in 0..48u64 {
        slots.shocks(l, Some((0.1, -0.005)), 0..20);
        slots.uniforms(1000 + l, 0..20);
    }
    let slots = slots.finish();
    let mut d = Draws::new(&slots);
    let mut g = c.benchmark_group("draws");
    g.throughput(Throughput::Elements(2 * 48 * 20));
    fill_both_ways(&mut g, |mix| {
        d.fill(&slots, mix);
        black_box(&d);
    });
    // The generator alone: as many draws, all uniforms (two hashes and a
    // conversion each), so `fill` less this is what the shocks' normals
    // and exponentials cost.
    let mut uniform = Slots::new();
    for l in 0..96u64 {
        uniform.uniforms(1000 + l, 0..20);
    }
    let uniform = uniform.finish();
    let mut u = Draws::new(&uniform);
    let mut trial = 0u64;
    g.bench_function("uniforms-only", |b| {
        b.iter(|| {
            trial += 1;
            u.fill(&uniform, fundgap::model::StreamKey::trial_mix(7, trial));
            black_box(&u);
        })
    });
    g.finish();
}

/// Benches `fill` (given a new trial's mixed seed each time) as `fill` on
/// the best instruction set this CPU has and as `fill-portable` on the
/// portable baseline.
fn fill_both_ways(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    mut fill: impl FnMut(u64),
) {
    use fundgap::kernels::force_portable as set_portable;
    use fundgap::model::StreamKey;
    for (name, portable) in [("fill", false), ("fill-portable", true)] {
        let mut trial = 0u64;
        g.bench_function(name, |b| {
            set_portable(portable);
            b.iter(|| {
                trial += 1;
                fill(StreamKey::trial_mix(7, trial));
            });
            set_portable(false);
        });
    }
}

fn quantities(c: &mut Criterion) {
    use fundgap::model::rng::quantities::QuantitySlots;
    let model = parse_str(BENCH, "bench-district.toml").unwrap();
    let inputs = model.inputs();
    // Each input on a line of its own: the kernels' cost is per quantity.
    let mut slots = QuantitySlots::default();
    for (i, (_, q)) in inputs.iter().enumerate() {
        slots.line(i as u64, [Some(("x", *q)), None, None, None]);
    }
    let slots = slots.finish();
    let (mut work, mut table) = (slots.work(), slots.blank());
    let mut g = c.benchmark_group("quantities");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    fill_both_ways(&mut g, |mix| {
        slots.fill(mix, &mut work, &mut table);
        black_box(&table);
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
    targets = engine, parse, draws, quantities
}
criterion_main!(benches);
