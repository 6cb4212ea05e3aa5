//! The four criteria of the scorecard that rate a service's plan on the
//! source study's findings ([`crate::model::ServicePlan`]): each rated from
//! what the scenario states, green only when the plan says what the study
//! found missing. Stating what the plan has never lowers a rating.

use super::*;
use crate::model::{Agreement, stated};

/// The shortest tenure that outlasts a local official's rotation (a move
/// at most every two years, docs/sources.md): staff expected to stay at
/// least this long are dedicated in fact.
const TENURE_YEARS: f64 = 3.0;

fn score(criterion: &'static str, rating: Rating, reason: String) -> Score {
    Score {
        criterion,
        rating,
        value: None,
        reason,
    }
}

/// Differentiation: what it does better than the service the city already
/// runs (or what it adds, where nothing like it runs).
pub(super) fn differentiation(s: &Service, say: &Say) -> Score {
    let p = &s.plan;
    // "none": nothing like it runs, so there is nothing to improve on.
    // The template's sample texts, left unedited, state nothing.
    let on = stated(&p.improves_on).filter(|o| !o.trim().eq_ignore_ascii_case("none"));
    let new = stated(&p.improves_on).is_some() && on.is_none();
    let (rating, reason) = match (on, stated(&p.improvement), say.ko()) {
        (Some(on), Some(by), false) => (Rating::Green, format!("improves on {on}: {by}")),
        (Some(on), Some(by), true) => (Rating::Green, format!("{on} 대비 개선: {by}")),
        (None, Some(by), false) => (Rating::Green, format!("adds: {by}")),
        (None, Some(by), true) => (Rating::Green, format!("추가되는 점: {by}")),
        (None, None, false) if new => (
            Rating::Amber,
            "nothing like it runs, but what it adds is not said (`improvement`)".to_string(),
        ),
        (None, None, true) if new => (
            Rating::Amber,
            "비슷한 기존 서비스는 없으나 무엇을 더하는지 없음 (`improvement`)".to_string(),
        ),
        (Some(on), None, false) => (
            Rating::Amber,
            format!("improves on {on}, but not said by how much (`improvement`)"),
        ),
        (Some(on), None, true) => (
            Rating::Amber,
            format!("개선 대상 \"{on}\", 그러나 얼마나 나은지 없음 (`improvement`)"),
        ),
        (None, None, _) => (
            Rating::Red,
            say.t(
                "no existing service it improves on and no improvement stated (`[service.plan] improves_on`, `improvement`)",
                "개선 대상 기존 서비스와 개선 효과가 없음 (`[service.plan] improves_on`, `improvement`)",
            )
            .into(),
        ),
    };
    score("differentiation", rating, reason)
}

/// The agreement on who runs it: an operator named, and the agreement
/// signed (a contract under `[service.delivery]` is one).
pub(super) fn operating_agreement(s: &Service, say: &Say) -> Score {
    let agreement = match s.delivery {
        Some(_) => Agreement::Signed,
        None => s.plan.agreement,
    };
    let ko = say.ko();
    let (rating, reason) = match (&s.operator, agreement) {
        (None, _) => (
            Rating::Red,
            say.t(
                "no operator named: nobody is accountable for running it",
                "운영자가 지정되지 않음: 운영 책임 주체가 없음",
            )
            .to_string(),
        ),
        (Some(op), Agreement::None) => (
            Rating::Red,
            match ko {
                false => format!(
                    "\"{op}\" is named, but no agreement on running it is stated (`[service.plan] agreement`)"
                ),
                // No particle after a name: a Latin name's ending cannot
                // tell 이 from 가, and the shipped scenarios name operators
                // in English.
                true => format!(
                    "운영 주체 \"{op}\" 지정, 운영 협약은 없음 (`[service.plan] agreement`)"
                ),
            },
        ),
        (Some(op), Agreement::Draft) => (
            Rating::Amber,
            match ko {
                false => format!("\"{op}\" runs it under an agreement drafted, not signed"),
                true => format!("\"{op}\" 운영, 협약은 초안 단계 (미체결)"),
            },
        ),
        (Some(op), Agreement::Signed) => {
            // Several owners and an operator who is none of them: who
            // decides is still open.
            let outside = s.owners.len() >= 2 && !s.owners.iter().any(|o| o == op);
            let owners = s.owners.join(", ");
            match (outside, ko) {
                (true, false) => (
                    Rating::Amber,
                    format!(
                        "signed with \"{op}\", but several owners ({owners}) and the operator is none of them"
                    ),
                ),
                (true, true) => (
                    Rating::Amber,
                    format!(
                        "운영 주체 \"{op}\" 협약 체결, 그러나 소유 기관이 여럿({owners})이고 운영자는 그중 어느 기관도 아님"
                    ),
                ),
                (false, false) => (
                    Rating::Green,
                    format!("run by \"{op}\" under a signed agreement"),
                ),
                (false, true) => (
                    Rating::Green,
                    format!("운영 주체 \"{op}\", 체결된 협약에 따라 운영"),
                ),
            }
        }
    };
    score("operating_agreement", rating, reason)
}

/// A service its users see as free: how it is paid for in the long run.
/// One whose users pay fees needs no such plan.
pub(super) fn free_service(s: &Service, say: &Say) -> Score {
    let fees = s
        .funding
        .iter()
        .any(|f| f.funding_kind() == FundingKind::Fees);
    let free = s.plan.free_to_users.unwrap_or(!fees);
    let (rating, reason) = match (free, stated(&s.plan.free_plan), say.ko()) {
        (false, _, _) => (
            Rating::Green,
            say.t("its users pay for it", "이용자가 요금을 냄").to_string(),
        ),
        (true, Some(plan), false) => (Rating::Green, format!("free to users; paid for by: {plan}")),
        (true, Some(plan), true) => (Rating::Green, format!("이용자 무료; 재원: {plan}")),
        (true, None, _) => (
            Rating::Red,
            say.t(
                "free to its users and no plan for paying for it once grants end (`[service.plan] free_plan`)",
                "이용자 무료이나 보조금 종료 후 재원 계획이 없음 (`[service.plan] free_plan`)",
            )
            .into(),
        ),
    };
    score("free_service", rating, reason)
}

/// Dedicated staff who stay long enough to outlast a rotation.
pub(super) fn dedicated_staff(s: &Service, say: &Say) -> Score {
    let (n, tenure) = (s.plan.dedicated_staff, s.plan.staff_tenure_years);
    let ko = say.ko();
    let (rating, reason) = match tenure {
        _ if n <= 0.0 => (
            Rating::Red,
            say.t(
                "no staff dedicated to running it (`[service.plan] dedicated_staff`)",
                "운영 전담 인력이 없음 (`[service.plan] dedicated_staff`)",
            )
            .to_string(),
        ),
        Some(y) if n >= 1.0 && y >= TENURE_YEARS => (
            Rating::Green,
            match ko {
                false => format!("{n} dedicated staff, expected to stay {y} years"),
                true => format!("전담 인력 {n}명, 예상 재직 {y}년"),
            },
        ),
        Some(y) if n >= 1.0 => (
            Rating::Amber,
            match ko {
                false => format!(
                    "{n} dedicated staff, but expected to stay {y} years: less than {TENURE_YEARS}, so a rotation can empty the post"
                ),
                true => format!(
                    "전담 인력 {n}명이나 예상 재직 {y}년: {TENURE_YEARS}년 미만이라 순환 전보로 공백이 생길 수 있음"
                ),
            },
        ),
        _ => (
            Rating::Amber,
            match ko {
                false => format!(
                    "{n} dedicated staff, but less than one full post or no tenure stated (`staff_tenure_years`)"
                ),
                true => format!(
                    "전담 인력 {n}명이나 1명 미만이거나 재직 기간이 없음 (`staff_tenure_years`)"
                ),
            },
        ),
    };
    score("dedicated_staff", rating, reason)
}
