//! Charts for reports and slides, as PNG and SVG.
//!
//! Charts are drawn from [`ChartData`], a small summary of a run saved as
//! `charts.json` next to the tables, so `fundgap chart` can redraw them
//! (another size, title or font) without simulating again. Nothing here
//! holds per-trial data.
//!
//! Text is rendered with a font embedded in the binary (DejaVu Sans, or
//! Nanum Square when the charts show Hangul), so charts come out the same
//! on a machine without system fonts; `--font` registers any TTF/OTF
//! instead ([`register_font`]). PNGs rasterise it; SVGs carry no `<text>`
//! but the same font's glyph outlines, each defined once and placed by
//! `<use>`, with every string kept in a `<title>` (`svg.rs`), so a viewer
//! with no Korean font installed still shows Hangul.
//! Colours are the Okabe–Ito palette, which stays distinguishable for the
//! common forms of colour blindness.

mod compare;
mod discover;
mod draw;
mod histogram;
mod parallel;
mod run;
mod sobol;
mod stress;
mod svg;
mod tornado;

pub use compare::draw_compare;
pub use discover::draw_discovery;
use draw::*;
pub use run::draw_all;
pub use sobol::draw_sobol;
pub use stress::draw_heatmap;
pub use tornado::draw_tornadoes;

use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::{Deserialize, Serialize};

use crate::staging::Sink;
use fundgap::error::{Error, Result};
use fundgap::model::{FundingKind, Language, Model};

use super::lang::{Money, MoneyOf, Words, entity_name};
use fundgap::stats::Report;

/// Font family name under which the chart font is registered.
pub(super) const FAMILY: &str = "sans-serif";

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
pub(super) const COST: RGBColor = RGBColor(213, 94, 0);
pub(super) const FUNDING: RGBColor = RGBColor(0, 114, 178);
pub(super) const KIND_COLOURS: [RGBColor; FundingKind::COUNT] = [
    RGBColor(0, 114, 178),   // grant
    RGBColor(0, 158, 115),   // budget
    RGBColor(230, 159, 0),   // fees
    RGBColor(204, 121, 167), // contract
    RGBColor(120, 120, 120), // reserve: grey, far from the grant's blue
];

/// Above this many services, per-service charts become small multiples.
pub(super) const MAX_LINES_IN_ONE_PLOT: usize = 10;

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
    /// The survival curve's 95% interval. (Absent from the charts.json
    /// of older runs, which draw the curve without its band.)
    #[serde(default)]
    pub survival_lo: Vec<f64>,
    #[serde(default)]
    pub survival_hi: Vec<f64>,
    /// P(stopped or shrunk, by its stop rule or take-over decision) by
    /// each year; all 0 where nothing can stop it. (Absent from the
    /// charts.json of older runs.)
    #[serde(default)]
    pub stopped: Vec<f64>,
    /// Its 95% interval (absent from older runs, as the survival's).
    #[serde(default)]
    pub stopped_lo: Vec<f64>,
    #[serde(default)]
    pub stopped_hi: Vec<f64>,
    /// The yearly top-up that keeps it gap-free at each confidence level:
    /// (confidence, top-up, interval low, high); empty when the run did
    /// not compute it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topup_curve: Vec<[f64; 4]>,
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
    /// The language of the labels, "en" or "ko" (absent from the
    /// charts.json of older runs: English).
    #[serde(default = "english")]
    pub lang: String,
    /// When amounts were restated (Korean won in 억 원): the scenario's
    /// own currency and unit and the divisor applied, so `fundgap chart
    /// --lang en` can draw them in the scenario's money again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restated_from: Option<Restated>,
}

/// The scenario's money behind restated amounts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Restated {
    pub currency: String,
    pub unit: String,
    pub divisor: f64,
}

fn english() -> String {
    "en".to_string()
}

impl ChartData {
    /// The charts of a run, labelled in `lang`; in Korean, won amounts are
    /// restated in the unit the report's tables use (억 원 or 백만 원).
    pub fn new(model: &Model, report: &Report, lang: Language) -> Self {
        let money = Money::of_report(model, report, lang);
        let data = ChartData::in_scenario_money(model, report).portfolio_named(lang);
        // Amounts below 1억 keep their values but still take the table's
        // label (백만 원, not "KRW million").
        if money.divisor() == 1.0 && money.label() == data.money() {
            return ChartData {
                lang: lang.as_str().to_string(),
                ..data
            };
        }
        data.restated(money.divisor(), money.label(), lang)
    }

    /// The same charts labelled in `lang` (for `fundgap chart --lang`):
    /// Korean restates won amounts in 억 원 or 백만 원, sized by the
    /// portfolio's gap NPV (a run sizes them by its largest table figure,
    /// so the decimals can differ); English returns to the scenario's own
    /// money.
    pub fn in_language(self, lang: Language) -> Self {
        self.translated(lang).portfolio_named(lang)
    }

    fn translated(self, lang: Language) -> Self {
        match (self.language(), lang) {
            (from, to) if from == to => self,
            (_, Language::En) => match self.restated_from.clone() {
                Some(r) => {
                    let mut data = self.restated(1.0 / r.divisor, &r.unit, lang);
                    data.currency = r.currency;
                    data.restated_from = None;
                    data
                }
                None => ChartData {
                    lang: lang.as_str().to_string(),
                    ..self
                },
            },
            (_, Language::Ko) => {
                let largest = self.gap_npv.p95.abs().max(self.gap_npv.mean.abs());
                let money = Money::for_units(&self.currency, &self.unit, true, largest);
                if money.divisor() == 1.0 && money.label() == self.money() {
                    return ChartData {
                        lang: lang.as_str().to_string(),
                        ..self
                    };
                }
                self.restated(money.divisor(), money.label(), lang)
            }
        }
    }

    /// The portfolio named as a reader of `lang` calls it (its own name
    /// is English).
    fn portfolio_named(mut self, lang: Language) -> Self {
        if let Some(p) = self.entities.iter_mut().find(|e| e.id == "portfolio") {
            p.name = match lang {
                Language::Ko => entity_name(&p.id, &p.name, lang),
                Language::En => fundgap::stats::PORTFOLIO_NAME.to_string(),
            };
        }
        self
    }

    /// Amounts divided by `div` and labelled `unit` (no currency: the
    /// unit says it, as 억 원 does).
    fn restated(mut self, div: f64, unit: &str, lang: Language) -> Self {
        if self.restated_from.is_none() && !self.currency.is_empty() {
            self.restated_from = Some(Restated {
                currency: self.currency.clone(),
                unit: self.unit.clone(),
                divisor: div,
            });
        }
        for e in &mut self.entities {
            for q in e.cost_q.iter_mut().chain(e.funding_q.iter_mut()) {
                q.iter_mut().for_each(|x| *x /= div);
            }
            e.cost_mean.iter_mut().for_each(|x| *x /= div);
            for k in &mut e.funding_by_kind {
                k.iter_mut().for_each(|x| *x /= div);
            }
            for c in &mut e.topup_curve {
                c[1..].iter_mut().for_each(|x| *x /= div);
            }
        }
        let g = &mut self.gap_npv;
        g.buckets.iter_mut().for_each(|(v, _)| *v /= div);
        g.mean /= div;
        g.p95 /= div;
        g.cvar95 /= div;
        self.currency = String::new();
        self.unit = unit.to_string();
        self.lang = lang.as_str().to_string();
        self
    }

    /// The labels' language.
    pub fn language(&self) -> Language {
        if self.lang == "ko" {
            Language::Ko
        } else {
            Language::En
        }
    }

    fn words(&self) -> Words {
        Words(self.language())
    }

    /// The charts of a run in the scenario's own money, English labels.
    fn in_scenario_money(model: &Model, report: &Report) -> Self {
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
                survival: e.yearly.iter().map(|y| y.survival.estimate).collect(),
                survival_lo: e.yearly.iter().map(|y| y.survival.lo).collect(),
                survival_hi: e.yearly.iter().map(|y| y.survival.hi).collect(),
                stopped: e
                    .yearly
                    .iter()
                    .map(|y| 1.0 - y.p_continued.estimate)
                    .collect(),
                stopped_lo: e.yearly.iter().map(|y| 1.0 - y.p_continued.hi).collect(),
                stopped_hi: e.yearly.iter().map(|y| 1.0 - y.p_continued.lo).collect(),
                topup_curve: e
                    .funding_curve
                    .iter()
                    .map(|n| [n.confidence, n.topup, n.topup_lo, n.topup_hi])
                    .collect(),
            })
            .collect();
        let p = report.portfolio();
        ChartData {
            format_version: 1,
            scenario: model.name().to_string(),
            currency: model.currency().to_string(),
            unit: model.unit().to_string(),
            trials: report.trials,
            seed: model.seed(),
            years: (0..model.horizon()).map(|t| model.year(t)).collect(),
            entities,
            gap_npv: NpvDistribution {
                buckets: p.gap_npv_sketch.buckets(),
                mean: p.gap_npv.mean,
                p95: p.gap_npv.p95,
                cvar95: p.gap_npv_cvar95,
            },
            lang: english(),
            restated_from: None,
        }
    }

    /// Why a `charts.json` read back cannot be drawn, if it cannot: every
    /// series must have one value per year (`stopped` and the survival's
    /// and stops' bands may be empty, as in older runs), at least one entity (the portfolio), and finite
    /// histogram buckets in increasing order.
    pub fn inconsistency(&self) -> Option<String> {
        let n = self.years.len();
        if n == 0 {
            return Some("it has no years".into());
        }
        if self.entities.is_empty() {
            return Some("it has no services and no portfolio".into());
        }
        for e in &self.entities {
            let lens = [
                ("p_gap", e.p_gap.len()),
                ("p_gap_lo", e.p_gap_lo.len()),
                ("p_gap_hi", e.p_gap_hi.len()),
                ("cost_q", e.cost_q.len()),
                ("funding_q", e.funding_q.len()),
                ("cost_mean", e.cost_mean.len()),
                ("funding_by_kind", e.funding_by_kind.len()),
                ("survival", e.survival.len()),
            ];
            if let Some((what, len)) = lens.iter().find(|(_, len)| *len != n) {
                return Some(format!(
                    "entity `{}` has {len} values of `{what}` for {n} years",
                    e.id
                ));
            }
            let optional = [
                ("stopped", &e.stopped),
                ("stopped_lo", &e.stopped_lo),
                ("stopped_hi", &e.stopped_hi),
                ("survival_lo", &e.survival_lo),
                ("survival_hi", &e.survival_hi),
            ];
            if let Some((what, v)) = optional.iter().find(|(_, v)| !v.is_empty() && v.len() != n) {
                return Some(format!(
                    "entity `{}` has {} values of `{what}` for {n} years",
                    e.id,
                    v.len()
                ));
            }
        }
        let b = &self.gap_npv.buckets;
        if b.iter().any(|(v, _)| !v.is_finite()) || b.windows(2).any(|w| w[0].0 > w[1].0) {
            return Some("its gap NPV histogram is not finite values in increasing order".into());
        }
        None
    }

    fn services(&self) -> &[EntitySeries] {
        &self.entities[..self.entities.len().saturating_sub(1)]
    }

    fn portfolio(&self) -> Option<&EntitySeries> {
        self.entities.last()
    }

    fn money(&self) -> String {
        format!("{} {}", self.currency, self.unit)
            .trim()
            .to_string()
    }
}

/// Which image files each chart is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG only.
    Png,
    /// SVG only.
    Svg,
    /// A PNG and an SVG of each chart.
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
    /// Language of the charts drawn from an analysis (the stress heatmap);
    /// a run's charts take theirs from their `ChartData`.
    pub lang: Language,
}

impl ChartOptions {
    /// The default images (PNG and SVG, full size), labelled in `lang`.
    pub fn in_language(lang: Language) -> Self {
        ChartOptions {
            lang,
            ..ChartOptions::default()
        }
    }

    /// SVG sized for an A4 page of `report.html`, labelled in `lang`.
    pub fn page(lang: Language) -> Self {
        ChartOptions {
            width: 960,
            height: 600,
            format: ImageFormat::Svg,
            title: None,
            lang,
        }
    }
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 1600,
            height: 1000,
            format: ImageFormat::Both,
            title: None,
            lang: Language::En,
        }
    }
}

/// Nanum Square Regular (NAVER, SIL Open Font License 1.1; licence in
/// `assets/fonts/NanumSquare-LICENSE.txt`): all 11,172 Hangul syllables and
/// Latin, 724 KB, embedded so Hangul names draw with no system fonts.
const NANUM_SQUARE: &[u8] = include_bytes!("../../../../assets/fonts/NanumSquareR.ttf");

/// The embedded Korean-capable font's file, for reports that embed it.
pub fn hangul_font() -> &'static [u8] {
    NANUM_SQUARE
}

/// Whether `text` has Hangul (syllables or jamo), which DejaVu Sans lacks.
pub fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
    })
}

/// Registers the chart font: the TTF/OTF file given; otherwise the
/// embedded Nanum Square when `text` (what the charts will show) has
/// Hangul or the labels are Korean (`lang`), else the embedded DejaVu
/// Sans. Warns, in `lang`, when a given font lacks characters of `text`
/// or of the Korean labels (they would be drawn as boxes).
pub fn register_font(file: Option<&std::path::Path>, text: &str, lang: Language) -> Result<()> {
    // Korean labels are text the charts show too: a Hangul sample stands
    // for them in the font choice and the missing-glyph check.
    let with_labels;
    let text = match lang {
        Language::Ko => {
            with_labels = format!("{text} 한국어");
            with_labels.as_str()
        }
        Language::En => text,
    };
    let bytes: &'static [u8] = match file {
        None if has_hangul(text) => NANUM_SQUARE,
        None => dejavu::sans::regular(),
        Some(p) => {
            let data = crate::input::read_bounded(p, 64 << 20, "font file")?;
            // The font registry keeps `'static` data; a process registers a
            // font once, so leaking it is the simplest correct ownership.
            Box::leak(data.into_boxed_slice())
        }
    };
    let not_a_font = || {
        Error::Usage(format!(
            "{} is not a TrueType/OpenType font",
            file.map(|p| p.display().to_string()).unwrap_or_default()
        ))
    };
    if file.is_some() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(bytes).map_err(|_| not_a_font())?;
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace() && font.glyph_id(*c).0 == 0)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let shown: String = missing.iter().take(12).collect();
            let font = file.map(|p| p.display().to_string()).unwrap_or_default();
            let n = missing.len();
            match lang {
                Language::En => status!(
                    "fundgap: warning: the font {font} has no glyphs for {n} character(s) the charts use ({shown}...); \
                     they will be drawn as boxes. Leave out --font to use the embedded fonts (Hangul included)"
                ),
                Language::Ko => status!(
                    "fundgap: 경고: 글꼴 {font}에 차트에 쓰이는 문자 {n}개({shown}...)의 글리프가 없어 네모로 그려집니다. \
                     내장 글꼴(한글 포함)을 쓰려면 --font를 빼십시오"
                ),
            }
        }
    }
    for style in [FontStyle::Normal, FontStyle::Bold] {
        plotters::style::register_font(FAMILY, style, bytes).map_err(|_| not_a_font())?;
    }
    svg::set_font(bytes).map_err(|_| not_a_font())
}

pub(super) type DrawResult = std::result::Result<(), String>;

fn render<C: Chart>(
    chart: &C,
    name: &str,
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    let size = (opts.width, opts.height);
    let fail = |e: String| Error::Usage(format!("cannot draw {name}: {e}"));
    let mut written = Vec::new();
    if matches!(opts.format, ImageFormat::Png | ImageFormat::Both) {
        let file = format!("{name}.png");
        // Drawn in memory and encoded here, so a failure to write (a full
        // disk) is an error naming the file, like every other output.
        let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
            chart.draw(&root).map_err(fail)?;
            root.present().map_err(|e| fail(format!("{e:?}")))?;
        }
        staging.write(&file, &encode_png(&rgb, size).map_err(fail)?)?;
        written.push(file);
    }
    if matches!(opts.format, ImageFormat::Svg | ImageFormat::Both) {
        let file = format!("{name}.svg");
        let mut svg = String::new();
        {
            let root =
                svg::OutlinedSvg::with_string(&mut svg, size, &file_id(name)).into_drawing_area();
            chart.draw(&root).map_err(fail)?;
            root.present().map_err(|e| fail(format!("{e:?}")))?;
        }
        staging.write(&file, svg.as_bytes())?;
        written.push(file);
    }
    Ok(written)
}

/// An RGB image as PNG bytes.
fn encode_png(rgb: &[u8], (width, height): (u32, u32)) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    // Charts are flat colours: adaptive filtering makes them small. The
    // default deflate level is within 8% of the best's size at a fifth of
    // its time, which was three quarters of a run's (bench-district,
    // 10,000 trials).
    enc.set_compression(png::Compression::Default);
    enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(rgb).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// File-name form of an id (ids are already restricted to safe characters).
pub(super) fn file_id(id: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded Korean font draws every Hangul syllable and all of
    /// printable ASCII, and is chosen exactly when the text has Hangul.
    #[test]
    fn the_embedded_korean_font_covers_hangul() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(NANUM_SQUARE).unwrap();
        let missing = ('\u{AC00}'..='\u{D7A3}')
            .chain(' '..='~')
            .filter(|c| font.glyph_id(*c).0 == 0)
            .count();
        assert_eq!(missing, 0);
        assert!(has_hangul("세종 5-1 스마트 주차"));
        assert!(!has_hangul("Sejong 5-1 smart parking"));
    }

    #[test]
    fn grid_fits_all_panels() {
        for n in 1..=30 {
            let (r, c) = grid_shape(n);
            assert!(r * c >= n && r <= c);
        }
    }
}
