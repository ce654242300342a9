//! `baocao verify` and `baocao sign`: the files, the clock and the fonts for the pure `sign`
//! crate, and the Vietnamese report.

use std::io::Write as _;
use std::path::Path;

use serde_json::json;
use sign::{SignatureReport, Trust, Verification};
use time::{OffsetDateTime, UtcOffset};

use crate::cmd::{Outcome, Result};
use crate::shown;

/// Vietnam's time (UTC+07:00 all year): the signing time is written and shown in it.
fn vietnam_now() -> OffsetDateTime {
    let ict = UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::now_utc().to_offset(ict)
}

fn out(s: &str) {
    let _ = writeln!(std::io::stdout(), "{s}");
}

/// The largest file read (a PDF, a key, a trust store): what `sign` accepts.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("không tìm thấy tệp {}", shown(path)),
        _ => format!("không đọc được tệp {}: {e}", shown(path)),
    })?;
    if meta.len() > sign::MAX_PDF_BYTES as u64 {
        return Err(format!(
            "{}: {}",
            shown(path),
            sign::Error::TooLarge {
                size: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                max: sign::MAX_PDF_BYTES
            }
        ));
    }
    std::fs::read(path).map_err(|e| format!("không đọc được tệp {}: {e}", shown(path)))
}

pub fn verify(
    pdf: &Path,
    trust: Option<&Path>,
    original: Option<&Path>,
    as_json: bool,
) -> Result<Outcome> {
    let roots = match trust {
        Some(t) => Some(
            sign::parse_certificates(&read_bytes(t)?).map_err(|e| format!("{}: {e}", shown(t)))?,
        ),
        None => None,
    };
    let bytes = read_bytes(pdf)?;
    let v = sign::verify(&bytes, roots.as_deref(), OffsetDateTime::now_utc())
        .map_err(|e| format!("{}: {e}", shown(pdf)))?;
    // Is it that PDF, signed? (None: not asked.)
    let same = match original {
        Some(o) => {
            Some(sign::check_signed_copy(&bytes, &read_bytes(o)?).map_err(|e| e.to_string()))
        }
        None => None,
    };
    if as_json {
        let mut j = to_json(&v);
        if let Some(r) = &same {
            j["original"] = json!({
                "same": r.is_ok(),
                "problem": r.as_ref().err(),
            });
        }
        out(&serde_json::to_string_pretty(&j).unwrap_or_default());
    } else {
        print_report(pdf, &v, trust.is_some());
        match (&same, original) {
            (Some(Ok(())), Some(o)) => out(&format!(
                "Bản gốc: tệp đã ký đúng là {} được ký (không sai một byte).",
                shown(o)
            )),
            (Some(Err(e)), _) => out(&format!("Bản gốc: {e}.")),
            _ => {}
        }
    }
    let same_ok = same.as_ref().is_none_or(|r| r.is_ok());
    Ok(if v.all_ok() && same_ok {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}

fn day(t: OffsetDateTime) -> String {
    format!("{:02}/{:02}/{}", t.day(), u8::from(t.month()), t.year())
}

fn iso(t: OffsetDateTime) -> String {
    let (h, m, _) = t.offset().as_hms();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        if t.offset().is_negative() { '-' } else { '+' },
        h.unsigned_abs(),
        m.unsigned_abs()
    )
}

fn integrity(s: &SignatureReport) -> String {
    if s.byte_range.is_none() {
        "không xác định (không đọc được phạm vi ký)".into()
    } else if s.updates_after == 0 {
        "tài liệu không bị thay đổi sau khi ký (chữ ký bao trùm toàn bộ tệp)".into()
    } else if s.intact() {
        format!(
            "sau chữ ký có {} lần cập nhật, đều là chữ ký số sau (được ký)",
            s.updates_after
        )
    } else {
        format!(
            "TÀI LIỆU ĐÃ BỊ THAY ĐỔI SAU KHI KÝ: {} lần cập nhật thêm vào sau chữ ký ({} byte), {} trong số đó không được chữ ký nào bảo đảm",
            s.updates_after,
            s.bytes_after,
            s.updates_after - s.updates_signed_later
        )
    }
}

fn print_report(pdf: &Path, v: &Verification, has_trust: bool) {
    out(&format!(
        "Tệp: {} ({} byte, {} phiên bản)",
        shown(pdf),
        v.size,
        v.revisions
    ));
    if v.signatures.is_empty() {
        out("Tệp không có chữ ký số nào.");
        return;
    }
    for (i, s) in v.signatures.iter().enumerate() {
        out("");
        let page = s.page.map(|p| format!(", trang {p}")).unwrap_or_default();
        out(&format!(
            "Chữ ký {} (trường “{}”{page}): {}",
            i + 1,
            s.field,
            s.verdict()
        ));
        if let Some(c) = &s.signer {
            out(&format!("  Người ký: {}", c.name));
            if let Some(o) = &c.organisation {
                out(&format!("  Cơ quan: {o}"));
            }
            out(&format!(
                "  Chứng thư số: số sê-ri {}, cấp bởi {}, hiệu lực từ {} đến {}",
                c.serial,
                c.issuer,
                day(c.not_before),
                day(c.not_after)
            ));
        }
        if let Some(t) = s.signing_time {
            out(&format!(
                "  Thời điểm ký (người ký khai): {}",
                sign::sign::display_time(t)
            ));
        }
        if let Some(r) = &s.reason {
            out(&format!("  Lý do: {r}"));
        }
        out(&format!(
            "  Mật mã: {}",
            if s.crypto_valid {
                "chữ ký đúng với nội dung được ký"
            } else {
                "chữ ký KHÔNG đúng"
            }
        ));
        out(&format!("  Toàn vẹn: {}", integrity(s)));
        let trust = match &s.trust {
            Trust::Trusted { root } => format!("chuỗi chứng thư tới gốc tin cậy “{root}”"),
            Trust::NotConfigured => {
                "chưa được tin cậy: chưa cấu hình danh sách chứng thư gốc tin cậy (--trust)".into()
            }
            Trust::Untrusted { reason } => format!("chưa được tin cậy: {reason}"),
        };
        out(&format!("  Tin cậy: {trust}"));
        let shown_elsewhere =
            |p: &str| p.starts_with("chưa được tin cậy") || p.starts_with("tệp đã bị thay đổi");
        let problems: Vec<&String> = s.problems.iter().filter(|p| !shown_elsewhere(p)).collect();
        if !problems.is_empty() {
            out("  Vấn đề:");
            for p in problems {
                out(&format!("  - {p}"));
            }
        }
    }
    out("");
    if v.all_ok() {
        out("Kết luận: mọi chữ ký hợp lệ, nguyên vẹn và được tin cậy.");
    } else if !has_trust
        && v.signatures
            .iter()
            .all(|s| s.crypto_valid && s.intact() && !s.expired)
    {
        out("Kết luận: mọi chữ ký hợp lệ nhưng chưa được tin cậy (chưa cấu hình danh sách chứng thư gốc tin cậy: --trust).");
    } else {
        out("Kết luận: có chữ ký không hợp lệ, không nguyên vẹn hoặc chưa được tin cậy.");
    }
}

fn to_json(v: &Verification) -> serde_json::Value {
    let sigs: Vec<serde_json::Value> = v
        .signatures
        .iter()
        .map(|s| {
            let signer = s.signer.as_ref().map(|c| {
                json!({
                    "name": c.name,
                    "organisation": c.organisation,
                    "subject": c.subject,
                    "issuer": c.issuer,
                    "serial": c.serial,
                    "not_before": iso(c.not_before),
                    "not_after": iso(c.not_after),
                })
            });
            let (trusted, trust_root, trust_problem) = match &s.trust {
                Trust::Trusted { root } => (true, Some(root.clone()), None),
                Trust::NotConfigured => (
                    false,
                    None,
                    Some("chưa cấu hình danh sách chứng thư gốc tin cậy".to_string()),
                ),
                Trust::Untrusted { reason } => (false, None, Some(reason.clone())),
            };
            json!({
                "field": s.field,
                "page": s.page,
                "verdict": s.verdict(),
                "ok": s.ok(),
                "valid": s.crypto_valid,
                "intact": s.intact(),
                "trusted": trusted,
                "trust_configured": s.trust != Trust::NotConfigured,
                "trust_root": trust_root,
                "trust_problem": trust_problem,
                "expired": s.expired,
                "signer": signer,
                "signing_time": s.signing_time.map(iso),
                "sub_filter": s.sub_filter,
                "reason": s.reason,
                "byte_range": s.byte_range,
                "updates_after": s.updates_after,
                "updates_signed_later": s.updates_signed_later,
                "bytes_after": s.bytes_after,
                "problems": s.problems,
            })
        })
        .collect();
    json!({
        "size": v.size,
        "revisions": v.revisions,
        "all_ok": v.all_ok(),
        "signatures": sigs,
    })
}

pub struct SignArgs<'a> {
    pub pdf: &'a Path,
    pub p12: &'a Path,
    pub password_file: Option<&'a Path>,
    pub signer_title: Option<&'a str>,
    pub reason: &'a str,
    pub page: Option<usize>,
    pub rect: Option<&'a str>,
    pub output: &'a Path,
}

pub fn sign(a: SignArgs<'_>) -> Result<Outcome> {
    let password = match a.password_file {
        Some(f) => {
            let text = read_bytes(f)?;
            let text = String::from_utf8(text)
                .map_err(|_| format!("tệp mật khẩu {} không phải văn bản UTF-8", shown(f)))?;
            text.lines().next().unwrap_or("").to_string()
        }
        None => std::env::var("BAOCAO_P12_PASSWORD").unwrap_or_default(),
    };
    let key = sign::Key::from_pkcs12(&read_bytes(a.p12)?, &password)
        .map_err(|e| format!("{}: {e}", shown(a.p12)))?;
    let bytes = read_bytes(a.pdf)?;
    let (mut page, mut rect, reserved) =
        sign::signature_place(&bytes).map_err(|e| format!("{}: {e}", shown(a.pdf)))?;
    if let Some(p) = a.page {
        page = p;
    }
    if let Some(r) = a.rect {
        let v: Vec<f32> = r
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| format!("--rect “{r}” phải là bốn số: x1 y1 x2 y2"))?;
        rect = <[f32; 4]>::try_from(v.as_slice())
            .map_err(|_| format!("--rect “{r}” phải là bốn số: x1 y1 x2 y2"))?;
    }
    let time = vietnam_now();
    let signer = key.signer();
    // The title the document prints under "T/M ...", unless one is given.
    let recorded = sign::pdf::signer_title(&bytes).map_err(|e| format!("{}: {e}", shown(a.pdf)))?;
    let title = a.signer_title.map(str::to_string).or(recorded);
    let lines = sign::Appearance::lines(&signer, title.as_deref(), time);
    let font = font_for(&lines)?;
    let (data, index) = font.data();
    let req = sign::SignRequest {
        pdf: &bytes,
        time,
        field: None,
        reason: Some(a.reason.to_string()),
        location: None,
        appearance: Some(sign::Appearance {
            page,
            rect,
            lines,
            font: sign::FontData { data, index },
        }),
    };
    let signed = sign::sign(&req, &key).map_err(|e| format!("{}: {e}", shown(a.pdf)))?;
    crate::cmd::write(a.output, &signed)?;
    out(&format!(
        "Đã ký: {} (người ký {}, trang {page}, {}), ghi ra {}",
        shown(a.pdf),
        signer.name,
        if reserved {
            "ở chỗ ký văn bản đã dành"
        } else {
            "ở góc dưới bên phải"
        },
        shown(a.output)
    ));
    Ok(Outcome::Clean)
}

/// A Vietnamese-complete serif for the visible signature, from the system's fonts (as the PDF
/// exporter chooses them).
#[cfg(feature = "pdf")]
fn font_for(lines: &[String]) -> Result<pdf::fonts::Font> {
    let chars = lines.iter().flat_map(|l| l.chars()).collect();
    let sel = pdf::fonts::select_source(&pdf::FontSource::System, "Times New Roman", &chars)
        .map_err(|e| e.to_string())?;
    sel.styles[0]
        .first()
        .and_then(|&i| sel.fonts.get(i))
        .cloned()
        .ok_or_else(|| "không tìm thấy phông chữ cho chữ ký".to_string())
}

#[cfg(not(feature = "pdf"))]
struct NoFont;

#[cfg(not(feature = "pdf"))]
impl NoFont {
    fn data(&self) -> (&[u8], u32) {
        (&[], 0)
    }
}

#[cfg(not(feature = "pdf"))]
fn font_for(_: &[String]) -> Result<NoFont> {
    Err(
        "bản baocao này được dựng không có phần PDF (tính năng “pdf”) nên không vẽ được chữ ký \
         hiện trên trang: dựng lại với các tính năng mặc định"
            .to_string(),
    )
}
