//! Saves that cost what they change (issue 14 item 7): a server keeps the reports it parsed and
//! validated, named by the row's revision and time in the database, and a submission reuses the
//! validation the save of that content made. Two servers on one database: what one keeps must
//! never hide what the other stored (a stale save refused, an invalid report never submitted,
//! a report valid again submitted), on SQLite and PostgreSQL. Failed logins are counted in the
//! database: a stranger's tries on one server slow him down on the other too, never the real
//! user from another address.

mod common;

use common::{Client, Server, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let s = Server::start(false).await;
    two_servers(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let s = Server::start(true).await;
    two_servers(&s).await;
    s.stop().await;
}

/// `user` signed in on the server at `base` (a server of `s`'s database).
async fn login_at(s: &Server, base: &str, user: &str) -> Client {
    let mut c = s.anonymous();
    c.base = base.to_string();
    let (status, body) = c
        .json(
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": user, "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{user}: {body}");
    c.csrf = body["csrf_token"].as_str().unwrap().to_string();
    c.user = user.to_string();
    c
}

async fn patch(c: &Client, id: i64, rev: i64, item: &str, value: Value) -> (StatusCode, Value) {
    c.json(
        Method::PATCH,
        &format!("/api/v1/reports/{id}"),
        Some(json!({"revision": rev, "changes": [{"item": item, "value": value}]})),
    )
    .await
}

async fn submit(c: &Client, id: i64, rev: i64) -> (StatusCode, Value) {
    c.json(
        Method::POST,
        &format!("/api/v1/reports/{id}/submit"),
        Some(json!({"revision": rev})),
    )
    .await
}

async fn two_servers(s: &Server) {
    let (b_base, _b) = s.second().await;
    let id = s.report_ids().await["02"];
    let drafter_a = s.login("hagiang.soan").await;
    let drafter_b = login_at(s, &b_base, "hagiang.soan").await;
    let approver_a = s.login("hagiang.duyet").await;
    let approver_b = login_at(s, &b_base, "hagiang.duyet").await;

    // A complete, valid report, saved on A: A now knows it and its validation (no errors).
    let t = outline::builtin("kl74-2021").unwrap();
    let u = units::Units::embedded().unwrap();
    let sample = report::sample::sample(&t, u, "02", 7).unwrap();
    let body: Value = serde_json::from_str(&sample.to_json()).unwrap();
    let rev = drafter_a.revision(id).await;
    let (st, saved) = drafter_a
        .json(
            Method::PUT,
            &format!("/api/v1/reports/{id}"),
            Some(json!({"revision": rev, "report": body})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["errors"], 0, "{saved}");
    let valid = saved["revision"].as_i64().unwrap();
    // A save of one item on A, validated by what changed: still no errors.
    let (st, saved) = patch(&drafter_a, id, valid, "B.III.1", json!("Đoạn mới.")).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["errors"], 0, "{saved}");
    let valid = saved["revision"].as_i64().unwrap();

    // On B, an answer made wrong (an item that takes no text `true`).
    let item = t
        .node
        .iter()
        .find(|n| {
            n.answer.as_ref().is_some_and(|a| {
                !matches!(
                    a.kind,
                    outline::AnswerType::Narrative | outline::AnswerType::Text
                )
            }) && t.enclosing_repeat(&n.id).is_none()
        })
        .map(|n| n.id.clone())
        .unwrap();
    let (st, saved) = patch(&drafter_b, id, valid, &item, json!(true)).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert!(saved["errors"].as_i64().unwrap() > 0, "{saved}");
    let invalid = saved["revision"].as_i64().unwrap();
    assert_eq!(invalid, valid + 1);

    // A knew the report valid at the revision before: it must not submit what B stored.
    let (st, refused) = submit(&approver_a, id, invalid).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["item"] == item.as_str()),
        "{refused}"
    );
    // A shows what B stored, and refuses a save on the revision it knew.
    let now = drafter_a.report(id).await;
    assert_eq!(now["info"]["revision"], invalid);
    assert_eq!(now["report"]["answers"][&item], true);
    let (st, stale) = patch(&drafter_a, id, valid, "B.III.1", json!("Đoạn cũ.")).await;
    assert_eq!(st, StatusCode::CONFLICT, "{stale}");

    // Fixed on A (on top of B's revision): B knew it invalid, and now submits it.
    let (st, saved) = patch(&drafter_a, id, invalid, &item, Value::Null).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["errors"], 0, "{saved}");
    let fixed = saved["revision"].as_i64().unwrap();
    let (st, v) = submit(&approver_b, id, fixed).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // The version submitted is what A stored last: B's change and A's fix both in it.
    let now = drafter_b.report(id).await;
    assert_eq!(now["info"]["state"], "submitted");
    assert_eq!(now["report"]["answers"]["B.III.1"], "Đoạn mới.");
    assert!(now["report"]["answers"].get(&item).is_none());

    throttled_on_both(s, &b_base).await;
}

/// A stranger's failed logins on A make him wait on B as well (behind a load balancer each try
/// may reach either server); the real user, from another address, signs in on B at once.
async fn throttled_on_both(s: &Server, b_base: &str) {
    let login = |c: &Client, password: &str| {
        let (http, base) = (c.http.clone(), c.base.clone());
        let password = password.to_string();
        async move {
            http.post(format!("{base}/api/v1/session"))
                .json(&json!({"username": "caobang.duyet", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let on_a = s.anonymous_from("127.0.0.4");
    let mut on_b = s.anonymous_from("127.0.0.4");
    on_b.base = b_base.to_string();
    for _ in 0..web::auth::FREE_FAILURES {
        assert_eq!(login(&on_a, "sai-mat-khau").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&on_b, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the failures counted on A must hold on B"
    );
    let mut real = s.anonymous_from("127.0.0.5");
    real.base = b_base.to_string();
    assert_eq!(login(&real, PASSWORD).await, StatusCode::OK);
    // The wait over (1 s after the fifth failure), the right password on B signs in and clears
    // the account's count on A too: one more mistake there costs no wait.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(login(&on_b, PASSWORD).await, StatusCode::OK);
    assert_eq!(login(&on_a, "sai-lan-nua").await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login(&on_a, PASSWORD).await,
        StatusCode::OK,
        "a sign-in on B forgets the account's failures on A"
    );
}
