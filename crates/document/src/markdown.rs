//! Markdown exporter: a [`Document`] as readable (GitHub-flavoured) Markdown.
//!
//! The header lines, the title, headings as bold/italic paragraphs with their labels, body
//! paragraphs, tables as pipe tables, footnotes as `[^n]` with their definitions at the end, and
//! the closing. Gaps are shown as `<mark>…</mark>`. Text is escaped so that it cannot turn into
//! Markdown or HTML markup. Deterministic.
//!
//! Markdown has no layout profile: headings take the emphasis of FORMAT.md's default mapping
//! (`A-`, `I-` bold upper case; `1-` bold; `1.1-` bold italic; `1.1.1-` italic; others upright).

use std::fmt::Write as _;

use crate::model::split_lines;
use crate::model::{Block, Cell, CellAlign, Closing, Document, Header, Inline, Table};

/// Writes `doc` as Markdown.
pub fn to_markdown(doc: &Document) -> String {
    let mut w = MdWriter {
        out: String::new(),
        notes: Vec::new(),
    };
    w.header(&doc.header);
    w.title(doc);
    w.blocks(&doc.body);
    w.closing(&doc.closing);
    for annex in &doc.annexes {
        w.blocks(annex);
    }
    w.footnotes();
    let mut out = w.out.trim_end().to_string();
    out.push('\n');
    out
}

/// Escapes Markdown and HTML punctuation; drops control characters other than tab and newline.
fn md_esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\t' | '\n' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` between `mark`s, with its outer spaces kept outside (where emphasis would not parse).
fn wrap(text: &str, mark: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return text.to_string();
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    format!("{lead}{mark}{trimmed}{mark}{trail}")
}

/// A line of escaped text, a hard line break at each "\n".
fn lines_br(s: &str) -> String {
    md_esc(s).replace('\n', "  \n")
}

/// Emphasis of headings by numbering scheme: (bold, italic, upper case).
fn heading_emphasis(scheme: &str) -> (bool, bool, bool) {
    match scheme {
        "upper-letter" | "upper-roman" => (true, false, true),
        "arabic-1" => (true, false, false),
        "arabic-2" => (true, true, false),
        "arabic-3" => (false, true, false),
        _ => (false, false, false),
    }
}

struct MdWriter {
    out: String,
    notes: Vec<String>,
}

impl MdWriter {
    /// Writes blocks of the body or an annex.
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Heading {
                    scheme,
                    label,
                    inlines,
                } => self.heading(scheme, label, inlines),
                Block::Paragraph { inlines, .. } => self.paragraph(inlines),
                Block::Table(table) => self.table(table),
                Block::Chart(chart) => self.table(&chart.as_table()),
                Block::Section { .. } => self.rule(),
            }
        }
    }

    /// A section break (new page) shown as a thematic break.
    fn rule(&mut self) {
        self.out.push_str("\n---\n\n");
    }

    fn header(&mut self, h: &Header) {
        let mut left: Vec<String> = Vec::new();
        if let Some(sup) = h.superior.as_deref().filter(|s| !s.trim().is_empty()) {
            left.push(md_esc(&sup.to_uppercase()));
        }
        left.push(wrap(&md_esc(&h.issuer.to_uppercase()), "**"));
        left.push(md_esc(&h.star));
        left.push(md_esc(&h.number));
        let _ = writeln!(self.out, "{}\n", left.join("  \n"));
        let _ = writeln!(
            self.out,
            "{}  \n{}\n",
            wrap(&md_esc(&h.party_line.to_uppercase()), "**"),
            wrap(&md_esc(&h.place_date), "*")
        );
    }

    fn title(&mut self, doc: &Document) {
        let _ = writeln!(self.out, "# {}\n", md_esc(&doc.title.kind.to_uppercase()));
        let _ = writeln!(self.out, "{}\n", wrap(&lines_br(&doc.title.subject), "**"));
        let rule = doc.title.rule.trim();
        if rule.len() >= 3 && rule.chars().all(|c| c == '-') {
            // A thematic break: the rule under the subject.
            let _ = writeln!(self.out, "{rule}\n");
        } else if !rule.is_empty() {
            let _ = writeln!(self.out, "{}\n", md_esc(rule));
        }
    }

    fn heading(&mut self, scheme: &str, label: &str, inlines: &[Inline]) {
        let (bold, italic, upper) = heading_emphasis(scheme);
        let case = |s: &str| {
            if upper {
                s.to_uppercase()
            } else {
                s.to_string()
            }
        };
        // Inside the heading's own emphasis, inline bold/italic are written as plain text.
        let mut text = String::new();
        if !label.is_empty() {
            text.push_str(&md_esc(&case(label)));
            if !inlines.is_empty() {
                text.push(' ');
            }
        }
        for inline in inlines {
            match inline {
                Inline::Text(s) | Inline::Bold(s) | Inline::Italic(s) => {
                    text.push_str(&lines_br(&case(s)))
                }
                other => text.push_str(&self.inline(other)),
            }
        }
        let mark = match (bold, italic) {
            (true, true) => "***",
            (true, false) => "**",
            (false, true) => "*",
            (false, false) => "",
        };
        let _ = writeln!(self.out, "{}\n", wrap(&text, mark));
    }

    fn paragraph(&mut self, inlines: &[Inline]) {
        for line in split_lines(inlines) {
            let text: String = line.iter().map(|i| self.inline(i)).collect();
            let _ = writeln!(self.out, "{}\n", text.trim_end());
        }
    }

    fn inline(&mut self, inline: &Inline) -> String {
        match inline {
            Inline::Text(s) => lines_br(s),
            Inline::Bold(s) => wrap(&lines_br(s), "**"),
            Inline::Italic(s) => wrap(&lines_br(s), "*"),
            Inline::Gap(s) => format!("<mark>{}</mark>", md_esc(s)),
            Inline::Footnote(note) => {
                self.notes.push(note.clone());
                format!("[^{}]", self.notes.len())
            }
        }
    }

    fn table(&mut self, t: &Table) {
        let ncols = t.column_count();
        if ncols == 0 || t.rows.is_empty() {
            return;
        }
        if let Some(caption) = &t.caption {
            let _ = writeln!(self.out, "{}\n", wrap(&md_esc(caption), "*"));
        }
        let empty = Cell::text("");
        let cell_md = |cell: &Cell, bold: bool| {
            let text = md_esc(cell.text.trim()).replace('\n', "<br>");
            let text = if bold { wrap(&text, "**") } else { text };
            if cell.gap && !text.is_empty() {
                format!("<mark>{text}</mark>")
            } else {
                text
            }
        };
        let row_md = |row: &[Cell], bold: bool| {
            let cells: Vec<String> = (0..ncols)
                .map(|c| {
                    cell_md(
                        row.get(c).unwrap_or(&empty),
                        bold || row.get(c).is_some_and(|x| x.bold),
                    )
                })
                .collect();
            format!("| {} |", cells.join(" | "))
        };
        let mut rows = t.rows.iter();
        let first = if t.header_rows > 0 {
            rows.next().map(|r| row_md(r, false))
        } else {
            None
        };
        let head = first.unwrap_or_else(|| format!("|{}", " |".repeat(ncols)));
        let _ = writeln!(self.out, "{head}");
        let aligns: Vec<&str> = (0..ncols)
            .map(|c| match t.columns.get(c).map(|col| col.align) {
                Some(CellAlign::Center) => ":---:",
                Some(CellAlign::Right) => "---:",
                _ => ":---",
            })
            .collect();
        let _ = writeln!(self.out, "| {} |", aligns.join(" | "));
        // Header rows after the first are written bold.
        for (i, row) in rows.enumerate() {
            let bold = i + 1 < t.header_rows;
            let _ = writeln!(self.out, "{}", row_md(row, bold));
        }
        self.out.push('\n');
    }

    fn closing(&mut self, c: &Closing) {
        let _ = writeln!(
            self.out,
            "{}  \n{}\n",
            wrap(&md_esc(&c.on_behalf.to_uppercase()), "**"),
            md_esc(&c.signer_title.to_uppercase())
        );
        let _ = writeln!(self.out, "{}\n", wrap(&md_esc(&c.signer_name), "**"));
        let _ = writeln!(self.out, "{}\n", md_esc(&c.recipients_label));
        let lines: Vec<String> = c.recipients.iter().map(|l| lines_br(l)).collect();
        if !lines.is_empty() {
            let _ = writeln!(self.out, "{}\n", lines.join("  \n"));
        }
    }

    fn footnotes(&mut self) {
        for (i, note) in self.notes.iter().enumerate() {
            let text = md_esc(note).replace('\n', "\n    ");
            let _ = writeln!(self.out, "[^{}]: {text}", i + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(md_esc("a|b *c* <x>"), "a\\|b \\*c\\* \\<x\\>");
    }

    #[test]
    fn wrap_keeps_spaces_outside() {
        assert_eq!(wrap(" đậm ", "**"), " **đậm** ");
        assert_eq!(wrap("  ", "**"), "  ");
    }
}
