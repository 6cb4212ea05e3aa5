//! What `fundgap check` prints: the scenario as the model understood
//! it, service by service, so a reader can confirm every line was read as
//! meant.

mod plausibility;
mod programmes;
mod provenance;
mod review;
mod rules;

use rules::decision_rules;

pub use programmes::programmes;

use std::fmt::Write;

use super::lang::Words;
use fundgap::format::{percent, thousands};
use fundgap::model::{
    CostKind, CostLine, Follows, FundingKind, GrantSize, Language, Model, Payer, RenewalSize,
    Stream, StreamKind, Unmatched,
};

fn window(model: &Model, from: usize, to: usize) -> String {
    format!("{}–{}", model.year(from), model.year(to))
}

/// What a cost line charges, for `fundgap check`.
fn cost_what(model: &Model, c: &CostLine, w: Words) -> String {
    let ko = w.ko();
    match &c.kind {
        CostKind::Renewal { size, every_years } => {
            let size = match size {
                RenewalSize::ShareOfConstruction(q) if ko => format!("건설비의 {}", q.describe()),
                RenewalSize::ShareOfConstruction(q) => format!("{} of construction", q.describe()),
                RenewalSize::Amount(q) => q.describe(),
            };
            match ko {
                false => format!("{size} every {} years", every_years.describe()),
                true => format!("{}년마다 {size}", every_years.describe()),
            }
        }
        CostKind::Annual {
            amount, from, to, ..
        } => {
            let (amount, years) = (amount.describe(), window(model, *from, *to));
            match ko {
                false => format!("{amount} a year, {years}"),
                true => format!("연 {amount}, {years}"),
            }
        }
        CostKind::OneOff { amount, year } => match ko {
            false => format!("{} in {}", amount.describe(), model.year(*year)),
            true => format!("{}년 {}", model.year(*year), amount.describe()),
        },
    }
}

/// What a funding stream pays, for `fundgap check`.
fn stream_what(model: &Model, f: &Stream, w: Words) -> String {
    let years = window(model, f.from, f.to);
    let ko = w.ko();
    match &f.kind {
        StreamKind::Grant {
            size,
            withdrawal_hazard,
            match_share,
            unmatched,
            cap,
            clawback_charge,
            payer,
        } => {
            let payer = match (payer, ko) {
                (Payer::National, _) => "",
                (Payer::Province, false) => "the province's (시·도비): ",
                (Payer::Province, true) => "시·도비: ",
            };
            let decided = match (cap, size, ko) {
                (Some(c), _, false) => format!(", at most {c} a year (decided amount)"),
                (Some(c), _, true) => format!(", 연 {c} 한도 (교부결정액)"),
                (None, GrantSize::ShareOfCost(_), false) => {
                    ", no decided amount: assumed to grow with overruns (set `cap`)".to_string()
                }
                (None, GrantSize::ShareOfCost(_), true) => {
                    ", 교부결정액 없음: 초과 비용만큼 늘어난다고 가정 (`cap` 지정)".to_string()
                }
                (None, GrantSize::Amount(_), _) => String::new(),
            };
            let charge = match (*clawback_charge > 0.0, ko) {
                (false, _) => String::new(),
                (true, false) => format!(
                    ", repaid with a sanction surcharge of {clawback_charge} times the repayment"
                ),
                (true, true) => format!(", 반환 시 제재부가금 (반환액의 {clawback_charge}배)"),
            };
            let size = match (size, ko) {
                (GrantSize::Amount(q), false) => format!("{} a year", q.describe()),
                (GrantSize::Amount(q), true) => format!("연 {}", q.describe()),
                (GrantSize::ShareOfCost(q), false) => format!("{} of cost", q.describe()),
                (GrantSize::ShareOfCost(q), true) => format!("비용의 {}", q.describe()),
            };
            let matched = match (*match_share > 0.0, ko) {
                (false, _) => String::new(),
                (true, false) => format!(
                    ", needs {match_share} of local budget money per unit ({} where unmatched)",
                    unmatched.describe()
                ),
                (true, true) => format!(
                    ", 1단위당 지방비 {match_share} 대응 필요 (대응하지 못하면 {})",
                    match unmatched {
                        Unmatched::Cut => "그만큼 감액",
                        Unmatched::Withdraw => "그해부터 영구 중단",
                        Unmatched::Clawback => "그해부터 영구 중단, 받은 보조금 반환",
                    }
                ),
            };
            format!(
                "{payer}{size}{decided}, {years}, {} {}{matched}{charge}",
                w.t("withdrawal hazard", "중단 위험"),
                withdrawal_hazard.describe()
            )
        }
        StreamKind::Budget {
            amount,
            growth,
            follows: Follows::Fixed,
            ..
        } => match ko {
            false => format!(
                "{} a year, growth {growth}, {years}; a path fixed in advance (`follows = \"settled\"` makes it follow cost)",
                amount.describe()
            ),
            true => format!(
                "연 {}, 증가율 {growth}, {years}; 미리 정한 경로 (`follows = \"settled\"`이면 결산 비용을 따름)",
                amount.describe()
            ),
        },
        StreamKind::Budget {
            amount,
            growth,
            follows:
                Follows::Settled {
                    policy,
                    supplementary,
                    supplementary_cap,
                    plan: false,
                    first_stated,
                },
            ..
        } => {
            let first = match (first_stated, ko) {
                (true, _) => amount.describe(),
                (false, false) => format!("{policy} x the planned cost"),
                (false, true) => format!("계획 비용 x {policy}"),
            };
            match ko {
                false => format!(
                    "appropriated each year: {first} in the first, then {policy} x last year's settled cost x (1 + {growth}), {years}; \
                     an overrun gets a supplementary budget with chance {supplementary}, up to {supplementary_cap} x the appropriation"
                ),
                true => format!(
                    "매년 편성: 첫해 {first}, 이후 전년도 결산 비용 x {policy} x (1 + {growth}), {years}; \
                     초과 비용은 확률 {supplementary}로 추가경정예산 (편성액의 {supplementary_cap}배 이내)"
                ),
            }
        }
        StreamKind::Budget {
            follows:
                Follows::Settled {
                    policy,
                    supplementary,
                    supplementary_cap,
                    plan: true,
                    ..
                },
            ..
        } => match ko {
            false => format!(
                "appropriated each year on the plan: {policy} x the planned operating cost (construction x opex ratio and the annual and one-off lines), at the expected prices, {years}; \
                 an overrun gets a supplementary budget with chance {supplementary}, up to {supplementary_cap} x the appropriation"
            ),
            true => format!(
                "매년 계획에 따라 편성: 계획 운영비(건설비 x 운영비 비율, 연간·일회성 비용 항목 포함) x {policy}, 예상 물가 반영, {years}; \
                 초과 비용은 확률 {supplementary}로 추가경정예산 (편성액의 {supplementary_cap}배 이내)"
            ),
        },
        StreamKind::Fees {
            saturation_users,
            price,
            ..
        } => {
            // A price is a small fraction of a million-won unit: say it in
            // won too, so that a slip of unit shows.
            let won = fundgap::format::won_per_unit(model.currency(), model.unit())
                .filter(|&w| w > 1.0)
                .map(|w| {
                    let won = fundgap::format::thousands(price.mean() * w, 0);
                    match ko {
                        false => format!(" (mean {won} won a user a year)"),
                        true => format!(" (평균 1명당 연 {won}원)"),
                    }
                })
                .unwrap_or_default();
            let (users, price) = (saturation_users.describe(), price.describe());
            match ko {
                false => format!("{users} users at saturation x price {price}{won}, {years}"),
                true => format!("포화 시 이용자 {users} x 요금 {price}{won}, {years}"),
            }
        }
        StreamKind::Contract {
            amount,
            exit_hazard,
            downturn_exit_hazard,
            ..
        } => match ko {
            false => format!(
                "{} a year, {years}, exit hazard {} ({} in downturns)",
                amount.describe(),
                exit_hazard.describe(),
                downturn_exit_hazard.describe()
            ),
            true => format!(
                "연 {}, {years}, 이탈 위험 {} (경기 침체 시 {})",
                amount.describe(),
                exit_hazard.describe(),
                downturn_exit_hazard.describe()
            ),
        },
        StreamKind::Reserve { balance } => {
            format!(
                "{} {}",
                w.t("opening balance", "기초 잔액"),
                balance.describe()
            )
        }
    }
}

/// A rate's persistence and published years, for `fundgap check`.
fn rate_path(model: &Model, path: &fundgap::model::RatePath, w: Words) -> String {
    let mut out = String::new();
    if path.persistence > 0.0 {
        let phi = path.persistence;
        let _ = match w.ko() {
            false => write!(out, ", persistent year to year (AR(1), {phi})"),
            true => write!(out, ", 전년도 값에 이어짐 (AR(1), {phi})"),
        };
    }
    if !path.realised.is_empty() {
        let years: Vec<String> = path
            .realised
            .iter()
            .map(|&(t, r)| format!("{} {}", model.year(t), percent(r, 1)))
            .collect();
        let _ = write!(
            out,
            ", {} {}",
            w.t("published:", "공표값:"),
            years.join(", ")
        );
    }
    out
}

/// A scenario keyword as `check` shows it: itself in English; in Korean,
/// its meaning with the keyword the file uses ("보조금(grant)"). A
/// funding stream's kind takes the name every report gives it
/// ([`crate::lang::funding_kind`]).
fn keyword(key: &str, w: Words) -> String {
    let korean = match key {
        "public" => "공공",
        "mixed" => "혼합",
        "private" => "민간",
        "renewal" => "교체",
        "annual" => "연간",
        "one_off" => "일회성",
        _ => match FundingKind::ALL.iter().find(|k| k.as_str() == key) {
            Some(&k) => crate::lang::funding_kind(k, Words(Language::Ko)),
            None => return key.to_string(),
        },
    };
    match w.ko() {
        true => format!("{korean}({key})"),
        false => key.to_string(),
    }
}

/// The likely slips in a scenario's figures that `check` warns of (an
/// amount in the wrong unit, a percentage written for a share), one
/// indented line each, for `run` to repeat before it simulates: empty when
/// there are none.
pub fn likely_slips(model: &Model, lang: Language) -> String {
    plausibility::describe(model, Words(lang), false)
}

/// What `fundgap check` prints: what the scenario describes, in `lang`.
/// Amounts stay in the file's own unit: this is the file read back.
// Long by design: what `check` prints, line by line, in printing order.
pub fn describe(model: &Model, label: &str, lang: Language) -> String {
    let w = Words(lang);
    let ko = w.ko();
    let mut out = String::new();
    let _ = writeln!(out, "{label}: OK — \"{}\"", model.name());
    if let Some(d) = &model.description() {
        let _ = writeln!(out, "  {d}");
    }
    let (from, to, years) = (model.start_year(), model.end_year(), model.horizon());
    let (currency, unit) = (model.currency(), model.unit());
    let prices = crate::terminal::prices_note(model, lang);
    let rate = model.discount_rate() * 100.0;
    let basis = match (model.discount_basis().as_str(), ko) {
        ("real", true) => "실질",
        ("nominal", true) => "명목",
        (b, _) => b,
    };
    let (trials, seed) = (thousands(model.trials() as f64, 0), model.seed());
    let _ = writeln!(
        out,
        "  {}",
        match ko {
            false => format!(
                "{from}–{to} ({years} years), {currency} {unit}{prices}, discount rate {rate:.1}% {basis}, {trials} trials, seed {seed}"
            ),
            true => format!(
                "{from}–{to}년 ({years}년), 금액 단위 {}{prices}, 할인율 {rate:.1}% {basis}, 시행 {trials}회, 시드 {seed}",
                fundgap::format::korean_unit(currency, unit)
                    .map_or_else(|| format!("{currency} {unit}"), str::to_string)
            ),
        }
    );
    let infl = model.economy().inflation.describe();
    let downturn = match (model.economy().downturn, ko) {
        (Some(d), false) => format!(
            "downturns start with {} a year and last {:.1} years on average",
            percent(d.annual_probability, 0),
            d.mean_duration_years
        ),
        (Some(d), true) => format!(
            "경기 침체가 연 {} 확률로 시작해 평균 {:.1}년 지속",
            percent(d.annual_probability, 0),
            d.mean_duration_years
        ),
        (None, _) => w.t("no downturns", "경기 침체 없음").to_string(),
    };
    let _ = writeln!(
        out,
        "  {} {infl}{}; {downturn}",
        w.t("economy: inflation", "경제: 물가상승률"),
        rate_path(model, &model.economy().inflation_path, w)
    );
    if let Some(wg) = &model.economy().wages {
        let _ = writeln!(
            out,
            "  {} {}{}",
            w.t("wage growth", "임금상승률"),
            wg.growth.describe(),
            rate_path(model, &wg.path, w)
        );
    }
    if model.reserve_fund() > 0.0 {
        let cap = thousands(model.reserve_fund(), 0);
        let users = model.services().iter().filter(|s| s.uses_reserve_fund);
        let ids: Vec<&str> = users.map(|s| s.id.as_str()).collect();
        let ids = ids.join(", ");
        let _ = writeln!(
            out,
            "  {}",
            match ko {
                false => format!(
                    "reserve fund (예비비): {cap} a year in start-year prices, drawn in this order by {ids}"
                ),
                true => format!("예비비: 연 {cap} (기준연도 가격), 사용 순서: {ids}"),
            }
        );
    }
    let n = model.services().len();
    let _ = writeln!(
        out,
        "  {}",
        match ko {
            false => format!("{n} services:"),
            true => format!("서비스 {n}개:"),
        }
    );
    for s in model.services() {
        let operator = s
            .operator
            .as_deref()
            .unwrap_or(w.t("none named", "지정 안 됨"));
        let _ = writeln!(
            out,
            "  - {} \"{}\" ({}, {}: {operator})",
            s.id,
            s.name,
            keyword(s.nature.as_str(), w),
            w.t("operator", "운영자"),
        );
        let opens = model.year(s.opens);
        let (cost, mean) = (
            s.construction_cost.describe(),
            thousands(s.construction_cost.mean(), 0),
        );
        let opex = s.opex_ratio.describe();
        let mut vol = if s.volatility.sd() > 0.0 {
            format!(", {} {}", w.t("volatility", "변동성"), s.volatility.sd())
        } else {
            String::new()
        };
        if s.labour_share > 0.0 {
            let share = percent(s.labour_share, 0);
            vol.push_str(&match (model.economy().wages.is_some(), ko) {
                (true, false) => format!(", {share} of it follows wages"),
                (true, true) => format!(", 그중 {share}는 임금을 따름"),
                (false, false) => {
                    format!(", labour share {share} (no wage_growth: it follows prices)")
                }
                (false, true) => format!(", 인건비 비중 {share} (wage_growth 없음: 물가를 따름)"),
            });
        }
        let _ = writeln!(
            out,
            "      {}",
            match ko {
                false => format!(
                    "opens {opens}; construction {cost} (mean {mean}); opex ratio {opex}{vol}"
                ),
                true =>
                    format!("{opens}년 개시; 건설비 {cost} (평균 {mean}); 운영비 비율 {opex}{vol}"),
            }
        );
        out.push_str(&decision_rules(s, w, model));
        if let Some(o) = &s.outcome {
            let by = model.year(o.by);
            let _ = writeln!(
                out,
                "      {}",
                match (o.stopped, ko) {
                    (true, false) => format!(
                        "outcome on record: stopped by the end of {by} ({})",
                        o.source
                    ),
                    (false, false) => format!(
                        "outcome on record: still running by the end of {by} ({})",
                        o.source
                    ),
                    (true, true) => format!("기록된 결과: {by}년 말까지 중단 ({})", o.source),
                    (false, true) => format!("기록된 결과: {by}년 말까지 운영 중 ({})", o.source),
                }
            );
        }
        if let Some(a) = s.account {
            let name = &model.accounts()[a];
            let _ = writeln!(
                out,
                "      {}",
                match ko {
                    false => format!(
                        "money in special account \"{name}\": its yearly surplus covers gaps of the account's other services in the portfolio"
                    ),
                    true => format!(
                        "특별회계 \"{name}\" 소속: 해마다 남는 돈으로 같은 회계의 다른 서비스 부족을 메움"
                    ),
                }
            );
        }
        for c in &s.costs {
            let what = cost_what(model, c, w);
            let capital = if c.capital {
                w.t(
                    " (capital: paid by the capital account)",
                    " (자본 항목: 자본 계정에서 지출)",
                )
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "      {} {} \"{}\": {what}{capital}",
                w.t("cost", "비용"),
                keyword(c.kind.as_str(), w),
                c.name
            );
        }
        for r in &s.risks {
            let (p, cost, x, years) = (
                r.annual_probability.describe(),
                r.cost.describe(),
                r.opex_multiplier,
                r.duration_years,
            );
            let _ = writeln!(
                out,
                "      {}",
                match ko {
                    false => format!(
                        "risk \"{}\": probability {p} a year, cost {cost}, opex x{x} for {years} year(s)",
                        r.name
                    ),
                    true => format!(
                        "위험 \"{}\": 연 확률 {p}, 비용 {cost}, {years}년간 운영비 x{x}",
                        r.name
                    ),
                }
            );
        }
        for f in &s.funding {
            let what = stream_what(model, f, w);
            let _ = writeln!(
                out,
                "      {} {} \"{}\": {what}",
                w.t("funding", "재원"),
                keyword(f.funding_kind().as_str(), w),
                f.name
            );
        }
        for b in &s.benefits {
            let (amount, years) = (b.annual.describe(), window(model, b.from, b.to));
            let _ = writeln!(
                out,
                "      {} \"{}\": {}",
                w.t("benefit", "편익"),
                b.name,
                match ko {
                    false => format!("{amount} a year, {years}"),
                    true => format!("연 {amount}, {years}"),
                }
            );
        }
    }
    // Likely slips first: the list of unsourced inputs can be long.
    out.push_str(&plausibility::describe(model, w, true));
    out.push_str(&provenance::describe(model, w));
    out.push_str(&review::describe(model, w));
    out
}
