//! PDF exporter: the neutral [`Document`] laid out as the Party-format report, optionally as
//! PDF/A-2b, made inside the process with typst used as a library.
//!
//! One source of truth, several exporters: this crate reads the same [`Document`] the DOCX
//! exporter writes, with the same layout profile. [`data`] turns both into JSON; a fixed typst
//! template (`report.typ`, compiled into the binary) lays that data out. No text of a report is
//! ever parsed as markup: texts reach typst only as JSON strings shown as string values.
//!
//! The typst world this crate gives the compiler has three files (the template, the data, the
//! images of the document) and the fonts chosen by [`fonts`]; it reads no other file and
//! never touches the network. Reading font files is this crate's only I/O.
//!
//! Deterministic: the same document and fonts give the same bytes (the creation date and the
//! document identifier come from the document, never from the clock).

pub mod data;
pub mod fonts;

use std::sync::LazyLock;

use document::Document;
use outline::Profile;
use serde_json::json;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

pub use fonts::{FontSource, VIETNAMESE_LETTERS};

/// The typst template that lays out the report.
const TEMPLATE: &str = include_str!("report.typ");

/// What a PDF is made with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfOptions {
    /// PDF/A-2b (archival): fonts embedded, XMP metadata, no transparency groups the standard
    /// forbids; checked by typst's PDF writer.
    pub pdfa: bool,
    /// Where the fonts come from (default: the system's).
    pub fonts: FontSource,
}

/// A PDF and what the user should know about it.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    /// Vietnamese warnings: a substitute font, characters taken from another font, and any
    /// warning of the typesetter (none is expected: tests treat one as a failure).
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
/// See [`Error`]: no font, a character no installed font has, or a failure of the typesetter.
pub fn to_pdf(doc: &Document, profile: &Profile, opts: &PdfOptions) -> Result<Vec<u8>, Error> {
    render(doc, profile, opts).map(|pdf| pdf.bytes)
}

/// Like [`to_pdf`], also returning the warnings and facts a caller may show.
///
/// # Errors
/// See [`to_pdf`].
pub fn render(doc: &Document, profile: &Profile, opts: &PdfOptions) -> Result<Pdf, Error> {
    let mut b = data::DataBuilder::new(profile);
    let mut value = b.document(doc);
    let lib = fonts::FontLibrary::get(&opts.fonts);
    let sel = fonts::select(&lib, &profile.font.family, &b.chars.0)?;
    let mut keywords = vec!["báo cáo".to_string(), profile.profile.id.clone()];
    if doc.meta.draft {
        keywords.push("dự thảo".to_string());
    }
    keywords.extend(sel.note.clone());
    value["font"] = json!({
        "families": sel.families,
        "ascent": sel.ascent,
        "descent": sel.descent,
        "keywords": keywords,
    });
    let data = serde_json::to_vec(&value).map_err(|e| Error::Layout(e.to_string()))?;

    let world = ReportWorld::new(data, std::mem::take(&mut b.images), &sel.fonts)?;
    let warned = typst::compile::<PagedDocument>(&world);
    let mut warnings = sel.warnings.clone();
    warnings.extend(warned.warnings.iter().map(|w| diagnostic(&world, w)));
    let paged = warned.output.map_err(|errs| {
        Error::Layout(
            errs.iter()
                .map(|e| diagnostic(&world, e))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;

    // The safety net under font selection: no glyph may be missing from the pages.
    let mut missing = std::collections::BTreeSet::new();
    for page in paged.pages() {
        missing_glyphs(&page.frame, &mut missing);
    }
    if !missing.is_empty() {
        return Err(Error::MissingGlyphs(missing.into_iter().collect()));
    }

    let standards = if opts.pdfa {
        typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
            .map_err(|e| Error::Write(e.message().to_string()))?
    } else {
        typst_pdf::PdfStandards::default()
    };
    let timestamp = date(&doc.meta.date).map(typst_pdf::Timestamp::new_utc);
    let pdf_opts = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!(
            "baocao|{}|{}|{}|{}",
            doc.meta.author, doc.meta.title, doc.meta.subject, doc.meta.date
        )),
        creator: Smart::Custom(Some("baocao".to_string())),
        timestamp,
        standards,
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&paged, &pdf_opts).map_err(|errs| {
        Error::Write(
            errs.iter()
                .map(|e| diagnostic(&world, e))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let pages = paged.pages().len();
    // Typst memoises layouts across compilations; a long-running process must not keep them.
    typst::comemo::evict(0);
    Ok(Pdf {
        bytes,
        warnings,
        pages,
        font: sel.main,
    })
}

/// `YYYY-MM-DD` as a typst date at midnight UTC.
fn date(iso: &str) -> Option<Datetime> {
    let mut it = iso.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    Datetime::from_ymd_hms(y, m, d, 0, 0, 0)
}

/// Characters shown with the missing-glyph box, collected from a frame and its groups.
fn missing_glyphs(frame: &Frame, out: &mut std::collections::BTreeSet<char>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => missing_glyphs(&g.frame, out),
            FrameItem::Text(t) => {
                for g in t.glyphs.iter().filter(|g| g.id == 0) {
                    out.extend(
                        t.text
                            .get(g.range())
                            .unwrap_or_default()
                            .chars()
                            .filter(|c| !c.is_whitespace()),
                    );
                }
            }
            _ => {}
        }
    }
}

/// A typst diagnostic as one line: the message, with the template line it points at.
fn diagnostic(world: &ReportWorld, d: &SourceDiagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "lỗi",
        Severity::Warning => "cảnh báo",
    };
    let line = d
        .span
        .id()
        .filter(|id| *id == world.main)
        .and_then(|_| world.range(d.span))
        .map(|r| {
            let line = TEMPLATE[..r.start.min(TEMPLATE.len())].lines().count();
            format!(" (report.typ dòng {line})")
        })
        .unwrap_or_default();
    let hints = d
        .hints
        .iter()
        .map(|h| format!("; {}", h.v))
        .collect::<String>();
    format!("typst {kind}: {}{line}{hints}", d.message)
}

use typst::WorldExt as _;

/// The standard library, built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The world typst compiles in: the template, the data, the images and the chosen fonts;
/// nothing else exists in it.
struct ReportWorld {
    main: FileId,
    source: Source,
    data_id: FileId,
    data: Bytes,
    images: Vec<(FileId, Bytes)>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl ReportWorld {
    fn new(
        data: Vec<u8>,
        images: Vec<(String, Vec<u8>)>,
        fonts: &[Font],
    ) -> Result<ReportWorld, Error> {
        let bad = |p: &str| Error::Layout(format!("đường dẫn ảo không hợp lệ: {p}"));
        let main = file_id("/report.typ").ok_or_else(|| bad("/report.typ"))?;
        let data_id = file_id("/data.json").ok_or_else(|| bad("/data.json"))?;
        let images = images
            .into_iter()
            .map(|(p, bytes)| Ok((file_id(&p).ok_or_else(|| bad(&p))?, Bytes::new(bytes))))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(ReportWorld {
            main,
            source: Source::new(main, TEMPLATE.to_string()),
            data_id,
            data: Bytes::new(data),
            images,
            book: LazyHash::new(FontBook::from_fonts(fonts)),
            fonts: fonts.to_vec(),
        })
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if id == self.main {
            return Ok(Bytes::from_string(self.source.text().to_string()));
        }
        self.images
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, b)| b.clone())
            .ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // No clock: a template that asks for today's date fails instead of varying.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_midnight_timestamps() {
        assert!(date("2021-09-05").is_some());
        assert!(date("2021-02-30").is_none());
        assert!(date("").is_none());
    }
}
