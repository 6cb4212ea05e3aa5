//! Quantities as the model uses them: a distribution clamped to the
//! domain of its key, and the mean-one lognormal year-to-year volatility.

use rand::Rng;

use super::dist::Dist;

/// Year-to-year noise: a mean-one lognormal multiplier with standard
/// deviation `sd`, with its log-scale constants precomputed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Volatility {
    /// Standard deviation of the multiplier (0: no noise); private, so it
    /// never changes without the two values derived from it.
    sd: f64,
    sigma: f64,
    shift: f64,
}

impl Volatility {
    /// Standard deviation of the multiplier (0: no noise).
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// The mean-one lognormal multiplier with standard deviation `sd`.
    pub fn new(sd: f64) -> Self {
        let s2 = (1.0 + sd * sd).ln();
        Volatility {
            sd,
            sigma: s2.sqrt(),
            shift: -0.5 * s2,
        }
    }

    /// No noise: every year's multiplier is exactly 1.
    pub const NONE: Volatility = Volatility {
        sd: 0.0,
        sigma: 0.0,
        shift: 0.0,
    };

    /// The lognormal's (sigma, shift): a year's multiplier is
    /// exp(sigma z + shift) for a standard normal z. None without noise
    /// (every multiplier exactly 1, nothing drawn).
    pub fn log_params(&self) -> Option<(f64, f64)> {
        (self.sd > 0.0).then_some((self.sigma, self.shift))
    }
}

/// The domain of the key a quantity feeds. Draws are clamped to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    /// Smallest value.
    pub lo: f64,
    /// Largest value.
    pub hi: f64,
}

impl Domain {
    /// Any finite value.
    pub const ANY: Domain = Domain {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
    };
    /// Zero or more.
    pub const NON_NEGATIVE: Domain = Domain {
        lo: 0.0,
        hi: f64::INFINITY,
    };
    /// A probability.
    pub const PROBABILITY: Domain = Domain { lo: 0.0, hi: 1.0 };
    /// At least one (e.g. years between renewals).
    pub const AT_LEAST_ONE: Domain = Domain {
        lo: 1.0,
        hi: f64::INFINITY,
    };

    /// How the domain reads in an error message.
    pub fn describe(&self) -> String {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => format!("between {} and {}", self.lo, self.hi),
            (true, false) => format!("at least {}", self.lo),
            (false, true) => format!("at most {}", self.hi),
            (false, false) => "any number".to_string(),
        }
    }

    /// [`Domain::describe`] in Korean, as a noun phrase ("0 이상인 수").
    pub fn describe_ko(&self) -> String {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => format!("{}에서 {} 사이의 수", self.lo, self.hi),
            (true, false) => format!("{} 이상인 수", self.lo),
            (false, true) => format!("{} 이하인 수", self.hi),
            (false, false) => "수".to_string(),
        }
    }
}

/// An uncertain input drawn once per trial (or per trial-year for the
/// economy), clamped to the domain of its key.
///
/// Invariant: built by scenario validation, which checks that the
/// distribution's range (bounded shapes) or mean (unbounded ones) lies in
/// the domain; hence the fields are private to the crate.
#[derive(Debug, Clone)]
pub struct Quantity {
    pub(crate) dist: Dist,
    pub(crate) domain: Domain,
}

impl Quantity {
    /// The distribution drawn from, before clamping.
    pub fn dist(&self) -> &Dist {
        &self.dist
    }

    /// The values the key accepts; draws are clamped to it.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// A point mass at `v`, with no domain.
    pub fn fixed(v: f64) -> Quantity {
        Quantity {
            dist: Dist::constant(v),
            domain: Domain::ANY,
        }
    }

    /// One draw, clamped to the domain.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.dist.sample(rng).clamp(self.domain.lo, self.domain.hi)
    }

    /// The value at quantile `p`, within the domain.
    pub fn quantile(&self, p: f64) -> f64 {
        self.dist.quantile(p).clamp(self.domain.lo, self.domain.hi)
    }

    /// Analytic mean of the unclamped distribution.
    pub fn mean(&self) -> f64 {
        self.dist.mean()
    }

    /// Whether every draw is the same value.
    pub fn is_fixed(&self) -> bool {
        self.dist.is_fixed()
    }

    /// Short human description, e.g. `pert(1800, 2000, 2600)`.
    /// Where the domain's clamp moves the mean (a plain normal amount
    /// clamped at 0), says so: "normal(12, sd 8), mean 12.23 after the
    /// clamp at 0".
    pub fn describe(&self) -> String {
        let plain = self.dist.describe();
        let (m, c) = (self.dist.mean(), self.clamped_mean());
        if (c - m).abs() <= 1e-3 * m.abs().max(c.abs()) {
            return plain;
        }
        let at = match (self.dist.support(), self.domain) {
            ((lo, _), d) if lo < d.lo => format!("{}", d.lo),
            (_, d) => format!("{}", d.hi),
        };
        format!("{plain}, mean {c:.4} after the clamp at {at}")
    }

    /// The mean of the draws as the engine uses them, clamped to the
    /// domain: the integral of the clamped quantile function (midpoint
    /// rule over 4,096 slices, exact to about 1e-4 of the spread).
    pub fn clamped_mean(&self) -> f64 {
        let (lo, hi) = self.dist.support();
        if lo >= self.domain.lo && hi <= self.domain.hi {
            return self.dist.mean();
        }
        const SLICES: usize = 4096;
        (0..SLICES)
            .map(|i| self.quantile((i as f64 + 0.5) / SLICES as f64))
            .sum::<f64>()
            / SLICES as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::StreamKey;

    #[test]
    fn volatility_is_a_mean_one_lognormal_with_the_given_sd() {
        let (sigma, shift) = Volatility::new(0.2).log_params().unwrap();
        // E[exp(sigma z + shift)] = exp(shift + sigma^2 / 2) = 1, and
        // Var = e^{sigma^2} - 1 = sd^2.
        assert!((shift + 0.5 * sigma * sigma).abs() < 1e-15);
        assert!(((sigma * sigma).exp() - 1.0 - 0.04).abs() < 1e-15);
        assert_eq!(Volatility::NONE.log_params(), None);
    }

    #[test]
    fn quantity_clamps_to_domain() {
        let q = Quantity {
            dist: Dist::normal(0.0, 1.0, f64::NEG_INFINITY, f64::INFINITY).unwrap(),
            domain: Domain::NON_NEGATIVE,
        };
        let mut rng = StreamKey(1).rng(1, 1);
        assert!((0..1000).all(|_| q.sample(&mut rng) >= 0.0));
    }

    /// A plain normal amount clamped at 0 averages more than its mean:
    /// E[max(0, X)] = mu Phi(mu/sd) + sd phi(mu/sd), 12.234 for
    /// normal(12, sd 8); check says so.
    #[test]
    fn the_clamp_shows_in_the_mean() {
        let q = Quantity {
            dist: Dist::normal(12.0, 8.0, f64::NEG_INFINITY, f64::INFINITY).unwrap(),
            domain: Domain::NON_NEGATIVE,
        };
        let z: f64 = 1.5;
        let pdf = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let cdf = 0.933_192_798_731_141_9;
        let exact = 12.0 * cdf + 8.0 * pdf;
        assert!(
            (q.clamped_mean() - exact).abs() < 2e-3,
            "{}",
            q.clamped_mean()
        );
        assert_eq!(
            q.describe(),
            format!(
                "normal(12, sd 8), mean {:.4} after the clamp at 0",
                q.clamped_mean()
            )
        );
        let plain = Quantity {
            dist: Dist::pert(1.0, 2.0, 4.0).unwrap(),
            domain: Domain::NON_NEGATIVE,
        };
        assert_eq!(plain.describe(), "pert(1, 2, 4)");
        assert_eq!(plain.clamped_mean(), plain.mean());
    }
}
