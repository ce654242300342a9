//! PDF exporter: the neutral [`Document`] laid out as the Party-format report, optionally as
//! PDF/A-2b, made inside the process.
//!
//! One source of truth, several exporters: this crate reads the same [`Document`] the DOCX
//! exporter writes, with the same layout profile. [`fonts`] picks a Vietnamese-complete serif
//! from the system's fonts (its only I/O), else the Liberation Serif bundled in the crate; [`text`] sets lines as Word does (one glyph per
//! character, first-fit breaking at spaces, justification by stretching spaces); [`layout`]
//! composes the Party layout into pages; [`write`] writes them as PDF with pdf-writer (fonts
//! subset by subsetter, metadata in the information dictionary and XMP, PDF/A-2b on request).
//!
//! Deterministic: the same document and fonts give the same bytes (the creation date and the
//! document identifier come from the document, never from the clock).

pub mod fonts;
pub mod layout;
pub mod text;
pub mod write;

use std::collections::BTreeSet;

use document::Document;
use outline::Profile;

pub use fonts::{FontSource, BUNDLED_FAMILY, VIETNAMESE_LETTERS};

/// What a PDF is made with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfOptions {
    /// PDF/A-2b (archival): the pdfaid identification in the XMP metadata and an sRGB output
    /// intent (fonts are always embedded, metadata always written, nothing transparent ever
    /// drawn).
    pub pdfa: bool,
    /// Where the fonts come from (default: the system's).
    pub fonts: FontSource,
}

/// A PDF and what the user should know about it.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    /// Vietnamese warnings: characters taken from another font.
    pub warnings: Vec<String>,
    /// The number of pages.
    pub pages: usize,
    /// The main font family the text is set in.
    pub font: String,
    /// True when it is the Liberation Serif bundled in the program (the system has neither the
    /// profile's family nor a metric-compatible one).
    pub bundled_font: bool,
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "không phông chữ nào trên máy có các ký tự: {0} (văn bản PDF sẽ thiếu chữ nên không \
         xuất); cài thêm phông có các ký tự đó"
    )]
    MissingGlyphs(String),
    #[error("không dàn trang được văn bản PDF: {0}")]
    Layout(String),
    #[error("không ghi được tệp PDF: {0}")]
    Write(String),
}

/// Writes `doc` as a PDF laid out by `profile`.
///
/// # Errors
/// See [`Error`]: a character no font has, or a failure of the writer.
pub fn to_pdf(doc: &Document, profile: &Profile, opts: &PdfOptions) -> Result<Vec<u8>, Error> {
    render(doc, profile, opts).map(|pdf| pdf.bytes)
}

/// Like [`to_pdf`], also returning the warnings and facts a caller may show.
///
/// # Errors
/// See [`to_pdf`].
pub fn render(doc: &Document, profile: &Profile, opts: &PdfOptions) -> Result<Pdf, Error> {
    let chars = printed_chars(doc);
    let sel = fonts::select_source(&opts.fonts, &profile.font.family, &chars)?;
    let mut shaper = text::Shaper::new(&sel)?;
    let laid = layout::layout(doc, profile, &mut shaper)?;
    let mut keywords = vec!["báo cáo".to_string(), profile.profile.id.clone()];
    if doc.meta.draft {
        keywords.push("dự thảo".to_string());
    }
    let bytes = write::write(&laid, &sel, &doc.meta, &keywords, opts.pdfa)?;
    Ok(Pdf {
        bytes,
        warnings: sel.warnings.clone(),
        pages: laid.pages.len(),
        font: sel.main.clone(),
        bundled_font: sel.bundled,
    })
}

/// Every character the document may print (with upper-case forms, for headings set in
/// capitals, and the digits of page and footnote numbers): what fonts are chosen for.
fn printed_chars(doc: &Document) -> BTreeSet<char> {
    use document::{Block, Inline};
    let mut seen = Chars::default();
    let m = &doc.meta;
    for s in [&m.title, &m.author, &m.subject] {
        seen.add(s);
    }
    let h = &doc.header;
    for s in [&h.issuer, &h.star, &h.number, &h.party_line, &h.place_date] {
        seen.add(s);
    }
    if let Some(s) = &h.superior {
        seen.add(s);
    }
    for s in [&doc.title.kind, &doc.title.subject, &doc.title.rule] {
        seen.add(s);
    }
    let c = &doc.closing;
    for s in [
        &c.on_behalf,
        &c.signer_title,
        &c.signer_name,
        &c.recipients_label,
    ] {
        seen.add(s);
    }
    for s in &c.recipients {
        seen.add(s);
    }
    let inlines = |seen: &mut Chars, inl: &[Inline]| {
        for i in inl {
            match i {
                Inline::Text(s)
                | Inline::Bold(s)
                | Inline::Italic(s)
                | Inline::Footnote(s)
                | Inline::Gap(s) => seen.add(s),
            }
        }
    };
    for b in doc.body.iter().chain(doc.annexes.iter().flatten()) {
        match b {
            Block::Heading {
                label, inlines: i, ..
            } => {
                seen.add(label);
                inlines(&mut seen, i);
            }
            Block::Paragraph { inlines: i, .. } => inlines(&mut seen, i),
            Block::Table(t) => {
                if let Some(c) = &t.caption {
                    seen.add(c);
                }
                for cell in t.rows.iter().flatten() {
                    seen.add(&cell.text);
                }
            }
            Block::Chart(ch) => {
                seen.add(&ch.title);
                for s in &ch.categories {
                    seen.add(s);
                }
                for s in &ch.series {
                    seen.add(&s.name);
                }
                seen.add("-0123456789.");
            }
            Block::Section { .. } => {}
        }
    }
    seen.finish()
}

/// A set of characters: a table for the common ones, a set for the rest.
struct Chars {
    low: Vec<bool>,
    high: BTreeSet<char>,
}

impl Default for Chars {
    fn default() -> Chars {
        let mut c = Chars {
            low: vec![false; 0x2100],
            high: BTreeSet::new(),
        };
        c.add("0123456789 ");
        c
    }
}

impl Chars {
    fn add(&mut self, s: &str) {
        for ch in s.chars().filter(|&c| layout::printed(c)) {
            match self.low.get_mut(ch as usize) {
                Some(slot) => *slot = true,
                None => {
                    self.high.insert(ch);
                }
            }
        }
    }

    /// The set, with every character's upper-case forms, without control characters.
    fn finish(self) -> BTreeSet<char> {
        let mut out: BTreeSet<char> = self
            .low
            .iter()
            .enumerate()
            .filter(|(_, on)| **on)
            .filter_map(|(i, _)| char::from_u32(i as u32))
            .chain(self.high)
            .collect();
        let upper: Vec<char> = out.iter().flat_map(|c| c.to_uppercase()).collect();
        out.extend(upper);
        out.retain(|c| !c.is_control());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_characters_include_upper_case_forms_and_digits() {
        let mut c = Chars::default();
        c.add("tỉnh ủy ⅓\u{7}");
        let set = c.finish();
        for ch in ['t', 'ỉ', 'Ỉ', 'Ủ', 'Y', '⅓', '0', '9', ' '] {
            assert!(set.contains(&ch), "{ch:?}");
        }
        assert!(!set.contains(&'\u{7}'));
    }
}
