//! The server-rendered pages (maud escapes every text). Each handler checks access through
//! `ops`/`access` before it reads anything.

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

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const ICON: &str = include_str!("../assets/bieu-tuong.svg");

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
                header.top {
                    a.brand href="/" { "Hệ thống báo cáo thí điểm theo Kết luận 74-KL/TW" }
                    @if let Some(v) = v {
                        nav {
                            @if v.user.role.is_provincial() {
                                a href="/bao-cao" { "Báo cáo của tỉnh" }
                                a href="/huyen" { "Phiếu cấp huyện" }
                            }
                            @if v.user.role.is_district() { a href="/phieu" { "Phiếu của huyện" } }
                            @if access::sees_dashboard(&v.user) {
                                a href="/tong-quan" { "Tình hình báo cáo 63 tỉnh, thành phố" }
                                a href="/tong-hop" { "Tổng hợp toàn quốc" }
                            }
                            @if access::manages_outlines(&v.user) { a href="/de-cuong" { "Đề cương" } }
                            @if v.user.role == Role::Admin { a href="/quan-tri" { "Quản trị" } }
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
                main { (body) }
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

async fn latest_round(app: &App) -> AppResult<store::Round> {
    app.store
        .rounds()
        .await?
        .into_iter()
        .next()
        .ok_or_else(AppError::not_found)
}

/// GET /
async fn home(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    Ok(match v.user.role {
        Role::Drafter | Role::Approver => {
            let round = latest_round(&app).await?;
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

/// GET /bao-cao: the province's reports, every round.
async fn report_list(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    if v.user.role.is_district() {
        return Ok(Redirect::to("/phieu").into_response());
    }
    if !v.user.role.is_provincial() {
        return Ok(Redirect::to("/tong-quan").into_response());
    }
    let province = v.user.province.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for round in app.store.rounds().await? {
        for r in app.store.reports(round.id, Some(&province)).await? {
            rows.push((round.clone(), r));
        }
    }
    let body = html! {
        h1 { "Báo cáo của " (province_name(&app, &province)) }
        table.list {
            thead { tr { th { "Đợt báo cáo" } th { "Hạn nộp" } th { "Trạng thái" } th { "Lỗi" } th { "Cập nhật" } } }
            tbody {
                @for (round, r) in &rows {
                    tr {
                        td { a href=(format!("/bao-cao/{}", r.id)) { (round.name) } }
                        td { (editor::date_shown(&round.deadline)) }
                        td { span class=(format!("state {}", r.state.as_str())) { (r.state.label()) } }
                        td.num { (r.errors) }
                        td { (format_time(r.updated_at)) }
                    }
                }
            }
        }
    };
    Ok(page("Báo cáo của tỉnh", Some(&v), body))
}

#[derive(Deserialize, Default)]
struct EditorQuery {
    #[serde(default)]
    muc: Option<String>,
    #[serde(default)]
    tb: Option<String>,
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "da-luu" => "Đã lưu.",
        "da-gui" => "Đã gửi báo cáo lên Ban Tổ chức Trung ương. Phiên bản đã gửi không thể sửa.",
        "da-tra-lai" => "Đã trả lại báo cáo cho tỉnh kèm ý kiến.",
        "da-tiep-nhan" => "Đã tiếp nhận báo cáo.",
        "da-tiep-nhan-phieu" => "Đã tiếp nhận phiếu; số liệu của phiếu đã được đưa vào báo cáo của tỉnh.",
        "da-tiep-nhan-phieu-chua-tong-hop" => "Đã tiếp nhận phiếu. Báo cáo của tỉnh đang không sửa được (đã gửi hoặc đã được tiếp nhận) nên chưa đưa số liệu vào; số liệu sẽ được đưa vào khi tổng hợp lại ở trang “Phiếu cấp huyện”.",
        "da-tong-hop-huyen" => "Đã đưa số liệu các phiếu cấp huyện đã tiếp nhận vào báo cáo của tỉnh.",
        "da-ky-so" => "Đã nhận bản PDF đã ký số: đúng là bản PDF của phiên bản đã gửi, chữ ký số hợp lệ.",
        "da-de-nghi" => "Đã đề nghị lãnh đạo gửi; lãnh đạo thấy đề nghị ở đầu trang báo cáo.",
        "da-gui-phieu" => "Đã gửi phiếu lên Ban Tổ chức của tỉnh. Phiên bản đã gửi không thể sửa.",
        "da-tai-len" => "Đã nhập nội dung từ tệp JSON.",
        "da-gop-y" => "Đã ghi ý kiến.",
        "da-tra-loi" => "Đã ghi trả lời cho ý kiến.",
        "da-dong" => "Đã đóng ý kiến.",
        "da-them" => "Đã thêm mô hình.",
        "da-nhap-word" => "Đã nhập nội dung từ tệp Word. Các đoạn để riêng (nếu có) được liệt kê bên dưới cho đến khi được xếp vào mục hoặc bỏ.",
        "da-xep" => "Đã đưa đoạn văn vào mục.",
        "da-bo" => "Đã bỏ đoạn văn khỏi danh sách chờ (đoạn vẫn còn trong tệp đã tải lên).",
        _ => return None,
    })
}

/// GET /bao-cao/{id}: the editor (or the read-only view).
async fn editor_page(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<EditorQuery>,
) -> AppResult<Response> {
    editor_response(
        &app,
        &v,
        id,
        q.muc.as_deref(),
        notice(q.tb.as_deref()),
        None,
    )
    .await
}

/// Unsaved input kept on a refused save, shown for the user to merge.
pub(crate) struct Kept {
    pub(crate) message: String,
    pub(crate) lines: Vec<(String, String)>,
}

pub(crate) async fn editor_response(
    app: &App,
    v: &Viewer,
    id: i64,
    muc: Option<&str>,
    flash: Option<&str>,
    kept: Option<Kept>,
) -> AppResult<Response> {
    let l = ops::load(app, v, id).await?;
    let t = &l.template;
    let sections = editor::sections_for(t, &l.report);
    let current = muc
        .filter(|m| sections.iter().any(|s| s.key == *m))
        .map(str::to_string)
        .unwrap_or_else(|| sections.first().map(|s| s.key.clone()).unwrap_or_default());
    let wrong = ops::problems(app, t, &l.report, true);
    let all = ops::problems(app, t, &l.report, false);
    let states = editor::section_states(t, &l.report, &wrong, &all);
    let comments = app.store.comments(id).await?;
    let uploads = app.store.uploads(id).await?;
    let signed = app.store.signed_pdfs(id).await?;
    let latest_version = app.store.versions(id).await?.last().map(|x| x.number);
    let aside = app.store.set_aside(id).await?;
    let editable = access::can_edit(&v.user, &l.info);
    // Who changed what, for the province's corrections of district values (only when the
    // report was rolled up from district sheets).
    let mut changed_by: HashMap<String, (String, i64)> = HashMap::new();
    if l.report
        .blocks
        .values()
        .flatten()
        .any(|i| i.rollup.is_some())
    {
        for e in app.store.audit_log(Some(id), 5000, 0).await? {
            if e.action == "tổng hợp từ phiếu cấp huyện" {
                continue;
            }
            if let Some(item) = e.item {
                changed_by.entry(item).or_insert((e.username, e.at));
            }
        }
    }
    let ctx = FormCtx {
        t,
        r: &l.report,
        units: app.units,
        problems: &wrong,
        comments: &comments,
        readonly: !editable,
        changed_by: &changed_by,
    };
    let form = editor::render_section(&ctx, &current);
    let province = province_name(app, &l.info.province);
    let (errors, warnings) = ops::counts(&all);
    let sheet = l.info.district.is_some();
    // A district's sheet has the deadline its province set (else the round's).
    let deadline = match &l.info.district {
        Some(_) => app
            .store
            .district_deadline(l.round.id, &l.info.province)
            .await?
            .unwrap_or_else(|| l.round.deadline.clone()),
        None => l.round.deadline.clone(),
    };
    let late = is_late_by(&deadline, &l.info);
    // A drafter's request that the leader submit, since the last submission: for the leader.
    let asked = if access::can_submit(&v.user, &l.info) && l.info.state.editable() {
        let since = l.info.submitted_at.unwrap_or(0);
        app.store
            .audit_log(Some(id), 200, 0)
            .await?
            .into_iter()
            .find(|e| e.action == ASK_TO_SUBMIT && e.at > since)
            .map(|e| (e.username, e.at))
    } else {
        None
    };
    // For each version a comment was made on: the items changed since (to tell the reviewer
    // what the province changed after the comment).
    let mut changed_since: HashMap<i64, std::collections::HashSet<String>> = HashMap::new();
    for n in comments
        .iter()
        .map(|c| c.version)
        .collect::<std::collections::BTreeSet<_>>()
    {
        if let Ok(old) = ops::version_report(app, &l, n).await {
            let keys = ops::diff(&old, &l.report)
                .into_iter()
                .map(|c| c.item)
                .collect();
            changed_since.insert(n, keys);
        }
    }
    let title = match &l.info.district {
        Some(d) => format!(
            "Phiếu cấp huyện của {} ({province})",
            app.units.district(d).map(|x| x.name.as_str()).unwrap_or(d)
        ),
        None => format!("Báo cáo của {province}"),
    };
    let reviewer_name = if sheet {
        "Ban Tổ chức của tỉnh"
    } else {
        "Ban Tổ chức Trung ương"
    };
    let body = html! {
        div.report-head {
            h1 { (title) }
            @if sheet && access::can_review(&v.user, &l.info) {
                p { a href=(format!("/huyen?dot={}", l.round.id)) { "← Các phiếu cấp huyện của tỉnh" } }
            }
            p.meta {
                (l.round.name) " · hạn nộp " (editor::date_shown(&deadline))
                " · " span class=(format!("state {}", l.info.state.as_str())) { (l.info.state.label()) }
                @if late { " " span.late { "quá hạn" } }
                " · phiên bản lưu số " span #revision-label { (l.info.revision) }
                @if let Some(by) = &l.info.updated_by { " · cập nhật " (format_time(l.info.updated_at)) " bởi " (by) }
            }
            @if let Some(f) = flash { p.notice.ok role="status" { (f) } }
            @if let Some((who, at)) = &asked {
                p.notice.ok role="status" #de-nghi-gui {
                    strong { (who) } " đề nghị lãnh đạo gửi " (if sheet { "phiếu" } else { "báo cáo" }) " (lúc " (format_time(*at)) ")."
                }
            }
            @if let Some(k) = &kept {
                div.notice.error role="alert" {
                    p { (k.message) }
                    @if !k.lines.is_empty() {
                        p { "Nội dung anh/chị vừa nhập (chưa lưu) – hãy chép lại vào bản mới nhất bên dưới:" }
                        dl.kept { @for (label, text) in &k.lines { dt { (label) } dd { pre { (text) } } } }
                    }
                }
            }
            div.toolbar {
                a.button href=(format!("/bao-cao/{id}/xem")) target="_blank" { "Xem trước văn bản" }
                a.button href=(format!("/bao-cao/{id}/tai/docx")) { "Tải DOCX" }
                a.button href=(format!("/bao-cao/{id}/tai/pdf")) { "Tải PDF" }
                a.button href=(format!("/bao-cao/{id}/tai/json")) { "Tải JSON" }
                a.button href=(format!("/bao-cao/{id}/phien-ban")) { "Các phiên bản" }
            }
            p.counts #counts {
                "Kiểm tra toàn bộ: " strong #count-errors { (errors) } " lỗi, " strong #count-warnings { (warnings) } " cảnh báo"
                @if errors > 0 { " (kể cả các mục bắt buộc chưa nhập)" }
            }
            @if !all.is_empty() {
                details.checklist {
                    summary { "Danh sách kiểm tra (" (all.len()) " mục cần xem)" }
                    ol {
                        @for p in all.iter().take(300) {
                            li class=(if p.severity == outline::Severity::Error { "error" } else { "warning" }) {
                                a href=(format!("/bao-cao/{id}?muc={}#{}", editor::section_of(t, &p.item), editor::field_anchor(p.instance.as_deref(), &p.item))) { (p.place) }
                                ": " (p.message)
                            }
                        }
                    }
                }
            }
        }
        @if !comments.is_empty() {
            (comments_section(v, &l, &comments, &changed_since, reviewer_name))
        }
        div.editor {
            nav.outline aria-label="Các phần của đề cương" {
                // On a phone the outline is a menu (app.js closes it there); open otherwise.
                details.outline-menu open {
                summary { "Các phần của đề cương" }
                ol {
                    @for s in &sections {
                        @let st = states.get(&s.key).copied().unwrap_or(editor::SectionState::Empty);
                        li class=(if s.key == current { "current" } else { "" }) {
                            a href=(format!("/bao-cao/{id}?muc={}", s.key)) aria-current=[(s.key == current).then_some("page")] {
                                @if !s.number.is_empty() { span.num { (s.number) ". " } }
                                (s.title)
                            }
                            " " span class=(format!("badge {}", st.class())) { (st.label()) }
                        }
                    }
                }
                }
            }
            div.section {
                @if editable {
                    form #section-form method="post" action=(format!("/bao-cao/{id}/luu?muc={current}")) data-autosave="1" {
                        input type="hidden" name="_csrf" value=(v.csrf);
                        input type="hidden" name="revision" value=(l.info.revision);
                        (form)
                        div.save-bar {
                            button type="submit" { "Lưu" }
                            span #save-status role="status" aria-live="polite" { "Tự động lưu khi anh/chị nhập." }
                        }
                    }
                    details.upload {
                        summary { "Nhập cả báo cáo từ tệp JSON" }
                        form method="post" enctype="multipart/form-data"
                            action=(format!("/bao-cao/{id}/tai-len")) {
                            // The token first: the server finds it before the file.
                            input type="hidden" name="_csrf" value=(v.csrf);
                            input type="hidden" name="revision" value=(l.info.revision);
                            input type="file" name="tep" accept=".json,application/json" required aria-label="Tệp JSON";
                            button type="submit" data-confirm="Thay toàn bộ nội dung báo cáo bằng nội dung của tệp?" { "Tải lên" }
                        }
                    }
                } @else {
                    (form)
                }
                (crate::word::report_panel(v, t, &l.info, &uploads, &aside))
                // Who submits: the drafter is told, and can ask the leader.
                @if access::is_author(&v.user, &l.info) && !access::can_submit(&v.user, &l.info) && l.info.state.editable() {
                    form.submit method="post" action=(format!("/bao-cao/{id}/de-nghi-gui")) {
                        input type="hidden" name="_csrf" value=(v.csrf);
                        p.hint { "Lãnh đạo (người duyệt) gửi " (if sheet { "phiếu lên tỉnh" } else { "báo cáo lên Ban Tổ chức Trung ương" }) ". Khi đã đủ, đề nghị lãnh đạo gửi:" }
                        button type="submit" { "Đề nghị lãnh đạo gửi" }
                    }
                }
                @if access::can_submit(&v.user, &l.info) && l.info.state.editable() {
                    form.submit method="post" action=(format!("/bao-cao/{id}/gui")) {
                        input type="hidden" name="_csrf" value=(v.csrf);
                        input type="hidden" name="revision" value=(l.info.revision);
                        @if errors > 0 {
                            p.muted { "Còn " (errors) " lỗi: sửa hết lỗi mới gửi được." }
                        }
                        @if sheet {
                            button.primary type="submit" data-confirm="Gửi phiếu lên Ban Tổ chức của tỉnh? Sau khi gửi sẽ không sửa được." { "Gửi phiếu lên tỉnh" }
                        } @else {
                            button.primary type="submit" data-confirm="Gửi báo cáo lên Ban Tổ chức Trung ương? Sau khi gửi sẽ không sửa được." { "Gửi báo cáo" }
                        }
                    }
                }
                (crate::signed::panel(v, &l.info, &signed, latest_version))
                @if access::can_review(&v.user, &l.info) {
                    (review_panel(v, id, &l, &comments))
                }
            }
        }
    };
    Ok(page(&format!("Báo cáo của {province}"), Some(v), body))
}

/// The comments of a report in every state, to the reviewer and the province: each with its
/// state (open, answered by the province, closed by the reviewer), the province's answer, whether
/// its item changed since the version it was made on, and the actions of each side.
fn comments_section(
    v: &Viewer,
    l: &ops::Loaded,
    comments: &[store::Comment],
    changed_since: &HashMap<i64, std::collections::HashSet<String>>,
    reviewer_name: &str,
) -> Markup {
    let id = l.info.id;
    let t = &l.template;
    let open = comments.iter().filter(|c| c.state == "open").count();
    let answers = access::is_author(&v.user, &l.info);
    let closes = access::can_review(&v.user, &l.info);
    let key = |c: &store::Comment| match &c.instance {
        Some(i) => format!("{} [{i}]", c.item),
        None => c.item.clone(),
    };
    html! {
        section.comments #y-kien {
            h2 { "Ý kiến của " (reviewer_name) }
            p { "Còn " strong { (open) } " ý kiến đang mở trong " (comments.len()) " ý kiến." }
            ol {
                @for c in comments {
                    @let changed = c.item != "chung" && changed_since.get(&c.version).is_some_and(|k| k.iter().any(|x| x == &key(c) || x.starts_with(&format!("{} ", c.item))));
                    li.comment-entry data-state=(c.state) {
                        p {
                            strong { (c.place) } " (phiên bản " (c.version) ", " (format_time(c.created_at)) ", " (c.author) "): " (c.body)
                            " " span class=(format!("comment-state {}", c.state)) { "[" (c.state_label()) "]" }
                        }
                        @if c.item != "chung" {
                            p.muted {
                                @if changed { "Mục này đã được sửa sau phiên bản " (c.version) "." }
                                @else { "Mục này chưa sửa từ phiên bản " (c.version) "." }
                                " " a href=(format!("/bao-cao/{id}?muc={}#{}", editor::section_of(t, &c.item), editor::field_anchor(c.instance.as_deref(), &c.item))) { "đến mục này" }
                            }
                        }
                        @if let Some(a) = &c.answer {
                            p.answer { "Trả lời của tỉnh" @if let Some(by) = &c.answered_by { " (" (by) ")" } ": " (a) }
                        }
                        @if answers && c.state != "closed" {
                            form.inline method="post" action=(format!("/bao-cao/{id}/y-kien/{}/tra-loi", c.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                label.visually-hidden for=(format!("tl-{}", c.id)) { "Trả lời ý kiến" }
                                input type="text" id=(format!("tl-{}", c.id)) name="noi_dung" required maxlength="10000"
                                    placeholder="Trả lời (đã sửa thế nào)";
                                button.small type="submit" { "Trả lời" }
                            }
                        }
                        @if closes && c.state != "closed" {
                            form.inline method="post" action=(format!("/bao-cao/{id}/y-kien/{}/dong", c.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                button.small type="submit" { "Đóng ý kiến" }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    noi_dung: String,
}

/// POST /bao-cao/{id}/y-kien/{comment}/tra-loi: the province answers a comment.
async fn answer_comment(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, comment)): Path<(i64, i64)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let info = app.store.report_info(id).await?;
    access::require_view(&v.user, &info)?;
    access::require(access::is_author(&v.user, &info))?;
    let text = vi::nfc(f.noi_dung.trim());
    if text.is_empty() || text.chars().count() > 10_000 {
        return Err(AppError::bad_request(
            "Trả lời không được để trống và không quá 10.000 ký tự.",
        ));
    }
    app.store
        .answer_comment(id, comment, &text, (&v.user).into())
        .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-tra-loi#y-kien")).into_response())
}

/// POST /bao-cao/{id}/y-kien/{comment}/dong: the reviewer closes a comment.
async fn close_comment(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, comment)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let info = app.store.report_info(id).await?;
    access::require_view(&v.user, &info)?;
    access::require(access::can_review(&v.user, &info))?;
    app.store
        .close_comment(id, comment, (&v.user).into())
        .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-dong#y-kien")).into_response())
}

fn review_panel(v: &Viewer, id: i64, l: &ops::Loaded, comments: &[store::Comment]) -> Markup {
    let places = editor::commentable(&l.template, &l.report);
    let sections = editor::sections_for(&l.template, &l.report);
    let submitted = l.info.state == RState::Submitted;
    let sheet = l.info.district.is_some();
    let (heading, sender, back, accept_confirm) = if sheet {
        (
            "Xem xét của Ban Tổ chức tỉnh",
            "huyện",
            "Trả lại cho huyện",
            "Tiếp nhận phiếu này? Số liệu của phiếu sẽ được đưa vào báo cáo của tỉnh.",
        )
    } else {
        (
            "Thẩm định của Ban Tổ chức Trung ương",
            "tỉnh",
            "Trả lại cho tỉnh",
            "Tiếp nhận báo cáo này?",
        )
    };
    html! {
        section.review {
            h2 { (heading) }
            @if !submitted {
                p.muted { "Đang ở trạng thái “" (l.info.state.label()) "”; chỉ xem xét được khi " (sender) " đã gửi." }
            } @else {
                form method="post" action=(format!("/bao-cao/{id}/y-kien")) {
                    input type="hidden" name="_csrf" value=(v.csrf);
                    label for="gop-y-muc" { "Góp ý vào mục" }
                    select #gop-y-muc name="muc" {
                        option value="chung" { "Ý kiến chung về báo cáo" }
                        // Grouped by section of the outline, not one list of hundreds.
                        @for sec in &sections {
                            @let mine: Vec<&(String, Option<String>, String)> = places.iter().filter(|(item, _, _)| editor::section_of(&l.template, item) == sec.key).collect();
                            @if !mine.is_empty() {
                                optgroup label=(format!("{} {}", sec.number, sec.title).trim()) {
                                    @for (item, inst, place) in mine {
                                        option value=(format!("{}|{}", item, inst.as_deref().unwrap_or(""))) { (place) }
                                    }
                                }
                            }
                        }
                    }
                    label for="gop-y-noi-dung" { "Nội dung ý kiến" }
                    textarea #gop-y-noi-dung name="noi_dung" rows="3" maxlength="10000" required {}
                    button type="submit" { "Ghi ý kiến" }
                }
                p.muted { "Số ý kiến đã ghi cho phiên bản này: " (comments.iter().filter(|c| Some(c.version) == comments.last().map(|l| l.version)).count()) }
                div.decide {
                    form method="post" action=(format!("/bao-cao/{id}/tra-lai")) {
                        input type="hidden" name="_csrf" value=(v.csrf);
                        button.danger type="submit" data-confirm=(format!("{back} để sửa theo các ý kiến?")) { (back) }
                    }
                    form method="post" action=(format!("/bao-cao/{id}/tiep-nhan")) {
                        input type="hidden" name="_csrf" value=(v.csrf);
                        button.primary type="submit" data-confirm=(accept_confirm) { "Tiếp nhận" }
                    }
                }
            }
        }
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get("accept")
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

#[derive(Deserialize)]
struct SaveQuery {
    #[serde(default)]
    muc: Option<String>,
}

/// POST /bao-cao/{id}/luu: a section form (autosave posts the same form, asking for JSON).
async fn save_form(
    State(app): State<Arc<App>>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SaveQuery>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let json = wants_json(&headers);
    let result = save_pairs(&app, &v, id, &pairs).await;
    match (result, json) {
        (Ok((saved, _)), true) => Json(saved).into_response(),
        (Ok((_, anchor)), false) => {
            // Only a section key goes back into the Location header (a newline or a quote in
            // the query would make it an invalid header: a 500 after a committed save).
            let muc: String = q
                .muc
                .unwrap_or_default()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .take(100)
                .collect();
            Redirect::to(&format!("/bao-cao/{id}?muc={muc}&tb=da-luu{anchor}")).into_response()
        }
        (Err(e), true) => e.json(true).into_response(),
        (Err(e), false)
            if e.status == StatusCode::CONFLICT || e.status == StatusCode::BAD_REQUEST =>
        {
            // Keep what the user typed: show it beside the latest version.
            let lines = kept_lines(&app, &v, id, &pairs).await;
            let kept = Kept {
                message: e.message.clone(),
                lines,
            };
            match editor_response(&app, &v, id, q.muc.as_deref(), None, Some(kept)).await {
                Ok(mut r) => {
                    *r.status_mut() = e.status;
                    r
                }
                Err(e2) => e2.into_response(),
            }
        }
        (Err(e), false) => e.into_response(),
    }
}

async fn kept_lines(
    app: &App,
    v: &Viewer,
    id: i64,
    pairs: &[(String, String)],
) -> Vec<(String, String)> {
    let Ok(l) = ops::load(app, v, id).await else {
        return Vec::new();
    };
    pairs
        .iter()
        .filter(|(k, val)| (k.starts_with("v|") || k.starts_with("d|")) && !val.trim().is_empty())
        .map(|(k, val)| {
            let item = k
                .split('|')
                .nth(2)
                .or_else(|| k.split('|').nth(1))
                .unwrap_or("");
            let label = l
                .template
                .node(item)
                .map(|n| report::tree::strip_markup(&n.text))
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| editor::document_label(item).to_string());
            (label, val.clone())
        })
        .collect()
}

async fn save_pairs(
    app: &App,
    v: &Viewer,
    id: i64,
    pairs: &[(String, String)],
) -> AppResult<(ops::Saved, String)> {
    // Only the template is needed to read the form; `mutate` loads the report once.
    let template = ops::template_for(app, v, id).await?;
    let parsed = editor::parse_form(&template, pairs)?;
    let mut anchor = String::new();
    let action = match &parsed.action {
        FormAction::Save => "sửa nội dung",
        FormAction::Add { .. } => "thêm mô hình",
        FormAction::Instance(_, ops::InstanceOp::Remove) => "xóa mô hình",
        FormAction::Instance(..) => "đổi thứ tự mô hình",
    };
    // A page that sends what it was given (`o|` fields: every page with autosave does) saves
    // per item: on top of the latest revision, only what its user changed, and refuses only an
    // item someone else changed meanwhile. A form without them needs the current revision.
    let per_item = !parsed.originals.is_empty();
    let mut base = if per_item {
        app.store.report_info(id).await?.revision
    } else {
        parsed.revision
    };
    let mut applied: Vec<ops::Change> = Vec::new();
    let mut attempts = 0;
    let saved = loop {
        let result = ops::mutate(app, v, id, base, action, |t, r| {
            let (changes, document) = if per_item {
                ops::own_changes(
                    t,
                    app.units,
                    r,
                    &parsed.changes,
                    parsed.document.as_ref(),
                    &parsed.originals,
                )?
            } else {
                (parsed.changes.clone(), parsed.document.clone())
            };
            ops::apply_changes(t, r, &changes)?;
            if let Some(d) = document {
                r.document = d;
            }
            match &parsed.action {
                FormAction::Save => {}
                FormAction::Add { block, model, name } => {
                    let new = ops::add_instance(t, r, block, model, name.as_deref())?;
                    anchor = format!("#mh-{new}");
                }
                FormAction::Instance(inst, op) => {
                    ops::change_instance(r, inst, *op)?;
                    if *op != ops::InstanceOp::Remove {
                        anchor = format!("#mh-{inst}");
                    }
                }
            }
            applied = changes;
            Ok(())
        })
        .await;
        match result {
            // Someone saved between reading the revision and writing: once more on theirs.
            Err(e)
                if per_item
                    && attempts < 3
                    && e.extra
                        .as_ref()
                        .is_some_and(|x| x.get("current_revision").is_some()) =>
            {
                attempts += 1;
                base = app.store.report_info(id).await?.revision;
            }
            other => break other?,
        }
    };
    let mut saved = saved;
    // What is stored now for each saved item, for the page's `o|` fields.
    for c in &applied {
        let mut v = c.value.clone().unwrap_or(serde_json::Value::Null);
        report::nfc_value(&mut v);
        let key = format!("{}|{}", c.instance.as_deref().unwrap_or(""), c.item);
        let text = if v.is_null() {
            String::new()
        } else {
            v.to_string()
        };
        saved.values.insert(key, text);
    }
    Ok((saved, anchor))
}

/// POST /bao-cao/{id}/tai-len (multipart: fields "_csrf", "revision", "tep")
async fn upload(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut base: Option<i64> = q.get("revision").and_then(|r| r.parse().ok());
    let mut text = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("Không đọc được tệp gửi lên."))?
    {
        if field.name() == Some("revision") {
            let t = field.text().await.unwrap_or_default();
            base = t.trim().parse().ok().or(base);
        } else if field.name() == Some("tep") {
            let bytes = field.bytes().await.map_err(|_| {
                AppError::bad_request("Không đọc được tệp gửi lên (có thể quá lớn).")
            })?;
            text = Some(
                String::from_utf8(bytes.to_vec())
                    .map_err(|_| AppError::bad_request("Tệp không phải văn bản UTF-8 (JSON)."))?,
            );
        }
    }
    let base = base.ok_or_else(|| {
        AppError::bad_request("Thiếu số phiên bản của báo cáo; hãy tải lại trang.")
    })?;
    let text = text.ok_or_else(|| AppError::bad_request("Chưa chọn tệp."))?;
    ops::mutate(&app, &v, id, base, "nhập từ tệp JSON", |t, r| {
        ops::replace(t, r, &text)
    })
    .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-tai-len")).into_response())
}

/// GET /bao-cao/{id}/xem: the document in the Party layout, as HTML.
async fn preview(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let l = ops::load(&app, &v, id).await?;
    let profile = app.profile(&l.template.template.profile)?;
    // `?phien-ban=N`: a submitted version as it was (the sources of a national figure link here).
    let report = ops::version_report(&app, &l, q.version.unwrap_or(0)).await?;
    let template = l.template.clone();
    let html = ops::blocking(move || {
        document::build(&template, &report, &profile, app.units)
            .map(|doc| document::html::to_html(&doc, &profile))
    })
    .await?
    .map_err(AppError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                 frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
            ),
        ],
        html,
    )
        .into_response())
}

#[derive(Deserialize)]
struct DownloadQuery {
    #[serde(default, rename = "phien-ban")]
    version: Option<i64>,
}

/// GET /bao-cao/{id}/tai/{docx|pdf|json}; `?phien-ban=N` for a submitted version.
async fn download(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, format)): Path<(i64, String)>,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let l = ops::load(&app, &v, id).await?;
    let report = ops::version_report(&app, &l, q.version.unwrap_or(0)).await?;
    let (bytes, kind) = export(&app, l.template.clone(), report, &format).await?;
    let name = format!(
        "bao-cao-{}-{}{}.{format}",
        l.info.province,
        l.template.template.id,
        q.version
            .map(|n| format!("-phien-ban-{n}"))
            .unwrap_or_default()
    );
    Ok((
        [
            (CONTENT_TYPE, kind.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A report as DOCX, PDF or JSON bytes, with its content type, made on a blocking thread.
pub async fn export(
    app: &Arc<App>,
    t: Arc<outline::Template>,
    r: report::Report,
    format: &str,
) -> AppResult<(Vec<u8>, &'static str)> {
    let app = app.clone();
    let format = format.to_string();
    ops::blocking(move || export_now(&app, &t, &r, &format)).await?
}

fn export_now(
    app: &App,
    t: &outline::Template,
    r: &report::Report,
    format: &str,
) -> AppResult<(Vec<u8>, &'static str)> {
    let profile = app.profile(&t.template.profile)?;
    match format {
        "json" => Ok((r.to_json().into_bytes(), "application/json")),
        "docx" => {
            let doc = document::build(t, r, &profile, app.units).map_err(AppError::internal)?;
            let bytes = document::docx::to_docx(&doc, &profile).map_err(AppError::internal)?;
            Ok((
                bytes,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ))
        }
        #[cfg(feature = "pdf")]
        "pdf" => {
            let doc = document::build(t, r, &profile, app.units).map_err(AppError::internal)?;
            let out = pdf::render(&doc, &profile, &pdf::PdfOptions::default())
                .map_err(AppError::internal)?;
            Ok((out.bytes, "application/pdf"))
        }
        #[cfg(not(feature = "pdf"))]
        "pdf" => Err(AppError::new(
            StatusCode::NOT_IMPLEMENTED,
            "Bản cài đặt này không có phần xuất PDF; hãy tải DOCX.",
        )),
        _ => Err(AppError::not_found()),
    }
}

#[derive(Deserialize)]
struct RevisionForm {
    revision: i64,
}

/// The audit action of a drafter's request that the leader submit.
const ASK_TO_SUBMIT: &str = "đề nghị lãnh đạo gửi";

/// POST /bao-cao/{id}/de-nghi-gui: a drafter asks the leader to submit (shown on the leader's
/// report page, which is their home page).
async fn ask_to_submit(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let info = app.store.report_info(id).await?;
    access::require_view(&v.user, &info)?;
    access::require(access::is_author(&v.user, &info) && info.state.editable())?;
    app.store
        .note_report(id, ASK_TO_SUBMIT, &v.user.full_name, (&v.user).into())
        .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-de-nghi")).into_response())
}

/// POST /bao-cao/{id}/gui
async fn submit(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<RevisionForm>,
) -> AppResult<Response> {
    match ops::submit(&app, &v, id, f.revision).await {
        Ok(_) => {
            let sheet = app.store.report_info(id).await?.district.is_some();
            let tb = if sheet { "da-gui-phieu" } else { "da-gui" };
            Ok(Redirect::to(&format!("/bao-cao/{id}?tb={tb}")).into_response())
        }
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            let kept = Kept {
                message: e.message.clone(),
                lines: Vec::new(),
            };
            let mut r = editor_response(&app, &v, id, None, None, Some(kept)).await?;
            *r.status_mut() = e.status;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct CommentForm {
    muc: String,
    noi_dung: String,
}

fn comment_in(f: &CommentForm) -> CommentIn {
    let (item, inst) = f.muc.split_once('|').unwrap_or((f.muc.as_str(), ""));
    CommentIn {
        item: item.to_string(),
        instance: (!inst.is_empty()).then(|| inst.to_string()),
        body: f.noi_dung.clone(),
    }
}

/// POST /bao-cao/{id}/y-kien
async fn comment(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    ops::add_comment(&app, &v, id, &comment_in(&f)).await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-gop-y")).into_response())
}

/// POST /bao-cao/{id}/tra-lai
async fn return_report(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    ops::decide(&app, &v, id, false, &[]).await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-tra-lai")).into_response())
}

/// POST /bao-cao/{id}/tiep-nhan
async fn accept(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let tb = match ops::decide(&app, &v, id, true, &[]).await? {
        ops::Decided::Report => "da-tiep-nhan",
        ops::Decided::RolledUp(_) => "da-tiep-nhan-phieu",
        ops::Decided::NotRolledUp(_) => "da-tiep-nhan-phieu-chua-tong-hop",
    };
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb={tb}")).into_response())
}

/// GET /bao-cao/{id}/phien-ban
async fn versions(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let l = ops::load(&app, &v, id).await?;
    let list = app.store.versions(id).await?;
    let body = html! {
        h1 { "Các phiên bản báo cáo của " (province_name(&app, &l.info.province)) }
        p { a href=(format!("/bao-cao/{id}")) { "← Về báo cáo" } }
        @if list.is_empty() { p { "Báo cáo chưa được gửi lần nào; chỉ có bản đang soạn." } }
        table.list {
            thead { tr { th { "Phiên bản" } th { "Gửi lúc" } th { "Người gửi" } th { "Kết quả" } th { "Tải về" } } }
            tbody {
                @for ver in &list {
                    tr id=(format!("ban-{}", ver.number)) {
                        td.num { (ver.number) }
                        td { (format_time(ver.submitted_at)) }
                        td { (ver.submitted_by) }
                        td { (ver.state.label()) @if let Some(d) = ver.decided_at { " (" (format_time(d)) ")" } }
                        td {
                            a href=(format!("/bao-cao/{id}/tai/docx?phien-ban={}", ver.number)) { "DOCX" } " · "
                            a href=(format!("/bao-cao/{id}/tai/json?phien-ban={}", ver.number)) { "JSON" }
                        }
                    }
                }
            }
        }
        form.compare method="get" action=(format!("/bao-cao/{id}/so-sanh")) {
            h2 { "So sánh hai phiên bản" }
            label for="cmp-a" { "Phiên bản" }
            select #cmp-a name="a" { @for ver in &list { option value=(ver.number) { (ver.number) } } option value="0" { "bản đang soạn" } }
            label for="cmp-b" { "với" }
            select #cmp-b name="b" { option value="0" { "bản đang soạn" } @for ver in list.iter().rev() { option value=(ver.number) { (ver.number) } } }
            button type="submit" { "So sánh" }
        }
    };
    Ok(page("Các phiên bản", Some(&v), body))
}

#[derive(Deserialize)]
struct CompareQuery {
    a: i64,
    b: i64,
}

/// GET /bao-cao/{id}/so-sanh?a=&b=
/// Two texts of an item with the changed words marked: deleted words in the old one (`del`),
/// inserted words in the new one (`ins`), the rest as it is (the `similar` crate's word diff).
fn word_diff(old: Option<&str>, new: Option<&str>) -> (Markup, Markup) {
    let (Some(a), Some(b)) = (old, new) else {
        let side = |x: Option<&str>| html! { (x.unwrap_or("(trống)")) };
        return (side(old), side(new));
    };
    let diff = similar::TextDiff::from_words(a, b);
    // Runs of the same kind together: one mark per changed phrase, not one per word.
    let mut ops: Vec<(similar::ChangeTag, String)> = Vec::new();
    for c in diff.iter_all_changes() {
        match ops.last_mut() {
            Some((tag, text)) if *tag == c.tag() => text.push_str(c.value()),
            _ => ops.push((c.tag(), c.value().to_string())),
        }
    }
    let side = |keep: similar::ChangeTag| {
        html! {
            @for (tag, text) in &ops {
                @if *tag == similar::ChangeTag::Equal { (text) }
                @else if *tag == keep {
                    @if keep == similar::ChangeTag::Delete { del { (text) } } @else { ins { (text) } }
                }
            }
        }
    };
    (
        side(similar::ChangeTag::Delete),
        side(similar::ChangeTag::Insert),
    )
}

async fn compare(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> AppResult<Response> {
    let l = ops::load(&app, &v, id).await?;
    let a = ops::version_report(&app, &l, q.a).await?;
    let b = ops::version_report(&app, &l, q.b).await?;
    let lines = ops::compare(&l.template, app.units, &a, &b);
    let name = |n: i64| {
        if n == 0 {
            "bản đang soạn".to_string()
        } else {
            format!("phiên bản {n}")
        }
    };
    let body = html! {
        h1 { "So sánh " (name(q.a)) " với " (name(q.b)) }
        p { a href=(format!("/bao-cao/{id}/phien-ban")) { "← Các phiên bản" } }
        @if lines.is_empty() { p { "Hai bản giống hệt nhau." } }
        table.list.diff {
            thead { tr { th { "Mục" } th { (name(q.a)) } th { (name(q.b)) } } }
            tbody { @for d in &lines {
                @let (old, new) = word_diff(d.old.as_deref(), d.new.as_deref());
                tr { td { (d.place) } td.old { (old) } td.new { (new) } }
            } }
        }
    };
    Ok(page("So sánh phiên bản", Some(&v), body))
}

/// Late: submitted after the deadline's last day, or not submitted and the deadline passed.
pub fn is_late(round: &store::Round, r: &ReportInfo) -> bool {
    is_late_by(&round.deadline, r)
}

/// [`is_late`] against a deadline (ISO date): a district's sheet has its province's.
pub fn is_late_by(deadline: &str, r: &ReportInfo) -> bool {
    let Ok(deadline) = vi::Date::parse_iso(deadline) else {
        return false;
    };
    let deadline = deadline.to_time();
    let day_of = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .map(|t| t.to_offset(time::macros::offset!(+7)).date())
            .ok()
    };
    match (r.state, r.submitted_at) {
        (RState::Submitted | RState::Accepted, Some(at)) => {
            day_of(at).is_some_and(|d| d > deadline)
        }
        (RState::Returned, _) | (RState::Draft, _) => crate::today() > deadline,
        _ => false,
    }
}

#[derive(Deserialize, Default)]
struct DashQuery {
    #[serde(default)]
    dot: Option<i64>,
    /// Sorting: "ma" (code, default), "hoan-thanh" (completeness), "gui" (sending status),
    /// "trang-thai" (workflow state).
    #[serde(default, rename = "sap-xep")]
    sort: Option<String>,
}

/// Where a report stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sending {
    OverdueNotSent,
    NotSent,
    Late,
    OnTime,
}

impl Sending {
    pub fn of(r: &ReportInfo, late: bool) -> Sending {
        match (
            matches!(r.state, RState::Submitted | RState::Accepted),
            late,
        ) {
            (true, false) => Sending::OnTime,
            (true, true) => Sending::Late,
            (false, true) => Sending::OverdueNotSent,
            (false, false) => Sending::NotSent,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sending::OverdueNotSent => "quá hạn chưa gửi",
            Sending::NotSent => "chưa gửi",
            Sending::Late => "gửi muộn",
            Sending::OnTime => "đã gửi đúng hạn",
        }
    }
}

/// The dashboard's figures, shared with the API.
pub async fn dashboard_data(
    app: &App,
    round: Option<i64>,
) -> AppResult<(store::Round, Vec<(ReportInfo, bool)>)> {
    let round = match round {
        Some(id) => app.round(id).await?,
        None => latest_round(app).await?,
    };
    let rows = app
        .store
        .reports(round.id, None)
        .await?
        .into_iter()
        .map(|r| {
            let late = is_late(&round, &r);
            (r, late)
        })
        .collect();
    Ok((round, rows))
}

/// GET /tong-quan: all 63 provinces.
async fn dashboard(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    access::require(access::sees_dashboard(&v.user))?;
    let (round, mut rows) = dashboard_data(&app, q.dot).await?;
    let rounds = app.store.rounds().await?;
    let infos: Vec<ReportInfo> = rows.iter().map(|(r, _)| r.clone()).collect();
    let progress = ops::progress(&app, &infos).await?;
    let pct_of = |id: i64| progress.get(&id).map(|p| p.percent()).unwrap_or(0.0);
    let sort = q.sort.clone().unwrap_or_default();
    match sort.as_str() {
        "hoan-thanh" => rows.sort_by(|(a, _), (b, _)| {
            pct_of(a.id)
                .partial_cmp(&pct_of(b.id))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.province.cmp(&b.province))
        }),
        "gui" => rows.sort_by(|(a, la), (b, lb)| {
            Sending::of(a, *la)
                .cmp(&Sending::of(b, *lb))
                .then_with(|| a.province.cmp(&b.province))
        }),
        "trang-thai" => rows.sort_by(|(a, _), (b, _)| {
            a.state
                .label()
                .cmp(b.state.label())
                .then_with(|| a.province.cmp(&b.province))
        }),
        _ => {}
    }
    let sort_link = |key: &str| format!("/tong-quan?dot={}&sap-xep={key}", round.id);
    // Each report's latest submitted version, and its signed PDF if one was verified.
    let mut latest: HashMap<i64, i64> = HashMap::new();
    for (report, number, _) in app.store.version_heads(round.id).await? {
        latest.insert(report, number);
    }
    let mut signed: HashMap<i64, store::SignedPdf> = HashMap::new();
    for s in app.store.signed_pdfs_of_round(round.id).await? {
        if latest.get(&s.report_id) == Some(&s.version) {
            signed.insert(s.report_id, s);
        }
    }
    let expected = rows.len();
    let submitted = rows
        .iter()
        .filter(|(r, _)| r.submitted_at.is_some())
        .count();
    let on_time = rows
        .iter()
        .filter(|(r, late)| {
            r.submitted_at.is_some()
                && !late
                && matches!(r.state, RState::Submitted | RState::Accepted)
        })
        .count();
    let by_state = |s: RState| rows.iter().filter(|(r, _)| r.state == s).count();
    let pct = |n: usize| {
        if expected == 0 {
            "0%".to_string()
        } else {
            vi::format_percent(n as f64 * 100.0 / expected as f64, 1)
        }
    };
    let body = html! {
        h1 { "Tổng hợp tình hình báo cáo của 63 tỉnh, thành phố" }
        form.inline method="get" action="/tong-quan" {
            label for="dot" { "Đợt báo cáo" }
            select #dot name="dot" { @for r in &rounds { option value=(r.id) selected[r.id == round.id] { (r.name) } } }
            button type="submit" { "Xem" }
        }
        p.meta { "Hạn nộp " (editor::date_shown(&round.deadline)) " · số liệu tính đến " (editor::date_shown(&round.cutoff)) }
        div.stats {
            div { strong { (submitted) "/" (expected) } span { "đã gửi (" (pct(submitted)) ")" } }
            div { strong { (on_time) } span { "gửi đúng hạn (" (pct(on_time)) ")" } }
            div { strong { (by_state(RState::Accepted)) } span { "đã tiếp nhận" } }
            div { strong { (by_state(RState::Returned)) } span { "bị trả lại" } }
            div { strong { (by_state(RState::Draft)) } span { "đang soạn" } }
        }
        table.list.dashboard {
            thead { tr {
                th { a href=(sort_link("ma")) { "Mã" } } th { "Tỉnh, thành phố" }
                th { a href=(sort_link("trang-thai")) { "Trạng thái" } }
                th { a href=(sort_link("hoan-thanh")) { "Hoàn thành" } }
                th { a href=(sort_link("gui")) { "Gửi so với hạn" } }
                th { "Gửi lúc" } th { "Cập nhật lần cuối" }
                th { "Lỗi (trong nội dung đã nhập)" } th { "Mục bắt buộc còn thiếu" } th { "Cảnh báo" } th { "Ký số" }
            } }
            tbody {
                @for (r, late) in &rows {
                    tr {
                        td { (r.province) }
                        td { a href=(format!("/bao-cao/{}", r.id)) { (province_name(&app, &r.province)) } }
                        td { span class=(format!("state {}", r.state.as_str())) { (r.state.label()) } }
                        @let p = progress.get(&r.id).copied().unwrap_or_default();
                        td.num.completeness { (vi::format_percent(p.percent(), 0)) " (" (p.filled) "/" (p.required) ")" }
                        @let sending = Sending::of(r, *late);
                        td.sending { @if matches!(sending, Sending::Late | Sending::OverdueNotSent) { span.late { (sending.label()) } } @else { (sending.label()) } }
                        td { @if let Some(s) = r.submitted_at { (format_time(s)) } }
                        td { (format_time(r.updated_at)) }
                        td.num.wrong { (p.wrong) }
                        td.num.missing { (p.missing) }
                        td.num { (r.warnings) }
                        td.signed { @if let Some(s) = signed.get(&r.id) { (crate::signed::signed_line(s)) } }
                    }
                }
            }
        }
    };
    Ok(page("Tổng hợp", Some(&v), body))
}

/// GET /quan-tri
/// GET /quan-tri/sao-luu: the whole database as a backup file (`baocao restore` reads it),
/// taken in one snapshot while the server runs. Administrator only; audited.
async fn backup(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    access::require(v.user.role == Role::Admin)?;
    let b = app.store.backup().await?;
    let bytes = crate::ops::blocking(move || serde_json::to_vec(&b))
        .await?
        .map_err(AppError::internal)?;
    app.store
        .audit_event(
            &v.user.username,
            "sao lưu",
            &format!("tải bản sao lưu ({} byte)", bytes.len()),
        )
        .await?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_string()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"baocao-sao-luu-{}.json\"",
                    store::now_ms() / 1000
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn admin(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    access::require(v.user.role == Role::Admin)?;
    let users = app.store.users().await?;
    let rounds = app.store.rounds().await?;
    let body = html! {
        h1 { "Quản trị" }
        p {
            a href="/quan-tri/nhat-ky" { "Xem nhật ký thay đổi" }
            " · "
            a href="/quan-tri/sao-luu" download { "Tải bản sao lưu toàn bộ dữ liệu" }
        }
        section {
            h2 { "Tài khoản" }
            table.list {
                thead { tr { th { "Tên đăng nhập" } th { "Họ tên" } th { "Vai trò" } th { "Tỉnh" } th { "Tình trạng" } th { "Thao tác" } } }
                tbody { @for u in &users {
                    tr {
                        td { (u.username) } td { (u.full_name) } td { (u.role.label()) }
                        td {
                            @if let Some(p) = &u.province { (province_name(&app, p)) }
                            @if let Some(d) = u.district.as_deref().and_then(|d| app.units.district(d)) { " – " (d.name) }
                        }
                        td { @if u.active { "đang dùng" } @else { "đã khóa" } }
                        td {
                            // Two actions, each confirmed: locking needs no password; a reset
                            // needs the new one (and unlocks).
                            form.inline method="post" action=(format!("/quan-tri/nguoi-dung/{}", u.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                input type="hidden" name="active" value=(if u.active { "0" } else { "1" });
                                @if u.active {
                                    button.small.danger type="submit" data-confirm=(format!("Khóa tài khoản {}? Mọi phiên đăng nhập của tài khoản kết thúc ngay.", u.username)) { "Khóa tài khoản" }
                                } @else {
                                    button.small type="submit" data-confirm=(format!("Mở khóa tài khoản {}?", u.username)) { "Mở khóa" }
                                }
                            }
                            form.inline method="post" action=(format!("/quan-tri/nguoi-dung/{}", u.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                input type="hidden" name="active" value="1";
                                input type="password" name="password" placeholder="mật khẩu mới" required minlength="8"
                                    aria-label=(format!("Mật khẩu mới cho {}", u.username)) autocomplete="new-password";
                                button.small type="submit" data-confirm=(format!("Đặt lại mật khẩu của {}? Mọi phiên đăng nhập của tài khoản kết thúc ngay.", u.username)) { "Đặt lại mật khẩu" }
                            }
                        }
                    }
                } }
            }
            h3 { "Thêm tài khoản" }
            form.grid-form method="post" action="/quan-tri/nguoi-dung" {
                input type="hidden" name="_csrf" value=(v.csrf);
                label for="nd-ten" { "Tên đăng nhập" } input #nd-ten type="text" name="username" required pattern="[a-z0-9._-]{3,40}";
                label for="nd-hoten" { "Họ tên" } input #nd-hoten type="text" name="full_name" required;
                label for="nd-vaitro" { "Vai trò" }
                select #nd-vaitro name="role" { @for r in Role::ALL { option value=(r.as_str()) { (r.label()) } } }
                label for="nd-tinh" { "Tỉnh (với cán bộ tỉnh)" }
                select #nd-tinh name="province" { option value="" { "—" } @for p in &app.units.provinces { option value=(p.code) { (p.name) } } }
                label for="nd-huyen" { "Đơn vị cấp huyện (với cán bộ huyện)" }
                select #nd-huyen name="district" {
                    option value="" { "—" }
                    @for d in &app.units.districts { option value=(d.code) { (d.name) " – " (province_name(&app, &d.province_code)) } }
                }
                label for="nd-mk" { "Mật khẩu (ít nhất 8 ký tự)" } input #nd-mk type="password" name="password" required minlength="8" autocomplete="new-password";
                button type="submit" { "Thêm tài khoản" }
            }
        }
        section {
            h2 { "Chữ ký số" }
            p { a href="/quan-tri/tin-cay" { "Chứng thư gốc tin cậy" } " – chữ ký số trên báo cáo được tin cậy khi dẫn tới một chứng thư gốc trong danh sách." }
        }
        section {
            h2 { "Đợt báo cáo" }
            table.list {
                thead { tr { th { "Tên" } th { "Đề cương" } th { "Số liệu đến" } th { "Hạn nộp" } th { "Chữ ký số" } } }
                tbody { @for r in &rounds {
                    tr {
                        td { (r.name) }
                        td { (app.templates.get(&r.template).map(|t| t.template.name.clone()).unwrap_or_else(|| r.template.clone())) }
                        td { (editor::date_shown(&r.cutoff)) }
                        td {
                            form.inline method="post" action=(format!("/quan-tri/dot/{}/han", r.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                input.date type="text" name="deadline" value=(editor::date_shown(&r.deadline)) aria-label="Hạn nộp";
                                button.small type="submit" { "Đổi hạn" }
                            }
                        }
                        td {
                            form.inline method="post" action=(format!("/quan-tri/dot/{}/ky-so", r.id)) {
                                input type="hidden" name="_csrf" value=(v.csrf);
                                @if r.require_signature {
                                    "Bắt buộc khi tiếp nhận "
                                    input type="hidden" name="yeu_cau" value="0";
                                    button.small type="submit" { "Bỏ yêu cầu" }
                                } @else {
                                    "Không bắt buộc "
                                    input type="hidden" name="yeu_cau" value="1";
                                    button.small type="submit" { "Yêu cầu chữ ký số" }
                                }
                            }
                        }
                    }
                } }
            }
            h3 { "Mở đợt báo cáo mới" }
            form.grid-form method="post" action="/quan-tri/dot" {
                input type="hidden" name="_csrf" value=(v.csrf);
                label for="dot-ten" { "Tên đợt" } input #dot-ten type="text" name="name" required;
                label for="dot-dc" { "Đề cương" }
                select #dot-dc name="template" { @for (id, t) in &app.templates { option value=(id) { (t.template.name) } } }
                label for="dot-han" { "Hạn nộp (ngày/tháng/năm)" } input #dot-han type="text" name="deadline" required;
                label for="dot-chot" { "Số liệu tính đến (ngày/tháng/năm)" } input #dot-chot type="text" name="cutoff" required;
                button type="submit" { "Mở đợt" }
            }
        }
    };
    Ok(page("Quản trị", Some(&v), body))
}

#[derive(Deserialize)]
struct NewUserForm {
    username: String,
    full_name: String,
    role: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    district: String,
    password: String,
}

/// Creates a user after checking the form; shared with the API.
#[allow(clippy::too_many_arguments)]
pub async fn create_user_checked(
    app: &App,
    v: &Viewer,
    username: &str,
    full_name: &str,
    role: &str,
    province: Option<&str>,
    district: Option<&str>,
    password: &str,
) -> AppResult<i64> {
    let username = username.trim().to_lowercase();
    let role: Role = role
        .parse()
        .map_err(|_| AppError::bad_request("Vai trò không hợp lệ."))?;
    let province = province.filter(|p| !p.is_empty());
    let district = district.filter(|d| !d.is_empty());
    // A district account belongs to a district of its province (the province follows from
    // the district when not given).
    let province = match (role.is_district(), district) {
        (true, None) => {
            return Err(AppError::bad_request(
                "Cán bộ huyện phải thuộc một đơn vị cấp huyện.",
            ))
        }
        (true, Some(d)) => {
            let found = app.units.district(d).ok_or_else(|| {
                AppError::bad_request("Mã đơn vị cấp huyện không có trong danh mục.")
            })?;
            if province.is_some_and(|p| p != found.province_code) {
                return Err(AppError::bad_request(format!(
                    "{} không thuộc tỉnh, thành phố đã chọn.",
                    found.name
                )));
            }
            Some(found.province_code.as_str())
        }
        (false, Some(_)) => {
            return Err(AppError::bad_request(
                "Chỉ cán bộ huyện mới gắn với một đơn vị cấp huyện.",
            ))
        }
        (false, None) => province,
    };
    // The administrator creates every account; a province's approver its districts' accounts.
    let allowed = v.user.role == Role::Admin
        || (role.is_district() && province.is_some_and(|p| access::manages_districts(&v.user, p)));
    access::require(allowed)?;
    if username.len() < 3
        || username.len() > 40
        || !username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(AppError::bad_request(
            "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.",
        ));
    }
    let in_province = role.is_provincial() || role.is_district();
    match (in_province, province) {
        (true, None) => return Err(AppError::bad_request("Cán bộ tỉnh phải thuộc một tỉnh.")),
        (true, Some(p)) if app.units.province(p).is_none() => {
            return Err(AppError::bad_request("Mã tỉnh không có trong danh mục."))
        }
        (false, Some(_)) => {
            return Err(AppError::bad_request(
                "Chỉ cán bộ tỉnh, huyện mới gắn với một tỉnh.",
            ))
        }
        _ => {}
    }
    if password.chars().count() < 8 {
        return Err(AppError::bad_request("Mật khẩu phải có ít nhất 8 ký tự."));
    }
    let full_name = vi::nfc(full_name.trim());
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::bad_request(
            "Họ tên không được để trống và không quá 200 ký tự.",
        ));
    }
    let pw = password.to_string();
    let hash = auth::hash_password_async(&pw).await?;
    Ok(app
        .store
        .create_user(
            &store::NewUser {
                username: &username,
                full_name: &full_name,
                role,
                province: if in_province { province } else { None },
                district: if role.is_district() { district } else { None },
                password_hash: &hash,
            },
            (&v.user).into(),
        )
        .await?)
}

/// POST /quan-tri/nguoi-dung
async fn create_user(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    create_user_checked(
        &app,
        &v,
        &f.username,
        &f.full_name,
        &f.role,
        Some(&f.province),
        Some(&f.district),
        &f.password,
    )
    .await?;
    Ok(Redirect::to("/quan-tri").into_response())
}

#[derive(Deserialize)]
struct UpdateUserForm {
    active: String,
    #[serde(default)]
    password: String,
}

/// POST /quan-tri/nguoi-dung/{id}
async fn update_user(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<UpdateUserForm>,
) -> AppResult<Response> {
    access::require(v.user.role == Role::Admin)?;
    if id == v.user.id && f.active == "0" {
        return Err(AppError::bad_request(
            "Không thể tự khóa tài khoản của mình.",
        ));
    }
    let hash = if f.password.is_empty() {
        None
    } else if f.password.chars().count() < 8 {
        return Err(AppError::bad_request("Mật khẩu phải có ít nhất 8 ký tự."));
    } else {
        let pw = f.password.clone();
        Some(auth::hash_password_async(&pw).await?)
    };
    // A new password alone (active stays) when one was typed.
    let active = if hash.is_some() {
        true
    } else {
        f.active == "1"
    };
    app.store
        .update_user(id, active, hash.as_deref(), (&v.user).into())
        .await?;
    Ok(Redirect::to("/quan-tri").into_response())
}

#[derive(Deserialize)]
struct RoundForm {
    name: String,
    template: String,
    deadline: String,
    cutoff: String,
}

pub(crate) fn iso_from_vi(s: &str, label: &str) -> AppResult<String> {
    // ISO-shaped text as ISO, else day/month/year: an impossible date gets the calendar's
    // message ("tháng 6 năm 2021 chỉ có 30 ngày"), not the ISO form's.
    vi::Date::parse(s.trim())
        .map(|d| d.iso())
        .map_err(|e| AppError::bad_request(format!("{label}: {e}")))
}

/// POST /quan-tri/dot
async fn create_round(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<RoundForm>,
) -> AppResult<Response> {
    access::require(v.user.role == Role::Admin)?;
    let deadline = iso_from_vi(&f.deadline, "Hạn nộp")?;
    let cutoff = iso_from_vi(&f.cutoff, "Ngày chốt số liệu")?;
    ops::create_round(
        &app,
        &f.name,
        &f.template,
        &deadline,
        &cutoff,
        (&v.user).into(),
    )
    .await?;
    Ok(Redirect::to("/quan-tri").into_response())
}

#[derive(Deserialize)]
struct DeadlineForm {
    deadline: String,
}

/// POST /quan-tri/dot/{id}/han
async fn set_deadline(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<DeadlineForm>,
) -> AppResult<Response> {
    access::require(v.user.role == Role::Admin)?;
    let deadline = iso_from_vi(&f.deadline, "Hạn nộp")?;
    app.set_deadline(id, &deadline, (&v.user).into()).await?;
    Ok(Redirect::to("/quan-tri").into_response())
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    trang: Option<i64>,
    #[serde(default, rename = "bao-cao")]
    report: Option<i64>,
}

/// GET /quan-tri/nhat-ky
async fn audit(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    access::require(v.user.role == Role::Admin)?;
    let page_no = q.trang.unwrap_or(1).max(1);
    let per = 100;
    let entries = app
        .store
        .audit_log(q.report, per, (page_no - 1) * per)
        .await?;
    // The template of each report, to name items and values for people.
    let mut templates: HashMap<i64, Arc<outline::Template>> = HashMap::new();
    for e in &entries {
        if let Some(r) = e.report_id {
            if let std::collections::hash_map::Entry::Vacant(slot) = templates.entry(r) {
                let row = app.store.report(r).await?;
                let round = app.round(row.info.round_id).await?;
                slot.insert(app.template(&round.template)?);
            }
        }
    }
    let shown = |e: &store::AuditEntry, value: Option<&str>| -> String {
        match (e.report_id.and_then(|r| templates.get(&r)), &e.item) {
            (Some(t), Some(item)) => ops::readable(t, app.units, item, value),
            _ => value.unwrap_or("").to_string(),
        }
    };
    let label = |e: &store::AuditEntry| -> String {
        match (e.report_id.and_then(|r| templates.get(&r)), &e.item) {
            (Some(t), Some(item)) => ops::item_label(t, item),
            (_, Some(item)) => item.clone(),
            _ => String::new(),
        }
    };
    let body = html! {
        h1 { "Nhật ký thay đổi" }
        p { a href="/quan-tri" { "← Quản trị" } }
        table.list.audit {
            thead { tr { th { "Thời điểm" } th { "Người thực hiện" } th { "Việc" } th { "Báo cáo" } th { "Mục" } th { "Giá trị cũ" } th { "Giá trị mới" } } }
            tbody { @for e in &entries {
                tr {
                    td { (format_time(e.at)) } td { (e.username) } td { (e.action) }
                    td { @if let Some(r) = e.report_id { a href=(format!("/bao-cao/{r}")) { (r) } } }
                    td { (label(e)) }
                    td.val { (clip(Some(&shown(e, e.old.as_deref())))) }
                    td.val { (clip(Some(&shown(e, e.new.as_deref())))) }
                }
            } }
        }
        p {
            @if page_no > 1 { a href=(format!("/quan-tri/nhat-ky?trang={}", page_no - 1)) { "← Trang trước" } " " }
            @if entries.len() as i64 == per { a href=(format!("/quan-tri/nhat-ky?trang={}", page_no + 1)) { "Trang sau →" } }
        }
    };
    Ok(page("Nhật ký thay đổi", Some(&v), body))
}

fn clip(s: Option<&str>) -> String {
    vi::shorten(s.unwrap_or(""), 300)
}
