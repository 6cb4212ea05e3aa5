//! Finding which line of a service made a trial's amounts non-finite:
//! each line recomputed on its own, in the order of the simulation. Only
//! called for a trial that has a fault, so it may allocate.

use crate::model::FundingKind;

use super::Engine;
use super::draws::operating_years;
use super::service::{Streams, opex};
use super::trial::{FaultLine, Scratch};

impl Engine<'_> {
    /// Which line of service `e` first yields an amount that is not finite
    /// in trial `trial` (whose economy `s` holds): each line recomputed on
    /// its own, in the order of the simulation. Only called for a trial
    /// that has a fault, so it may allocate.
    pub(super) fn faulty_line(&self, e: usize, trial: u64, s: &Scratch) -> Option<FaultLine> {
        let h = self.model.horizon;
        let svc = &self.model.services[e];
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        let ws = &self.plan.services[e];
        let draws = &s.draws;
        let mut mult = vec![1.0; h];
        let mut cost = vec![0.0; h];
        for (i, (r, &w)) in svc.risks.iter().zip(&ws.risks).enumerate() {
            let mut own = vec![0.0; h];
            self.risk(
                svc,
                r,
                trial,
                &s.escalation,
                &mut own,
                &mut mult,
                (draws, w),
            );
            if !finite(&own) || !finite(&mult) {
                return Some(FaultLine::Risk(i));
            }
            cost.iter_mut().zip(&own).for_each(|(c, o)| *c += o);
        }
        let [construction, ratio, ..] =
            self.line_quantities(svc.quantities(), svc.key, trial, (draws, ws.base));
        let base_cost = construction * ratio;
        let years = operating_years(svc, h);
        opex(
            svc,
            h,
            draws.window(ws.base.years, years.len()),
            base_cost,
            &s.escalation,
            &mult,
            &mut cost,
        );
        if !finite(&cost) || !construction.is_finite() {
            return Some(FaultLine::Opex);
        }
        for (i, (line, &w)) in svc.costs.iter().zip(&ws.costs).enumerate() {
            let mut own = vec![0.0; h];
            let esc = &s.escalation;
            self.cost_line(svc, line, trial, construction, esc, &mut own, (draws, w));
            if !finite(&own) {
                return Some(FaultLine::Cost(i));
            }
            cost.iter_mut().zip(&own).for_each(|(c, o)| *c += o);
        }
        for (i, (st, &w)) in svc.funding.iter().zip(&ws.funding).enumerate() {
            let mut rows = vec![0.0; FundingKind::COUNT * h];
            let mut out = Streams {
                reserve: 0.0,
                revenue_npv: 0.0,
            };
            self.stream(
                svc,
                st,
                trial,
                &cost,
                &s.downturn,
                &s.discount,
                &mut rows,
                &mut out,
                (draws, w),
            );
            if !finite(&rows) || !out.reserve.is_finite() || !out.revenue_npv.is_finite() {
                return Some(FaultLine::Stream(i));
            }
        }
        None
    }
}
