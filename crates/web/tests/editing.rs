//! Two people editing one report, on SQLite and PostgreSQL (issue 13): the page's autosave
//! saves per item, so a second editor working on another item saves without conflict from a
//! stale page and never overwrites the first one's item; a change to the same item from a stale
//! page is refused with both texts; a double click on submit is one submission; an ended
//! session answers the page's autosave in JSON, so the page can say so and keep the text.

mod common;

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

/// The section form as the page's autosave posts it (JSON asked for).
async fn autosave(c: &Client, id: i64, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("_csrf", &c.csrf));
    let res = c
        .http
        .post(format!("{}/bao-cao/{id}/luu?muc=A.I", c.base))
        .header("accept", "application/json")
        .form(&all)
        .send()
        .await
        .unwrap();
    let st = res.status();
    let text = res.text().await.unwrap();
    (
        st,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[derive(Debug)]
struct DashRow {
    percent: u32,
    wrong: u32,
    missing: u32,
    sending: String,
}

/// A report's row of the BTCTW's dashboard, read from the page.
async fn dashboard_row(c: &Client, id: i64) -> DashRow {
    let (_, page) = c.get("/tong-quan").await;
    let row = page
        .split("<tr>")
        .find(|r| r.contains(&format!("href=\"/bao-cao/{id}\"")))
        .unwrap()
        .to_string();
    let cell = |class: &str| -> String {
        let start = row.find(&format!("class=\"{class}\">")).unwrap() + class.len() + 9;
        row[start..].split('<').next().unwrap().to_string()
    };
    let num = |class: &str| cell(class).trim().parse::<u32>().unwrap();
    DashRow {
        percent: cell("num completeness")
            .split('%')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap(),
        wrong: num("num wrong"),
        missing: num("num missing"),
        sending: cell("sending"),
    }
}

async fn all(pg: bool) {
    let s = Server::start(pg).await;
    let ids = s.report_ids().await;
    let id = ids["02"];
    let drafter = s.login("hagiang.soan").await;
    let lead = s.login("hagiang.duyet").await;
    // The dashboard's row of Hà Giang before anything is written (issue 13, item 10).
    let btctw = s.login("btctw").await;
    let before = dashboard_row(&btctw, id).await;
    assert_eq!(before.wrong, 0);
    assert!(before.missing > 10, "{before:?}");
    assert!(before.sending == "chưa gửi", "{before:?}");

    // Both open the page at the same revision; A.I and A.II are empty.
    let r0 = drafter.revision(id).await.to_string();
    let (_, page) = lead.get(&format!("/bao-cao/{id}?muc=A.I")).await;
    assert!(
        page.contains("name=\"o||A.I\""),
        "the page sends what it was given"
    );

    // The drafter writes A.I.
    let (st, saved) = autosave(
        &drafter,
        id,
        &[
            ("revision", &r0),
            ("p||A.I", ""),
            ("o||A.I", ""),
            ("v||A.I", "Văn bản của chuyên viên."),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["values"]["|A.I"],
        json!("\"Văn bản của chuyên viên.\"")
    );

    // The leader, from the page opened before, writes A.II; the page also carries A.I as it
    // was given (empty): it is not written over the drafter's.
    let (st, saved) = autosave(
        &lead,
        id,
        &[
            ("revision", &r0),
            ("p||A.I", ""),
            ("o||A.I", ""),
            ("v||A.I", ""),
            ("p||A.II", ""),
            ("o||A.II", ""),
            ("v||A.II", "Văn bản của lãnh đạo."),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "a different item saves: {saved}");
    let stored = drafter.report(id).await;
    assert_eq!(
        stored["report"]["answers"]["A.I"],
        json!("Văn bản của chuyên viên.")
    );
    assert_eq!(
        stored["report"]["answers"]["A.II"],
        json!("Văn bản của lãnh đạo.")
    );
    let rev = stored["info"]["revision"].as_i64().unwrap();

    // The leader changes A.I from the stale page: refused, both texts given, nothing stored.
    let (st, body) = autosave(
        &lead,
        id,
        &[
            ("revision", &r0),
            ("p||A.I", ""),
            ("o||A.I", ""),
            ("v||A.I", "Lãnh đạo viết lại mục này."),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    let c = &body["conflicts"][0];
    assert_eq!(c["item"], json!("A.I"));
    assert_eq!(c["theirs"], json!("Văn bản của chuyên viên."));
    assert_eq!(c["mine"], json!("Lãnh đạo viết lại mục này."));
    assert_eq!(c["given"], json!("\"Văn bản của chuyên viên.\""));
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("người khác vừa sửa cùng mục"));
    assert_eq!(drafter.revision(id).await, rev, "nothing stored");
    // Filling items makes the report more complete; it never adds to the errors.
    let after = dashboard_row(&btctw, id).await;
    assert_eq!(after.wrong, 0, "{after:?}");
    assert_eq!(after.missing, before.missing - 2, "{after:?}");
    assert!(after.percent > before.percent, "{before:?} {after:?}");
    // Sorted by completeness, the least complete first.
    let (_, sorted) = btctw.get("/tong-quan?sap-xep=hoan-thanh").await;
    let first = sorted.split("<tbody>").nth(1).unwrap();
    assert!(
        !first[..first.find("</tr>").unwrap()].contains("100%"),
        "least complete first"
    );

    // From a page given the drafter's text, the same change saves.
    let given = json!("Văn bản của chuyên viên.").to_string();
    let (st, saved) = autosave(
        &lead,
        id,
        &[
            ("revision", &rev.to_string()),
            ("p||A.I", ""),
            ("o||A.I", &given),
            ("v||A.I", "Lãnh đạo viết lại mục này."),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    // A form without what it was given (no autosave) still needs the current revision.
    let (st, body) = autosave(
        &drafter,
        id,
        &[("revision", &r0), ("p||A.III.2", ""), ("v||A.III.2", "x")],
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert!(body["current_revision"].is_i64(), "{body}");

    // A malformed section in the query of a page's save: saved, then sent back to a clean
    // address (never a 500 for a header that cannot be written).
    let rev_now = drafter.revision(id).await.to_string();
    let res = drafter
        .http
        .post(format!("{}/bao-cao/{id}/luu?muc=%0aX%22", drafter.base))
        .form(&[
            ("revision", rev_now.as_str()),
            ("p||A.III.2", ""),
            ("v||A.III.2", "Phân cấp cho các huyện."),
            ("_csrf", drafter.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("muc=X&"), "{to}");

    // The drafter is told who submits and asks the leader; the leader sees it on the report
    // page (the leader's home page) — issue 13, item 8.
    let (_, page) = drafter.get(&format!("/bao-cao/{id}")).await;
    assert!(page.contains("Lãnh đạo (người duyệt) gửi báo cáo lên Ban Tổ chức Trung ương"));
    let (_, page) = lead.get(&format!("/bao-cao/{id}")).await;
    assert!(!page.contains("id=\"de-nghi-gui\""), "nothing asked yet");
    let (st, _) = drafter
        .form(&format!("/bao-cao/{id}/de-nghi-gui"), &[], true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let res = lead
        .http
        .get(format!("{}/", lead.base))
        .send()
        .await
        .unwrap();
    let home = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = lead.get(&home).await;
    assert!(
        page.contains("<strong>hagiang.soan</strong> đề nghị lãnh đạo gửi báo cáo"),
        "{page}"
    );
    let (st, _) = s
        .login("caobang.soan")
        .await
        .form(&format!("/bao-cao/{id}/de-nghi-gui"), &[], true)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "another province's drafter");

    // The audit log records what changed in a long text, not two copies (item 19).
    let long: String = (0..2500)
        .map(|i| format!("từ{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let rev = drafter.revision(id).await;
    let (st, _) = drafter
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [{"item": "A.III.3", "value": long}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let edited = long.replace("từ1200", "chữ-mới");
    let (st, _) = drafter
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev + 1, "changes": [{"item": "A.III.3", "value": edited}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let admin_log = s.login("quantri").await;
    let (_, audit) = admin_log
        .json(Method::GET, &format!("/api/v1/audit?report={id}"), None)
        .await;
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["item"] == json!("A.III.3")
                && e["new"].as_str().is_some_and(|n| n.contains("chữ-mới"))
        })
        .expect("the change is audited");
    let (old, new) = (
        entry["old"].as_str().unwrap(),
        entry["new"].as_str().unwrap(),
    );
    assert!(new.len() < 400 && old.len() < 400, "{old} / {new}");
    assert!(
        new.contains("[chữ-mới]") && old.contains("[từ1200]"),
        "{old} / {new}"
    );
    assert!(
        new.contains("từ1199") && new.contains("từ1201"),
        "with words around: {new}"
    );

    // A malformed report file gets a Vietnamese reason, never serde's English (item 18).
    let rev = drafter.revision(id).await;
    let (st, body) = drafter
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "report": {"template": 5, "unit": {"province": "02"}}})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    let msg = body["error"].as_str().unwrap_or_default();
    assert!(msg.contains("sai kiểu dữ liệu"), "{msg}");
    for english in ["invalid type", "expected", "struct"] {
        assert!(!msg.contains(english), "{msg}");
    }

    // The administrator's two account actions are separate and confirmed: locking asks for no
    // password; a reset asks for the new one.
    let admin = s.login("quantri").await;
    let (_, page) = admin.get("/quan-tri").await;
    let forms: Vec<&str> = page.split("<form").collect();
    let lock = forms
        .iter()
        .find(|f| f.contains(">Khóa tài khoản</button>"))
        .expect("a lock button");
    assert!(
        !lock.contains("name=\"password\""),
        "locking needs no password"
    );
    assert!(lock.contains("data-confirm="));
    let reset = forms
        .iter()
        .find(|f| f.contains(">Đặt lại mật khẩu</button>"))
        .expect("a reset button");
    assert!(reset.contains("name=\"password\"") && reset.contains("required"));
    assert!(reset.contains("data-confirm="));
    assert!(page.contains("Đơn vị cấp huyện (với cán bộ huyện)"));

    // A double click on submit is one submission (Cao Bằng's report is returned and valid).
    let cb = s.login("caobang.duyet").await;
    let cid = ids["04"];
    let rev = cb.revision(cid).await;
    let versions = |v: &Value| v.as_array().map(Vec::len).unwrap_or(0);
    let (_, before) = cb
        .json(
            Method::GET,
            &format!("/api/v1/reports/{cid}/versions"),
            None,
        )
        .await;
    for _ in 0..2 {
        let (st, body) = cb
            .json(
                Method::POST,
                &format!("/api/v1/reports/{cid}/submit"),
                Some(json!({"revision": rev})),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let (_, after) = cb
        .json(
            Method::GET,
            &format!("/api/v1/reports/{cid}/versions"),
            None,
        )
        .await;
    assert_eq!(versions(&after), versions(&before) + 1, "one new version");

    // Comments keep their state in every state of the report (item 7): the BTCTW comments on
    // Cao Bằng's submitted report and returns it; the province answers and changes the item;
    // after resubmission the reviewer sees the answer and that the item changed, and closes it.
    let (st, body) = btctw
        .json(
            Method::POST,
            &format!("/api/v1/reports/{cid}/return"),
            Some(json!({"comments": [{"item": "A.I", "body": "Đề nghị nêu rõ số hội nghị quán triệt."}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let cb_drafter = s.login("caobang.soan").await;
    let (_, page) = cb_drafter.get(&format!("/bao-cao/{cid}")).await;
    assert!(page.contains("[đang mở]"), "the comment is open");
    assert!(page.contains("optgroup") || !page.contains("gop-y-muc"));
    let comment_id: i64 = page
        .split("<li class=\"comment-entry\"")
        .find(|e| e.contains("số hội nghị quán triệt"))
        .and_then(|e| e.split(&format!("/bao-cao/{cid}/y-kien/")).nth(1))
        .and_then(|r| r.split('/').next())
        .and_then(|n| n.parse().ok())
        .expect("an answer form for the comment");
    let (st, _) = cb_drafter
        .form(
            &format!("/bao-cao/{cid}/y-kien/{comment_id}/tra-loi"),
            &[("noi_dung", "Đã bổ sung: 3 hội nghị.")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let rev = cb_drafter.revision(cid).await;
    let (st, _) = cb_drafter
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{cid}"),
            Some(json!({"revision": rev, "changes": [{"item": "A.I", "value": "Tỉnh ủy đã tổ chức 3 hội nghị quán triệt."}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let rev = cb.revision(cid).await;
    let (st, _) = cb
        .json(
            Method::POST,
            &format!("/api/v1/reports/{cid}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, page) = btctw.get(&format!("/bao-cao/{cid}")).await;
    let entry = page
        .split("<li class=\"comment-entry\"")
        .find(|e| e.contains("số hội nghị quán triệt"))
        .expect("the comment is shown to the reviewer after resubmission");
    assert!(entry.contains("[tỉnh đã trả lời]"), "{entry}");
    assert!(entry.contains("Đã bổ sung: 3 hội nghị."), "{entry}");
    assert!(
        entry.contains("Mục này đã được sửa sau phiên bản"),
        "{entry}"
    );
    // The reviewer's picker is grouped by section.
    assert!(
        page.contains("<optgroup label=\"A.I Về công tác"),
        "grouped picker"
    );
    let (st, _) = btctw
        .form(
            &format!("/bao-cao/{cid}/y-kien/{comment_id}/dong"),
            &[],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page) = cb_drafter.get(&format!("/bao-cao/{cid}")).await;
    assert!(page.contains("[đã đóng]"));
    let (st, _) = cb_drafter
        .form(
            &format!("/bao-cao/{cid}/y-kien/{comment_id}/tra-loi"),
            &[("noi_dung", "Thêm.")],
            true,
        )
        .await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "a closed comment is not answered again"
    );
    let (st, _) = cb_drafter
        .form(
            &format!("/bao-cao/{cid}/y-kien/{comment_id}/dong"),
            &[],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "only the reviewer closes");

    // An ended session: the autosave gets a JSON 401 (the page says the session ended and
    // keeps the text), not a page.
    let (st, _) = drafter.json(Method::DELETE, "/api/v1/session", None).await;
    assert!(st.is_success());
    let (st, body) = autosave(
        &drafter,
        id,
        &[("revision", "1"), ("p||A.I", ""), ("v||A.I", "x")],
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("đăng nhập")),
        "{body}"
    );
    // The site has an icon: linked from every page, and at /favicon.ico (no 404 on every page).
    let anon = s.anonymous();
    let (st, kind, svg) = anon.get_bytes("/tai-nguyen/bieu-tuong.svg").await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "image/svg+xml"));
    assert!(svg.starts_with(b"<svg"));
    let (st, kind, _) = anon.get_bytes("/favicon.ico").await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "image/svg+xml"));
    let (_, login) = anon.get("/dang-nhap").await;
    assert!(login.contains("rel=\"icon\" href=\"/tai-nguyen/bieu-tuong.svg\""));
    s.stop().await;
}
