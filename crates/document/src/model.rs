//! The neutral document: what a report says, laid out in the Party document's parts, with no
//! knowledge of any file format. Exporters (DOCX, HTML, Markdown) take it with a layout profile.

use serde::Serialize;

/// A whole document: page-1 header, title, body, closing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub meta: Meta,
    pub header: Header,
    pub title: Title,
    pub body: Vec<Block>,
    pub closing: Closing,
    /// Annexes (phụ lục), printed after the closing, each starting on a new page (begin one with
    /// [`Block::Section`] to choose its orientation).
    pub annexes: Vec<Vec<Block>>,
}

/// Document properties. `date` is the document's own date (ISO `YYYY-MM-DD`), used as the fixed
/// creation time in file metadata so that the same input gives the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub date: String,
    /// True when the report is incomplete: exporters may mark the document as a draft.
    pub draft: bool,
}

/// The borderless two-column header table of page 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    /// Optional superior-body line above the issuer (upper case, not bold).
    pub superior: Option<String>,
    /// The issuing body, upper case: "TỈNH ỦY HÀ GIANG".
    pub issuer: String,
    /// "*" under the issuer.
    pub star: String,
    /// "Số 05-BC/TU" (a draft: "Số      -BC/TU").
    pub number: String,
    /// "ĐẢNG CỘNG SẢN VIỆT NAM".
    pub party_line: String,
    /// "Hà Giang, ngày 05 tháng 9 năm 2021" (italic).
    pub place_date: String,
}

/// "BÁO CÁO", the subject, and the rule under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Title {
    pub kind: String,
    pub subject: String,
    pub rule: String,
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// An outline heading. `scheme` keys the profile's heading style ("upper-letter",
    /// "upper-roman", "arabic-1", "arabic-2", "arabic-3", "arabic-4", "lower-letter",
    /// "paren-arabic"); `label` is the generated number with its separator ("1.1-", "a)"),
    /// empty for an unnumbered heading.
    Heading {
        scheme: String,
        label: String,
        inlines: Vec<Inline>,
    },
    /// A paragraph of running text.
    Paragraph {
        style: ParaStyle,
        inlines: Vec<Inline>,
    },
    /// A table, optionally with an "Đơn vị tính: …" caption above it.
    Table(Table),
    /// What follows starts on a new page, in portrait or landscape (wide tables, annexes).
    Section { landscape: bool },
    /// A bar chart of whole numbers (a native chart in DOCX, SVG in HTML, bars in PDF, its table
    /// in Markdown).
    Chart(Chart),
}

/// A horizontal bar chart: one bar (or one bar per series) for each category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    pub categories: Vec<String>,
    /// One or more series, each with one value per category.
    pub series: Vec<Series>,
}

/// A series of a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

impl Chart {
    /// The largest value of any series, at least 1: what a bar the full length stands for.
    pub fn max_value(&self) -> i64 {
        self.series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// The chart's figures as a table (title as caption), for outputs that draw no charts.
    pub fn as_table(&self) -> Table {
        let n = self.series.len();
        let mut columns = vec![Column {
            align: CellAlign::Left,
        }];
        columns.extend((0..n).map(|_| Column {
            align: CellAlign::Right,
        }));
        let mut header = vec![Cell::bold("")];
        header.extend(self.series.iter().map(|s| Cell::bold(s.name.clone())));
        let mut rows = vec![header];
        for (i, c) in self.categories.iter().enumerate() {
            let mut row = vec![Cell::text(c.clone())];
            row.extend(self.series.iter().map(|s| {
                Cell::text(
                    s.values
                        .get(i)
                        .map(|v| vi::format_int(*v))
                        .unwrap_or_default(),
                )
            }));
            rows.push(row);
        }
        Table {
            caption: Some(self.title.clone()),
            columns,
            header_rows: 1,
            rows,
        }
    }
}

/// Paragraph styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParaStyle {
    /// Justified, first-line indent.
    Body,
    /// Justified, no first-line indent.
    Plain,
    /// Centred.
    Center,
}

/// Inline content of a paragraph or heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Inline {
    Text(String),
    Bold(String),
    Italic(String),
    /// A footnote reference here; the note's text. Numbered through the document by exporters.
    Footnote(String),
    /// A visible gap where the report has no answer yet (e.g. "[chưa nhập]"): exporters show it
    /// highlighted so a working draft can be printed.
    Gap(String),
}

/// A table. The first `header_rows` rows are headers (bold, centred, repeated on new pages).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// "Đơn vị tính: người", italic and right-aligned above the table.
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub header_rows: usize,
    pub rows: Vec<Vec<Cell>>,
}

/// A table column. Its width follows from the content: see [`crate::widths`], which every
/// exporter uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub align: CellAlign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CellAlign {
    Left,
    Center,
    Right,
}

/// A table cell. `align` overrides the column's alignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub text: String,
    pub bold: bool,
    pub align: Option<CellAlign>,
    /// A gap (no answer yet), shown highlighted.
    pub gap: bool,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            bold: false,
            align: None,
            gap: false,
        }
    }
    pub fn bold(s: impl Into<String>) -> Cell {
        Cell {
            bold: true,
            ..Cell::text(s)
        }
    }
    pub fn gap(s: impl Into<String>) -> Cell {
        Cell {
            gap: true,
            ..Cell::text(s)
        }
    }
}

/// The closing two-column table: "Nơi nhận" on the left, the signature block on the right.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Closing {
    /// "T/M BAN THƯỜNG VỤ".
    pub on_behalf: String,
    /// "BÍ THƯ" or "PHÓ BÍ THƯ".
    pub signer_title: String,
    /// The signer's name (bold), or a gap.
    pub signer_name: String,
    /// "Nơi nhận:".
    pub recipients_label: String,
    /// One line each, already starting with "- ".
    pub recipients: Vec<String>,
}

/// Splits inlines at "\n" into the inlines of separate paragraphs (each piece keeps its
/// formatting; footnotes stay where they were). Every exporter breaks lines this way.
pub fn split_lines(inlines: &[Inline]) -> Vec<Vec<Inline>> {
    let mut lines = vec![Vec::new()];
    for inline in inlines {
        let (text, make): (&str, fn(String) -> Inline) = match inline {
            Inline::Text(s) => (s, Inline::Text),
            Inline::Bold(s) => (s, Inline::Bold),
            Inline::Italic(s) => (s, Inline::Italic),
            Inline::Gap(s) => (s, Inline::Gap),
            Inline::Footnote(_) => {
                if let Some(line) = lines.last_mut() {
                    line.push(inline.clone());
                }
                continue;
            }
        };
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if let Some(line) = lines.last_mut() {
                if !piece.is_empty() {
                    line.push(make(piece.to_string()));
                }
            }
        }
    }
    lines
}

/// The heading schemes from the outermost to the innermost (A-, I-, 1-, 1.1-, 1.1.1-, 1.1.1.1-,
/// a), (1)).
pub const HEADING_SCHEMES: [&str; 8] = [
    "upper-letter",
    "upper-roman",
    "arabic-1",
    "arabic-2",
    "arabic-3",
    "arabic-4",
    "lower-letter",
    "paren-arabic",
];

/// How deep a heading scheme sits (0 for "upper-letter"), if it is one of [`HEADING_SCHEMES`].
pub fn heading_depth(scheme: &str) -> Option<usize> {
    HEADING_SCHEMES.iter().position(|s| *s == scheme)
}

impl Table {
    /// The number of columns: the widest row, or the declared columns if more.
    pub fn column_count(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .chain([self.columns.len()])
            .max()
            .unwrap_or(0)
    }
}
