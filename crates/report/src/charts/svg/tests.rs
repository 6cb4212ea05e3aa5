//! The SVG backend: outlines, their layout and their bytes.

use super::*;
use plotters::prelude::{IntoFont, TextStyle};
use plotters::style::text_anchor::Pos;

fn nanum() -> FontRef<'static> {
    FontRef::try_from_slice(super::super::hangul_font()).unwrap()
}

fn dejavu() -> FontRef<'static> {
    FontRef::try_from_slice(dejavu::sans::regular()).unwrap()
}

fn style(size: u32, pos: Pos, turn: FontTransform) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font().transform(turn)).pos(pos)
}

/// The SVG of `texts`, each drawn in `font` with its style at its point.
fn drawn(font: FontRef<'static>, texts: &[(&str, &TextStyle<'_>, (i32, i32))]) -> String {
    let mut out = String::new();
    {
        let mut svg = OutlinedSvg::with_font(&mut out, (800, 600), "t", font);
        for (text, style, at) in texts {
            svg.draw_text(text, *style, *at).unwrap();
        }
        svg.present().unwrap();
    }
    out
}

fn groups(svg: &str) -> Vec<&str> {
    svg.lines().filter(|l| l.starts_with("<g ")).collect()
}

/// A run's transform: its pen's start, the quarter turn and the scale.
fn placement(group: &str) -> (f64, f64, u32, f64) {
    let t = group.split("transform=\"").nth(1).unwrap();
    let t = &t[..t.find('"').unwrap()];
    let nums: Vec<f64> = t
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    match nums.as_slice() {
        [x, y, s] => (*x, *y, 0, *s),
        [x, y, r, s] => (*x, *y, *r as u32, *s),
        _ => panic!("transform {t}"),
    }
}

/// Hangul comes out as outlines (no `<text>`), one definition per
/// distinct glyph, each placed by a `<use>` naming a defined glyph,
/// and the string stays in the run's `<title>`.
#[test]
fn hangul_is_drawn_as_outlines_titled_with_its_string() {
    let s = style(40, Pos::default(), FontTransform::None);
    let svg = drawn(nanum(), &[("스마트 주차 스마트", &s, (10, 10))]);
    assert!(!svg.contains("<text"), "{svg}");
    assert!(svg.contains("<title>스마트 주차 스마트</title>"));
    let defs: Vec<&str> = svg.lines().filter(|l| l.starts_with("<path id=")).collect();
    assert_eq!(defs.len(), 5, "스 마 트 주 차, each once");
    assert!(
        defs.iter()
            .all(|d| d.contains(" d=\"M") && d.ends_with("z\"/>"))
    );
    let uses: Vec<&str> = svg.split("xlink:href=\"#").skip(1).collect();
    assert_eq!(uses.len(), 8, "every glyph but the spaces");
    for u in uses {
        let id = &u[..u.find('"').unwrap()];
        assert!(
            svg.contains(&format!("<path id=\"{id}\"")),
            "{id} undefined"
        );
    }
    assert!(svg.starts_with("<svg ") && svg.contains("xmlns:xlink="));
}

/// The same text at the same size gives the same bytes: in another
/// document, and elsewhere in the same one (only its place differs,
/// its glyphs are not defined again).
#[test]
fn the_same_text_gives_the_same_bytes() {
    let s = style(26, Pos::default(), FontTransform::None);
    let one = drawn(nanum(), &[("연도별 부족 확률 2030", &s, (10, 10))]);
    assert_eq!(
        one,
        drawn(nanum(), &[("연도별 부족 확률 2030", &s, (10, 10))])
    );
    let two = drawn(
        nanum(),
        &[
            ("연도별 부족 확률 2030", &s, (10, 10)),
            ("연도별 부족 확률 2030", &s, (300, 200)),
        ],
    );
    let defs = |svg: &str| svg.lines().filter(|l| l.starts_with("<path")).count();
    assert_eq!(defs(&two), defs(&one));
    let g = groups(&two);
    let after_place = |g: &str| g[g.find(" scale(").unwrap()..].to_string();
    assert_eq!(after_place(g[0]), after_place(g[1]));
    assert_eq!(g[0], groups(&one)[0]);
}

/// Left, centred and right-aligned text start where plotters' layout
/// puts them, and centred text's ink is centred on its point.
#[test]
fn anchors_place_text_as_plotters_lays_it_out() {
    let font = dejavu();
    let text = "OHO";
    let size = 40;
    let ink = |svg: &str| -> (f64, f64) {
        let g = groups(svg)[0];
        let (x, _, _, scale) = placement(g);
        let xs: Vec<f64> = g
            .split(" x=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        let o = font.outline(font.glyph_id('O')).unwrap().bounds;
        (
            x + scale * (xs[0] + f64::from(o.min.x)),
            x + scale * (xs[2] + f64::from(o.max.x)),
        )
    };
    let width = {
        let mut out = String::new();
        let svg = OutlinedSvg::with_font(&mut out, (10, 10), "t", font.clone());
        svg.layout(text, f64::from(size)).0 as f64
    };
    let at = |h| {
        let s = style(size, Pos::new(h, VPos::Top), FontTransform::None);
        placement(groups(&drawn(font.clone(), &[(text, &s, (400, 100))]))[0]).0
    };
    assert_eq!(at(HPos::Left), 400.0);
    assert!((at(HPos::Center) - (400.0 - width / 2.0)).abs() <= 1.0);
    assert!((at(HPos::Right) - (400.0 - width)).abs() <= 1.0);
    let s = style(
        size,
        Pos::new(HPos::Center, VPos::Center),
        FontTransform::None,
    );
    let (left, right) = ink(&drawn(font.clone(), &[(text, &s, (400, 100))]));
    assert!(
        ((left + right) / 2.0 - 400.0).abs() < 1.5,
        "{left}..{right}"
    );
    assert!(right - left > width * 0.8);
}

/// An axis title turned a quarter (as plotters draws the y axis's)
/// runs upwards, centred on its point.
#[test]
fn turned_text_runs_up_centred_on_its_point() {
    let font = nanum();
    let s = style(
        30,
        Pos::new(HPos::Center, VPos::Center),
        FontTransform::Rotate270,
    );
    let svg = drawn(font.clone(), &[("해당 연도 부족 확률", &s, (40, 300))]);
    let (x, y, turn, _) = placement(groups(&svg)[0]);
    assert_eq!(turn, 270);
    let mut out = String::new();
    let width = OutlinedSvg::with_font(&mut out, (10, 10), "t", font)
        .layout("해당 연도 부족 확률", 30.0)
        .0 as f64;
    assert!((y - (300.0 + width / 2.0)).abs() <= 1.0, "{y}");
    // The baseline is to the right of the point (the text's top faces
    // left), within the text's height.
    assert!(x > 40.0 && x < 40.0 + 30.0, "{x}");
}

/// A font without a character still draws something in its place
/// (its .notdef, or a box), never panics, and keeps the string.
#[test]
fn a_font_without_a_character_draws_a_box() {
    let s = style(30, Pos::default(), FontTransform::None);
    let svg = drawn(dejavu(), &[("주차 A", &s, (10, 10))]);
    assert!(svg.contains("<title>주차 A</title>"));
    // Both Hangul syllables are glyph 0: one definition, two uses,
    // then the A.
    assert_eq!(svg.lines().filter(|l| l.starts_with("<path")).count(), 2);
    assert_eq!(svg.matches("<use ").count(), 3);
    assert!(missing_box_is_hollow());
}

fn missing_box_is_hollow() -> bool {
    let mut out = String::new();
    let svg = OutlinedSvg::with_font(&mut out, (10, 10), "t", dejavu());
    let d = svg.missing_box();
    d.starts_with('M') && d.matches('z').count() == 2
}

#[test]
fn titles_are_escaped_and_numbers_fixed() {
    let s = style(20, Pos::default(), FontTransform::None);
    let svg = drawn(dejavu(), &[("P(a < b) & \"c\"\u{7}", &s, (0, 0))]);
    assert!(svg.contains("<title>P(a &lt; b) &amp; &quot;c&quot;</title>"));
    assert_eq!(num(0.1 + 0.2, 2), "0.3");
    assert_eq!(num(-0.0001, 2), "0");
    assert_eq!(num(12.0, 7), "12");
    assert_eq!(num(0.010905, 7), "0.010905");
}

/// Outline curves become relative path commands in whole font units,
/// y down, with straight lines as `h`/`v` and the closing line left to
/// `z`.
#[test]
fn outlines_become_compact_path_data() {
    let p = |x, y| ab_glyph::point(x, y);
    let square = [
        OutlineCurve::Line(p(0.0, 0.0), p(100.0, 0.0)),
        OutlineCurve::Line(p(100.0, 0.0), p(100.0, 100.0)),
        OutlineCurve::Quad(p(100.0, 100.0), p(50.0, 150.4), p(0.0, 100.0)),
        OutlineCurve::Line(p(0.0, 100.0), p(0.0, 0.0)),
        OutlineCurve::Line(p(10.0, 10.0), p(20.0, 20.0)),
        OutlineCurve::Line(p(20.0, 20.0), p(10.0, 10.0)),
    ];
    assert_eq!(
        outline_path(&square),
        "M0 0h100v-100q-50-50-100 0zm10-10l10-10z"
    );
    assert_eq!(outline_path(&[]), "");
}
