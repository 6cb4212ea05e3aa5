//! `run --shard K/N` and `stress --shard K/N`: simulate one share of the
//! trials (or cells) and write it as a partial-aggregate file for
//! `fundgap merge` (the format is `fundgap::stats::part`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use fundgap::error::{Error, Result};
use fundgap::model::Language;
use fundgap::scenario::{self, Override};
use fundgap::stats::part::{self, PartHeader, PartKind, Shard};

use super::args::RunArgs;
use super::common::*;

/// Said when a shard is given options of the report it does not write.
pub(super) fn report_options_note(lang: Language) {
    say!(
        lang,
        "fundgap: note: a shard writes a part, not a report: \
         --lang, --format, --no-charts, --no-xlsx, --no-html, --font (and stress's --target) \
         take effect on the report when you pass them to `fundgap merge` (here --lang only \
         sets the language of these lines)",
        "fundgap: 참고: --shard 실행은 보고서가 아니라 부분 파일을 씁니다. \
         --lang, --format, --no-charts, --no-xlsx, --no-html, --font(stress의 --target도)는 \
         `fundgap merge`에 줄 때 보고서에 적용됩니다(여기서 --lang은 이 안내 문구의 언어만 정합니다)"
    );
}

/// What every part records about the run it belongs to.
pub(super) struct Job<'a> {
    pub kind: PartKind,
    pub text: &'a str,
    pub label: &'a str,
    pub stem: &'a str,
    pub set: &'a [Override],
    pub seed: u64,
    pub trials: u64,
    pub settings: Vec<(String, String)>,
}

impl Job<'_> {
    /// The header of shard `shard`, holding `range` of `0..total`.
    pub(super) fn header(
        &self,
        shard: Shard,
        range: std::ops::Range<u64>,
        total: u64,
        threads: usize,
        started: Instant,
    ) -> PartHeader {
        PartHeader {
            kind: self.kind,
            fundgap_version: part::VERSION.to_string(),
            scenario_label: self.label.to_string(),
            scenario_stem: self.stem.to_string(),
            scenario_sha256: part::sha256_hex(self.text.as_bytes()),
            scenario_text: self.text.to_string(),
            overrides: self.set.iter().map(|o| o.to_string()).collect(),
            seed: self.seed,
            trials: self.trials,
            settings: self.settings.clone(),
            command: command_line(),
            shard,
            start: range.start,
            end: range.end,
            total,
            threads,
            elapsed_seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// Where a part goes: `--out`, else `output/<name>.part-K-of-N`.
pub(super) fn part_path(out: Option<&Path>, name: &str, shard: Shard) -> PathBuf {
    out.map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new("output").join(format!("{name}.{}", shard.suffix())))
}

/// Encodes and writes a part whole (a temporary file renamed into place),
/// and says so in `lang` unless `quiet`.
pub(super) fn write_part(
    path: &Path,
    header: &PartHeader,
    payload: &[u8],
    quiet: bool,
    lang: Language,
) -> Result<()> {
    let bytes = part::encode(header, payload).map_err(|e| Error::Merge(e.to_string()))?;
    fundgap_report::staging::write_file(path, &bytes, part::MAGIC.as_bytes())?;
    if !quiet {
        let (shard, start, end, threads) = (header.shard, header.start, header.end, header.threads);
        let total = fundgap::format::thousands(header.total as f64, 0);
        let (seconds, size, parts) = (
            header.elapsed_seconds,
            size_words(bytes.len()),
            header.shard.count(),
        );
        let (units, path) = (header.kind.units(), path.display());
        let whole = counted_in_korean(header.kind, &total);
        say!(
            lang,
            "fundgap: shard {shard} ({units} {start}..{end} of {total}) in {seconds:.2} s on {threads} thread(s); \
             wrote {path} ({size}); merge all {parts} parts with `fundgap merge`",
            "fundgap: --shard {shard} (전체 {whole} 중 {start}..{end}) 완료 ({seconds:.2}초, 스레드 {threads}개); \
             {path}에 저장했습니다({size}). 부분 파일 {parts}개를 모두 `fundgap merge`로 합치십시오",
        );
    }
    Ok(())
}

/// `total` (written out) trials or cells, as a part of `kind` counts
/// them, in Korean: "시행 10,000회", "조건 12개".
pub(super) fn counted_in_korean(kind: PartKind, total: &str) -> String {
    match kind {
        PartKind::Run => format!("시행 {total}회"),
        PartKind::Stress => format!("조건 {total}개"),
    }
}

/// A byte count for people.
fn size_words(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KB", (b / 1024.0).ceil())
    }
}

/// `run --shard K/N`.
pub(super) fn run_part(args: &RunArgs, shard: Shard) -> Result<()> {
    let (text, label, stem) = load_text(args.scenario.as_deref())?;
    let mut model = scenario::parse_with(&text, &label, &args.changes.set)?;
    model.set_run(args.trials, args.changes.seed);
    model.set_confidence(&args.confidence);
    let quiet = args.common.run.quiet;
    let lang = super::args::Lang::or_scenario(args.lang, &model);
    let report_options = args.format != super::args::Format::Table
        || args.lang.is_some()
        || args.no_xlsx
        || args.no_html
        || args.common.charts.no_charts
        || args.common.charts.font.is_some();
    if report_options && !quiet {
        report_options_note(lang);
    }
    let path = part_path(args.out.as_deref(), &stem, shard);
    fundgap_report::staging::check_part(&path, part::MAGIC.as_bytes())?;
    let range = shard.range(model.trials());
    if !quiet {
        say!(
            lang,
            "fundgap: simulating shard {shard} of {label}: trials {}..{} of {}",
            "fundgap: 시뮬레이션 중 — {label}의 --shard {shard}: 전체 시행 {2}회 중 {0}..{1}",
            range.start,
            range.end,
            fundgap::format::thousands(model.trials() as f64, 0)
        );
    }
    let started = Instant::now();
    let (acc, threads) = simulate_range(&model, &args.common.run, lang, &stem, range.clone())?;
    let job = Job {
        kind: PartKind::Run,
        text: &text,
        label: &label,
        stem: &stem,
        set: &args.changes.set,
        seed: model.seed(),
        trials: model.trials(),
        settings: vec![("confidence".into(), confidence_setting(&args.confidence))],
    };
    let header = job.header(shard, range, model.trials(), threads, started);
    let payload = part::to_payload(&acc).map_err(|e| Error::Merge(e.to_string()))?;
    write_part(&path, &header, &payload, quiet, lang)
}

/// The confidence levels as a part records them (`0.8,0.9`): Rust prints
/// the shortest text that reads back as the same double.
pub(super) fn confidence_setting(levels: &[f64]) -> String {
    levels
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(",")
}
