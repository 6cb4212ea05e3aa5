//! What `fundgap check` says about a scenario against the programmes that
//! paid for it: each `[[programme]]`'s stated totals beside the scenario's
//! expected construction, costs and national money in its years, and a
//! warning where the scenario spends more than the programme had.

use std::fmt::Write;

use fundgap::analysis::reconcile::{Reconciliation, TOLERANCE};
use fundgap::format::{percent, thousands};
use fundgap::model::Model;

use crate::lang::Words;

/// The reconciliation lines, in the scenario's own money (nothing without
/// programmes); `trials` is the size of the run the means come from.
pub fn programmes(model: &Model, recs: &[Reconciliation<'_>], trials: u64, w: Words) -> String {
    let mut out = String::new();
    let n = |x: f64| thousands(x, 0);
    for r in recs {
        let p = r.programme;
        let years = format!("{}–{}", model.year(p.from), model.year(p.to));
        let (total, build, ops) = (n(r.total()), n(r.construction), n(r.operations));
        let _ = writeln!(
            out,
            "  {}",
            match w.ko() {
                false => format!(
                    "programme \"{}\" {years}: stated total {}; the scenario's mean {total} (construction {build} + costs in those years {ops}; {} trials) (source: {})",
                    p.name,
                    n(p.total),
                    thousands(trials as f64, 0),
                    p.source
                ),
                true => format!(
                    "사업 \"{}\" {years}: 사업비 총액 {}; 시나리오 평균 {total} (건설비 {build} + 해당 연도 비용 {ops}; 시행 {}회) (근거: {})",
                    p.name,
                    n(p.total),
                    thousands(trials as f64, 0),
                    p.source
                ),
            }
        );
        if let Some(national) = p.national {
            let _ = writeln!(
                out,
                "    {}",
                match w.ko() {
                    false => format!(
                        "national money: stated {}; the scenario's mean {}",
                        n(national),
                        n(r.national)
                    ),
                    true => format!(
                        "국비: 사업 문서 {}; 시나리오 평균 {}",
                        n(national),
                        n(r.national)
                    ),
                }
            );
        }
        let tol = percent(TOLERANCE, 0);
        if r.over_total() {
            let _ = writeln!(
                out,
                "  {}",
                match w.ko() {
                    false => format!(
                        "warning: the scenario spends more than programme \"{}\" had (over {tol} above its stated total): check the construction costs and the costs of {years}",
                        p.name
                    ),
                    true => format!(
                        "경고: 시나리오가 사업 \"{}\"의 사업비 총액보다 {tol} 넘게 많이 씁니다: 건설비와 {years} 비용을 확인하세요",
                        p.name
                    ),
                }
            );
        }
        if r.over_national() {
            let _ = writeln!(
                out,
                "  {}",
                match w.ko() {
                    false => format!(
                        "warning: the scenario uses more national money than programme \"{}\" granted (over {tol} above it): check construction_grant_share and the grants of {years}",
                        p.name
                    ),
                    true => format!(
                        "경고: 시나리오의 국비가 사업 \"{}\"의 국비보다 {tol} 넘게 많습니다: construction_grant_share와 {years} 보조금을 확인하세요",
                        p.name
                    ),
                }
            );
        }
    }
    out
}
