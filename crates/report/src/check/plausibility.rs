//! What `fundgap check` prints about figures that look like a slip: an
//! opex ratio written as a percentage, an amount in the wrong unit (see
//! [`fundgap::analysis::plausibility`]). Warnings: the scenario still runs.

use std::fmt::Write;

use fundgap::analysis::plausibility::{Concern, warnings};
use fundgap::format::thousands;
use fundgap::model::Model;

use crate::lang::Words;

/// A fee above this many won a user a year is not a fee a city charges
/// (a monthly pass of 10만 원 comes to 120만): where users x price is far
/// above the cost and the price is above it, the price is the slip.
const FEE_WON_MAX: f64 = 1e7;

/// The plausibility warnings of `check`, one line each (empty when none);
/// the template's sample plan texts only `with_plan` (they matter to the
/// scorecard, not to a run's figures).
pub(super) fn describe(model: &Model, w: Words, with_plan: bool) -> String {
    let unit = match w.ko() {
        true => fundgap::format::korean_unit(model.currency(), model.unit())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", model.currency(), model.unit())),
        false => format!("{} {}", model.currency(), model.unit()),
    };
    let won = fundgap::format::won_per_unit(model.currency(), model.unit());
    let mut out = String::new();
    for warning in warnings(model) {
        if !with_plan && warning.kind == Concern::TemplateText {
            continue;
        }
        let what = match (warning.kind, w.ko()) {
            (Concern::TemplateText, false) => "still the sample text `fundgap init` wrote: `evaluate` rates it as not stated until it says what this service's plan is".to_string(),
            (Concern::TemplateText, true) => "`fundgap init`이 쓴 예시 문구 그대로입니다: 이 서비스의 실제 계획으로 바꾸기 전에는 `evaluate`가 밝히지 않은 것으로 평가합니다".to_string(),
            (Concern::OpexRatio { ratio }, false) => format!(
                "opex ratio {ratio}: running it would cost {ratio} times its construction a year; \
                 a share is a fraction (the U-City evaluation found about 0.15): did you mean {}?",
                ratio / 100.0
            ),
            (Concern::OpexRatio { ratio }, true) => format!(
                "운영비 비율 {ratio}: 해마다 건설비의 {ratio}배가 든다는 뜻; 비율은 소수로 씁니다 \
                 (U-City 평가는 약 0.15): {}의 뜻이었나요?",
                ratio / 100.0
            ),
            (Concern::RenewalShare { share }, ko) => {
                let times = thousands(share, 2);
                // From 2 up, a percentage written for a share is likelier
                // than a renewal at twice the build.
                match (ko, share >= 2.0) {
                    (false, true) => format!(
                        "each renewal would cost {times} times the construction; a share is a fraction: did you mean {}?",
                        share / 100.0
                    ),
                    (false, false) => format!(
                        "each renewal would cost {times} times the construction: right for one that also upgrades, else a slip"
                    ),
                    (true, true) => format!(
                        "교체 1회에 건설비의 {times}배가 든다는 뜻; 비율은 소수로 씁니다: {}의 뜻이었나요?",
                        share / 100.0
                    ),
                    (true, false) => format!(
                        "교체 1회에 건설비의 {times}배가 든다는 뜻: 고도화를 겸한 교체라면 맞고, 아니면 입력 실수입니다"
                    ),
                }
            }
            (
                Concern::ReserveFund {
                    fund,
                    general_account,
                },
                ko,
            ) => {
                let share = fundgap::format::percent(fund / general_account, 2);
                let (fund, general) = (figure(fund), figure(general_account));
                match ko {
                    false => format!(
                        "a reserve fund of {fund} a year is {share} of the general account ({general}); the general reserve fund (일반예비비, beside any 재해·재난 목적예비비) may be at most 1% of it (지방재정법 제43조①), and these services draw on a part"
                    ),
                    true => format!(
                        "연 {fund}의 예비비는 일반회계({general})의 {share}입니다. 일반예비비는 (재해·재난 목적예비비를 빼고) 일반회계의 1% 이내여야 하며(지방재정법 제43조①), 이 서비스들은 그 일부를 씁니다"
                    ),
                }
            }
            (Concern::MatchShare { share }, ko) => {
                let rate = fundgap::format::percent(1.0 / (1.0 + share), 1);
                // Written as the city's percentage of the cost, the ratio is
                // that share over the grant's.
                let meant = (share < 100.0).then(|| {
                    let city = share / 100.0;
                    thousands(city / (1.0 - city), 2)
                });
                match (ko, meant) {
                    (false, Some(m)) => format!(
                        "match share {share}: the city would pay {share} won for each won of the grant (a grant rate of {rate}); the ratio is local over grant money (1.0 for the usual 1:1 match): for a city share of {share}% of the cost, match_share = {m}"
                    ),
                    (false, None) => format!(
                        "match share {share}: the city would pay {share} won for each won of the grant (a grant rate of {rate}); the ratio is local over grant money (1.0 for the usual 1:1 match)"
                    ),
                    (true, Some(m)) => format!(
                        "매칭 비율 {share}: 보조금 1원마다 시가 {share}원을 부담한다는 뜻(보조율 {rate}); 이 값은 지방비/보조금 비율입니다(흔한 1:1 대응은 1.0). 사업비의 {share}%를 시가 부담한다면 match_share = {m}"
                    ),
                    (true, None) => format!(
                        "매칭 비율 {share}: 보조금 1원마다 시가 {share}원을 부담한다는 뜻(보조율 {rate}); 이 값은 지방비/보조금 비율입니다(흔한 1:1 대응은 1.0)"
                    ),
                }
            }
            (
                Concern::Scale {
                    amount,
                    planned,
                    times,
                    price: Some(price),
                },
                ko,
            ) if times > 1.0
                && won.is_some_and(|won| won > 1.0 && price * won > FEE_WON_MAX) =>
            {
                // A price in won typed into a file of larger units: say
                // what the figure means and what to write instead.
                let won = won.unwrap_or(1.0);
                let (a, p) = (figure(amount), figure(planned));
                let (as_won, meant) = (thousands(price * won, 0), price / won);
                let ro = fundgap::format::particle_ro(&meant.to_string());
                match ko {
                    false => format!(
                        "users x price is {a} a year, {} times the service's planned yearly cost ({p}): a price of {} {unit} is {as_won} won per user a year; for {} won write price = {meant} (or, in a workbook, head the column 'price [원]')",
                        thousands(times, 0),
                        figure(price),
                        figure(price)
                    ),
                    true => format!(
                        "이용자 x 요금 = 연 {a}, 계획 연간 비용({p})의 {}배입니다: 요금 {}({unit})은 이용자 1명당 연 {as_won}원입니다. {}원을 뜻했다면 price = {meant}{ro} 쓰세요(엑셀에서는 열 이름을 'price [원]'으로)",
                        thousands(times, 0),
                        figure(price),
                        figure(price)
                    ),
                }
            }
            (
                Concern::Scale {
                    amount,
                    planned,
                    times,
                    ..
                },
                ko,
            ) => {
                let (a, p) = (figure(amount), figure(planned));
                let (n, bigger) = match times >= 1.0 {
                    true => (thousands(times, 0), true),
                    false => (thousands(1.0 / times, 0), false),
                };
                match (ko, bigger) {
                    (false, true) => format!(
                        "{a} a year is {n} times the service's planned yearly cost ({p}): is it in {unit}?"
                    ),
                    (false, false) => format!(
                        "{a} a year is {n} times smaller than the service's planned yearly cost ({p}): is it in {unit}?"
                    ),
                    (true, true) => {
                        format!(
                            "연 {a}{} 계획 연간 비용({p})의 {n}배: 단위가 {unit}{} 맞나요?",
                            fundgap::format::particle(&a, "은", "는"),
                            fundgap::format::particle(&unit, "이", "가")
                        )
                    }
                    (true, false) => {
                        format!(
                            "연 {a}{} 계획 연간 비용({p})의 {n}분의 1: 단위가 {unit}{} 맞나요?",
                            fundgap::format::particle(&a, "은", "는"),
                            fundgap::format::particle(&unit, "이", "가")
                        )
                    }
                }
            }
            (
                Concern::Surplus {
                    total,
                    planned,
                    times,
                },
                ko,
            ) => {
                let (t, p, n) = (figure(total), figure(planned), thousands(times, 1));
                match ko {
                    false => format!(
                        "its funding streams state {t} a year together, {n} times its planned yearly cost ({p}): money beyond the cost lapses or is returned, so a gap could be hidden; are the amounts right?"
                    ),
                    true => format!(
                        "재원을 합하면 연 {t}{} 계획 연간 비용({p})의 {n}배: 비용을 넘는 돈은 불용되거나 반납되므로 부족이 가려질 수 있습니다; 금액이 맞나요?",
                        fundgap::format::particle_ro(&t)
                    ),
                }
            }
        };
        let _ = writeln!(
            out,
            "  {} {}: {what}",
            w.t("warning:", "경고:"),
            warning.path
        );
    }
    out
}

/// An amount with as many decimals as it needs to show.
fn figure(x: f64) -> String {
    match x.abs() {
        v if v >= 100.0 => thousands(x, 0),
        v if v >= 1.0 => thousands(x, 2),
        _ => format!("{x:.6}").trim_end_matches('0').to_string(),
    }
}
