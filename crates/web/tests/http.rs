//! HTTP tests against a real server on a random port, on SQLite and on PostgreSQL
//! (127.0.0.1:5432, or BAOCAO_TEST_POSTGRES): the access matrix, CSRF, stale saves, the
//! workflow, immutability of submitted versions, audit, throttling and bad input.

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

async fn all(pg: bool) {
    let s = Server::start(pg).await;
    access_matrix(&s).await;
    csrf_refused(&s).await;
    stale_save_refused(&s).await;
    workflow(&s).await;
    bad_input(&s).await;
    throttling(&s).await;
    sessions_end(&s).await;
    tokens_hashed(&s).await;
    redirects(&s).await;
    csrf_never_in_urls(&s).await;
    origin_checked(&s).await;
    security_headers(&s).await;
    framework_errors(&s).await;
    read_timeouts(&s).await;
    openapi_routes(&s).await;
    national(&s).await;
    deadline(&s).await;
    pdf_download(&s).await;
    s.stop().await;
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Read a report.
    View,
    /// Change a report (the province's users, while editable).
    Edit,
    /// Submit (the province's approver; here refused for errors).
    Submit,
    /// Decide on a report (reviewer; here refused: not submitted).
    Review,
    Dashboard,
    Admin,
}

struct Who {
    user: &'static str,
    province: Option<&'static str>,
    role: &'static str,
}

const PEOPLE: &[Who] = &[
    Who {
        user: "hagiang.soan",
        province: Some("02"),
        role: "drafter",
    },
    Who {
        user: "hagiang.duyet",
        province: Some("02"),
        role: "approver",
    },
    Who {
        user: "caobang.soan",
        province: Some("04"),
        role: "drafter",
    },
    Who {
        user: "btctw",
        province: None,
        role: "reviewer",
    },
    Who {
        user: "quantri",
        province: None,
        role: "admin",
    },
];

fn expected(rule: Rule, who: &Who, report_province: &str, editable: bool, api: bool) -> StatusCode {
    let own = who.province == Some(report_province);
    let central = who.province.is_none();
    let ok_page = if api {
        StatusCode::OK
    } else {
        StatusCode::SEE_OTHER
    };
    match rule {
        Rule::View => {
            if own || central {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        }
        Rule::Edit => match (own, central) {
            (true, _) if editable => ok_page,
            (true, _) => StatusCode::CONFLICT,
            (false, true) => StatusCode::FORBIDDEN,
            (false, false) => StatusCode::NOT_FOUND,
        },
        Rule::Submit => match (own, central) {
            (true, _) if who.role == "approver" => StatusCode::UNPROCESSABLE_ENTITY,
            (false, false) => StatusCode::NOT_FOUND,
            _ => StatusCode::FORBIDDEN,
        },
        Rule::Review => match (own, central) {
            (_, true) if who.role == "reviewer" => StatusCode::CONFLICT,
            (false, false) => StatusCode::NOT_FOUND,
            _ => StatusCode::FORBIDDEN,
        },
        Rule::Dashboard => {
            if central {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
        Rule::Admin => {
            if who.role == "admin" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
    }
}

/// Every route × every role × own/other province: allowed, or 403/404, never another unit's data.
async fn access_matrix(s: &Server) {
    let ids = s.report_ids().await;
    // 02: an empty draft; 04: returned (editable, valid sample). Both in the demo.
    let targets = [("02", ids["02"], "Hà Giang"), ("04", ids["04"], "Cao Bằng")];
    let report_routes: &[(Rule, &str, &str)] = &[
        (Rule::View, "GET", "/bao-cao/{id}"),
        (Rule::View, "GET", "/bao-cao/{id}/xem"),
        (Rule::View, "GET", "/bao-cao/{id}/tai/docx"),
        (Rule::View, "GET", "/bao-cao/{id}/tai/json"),
        (Rule::View, "GET", "/bao-cao/{id}/phien-ban"),
        (Rule::View, "GET", "/bao-cao/{id}/so-sanh?a=0&b=0"),
        (Rule::View, "GET", "/api/v1/reports/{id}"),
        (Rule::View, "GET", "/api/v1/reports/{id}/versions"),
        (Rule::View, "GET", "/api/v1/reports/{id}/comments"),
        (Rule::View, "GET", "/api/v1/reports/{id}/compare?a=0&b=0"),
        (Rule::View, "GET", "/api/v1/reports/{id}/export/json"),
        (Rule::View, "GET", "/api/v1/reports/{id}/export/docx"),
        (Rule::Edit, "PATCH", "/api/v1/reports/{id}"),
        (Rule::Edit, "POST", "/bao-cao/{id}/luu"),
        (Rule::Edit, "POST", "/api/v1/reports/{id}/models"),
        (Rule::Submit, "POST", "/api/v1/reports/{id}/submit"),
        (Rule::Submit, "POST", "/bao-cao/{id}/gui"),
        (Rule::Review, "POST", "/api/v1/reports/{id}/accept"),
        (Rule::Review, "POST", "/api/v1/reports/{id}/return"),
        (Rule::Review, "POST", "/bao-cao/{id}/tiep-nhan"),
        (Rule::Review, "POST", "/api/v1/reports/{id}/comments"),
    ];
    let reviewer = s.login("btctw").await;
    let mut checked = 0;
    for who in PEOPLE {
        let c = s.login(who.user).await;
        for (province, id, name) in targets {
            for (rule, method, route) in report_routes {
                let path = route.replace("{id}", &id.to_string());
                let api = path.starts_with("/api/");
                let rev = reviewer.revision(id).await;
                let (status, body) = call(&c, method, &path, *rule, rev).await;
                // The 04 report is returned (editable); Review on it is refused for state too.
                let want = expected(*rule, who, province, true, api);
                assert_eq!(
                    status, want,
                    "{} {method} {path} ({:?}) → {status}: {body}",
                    who.user, rule
                );
                if status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN {
                    assert!(!body.contains(name), "{} {path}: leaks “{name}”", who.user);
                    assert!(
                        !body.contains("answers"),
                        "{} {path}: leaks content",
                        who.user
                    );
                }
                checked += 1;
            }
        }
        for (rule, path) in [
            (Rule::Dashboard, "/tong-quan"),
            (Rule::Dashboard, "/api/v1/dashboard"),
            (Rule::Admin, "/quan-tri"),
            (Rule::Admin, "/quan-tri/nhat-ky"),
            (Rule::Admin, "/quan-tri/sao-luu"),
            (Rule::Admin, "/api/v1/users"),
            (Rule::Admin, "/api/v1/audit"),
        ] {
            let (status, _) = c.get(path).await;
            assert_eq!(
                status,
                expected(rule, who, "", true, true),
                "{} {path}",
                who.user
            );
            checked += 1;
        }
        // Lists never show another province's report.
        let (_, list) = c.json(Method::GET, "/api/v1/reports", None).await;
        let provinces: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["province"].as_str().unwrap())
            .collect();
        match who.province {
            Some(p) => assert_eq!(provinces, vec![p], "{}", who.user),
            None => assert_eq!(provinces.len(), 63),
        }
    }
    // No session: pages send to the login page, the API answers 401.
    let anon = s.anonymous();
    for (_, method, route) in report_routes {
        let path = route.replace("{id}", &ids["02"].to_string());
        let (status, body) = call(&anon, method, &path, Rule::View, 1).await;
        if path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        } else if *method == "GET" {
            assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path}");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        }
        assert!(!body.contains("Hà Giang"));
    }
    assert!(checked > 200, "{checked}");
}

async fn call(c: &Client, method: &str, path: &str, rule: Rule, rev: i64) -> (StatusCode, String) {
    let rev_s = rev.to_string();
    if method == "GET" {
        return c.get(path).await;
    }
    if path.starts_with("/api/") {
        let body = match (rule, method) {
            (Rule::Edit, "PATCH") => json!({"revision": rev, "changes": []}),
            (Rule::Edit, _) => json!({"revision": rev, "block": "nope", "model": "x"}),
            (Rule::Review, _) if path.ends_with("/comments") => {
                json!({"item": "A.I", "body": "Ý kiến"})
            }
            _ => json!({"revision": rev}),
        };
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let (s, v) = c.json(m, path, Some(body)).await;
        // Adding to a block that does not exist is refused after the access check.
        let s = if s == StatusCode::BAD_REQUEST && matches!(rule, Rule::Edit) {
            StatusCode::OK
        } else {
            s
        };
        return (s, v.to_string());
    }
    c.form(path, &[("revision", &rev_s)], true).await
}

async fn csrf_refused(s: &Server) {
    let ids = s.report_ids().await;
    let id = ids["02"];
    let c = s.login("hagiang.soan").await;
    let rev = c.revision(id).await;
    let change = json!({"revision": rev, "changes": [{"item": "A.I", "value": "Giả mạo"}]});
    // API without the header.
    let res = c
        .http
        .patch(format!("{}/api/v1/reports/{id}", c.base))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("chống giả mạo"));
    // A wrong token.
    let mut bad = Client {
        csrf: "00".repeat(32),
        ..clone_client(&c)
    };
    bad.user = c.user.clone();
    let (status, _) = bad
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(change.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A form without its token.
    let (status, _) = c
        .form(
            &format!("/bao-cao/{id}/luu"),
            &[
                ("revision", &rev.to_string()),
                ("p||A.I", ""),
                ("v||A.I", "Giả mạo"),
            ],
            false,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another site's page posting with the user's cookie (Origin differs).
    let res = c
        .http
        .post(format!("{}/bao-cao/{id}/luu", c.base))
        .header("origin", "http://evil.example")
        .form(&[("revision", rev.to_string()), ("_csrf", c.csrf.clone())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Login form without the double-submit cookie.
    let anon = s.anonymous();
    let (status, body) = anon
        .form(
            "/dang-nhap",
            &[
                ("username", "hagiang.soan"),
                ("password", common::PASSWORD),
                ("_csrf", "x"),
            ],
            false,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Phiên đăng nhập đã hết hạn"));
    // Logging out through the API needs the token too.
    let res = c
        .http
        .delete(format!("{}/api/v1/session", c.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nothing changed.
    assert_eq!(c.revision(id).await, rev);
    assert!(c.report(id).await["report"]["answers"].get("A.I").is_none());
}

fn clone_client(c: &Client) -> Client {
    Client {
        http: c.http.clone(),
        base: c.base.clone(),
        csrf: c.csrf.clone(),
        user: c.user.clone(),
    }
}

async fn stale_save_refused(s: &Server) {
    let id = s.report_ids().await["02"];
    let a = s.login("hagiang.soan").await;
    let b = s.login("hagiang.duyet").await;
    let rev = a.revision(id).await;
    let (st, saved) = a
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [{"item": "A.I", "value": "Bản của chuyên viên"}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["revision"], json!(rev + 1));
    // The approver edits from the same base: refused, with the current revision.
    let (st, err) = b
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(
                json!({"revision": rev, "changes": [{"item": "A.I", "value": "Bản của lãnh đạo"}]}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["current_revision"], json!(rev + 1));
    assert!(err["error"]
        .as_str()
        .unwrap()
        .contains("đã được lưu ở nơi khác"));
    let r = a.report(id).await;
    assert_eq!(r["report"]["answers"]["A.I"], json!("Bản của chuyên viên"));
    // The page way: the refused text is shown back to be merged, and not saved.
    let (st, page) = b
        .form(
            &format!("/bao-cao/{id}/luu?muc=A.I"),
            &[
                ("revision", &rev.to_string()),
                ("p||A.I", ""),
                ("v||A.I", "Đoạn văn của lãnh đạo chưa lưu"),
            ],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(
        page.contains("Đoạn văn của lãnh đạo chưa lưu"),
        "kept for merging"
    );
    assert_eq!(
        a.report(id).await["report"]["answers"]["A.I"],
        json!("Bản của chuyên viên")
    );
    // A form save with the current revision goes through, and the audit has old and new.
    let rev = a.revision(id).await;
    let (st, _) = b
        .form(
            &format!("/bao-cao/{id}/luu?muc=A.I"),
            &[
                ("revision", &rev.to_string()),
                ("p||A.I", ""),
                ("v||A.I", "Bản đã hợp nhất"),
            ],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let admin = s.login("quantri").await;
    let (_, log) = admin
        .json(Method::GET, &format!("/api/v1/audit?report={id}"), None)
        .await;
    let entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item"] == "A.I" && e["username"] == "hagiang.duyet")
        .expect("audit entry of the merged save");
    assert_eq!(entry["old"], json!("\"Bản của chuyên viên\""));
    assert_eq!(entry["new"], json!("\"Bản đã hợp nhất\""));
}

async fn workflow(s: &Server) {
    let id = s.report_ids().await["02"];
    let drafter = s.login("hagiang.soan").await;
    let approver = s.login("hagiang.duyet").await;
    let reviewer = s.login("btctw").await;
    // Submit is blocked while errors remain.
    let rev = drafter.revision(id).await;
    let (st, err) = approver
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"].as_str().unwrap().contains("lỗi"));
    assert!(!err["problems"].as_array().unwrap().is_empty());
    assert_eq!(drafter.report(id).await["info"]["state"], "draft");
    // A complete report (upload of a valid sample), then submit.
    let t = outline::builtin("kl74-2021").unwrap();
    let sample = report::sample::sample(&t, units::Units::embedded().unwrap(), "02", 5).unwrap();
    let mut sample_json: Value = serde_json::from_str(&sample.to_json()).unwrap();
    // One answer pasted from an old TCVN3 document that lost its font: stored as Unicode.
    sample_json["answers"]["B.IV"] = json!("TØnh ñy Hµ Giang b¸o c¸o kÕt qu¶ thùc hiÖn");
    let (st, saved) = drafter
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "report": sample_json})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["errors"], json!(0), "{saved}");
    let rev = saved["revision"].as_i64().unwrap();
    let got = drafter.report(id).await;
    assert_eq!(
        got["report"]["answers"]["B.IV"], "Tỉnh ủy Hà Giang báo cáo kết quả thực hiện",
        "TCVN3 text converted on upload"
    );
    // And a VNI paste through a save.
    let (st, saved) = drafter
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [{"item": "B.IV", "value": "Tænh uûy Haø Giang baùo caùo keát quaû thöïc hieän"}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    let rev = saved["revision"].as_i64().unwrap();
    let got = drafter.report(id).await;
    assert_eq!(
        got["report"]["answers"]["B.IV"], "Tỉnh ủy Hà Giang báo cáo kết quả thực hiện",
        "VNI text converted on save"
    );
    // What the version keeps: the sample with that answer in Unicode.
    sample_json["answers"]["B.IV"] = json!("Tỉnh ủy Hà Giang báo cáo kết quả thực hiện");
    // A drafter may not submit.
    let (st, _) = drafter
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = approver
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], json!(1));
    // The submitted version is immutable: no save, no upload.
    let rev = drafter.revision(id).await;
    let (st, _) = drafter
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(
                json!({"revision": rev, "changes": [{"item": "A.I", "value": "Sửa sau khi gửi"}]}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = drafter
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "report": sample_json})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, v1) = drafter
        .json(
            Method::GET,
            &format!("/api/v1/reports/{id}/versions/1"),
            None,
        )
        .await;
    assert_eq!(v1["report"], sample_json);
    // Return with a comment on one item; the province sees it next to the item.
    let (st, _) = reviewer
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/return"),
            Some(json!({"comments": []})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "a return needs a comment");
    let (st, e) = reviewer
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/return"),
            Some(json!({"comments": [{"item": "B.III.1", "body": "Đề nghị làm rõ khó khăn về con dấu."}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(drafter.report(id).await["info"]["state"], "returned");
    let (_, page) = drafter.get(&format!("/bao-cao/{id}?muc=B.III")).await;
    // Listed with the report's comments at the top, and shown again beside its item.
    assert!(page.contains("[đang mở]"), "with its state");
    let at = page
        .rfind("Đề nghị làm rõ khó khăn về con dấu.")
        .expect("comment shown");
    let field = page.find("name=\"v||B.III.1\"").expect("the item's field");
    assert!(at.abs_diff(field) < 3000, "the comment sits by its item");
    // Edit and resubmit: version 2; the comparison shows the change item by item.
    let rev = drafter.revision(id).await;
    let (st, _) = drafter
        .json(Method::PATCH, &format!("/api/v1/reports/{id}"), Some(json!({"revision": rev, "changes": [{"item": "B.III.1", "value": "Khó khăn: hai con dấu, hai chế độ báo cáo."}]})))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = approver
        .json(
            Method::POST,
            &format!("/api/v1/reports/{id}/submit"),
            Some(json!({"revision": rev + 1})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["version"], json!(2));
    let (_, diff) = reviewer
        .json(
            Method::GET,
            &format!("/api/v1/reports/{id}/compare?a=1&b=2"),
            None,
        )
        .await;
    let diff = diff.as_array().unwrap();
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert_eq!(diff[0]["item"], "B.III.1");
    assert_eq!(diff[0]["new"], "Khó khăn: hai con dấu, hai chế độ báo cáo.");
    let (st, _) = reviewer
        .json(Method::POST, &format!("/api/v1/reports/{id}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, versions) = reviewer
        .json(Method::GET, &format!("/api/v1/reports/{id}/versions"), None)
        .await;
    let states: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["returned", "accepted"]);
    // The dashboard counts it.
    let (_, dash) = reviewer.json(Method::GET, "/api/v1/dashboard", None).await;
    let row = dash["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["province"] == "02")
        .unwrap();
    assert_eq!(row["state"], "accepted");
    assert_eq!(row["late"], json!(false));
    // Audit: every step with who and what.
    let admin = s.login("quantri").await;
    let (_, log) = admin
        .json(
            Method::GET,
            &format!("/api/v1/audit?report={id}&limit=1000"),
            None,
        )
        .await;
    let actions: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["username"].as_str().unwrap(),
            )
        })
        .collect();
    for want in [
        ("nhập từ tệp JSON", "hagiang.soan"),
        ("gửi báo cáo", "hagiang.duyet"),
        ("góp ý", "btctw"),
        ("trả lại báo cáo", "btctw"),
        ("sửa nội dung", "hagiang.soan"),
        ("tiếp nhận báo cáo", "btctw"),
    ] {
        assert!(actions.contains(&want), "{want:?} in {actions:?}");
    }
}

async fn bad_input(s: &Server) {
    let id = s.report_ids().await["08"]; // a draft with content
    let c = s.login("quantri").await;
    // Admin makes a drafter of 08 to try bad input.
    let (st, _) = c
        .json(Method::POST, "/api/v1/users", Some(json!({"username": "tuyenquang.soan", "full_name": "Ma Văn Tuyên", "role": "drafter", "province": "08", "password": "matkhau-8"})))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, e) = c
        .json(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "x", "full_name": "", "role": "drafter", "password": "1"})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    let mut d = s.anonymous();
    let (_, body) = d
        .json(
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": "tuyenquang.soan", "password": "matkhau-8"})),
        )
        .await;
    d.csrf = body["csrf_token"].as_str().unwrap().to_string();
    let before = d.report(id).await;
    let rev = before["info"]["revision"].as_i64().unwrap();
    // Malformed JSON body.
    let res = d
        .http
        .put(format!("{}/api/v1/reports/{id}", d.base))
        .header("x-csrf-token", &d.csrf)
        .header("content-type", "application/json")
        .body("{\"revision\": 1, \"report\": {")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    let msg: Value = res.json().await.unwrap();
    assert!(
        msg["error"].as_str().unwrap().contains("JSON")
            || msg["error"].as_str().unwrap().contains("định dạng"),
        "{msg}"
    );
    // A report of another province, uploaded through the page (multipart).
    let other = report::sample::sample(
        &outline::builtin("kl74-2021").unwrap(),
        units::Units::embedded().unwrap(),
        "02",
        1,
    )
    .unwrap();
    let boundary = "----baocao";
    let multipart = |fields: &[(&str, &str)], file: &str| {
        let mut b = String::new();
        for (k, v) in fields {
            b.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"r.json\"\r\nContent-Type: application/json\r\n\r\n{file}\r\n--{boundary}--\r\n"
        ));
        b
    };
    let rev_s = rev.to_string();
    // The CSRF token in the query string is no longer accepted (it would leak through logs,
    // history and Referer): refused before anything is read.
    let res = d
        .http
        .post(format!(
            "{}/bao-cao/{id}/tai-len?_csrf={}&revision={rev}",
            d.base, d.csrf
        ))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart(&[], &other.to_json()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // In a multipart field, as the page sends it.
    let res = d
        .http
        .post(format!("{}/bao-cao/{id}/tai-len", d.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart(
            &[("_csrf", &d.csrf), ("revision", &rev_s)],
            &other.to_json(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("không phải của tỉnh này"));
    // A wrong token in the multipart field is refused.
    let res = d
        .http
        .post(format!("{}/bao-cao/{id}/tai-len", d.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart(
            &[("_csrf", &"0".repeat(64)), ("revision", &rev_s)],
            &other.to_json(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A field over the limit, or pasted text with replacement or control characters, is
    // refused at save with the item and the limit stated, and nothing is stored (issue 13).
    let huge = "a".repeat(report::validate::MAX_TEXT_CHARS + 1);
    for (value, why) in [
        (huge.as_str(), "quá giới hạn 100.000 ký tự"),
        ("Ban Th\u{FFFD}\u{FFFD}ng v\u{FFFD}", "ký tự “�”"),
        ("Nội dung\u{0007} có chuông", "ký tự điều khiển U+0007"),
    ] {
        let (st, body) = d
            .json(
                Method::PATCH,
                &format!("/api/v1/reports/{id}"),
                Some(json!({"revision": rev, "changes": [{"item": "A.I", "value": value}]})),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.to_string().contains(why), "{body}");
        assert!(body.to_string().contains("Chưa lưu"), "{body}");
        assert_eq!(d.revision(id).await, rev, "nothing stored");
    }
    // Text arrives decomposed (NFD, as some keyboards and copy-pastes give it): stored NFC.
    let (st, saved) = d
        .json(Method::PATCH, &format!("/api/v1/reports/{id}"), Some(json!({"revision": rev, "changes": [{"item": "A.II", "value": "Tie\u{0302}\u{0301}ng Vie\u{0323}\u{0302}t"}], "document": {"signer": "Nguye\u{0302}\u{0303}n Va\u{0306}n A"}})))
        .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    let stored = d.report(id).await;
    assert_eq!(stored["report"]["answers"]["A.II"], json!("Tiếng Việt"));
    assert_eq!(
        stored["report"]["document"]["signer"],
        json!("Nguyễn Văn A")
    );
    // Script in text is stored as text and shown escaped.
    let rev = saved["revision"].as_i64().unwrap();
    let (st, _) = d
        .json(Method::PATCH, &format!("/api/v1/reports/{id}"), Some(json!({"revision": rev, "changes": [{"item": "A.I", "value": "<script>alert(1)</script>"}]})))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, page) = d.get(&format!("/bao-cao/{id}?muc=A.I")).await;
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let (_, preview) = d.get(&format!("/bao-cao/{id}/xem")).await;
    assert!(!preview.contains("<script>alert(1)"));
    // An unknown item and an unknown model are refused, nothing changes.
    let rev = d.revision(id).await;
    let (st, e) = d
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [{"item": "khong-co", "value": "x"}]})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(e["error"]
        .as_str()
        .unwrap()
        .contains("không có trong đề cương"));
    assert_eq!(d.revision(id).await, rev);
    // Wrong content type on the API, wrong method: Vietnamese errors.
    let res = d
        .http
        .patch(format!("{}/api/v1/reports/{id}", d.base))
        .header("x-csrf-token", &d.csrf)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(res.text().await.unwrap().contains("JSON"));
    let (st, body) = d.get("/khong-co-trang-nay").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(body.contains("Không tìm thấy"));
    // Locking an account ends its sessions at once (no cached session survives).
    let (_, users) = c.json(Method::GET, "/api/v1/users", None).await;
    let uid = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "tuyenquang.soan")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        d.get(&format!("/api/v1/reports/{id}")).await.0,
        StatusCode::OK
    );
    let (st, _) = c
        .form(
            &format!("/quan-tri/nguoi-dung/{uid}"),
            &[("active", "0"), ("password", "")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        d.get(&format!("/api/v1/reports/{id}")).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A stranger hammering an account is slowed down from his address only: the real user, from
/// another address, signs in at once; failed and refused logins are in the audit log.
async fn throttling(s: &Server) {
    let stranger = s.anonymous_from("127.0.0.2");
    let try_login = |c: &Client, password: &str| {
        let c = clone_client(c);
        let password = password.to_string();
        async move {
            c.json(
                Method::POST,
                "/api/v1/session",
                Some(json!({"username": "caobang.duyet", "password": password})),
            )
            .await
        }
    };
    for _ in 0..web::auth::FREE_FAILURES {
        let (st, e) = try_login(&stranger, "sai-mat-khau").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        assert_eq!(e["error"], "Tên đăng nhập hoặc mật khẩu không đúng.");
    }
    // The stranger must wait now, even with the right password…
    let (st, e) = try_login(&stranger, common::PASSWORD).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{e}");
    assert!(e["error"].as_str().unwrap().contains("chờ"), "{e}");
    let (st, _) = try_login(&stranger, "sai-nua").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    // X-Forwarded-For is not believed: the socket's address is.
    let res = stranger
        .http
        .post(format!("{}/api/v1/session", stranger.base))
        .header("x-forwarded-for", "127.0.0.9")
        .json(&json!({"username": "caobang.duyet", "password": common::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "Retry-After: {wait}");
    // …but the real user, from his own machine, signs in at once, with the page and the API.
    let real = s.anonymous_from("127.0.0.3");
    let (st, e) = try_login(&real, common::PASSWORD).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let (_, page) = real.get("/dang-nhap").await;
    let token = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (st, _) = real
        .form(
            "/dang-nhap",
            &[
                ("username", "caobang.duyet"),
                ("password", common::PASSWORD),
                ("_csrf", &token),
            ],
            false,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "the page login works too");
    // Another account from the stranger's address is not affected either.
    let (st, _) = stranger
        .json(
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": "caobang.soan", "password": common::PASSWORD})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // After the wait, the stranger may try again (and the right password works).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (st, e) = try_login(&stranger, common::PASSWORD).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    // Behind a reverse proxy (--trust-forwarded-for) every connection comes from the proxy: the
    // address the proxy appends to X-Forwarded-For tells the stranger and the real user apart
    // (what a client puts before it is not believed).
    let (proxied, app) = s.second_config(|c| c.trust_forwarded_for = true).await;
    let via_proxy = |client_ip: &str, password: &str| {
        reqwest::Client::new()
            .post(format!("{proxied}/api/v1/session"))
            .header("x-forwarded-for", format!("198.51.100.77, {client_ip}"))
            .json(&json!({"username": "hanoi.soan", "password": password}))
            .send()
    };
    for _ in 0..web::auth::FREE_FAILURES {
        let res = via_proxy("203.0.113.7", "sai").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = via_proxy("203.0.113.7", "sai").await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = via_proxy("198.51.100.77", "sai").await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "another client through the proxy is not slowed down"
    );
    app.store.close().await;
    // One address trying many accounts is slowed down for every account from there.
    let sprayer = s.anonymous_from("127.0.0.5");
    for i in 0..web::auth::FREE_ADDRESS_FAILURES {
        let (st, _) = sprayer
            .json(
                Method::POST,
                "/api/v1/session",
                Some(json!({"username": format!("khong-co-{i}"), "password": "x"})),
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    }
    let (st, _) = sprayer
        .json(
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": "hanoi.duyet", "password": common::PASSWORD})),
        )
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    let (st, _) = s
        .anonymous_from("127.0.0.6")
        .json(
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": "hanoi.duyet", "password": common::PASSWORD})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "the account itself is not locked");
    // The administrator sees the failed and the refused logins, with the address.
    let admin = s.login("quantri").await;
    let (_, log) = admin
        .json(Method::GET, "/api/v1/audit?limit=1000", None)
        .await;
    let of = |action: &str| {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action && e["username"] == "caobang.duyet")
            .count()
    };
    assert!(of("đăng nhập sai") >= 5, "{log}");
    assert_eq!(of("đăng nhập bị tạm hoãn"), 1, "one entry per wait");
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "đăng nhập bị tạm hoãn"
                && e["username"] == "hanoi.duyet"
                && e["new"]
                    .as_str()
                    .unwrap()
                    .contains("mọi tài khoản từ địa chỉ này")),
        "{log}"
    );
    let (st, page) = admin.get("/quan-tri/nhat-ky").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("đăng nhập sai") && page.contains("127.0.0.2"));
    assert!(page.contains("đăng nhập bị tạm hoãn"));

    // The administrator downloads a backup of the whole database (audited); `baocao restore`
    // reads it (tested in crates/baocao/tests/backup.rs).
    let (st, body) = admin.get("/quan-tri/sao-luu").await;
    assert_eq!(st, StatusCode::OK);
    let b: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(b["format"], "baocao-sao-luu");
    let reports = b["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "reports")
        .unwrap();
    // Every province's report, and the demo's district sheets of Hà Giang (district code set).
    let col = reports["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["name"] == "district" || c == "district")
        .expect("the district column is backed up");
    let rows = reports["rows"].as_array().unwrap();
    let provinces = rows.iter().filter(|r| r[col] == json!("")).count();
    assert_eq!(provinces, 63);
    assert!(rows.len() > 63, "the district sheets are backed up too");
    let (_, page) = admin.get("/quan-tri/nhat-ky").await;
    assert!(page.contains("sao lưu"), "the download is audited");
    let (_, page) = admin.get("/quan-tri").await;
    assert!(page.contains("/quan-tri/sao-luu"));
}

/// The session cookie of a fresh API login (read from Set-Cookie), and its CSRF token.
async fn raw_login(base: &str, user: &str, password: &str) -> (String, String) {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{}=", web::auth::SESSION_COOKIE)))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let body: Value = res.json().await.unwrap();
    (cookie, body["csrf_token"].as_str().unwrap().to_string())
}

/// GET `path` with a session cookie set by hand (the cookie a logged-out browser would still
/// have kept, or a stolen one).
async fn with_cookie(base: &str, cookie: &str, path: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("cookie", format!("{}={cookie}", web::auth::SESSION_COOKIE))
        .send()
        .await
        .unwrap()
        .status()
}

/// An administrator's password reset ends every session of the user at once, on every server
/// on the database; an API logout ends the session at once.
async fn sessions_end(s: &Server) {
    let (base2, second) = s.second().await;
    let admin = s.login("quantri").await;
    let (_, users) = admin.json(Method::GET, "/api/v1/users", None).await;
    let uid = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "hanoi.soan")
        .expect("demo user hanoi.soan")["id"]
        .as_i64()
        .unwrap();
    let (one, _) = raw_login(&s.base, "hanoi.soan", common::PASSWORD).await;
    let (two, _) = raw_login(&base2, "hanoi.soan", common::PASSWORD).await;
    // Both sessions work on both servers (and each server has read them once).
    for base in [&s.base, &base2] {
        for c in [&one, &two] {
            assert_eq!(with_cookie(base, c, "/api/v1/me").await, StatusCode::OK);
        }
    }
    let (st, _) = admin
        .form(
            &format!("/quan-tri/nguoi-dung/{uid}"),
            &[("active", "1"), ("password", "mat-khau-moi-2026")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    for base in [&s.base, &base2] {
        for c in [&one, &two] {
            assert_eq!(
                with_cookie(base, c, "/api/v1/me").await,
                StatusCode::UNAUTHORIZED,
                "an old session after the password reset"
            );
        }
    }
    // The user changes his own password on the second server: his other sessions end on both
    // servers, the one that changed it goes on with a new cookie.
    let (other, _) = raw_login(&s.base, "hanoi.soan", "mat-khau-moi-2026").await;
    let (mine, csrf) = raw_login(&base2, "hanoi.soan", "mat-khau-moi-2026").await;
    let change = |current: &str, new: &str| {
        reqwest::Client::new()
            .post(format!("{base2}/api/v1/session/password"))
            .header("cookie", format!("{}={mine}", web::auth::SESSION_COOKIE))
            .header("x-csrf-token", &csrf)
            .json(&json!({"current": current, "new": new}))
            .send()
    };
    let res = change("sai-mat-khau", "mat-khau-thu-ba").await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the current password is asked"
    );
    assert_eq!(
        with_cookie(&s.base, &other, "/api/v1/me").await,
        StatusCode::OK
    );
    let res = change("mat-khau-moi-2026", "mat-khau-thu-ba")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let renewed = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{}=", web::auth::SESSION_COOKIE)))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    for base in [&s.base, &base2] {
        for old in [&other, &mine] {
            assert_eq!(
                with_cookie(base, old, "/api/v1/me").await,
                StatusCode::UNAUTHORIZED,
                "a session after the user's own password change"
            );
        }
        assert_eq!(
            with_cookie(base, &renewed, "/api/v1/me").await,
            StatusCode::OK
        );
    }
    // The page to do it is there, without the token in its URL.
    let (st, page) = s
        .login_with("hanoi.soan", "mat-khau-thu-ba")
        .await
        .get("/mat-khau")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("Mật khẩu hiện tại"));

    // An API logout ends a session at once, on both servers.
    let (three, csrf) = raw_login(&base2, "hanoi.soan", "mat-khau-thu-ba").await;
    assert_eq!(
        with_cookie(&s.base, &three, "/api/v1/me").await,
        StatusCode::OK
    );
    let res = reqwest::Client::new()
        .delete(format!("{}/api/v1/session", s.base))
        .header("cookie", format!("{}={three}", web::auth::SESSION_COOKIE))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for base in [&s.base, &base2] {
        assert_eq!(
            with_cookie(base, &three, "/api/v1/me").await,
            StatusCode::UNAUTHORIZED,
            "a session after its logout"
        );
    }
    second.store.close().await;
}

/// The database keeps the SHA-256 of each session token, never the token.
async fn tokens_hashed(s: &Server) {
    use sha2::Digest;
    use sqlx::{Connection, Row};
    let (cookie, _) = raw_login(&s.base, "hagiang.soan", common::PASSWORD).await;
    let mut db = sqlx::AnyConnection::connect(&s.url).await.unwrap();
    let rows = sqlx::query("SELECT token_hash, csrf FROM sessions")
        .fetch_all(&mut db)
        .await
        .unwrap();
    let stored: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>("token_hash").unwrap())
        .collect();
    let hashed: String = sha2::Sha256::digest(cookie.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(!stored.contains(&cookie), "a token in plain text");
    assert!(stored.contains(&hashed), "the token's SHA-256");
    for r in &rows {
        let h: String = r.try_get("token_hash").unwrap();
        assert_eq!(h.len(), 64);
    }
    let _ = db.close().await;
}

/// After login, only a path of this site.
async fn redirects(s: &Server) {
    for (tiep, want) in [
        ("/bao-cao", "/bao-cao"),
        ("/tong-hop?nguon=da-gui", "/tong-hop?nguon=da-gui"),
        ("/\\evil.example/phish", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/\tevil", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ] {
        let c = s.anonymous_from("127.0.0.4");
        let (_, page) = c.get("/dang-nhap").await;
        let token = page
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        let res = c
            .http
            .post(format!("{}/dang-nhap", c.base))
            .form(&[
                ("username", "hagiang.soan"),
                ("password", common::PASSWORD),
                ("_csrf", token.as_str()),
                ("tiep", tiep),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{tiep:?}");
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            want,
            "tiep={tiep:?}"
        );
    }
}

/// No page carries the CSRF token in a URL (href, action, src).
async fn csrf_never_in_urls(s: &Server) {
    let ids = s.report_ids().await;
    for (user, paths) in [
        (
            "hagiang.soan",
            vec![
                "/bao-cao".to_string(),
                format!("/bao-cao/{}", ids["02"]),
                format!("/bao-cao/{}?muc=B.III", ids["02"]),
                format!("/bao-cao/{}/phien-ban", ids["02"]),
                "/mat-khau".to_string(),
            ],
        ),
        (
            "btctw",
            vec![
                "/tong-quan".to_string(),
                "/tong-hop".to_string(),
                format!("/bao-cao/{}", ids["06"]),
            ],
        ),
        (
            "quantri",
            vec!["/quan-tri".to_string(), "/quan-tri/nhat-ky".to_string()],
        ),
    ] {
        let c = s.login(user).await;
        for path in paths {
            let (st, page) = c.get(&path).await;
            assert_eq!(st, StatusCode::OK, "{user} {path}");
            assert!(page.contains(&c.csrf), "{path}: the token is on the page");
            for attr in ["href=\"", "action=\"", "src=\""] {
                for url in page.split(attr).skip(1) {
                    let url = url.split('"').next().unwrap_or("");
                    assert!(
                        !url.contains(&c.csrf) && !url.contains("_csrf"),
                        "{user} {path}: token in {attr}{url}"
                    );
                }
            }
        }
    }
}

/// A state change with an Origin must come from this site: scheme, host and port.
async fn origin_checked(s: &Server) {
    let id = s.report_ids().await["02"];
    let c = s.login("hagiang.soan").await;
    let rev = c.revision(id).await;
    let host = s.base.trim_start_matches("http://").to_string();
    let (h, port) = host.rsplit_once(':').unwrap();
    let other_port = if port == "1" { "2" } else { "1" };
    for (origin, ok) in [
        (s.base.clone(), true),
        (format!("https://{host}"), false),
        (format!("http://{h}:{other_port}"), false),
        (format!("http://{h}"), false),
        (format!("http://{host}.evil.example"), false),
        ("null".to_string(), false),
    ] {
        let res = c
            .http
            .patch(format!("{}/api/v1/reports/{id}", c.base))
            .header("origin", &origin)
            .header("x-csrf-token", &c.csrf)
            .json(&json!({"revision": rev, "changes": []}))
            .send()
            .await
            .unwrap();
        // Past the origin check, the report's state decides (02 is accepted by now: 409).
        if ok {
            assert_eq!(res.status(), StatusCode::CONFLICT, "Origin: {origin}");
        } else {
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "Origin: {origin}");
        }
    }
}

/// Security headers on pages, API answers, errors, assets and the login page.
async fn security_headers(s: &Server) {
    let c = s.login("hagiang.soan").await;
    let anon = s.anonymous();
    for (client, path) in [
        (&c, "/"),
        (&c, "/api/v1/me"),
        (&c, "/khong-co"),
        (&c, "/api/v1/khong-co"),
        (&anon, "/tai-nguyen/app.js"),
        (&anon, "/tai-nguyen/app.css"),
        (&anon, "/dang-nhap"),
        (&anon, "/bao-cao"),
        (&anon, "/healthz"),
    ] {
        let res = client
            .http
            .get(format!("{}{path}", client.base))
            .send()
            .await
            .unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS without --secure-cookies"
        );
    }
    // Behind HTTPS (--secure-cookies): HSTS, and the Origin must be https.
    let (secure, app) = s.second_with(true).await;
    let res = reqwest::Client::new()
        .get(format!("{secure}/dang-nhap"))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let host = secure.trim_start_matches("http://");
    let (cookie, csrf) = raw_login(&secure, "hagiang.soan", common::PASSWORD).await;
    for (origin, refused) in [
        (format!("http://{host}"), true),
        (format!("https://{host}"), false),
    ] {
        let res = reqwest::Client::new()
            .delete(format!("{secure}/api/v1/session"))
            .header("cookie", format!("{}={cookie}", web::auth::SESSION_COOKIE))
            .header("x-csrf-token", &csrf)
            .header("origin", &origin)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status() == StatusCode::FORBIDDEN,
            refused,
            "Origin {origin} behind HTTPS: {}",
            res.status()
        );
    }
    app.store.close().await;
    // The preview (the document's own inline styles) cannot be framed either.
    let id = s.report_ids().await["02"];
    let res = c
        .http
        .get(format!("{}/bao-cao/{id}/xem", c.base))
        .send()
        .await
        .unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // The pages work under the policy: no inline script, no inline style attribute (the
    // editor, and the consolidation with its SVG charts).
    let reviewer = s.login("btctw").await;
    for (who, path) in [
        (&c, format!("/bao-cao/{id}")),
        (&reviewer, "/tong-hop?nguon=da-gui".to_string()),
        (&reviewer, "/tong-quan".to_string()),
    ] {
        let (_, page) = who.get(&path).await;
        for bad in [
            "<script>",
            " style=\"",
            "onclick=",
            "onsubmit=",
            "onload=",
            "<style",
        ] {
            assert!(!page.contains(bad), "{path} has {bad}");
        }
        for script in page.split("<script").skip(1) {
            let open = script.split('>').next().unwrap();
            assert!(
                open.contains("src=\"/tai-nguyen/") || open.contains("type=\"application/json\""),
                "{path}: an inline script: <script{open}>"
            );
        }
    }
}

/// Framework answers (wrong method, too long an address, too large headers) are Vietnamese.
async fn framework_errors(s: &Server) {
    let c = s.login("hagiang.soan").await;
    let res = c
        .http
        .put(format!("{}/dang-nhap", c.base))
        .header("x-csrf-token", &c.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("không nhận loại yêu cầu"));
    let (st, body) = c.get(&format!("/bao-cao?x={}", "a".repeat(10_000))).await;
    assert_eq!(st, StatusCode::URI_TOO_LONG);
    assert!(body.contains("quá dài"), "{body}");
    let res = c
        .http
        .get(format!("{}/", c.base))
        .header("x-dai", "b".repeat(40_000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("quá lớn"));
}

/// A request that never finishes its headers or its body does not hold the connection.
async fn read_timeouts(s: &Server) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s.base.trim_start_matches("http://").to_string();
    for request in [
        // Headers never finished.
        "GET / HTTP/1.1\r\nHost: x\r\n".to_string(),
        // A body shorter than its Content-Length.
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user".to_string(),
        // An unfinished chunked body.
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"use\r\n".to_string(),
    ] {
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        tcp.write_all(request.as_bytes()).await.unwrap();
        let start = std::time::Instant::now();
        let mut buf = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(15),
            tcp.read_to_end(&mut buf),
        )
        .await;
        assert!(read.is_ok(), "the connection is still open after 15 s: {request:?}");
        assert!(
            start.elapsed() >= std::time::Duration::from_secs(2),
            "closed too early"
        );
    }
}

async fn openapi_routes(s: &Server) {
    let admin = s.login("quantri").await;
    let (st, spec) = admin.json(Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(st, StatusCode::OK);
    let id = s.report_ids().await["01"]; // accepted, has version 1
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if method != "get" {
                continue;
            }
            let p = path
                .replace("{id}", &id.to_string())
                .replace("{n}", "1")
                .replace("{format}", "json");
            let p = if p.ends_with("/compare") {
                format!("{p}?a=1&b=0")
            } else {
                p
            };
            let (st, body) = admin.get(&format!("/api/v1{p}")).await;
            assert_eq!(st, StatusCode::OK, "GET {p}: {body}");
        }
    }
}

/// The BTCTW's consolidation page over the database: accepted versions by default, the latest
/// submitted on request; figures link to their sources; downloads; narrative search.
async fn national(s: &Server) {
    let reviewer = s.login("btctw").await;
    let drafter = s.login("hagiang.soan").await;
    assert_eq!(drafter.get("/tong-hop").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        drafter.get("/tong-hop/tai/json").await.0,
        StatusCode::FORBIDDEN
    );
    let (_, dash) = reviewer.json(Method::GET, "/api/v1/dashboard", None).await;
    let with = |states: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = dash["reports"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| states.contains(&r["state"].as_str().unwrap()))
            .map(|r| r["province"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let included = |c: &Value| -> Vec<String> {
        let mut v: Vec<String> = c["included"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["province"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let (st, accepted) = reviewer.json(Method::GET, "/tong-hop/tai/json", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(included(&accepted), with(&["accepted"]));
    assert!(!included(&accepted).is_empty());
    let (_, latest) = reviewer
        .json(Method::GET, "/tong-hop/tai/json?nguon=da-gui", None)
        .await;
    assert_eq!(included(&latest), with(&["accepted", "submitted"]));
    let (st, page) = reviewer.get("/tong-hop?nguon=da-gui").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("Số tỉnh, thành phố thực hiện theo mô hình"));
    // A figure's sources: the first linked figure lists the provinces it came from.
    let start = page.find("/tong-hop/nguon?").unwrap();
    let link = &page[start..start + page[start..].find('"').unwrap()].replace("&amp;", "&");
    let (st, sources) = reviewer.get(link).await;
    assert_eq!(st, StatusCode::OK, "{link}");
    assert!(sources.contains("Nguồn của số") && sources.contains("phiên bản"));
    // The per-province table: a province's own figure comes from that province alone.
    assert!(page.contains("Theo từng tỉnh, thành phố"));
    // The first province that reports a model of the first group (a realistic sample may not).
    let pi = latest["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["groups"][0]["models"]["value"].as_i64() > Some(0))
        .expect("a province with a model of the first group");
    let (st, own) = reviewer
        .get(&format!("/tong-hop/nguon?nguon=da-gui&f=p{pi}/g0/models"))
        .await;
    assert_eq!(st, StatusCode::OK);
    let first = &latest["provinces"][pi]["name"];
    assert!(own.contains(first.as_str().unwrap()), "{first}");
    for (_, other) in latest["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != pi)
    {
        let name = other["name"].as_str().unwrap();
        assert!(
            !own.contains(&format!("<td>{name}</td>")),
            "{name} in {first}'s sources"
        );
    }
    let (st, xlsx) = reviewer.get("/tong-hop/tai/xlsx?nguon=da-gui").await;
    assert_eq!(st, StatusCode::OK);
    assert!(xlsx.starts_with("PK"));
    // The consolidated report as PDF, linked from the page, read back by poppler.
    assert!(page.contains("/tong-hop/tai/pdf?"));
    let (st, kind, pdf) = reviewer.get_bytes("/tong-hop/tai/pdf?nguon=da-gui").await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tong-hop.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let o = std::process::Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (scripts/test.sh installs poppler-utils)");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("BAN TỔ CHỨC"), "{text}");
    assert!(
        text.contains("Số tỉnh, thành phố thực hiện theo mô hình"),
        "{text}"
    );
    assert_eq!(
        drafter.get_bytes("/tong-hop/tai/pdf").await.0,
        StatusCode::FORBIDDEN
    );
    let (_, found) = reviewer
        .get("/tong-hop/noi-dung?nguon=da-gui&q=kiem+nhiem")
        .await;
    assert!(
        found.contains("Tìm thấy"),
        "diacritic-insensitive search finds “kiêm nhiệm”"
    );
    assert!(
        found.contains("<mark>kiêm</mark>") || found.contains("<mark>Kiêm</mark>"),
        "the words found are marked in the snippet"
    );
    let (_, none) = reviewer
        .get("/tong-hop/noi-dung?nguon=da-gui&q=qqqzzzxxx")
        .await;
    assert!(none.contains("Không tìm thấy nội dung nào khớp"));
    // The search index is built once per consolidation and kept with it.
    let m1 = web::national::make(&s.app, None, true).await.unwrap();
    let built = m1.index.get().expect("the index of the searches is kept");
    let m2 = web::national::make(&s.app, None, true).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(
        built,
        &m2.search_index().await.unwrap()
    ));

    // The consolidation is remembered between requests but never outlives a change: accepting
    // a submitted report adds it to the accepted consolidation at once.
    let submitted = with(&["submitted"]);
    let province = submitted.first().expect("a submitted report in the demo");
    let id = s.report_ids().await[province.as_str()];
    let (st, _) = reviewer
        .json(Method::POST, &format!("/api/v1/reports/{id}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, again) = reviewer.json(Method::GET, "/tong-hop/tai/json", None).await;
    let mut want = included(&accepted);
    want.push(province.clone());
    want.sort();
    assert_eq!(included(&again), want);
    let (_, latest_again) = reviewer
        .json(Method::GET, "/tong-hop/tai/json?nguon=da-gui", None)
        .await;
    assert_eq!(included(&latest_again), included(&latest));
}

/// The administrator moves the deadline; the dashboard's late flags follow at once.
async fn deadline(s: &Server) {
    let admin = s.login("quantri").await;
    let reviewer = s.login("btctw").await;
    let (_, dash) = reviewer.json(Method::GET, "/api/v1/dashboard", None).await;
    let round = dash["round"]["id"].as_i64().unwrap();
    let late = |d: &Value, p: &str| {
        d["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["province"] == p)
            .unwrap()["late"]
            .clone()
    };
    assert_eq!(
        late(&dash, "15"),
        json!(false),
        "a draft before the deadline"
    );
    let (st, _) = admin
        .form(
            &format!("/quan-tri/dot/{round}/han"),
            &[("deadline", "1/1/2021")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, dash) = reviewer.json(Method::GET, "/api/v1/dashboard", None).await;
    assert_eq!(dash["round"]["deadline"], json!("2021-01-01"));
    assert_eq!(late(&dash, "15"), json!(true), "a draft after the deadline");
    assert_eq!(
        late(&dash, "06"),
        json!(true),
        "submitted after the deadline"
    );
    let (st, _) = admin
        .form(
            &format!("/quan-tri/dot/{round}/han"),
            &[("deadline", "31/12/2099")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, body) = admin
        .form(
            &format!("/quan-tri/dot/{round}/han"),
            &[("deadline", "31/2/2030")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
}

/// The report as PDF from the page and the API: a PDF that poppler reads, with the province's
/// header; another province's PDF is not found.
async fn pdf_download(s: &Server) {
    let ids = s.report_ids().await;
    let drafter = s.login("hagiang.soan").await;
    for path in [
        format!("/bao-cao/{}/tai/pdf", ids["02"]),
        format!("/api/v1/reports/{}/export/pdf", ids["02"]),
    ] {
        let (status, kind, bytes) = drafter.get_bytes(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(kind, "application/pdf", "{path}");
        assert!(bytes.starts_with(b"%PDF-"), "{path}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.pdf");
        std::fs::write(&file, &bytes).unwrap();
        let o = std::process::Command::new("pdftotext")
            .args([file.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (scripts/test.sh installs poppler-utils)");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("TỈNH ỦY HÀ GIANG"), "{path}: {text}");
    }
    let (status, _, bytes) = drafter
        .get_bytes(&format!("/bao-cao/{}/tai/pdf", ids["04"]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!String::from_utf8_lossy(&bytes).contains("CAO BẰNG"));
}

/// National PDF exports (the heaviest request) run off the async workers: session reads and
/// autosaves complete while several exports are still running. The clients run on a runtime of
/// their own (another thread), so only the server's workers are tried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_do_not_stall_saves() {
    let s = Server::start(false).await;
    let id = s.report_ids().await["02"];
    let base = s.base.clone();
    let (alone, worst, busy) = tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (reviewer, _) = raw_login(&base, "btctw", common::PASSWORD).await;
            let (drafter, csrf) = raw_login(&base, "hagiang.soan", common::PASSWORD).await;
            let cookie = |c: &str| format!("{}={c}", web::auth::SESSION_COOKIE);
            let export = |base: String, c: String| async move {
                let res = reqwest::Client::new()
                    .get(format!("{base}/tong-hop/tai/pdf?nguon=da-gui"))
                    .header("cookie", c)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                res.bytes().await.unwrap();
            };
            // One export alone: how long it takes on this machine.
            let start = std::time::Instant::now();
            export(base.clone(), cookie(&reviewer)).await;
            let alone = start.elapsed();
            // Ten at once, and meanwhile autosaves.
            let exports: Vec<_> = (0..10)
                .map(|_| tokio::spawn(export(base.clone(), cookie(&reviewer))))
                .collect();
            tokio::time::sleep(alone / 5).await;
            let http = reqwest::Client::new();
            // Cheap requests (a session lookup) and autosaves, alternating.
            let (mut worst_cheap, mut worst_save) = Default::default();
            for i in 0..6 {
                let t = std::time::Instant::now();
                let res = http
                    .get(format!("{base}/api/v1/me"))
                    .header("cookie", cookie(&drafter))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                worst_cheap = std::cmp::max(worst_cheap, t.elapsed());
                let r: Value = http
                    .get(format!("{base}/api/v1/reports/{id}"))
                    .header("cookie", cookie(&drafter))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let rev = r["info"]["revision"].as_i64().unwrap();
                let t = std::time::Instant::now();
                let res = http
                    .patch(format!("{base}/api/v1/reports/{id}"))
                    .header("cookie", cookie(&drafter))
                    .header("x-csrf-token", &csrf)
                    .json(&json!({"revision": rev, "changes": [{"item": "A.I", "value": format!("Lưu lần {i}")}]}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                worst_save = std::cmp::max(worst_save, t.elapsed());
            }
            let worst = (worst_cheap, worst_save);
            let busy = exports.iter().filter(|e| !e.is_finished()).count();
            for e in exports {
                e.await.unwrap();
            }
            (alone, worst, busy)
        })
    })
    .await
    .unwrap();
    let (cheap, save) = worst;
    eprintln!(
        "one export alone {alone:?}; while ten ran: slowest session read {cheap:?}, slowest \
         autosave {save:?}; {busy} exports still running after"
    );
    // No timing is asserted (speed is measured in docs/benchmarks.md): what must hold is the
    // order. On the async workers the ten exports would hold both workers, and the twelve
    // requests would get through only as exports end; off the workers they all complete while
    // exports are still running.
    assert!(
        busy > 0,
        "the session reads and autosaves waited for the exports to end (slowest read {cheap:?}, \
         slowest autosave {save:?}, one export alone {alone:?})"
    );
    s.stop().await;
}
