//! The charts of a run: P(gap) per year, a fan chart per service, the gap
//! NPV distribution, survival and the funding mix.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::parallel::Jobs;
use crate::staging::Sink;
use fundgap::error::{Error, Result};
use fundgap::format::{percent, thousands};
use fundgap::model::FundingKind;

use super::DrawResult;
use super::draw::*;
use super::*;

/// One probability per service and year, drawn as lines (or small
/// multiples): P(gap) with its interval, or the survival curve.
pub(super) struct PerService<'a> {
    pub(super) data: &'a ChartData,
    pub(super) opts: &'a ChartOptions,
    pub(super) what: &'static str,
    pub(super) note: &'static str,
    pub(super) y_desc: &'static str,
    pub(super) pick: PickRef,
}

impl Chart for PerService<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let sz = Sizes::for_area(root);
        let many = d.services().len() > MAX_LINES_IN_ONE_PLOT;
        // With many trials the 95% bands are thinner than the lines: say
        // how thin, rather than leave a legend for something unseen.
        let widest = d
            .entities
            .iter()
            .filter_map(|e| (self.pick)(e).1)
            .flat_map(|(lo, hi)| lo.iter().zip(hi).map(|(l, h)| (h - l) / 2.0))
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        let thin = match widest {
            Some(x) if x < 0.01 => {
                let pts = format!("{:.1}", x * 100.0);
                match d.words().ko() {
                    true => format!(" (최대 ±{pts}%p, 선보다 좁음)"),
                    false => format!(" (at most ±{pts} points: thinner than the lines)"),
                }
            }
            _ => String::new(),
        };
        let body = titled(
            root,
            &title(d, self.opts, self.what),
            &format!(
                "{}; {}{thin}{}",
                subtitle(d),
                self.note,
                if many {
                    d.words().t("; grey: portfolio", "; 회색: 전체")
                } else {
                    ""
                }
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
            let (c, is_port) = entity_style(i, d.entities.len());
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
        let axes = (self.y_desc, d.words().t("Year", "연도"));
        probability_plot(&plot, &d.years, &series, "", axes, sz, false)
    }
}

pub(super) struct Fan<'a> {
    pub(super) data: &'a ChartData,
    pub(super) opts: &'a ChartOptions,
    pub(super) entity: &'a EntitySeries,
}

impl Chart for Fan<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let e = self.entity;
        let sz = Sizes::for_area(root);
        let body = titled(
            root,
            &title(
                d,
                self.opts,
                &match d.words().ko() {
                    true => format!("{} 비용과 재원", e.name),
                    false => format!("cost and funding of {}", e.name),
                },
            ),
            &format!(
                "{}; {}",
                subtitle(d),
                d.words().t(
                    "lines: median; bands: P25–P75 and P5–P95",
                    "선: 중앙값, 띠: P25–P75 및 P5–P95"
                )
            ),
            sz,
        )?;
        let entries = vec![
            (d.words().t("Cost", "비용").to_string(), COST, true),
            (
                d.words()
                    .t("Funding (before reserve draws)", "재원 (적립금 사용 전)")
                    .to_string(),
                FUNDING,
                true,
            ),
        ];
        let plot = legend(&body, &entries, sz)?;
        let top = max_of(e.cost_q.iter().chain(&e.funding_q).map(|q| &q[4])) * 1.05;
        let mut chart = money_by_year(&plot, d, (year_range(&d.years), top), sz)?;
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

pub(super) struct GapNpv<'a> {
    pub(super) data: &'a ChartData,
    pub(super) opts: &'a ChartOptions,
}

impl Chart for GapNpv<'_> {
    // Long by design: a chart's layout reads top to bottom in drawing order
    // (see charts/stress.rs).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let g = &d.gap_npv;
        let sz = Sizes::for_area(root);
        let body = titled(
            root,
            &title(
                d,
                self.opts,
                d.words().t(
                    "distribution of the portfolio's gap NPV",
                    "전체 부족액 현재가치의 분포",
                ),
            ),
            &format!(
                "{}; {}",
                subtitle(d),
                d.words().t(
                    "bars: share of trials; curve: P(gap NPV > x)",
                    "막대: 시행 비율, 곡선: P(부족액 현가 > x)"
                )
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
        let bins = super::histogram::rebin(&g.buckets, lo, hi, n);
        let width = (hi - lo) / n as f64;
        let top = bins.iter().copied().fold(0.0, f64::max).max(1.0) / total.max(1) as f64 * 1.1;
        let markers = [
            (d.words().t("mean", "평균"), g.mean, RGBColor(0, 0, 0)),
            ("P95", g.p95, COST),
            ("CVaR95", g.cvar95, RGBColor(204, 121, 167)),
        ];
        let entries: Vec<(String, RGBColor, bool)> = std::iter::once((
            d.words().t("Share of trials", "시행 비율").to_string(),
            FUNDING,
            true,
        ))
        .chain(std::iter::once((
            d.words()
                .t("P(gap NPV > x)", "P(부족액 현가 > x)")
                .to_string(),
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
            // Room for "10.0%" and "100%" beside each rotated title, at
            // any size (they touched at 800x500).
            .y_label_area_size(sz.label * 4)
            .right_y_label_area_size(sz.label * 4)
            .build_cartesian_2d(lo..hi, 0f64..top.max(1e-9))
            .map_err(err)?
            .set_secondary_coord(lo..hi, 0f64..1f64);
        chart
            .configure_mesh()
            .x_desc(format!(
                "{} ({})",
                d.words().t("Gap NPV", "부족액 현재가치"),
                d.money()
            ))
            .y_desc(d.words().t("Share of trials", "시행 비율"))
            .x_label_formatter(&|v| thousands(*v, 0))
            .y_label_formatter(&|p| percent(*p, 1))
            .draw_house(sz)?;
        chart
            .configure_secondary_axes()
            .y_desc(d.words().t("P(gap NPV > x)", "P(부족액 현가 > x)"))
            .y_label_formatter(&|p| percent(*p, 0))
            .label_style(font(sz.tick))
            .axis_desc_style(font(sz.label))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bins.iter().enumerate().map(|(i, c)| {
                let x0 = lo + i as f64 * width;
                Rectangle::new(
                    [(x0, 0.0), (x0 + width * 0.92, *c / total.max(1) as f64)],
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

pub(super) struct FundingMix<'a> {
    pub(super) data: &'a ChartData,
    pub(super) opts: &'a ChartOptions,
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
            &title(
                d,
                self.opts,
                d.words().t("where the money comes from", "재원 구성"),
            ),
            &format!(
                "{}; {}",
                subtitle(d),
                d.words().t(
                    "mean funding by kind, stacked, against mean cost",
                    "재원 종류별 평균(누적)과 평균 비용"
                )
            ),
            sz,
        )?;
        let mut entries: Vec<(String, RGBColor, bool)> = FundingKind::ALL
            .iter()
            .map(|k| {
                let w = d.words();
                // The mix shows what reserves paid out, not their balance.
                let name = match k {
                    FundingKind::Reserve => w.t("reserve draws", "적립금 사용"),
                    k => crate::lang::funding_kind(*k, w),
                };
                (name.to_string(), KIND_COLOURS[*k as usize], true)
            })
            .collect();
        entries.push((
            d.words().t("mean cost", "평균 비용").to_string(),
            BLACK,
            true,
        ));
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
        // Yearly amounts are drawn as steps, so the year a grant ends is a
        // cliff, not a slope into the next year; the last year's step
        // runs to the end of that year.
        let first = d.years.first().copied().unwrap_or(0);
        let end = d.years.last().map_or(first + 1, |y| y + 1);
        let mut chart = money_by_year(&plot, d, (first..end, top), sz)?;
        for k in 0..FundingKind::COUNT {
            let upper: Vec<(i32, f64)> = d
                .years
                .iter()
                .zip(&stacked)
                .map(|(y, s)| (*y, s[k]))
                .collect();
            let lower: Vec<(i32, f64)> = d
                .years
                .iter()
                .zip(&stacked)
                .map(|(y, s)| (*y, if k == 0 { 0.0 } else { s[k - 1] }))
                .collect();
            let mut pts = steps(&upper);
            pts.extend(steps(&lower).into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(
                    pts,
                    KIND_COLOURS[k].mix(0.75),
                )))
                .map_err(err)?;
        }
        let cost: Vec<(i32, f64)> = d
            .years
            .iter()
            .zip(&p.cost_mean)
            .map(|(y, v)| (*y, *v))
            .collect();
        chart
            .draw_series(LineSeries::new(
                steps(&cost),
                BLACK.stroke_width((sz.stroke * 2).max(2)),
            ))
            .map_err(err)?;
        Ok(())
    }
}

/// A yearly series as a step function: each year's value holds until the
/// next year, where it changes at once, and the last year's to the end of
/// that year.
fn steps(points: &[(i32, f64)]) -> Vec<(i32, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(y, v)) in points.iter().enumerate() {
        out.push((y, v));
        let next = points.get(i + 1).map_or(y + 1, |p| p.0);
        out.push((next, v));
    }
    out
}

/// Draws every chart of a run into `staging`; returns the file names.
pub fn draw_all(
    data: &ChartData,
    opts: &ChartOptions,
    staging: &mut dyn Sink,
) -> Result<Vec<String>> {
    if opts.width < 200 || opts.height < 150 {
        return Err(Error::Usage(format!(
            "charts need at least 200x150 pixels, got {}x{}",
            opts.width, opts.height
        )));
    }
    let mut jobs = Jobs::default();
    let w = data.words();
    let gap = PerService {
        data,
        opts,
        what: w.t(
            "probability of a funding gap per year",
            "연도별 재원 부족 확률",
        ),
        note: w.t("shaded: 95% interval", "음영: 95% 구간"),
        y_desc: w.t("P(gap in year)", "해당 연도 부족 확률"),
        pick: |e| (&e.p_gap, Some((&e.p_gap_lo, &e.p_gap_hi))),
    };
    jobs.add(gap, "gap-probability", opts);
    for e in &data.entities {
        let chart = Fan {
            data,
            opts,
            entity: e,
        };
        jobs.add(chart, format!("fan-{}", file_id(&e.id)), opts);
    }
    jobs.add(GapNpv { data, opts }, "gap-npv", opts);
    let survival = PerService {
        data,
        opts,
        what: w.t(
            "how long each service lasts without a gap",
            "서비스별 부족 없이 지속되는 기간",
        ),
        note: w.t(
            "share of trials with no gap so far; shaded: 95% interval",
            "지금까지 부족이 없었던 시행 비율; 음영: 95% 구간",
        ),
        y_desc: w.t("P(no gap yet)", "아직 부족 없음 확률"),
        pick: |e| (&e.survival, band(&e.survival_lo, &e.survival_hi)),
    };
    jobs.add(survival, "survival", opts);
    // Only where a service can stop: otherwise every line would sit at 0.
    if data
        .entities
        .iter()
        .any(|e| e.stopped.iter().any(|&p| p > 0.0))
    {
        let stops = PerService {
            data,
            opts,
            what: w.t(
                "chance each service has been stopped or shrunk by its stop rule or take-over decision",
                "중단 규칙 또는 지방비 전환 결정에 따라 중단·축소되었을 확률",
            ),
            note: w.t(
                "share of trials stopped or shrunk so far (no rule or decision: 0); shaded: 95% interval",
                "지금까지 중단·축소된 시행 비율 (규칙·결정 없음: 0); 음영: 95% 구간",
            ),
            y_desc: w.t(
                "P(stopped or shrunk by year)",
                "해당 연도까지 중단·축소 확률",
            ),
            pick: |e| (&e.stopped, band(&e.stopped_lo, &e.stopped_hi)),
        };
        jobs.add(stops, "stops", opts);
    }
    jobs.add(FundingMix { data, opts }, "funding-mix", opts);
    if data.entities.iter().any(|e| !e.topup_curve.is_empty()) {
        jobs.add(FundingNeeded { data, opts }, "funding-needed", opts);
    }
    jobs.write(staging, opts)
}

/// The yearly top-up each service (and the portfolio) needs to stay
/// gap-free, against the share of trials it must cover.
pub(super) struct FundingNeeded<'a> {
    pub(super) data: &'a ChartData,
    pub(super) opts: &'a ChartOptions,
}

impl Chart for FundingNeeded<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        let w = d.words();
        let sz = Sizes::for_area(root);
        let body = titled(
            root,
            &title(
                d,
                self.opts,
                w.t(
                    "yearly top-up that keeps each service gap-free",
                    "재원 부족을 막는 연간 추가 예산",
                ),
            ),
            &format!(
                "{}; {}",
                subtitle(d),
                w.t(
                    "in start-year prices, against the share of trials it covers; shaded: 95% interval",
                    "기준연도 가격, 부족이 없는 시행 비율별; 음영: 95% 구간",
                )
            ),
            sz,
        )?;
        let entries: Vec<(String, RGBColor, bool)> = d
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let (c, is_port) = entity_style(i, d.entities.len());
                (e.name.clone(), c, is_port)
            })
            .collect();
        let plot = legend(&body, &entries, sz)?;
        let top = d
            .entities
            .iter()
            .flat_map(|e| e.topup_curve.iter().map(|c| c[3]))
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        let top = if top > 0.0 { top * 1.05 } else { 1.0 };
        let unit = format!("{} {}", d.currency, d.unit);
        let mut chart = ChartBuilder::on(&plot)
            .margin(sz.tick)
            .x_label_area_size(sz.label * 2)
            .y_label_area_size(sz.label * 5)
            .build_cartesian_2d(0.5f64..1.0f64, 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(w.t("share of trials kept gap-free", "부족이 없는 시행 비율"))
            .y_desc(format!(
                "{} ({})",
                w.t("top-up a year", "연간 추가 예산"),
                unit.trim()
            ))
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|q| fundgap::format::percent(*q, 0))
            .y_label_formatter(&|v| thousands(*v, if top < 10.0 { 1 } else { 0 }))
            .draw_house(sz)?;
        // Bands first, so no band veils a line; then the portfolio's thick
        // line under the services' thin ones.
        for (e, (_, c, _)) in d.entities.iter().zip(&entries) {
            let mut pts: Vec<(f64, f64)> = e.topup_curve.iter().map(|p| (p[0], p[3])).collect();
            pts.extend(e.topup_curve.iter().rev().map(|p| (p[0], p[2])));
            chart
                .draw_series(std::iter::once(Polygon::new(pts, c.mix(0.18))))
                .map_err(err)?;
        }
        let lines = d.entities.iter().zip(&entries);
        let thick_first = lines
            .clone()
            .filter(|(_, l)| l.2)
            .chain(lines.filter(|(_, l)| !l.2).rev());
        for (e, (_, c, thick)) in thick_first {
            let stroke = if *thick { sz.stroke * 5 / 2 } else { sz.stroke };
            chart
                .draw_series(LineSeries::new(
                    e.topup_curve.iter().map(|p| (p[0], p[1])),
                    c.stroke_width(stroke.max(2)),
                ))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// A series' 95% band, if its run wrote one (a charts.json from before
/// the survival and stop curves had bands has none).
fn band<'a>(lo: &'a [f64], hi: &'a [f64]) -> Option<(&'a [f64], &'a [f64])> {
    (!lo.is_empty() && !hi.is_empty()).then_some((lo, hi))
}
