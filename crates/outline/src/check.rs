//! Loading a template and checking it: every problem, each with its place.

use std::collections::HashSet;

use serde::Serialize;

use crate::model::*;
use crate::Error;

/// The deepest nesting of an outline (headings, blocks and items): real outlines have four or
/// five levels; the bound keeps every later stage (tree, validation, rendering) far from any
/// stack limit.
pub const MAX_DEPTH: usize = 12;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a template: where, and what (in Vietnamese).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// The place: a node id, "template.cutoff", "catalogue T1", a TOML line…
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "lỗi",
            Severity::Warning => "cảnh báo",
        };
        write!(f, "{sev}: {}: {}", self.place, self.message)
    }
}

/// A value as the template file spells it ("proposal-scope", "integer"), for messages: never
/// Rust's debug text.
fn toml_name(v: &impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

struct Sink(Vec<Problem>);

impl Sink {
    fn err(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            severity: Severity::Error,
            place: place.into(),
            message: message.into(),
        });
    }
    fn warn(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            severity: Severity::Warning,
            place: place.into(),
            message: message.into(),
        });
    }
}

impl Template {
    /// Parses and checks a template. Returns the template when the text could be parsed (even
    /// with problems) and every problem found.
    pub fn load(text: &str, origin: &str) -> (Option<Template>, Vec<Problem>) {
        let text = vi::nfc(text);
        let mut t: Template = match toml::from_str(&text) {
            Ok(t) => t,
            Err(e) => {
                let place = match e.span() {
                    Some(span) => {
                        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                        format!("{origin}, dòng {line}")
                    }
                    None => origin.to_string(),
                };
                return (
                    None,
                    vec![Problem {
                        severity: Severity::Error,
                        place,
                        message: format!(
                            "không đọc được: {}",
                            vi::serde_message(e.message(), "lỗi cú pháp TOML")
                        ),
                    }],
                );
            }
        };
        t.rebuild_index();
        let problems = t.check();
        (Some(t), problems)
    }

    /// Loads a template and fails if it has any error-level problem.
    pub fn load_strict(text: &str, origin: &str) -> Result<Template, Error> {
        let (t, problems) = Template::load(text, origin);
        let errors: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        match t {
            Some(t) if errors.is_empty() => Ok(t),
            _ => Err(Error::Invalid {
                origin: origin.to_string(),
                count: errors.len(),
                list: errors
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            }),
        }
    }

    /// Every problem of this template.
    pub fn check(&self) -> Vec<Problem> {
        let mut s = Sink(Vec::new());
        self.check_meta(&mut s);
        self.check_catalogue(&mut s);
        self.check_nodes(&mut s);
        self.check_rules(&mut s);
        self.check_district(&mut s);
        s.0
    }

    /// The district part: `district` only on answered items of a district-level block, each
    /// kind on the answer it fits, and every block a district fills has its `row` item.
    fn check_district(&self, s: &mut Sink) {
        let mut rows: HashSet<&str> = HashSet::new();
        let mut blocks: std::collections::BTreeSet<&str> = Default::default();
        for n in &self.node {
            let Some(fill) = n.district else { continue };
            let place = n.id.as_str();
            let block = self.enclosing_repeat(&n.id);
            let Some(block) = block.filter(|b| self.is_district_block(b)) else {
                s.err(
                    place,
                    "“district” chỉ dùng cho mục trong khối lặp cấp huyện (cấp có units = \"district\")",
                );
                continue;
            };
            blocks.insert(block.id.as_str());
            let Some(a) = &n.answer else {
                s.err(place, "“district” chỉ dùng cho mục có câu trả lời");
                continue;
            };
            let fits = match fill {
                DistrictFill::Row => {
                    a.kind == AnswerType::Records
                        && n.role == Some(Role::Units)
                        && a.column.iter().any(|c| c.role == Some(ColumnRole::Unit))
                }
                DistrictFill::Sum => a.kind == AnswerType::Figures,
                DistrictFill::Union => matches!(a.kind, AnswerType::Docrefs | AnswerType::Text),
                DistrictFill::Material => true,
            };
            if !fits {
                s.err(
                    place,
                    format!(
                        "district = “{}” không hợp với mục này ({})",
                        toml_name(&fill),
                        match fill {
                            DistrictFill::Row => "cần bảng đơn vị có vai trò units và cột unit",
                            DistrictFill::Sum => "cần câu trả lời loại figures",
                            DistrictFill::Union => "cần câu trả lời loại docrefs hoặc text",
                            DistrictFill::Material => "",
                        }
                    ),
                );
            }
            if fill == DistrictFill::Row && !rows.insert(block.id.as_str()) {
                s.err(
                    place,
                    format!("khối “{}” có hai mục district = “row”", block.id),
                );
            }
        }
        for b in blocks {
            if !rows.contains(b) {
                s.err(
                    b,
                    "khối lặp cấp huyện có mục cho phiếu cấp huyện cần đúng một mục district = “row” (dòng của đơn vị)",
                );
            }
        }
    }

    fn check_meta(&self, s: &mut Sink) {
        if self.format != 1 {
            s.err(
                "format",
                format!(
                    "phiên bản định dạng {} chưa được hỗ trợ (chỉ hỗ trợ 1)",
                    self.format
                ),
            );
        }
        let m = &self.template;
        if m.id.trim().is_empty() {
            s.err("template.id", "thiếu mã đề cương");
        }
        if m.profile != "hd36-2018" {
            s.err(
                "template.profile",
                format!("không có bố cục “{}”; hiện có: hd36-2018", m.profile),
            );
        }
        if m.unit_level != "province" {
            s.err(
                "template.unit_level",
                format!(
                    "cấp đơn vị báo cáo “{}” chưa được hỗ trợ (hiện có: province)",
                    m.unit_level
                ),
            );
        }
        let cutoff = check_date(s, "template.cutoff", &m.cutoff);
        if let Some(e) = &m.earliest {
            let earliest = check_date(s, "template.earliest", e);
            if let (Some(c), Some(e)) = (cutoff, earliest) {
                if e > c {
                    s.err("template.earliest", "ngày sớm nhất ở sau ngày chốt số liệu");
                }
            }
        }
    }

    fn check_catalogue(&self, s: &mut Sink) {
        let mut seen = HashSet::new();
        for c in &self.catalogue {
            let place = format!("catalogue {}", c.code);
            if !seen.insert(c.code.as_str()) {
                s.err(&place, format!("mã mô hình “{}” bị trùng", c.code));
            }
            if c.code == "khac" {
                s.err(&place, "mã “khac” dành cho mô hình ngoài danh mục");
            }
            if !self.families.contains_key(&c.family) {
                s.err(&place, format!("không có nhóm mô hình “{}”", c.family));
            }
            if !self.levels.contains_key(&c.level) {
                s.err(&place, format!("không có cấp “{}”", c.level));
            }
            if let Some(f) = &c.sample {
                if !(0.0..=1.0).contains(&f.share) {
                    s.err(
                        &place,
                        "tỉ lệ tỉnh thực hiện (sample.share) phải từ 0 đến 1",
                    );
                }
                if let Some([lo, hi]) = f.districts {
                    if lo == 0 || lo > hi {
                        s.err(
                            &place,
                            "số huyện thực hiện (sample.districts) phải là [ít nhất, nhiều nhất], ít nhất từ 1",
                        );
                    }
                }
            }
        }
        for (key, level) in &self.levels {
            if level.units != "province" && level.units != "district" {
                s.err(
                    format!("levels.{key}"),
                    format!(
                        "đơn vị của cấp phải là province hoặc district, không phải “{}”",
                        level.units
                    ),
                );
            }
        }
    }

    fn check_nodes(&self, s: &mut Sink) {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut used_notes: HashSet<&str> = HashSet::new();
        // Depth of each node seen (parents stand before their children).
        let mut depths: std::collections::HashMap<&str, usize> = Default::default();
        let mut too_deep = 0usize;
        for n in &self.node {
            let place = n.id.as_str();
            if n.id.trim().is_empty() {
                s.err("node", "có mục không có mã (id)");
            }
            if !seen.insert(n.id.as_str()) {
                s.err(place, format!("mã mục “{}” bị trùng", n.id));
            }
            let depth = n
                .parent
                .as_deref()
                .and_then(|p| depths.get(p))
                .map_or(1, |d| d + 1);
            depths.entry(n.id.as_str()).or_insert(depth);
            if depth > MAX_DEPTH {
                if too_deep == 0 {
                    s.err(
                        place,
                        format!(
                            "đề cương lồng nhau quá {MAX_DEPTH} cấp (mục này ở cấp {depth}); \
                             hãy giảm số cấp đề mục"
                        ),
                    );
                }
                too_deep += 1;
            }
            if let Some(p) = &n.parent {
                if p == &n.id {
                    s.err(
                        place,
                        format!("mục “{p}” không thể là mục cha của chính nó"),
                    );
                } else if !seen.contains(p.as_str()) {
                    s.err(
                        place,
                        format!("mục cha “{p}” không có hoặc không đứng trước mục này"),
                    );
                } else if let Some(pn) = self.node(p) {
                    if !matches!(pn.kind, NodeKind::Heading | NodeKind::Repeat) {
                        s.err(
                            place,
                            format!("mục cha “{p}” không phải đề mục hay khối lặp"),
                        );
                    }
                }
            }
            for piece in split_anchors(&n.text) {
                if let TextPiece::Anchor(a) = piece {
                    if self.footnote(a).is_none() {
                        s.err(
                            place,
                            format!("chú thích “[^{a}]” không có trong danh sách chú thích"),
                        );
                    }
                    used_notes.insert(a);
                }
            }
            if n.text.contains("{model}") && self.enclosing_repeat(&n.id).is_none() {
                s.err(place, "“{model}” chỉ dùng được trong khối lặp");
            }
            if let Some(c) = &n.show_if {
                self.check_condition(s, place, c);
            }
            match n.kind {
                NodeKind::Heading => {
                    if n.text.trim().is_empty() {
                        s.err(place, "đề mục không có nội dung");
                    }
                }
                NodeKind::Repeat => self.check_repeat(s, n),
                NodeKind::Computed => self.check_compute(s, n),
                NodeKind::Hint => {
                    if n.answer.is_some() {
                        s.err(place, "mục hướng dẫn (hint) không có câu trả lời");
                    }
                }
                NodeKind::Item | NodeKind::Text => {}
            }
            if n.numbering.is_some() && !matches!(n.kind, NodeKind::Heading | NodeKind::Repeat) {
                s.err(place, "chỉ đề mục và khối lặp được đánh số");
            }
            if n.compute.is_some() && n.kind != NodeKind::Computed {
                s.err(place, "chỉ mục kind = \"computed\" có “compute”");
            }
            if let Some(a) = &n.answer {
                self.check_answer(s, n, a);
            }
        }
        self.check_roles(s);
        for f in &self.footnote {
            if !used_notes.contains(f.id.as_str()) {
                s.warn(
                    format!("footnote {}", f.id),
                    "chú thích không được gắn vào mục nào",
                );
            }
        }
    }

    /// Roles tell consolidation what an item means: each fits its answer type, sits in a
    /// repeated block, and appears at most once per block.
    fn check_roles(&self, s: &mut Sink) {
        let mut seen: HashSet<(&str, Role)> = HashSet::new();
        for n in &self.node {
            let Some(role) = n.role else { continue };
            let place = n.id.as_str();
            let Some(block) = self.enclosing_repeat(&n.id) else {
                s.err(place, "vai trò (role) chỉ dùng trong khối lặp");
                continue;
            };
            if !seen.insert((block.id.as_str(), role)) {
                s.err(
                    place,
                    format!(
                        "khối “{}” có hai mục cùng vai trò “{}”",
                        block.id,
                        toml_name(&role)
                    ),
                );
            }
            let kind = n.answer.as_ref().map(|a| a.kind);
            let fits = match role {
                Role::Status | Role::Proposal | Role::ProposalScope => {
                    kind == Some(AnswerType::Choice)
                }
                Role::StartDate | Role::EndDate => kind == Some(AnswerType::Date),
                Role::EndReason => matches!(kind, Some(AnswerType::Narrative | AnswerType::Text)),
                Role::Units => kind == Some(AnswerType::Records),
                Role::Figures => kind == Some(AnswerType::Figures),
                Role::LocalName => kind == Some(AnswerType::Text),
            };
            if !fits {
                s.err(
                    place,
                    format!(
                        "vai trò “{}” không hợp với loại câu trả lời {}",
                        toml_name(&role),
                        match &kind {
                            Some(k) => format!("“{}”", toml_name(k)),
                            None => "(mục không có câu trả lời)".to_string(),
                        }
                    ),
                );
            }
            let Some(a) = &n.answer else { continue };
            if role == Role::Status && !a.option.iter().any(|o| o.ended) {
                s.err(
                    place,
                    "mục tình trạng cần một phương án “ended = true” (đã kết thúc)",
                );
            }
            if role == Role::ProposalScope && n.show_if.is_none() {
                s.err(
                    place,
                    "phạm vi đề xuất cần “show_if” chỉ ra phương án đề xuất của nó",
                );
            }
            if role == Role::Units {
                let roles: Vec<ColumnRole> = a.column.iter().filter_map(|c| c.role).collect();
                if !roles.contains(&ColumnRole::Unit) {
                    s.err(place, "bảng đơn vị cần một cột có vai trò unit");
                }
                for c in &a.column {
                    if c.role == Some(ColumnRole::Status) && !c.option.iter().any(|o| o.ended) {
                        s.err(
                            place,
                            format!("cột “{}” cần một phương án “ended = true”", c.key),
                        );
                    }
                }
            }
        }
    }

    fn check_repeat(&self, s: &mut Sink, n: &Node) {
        let place = n.id.as_str();
        if let Some(outer) = n.parent.as_deref().and_then(|p| self.enclosing_repeat(p)) {
            s.err(
                place,
                format!("khối lặp không được lồng trong khối lặp “{}”", outer.id),
            );
        }
        match &n.family {
            Some(f) if self.families.contains_key(f) => {}
            Some(f) => s.err(place, format!("không có nhóm mô hình “{f}”")),
            None => s.err(place, "khối lặp thiếu nhóm mô hình (family)"),
        }
        match &n.level {
            Some(l) if self.levels.contains_key(l) => {}
            Some(l) => s.err(place, format!("không có cấp “{l}”")),
            None => s.err(place, "khối lặp thiếu cấp (level)"),
        }
    }

    fn check_compute(&self, s: &mut Sink, n: &Node) {
        let place = n.id.as_str();
        let Some(c) = &n.compute else {
            s.err(place, "mục tính toán thiếu “compute”");
            return;
        };
        if c.op != "count" {
            s.err(
                place,
                format!("phép tính “{}” chưa được hỗ trợ (hiện có: count)", c.op),
            );
        }
        match self.node(&c.of).and_then(|o| o.answer.as_ref()) {
            Some(a) if a.kind == AnswerType::Records => {
                if let Some(f) = &c.filter {
                    match a.column.iter().find(|col| col.key == f.column) {
                        None => s.err(place, format!("“{}” không có cột “{}”", c.of, f.column)),
                        Some(col) => check_values(s, place, &col.option, &f.equals),
                    }
                }
            }
            _ => s.err(
                place,
                format!("“{}” không phải mục dạng bảng (records) để đếm", c.of),
            ),
        }
        if let Some(o) = &c.out_of {
            if o != "rows" && o != "province-districts" {
                s.err(
                    place,
                    format!("“out_of = {o}” không hợp lệ (rows hoặc province-districts)"),
                );
            }
        }
    }

    fn check_condition(&self, s: &mut Sink, place: &str, c: &Condition) {
        match self.node(&c.item).and_then(|n| n.answer.as_ref()) {
            Some(a) if a.kind == AnswerType::Choice => check_values(s, place, &a.option, &c.equals),
            Some(_) => s.err(
                place,
                format!("điều kiện tham chiếu “{}” không phải mục lựa chọn", c.item),
            ),
            None => s.err(
                place,
                format!("điều kiện tham chiếu mục không có: “{}”", c.item),
            ),
        }
    }

    fn check_answer(&self, s: &mut Sink, n: &Node, a: &Answer) {
        let place = n.id.as_str();
        if let Some(c) = &a.required_if {
            self.check_condition(s, place, c);
        }
        if a.when_empty == WhenEmpty::None {
            if a.required {
                s.err(
                    place,
                    "mục bắt buộc không thể để trống: when_empty = \"none\" (in “Không có.”) \
                     chỉ dùng cho mục không bắt buộc",
                );
            }
            if n.silent {
                s.err(
                    place,
                    "mục “silent” không in câu trả lời: when_empty = \"none\" không có tác dụng",
                );
            }
        }
        match a.kind {
            AnswerType::Choice | AnswerType::Multichoice => check_options(s, place, &a.option),
            AnswerType::Records => {
                if a.column.is_empty() {
                    s.err(place, "bảng (records) không có cột nào");
                }
                let mut keys = HashSet::new();
                for col in &a.column {
                    if !keys.insert(col.key.as_str()) {
                        s.err(place, format!("cột “{}” bị trùng", col.key));
                    }
                    if col.kind == ColumnType::Choice {
                        check_options(s, place, &col.option);
                    }
                    if col.kind == ColumnType::Unit {
                        let units = self
                            .enclosing_repeat(&n.id)
                            .and_then(|b| self.level_of(b))
                            .map(|l| l.units.as_str());
                        if units != Some("district") {
                            s.err(place, "cột đơn vị (unit) chỉ dùng trong khối lặp cấp huyện");
                        }
                    }
                }
                for col in &a.column {
                    if let Some(cond) = &col.required_if {
                        match a.column.iter().find(|c| c.key == cond.column) {
                            Some(other) => check_values(s, place, &other.option, &cond.equals),
                            None => s.err(
                                place,
                                format!(
                                    "cột “{}” tham chiếu cột không có: “{}”",
                                    col.key, cond.column
                                ),
                            ),
                        }
                    }
                }
            }
            AnswerType::Figures => {
                if a.row.is_empty() {
                    s.err(place, "bộ số liệu (figures) không có dòng nào");
                }
                let mut keys = HashSet::new();
                for r in &a.row {
                    if !keys.insert(r.key.as_str()) {
                        s.err(place, format!("dòng số liệu “{}” bị trùng", r.key));
                    }
                }
            }
            AnswerType::Integer => {
                if let (Some(lo), Some(hi)) = (a.min, a.max) {
                    if lo > hi {
                        s.err(place, "giá trị nhỏ nhất lớn hơn giá trị lớn nhất");
                    }
                }
            }
            _ => {}
        }
    }

    fn check_rules(&self, s: &mut Sink) {
        for r in &self.rule {
            let place = format!("rule {}", r.id);
            if r.kind != "date-order" {
                s.err(
                    &place,
                    format!(
                        "loại quy tắc “{}” chưa được hỗ trợ (hiện có: date-order)",
                        r.kind
                    ),
                );
            }
            if let Some(sev) = &r.severity {
                if sev != "error" && sev != "warning" {
                    s.err(
                        &place,
                        format!("mức “{sev}” không hợp lệ (error hoặc warning)"),
                    );
                }
            }
            for side in [&r.first, &r.second] {
                if !self.date_ref_exists(side) {
                    s.err(
                        &place,
                        format!("tham chiếu “{side}” không phải một ngày trong đề cương"),
                    );
                }
            }
        }
    }

    /// Whether `r` names a date: `item` (date), `item.column` (date column), `item[*].date`.
    pub fn date_ref_exists(&self, r: &str) -> bool {
        if let Some(item) = r.strip_suffix("[*].date") {
            return self
                .node(item)
                .and_then(|n| n.answer.as_ref())
                .is_some_and(|a| a.kind == AnswerType::Docrefs);
        }
        if let Some(a) = self.node(r).and_then(|n| n.answer.as_ref()) {
            return a.kind == AnswerType::Date;
        }
        if let Some((item, col)) = r.rsplit_once('.') {
            if let Some(a) = self.node(item).and_then(|n| n.answer.as_ref()) {
                return a.kind == AnswerType::Records
                    && a.column
                        .iter()
                        .any(|c| c.key == col && c.kind == ColumnType::Date);
            }
        }
        false
    }
}

fn check_date(s: &mut Sink, place: &str, text: &str) -> Option<vi::Date> {
    match vi::Date::parse(text) {
        Ok(d) => Some(d),
        Err(e) => {
            s.err(place, e.to_string());
            None
        }
    }
}

fn check_options(s: &mut Sink, place: &str, options: &[ChoiceOption]) {
    if options.is_empty() {
        s.err(place, "mục lựa chọn không có phương án nào");
    }
    let mut seen = HashSet::new();
    for o in options {
        if !seen.insert(o.value.as_str()) {
            s.err(place, format!("phương án “{}” bị trùng", o.value));
        }
    }
}

fn check_values(s: &mut Sink, place: &str, options: &[ChoiceOption], values: &OneOrMany) {
    for v in values.values() {
        if !options.iter().any(|o| o.value == v) {
            s.err(
                place,
                format!("điều kiện dùng giá trị không có trong các phương án: “{v}”"),
            );
        }
    }
}
