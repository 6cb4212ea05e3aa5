//! The scorecard's money criteria, each rating one service (or the
//! portfolio) green, amber or red with a one-line reason: whether the
//! money lasts in the years it runs, how much hangs on grants, how many
//! legs the funding stands on, and whether it is worth it.

use super::*;

/// Rated on the chance of a gap per year the service runs: P(any gap)
/// spread over its expected running years (the years from opening, less
/// those it is closed in), so a long horizon is not rated worse for being
/// long. A decision to stop is rated under grant dependency, not here.
/// For the portfolio (`closed_counts` false) every year from the first
/// opening counts: its P(stopped) is the chance that some service closed,
/// while the others run on.
pub(super) fn sustainability(
    e: &EntityStats,
    (opens, closed_counts): (usize, bool),
    t: &Thresholds,
    say: &Say,
) -> Score {
    let p = e.p_any_gap;
    let running: f64 = e.yearly[opens.min(e.yearly.len())..]
        .iter()
        .map(|y| match closed_counts {
            true => 1.0 - y.p_stopped.estimate,
            false => 1.0,
        })
        .sum();
    let yearly = per_year(p.estimate, running);
    let interval = |e: f64, lo: f64, hi: f64| percent_interval(e, lo, hi, 1);
    let any = interval(p.estimate, p.lo, p.hi);
    let (p95, cvar) = (
        say.money.fmt(e.gap_npv.p95),
        say.money.fmt(e.gap_npv_cvar95),
    );
    let unit = say.money.label();
    let each = percent(yearly, 1);
    let reason = match (e.first_year_p_gap_over_50, say.ko()) {
        (y, false) => format!(
            "P(any gap) {any} over {running:.1} running years: {each} a year; P(gap) > 50% {}; gap NPV P95 {p95}, CVaR95 {cvar} {unit}",
            y.map(|y| format!("from {y}"))
                .unwrap_or_else(|| "in no year".into()),
        ),
        (y, true) => format!(
            "부족 확률 {any}, 운영 {running:.1}년 기준 연 {each}; 연도별 부족 확률 50% 초과 {}; 부족액 현가 P95 {p95}, CVaR95 {cvar} {unit}",
            y.map(|y| format!("{y}년부터"))
                .unwrap_or_else(|| "없음".into()),
        ),
    };
    Score {
        criterion: "funding_sustainability",
        rating: Rating::rising(yearly, t.gap_per_year_amber, t.gap_per_year_red),
        value: Some(yearly),
        reason,
    }
}

/// The yearly chance `q` with 1 - (1 - q)^years = `p`: a chance over
/// `years` as a chance per year (`p` itself within a year or less).
pub(super) fn per_year(p: f64, years: f64) -> f64 {
    if years <= 1.0 || p >= 1.0 {
        return p;
    }
    1.0 - (1.0 - p).powf(1.0 / years)
}

/// Last grant year, cliff, and coverage after grants for an entity.
pub(super) fn grant_cliff(
    model: &Model,
    e: &EntityStats,
    last: Option<usize>,
) -> (Option<f64>, Option<f64>) {
    let Some(l) = last else {
        return (None, None);
    };
    let h = model.horizon;
    if l + 1 >= h {
        return (None, None);
    }
    // Coverage (funding over cost) rather than funding, so that a service
    // that stops or shrinks after the grant does not read as losing money
    // it no longer needs.
    let cover =
        |y: &crate::stats::YearStats| (y.cost_mean > 0.0).then(|| y.funding_mean / y.cost_mean);
    let (f, c): (f64, f64) = e.yearly[l + 1..].iter().fold((0.0, 0.0), |(f, c), y| {
        (f + y.funding_mean, c + y.cost_mean)
    });
    let after = (c > 0.0).then(|| f / c);
    let cliff = match (cover(&e.yearly[l]), after) {
        (Some(b), Some(a)) if b > 0.0 => Some((1.0 - a / b).max(0.0)),
        _ => None,
    };
    (cliff, after)
}

/// Rated on the worst of: the share of all money, construction included,
/// that came from grants (national, and the province's where the scenario
/// has any: `provincial`); how much of the cost coverage is lost once
/// grants end; and the chance that the take-over decision does not keep
/// the service on as it is.
pub(super) fn grant_dependency(
    e: &EntityStats,
    t: &Thresholds,
    (last, provincial): (Option<i32>, bool),
    (cliff, cover, takeover): (Option<f64>, Option<f64>, Option<f64>),
    say: &Say,
) -> Score {
    let share = Rating::rising(e.grant_share_total, t.grant_share_amber, t.grant_share_red);
    let drop = cliff.map_or(Rating::Green, |c| {
        Rating::rising(c, t.cliff_amber, t.cliff_red)
    });
    let decided = takeover.map_or(Rating::Green, |p| {
        Rating::rising(p, t.takeover_amber, t.takeover_red)
    });
    let pct = percent(e.grant_share_total, 0);
    let ko = say.ko();
    let after = match (cliff, cover, ko) {
        (Some(c), Some(v), false) if c > 0.0 => format!(
            "cost coverage drops {} to {} of cost",
            percent(c, 0),
            percent(v, 0)
        ),
        (Some(c), Some(v), true) if c > 0.0 => format!(
            "비용 충당률 {} 감소 (비용의 {})",
            percent(c, 0),
            percent(v, 0)
        ),
        (_, Some(v), false) => format!("funding covers {} of cost", percent(v, 0)),
        (_, Some(v), true) => format!("재원이 비용의 {} 충당", percent(v, 0)),
        (_, None, false) => "no cost in the years after".to_string(),
        (_, None, true) => "비용 없음".to_string(),
    };
    let decision = takeover.map_or(String::new(), |p| match ko {
        false => format!(
            "; the take-over decision stops or shrinks it with chance {}",
            percent(p, 0)
        ),
        true => format!("; 인수 결정에서 중단·축소될 확률 {}", percent(p, 0)),
    });
    // A 시·도's grant is a grant too (지방재정법 제23조②), so it counts in
    // the share; the text says whose money it is.
    let whose = match (provincial, ko) {
        (false, false) => "national grants",
        (true, false) => "national and provincial grants",
        (false, true) => "국비",
        (true, true) => "국비·시·도비",
    };
    let reason = match (last, ko) {
        (None, false) => format!(
            "{pct} of all money, construction included, from {whose}; no operating grants{decision}"
        ),
        (None, true) => {
            format!("건설비 포함 전체 재원의 {pct}가 {whose}; 운영 보조금 없음{decision}")
        }
        (Some(y), false) => format!(
            "{pct} of all money, construction included, from {whose}; after the last grant year {y} {after}{decision}"
        ),
        (Some(y), true) => format!(
            "건설비 포함 전체 재원의 {pct}가 {whose}; 마지막 보조금 연도({y}년) 이후 {after}{decision}"
        ),
    };
    Score {
        criterion: "grant_dependency",
        rating: share.max(drop).max(decided),
        value: Some(e.grant_share_total),
        reason,
    }
}

/// HHI of mean funding across kinds over the horizon (reserve draws count).
pub(super) fn hhi(e: &EntityStats) -> f64 {
    let mut totals = [0.0; FundingKind::COUNT];
    for y in &e.yearly {
        for (t, v) in totals.iter_mut().zip(y.funding_by_kind_mean) {
            *t += v;
        }
    }
    let sum: f64 = totals.iter().sum();
    if sum <= 0.0 {
        return 1.0;
    }
    totals.iter().map(|v| (v / sum).powi(2)).sum()
}

pub(super) fn diversity(streams: usize, h: f64, t: &Thresholds, say: &Say) -> Score {
    let rating = if streams <= 1 {
        Rating::Red
    } else {
        Rating::rising(h, t.hhi_amber, t.hhi_red)
    };
    Score {
        criterion: "revenue_diversity",
        rating,
        value: Some(h),
        reason: if say.ko() {
            format!("재원 {streams}개; 재원 유형 집중도(HHI) {h:.2}")
        } else {
            format!("{streams} funding stream(s); concentration across kinds (HHI) {h:.2}")
        },
    }
}

pub(super) fn value(
    nature: Nature,
    e: &EntityStats,
    fnpv: f64,
    t: &Thresholds,
    say: &Say,
) -> Score {
    match nature {
        Nature::Public => match e.bcr {
            Some(b) => Score {
                criterion: "value",
                rating: Rating::falling(b, t.bcr_amber, t.bcr_red),
                value: Some(b),
                reason: if say.ko() {
                    format!("편익/비용 비율 {b:.2} (사회·환경 편익 / 생애주기비용)")
                } else {
                    format!(
                        "benefit-cost ratio {b:.2} (social and environmental benefits / life-cycle cost)"
                    )
                },
            },
            // Not shown is rated as shown to fall short: declaring
            // benefits can only raise the rating.
            None => Score {
                criterion: "value",
                rating: Rating::Red,
                value: None,
                reason: say
                    .t(
                        "no social or environmental benefits declared: its value is not shown",
                        "사회·환경 편익이 없어 가치가 제시되지 않음",
                    )
                    .into(),
            },
        },
        Nature::Private | Nature::Mixed => {
            let ratio = if e.lcc_npv.mean > 0.0 {
                fnpv / e.lcc_npv.mean
            } else {
                0.0
            };
            Score {
                criterion: "value",
                rating: Rating::falling(ratio, t.fnpv_amber, t.fnpv_red),
                value: Some(fnpv),
                reason: if say.ko() {
                    format!(
                        "재무적 순현재가치(이용료·계약 수입 − 생애주기비용) {} = 생애주기비용의 {}",
                        say.money.with_unit(fnpv),
                        percent(ratio, 0)
                    )
                } else {
                    format!(
                        "financial NPV (fees and contracts minus life-cycle cost) {} = {} of life-cycle cost",
                        say.money.fmt(fnpv),
                        percent(ratio, 0)
                    )
                },
            }
        }
    }
}
