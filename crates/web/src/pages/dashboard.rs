//! The national dashboard: every province's report with its completeness, errors and sending
//! against the deadline, sortable.

#[allow(unused_imports)]
use super::*;

#[derive(Deserialize, Default)]
pub(super) struct DashQuery {
    #[serde(default)]
    dot: Option<i64>,
    /// Sorting: "ma" (code, default), "hoan-thanh" (completeness), "gui" (sending status),
    /// "trang-thai" (workflow state).
    #[serde(default, rename = "sap-xep")]
    sort: Option<String>,
}

/// GET /tong-quan: all 63 provinces.
pub(super) async fn dashboard(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    access::require(access::sees_dashboard(&v.user))?;
    let (round, mut rows) = ops::sending::dashboard_data(&app, q.dot).await?;
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
            ops::sending::Sending::of(a, *la)
                .cmp(&ops::sending::Sending::of(b, *lb))
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
                        @let sending = ops::sending::Sending::of(r, *late);
                        td.sending { @if matches!(sending, ops::sending::Sending::Late | ops::sending::Sending::OverdueNotSent) { span.late { (sending.label()) } } @else { (sending.label()) } }
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
