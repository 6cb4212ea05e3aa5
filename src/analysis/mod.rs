//! Analyses built on many runs of the engine: stress grids, paired
//! comparisons, sensitivity and the evaluation scorecard.

pub mod compare;
pub mod evaluate;
pub mod sensitivity;
pub mod stress;
