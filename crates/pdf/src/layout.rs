//! The Party layout: the neutral document composed into pages of placed text and rules.
//!
//! Every number comes from the layout profile (page, margins, sizes, spacing, indents, heading
//! styles); the few that the profile does not carry are Word's own defaults and are named
//! below. Written by hand because the report has few structures (header table, title,
//! headings, paragraphs with footnotes, tables with repeated header rows, the closing table)
//! and they must break across pages as Word breaks them: paragraphs line by line with widow and
//! orphan control, headings kept with what follows, table rows whole with the header rows
//! repeated, footnotes on the page of their reference.

use document::{
    split_lines, Block, Cell, CellAlign, Chart, Closing, Document, Header, Inline, Table,
};
use outline::profile::Align as ProfileAlign;
use outline::Profile;

use crate::text::{Align, Line, Run, Shaper, Span, Style};
use crate::Error;

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;

/// Left and right cell padding of tables, points: Word's default (108 twips), as the DOCX.
const CELL_PAD: f32 = document::widths::CELL_PAD_PT as f32;

/// The closing table's left ("Nơi nhận") column, per cent of the text width: the DOCX
/// exporter's figure (FORMAT.md only says "a borderless two-column table").
const CLOSING_LEFT_PCT: f32 = 45.0;

/// Room between the body and the footnote separator, and the separator's own height, points.
const NOTE_CLEARANCE: f32 = 12.0;
const NOTE_SEPARATOR: f32 = 4.0;
/// The separator's length, a fraction of the text width (Word's is about a third).
const NOTE_RULE: f32 = 0.3;

/// Word's yellow highlight.
const HIGHLIGHT: [f32; 3] = [1.0, 1.0, 0.0];

/// Something drawn on a page; coordinates in points from the page's top-left corner.
#[derive(Debug, Clone)]
pub enum Item {
    /// Text whose baseline starts at (x, y).
    Text { x: f32, y: f32, run: Run },
    /// A straight line.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A filled box: the highlight behind a gap, a chart's bar.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        rgb: [f32; 3],
    },
}

/// A laid-out page.
#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

/// A heading, for the PDF's bookmarks.
#[derive(Debug, Clone)]
pub struct Bookmark {
    pub level: usize,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// The room left for the signature in the closing block: where a signer's visible signature
/// goes (the PDF records it so that signing software finds it; see `write`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignatureBox {
    /// The page, from 0.
    pub page: usize,
    /// From the page's top-left corner, points.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// The document laid out.
#[derive(Debug, Clone)]
pub struct Laid {
    pub pages: Vec<Page>,
    pub bookmarks: Vec<Bookmark>,
    /// The signature's room in the closing block.
    pub signature: Option<SignatureBox>,
    /// The signer's title as the closing block prints it ("PHÓ BÍ THƯ"), when it was entered.
    pub signer_title: Option<String>,
}

/// The height of a line and where its baseline sits below the line's top.
#[derive(Debug, Clone, Copy)]
struct Metric {
    h: f32,
    base: f32,
}

/// A paragraph's lines with how they are set.
#[derive(Debug, Clone)]
struct Par {
    lines: Vec<Line>,
    m: Metric,
    /// The first line's indent (the others start at the text area's left edge).
    indent: f32,
    before: f32,
    after: f32,
    /// Kept on the page of what follows (a heading).
    sticky: bool,
    bookmark: Option<(usize, String)>,
}

/// A table cell's lines.
#[derive(Debug, Clone)]
struct CellBox {
    lines: Vec<Line>,
    centre_v: bool,
}

/// A table row: its cells and height.
#[derive(Debug, Clone)]
struct RowBox {
    cells: Vec<CellBox>,
    h: f32,
}

#[derive(Debug, Clone)]
struct TableBox {
    caption: Option<Par>,
    widths: Vec<f32>,
    head: Vec<RowBox>,
    rows: Vec<RowBox>,
    m: Metric,
    after: f32,
}

/// A block that is never broken: its items relative to its top-left corner.
#[derive(Debug, Clone)]
struct Fixed {
    items: Vec<Item>,
    h: f32,
    before: f32,
    after: f32,
    /// The signature's room in it (x, y, w, h relative to its top-left corner).
    signature: Option<[f32; 4]>,
}

#[derive(Debug, Clone)]
enum Flow {
    Par(Par),
    Table(TableBox),
    Fixed(Fixed),
}

/// Lays the document out in pages.
///
/// # Errors
/// A character no font has ([`Error::MissingGlyphs`]).
pub fn layout(doc: &Document, p: &Profile, sh: &mut Shaper<'_>) -> Result<Laid, Error> {
    let mut c = Composer::new(p, sh);
    // The document as sections of pages: a Section block or an annex starts a new one.
    let mut sections: Vec<(bool, Vec<Part<'_>>)> = vec![(false, vec![Part::Front])];
    collect(&doc.body, &mut sections);
    if let Some(last) = sections.last_mut() {
        last.1.push(Part::Closing);
    }
    for annex in &doc.annexes {
        if !matches!(annex.first(), Some(Block::Section { .. })) {
            sections.push((false, Vec::new()));
        }
        collect(annex, &mut sections);
    }
    for (landscape, parts) in &sections {
        c.start_section(*landscape);
        let mut flows = Vec::new();
        for part in parts {
            match part {
                Part::Front => c.front(doc, &mut flows)?,
                Part::Block(b) => c.block(b, &mut flows)?,
                Part::Closing => flows.push(Flow::Fixed(c.closing(&doc.closing)?)),
            }
        }
        c.place_all(&mut flows);
    }
    c.finish_page();
    Ok(Laid {
        pages: c.pages,
        bookmarks: c.bookmarks,
        signature: c.signature,
        signer_title: c.signer_title,
    })
}

enum Part<'a> {
    Front,
    Block(&'a Block),
    Closing,
}

fn collect<'a>(blocks: &'a [Block], sections: &mut Vec<(bool, Vec<Part<'a>>)>) {
    for b in blocks {
        if let Block::Section { landscape } = b {
            sections.push((*landscape, Vec::new()));
        } else if let Some(last) = sections.last_mut() {
            last.1.push(Part::Block(b));
        }
    }
}

/// Removes what is not printed: control characters other than line feed, and the invisible
/// format characters text pasted from elsewhere carries (zero-width spaces and joiners, soft
/// hyphens, byte-order marks, direction marks). Tabs and the other spaces become plain spaces;
/// the no-break space stays (a line never breaks there).
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| printed(c))
        .map(|c| {
            if c != '\n' && c != '\u{a0}' && c.is_whitespace() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// False for what [`clean`] drops.
pub fn printed(c: char) -> bool {
    let invisible = matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    );
    !invisible && (!c.is_control() || c == '\t' || c == '\n')
}

struct Composer<'p, 's, 'f> {
    p: &'p Profile,
    sh: &'s mut Shaper<'f>,
    asc: f32,
    desc: f32,
    pages: Vec<Page>,
    /// Geometry of the current section.
    page_w: f32,
    page_h: f32,
    left: f32,
    top: f32,
    bottom: f32,
    tw: f32,
    /// The current page (the last of `pages`) and where the next block starts on it.
    y: f32,
    pending_after: f32,
    /// Footnotes: every note's lines in document order; those of the current page.
    notes: Vec<Vec<Line>>,
    page_notes: Vec<usize>,
    bookmarks: Vec<Bookmark>,
    signature: Option<SignatureBox>,
    signer_title: Option<String>,
    started: bool,
}

impl<'p, 's, 'f> Composer<'p, 's, 'f> {
    fn new(p: &'p Profile, sh: &'s mut Shaper<'f>) -> Self {
        let (asc, desc) = sh.main_metrics();
        Composer {
            p,
            sh,
            asc,
            desc,
            pages: Vec::new(),
            page_w: 0.0,
            page_h: 0.0,
            left: 0.0,
            top: 0.0,
            bottom: 0.0,
            tw: 0.0,
            y: 0.0,
            pending_after: 0.0,
            notes: Vec::new(),
            page_notes: Vec::new(),
            bookmarks: Vec::new(),
            signature: None,
            signer_title: None,
            started: false,
        }
    }

    fn pt(v: f64) -> f32 {
        v as f32
    }

    /// Word's single line at `size`.
    fn single(&self, size: f32) -> Metric {
        Metric {
            h: (self.asc + self.desc) * size,
            base: self.asc * size,
        }
    }

    /// Word's "exactly L": the baseline 80 % of the way down.
    fn exact(&self) -> Metric {
        let l = Self::pt(self.p.body.line_spacing_pt);
        Metric {
            h: l,
            base: 0.8 * l,
        }
    }

    fn body_size(&self) -> f32 {
        Self::pt(self.p.body.size_pt)
    }

    fn after(&self) -> f32 {
        Self::pt(self.p.body.space_after_pt)
    }

    fn start_section(&mut self, landscape: bool) {
        let pg = &self.p.page;
        let (w, h) = (Self::pt(pg.width_mm) * MM, Self::pt(pg.height_mm) * MM);
        (self.page_w, self.page_h) = if landscape { (h, w) } else { (w, h) };
        self.left = Self::pt(pg.margin_left_mm) * MM;
        self.top = Self::pt(pg.margin_top_mm) * MM;
        self.bottom = self.page_h - Self::pt(pg.margin_bottom_mm) * MM;
        self.tw = self.page_w - self.left - Self::pt(pg.margin_right_mm) * MM;
        self.new_page();
    }

    fn finish_page(&mut self) {
        if !self.started {
            return;
        }
        // Footnotes at the foot: the separator, then the notes, ending at the bottom margin.
        if !self.page_notes.is_empty() {
            let m = self.single(Self::pt(self.p.footnote.size_pt));
            let total = self.notes_height(&[]);
            let mut y = self.bottom - total + NOTE_CLEARANCE;
            let border = Self::pt(self.p.table.border_pt);
            let rule = Item::Rule {
                x1: self.left,
                y1: y,
                x2: self.left + NOTE_RULE * self.tw,
                y2: y,
                width: border,
            };
            y += NOTE_SEPARATOR;
            let mut items = vec![rule];
            for n in std::mem::take(&mut self.page_notes) {
                let lines = self
                    .notes
                    .get_mut(n)
                    .map(std::mem::take)
                    .unwrap_or_default();
                for line in lines {
                    push_line(&mut items, line, self.left, y, m);
                    y += m.h;
                }
            }
            if let Some(page) = self.pages.last_mut() {
                page.items.extend(items);
            }
        }
        self.page_notes.clear();
    }

    fn new_page(&mut self) {
        self.finish_page();
        self.started = true;
        self.pages.push(Page {
            width: self.page_w,
            height: self.page_h,
            items: Vec::new(),
        });
        self.y = self.top;
        self.pending_after = 0.0;
        let n = self.pages.len();
        let pg = &self.p.page;
        if n as u32 >= pg.page_number_from {
            let size = Self::pt(pg.page_number_size_pt);
            let m = self.single(size);
            let style = Style::new(size);
            let text = n.to_string();
            if let Ok(lines) = self
                .sh
                .lines(&[Span::new(text, style)], self.tw, 0.0, Align::Center)
            {
                let y = Self::pt(pg.header_distance_mm) * MM;
                let mut items = Vec::new();
                for line in lines {
                    push_line(&mut items, line, self.left, y, m);
                }
                if let Some(page) = self.pages.last_mut() {
                    page.items.extend(items);
                }
            }
        }
    }

    fn at_top(&self) -> bool {
        self.y <= self.top + 0.01
    }

    /// Height of the footnote area with the current page's notes and `more`.
    fn notes_height(&self, more: &[usize]) -> f32 {
        let count = self.page_notes.len() + more.len();
        if count == 0 {
            return 0.0;
        }
        let lh = self.single(Self::pt(self.p.footnote.size_pt)).h;
        let lines: usize = self
            .page_notes
            .iter()
            .chain(more)
            .map(|&n| self.notes.get(n).map_or(0, Vec::len))
            .sum();
        NOTE_CLEARANCE + NOTE_SEPARATOR + lines as f32 * lh
    }

    /// Where the body must end on this page with `more` notes added.
    fn limit(&self, more: &[usize]) -> f32 {
        self.bottom - self.notes_height(more)
    }

    /// The gap before a block of `before`, unless at the top of a page.
    fn gap(&self, before: f32) -> f32 {
        if self.at_top() {
            0.0
        } else {
            before.max(self.pending_after)
        }
    }

    // ---- Building flows --------------------------------------------------------------------

    /// Inlines as spans; footnotes are numbered and laid out at the foot's width.
    fn spans(&mut self, inlines: &[Inline], base: Style, upper: bool) -> Result<Vec<Span>, Error> {
        let case = |s: &str| {
            let s = clean(s);
            if upper {
                s.to_uppercase()
            } else {
                s
            }
        };
        let mut out = Vec::new();
        for i in inlines {
            match i {
                Inline::Text(s) => out.push(Span::new(case(s), base)),
                Inline::Bold(s) => out.push(Span::new(case(s), base.bold(true))),
                Inline::Italic(s) => out.push(Span::new(case(s), base.italic(true))),
                Inline::Gap(s) => out.push(Span::new(
                    case(s),
                    Style {
                        gap: true,
                        ..base.italic(true)
                    },
                )),
                Inline::Footnote(s) => {
                    let n = self.notes.len();
                    let mark = (n + 1).to_string();
                    let size = Self::pt(self.p.footnote.size_pt);
                    let note = [
                        Span::new(
                            mark.clone(),
                            Style {
                                sup: true,
                                ..Style::new(size)
                            },
                        ),
                        // A footnote's text keeps its case whatever the heading's style.
                        Span::new(format!(" {}", clean(s)), Style::new(size)),
                    ];
                    let lines = self.sh.lines(&note, self.tw, 0.0, Align::Justify)?;
                    self.notes.push(lines);
                    out.push(Span {
                        text: mark,
                        style: Style {
                            sup: true,
                            bold: false,
                            italic: false,
                            gap: false,
                            ..base
                        },
                        note: Some(n),
                    });
                }
            }
        }
        Ok(out)
    }

    fn front(&mut self, doc: &Document, flows: &mut Vec<Flow>) -> Result<(), Error> {
        let h: &Header = &doc.header;
        let hl = &self.p.header;
        let left_w = self.tw * (hl.left_width_pct.min(100) as f32) / 100.0;
        let right_w = self.tw - left_w;
        let sz = |v: f64| Self::pt(v);
        let mut left = Vec::new();
        if let Some(sup) = h.superior.as_deref().filter(|s| !s.trim().is_empty()) {
            left.push(Span::new(
                clean(sup).to_uppercase(),
                Style::new(sz(hl.issuer_size_pt)),
            ));
        }
        left.push(Span::new(
            clean(&h.issuer).to_uppercase(),
            Style::new(sz(hl.issuer_size_pt)).bold(true),
        ));
        left.push(Span::new(clean(&h.star), Style::new(sz(hl.issuer_size_pt))));
        let right = vec![Span::new(
            clean(&h.party_line).to_uppercase(),
            Style::new(sz(hl.party_size_pt)).bold(true),
        )];
        let mut items = Vec::new();
        let border = sz(self.p.table.border_pt);
        let row1 = {
            let a = self.centred_cell(&left, 0.0, left_w, 0.0, &mut items)?;
            // The party line with its rule under it (a box's bottom edge, 1 pt below the text).
            let mut rule_items = Vec::new();
            let b = self.centred_cell(&right, left_w, right_w, 0.0, &mut rule_items)?;
            let m = self.single(sz(hl.party_size_pt));
            if let Some(first) = lines_bounds(&rule_items) {
                let y = m.h + 1.0;
                items.push(Item::Rule {
                    x1: first.0,
                    y1: y,
                    x2: first.1,
                    y2: y,
                    width: border,
                });
            }
            items.extend(rule_items);
            a.max(b)
        };
        let number = [Span::new(
            clean(&h.number),
            Style::new(sz(hl.number_size_pt)),
        )];
        let place = [Span::new(
            clean(&h.place_date),
            Style::new(sz(hl.place_date_size_pt)).italic(true),
        )];
        let a = self.centred_cell(&number, 0.0, left_w, row1, &mut items)?;
        let b = self.centred_cell(&place, left_w, right_w, row1, &mut items)?;
        flows.push(Flow::Fixed(Fixed {
            items,
            h: row1 + a.max(b),
            before: 0.0,
            after: 0.0,
            signature: None,
        }));

        // BÁO CÁO, the subject, the rule.
        let t = &self.p.title;
        let title = [
            Span::new(
                clean(&doc.title.kind).to_uppercase(),
                Style::new(sz(t.size_pt)).bold(true),
            ),
            Span::new(
                clean(&doc.title.subject),
                Style::new(sz(t.subject_size_pt)).bold(true),
            ),
            Span::new(clean(&doc.title.rule), Style::new(self.body_size())),
        ];
        let mut items = Vec::new();
        let y = self.stack(&title, 0.0, self.tw, 0.0, Align::Center, &mut items)?;
        let line = Self::pt(self.p.body.line_spacing_pt);
        flows.push(Flow::Fixed(Fixed {
            items,
            h: y,
            before: line,
            after: line,
            signature: None,
        }));
        Ok(())
    }

    /// Spans set one under another, each its own paragraph (and each line of it, at "\n"), in
    /// single spacing at its own size, `w` wide from (`x`, `top`); blank spans are skipped.
    /// Returns the height used. The header table's cells, the title block and the closing
    /// table are made of these.
    fn stack(
        &mut self,
        spans: &[Span],
        x: f32,
        w: f32,
        top: f32,
        align: Align,
        items: &mut Vec<Item>,
    ) -> Result<f32, Error> {
        let mut h = 0.0;
        for span in spans.iter().filter(|s| !s.text.trim().is_empty()) {
            let m = self.single(span.style.size);
            for piece in span.text.split('\n') {
                let one = [Span::new(piece, span.style)];
                for line in self.sh.lines(&one, w.max(1.0), 0.0, align)? {
                    push_line(items, line, x, top + h, m);
                    h += m.h;
                }
            }
        }
        Ok(h)
    }

    /// [`Self::stack`] centred in a borderless cell at (`x`, `y`), `w` wide with Word's padding.
    fn centred_cell(
        &mut self,
        spans: &[Span],
        x: f32,
        w: f32,
        y: f32,
        items: &mut Vec<Item>,
    ) -> Result<f32, Error> {
        self.stack(
            spans,
            x + CELL_PAD,
            w - 2.0 * CELL_PAD,
            y,
            Align::Center,
            items,
        )
    }

    fn block(&mut self, b: &Block, flows: &mut Vec<Flow>) -> Result<(), Error> {
        let size = self.body_size();
        let indent = Self::pt(self.p.body.first_line_indent_mm) * MM;
        let after = self.after();
        match b {
            Block::Heading {
                scheme,
                label,
                inlines,
            } => {
                let st = self.p.heading(scheme);
                let mut all = Vec::new();
                if !label.is_empty() {
                    let sep = if inlines.is_empty() { "" } else { " " };
                    all.push(Inline::Text(format!("{label}{sep}")));
                }
                all.extend(inlines.iter().cloned());
                let base = Style::new(size).bold(st.bold).italic(st.italic);
                let spans = self.spans(&all, base, st.upper)?;
                let (align, ind) = match st.align {
                    ProfileAlign::Justify => (Align::Justify, indent),
                    ProfileAlign::Left => (Align::Left, indent),
                    ProfileAlign::Center => (Align::Center, 0.0),
                    ProfileAlign::Right => (Align::Right, 0.0),
                };
                let title: String = spans
                    .iter()
                    .filter(|s| s.note.is_none())
                    .map(|s| s.text.as_str())
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let level = document::heading_depth(scheme)
                    .map_or(document::HEADING_SCHEMES.len() + 1, |i| i + 1);
                let lines = self.sh.lines(&spans, self.tw, ind, align)?;
                flows.push(Flow::Par(Par {
                    lines,
                    m: self.exact(),
                    indent: ind,
                    before: after,
                    after,
                    sticky: true,
                    bookmark: Some((level, title)),
                }));
            }
            Block::Paragraph { style, inlines } => {
                let (align, ind) = match style {
                    document::ParaStyle::Body => (Align::Justify, indent),
                    document::ParaStyle::Plain => (Align::Justify, 0.0),
                    document::ParaStyle::Center => (Align::Center, 0.0),
                };
                for line in split_lines(inlines) {
                    let spans = self.spans(&line, Style::new(size), false)?;
                    let lines = self.sh.lines(&spans, self.tw, ind, align)?;
                    flows.push(Flow::Par(Par {
                        lines,
                        m: self.exact(),
                        indent: ind,
                        before: after,
                        after,
                        sticky: false,
                        bookmark: None,
                    }));
                }
            }
            Block::Table(t) => {
                if let Some(tb) = self.table(t)? {
                    flows.push(Flow::Table(tb));
                }
            }
            Block::Chart(c) => match self.chart(c)? {
                Some(f) => flows.push(Flow::Fixed(f)),
                // Too many categories for one page: the figures as a table, which breaks.
                None => {
                    if let Some(tb) = self.table(&c.as_table())? {
                        flows.push(Flow::Table(tb));
                    }
                }
            },
            Block::Section { .. } => {}
        }
        Ok(())
    }

    fn table(&mut self, t: &Table) -> Result<Option<TableBox>, Error> {
        let ncols = t.column_count();
        if ncols == 0 || t.rows.is_empty() {
            return Ok(None);
        }
        let size = Self::pt(self.p.table.size_pt);
        let m = self.single(size);
        // The DOCX exporter's computation, measured exactly with the fonts set here (Times New
        // Roman's metrics, or a metric-compatible family's: the same widths).
        let mut failed = None;
        let widths: Vec<f32> = document::widths::column_widths(
            t,
            f64::from(self.tw),
            document::widths::CELL_PAD_PT,
            |s, bold| match self.sh.width(&clean(s), Style::new(size).bold(bold)) {
                Ok(w) => f64::from(w),
                Err(e) => {
                    failed.get_or_insert(e);
                    0.0
                }
            },
        )
        .into_iter()
        .map(|w| w as f32)
        .collect();
        if let Some(e) = failed {
            return Err(e);
        }
        let empty = Cell::text("");
        let mut head = Vec::new();
        let mut rows = Vec::new();
        for (r, row) in t.rows.iter().enumerate() {
            let header = r < t.header_rows;
            let mut cells = Vec::with_capacity(ncols);
            let mut h: f32 = 0.0;
            for (c, w) in widths.iter().enumerate() {
                let cell = row.get(c).unwrap_or(&empty);
                let (align, bold) = if header {
                    (CellAlign::Center, true)
                } else {
                    let col = t.columns.get(c).map_or(CellAlign::Left, |col| col.align);
                    (cell.align.unwrap_or(col), cell.bold)
                };
                let align = match align {
                    CellAlign::Left => Align::Left,
                    CellAlign::Center => Align::Center,
                    CellAlign::Right => Align::Right,
                };
                let style = Style {
                    gap: cell.gap,
                    ..Style::new(size).bold(bold).italic(cell.gap)
                };
                let mut lines = Vec::new();
                for piece in clean(&cell.text).split('\n') {
                    lines.extend(self.sh.lines(
                        &[Span::new(piece, style)],
                        (w - 2.0 * CELL_PAD).max(1.0),
                        0.0,
                        align,
                    )?);
                }
                h = h.max(lines.len().max(1) as f32 * m.h);
                cells.push(CellBox {
                    lines,
                    centre_v: header,
                });
            }
            let rb = RowBox { cells, h };
            if header {
                head.push(rb);
            } else {
                rows.push(rb);
            }
        }
        let caption = match t.caption.as_deref() {
            Some(c) => {
                let spans = [Span::new(clean(c), Style::new(size).italic(true))];
                let lines = self.sh.lines(&spans, self.tw, 0.0, Align::Right)?;
                Some(Par {
                    lines,
                    m,
                    indent: 0.0,
                    before: self.after(),
                    after: 0.0,
                    sticky: true,
                    bookmark: None,
                })
            }
            None => None,
        };
        Ok(Some(TableBox {
            caption,
            widths,
            head,
            rows,
            m,
            after: self.after(),
        }))
    }

    /// A horizontal bar chart as the SVG and DOCX exporters draw it: the title, a legend when
    /// there are several series, for each category its label and one bar per series with the
    /// value at its end. `None` when it would not fit on one page.
    fn chart(&mut self, c: &Chart) -> Result<Option<Fixed>, Error> {
        let size = Self::pt(self.p.table.size_pt);
        let m = self.single(size);
        let n = c.series.len().max(1);
        let max = c.max_value();
        let label_w = 0.38 * self.tw;
        let value_room = 6.0 * size;
        let bar_room = (self.tw - label_w - 6.0 - value_room).max(10.0);
        let bar_h = 0.8 * m.h;
        let mut items = Vec::new();
        let mut y = 0.0;
        let title = [Span::new(clean(&c.title), Style::new(size).bold(true))];
        for line in self.sh.lines(&title, self.tw, 0.0, Align::Center)? {
            push_line(&mut items, line, 0.0, y, m);
            y += m.h;
        }
        if n > 1 {
            // The legend: a square and the name of each series, on one line, centred.
            let gap = size;
            let mut parts = Vec::new();
            let mut total = 0.0;
            for s in &c.series {
                let name = [Span::new(clean(&s.name), Style::new(size))];
                let line = self
                    .sh
                    .lines(&name, self.tw, 0.0, Align::Left)?
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                total += 0.7 * size + 4.0 + line.width + gap;
                parts.push(line);
            }
            let mut x = ((self.tw - total + gap) / 2.0).max(0.0);
            for (si, line) in parts.into_iter().enumerate() {
                let w = line.width;
                items.push(Item::Fill {
                    x,
                    y: y + m.base - 0.7 * size,
                    w: 0.7 * size,
                    h: 0.7 * size,
                    rgb: series_rgb(si),
                });
                push_line(&mut items, line, x + 0.7 * size + 4.0, y, m);
                x += 0.7 * size + 4.0 + w + gap;
            }
            y += m.h;
        }
        y += 0.3 * m.h;
        for (i, cat) in c.categories.iter().enumerate() {
            let label = [Span::new(clean(cat), Style::new(size))];
            let lines = self.sh.lines(&label, label_w - 6.0, 0.0, Align::Right)?;
            let bars_h = n as f32 * bar_h;
            let row_h = (lines.len() as f32 * m.h).max(bars_h) + 0.25 * m.h;
            let mut ly = y + (row_h - lines.len() as f32 * m.h) / 2.0;
            for line in lines {
                push_line(&mut items, line, 0.0, ly, m);
                ly += m.h;
            }
            let mut by = y + (row_h - bars_h) / 2.0;
            for (si, s) in c.series.iter().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0);
                let w = bar_room * v.max(0) as f32 / max as f32;
                let x = label_w;
                if w > 0.0 {
                    items.push(Item::Fill {
                        x,
                        y: by + 0.1 * bar_h,
                        w,
                        h: 0.8 * bar_h,
                        rgb: series_rgb(si),
                    });
                }
                let value = [Span::new(vi::format_int(v), Style::new(0.85 * size))];
                let vm = Metric {
                    h: bar_h,
                    base: 0.5 * bar_h + 0.3 * 0.85 * size,
                };
                for line in self.sh.lines(&value, value_room, 0.0, Align::Left)? {
                    push_line(&mut items, line, x + w + 3.0, by, vm);
                }
                by += bar_h;
            }
            y += row_h;
        }
        if y > self.bottom - self.top {
            return Ok(None);
        }
        Ok(Some(Fixed {
            items,
            h: y,
            before: self.after(),
            after: self.after(),
            signature: None,
        }))
    }

    fn closing(&mut self, c: &Closing) -> Result<Fixed, Error> {
        let cl = &self.p.closing;
        let size = self.body_size();
        let m = self.single(size);
        let left_w = self.tw * CLOSING_LEFT_PCT / 100.0;
        let right_w = self.tw - left_w;
        let mut items = Vec::new();
        // Left: "Nơi nhận:" underlined, the recipients.
        let label = Style {
            underline: true,
            ..Style::new(size)
        };
        let rs = Style::new(Self::pt(cl.recipients_size_pt));
        let mut left = vec![Span::new(clean(&c.recipients_label), label)];
        left.extend(c.recipients.iter().map(|r| Span::new(clean(r), rs)));
        let (lx, lw) = (CELL_PAD, left_w - 2.0 * CELL_PAD);
        let left_h = self.stack(&left, lx, lw, 0.0, Align::Left, &mut items)?;
        // Right: on behalf, the title, room to sign, the name; centred.
        let signer = [
            Span::new(
                clean(&c.on_behalf).to_uppercase(),
                Style::new(size).bold(true),
            ),
            Span::new(clean(&c.signer_title).to_uppercase(), Style::new(size)),
        ];
        let name = [Span::new(
            clean(&c.signer_name),
            Style::new(size).bold(true),
        )];
        let (rx, rw) = (left_w + CELL_PAD, right_w - 2.0 * CELL_PAD);
        let title = clean(&c.signer_title).to_uppercase();
        self.signer_title = Some(title.trim().to_string())
            .filter(|t| !t.is_empty() && *t != document::build::GAP.to_uppercase());
        let mut y = self.stack(&signer, rx, rw, 0.0, Align::Center, &mut items)?;
        let blank = cl.signature_blank_lines as f32 * m.h;
        let signature = [left_w + CELL_PAD, y, right_w - 2.0 * CELL_PAD, blank];
        y += blank;
        y += self.stack(&name, rx, rw, y, Align::Center, &mut items)?;
        Ok(Fixed {
            items,
            h: left_h.max(y),
            before: self.after() + m.h,
            after: 0.0,
            signature: (blank > 0.0).then_some(signature),
        })
    }

    // ---- Placing flows ---------------------------------------------------------------------

    /// The least of a flow that must share a page with the sticky block before it.
    fn min_first(flows: &[Flow], i: usize, body: f32) -> f32 {
        match flows.get(i) {
            None => 0.0,
            Some(Flow::Par(p)) => {
                let n = p.lines.len();
                if p.sticky {
                    n as f32 * p.m.h + p.after + Self::min_first(flows, i + 1, body)
                } else {
                    // Widow and orphan control: up to three lines go whole, longer ones keep
                    // two at the foot.
                    let first = if n <= 3 { n } else { 2 };
                    first as f32 * p.m.h
                }
            }
            Some(Flow::Table(t)) => {
                let head: f32 = t.head.iter().map(|r| r.h).sum();
                // A first row taller than a page is cut, its first lines may stay here.
                let first =
                    t.rows.first().map_or(
                        0.0,
                        |r| {
                            if r.h > body - head {
                                2.0 * t.m.h
                            } else {
                                r.h
                            }
                        },
                    );
                t.caption
                    .as_ref()
                    .map_or(0.0, |c| c.lines.len() as f32 * c.m.h)
                    + head
                    + first
            }
            Some(Flow::Fixed(f)) => f.h,
        }
    }

    fn place_all(&mut self, flows: &mut [Flow]) {
        let body = self.bottom - self.top;
        for i in 0..flows.len() {
            let keep = match &flows[i] {
                Flow::Par(p) if p.sticky => p.after + Self::min_first(flows, i + 1, body),
                _ => 0.0,
            };
            match &mut flows[i] {
                Flow::Par(p) => self.place_par(p, keep),
                Flow::Table(t) => self.place_table(t),
                Flow::Fixed(x) => self.place_fixed(x),
            }
        }
    }

    fn place_fixed(&mut self, f: &mut Fixed) {
        if self.y + self.gap(f.before) + f.h > self.limit(&[]) + 0.01 && !self.at_top() {
            self.new_page();
        }
        self.y += self.gap(f.before);
        let (dx, dy) = (self.left, self.y);
        if let Some([x, y, w, h]) = f.signature {
            self.signature = Some(SignatureBox {
                page: self.pages.len().saturating_sub(1),
                x: dx + x,
                y: dy + y,
                w,
                h,
            });
        }
        if let Some(page) = self.pages.last_mut() {
            page.items
                .extend(f.items.drain(..).map(|it| shift(it, dx, dy)));
        }
        self.y += f.h;
        self.pending_after = f.after;
    }

    fn place_par(&mut self, p: &mut Par, keep: f32) {
        let n = p.lines.len();
        if n == 0 {
            return;
        }
        // A sticky paragraph (a heading) goes whole, with the start of what follows.
        if p.sticky && !self.at_top() {
            let notes: Vec<usize> = p.lines.iter().flat_map(|l| l.notes.clone()).collect();
            let need = self.gap(p.before) + n as f32 * p.m.h + keep;
            if self.y + need > self.limit(&notes) + 0.01 {
                self.new_page();
            }
        }
        self.y += self.gap(p.before);
        let mut from = 0;
        while from < n {
            // How many lines fit, with their footnotes.
            let mut k = 0;
            let mut notes: Vec<usize> = Vec::new();
            while from + k < n {
                notes.extend(p.lines[from + k].notes.iter().copied());
                if self.y + (k + 1) as f32 * p.m.h > self.limit(&notes) + 0.01 {
                    break;
                }
                k += 1;
            }
            let rest = n - from;
            if k < rest {
                // Widow and orphan control: never one line alone at the foot or the head.
                if rest >= 2 {
                    k = k.min(rest - 2);
                    if k < 2 {
                        k = 0;
                    }
                }
                if k == 0 && self.at_top() {
                    k = 1;
                }
            }
            if k == 0 {
                self.new_page();
                continue;
            }
            if from == 0 {
                if let Some((level, title)) = &p.bookmark {
                    self.bookmarks.push(Bookmark {
                        level: *level,
                        title: title.clone(),
                        page: self.pages.len() - 1,
                        y: self.y,
                    });
                }
            }
            let x = self.left;
            let mut items = Vec::new();
            for j in from..from + k {
                let line = std::mem::take(&mut p.lines[j]);
                for &note in &line.notes {
                    if !self.page_notes.contains(&note) {
                        self.page_notes.push(note);
                    }
                }
                let indent = if j == 0 { p.indent } else { 0.0 };
                push_line(&mut items, line, x + indent, self.y, p.m);
                self.y += p.m.h;
            }
            if let Some(page) = self.pages.last_mut() {
                page.items.extend(items);
            }
            from += k;
            if from < n {
                self.new_page();
            }
        }
        self.pending_after = p.after;
    }

    fn place_table(&mut self, t: &mut TableBox) {
        // Header rows repeat on every page only when they leave room for two lines under them;
        // taller ones (many narrow columns) are laid out once as ordinary rows, so that the
        // layout always moves on (repeating them would never leave room for a row).
        let head_h: f32 = t.head.iter().map(|r| r.h).sum();
        if self.bottom - self.top - head_h < 2.0 * t.m.h {
            let mut rows = std::mem::take(&mut t.head);
            rows.append(&mut t.rows);
            t.rows = rows;
        }
        let head_h: f32 = t.head.iter().map(|r| r.h).sum();
        // Room for rows on a page of their own, under the repeated header rows.
        let room = self.bottom - self.top - head_h;
        // A first row taller than any page starts here, with its first two lines.
        let first = t
            .rows
            .first()
            .map_or(0.0, |r| if r.h > room { 2.0 * t.m.h } else { r.h });
        let cap_h = t
            .caption
            .as_ref()
            .map_or(0.0, |c| c.lines.len() as f32 * c.m.h);
        let before = t.caption.as_ref().map_or(self.after(), |c| c.before);
        if !self.at_top() && self.y + self.gap(before) + cap_h + head_h + first > self.limit(&[]) {
            self.new_page();
        }
        if let Some(c) = &mut t.caption {
            self.place_par(c, 0.0);
        } else {
            self.y += self.gap(before);
        }
        for r in &t.head {
            self.draw_row(&t.widths, t.m, r.clone());
        }
        let mut pending: Option<RowBox> = None;
        let mut rows = std::mem::take(&mut t.rows).into_iter();
        loop {
            let row = match pending.take() {
                Some(r) => r,
                None => match rows.next() {
                    Some(r) => r,
                    None => break,
                },
            };
            if self.y + row.h > self.limit(&[]) + 0.01 {
                let fresh = self.y <= self.top + head_h + 0.01;
                // Rows go whole to the next page; one taller than a page is cut between
                // lines: the part that fits here, the rest on the next.
                let fit = ((self.limit(&[]) - self.y) / t.m.h + 0.001).floor() as usize;
                if row.h > room + 0.01 && (fit >= 2 || fresh) {
                    let (a, b) = split_row(row, fit.max(1), t.m.h);
                    self.draw_row(&t.widths, t.m, a);
                    pending = Some(b);
                } else {
                    pending = Some(row);
                }
                self.new_page();
                for r in &t.head {
                    self.draw_row(&t.widths, t.m, r.clone());
                }
                continue;
            }
            self.draw_row(&t.widths, t.m, row);
        }
        self.pending_after = t.after;
    }

    fn draw_row(&mut self, widths: &[f32], m: Metric, row: RowBox) {
        let border = Self::pt(self.p.table.border_pt);
        let y = self.y;
        let mut items = Vec::new();
        let mut x = self.left;
        let right = self.left + widths.iter().sum::<f32>();
        let h = row.h;
        let mut cells = row.cells.into_iter();
        items.push(Item::Rule {
            x1: self.left,
            y1: y,
            x2: right,
            y2: y,
            width: border,
        });
        items.push(Item::Rule {
            x1: self.left,
            y1: y + h,
            x2: right,
            y2: y + h,
            width: border,
        });
        for w in widths {
            items.push(Item::Rule {
                x1: x,
                y1: y,
                x2: x,
                y2: y + h,
                width: border,
            });
            if let Some(cell) = cells.next() {
                let text_h = cell.lines.len() as f32 * m.h;
                let mut ly = if cell.centre_v {
                    y + (h - text_h) / 2.0
                } else {
                    y
                };
                for line in cell.lines {
                    push_line(&mut items, line, x + CELL_PAD, ly, m);
                    ly += m.h;
                }
            }
            x += w;
        }
        items.push(Item::Rule {
            x1: right,
            y1: y,
            x2: right,
            y2: y + h,
            width: border,
        });
        if let Some(page) = self.pages.last_mut() {
            page.items.extend(items);
        }
        self.y += h;
    }
}

/// A chart series' colour (the exporters' shared palette), as RGB fractions.
fn series_rgb(i: usize) -> [f32; 3] {
    let hex = document::chart::COLOURS[i % document::chart::COLOURS.len()];
    let c = |k: usize| {
        hex.get(k..k + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f32::from(v) / 255.0)
    };
    [c(0), c(2), c(4)]
}

/// A row cut after `fit` lines: the part shown now and the rest.
fn split_row(row: RowBox, fit: usize, lh: f32) -> (RowBox, RowBox) {
    // The lines move, never copied: a cell of a megabyte spans hundreds of pages, and copying
    // what remains at every page made the layout quadratic.
    let mut a = Vec::with_capacity(row.cells.len());
    let mut b = Vec::with_capacity(row.cells.len());
    let mut rest_lines: usize = 0;
    for mut cell in row.cells {
        let cut = fit.min(cell.lines.len());
        let rest = cell.lines.split_off(cut);
        rest_lines = rest_lines.max(rest.len());
        a.push(CellBox {
            lines: cell.lines,
            centre_v: false,
        });
        b.push(CellBox {
            lines: rest,
            centre_v: false,
        });
    }
    (
        RowBox {
            cells: a,
            h: fit as f32 * lh,
        },
        RowBox {
            cells: b,
            h: rest_lines.max(1) as f32 * lh,
        },
    )
}

/// The leftmost and rightmost x of the text items.
fn lines_bounds(items: &[Item]) -> Option<(f32, f32)> {
    let mut out: Option<(f32, f32)> = None;
    for it in items {
        if let Item::Text { x, run, .. } = it {
            let (a, b) = (*x, *x + run.width);
            out = Some(out.map_or((a, b), |(l, r)| (l.min(a), r.max(b))));
        }
    }
    out
}

fn shift(it: Item, dx: f32, dy: f32) -> Item {
    match it {
        Item::Text { x, y, run } => Item::Text {
            x: x + dx,
            y: y + dy,
            run,
        },
        Item::Rule {
            x1,
            y1,
            x2,
            y2,
            width,
        } => Item::Rule {
            x1: x1 + dx,
            y1: y1 + dy,
            x2: x2 + dx,
            y2: y2 + dy,
            width,
        },
        Item::Fill { x, y, w, h, rgb } => Item::Fill {
            x: x + dx,
            y: y + dy,
            w,
            h,
            rgb,
        },
    }
}

/// A line's runs as items, the line's top at `top`, its left edge at `x`.
fn push_line(items: &mut Vec<Item>, line: Line, x: f32, top: f32, m: Metric) {
    let base = top + m.base;
    for run in line.runs {
        if run.gap {
            // From the ascender to the descender, as Word's highlight.
            items.push(Item::Fill {
                rgb: HIGHLIGHT,
                x: x + run.x,
                y: top,
                w: run.width,
                h: m.h,
            });
        }
        if let Some((pos, thick)) = run.underline {
            items.push(Item::Rule {
                x1: x + run.x,
                y1: base + pos,
                x2: x + run.x + run.width,
                y2: base + pos,
                width: thick,
            });
        }
        items.push(Item::Text {
            x: x + run.x,
            y: base + run.dy,
            run,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_and_tabs_become_spaces() {
        assert_eq!(clean("a\u{7}b\tc\nd\u{0}"), "ab c\nd");
    }

    #[test]
    fn invisible_format_characters_are_dropped_and_odd_spaces_become_spaces() {
        assert_eq!(
            clean("a\u{200b}b\u{feff}c\u{2009}d\u{ad}e\u{a0}f\u{200e}g"),
            "abc de\u{a0}fg"
        );
    }
}
