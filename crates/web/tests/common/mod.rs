//! A real server on a random port (SQLite in a temporary directory, or a fresh PostgreSQL
//! database), with the demo data, and HTTP clients signed in as its users.

#![allow(dead_code)]

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

pub const PASSWORD: &str = web::demo::PASSWORD;

pub struct Server {
    pub base: String,
    pub app: Arc<web::App>,
    /// The database URL (a second server can share it).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

/// The PostgreSQL server of the tests (CI and this machine: 127.0.0.1:5432, trust auth).
pub fn postgres_base() -> String {
    std::env::var("BAOCAO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

impl Server {
    pub async fn start(postgres: bool) -> Server {
        let (url, dir, pg) = if postgres {
            sqlx::any::install_default_drivers();
            let base = postgres_base();
            let name = format!(
                "baocao_test_{}_{}",
                std::process::id(),
                web::auth::random_token(4)
            );
            let mut c = sqlx::AnyConnection::connect(&format!("{base}/postgres"))
                .await
                .expect("cần PostgreSQL ở 127.0.0.1:5432 (BAOCAO_TEST_POSTGRES)");
            sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            (format!("{base}/{name}"), None, Some((base, name)))
        } else {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("t.sqlite").display());
            (url, Some(dir), None)
        };
        let config = web::Config {
            database_url: url.clone(),
            listen: "127.0.0.1:0".parse().unwrap(),
            secure_cookies: false,
            admin_password: Some(PASSWORD.to_string()),
            session_hours: 1,
            read_timeout: std::time::Duration::from_secs(3),
            trust_forwarded_for: false,
        };
        let (app, generated) = web::App::open(config).await.unwrap();
        assert!(generated.is_none(), "the password came from the config");
        web::demo::seed(&app).await.unwrap();
        let base = serve(app.clone()).await;
        Server {
            base,
            app,
            url,
            _dir: dir,
            pg,
        }
    }

    /// A second server on the same database (its own `App`: pools, caches, throttle), as a
    /// second process behind a load balancer would be. Returns its base URL.
    pub async fn second(&self) -> (String, Arc<web::App>) {
        self.second_with(false).await
    }

    /// [`Server::second`], with `--secure-cookies` (behind an HTTPS proxy) when `secure`.
    pub async fn second_with(&self, secure: bool) -> (String, Arc<web::App>) {
        self.second_config(|c| c.secure_cookies = secure).await
    }

    /// [`Server::second`], its settings changed by `f`.
    pub async fn second_config(&self, f: impl FnOnce(&mut web::Config)) -> (String, Arc<web::App>) {
        let mut config = web::Config {
            database_url: self.url.clone(),
            listen: "127.0.0.1:0".parse().unwrap(),
            secure_cookies: false,
            admin_password: Some(PASSWORD.to_string()),
            session_hours: 1,
            read_timeout: std::time::Duration::from_secs(3),
            trust_forwarded_for: false,
        };
        f(&mut config);
        let (app, _) = web::App::open(config).await.unwrap();
        (serve(app.clone()).await, app)
    }

    /// A client without a session whose connections come from `ip` (any 127.x.x.x reaches the
    /// server on loopback): another machine, as the server sees it.
    pub fn anonymous_from(&self, ip: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .local_address(Some(ip.parse().unwrap()))
                .pool_idle_timeout(std::time::Duration::from_secs(1))
                .build()
                .unwrap(),
            base: self.base.clone(),
            csrf: String::new(),
            user: String::new(),
        }
    }

    /// Drops the PostgreSQL test database.
    pub async fn stop(self) {
        self.app.store.close().await;
        if let Some((base, name)) = &self.pg {
            if let Ok(mut c) = sqlx::AnyConnection::connect(&format!("{base}/postgres")).await {
                let _ = sqlx::Executor::execute(
                    &mut c,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                )
                .await;
            }
        }
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                // The server closes a connection idle for its read timeout (3 s here).
                .pool_idle_timeout(std::time::Duration::from_secs(1))
                .build()
                .unwrap(),
            base: self.base.clone(),
            csrf: String::new(),
            user: String::new(),
        }
    }

    /// A client signed in through the API.
    pub async fn login(&self, user: &str) -> Client {
        self.login_with(user, PASSWORD).await
    }

    /// A client signed in through the API with this password.
    pub async fn login_with(&self, user: &str, password: &str) -> Client {
        let mut c = self.anonymous();
        let (status, body) = c
            .json(
                Method::POST,
                "/api/v1/session",
                Some(json!({"username": user, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{user}: {body}");
        c.csrf = body["csrf_token"].as_str().unwrap().to_string();
        c.user = user.to_string();
        c
    }

    /// Report ids by province code (as the reviewer sees them).
    pub async fn report_ids(&self) -> std::collections::HashMap<String, i64> {
        let c = self.login("btctw").await;
        let (_, list) = c.json(Method::GET, "/api/v1/reports", None).await;
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["province"].as_str().unwrap().to_string(),
                    r["id"].as_i64().unwrap(),
                )
            })
            .collect()
    }
}

/// Serves `app` on a random port; returns the base URL.
async fn serve(app: Arc<web::App>) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        web::serve(app, move |addr| {
            let _ = tx.send(addr);
        })
        .await
        .unwrap();
    });
    format!("http://{}", rx.await.unwrap())
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
    pub user: String,
}

impl Client {
    /// A JSON request with the CSRF header.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A GET, body as text.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap_or_default())
    }

    /// A GET, body as bytes, with its content type.
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (status, kind, res.bytes().await.unwrap_or_default().to_vec())
    }

    /// A form post (the page way), with the session's CSRF token unless `csrf` is false.
    pub async fn form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        csrf: bool,
    ) -> (StatusCode, String) {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if csrf {
            all.push(("_csrf", &self.csrf));
        }
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap_or_default())
    }

    /// The report as the API returns it.
    pub async fn report(&self, id: i64) -> Value {
        let (s, v) = self
            .json(Method::GET, &format!("/api/v1/reports/{id}"), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    pub async fn revision(&self, id: i64) -> i64 {
        self.report(id).await["info"]["revision"].as_i64().unwrap()
    }
}
