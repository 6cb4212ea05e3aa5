//! Tornado charts of the sensitivity analysis.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::parallel::Jobs;
use crate::lang::{Money, MoneyOf, Words, entity_name};
use crate::staging::Sink;
use fundgap::error::Result;
use fundgap::format::thousands;

use super::DrawResult;
use super::draw::*;
use super::*;

pub(super) struct Tornado<'a> {
    pub(super) s: &'a fundgap::analysis::sensitivity::Sensitivity,
    pub(super) e: &'a fundgap::analysis::sensitivity::EntitySensitivity,
    pub(super) opts: &'a ChartOptions,
}

/// Inputs shown in a tornado, largest swing first.
pub(super) const TORNADO_ROWS: usize = 12;

impl Chart for Tornado<'_> {
    // Long by design: a chart's layout reads top to bottom in drawing order
    // (see charts/stress.rs).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (s, e) = (self.s, self.e);
        let w = Words(self.opts.lang);
        let money = Money::of_sensitivity(s, self.opts.lang);
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&s.scenario);
        let trials = thousands(s.oat_trials as f64, 0);
        let (title, subtitle) = match w.ko() {
            false => (
                format!("{name} — what drives the gap of {}", e.name),
                format!(
                    "mean gap NPV with one input at its P10 or P90, all others at their medians ({trials} trials each, common random numbers)"
                ),
            ),
            true => (
                format!(
                    "{name} — {}의 부족을 좌우하는 입력",
                    entity_name(&e.id, &e.name, self.opts.lang)
                ),
                format!(
                    "입력 하나를 P10 또는 P90에, 나머지는 중앙값에 둘 때의 평균 부족액 현가 (각 {trials}회 시행, 공통 난수)"
                ),
            ),
        };
        let body = titled(root, &title, &subtitle, sz)?;
        let rows: Vec<&fundgap::analysis::sensitivity::InputEffect> =
            e.inputs.iter().take(TORNADO_ROWS).collect();
        let entries = vec![
            (
                w.t("input at its P10", "입력 P10").to_string(),
                FUNDING,
                true,
            ),
            (w.t("input at its P90", "입력 P90").to_string(), COST, true),
            (
                format!(
                    "{}: {}",
                    w.t("all at medians", "모두 중앙값"),
                    money.fmt(e.gap_npv_at_medians)
                ),
                BLACK,
                false,
            ),
        ];
        let plot = legend(&body, &entries, sz)?;
        let n = rows.len().max(1) as f64;
        // Drawn in the report's money (억 원 in Korean won reports).
        let d = money.divisor();
        let base = e.gap_npv_at_medians / d;
        let lo = rows
            .iter()
            .map(|r| r.gap_npv_at_p10.min(r.gap_npv_at_p90) / d)
            .fold(base, f64::min);
        let hi = rows
            .iter()
            .map(|r| r.gap_npv_at_p10.max(r.gap_npv_at_p90) / d)
            .fold(base, f64::max);
        let pad = ((hi - lo) * 0.05).max(1.0 / d);
        let mut chart = ChartBuilder::on(&plot)
            .margin(sz.tick)
            .x_label_area_size(sz.label * 5 / 2)
            .y_label_area_size(sz.label * 12)
            .build_cartesian_2d((lo - pad)..(hi + pad), 0f64..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(format!(
                "{} ({})",
                w.t("Mean gap NPV", "평균 부족액 현가"),
                money.label()
            ))
            // Few enough ticks that "2,800" and "3,000" never touch.
            .x_labels(6)
            .x_label_formatter(&|v| thousands(*v, tick_decimals(hi - lo + 2.0 * pad, 6)))
            .draw_house(sz)?;
        for (i, r) in rows.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            for (v, c) in [
                (r.gap_npv_at_p10 / d, FUNDING),
                (r.gap_npv_at_p90 / d, COST),
            ] {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(base.min(v), y - 0.35), (base.max(v), y + 0.35)],
                        c.mix(0.8).filled(),
                    )))
                    .map_err(err)?;
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(base, 0.0), (base, n)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        let labels = rows
            .iter()
            .map(|r| input_label(&r.input, &e.id, 44, self.opts.lang));
        row_labels(&plot, labels, n, sz.tick as i32 / 2, sz.tick * 4 / 5, sz)?;
        Ok(())
    }
}

/// Draws a tornado per entity (`tornado-<id>.{png,svg}`) into `staging`.
pub fn draw_tornadoes(
    s: &fundgap::analysis::sensitivity::Sensitivity,
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    let mut jobs = Jobs::default();
    for e in &s.entities {
        jobs.add(
            Tornado { s, e, opts },
            format!("tornado-{}", file_id(&e.id)),
            opts,
        );
    }
    jobs.write(staging, opts)
}
