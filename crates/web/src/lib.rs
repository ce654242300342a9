//! baocao's web application: one axum server for the pages (server-rendered, Vietnamese, a little
//! progressive JavaScript) and the JSON API (`/api/v1`, described by `openapi.json`).
//!
//! The map:
//! - `auth`: passwords (argon2id), sessions (HttpOnly cookies), CSRF tokens, login throttling,
//!   and the middleware that puts the signed-in [`auth::Viewer`] on every request;
//! - `access`: who may see and do what, decided on the server for every page and API call;
//! - `ops`: the operations (save, add a model, submit, return, accept…), shared by pages and API;
//!   each loads the report, checks access, applies, validates and stores through `store`;
//! - `editor`: the report form generated from the template, and the form's parser;
//! - `pages`, `api`: the two faces over `ops`;
//! - `word`: a Word report into a report (upload, review, accept, text set aside);
//! - `demo`: the demonstration database of `baocao serve --demo`.

pub mod access;
pub mod api;
pub mod auth;
pub mod demo;
pub mod district;
pub mod editor;
pub mod error;
pub mod national;
pub mod ops;
pub mod outlines;
pub mod pages;
pub mod signed;
pub mod word;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use outline::{Profile, Template};
use units::Units;

pub use error::{AppError, AppResult};

/// Server settings (flags and environment variables of `baocao serve`).
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    pub listen: SocketAddr,
    /// Mark cookies `Secure` (behind TLS). Also set per request by `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// The first administrator's password; generated and printed once when absent.
    pub admin_password: Option<String>,
    /// Session lifetime.
    pub session_hours: u64,
    /// How long a client may take to send a request's headers, and may stay silent while it
    /// sends the body (a short body, an unfinished chunked body): then the connection closes.
    pub read_timeout: std::time::Duration,
    /// Take the client's address (login throttling, audit) from the last `X-Forwarded-For`
    /// entry, the one the reverse proxy in front added. Only behind such a proxy: otherwise any
    /// client could claim any address.
    pub trust_forwarded_for: bool,
}

/// The default [`Config::read_timeout`].
pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("không nạp được đề cương: {0}")]
    Template(#[from] outline::Error),
    #[error("không nạp được danh mục đơn vị hành chính: {0}")]
    Units(String),
    #[error("không mở được cổng {addr}: {}", vi::io_reason(.source))]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("máy chủ dừng vì lỗi: {}", vi::io_reason(.0))]
    Serve(std::io::Error),
    #[error("không tạo được dữ liệu mẫu: {0}")]
    Demo(String),
}

/// The application's shared state.
pub struct App {
    pub store: store::Store,
    /// The built-in templates and the outlines published in the app (`outlines`), by the id
    /// rounds name them with ("kl74-2021", "tinh-gian-bien-che@2").
    pub templates: outlines::Templates,
    pub profiles: HashMap<String, Arc<Profile>>,
    pub units: &'static Units,
    /// Rounds read so far (every report operation needs its round; rounds rarely change).
    rounds: std::sync::RwLock<HashMap<i64, store::Round>>,
    /// The last national consolidation made (`national::make`).
    national: national::Cache,
    /// Reports parsed and validated, by what names their content in the database (`ops`).
    pub(crate) reports: ops::Reports,
    pub config: Config,
}

impl App {
    /// Opens the database (creating and migrating it), loads templates and units, and on first
    /// start creates the administrator and the first reporting round. Returns the app and the
    /// generated administrator password when one was made.
    pub async fn open(config: Config) -> Result<(Arc<App>, Option<String>), Error> {
        let store = store::Store::open(&config.database_url).await?;
        let units = Units::embedded().map_err(|e| Error::Units(e.to_string()))?;
        let templates = outlines::Templates::default();
        let mut profiles = HashMap::new();
        for id in outline::BUILTIN {
            let t = outline::builtin(id)?;
            let p = Profile::builtin(&t.template.profile)?;
            profiles.insert(t.template.profile.clone(), Arc::new(p));
            templates.insert(id.to_string(), Arc::new(t));
        }
        outlines::load_published(&store, &templates).await?;
        let app = Arc::new(App {
            store,
            templates,
            profiles,
            units,
            rounds: Default::default(),
            national: Default::default(),
            reports: Default::default(),
            config,
        });
        let generated = app.bootstrap().await?;
        Ok((app, generated))
    }

    async fn bootstrap(&self) -> Result<Option<String>, Error> {
        let mut generated = None;
        if self.store.user_count().await? == 0 {
            let password = match &self.config.admin_password {
                Some(p) => p.clone(),
                None => {
                    let p = auth::random_token(9);
                    generated = Some(p.clone());
                    p
                }
            };
            let hash =
                auth::hash_password(&password).map_err(|e| Error::Demo(e.message().to_string()))?;
            self.store
                .create_user(
                    &store::NewUser {
                        username: "quantri",
                        full_name: "Quản trị hệ thống",
                        role: store::Role::Admin,
                        province: None,
                        district: None,
                        password_hash: &hash,
                    },
                    SYSTEM,
                )
                .await?;
        }
        if self.store.rounds().await?.is_empty() {
            let t = self
                .template("kl74-2021")
                .map_err(|e| Error::Demo(e.message().to_string()))?;
            let deadline = iso(today() + time::Duration::days(30));
            let cutoff = t.cutoff().map(|d| d.iso()).unwrap_or_default();
            ops::create_round(
                self,
                "Sơ kết thí điểm theo Kết luận 74-KL/TW",
                "kl74-2021",
                &deadline,
                &cutoff,
                SYSTEM,
            )
            .await
            .map_err(|e| Error::Demo(e.message().to_string()))?;
        }
        Ok(generated)
    }

    /// A round, from memory when it was read before.
    pub async fn round(&self, id: i64) -> AppResult<store::Round> {
        if let Some(r) = self.rounds.read().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(r);
        }
        let r = self.store.round(id).await?;
        // A version published by another server process since this one started.
        outlines::ensure_loaded(self, &r.template).await?;
        if let Ok(mut m) = self.rounds.write() {
            m.insert(id, r.clone());
        }
        Ok(r)
    }

    /// Forgets the remembered round `id` (after a change of its settings).
    pub fn forget_round(&self, id: i64) {
        if let Ok(mut m) = self.rounds.write() {
            m.remove(&id);
        }
    }

    /// Changes a round's deadline (and forgets the remembered round).
    pub async fn set_deadline(
        &self,
        id: i64,
        deadline: &str,
        by: store::Actor<'_>,
    ) -> AppResult<()> {
        self.store.set_deadline(id, deadline, by).await?;
        if let Ok(mut m) = self.rounds.write() {
            m.remove(&id);
        }
        Ok(())
    }

    pub fn template(&self, id: &str) -> AppResult<Arc<Template>> {
        self.templates
            .get(id)
            .ok_or_else(|| AppError::internal(format!("đề cương “{id}” không có trong hệ thống")))
    }

    pub fn profile(&self, id: &str) -> AppResult<Arc<Profile>> {
        self.profiles
            .get(id)
            .cloned()
            .ok_or_else(|| AppError::internal(format!("bố cục “{id}” không có trong hệ thống")))
    }
}

/// The actor of what the system does by itself (first start, demo).
pub const SYSTEM: store::Actor<'static> = store::Actor {
    id: None,
    username: "hệ thống",
};

/// Today in Vietnam (UTC+7, no daylight saving).
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+7))
        .date()
}

/// A date as ISO text ("2021-06-30"), the form report JSON and rounds keep dates in.
pub fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A time (ms since the epoch) the Vietnamese way, in Vietnam's time: "16:05 ngày 28/11/2026".
pub fn format_time(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) else {
        return String::new();
    };
    let t = t.to_offset(time::macros::offset!(+7));
    format!(
        "{:02}:{:02} ngày {}/{}/{}",
        t.hour(),
        t.minute(),
        t.day(),
        t.month() as u8,
        t.year()
    )
}

/// The whole router: pages, API, assets.
pub fn router(app: Arc<App>) -> Router {
    let pages = pages::routes();
    let api = api::routes();
    Router::new()
        .merge(pages)
        .merge(national::routes())
        .merge(word::routes())
        .merge(district::routes())
        .merge(signed::routes())
        .merge(outlines::routes())
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/tai-nguyen/{file}", get(pages::asset))
        .route("/favicon.ico", get(pages::favicon))
        .route("/dang-nhap", post(auth::login_form).get(pages::login_page))
        .fallback(|| async { AppError::not_found() })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::middleware,
        ))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(axum::middleware::from_fn(log_request))
        // A report JSON is at most 16 MiB; forms are far smaller.
        .layer(DefaultBodyLimit::max(report::MAX_REPORT_BYTES + 64 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security_headers,
        ))
        .layer(compression())
        .with_state(app)
}

/// Pages, styles, scripts and JSON travel gzip-compressed to browsers that accept it (a section
/// of the editor is 5–10 times smaller); documents (DOCX, XLSX, PDF, backups) are compressed
/// formats already and go as they are.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, Predicate as _};
    fn textual(h: &axum::http::HeaderMap) -> bool {
        let kind = h
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        ["text/", "application/json", "image/svg+xml"]
            .iter()
            .any(|t| kind.starts_with(t))
    }
    tower_http::compression::CompressionLayer::new().compress_when(DefaultPredicate::new().and(
        |_: axum::http::StatusCode,
         _: axum::http::Version,
         h: &axum::http::HeaderMap,
         _: &axum::http::Extensions| textual(h),
    ))
}

/// The Content-Security-Policy of every response that does not set its own: scripts, styles and
/// everything else from this site only (the pages have no inline script or style; the JSON they
/// carry for `app.js` is a data block, not run), never inside a frame.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// Security headers on every response (pages, API, errors, assets), and a Vietnamese answer to
/// a request line or headers too long (hyper's own, for still longer ones, has no body).
async fn security_headers(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::{
        CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
        X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    use axum::http::{HeaderValue, StatusCode};

    let api = error::wants_json(req.uri().path(), req.headers());
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    // Outside the layer that renders errors by the request: render these here.
    let mut res = if req.uri().to_string().len() > MAX_URI_BYTES {
        AppError::Rejected(StatusCode::URI_TOO_LONG).render(api)
    } else if header_bytes > MAX_HEADER_BYTES {
        AppError::Rejected(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE).render(api)
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    if app.config.secure_cookies {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// Longest request target answered normally (hyper itself refuses 64 KiB).
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest total of request headers answered normally.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// One structured log line per request: method, path, status, duration.
async fn log_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let status = res.status().as_u16();
    if status >= 500 {
        tracing::error!(%method, %path, status, ms, "yêu cầu");
    } else {
        tracing::info!(%method, %path, status, ms, "yêu cầu");
    }
    res
}

async fn healthz(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match app.store.user_count().await {
        Ok(_) => (axum::http::StatusCode::OK, "ok").into_response(),
        Err(e) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("cơ sở dữ liệu không sẵn sàng: {e}"),
        )
            .into_response(),
    }
}

/// Serves until SIGINT or SIGTERM; in-flight requests (saves) finish before the database closes.
/// `ready` is told the bound address once the server accepts connections. Each connection has
/// [`Config::read_timeout`] to send its headers and may not stay silent longer than that while
/// sending a body.
pub async fn serve(app: Arc<App>, ready: impl FnOnce(SocketAddr)) -> Result<(), Error> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let addr = app.config.listen;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local = listener.local_addr().map_err(Error::Serve)?;
    ready(local);
    let router = router(app.clone());
    let timeout = app.config.read_timeout;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .max_buf_size(256 * 1024);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "không nhận được kết nối");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let service =
            router
                .clone()
                .map_request(move |req: axum::http::Request<hyper::body::Incoming>| {
                    let mut req = req.map(|b| {
                        axum::body::Body::new(tower_http::timeout::TimeoutBody::new(timeout, b))
                    });
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    req
                });
        let conn = http.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "kết nối kết thúc với lỗi");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    tracing::info!("đã dừng nhận yêu cầu; đóng cơ sở dữ liệu");
    app.store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("nhận tín hiệu dừng; chờ các yêu cầu đang xử lý");
}
