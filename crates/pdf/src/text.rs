//! Text: characters to glyphs, and paragraphs to lines.
//!
//! Written by hand because what the Party layout needs is what Word does, and no crate does
//! exactly that: one glyph per character from the font's `cmap` (Vietnamese is set in
//! precomposed letters, and Word applies neither kerning nor ligatures to body text), lines
//! filled first-fit and broken at spaces (a word longer than the line is cut where it
//! overflows), justified by stretching the spaces of every line but the last, never shrinking
//! them. A general shaper and an optimal-fit breaker (as in typst) would set the same text on
//! different lines than Word, and cost several times as much.

use std::collections::HashMap;

use crate::fonts::Selection;
use crate::Error;

/// How a span of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub italic: bool,
    /// A gap (no answer yet): highlighted.
    pub gap: bool,
    pub underline: bool,
    /// A footnote reference: smaller and raised.
    pub sup: bool,
}

impl Style {
    pub fn new(size: f32) -> Style {
        Style {
            size,
            bold: false,
            italic: false,
            gap: false,
            underline: false,
            sup: false,
        }
    }
    pub fn bold(self, bold: bool) -> Style {
        Style { bold, ..self }
    }
    pub fn italic(self, italic: bool) -> Style {
        Style { italic, ..self }
    }

    fn face_style(&self) -> usize {
        usize::from(self.bold) + 2 * usize::from(self.italic)
    }
}

/// A run of text in one style; `note` marks a footnote reference (its index).
#[derive(Debug, Clone)]
pub struct Span {
    pub text: String,
    pub style: Style,
    pub note: Option<usize>,
}

impl Span {
    pub fn new(text: impl Into<String>, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
            note: None,
        }
    }
}

/// One character set: which face, which glyph, how wide (points), how far raised.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    ch: char,
    span: usize,
    face: usize,
    gid: u16,
    adv: f32,
}

/// Glyphs drawn together: one face, one size, one baseline, one look.
#[derive(Debug, Clone)]
pub struct Run {
    /// Left edge, from the line's left edge.
    pub x: f32,
    /// Baseline shift (negative: raised).
    pub dy: f32,
    pub face: usize,
    pub size: f32,
    /// Glyph id, advance in points, the character it shows.
    pub glyphs: Vec<(u16, f32, char)>,
    pub width: f32,
    pub gap: bool,
    /// Underline: offset below the baseline and thickness, points.
    pub underline: Option<(f32, f32)>,
}

/// A line of a paragraph, its runs placed from its left edge.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub runs: Vec<Run>,
    /// Footnotes referenced on this line.
    pub notes: Vec<usize>,
    /// Width of the text set (for centring a block of lines).
    pub width: f32,
}

/// Horizontal alignment of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Justify,
}

/// Glyph lookups over the selected fonts, remembered per (character, style).
pub struct Shaper<'a> {
    sel: &'a Selection,
    faces: Vec<ttf_parser::Face<'a>>,
    upem: Vec<f32>,
    /// Lookups of characters below [`DENSE`], by style and character (a table: these are
    /// nearly all the characters of a Vietnamese report); others in a map.
    dense: Vec<Option<(usize, u16, f32)>>,
    cache: HashMap<(char, usize), (usize, u16, f32)>,
}

/// Characters below this code point (Latin, Vietnamese, punctuation) are looked up in a table.
const DENSE: usize = 0x2100;

impl<'a> Shaper<'a> {
    pub fn new(sel: &'a Selection) -> Result<Shaper<'a>, Error> {
        let mut faces = Vec::with_capacity(sel.fonts.len());
        for f in &sel.fonts {
            let face = ttf_parser::Face::parse(&f.data, f.index)
                .map_err(|e| Error::Layout(format!("phông {} hỏng: {e}", f.family)))?;
            faces.push(face);
        }
        let upem = faces
            .iter()
            .map(|f| f32::from(f.units_per_em()).max(1.0))
            .collect();
        Ok(Shaper {
            sel,
            faces,
            upem,
            dense: vec![None; 4 * DENSE],
            cache: HashMap::new(),
        })
    }

    /// The face, glyph and advance (em) of `c` in `style`: the style's faces in order, then
    /// any face. A character no face has is an error (font selection has already refused such
    /// a text; this is the net under it).
    fn lookup(&mut self, c: char, style: usize) -> Result<(usize, u16, f32), Error> {
        let slot = (c as usize) < DENSE;
        let at = style * DENSE + c as usize;
        if slot {
            if let Some(Some(hit)) = self.dense.get(at) {
                return Ok(*hit);
            }
        } else if let Some(hit) = self.cache.get(&(c, style)) {
            return Ok(*hit);
        }
        let order = self.sel.styles[style]
            .iter()
            .copied()
            .chain(0..self.faces.len());
        for i in order {
            let Some(face) = self.faces.get(i) else {
                continue;
            };
            if let Some(gid) = face.glyph_index(c) {
                let adv = face
                    .glyph_hor_advance(gid)
                    .map_or(0.0, |a| f32::from(a) / self.upem[i]);
                let hit = (i, gid.0, adv);
                if slot {
                    if let Some(entry) = self.dense.get_mut(at) {
                        *entry = Some(hit);
                    }
                } else {
                    self.cache.insert((c, style), hit);
                }
                return Ok(hit);
            }
        }
        Err(Error::MissingGlyphs(c.to_string()))
    }

    /// The main regular face's metrics: Word's single line (ascent, descent) in em.
    pub fn main_metrics(&self) -> (f32, f32) {
        self.sel.styles[0]
            .first()
            .and_then(|&i| self.sel.fonts.get(i))
            .map_or((0.891 + 0.042, 0.216), |f| (f.ascent, f.descent))
    }

    fn font_of(&self, style: &Style) -> Option<&crate::fonts::Font> {
        self.sel.styles[style.face_style()]
            .first()
            .and_then(|&i| self.sel.fonts.get(i))
    }

    /// Superscript size factor and raise (em) of the main face.
    fn superscript(&self, style: &Style) -> (f32, f32) {
        self.font_of(style).map_or((0.65, 0.35), |f| f.superscript)
    }

    /// Underline offset below the baseline and thickness (em).
    pub fn underline(&self, style: &Style) -> (f32, f32) {
        self.font_of(style).map_or((0.1, 0.05), |f| f.underline)
    }

    fn glyphs(&mut self, spans: &[Span]) -> Result<Vec<Glyph>, Error> {
        let mut out = Vec::new();
        for (si, span) in spans.iter().enumerate() {
            let size = self.size_of(&span.style);
            // A line feed here (inside a heading, say) is set as a space, never looked up.
            for ch in span.text.chars().map(|c| if c == '\n' { ' ' } else { c }) {
                let (face, gid, adv) = self.lookup(ch, span.style.face_style())?;
                out.push(Glyph {
                    ch,
                    span: si,
                    face,
                    gid,
                    adv: adv * size,
                });
            }
        }
        Ok(out)
    }

    /// The width of `text` set on one line in `style`, points.
    pub fn width(&mut self, text: &str, style: Style) -> Result<f32, Error> {
        Ok(self
            .glyphs(&[Span::new(text, style)])?
            .iter()
            .map(|g| g.adv)
            .sum())
    }

    fn size_of(&self, style: &Style) -> f32 {
        if style.sup {
            style.size * self.superscript(style).0
        } else {
            style.size
        }
    }

    /// Breaks `spans` into lines `width` wide (the first `indent` narrower), first-fit at
    /// spaces, aligned as asked (a justified paragraph's last line is left-aligned).
    pub fn lines(
        &mut self,
        spans: &[Span],
        width: f32,
        indent: f32,
        align: Align,
    ) -> Result<Vec<Line>, Error> {
        let gs = self.glyphs(spans)?;
        let n = gs.len();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut first = true;
        loop {
            while start < n && gs[start].ch == ' ' {
                start += 1;
            }
            if start >= n {
                break;
            }
            let avail = if first { width - indent } else { width };
            let mut x = 0.0;
            let mut last_space: Option<usize> = None;
            let mut i = start;
            let mut end = n;
            while i < n {
                let g = &gs[i];
                if g.ch == ' ' {
                    last_space = Some(i);
                } else if x + g.adv > avail + 0.01 && i > start {
                    end = match last_space {
                        Some(s) if s > start => s,
                        _ => i,
                    };
                    break;
                }
                x += g.adv;
                i += 1;
            }
            let mut stop = end;
            while stop > start && gs[stop - 1].ch == ' ' {
                stop -= 1;
            }
            let last = end >= n;
            let line_align = match align {
                Align::Justify if last => Align::Left,
                a => a,
            };
            lines.push(self.line(spans, &gs[start..stop], avail, line_align));
            start = end;
            first = false;
        }
        Ok(lines)
    }

    /// Places one line's glyphs as runs.
    fn line(&self, spans: &[Span], gs: &[Glyph], avail: f32, align: Align) -> Line {
        let natural: f32 = gs.iter().map(|g| g.adv).sum();
        let spaces = gs.iter().filter(|g| g.ch == ' ').count();
        let stretch = if align == Align::Justify && spaces > 0 && natural < avail {
            (avail - natural) / spaces as f32
        } else {
            0.0
        };
        let width = natural + stretch * spaces as f32;
        let mut x = match align {
            Align::Center => ((avail - width) / 2.0).max(0.0),
            Align::Right => (avail - width).max(0.0),
            _ => 0.0,
        };
        let mut line = Line {
            width,
            ..Line::default()
        };
        let mut cur: Option<Run> = None;
        let mut cur_key = (usize::MAX, usize::MAX);
        for g in gs {
            let span = &spans[g.span];
            let key = (g.span, g.face);
            if key != cur_key {
                if let Some(run) = cur.take() {
                    line.runs.push(run);
                }
                let (factor, raise) = if span.style.sup {
                    self.superscript(&span.style)
                } else {
                    (1.0, 0.0)
                };
                cur = Some(Run {
                    x,
                    dy: -raise * span.style.size,
                    face: g.face,
                    size: span.style.size * factor,
                    glyphs: Vec::new(),
                    width: 0.0,
                    gap: span.style.gap,
                    underline: span.style.underline.then(|| {
                        let (pos, thick) = self.underline(&span.style);
                        (pos * span.style.size, thick * span.style.size)
                    }),
                });
                cur_key = key;
                if let Some(note) = span.note {
                    if !line.notes.contains(&note) {
                        line.notes.push(note);
                    }
                }
            }
            let adv = if g.ch == ' ' { g.adv + stretch } else { g.adv };
            if let Some(run) = cur.as_mut() {
                run.glyphs.push((g.gid, adv, g.ch));
                run.width += adv;
            }
            x += adv;
        }
        if let Some(run) = cur {
            line.runs.push(run);
        }
        line
    }
}
