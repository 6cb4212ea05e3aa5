//! Scenario workbooks: a scenario as an Excel file a budget officer fills
//! in, read into the same TOML document a scenario file holds and written
//! from one.
//!
//! The workbook is a view of the TOML document, not a second format with
//! rules of its own: [`read`] turns its sheets into TOML text that the
//! scenario module validates as it validates any file (so every rule,
//! default and "did you mean" is shared), keeping for each line of that
//! text the cells it came from, so a problem is reported at `sheet!cell`;
//! [`write`] lays a TOML document out as sheets (`fundgap convert`,
//! `fundgap init --xlsx`). The layout (sheets, the Korean headers, the
//! amount units) is here.

mod cells;
mod emit;
pub(crate) mod layout;
mod read;
mod write;

pub use emit::SourceMap;
pub use layout::SHEETS;
pub use read::read;
pub use write::write;

use std::sync::Mutex;

use fundgap::error::{Error, ScenarioError};

/// Whether `bytes` are a workbook (an xlsx file is a zip archive).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The source maps of the workbooks read in this process, by label, so
/// an error the validator finds in a workbook's TOML text can be told at
/// its cell wherever the error surfaces ([`locate`]).
static MAPS: Mutex<Vec<(String, SourceMap)>> = Mutex::new(Vec::new());

/// Remembers where the TOML text read from the workbook `label` came from.
pub fn remember(label: &str, map: SourceMap) {
    if let Ok(mut maps) = MAPS.lock() {
        maps.retain(|(l, _)| l != label);
        maps.push((label.to_string(), map));
    }
}

/// `e` with each problem in a workbook's TOML text told at its cell
/// (`services!D7`) instead of a line of text the user never saw.
pub fn locate(e: Error) -> Error {
    match e {
        Error::Scenario(s) => Error::Scenario(locate_scenario(s)),
        other => other,
    }
}

/// [`locate`] for a scenario's problems.
pub fn locate_scenario(mut s: ScenarioError) -> ScenarioError {
    let Ok(maps) = MAPS.lock() else {
        return s;
    };
    for d in &mut s.diagnostics {
        if let Some((_, map)) = maps.iter().find(|(l, _)| d.file.starts_with(l.as_str())) {
            map.relocate(d);
        }
    }
    s
}
