//! Verifying every signature of a PDF.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode, Reader, SliceReader};
use time::OffsetDateTime;
use x509_cert::Certificate;

use crate::cert::{self, oid, CertInfo};
use crate::pdf::{self, SigField};
use crate::Error;

/// Whether a signer's certificate chains to a trusted root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The chain ends at this trusted root (its common name).
    Trusted { root: String },
    /// No trust store was configured: the signature may be valid, but nobody vouches for the
    /// signer.
    NotConfigured,
    /// The chain does not reach a trusted root, or a certificate of it is wrong (Vietnamese
    /// reason).
    Untrusted { reason: String },
}

/// One signature, checked.
#[derive(Debug, Clone)]
pub struct SignatureReport {
    /// The signature field's name.
    pub field: String,
    pub page: Option<usize>,
    /// The signer's certificate, when it was found.
    pub signer: Option<CertInfo>,
    /// The claimed signing time (the CMS signing-time attribute, else the dictionary's /M).
    pub signing_time: Option<OffsetDateTime>,
    pub sub_filter: String,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// The message digest matches the signed bytes and the signature matches the signer's key.
    pub crypto_valid: bool,
    /// `/ByteRange`, when readable.
    pub byte_range: Option<[usize; 4]>,
    /// Bytes after the signed revision.
    pub bytes_after: usize,
    /// Revisions (incremental updates) appended after the signed one.
    pub updates_after: usize,
    /// Of those updates, how many end exactly where a later signature's signed range ends, so
    /// that a later signer signed them.
    pub updates_signed_later: usize,
    /// The signer's certificate was outside its validity period at the time of checking.
    pub expired: bool,
    pub trust: Trust,
    /// Every problem found, in Vietnamese.
    pub problems: Vec<String>,
}

impl SignatureReport {
    /// Nothing changed after this signature that no later signature covers.
    pub fn intact(&self) -> bool {
        self.byte_range.is_some() && self.updates_after == self.updates_signed_later
    }

    /// Valid (cryptographically, certificate in its validity period), intact and trusted.
    pub fn ok(&self) -> bool {
        self.crypto_valid
            && !self.expired
            && self.intact()
            && matches!(self.trust, Trust::Trusted { .. })
    }

    /// The one-line Vietnamese verdict.
    pub fn verdict(&self) -> String {
        if !self.crypto_valid {
            "KHÔNG HỢP LỆ".to_string()
        } else if !self.intact() {
            "hợp lệ, nhưng tệp đã bị thay đổi sau khi ký".to_string()
        } else if self.expired {
            "hợp lệ về mật mã, nhưng chứng thư số đã hết hạn hoặc chưa có hiệu lực".to_string()
        } else {
            match &self.trust {
                Trust::Trusted { .. } => "hợp lệ và được tin cậy".to_string(),
                Trust::NotConfigured => {
                    "hợp lệ nhưng chưa được tin cậy (chưa cấu hình danh sách chứng thư gốc tin cậy)"
                        .to_string()
                }
                Trust::Untrusted { .. } => "hợp lệ nhưng chưa được tin cậy".to_string(),
            }
        }
    }
}

/// Every signature of a PDF.
#[derive(Debug, Clone)]
pub struct Verification {
    pub signatures: Vec<SignatureReport>,
    /// Revisions of the file (1 when it was never updated).
    pub revisions: usize,
    pub size: usize,
}

impl Verification {
    /// At least one signature, and every one valid, intact and trusted.
    pub fn all_ok(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(SignatureReport::ok)
    }
}

/// Verifies every signature of `bytes` at time `now`, against the trusted roots `trust` (`None`:
/// no trust store configured).
///
/// # Errors
/// When the file cannot be read as a PDF at all ([`Error::NotPdf`], [`Error::Encrypted`],
/// [`Error::Unreadable`], [`Error::TooLarge`]); a broken signature is a problem of its report,
/// not an error.
pub fn verify(
    bytes: &[u8],
    trust: Option<&[Certificate]>,
    now: OffsetDateTime,
) -> Result<Verification, Error> {
    let doc = pdf::load(bytes)?;
    let fields = pdf::signature_fields(&doc, bytes);
    let ends = pdf::revision_ends(bytes);
    let signed_ends: Vec<usize> = fields
        .iter()
        .filter_map(|f| f.value.as_ref().ok().map(pdf::SigValue::end))
        .collect();
    let signatures = fields
        .iter()
        .map(|f| check(f, bytes, &ends, &signed_ends, trust, now))
        .collect();
    Ok(Verification {
        signatures,
        revisions: ends.len().max(1),
        size: bytes.len(),
    })
}

fn check(
    f: &SigField,
    bytes: &[u8],
    ends: &[usize],
    signed_ends: &[usize],
    trust: Option<&[Certificate]>,
    now: OffsetDateTime,
) -> SignatureReport {
    let mut rep = SignatureReport {
        field: f.name.clone(),
        page: f.page,
        signer: None,
        signing_time: None,
        sub_filter: String::new(),
        reason: None,
        location: None,
        crypto_valid: false,
        byte_range: None,
        bytes_after: 0,
        updates_after: 0,
        updates_signed_later: 0,
        expired: false,
        trust: Trust::NotConfigured,
        problems: Vec::new(),
    };
    let v = match &f.value {
        Ok(v) => v,
        Err(why) => {
            rep.problems
                .push(format!("từ điển chữ ký không đúng cấu trúc: {why}"));
            rep.trust = Trust::Untrusted {
                reason: "không đọc được chữ ký".into(),
            };
            return rep;
        }
    };
    rep.byte_range = Some(v.byte_range);
    rep.sub_filter.clone_from(&v.sub_filter);
    rep.reason.clone_from(&v.reason);
    rep.location.clone_from(&v.location);
    rep.signing_time = v.m.as_deref().and_then(pdf::parse_date);
    let end = v.end();
    rep.bytes_after = bytes.len() - end;
    let later: Vec<usize> = ends.iter().copied().filter(|&e| e > end).collect();
    rep.updates_after = later.len();
    rep.updates_signed_later = later.iter().filter(|e| signed_ends.contains(e)).count();
    if rep.bytes_after > 0 && later.is_empty() {
        // Bytes after the signed range that do not even form a revision.
        rep.updates_after = 1;
    }
    let ends_a_revision = ends.contains(&end) || (ends.is_empty() && end == bytes.len());
    if !ends_a_revision {
        rep.problems
            .push("phạm vi ký không kết thúc ở cuối một phiên bản của tệp (%%EOF)".to_string());
    }
    if rep.updates_after > rep.updates_signed_later {
        rep.problems.push(format!(
            "tệp đã bị thay đổi sau khi ký: {} lần cập nhật thêm vào sau chữ ký ({} byte) không được chữ ký nào bảo đảm",
            rep.updates_after - rep.updates_signed_later,
            rep.bytes_after
        ));
    }
    let sub = v.sub_filter.as_str();
    if sub != "adbe.pkcs7.detached" && sub != "ETSI.CAdES.detached" {
        rep.problems.push(format!(
            "kiểu chữ ký /SubFilter “{sub}” chưa được hỗ trợ (chỉ adbe.pkcs7.detached và ETSI.CAdES.detached)"
        ));
        rep.trust = Trust::Untrusted {
            reason: "không kiểm tra được chữ ký".into(),
        };
        return rep;
    }
    let [a, b, c, d] = v.byte_range;
    let ranges: [&[u8]; 2] = [&bytes[a..a + b], &bytes[c..c + d]];
    match check_cms(&v.contents, &ranges) {
        Ok(found) => {
            rep.crypto_valid = found.problem.is_none();
            if let Some(p) = found.problem {
                rep.problems.push(p);
            }
            if let Some(t) = found.signing_time {
                rep.signing_time = Some(t);
            }
            let info = CertInfo::of(&found.signer);
            if !info.valid_at(now) {
                rep.expired = true;
                rep.problems.push(if now > info.not_after {
                    format!(
                        "chứng thư số của người ký đã hết hạn ({})",
                        crate::verify::day(info.not_after)
                    )
                } else {
                    format!(
                        "chứng thư số của người ký chưa có hiệu lực (từ {})",
                        day(info.not_before)
                    )
                });
            }
            if let Some(t) = rep.signing_time {
                if !info.valid_at(t) {
                    rep.expired = true;
                    rep.problems.push(
                        "thời điểm ký nằm ngoài thời hạn hiệu lực của chứng thư số".to_string(),
                    );
                }
            }
            rep.signer = Some(info);
            rep.trust = chain(&found.signer, &found.certs, trust, now);
            if let Trust::Untrusted { reason } = &rep.trust {
                rep.problems.push(format!("chưa được tin cậy: {reason}"));
            }
        }
        Err(why) => {
            rep.problems.push(why);
            rep.trust = Trust::Untrusted {
                reason: "không đọc được chữ ký".into(),
            };
        }
    }
    rep
}

/// A date as the reader reads it: 05/09/2021.
pub(crate) fn day(t: OffsetDateTime) -> String {
    format!("{:02}/{:02}/{}", t.day(), u8::from(t.month()), t.year())
}

struct CmsFound {
    signer: Certificate,
    certs: Vec<Certificate>,
    signing_time: Option<OffsetDateTime>,
    /// Why it is not valid, when it is not.
    problem: Option<String>,
}

/// Checks the CMS signature over the signed ranges. Err: the signature cannot be read at all.
fn check_cms(contents: &[u8], ranges: &[&[u8]]) -> Result<CmsFound, String> {
    let bad = |e: der::Error| format!("giá trị chữ ký (CMS) hỏng: {e}");
    // The value is padded with zeros after the DER structure.
    let mut r = SliceReader::new(contents).map_err(bad)?;
    let ci = ContentInfo::decode(&mut r).map_err(bad)?;
    if ci.content_type != oid::SIGNED_DATA {
        return Err("giá trị chữ ký không phải CMS SignedData".into());
    }
    let sd: SignedData = ci.content.decode_as().map_err(bad)?;
    let certs: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let si = match sd.signer_infos.0.as_slice() {
        [one] => one,
        [] => return Err("chữ ký CMS không có người ký nào (SignerInfo)".into()),
        _ => return Err("chữ ký CMS có nhiều người ký; chỉ hỗ trợ một".into()),
    };
    let signer = certs
        .iter()
        .find(|c| matches_sid(c, &si.sid))
        .cloned()
        .ok_or_else(|| "chữ ký không kèm chứng thư số của người ký".to_string())?;
    let mut found = CmsFound {
        signer,
        certs,
        signing_time: None,
        problem: None,
    };
    if sd.encap_content_info.econtent.is_some() {
        found.problem = Some("chữ ký không tách rời (CMS chứa cả nội dung)".into());
        return Ok(found);
    }
    let alg = si.digest_alg.oid;
    let Some(doc_digest) = cert::digest(alg, ranges) else {
        found.problem = Some(format!("thuật toán băm {alg} chưa được hỗ trợ"));
        return Ok(found);
    };
    let Some(attrs) = &si.signed_attrs else {
        found.problem = Some("chữ ký thiếu các thuộc tính được ký (signed attributes)".into());
        return Ok(found);
    };
    let mut md = None;
    for a in attrs.iter() {
        if a.oid == oid::MESSAGE_DIGEST {
            md = a
                .values
                .iter()
                .next()
                .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok());
        } else if a.oid == oid::SIGNING_TIME {
            found.signing_time = a
                .values
                .iter()
                .next()
                .and_then(|v| v.to_der().ok())
                .and_then(|d| x509_cert::time::Time::from_der(&d).ok())
                .map(cert::to_time);
        }
    }
    match md {
        None => {
            found.problem = Some("chữ ký thiếu thuộc tính message-digest".into());
            return Ok(found);
        }
        Some(m) if m.as_bytes() != doc_digest.as_slice() => {
            found.problem = Some(
                "nội dung đã bị sửa: mã băm của phần được ký không khớp với mã băm trong chữ ký"
                    .into(),
            );
            return Ok(found);
        }
        Some(_) => {}
    }
    // The signature is over the signed attributes as a DER SET OF: their bytes as sent when
    // they can be found, re-encoded otherwise.
    let signed = match raw_signed_attrs(contents) {
        Some(raw) => raw,
        None => attrs.to_der().map_err(bad)?,
    };
    let sig_alg = si.signature_algorithm.oid;
    if sig_alg == oid::RSASSA_PSS {
        found.problem = Some("chữ ký RSA-PSS chưa được hỗ trợ kiểm tra".into());
        return Ok(found);
    }
    let hash_alg = cert::hash_of_signature_alg(sig_alg).unwrap_or(alg);
    let Some(hashed) = cert::digest(hash_alg, &[&signed]) else {
        found.problem = Some(format!("thuật toán băm {hash_alg} chưa được hỗ trợ"));
        return Ok(found);
    };
    if let Err(why) =
        cert::verify_prehash(&found.signer, hash_alg, &hashed, si.signature.as_bytes())
    {
        found.problem = Some(format!("chữ ký không đúng: {why}"));
    }
    Ok(found)
}

fn matches_sid(c: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(is) => {
            c.tbs_certificate.issuer == is.issuer
                && c.tbs_certificate.serial_number == is.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => c
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .and_then(|e| der::asn1::OctetString::from_der(e.extn_value.as_bytes()).ok())
            .is_some_and(|k| k.as_bytes() == ski.0.as_bytes()),
    }
}

/// The signed attributes of the first SignerInfo exactly as encoded, with the `[0]` tag made
/// the SET tag the signature is computed over.
fn raw_signed_attrs(contents: &[u8]) -> Option<Vec<u8>> {
    use der::{Header, Tag, TagNumber};
    fn header(r: &mut SliceReader<'_>) -> Option<Header> {
        Header::decode(r).ok()
    }
    fn skip(r: &mut SliceReader<'_>) -> Option<()> {
        let h = header(r)?;
        r.read_slice(h.length).ok()?;
        Some(())
    }
    let mut r = SliceReader::new(contents).ok()?;
    header(&mut r)?; // ContentInfo
    skip(&mut r)?; // contentType
    header(&mut r)?; // [0]
    header(&mut r)?; // SignedData
    skip(&mut r)?; // version
    skip(&mut r)?; // digestAlgorithms
    skip(&mut r)?; // encapContentInfo
    loop {
        let t = r.peek_tag().ok()?;
        if t == Tag::Set {
            break;
        }
        skip(&mut r)?; // certificates [0], crls [1]
    }
    header(&mut r)?; // SET OF SignerInfo
    header(&mut r)?; // SignerInfo
    skip(&mut r)?; // version
    skip(&mut r)?; // sid
    skip(&mut r)?; // digestAlgorithm
    let t = r.peek_tag().ok()?;
    if t != (Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    }) {
        return None;
    }
    let start = usize::try_from(r.position()).ok()?;
    let h = header(&mut r)?;
    r.read_slice(h.length).ok()?;
    let end = usize::try_from(r.position()).ok()?;
    let mut out = contents.get(start..end)?.to_vec();
    out[0] = 0x31;
    Some(out)
}

/// The signer's chain to a trusted root: each certificate signed by the next, the issuers
/// certificate authorities, every one valid at `now`.
fn chain(
    signer: &Certificate,
    pool: &[Certificate],
    roots: Option<&[Certificate]>,
    now: OffsetDateTime,
) -> Trust {
    let Some(roots) = roots else {
        return Trust::NotConfigured;
    };
    let mut cur = signer.clone();
    for _ in 0..10 {
        // A trusted root itself, or issued by one.
        if roots.iter().any(|r| r == &cur) {
            return Trust::Trusted {
                root: CertInfo::of(&cur).name,
            };
        }
        if let Some(root) = roots.iter().find(|r| cert::issued_by(&cur, r).is_ok()) {
            let info = CertInfo::of(root);
            if !info.valid_at(now) {
                return Trust::Untrusted {
                    reason: format!("chứng thư gốc “{}” đã hết hạn", info.name),
                };
            }
            return Trust::Trusted { root: info.name };
        }
        let issuer = pool
            .iter()
            .filter(|c| *c != &cur)
            .find(|c| cert::issued_by(&cur, c).is_ok());
        match issuer {
            Some(i) => {
                let info = CertInfo::of(i);
                if !cert::is_ca(i) {
                    return Trust::Untrusted {
                        reason: format!("“{}” không phải tổ chức cấp chứng thư (CA)", info.name),
                    };
                }
                if !info.valid_at(now) {
                    return Trust::Untrusted {
                        reason: format!("chứng thư trung gian “{}” đã hết hạn", info.name),
                    };
                }
                cur = i.clone();
            }
            None => {
                let info = CertInfo::of(&cur);
                return Trust::Untrusted {
                    reason: if cur.tbs_certificate.issuer == cur.tbs_certificate.subject {
                        format!(
                            "chuỗi chứng thư dẫn tới gốc “{}”, không có trong danh sách tin cậy",
                            info.name
                        )
                    } else {
                        format!(
                            "không tìm thấy chứng thư của bên cấp “{}” trong chữ ký hay danh sách tin cậy",
                            info.issuer
                        )
                    },
                };
            }
        }
    }
    Trust::Untrusted {
        reason: "chuỗi chứng thư quá dài".into(),
    }
}
