//! The back-test's case files keep the pre-registered protocol
//! (scenarios/backtest/PROTOCOL.md): every source is dated, every input
//! cites only documents dated before its case's forecast date, every
//! outcome says when it was forecast and recorded, and the cases, clusters,
//! strengths and reasons are the protocol's §8 table, no more and no less.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fundgap::model::{Date, Model, Provenance, StopReason, Strength};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/backtest")
}

fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// One row of PROTOCOL.md §8's table.
#[derive(Debug)]
struct Row {
    forecast: String,
    by: i32,
    stopped: bool,
    reason: Option<String>,
    cluster: String,
    strength: String,
    scored: String,
}

/// PROTOCOL.md with its line breaks read as spaces (a citation may wrap).
fn protocol() -> String {
    let text = std::fs::read_to_string(dir().join("PROTOCOL.md")).unwrap();
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// §8's table, by case id (`IN-1`, ...).
fn protocol_cases(text: &str) -> BTreeMap<String, Row> {
    let section = text
        .split("## 8. The cases")
        .nth(1)
        .expect("PROTOCOL.md has a section 8");
    let mut rows = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.len() != 10 || cells[0] == "id" || cells[0].starts_with("---") {
            continue;
        }
        let stopped = match cells[5] {
            "stopped" => true,
            "continued" => false,
            other => panic!("§8: outcome {other:?}"),
        };
        let reason = (cells[6] != "—").then(|| cells[6].to_string());
        let row = Row {
            forecast: cells[3].to_string(),
            by: cells[4].parse().unwrap(),
            stopped,
            reason,
            cluster: cells[7].to_string(),
            strength: cells[8].to_string(),
            scored: cells[9].to_string(),
        };
        assert!(
            rows.insert(cells[0].to_string(), row).is_none(),
            "§8 lists {} twice",
            cells[0]
        );
    }
    assert!(!rows.is_empty(), "§8's table was not read");
    rows
}

/// The sources the protocol fixes for every case (§3's prior, §4's
/// operating share), which it names as `docs/sources.md [KEY]`: they may be
/// cited by every case, whatever its forecast date (scenarios/README.md,
/// "Back-test", says which case that makes an exception of).
fn protocol_sources(text: &str) -> BTreeSet<String> {
    text.split("docs/sources.md [")
        .skip(1)
        .filter_map(|s| s.split_once(']').map(|(k, _)| k.to_string()))
        .collect()
}

/// Cases whose outcome is recorded only before the forecast date §8 fixes,
/// so their files leave `recorded` out (and say so in the note): a gap in
/// the record, not a date to invent.
const RECORDED_BEFORE_FORECAST: [&str; 1] = ["BC-1"];

/// The publication date a `[sources]` entry starts with (`YYYY-MM-DD: ...`).
fn dated(key: &str, citation: &str, file: &str) -> Date {
    let (head, rest) = citation
        .split_once(": ")
        .unwrap_or_else(|| panic!("{file}: [sources] {key} does not start with `YYYY-MM-DD: `"));
    assert!(
        !rest.trim().is_empty(),
        "{file}: [sources] {key} cites nothing"
    );
    Date::parse(head).unwrap_or_else(|| {
        panic!("{file}: [sources] {key} starts with {head:?}, not a date YYYY-MM-DD")
    })
}

/// The `[KEY]`s a text names.
fn keys_in(text: &str) -> Vec<String> {
    text.split('[')
        .skip(1)
        .filter_map(|s| s.split_once(']').map(|(k, _)| k))
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string)
        .collect()
}

/// Every source key an input of `model` rests on: cited, or named in an
/// assumption's reason (`[KEY]`), with the input's path.
fn cited(model: &Model) -> Vec<(String, String)> {
    let mut paths: BTreeSet<String> = model.inputs().into_iter().map(|(i, _)| i.path).collect();
    paths.extend(model.stated_inputs().into_iter().map(|s| s.path));
    let mut out = Vec::new();
    for path in paths {
        match model.provenance(&path) {
            Provenance::Source(keys) => {
                out.extend(keys.iter().map(|k| (path.clone(), k.clone())));
            }
            Provenance::Assumption(reason) => {
                out.extend(keys_in(reason).into_iter().map(|k| (path.clone(), k)));
            }
            Provenance::Unstated => {}
        }
    }
    out
}

fn reason_name(r: StopReason) -> &'static str {
    StopReason::OPTIONS
        .iter()
        .find(|(_, x)| *x == r)
        .map(|(n, _)| *n)
        .unwrap()
}

fn strength_name(s: Strength) -> &'static str {
    Strength::OPTIONS
        .iter()
        .find(|(_, x)| *x == s)
        .map(|(n, _)| *n)
        .unwrap()
}

#[test]
fn case_files_keep_the_protocol() {
    let text = protocol();
    let table = protocol_cases(&text);
    let fixed = protocol_sources(&unwrapped(&text));
    assert!(
        fixed.contains("Y17") && fixed.contains("BPT"),
        "PROTOCOL.md names the prior's and the operating share's sources: {fixed:?}"
    );
    let files = case_files();
    assert!(!files.is_empty(), "no case file in scenarios/backtest/");

    let mut seen = BTreeSet::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let model = fundgap_report::input::load(path).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            model.trials(),
            50_000,
            "{file}: PROTOCOL §2 runs 50,000 trials"
        );

        // Every source dated; the outcomes' forecast dates.
        let sources: BTreeMap<&str, Date> = model
            .sources()
            .iter()
            .map(|(k, c)| (k.as_str(), dated(k, c, &file)))
            .collect();
        let mut forecasts = Vec::new();

        for svc in model.services() {
            let Some(o) = &svc.outcome else { continue };
            let id = svc.id.to_uppercase();
            let row = table
                .get(&id)
                .unwrap_or_else(|| panic!("{file}: {id} is not a case of PROTOCOL.md §8"));
            assert!(seen.insert(id.clone()), "{id} is in two files");

            let forecast = o
                .forecast
                .unwrap_or_else(|| panic!("{file}: {id} has no forecast date"));
            assert_eq!(
                forecast.to_string(),
                row.forecast,
                "{file}: {id}'s forecast date"
            );
            forecasts.push(forecast);
            match (o.recorded, RECORDED_BEFORE_FORECAST.contains(&id.as_str())) {
                (Some(recorded), false) => assert!(
                    recorded > forecast,
                    "{file}: {id} recorded {recorded}, not after its forecast {forecast}"
                ),
                (None, true) => assert!(
                    o.source.contains(char::is_numeric),
                    "{file}: {id} names its record"
                ),
                (Some(_), true) => panic!(
                    "{file}: {id} now has a record after its forecast date: take it off RECORDED_BEFORE_FORECAST"
                ),
                (None, false) => panic!("{file}: {id} has no `recorded` date"),
            }
            let cluster = o
                .cluster
                .as_deref()
                .unwrap_or_else(|| panic!("{file}: {id} has no cluster"));
            assert_eq!(cluster, row.cluster, "{file}: {id}'s cluster");
            assert_eq!(model.year(o.by), row.by, "{file}: {id}'s year");
            assert_eq!(o.stopped, row.stopped, "{file}: {id}'s outcome");
            assert_eq!(
                strength_name(o.strength),
                row.strength,
                "{file}: {id}'s strength"
            );
            if o.stopped {
                assert_eq!(
                    Some(reason_name(o.reason)),
                    row.reason.as_deref(),
                    "{file}: {id}'s reason"
                );
            }
            let scored = if o.stopped && o.reason != StopReason::Budget {
                "listed"
            } else if o.strength <= Strength::B {
                "yes"
            } else {
                "with C"
            };
            assert_eq!(scored, row.scored, "{file}: {id}: scored or listed");

            // PROTOCOL §3 and §4: the same decision for every case, the year
            // after the outside money, and the same stop rule.
            let d = svc
                .decision
                .as_ref()
                .unwrap_or_else(|| panic!("{file}: {id} has no [service.decision]"));
            assert_eq!(
                (d.stop, d.shrink, d.shrink_to),
                (0.45, 0.15, 0.5),
                "{file}: {id}'s prior"
            );
            assert!(
                keys_in(&d.source).contains(&"BPT".to_string()),
                "{file}: {id}'s decision cites [BPT]"
            );
            assert!(
                model.year(o.by) < model.year(model.horizon() - 1),
                "{file}: {id}: the horizon must hold the year after `by`"
            );
        }
        assert!(!forecasts.is_empty(), "{file}: no case");
        let first = *forecasts.iter().min().unwrap();

        // [sources] holds the inputs' documents only: each dated before
        // every forecast of its file, but for the protocol's own.
        for (key, date) in &sources {
            if fixed.contains(*key) {
                continue;
            }
            assert!(
                *date < first,
                "{file}: [sources] {key} is dated {date}, not before the forecast date {first}"
            );
        }
        // And every input cites a key of [sources] (so dated before).
        for (input, key) in cited(&model) {
            let date = sources
                .get(key.as_str())
                .unwrap_or_else(|| panic!("{file}: {input} names [{key}], not in [sources]"));
            assert!(
                fixed.contains(&key) || *date < first,
                "{file}: {input} cites [{key}] of {date}, not before the forecast date {first}"
            );
        }
    }
    let listed: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        seen, listed,
        "the case files hold exactly PROTOCOL.md §8's cases"
    );

    // The counts the protocol states.
    let scored: Vec<&Row> = table.values().filter(|r| r.scored == "yes").collect();
    let with_c: Vec<&Row> = table.values().filter(|r| r.scored != "listed").collect();
    let clusters = |rows: &[&Row]| {
        rows.iter()
            .map(|r| r.cluster.clone())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let stated = format!(
        "{} scored cases in {} clusters ({} stopped, {} continued); {} in {} with C",
        scored.len(),
        clusters(&scored),
        scored.iter().filter(|r| r.stopped).count(),
        scored.iter().filter(|r| !r.stopped).count(),
        with_c.len(),
        clusters(&with_c),
    );
    assert!(
        unwrapped(&text).contains(&stated),
        "PROTOCOL.md §8 does not say: {stated}"
    );
}

/// The date rule can fail: a source dated on its case's forecast date is
/// refused, and so is one without a date.
#[test]
fn a_source_dated_after_the_forecast_is_caught() {
    assert!(Date::parse("2022-12-31").is_some());
    assert!(Date::parse("2022-13-01").is_none());
    let text = std::fs::read_to_string(dir().join("gangneung.toml")).unwrap();
    let late = text.replacen("GN3 = \"2022-12-06:", "GN3 = \"2023-01-06:", 1);
    assert_ne!(late, text, "gangneung.toml's [GN3] moved");
    let model = fundgap::scenario::parse_with(&late, "gangneung.toml", &[]).unwrap();
    let sources: BTreeMap<&str, Date> = model
        .sources()
        .iter()
        .map(|(k, c)| (k.as_str(), dated(k, c, "gangneung.toml")))
        .collect();
    let forecast = Date::parse("2022-12-31").unwrap();
    assert!(sources["GN3"] > forecast);
    // GN3 is cited by an input's reason, so the rule above would refuse it.
    assert!(
        cited(&model).iter().any(|(_, k)| k == "GN3"),
        "an input names [GN3]"
    );
    let undated = text.replacen("GN3 = \"2022-12-06: ", "GN3 = \"", 1);
    let model = fundgap::scenario::parse_with(&undated, "gangneung.toml", &[]).unwrap();
    let (k, c) = model.sources().iter().find(|(k, _)| k == "GN3").unwrap();
    assert!(std::panic::catch_unwind(|| dated(k, c, "gangneung.toml")).is_err());
}
