//! What `fundgap check` says of a service's rules: its stop rule and
//! materiality, its capital account, contract and special account.

use std::fmt::Write;

use crate::lang::Words;
use fundgap::format::{percent, thousands};
use fundgap::model::{DeliveryKind, Model, Service};

/// A service's national share of construction, stop rule and
/// materiality, for `fundgap check` (nothing when it has none).
pub(super) fn decision_rules(s: &Service, w: Words, model: &Model) -> String {
    let mut out = String::new();
    let ko = w.ko();
    if let Some(d) = &s.decision {
        let (year, go) = (model.year(d.year), percent(d.continues(), 0));
        let (shrink, stop, to) = (
            percent(d.shrink, 0),
            percent(d.stop, 0),
            percent(d.shrink_to, 0),
        );
        let _ = writeln!(
            out,
            "      {}",
            match ko {
                false => format!(
                    "take-over decided for {year}: continues {go}, shrinks to {to} {shrink}, stops {stop} (source: {})",
                    d.source
                ),
                true => format!(
                    "{year}년 지방비 전환 결정: 계속 {go}, {to} 규모로 축소 {shrink}, 중단 {stop} (근거: {})",
                    d.source
                ),
            }
        );
    }
    if s.construction_grant_share > 0.0 {
        let share = percent(s.construction_grant_share, 0);
        let _ = writeln!(
            out,
            "      {}",
            match ko {
                false => format!("construction {share} paid by national grants"),
                true => format!("건설비의 {share}를 국비로 지원"),
            }
        );
    }
    if s.stop.is_set() {
        let mut when = Vec::new();
        if s.stop.after_gap_years > 0 {
            let n = s.stop.after_gap_years;
            when.push(match ko {
                false => match n {
                    1 => "after a year with a gap".to_string(),
                    n => format!("after {n} consecutive years with a gap"),
                },
                true => match n {
                    1 => "부족이 나면".to_string(),
                    n => format!("{n}년 연속 부족이 나면"),
                },
            });
        }
        if s.stop.below_funding_share > 0.0 {
            let share = percent(s.stop.below_funding_share, 0);
            when.push(match ko {
                false => format!("after a year whose money covers less than {share} of its cost"),
                true => format!("재원이 비용의 {share} 미만인 해가 오면"),
            });
        }
        let rest = percent(s.stop.after_stop_share, 0);
        let when = when.join(match ko {
            false => " or ",
            true => " 또는 ",
        });
        let _ = writeln!(
            out,
            "      {}",
            match (ko, s.stop.after_stop_share > 0.0) {
                (false, true) => format!("stops {when}; then {rest} of it goes on"),
                (false, false) => format!("stops {when}, and closes"),
                (true, true) => format!("{when} 중단; 이후 {rest} 규모로 유지"),
                (true, false) => format!("{when} 운영 종료"),
            }
        );
    }
    out.push_str(&books(s, w));
    let m = s.materiality;
    if m.share > 0.0 || m.amount > 0.0 {
        let (share, amount) = (percent(m.share, 1), thousands(m.amount, 0));
        // Only the thresholds that are set: "and 0" says nothing.
        let text = match (ko, m.share > 0.0, m.amount > 0.0) {
            (false, true, true) => format!(
                "a shortfall is a gap only above {share} of the year's cost and {amount}; smaller ones are absorbed"
            ),
            (false, true, false) => format!(
                "a shortfall is a gap only above {share} of the year's cost; smaller ones are absorbed"
            ),
            (false, false, _) => {
                format!("a shortfall is a gap only above {amount}; smaller ones are absorbed")
            }
            (true, true, true) => format!(
                "부족액이 그해 비용의 {share}와 금액 {amount}{} 모두 넘을 때만 부족으로 보고, 그보다 작으면 흡수",
                fundgap::format::particle(&amount, "을", "를")
            ),
            (true, true, false) => format!(
                // A share ends in % (퍼센트): 를.
                "부족액이 그해 비용의 {share}를 넘을 때만 부족으로 보고, 그보다 작으면 흡수"
            ),
            (true, false, _) => format!(
                "부족액이 금액 {amount}{} 넘을 때만 부족으로 보고, 그보다 작으면 흡수",
                fundgap::format::particle(&amount, "을", "를")
            ),
        };
        let _ = writeln!(out, "      {text}");
    }
    out
}

/// A service's capital account, contract and special account, for
/// `fundgap check`.
pub(super) fn books(s: &Service, w: Words) -> String {
    let mut out = String::new();
    let ko = w.ko();
    if let Some(c) = &s.capital {
        let (balance, amount, growth) = (
            thousands(c.balance, 0),
            thousands(c.amount, 0),
            percent(c.growth, 1),
        );
        let _ = writeln!(
            out,
            "      {}",
            match ko {
                false => format!(
                    "capital account: opening balance {balance}, {amount} a year paid in (growth {growth}); pays the capital lines"
                ),
                true => format!(
                    "자본 계정: 기초 잔액 {balance}, 연 {amount} 적립(증가율 {growth}); 자본 항목을 지출"
                ),
            }
        );
    } else if s.costs.iter().any(|c| c.capital) {
        let _ = writeln!(
            out,
            "      {}",
            w.t(
                "capital lines without a [service.capital] account: their whole cost is reported as a capital gap",
                "[service.capital] 계정 없는 자본 항목: 비용 전액을 자본 부족으로 보고",
            )
        );
    }
    if let Some(d) = &s.delivery {
        let (payment, growth, guarantee) = (
            thousands(d.payment, 0),
            percent(d.payment_growth, 1),
            thousands(d.guarantee, 0),
        );
        let what = match (d.kind, ko) {
            (DeliveryKind::Outsourced, false) if d.payment == 0.0 => {
                "outsourced (위탁): the city reimburses the operator's cost less its own income"
                    .to_string()
            }
            (DeliveryKind::Outsourced, true) if d.payment == 0.0 => {
                "위탁: 시가 운영자의 비용에서 자체 수입을 뺀 만큼을 보전".to_string()
            }
            (DeliveryKind::Outsourced, false) => format!(
                "outsourced (위탁): the city pays a fixed fee of {payment} a year; the operator bears the rest"
            ),
            (DeliveryKind::Outsourced, true) => {
                format!("위탁: 시가 연 {payment}의 고정 위탁료를 지급하고 나머지는 운영자 부담")
            }
            (DeliveryKind::Btl, false) => format!(
                "BTL: the city pays an availability payment of {payment} a year (growth {growth}) and keeps the fees; the operator bears the cost"
            ),
            (DeliveryKind::Btl, true) => format!(
                "BTL: 시가 연 {payment}의 임대료(증가율 {growth})를 지급하고 이용료를 가지며, 비용은 운영자 부담"
            ),
            (DeliveryKind::Bto, false) if d.guarantee == 0.0 => {
                "BTO: the operator keeps the fees and bears the cost; no minimum revenue guarantee"
                    .to_string()
            }
            (DeliveryKind::Bto, true) if d.guarantee == 0.0 => {
                "BTO: 운영자가 이용료를 갖고 비용을 부담하며, 최소수입보장 없음".to_string()
            }
            (DeliveryKind::Bto, false) => format!(
                "BTO: the operator keeps the fees and bears the cost; the city guarantees fee revenue of {guarantee} a year"
            ),
            (DeliveryKind::Bto, true) => format!(
                "BTO: 운영자가 이용료를 갖고 비용을 부담하며, 시가 연 {guarantee}의 수입을 보장"
            ),
        };
        let exit = match (d.exit_after_loss_years, ko) {
            (0, _) => String::new(),
            (n, false) => format!("; the operator leaves after {n} consecutive loss years"),
            (n, true) => format!("; {n}년 연속 손실이면 운영자 철수"),
        };
        let _ = writeln!(out, "      {what}{exit}");
    }
    out
}
