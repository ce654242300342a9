//! From a report to the official document: [`build()`] lays a report out as a neutral
//! [`Document`] (header, title, numbered body, tables, footnotes, closing) using the template and
//! the layout profile; the exporters turn that one document into DOCX ([`docx`]), HTML
//! ([`html`]) and Markdown ([`markdown`]). Exporters know nothing of templates or reports; the
//! DOCX and PDF exporters size table columns by one computation ([`widths`]).
//!
//! Output is deterministic: the same input gives the same bytes.

pub mod build;
pub mod chart;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod model;
pub mod widths;

pub use build::build;
pub use model::*;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("không ghi được tệp DOCX: {0}")]
    Docx(String),
    #[error("không có tỉnh, thành phố mã “{0}”")]
    UnknownProvince(String),
    #[error("không có đơn vị cấp huyện mã “{0}” thuộc tỉnh, thành phố của báo cáo")]
    UnknownDistrict(String),
}
