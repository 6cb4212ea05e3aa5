//! `fundgap merge`: the parts of a sharded run or stress grid, checked to
//! be one whole run, merged exactly and written as that run's outputs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use fundgap::analysis::stress::StressResult;
use fundgap::error::{Error, Result};
use fundgap::model::Model;
use fundgap::scenario::{self, Override};
use fundgap::stats::part::{self, PartHeader, PartKind};
use fundgap::stats::{Accumulator, Report};

use fundgap::model::Language;
use fundgap_report::output::{RunOutput, Settings, StressOutput};

use super::args::{Lang, MergeArgs};
use super::common::{Delivery, deliver, made_by_command, settings};
use fundgap_report::files::info::this_year;

/// The largest part file read (a national portfolio's is tens of MB).
const PART_LIMIT: u64 = 1 << 34;

pub(super) fn merge(args: &MergeArgs) -> Result<()> {
    let started = Instant::now();
    // First pass: every header (each part's first two lines), checked
    // together before any aggregate is read; then the parts are read whole
    // one at a time, so memory holds one part and the merged aggregate,
    // whatever the number of parts.
    let mut headers = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        fundgap_report::ownership::protect(path);
        let header = read_header(path)?;
        headers.push((path.display().to_string(), header));
    }
    let order = part::check_set(&headers).map_err(|e| Error::Merge(e.to_string()))?;
    let first = &headers[order[0]].1;
    if part::sha256_hex(first.scenario_text.as_bytes()) != first.scenario_sha256 {
        return Err(in_file(
            &args.parts[order[0]],
            "its scenario text does not match its SHA-256",
        ));
    }
    let overrides = first
        .overrides
        .iter()
        .map(|o| Override::parse(o).map_err(|e| in_file(&args.parts[order[0]], e)))
        .collect::<Result<Vec<_>>>()?;
    let mut base = scenario::parse_with(&first.scenario_text, &first.scenario_label, &overrides)?;
    base.set_run(Some(first.trials), Some(first.seed));
    let lang = Lang::or_scenario(args.lang, &base);
    if !args.quiet {
        let (parts, total) = (
            headers.len(),
            fundgap::format::thousands(first.total as f64, 0),
        );
        let units = first.kind.units();
        let whole = super::shard::counted_in_korean(first.kind, &total);
        say!(
            lang,
            "fundgap: merging {parts} part(s) of {}: {total} {units}",
            "fundgap: 병합 중 — {}: 부분 파일 {parts}개, {whole}",
            first.scenario_label
        );
    }
    let pb = super::common::progress_bar_of(order.len() as u64, args.quiet, "parts");
    pb.set_message("merging");
    let threads: usize = headers.iter().map(|(_, h)| h.threads).sum();
    let shard_seconds: f64 = headers.iter().map(|(_, h)| h.elapsed_seconds).sum();
    // Merged parts are the results of the command that wrote them, and
    // replace (or are refused by) a folder as that command's would be.
    fundgap_report::ownership::set_command(match first.kind {
        PartKind::Run => "run",
        PartKind::Stress => "stress",
    });
    match first.kind {
        PartKind::Run => {
            let levels = confidence_of(first, &args.parts[order[0]])?;
            base.set_confidence(&levels);
            let mut acc = Accumulator::new(&base);
            for &i in &order {
                let a: Accumulator = aggregate(&args.parts[i], &headers[i].1)?;
                let h = &headers[i].1;
                if !a.fits(&base) || a.trials != h.end - h.start {
                    return Err(in_file(
                        &args.parts[i],
                        "its aggregate does not fit the scenario it names",
                    ));
                }
                acc.merge(&a);
                pb.inc(1);
            }
            pb.finish_and_clear();
            acc.check(&base)?;
            merge_run(
                args,
                &base,
                first,
                &acc,
                lang,
                threads,
                shard_seconds,
                started,
            )
        }
        PartKind::Stress => {
            let mut results = Vec::with_capacity(order.len());
            for &i in &order {
                let r: StressResult = aggregate(&args.parts[i], &headers[i].1)?;
                let h = &headers[i].1;
                if r.cells.len() as u64 != h.end - h.start {
                    return Err(in_file(
                        &args.parts[i],
                        "it holds a different number of cells than its header says",
                    ));
                }
                results.push(r);
                pb.inc(1);
            }
            pb.finish_and_clear();
            let result = StressResult::join(results).ok_or_else(|| {
                Error::Merge("the parts' grids differ (axes, entity or trials)".into())
            })?;
            if let Some(why) = result.inconsistency() {
                return Err(Error::Merge(format!(
                    "the parts do not make a grid fundgap could have computed: {why}"
                )));
            }
            let delivery = Delivery {
                out_dir: out_dir(args, &format!("{}-stress", first.scenario_stem)),
                settings: merged_settings(args, lang, !args.no_html, first),
                quiet: args.quiet,
                started,
            };
            let output = StressOutput {
                result: &result,
                target: args.target,
                command: first.command.clone(),
            };
            let cells = super::stress::cells_done(&result, lang);
            let done = in_lang!(lang, "merged {cells}", "{cells} 병합");
            deliver(&output, &delivery, &done)?;
            Ok(())
        }
    }
}

/// Writes a merged run as `run` would have, recording the shards' threads
/// and seconds added up.
#[allow(clippy::too_many_arguments)]
fn merge_run(
    args: &MergeArgs,
    model: &Model,
    first: &PartHeader,
    acc: &Accumulator,
    lang: fundgap::model::Language,
    threads: usize,
    shard_seconds: f64,
    started: Instant,
) -> Result<()> {
    let report = Report::new(model, acc);
    let info = fundgap_report::files::RunInfo {
        scenario_file: first.scenario_label.clone(),
        overrides: first.overrides.clone(),
        threads,
        elapsed_seconds: shard_seconds + started.elapsed().as_secs_f64(),
        precision: None,
        budget_year: this_year(),
    };
    let delivery = Delivery {
        out_dir: out_dir(args, &first.scenario_stem),
        settings: merged_settings(args, lang, !args.no_html, first),
        quiet: args.quiet,
        started,
    };
    let output = RunOutput::new(model, &report, &info, lang, args.format.printed());
    let done = in_lang!(
        lang,
        "merged {} trials",
        "시행 {}회 병합",
        fundgap::format::thousands(report.trials as f64, 0)
    );
    deliver(&output, &delivery, &done)?;
    Ok(())
}

/// `--out`, else where the single run would have written.
fn out_dir(args: &MergeArgs, name: &str) -> PathBuf {
    super::common::out_dir(args.out.as_deref(), name)
}

/// How the merged results are written: as the single run's, recording the
/// command the shards ran.
fn merged_settings<'a>(
    args: &'a MergeArgs,
    lang: Language,
    html: bool,
    first: &PartHeader,
) -> Settings<'a> {
    Settings {
        made_by: made_by_command(first.command.clone()),
        ..settings(lang, !args.no_xlsx, html, &args.charts)
    }
}

/// Longest header read: the scenario text it embeds (at most
/// `MAX_SCENARIO_BYTES`), escaped as JSON, and the rest.
const HEADER_LIMIT: u64 = 8 * scenario::MAX_SCENARIO_BYTES;

/// A part's header, from its first two lines only. A part is a regular
/// file: a pipe or a device (which may never end, or never start) is
/// refused before it is opened.
fn read_header(path: &Path) -> Result<PartHeader> {
    use std::io::{BufRead, Read};
    let rerr = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(rerr)?;
    if !meta.is_file() {
        return Err(in_file(
            path,
            "not a regular file (a directory, pipe or device); a part is a file written by \
             `run --shard` or `stress --shard`",
        ));
    }
    let file = std::fs::File::open(path).map_err(rerr)?;
    let mut reader = std::io::BufReader::new(file.take(HEADER_LIMIT));
    let mut prefix = Vec::new();
    for _ in 0..2 {
        reader.read_until(b'\n', &mut prefix).map_err(rerr)?;
    }
    if prefix.len() as u64 >= HEADER_LIMIT {
        return Err(in_file(
            path,
            format!(
                "its header is longer than {} MiB: not a part fundgap wrote",
                HEADER_LIMIT >> 20
            ),
        ));
    }
    Ok(part::decode_header(&prefix)
        .map_err(|e| in_file(path, e))?
        .0)
}

/// A part read whole and checked (its checksum, and the header the first
/// pass checked: a part rewritten in between is refused, not mixed in),
/// and its aggregate decoded.
fn aggregate<T: serde::de::DeserializeOwned>(path: &Path, header: &PartHeader) -> Result<T> {
    let bytes = fundgap_report::input::read_bounded(path, PART_LIMIT, "partial aggregate")?;
    let (again, payload) = part::decode(&bytes).map_err(|e| in_file(path, e))?;
    if &again != header {
        return Err(in_file(path, "it changed while being merged"));
    }
    part::from_payload(payload).map_err(|e| in_file(path, e))
}

/// A problem with one part file, named.
fn in_file(path: &Path, problem: impl std::fmt::Display) -> Error {
    Error::Merge(format!("{}: {problem}", path.display()))
}

/// The confidence levels a run's parts were made with.
fn confidence_of(h: &PartHeader, path: &Path) -> Result<Vec<f64>> {
    let text = h
        .settings
        .iter()
        .find(|(k, _)| k == "confidence")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| in_file(path, "its header has no confidence levels"))?;
    text.split(',')
        .map(|l| {
            l.parse::<f64>()
                .ok()
                .filter(|x| *x > 0.0 && *x < 1.0)
                .ok_or_else(|| in_file(path, format!("confidence level `{l}` in its header")))
        })
        .collect()
}
