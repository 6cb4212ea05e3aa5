//! Compiling whose books a service's money is in: its `[service.capital]`
//! account, its `[service.delivery]` contract, its special `account`, and
//! a cost line's `funded_by`; the city's take-over `[service.decision]`;
//! and what happened to it in fact, its `[service.outcome]` for a
//! back-test.

use std::collections::HashMap;

use crate::model::{
    AfterExit, CapitalAccount, Date, Decision, Delivery, DeliveryKind, Dist, Domain, FundingKind,
    Outcome, Programme, Quantity, StopReason, Stream, Strength,
};

use super::reader::*;
use super::schema::*;

impl Checker {
    /// `[service.capital]`, if present.
    pub(super) fn capital_account(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        opens: usize,
    ) -> Option<Option<CapitalAccount>> {
        let Some(cv) = self.sub(sv, "capital", false) else {
            return (!sv.has("capital")).then_some(None);
        };
        self.unknown_keys(&cv, CAPITAL_KEYS, None);
        self.string(&cv, "name", false);
        self.string(&cv, "description", false);
        let balance = self.number(&cv, "balance", Range64::NON_NEG, Some(0.0));
        let amount = self.number(&cv, "amount", Range64::NON_NEG, Some(0.0));
        let growth = self.number(&cv, "growth", GROWTH_RANGE, Some(0.0));
        let window = self.window(&cv, h, opens);
        let (from, to) = window?;
        Some(Some(CapitalAccount {
            balance: balance?,
            amount: amount?,
            growth: growth?,
            from,
            to,
        }))
    }

    /// The `[[programme]]` tables: each a name, its years, its stated
    /// total and national money, and their source.
    pub(super) fn programmes(
        &mut self,
        root: &View<'_, '_>,
        h: &Horizon,
    ) -> Option<Vec<Programme>> {
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        let mut ok = true;
        for pv in self.tables(root, "programme") {
            self.unknown_keys(&pv, PROGRAMME_KEYS, None);
            self.string(&pv, "note", false);
            let name = self.unique_name(&pv, &mut seen, "programme");
            let window = self.window(&pv, h, 0);
            let total = self.number(&pv, "total", Range64::NON_NEG, None);
            let national = match pv.has("national") {
                true => self
                    .number(&pv, "national", Range64::NON_NEG, None)
                    .map(Some),
                false => Some(None),
            };
            let source = self.string(&pv, "source", true);
            match (name, window, total, national, source) {
                (Some(name), Some((from, to)), Some(total), Some(national), Some(source)) => out
                    .push(Programme {
                        name,
                        from,
                        to,
                        total,
                        national,
                        source,
                    }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `[service.delivery]`, if present.
    pub(super) fn delivery(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        opens: usize,
    ) -> Option<Option<Delivery>> {
        let Some(dv) = self.sub(sv, "delivery", false) else {
            return (!sv.has("delivery")).then_some(None);
        };
        self.unknown_keys(&dv, DELIVERY_KEYS, None);
        self.string(&dv, "description", false);
        let kind = if dv.has("kind") {
            self.choice(
                &dv,
                "kind",
                &DeliveryKind::OPTIONS,
                DeliveryKind::Outsourced,
            )
        } else {
            self.missing(
                &dv,
                "kind",
                "the contract structure: \"outsourced\" (위탁), \"btl\" or \"bto\"",
            );
            None
        };
        let payment = self.number(&dv, "payment", Range64::NON_NEG, Some(0.0));
        let payment_growth = self.number(&dv, "payment_growth", GROWTH_RANGE, Some(0.0));
        let guarantee = self.number(&dv, "guarantee", Range64::NON_NEG, Some(0.0));
        let exit = self.integer(&dv, "exit_after_loss_years", 0, h.len as i64, Some(0));
        let investment = self.number(&dv, "investment", Range64::NON_NEG, Some(0.0));
        let termination_share = self.number(&dv, "termination_share", Range64::PROB, Some(1.0));
        let after_exit = self.choice(&dv, "after_exit", &AfterExit::OPTIONS, AfterExit::Stop);
        if exit == Some(0) {
            for key in ["investment", "termination_share", "after_exit"] {
                if dv.has(key) {
                    self.err_key(
                        &dv,
                        key,
                        "the operator never leaves: set `exit_after_loss_years` for this key to matter",
                    );
                }
            }
        }
        let window = self.window(&dv, h, opens);
        let kind = kind?;
        let payment = payment?;
        // A payment or guarantee the structure never pays is a mistake in
        // the file, not a number to ignore.
        let stray = match kind {
            DeliveryKind::Bto => dv.has("payment").then_some("payment"),
            _ => dv.has("guarantee").then_some("guarantee"),
        };
        if let Some(key) = stray {
            let span = dv.get(key).map(|v| v.span()).unwrap_or(dv.span.clone());
            let why = if key == "payment" {
                "a BTO operator is paid by its fees; the city owes only `guarantee` (a minimum revenue guarantee)"
            } else {
                "only a BTO contract has a minimum revenue guarantee; use `payment`"
            };
            self.err(&span, &dv.key_path(key), why.to_string());
            return None;
        }
        if kind == DeliveryKind::Btl && payment == 0.0 {
            self.missing(
                &dv,
                "payment",
                "the yearly availability payment of a BTL contract",
            );
            return None;
        }
        let (from, to) = window?;
        Some(Some(Delivery {
            kind,
            payment,
            payment_growth: payment_growth?,
            guarantee: guarantee?,
            from,
            to,
            exit_after_loss_years: exit? as usize,
            investment: investment?,
            termination_share: termination_share?,
            after_exit: after_exit?,
        }))
    }

    /// `[service.outcome]`, if present: the year must leave a year after
    /// it in the horizon, where a stop decided at its end shows.
    pub(super) fn outcome(&mut self, sv: &View<'_, '_>, h: &Horizon) -> Option<Option<Outcome>> {
        let Some(ov) = self.sub(sv, "outcome", false) else {
            return (!sv.has("outcome")).then_some(None);
        };
        self.unknown_keys(&ov, OUTCOME_KEYS, None);
        self.string(&ov, "note", false);
        let stopped = if ov.has("stopped") {
            Some(self.boolean(&ov, "stopped", false))
        } else {
            self.missing(
                &ov,
                "stopped",
                "`stopped`: true if the service had been stopped by `by`",
            );
            None
        };
        let by = self.year(&ov, "by", h, None);
        let source = self.string(&ov, "source", true);
        let reason = self.choice(&ov, "reason", &StopReason::OPTIONS, StopReason::Budget);
        let strength = self.choice(&ov, "strength", &Strength::OPTIONS, Strength::A);
        let cluster = self.string(&ov, "cluster", false);
        let forecast = self.date(&ov, "forecast");
        let recorded = self.date(&ov, "recorded");
        let (stopped, by, source) = (stopped?, by?, source?);
        let (reason, strength, forecast, recorded) = (reason?, strength?, forecast?, recorded?);
        if let (Some(f), Some(r)) = (forecast, recorded)
            && r <= f
        {
            self.err_key(
                &ov,
                "recorded",
                format!("the outcome's record ({r}) must come after the forecast date ({f})"),
            );
            return None;
        }
        if by + 1 >= h.len {
            self.err_key(
&ov,
"by",
format!(
                    "expected a year before the horizon's last ({}), so that a stop decided at the end of it shows",
                    h.start + h.len as i64 - 1
                ),
            );
            return None;
        }
        Some(Some(Outcome {
            stopped,
            by,
            source,
            reason,
            cluster,
            strength,
            forecast,
            recorded,
        }))
    }

    /// An optional date, `YYYY-MM-DD` (Some(None) when absent; None after
    /// an error).
    fn date(&mut self, view: &View<'_, '_>, key: &str) -> Option<Option<Date>> {
        let Some(text) = self.string(view, key, false) else {
            return (!view.has(key)).then_some(None);
        };
        match Date::parse(&text) {
            Some(d) => Some(Some(d)),
            None => {
                self.err_key(
                    view,
                    key,
                    format!(
                        "expected a date as \"YYYY-MM-DD\" (e.g. \"2022-12-31\"), found \"{text}\""
                    ),
                );
                None
            }
        }
    }

    /// A service's take-over `decision`: its year (by default the year
    /// after its last grant year), the chances it stops or shrinks, the
    /// share a shrink keeps, and the source of those chances.
    pub(super) fn decision(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        (opens, funding): (usize, Option<&[Stream]>),
    ) -> Option<Option<Decision>> {
        let Some(dv) = self.sub(sv, "decision", false) else {
            return (!sv.has("decision")).then_some(None);
        };
        self.unknown_keys(&dv, DECISION_KEYS, None);
        self.string(&dv, "note", false);
        let grants_end = funding?
            .iter()
            .filter(|f| f.funding_kind() == FundingKind::Grant)
            .map(|f| f.to + 1)
            .max();
        let year = if dv.has("year") {
            self.year(&dv, "year", h, None)
        } else {
            match grants_end {
                Some(t) if t < h.len => Some(t),
                _ => {
                    self.missing(
                        &dv,
                        "year",
                        "`year`: the service has no grant that ends within the horizon, \
                         so give the year the decision takes effect",
                    );
                    None
                }
            }
        };
        let stop = self.number(&dv, "stop", Range64::PROB, Some(0.0));
        let shrink = self.number(&dv, "shrink", Range64::PROB, Some(0.0));
        let shrink_to = self.number(&dv, "shrink_to", Range64::PROB, Some(0.5));
        let source = self.string(&dv, "source", true);
        let (year, stop, shrink, shrink_to, source) = (year?, stop?, shrink?, shrink_to?, source?);
        if year < opens {
            self.err_key(
                &dv,
                "year",
                format!(
                    "the decision takes effect in {}, before the service opens in {}: \
                     give a `year` from its opening on",
                    h.start + year as i64,
                    h.start + opens as i64
                ),
            );
            return None;
        }
        if source.trim().is_empty() {
            self.err_key(
                &dv,
                "source",
                "say where the chances come from: a source key in docs/sources.md, \
                 or `assumption: ...` with its reason",
            );
            return None;
        }
        if stop + shrink > 1.0 {
            self.err_key(
                &dv,
                "shrink",
                format!(
                    "`stop` ({stop}) and `shrink` ({shrink}) add up to more than 1; \
                     the chance the service continues is what they leave"
                ),
            );
            return None;
        }
        let draw = Quantity {
            dist: Dist::uniform(0.0, 1.0).ok()?,
            domain: Domain::PROBABILITY,
        };
        Some(Some(Decision {
            year,
            stop,
            shrink,
            shrink_to,
            source,
            draw,
        }))
    }

    /// A service's special `account`, as an index into `accounts` (added
    /// there on first use).
    pub(super) fn account(
        &mut self,
        sv: &View<'_, '_>,
        accounts: &mut Vec<String>,
    ) -> Option<Option<usize>> {
        let Some(name) = self.string(sv, "account", false) else {
            return (!sv.has("account")).then_some(None);
        };
        if name.trim().is_empty() {
            self.err_key(
                sv,
                "account",
                "expected the name of a special account, such as \"parking\"",
            );
            return None;
        }
        let i = match accounts.iter().position(|a| *a == name) {
            Some(i) => i,
            None => {
                accounts.push(name);
                accounts.len() - 1
            }
        };
        Some(Some(i))
    }

    /// A cost line's `funded_by`: whether the capital account pays it.
    /// Only replacements and one-offs are capital spending.
    pub(super) fn funded_by(&mut self, cv: &View<'_, '_>, kind: &str) -> Option<bool> {
        let capital = self.choice(
            cv,
            "funded_by",
            &[("operating", false), ("capital", true)],
            false,
        )?;
        if capital && kind == "annual" {
            self.err_key(
cv,
"funded_by",
"an annual cost is operating spending; only \"renewal\" and \"one_off\" lines can be funded_by = \"capital\"",
            );
            return None;
        }
        Some(capital)
    }
}
