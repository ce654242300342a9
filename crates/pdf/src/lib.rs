//! PDF exporter: the neutral [`Document`] laid out as the Party-format report, optionally as
//! PDF/A-2b, made inside the process.
//!
//! One source of truth, several exporters: this crate reads the same [`Document`] the DOCX
//! exporter writes, with the same layout profile. [`fonts`] picks a Vietnamese-complete serif
//! from the system's fonts (its only I/O); [`text`] sets lines as Word does (one glyph per
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

pub use fonts::{FontSource, VIETNAMESE_LETTERS};

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
    /// Vietnamese warnings: a substitute font, characters taken from another font.
    pub warnings: Vec<String>,
    /// The number of pages.
    pub pages: usize,
    /// The main font family the text is set in.
    pub font: String,
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "không tìm thấy phông chữ nào trên máy; cài phông Liberation Serif \
         (Debian/Ubuntu: apt-get install fonts-liberation2)"
    )]
    NoFonts,
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
/// See [`Error`]: no font, a character no installed font has, or a failure of the writer.
pub fn to_pdf(doc: &Document, profile: &Profile, opts: &PdfOptions) -> Result<Vec<u8>, Error> {
    render(doc, profile, opts).map(|pdf| pdf.bytes)
}

/// Like [`to_pdf`], also returning the warnings and facts a caller may show.
///
/// # Errors
/// See [`to_pdf`].
pub fn render(doc: &Document, profile: &Profile, opts: &PdfOptions) -> Result<Pdf, Error> {
    let chars = printed_chars(doc);
    let lib = fonts::FontLibrary::get(&opts.fonts);
    let sel = fonts::select(&lib, &profile.font.family, &chars)?;
    let mut shaper = text::Shaper::new(&sel)?;
    let laid = layout::layout(doc, profile, &mut shaper)?;
    let mut keywords = vec!["báo cáo".to_string(), profile.profile.id.clone()];
    if doc.meta.draft {
        keywords.push("dự thảo".to_string());
    }
    keywords.extend(sel.note.clone());
    let bytes = write::write(&laid, &sel, &doc.meta, &keywords, opts.pdfa)?;
    Ok(Pdf {
        bytes,
        warnings: sel.warnings.clone(),
        pages: laid.pages.len(),
        font: sel.main.clone(),
    })
}

/// Every character the document may print (with upper-case forms, for headings set in
/// capitals, and the digits of page and footnote numbers): what fonts are chosen for.
fn printed_chars(doc: &Document) -> BTreeSet<char> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<char>) {
        match v {
            serde_json::Value::String(s) => {
                for c in s.chars() {
                    out.insert(c);
                    out.extend(c.to_uppercase());
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out: BTreeSet<char> = ('0'..='9').collect();
    out.insert(' ');
    if let Ok(v) = serde_json::to_value(doc) {
        walk(&v, &mut out);
    }
    out.retain(|c| !c.is_control());
    out
}
