//! fundgap: Monte Carlo life-cycle cost and funding-gap simulation for public
//! smart city services.
//!
//! Data flows one way: a scenario file is parsed and validated
//! ([`scenario`]) into a compiled [`model::Model`]; the [`engine`] runs trials
//! in parallel into mergeable aggregates ([`stats`]); the finished
//! [`stats::Report`] goes to writers ([`output`]) and the terminal
//! ([`table`]). The engine and statistics never touch files or clocks.

// Year loops index several per-year arrays (cost, funding, escalation,
// discount) in lockstep; iterator zips of four slices read worse.
#![allow(clippy::needless_range_loop)]

pub mod dist;
pub mod error;
pub mod evaluate;
pub mod model;
pub mod rng;
pub mod scenario;
pub mod sensitivity;

pub use error::{Error, Result};
pub mod charts;
// The CLI's doc comments are its --help text, written for the terminal
// (`output/<scenario>`, `[[variant]]`), not for rustdoc.
#[allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]
pub mod cli;
pub mod compare;
pub mod engine;
pub mod format;
pub mod output;
pub mod overrides;
pub mod sketch;
pub mod stats;
pub mod stress;
pub mod table;
pub mod template;
