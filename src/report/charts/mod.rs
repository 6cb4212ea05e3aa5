//! Charts for reports and slides, as PNG and SVG.
//!
//! Charts are drawn from [`ChartData`], a small summary of a run saved as
//! `charts.json` next to the tables, so `fundgap chart` can redraw them
//! (another size, title or font) without simulating again. Nothing here
//! holds per-trial data.
//!
//! Text is rendered with a font embedded in the binary (DejaVu Sans), so
//! charts come out the same on a machine without system fonts; `--font`
//! registers any TTF/OTF instead (e.g. a Korean font for Korean names).
//! Colours are the Okabe–Ito palette, which stays distinguishable for the
//! common forms of colour blindness.

use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::{Deserialize, Serialize};

use crate::report::files::Staging;
use fundgap::error::{Error, Result};
use fundgap::format::{percent, thousands};
use fundgap::model::{FundingKind, Model};
use fundgap::stats::Report;

/// Font family name under which the chart font is registered.
const FAMILY: &str = "sans-serif";

/// Okabe–Ito colours, most distinguishable first; its yellow, weak on white,
/// is replaced by Tol's wine.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(120, 120, 120), // grey
    RGBColor(136, 34, 85),   // wine
];
const COST: RGBColor = RGBColor(213, 94, 0);
const FUNDING: RGBColor = RGBColor(0, 114, 178);
const KIND_COLOURS: [RGBColor; FundingKind::COUNT] = [
    RGBColor(0, 114, 178),   // grant
    RGBColor(0, 158, 115),   // budget
    RGBColor(230, 159, 0),   // fees
    RGBColor(204, 121, 167), // contract
    RGBColor(86, 180, 233),  // reserve
];

/// Above this many services, per-service charts become small multiples.
const MAX_LINES_IN_ONE_PLOT: usize = 10;

/// Per-entity series a chart needs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EntitySeries {
    pub id: String,
    pub name: String,
    pub p_gap: Vec<f64>,
    pub p_gap_lo: Vec<f64>,
    pub p_gap_hi: Vec<f64>,
    /// Cost percentiles per year: P5, P25, P50, P75, P95.
    pub cost_q: Vec<[f64; 5]>,
    /// Funding percentiles per year: P5, P25, P50, P75, P95.
    pub funding_q: Vec<[f64; 5]>,
    pub cost_mean: Vec<f64>,
    /// Mean funding per year by kind, in [`FundingKind::ALL`] order.
    pub funding_by_kind: Vec<[f64; FundingKind::COUNT]>,
    pub survival: Vec<f64>,
}

/// The portfolio's gap NPV distribution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NpvDistribution {
    /// Histogram buckets (value, count), increasing.
    pub buckets: Vec<(f64, u64)>,
    pub mean: f64,
    pub p95: f64,
    pub cvar95: f64,
}

/// Everything the charts of one run are drawn from (`charts.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChartData {
    pub format_version: u32,
    pub scenario: String,
    pub currency: String,
    pub unit: String,
    pub trials: u64,
    pub seed: u64,
    pub years: Vec<i32>,
    /// Services in file order, then the portfolio.
    pub entities: Vec<EntitySeries>,
    pub gap_npv: NpvDistribution,
}

impl ChartData {
    pub fn new(model: &Model, report: &Report) -> Self {
        let entities = report
            .entities
            .iter()
            .map(|e| EntitySeries {
                id: e.id.clone(),
                name: e.name.clone(),
                p_gap: e.yearly.iter().map(|y| y.p_gap.estimate).collect(),
                p_gap_lo: e.yearly.iter().map(|y| y.p_gap.lo).collect(),
                p_gap_hi: e.yearly.iter().map(|y| y.p_gap.hi).collect(),
                cost_q: e
                    .yearly
                    .iter()
                    .map(|y| [y.cost_p5, y.cost_p25, y.cost_p50, y.cost_p75, y.cost_p95])
                    .collect(),
                funding_q: e
                    .yearly
                    .iter()
                    .map(|y| {
                        [
                            y.funding_p5,
                            y.funding_p25,
                            y.funding_p50,
                            y.funding_p75,
                            y.funding_p95,
                        ]
                    })
                    .collect(),
                cost_mean: e.yearly.iter().map(|y| y.cost_mean).collect(),
                funding_by_kind: e.yearly.iter().map(|y| y.funding_by_kind_mean).collect(),
                survival: e.yearly.iter().map(|y| y.survival).collect(),
            })
            .collect();
        let p = report.portfolio();
        ChartData {
            format_version: 1,
            scenario: model.name.clone(),
            currency: model.currency.clone(),
            unit: model.unit.clone(),
            trials: report.trials,
            seed: model.seed,
            years: (0..model.horizon).map(|t| model.year(t)).collect(),
            entities,
            gap_npv: NpvDistribution {
                buckets: p.gap_npv_sketch.buckets(),
                mean: p.gap_npv.mean,
                p95: p.gap_npv.p95,
                cvar95: p.gap_npv_cvar95,
            },
        }
    }

    fn services(&self) -> &[EntitySeries] {
        &self.entities[..self.entities.len().saturating_sub(1)]
    }

    fn portfolio(&self) -> Option<&EntitySeries> {
        self.entities.last()
    }

    fn money(&self) -> String {
        format!("{} {}", self.currency, self.unit)
    }
}

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageFormat {
    Png,
    Svg,
    Both,
}

/// Size, title and formats of the charts.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    /// Replaces the scenario name in titles.
    pub title: Option<String>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 1600,
            height: 1000,
            format: ImageFormat::Both,
            title: None,
        }
    }
}

/// Registers the embedded font, or the TTF/OTF file given.
pub fn register_font(file: Option<&std::path::Path>) -> Result<()> {
    let bytes: &'static [u8] = match file {
        None => dejavu::sans::regular(),
        Some(p) => {
            let data = std::fs::read(p).map_err(|source| Error::Read {
                path: p.to_path_buf(),
                source,
            })?;
            // The font registry keeps `'static` data; a process registers a
            // font once, so leaking it is the simplest correct ownership.
            Box::leak(data.into_boxed_slice())
        }
    };
    for style in [FontStyle::Normal, FontStyle::Bold] {
        plotters::style::register_font(FAMILY, style, bytes).map_err(|_| {
            Error::Usage(format!(
                "{} is not a TrueType/OpenType font",
                file.map(|p| p.display().to_string()).unwrap_or_default()
            ))
        })?;
    }
    Ok(())
}

type DrawResult = std::result::Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// A chart that can draw itself on any backend.
trait Chart {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Text sizes scaled to the image, so half-size images stay readable.
#[derive(Clone, Copy)]
struct Sizes {
    title: u32,
    label: u32,
    tick: u32,
    legend: u32,
    stroke: u32,
}

impl Sizes {
    fn for_area<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Sizes {
        let (w, h) = area.dim_in_pixel();
        let base = (w.min(h * 16 / 10) as f64 / 1600.0).max(0.3);
        let px = |x: f64| (x * base).round().max(8.0) as u32;
        Sizes {
            title: px(40.0),
            label: px(30.0),
            tick: px(26.0),
            legend: px(26.0),
            stroke: px(4.0).max(2) / 2,
        }
    }
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// Colour of series `i`.
fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Splits off a legend panel on the right and draws `entries` in it.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, bool)],
    sz: Sizes,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    let (w, _) = area.dim_in_pixel();
    let (plot, panel) = area.split_horizontally(w * 7 / 10);
    let row = (sz.legend as f64 * 1.5) as i32;
    let top = sz.title as i32 * 3;
    for (i, (name, c, thick)) in entries.iter().enumerate() {
        let y = top + i as i32 * row;
        let sw = sz.legend as i32 * 2;
        let stroke = if *thick { sz.stroke * 2 } else { sz.stroke };
        panel
            .draw(&PathElement::new(
                vec![(10, y + row / 3), (10 + sw, y + row / 3)],
                c.stroke_width(stroke.max(2)),
            ))
            .map_err(err)?;
        panel
            .draw(&Text::new(
                ellipsize(name, 32),
                (20 + sw, y),
                font(sz.legend),
            ))
            .map_err(err)?;
    }
    Ok(plot)
}

/// `s` cut to `max` characters, the last one an ellipsis when cut.
fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars()
            .take(max - 1)
            .chain(std::iter::once('…'))
            .collect()
    } else {
        s.to_string()
    }
}

/// Labels beside the `n` horizontal rows of a bar chart built with the
/// layout of [`CompareDiff`] and [`Tornado`] (margin `tick`, x-label area
/// `label * 5 / 2`), left-aligned at `x`.
fn row_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: impl IntoIterator<Item = String>,
    n: f64,
    x: i32,
    size: u32,
    sz: Sizes,
) -> DrawResult {
    let (_, h) = area.dim_in_pixel();
    let plot_h = h as f64 - sz.tick as f64 * 2.0 - sz.label as f64 * 5.0 / 2.0;
    let left_middle = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Center,
    );
    for (i, label) in labels.into_iter().enumerate() {
        let y = sz.tick as f64 + plot_h * (i as f64 + 0.5) / n;
        area.draw(&Text::new(
            label,
            (x, y as i32),
            font(size).pos(left_middle),
        ))
        .map_err(err)?;
    }
    Ok(())
}

fn grid_shape(n: usize) -> (usize, usize) {
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols.max(1));
    (rows.max(1), cols.max(1))
}

fn year_range(years: &[i32]) -> std::ops::Range<i32> {
    let first = years.first().copied().unwrap_or(0);
    let last = years.last().copied().unwrap_or(first);
    first..last.max(first + 1)
}

fn max_of<'a>(it: impl Iterator<Item = &'a f64>) -> f64 {
    it.copied().filter(|x| x.is_finite()).fold(0.0, f64::max)
}

/// One line of a probability plot.
struct Line<'a> {
    values: &'a [f64],
    /// Lower and upper edge of a shaded band.
    band: Option<(&'a [f64], &'a [f64])>,
    colour: RGBColor,
    thick: bool,
}

/// Probability lines (with an interval band) per entity, in one plot.
fn probability_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    years: &[i32],
    series: &[Line<'_>],
    caption: &str,
    y_desc: &str,
    sz: Sizes,
    compact: bool,
) -> DrawResult {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font(sz.label))
        .margin(sz.tick)
        .x_label_area_size(if compact {
            sz.label * 3 / 2
        } else {
            sz.label * 2
        })
        .y_label_area_size(sz.label * 3)
        .build_cartesian_2d(year_range(years), 0f64..1f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(if compact { "" } else { "Year" })
        .y_desc(y_desc)
        .x_labels(if compact { 3 } else { years.len().min(12) })
        .y_labels(if compact { 3 } else { 11 })
        .x_label_formatter(&|y| y.to_string())
        .y_label_formatter(&|p| percent(*p, 0))
        .label_style(font(sz.tick))
        .axis_desc_style(font(sz.label))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()
        .map_err(err)?;
    for line in series {
        let c = line.colour;
        if let Some((lo, hi)) = line.band {
            let mut pts: Vec<(i32, f64)> = years.iter().zip(hi).map(|(y, v)| (*y, *v)).collect();
            pts.extend(years.iter().zip(lo).rev().map(|(y, v)| (*y, *v)));
            chart
                .draw_series(std::iter::once(Polygon::new(pts, c.mix(0.18))))
                .map_err(err)?;
        }
        let stroke = if line.thick { sz.stroke * 2 } else { sz.stroke };
        chart
            .draw_series(LineSeries::new(
                years.iter().zip(line.values).map(|(y, v)| (*y, *v)),
                c.stroke_width(stroke.max(2)),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// One panel per service (with the portfolio in grey for reference).
fn small_multiples<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    pick: PickRef,
    y_desc: &str,
    sz: Sizes,
) -> DrawResult {
    let services = data.services();
    let (rows, cols) = grid_shape(services.len());
    let panels = area.split_evenly((rows, cols));
    let small = Sizes {
        title: sz.title * 2 / 3,
        label: (sz.label * 2 / 3).max(8),
        tick: (sz.tick * 2 / 3).max(8),
        legend: sz.legend,
        stroke: sz.stroke.max(1),
    };
    let port = data.portfolio().map(|p| pick(p).0);
    for (i, (panel, s)) in panels.iter().zip(services).enumerate() {
        let (values, band) = pick(s);
        let mut series = Vec::new();
        if let Some(p) = port {
            series.push(Line {
                values: p,
                band: None,
                colour: RGBColor(170, 170, 170),
                thick: false,
            });
        }
        series.push(Line {
            values,
            band,
            colour: colour(i),
            thick: true,
        });
        let label = if i % cols == 0 { y_desc } else { "" };
        probability_plot(panel, &data.years, &series, &s.name, label, small, true)?;
    }
    Ok(())
}

fn title(data: &ChartData, opts: &ChartOptions, what: &str) -> String {
    format!(
        "{} — {what}",
        opts.title.as_deref().unwrap_or(&data.scenario)
    )
}

fn subtitle(data: &ChartData) -> String {
    format!(
        "{} trials, seed {}; money in {}",
        thousands(data.trials as f64, 0),
        data.seed,
        data.money()
    )
}

/// Draws the title and subtitle and returns the area below them.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    main: &str,
    sub: &str,
    sz: Sizes,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let head = (sz.title as f64 * 2.6) as u32;
    let (top, body) = root.split_vertically(head.min(h / 3));
    top.draw(&Text::new(
        main.to_string(),
        (sz.title as i32 / 2, sz.title as i32 / 3),
        font(sz.title),
    ))
    .map_err(err)?;
    top.draw(&Text::new(
        sub.to_string(),
        (sz.title as i32 / 2, sz.title as i32 * 3 / 2),
        font(sz.tick).color(&RGBColor(90, 90, 90)),
    ))
    .map_err(err)?;
    Ok(body)
}

/// The series of an entity, and its (lower, upper) band if any.
type PickRef = fn(&EntitySeries) -> (&[f64], Option<(&[f64], &[f64])>);

/// One probability per service and year, drawn as lines (or small
/// multiples): P(gap) with its interval, or the survival curve.
struct PerService<'a> {
    data: &'a ChartData,
    opts: &'a ChartOptions,
    what: &'static str,
    note: &'static str,
    y_desc: &'static str,
    pick: PickRef,
}

impl Chart for PerService<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let sz = Sizes::for_area(root);
        let many = d.services().len() > MAX_LINES_IN_ONE_PLOT;
        let body = titled(
            root,
            &title(d, self.opts, self.what),
            &format!(
                "{}; {}{}",
                subtitle(d),
                self.note,
                if many { "; grey: portfolio" } else { "" }
            ),
            sz,
        )?;
        let pick = self.pick;
        if many {
            return small_multiples(&body, d, pick, self.y_desc, sz);
        }
        let mut entries = Vec::new();
        let mut series = Vec::new();
        for (i, e) in d.entities.iter().enumerate() {
            let is_port = i + 1 == d.entities.len();
            let c = if is_port { BLACK } else { colour(i) };
            let (values, band) = pick(e);
            entries.push((e.name.clone(), c, is_port));
            series.push(Line {
                values,
                band,
                colour: c,
                thick: is_port,
            });
        }
        let plot = legend(&body, &entries, sz)?;
        probability_plot(&plot, &d.years, &series, "", self.y_desc, sz, false)
    }
}

struct Fan<'a> {
    data: &'a ChartData,
    opts: &'a ChartOptions,
    entity: &'a EntitySeries,
}

impl Chart for Fan<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let e = self.entity;
        let sz = Sizes::for_area(root);
        let body = titled(
            root,
            &title(d, self.opts, &format!("cost and funding of {}", e.name)),
            &format!("{}; lines: median; bands: P25–P75 and P5–P95", subtitle(d)),
            sz,
        )?;
        let entries = vec![
            ("Cost".to_string(), COST, true),
            ("Funding".to_string(), FUNDING, true),
        ];
        let plot = legend(&body, &entries, sz)?;
        let top = max_of(e.cost_q.iter().chain(&e.funding_q).map(|q| &q[4])) * 1.05;
        let mut chart = money_by_year(&plot, d, top, sz)?;
        for (q, c) in [(&e.cost_q, COST), (&e.funding_q, FUNDING)] {
            for (lo, hi, alpha) in [(0, 4, 0.12), (1, 3, 0.25)] {
                let mut pts: Vec<(i32, f64)> = d
                    .years
                    .iter()
                    .zip(q.iter())
                    .map(|(y, v)| (*y, v[hi]))
                    .collect();
                pts.extend(d.years.iter().zip(q.iter()).rev().map(|(y, v)| (*y, v[lo])));
                chart
                    .draw_series(std::iter::once(Polygon::new(pts, c.mix(alpha))))
                    .map_err(err)?;
            }
            chart
                .draw_series(LineSeries::new(
                    d.years.iter().zip(q.iter()).map(|(y, v)| (*y, v[2])),
                    c.stroke_width((sz.stroke * 2).max(2)),
                ))
                .map_err(err)?;
        }
        Ok(())
    }
}

type YearMoney<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordi32, RangedCoordf64>>;

/// A chart of money per year (0 to `top`), axes labelled and drawn.
fn money_by_year<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    d: &ChartData,
    top: f64,
    sz: Sizes,
) -> std::result::Result<YearMoney<'a, DB>, String> {
    let mut chart = ChartBuilder::on(plot)
        .margin(sz.tick)
        .x_label_area_size(sz.label * 5 / 2)
        .y_label_area_size(sz.label * 4)
        .build_cartesian_2d(year_range(&d.years), 0f64..top.max(1.0))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("Year")
        .y_desc(format!("{} per year", d.money()))
        .x_labels(d.years.len().min(12))
        .x_label_formatter(&|y| y.to_string())
        .y_label_formatter(&|v| thousands(*v, 0))
        .label_style(font(sz.tick))
        .axis_desc_style(font(sz.label))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

struct GapNpv<'a> {
    data: &'a ChartData,
    opts: &'a ChartOptions,
}

/// Re-bins histogram buckets into `n` equal-width bins over [lo, hi].
fn rebin(buckets: &[(f64, u64)], lo: f64, hi: f64, n: usize) -> Vec<u64> {
    let mut bins = vec![0u64; n];
    let width = (hi - lo) / n as f64;
    for &(v, c) in buckets {
        let i = (((v - lo) / width).floor().max(0.0) as usize).min(n - 1);
        bins[i] += c;
    }
    bins
}

impl Chart for GapNpv<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let g = &d.gap_npv;
        let sz = Sizes::for_area(root);
        let body = titled(
            root,
            &title(d, self.opts, "distribution of the portfolio's gap NPV"),
            &format!(
                "{}; bars: share of trials; curve: P(gap NPV > x)",
                subtitle(d)
            ),
            sz,
        )?;
        let total: u64 = g.buckets.iter().map(|b| b.1).sum();
        let lo = g.buckets.first().map(|b| b.0).unwrap_or(0.0).min(0.0);
        let mut hi = g.buckets.last().map(|b| b.0).unwrap_or(1.0);
        if hi <= lo {
            hi = lo + 1.0;
        }
        let n = 40;
        let bins = rebin(&g.buckets, lo, hi, n);
        let width = (hi - lo) / n as f64;
        let top = bins.iter().copied().max().unwrap_or(1) as f64 / total.max(1) as f64 * 1.1;
        let markers = [
            ("mean", g.mean, RGBColor(0, 0, 0)),
            ("P95", g.p95, COST),
            ("CVaR95", g.cvar95, RGBColor(204, 121, 167)),
        ];
        let entries: Vec<(String, RGBColor, bool)> =
            std::iter::once(("Share of trials".to_string(), FUNDING, true))
                .chain(std::iter::once((
                    "P(gap NPV > x)".to_string(),
                    RGBColor(0, 158, 115),
                    true,
                )))
                .chain(
                    markers
                        .iter()
                        .map(|(n, v, c)| (format!("{n}: {}", thousands(*v, 0)), *c, false)),
                )
                .collect();
        let plot = legend(&body, &entries, sz)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(sz.tick)
            .x_label_area_size(sz.label * 5 / 2)
            .y_label_area_size(sz.label * 3)
            .right_y_label_area_size(sz.label * 3)
            .build_cartesian_2d(lo..hi, 0f64..top.max(1e-9))
            .map_err(err)?
            .set_secondary_coord(lo..hi, 0f64..1f64);
        chart
            .configure_mesh()
            .x_desc(format!("Gap NPV ({})", d.money()))
            .y_desc("Share of trials")
            .x_label_formatter(&|v| thousands(*v, 0))
            .y_label_formatter(&|p| percent(*p, 1))
            .label_style(font(sz.tick))
            .axis_desc_style(font(sz.label))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_desc("P(gap NPV > x)")
            .y_label_formatter(&|p| percent(*p, 0))
            .label_style(font(sz.tick))
            .axis_desc_style(font(sz.label))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bins.iter().enumerate().map(|(i, c)| {
                let x0 = lo + i as f64 * width;
                Rectangle::new(
                    [
                        (x0, 0.0),
                        (x0 + width * 0.92, *c as f64 / total.max(1) as f64),
                    ],
                    FUNDING.mix(0.6).filled(),
                )
            }))
            .map_err(err)?;
        // Exceedance from the fine buckets: P(X > x) just after each bucket.
        let mut above = total;
        let mut curve = vec![(lo, 1.0)];
        for &(v, c) in &g.buckets {
            above -= c;
            curve.push((v, above as f64 / total.max(1) as f64));
        }
        chart
            .draw_secondary_series(LineSeries::new(
                curve,
                RGBColor(0, 158, 115).stroke_width(sz.stroke.max(2)),
            ))
            .map_err(err)?;
        for (_, v, c) in markers {
            if v.is_finite() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(v, 0.0), (v, top)],
                        c.stroke_width(sz.stroke.max(2)),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

struct FundingMix<'a> {
    data: &'a ChartData,
    opts: &'a ChartOptions,
}

impl Chart for FundingMix<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let Some(p) = d.portfolio() else {
            return Ok(());
        };
        let sz = Sizes::for_area(root);
        let body = titled(
            root,
            &title(d, self.opts, "where the money comes from"),
            &format!(
                "{}; mean funding by kind, stacked, against mean cost",
                subtitle(d)
            ),
            sz,
        )?;
        let mut entries: Vec<(String, RGBColor, bool)> = FundingKind::ALL
            .iter()
            .map(|k| {
                let name = if *k == FundingKind::Reserve {
                    "reserve draws"
                } else {
                    k.as_str()
                };
                (name.to_string(), KIND_COLOURS[*k as usize], true)
            })
            .collect();
        entries.push(("mean cost".to_string(), BLACK, true));
        let plot = legend(&body, &entries, sz)?;
        let stacked: Vec<[f64; FundingKind::COUNT]> = p
            .funding_by_kind
            .iter()
            .map(|k| {
                let mut acc = [0.0; FundingKind::COUNT];
                let mut run = 0.0;
                for (i, v) in k.iter().enumerate() {
                    run += v;
                    acc[i] = run;
                }
                acc
            })
            .collect();
        let top = max_of(
            stacked
                .iter()
                .map(|s| &s[FundingKind::COUNT - 1])
                .chain(&p.cost_mean),
        ) * 1.1;
        let mut chart = money_by_year(&plot, d, top, sz)?;
        for k in 0..FundingKind::COUNT {
            let mut pts: Vec<(i32, f64)> = d
                .years
                .iter()
                .zip(&stacked)
                .map(|(y, s)| (*y, s[k]))
                .collect();
            pts.extend(
                d.years
                    .iter()
                    .zip(&stacked)
                    .rev()
                    .map(|(y, s)| (*y, if k == 0 { 0.0 } else { s[k - 1] })),
            );
            chart
                .draw_series(std::iter::once(Polygon::new(
                    pts,
                    KIND_COLOURS[k].mix(0.75),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(
                d.years.iter().zip(&p.cost_mean).map(|(y, v)| (*y, *v)),
                BLACK.stroke_width((sz.stroke * 2).max(2)),
            ))
            .map_err(err)?;
        Ok(())
    }
}

fn render<C: Chart>(
    chart: &C,
    name: &str,
    opts: &ChartOptions,
    staging: &mut Staging,
) -> Result<Vec<String>> {
    let size = (opts.width, opts.height);
    let fail = |e: String| Error::Usage(format!("cannot draw {name}: {e}"));
    let mut written = Vec::new();
    if matches!(opts.format, ImageFormat::Png | ImageFormat::Both) {
        let file = format!("{name}.png");
        let path = staging.path(&file);
        {
            let root = BitMapBackend::new(&path, size).into_drawing_area();
            chart.draw(&root).map_err(fail)?;
            root.present().map_err(|e| fail(format!("{e:?}")))?;
        }
        written.push(file);
    }
    if matches!(opts.format, ImageFormat::Svg | ImageFormat::Both) {
        let file = format!("{name}.svg");
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            chart.draw(&root).map_err(fail)?;
            root.present().map_err(|e| fail(format!("{e:?}")))?;
        }
        staging.write(&file, svg.as_bytes())?;
        written.push(file);
    }
    Ok(written)
}

/// File-name form of an id (ids are already restricted to safe characters).
fn file_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Draws every chart of a run into `staging`; returns the file names.
pub fn draw_all(
    data: &ChartData,
    opts: &ChartOptions,
    staging: &mut Staging,
) -> Result<Vec<String>> {
    if opts.width < 200 || opts.height < 150 {
        return Err(Error::Usage(format!(
            "charts need at least 200x150 pixels, got {}x{}",
            opts.width, opts.height
        )));
    }
    let mut files = Vec::new();
    let gap = PerService {
        data,
        opts,
        what: "probability of a funding gap per year",
        note: "shaded: 95% interval",
        y_desc: "P(gap in year)",
        pick: |e| (&e.p_gap, Some((&e.p_gap_lo, &e.p_gap_hi))),
    };
    files.extend(render(&gap, "gap-probability", opts, staging)?);
    for e in &data.entities {
        let chart = Fan {
            data,
            opts,
            entity: e,
        };
        files.extend(render(
            &chart,
            &format!("fan-{}", file_id(&e.id)),
            opts,
            staging,
        )?);
    }
    files.extend(render(&GapNpv { data, opts }, "gap-npv", opts, staging)?);
    let survival = PerService {
        data,
        opts,
        what: "how long each service lasts without a gap",
        note: "share of trials with no gap so far",
        y_desc: "P(no gap yet)",
        pick: |e| (&e.survival, None),
    };
    files.extend(render(&survival, "survival", opts, staging)?);
    files.extend(render(
        &FundingMix { data, opts },
        "funding-mix",
        opts,
        staging,
    )?);
    Ok(files)
}

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

struct Heatmap<'a> {
    r: &'a fundgap::analysis::stress::StressResult,
    opts: &'a ChartOptions,
}

impl Chart for Heatmap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let r = self.r;
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&r.scenario);
        let what = if r.x.key == "withdrawal_year" {
            "P(any gap) by withdrawal year and cut"
        } else {
            "P(any gap) across the sweep"
        };
        let body = titled(
            root,
            &format!("{name} — {what}"),
            &format!(
                "{} trials per cell, seed {}, same random numbers in every cell; entity: {}",
                thousands(r.trials as f64, 0),
                r.seed,
                r.entity
            ),
            sz,
        )?;
        let (w, _) = body.dim_in_pixel();
        let (plot, bar) = body.split_horizontally(w * 88 / 100);
        let nx = r.x.labels.len().max(1) as i32;
        let ny = r.y.labels.len().max(1) as i32;
        let x_desc = match r.x.key.as_str() {
            "withdrawal_year" => "Year the stream is withdrawn or cut".to_string(),
            k => k.to_string(),
        };
        let y_desc = match r.y.key.as_str() {
            "cut" => "Share cut".to_string(),
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
        let text_size = ((cw / 3.2).min(chh / 2.0) as u32).min(sz.tick);
        let centre = plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        );
        let right_mid = plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Right,
            plotters::style::text_anchor::VPos::Center,
        );
        for c in &r.cells {
            let p = c.p_any_gap.estimate;
            // Row 0 at the bottom, as on a chart axis.
            let x0 = left + (c.x as f64 * cw) as i32;
            let x1 = left + ((c.x + 1) as f64 * cw) as i32;
            let y1 = bottom - (c.y as f64 * chh) as i32;
            let y0 = bottom - ((c.y + 1) as f64 * chh) as i32;
            plot.draw(&Rectangle::new([(x0, y0), (x1, y1)], viridis(p).filled()))
                .map_err(err)?;
            if text_size >= 9 {
                let ink = if p > 0.65 { BLACK } else { WHITE };
                plot.draw(&Text::new(
                    percent(p, 0),
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
        for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = bottom - ((bottom - top) as f64 * v) as i32;
            bar.draw(&Text::new(
                percent(v, 0),
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
    staging: &mut Staging,
) -> Result<Vec<String>> {
    render(&Heatmap { r, opts }, "stress-heatmap", opts, staging)
}

struct CompareProbability<'a> {
    r: &'a fundgap::analysis::compare::CompareResult,
    years: &'a [i32],
    opts: &'a ChartOptions,
}

impl Chart for CompareProbability<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let r = self.r;
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&r.scenario);
        let body = titled(
            root,
            &format!("{name} — P(gap) per year by variant ({})", r.entity),
            &format!(
                "{} trials, seed {}, common random numbers; shaded: 95% interval",
                thousands(r.trials as f64, 0),
                r.seed
            ),
            sz,
        )?;
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
                (
                    if i == 0 {
                        format!("{} (baseline)", v.name)
                    } else {
                        v.name.clone()
                    },
                    colour(i),
                    i == 0,
                )
            })
            .collect();
        let series: Vec<Line<'_>> = (0..r.variants.len())
            .map(|i| Line {
                values: &p[i],
                band: Some((&lo[i], &hi[i])),
                colour: colour(i),
                thick: i == 0,
            })
            .collect();
        let plot = legend(&body, &entries, sz)?;
        probability_plot(&plot, self.years, &series, "", "P(gap in year)", sz, false)
    }
}

struct CompareDiff<'a> {
    r: &'a fundgap::analysis::compare::CompareResult,
    opts: &'a ChartOptions,
}

impl Chart for CompareDiff<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let r = self.r;
        let sz = Sizes::for_area(root);
        let name = self.opts.title.as_deref().unwrap_or(&r.scenario);
        let body = titled(
            root,
            &format!("{name} — gap NPV minus the baseline"),
            &format!(
                "{}; {} trials; thick: 95% paired interval (common random numbers); grey: as if run independently",
                r.entity,
                thousands(r.trials as f64, 0)
            ),
            sz,
        )?;
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
                "Difference in mean gap NPV ({} {})",
                r.currency, r.unit
            ))
            .x_label_formatter(&|v| thousands(*v, 0))
            .label_style(font(sz.tick))
            .axis_desc_style(font(sz.label))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(err)?;
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
    staging: &mut Staging,
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

struct Tornado<'a> {
    s: &'a fundgap::analysis::sensitivity::Sensitivity,
    e: &'a fundgap::analysis::sensitivity::EntitySensitivity,
    opts: &'a ChartOptions,
}

/// Inputs shown in a tornado, largest swing first.
const TORNADO_ROWS: usize = 12;

impl Chart for Tornado<'_> {
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
pub fn draw_tornadoes(
    s: &fundgap::analysis::sensitivity::Sensitivity,
    opts: &ChartOptions,
    staging: &mut Staging,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebinning_keeps_every_count() {
        let b = vec![(0.0, 5), (10.0, 3), (99.9, 2), (100.0, 1)];
        let bins = rebin(&b, 0.0, 100.0, 10);
        assert_eq!(bins.iter().sum::<u64>(), 11);
        assert_eq!(bins[0], 5);
        assert_eq!(bins[9], 3);
    }

    #[test]
    fn grid_fits_all_panels() {
        for n in 1..=30 {
            let (r, c) = grid_shape(n);
            assert!(r * c >= n && r <= c);
        }
    }
}
