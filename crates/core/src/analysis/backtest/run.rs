//! A back-test as one call: each scenario's cases from a run of it, as
//! written and again with each prior chance of a stop, scored together.
//! The runs themselves are the caller's (`simulate`), so a shell keeps its
//! progress and Ctrl-C.

use crate::error::Error;
use crate::model::Model;
use crate::stats::{Accumulator, Report};

use super::score::{Backtest, PriorVariant, Settings, VERSION, score};
use super::{cases, with_prior};

/// Runs a model (as varied: the prior chance of a stop it was given, or
/// None as written), named by its label: its checked aggregates.
pub type Simulate<'a> = dyn FnMut(&Model, &str, Option<f64>) -> Result<Accumulator, Error> + 'a;

/// Scores the stop rules of `models` (each with its label) against their
/// recorded outcomes, and re-scores with every decision's chance of a stop
/// set to each of `prior_stop`, running each through `simulate`.
pub fn backtest(
    models: &[(Model, String)],
    prior_stop: &[f64],
    settings: Settings,
    simulate: &mut Simulate,
) -> Result<Backtest, Error> {
    for &p in prior_stop {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Usage(format!(
                "--prior-stop {p}: a chance of a stop is between 0 and 1"
            )));
        }
    }
    for (model, label) in models {
        if !model.services().iter().any(|s| s.outcome.is_some()) {
            return Err(Error::Usage(format!(
                "{label}: no service has a [service.outcome] table, so there is nothing to score"
            )));
        }
    }
    // The files as they are, then with each other chance of a stop.
    let mut all = Vec::new();
    let mut variants = Vec::new();
    for stop in std::iter::once(None).chain(prior_stop.iter().copied().map(Some)) {
        let mut cases_now = Vec::new();
        for (model, label) in models {
            let varied;
            let model = match stop {
                None => model,
                Some(p) => {
                    varied = with_prior(model, p).ok_or_else(|| {
                        Error::Usage(format!(
                            "{label}: --prior-stop {p} and a decision's chance of a shrink add up to more than 1"
                        ))
                    })?;
                    &varied
                }
            };
            let acc = simulate(model, label, stop)?;
            cases_now.extend(cases(model, &Report::new(model, &acc)));
        }
        match stop {
            None => all = cases_now,
            Some(p) => {
                let s = score(cases_now, settings);
                variants.extend(s.map(|s| PriorVariant::of(p, &s)));
            }
        }
    }
    let inferred = all.iter().any(|c| c.is_scored(true) && !c.is_scored(false));
    let with_inferred = match inferred {
        true => score(
            all.clone(),
            Settings {
                with_inferred: true,
                ..settings
            },
        ),
        false => None,
    };
    let Some(scored) = score(all, settings) else {
        return Err(Error::Usage(
            "no case to score: every outcome is a stop for another reason than a budget decision, or inferred".into(),
        ));
    };
    Ok(Backtest {
        version: VERSION,
        score: scored,
        with_inferred,
        prior: variants,
    })
}
