//! Outlines (đề cương) in the web app (issue 15), for the administrator and the BTCTW: upload
//! an outline (Word or text through `import::outline`, or a template's TOML) as a draft, see it
//! as the empty document and as the form, change each item in a form editor with every problem
//! `Template::check` finds shown next to its item, and publish it as a numbered version.
//!
//! A published version is immutable (a row of `outline_versions`); it is registered in
//! [`Templates`] under "id@number", the id a round keeps, so that a round opened with it and the
//! reports written against it keep that version. A version's differences with the previous
//! one are listed item by item ([`diff`]). Pages work without JavaScript.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use outline::{
    Answer, AnswerType, ChoiceOption, Column, ColumnType, DistrictFill, FigureRow, Level, Node,
    NodeKind, Problem, Severity, Template, WhenEmpty,
};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::{access, editor, format_time, ops, pages, App, AppError, AppResult};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/de-cuong", get(list))
        .route("/de-cuong/nhap", post(upload))
        .route("/de-cuong/{id}", get(draft_page))
        .route("/de-cuong/{id}/muc", post(save_node))
        .route("/de-cuong/{id}/thong-tin", post(save_meta))
        .route("/de-cuong/{id}/cong-bo", post(publish))
        .route("/de-cuong/{id}/xem", get(draft_preview))
        .route("/de-cuong/{id}/bieu-mau", get(draft_form))
        .route("/de-cuong/{id}/tai", get(draft_toml))
        .route("/de-cuong/phien-ban/{key}/{n}", get(version_page))
        .route("/de-cuong/phien-ban/{key}/{n}/xem", get(version_preview))
        .route("/de-cuong/phien-ban/{key}/{n}/bieu-mau", get(version_form))
        .route("/de-cuong/phien-ban/{key}/{n}/tai", get(version_toml))
        .route(
            "/de-cuong/phien-ban/{key}/{n}/nhap",
            post(draft_from_version),
        )
}

// ---------------------------------------------------------------------------------------------
// The registry of templates

/// The templates rounds can be opened with: the built-in ones and every published version
/// ("id@number"). Versions are added when published (and read from the database at start), never
/// changed or removed.
#[derive(Default)]
pub struct Templates(RwLock<BTreeMap<String, Arc<Template>>>);

impl Templates {
    /// The template rounds name `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Template>> {
        self.0.read().ok().and_then(|m| m.get(id).cloned())
    }

    /// Registers a template under `id` (a published version is never replaced).
    pub fn insert(&self, id: String, t: Arc<Template>) {
        if let Ok(mut m) = self.0.write() {
            m.entry(id).or_insert(t);
        }
    }

    /// Every template, by id.
    pub fn list(&self) -> Vec<(String, Arc<Template>)> {
        self.0
            .read()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }
}

impl IntoIterator for &Templates {
    type Item = (String, Arc<Template>);
    type IntoIter = std::vec::IntoIter<(String, Arc<Template>)>;
    fn into_iter(self) -> Self::IntoIter {
        self.list().into_iter()
    }
}

/// A published version as the template rounds use: its name says the version, so that the
/// round form tells versions apart.
fn published_template(v: &store::OutlineVersion) -> Option<Template> {
    let (t, problems) = Template::load(&v.toml, &v.round_id());
    let mut t = t?;
    if problems.iter().any(|p| p.severity == Severity::Error) {
        tracing::warn!(id = %v.round_id(), "phiên bản đề cương đã công bố có lỗi khi kiểm tra lại");
    }
    t.template.name = format!("{} (phiên bản {})", t.template.name, v.number);
    Some(t)
}

/// Registers every published version (at start).
pub async fn load_published(
    store: &store::Store,
    templates: &Templates,
) -> Result<(), crate::Error> {
    for v in store.outline_versions().await? {
        match published_template(&v) {
            Some(t) => templates.insert(v.round_id(), Arc::new(t)),
            None => tracing::error!(id = %v.round_id(), "không đọc được phiên bản đề cương"),
        }
    }
    Ok(())
}

/// Registers the published version `id` ("key@n") if another server process published it after
/// this one started.
pub async fn ensure_loaded(app: &App, id: &str) -> AppResult<()> {
    if app.templates.get(id).is_some() {
        return Ok(());
    }
    let Some((key, n)) = id.rsplit_once('@') else {
        return Ok(());
    };
    let Ok(n) = n.parse::<i64>() else {
        return Ok(());
    };
    match app.store.outline_version(key, n).await {
        Ok(v) => {
            if let Some(t) = published_template(&v) {
                app.templates.insert(v.round_id(), Arc::new(t));
            }
            Ok(())
        }
        Err(store::Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and checking

/// The most bytes of an uploaded outline.
const MAX_UPLOAD: usize = 16 * 1024 * 1024;

/// An uploaded file read as an outline: its TOML and the importer's notes.
fn read_upload(name: &str, bytes: &[u8]) -> Result<(String, Vec<String>), String> {
    let toml_name = name.to_lowercase().ends_with(".toml");
    let text = std::str::from_utf8(bytes).ok();
    let looks_toml =
        text.is_some_and(|t| t.lines().any(|l| l.trim() == "[template]") && t.contains("format"));
    if toml_name || looks_toml {
        let Some(text) = text else {
            return Err(format!(
                "Tệp “{name}” không phải văn bản mã UTF-8 nên không đọc được như đề cương TOML."
            ));
        };
        let text = vi::nfc(text);
        let (t, problems) = Template::load(&text, name);
        return match t {
            Some(_) => Ok((text, Vec::new())),
            None => Err(format!(
                "Không đọc được đề cương TOML “{name}”: {}",
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.place, p.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        };
    }
    match import::outline::import_outline(bytes) {
        Ok(imp) => Ok((imp.toml, imp.notes.iter().map(|n| n.to_string()).collect())),
        Err(e) => Err(format!("Không nhập được đề cương “{name}”: {e}.")),
    }
}

/// What `Template::check` finds, and what publishing needs besides: an id a round can name.
fn problems(t: &Template) -> Vec<Problem> {
    let mut out = t.check();
    let id = &t.template.id;
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !ok {
        out.push(Problem {
            severity: Severity::Error,
            place: "template.id".into(),
            message: "mã đề cương chỉ gồm chữ thường không dấu, số, dấu chấm và gạch ngang \
                      (ví dụ tinh-gian-bien-che-2024)"
                .into(),
        });
    }
    if outline::BUILTIN.contains(&id.as_str()) {
        out.push(Problem {
            severity: Severity::Error,
            place: "template.id".into(),
            message: format!("mã “{id}” là của đề cương có sẵn trong hệ thống; hãy đặt mã khác"),
        });
    }
    out
}

fn errors(p: &[Problem]) -> usize {
    p.iter().filter(|p| p.severity == Severity::Error).count()
}

/// The template of a TOML kept by this module (it was loadable when kept).
fn parse(text: &str, origin: &str) -> AppResult<Template> {
    Template::load(text, origin)
        .0
        .ok_or_else(|| AppError::internal(format!("đề cương {origin} không đọc được")))
}

/// A template as TOML.
fn to_toml(t: &Template) -> AppResult<String> {
    let body = toml::to_string(t).map_err(AppError::internal)?;
    Ok(format!(
        "# Đề cương soạn trên trang “Đề cương” của hệ thống (docs/template-format.md).\n{body}"
    ))
}

fn require(v: &Viewer) -> AppResult<()> {
    access::require(access::manages_outlines(&v.user))
}

async fn load_draft(app: &App, id: i64) -> AppResult<(store::OutlineDraft, Template)> {
    let d = app.store.outline_draft(id).await?;
    let t = ops::cpu(|| parse(&d.toml, &d.filename))?;
    Ok((d, t))
}

async fn load_version(
    app: &App,
    key: &str,
    n: i64,
) -> AppResult<(store::OutlineVersion, Template)> {
    let v = app.store.outline_version(key, n).await?;
    let t = ops::cpu(|| parse(&v.toml, &v.round_id()))?;
    Ok((v, t))
}

// ---------------------------------------------------------------------------------------------
// Words

fn kind_label(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Heading => "Đề mục",
        NodeKind::Item => "Mục hỏi",
        NodeKind::Hint => "Hướng dẫn",
        NodeKind::Text => "Đoạn cố định",
        NodeKind::Repeat => "Khối lặp",
        NodeKind::Computed => "Số tự tính",
    }
}

const TYPES: &[(AnswerType, &str, &str)] = &[
    (AnswerType::Narrative, "narrative", "Đoạn văn"),
    (AnswerType::Text, "text", "Một dòng chữ"),
    (AnswerType::Integer, "integer", "Số nguyên"),
    (AnswerType::Date, "date", "Ngày tháng"),
    (AnswerType::Choice, "choice", "Chọn một"),
    (AnswerType::Multichoice, "multichoice", "Chọn nhiều"),
    (AnswerType::Docrefs, "docrefs", "Danh sách văn bản"),
    (AnswerType::Records, "records", "Bảng danh sách"),
    (AnswerType::Figures, "figures", "Bảng số liệu trước, sau"),
];

fn type_label(a: Option<&Answer>) -> &'static str {
    match a {
        None => "không có câu trả lời",
        Some(a) => TYPES
            .iter()
            .find(|(k, _, _)| *k == a.kind)
            .map_or("", |x| x.2),
    }
}

const DISTRICT: &[(DistrictFill, &str, &str)] = &[
    (DistrictFill::Row, "row", "dòng của huyện trong bảng đơn vị"),
    (DistrictFill::Sum, "sum", "số liệu của huyện, tỉnh cộng lại"),
    (
        DistrictFill::Union,
        "union",
        "văn bản hoặc nội dung của huyện, tỉnh gộp lại",
    ),
    (
        DistrictFill::Material,
        "material",
        "tư liệu của huyện cho tỉnh tham khảo",
    ),
];

fn district_label(d: Option<DistrictFill>) -> &'static str {
    match d {
        None => "không (tỉnh tự trả lời)",
        Some(d) => DISTRICT
            .iter()
            .find(|(k, _, _)| *k == d)
            .map_or("", |x| x.2),
    }
}

const COLUMN_TYPES: &[(ColumnType, &str)] = &[
    (ColumnType::Text, "chữ"),
    (ColumnType::Integer, "số"),
    (ColumnType::Date, "ngày"),
    (ColumnType::Unit, "đơn vị cấp huyện"),
    (ColumnType::Choice, "lựa chọn"),
];

fn column_type_label(k: ColumnType) -> &'static str {
    COLUMN_TYPES
        .iter()
        .find(|(c, _)| *c == k)
        .map_or("chữ", |x| x.1)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "có"
    } else {
        "không"
    }
}

/// A node's text for lists and legends: anchors dropped, placeholders said in words.
fn short(s: &str) -> String {
    let mut t = String::new();
    for piece in outline::split_anchors(s) {
        if let outline::TextPiece::Text(x) = piece {
            t.push_str(x);
        }
    }
    let t = t
        .replace("{model}", "…")
        .replace("{committee}", "[tỉnh ủy, thành ủy]")
        .replace("{province}", "[tỉnh, thành phố]")
        .replace("{cutoff}", "[ngày chốt số liệu]");
    vi::shorten(&t, 90)
}

/// Where a problem is, in words (a node's problems are shown beside it).
fn place_label(place: &str) -> String {
    let (head, rest) = place.split_once([' ', '.']).unwrap_or((place, ""));
    match (head, rest) {
        ("template", "id") => "Mã đề cương".to_string(),
        ("template", "cutoff") => "Ngày chốt số liệu".to_string(),
        ("template", "earliest") => "Ngày sớm nhất".to_string(),
        ("template", "profile") => "Bố cục".to_string(),
        ("template", "unit_level") => "Cấp đơn vị báo cáo".to_string(),
        ("template", _) => "Thông tin chung".to_string(),
        ("format", _) => "Định dạng tệp".to_string(),
        ("catalogue", code) => format!("Danh mục mô hình, mã {code}"),
        ("levels", key) => format!("Cấp của khối lặp “{key}”"),
        ("footnote", id) => format!("Chú thích {id}"),
        ("rule", id) => format!("Quy tắc kiểm tra {id}"),
        _ => format!("“{place}”"),
    }
}

/// The number path of every node in the empty document ("B.I.1"), first occurrence.
fn numbers(t: &Template) -> HashMap<String, String> {
    let empty = ops::empty_report(t, "");
    let mut out = HashMap::new();
    for e in report::tree::resolve(t, &empty, Default::default()) {
        out.entry(e.node.id.clone()).or_insert(e.path);
    }
    out
}

fn depth(t: &Template, id: &str) -> usize {
    t.ancestry(id).count().saturating_sub(1)
}

/// A key made from a label: folded, lower case, words joined by "-".
fn slug(label: &str) -> String {
    let folded = vi::fold(label).to_lowercase();
    let mut out = String::new();
    for w in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
        if out.len() > 40 {
            break;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Differences, item by item

/// One item's difference between two outlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// "Thông tin chung", or the item's number and first words.
    pub place: String,
    /// The item's id, when it is one.
    pub node: Option<String>,
    /// What changed, in words ("Loại câu trả lời: Đoạn văn → Chọn một").
    pub changes: Vec<String>,
}

fn quoted(s: &str) -> String {
    if s.is_empty() {
        "(trống)".to_string()
    } else {
        format!("“{}”", short(s))
    }
}

fn option_list(a: Option<&Answer>) -> String {
    a.map(|a| {
        a.option
            .iter()
            .map(|o| o.label.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    })
    .unwrap_or_default()
}

fn column_list(a: Option<&Answer>) -> String {
    a.map(|a| {
        a.column
            .iter()
            .map(|c| format!("{} ({})", c.label, column_type_label(c.kind)))
            .collect::<Vec<_>>()
            .join("; ")
    })
    .unwrap_or_default()
}

fn row_list(a: Option<&Answer>) -> String {
    a.map(|a| {
        a.row
            .iter()
            .map(|r| r.label.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    })
    .unwrap_or_default()
}

/// What changed in one node, in words.
fn node_changes(old: &Node, new: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |label: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{label}: {a} → {b}"));
        }
    };
    field(
        "Loại mục",
        kind_label(old.kind).into(),
        kind_label(new.kind).into(),
    );
    field("Tiêu đề", quoted(&old.text), quoted(&new.text));
    field(
        "Hướng dẫn",
        quoted(old.hint.as_deref().unwrap_or("")),
        quoted(new.hint.as_deref().unwrap_or("")),
    );
    field(
        "Mục cha",
        old.parent.clone().unwrap_or_else(|| "(gốc)".into()),
        new.parent.clone().unwrap_or_else(|| "(gốc)".into()),
    );
    field(
        "Loại câu trả lời",
        type_label(old.answer.as_ref()).into(),
        type_label(new.answer.as_ref()).into(),
    );
    field(
        "Bắt buộc",
        yes_no(old.answer.as_ref().is_some_and(|a| a.required)).into(),
        yes_no(new.answer.as_ref().is_some_and(|a| a.required)).into(),
    );
    field(
        "Các lựa chọn",
        quoted(&option_list(old.answer.as_ref())),
        quoted(&option_list(new.answer.as_ref())),
    );
    field(
        "Các cột",
        quoted(&column_list(old.answer.as_ref())),
        quoted(&column_list(new.answer.as_ref())),
    );
    field(
        "Các dòng số liệu",
        quoted(&row_list(old.answer.as_ref())),
        quoted(&row_list(new.answer.as_ref())),
    );
    field(
        "Phiếu cấp huyện",
        district_label(old.district).into(),
        district_label(new.district).into(),
    );
    field(
        "Nhóm và cấp của khối lặp",
        format!(
            "{} / {}",
            old.family.as_deref().unwrap_or("–"),
            old.level.as_deref().unwrap_or("–")
        ),
        format!(
            "{} / {}",
            new.family.as_deref().unwrap_or("–"),
            new.level.as_deref().unwrap_or("–")
        ),
    );
    if out.is_empty() && old != new {
        out.push("Thay đổi khác (đánh số, điều kiện hiện, vai trò tổng hợp…)".into());
    }
    out
}

/// The differences of `new` with `old`, item by item: the particulars, then every item added,
/// changed or removed, in `new`'s order (removed items where they stood in `old`, at the end).
pub fn diff(old: &Template, new: &Template) -> Vec<Difference> {
    let mut out = Vec::new();
    let (a, b) = (&old.template, &new.template);
    let mut general = Vec::new();
    for (label, x, y) in [
        ("Tên", &a.name, &b.name),
        ("Trích yếu", &a.subject, &b.subject),
        ("Ngày chốt số liệu", &a.cutoff, &b.cutoff),
        ("Loại văn bản", &a.kind, &b.kind),
    ] {
        if x != y {
            general.push(format!("{label}: {} → {}", quoted(x), quoted(y)));
        }
    }
    if old.footnote != new.footnote {
        general.push(format!(
            "Chú thích: {} → {}",
            old.footnote.len(),
            new.footnote.len()
        ));
    }
    if old.catalogue != new.catalogue {
        general.push(format!(
            "Danh mục mô hình: {} → {} mục",
            old.catalogue.len(),
            new.catalogue.len()
        ));
    }
    if old.rule != new.rule {
        general.push(format!(
            "Quy tắc kiểm tra: {} → {}",
            old.rule.len(),
            new.rule.len()
        ));
    }
    if !general.is_empty() {
        out.push(Difference {
            place: "Thông tin chung".into(),
            node: None,
            changes: general,
        });
    }
    let numbers = numbers(new);
    let old_numbers = numbers_of_old(old);
    let place = |nums: &HashMap<String, String>, n: &Node| {
        let num = nums.get(&n.id).cloned().unwrap_or_default();
        format!(
            "{num} {} “{}”",
            kind_label(n.kind).to_lowercase(),
            short(&n.text)
        )
        .trim()
        .to_string()
    };
    for n in &new.node {
        match old.node(&n.id) {
            None => out.push(Difference {
                place: place(&numbers, n),
                node: Some(n.id.clone()),
                changes: vec![format!(
                    "Thêm mới ({}, câu trả lời: {})",
                    kind_label(n.kind).to_lowercase(),
                    type_label(n.answer.as_ref())
                )],
            }),
            Some(o) => {
                let changes = node_changes(o, n);
                if !changes.is_empty() {
                    out.push(Difference {
                        place: place(&numbers, n),
                        node: Some(n.id.clone()),
                        changes,
                    });
                }
            }
        }
    }
    for o in &old.node {
        if new.node(&o.id).is_none() {
            out.push(Difference {
                place: place(&old_numbers, o),
                node: Some(o.id.clone()),
                changes: vec!["Bỏ khỏi đề cương".into()],
            });
        }
    }
    out
}

fn numbers_of_old(t: &Template) -> HashMap<String, String> {
    numbers(t)
}

fn render_diff(d: &[Difference], against: &str) -> Markup {
    html! {
        @if d.is_empty() {
            p { "Không có thay đổi nào so với " (against) "." }
        } @else {
            p { (d.len()) " mục thay đổi so với " (against) ":" }
            table.list.outline-diff {
                thead { tr { th { "Mục" } th { "Thay đổi" } } }
                tbody { @for x in d {
                    tr data-node=[x.node.as_deref()] {
                        td { (x.place) }
                        td { ul { @for c in &x.changes { li { (c) } } } }
                    }
                } }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pages

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    tb: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "nhap" => {
            "Đã nhập đề cương thành bản nháp. Xem các lỗi, cảnh báo bên dưới và sửa từng mục."
        }
        "luu" => "Đã lưu mục.",
        "thong-tin" => "Đã lưu thông tin chung của đề cương.",
        "cong-bo" => {
            "Đã công bố phiên bản này. Mở đợt báo cáo mới với phiên bản này ở trang Quản trị."
        }
        "nhap-tu-phien-ban" => "Đã tạo bản nháp mới từ phiên bản đã công bố.",
        _ => return None,
    })
}

/// GET /de-cuong: drafts, published versions, upload.
async fn list(State(app): State<Arc<App>>, v: Viewer) -> AppResult<Response> {
    require(&v)?;
    list_response(&app, &v, None).await
}

async fn list_response(app: &App, v: &Viewer, error: Option<&str>) -> AppResult<Response> {
    let drafts = app.store.outline_drafts().await?;
    let versions = app.store.outline_versions().await?;
    let body = html! {
        h1 { "Đề cương báo cáo" }
        p { "Nhập đề cương Ban Tổ chức Trung ương gửi (tệp Word .docx hoặc văn bản .txt), hoặc tệp đề cương dạng TOML; xem, sửa từng mục rồi công bố thành một phiên bản có số thứ tự. Đợt báo cáo được mở với một phiên bản đã công bố; phiên bản đã công bố không sửa được nữa." }
        @if let Some(e) = error { p.notice.error role="alert" { (e) } }
        section {
            h2 { "Nhập đề cương" }
            form.grid-form method="post" enctype="multipart/form-data" action="/de-cuong/nhap" {
                input type="hidden" name="_csrf" value=(v.csrf);
                label for="dc-tep" { "Tệp đề cương (.docx, .txt hoặc .toml)" }
                input #dc-tep type="file" name="tep" accept=".docx,.txt,.toml" required;
                button type="submit" { "Nhập đề cương" }
            }
        }
        section {
            h2 { "Bản nháp" }
            @if drafts.is_empty() { p { "Chưa có bản nháp nào." } } @else {
                table.list.outline-drafts {
                    thead { tr { th { "Tên" } th { "Mã" } th { "Tệp gốc" } th { "Sửa lần cuối" } } }
                    tbody { @for d in &drafts {
                        tr {
                            td { a href=(format!("/de-cuong/{}", d.id)) { (d.name) } }
                            td { (d.key) }
                            td { (d.filename) }
                            td { (format_time(d.updated_at)) " – " (d.updated_by) }
                        }
                    } }
                }
            }
        }
        section {
            h2 { "Phiên bản đã công bố" }
            @if versions.is_empty() { p { "Chưa có phiên bản nào được công bố." } } @else {
                table.list.outline-versions {
                    thead { tr { th { "Tên" } th { "Mã dùng khi mở đợt" } th { "Công bố" } } }
                    tbody { @for x in versions.iter().rev() {
                        tr {
                            td { a href=(format!("/de-cuong/phien-ban/{}/{}", x.key, x.number)) { (x.name) " – phiên bản " (x.number) } }
                            td { (x.round_id()) }
                            td { (format_time(x.published_at)) " – " (x.published_by) }
                        }
                    } }
                }
            }
        }
    };
    let mut r = pages::page("Đề cương", Some(v), body);
    if error.is_some() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// POST /de-cuong/nhap (multipart: "_csrf", "tep").
async fn upload(
    State(app): State<Arc<App>>,
    v: Viewer,
    mut form: Multipart,
) -> AppResult<Response> {
    require(&v)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let too_big = "Không đọc được tệp gửi lên (có thể quá lớn: tối đa 16 MB).";
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return list_response(&app, &v, Some(too_big)).await,
        };
        if field.name() == Some("tep") {
            let name = vi::nfc(
                field
                    .file_name()
                    .unwrap_or("")
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(""),
            );
            let Ok(bytes) = field.bytes().await else {
                return list_response(&app, &v, Some(too_big)).await;
            };
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty() && b.len() <= MAX_UPLOAD) else {
        return list_response(&app, &v, Some("Chưa chọn tệp đề cương để nhập.")).await;
    };
    let (name, bytes, read) = ops::blocking(move || {
        let r = read_upload(&name, &bytes);
        (name, bytes, r)
    })
    .await?;
    let (toml, notes) = match read {
        Ok(x) => x,
        Err(e) => return list_response(&app, &v, Some(&e)).await,
    };
    let t = ops::cpu(|| parse(&toml, &name))?;
    let id = app
        .store
        .add_outline_draft(
            &store::NewOutline {
                key: &t.template.id,
                name: &t.template.name,
                filename: &name,
                source: &bytes,
                toml: &toml,
                notes: &notes,
            },
            (&v.user).into(),
        )
        .await?;
    Ok(Redirect::to(&format!("/de-cuong/{id}?tb=nhap")).into_response())
}

/// GET /de-cuong/{id}: the editor of a draft.
async fn draft_page(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Notice>,
) -> AppResult<Response> {
    require(&v)?;
    let (d, t) = load_draft(&app, id).await?;
    let all = ops::cpu(|| problems(&t));
    // The latest published version of the same id, to compare with.
    let previous = app
        .store
        .outline_versions()
        .await?
        .into_iter()
        .filter(|x| x.key == t.template.id)
        .max_by_key(|x| x.number);
    let previous = match previous {
        Some(p) => {
            let pt = ops::cpu(|| parse(&p.toml, &p.round_id()))?;
            Some((p, pt))
        }
        None => None,
    };
    let diff_markup = previous.as_ref().map(|(p, pt)| {
        let d = ops::cpu(|| diff(pt, &t));
        render_diff(&d, &format!("phiên bản {} đã công bố", p.number))
    });
    let nums = ops::cpu(|| numbers(&t));
    let mut by_node: HashMap<&str, Vec<&Problem>> = HashMap::new();
    let mut general = Vec::new();
    for p in &all {
        match t.node(&p.place) {
            Some(n) => by_node.entry(n.id.as_str()).or_default().push(p),
            None => general.push(p),
        }
    }
    let n_err = errors(&all);
    let n_warn = all.len() - n_err;
    let levels: Vec<String> = t.levels.keys().cloned().collect();
    let body = html! {
        p { a href="/de-cuong" { "← Đề cương" } }
        h1 { "Bản nháp đề cương: " (d.name) }
        p.meta { "Mã: " (d.key) " · tệp gốc: " (d.filename) " · sửa lần cuối " (format_time(d.updated_at)) " – " (d.updated_by) }
        @if let Some(m) = notice_text(q.tb.as_deref()) { p.notice role="status" { (m) } }
        p {
            a href=(format!("/de-cuong/{id}/xem")) target="_blank" { "Xem văn bản trống" }
            " · " a href=(format!("/de-cuong/{id}/bieu-mau")) { "Xem biểu mẫu nhập liệu" }
            " · " a href=(format!("/de-cuong/{id}/tai")) { "Tải tệp đề cương (TOML)" }
        }
        section #kiem-tra {
            h2 { "Kiểm tra đề cương" }
            @if all.is_empty() {
                p.notice.ok #ket-qua-kiem-tra { "Đề cương không có lỗi, không có cảnh báo." }
            } @else {
                p #ket-qua-kiem-tra class=(if n_err > 0 { "notice error" } else { "notice" }) {
                    (n_err) " lỗi, " (n_warn) " cảnh báo. Mỗi vấn đề được ghi ngay cạnh mục của nó."
                }
                ul.problems {
                    @for p in &general { li class=(sev_class(p)) { (sev_word(p)) ": " (place_label(&p.place)) ": " (p.message) } }
                    @for n in &t.node { @if let Some(ps) = by_node.get(n.id.as_str()) {
                        @for p in ps {
                            li class=(sev_class(p)) {
                                (sev_word(p)) ": "
                                a href=(format!("#n-{}", n.id)) { (nums.get(&n.id).cloned().unwrap_or_default()) " “" (short(&n.text)) "”" }
                                ": " (p.message)
                            }
                        }
                    } }
                }
            }
        }
        @if !d.notes.is_empty() {
            details.import-notes {
                summary { "Ghi chú khi nhập tệp (" (d.notes.len()) ")" }
                ul { @for n in &d.notes { li { (n) } } }
            }
        }
        section #cong-bo {
            h2 { "Công bố" }
            @if let Some((p, _)) = &previous {
                p { "Phiên bản mới nhất đã công bố: " a href=(format!("/de-cuong/phien-ban/{}/{}", p.key, p.number)) { "phiên bản " (p.number) } "." }
                (diff_markup.clone().unwrap_or_default())
            }
            @if n_err > 0 {
                p { "Còn " (n_err) " lỗi: sửa hết lỗi rồi mới công bố được." }
            }
            form method="post" action=(format!("/de-cuong/{id}/cong-bo")) {
                input type="hidden" name="_csrf" value=(v.csrf);
                input type="hidden" name="revision" value=(d.revision);
                button #nut-cong-bo type="submit" disabled[n_err > 0] { "Công bố thành phiên bản mới" }
            }
        }
        section #thong-tin {
            h2 { "Thông tin chung" }
            form.grid-form method="post" action=(format!("/de-cuong/{id}/thong-tin")) {
                input type="hidden" name="_csrf" value=(v.csrf);
                input type="hidden" name="revision" value=(d.revision);
                label for="tt-ma" { "Mã đề cương (chữ thường không dấu, gạch ngang)" }
                input #tt-ma type="text" name="ma" value=(t.template.id) required;
                label for="tt-ten" { "Tên đề cương" }
                input #tt-ten type="text" name="ten" value=(t.template.name) required;
                label for="tt-ty" { "Trích yếu (in dưới tiêu đề)" }
                input #tt-ty type="text" name="trich_yeu" value=(t.template.subject);
                label for="tt-chot" { "Số liệu tính đến ngày (ngày/tháng/năm)" }
                input #tt-chot type="text" name="chot" value=(t.template.cutoff);
                button type="submit" { "Lưu thông tin chung" }
            }
        }
        section #cac-muc {
            h2 { "Các mục của đề cương (" (t.node.len()) ")" }
            @for n in &t.node {
                (node_form(&v, id, d.revision, &t, n, &nums, by_node.get(n.id.as_str()).map(Vec::as_slice).unwrap_or(&[]), &levels))
            }
        }
    };
    Ok(pages::page(
        &format!("Đề cương: {}", d.name),
        Some(&v),
        body,
    ))
}

fn sev_class(p: &Problem) -> &'static str {
    match p.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn sev_word(p: &Problem) -> &'static str {
    match p.severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
    }
}

#[allow(clippy::too_many_arguments)]
fn node_form(
    v: &Viewer,
    draft: i64,
    revision: i64,
    t: &Template,
    n: &Node,
    nums: &HashMap<String, String>,
    problems: &[&Problem],
    levels: &[String],
) -> Markup {
    let num = nums.get(&n.id).cloned().unwrap_or_default();
    let level = depth(t, &n.id);
    let answerable = matches!(n.kind, NodeKind::Heading | NodeKind::Item);
    let in_block = t.enclosing_repeat(&n.id).is_some_and(|b| b.id != n.id);
    let kind_of = n.answer.as_ref().map(|a| a.kind);
    let f = |name: &str| format!("{name}-{}", n.id);
    html! {
        fieldset.outline-node id=(format!("n-{}", n.id)) data-node=(n.id) data-depth=(level) {
            legend {
                (num) " " (kind_label(n.kind)) ": " (short(&n.text))
                " " small title=(n.id) { "(cấp " (level + 1) ")" }
            }
            @if !problems.is_empty() {
                ul.problems { @for p in problems { li class=(sev_class(p)) { (sev_word(p)) ": " (p.message) } } }
            }
            form.grid-form method="post" action=(format!("/de-cuong/{draft}/muc")) {
                input type="hidden" name="_csrf" value=(v.csrf);
                input type="hidden" name="revision" value=(revision);
                input type="hidden" name="node" value=(n.id);
                label for=(f("text")) { "Tiêu đề, lời hỏi" }
                textarea id=(f("text")) name="text" rows="2" { (n.text) }
                label for=(f("hint")) { "Hướng dẫn (hiện ở biểu mẫu, không in)" }
                textarea id=(f("hint")) name="hint" rows="1" { (n.hint.as_deref().unwrap_or("")) }
                @if matches!(n.kind, NodeKind::Heading | NodeKind::Repeat) {
                    label for=(f("lap")) { "Lặp lại (một lần cho mỗi cơ quan, mô hình…)" }
                    input id=(f("lap")) type="checkbox" name="lap" value="1" checked[n.kind == NodeKind::Repeat];
                }
                @if n.kind == NodeKind::Repeat {
                    label for=(f("nhom")) { "Nhóm của khối lặp (mã)" }
                    input id=(f("nhom")) type="text" name="nhom" value=(n.family.as_deref().unwrap_or(""));
                    label for=(f("cap")) { "Cấp của khối lặp" }
                    select id=(f("cap")) name="cap" {
                        @for (key, label) in level_choices(levels) {
                            option value=(key) selected[n.level.as_deref() == Some(key.as_str())] { (label) }
                        }
                    }
                }
                @if answerable {
                    label for=(f("kieu")) { "Loại câu trả lời" }
                    select id=(f("kieu")) name="kieu" {
                        option value="" selected[kind_of.is_none()] { "Không có câu trả lời" }
                        @for (k, key, label) in TYPES {
                            option value=(key) selected[kind_of == Some(*k)] { (label) }
                        }
                    }
                    label for=(f("bat-buoc")) { "Bắt buộc trả lời" }
                    input id=(f("bat-buoc")) type="checkbox" name="bat_buoc" value="1" checked[n.answer.as_ref().is_some_and(|a| a.required)];
                }
                @if matches!(kind_of, Some(AnswerType::Choice | AnswerType::Multichoice)) {
                    label for=(f("lua-chon")) { "Các lựa chọn (mỗi dòng một lựa chọn)" }
                    textarea id=(f("lua-chon")) name="lua_chon" rows="3" { (option_lines(n)) }
                }
                @if kind_of == Some(AnswerType::Records) {
                    label for=(f("cot")) { "Các cột (mỗi dòng: tên cột; loại: chữ, số, ngày, đơn vị cấp huyện)" }
                    textarea id=(f("cot")) name="cot" rows="3" { (column_lines(n)) }
                }
                @if kind_of == Some(AnswerType::Figures) {
                    label for=(f("dong")) { "Các chỉ tiêu (mỗi dòng một chỉ tiêu; dòng “trong đó” bắt đầu bằng dấu +)" }
                    textarea id=(f("dong")) name="dong" rows="3" { (row_lines(n)) }
                }
                @if answerable && in_block {
                    label for=(f("huyen")) { "Phiếu cấp huyện điền mục này" }
                    select id=(f("huyen")) name="huyen" {
                        option value="" selected[n.district.is_none()] { (district_label(None)) }
                        @for (k, key, label) in DISTRICT {
                            option value=(key) selected[n.district == Some(*k)] { (label) }
                        }
                    }
                }
                button.small type="submit" { "Lưu mục này" }
            }
        }
    }
}

/// The levels a block may take: "tinh" and "huyen" (created when chosen) and the outline's own.
fn level_choices(levels: &[String]) -> Vec<(String, String)> {
    let mut out = vec![
        ("tinh".to_string(), "cấp tỉnh".to_string()),
        ("huyen".to_string(), "cấp huyện (mỗi huyện)".to_string()),
    ];
    for l in levels {
        if !out.iter().any(|(k, _)| k == l) {
            out.push((l.clone(), l.clone()));
        }
    }
    out
}

fn option_lines(n: &Node) -> String {
    n.answer
        .as_ref()
        .map(|a| {
            a.option
                .iter()
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn column_lines(n: &Node) -> String {
    n.answer
        .as_ref()
        .map(|a| {
            a.column
                .iter()
                .map(|c| format!("{}; {}", c.label, column_type_label(c.kind)))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn row_lines(n: &Node) -> String {
    n.answer
        .as_ref()
        .map(|a| {
            a.row
                .iter()
                .map(|r| format!("{}{}", if r.sub { "+ " } else { "" }, r.label))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn lines(s: &str) -> impl Iterator<Item = String> + '_ {
    s.lines()
        .map(|l| vi::nfc(l.trim()))
        .filter(|l| !l.is_empty())
}

/// A key not yet in `used`, from `base`.
fn fresh(base: &str, prefix: &str, used: &mut Vec<String>) -> String {
    let base = if base.is_empty() {
        prefix.to_string()
    } else {
        base.to_string()
    };
    let mut k = base.clone();
    let mut i = 2;
    while used.contains(&k) {
        k = format!("{base}-{i}");
        i += 1;
    }
    used.push(k.clone());
    k
}

#[derive(Deserialize)]
struct NodeForm {
    revision: i64,
    node: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    hint: String,
    #[serde(default)]
    lap: Option<String>,
    #[serde(default)]
    nhom: Option<String>,
    #[serde(default)]
    cap: Option<String>,
    #[serde(default)]
    kieu: Option<String>,
    #[serde(default)]
    bat_buoc: Option<String>,
    #[serde(default)]
    lua_chon: Option<String>,
    #[serde(default)]
    cot: Option<String>,
    #[serde(default)]
    dong: Option<String>,
    #[serde(default)]
    huyen: Option<String>,
}

/// Applies an item's form to its node (and the families and levels a block needs).
fn apply(t: &mut Template, f: &NodeForm) -> AppResult<()> {
    let i = t
        .node
        .iter()
        .position(|n| n.id == f.node)
        .ok_or_else(AppError::not_found)?;
    let mut n = t.node[i].clone();
    n.text = vi::nfc(f.text.trim());
    let hint = vi::nfc(f.hint.trim());
    n.hint = (!hint.is_empty()).then_some(hint);
    if matches!(n.kind, NodeKind::Heading | NodeKind::Repeat) {
        if f.lap.is_some() {
            n.kind = NodeKind::Repeat;
            n.skeleton = true;
            let family = f
                .nhom
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .or(n.family.clone())
                .unwrap_or_else(|| {
                    let s = slug(&n.text);
                    if s.is_empty() {
                        "khoi".into()
                    } else {
                        s
                    }
                });
            t.families
                .entry(family.clone())
                .or_insert_with(|| short(&n.text));
            n.family = Some(family);
            let level = f
                .cap
                .clone()
                .filter(|s| !s.is_empty())
                .or(n.level.clone())
                .unwrap_or_else(|| "tinh".into());
            if !t.levels.contains_key(&level) {
                let (label, units) = match level.as_str() {
                    "huyen" => ("cấp huyện", "district"),
                    _ => ("cấp tỉnh", "province"),
                };
                t.levels.insert(
                    level.clone(),
                    Level {
                        label: label.into(),
                        units: units.into(),
                    },
                );
            }
            n.level = Some(level);
        } else {
            n.kind = NodeKind::Heading;
            n.family = None;
            n.level = None;
            n.skeleton = false;
        }
    }
    if matches!(n.kind, NodeKind::Heading | NodeKind::Item) {
        if let Some(kieu) = f.kieu.as_deref() {
            if kieu.is_empty() {
                n.answer = None;
            } else {
                let kind = TYPES
                    .iter()
                    .find(|(_, key, _)| *key == kieu)
                    .map(|x| x.0)
                    .ok_or_else(|| AppError::bad_request("Loại câu trả lời không hợp lệ."))?;
                let mut a = match n.answer.take() {
                    Some(a) => a,
                    None => serde_json::from_value::<Answer>(serde_json::json!({ "type": kieu }))
                        .map_err(AppError::internal)?,
                };
                a.kind = kind;
                a.required = f.bat_buoc.is_some();
                if a.required {
                    a.when_empty = WhenEmpty::Omit;
                }
                n.answer = Some(a);
            }
        }
    }
    if let Some(a) = n.answer.as_mut() {
        if let Some(text) = &f.lua_chon {
            let old = std::mem::take(&mut a.option);
            let mut used = Vec::new();
            for label in lines(text) {
                let o = match old.iter().find(|o| o.label == label) {
                    Some(o) => {
                        used.push(o.value.clone());
                        o.clone()
                    }
                    None => ChoiceOption {
                        value: fresh(&slug(&label), "lua-chon", &mut used),
                        label,
                        print: None,
                        ended: false,
                    },
                };
                a.option.push(o);
            }
        }
        if let Some(text) = &f.cot {
            let old = std::mem::take(&mut a.column);
            let mut used = Vec::new();
            for line in lines(text) {
                let (label, kind) = match line.rsplit_once(';') {
                    Some((l, k)) => {
                        let k = vi::fold(k.trim()).to_lowercase();
                        let kind = COLUMN_TYPES
                            .iter()
                            .find(|(_, w)| vi::fold(w).to_lowercase() == k)
                            .map(|x| x.0)
                            .ok_or_else(|| {
                                AppError::bad_request(format!(
                                    "Cột “{}”: loại “{}” không có; hãy dùng chữ, số, ngày hoặc đơn vị cấp huyện.",
                                    l.trim(),
                                    k
                                ))
                            })?;
                        (l.trim().to_string(), kind)
                    }
                    None => (line.clone(), ColumnType::Text),
                };
                let c = match old.iter().find(|c| c.label == label) {
                    Some(c) => {
                        used.push(c.key.clone());
                        Column { kind, ..c.clone() }
                    }
                    None => serde_json::from_value::<Column>(serde_json::json!({
                        "key": fresh(&slug(&label), "cot", &mut used),
                        "label": label,
                        "type": COLUMN_KEYS.iter().find(|(k, _)| *k == kind).map_or("text", |x| x.1),
                    }))
                    .map_err(AppError::internal)?,
                };
                a.column.push(c);
            }
        }
        if let Some(text) = &f.dong {
            let old = std::mem::take(&mut a.row);
            let mut used = Vec::new();
            for line in lines(text) {
                let (sub, label) = match line.strip_prefix('+') {
                    Some(rest) => (true, rest.trim().to_string()),
                    None => (false, line.clone()),
                };
                let key = match old.iter().find(|r| r.label == label) {
                    Some(r) => {
                        used.push(r.key.clone());
                        r.key.clone()
                    }
                    None => fresh(&slug(&label), "chi-tieu", &mut used),
                };
                a.row.push(FigureRow { key, label, sub });
            }
        }
    }
    if let Some(h) = f.huyen.as_deref() {
        n.district = if h.is_empty() {
            None
        } else {
            Some(
                DISTRICT
                    .iter()
                    .find(|(_, key, _)| *key == h)
                    .map(|x| x.0)
                    .ok_or_else(|| AppError::bad_request("Phần cấp huyện không hợp lệ."))?,
            )
        };
    }
    t.node[i] = n;
    Ok(())
}

const COLUMN_KEYS: &[(ColumnType, &str)] = &[
    (ColumnType::Text, "text"),
    (ColumnType::Integer, "integer"),
    (ColumnType::Date, "date"),
    (ColumnType::Unit, "unit"),
    (ColumnType::Choice, "choice"),
];

fn stale() -> AppError {
    AppError::conflict(
        "Bản nháp đề cương đã được sửa ở nơi khác sau khi anh/chị mở trang; thay đổi vừa nhập \
         chưa được lưu. Hãy mở lại trang rồi sửa tiếp.",
    )
}

/// Stores `t` as the draft's new content.
async fn store_draft(
    app: &App,
    v: &Viewer,
    id: i64,
    base: i64,
    t: &Template,
    what: &str,
) -> AppResult<()> {
    let text = to_toml(t)?;
    // What is kept must load again (the editor only writes what the model can hold).
    ops::cpu(|| parse(&text, "bản nháp"))?;
    app.store
        .update_outline_draft(
            id,
            base,
            &t.template.id,
            &t.template.name,
            &text,
            what,
            (&v.user).into(),
        )
        .await?
        .ok_or_else(stale)?;
    Ok(())
}

/// POST /de-cuong/{id}/muc: one item's form.
async fn save_node(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<NodeForm>,
) -> AppResult<Response> {
    require(&v)?;
    let (d, mut t) = load_draft(&app, id).await?;
    if d.revision != f.revision {
        return Err(stale());
    }
    let before = t.node(&f.node).cloned().ok_or_else(AppError::not_found)?;
    apply(&mut t, &f)?;
    let after = t.node(&f.node).cloned().ok_or_else(AppError::not_found)?;
    let changes = node_changes(&before, &after);
    if !changes.is_empty() || before != after {
        let what = format!("mục {}: {}", f.node, changes.join("; "));
        store_draft(&app, &v, id, f.revision, &t, &what).await?;
    }
    Ok(Redirect::to(&format!("/de-cuong/{id}?tb=luu#n-{}", f.node)).into_response())
}

#[derive(Deserialize)]
struct MetaForm {
    revision: i64,
    ma: String,
    ten: String,
    #[serde(default)]
    trich_yeu: String,
    #[serde(default)]
    chot: String,
}

/// POST /de-cuong/{id}/thong-tin: the particulars.
async fn save_meta(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<MetaForm>,
) -> AppResult<Response> {
    require(&v)?;
    let (d, mut t) = load_draft(&app, id).await?;
    if d.revision != f.revision {
        return Err(stale());
    }
    let before = t.template.clone();
    let m = &mut t.template;
    m.id = f.ma.trim().to_lowercase();
    m.name = vi::nfc(f.ten.trim());
    if m.name.is_empty() || m.name.chars().count() > 300 {
        return Err(AppError::bad_request(
            "Tên đề cương không được để trống và không quá 300 ký tự.",
        ));
    }
    m.subject = vi::nfc(f.trich_yeu.trim());
    let chot = f.chot.trim();
    // A date typed the usual ways is kept in the outline's form ("30/6/2021"); anything else as
    // typed, so that the check says what is wrong with it.
    m.cutoff = vi::Date::parse(chot)
        .map(|d| d.short_vi())
        .unwrap_or_else(|_| chot.to_string());
    let what = format!(
        "thông tin chung: {} “{}”, số liệu đến {}",
        m.id, m.name, m.cutoff
    );
    if before != t.template {
        store_draft(&app, &v, id, f.revision, &t, &what).await?;
    }
    Ok(Redirect::to(&format!("/de-cuong/{id}?tb=thong-tin")).into_response())
}

#[derive(Deserialize)]
struct RevisionForm {
    revision: i64,
}

/// POST /de-cuong/{id}/cong-bo: publishes the draft as the next version of its id.
async fn publish(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<RevisionForm>,
) -> AppResult<Response> {
    require(&v)?;
    let (d, t) = load_draft(&app, id).await?;
    if d.revision != f.revision {
        return Err(stale());
    }
    let found = ops::cpu(|| problems(&t));
    let n_err = errors(&found);
    if n_err > 0 {
        return Err(AppError::invalid(format!(
            "Chưa công bố được: đề cương còn {n_err} lỗi ({}). Hãy sửa hết lỗi rồi công bố.",
            found
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .take(5)
                .map(|p| format!("{}: {}", p.place, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let published = app
        .store
        .publish_outline(
            id,
            f.revision,
            |d, number| {
                let mut t = Template::load(&d.toml, &d.filename)
                    .0
                    .ok_or_else(|| "bản nháp không đọc được".to_string())?;
                t.template.version = number.to_string();
                let body = toml::to_string(&t).map_err(|e| e.to_string())?;
                Ok(format!(
                    "# Đề cương {}@{number}, đã công bố (không sửa được nữa).\n{body}",
                    t.template.id
                ))
            },
            (&v.user).into(),
        )
        .await?
        .ok_or_else(stale)?;
    match published_template(&published) {
        Some(t) => app.templates.insert(published.round_id(), Arc::new(t)),
        None => return Err(AppError::internal("phiên bản vừa công bố không đọc được")),
    }
    Ok(Redirect::to(&format!(
        "/de-cuong/phien-ban/{}/{}?tb=cong-bo",
        published.key, published.number
    ))
    .into_response())
}

/// GET /de-cuong/phien-ban/{key}/{n}
async fn version_page(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((key, n)): Path<(String, i64)>,
    Query(q): Query<Notice>,
) -> AppResult<Response> {
    require(&v)?;
    let (ver, t) = load_version(&app, &key, n).await?;
    let previous = if n > 1 {
        match app.store.outline_version(&key, n - 1).await {
            Ok(p) => Some(ops::cpu(|| parse(&p.toml, &p.round_id()))?),
            Err(store::Error::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let differences = previous.as_ref().map(|p| ops::cpu(|| diff(p, &t)));
    let rounds: Vec<store::Round> = app
        .store
        .rounds()
        .await?
        .into_iter()
        .filter(|r| r.template == ver.round_id())
        .collect();
    let base = format!("/de-cuong/phien-ban/{}/{}", ver.key, ver.number);
    let body = html! {
        p { a href="/de-cuong" { "← Đề cương" } }
        h1 { (ver.name) " – phiên bản " (ver.number) }
        @if let Some(m) = notice_text(q.tb.as_deref()) { p.notice role="status" { (m) } }
        p.meta { "Công bố " (format_time(ver.published_at)) " – " (ver.published_by) ". Mã dùng khi mở đợt báo cáo: " strong #ma-phien-ban { (ver.round_id()) } }
        p { "Phiên bản đã công bố không sửa được nữa; muốn thay đổi, hãy tạo bản nháp từ phiên bản này rồi công bố phiên bản mới. Báo cáo đã viết theo phiên bản này giữ nguyên phiên bản này." }
        p {
            a href=(format!("{base}/xem")) target="_blank" { "Xem văn bản trống" }
            " · " a href=(format!("{base}/bieu-mau")) { "Xem biểu mẫu nhập liệu" }
            " · " a href=(format!("{base}/tai")) { "Tải tệp đề cương (TOML)" }
            @if crate::access::is_admin(&v.user) { " · " a href="/quan-tri" { "Mở đợt báo cáo (trang Quản trị)" } }
        }
        section {
            h2 { "Đợt báo cáo dùng phiên bản này" }
            @if rounds.is_empty() { p { "Chưa có đợt nào." } } @else {
                ul { @for r in &rounds { li { (r.name) " – hạn nộp " (editor::date_shown(&r.deadline)) } } }
            }
        }
        section #thay-doi {
            h2 { "Thay đổi so với phiên bản trước" }
            @match &differences {
                Some(d) => (render_diff(d, &format!("phiên bản {}", n - 1))),
                None => p { "Đây là phiên bản đầu tiên." },
            }
        }
        form method="post" action=(format!("{base}/nhap")) {
            input type="hidden" name="_csrf" value=(v.csrf);
            button type="submit" { "Tạo bản nháp từ phiên bản này" }
        }
    };
    Ok(pages::page(
        &format!("{} – phiên bản {}", ver.name, ver.number),
        Some(&v),
        body,
    ))
}

/// POST /de-cuong/phien-ban/{key}/{n}/nhap: a new draft with this version's content.
async fn draft_from_version(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((key, n)): Path<(String, i64)>,
) -> AppResult<Response> {
    require(&v)?;
    let ver = app.store.outline_version(&key, n).await?;
    let filename = format!("phiên bản {n} của {key}");
    let id = app
        .store
        .add_outline_draft(
            &store::NewOutline {
                key: &ver.key,
                name: &ver.name,
                filename: &filename,
                source: ver.toml.as_bytes(),
                toml: &ver.toml,
                notes: &[],
            },
            (&v.user).into(),
        )
        .await?;
    Ok(Redirect::to(&format!("/de-cuong/{id}?tb=nhap-tu-phien-ban")).into_response())
}

/// The empty document of a template, as the report preview shows a report.
async fn preview(app: &Arc<App>, t: Template) -> AppResult<Response> {
    let profile = app.profile(&t.template.profile)?;
    let province = app
        .units
        .provinces
        .first()
        .map(|p| p.code.clone())
        .unwrap_or_default();
    let units = app.units;
    let html = ops::blocking(move || {
        let r = ops::empty_report(&t, &province);
        document::build(&t, &r, &profile, units).map(|doc| document::html::to_html(&doc, &profile))
    })
    .await?
    .map_err(|e| {
        AppError::invalid(format!(
            "Chưa dựng được văn bản từ đề cương này: {e}. Hãy sửa các lỗi được liệt kê."
        ))
    })?;
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

/// The form a province would fill, read-only, section by section.
fn form_page(app: &App, v: &Viewer, t: &Template, title: &str, back: &str) -> Response {
    // One example instance in every block, so that what a block asks shows too.
    let mut r = ops::empty_report(t, "");
    for b in t.node.iter().filter(|n| n.kind == NodeKind::Repeat) {
        if t.ancestry(&b.id)
            .skip(1)
            .any(|n| n.kind == NodeKind::Repeat)
        {
            continue;
        }
        r.blocks.insert(
            b.id.clone(),
            vec![report::Instance {
                id: "vi-du".into(),
                model: "khac".into(),
                name: Some("(tên cơ quan, mô hình)".into()),
                answers: Default::default(),
                rollup: None,
            }],
        );
    }
    let changed = HashMap::new();
    let ctx = editor::FormCtx {
        t,
        r: &r,
        units: app.units,
        problems: &[],
        comments: &[],
        readonly: true,
        changed_by: &changed,
    };
    let sections = editor::sections(t);
    let body = html! {
        p { a href=(back) { "← Quay lại" } }
        h1 { "Biểu mẫu nhập liệu: " (title) }
        p { "Đây là biểu mẫu các tỉnh, thành phố sẽ điền (chỉ để xem); mỗi khối lặp có một lần lặp làm ví dụ." }
        @for s in sections.iter().filter(|s| s.key != editor::DOCUMENT) {
            section.form-section {
                h2 { (s.number) " " (s.title) }
                (editor::render_section(&ctx, &s.key))
            }
        }
    };
    pages::page(&format!("Biểu mẫu: {title}"), Some(v), body)
}

fn toml_download(text: String, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "application/toml; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.toml\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// GET /de-cuong/{id}/xem
async fn draft_preview(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    require(&v)?;
    let (_, t) = load_draft(&app, id).await?;
    preview(&app, t).await
}

/// GET /de-cuong/{id}/bieu-mau
async fn draft_form(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    require(&v)?;
    let (d, t) = load_draft(&app, id).await?;
    Ok(ops::cpu(|| {
        form_page(&app, &v, &t, &d.name, &format!("/de-cuong/{id}"))
    }))
}

/// GET /de-cuong/{id}/tai
async fn draft_toml(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    require(&v)?;
    let d = app.store.outline_draft(id).await?;
    let name = format!("{}-ban-nhap", slug(&d.key));
    Ok(toml_download(d.toml, &name))
}

/// GET /de-cuong/phien-ban/{key}/{n}/xem
async fn version_preview(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((key, n)): Path<(String, i64)>,
) -> AppResult<Response> {
    require(&v)?;
    let (_, t) = load_version(&app, &key, n).await?;
    preview(&app, t).await
}

/// GET /de-cuong/phien-ban/{key}/{n}/bieu-mau
async fn version_form(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((key, n)): Path<(String, i64)>,
) -> AppResult<Response> {
    require(&v)?;
    let (ver, t) = load_version(&app, &key, n).await?;
    let title = format!("{} – phiên bản {}", ver.name, ver.number);
    let back = format!("/de-cuong/phien-ban/{key}/{n}");
    Ok(ops::cpu(|| form_page(&app, &v, &t, &title, &back)))
}

/// GET /de-cuong/phien-ban/{key}/{n}/tai
async fn version_toml(
    State(app): State<Arc<App>>,
    v: Viewer,
    Path((key, n)): Path<(String, i64)>,
) -> AppResult<Response> {
    require(&v)?;
    let ver = app.store.outline_version(&key, n).await?;
    let name = format!("{}-{}", slug(&ver.key), ver.number);
    Ok(toml_download(ver.toml, &name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kl74() -> Template {
        outline::builtin("kl74-2021").unwrap()
    }

    #[test]
    fn diff_names_each_changed_item() {
        let old = kl74();
        let mut new = old.clone();
        new.template.name = "Đề cương mới".into();
        let i = new.node.iter().position(|n| n.answer.is_some()).unwrap();
        let id = new.node[i].id.clone();
        if let Some(a) = new.node[i].answer.as_mut() {
            a.kind = AnswerType::Integer;
        }
        let removed = new.node.pop().unwrap();
        let d = diff(&old, &new);
        assert_eq!(d[0].place, "Thông tin chung");
        let changed = d.iter().find(|x| x.node.as_deref() == Some(&id)).unwrap();
        assert!(
            changed
                .changes
                .iter()
                .any(|c| c.starts_with("Loại câu trả lời:") && c.ends_with("→ Số nguyên")),
            "{changed:?}"
        );
        let gone = d
            .iter()
            .find(|x| x.node.as_deref() == Some(&removed.id))
            .unwrap();
        assert_eq!(gone.changes, vec!["Bỏ khỏi đề cương".to_string()]);
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn template_round_trips_through_toml() {
        let t = kl74();
        let text = to_toml(&t).unwrap();
        let (back, problems) = Template::load(&text, "x");
        assert!(
            problems.iter().all(|p| p.severity != Severity::Error),
            "{problems:?}"
        );
        assert_eq!(back.unwrap(), t);
    }

    #[test]
    fn slugs_are_ascii_keys() {
        assert_eq!(slug("Số biên chế được giao"), "so-bien-che-duoc-giao");
        assert_eq!(slug("Đã kết thúc"), "da-ket-thuc");
    }
}
