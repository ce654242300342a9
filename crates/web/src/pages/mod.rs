//! The server-rendered pages (maud escapes every text). Each handler checks access through
//! `ops`/`access` before it reads anything.
//!
//! By area: `reports` (the editor and its saves, documents, submission, versions), `review`
//! (comments, return, accept), `dashboard`, `admin`; this module holds the layout every page
//! shares, the login and password pages, the error page and the static assets.

mod admin;
mod dashboard;
mod reports;
mod review;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, SET_COOKIE,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;
use store::{ReportInfo, Role, State as RState};

use crate::auth::{self, Viewer};
use crate::editor::{self, FormAction, FormCtx};
use crate::ops::{self, CommentIn};
use crate::{access, format_time, App, AppError, AppResult};

pub(crate) use admin::iso_from_vi;
use admin::*;
use dashboard::*;
use reports::*;
pub(crate) use reports::{editor_response, Kept};
use review::*;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/dang-xuat", post(auth::logout))
        .route("/mat-khau", get(password).post(auth::password_form))
        .route("/bao-cao", get(report_list))
        .route("/bao-cao/{id}", get(editor_page))
        .route("/bao-cao/{id}/luu", post(save_form))
        .route("/bao-cao/{id}/tai-len", post(upload))
        .route("/bao-cao/{id}/xem", get(preview))
        .route("/bao-cao/{id}/tai/{format}", get(download))
        .route("/bao-cao/{id}/gui", post(submit))
        .route("/bao-cao/{id}/de-nghi-gui", post(ask_to_submit))
        .route("/bao-cao/{id}/y-kien", post(comment))
        .route(
            "/bao-cao/{id}/y-kien/{comment}/tra-loi",
            post(answer_comment),
        )
        .route("/bao-cao/{id}/y-kien/{comment}/dong", post(close_comment))
        .route("/bao-cao/{id}/tra-lai", post(return_report))
        .route("/bao-cao/{id}/tiep-nhan", post(accept))
        .route("/bao-cao/{id}/phien-ban", get(versions))
        .route("/bao-cao/{id}/so-sanh", get(compare))
        .route("/tong-quan", get(dashboard))
        .route("/quan-tri", get(admin))
        .route("/quan-tri/nguoi-dung", post(create_user))
        .route("/quan-tri/nguoi-dung/{id}", post(update_user))
        .route("/quan-tri/dot", post(create_round))
        .route("/quan-tri/dot/{id}/han", post(set_deadline))
        .route("/quan-tri/nhat-ky", get(audit))
        .route("/quan-tri/sao-luu", get(backup))
}

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");
const ICON: &str = include_str!("../../assets/bieu-tuong.svg");

/// GET /favicon.ico: the site's icon (asked for by browsers, feed readers and the like).
pub async fn favicon() -> Response {
    asset(Path("bieu-tuong.svg".to_string())).await
}

/// GET /tai-nguyen/{file}
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        // The site's icon (browsers ask for one on every page).
        "bieu-tuong.svg" => (ICON, "image/svg+xml"),
        _ => return AppError::not_found().into_response(),
    };
    (
        [
            (CONTENT_TYPE, kind),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub fn page(title: &str, v: Option<&Viewer>, body: Markup) -> Response {
    // The skip link goes to the form being filled where the page has one (past the outline
    // navigator), else to the page's main content.
    let skip_to = if body.0.contains("id=\"section-form\"") {
        "#section-form"
    } else {
        "#noi-dung"
    };
    let markup = html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(v) = v { meta name="csrf-token" content=(v.csrf); }
                title { (title) " – Báo cáo thí điểm" }
                link rel="stylesheet" href="/tai-nguyen/app.css";
                link rel="icon" href="/tai-nguyen/bieu-tuong.svg" type="image/svg+xml";
                script src="/tai-nguyen/app.js" defer {}
            }
            body {
                a.skip href=(skip_to) { "Bỏ qua, đến nội dung chính" }
                header.top {
                    a.brand href="/" { "Hệ thống báo cáo thí điểm theo Kết luận 74-KL/TW" }
                    @if let Some(v) = v {
                        nav {
                            @if access::writes_report(&v.user) {
                                a href="/bao-cao" { "Báo cáo của tỉnh" }
                                a href="/huyen" { "Phiếu cấp huyện" }
                            }
                            @if access::writes_sheet(&v.user) { a href="/phieu" { "Phiếu của huyện" } }
                            @if access::sees_dashboard(&v.user) {
                                a href="/tong-quan" { "Tình hình báo cáo 63 tỉnh, thành phố" }
                                a href="/tong-hop" { "Tổng hợp toàn quốc" }
                            }
                            @if access::manages_outlines(&v.user) { a href="/de-cuong" { "Đề cương" } }
                            @if access::is_admin(&v.user) { a href="/quan-tri" { "Quản trị" } }
                        }
                        div.who {
                            span { (v.user.full_name) " (" (v.user.username) ") – " (v.user.role.label()) }
                            a.small href="/mat-khau" { "Đổi mật khẩu" }
                            form method="post" action="/dang-xuat" {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                button.small type="submit" { "Đăng xuất" }
                            }
                        }
                    }
                }
                main #noi-dung tabindex="-1" { (body) }
            }
        }
    };
    // Security headers (CSP, nosniff, Referrer-Policy) are added to every response by the router.
    axum::response::Html(markup.into_string()).into_response()
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    #[serde(default)]
    tb: Option<String>,
}

/// GET /mat-khau
async fn password(v: Viewer, Query(q): Query<NoticeQuery>) -> Response {
    password_page(&v, None, q.tb.as_deref() == Some("da-doi"))
}

/// The page to change one's own password.
pub fn password_page(v: &Viewer, error: Option<&str>, done: bool) -> Response {
    let body = html! {
        div.narrow {
            h1 { "Đổi mật khẩu" }
            @if done {
                p.notice role="status" { "Đã đổi mật khẩu. Mọi phiên đăng nhập khác của tài khoản đã kết thúc." }
            }
            @if let Some(e) = error { p.notice.error role="alert" { (e) } }
            p { "Sau khi đổi, mọi phiên đăng nhập khác của tài khoản (trên máy khác, trình duyệt khác) kết thúc ngay." }
            form.login method="post" action="/mat-khau" {
                input type="hidden" name="_csrf" value=(v.csrf);
                label for="current" { "Mật khẩu hiện tại" }
                input #current type="password" name="current" autocomplete="current-password" required;
                label for="new" { "Mật khẩu mới (ít nhất 8 ký tự)" }
                input #new type="password" name="new" autocomplete="new-password" minlength="8" required;
                button type="submit" { "Đổi mật khẩu" }
            }
        }
    };
    page("Đổi mật khẩu", Some(v), body)
}

/// The page of an error.
pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let title = match status.as_u16() {
        401 => "Cần đăng nhập",
        403 => "Không có quyền",
        404 => "Không tìm thấy",
        409 => "Xung đột dữ liệu",
        429 => "Thử lại sau",
        500..=599 => "Lỗi hệ thống",
        _ => "Yêu cầu không hợp lệ",
    };
    html! {
        (DOCTYPE)
        html lang="vi" {
            head { meta charset="utf-8"; title { (title) } link rel="stylesheet" href="/tai-nguyen/app.css"; }
            body { main.narrow {
                h1 { (title) }
                p.notice.error { (message) }
                p { a href="/" { "Về trang chính" } }
            } }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    tiep: String,
}

/// GET /dang-nhap
pub async fn login_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    login(&app, &headers, None, "", &q.tiep)
}

/// The login page, with a message when a try failed.
pub fn login(
    app: &App,
    headers: &HeaderMap,
    error: Option<&str>,
    username: &str,
    next: &str,
) -> Response {
    let token = auth::random_token(16);
    let body = html! {
        div.narrow {
            h1 { "Đăng nhập" }
            p { "Dành cho cán bộ Ban Tổ chức các tỉnh ủy, thành ủy và Ban Tổ chức Trung ương." }
            @if let Some(e) = error { p.notice.error role="alert" { (e) } }
            form.login method="post" action="/dang-nhap" {
                input type="hidden" name="_csrf" value=(token);
                input type="hidden" name="tiep" value=(next);
                label for="username" { "Tên đăng nhập" }
                input #username type="text" name="username" value=(username) autocomplete="username" required autofocus;
                label for="password" { "Mật khẩu" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Đăng nhập" }
            }
        }
    };
    let mut r = page("Đăng nhập", None, body);
    r.headers_mut().append(
        SET_COOKIE,
        auth::set_cookie(auth::LOGIN_COOKIE, &token, 3600, auth::secure(app, headers)),
    );
    r
}

/// GET /
async fn home(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    Ok(match v.user.role {
        Role::Drafter | Role::Approver => {
            let round = ops::sending::latest_round(&app).await?;
            let province = v.user.province.clone().unwrap_or_default();
            match app.store.reports(round.id, Some(&province)).await?.first() {
                Some(r) => Redirect::to(&format!("/bao-cao/{}", r.id)).into_response(),
                None => Redirect::to("/bao-cao").into_response(),
            }
        }
        Role::Reviewer => Redirect::to("/tong-quan").into_response(),
        Role::Admin => Redirect::to("/quan-tri").into_response(),
        Role::DistrictDrafter | Role::DistrictApprover => Redirect::to("/phieu").into_response(),
    })
}

pub(crate) fn province_name(app: &App, code: &str) -> String {
    app.units
        .province(code)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| code.to_string())
}
