//! Analyses built on many runs of the engine: stress grids, paired
//! comparisons, sensitivity (tornado and Sobol indices), scenario
//! discovery, the evaluation scorecard and the back-test of stop decisions
//! against what happened.

pub mod backtest;
pub mod compare;
pub mod discover;
pub mod evaluate;
pub mod midterm;
pub mod plausibility;
pub mod provenance;
pub mod reconcile;
pub mod review;
pub mod sensitivity;
pub mod sobol;
pub mod stress;

/// Every entity's (id, name): the services in file order, then the
/// portfolio.
pub(crate) fn entities(model: &crate::model::Model) -> impl Iterator<Item = (String, String)> + '_ {
    model
        .services()
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .chain([(
            "portfolio".to_string(),
            crate::stats::PORTFOLIO_NAME.to_string(),
        )])
}
