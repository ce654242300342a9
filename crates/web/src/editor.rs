//! The report form, generated from the template (never written per outline), and its parser.
//!
//! The outline is cut into sections: every top-level heading with answers of its own, and every
//! heading one level down ("A.I", "B.II"…). A section is one HTML form; its fields are named
//! `v|SCOPE|ITEM` (one value), `v|SCOPE|ITEM|ROW|COLUMN` (tables: records, documents, figures)
//! and `d|FIELD` (the document's particulars), where SCOPE is empty at the top level or the id
//! of a model instance. Each answer also sends a marker `p|SCOPE|ITEM`, so that a cleared field
//! (an unticked box) clears the answer. The same parser serves the plain form post (no
//! JavaScript) and the autosave (JavaScript posts the same form).

use std::collections::{BTreeMap, HashMap, HashSet};

use maud::{html, Markup, PreEscaped};
use outline::{AnswerType, ColumnType, Node, NodeKind, Severity, Template};
use report::{Instance, Problem, Report};
use serde_json::{Map, Value};
use store::Comment;
use units::Units;

use crate::ops::Change;
use crate::{AppError, AppResult};

/// A section of the form.
#[derive(Debug, Clone)]
pub struct Section {
    /// The heading's node id, or "document" for the particulars.
    pub key: String,
    /// "A.I"
    pub number: String,
    pub title: String,
}

/// The pseudo-section of the document's particulars (number, date, signer…).
pub const DOCUMENT: &str = "document";

fn depth(t: &Template, id: &str) -> usize {
    t.ancestry(id).count().saturating_sub(1)
}

/// The numbers of the headings outside repeated blocks ("B.II").
fn paths(t: &Template) -> HashMap<String, String> {
    let empty = crate::ops::empty_report(t, "");
    report::tree::resolve(t, &empty, Default::default())
        .into_iter()
        .map(|e| (e.node.id.clone(), e.path))
        .collect()
}

fn has_answers(t: &Template, n: &Node) -> bool {
    n.answer.is_some()
        || n.kind == NodeKind::Repeat
        || t.children(Some(&n.id)).any(|c| has_answers(t, c))
}

/// The sections of a report's form: a province's report has every section (the particulars
/// first); a district's sheet only those holding a block the districts fill.
pub fn sections_for(t: &Template, r: &Report) -> Vec<Section> {
    let all = sections(t);
    if !r.is_district_sheet() {
        return all;
    }
    let wanted: HashSet<String> = t.district_blocks().map(|b| section_of(t, &b.id)).collect();
    all.into_iter()
        .filter(|s| wanted.contains(&s.key))
        .collect()
}

/// The sections of a template, in outline order, the particulars first.
pub fn sections(t: &Template) -> Vec<Section> {
    let paths = paths(t);
    let mut out = vec![Section {
        key: DOCUMENT.to_string(),
        number: String::new(),
        title: "Thông tin văn bản (số, ngày, người ký)".to_string(),
    }];
    for n in &t.node {
        let d = depth(t, &n.id);
        let own = d == 0
            && (n.answer.is_some()
                || t.children(Some(&n.id))
                    .any(|c| c.kind != NodeKind::Heading && has_answers(t, c)));
        let sub = d == 1 && n.kind == NodeKind::Heading && has_answers(t, n);
        if own || sub {
            out.push(Section {
                key: n.id.clone(),
                number: paths.get(&n.id).cloned().unwrap_or_default(),
                title: report::tree::strip_markup(&n.text)
                    .trim()
                    .trim_end_matches(':')
                    .to_string(),
            });
        }
    }
    out
}

/// The section an item (node id, or "document.…") belongs to.
pub fn section_of(t: &Template, item: &str) -> String {
    if item.starts_with("document") {
        return DOCUMENT.to_string();
    }
    let mut top = item.to_string();
    for n in t.ancestry(item) {
        if depth(t, &n.id) == 1 && n.kind == NodeKind::Heading {
            return n.id.clone();
        }
        top = n.id.clone();
    }
    top
}

/// The state of a section in the navigator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionState {
    Empty,
    Partial,
    Complete,
    Errors,
}

impl SectionState {
    pub fn label(self) -> &'static str {
        match self {
            SectionState::Empty => "chưa nhập",
            SectionState::Partial => "đang nhập",
            SectionState::Complete => "đủ",
            SectionState::Errors => "có lỗi",
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            SectionState::Empty => "empty",
            SectionState::Partial => "partial",
            SectionState::Complete => "complete",
            SectionState::Errors => "errors",
        }
    }
}

/// Each section's state: errors (something is wrong), complete (nothing missing), partial
/// (something answered, something missing), empty.
pub fn section_states(
    t: &Template,
    r: &Report,
    wrong: &[Problem],
    all: &[Problem],
) -> HashMap<String, SectionState> {
    let mut answered: HashSet<String> = HashSet::new();
    for k in r.answers.keys() {
        answered.insert(section_of(t, k));
    }
    for (b, list) in &r.blocks {
        if !list.is_empty() {
            answered.insert(section_of(t, b));
        }
    }
    if r.document != Default::default() {
        answered.insert(DOCUMENT.to_string());
    }
    let with = |ps: &[Problem]| -> HashSet<String> {
        ps.iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| section_of(t, &p.item))
            .collect()
    };
    let (wrong, missing) = (with(wrong), with(all));
    sections_for(t, r)
        .into_iter()
        .map(|s| {
            let state = if wrong.contains(&s.key) {
                SectionState::Errors
            } else if !answered.contains(&s.key) {
                SectionState::Empty
            } else if missing.contains(&s.key) {
                SectionState::Partial
            } else {
                SectionState::Complete
            };
            (s.key, state)
        })
        .collect()
}

/// What the form of one section needs.
pub struct FormCtx<'a> {
    pub t: &'a Template,
    pub r: &'a Report,
    pub units: &'a Units,
    pub problems: &'a [Problem],
    pub comments: &'a [Comment],
    /// Read-only (a submitted report, or a reviewer).
    pub readonly: bool,
    /// Who last changed an item (audit key "item [instance]" → user, time), for the province's
    /// corrections of values rolled up from district sheets.
    pub changed_by: &'a HashMap<String, (String, i64)>,
}

fn key(scope: Option<&str>, item: &str) -> String {
    format!("{}|{item}", scope.unwrap_or(""))
}

/// The id of an item's answer on the form, for links that jump to it ("#a-m1-B.I.1.m.x2.bd").
pub fn field_anchor(instance: Option<&str>, item: &str) -> String {
    format!("a-{}-{item}", instance.unwrap_or(""))
}

/// Labels of the document's particulars.
pub fn document_label(field: &str) -> &'static str {
    match field {
        "number" => "Số văn bản",
        "place" => "Địa danh",
        "date" => "Ngày ban hành",
        "signer" => "Người ký",
        "signer_title" => "Chức vụ người ký",
        "recipients" => "Nơi nhận",
        _ => "Mục khác",
    }
}

/// An ISO date as the user types it and reads it ("30/6/2021"); anything else as it is.
pub fn date_shown(v: &str) -> String {
    // Forms and tables show dd/mm/yyyy ("05/09/2021"); documents keep the Party style
    // ("5/9/2021", `vi::Date::short_vi`).
    vi::Date::parse_iso(v)
        .map(|d| format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()))
        .unwrap_or_else(|_| v.to_string())
}

/// A typed date ("30/6/2021", "30-6-2021" or ISO) as ISO; anything else stays as typed, so that
/// validation says what is wrong with it.
fn date_value(s: &str) -> Value {
    let s = s.trim();
    // ISO, day/month/year with any of / - . ("05-09-2021"), or "ngày 5 tháng 9 năm 2021".
    let parsed = vi::Date::parse(s);
    match parsed {
        Ok(d) => Value::String(d.iso()),
        Err(_) => Value::String(s.to_string()),
    }
}

fn int_value(s: &str) -> Option<Value> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(match vi::parse_int(s) {
        Ok(n) => Value::from(n),
        Err(_) => Value::String(s.to_string()),
    })
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Renders the form of section `section`.
pub fn render_section(c: &FormCtx, section: &str) -> Markup {
    if section == DOCUMENT {
        return render_document(c);
    }
    let Some(node) = c.t.node(section) else {
        return html! { p { "Không có phần này trong đề cương." } };
    };
    let top = depth(c.t, section) == 0;
    let numbers = numbers(c);
    html! {
        (render_node(c, &numbers, node, None, top))
    }
}

/// The generated numbers of nodes (also inside instances) for this report.
fn numbers(c: &FormCtx) -> HashMap<(String, Option<String>), String> {
    report::tree::resolve(c.t, c.r, Default::default())
        .into_iter()
        .filter_map(|e| {
            e.number.as_ref().map(|_| {
                (
                    (e.node.id.clone(), e.instance.map(|i| i.id.clone())),
                    e.path.clone(),
                )
            })
        })
        .collect()
}

type Numbers = HashMap<(String, Option<String>), String>;

fn render_node(
    c: &FormCtx,
    numbers: &Numbers,
    n: &Node,
    inst: Option<&Instance>,
    skip_sub_sections: bool,
) -> Markup {
    if c.r.is_district_sheet() && !c.t.in_district_sheet(n) {
        return html! {};
    }
    let scope = inst.map(|i| i.id.as_str());
    let number = numbers
        .get(&(n.id.clone(), scope.map(str::to_string)))
        .cloned();
    let label = report::tree::strip_markup(&n.text);
    let label = match inst {
        Some(i) => label.replace(
            "{model}",
            report::derive::model_short(c.t, i).unwrap_or(i.name.as_deref().unwrap_or("")),
        ),
        None => label,
    };
    let children = html! {
        @for child in c.t.children(Some(&n.id)) {
            @if !(skip_sub_sections && child.kind == NodeKind::Heading && depth(c.t, &child.id) == 1) {
                (render_node(c, numbers, child, inst, false))
            }
        }
    };
    // "bắt buộc" is part of the label (the item's own words), not a lone mark under the field.
    let required = n.answer.as_ref().is_some_and(|a| a.required)
        && !(c.r.is_district_sheet() && n.district == Some(outline::DistrictFill::Material));
    let inner = match n.kind {
        NodeKind::Hint => html! { p.hint { (n.text) } },
        NodeKind::Text => html! { p.fixed { (label) } },
        NodeKind::Computed => html! {
            p.computed { (label) " " span.muted { "(tự tính khi in báo cáo)" } }
        },
        NodeKind::Repeat => render_block(c, numbers, n),
        NodeKind::Heading | NodeKind::Item => {
            let heading = n.kind == NodeKind::Heading;
            html! {
                div.node.heading[heading] .item[!heading] {
                    @if heading {
                        h3 {
                            @if let Some(num) = &number { span.num { (num) ". " } } (label)
                            @if required { " " span.req-label { "(bắt buộc)" } }
                        }
                    } @else if !label.trim().is_empty() {
                        p.prompt {
                            (n.marker.as_deref().unwrap_or("")) " " (label)
                            @if required { " " span.req-label { "(bắt buộc)" } }
                        }
                    }
                    @if let Some(h) = &n.hint { p.hint id=(dom_id("goi-y", &key(scope, &n.id))) { (h) } }
                    @if n.answer.is_some() { (render_answer(c, n, scope)) }
                    @if let Some(i) = inst { (district_material(c, n, i)) }
                    (children)
                }
            }
        }
    };
    // Shown only when a sibling answer has one of these values (app.js hides it otherwise;
    // without JavaScript everything stays visible).
    match &n.show_if {
        Some(cond) => html! {
            div.cond data-if=(key(scope, &cond.item)) data-values=(cond.equals.values().join(" ")) { (inner) }
        },
        None => inner,
    }
}

fn render_block(c: &FormCtx, numbers: &Numbers, block: &Node) -> Markup {
    let empty = Vec::new();
    let list = c.r.blocks.get(&block.id).unwrap_or(&empty);
    let level = c.t.level_of(block).map(|l| l.label.as_str()).unwrap_or("");
    let family = block
        .family
        .as_deref()
        .and_then(|f| c.t.families.get(f))
        .map(String::as_str)
        .unwrap_or("");
    html! {
        section.block data-block=(block.id) {
            h3.block-title { "Các mô hình " (family) " – " (level) " (" (list.len()) ")" }
            @if list.is_empty() { p.muted { "Chưa có mô hình nào trong khối này." } }
            @for (pos, inst) in list.iter().enumerate() {
                @let name = c.t.catalogue_entry(&inst.model).map(|e| e.name.clone())
                    .unwrap_or_else(|| format!("Mô hình khác: {}", inst.name.as_deref().unwrap_or("")));
                @let number = numbers.get(&(block.id.clone(), Some(inst.id.clone()))).cloned().unwrap_or_default();
                fieldset.instance id=(format!("mh-{}", inst.id)) {
                    legend { span.num { (number) ". " } (name) }
                    @if let Some(r) = &inst.rollup {
                        p.district-sources {
                            "Số liệu cấp huyện tổng hợp từ " (r.sheets.len()) " phiếu đã tiếp nhận: "
                            @for (i, s) in r.sheets.iter().enumerate() {
                                @if i > 0 { ", " }
                                @let dname = c.units.district(&s.district).map(|d| d.name.clone()).unwrap_or_else(|| s.district.clone());
                                @match crate::ops::parse_sheet_version(&s.version) {
                                    Some((id, n)) => a href=(format!("/bao-cao/{id}/phien-ban#ban-{n}")) { (dname) " (bản " (n) ")" },
                                    None => { (dname) " (" (s.version) ")" },
                                }
                            }
                            "."
                        }
                    }
                    @if !c.readonly {
                        div.instance-tools {
                            @if pos > 0 { button.small type="submit" name="thao_tac" value=(format!("len|{}", inst.id)) { "Lên trên" } }
                            @if pos + 1 < list.len() { button.small type="submit" name="thao_tac" value=(format!("xuong|{}", inst.id)) { "Xuống dưới" } }
                            button.small.danger type="submit" name="thao_tac" value=(format!("xoa|{}", inst.id))
                                data-confirm="Xóa mô hình này và mọi nội dung đã nhập của nó?" { "Xóa mô hình" }
                        }
                    }
                    @for child in c.t.children(Some(&block.id)) {
                        (render_node(c, numbers, child, Some(inst), false))
                    }
                }
            }
            @if !c.readonly {
                div.add-model {
                    label for=(format!("moi-{}", block.id)) { "Thêm mô hình " (family) " – " (level) ": " }
                    select id=(format!("moi-{}", block.id)) name=(format!("moi_mau|{}", block.id)) {
                        option value="" { "— chọn mô hình trong danh mục —" }
                        @for e in c.t.catalogue_for(block) { option value=(e.code) { (e.name) } }
                        option value="khac" { "Mô hình khác (ghi tên)" }
                    }
                    input type="text" name=(format!("moi_ten|{}", block.id)) placeholder="Tên mô hình khác" maxlength="300"
                        aria-label="Tên mô hình khác";
                    button type="submit" name="thao_tac" value=(format!("them|{}", block.id)) { "Thêm mô hình" }
                }
            }
        }
    }
}

/// Beside an item of a rolled-up instance: the province's corrections of the districts' values
/// (with who made them), and each district's own answer (material for the province's text).
fn district_material(c: &FormCtx, n: &Node, inst: &Instance) -> Markup {
    let (Some(fill), Some(rollup)) = (n.district, &inst.rollup) else {
        return html! {};
    };
    let name = |d: &str| {
        c.units
            .district(d)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| d.to_string())
    };
    let corrections: Vec<consolidate::rollup::Correction> =
        consolidate::rollup::corrections(c.t, inst)
            .into_iter()
            .filter(|x| x.item == n.id)
            .collect();
    let who = c.changed_by.get(&format!("{} [{}]", n.id, inst.id));
    let answers: Vec<(String, String)> = rollup
        .sheets
        .iter()
        .filter_map(|s| {
            let v = s.answers.get(&n.id)?;
            Some((
                name(&s.district),
                crate::ops::readable(c.t, c.units, &n.id, Some(&v.to_string())),
            ))
        })
        .collect();
    html! {
        @if !corrections.is_empty() {
            div.notice.correction role="note" {
                p {
                    strong { "Tỉnh đã sửa số liệu lấy từ phiếu cấp huyện" }
                    @if let Some((by, at)) = who { " (" (by) ", " (crate::format_time(*at)) ")" }
                    ":"
                }
                ul {
                    @for x in &corrections {
                        li {
                            @if !x.part.is_empty() { (part_label(c, n, &x.part)) ": " }
                            "báo cáo ghi " strong { (crate::ops::display(&x.value)) }
                            "; theo các phiếu cấp huyện " strong { (crate::ops::display(&x.district_value)) }
                        }
                    }
                }
            }
        }
        @if fill == outline::DistrictFill::Material && !answers.is_empty() {
            details.district-material open {
                summary { "Ý kiến của các đơn vị cấp huyện (" (answers.len()) ") – tư liệu để tỉnh viết mục này" }
                dl {
                    @for (d, text) in &answers {
                        dt { (d) }
                        dd { (text) }
                    }
                }
            }
        }
    }
}

/// A correction's place in words: a district row by the district's name, a figure cell by its
/// row's label and its column as the outline names it ("Biên chế được giao, đến 30/6/2021").
fn part_label(c: &FormCtx, n: &Node, part: &str) -> String {
    if let Some(d) = c.units.district(part) {
        return d.name.clone();
    }
    let Some((row, col)) = part.split_once('.') else {
        return part.to_string();
    };
    let row = n
        .answer
        .as_ref()
        .and_then(|a| a.row.iter().find(|r| r.key == row))
        .map(|r| r.label.clone())
        .unwrap_or_else(|| row.to_string());
    let cutoff = c.t.cutoff().map(|d| d.short_vi()).unwrap_or_default();
    let col = n
        .answer
        .as_ref()
        .map(|a| a.figure_column(col, &cutoff).to_lowercase())
        .unwrap_or_else(|| col.to_string());
    format!("{row}, {col}")
}

/// The HTML id of an answer's part (`f` field, `loi` its problems, `goi-y` its hint).
fn dom_id(part: &str, k: &str) -> String {
    format!("{part}-{}", k.replace('|', "-"))
}

fn problems_list(c: &FormCtx, k: &str) -> Markup {
    let (scope, item) = k.split_once('|').unwrap_or(("", k));
    let mine: Vec<&Problem> = c
        .problems
        .iter()
        .filter(|p| p.item == item && p.instance.as_deref().unwrap_or("") == scope)
        .collect();
    let comments: Vec<&Comment> = c
        .comments
        .iter()
        .filter(|m| m.item == item && m.instance.as_deref().unwrap_or("") == scope)
        .collect();
    html! {
        @for m in comments {
            div.comment { strong { "Ý kiến của Ban Tổ chức Trung ương (phiên bản " (m.version) "): " } (m.body) }
        }
        ul.problems data-for=(k) id=(dom_id("loi", k)) {
            @for p in mine {
                li class=(if p.severity == Severity::Error { "error" } else { "warning" }) { (p.message) }
            }
        }
    }
}

fn render_answer(c: &FormCtx, n: &Node, scope: Option<&str>) -> Markup {
    let Some(a) = &n.answer else {
        return html! {};
    };
    let k = key(scope, &n.id);
    let name = format!("v|{k}");
    let value = c.r.scope(instance(c.r, scope)).get(&n.id);
    let ro = c.readonly;
    let id = dom_id("f", &k);
    // The field is described by its hint and its problems (announced by screen readers), and
    // marked invalid while it has an error; app.js keeps both up to date after each autosave.
    let described = match n.hint.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(_) => format!("{} {}", dom_id("goi-y", &k), dom_id("loi", &k)),
        None => dom_id("loi", &k),
    };
    let (p_scope, p_item) = k.split_once('|').unwrap_or(("", &k));
    let invalid = c.problems.iter().any(|p| {
        p.severity == Severity::Error
            && p.item == p_item
            && p.instance.as_deref().unwrap_or("") == p_scope
    });
    let required = a.required
        && !(c.r.is_district_sheet() && n.district == Some(outline::DistrictFill::Material));
    // Every field has a name: its item's words, else its hint, else its parent's title.
    let accessible = {
        let own = report::tree::strip_markup(&n.text);
        if !own.trim().is_empty() {
            own
        } else if let Some(h) = n.hint.as_deref().filter(|h| !h.trim().is_empty()) {
            h.to_string()
        } else {
            n.parent
                .as_deref()
                .and_then(|p| c.t.node(p))
                .map(|p| report::tree::strip_markup(&p.text))
                .unwrap_or_else(|| n.id.clone())
        }
    };
    let field = match a.kind {
        AnswerType::Narrative => html! {
            textarea id=(id) name=(name) rows="5" maxlength="100000" disabled[ro]
                aria-label=(accessible) aria-required=[required.then_some("true")] aria-describedby=(described) aria-invalid=[invalid.then_some("true")] { (text(value)) }
        },
        AnswerType::Text => html! {
            input id=(id) type="text" name=(name) value=(text(value)) maxlength="2000" disabled[ro]
                aria-label=(accessible) aria-required=[required.then_some("true")] aria-describedby=(described) aria-invalid=[invalid.then_some("true")];
        },
        AnswerType::Integer => html! {
            input.num id=(id) type="text" inputmode="numeric" name=(name) value=(value.map(shown_int).unwrap_or_default())
                disabled[ro] aria-label=(accessible) aria-required=[required.then_some("true")] aria-describedby=(described) aria-invalid=[invalid.then_some("true")];
            @if let Some(u) = &a.unit { " " (u) }
        },
        AnswerType::Date => html! {
            input.date id=(id) type="text" name=(name) value=(date_shown(&text(value)))
                placeholder="ngày/tháng/năm" disabled[ro] aria-label=(accessible) aria-required=[required.then_some("true")] aria-describedby=(described) aria-invalid=[invalid.then_some("true")];
        },
        AnswerType::Choice => html! {
            div.choices role="radiogroup" aria-label=(accessible) aria-describedby=(described)
                aria-required=[required.then_some("true")] aria-invalid=[invalid.then_some("true")] {
                @for o in &a.option {
                    label.choice {
                        input type="radio" name=(name) value=(o.value)
                            checked[value.and_then(Value::as_str) == Some(o.value.as_str())] disabled[ro];
                        " " (o.label)
                    }
                }
                @if !required && !ro {
                    label.choice { input type="radio" name=(name) value="" checked[value.is_none()]; " (chưa chọn)" }
                }
            }
        },
        AnswerType::Multichoice => html! {
            div.choices role="group" aria-label=(accessible) aria-describedby=(described) {
                @for o in &a.option {
                    @let on = value.and_then(Value::as_array).is_some_and(|l| l.iter().any(|x| x.as_str() == Some(&o.value)));
                    label.choice { input type="checkbox" name=(name) value=(o.value) checked[on] disabled[ro]; " " (o.label) }
                }
            }
        },
        AnswerType::Docrefs => docrefs(c, &k, value),
        AnswerType::Records => records(c, n, &k, value),
        AnswerType::Figures => figures(c, n, &k, value),
    };
    html! {
        div.answer data-key=(k) id=(field_anchor(scope, &n.id)) {
            input type="hidden" name=(format!("p|{k}")) value="";
            // The answer as this page was given it: a save made from a stale page changes only
            // what the user changed, and refuses only what someone else changed meanwhile.
            input type="hidden" name=(format!("o|{k}")) value=(value.map(|v| v.to_string()).unwrap_or_default());
            (field)
            // An item without words of its own says it beside the field.
            @if required && report::tree::strip_markup(&n.text).trim().is_empty() {
                span.req-label { "(bắt buộc)" }
            }
            (problems_list(c, &k))
        }
    }
}

fn shown_int(v: &Value) -> String {
    match v {
        Value::Number(n) => n.as_i64().map(vi::format_int).unwrap_or_default(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

fn instance<'a>(r: &'a Report, scope: Option<&str>) -> Option<&'a Instance> {
    let scope = scope?;
    r.blocks.values().flatten().find(|i| i.id == scope)
}

fn rows_of(value: Option<&Value>) -> Vec<Map<String, Value>> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|r| r.as_object().cloned()).collect())
        .unwrap_or_default()
}

fn docrefs(c: &FormCtx, k: &str, value: Option<&Value>) -> Markup {
    let mut rows = rows_of(value);
    if !c.readonly {
        rows.push(Map::new());
    }
    let cols = [
        ("number", "Số, ký hiệu"),
        ("date", "Ngày"),
        ("issuer", "Cơ quan ban hành"),
        ("title", "Trích yếu"),
    ];
    html! {
        table.grid data-rows=(k) aria-describedby=(dom_id("loi", k)) {
            thead { tr { @for (_, l) in cols { th { (l) } } } }
            tbody {
                @for (i, row) in rows.iter().enumerate() {
                    tr {
                        @for (col, l) in cols {
                            @let v = text(row.get(col));
                            @let v = if col == "date" { date_shown(&v) } else { v };
                            td data-label=(l) { input type="text" name=(format!("v|{k}|{i}|{col}")) value=(v) aria-label=(l)
                                placeholder=(if col == "date" { "ngày/tháng/năm" } else { "" }) disabled[c.readonly]; }
                        }
                    }
                }
            }
        }
        @if !c.readonly { button.small.add-row type="button" data-table=(k) { "Thêm dòng" } }
    }
}

fn records(c: &FormCtx, n: &Node, k: &str, value: Option<&Value>) -> Markup {
    let Some(a) = &n.answer else {
        return html! {};
    };
    let mut rows = rows_of(value);
    // A district's sheet has one row, its own district's: no empty row once it is there.
    let own_row = c.r.is_district_sheet() && n.district == Some(outline::DistrictFill::Row);
    if !c.readonly && (!own_row || rows.is_empty()) {
        rows.push(Map::new());
    }
    let districts: Vec<&units::District> = c
        .units
        .districts_of(&c.r.unit.province)
        .filter(|d| c.r.unit.district.as_ref().is_none_or(|own| own == &d.code))
        .collect();
    html! {
        table.grid data-rows=(k) aria-describedby=(dom_id("loi", k)) {
            thead { tr { @for col in &a.column { th { (col.label) } } } }
            tbody {
                @for (i, row) in rows.iter().enumerate() {
                    tr {
                        @for col in &a.column {
                            @let name = format!("v|{k}|{i}|{}", col.key);
                            @let v = row.get(&col.key);
                            td data-label=(col.label) {
                                @match col.kind {
                                    ColumnType::Unit => {
                                        select name=(name) aria-label=(col.label) disabled[c.readonly] {
                                            option value="" { "— chọn —" }
                                            @for d in &districts {
                                                option value=(d.code) selected[text(v) == d.code] { (d.name) }
                                            }
                                        }
                                    }
                                    ColumnType::Choice => {
                                        select name=(name) aria-label=(col.label) disabled[c.readonly] {
                                            option value="" { "— chọn —" }
                                            @for o in &col.option {
                                                option value=(o.value) selected[text(v) == o.value] { (o.label) }
                                            }
                                        }
                                    }
                                    ColumnType::Date => {
                                        input.date type="text" name=(name) value=(date_shown(&text(v))) placeholder="ngày/tháng/năm"
                                            aria-label=(col.label) disabled[c.readonly];
                                    }
                                    ColumnType::Integer => {
                                        input.num type="text" inputmode="numeric" name=(name) value=(v.map(shown_int).unwrap_or_default())
                                            aria-label=(col.label) disabled[c.readonly];
                                    }
                                    ColumnType::Text => {
                                        input type="text" name=(name) value=(text(v)) maxlength="2000" aria-label=(col.label) disabled[c.readonly];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !c.readonly && !own_row { button.small.add-row type="button" data-table=(k) { "Thêm dòng" } }
    }
}

fn figures(c: &FormCtx, n: &Node, k: &str, value: Option<&Value>) -> Markup {
    let Some(a) = &n.answer else {
        return html! {};
    };
    let get = |row: &str, col: &str| -> String {
        value
            .and_then(|v| v.get(row))
            .and_then(|r| r.get(col))
            .map(shown_int)
            .unwrap_or_default()
    };
    // The columns as the outline names them ("Trước tinh giản"), the pilots' by default.
    let cutoff = c.t.cutoff().map(|d| d.short_vi()).unwrap_or_default();
    let (before, authorised, after) = (
        a.figure_column("before", &cutoff),
        a.figure_column("authorised", &cutoff),
        a.figure_column("after", &cutoff),
    );
    html! {
        table.grid.figures aria-describedby=(dom_id("loi", k)) {
            thead { tr {
                th { "Nội dung" }
                th { (before) }
                @if a.authorised { th { (authorised) } }
                th { (after) }
                th { "Tăng (+), giảm (−)" }
            } }
            tbody {
                @for row in &a.row {
                    tr.figure-row {
                        td class=(if row.sub { "sub" } else { "" }) { (row.label) }
                        td data-label=(before) { input.num.before type="text" inputmode="numeric" name=(format!("v|{k}|{}|before", row.key))
                            value=(get(&row.key, "before")) aria-label=(format!("{} – {}", row.label, before.to_lowercase())) disabled[c.readonly]; }
                        @if a.authorised {
                            td data-label=(authorised) { input.num type="text" inputmode="numeric" name=(format!("v|{k}|{}|authorised", row.key))
                                value=(get(&row.key, "authorised")) aria-label=(format!("{} – {}", row.label, authorised.to_lowercase())) disabled[c.readonly]; }
                        }
                        td data-label=(after) { input.num.after type="text" inputmode="numeric" name=(format!("v|{k}|{}|after", row.key))
                            value=(get(&row.key, "after")) aria-label=(format!("{} – {}", row.label, after.to_lowercase())) disabled[c.readonly]; }
                        td.change data-label="Tăng (+), giảm (−)" { output { (change(value.and_then(|v| v.get(&row.key)))) } }
                    }
                }
            }
        }
    }
}

fn change(row: Option<&Value>) -> String {
    let n = |k: &str| row.and_then(|r| r.get(k)).and_then(Value::as_i64);
    match (n("before"), n("after")) {
        (Some(b), Some(a)) => vi::format_change(a - b),
        _ => String::new(),
    }
}

fn render_document(c: &FormCtx) -> Markup {
    let d = &c.r.document;
    let ro = c.readonly;
    let field = |f: &str, v: String, hint: &str| {
        html! {
            div.answer data-key=(format!("|document.{f}")) {
                label for=(format!("d-{f}")) { (document_label(f)) }
                input id=(format!("d-{f}")) type="text" name=(format!("d|{f}")) value=(v) placeholder=(hint) disabled[ro]
                    aria-describedby=(dom_id("loi", &format!("|document.{f}")));
                (problems_list(c, &format!("|document.{f}")))
            }
        }
    };
    html! {
        div.node {
            input type="hidden" name="p||document" value="";
            input type="hidden" name="o||document" value=(serde_json::to_string(&c.r.document).unwrap_or_default());
            p.hint { "Các thông tin in ở đầu và cuối văn bản. Có thể để trống khi đang soạn; phải có đủ trước khi gửi." }
            (field("number", d.number.clone().unwrap_or_default(), "ví dụ 05"))
            (field("place", d.place.clone().unwrap_or_default(), "mặc định: tên tỉnh"))
            (field("date", d.date.as_deref().map(date_shown).unwrap_or_default(), "ngày/tháng/năm"))
            (field("signer", d.signer.clone().unwrap_or_default(), "họ và tên"))
            div.answer data-key="|document.signer_title" {
                label for="d-signer_title" { (document_label("signer_title")) }
                select id="d-signer_title" name="d|signer_title" disabled[ro] aria-describedby=(dom_id("loi", "|document.signer_title")) {
                    option value="" { "— chọn —" }
                    @for t in ["BÍ THƯ", "PHÓ BÍ THƯ"] {
                        option value=(t) selected[d.signer_title.as_deref() == Some(t)] { (t) }
                    }
                }
                (problems_list(c, "|document.signer_title"))
            }
            div.answer data-key="|document.recipients" {
                label for="d-recipients" { "Nơi nhận (mỗi dòng một nơi; để trống để dùng danh sách mặc định)" }
                textarea id="d-recipients" name="d|recipients" rows="4" disabled[ro] aria-describedby=(dom_id("loi", "|document.recipients")) { (d.recipients.join("\n")) }
                (problems_list(c, "|document.recipients"))
            }
        }
    }
}

/// What a posted section form asks for besides saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    Save,
    Add {
        block: String,
        model: String,
        name: Option<String>,
    },
    Instance(String, crate::ops::InstanceOp),
}

/// A parsed section form.
pub struct Parsed {
    pub revision: i64,
    pub changes: Vec<Change>,
    /// The answers as the page was given them (`o|SCOPE|ITEM`, JSON; absent: empty), by
    /// (scope, item); the particulars under (`""`, "document"). Empty for a form without them.
    pub originals: HashMap<(String, String), Option<Value>>,
    /// The particulars, when the form carried them.
    pub document: Option<report::Particulars>,
    pub action: FormAction,
}

/// Parses a posted section form.
pub fn parse_form(t: &Template, pairs: &[(String, String)]) -> AppResult<Parsed> {
    let mut present: Vec<(String, String)> = Vec::new();
    let mut simple: HashMap<(String, String), Vec<String>> = HashMap::new();
    type Rows = BTreeMap<String, BTreeMap<String, String>>;
    let mut tables: HashMap<(String, String), Rows> = HashMap::new();
    let mut doc: HashMap<String, String> = HashMap::new();
    let mut revision = None;
    let mut action = FormAction::Save;
    let mut add_model: HashMap<String, String> = HashMap::new();
    let mut add_name: HashMap<String, String> = HashMap::new();
    let mut wanted: Option<String> = None;
    let mut originals: HashMap<(String, String), Option<Value>> = HashMap::new();
    for (k, v) in pairs {
        let parts: Vec<&str> = k.split('|').collect();
        match parts.as_slice() {
            ["p", scope, item] => present.push((scope.to_string(), item.to_string())),
            ["o", scope, item] => {
                let value = if v.trim().is_empty() {
                    None
                } else {
                    Some(serde_json::from_str(v).map_err(|_| {
                        AppError::bad_request("Biểu mẫu không đúng dạng; hãy tải lại trang.")
                    })?)
                };
                originals.insert((scope.to_string(), item.to_string()), value);
            }
            ["v", scope, item] => simple
                .entry((scope.to_string(), item.to_string()))
                .or_default()
                .push(v.clone()),
            ["v", scope, item, row, col] => {
                tables
                    .entry((scope.to_string(), item.to_string()))
                    .or_default()
                    .entry(row.to_string())
                    .or_default()
                    .insert(col.to_string(), v.clone());
            }
            ["d", field] => {
                doc.insert(field.to_string(), v.clone());
            }
            ["moi_mau", block] => {
                add_model.insert(block.to_string(), v.clone());
            }
            ["moi_ten", block] => {
                add_name.insert(block.to_string(), v.clone());
            }
            ["revision"] => {
                revision = Some(v.trim().parse::<i64>().map_err(|_| {
                    AppError::bad_request("Thiếu số phiên bản của báo cáo; hãy tải lại trang.")
                })?)
            }
            ["thao_tac"] => wanted = Some(v.clone()),
            _ => {}
        }
    }
    if let Some(w) = wanted {
        let (op, arg) = w.split_once('|').unwrap_or((w.as_str(), ""));
        action = match op {
            "them" => {
                let model = add_model.get(arg).cloned().unwrap_or_default();
                if model.is_empty() {
                    return Err(AppError::bad_request(
                        "Hãy chọn mô hình cần thêm trong danh mục (hoặc “Mô hình khác” và ghi tên).",
                    ));
                }
                FormAction::Add {
                    block: arg.to_string(),
                    model,
                    name: add_name.get(arg).cloned(),
                }
            }
            "xoa" => FormAction::Instance(arg.to_string(), crate::ops::InstanceOp::Remove),
            "len" => FormAction::Instance(arg.to_string(), crate::ops::InstanceOp::Up),
            "xuong" => FormAction::Instance(arg.to_string(), crate::ops::InstanceOp::Down),
            _ => FormAction::Save,
        };
    }
    let revision = revision.ok_or_else(|| {
        AppError::bad_request("Thiếu số phiên bản của báo cáo; hãy tải lại trang.")
    })?;
    let mut changes = Vec::new();
    let mut document = None;
    for (scope, item) in present {
        if item == DOCUMENT {
            document = Some(particulars(&doc));
            continue;
        }
        let Some(a) = t.node(&item).and_then(|n| n.answer.as_ref()) else {
            return Err(AppError::bad_request(format!(
                "Mục “{item}” không có trong đề cương."
            )));
        };
        let k = (scope.clone(), item.clone());
        let values = simple.get(&k).cloned().unwrap_or_default();
        let first = values.first().map(|s| s.as_str()).unwrap_or("");
        let rows = tables.remove(&k).unwrap_or_default();
        let value = match a.kind {
            AnswerType::Narrative => {
                let s = first.replace("\r\n", "\n");
                let s = s.trim();
                (!s.is_empty()).then(|| Value::String(s.to_string()))
            }
            AnswerType::Text | AnswerType::Choice => {
                let s = first.trim();
                (!s.is_empty()).then(|| Value::String(s.to_string()))
            }
            AnswerType::Integer => int_value(first),
            AnswerType::Date => (!first.trim().is_empty()).then(|| date_value(first)),
            AnswerType::Multichoice => {
                let l: Vec<Value> = values
                    .iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.clone()))
                    .collect();
                (!l.is_empty()).then_some(Value::Array(l))
            }
            AnswerType::Docrefs | AnswerType::Records => {
                let mut ordered: Vec<(usize, BTreeMap<String, String>)> = rows
                    .into_iter()
                    .filter_map(|(i, r)| i.parse::<usize>().ok().map(|i| (i, r)))
                    .collect();
                ordered.sort_by_key(|(i, _)| *i);
                let mut list = Vec::new();
                for (_, row) in ordered {
                    let mut obj = Map::new();
                    for (col, v) in row {
                        if v.trim().is_empty() {
                            continue;
                        }
                        let kind = a.column.iter().find(|c| c.key == col).map(|c| c.kind);
                        let val = match (a.kind, col.as_str(), kind) {
                            (AnswerType::Docrefs, "date", _) | (_, _, Some(ColumnType::Date)) => {
                                date_value(&v)
                            }
                            (_, _, Some(ColumnType::Integer)) => {
                                int_value(&v).unwrap_or(Value::Null)
                            }
                            _ => Value::String(v.trim().to_string()),
                        };
                        obj.insert(col, val);
                    }
                    if !obj.is_empty() {
                        list.push(Value::Object(obj));
                    }
                }
                (!list.is_empty()).then_some(Value::Array(list))
            }
            AnswerType::Figures => {
                let mut obj = Map::new();
                for row in &a.row {
                    let Some(cells) = rows.get(&row.key) else {
                        continue;
                    };
                    let mut r = Map::new();
                    for col in ["before", "authorised", "after"] {
                        if let Some(v) = cells.get(col).and_then(|v| int_value(v)) {
                            r.insert(col.to_string(), v);
                        }
                    }
                    if !r.is_empty() {
                        obj.insert(row.key.clone(), Value::Object(r));
                    }
                }
                (!obj.is_empty()).then_some(Value::Object(obj))
            }
        };
        changes.push(Change {
            instance: (!scope.is_empty()).then_some(scope),
            item,
            value,
        });
    }
    Ok(Parsed {
        revision,
        changes,
        originals,
        document,
        action,
    })
}

fn particulars(doc: &HashMap<String, String>) -> report::Particulars {
    let get = |k: &str| {
        doc.get(k)
            .map(|s| vi::nfc(s.trim()))
            .filter(|s| !s.is_empty())
    };
    report::Particulars {
        number: get("number"),
        place: get("place"),
        date: get("date").map(|d| match date_value(&d) {
            Value::String(s) => s,
            _ => d,
        }),
        signer: get("signer"),
        signer_title: get("signer_title"),
        recipients: doc
            .get("recipients")
            .map(|s| {
                s.lines()
                    .map(|l| vi::nfc(l.trim().trim_start_matches("- ").trim()))
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Every place a reviewer can comment on: (item, instance, place), in outline order.
pub fn commentable(t: &Template, r: &Report) -> Vec<(String, Option<String>, String)> {
    report::tree::resolve(t, r, Default::default())
        .into_iter()
        .filter(|e| e.node.answer.is_some() || e.node.kind == NodeKind::Heading)
        // A district's sheet: only what the district fills.
        .filter(|e| !r.is_district_sheet() || t.in_district_sheet(e.node))
        .map(|e| {
            (
                e.node.id.clone(),
                e.instance.map(|i| i.id.clone()),
                e.place(),
            )
        })
        .collect()
}

/// The (unescaped) JSON a script reads: escapes `<` so that no text can close the script tag.
pub fn script_json(v: &impl serde::Serialize) -> PreEscaped<String> {
    PreEscaped(
        serde_json::to_string(v)
            .unwrap_or_default()
            .replace('<', "\\u003c"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kl74() -> Template {
        outline::builtin("kl74-2021").unwrap()
    }

    #[test]
    fn sections_cover_every_answer() {
        let t = kl74();
        let keys: HashSet<String> = sections(&t).into_iter().map(|s| s.key).collect();
        assert!(keys.contains("A.I") && keys.contains("B.II") && keys.contains(DOCUMENT));
        for n in &t.node {
            if n.answer.is_some() {
                assert!(keys.contains(&section_of(&t, &n.id)), "{}", n.id);
            }
        }
    }

    #[test]
    fn form_values_become_typed_answers() {
        let t = kl74();
        let figures = t
            .node
            .iter()
            .find(|n| {
                n.answer
                    .as_ref()
                    .is_some_and(|a| a.kind == AnswerType::Figures)
            })
            .unwrap();
        let row = &figures.answer.as_ref().unwrap().row[0].key;
        let pairs: Vec<(String, String)> = vec![
            ("revision".into(), "7".into()),
            ("p|m1|".to_string() + &figures.id, String::new()),
            (format!("v|m1|{}|{row}|before", figures.id), "1.234".into()),
            (format!("v|m1|{}|{row}|after", figures.id), "12".into()),
            ("p||document".into(), String::new()),
            ("d|date".into(), "5/9/2021".into()),
        ];
        let p = parse_form(&t, &pairs).unwrap();
        assert_eq!(p.revision, 7);
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.changes[0].instance.as_deref(), Some("m1"));
        assert_eq!(
            p.changes[0].value.as_ref().unwrap()[row],
            serde_json::json!({"before": 1234, "after": 12})
        );
        assert_eq!(p.document.unwrap().date.as_deref(), Some("2021-09-05"));
    }

    #[test]
    fn a_bad_date_is_kept_for_validation_to_name() {
        assert_eq!(date_value("31/6/2021"), Value::String("31/6/2021".into()));
        assert_eq!(date_value("30-6-2021"), Value::String("2021-06-30".into()));
        assert_eq!(date_value("5/9/2021"), Value::String("2021-09-05".into()));
        assert_eq!(date_value("05-09-2021"), Value::String("2021-09-05".into()));
        assert_eq!(
            date_value("ngày 5 tháng 9 năm 2021"),
            Value::String("2021-09-05".into())
        );
        assert_eq!(date_value("2021-09-05"), Value::String("2021-09-05".into()));
        assert_eq!(date_shown("2021-09-05"), "05/09/2021");
        assert_eq!(
            date_shown("31/6/2021"),
            "31/6/2021",
            "a bad date is shown as typed"
        );
    }
}
