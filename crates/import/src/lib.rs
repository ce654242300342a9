//! A Word report into the outline: [`import()`] reads a DOCX a province wrote (or one baocao
//! printed) and returns a draft [`report::Report`] against the template, with a [`Placement`]
//! report saying, for every outline item, where its content came from (paragraph and table
//! numbers, the heading as written), which values were taken from sentences and need confirming
//! ("cần xác nhận"), and every paragraph or table that could not be placed, in document order.
//! Nothing is dropped silently.
//!
//! Pure: no I/O, no clock; the same bytes give the same result. The DOCX is read safely
//! ([`docx`]): Word 97 files, encrypted files, zip bombs, DTDs and absurd nesting are refused with
//! a Vietnamese message. Text in TCVN3 (ABC) or VNI fonts is converted to Unicode by its font, and
//! legacy text that lost its font is detected ([`vi::detect_legacy`]).
//!
//! [`outline`] goes the other way: it reads an outline itself (the BTCTW's đề cương, DOCX or
//! text) into a proposed template, for `baocao template import`.
//!
//! What an item is comes from the template (headings' text and numbering scheme, items' answer
//! types and roles, the catalogue of models), never from KL74's item ids.

pub mod docx;
pub mod outline;
mod place;
mod text;

use serde::Serialize;

pub use place::import_body;

/// Errors that stop an import: the file could not be read as a Word report.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error(
        "đây là tệp Word 97-2003 (.doc), chương trình chỉ đọc được .docx. Mở tệp trong Word, \
         chọn Tệp → Lưu thành (File → Save As), ở ô “Kiểu tệp” chọn “Tài liệu Word (*.docx)”, \
         lưu rồi nhập lại tệp .docx"
    )]
    Doc97,
    #[error(
        "tệp Word này được đặt mật khẩu (mã hóa), chương trình không đọc được. Mở tệp trong Word, \
         bỏ mật khẩu (Tệp → Thông tin → Bảo vệ tài liệu → Mã hóa bằng mật khẩu, xóa mật khẩu), \
         lưu lại rồi nhập lại"
    )]
    Encrypted,
    #[error("tệp không phải văn bản Word (.docx) hoặc đã bị hỏng")]
    NotDocx,
    #[error("tệp quá lớn ({size} byte; tối đa {max} byte). Hãy bỏ bớt hình ảnh hoặc chia văn bản")]
    TooLarge { size: usize, max: usize },
    #[error(
        "tệp bị từ chối: khi giải nén, tệp phình to bất thường (nghi là “bom nén”); \
         văn bản Word thật không như vậy"
    )]
    Bomb,
    #[error("tệp bị từ chối: nội dung XML có khai báo DTD hoặc thực thể, văn bản Word không dùng")]
    Dtd,
    #[error("tệp bị từ chối: nội dung XML lồng nhau quá sâu (quá {0} cấp)")]
    TooDeep(usize),
    #[error("nội dung XML của tệp bị lỗi: {0}")]
    Xml(String),
    #[error("không có tỉnh, thành phố mã “{0}” (mã gồm 2 chữ số, ví dụ 02 là Hà Giang)")]
    UnknownProvince(String),
    #[error("không đọc được danh mục đơn vị hành chính")]
    Units,
}

/// Where something in the Word file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "number", rename_all = "lowercase")]
pub enum Source {
    /// A paragraph of the body (1-based, paragraphs inside tables not counted).
    Paragraph(usize),
    /// A table (1-based).
    Table(usize),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Paragraph(n) => write!(f, "đoạn {n}"),
            Source::Table(n) => write!(f, "bảng {n}"),
        }
    }
}

/// An outline item and where its content came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placed {
    /// The template node's id.
    pub item: String,
    /// The instance id of the repeated block it is in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The place in outline terms ("B.I.1.1.2") with the item's first words.
    pub place: String,
    /// The heading as written in the Word file, when one was recognised for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Paragraphs and tables whose content went into this item.
    pub sources: Vec<Source>,
    /// True when the item asks for an answer and got none from the file.
    pub empty: bool,
    /// Parts of the answer the file did not give (rows of a figures table, required columns of
    /// a record, number or date of a document reference), in Vietnamese.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// A value taken from a sentence, to be confirmed by the drafter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToConfirm {
    pub item: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    pub place: String,
    /// What was taken, in Vietnamese ("Số đầu mối: trước 14, sau 13").
    pub what: String,
    pub source: Source,
}

/// Text that could not be placed in the outline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unplaced {
    pub source: Source,
    pub text: String,
}

/// The placement report.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Placement {
    /// Every answerable outline item of the draft, in outline order.
    pub items: Vec<Placed>,
    /// Values taken from sentences ("cần xác nhận").
    pub to_confirm: Vec<ToConfirm>,
    /// Everything not placed, in document order.
    pub unplaced: Vec<Unplaced>,
    /// What else the drafter should know (tracked changes accepted, comments ignored, legacy
    /// text converted), in Vietnamese.
    pub notes: Vec<String>,
    /// Paragraphs and tables read (non-empty), for the record.
    pub paragraphs: usize,
    pub tables: usize,
}

impl Placement {
    /// The placement report as Vietnamese text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "Đã đọc {} đoạn văn và {} bảng.\n",
            self.paragraphs, self.tables
        ));
        for n in &self.notes {
            s.push_str(&format!("Lưu ý: {n}\n"));
        }
        s.push_str("\nNội dung theo mục của đề cương:\n");
        for p in &self.items {
            let sources: Vec<String> = p.sources.iter().map(Source::to_string).collect();
            let heading = p
                .heading
                .as_ref()
                .map(|h| format!(" (đề mục trong tệp: “{h}”)"))
                .unwrap_or_default();
            let line = match (p.empty, sources.is_empty()) {
                (true, true) => "chưa có nội dung trong tệp".to_string(),
                (true, false) => format!(
                    "chưa có nội dung, chỉ có đề mục ở {}{heading}",
                    sources.join(", ")
                ),
                (false, false) => format!("từ {}{heading}", sources.join(", ")),
                (false, true) => format!("từ đề mục{heading}"),
            };
            s.push_str(&format!("  {}: {line}\n", p.place));
            if !p.missing.is_empty() {
                s.push_str(&format!("    còn thiếu: {}\n", p.missing.join("; ")));
            }
        }
        if !self.to_confirm.is_empty() {
            s.push_str("\nCần xác nhận (số liệu lấy từ câu văn):\n");
            for c in &self.to_confirm {
                s.push_str(&format!("  {} ({}): {}\n", c.place, c.source, c.what));
            }
        }
        if self.unplaced.is_empty() {
            s.push_str("\nMọi nội dung của tệp đã được đưa vào đề cương.\n");
        } else {
            s.push_str(&format!(
                "\nChưa xếp được vào mục nào ({}):\n",
                self.unplaced.len()
            ));
            for u in &self.unplaced {
                s.push_str(&format!("  {}: {}\n", u.source, vi::shorten(&u.text, 120)));
            }
        }
        s
    }
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The draft report (validate it with `Options::draft`).
    pub report: report::Report,
    pub placement: Placement,
}

/// Imports a Word report (DOCX bytes) for the province with this GSO code, against `template`.
pub fn import(
    docx_bytes: &[u8],
    template: &::outline::Template,
    province: &str,
) -> Result<Import, ImportError> {
    let units = units::Units::embedded().map_err(|_| ImportError::Units)?;
    let p = units
        .province(province)
        .ok_or_else(|| ImportError::UnknownProvince(province.to_string()))?;
    let body = docx::read(docx_bytes)?;
    Ok(import_body(&body, template, units, p))
}
