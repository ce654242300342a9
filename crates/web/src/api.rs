//! The JSON API (`/api/v1`), described in `openapi.json` (served at `/api/v1/openapi.json`).
//! It does everything the pages do, through the same `ops`; sign in with `POST /session`, then
//! send the session cookie and, on every change, the `X-CSRF-Token` header.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, Viewer};
use crate::ops::{self, Change, CommentIn, InstanceOp};
use crate::{access, App, AppError};

/// The OpenAPI description of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

type ApiResult = Result<Response, AppError>;

fn ok(v: Value) -> ApiResult {
    Ok(Json(v).into_response())
}

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(login).delete(logout))
        .route("/session/password", post(change_password))
        .route("/me", get(me))
        .route("/rounds", get(rounds).post(create_round))
        .route("/reports", get(reports))
        .route("/reports/{id}", get(report).patch(patch).put(put))
        .route("/reports/{id}/models", post(add_model))
        .route("/reports/{id}/models/{instance}", post(change_model))
        .route("/reports/{id}/submit", post(submit))
        .route("/reports/{id}/comments", get(comments).post(comment))
        .route("/reports/{id}/return", post(return_report))
        .route("/reports/{id}/accept", post(accept))
        .route("/reports/{id}/versions", get(versions))
        .route("/reports/{id}/versions/{n}", get(version))
        .route("/reports/{id}/compare", get(compare))
        .route("/reports/{id}/export/{format}", get(export))
        .route("/dashboard", get(dashboard))
        .route("/users", get(users).post(create_user))
        .route("/audit", get(audit))
        .fallback(|| async { AppError::not_found() })
}

async fn openapi() -> Response {
    ([(CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

async fn login(
    State(app): State<Arc<App>>,
    auth::ClientAddr(ip): auth::ClientAddr,
    headers: HeaderMap,
    Json(l): Json<Login>,
) -> ApiResult {
    let user = auth::authenticate(&app, &l.username, &l.password, ip).await?;
    let (cookie, csrf) = auth::open_session(&app, &user, &headers).await?;
    let mut r = Json(json!({ "csrf_token": csrf, "user": user })).into_response();
    r.headers_mut().append(SET_COOKIE, cookie);
    Ok(r)
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, v: Viewer) -> ApiResult {
    app.store
        .delete_session(&v.token)
        .await
        .map_err(AppError::from)?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().append(
        SET_COOKIE,
        auth::set_cookie(auth::SESSION_COOKIE, "", 0, auth::secure(&app, &headers)),
    );
    Ok(r)
}

#[derive(Deserialize)]
struct PasswordChange {
    current: String,
    new: String,
}

/// Changes the user's own password: every session of the user ends; this client gets a new
/// session (cookie) and CSRF token.
async fn change_password(
    State(app): State<Arc<App>>,
    auth::ClientAddr(ip): auth::ClientAddr,
    headers: HeaderMap,
    v: Viewer,
    Json(p): Json<PasswordChange>,
) -> ApiResult {
    let (cookie, csrf) =
        auth::change_own_password(&app, &v, &p.current, &p.new, ip, &headers).await?;
    let mut r = Json(json!({ "csrf_token": csrf })).into_response();
    r.headers_mut().append(SET_COOKIE, cookie);
    Ok(r)
}

async fn me(v: Viewer) -> ApiResult {
    ok(json!({ "user": v.user, "csrf_token": v.csrf }))
}

async fn rounds(State(app): State<Arc<App>>, _v: Viewer) -> ApiResult {
    ok(json!(app.store.rounds().await.map_err(AppError::from)?))
}

#[derive(Deserialize)]
struct NewRound {
    name: String,
    template: String,
    deadline: String,
    cutoff: String,
}

async fn create_round(
    State(app): State<Arc<App>>,
    v: Viewer,
    Json(n): Json<NewRound>,
) -> ApiResult {
    access::require_admin(&v.user)?;
    let id = ops::create_round(
        &app,
        &n.name,
        &n.template,
        &n.deadline,
        &n.cutoff,
        (&v.user).into(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

#[derive(Deserialize)]
struct RoundQuery {
    #[serde(default)]
    round: Option<i64>,
}

async fn reports(State(app): State<Arc<App>>, v: Viewer, Query(q): Query<RoundQuery>) -> ApiResult {
    let round = match q.round {
        Some(r) => r,
        None => app
            .store
            .rounds()
            .await
            .map_err(AppError::from)?
            .first()
            .map(|r| r.id)
            .ok_or_else(AppError::not_found)?,
    };
    let list = app
        .store
        .reports(round, None)
        .await
        .map_err(AppError::from)?;
    let visible: Vec<_> = list
        .into_iter()
        .filter(|r| access::can_view(&v.user, r))
        .collect();
    ok(json!(visible))
}

async fn report(State(app): State<Arc<App>>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let l = ops::load(&app, &v, id).await?;
    let problems = ops::problems(&app, &l.template, &l.report, false);
    ok(json!({
        "info": l.info,
        "report": l.report,
        "problems": problems,
        "editable": access::can_edit(&v.user, &l.info),
    }))
}

#[derive(Deserialize)]
struct Patch {
    revision: i64,
    #[serde(default)]
    changes: Vec<Change>,
    #[serde(default)]
    document: Option<report::Particulars>,
}

async fn patch(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Json(p): Json<Patch>,
) -> ApiResult {
    let saved = ops::mutate(&app, &v, id, p.revision, "sửa nội dung", |t, r| {
        ops::apply_changes(t, r, &p.changes)?;
        if let Some(d) = &p.document {
            r.document = ops::nfc_particulars(d);
        }
        Ok(())
    })
    .await?;
    ok(json!(saved))
}

#[derive(Deserialize)]
struct Put {
    revision: i64,
    report: Value,
}

async fn put(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Json(p): Json<Put>,
) -> ApiResult {
    let text = p.report.to_string();
    let saved = ops::mutate(
        &app,
        &v,
        id,
        p.revision,
        "nhập từ tệp JSON",
        |t, r| ops::replace(t, r, &text),
    )
    .await?;
    ok(json!(saved))
}

#[derive(Deserialize)]
struct AddModel {
    revision: i64,
    block: String,
    model: String,
    #[serde(default)]
    name: Option<String>,
}

async fn add_model(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Json(a): Json<AddModel>,
) -> ApiResult {
    let mut new = String::new();
    let saved = ops::mutate(&app, &v, id, a.revision, "thêm mô hình", |t, r| {
        new = ops::add_instance(t, r, &a.block, &a.model, a.name.as_deref())?;
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "instance": new, "saved": saved })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct ChangeModel {
    revision: i64,
    op: InstanceOp,
}

async fn change_model(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, instance)): Path<(i64, String)>,
    Json(c): Json<ChangeModel>,
) -> ApiResult {
    let action = if c.op == InstanceOp::Remove {
        "xóa mô hình"
    } else {
        "đổi thứ tự mô hình"
    };
    let saved = ops::mutate(&app, &v, id, c.revision, action, |_, r| {
        ops::change_instance(r, &instance, c.op)
    })
    .await?;
    ok(json!(saved))
}

#[derive(Deserialize)]
struct Revision {
    revision: i64,
}

async fn submit(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Json(r): Json<Revision>,
) -> ApiResult {
    let version = ops::submit(&app, &v, id, r.revision).await?;
    ok(json!({ "version": version }))
}

async fn comments(State(app): State<Arc<App>>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    ops::load(&app, &v, id).await?;
    ok(json!(app
        .store
        .comments(id)
        .await
        .map_err(AppError::from)?))
}

async fn comment(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Json(c): Json<CommentIn>,
) -> ApiResult {
    ops::add_comment(&app, &v, id, &c).await?;
    Ok(StatusCode::CREATED.into_response())
}

#[derive(Deserialize, Default)]
struct Decision {
    #[serde(default)]
    comments: Vec<CommentIn>,
}

async fn return_report(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    body: Option<Json<Decision>>,
) -> ApiResult {
    let d = body.map(|b| b.0).unwrap_or_default();
    ops::decide(&app, &v, id, false, &d.comments).await?;
    ok(json!({ "state": "returned" }))
}

async fn accept(State(app): State<Arc<App>>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let d = ops::decide(&app, &v, id, true, &[]).await?;
    ok(json!({ "state": "accepted", "decided": d }))
}

async fn versions(State(app): State<Arc<App>>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    ops::load(&app, &v, id).await?;
    ok(json!(app
        .store
        .versions(id)
        .await
        .map_err(AppError::from)?))
}

async fn version(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, n)): Path<(i64, i64)>,
) -> ApiResult {
    ops::load(&app, &v, id).await?;
    let list = app.store.versions(id).await.map_err(AppError::from)?;
    let ver = list
        .into_iter()
        .find(|x| x.number == n)
        .ok_or_else(AppError::not_found)?;
    let report: Value = serde_json::from_str(&ver.content).map_err(AppError::internal)?;
    ok(json!({ "version": ver, "report": report }))
}

#[derive(Deserialize)]
struct CompareQuery {
    a: i64,
    b: i64,
}

async fn compare(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> ApiResult {
    let l = ops::load(&app, &v, id).await?;
    let a = ops::version_report(&app, &l, q.a).await?;
    let b = ops::version_report(&app, &l, q.b).await?;
    ok(json!(ops::compare(&l.template, app.units, &a, &b)))
}

async fn export(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, format)): Path<(i64, String)>,
) -> ApiResult {
    let l = ops::load(&app, &v, id).await?;
    let province = l.info.province.clone();
    let (bytes, kind) = ops::export::export(&app, l.template, l.report, &format).await?;
    Ok((
        [
            (CONTENT_TYPE, kind.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{province}.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn dashboard(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<RoundQuery>,
) -> ApiResult {
    access::require(access::sees_dashboard(&v.user))?;
    let (round, rows) = ops::sending::dashboard_data(&app, q.round).await?;
    let expected = rows.len();
    let submitted = rows
        .iter()
        .filter(|(r, _)| r.submitted_at.is_some())
        .count();
    let on_time = rows
        .iter()
        .filter(|(r, late)| r.submitted_at.is_some() && !late)
        .count();
    let list: Vec<Value> = rows
        .iter()
        .map(|(r, late)| {
            let mut v = json!(r);
            if let Some(o) = v.as_object_mut() {
                o.insert("late".into(), json!(late));
                o.insert(
                    "province_name".into(),
                    json!(app.units.province(&r.province).map(|p| p.name.clone())),
                );
            }
            v
        })
        .collect();
    ok(json!({
        "round": round,
        "expected": expected,
        "submitted": submitted,
        "on_time": on_time,
        "reports": list,
    }))
}

async fn users(State(app): State<Arc<App>>, v: Viewer) -> ApiResult {
    access::require_admin(&v.user)?;
    ok(json!(app.store.users().await.map_err(AppError::from)?))
}

#[derive(Deserialize)]
struct NewUser {
    username: String,
    full_name: String,
    role: String,
    #[serde(default)]
    province: Option<String>,
    #[serde(default)]
    district: Option<String>,
    password: String,
}

async fn create_user(State(app): State<Arc<App>>, v: Viewer, Json(n): Json<NewUser>) -> ApiResult {
    let id = ops::accounts::create_user_checked(
        &app,
        &v,
        &n.username,
        &n.full_name,
        &n.role,
        n.province.as_deref(),
        n.district.as_deref(),
        &n.password,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    report: Option<i64>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
}

async fn audit(State(app): State<Arc<App>>, v: Viewer, Query(q): Query<AuditQuery>) -> ApiResult {
    access::require_admin(&v.user)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let entries = app
        .store
        .audit_log(q.report, limit, q.offset.unwrap_or(0).max(0))
        .await
        .map_err(AppError::from)?;
    ok(json!(entries))
}
