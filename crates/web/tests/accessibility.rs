//! What the pages give to assistive technology and to slow connections (issue 13): a skip link
//! on every page, fields described by their hints and problems, charts that scale, compressed
//! pages but not documents, errors as a page or JSON as the request asks, and no role decision
//! outside `access.rs`. axe-core itself runs on every page of the browser journey
//! (crates/baocao/tests/e2e.rs).

mod common;

use std::io::Read;

use common::Server;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_for_everyone() {
    let s = Server::start(false).await;
    let ids = s.report_ids().await;
    let id = ids["02"];
    let drafter = s.login("hagiang.soan").await;

    // A skip link first on every page: to the form on the editor, else to the main content.
    let (st, editor) = drafter.get(&format!("/bao-cao/{id}?muc=B")).await;
    assert_eq!(st, StatusCode::OK);
    let body = editor.split("<body>").nth(1).unwrap();
    assert!(
        body.starts_with("<a class=\"skip\" href=\"#section-form\">"),
        "{}",
        &body[..200]
    );
    assert!(editor.contains("id=\"section-form\""));
    let (_, list) = drafter.get("/bao-cao").await;
    assert!(list.contains("<a class=\"skip\" href=\"#noi-dung\">"));
    assert!(list.contains("<main id=\"noi-dung\" tabindex=\"-1\">"));

    // A field is described by its hint and by its list of problems, both present with those ids.
    assert!(
        editor.contains("aria-describedby=\"goi-y--B.kq loi--B.kq\""),
        "B.kq's textarea names its hint and problems"
    );
    assert!(editor.contains("<p class=\"hint\" id=\"goi-y--B.kq\">"));
    assert!(editor.contains("id=\"loi--B.kq\""));

    // A wrong date in a list of documents: the problem is listed under the table, which names
    // that list, and the message is the calendar's.
    let (st, _) = drafter
        .form(
            &format!("/bao-cao/{id}/luu?muc=A.II"),
            &[
                ("revision", &drafter.revision(id).await.to_string()),
                ("p||A.II.vb", ""),
                ("o||A.II.vb", ""),
                ("v||A.II.vb|0|number", "12-KH/TU"),
                ("v||A.II.vb|0|date", "31/6/2021"),
                ("v||A.II.vb|0|issuer", "Tỉnh ủy"),
                ("v||A.II.vb|0|title", "Kế hoạch thực hiện"),
            ],
            true,
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st}");
    let (_, a2) = drafter.get(&format!("/bao-cao/{id}?muc=A.II")).await;
    assert!(a2.contains("data-rows=\"|A.II.vb\" aria-describedby=\"loi--A.II.vb\""));
    let list = a2
        .split("id=\"loi--A.II.vb\">")
        .nth(1)
        .and_then(|r| r.split("</ul>").next())
        .expect("the problems list of A.II.vb");
    assert!(
        list.contains("tháng 6 năm 2021 chỉ có 30 ngày"),
        "the calendar's message in the described list: {list}"
    );

    // Charts scale with the page: the SVG has a viewBox (and the style sheet lets it shrink).
    let reviewer = s.login("btctw").await;
    let (st, national) = reviewer.get("/tong-hop?nguon=da-gui").await;
    assert_eq!(st, StatusCode::OK);
    assert!(national.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
    let (_, _, css) = reviewer.get_bytes("/tai-nguyen/app.css").await;
    let css = String::from_utf8(css).unwrap();
    assert!(css.contains("figure.chart svg { max-width: 100%; height: auto; }"));
    assert!(css.contains(":focus-visible"));

    // Pages, styles and JSON travel gzip-compressed when the browser accepts it; documents do
    // not (they are compressed formats already).
    let gz = |path: String| {
        let http = drafter.http.clone();
        let base = drafter.base.clone();
        async move {
            let res = http
                .get(format!("{base}{path}"))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .unwrap();
            let enc = res
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_string());
            (res.status(), enc, res.bytes().await.unwrap().to_vec())
        }
    };
    let (st, enc, bytes) = gz(format!("/bao-cao/{id}?muc=B")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(enc.as_deref(), Some("gzip"));
    let mut page = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut page)
        .unwrap();
    assert!(page.contains("id=\"section-form\""));
    assert!(
        bytes.len() * 3 < page.len(),
        "{} → {}",
        page.len(),
        bytes.len()
    );
    let (_, enc, _) = gz("/tai-nguyen/app.js".into()).await;
    assert_eq!(enc.as_deref(), Some("gzip"));
    let (st, enc, docx) = gz(format!("/bao-cao/{id}/tai/docx")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(enc, None, "a DOCX goes as it is");
    assert!(docx.starts_with(b"PK"));

    // One error, given as the request asks: a page to the browser, JSON to the page's fetches
    // and to the API, with the same status and message.
    let missing = "/bao-cao/99999999";
    let (st, html) = drafter.get(missing).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(html.contains("<html lang=\"vi\">") && html.contains("Không tìm thấy"));
    let res = drafter
        .http
        .get(format!("{}{missing}", drafter.base))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let j: serde_json::Value = res.json().await.unwrap();
    assert!(j["error"].as_str().unwrap().contains("Không tìm thấy"));
    let (st, j) = drafter
        .json(reqwest::Method::GET, "/api/v1/reports/99999999", None)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(j["error"].as_str().unwrap().contains("Không tìm thấy"));
    s.stop().await;
}

/// Who may do what is decided in `access.rs` only: no handler compares the viewer's role itself
/// (a check written inline is one nobody reviews with the others).
#[test]
fn role_checks_live_in_access() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("access.rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.contains("user.role ==")
                        || line.contains("user.role !=")
                        || line.contains("user.role.is_")
                    {
                        found.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "role checks outside access.rs:\n{}",
        found.join("\n")
    );
}
