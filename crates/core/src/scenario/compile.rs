//! Compiling the document's tables into the model: the scenario table,
//! economy, evaluation thresholds, variants and each service.

use std::collections::{HashMap, HashSet};

use toml::de::DeValue;

use crate::model::rng::StreamKey;
use crate::model::{
    DiscountBasis, Dist, Domain, Materiality, Prices, Quantity, StopRule, Volatility,
};
use crate::model::{
    Downturn, Economy, Language, Model, Nature, RENAMED_THRESHOLDS, RatePath, Sampling, Service,
    THRESHOLD_KEYS, Thresholds, Variant, Wages,
};

use super::reader::*;
use super::schema::*;

impl Checker {
    pub(super) fn model(&mut self, root: &View<'_, '_>) -> Option<Model> {
        self.unknown_keys(root, ROOT_KEYS, None);
        let sc = self.sub(root, "scenario", true);
        let sc = sc?;
        self.unknown_keys(&sc, SCENARIO_KEYS, None);
        let name = self.string(&sc, "name", true);
        let description = self.string(&sc, "description", false);
        let currency = self
            .string(&sc, "currency", false)
            .unwrap_or_else(|| "KRW".into());
        let unit = self
            .string(&sc, "unit", false)
            .unwrap_or_else(|| "million".into());
        self.unit = ScenarioUnit::of(&currency, &unit);
        let start = self.integer(&sc, "start_year", 1900, 2500, None);
        let horizon = self.integer(&sc, "horizon_years", 1, MAX_HORIZON, None);
        let discount_rate = self.number(
            &sc,
            "discount_rate",
            Range64 {
                lo: -1.0,
                hi: 1.0,
                lo_open: true,
            },
            Some(0.045),
        );
        let discount_basis = self.choice(
            &sc,
            "discount_basis",
            &[
                ("real", DiscountBasis::Real),
                ("nominal", DiscountBasis::Nominal),
            ],
            DiscountBasis::Real,
        );
        let prices = self.choice(
            &sc,
            "prices",
            &[("current", Prices::Current), ("constant", Prices::Constant)],
            Prices::Current,
        );
        let lang = self.choice(
            &sc,
            "lang",
            &[("en", Language::En), ("ko", Language::Ko)],
            Language::En,
        );
        let sampling = self.choice(
            &sc,
            "sampling",
            &[("random", Sampling::Random), ("lhs", Sampling::Lhs)],
            Sampling::Random,
        );
        if prices == Some(Prices::Constant) && discount_basis == Some(DiscountBasis::Nominal) {
            self.err_key(
&sc,
"prices",
"constant prices are discounted at a real rate: with prices = \"constant\", set discount_basis = \"real\" (the default)",
            );
        }
        let locality = self.locality(&sc);
        let trials = self.integer(&sc, "trials", 1, i64::MAX, Some(10_000));
        let seed = self.integer(&sc, "seed", 0, i64::MAX, Some(0));

        let h = Horizon {
            start: start?,
            len: horizon? as usize,
        };
        if let Some(r) = discount_rate {
            self.discounting_fits(&sc, r, h.len);
        }

        let economy = self.economy(root, &h);
        let materiality = self.materiality(&sc, Materiality::default());
        let reserve_fund = self.number(&sc, "reserve_fund", Range64::NON_NEG, Some(0.0));
        let mut accounts = Vec::new();
        let services = self.services(root, &h, materiality.unwrap_or_default(), &mut accounts);
        let variants = self.variants(root);
        let programmes = self.programmes(root, &h);
        let evaluation = self.evaluation(root);
        let provenance = self.provenance(root);
        let mut model = Model {
            name: name?,
            description,
            currency,
            unit,
            start_year: h.start as i32,
            horizon: h.len,
            discount_rate: discount_rate?,
            discount_basis: discount_basis?,
            prices: prices?,
            lang: lang?,
            sampling: sampling?,
            trials: trials? as u64,
            confidence: Vec::new(),
            seed: seed? as u64,
            economy: economy?,
            reserve_fund: reserve_fund?,
            services: services?,
            accounts,
            variants: variants?,
            programmes: programmes?,
            evaluation: evaluation?,
            provenance: provenance?,
            locality: locality?,
            correlations: Vec::new(),
        };
        model.correlations = self.correlations(root, &model)?;
        Some(model)
    }

    /// Refuses a negative discount rate so steep that the last year's
    /// discount factor, (1 + r)^-(years - 1), overflows (or comes within
    /// reach of it once multiplied by any amount): every NPV would be
    /// infinite or meaningless.
    fn discounting_fits(&mut self, sc: &View<'_, '_>, r: f64, years: usize) {
        const LARGEST_FACTOR: f64 = 1e100;
        let n = years.saturating_sub(1) as i32;
        let last = (1.0 + r).powi(-n);
        if last.is_finite() && last <= LARGEST_FACTOR {
            return;
        }
        let Some(v) = sc.get("discount_rate") else {
            return;
        };
        let lowest = LARGEST_FACTOR.powf(-1.0 / f64::from(n.max(1))) - 1.0;
        self.err(
            &v.span(),
            &sc.key_path("discount_rate"),
            format!(
                "a rate of {r} over {years} years makes the last year's discount factor \
                 (1 + r)^-{n} = {last:e}, too large to compute NPVs with; expected a rate of at \
                 least {lowest:.4} for this horizon"
            ),
        );
    }

    pub(super) fn evaluation(&mut self, root: &View<'_, '_>) -> Option<Thresholds> {
        let mut t = Thresholds::default();
        let Some(ev) = self.sub(root, "evaluation", false) else {
            return (!root.has("evaluation")).then_some(t);
        };
        let mut ok = true;
        for (old, new) in RENAMED_THRESHOLDS {
            if ev.has(old) {
                self.err_key(
                    &ev,
                    old,
                    format!(
                        "`{old}` was replaced by `{new}` (funding sustainability is rated on the \
                         chance of a gap per running year, and the canvas is not rated)"
                    ),
                );
                ok = false;
            }
        }
        let renamed: Vec<&str> = RENAMED_THRESHOLDS.iter().map(|(k, _)| *k).collect();
        let known: Vec<&str> = THRESHOLD_KEYS.iter().chain(&renamed).copied().collect();
        self.unknown_keys(&ev, &known, None);
        for key in THRESHOLD_KEYS {
            if ev.has(key) {
                match self.number(&ev, key, Range64::ANY, None) {
                    Some(v) => {
                        t.set(key, v);
                    }
                    None => ok = false,
                }
            }
        }
        let pairs = [
            (
                "gap_per_year",
                t.gap_per_year_amber,
                t.gap_per_year_red,
                true,
            ),
            ("grant_share", t.grant_share_amber, t.grant_share_red, true),
            ("cliff", t.cliff_amber, t.cliff_red, true),
            ("hhi", t.hhi_amber, t.hhi_red, true),
            ("bcr", t.bcr_amber, t.bcr_red, false),
            ("fnpv", t.fnpv_amber, t.fnpv_red, false),
            ("takeover", t.takeover_amber, t.takeover_red, true),
        ];
        for (name, amber, red, rising) in pairs {
            let bad = if rising { red < amber } else { red > amber };
            if bad {
                let span = ev
                    .get(&format!("{name}_red"))
                    .map(|v| v.span())
                    .unwrap_or(ev.span.clone());
                let rel = if rising { ">=" } else { "<=" };
                self.err(
                    &span,
                    &ev.key_path(&format!("{name}_red")),
                    format!("expected {name}_red {rel} {name}_amber (red is the worse end), found {red} and {amber}"),
                );
                ok = false;
            }
        }
        ok.then_some(t)
    }

    pub(super) fn variants(&mut self, root: &View<'_, '_>) -> Option<Vec<Variant>> {
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        let mut ok = true;
        for vv in self.tables(root, "variant") {
            self.unknown_keys(&vv, VARIANT_KEYS, None);
            let name = self.unique_name(&vv, &mut seen, "variant");
            let description = self.string(&vv, "description", false);
            let sets = match self.sub(&vv, "set", false) {
                Some(t) => t.table.keys().map(|k| k.get_ref().to_string()).collect(),
                None if vv.has("set") => {
                    ok = false;
                    Vec::new()
                }
                None => Vec::new(),
            };
            match name {
                Some(name) => out.push(Variant {
                    name,
                    description,
                    sets,
                }),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub(super) fn economy(&mut self, root: &View<'_, '_>, h: &Horizon) -> Option<Economy> {
        let key_inflation = StreamKey::new("", "economy", "inflation");
        let key_downturn = StreamKey::new("", "economy", "downturn");
        let Some(ev) = self.sub(root, "economy", false) else {
            return (!root.has("economy")).then_some(Economy {
                inflation: Quantity {
                    dist: Dist::constant(0.0),
                    domain: INFLATION_DOMAIN,
                },
                inflation_path: RatePath::default(),
                wages: None,
                downturn: None,
                key_inflation,
                key_downturn,
            });
        };
        self.unknown_keys(&ev, ECONOMY_KEYS, None);
        let inflation = self.quantity(&ev, "inflation", INFLATION_DOMAIN, Some(0.0));
        let inflation_path = self.path(&ev, ["inflation_persistence", "realised_inflation"], h);
        let wages = match ev.has("wage_growth") {
            false => {
                for key in ["wage_persistence", "realised_wage_growth"] {
                    if ev.has(key) {
                        self.err_key(&ev, key, "set `wage_growth` too: this key shapes its path");
                    }
                }
                Some(None)
            }
            true => {
                let growth = self.quantity(&ev, "wage_growth", INFLATION_DOMAIN, None);
                let path = self.path(&ev, ["wage_persistence", "realised_wage_growth"], h);
                match (growth, path) {
                    (Some(growth), Some(path)) => Some(Some(Wages {
                        growth,
                        path,
                        key: StreamKey::new("", "economy", "wages"),
                    })),
                    _ => None,
                }
            }
        };
        let downturn = match self.sub(&ev, "downturn", false) {
            None => (!ev.has("downturn")).then_some(None),
            Some(dv) => {
                self.unknown_keys(&dv, DOWNTURN_KEYS, None);
                let p = self.number(&dv, "annual_probability", Range64::PROB, None);
                let d = self.number(
                    &dv,
                    "mean_duration_years",
                    Range64 {
                        lo: 1.0,
                        hi: f64::INFINITY,
                        lo_open: false,
                    },
                    None,
                );
                match (p, d) {
                    (Some(annual_probability), Some(mean_duration_years)) => Some(Some(Downturn {
                        annual_probability,
                        mean_duration_years,
                    })),
                    _ => None,
                }
            }
        };
        Some(Economy {
            inflation: inflation?,
            inflation_path: inflation_path?,
            wages: wages?,
            downturn: downturn?,
            key_inflation,
            key_downturn,
        })
    }

    /// A yearly rate's path: its persistence (`keys[0]`, in [0, 1)) and
    /// its published values (`keys[1]`: a table of calendar years after
    /// the start year to rates).
    fn path(&mut self, ev: &View<'_, '_>, keys: [&str; 2], h: &Horizon) -> Option<RatePath> {
        let persistence = self.number(
            ev,
            keys[0],
            Range64 {
                lo: 0.0,
                hi: 1.0,
                lo_open: false,
            },
            Some(0.0),
        );
        if persistence == Some(1.0) {
            self.err_key(
                ev,
                keys[0],
                "expected a number in [0, 1): 1 never returns to the mean",
            );
            return None;
        }
        let mut realised = Vec::new();
        let mut ok = true;
        if let Some(rv) = self.sub(ev, keys[1], false) {
            for (k, v) in rv.table.iter() {
                let name = k.get_ref();
                let year = name.parse::<i64>().ok();
                match year.map(|y| y - h.start) {
                    Some(t) if t >= 1 && t < h.len as i64 => {
                        let rate = self.number(&rv, name, INFLATION_RANGE, None);
                        match rate {
                            Some(r) => realised.push((t as usize, r)),
                            None => ok = false,
                        }
                    }
                    _ => {
                        self.err(
                            &v.span(),
                            &rv.key_path(name),
                            format!(
                                "expected a calendar year from {} to {} (the start year's prices are the base: it has no rate)",
                                h.start + 1,
                                h.start + h.len as i64 - 1
                            ),
                        );
                        ok = false;
                    }
                }
            }
        }
        realised.sort_by_key(|r| r.0);
        (ok && persistence.is_some()).then(|| RatePath {
            persistence: persistence.unwrap_or_default(),
            realised,
        })
    }

    /// `materiality_share` and `materiality_amount` of a table, each
    /// defaulting to `default`'s.
    fn materiality(&mut self, v: &View<'_, '_>, default: Materiality) -> Option<Materiality> {
        let share = self.number(v, "materiality_share", Range64::PROB, Some(default.share));
        let amount = self.number(
            v,
            "materiality_amount",
            Range64::NON_NEG,
            Some(default.amount),
        );
        Some(Materiality {
            share: share?,
            amount: amount?,
        })
    }

    /// The service's stop rule: `stop_after_gap_years`,
    /// `stop_below_funding_share` and `after_stop_share`.
    fn stop_rule(&mut self, sv: &View<'_, '_>, h: &Horizon) -> Option<StopRule> {
        let years = self.integer(sv, "stop_after_gap_years", 0, h.len as i64, Some(0));
        let share = self.number(sv, "stop_below_funding_share", Range64::PROB, Some(0.0));
        let after = self.number(sv, "after_stop_share", Range64::PROB, Some(0.0));
        Some(StopRule {
            after_gap_years: years? as usize,
            below_funding_share: share?,
            after_stop_share: after?,
        })
    }

    pub(super) fn services(
        &mut self,
        root: &View<'_, '_>,
        h: &Horizon,
        materiality: Materiality,
        accounts: &mut Vec<String>,
    ) -> Option<Vec<Service>> {
        if !root.has("service") {
            self.err(
                &(0..0),
                "service",
                "missing required key: at least one [[service]] table",
            );
            return None;
        }
        let views = self.tables(root, "service");
        if views.is_empty() {
            if let Some(v) = root
                .get("service")
                .filter(|v| matches!(v.get_ref(), toml::de::DeValue::Array(a) if a.is_empty()))
            {
                self.err(
                    &v.span(),
                    "service",
                    "expected at least one [[service]] table, found an empty array",
                );
            }
            return None;
        }
        let mut ids = HashSet::new();
        let mut out = Vec::new();
        let mut ok = true;
        for sv in &views {
            match self.service(sv, h, &mut ids, materiality, accounts) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        (ok && !out.is_empty()).then_some(out)
    }

    // Long by design: reads a service's keys in the order the schema lists
    // them.
    pub(super) fn service(
        &mut self,
        sv: &View<'_, '_>,
        h: &Horizon,
        ids: &mut HashSet<String>,
        materiality: Materiality,
        accounts: &mut Vec<String>,
    ) -> Option<Service> {
        self.unknown_keys(sv, SERVICE_KEYS, None);
        let id = self.string(sv, "id", true);
        if let Some(id) = &id {
            let span = sv.get("id").map(|v| v.span()).unwrap_or(sv.span.clone());
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    format!("expected an id of letters, digits, '-' and '_' (it names output rows and files), found \"{id}\""),
                );
            } else if id.chars().count() > MAX_ID_CHARS {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    format!(
                        "expected an id of at most {MAX_ID_CHARS} characters (it names output files such as fan-<id>.png), found {}",
                        id.chars().count()
                    ),
                );
            } else if !ids.insert(id.to_ascii_lowercase()) {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    format!(
                        "duplicate service id \"{id}\": ids must be unique, ignoring case \
                         (they name output files, and Windows and macOS do not tell \
                         fan-CCTV.png from fan-cctv.png)"
                    ),
                );
            } else if id.eq_ignore_ascii_case("portfolio") {
                self.err(
                    &span,
                    &sv.key_path("id"),
                    format!(
                        "the id \"{id}\" is reserved (in any case) for the total of all services"
                    ),
                );
            }
        }
        let name = self.string(sv, "name", false);
        self.string(sv, "description", false);
        let nature = match self.string(sv, "nature", false).as_deref() {
            None | Some("public") => Some(Nature::Public),
            Some("private") => Some(Nature::Private),
            Some("mixed") => Some(Nature::Mixed),
            Some(other) => {
                self.err_key(
                    sv,
                    "nature",
                    format!("expected \"public\", \"private\" or \"mixed\", found \"{other}\""),
                );
                None
            }
        };
        let operator = self.string(sv, "operator", false);
        let owners = self.string_list(sv, "owners");
        let construction_cost = self.quantity(sv, "construction_cost", Domain::NON_NEGATIVE, None);
        let opens = self.year(sv, "opens", h, Some(0));
        let opex_ratio = self.quantity(sv, "opex_ratio", Domain::NON_NEGATIVE, None);
        let volatility = self.number(sv, "volatility", Range64::VOLATILITY, Some(0.0));
        let construction_grant_share =
            self.number(sv, "construction_grant_share", Range64::PROB, Some(0.0));
        let carry_surplus = self.boolean(sv, "carry_surplus", false);
        let uses_reserve_fund = self.boolean(sv, "uses_reserve_fund", true);
        let labour_share = self.number(sv, "labour_share", Range64::PROB, Some(0.0));
        let materiality = self.materiality(sv, materiality);
        let stop = self.stop_rule(sv, h);
        let canvas = self.canvas(sv);
        let plan = self.plan(sv);
        let account = self.account(sv, accounts);

        let id = id?;
        let opens = opens?;
        let capital = self.capital_account(sv, h, opens);
        let outcome = self.outcome(sv, h);
        let delivery = self.delivery(sv, h, opens);
        let costs = self.cost_lines(sv, h, &id, opens);
        let risks = self.risks(sv, &id);
        let funding = self.funding(sv, h, &id, opens);
        let benefits = self.benefits(sv, h, &id, opens);
        let decision = self.decision(sv, h, (opens, funding.as_deref()));
        Some(Service {
            key: StreamKey::new(&id, "service", "base"),
            name: name.unwrap_or_else(|| id.clone()),
            id,
            nature: nature?,
            operator,
            owners: owners?,
            construction_cost: construction_cost?,
            opens,
            opex_ratio: opex_ratio?,
            volatility: Volatility::new(volatility?),
            carry_surplus,
            uses_reserve_fund,
            labour_share: labour_share?,
            construction_grant_share: construction_grant_share?,
            materiality: materiality?,
            stop: stop?,
            capital: capital?,
            delivery: delivery?,
            account: account?,
            outcome: outcome?,
            decision: decision?,
            costs: costs?,
            risks: risks?,
            funding: funding?,
            benefits: benefits?,
            canvas: canvas?,
            plan: plan?,
        })
    }

    pub(super) fn string_list(&mut self, view: &View<'_, '_>, key: &str) -> Option<Vec<String>> {
        let Some(v) = view.get(key) else {
            return Some(Vec::new());
        };
        let bad = |c: &mut Checker| {
            c.err(
                &v.span(),
                &view.key_path(key),
                "expected an array of strings, such as [\"City\", \"Operator Ltd\"]",
            );
            None
        };
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for it in items.iter() {
                    match it.get_ref() {
                        DeValue::String(s) => {
                            out.push(self.text(&it.span(), &view.key_path(key), "name", s)?)
                        }
                        _ => return bad(self),
                    }
                }
                Some(out)
            }
            _ => bad(self),
        }
    }

    pub(super) fn canvas(&mut self, sv: &View<'_, '_>) -> Option<Vec<(String, String)>> {
        let Some(cv) = self.sub(sv, "canvas", false) else {
            return (!sv.has("canvas")).then(Vec::new);
        };
        self.unknown_keys(&cv, CANVAS_KEYS, None);
        let mut out = Vec::new();
        for key in CANVAS_KEYS {
            if let Some(s) = self.string(&cv, key, false) {
                out.push((key.to_string(), s));
            }
        }
        Some(out)
    }

    /// Parses every `[[service.<key>]]` table with `one`, which gets the
    /// line's (unique) name and returns the line, or None once it has
    /// reported the line's problems.
    pub(super) fn lines<T>(
        &mut self,
        sv: &View<'_, '_>,
        key: &str,
        what: &str,
        mut one: impl FnMut(&mut Checker, &View<'_, '_>, Option<String>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        let mut ok = true;
        for v in self.tables(sv, key) {
            let name = self.unique_name(&v, &mut seen, what);
            match one(self, &v, name) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}
