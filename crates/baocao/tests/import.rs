//! `baocao import` as a user runs it: exit 0 when every paragraph was placed, 1 when some were
//! not (listed), 2 when the file cannot be read (with the Vietnamese reason).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn baocao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The smallest DOCX with this body.
fn docx(body: &str) -> Vec<u8> {
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
            .unwrap();
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(
            format!(r#"<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>"#)
                .as_bytes(),
        )
        .unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn para(t: &str) -> String {
    format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>")
}

#[test]
fn our_own_docx_imports_whole_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let o = baocao(&["sample", "--province", "02", "--seed", "3", "-o", s(&json)]);
    assert!(o.status.success(), "{}", err(&o));
    let word = dir.path().join("r.docx");
    let o = baocao(&["render", s(&json), "-o", s(&word)]);
    assert!(o.status.success(), "{}", err(&o));
    let back = dir.path().join("back.json");
    let o = baocao(&["import", s(&word), "--province", "02", "-o", s(&back)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("Mọi nội dung của tệp đã được đưa vào đề cương"),
        "{}",
        out(&o)
    );
    // The draft is a valid report: the same particulars and blocks as the sample.
    let a: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    assert_eq!(a["document"], b["document"]);
    assert_eq!(a["blocks"], b["blocks"]);
    let o = baocao(&["validate", s(&back)]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));

    // --json: the placement report for machines.
    let o = baocao(&[
        "import",
        s(&word),
        "--province",
        "02",
        "-o",
        s(&back),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["unplaced"], Value::Array(vec![]));
    assert!(v["items"].as_array().is_some_and(|a| a.len() > 100));
}

#[test]
fn text_that_belongs_nowhere_is_listed_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let word = dir.path().join("x.docx");
    let body = [
        para("Danh sách cán bộ đi học lớp bồi dưỡng năm 2021"),
        para("A- VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN"),
    ]
    .concat();
    std::fs::write(&word, docx(&body)).unwrap();
    let back = dir.path().join("x.json");
    let o = baocao(&["import", s(&word), "--province", "02", "-o", s(&back)]);
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("Chưa xếp được vào mục nào (1)"),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains("đoạn 1: Danh sách cán bộ đi học"),
        "{}",
        out(&o)
    );
    assert!(back.exists());
}

#[test]
fn unreadable_files_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let back = dir.path().join("x.json");
    // A Word 97 file (OLE compound file).
    let doc = dir.path().join("cu.doc");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    std::fs::write(&doc, &bytes).unwrap();
    let o = baocao(&["import", s(&doc), "--province", "02", "-o", s(&back)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("Lưu thành"), "{}", err(&o));
    assert!(err(&o).contains(".docx"), "{}", err(&o));
    // Not a Word file at all.
    let txt = dir.path().join("ghi-chu.docx");
    std::fs::write(&txt, "chỉ là văn bản").unwrap();
    let o = baocao(&["import", s(&txt), "--province", "02", "-o", s(&back)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("không phải văn bản Word"), "{}", err(&o));
    // Missing file, unknown province.
    let o = baocao(&[
        "import",
        "khong-co.docx",
        "--province",
        "02",
        "-o",
        s(&back),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("không tìm thấy tệp"), "{}", err(&o));
    let ok = dir.path().join("ok.docx");
    std::fs::write(&ok, docx(&para("A- VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN"))).unwrap();
    let o = baocao(&["import", s(&ok), "--province", "99", "-o", s(&back)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("không có tỉnh, thành phố mã “99”"),
        "{}",
        err(&o)
    );
    assert!(
        !back.exists(),
        "nothing is written when the file cannot be read"
    );
}
