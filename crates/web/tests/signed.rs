//! Digitally signed reports in the web app, on SQLite and PostgreSQL, against a test PKI made at
//! run time (scripts/test-pki.sh): the signed PDF of the submitted version is accepted and shown
//! to the BTCTW (report page, dashboard, download); the PDF of another version, a modified PDF, a
//! signer under an untrusted root, an expired signer, a file that is no PDF, an encrypted PDF, a
//! broken signature dictionary and a huge file are refused with their reason and nothing is
//! stored; a round that requires signatures refuses to accept an unsigned version.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

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

struct Pki(tempfile::TempDir);

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-pki.sh");
        let st = Command::new("bash")
            .arg(root)
            .arg(dir.path())
            .status()
            .expect("openssl (scripts/test-pki.sh)");
        assert!(st.success());
        Pki(dir)
    }
    fn path(&self, f: &str) -> PathBuf {
        self.0.path().join(f)
    }
    fn read(&self, f: &str) -> Vec<u8> {
        std::fs::read(self.path(f)).unwrap()
    }
    /// `pdf` signed by `who` (signer, other, expired…), invisibly, now.
    fn sign(&self, pdf: &[u8], who: &str) -> Vec<u8> {
        let key = sign::Key::from_pkcs12(&self.read(&format!("{who}.p12")), "matkhau").unwrap();
        sign::sign(
            &sign::SignRequest {
                pdf,
                time: time::OffsetDateTime::now_utc(),
                field: None,
                reason: Some("Phê duyệt báo cáo".into()),
                location: Some("Bắc Kạn".into()),
                appearance: None,
            },
            &key,
        )
        .unwrap()
    }
}

/// Uploads `bytes` as the signed PDF of report `id`: (status, page).
async fn upload(c: &Client, id: i64, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    // Multipart written by hand, as a browser sends the page's form (the token first).
    let boundary = "----baocaokyso";
    let mut b = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"{name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n",
        c.csrf
    )
    .into_bytes();
    b.extend_from_slice(&bytes);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = c
        .http
        .post(format!("{}/bao-cao/{id}/ky-so", c.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(b)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

async fn signed_count(c: &Client, id: i64) -> usize {
    let (_, page) = c.get(&format!("/bao-cao/{id}")).await;
    page.matches("Tải bản đã ký").count()
}

async fn pdf_of(c: &Client, id: i64, version: i64) -> Vec<u8> {
    let (st, kind, bytes) = c
        .get_bytes(&format!("/bao-cao/{id}/tai/pdf?phien-ban={version}"))
        .await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "application/pdf"));
    bytes
}

async fn all(pg: bool) {
    let s = Server::start(pg).await;
    let pki = Pki::new();
    let admin = s.login("quantri").await;
    let btctw = s.login("btctw").await;
    // Bắc Kạn's report is submitted in the demo; its leader gets an account.
    let (st, body) = admin
        .json(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "backan.duyet", "full_name": "Hà Thị Kạn", "role": "approver", "province": "06", "password": "mat-khau-ky-so"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let lead = s.login_with("backan.duyet", "mat-khau-ky-so").await;
    let id = s.report_ids().await["06"];
    let v1 = pdf_of(&lead, id, 1).await;
    // The PDF the system renders for a version is the same bytes every time (what a signed
    // copy is compared with).
    assert_eq!(v1, pdf_of(&btctw, id, 1).await);

    // The administrator trusts the test PKI's root (a bad PEM is refused first).
    let (st, body) = admin
        .form(
            "/quan-tri/tin-cay",
            &[("ten", "Gốc thử"), ("pem", "không phải chứng thư")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("chứng thư"), "{body}");
    let root = String::from_utf8(pki.read("root.pem")).unwrap();
    let (st, _) = admin
        .form(
            "/quan-tri/tin-cay",
            &[("ten", "Gốc thử nghiệm"), ("pem", &root)],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page) = admin.get("/quan-tri/tin-cay").await;
    assert!(page.contains("Gốc thử nghiệm"), "{page}");

    // Refused, with the reason, nothing stored.
    let refusals: Vec<(&str, Vec<u8>, &str)> = vec![
        ("khong-phai.pdf", b"Xin chao".to_vec(), "không phải PDF"),
        (
            "nguoi-khac.pdf",
            pki.sign(&v1, "other"),
            "không thuộc danh sách chứng thư gốc tin cậy",
        ),
        ("het-han.pdf", pki.sign(&v1, "expired"), "đã hết hạn"),
        (
            "qua-lon.pdf",
            {
                let mut b = b"%PDF-1.7\n".to_vec();
                b.resize(13 * 1024 * 1024, b' ');
                b
            },
            "quá lớn",
        ),
        (
            "bao-cao-khac.pdf",
            {
                let other = s.report_ids().await["10"];
                pki.sign(&pdf_of(&btctw, other, 1).await, "signer")
            },
            "không phải bản PDF của phiên bản 1",
        ),
        (
            "sua-sau-ky.pdf",
            {
                // A byte inside the signed range changed (in the version's own bytes).
                let mut b = pki.sign(&v1, "signer");
                let at = v1.len() / 2;
                b[at] = if b[at] == b'0' { b'1' } else { b'0' };
                b
            },
            "phiên bản 1",
        ),
        (
            "chu-ky-hong.pdf",
            {
                // The signature dictionary's /ByteRange made nonsense (after the version's bytes).
                let b = pki.sign(&v1, "signer");
                let text = String::from_utf8_lossy(&b[v1.len()..]).to_string();
                let start = text.find("/ByteRange").unwrap() + v1.len();
                let mut b = b.clone();
                for x in &mut b[start + 10..start + 30] {
                    if x.is_ascii_digit() {
                        *x = b'9';
                    }
                }
                b
            },
            "chữ ký",
        ),
    ];
    for (name, bytes, why) in refusals {
        let (st, page) = upload(&lead, id, name, bytes).await;
        assert!(
            st == StatusCode::UNPROCESSABLE_ENTITY || st == StatusCode::BAD_REQUEST,
            "{name}: {st}"
        );
        assert!(page.contains(why), "{name}: expected “{why}” in {page}");
        assert_eq!(signed_count(&lead, id).await, 0, "{name}: nothing stored");
    }
    // An encrypted PDF (pikepdf, as scripts/test.sh installs it).
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("v1.pdf");
    let enc = dir.path().join("v1-ma-hoa.pdf");
    std::fs::write(&plain, &v1).unwrap();
    let st = Command::new("python3")
        .args([
            "-c",
            "import pikepdf,sys; p=pikepdf.open(sys.argv[1]); p.save(sys.argv[2], encryption=pikepdf.Encryption(owner='a', user='b'))",
        ])
        .arg(&plain)
        .arg(&enc)
        .status()
        .expect("python3 with pikepdf");
    assert!(st.success());
    let (st, page) = upload(&lead, id, "ma-hoa.pdf", std::fs::read(&enc).unwrap()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("được mã hóa"), "{page}");
    assert_eq!(signed_count(&lead, id).await, 0);

    // Only the province's users upload, once a version is submitted.
    let signed_v1 = pki.sign(&v1, "signer");
    for (who, want) in [
        ("btctw", StatusCode::FORBIDDEN),
        ("hagiang.duyet", StatusCode::NOT_FOUND),
        ("quanba.soan", StatusCode::NOT_FOUND),
    ] {
        let c = s.login(who).await;
        let (st, _) = upload(&c, id, "ky.pdf", signed_v1.clone()).await;
        assert_eq!(st, want, "{who}");
    }

    // The round requires a signature: the BTCTW cannot accept an unsigned version.
    let (st, _) = admin
        .form("/quan-tri/dot/1/ky-so", &[("yeu_cau", "1")], true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, body) = btctw
        .json(Method::POST, &format!("/api/v1/reports/{id}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert!(body.to_string().contains("yêu cầu chữ ký số"), "{body}");

    // The signed PDF of the submitted version: accepted, shown, downloadable.
    let (st, _) = upload(&lead, id, "bao-cao-da-ky.pdf", signed_v1.clone()).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page) = btctw.get(&format!("/bao-cao/{id}")).await;
    assert!(page.contains("Đã ký số: Nguyễn Văn An"), "{page}");
    let (_, dash) = btctw.get("/tong-quan").await;
    assert!(
        dash.contains("Đã ký số: Nguyễn Văn An"),
        "the dashboard shows the signer"
    );
    let href = page
        .split(&format!("/bao-cao/{id}/ky-so/"))
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (st, kind, got) = btctw
        .get_bytes(&format!("/bao-cao/{id}/ky-so/{href}"))
        .await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert_eq!(got, signed_v1, "the signed PDF is kept whole");
    let (_, audit) = admin.json(Method::GET, "/api/v1/audit", None).await;
    assert!(audit.to_string().contains("tải lên bản PDF đã ký số"));

    // Returned and resubmitted, the report has a version 2: version 1's signed PDF is not it,
    // and acceptance waits for version 2's.
    let (st, body) = btctw
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/return"),
            Some(
                json!({"comments": [{"item": "chung", "body": "Đề nghị ký số lại sau khi sửa."}]}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let before_ai = lead.report(id).await["report"]["answers"]["A.I"]
        .as_str()
        .unwrap()
        .to_string();
    let rev = lead.revision(id).await;
    let (st, body) = lead
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [
                {"item": "A.I", "value": format!("{before_ai} Đã quán triệt lại sau ý kiến thẩm định.")}
            ]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let rev = lead.revision(id).await;
    let (st, body) = lead
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // The comparison of the two versions marks the words added, not the whole paragraph twice.
    let (_, cmp) = btctw.get(&format!("/bao-cao/{id}/so-sanh?a=1&b=2")).await;
    let row = cmp
        .split("<tr>")
        .find(|r| r.contains("thẩm định."))
        .expect("A.I compared");
    assert_eq!(row.matches("<ins>").count(), row.matches("</ins>").count());
    let inserted: String = row
        .split("<ins>")
        .skip(1)
        .map(|x| x.split("</ins>").next().unwrap())
        .collect();
    assert_eq!(inserted.trim(), "Đã quán triệt lại sau ý kiến thẩm định.");
    assert!(!row.contains("<del>"), "nothing was deleted: {row}");
    let first_words: String = before_ai
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        row.contains(&first_words),
        "the kept words are shown as they are"
    );
    let (st, page) = upload(&lead, id, "ban-cu.pdf", signed_v1.clone()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("phiên bản 2"), "{page}");
    let (st, _) = btctw
        .json(Method::POST, &format!("/api/v1/reports/{id}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let v2 = pdf_of(&lead, id, 2).await;
    let (st, _) = upload(&lead, id, "ban-2.pdf", pki.sign(&v2, "signer-ec")).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, body) = btctw
        .json(Method::POST, &format!("/api/v1/reports/{id}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let report: Value = btctw.report(id).await;
    assert_eq!(report["info"]["state"], json!("accepted"));
    s.stop().await;
}
