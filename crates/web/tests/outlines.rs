//! A second outline end to end, over HTTP on SQLite and on PostgreSQL (issue 15): a report on
//! staff streamlining (tinh giản biên chế), with a figures table per agency and a block
//! repeated per agency, written by the test as text and as Word (automatic numbering, a real
//! table), is imported through the "Đề cương" page; an item's type is changed, the check's
//! problem is seen beside the item, fixed, and the outline published as version 1; a round is
//! opened with it; two provinces fill and submit their reports through the API; a report's DOCX
//! (python-docx) and PDF (pdftotext) carry the outline's headings and the answers; the national
//! consolidation has the agencies' figures summed from the template's roles; a second version
//! lists its differences item by item while the round and its reports keep version 1.

mod common;

use std::io::Write;

use common::{Client, Server};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    journey(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    journey(true).await;
}

/// The outline, as the BTCTW would write it. "|" lines are a table (a Word table in the DOCX).
const OUTLINE: &str = "ĐỀ CƯƠNG BÁO CÁO
Kết quả thực hiện tinh giản biên chế giai đoạn 2022 - 2026
(Kèm theo Công văn số 245 - CV/BTCTW, ngày 15/3/2024 của Ban Tổ chức Trung ương)
Kính gửi: Ban Tổ chức Trung ương
Số liệu báo cáo tính đến ngày 31/12/2023.
Thực hiện Công văn số 245-CV/BTCTW, Ban Thường vụ tỉnh ủy (thành ủy)… báo cáo như sau:
A- CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO
I- Việc ban hành văn bản lãnh đạo, chỉ đạo thực hiện tinh giản biên chế
II- Công tác tuyên truyền, quán triệt (nếu có)
B- KẾT QUẢ THỰC HIỆN
I- Kết quả tinh giản biên chế ở các cơ quan
1- Cơ quan, đơn vị cấp tỉnh
1.1- Về tinh giản biên chế tại cơ quan…:
1.1.1- Số liệu biên chế
- Biên chế của cơ quan, đơn vị
| STT | Nội dung | Trước tinh giản | Sau tinh giản |
| --- | --- | --- | --- |
| 1 | Biên chế được giao | 10 | 8 |
| 2 | - Trong đó: công chức | 6 | 5 |
| 3 | Số người làm việc | 12 | 9 |
1.1.2- Đánh giá
- Thuận lợi, khó khăn trong quá trình thực hiện
1.2- Về tinh giản biên chế tại cơ quan…:
…
II- Số người đã tinh giản
- Tổng số người đã tinh giản trong năm
III- Đánh giá chung
1- Ưu điểm
2- Hạn chế, nguyên nhân
C- ĐỀ XUẤT, KIẾN NGHỊ";

/// The outline's heading lines as the document prints them (number, separator, text).
const HEADINGS: &[&str] = &[
    "CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
    "Việc ban hành văn bản lãnh đạo, chỉ đạo thực hiện tinh giản biên chế",
    "KẾT QUẢ THỰC HIỆN",
    "Kết quả tinh giản biên chế ở các cơ quan",
    "Cơ quan, đơn vị cấp tỉnh",
    "Về tinh giản biên chế tại cơ quan Sở Nội vụ",
    "Về tinh giản biên chế tại cơ quan Sở Tài chính",
    "Số liệu biên chế",
    "Đánh giá chung",
    "ĐỀ XUẤT, KIẾN NGHỊ",
];

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Word's automatic numbering for A-, I-, 1-, 1.1-, 1.1.1- and "-".
const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1-"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%2-"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3-"/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3.%4-"/></w:lvl>
<w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3.%4.%5-"/></w:lvl>
<w:lvl w:ilvl="5"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>"#;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The Word numbering level of a typed number, and the text after it.
fn typed_number(line: &str) -> Option<(usize, &str)> {
    let (head, rest) = line.split_once(' ')?;
    let n = head.strip_suffix('-')?;
    let level = if n.is_empty() {
        5
    } else if n.chars().all(|c| "IVX".contains(c)) {
        1
    } else if n.len() == 1 && n.as_bytes()[0].is_ascii_uppercase() {
        0
    } else if n.chars().all(|c| c.is_ascii_digit() || c == '.') {
        2 + n.matches('.').count()
    } else {
        return None;
    };
    Some((level, rest))
}

fn para(text: &str) -> String {
    format!(
        r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        esc(text)
    )
}

/// The outline as a Word file: numbers as Word's automatic numbering (none typed), the table
/// as a Word table.
fn outline_docx() -> Vec<u8> {
    let mut body = String::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let flush = |rows: &mut Vec<Vec<String>>, body: &mut String| {
        if rows.is_empty() {
            return;
        }
        body.push_str("<w:tbl>");
        for r in rows.iter() {
            body.push_str("<w:tr>");
            for c in r {
                body.push_str(&format!("<w:tc><w:tcPr/>{}</w:tc>", para(c)));
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
        rows.clear();
    };
    for line in OUTLINE.lines() {
        if line.starts_with('|') {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            if !cells.iter().all(|c| c.chars().all(|ch| ch == '-')) {
                rows.push(cells);
            }
            continue;
        }
        flush(&mut rows, &mut body);
        match typed_number(line) {
            Some((lvl, rest)) => body.push_str(&format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(rest)
            )),
            None => body.push_str(&para(line)),
        }
    }
    flush(&mut rows, &mut body);
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, text: String| {
            z.start_file(name, o).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        };
        put(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#.to_string(),
        );
        put(
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        );
        put(
            "word/_rels/document.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#.to_string(),
        );
        put(
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
            ),
        );
        put(
            "word/numbering.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W}">{NUMBERING}</w:numbering>"#
            ),
        );
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// Uploads a file through the page's form (multipart, the token as a field).
async fn upload(c: &Client, name: &str, bytes: &[u8]) -> (StatusCode, String) {
    let boundary = "----baocaodecuong";
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
        .post(format!("{}/de-cuong/nhap", c.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(b)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let loc = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let text = res.text().await.unwrap_or_default();
    (status, loc.unwrap_or(text))
}

/// A form post that must redirect; returns where to.
async fn post_ok(c: &Client, path: &str, fields: &[(&str, &str)]) -> String {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("_csrf", &c.csrf));
    let res = c
        .http
        .post(format!("{}{path}", c.base))
        .form(&all)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let loc = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let body = res.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {body}");
    loc.unwrap()
}

async fn page(c: &Client, path: &str) -> String {
    let (status, body) = c.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The draft's revision, as its page's forms carry it.
fn revision(page: &str) -> String {
    page.split("name=\"revision\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string()
}

/// The part of the editor page about one item (its fieldset).
fn item<'a>(page: &'a str, node: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"n-{node}\""))
        .unwrap_or_else(|| panic!("no item {node}"));
    let rest = &page[start..];
    &rest[..rest.find("</fieldset>").unwrap()]
}

/// The lines of a TOML that say what the outline is (ids, kinds, texts, types, rows).
fn shape(toml: &str) -> Vec<String> {
    toml.lines()
        .filter(|l| {
            [
                "id = ",
                "kind = ",
                "parent = ",
                "text = ",
                "type = ",
                "label = ",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
        .map(str::to_string)
        .collect()
}

/// Text without line breaks or repeated spaces (pdftotext breaks lines where the PDF does).
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn journey(pg: bool) {
    let s = Server::start(pg).await;
    let admin = s.login("quantri").await;
    let btctw = s.login("btctw").await;
    // Only the administrator and the BTCTW manage outlines.
    let drafter = s.login("hagiang.soan").await;
    assert_eq!(drafter.get("/de-cuong").await.0, StatusCode::FORBIDDEN);
    assert!(page(&btctw, "/de-cuong").await.contains("Nhập đề cương"));

    // ---- import, as text and as Word: the same outline ----
    let text_draft = upload(&btctw, "de-cuong-tinh-gian.txt", OUTLINE.as_bytes()).await;
    assert_eq!(text_draft.0, StatusCode::SEE_OTHER, "{}", text_draft.1);
    let word_draft = upload(&admin, "de-cuong-tinh-gian.docx", &outline_docx()).await;
    assert_eq!(word_draft.0, StatusCode::SEE_OTHER, "{}", word_draft.1);
    let id_of = |loc: &str| -> i64 {
        loc.trim_start_matches("/de-cuong/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (txt, docx) = (id_of(&text_draft.1), id_of(&word_draft.1));
    let (_, _, toml_txt) = admin.get_bytes(&format!("/de-cuong/{txt}/tai")).await;
    let (_, _, toml_docx) = admin.get_bytes(&format!("/de-cuong/{docx}/tai")).await;
    let (toml_txt, toml_docx) = (
        String::from_utf8(toml_txt).unwrap(),
        String::from_utf8(toml_docx).unwrap(),
    );
    assert_eq!(shape(&toml_txt), shape(&toml_docx), "text vs Word");
    assert!(toml_txt.contains("role = \"figures\""), "{toml_txt}");
    // A bad file is refused with its message, nothing kept.
    let (status, body) = upload(
        &admin,
        "cu.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Không nhập được đề cương “cu.doc”"), "{body}");
    let (status, body) = upload(&admin, "ghi-chu.txt", "Không có đề mục nào.".as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("không tìm thấy đề mục nào"), "{body}");

    // ---- the draft: as the empty document, as the form, item by item ----
    let base = format!("/de-cuong/{docx}");
    let p = page(&admin, &base).await;
    assert!(p.contains("Đề cương không có lỗi"), "{p}");
    assert!(item(&p, "B.I.1.m").contains("Khối lặp"));
    let (status, kind, html) = admin.get_bytes(&format!("{base}/xem")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"));
    let html = String::from_utf8(html).unwrap();
    for h in [
        "CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
        "Về tinh giản biên chế tại cơ quan",
        "Biên chế được giao",
    ] {
        assert!(html.contains(h), "{h} in the empty document");
    }
    let form = page(&admin, &format!("{base}/bieu-mau")).await;
    assert!(form.contains("Thuận lợi, khó khăn trong quá trình thực hiện"));
    assert!(form.contains("Số người làm việc"));

    // An item's type changed to a choice without options: the check's problem beside it, and
    // publishing refused.
    let rev = revision(&p);
    let to = post_ok(
        &admin,
        &format!("{base}/muc"),
        &[
            ("revision", &rev),
            ("node", "A.II"),
            ("text", "Công tác tuyên truyền, quán triệt (nếu có)"),
            ("hint", ""),
            ("kieu", "choice"),
        ],
    )
    .await;
    assert!(to.ends_with("#n-A.II"), "{to}");
    let p = page(&admin, &base).await;
    assert!(
        item(&p, "A.II").contains("Lỗi: mục lựa chọn không có phương án nào"),
        "{}",
        item(&p, "A.II")
    );
    assert!(p.contains("1 lỗi"), "{p}");
    // A stale form changes nothing.
    let (status, body) = admin
        .form(
            &format!("{base}/muc"),
            &[("revision", &rev), ("node", "A.II"), ("text", "x")],
            true,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let rev = revision(&p);
    let (status, body) = admin
        .form(&format!("{base}/cong-bo"), &[("revision", &rev)], true)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Chưa công bố được: đề cương còn 1 lỗi"),
        "{body}"
    );
    // Fixed by giving the options; the id made readable.
    post_ok(
        &admin,
        &format!("{base}/muc"),
        &[
            ("revision", &rev),
            ("node", "A.II"),
            ("text", "Công tác tuyên truyền, quán triệt (nếu có)"),
            ("hint", "Chọn một trong hai"),
            ("kieu", "choice"),
            (
                "lua_chon",
                "Đã tổ chức tuyên truyền, quán triệt\nChưa tổ chức",
            ),
        ],
    )
    .await;
    let p = page(&admin, &base).await;
    assert!(!item(&p, "A.II").contains("Lỗi:"), "{}", item(&p, "A.II"));
    let rev = revision(&p);
    post_ok(
        &admin,
        &format!("{base}/thong-tin"),
        &[
            ("revision", &rev),
            ("ma", "tinh-gian-bien-che-2024"),
            ("ten", "Báo cáo kết quả tinh giản biên chế năm 2023"),
            (
                "trich_yeu",
                "Kết quả thực hiện tinh giản biên chế giai đoạn 2022 - 2026",
            ),
            ("chot", "31/12/2023"),
        ],
    )
    .await;
    let p = page(&admin, &base).await;
    assert!(p.contains("Đề cương không có lỗi"), "{p}");
    let to = post_ok(
        &admin,
        &format!("{base}/cong-bo"),
        &[("revision", &revision(&p))],
    )
    .await;
    assert!(
        to.starts_with("/de-cuong/phien-ban/tinh-gian-bien-che-2024/1"),
        "{to}"
    );
    let v1 = page(&admin, "/de-cuong/phien-ban/tinh-gian-bien-che-2024/1").await;
    assert!(v1.contains("tinh-gian-bien-che-2024@1"));
    assert!(v1.contains("Đây là phiên bản đầu tiên."));
    let (_, _, v1_toml) = admin
        .get_bytes("/de-cuong/phien-ban/tinh-gian-bien-che-2024/1/tai")
        .await;
    let v1_toml = String::from_utf8(v1_toml).unwrap();
    assert!(v1_toml.contains("version = \"1\""), "{v1_toml}");

    // ---- a round with version 1 ----
    let quantri = page(&admin, "/quan-tri").await;
    assert!(
        quantri.contains("value=\"tinh-gian-bien-che-2024@1\""),
        "the round form offers the published version"
    );
    post_ok(
        &admin,
        "/quan-tri/dot",
        &[
            ("name", "Báo cáo tinh giản biên chế năm 2023"),
            ("template", "tinh-gian-bien-che-2024@1"),
            ("deadline", "30/6/2099"),
            ("cutoff", "31/12/2023"),
        ],
    )
    .await;
    let (_, rounds) = admin.json(Method::GET, "/api/v1/rounds", None).await;
    let round = rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["template"] == "tinh-gian-bien-che-2024@1")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, list) = btctw
        .json(Method::GET, &format!("/api/v1/reports?round={round}"), None)
        .await;
    let report_of = |p: &str| -> i64 {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["province"] == p && r["district"].is_null())
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (hg, cb) = (report_of("02"), report_of("04"));

    // ---- two provinces fill and submit ----
    let figures = |a: i64, b: i64| {
        json!({
            "bien-che-duoc-giao": {"before": a, "after": b},
            "cong-chuc": {"before": a - 3, "after": b - 3},
            "so-nguoi-lam-viec": {"before": a + 2, "after": b},
        })
    };
    for (code, id, who, agencies) in [
        (
            "02",
            hg,
            "hagiang",
            vec![("Sở Nội vụ", 40, 36), ("Sở Tài chính", 52, 47)],
        ),
        ("04", cb, "caobang", vec![("Sở Nội vụ", 38, 35)]),
    ] {
        let soan = s.login(&format!("{who}.soan")).await;
        let rev = soan.revision(id).await;
        let blocks: Vec<Value> = agencies
            .iter()
            .enumerate()
            .map(|(i, (name, a, b))| {
                json!({
                    "id": format!("m{}", i + 1), "model": "khac", "name": name,
                    "answers": {
                        "B.I.1.m.x1.d1": figures(*a, *b),
                        "B.I.1.m.x2.d1": format!("{name} sắp xếp lại các phòng chuyên môn, giảm đầu mối."),
                    }
                })
            })
            .collect();
        let report = json!({
            "template": {"id": "tinh-gian-bien-che-2024", "version": "1"},
            "unit": {"province": code},
            "document": {"number": "12", "date": "2024-04-10", "signer": "Nguyễn Văn Ký", "signer_title": "PHÓ BÍ THƯ"},
            "answers": {
                "A.I": "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch số 15-KH/TU về tinh giản biên chế.",
                "A.II": "da-to-chuc-tuyen-truyen-quan-triet",
                "B.II.d1": 57,
                "B.III.1": "Tinh giản đúng đối tượng, công khai, minh bạch.",
                "B.III.2": "Một số đơn vị còn chậm rà soát vị trí việc làm.",
                "C": "Đề nghị Trung ương sớm ban hành khung vị trí việc làm."
            },
            "blocks": {"B.I.1.m": blocks}
        });
        let (status, saved) = soan
            .json(
                Method::PUT,
                &format!("/api/v1/reports/{id}"),
                Some(json!({"revision": rev, "report": report})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let duyet = s.login(&format!("{who}.duyet")).await;
        let rev = duyet.revision(id).await;
        let (status, body) = duyet
            .json(
                Method::POST,
                &format!("/api/v1/reports/{id}/submit"),
                Some(json!({"revision": rev})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{code}: {body}");
    }

    // ---- Hà Giang's report printed: DOCX read by python-docx, PDF by pdftotext ----
    let hagiang = s.login("hagiang.soan").await;
    let dir = tempfile::tempdir().unwrap();
    let (status, _, docx_bytes) = hagiang.get_bytes(&format!("/bao-cao/{hg}/tai/docx")).await;
    assert_eq!(status, StatusCode::OK);
    let path = dir.path().join("bao-cao.docx");
    std::fs::write(&path, &docx_bytes).unwrap();
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/docx_dump.py"
        ))
        .arg(&path)
        .output()
        .expect("python3 with python-docx (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut docx_text: Vec<String> = dump["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default().to_string())
        .collect();
    for t in dump["tables"].as_array().unwrap() {
        for row in t.as_array().unwrap() {
            for cell in row.as_array().unwrap() {
                docx_text.push(cell.as_str().unwrap_or_default().to_string());
            }
        }
    }
    let docx_all = flat(&docx_text.join("\n"));
    // The figures' columns are named as the outline names them, not the pilots' words.
    assert!(
        docx_all.contains("Trước tinh giản") && docx_all.contains("Sau tinh giản"),
        "{docx_all}"
    );
    assert!(!docx_all.contains("Trước thí điểm"), "{docx_all}");
    // A sub-row the outline wrote "- Trong đó: công chức" prints it once.
    assert!(docx_all.contains("Trong đó: công chức"), "{docx_all}");
    assert!(
        !docx_all.to_lowercase().contains("trong đó: trong đó"),
        "{docx_all}"
    );
    let (status, _, pdf) = hagiang.get_bytes(&format!("/bao-cao/{hg}/tai/pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let pdf_path = dir.path().join("bao-cao.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let o = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/test.sh installs poppler-utils)");
    assert!(o.status.success());
    let pdf_all = flat(&String::from_utf8_lossy(&o.stdout));
    for (what, all) in [("DOCX", &docx_all), ("PDF", &pdf_all)] {
        // The profile prints some levels in capitals.
        let upper = all.to_uppercase();
        for h in HEADINGS {
            assert!(
                upper.contains(&h.to_uppercase()),
                "{what}: heading “{h}” missing:\n{all}"
            );
        }
        for answer in [
            "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch số 15-KH/TU",
            "Đã tổ chức tuyên truyền, quán triệt",
            "Sở Tài chính sắp xếp lại các phòng chuyên môn",
            "Đề nghị Trung ương sớm ban hành khung vị trí việc làm.",
            "Biên chế được giao",
        ] {
            assert!(
                all.contains(answer),
                "{what}: answer “{answer}” missing:\n{all}"
            );
        }
    }
    // The figures table of the second agency: before 52, after 47, change -5.
    let tables = dump["tables"].as_array().unwrap();
    assert!(
        tables.iter().any(|t| t.as_array().unwrap().iter().any(|r| {
            let cells: Vec<&str> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap_or_default())
                .collect();
            cells.iter().any(|c| c.contains("Biên chế được giao"))
                && cells.contains(&"52")
                && cells.contains(&"47")
        })),
        "{tables:?}"
    );

    // ---- the national consolidation: the agencies' figures summed through the roles ----
    let (status, _, body) = btctw
        .get_bytes(&format!("/tong-hop/tai/json?dot={round}&nguon=da-gui"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let c: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(c["template"], "tinh-gian-bien-che-2024");
    assert_eq!(c["included"].as_array().unwrap().len(), 2);
    let groups = c["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    let g = &groups[0];
    assert_eq!(g["block"], "B.I.1.m");
    assert_eq!(g["total"]["models"]["value"], 3);
    assert_eq!(g["total"]["provinces"]["value"], 2);
    let row = |key: &str| {
        g["total"]["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .unwrap()
            .clone()
    };
    let bc = row("bien-che-duoc-giao");
    assert_eq!(bc["before"]["value"], 40 + 52 + 38);
    assert_eq!(bc["after"]["value"], 36 + 47 + 35);
    assert_eq!(bc["change"]["value"], (36 + 47 + 35) - (40 + 52 + 38));
    assert_eq!(row("cong-chuc")["before"]["value"], 37 + 49 + 35);
    // Each figure keeps its sources (three agencies of two provinces).
    assert_eq!(bc["before"]["sources"].as_array().unwrap().len(), 3);

    // ---- a second version: differences item by item; the round keeps version 1 ----
    let p = page(&admin, &base).await;
    post_ok(
        &admin,
        &format!("{base}/muc"),
        &[
            ("revision", &revision(&p)),
            ("node", "B.II.d1"),
            ("text", "Tổng số người đã tinh giản trong năm:"),
            ("hint", "Kể cả người nghỉ hưu trước tuổi"),
            ("kieu", "integer"),
        ],
    )
    .await;
    let p = page(&admin, &base).await;
    assert!(p.contains("so với phiên bản 1 đã công bố"), "{p}");
    let to = post_ok(
        &admin,
        &format!("{base}/cong-bo"),
        &[("revision", &revision(&p))],
    )
    .await;
    assert!(to.contains("/tinh-gian-bien-che-2024/2"), "{to}");
    let v2 = page(&admin, "/de-cuong/phien-ban/tinh-gian-bien-che-2024/2").await;
    let changes = v2.split("id=\"thay-doi\"").nth(1).unwrap();
    assert!(
        changes.contains("1 mục thay đổi so với phiên bản 1"),
        "{changes}"
    );
    assert!(changes.contains("data-node=\"B.II.d1\""), "{changes}");
    assert!(changes.contains("Bắt buộc: có → không"), "{changes}");
    assert!(changes.contains("Hướng dẫn: (trống) → “Kể cả người nghỉ hưu trước tuổi”"));
    // Version 1 is unchanged; the round and its reports keep it.
    let (_, _, again) = admin
        .get_bytes("/de-cuong/phien-ban/tinh-gian-bien-che-2024/1/tai")
        .await;
    assert_eq!(String::from_utf8(again).unwrap(), v1_toml);
    let r = hagiang.report(hg).await;
    assert_eq!(r["report"]["template"]["version"], "1");
    let (_, rounds) = admin.json(Method::GET, "/api/v1/rounds", None).await;
    assert!(rounds
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == round && r["template"] == "tinh-gian-bien-che-2024@1"));
    assert!(page(&admin, "/quan-tri")
        .await
        .contains("value=\"tinh-gian-bien-che-2024@2\""));
    // A server started later (another process) reads the published versions from the database.
    let (_, other) = s.second().await;
    assert!(other.templates.get("tinh-gian-bien-che-2024@2").is_some());
    s.stop().await;
}
