//! What a run and a check print on the terminal.

use std::fmt::Write;

use fundgap::format::{percent, thousands};
use fundgap::model::{Model, Prices};
use fundgap::stats::Report;

/// The compact result table: one row per service and the portfolio.
pub fn results(model: &Model, report: &Report) -> String {
    let mut out = String::new();
    let money = format!("{} {}", model.currency(), model.unit());
    let _ = writeln!(
        out,
        "{} — {} trials, seed {}, {}–{}, money in {money}{}, NPV at {:.1}% {}",
        model.name(),
        thousands(report.trials as f64, 0),
        model.seed(),
        model.start_year(),
        model.end_year(),
        prices_note(model),
        model.discount_rate() * 100.0,
        model.discount_basis().as_str()
    );
    let width = report
        .entities
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(9)
        .max(9);
    let _ = writeln!(
        out,
        "{:<width$}  {:>22}  {:>9}  {:>12}  {:>12}  {:>7}  {:>6}",
        "service",
        "P(any gap) [95% CI]",
        "P(gap)>50%",
        "gap NPV mean",
        "gap NPV P95",
        "grants",
        "opex"
    );
    // The columns' widths and the gaps between them.
    let rule = "-".repeat(width + 2 + 22 + 2 + 9 + 2 + 12 + 2 + 12 + 2 + 7 + 2 + 6 + 1);
    let _ = writeln!(out, "{rule}");
    for (i, e) in report.entities.iter().enumerate() {
        if i == report.entities.len() - 1 {
            let _ = writeln!(out, "{rule}");
        }
        let ci = format!(
            "{} [{}–{}]",
            percent(e.p_any_gap.estimate, 1),
            percent(e.p_any_gap.lo, 1),
            percent(e.p_any_gap.hi, 1)
        );
        let _ = writeln!(
            out,
            "{:<width$}  {:>22}  {:>10}  {:>12}  {:>12}  {:>7}  {:>6}",
            e.id,
            ci,
            e.first_year_p_gap_over_50
                .map(|y| y.to_string())
                .unwrap_or_else(|| "never".into()),
            thousands(e.gap_npv.mean, 0),
            thousands(e.gap_npv.p95, 0),
            percent(e.grant_share, 0),
            // No construction cost: no ratio to show.
            if e.opex_ratio_mean.is_finite() {
                format!("{:.3}", e.opex_ratio_mean)
            } else {
                "—".to_string()
            },
        );
    }
    let _ = writeln!(
        out,
        "P(gap)>50%: first year in which more than half of the trials have a gap. grants: share of money received from grants. opex: realised operating cost per year / construction cost."
    );
    out.push_str(&stop_chances(model, report));
    out.push_str(&books_summary(model, report));
    out
}

/// Each service's capital spending and contract, over the horizon (in
/// nominal money: sums of the yearly means).
fn books_summary(model: &Model, report: &Report) -> String {
    let mut out = String::new();
    let peak = |e: &fundgap::stats::EntityStats,
                p: &dyn Fn(&fundgap::stats::YearStats) -> Option<f64>| {
        e.yearly
            .iter()
            .filter_map(|y| Some((y.year, p(y)?)))
            .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a })
    };
    for e in &report.entities {
        if let Some(c) = e.capital_total.filter(|c| c.cost > 0.0) {
            let (year, p) = peak(e, &|y| y.capital.map(|c| c.p_gap.estimate));
            let _ = writeln!(
                out,
                "{}: capital spending {} over the horizon, {} of it unfunded on average (P(capital gap) peaks at {} in {year})",
                e.id,
                thousands(c.cost, 0),
                thousands(c.gap, 0),
                percent(p, 1)
            );
        }
        let contracted = match model.services().iter().find(|s| s.id == e.id) {
            Some(s) => s.delivery.is_some(),
            None => e.contract_total.is_some(),
        };
        if let Some(c) = e.contract_total.filter(|_| contracted) {
            let (year, p) = peak(e, &|y| y.contract.map(|c| c.p_operator_loss.estimate));
            let _ = writeln!(
                out,
                "{}: contracts make the city owe {} over the horizon; operators bear losses of {} (P(an operator loss) peaks at {} in {year})",
                e.id,
                thousands(c.obligation, 0),
                thousands(c.operator_loss, 0),
                percent(p, 1)
            );
        }
    }
    out
}

/// ", start-year prices" when yearly amounts are restated so.
pub fn prices_note(model: &Model) -> &'static str {
    match model.prices() {
        Prices::Current => "",
        Prices::Constant => " (yearly amounts in start-year prices)",
    }
}

/// Each service that a decision can stop: how likely it stops, and when.
fn stop_chances(model: &Model, report: &Report) -> String {
    let mut out = String::new();
    for (s, e) in model.services().iter().zip(&report.entities) {
        if s.can_stop() {
            let _ = writeln!(
                out,
                "{} stops under its rule in {} [{}–{}] of trials (median stop year: {})",
                s.id,
                percent(e.p_stop.estimate, 1),
                percent(e.p_stop.lo, 1),
                percent(e.p_stop.hi, 1),
                e.stop_year
                    .median
                    .map_or_else(|| "none".to_string(), |y| y.to_string())
            );
        }
    }
    out
}

/// The stress grid: P(any gap) per cell, and the earliest safe year.
pub fn stress(r: &fundgap::analysis::stress::StressResult, target: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — P(any gap) of {} per cell ({} trials each, same random numbers in every cell)",
        r.scenario,
        r.entity,
        thousands(r.trials as f64, 0)
    );
    let head = if r.y.key.is_empty() {
        String::new()
    } else {
        r.y.key.clone()
    };
    let w =
        r.y.labels
            .iter()
            .map(|l| l.len())
            .max()
            .unwrap_or(0)
            .max(head.len())
            .max(4);
    let cw = r.x.labels.iter().map(|l| l.len()).max().unwrap_or(4).max(4);
    let _ = write!(
        out,
        "{:<w$}",
        format!("{head} \\ {}", r.x.key)
            .chars()
            .take(w)
            .collect::<String>()
    );
    for l in &r.x.labels {
        let _ = write!(out, " {l:>cw$}");
    }
    let _ = writeln!(out);
    for (yi, yl) in r.y.labels.iter().enumerate() {
        let _ = write!(out, "{yl:<w$}");
        for xi in 0..r.x.labels.len() {
            let p = r
                .cell(xi, yi)
                .map(|c| c.p_any_gap.estimate)
                .unwrap_or(f64::NAN);
            let _ = write!(out, " {:>cw$}", percent(p, 0));
        }
        let _ = writeln!(out);
    }
    if r.x.key == "withdrawal_year" {
        let _ = writeln!(
            out,
            "Earliest withdrawal year keeping P(any gap) below {} (that year and every later one):",
            percent(target, 0)
        );
        for (yi, safe) in r.earliest_safe(target).into_iter().enumerate() {
            let what = match safe {
                Some(x) => r.x.labels[x].clone(),
                None => "none: even the last year exceeds the target".to_string(),
            };
            let _ = writeln!(out, "  cut {:>4}: {what}", r.y.labels[yi]);
        }
    }
    out
}

/// A signed difference with its interval, e.g. `-12.3 pts [-13.0, -11.6]`.
fn signed_points(d: &fundgap::analysis::compare::Difference) -> String {
    format!(
        "{:+.1} pts [{:+.1}, {:+.1}]",
        d.mean * 100.0,
        d.lo * 100.0,
        d.hi * 100.0
    )
}

fn signed_money(d: &fundgap::analysis::compare::Difference) -> String {
    let s = |x: f64| {
        if x >= 0.0 {
            format!("+{}", thousands(x, 0))
        } else {
            thousands(x, 0)
        }
    };
    format!("{} [{}, {}]", s(d.mean), s(d.lo), s(d.hi))
}

/// The comparison table and which differences are not noise.
// Long by design: the table's columns, header then rows, in printing order.
pub fn compare(r: &fundgap::analysis::compare::CompareResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} compared on {} common trials (seed {}); money in {} {}",
        r.scenario,
        r.entity,
        thousands(r.trials as f64, 0),
        r.seed,
        r.currency,
        r.unit
    );
    let w = r
        .variants
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(
        out,
        "{:<w$}  {:>22}  {:>28}  {:>12}  {:>11}  {:>12}  {:>6}  {:>5}",
        "variant",
        "P(any gap) [95% CI]",
        "vs baseline (paired 95% CI)",
        "gap NPV mean",
        "gap NPV P95",
        "LCC NPV",
        "grants",
        "BCR"
    );
    for v in &r.variants {
        let s = &v.stats;
        let diff = match &v.vs_baseline {
            Some(d) => signed_points(&d.p_any_gap),
            None => "baseline".to_string(),
        };
        let _ = writeln!(
            out,
            "{:<w$}  {:>22}  {:>28}  {:>12}  {:>11}  {:>12}  {:>6}  {:>5}",
            v.name,
            format!(
                "{} [{}–{}]",
                percent(s.p_any_gap.estimate, 1),
                percent(s.p_any_gap.lo, 1),
                percent(s.p_any_gap.hi, 1)
            ),
            diff,
            thousands(s.gap_npv.mean, 0),
            thousands(s.gap_npv.p95, 0),
            thousands(s.lcc_npv.mean, 0),
            percent(s.grant_share, 0),
            s.bcr
                .map(|b| format!("{b:.2}"))
                .unwrap_or_else(|| "-".into()),
        );
    }
    let base = r
        .variants
        .first()
        .map(|v| v.name.as_str())
        .unwrap_or("baseline");
    let _ = writeln!(
        out,
        "Against {base} (differences whose paired 95% interval excludes zero are not noise):"
    );
    for v in r.variants.iter().skip(1) {
        if let Some(d) = &v.vs_baseline {
            let verdict = |x: &fundgap::analysis::compare::Difference| {
                if x.exact() && x.mean == 0.0 {
                    "the same in every trial"
                } else if x.exact() {
                    "the same difference in every trial"
                } else if x.distinguishable() {
                    "distinguishable"
                } else {
                    "within noise"
                }
            };
            let _ = writeln!(
                out,
                "  {:<w$}  P(any gap) {} ({}); gap NPV {} ({}){}",
                v.name,
                signed_points(&d.p_any_gap),
                verdict(&d.p_any_gap),
                signed_money(&d.gap_npv),
                verdict(&d.gap_npv),
                if d.gap_npv.se > 0.0 {
                    format!(
                        "; paired interval {:.1}x narrower than unpaired",
                        d.gap_npv.unpaired_se / d.gap_npv.se
                    )
                } else {
                    String::new()
                }
            );
        }
    }
    out
}

/// The top `top` drivers of each entity's gap.
pub fn sensitivity(s: &fundgap::analysis::sensitivity::Sensitivity, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — what drives the gap (tornado swing of mean gap NPV, P10 -> P90, {} {}; rank correlation over {} trials)",
        s.scenario,
        s.currency,
        s.unit,
        thousands(s.sample as f64, 0)
    );
    for e in &s.entities {
        let _ = writeln!(
            out,
            "{} (all inputs at medians: gap NPV {})",
            e.id,
            thousands(e.gap_npv_at_medians, 0)
        );
        // Full --set paths, so the next question is one copy and paste away.
        let shown: Vec<_> = e.inputs.iter().take(top).collect();
        let w = shown
            .iter()
            .map(|i| i.input.chars().count())
            .max()
            .unwrap_or(0);
        for i in shown {
            let _ = writeln!(
                out,
                "  {:<w$}  swing {:>10}   rank corr {:+.2}",
                i.input,
                thousands(i.swing, 0),
                i.rank_corr_gap_npv
            );
        }
    }
    out
}

/// The evaluation scorecard.
pub fn scorecard(
    ev: &fundgap::analysis::evaluate::Evaluation,
    drivers: Option<&fundgap::analysis::sensitivity::Sensitivity>,
) -> String {
    use fundgap::analysis::evaluate::{CRITERIA, Rating};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — planning-stage scorecard ({} trials)",
        ev.scenario,
        thousands(ev.trials as f64, 0)
    );
    let w = ev
        .scorecards
        .iter()
        .map(|c| c.id.len())
        .max()
        .unwrap_or(9)
        .max(9);
    let heads = [
        "canvas", "owner", "funding", "grants", "diverse", "upkeep", "value",
    ];
    let _ = write!(out, "{:<w$}  {:<7}", "service", "overall");
    for h in heads {
        let _ = write!(out, " {h:<7}");
    }
    let _ = writeln!(out);
    let short = |r: Rating| match r {
        Rating::Green => "green",
        Rating::Amber => "AMBER",
        Rating::Red => "RED",
    };
    for c in &ev.scorecards {
        let _ = write!(out, "{:<w$}  {:<7}", c.id, short(c.overall));
        for k in CRITERIA {
            let _ = write!(out, " {:<7}", short(c.score(k).rating));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "Reasons (amber and red):");
    for c in &ev.scorecards {
        for s in c.scores.iter().filter(|s| s.rating != Rating::Green) {
            let _ = writeln!(
                out,
                "  {} / {}: {}",
                c.id,
                s.criterion.replace('_', " "),
                s.reason
            );
        }
        if let Some(d) = drivers.and_then(|d| d.entities.iter().find(|e| e.id == c.id))
            && let Some(i) = d.inputs.first().filter(|i| i.swing != 0.0)
        {
            let prefix = format!("service.{}.", c.id);
            let _ = writeln!(
                out,
                "  {} / main driver: {} (gap NPV swing {})",
                c.id,
                i.input.strip_prefix(&prefix).unwrap_or(&i.input),
                thousands(i.swing, 0)
            );
        }
    }
    out
}
