//! What the page shows of a scenario before it runs: its services and
//! their funding streams with their windows and the numbers a what-if
//! changes, as typed in the file (a `--set` replaces what is typed), and
//! the money unit the page writes amounts in (억 원 for Korean won).

use serde::Serialize;

use fundgap::error::{Error, Result};
use fundgap::format::{Money, won_per_unit};

use crate::catalog::Entry;

/// The keys of a stream whose plain numbers the page offers to change.
const NUMBER_KEYS: &[&str] = &[
    "amount",
    "share_of_cost",
    "price",
    "policy",
    "growth",
    "withdrawal_hazard",
];

/// Keys holding money (in the scenario's unit), shown in the page's unit.
pub const MONEY_KEYS: &[&str] = &["amount"];

/// A scenario as the page shows it.
#[derive(Debug, Serialize)]
pub struct Description {
    pub id: String,
    pub name: String,
    /// How `fundgap run` names the file.
    pub label: String,
    pub start_year: i32,
    pub end_year: i32,
    /// The scenario's own trial count and seed.
    pub trials: u64,
    pub seed: u64,
    /// The page's money: its label and what a scenario amount is divided
    /// by to be in it.
    pub money_label: String,
    pub money_divisor: f64,
    /// Won per scenario unit, when the scenario is in won (fees are shown
    /// in 원 per use then).
    pub won_per_unit: Option<f64>,
    /// `[scenario] materiality_share` as typed (None: not set).
    pub materiality_share: Option<f64>,
    pub services: Vec<ServiceView>,
}

/// One service.
#[derive(Debug, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub streams: Vec<StreamView>,
}

/// One funding stream.
#[derive(Debug, Serialize)]
pub struct StreamView {
    pub kind: String,
    pub name: String,
    /// The name as a `--set` path names it.
    pub slug: String,
    /// Its window (the horizon's ends when the file sets none).
    pub from: i32,
    pub to: i32,
    /// Whether the file sets `to` (a what-if that moves it says so).
    pub to_typed: bool,
    /// Plain numbers among [`NUMBER_KEYS`], as typed.
    pub numbers: Vec<(String, f64)>,
}

/// Describes `entry` for the page, in `korean` money units or not.
pub fn describe(entry: &Entry, korean: bool) -> Result<Description> {
    let model = entry.model(&[])?;
    let doc: toml::Table =
        toml::from_str(&entry.text).map_err(|e| Error::Usage(format!("{}: {e}", entry.label)))?;
    let (start, end) = (model.start_year(), model.end_year());
    let money = Money::for_units(model.currency(), model.unit(), korean, 1e12);
    let number = |v: Option<&toml::Value>| match v {
        Some(toml::Value::Integer(i)) => Some(*i as f64),
        Some(toml::Value::Float(f)) => Some(*f),
        _ => None,
    };
    let year = |v: Option<&toml::Value>| match v {
        Some(toml::Value::Integer(i)) => i32::try_from(*i).ok(),
        _ => None,
    };
    let scenario = doc.get("scenario").and_then(|s| s.as_table());
    let mut services = Vec::new();
    for s in doc
        .get("service")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
    {
        let Some(s) = s.as_table() else { continue };
        let id = s.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        let name = s.get("name").and_then(|v| v.as_str()).unwrap_or(id);
        let mut streams = Vec::new();
        for f in s
            .get("funding")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
        {
            let Some(f) = f.as_table() else { continue };
            let kind = f.get("kind").and_then(|v| v.as_str()).unwrap_or_default();
            let fname = f.get("name").and_then(|v| v.as_str()).unwrap_or(kind);
            let typed_to = year(f.get("to"));
            streams.push(StreamView {
                kind: kind.to_string(),
                name: fname.to_string(),
                slug: fundgap::names::slug(fname),
                from: year(f.get("from")).unwrap_or(start),
                to: typed_to.unwrap_or(end),
                to_typed: typed_to.is_some(),
                numbers: NUMBER_KEYS
                    .iter()
                    .filter_map(|k| number(f.get(*k)).map(|x| (k.to_string(), x)))
                    .collect(),
            });
        }
        services.push(ServiceView {
            id: id.to_string(),
            name: name.to_string(),
            streams,
        });
    }
    Ok(Description {
        id: entry.id.clone(),
        name: entry.name.clone(),
        label: entry.label.clone(),
        start_year: start,
        end_year: end,
        trials: model.trials(),
        seed: model.seed(),
        money_label: money.label().to_string(),
        money_divisor: money.divisor(),
        won_per_unit: won_per_unit(model.currency(), model.unit()),
        materiality_share: number(scenario.and_then(|s| s.get("materiality_share"))),
        services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn daejeon_in_eok_with_its_grant_window() {
        let c = Catalog::new(Vec::new()).unwrap();
        let d = describe(&c.get("daejeon-challenge").unwrap(), true).unwrap();
        assert_eq!(d.money_label, "억 원");
        assert_eq!(d.money_divisor, 100.0);
        let parking = &d.services[0];
        assert_eq!(parking.id, "shared-parking");
        let grant = &parking.streams[0];
        assert_eq!(
            (grant.kind.as_str(), grant.from, grant.to),
            ("grant", 2021, 2022)
        );
        assert_eq!(grant.slug, "national-challenge-money");
        assert!(grant.numbers.contains(&("share_of_cost".into(), 0.5)));
    }
}
