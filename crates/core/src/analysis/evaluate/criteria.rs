//! The seven criteria of the scorecard, each rating one service (or the
//! portfolio's money) green, amber or red with a one-line reason.

use super::*;

/// Canvas blocks counted (the nine of the Business Model Canvas, plus social
/// and environmental cost and benefit as one entry).
const BLOCKS: [&str; 9] = [
    "key_partners",
    "key_activities",
    "key_resources",
    "value_proposition",
    "customer_relationships",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
];

pub(super) fn canvas(s: &Service, t: &Thresholds, say: &Say) -> Score {
    let has = |k: &str| {
        s.canvas
            .iter()
            .any(|(key, v)| key == k && !v.trim().is_empty())
    };
    let mut missing = Vec::new();
    let mut n = 0;
    for b in BLOCKS {
        let described = match b {
            // Declared by the model itself when lines exist.
            "cost_structure" => has(b) || !s.costs.is_empty() || s.opex_ratio.mean() > 0.0,
            "revenue_streams" => has(b) || !s.funding.is_empty(),
            _ => has(b),
        };
        if described {
            n += 1;
        } else {
            missing.push(b);
        }
    }
    let social = [
        "social_cost",
        "social_benefit",
        "environmental_cost",
        "environmental_benefit",
    ]
    .iter()
    .any(|k| has(k))
        || !s.benefits.is_empty();
    if social {
        n += 1;
    } else {
        missing.push(say.t(
            "social/environmental cost and benefit",
            "사회·환경 비용과 편익",
        ));
    }
    let rating = Rating::falling(n as f64, t.canvas_amber, t.canvas_red);
    let reason = match (missing.is_empty(), say.ko()) {
        (true, false) => "all 10 canvas entries described".to_string(),
        (true, true) => "캔버스 10개 항목 모두 기술됨".to_string(),
        (false, false) => format!(
            "{n} of 10 canvas entries described; missing: {}",
            missing.join(", ")
        ),
        (false, true) => format!(
            "캔버스 10개 항목 중 {n}개 기술됨; 빠진 항목: {}",
            missing.join(", ")
        ),
    };
    Score {
        criterion: "canvas",
        rating,
        value: Some(n as f64),
        reason,
    }
}

pub(super) fn responsibility(s: &Service, say: &Say) -> Score {
    let owners = s.owners.join(", ");
    let ko = say.ko();
    let (rating, reason) = match (&s.operator, s.owners.len()) {
        (None, n) if n >= 2 => (
            Rating::Red,
            if ko {
                format!("소유 기관이 여럿({owners})이나 주관 운영자가 지정되지 않음")
            } else {
                format!("several owners ({owners}) and no lead operator named")
            },
        ),
        (None, _) => (
            Rating::Red,
            say.t(
                "no operator named: nobody is accountable for running it",
                "운영자가 지정되지 않음: 운영 책임 주체가 없음",
            )
            .to_string(),
        ),
        (Some(op), n) if n >= 2 && !s.owners.iter().any(|o| o == op) => (
            Rating::Amber,
            if ko {
                format!("소유 기관이 여럿({owners})이고 운영자 \"{op}\"는 그중 어느 기관도 아님")
            } else {
                format!("several owners ({owners}) and the operator \"{op}\" is none of them")
            },
        ),
        (Some(op), n) if n >= 2 => (
            Rating::Green,
            if ko {
                format!("\"{op}\"이(가) 소유 기관 {n}곳을 주관")
            } else {
                format!("\"{op}\" leads {n} owners")
            },
        ),
        (Some(op), _) => (
            Rating::Green,
            if ko {
                format!("운영자: \"{op}\"")
            } else {
                format!("operated by \"{op}\"")
            },
        ),
    };
    Score {
        criterion: "responsibility",
        rating,
        value: None,
        reason,
    }
}

/// Rated on the worse of P(any gap) and P(stopped): a service whose
/// operator carries its losses never gaps for the city, but one that a
/// decision (the city's or its operator's) ends is not sustained either.
pub(super) fn sustainability(e: &EntityStats, t: &Thresholds, say: &Say) -> Score {
    let p = e.p_any_gap;
    let stop = e.p_stop;
    let worst = p.estimate.max(stop.estimate);
    let interval = |e: f64, lo: f64, hi: f64| {
        format!("{} [{}–{}]", percent(e, 1), percent(lo, 1), percent(hi, 1))
    };
    let stops = if stop.estimate > 0.0 {
        format!(
            "; {} {}",
            say.t("P(stopped by a decision)", "결정에 의한 중단 확률"),
            interval(stop.estimate, stop.lo, stop.hi)
        )
    } else {
        String::new()
    };
    let any = interval(p.estimate, p.lo, p.hi);
    let (p95, cvar) = (
        say.money.fmt(e.gap_npv.p95),
        say.money.fmt(e.gap_npv_cvar95),
    );
    let unit = say.money.label();
    let reason = match (e.first_year_p_gap_over_50, say.ko()) {
        (y, false) => format!(
            "P(any gap) {any}; P(gap) > 50% {}; gap NPV P95 {p95}, CVaR95 {cvar} {unit}{stops}",
            y.map(|y| format!("from {y}"))
                .unwrap_or_else(|| "in no year".into()),
        ),
        (y, true) => format!(
            "부족 확률 {any}; 연도별 부족 확률 50% 초과 {}; 부족액 현가 P95 {p95}, CVaR95 {cvar} {unit}{stops}",
            y.map(|y| format!("{y}년부터"))
                .unwrap_or_else(|| "없음".into()),
        ),
    };
    Score {
        criterion: "funding_sustainability",
        rating: Rating::rising(worst, t.p_any_gap_amber, t.p_any_gap_red),
        value: Some(worst),
        reason,
    }
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
    let before = e.yearly[l].funding_mean;
    let after = e.yearly[l + 1].funding_mean;
    let cliff = (before > 0.0).then(|| ((before - after) / before).max(0.0));
    let (f, c): (f64, f64) = e.yearly[l + 1..].iter().fold((0.0, 0.0), |(f, c), y| {
        (f + y.funding_mean, c + y.cost_mean)
    });
    (cliff, (c > 0.0).then(|| f / c))
}

pub(super) fn grant_dependency(
    e: &EntityStats,
    t: &Thresholds,
    last: Option<i32>,
    (cliff, cover): (Option<f64>, Option<f64>),
    say: &Say,
) -> Score {
    let share = Rating::rising(e.grant_share, t.grant_share_amber, t.grant_share_red);
    let drop = cliff.map_or(Rating::Green, |c| {
        Rating::rising(c, t.cliff_amber, t.cliff_red)
    });
    let pct = percent(e.grant_share, 0);
    let fall = cliff.map(|c| percent(c, 0)).unwrap_or_else(|| "-".into());
    let reason = match (last, say.ko()) {
        (None, false) => format!("no grants; grant share {pct}"),
        (None, true) => format!("보조금 없음; 보조금 비중 {pct}"),
        (Some(y), false) => format!(
            "{pct} of the money comes from grants; after the last grant year {y} funding drops {fall}{}",
            cover
                .map(|c| format!(" and covers {} of cost", percent(c, 0)))
                .unwrap_or_default()
        ),
        (Some(y), true) => format!(
            "재원의 {pct}가 보조금; 마지막 보조금 연도({y}년) 이후 재원 {fall} 감소{}",
            cover
                .map(|c| format!(", 비용의 {} 충당", percent(c, 0)))
                .unwrap_or_default()
        ),
    };
    Score {
        criterion: "grant_dependency",
        rating: share.max(drop),
        value: Some(e.grant_share),
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

pub(super) fn maintenance(s: &Service, say: &Say) -> Score {
    let hardware = s.construction_cost.mean() > 0.0;
    let renewals = s.costs.iter().any(|c| c.kind.as_str() == "renewal");
    let staff = s.risks.iter().any(|r| {
        let n = r.name.to_lowercase();
        n.contains("staff") || n.contains("rotation") || n.contains("personnel")
    });
    let mut missing = Vec::new();
    if hardware && !renewals {
        missing.push(say.t(
            "no renewal of equipment declared",
            "장비 교체(renewal) 비용이 없음",
        ));
    }
    if !staff {
        missing.push(say.t(
            "no staff-rotation risk declared",
            "인력 순환(staff rotation) 위험이 없음",
        ));
    }
    let rating = match missing.len() {
        0 => Rating::Green,
        1 => Rating::Amber,
        _ => Rating::Red,
    };
    Score {
        criterion: "maintenance_staffing",
        rating,
        value: None,
        reason: if missing.is_empty() {
            say.t(
                "renewals and a staff-rotation risk are declared",
                "장비 교체와 인력 순환 위험이 반영됨",
            )
            .into()
        } else {
            missing.join("; ")
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
            None => Score {
                criterion: "value",
                rating: Rating::Amber,
                value: None,
                reason: say
                    .t(
                        "no social or environmental benefits declared, so value cannot be judged",
                        "사회·환경 편익이 없어 가치를 판단할 수 없음",
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
