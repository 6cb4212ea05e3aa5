//! Tornado charts of the sensitivity analysis.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::staging::Sink;
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
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&s.scenario);
        let body = titled(
            root,
            &format!("{name} — what drives the gap of {}", e.name),
            &format!(
                "mean gap NPV with one input at its P10 or P90, all others at their medians ({} trials each, common random numbers)",
                thousands(s.oat_trials as f64, 0)
            ),
            sz,
        )?;
        let rows: Vec<&fundgap::analysis::sensitivity::InputEffect> =
            e.inputs.iter().take(TORNADO_ROWS).collect();
        let entries = vec![
            ("input at its P10".to_string(), FUNDING, true),
            ("input at its P90".to_string(), COST, true),
            (
                format!("all at medians: {}", thousands(e.gap_npv_at_medians, 0)),
                BLACK,
                false,
            ),
        ];
        let plot = legend(&body, &entries, sz)?;
        let n = rows.len().max(1) as f64;
        let base = e.gap_npv_at_medians;
        let lo = rows
            .iter()
            .map(|r| r.gap_npv_at_p10.min(r.gap_npv_at_p90))
            .fold(base, f64::min);
        let hi = rows
            .iter()
            .map(|r| r.gap_npv_at_p10.max(r.gap_npv_at_p90))
            .fold(base, f64::max);
        let pad = ((hi - lo) * 0.05).max(1.0);
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
            .x_desc(format!("Mean gap NPV ({} {})", s.currency, s.unit))
            // Few enough ticks that "2,800" and "3,000" never touch.
            .x_labels(6)
            .x_label_formatter(&|v| thousands(*v, 0))
            .label_style(font(sz.tick))
            .axis_desc_style(font(sz.label))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            for (v, c) in [(r.gap_npv_at_p10, FUNDING), (r.gap_npv_at_p90, COST)] {
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
        let prefix = format!("service.{}.", e.id);
        let labels = rows.iter().map(|r| {
            let short = r
                .input
                .strip_prefix(&prefix)
                .unwrap_or(&r.input)
                .replace("service.", "");
            ellipsize(&short, 44)
        });
        row_labels(&plot, labels, n, sz.tick as i32 / 2, sz.tick * 4 / 5, sz)?;
        Ok(())
    }
}

/// Draws a tornado per entity (`tornado-<id>.{png,svg}`) into `staging`.
pub(crate) fn draw_tornadoes(
    s: &fundgap::analysis::sensitivity::Sensitivity,
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for e in &s.entities {
        files.extend(render(
            &Tornado { s, e, opts },
            &format!("tornado-{}", file_id(&e.id)),
            opts,
            staging,
        )?);
    }
    Ok(files)
}
