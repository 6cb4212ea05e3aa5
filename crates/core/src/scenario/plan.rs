//! Reading `[service.plan]`: what a service's plan states on the source
//! study's four findings (see [`crate::model::ServicePlan`]).

use crate::model::{Agreement, Government, Locality, ServicePlan};

use super::reader::*;
use super::schema::{GROWTH_RANGE, Range64};

/// Keys of `[service.plan]`.
pub(super) const PLAN_KEYS: &[&str] = &[
    "improves_on",
    "improvement",
    "agreement",
    "free_to_users",
    "free_plan",
    "dedicated_staff",
    "staff_tenure_years",
    "note",
];

impl Checker {
    /// `[scenario] government`, `population`, `general_account` and
    /// `general_account_growth`, each if stated.
    pub(super) fn locality(&mut self, sc: &View<'_, '_>) -> Option<Locality> {
        let government = match sc.has("government") {
            true => self
                .choice(sc, "government", &Government::OPTIONS, Government::Basic)
                .map(Some),
            false => Some(None),
        };
        let positive = Range64 {
            lo: 0.0,
            hi: f64::INFINITY,
            lo_open: true,
        };
        let optional = |c: &mut Self, key: &str, range: Range64| match sc.has(key) {
            true => c.number(sc, key, range, None).map(Some),
            false => Some(None),
        };
        let population = optional(self, "population", positive);
        let general_account = optional(self, "general_account", positive);
        let general_account_growth =
            self.number(sc, "general_account_growth", GROWTH_RANGE, Some(0.0));
        if sc.has("general_account_growth") && !sc.has("general_account") {
            self.err_key(
                sc,
                "general_account_growth",
                "general_account_growth grows the general account: state general_account too",
            );
        }
        Some(Locality {
            government: government?,
            population: population?,
            general_account: general_account?,
            general_account_growth: general_account_growth?,
        })
    }

    /// `[service.plan]`, if present (the default, every key absent,
    /// otherwise).
    pub(super) fn plan(&mut self, sv: &View<'_, '_>) -> Option<ServicePlan> {
        let Some(pv) = self.sub(sv, "plan", false) else {
            return (!sv.has("plan")).then(ServicePlan::default);
        };
        self.unknown_keys(&pv, PLAN_KEYS, None);
        self.string(&pv, "note", false);
        let improves_on = self.string(&pv, "improves_on", false);
        let improvement = self.string(&pv, "improvement", false);
        let agreement = self.choice(&pv, "agreement", &Agreement::OPTIONS, Agreement::None);
        let free_to_users = pv
            .has("free_to_users")
            .then(|| self.boolean(&pv, "free_to_users", false));
        let free_plan = self.string(&pv, "free_plan", false);
        let staff = self.number(&pv, "dedicated_staff", Range64::NON_NEG, Some(0.0));
        let tenure = match pv.has("staff_tenure_years") {
            true => self
                .number(&pv, "staff_tenure_years", Range64::NON_NEG, None)
                .map(Some),
            false => Some(None),
        };
        Some(ServicePlan {
            improves_on,
            improvement,
            agreement: agreement?,
            free_to_users,
            free_plan,
            dedicated_staff: staff?,
            staff_tenure_years: tenure?,
        })
    }
}
