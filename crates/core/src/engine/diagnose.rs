//! Finding which line of a service made a trial's amounts non-finite:
//! each line recomputed on its own, in the order of the simulation. Only
//! called for a trial that has a fault, so it may allocate.

use super::Engine;
use super::costs::{opex, plan};
use super::draws::operating_years;
use super::group::{Group, Inputs, RETURNED};
use super::simd::{F8, W};
use super::streams::Streams;
use super::trial::{FaultLine, Scratch};

impl Engine<'_> {
    /// Which line of service `e` first yields an amount that is not finite
    /// in trial `trial` (whose economy `s` holds): each line recomputed on
    /// its own, in the order of the simulation, with the trial in every
    /// lane of a group. Only called for a trial that has a fault, so it
    /// may allocate.
    pub(super) fn faulty_line(&self, e: usize, trial: u64, s: &Scratch) -> Option<FaultLine> {
        let h = self.model.horizon;
        let svc = &self.model.services[e];
        let (zero, one) = (F8::splat(0.0), F8::splat(1.0));
        let finite = |v: &[F8]| v.iter().all(|x| x.0[0].is_finite());
        let ws = &self.plan.services[e];
        let mut g = Group::new(self.model);
        g.load_economy(
            [(
                &s.escalation[..],
                &s.deflator[..],
                &s.discount[..],
                &s.downturn[..],
                &s.wages[..],
            ); W],
        );
        let inputs = Inputs {
            draws: [&s.draws; W],
            trials: [trial; W],
            lanes: 1,
            plain: self.draws_only(std::iter::once(&s.draws)),
        };
        let esc = &g.esc;
        let mut mult = vec![one; h];
        let mut cost = vec![zero; h];
        let add = |cost: &mut [F8], own: &[F8]| {
            cost.iter_mut().zip(own).for_each(|(c, &o)| *c = *c + o);
        };
        for (i, (r, &w)) in svc.risks.iter().zip(&ws.risks).enumerate() {
            let mut own = vec![zero; h];
            self.risk(svc, r, &inputs, esc, &mut own, &mut mult, w);
            if !finite(&own) || !finite(&mult) {
                return Some(FaultLine::Risk(i));
            }
            add(&mut cost, &own);
        }
        let [construction, ratio, ..] =
            self.quantities(&inputs, svc.quantities(), svc.key, ws.base);
        let shocks = inputs.window(ws.base.years, operating_years(svc, h).len());
        let index = (&esc[..], &g.wages[..]);
        opex(
            svc,
            h,
            &shocks,
            construction * ratio,
            index,
            &mult,
            &mut cost,
        );
        if !finite(&cost) || !construction.0[0].is_finite() {
            return Some(FaultLine::Opex);
        }
        let mut planned = vec![zero; h];
        let (prices, wages) = &self.expected_prices;
        plan(svc, h, construction * ratio, (prices, wages), &mut planned);
        for (i, (line, &w)) in svc.costs.iter().zip(&ws.costs).enumerate() {
            let mut own = vec![zero; h];
            self.cost_line(
                svc,
                line,
                &inputs,
                construction,
                esc,
                (&mut own, &mut planned),
                w,
            );
            if !finite(&own) {
                return Some(FaultLine::Cost(i));
            }
            add(&mut cost, &own);
        }
        for (i, (st, &w)) in svc.funding.iter().zip(&ws.funding).enumerate() {
            let mut rows = vec![zero; (RETURNED + 1) * h];
            let mut province = vec![zero; h];
            let mut out = Streams {
                reserve: zero,
                revenue_npv: zero,
            };
            let econ = (&g.down[..], &g.disc[..]);
            let books = (&cost[..], &planned[..]);
            let paid = (&mut rows[..], &mut province[..]);
            self.stream(svc, st, &inputs, books, econ, paid, &mut out, w);
            let totals = [out.reserve, out.revenue_npv];
            if !finite(&rows) || !finite(&totals) {
                return Some(FaultLine::Stream(i));
            }
        }
        None
    }
}
