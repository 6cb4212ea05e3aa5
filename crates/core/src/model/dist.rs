//! Probability distributions of uncertain inputs ("quantities").
//!
//! A [`Dist`] is built once, when a scenario is compiled, with every
//! constant its sampler needs precomputed; sampling then costs one or two
//! uniform/normal draws and never allocates. A [`Quantity`] is a `Dist` plus
//! the domain of the key it feeds (an amount cannot be negative, a
//! probability cannot exceed one): draws outside the domain are clamped to
//! it, which the scenario documentation states.
//!
//! Invariants (checked by the constructors, relied on by the samplers):
//! `min <= mode <= max`, `sd >= 0`, lognormal `mean > 0`, and a truncated
//! normal keeps a positive probability mass inside its bounds.

use rand::Rng;
use rand_distr::{Beta, Distribution, StandardNormal};
use statrs::distribution::{ContinuousCDF, Normal as StatNormal};

use crate::model::rng::uniform01;

/// Below this acceptance rate a truncated normal is sampled by inverting its
/// CDF instead of by rejection, so a narrow window cannot stall a trial.
const REJECTION_MIN_ACCEPTANCE: f64 = 0.3;

/// How a truncated normal is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TruncMethod {
    /// Draw N(mean, sd) until the value falls inside; used when most draws do.
    Rejection,
    /// Map a uniform on `[Phi(a), Phi(b)]` through the inverse CDF.
    Inverse { p_lo: f64, p_hi: f64 },
}

/// A distribution with its sampling constants.
///
/// Invariant: parameters are finite and ordered (`min <= mode <= max`,
/// `sd >= 0`, a lognormal's mean > 0) and the sampling constants match
/// them. The shape is private, so a `Dist` only comes from the
/// constructors, which check the parameters and return `Err` with what was
/// expected, the way rand's distributions do.
#[derive(Debug, Clone)]
pub struct Dist(Shape);

#[derive(Debug, Clone)]
enum Shape {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta-PERT with the classic shape `lambda = 4`.
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        beta: Beta<f64>,
        alpha_shape: f64,
        beta_shape: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
        method: Option<TruncMethod>,
    },
    /// Parameterised by the mean and sd of the value itself; `mu`/`sigma`
    /// are those of its logarithm.
    LogNormal {
        mean: f64,
        sd: f64,
        mu: f64,
        sigma: f64,
    },
    /// Finitely many values: `values[..n]` ascending, `cum[i]` the chance
    /// of a value at most `values[i]` (`cum[n - 1] = 1` exactly).
    Discrete {
        n: usize,
        values: [f64; MAX_DISCRETE],
        cum: [f64; MAX_DISCRETE],
    },
}

/// The vector kernel that draws a distribution, with its constants (see
/// [`Dist::kernel`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kernel {
    /// No draw: always this value.
    Fixed(f64),
    /// `min + span u`.
    Uniform { min: f64, span: f64 },
    /// The triangular's inverse distribution function at `u`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// `mean + sd z`, drawn again while outside `[min, max]` (infinite
    /// sides for an untruncated normal).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// `exp(mu + sigma z)`.
    LogNormal { mu: f64, sigma: f64 },
    /// `min + span X / (X + Y)` with `X ~ Gamma(alpha)`, `Y ~
    /// Gamma(beta)`; `a` and `b` are Marsaglia and Tsang's `(d, c)` for
    /// each shape.
    Pert {
        min: f64,
        span: f64,
        a: (f64, f64),
        b: (f64, f64),
    },
    /// One uniform through [`Dist::by_inversion`], one draw at a time.
    Inverse,
}

/// Largest sd / mean a lognormal may have (sigma about 3.03).
pub const MAX_LOGNORMAL_CV: f64 = 100.0;

/// Most values a discrete distribution may list: enough for the outcomes
/// of a budget decision (refused, cut, approved ...), few enough that a
/// draw is a handful of compares.
pub const MAX_DISCRETE: usize = 8;

/// The standard normal's distribution function at `z`.
pub(crate) fn normal_cdf(z: f64) -> f64 {
    std_normal().cdf(z)
}

/// The standard normal's quantile at `p` in (0, 1).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    std_normal().inverse_cdf(p)
}

fn std_normal() -> StatNormal {
    // Parameters are constants that always satisfy statrs's checks.
    StatNormal::standard()
}

impl Dist {
    /// A point mass at `v`, for values already checked to be finite.
    pub(crate) fn constant(v: f64) -> Dist {
        debug_assert!(v.is_finite());
        Dist(Shape::Fixed(v))
    }

    /// Short human description, e.g. `pert(1800, 2000, 2600)`.
    pub fn describe(&self) -> String {
        match self.0 {
            Shape::Fixed(v) => format!("{v}"),
            Shape::Uniform { min, max } => format!("uniform({min}..{max})"),
            Shape::Triangular { min, mode, max } => format!("triangular({min}, {mode}, {max})"),
            Shape::Pert { min, mode, max, .. } => format!("pert({min}, {mode}, {max})"),
            Shape::Normal {
                mean, sd, min, max, ..
            } => {
                if min.is_finite() || max.is_finite() {
                    format!("normal({mean}, sd {sd}, in [{min}, {max}])")
                } else {
                    format!("normal({mean}, sd {sd})")
                }
            }
            Shape::LogNormal { mean, sd, .. } => format!("lognormal(mean {mean}, sd {sd})"),
            Shape::Discrete { n, values, cum } => {
                let mut prev = 0.0;
                let parts: Vec<String> = (0..n)
                    .map(|i| {
                        let p = cum[i] - prev;
                        prev = cum[i];
                        format!("{}: {:.0}%", values[i], 100.0 * p)
                    })
                    .collect();
                format!("discrete({})", parts.join(", "))
            }
        }
    }

    /// Whether the support is a finite interval (uniform, triangular,
    /// PERT, discrete), so that a domain check can look at its ends.
    pub fn is_bounded(&self) -> bool {
        matches!(
            self.0,
            Shape::Uniform { .. }
                | Shape::Triangular { .. }
                | Shape::Pert { .. }
                | Shape::Discrete { .. }
        )
    }

    /// Whether a draw consumes randomness.
    pub fn is_fixed(&self) -> bool {
        matches!(self.0, Shape::Fixed(_))
    }

    /// Name used in messages and in `fundgap check`.
    pub fn name(&self) -> &'static str {
        match self.0 {
            Shape::Fixed(_) => "fixed",
            Shape::Uniform { .. } => "uniform",
            Shape::Triangular { .. } => "triangular",
            Shape::Pert { .. } => "pert",
            Shape::Normal { .. } => "normal",
            Shape::LogNormal { .. } => "lognormal",
            Shape::Discrete { .. } => "discrete",
        }
    }

    /// Smallest and largest value a draw can take.
    pub fn support(&self) -> (f64, f64) {
        match self.0 {
            Shape::Fixed(v) => (v, v),
            Shape::Uniform { min, max }
            | Shape::Triangular { min, max, .. }
            | Shape::Pert { min, max, .. }
            | Shape::Normal { min, max, .. } => (min, max),
            Shape::LogNormal { .. } => (0.0, f64::INFINITY),
            Shape::Discrete { n, values, .. } => (values[0], values[n - 1]),
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self.0 {
            Shape::Fixed(v) => v,
            Shape::Uniform { min, max } => min + (max - min) * uniform01(rng),
            Shape::Triangular { min, mode, max } => {
                triangular_inverse(min, mode, max, uniform01(rng))
            }
            Shape::Pert {
                min, max, ref beta, ..
            } => min + (max - min) * beta.sample(rng),
            Shape::Normal {
                mean,
                sd,
                min,
                max,
                method,
            } => match method {
                None => {
                    let z: f64 = StandardNormal.sample(rng);
                    mean + sd * z
                }
                Some(TruncMethod::Rejection) => loop {
                    let z: f64 = StandardNormal.sample(rng);
                    let x = mean + sd * z;
                    if x >= min && x <= max {
                        break x;
                    }
                },
                Some(TruncMethod::Inverse { p_lo, p_hi }) => {
                    let p = p_lo + (p_hi - p_lo) * uniform01(rng);
                    (mean + sd * std_normal().inverse_cdf(p)).clamp(min, max)
                }
            },
            Shape::LogNormal { mu, sigma, .. } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Shape::Discrete { .. } => self.quantile_discrete(uniform01(rng)),
        }
    }

    /// The smallest listed value whose cumulative chance exceeds `u`
    /// (`u` in [0, 1)), or reaches `p` for a quantile.
    fn quantile_discrete(&self, u: f64) -> f64 {
        let Shape::Discrete { n, values, cum } = &self.0 else {
            return self.mean();
        };
        let i = cum[..*n].iter().position(|c| u < *c).unwrap_or(n - 1);
        values[i]
    }

    /// How the per-trial vector samplers draw this distribution
    /// ([`crate::model::rng::quantities`]): its kernel and the constants
    /// it reads.
    pub(crate) fn kernel(&self) -> Kernel {
        match self.0 {
            Shape::Fixed(v) => Kernel::Fixed(v),
            Shape::Uniform { min, max } => Kernel::Uniform {
                min,
                span: max - min,
            },
            Shape::Triangular { min, mode, max } => Kernel::Triangular { min, mode, max },
            Shape::Pert {
                min,
                max,
                alpha_shape,
                beta_shape,
                ..
            } => {
                // Marsaglia and Tsang's constants for Gamma(a), a >= 1
                // (PERT's shapes are 1 + 4 x a share, so at least 1).
                let mt = |a: f64| {
                    let d = a - 1.0 / 3.0;
                    (d, 1.0 / (9.0 * d).sqrt())
                };
                Kernel::Pert {
                    min,
                    span: max - min,
                    a: mt(alpha_shape),
                    b: mt(beta_shape),
                }
            }
            Shape::Normal {
                mean,
                sd,
                min,
                max,
                method: None | Some(TruncMethod::Rejection),
            } => Kernel::Normal { mean, sd, min, max },
            Shape::LogNormal { mu, sigma, .. } => Kernel::LogNormal { mu, sigma },
            Shape::Normal {
                method: Some(TruncMethod::Inverse { .. }),
                ..
            }
            | Shape::Discrete { .. } => Kernel::Inverse,
        }
    }

    /// The draw a uniform `u` in [0, 1) makes, for the distributions
    /// [`Kernel::Inverse`] draws one at a time: a discrete one's value,
    /// or a narrowly truncated normal by its inverse distribution
    /// function. Other distributions give their quantile at `u`.
    pub(crate) fn by_inversion(&self, u: f64) -> f64 {
        match self.0 {
            Shape::Discrete { .. } => self.quantile_discrete(u),
            Shape::Normal {
                mean,
                sd,
                min,
                max,
                method: Some(TruncMethod::Inverse { p_lo, p_hi }),
            } => {
                let p = p_lo + (p_hi - p_lo) * u;
                (mean + sd * std_normal().inverse_cdf(p)).clamp(min, max)
            }
            _ => self.quantile(u),
        }
    }

    /// Analytic mean.
    pub fn mean(&self) -> f64 {
        match self.0 {
            Shape::Fixed(v) => v,
            Shape::Uniform { min, max } => 0.5 * (min + max),
            Shape::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Shape::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Shape::Normal {
                mean, sd, min, max, ..
            } => {
                let (m, _) = truncated_normal_moments(mean, sd, min, max);
                m
            }
            Shape::LogNormal { mean, .. } => mean,
            Shape::Discrete { .. } => self.atoms().map(|(p, v)| p * v).sum(),
        }
    }

    /// Analytic variance.
    pub fn variance(&self) -> f64 {
        match self.0 {
            Shape::Fixed(_) => 0.0,
            Shape::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Shape::Triangular { min, mode, max } => {
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
            }
            Shape::Pert {
                min,
                max,
                alpha_shape: a,
                beta_shape: b,
                ..
            } => (max - min).powi(2) * a * b / ((a + b).powi(2) * (a + b + 1.0)),
            Shape::Normal {
                mean, sd, min, max, ..
            } => truncated_normal_moments(mean, sd, min, max).1,
            Shape::LogNormal { sd, .. } => sd * sd,
            Shape::Discrete { .. } => {
                let m = self.mean();
                self.atoms().map(|(p, v)| p * (v - m) * (v - m)).sum()
            }
        }
    }

    /// The value below which a share `p` of draws fall (used for one-at-a-time
    /// sensitivity and for describing inputs).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match self.0 {
            Shape::Fixed(v) => v,
            Shape::Uniform { min, max } => min + (max - min) * p,
            Shape::Triangular { min, mode, max } => triangular_inverse(min, mode, max, p),
            Shape::Pert {
                min,
                max,
                alpha_shape,
                beta_shape,
                ..
            } => match statrs::distribution::Beta::new(alpha_shape, beta_shape) {
                Ok(b) => min + (max - min) * b.inverse_cdf(p),
                Err(_) => self.mean(),
            },
            Shape::Normal {
                mean, sd, min, max, ..
            } => {
                let n = std_normal();
                let lo = if min.is_finite() {
                    n.cdf((min - mean) / sd)
                } else {
                    0.0
                };
                let hi = if max.is_finite() {
                    n.cdf((max - mean) / sd)
                } else {
                    1.0
                };
                (mean + sd * n.inverse_cdf(lo + (hi - lo) * p)).clamp(min, max)
            }
            Shape::LogNormal { mu, sigma, .. } => (mu + sigma * std_normal().inverse_cdf(p)).exp(),
            Shape::Discrete { n, values, cum } => {
                let i = cum[..n].iter().position(|c| *c >= p).unwrap_or(n - 1);
                values[i]
            }
        }
    }

    /// (probability, value) pairs of a discrete distribution.
    fn atoms(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let (n, values, cum) = match &self.0 {
            Shape::Discrete { n, values, cum } => (*n, &values[..], &cum[..]),
            _ => (0, &[][..], &[][..]),
        };
        (0..n).map(move |i| {
            let prev = if i == 0 { 0.0 } else { cum[i - 1] };
            (cum[i] - prev, values[i])
        })
    }
}

#[inline]
fn triangular_inverse(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let range = max - min;
    if range == 0.0 {
        return min;
    }
    let f_mode = (mode - min) / range;
    if u < f_mode {
        min + (u * range * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * range * (max - mode)).sqrt()
    }
}

/// Mean and variance of N(mean, sd) truncated to [min, max].
fn truncated_normal_moments(mean: f64, sd: f64, min: f64, max: f64) -> (f64, f64) {
    let n = std_normal();
    let a = (min - mean) / sd;
    let b = (max - mean) / sd;
    let pdf = |x: f64| {
        if x.is_finite() {
            (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
        } else {
            0.0
        }
    };
    let xpdf = |x: f64| if x.is_finite() { x * pdf(x) } else { 0.0 };
    let z = n.cdf(b) - n.cdf(a);
    if z <= 0.0 {
        return (mean.clamp(min, max), 0.0);
    }
    let m = (pdf(a) - pdf(b)) / z;
    let v = 1.0 + (xpdf(a) - xpdf(b)) / z - m * m;
    (mean + sd * m, sd * sd * v)
}

mod checked;
pub use checked::DistError;
#[cfg(test)]
mod tests;
