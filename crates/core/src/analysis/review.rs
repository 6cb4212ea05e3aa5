//! Which reviews a project of the scenario's size must pass before it is
//! budgeted (docs/sources.md, "The rules of Korean public finance"): the
//! 지방재정 투자심사 (지방재정법 제37조, 시행령 제41조), whose level
//! depends on the total project cost and the level of government; the
//! 타당성조사 for new local projects of 500억 or more (제37조의2); and the
//! national 예비타당성조사 for 500억 or more with 300억 or more of
//! national money (국가재정법 제38조). Read from the model's construction
//! costs (총사업비 at the inputs' means) and their national share. Pure.

use crate::format::won_per_unit;
use crate::model::{Government, Model, StreamKind};

/// 1억 원 in won.
const EOK: f64 = 1e8;

/// Residents from which a 시·군·구 reviews its own projects up to 200억.
const LARGE_CITY: f64 = 1_000_000.0;

/// The level of 투자심사 a project goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// Below every threshold: no review required.
    None,
    /// The government's own review (자체심사).
    Own,
    /// The 시·도's review of a 시·군·구 project (시·도 의뢰심사).
    Provincial,
    /// The central review by 행정안전부 (중앙 의뢰심사).
    Central,
}

/// Which of 시행령 제41조's thresholds apply (as amended 2025-01-07).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A project with transfer money (이전재원: a national share of
    /// construction, or any grant stream): 시·도 own 40억–300억, central from 300억; 시·군·구 own
    /// 20억–60억, the 시·도's 60억–200억, central from 200억.
    Transfer,
    /// The same for a 시·군·구 of a million residents or more, which
    /// reviews its own projects up to 200억 (no 시·도 review).
    LargeCity,
    /// A project paid wholly from the government's own money (no national
    /// share of construction and no grant stream): its own review at any size (new
    /// 청사·문화·체육 buildings, festivals and exhibition halls aside,
    /// which a smart city service is not).
    OwnMoney,
}

/// The reviews a project must pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reviews {
    /// The total project cost (the services' construction at their
    /// means), in 억 원.
    pub total_eok: f64,
    /// Its national part (construction times each service's
    /// `construction_grant_share`), in 억 원.
    pub national_eok: f64,
    /// The level of government the thresholds are for.
    pub government: Government,
    /// The thresholds that apply.
    pub basis: Basis,
    /// The 투자심사 it goes to.
    pub review: Review,
    /// Whether a 타당성조사 is required first (500억 or more).
    pub feasibility: bool,
    /// Whether the national 예비타당성조사 applies (500억 or more, 300억 or
    /// more of it national).
    pub preliminary: bool,
}

/// The reviews for `model`'s project (None unless its money is in won and
/// its level of government is stated).
pub fn reviews(model: &Model) -> Option<Reviews> {
    let government = model.government()?;
    let won = won_per_unit(model.currency(), model.unit())?;
    let (total, national) = model
        .services()
        .iter()
        .map(|s| {
            let c = s.construction_cost.mean();
            (c, c * s.construction_grant_share)
        })
        .fold((0.0, 0.0), |(t, n), (c, g)| (t + c, n + g));
    let (total, national) = (total * won / EOK, national * won / EOK);
    let large = model.locality().population.is_some_and(|p| p >= LARGE_CITY);
    // Any grant, national or the 시·도's, is transfer money, whether the
    // scenario puts it in the construction or in a yearly stream.
    let grants = model
        .services()
        .iter()
        .flat_map(|s| &s.funding)
        .any(|f| matches!(f.kind, StreamKind::Grant { .. }));
    let basis = match government {
        _ if national <= 0.0 && !grants => Basis::OwnMoney,
        Government::Basic if large => Basis::LargeCity,
        _ => Basis::Transfer,
    };
    // 시행령 제41조: 시·도 from 40억 (own) and 300억 (central); 시·군·구
    // 20억–60억 own (to 200억 in a city of a million), 60억–200억 the
    // 시·도's, 200억 and more central; a project of the government's own
    // money, its own review at any size.
    let review = match (government, basis) {
        (Government::Metropolitan, _) if total < 40.0 => Review::None,
        (Government::Basic, _) if total < 20.0 => Review::None,
        (_, Basis::OwnMoney) => Review::Own,
        (Government::Metropolitan, _) if total >= 300.0 => Review::Central,
        (Government::Metropolitan, _) => Review::Own,
        (Government::Basic, _) if total >= 200.0 => Review::Central,
        (Government::Basic, Basis::LargeCity) => Review::Own,
        (Government::Basic, _) if total >= 60.0 => Review::Provincial,
        (Government::Basic, _) => Review::Own,
    };
    Some(Reviews {
        total_eok: total,
        national_eok: national,
        government,
        basis,
        review,
        feasibility: total >= 500.0,
        preliminary: total >= 500.0 && national >= 300.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    fn reviews_of(government: &str, construction: f64, share: f64) -> Option<Reviews> {
        let text = format!(
            "[scenario]\nname = \"r\"\nstart_year = 2025\nhorizon_years = 3\ncurrency = \"KRW\"\nunit = \"million\"\n{government}\n\
             [[service]]\nid = \"s\"\nconstruction_cost = {construction}\nopex_ratio = 0.1\nconstruction_grant_share = {share}\n"
        );
        reviews(&parse_str(&text, "r.toml").unwrap_or_else(|e| panic!("{e}")))
    }

    /// The thresholds of 시행령 제41조 and 제37조의2 at their edges, for
    /// both levels (money in million won: 100 is 1억).
    #[test]
    fn each_threshold_at_its_edge() {
        let basic = "government = \"basic\"";
        let metro = "government = \"metropolitan\"";
        // With national money in the construction (이전재원).
        let level = |g: &str, c: f64| reviews_of(g, c, 0.5).unwrap().review;
        assert_eq!(level(basic, 1_999.0), Review::None);
        assert_eq!(level(basic, 2_000.0), Review::Own);
        assert_eq!(level(basic, 6_000.0), Review::Provincial);
        assert_eq!(level(basic, 19_999.0), Review::Provincial);
        assert_eq!(level(basic, 20_000.0), Review::Central);
        assert_eq!(level(metro, 3_999.0), Review::None);
        assert_eq!(level(metro, 4_000.0), Review::Own);
        assert_eq!(level(metro, 30_000.0), Review::Central);
        let r = reviews_of(basic, 50_000.0, 0.5).unwrap();
        assert!(r.feasibility && !r.preliminary, "{r:?}");
        let r = reviews_of(basic, 60_000.0, 0.5).unwrap();
        assert!(
            (r.national_eok - 300.0).abs() < 1e-9 && r.preliminary,
            "{r:?}"
        );
        assert_eq!(reviews_of("", 50_000.0, 0.5), None);
    }

    /// 시행령 제41조 as amended 2025-01-07: a project of the government's
    /// own money is its own review at any size; a 시·군·구 of a million
    /// residents reviews its own up to 200억.
    #[test]
    fn own_money_and_large_cities_review_their_own() {
        let basic = "government = \"basic\"";
        let own = |c: f64| reviews_of(basic, c, 0.0).unwrap();
        assert_eq!(own(1_999.0).review, Review::None);
        assert_eq!(own(2_000.0).review, Review::Own);
        assert_eq!(own(90_000.0).review, Review::Own);
        assert_eq!(own(90_000.0).basis, Basis::OwnMoney);
        assert!(own(90_000.0).feasibility, "a 타당성조사 still comes first");
        let metro = reviews_of("government = \"metropolitan\"", 90_000.0, 0.0).unwrap();
        assert_eq!(metro.review, Review::Own);
        let large =
            |c: f64| reviews_of(&format!("{basic}\npopulation = 1_200_000"), c, 0.5).unwrap();
        assert_eq!(large(10_000.0).basis, Basis::LargeCity);
        assert_eq!(large(10_000.0).review, Review::Own);
        assert_eq!(large(19_999.0).review, Review::Own);
        assert_eq!(large(20_000.0).review, Review::Central);
    }
}
