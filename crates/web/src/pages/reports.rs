//! The report's pages: the province's list, the editor of a section and its saves, uploads,
//! the preview and downloads, submission, versions and their comparison.

#[allow(unused_imports)]
use super::*;

/// GET /bao-cao: the province's reports, every round.
pub(super) async fn report_list(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    if access::writes_sheet(&v.user) {
        return Ok(Redirect::to("/phieu").into_response());
    }
    if !access::writes_report(&v.user) {
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
pub(super) struct EditorQuery {
    #[serde(default)]
    muc: Option<String>,
    #[serde(default)]
    tb: Option<String>,
}

pub(super) fn notice(code: Option<&str>) -> Option<&'static str> {
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
pub(super) async fn editor_page(
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
    let late = ops::sending::is_late_by(&deadline, &l.info);
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

pub(super) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get("accept")
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

#[derive(Deserialize)]
pub(super) struct SaveQuery {
    #[serde(default)]
    muc: Option<String>,
}

/// POST /bao-cao/{id}/luu: a section form (autosave posts the same form, asking for JSON).
pub(super) async fn save_form(
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
        (Err(e), true) => e.into_response(),
        (Err(e), false)
            if e.status() == StatusCode::CONFLICT || e.status() == StatusCode::BAD_REQUEST =>
        {
            // Keep what the user typed: show it beside the latest version.
            let lines = kept_lines(&app, &v, id, &pairs).await;
            let kept = Kept {
                message: e.message().to_string(),
                lines,
            };
            match editor_response(&app, &v, id, q.muc.as_deref(), None, Some(kept)).await {
                Ok(mut r) => {
                    *r.status_mut() = e.status();
                    r
                }
                Err(e2) => e2.into_response(),
            }
        }
        (Err(e), false) => e.into_response(),
    }
}

pub(super) async fn kept_lines(
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

pub(super) async fn save_pairs(
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
                    && e.details()
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
pub(super) async fn upload(
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
pub(super) async fn preview(
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
pub(super) struct DownloadQuery {
    #[serde(default, rename = "phien-ban")]
    version: Option<i64>,
}

/// GET /bao-cao/{id}/tai/{docx|pdf|json}; `?phien-ban=N` for a submitted version.
pub(super) async fn download(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, format)): Path<(i64, String)>,
    Query(q): Query<DownloadQuery>,
) -> AppResult<Response> {
    let l = ops::load(&app, &v, id).await?;
    let report = ops::version_report(&app, &l, q.version.unwrap_or(0)).await?;
    let (bytes, kind) = ops::export::export(&app, l.template.clone(), report, &format).await?;
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

#[derive(Deserialize)]
pub(super) struct RevisionForm {
    revision: i64,
}

/// The audit action of a drafter's request that the leader submit.
pub(super) const ASK_TO_SUBMIT: &str = "đề nghị lãnh đạo gửi";

/// POST /bao-cao/{id}/de-nghi-gui: a drafter asks the leader to submit (shown on the leader's
/// report page, which is their home page).
pub(super) async fn ask_to_submit(
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
pub(super) async fn submit(
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
            if e.status() == StatusCode::UNPROCESSABLE_ENTITY
                || e.status() == StatusCode::CONFLICT =>
        {
            let kept = Kept {
                message: e.message().to_string(),
                lines: Vec::new(),
            };
            let mut r = editor_response(&app, &v, id, None, None, Some(kept)).await?;
            *r.status_mut() = e.status();
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

/// GET /bao-cao/{id}/phien-ban
pub(super) async fn versions(
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
pub(super) struct CompareQuery {
    a: i64,
    b: i64,
}

/// GET /bao-cao/{id}/so-sanh?a=&b=
/// Two texts of an item with the changed words marked: deleted words in the old one (`del`),
/// inserted words in the new one (`ins`), the rest as it is (the `similar` crate's word diff).
pub(super) fn word_diff(old: Option<&str>, new: Option<&str>) -> (Markup, Markup) {
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

pub(super) async fn compare(
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
