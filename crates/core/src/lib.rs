//! fundgap: Monte Carlo life-cycle cost and funding-gap simulation for public
//! smart city services.
//!
//! This is the core of the `fundgap` program, usable on its own. Data flows
//! one way:
//!
//! 1. [`scenario`] validates a TOML scenario's text into a [`Model`]
//!    (every problem reported with file, line, column and key path);
//! 2. an [`Engine`] simulates one trial of the model at a time;
//! 3. [`run`] (or [`run_all`], [`run_range`] for a shard) spreads trials
//!    over threads and folds them into an exactly mergeable [`Accumulator`];
//! 4. [`Report::new`] turns the aggregates into the published figures, each
//!    probability with its Monte Carlo uncertainty;
//! 5. [`analysis`] builds stress grids, paired comparisons, sensitivity and
//!    the evaluation scorecard on many runs.
//!
//! The whole crate is pure: no files, no printing, no clocks, no
//! environment. Results depend only on the scenario and seed, never on the
//! number of threads, the split of trials or the instruction set. Reading
//! files and writing outputs belong to `fundgap-report`, and the command
//! line to the `fundgap` binary. `ARCHITECTURE.md` in the
//! repository maps the modules.
//!
//! ```
//! use fundgap::{Engine, Report, scenario};
//!
//! let mut model = scenario::parse_str(scenario::BUILTIN_BASELINE, "baseline")?;
//! model.set_run(Some(2_000), Some(7));
//! let engine = Engine::new(&model);
//! let report = Report::new(&model, &fundgap::run_all(&engine));
//! let p = report.portfolio().p_any_gap;
//! assert!(p.lo <= p.estimate && p.estimate <= p.hi);
//! # Ok::<(), fundgap::Error>(())
//! ```

#![warn(missing_docs)]

pub mod analysis;
pub mod engine;
pub mod error;
pub mod format;
pub mod kernels;
pub mod model;
pub mod names;
pub mod scenario;
pub mod stats;

pub use engine::Engine;
pub use error::{Error, Result};
pub use model::Model;
pub use stats::{Accumulator, Report, run, run_all, run_range};
