//! Errors a request can end with: one enum, one status per kind, one Vietnamese message. Pages
//! and the API share them; whether an error goes out as a page or as `{"error": …}` is decided
//! once, from the request ([`render_errors`]: the API's paths and the pages' own fetches, which
//! ask for JSON, get JSON), never by the handler.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// An error that ends a request.
#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed or a field is not acceptable.
    BadRequest(String),
    /// 401: no session (never logged in, expired, logged out, password changed).
    Unauthorized,
    /// 401: a login refused (wrong name or password).
    WrongLogin(String),
    /// 403: a role or state that does not allow this, or a refused CSRF/origin check.
    Forbidden(String),
    /// 404: no such page, or a report this user may not know of.
    NotFound,
    /// 409: the data changed meanwhile (a stale save, a wrong state, a duplicate); `details`
    /// are extra JSON fields (the current revision, the conflicting texts).
    Conflict {
        message: String,
        details: Option<Value>,
    },
    /// 422: well formed but refused by the rules (validation problems, a bad signature).
    Invalid {
        message: String,
        details: Option<Value>,
    },
    /// 429: too many attempts; try again in `retry_after` seconds.
    Throttled { message: String, retry_after: u64 },
    /// A request the framework or the server's limits refuse before any handler (405, 408, 413,
    /// 414, 415, 422 of an extractor, 431): the message comes from the status.
    Rejected(StatusCode),
    /// 501: a feature this build was made without (the PDF export).
    NotBuilt(String),
    /// 500: something failed inside; logged, and the user told nothing changed.
    Internal,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_request(m: impl Into<String>) -> AppError {
        AppError::BadRequest(m.into())
    }
    pub fn forbidden() -> AppError {
        AppError::Forbidden("Tài khoản của anh/chị không có quyền thực hiện việc này.".into())
    }
    pub fn not_found() -> AppError {
        AppError::NotFound
    }
    pub fn unauthorized() -> AppError {
        AppError::Unauthorized
    }
    pub fn conflict(m: impl Into<String>) -> AppError {
        AppError::Conflict {
            message: m.into(),
            details: None,
        }
    }
    pub fn invalid(m: impl Into<String>) -> AppError {
        AppError::Invalid {
            message: m.into(),
            details: None,
        }
    }
    /// 403 with its reason.
    pub fn denied(m: impl Into<String>) -> AppError {
        AppError::Forbidden(m.into())
    }
    /// 401 of a login refused (wrong name or password).
    pub fn wrong_login(m: impl Into<String>) -> AppError {
        AppError::WrongLogin(m.into())
    }
    pub fn not_built(m: impl Into<String>) -> AppError {
        AppError::NotBuilt(m.into())
    }
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "lỗi nội bộ");
        AppError::Internal
    }

    /// The same error with extra JSON fields (409 and 422 only; others are unchanged).
    pub fn with_details(mut self, extra: Value) -> AppError {
        if let AppError::Conflict { details, .. } | AppError::Invalid { details, .. } = &mut self {
            *details = Some(extra);
        }
        self
    }

    /// The one mapping from kinds to statuses.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::WrongLogin(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Rejected(s) => *s,
            AppError::NotBuilt(_) => StatusCode::NOT_IMPLEMENTED,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user reads.
    pub fn message(&self) -> &str {
        match self {
            AppError::BadRequest(m)
            | AppError::WrongLogin(m)
            | AppError::Forbidden(m)
            | AppError::NotBuilt(m)
            | AppError::Conflict { message: m, .. }
            | AppError::Invalid { message: m, .. }
            | AppError::Throttled { message: m, .. } => m,
            AppError::Unauthorized => "Anh/chị cần đăng nhập để tiếp tục.",
            AppError::NotFound => "Không tìm thấy trang hoặc báo cáo được yêu cầu.",
            AppError::Internal => {
                "Hệ thống gặp lỗi khi xử lý yêu cầu; dữ liệu chưa bị thay đổi. Vui lòng thử lại."
            }
            AppError::Rejected(s) => rejection_message(*s),
        }
    }

    /// Extra JSON fields of a conflict or a refusal.
    pub fn details(&self) -> Option<&Value> {
        match self {
            AppError::Conflict { details, .. } | AppError::Invalid { details, .. } => {
                details.as_ref()
            }
            _ => None,
        }
    }

    /// Seconds to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The response: a page, or `{"error": …, ...details}` when `json`.
    pub fn render(&self, json: bool) -> Response {
        let status = self.status();
        let mut res = if json {
            let mut body = serde_json::json!({ "error": self.message() });
            if let (Some(obj), Some(Value::Object(extra))) = (body.as_object_mut(), self.details())
            {
                obj.extend(extra.clone());
            }
            (status, axum::Json(body)).into_response()
        } else {
            let page = crate::pages::error_page(status, self.message());
            (status, axum::response::Html(page.into_string())).into_response()
        };
        if let Some(secs) = self.retry_after() {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The message of a request refused by the framework or the server's limits, by its status.
fn rejection_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Yêu cầu không đúng định dạng (kiểm tra lại các trường gửi lên).",
        404 => "Không tìm thấy trang hoặc báo cáo được yêu cầu.",
        405 => "Địa chỉ này không nhận loại yêu cầu đó.",
        408 => "Yêu cầu gửi lên quá chậm hoặc không gửi hết nên bị hủy.",
        413 => "Nội dung gửi lên quá lớn.",
        414 => "Địa chỉ yêu cầu quá dài.",
        415 => "Kiểu nội dung không đúng: API nhận dữ liệu JSON (Content-Type: application/json).",
        422 => "Dữ liệu gửi lên không đúng cấu trúc (thiếu trường hoặc sai kiểu).",
        431 => "Phần đầu (header) của yêu cầu quá lớn; hãy xóa cookie của trang rồi thử lại.",
        _ => "Yêu cầu không hợp lệ.",
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl From<store::Error> for AppError {
    fn from(e: store::Error) -> AppError {
        match e {
            store::Error::Stale { current, .. } => AppError::conflict(e.to_string())
                .with_details(serde_json::json!({ "current_revision": current })),
            store::Error::WrongState { .. }
            | store::Error::AlreadyApplied
            | store::Error::DuplicateUser(_) => AppError::conflict(e.to_string()),
            store::Error::NotFound(_) => AppError::not_found(),
            other => AppError::internal(other),
        }
    }
}

/// Marks a response made from an [`AppError`], so that [`render_errors`] can give it as JSON.
#[derive(Clone)]
struct Made(std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.render(false);
        res.extensions_mut().insert(Made(std::sync::Arc::new(self)));
        res
    }
}

/// Whether the request wants its errors as JSON: the API, and the pages' own fetches (autosave
/// asks for JSON), so that a page can tell an ended session from a lost connection.
pub fn wants_json(path: &str, headers: &axum::http::HeaderMap) -> bool {
    path.starts_with("/api/")
        || headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"))
}

/// Gives every error as the request wants it (page or JSON), and says the framework's own
/// refusals (bad JSON, wrong content type, bad path or query, too large a body, wrong method:
/// English plain text or no body at all) in Vietnamese.
pub async fn render_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let json = wants_json(req.uri().path(), req.headers());
    let res = next.run(req).await;
    if let Some(Made(e)) = res.extensions().get::<Made>().cloned() {
        return if json { e.render(true) } else { res };
    }
    let plain = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("text/plain"));
    // A framework answer without a body (405 of the router, 408 of a body read timeout…) has
    // no content type either.
    let bare = !res.headers().contains_key(axum::http::header::CONTENT_TYPE);
    let status = res.status();
    if !(plain || bare) || !status.is_client_error() {
        return res;
    }
    AppError::Rejected(status).render(json)
}
