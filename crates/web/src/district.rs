//! The district level (phiếu cấp huyện): a district's users fill their sheet and send it to the
//! province; the province's users see their districts' sheets (state, deadline, completeness,
//! lateness), review them on the report page (comment, return, accept), set the districts'
//! deadline, manage their districts' accounts, and roll the accepted sheets into the province's
//! report (`ops::rollup_districts`, also run on every acceptance).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::html;
use serde::Deserialize;
use store::{ReportInfo, Role, State as RState};

use crate::auth::{self, Viewer};
use crate::pages::{self, page};
use crate::{access, editor, format_time, ops, App, AppError, AppResult};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/phieu", get(own_sheet))
        .route("/huyen", get(dashboard))
        .route("/huyen/han-nop", post(set_deadline))
        .route("/huyen/tong-hop", post(rollup))
        .route("/huyen/tai-khoan", post(create_account))
        .route("/huyen/tai-khoan/{id}", post(update_account))
}

#[derive(Deserialize, Default)]
struct Q {
    #[serde(default)]
    dot: Option<i64>,
    /// The administrator picks the province.
    #[serde(default)]
    tinh: Option<String>,
    #[serde(default)]
    tb: Option<String>,
}

async fn round_of(app: &App, id: Option<i64>) -> AppResult<store::Round> {
    match id {
        Some(id) => app.round(id).await,
        None => app
            .store
            .rounds()
            .await?
            .into_iter()
            .next()
            .ok_or_else(AppError::not_found),
    }
}

/// Opens (creating on first use) the sheet of `district` in a round, empty.
pub async fn ensure_sheet(
    app: &App,
    round: &store::Round,
    province: &str,
    district: &str,
) -> AppResult<i64> {
    let t = app.template(&round.template)?;
    let r = ops::empty_sheet(&t, province, district);
    let counts = ops::counts(&ops::problems(app, &t, &r, false));
    Ok(app
        .store
        .ensure_sheet(round.id, province, district, &r.to_json(), counts)
        .await?)
}

/// GET /phieu: a district user's own sheet of the latest round.
async fn own_sheet(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    let (Some(province), Some(district)) = (&v.user.province, &v.user.district) else {
        return Ok(Redirect::to("/").into_response());
    };
    access::require(access::writes_sheet(&v.user))?;
    let round = round_of(&app, None).await?;
    let id = ensure_sheet(&app, &round, province, district).await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}")).into_response())
}

/// The province a viewer looks at: their own, or for the administrator the one asked for.
fn province_of(app: &App, v: &Viewer, asked: Option<&str>) -> AppResult<String> {
    let code = access::districts_province(&v.user, asked).ok_or_else(AppError::forbidden)?;
    app.units
        .province(code)
        .map(|p| p.code.clone())
        .ok_or_else(AppError::not_found)
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "da-dat-han" => "Đã đặt hạn nộp của cấp huyện.",
        "da-tong-hop" => "Đã đưa số liệu các phiếu đã tiếp nhận vào báo cáo của tỉnh.",
        "da-tao" => "Đã tạo tài khoản.",
        "da-sua" => "Đã cập nhật tài khoản.",
        _ => return None,
    })
}

/// GET /huyen: the province's districts, their sheets and accounts.
async fn dashboard(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<Q>,
) -> AppResult<Response> {
    let province = province_of(&app, &v, q.tinh.as_deref())?;
    let round = round_of(&app, q.dot).await?;
    // Every district has its sheet from the first look on (an empty draft until it writes).
    let districts: Vec<&units::District> = app.units.districts_of(&province).collect();
    let mut sheets = app.store.sheets(round.id, &province).await?;
    if sheets.len() < districts.len() {
        for d in &districts {
            ensure_sheet(&app, &round, &province, &d.code).await?;
        }
        sheets = app.store.sheets(round.id, &province).await?;
    }
    let deadline = app.store.district_deadline(round.id, &province).await?;
    let shown_deadline = deadline.clone().unwrap_or_else(|| round.deadline.clone());
    let users: Vec<store::User> = app
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.role.is_district() && u.province.as_deref() == Some(province.as_str()))
        .collect();
    let manages = access::manages_districts(&v.user, &province);
    let rolls_up = access::is_province_user(&v.user, &province);
    let name = pages::province_name(&app, &province);
    let count = |s: RState| sheets.iter().filter(|r| r.state == s).count();
    let row = |r: &ReportInfo| {
        let d = r.district.as_deref().unwrap_or("");
        let dname = app
            .units
            .district(d)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| d.to_string());
        (dname, ops::sending::is_late_by(&shown_deadline, r))
    };
    let body = html! {
        h1 { "Phiếu cấp huyện – " (name) }
        @if let Some(f) = notice(q.tb.as_deref()) { p.notice.ok role="status" { (f) } }
        p.meta {
            (round.name) " · hạn nộp của tỉnh " (editor::date_shown(&round.deadline))
            " · hạn nộp của cấp huyện "
            @match &deadline {
                Some(d) => strong { (editor::date_shown(d)) },
                None => { "chưa đặt (dùng hạn của tỉnh)" },
            }
        }
        p {
            (sheets.len()) " đơn vị cấp huyện: "
            (count(RState::Accepted)) " đã tiếp nhận, "
            (count(RState::Submitted)) " đã gửi chờ xem xét, "
            (count(RState::Returned)) " bị trả lại, "
            (count(RState::Draft)) " đang soạn."
        }
        @if manages {
            form.inline method="post" action="/huyen/han-nop" {
                input type="hidden" name="_csrf" value=(v.csrf);
                input type="hidden" name="dot" value=(round.id);
                input type="hidden" name="tinh" value=(province);
                label for="han-huyen" { "Hạn nộp của cấp huyện (trước hạn của tỉnh)" }
                input #han-huyen type="text" name="han" placeholder="ngày/tháng/năm" required
                    value=(deadline.as_deref().map(editor::date_shown).unwrap_or_default());
                button type="submit" { "Đặt hạn" }
            }
        }
        @if rolls_up {
            form.inline method="post" action="/huyen/tong-hop" {
                input type="hidden" name="_csrf" value=(v.csrf);
                input type="hidden" name="dot" value=(round.id);
                button type="submit" data-confirm="Đưa dòng đơn vị, số liệu và văn bản của mọi phiếu đã tiếp nhận vào báo cáo của tỉnh? Số liệu tỉnh đã sửa được giữ nguyên." { "Tổng hợp phiếu đã tiếp nhận vào báo cáo của tỉnh" }
            }
        }
        table.list #district-sheets {
            thead { tr {
                th { "Đơn vị cấp huyện" } th { "Trạng thái" } th { "Hoàn thành" }
                th { "Cập nhật" } th { "Gửi lúc" }
            } }
            tbody {
                @for r in &sheets {
                    @let (dname, late) = row(r);
                    tr data-district=(r.district.as_deref().unwrap_or("")) {
                        td { a href=(format!("/bao-cao/{}", r.id)) { (dname) } }
                        td {
                            span class=(format!("state {}", r.state.as_str())) { (r.state.label()) }
                            @if late { " " span.late { "quá hạn" } }
                        }
                        td {
                            @if r.revision <= 1 && r.state == RState::Draft { "Chưa nhập" }
                            @else if r.errors == 0 { "Đủ, không có lỗi" }
                            @else { "Còn " (r.errors) " lỗi hoặc mục chưa nhập" }
                        }
                        td { (format_time(r.updated_at)) @if let Some(by) = &r.updated_by { " – " (by) } }
                        td { @if let Some(at) = r.submitted_at { (format_time(at)) } }
                    }
                }
            }
        }
        section #district-accounts {
            h2 { "Tài khoản cấp huyện" }
            @if users.is_empty() { p.muted { "Chưa có tài khoản cấp huyện nào." } }
            @else {
                table.list {
                    thead { tr { th { "Tên đăng nhập" } th { "Họ tên" } th { "Đơn vị" } th { "Vai trò" } th { "Trạng thái" } @if manages { th { "Sửa" } } } }
                    tbody {
                        @for u in &users {
                            tr {
                                td { (u.username) }
                                td { (u.full_name) }
                                td { (u.district.as_deref().and_then(|d| app.units.district(d)).map(|d| d.name.clone()).unwrap_or_default()) }
                                td { (u.role.label()) }
                                td { @if u.active { "đang dùng" } @else { "đã khóa" } }
                                @if manages {
                                    td {
                                        form.inline method="post" action=(format!("/huyen/tai-khoan/{}", u.id)) {
                                            input type="hidden" name="_csrf" value=(v.csrf);
                                            input type="hidden" name="tinh" value=(province);
                                            input type="hidden" name="active" value=(if u.active { "0" } else { "1" });
                                            button.small type="submit" { @if u.active { "Khóa" } @else { "Mở khóa" } }
                                        }
                                        form.inline method="post" action=(format!("/huyen/tai-khoan/{}", u.id)) {
                                            input type="hidden" name="_csrf" value=(v.csrf);
                                            input type="hidden" name="tinh" value=(province);
                                            input type="hidden" name="active" value="1";
                                            input type="password" name="password" placeholder="Mật khẩu mới" minlength="8" required
                                                aria-label=(format!("Mật khẩu mới cho {}", u.username));
                                            button.small type="submit" { "Đặt lại mật khẩu" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if manages {
                h3 { "Tạo tài khoản cấp huyện" }
                form.grid-form method="post" action="/huyen/tai-khoan" {
                    input type="hidden" name="_csrf" value=(v.csrf);
                    input type="hidden" name="tinh" value=(province);
                    label for="tk-ten" { "Tên đăng nhập" }
                    input #tk-ten name="username" required maxlength="40";
                    label for="tk-ho-ten" { "Họ tên" }
                    input #tk-ho-ten name="full_name" required maxlength="200";
                    label for="tk-huyen" { "Đơn vị cấp huyện" }
                    select #tk-huyen name="district" required {
                        @for d in &districts { option value=(d.code) { (d.name) } }
                    }
                    label for="tk-vai-tro" { "Vai trò" }
                    select #tk-vai-tro name="role" {
                        option value=(Role::DistrictDrafter.as_str()) { (Role::DistrictDrafter.label()) }
                        option value=(Role::DistrictApprover.as_str()) { (Role::DistrictApprover.label()) }
                    }
                    label for="tk-mat-khau" { "Mật khẩu (ít nhất 8 ký tự)" }
                    input #tk-mat-khau type="password" name="password" required minlength="8";
                    button type="submit" { "Tạo tài khoản" }
                }
            }
        }
    };
    Ok(page(&format!("Phiếu cấp huyện – {name}"), Some(&v), body))
}

#[derive(Deserialize)]
struct DeadlineForm {
    dot: i64,
    #[serde(default)]
    tinh: Option<String>,
    han: String,
}

/// POST /huyen/han-nop: the districts' deadline, not after the province's own.
async fn set_deadline(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<DeadlineForm>,
) -> AppResult<Response> {
    let province = province_of(&app, &v, f.tinh.as_deref())?;
    access::require(access::manages_districts(&v.user, &province))?;
    let round = app.round(f.dot).await?;
    let iso = pages::iso_from_vi(&f.han, "Hạn nộp của cấp huyện")?;
    let date = vi::Date::parse_iso(&iso).map_err(|e| AppError::bad_request(e.to_string()))?;
    if vi::Date::parse_iso(&round.deadline).is_ok_and(|own| date > own) {
        return Err(AppError::bad_request(format!(
            "Hạn nộp của cấp huyện ({}) phải trước hạn nộp của tỉnh ({}).",
            date.short_vi(),
            editor::date_shown(&round.deadline)
        )));
    }
    app.store
        .set_district_deadline(round.id, &province, &date.iso(), (&v.user).into())
        .await?;
    Ok(Redirect::to(&format!(
        "/huyen?dot={}&tinh={province}&tb=da-dat-han",
        round.id
    ))
    .into_response())
}

#[derive(Deserialize)]
struct RollupForm {
    dot: i64,
}

/// POST /huyen/tong-hop: rolls the accepted sheets into the province's report.
async fn rollup(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<RollupForm>,
) -> AppResult<Response> {
    let province = v.user.province.clone().unwrap_or_default();
    let done = ops::rollup_districts(&app, &v, f.dot, &province).await?;
    let _ = done;
    Ok(Redirect::to(&format!("/huyen?dot={}&tb=da-tong-hop", f.dot)).into_response())
}

#[derive(Deserialize)]
struct AccountForm {
    username: String,
    full_name: String,
    role: String,
    district: String,
    #[serde(default)]
    tinh: Option<String>,
    password: String,
}

/// POST /huyen/tai-khoan: a district account, by the province's approver (or the administrator).
async fn create_account(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<AccountForm>,
) -> AppResult<Response> {
    let province = province_of(&app, &v, f.tinh.as_deref())?;
    let role: Role = f
        .role
        .parse()
        .map_err(|_| AppError::bad_request("Vai trò không hợp lệ."))?;
    if !role.is_district() {
        return Err(AppError::bad_request("Ở đây chỉ tạo tài khoản cấp huyện."));
    }
    ops::accounts::create_user_checked(
        &app,
        &v,
        &f.username,
        &f.full_name,
        &f.role,
        Some(&province),
        Some(&f.district),
        &f.password,
    )
    .await?;
    Ok(Redirect::to(&format!("/huyen?tinh={province}&tb=da-tao")).into_response())
}

#[derive(Deserialize)]
struct UpdateForm {
    active: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tinh: Option<String>,
}

/// POST /huyen/tai-khoan/{id}: lock, unlock or reset the password of one of the province's
/// district accounts.
async fn update_account(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<UpdateForm>,
) -> AppResult<Response> {
    let province = province_of(&app, &v, f.tinh.as_deref())?;
    access::require(access::manages_districts(&v.user, &province))?;
    let target = app
        .store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .filter(|u| u.role.is_district() && u.province.as_deref() == Some(province.as_str()))
        .ok_or_else(AppError::not_found)?;
    let hash = if f.password.is_empty() {
        None
    } else if f.password.chars().count() < 8 {
        return Err(AppError::bad_request("Mật khẩu phải có ít nhất 8 ký tự."));
    } else {
        let pw = f.password.clone();
        Some(auth::hash_password_async(&pw).await?)
    };
    let active = hash.is_some() || f.active == "1";
    app.store
        .update_user(target.id, active, hash.as_deref(), (&v.user).into())
        .await?;
    Ok(Redirect::to(&format!("/huyen?tinh={province}&tb=da-sua")).into_response())
}
