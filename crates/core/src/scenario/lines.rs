//! Compiling a service's lines: cost lines, risks, funding streams and
//! benefits, each with the stream key its random draws come from.

use crate::model::rng::StreamKey;
use crate::model::{
    Benefit, CostKind, CostLine, FundingKind, GrantSize, RenewalSize, Risk, Stream, StreamKind,
};
use crate::model::{Domain, Follows, Payer, Unmatched, Volatility};
use crate::names::slug;

use super::reader::*;
use super::schema::*;

/// A grant's share of the year's cost: between 0 and 1, so that 50 for
/// 50% is refused with the fraction suggested.
const SHARE: Domain = Domain::PROBABILITY;

impl Checker {
    pub(super) fn cost_lines(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        id: &str,
        opens: usize,
    ) -> Option<Vec<CostLine>> {
        self.lines(sv, "cost", "cost line", |c, cv, name| {
            let kind = c.kind(cv, COST_KINDS);
            let kind = kind?;
            let keys = COST_KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, keys)| *keys)
                .unwrap_or(&[]);
            c.unknown_keys(cv, keys, Some((&kind, COST_KINDS)));
            let line = match kind.as_str() {
                "renewal" => {
                    let size = c
                        .one_of(
                            cv,
                            // Above 1 is rare but real (a renewal that
                            // also upgrades, 교체·고도화): `check` warns.
                            (
                                "share_of_construction",
                                "share of construction cost",
                                Domain::NON_NEGATIVE,
                            ),
                            ("amount", "in start-year money", Domain::NON_NEGATIVE),
                        )
                        .map(|(first, q)| {
                            if first {
                                RenewalSize::ShareOfConstruction(q)
                            } else {
                                RenewalSize::Amount(q)
                            }
                        });
                    let every = c.quantity(cv, "every_years", Domain::AT_LEAST_ONE, None);
                    size.zip(every)
                        .map(|(size, every_years)| CostKind::Renewal { size, every_years })
                }
                "annual" => {
                    let amount = c.quantity(cv, "amount", Domain::NON_NEGATIVE, None);
                    let growth = c.number(cv, "growth", GROWTH_RANGE, Some(0.0));
                    let volatility = c.number(cv, "volatility", Range64::VOLATILITY, Some(0.0));
                    let window = c.window(cv, h, opens);
                    match (amount, growth, volatility, window) {
                        (Some(amount), Some(growth), Some(vol), Some((from, to))) => {
                            let volatility = Volatility::new(vol);
                            Some(CostKind::Annual {
                                amount,
                                growth,
                                volatility,
                                from,
                                to,
                            })
                        }
                        _ => None,
                    }
                }
                _ => {
                    let amount = c.quantity(cv, "amount", Domain::NON_NEGATIVE, None);
                    let year = c.year(cv, "year", h, None);
                    amount
                        .zip(year)
                        .map(|(amount, year)| CostKind::OneOff { amount, year })
                }
            };
            let capital = c.funded_by(cv, &kind);
            match (name, line, capital) {
                (Some(name), Some(kind), Some(capital)) => Some(CostLine {
                    key: StreamKey::new(id, "cost", &slug(&name)),
                    name,
                    kind,
                    capital,
                }),
                _ => None,
            }
        })
    }

    pub(super) fn risks(&mut self, sv: &View<'_, '_>, id: &str) -> Option<Vec<Risk>> {
        self.lines(sv, "risk", "risk", |c, rv, name| {
            c.unknown_keys(rv, RISK_KEYS, None);
            let p = c.quantity(rv, "annual_probability", Domain::PROBABILITY, None);
            let cost = c.quantity(rv, "cost", Domain::NON_NEGATIVE, Some(0.0));
            let mult = c.number(rv, "opex_multiplier", Range64::NON_NEG, Some(1.0));
            let dur = c.integer(rv, "duration_years", 0, MAX_HORIZON, Some(1));
            match (name, p, cost, mult, dur) {
                (
                    Some(name),
                    Some(annual_probability),
                    Some(cost),
                    Some(opex_multiplier),
                    Some(d),
                ) => Some(Risk {
                    key: StreamKey::new(id, "risk", &slug(&name)),
                    name,
                    annual_probability,
                    cost,
                    opex_multiplier,
                    duration_years: d as usize,
                }),
                _ => None,
            }
        })
    }

    pub(super) fn funding(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        id: &str,
        opens: usize,
    ) -> Option<Vec<Stream>> {
        self.lines(sv, "funding", "funding stream", |c, fv, name| {
            let kind = c.kind(fv, STREAM_KINDS);
            let kind = kind.and_then(|k| FundingKind::parse(&k))?;
            let own = STREAM_KINDS
                .iter()
                .find(|(k, _)| *k == kind.as_str())
                .map(|(_, keys)| *keys)
                .unwrap_or(&[]);
            let allowed: Vec<&str> = if kind == FundingKind::Reserve {
                ["kind", "name", "description"]
                    .iter()
                    .chain(PROVENANCE_KEYS)
                    .chain(own)
                    .copied()
                    .collect()
            } else {
                STREAM_COMMON.iter().chain(own).copied().collect()
            };
            c.unknown_keys(fv, &allowed, Some((kind.as_str(), STREAM_KINDS)));
            let window = if kind == FundingKind::Reserve {
                Some((0, h.len - 1))
            } else {
                c.window(fv, h, opens)
            };
            let dm = c.number(fv, "downturn_multiplier", Range64::NON_NEG, Some(1.0));
            let sk = c.stream_kind(fv, kind);
            match (name, sk, window, dm) {
                (Some(name), Some(kind), Some((from, to)), Some(downturn_multiplier)) => {
                    Some(Stream {
                        key: StreamKey::new(id, "funding", &slug(&name)),
                        name,
                        kind,
                        from,
                        to,
                        downturn_multiplier,
                        cut: None,
                    })
                }
                _ => None,
            }
        })
    }

    /// How a budget line is decided: a fixed path (the default), or an
    /// appropriation that follows last year's settled cost, with its
    /// policy share and supplementary budget. Keys of the other form are
    /// refused, naming what they belong to.
    fn follows(&mut self, fv: &View<'_, '_>) -> Option<Follows> {
        const FOLLOWS: [(&str, (bool, bool)); 3] = [
            ("fixed", (false, false)),
            ("settled", (true, false)),
            ("plan", (true, true)),
        ];
        let (settled, plan) = self.choice(fv, "follows", &FOLLOWS, (false, false))?;
        if !settled {
            for key in ["policy", "supplementary", "supplementary_cap"] {
                if fv.has(key) {
                    self.err_key(
                        fv,
                        key,
                        format!(
                            "`{key}` belongs to an appropriation that follows cost: add \
                             `follows = \"settled\"`, or remove `{key}`"
                        ),
                    );
                }
            }
            return Some(Follows::Fixed);
        }
        if fv.has("volatility") {
            self.err_key(
                fv,
                "volatility",
                "an appropriation that follows cost (`follows = \"settled\"`) moves with the \
                 settled cost, not with noise of its own: remove `volatility`",
            );
        }
        let policy = self.number(fv, "policy", Range64::NON_NEG, Some(1.0));
        let supplementary = self.number(fv, "supplementary", Range64::PROB, Some(0.0));
        let cap = self.number(fv, "supplementary_cap", Range64::NON_NEG, Some(0.1));
        if plan && fv.has("amount") {
            self.err_key(
                fv,
                "amount",
                "an appropriation that follows the plan (`follows = \"plan\"`) pays `policy` x the \
                 planned cost each year: remove `amount`",
            );
            return None;
        }
        Some(Follows::Settled {
            policy: policy?,
            supplementary: supplementary?,
            supplementary_cap: cap?,
            plan,
            first_stated: fv.has("amount"),
        })
    }

    /// The keys of one kind of funding stream, compiled into its kind.
    // Long by design: one arm per kind of stream, each reading that kind's
    // keys; the kinds share nothing to factor out.
    fn stream_kind(&mut self, fv: &View<'_, '_>, kind: FundingKind) -> Option<StreamKind> {
        match kind {
            FundingKind::Grant => {
                let size = self
                    .one_of(
                        fv,
                        ("amount", "per year", Domain::NON_NEGATIVE),
                        ("share_of_cost", "share of the year's cost", SHARE),
                    )
                    .map(|(first, q)| {
                        if first {
                            GrantSize::Amount(q)
                        } else {
                            GrantSize::ShareOfCost(q)
                        }
                    });
                let hz = self.quantity(fv, "withdrawal_hazard", Domain::PROBABILITY, Some(0.0));
                let m = self.number(fv, "match_share", Range64::NON_NEG, Some(0.0));
                let mut unmatched =
                    self.choice(fv, "unmatched", &Unmatched::OPTIONS, Unmatched::Cut);
                if m == Some(0.0) && fv.has("unmatched") {
                    // What happens to an unmatched grant needs a match to miss.
                    self.err_key(
                        fv,
                        "unmatched",
                        "`unmatched` says what happens when the city does not match the grant, \
                         and this grant asks no match: set `match_share` (e.g. 0.5 for a city \
                         won per two national won) or remove `unmatched`",
                    );
                    unmatched = None;
                }
                let cap = if fv.has("cap") {
                    self.number(fv, "cap", Range64::NON_NEG, None).map(Some)
                } else {
                    Some(None)
                };
                let charge = self.number(fv, "clawback_charge", SANCTION_RANGE, Some(0.0));
                if charge.is_some_and(|c| c > 0.0) && unmatched != Some(Unmatched::Clawback) {
                    self.err_key(
                        fv,
                        "clawback_charge",
                        "`clawback_charge` is the sanction surcharge on a grant paid back, and this \
                         grant is never paid back: set `unmatched = \"clawback\"` (with a \
                         `match_share`) or remove `clawback_charge`",
                    );
                }
                let payer = self.choice(fv, "payer", &Payer::OPTIONS, Payer::National);
                match (size, hz, m, unmatched, cap, charge, payer) {
                    (
                        Some(size),
                        Some(withdrawal_hazard),
                        Some(match_share),
                        Some(unmatched),
                        Some(cap),
                        Some(clawback_charge),
                        Some(payer),
                    ) => Some(StreamKind::Grant {
                        size,
                        withdrawal_hazard,
                        match_share,
                        unmatched,
                        cap,
                        clawback_charge,
                        payer,
                    }),
                    _ => None,
                }
            }
            FundingKind::Budget => {
                // A `follows` that failed has been reported: no amount
                // error to add on top of it.
                let follows = self.follows(fv)?;
                let follows = Some(follows);
                // Without a stated amount, an appropriation's first year
                // comes from the plan.
                let stated = !matches!(
                    follows,
                    Some(Follows::Settled {
                        first_stated: false,
                        ..
                    })
                );
                let amount = match stated {
                    false => Some(crate::model::Quantity {
                        dist: crate::model::Dist::constant(0.0),
                        domain: Domain::NON_NEGATIVE,
                    }),
                    true => self.quantity(fv, "amount", Domain::NON_NEGATIVE, None),
                };
                let growth = self.number(fv, "growth", GROWTH_RANGE, Some(0.0));
                let vol = self.number(fv, "volatility", Range64::VOLATILITY, Some(0.0));
                match (amount, growth, vol, follows) {
                    (Some(amount), Some(growth), Some(vol), Some(follows)) => {
                        let volatility = Volatility::new(vol);
                        Some(StreamKind::Budget {
                            amount,
                            growth,
                            volatility,
                            follows,
                        })
                    }
                    _ => None,
                }
            }
            FundingKind::Fees => {
                let users = self.quantity(fv, "saturation_users", Domain::NON_NEGATIVE, None);
                let mid = self.quantity(fv, "midpoint_years", Domain::ANY, Some(0.0));
                let steep = self.quantity(fv, "steepness", Domain::NON_NEGATIVE, Some(1.0));
                let price = self.quantity(fv, "price", Domain::NON_NEGATIVE, None);
                let pg = self.number(fv, "price_growth", GROWTH_RANGE, Some(0.0));
                let vol = self.number(fv, "volatility", Range64::VOLATILITY, Some(0.0));
                match (users, mid, steep, price, pg, vol) {
                    (
                        Some(saturation_users),
                        Some(midpoint_years),
                        Some(steepness),
                        Some(price),
                        Some(price_growth),
                        Some(vol),
                    ) => Some(StreamKind::Fees {
                        saturation_users,
                        midpoint_years,
                        steepness,
                        price,
                        price_growth,
                        volatility: Volatility::new(vol),
                    }),
                    _ => None,
                }
            }
            FundingKind::Contract => {
                let amount = self.quantity(fv, "amount", Domain::NON_NEGATIVE, None);
                let growth = self.number(fv, "growth", GROWTH_RANGE, Some(0.0));
                let exit = self.quantity(fv, "exit_hazard", Domain::PROBABILITY, Some(0.0));
                let down_exit = if fv.has("downturn_exit_hazard") {
                    self.quantity(fv, "downturn_exit_hazard", Domain::PROBABILITY, None)
                } else {
                    exit.clone()
                };
                match (amount, growth, exit, down_exit) {
                    (Some(amount), Some(growth), Some(exit_hazard), Some(downturn_exit_hazard)) => {
                        Some(StreamKind::Contract {
                            amount,
                            growth,
                            exit_hazard,
                            downturn_exit_hazard,
                        })
                    }
                    _ => None,
                }
            }
            FundingKind::Reserve => self
                .quantity(fv, "balance", Domain::NON_NEGATIVE, None)
                .map(|balance| StreamKind::Reserve { balance }),
        }
    }

    pub(super) fn benefits(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        id: &str,
        opens: usize,
    ) -> Option<Vec<Benefit>> {
        self.lines(sv, "benefit", "benefit", |c, bv, name| {
            c.unknown_keys(bv, BENEFIT_KEYS, None);
            let mut kind_ok = true;
            if let Some(k) = c.string(bv, "kind", false)
                && k != "social"
                && k != "environmental"
            {
                let span = bv.get("kind").map(|v| v.span()).unwrap_or(bv.span.clone());
                c.err(
                    &span,
                    &bv.key_path("kind"),
                    format!("expected \"social\" or \"environmental\", found \"{k}\""),
                );
                kind_ok = false;
            }
            let annual = c.quantity(bv, "annual", Domain::NON_NEGATIVE, None);
            let growth = c.number(bv, "growth", GROWTH_RANGE, Some(0.0));
            let window = c.window(bv, h, opens);
            match (name, annual, growth, window) {
                (Some(name), Some(annual), Some(growth), Some((from, to))) if kind_ok => {
                    Some(Benefit {
                        key: StreamKey::new(id, "benefit", &slug(&name)),
                        name,
                        annual,
                        growth,
                        from,
                        to,
                    })
                }
                _ => None,
            }
        })
    }
}
