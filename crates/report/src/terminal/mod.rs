//! What is printed on a terminal: aligned tables in the report's
//! language. [`run`] holds a run's (re-exported here), [`stress`] a
//! stress grid's, [`compare`] a comparison's, [`analyses`] every other
//! analysis's.

pub mod analyses;
pub mod compare;
pub mod run;
pub mod stress;

pub use run::*;
