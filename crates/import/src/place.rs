//! Placing what was read into the outline.
//!
//! The document is read in order with a cursor in the template's node list (the outline in
//! document order): a paragraph is an item's lead-in when it starts with an item's text under
//! the current heading, a heading when it carries a heading's number or style (or is a bold or
//! italic short paragraph) and its text is close to a heading's text ahead of the cursor
//! (diacritics and case folded, rewording tolerated, numbers not trusted), and otherwise content
//! of the item being read. Repeated blocks get one instance per model, matched to the
//! catalogue by name. The Party header and closing fill the particulars.

use std::collections::{BTreeMap, HashMap, HashSet};

use outline::{AnswerType, ColumnRole, ColumnType, Node, NodeKind, Numbering, Template};
use report::{Instance, Particulars, Report, TemplateRef, UnitRef};
use serde_json::{json, Map, Value};
use units::{Province, Units};

use crate::docx::{Block, Body, Para, Table};
use crate::text::{auto_label, common_prefix, dice, find_date, label, outline_key, Label, Tokens};
use crate::{Import, Placed, Placement, Source, ToConfirm, Unplaced};

/// What marks a gap in baocao's own drafts.
const GAP: &str = "[chưa nhập]";

struct Info<'a> {
    node: &'a Node,
    /// Folded words of the text before `{model}` (all of it when there is none).
    prefix: Vec<String>,
    /// Folded words after `{model}`.
    suffix: Vec<String>,
    has_model: bool,
    /// Repeat blocks: the words of the names of the catalogue's models for the block.
    catalogue: Vec<Vec<String>>,
    /// The enclosing repeat block (the node itself for a block).
    repeat: Option<usize>,
    arabic_depth: usize,
    parent: Option<usize>,
}

impl Info<'_> {
    fn is_heading(&self) -> bool {
        matches!(self.node.kind, NodeKind::Heading | NodeKind::Repeat)
    }
    fn answer(&self) -> Option<AnswerType> {
        self.node.answer.as_ref().map(|a| a.kind)
    }
}

/// Which part of the document is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    Header,
    Body,
    Closing,
}

struct Placer<'a> {
    t: &'a Template,
    /// Repeated blocks the document answers with "Không có." (kept as empty lists).
    none: HashSet<String>,
    units: &'a Units,
    p: &'a Province,
    infos: Vec<Info<'a>>,
    report: Report,
    zone: Zone,
    cursor: Option<usize>,
    heading: Option<usize>,
    item: Option<usize>,
    /// Repeat block index -> position of its current instance.
    current: HashMap<usize, usize>,
    sources: BTreeMap<(String, Option<String>), Vec<Source>>,
    headings: HashMap<(String, Option<String>), String>,
    seen: HashSet<(usize, Option<String>)>,
    to_confirm: Vec<(String, Option<String>, String, Source)>,
    unplaced: Vec<Unplaced>,
    template_notes: HashSet<String>,
    recipients: Vec<String>,
    in_recipients: bool,
    signer_next: bool,
    paragraphs: usize,
    tables: usize,
    /// Reading a section of the file that is not in the outline.
    orphan: bool,
}

/// Places a read document into the template for province `p`.
pub fn import_body(body: &Body, t: &Template, units: &Units, p: &Province) -> Import {
    let mut pl = Placer::new(t, units, p);
    for b in &body.blocks {
        match b {
            Block::Para(para) => pl.para(para),
            Block::Table(table) => pl.table(table),
        }
    }
    pl.finish(body)
}

fn fill_placeholders(text: &str, t: &Template, p: &Province) -> String {
    text.replace("{committee}", &p.committee())
        .replace("{province}", p.short())
        .replace(
            "{cutoff}",
            &t.cutoff().map(|d| d.short_vi()).unwrap_or_default(),
        )
}

impl<'a> Placer<'a> {
    fn new(t: &'a Template, units: &'a Units, p: &'a Province) -> Placer<'a> {
        let index: HashMap<&str, usize> = t
            .node
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut infos: Vec<Info> = Vec::new();
        for n in &t.node {
            let text = fill_placeholders(&outline_key(&n.text), t, p);
            let (before, after) = match text.split_once("{model}") {
                Some((b, a)) => (b.to_string(), Some(a.to_string())),
                None => (text.clone(), None),
            };
            let parent = n.parent.as_deref().and_then(|id| index.get(id).copied());
            let repeat = if n.kind == NodeKind::Repeat {
                index.get(n.id.as_str()).copied()
            } else {
                t.enclosing_repeat(&n.id)
                    .and_then(|r| index.get(r.id.as_str()).copied())
            };
            let arabic_depth = match n.numbering {
                Some(Numbering::Arabic) => {
                    1 + parent
                        .and_then(|pi| infos.get(pi))
                        .filter(|pinfo| pinfo.node.numbering == Some(Numbering::Arabic))
                        .map(|pinfo| pinfo.arabic_depth)
                        .unwrap_or(0)
                }
                _ => 0,
            };
            infos.push(Info {
                node: n,
                prefix: Tokens::new(&before).words,
                suffix: after
                    .as_deref()
                    .map(|a| Tokens::new(a).words)
                    .unwrap_or_default(),
                has_model: after.is_some(),
                catalogue: if n.kind == NodeKind::Repeat {
                    t.catalogue_for(n)
                        .flat_map(|c| [model_words(&c.short), model_words(&c.name)])
                        .collect()
                } else {
                    Vec::new()
                },
                repeat,
                arabic_depth,
                parent,
            });
        }
        Placer {
            t,
            units,
            p,
            infos,
            none: HashSet::new(),
            report: Report {
                template: TemplateRef {
                    id: t.template.id.clone(),
                    version: t.template.version.clone(),
                },
                unit: UnitRef {
                    province: p.code.clone(),
                    district: None,
                },
                document: Particulars::default(),
                answers: BTreeMap::new(),
                blocks: BTreeMap::new(),
            },
            zone: Zone::Header,
            cursor: None,
            heading: None,
            item: None,
            current: HashMap::new(),
            sources: BTreeMap::new(),
            headings: HashMap::new(),
            seen: HashSet::new(),
            to_confirm: Vec::new(),
            unplaced: Vec::new(),
            template_notes: t.footnote.iter().map(|f| vi::fold(&f.text)).collect(),
            recipients: Vec::new(),
            in_recipients: false,
            signer_next: false,
            paragraphs: 0,
            tables: 0,
            orphan: false,
        }
    }

    // ------------------------------------------------------------------ scopes

    fn block_id(&self, repeat: usize) -> String {
        self.infos
            .get(repeat)
            .map(|i| i.node.id.clone())
            .unwrap_or_default()
    }

    /// The instance id of the current instance of the block enclosing node `i`.
    fn instance_id(&self, i: usize) -> Option<String> {
        let r = self.infos.get(i)?.repeat?;
        let pos = *self.current.get(&r)?;
        self.report
            .blocks
            .get(&self.block_id(r))
            .and_then(|list| list.get(pos))
            .map(|inst| inst.id.clone())
    }

    /// The answers of the scope of node `i` (an instance is made if the block has none yet).
    fn scope_mut(&mut self, i: usize) -> &mut BTreeMap<String, Value> {
        let Some(r) = self.infos.get(i).and_then(|x| x.repeat) else {
            return &mut self.report.answers;
        };
        if !self.current.contains_key(&r) {
            self.new_instance(r, "khac", Some("(chưa rõ tên mô hình)".to_string()));
        }
        let block = self.block_id(r);
        let pos = self.current.get(&r).copied().unwrap_or(0);
        let list = self.report.blocks.entry(block).or_default();
        match list.get_mut(pos) {
            Some(inst) => &mut inst.answers,
            None => &mut self.report.answers,
        }
    }

    fn scope(&self, i: usize) -> Option<&BTreeMap<String, Value>> {
        let Some(r) = self.infos.get(i).and_then(|x| x.repeat) else {
            return Some(&self.report.answers);
        };
        let pos = *self.current.get(&r)?;
        self.report
            .blocks
            .get(&self.block_id(r))
            .and_then(|l| l.get(pos))
            .map(|inst| &inst.answers)
    }

    fn new_instance(&mut self, r: usize, model: &str, name: Option<String>) {
        let block = self.block_id(r);
        let list = self.report.blocks.entry(block).or_default();
        let pos = list.len();
        list.push(Instance {
            id: format!("{}-{}", model.to_lowercase(), pos + 1),
            model: model.to_string(),
            name,
            answers: BTreeMap::new(),
            rollup: None,
        });
        self.current.insert(r, pos);
    }

    fn key(&self, i: usize) -> (String, Option<String>) {
        let id = self
            .infos
            .get(i)
            .map(|x| x.node.id.clone())
            .unwrap_or_default();
        (id, self.instance_id(i))
    }

    fn source(&mut self, i: usize, s: Source) {
        let k = self.key(i);
        self.seen.insert((i, k.1.clone()));
        let list = self.sources.entry(k).or_default();
        if !list.contains(&s) {
            list.push(s);
        }
    }

    /// show_if holds (or its item is unanswered) in the current scope.
    fn shown(&self, i: usize) -> bool {
        let Some(c) = self.infos.get(i).and_then(|x| x.node.show_if.as_ref()) else {
            return true;
        };
        match self
            .scope(i)
            .and_then(|s| s.get(&c.item))
            .and_then(Value::as_str)
        {
            Some(v) => c.equals.contains(v),
            None => true,
        }
    }

    // ------------------------------------------------------------------ paragraphs

    fn para(&mut self, p: &Para) {
        let mut text = p.text.trim().to_string();
        if let Some(l) = &p.auto_label {
            text = format!("{l} {text}");
        }
        let notes: Vec<&String> = p
            .footnotes
            .iter()
            .filter(|f| !self.template_notes.contains(&vi::fold(f)))
            .collect();
        if text.trim().is_empty() && notes.is_empty() {
            return;
        }
        self.paragraphs += 1;
        let src = Source::Paragraph(p.number);
        if self.zone != Zone::Body && self.particular(&text, src) {
            return;
        }
        if self.zone == Zone::Closing {
            self.unplaced.push(Unplaced { source: src, text });
            return;
        }
        if self.zone == Zone::Body && self.closing_start(&text) {
            self.zone = Zone::Closing;
            if !self.particular(&text, src) {
                self.unplaced.push(Unplaced { source: src, text });
            }
            return;
        }
        if self.zone == Zone::Body && self.none_for_block(&text) {
            return;
        }
        if self.body_para(p, &text, src) {
            if self.zone == Zone::Header {
                self.zone = Zone::Body;
            }
        } else {
            self.unplaced.push(Unplaced { source: src, text });
            return;
        }
        // Footnotes the author wrote stay with the item the paragraph went to.
        if !notes.is_empty() {
            let target = self.item.or(self.heading);
            match target.filter(|&i| self.infos[i].answer() == Some(AnswerType::Narrative)) {
                Some(i) => {
                    for n in notes {
                        self.push_narrative(i, &format!("(Chú thích: {n})"));
                    }
                }
                None => {
                    for n in notes {
                        self.unplaced.push(Unplaced {
                            source: src,
                            text: format!("Chú thích: {n}"),
                        });
                    }
                }
            }
        }
    }

    /// "Không có." right under a heading that holds a repeated block: the report answers the
    /// block with no model (our own documents print it so); the block becomes an empty list.
    fn none_for_block(&mut self, text: &str) -> bool {
        if vi::fold(text.trim().trim_end_matches('.').trim()) != "khong co" {
            return false;
        }
        let Some(h) = self.heading else {
            return false;
        };
        let parent = self.infos[h].node.id.as_str();
        let blocks: Vec<String> = self
            .t
            .node
            .iter()
            .filter(|n| n.kind == NodeKind::Repeat && n.parent.as_deref() == Some(parent))
            .map(|n| n.id.clone())
            .collect();
        if blocks.is_empty() {
            return false;
        }
        for b in blocks {
            self.report.blocks.entry(b.clone()).or_default();
            self.none.insert(b);
        }
        true
    }

    fn closing_start(&self, text: &str) -> bool {
        let f = vi::fold(text);
        f.starts_with("noi nhan") || f.starts_with("t/m ") || f.starts_with("k/t ")
    }

    /// The header and closing: returns true when the text was one of their parts.
    fn particular(&mut self, text: &str, src: Source) -> bool {
        // Lines broken inside one paragraph ("Nơi nhận:" and its list in one cell): line by line,
        // each line a particular or listed.
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > 1 {
            if !self.particular(lines[0], src) {
                return false;
            }
            for line in &lines[1..] {
                if !self.particular(line, src) {
                    self.unplaced.push(Unplaced {
                        source: src,
                        text: line.to_string(),
                    });
                }
            }
            return true;
        }
        let f = vi::fold(text);
        let trimmed = text.trim();
        if self.zone == Zone::Header {
            if f.starts_with("dang cong san viet nam")
                || trimmed.chars().all(|c| "-_*=–—.".contains(c))
                || f == vi::fold(&self.t.template.kind)
                || f.starts_with("kinh gui")
                || ((f.starts_with("tinh uy") || f.starts_with("thanh uy"))
                    && trimmed == vi::upper(trimmed))
                || f.starts_with("ban thuong vu") && trimmed == vi::upper(trimmed)
            {
                return true;
            }
            if let Some(rest) = trimmed
                .strip_prefix("Số")
                .or_else(|| trimmed.strip_prefix("SỐ"))
            {
                if rest.contains('/') && rest.len() < 40 {
                    let n = rest
                        .trim_start_matches([':', ' '])
                        .split(['-', '–'])
                        .next()
                        .unwrap_or("")
                        .trim();
                    if !n.is_empty() && n.chars().all(|c| c.is_alphanumeric()) {
                        self.report.document.number = Some(n.to_string());
                    }
                    return true;
                }
            }
            if trimmed.chars().count() < 90 {
                if let Some((place, _)) = trimmed.split_once(',') {
                    let rest_f = vi::fold(&trimmed[place.len()..]);
                    if let Some((d, _, _)) = find_date(trimmed) {
                        self.report.document.place = Some(place.trim().to_string());
                        self.report.document.date = Some(d.iso());
                        return true;
                    }
                    if rest_f.contains("ngay") && rest_f.contains("thang") {
                        self.report.document.place = Some(place.trim().to_string());
                        return true;
                    }
                }
            }
            // The title: the kind ("BÁO CÁO …") and the subject, whole or over several lines.
            let subject = Tokens::new(&self.t.template.subject).words;
            let words = Tokens::new(trimmed).words;
            let within = words.iter().filter(|w| subject.contains(w)).count();
            if dice(&subject, &words) > 0.7
                || f.starts_with(&format!("{} ", vi::fold(&self.t.template.kind)))
                || (words.len() >= 3 && within * 10 >= words.len() * 9)
            {
                return true;
            }
            if self.closing_start(trimmed) {
                self.zone = Zone::Closing;
            } else {
                return false;
            }
        }
        // The closing.
        if f.starts_with("noi nhan") {
            self.in_recipients = true;
            self.zone = Zone::Closing;
            return true;
        }
        if self.in_recipients && (trimmed.starts_with('-') || trimmed.starts_with('–')) {
            let r = trimmed
                .trim_start_matches(['-', '–', ' '])
                .trim_end_matches([',', '.', ';'])
                .trim()
                .to_string();
            self.recipients.push(r);
            return true;
        }
        self.in_recipients = false;
        if f.starts_with("t/m ") || f.starts_with("k/t ") {
            self.zone = Zone::Closing;
            self.signer_next = true;
            if f.starts_with("k/t ") {
                // "K/T BÍ THƯ": the title follows on the next line.
                return true;
            }
            return true;
        }
        if self.zone == Zone::Closing {
            if trimmed == GAP {
                self.signer_next = false;
                return true;
            }
            if f.contains("bi thu") && f.split(' ').count() <= 4 {
                self.report.document.signer_title = Some(trimmed.to_string());
                self.signer_next = true;
                return true;
            }
            if self.signer_next && trimmed.split_whitespace().count() <= 6 {
                self.report.document.signer = Some(trimmed.to_string());
                self.signer_next = false;
                return true;
            }
        }
        false
    }

    /// A paragraph of the body: returns false when it could not be placed.
    fn body_para(&mut self, p: &Para, text: &str, src: Source) -> bool {
        let t = text.trim();
        if vi::fold(t).starts_with("don vi tinh:") {
            // A table's unit caption ("Đơn vị tính: người"): printed from the outline.
            return true;
        }
        if t == GAP || t == "…" || t == "..." || t.trim_matches(['.', '…', ' ']).is_empty() {
            // A gap of a draft: nothing to take, nothing lost.
            return true;
        }
        let tokens = Tokens::new(t);
        if let Some((i, rest)) = self.match_item(&tokens, t) {
            self.orphan = false;
            self.take_item(i, rest.trim(), src);
            return true;
        }
        let lab = label(t);
        let heading_like = match &lab {
            Some((Label::Dash(_), _)) => false,
            Some(_) => true,
            None => p.outline_level.is_some() || ((p.bold || p.italic) && tokens.len() <= 60),
        } || p
            .auto_label
            .as_deref()
            .and_then(auto_label)
            .is_some_and(|l| !matches!(l, Label::Dash(_)));
        if let Some((i, rest)) =
            self.match_heading(t, &tokens, lab.as_ref().map(|l| &l.0), heading_like)
        {
            self.orphan = false;
            self.take_heading(i, t, rest.trim(), src);
            return true;
        }
        // A main heading of the file that is not in the outline opens a section that belongs
        // nowhere: it and what follows it, up to the next heading recognised, are listed.
        let main = matches!(
            lab.as_ref().map(|l| &l.0),
            Some(Label::UpperLetter | Label::UpperRoman)
        ) || p.outline_level.is_some_and(|l| l <= 1);
        if main {
            self.orphan = true;
        }
        if self.orphan {
            return false;
        }
        self.content(t, src)
    }

    /// An item lead-in under the current heading: the item and the text after its lead.
    fn match_item(&self, tokens: &Tokens, text: &str) -> Option<(usize, String)> {
        let from = self.cursor.map(|c| c + 1).unwrap_or(0);
        let mut fuzzy: Option<(usize, f64, usize)> = None;
        // Items of the current heading, or of a heading enclosing it (an item may follow its
        // heading's subheadings).
        let mut parents = vec![self.heading];
        let mut h = self.heading;
        while let Some(x) = h {
            h = self.infos[x].parent;
            parents.push(h);
        }
        for i in from..self.infos.len() {
            let info = &self.infos[i];
            if info.is_heading() || info.prefix.is_empty() || !parents.contains(&info.parent) {
                continue;
            }
            let n = info.prefix.len();
            let cp = common_prefix(&info.prefix, &tokens.words);
            if cp == n {
                return Some((i, self.rest_after(i, tokens, text, n)));
            }
            if n >= 4 && tokens.len() >= n.saturating_sub(1) {
                let window = &tokens.words[..tokens.len().min(n + 1)];
                let d = dice(&info.prefix, window);
                if d >= 0.8 && fuzzy.is_none_or(|(_, best, _)| d > best) {
                    fuzzy = Some((i, d, window.len().min(n)));
                }
            }
        }
        fuzzy.map(|(i, _, n)| (i, self.rest_after(i, tokens, text, n)))
    }

    /// The text after an outline text's words (and after `{model}`'s suffix when there is one).
    fn rest_after(&self, i: usize, tokens: &Tokens, text: &str, n: usize) -> String {
        let info = &self.infos[i];
        let mut end = n;
        if info.has_model && !info.suffix.is_empty() {
            let s = info.suffix.len();
            if let Some(j) = (n..=tokens.len().saturating_sub(s))
                .find(|&j| tokens.words.get(j..j + s) == Some(info.suffix.as_slice()))
            {
                end = j + s;
            }
        }
        let off = tokens.end_of(end);
        let rest = text.get(off..).unwrap_or("");
        // Closing brackets and the colon of the outline's text belong to the lead.
        rest.trim_start_matches([')', ':', ' ', '\t', '…', '.'])
            .to_string()
    }

    fn take_item(&mut self, i: usize, rest: &str, src: Source) {
        self.cursor = Some(i);
        self.item = Some(i);
        let kind = self.infos[i].node.kind;
        self.source(i, src);
        if matches!(kind, NodeKind::Computed | NodeKind::Text) || self.infos[i].node.silent {
            return;
        }
        let Some(a) = self.infos[i].answer() else {
            return;
        };
        let rest = rest.trim();
        if !rest.chars().any(char::is_alphanumeric) || rest == GAP {
            return;
        }
        match a {
            AnswerType::Narrative => self.push_narrative(i, rest),
            _ => {
                if !self.set_inline(i, rest, src) {
                    self.unplaced.push(Unplaced {
                        source: src,
                        text: rest.to_string(),
                    });
                }
            }
        }
    }

    /// Sets a short answer (text, integer, date, choice, multichoice, docrefs) from text.
    fn set_inline(&mut self, i: usize, rest: &str, src: Source) -> bool {
        let node = self.infos[i].node;
        let Some(a) = node.answer.as_ref() else {
            return false;
        };
        let value = rest.trim().trim_end_matches('.').trim();
        let v = match a.kind {
            AnswerType::Text => (!value.is_empty()).then(|| json!(value)),
            AnswerType::Integer => Tokens::new(value)
                .words
                .iter()
                .find_map(|w| vi::parse_int(w).ok())
                .map(|n| json!(n)),
            AnswerType::Date => find_date(value).map(|(d, _, _)| json!(d.iso())),
            AnswerType::Choice => match_option(&a.option, value).map(|v| json!(v)),
            AnswerType::Multichoice => {
                // Options may come one per line: add to those already read.
                let mut list = parse_multichoice(&a.option, rest);
                if list.is_empty() {
                    return false;
                }
                let before: Vec<String> = self
                    .scope(i)
                    .and_then(|sc| sc.get(&node.id))
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                list.extend(before);
                list.sort_by_key(|v| a.option.iter().position(|o| &o.value == v));
                list.dedup();
                Some(json!(list))
            }
            AnswerType::Docrefs => {
                // One or more references, separated by ";".
                let parts: Vec<&str> = rest.split(';').filter(|x| !x.trim().is_empty()).collect();
                let parsed: Vec<Option<Value>> = parts.iter().map(|x| parse_docref(x)).collect();
                if parsed.iter().all(Option::is_none) {
                    return false;
                }
                let id = node.id.clone();
                let scope = self.scope_mut(i);
                let entry = scope.entry(id).or_insert_with(|| json!([]));
                if let Some(list) = entry.as_array_mut() {
                    list.extend(parsed.iter().flatten().cloned());
                }
                for (part, d) in parts.iter().zip(&parsed) {
                    if d.is_none() {
                        self.unplaced.push(Unplaced {
                            source: src,
                            text: part.trim().to_string(),
                        });
                    }
                }
                self.source(i, src);
                return true;
            }
            AnswerType::Narrative => {
                self.push_narrative(i, rest);
                return true;
            }
            AnswerType::Records | AnswerType::Figures => None,
        };
        match v {
            Some(v) => {
                let id = node.id.clone();
                self.scope_mut(i).insert(id, v);
                self.source(i, src);
                true
            }
            None => false,
        }
    }

    fn push_narrative(&mut self, i: usize, para: &str) {
        let id = self.infos[i].node.id.clone();
        let scope = self.scope_mut(i);
        let entry = scope.entry(id).or_insert_with(|| json!(""));
        if let Value::String(s) = entry {
            if !s.is_empty() {
                s.push_str("\n\n");
            }
            s.push_str(para.trim());
        }
    }

    /// A heading ahead of the cursor whose text is close to the paragraph's.
    fn match_heading(
        &self,
        text: &str,
        tokens: &Tokens,
        lab: Option<&Label>,
        heading_like: bool,
    ) -> Option<(usize, String)> {
        // The words after the label.
        let skip = label(text).map(|(_, n)| n).unwrap_or(0);
        let body = text.get(skip..).unwrap_or("");
        let bt = tokens.after(skip);
        let words = &bt.words;
        if words.is_empty() {
            return None;
        }
        let mut candidates: Vec<usize> = Vec::new();
        // A new instance of a block the cursor is in.
        if let Some(c) = self.cursor {
            let mut r = self.infos.get(c).and_then(|x| x.repeat);
            while let Some(ri) = r {
                candidates.push(ri);
                r = self.infos[ri]
                    .parent
                    .and_then(|pi| self.infos.get(pi))
                    .and_then(|x| x.repeat);
            }
        }
        let from = self.cursor.map(|c| c + 1).unwrap_or(0);
        candidates.extend((from..self.infos.len()).filter(|&i| self.infos[i].is_heading()));
        let mut best: Option<(usize, f64, usize)> = None;
        for (passed, &i) in candidates.iter().enumerate() {
            let info = &self.infos[i];
            if info.prefix.is_empty() && !info.has_model {
                continue;
            }
            let n = info.prefix.len();
            let threshold = if heading_like {
                0.6
            } else if words.len() <= n + 3 {
                0.88
            } else {
                continue;
            };
            let cp = common_prefix(&info.prefix, words);
            let (mut score, used) = if info.has_model {
                if cp == n {
                    (1.0, n)
                } else {
                    let w = &words[..words.len().min(n)];
                    let by_prefix = (dice(&info.prefix, w) * 0.95, w.len());
                    // A block's heading in the province's own words ("Mô hình …"): the name of
                    // one of the block's models after a few words.
                    let by_model = (0..=words.len().min(5))
                        .filter_map(|k| {
                            let tail = expand_model(&words[k..]);
                            info.catalogue
                                .iter()
                                .map(|c| dice(&tail, c))
                                .max_by(f64::total_cmp)
                                .map(|s| (s, k))
                        })
                        .filter(|(s, _)| *s >= 0.75)
                        .max_by(|a, b| a.0.total_cmp(&b.0));
                    match by_model {
                        Some((s, k)) if s * 0.9 > by_prefix.0 => (s * 0.9, k),
                        _ => by_prefix,
                    }
                }
            } else if cp == n {
                (if words.len() == n { 1.0 } else { 0.95 }, n)
            } else if cp == words.len() && cp >= 3 {
                // The heading written short: its first words only.
                (0.7 + 0.3 * cp as f64 / n as f64, cp)
            } else {
                (dice(&info.prefix, words), words.len())
            };
            match (lab, info.node.numbering) {
                (Some(l), Some(num)) => {
                    if compatible(l, num, info.arabic_depth) {
                        score += 0.1;
                    } else {
                        score -= 0.25;
                    }
                }
                (Some(_), None) => score -= 0.1,
                _ => {}
            }
            score -= (passed as f64 * 0.003).min(0.15);
            if score >= threshold && best.is_none_or(|(_, b, _)| score > b + 1e-9) {
                best = Some((i, score, used));
            }
        }
        let (i, _, used) = best?;
        let info = &self.infos[i];
        let rest = if info.has_model {
            // The model's name: from after the prefix to the suffix (or the end).
            let start = bt.start_of(used, body.len());
            let mut end = body.len();
            if !info.suffix.is_empty() {
                let s = info.suffix.len();
                if let Some(j) = (used..=words.len().saturating_sub(s))
                    .rev()
                    .find(|&j| words.get(j..j + s) == Some(info.suffix.as_slice()))
                {
                    end = bt.start_of(j, body.len());
                }
            }
            body.get(start..end).unwrap_or("").to_string()
        } else {
            body.get(bt.end_of(used)..).unwrap_or("").to_string()
        };
        Some((i, rest))
    }

    fn take_heading(&mut self, i: usize, written: &str, rest: &str, src: Source) {
        let info = &self.infos[i];
        if info.node.kind == NodeKind::Repeat && info.has_model {
            let name = rest
                .trim()
                .trim_end_matches([':', '.', ' '])
                .trim_matches(['…', ' '])
                .trim()
                .to_string();
            if name.is_empty() {
                // An unfilled skeleton block of a draft: nothing to take.
                self.current.remove(&i);
            } else {
                self.instance_for(i, &name);
            }
        }
        self.cursor = Some(i);
        self.heading = Some(i);
        self.item = self.infos[i].node.answer.is_some().then_some(i);
        let k = self.key(i);
        self.headings
            .entry(k)
            .or_insert_with(|| written.to_string());
        self.source(i, src);
        let info = &self.infos[i];
        if !info.has_model && info.answer() == Some(AnswerType::Narrative) {
            let rest = rest
                .trim()
                .trim_start_matches([')', ':', ' ', '.', '…', ';'])
                .trim();
            if rest.chars().any(char::is_alphanumeric) {
                self.push_narrative(i, rest);
            }
        }
    }

    /// The instance of block `r` for the model named `name`: the catalogue's when the name is
    /// close to one of its models, else a "khac" one named as written.
    fn instance_for(&mut self, r: usize, name: &str) {
        let block = self.infos[r].node;
        let words = model_words(name);
        let mut best: Option<(&str, f64)> = None;
        for c in self.t.catalogue_for(block) {
            let s = dice(&words, &model_words(&c.short)).max(dice(&words, &model_words(&c.name)));
            if s >= 0.7 && best.is_none_or(|(_, b)| s > b) {
                best = Some((c.code.as_str(), s));
            }
        }
        let id = block.id.clone();
        let existing = |model: &str, name: Option<&str>, list: &[Instance]| {
            list.iter()
                .position(|inst| inst.model == model && inst.name.as_deref() == name)
        };
        let list = self.report.blocks.get(&id).cloned().unwrap_or_default();
        match best {
            Some((code, _)) => {
                let code = code.to_string();
                match existing(&code, None, &list) {
                    Some(pos) => {
                        self.current.insert(r, pos);
                    }
                    None => self.new_instance(r, &code, None),
                }
            }
            None => match existing("khac", Some(name), &list) {
                Some(pos) => {
                    self.current.insert(r, pos);
                }
                None => self.new_instance(r, "khac", Some(name.to_string())),
            },
        }
    }

    /// A paragraph of content: into the item being read (or the narrative item that takes the
    /// text after it).
    fn content(&mut self, text: &str, src: Source) -> bool {
        let Some(start) = self.item.or(self.heading) else {
            return false;
        };
        let mut target = Some(start);
        // Docrefs and multichoice take their own lines; other text goes on.
        if let Some(i) = target {
            match self.infos[i].answer() {
                Some(AnswerType::Docrefs) | Some(AnswerType::Multichoice) => {
                    if self.set_inline(i, text, src) {
                        return true;
                    }
                    target = self.narrative_after(i);
                }
                Some(AnswerType::Narrative) => {}
                _ => target = self.narrative_after(i),
            }
        }
        let Some(i) = target else {
            // No narrative takes it: a sentence with figures still fills a figures item.
            return self.figures_in_sentence(start, text, src);
        };
        if Some(i) != self.item {
            self.item = Some(i);
            if self.cursor.is_none_or(|c| i > c) {
                self.cursor = Some(i);
            }
        }
        self.push_narrative(i, text);
        self.source(i, src);
        self.figures_in_sentence(i, text, src);
        true
    }

    /// The narrative item that takes text after item `i`: the next sibling printed when it has
    /// no lead-in, else the heading's own narrative.
    fn narrative_after(&self, i: usize) -> Option<usize> {
        let parent = if self.infos[i].is_heading() {
            Some(i)
        } else {
            self.infos[i].parent
        };
        for j in i + 1..self.infos.len() {
            let info = &self.infos[j];
            if info.is_heading() {
                break;
            }
            if info.parent != parent || !self.shown(j) || info.node.kind == NodeKind::Hint {
                continue;
            }
            // Only the next item printed: text after a status line does not jump to a
            // narrative further down (it goes to the heading's own narrative, or is listed).
            if info.prefix.is_empty()
                && !info.has_model
                && info.answer() == Some(AnswerType::Narrative)
            {
                return Some(j);
            }
            break;
        }
        let h = parent?;
        (self.infos[h].answer() == Some(AnswerType::Narrative)).then_some(h)
    }

    // ------------------------------------------------------------------ figures in sentences

    /// "giảm từ 14 đầu mối xuống còn 13": before and after of one figures row, when the row is
    /// clear from the words around; marked to confirm.
    fn figures_in_sentence(&mut self, i: usize, text: &str, src: Source) -> bool {
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        let repeat = self.infos[i].repeat;
        let figures: Vec<usize> = (0..self.infos.len())
            .filter(|&j| {
                self.infos[j].repeat == repeat
                    && self.infos[j].answer() == Some(AnswerType::Figures)
            })
            .collect();
        if figures.is_empty() {
            return false;
        }
        let mut taken = false;
        let tk = Tokens::new(text);
        let w = &tk.words;
        for k in 0..w.len() {
            if w[k] != "tu" {
                continue;
            }
            let Some(before) = w.get(k + 1).and_then(|x| vi::parse_int(x).ok()) else {
                continue;
            };
            // The second figure within a few words, after "xuống", "còn", "lên"…
            let mut after = None;
            let mut verb = false;
            for (j, word) in w.iter().enumerate().take((k + 10).min(w.len())).skip(k + 2) {
                if matches!(
                    word.as_str(),
                    "xuong" | "con" | "len" | "thanh" | "giam" | "tang"
                ) {
                    verb = true;
                }
                if let Ok(n) = vi::parse_int(word) {
                    if verb {
                        after = Some((j, n));
                    }
                    break;
                }
            }
            let Some((j, after)) = after else { continue };
            // Words between the two figures name the row best ("từ 14 đầu mối xuống còn 13");
            // the words before "từ" count half ("biên chế từ 84 giảm xuống 79").
            let near: Vec<String> = w[k + 2..j].to_vec();
            // The words before "từ", back to the previous figure (another clause).
            let mut start = k.saturating_sub(6);
            if let Some(prev) = (start..k).rev().find(|&x| vi::parse_int(&w[x]).is_ok()) {
                start = prev + 1;
            }
            let far: Vec<String> = w[start..k].to_vec();
            let mut best: Option<(usize, String, String, f64)> = None;
            let mut tie = false;
            for &f in &figures {
                let Some(a) = self.infos[f].node.answer.as_ref() else {
                    continue;
                };
                for row in &a.row {
                    let label: Vec<String> = Tokens::new(&row.label)
                        .words
                        .into_iter()
                        .filter(|x| !matches!(x.as_str(), "so" | "luong" | "trong" | "do" | "cua"))
                        .collect();
                    if label.is_empty() {
                        continue;
                    }
                    let points: usize = label
                        .iter()
                        .map(|x| {
                            if near.contains(x) {
                                2
                            } else if far.contains(x) {
                                1
                            } else {
                                0
                            }
                        })
                        .sum();
                    let hit = points as f64 / (2 * label.len()) as f64;
                    if hit < 0.25 {
                        continue;
                    }
                    match &best {
                        Some((_, _, _, b)) if (hit - b).abs() < 1e-9 => tie = true,
                        Some((_, _, _, b)) if hit < *b => {}
                        _ => {
                            tie = false;
                            best = Some((f, row.key.clone(), row.label.clone(), hit));
                        }
                    }
                }
            }
            let Some((f, key, row_label, _)) = best else {
                continue;
            };
            if tie {
                continue;
            }
            let id = self.infos[f].node.id.clone();
            let scope = self.scope_mut(f);
            let entry = scope.entry(id).or_insert_with(|| json!({}));
            let Some(obj) = entry.as_object_mut() else {
                continue;
            };
            if obj.contains_key(&key) {
                continue;
            }
            obj.insert(key, json!({"before": before, "after": after}));
            taken = true;
            self.source(f, src);
            let (item, inst) = self.key(f);
            self.to_confirm.push((
                item,
                inst,
                format!(
                    "{row_label}: trước thí điểm {}, hiện nay {} (lấy từ câu “{}”)",
                    vi::format_int(before),
                    vi::format_int(after),
                    vi::shorten(text, 100)
                ),
                src,
            ));
        }
        taken
    }

    // ------------------------------------------------------------------ tables

    fn table(&mut self, table: &Table) {
        self.table_inner(table);
        // Footnotes written in cells have no item to go with: listed, never dropped.
        let src = Source::Table(table.number);
        for p in &table.paras {
            for n in &p.footnotes {
                if !self.template_notes.contains(&vi::fold(n)) {
                    self.unplaced.push(Unplaced {
                        source: src,
                        text: format!("Chú thích: {n}"),
                    });
                }
            }
        }
    }

    fn table_inner(&mut self, table: &Table) {
        let src = Source::Table(table.number);
        let all: String = table
            .paras
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        if all.trim().is_empty() {
            return;
        }
        self.tables += 1;
        let f = vi::fold(&all);
        // The Party header or the closing, laid out as a borderless table.
        let number_mark = format!("-{}/", vi::fold(&self.t.template.kind_code));
        if self.zone == Zone::Header
            && (f.contains("dang cong san viet nam") || f.contains(&number_mark))
        {
            for p in &table.paras {
                let t = p.text.trim();
                if !t.is_empty() && !self.particular(t, src) {
                    self.unplaced.push(Unplaced {
                        source: src,
                        text: t.to_string(),
                    });
                }
            }
            return;
        }
        if f.contains("noi nhan") || f.starts_with("t/m ") || f.contains("\nt/m ") {
            self.zone = Zone::Closing;
            for p in &table.paras {
                let t = p.text.trim();
                if !t.is_empty() && !self.particular(t, src) {
                    self.unplaced.push(Unplaced {
                        source: src,
                        text: t.to_string(),
                    });
                }
            }
            return;
        }
        if self.zone == Zone::Header {
            self.zone = Zone::Body;
        }
        let grid = table.grid();
        let target = if self.orphan {
            None
        } else {
            self.table_target(&grid)
        };
        let done = match target {
            Some((i, AnswerType::Records)) => self.records(i, &grid, src),
            Some((i, AnswerType::Figures)) => self.figures(i, &grid, src),
            _ => false,
        };
        if !done {
            let text = grid
                .iter()
                .map(|r| r.join(" | "))
                .collect::<Vec<_>>()
                .join("\n");
            self.unplaced.push(Unplaced { source: src, text });
        }
    }

    /// The records or figures item a table belongs to: the item being read, else the best
    /// fitting one ahead under the current heading or block.
    fn table_target(&self, grid: &[Vec<String>]) -> Option<(usize, AnswerType)> {
        let fits = |i: usize| -> Option<(AnswerType, f64)> {
            let a = self.infos[i].node.answer.as_ref()?;
            match a.kind {
                AnswerType::Records => {
                    let (_, map) = records_columns(a, grid);
                    let score = map.iter().filter(|m| m.is_some()).count() as f64
                        / a.column.len().max(1) as f64;
                    Some((AnswerType::Records, score))
                }
                AnswerType::Figures => {
                    // The header may take two or three rows.
                    let head = vi::fold(
                        &grid
                            .iter()
                            .take(3)
                            .map(|r| r.join(" "))
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    let score = if head.contains("truoc") || head.contains("hien nay") {
                        1.0
                    } else {
                        0.0
                    };
                    Some((AnswerType::Figures, score))
                }
                _ => None,
            }
        };
        if let Some(i) = self.item {
            if let Some((k, s)) = fits(i) {
                if s >= 0.5 {
                    return Some((i, k));
                }
            }
        }
        // Ahead, within the current block instance (or the whole outline outside blocks).
        let from = self.heading.unwrap_or(0);
        let repeat = self.heading.and_then(|h| self.infos[h].repeat);
        let mut best: Option<(usize, AnswerType, f64)> = None;
        for i in from..self.infos.len() {
            if repeat.is_some() && self.infos[i].repeat != repeat {
                break;
            }
            if let Some((k, s)) = fits(i) {
                let filled = self
                    .scope(i)
                    .and_then(|sc| sc.get(&self.infos[i].node.id))
                    .is_some_and(|v| !report::validate::is_empty(v));
                if s >= 0.5 && !filled && best.is_none_or(|(_, _, b)| s > b) {
                    best = Some((i, k, s));
                }
            }
        }
        best.map(|(i, k, _)| (i, k))
    }

    fn records(&mut self, i: usize, grid: &[Vec<String>], src: Source) -> bool {
        let Some(a) = self.infos[i].node.answer.clone() else {
            return false;
        };
        let (header_rows, map) = records_columns(&a, grid);
        let districts: Vec<&units::District> = self.units.districts_of(&self.p.code).collect();
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for row in grid.iter().skip(header_rows) {
            if row.iter().all(|c| c.trim().is_empty() || c.trim() == GAP) {
                continue;
            }
            let mut obj = Map::new();
            for (c, col) in a.column.iter().enumerate() {
                let Some(Some(gc)) = map.get(c) else { continue };
                let cell = row.get(*gc).map(|s| s.trim()).unwrap_or("");
                if cell.is_empty() || cell == GAP {
                    continue;
                }
                let v = match col.kind {
                    ColumnType::Unit => match match_district(&districts, cell) {
                        Some(code) => json!(code),
                        None => {
                            problems.push(format!(
                                "đơn vị “{cell}” không có trong danh mục đơn vị cấp huyện của {}",
                                self.p.name
                            ));
                            json!(cell)
                        }
                    },
                    ColumnType::Date => match find_date(cell) {
                        Some((d, _, _)) => json!(d.iso()),
                        None => json!(cell),
                    },
                    ColumnType::Integer => match vi::parse_int(cell) {
                        Ok(n) => json!(n),
                        Err(_) => json!(cell),
                    },
                    ColumnType::Choice => match match_option(&col.option, cell) {
                        Some(v) => json!(v),
                        None => json!(cell),
                    },
                    ColumnType::Text => json!(cell),
                };
                obj.insert(col.key.clone(), v);
            }
            if !obj.is_empty() {
                rows.push(Value::Object(obj));
            }
        }
        // Columns the outline does not ask for (not the row number): listed with their values.
        let ncols = grid.iter().map(Vec::len).max().unwrap_or(0);
        for gc in 0..ncols {
            if map.contains(&Some(gc)) {
                continue;
            }
            let head: Vec<&str> = grid
                .iter()
                .take(header_rows)
                .filter_map(|r| r.get(gc).map(String::as_str))
                .collect();
            let label = head.last().copied().unwrap_or("").trim();
            if matches!(vi::fold(label).as_str(), "stt" | "tt" | "so tt") {
                continue;
            }
            let values: Vec<&str> = grid
                .iter()
                .skip(header_rows)
                .filter_map(|r| r.get(gc).map(|c| c.trim()))
                .filter(|c| !c.is_empty() && *c != GAP)
                .collect();
            if !values.is_empty() {
                self.unplaced.push(Unplaced {
                    source: src,
                    text: format!("cột “{label}”: {}", values.join("; ")),
                });
            }
        }
        if rows.is_empty() {
            // An empty table of a draft: placed, nothing taken.
            self.source(i, src);
            return true;
        }
        let id = self.infos[i].node.id.clone();
        let scope = self.scope_mut(i);
        let entry = scope.entry(id).or_insert_with(|| json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.extend(rows);
        }
        self.source(i, src);
        for p in problems {
            let (item, inst) = self.key(i);
            self.to_confirm.push((item, inst, p, src));
        }
        self.item = Some(i);
        if self.cursor.is_none_or(|c| i > c) {
            self.cursor = Some(i);
        }
        true
    }

    fn figures(&mut self, i: usize, grid: &[Vec<String>], src: Source) -> bool {
        let Some(a) = self.infos[i].node.answer.clone() else {
            return false;
        };
        // Header rows: until the first row with a number in it.
        let header_rows = grid
            .iter()
            .position(|r| {
                r.iter()
                    .skip(1)
                    .any(|c| !c.trim().is_empty() && vi::parse_int(c.trim()).is_ok())
            })
            .unwrap_or(1)
            .clamp(1, 3);
        let ncols = grid.iter().map(Vec::len).max().unwrap_or(0);
        let head: Vec<String> = (0..ncols)
            .map(|c| {
                let parts: Vec<String> = grid
                    .iter()
                    .take(header_rows)
                    .filter_map(|r| r.get(c).cloned())
                    .collect();
                vi::fold(&parts.join(" "))
            })
            .collect();
        let find = |pred: &dyn Fn(&str) -> bool| head.iter().position(|h| pred(h));
        let before = find(&|h| h.contains("truoc"));
        let authorised = find(&|h| h.contains("quyet dinh"));
        let after = find(&|h| {
            (h.contains("den ") || h.contains("hien nay") || h.contains("sau"))
                && !h.contains("tang")
                && !h.contains("truoc")
        });
        let label_col = find(&|h| h.contains("noi dung") || h.contains("chi tieu")).unwrap_or(1);
        let mut obj = Map::new();
        for row in grid.iter().skip(header_rows) {
            let Some(label) = row.get(label_col) else {
                continue;
            };
            let label = label.trim();
            let label = label
                .strip_prefix("Trong đó:")
                .or_else(|| label.strip_prefix("trong đó:"))
                .unwrap_or(label)
                .trim();
            let lw = Tokens::new(label).words;
            let mut best: Option<(&str, f64)> = None;
            for r in &a.row {
                let s = dice(&lw, &Tokens::new(&r.label).words);
                if s >= 0.6 && best.is_none_or(|(_, b)| s > b) {
                    best = Some((r.key.as_str(), s));
                }
            }
            let Some((key, _)) = best else {
                // A row the outline does not ask for: listed with its figures.
                let cells: Vec<&str> = row
                    .iter()
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .collect();
                if !label.is_empty() {
                    self.unplaced.push(Unplaced {
                        source: src,
                        text: format!("dòng {}", cells.join(" | ")),
                    });
                }
                continue;
            };
            let get = |c: Option<usize>| {
                c.and_then(|c| row.get(c))
                    .and_then(|s| vi::parse_int(s.trim()).ok())
            };
            let mut cell = Map::new();
            for (k, c) in [
                ("before", before),
                ("authorised", authorised),
                ("after", after),
            ] {
                if let Some(v) = get(c) {
                    cell.insert(k.to_string(), json!(v));
                }
            }
            if !cell.is_empty() {
                obj.insert(key.to_string(), Value::Object(cell));
            }
        }
        self.source(i, src);
        self.item = Some(i);
        if self.cursor.is_none_or(|c| i > c) {
            self.cursor = Some(i);
        }
        if obj.is_empty() {
            return true;
        }
        let id = self.infos[i].node.id.clone();
        let scope = self.scope_mut(i);
        let entry = scope.entry(id).or_insert_with(|| json!({}));
        if let Some(map) = entry.as_object_mut() {
            for (k, v) in obj {
                map.insert(k, v);
            }
        }
        true
    }

    // ------------------------------------------------------------------ the end

    fn finish(mut self, body: &Body) -> Import {
        // Recipients: the template's default list is kept as "default" (empty).
        if !self.recipients.is_empty() {
            let city = self.p.is_city();
            let defaults: Vec<String> = self
                .t
                .template
                .recipients
                .iter()
                .map(|s| {
                    let s = if city {
                        s.replace("Tỉnh ủy", "Thành ủy")
                    } else {
                        s.clone()
                    };
                    s.trim().trim_end_matches([',', '.', ';']).to_string()
                })
                .collect();
            if defaults != self.recipients {
                self.report.document.recipients = self.recipients.clone();
            }
        }
        self.infer_silent();
        // Narratives are trimmed; empty values dropped.
        let clean = |answers: &mut BTreeMap<String, Value>| {
            answers.retain(|_, v| !report::validate::is_empty(v));
        };
        clean(&mut self.report.answers);
        for list in self.report.blocks.values_mut() {
            for inst in list.iter_mut() {
                clean(&mut inst.answers);
            }
        }
        let none = std::mem::take(&mut self.none);
        self.report
            .blocks
            .retain(|k, l| !l.is_empty() || none.contains(k));

        // Where everything went, in outline order.
        let entries = report::tree::resolve(self.t, &self.report, Default::default());
        let mut places: HashMap<(String, Option<String>), String> = HashMap::new();
        let mut items = Vec::new();
        for e in &entries {
            let inst = e.instance.map(|x| x.id.clone());
            let k = (e.node.id.clone(), inst.clone());
            // An item printed without a lead-in is named by its hint.
            let place = match (e.node.text.trim().is_empty(), e.node.hint.as_deref()) {
                (true, Some(h)) if e.number.is_none() => {
                    format!("{} – {}", e.path, vi::shorten(h.trim_end_matches('.'), 60))
                }
                _ => e.place(),
            };
            places.insert(k.clone(), place.clone());
            let hidden = e.node.show_if.as_ref().is_some_and(|c| {
                self.report
                    .scope(e.instance)
                    .get(&c.item)
                    .and_then(Value::as_str)
                    .is_some_and(|v| !c.equals.contains(v))
            });
            if hidden {
                continue;
            }
            let sources = self.sources.get(&k).cloned().unwrap_or_default();
            let answered = e.answer(&self.report).is_some();
            let asks = e.node.answer.is_some() && e.node.kind != NodeKind::Computed;
            if !asks && sources.is_empty() {
                continue;
            }
            items.push(Placed {
                item: e.node.id.clone(),
                instance: inst,
                place,
                heading: self.headings.get(&k).cloned(),
                sources,
                empty: asks && !answered,
                missing: e
                    .node
                    .answer
                    .as_ref()
                    .map(|a| missing_parts(a, e.answer(&self.report)))
                    .unwrap_or_default(),
            });
        }
        let to_confirm = self
            .to_confirm
            .iter()
            .map(|(item, inst, what, src)| ToConfirm {
                item: item.clone(),
                instance: inst.clone(),
                place: places
                    .get(&(item.clone(), inst.clone()))
                    .cloned()
                    .unwrap_or_else(|| item.clone()),
                what: what.clone(),
                source: *src,
            })
            .collect();
        let mut notes = Vec::new();
        if body.insertions + body.deletions > 0 {
            notes.push(format!(
                "tệp có sửa đổi chưa chấp nhận (theo dõi thay đổi): đã đọc như khi chấp nhận tất cả ({} chỗ thêm được giữ, {} chỗ xóa được bỏ)",
                body.insertions, body.deletions
            ));
        }
        if body.objects > 0 {
            notes.push(format!(
                "tệp có {} hình ảnh, biểu đồ hoặc đối tượng nhúng: không đưa được vào báo cáo, cần nhập lại số liệu trong đó nếu có",
                body.objects
            ));
        }
        if body.comments > 0 {
            notes.push(format!(
                "tệp có {} ghi chú (comment): ghi chú không được đưa vào báo cáo",
                body.comments
            ));
        }
        let mut legacy: BTreeMap<(String, bool), Vec<String>> = BTreeMap::new();
        let mut collect = |p: &Para, src: String| {
            if let Some((enc, detected)) = p.legacy {
                legacy
                    .entry((enc.name().to_string(), detected))
                    .or_default()
                    .push(src);
            }
        };
        for b in &body.blocks {
            match b {
                Block::Para(p) => collect(p, Source::Paragraph(p.number).to_string()),
                Block::Table(t) => {
                    for p in &t.paras {
                        collect(p, Source::Table(t.number).to_string());
                    }
                }
            }
        }
        for ((enc, detected), mut places) in legacy {
            places.dedup();
            let list = vi::shorten(&places.join(", "), 200);
            if detected {
                notes.push(format!(
                    "văn bản mã {enc} bị mất phông (dán vào phông Unicode) được nhận ra và chuyển sang Unicode, cần đọc lại: {list}"
                ));
            } else {
                notes.push(format!(
                    "văn bản mã {enc} (theo phông chữ) đã được chuyển sang Unicode: {list}"
                ));
            }
        }
        Import {
            report: self.report,
            placement: Placement {
                items,
                to_confirm,
                unplaced: self.unplaced,
                notes,
                paragraphs: self.paragraphs,
                tables: self.tables,
            },
        }
    }

    /// A silent choice (its answer shows only through which of its dependent items are printed)
    /// gets the value whose dependent items were found.
    fn infer_silent(&mut self) {
        let silent: Vec<usize> = (0..self.infos.len())
            .filter(|&i| {
                self.infos[i].node.silent && self.infos[i].answer() == Some(AnswerType::Choice)
            })
            .collect();
        for s in silent {
            let sid = self.infos[s].node.id.clone();
            let instances: Vec<Option<String>> = match self.infos[s].repeat {
                None => vec![None],
                Some(r) => self
                    .report
                    .blocks
                    .get(&self.block_id(r))
                    .map(|l| l.iter().map(|x| Some(x.id.clone())).collect())
                    .unwrap_or_default(),
            };
            for inst in instances {
                let mut values: Vec<String> = Vec::new();
                for (j, info) in self.infos.iter().enumerate() {
                    let Some(c) = &info.node.show_if else {
                        continue;
                    };
                    if c.item != sid || !self.seen.contains(&(j, inst.clone())) {
                        continue;
                    }
                    if let outline::OneOrMany::One(v) = &c.equals {
                        if !values.contains(v) {
                            values.push(v.clone());
                        }
                    }
                }
                let [v] = values.as_slice() else { continue };
                let scope = match (&inst, self.infos[s].repeat) {
                    (Some(id), Some(r)) => self
                        .report
                        .blocks
                        .get_mut(&self.infos[r].node.id)
                        .and_then(|l| l.iter_mut().find(|x| &x.id == id))
                        .map(|x| &mut x.answers),
                    _ => Some(&mut self.report.answers),
                };
                if let Some(scope) = scope {
                    scope.entry(sid.clone()).or_insert_with(|| json!(v));
                }
            }
        }
    }
}

fn compatible(l: &Label, n: Numbering, arabic_depth: usize) -> bool {
    match (l, n) {
        (Label::UpperLetter, Numbering::UpperLetter)
        | (Label::UpperRoman, Numbering::UpperRoman)
        | (Label::LowerLetter, Numbering::LowerLetter)
        | (Label::Paren, Numbering::ParenArabic) => true,
        // "1." written for "1.1" is common: any arabic number fits an arabic heading, but the
        // right depth fits better.
        (Label::Arabic(d), Numbering::Arabic) => *d == arabic_depth || *d == 1,
        _ => false,
    }
}

/// The option whose label (or printed form) the text says.
fn match_option(options: &[outline::ChoiceOption], text: &str) -> Option<String> {
    let f = vi::fold(text.trim().trim_end_matches('.'));
    if f.is_empty() {
        return None;
    }
    for o in options {
        let print = o.print.as_deref().unwrap_or(&o.label);
        if vi::fold(&o.label) == f || vi::fold(print) == f || vi::fold(&o.value) == f {
            return Some(o.value.clone());
        }
    }
    let words = Tokens::new(text).words;
    let mut best: Option<(&str, f64)> = None;
    let mut tie = false;
    for o in options {
        let s = dice(&words, &Tokens::new(&o.label).words);
        match best {
            Some((_, b)) if (s - b).abs() < 1e-9 => tie = true,
            Some((_, b)) if s < b => {}
            _ => {
                tie = false;
                best = Some((o.value.as_str(), s));
            }
        }
    }
    match best {
        Some((v, s)) if s >= 0.6 && !tie => Some(v.to_string()),
        _ => None,
    }
}

/// "(1) Thẩm quyền quyết định thực hiện. (2) Chế độ chính sách." → the options' values, in the
/// options' order.
fn parse_multichoice(options: &[outline::ChoiceOption], text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(Label::Paren) = label(rest).map(|l| l.0) {
            if let Some((_, n)) = label(rest) {
                if !cur.trim().is_empty() {
                    pieces.push(cur.clone());
                }
                cur.clear();
                rest = &rest[n..];
                continue;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            cur.push(c);
        }
        rest = chars.as_str();
    }
    if !cur.trim().is_empty() {
        pieces.push(cur);
    }
    let mut chosen: Vec<String> = Vec::new();
    for p in pieces {
        let p = p.trim().trim_start_matches(['-', '+', ' ']).trim();
        if let Some(v) = match_option(options, p) {
            if !chosen.contains(&v) {
                chosen.push(v);
            }
        }
    }
    chosen.sort_by_key(|v| options.iter().position(|o| &o.value == v));
    chosen
}

/// A document reference: "Số 123-QĐ/TU, ngày 5/9/2019 của Ban Thường vụ Tỉnh ủy Hà Giang:
/// Quyết định về việc …" (baocao's form) or "Quyết định số 386-QĐ/HU, ngày 24/8/2019 của …
/// về việc …".
fn parse_docref(text: &str) -> Option<Value> {
    let t = text
        .trim()
        .trim_start_matches(['+', '-', '–', ' '])
        .trim()
        .trim_end_matches(['.', ';', ','])
        .trim();
    // "số" in any case, searched in the text itself (offsets of a lower-cased copy may differ).
    let i = ["số ", "Số ", "SỐ ", "sỐ "]
        .iter()
        .filter_map(|k| t.find(k))
        .min()?;
    let lead = t[..i].trim().to_string();
    let after_so = t.get(i + "số ".len()..).unwrap_or("");
    let number: String = after_so
        .split([',', ' ', ':'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if number.is_empty() || !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = after_so
        .find(number.as_str())
        .and_then(|k| after_so.get(k + number.len()..))
        .unwrap_or("");
    let date = find_date(rest);
    let after_date = match &date {
        Some((_, _, e)) => &rest[*e..],
        None => rest,
    };
    let (issuer, title) = match after_date.find(" của ") {
        Some(i) => {
            let tail = &after_date[i + " của ".len()..];
            match tail.find(": ") {
                Some(j) => (
                    tail[..j].trim().to_string(),
                    tail[j + 2..].trim().to_string(),
                ),
                None => match tail.find(" về ") {
                    Some(j) => (
                        tail[..j].trim().to_string(),
                        format!("{lead} {}", tail[j + 1..].trim())
                            .trim()
                            .to_string(),
                    ),
                    None => (tail.trim().to_string(), lead.clone()),
                },
            }
        }
        None => match after_date.find(": ") {
            Some(j) => (String::new(), after_date[j + 2..].trim().to_string()),
            None => (String::new(), lead.clone()),
        },
    };
    let mut obj = Map::new();
    obj.insert("number".into(), json!(number));
    if let Some((d, _, _)) = date {
        obj.insert("date".into(), json!(d.iso()));
    }
    if !issuer.is_empty() {
        obj.insert("issuer".into(), json!(issuer));
    }
    if !title.is_empty() {
        obj.insert("title".into(), json!(title));
    }
    Some(Value::Object(obj))
}

/// The header rows of a records table and, for each of the template's columns, the grid column
/// that holds it.
fn records_columns(a: &outline::Answer, grid: &[Vec<String>]) -> (usize, Vec<Option<usize>>) {
    // Header rows: until the first row starting with a number (STT).
    let header_rows = grid
        .iter()
        .position(|r| {
            r.first()
                .is_some_and(|c| c.trim().parse::<u32>().is_ok_and(|n| n >= 1))
        })
        .unwrap_or(1)
        .clamp(1, 3);
    let ncols = grid.iter().map(Vec::len).max().unwrap_or(0);
    let heads: Vec<Vec<String>> = (0..ncols)
        .map(|c| {
            let mut parts: Vec<String> = Vec::new();
            for r in grid.iter().take(header_rows) {
                if let Some(t) = r.get(c) {
                    if parts.last() != Some(t) {
                        parts.push(t.clone());
                    }
                }
            }
            Tokens::new(&parts.join(" ")).words
        })
        .collect();
    let mut scores: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, col) in a.column.iter().enumerate() {
        let lw = Tokens::new(&col.label).words;
        for (gi, h) in heads.iter().enumerate() {
            let joined = h.join(" ");
            if joined == "stt" || joined == "tt" || joined == "so tt" {
                continue;
            }
            let mut s = dice(&lw, h);
            let has = |w: &str| joined.contains(w);
            let hint = match (col.role, col.kind) {
                (Some(ColumnRole::Unit), _) | (_, ColumnType::Unit) => {
                    has("don vi") || has("huyen") || has("ten ")
                }
                (Some(ColumnRole::Status), _) => has("tinh trang"),
                (Some(ColumnRole::StartDate), _) => has("bat dau"),
                (Some(ColumnRole::EndDate), _) => {
                    has("ket thuc") && !has("ly do") && !has("nguyen nhan")
                }
                (Some(ColumnRole::EndReason), _) => has("ly do") || has("nguyen nhan"),
                _ => false,
            };
            if hint {
                s += 0.4;
            }
            scores.push((s, ci, gi));
        }
    }
    scores.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut map = vec![None; a.column.len()];
    let mut used = HashSet::new();
    for (s, ci, gi) in scores {
        if s < 0.34 || map[ci].is_some() || used.contains(&gi) {
            continue;
        }
        map[ci] = Some(gi);
        used.insert(gi);
    }
    (header_rows, map)
}

/// The district of the province a cell names ("Huyện Đồng Văn", "Đồng Văn", "TP. Hà Giang").
fn match_district(districts: &[&units::District], cell: &str) -> Option<String> {
    let strip = |s: &str| -> String {
        let f = vi::fold(s);
        for p in [
            "thanh pho ",
            "thi xa ",
            "huyen ",
            "quan ",
            "tp. ",
            "tp.",
            "tp ",
            "tx. ",
            "tx.",
            "h. ",
        ] {
            if let Some(r) = f.strip_prefix(p) {
                return r.trim().to_string();
            }
        }
        f
    };
    let want = strip(cell);
    let full = vi::fold(cell);
    // The full name first (a city and a district may share a short name), then the short one.
    if let Some(d) = districts.iter().find(|d| vi::fold(&d.name) == full) {
        return Some(d.code.clone());
    }
    // As written ("Quản Bạ" is a name, not "Quận" + "Bạ"), then without a type prefix.
    for key in [&full, &want] {
        let hits: Vec<&&units::District> = districts
            .iter()
            .filter(|d| &vi::fold(d.short()) == key)
            .collect();
        if let [d] = hits.as_slice() {
            return Some(d.code.clone());
        }
    }
    None
}

/// What a given answer lacks: figures rows without their figures, records without a required
/// column, document references without number or date.
fn missing_parts(a: &outline::Answer, v: Option<&Value>) -> Vec<String> {
    let Some(v) = v.filter(|v| !report::validate::is_empty(v)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match a.kind {
        AnswerType::Figures => {
            for row in &a.row {
                let cell = v.get(&row.key);
                let has = |k: &str| cell.and_then(|c| c.get(k)).is_some_and(Value::is_i64);
                let mut lacks = Vec::new();
                if !has("before") {
                    lacks.push("trước thí điểm");
                }
                if a.authorised && !has("authorised") {
                    lacks.push("theo quyết định");
                }
                if !has("after") {
                    lacks.push("hiện nay");
                }
                if !lacks.is_empty() {
                    out.push(format!("dòng “{}” ({})", row.label, lacks.join(", ")));
                }
            }
        }
        AnswerType::Records => {
            for (n, row) in v.as_array().into_iter().flatten().enumerate() {
                for c in a.column.iter().filter(|c| c.required) {
                    if row.get(&c.key).is_none_or(report::validate::is_empty) {
                        out.push(format!("dòng {}: cột “{}”", n + 1, c.label));
                    }
                }
            }
        }
        AnswerType::Docrefs => {
            for (n, d) in v.as_array().into_iter().flatten().enumerate() {
                for (k, label) in [("number", "số"), ("date", "ngày")] {
                    if d.get(k).is_none_or(report::validate::is_empty) {
                        out.push(format!("văn bản {}: {label}", n + 1));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The words of a model's name in the catalogue's usual wording: abbreviations spelt out
/// ("UBND", "HĐND", "MTTQ", "UBKT"), "huyện ủy", "quận ủy", "thị ủy", "thành ủy" as "cấp ủy",
/// "huyện", "quận", "thị xã" as "cấp huyện".
fn model_words(name: &str) -> Vec<String> {
    expand_model(&Tokens::new(name).words)
}

/// [`model_words`] of words already folded.
fn expand_model(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let next = words.get(i + 1).map(String::as_str);
        let expanded: &[&str] = match (w.as_str(), next) {
            ("ubnd", _) => &["uy", "ban", "nhan", "dan"],
            ("hdnd", _) => &["hoi", "dong", "nhan", "dan"],
            ("mttq", _) => &["mat", "tran", "to", "quoc"],
            ("ubkt", _) => &["uy", "ban", "kiem", "tra"],
            ("huyen" | "quan" | "thi" | "thanh", Some("uy")) => {
                i += 1;
                &["cap", "uy"]
            }
            ("thi", Some("xa")) => {
                i += 1;
                &["cap", "huyen"]
            }
            ("huyen" | "quan", _) if out.last().map(String::as_str) != Some("cap") => {
                &["cap", "huyen"]
            }
            (other, _) => {
                out.push(other.to_string());
                i += 1;
                continue;
            }
        };
        out.extend(expanded.iter().map(|s| s.to_string()));
        i += 1;
    }
    out
}
