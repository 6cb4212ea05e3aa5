//! The quantity kernels against their distributions, each path and each
//! quantity alone.

use super::*;
use crate::model::Domain;
use crate::model::rng::StreamKey;
use crate::model::rng::set_portable;

fn q(dist: Dist) -> Quantity {
    Quantity {
        dist,
        domain: Domain::ANY,
    }
}

/// One of each kernel, and the one-at-a-time kinds.
fn every_kind() -> Vec<Dist> {
    vec![
        Dist::uniform(2.0, 5.0).unwrap(),
        Dist::triangular(1.0, 2.0, 6.0).unwrap(),
        Dist::triangular(0.0, 0.0, 1.0).unwrap(),
        Dist::normal(3.0, 2.0, f64::NEG_INFINITY, f64::INFINITY).unwrap(),
        // Truncated by rejection (mass 0.67) and by inversion (0.02).
        Dist::normal(0.0, 1.0, -0.5, 2.0).unwrap(),
        Dist::normal(0.0, 1.0, 2.0, 2.5).unwrap(),
        Dist::lognormal(10.0, 4.0).unwrap(),
        Dist::pert(1.0, 2.0, 6.0).unwrap(),
        Dist::pert(0.0, 9.9, 10.0).unwrap(),
        Dist::discrete(&[1.0, 2.0, 7.0], Some(&[0.2, 0.5, 0.3])).unwrap(),
        Dist::fixed(4.5).unwrap(),
    ]
}

/// Lines of up to four quantities each, keyed 100, 101, ...
fn slots_of(dists: &[Dist]) -> (QuantitySlots, Vec<usize>) {
    let qs: Vec<Quantity> = dists.iter().cloned().map(q).collect();
    let mut slots = QuantitySlots::default();
    let mut places = Vec::new();
    for (l, chunk) in qs.chunks(4).enumerate() {
        let mut line: crate::model::Quantities<'_> = [None; 4];
        for (slot, x) in line.iter_mut().zip(chunk) {
            *slot = Some(("x", x));
        }
        let first = slots.line(100 + l as u64, line);
        places.extend((0..chunk.len()).map(|i| first + i));
    }
    (slots.finish(), places)
}

fn draw_all(slots: &QuantitySlots, trials: u64) -> Vec<Vec<f64>> {
    let mut work = slots.work();
    let mut table = slots.blank();
    (0..trials)
        .map(|t| {
            slots.fill(StreamKey::trial_mix(7, t), &mut work, &mut table);
            table.clone()
        })
        .collect()
}

/// Each kernel draws its distribution: over 40,000 trials the mean
/// lies within 4 standard errors of the analytic mean, and the share
/// below the analytic 10%, 50% and 90% quantiles within 4 binomial
/// standard errors of 0.1, 0.5 and 0.9.
#[test]
fn every_kernel_draws_its_distribution() {
    let dists = every_kind();
    let (slots, places) = slots_of(&dists);
    let n = 40_000;
    let tables = draw_all(&slots, n);
    for (d, &at) in dists.iter().zip(&places) {
        let xs: Vec<f64> = tables.iter().map(|t| t[at]).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let se = (d.variance() / n as f64).sqrt();
        assert!(
            (mean - d.mean()).abs() <= 4.0 * se,
            "{}: mean {mean} vs {} (se {se})",
            d.describe(),
            d.mean()
        );
        if d.is_fixed() || d.name() == "discrete" {
            continue;
        }
        for p in [0.1, 0.5, 0.9] {
            let cut = d.quantile(p);
            let share = xs.iter().filter(|x| **x < cut).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (share - p).abs() <= 4.0 * se,
                "{}: share below the {p} quantile {share}",
                d.describe()
            );
        }
    }
}

/// One quantity alone gives the bits the passes put in the table, on
/// the vector path and the portable one.
#[test]
fn one_quantity_alone_and_every_path_give_the_same_bits() {
    let (slots, places) = slots_of(&every_kind());
    let fast = draw_all(&slots, 500);
    set_portable(true);
    let portable = draw_all(&slots, 500);
    set_portable(false);
    for (t, (f, p)) in fast.iter().zip(&portable).enumerate() {
        let f_bits: Vec<u64> = f.iter().map(|x| x.to_bits()).collect();
        let p_bits: Vec<u64> = p.iter().map(|x| x.to_bits()).collect();
        assert_eq!(f_bits, p_bits, "trial {t}");
        for &at in &places {
            let alone = slots.value(StreamKey::trial_mix(7, t as u64), at);
            assert_eq!(alone.to_bits(), f[at].to_bits(), "trial {t}, place {at}");
        }
    }
}

/// A quantity's draw depends on its line and place only: changing
/// another quantity of the line (even to one that rejects) leaves it
/// alone, and two lines draw independently.
#[test]
fn a_quantity_does_not_depend_on_its_neighbours() {
    let target = Dist::lognormal(10.0, 4.0).unwrap();
    let a = [Dist::uniform(0.0, 1.0).unwrap(), target.clone()];
    let b = [Dist::pert(0.0, 9.9, 10.0).unwrap(), target];
    let (sa, pa) = slots_of(&a);
    let (sb, pb) = slots_of(&b);
    let (ta, tb) = (draw_all(&sa, 300), draw_all(&sb, 300));
    for (x, y) in ta.iter().zip(&tb) {
        assert_eq!(x[pa[1]].to_bits(), y[pb[1]].to_bits());
    }
    // Lines 100 and 101 with the same distribution: uncorrelated.
    let u = Dist::uniform(0.0, 1.0).unwrap();
    let (s, p) = slots_of(&vec![u; 5]);
    let t = draw_all(&s, 20_000);
    let r: f64 = t
        .iter()
        .map(|x| (x[p[0]] - 0.5) * (x[p[4]] - 0.5))
        .sum::<f64>()
        / 20_000.0
        * 12.0;
    assert!(r.abs() < 4.0 / (20_000f64).sqrt(), "correlation {r}");
}

/// A quantity drawn each year (the economy's inflation) draws its
/// distribution in every year, a year's draw does not depend on the
/// window asking for it, and consecutive years are uncorrelated.
#[test]
fn yearly_quantities_are_addressed_by_year() {
    let infl = q(Dist::normal(0.02, 0.01, -0.02, 0.08).unwrap());
    let mut slots = QuantitySlots::default();
    let whole = slots.each_year(9, &infl, 1..20);
    let part = slots.each_year(9, &infl, 5..8);
    let slots = slots.finish();
    let tables = draw_all(&slots, 20_000);
    for t in &tables[..50] {
        assert_eq!(&t[part..part + 3], &t[whole + 4..whole + 7]);
    }
    let n = tables.len() as f64;
    let d = infl.dist();
    for year in [0, 9, 18] {
        let mean = tables.iter().map(|t| t[whole + year]).sum::<f64>() / n;
        let se = (d.variance() / n).sqrt();
        assert!((mean - d.mean()).abs() < 4.0 * se, "year {year}: {mean}");
    }
    let (m, v) = (d.mean(), d.variance());
    let r = tables
        .iter()
        .map(|t| (t[whole] - m) * (t[whole + 1] - m))
        .sum::<f64>()
        / n
        / v;
    assert!(r.abs() < 4.0 / n.sqrt(), "lag-one correlation {r}");
}

/// Draws are clamped to the key's domain, fixed values too.
#[test]
fn draws_are_clamped_to_the_domain() {
    let qs = [
        Quantity {
            dist: Dist::normal(0.5, 1.0, f64::NEG_INFINITY, f64::INFINITY).unwrap(),
            domain: Domain::PROBABILITY,
        },
        Quantity {
            dist: Dist::fixed(-3.0).unwrap(),
            domain: Domain::NON_NEGATIVE,
        },
    ];
    let mut slots = QuantitySlots::default();
    let at = slots.line(1, [Some(("p", &qs[0])), Some(("f", &qs[1])), None, None]);
    let slots = slots.finish();
    let tables = draw_all(&slots, 2_000);
    assert!(tables.iter().all(|t| (0.0..=1.0).contains(&t[at])));
    assert!(tables.iter().any(|t| t[at] == 0.0) && tables.iter().any(|t| t[at] == 1.0));
    assert!(tables.iter().all(|t| t[at + 1] == 0.0 && t[at + 2] == 0.0));
}
