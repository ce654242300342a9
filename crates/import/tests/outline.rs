//! `baocao template import`'s library: an outline as the BTCTW writes it into a template.
//!
//! The seed (`templates/source/1473-CV-BTCTW-de-cuong.txt`) round-trips: the imported template's
//! empty report prints every heading line of the seed in order (the coverage check
//! `crates/document/tests/kl74.rs` runs on the hand-written template, copied here), with the
//! four repeated blocks, the x.4 criteria and the three proposals as structure; how close it
//! comes to `templates/kl74-2021.toml` is printed. Then one small outline per recognised
//! pattern, each written by the test as text and as a Word file with automatic numbering, and
//! the bad outlines.

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use common::*;
use document::{Block, Document, Inline};
use import::outline::{
    from_docx, from_text, import_outline, NoteKind, OutlineError, OutlineImport,
};
use import::ImportError;
use outline::{AnswerType, ColumnType, NodeKind, Numbering, Profile, Role, Template, WhenEmpty};
use report::{Report, TemplateRef, UnitRef};
use units::Units;

const SEED: &str = include_str!("../../../templates/source/1473-CV-BTCTW-de-cuong.txt");

/// The template of an import, which must load with no error-level problem.
fn loaded(r: &OutlineImport) -> Template {
    let (t, problems) = Template::load(&r.toml, "nhập");
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == outline::Severity::Error)
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", r.toml);
    t.unwrap()
}

// ---- The coverage check of crates/document/tests/kl74.rs ----

fn inline_text(inl: &[Inline]) -> String {
    inl.iter()
        .map(|i| match i {
            Inline::Text(s) | Inline::Bold(s) | Inline::Italic(s) | Inline::Gap(s) => s.as_str(),
            Inline::Footnote(_) => "",
        })
        .collect()
}

fn lines(doc: &Document) -> Vec<String> {
    doc.body
        .iter()
        .filter_map(|b| match b {
            Block::Heading { label, inlines, .. } => {
                Some(format!("{label} {}", inline_text(inlines)))
            }
            Block::Paragraph { inlines, .. } => Some(inline_text(inlines)),
            Block::Table(_) | Block::Chart(_) | Block::Section { .. } => None,
        })
        .collect()
}

fn is_numbered(l: &str) -> bool {
    let b = l.as_bytes();
    let roman = l
        .split(['-', '.'])
        .next()
        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| "IVX".contains(c)));
    (b.len() > 2 && b[0].is_ascii_uppercase() && b[1] == b'-')
        || (roman && l.len() > 2)
        || (b.first().is_some_and(u8::is_ascii_digit))
}

fn seed_lines() -> Vec<String> {
    let start = SEED.find("A- VỀ TỔ CHỨC").unwrap();
    let end = SEED.find("Lưu ý:").unwrap();
    SEED[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| {
            is_numbered(l)
                || l.starts_with("(1)")
                || l.starts_with("(2)")
                || l.starts_with("(3)")
                || l.starts_with("- ")
        })
        .map(str::to_string)
        .collect()
}

fn norm(line: &str) -> String {
    let mut l = line.trim();
    if let Some(rest) = l.strip_prefix("- ") {
        l = rest;
    } else if l.starts_with('(') && l.get(2..3) == Some(")") {
        l = &l[3..];
    } else if let Some(i) = l.find(' ') {
        let head = &l[..i];
        let number = head.trim_end_matches(['-', '.']);
        if head.len() > number.len()
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || "ABIVX".contains(c))
        {
            l = &l[i + 1..];
        }
    }
    let l = l.split(':').next().unwrap_or(l);
    let l = vi::nfc(&l.to_lowercase().replace("...", "…"));
    l.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shows(printed: &str, seed: &str) -> bool {
    let printed = norm(printed).replace('…', " ");
    let printed = printed.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for (i, seg) in seed
        .split('…')
        .map(|s| s.trim_matches(|c: char| c.is_whitespace() || ",.;?".contains(c)))
        .enumerate()
    {
        if seg.is_empty() {
            continue;
        }
        match printed[at..].find(seg) {
            Some(pos) if i > 0 || pos == 0 => at += pos + seg.len(),
            _ => return false,
        }
    }
    true
}

fn missing_in_order(printed: &[String], seed: &[String]) -> Vec<String> {
    let mut at = 0;
    let mut missing = Vec::new();
    for s in seed {
        let want = norm(s);
        match printed[at..].iter().position(|p| shows(p, &want)) {
            Some(i) => at += i + 1,
            None => missing.push(format!(
                "{s} (sau dòng {at}: {:?})",
                printed.get(at.saturating_sub(1))
            )),
        }
    }
    missing
}

fn empty_report(t: &Template) -> Report {
    Report {
        template: TemplateRef {
            id: t.template.id.clone(),
            version: t.template.version.clone(),
        },
        unit: UnitRef {
            province: "02".into(),
            district: None,
        },
        document: Default::default(),
        answers: Default::default(),
        blocks: Default::default(),
    }
}

fn printed(t: &Template) -> Vec<String> {
    let doc = document::build(
        t,
        &empty_report(t),
        &Profile::builtin("hd36-2018").unwrap(),
        Units::embedded().unwrap(),
    )
    .unwrap();
    lines(&doc)
}

/// Counts of a template, to compare the import with the hand-written one.
#[derive(Debug, Default)]
struct Shape {
    nodes: usize,
    by_kind: BTreeMap<String, usize>,
    by_answer: BTreeMap<String, usize>,
    blocks: Vec<(String, String, String)>,
    footnotes: usize,
    anchored: usize,
}

fn shape(t: &Template) -> Shape {
    let mut s = Shape {
        nodes: t.node.len(),
        footnotes: t.footnote.len(),
        ..Shape::default()
    };
    for n in &t.node {
        *s.by_kind.entry(name(&n.kind)).or_default() += 1;
        if let Some(a) = &n.answer {
            *s.by_answer.entry(name(&a.kind)).or_default() += 1;
        }
        if n.kind == NodeKind::Repeat {
            s.blocks.push((
                n.id.clone(),
                n.family.clone().unwrap_or_default(),
                n.level.clone().unwrap_or_default(),
            ));
        }
        s.anchored += n.text.matches("[^").count();
    }
    s
}

/// The TOML name of a value ("integer", "repeat").
fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn the_seed_outline_round_trips_to_the_kl74_headings() {
    let started = Instant::now();
    let r = from_text(SEED).unwrap();
    let took = started.elapsed();
    let t = loaded(&r);
    for n in &r.notes {
        eprintln!("{n}");
    }
    // Every heading line of the seed, in order, in the empty report.
    let printed = printed(&t);
    let seed = seed_lines();
    assert!(seed.len() > 120, "{}", seed.len());
    let missing = missing_in_order(&printed, &seed);
    assert!(
        missing.is_empty(),
        "missing {} of {} seed lines:\n{}\n\nprinted:\n{}",
        missing.len(),
        seed.len(),
        missing.join("\n"),
        printed.join("\n")
    );

    // The four repeated blocks: kiêm nhiệm and hợp nhất, each at province and district level.
    let got = shape(&t);
    let kl74 = outline::builtin("kl74-2021").unwrap();
    let want = shape(&kl74);
    let blocks: Vec<(&str, &str)> = got
        .blocks
        .iter()
        .map(|b| (b.1.as_str(), b.2.as_str()))
        .collect();
    assert_eq!(
        blocks,
        [
            ("kiem-nhiem-chuc-danh", "tinh"),
            ("kiem-nhiem-chuc-danh", "huyen"),
            ("hop-nhat", "tinh"),
            ("hop-nhat", "huyen")
        ],
        "{:?}",
        got.blocks
    );
    assert_eq!(t.levels["huyen"].units, "district");
    for (block, ..) in &got.blocks {
        let inside: Vec<&outline::Node> = t
            .node
            .iter()
            .filter(|n| t.enclosing_repeat(&n.id).is_some_and(|b| &b.id == block))
            .collect();
        // Five sub-headings, as in the seed's 1.1.1–1.1.5.
        let subs = inside
            .iter()
            .filter(|n| n.kind == NodeKind::Heading && n.parent.as_deref() == Some(block))
            .count();
        assert_eq!(subs, 5, "{block}");
        // The x.4 criteria: at least six "-" items under the fourth sub-heading.
        let x4 = inside
            .iter()
            .filter(|n| n.kind == NodeKind::Heading && n.parent.as_deref() == Some(block))
            .nth(3)
            .unwrap();
        let criteria = inside
            .iter()
            .filter(|n| {
                n.parent.as_deref() == Some(x4.id.as_str()) && n.marker.as_deref() == Some("-")
            })
            .count();
        assert!(criteria >= 6, "{block}: {criteria} criteria");
        // The three proposals: one choice of (1), (2), (3), each option's lines shown with it.
        let proposal = inside
            .iter()
            .find(|n| n.role == Some(Role::Proposal))
            .unwrap_or_else(|| panic!("{block}: no proposal"));
        let a = proposal.answer.as_ref().unwrap();
        assert_eq!(a.kind, AnswerType::Choice);
        let values: Vec<&str> = a.option.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["1", "2", "3"], "{block}");
        for v in ["1", "2", "3"] {
            assert!(
                inside.iter().any(|n| n
                    .show_if
                    .as_ref()
                    .is_some_and(|c| c.item == proposal.id && c.equals.contains(v))),
                "{block}: option {v}"
            );
        }
        assert!(proposal.silent);
        // The status: a choice between going on and ended, at province level.
        let status = inside.iter().find(|n| n.role == Some(Role::Status));
        if block.contains(".1.") {
            let s = status.unwrap_or_else(|| panic!("{block}: no status"));
            assert!(s.answer.as_ref().unwrap().option.iter().any(|o| o.ended));
        }
        // {model} fills the block's heading.
        let b = t.node(block).unwrap();
        assert!(b.text.contains("{model}"), "{}", b.text);
        assert!(b.skeleton);
    }
    // District blocks list their districts in a records item with a unit column.
    for b in ["B.I.2.m", "B.II.2.m"] {
        assert!(
            t.node.iter().any(|n| n.id.starts_with(b)
                && n.role == Some(Role::Units)
                && n.answer
                    .as_ref()
                    .is_some_and(|a| a.column.iter().any(|c| c.kind == ColumnType::Unit))),
            "{b}"
        );
    }
    // "(nếu có)" made A.III.1 optional, printing "Không có." when empty.
    let a31 = t.node("A.III.1").unwrap().answer.as_ref().unwrap();
    assert!(!a31.required);
    assert_eq!(a31.when_empty, WhenEmpty::None);
    // The particulars; the impossible cut-off reported, never accepted.
    assert_eq!(t.template.kind, "BÁO CÁO");
    assert!(t
        .template
        .subject
        .starts_with("Tổng kết việc thực hiện thí điểm"));
    let source = t.template.source.clone().unwrap_or_default();
    assert!(
        source.contains("Công văn số 1473-CV/BTCTW, ngày 13/8/2021 của Ban Tổ chức Trung ương"),
        "{source}"
    );
    assert_eq!(t.template.cutoff, "30/6/2021");
    let cutoff_note = r
        .notes
        .iter()
        .find(|n| n.place == "template.cutoff")
        .unwrap();
    assert_eq!(cutoff_note.kind, NoteKind::Decide);
    assert!(
        cutoff_note
            .message
            .contains("ngày 31/6/2021 không tồn tại: tháng 6 năm 2021 chỉ có 30 ngày"),
        "{}",
        cutoff_note.message
    );
    assert!(t
        .node("intro")
        .unwrap()
        .text
        .contains("Ban Thường vụ {committee} báo cáo"));
    // Footnotes: all five kept; the ones whose place the text kept (a broken line) anchored.
    assert_eq!(t.footnote.len(), 5);
    assert!(t
        .node("A.I")
        .unwrap()
        .text
        .contains("Trung ương[^1]; các văn bản"));
    assert!(got.anchored >= 3, "{got:?}");

    // How close to the hand-written template.
    eprintln!("seed import took {took:?}");
    eprintln!("                 imported   kl74-2021.toml");
    eprintln!("nodes            {:>8}   {:>8}", got.nodes, want.nodes);
    let keys: std::collections::BTreeSet<&String> =
        got.by_kind.keys().chain(want.by_kind.keys()).collect();
    for k in keys {
        eprintln!(
            "  kind {k:<10} {:>8}   {:>8}",
            got.by_kind.get(k).unwrap_or(&0),
            want.by_kind.get(k).unwrap_or(&0)
        );
    }
    let keys: std::collections::BTreeSet<&String> =
        got.by_answer.keys().chain(want.by_answer.keys()).collect();
    for k in keys {
        eprintln!(
            "  answer {k:<10} {:>6}   {:>8}",
            got.by_answer.get(k).unwrap_or(&0),
            want.by_answer.get(k).unwrap_or(&0)
        );
    }
    eprintln!(
        "blocks           {:>8}   {:>8}",
        got.blocks.len(),
        want.blocks.len()
    );
    eprintln!(
        "footnotes        {:>8}   {:>8}",
        got.footnotes, want.footnotes
    );
    eprintln!(
        "anchors          {:>8}   {:>8}",
        got.anchored, want.anchored
    );
    eprintln!(
        "notes: {} unsure, {} to decide",
        r.notes
            .iter()
            .filter(|n| n.kind == NoteKind::Unsure)
            .count(),
        r.notes
            .iter()
            .filter(|n| n.kind == NoteKind::Decide)
            .count()
    );
    assert!(
        got.nodes * 10 >= want.nodes * 7,
        "{} vs {}",
        got.nodes,
        want.nodes
    );
    assert_eq!(got.blocks.len(), want.blocks.len());
    for k in ["choice", "multichoice", "records", "integer", "narrative"] {
        assert!(
            got.by_answer.get(k).is_some_and(|n| *n > 0),
            "no {k} answer"
        );
    }
    assert!(took.as_secs_f64() < 2.0, "{took:?}");
}

// ---- Small outlines, one per pattern, as text and as Word with automatic numbering ----

/// The particulars every small outline starts with: nothing left to decide in them.
const HEAD: &str = "ĐỀ CƯƠNG BÁO CÁO
Kết quả sắp xếp, tinh gọn bộ máy năm 2023
(Kèm theo Công văn số 12 - CV/BTCTW, ngày 5/3/2024
của Ban Tổ chức Trung ương)
Kính gửi: Ban Tổ chức Trung ương
Số liệu báo cáo tính đến ngày 31/12/2023.
Thực hiện Công văn số 12-CV/BTCTW, Ban Thường vụ tỉnh ủy (thành ủy)… báo cáo như sau:";

/// Word's automatic numbering for every scheme of the outlines: A-, I-, 1-, 1.1-, 1.1.1-,
/// a), (1), "-" and "+".
const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1-"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%2-"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3-"/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3.%4-"/></w:lvl>
<w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3.%4.%5-"/></w:lvl>
<w:lvl w:ilvl="5"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%6)"/></w:lvl>
<w:lvl w:ilvl="6"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%7)"/></w:lvl>
<w:lvl w:ilvl="7"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
<w:lvl w:ilvl="8"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/></w:lvl>
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>"#;

/// A typed number at the start of a source line: the Word numbering level and the text.
fn typed_number(line: &str) -> Option<(usize, &str)> {
    let (head, rest) = line.split_once(' ')?;
    let level = match head {
        "-" => 7,
        "+" => 8,
        _ if head.starts_with('(') && head.ends_with(')') => 6,
        _ if head.ends_with(')') && head.len() == 2 => 5,
        _ if head.ends_with('-') => {
            let n = &head[..head.len() - 1];
            if n.len() == 1 && n.as_bytes()[0].is_ascii_uppercase() && n != "I" && n != "V" {
                0
            } else if n.chars().all(|c| "IVX".contains(c)) {
                1
            } else if n.chars().all(|c| c.is_ascii_digit() || c == '.') {
                2 + n.matches('.').count()
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some((level, rest))
}

/// The outline as text (the source, with "^[note]" footnotes as "�" and notes at the end).
fn as_text(src: &str) -> String {
    let mut notes = Vec::new();
    let mut body = String::new();
    for line in src.lines() {
        let mut l = line.to_string();
        while let Some(i) = l.find("^[") {
            let j = i + l[i..].find(']').unwrap();
            notes.push(l[i + 2..j].to_string());
            l.replace_range(i..=j, "\u{FFFD}");
        }
        let l = l.strip_prefix('~').map(|x| format!("({x})")).unwrap_or(l);
        body.push_str(&l);
        body.push('\n');
    }
    for n in notes {
        body.push_str(&format!("\u{FFFD} {n}\n"));
    }
    body
}

/// The outline as a Word file: numbers as Word's automatic numbering (none typed), "~" lines
/// in italics, "^[note]" as footnotes, "|" lines as tables.
fn as_docx(src: &str) -> Vec<u8> {
    let mut body = String::new();
    let mut notes = String::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut note_id = 1;
    let flush = |table: &mut Vec<Vec<String>>, body: &mut String| {
        if !table.is_empty() {
            let rows: Vec<Vec<&str>> = table
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            body.push_str(&common::table(&rows));
            table.clear();
        }
    };
    for line in src.lines() {
        if line.starts_with('|') {
            table.push(
                line.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.chars().all(|ch| ch == '-'))
                    .collect(),
            );
            table.retain(|r| !r.is_empty());
            continue;
        }
        flush(&mut table, &mut body);
        if let Some(x) = line.strip_prefix('~') {
            body.push_str(&format!(
                r#"<w:p><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(x)
            ));
            continue;
        }
        let (ppr, text) = match typed_number(line) {
            Some((lvl, rest)) => (
                format!(
                    r#"<w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="1"/></w:numPr></w:pPr>"#
                ),
                rest,
            ),
            None => (String::new(), line),
        };
        let mut runs = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("^[") {
            let j = i + rest[i..].find(']').unwrap();
            runs.push_str(&format!(
                r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r><w:r><w:footnoteReference w:id="{note_id}"/></w:r>"#,
                esc(&rest[..i])
            ));
            notes.push_str(&format!(
                r#"<w:footnote w:id="{note_id}"><w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:footnote>"#,
                esc(&rest[i + 2..j])
            ));
            note_id += 1;
            rest = &rest[j + 1..];
        }
        runs.push_str(&format!(
            r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
            esc(rest)
        ));
        body.push_str(&format!("<w:p>{ppr}{runs}</w:p>"));
    }
    flush(&mut table, &mut body);
    let notes = (!notes.is_empty()).then_some(notes);
    docx(&body, Some(NUMBERING), notes.as_deref(), None)
}

/// Imports the outline both ways; both give the same template, which loads with no error.
fn both(src: &str) -> Vec<(&'static str, OutlineImport, Template)> {
    let src = format!("{HEAD}\n{src}");
    let text = from_text(&as_text(&src)).unwrap();
    let word = from_docx(&as_docx(&src)).unwrap();
    let tt = loaded(&text);
    let tw = loaded(&word);
    let skeleton = |t: &Template| -> Vec<String> {
        t.node
            .iter()
            .map(|n| {
                format!(
                    "{} {:?} {:?} {:?} {:?} {}",
                    n.id,
                    n.kind,
                    n.parent,
                    n.numbering,
                    n.answer.as_ref().map(|a| a.kind),
                    n.text
                )
            })
            .collect()
    };
    assert_eq!(
        skeleton(&tt),
        skeleton(&tw),
        "text vs Word:\n{}\n----\n{}",
        text.toml,
        word.toml
    );
    vec![("txt", text, tt), ("docx", word, tw)]
}

fn node<'a>(t: &'a Template, id: &str) -> &'a outline::Node {
    t.node(id).unwrap_or_else(|| {
        panic!(
            "no node {id}: {:?}",
            t.node.iter().map(|n| n.id.as_str()).collect::<Vec<_>>()
        )
    })
}

fn answer_kind(t: &Template, id: &str) -> Option<AnswerType> {
    node(t, id).answer.as_ref().map(|a| a.kind)
}

#[test]
fn every_numbering_style_typed_or_automatic_gives_its_level() {
    let src = "A- PHẦN MỘT
I- Mục lớn
1- Mục vừa
1.1- Mục nhỏ
1.1.1- Mục nhỏ hơn
a) Ý thứ nhất
(1) Điểm thứ nhất
- Gạch đầu dòng thứ nhất
+ Dấu cộng thứ nhất
(2) Điểm thứ hai
b) Ý thứ hai
1.1.2- Mục nhỏ thứ hai
1.2- Mục nhỏ thứ hai
2- Mục vừa thứ hai
II- Mục lớn thứ hai
B- PHẦN HAI";
    for (how, r, t) in both(src) {
        let want = [
            ("A", None, Some(Numbering::UpperLetter)),
            ("A.I", Some("A"), Some(Numbering::UpperRoman)),
            ("A.I.1", Some("A.I"), Some(Numbering::Arabic)),
            ("A.I.1.1", Some("A.I.1"), Some(Numbering::Arabic)),
            ("A.I.1.1.1", Some("A.I.1.1"), Some(Numbering::Arabic)),
            (
                "A.I.1.1.1.a",
                Some("A.I.1.1.1"),
                Some(Numbering::LowerLetter),
            ),
            (
                "A.I.1.1.1.a.p1",
                Some("A.I.1.1.1.a"),
                Some(Numbering::ParenArabic),
            ),
            (
                "A.I.1.1.1.a.p2",
                Some("A.I.1.1.1.a"),
                Some(Numbering::ParenArabic),
            ),
            (
                "A.I.1.1.1.b",
                Some("A.I.1.1.1"),
                Some(Numbering::LowerLetter),
            ),
            ("A.I.1.1.2", Some("A.I.1.1"), Some(Numbering::Arabic)),
            ("A.I.1.2", Some("A.I.1"), Some(Numbering::Arabic)),
            ("A.I.2", Some("A.I"), Some(Numbering::Arabic)),
            ("A.II", Some("A"), Some(Numbering::UpperRoman)),
            ("B", None, Some(Numbering::UpperLetter)),
        ];
        for (id, parent, numbering) in want {
            let n = node(&t, id);
            assert_eq!(n.parent.as_deref(), parent, "{how} {id}");
            assert_eq!(n.numbering, numbering, "{how} {id}");
            assert_eq!(n.kind, NodeKind::Heading, "{how} {id}");
        }
        // The outline's own wording, without its number.
        assert_eq!(node(&t, "A").text, "PHẦN MỘT");
        assert_eq!(node(&t, "A.I.1.1").text, "Mục nhỏ");
        // "-" and "+" lines are items with their marker, under the heading above them.
        let dash = node(&t, "A.I.1.1.1.a.p1.d1");
        assert_eq!(dash.marker.as_deref(), Some("-"));
        assert_eq!(dash.text, "Gạch đầu dòng thứ nhất:");
        let plus = node(&t, "A.I.1.1.1.a.p1.d2");
        assert_eq!(plus.marker.as_deref(), Some("+"));
        // Leaves ask for a narrative; headings with sub-headings do not.
        assert_eq!(answer_kind(&t, "A.I.1.2"), Some(AnswerType::Narrative));
        assert_eq!(answer_kind(&t, "A.I"), None);
        assert!(r.is_clean(), "{how}: {:#?}", r.to_decide());
    }
}

#[test]
fn hints_in_parentheses_or_italics_are_kept_as_hints() {
    let src = "I- Công tác lãnh đạo, chỉ đạo
~Nêu rõ các văn bản đã ban hành
II- Kết quả
- Việc bố trí cán bộ (nêu rõ chức danh, thời điểm bố trí)";
    for (how, _, t) in both(src) {
        assert_eq!(
            node(&t, "I").hint.as_deref(),
            Some("Nêu rõ các văn bản đã ban hành"),
            "{how}"
        );
        assert!(!t.node.iter().any(|n| n.text.contains("Nêu rõ các văn bản")));
        let item = node(&t, "II.d1");
        assert_eq!(
            item.text,
            "Việc bố trí cán bộ (nêu rõ chức danh, thời điểm bố trí):"
        );
        assert_eq!(
            item.hint.as_deref(),
            Some("Nêu rõ chức danh, thời điểm bố trí."),
            "{how}"
        );
    }
}

#[test]
fn if_any_makes_an_answer_optional() {
    let src = "I- Các văn bản đã ban hành (nếu có)
II- Kết quả
- Khó khăn, vướng mắc (nếu có)
- Kiến nghị";
    for (how, _, t) in both(src) {
        for id in ["I", "II.d1"] {
            let a = node(&t, id).answer.as_ref().unwrap();
            assert!(!a.required, "{how} {id}");
            assert_eq!(a.when_empty, WhenEmpty::None, "{how} {id}");
        }
        assert!(node(&t, "II.d2").answer.as_ref().unwrap().required);
    }
}

#[test]
fn a_series_ending_with_an_ellipsis_is_a_repeated_block() {
    let src = "I- Kết quả sắp xếp
1- Cấp tỉnh
1.1- Về sắp xếp cơ quan…:
1.1.1- Kết quả thực hiện
- Thời điểm hoàn thành việc sắp xếp cơ quan…
1.1.2- Đánh giá
1.2- Về sắp xếp cơ quan…:
…
2- Cấp huyện
2.1- Về sắp xếp cơ quan…:
2.1.1- Kết quả thực hiện
2.2- Về sắp xếp cơ quan…:
II- Đề xuất";
    for (how, r, t) in both(src) {
        let b = node(&t, "I.1.m");
        assert_eq!(b.kind, NodeKind::Repeat, "{how}");
        assert_eq!(b.text, "Về sắp xếp cơ quan {model}:");
        assert_eq!(b.numbering, Some(Numbering::Arabic));
        assert!(b.skeleton);
        assert_eq!(b.level.as_deref(), Some("tinh"));
        assert_eq!(t.levels["tinh"].units, "province");
        assert_eq!(t.levels["huyen"].units, "district");
        let fam = b.family.clone().unwrap();
        assert_eq!(t.families[&fam], "sắp xếp cơ quan");
        // The first member's sub-items, the slot filled in them too.
        assert_eq!(node(&t, "I.1.m.x1").parent.as_deref(), Some("I.1.m"));
        assert_eq!(
            node(&t, "I.1.m.x1.d1").text,
            "Thời điểm hoàn thành việc sắp xếp cơ quan {model}:"
        );
        assert_eq!(answer_kind(&t, "I.1.m.x1.d1"), Some(AnswerType::Date));
        assert_eq!(node(&t, "I.1.m.x2").kind, NodeKind::Heading);
        // The second member and the "…" are not headings of their own.
        assert_eq!(
            t.children(Some("I.1"))
                .map(|n| n.id.as_str())
                .collect::<Vec<_>>(),
            ["I.1.m"],
            "{how}"
        );
        // Two members without the "…" make a block too.
        assert_eq!(node(&t, "I.2.m").kind, NodeKind::Repeat);
        assert_eq!(node(&t, "I.2.m").level.as_deref(), Some("huyen"));
        assert!(r
            .notes
            .iter()
            .any(|n| n.place.starts_with("I.1.m ") && n.message.contains("khối lặp")));
    }
}

#[test]
fn answer_types_come_from_the_prompts_words() {
    let src = "I- Kết quả
- Số đơn vị đã thực hiện sắp xếp
- Đến nay có bao nhiêu người dôi dư?
- Thời điểm bắt đầu thực hiện
- Ngày ban hành quyết định
- Các đơn vị đã kết thúc (nêu rõ tên đơn vị, thời điểm, nguyên nhân)
- Số lượng cán bộ trước và sau khi sắp xếp: biên chế; cấp phó
- Đến nay đang thực hiện hay đã kết thúc thực hiện
- Những khó khăn, vướng mắc
II- Đề xuất, kiến nghị
Tỉnh ủy đề xuất theo một trong các nội dung sau:
(1) Tiếp tục thực hiện
- Đề xuất những điều kiện cụ thể
(2) Dừng thực hiện";
    for (how, _, t) in both(src) {
        let kinds: Vec<(&str, Option<AnswerType>)> = [
            "I.d1", "I.d2", "I.d3", "I.d4", "I.d5", "I.d6", "I.d7", "I.d8",
        ]
        .iter()
        .map(|id| (*id, answer_kind(&t, id)))
        .collect();
        assert_eq!(
            kinds,
            [
                ("I.d1", Some(AnswerType::Integer)),
                ("I.d2", Some(AnswerType::Integer)),
                ("I.d3", Some(AnswerType::Date)),
                ("I.d4", Some(AnswerType::Date)),
                ("I.d5", Some(AnswerType::Records)),
                ("I.d6", Some(AnswerType::Figures)),
                ("I.d7", Some(AnswerType::Choice)),
                ("I.d8", Some(AnswerType::Narrative)),
            ],
            "{how}"
        );
        let int = node(&t, "I.d1").answer.as_ref().unwrap();
        assert_eq!(int.unit.as_deref(), Some("đơn vị"));
        let records = node(&t, "I.d5").answer.as_ref().unwrap();
        let cols: Vec<(&str, ColumnType)> = records
            .column
            .iter()
            .map(|c| (c.label.as_str(), c.kind))
            .collect();
        assert_eq!(
            cols,
            [
                ("Tên đơn vị", ColumnType::Text),
                ("Thời điểm", ColumnType::Date),
                ("Nguyên nhân", ColumnType::Text)
            ]
        );
        let rows: Vec<&str> = node(&t, "I.d6")
            .answer
            .as_ref()
            .unwrap()
            .row
            .iter()
            .map(|r| r.label.as_str())
            .collect();
        assert_eq!(rows, ["Biên chế", "Cấp phó"]);
        let choice: Vec<&str> = node(&t, "I.d7")
            .answer
            .as_ref()
            .unwrap()
            .option
            .iter()
            .map(|o| o.label.as_str())
            .collect();
        assert_eq!(choice, ["Đang thực hiện", "Đã kết thúc thực hiện"]);
        // "một trong các nội dung sau" (1) (2): a choice, each option shown with its lines.
        let lead = node(&t, "II.p1");
        let a = lead.answer.as_ref().unwrap();
        assert_eq!(a.kind, AnswerType::Choice, "{how}");
        assert_eq!(
            a.option
                .iter()
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>(),
            ["(1) Tiếp tục thực hiện", "(2) Dừng thực hiện"]
        );
        assert!(lead.silent);
        let under = node(&t, "II.d1");
        let cond = under.show_if.as_ref().unwrap();
        assert_eq!(
            (cond.item.as_str(), cond.equals.contains("1")),
            ("II.p1", true)
        );
        assert!(under.answer.as_ref().unwrap().required_if.is_some());
        assert_eq!(node(&t, "II.o2").show_if.as_ref().unwrap().item, "II.p1");
    }
}

#[test]
fn tables_become_figures_or_records_with_their_columns() {
    let src = "I- Kết quả
- Số liệu biên chế
| STT | Nội dung | Trước khi sắp xếp | Sau khi sắp xếp |
| --- | --- | --- | --- |
| 1 | Biên chế được giao | 10 | 8 |
| 2 | - Trong đó: công chức | 6 | 5 |
II- Danh sách cơ quan
| STT | Tên cơ quan | Ngày quyết định | Số người |
| 1 | Sở A | 1/1/2023 | 12 |";
    for (how, _, t) in both(src) {
        let f = node(&t, "I.d1").answer.as_ref().unwrap();
        assert_eq!(f.kind, AnswerType::Figures, "{how}");
        let rows: Vec<(&str, bool)> = f.row.iter().map(|r| (r.label.as_str(), r.sub)).collect();
        assert_eq!(rows, [("Biên chế được giao", false), ("công chức", true)]);
        let table = t
            .children(Some("II"))
            .find(|n| n.answer.is_some())
            .unwrap()
            .answer
            .as_ref()
            .unwrap();
        assert_eq!(table.kind, AnswerType::Records, "{how}");
        let cols: Vec<(&str, ColumnType)> = table
            .column
            .iter()
            .map(|c| (c.label.as_str(), c.kind))
            .collect();
        assert_eq!(
            cols,
            [
                ("Tên cơ quan", ColumnType::Text),
                ("Ngày quyết định", ColumnType::Date),
                ("Số người", ColumnType::Integer)
            ]
        );
    }
}

#[test]
fn footnotes_are_kept_and_anchored() {
    let src = "I- Quán triệt Nghị quyết^[Nghị quyết số 18-NQ/TW, ngày 25/10/2017.] của Trung ương
II- Kết quả thí điểm^[Như: hợp nhất hai cơ quan.]";
    for (how, r, t) in both(src) {
        assert_eq!(t.footnote.len(), 2, "{how}");
        assert_eq!(
            t.footnote[0].text,
            "Nghị quyết số 18-NQ/TW, ngày 25/10/2017."
        );
        let anchored = |id: &str| node(&t, id).text.clone();
        assert!(anchored("I").contains("[^1]"), "{how}: {}", anchored("I"));
        assert!(anchored("II").ends_with("[^2]"), "{how}");
        assert!(r.problems.is_empty(), "{how}: {:?}", r.problems);
    }
}

#[test]
fn the_particulars_go_into_the_template_and_an_impossible_date_is_reported() {
    for (how, r, t) in both("I- Kết quả") {
        let m = &t.template;
        assert_eq!(m.kind, "BÁO CÁO", "{how}");
        assert_eq!(m.kind_code, "BC");
        assert_eq!(m.subject, "Kết quả sắp xếp, tinh gọn bộ máy năm 2023");
        assert_eq!(m.cutoff, "31/12/2023");
        assert_eq!(m.id, "12-cv-btctw-2024");
        assert_eq!(
            m.source.as_deref(),
            Some("Đề cương kèm theo Công văn số 12-CV/BTCTW, ngày 5/3/2024 của Ban Tổ chức Trung ương")
        );
        assert_eq!(m.recipients, ["Ban Tổ chức Trung ương (để báo cáo)"]);
        assert!(node(&t, "intro")
            .text
            .contains("Ban Thường vụ {committee} báo cáo"));
        assert!(r.is_clean(), "{:#?}", r.to_decide());
    }
    // 31/6 does not exist: reported with the calendar's message, never accepted.
    let bad = HEAD.replace("31/12/2023", "31/6/2023") + "\nI- Kết quả";
    let r = from_text(&bad).unwrap();
    assert_eq!(loaded(&r).template.cutoff, "30/6/2023");
    let decide = r.to_decide().join("\n");
    assert!(
        decide.contains("template.cutoff")
            && decide.contains("ngày 31/6/2023 không tồn tại: tháng 6 năm 2023 chỉ có 30 ngày"),
        "{decide}"
    );
    // No particulars at all: placeholders, each listed to decide.
    let r = from_text("I- Kết quả\nII- Kiến nghị").unwrap();
    let decide = r.to_decide().join("\n");
    for place in ["template.subject", "template.id", "template.cutoff"] {
        assert!(decide.contains(place), "{place}: {decide}");
    }
    assert!(r.problems.iter().any(|p| p.place == "template.cutoff"));
    assert!(r.toml.contains("# Cần quyết định trước khi dùng:"));
}

// ---- Bad outlines ----

#[test]
fn an_outline_without_headings_is_refused_clearly() {
    let e = from_text("Kính gửi: Ban Tổ chức Trung ương\nĐây chỉ là một đoạn văn.\n- Một ý")
        .unwrap_err();
    assert_eq!(e, OutlineError::NoHeadings);
    assert!(e.to_string().contains("không tìm thấy đề mục nào"), "{e}");
    let word = docx(&p("Một đoạn văn không có đề mục."), None, None, None);
    assert_eq!(from_docx(&word).unwrap_err(), OutlineError::NoHeadings);
}

#[test]
fn numbers_that_go_back_or_do_not_belong_are_placed_and_reported() {
    // 1, 1.1, then 3.2 under 1 (wrong prefix), 1 again (a cycle back), 1.1.1 with no 1.1 above.
    let src = format!(
        "{HEAD}\nI- Kết quả\n1- Một\n1.1- Một một\n3.2- Ba hai\n1- Một lần nữa\n1.1.1- Không có cha\n2- Hai"
    );
    let r = from_text(&src).unwrap();
    let t = loaded(&r);
    // Every node's parent comes before it: no cycle can be written.
    let mut seen = std::collections::HashSet::new();
    for n in &t.node {
        if let Some(p) = &n.parent {
            assert!(seen.contains(p.as_str()), "{} before its parent {p}", n.id);
        }
        seen.insert(n.id.as_str());
        assert!(t.ancestry(&n.id).count() <= outline::MAX_DEPTH);
    }
    let notes: Vec<String> = r.notes.iter().map(|n| n.to_string()).collect();
    let all = notes.join("\n");
    assert!(all.contains("số “3.2” không thuộc mục “1”"), "{all}");
    assert!(all.contains("số “1” không liền mạch (sau “1”)"), "{all}");
    assert!(all.contains("đề mục “1.1.1-” không có mục cha"), "{all}");
    // Numbers are generated from position: the second "1" is the second arabic heading.
    assert_eq!(node(&t, "I.2").text, "Một lần nữa");
}

#[test]
fn nesting_deeper_than_the_outline_allows_is_flattened_and_reported() {
    let mut src = format!("{HEAD}\nI- Kết quả\n");
    let mut number = String::from("1");
    for k in 0..14 {
        src.push_str(&format!("{number}- Cấp {k}\n"));
        number.push_str(".1");
    }
    let r = from_text(&src).unwrap();
    let t = loaded(&r);
    assert!(t
        .node
        .iter()
        .all(|n| t.ancestry(&n.id).count() <= outline::MAX_DEPTH));
    assert!(
        r.to_decide().iter().any(|d| d.contains("lồng quá")),
        "{:#?}",
        r.to_decide()
    );
}

#[test]
fn ten_thousand_headings_import_quickly() {
    let mut src = format!("{HEAD}\nI- Kết quả\n");
    for i in 1..=100 {
        src.push_str(&format!("{i}- Nhóm {i}\n"));
        for j in 1..=99 {
            src.push_str(&format!("{i}.{j}- Nội dung {i}.{j}\n"));
        }
    }
    let started = Instant::now();
    let r = from_text(&src).unwrap();
    let took = started.elapsed();
    let t = loaded(&r);
    eprintln!("10 000 headings: {took:?}, {} nodes", t.node.len());
    assert_eq!(
        t.node
            .iter()
            .filter(|n| n.kind == NodeKind::Heading)
            .count(),
        10_001
    );
    assert!(took.as_secs() < 10, "{took:?}");
    // Far more than an outline has: refused, with the reason.
    let huge = "1- Mục\n".repeat(import::outline::MAX_PARAGRAPHS + 1);
    let e = from_text(&huge).unwrap_err();
    assert!(e.to_string().contains("đề cương quá dài"), "{e}");
}

#[test]
fn a_word_97_file_a_zip_bomb_and_binary_junk_get_a_clear_message() {
    // Word 97 (.doc): an OLE compound file.
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.extend(std::iter::repeat_n(0u8, 512));
    let e = import_outline(&doc).unwrap_err();
    assert_eq!(e, OutlineError::Word(ImportError::Doc97));
    assert!(e.to_string().contains("Word 97-2003 (.doc)"), "{e}");
    // A zip bomb: a part inflating more than 100 times.
    let body = format!(
        r#"<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>"#,
        "a".repeat(3 * 1024 * 1024)
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    let e = import_outline(&buf.into_inner()).unwrap_err();
    assert_eq!(e, OutlineError::Word(ImportError::Bomb));
    assert!(e.to_string().contains("bom nén"), "{e}");
    // Not a Word file, not UTF-8 text.
    let e = import_outline(&[0xFF, 0xFE, 0x00, 0x41, 0x9C, 0x80]).unwrap_err();
    assert_eq!(e, OutlineError::NotText);
    assert!(
        e.to_string().contains("không phải văn bản Word (.docx)"),
        "{e}"
    );
}
