//! Analyses built on many runs of the engine: stress grids, paired
//! comparisons, sensitivity, the evaluation scorecard and the back-test
//! of stop decisions against what happened.

pub mod backtest;
pub mod compare;
pub mod discover;
pub mod evaluate;
pub mod sensitivity;
pub mod sobol;
pub mod stress;
