//! The charts' SVG backend: shapes as plotters' own SVG backend draws
//! them, text as glyph outlines of the chart font.
//!
//! An SVG `<text>` names a font family, and a viewer without a matching
//! font installed (a Korean one above all) draws other glyphs or boxes. So
//! each text run is written as the outlines of the font the PNG is drawn
//! with ([`set_font`], called by `register_font`), laid out exactly as
//! plotters lays it out for the PNG: the same advances and kerning, the
//! baseline half the font size below the top of the layout box, the same
//! anchors and quarter-turn rotations. Each glyph's outline is written
//! once, in font units, in `<defs>` and placed by `<use>`; a run is a `<g>`
//! whose `<title>` holds its string, so the SVG stays searchable and a
//! screen reader reads it.
//!
//! Output is a pure function of the drawing calls: numbers are rounded to
//! fixed precision and glyphs are numbered in order of first use.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::sync::RwLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, ScaleFont};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

/// The chart font, as registered with plotters for the PNGs.
static FONT: RwLock<Option<FontRef<'static>>> = RwLock::new(None);

/// Makes `bytes` (a TTF/OTF file) the font SVG text is outlined with.
pub(super) fn set_font(bytes: &'static [u8]) -> Result<(), ab_glyph::InvalidFont> {
    let font = FontRef::try_from_slice(bytes)?;
    // A poisoned lock only means another thread panicked while setting
    // the font; the value inside is still a whole font.
    *FONT.write().unwrap_or_else(|e| e.into_inner()) = Some(font);
    Ok(())
}

/// The registered chart font, or the embedded DejaVu Sans when none is.
fn chart_font() -> FontRef<'static> {
    let set = FONT.read().unwrap_or_else(|e| e.into_inner()).clone();
    set.unwrap_or_else(|| {
        FontRef::try_from_slice(dejavu::sans::regular()).expect("the embedded DejaVu Sans parses")
    })
}

fn colour(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// XML-escaped `s`, for attributes and element text.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids (most controls) would make the
            // file unreadable; a label has no use for them.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `x` with at most `places` decimals, without trailing zeros.
fn num(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.into() }
}

/// An SVG document drawn by plotters, with text as outlines; written to
/// the string it was made with on `present` (or when dropped).
pub(super) struct OutlinedSvg<'a> {
    out: &'a mut String,
    size: (u32, u32),
    /// Prefix of the glyphs' ids, unique on a page that inlines several
    /// charts.
    prefix: String,
    font: FontRef<'static>,
    body: String,
    defs: String,
    /// Glyphs already in `defs`: their number, or `None` for a glyph with
    /// nothing to draw (a space).
    glyphs: BTreeMap<u16, Option<usize>>,
    defined: usize,
    presented: bool,
}

impl<'a> OutlinedSvg<'a> {
    /// A document of `size` pixels written to `out`; `prefix` (letters,
    /// digits, `-` and `_`) starts the id of every glyph it defines.
    pub(super) fn with_string(out: &'a mut String, size: (u32, u32), prefix: &str) -> Self {
        Self::with_font(out, size, prefix, chart_font())
    }

    /// The same, with text outlined in `font`.
    fn with_font(
        out: &'a mut String,
        size: (u32, u32),
        prefix: &str,
        font: FontRef<'static>,
    ) -> Self {
        OutlinedSvg {
            out,
            size,
            prefix: prefix.to_string(),
            font,
            body: String::new(),
            defs: String::new(),
            glyphs: BTreeMap::new(),
            defined: 0,
            presented: false,
        }
    }

    /// The `<defs>` number of glyph `id`, defining it on first use; `None`
    /// when it draws nothing.
    fn glyph(&mut self, id: GlyphId) -> Option<usize> {
        if let Some(n) = self.glyphs.get(&id.0) {
            return *n;
        }
        let d = match self.font.outline(id) {
            Some(o) => outline_path(&o.curves),
            // A character the font lacks (id 0) with no outline of its
            // own is drawn as a box, as the PNG's warning says it will be.
            None if id.0 == 0 => self.missing_box(),
            None => String::new(),
        };
        let n = (!d.is_empty()).then_some(self.defined);
        if let Some(n) = n {
            let _ = writeln!(self.defs, "<path id=\"{}.{n}\" d=\"{d}\"/>", self.prefix);
            self.defined += 1;
        }
        self.glyphs.insert(id.0, n);
        n
    }

    /// The width and height of `text` at `size` as plotters measures it
    /// for the layout (its `ab_glyph` font's `estimate_layout`, the same
    /// sums in the same order): advances and kerning in pixels, truncated;
    /// the height a fixed share of the size.
    fn layout(&self, text: &str, size: f64) -> (i32, i32) {
        let font = self.font.as_scaled(size as f32);
        let mut width = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            width += font.h_advance(id);
            if let Some(p) = prev {
                width += font.kern(p, id);
            }
            prev = Some(id);
        }
        (width as i32, (size / 1.24) as i32)
    }

    /// A hollow box the size of a capital letter, in font units (y down).
    fn missing_box(&self) -> String {
        let adv = self.font.h_advance_unscaled(GlyphId(0)).max(1.0);
        let h = (self.font.ascent_unscaled() * 0.7).round().max(2.0) as i32;
        let w = (adv * 0.8).round().max(2.0) as i32;
        let x0 = (adv * 0.1).round() as i32;
        let t = (h / 12).max(1);
        // Outer square clockwise on screen, inner one the other way, so
        // the non-zero rule leaves the inside empty.
        format!(
            "M{x0} 0h{w}v-{h}h-{w}zm{t} -{t}v-{}h{}v{}z",
            h - 2 * t,
            w - 2 * t,
            h - 2 * t
        )
    }

    /// A shape in colour `c` (nothing when it is transparent), with its
    /// opacity unless opaque, and `attrs`.
    fn shape(
        &mut self,
        name: &str,
        c: BackendColor,
        attrs: &[(&str, String)],
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if c.alpha == 0.0 {
            return Ok(());
        }
        let b = &mut self.body;
        let _ = write!(b, "<{name}");
        if c.alpha < 1.0 {
            let _ = write!(b, " opacity=\"{}\"", c.alpha);
        }
        for (k, v) in attrs {
            let _ = write!(b, " {k}=\"{}\"", escape(v));
        }
        b.push_str("/>\n");
        Ok(())
    }
}

/// The fill and stroke of a shape in `c`, filled or outlined.
fn filled(c: BackendColor, fill: bool) -> (String, String) {
    match fill {
        true => (colour(c), "none".to_string()),
        false => ("none".to_string(), colour(c)),
    }
}

/// Points as an SVG `points` list.
fn points<I: IntoIterator<Item = BackendCoord>>(path: I) -> String {
    path.into_iter().fold(String::new(), |mut s, (x, y)| {
        let _ = write!(s, "{x},{y} ");
        s
    })
}

/// A path command and its points (absolute, font units, y down).
type Segment = (char, Vec<(i32, i32)>);

/// Font outline curves (font units, y up) as SVG path data with y down,
/// in whole font units and relative commands.
fn outline_path(curves: &[OutlineCurve]) -> String {
    let r = |p: ab_glyph::Point| -> (i32, i32) {
        // Saturating casts: a malformed font cannot panic here.
        (p.x.round() as i32, (-p.y).round() as i32)
    };
    // Contours: where each starts, then its segments.
    let mut contours: Vec<((i32, i32), Vec<Segment>)> = Vec::new();
    let mut cur: Option<(i32, i32)> = None;
    for c in curves {
        let (p0, cmd, pts) = match c {
            OutlineCurve::Line(a, b) => (r(*a), 'l', vec![r(*b)]),
            OutlineCurve::Quad(a, b, e) => (r(*a), 'q', vec![r(*b), r(*e)]),
            OutlineCurve::Cubic(a, b, e, f) => (r(*a), 'c', vec![r(*b), r(*e), r(*f)]),
        };
        if cur != Some(p0) || contours.is_empty() {
            contours.push((p0, Vec::new()));
        }
        cur = pts.last().copied();
        // A line that rounds to nothing draws nothing.
        if cmd == 'l' && pts[0] == p0 {
            continue;
        }
        if let Some((_, segs)) = contours.last_mut() {
            segs.push((cmd, pts));
        }
    }
    let mut d = String::new();
    // Where the previous contour started: a `z` returns there, so the
    // next `m` is relative to it.
    let mut prev_start: Option<(i32, i32)> = None;
    for (start, mut segs) in contours {
        // `z` draws the line back to the start itself.
        if matches!(segs.last(), Some(('l', pts)) if pts[0] == start) {
            segs.pop();
        }
        if segs.is_empty() {
            continue;
        }
        match prev_start {
            None => {
                let _ = write!(d, "M{} {}", start.0, start.1);
            }
            Some(p) => rel(&mut d, p, &[start], 'm'),
        }
        let mut at = start;
        for (cmd, pts) in &segs {
            rel(&mut d, at, pts, *cmd);
            at = pts.last().copied().unwrap_or(at);
        }
        d.push('z');
        prev_start = Some(start);
    }
    d
}

/// Command `cmd` with the points `pts` relative to `from`, written as
/// compactly as SVG allows (no space before a minus sign).
fn rel(d: &mut String, from: (i32, i32), pts: &[(i32, i32)], cmd: char) {
    // Horizontal and vertical lines (most of a sans-serif's) take one
    // number.
    if let ('l', [p]) = (cmd, pts) {
        let (dx, dy) = (p.0 - from.0, p.1 - from.1);
        if dy == 0 {
            let _ = write!(d, "h{dx}");
            return;
        }
        if dx == 0 {
            let _ = write!(d, "v{dy}");
            return;
        }
    }
    d.push(cmd);
    let mut first = true;
    for p in pts {
        for v in [p.0 - from.0, p.1 - from.1] {
            if !first && v >= 0 {
                d.push(' ');
            }
            let _ = write!(d, "{v}");
            first = false;
        }
    }
}

impl DrawingBackend for OutlinedSvg<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        if self.presented {
            return Ok(());
        }
        self.presented = true;
        let (w, h) = self.size;
        let o = &mut *self.out;
        let _ = writeln!(
            o,
            "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
        );
        if !self.defs.is_empty() {
            o.push_str("<defs>\n");
            o.push_str(&self.defs);
            o.push_str("</defs>\n");
        }
        o.push_str(&self.body);
        o.push_str("</svg>\n");
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.shape(
            "rect",
            c,
            &[
                ("x", x.to_string()),
                ("y", y.to_string()),
                ("width", "1".into()),
                ("height", "1".into()),
                ("stroke", "none".into()),
                ("fill", colour(c)),
            ],
        )
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        self.shape(
            "line",
            c,
            &[
                ("stroke", colour(c)),
                ("stroke-width", style.stroke_width().to_string()),
                ("x1", from.0.to_string()),
                ("y1", from.1.to_string()),
                ("x2", to.0.to_string()),
                ("y2", to.1.to_string()),
            ],
        )
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        let (fill, stroke) = filled(c, fill);
        self.shape(
            "rect",
            c,
            &[
                ("x", ul.0.to_string()),
                ("y", ul.1.to_string()),
                ("width", (br.0 - ul.0).to_string()),
                ("height", (br.1 - ul.1).to_string()),
                ("fill", fill),
                ("stroke", stroke),
            ],
        )
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        let attrs = [
            ("fill", "none".into()),
            ("stroke", colour(c)),
            ("stroke-width", style.stroke_width().to_string()),
            ("points", points(path)),
        ];
        self.shape("polyline", c, &attrs)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        let attrs = [("fill", colour(c)), ("points", points(path))];
        self.shape("polygon", c, &attrs)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        let (fill, stroke) = filled(c, fill);
        self.shape(
            "circle",
            c,
            &[
                ("cx", center.0.to_string()),
                ("cy", center.1.to_string()),
                ("r", radius.to_string()),
                ("fill", fill),
                ("stroke", stroke),
                ("stroke-width", style.stroke_width().to_string()),
            ],
        )
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let size = style.size();
        // The layout box plotters measures the text with (and places the
        // PNG's by), anchored the same way.
        let (w, h) = self.layout(text, size);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -w,
            HPos::Center => -w / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        // The pen's start on the baseline, in the text's own (unrotated)
        // frame: plotters draws the baseline half the size below the top.
        let (x, y) = (f64::from(dx), f64::from(dy) + size / 2.0);
        let (turn, (x, y)) = match style.transform() {
            FontTransform::None => (0, (x, y)),
            FontTransform::Rotate90 => (90, (-y, x)),
            FontTransform::Rotate180 => (180, (-x, -y)),
            FontTransform::Rotate270 => (270, (y, -x)),
        };
        let (x, y) = (f64::from(pos.0) + x, f64::from(pos.1) + y);
        let height = f64::from(self.font.height_unscaled());
        let scale = if height > 0.0 { size / height } else { 0.0 };

        let mut uses = String::new();
        let mut pen = 0f32;
        let mut prev: Option<GlyphId> = None;
        for ch in text.chars() {
            let id = self.font.glyph_id(ch);
            if let Some(p) = prev {
                pen += self.font.kern_unscaled(p, id);
            }
            prev = Some(id);
            if let Some(n) = self.glyph(id) {
                let _ = write!(
                    uses,
                    "<use xlink:href=\"#{}.{n}\" x=\"{}\"/>",
                    self.prefix,
                    pen.round() as i32
                );
            }
            pen += self.font.h_advance_unscaled(id);
        }
        let rotate = match turn {
            0 => String::new(),
            t => format!(" rotate({t})"),
        };
        let opacity = match c.alpha {
            a if a >= 1.0 => String::new(),
            a => format!(" opacity=\"{}\"", num(a, 3)),
        };
        let _ = writeln!(
            self.body,
            "<g fill=\"{}\"{opacity} transform=\"translate({} {}){rotate} scale({})\"><title>{}</title>{uses}</g>",
            colour(c),
            num(x, 2),
            num(y, 2),
            num(scale, 7),
            escape(text),
        );
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let (w, h) = self.layout(text, style.size());
        Ok((w.unsigned_abs(), h.unsigned_abs()))
    }
}

impl Drop for OutlinedSvg<'_> {
    fn drop(&mut self) {
        let _ = self.present();
    }
}

#[cfg(test)]
mod tests;
