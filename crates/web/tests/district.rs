//! The district level over HTTP, on SQLite and on PostgreSQL: the access matrix of district
//! and province roles on district sheets and province reports, the sheet workflow (submit,
//! return with a comment, a sheet with errors refused, resubmit, accept), the roll-up of the
//! accepted sheets into the province's report (rows and sums checked against the sheets' own
//! JSON), a province's correction kept and shown, the districts' deadline and accounts, and a
//! national figure's provenance reaching the district sheet and version.

mod common;

use std::collections::BTreeMap;

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
    let ids = sheet_ids(&s).await;
    access_matrix(&s, &ids).await;
    workflow(&s, &ids).await;
    deadline_and_accounts(&s).await;
    s.stop().await;
}

/// Hà Giang's sheet ids by district code, from the province's district page.
async fn sheet_ids(s: &Server) -> BTreeMap<String, i64> {
    let c = s.login("hagiang.duyet").await;
    let (status, page) = c.get("/huyen").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut out = BTreeMap::new();
    for part in page.split("<tr data-district=\"").skip(1) {
        let code = &part[..3];
        let id = part
            .split("href=\"/bao-cao/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        out.insert(code.to_string(), id);
    }
    // Hà Giang had 11 districts on 30/6/2021; every one has its sheet.
    assert_eq!(out.len(), 11, "{out:?}");
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    View,
    Edit,
    Submit,
    Review,
}

/// Who the matrix runs as: (user, province, district, role).
const PEOPLE: &[(&str, Option<&str>, Option<&str>, &str)] = &[
    ("bacme.soan", Some("02"), Some("031"), "district-drafter"),
    ("bacme.duyet", Some("02"), Some("031"), "district-approver"),
    ("quanba.soan", Some("02"), Some("029"), "district-drafter"),
    ("hagiang.soan", Some("02"), None, "drafter"),
    ("hagiang.duyet", Some("02"), None, "approver"),
    ("caobang.soan", Some("04"), None, "drafter"),
    ("btctw", None, None, "reviewer"),
    ("quantri", None, None, "admin"),
];

/// What `who` gets for `rule` on a target (province, district: None for a province's report),
/// editable and not submitted.
fn expected(
    rule: Rule,
    who: &(&str, Option<&str>, Option<&str>, &str),
    target: (&str, Option<&str>),
    api: bool,
) -> StatusCode {
    let (_, province, district, role) = *who;
    let central = province.is_none();
    let district_user = district.is_some();
    let own_province = province == Some(target.0);
    let sees = match target.1 {
        // A sheet: its district's users, its province's users, the centre.
        Some(d) => central || (own_province && (!district_user || district == Some(d))),
        // A report: its province's users (not its districts'), the centre.
        None => central || (own_province && !district_user),
    };
    let author = match target.1 {
        Some(d) => district == Some(d),
        None => own_province && !district_user,
    };
    if !sees {
        return StatusCode::NOT_FOUND;
    }
    match rule {
        Rule::View => StatusCode::OK,
        Rule::Edit if author => {
            if api {
                StatusCode::OK
            } else {
                StatusCode::SEE_OTHER
            }
        }
        Rule::Edit => StatusCode::FORBIDDEN,
        Rule::Submit => {
            let approver = match target.1 {
                Some(_) => "district-approver",
                None => "approver",
            };
            if author && role == approver {
                // The targets have errors: refused for them, after the access check.
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::FORBIDDEN
            }
        }
        Rule::Review => {
            let reviews = match target.1 {
                Some(_) => own_province && !district_user,
                None => role == "reviewer",
            };
            if reviews {
                // Not submitted: refused for its state, after the access check.
                StatusCode::CONFLICT
            } else {
                StatusCode::FORBIDDEN
            }
        }
    }
}

/// Gives sheet `id` an error (an impossible start date in its district row), as its drafter.
async fn break_sheet(s: &Server, user: &str, id: i64) {
    let c = s.login(user).await;
    let r = c.report(id).await;
    let rev = r["info"]["revision"].as_i64().unwrap();
    let (block, inst) = r["report"]["blocks"]
        .as_object()
        .unwrap()
        .iter()
        .find_map(|(b, list)| {
            let i = list.as_array()?.first()?;
            Some((b.clone(), i.clone()))
        })
        .expect("the demo sheet reports a model");
    let row_item = format!("{block}.x2.dv");
    let mut rows = inst["answers"][&row_item].clone();
    rows[0]["bd"] = json!("2021-02-30");
    let (status, body) = c
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "changes": [
                {"instance": inst["id"], "item": row_item, "value": rows}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["errors"].as_i64().unwrap() > 0, "{body}");
}

async fn access_matrix(s: &Server, sheets: &BTreeMap<String, i64>) {
    // Bắc Mê's sheet is returned in the demo (editable); it gets an error so that a submission
    // is refused for it after the access check. Hà Giang's report is an empty draft (errors);
    // Cao Bằng's is returned (editable).
    break_sheet(s, "bacme.soan", sheets["031"]).await;
    let reports = s.report_ids().await;
    let targets: [(&str, Option<&str>, i64, &str); 3] = [
        ("02", Some("031"), sheets["031"], "Bắc Mê"),
        ("02", None, reports["02"], "Báo cáo của Tỉnh Hà Giang"),
        ("04", None, reports["04"], "Cao Bằng"),
    ];
    let routes: &[(Rule, &str, &str)] = &[
        (Rule::View, "GET", "/bao-cao/{id}"),
        (Rule::View, "GET", "/bao-cao/{id}/xem"),
        (Rule::View, "GET", "/bao-cao/{id}/tai/json"),
        (Rule::View, "GET", "/bao-cao/{id}/phien-ban"),
        (Rule::View, "GET", "/api/v1/reports/{id}"),
        (Rule::View, "GET", "/api/v1/reports/{id}/comments"),
        (Rule::View, "GET", "/api/v1/reports/{id}/export/json"),
        (Rule::Edit, "PATCH", "/api/v1/reports/{id}"),
        (Rule::Edit, "POST", "/bao-cao/{id}/luu"),
        (Rule::Submit, "POST", "/api/v1/reports/{id}/submit"),
        (Rule::Submit, "POST", "/bao-cao/{id}/gui"),
        (Rule::Review, "POST", "/api/v1/reports/{id}/accept"),
        (Rule::Review, "POST", "/api/v1/reports/{id}/return"),
        (Rule::Review, "POST", "/bao-cao/{id}/tiep-nhan"),
        (Rule::Review, "POST", "/api/v1/reports/{id}/comments"),
    ];
    let admin = s.login("quantri").await;
    let mut checked = 0;
    for who in PEOPLE {
        let c = s.login(who.0).await;
        for (province, district, id, name) in targets {
            for (rule, method, route) in routes {
                let path = route.replace("{id}", &id.to_string());
                let api = path.starts_with("/api/");
                let rev = admin.revision(id).await;
                let (status, body) = call(&c, method, &path, *rule, rev).await;
                let want = expected(*rule, who, (province, district), api);
                assert_eq!(
                    status, want,
                    "{} {method} {path} ({rule:?}) → {status}: {body}",
                    who.0
                );
                if status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN {
                    assert!(!body.contains(name), "{} {path}: leaks “{name}”", who.0);
                    assert!(!body.contains("answers"), "{} {path}: leaks content", who.0);
                }
                checked += 1;
            }
        }
        // The province's district page: its users and the administrator.
        let (status, page) = c.get("/huyen").await;
        let want = match who.3 {
            "drafter" | "approver" | "admin" => StatusCode::OK,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(status, want, "{} /huyen", who.0);
        if who.0 == "caobang.soan" {
            assert!(
                page.contains("Cao Bằng") && !page.contains("Bắc Mê"),
                "{page}"
            );
        }
        // A district user's own sheet, never another's.
        let (status, _) = c.get("/phieu").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{} /phieu", who.0);
        // Lists: a district user sees no province report.
        let (_, list) = c.json(Method::GET, "/api/v1/reports", None).await;
        if who.2.is_some() {
            assert_eq!(list, json!([]), "{}", who.0);
        }
        checked += 3;
    }
    // /phieu leads a district user to their own sheet.
    let c = s.login("quanba.soan").await;
    let res = c
        .http
        .get(format!("{}/phieu", c.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/bao-cao/{}", sheets["029"])
    );
    assert!(checked > 300, "{checked}");
}

async fn call(c: &Client, method: &str, path: &str, rule: Rule, rev: i64) -> (StatusCode, String) {
    if method == "GET" {
        return c.get(path).await;
    }
    if path.starts_with("/api/") {
        let body = match (rule, method) {
            (Rule::Edit, "PATCH") => json!({"revision": rev, "changes": []}),
            (Rule::Review, _) if path.ends_with("/comments") => {
                json!({"item": "chung", "body": "Ý kiến"})
            }
            _ => json!({"revision": rev}),
        };
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let (s, v) = c.json(m, path, Some(body)).await;
        return (s, v.to_string());
    }
    c.form(path, &[("revision", &rev.to_string())], true).await
}

/// The sum, over sheets, of each figure cell of each model type: what the roll-up must give.
fn expected_sums(sheets: &[Value], block: &str) -> BTreeMap<(String, String, String), i64> {
    let mut out = BTreeMap::new();
    for sh in sheets {
        for inst in sh["blocks"][block].as_array().into_iter().flatten() {
            let model = inst["model"].as_str().unwrap().to_string();
            let figures = &inst["answers"][format!("{block}.x2.so")];
            for (row, cell) in figures.as_object().into_iter().flatten() {
                for (col, v) in cell.as_object().unwrap() {
                    *out.entry((model.clone(), row.clone(), col.clone()))
                        .or_default() += v.as_i64().unwrap();
                }
            }
        }
    }
    out
}

async fn workflow(s: &Server, sheets: &BTreeMap<String, i64>) {
    let province = s.login("hagiang.duyet").await;
    let drafter = s.login("hagiang.soan").await;
    let quanba = s.login("quanba.soan").await;
    let quanba_lead = s.login("quanba.duyet").await;
    let reports = s.report_ids().await;
    let hg = reports["02"];
    // The province's report: its full sample (the same seed as the demo's sheets).
    let sample: Value = serde_json::from_str(
        &report::sample::sample(
            &outline::builtin("kl74-2021").unwrap(),
            units::Units::embedded().unwrap(),
            "02",
            web::demo::DISTRICT_SEED,
        )
        .unwrap()
        .to_json(),
    )
    .unwrap();
    let rev = drafter.revision(hg).await;
    let (st, body) = drafter
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{hg}"),
            Some(json!({"revision": rev, "report": sample})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // A province report cannot go into a sheet, nor a sheet into another district's.
    let sid = sheets["029"];
    let (st, body) = quanba
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{}", sheets["034"]),
            Some(json!({"revision": 1, "report": sample})),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{body}");

    // Quản Bạ's sheet was submitted in the demo: the province comments and returns it.
    let (st, body) = province
        .json(
            Method::POST,
            &format!("/api/v1/reports/{sid}/return"),
            Some(json!({"comments": [{"item": "chung", "body": "Đề nghị huyện kiểm tra lại ngày bắt đầu thí điểm."}]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, comments) = quanba
        .json(
            Method::GET,
            &format!("/api/v1/reports/{sid}/comments"),
            None,
        )
        .await;
    assert!(comments.to_string().contains("kiểm tra lại ngày bắt đầu"));
    let (_, page) = quanba.get(&format!("/bao-cao/{sid}")).await;
    assert!(page.contains("Ý kiến của Ban Tổ chức của tỉnh"), "{page}");
    // With an error the sheet cannot be submitted; fixed, it can.
    break_sheet(s, "quanba.soan", sid).await;
    let rev = quanba.revision(sid).await;
    let (st, body) = quanba_lead
        .json(
            Method::POST,
            &format!("/api/v1/reports/{sid}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("chưa gửi được"), "{body}");
    let fixed = report::sample::sample_district(
        &outline::builtin("kl74-2021").unwrap(),
        units::Units::embedded().unwrap(),
        "02",
        "029",
        web::demo::DISTRICT_SEED,
        Default::default(),
    )
    .unwrap();
    let fixed: Value = serde_json::from_str(&fixed.to_json()).unwrap();
    let (st, body) = quanba
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{sid}"),
            Some(json!({"revision": rev, "report": fixed})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["errors"], json!(0), "{body}");
    let rev = quanba.revision(sid).await;
    // Only the district's approver submits.
    let (st, _) = quanba
        .json(
            Method::POST,
            &format!("/api/v1/reports/{sid}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, body) = quanba_lead
        .json(
            Method::POST,
            &format!("/api/v1/reports/{sid}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // The BTCTW does not decide on a district's sheet; the province does.
    let btctw = s.login("btctw").await;
    let (st, _) = btctw
        .json(Method::POST, &format!("/api/v1/reports/{sid}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, body) = province
        .json(Method::POST, &format!("/api/v1/reports/{sid}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["decided"]["rollup"], json!("rolled-up"), "{body}");
    assert_eq!(body["decided"]["sheets"], json!(3), "{body}");

    // The province's report now holds the accepted sheets' rows and sums.
    let accepted: Vec<(String, Value)> = {
        let mut v = Vec::new();
        for d in ["024", "028", "029"] {
            let r = province.report(sheets[d]).await;
            assert_eq!(r["info"]["state"], json!("accepted"), "{d}");
            v.push((d.to_string(), r["report"].clone()));
        }
        v
    };
    let sheet_json: Vec<Value> = accepted.iter().map(|(_, r)| r.clone()).collect();
    let report = province.report(hg).await;
    assert_eq!(report["info"]["errors"], json!(0), "{}", report["problems"]);
    for block in ["B.I.2.m", "B.II.2.m"] {
        let rows_item = format!("{block}.x2.dv");
        for (d, sh) in &accepted {
            for inst in sh["blocks"][block].as_array().into_iter().flatten() {
                let row = &inst["answers"][&rows_item][0];
                let target = report["report"]["blocks"][block]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["model"] == inst["model"])
                    .unwrap_or_else(|| panic!("{block} {}", inst["model"]));
                let rows = target["answers"][&rows_item].as_array().unwrap();
                assert!(rows.contains(row), "{d}'s row in {block}: {row}");
                let sources = target["rollup"]["sheets"].as_array().unwrap();
                let mine = sources
                    .iter()
                    .find(|x| x["district"] == json!(d))
                    .expect("the sheet is named as a source");
                let id = sheets[d.as_str()];
                let n = if d == "029" { 2 } else { 1 };
                assert_eq!(mine["version"], json!(format!("phiếu {id}, bản {n}")));
            }
        }
        for ((model, row, col), sum) in expected_sums(&sheet_json, block) {
            let target = report["report"]["blocks"][block]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["model"] == json!(model))
                .unwrap();
            assert_eq!(
                target["answers"][format!("{block}.x2.so")][&row][&col],
                json!(sum),
                "{block} {model} {row}.{col}"
            );
        }
    }
    // The roll-up is in the report's audit, by the province's approver.
    let (_, audit) = s
        .login("quantri")
        .await
        .json(Method::GET, "/api/v1/audit", None)
        .await;
    assert!(audit.to_string().contains("tổng hợp từ phiếu cấp huyện"));

    // A province's correction of a rolled-up figure: shown beside the districts' value, with
    // who made it, kept by the next roll-up, and used by the national consolidation.
    let report = drafter.report(hg).await;
    let (inst, figures) = report["report"]["blocks"]["B.II.2.m"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|i| {
            let f = i["answers"]["B.II.2.m.x2.so"].clone();
            (i["rollup"].is_object() && f.is_object()).then(|| (i["id"].clone(), f))
        })
        .expect("a rolled-up merger");
    let before = figures["bien-che"]["after"].as_i64().unwrap();
    let mut changed = figures.clone();
    changed["bien-che"]["after"] = json!(before + 7);
    let rev = report["info"]["revision"].as_i64().unwrap();
    let (st, body) = drafter
        .json(
            Method::PATCH,
            &format!("/api/v1/reports/{hg}"),
            Some(json!({"revision": rev, "changes": [
                {"instance": inst, "item": "B.II.2.m.x2.so", "value": changed}
            ]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, page) = drafter.get(&format!("/bao-cao/{hg}?muc=B.II")).await;
    assert!(
        page.contains("Tỉnh đã sửa số liệu lấy từ phiếu cấp huyện</strong> (hagiang.soan"),
        "the page shows who corrected: {}",
        page.split("Tỉnh đã sửa")
            .nth(1)
            .map(|x| &x[..x.len().min(400)])
            .unwrap_or("(none)")
    );
    assert!(page.contains(&format!(
        "Biên chế được giao, đến 30/6/2021: báo cáo ghi <strong>{}</strong>",
        vi::format_int(before + 7)
    )));
    assert!(page.contains(&format!(
        "theo các phiếu cấp huyện <strong>{}</strong>",
        vi::format_int(before)
    )));
    assert!(
        page.contains("Ý kiến của các đơn vị cấp huyện"),
        "material shown"
    );
    let (st, _) = province
        .form("/huyen/tong-hop", &[("dot", "1")], true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let again = province.report(hg).await;
    let kept = again["report"]["blocks"]["B.II.2.m"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == inst)
        .unwrap();
    assert_eq!(
        kept["answers"]["B.II.2.m.x2.so"]["bien-che"]["after"],
        json!(before + 7),
        "the next roll-up keeps the correction"
    );

    // Submitted and accepted, the report's district figures reach the national consolidation
    // with the sheet and version they came from.
    let rev = province.revision(hg).await;
    let (st, body) = province
        .json(
            Method::POST,
            &format!("/api/v1/reports/{hg}/submit"),
            Some(json!({"revision": rev})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _) = btctw
        .json(Method::POST, &format!("/api/v1/reports/{hg}/accept"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _, bytes) = btctw.get_bytes("/tong-hop/tai/json").await;
    assert_eq!(st, StatusCode::OK);
    let national: Value = serde_json::from_slice(&bytes).unwrap();
    let provenance = national["provenance"].as_array().unwrap();
    let from_quanba = format!("phiếu {sid}, bản 2");
    assert!(
        provenance
            .iter()
            .any(|p| p["district"] == json!("029") && p["sheet"] == json!(from_quanba)),
        "a national figure names Quản Bạ's sheet and version"
    );
    assert!(
        provenance
            .iter()
            .any(|p| p["province"] == json!("02") && p["corrected"] == json!(true)),
        "the corrected cell is the province's"
    );
    // The sources page of the national count of districts that merged bodies links each
    // district row to its sheet's version.
    let group = national["groups"]
        .as_array()
        .unwrap()
        .iter()
        .position(|g| g["block"] == json!("B.II.2.m"))
        .unwrap();
    let (st, page) = btctw
        .get(&format!("/tong-hop/nguon?f=g{group}/t/districts"))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/bao-cao/{sid}/phien-ban#ban-2\"")),
        "{page}"
    );
    assert!(page.contains("Huyện Quản Bạ, bản 2"), "{page}");
    // Sources are named by the outline's numbers and words and the model's name, never an
    // instance id, and link to the very version counted (issue 13, item 11).
    assert!(page.contains("(mô hình Hợp nhất"), "{page}");
    assert!(!page.contains("(mô hình h1-"), "{page}");
    assert!(
        page.contains(&format!("/bao-cao/{hg}/xem?phien-ban=1")),
        "{page}"
    );
    assert!(page.contains(">B.II.2."), "{page}");
}

async fn deadline_and_accounts(s: &Server) {
    let approver = s.login("hagiang.duyet").await;
    let drafter = s.login("hagiang.soan").await;
    // The districts' deadline: before the province's own, set by the approver.
    let (st, body) = approver
        .form(
            "/huyen/han-nop",
            &[("dot", "1"), ("han", "31/12/2099")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("phải trước hạn nộp của tỉnh"), "{body}");
    let (st, body) = approver
        .form(
            "/huyen/han-nop",
            &[("dot", "1"), ("han", "31/6/2021")],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("chỉ có 30 ngày"), "{body}");
    let (st, _) = approver
        .form("/huyen/han-nop", &[("dot", "1"), ("han", "1/7/2021")], true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page) = approver.get("/huyen").await;
    assert!(
        page.contains("hạn nộp của cấp huyện <strong>01/07/2021</strong>"),
        "the deadline is shown"
    );
    assert!(
        page.contains("quá hạn"),
        "drafts past the districts' deadline are late"
    );
    let (st, _) = drafter
        .form("/huyen/han-nop", &[("dot", "1"), ("han", "2/7/2021")], true)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "only the approver sets it");
    // Accounts: the approver creates one for a district of the province, never elsewhere.
    let create = |district: &'static str, user: &'static str| {
        vec![
            ("username", user),
            ("full_name", "Lò Văn Mới"),
            ("role", "district-drafter"),
            ("district", district),
            ("password", "mat-khau-moi-1"),
        ]
    };
    let (st, _) = approver
        .form("/huyen/tai-khoan", &create("026", "dongvan.soan"), true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, body) = approver
        .form("/huyen/tai-khoan", &create("040", "baolac.soan"), true)
        .await;
    assert_eq!(
        st,
        StatusCode::BAD_REQUEST,
        "a district of Cao Bằng: {body}"
    );
    let (st, _) = drafter
        .form("/huyen/tai-khoan", &create("026", "dongvan.khac"), true)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, body) = approver
        .form(
            "/huyen/tai-khoan",
            &[
                ("username", "hagiang.moi"),
                ("full_name", "Lò Văn Mới"),
                ("role", "approver"),
                ("district", "026"),
                ("password", "mat-khau-moi-1"),
            ],
            true,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    // The new account opens Đồng Văn's sheet and nothing else.
    let dongvan = s.login_with("dongvan.soan", "mat-khau-moi-1").await;
    let res = dongvan
        .http
        .get(format!("{}/phieu", dongvan.base))
        .send()
        .await
        .unwrap();
    let own = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = dongvan.get(&own).await;
    assert!(
        page.contains("Phiếu cấp huyện của Huyện Đồng Văn"),
        "{page}"
    );
    // Locking it from the district page ends its sessions at once.
    let (_, users) = s
        .login("quantri")
        .await
        .json(Method::GET, "/api/v1/users", None)
        .await;
    let id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == json!("dongvan.soan"))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let caobang = s.login("caobang.duyet").await;
    let (st, _) = caobang
        .form(&format!("/huyen/tai-khoan/{id}"), &[("active", "0")], true)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "another province's account");
    let (st, _) = approver
        .form(&format!("/huyen/tai-khoan/{id}"), &[("active", "0")], true)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        dongvan.get(&own).await.0,
        StatusCode::SEE_OTHER,
        "session ended"
    );
}
