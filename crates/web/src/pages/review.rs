//! Review on the report's page: comments and their states (open, answered, closed), the
//! reviewer's panel, returning and accepting.

#[allow(unused_imports)]
use super::*;

/// The comments of a report in every state, to the reviewer and the province: each with its
/// state (open, answered by the province, closed by the reviewer), the province's answer, whether
/// its item changed since the version it was made on, and the actions of each side.
pub(super) fn comments_section(
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
pub(super) struct AnswerForm {
    noi_dung: String,
}

/// POST /bao-cao/{id}/y-kien/{comment}/tra-loi: the province answers a comment.
pub(super) async fn answer_comment(
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
pub(super) async fn close_comment(
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

pub(super) fn review_panel(
    v: &Viewer,
    id: i64,
    l: &ops::Loaded,
    comments: &[store::Comment],
) -> Markup {
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

#[derive(Deserialize)]
pub(super) struct CommentForm {
    muc: String,
    noi_dung: String,
}

pub(super) fn comment_in(f: &CommentForm) -> CommentIn {
    let (item, inst) = f.muc.split_once('|').unwrap_or((f.muc.as_str(), ""));
    CommentIn {
        item: item.to_string(),
        instance: (!inst.is_empty()).then(|| inst.to_string()),
        body: f.noi_dung.clone(),
    }
}

/// POST /bao-cao/{id}/y-kien
pub(super) async fn comment(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    ops::add_comment(&app, &v, id, &comment_in(&f)).await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-gop-y")).into_response())
}

/// POST /bao-cao/{id}/tra-lai
pub(super) async fn return_report(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    ops::decide(&app, &v, id, false, &[]).await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-tra-lai")).into_response())
}

/// POST /bao-cao/{id}/tiep-nhan
pub(super) async fn accept(
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
