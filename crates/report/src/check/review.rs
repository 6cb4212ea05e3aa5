//! What `fundgap check` prints about the reviews the project must pass
//! before it is budgeted (see [`fundgap::analysis::review`]), or how to
//! have it say so.

use fundgap::analysis::review::{Basis, Review, reviews};
use fundgap::model::{Government, Model};

use crate::lang::Words;

/// The review lines of `check` (a hint to state `government` where the
/// money is in won and it is not stated; empty otherwise).
/// What a review level means, in English or Korean (`ko`).
fn plain(review: Review, ko: bool) -> &'static str {
    match (review, ko) {
        (Review::None, false) => "needs no 투자심사 (below its threshold)",
        (Review::Own, false) => "goes to its own 투자심사 (자체심사)",
        (Review::Provincial, false) => "goes to the 시·도's 투자심사 (60억–200억)",
        (Review::Central, false) => "goes to the central 투자심사 (행정안전부)",
        (Review::None, true) => "투자심사 대상 아님 (기준 미만)",
        (Review::Own, true) => "자체 투자심사 대상",
        (Review::Provincial, true) => "시·도 의뢰 투자심사 대상 (60억–200억)",
        (Review::Central, true) => "중앙 의뢰 투자심사 대상 (행정안전부)",
    }
}

pub(super) fn describe(model: &Model, w: Words) -> String {
    let Some(r) = reviews(model) else {
        let won = fundgap::format::won_per_unit(model.currency(), model.unit()).is_some();
        return match (won && model.government().is_none(), w.ko()) {
            (false, _) => String::new(),
            (true, false) => "  investment review: add `government = \"basic\"` (시·군·구) or \"metropolitan\" (시·도) to [scenario] to see which 투자심사 and 타당성조사 the project needs\n".into(),
            (true, true) => "  투자심사: [scenario]에 `government = \"basic\"`(시·군·구) 또는 \"metropolitan\"(시·도)를 적으면 필요한 투자심사와 타당성조사를 알려 줍니다\n".into(),
        };
    };
    let (total, national) = (r.total_eok, r.national_eok);
    let ko = w.ko();
    let level = match (r.government, ko) {
        (Government::Basic, false) => "a 시·군·구 project",
        (Government::Metropolitan, false) => "a 시·도 project",
        (Government::Basic, true) => "시·군·구 사업",
        (Government::Metropolitan, true) => "시·도 사업",
    };
    let review = match (r.review, r.basis, ko) {
        (Review::Own, Basis::OwnMoney, false) => {
            "goes to its own 투자심사 (자체심사) at any size: with no national share of construction and no grant, it is paid from the government's own money (자체재원)"
        }
        (Review::Own, Basis::OwnMoney, true) => {
            "규모와 관계없이 자체 투자심사 대상 (건설비 국비도 보조금도 없어 전액 자체재원 사업으로 봄)"
        }
        (Review::Own, Basis::LargeCity, false) => {
            "goes to its own 투자심사 (자체심사: a 시·군·구 of a million residents or more, up to 200억)"
        }
        (Review::Own, Basis::LargeCity, true) => {
            "자체 투자심사 대상 (인구 100만 이상 시·군·구: 200억 미만)"
        }
        (review, _, ko) => plain(review, ko),
    };

    let extra = match (r.feasibility, r.preliminary, ko) {
        (_, true, false) => {
            "; and, at 500억 or more with 300억 or more national, the 예비타당성조사 (국가재정법 제38조) and the 타당성조사 (지방재정법 제37조의2)"
        }
        (true, false, false) => "; at 500억 or more, a 타당성조사 first (지방재정법 제37조의2)",
        (false, false, false) => "",
        (_, true, true) => {
            "; 500억 이상·국비 300억 이상이라 예비타당성조사(국가재정법 제38조)와 타당성조사(지방재정법 제37조의2) 대상"
        }
        (true, false, true) => "; 500억 이상이라 타당성조사 먼저 (지방재정법 제37조의2)",
        (false, false, true) => "",
    };
    match ko {
        false => format!(
            "  investment review: total project cost ~{total:.0}억 (construction at the means; {national:.0}억 national): {level} of this size {review}{extra} (지방재정법 제37조, 시행령 제41조 as amended 2025-01-07; docs/sources.md)\n"
        ),
        true => format!(
            "  투자심사: 총사업비 약 {total:.0}억 (건설비 평균; 국비 {national:.0}억): 이 규모의 {level}은 {review}{extra} (지방재정법 제37조, 시행령 제41조 2025. 1. 7. 개정)\n"
        ),
    }
}
