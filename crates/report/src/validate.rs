//! Validation: one engine for the CLI, the web form and the API. Every problem names its place
//! in the outline and says in Vietnamese what to fix; errors block submission, warnings do not.
//! A draft (`draft = true`) is checked for what is wrong, not for what is missing.

use std::collections::{BTreeMap, HashMap, HashSet};

use outline::{AnswerType, ColumnType, Condition, NodeKind, Severity, Template};
use serde::Serialize;
use serde_json::Value;
use units::Units;

use crate::model::{Instance, Report};
use crate::tree::{resolve, Entry, TreeOptions};

/// The longest text accepted in one answer, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// The longest one-line answer (`text`), in characters.
pub const MAX_LINE_CHARS: usize = 2_000;

/// A problem of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Where, in outline terms: "B.II.1.2.2 – Thời điểm kết thúc thí điểm".
    pub place: String,
    /// The template item id ("B.II.1.m.x2.kt"), or a part of the document ("document.date").
    pub item: String,
    /// The instance id of a repeated block, if the problem is inside one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// What is wrong and what to do, in Vietnamese.
    pub message: String,
    /// Something required is missing: a draft's validation leaves these out, so one full
    /// validation serves both (`Options::draft` = the full problems without these).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Validation options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// A draft: report only what is wrong, not what is missing.
    pub draft: bool,
}

/// How much of what a report must answer it answers: (filled, required), counting every
/// required answer (also required by a condition that holds) of the outline as laid out for the
/// report, blocks' instances included. A district's sheet counts the items it fills that it must.
pub fn completeness(t: &Template, r: &Report) -> (usize, usize) {
    let (mut filled, mut required) = (0, 0);
    let sheet = r.is_district_sheet();
    for e in resolve(t, r, TreeOptions::default()) {
        let Some(a) = &e.node.answer else { continue };
        if sheet
            && (e.node.district.is_none()
                || e.node.district == Some(outline::DistrictFill::Material))
        {
            continue;
        }
        let scope = r.scope(e.instance);
        let holds = |c: &Condition| {
            scope
                .get(&c.item)
                .and_then(Value::as_str)
                .is_some_and(|v| c.equals.contains(v))
        };
        if !(a.required || a.required_if.as_ref().is_some_and(holds)) {
            continue;
        }
        required += 1;
        if scope.get(&e.node.id).is_some_and(|v| !is_empty(v)) {
            filled += 1;
        }
    }
    (filled, required)
}

/// Whether any problem is an error.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// The place of an entry, named only when a problem is found there (naming it costs a string
/// per entry, and most entries have no problem).
struct Place<'e, 'a> {
    e: &'e Entry<'a>,
    name: std::cell::OnceCell<String>,
}

impl<'e, 'a> Place<'e, 'a> {
    fn new(e: &'e Entry<'a>) -> Self {
        Place {
            e,
            name: std::cell::OnceCell::new(),
        }
    }
    fn get(&self) -> String {
        self.name.get_or_init(|| self.e.place()).clone()
    }
}

struct V<'a> {
    t: &'a Template,
    r: &'a Report,
    units: &'a Units,
    opts: Options,
    cutoff: Option<vi::Date>,
    earliest: Option<vi::Date>,
    out: Vec<Problem>,
    /// The problems pushed now are "missing" ones (`Problem::missing`).
    marking: bool,
}

/// Validates a report against its template.
pub fn validate(t: &Template, r: &Report, units: &Units, opts: Options) -> Vec<Problem> {
    check(t, r, units, opts).problems()
}

/// A report's validation kept by part, so that a change of a few answers re-validates only
/// them ([`recheck`]): the problems of the particulars and structure, of each entry of the laid
/// out outline, and of the rules between items. [`Checked::problems`] is [`validate`]'s answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    draft: bool,
    /// The particulars' and the structure's problems (cheap: made again on every recheck).
    head: Vec<Problem>,
    /// Each entry's problems, in the order of the laid out outline.
    entries: Vec<Vec<Problem>>,
    /// The rules' problems.
    rules: Vec<Problem>,
}

impl Checked {
    /// Every problem, in [`validate`]'s order.
    pub fn problems(&self) -> Vec<Problem> {
        self.iter().cloned().collect()
    }

    /// Every problem, in [`validate`]'s order, borrowed.
    pub fn iter(&self) -> impl Iterator<Item = &Problem> + '_ {
        self.head
            .iter()
            .chain(self.entries.iter().flatten())
            .chain(self.rules.iter())
    }

    /// The options it was made with.
    pub fn options(&self) -> Options {
        Options { draft: self.draft }
    }
}

/// The entries validation walks: the outline laid out for the report, a district's sheet keeping
/// only the items its template marks `district`.
fn entries<'a>(t: &'a Template, r: &'a Report) -> Vec<Entry<'a>> {
    let mut entries = resolve(t, r, TreeOptions::default());
    if r.is_district_sheet() {
        entries.retain(|e| e.node.district.is_some());
    }
    entries
}

/// Validates a report, keeping the problems by part ([`Checked`]).
pub fn check(t: &Template, r: &Report, units: &Units, opts: Options) -> Checked {
    let mut v = V::new(t, r, units, opts);
    v.header();
    v.structure();
    let head = std::mem::take(&mut v.out);
    let entries = entries(t, r);
    let mut per_entry = Vec::with_capacity(entries.len());
    for e in &entries {
        if let Some(a) = &e.node.answer {
            v.answer(e, a);
        }
        per_entry.push(std::mem::take(&mut v.out));
    }
    v.rules(&entries);
    Checked {
        draft: opts.draft,
        head,
        entries: per_entry,
        rules: v.out,
    }
}

/// Whether two reports lay the outline out the same way and share what every entry's
/// validation reads besides the answers of its own scope: the unit, and each block's instances
/// (ids, models, names) in the same order.
fn same_layout(a: &Report, b: &Report) -> bool {
    a.unit == b.unit
        && a.blocks.len() == b.blocks.len()
        && a.blocks.iter().zip(&b.blocks).all(|((ka, la), (kb, lb))| {
            ka == kb
                && la.len() == lb.len()
                && la
                    .iter()
                    .zip(lb)
                    .all(|(x, y)| x.id == y.id && x.model == y.model && x.name == y.name)
        })
}

/// The keys whose answers differ between two scopes.
fn changed_keys<'k>(
    a: &'k BTreeMap<String, Value>,
    b: &'k BTreeMap<String, Value>,
) -> HashSet<&'k str> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .map(String::as_str)
        .collect()
}

/// The validation of `after`, a change of `before` whose validation is `checked` (with the same
/// template, units and options): only the entries whose answers changed (or whose condition's
/// item changed) are validated again, with the particulars, the structure and the rules (all
/// cheap); the other entries keep their problems. Equal to [`check`] of `after` (a randomised
/// test holds it to that); a change of the layout (instances added, removed, moved, another
/// unit) validates `after` whole.
pub fn recheck(
    t: &Template,
    units: &Units,
    before: &Report,
    checked: &Checked,
    after: &Report,
) -> Checked {
    let opts = checked.options();
    if !same_layout(before, after) {
        return check(t, after, units, opts);
    }
    let entries = entries(t, after);
    if entries.len() != checked.entries.len() {
        return check(t, after, units, opts);
    }
    // What changed, by scope: the top level, and each instance by (block, position).
    let top = changed_keys(&before.answers, &after.answers);
    let mut inside: HashMap<(&str, usize), HashSet<&str>> = HashMap::new();
    for ((block, la), lb) in before.blocks.iter().zip(after.blocks.values()) {
        for (i, (x, y)) in la.iter().zip(lb).enumerate() {
            let keys = changed_keys(&x.answers, &y.answers);
            if !keys.is_empty() {
                inside.insert((block.as_str(), i), keys);
            }
        }
    }
    let mut v = V::new(t, after, units, opts);
    v.header();
    v.structure();
    let head = std::mem::take(&mut v.out);
    let mut per_entry = Vec::with_capacity(entries.len());
    for (e, old) in entries.iter().zip(&checked.entries) {
        let Some(a) = &e.node.answer else {
            per_entry.push(old.clone());
            continue;
        };
        let changed = match (e.instance, e.block) {
            (None, _) => Some(&top),
            (Some(_), Some(at)) => inside.get(&at),
            (Some(_), None) => None,
        };
        let affected = changed.is_some_and(|keys| {
            keys.contains(e.node.id.as_str())
                || a.required_if
                    .as_ref()
                    .is_some_and(|c| keys.contains(c.item.as_str()))
        });
        if affected {
            v.answer(e, a);
            per_entry.push(std::mem::take(&mut v.out));
        } else {
            per_entry.push(old.clone());
        }
    }
    v.rules(&entries);
    Checked {
        draft: opts.draft,
        head,
        entries: per_entry,
        rules: v.out,
    }
}

impl<'a> V<'a> {
    fn new(t: &'a Template, r: &'a Report, units: &'a Units, opts: Options) -> V<'a> {
        V {
            t,
            r,
            units,
            opts,
            cutoff: t.cutoff(),
            earliest: t.earliest(),
            out: Vec::new(),
            marking: false,
        }
    }

    fn push(
        &mut self,
        sev: Severity,
        place: String,
        item: &str,
        inst: Option<&Instance>,
        msg: String,
    ) {
        self.out.push(Problem {
            severity: sev,
            place,
            item: item.to_string(),
            instance: inst.map(|i| i.id.clone()),
            message: msg,
            missing: self.marking,
        });
    }
    /// An error that something is missing: not reported for drafts, and marked so that one
    /// validation serves both (`Problem::missing`).
    fn missing_err(&mut self, e: &Entry<'a>, place: &Place<'_, 'a>, msg: String) {
        self.marking = true;
        self.err(e, place, msg);
        self.marking = false;
    }
    fn missing_doc_err(&mut self, item: &str, msg: String) {
        self.marking = true;
        self.doc_err(item, msg);
        self.marking = false;
    }
    fn doc_err(&mut self, item: &str, msg: String) {
        self.push(Severity::Error, "Thông tin văn bản".into(), item, None, msg);
    }

    fn header(&mut self) {
        let (t, r) = (self.t, self.r);
        if r.template.id != t.template.id {
            self.doc_err(
                "template.id",
                format!(
                    "báo cáo theo đề cương “{}”, không phải “{}”",
                    r.template.id, t.template.id
                ),
            );
        } else if r.template.version != t.template.version {
            self.push(
                Severity::Warning,
                "Thông tin văn bản".into(),
                "template.version",
                None,
                format!(
                    "báo cáo theo phiên bản {} của đề cương, hiện hành là {}",
                    r.template.version, t.template.version
                ),
            );
        }
        if self.units.province(&r.unit.province).is_none() {
            self.doc_err(
                "unit.province",
                format!("không có tỉnh, thành phố mã “{}”", r.unit.province),
            );
        }
        if let Some(code) = &r.unit.district {
            self.sheet_header(code);
            return;
        }
        let d = &r.document;
        if let Some(n) = &d.number {
            if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) || n.len() > 6 {
                self.doc_err(
                    "document.number",
                    format!("số văn bản “{n}” phải là số (ví dụ 05)"),
                );
            }
        }
        match &d.date {
            Some(s) => match vi::Date::parse_iso(s) {
                Ok(date) => {
                    if let Some(c) = self.cutoff {
                        if date < c {
                            self.push(
                                Severity::Warning,
                                "Thông tin văn bản".into(),
                                "document.date",
                                None,
                                format!(
                                    "ngày văn bản {} ở trước ngày chốt số liệu {}",
                                    date.short_vi(),
                                    c.short_vi()
                                ),
                            );
                        }
                    }
                }
                Err(e) => self.doc_err("document.date", format!("ngày văn bản: {e}")),
            },
            None if !self.opts.draft => {
                self.missing_doc_err("document.date", "thiếu ngày ban hành văn bản".into())
            }
            None => {}
        }
        if !self.opts.draft {
            if d.signer.as_deref().is_none_or(|s| s.trim().is_empty()) {
                self.missing_doc_err(
                    "document.signer",
                    "thiếu họ tên người ký (T/M Ban Thường vụ)".into(),
                );
            }
            if d.signer_title
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                self.missing_doc_err(
                    "document.signer_title",
                    "thiếu chức danh người ký (BÍ THƯ hoặc PHÓ BÍ THƯ)".into(),
                );
            }
        }
        for (field, value) in [
            ("document.place", d.place.as_deref()),
            ("document.signer", d.signer.as_deref()),
            ("document.signer_title", d.signer_title.as_deref()),
        ] {
            if value.is_some_and(|s| s.chars().count() > 200) {
                self.doc_err(field, "quá dài (tối đa 200 ký tự)".into());
            }
        }
    }

    /// A district sheet's unit: a district of the sheet's province. Sheets carry no document
    /// particulars (the province's report is the document).
    fn sheet_header(&mut self, code: &str) {
        let r = self.r;
        match self.units.district(code) {
            None => self.doc_err(
                "unit.district",
                format!("không có đơn vị cấp huyện mã “{code}”"),
            ),
            Some(d) if d.province_code != r.unit.province => self.doc_err(
                "unit.district",
                format!(
                    "{} không thuộc tỉnh, thành phố mã “{}”",
                    d.name, r.unit.province
                ),
            ),
            Some(_) => {}
        }
        if r.document != Default::default() {
            self.doc_err(
                "document",
                "phiếu cấp huyện không có thông tin văn bản (số, ngày, người ký): báo cáo của tỉnh là văn bản".into(),
            );
        }
    }

    /// Keys that are not in the template, blocks and their models.
    fn structure(&mut self) {
        let (t, r) = (self.t, self.r);
        let sheet = r.is_district_sheet();
        if sheet {
            for key in r.answers.keys() {
                self.doc_err(
                    key,
                    format!("mục “{key}” không thuộc phần cấp huyện điền (phiếu cấp huyện chỉ điền các khối cấp huyện)"),
                );
            }
        }
        for key in r.answers.keys().filter(|_| !sheet) {
            match t.node(key) {
                Some(n) if n.answer.is_some() && t.enclosing_repeat(key).is_none() => {}
                Some(n) if n.answer.is_some() => self.doc_err(
                    key,
                    format!(
                        "mục “{key}” thuộc khối lặp “{}”: ghi trong khối, không ghi ở ngoài",
                        t.enclosing_repeat(key).map(|b| b.id.as_str()).unwrap_or("")
                    ),
                ),
                _ => self.doc_err(
                    key,
                    format!("mục “{key}” không có trong đề cương hoặc không nhận câu trả lời"),
                ),
            }
        }
        for (block_id, instances) in &r.blocks {
            let Some(block) = t.node(block_id).filter(|n| n.kind == NodeKind::Repeat) else {
                self.doc_err(
                    block_id,
                    format!("khối lặp “{block_id}” không có trong đề cương"),
                );
                continue;
            };
            if sheet && !t.district_blocks().any(|b| b.id == block.id) {
                self.doc_err(
                    block_id,
                    format!("khối “{block_id}” không thuộc phần cấp huyện điền"),
                );
                continue;
            }
            let mut ids = HashSet::new();
            let mut models = HashSet::new();
            for inst in instances {
                let place = format!("{} ({})", block_id, inst.id);
                if sheet && inst.rollup.is_some() {
                    self.push(
                        Severity::Error,
                        place.clone(),
                        block_id,
                        Some(inst),
                        "phiếu cấp huyện không chứa số liệu tổng hợp (rollup)".into(),
                    );
                }
                if !ids.insert(inst.id.as_str()) {
                    self.push(
                        Severity::Error,
                        place.clone(),
                        block_id,
                        Some(inst),
                        format!("mã khối “{}” bị trùng", inst.id),
                    );
                }
                if inst.model == "khac" {
                    if inst.name.as_deref().is_none_or(|s| s.trim().is_empty()) {
                        self.push(
                            Severity::Error,
                            place.clone(),
                            block_id,
                            Some(inst),
                            "mô hình khác (ngoài danh mục) cần ghi tên mô hình".into(),
                        );
                    }
                } else if !t.catalogue_for(block).any(|c| c.code == inst.model) {
                    let allowed: Vec<&str> =
                        t.catalogue_for(block).map(|c| c.code.as_str()).collect();
                    self.push(
                        Severity::Error,
                        place.clone(),
                        block_id,
                        Some(inst),
                        format!(
                            "mô hình “{}” không thuộc khối này (chọn một trong {} hoặc “khac”)",
                            inst.model,
                            allowed.join(", ")
                        ),
                    );
                } else if !models.insert(inst.model.as_str()) {
                    self.push(
                        Severity::Error,
                        place.clone(),
                        block_id,
                        Some(inst),
                        format!(
                            "mô hình {} được báo cáo hai lần trong cùng một khối",
                            inst.model
                        ),
                    );
                }
                for key in inst.answers.keys() {
                    let inside = t.node(key).is_some_and(|n| {
                        n.answer.is_some()
                            && t.enclosing_repeat(key).map(|b| &b.id) == Some(&block.id)
                    });
                    if inside && sheet && t.district_fill(key).is_none() {
                        self.push(
                            Severity::Error,
                            place.clone(),
                            key,
                            Some(inst),
                            format!("mục “{key}” do tỉnh điền, không thuộc phiếu cấp huyện"),
                        );
                    } else if !inside {
                        self.push(
                            Severity::Error,
                            place.clone(),
                            key,
                            Some(inst),
                            format!(
                                "mục “{key}” không có trong khối này hoặc không nhận câu trả lời"
                            ),
                        );
                    }
                }
            }
        }
    }

    fn condition(&self, c: &Condition, scope: &BTreeMap<String, Value>) -> bool {
        scope
            .get(&c.item)
            .and_then(Value::as_str)
            .is_some_and(|v| c.equals.contains(v))
    }

    fn answer(&mut self, e: &Entry<'a>, a: &outline::Answer) {
        let scope = self.r.scope(e.instance);
        let value = scope.get(&e.node.id).filter(|v| !is_empty(v));
        // In a district sheet the district's own narrative (material) is optional.
        let material =
            self.r.is_district_sheet() && e.node.district == Some(outline::DistrictFill::Material);
        let required = !material
            && (a.required
                || a.required_if
                    .as_ref()
                    .is_some_and(|c| self.condition(c, scope)));
        let place = Place::new(e);
        let Some(value) = value else {
            if required && !self.opts.draft {
                self.missing_err(e, &place, "chưa có nội dung (bắt buộc)".into());
            }
            return;
        };
        match a.kind {
            AnswerType::Narrative | AnswerType::Text => match value.as_str() {
                Some(s) if s.chars().count() > MAX_TEXT_CHARS => self.err(
                    e,
                    &place,
                    format!(
                        "nội dung quá dài ({} ký tự; tối đa {})",
                        vi::format_int(s.chars().count() as i64),
                        vi::format_int(MAX_TEXT_CHARS as i64)
                    ),
                ),
                Some(s) if a.kind == AnswerType::Text && s.contains('\n') => {
                    self.err(e, &place, "chỉ ghi một dòng".into())
                }
                Some(s) if a.kind == AnswerType::Text && s.chars().count() > MAX_LINE_CHARS => self
                    .err(
                        e,
                        &place,
                        format!(
                            "quá dài (tối đa {} ký tự)",
                            vi::format_int(MAX_LINE_CHARS as i64)
                        ),
                    ),
                Some(s) => {
                    // Text pasted from a TCVN3 or VNI document that lost its font.
                    if let Some(d) = vi::detect_legacy(s).filter(|d| d.confidence >= 0.5) {
                        self.warn(
                            e,
                            &place,
                            format!(
                                "nội dung có vẻ gõ bằng bảng mã {} (mất phông chữ), đọc ra là “{}”: hãy chuyển sang Unicode",
                                d.encoding.name(),
                                vi::shorten(&d.text, 80)
                            ),
                        );
                    }
                }
                None => self.err(e, &place, "phải là văn bản".into()),
            },
            AnswerType::Integer => {
                if let Some(msg) = integer_problem(value, a.min.unwrap_or(0), a.max) {
                    self.err(e, &place, msg);
                }
            }
            AnswerType::Date => match value.as_str() {
                Some(s) => {
                    // The place already names the item.
                    self.date(e, &place, s, a.not_after_cutoff, "");
                }
                None => self.err(e, &place, "phải là ngày dạng YYYY-MM-DD".into()),
            },
            AnswerType::Choice => match value {
                Value::String(s) if a.option.iter().any(|o| &o.value == s) => {}
                Value::String(s) => self.err(
                    e,
                    &place,
                    format!("“{s}” không phải một phương án ({})", options(&a.option)),
                ),
                Value::Array(_) => self.err(e, &place, "chỉ được chọn một phương án".into()),
                _ => self.err(e, &place, "phải là một phương án".into()),
            },
            AnswerType::Multichoice => match value.as_array() {
                Some(list) => {
                    let mut seen = HashSet::new();
                    for v in list {
                        match v.as_str() {
                            Some(s) if !a.option.iter().any(|o| o.value == s) => self.err(
                                e,
                                &place,
                                format!("“{s}” không phải một phương án ({})", options(&a.option)),
                            ),
                            Some(s) if !seen.insert(s) => {
                                self.err(e, &place, format!("phương án “{s}” được chọn hai lần"))
                            }
                            Some(_) => {}
                            None => self.err(e, &place, "mỗi phương án phải là một mã".into()),
                        }
                    }
                }
                None => self.err(e, &place, "phải là danh sách phương án".into()),
            },
            AnswerType::Docrefs => self.docrefs(e, &place, value, required, a),
            AnswerType::Records => self.records(e, &place, value, required, a),
            AnswerType::Figures => self.figures(e, &place, value, a),
        }
    }

    fn err(&mut self, e: &Entry<'a>, place: &Place<'_, 'a>, msg: String) {
        self.push(Severity::Error, place.get(), &e.node.id, e.instance, msg);
    }
    fn warn(&mut self, e: &Entry<'a>, place: &Place<'_, 'a>, msg: String) {
        self.push(Severity::Warning, place.get(), &e.node.id, e.instance, msg);
    }

    /// Checks a date string; returns it when valid.
    fn date(
        &mut self,
        e: &Entry<'a>,
        place: &Place<'_, 'a>,
        s: &str,
        not_after_cutoff: bool,
        what: &str,
    ) -> Option<vi::Date> {
        // The place names the item; `what` adds the row or entry inside it ("dòng 2, “Bắt đầu”").
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("{what}: ")
        };
        let d = match vi::Date::parse_iso(s) {
            Ok(d) => d,
            Err(iso) => {
                // Typed the Vietnamese way: say what is wrong with it as a calendar would
                // ("tháng 6 năm 2021 chỉ có 30 ngày"), not the ISO form's message; a valid one
                // only needs writing as ISO (the form does that, a file must).
                let msg = match vi::Date::parse(s) {
                    Ok(d) => format!(
                        "ngày {} phải ghi dạng năm-tháng-ngày trong tệp báo cáo: {}",
                        d.short_vi(),
                        d.iso()
                    ),
                    Err(vi::DateError::MalformedIso { .. }) => iso.to_string(),
                    Err(err) => err.to_string(),
                };
                self.err(e, place, format!("{what}{msg}"));
                return None;
            }
        };
        if let Some(c) = self.cutoff {
            if not_after_cutoff && d > c {
                self.err(
                    e,
                    place,
                    format!(
                        "{what}ngày {} ở sau ngày chốt số liệu {}",
                        d.short_vi(),
                        c.short_vi()
                    ),
                );
            }
        }
        if let Some(first) = self.earliest {
            if d < first {
                let label = self
                    .t
                    .template
                    .earliest_label
                    .clone()
                    .unwrap_or_else(|| first.short_vi());
                self.warn(
                    e,
                    place,
                    format!(
                        "{what}ngày {} ở trước {label}; xin kiểm tra lại",
                        d.short_vi()
                    ),
                );
            }
        }
        Some(d)
    }

    fn docrefs(
        &mut self,
        e: &Entry<'a>,
        place: &Place<'_, 'a>,
        value: &Value,
        required: bool,
        a: &outline::Answer,
    ) {
        let Some(list) = value.as_array() else {
            self.err(
                e,
                place,
                "phải là danh sách văn bản (số, ngày, cơ quan ban hành)".into(),
            );
            return;
        };
        if required && !self.opts.draft && list.len() < a.min_rows.unwrap_or(1) {
            self.missing_err(
                e,
                place,
                format!("cần ít nhất {} văn bản", a.min_rows.unwrap_or(1)),
            );
        }
        for (i, item) in list.iter().enumerate() {
            let n = i + 1;
            let Some(obj) = item.as_object() else {
                self.err(
                    e,
                    place,
                    format!("văn bản thứ {n}: phải gồm số, ngày, cơ quan ban hành"),
                );
                continue;
            };
            for key in obj.keys() {
                if !["number", "date", "issuer", "title"].contains(&key.as_str()) {
                    self.err(e, place, format!("văn bản thứ {n}: trường “{key}” không có (chỉ có number, date, issuer, title)"));
                }
            }
            for (key, label) in [("number", "số hiệu"), ("issuer", "cơ quan ban hành")] {
                match obj.get(key).and_then(Value::as_str) {
                    Some(s) if !s.trim().is_empty() => {}
                    _ if self.opts.draft => {}
                    _ => self.missing_err(e, place, format!("văn bản thứ {n}: thiếu {label}")),
                }
            }
            match obj.get("date").and_then(Value::as_str) {
                Some(s) => {
                    self.date(e, place, s, true, &format!("văn bản thứ {n}"));
                }
                None if !self.opts.draft => {
                    self.missing_err(e, place, format!("văn bản thứ {n}: thiếu ngày ban hành"))
                }
                None => {}
            }
        }
    }

    fn records(
        &mut self,
        e: &Entry<'a>,
        place: &Place<'_, 'a>,
        value: &Value,
        required: bool,
        a: &outline::Answer,
    ) {
        let Some(rows) = value.as_array() else {
            self.err(e, place, "phải là danh sách các dòng".into());
            return;
        };
        if required && !self.opts.draft && rows.len() < a.min_rows.unwrap_or(1) {
            self.missing_err(
                e,
                place,
                format!("cần ít nhất {} dòng", a.min_rows.unwrap_or(1)),
            );
        }
        if let (Some(district), Some(outline::DistrictFill::Row)) =
            (&self.r.unit.district, e.node.district)
        {
            self.own_row(e, place, rows, a, district);
        }
        let mut seen: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            let n = i + 1;
            let Some(obj) = row.as_object() else {
                self.err(e, place, format!("dòng {n}: không đúng dạng"));
                continue;
            };
            for key in obj.keys() {
                if !a.column.iter().any(|c| &c.key == key) {
                    self.err(
                        e,
                        place,
                        format!("dòng {n}: cột “{key}” không có trong bảng"),
                    );
                }
            }
            for col in &a.column {
                let v = obj.get(&col.key).filter(|v| !is_empty(v));
                let req = col.required
                    || col.required_if.as_ref().is_some_and(|c| {
                        obj.get(&c.column)
                            .and_then(Value::as_str)
                            .is_some_and(|v| c.equals.contains(v))
                    });
                let Some(v) = v else {
                    if req && !self.opts.draft {
                        self.missing_err(e, place, format!("dòng {n}: thiếu “{}”", col.label));
                    }
                    continue;
                };
                let label = format!("dòng {n}, “{}”", col.label);
                match col.kind {
                    ColumnType::Unit => match v.as_str() {
                        Some(code) => self.unit(e, place, code, &label),
                        None => self.err(e, place, format!("{label}: phải là mã đơn vị cấp huyện")),
                    },
                    ColumnType::Text => {
                        if v.as_str()
                            .is_none_or(|s| s.chars().count() > MAX_TEXT_CHARS)
                        {
                            self.err(e, place, format!("{label}: phải là văn bản không quá dài"));
                        }
                    }
                    ColumnType::Integer => {
                        if let Some(msg) = integer_problem(v, 0, None) {
                            self.err(e, place, format!("{label}: {msg}"));
                        }
                    }
                    ColumnType::Date => match v.as_str() {
                        Some(s) => {
                            self.date(e, place, s, true, &label);
                        }
                        None => {
                            self.err(e, place, format!("{label}: phải là ngày dạng YYYY-MM-DD"))
                        }
                    },
                    ColumnType::Choice => match v.as_str() {
                        Some(s) if col.option.iter().any(|o| o.value == s) => {}
                        _ => self.err(
                            e,
                            place,
                            format!(
                                "{label}: không phải một phương án ({})",
                                options(&col.option)
                            ),
                        ),
                    },
                }
                if col.unique {
                    if let Some(s) = v.as_str() {
                        if !seen
                            .entry(col.key.as_str())
                            .or_default()
                            .insert(s.to_string())
                        {
                            let shown = match col.kind {
                                ColumnType::Unit => self
                                    .units
                                    .district(s)
                                    .map(|d| d.name.clone())
                                    .unwrap_or_else(|| s.to_string()),
                                _ => s.to_string(),
                            };
                            self.err(e, place, format!("{label}: “{shown}” được kê hai lần"));
                        }
                    }
                }
            }
        }
    }

    /// A district sheet's row item holds one row: the district's own.
    fn own_row(
        &mut self,
        e: &Entry<'a>,
        place: &Place<'_, 'a>,
        rows: &[Value],
        a: &outline::Answer,
        district: &str,
    ) {
        if rows.len() > 1 {
            self.err(
                e,
                place,
                format!(
                    "phiếu cấp huyện chỉ kê một dòng, của chính đơn vị (có {} dòng)",
                    rows.len()
                ),
            );
        }
        let Some(col) = a
            .column
            .iter()
            .find(|c| c.role == Some(outline::ColumnRole::Unit))
        else {
            return;
        };
        for (i, row) in rows.iter().enumerate() {
            if let Some(code) = row.get(&col.key).and_then(Value::as_str) {
                if code != district {
                    let name = self
                        .units
                        .district(code)
                        .map(|d| d.name.clone())
                        .unwrap_or_else(|| code.to_string());
                    self.err(
                        e,
                        place,
                        format!(
                            "dòng {}: “{}” là {name}, không phải đơn vị của phiếu này",
                            i + 1,
                            col.label
                        ),
                    );
                }
            }
        }
    }

    fn unit(&mut self, e: &Entry<'a>, place: &Place<'_, 'a>, code: &str, label: &str) {
        let province = &self.r.unit.province;
        match self.units.district(code) {
            None => self.err(
                e,
                place,
                format!("{label}: không có đơn vị cấp huyện mã “{code}”"),
            ),
            Some(d) if &d.province_code != province => {
                let other = self
                    .units
                    .province(&d.province_code)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                self.err(
                    e,
                    place,
                    format!(
                        "{label}: {} thuộc {other}, không thuộc tỉnh, thành phố báo cáo",
                        d.name
                    ),
                );
            }
            Some(_) => {}
        }
    }

    fn figures(
        &mut self,
        e: &Entry<'a>,
        place: &Place<'_, 'a>,
        value: &Value,
        a: &outline::Answer,
    ) {
        let Some(obj) = value.as_object() else {
            self.err(e, place, "phải là bộ số liệu theo từng dòng".into());
            return;
        };
        for key in obj.keys() {
            if !a.row.iter().any(|r| &r.key == key) {
                self.err(
                    e,
                    place,
                    format!("dòng số liệu “{key}” không có trong đề cương"),
                );
            }
        }
        for row in &a.row {
            let cell = obj.get(&row.key).and_then(Value::as_object);
            let get = |col: &str, label: &str, needed: bool, this: &mut Self| -> Option<i64> {
                match cell.and_then(|c| c.get(col)).filter(|v| !v.is_null()) {
                    None => {
                        if needed && !this.opts.draft {
                            this.missing_err(
                                e,
                                place,
                                format!("“{}”: thiếu số liệu {label}", row.label),
                            );
                        }
                        None
                    }
                    Some(v) => match integer_problem(v, 0, None) {
                        Some(msg) => {
                            this.err(e, place, format!("“{}”, {label}: {msg}", row.label));
                            None
                        }
                        None => v.as_i64(),
                    },
                }
            };
            // The columns as the outline names them ("trước tinh giản"), the pilots' by default.
            let cutoff = self.cutoff.map(|d| d.short_vi()).unwrap_or_default();
            let name = |c: &str| lower_first(&a.figure_column(c, &cutoff));
            let (b_name, af_name, au_name) = (name("before"), name("after"), name("authorised"));
            let before = get("before", &b_name, true, self);
            let after = get("after", &af_name, true, self);
            let authorised = if a.authorised {
                get("authorised", &au_name, false, self)
            } else {
                None
            };
            if let Some(extra) = cell.and_then(|c| {
                c.keys()
                    .find(|k| !["before", "after", "authorised"].contains(&k.as_str()))
            }) {
                self.err(
                    e,
                    place,
                    format!(
                        "“{}”: cột “{extra}” không có (chỉ có before, after, authorised)",
                        row.label
                    ),
                );
            }
            if let (Some(b), Some(af)) = (before, after) {
                if a.warn_on_growth && af > b {
                    self.warn(
                        e,
                        place,
                        format!(
                            "“{}” tăng sau hợp nhất (từ {} lên {}, {}); xin kiểm tra và giải thích",
                            row.label,
                            vi::format_int(b),
                            vi::format_int(af),
                            vi::format_change(af - b)
                        ),
                    );
                }
            }
            if let (Some(au), Some(af)) = (authorised, after) {
                if af > au {
                    self.warn(
                        e,
                        place,
                        format!(
                            "“{}”: số thực tế {} vượt số theo quyết định {}",
                            row.label,
                            vi::format_int(af),
                            vi::format_int(au)
                        ),
                    );
                }
            }
        }
    }

    fn rules(&mut self, entries: &[Entry<'a>]) {
        for rule in &self.t.rule {
            let sev = if rule.severity.as_deref() == Some("warning") {
                Severity::Warning
            } else {
                Severity::Error
            };
            let (Some(first), Some(second)) = (
                date_ref(self.t, &rule.first),
                date_ref(self.t, &rule.second),
            ) else {
                continue; // the template check reports such rules
            };
            // Check in every scope (top level or instance) where the second item is laid out.
            for e in entries.iter().filter(|e| e.node.id == second.item) {
                let scope = self.r.scope(e.instance);
                for (a, b, row) in date_pairs(&first, &second, scope) {
                    if a > b {
                        let msg = match row {
                            Some(n) => format!(
                                "dòng {n}: {} ({} và {})",
                                rule.message,
                                a.short_vi(),
                                b.short_vi()
                            ),
                            None => {
                                format!("{} ({} và {})", rule.message, a.short_vi(), b.short_vi())
                            }
                        };
                        self.push(sev, e.place(), &e.node.id, e.instance, msg);
                    }
                }
            }
        }
    }
}

/// The text with its first letter in lower case ("Trước thí điểm" → "trước thí điểm").
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A date named by a rule: an item, a column of a records item, or the dates of a docrefs item.
struct DateRef<'t> {
    item: &'t str,
    column: Option<&'t str>,
    docrefs: bool,
}

fn date_ref<'t>(t: &Template, r: &'t str) -> Option<DateRef<'t>> {
    if let Some(item) = r.strip_suffix("[*].date") {
        return Some(DateRef {
            item,
            column: None,
            docrefs: true,
        });
    }
    if t.node(r).is_some() {
        return Some(DateRef {
            item: r,
            column: None,
            docrefs: false,
        });
    }
    let (item, column) = r.rsplit_once('.')?;
    t.node(item)?;
    Some(DateRef {
        item,
        column: Some(column),
        docrefs: false,
    })
}

/// The (first, second) date pairs a date-order rule compares in one scope; row numbers for
/// pairs taken row by row from the same records item.
fn date_pairs(
    first: &DateRef<'_>,
    second: &DateRef<'_>,
    scope: &BTreeMap<String, Value>,
) -> Vec<(vi::Date, vi::Date, Option<usize>)> {
    let date = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .and_then(|s| vi::Date::parse_iso(s).ok())
    };
    let dates = |r: &DateRef<'_>| -> Vec<vi::Date> {
        let v = scope.get(r.item);
        if r.docrefs {
            v.and_then(Value::as_array)
                .map(|l| l.iter().filter_map(|d| date(d.get("date"))).collect())
                .unwrap_or_default()
        } else {
            date(v).into_iter().collect()
        }
    };
    let mut out = Vec::new();
    match (first.column, second.column) {
        (Some(fc), Some(sc)) if first.item == second.item => {
            if let Some(rows) = scope.get(first.item).and_then(Value::as_array) {
                for (i, row) in rows.iter().enumerate() {
                    if let (Some(a), Some(b)) = (date(row.get(fc)), date(row.get(sc))) {
                        out.push((a, b, Some(i + 1)));
                    }
                }
            }
        }
        (None, None) => {
            for a in dates(first) {
                for b in dates(second) {
                    out.push((a, b, None));
                }
            }
        }
        _ => {} // a column against a single date: not used by any template yet
    }
    out
}

fn options(opts: &[outline::ChoiceOption]) -> String {
    opts.iter()
        .map(|o| format!("“{}”", o.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a JSON value is not an acceptable whole number, if it is not.
fn integer_problem(v: &Value, min: i64, max: Option<i64>) -> Option<String> {
    let n = match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i,
            None => return Some(format!("{n} không phải số nguyên")),
        },
        Value::String(s) => return Some(format!("“{s}” phải ghi bằng số, không phải chữ")),
        _ => return Some("phải là số nguyên".into()),
    };
    if n < min {
        return Some(if min == 0 {
            format!("{} là số âm; số liệu phải từ 0 trở lên", vi::format_int(n))
        } else {
            format!("{} nhỏ hơn {}", vi::format_int(n), vi::format_int(min))
        });
    }
    if let Some(max) = max {
        if n > max {
            return Some(format!(
                "{} lớn hơn {}",
                vi::format_int(n),
                vi::format_int(max)
            ));
        }
    }
    None
}

/// Whether an answer counts as not given.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}
