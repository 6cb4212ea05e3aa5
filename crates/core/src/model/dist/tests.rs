//! Moments and quantiles of every distribution against closed forms.
use super::*;
use crate::model::rng::StreamKey;

const N: usize = 200_000;

/// Checks sample mean and variance against the analytic values within 4
/// standard errors (for the variance, the SE uses the sample's fourth
/// central moment). At a fixed seed the test is deterministic; a wrong
/// sampler or formula moves the estimate by far more than 4 SE.
fn check_moments(d: &Dist, seed: u64) {
    let mut rng = StreamKey(seed).rng(seed, 0);
    let xs: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
    let n = N as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let m2 = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    let (lo, hi) = d.support();
    assert!(
        xs.iter().all(|&x| x >= lo && x <= hi),
        "{d:?} left its support"
    );
    let se_mean = (m2 / n).sqrt();
    let se_var = ((m4 - m2 * m2) / n).sqrt();
    let want_mean = d.mean();
    let want_var = d.variance();
    assert!(
        (mean - want_mean).abs() <= 4.0 * se_mean + 1e-12,
        "{d:?}: mean {mean} vs analytic {want_mean} (se {se_mean})"
    );
    assert!(
        (m2 - want_var).abs() <= 4.0 * se_var + 1e-12,
        "{d:?}: variance {m2} vs analytic {want_var} (se {se_var})"
    );
}

#[test]
fn discrete_moments_and_quantiles() {
    let d = Dist::discrete(&[1.0, 0.0, 0.5], Some(&[0.28, 0.5, 0.22])).unwrap();
    check_moments(&d, 9);
    assert!((d.mean() - (0.28 + 0.11)).abs() < 1e-12);
    assert_eq!(d.support(), (0.0, 1.0));
    assert_eq!(d.quantile(0.5), 0.0);
    assert_eq!(d.quantile(0.51), 0.5);
    assert_eq!(d.quantile(0.73), 1.0);
    assert!(Dist::discrete(&[], None).is_err());
    assert!(Dist::discrete(&[1.0, 2.0], Some(&[1.0])).is_err());
    assert!(Dist::discrete(&[1.0, 2.0], Some(&[-1.0, 2.0])).is_err());
    assert!(Dist::discrete(&[1.0, 2.0], Some(&[0.0, 0.0])).is_err());
    assert_eq!(
        Dist::discrete(&[3.0], None)
            .unwrap()
            .sample(&mut StreamKey(1).rng(1, 0)),
        3.0
    );
}

#[test]
fn uniform_moments() {
    check_moments(&Dist::uniform(20_000.0, 40_000.0).unwrap(), 1);
}

#[test]
fn triangular_moments() {
    check_moments(&Dist::triangular(5.0, 7.0, 9.0).unwrap(), 2);
    check_moments(&Dist::triangular(10.0, 40.0, 120.0).unwrap(), 3);
    check_moments(&Dist::triangular(0.0, 0.0, 1.0).unwrap(), 4);
}

#[test]
fn pert_moments() {
    check_moments(&Dist::pert(1800.0, 2000.0, 2600.0).unwrap(), 5);
    check_moments(&Dist::pert(0.0, 1.0, 1.0).unwrap(), 6);
}

#[test]
fn normal_moments() {
    check_moments(
        &Dist::normal(150.0, 30.0, f64::NEG_INFINITY, f64::INFINITY).unwrap(),
        7,
    );
}

#[test]
fn truncated_normal_moments_both_methods() {
    // Wide window: rejection.
    check_moments(&Dist::normal(0.02, 0.01, 0.0, f64::INFINITY).unwrap(), 8);
    // Narrow window in the tail: inverse CDF.
    let d = Dist::normal(0.0, 1.0, 1.5, 2.5).unwrap();
    assert!(matches!(
        d.0,
        Shape::Normal {
            method: Some(TruncMethod::Inverse { .. }),
            ..
        }
    ));
    check_moments(&d, 9);
}

#[test]
fn lognormal_is_parameterised_by_the_value() {
    let d = Dist::lognormal(0.15, 0.04).unwrap();
    assert!((d.mean() - 0.15).abs() < 1e-15);
    check_moments(&d, 10);
}

#[test]
fn degenerate_forms_are_fixed() {
    assert!(Dist::pert(3.0, 3.0, 3.0).unwrap().is_fixed());
    assert!(
        Dist::normal(3.0, 0.0, f64::NEG_INFINITY, f64::INFINITY)
            .unwrap()
            .is_fixed()
    );
    assert!(Dist::lognormal(3.0, 0.0).unwrap().is_fixed());
}

#[test]
fn invalid_parameters_are_rejected() {
    assert!(Dist::triangular(5.0, 4.0, 9.0).is_err());
    assert!(Dist::uniform(2.0, 1.0).is_err());
    assert!(Dist::normal(0.0, -1.0, f64::NEG_INFINITY, f64::INFINITY).is_err());
    assert!(Dist::lognormal(-1.0, 1.0).is_err());
    assert!(Dist::lognormal(0.0, 1.0).is_err());
    assert!(Dist::normal(0.0, 1.0, 40.0, 50.0).is_err());
    assert!(Dist::fixed(f64::NAN).is_err());
    // A spread that overflows sigma is refused, not left to fail a run.
    let e = Dist::lognormal(1.0, 1e200).unwrap_err();
    assert_eq!(
        e,
        DistError::SpreadTooWide {
            sd: 1e200,
            mean: 1.0
        }
    );
    assert!(e.to_string().contains("found sd 1e200 for mean 1"), "{e}");
    assert!(Dist::lognormal(1.0, 100.0).is_ok());
}

/// Weights near the top of the doubles: their sum would overflow and
/// every draw take the last value; scaled first, they are equal weights.
#[test]
fn huge_discrete_weights_keep_their_proportions() {
    let d = Dist::discrete(&[100.0, 200.0], Some(&[1e308, 1e308])).unwrap();
    assert_eq!(d.mean(), 150.0);
    assert_eq!(d.quantile(0.25), 100.0);
    let d = Dist::discrete(&[100.0, 200.0], Some(&[f64::MAX, f64::MAX / 3.0])).unwrap();
    assert!((d.mean() - 125.0).abs() < 1e-9, "{}", d.mean());
    check_moments(
        &Dist::discrete(&[100.0, 200.0], Some(&[1e308, 1e308])).unwrap(),
        6,
    );
}

#[test]
fn quantiles_match_closed_forms() {
    let u = Dist::uniform(0.0, 10.0).unwrap();
    assert!((u.quantile(0.1) - 1.0).abs() < 1e-12);
    let n = Dist::normal(10.0, 2.0, f64::NEG_INFINITY, f64::INFINITY).unwrap();
    assert!((n.quantile(0.5) - 10.0).abs() < 1e-9);
    assert!((n.quantile(0.9) - (10.0 + 2.0 * 1.281_551_565_5)).abs() < 1e-6);
    let t = Dist::triangular(0.0, 0.0, 1.0).unwrap();
    // F(x) = 1 - (1-x)^2  =>  x = 1 - sqrt(1-p)
    assert!((t.quantile(0.75) - 0.5).abs() < 1e-12);
    let l = Dist::lognormal(1.0, 0.5).unwrap();
    if let Shape::LogNormal { mu, .. } = l.0 {
        assert!((l.quantile(0.5) - mu.exp()).abs() < 1e-9);
    }
}
