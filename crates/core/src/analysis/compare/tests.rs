//! The comparison's tests: pairs, ranks and their simultaneous intervals.

use super::*;
use crate::scenario::{BUILTIN_BASELINE, parse_str};
use std::sync::atomic::AtomicBool;

fn baseline(trials: u64) -> Model {
    parse_str(
        &BUILTIN_BASELINE.replace("trials = 100_000", &format!("trials = {trials}")),
        "b",
    )
    .unwrap()
}

/// The same model twice, as variants "a" and "b".
fn twins(m: Model) -> Vec<Input> {
    ["a", "b"]
        .into_iter()
        .map(|name| Input {
            name: name.into(),
            description: None,
            model: m.clone(),
        })
        .collect()
}

#[test]
fn identical_variants_differ_by_exactly_zero() {
    let m = baseline(2_000);
    let inputs = twins(m);
    let r = run(&inputs, None, None, None, &|_| {}, &AtomicBool::new(false)).unwrap();
    let d = r.variants[1].vs_baseline.as_ref().unwrap();
    for x in [d.p_any_gap, d.gap_npv, d.lcc_npv] {
        assert_eq!((x.mean, x.se, x.lo, x.hi), (0.0, 0.0, 0.0, 0.0));
        assert!(!x.distinguishable());
    }
}

#[test]
fn paired_interval_is_narrower_than_unpaired() {
    let m = baseline(4_000);
    let text = BUILTIN_BASELINE
        .replace("trials = 100_000", "trials = 4000")
        .replace("mean = 560, sd = 50", "mean = 600, sd = 50");
    let other = parse_str(&text, "b2").unwrap();
    let inputs = vec![
        Input {
            name: "a".into(),
            description: None,
            model: m,
        },
        Input {
            name: "b".into(),
            description: None,
            model: other,
        },
    ];
    let r = run(&inputs, None, None, None, &|_| {}, &AtomicBool::new(false)).unwrap();
    let d = r.variants[1].vs_baseline.as_ref().unwrap();
    assert!(
        d.gap_npv.se < d.gap_npv.unpaired_se / 3.0,
        "{:?}",
        d.gap_npv
    );
}

/// A difference with this mean and standard error, at 95% each.
fn difference(mean: f64, se: f64) -> Differences {
    let d = Difference {
        mean,
        se,
        lo: mean - Z95 * se,
        hi: mean + Z95 * se,
        unpaired_se: se,
        unpaired_lo: mean - Z95 * se,
        unpaired_hi: mean + Z95 * se,
    };
    Differences {
        p_any_gap: d,
        gap_npv: d,
        lcc_npv: d,
    }
}

#[test]
fn ranks_hold_for_every_pair_at_once() {
    // b - a is 1 with se 0.45: apart at 95% on its own (z 2.2 > 1.96)
    // but not once three pairs must hold together (z 2.39).
    let pairs = [
        difference(1.0, 0.45),
        difference(10.0, 1.0),
        difference(9.0, 1.0),
    ];
    assert!(pairs[0].gap_npv.distinguishable());
    assert!((simultaneous_z(3) - 2.3940).abs() < 1e-3);
    let r = ranks(&[0.0, 1.0, 10.0], &pairs);
    let got: Vec<_> = r.iter().map(|r| (r.rank, r.best, r.worst)).collect();
    assert_eq!(got, [(1, 1, 2), (2, 1, 2), (3, 3, 3)]);
    // Two variants: one pair, the plain 95% interval.
    let r = ranks(&[0.0, 1.0], &pairs[..1]);
    assert_eq!((r[1].best, r[1].worst), (2, 2));
}

#[test]
fn pairs_are_indexed_in_order() {
    let n = 4;
    let order: Vec<usize> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| pair_index(n, i, j)))
        .collect();
    assert_eq!(order, (0..6).collect::<Vec<_>>());
}

#[test]
fn any_variant_can_be_the_baseline_and_ranks_follow_the_gap() {
    let m = baseline(3_000);
    let text = |mean: &str| {
        BUILTIN_BASELINE
            .replace("trials = 100_000", "trials = 3000")
            .replace("mean = 560, sd = 50", mean)
    };
    let inputs: Vec<Input> = [
        ("a", None),
        ("b", Some("mean = 700, sd = 50")),
        ("c", Some("mean = 400, sd = 50")),
    ]
    .into_iter()
    .map(|(name, mean)| Input {
        name: name.into(),
        description: None,
        model: mean.map_or(m.clone(), |x| parse_str(&text(x), name).unwrap()),
    })
    .collect();
    let r = run(
        &inputs,
        None,
        Some("b"),
        Some(0.9),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(r.baseline, "b");
    assert!(r.variants[1].vs_baseline.is_none());
    let a_b = r.variants[0].vs_baseline.clone().unwrap();
    let b_a = r.difference("b", "a").unwrap();
    assert_eq!(a_b.gap_npv.mean, -b_a.gap_npv.mean);
    assert_eq!(a_b.gap_npv.lo, -b_a.gap_npv.hi);
    assert_eq!(r.pairs.len(), 3);
    let means: Vec<f64> = r.variants.iter().map(|v| v.stats.gap_npv.mean).collect();
    let order = |k: usize| means.iter().filter(|&&x| x < means[k]).count() + 1;
    for (k, v) in r.variants.iter().enumerate() {
        assert_eq!(v.rank.rank, order(k));
        assert!(v.rank.best <= v.rank.rank && v.rank.rank <= v.rank.worst);
        assert_eq!(v.stats.funding_needed.len(), 1);
    }
    assert!(
        run(
            &inputs,
            None,
            Some("bb"),
            None,
            &|_| {},
            &AtomicBool::new(false)
        )
        .unwrap_err()
        .to_string()
        .contains("did you mean \"b\"")
    );
}

#[test]
fn missing_service_is_an_error() {
    let m = baseline(10);
    let inputs = twins(m);
    assert!(
        run(
            &inputs,
            Some("nope"),
            None,
            None,
            &|_| {},
            &AtomicBool::new(false)
        )
        .unwrap_err()
        .to_string()
        .contains("nope")
    );
}

/// Each file's own overrides apply to it alone, and a file given twice is
/// told apart by a number, not shown as one name twice.
#[test]
fn each_source_takes_its_own_overrides_and_names_are_told_apart() {
    let text = BUILTIN_BASELINE.replace("trials = 100_000", "trials = 100");
    let dearer = [crate::scenario::Override::parse("service.*.opex_ratio=0.5").unwrap()];
    let source = |stem, own| Source {
        text: &text,
        label: "b.toml",
        stem,
        own,
    };
    let ins = inputs(&[source("plan", &[]), source("dearer", &dearer)], &[]).unwrap();
    let ratio = |i: &Input| i.model.services[0].opex_ratio.dist.mean();
    assert_ne!(ratio(&ins[0]), 0.5);
    assert_eq!(ratio(&ins[1]), 0.5);
    let names: Vec<String> = inputs(
        &[source("b", &[]), source("b", &dearer), source("b", &[])],
        &[],
    )
    .unwrap()
    .into_iter()
    .map(|i| i.name)
    .collect();
    assert_eq!(names, ["b", "b-2", "b-3"]);
}
