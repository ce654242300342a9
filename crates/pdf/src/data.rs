//! The document and the profile as the data the typst template (`report.typ`) lays out.
//!
//! Everything here is JSON: texts are JSON strings that the template shows as string values, so
//! no text of a report is ever parsed as typst markup. Layout decisions that need the profile
//! (heading styles, upper case, column widths) are resolved here, so the template stays a plain
//! description of the Party layout with its numbers taken from this data.

use std::collections::BTreeSet;

use document::{
    split_lines, Block, Cell, CellAlign, Closing, Document, Header, Inline, ParaStyle, Table,
};
use outline::profile::Align;
use outline::Profile;
use serde_json::{json, Value};

/// The closing table's left ("Nơi nhận") column, per cent of the text width: the DOCX
/// exporter's figure (FORMAT.md only says "a borderless two-column table").
const CLOSING_LEFT_PCT: u32 = 45;

/// Left and right cell padding of tables, points: Word's default (108 twips).
const CELL_PAD_PT: f64 = 5.4;

/// The outline level of a heading scheme, outermost first (1-based, as PDF bookmarks nest).
fn heading_level(scheme: &str) -> usize {
    document::heading_depth(scheme).map_or(document::HEADING_SCHEMES.len() + 1, |i| i + 1)
}

/// Removes what cannot be printed (control characters other than tab and line feed).
fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| !c.is_control() || c == '\t' || c == '\n')
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect()
}

/// Pages of one orientation: what a [`Block::Section`] starts.
struct Section {
    landscape: bool,
    blocks: Vec<Value>,
}

impl Section {
    fn new(landscape: bool) -> Section {
        Section {
            landscape,
            blocks: Vec::new(),
        }
    }
}

/// Collects every character the document will print, for font selection.
#[derive(Default)]
pub struct Chars(pub BTreeSet<char>);

impl Chars {
    fn add(&mut self, s: &str) -> String {
        let s = clean(s);
        self.0.extend(s.chars());
        s
    }
}

/// Builds the template's data. `chars` receives every printed character.
pub struct DataBuilder<'a> {
    p: &'a Profile,
    pub chars: Chars,
    /// Images to serve to typst: virtual path and PNG bytes.
    pub images: Vec<(String, Vec<u8>)>,
}

impl<'a> DataBuilder<'a> {
    pub fn new(p: &'a Profile) -> DataBuilder<'a> {
        let mut chars = Chars::default();
        // Printed by the template itself: page numbers, footnote numbers.
        chars.0.extend('0'..='9');
        DataBuilder {
            p,
            chars,
            images: Vec::new(),
        }
    }

    /// The whole data object, without the font part (added once fonts are chosen).
    pub fn document(&mut self, doc: &Document) -> Value {
        let p = self.p;
        let pg = &p.page;
        let meta = json!({
            "title": self.chars.add(&doc.meta.title),
            "author": self.chars.add(&doc.meta.author),
            "subject": self.chars.add(&doc.meta.subject),
            "draft": doc.meta.draft,
        });
        let header = self.header(&doc.header);
        let title = json!({
            "kind": self.chars.add(&doc.title.kind.to_uppercase()),
            "subject": self.chars.add(&doc.title.subject),
            "rule": self.chars.add(&doc.title.rule),
            "size": p.title.size_pt,
            "subject_size": p.title.subject_size_pt,
        });
        // The document as sections of pages: a Section block or an annex starts a new one.
        let mut sections = vec![Section::new(false)];
        sections[0].blocks.push(json!({"k": "front"}));
        self.blocks(&doc.body, &mut sections);
        let closing = self.closing(&doc.closing);
        if let Some(last) = sections.last_mut() {
            last.blocks.push(closing);
        }
        for annex in &doc.annexes {
            // An annex starts on a new page, portrait unless it opens with a Section.
            let opens_with_section = matches!(annex.first(), Some(Block::Section { .. }));
            if !opens_with_section {
                sections.push(Section::new(false));
            }
            self.blocks(annex, &mut sections);
        }
        let sections: Vec<Value> = sections
            .into_iter()
            .map(|s| json!({"landscape": s.landscape, "blocks": s.blocks}))
            .collect();
        json!({
            "page": {
                "width": pg.width_mm,
                "height": pg.height_mm,
                "top": pg.margin_top_mm,
                "bottom": pg.margin_bottom_mm,
                "left": pg.margin_left_mm,
                "right": pg.margin_right_mm,
                "header_distance": pg.header_distance_mm,
                "number_size": pg.page_number_size_pt,
                "number_from": pg.page_number_from,
            },
            "body": {
                "size": p.body.size_pt,
                "indent": p.body.first_line_indent_mm,
                "line": p.body.line_spacing_pt,
                "after": p.body.space_after_pt,
            },
            "footnote": { "size": p.footnote.size_pt, "border": p.table.border_pt },
            "table": {
                "size": p.table.size_pt,
                "border": p.table.border_pt,
                "pad": CELL_PAD_PT,
            },
            "meta": meta,
            "header": header,
            "title": title,
            "sections": sections,
        })
    }

    fn header(&mut self, h: &Header) -> Value {
        let hl = &self.p.header;
        let superior = h
            .superior
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| self.chars.add(&s.to_uppercase()));
        json!({
            "left_pct": hl.left_width_pct.min(100),
            "superior": superior,
            "issuer": self.chars.add(&h.issuer.to_uppercase()),
            "star": self.chars.add(&h.star),
            "number": self.chars.add(&h.number),
            "party": self.chars.add(&h.party_line.to_uppercase()),
            "place_date": self.chars.add(&h.place_date),
            "issuer_size": hl.issuer_size_pt,
            "party_size": hl.party_size_pt,
            "number_size": hl.number_size_pt,
            "place_date_size": hl.place_date_size_pt,
            "pad": CELL_PAD_PT,
            "rule": self.p.table.border_pt,
        })
    }

    /// Inlines as `[kind, text]` pairs: "t" text, "b" bold, "i" italic, "f" footnote, "g" gap.
    fn inlines(&mut self, inlines: &[Inline], upper: bool) -> Vec<Value> {
        let case = |s: &str| {
            if upper {
                s.to_uppercase()
            } else {
                s.to_string()
            }
        };
        inlines
            .iter()
            .map(|i| match i {
                Inline::Text(s) => json!(["t", self.chars.add(&case(s))]),
                Inline::Bold(s) => json!(["b", self.chars.add(&case(s))]),
                Inline::Italic(s) => json!(["i", self.chars.add(&case(s))]),
                // A footnote's text keeps its case whatever the heading's style.
                Inline::Footnote(s) => json!(["f", self.chars.add(s)]),
                Inline::Gap(s) => json!(["g", self.chars.add(&case(s))]),
            })
            .collect()
    }

    fn blocks(&mut self, blocks: &[Block], sections: &mut Vec<Section>) {
        for b in blocks {
            if let Block::Section { landscape } = b {
                sections.push(Section::new(*landscape));
                continue;
            }
            let values = self.block(b);
            if let Some(last) = sections.last_mut() {
                last.blocks.extend(values);
            }
        }
    }

    fn block(&mut self, b: &Block) -> Vec<Value> {
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
                let align = match st.align {
                    Align::Justify => "justify",
                    Align::Left => "left",
                    Align::Center => "center",
                    Align::Right => "right",
                };
                vec![json!({
                    "k": "h",
                    "level": heading_level(scheme),
                    "bold": st.bold,
                    "italic": st.italic,
                    "align": align,
                    "inl": self.inlines(&all, st.upper),
                })]
            }
            Block::Paragraph { style, inlines } => {
                let style = match style {
                    ParaStyle::Body => "body",
                    ParaStyle::Plain => "plain",
                    ParaStyle::Center => "center",
                };
                split_lines(inlines)
                    .into_iter()
                    .map(
                        |line| json!({"k": "p", "style": style, "inl": self.inlines(&line, false)}),
                    )
                    .collect()
            }
            Block::Table(t) => self.table(t).into_iter().collect(),
            // typst could draw it, but the PDF of a consolidation is not made yet: its figures.
            Block::Chart(c) => self.table(&c.as_table()).into_iter().collect(),
            // Handled by `blocks`: a section is where pages change, not a block on them.
            Block::Section { .. } => Vec::new(),
        }
    }

    fn cell(&mut self, c: &Cell, align: CellAlign) -> Value {
        let align = match c.align.unwrap_or(align) {
            CellAlign::Left => "left",
            CellAlign::Center => "center",
            CellAlign::Right => "right",
        };
        json!({
            "text": self.chars.add(&c.text),
            "bold": c.bold,
            "gap": c.gap,
            "align": align,
            "head": false,
        })
    }

    fn table(&mut self, t: &Table) -> Option<Value> {
        let ncols = t.column_count();
        if ncols == 0 || t.rows.is_empty() {
            return None;
        }
        // Fractions of the text width, whatever the page's orientation.
        let widths = column_widths(t, ncols, 1000.0);
        let empty = Cell::text("");
        let mut head = Vec::new();
        let mut rows = Vec::new();
        for (r, row) in t.rows.iter().enumerate() {
            let header = r < t.header_rows;
            let cells: Vec<Value> = (0..ncols)
                .map(|c| {
                    let cell = row.get(c).unwrap_or(&empty);
                    if header {
                        let mut v = self.cell(cell, CellAlign::Center);
                        v["align"] = json!("center");
                        v["bold"] = json!(true);
                        v["head"] = json!(true);
                        v
                    } else {
                        let align = t.columns.get(c).map_or(CellAlign::Left, |col| col.align);
                        self.cell(cell, align)
                    }
                })
                .collect();
            if header {
                head.push(Value::Array(cells));
            } else {
                rows.push(Value::Array(cells));
            }
        }
        let caption = t.caption.as_deref().map(|c| self.chars.add(c));
        Some(json!({
            "k": "t",
            "caption": caption,
            "widths": widths,
            "head": head,
            "rows": rows,
        }))
    }

    fn closing(&mut self, c: &Closing) -> Value {
        let cl = &self.p.closing;
        let recipients: Vec<String> = c.recipients.iter().map(|r| self.chars.add(r)).collect();
        json!({
            "k": "closing",
            "left_pct": CLOSING_LEFT_PCT,
            "pad": CELL_PAD_PT,
            "label": self.chars.add(&c.recipients_label),
            "recipients": recipients,
            "recipients_size": cl.recipients_size_pt,
            "on_behalf": self.chars.add(&c.on_behalf.to_uppercase()),
            "title": self.chars.add(&c.signer_title.to_uppercase()),
            "name": self.chars.add(&c.signer_name),
            "blank_lines": cl.signature_blank_lines,
        })
    }
}

/// Column widths in points summing to `text_w`: from the columns' `width_pct` (normalised), a
/// column without a width getting the average of the others (as the DOCX exporter does).
fn column_widths(t: &Table, ncols: usize, text_w: f64) -> Vec<f64> {
    let given: Vec<f64> = (0..ncols)
        .map(|c| t.columns.get(c).map_or(0.0, |col| f64::from(col.width_pct)))
        .collect();
    let known: Vec<f64> = given.iter().copied().filter(|&w| w > 0.0).collect();
    let fill = if known.is_empty() {
        1.0
    } else {
        known.iter().sum::<f64>() / known.len() as f64
    };
    let pct: Vec<f64> = given
        .iter()
        .map(|&w| if w > 0.0 { w } else { fill })
        .collect();
    let total: f64 = pct.iter().sum::<f64>().max(1.0);
    pct.iter().map(|w| text_w * w / total).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_and_tabs_become_spaces() {
        assert_eq!(clean("a\u{7}b\tc\nd\u{0}"), "ab c\nd");
    }

    #[test]
    fn lines_split_at_line_feeds() {
        let lines = split_lines(&[
            Inline::Text("một\nhai".into()),
            Inline::Footnote("ghi chú".into()),
        ]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].len(), 2);
    }

    #[test]
    fn widths_fill_the_text_width() {
        let t = Table {
            caption: None,
            columns: vec![
                document::Column {
                    width_pct: 10,
                    align: CellAlign::Left,
                },
                document::Column {
                    width_pct: 0,
                    align: CellAlign::Right,
                },
                document::Column {
                    width_pct: 30,
                    align: CellAlign::Right,
                },
            ],
            header_rows: 0,
            rows: vec![],
        };
        let w = column_widths(&t, 3, 400.0);
        assert!((w.iter().sum::<f64>() - 400.0).abs() < 1e-9);
        // The middle column gets the average of the others (20 of 60).
        assert!((w[1] - 400.0 / 3.0).abs() < 1e-9, "{w:?}");
    }
}
