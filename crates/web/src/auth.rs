//! Sign-in and the request guard: argon2id password hashes, sessions kept in the database behind
//! an HttpOnly cookie, a CSRF token per session required on every state change, and login
//! throttling per account.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use rand::RngCore;
use serde::Deserialize;
use store::User;

use crate::{App, AppError, AppResult};

/// The session cookie.
pub const SESSION_COOKIE: &str = "baocao_phien";
/// The login form's double-submit cookie (there is no session yet to hold a token).
pub const LOGIN_COOKIE: &str = "baocao_dn";
/// The header API clients send the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field pages send it in.
pub const CSRF_FIELD: &str = "_csrf";

/// Failed logins allowed per account within [`THROTTLE_WINDOW`] before it is paused.
pub const MAX_FAILURES: u32 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// `n` random bytes from the operating system, as lowercase hex.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes, random salt).
pub fn hash_password(password: &str) -> AppResult<String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// argon2id costs 19 MiB and tens of milliseconds per hash. Hashes run on a few long-lived
/// threads of their own (one per core): a burst of logins queues instead of taking gigabytes (a
/// hundred simultaneous logins measured 2.3 GB before any limit), and each thread reuses its own
/// 19 MiB instead of leaving it in the allocator's cache of whichever pool thread ran it (40
/// concurrent logins on tokio's blocking pool left +47 MB resident for ten seconds).
struct Hasher {
    jobs: std::sync::Mutex<std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>>,
}

fn hasher() -> &'static Hasher {
    static HASHER: std::sync::OnceLock<Hasher> = std::sync::OnceLock::new();
    HASHER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let rx = Arc::new(Mutex::new(rx));
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        for i in 0..cores {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
        }
        Hasher {
            jobs: std::sync::Mutex::new(tx),
        }
    })
}

/// Runs `f` on the hashing threads.
async fn on_hasher<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Box<dyn FnOnce() + Send> = Box::new(move || {
        let _ = tx.send(f());
    });
    hasher()
        .jobs
        .lock()
        .map_err(|_| AppError::internal("luồng băm mật khẩu không hoạt động"))?
        .send(job)
        .map_err(AppError::internal)?;
    rx.await.map_err(AppError::internal)
}

/// [`hash_password`] on the hashing threads.
pub async fn hash_password_async(password: &str) -> AppResult<String> {
    let pw = password.to_string();
    on_hasher(move || hash_password(&pw)).await?
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Failed logins per account.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    /// Minutes left while the account is paused.
    fn paused(&self, key: &str) -> Option<u64> {
        let map = self.failures.lock().ok()?;
        let (n, last) = map.get(key)?;
        let elapsed = last.elapsed();
        (*n >= MAX_FAILURES && elapsed < THROTTLE_WINDOW)
            .then(|| (THROTTLE_WINDOW - elapsed).as_secs().div_ceil(60))
    }
    fn fail(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
            if e.1.elapsed() >= THROTTLE_WINDOW {
                e.0 = 0;
            }
            e.0 += 1;
            e.1 = Instant::now();
        }
    }
    fn clear(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub csrf: String,
    pub token: String,
}

/// Sessions read recently, so that most requests need no database query. An entry lives
/// [`SESSION_CACHE_TTL`]; logout drops it at once, and any change to an account empties the
/// cache. With several server processes on one PostgreSQL, a locked account's sessions end on
/// the other processes within the TTL.
#[derive(Default)]
pub struct SessionCache {
    map: Mutex<HashMap<String, (Arc<Viewer>, Instant)>>,
}

pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(30);

impl SessionCache {
    fn get(&self, token: &str) -> Option<Arc<Viewer>> {
        let map = self.map.lock().ok()?;
        let (v, at) = map.get(token)?;
        (at.elapsed() < SESSION_CACHE_TTL).then(|| v.clone())
    }
    fn put(&self, v: Arc<Viewer>) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() > 10_000 {
                map.retain(|_, (_, at)| at.elapsed() < SESSION_CACHE_TTL);
            }
            map.insert(v.token.clone(), (v, Instant::now()));
        }
    }
    /// Forgets one session (logout).
    pub fn forget(&self, token: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(token);
        }
    }
    /// Forgets every session (an account changed).
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

/// Put on every request by [`middleware`].
#[derive(Clone)]
pub struct Session(pub Option<Arc<Viewer>>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Viewer, Response> {
        // Inside the nested API router the URI has lost its "/api/v1" prefix.
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|o| o.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        match parts.extensions.get::<Session>().and_then(|s| s.0.clone()) {
            Some(v) => Ok((*v).clone()),
            None if uri.path().starts_with("/api/") => {
                Err(AppError::unauthorized().json(true).into_response())
            }
            None => {
                let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let q = serde_urlencoded::to_string([("tiep", next)]).unwrap_or_default();
                Err(Redirect::to(&format!("/dang-nhap?{q}")).into_response())
            }
        }
    }
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether cookies must be marked `Secure` for this request.
pub fn secure(app: &App, headers: &HeaderMap) -> bool {
    app.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: u64, secure: bool) -> HeaderValue {
    let s = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Loads the session, and refuses any state change that lacks the session's CSRF token or comes
/// from another origin.
pub async fn middleware(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let viewer = match cookie(req.headers(), SESSION_COOKIE) {
        Some(token) => match app.sessions.get(&token) {
            Some(v) => Some(v),
            None => match app.store.session(&token).await {
                Ok(Some((user, csrf))) => {
                    let v = Arc::new(Viewer { user, csrf, token });
                    app.sessions.put(v.clone());
                    Some(v)
                }
                Ok(None) => None,
                Err(e) => return AppError::from(e).json(api).into_response(),
            },
        },
        None => None,
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if !safe {
        if let Err(e) = same_origin(req.headers()) {
            return e.json(api).into_response();
        }
        let path = req.uri().path();
        // Login has no session yet: the form checks its own double-submit cookie, the API asks
        // for a JSON body (which another site's form cannot send).
        let login =
            *req.method() == Method::POST && (path == "/dang-nhap" || path == "/api/v1/session");
        if !login {
            let Some(v) = &viewer else {
                return AppError::unauthorized().json(api).into_response();
            };
            match csrf_ok(req, &v.csrf).await {
                Ok(r) => req = r,
                Err(e) => return e.json(api).into_response(),
            }
        }
    }
    req.extensions_mut().insert(Session(viewer));
    next.run(req).await
}

fn same_origin(headers: &HeaderMap) -> AppResult<()> {
    let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    if origin == "null" || origin_host != host {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "Yêu cầu đến từ một trang khác nên bị từ chối.",
        ));
    }
    Ok(())
}

fn csrf_refused() -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        "Yêu cầu thiếu mã xác thực của phiên làm việc (chống giả mạo yêu cầu). Hãy tải lại \
         trang rồi thử lại.",
    )
}

/// Checks the CSRF token in the header, the query or a urlencoded body (then put back).
async fn csrf_ok(req: Request, expected: &str) -> AppResult<Request> {
    let matches = |t: &str| !t.is_empty() && constant_time_eq(t.as_bytes(), expected.as_bytes());
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|h| h.to_str().ok()) {
        return if matches(h) {
            Ok(req)
        } else {
            Err(csrf_refused())
        };
    }
    if let Some(q) = req.uri().query() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap_or_default();
        if pairs.iter().any(|(k, v)| k == CSRF_FIELD && matches(v)) {
            return Ok(req);
        }
    }
    let urlencoded = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Err(csrf_refused());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, report::MAX_REPORT_BYTES)
        .await
        .map_err(|_| AppError::bad_request("Nội dung gửi lên quá lớn."))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if !pairs.iter().any(|(k, v)| k == CSRF_FIELD && matches(v)) {
        return Err(csrf_refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a username and password, with throttling. The message never tells which was wrong.
pub async fn authenticate(app: &App, username: &str, password: &str) -> AppResult<User> {
    let key = vi::nfc(username.trim()).to_lowercase();
    if let Some(minutes) = app.throttle.paused(&key) {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Đăng nhập sai quá {MAX_FAILURES} lần. Tài khoản tạm khóa đăng nhập, vui lòng \
                 thử lại sau {minutes} phút."
            ),
        ));
    }
    let user = app.store.user_by_name(&key).await?;
    // Verify against a real hash even for an unknown name, so timing does not tell names apart.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(dummy_hash);
    let pw = password.to_string();
    let ok = on_hasher(move || verify_password(&pw, &hash)).await?;
    match user {
        Some(u) if ok && u.active => {
            app.throttle.clear(&key);
            Ok(u)
        }
        _ => {
            app.throttle.fail(&key);
            Err(AppError::new(
                StatusCode::UNAUTHORIZED,
                "Tên đăng nhập hoặc mật khẩu không đúng.",
            ))
        }
    }
}

/// argon2id of a random password nobody knows, made once.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| hash_password(&random_token(16)).unwrap_or_default())
        .clone()
}

/// Opens a session for `user`; returns the session cookie and the CSRF token.
pub async fn open_session(
    app: &App,
    user: &User,
    headers: &HeaderMap,
) -> AppResult<(HeaderValue, String)> {
    let token = random_token(32);
    let csrf = random_token(32);
    let ttl = Duration::from_secs(app.config.session_hours * 3600);
    app.store.create_session(&token, user, &csrf, ttl).await?;
    Ok((
        set_cookie(SESSION_COOKIE, &token, ttl.as_secs(), secure(app, headers)),
        csrf,
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default, rename = "_csrf")]
    pub csrf: String,
    #[serde(default)]
    pub tiep: String,
}

/// POST /dang-nhap
pub async fn login_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), f.csrf.as_bytes()) {
        return crate::pages::login(
            &app,
            &headers,
            Some("Phiên đăng nhập đã hết hạn, vui lòng nhập lại."),
            &f.username,
            &f.tiep,
        );
    }
    match authenticate(&app, &f.username, &f.password).await {
        Ok(user) => match open_session(&app, &user, &headers).await {
            Ok((cookie, _)) => {
                // Only a local path: never redirect off-site.
                let next = if f.tiep.starts_with('/') && !f.tiep.starts_with("//") {
                    f.tiep.clone()
                } else {
                    "/".to_string()
                };
                let mut r = Redirect::to(&next).into_response();
                r.headers_mut().append(SET_COOKIE, cookie);
                r
            }
            Err(e) => e.into_response(),
        },
        Err(e) => {
            let mut r = crate::pages::login(&app, &headers, Some(&e.message), &f.username, &f.tiep);
            *r.status_mut() = e.status;
            r
        }
    }
}

/// POST /dang-xuat
pub async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, v: Viewer) -> Response {
    app.sessions.forget(&v.token);
    let _ = app.store.delete_session(&v.token).await;
    let mut r = Redirect::to("/dang-nhap").into_response();
    r.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, secure(&app, &headers)),
    );
    r
}
