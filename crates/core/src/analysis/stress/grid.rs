//! The cells of a stress grid: which streams a withdrawal grid cuts, in
//! which years they can pay, and the scenario each cell runs (the
//! withdrawal year x cut grid, or a sweep of scenario keys).

use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::model::{Cut, FundingKind, Model};
use crate::names::slug;
use crate::scenario::Override;
use crate::scenario::parse_with;

/// Which funding streams a withdrawal grid cuts.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only streams of this service (and report this service).
    pub service: Option<String>,
    /// Stream names (or slugs); empty means every grant.
    pub streams: Vec<String>,
}

/// Resolves a selection to (service index, stream index) pairs.
pub fn select(model: &Model, sel: &Selection) -> crate::error::Result<Vec<(usize, usize)>> {
    use crate::error::Error;
    if let Some(id) = &sel.service
        && model.service(id).is_none()
    {
        let ids: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
        let hint = crate::names::did_you_mean(id, &ids);
        return Err(Error::Usage(format!(
            "no service with id \"{id}\"{hint} (known: {})",
            ids.join(", ")
        )));
    }
    let mut out = Vec::new();
    for (si, s) in model.services.iter().enumerate() {
        if sel.service.as_ref().is_some_and(|id| *id != s.id) {
            continue;
        }
        for (fi, f) in s.funding.iter().enumerate() {
            let chosen = if sel.streams.is_empty() {
                f.funding_kind() == FundingKind::Grant
            } else {
                sel.streams
                    .iter()
                    .any(|n| *n == f.name || slug(n) == slug(&f.name))
            };
            if chosen {
                out.push((si, fi));
            }
        }
    }
    // What --stream can name within the selection, as the slugs it takes.
    let known = || {
        let mut names: Vec<String> = model
            .services
            .iter()
            .filter(|s| sel.service.as_ref().is_none_or(|id| *id == s.id))
            .flat_map(|s| s.funding.iter().map(|f| slug(&f.name)))
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let within = match &sel.service {
        Some(id) => format!("service \"{id}\""),
        None => "the scenario".to_string(),
    };
    for n in &sel.streams {
        let found = out.iter().any(|&(si, fi)| {
            model.services[si].funding[fi].name == *n
                || slug(&model.services[si].funding[fi].name) == slug(n)
        });
        if !found {
            let names = known();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let hint = crate::names::did_you_mean(&slug(n), &refs);
            return Err(Error::Usage(format!(
                "{within} has no funding stream named \"{n}\"{hint} (known: {})",
                names.join(", ")
            )));
        }
    }
    if out.is_empty() {
        let names = known();
        let list = match names.is_empty() {
            true => "it has no funding streams".to_string(),
            false => format!("its streams: {}", names.join(", ")),
        };
        return Err(Error::Usage(format!(
            "no stream to stress: {within} has no grant streams; name one with --stream ({list})"
        )));
    }
    Ok(out)
}

/// One axis of a grid: a key and the labels of its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The swept key (`--set` path) or the grid's dimension.
    pub key: String,
    /// One label per value along the axis.
    pub labels: Vec<String>,
}

/// A grid cell to run.
#[derive(Debug, Clone)]
pub struct CellSpec {
    /// Index along the x axis.
    pub x: usize,
    /// Index along the y axis.
    pub y: usize,
    /// The scenario with this cell's policy applied.
    pub model: Model,
    /// Cells with the same `Some` class run the same scenario (every
    /// withdrawal year's uncut cell), so one run of them serves all.
    pub same_as: Option<usize>,
}

/// The withdrawal-year x cut grid over the selected streams.
pub fn withdrawal_grid(
    base: &Model,
    streams: &[(usize, usize)],
    years: &[usize],
    cuts: &[f64],
) -> (Axis, Axis, Vec<CellSpec>) {
    let mut cells = Vec::new();
    for (y, &cut) in cuts.iter().enumerate() {
        for (x, &t) in years.iter().enumerate() {
            let mut m = base.clone();
            for &(si, fi) in streams {
                m.services[si].funding[fi].cut = Some(Cut {
                    from: t,
                    keep: 1.0 - cut,
                });
            }
            // Without a cut the year changes nothing: one class per cut.
            let same_as = (cut == 0.0).then_some(y);
            cells.push(CellSpec {
                x,
                y,
                model: m,
                same_as,
            });
        }
    }
    let xa = Axis {
        key: "withdrawal_year".into(),
        labels: years.iter().map(|&t| base.year(t).to_string()).collect(),
    };
    let ya = Axis {
        key: "cut".into(),
        labels: cuts
            .iter()
            // As typed: a 0.5% cut is not labelled 1%.
            .map(|c| format!("{}%", (c * 1e6).round() / 1e4))
            .collect(),
    };
    (xa, ya, cells)
}

/// A sweep over one or two keys: each cell is the scenario with the base
/// overrides plus one value of each swept key.
pub fn sweep_grid(
    text: &str,
    label: &str,
    base: &[Override],
    sweeps: &[(String, Vec<String>)],
) -> Result<(Axis, Axis, Vec<CellSpec>), ScenarioError> {
    let (xs, ys) = match sweeps {
        [a] => (a.clone(), ("".to_string(), vec![String::new()])),
        [a, b] => (a.clone(), b.clone()),
        _ => (
            ("".to_string(), vec![String::new()]),
            ("".to_string(), vec![String::new()]),
        ),
    };
    let mut cells = Vec::new();
    let mut diagnostics = Vec::new();
    for (y, yv) in ys.1.iter().enumerate() {
        for (x, xv) in xs.1.iter().enumerate() {
            let mut o = base.to_vec();
            o.push(Override::sweep(&xs.0, xv));
            if !ys.0.is_empty() {
                o.push(Override::sweep(&ys.0, yv));
            }
            match parse_with(text, label, &o) {
                Ok(model) => cells.push(CellSpec {
                    x,
                    y,
                    model,
                    same_as: None,
                }),
                Err(e) => diagnostics.extend(e.diagnostics),
            }
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.dedup();
        return Err(ScenarioError::new(diagnostics));
    }
    Ok((
        Axis {
            key: xs.0,
            labels: xs.1,
        },
        Axis {
            key: ys.0,
            labels: ys.1,
        },
        cells,
    ))
}

/// The year indices in which at least one of `streams` can pay (inside
/// its window): the withdrawal years that change something. Withdrawing a
/// stream before its window opens is the same as withdrawing it when it
/// opens; withdrawing it after its window has closed changes nothing.
pub fn paying_years(model: &Model, streams: &[(usize, usize)]) -> Vec<usize> {
    (0..model.horizon)
        .filter(|&t| {
            streams.iter().any(|&(si, fi)| {
                let f = &model.services[si].funding[fi];
                f.from <= t && t <= f.to
            })
        })
        .collect()
}

/// Calendar years as short ranges: "2021-2022, 2025".
pub fn year_ranges(years: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}-{}", years[i], years[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The withdrawal years of a grid and the calendar years left out of it:
/// `requested` (None: every year of the horizon) less the years in which
/// no chosen stream pays, since their cells would repeat others (after a
/// window, the uncut cell; before it, the cell of its first year). An
/// error when none is left, naming the years the streams pay in.
pub fn withdrawal_years(
    model: &Model,
    streams: &[(usize, usize)],
    requested: Option<&[usize]>,
) -> crate::error::Result<(Vec<usize>, Vec<i32>)> {
    use crate::error::Error;
    let paying = paying_years(model, streams);
    let all: Vec<usize> = (0..model.horizon).collect();
    let requested = requested.unwrap_or(&all);
    let calendar = |ts: &[usize]| {
        let years: Vec<i32> = ts.iter().map(|&t| model.year(t)).collect();
        year_ranges(&years)
    };
    let (kept, out): (Vec<usize>, Vec<usize>) = requested.iter().partition(|t| paying.contains(t));
    if kept.is_empty() {
        return Err(Error::Usage(if paying.is_empty() {
            "the chosen streams pay in no year of the horizon, so withdrawing them changes nothing"
                .to_string()
        } else {
            format!(
                "no chosen stream pays in {} (they pay in {}), so a withdrawal there changes nothing; \
                 choose years within {}",
                calendar(&out),
                calendar(&paying),
                calendar(&paying),
            )
        }));
    }
    Ok((kept, out.into_iter().map(|t| model.year(t)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    /// One service with a grant, one without: what each can stress.
    const TWO: &str = "[scenario]\nname = \"t\"\nstart_year = 2025\nhorizon_years = 5\n\
        [[service]]\nid = \"parking\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"City budget\"\namount = 10\n\
        [[service]]\nid = \"wifi\"\nconstruction_cost = 100\nopex_ratio = 0.1\n\
        [[service.funding]]\nkind = \"grant\"\nname = \"National grant\"\nshare_of_cost = 0.5\nfrom = 2025\nto = 2026\n\
        [[service.funding]]\nkind = \"budget\"\nname = \"Private partner\"\namount = 5\n";

    fn error(service: Option<&str>, streams: &[&str]) -> String {
        let model = parse_str(TWO, "t").unwrap();
        let sel = Selection {
            service: service.map(str::to_string),
            streams: streams.iter().map(|s| s.to_string()).collect(),
        };
        select(&model, &sel).unwrap_err().to_string()
    }

    /// A service without grants is named, with its own streams as the
    /// slugs --stream takes, not the scenario's.
    #[test]
    fn a_selection_without_grants_lists_the_streams_it_could_stress() {
        let e = error(Some("parking"), &[]);
        assert!(
            e.contains("service \"parking\" has no grant streams"),
            "{e}"
        );
        assert!(e.contains("its streams: city-budget)"), "{e}");
        assert!(!e.contains("private-partner"), "{e}");
        let e = error(Some("parking"), &["privat-partner"]);
        assert!(
            e.contains("service \"parking\" has no funding stream named"),
            "{e}"
        );
        assert!(e.contains("(known: city-budget)"), "{e}");
        let e = error(None, &["privat-partner"]);
        assert!(e.contains("did you mean \"private-partner\"?"), "{e}");
        assert!(
            e.contains("known: city-budget, national-grant, private-partner"),
            "{e}"
        );
    }
}
