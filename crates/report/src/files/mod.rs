//! The files a result writes besides its charts, workbook and page: CSV
//! tables, JSON and Markdown, as bytes for [`crate::output`]. [`run`]
//! holds a run's (re-exported here), [`analyses`] every analysis's.

pub mod analyses;
pub mod backtest;
pub mod info;
pub mod plan;
pub mod run;

pub use info::{RunInfo, this_year};
pub use run::*;
