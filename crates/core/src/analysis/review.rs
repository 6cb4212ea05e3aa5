//! Which reviews a project of the scenario's size must pass before it is
//! budgeted (docs/sources.md, "The rules of Korean public finance"): the
//! 지방재정 투자심사 (지방재정법 제37조, 시행령 제41조), whose level
//! depends on the total project cost and the level of government; the
//! 타당성조사 for new local projects of 500억 or more (제37조의2); and the
//! national 예비타당성조사 for 500억 or more with 300억 or more of
//! national money (국가재정법 제38조). Read from the model's construction
//! costs (총사업비 at the inputs' means) and their national share. Pure.

use crate::format::won_per_unit;
use crate::model::{Government, Model};

/// 1억 원 in won.
const EOK: f64 = 1e8;

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
    // 시행령 제41조: 시·도 from 40억 (own) and 300억 (central); 시·군·구
    // 20억–60억 own, 60억–200억 the 시·도's, 200억 and more central.
    let review = match government {
        Government::Metropolitan if total >= 300.0 => Review::Central,
        Government::Metropolitan if total >= 40.0 => Review::Own,
        Government::Basic if total >= 200.0 => Review::Central,
        Government::Basic if total >= 60.0 => Review::Provincial,
        Government::Basic if total >= 20.0 => Review::Own,
        _ => Review::None,
    };
    Some(Reviews {
        total_eok: total,
        national_eok: national,
        government,
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
        let level = |g: &str, c: f64| reviews_of(g, c, 0.0).unwrap().review;
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
}
