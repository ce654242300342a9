//! Signing and verifying against a test PKI made at run time (scripts/test-pki.sh, openssl),
//! with poppler's pdfsig and pyHanko as independent verifiers.

use std::path::{Path, PathBuf};
use std::process::Command;

use sign::{Appearance, FontData, Key, SignRequest, Trust};
use time::OffsetDateTime;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let st = Command::new("bash")
            .arg(repo().join("scripts/test-pki.sh"))
            .arg(dir.path())
            .status()
            .expect("openssl (scripts/test-pki.sh)");
        assert!(st.success(), "scripts/test-pki.sh failed");
        Pki { dir }
    }
    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }
    fn read(&self, f: &str) -> Vec<u8> {
        std::fs::read(self.path(f)).unwrap()
    }
    fn key(&self, name: &str) -> Key {
        Key::from_pkcs12(&self.read(&format!("{name}.p12")), "matkhau").unwrap()
    }
    fn roots(&self) -> Vec<x509_cert::Certificate> {
        sign::parse_certificates(&self.read("root.pem")).unwrap()
    }
}

fn font() -> Vec<u8> {
    let out = Command::new("fc-match")
        .args(["-f", "%{file}", "Liberation Serif:style=Regular"])
        .output()
        .expect("fc-match");
    std::fs::read(String::from_utf8(out.stdout).unwrap()).expect("a serif font")
}

/// A small PDF of `n` pages, written by hand (classic cross-reference table).
fn minimal_pdf(n: usize) -> Vec<u8> {
    let mut objs: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut kids = Vec::new();
    for i in 0..n {
        let page = objs.len() + 1;
        kids.push(format!("{page} 0 R"));
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
            page + 1
        ));
        let text = format!("BT /F1 14 Tf 72 760 Td (Bao cao trang {}) Tj ET", i + 1);
        objs.push(format!(
            "<< /Length {} >>\nstream\n{text}\nendstream",
            text.len()
        ));
    }
    objs[1] = format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" "));
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn signing_time() -> OffsetDateTime {
    now().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
}

fn sign_with(pdf: &[u8], key: &Key, font: &[u8], page: usize) -> Vec<u8> {
    let t = signing_time();
    let req = SignRequest {
        pdf,
        time: t,
        field: None,
        reason: Some("Phê duyệt báo cáo".into()),
        location: Some("Hà Giang".into()),
        appearance: Some(Appearance {
            page,
            rect: [320.0, 100.0, 540.0, 170.0],
            lines: Appearance::lines(&key.signer(), Some("Bí thư"), t),
            font: FontData {
                data: font,
                index: 0,
            },
        }),
    };
    sign::sign(&req, key).unwrap()
}

fn pdfsig(path: &Path) -> String {
    let out = Command::new("pdfsig")
        .arg(path)
        .output()
        .expect("pdfsig (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn pyhanko(path: &Path, root: &Path) -> Vec<serde_json::Value> {
    let out = Command::new("python3")
        .arg(repo().join("scripts/pyhanko_check.py"))
        .arg("verify")
        .arg(path)
        .arg(root)
        .output()
        .expect("python3 with pyHanko");
    assert!(
        out.status.success(),
        "pyHanko: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Where `needle` first occurs in `hay` (bytes: the files have binary parts).
fn pos(hay: &[u8], needle: &str) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle} not found"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn signatures_are_valid_for_us_pdfsig_and_pyhanko_rsa_and_ecdsa_and_a_second_keeps_the_first() {
    let pki = Pki::new();
    let font = font();
    let original = minimal_pdf(2);
    let rsa = sign_with(&original, &pki.key("signer"), &font, 2);
    assert!(
        rsa.starts_with(&original),
        "an incremental update keeps the original bytes"
    );
    let both = sign_with(&rsa, &pki.key("signer-ec"), &font, 1);
    assert!(both.starts_with(&rsa));

    let v = sign::verify(&rsa, Some(&pki.roots()), now()).unwrap();
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    assert!(s.ok(), "{s:?}");
    let who = s.signer.as_ref().unwrap();
    assert_eq!(who.name, "Nguyễn Văn An");
    assert_eq!(who.organisation.as_deref(), Some("Tỉnh ủy Hà Giang"));
    assert_eq!(who.issuer, "CA trung gian thử nghiệm");
    assert_eq!(s.page, Some(2));
    assert_eq!(s.sub_filter, "ETSI.CAdES.detached");
    assert_eq!(
        s.signing_time.unwrap().unix_timestamp(),
        signing_time().unix_timestamp()
    );
    assert_eq!(
        s.trust,
        Trust::Trusted {
            root: "Gốc thử nghiệm baocao".into()
        }
    );

    let v = sign::verify(&both, Some(&pki.roots()), now()).unwrap();
    assert_eq!(v.signatures.len(), 2);
    assert_eq!(v.revisions, 3);
    for s in &v.signatures {
        assert!(s.ok(), "{s:?}");
    }
    assert_eq!(v.signatures[0].updates_after, 1);
    assert_eq!(v.signatures[0].updates_signed_later, 1);
    assert_eq!(
        v.signatures[1].signer.as_ref().unwrap().name,
        "Trần Thị Bình"
    );

    // Independent verifiers.
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "both.pdf", &both);
    let out = pdfsig(&p);
    assert_eq!(out.matches("Signature is Valid.").count(), 2, "{out}");
    assert!(
        out.contains("Nguyễn Văn An") && out.contains("Trần Thị Bình"),
        "{out}"
    );
    assert!(out.contains("Total document signed"), "{out}");
    let ph = pyhanko(&p, &pki.path("root.pem"));
    assert_eq!(ph.len(), 2, "{ph:?}");
    for s in &ph {
        assert_eq!(s["intact"], true, "{ph:?}");
        assert_eq!(s["valid"], true, "{ph:?}");
        assert_eq!(s["trusted"], true, "{ph:?}");
    }
    assert_eq!(ph[1]["coverage"], "ENTIRE_FILE", "{ph:?}");
    // The first signature is followed by the second's update, which pyHanko accepts as a
    // permitted change (a form filling).
    assert_ne!(ph[0]["modification"], "OTHER", "{ph:?}");
}

#[test]
fn a_pdf_with_cross_reference_streams_gets_one_too() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let src = write(dir.path(), "in.pdf", &minimal_pdf(2));
    let packed = dir.path().join("packed.pdf");
    let st = Command::new("python3")
        .args([
            "-c",
            "import pikepdf,sys; p=pikepdf.open(sys.argv[1]); p.save(sys.argv[2], object_stream_mode=pikepdf.ObjectStreamMode.generate)",
        ])
        .arg(&src)
        .arg(&packed)
        .status()
        .unwrap();
    assert!(st.success());
    let signed = sign_with(
        &std::fs::read(&packed).unwrap(),
        &pki.key("signer"),
        &font(),
        1,
    );
    let tail = String::from_utf8_lossy(&signed[signed.len() - 2000..]).into_owned();
    assert!(
        tail.contains("/Type /XRef") && !tail.contains("\ntrailer"),
        "{tail}"
    );
    let v = sign::verify(&signed, Some(&pki.roots()), now()).unwrap();
    assert!(v.all_ok(), "{v:?}");
    let p = write(dir.path(), "signed.pdf", &signed);
    let out = pdfsig(&p);
    assert!(
        out.contains("Signature is Valid.") && out.contains("Total document signed"),
        "{out}"
    );
    let ph = pyhanko(&p, &pki.path("root.pem"));
    assert_eq!(
        (ph[0]["intact"].clone(), ph[0]["valid"].clone()),
        (true.into(), true.into()),
        "{ph:?}"
    );
}

#[test]
fn a_pdf_signed_by_pyhanko_is_verified() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let src = write(dir.path(), "in.pdf", &minimal_pdf(1));
    let dst = dir.path().join("out.pdf");
    let st = Command::new("python3")
        .arg(repo().join("scripts/pyhanko_check.py"))
        .arg("sign")
        .arg(&src)
        .arg(&dst)
        .arg(pki.path("signer.key"))
        .arg(pki.path("signer.pem"))
        .arg(pki.path("inter.pem"))
        .status()
        .unwrap();
    assert!(st.success());
    let v = sign::verify(&std::fs::read(&dst).unwrap(), Some(&pki.roots()), now()).unwrap();
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    assert!(s.ok(), "{s:?}");
    assert_eq!(s.field, "ChuKyPyHanko");
    assert_eq!(s.signer.as_ref().unwrap().name, "Nguyễn Văn An");
}

/// Appends a page to `pdf` (made by [`minimal_pdf`] with `n` pages) as an incremental update.
fn add_page(pdf: &[u8], n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf);
    let prev: usize = text
        .rsplit("startxref")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let doc = lopdf_size(pdf);
    let (page, content) = (doc, doc + 1);
    let mut out = pdf.to_vec();
    let mut offs = Vec::new();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let body = [
        (2, format!("<< /Type /Pages /Kids [{} {page} 0 R] /Count {} >>", kids.join(" "), n + 1)),
        (page, format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources << /Font << /F1 3 0 R >> >> >>")),
        (content, "<< /Length 42 >>\nstream\nBT /F1 14 Tf 72 760 Td (Trang them) Tj ET\nendstream".to_string()),
    ];
    for (id, b) in &body {
        offs.push((*id, out.len()));
        out.extend_from_slice(format!("{id} 0 obj\n{b}\nendobj\n").as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (id, at) in offs {
        out.extend_from_slice(format!("{id} 1\n{at:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            content + 1
        )
        .as_bytes(),
    );
    out
}

/// The trailer's /Size of the last section.
fn lopdf_size(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("/Size ").unwrap();
    text[at + 6..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn tampering_untrusted_roots_and_expired_certificates_are_reported() {
    let pki = Pki::new();
    let font = font();
    let roots = pki.roots();
    let signed = sign_with(&minimal_pdf(1), &pki.key("signer"), &font, 1);

    // A byte changed inside the signed range: the page's text.
    let mut changed = signed.clone();
    let at = pos(&changed, "Bao cao trang 1");
    changed[at] = b'X';
    let v = sign::verify(&changed, Some(&roots), now()).unwrap();
    let s = &v.signatures[0];
    assert!(!s.crypto_valid && !s.ok());
    assert!(
        s.problems.iter().any(|p| p.contains("mã băm")),
        "{:?}",
        s.problems
    );
    assert_eq!(s.verdict(), "KHÔNG HỢP LỆ");

    // A page added after signing, by an incremental update.
    let added = add_page(&signed, 1);
    let v = sign::verify(&added, Some(&roots), now()).unwrap();
    let s = &v.signatures[0];
    assert!(s.crypto_valid, "the signed revision itself is untouched");
    assert!(!s.intact() && !s.ok());
    assert_eq!(s.updates_after, 1);
    assert!(s.bytes_after > 0);
    assert!(
        s.problems
            .iter()
            .any(|p| p.contains("đã bị thay đổi sau khi ký")),
        "{:?}",
        s.problems
    );
    assert_eq!(s.verdict(), "hợp lệ, nhưng tệp đã bị thay đổi sau khi ký");
    // poppler agrees that the signature no longer covers the whole file.
    let dir = tempfile::tempdir().unwrap();
    let out = pdfsig(&write(dir.path(), "added.pdf", &added));
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(!out.contains("Total document signed"), "{out}");

    // A signer under a root nobody trusts.
    let other = sign_with(&minimal_pdf(1), &pki.key("other"), &font, 1);
    let s = &sign::verify(&other, Some(&roots), now())
        .unwrap()
        .signatures[0];
    assert!(s.crypto_valid && s.intact() && !s.ok());
    match &s.trust {
        Trust::Untrusted { reason } => assert!(reason.contains("Gốc lạ"), "{reason}"),
        t => panic!("{t:?}"),
    }
    assert_eq!(s.verdict(), "hợp lệ nhưng chưa được tin cậy");

    // An expired signer's certificate.
    let expired = sign_with(&minimal_pdf(1), &pki.key("expired"), &font, 1);
    let s = &sign::verify(&expired, Some(&roots), now())
        .unwrap()
        .signatures[0];
    assert!(s.crypto_valid && s.expired && !s.ok());
    assert!(
        s.problems
            .iter()
            .any(|p| p.contains("đã hết hạn (01/01/2021)")),
        "{:?}",
        s.problems
    );

    // No trust store configured: valid, said to be not trusted.
    let s = &sign::verify(&signed, None, now()).unwrap().signatures[0];
    assert!(s.crypto_valid && s.intact() && !s.ok());
    assert_eq!(s.trust, Trust::NotConfigured);
    assert!(s.verdict().starts_with("hợp lệ nhưng chưa được tin cậy"));
}

#[test]
fn bad_input_gives_vietnamese_errors() {
    let pki = Pki::new();
    let roots = pki.roots();
    let err = |b: &[u8]| {
        sign::verify(b, Some(&roots), now())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(b"PK\x03\x04 a zip"),
        "tệp không phải PDF (không bắt đầu bằng “%PDF-”)"
    );
    assert!(err(b"%PDF-1.7\n1 0 obj <<").starts_with("không đọc được cấu trúc tệp PDF"));

    // Encrypted (pikepdf, RC4/AES with an empty user password).
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "plain.pdf", &minimal_pdf(1));
    let enc = dir.path().join("enc.pdf");
    let st = Command::new("python3")
        .args([
            "-c",
            "import pikepdf,sys; p=pikepdf.open(sys.argv[1]); p.save(sys.argv[2], encryption=pikepdf.Encryption(owner='chu', user=''))",
        ])
        .arg(&plain)
        .arg(&enc)
        .status()
        .unwrap();
    assert!(st.success());
    let e = err(&std::fs::read(&enc).unwrap());
    assert!(e.starts_with("tệp PDF được mã hóa"), "{e}");
    let key = pki.key("signer");
    let req = |pdf: &[u8]| {
        sign::sign(
            &SignRequest {
                pdf,
                time: now(),
                field: None,
                reason: None,
                location: None,
                appearance: None,
            },
            &key,
        )
    };
    assert!(matches!(
        req(&std::fs::read(&enc).unwrap()),
        Err(sign::Error::Encrypted)
    ));

    // A malformed signature dictionary: /ByteRange beyond the file (same length, so the file
    // still parses).
    let signed = req(&minimal_pdf(1)).unwrap();
    let at = pos(&signed, "/ByteRange [") + 11;
    let end = at + pos(&signed[at..], "]") + 1;
    let mut bad = signed.clone();
    let repl = format!("{:<w$}", "[0 10 99999999 5]", w = end - at);
    bad[at..end].copy_from_slice(repl.as_bytes());
    let s = &sign::verify(&bad, Some(&roots), now()).unwrap().signatures[0];
    assert!(!s.ok());
    assert!(
        s.problems[0].starts_with(
            "từ điển chữ ký không đúng cấu trúc: /ByteRange [0 10 99999999 5] nằm ngoài tệp"
        ),
        "{:?}",
        s.problems
    );
    // A signature value that is not CMS.
    let mut bad = signed.clone();
    let c = pos(&signed, "/Contents <") + 11;
    bad[c..c + 4].copy_from_slice(b"FFFF");
    let s = &sign::verify(&bad, Some(&roots), now()).unwrap().signatures[0];
    assert!(!s.crypto_valid && !s.ok());
    assert!(
        s.problems[0].starts_with("giá trị chữ ký (CMS) hỏng"),
        "{:?}",
        s.problems
    );
    // ... or not four integers.
    let mut bad = signed.clone();
    let repl = format!("{:<w$}", "[0 (x) 1]", w = end - at);
    bad[at..end].copy_from_slice(repl.as_bytes());
    let s = &sign::verify(&bad, Some(&roots), now()).unwrap().signatures[0];
    assert!(
        s.problems[0].contains("/ByteRange có 3 số thay vì 4"),
        "{:?}",
        s.problems
    );

    // A huge /Contents (2 MB of hexadecimal).
    let mut huge = minimal_pdf(1);
    let size = lopdf_size(&huge);
    let prev = String::from_utf8_lossy(&huge)
        .rsplit("startxref")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse::<usize>()
        .unwrap();
    let sig_at = huge.len();
    let head =
        format!("{size} 0 obj\n<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 ");
    let b = sig_at + head.len() + 40; // where "<" starts, filled in below
    let hex = "0".repeat(2 * 1024 * 1024);
    let c = b + hex.len() + 2;
    let mut obj = format!("{head}{b:<10} {c:<10} {:<10}] /Contents ", 0);
    while sig_at + obj.len() < b {
        obj.push(' ');
    }
    obj.push('<');
    obj.push_str(&hex);
    obj.push_str("> >>\nendobj\n");
    huge.extend_from_slice(obj.as_bytes());
    let xref = huge.len();
    huge.extend_from_slice(
        format!("xref\n{size} 1\n{sig_at:010} 00000 n\r\ntrailer\n<< /Size {} /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n", size + 1).as_bytes(),
    );
    let len = huge.len();
    let last = sig_at + pos(&huge[sig_at..], &format!("{:<10}]", 0));
    huge[last..last + 11].copy_from_slice(format!("{:<10}]", len - c).as_bytes());
    let s = &sign::verify(&huge, Some(&roots), now()).unwrap().signatures[0];
    assert!(
        s.problems[0].contains("/Contents quá lớn"),
        "{:?}",
        s.problems
    );

    // A wrong password for the key file.
    let e = Key::from_pkcs12(&pki.read("signer.p12"), "sai")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("không mở được tệp khóa PKCS#12: sai mật khẩu hoặc tệp hỏng"),
        "{e}"
    );
    // A page that does not exist.
    let font = font();
    let e = sign::sign(
        &SignRequest {
            pdf: &minimal_pdf(1),
            time: now(),
            field: None,
            reason: None,
            location: None,
            appearance: Some(Appearance {
                page: 3,
                rect: [0.0, 0.0, 200.0, 60.0],
                lines: vec!["Ký bởi".into()],
                font: FontData {
                    data: &font,
                    index: 0,
                },
            }),
        },
        &key,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e, "trang 3 không có (tệp có 1 trang)");
}

#[test]
fn a_signed_copy_is_recognised_and_another_version_or_a_changed_copy_is_not() {
    let pki = Pki::new();
    let key = pki.key("signer");
    let original = minimal_pdf(3);
    let signed = sign_with(&original, &key, &font(), 3);
    sign::check_signed_copy(&signed, &original).unwrap();
    // Signed twice: still the same document.
    let twice = sign_with(&signed, &pki.key("signer-ec"), &font(), 1);
    sign::check_signed_copy(&twice, &original).unwrap();

    // Another version: its second page says something else.
    let mut other = minimal_pdf(3);
    let at = pos(&other, "trang 2");
    other[at..at + 7].copy_from_slice(b"trang X");
    let e = sign::check_signed_copy(&signed, &other)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "tệp đã ký không phải bản PDF này: nội dung khác nhau từ byte {} (trang 2 của bản gốc)",
            at + 6
        )
    );
    // The unsigned original itself is not a signed copy.
    let e = sign::check_signed_copy(&original, &original)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "tệp đã ký không phải bản PDF này: không có chữ ký nào bao trùm toàn bộ bản gốc"
    );
    // A copy signed after a page was added covers more than the original, but starts with it;
    // one whose content was changed does not.
    let mut changed = signed.clone();
    let at = pos(&changed, "trang 3");
    changed[at + 6] = b'9';
    let e = sign::check_signed_copy(&changed, &original)
        .unwrap_err()
        .to_string();
    assert!(e.contains("(trang 3 của bản gốc)"), "{e}");
}

#[test]
fn the_same_input_and_time_give_the_same_bytes() {
    let pki = Pki::new();
    let font = font();
    let t = signing_time();
    for key in ["signer", "signer-ec"] {
        let key = pki.key(key);
        let make = || {
            sign::sign(
                &SignRequest {
                    pdf: &minimal_pdf(1),
                    time: t,
                    field: None,
                    reason: None,
                    location: None,
                    appearance: Some(Appearance {
                        page: 1,
                        rect: [300.0, 100.0, 520.0, 170.0],
                        lines: Appearance::lines(&key.signer(), Some("Bí thư"), t),
                        font: FontData {
                            data: &font,
                            index: 0,
                        },
                    }),
                },
                &key,
            )
            .unwrap()
        };
        assert_eq!(make(), make());
    }
}
