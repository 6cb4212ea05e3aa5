//! Everything a run hands to a person: output files, terminal tables and
//! charts. Reads results; computes nothing that changes them.

pub mod analyses;
pub mod analysis_table;
pub mod charts;
pub mod check;
pub mod files;
pub mod html;
pub mod lang;
pub mod ownership;
pub mod staging;
pub mod table;
pub mod workbook;
