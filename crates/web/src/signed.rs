//! Digitally signed reports in the web app: the province uploads the PDF of a submitted version
//! as its leader signed it (in their own signing software, or `baocao sign`); the server checks
//! that it is that very version's PDF signed (the bytes the system renders for the version are
//! the signed revision: `sign::check_signed_copy`), verifies the signature against the trusted
//! roots the administrator manages (`sign::verify`), and keeps it with the version. The BTCTW
//! sees who signed and when, downloads the signed PDF, and a round may require a valid, trusted
//! signature before a report is accepted ([`require_for_acceptance`]).

use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use store::{ReportInfo, SignedPdf, State as RState};

use crate::auth::Viewer;
use crate::pages::page;
use crate::{access, format_time, ops, App, AppError, AppResult};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/bao-cao/{id}/ky-so", post(upload))
        .route("/bao-cao/{id}/ky-so/{file}", get(download))
        .route("/quan-tri/tin-cay", get(roots_page).post(add_root))
        .route("/quan-tri/tin-cay/{id}/xoa", post(remove_root))
        .route("/quan-tri/dot/{id}/ky-so", post(set_required))
}

/// The largest signed PDF accepted (a report's PDF is well under a megabyte).
pub const MAX_SIGNED_BYTES: usize = 12 * 1024 * 1024;

/// Whether `v` may upload a signed PDF of report `r`: its province's users, once a version is
/// submitted (submitted or accepted: the signature may come after acceptance).
pub fn can_upload(v: &Viewer, r: &ReportInfo) -> bool {
    r.district.is_none()
        && access::is_province_user(&v.user, &r.province)
        && matches!(r.state, RState::Submitted | RState::Accepted)
}

/// The trusted roots as certificates (`None` when the administrator configured none).
async fn roots(app: &App) -> AppResult<Option<Vec<x509_cert::Certificate>>> {
    let list = app.store.trust_roots().await?;
    if list.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for r in list {
        out.extend(sign::parse_certificates(r.pem.as_bytes()).map_err(AppError::internal)?);
    }
    Ok(Some(out))
}

/// What a verified upload keeps.
struct Checked {
    signer: String,
    organisation: Option<String>,
    signed_at: Option<i64>,
    trusted: bool,
    verdict: String,
}

/// Checks that `signed` is `original` signed, and its signature valid (and, when roots are
/// configured, trusted); the reason in Vietnamese otherwise.
fn check(
    signed: &[u8],
    original: &[u8],
    version: i64,
    roots: Option<&[x509_cert::Certificate]>,
) -> Result<Checked, String> {
    if signed.len() > MAX_SIGNED_BYTES {
        return Err(format!(
            "Tệp quá lớn ({} byte; tối đa {} byte).",
            vi::format_int(signed.len() as i64),
            vi::format_int(MAX_SIGNED_BYTES as i64)
        ));
    }
    let v = sign::verify(signed, roots, time::OffsetDateTime::now_utc())
        .map_err(|e| format!("Không đọc được tệp: {e}."))?;
    sign::check_signed_copy(signed, original).map_err(|e| {
        format!("Tệp đã ký không phải bản PDF của phiên bản {version} do hệ thống xuất: {e}.")
    })?;
    // The signature over the whole version's PDF.
    let sig = v
        .signatures
        .iter()
        .find(|s| s.byte_range.is_some_and(|r| r[2] + r[3] >= original.len()))
        .ok_or_else(|| "Tệp không có chữ ký số bao trùm bản PDF của phiên bản.".to_string())?;
    let why = |s: &sign::SignatureReport| {
        if s.problems.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.problems.join("; "))
        }
    };
    if !sig.crypto_valid {
        return Err(format!("Chữ ký số không hợp lệ{}.", why(sig)));
    }
    if !sig.intact() {
        return Err("Tệp đã bị thay đổi sau khi ký (có bản cập nhật thêm sau chữ ký).".to_string());
    }
    if sig.expired {
        return Err(format!(
            "Chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực{}.",
            why(sig)
        ));
    }
    let trusted = match &sig.trust {
        sign::Trust::Trusted { .. } => true,
        sign::Trust::NotConfigured => false,
        sign::Trust::Untrusted { reason } => {
            return Err(format!(
                "Chứng thư số của người ký không thuộc danh sách chứng thư gốc tin cậy của hệ thống ({reason})."
            ))
        }
    };
    let signer = sig
        .signer
        .as_ref()
        .ok_or_else(|| "Không tìm thấy chứng thư số của người ký trong chữ ký.".to_string())?;
    Ok(Checked {
        signer: signer.name.clone(),
        organisation: signer.organisation.clone(),
        signed_at: sig
            .signing_time
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64),
        trusted,
        verdict: sig.verdict(),
    })
}

/// POST /bao-cao/{id}/ky-so (multipart: "_csrf", then "tep"): the signed PDF of the report's
/// latest submitted version, checked and kept, or refused with the reason (nothing stored).
async fn upload(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> AppResult<Response> {
    let l = ops::load(&app, &v, id).await?;
    access::require(can_upload(&v, &l.info))?;
    let refused = |msg: String| AppError::invalid(msg);
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(AppError::bad_request(
                    "Không đọc được tệp gửi lên (có thể quá lớn).",
                ))
            }
        };
        if field.name() == Some("tep") {
            let name = clean_name(field.file_name().unwrap_or(""));
            let bytes = field.bytes().await.map_err(|_| {
                AppError::bad_request("Không đọc được tệp gửi lên (có thể quá lớn).")
            })?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::bad_request("Chưa chọn tệp PDF đã ký số."))?;
    let versions = app.store.versions(id).await?;
    let version = versions
        .last()
        .map(|x| x.number)
        .ok_or_else(|| refused("Báo cáo chưa có phiên bản đã gửi.".into()))?;
    let report = ops::version_report(&app, &l, version).await?;
    let original = match ops::export::export(&app, l.template.clone(), report, "pdf").await {
        Ok((b, _)) => b,
        Err(e) => return Err(e),
    };
    let roots = roots(&app).await?;
    let (bytes, checked) = ops::blocking(move || {
        let r = check(&bytes, &original, version, roots.as_deref());
        (bytes, r)
    })
    .await?;
    let c = checked.map_err(refused)?;
    app.store
        .add_signed_pdf(
            id,
            &store::NewSigned {
                version,
                filename: &name,
                signer: &c.signer,
                organisation: c.organisation.as_deref(),
                signed_at: c.signed_at,
                trusted: c.trusted,
                verdict: &c.verdict,
            },
            &bytes,
            (&v.user).into(),
        )
        .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-ky-so")).into_response())
}

fn clean_name(name: &str) -> String {
    crate::word::clean_name_or(name, "bao-cao-da-ky.pdf")
}

/// GET /bao-cao/{id}/ky-so/{file}: a signed PDF, for whoever may read the report.
async fn download(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let info = app.store.report_info(id).await?;
    access::require_view(&v.user, &info)?;
    let (s, bytes) = app.store.signed_pdf(id, file).await?;
    let name = format!(
        "bao-cao-{}-phien-ban-{}-da-ky-so.pdf",
        info.province, s.version
    );
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// "Đã ký số: Nguyễn Văn A (Tỉnh ủy Hà Giang), 10:05 ngày 5/9/2021" for a version's signature.
pub fn signed_line(s: &SignedPdf) -> String {
    let org = s
        .organisation
        .as_deref()
        .map(|o| format!(" ({o})"))
        .unwrap_or_default();
    let at = s
        .signed_at
        .map(|t| format!(", ký lúc {}", format_time(t)))
        .unwrap_or_default();
    let trust = if s.trusted {
        ""
    } else {
        " – chưa được tin cậy (chưa cấu hình chứng thư gốc)"
    };
    format!("Đã ký số: {}{org}{at}{trust}", s.signer)
}

/// The report page's panel: the signed PDFs, and the upload form for the province.
pub fn panel(v: &Viewer, info: &ReportInfo, list: &[SignedPdf], latest: Option<i64>) -> Markup {
    let id = info.id;
    if info.district.is_some() || (list.is_empty() && !can_upload(v, info)) {
        return html! {};
    }
    html! {
        section.signed #chu-ky-so {
            h2 { "Chữ ký số" }
            @if list.is_empty() { p.muted { "Chưa có bản PDF đã ký số." } }
            ul {
                @for s in list {
                    li {
                        strong { "Phiên bản " (s.version) ": " } (signed_line(s))
                        " · " a href=(format!("/bao-cao/{id}/ky-so/{}", s.id)) { "Tải bản đã ký" }
                        span.muted { " (tải lên " (format_time(s.uploaded_at)) " bởi " (s.uploaded_by) ")" }
                    }
                }
            }
            @if can_upload(v, info) {
                @if let Some(n) = latest {
                    details.sign-upload {
                        summary { "Tải lên bản PDF đã ký số của phiên bản " (n) }
                        p.hint {
                            "Tải bản PDF của phiên bản " (n) " (nút “Tải PDF” ở trang Các phiên bản), ký số bằng phần mềm ký của đơn vị, rồi tải lên đây. "
                            "Hệ thống kiểm tra đúng là bản PDF của phiên bản này và chữ ký số hợp lệ."
                        }
                        form method="post" enctype="multipart/form-data" action=(format!("/bao-cao/{id}/ky-so")) {
                            input type="hidden" name="_csrf" value=(v.csrf);
                            input type="file" name="tep" accept=".pdf,application/pdf" required aria-label="Tệp PDF đã ký số";
                            button type="submit" { "Tải lên và kiểm tra" }
                        }
                    }
                }
            }
        }
    }
}

/// Refuses to accept `info` when its round requires a signature and its latest version has no
/// valid, trusted signed PDF.
pub async fn require_for_acceptance(app: &App, info: &ReportInfo) -> AppResult<()> {
    if info.district.is_some() {
        return Ok(());
    }
    // Read fresh, not from this process's memory: another server may have changed it.
    let round = app.store.round(info.round_id).await?;
    if !round.require_signature {
        return Ok(());
    }
    let latest = app
        .store
        .versions(info.id)
        .await?
        .last()
        .map(|x| x.number)
        .unwrap_or(0);
    let signed = app
        .store
        .signed_pdfs(info.id)
        .await?
        .iter()
        .any(|s| s.version == latest && s.trusted);
    if signed {
        Ok(())
    } else {
        Err(AppError::conflict(format!(
                "Đợt báo cáo này yêu cầu chữ ký số: phiên bản {latest} chưa có bản PDF đã ký số hợp lệ, được tin cậy. Chưa tiếp nhận được."
            ),
        ))
    }
}

/// GET /quan-tri/tin-cay: the trusted roots.
async fn roots_page(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    access::require_admin(&v.user)?;
    let list = app.store.trust_roots().await?;
    let body = html! {
        h1 { "Chứng thư gốc tin cậy" }
        p { "Chữ ký số trên báo cáo được tin cậy khi chứng thư của người ký dẫn tới một chứng thư gốc dưới đây (ví dụ chứng thư gốc của Cục Cơ yếu Đảng – Chính quyền, Ban Cơ yếu Chính phủ). Chưa có chứng thư gốc nào thì chữ ký hợp lệ vẫn được nhận nhưng ghi là “chưa được tin cậy”." }
        @if list.is_empty() { p.muted { "Chưa có chứng thư gốc tin cậy nào." } }
        table.list {
            thead { tr { th { "Tên" } th { "Chủ thể" } th { "Hiệu lực" } th { "Thêm lúc" } th { "" } } }
            tbody {
                @for r in &list {
                    @let certs = sign::parse_certificates(r.pem.as_bytes()).unwrap_or_default();
                    tr {
                        td { (r.name) }
                        td { @for c in &certs { (sign::CertInfo::of(c).subject) br; } }
                        td { @for c in &certs {
                            @let i = sign::CertInfo::of(c);
                            (vi_date(i.not_before)) " – " (vi_date(i.not_after)) br;
                        } }
                        td { (format_time(r.added_at)) }
                        td {
                            form.inline method="post" action=(format!("/quan-tri/tin-cay/{}/xoa", r.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                button.small.danger type="submit" data-confirm="Bỏ chứng thư gốc này khỏi danh sách tin cậy?" { "Bỏ" }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Thêm chứng thư gốc" }
        form.grid-form method="post" action="/quan-tri/tin-cay" {
            input type="hidden" name="_csrf" value=(v.csrf);
            label for="tc-ten" { "Tên" }
            input #tc-ten name="ten" required maxlength="200";
            label for="tc-pem" { "Chứng thư (dạng PEM: -----BEGIN CERTIFICATE----- …)" }
            textarea #tc-pem name="pem" rows="8" required {}
            button type="submit" { "Thêm" }
        }
    };
    Ok(page("Chứng thư gốc tin cậy", Some(&v), body))
}

fn vi_date(t: time::OffsetDateTime) -> String {
    format!("{}/{}/{}", t.day(), t.month() as u8, t.year())
}

#[derive(Deserialize)]
struct RootForm {
    ten: String,
    pem: String,
}

/// POST /quan-tri/tin-cay: adds a trusted root after reading it.
async fn add_root(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<RootForm>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
    let name = vi::nfc(f.ten.trim());
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::bad_request(
            "Tên chứng thư không được để trống và không quá 200 ký tự.",
        ));
    }
    if f.pem.len() > 256 * 1024 {
        return Err(AppError::bad_request("Chứng thư quá dài."));
    }
    let certs = sign::parse_certificates(f.pem.as_bytes())
        .map_err(|e| AppError::bad_request(format!("Không đọc được chứng thư: {e}.")))?;
    if certs.is_empty() {
        return Err(AppError::bad_request(
            "Không có chứng thư nào trong nội dung đã dán (cần dạng PEM).",
        ));
    }
    app.store
        .add_trust_root(&name, f.pem.trim(), (&v.user).into())
        .await?;
    Ok(Redirect::to("/quan-tri/tin-cay").into_response())
}

/// POST /quan-tri/tin-cay/{id}/xoa
async fn remove_root(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
    app.store.remove_trust_root(id, (&v.user).into()).await?;
    Ok(Redirect::to("/quan-tri/tin-cay").into_response())
}

#[derive(Deserialize)]
struct RequiredForm {
    yeu_cau: String,
}

/// POST /quan-tri/dot/{id}/ky-so: whether the round requires a signature before acceptance.
async fn set_required(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<RequiredForm>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
    app.store
        .set_require_signature(id, f.yeu_cau == "1", (&v.user).into())
        .await?;
    app.forget_round(id);
    Ok(Redirect::to("/quan-tri").into_response())
}
