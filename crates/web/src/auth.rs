//! Sign-in and the request guard: argon2id password hashes, sessions kept in the database behind
//! an HttpOnly cookie (the database keeps only the token's SHA-256, and every request reads the
//! session there: no cache outlives a logout, a lock or a new password), a CSRF token per
//! session required on every state change (header or form field, never the URL), and login
//! throttling per account and client address that slows a stranger down without locking the
//! real user out.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
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

/// Failed logins allowed for one account from one client address before each further try
/// from there must wait (1 s, then 2, 4, 8… up to [`MAX_DELAY`]).
pub const FREE_FAILURES: u32 = 5;
/// Failed logins allowed from one client address, whatever the accounts, before each further
/// try from there must wait.
pub const FREE_ADDRESS_FAILURES: u32 = 20;
/// The longest wait.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures are forgotten this long after the last wait ended.
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

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

/// Failed logins per (account, client address) and per client address. A stranger who tries
/// passwords is slowed down, with growing waits, only for the account *from his address*
/// (and, past [`FREE_ADDRESS_FAILURES`], for every account from his address): the real user,
/// from another address, still signs in at once. Nothing is locked. The counts are kept in the
/// database (`store::LoginFailures`), so every server process on it counts the same tries.
struct Throttle;

/// A refused try: how long to wait, and whether the address as a whole is slowed down.
pub struct Wait {
    pub left: Duration,
    pub whole_address: bool,
    /// The first refusal of this wait (to be written to the audit log once).
    pub first: bool,
}

/// The client's address as the throttle keys it: an IPv6 address by its /64 network (one
/// household or server has the whole network).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

fn delay(count: i64, free: u32) -> Duration {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if count < free {
        return Duration::ZERO;
    }
    let secs = 1u64 << (count - free).min(20);
    Duration::from_secs(secs).min(MAX_DELAY)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Throttle {
    /// The keys a try counts under: (key, whether it is the whole address, free failures).
    fn keys(account: &str, ip: IpAddr) -> [(String, bool, u32); 2] {
        [
            (format!("dia-chi {ip}"), true, FREE_ADDRESS_FAILURES),
            (format!("tai-khoan {ip} {account}"), false, FREE_FAILURES),
        ]
    }

    /// Whether a try for `account` from `ip` must wait now.
    async fn check(store: &store::Store, account: &str, ip: IpAddr) -> AppResult<Option<Wait>> {
        let now = store::now_ms();
        for (key, whole_address, _) in Self::keys(account, ip) {
            if let Some(f) = store.login_failures(&key).await? {
                if f.until > now {
                    let first = !f.reported && store.login_wait_reported(&key).await?;
                    return Ok(Some(Wait {
                        left: Duration::from_millis(u64::try_from(f.until - now).unwrap_or(0)),
                        whole_address,
                        first,
                    }));
                }
            }
        }
        Ok(None)
    }

    /// Counts a failed try.
    async fn fail(store: &store::Store, account: &str, ip: IpAddr) -> AppResult<()> {
        let now = store::now_ms();
        for (key, _, free) in Self::keys(account, ip) {
            store
                .login_failed(&key, now, millis(FORGET_AFTER), |count| {
                    millis(delay(count, free))
                })
                .await?;
        }
        Ok(())
    }

    /// Forgets the failures of `account` from `ip` (it signed in). The address's own count
    /// stays: one known password must not reset a stranger's tries on other accounts.
    async fn succeed(store: &store::Store, account: &str, ip: IpAddr) -> AppResult<()> {
        let [_, (key, _, _)] = Self::keys(account, ip);
        // Read first: most sign-ins have nothing to forget, and need no write (and no fsync).
        if store.login_failures(&key).await?.is_some() {
            store.forget_login_failures(&key).await?;
        }
        Ok(())
    }
}

/// "45 giây", "3 phút".
fn wait_text(d: Duration) -> String {
    let secs = d.as_secs_f64().ceil() as u64;
    if secs < 120 {
        format!("{} giây", secs.max(1))
    } else {
        format!("{} phút", secs.div_ceil(60))
    }
}

/// The client's address: the socket's peer. `X-Forwarded-For` is read only with
/// [`crate::Config::trust_forwarded_for`] (`--trust-forwarded-for`), and then only its last
/// entry, the one the reverse proxy added (what the client sent stands before it). Without it,
/// behind a proxy, every client has the proxy's address.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<ClientAddr, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let forwarded = app
            .config
            .trust_forwarded_for
            .then(|| last_forwarded(&parts.headers))
            .flatten();
        Ok(ClientAddr(forwarded.unwrap_or(peer)))
    }
}

/// The last address of the `X-Forwarded-For` headers ("1.2.3.4", "[2001:db8::1]:443").
fn last_forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub csrf: String,
    pub token: String,
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
                Err(AppError::unauthorized().into_response())
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
    // Refusals go out as JSON to the API and to the pages' own fetches (error::render_errors),
    // so that a page can tell an ended session from a lost connection.
    // Read from the database every time: a logout, a lock or a new password (on whichever
    // server process) ends the session for the very next request.
    let viewer = match cookie(req.headers(), SESSION_COOKIE) {
        Some(token) => match app.store.session(&token).await {
            Ok(Some((user, csrf))) => Some(Arc::new(Viewer { user, csrf, token })),
            Ok(None) => None,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if !safe {
        if let Err(e) = same_origin(&app, req.headers()) {
            return e.into_response();
        }
        let path = req.uri().path();
        // Login has no session yet: the form checks its own double-submit cookie, the API asks
        // for a JSON body (which another site's form cannot send).
        let login =
            *req.method() == Method::POST && (path == "/dang-nhap" || path == "/api/v1/session");
        if !login {
            let Some(v) = &viewer else {
                return AppError::unauthorized().into_response();
            };
            match csrf_ok(req, &v.csrf).await {
                Ok(r) => req = r,
                Err(e) => return e.into_response(),
            }
        }
    }
    req.extensions_mut().insert(Session(viewer));
    next.run(req).await
}

/// Scheme, host and port of an origin ("https://a.example:8443") or of a `Host` header with the
/// given scheme; default ports filled in. `None` when it cannot be read.
fn origin_parts(scheme: &str, authority: &str) -> Option<(String, String, u16)> {
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        // [IPv6]:port
        let (h, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default,
            None => return None,
        };
        (format!("[{}]", h.to_ascii_lowercase()), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_ascii_lowercase(), p.parse().ok()?),
            None => (authority.to_ascii_lowercase(), default),
        }
    };
    Some((scheme.to_string(), host, port))
}

/// A state change sent with an `Origin` must come from this site: same scheme, host and port.
/// The scheme is https when cookies are `Secure` (`--secure-cookies`, or the proxy's
/// `X-Forwarded-Proto: https`), else http.
fn same_origin(app: &App, headers: &HeaderMap) -> AppResult<()> {
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let refused = || AppError::denied("Yêu cầu đến từ một trang khác nên bị từ chối.");
    let origin = origin.to_str().map_err(|_| refused())?;
    let (scheme, authority) = origin.split_once("://").ok_or_else(refused)?;
    let theirs = origin_parts(&scheme.to_ascii_lowercase(), authority).ok_or_else(refused)?;
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let ours = origin_parts(
        if secure(app, headers) {
            "https"
        } else {
            "http"
        },
        host,
    )
    .ok_or_else(refused)?;
    if theirs != ours {
        return Err(refused());
    }
    Ok(())
}

fn csrf_refused() -> AppError {
    AppError::denied(
        "Yêu cầu thiếu mã xác thực của phiên làm việc (chống giả mạo yêu cầu). Hãy tải lại \
         trang rồi thử lại.",
    )
}

/// Checks the CSRF token in the `X-CSRF-Token` header or the `_csrf` field of a urlencoded or
/// multipart body (the body is then put back). Never in the URL: a token in a query string
/// ends up in logs, history and `Referer` headers.
async fn csrf_ok(req: Request, expected: &str) -> AppResult<Request> {
    let matches = |t: &str| !t.is_empty() && constant_time_eq(t.as_bytes(), expected.as_bytes());
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|h| h.to_str().ok()) {
        return if matches(h) {
            Ok(req)
        } else {
            Err(csrf_refused())
        };
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or("")
        .to_string();
    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
    let boundary = if content_type.starts_with("multipart/form-data") {
        multer::parse_boundary(&content_type).ok()
    } else {
        None
    };
    if !urlencoded && boundary.is_none() {
        return Err(csrf_refused());
    }
    let (parts, body) = req.into_parts();
    let bytes = read_body(body, report::MAX_REPORT_BYTES + 64 * 1024).await?;
    let found = match boundary {
        None => {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            pairs.iter().any(|(k, v)| k == CSRF_FIELD && matches(v))
        }
        Some(boundary) => {
            let stream = Body::from(bytes.clone()).into_data_stream();
            let mut form = multer::Multipart::new(stream, boundary);
            let mut found = false;
            while let Ok(Some(field)) = form.next_field().await {
                if field.name() == Some(CSRF_FIELD) {
                    found = field.text().await.is_ok_and(|t| matches(&t));
                    break;
                }
            }
            found
        }
    };
    if !found {
        return Err(csrf_refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Reads a request body of at most `limit` bytes. A larger one is read on to its end (up to
/// [`DRAIN_BYTES`], discarded) before it is refused, so that the browser that sent it gets the
/// Vietnamese message instead of a connection reset.
async fn read_body(mut body: Body, limit: usize) -> AppResult<axum::body::Bytes> {
    use axum::body::HttpBody as _;
    let too_large = || {
        AppError::bad_request(
            "Nội dung gửi lên quá lớn (tệp tối đa 16 MB) hoặc không được gửi hết; chưa có gì \
             thay đổi.",
        )
    };
    let mut buf = Vec::new();
    let mut total = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(data) = frame.map_err(|_| too_large())?.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total <= limit {
            buf.extend_from_slice(&data);
        } else if total > DRAIN_BYTES {
            return Err(too_large());
        }
    }
    if total > limit {
        return Err(too_large());
    }
    Ok(buf.into())
}

/// How much of a body over the limit is still read (and discarded) to answer it properly.
pub const DRAIN_BYTES: usize = 64 * 1024 * 1024;

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a username and password from client address `ip`, with throttling. The message
/// never tells which was wrong. Failed and refused tries go to the audit log.
pub async fn authenticate(
    app: &App,
    username: &str,
    password: &str,
    ip: IpAddr,
) -> AppResult<User> {
    let key = vi::nfc(username.trim()).to_lowercase();
    let ip = client_key(ip);
    // The name as typed, kept short, for the audit log and as the throttle's key (a stranger's
    // megabyte-long names must not fill memory).
    let shown: String = key.chars().take(64).collect();
    if let Some(wait) = Throttle::check(&app.store, &shown, ip).await? {
        let left = wait_text(wait.left);
        if wait.first {
            audit_login(
                app,
                &shown,
                "đăng nhập bị tạm hoãn",
                &format!(
                    "từ địa chỉ {ip}; {} phải chờ {left}",
                    if wait.whole_address {
                        "mọi tài khoản từ địa chỉ này"
                    } else {
                        "tài khoản này từ địa chỉ này"
                    }
                ),
            )
            .await;
        }
        return Err(AppError::Throttled {
            message: format!(
                "Đăng nhập sai nhiều lần từ máy này. Vui lòng chờ {left} rồi thử lại (nếu \
                 quên mật khẩu, hãy liên hệ quản trị hệ thống)."
            ),
            retry_after: wait.left.as_secs_f64().ceil() as u64,
        });
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
            Throttle::succeed(&app.store, &shown, ip).await?;
            Ok(u)
        }
        _ => {
            Throttle::fail(&app.store, &shown, ip).await?;
            audit_login(app, &shown, "đăng nhập sai", &format!("từ địa chỉ {ip}")).await;
            Err(AppError::wrong_login(
                "Tên đăng nhập hoặc mật khẩu không đúng.",
            ))
        }
    }
}

/// Writes a failed or refused login to the audit log (a failure to write is logged, not shown).
async fn audit_login(app: &App, username: &str, action: &str, detail: &str) {
    if let Err(e) = app.store.audit_event(username, action, detail).await {
        tracing::warn!(error = %e, "không ghi được nhật ký đăng nhập");
    }
}

/// Where to go after login: a path of this site only. Anything a browser could read as another
/// site (`//host`, `/\host`, a scheme, control characters, an encoded slash or backslash at the
/// start) falls back to `/`.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && !next.to_ascii_lowercase().starts_with("/%2f")
        && !next.to_ascii_lowercase().contains("%5c")
        && next.len() <= 2000;
    if ok {
        next.to_string()
    } else {
        "/".to_string()
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

/// Changes the signed-in user's own password (the current one asked again, throttled like a
/// login). Every session of the user ends, on every server process; this client gets a new
/// session: its cookie and CSRF token are returned.
pub async fn change_own_password(
    app: &App,
    v: &Viewer,
    current: &str,
    new: &str,
    ip: IpAddr,
    headers: &HeaderMap,
) -> AppResult<(HeaderValue, String)> {
    if new.chars().count() < 8 {
        return Err(AppError::bad_request(
            "Mật khẩu mới phải có ít nhất 8 ký tự.",
        ));
    }
    authenticate(app, &v.user.username, current, ip)
        .await
        .map_err(|e| {
            if e.status() == StatusCode::UNAUTHORIZED {
                AppError::denied("Mật khẩu hiện tại không đúng.")
            } else {
                e
            }
        })?;
    let hash = hash_password_async(new).await?;
    app.store
        .update_user(v.user.id, true, Some(&hash), (&v.user).into())
        .await?;
    open_session(app, &v.user, headers).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new: String,
}

/// POST /mat-khau
pub async fn password_form(
    State(app): State<Arc<App>>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    v: Viewer,
    Form(f): Form<PasswordForm>,
) -> Response {
    match change_own_password(&app, &v, &f.current, &f.new, ip, &headers).await {
        Ok((cookie, _)) => {
            let mut r = Redirect::to("/mat-khau?tb=da-doi").into_response();
            r.headers_mut().append(SET_COOKIE, cookie);
            r
        }
        Err(e) => {
            let mut r = crate::pages::password_page(&v, Some(e.message()), false);
            *r.status_mut() = e.status();
            r
        }
    }
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
    ClientAddr(ip): ClientAddr,
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
    match authenticate(&app, &f.username, &f.password, ip).await {
        Ok(user) => match open_session(&app, &user, &headers).await {
            Ok((cookie, _)) => {
                // Only a local path: never redirect off-site.
                let mut r = Redirect::to(&safe_next(&f.tiep)).into_response();
                r.headers_mut().append(SET_COOKIE, cookie);
                r
            }
            Err(e) => e.into_response(),
        },
        Err(e) => {
            let mut r =
                crate::pages::login(&app, &headers, Some(e.message()), &f.username, &f.tiep);
            *r.status_mut() = e.status();
            if let Some(secs) = e.retry_after() {
                r.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
            }
            r
        }
    }
}

/// POST /dang-xuat
pub async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, v: Viewer) -> Response {
    if let Err(e) = app.store.delete_session(&v.token).await {
        return AppError::from(e).into_response();
    }
    let mut r = Redirect::to("/dang-nhap").into_response();
    r.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, secure(&app, &headers)),
    );
    r
}
