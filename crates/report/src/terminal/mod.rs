//! What is printed on a terminal: aligned tables in the report's
//! language. [`run`] holds a run's (re-exported here), [`analyses`] every
//! analysis's.

pub mod analyses;
pub mod run;

pub use run::*;
