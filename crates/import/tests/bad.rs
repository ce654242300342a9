//! Files that are not Word reports, or are dangerous, are refused with a Vietnamese message
//! and nothing else happens.

mod common;

use std::io::Write;

use common::*;
use import::ImportError;

fn try_import(bytes: &[u8]) -> Result<import::Import, ImportError> {
    let t = outline::builtin("kl74-2021").unwrap();
    import::import(bytes, &t, "02")
}

fn message(e: &ImportError) -> String {
    let m = e.to_string();
    assert!(vi::is_nfc(&m), "{m}");
    m
}

fn ole(extra: &[u8]) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(2048, 0);
    b.extend_from_slice(extra);
    b.resize(8192, 0);
    b
}

#[test]
fn a_word_97_file_is_told_how_to_save_as_docx() {
    let e = try_import(&ole(b"")).unwrap_err();
    assert_eq!(e, ImportError::Doc97);
    let m = message(&e);
    assert!(m.contains("Word 97-2003 (.doc)"), "{m}");
    assert!(m.contains("Lưu thành"), "{m}");
    assert!(m.contains("Tài liệu Word (*.docx)"), "{m}");
}

#[test]
fn an_encrypted_docx_is_refused() {
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let e = try_import(&ole(&name)).unwrap_err();
    assert_eq!(e, ImportError::Encrypted);
    assert!(message(&e).contains("mật khẩu"));
}

#[test]
fn a_file_that_is_not_a_docx_is_refused() {
    for bytes in [
        b"{\"template\": 1}".to_vec(),
        b"PK\x03\x04 not really a zip".to_vec(),
        Vec::new(),
    ] {
        let e = try_import(&bytes).unwrap_err();
        assert_eq!(e, ImportError::NotDocx);
        assert!(message(&e).contains("không phải văn bản Word"));
    }
    // A zip without a Word document in it.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"x").unwrap();
        z.finish().unwrap();
    }
    assert_eq!(try_import(buf.get_ref()).unwrap_err(), ImportError::NotDocx);
}

#[test]
fn a_file_over_16_mib_is_refused_before_reading() {
    let mut b = b"PK\x03\x04".to_vec();
    b.resize(16 * 1024 * 1024 + 1, 0);
    let e = try_import(&b).unwrap_err();
    assert!(matches!(e, ImportError::TooLarge { .. }));
    assert!(message(&e).contains("tệp quá lớn"));
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            z.start_file(*name, o).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn zip_bombs_are_refused() {
    // One part inflating more than 100 times.
    let body = format!(
        r#"<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>"#,
        "a".repeat(3 * 1024 * 1024)
    );
    let bomb = zip_of(&[("word/document.xml", body.into_bytes())]);
    let e = try_import(&bomb).unwrap_err();
    assert_eq!(e, ImportError::Bomb);
    assert!(message(&e).contains("bom nén"));
    // Many parts together over 64 MiB.
    let zeros = vec![0u8; 1024 * 1024];
    let entries: Vec<(String, Vec<u8>)> = (0..70)
        .map(|i| (format!("word/media/p{i}.bin"), zeros.clone()))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    assert_eq!(try_import(&zip_of(&refs)).unwrap_err(), ImportError::Bomb);
}

#[test]
fn xml_with_a_dtd_or_entities_is_refused() {
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let e = try_import(&zip_of(&[("word/document.xml", xml.into_bytes())])).unwrap_err();
    assert_eq!(e, ImportError::Dtd);
    assert!(message(&e).contains("DTD"));
}

#[test]
fn absurd_nesting_is_refused() {
    let depth = 5000;
    let xml = format!(
        r#"<w:document xmlns:w="{W}"><w:body>{}{}</w:body></w:document>"#,
        "<w:sdt><w:sdtContent>".repeat(depth),
        "</w:sdtContent></w:sdt>".repeat(depth)
    );
    let e = try_import(&zip_of(&[("word/document.xml", xml.into_bytes())])).unwrap_err();
    assert!(matches!(e, ImportError::TooDeep(_)), "{e:?}");
    assert!(message(&e).contains("lồng nhau quá sâu"));
}

#[test]
fn broken_xml_is_told_not_panicked() {
    let e = try_import(&zip_of(&[(
        "word/document.xml",
        b"<w:document><w:body>".to_vec(),
    )]))
    .unwrap_err();
    assert!(matches!(e, ImportError::Xml(_)), "{e:?}");
    assert!(message(&e).contains("nội dung XML"));
    // A good small file still imports.
    let ok = docx(&p("A- VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN"), None, None, None);
    assert!(try_import(&ok).is_ok());
}
