//! A report as a document file (DOCX, PDF, HTML, JSON) from its stored answers, made off the
//! async workers.

use std::sync::Arc;

use crate::ops::{self};
use crate::{App, AppError, AppResult};

/// A report as DOCX, PDF or JSON bytes, with its content type, made on a blocking thread.
pub async fn export(
    app: &Arc<App>,
    t: Arc<outline::Template>,
    r: report::Report,
    format: &str,
) -> AppResult<(Vec<u8>, &'static str)> {
    let app = app.clone();
    let format = format.to_string();
    ops::blocking(move || export_now(&app, &t, &r, &format)).await?
}

fn export_now(
    app: &App,
    t: &outline::Template,
    r: &report::Report,
    format: &str,
) -> AppResult<(Vec<u8>, &'static str)> {
    let profile = app.profile(&t.template.profile)?;
    match format {
        "json" => Ok((r.to_json().into_bytes(), "application/json")),
        "docx" => {
            let doc = document::build(t, r, &profile, app.units).map_err(AppError::internal)?;
            let bytes = document::docx::to_docx(&doc, &profile).map_err(AppError::internal)?;
            Ok((
                bytes,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ))
        }
        #[cfg(feature = "pdf")]
        "pdf" => {
            let doc = document::build(t, r, &profile, app.units).map_err(AppError::internal)?;
            let out = pdf::render(&doc, &profile, &pdf::PdfOptions::default())
                .map_err(AppError::internal)?;
            Ok((out.bytes, "application/pdf"))
        }
        #[cfg(not(feature = "pdf"))]
        "pdf" => Err(AppError::not_built(
            "Bản cài đặt này không có phần xuất PDF; hãy tải DOCX.",
        )),
        _ => Err(AppError::not_found()),
    }
}
