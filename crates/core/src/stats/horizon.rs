//! One entity's aggregates over the horizon: the distribution of its
//! first gap, stop, closure and operator exit years, and the moments,
//! sketches and exact sums of its per-trial totals.

use serde::{Deserialize, Serialize};

use crate::engine::EntityOutcome;
use crate::stats::exact::ExactSum;
use crate::stats::sketch::Sketch;
use crate::stats::sums::Moments;

/// Per entity aggregate over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct HorizonAcc {
    /// Trials whose first gap fell in each year; the last slot is "never".
    pub(super) first_gap: Vec<u64>,
    /// Trials whose service had stopped from each year on; the last slot
    /// is "never".
    pub(super) stop: Vec<u64>,
    /// Trials whose service had closed (stopped with nothing kept) from
    /// each year on; the last slot is "never".
    pub(super) closed: Vec<u64>,
    /// Trials whose contracted operator had left from each year on; the
    /// last slot is "never".
    pub(super) exits: Vec<u64>,
    /// Termination payments owed to operators.
    pub(super) termination: ExactSum,
    pub(super) lcc: Moments,
    pub(super) lcc_q: Sketch,
    pub(super) gap: Moments,
    pub(super) gap_q: Sketch,
    /// The funding each trial needed to be gap-free: top-up, reserve.
    pub(super) topup_q: Sketch,
    pub(super) reserve_q: Sketch,
    pub(super) benefit: Moments,
    pub(super) revenue: Moments,
    pub(super) opex_ratio: Moments,
    pub(super) construction: ExactSum,
    pub(super) grant: ExactSum,
    pub(super) received: ExactSum,
    pub(super) grant_returned: ExactSum,
    pub(super) gap_kept: ExactSum,
}

impl HorizonAcc {
    pub(super) fn new(h: usize) -> Self {
        HorizonAcc {
            first_gap: vec![0; h + 1],
            stop: vec![0; h + 1],
            closed: vec![0; h + 1],
            exits: vec![0; h + 1],
            termination: ExactSum::default(),
            lcc: Moments::default(),
            lcc_q: Sketch::new(),
            gap: Moments::default(),
            gap_q: Sketch::new(),
            topup_q: Sketch::new(),
            reserve_q: Sketch::new(),
            benefit: Moments::default(),
            revenue: Moments::default(),
            opex_ratio: Moments::default(),
            construction: ExactSum::default(),
            grant: ExactSum::default(),
            received: ExactSum::default(),
            grant_returned: ExactSum::default(),
            gap_kept: ExactSum::default(),
        }
    }

    pub(super) fn merge(&mut self, o: &HorizonAcc) {
        for (a, b) in self.first_gap.iter_mut().zip(&o.first_gap) {
            *a += b;
        }
        for (a, b) in self.stop.iter_mut().zip(&o.stop) {
            *a += b;
        }
        for (a, b) in self.closed.iter_mut().zip(&o.closed) {
            *a += b;
        }
        for (a, b) in self.exits.iter_mut().zip(&o.exits) {
            *a += b;
        }
        self.termination.merge(&o.termination);
        self.lcc.merge(&o.lcc);
        self.lcc_q.merge(&o.lcc_q);
        self.gap.merge(&o.gap);
        self.gap_q.merge(&o.gap_q);
        self.topup_q.merge(&o.topup_q);
        self.reserve_q.merge(&o.reserve_q);
        self.benefit.merge(&o.benefit);
        self.revenue.merge(&o.revenue);
        self.opex_ratio.merge(&o.opex_ratio);
        self.construction.merge(&o.construction);
        self.grant.merge(&o.grant);
        self.received.merge(&o.received);
        self.grant_returned.merge(&o.grant_returned);
        self.gap_kept.merge(&o.gap_kept);
    }

    /// Adds one trial's outcome of the entity (`h`: the horizon, the
    /// "never" slot of the year counts).
    pub(super) fn add(&mut self, o: &EntityOutcome, h: usize) {
        let tot = self;
        tot.first_gap[o.first_gap.unwrap_or(h)] += 1;
        tot.stop[o.stopped_from.unwrap_or(h)] += 1;
        tot.closed[o.closed_from.unwrap_or(h)] += 1;
        tot.exits[o.exited_from.unwrap_or(h)] += 1;
        tot.termination.add(o.termination);
        tot.lcc.add(o.lcc_npv);
        tot.lcc_q.add(o.lcc_npv);
        tot.gap.add(o.gap_npv);
        tot.gap_q.add(o.gap_npv);
        tot.topup_q.add(o.topup);
        tot.reserve_q.add(o.reserve_need);
        tot.benefit.add(o.benefit_npv);
        tot.revenue.add(o.revenue_npv);
        tot.construction.add(o.construction);
        if o.construction > 0.0 {
            tot.opex_ratio.add(o.real_cost_per_year / o.construction);
        }
        tot.grant.add(o.grant);
        tot.received.add(o.received);
        tot.grant_returned.add(o.grant_returned);
        tot.gap_kept.add(o.gap_npv_kept);
    }
}
