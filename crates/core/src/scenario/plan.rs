//! Reading `[service.plan]`: what a service's plan states on the source
//! study's four findings (see [`crate::model::ServicePlan`]).

use crate::model::{Agreement, Government, ServicePlan};

use super::reader::*;
use super::schema::Range64;

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
    /// `[scenario] government`, if stated (`Some(None)` when absent).
    pub(super) fn government(&mut self, sc: &View<'_, '_>) -> Option<Option<Government>> {
        match sc.has("government") {
            true => self
                .choice(sc, "government", &Government::OPTIONS, Government::Basic)
                .map(Some),
            false => Some(None),
        }
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
