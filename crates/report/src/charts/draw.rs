//! Drawing helpers every chart shares: sizes and fonts scaled to the
//! image, the palette, legends, titles, probability plots and small
//! multiples.

use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;

use fundgap::format::{percent, thousands};
use fundgap::model::Language;

use super::DrawResult;
use super::*;

pub(super) fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// A chart that can draw itself on any backend.
pub(super) trait Chart {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Text sizes scaled to the image, so half-size images stay readable.
#[derive(Clone, Copy)]
pub(super) struct Sizes {
    pub(super) title: u32,
    pub(super) label: u32,
    pub(super) tick: u32,
    pub(super) legend: u32,
    pub(super) stroke: u32,
}

impl Sizes {
    pub(super) fn for_area<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Sizes {
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

/// Every chart's mesh in the house style: tick and axis-title fonts scaled
/// to the image, no minor grid, a faint major grid; then drawn. Charts set
/// their own labels and formatters and end the chain with this.
pub(super) trait HouseMesh {
    fn draw_house(&mut self, sz: Sizes) -> Result<(), String>;
}

impl<X, Y, DB> HouseMesh for plotters::chart::MeshStyle<'_, '_, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged
        + plotters::coord::ranged1d::ValueFormatter<
            <X as plotters::coord::ranged1d::Ranged>::ValueType,
        >,
    Y: plotters::coord::ranged1d::Ranged
        + plotters::coord::ranged1d::ValueFormatter<
            <Y as plotters::coord::ranged1d::Ranged>::ValueType,
        >,
    DB: DrawingBackend,
{
    fn draw_house(&mut self, sz: Sizes) -> Result<(), String> {
        self.label_style(font(sz.tick))
            .axis_desc_style(font(sz.label))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(err)
    }
}

pub(super) fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// Colour of series `i`.
pub(super) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Entity `i` of `n` (the portfolio last): its colour, and whether it is
/// the portfolio, drawn black and thick.
pub(super) fn entity_style(i: usize, n: usize) -> (RGBColor, bool) {
    let portfolio = i + 1 == n;
    (if portfolio { BLACK } else { colour(i) }, portfolio)
}

/// An input's `--set` path as a chart row label: without the entity's own
/// `service.<id>.` prefix (another service's keeps its id), in Korean in
/// words ([`crate::lang::input_words`]), at most `max` characters.
pub(super) fn input_label(input: &str, id: &str, max: usize, lang: Language) -> String {
    if lang == Language::Ko {
        return ellipsize(&crate::lang::input_words(input, id), max);
    }
    let prefix = format!("service.{id}.");
    let short = input
        .strip_prefix(&prefix)
        .unwrap_or(input)
        .replace("service.", "");
    ellipsize(&short, max)
}

/// Splits off a legend panel on the right and draws `entries` in it.
pub(super) fn legend<DB: DrawingBackend>(
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

/// Decimals an axis's labels need for about `ticks` ticks over `span`, so
/// that neighbouring ticks never read alike ("0.1 0.2 0.2"): none for a
/// step of 1 or more, one for a step from 0.1, and so on (at most six).
pub(super) fn tick_decimals(span: f64, ticks: usize) -> usize {
    let step = span.abs() / ticks.max(1) as f64;
    if !(step > 0.0 && step.is_finite()) {
        return 0;
    }
    (-step.log10()).ceil().clamp(0.0, 6.0) as usize
}

/// `s` cut to `max` characters, the last one an ellipsis when cut.
pub(super) fn ellipsize(s: &str, max: usize) -> String {
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
pub(super) fn row_labels<DB: DrawingBackend>(
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

pub(super) fn grid_shape(n: usize) -> (usize, usize) {
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols.max(1));
    (rows.max(1), cols.max(1))
}

pub(super) fn year_range(years: &[i32]) -> std::ops::Range<i32> {
    let first = years.first().copied().unwrap_or(0);
    let last = years.last().copied().unwrap_or(first);
    first..last.max(first + 1)
}

pub(super) fn max_of<'a>(it: impl Iterator<Item = &'a f64>) -> f64 {
    it.copied().filter(|x| x.is_finite()).fold(0.0, f64::max)
}

/// One line of a probability plot.
pub(super) struct Line<'a> {
    pub(super) values: &'a [f64],
    /// Lower and upper edge of a shaded band.
    pub(super) band: Option<(&'a [f64], &'a [f64])>,
    pub(super) colour: RGBColor,
    pub(super) thick: bool,
}

/// Probability lines (with an interval band) per entity, in one plot.
pub(super) fn probability_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    years: &[i32],
    series: &[Line<'_>],
    caption: &str,
    (y_desc, x_desc): (&str, &str),
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
        .y_label_area_size(sz.label * 4)
        .build_cartesian_2d(year_range(years), 0f64..1f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(if compact { "" } else { x_desc })
        .y_desc(y_desc)
        .x_labels(if compact { 3 } else { years.len().min(12) })
        .y_labels(if compact { 3 } else { 11 })
        .x_label_formatter(&|y| y.to_string())
        .y_label_formatter(&|p| percent(*p, 0))
        .draw_house(sz)?;
    // Every band first, so no band veils a line; then the thick lines
    // (a baseline, the portfolio) under the thin ones, so a thin line that
    // coincides with a thick one shows inside it instead of hiding it.
    for line in series {
        if let Some((lo, hi)) = line.band {
            let mut pts: Vec<(i32, f64)> = years.iter().zip(hi).map(|(y, v)| (*y, *v)).collect();
            pts.extend(years.iter().zip(lo).rev().map(|(y, v)| (*y, *v)));
            chart
                .draw_series(std::iter::once(Polygon::new(pts, line.colour.mix(0.18))))
                .map_err(err)?;
        }
    }
    let thick_first = series
        .iter()
        .filter(|l| l.thick)
        .chain(series.iter().filter(|l| !l.thick));
    for line in thick_first {
        let stroke = if line.thick {
            sz.stroke * 5 / 2
        } else {
            sz.stroke
        };
        chart
            .draw_series(LineSeries::new(
                years.iter().zip(line.values).map(|(y, v)| (*y, *v)),
                line.colour.stroke_width(stroke.max(2)),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// One panel per service (with the portfolio in grey for reference).
pub(super) fn small_multiples<DB: DrawingBackend>(
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
        let axes = (label, data.words().t("Year", "연도"));
        probability_plot(panel, &data.years, &series, &s.name, axes, small, true)?;
    }
    Ok(())
}

pub(super) fn title(data: &ChartData, opts: &ChartOptions, what: &str) -> String {
    format!(
        "{} — {what}",
        opts.title.as_deref().unwrap_or(&data.scenario)
    )
}

pub(super) fn subtitle(data: &ChartData) -> String {
    let (trials, seed, money) = (thousands(data.trials as f64, 0), data.seed, data.money());
    match data.words().ko() {
        true => format!("{trials}회 시행, 시드 {seed}; 금액 단위 {money}"),
        false => format!("{trials} trials, seed {seed}; money in {money}"),
    }
}

/// Draws the title and subtitle and returns the area below them.
pub(super) fn titled<DB: DrawingBackend>(
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
pub(super) type PickRef = fn(&EntitySeries) -> (&[f64], Option<(&[f64], &[f64])>);

/// A chart of money per year (0 to `top`), axes labelled and drawn.
pub(super) fn money_by_year<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    d: &ChartData,
    (years, top): (std::ops::Range<i32>, f64),
    sz: Sizes,
) -> std::result::Result<YearMoney<'a, DB>, String> {
    let mut chart = ChartBuilder::on(plot)
        .margin(sz.tick)
        .x_label_area_size(sz.label * 5 / 2)
        .y_label_area_size(sz.label * 4)
        .build_cartesian_2d(years, 0f64..top.max(1.0))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(d.words().t("Year", "연도"))
        .y_desc(match d.words().ko() {
            true => format!("연간 {}", d.money()),
            false => format!("{} per year", d.money()),
        })
        .x_labels(d.years.len().min(12))
        // A step chart's axis runs to the end of its last year: the tick
        // there is no year of the horizon, so it goes unlabelled.
        .x_label_formatter(&|y| match d.years.last() {
            Some(last) if y > last => String::new(),
            _ => y.to_string(),
        })
        // Amounts restated in 억 원 can be small: as many decimals as
        // the ticks' step needs to tell them apart.
        .y_label_formatter(&|v| thousands(*v, tick_decimals(top.max(1.0), 10)))
        .draw_house(sz)?;
    Ok(chart)
}

pub(super) type YearMoney<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordi32, RangedCoordf64>>;

#[cfg(test)]
mod tests {
    use super::tick_decimals;

    #[test]
    fn ticks_get_the_decimals_their_step_needs() {
        assert_eq!(tick_decimals(3_000.0, 6), 0);
        assert_eq!(tick_decimals(8.0, 6), 0);
        assert_eq!(tick_decimals(3.0, 6), 1);
        assert_eq!(tick_decimals(0.15, 6), 2);
        assert_eq!(tick_decimals(0.0, 6), 0);
        assert_eq!(tick_decimals(f64::NAN, 6), 0);
    }
}
