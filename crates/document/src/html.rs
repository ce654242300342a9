//! HTML exporter: a [`Document`] and a layout [`Profile`] to one standalone HTML5 page.
//!
//! The page carries its own style sheet, built from the profile (A4 page and margins, font,
//! sizes, justification, heading styles), and lays the document out like the DOCX: the page-1
//! header table, the title, the body, tables, the closing table, then the footnotes, numbered
//! through the document and listed at the end with links both ways. Gaps (answers still
//! missing) are highlighted (`class="gap"`). Every text is escaped; the output is deterministic.

use std::fmt::Write as _;

use outline::profile::Align;
use outline::Profile;

use crate::docx::{outline_level, CLOSING_LEFT_PCT};
use crate::model::split_lines;
use crate::model::{Block, Cell, CellAlign, Closing, Document, Header, Inline, ParaStyle, Table};

/// Writes `doc` as a complete HTML5 page laid out by `profile`.
pub fn to_html(doc: &Document, profile: &Profile) -> String {
    let mut w = HtmlWriter {
        p: profile,
        out: String::new(),
        notes: Vec::new(),
    };
    w.out
        .push_str("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n");
    w.out
        .push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(w.out, "<title>{}</title>", esc(&doc.meta.title));
    if !doc.meta.author.is_empty() {
        let _ = writeln!(
            w.out,
            "<meta name=\"author\" content=\"{}\">",
            esc(&doc.meta.author)
        );
    }
    if !doc.meta.subject.is_empty() {
        let _ = writeln!(
            w.out,
            "<meta name=\"description\" content=\"{}\">",
            esc(&doc.meta.subject)
        );
    }
    let _ = writeln!(w.out, "<style>\n{}</style>", style_sheet(profile));
    w.out.push_str("</head>\n<body>\n<div class=\"page\">\n");
    w.header(&doc.header);
    w.out.push_str("<main>\n");
    w.title(doc);
    w.blocks(&doc.body);
    w.closing(&doc.closing);
    for annex in &doc.annexes {
        w.blocks(annex);
    }
    w.out.push_str("</main>\n");
    w.footnotes();
    w.out.push_str("</div>\n</body>\n</html>\n");
    w.out
}

/// Escapes `s` for HTML text and attribute values, dropping control characters other than tab
/// and newline.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with its line breaks as `<br>`.
fn esc_br(s: &str) -> String {
    esc(s).replace('\n', "<br>\n")
}

/// A CSS class name for a heading scheme (letters, digits and "-" only).
fn scheme_class(scheme: &str) -> String {
    let name: String = scheme
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("h-{name}")
}

fn css_align(align: Align) -> &'static str {
    match align {
        Align::Justify => "justify",
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

fn cell_align_class(align: CellAlign) -> &'static str {
    match align {
        CellAlign::Left => "al-left",
        CellAlign::Center => "al-center",
        CellAlign::Right => "al-right",
    }
}

/// The style sheet: every number from the profile.
fn style_sheet(p: &Profile) -> String {
    let pg = &p.page;
    let (w, h) = (pg.width_mm, pg.height_mm);
    let (t, r, b, l) = (
        pg.margin_top_mm,
        pg.margin_right_mm,
        pg.margin_bottom_mm,
        pg.margin_left_mm,
    );
    let font = p.font.family.replace(['"', '\\', '<', '>'], "");
    let body = p.body.size_pt;
    let line = p.body.line_spacing_pt;
    let after = p.body.space_after_pt;
    let indent = p.body.first_line_indent_mm;
    let hd = &p.header;
    let border = p.table.border_pt;
    let mut css = String::new();
    let _ = write!(
        css,
        "@page {{ size: {w}mm {h}mm; margin: {t}mm {r}mm {b}mm {l}mm; }}
html {{ background: #e6e6e6; }}
body {{ margin: 0; font-family: \"{font}\", Times, serif; font-size: {body}pt; color: #000; }}
.page {{ box-sizing: border-box; width: {w}mm; min-height: {h}mm; margin: 8mm auto; \
padding: {t}mm {r}mm {b}mm {l}mm; background: #fff; }}
@media print {{ html {{ background: none; }} \
.page {{ width: auto; min-height: 0; margin: 0; padding: 0; }} }}
p {{ margin: 0; }}
hr.section {{ border: 0; border-top: 1px dashed #999; margin: 12pt 0; break-before: page; }}
table.layout {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
table.layout td {{ vertical-align: top; padding: 0; text-align: center; }}
.superior {{ font-size: {issuer}pt; }}
.issuer {{ font-size: {issuer}pt; font-weight: bold; }}
.star {{ font-size: {issuer}pt; }}
.number {{ font-size: {number}pt; }}
.party {{ font-size: {party}pt; font-weight: bold; }}
.party span {{ display: inline-block; border-bottom: {border}pt solid #000; padding-bottom: 1pt; }}
.place-date {{ font-size: {place}pt; font-style: italic; }}
h1.kind {{ font-size: {kind}pt; font-weight: bold; text-align: center; margin: {line}pt 0 0; }}
p.subject {{ font-size: {subject}pt; font-weight: bold; text-align: center; }}
p.rule {{ text-align: center; margin-bottom: {line}pt; }}
p.body, p.plain, p.center, .h {{ font-size: {body}pt; line-height: {line}pt; \
margin: 0 0 {after}pt; text-align: justify; }}
p.body {{ text-indent: {indent}mm; }}
p.center {{ text-align: center; }}
.h {{ font-weight: normal; font-style: normal; text-indent: {indent}mm; }}
",
        issuer = hd.issuer_size_pt,
        number = hd.number_size_pt,
        party = hd.party_size_pt,
        place = hd.place_date_size_pt,
        kind = p.title.size_pt,
        subject = p.title.subject_size_pt,
    );
    for (scheme, st) in &p.headings {
        let indent = if matches!(st.align, Align::Center) {
            "0".to_string()
        } else {
            format!("{indent}mm")
        };
        let _ = writeln!(
            css,
            ".{} {{ font-weight: {}; font-style: {}; text-align: {}; text-indent: {indent}; }}",
            scheme_class(scheme),
            if st.bold { "bold" } else { "normal" },
            if st.italic { "italic" } else { "normal" },
            css_align(st.align),
        );
    }
    let _ = write!(
        css,
        ".gap {{ background: #ffff00; font-style: italic; }}
sup.fn-ref {{ line-height: 0; }}
sup.fn-ref a {{ color: inherit; text-decoration: underline; }}
p.caption {{ font-size: {table}pt; font-style: italic; text-align: right; }}
table.data {{ width: 100%; border-collapse: collapse; table-layout: fixed; font-size: {table}pt; \
margin: 0 0 {after}pt; }}
table.data th, table.data td {{ border: {border}pt solid #000; padding: 1pt 4pt; \
vertical-align: top; }}
table.data th {{ font-weight: bold; text-align: center; vertical-align: middle; }}
table.data tr {{ page-break-inside: avoid; }}
.al-left {{ text-align: left; }}
.al-center {{ text-align: center; }}
.al-right {{ text-align: right; }}
table.data td.b {{ font-weight: bold; }}
table.closing {{ margin-top: {line}pt; page-break-inside: avoid; }}
table.closing td.recipients p {{ text-align: left; }}
.recipients-label {{ font-size: {body}pt; text-decoration: underline; }}
.recipient {{ font-size: {recipients}pt; }}
.on-behalf, .signer-name {{ font-weight: bold; }}
section.footnotes {{ font-size: {note}pt; margin-top: {line}pt; border-top: {border}pt solid #000; }}
section.footnotes ol {{ margin: 0; padding-left: 2em; }}
a.fn-back {{ text-decoration: underline; }}
",
        table = p.table.size_pt,
        recipients = p.closing.recipients_size_pt,
        note = p.footnote.size_pt,
    );
    css
}

struct HtmlWriter<'a> {
    p: &'a Profile,
    out: String,
    notes: Vec<String>,
}

impl HtmlWriter<'_> {
    /// Writes blocks of the body or an annex.
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Heading {
                    scheme,
                    label,
                    inlines,
                } => self.heading(scheme, label, inlines),
                Block::Paragraph { style, inlines } => self.paragraph(*style, inlines),
                Block::Table(table) => self.table(table),
                Block::Chart(chart) => self.out.push_str(&crate::chart::svg(chart)),
                Block::Section { landscape } => self.section(*landscape),
            }
        }
    }

    /// A new page (a landscape section prints as a new page; the preview marks the break).
    fn section(&mut self, landscape: bool) {
        let class = if landscape {
            "section landscape"
        } else {
            "section"
        };
        let _ = writeln!(self.out, "<hr class=\"{class}\">");
    }

    fn header(&mut self, h: &Header) {
        let left = self.p.header.left_width_pct.min(100);
        let o = &mut self.out;
        o.push_str("<header>\n<table class=\"layout header\">\n");
        let _ = writeln!(
            o,
            "<colgroup><col style=\"width: {left}%\"><col style=\"width: {}%\"></colgroup>",
            100 - left
        );
        o.push_str("<tr>\n<td>\n");
        if let Some(sup) = h.superior.as_deref().filter(|s| !s.trim().is_empty()) {
            let _ = writeln!(o, "<p class=\"superior\">{}</p>", esc(&sup.to_uppercase()));
        }
        let _ = writeln!(
            o,
            "<p class=\"issuer\">{}</p>",
            esc(&h.issuer.to_uppercase())
        );
        let _ = writeln!(o, "<p class=\"star\">{}</p>", esc(&h.star));
        o.push_str("</td>\n<td>\n");
        let _ = writeln!(
            o,
            "<p class=\"party\"><span>{}</span></p>",
            esc(&h.party_line.to_uppercase())
        );
        o.push_str("</td>\n</tr>\n<tr>\n");
        let _ = writeln!(o, "<td><p class=\"number\">{}</p></td>", esc(&h.number));
        let _ = writeln!(
            o,
            "<td><p class=\"place-date\">{}</p></td>",
            esc(&h.place_date)
        );
        o.push_str("</tr>\n</table>\n</header>\n");
    }

    fn title(&mut self, doc: &Document) {
        let _ = writeln!(
            self.out,
            "<h1 class=\"kind\">{}</h1>\n<p class=\"subject\">{}</p>\n<p class=\"rule\">{}</p>",
            esc(&doc.title.kind.to_uppercase()),
            esc_br(&doc.title.subject),
            esc(&doc.title.rule)
        );
    }

    fn heading(&mut self, scheme: &str, label: &str, inlines: &[Inline]) {
        let st = self.p.heading(scheme);
        let upper = st.upper;
        let case = |s: &str| {
            if upper {
                s.to_uppercase()
            } else {
                s.to_string()
            }
        };
        let level = outline_level(scheme).map_or(6, |l| (l + 2).min(6));
        let mut text = String::new();
        if !label.is_empty() {
            text.push_str(&esc(&case(label)));
            if !inlines.is_empty() {
                text.push(' ');
            }
        }
        for inline in inlines {
            self.inline(&mut text, inline, &case);
        }
        let _ = writeln!(
            self.out,
            "<h{level} class=\"h {}\">{}</h{level}>",
            scheme_class(scheme),
            text.replace('\n', "<br>\n")
        );
    }

    fn paragraph(&mut self, style: ParaStyle, inlines: &[Inline]) {
        let class = match style {
            ParaStyle::Body => "body",
            ParaStyle::Plain => "plain",
            ParaStyle::Center => "center",
        };
        for line in split_lines(inlines) {
            let mut text = String::new();
            for inline in &line {
                self.inline(&mut text, inline, &|s: &str| s.to_string());
            }
            let _ = writeln!(self.out, "<p class=\"{class}\">{text}</p>");
        }
    }

    /// Appends one inline's HTML to `out`; footnote references get the next number.
    fn inline(&mut self, out: &mut String, inline: &Inline, case: &dyn Fn(&str) -> String) {
        match inline {
            Inline::Text(s) => out.push_str(&esc(&case(s))),
            Inline::Bold(s) => {
                let _ = write!(out, "<strong>{}</strong>", esc(&case(s)));
            }
            Inline::Italic(s) => {
                let _ = write!(out, "<em>{}</em>", esc(&case(s)));
            }
            Inline::Gap(s) => {
                let _ = write!(out, "<mark class=\"gap\">{}</mark>", esc(&case(s)));
            }
            Inline::Footnote(note) => {
                self.notes.push(note.clone());
                let n = self.notes.len();
                let _ = write!(
                    out,
                    "<sup class=\"fn-ref\"><a href=\"#fn-{n}\" id=\"fnref-{n}\">{n}</a></sup>"
                );
            }
        }
    }

    fn table(&mut self, t: &Table) {
        let ncols = t.column_count();
        if ncols == 0 || t.rows.is_empty() {
            return;
        }
        let o = &mut self.out;
        if let Some(caption) = &t.caption {
            let _ = writeln!(o, "<p class=\"caption\">{}</p>", esc(caption));
        }
        o.push_str("<table class=\"data\">\n<colgroup>");
        // The DOCX's widths, as shares of the text width.
        let pg = &self.p.page;
        let text_w = (pg.width_mm - pg.margin_left_mm - pg.margin_right_mm) * 72.0 / 25.4;
        let size = self.p.table.size_pt;
        let widths = crate::widths::column_widths(t, text_w, crate::widths::CELL_PAD_PT, |s, b| {
            crate::widths::times_width(s, size, b)
        });
        for w in widths {
            let pct = w * 100.0 / text_w;
            let _ = write!(o, "<col style=\"width: {pct:.2}%\">");
        }
        o.push_str("</colgroup>\n");
        let empty = Cell::text("");
        let header_rows = t.header_rows.min(t.rows.len());
        for (r, row) in t.rows.iter().enumerate() {
            let header = r < header_rows;
            if r == 0 && header {
                o.push_str("<thead>\n");
            }
            if r == header_rows {
                o.push_str("<tbody>\n");
            }
            o.push_str("<tr>");
            for c in 0..ncols {
                let cell = row.get(c).unwrap_or(&empty);
                let mut classes: Vec<&str> = Vec::new();
                if !header {
                    let align = cell
                        .align
                        .or_else(|| t.columns.get(c).map(|col| col.align))
                        .unwrap_or(CellAlign::Left);
                    classes.push(cell_align_class(align));
                    if cell.bold {
                        classes.push("b");
                    }
                }
                if cell.gap {
                    classes.push("gap");
                }
                let tag = if header { "th" } else { "td" };
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", classes.join(" "))
                };
                let _ = write!(o, "<{tag}{class}>{}</{tag}>", esc_br(&cell.text));
            }
            o.push_str("</tr>\n");
            if header && r + 1 == header_rows {
                o.push_str("</thead>\n");
            }
        }
        if header_rows < t.rows.len() {
            o.push_str("</tbody>\n");
        }
        o.push_str("</table>\n");
    }

    fn closing(&mut self, c: &Closing) {
        let o = &mut self.out;
        o.push_str("<table class=\"layout closing\">\n");
        let _ = writeln!(
            o,
            "<colgroup><col style=\"width: {CLOSING_LEFT_PCT}%\"><col style=\"width: {}%\"></colgroup>",
            100 - CLOSING_LEFT_PCT
        );
        o.push_str("<tr>\n<td class=\"recipients\">\n");
        let _ = writeln!(
            o,
            "<p class=\"recipients-label\">{}</p>",
            esc(&c.recipients_label)
        );
        for line in &c.recipients {
            let _ = writeln!(o, "<p class=\"recipient\">{}</p>", esc_br(line));
        }
        o.push_str("</td>\n<td class=\"signature\">\n");
        let _ = writeln!(
            o,
            "<p class=\"on-behalf\">{}</p>\n<p class=\"signer-title\">{}</p>",
            esc(&c.on_behalf.to_uppercase()),
            esc(&c.signer_title.to_uppercase())
        );
        for _ in 0..self.p.closing.signature_blank_lines {
            o.push_str("<p class=\"blank\">&nbsp;</p>\n");
        }
        let _ = writeln!(o, "<p class=\"signer-name\">{}</p>", esc(&c.signer_name));
        o.push_str("</td>\n</tr>\n</table>\n");
    }

    fn footnotes(&mut self) {
        if self.notes.is_empty() {
            return;
        }
        let o = &mut self.out;
        o.push_str("<section class=\"footnotes\" aria-label=\"Chú thích\">\n<ol>\n");
        for (i, note) in self.notes.iter().enumerate() {
            let n = i + 1;
            let _ = writeln!(
                o,
                "<li id=\"fn-{n}\">{} <a href=\"#fnref-{n}\" class=\"fn-back\" \
                 aria-label=\"Quay lại chỗ chú thích {n}\">↩</a></li>",
                esc_br(note)
            );
        }
        o.push_str("</ol>\n</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            esc("<script>alert('x')</script>&\u{7}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }

    #[test]
    fn scheme_classes_are_css_safe() {
        assert_eq!(scheme_class("upper-roman"), "h-upper-roman");
        assert_eq!(scheme_class("a b{}"), "h-a-b--");
    }
}
