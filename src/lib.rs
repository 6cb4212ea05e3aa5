//! fundgap: Monte Carlo life-cycle cost and funding-gap simulation for public
//! smart city services.
//!
//! Data flows one way: a scenario file is parsed and validated
//! ([`scenario`]) into a compiled [`model::Model`]; the [`engine`] runs trials
//! in parallel into mergeable aggregates ([`stats`]); the finished
//! [`stats::Report`] goes to writers ([`output`]) and the terminal
//! ([`table`]). The engine and statistics never touch files or clocks.

pub mod analysis;
pub mod engine;
pub mod error;
pub mod format;
pub mod model;
pub mod names;
pub mod scenario;
pub mod stats;

pub use error::{Error, Result};
