//! The comparison charts: P(gap) per variant and the paired differences.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::staging::Sink;
use fundgap::error::Result;
use fundgap::format::thousands;

use super::DrawResult;
use super::draw::*;
use super::*;
use crate::lang::{Money, MoneyOf, Words};

pub(super) struct CompareProbability<'a> {
    pub(super) r: &'a fundgap::analysis::compare::CompareResult,
    pub(super) years: &'a [i32],
    pub(super) opts: &'a ChartOptions,
}

impl Chart for CompareProbability<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let r = self.r;
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&r.scenario);
        let words = Words(self.opts.lang);
        let (who, trials, seed) = (&r.entity, thousands(r.trials as f64, 0), r.seed);
        let (main, sub) = match words.ko() {
            true => (
                format!("{name} — 대안별 연도별 부족 확률 ({who})"),
                format!("{trials}회 시행, 시드 {seed}, 공통 난수; 음영: 95% 구간"),
            ),
            false => (
                format!("{name} — P(gap) per year by variant ({who})"),
                format!(
                    "{trials} trials, seed {seed}, common random numbers; shaded: 95% interval"
                ),
            ),
        };
        let body = titled(root, &main, &sub, sz)?;
        let p: Vec<Vec<f64>> = r
            .variants
            .iter()
            .map(|v| v.stats.yearly.iter().map(|y| y.p_gap.estimate).collect())
            .collect();
        let lo: Vec<Vec<f64>> = r
            .variants
            .iter()
            .map(|v| v.stats.yearly.iter().map(|y| y.p_gap.lo).collect())
            .collect();
        let hi: Vec<Vec<f64>> = r
            .variants
            .iter()
            .map(|v| v.stats.yearly.iter().map(|y| y.p_gap.hi).collect())
            .collect();
        let entries: Vec<(String, RGBColor, bool)> = r
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let baseline = v.name == r.baseline;
                (
                    if baseline {
                        format!("{} ({})", v.name, words.t("baseline", "기준"))
                    } else {
                        v.name.clone()
                    },
                    colour(i),
                    baseline,
                )
            })
            .collect();
        let series: Vec<Line<'_>> = (0..r.variants.len())
            .map(|i| Line {
                values: &p[i],
                band: Some((&lo[i], &hi[i])),
                colour: colour(i),
                thick: r.variants[i].name == r.baseline,
            })
            .collect();
        let plot = legend(&body, &entries, sz)?;
        probability_plot(
            &plot,
            self.years,
            &series,
            "",
            (
                words.t("P(gap in year)", "해당 연도 부족 확률"),
                words.t("Year", "연도"),
            ),
            sz,
            false,
        )
    }
}

pub(super) struct CompareDiff<'a> {
    pub(super) r: &'a fundgap::analysis::compare::CompareResult,
    pub(super) opts: &'a ChartOptions,
}

impl Chart for CompareDiff<'_> {
    // Long by design: a chart's layout reads top to bottom in drawing order
    // (see charts/stress.rs).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let r = self.r;
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&r.scenario);
        let words = Words(self.opts.lang);
        let (who, trials) = (&r.entity, thousands(r.trials as f64, 0));
        let (main, sub) = match words.ko() {
            true => (
                format!("{name} — 기준 대비 부족액 현가 차이"),
                format!(
                    "{who}; {trials}회 시행; 굵은 선: 대응 95% 구간(공통 난수); 회색: 독립 실행 가정"
                ),
            ),
            false => (
                format!("{name} — gap NPV minus the baseline"),
                format!(
                    "{who}; {trials} trials; thick: 95% paired interval (common random numbers); grey: as if run independently"
                ),
            ),
        };
        let body = titled(root, &main, &sub, sz)?;
        // Amounts stay in the result's unit; the axis writes them in the
        // report's money (억 원 in Korean), as the table does.
        let money = Money::of_comparison(r, self.opts.lang);
        let rows: Vec<(&str, fundgap::analysis::compare::Difference)> = r
            .variants
            .iter()
            .filter_map(|v| v.vs_baseline.as_ref().map(|d| (v.name.as_str(), d.gap_npv)))
            .collect();
        let n = rows.len().max(1) as f64;
        let lo = rows
            .iter()
            .map(|(_, d)| d.unpaired_lo.min(d.lo))
            .fold(0.0, f64::min);
        let hi = rows
            .iter()
            .map(|(_, d)| d.unpaired_hi.max(d.hi))
            .fold(0.0, f64::max);
        let pad = ((hi - lo) * 0.08).max(1e-6);
        let names: Vec<String> = rows.iter().map(|(n, _)| n.to_string()).collect();
        let mut chart = ChartBuilder::on(&body)
            .margin(sz.tick)
            .x_label_area_size(sz.label * 5 / 2)
            .y_label_area_size(sz.label * 8)
            .build_cartesian_2d((lo - pad)..(hi + pad), 0f64..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(format!(
                "{} ({})",
                words.t("Difference in mean gap NPV", "부족액 현가 평균의 차이"),
                money.label()
            ))
            .x_label_formatter(&|v| money.fmt(*v))
            .draw_house(sz)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n)],
                BLACK.stroke_width(1),
            )))
            .map_err(err)?;
        for (i, (_, d)) in rows.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            let c = colour(i + 1);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(d.unpaired_lo, y - 0.12), (d.unpaired_hi, y - 0.12)],
                    RGBColor(150, 150, 150).stroke_width(sz.stroke.max(2)),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(d.lo, y), (d.hi, y)],
                    c.stroke_width((sz.stroke * 4).max(4)),
                )))
                .map_err(err)?;
            for x in [d.lo, d.hi] {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, y - 0.08), (x, y + 0.08)],
                        c.stroke_width(sz.stroke.max(2)),
                    )))
                    .map_err(err)?;
            }
            chart
                .draw_series(std::iter::once(Circle::new(
                    (d.mean, y),
                    sz.stroke + 2,
                    BLACK.filled(),
                )))
                .map_err(err)?;
        }
        // Variant names beside their rows, in the left label area.
        row_labels(&body, names, n, sz.tick as i32, sz.tick, sz)?;
        Ok(())
    }
}

/// Draws the comparison charts into `staging`.
pub fn draw_compare(
    r: &fundgap::analysis::compare::CompareResult,
    years: &[i32],
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    let mut files = render(
        &CompareProbability { r, years, opts },
        "compare-gap-probability",
        opts,
        staging,
    )?;
    files.extend(render(
        &CompareDiff { r, opts },
        "compare-gap-npv-diff",
        opts,
        staging,
    )?);
    Ok(files)
}
