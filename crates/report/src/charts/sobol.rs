//! Sobol indices: per entity, each input's first-order and total index of
//! the gap NPV, as paired bars.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::parallel::Jobs;
use crate::lang::{Words, entity_name};
use crate::staging::Sink;
use fundgap::analysis::sobol::{EntitySobol, Sobol};
use fundgap::error::Result;
use fundgap::format::thousands;

use super::DrawResult;
use super::draw::*;
use super::*;

struct Bars<'a> {
    s: &'a Sobol,
    e: &'a EntitySobol,
    opts: &'a ChartOptions,
}

/// `c` two-thirds of the way to white: the total index's bar.
fn light(c: RGBColor) -> RGBColor {
    let up = |x: u8| x + ((255 - u16::from(x)) * 2 / 3) as u8;
    RGBColor(up(c.0), up(c.1), up(c.2))
}

/// Inputs shown, largest total index first.
const ROWS: usize = 12;

impl Chart for Bars<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (s, e) = (self.s, self.e);
        let w = Words(self.opts.lang);
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&s.scenario);
        let who = entity_name(&e.id, &e.name, self.opts.lang);
        let trials = thousands(s.trials as f64, 0);
        let body = titled(
            root,
            &match w.ko() {
                false => format!("{name} — what explains the variance of {who}'s gap NPV"),
                true => format!("{name} — {who}의 부족액 현가 분산을 설명하는 입력"),
            },
            &match w.ko() {
                false => format!(
                    "Sobol indices over {trials} trials: dark, the input alone (first-order); light, with its interactions (total); lines: 95% intervals"
                ),
                true => format!(
                    "Sobol 지수, 시행 {trials}회: 진한 막대는 입력 단독(1차), 옅은 막대는 상호작용 포함(총); 선: 95% 구간"
                ),
            },
            sz,
        )?;
        let rows: Vec<_> = e.gap_npv.iter().take(ROWS).collect();
        let entries = vec![
            (
                w.t("first-order S", "1차 지수 S").to_string(),
                FUNDING,
                true,
            ),
            (
                w.t("total ST", "총 지수 ST").to_string(),
                light(FUNDING),
                true,
            ),
        ];
        let plot = legend(&body, &entries, sz)?;
        let n = rows.len().max(1) as f64;
        let top = rows
            .iter()
            .map(|r| r.total_hi.max(r.first_hi))
            .filter(|x| x.is_finite())
            .fold(0.1, f64::max)
            .min(1.2);
        let mut chart = ChartBuilder::on(&plot)
            .margin(sz.tick)
            .x_label_area_size(sz.label * 5 / 2)
            .y_label_area_size(sz.label * 12)
            .build_cartesian_2d(0f64..top, 0f64..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(w.t(
                "share of the gap NPV's variance",
                "부족액 현가 분산 중 비중",
            ))
            .x_labels(6)
            .x_label_formatter(&|v| fundgap::format::percent(*v, 0))
            .draw_house(sz)?;
        for (i, r) in rows.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            let bars = [
                (
                    r.total.max(0.0),
                    y,
                    light(FUNDING),
                    (r.total_lo, r.total_hi),
                ),
                (r.first.max(0.0), y - 0.2, FUNDING, (r.first_lo, r.first_hi)),
            ];
            for (v, at, c, (lo, hi)) in bars {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, at - 0.15), (v, at + 0.15)],
                        c.filled(),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(lo.max(0.0), at), (hi.max(0.0), at)],
                        BLACK.stroke_width(sz.stroke.max(1)),
                    )))
                    .map_err(err)?;
            }
        }
        let labels = rows
            .iter()
            .map(|r| input_label(&r.input, &e.id, 38, self.opts.lang));
        row_labels(&plot, labels, n, sz.tick as i32 / 2, sz.tick * 4 / 5, sz)?;
        Ok(())
    }
}

/// Draws `sobol-<id>.{png,svg}` for each entity whose gap NPV varies.
pub fn draw_sobol(s: &Sobol, opts: &ChartOptions, staging: &mut dyn Sink) -> Result<Vec<String>> {
    let mut jobs = Jobs::default();
    for e in s.entities.iter().filter(|e| e.gap_npv_variance > 0.0) {
        jobs.add(
            Bars { s, e, opts },
            format!("sobol-{}", file_id(&e.id)),
            opts,
        );
    }
    jobs.write(staging, opts)
}
