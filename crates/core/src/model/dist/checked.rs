//! The checked constructors of [`Dist`]: the only way to make one, each
//! refusing parameters its sampler could not honour (with the rule and
//! the value found, for the scenario reader's message).

use super::*;

/// Why a distribution's parameters were refused: the rule, and the value
/// found. Shown after "expected" in the scenario reader's messages.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(
    missing_docs,
    reason = "each field is the value of the parameter its message names"
)]
pub enum DistError {
    /// A discrete distribution lists no values, or too many.
    #[error("between 1 and {MAX_DISCRETE} values, found {found}")]
    ValueCount { found: usize },
    /// Its weights are not one per value.
    #[error("as many weights as values ({values}), found {weights}")]
    WeightCount { values: usize, weights: usize },
    /// A weight is negative.
    #[error("weights >= 0, found {found}")]
    NegativeWeight { found: f64 },
    /// Every weight is zero.
    #[error("weights with a positive sum")]
    NoWeight,
    /// A fixed value is not a finite number.
    #[error("a finite number, found {found}")]
    NotFinite { found: f64 },
    /// A parameter is not a finite number.
    #[error("finite numbers, found {found}")]
    NotAllFinite { found: f64 },
    /// A range's ends are the wrong way round.
    #[error("min <= max, found min = {min} > max = {max}")]
    Reversed { min: f64, max: f64 },
    /// A mode outside its range.
    #[error("min <= mode <= max, found min = {min}, mode = {mode}, max = {max}")]
    Unordered { min: f64, mode: f64, max: f64 },
    /// PERT's beta shape could not be built.
    #[error("valid PERT shape ({0})")]
    PertShape(String),
    /// A negative standard deviation.
    #[error("sd >= 0, found {found}")]
    NegativeSd { found: f64 },
    /// A truncated normal with (almost) no probability inside its window.
    #[error("a truncation window [{min}, {max}] that the normal (mean {mean}, sd {sd}) can reach")]
    WindowOutOfReach {
        min: f64,
        max: f64,
        mean: f64,
        sd: f64,
    },
    /// A lognormal's mean is not positive.
    #[error("mean > 0 (a lognormal value is positive), found {found}")]
    NonPositiveMean { found: f64 },
    /// A lognormal so wide its sigma overflows.
    #[error(
        "sd at most {MAX_LOGNORMAL_CV} x mean (a lognormal's coefficient of variation), found sd {} for mean {mean}",
        if *sd >= 1e6 { format!("{sd:e}") } else { sd.to_string() }
    )]
    SpreadTooWide { sd: f64, mean: f64 },
}

impl DistError {
    /// The rule and the value found, in Korean (what the English message
    /// says after "expected").
    pub fn korean(&self) -> String {
        match self {
            DistError::ValueCount { found } => {
                format!("값이 1개에서 {MAX_DISCRETE}개까지여야 하는데 {found}개입니다")
            }
            DistError::WeightCount { values, weights } => {
                format!("가중치가 값의 수({values}개)만큼 있어야 하는데 {weights}개입니다")
            }
            DistError::NegativeWeight { found } => {
                format!("가중치는 0 이상이어야 하는데 {found}입니다")
            }
            DistError::NoWeight => "가중치의 합이 0보다 커야 합니다".to_string(),
            DistError::NotFinite { found } | DistError::NotAllFinite { found } => {
                format!("유한한 수여야 하는데 {found}입니다")
            }
            DistError::Reversed { min, max } => {
                format!("min <= max여야 하는데 min = {min} > max = {max}입니다")
            }
            DistError::Unordered { min, mode, max } => format!(
                "min <= mode <= max여야 하는데 min = {min}, mode = {mode}, max = {max}입니다"
            ),
            DistError::PertShape(why) => format!("PERT 분포의 모양을 만들 수 없습니다 ({why})"),
            DistError::NegativeSd { found } => format!("sd는 0 이상이어야 하는데 {found}입니다"),
            DistError::WindowOutOfReach { min, max, mean, sd } => format!(
                "자르는 구간 [{min}, {max}]에 정규분포(평균 {mean}, sd {sd})의 값이 거의 들지 않습니다"
            ),
            DistError::NonPositiveMean { found } => {
                format!("mean은 0보다 커야 하는데(로그정규 값은 양수) {found}입니다")
            }
            DistError::SpreadTooWide { sd, mean } => {
                let sd = if *sd >= 1e6 {
                    format!("{sd:e}")
                } else {
                    sd.to_string()
                };
                format!(
                    "sd가 mean의 {MAX_LOGNORMAL_CV}배(로그정규의 변동계수)를 넘을 수 없는데 mean {mean}에 sd {sd}입니다"
                )
            }
        }
    }
}

impl Dist {
    /// Finitely many `values` with their `weights` (any non-negative
    /// numbers with a positive sum; equal when `None`).
    pub fn discrete(values: &[f64], weights: Option<&[f64]>) -> Result<Dist, DistError> {
        if values.is_empty() || values.len() > MAX_DISCRETE {
            return Err(DistError::ValueCount {
                found: values.len(),
            });
        }
        finite(values)?;
        let w: Vec<f64> = match weights {
            Some(w) if w.len() != values.len() => {
                return Err(DistError::WeightCount {
                    values: values.len(),
                    weights: w.len(),
                });
            }
            Some(w) => w.to_vec(),
            None => vec![1.0; values.len()],
        };
        finite(&w)?;
        if let Some(x) = w.iter().find(|x| **x < 0.0) {
            return Err(DistError::NegativeWeight { found: *x });
        }
        // Scaled by the largest weight first, so weights near the top of
        // the doubles (1e308) neither overflow the sum nor lose the others.
        let largest = w.iter().copied().fold(0.0, f64::max);
        if largest <= 0.0 {
            return Err(DistError::NoWeight);
        }
        let w: Vec<f64> = w.iter().map(|x| x / largest).collect();
        let total: f64 = w.iter().sum();
        let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(w).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = pairs.len();
        let (mut vs, mut cum) = ([0.0; MAX_DISCRETE], [0.0; MAX_DISCRETE]);
        let mut acc = 0.0;
        for (i, (v, w)) in pairs.into_iter().enumerate() {
            acc += w;
            vs[i] = v;
            cum[i] = acc / total;
        }
        cum[n - 1] = 1.0;
        Ok(Dist(Shape::Discrete { n, values: vs, cum }))
    }

    /// A point mass at `v` (finite).
    pub fn fixed(v: f64) -> Result<Dist, DistError> {
        if !v.is_finite() {
            return Err(DistError::NotFinite { found: v });
        }
        Ok(Dist(Shape::Fixed(v)))
    }

    /// Uniform on [`min`, `max`].
    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        finite(&[min, max])?;
        if min > max {
            return Err(DistError::Reversed { min, max });
        }
        Ok(Dist(Shape::Uniform { min, max }))
    }

    /// Triangular with the given `mode`.
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered(min, mode, max)?;
        Ok(Dist(Shape::Triangular { min, mode, max }))
    }

    /// Beta-PERT with `lambda = 4`; a point mass when `min == max`.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered(min, mode, max)?;
        let range = max - min;
        if range == 0.0 {
            return Ok(Dist(Shape::Fixed(min)));
        }
        let a = 1.0 + 4.0 * (mode - min) / range;
        let b = 1.0 + 4.0 * (max - mode) / range;
        let beta = Beta::new(a, b).map_err(|e| DistError::PertShape(e.to_string()))?;
        Ok(Dist(Shape::Pert {
            min,
            mode,
            max,
            beta,
            alpha_shape: a,
            beta_shape: b,
        }))
    }

    /// A normal, optionally truncated to `[min, max]` (pass infinities for
    /// an open side).
    pub fn normal(mean: f64, sd: f64, min: f64, max: f64) -> Result<Dist, DistError> {
        finite(&[mean, sd])?;
        if sd < 0.0 {
            return Err(DistError::NegativeSd { found: sd });
        }
        if min.is_nan() || max.is_nan() || min > max {
            return Err(DistError::Reversed { min, max });
        }
        if sd == 0.0 {
            return Ok(Dist(Shape::Fixed(mean.clamp(min, max))));
        }
        let truncated = min.is_finite() || max.is_finite();
        let method = if truncated {
            let n = std_normal();
            let p_lo = n.cdf((min - mean) / sd);
            let p_hi = n.cdf((max - mean) / sd);
            let mass = p_hi - p_lo;
            if mass <= 1e-12 {
                return Err(DistError::WindowOutOfReach { min, max, mean, sd });
            }
            Some(if mass >= REJECTION_MIN_ACCEPTANCE {
                TruncMethod::Rejection
            } else {
                TruncMethod::Inverse { p_lo, p_hi }
            })
        } else {
            None
        };
        Ok(Dist(Shape::Normal {
            mean,
            sd,
            min,
            max,
            method,
        }))
    }

    /// Lognormal with the given mean and sd of the value itself (`mean > 0`); a point mass when `sd == 0`.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Dist, DistError> {
        finite(&[mean, sd])?;
        if mean <= 0.0 {
            return Err(DistError::NonPositiveMean { found: mean });
        }
        if sd < 0.0 {
            return Err(DistError::NegativeSd { found: sd });
        }
        if sd == 0.0 {
            return Ok(Dist(Shape::Fixed(mean)));
        }
        // Beyond this the spread is not an uncertainty but an overflow:
        // sigma would pass 3, a P99.99 draw over 10^5 times the mean, and
        // at sd = 1e200 sigma is infinite and every draw non-finite.
        if sd > MAX_LOGNORMAL_CV * mean {
            return Err(DistError::SpreadTooWide { sd, mean });
        }
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        Ok(Dist(Shape::LogNormal {
            mean,
            sd,
            mu: mean.ln() - 0.5 * sigma2,
            sigma: sigma2.sqrt(),
        }))
    }
}

fn finite(values: &[f64]) -> Result<(), DistError> {
    match values.iter().find(|v| !v.is_finite()) {
        Some(v) => Err(DistError::NotAllFinite { found: *v }),
        None => Ok(()),
    }
}

fn ordered(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    finite(&[min, mode, max])?;
    if !(min <= mode && mode <= max) {
        return Err(DistError::Unordered { min, mode, max });
    }
    Ok(())
}
