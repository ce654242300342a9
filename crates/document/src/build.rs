//! Report + template + profile -> the neutral [`Document`]. Walks the resolved outline (one
//! numbering for validation and print), prints headings with generated numbers, answers as
//! paragraphs, lines and tables, and leaves visible gaps where a required answer is missing, so an
//! empty report prints as the working outline. An optional answer left empty prints no gap: it is
//! left out, or says "Không có." where the template asks so (`when_empty = "none"`), so a report
//! that validates prints no gap at all.

use std::collections::{BTreeMap, HashSet};

use outline::{
    AnswerType, ColumnType, Node, NodeKind, Numbering, Profile, Template, TextPiece, WhenEmpty,
};
use report::tree::{resolve, Entry, TreeOptions};
use report::Report;
use serde_json::Value;
use units::{Province, Units};

use crate::model::*;
use crate::Error;

/// What a gap says where an answer is missing.
pub const GAP: &str = "[chưa nhập]";

/// What the document says where the report answers "none": an optional "(nếu có)" item left
/// empty, a repeated block with no instance.
pub const NONE: &str = "Không có.";

/// Builds the neutral document of a report.
pub fn build(
    t: &Template,
    r: &Report,
    profile: &Profile,
    units: &Units,
) -> Result<Document, Error> {
    let p = units
        .province(&r.unit.province)
        .ok_or_else(|| Error::UnknownProvince(r.unit.province.clone()))?;
    // A district's sheet prints as the district committee's own paper: only the district
    // blocks and the items a district fills, under the district committee's header.
    let district = match &r.unit.district {
        Some(code) => Some(
            units
                .district(code)
                .filter(|d| d.province_code == p.code)
                .ok_or_else(|| Error::UnknownDistrict(code.clone()))?,
        ),
        None => None,
    };
    let mut b = Builder {
        t,
        r,
        p,
        profile,
        units,
        printed_notes: HashSet::new(),
        body: Vec::new(),
        pending_none: Vec::new(),
    };
    let entries = resolve(t, r, TreeOptions { skeletons: true });
    let mut skip_below: Option<usize> = None;
    for e in &entries {
        if district.is_some() && !t.in_district_sheet(e.node) {
            continue;
        }
        b.settle_none(e.depth);
        if let Some(depth) = skip_below {
            if e.depth > depth {
                continue;
            }
            skip_below = None;
        }
        if !b.shown(e) {
            skip_below = Some(e.depth);
            continue;
        }
        b.entry(e);
    }
    b.settle_none(0);
    let doc_date = r
        .document
        .date
        .as_deref()
        .and_then(|d| vi::Date::parse_iso(d).ok());
    let place = r
        .document
        .place
        .clone()
        .or_else(|| district.map(|d| d.short().to_string()))
        .unwrap_or_else(|| p.short().to_string());
    let place_date = match doc_date {
        Some(d) => d.place_date(&place),
        None => format!("{place}, ngày      tháng      năm 20   "),
    };
    // The issuer's code after the kind: TU (Tỉnh ủy, Thành ủy, Thị ủy), HU (Huyện ủy), QU (Quận ủy).
    let issuer_code = match district.map(|d| d.committee()) {
        Some(c) if c.starts_with("Huyện") => "HU",
        Some(c) if c.starts_with("Quận") => "QU",
        _ => "TU",
    };
    let number = match &r.document.number {
        Some(n) => format!(
            "{} {}-{}/{issuer_code}",
            profile.header.number_prefix, n, t.template.kind_code
        ),
        None => format!(
            "{}      -{}/{issuer_code}",
            profile.header.number_prefix, t.template.kind_code
        ),
    };
    let recipients = match district {
        Some(_) => vec![
            format!("- Ban Tổ chức {} (để tổng hợp),", p.committee()),
            "- Lưu.".to_string(),
        ],
        None => b.recipients(),
    };
    let (author, superior, issuer, subject) = match district {
        Some(d) => (
            format!("Ban Thường vụ {}", d.committee()),
            Some(uy(
                &vi::upper(&format!("Đảng bộ {}", p.name)),
                &profile.header.uy_spelling,
            )),
            uy(&vi::upper(&d.committee()), &profile.header.uy_spelling),
            format!(
                "Kết quả thực hiện thí điểm tại {} (phiếu cấp huyện để {} tổng hợp)",
                d.name
                    .to_lowercase()
                    .replacen(&d.short().to_lowercase(), d.short(), 1),
                p.committee()
            ),
        ),
        None => (
            format!("Ban Thường vụ {}", p.committee()),
            None,
            uy(&vi::upper(&p.committee()), &profile.header.uy_spelling),
            t.template.subject.clone(),
        ),
    };
    let meta_date = doc_date
        .or_else(|| t.cutoff())
        .map(|d| d.iso())
        .unwrap_or_default();
    let missing = if district.is_some() { "" } else { GAP };
    Ok(Document {
        meta: Meta {
            title: format!("{} {}", t.template.kind, subject),
            author,
            subject: subject.clone(),
            date: meta_date,
            draft: r.document.number.is_none(),
        },
        header: Header {
            superior,
            issuer,
            star: profile.header.star.clone(),
            number,
            party_line: profile.header.party_line.clone(),
            place_date,
        },
        title: Title {
            kind: t.template.kind.clone(),
            subject,
            rule: profile.title.rule.clone(),
        },
        body: b.body,
        closing: Closing {
            on_behalf: profile.closing.on_behalf.clone(),
            // A district's sheet has no particulars: its signature place is left blank for the
            // district's leader, not marked as missing.
            signer_title: r
                .document
                .signer_title
                .as_deref()
                .map(vi::upper)
                .unwrap_or_else(|| missing.to_string()),
            signer_name: r
                .document
                .signer
                .clone()
                .unwrap_or_else(|| missing.to_string()),
            recipients_label: profile.closing.recipients_label.clone(),
            recipients,
        },
        annexes: Vec::new(),
    })
}

/// Applies the profile's spelling of "ỦY" (old style "UỶ" when configured).
fn uy(s: &str, spelling: &str) -> String {
    if spelling == "ỦY" {
        s.replace("UỶ", "ỦY")
    } else {
        s.replace("ỦY", spelling)
    }
}

struct Builder<'a> {
    t: &'a Template,
    r: &'a Report,
    p: &'a Province,
    profile: &'a Profile,
    units: &'a Units,
    printed_notes: HashSet<String>,
    body: Vec<Block>,
    /// Headings whose optional answer is empty and says "Không có." when nothing under them is
    /// printed either: (depth, length of the body after the heading).
    pending_none: Vec<(usize, usize)>,
}

impl<'a> Builder<'a> {
    /// Closes the pending headings at `depth` or deeper: one under which nothing was printed
    /// says "Không có.".
    fn settle_none(&mut self, depth: usize) {
        while let Some(&(d, len)) = self.pending_none.last() {
            if d < depth {
                break;
            }
            self.pending_none.pop();
            if self.body.len() == len {
                self.para(vec![Inline::Text(NONE.into())]);
            }
        }
    }

    /// True when the answer's absence is shown as a gap: it is required (a draft), or the entry
    /// is the empty instance printed for a block with none (the working outline).
    fn gap_if_empty(&self, e: &Entry<'a>, a: &outline::Answer) -> bool {
        e.skeleton || self.required(e, a)
    }

    fn scope(&self, e: &Entry<'a>) -> &'a BTreeMap<String, Value> {
        self.r.scope(e.instance)
    }

    /// show_if: hidden only when the condition's item is answered with another value.
    fn shown(&self, e: &Entry<'a>) -> bool {
        let Some(c) = &e.node.show_if else {
            return true;
        };
        match self.scope(e).get(&c.item).and_then(Value::as_str) {
            Some(v) => c.equals.contains(v),
            None => true,
        }
    }

    fn value(&self, e: &Entry<'a>) -> Option<&'a Value> {
        self.scope(e)
            .get(&e.node.id)
            .filter(|v| !report::validate::is_empty(v))
    }

    fn required(&self, e: &Entry<'a>, a: &outline::Answer) -> bool {
        // A district's own narrative (material) is optional in its sheet.
        if self.r.is_district_sheet() && e.node.district == Some(outline::DistrictFill::Material) {
            return false;
        }
        a.required
            || a.required_if.as_ref().is_some_and(|c| {
                self.scope(e)
                    .get(&c.item)
                    .and_then(Value::as_str)
                    .is_some_and(|v| c.equals.contains(v))
            })
    }

    fn model_text(&self, e: &Entry<'a>) -> Option<String> {
        e.instance
            .and_then(|i| report::derive::model_short(self.t, i))
            .map(str::to_string)
    }

    /// The node's text as inlines: `{model}` filled (a gap in a skeleton), footnotes anchored,
    /// placeholders of fixed text filled.
    fn inlines(&mut self, e: &Entry<'a>, text: &str) -> Vec<Inline> {
        let text = text
            .replace("{committee}", &self.p.committee())
            .replace("{province}", self.p.short())
            .replace(
                "{cutoff}",
                &self.t.cutoff().map(|d| d.short_vi()).unwrap_or_default(),
            );
        let model = self.model_text(e);
        let mut out = Vec::new();
        for piece in outline::split_anchors(&text) {
            match piece {
                TextPiece::Text(s) => {
                    let mut parts = s.split("{model}").peekable();
                    while let Some(part) = parts.next() {
                        if !part.is_empty() {
                            push_text(&mut out, part);
                        }
                        if parts.peek().is_some() {
                            match &model {
                                Some(m) => push_text(&mut out, m),
                                None => out.push(Inline::Gap("…".into())),
                            }
                        }
                    }
                }
                TextPiece::Anchor(id) => {
                    if let Some(f) = self.t.footnote(id) {
                        let first = self.printed_notes.insert(f.id.clone());
                        if first || !f.once || e.block.is_none() {
                            out.push(Inline::Footnote(f.text.clone()));
                        }
                    }
                }
            }
        }
        out
    }

    fn entry(&mut self, e: &Entry<'a>) {
        let node = e.node;
        match node.kind {
            NodeKind::Hint => {}
            NodeKind::Text => {
                let inl = self.inlines(e, &node.text);
                self.body.push(Block::Paragraph {
                    style: ParaStyle::Body,
                    inlines: inl,
                });
            }
            NodeKind::Heading | NodeKind::Repeat => {
                let inlines = self.inlines(e, &node.text);
                self.body.push(Block::Heading {
                    scheme: e.scheme.clone().unwrap_or_default(),
                    label: self.label(node, e.number.as_deref()),
                    inlines,
                });
                if e.stub {
                    self.para(vec![Inline::Gap("…".into())]);
                } else if let Some(a) = &node.answer {
                    if self.value(e).is_some() || self.gap_if_empty(e, a) {
                        self.answer_blocks(e, a, Vec::new());
                    } else if a.when_empty == WhenEmpty::None {
                        self.pending_none.push((e.depth, self.body.len()));
                    }
                }
                // A repeated block the report answers with no instance ("none", not "not yet"):
                // say so instead of leaving the heading empty or printing the working outline.
                let none = self.t.node.iter().any(|c| {
                    c.kind == NodeKind::Repeat
                        && c.parent.as_deref() == Some(node.id.as_str())
                        && report::tree::answers_none(self.r, &c.id)
                });
                if none && node.kind == NodeKind::Heading {
                    self.para(vec![Inline::Text(NONE.into())]);
                }
            }
            NodeKind::Computed => {
                let mut lead = self.lead(e);
                let value = match (&node.compute, e.skeleton) {
                    (Some(c), false) => report::derive::count(c, self.scope(e), self.r, self.units),
                    _ => None,
                };
                let unit = node
                    .compute
                    .as_ref()
                    .and_then(|c| c.unit.clone())
                    .unwrap_or_default();
                match value {
                    Some(c) => {
                        let figure = match c.out_of {
                            Some(total) => format!("{}/{}", c.value, total),
                            None => vi::format_int(c.value as i64),
                        };
                        push_text(&mut lead, &format!(" {figure} {unit}."));
                    }
                    None => {
                        push_text(&mut lead, " ");
                        lead.push(Inline::Gap("…".into()));
                    }
                }
                self.para(lead);
            }
            NodeKind::Item => match &node.answer {
                None => {
                    let lead = self.lead(e);
                    self.para(lead);
                }
                Some(a) => {
                    let given = self.value(e).is_some();
                    if !given && !self.gap_if_empty(e, a) {
                        // An optional item left empty: left out, or "Không có." when asked.
                        let silent = node.silent && !self.r.is_district_sheet();
                        if a.when_empty == WhenEmpty::None && !silent {
                            let mut lead = self.lead(e);
                            if is_short(a.kind) {
                                if !lead.is_empty() {
                                    push_text(&mut lead, " ");
                                }
                                push_text(&mut lead, NONE);
                                self.para(lead);
                            } else {
                                self.para(lead);
                                self.para(vec![Inline::Text(NONE.into())]);
                            }
                        }
                        return;
                    }
                    // A silent answer shows through what it makes visible; a district's sheet
                    // does not print those (the province's), so it prints the answer itself.
                    if node.silent && !self.r.is_district_sheet() {
                        let lead = self.lead(e);
                        self.para(lead);
                        return;
                    }
                    let lead = self.lead(e);
                    self.answer_blocks(e, a, lead);
                }
            },
        }
    }

    fn label(&self, node: &Node, number: Option<&str>) -> String {
        let Some(number) = number else {
            return String::new();
        };
        let sep = &self.profile.numbering.separator;
        match node.numbering {
            Some(Numbering::LowerLetter) => {
                format!("{number}{}", self.profile.numbering.alpha_suffix)
            }
            Some(Numbering::ParenArabic) => format!("({number})"),
            _ => format!("{number}{sep}"),
        }
    }

    /// The item's lead-in: marker and text.
    fn lead(&mut self, e: &Entry<'a>) -> Vec<Inline> {
        let mut out = Vec::new();
        if let Some(m) = e.node.marker.as_deref().filter(|m| !m.is_empty()) {
            out.push(Inline::Text(format!("{m} ")));
        }
        let text = e.node.text.clone();
        let body = self.inlines(e, &text);
        out.extend(body);
        out
    }

    fn para(&mut self, inlines: Vec<Inline>) {
        if !inlines.is_empty() {
            self.body.push(Block::Paragraph {
                style: ParaStyle::Body,
                inlines,
            });
        }
    }

    /// The answer after its lead (empty lead for headings: the answer follows as paragraphs).
    fn answer_blocks(&mut self, e: &Entry<'a>, a: &outline::Answer, mut lead: Vec<Inline>) {
        let value = self.value(e);
        let gap_inline = || Inline::Gap(GAP.into());
        match a.kind {
            AnswerType::Narrative => {
                self.para(lead);
                match value.and_then(Value::as_str) {
                    Some(s) => {
                        for para in s.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
                            self.para(vec![Inline::Text(para.to_string())]);
                        }
                    }
                    None => self.para(vec![gap_inline()]),
                }
            }
            AnswerType::Text | AnswerType::Integer | AnswerType::Date | AnswerType::Choice => {
                let shown = value.map(|v| self.short_value(a, v));
                if !lead.is_empty() {
                    push_text(&mut lead, " ");
                }
                match shown {
                    Some(s) => push_text(&mut lead, &format!("{s}.")),
                    None => lead.push(gap_inline()),
                }
                self.para(lead);
            }
            AnswerType::Multichoice => {
                self.para(lead);
                let chosen: Vec<String> = value
                    .and_then(Value::as_array)
                    .map(|list| {
                        a.option
                            .iter()
                            .filter(|o| list.iter().any(|v| v.as_str() == Some(o.value.as_str())))
                            .map(|o| o.print.clone().unwrap_or_else(|| o.label.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                if chosen.is_empty() {
                    self.para(vec![gap_inline()]);
                } else {
                    let text = chosen
                        .iter()
                        .enumerate()
                        .map(|(i, s)| format!("({}) {s}.", i + 1))
                        .collect::<Vec<_>>()
                        .join(" ");
                    self.para(vec![Inline::Text(text)]);
                }
            }
            AnswerType::Docrefs => {
                self.para(lead);
                let list = value.and_then(Value::as_array).cloned().unwrap_or_default();
                if list.is_empty() {
                    self.para(vec![gap_inline()]);
                }
                for d in list {
                    self.para(vec![Inline::Text(format!("+ {}", docref_text(&d)))]);
                }
            }
            AnswerType::Records => {
                self.para(lead);
                self.records_table(a, value);
            }
            AnswerType::Figures => {
                self.para(lead);
                self.figures_table(a, value);
            }
        }
    }

    fn short_value(&self, a: &outline::Answer, v: &Value) -> String {
        match a.kind {
            AnswerType::Date => v
                .as_str()
                .and_then(|s| vi::Date::parse_iso(s).ok())
                .map(|d| d.short_vi())
                .unwrap_or_else(|| v.as_str().unwrap_or_default().to_string()),
            AnswerType::Integer => v.as_i64().map(vi::format_int).unwrap_or_default(),
            AnswerType::Choice => {
                let s = v.as_str().unwrap_or_default();
                a.option
                    .iter()
                    .find(|o| o.value == s)
                    .map(|o| o.print.clone().unwrap_or_else(|| o.label.clone()))
                    .unwrap_or_else(|| s.to_string())
            }
            _ => v
                .as_str()
                .unwrap_or_default()
                .trim_end_matches('.')
                .to_string(),
        }
    }

    fn records_table(&mut self, a: &outline::Answer, value: Option<&Value>) {
        let rows = value.and_then(Value::as_array).cloned().unwrap_or_default();
        let mut columns = vec![Column {
            align: CellAlign::Center,
        }];
        for c in &a.column {
            columns.push(Column {
                align: match c.kind {
                    ColumnType::Date | ColumnType::Choice => CellAlign::Center,
                    ColumnType::Integer => CellAlign::Right,
                    _ => CellAlign::Left,
                },
            });
        }
        let mut table_rows = vec![std::iter::once(Cell::bold("STT"))
            .chain(a.column.iter().map(|c| Cell::bold(c.label.clone())))
            .collect::<Vec<_>>()];
        for (i, row) in rows.iter().enumerate() {
            let mut cells = vec![Cell::text((i + 1).to_string())];
            for c in &a.column {
                let v = row.get(&c.key).filter(|v| !report::validate::is_empty(v));
                let text = v.map(|v| match c.kind {
                    ColumnType::Unit => v
                        .as_str()
                        .and_then(|code| self.units.district(code))
                        .map(|d| d.name.clone())
                        .unwrap_or_else(|| v.as_str().unwrap_or_default().to_string()),
                    ColumnType::Date => v
                        .as_str()
                        .and_then(|s| vi::Date::parse_iso(s).ok())
                        .map(|d| d.short_vi())
                        .unwrap_or_default(),
                    ColumnType::Integer => v.as_i64().map(vi::format_int).unwrap_or_default(),
                    ColumnType::Choice => {
                        let s = v.as_str().unwrap_or_default();
                        c.option
                            .iter()
                            .find(|o| o.value == s)
                            .map(|o| o.label.clone())
                            .unwrap_or_else(|| s.to_string())
                    }
                    ColumnType::Text => v.as_str().unwrap_or_default().to_string(),
                });
                cells.push(Cell::text(text.unwrap_or_default()));
            }
            table_rows.push(cells);
        }
        if rows.is_empty() {
            let mut cells = vec![Cell::gap("")];
            cells.extend(a.column.iter().map(|_| Cell::gap("")));
            if let Some(first) = cells.get_mut(1) {
                first.text = GAP.into();
            }
            table_rows.push(cells);
        }
        self.body.push(Block::Table(Table {
            caption: None,
            columns,
            header_rows: 1,
            rows: table_rows,
        }));
    }

    fn figures_table(&mut self, a: &outline::Answer, value: Option<&Value>) {
        let lines = report::derive::figure_lines(a, value);
        let cutoff = self.t.cutoff().map(|d| d.short_vi()).unwrap_or_default();
        let mut head = vec![
            Cell::bold("STT"),
            Cell::bold("Nội dung"),
            Cell::bold(a.figure_column("before", &cutoff)),
        ];
        if a.authorised {
            head.push(Cell::bold(a.figure_column("authorised", &cutoff)));
        }
        head.push(Cell::bold(a.figure_column("after", &cutoff)));
        head.push(Cell::bold("Tăng (+), giảm (-)"));
        let n = head.len();
        let mut columns = vec![
            Column {
                align: CellAlign::Center,
            },
            Column {
                align: CellAlign::Left,
            },
        ];
        for _ in 2..n {
            columns.push(Column {
                align: CellAlign::Right,
            });
        }
        // Before and after are required (a gap in a draft); the authorised figure is optional
        // (an empty cell).
        let num = |v: Option<i64>, f: fn(i64) -> String| match v {
            Some(x) => Cell::text(f(x)),
            None => Cell::gap(""),
        };
        let optional = |v: Option<i64>| match v {
            Some(x) => Cell::text(vi::format_int(x)),
            None => Cell::text(""),
        };
        let mut rows = vec![head];
        let mut k = 0;
        for l in &lines {
            let stt = if l.sub {
                "-".to_string()
            } else {
                k += 1;
                k.to_string()
            };
            let label = if l.sub {
                format!("Trong đó: {}", lower_first(&l.label))
            } else {
                l.label.clone()
            };
            let mut cells = vec![
                Cell::text(stt),
                Cell::text(label),
                num(l.before, vi::format_int),
            ];
            if a.authorised {
                cells.push(optional(l.authorised));
            }
            cells.push(num(l.after, vi::format_int));
            cells.push(num(l.change, vi::format_change));
            rows.push(cells);
        }
        let caption = a
            .unit
            .as_ref()
            .map(|u| self.profile.table.unit_caption.replace("{unit}", u));
        self.body.push(Block::Table(Table {
            caption,
            columns,
            header_rows: 1,
            rows,
        }));
    }

    fn recipients(&self) -> Vec<String> {
        let list: Vec<String> = if self.r.document.recipients.is_empty() {
            let city = self.p.is_city();
            self.t
                .template
                .recipients
                .iter()
                .map(|s| {
                    if city {
                        s.replace("Tỉnh ủy", "Thành ủy")
                    } else {
                        s.clone()
                    }
                })
                .collect()
        } else {
            self.r.document.recipients.clone()
        };
        let n = list.len();
        list.into_iter()
            .enumerate()
            .map(|(i, s)| {
                let s = s
                    .trim()
                    .trim_start_matches("- ")
                    .trim_end_matches([',', '.', ';']);
                format!("- {s}{}", if i + 1 == n { "." } else { "," })
            })
            .collect()
    }
}

/// Answers printed on their lead-in's line.
fn is_short(kind: AnswerType) -> bool {
    matches!(
        kind,
        AnswerType::Text | AnswerType::Integer | AnswerType::Date | AnswerType::Choice
    )
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(s);
    } else {
        out.push(Inline::Text(s.to_string()));
    }
}

/// "Số 123-QĐ/TU, ngày 5/9/2019 của Ban Thường vụ Tỉnh ủy Hà Giang: Quyết định về việc …".
pub fn docref_text(d: &Value) -> String {
    let get = |k: &str| {
        d.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let (number, issuer, title) = (get("number"), get("issuer"), get("title"));
    let date = d
        .get("date")
        .and_then(Value::as_str)
        .and_then(|s| vi::Date::parse_iso(s).ok())
        .map(|d| d.short_vi());
    let mut s = if number.is_empty() {
        "Văn bản".to_string()
    } else {
        format!("Số {number}")
    };
    if let Some(date) = date {
        s.push_str(&format!(", ngày {date}"));
    }
    if !issuer.is_empty() {
        s.push_str(&format!(" của {issuer}"));
    }
    if !title.is_empty() {
        s.push_str(&format!(": {}", title.trim_end_matches('.')));
    }
    s.push('.');
    s
}
