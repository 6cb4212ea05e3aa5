//! `fundgap check`: validate and describe without simulating.

use fundgap::error::Result;
use fundgap::scenario;
use fundgap_report::check as describe;

use super::args::*;
use super::common::*;

/// Trials of the run whose means `check` reconciles programmes against:
/// enough for means within about 1% on the shipped scenarios, in well
/// under a second.
const RECONCILE_TRIALS: u64 = 4_000;

pub(super) fn check(args: &CheckArgs) -> Result<()> {
    let (text, label, _) = load_text(Some(&args.scenario))?;
    let model = scenario::parse_with(&text, &label, &args.set)?;
    let lang = Lang::or_scenario(args.lang, &model);
    let w = fundgap_report::lang::Words(lang);
    // Every [[variant]] must itself make a valid scenario, as `compare`
    // will require: a bad path, value or combination is reported here.
    let variants = if model.variants().is_empty() {
        String::new()
    } else {
        let n = scenario::variant_models(&text, &label, &args.set)?.len();
        match w.ko() {
            false => format!("  {n} variants, each a valid scenario\n"),
            true => format!("  대안([[variant]]) {n}개, 모두 유효한 시나리오\n"),
        }
    };
    // Say what was changed, so a description is never mistaken for the
    // file's own.
    let overridden = if args.set.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = args.set.iter().map(|o| o.to_string()).collect();
        format!(
            "  {} {}\n",
            w.t("with --set applied:", "--set 적용:"),
            list.join(", ")
        )
    };
    let threads = parallelism(None);
    let trials = fundgap::format::thousands(model.trials() as f64, 0);
    let time = duration_words(estimated_seconds(&model, model.trials(), threads));
    let time = match w.ko() {
        false => time,
        true => time
            .replace("under 1 s", "1초 미만")
            .replace(" hours", "시간")
            .replace(" days", "일")
            .replace(" min", "분")
            .replace(" s", "초"),
    };
    let mb = memory_bound_mb(&model, threads);
    let ns = ns_per_service_year(&model);
    let kernels = fundgap::kernels::instruction_set();
    // "under a second" is no estimate to be about.
    let time = match time.as_str() {
        "under 1 s" | "1초 미만" => time,
        _ => format!("{} {time}", w.t("about", "약")),
    };
    let estimate = match w.ko() {
        false => format!(
            "  a run of {trials} trials: {time} on {threads} thread(s) (~{ns:.0} ns per service-year), memory up to about {mb:.0} MB whatever the trial count\n  random draws on this CPU: {kernels} kernels (FUNDGAP_SIMD=portable forces the baseline; results are the same bits)\n"
        ),
        true => format!(
            "  시행 {trials}회 실행: 스레드 {threads}개로 {time} (서비스-연도당 ~{ns:.0} ns), 메모리는 시행 수와 무관하게 최대 약 {mb:.0} MB\n  이 CPU의 난수 커널: {kernels} (FUNDGAP_SIMD=portable이면 기본 경로; 결과는 비트 단위로 같음)\n"
        ),
    };
    // A short run gives the means a programme's stated totals are
    // reconciled against.
    let programmes = if model.programmes().is_empty() {
        String::new()
    } else {
        let mut quick = model.clone();
        quick.set_run(Some(RECONCILE_TRIALS), None);
        let engine = fundgap::engine::Engine::new(&quick);
        let acc = fundgap::stats::run_all(&engine);
        acc.check(&quick)?;
        let report = fundgap::stats::Report::new(&quick, &acc);
        let recs = fundgap::analysis::reconcile::reconcile(&quick, &report);
        describe::programmes(&quick, &recs, RECONCILE_TRIALS, w)
    };
    emit(
        &(describe::describe(&model, &label, lang)
            + &programmes
            + &overridden
            + &variants
            + &estimate),
    )?;
    Ok(())
}
