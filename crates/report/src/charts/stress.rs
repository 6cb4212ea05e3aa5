//! The stress grid's heatmap.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::lang::{Money, MoneyOf};
use crate::staging::Sink;
use fundgap::analysis::stress::{CellResult, StressResult};
use fundgap::error::Result;
use fundgap::format::{percent, thousands};
use fundgap::model::Language;

use super::DrawResult;
use super::draw::*;
use super::*;
use crate::lang::Words;

/// A perceptually uniform, colour-blind-safe sequential scale (viridis
/// anchors, linearly interpolated) for `v` in [0, 1].
pub fn viridis(v: f64) -> RGBColor {
    const A: [(f64, [f64; 3]); 6] = [
        (0.0, [68.0, 1.0, 84.0]),
        (0.2, [65.0, 68.0, 135.0]),
        (0.4, [42.0, 120.0, 142.0]),
        (0.6, [34.0, 168.0, 132.0]),
        (0.8, [122.0, 209.0, 81.0]),
        (1.0, [253.0, 231.0, 37.0]),
    ];
    let v = if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let i = A
        .iter()
        .position(|(x, _)| *x >= v)
        .unwrap_or(A.len() - 1)
        .max(1);
    let (x0, c0) = A[i - 1];
    let (x1, c1) = A[i];
    let f = (v - x0) / (x1 - x0);
    let mix = |k: usize| (c0[k] + (c1[k] - c0[k]) * f).round() as u8;
    RGBColor(mix(0), mix(1), mix(2))
}

/// What the cells' colours show: P(any gap), or the mean gap NPV where
/// P(any gap) is 0% or 100% in every cell and so tells nothing.
enum Shown {
    Probability,
    GapNpv { money: Money, everywhere: f64 },
}

impl Shown {
    fn of(r: &StressResult, lang: Language) -> Self {
        match r.p_any_gap_everywhere() {
            None => Shown::Probability,
            Some(everywhere) => Shown::GapNpv {
                money: Money::of_stress(r, lang),
                everywhere,
            },
        }
    }

    fn value(&self, c: &CellResult) -> f64 {
        match self {
            Shown::Probability => c.p_any_gap.estimate,
            Shown::GapNpv { .. } => c.gap_npv_mean,
        }
    }

    /// A cell's value or a colour-bar tick as written on the chart (a
    /// share with `decimals`; money in the grid's money).
    fn label(&self, v: f64, decimals: usize) -> String {
        match self {
            Shown::Probability => percent(v, decimals),
            Shown::GapNpv { money, .. } => money.fmt(v),
        }
    }

    /// The colour scale's ends: the grid's own range. Shares in whole
    /// percents, at least 5 points wide (on a fixed 0-100% scale, cells
    /// of 51% and 67% came out nearly the same colour); money from its
    /// lowest to its highest cell.
    fn range(&self, r: &StressResult) -> (f64, f64) {
        let (lo, hi) = r
            .cells
            .iter()
            .map(|c| self.value(c))
            .filter(|p| p.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p), b.max(p))
            });
        if lo > hi {
            return (0.0, 1.0);
        }
        match self {
            Shown::GapNpv { .. } if hi > lo => (lo, hi),
            Shown::GapNpv { .. } => (lo - 0.5 * lo.abs().max(1.0), hi + 0.5 * hi.abs().max(1.0)),
            Shown::Probability => {
                let (mut lo, mut hi) = ((lo * 100.0).floor() / 100.0, (hi * 100.0).ceil() / 100.0);
                if hi - lo < 0.05 {
                    let mid = (lo + hi) / 2.0;
                    (lo, hi) = ((mid - 0.025).max(0.0), (mid + 0.025).min(1.0));
                    if hi - lo < 0.05 {
                        (lo, hi) = if lo == 0.0 { (0.0, 0.05) } else { (0.95, 1.0) };
                    }
                }
                (lo, hi)
            }
        }
    }
}

pub(super) struct Heatmap<'a> {
    pub(super) r: &'a StressResult,
    pub(super) opts: &'a ChartOptions,
}

impl Chart for Heatmap<'_> {
    // Long by design: a chart's layout (areas, axes, cells, labels, legend)
    // reads top to bottom in drawing order; split up, its shared coordinates
    // would have to be threaded through helpers.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let r = self.r;
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&r.scenario);
        let words = Words(self.opts.lang);
        let shown = Shown::of(r, self.opts.lang);
        let grid = r.x.key == "withdrawal_year";
        let what = match (&shown, grid) {
            (Shown::Probability, true) => words
                .t(
                    "P(any gap) by withdrawal year and cut",
                    "삭감 시작 연도와 삭감률별 부족 확률",
                )
                .to_string(),
            (Shown::Probability, false) => words
                .t("P(any gap) across the sweep", "값 범위별 부족 확률")
                .to_string(),
            (Shown::GapNpv { money, .. }, true) => match words.ko() {
                true => format!(
                    "삭감 시작 연도와 삭감률별 부족액 현가 평균 ({})",
                    money.label()
                ),
                false => format!(
                    "Mean gap NPV by withdrawal year and cut ({})",
                    money.label()
                ),
            },
            (Shown::GapNpv { money, .. }, false) => match words.ko() {
                true => format!("값 범위별 부족액 현가 평균 ({})", money.label()),
                false => format!("Mean gap NPV across the sweep ({})", money.label()),
            },
        };
        let who = crate::lang::entity_label(&r.entity, &r.entity_name, words.0);
        let (trials, seed) = (thousands(r.trials as f64, 0), r.seed);
        let mut sub = match words.ko() {
            true => {
                format!("조건마다 {trials}회 시행, 시드 {seed}, 모든 조건에 같은 난수; 대상: {who}")
            }
            false => format!(
                "{trials} trials per cell, seed {seed}, same random numbers in every cell; entity: {who}"
            ),
        };
        if let Shown::GapNpv { everywhere, .. } = &shown {
            let p = percent(*everywhere, 0);
            sub += &match words.ko() {
                true => format!("; 부족 확률은 모든 조건에서 {p}"),
                false => format!("; P(any gap) is {p} in every cell"),
            };
        }
        let body = titled(root, &format!("{name} — {what}"), &sub, sz)?;
        let (w, _) = body.dim_in_pixel();
        let (plot, bar) = body.split_horizontally(w * 88 / 100);
        let nx = r.x.labels.len().max(1) as i32;
        let ny = r.y.labels.len().max(1) as i32;
        let x_desc = match r.x.key.as_str() {
            "withdrawal_year" => words
                .t(
                    "Year the stream is withdrawn or cut",
                    "재원 삭감이 시작되는 연도 (100%면 중단)",
                )
                .to_string(),
            k => k.to_string(),
        };
        let y_desc = match r.y.key.as_str() {
            "cut" => words.t("Share cut", "삭감률").to_string(),
            k => k.to_string(),
        };
        // The grid in pixels: room on the left for row labels and the axis
        // title, at the bottom for column labels and the axis title.
        let (pw, ph) = plot.dim_in_pixel();
        let left = sz.label as i32 * 5;
        let bottom_room = sz.label as i32 * 4;
        let top = sz.tick as i32;
        let right = pw as i32 - sz.tick as i32;
        let bottom = ph as i32 - bottom_room;
        let cw = (right - left) as f64 / nx as f64;
        let chh = (bottom - top) as f64 / ny as f64;
        // A share that rounds to 0% or 100% reads "<1%" or ">99%" in whole
        // percents: where any cell does, and there is room, one decimal,
        // as the table has it (99.9%, >99.9%).
        let edge = r.cells.iter().any(|c| {
            let p = shown.value(c);
            matches!(shown, Shown::Probability)
                && ((p > 0.0 && p < 0.005) || (0.995..1.0).contains(&p))
        });
        let fits = |chars: f64| ((cw / chars).min(chh / 2.0) as u32).min(sz.tick);
        let (decimals, text_size) = match edge && fits(5.3) >= 9 {
            true => (1, fits(5.3)),
            false => (0, fits(3.2)),
        };
        let centre = plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        );
        let right_mid = plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Right,
            plotters::style::text_anchor::VPos::Center,
        );
        let (lo, hi) = shown.range(r);
        let scale = |p: f64| (p - lo) / (hi - lo);
        for c in &r.cells {
            let p = shown.value(c);
            // Row 0 at the bottom, as on a chart axis.
            let x0 = left + (c.x as f64 * cw) as i32;
            let x1 = left + ((c.x + 1) as f64 * cw) as i32;
            let y1 = bottom - (c.y as f64 * chh) as i32;
            let y0 = bottom - ((c.y + 1) as f64 * chh) as i32;
            plot.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                viridis(scale(p)).filled(),
            ))
            .map_err(err)?;
            if text_size >= 9 {
                let ink = if scale(p) > 0.65 { BLACK } else { WHITE };
                plot.draw(&Text::new(
                    shown.label(p, decimals),
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    font(text_size).color(&ink).pos(centre),
                ))
                .map_err(err)?;
            }
        }
        let step = ((nx as f64 * sz.tick as f64 * 2.6) / (right - left) as f64)
            .ceil()
            .max(1.0) as usize;
        for (i, l) in r.x.labels.iter().enumerate() {
            if i % step == 0 {
                let x = left + ((i as f64 + 0.5) * cw) as i32;
                plot.draw(&Text::new(
                    l.clone(),
                    (x, bottom + sz.tick as i32),
                    font(sz.tick).pos(centre),
                ))
                .map_err(err)?;
            }
        }
        for (i, l) in r.y.labels.iter().enumerate() {
            let y = bottom - ((i as f64 + 0.5) * chh) as i32;
            plot.draw(&Text::new(
                l.clone(),
                (left - sz.tick as i32 / 2, y),
                font(sz.tick).pos(right_mid),
            ))
            .map_err(err)?;
        }
        plot.draw(&Text::new(
            x_desc,
            ((left + right) / 2, bottom + sz.label as i32 * 5 / 2),
            font(sz.label).pos(centre),
        ))
        .map_err(err)?;
        if !y_desc.is_empty() {
            plot.draw(&Text::new(
                y_desc,
                (sz.label as i32, (top + bottom) / 2),
                font(sz.label)
                    .pos(centre)
                    .transform(FontTransform::Rotate270),
            ))
            .map_err(err)?;
        }
        // Colour bar.
        let (bw, bh) = bar.dim_in_pixel();
        let top = sz.tick as i32;
        let bottom = bh as i32 - sz.label as i32 * 3;
        let left = (bw / 8) as i32;
        let width = (bw / 4) as i32;
        let steps = 50;
        for i in 0..steps {
            let v0 = i as f64 / steps as f64;
            let y0 = bottom - ((bottom - top) as f64 * v0) as i32;
            let y1 = bottom - ((bottom - top) as f64 * (v0 + 1.0 / steps as f64)) as i32;
            bar.draw(&Rectangle::new(
                [(left, y1), (left + width, y0)],
                viridis(v0 + 0.5 / steps as f64).filled(),
            ))
            .map_err(err)?;
        }
        let decimals = if hi - lo < 0.1 { 1 } else { 0 };
        for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = bottom - ((bottom - top) as f64 * v) as i32;
            bar.draw(&Text::new(
                shown.label(lo + v * (hi - lo), decimals),
                (left + width + 6, y - sz.tick as i32 / 2),
                font(sz.tick),
            ))
            .map_err(err)?;
        }
        Ok(())
    }
}

/// Draws the stress heatmap into `staging` as `stress-heatmap.{png,svg}`.
pub fn draw_heatmap(
    r: &fundgap::analysis::stress::StressResult,
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    render(&Heatmap { r, opts }, "stress-heatmap", opts, staging)
}
