//! Everything a run hands to a person: output files, terminal tables and
//! charts. Reads results; computes nothing that changes them. The
//! `fundgap` binary (and any other shell over `fundgap-core`) calls it.

/// `eprintln!` for status and warning lines, except that a standard error
/// that cannot be written (closed, `2>/dev/full`) is ignored instead of
/// panicking. Exported for the shells, which print the same way.
#[macro_export]
macro_rules! status {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod book;
pub mod charts;
pub mod check;
pub mod columns;
pub mod files;
pub mod html;
pub mod input;
pub mod lang;
pub mod output;
pub mod ownership;
pub mod staging;
pub mod terminal;
pub mod workbook;
