//! Signing a PDF: PAdES baseline B-B in an incremental update.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use lopdf::{Dictionary, Document, Object, ObjectId};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use time::OffsetDateTime;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use crate::cert::{oid, CertInfo};
use crate::write::{object, text_string, Obj};
use crate::{appearance, pdf, Error};

/// A font for the visible signature (the caller reads it; this crate does no I/O).
#[derive(Debug, Clone, Copy)]
pub struct FontData<'a> {
    pub data: &'a [u8],
    pub index: u32,
}

/// A visible signature.
#[derive(Debug, Clone)]
pub struct Appearance<'a> {
    /// The page, from 1.
    pub page: usize,
    /// `[x1 y1 x2 y2]` in the page's PDF coordinates (points, origin at the bottom left).
    pub rect: [f32; 4],
    /// The lines shown (see [`Appearance::lines`]).
    pub lines: Vec<String>,
    pub font: FontData<'a>,
}

impl Appearance<'_> {
    /// The usual lines: who signed, their position, their organisation, when.
    pub fn lines(signer: &CertInfo, title: Option<&str>, time: OffsetDateTime) -> Vec<String> {
        let mut lines = vec![format!("Ký bởi: {}", signer.name)];
        if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
            lines.push(format!("Chức vụ: {}", t.trim()));
        }
        if let Some(o) = &signer.organisation {
            lines.push(format!("Cơ quan: {o}"));
        }
        lines.push(format!("Thời gian ký: {}", display_time(time)));
        lines
    }
}

/// `05/09/2021 14:30:00 (UTC+07:00)`.
pub fn display_time(t: OffsetDateTime) -> String {
    let o = t.offset();
    let (h, m, _) = o.as_hms();
    format!(
        "{:02}/{:02}/{} {:02}:{:02}:{:02} (UTC{}{:02}:{:02})",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute(),
        t.second(),
        if o.is_negative() { '-' } else { '+' },
        h.unsigned_abs(),
        m.unsigned_abs()
    )
}

/// What to sign and how.
#[derive(Debug, Clone)]
pub struct SignRequest<'a> {
    pub pdf: &'a [u8],
    /// The signing time (written as the signature dictionary's /M, as PAdES B-B asks).
    pub time: OffsetDateTime,
    /// The signature field's name (default "ChuKy1", "ChuKy2"… the first free).
    pub field: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// A visible signature, or none (an invisible one on the first page).
    pub appearance: Option<Appearance<'a>>,
}

/// A signing key with its certificates, from a PKCS#12 file.
pub struct Key {
    /// The signer's certificate first, then the rest of the chain the file holds (never
    /// empty).
    certs: Vec<Certificate>,
    key: KeyKind,
}

enum KeyKind {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("certs", &self.certs.len())
            .finish_non_exhaustive()
    }
}

impl Key {
    /// Opens a PKCS#12 file (PBES2/AES as OpenSSL 3 writes, or the legacy 3DES/RC2).
    ///
    /// # Errors
    /// [`Error::Pkcs12`] (wrong password, damaged file), [`Error::NoKey`],
    /// [`Error::UnsupportedKey`], [`Error::Certificate`].
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Key, Error> {
        use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
        let ks = KeyStore::from_pkcs12(data, password, Pkcs12ImportPolicy::Strict)
            .map_err(|e| Error::Pkcs12(e.to_string()))?;
        let (_, chain) = ks.private_key_chain().ok_or(Error::NoKey)?;
        let certs = chain
            .certs()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Certificate(e.to_string()))?;
        if certs.is_empty() {
            return Err(Error::NoKey);
        }
        let der = chain.key().as_der();
        let alg = chain.key().oid().to_string();
        let key = if alg == oid::RSA.to_string() {
            use rsa::pkcs8::DecodePrivateKey;
            KeyKind::Rsa(Box::new(rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(
                |e| Error::UnsupportedKey(format!("khóa RSA hỏng ({e})")),
            )?))
        } else if alg == oid::EC_PUBLIC_KEY.to_string() {
            use p256::pkcs8::DecodePrivateKey;
            KeyKind::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|_| {
                Error::UnsupportedKey("khóa ECDSA không trên đường cong P-256".into())
            })?)
        } else {
            return Err(Error::UnsupportedKey(alg));
        };
        let k = Key { certs, key };
        // The leaf must be the key's certificate: check by signing and verifying.
        let probe = Sha256::digest(b"baocao").to_vec();
        let sig = k.sign_hash(&probe)?;
        crate::cert::verify_prehash(&k.certs[0], oid::SHA256, &probe, &sig).map_err(|_| {
            Error::Certificate("chứng thư đầu tiên không khớp với khóa bí mật".into())
        })?;
        Ok(k)
    }

    /// The signer's certificate first, then the rest of the chain.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// What the signer's certificate says.
    pub fn signer(&self) -> CertInfo {
        CertInfo::of(&self.certs[0])
    }

    fn sign_hash(&self, hashed: &[u8]) -> Result<Vec<u8>, Error> {
        match &self.key {
            KeyKind::Rsa(k) => k
                .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), hashed)
                .map_err(|e| Error::Signing(e.to_string())),
            KeyKind::P256(k) => {
                use signature::hazmat::PrehashSigner;
                let s: p256::ecdsa::Signature = k
                    .sign_prehash(hashed)
                    .map_err(|e| Error::Signing(e.to_string()))?;
                Ok(s.to_der().as_bytes().to_vec())
            }
        }
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match &self.key {
            KeyKind::Rsa(_) => AlgorithmIdentifierOwned {
                oid: oid::RSA,
                parameters: Some(Any::null()),
            },
            KeyKind::P256(_) => AlgorithmIdentifierOwned {
                oid: oid::ECDSA_SHA256,
                parameters: None,
            },
        }
    }
}

/// ESS `IssuerSerial` (RFC 5035).
#[derive(Clone, Debug, der::Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// ESS `ESSCertIDv2` with the default hash algorithm (SHA-256), which DER leaves out.
#[derive(Clone, Debug, der::Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// ESS `SigningCertificateV2` (RFC 5035), without policies.
#[derive(Clone, Debug, der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(id: const_oid::ObjectIdentifier, value: &impl Encode) -> Result<Attribute, Error> {
    let v = Any::from_der(&value.to_der().map_err(der_err)?).map_err(der_err)?;
    Ok(Attribute {
        oid: id,
        values: SetOfVec::try_from(vec![v]).map_err(der_err)?,
    })
}

fn der_err(e: der::Error) -> Error {
    Error::Signing(format!("mã hóa DER lỗi ({e})"))
}

/// The CMS SignedData (detached, SHA-256, signed attributes content-type, message-digest,
/// signing-certificate-v2) over the document digest, DER.
fn cms(key: &Key, doc_digest: &[u8]) -> Result<Vec<u8>, Error> {
    let leaf = &key.certs[0];
    let tbs = &leaf.tbs_certificate;
    let leaf_der = leaf.to_der().map_err(der_err)?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&leaf_der).to_vec()).map_err(der_err)?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer.clone())],
                serial_number: tbs.serial_number.clone(),
            },
        }],
    };
    let attrs = SetOfVec::try_from(vec![
        attribute(oid::CONTENT_TYPE, &oid::DATA)?,
        attribute(
            oid::MESSAGE_DIGEST,
            &OctetString::new(doc_digest.to_vec()).map_err(der_err)?,
        )?,
        attribute(oid::SIGNING_CERTIFICATE_V2, &ess)?,
    ])
    .map_err(der_err)?;
    let signed = attrs.to_der().map_err(der_err)?;
    let signature = key.sign_hash(&Sha256::digest(&signed))?;
    let sha256 = AlgorithmIdentifierOwned {
        oid: oid::SHA256,
        parameters: None,
    };
    let si = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm: key.signature_algorithm(),
        signature: OctetString::new(signature).map_err(der_err)?,
        unsigned_attrs: None,
    };
    let certs = key
        .certs
        .iter()
        .map(|c| CertificateChoices::Certificate(c.clone()))
        .collect::<Vec<_>>();
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256]).map_err(der_err)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oid::DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(certs).map_err(der_err)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![si]).map_err(der_err)?),
    };
    ContentInfo {
        content_type: oid::SIGNED_DATA,
        content: Any::encode_from(&sd).map_err(der_err)?,
    }
    .to_der()
    .map_err(der_err)
}

/// The width reserved for the `/ByteRange` array, characters.
const BYTE_RANGE_WIDTH: usize = 48;

/// Signs `req.pdf` with `key`: the original bytes, untouched, then an incremental update with
/// the signature dictionary, its field and widget (visible when `req.appearance` says where),
/// the page and form that list them, and a cross-reference section of the file's kind.
///
/// # Errors
/// The PDF cannot be read ([`Error::NotPdf`], [`Error::Encrypted`]…), the page does not exist,
/// the place is too small, the font lacks a letter, the key cannot sign.
pub fn sign(req: &SignRequest<'_>, key: &Key) -> Result<Vec<u8>, Error> {
    let doc = pdf::load(req.pdf)?;
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let page_no = req.appearance.as_ref().map_or(1, |a| a.page);
    let page_id = *pages.get(page_no.wrapping_sub(1)).ok_or(Error::NoPage {
        page: page_no,
        pages: pages.len(),
    })?;
    let size = doc
        .trailer
        .get(b"Size")
        .ok()
        .and_then(|o| o.as_i64().ok())
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0);
    let mut next = size.max(doc.max_id + 1);
    let mut alloc = || {
        let n = next;
        next += 1;
        n
    };
    let existing: Vec<String> = pdf::signature_fields(&doc, req.pdf)
        .into_iter()
        .map(|f| f.name)
        .chain(all_field_names(&doc))
        .collect();
    let field = req.field.clone().unwrap_or_else(|| {
        (1..)
            .map(|i| format!("ChuKy{i}"))
            .find(|n| !existing.contains(n))
            .unwrap_or_else(|| "ChuKy".into())
    });
    if existing.contains(&field) {
        return Err(Error::Signing(format!("đã có trường chữ ký tên “{field}”")));
    }

    let sig_id = alloc();
    let widget_id = alloc();
    // (number, generation, body)
    let mut objects: Vec<(u32, u16, Vec<u8>)> = Vec::new();

    // The visible appearance.
    let (rect, ap) = match &req.appearance {
        Some(a) => {
            let [x1, y1, x2, y2] = a.rect;
            let (w, h) = (x2 - x1, y2 - y1);
            if !(w.is_finite() && h.is_finite()) || w <= 0.0 || h <= 0.0 {
                return Err(Error::BadRect(format!("[{x1} {y1} {x2} {y2}]")));
            }
            let built = appearance::build(&a.lines, w, h, &a.font, &mut alloc)?;
            let ap_id = alloc();
            objects.push((
                ap_id,
                0,
                Obj::stream(
                    &format!(
                        "/Type /XObject /Subtype /Form /BBox [0 0 {w:.2} {h:.2}] \
                         /Resources << /Font << /F1 {} 0 R >> >>",
                        built.font
                    ),
                    &built.stream,
                ),
            ));
            for (id, body) in built.objects {
                objects.push((id, 0, body));
            }
            (format!("[{x1:.2} {y1:.2} {x2:.2} {y2:.2}]"), Some(ap_id))
        }
        None => ("[0 0 0 0]".to_string(), None),
    };
    let mut widget = format!(
        "/Type /Annot /Subtype /Widget /FT /Sig /T {} /V {sig_id} 0 R /F 132 /P {} {} R /Rect {rect}",
        text_string(&field),
        page_id.0,
        page_id.1
    );
    if let Some(ap) = ap {
        widget.push_str(&format!(" /AP << /N {ap} 0 R >>"));
    }
    objects.push((widget_id, 0, Obj::dict(&widget)));
    let widget_ref = Object::Reference((widget_id, 0));

    // The page lists the widget among its annotations.
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(|e| Error::Unreadable(e.to_string()))?
        .clone();
    match page.get(b"Annots") {
        Ok(Object::Reference(aid)) => {
            let aid = *aid;
            let mut arr = match doc.get_object(aid) {
                Ok(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            arr.push(widget_ref.clone());
            objects.push((aid.0, aid.1, body(&Object::Array(arr))));
        }
        Ok(Object::Array(a)) => {
            let mut a = a.clone();
            a.push(widget_ref.clone());
            page.set("Annots", Object::Array(a));
            objects.push((page_id.0, page_id.1, body(&Object::Dictionary(page))));
        }
        _ => {
            page.set("Annots", Object::Array(vec![widget_ref.clone()]));
            objects.push((page_id.0, page_id.1, body(&Object::Dictionary(page))));
        }
    }

    // The form lists the field; SigFlags 3: signatures exist, append only.
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| Error::Unreadable("/Root không phải tham chiếu".into()))?;
    let mut catalog = doc
        .get_dictionary(root_id)
        .map_err(|e| Error::Unreadable(e.to_string()))?
        .clone();
    let form_ref = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(fid)) => Some(*fid),
        _ => None,
    };
    let mut form = match catalog.get(b"AcroForm") {
        Ok(o) => match doc.dereference(o) {
            Ok((_, Object::Dictionary(d))) => d.clone(),
            _ => Dictionary::new(),
        },
        Err(_) => Dictionary::new(),
    };
    let mut fields = pdf::get_array(&doc, &form, b"Fields")
        .cloned()
        .unwrap_or_default();
    fields.push(widget_ref);
    form.set("Fields", Object::Array(fields));
    form.set("SigFlags", Object::Integer(3));
    match form_ref {
        Some(fid) => objects.push((fid.0, fid.1, body(&Object::Dictionary(form)))),
        None => {
            catalog.set("AcroForm", Object::Dictionary(form));
            objects.push((root_id.0, root_id.1, body(&Object::Dictionary(catalog))));
        }
    }

    // The update: the objects, the signature dictionary last but one, the cross-reference.
    let mut out = req.pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, u16, usize)> = Vec::new();
    for (id, gen, b) in &objects {
        offsets.push((*id, *gen, out.len()));
        out.extend_from_slice(format!("{id} {gen} obj\n").as_bytes());
        out.extend_from_slice(b);
        out.extend_from_slice(b"\nendobj\n");
    }
    // The CMS's size is known before the digest: a trial over a zero digest.
    let reserve = cms(key, &[0u8; 32])?.len() + 64;
    offsets.push((sig_id, 0, out.len()));
    let mut sig = format!(
        "{sig_id} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M {}",
        text_string(&pdf_date(req.time))
    );
    if let Some(r) = &req.reason {
        sig.push_str(&format!(" /Reason {}", text_string(r)));
    }
    if let Some(l) = &req.location {
        sig.push_str(&format!(" /Location {}", text_string(l)));
    }
    sig.push_str(&format!(" /Name {}", text_string(&key.signer().name)));
    sig.push_str(" /ByteRange ");
    out.extend_from_slice(sig.as_bytes());
    let br_at = out.len();
    out.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
    out.extend_from_slice(b" /Contents ");
    let contents_at = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', 2 * reserve));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b" >>\nendobj\n");

    let prev = doc.xref_start;
    let stream_xref = !req.pdf.get(prev..).is_some_and(|s| s.starts_with(b"xref"));
    let mut trailer = String::new();
    for k in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(v) = doc.trailer.get(k) {
            let mut b = Vec::new();
            object(v, &mut b);
            trailer.push_str(&format!(
                " /{} {}",
                String::from_utf8_lossy(k),
                String::from_utf8_lossy(&b)
            ));
        }
    }
    if stream_xref {
        let xref_id = alloc();
        let xref_at = out.len();
        offsets.push((xref_id, 0, xref_at));
        offsets.sort_by_key(|o| o.0);
        let mut data = Vec::new();
        let mut index = String::new();
        for (id, gen, at) in &offsets {
            index.push_str(&format!("{id} 1 "));
            data.push(1u8);
            data.extend_from_slice(
                &u32::try_from(*at)
                    .map_err(|_| Error::TooLarge {
                        size: *at,
                        max: u32::MAX as usize,
                    })?
                    .to_be_bytes(),
            );
            data.extend_from_slice(&gen.to_be_bytes());
        }
        out.extend_from_slice(format!("{xref_id} 0 obj\n").as_bytes());
        out.extend_from_slice(&Obj::stream(
            &format!(
                "/Type /XRef /Size {next} /W [1 4 2] /Index [{}] /Prev {prev}{trailer}",
                index.trim_end()
            ),
            &data,
        ));
        out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    } else {
        let xref_at = out.len();
        offsets.sort_by_key(|o| o.0);
        out.extend_from_slice(b"xref\n");
        for (id, gen, at) in &offsets {
            out.extend_from_slice(format!("{id} 1\n{at:010} {gen:05} n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {next} /Prev {prev}{trailer} >>\nstartxref\n{xref_at}\n%%EOF\n"
            )
            .as_bytes(),
        );
    }

    // Now the ranges are known: write them, hash, sign, fill in the signature.
    let len = out.len();
    let br = format!("[0 {contents_at} {contents_end} {}]", len - contents_end);
    if br.len() > BYTE_RANGE_WIDTH {
        return Err(Error::TooLarge {
            size: len,
            max: crate::MAX_PDF_BYTES,
        });
    }
    out[br_at..br_at + br.len()].copy_from_slice(br.as_bytes());
    let mut h = Sha256::new();
    h.update(&out[..contents_at]);
    h.update(&out[contents_end..]);
    let signed = cms(key, &h.finalize())?;
    if signed.len() > reserve {
        return Err(Error::Signing("chữ ký dài hơn chỗ đã dành".into()));
    }
    let hex: Vec<u8> = signed
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect();
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(&hex);
    Ok(out)
}

fn body(o: &Object) -> Vec<u8> {
    let mut b = Vec::new();
    object(o, &mut b);
    b
}

/// Names of every top-level form field (to pick a free one).
fn all_field_names(doc: &Document) -> Vec<String> {
    pdf::acroform(doc)
        .and_then(|f| pdf::get_array(doc, f, b"Fields"))
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| match doc.dereference(f) {
                    Ok((_, Object::Dictionary(d))) => {
                        d.get(b"T").ok().and_then(|t| pdf::text(doc, t))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `D:20210905143000+07'00'`.
pub fn pdf_date(t: OffsetDateTime) -> String {
    let (h, m, _) = t.offset().as_hms();
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{}{:02}'{:02}'",
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
