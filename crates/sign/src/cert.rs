//! Certificates: what a reader is shown of them, their signatures, the trusted roots.

use const_oid::db::rfc4519;
use const_oid::ObjectIdentifier;
use der::{Decode, Encode, Tagged};
use sha2::{Digest, Sha256, Sha384, Sha512};
use time::OffsetDateTime;
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::Error;

/// Algorithm identifiers this crate knows.
pub(crate) mod oid {
    use const_oid::ObjectIdentifier as O;
    pub const SHA1: O = O::new_unwrap("1.3.14.3.2.26");
    pub const SHA256: O = O::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: O = O::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: O = O::new_unwrap("2.16.840.1.101.3.4.2.3");
    pub const RSA: O = O::new_unwrap("1.2.840.113549.1.1.1");
    pub const RSA_SHA256: O = O::new_unwrap("1.2.840.113549.1.1.11");
    pub const RSA_SHA384: O = O::new_unwrap("1.2.840.113549.1.1.12");
    pub const RSA_SHA512: O = O::new_unwrap("1.2.840.113549.1.1.13");
    pub const RSA_SHA1: O = O::new_unwrap("1.2.840.113549.1.1.5");
    pub const RSASSA_PSS: O = O::new_unwrap("1.2.840.113549.1.1.10");
    pub const EC_PUBLIC_KEY: O = O::new_unwrap("1.2.840.10045.2.1");
    pub const ECDSA_SHA256: O = O::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: O = O::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: O = O::new_unwrap("1.2.840.10045.4.3.4");
    pub const P256: O = O::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: O = O::new_unwrap("1.3.132.0.34");
    pub const DATA: O = O::new_unwrap("1.2.840.113549.1.7.1");
    pub const SIGNED_DATA: O = O::new_unwrap("1.2.840.113549.1.7.2");
    pub const CONTENT_TYPE: O = O::new_unwrap("1.2.840.113549.1.9.3");
    pub const MESSAGE_DIGEST: O = O::new_unwrap("1.2.840.113549.1.9.4");
    pub const SIGNING_TIME: O = O::new_unwrap("1.2.840.113549.1.9.5");
    pub const SIGNING_CERTIFICATE_V2: O = O::new_unwrap("1.2.840.113549.1.9.16.2.47");
    pub const BASIC_CONSTRAINTS: O = O::new_unwrap("2.5.29.19");
}

/// What a reader is told about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// The subject's common name (CN), else the whole subject.
    pub name: String,
    /// The subject's organisation (O), with its unit (OU) when there is one.
    pub organisation: Option<String>,
    /// The subject, whole (RFC 4514).
    pub subject: String,
    /// The issuer's common name, else the whole issuer.
    pub issuer: String,
    /// The serial number in upper-case hexadecimal.
    pub serial: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

impl CertInfo {
    pub fn of(cert: &Certificate) -> CertInfo {
        let tbs = &cert.tbs_certificate;
        let subject = tbs.subject.to_string();
        let org = attr(&tbs.subject, rfc4519::O);
        let unit = attr(&tbs.subject, rfc4519::OU);
        let organisation = match (org, unit) {
            (Some(o), Some(u)) => Some(format!("{u}, {o}")),
            (o, u) => o.or(u),
        };
        CertInfo {
            name: attr(&tbs.subject, rfc4519::CN).unwrap_or_else(|| subject.clone()),
            organisation,
            subject,
            issuer: attr(&tbs.issuer, rfc4519::CN).unwrap_or_else(|| tbs.issuer.to_string()),
            serial: tbs
                .serial_number
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect(),
            not_before: to_time(tbs.validity.not_before),
            not_after: to_time(tbs.validity.not_after),
        }
    }

    /// Whether the certificate is valid at `t`.
    pub fn valid_at(&self, t: OffsetDateTime) -> bool {
        self.not_before <= t && t <= self.not_after
    }
}

/// The first value of an attribute of a name, as text.
pub fn attr(name: &Name, want: ObjectIdentifier) -> Option<String> {
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid != want {
                continue;
            }
            let v = &atv.value;
            if let Ok(s) = v.decode_as::<der::asn1::Utf8StringRef<'_>>() {
                return Some(s.as_str().to_string());
            }
            if let Ok(s) = v.decode_as::<der::asn1::PrintableStringRef<'_>>() {
                return Some(s.as_str().to_string());
            }
            if let Ok(s) = v.decode_as::<der::asn1::Ia5StringRef<'_>>() {
                return Some(s.as_str().to_string());
            }
            if let Ok(s) = v.decode_as::<der::asn1::TeletexStringRef<'_>>() {
                return Some(s.as_str().to_string());
            }
            if v.tag() == der::Tag::BmpString {
                let units: Vec<u16> = v
                    .value()
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                return Some(String::from_utf16_lossy(&units));
            }
        }
    }
    None
}

pub(crate) fn to_time(t: x509_cert::time::Time) -> OffsetDateTime {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The hash of `data` with the digest algorithm `alg`, or None for an unknown one.
pub(crate) fn digest(alg: ObjectIdentifier, parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().to_vec()
    }
    match alg {
        a if a == oid::SHA256 => Some(run::<Sha256>(parts)),
        a if a == oid::SHA384 => Some(run::<Sha384>(parts)),
        a if a == oid::SHA512 => Some(run::<Sha512>(parts)),
        a if a == oid::SHA1 => Some(run::<sha1::Sha1>(parts)),
        _ => None,
    }
}

/// The digest algorithm a signature algorithm hashes with, when it names one.
pub(crate) fn hash_of_signature_alg(alg: ObjectIdentifier) -> Option<ObjectIdentifier> {
    Some(match alg {
        a if a == oid::RSA_SHA256 || a == oid::ECDSA_SHA256 => oid::SHA256,
        a if a == oid::RSA_SHA384 || a == oid::ECDSA_SHA384 => oid::SHA384,
        a if a == oid::RSA_SHA512 || a == oid::ECDSA_SHA512 => oid::SHA512,
        a if a == oid::RSA_SHA1 => oid::SHA1,
        _ => return None,
    })
}

/// Checks `sig` over the hash `hashed` (made with `hash_alg`) with the certificate's public key:
/// RSA PKCS#1 v1.5, or ECDSA on P-256 or P-384. Err is a Vietnamese reason.
pub(crate) fn verify_prehash(
    cert: &Certificate,
    hash_alg: ObjectIdentifier,
    hashed: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let spki_der = spki
        .to_der()
        .map_err(|e| format!("khóa công khai không đọc được ({e})"))?;
    if spki.algorithm.oid == oid::RSA {
        use rsa::pkcs8::DecodePublicKey;
        let key = rsa::RsaPublicKey::from_public_key_der(&spki_der)
            .map_err(|e| format!("khóa RSA không đọc được ({e})"))?;
        let scheme = match hash_alg {
            a if a == oid::SHA256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            a if a == oid::SHA384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            a if a == oid::SHA512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
            a if a == oid::SHA1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            other => return Err(format!("thuật toán băm {other} chưa được hỗ trợ")),
        };
        key.verify(scheme, hashed, sig)
            .map_err(|_| "chữ ký không khớp với khóa công khai".to_string())
    } else if spki.algorithm.oid == oid::EC_PUBLIC_KEY {
        use signature::hazmat::PrehashVerifier;
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let ok = match curve {
            Some(c) if c == oid::P256 => {
                use p256::pkcs8::DecodePublicKey;
                let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
                    .map_err(|e| format!("khóa ECDSA không đọc được ({e})"))?;
                let s = p256::ecdsa::Signature::from_der(sig)
                    .map_err(|_| "giá trị chữ ký ECDSA hỏng".to_string())?;
                key.verify_prehash(hashed, &s).is_ok()
            }
            Some(c) if c == oid::P384 => {
                use p384::pkcs8::DecodePublicKey;
                let key = p384::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
                    .map_err(|e| format!("khóa ECDSA không đọc được ({e})"))?;
                let s = p384::ecdsa::Signature::from_der(sig)
                    .map_err(|_| "giá trị chữ ký ECDSA hỏng".to_string())?;
                key.verify_prehash(hashed, &s).is_ok()
            }
            _ => return Err("đường cong elliptic chưa được hỗ trợ".to_string()),
        };
        if ok {
            Ok(())
        } else {
            Err("chữ ký không khớp với khóa công khai".to_string())
        }
    } else {
        Err(format!("loại khóa {} chưa được hỗ trợ", spki.algorithm.oid))
    }
}

/// Whether `issuer` signed `cert` (its signature over the to-be-signed part).
pub(crate) fn issued_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Err("tên bên cấp không khớp".to_string());
    }
    let alg = cert.signature_algorithm.oid;
    let hash = hash_of_signature_alg(alg)
        .ok_or_else(|| format!("thuật toán ký chứng thư {alg} chưa được hỗ trợ"))?;
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| format!("chứng thư hỏng ({e})"))?;
    let hashed = digest(hash, &[&tbs]).ok_or_else(|| "thuật toán băm lạ".to_string())?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or_else(|| "chữ ký của chứng thư hỏng".to_string())?;
    verify_prehash(issuer, hash, &hashed, sig)
}

/// Whether the certificate may issue certificates (basicConstraints cA; a version 1
/// certificate without extensions is taken as a CA only when it is a trusted root).
pub(crate) fn is_ca(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == oid::BASIC_CONSTRAINTS)
        .and_then(|e| {
            x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).ok()
        })
        .is_some_and(|bc| bc.ca)
}

/// Reads trusted roots: PEM (one or more `CERTIFICATE` blocks) or one DER certificate.
///
/// # Errors
/// [`Error::TrustStore`] when nothing readable is found.
pub fn parse_certificates(data: &[u8]) -> Result<Vec<Certificate>, Error> {
    if data.starts_with(b"-----") || data.windows(11).any(|w| w == b"-----BEGIN ") {
        let certs = Certificate::load_pem_chain(data)
            .map_err(|e| Error::TrustStore(format!("PEM hỏng ({e})")))?;
        if certs.is_empty() {
            return Err(Error::TrustStore("không có chứng thư nào".into()));
        }
        return Ok(certs);
    }
    Certificate::from_der(data)
        .map(|c| vec![c])
        .map_err(|e| Error::TrustStore(format!("không phải PEM hay DER ({e})")))
}
