//! The administrator's pages: accounts, rounds and deadlines, the audit log, backups.

#[allow(unused_imports)]
use super::*;

/// GET /quan-tri
/// GET /quan-tri/sao-luu: the whole database as a backup file (`baocao restore` reads it),
/// taken in one snapshot while the server runs. Administrator only; audited.
pub(super) async fn backup(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    access::require_admin(&v.user)?;
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

pub(super) async fn admin(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    access::require_admin(&v.user)?;
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
pub(super) struct NewUserForm {
    username: String,
    full_name: String,
    role: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    district: String,
    password: String,
}

/// POST /quan-tri/nguoi-dung
pub(super) async fn create_user(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    ops::accounts::create_user_checked(
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
pub(super) struct UpdateUserForm {
    active: String,
    #[serde(default)]
    password: String,
}

/// POST /quan-tri/nguoi-dung/{id}
pub(super) async fn update_user(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<UpdateUserForm>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
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
pub(super) struct RoundForm {
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
pub(super) async fn create_round(
    State(app): State<Arc<App>>,
    v: Viewer,
    Form(f): Form<RoundForm>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
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
pub(super) struct DeadlineForm {
    deadline: String,
}

/// POST /quan-tri/dot/{id}/han
pub(super) async fn set_deadline(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<DeadlineForm>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
    let deadline = iso_from_vi(&f.deadline, "Hạn nộp")?;
    app.set_deadline(id, &deadline, (&v.user).into()).await?;
    Ok(Redirect::to("/quan-tri").into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct AuditQuery {
    #[serde(default)]
    trang: Option<i64>,
    #[serde(default, rename = "bao-cao")]
    report: Option<i64>,
}

/// GET /quan-tri/nhat-ky
pub(super) async fn audit(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    access::require_admin(&v.user)?;
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

pub(super) fn clip(s: Option<&str>) -> String {
    vi::shorten(s.unwrap_or(""), 300)
}
