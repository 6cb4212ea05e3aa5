//! A grid as a user states it — `--years` (all, a list, a range),
//! `--cuts` in percent of the selected streams, or up to two swept keys
//! (`--sweep PATH=v1,v2,...`) — checked and turned into the cells
//! `grid.rs` builds. The flags' names are in the messages: the command
//! line and the Python package take the same settings.

use crate::error::{Error, Result};
use crate::model::Model;
use crate::scenario::Override;

use super::grid::{
    Axis, CellSpec, Selection, select, sweep_grid, withdrawal_grid, withdrawal_years,
};

/// A stress grid's settings, as `fundgap stress` takes them.
#[derive(Debug, Clone, Default)]
pub struct GridSpec {
    /// Withdrawal years: `all`, `2026,2028` or `2026-2030`.
    pub years: String,
    /// Cuts of the selected streams, in percent (0 to 100).
    pub cuts: Vec<f64>,
    /// Only this service's streams (default every service's).
    pub service: Option<String>,
    /// Only the streams of these names or slugs (default every grant).
    pub streams: Vec<String>,
    /// Instead of the withdrawal grid, up to two `PATH=v1,v2,...` keys.
    pub sweep: Vec<String>,
}

/// The cells of the grid `spec` states on `base` (the scenario `text`,
/// `label`, with `set` applied): its two axes, its cells, and the years
/// left out because no selected stream pays in them.
pub fn grid_cells(
    text: &str,
    label: &str,
    set: &[Override],
    base: &Model,
    spec: &GridSpec,
) -> Result<(Axis, Axis, Vec<CellSpec>, Vec<i32>)> {
    let mut left_out = Vec::new();
    if spec.sweep.is_empty() {
        let (x, y, cells) = withdrawal_cells(spec, base, &mut left_out)?;
        return Ok((x, y, cells, left_out));
    }
    let sweeps = parse_sweeps(&spec.sweep)?;
    if let Some(id) = &spec.service
        && base.service(id).is_none()
    {
        return Err(Error::Usage(format!(
            "--service: no service with id \"{id}\""
        )));
    }
    let (x, y, cells) = sweep_grid(text, label, set, &sweeps)?;
    Ok((x, y, cells, left_out))
}

/// The default grid: withdrawal year x cut of the selected streams, from
/// `--years`, `--cuts`, `--service` and `--stream`, keeping the years in
/// which a selected stream pays (the others go to `left_out`, which the
/// outputs name).
fn withdrawal_cells(
    spec: &GridSpec,
    base: &Model,
    left_out: &mut Vec<i32>,
) -> Result<(Axis, Axis, Vec<CellSpec>)> {
    if let Some(c) = spec.cuts.iter().find(|c| !(0.0..=100.0).contains(*c)) {
        return Err(Error::Usage(format!(
            "--cuts: {c} is not a percentage between 0 and 100"
        )));
    }
    // Shares are fractions everywhere else in fundgap: cuts of at most 1
    // with a fraction among them are shares typed here by habit (0.5 for
    // 50%), which would run cuts of under one percent.
    if spec.cuts.iter().all(|c| *c <= 1.0) && spec.cuts.iter().any(|c| c.fract() != 0.0) {
        // Rounded: 0.07 x 100 is 7.000000000000001 in binary.
        let meant: Vec<String> = spec
            .cuts
            .iter()
            .map(|c| format!("{}", (c * 100.0 * 1e6).round() / 1e6))
            .collect();
        return Err(Error::Usage(format!(
            "--cuts are percentages: {} would cut by under one percent; did you mean {}?",
            spec.cuts
                .iter()
                .map(|c| format!("{c}%"))
                .collect::<Vec<_>>()
                .join(", "),
            meant.join(",")
        )));
    }
    let cuts: Vec<f64> = spec.cuts.iter().map(|c| c / 100.0).collect();
    let years = parse_years(&spec.years, base)?;
    let sel = Selection {
        service: spec.service.clone(),
        streams: spec.streams.clone(),
    };
    let streams = select(base, &sel)?;
    let requested = (spec.years.trim() != "all").then_some(years.as_slice());
    let (years, out) = withdrawal_years(base, &streams, requested).map_err(|e| match e {
        Error::Usage(m) => Error::Usage(format!("--years {}: {m}", spec.years)),
        e => e,
    })?;
    *left_out = out;
    Ok(withdrawal_grid(base, &streams, &years, &cuts))
}

/// Parses `--sweep PATH=v1,v2,...` (at most twice) into (path, values).
fn parse_sweeps(specs: &[String]) -> Result<Vec<(String, Vec<String>)>> {
    if specs.len() > 2 {
        return Err(Error::Usage(
            "--sweep: at most two keys can be swept at once".into(),
        ));
    }
    let mut sweeps = Vec::new();
    for s in specs {
        let o = Override::parse(s).map_err(|e| Error::Usage(format!("--sweep: {e}")))?;
        let values: Vec<String> = o
            .value
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return Err(Error::Usage(format!(
                "--sweep {s}: give values, e.g. {}=0.1,0.2",
                o.path
            )));
        }
        sweeps.push((o.path, values));
    }
    Ok(sweeps)
}

/// Parses `--years`: `all`, `2026,2028`, `2026-2030`, into year indices.
fn parse_years(spec: &str, model: &Model) -> Result<Vec<usize>> {
    let bad = |what: &str| {
        Error::Usage(format!(
            "--years {spec}: {what}; expected all, a list such as {0},{1} or a range such as {0}-{2}, inside {0}..={2}",
            model.start_year(),
            model.start_year() + 1,
            model.end_year()
        ))
    };
    if spec.trim() == "all" {
        return Ok((0..model.horizon()).collect());
    }
    let index = |s: &str| -> Result<usize> {
        let y: i32 = s
            .trim()
            .parse()
            .map_err(|_| bad(&format!("`{s}` is not a year")))?;
        if y < model.start_year() || y > model.end_year() {
            return Err(bad(&format!("{y} is outside the horizon")));
        }
        Ok((y - model.start_year()) as usize)
    };
    let mut out = Vec::new();
    for part in spec.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (index(a)?, index(b)?);
                if a > b {
                    return Err(bad("a range must go forward"));
                }
                out.extend(a..=b);
            }
            None => out.push(index(part)?),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
