//! The trade-off of scenario discovery: each entity's PRIM peeling path,
//! density against coverage, with the reported box marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::lang::{Words, entity_name};
use crate::staging::Sink;
use fundgap::analysis::discover::Discoveries;
use fundgap::error::Result;
use fundgap::format::{percent, thousands};

use super::DrawResult;
use super::draw::*;
use super::*;

struct Tradeoff<'a> {
    d: &'a Discoveries,
    opts: &'a ChartOptions,
}

impl Chart for Tradeoff<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.d;
        let w = Words(self.opts.lang);
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&d.scenario);
        let trials = thousands(d.trials as f64, 0);
        let body = titled(
            root,
            &format!(
                "{name} — {}",
                w.t("where gaps concentrate", "재원 부족이 몰리는 조건")
            ),
            &match w.ko() {
                false => format!(
                    "PRIM peeling over half of {trials} trials: each step narrows the inputs, trading coverage for density; dot: the box reported, measured on the other half"
                ),
                true => format!(
                    "PRIM, 시행 {trials}회 중 절반: 단계마다 입력 범위를 좁혀 포괄률 대신 밀도를 얻음; 점: 보고한 조건(나머지 절반에서 잰 값)"
                ),
            },
            sz,
        )?;
        let shown: Vec<_> = d.entities.iter().filter(|e| !e.path.is_empty()).collect();
        let entries: Vec<(String, RGBColor, bool)> = shown
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let port = e.id == "portfolio";
                let c = if port { BLACK } else { colour(i) };
                (entity_name(&e.id, &e.name, self.opts.lang), c, port)
            })
            .collect();
        let plot = legend(&body, &entries, sz)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(sz.tick)
            .x_label_area_size(sz.label * 2)
            .y_label_area_size(sz.label * 4)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(w.t(
                "coverage: share of all gaps in the box",
                "포괄률: 전체 부족 중 조건 안의 비율",
            ))
            .y_desc(w.t(
                "density: share of the box's trials with a gap",
                "밀도: 조건 안 시행 중 부족 비율",
            ))
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| percent(*v, 0))
            .y_label_formatter(&|v| percent(*v, 0))
            .draw_house(sz)?;
        for (e, (_, c, port)) in shown.iter().zip(&entries) {
            let stroke = if *port { sz.stroke * 5 / 2 } else { sz.stroke };
            chart
                .draw_series(LineSeries::new(
                    e.path.iter().map(|s| (s.coverage, s.density)),
                    c.stroke_width(stroke.max(2)),
                ))
                .map_err(err)?;
            if let Some(s) = e.chosen {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (s.coverage, s.density),
                        sz.stroke * 4,
                        c.filled(),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

/// Draws `discovery.{png,svg}` into `staging`.
pub fn draw_discovery(
    d: &Discoveries,
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    render(&Tradeoff { d, opts }, "discovery", opts, staging)
}
