//! A Word report into a report, on the report page (issue 11): the drafter uploads a DOCX (kept
//! with the report, downloadable by whoever may read it), reviews what the file gives for each
//! item beside what the report already has (nothing is overwritten without the drafter choosing
//! it), assigns the paragraphs that could not be placed to an item or sets them aside, and
//! accepts: one audited change through `ops::mutate_with`, with the usual revision check. Text
//! set aside stays listed on the report until someone assigns it to an item or dismisses it.
//!
//! The reading itself is the `import` crate's, run on a blocking thread. The review is made
//! again from the stored file when the drafter accepts (the import is deterministic), so that
//! nothing but the choices travels through the form.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use outline::{AnswerType, NodeKind, Template};
use report::{Instance, Report};
use serde_json::Value;
use store::{ReportInfo, SetAside, UploadInfo};

use crate::auth::Viewer;
use crate::{access, editor, format_time, ops, pages, App, AppError, AppResult};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/bao-cao/{id}/nhap-word", post(upload))
        .route("/bao-cao/{id}/nhap-word/{file}", get(review).post(accept))
        .route("/bao-cao/{id}/tep-word/{file}", get(download))
        .route("/bao-cao/{id}/de-rieng/{entry}", post(set_aside))
}

/// The audit action of accepting an import.
pub const ACTION: &str = "nhập từ tệp Word";

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What the file gives for one item (or one field of the particulars) and what the report has.
#[derive(Debug, Clone)]
pub struct FieldReview {
    /// The node id, or "document.<field>" for the particulars.
    pub key: String,
    pub place: String,
    pub imported: Value,
    pub current: Option<Value>,
    /// Values taken from sentences, to confirm ("cần xác nhận").
    pub confirm: Vec<String>,
    /// Where in the file ("đoạn 12, bảng 2").
    pub sources: String,
    /// Parts of the answer the file did not give.
    pub missing: Vec<String>,
}

impl FieldReview {
    /// Taken by default only where the report has nothing.
    pub fn default_take(&self) -> bool {
        self.current.is_none()
    }
    pub fn same(&self) -> bool {
        self.current.as_ref() == Some(&self.imported)
    }
}

/// What the file gives for one repeated block (its models) and what the report has.
#[derive(Debug, Clone)]
pub struct BlockReview {
    pub block: String,
    pub place: String,
    pub imported: Vec<Instance>,
    /// None: the report has not answered the block yet.
    pub current: Option<Vec<Instance>>,
    pub confirm: Vec<String>,
}

impl BlockReview {
    pub fn default_choice(&self) -> BlockChoice {
        match &self.current {
            Some(l) if !l.is_empty() => BlockChoice::Keep,
            _ => BlockChoice::Replace,
        }
    }
}

/// What to do with a repeated block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockChoice {
    /// Keep the report's models.
    Keep,
    /// The file's models instead of the report's.
    Replace,
    /// The file's models after the report's.
    Append,
}

/// The review of an import against the report.
#[derive(Debug, Clone)]
pub struct Review {
    pub fields: Vec<FieldReview>,
    pub blocks: Vec<BlockReview>,
    pub to_confirm: Vec<import::ToConfirm>,
    pub unplaced: Vec<import::Unplaced>,
    pub notes: Vec<String>,
    /// Items outside repeated blocks the file gave nothing for (the drafter fills them by hand).
    pub empty: Vec<String>,
}

/// The review of `imp` against the report `current`, in outline order.
pub fn review_of(t: &Template, current: &Report, imp: &import::Import) -> Review {
    let pl = &imp.placement;
    let order: BTreeMap<&str, usize> = t
        .node
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let confirm_of = |item: &str, instance: Option<&str>| -> Vec<String> {
        pl.to_confirm
            .iter()
            .filter(|c| c.item == item && (instance.is_none() || c.instance.as_deref() == instance))
            .map(|c| format!("{} ({})", c.what, c.source))
            .collect()
    };
    let mut fields = Vec::new();
    let doc_new = serde_json::to_value(&imp.report.document).unwrap_or_default();
    let doc_old = serde_json::to_value(&current.document).unwrap_or_default();
    if let Some(o) = doc_new.as_object() {
        for (k, v) in o {
            if report::validate::is_empty(v) {
                continue;
            }
            fields.push(FieldReview {
                key: format!("document.{k}"),
                place: format!("Thông tin văn bản – {}", editor::document_label(k)),
                imported: v.clone(),
                current: doc_old
                    .get(k)
                    .filter(|x| !report::validate::is_empty(x))
                    .cloned(),
                confirm: Vec::new(),
                sources: "phần đầu và phần cuối văn bản".to_string(),
                missing: Vec::new(),
            });
        }
    }
    let mut answers: Vec<(&String, &Value)> = imp.report.answers.iter().collect();
    answers.sort_by_key(|(k, _)| order.get(k.as_str()).copied().unwrap_or(usize::MAX));
    for (k, v) in answers {
        if report::validate::is_empty(v) {
            continue;
        }
        let placed = pl
            .items
            .iter()
            .find(|p| &p.item == k && p.instance.is_none());
        fields.push(FieldReview {
            key: k.clone(),
            place: named(
                t,
                k,
                placed
                    .map(|p| p.place.clone())
                    .unwrap_or_else(|| ops::item_label(t, k)),
            ),
            imported: v.clone(),
            current: current
                .answers
                .get(k)
                .filter(|x| !report::validate::is_empty(x))
                .cloned(),
            confirm: confirm_of(k, None),
            sources: placed
                .map(|p| {
                    p.sources
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            missing: placed.map(|p| p.missing.clone()).unwrap_or_default(),
        });
    }
    let entries = report::tree::resolve(t, &imp.report, report::tree::TreeOptions::default());
    let mut blocks: Vec<(&String, &Vec<Instance>)> = imp.report.blocks.iter().collect();
    blocks.sort_by_key(|(k, _)| order.get(k.as_str()).copied().unwrap_or(usize::MAX));
    let blocks = blocks
        .into_iter()
        .map(|(b, list)| BlockReview {
            block: b.clone(),
            place: entries
                .iter()
                .find(|e| &e.node.id == b)
                .map(|e| named(t, b, e.place()))
                .unwrap_or_else(|| ops::item_label(t, b)),
            imported: list.clone(),
            current: current.blocks.get(b).cloned(),
            confirm: pl
                .to_confirm
                .iter()
                .filter(|c| t.enclosing_repeat(&c.item).is_some_and(|n| &n.id == b))
                .map(|c| format!("{}: {} ({})", c.place, c.what, c.source))
                .collect(),
        })
        .collect();
    Review {
        fields,
        blocks,
        to_confirm: pl.to_confirm.clone(),
        unplaced: pl.unplaced.clone(),
        notes: pl.notes.clone(),
        empty: pl
            .items
            .iter()
            .filter(|p| p.empty && p.instance.is_none())
            .map(|p| named(t, &p.item, p.place.clone()))
            .collect(),
    }
}

/// A place with the item's words: numbered headings' places are their number alone ("A.I").
fn named(t: &Template, id: &str, place: String) -> String {
    if place.contains(' ') {
        place
    } else {
        format!("{place} – {}", ops::item_label(t, id))
    }
}

/// The drafter's choices on the review form: `f|ITEM` = "nhap" (take the file's) or "giu"
/// (keep the report's); `b|BLOCK` = "thay", "them" or "giu"; `u|N` = the item the N-th
/// unplaced paragraph goes to, or "" to set it aside.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub fields: BTreeMap<String, bool>,
    pub blocks: BTreeMap<String, BlockChoice>,
    pub assign: BTreeMap<usize, String>,
}

pub fn parse_choices(pairs: &[(String, String)]) -> Choices {
    let mut c = Choices::default();
    for (k, v) in pairs {
        if let Some(item) = k.strip_prefix("f|") {
            c.fields.insert(item.to_string(), v == "nhap");
        } else if let Some(block) = k.strip_prefix("b|") {
            let choice = match v.as_str() {
                "thay" => BlockChoice::Replace,
                "them" => BlockChoice::Append,
                _ => BlockChoice::Keep,
            };
            c.blocks.insert(block.to_string(), choice);
        } else if let Some(n) = k.strip_prefix("u|").and_then(|n| n.parse().ok()) {
            if !v.trim().is_empty() {
                c.assign.insert(n, v.trim().to_string());
            }
        }
    }
    c
}

/// The unplaced paragraphs not assigned to an item: (where in the file, text), kept with the
/// report.
pub fn set_aside_of(unplaced: &[import::Unplaced], c: &Choices) -> Vec<(String, String)> {
    unplaced
        .iter()
        .enumerate()
        .filter(|(n, _)| !c.assign.contains_key(n))
        .map(|(_, u)| (u.source.to_string(), u.text.clone()))
        .collect()
}

/// Applies the review to `r` as the drafter chose (absent choices: the defaults).
pub fn apply(t: &Template, r: &mut Report, review: &Review, c: &Choices) -> AppResult<()> {
    for f in &review.fields {
        let take = c
            .fields
            .get(&f.key)
            .copied()
            .unwrap_or_else(|| f.default_take());
        if !take || f.same() {
            continue;
        }
        if let Some(field) = f.key.strip_prefix("document.") {
            let mut doc = serde_json::to_value(&r.document).map_err(AppError::internal)?;
            if let Some(o) = doc.as_object_mut() {
                o.insert(field.to_string(), f.imported.clone());
            }
            let doc: report::Particulars =
                serde_json::from_value(doc).map_err(AppError::internal)?;
            r.document = ops::nfc_particulars(&doc);
        } else {
            ops::apply_changes(
                t,
                r,
                &[ops::Change {
                    instance: None,
                    item: f.key.clone(),
                    value: Some(f.imported.clone()),
                }],
            )?;
        }
    }
    for b in &review.blocks {
        let choice = c
            .blocks
            .get(&b.block)
            .copied()
            .unwrap_or_else(|| b.default_choice());
        if choice == BlockChoice::Keep {
            continue;
        }
        if choice == BlockChoice::Replace {
            r.blocks.insert(b.block.clone(), Vec::new());
        }
        for inst in &b.imported {
            let mut i = inst.clone();
            // Instance ids are unique in a report: the file's own ("m1"…) may be in use.
            i.id = ops::next_instance_id(r);
            i.name = i.name.map(|n| vi::nfc(&n));
            for v in i.answers.values_mut() {
                report::nfc_value(v);
            }
            r.blocks.entry(b.block.clone()).or_default().push(i);
        }
    }
    let targets = targets(t);
    for (n, item) in &c.assign {
        let u = review
            .unplaced
            .get(*n)
            .ok_or_else(|| AppError::bad_request("Đoạn văn được chọn không có trong tệp."))?;
        append_text(t, r, &targets, item, &u.text)?;
    }
    Ok(())
}

/// The items a paragraph can go to: the narrative items outside repeated blocks, by section
/// (section title, [(item, label)]).
pub fn targets(t: &Template) -> Vec<(String, Vec<(String, String)>)> {
    let sections = editor::sections(t);
    let empty = ops::empty_report(t, "");
    let entries = report::tree::resolve(t, &empty, report::tree::TreeOptions::default());
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for e in entries {
        let n = e.node;
        let narrative = n
            .answer
            .as_ref()
            .is_some_and(|a| a.kind == AnswerType::Narrative);
        if !narrative || e.instance.is_some() || t.enclosing_repeat(&n.id).is_some() {
            continue;
        }
        if n.kind == NodeKind::Repeat {
            continue;
        }
        let key = editor::section_of(t, &n.id);
        let title = sections
            .iter()
            .find(|s| s.key == key)
            .map(|s| {
                if s.number.is_empty() {
                    s.title.clone()
                } else {
                    format!("{}. {}", s.number, s.title)
                }
            })
            .unwrap_or_default();
        let label = named(t, &n.id, e.place());
        match out.last_mut() {
            Some((k, items)) if *k == title => items.push((n.id.clone(), label)),
            _ => out.push((title, vec![(n.id.clone(), label)])),
        }
    }
    out
}

/// Adds a paragraph at the end of a narrative item (a blank line before it).
fn append_text(
    t: &Template,
    r: &mut Report,
    targets: &[(String, Vec<(String, String)>)],
    item: &str,
    text: &str,
) -> AppResult<()> {
    if !targets
        .iter()
        .any(|(_, items)| items.iter().any(|(id, _)| id == item))
    {
        return Err(AppError::bad_request(
            "Mục được chọn không nhận được đoạn văn (hãy chọn một mục nội dung trong danh sách).",
        ));
    }
    let old = r
        .answers
        .get(item)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    let new = if old.is_empty() {
        text.to_string()
    } else {
        format!("{old}\n\n{text}")
    };
    ops::apply_changes(
        t,
        r,
        &[ops::Change {
            instance: None,
            item: item.to_string(),
            value: Some(Value::String(new)),
        }],
    )
}

/// 404 for another province's report, 409 when not editable, 403 for the other roles.
fn require_import(v: &Viewer, info: &ReportInfo) -> AppResult<()> {
    access::require_view(&v.user, info)?;
    if access::is_author(&v.user, info) && !info.state.editable() {
        return Err(AppError::conflict(format!(
            "Báo cáo đang ở trạng thái “{}”, không nhập được tệp Word.",
            info.state.label()
        )));
    }
    access::require(access::can_import(&v.user, info))
}

/// A file name as kept: its last part, NFC, without control characters, at most 200 characters.
fn clean_name(name: &str) -> String {
    clean_name_or(name, "tep-word.docx")
}

/// An uploaded file's name, safe to keep and show (no path, no control characters or quotes, NFC,
/// at most 200 characters); `default` when nothing is left.
pub(crate) fn clean_name_or(name: &str, default: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = vi::nfc(base)
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let s = s.trim().to_string();
    if s.is_empty() {
        default.to_string()
    } else {
        s
    }
}

/// The report page, showing `message` as refused (nothing changed).
async fn refused(app: &App, v: &Viewer, id: i64, e: AppError) -> Response {
    let kept = pages::Kept {
        message: e.message().to_string(),
        lines: Vec::new(),
    };
    match pages::editor_response(app, v, id, None, None, Some(kept)).await {
        Ok(mut r) => {
            *r.status_mut() = e.status();
            r
        }
        Err(_) => e.into_response(),
    }
}

fn sentence(s: &str) -> String {
    if s.ends_with('.') {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// POST /bao-cao/{id}/nhap-word (multipart: "_csrf", then "tep"): reads the file (refusing a bad
/// one with its message, nothing stored), keeps it with the report and opens the review.
async fn upload(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    match upload_inner(&app, &v, id, form).await {
        Ok(r) => r,
        Err(e) if e.status() == StatusCode::NOT_FOUND || e.status() == StatusCode::FORBIDDEN => {
            e.into_response()
        }
        Err(e) => refused(&app, &v, id, e).await,
    }
}

async fn upload_inner(
    app: &Arc<App>,
    v: &Viewer,
    id: i64,
    mut form: Multipart,
) -> AppResult<Response> {
    let info = app.store.report_info(id).await?;
    require_import(v, &info)?;
    let round = app.round(info.round_id).await?;
    let template = app.template(&round.template)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(AppError::bad_request(
                    "Không đọc được tệp gửi lên (có thể quá lớn: tối đa 16 MB).",
                ))
            }
        };
        if field.name() == Some("tep") {
            let name = clean_name(field.file_name().unwrap_or(""));
            let bytes = field.bytes().await.map_err(|_| {
                AppError::bad_request("Không đọc được tệp gửi lên (có thể quá lớn: tối đa 16 MB).")
            })?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::bad_request("Chưa chọn tệp Word (.docx) để nhập."))?;
    let province = info.province.clone();
    let (bytes, result) = ops::blocking(move || {
        let r = import::import(&bytes, &template, &province).map(|_| ());
        (bytes, r)
    })
    .await?;
    if let Err(e) = result {
        return Err(AppError::invalid(format!(
            "Không nhập được tệp “{name}”: {}",
            sentence(&e.to_string())
        )));
    }
    let file = app
        .store
        .add_upload(id, &name, &bytes, (&v.user).into())
        .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}/nhap-word/{file}")).into_response())
}

/// Imports a stored file again (the same bytes give the same result).
async fn run_import(
    t: Arc<Template>,
    province: String,
    bytes: Vec<u8>,
) -> AppResult<import::Import> {
    ops::blocking(move || import::import(&bytes, &t, &province))
        .await?
        .map_err(|e| AppError::invalid(sentence(&e.to_string())))
}

/// GET /bao-cao/{id}/nhap-word/{file}: the review.
async fn review(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    review_response(&app, &v, id, file, None).await
}

async fn review_response(
    app: &Arc<App>,
    v: &Viewer,
    id: i64,
    file: i64,
    error: Option<&str>,
) -> AppResult<Response> {
    let l = ops::load(app, v, id).await?;
    require_import(v, &l.info)?;
    let (up, bytes) = app.store.upload(id, file).await?;
    let province = pages::province_name(app, &l.info.province);
    let title = format!("Nhập từ tệp Word – {province}");
    if let Some(at) = up.applied_at {
        let body = html! {
            h1 { "Nhập từ tệp Word: " (up.filename) }
            @if let Some(e) = error { p.notice.error role="alert" { (e) } }
            p.notice.ok role="status" { "Tệp này đã được nhập vào báo cáo lúc " (format_time(at)) "." }
            p { a.button href=(format!("/bao-cao/{id}")) { "Về trang báo cáo" } }
        };
        return Ok(pages::page(&title, Some(v), body));
    }
    let imp = run_import(l.template.clone(), l.info.province.clone(), bytes).await?;
    let t = &l.template;
    let rv = ops::cpu(|| review_of(t, &l.report, &imp));
    let targets = targets(t);
    let readable = |key: &str, v: &Value| ops::readable(t, app.units, key, Some(&v.to_string()));
    let models = |list: &[Instance]| -> String {
        if list.is_empty() {
            return "Không có mô hình nào.".to_string();
        }
        list.iter()
            .map(|i| {
                t.catalogue_entry(&i.model)
                    .map(|e| e.name.clone())
                    .unwrap_or_else(|| format!("Mô hình khác: {}", i.name.as_deref().unwrap_or("")))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let body = html! {
        h1 { "Nhập từ tệp Word: " (up.filename) }
        p.meta {
            "Báo cáo của " (province) " · phiên bản lưu số " (l.info.revision)
            " · tệp tải lên lúc " (format_time(up.uploaded_at)) " bởi " (up.uploaded_by)
            " · " a href=(format!("/bao-cao/{id}/tep-word/{file}")) { "tải tệp về" }
        }
        @if let Some(e) = error { p.notice.error role="alert" { (e) } }
        p.notice.ok role="status" {
            "Báo cáo chưa thay đổi. Xem từng mục dưới đây: nội dung trong tệp, nội dung báo cáo đang có, "
            "và chọn giữ hay lấy. Mặc định chỉ lấy nội dung của tệp cho các mục báo cáo còn trống. "
            "Bấm “Nhập vào báo cáo” để ghi một lần."
        }
        @if !rv.notes.is_empty() {
            ul.import-notes { @for n in &rv.notes { li { "Lưu ý: " (n) } } }
        }
        form.import-review method="post" action=(format!("/bao-cao/{id}/nhap-word/{file}")) {
            input type="hidden" name="_csrf" value=(v.csrf);
            input type="hidden" name="revision" value=(l.info.revision);
            @if !rv.to_confirm.is_empty() {
                section.to-confirm {
                    h2 { "Cần xác nhận (" (rv.to_confirm.len()) ")" }
                    p.muted { "Các số liệu dưới đây được lấy từ câu văn, không phải từ bảng: hãy đối chiếu với tệp trước khi gửi." }
                    ul { @for c in &rv.to_confirm { li { strong { (c.place) } " (" (c.source) "): " (c.what) } } }
                }
            }
            section {
                h2 { "Nội dung theo mục của đề cương (" (rv.fields.len()) " mục)" }
                @if rv.fields.is_empty() { p.muted { "Tệp không có nội dung cho mục nào." } }
                @else {
                    table.list.import-items {
                        thead { tr { th { "Mục" } th { "Nội dung trong tệp" } th { "Báo cáo đang có" } th { "Chọn" } } }
                        tbody {
                            @for f in &rv.fields {
                                @let name = format!("f|{}", f.key);
                                tr data-item=(f.key) {
                                    td {
                                        (f.place)
                                        @if !f.confirm.is_empty() { " " span.badge.partial { "cần xác nhận" } }
                                        @if !f.sources.is_empty() { br; span.muted { "(" (f.sources) ")" } }
                                        @if !f.missing.is_empty() { br; span.muted { "Còn thiếu: " (f.missing.join("; ")) } }
                                    }
                                    td { div.import-text { (readable(&f.key, &f.imported)) } }
                                    td { @match &f.current { Some(c) => { div.import-text { (readable(&f.key, c)) } }, None => { span.muted { "(trống)" } } } }
                                    td.choices {
                                        @if f.same() { span.muted { "Giống nhau" } }
                                        @else {
                                            label.choice { input type="radio" name=(name) value="nhap" checked[f.default_take()]; " Lấy nội dung trong tệp" }
                                            label.choice { input type="radio" name=(name) value="giu" checked[!f.default_take()];
                                                @if f.current.is_some() { " Giữ nội dung đang có" } @else { " Để trống" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !rv.empty.is_empty() {
                details.import-empty {
                    summary { "Các mục tệp không có nội dung (" (rv.empty.len()) "): nhập tay sau" }
                    ul { @for e in &rv.empty { li { (e) } } }
                }
            }
            @if !rv.blocks.is_empty() {
                section {
                    h2 { "Các khối mô hình (" (rv.blocks.len()) ")" }
                    @for b in &rv.blocks {
                        @let name = format!("b|{}", b.block);
                        @let d = b.default_choice();
                        fieldset.instance data-block=(b.block) {
                            legend { (b.place) }
                            p { strong { "Trong tệp: " } (models(&b.imported)) }
                            p { strong { "Báo cáo đang có: " } @match &b.current { Some(c) => { (models(c)) }, None => { span.muted { "(chưa trả lời)" } } } }
                            @if !b.confirm.is_empty() {
                                p { span.badge.partial { "cần xác nhận" } }
                                ul { @for c in &b.confirm { li { (c) } } }
                            }
                            div.choices {
                                label.choice { input type="radio" name=(name) value="thay" checked[d == BlockChoice::Replace]; " Lấy các mô hình trong tệp (thay cho các mô hình đang có)" }
                                @if b.current.as_ref().is_some_and(|c| !c.is_empty()) {
                                    label.choice { input type="radio" name=(name) value="them" checked[d == BlockChoice::Append]; " Thêm các mô hình trong tệp sau các mô hình đang có" }
                                }
                                label.choice { input type="radio" name=(name) value="giu" checked[d == BlockChoice::Keep]; " Giữ như đang có" }
                            }
                        }
                    }
                }
            }
            section.unplaced {
                h2 { "Đoạn chưa xếp được vào mục nào (" (rv.unplaced.len()) ")" }
                @if rv.unplaced.is_empty() {
                    p.muted { "Mọi nội dung của tệp đã được đưa vào đề cương." }
                } @else {
                    p.muted { "Chọn mục để đưa đoạn vào (thêm vào cuối nội dung của mục), hoặc để riêng: đoạn để riêng được giữ trên trang báo cáo cho đến khi được xếp vào mục hoặc bỏ." }
                    ol {
                        @for (n, u) in rv.unplaced.iter().enumerate() {
                            li data-unplaced=(n) {
                                p { span.muted { (u.source) ": " } (u.text) }
                                label for=(format!("u-{n}")) { "Đưa vào mục" }
                                select id=(format!("u-{n}")) name=(format!("u|{n}")) {
                                    option value="" selected { "Để riêng (giữ trong danh sách chờ của báo cáo)" }
                                    (target_options(&targets))
                                }
                            }
                        }
                    }
                }
            }
            div.save-bar {
                button.primary type="submit" { "Nhập vào báo cáo" }
                a.button href=(format!("/bao-cao/{id}")) { "Quay lại, chưa nhập" }
            }
        }
    };
    Ok(pages::page(&title, Some(v), body))
}

fn target_options(targets: &[(String, Vec<(String, String)>)]) -> Markup {
    html! {
        @for (section, items) in targets {
            optgroup label=(section) {
                @for (id, label) in items { option value=(id) { (label) } }
            }
        }
    }
}

/// POST /bao-cao/{id}/nhap-word/{file}: applies the review as chosen, as one audited change.
async fn accept(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, file)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    match accept_inner(&app, &v, id, file, &pairs).await {
        Ok(r) => Ok(r),
        Err(e) if e.status() == StatusCode::NOT_FOUND || e.status() == StatusCode::FORBIDDEN => {
            Err(e)
        }
        Err(e) => {
            let message = match e.details().and_then(|x| x.get("current_revision")) {
                Some(current) => format!(
                    "Báo cáo đã được lưu ở nơi khác (phiên bản {current}) sau khi anh/chị mở màn \
                     hình xem lại; chưa có gì được nhập. Màn hình dưới đây đã cập nhật theo bản \
                     mới nhất: hãy xem lại các lựa chọn rồi bấm “Nhập vào báo cáo” lần nữa."
                ),
                None => sentence(e.message()),
            };
            let mut r = review_response(&app, &v, id, file, Some(&message)).await?;
            *r.status_mut() = e.status();
            Ok(r)
        }
    }
}

async fn accept_inner(
    app: &Arc<App>,
    v: &Viewer,
    id: i64,
    file: i64,
    pairs: &[(String, String)],
) -> AppResult<Response> {
    let base: i64 = pairs
        .iter()
        .find(|(k, _)| k == "revision")
        .and_then(|(_, x)| x.trim().parse().ok())
        .ok_or_else(|| {
            AppError::bad_request("Thiếu số phiên bản của báo cáo; hãy tải lại trang.")
        })?;
    let info = app.store.report_info(id).await?;
    require_import(v, &info)?;
    let (up, bytes) = app.store.upload(id, file).await?;
    if up.applied_at.is_some() {
        return Err(store::Error::AlreadyApplied.into());
    }
    let round = app.round(info.round_id).await?;
    let template = app.template(&round.template)?;
    let imp = run_import(template, info.province.clone(), bytes).await?;
    let choices = parse_choices(pairs);
    let aside = set_aside_of(&imp.placement.unplaced, &choices);
    let applied = store::UploadApplied {
        upload: file,
        set_aside: &aside,
    };
    ops::mutate_with(app, v, id, base, ACTION, Some(applied), |t, r| {
        let rv = review_of(t, r, &imp);
        apply(t, r, &rv, &choices)
    })
    .await?;
    Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-nhap-word")).into_response())
}

/// GET /bao-cao/{id}/tep-word/{file}: the uploaded file, for whoever may read the report.
async fn download(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let info = app.store.report_info(id).await?;
    if !access::can_download_upload(&v.user, &info) {
        return Err(AppError::not_found());
    }
    let (up, bytes) = app.store.upload(id, file).await?;
    let disposition = format!(
        "attachment; filename=\"tep-word-{file}.docx\"; filename*=UTF-8''{}",
        percent(&up.filename)
    );
    Ok((
        [
            (CONTENT_TYPE, DOCX_TYPE.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// RFC 5987 percent-encoding of a file name.
fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// POST /bao-cao/{id}/de-rieng/{entry} (form: "viec" = "xep" with "muc", or "bo"; "revision").
async fn set_aside(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((id, entry)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    match set_aside_inner(&app, &v, id, entry, &pairs).await {
        Ok(r) => r,
        Err(e) if e.status() == StatusCode::NOT_FOUND || e.status() == StatusCode::FORBIDDEN => {
            e.into_response()
        }
        Err(e) => refused(&app, &v, id, e).await,
    }
}

async fn set_aside_inner(
    app: &Arc<App>,
    v: &Viewer,
    id: i64,
    entry: i64,
    pairs: &[(String, String)],
) -> AppResult<Response> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    let info = app.store.report_info(id).await?;
    require_import(v, &info)?;
    let waiting = app.store.set_aside(id).await?;
    let e = waiting
        .iter()
        .find(|s| s.id == entry)
        .ok_or_else(AppError::not_found)?;
    match get("viec") {
        "xep" => {
            let item = get("muc").to_string();
            if item.is_empty() {
                return Err(AppError::bad_request("Hãy chọn mục để đưa đoạn văn vào."));
            }
            let base: i64 = get("revision").parse().map_err(|_| {
                AppError::bad_request("Thiếu số phiên bản của báo cáo; hãy tải lại trang.")
            })?;
            let body = e.body.clone();
            ops::mutate(
                app,
                v,
                id,
                base,
                "xếp đoạn để riêng vào mục",
                |t, r| append_text(t, r, &targets(t), &item, &body),
            )
            .await?;
            app.store
                .resolve_set_aside(id, entry, Some(&item), (&v.user).into())
                .await?;
            let round = app.round(info.round_id).await?;
            let t = app.template(&round.template)?;
            Ok(Redirect::to(&format!(
                "/bao-cao/{id}?muc={}&tb=da-xep",
                editor::section_of(&t, &item)
            ))
            .into_response())
        }
        "bo" => {
            app.store
                .resolve_set_aside(id, entry, None, (&v.user).into())
                .await?;
            Ok(Redirect::to(&format!("/bao-cao/{id}?tb=da-bo")).into_response())
        }
        _ => Err(AppError::bad_request(
            "Hãy chọn xếp đoạn vào mục hoặc bỏ đoạn.",
        )),
    }
}

/// The Word part of the report page: the upload form (editors), the files uploaded, and the
/// text set aside with its assign/dismiss forms.
pub fn report_panel(
    v: &Viewer,
    t: &Template,
    info: &ReportInfo,
    uploads: &[UploadInfo],
    aside: &[SetAside],
) -> Markup {
    let id = info.id;
    let editable = access::can_import(&v.user, info);
    if !editable && uploads.is_empty() && aside.is_empty() {
        return html! {};
    }
    let targets = if editable && !aside.is_empty() {
        targets(t)
    } else {
        Vec::new()
    };
    html! {
        section.word-import #nhap-word {
            @if !aside.is_empty() {
                div.set-aside {
                    h2 { "Nội dung từ tệp Word chưa xếp vào mục (" (aside.len()) ")" }
                    p.muted { "Các đoạn này được giữ lại cho đến khi được đưa vào một mục hoặc bỏ đi." }
                    ol {
                        @for s in aside {
                            li data-set-aside=(s.id) {
                                p.muted { "Tệp “" (s.filename) "”, " (s.source) ":" }
                                div.import-text { (s.body) }
                                @if editable {
                                    form.inline method="post" action=(format!("/bao-cao/{id}/de-rieng/{}", s.id)) {
                                        input type="hidden" name="_csrf" value=(v.csrf);
                                        input type="hidden" name="revision" value=(info.revision);
                                        label for=(format!("de-rieng-{}", s.id)) { "Đưa vào mục" }
                                        select id=(format!("de-rieng-{}", s.id)) name="muc" {
                                            option value="" { "— chọn mục —" }
                                            (target_options(&targets))
                                        }
                                        button type="submit" name="viec" value="xep" { "Đưa vào mục" }
                                        button.danger type="submit" name="viec" value="bo"
                                            data-confirm="Bỏ đoạn này khỏi danh sách? (Đoạn vẫn còn trong tệp đã tải lên.)" { "Bỏ đoạn này" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if editable {
                details.word-upload open[uploads.is_empty()] {
                    summary { "Nhập từ tệp Word" }
                    form method="post" enctype="multipart/form-data" action=(format!("/bao-cao/{id}/nhap-word")) {
                        // The token first: the server finds it before the file.
                        input type="hidden" name="_csrf" value=(v.csrf);
                        input type="file" name="tep" required aria-label="Tệp Word (.docx)"
                            accept=(format!(".docx,{DOCX_TYPE}"));
                        button type="submit" { "Tải lên và xem trước" }
                    }
                    p.muted { "Tệp .docx, tối đa 16 MB. Báo cáo chưa thay đổi cho đến khi anh/chị xem lại từng mục và bấm “Nhập vào báo cáo”; tệp được lưu kèm báo cáo." }
                }
            }
            @if !uploads.is_empty() {
                h3 { "Tệp Word đã tải lên" }
                ul.uploads {
                    @for u in uploads {
                        li {
                            a href=(format!("/bao-cao/{id}/tep-word/{}", u.id)) { (u.filename) }
                            " (" (vi::format_int((u.size + 1023) / 1024)) " KB, " (format_time(u.uploaded_at)) ", " (u.uploaded_by) ") – "
                            @match u.applied_at {
                                Some(at) => { "đã nhập lúc " (format_time(at)) }
                                None => {
                                    "chưa nhập"
                                    @if editable { " · " a href=(format!("/bao-cao/{id}/nhap-word/{}", u.id)) { "xem lại và nhập" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
