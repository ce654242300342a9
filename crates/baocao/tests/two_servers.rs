//! Two `baocao serve` processes on one database (PostgreSQL, and SQLite in one data
//! directory): a password reset, a lock or a logout through one ends the sessions on the
//! other at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Connection;

const ADMIN_PASSWORD: &str = "matkhau-quantri-kiem-thu";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("BAOCAO_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let base = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.strip_prefix("baocao đang chạy tại ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

/// A client that shows redirects instead of following them.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A session cookie and CSRF token of a fresh API login.
async fn login(base: &str, user: &str, password: &str) -> (String, String) {
    let res = http()
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{user} on {base}");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("baocao_phien="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let v: Value = res.json().await.unwrap();
    (cookie, v["csrf_token"].as_str().unwrap().to_string())
}

async fn call(
    method: reqwest::Method,
    base: &str,
    path: &str,
    session: &(String, String),
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = http()
        .request(method, format!("{base}{path}"))
        .header("cookie", format!("baocao_phien={}", session.0))
        .header("x-csrf-token", &session.1);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let st = res.status();
    let text = res.text().await.unwrap_or_default();
    (st, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn me(base: &str, session: &(String, String)) -> StatusCode {
    call(reqwest::Method::GET, base, "/api/v1/me", session, None)
        .await
        .0
}

async fn sessions_end_on_both(a: &Server, b: &Server) {
    let (a, b) = (a.base.as_str(), b.base.as_str());
    let admin = login(a, "quantri", ADMIN_PASSWORD).await;
    let (st, v) = call(
        reqwest::Method::POST,
        a,
        "/api/v1/users",
        &admin,
        Some(json!({"username": "hagiang.thu", "full_name": "Lò Thị Thử", "role": "drafter", "province": "02", "password": "mat-khau-1"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let uid = v["id"].as_i64().unwrap();
    let on_a = login(a, "hagiang.thu", "mat-khau-1").await;
    let on_b = login(b, "hagiang.thu", "mat-khau-1").await;
    for base in [a, b] {
        for s in [&on_a, &on_b] {
            assert_eq!(me(base, s).await, StatusCode::OK);
        }
    }
    // The administrator sets a new password on server A (the page's form).
    let res = http()
        .post(format!("{a}/quan-tri/nguoi-dung/{uid}"))
        .header("cookie", format!("baocao_phien={}", admin.0))
        .form(&[
            ("active", "1"),
            ("password", "mat-khau-2-moi"),
            ("_csrf", admin.1.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for base in [a, b] {
        for s in [&on_a, &on_b] {
            assert_eq!(
                me(base, s).await,
                StatusCode::UNAUTHORIZED,
                "an old session on {base} after the reset"
            );
        }
    }
    // A logout on B ends the session on A.
    let s = login(b, "hagiang.thu", "mat-khau-2-moi").await;
    assert_eq!(me(a, &s).await, StatusCode::OK);
    let (st, _) = call(reqwest::Method::DELETE, b, "/api/v1/session", &s, None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(me(a, &s).await, StatusCode::UNAUTHORIZED);
    // The user's own password change on A ends the session on B.
    let s_b = login(b, "hagiang.thu", "mat-khau-2-moi").await;
    let s_a = login(a, "hagiang.thu", "mat-khau-2-moi").await;
    let (st, _) = call(
        reqwest::Method::POST,
        a,
        "/api/v1/session/password",
        &s_a,
        Some(json!({"current": "mat-khau-2-moi", "new": "mat-khau-3-moi"})),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me(b, &s_b).await, StatusCode::UNAUTHORIZED);
    // A lock on B ends every session on A.
    let s = login(a, "hagiang.thu", "mat-khau-3-moi").await;
    let admin_b = login(b, "quantri", ADMIN_PASSWORD).await;
    let res = http()
        .post(format!("{b}/quan-tri/nguoi-dung/{uid}"))
        .header("cookie", format!("baocao_phien={}", admin_b.0))
        .form(&[
            ("active", "0"),
            ("password", ""),
            ("_csrf", admin_b.1.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(a, &s).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_processes() {
    sqlx::any::install_default_drivers();
    let base = std::env::var("BAOCAO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
    let name = format!("baocao_two_{}", std::process::id());
    let mut c = sqlx::AnyConnection::connect(&format!("{base}/postgres"))
        .await
        .expect("cần PostgreSQL ở 127.0.0.1:5432 (BAOCAO_TEST_POSTGRES)");
    let _ = sqlx::Executor::execute(
        &mut c,
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
    )
    .await;
    sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = format!("{base}/{name}");
    {
        let a = start(&["--database-url", &url]);
        let b = start(&["--database-url", &url]);
        sessions_end_on_both(&a, &b).await;
    }
    let _ = sqlx::Executor::execute(
        &mut c,
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_processes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let a = start(&["--data-dir", data]);
    let b = start(&["--data-dir", data]);
    sessions_end_on_both(&a, &b).await;
}
