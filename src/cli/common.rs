//! What every command shares: loading a scenario with its overrides,
//! threads, the progress bar, Ctrl-C, and staging CSV files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{Changes, ChartOpts, RunOpts};
use fundgap::error::{Error, Result};
use fundgap::model::Language;
use fundgap::model::Model;
use fundgap::scenario::Override;
use fundgap::scenario::{self, BUILTIN_BASELINE_NAME};
use fundgap_report::output::{Output, Settings};
use fundgap_report::staging;

/// A scenario as loaded for a command.
pub struct Loaded {
    pub model: Model,
    /// How the user named it (path or built-in label).
    pub label: String,
    /// File stem, used for the default output directory.
    pub stem: String,
}

/// A scenario's text, how to name it, and its file stem.
pub(super) fn load_text(path: Option<&Path>) -> Result<(String, String, String)> {
    let default_path = Path::new("scenarios").join(BUILTIN_BASELINE_NAME);
    let path = match path {
        Some(p) => Some(p.to_path_buf()),
        None if default_path.is_file() => Some(default_path),
        None => None,
    };
    fundgap_report::input::load_scenario(path.as_deref())
}

/// Puts the chosen `--variant`'s changes in front of the `--set`
/// overrides, so that every command reads (and records) one list.
/// Without one, says (unless `quiet`) that a file's variants are left
/// aside: the scenario as written is what runs.
pub(super) fn resolve_variant(
    changes: &mut Changes,
    scenario: Option<&std::path::Path>,
    (quiet, lang): (bool, Option<super::Lang>),
) -> Result<()> {
    let (text, label, _) = load_text(scenario)?;
    let Some(name) = changes.variant.take() else {
        let n = fundgap::scenario::variant_names(&text).len();
        if n > 0 && !quiet {
            let lang = lang
                .map(super::Lang::language)
                .unwrap_or_else(|| fundgap::scenario::told_in(&text));
            say!(
                lang,
                "fundgap: {label} has {n} [[variant]]s, left aside: this is the scenario as written (--variant NAME runs one; `fundgap compare` weighs them all)",
                "fundgap: {label}의 [[variant]] {n}개는 적용하지 않고 시나리오를 쓰인 그대로 실행합니다 (--variant 이름으로 하나를 실행; `fundgap compare`는 모두 비교)"
            );
        }
        return Ok(());
    };
    let mut set = fundgap::scenario::variant_overrides(&text, &label, &name)?;
    set.append(&mut changes.set);
    changes.set = set;
    Ok(())
}

/// A service as `--service` names it: its id, or the name the reports
/// show (`"스마트 주차"`), as `--stream` takes a stream's name. Anything
/// else is passed on as given, for the library to refuse with the ids.
pub(super) fn service_id(model: &Model, given: Option<&str>) -> Option<String> {
    let given = given?;
    let named = model
        .services()
        .iter()
        .find(|s| s.id != given && s.name == given.trim());
    Some(named.map_or_else(|| given.to_string(), |s| s.id.clone()))
}

/// Loads the named scenario, or the default one, with overrides applied.
pub(super) fn load(path: Option<&Path>, overrides: &[Override]) -> Result<Loaded> {
    let (text, label, stem) = load_text(path)?;
    let model = scenario::parse_with(&text, &label, overrides)?;
    Ok(Loaded { model, label, stem })
}

/// [`load`], then the `--trials` and `--seed` overrides.
pub(super) fn load_run(
    path: Option<&Path>,
    overrides: &[Override],
    trials: Option<u64>,
    seed: Option<u64>,
) -> Result<Loaded> {
    let mut loaded = load(path, overrides)?;
    loaded.model.set_run(trials, seed);
    Ok(loaded)
}

/// What a report records of how a run was made.
pub(super) fn run_info(
    scenario_file: String,
    set: &[Override],
    threads: usize,
    started: std::time::Instant,
) -> fundgap_report::files::RunInfo {
    fundgap_report::files::RunInfo {
        scenario_file,
        overrides: set.iter().map(|o| o.to_string()).collect(),
        threads,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        precision: None,
        budget_year: fundgap_report::files::info::this_year(),
    }
}

/// The output folder: `--out`, else `output/<name>`.
pub(super) fn out_dir(out: Option<&Path>, name: &str) -> PathBuf {
    out.map_or_else(|| Path::new("output").join(name), Path::to_path_buf)
}

/// How a command's results are written, from its options.
pub(super) struct Delivery<'a> {
    pub out_dir: PathBuf,
    pub settings: Settings<'a>,
    pub quiet: bool,
    pub started: Instant,
}

/// How results are written, from a command's options: `xlsx` and `html`
/// say whether to write the workbook and the page (for results that have
/// them); the workbook records the command line as typed.
pub(super) fn settings(lang: Language, xlsx: bool, html: bool, charts: &ChartOpts) -> Settings<'_> {
    Settings {
        lang,
        workbook: xlsx,
        html,
        charts: !charts.no_charts,
        font: charts.font.as_deref(),
        made_by: made_by(),
    }
}

/// Every command's last step: writes `output` into the output folder as
/// a unit, prints its table on standard output, then (unless quiet) says
/// in the report's language what was done (`done`, e.g. "10,000 trials on
/// 2 thread(s)" or "스레드 2개로 시행 10,000회"), in how long, and every
/// file written where. Returns the paths written.
pub(super) fn deliver(output: &dyn Output, d: &Delivery, done: &str) -> Result<Vec<PathBuf>> {
    let written = fundgap_report::output::write(output, &d.out_dir, &d.settings)?;
    emit(&output.printed(d.settings.lang)?)?;
    if !d.quiet {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .collect();
        let (seconds, dir, n) = (
            d.started.elapsed().as_secs_f64(),
            d.out_dir.display(),
            names.len(),
        );
        let names = names.join(", ");
        say!(
            d.settings.lang,
            "fundgap: {done} in {seconds:.2} s; wrote {names} to {dir}",
            "fundgap: {done} 완료 ({seconds:.2}초); {dir}에 파일 {n}개를 저장했습니다: {names}",
        );
    }
    Ok(written)
}

pub(super) fn made_by() -> Vec<(&'static str, String)> {
    made_by_command(command_line())
}

/// The command line as typed, without what does not change a result: where
/// it was written (`--out`), how it ran (`--threads`, `--quiet`, `--long`)
/// and which shard a process was (`--shard`), so the same analysis gives
/// the same workbook wherever and however it ran, sharded or not.
pub(super) fn command_line() -> String {
    let quote = |a: String| {
        if a.contains([' ', '"', '\'', '*']) {
            format!("{a:?}")
        } else {
            a
        }
    };
    const WITH_VALUE: &[&str] = &["--out", "--threads", "--shard"];
    const ALONE: &[&str] = &["-q", "--quiet", "--long"];
    let mut kept = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if WITH_VALUE.contains(&a.as_str()) {
            args.next();
        } else if !ALONE.contains(&a.as_str())
            && !WITH_VALUE.iter().any(|f| a.starts_with(&format!("{f}=")))
        {
            kept.push(quote(a));
        }
    }
    // "fundgap" rather than argv[0]: the path a binary was started by
    // says nothing about the analysis and would make two identical
    // analyses' workbooks differ.
    std::iter::once("fundgap".to_string())
        .chain(kept)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an analysis's workbook records of how it was made: the fundgap
/// version and `command` (see [`command_line`]).
pub(super) fn made_by_command(command: String) -> Vec<(&'static str, String)> {
    vec![
        ("fundgap version", env!("CARGO_PKG_VERSION").to_string()),
        ("command", command),
    ]
}

/// Whether the work in hand stops on the Ctrl-C flag (the engine's runs
/// and the analyses', every write of a staging directory); before any
/// such work has begun, Ctrl-C ends the process at once.
static COOPERATIVE: AtomicBool = AtomicBool::new(false);

/// Installs the one Ctrl-C handler, for every command. It sets the flag
/// (`staging::interrupt_flag`); where nothing watches it — no staging
/// directory exists and no run or analysis that watches it has begun — it
/// ends the process at once, having nothing to undo. A second Ctrl-C ends the
/// process whatever it is doing, removing its staging directories first.
/// Either way nothing is replaced: the previous results stay as they were.
pub(super) fn install_interrupt_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // Without a handler (e.g. no signal support) Ctrl-C simply ends the
        // process, which also leaves no partial results in place.
        let _ = ctrlc::set_handler(|| {
            let flag = staging::interrupt_flag();
            let again = flag.swap(true, Ordering::SeqCst);
            // Waits for a swap in progress to finish.
            let (live, committed) = staging::state();
            if committed {
                // Too late to leave the previous results: say so truly
                // (and leave no other staging behind).
                staging::abandon_all();
                status!("\nfundgap: interrupted after the new results were put in place");
                std::process::exit(1);
            }
            if !again && (COOPERATIVE.load(Ordering::SeqCst) || live) {
                return;
            }
            staging::abandon_all();
            status!("\nerror: {}", Error::Interrupted);
            std::process::exit(1);
        });
    });
}

/// The Ctrl-C flag, watched by the work that follows: the engine stops at
/// the next block of trials and the command returns
/// [`Error::Interrupted`] before anything replaces the previous results.
pub(super) fn interrupt_flag() -> &'static AtomicBool {
    COOPERATIVE.store(true, Ordering::SeqCst);
    staging::interrupt_flag()
}

/// Most worker threads per core: beyond a few, more threads only add
/// switching, and tens of thousands meet the system's limits (65,535
/// threads ran for minutes, then aborted).
const MAX_THREADS_PER_CORE: usize = 4;

/// The cores this process may run on.
pub(super) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Most worker threads started: [`MAX_THREADS_PER_CORE`] per core.
fn thread_cap() -> usize {
    MAX_THREADS_PER_CORE * cores()
}

/// The worker threads to start for `--threads` (or RAYON_NUM_THREADS, or
/// one per core): at most [`MAX_THREADS_PER_CORE`] per core, saying so in
/// `say`'s language (None: silently) when it caps; results never depend
/// on the count.
pub(super) fn thread_count(requested: Option<u16>, say: Option<Language>) -> usize {
    let cap = thread_cap();
    let wanted = requested.map_or_else(rayon::current_num_threads, usize::from);
    if wanted <= cap {
        return wanted;
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    if let Some(lang) = say {
        SAID.call_once(|| {
            say!(
                lang,
                "fundgap: note: {wanted} threads asked for; using {cap} ({MAX_THREADS_PER_CORE} per core \
                 on this machine's {}): more only slow the run, and results do not depend on it",
                "fundgap: 참고: 스레드 {wanted}개를 요청했지만 {cap}개만 씁니다(이 컴퓨터의 코어 {}개에 \
                 코어당 {MAX_THREADS_PER_CORE}개). 더 늘리면 느려지기만 하고, 결과는 스레드 수와 무관합니다",
                cores()
            )
        });
    }
    cap
}

/// Sizes rayon's global pool once, before anything uses it: one worker
/// per core, or RAYON_NUM_THREADS capped as `--threads` is (rayon would
/// otherwise start as many as that variable says).
pub(super) fn init_global_pool() {
    let cap = thread_cap();
    let wanted = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0);
    let n = wanted.unwrap_or_else(cores).min(cap);
    if wanted.is_some_and(|w| w > cap) {
        status!(
            "fundgap: note: RAYON_NUM_THREADS={} asks for more threads than {MAX_THREADS_PER_CORE} per core; using {n}",
            wanted.unwrap_or_default()
        );
    }
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global();
}

/// The threads that run at once: the workers, but no more than the cores.
pub(super) fn parallelism(requested: Option<u16>) -> usize {
    thread_count(requested, None).min(cores())
}

/// Runs `f` on a pool of [`thread_count`] workers (the global pool when
/// that is its size), any note about them in `lang`; returns its result
/// and the worker count.
pub(super) fn with_threads<T: Send>(
    opts: &RunOpts,
    lang: Language,
    f: impl FnOnce() -> T + Send,
) -> Result<(T, usize)> {
    let n = thread_count(opts.threads, (!opts.quiet).then_some(lang));
    if opts.threads.is_none() && n == rayon::current_num_threads() {
        return Ok((f(), n));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {n} threads: {e}")))?;
    Ok((pool.install(f), n))
}

/// Writes `text` to standard output, control characters escaped (names
/// come from scenario files). A reader that went away (`| head`)
/// ends the output quietly, as Unix tools do; any other failure (a full
/// disk behind a redirection) is an error naming standard output, exit 1.
pub(super) fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let text = fundgap::format::terminal_safe(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Write {
            path: Path::new("<standard output>").to_path_buf(),
            source,
        }),
    }
}

/// Time per service-year per thread used for estimates, which grows with
/// the portfolio once a trial's rows and the aggregates outgrow the
/// caches (docs/performance-history.md, "Shards and a national portfolio"): ~100-120 ns
/// on one core for bench-district's 240 service-years, 270-320 ns for
/// 60,000. 150 ns up to 1,000 service-years, 400 ns from 30,000,
/// geometric in between: rounded up so an estimate errs long.
pub(super) fn ns_per_service_year(model: &Model) -> f64 {
    let (small, large) = (1_000.0f64, 30_000.0f64);
    let sy = ((model.services().len() * model.horizon()) as f64).clamp(small, large);
    150.0 * (400.0f64 / 150.0).powf((sy / small).ln() / (large / small).ln())
}

/// Longest run started without `--long`.
const LONGEST_UNASKED_SECONDS: f64 = 2.0 * 3600.0;

/// Estimated seconds for `trials` trials of `model` on `threads` threads
/// running at once (no more than the cores: see [`parallelism`]).
pub(super) fn estimated_seconds(model: &Model, trials: u64, threads: usize) -> f64 {
    let service_years = (model.services().len() * model.horizon()) as f64;
    trials as f64 * service_years * ns_per_service_year(model) * 1e-9 / threads.max(1) as f64
}

/// Upper bound of a run's memory in MB: a base of ~7 MB plus, per worker,
/// ~24 KB per entity-year (the quantile sketches and a trial's rows;
/// measured on bench-district, docs/performance-history.md; 2.0 GB measured against
/// 2.9 GB estimated for 2,004 services x 30 years on two threads). It
/// levels off as the sketches have met every magnitude, whatever the
/// number of trials.
pub(super) fn memory_bound_mb(model: &Model, threads: usize) -> f64 {
    let entity_years = ((model.services().len() + 1) * model.horizon()) as f64;
    7.0 + 0.024 * entity_years * threads.max(1) as f64
}

/// A duration in words: "40 s", "12 min", "3.4 hours", "5.2 days".
pub(super) fn duration_words(seconds: f64) -> String {
    fundgap::format::duration(seconds, false)
}

/// Refuses `trials` trials of `model` (a stress grid's cells together)
/// when estimated over two hours, unless `--long` insists, saying how long
/// they would take.
pub(super) fn refuse_absurd_runs(model: &Model, trials: u64, opts: &RunOpts) -> Result<()> {
    let threads = parallelism(opts.threads);
    let secs = estimated_seconds(model, trials, threads);
    if secs <= LONGEST_UNASKED_SECONDS || opts.long {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} trials of {} services x {} years would take about {} on {threads} thread(s) \
         (at ~{:.0} ns per service-year); 100,000 trials already give \
         every probability to within ±0.3 points. Use fewer trials, split the run into shards \
         on several machines (--shard K/N, then fundgap merge; see deploy/), or add --long \
         to run anyway",
        fundgap::format::thousands(trials as f64, 0),
        model.services().len(),
        model.horizon(),
        duration_words(secs),
        ns_per_service_year(model),
    )))
}

/// Runs every trial of `model` with a progress bar (labelled `message`)
/// on `opts.threads` threads, stopping on Ctrl-C; returns the checked
/// aggregates and the thread count. Notes are in `lang`.
pub(super) fn simulate(
    model: &Model,
    opts: &RunOpts,
    lang: Language,
    message: &str,
) -> Result<(fundgap::stats::Accumulator, usize)> {
    simulate_range(model, opts, lang, message, 0..model.trials())
}

/// [`simulate`] of trials `range` only: a shard's share of the run.
pub(super) fn simulate_range(
    model: &Model,
    opts: &RunOpts,
    lang: Language,
    message: &str,
    range: std::ops::Range<u64>,
) -> Result<(fundgap::stats::Accumulator, usize)> {
    let n = range.end - range.start;
    refuse_absurd_runs(model, n, opts)?;
    let pb = progress_bar(n, opts.quiet);
    pb.set_message(message.to_string());
    let cancel = interrupt_flag();
    let engine = fundgap::engine::Engine::new(model);
    let (acc, threads) = with_threads(opts, lang, || {
        fundgap::stats::run_range(&engine, range.start, range.end, &|n| pb.inc(n), cancel)
    })?;
    pb.finish_and_clear();
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    acc.check(model)?;
    Ok((acc, threads))
}

/// Runs `model` in blocks until `precision` is met (or its trial cap),
/// saying after each block, in `lang`, how far it is; returns the
/// aggregates, the threads used and how it ended. The trial count of
/// `model` is the first block.
pub(super) fn simulate_to_precision(
    model: &Model,
    opts: &RunOpts,
    lang: Language,
    precision: &fundgap::stats::precision::Precision,
) -> Result<(
    fundgap::stats::Accumulator,
    usize,
    fundgap::stats::precision::Stopped,
)> {
    // The worst case: a precision run may go on to its cap.
    refuse_absurd_runs(model, precision.max_trials.max(precision.first), opts)?;
    let pb = progress_bar(precision.first, opts.quiet);
    pb.set_message("to precision");
    let cancel = interrupt_flag();
    let engine = fundgap::engine::Engine::new(model);
    let quiet = opts.quiet;
    let said = |n: u64, w: &fundgap::stats::precision::Worst, next: Option<u64>| {
        if let Some(next) = next {
            pb.set_length(next);
        }
        if quiet {
            return;
        }
        let shown = |x: f64| {
            if w.relative() {
                fundgap::format::percent(x, 2)
            } else {
                in_lang!(lang, "{:.2} pts", "{:.2}%p", x * 100.0)
            }
        };
        let then = match next {
            Some(next) => in_lang!(
                lang,
                "; going on to {}",
                "; 시행 {}회까지 계속합니다",
                fundgap::format::thousands(next as f64, 0)
            ),
            None => String::new(),
        };
        pb.suspend(|| {
            say!(
                lang,
                "fundgap: {} trials: widest 95% half-width {} (target {}), {}{then}",
                "fundgap: 시행 {}회: 가장 넓은 95% 구간 ±{} (목표 ±{}), {}{then}",
                fundgap::format::thousands(n as f64, 0),
                shown(w.half_width),
                shown(w.target),
                worst_figure(w, lang)
            )
        });
    };
    let ((acc, stopped), threads) = with_threads(opts, lang, || {
        fundgap::stats::precision::run_to_precision(
            &engine,
            precision,
            &|n| pb.inc(n),
            &said,
            cancel,
        )
    })?;
    pb.finish_and_clear();
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    acc.check(model)?;
    Ok((acc, threads, stopped))
}

/// A progress bar on stderr, hidden when stderr is not a terminal or when
/// asked to be quiet.
pub(super) fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    progress_bar_of(total, quiet, "trials")
}

/// [`progress_bar`] counting `unit` (e.g. "parts").
pub(super) fn progress_bar_of(total: u64, quiet: bool, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{spinner}} {{msg}} [{{bar:40}}] {{human_pos}}/{{human_len}} {unit}, {{per_sec}}, eta {{eta}}"
    )) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb
}

/// The least precise figure of a precision run as `lang` names it: in
/// Korean by its column's Korean heading ("fine-dust의 2032년 부족 확률"),
/// in English (or for a part written before figures were named) as the
/// library wrote it.
pub(super) fn worst_figure(w: &fundgap::stats::precision::Worst, lang: Language) -> String {
    if lang == Language::En || w.figure.is_empty() {
        return w.what.clone();
    }
    let label = fundgap_report::columns::column(&w.figure, fundgap_report::lang::Words(lang)).label;
    match w.year {
        Some(y) => format!("{}의 {y}년 {label}", w.entity),
        None => format!("{}의 {label}", w.entity),
    }
}
