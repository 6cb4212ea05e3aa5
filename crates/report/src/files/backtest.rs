//! The back-test's files: `backtest.csv` (one row per case, scored or
//! listed), `calibration.csv` and `backtest.md` (the cases, the score
//! against its references with their intervals, the calibration table,
//! the prior's sensitivity and the protocol's verdict). Its JSON is the
//! result serialised as it is.

use std::fmt::Write as _;

use fundgap::analysis::backtest::{Backtest, Case, Reference, Score};
use fundgap::format::{markdown_text, percent, percent_interval};
use fundgap::model::{Language, StopReason};

use crate::files::run::{finish_csv, num, text_cell};
use crate::lang::Words;

/// A stop's reason as the files write it.
fn reason(r: StopReason) -> &'static str {
    match r {
        StopReason::Budget => "budget",
        StopReason::Technical => "technical",
        StopReason::Contractual => "contractual",
        StopReason::Other => "other",
    }
}

/// `backtest.csv`: one row per case.
pub fn backtest_csv(b: &Backtest) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "service",
        "cluster",
        "forecast_date",
        "by",
        "stopped",
        "reason",
        "strength",
        "scored",
        "p_stopped",
        "p_stopped_lo",
        "p_stopped_hi",
        "p_stopped_se",
        "prior",
        "squared_error",
        "recorded",
        "source",
    ])?;
    let opt = |d: Option<String>| d.unwrap_or_default();
    for c in &b.score.cases {
        w.write_record([
            text_cell(&c.scenario),
            text_cell(&c.service),
            text_cell(&c.cluster),
            opt(c.forecast.map(|d| d.to_string())),
            c.by.to_string(),
            u8::from(c.stopped).to_string(),
            if c.stopped { reason(c.reason) } else { "" }.to_string(),
            format!("{:?}", c.strength),
            u8::from(c.is_scored(b.score.with_inferred)).to_string(),
            num(c.predicted.estimate),
            num(c.predicted.lo),
            num(c.predicted.hi),
            num(c.predicted.se),
            opt(c.prior.map(num)),
            num(c.squared_error()),
            opt(c.recorded.map(|d| d.to_string())),
            text_cell(&c.source),
        ])?;
    }
    finish_csv(w)
}

/// `calibration.csv`: the scored cases grouped by forecast.
pub fn calibration_csv(s: &Score) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["from", "to", "cases", "mean_forecast", "stop_rate"])?;
    for b in &s.calibration {
        w.write_record([
            num(b.from),
            num(b.to),
            b.cases.to_string(),
            b.mean_forecast.map(num).unwrap_or_default(),
            b.stop_rate.map(num).unwrap_or_default(),
        ])?;
    }
    finish_csv(w)
}

/// What happened to a case, in words.
fn outcome(w: Words, c: &Case) -> String {
    match (c.stopped, c.reason) {
        (false, _) => w.t("running", "운영 중").to_string(),
        (true, StopReason::Budget) => w.t("stopped (budget)", "중단 (예산)").to_string(),
        (true, StopReason::Technical) => w.t("stopped (technical)", "중단 (기술)").to_string(),
        (true, StopReason::Contractual) => w.t("stopped (contract)", "중단 (계약)").to_string(),
        (true, StopReason::Other) => w.t("stopped (other)", "중단 (기타)").to_string(),
    }
}

/// A reference's name, in words.
fn reference_name(w: Words, r: &Reference) -> &'static str {
    match r.name {
        "leave_one_cluster_out" => w.t(
            "the other clusters' stop rate (leave one cluster out)",
            "다른 군집의 중단 비율 (한 군집씩 제외)",
        ),
        "prior" => w.t("the prior alone", "사전확률만"),
        _ => w.t("50% for every case", "모든 사례에 50%"),
    }
}

/// The back-test as tables and a verdict, for the terminal and
/// `backtest.md`.
pub fn backtest_markdown(b: &Backtest, lang: Language) -> String {
    let w = Words(lang);
    let s = &b.score;
    let mut out = format!(
        "| {} |\n|---|---|---|---|---|---|---|---|\n",
        w.t(
            "case | cluster | by | what happened | strength | scored | P(stopped or shrunk by then) [95% CI] | squared error",
            "사례 | 군집 | 기준 연도 | 실제 결과 | 근거 강도 | 채점 | 그때까지 중단·축소 확률 [95% 신뢰구간] | 오차 제곱",
        )
    );
    for c in &s.cases {
        let _ = writeln!(
            out,
            "| {} / {} | {} | {} | {} | {:?} | {} | {} | {:.3} |",
            markdown_text(&c.scenario),
            markdown_text(&c.service),
            markdown_text(&c.cluster),
            c.by,
            outcome(w, c),
            c.strength,
            match (c.is_scored(s.with_inferred), c.is_scored(true)) {
                (true, _) => w.t("yes", "예"),
                (false, true) => w.t("with C", "C 포함 시"),
                (false, false) => w.t("listed", "목록만"),
            },
            percent_interval(c.predicted.estimate, c.predicted.lo, c.predicted.hi, 1),
            c.squared_error()
        );
    }
    let (n, k, stops) = (s.scored, s.clusters, s.stopped);
    let _ = match w.ko() {
        false => write!(
            out,
            "\nBrier score **{:.3}** (Monte Carlo se {:.4}) over {n} scored cases in {k} clusters \
             ({stops} stopped); {} on the right side of 50%.\n\n\
             | reference | its Brier score | model − reference [95% cluster bootstrap] |\n|---|---|---|\n",
            s.brier, s.brier_se, s.right
        ),
        true => write!(
            out,
            "\n채점 사례 {n}개 (군집 {k}개, 중단 {stops}개)의 Brier 점수 **{:.3}** (몬테카를로 표준오차 {:.4}); \
             {}개가 50%의 맞는 쪽.\n\n\
             | 기준 | 기준의 Brier 점수 | 모형 − 기준 [95% 군집 부트스트랩] |\n|---|---|---|\n",
            s.brier, s.brier_se, s.right
        ),
    };
    for r in &s.references {
        let _ = writeln!(
            out,
            "| {} | {:.3} | {:+.3} [{:+.3}, {:+.3}] |",
            reference_name(w, r),
            r.brier,
            r.difference,
            r.lo,
            r.hi
        );
    }
    if s.clusters < 10 {
        out.push_str(w.t(
            "\nWith fewer than ten clusters the bootstrap intervals are rough: few distinct resamples exist.\n",
            "\n군집이 10개 미만이라 부트스트랩 구간은 거침: 서로 다른 재표본이 적음.\n",
        ));
    }
    out.push_str(match s.shows_skill() {
        true => w.t(
            "\n**Evidence of skill**: the whole interval is below 0 against both the other clusters' stop rate and the prior alone.\n",
            "\n**예측력의 근거 있음**: 다른 군집의 중단 비율과 사전확률 모두에 대해 구간 전체가 0보다 작음.\n",
        ),
        false => w.t(
            "\n**No evidence of skill**: the protocol asks for the whole interval below 0 against both \
             the other clusters' stop rate and the prior alone, and it is not.\n",
            "\n**예측력의 근거 없음**: 프로토콜은 다른 군집의 중단 비율과 사전확률 모두에 대해 \
             구간 전체가 0보다 작을 것을 요구하나 그렇지 않음.\n",
        ),
    });
    out.push_str(w.t(
        "\n| forecast | cases | mean forecast | stopped |\n|---|---|---|---|\n",
        "\n| 예측 구간 | 사례 | 평균 예측 | 실제 중단 비율 |\n|---|---|---|---|\n",
    ));
    for bin in &s.calibration {
        let dash = || "—".to_string();
        let _ = writeln!(
            out,
            "| {}–{} | {} | {} | {} |",
            percent(bin.from, 0),
            percent(bin.to, 0),
            bin.cases,
            bin.mean_forecast.map_or_else(dash, |p| percent(p, 1)),
            bin.stop_rate.map_or_else(dash, |p| percent(p, 0)),
        );
    }
    // A difference and its interval, or a dash where there is none.
    let diff = |refs: &[Reference], name: &str| {
        refs.iter()
            .find(|r| r.name == name)
            .map_or("—".to_string(), |r| {
                format!("{:+.3} [{:+.3}, {:+.3}]", r.difference, r.lo, r.hi)
            })
    };
    if let Some(c) = &b.with_inferred {
        let (loo, prior) = (
            diff(&c.references, "leave_one_cluster_out"),
            diff(&c.references, "prior"),
        );
        let _ = match w.ko() {
            false => writeln!(
                out,
                "\nWith the inferred outcomes (strength C) too: {} cases in {} clusters, Brier {:.3}; \
                 against the other clusters' stop rate {loo}, against the prior alone {prior}.",
                c.scored, c.clusters, c.brier,
            ),
            true => writeln!(
                out,
                "\n추정 결과(근거 강도 C)까지 포함하면: 사례 {}개, 군집 {}개, Brier {:.3}; \
                 다른 군집의 중단 비율 대비 {loo}, 사전확률 대비 {prior}.",
                c.scored, c.clusters, c.brier,
            ),
        };
    }
    if !b.prior.is_empty() {
        out.push_str(w.t(
            "\n| every decision's chance of a stop | Brier score | against the other clusters' stop rate | against the prior alone |\n|---|---|---|---|\n",
            "\n| 모든 결정의 중단 확률 | Brier 점수 | 다른 군집의 중단 비율 대비 | 사전확률 대비 |\n|---|---|---|---|\n",
        ));
        for v in &b.prior {
            let _ = writeln!(
                out,
                "| {} | {:.3} | {} | {} |",
                percent(v.stop, 0),
                v.brier,
                diff(&v.references, "leave_one_cluster_out"),
                diff(&v.references, "prior"),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} {}",
        w.t("fundgap version", "fundgap 버전"),
        b.version
    );
    out
}
