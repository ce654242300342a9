//! National consolidation: many province reports -> tables by family, level and model type,
//! a table per province, lists (ended pilots, models outside the catalogue), the reporting state,
//! and each narrative item's text from every province side by side; and the level below it,
//! a province's report filled from its districts' sheets ([`rollup`]), whose provenance the
//! national figures carry down to the district sheet.
//!
//! Everything is computed from the template's *roles* (status, end date, districts, figures,
//! proposal…), never from item ids, so another outline consolidates the same way. Figures are
//! exact integers and each carries the list of (province, version, item) it was summed from.
//!
//! Totals of a group count provinces and districts once each (distinct); all other totals are
//! sums over model types. Pure: no I/O (only [`xlsx::workbook`] uses temporary files, to stream
//! its rows). Outputs: [`document::document`] (the BTCTW's report as a neutral document for the
//! DOCX/HTML exporters) and [`xlsx::workbook`].

mod compute;
pub mod document;
mod model;
mod narrative;
pub mod rollup;
pub mod search;
pub mod xlsx;

pub use compute::{consolidate, Source};
pub use model::*;
pub use narrative::NarrativeFilter;

/// Errors of consolidation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("báo cáo của tỉnh, thành phố mã {province} theo đề cương “{found}”, không phải “{expected}”")]
    WrongTemplate {
        province: String,
        found: String,
        expected: String,
    },
    #[error("có hai báo cáo của tỉnh, thành phố mã {0}: mỗi tỉnh chỉ một báo cáo")]
    Duplicate(String),
    #[error("không có tỉnh, thành phố mã “{0}”")]
    UnknownProvince(String),
    #[error("{0}")]
    Collation(String),
    #[error("không ghi được tệp Excel: {0}")]
    Xlsx(String),
    #[error("lỗi tìm kiếm: {0}")]
    Search(String),
}
