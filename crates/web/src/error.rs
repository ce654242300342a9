//! Errors a request can end with: a status and a Vietnamese message, shown as a page to a browser
//! and as `{"error": …}` to the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error that ends a request.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    /// Answer as JSON (API routes and fetch requests) rather than a page.
    pub json: bool,
    /// Extra JSON fields (e.g. the current revision of a stale save).
    pub extra: Option<serde_json::Value>,
    /// Seconds to wait before trying again (`Retry-After`, with 429).
    pub retry_after: Option<u64>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError {
            status,
            message: message.into(),
            json: false,
            extra: None,
            retry_after: None,
        }
    }
    pub fn bad_request(m: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, m)
    }
    pub fn forbidden() -> AppError {
        AppError::new(
            StatusCode::FORBIDDEN,
            "Tài khoản của anh/chị không có quyền thực hiện việc này.",
        )
    }
    pub fn not_found() -> AppError {
        AppError::new(
            StatusCode::NOT_FOUND,
            "Không tìm thấy trang hoặc báo cáo được yêu cầu.",
        )
    }
    pub fn unauthorized() -> AppError {
        AppError::new(
            StatusCode::UNAUTHORIZED,
            "Anh/chị cần đăng nhập để tiếp tục.",
        )
    }
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "lỗi nội bộ");
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Hệ thống gặp lỗi khi xử lý yêu cầu; dữ liệu chưa bị thay đổi. Vui lòng thử lại.",
        )
    }
    pub fn json(mut self, yes: bool) -> AppError {
        self.json = self.json || yes;
        self
    }
}

impl From<store::Error> for AppError {
    fn from(e: store::Error) -> AppError {
        match e {
            store::Error::Stale { current, .. } => {
                let mut a = AppError::new(StatusCode::CONFLICT, e.to_string());
                a.extra = Some(serde_json::json!({ "current_revision": current }));
                a
            }
            store::Error::WrongState { .. } => AppError::new(StatusCode::CONFLICT, e.to_string()),
            store::Error::NotFound(_) => AppError::not_found(),
            store::Error::AlreadyApplied => AppError::new(StatusCode::CONFLICT, e.to_string()),
            store::Error::DuplicateUser(_) => AppError::new(StatusCode::CONFLICT, e.to_string()),
            other => AppError::internal(other),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after;
        let mut res = self.response();
        if let Some(secs) = retry_after {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        res
    }
}

impl AppError {
    fn response(self) -> Response {
        if self.json {
            let mut body = serde_json::json!({ "error": self.message });
            if let (Some(obj), Some(serde_json::Value::Object(extra))) =
                (body.as_object_mut(), self.extra)
            {
                obj.extend(extra);
            }
            return (self.status, axum::Json(body)).into_response();
        }
        let page = crate::pages::error_page(self.status, &self.message);
        (self.status, axum::response::Html(page.into_string())).into_response()
    }
}

/// axum answers malformed requests (bad JSON, wrong content type, bad path or query, too large a
/// body, wrong method) in English plain text; say it in Vietnamese, as a page or as JSON.
pub async fn vietnamese_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
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
    let message = match status.as_u16() {
        400 => "Yêu cầu không đúng định dạng (kiểm tra lại các trường gửi lên).",
        404 => "Không tìm thấy trang hoặc báo cáo được yêu cầu.",
        405 => "Địa chỉ này không nhận loại yêu cầu đó.",
        408 => "Yêu cầu gửi lên quá chậm hoặc không gửi hết nên bị hủy.",
        413 => "Nội dung gửi lên quá lớn.",
        415 => "Kiểu nội dung không đúng: API nhận dữ liệu JSON (Content-Type: application/json).",
        414 => "Địa chỉ yêu cầu quá dài.",
        422 => "Dữ liệu gửi lên không đúng cấu trúc (thiếu trường hoặc sai kiểu).",
        431 => "Phần đầu (header) của yêu cầu quá lớn.",
        _ => "Yêu cầu không hợp lệ.",
    };
    AppError::new(status, message).json(api).into_response()
}
