//! What `fundgap check` prints about where inputs come from: each
//! uncertain input and non-zero rate with its source or assumption, and a
//! warning for each that states neither (a warning, not an error: the
//! scenario still runs).

use std::fmt::Write;

use crate::lang::{Words, columns, pad};
use fundgap::model::{Model, Provenance};

/// Longest reason shown for an assumption; the file holds the rest.
const REASON_CHARS: usize = 60;

/// One input's provenance, compactly.
fn stated(p: &Provenance, w: Words) -> String {
    match p {
        Provenance::Source(keys) => format!("{} {}", w.t("source", "출처"), keys.join(", ")),
        Provenance::Assumption(reason) => {
            let mut short: String = reason.chars().take(REASON_CHARS).collect();
            if reason.chars().count() > REASON_CHARS {
                short.push('…');
            }
            format!("{}: {short}", w.t("assumption", "가정"))
        }
        Provenance::Unstated => w.t("unstated", "미기재").to_string(),
    }
}

/// The provenance section of `check`: a summary line, the stated inputs,
/// then one warning per input that states neither.
pub(super) fn describe(model: &Model, w: Words) -> String {
    let inputs = model.stated_inputs();
    let mut out = String::new();
    if inputs.is_empty() {
        return out;
    }
    let count = |f: fn(&Provenance) -> bool| inputs.iter().filter(|i| f(i.provenance)).count();
    let cited = count(|p| matches!(p, Provenance::Source(_)));
    let assumed = count(Provenance::is_assumption);
    let unstated = inputs.len() - cited - assumed;
    let (n, sources) = (inputs.len(), model.sources().len());
    let _ = writeln!(
        out,
        "  {}",
        match w.ko() {
            false => format!(
                "where inputs come from ({sources} sources in [sources]; {n} uncertain inputs and rates: {cited} cited, {assumed} assumed, {unstated} unstated):"
            ),
            true => format!(
                "입력값의 출처 ([sources]의 출처 {sources}개; 불확실한 입력과 발생률 {n}개: 출처 {cited}, 가정 {assumed}, 미기재 {unstated}):"
            ),
        }
    );
    let width = inputs.iter().map(|i| columns(&i.path)).max().unwrap_or(0);
    for i in inputs.iter().filter(|i| i.provenance.is_stated()) {
        let _ = writeln!(
            out,
            "    {}  {}",
            pad(&i.path, width, false),
            stated(i.provenance, w)
        );
    }
    for i in inputs.iter().filter(|i| !i.provenance.is_stated()) {
        let _ = writeln!(
            out,
            "  {} {} ({}): {}",
            w.t("warning:", "경고:"),
            i.path,
            i.value,
            w.t(
                "neither a source nor an assumption is stated",
                "출처도 가정도 밝히지 않음"
            )
        );
    }
    if unstated > 0 {
        let _ = writeln!(
            out,
            "  {}",
            w.t(
                "  (add `source = \"KEY\"`, a key of [sources], or `assumption = \"the reason\"` to the input's table or its distribution)",
                "  (입력의 표나 분포에 `source = \"KEY\"`([sources]의 키) 또는 `assumption = \"이유\"`를 적으세요)",
            )
        );
    }
    out
}
