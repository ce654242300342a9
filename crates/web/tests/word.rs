//! The Word import of the report page (issue 11) against a real server, on SQLite and on
//! PostgreSQL: upload → review → accept fills the items as one audited change; nothing is
//! overwritten unless chosen; a stale review is refused; text set aside is listed until it is
//! assigned or dismissed; the file is downloadable by those who may read the report (404 for
//! another province); bad files are refused with their message and nothing is stored.
//!
//! The Word files are our own output (`document::build` + `document::docx::to_docx` of a
//! sample) and small ones written by hand.

mod common;

use std::io::Write;

use common::{Client, Server};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    all(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    all(true).await;
}

async fn all(pg: bool) {
    let s = Server::start(pg).await;
    let ids = s.report_ids().await;
    let id = ids["02"];
    let files = our_own_output(&s, id).await;
    stale_review_refused(&s, id).await;
    set_aside(&s, id).await;
    downloads(&s, id, ids["04"], files).await;
    bad_files(&s, id).await;
    s.stop().await;
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Our own DOCX of the sample report of province 02.
fn sample_docx(seed: u64) -> (report::Report, Vec<u8>) {
    let t = outline::builtin("kl74-2021").unwrap();
    let units = units::Units::embedded().unwrap();
    let r = report::sample::sample(&t, units, "02", seed).unwrap();
    let profile = outline::Profile::builtin(&t.template.profile).unwrap();
    let doc = document::build(&t, &r, &profile, units).unwrap();
    (r, document::docx::to_docx(&doc, &profile).unwrap())
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

/// The smallest DOCX Word opens, with this body.
fn hand_made(body: &str) -> Vec<u8> {
    zip_of(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
            )
            .into_bytes(),
        ),
    ])
}

fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn bold(text: &str) -> String {
    format!(r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// Uploads a file through the page's form (multipart, the token as a field). Returns the
/// status and the redirect's location, or the page.
async fn upload(c: &Client, id: i64, name: &str, bytes: &[u8]) -> (StatusCode, String) {
    let boundary = "----baocaoword";
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
            c.csrf
        )
        .as_bytes(),
    );
    b.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = c
        .http
        .post(format!("{}/bao-cao/{id}/nhap-word", c.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(b)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let text = res.text().await.unwrap_or_default();
    (status, location.unwrap_or(text))
}

/// Uploads and returns the review's path.
async fn upload_ok(c: &Client, id: i64, name: &str, bytes: &[u8]) -> String {
    let (st, loc) = upload(c, id, name, bytes).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    assert!(
        loc.starts_with(&format!("/bao-cao/{id}/nhap-word/")),
        "{loc}"
    );
    loc
}

async fn answers(c: &Client, id: i64) -> Value {
    c.report(id).await["report"].clone()
}

async fn audit(s: &Server, id: i64) -> Vec<store::AuditEntry> {
    let mut a = s.app.store.audit_log(Some(id), 10_000, 0).await.unwrap();
    a.reverse();
    a
}

const OWN: &str = "Nội dung do tỉnh tự soạn trên hệ thống, không được ghi đè.";

/// Our own output: the review shows both sides; accepting with the defaults fills every empty
/// item and keeps the one the province wrote; choosing the file's value replaces it. Returns
/// the upload paths.
async fn our_own_output(s: &Server, id: i64) -> Vec<String> {
    let d = s.login("hagiang.soan").await;
    let rev = d.revision(id).await;
    let (st, v) = d
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [{"item": "A.I", "value": OWN}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (src, bytes) = sample_docx(7);
    assert!(src.answers.contains_key("A.I"));
    let before = d.revision(id).await;
    let audit_before = audit(s, id).await.len();
    let review = upload_ok(&d, id, "bao-cao-ha-giang.docx", &bytes).await;
    // Uploading changes nothing in the report; the file is kept (one audit line).
    assert_eq!(d.revision(id).await, before);
    let ups = s.app.store.uploads(id).await.unwrap();
    assert_eq!(ups.len(), 1);
    assert!(ups[0].applied_at.is_none());
    let (st, page) = d.get(&review).await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert!(page.contains("Nhập từ tệp Word"), "{page}");
    assert!(page.contains(OWN), "the review shows what is there");
    assert!(page.contains("Giữ nội dung đang có"));
    assert!(
        page.contains("A.I – Về công tác quán triệt"),
        "places are named with the item's words"
    );
    // Default: keep what the report has, take the file's where it has nothing.
    assert!(
        page.contains(r#"name="f|A.I" value="giu" checked"#),
        "A.I kept by default"
    );
    assert!(page.contains(r#"name="f|A.II" value="nhap" checked"#));
    assert!(page.contains("Nhập vào báo cáo"));
    assert_eq!(d.revision(id).await, before, "reviewing changes nothing");

    // Accept with the defaults.
    let (st, loc) = d
        .form(&review, &[("revision", &before.to_string())], true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    assert_eq!(d.revision(id).await, before + 1, "one change");
    let got = answers(&d, id).await;
    assert_eq!(got["answers"]["A.I"], json!(OWN), "not overwritten");
    for (k, v) in &src.answers {
        if k != "A.I" {
            assert_eq!(&got["answers"][k], v, "{k}");
        }
    }
    for (b, list) in &src.blocks {
        let models: Vec<&str> = list.iter().map(|i| i.model.as_str()).collect();
        let have: Vec<&str> = got["blocks"][b]
            .as_array()
            .map(|l| l.iter().map(|i| i["model"].as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(have, models, "{b}");
    }
    assert_eq!(
        got["document"]["signer"],
        json!(src.document.signer),
        "particulars"
    );
    // One audited change: every line after the upload's is the import's, none for A.I.
    let a = audit(s, id).await;
    let new = &a[audit_before..];
    assert_eq!(new[0].action, "tải lên tệp Word");
    assert!(new.len() > 10);
    for e in &new[1..] {
        assert_eq!(e.action, "nhập từ tệp Word", "{e:?}");
        assert_ne!(e.item.as_deref(), Some("A.I"));
    }
    assert!(s.app.store.uploads(id).await.unwrap()[0]
        .applied_at
        .is_some());
    // The same review again: already applied, refused.
    let (st, body) = d
        .form(&review, &[("revision", &(before + 1).to_string())], true)
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("đã được nhập"), "{body}");
    assert_eq!(d.revision(id).await, before + 1);

    // The file again, choosing the file's text for A.I: replaced.
    let review2 = upload_ok(&d, id, "lan-hai.docx", &bytes).await;
    let rev = d.revision(id).await;
    let (st, page) = d.get(&review2).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("Giống nhau"),
        "identical items need no choice"
    );
    let (st, loc) = d
        .form(
            &review2,
            &[("revision", &rev.to_string()), ("f|A.I", "nhap")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    assert_eq!(d.revision(id).await, rev + 1);
    let got = answers(&d, id).await;
    assert_eq!(got["answers"]["A.I"], src.answers["A.I"]);
    // Blocks were kept (the report had them): no model twice.
    for (b, list) in &src.blocks {
        let n = got["blocks"][b].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(n, list.len(), "{b}");
    }
    vec![review, review2]
}

/// A review opened before another save is refused when accepted: Vietnamese message, nothing
/// written, the file still waiting.
async fn stale_review_refused(s: &Server, id: i64) {
    let d = s.login("hagiang.soan").await;
    let (_, bytes) = sample_docx(8);
    let review = upload_ok(&d, id, "cu.docx", &bytes).await;
    let rev = d.revision(id).await;
    let (st, _) = d.get(&review).await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = d
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(
                json!({"revision": rev, "changes": [{"item": "A.II", "value": "Sửa ở nơi khác."}]}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, body) = d
        .form(
            &review,
            &[("revision", &rev.to_string()), ("f|A.II", "nhap")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("đã được lưu ở nơi khác"), "{body}");
    assert!(body.contains("chưa có gì được nhập"), "{body}");
    assert_eq!(d.revision(id).await, rev + 1);
    assert_eq!(
        answers(&d, id).await["answers"]["A.II"],
        json!("Sửa ở nơi khác.")
    );
    let ups = s.app.store.uploads(id).await.unwrap();
    assert!(ups.last().unwrap().applied_at.is_none());
    assert!(s.app.store.set_aside(id).await.unwrap().is_empty());
}

/// A hand-made file with paragraphs that belong nowhere: one assigned at review, the others set
/// aside, listed on the report page, then one assigned and one dismissed (both audited).
async fn set_aside(s: &Server, id: i64) {
    let d = s.login("hagiang.soan").await;
    let body = [
        p("BÁO CÁO"),
        bold("A- VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN"),
        bold("I- Về công tác quán triệt, học tập, triển khai Nghị quyết, Kế hoạch, Kết luận của Trung ương; các văn bản của Quốc hội, Ủy ban Thường vụ Quốc hội, Chính phủ, Bộ Nội vụ… về thực hiện thí điểm các mô hình tổ chức mới và kiêm nhiệm chức danh"),
        p("Ban Thường vụ Tỉnh ủy đã tổ chức hội nghị quán triệt cho cán bộ chủ chốt."),
        bold("C- PHỤ LỤC ẢNH HOẠT ĐỘNG"),
        p("Ảnh 1: Hội nghị sơ kết việc thực hiện thí điểm, tháng 6 năm 2021."),
        p("Ảnh 2: Đoàn công tác làm việc tại huyện Quản Bạ."),
    ]
    .concat();
    // A Vietnamese file name, as browsers send it (UTF-8 in the multipart header).
    let review = upload_ok(&d, id, "Dự thảo báo cáo Hà Giang.docx", &hand_made(&body)).await;
    let rev = d.revision(id).await;
    let (st, page) = d.get(&review).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("Đoạn chưa xếp được vào mục nào"), "{page}");
    let n = page.matches("data-unplaced=").count();
    assert!(n >= 2, "{page}");
    assert!(page.contains("Ảnh 1: Hội nghị sơ kết"));
    assert!(page.contains("Để riêng"));
    assert!(
        page.contains("<optgroup"),
        "the picker groups items by section"
    );
    assert!(
        page.contains("Các mục tệp không có nội dung"),
        "what the file did not give is listed"
    );
    // Which paragraph is the "Ảnh 1" one.
    let pos = |needle: &str| {
        (0..n)
            .find(|i| {
                let start = page.find(&format!("data-unplaced=\"{i}\"")).unwrap();
                let end = page[start..]
                    .find("</li>")
                    .map(|e| start + e)
                    .unwrap_or(page.len());
                page[start..end].contains(needle)
            })
            .unwrap()
    };
    let first = pos("Ảnh 1:");
    let before_iii2 = answers(&d, id).await["answers"]["A.III.2"].clone();
    let (st, loc) = d
        .form(
            &review,
            &[
                ("revision", &rev.to_string()),
                (&format!("u|{first}"), "A.III.2"),
            ],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    let got = answers(&d, id).await;
    let text = got["answers"]["A.III.2"].as_str().unwrap();
    assert!(
        text.ends_with("Ảnh 1: Hội nghị sơ kết việc thực hiện thí điểm, tháng 6 năm 2021."),
        "{text}"
    );
    if let Some(old) = before_iii2.as_str() {
        assert!(text.starts_with(old), "appended, not replaced");
    }
    // The others are set aside and listed on the report page.
    let aside = s.app.store.set_aside(id).await.unwrap();
    assert_eq!(aside.len(), n - 1);
    let (_, report_page) = d.get(&format!("/bao-cao/{id}")).await;
    assert!(report_page.contains("Nội dung từ tệp Word chưa xếp vào mục"));
    assert!(report_page.contains("Ảnh 2: Đoàn công tác làm việc tại huyện Quản Bạ."));
    assert!(report_page.contains("Tệp “Dự thảo báo cáo Hà Giang.docx”"));
    // The reviewer sees them too; another province cannot touch them.
    let (_, btctw_page) = s.login("btctw").await.get(&format!("/bao-cao/{id}")).await;
    assert!(btctw_page.contains("Ảnh 2: Đoàn công tác"));
    let other = s.login("caobang.soan").await;
    let (st, _) = other
        .form(
            &format!("/bao-cao/{id}/de-rieng/{}", aside[0].id),
            &[("viec", "bo")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Assign "Ảnh 2" to an item.
    let photo2 = aside.iter().find(|a| a.body.starts_with("Ảnh 2")).unwrap();
    let rev = d.revision(id).await;
    let (st, loc) = d
        .form(
            &format!("/bao-cao/{id}/de-rieng/{}", photo2.id),
            &[
                ("viec", "xep"),
                ("muc", "A.III.3"),
                ("revision", &rev.to_string()),
            ],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    assert_eq!(d.revision(id).await, rev + 1);
    let got = answers(&d, id).await;
    assert!(got["answers"]["A.III.3"]
        .as_str()
        .unwrap()
        .ends_with("Ảnh 2: Đoàn công tác làm việc tại huyện Quản Bạ."));
    // Dismiss the rest.
    for a in s.app.store.set_aside(id).await.unwrap() {
        let (st, loc) = d
            .form(
                &format!("/bao-cao/{id}/de-rieng/{}", a.id),
                &[("viec", "bo")],
                true,
            )
            .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    }
    assert!(s.app.store.set_aside(id).await.unwrap().is_empty());
    let (_, report_page) = d.get(&format!("/bao-cao/{id}")).await;
    assert!(!report_page.contains("Nội dung từ tệp Word chưa xếp vào mục"));
    // Twice is not found.
    let (st, _) = d
        .form(
            &format!("/bao-cao/{id}/de-rieng/{}", photo2.id),
            &[("viec", "bo")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let a = audit(s, id).await;
    assert!(a
        .iter()
        .any(|e| e.action == "xếp đoạn để riêng vào mục" && e.item.as_deref() == Some("A.III.3")));
    assert!(a.iter().any(|e| e.action == "bỏ đoạn để riêng"));
    assert!(a
        .iter()
        .any(|e| e.action == "nhập từ tệp Word" && e.item.as_deref() == Some("để riêng")));
}

/// The uploaded file: the province's users and the BTCTW download it; another province gets 404.
async fn downloads(s: &Server, id: i64, other_id: i64, reviews: Vec<String>) {
    let (_, bytes) = sample_docx(7);
    let file = reviews[0].rsplit('/').next().unwrap().to_string();
    let path = format!("/bao-cao/{id}/tep-word/{file}");
    for user in ["hagiang.soan", "hagiang.duyet", "btctw", "quantri"] {
        let c = s.login(user).await;
        let (st, kind, got) = c.get_bytes(&path).await;
        assert_eq!(st, StatusCode::OK, "{user}");
        assert!(kind.contains("wordprocessingml"), "{kind}");
        assert_eq!(got, bytes, "{user}: the same bytes");
    }
    let c = s.login("caobang.soan").await;
    let (st, _, _) = c.get_bytes(&path).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Nor through another report's address.
    let b = s.login("btctw").await;
    let (st, _, _) = b
        .get_bytes(&format!("/bao-cao/{other_id}/tep-word/{file}"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Nor may they review or upload into it.
    let (st, _) = c.get(&reviews[0]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = upload(&c, id, "x.docx", &bytes).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = upload(&b, id, "x.docx", &bytes).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // The report page lists the files.
    let (_, page) = b.get(&format!("/bao-cao/{id}")).await;
    assert!(page.contains("Tệp Word đã tải lên"));
    assert!(page.contains(&path));
}

fn ole(extra: &[u8]) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(2048, 0);
    b.extend_from_slice(extra);
    b.resize(8192, 0);
    b
}

/// Each bad file gets its Vietnamese message on the page; nothing is changed or stored.
async fn bad_files(s: &Server, id: i64) {
    let d = s.login("hagiang.soan").await;
    let encrypted: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let bomb = zip_of(&[("word/document.xml", vec![b'a'; 3 * 1024 * 1024])]);
    let dtd = zip_of(&[(
        "word/document.xml",
        format!(
            r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"#
        )
        .into_bytes(),
    )]);
    let deep = hand_made(&format!(
        "{}{}",
        "<w:sdt><w:sdtContent>".repeat(3000),
        "</w:sdtContent></w:sdt>".repeat(3000)
    ));
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(16 * 1024 * 1024 + 1, 0);
    let mut huge = b"PK\x03\x04".to_vec();
    huge.resize(20 * 1024 * 1024, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bao-cao.doc", ole(b""), "Word 97-2003 (.doc)"),
        (
            "khong-phai.docx",
            b"{\"template\": 1}".to_vec(),
            "không phải văn bản Word",
        ),
        ("mat-khau.docx", ole(&encrypted), "mật khẩu"),
        ("bom.docx", bomb, "bom nén"),
        ("dtd.docx", dtd, "DTD"),
        ("sau.docx", deep, "lồng nhau quá sâu"),
        ("lon.docx", big, "tệp quá lớn"),
        ("rat-lon.docx", huge, "quá lớn"),
        ("rong.docx", Vec::new(), "Chưa chọn tệp"),
    ];
    let rev = d.revision(id).await;
    let uploads = s.app.store.uploads(id).await.unwrap().len();
    let audit_n = audit(s, id).await.len();
    for (name, bytes, message) in cases {
        let (st, page) = upload(&d, id, name, &bytes).await;
        assert!(
            st == StatusCode::UNPROCESSABLE_ENTITY || st == StatusCode::BAD_REQUEST,
            "{name}: {st}"
        );
        assert!(page.contains(message), "{name}: {page}");
        assert!(page.contains("<html"), "{name}: a page");
        assert_eq!(d.revision(id).await, rev, "{name}");
        assert_eq!(
            s.app.store.uploads(id).await.unwrap().len(),
            uploads,
            "{name}: nothing stored"
        );
        assert_eq!(audit(s, id).await.len(), audit_n, "{name}");
    }
    // The .doc message says how to save as .docx, on the report page itself.
    let (_, page) = upload(&d, id, "bao-cao.doc", &ole(b"")).await;
    assert!(page.contains("Tài liệu Word (*.docx)"));
    assert!(
        page.contains("Nhập từ tệp Word"),
        "the report page, with the form"
    );
}
