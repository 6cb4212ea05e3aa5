//! The Monte Carlo engine: one trial of the model, and many in parallel.
//!
//! [`Engine::simulate`] computes one trial into a [`Scratch`] allocated once
//! per worker; it allocates nothing itself. [`Engine::run`] spreads trials
//! over rayon workers that pull fixed blocks of trial numbers, simulate
//! them [`LANES`] at a time (adding each trial's per-year sums as soon as it
//! is simulated) and fold each batch into one [`Accumulator`] per worker;
//! the accumulators merge exactly, so the
//! result does not depend on the number of threads or on how trials were
//! split ([`Engine::run_range`] runs a shard).
//!
//! The engine is pure: no files, no printing, no clocks. Progress is
//! reported through a callback the caller supplies.
//!
//! What one trial computes, per service and year (all semantics are spelled
//! out for analysts in `scenarios/README.md`):
//! cost = construction x opex ratio x escalation x shock x risk multiplier,
//! plus cost lines, renewals and risk-event costs; funding = the streams
//! alive that year; a reserve absorbs shortfalls; gap = what is left.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::model::{CostKind, FundingKind, GrantSize, Model, Quantities, Service, StreamKind};
use crate::rng::uniform01;
use crate::stats::Accumulator;

/// Trials per block handed to a worker. Only affects scheduling and the
/// granularity of progress, never the results.
pub const BLOCK: u64 = 512;

/// Trials a worker simulates, each into its own [`Scratch`], before it folds
/// them into its aggregates together ([`Accumulator::record`]). Only
/// affects speed: aggregates are exact, so batching never changes results.
pub const LANES: usize = 16;

/// A shortfall smaller than this share of the year's cost is rounding
/// error, not a gap (a grant that covers cost "exactly" must not show gaps
/// from the last bit of a multiplication).
pub const GAP_TOLERANCE: f64 = 1e-9;

/// Per-entity results of one trial. Entities are the services in file order
/// followed by the portfolio.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntityOutcome {
    /// Discounted life-cycle cost: construction plus every yearly cost.
    pub lcc_npv: f64,
    /// Discounted sum of yearly gaps.
    pub gap_npv: f64,
    /// Discounted social and environmental benefits.
    pub benefit_npv: f64,
    /// Discounted fees and contract payments (financial revenue).
    pub revenue_npv: f64,
    /// Year index of the first gap.
    pub first_gap: Option<usize>,
    /// Construction cost drawn in this trial.
    pub construction: f64,
    /// Operating cost in start-year prices summed over operating years,
    /// divided by their number (the numerator of the realised opex ratio).
    pub real_cost_per_year: f64,
    /// Grant money received over the horizon (undiscounted).
    pub grant: f64,
    /// All money received over the horizon (undiscounted): funding plus
    /// what the reserve paid out.
    pub received: f64,
}

/// Working memory of one worker, reused for every trial.
#[derive(Debug, Clone)]
pub struct Scratch {
    horizon: usize,
    /// Cost escalation index, 1 in the start year.
    pub escalation: Vec<f64>,
    /// 1 / escalation, to express costs in start-year prices.
    deflator: Vec<f64>,
    /// Whether each year is a downturn year.
    pub downturn: Vec<bool>,
    /// Per entity and year (`e * horizon + t`).
    pub cost: Vec<f64>,
    pub funding: Vec<f64>,
    pub gap: Vec<f64>,
    /// Per service (not the portfolio), kind and year
    /// (`(e * KINDS + k) * horizon + t`); the reserve's row is what the
    /// reserve paid out.
    pub by_kind: Vec<f64>,
    opex_mult: Vec<f64>,
    pub outcome: Vec<EntityOutcome>,
}

impl Scratch {
    pub fn new(model: &Model) -> Self {
        let h = model.horizon;
        let e = model.services.len() + 1;
        Scratch {
            horizon: h,
            escalation: vec![1.0; h],
            deflator: vec![1.0; h],
            downturn: vec![false; h],
            cost: vec![0.0; e * h],
            funding: vec![0.0; e * h],
            gap: vec![0.0; e * h],
            by_kind: vec![0.0; (e - 1) * FundingKind::COUNT * h],
            opex_mult: vec![1.0; h],
            outcome: vec![EntityOutcome::default(); e],
        }
    }

    /// Slice of a per-entity-year array.
    pub fn row<'a>(&self, v: &'a [f64], entity: usize) -> &'a [f64] {
        &v[entity * self.horizon..(entity + 1) * self.horizon]
    }

    /// Funding of `kind` for service `entity`, per year.
    pub fn kind_row(&self, entity: usize, kind: FundingKind) -> &[f64] {
        let start = (entity * FundingKind::COUNT + kind as usize) * self.horizon;
        &self.by_kind[start..start + self.horizon]
    }
}

/// `v[to..to + len] += v[from..from + len]`, for `from + len <= to`.
#[inline]
fn add_into(v: &mut [f64], from: usize, to: usize, len: usize) {
    let (head, tail) = v.split_at_mut(to);
    for (d, x) in tail[..len].iter_mut().zip(&head[from..from + len]) {
        *d += *x;
    }
}

/// Draws a line's per-trial quantities, in their order, from its stream.
#[inline]
fn draw(qs: Quantities<'_>, rng: &mut crate::rng::StreamRng) -> [f64; 4] {
    let mut v = [0.0; 4];
    for (slot, q) in v.iter_mut().zip(qs) {
        if let Some((_, q)) = q {
            *slot = q.sample(rng);
        }
    }
    v
}

/// A model prepared for simulation.
#[derive(Debug, Clone)]
pub struct Engine<'m> {
    pub model: &'m Model,
    /// Discount factor of each year index: (1 + r)^-t.
    discount: Vec<f64>,
}

impl<'m> Engine<'m> {
    pub fn new(model: &'m Model) -> Self {
        let discount = (0..model.horizon)
            .map(|t| (1.0 + model.discount_rate).powi(-(t as i32)))
            .collect();
        Engine { model, discount }
    }

    /// Number of entities: services plus the portfolio.
    pub fn entities(&self) -> usize {
        self.model.services.len() + 1
    }

    /// Simulates trial number `trial` into `s`.
    pub fn simulate(&self, trial: u64, s: &mut Scratch) {
        let m = self.model;
        let h = m.horizon;
        let seed = m.seed;

        // Economy: one path per trial, shared by every service.
        let mut rng = m.economy.key_inflation.rng(seed, trial);
        s.escalation[0] = 1.0;
        for t in 1..h {
            let infl = m.economy.inflation.sample(&mut rng);
            s.escalation[t] = s.escalation[t - 1] * (1.0 + infl);
            s.deflator[t] = 1.0 / s.escalation[t];
        }
        match m.economy.downturn {
            None => s.downturn.fill(false),
            Some(d) => {
                let mut rng = m.economy.key_downturn.rng(seed, trial);
                let stay = 1.0 - 1.0 / d.mean_duration_years;
                let mut prev = false;
                for t in 0..h {
                    let u = uniform01(&mut rng);
                    let now = if prev {
                        u < stay
                    } else {
                        u < d.annual_probability
                    };
                    s.downturn[t] = now;
                    prev = now;
                }
            }
        }

        let p = m.services.len();
        let port = p * h..(p + 1) * h;
        s.cost[port.clone()].fill(0.0);
        s.funding[port.clone()].fill(0.0);
        s.gap[port].fill(0.0);
        let mut total = EntityOutcome::default();
        let mut total_real = 0.0;

        for (e, svc) in m.services.iter().enumerate() {
            self.service(e, svc, trial, s);
            let o = s.outcome[e];
            total.lcc_npv += o.lcc_npv;
            total.gap_npv += o.gap_npv;
            total.benefit_npv += o.benefit_npv;
            total.revenue_npv += o.revenue_npv;
            total.construction += o.construction;
            total.grant += o.grant;
            total.received += o.received;
            total_real += o.real_cost_per_year;
            total.first_gap = match (total.first_gap, o.first_gap) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            // The portfolio rows come last, so they split off cleanly from
            // the service's rows; zipped slices let the adds vectorise. (Its
            // funding by kind is not needed: the aggregates add up the
            // services' totals instead.)
            for v in [&mut s.cost, &mut s.funding, &mut s.gap] {
                add_into(v, e * h, p * h, h);
            }
        }
        total.real_cost_per_year = total_real;
        s.outcome[p] = total;
    }

    /// Simulates trials `first..first + lanes.len()` (at most [`LANES`]),
    /// one into each scratch, and adds them to `acc`: the same as
    /// simulating them all and then [`Accumulator::record`], but each
    /// trial's per-year sums are added while its rows are still in cache;
    /// the rest of the aggregates take the batch at once.
    pub fn simulate_batch(&self, first: u64, lanes: &mut [Scratch], acc: &mut Accumulator) {
        for (s, trial) in lanes.iter_mut().zip(first..) {
            self.simulate(trial, s);
            acc.record_sums(s);
        }
        acc.record_batch(lanes);
    }

    /// One service of one trial: fills its rows of `s` and its outcome.
    fn service(&self, e: usize, svc: &Service, trial: u64, s: &mut Scratch) {
        let m = self.model;
        let h = m.horizon;
        let seed = m.seed;
        let rows = e * h..(e + 1) * h;
        let cost = &mut s.cost[rows.clone()];
        cost.fill(0.0);
        s.opex_mult.fill(1.0);

        // Base draws: construction, opex ratio, then one shock per year.
        let mut base = svc.key.rng(seed, trial);
        let [construction, ratio, ..] = draw(svc.quantities(), &mut base);

        // Risk events: one-off cost, and an opex multiplier while active.
        for r in &svc.risks {
            let mut rng = r.key.rng(seed, trial);
            let [p, event_cost, ..] = draw(r.quantities(), &mut rng);
            let mut active_until = 0usize;
            for t in svc.opens..h {
                if uniform01(&mut rng) < p {
                    cost[t] += event_cost * s.escalation[t];
                    active_until = active_until.max(t + r.duration_years);
                }
                if t < active_until {
                    s.opex_mult[t] *= r.opex_multiplier;
                }
            }
        }

        // Per-year loops run over slices of the same window, zipped, so
        // they carry no bounds checks.
        let open = svc.opens..h;
        for ((c, &esc), &mult) in cost[open.clone()]
            .iter_mut()
            .zip(&s.escalation[open.clone()])
            .zip(&s.opex_mult[open.clone()])
        {
            let shock = svc.volatility.sample(&mut base);
            *c += construction * ratio * esc * shock * mult;
        }

        for line in &svc.costs {
            let mut rng = line.key.rng(seed, trial);
            let q = draw(line.quantities(), &mut rng);
            match &line.kind {
                CostKind::Renewal { size, .. } => {
                    let size = match size {
                        crate::model::RenewalSize::ShareOfConstruction(_) => q[0] * construction,
                        crate::model::RenewalSize::Amount(_) => q[0],
                    };
                    let every = q[1].max(1.0);
                    // Replacement j falls j * every years after opening,
                    // rounded to a year: the mean interval stays `every`.
                    let mut j = 1.0;
                    loop {
                        // floor(x + 0.5) is `round` for 0 <= x < 2^52,
                        // without a libm call.
                        let t = svc.opens + (j * every + 0.5) as usize;
                        if t >= h {
                            break;
                        }
                        cost[t] += size * s.escalation[t];
                        j += 1.0;
                    }
                }
                CostKind::Annual {
                    growth,
                    volatility,
                    from,
                    to,
                    ..
                } => {
                    let a = q[0];
                    let mut g = 1.0;
                    let w = *from..*to + 1;
                    for (c, &esc) in cost[w.clone()].iter_mut().zip(&s.escalation[w]) {
                        *c += a * g * esc * volatility.sample(&mut rng);
                        g *= 1.0 + growth;
                    }
                }
                CostKind::OneOff { year, .. } => {
                    cost[*year] += q[0] * s.escalation[*year];
                }
            }
        }

        // Funding streams, each into its kind's row.
        let kinds = e * FundingKind::COUNT * h..(e + 1) * FundingKind::COUNT * h;
        let by_kind = &mut s.by_kind[kinds];
        by_kind.fill(0.0);
        let mut reserve = 0.0;
        let mut revenue_npv = 0.0;
        for st in &svc.funding {
            let mut rng = st.key.rng(seed, trial);
            let q = draw(st.quantities(), &mut rng);
            let kind = st.funding_kind();
            let krow = &mut by_kind[kind as usize * h..(kind as usize + 1) * h];
            // The share of a payment that survives a downturn and a cut:
            // selects, since downturn years are random (d x 1 = d exactly).
            let (cut_from, keep) = st.cut.map_or((usize::MAX, 1.0), |c| (c.from, c.keep));
            let dm = st.downturn_multiplier;
            let factor = |t: usize, down: bool| {
                let d = if down { dm } else { 1.0 };
                if t >= cut_from { d * keep } else { d }
            };
            let w = st.from..st.to + 1;
            match &st.kind {
                StreamKind::Grant { size, .. } => {
                    let (amount, share) = match size {
                        GrantSize::Amount(_) => (q[0], None),
                        GrantSize::ShareOfCost(_) => (0.0, Some(q[0])),
                    };
                    let hz = q[1];
                    let mut alive = true;
                    for (((k, &c), &down), t) in krow[w.clone()]
                        .iter_mut()
                        .zip(&cost[w.clone()])
                        .zip(&s.downturn[w.clone()])
                        .zip(w)
                    {
                        // Checked before paying, from the first year: the
                        // grant pays in its k-th year with chance (1-h)^k.
                        // One draw every year, withdrawn or not, so the
                        // number of draws never depends on the outcome.
                        alive &= uniform01(&mut rng) >= hz;
                        if !alive {
                            continue;
                        }
                        let base = share.map_or(amount, |sh| sh * c);
                        *k += base * factor(t, down);
                    }
                }
                StreamKind::Budget {
                    growth, volatility, ..
                } => {
                    let a = q[0];
                    let mut g = 1.0;
                    for ((k, &down), t) in krow[w.clone()]
                        .iter_mut()
                        .zip(&s.downturn[w.clone()])
                        .zip(w)
                    {
                        *k += a * g * volatility.sample(&mut rng) * factor(t, down);
                        g *= 1.0 + growth;
                    }
                }
                StreamKind::Fees {
                    price_growth,
                    volatility,
                    ..
                } => {
                    let [users, mid, k, price] = q;
                    let first = st.from.max(svc.opens);
                    let mut pg = (1.0 + price_growth).powi((first - svc.opens) as i32);
                    // Logistic adoption 1 / (1 + exp(-k (tau - mid))), where
                    // tau counts years of operation (1 in the opening year).
                    // exp(-k (tau - mid)) is geometric in tau: two exp calls
                    // per trial instead of one per year.
                    let tau0 = (first - svc.opens + 1) as f64;
                    let mut e = (-k * (tau0 - mid)).exp();
                    let ratio = (-k).exp();
                    let w = first..st.to + 1;
                    for (((k, &down), &disc), t) in krow[w.clone()]
                        .iter_mut()
                        .zip(&s.downturn[w.clone()])
                        .zip(&self.discount[w.clone()])
                        .zip(w)
                    {
                        let adoption = 1.0 / (1.0 + e);
                        e *= ratio;
                        let pay = users
                            * adoption
                            * price
                            * pg
                            * volatility.sample(&mut rng)
                            * factor(t, down);
                        *k += pay;
                        revenue_npv += pay * disc;
                        pg *= 1.0 + price_growth;
                    }
                }
                StreamKind::Contract { growth, .. } => {
                    let [a, hz, hz_down, _] = q;
                    let mut g = 1.0;
                    let mut stays = true;
                    for (((k, &down), &disc), t) in krow[w.clone()]
                        .iter_mut()
                        .zip(&s.downturn[w.clone()])
                        .zip(&self.discount[w.clone()])
                        .zip(w)
                    {
                        let hazard = if down { hz_down } else { hz };
                        stays &= uniform01(&mut rng) >= hazard;
                        let pay = if stays { a * g * factor(t, down) } else { 0.0 };
                        g *= 1.0 + growth;
                        *k += pay;
                        revenue_npv += pay * disc;
                    }
                }
                StreamKind::Reserve { .. } => {
                    reserve += q[0];
                }
            }
        }

        // A year's funding is the sum of its kinds' rows (the reserve's row
        // is still empty: it pays out in the balance below).
        let funding = &mut s.funding[rows.clone()];
        funding.fill(0.0);
        for k in FundingKind::ALL {
            if k != FundingKind::Reserve {
                let row = &by_kind[k as usize * h..(k as usize + 1) * h];
                for (f, x) in funding.iter_mut().zip(row) {
                    *f += x;
                }
            }
        }

        // Balance each year: funding first, then the reserve, then the gap.
        let gap = &mut s.gap[rows.clone()];
        let reserve_row = FundingKind::Reserve as usize * h;
        let mut first_gap = h;
        let mut gap_npv = 0.0;
        let mut lcc_npv = construction * self.discount[svc.opens];
        let mut real_cost = 0.0;
        // Whether a year runs short is random, so this loop selects instead
        // of branching: a mispredicted branch per year cost more than all
        // of its arithmetic. The results are the same as the branchy form:
        // with nothing short, the reserve pays 0 and the gap is 0.
        let carry = svc.carry_surplus;
        let (discount, deflator) = (&self.discount[..h], &s.deflator[..h]);
        let (grant_row, paid_row) = by_kind.split_at_mut(reserve_row);
        let grant_row = &grant_row[FundingKind::Grant as usize * h..][..h];
        let paid_row = &mut paid_row[..h];
        // Horizon totals, summed here where the loop is bound by the
        // reserve's chain anyway (each its own chain, in year order).
        let (mut funded, mut used, mut grant) = (-0.0, -0.0, -0.0);
        for t in 0..h {
            let c = cost[t];
            lcc_npv += c * discount[t];
            if t >= svc.opens {
                real_cost += c * deflator[t];
            }
            let short = c - funding[t];
            let tol = GAP_TOLERANCE * c;
            let need = if short > tol { short } else { 0.0 };
            let surplus = if carry && short < 0.0 { -short } else { 0.0 };
            // At most one of `need` and `surplus` is non-zero, and
            // r - min(r, need) = max(r - need, 0) exactly for r >= 0, so the
            // reserve's year-to-year chain is one add and one max (the
            // longest dependency in a trial); what it paid is off the chain.
            let paid = if need < reserve { need } else { reserve };
            let next = reserve + (surplus - need);
            reserve = if next > 0.0 { next } else { 0.0 };
            paid_row[t] = paid;
            funded += funding[t];
            used += paid;
            grant += grant_row[t];
            let rest = need - paid;
            let g = if rest > tol { rest } else { 0.0 };
            gap[t] = g;
            gap_npv += g * discount[t];
            first_gap = if g > 0.0 { first_gap.min(t) } else { first_gap };
        }
        let first_gap = (first_gap < h).then_some(first_gap);

        let mut benefit_npv = 0.0;
        for b in &svc.benefits {
            let mut rng = b.key.rng(seed, trial);
            let [a, ..] = draw(b.quantities(), &mut rng);
            let mut g = 1.0;
            for t in b.from..=b.to {
                benefit_npv += a * g * self.discount[t];
                g *= 1.0 + b.growth;
            }
        }

        let operating_years = (h - svc.opens) as f64;
        s.outcome[e] = EntityOutcome {
            lcc_npv,
            gap_npv,
            benefit_npv,
            revenue_npv,
            first_gap,
            construction,
            real_cost_per_year: real_cost / operating_years,
            grant,
            received: funded + used,
        };
    }

    /// The floor of one trial: the same random draws, of the same
    /// distributions, from the same keyed streams, as [`Engine::simulate`]
    /// makes, summed and nothing else. No engine can be faster than this; the
    /// benchmarks report the engine's time as a multiple of it.
    pub fn floor(&self, trial: u64) -> f64 {
        let m = self.model;
        let h = m.horizon;
        let seed = m.seed;
        let total = |v: [f64; 4]| v.iter().sum::<f64>();
        let mut sum = 0.0;
        let mut rng = m.economy.key_inflation.rng(seed, trial);
        for _ in 1..h {
            sum += m.economy.inflation.sample(&mut rng);
        }
        if m.economy.downturn.is_some() {
            let mut rng = m.economy.key_downturn.rng(seed, trial);
            for _ in 0..h {
                sum += uniform01(&mut rng);
            }
        }
        for svc in &m.services {
            let mut base = svc.key.rng(seed, trial);
            sum += total(draw(svc.quantities(), &mut base));
            for r in &svc.risks {
                let mut rng = r.key.rng(seed, trial);
                sum += total(draw(r.quantities(), &mut rng));
                for _ in svc.opens..h {
                    sum += uniform01(&mut rng);
                }
            }
            for _ in svc.opens..h {
                sum += svc.volatility.sample(&mut base);
            }
            for line in &svc.costs {
                let mut rng = line.key.rng(seed, trial);
                sum += total(draw(line.quantities(), &mut rng));
                if let CostKind::Annual {
                    volatility,
                    from,
                    to,
                    ..
                } = &line.kind
                {
                    for _ in *from..=*to {
                        sum += volatility.sample(&mut rng);
                    }
                }
            }
            for st in &svc.funding {
                let mut rng = st.key.rng(seed, trial);
                sum += total(draw(st.quantities(), &mut rng));
                match &st.kind {
                    StreamKind::Grant { .. } | StreamKind::Contract { .. } => {
                        for _ in st.from..=st.to {
                            sum += uniform01(&mut rng);
                        }
                    }
                    StreamKind::Budget { volatility, .. } => {
                        for _ in st.from..=st.to {
                            sum += volatility.sample(&mut rng);
                        }
                    }
                    StreamKind::Fees { volatility, .. } => {
                        for _ in st.from.max(svc.opens)..=st.to {
                            sum += volatility.sample(&mut rng);
                        }
                    }
                    StreamKind::Reserve { .. } => {}
                }
            }
            for b in &svc.benefits {
                let mut rng = b.key.rng(seed, trial);
                sum += total(draw(b.quantities(), &mut rng));
            }
        }
        sum
    }

    /// The per-trial inputs of trial `trial`, in the order of
    /// [`Model::inputs`], exactly as [`Engine::simulate`] draws them (both
    /// use the same keyed streams and the same per-line order).
    pub fn inputs(&self, trial: u64, out: &mut Vec<f64>) {
        let m = self.model;
        out.clear();
        let mut push = |qs: Quantities<'_>, key: crate::rng::StreamKey| {
            let mut rng = key.rng(m.seed, trial);
            let v = draw(qs, &mut rng);
            for (x, q) in v.iter().zip(qs) {
                if q.is_some() {
                    out.push(*x);
                }
            }
        };
        for svc in &m.services {
            push(svc.quantities(), svc.key);
            for c in &svc.costs {
                push(c.quantities(), c.key);
            }
            for r in &svc.risks {
                push(r.quantities(), r.key);
            }
            for f in &svc.funding {
                push(f.quantities(), f.key);
            }
            for b in &svc.benefits {
                push(b.quantities(), b.key);
            }
        }
    }

    /// Runs every trial of the model without progress reporting.
    pub fn run_all(&self) -> Accumulator {
        self.run(&|_| {}, &AtomicBool::new(false))
    }

    /// Runs the model's trials (`model.trials`) on the current rayon pool.
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync), cancel: &AtomicBool) -> Accumulator {
        self.run_range(0, self.model.trials, progress, cancel)
    }

    /// Runs trials `start..end`: a shard. Shards merged with
    /// [`Accumulator::merge`] equal the whole run bit for bit.
    pub fn run_range(
        &self,
        start: u64,
        end: u64,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Accumulator {
        let (acc, _) = fold_trials(
            start,
            end,
            progress,
            cancel,
            || {
                let lanes = vec![Scratch::new(self.model); LANES];
                (Accumulator::new(self.model), lanes)
            },
            |(acc, lanes), block| {
                for (first, n) in lane_batches(block) {
                    self.simulate_batch(first, &mut lanes[..n], acc);
                }
            },
            |(mut a, s), (b, _)| {
                a.merge(&b);
                (a, s)
            },
        );
        acc
    }
}

/// Splits a block of trial numbers into runs of at most [`LANES`], as
/// (first trial, number of trials).
pub fn lane_batches(block: std::ops::Range<u64>) -> impl Iterator<Item = (u64, usize)> {
    let end = block.end;
    block
        .step_by(LANES)
        .map(move |first| (first, (end - first).min(LANES as u64) as usize))
}

/// Folds trials `start..end` over the current rayon pool: each worker
/// pulls blocks of [`BLOCK`] trial numbers, folds each block into its own
/// state made by `init` with `step(state, first..end_of_block)`, and the
/// states are combined with `merge`. The result
/// depends on the trials only, not on the schedule, as long as `merge` is
/// exact and order-independent (as [`Accumulator::merge`] is).
pub fn fold_trials<A, I, S, M>(
    start: u64,
    end: u64,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
    init: I,
    step: S,
    merge: M,
) -> A
where
    A: Send,
    I: Fn() -> A + Sync + Send,
    S: Fn(&mut A, std::ops::Range<u64>) + Sync + Send,
    M: Fn(A, A) -> A + Sync + Send,
{
    use rayon::prelude::*;
    let next = AtomicU64::new(start);
    let workers = rayon::current_num_threads().max(1);
    (0..workers)
        .into_par_iter()
        .map(|_| {
            let mut state = init();
            loop {
                if cancel.load(Ordering::Relaxed) {
                    break;
                }
                let b = next.fetch_add(BLOCK, Ordering::Relaxed);
                if b >= end {
                    break;
                }
                let e = (b + BLOCK).min(end);
                step(&mut state, b..e);
                progress(e - b);
            }
            state
        })
        .reduce(&init, &merge)
}
