//! Digital signatures of PDF reports: verifying every signature of a PDF and signing one.
//!
//! Pure: no file, no network, no clock. The caller passes the bytes (the PDF, the PKCS#12 key,
//! the trusted roots, the font of the visible signature) and the time ("now" for checking
//! certificates, the signing time for signing); the same input gives the same bytes.
//!
//! - [`verify()`] reads every signature field of a PDF ([`pdf`], with lopdf), checks the CMS
//!   `SignedData` over the signature's `/ByteRange` (message digest, the signature over the
//!   signed attributes with RSA PKCS#1 v1.5 or ECDSA P-256/P-384), finds the bytes appended after
//!   the signed revision (incremental updates after it), and builds the signer's chain to the
//!   configured trusted roots ([`verify`]).
//! - [`sign()`] signs as PAdES baseline B-B: a detached CMS `SignedData` with SHA-256 and the
//!   signed attributes content-type, message-digest and ESS signing-certificate-v2, the key and
//!   certificates taken from a PKCS#12 file (RSA or ECDSA P-256), written as an incremental update
//!   appended to the original bytes (so earlier signatures stay valid) with a signature field and
//!   a visible appearance at a given place ([`sign`]).
//!
//! Crates, and why: no maintained pure-Rust PAdES implementation signs and verifies with
//! incremental updates (the PDF signing crates found on crates.io either rewrite the whole file,
//! which breaks earlier signatures, or leave CMS to the caller), so this crate uses RustCrypto's
//! `cms`, `x509-cert`, `der`, `rsa`, `p256`/`p384` and `sha2` (one generation, der 0.7), lopdf to
//! read PDF objects (including cross-reference streams and object streams), p12-keystore to
//! open PKCS#12 files (PBES2/AES and the legacy 3DES/RC2 encryption), and writes the small
//! incremental update itself (lopdf's writer rewrites whole files and cannot reserve the
//! fixed-size `/Contents` and `/ByteRange` a signature needs).
//!
//! Every error message is Vietnamese; bad input (not a PDF, an encrypted PDF, a malformed
//! signature dictionary, a `/ByteRange` out of the file, an oversized `/Contents`) is an error or
//! a reported problem, never a panic.

pub mod appearance;
pub mod cert;
pub mod pdf;
pub mod sign;
pub mod verify;
mod write;

pub use cert::parse_certificates;
pub use cert::CertInfo;
pub use pdf::signature_place;
pub use sign::{sign, Appearance, FontData, Key, SignRequest};
pub use verify::{verify, SignatureReport, Trust, Verification};

/// The largest PDF this crate reads, bytes (a report is a few megabytes).
pub const MAX_PDF_BYTES: usize = 256 * 1024 * 1024;

/// The largest signature value (`/Contents`) accepted, bytes: a CMS signature with a long chain
/// and revocation data stays far below.
pub const MAX_CONTENTS_BYTES: usize = 512 * 1024;

/// Errors of this crate (Vietnamese messages).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("tệp không phải PDF (không bắt đầu bằng “%PDF-”)")]
    NotPdf,
    #[error("tệp PDF quá lớn ({size} byte; tối đa {max} byte)")]
    TooLarge { size: usize, max: usize },
    #[error("không đọc được cấu trúc tệp PDF: {0}")]
    Unreadable(String),
    #[error(
        "tệp PDF được mã hóa (có mật khẩu hoặc giới hạn quyền); không kiểm tra, không ký được \
         tệp mã hóa — hãy dùng bản không mã hóa"
    )]
    Encrypted,
    #[error("không mở được tệp khóa PKCS#12: sai mật khẩu hoặc tệp hỏng ({0})")]
    Pkcs12(String),
    #[error("tệp PKCS#12 không có khóa bí mật kèm chứng thư số")]
    NoKey,
    #[error("loại khóa chưa được hỗ trợ: {0} (chỉ hỗ trợ RSA và ECDSA P-256)")]
    UnsupportedKey(String),
    #[error("chứng thư số không đọc được: {0}")]
    Certificate(String),
    #[error("tệp chứng thư gốc tin cậy không đọc được: {0}")]
    TrustStore(String),
    #[error("trang {page} không có (tệp có {pages} trang)")]
    NoPage { page: usize, pages: usize },
    #[error("vị trí chữ ký không hợp lệ: {0}")]
    BadRect(String),
    #[error("không tạo được chữ ký: {0}")]
    Signing(String),
    #[error("không tạo được hình chữ ký: {0}")]
    Appearance(String),
    #[error("tệp đã ký không phải bản PDF này: {0}")]
    NotThisDocument(String),
}

/// Checks that `signed` is `original` signed: the original's bytes unchanged at its start (a
/// signature is an incremental update) and a valid signature covering all of them. The web app
/// uses it to tell that a signed PDF uploaded for a version is that version's PDF.
///
/// # Errors
/// [`Error::NotThisDocument`] with where they differ, or why no signature covers the original;
/// the errors of [`verify()`] when `signed` cannot be read.
pub fn check_signed_copy(signed: &[u8], original: &[u8]) -> Result<(), Error> {
    if let Some(at) = signed.iter().zip(original).position(|(a, b)| a != b) {
        let page = page_at(original, at);
        return Err(Error::NotThisDocument(format!(
            "nội dung khác nhau từ byte {at}{}",
            page.map(|p| format!(" (trang {p} của bản gốc)"))
                .unwrap_or_default()
        )));
    }
    if signed.len() < original.len() {
        return Err(Error::NotThisDocument(format!(
            "tệp đã ký ngắn hơn bản gốc ({} so với {} byte)",
            signed.len(),
            original.len()
        )));
    }
    let doc = pdf::load(signed)?;
    let covered = pdf::signature_fields(&doc, signed)
        .iter()
        .filter_map(|f| f.value.as_ref().ok())
        .any(|v| v.end() >= original.len());
    if covered {
        Ok(())
    } else {
        Err(Error::NotThisDocument(
            "không có chữ ký nào bao trùm toàn bộ bản gốc".into(),
        ))
    }
}

/// The page (from 1) whose content stream holds byte `at` of a PDF, when that can be told.
fn page_at(pdf_bytes: &[u8], at: usize) -> Option<usize> {
    let doc = pdf::load(pdf_bytes).ok()?;
    let offsets = &doc.reference_table.entries;
    // The object whose start is the last before `at`.
    let (obj, _) = offsets
        .iter()
        .filter_map(|(id, e)| match e {
            lopdf::xref::XrefEntry::Normal { offset, .. } if (*offset as usize) <= at => {
                Some((*id, *offset))
            }
            _ => None,
        })
        .max_by_key(|(_, off)| *off)?;
    doc.get_pages().iter().find_map(|(n, pid)| {
        let page = doc.get_dictionary(*pid).ok()?;
        let holds = |o: &lopdf::Object| matches!(o, lopdf::Object::Reference((i, _)) if *i == obj);
        let hit = pid.0 == obj
            || match page.get(b"Contents").ok()? {
                lopdf::Object::Array(a) => a.iter().any(holds),
                o => holds(o),
            };
        hit.then_some(*n as usize)
    })
}
