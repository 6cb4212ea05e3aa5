//! The model's uncertain inputs: each line's per-trial quantities in
//! their draw order, and the flat list of them that sensitivity analysis
//! varies, named by their `--set` paths.

use super::quantity::Quantity;
use super::*;

/// Up to four per-trial quantities of a line, in the order its stream draws
/// them, with their keys. Fixed-size so the engine can use it per trial
/// without allocating.
pub type Quantities<'a> = [Option<(&'static str, &'a Quantity)>; 4];
/// The mutable form of [`Quantities`], for one-at-a-time sensitivity.
pub type QuantitiesMut<'a> = [Option<(&'static str, &'a mut Quantity)>; 4];

impl Service {
    /// Construction cost, then opex ratio: the first draws of the base
    /// stream; then the draw of its take-over decision, where it has one.
    pub fn quantities(&self) -> Quantities<'_> {
        [
            Some(("construction_cost", &self.construction_cost)),
            Some(("opex_ratio", &self.opex_ratio)),
            self.decision.as_ref().map(|d| ("decision", &d.draw)),
            None,
        ]
    }
}

impl Risk {
    /// The per-trial quantities of the risk, in draw order.
    pub fn quantities(&self) -> Quantities<'_> {
        [
            Some(("annual_probability", &self.annual_probability)),
            Some(("cost", &self.cost)),
            None,
            None,
        ]
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        [
            Some(("annual_probability", &mut self.annual_probability)),
            Some(("cost", &mut self.cost)),
            None,
            None,
        ]
    }
}

impl CostLine {
    /// The per-trial quantities of the cost line, in draw order.
    pub fn quantities(&self) -> Quantities<'_> {
        match &self.kind {
            CostKind::Renewal { size, every_years } => [
                Some(match size {
                    RenewalSize::ShareOfConstruction(q) => ("share_of_construction", q),
                    RenewalSize::Amount(q) => ("amount", q),
                }),
                Some(("every_years", every_years)),
                None,
                None,
            ],
            CostKind::Annual { amount, .. } | CostKind::OneOff { amount, .. } => {
                [Some(("amount", amount)), None, None, None]
            }
        }
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        match &mut self.kind {
            CostKind::Renewal { size, every_years } => [
                Some(match size {
                    RenewalSize::ShareOfConstruction(q) => ("share_of_construction", q),
                    RenewalSize::Amount(q) => ("amount", q),
                }),
                Some(("every_years", every_years)),
                None,
                None,
            ],
            CostKind::Annual { amount, .. } | CostKind::OneOff { amount, .. } => {
                [Some(("amount", amount)), None, None, None]
            }
        }
    }
}

impl Stream {
    /// The per-trial quantities of the funding stream, in draw order.
    pub fn quantities(&self) -> Quantities<'_> {
        match &self.kind {
            StreamKind::Grant {
                size,
                withdrawal_hazard,
                ..
            } => [
                Some(match size {
                    GrantSize::Amount(q) => ("amount", q),
                    GrantSize::ShareOfCost(q) => ("share_of_cost", q),
                }),
                Some(("withdrawal_hazard", withdrawal_hazard)),
                None,
                None,
            ],
            StreamKind::Budget { amount, .. } => [Some(("amount", amount)), None, None, None],
            StreamKind::Fees {
                saturation_users,
                midpoint_years,
                steepness,
                price,
                ..
            } => [
                Some(("saturation_users", saturation_users)),
                Some(("midpoint_years", midpoint_years)),
                Some(("steepness", steepness)),
                Some(("price", price)),
            ],
            StreamKind::Contract {
                amount,
                exit_hazard,
                downturn_exit_hazard,
                ..
            } => [
                Some(("amount", amount)),
                Some(("exit_hazard", exit_hazard)),
                Some(("downturn_exit_hazard", downturn_exit_hazard)),
                None,
            ],
            StreamKind::Reserve { balance } => [Some(("balance", balance)), None, None, None],
        }
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        match &mut self.kind {
            StreamKind::Grant {
                size,
                withdrawal_hazard,
                ..
            } => [
                Some(match size {
                    GrantSize::Amount(q) => ("amount", q),
                    GrantSize::ShareOfCost(q) => ("share_of_cost", q),
                }),
                Some(("withdrawal_hazard", withdrawal_hazard)),
                None,
                None,
            ],
            StreamKind::Budget { amount, .. } => [Some(("amount", amount)), None, None, None],
            StreamKind::Fees {
                saturation_users,
                midpoint_years,
                steepness,
                price,
                ..
            } => [
                Some(("saturation_users", saturation_users)),
                Some(("midpoint_years", midpoint_years)),
                Some(("steepness", steepness)),
                Some(("price", price)),
            ],
            StreamKind::Contract {
                amount,
                exit_hazard,
                downturn_exit_hazard,
                ..
            } => [
                Some(("amount", amount)),
                Some(("exit_hazard", exit_hazard)),
                Some(("downturn_exit_hazard", downturn_exit_hazard)),
                None,
            ],
            StreamKind::Reserve { balance } => [Some(("balance", balance)), None, None, None],
        }
    }
}

impl Benefit {
    /// The per-trial quantities of the benefit, in draw order.
    pub fn quantities(&self) -> Quantities<'_> {
        [Some(("annual", &self.annual)), None, None, None]
    }

    pub(crate) fn quantities_mut(&mut self) -> QuantitiesMut<'_> {
        [Some(("annual", &mut self.annual)), None, None, None]
    }
}

/// One uncertain input of a model: a quantity drawn once per trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Index of its service.
    pub service: usize,
    /// The `--set` path that names it, e.g.
    /// `service.smart-parking.funding.city-budget.amount`.
    pub path: String,
}

impl Model {
    /// Indices into [`Model::inputs`] of the inputs that vary from trial to
    /// trial (a fixed number has nothing to explain or sample).
    pub fn uncertain_inputs(&self) -> Vec<usize> {
        let inputs = self.inputs();
        (0..inputs.len())
            .filter(|&k| !inputs[k].1.is_fixed())
            .collect()
    }

    /// Every per-trial quantity, fixed or not, in the order of
    /// [`crate::engine::Engine::inputs`]: per service its base quantities,
    /// cost lines, risks, funding streams and benefits.
    pub fn inputs<'a>(&'a self) -> Vec<(Input, &'a Quantity)> {
        let mut out = Vec::new();
        for (si, s) in self.services.iter().enumerate() {
            let mut push = |prefix: String, qs: Quantities<'a>| {
                for (key, q) in qs.into_iter().flatten() {
                    let path = format!("{prefix}.{key}");
                    out.push((Input { service: si, path }, q));
                }
            };
            let base = format!("service.{}", s.id);
            push(base.clone(), s.quantities());
            for c in &s.costs {
                push(
                    format!("{base}.cost.{}", crate::names::slug(&c.name)),
                    c.quantities(),
                );
            }
            for r in &s.risks {
                push(
                    format!("{base}.risk.{}", crate::names::slug(&r.name)),
                    r.quantities(),
                );
            }
            for f in &s.funding {
                push(
                    format!("{base}.funding.{}", crate::names::slug(&f.name)),
                    f.quantities(),
                );
            }
            for b in &s.benefits {
                push(
                    format!("{base}.benefit.{}", crate::names::slug(&b.name)),
                    b.quantities(),
                );
            }
        }
        out
    }

    /// Mutable access to the `k`-th input of [`Model::inputs`].
    pub(crate) fn input_mut(&mut self, k: usize) -> Option<&mut Quantity> {
        let mut i = 0;
        for s in &mut self.services {
            let mut lists: Vec<QuantitiesMut<'_>> = Vec::new();
            // In the order of `Service::quantities`.
            let (base, rest) = (&mut s.construction_cost, &mut s.opex_ratio);
            lists.push([
                Some(("construction_cost", base)),
                Some(("opex_ratio", rest)),
                s.decision.as_mut().map(|d| ("decision", &mut d.draw)),
                None,
            ]);
            lists.extend(s.costs.iter_mut().map(CostLine::quantities_mut));
            lists.extend(s.risks.iter_mut().map(Risk::quantities_mut));
            lists.extend(s.funding.iter_mut().map(Stream::quantities_mut));
            lists.extend(s.benefits.iter_mut().map(Benefit::quantities_mut));
            for list in lists {
                for (_, q) in list.into_iter().flatten() {
                    if i == k {
                        return Some(q);
                    }
                    i += 1;
                }
            }
        }
        None
    }
}
