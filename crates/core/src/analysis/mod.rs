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

/// The display name of the entity `id` (a service's id, or None for the
/// portfolio) of `model`.
pub(crate) fn entity_name(model: &crate::model::Model, id: Option<&str>) -> String {
    entities(model)
        .find(|(i, _)| i == id.unwrap_or("portfolio"))
        .map(|(_, name)| name)
        .unwrap_or_default()
}

/// `Err(Interrupted)` once `cancel` is set: what an analysis checks after
/// its runs, so that a stopped one never reports the trials it ran before
/// it stopped, and between its long steps.
pub(crate) fn unless_stopped(
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<(), crate::error::Error> {
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(crate::error::Error::Interrupted);
    }
    Ok(())
}

/// Whether `rows` results of `per_row` bytes each fit in memory, asked of
/// the allocator before an analysis that keeps them all begins, so a
/// sample too large is an error that says so (naming the option that sets
/// it, `flag`) rather than an abort hours later.
pub(crate) fn room_for(
    rows: u64,
    per_row: usize,
    (what, flag): (&str, &str),
) -> Result<(), crate::error::Error> {
    let fits = usize::try_from(rows)
        .ok()
        .and_then(|n| n.checked_mul(per_row))
        .is_some_and(|bytes| Vec::<u8>::new().try_reserve_exact(bytes).is_ok());
    if fits {
        return Ok(());
    }
    Err(crate::error::Error::Usage(format!(
        "a {what} of {} rows ({flag}) needs about {} GB of memory for its results; use fewer rows",
        crate::format::thousands(rows as f64, 0),
        crate::format::thousands(rows as f64 * per_row as f64 / 1e9, 0),
    )))
}
