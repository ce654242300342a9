//! An outline (đề cương) as the BTCTW sends it, a Word file or its text, into a proposed
//! template: [`import_outline`] returns the template as TOML (`docs/template-format.md`), what
//! the importer was unsure of, heading by heading, what the administrator must still decide,
//! and what `baocao template check` finds in the result.
//!
//! What is recognised (`docs/outline-import.md`):
//! - headings and their numbering (A-, I-, 1-, 1.1-, 1.1.1-, a), (1)), typed or Word's automatic
//!   numbering, or Word's heading styles; "-" and "+" lines as items; the outline's own words
//!   kept as the texts; whole lines in parentheses or in italics as hints, and the parentheses
//!   of a prompt copied into its hint;
//! - "(nếu có)": an optional answer that prints "Không có." when left empty;
//! - a numbered series of the same heading with a "…" slot ("1.1- Về thí điểm hợp nhất…:",
//!   "1.2- …", "…") as a repeated block: the first member's sub-items, the slot as `{model}`;
//! - answer types from the prompt's words; "đề xuất theo một trong các nội dung sau" with
//!   "(1)", "(2)", "(3)" lines as a choice, each option's lines shown with it;
//! - tables as figures (with "trước"/"sau" columns) or records (the header's columns);
//! - footnotes, anchored where Word put them, or in a text file where a line was broken;
//! - the particulars: document kind, subject, the dispatch (number, date, issuer), the cut-off
//!   date of the figures (an impossible date is reported, never accepted), the addressee.
//!
//! Pure: no I/O, no clock. A Word file is read by [`crate::docx`] (its caps on size, zip bombs,
//! DTDs and nesting apply); a text file must be UTF-8.
//!
//! Patterns in prompts are matched with `regex` and folded words (`vi::fold`); the outline's
//! structure is a hand-written pass over the paragraphs with a stack of open headings, because
//! no parser exists for the Party's outline conventions.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use outline::{
    Answer, AnswerType, CatalogueEntry, ChoiceOption, Column, ColumnRole, ColumnType, Condition,
    FigureRow, Footnote, Level, Meta, Node, NodeKind, Numbering, OneOrMany, Problem, Role,
    Severity, Template, WhenEmpty, MAX_DEPTH,
};
use regex::Regex;
use serde::Serialize;

use crate::docx::{self, Block};
use crate::text::{self, Label};
use crate::ImportError;

/// The most paragraphs (and table rows) an outline may have: the seed has about 250; a file
/// with more is not an outline.
pub const MAX_PARAGRAPHS: usize = 20_000;

/// A lost footnote anchor in a text file: the line was broken where the marker was.
const LOST: char = '\u{E000}';
/// A footnote anchor whose note is known (Word's footnote reference, or "�" in a text file).
const ANCHOR: char = '\u{FFFD}';

/// Why an outline could not be imported at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OutlineError {
    /// The Word file was refused (.doc, encrypted, zip bomb, broken XML…).
    #[error("{0}")]
    Word(#[from] ImportError),
    #[error(
        "tệp không đọc được: không phải văn bản Word (.docx) cũng không phải văn bản thuần \
         (.txt, mã UTF-8). Hãy lưu đề cương dạng .docx hoặc .txt (Unicode UTF-8) rồi nhập lại"
    )]
    NotText,
    #[error(
        "không tìm thấy đề mục nào (A-, I-, 1-, 1.1-… gõ tay hoặc đánh số tự động, hay kiểu \
         Heading của Word): tệp không giống một đề cương"
    )]
    NoHeadings,
    #[error("đề cương quá dài: {count} đoạn (tối đa {max} đoạn); đây không giống một đề cương")]
    TooLong { count: usize, max: usize },
    #[error("không ghi được đề cương dạng TOML: {0}")]
    Toml(String),
}

/// How sure the importer is of something it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// A guess worth reading (an answer type from a prompt's words, a footnote's place…).
    Unsure,
    /// Something the outline does not say and the administrator must decide (a placeholder
    /// was written).
    Decide,
}

/// One note on the import, at its place (a node id with the heading's first words, or a key
/// of `[template]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = match self.kind {
            NoteKind::Unsure => "chưa chắc",
            NoteKind::Decide => "cần quyết định",
        };
        write!(f, "{k}: {}: {}", self.place, self.message)
    }
}

/// The imported outline.
#[derive(Debug, Clone)]
pub struct OutlineImport {
    /// The proposed template, TOML (format 1), with what remains to decide as comments on top.
    pub toml: String,
    /// Notes in outline order: template particulars first, then node by node.
    pub notes: Vec<Note>,
    /// What `Template::load` (so `baocao template check`) finds in [`Self::toml`].
    pub problems: Vec<Problem>,
}

impl OutlineImport {
    /// What the administrator must still decide: placeholders and errors of the check.
    pub fn to_decide(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Decide)
            .map(|n| format!("{}: {}", n.place, n.message))
            .collect();
        out.extend(
            self.problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .map(|p| format!("{}: {}", p.place, p.message)),
        );
        out
    }

    /// Nothing to decide: the template passes the check and has no placeholder.
    pub fn is_clean(&self) -> bool {
        self.to_decide().is_empty()
    }
}

/// Imports an outline from a file's bytes: a Word file (.docx; a .doc or encrypted file is
/// refused with its message) or UTF-8 text.
pub fn import_outline(bytes: &[u8]) -> Result<OutlineImport, OutlineError> {
    if bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return from_docx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| OutlineError::NotText)?;
    if text.contains('\0') {
        return Err(OutlineError::NotText);
    }
    from_text(text)
}

/// Imports an outline from a Word file.
pub fn from_docx(bytes: &[u8]) -> Result<OutlineImport, OutlineError> {
    let body = docx::read(bytes)?;
    let mut pieces = Vec::new();
    let mut notes = Vec::new();
    for b in body.blocks {
        match b {
            Block::Para(p) => {
                // The footnotes' references where Word has them.
                let mut marked = String::new();
                let mut at = p.footnote_at.iter().peekable();
                for (k, ch) in p.text.chars().enumerate() {
                    while at.next_if(|&&a| a == k).is_some() {
                        marked.push(ANCHOR);
                    }
                    marked.push(ch);
                }
                marked.extend(at.map(|_| ANCHOR));
                let mut line = match p.auto_label.as_deref().and_then(text::auto_label) {
                    Some(l) => Line {
                        text: clean_spaces(&marked),
                        label: Some(l),
                        number: p.auto_label.clone().unwrap_or_default(),
                        ..Line::default()
                    },
                    None => Line::typed(&marked),
                };
                line.italic = p.italic;
                line.level = p.outline_level;
                notes.extend(p.footnotes);
                if !line.text.is_empty() || line.label.is_some() {
                    pieces.push(Piece::Line(line));
                }
            }
            Block::Table(t) => {
                let grid: Vec<Vec<String>> = t
                    .grid()
                    .into_iter()
                    .map(|r| r.into_iter().map(|c| clean_spaces(&c)).collect())
                    .collect();
                if !grid.is_empty() {
                    pieces.push(Piece::Table(grid));
                }
            }
        }
    }
    build(pieces, notes)
}

/// Imports an outline from its text (a .txt file, or Word's "save as text"). Footnotes are the
/// lines starting with "�" at the end; pipe tables (`| a | b |`) are tables.
pub fn from_text(text: &str) -> Result<OutlineImport, OutlineError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut text = vi::nfc(text);
    if let Some(d) = vi::detect_legacy(&text).filter(|d| d.confidence >= 0.5) {
        text = vi::nfc(&d.text);
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut in_notes = false;
    for raw in text.lines() {
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix(ANCHOR) {
            in_notes = true;
            notes.push(clean_spaces(rest));
            continue;
        }
        if in_notes {
            if let Some(last) = notes.last_mut() {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(&clean_spaces(l));
            }
            continue;
        }
        if l.starts_with('|') && l.len() > 1 {
            let cells: Vec<String> = l.trim_matches('|').split('|').map(clean_spaces).collect();
            let rule = cells
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
            if !rule {
                table.push(cells);
            }
            continue;
        }
        if !table.is_empty() {
            pieces.push(Piece::Table(std::mem::take(&mut table)));
        }
        // A line starting with ";", ":" or "," continues the line before: the break is where a
        // footnote marker was lost.
        if l.starts_with([';', ':', ',']) {
            if let Some(Piece::Line(prev)) = pieces.last_mut() {
                prev.text.push(LOST);
                prev.text.push_str(&clean_spaces(l));
                continue;
            }
        }
        pieces.push(Piece::Line(Line::typed(l)));
    }
    if !table.is_empty() {
        pieces.push(Piece::Table(table));
    }
    build(pieces, notes)
}

// ---------------------------------------------------------------------------------------------
// Reading: paragraphs with their numbers

#[derive(Debug, Clone, Default)]
struct Line {
    /// The text without its number.
    text: String,
    label: Option<Label>,
    /// The number as typed or computed ("1.1-", "II.", "a)").
    number: String,
    italic: bool,
    /// The outline level of a Word heading style (0 = Heading 1).
    level: Option<u8>,
}

impl Line {
    fn typed(raw: &str) -> Line {
        let raw = raw.trim();
        match text::label(raw) {
            Some((l, n)) if n <= raw.len() && raw.is_char_boundary(n) => Line {
                text: clean_spaces(&raw[n..]),
                label: Some(l),
                number: raw[..n].trim().to_string(),
                ..Line::default()
            },
            _ => Line {
                text: clean_spaces(raw),
                ..Line::default()
            },
        }
    }
}

#[derive(Debug, Clone)]
enum Piece {
    Line(Line),
    Table(Vec<Vec<String>>),
}

fn clean_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// The tree of the outline

/// A heading's numbering style, to find its siblings and parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Upper,
    Roman,
    Arabic(usize),
    Lower,
    Paren,
    Styled(u8),
}

impl Key {
    fn numbering(self) -> Option<Numbering> {
        match self {
            Key::Upper => Some(Numbering::UpperLetter),
            Key::Roman => Some(Numbering::UpperRoman),
            Key::Arabic(_) => Some(Numbering::Arabic),
            Key::Lower => Some(Numbering::LowerLetter),
            Key::Paren => Some(Numbering::ParenArabic),
            Key::Styled(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Root,
    Heading(Key),
    /// A heading turned into a repeated block.
    Repeat(Key),
    /// A "-" or "+" line.
    Dash(char),
    /// An unnumbered paragraph.
    Para,
    /// A "(1)" line of a choice: the option's value.
    Option(String),
    Hint,
    /// A line "…": "and so on".
    Etc,
    Table(Vec<Vec<String>>),
}

#[derive(Debug, Clone)]
struct T {
    kind: Kind,
    text: String,
    number: String,
    children: Vec<usize>,
    /// A paragraph followed by "(1)", "(2)"… options: a choice.
    leadin: bool,
    /// Lines under a choice's option: the option's arena index.
    under: Option<usize>,
    removed: bool,
}

impl T {
    fn new(kind: Kind, text: String, number: String) -> T {
        T {
            kind,
            text,
            number,
            children: Vec::new(),
            leadin: false,
            under: None,
            removed: false,
        }
    }
    fn is_heading(&self) -> bool {
        matches!(self.kind, Kind::Heading(_) | Kind::Repeat(_))
    }
    fn key(&self) -> Option<Key> {
        match self.kind {
            Kind::Heading(k) | Kind::Repeat(k) => Some(k),
            _ => None,
        }
    }
}

/// Notes gathered while importing, by arena node (resolved to ids at the end) or by a fixed
/// place.
#[derive(Default)]
struct Notes {
    fixed: Vec<Note>,
    by_node: Vec<(usize, NoteKind, String)>,
}

impl Notes {
    fn at(&mut self, place: &str, kind: NoteKind, message: impl Into<String>) {
        self.fixed.push(Note {
            kind,
            place: place.to_string(),
            message: message.into(),
        });
    }
    fn node(&mut self, node: usize, kind: NoteKind, message: impl Into<String>) {
        self.by_node.push((node, kind, message.into()));
    }
}

fn key_of(l: &Line) -> Option<Key> {
    match (&l.label, l.level) {
        (Some(Label::UpperLetter), _) => Some(Key::Upper),
        (Some(Label::UpperRoman), _) => Some(Key::Roman),
        (Some(Label::Arabic(n)), _) => Some(Key::Arabic(*n)),
        (Some(Label::LowerLetter), _) => Some(Key::Lower),
        (Some(Label::Paren), _) => Some(Key::Paren),
        (None, Some(l)) => Some(Key::Styled(l)),
        _ => None,
    }
}

/// Whether a line is only "…" (and dots).
fn is_etc(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().all(|c| matches!(c, '…' | '.' | ' '))
}

fn has_ellipsis(s: &str) -> bool {
    s.contains('…') || s.contains("...")
}

/// Whether a whole line is in parentheses (a hint): "(Báo cáo từng mô hình…):".
fn is_paren_line(s: &str) -> bool {
    let t = s.trim().trim_end_matches([':', '.', ';']);
    t.starts_with('(') && t.ends_with(')') && matching_close(t, 0) == Some(t.len() - 1)
}

/// The byte index of the ")" closing the "(" at `open`.
fn matching_close(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The ordinal a number shows: "1.2-" → 2, "III" → 3, "b)" → 2, "(4)" → 4.
fn ordinal(number: &str, key: Key) -> Option<usize> {
    let n = number.trim().trim_matches(['(', ')', '-', '.', '–', ' ']);
    match key {
        Key::Arabic(_) | Key::Paren => n.rsplit('.').next()?.trim().parse().ok(),
        Key::Roman => roman_value(n),
        Key::Upper | Key::Lower => {
            let c = n.chars().next()?.to_ascii_lowercase();
            c.is_ascii_lowercase()
                .then(|| (c as u8 - b'a') as usize + 1)
        }
        Key::Styled(_) => None,
    }
}

fn roman_value(s: &str) -> Option<usize> {
    let v = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        _ => None,
    };
    let digits: Option<Vec<usize>> = s.chars().map(v).collect();
    let digits = digits?;
    let mut total = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|n| n > d) {
            total -= *d as isize;
        } else {
            total += *d as isize;
        }
    }
    usize::try_from(total).ok()
}

/// The dotted prefix of an arabic number: "2.1.3-" → "2.1".
fn dotted_prefix(number: &str) -> Option<String> {
    let n = number.trim().trim_end_matches(['-', '.', '–', ')', ' ']);
    n.rsplit_once('.').map(|(p, _)| p.to_string())
}

fn dotted(number: &str) -> String {
    number
        .trim()
        .trim_end_matches(['-', '.', '–', ')', ' '])
        .to_string()
}

struct Tree {
    t: Vec<T>,
    header: Vec<String>,
    /// Paragraphs after the headings that say "Lưu ý".
    closing_hints: Vec<String>,
}

fn build_tree(pieces: Vec<Piece>, notes: &mut Notes) -> Result<Tree, OutlineError> {
    let first = pieces
        .iter()
        .position(|p| match p {
            Piece::Line(l) => matches!(
                key_of(l),
                Some(Key::Upper | Key::Roman | Key::Arabic(_) | Key::Styled(_))
            ),
            Piece::Table(_) => false,
        })
        .ok_or(OutlineError::NoHeadings)?;
    let mut header: Vec<String> = Vec::new();
    for p in &pieces[..first] {
        match p {
            Piece::Line(l) => {
                let full = format!("{} {}", l.number, l.text).trim().to_string();
                // A line continuing the one before ("của Ban Tổ chức Trung ương)").
                let cont = full.starts_with(|c: char| c.is_lowercase());
                match header.last_mut() {
                    Some(last) if cont => {
                        last.push(' ');
                        last.push_str(&full);
                    }
                    _ => header.push(full),
                }
            }
            Piece::Table(rows) => {
                for r in rows {
                    for c in r {
                        header.extend(c.lines().map(str::to_string));
                    }
                }
            }
        }
    }
    let mut t = vec![T::new(Kind::Root, String::new(), String::new())];
    let mut stack: Vec<usize> = vec![0];
    let mut closing_hints = Vec::new();
    // The choice being read: its lead-in and the last option.
    let mut choice: Option<(usize, Option<usize>)> = None;
    let push = |t: &mut Vec<T>, parent: usize, node: T| -> usize {
        t.push(node);
        let i = t.len() - 1;
        t[parent].children.push(i);
        i
    };
    for p in pieces.into_iter().skip(first) {
        let top = stack.last().copied().unwrap_or(0);
        let line = match p {
            Piece::Table(rows) => {
                let n = T {
                    under: choice.and_then(|c| c.1),
                    ..T::new(Kind::Table(rows), String::new(), String::new())
                };
                push(&mut t, top, n);
                continue;
            }
            Piece::Line(l) => l,
        };
        let key = key_of(&line);
        // "(1)", "(2)": options of a choice when the line before asks for one of them.
        if key == Some(Key::Paren) {
            let last = t[top].children.last().copied();
            let leadin = match choice {
                Some((l, _)) => Some(l),
                None => last.filter(|&i| {
                    matches!(t[i].kind, Kind::Para | Kind::Dash(_)) && asks_choice(&t[i].text)
                }),
            };
            if let Some(l) = leadin {
                let value = ordinal(&line.number, Key::Paren)
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                t[l].leadin = true;
                let node = T::new(Kind::Option(value), line.text, line.number);
                let i = push(&mut t, top, node);
                choice = Some((l, Some(i)));
                continue;
            }
        }
        if let Some(key) = key {
            {
                choice = None;
                let parent = place_heading(&mut stack, &t, key, &line, notes);
                // Depth: the root is not a level; items need one more.
                if stack.len() >= MAX_DEPTH {
                    let text = format!("{} {}", line.number, line.text);
                    let i = push(&mut t, parent, T::new(Kind::Para, text, String::new()));
                    notes.node(
                        i,
                        NoteKind::Decide,
                        format!(
                            "đề mục “{}” lồng quá {} cấp; đã đưa thành một mục thường",
                            line.number,
                            MAX_DEPTH - 1
                        ),
                    );
                    continue;
                }
                check_number(&t, parent, key, &line, notes, t.len());
                let i = push(
                    &mut t,
                    parent,
                    T::new(Kind::Heading(key), line.text, line.number),
                );
                stack.push(i);
                continue;
            }
        }
        let under = choice.and_then(|c| c.1);
        let text = line.text;
        let kind = if is_etc(&text) {
            Kind::Etc
        } else if let Some(Label::Dash(c)) = line.label {
            Kind::Dash(c)
        } else if line.italic || is_paren_line(&text) {
            Kind::Hint
        } else if vi::fold(&text).starts_with("luu y") {
            closing_hints.push(text);
            continue;
        } else {
            Kind::Para
        };
        let node = T {
            under,
            ..T::new(kind, text, line.number)
        };
        push(&mut t, top, node);
    }
    Ok(Tree {
        t,
        header,
        closing_hints,
    })
}

/// Whether a paragraph asks to choose one of the lines that follow.
fn asks_choice(text: &str) -> bool {
    let f = vi::fold(text);
    f.contains("mot trong") || (f.contains("de xuat") && text.trim_end().ends_with(':'))
}

/// Finds the parent of a new heading and leaves the stack at it.
fn place_heading(
    stack: &mut Vec<usize>,
    t: &[T],
    key: Key,
    line: &Line,
    notes: &mut Notes,
) -> usize {
    if let Some(pos) = stack.iter().rposition(|&i| t[i].key() == Some(key)) {
        stack.truncate(pos);
    } else if let Key::Arabic(d) = key {
        if d > 1 {
            if let Some(pos) = stack
                .iter()
                .rposition(|&i| t[i].key() == Some(Key::Arabic(d - 1)))
            {
                stack.truncate(pos + 1);
            } else {
                let parent = stack.last().copied().unwrap_or(0);
                notes.node(
                    t.len(),
                    NoteKind::Unsure,
                    format!(
                        "đề mục “{}” không có mục cha đánh số {} cấp; đã xếp dưới “{}”",
                        line.number,
                        d - 1,
                        if parent == 0 {
                            "gốc đề cương".to_string()
                        } else {
                            t[parent].number.clone()
                        }
                    ),
                );
            }
        }
    }
    stack.last().copied().unwrap_or(0)
}

/// Numbers that do not follow: a gap, a number again, a dotted prefix of another parent.
fn check_number(t: &[T], parent: usize, key: Key, line: &Line, notes: &mut Notes, at: usize) {
    let prev = t[parent]
        .children
        .iter()
        .rev()
        .find(|&&c| t[c].key() == Some(key))
        .copied();
    let want = prev
        .and_then(|p| ordinal(&t[p].number, key))
        .map_or(1, |n| n + 1);
    if let Some(got) = ordinal(&line.number, key) {
        if got != want {
            let after = prev
                .map(|p| format!(" (sau “{}”)", dotted(&t[p].number)))
                .unwrap_or_default();
            notes.node(
                at,
                NoteKind::Unsure,
                format!(
                    "số “{}” không liền mạch{after}; số thứ tự được đánh lại theo vị trí",
                    dotted(&line.number)
                ),
            );
        }
    }
    if let (Key::Arabic(d), Some(Key::Arabic(_))) = (key, t[parent].key()) {
        if d > 1 {
            if let Some(prefix) = dotted_prefix(&line.number) {
                let pn = dotted(&t[parent].number);
                if prefix != pn {
                    notes.node(
                        at,
                        NoteKind::Unsure,
                        format!(
                            "số “{}” không thuộc mục “{pn}” đứng trên nó; đã xếp dưới “{pn}”",
                            dotted(&line.number)
                        ),
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Repeated blocks

/// A heading's text without ellipses and punctuation, folded: members of a series compare
/// equal.
fn series_key(s: &str) -> String {
    let f = vi::fold(&plain(s).replace('…', " ").replace("...", " "));
    f.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Blocks found: the arena index, its family and level keys.
struct Found {
    node: usize,
    stem: Option<String>,
    family: (String, String),
    level: (String, String, String),
}

fn find_repeats(tree: &mut Tree, notes: &mut Notes) -> Vec<Found> {
    let mut found = Vec::new();
    let mut todo = vec![0usize];
    while let Some(p) = todo.pop() {
        let children = tree.t[p].children.clone();
        let mut i = 0;
        while i < children.len() {
            let c = children[i];
            let Some(key) = tree.t[c].key() else {
                i += 1;
                continue;
            };
            let k = series_key(&tree.t[c].text);
            let mut j = i + 1;
            while j < children.len()
                && tree.t[children[j]].key() == Some(key)
                && series_key(&tree.t[children[j]].text) == k
            {
                j += 1;
            }
            let members = j - i;
            let etc = children
                .get(j)
                .is_some_and(|&e| tree.t[e].kind == Kind::Etc);
            let slot = has_ellipsis(&tree.t[c].text);
            if slot && (members >= 2 || etc) && !k.is_empty() {
                tree.t[c].kind = Kind::Repeat(key);
                for &m in &children[i + 1..j] {
                    tree.t[m].removed = true;
                    // What was said of a later member is said of the block.
                    for n in notes.by_node.iter_mut().filter(|n| n.0 == m) {
                        n.0 = c;
                    }
                    let own = !tree.t[m].children.is_empty();
                    notes.node(
                        c,
                        NoteKind::Unsure,
                        format!(
                            "mục “{}” là lần lặp tiếp theo của khối này{}",
                            dotted(&tree.t[m].number),
                            if own {
                                "; nội dung riêng của nó không được dùng (khối lấy các mục con của lần đầu)"
                            } else {
                                ""
                            }
                        ),
                    );
                }
                if etc {
                    tree.t[children[j]].removed = true;
                }
                let stem = slot_words(&tree.t[c].text);
                let family = family_of(&tree.t[c].text);
                let level = level_of(&tree.t[p].text);
                if level.0 == "chung" {
                    notes.node(
                        c,
                        NoteKind::Unsure,
                        "không rõ khối lặp theo cấp nào (cấp tỉnh, cấp huyện); đã đặt cấp “chung” \
                         (mỗi lần lặp là một mô hình của tỉnh)",
                    );
                }
                notes.node(
                    c,
                    NoteKind::Unsure,
                    format!(
                        "nhận là khối lặp (mỗi mô hình một lần), nhóm “{}”, {}; danh mục mô hình \
                         để trống: báo cáo ghi tên mô hình tự do (“khác”) cho đến khi thêm [[catalogue]]",
                        family.1, level.1
                    ),
                );
                found.push(Found {
                    node: c,
                    stem,
                    family,
                    level,
                });
                i = j + usize::from(etc);
                continue;
            }
            i += 1;
        }
        // Blocks are not nested: only look inside what is not a block.
        for &c in children.iter().rev() {
            if matches!(tree.t[c].kind, Kind::Heading(_)) {
                todo.push(c);
            }
        }
    }
    found
}

/// The two words before the first ellipsis of a block's heading: where the model's name goes
/// in its sub-items too ("chức danh…", "hợp nhất…").
fn slot_words(text: &str) -> Option<String> {
    let t = plain(text);
    let at = t.find('…').or_else(|| t.find("..."))?;
    let words: Vec<&str> = t[..at].split_whitespace().collect();
    let n = words.len();
    (n >= 2).then(|| format!("{} {}", words[n - 2], words[n - 1]))
}

/// The family of a block from its heading's fixed words: "Về thí điểm kiêm nhiệm chức danh…"
/// → ("kiem-nhiem-chuc-danh", "kiêm nhiệm chức danh").
fn family_of(text: &str) -> (String, String) {
    let t = plain(text);
    let at = t.find('…').or_else(|| t.find("...")).unwrap_or(t.len());
    let mut words: Vec<&str> = t[..at]
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    for lead in [&["về"][..], &["thí", "điểm"][..], &["mô", "hình"][..]] {
        let folded: Vec<String> = words.iter().map(|w| vi::fold(w)).collect();
        let lead_f: Vec<String> = lead.iter().map(|w| vi::fold(w)).collect();
        if folded.len() > lead.len() && folded[..lead.len()] == lead_f[..] {
            words.drain(..lead.len());
        }
    }
    if words.is_empty() {
        return ("mo-hinh".into(), "mô hình".into());
    }
    let label = words.join(" ").to_lowercase();
    (slug(&label, 6), label)
}

/// The level of a block from its parent heading: "Cấp tỉnh", "Cấp huyện".
fn level_of(parent: &str) -> (String, String, String) {
    let f = vi::fold(parent);
    if f.contains("cap tinh") {
        ("tinh".into(), "cấp tỉnh".into(), "province".into())
    } else if f.contains("cap huyen") {
        ("huyen".into(), "cấp huyện".into(), "district".into())
    } else {
        ("chung".into(), "chung".into(), "province".into())
    }
}

/// Fills the block's slot: "chức danh…" → "chức danh {model}".
fn fill_slot(text: &str, stem: &str) -> String {
    let pattern = format!(r"{}\s*(?:…|\.\.\.+)", regex::escape(stem));
    let Ok(re) = Regex::new(&pattern) else {
        return text.to_string();
    };
    let mut out = String::new();
    let mut last = 0;
    for m in re.find_iter(text) {
        out.push_str(&text[last..m.start()]);
        out.push_str(stem);
        out.push_str(" {model}");
        // "hợp nhất…hay" → "hợp nhất {model} hay".
        if text[m.end()..].starts_with(|c: char| c.is_alphanumeric()) {
            out.push(' ');
        }
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

// ---------------------------------------------------------------------------------------------
// Answers from the prompts' words

static INLINE_ENUM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)\(?(\d{1,2})\)\s*").ok());
static DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})").ok()
});
static CUTOFF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:đến|tính đến|chốt(?: số liệu)?(?: đến)?)\s+ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})").ok()
});
static DISPATCH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(Công văn|Hướng dẫn|Kế hoạch|Thông báo|Quyết định|Chỉ thị|công văn|hướng dẫn|kế hoạch|thông báo|quyết định|chỉ thị)\s+số\s+(\d+\s*-\s*\p{Lu}+(?:\s*/\s*\p{Lu}+)*)").ok()
});
static ISSUER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\s*của\s+([^;)(]+?)\s*(?:\)|;|\sv\x{1EC1}\s|,|$)").ok());
static COMMITTEE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)t(?:ỉnh ủy|ỉnh uỷ)\s*(?:\(\s*thành (?:ủy|uỷ)\s*\)|,\s*thành (?:ủy|uỷ))\s*(?:…|\.\.\.+)?")
        .ok()
});

/// Text without footnote markers.
fn plain(s: &str) -> String {
    s.replace([LOST, ANCHOR], "")
}

/// The text outside parentheses.
fn main_text(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The parenthesised parts of a text.
fn parentheticals(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find('(').map(|i| i + from) {
        match matching_close(s, open) {
            Some(close) => {
                out.push(s[open + 1..close].trim().to_string());
                from = close + 1;
            }
            None => break,
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let s = s.trim();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A short key from words: "Tên đơn vị" → "ten-don-vi".
fn slug(s: &str, max_words: usize) -> String {
    let f = vi::fold(s);
    let words: Vec<&str> = f
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max_words)
        .collect();
    if words.is_empty() {
        "x".into()
    } else {
        words.join("-")
    }
}

fn option_label(s: &str) -> String {
    let s = plain(s).replace("{model}", "");
    let s = s
        .trim()
        .trim_end_matches(['.', ';', ',', ':', '…', ' '])
        .trim();
    capitalise(&clean_spaces(s))
}

fn options(labels: &[String], values: Option<&[String]>) -> Vec<ChoiceOption> {
    let mut seen = HashSet::new();
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = match values {
                Some(vs) => vs.get(i).cloned().unwrap_or_else(|| (i + 1).to_string()),
                None => slug(l, 3),
            };
            if !seen.insert(v.clone()) {
                v = format!("{v}-{}", i + 1);
                seen.insert(v.clone());
            }
            ChoiceOption {
                value: v,
                label: l.clone(),
                print: None,
                ended: vi::fold(l).contains("ket thuc"),
            }
        })
        .collect()
}

fn answer(kind: AnswerType) -> Answer {
    Answer {
        kind,
        required: true,
        required_if: None,
        option: Vec::new(),
        min: None,
        max: None,
        unit: None,
        column: Vec::new(),
        row: Vec::new(),
        authorised: false,
        warn_on_growth: false,
        not_after_cutoff: true,
        min_rows: None,
        when_empty: WhenEmpty::Omit,
        columns: None,
    }
}

/// What a prompt asks for, and why (for the notes), from its words.
fn answer_from_words(text: &str, district: bool) -> (Answer, Option<String>) {
    let p = plain(text).replace("{model}", "…");
    let main = main_text(&p);
    let f = vi::fold(&p);
    let fm = vi::fold(&main);
    let words = main.split_whitespace().count();
    // "trước … và sau …": figures before and after.
    if let Some(b) = fm.find("truoc ") {
        if fm[b..].contains(" va sau") {
            let mut a = answer(AnswerType::Figures);
            let rows: Vec<String> = match main.split_once(':') {
                Some((_, list)) if !list.trim().is_empty() => list
                    .split([';', ','])
                    .map(option_label)
                    .filter(|s| !s.is_empty())
                    .collect(),
                _ => {
                    let cut = main
                        .to_lowercase()
                        .find("trước")
                        .map(|i| &main[..i])
                        .unwrap_or(&main)
                        .to_string();
                    vec![option_label(&cut)]
                }
            };
            let mut seen = HashSet::new();
            a.row = rows
                .iter()
                .map(|r| {
                    let mut k = slug(r, 4);
                    while !seen.insert(k.clone()) {
                        k.push('x');
                    }
                    FigureRow {
                        key: k,
                        label: r.clone(),
                        sub: false,
                    }
                })
                .collect();
            return (a, Some("“trước … và sau …”: số liệu trước và sau".into()));
        }
    }
    // "đề nghị … về: (1) … (2) …": several of the listed topics.
    if f.contains("de nghi") || f.contains("de xuat") {
        if let Some((_, list)) = p.split_once(':') {
            if let Some(labels) = inline_list(list) {
                let mut a = answer(AnswerType::Multichoice);
                let values: Vec<String> = (1..=labels.len()).map(|i| i.to_string()).collect();
                a.option = options(&labels, Some(&values));
                return (
                    a,
                    Some("danh sách (1), (2)… sau “đề nghị … về:”: chọn một hoặc nhiều".into()),
                );
            }
        }
    }
    // Units by name: rows.
    if f.contains("ten don vi") || f.contains("danh sach") {
        let mut a = answer(AnswerType::Records);
        a.column = record_columns(&p, district);
        return (
            a,
            Some("“tên đơn vị”/“danh sách”: bảng, mỗi đơn vị một dòng".into()),
        );
    }
    // "(A hoặc B)" or "A hay B": one of them.
    for par in parentheticals(&p) {
        let parts: Vec<&str> = par.split(" hoặc ").collect();
        if parts.len() == 2 && par.split_whitespace().count() <= 30 {
            let labels: Vec<String> = parts.iter().map(|s| option_label(s)).collect();
            if labels.iter().all(|l| !l.is_empty()) {
                let mut a = answer(AnswerType::Choice);
                a.option = options(&labels, None);
                for o in &mut a.option {
                    o.ended = false;
                    o.print = Some(o.label.to_lowercase());
                }
                return (a, Some("“… hoặc …” trong ngoặc: chọn một".into()));
            }
        }
    }
    if let Some((l, r)) = main.split_once(" hay ") {
        let lw: Vec<&str> = l.split_whitespace().collect();
        let start = lw
            .iter()
            .rposition(|w| {
                matches!(
                    vi::fold(w).as_str(),
                    "dang" | "da" | "co" | "chua" | "khong" | "duoc"
                )
            })
            .filter(|&i| lw.len() - i <= 8)
            .unwrap_or(lw.len().saturating_sub(4));
        let left = lw[start..].join(" ");
        let right = r
            .split(['(', ',', ';', '.', '?', ':'])
            .next()
            .unwrap_or_default();
        let labels = [option_label(&left), option_label(right)];
        if labels
            .iter()
            .all(|l| !l.is_empty() && l.split_whitespace().count() <= 10)
        {
            let mut a = answer(AnswerType::Choice);
            a.option = options(&labels, None);
            return (a, Some("“… hay …”: chọn một".into()));
        }
    }
    let starts = |w: &str| fm.trim_start().starts_with(w);
    if (fm.contains("bao nhieu") && words <= 30)
        || ((starts("so ") || starts("tong so")) && words <= 20)
    {
        let mut a = answer(AnswerType::Integer);
        if fm.contains("don vi") {
            a.unit = Some("đơn vị".into());
        } else if fm.contains("nguoi") || fm.contains("can bo") {
            a.unit = Some("người".into());
        }
        return (a, Some("“bao nhiêu”/“số lượng”: một số nguyên".into()));
    }
    let date_word = DATE_WORD.as_ref().is_some_and(|re| re.is_match(&fm));
    if date_word && words <= 20 && !fm.contains("thoi diem hien nay") {
        return (
            answer(AnswerType::Date),
            Some("“thời điểm”/“ngày”: một ngày".into()),
        );
    }
    (answer(AnswerType::Narrative), None)
}

static TITLE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)đề\s+cương\s*(.*)$").ok());
static DATE_WORD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(?:thoi diem|ngay)(?:\s+[^\d\s]|\s*$|\s*:)").ok());

/// "(1) A. (2) B." or "1) A (2) B" after a colon: the labels, when there are at least two.
fn inline_list(list: &str) -> Option<Vec<String>> {
    let re = INLINE_ENUM.as_ref()?;
    let marks: Vec<(usize, usize)> = re.find_iter(list).map(|m| (m.start(), m.end())).collect();
    if marks.len() < 2 || list[..marks[0].0].trim().len() > 2 {
        return None;
    }
    let mut labels = Vec::new();
    for (k, (_, end)) in marks.iter().enumerate() {
        let stop = marks.get(k + 1).map_or(list.len(), |m| m.0);
        let l = option_label(&list[*end..stop]);
        if l.is_empty() {
            return None;
        }
        labels.push(l);
    }
    Some(labels)
}

/// The columns of a list of units: "(nêu rõ số lượng, tên đơn vị, thời điểm, nguyên nhân…)".
fn record_columns(text: &str, district: bool) -> Vec<Column> {
    let source = parentheticals(text)
        .into_iter()
        .find(|p| vi::fold(p).contains("ten don vi") || vi::fold(p).contains("danh sach"))
        .unwrap_or_default();
    let unit = if district {
        (
            "Đơn vị".to_string(),
            ColumnType::Unit,
            Some(ColumnRole::Unit),
        )
    } else {
        ("Tên đơn vị".to_string(), ColumnType::Text, None)
    };
    let mut specs: Vec<(String, ColumnType, Option<ColumnRole>)> = Vec::new();
    for part in source.split([',', ';']) {
        let label = option_label(part);
        let f = vi::fold(&label);
        let f = f.strip_prefix("neu ro ").unwrap_or(&f);
        if label.is_empty() || f.starts_with("so luong") {
            continue;
        }
        if f.contains("ten don vi") || f == "don vi" {
            specs.push(unit.clone());
        } else if f.contains("thoi diem") || f.starts_with("ngay") {
            specs.push((label, ColumnType::Date, None));
        } else {
            specs.push((label, ColumnType::Text, None));
        }
    }
    if !specs.iter().any(|s| s.0 == unit.0) {
        specs.insert(0, unit.clone());
    }
    let mut seen = HashSet::new();
    specs
        .into_iter()
        .map(|(label, kind, role)| {
            let mut key = slug(&label, 3);
            while !seen.insert(key.clone()) {
                key.push('x');
            }
            Column {
                key,
                label,
                kind,
                required: kind == ColumnType::Unit,
                required_if: None,
                unique: kind == ColumnType::Unit,
                option: Vec::new(),
                width: None,
                role,
            }
        })
        .collect()
}

/// A table's answer: figures when it has "trước"/"sau" columns (rows from its first column),
/// records otherwise (columns from its header).
fn table_answer(rows: &[Vec<String>], district: bool) -> (Answer, String) {
    let header = rows.first().cloned().unwrap_or_default();
    let skip: Vec<bool> = header
        .iter()
        .map(|h| matches!(vi::fold(h).as_str(), "stt" | "tt" | "so tt" | "so thu tu"))
        .collect();
    let hf: Vec<String> = header.iter().map(|h| vi::fold(h)).collect();
    let before_after =
        hf.iter().any(|h| h.contains("truoc")) && hf.iter().any(|h| h.contains("sau"));
    if before_after {
        let label_col = skip.iter().position(|s| !s).unwrap_or(0);
        let mut a = answer(AnswerType::Figures);
        // The outline's own names of the columns ("Trước tinh giản", "Sau tinh giản").
        let named = |want: &str| {
            header
                .iter()
                .zip(&hf)
                .find(|(_, f)| f.contains(want))
                .map(|(h, _)| h.trim().to_string())
        };
        if let (Some(before), Some(after)) = (named("truoc"), named("sau")) {
            a.columns = Some(outline::FigureColumns {
                before,
                authorised: None,
                after,
            });
        }
        let mut seen = HashSet::new();
        for r in rows.iter().skip(1) {
            let Some(label) = r.get(label_col).map(|s| s.trim()) else {
                continue;
            };
            if label.is_empty() {
                continue;
            }
            let sub = label.starts_with(['-', '+']) || vi::fold(label).starts_with("trong do");
            let label = label.trim_start_matches(['-', '+', ' ']);
            // "Trong đó:" is how a sub-row prints (the document adds it): not part of its label.
            let label = match vi::fold(label).strip_prefix("trong do") {
                Some(_) => label
                    .char_indices()
                    .nth("trong đó".chars().count())
                    .map(|(i, _)| &label[i..])
                    .unwrap_or("")
                    .trim_start_matches([':', ' '])
                    .to_string(),
                None => label.to_string(),
            };
            let label = if label.is_empty() {
                "Trong đó".to_string()
            } else {
                label
            };
            let mut key = slug(&label, 4);
            while !seen.insert(key.clone()) {
                key.push('x');
            }
            a.row.push(FigureRow { key, label, sub });
        }
        let why = format!("bảng có cột “trước”/“sau”: số liệu, {} dòng", a.row.len());
        return (a, why);
    }
    let mut a = answer(AnswerType::Records);
    let mut seen = HashSet::new();
    for (i, h) in header.iter().enumerate() {
        if skip.get(i).copied().unwrap_or(false) || h.trim().is_empty() {
            continue;
        }
        let f = vi::fold(h);
        let (kind, role) = if district && (f.contains("ten don vi") || f == "don vi") {
            (ColumnType::Unit, Some(ColumnRole::Unit))
        } else if f.contains("ngay") || f.contains("thoi diem") {
            (ColumnType::Date, None)
        } else if f.starts_with("so ") || f.contains("so luong") || f.starts_with("tong") {
            (ColumnType::Integer, None)
        } else {
            (ColumnType::Text, None)
        };
        let mut key = slug(h, 3);
        while !seen.insert(key.clone()) {
            key.push('x');
        }
        a.column.push(Column {
            key,
            label: h.trim().to_string(),
            kind,
            required: false,
            required_if: None,
            unique: kind == ColumnType::Unit,
            option: Vec::new(),
            width: None,
            role,
        });
    }
    let n = a.column.len();
    (
        a,
        format!("bảng: mỗi dòng một mục, {n} cột theo dòng tiêu đề"),
    )
}

// ---------------------------------------------------------------------------------------------
// Emitting the template

struct Emit<'a> {
    t: &'a [T],
    nodes: Vec<Node>,
    ids: HashSet<String>,
    id_of: HashMap<usize, String>,
    notes: Notes,
    blocks: HashMap<usize, &'a Found>,
    /// Paragraphs that became their heading's hint.
    skip: HashSet<usize>,
}

/// The block an emitted node is in: its id, whether it is per district, and the roles used.
#[derive(Clone)]
struct Scope {
    block: Option<String>,
    district: bool,
    stem: Option<String>,
}

fn blank(id: String, kind: NodeKind, parent: Option<String>) -> Node {
    Node {
        id,
        kind,
        parent,
        numbering: None,
        text: String::new(),
        marker: None,
        hint: None,
        family: None,
        level: None,
        skeleton: false,
        silent: false,
        show_if: None,
        answer: None,
        compute: None,
        role: None,
        district: None,
    }
}

fn letter(n: usize, upper: bool) -> String {
    let k = ((n.max(1) - 1) % 26) as u8;
    let c = char::from(b'a' + k);
    if upper {
        c.to_ascii_uppercase().to_string()
    } else {
        c.to_string()
    }
}

impl Emit<'_> {
    fn unique(&mut self, want: String) -> String {
        let mut id = want.clone();
        let mut k = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{want}-{k}");
            k += 1;
        }
        id
    }

    fn text_of(&self, i: usize, scope: &Scope) -> String {
        let mut s = self.t[i].text.clone();
        if let Some(stem) = &scope.stem {
            s = fill_slot(&s, stem);
        }
        s
    }

    fn role(&self, scope: &Scope, role: Role) -> Option<Role> {
        let block = scope.block.as_ref()?;
        let used = self.nodes.iter().any(|n| {
            n.role == Some(role)
                && n.id.starts_with(block.as_str())
                && n.id[block.len()..].starts_with('.')
        });
        (!used).then_some(role)
    }

    /// Emits the children of heading `h` (emitted as `hid`).
    fn children(&mut self, h: usize, hid: &str, scope: &Scope) {
        let t = self.t;
        let kids: Vec<usize> = t[h]
            .children
            .iter()
            .copied()
            .filter(|&c| !t[c].removed && !self.skip.contains(&c))
            .collect();
        let parent = (!hid.is_empty()).then(|| hid.to_string());
        let child = |seg: String| {
            if hid.is_empty() {
                seg
            } else {
                format!("{hid}.{seg}")
            }
        };
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut next = |prefix: &str| -> usize {
            let c = counts.entry(prefix.to_string()).or_insert(0);
            *c += 1;
            *c
        };
        let in_block_top = self.blocks.contains_key(&h);
        let mut last_item: Option<usize> = None; // index into self.nodes
        let mut leadin_id: Option<String> = None;
        let mut option_vals: HashMap<usize, String> = HashMap::new();
        for c in kids {
            let node = &t[c];
            match node.kind.clone() {
                Kind::Heading(key) | Kind::Repeat(key) => {
                    last_item = None;
                    let n = next(&format!("{key:?}"));
                    let seg = if in_block_top {
                        format!("x{n}")
                    } else {
                        match key {
                            Key::Upper => letter(n, true),
                            Key::Roman => report::tree::roman(n),
                            Key::Arabic(_) => n.to_string(),
                            Key::Lower => letter(n, false),
                            Key::Paren => format!("p{n}"),
                            Key::Styled(_) => format!("h{n}"),
                        }
                    };
                    let want = if matches!(node.kind, Kind::Repeat(_)) {
                        child("m".into())
                    } else {
                        child(seg)
                    };
                    self.heading(c, want, hid, scope);
                }
                Kind::Option(v) => {
                    let n = next("o");
                    let id = self.unique(child(format!("o{n}")));
                    let mut item = blank(id.clone(), NodeKind::Item, parent.clone());
                    let text = self.text_of(c, scope);
                    item.text = lead_in(&format!("({v}) {}", text.trim()), false);
                    let lead = leadin_id.clone();
                    let has_lines = t[h]
                        .children
                        .iter()
                        .any(|&k| t[k].under == Some(c) && !t[k].removed);
                    if let Some(l) = &lead {
                        item.show_if = Some(Condition {
                            item: l.clone(),
                            equals: OneOrMany::One(v.clone()),
                        });
                    }
                    let (mut a, why) = answer_from_words(&text, scope.district);
                    if a.kind == AnswerType::Choice {
                        a.required = false;
                        a.required_if = item.show_if.clone();
                        item.role = self.role(scope, Role::ProposalScope);
                        item.text = lead_in(&item.text, true);
                        if let Some(w) = why {
                            self.notes.node(c, NoteKind::Unsure, w);
                        }
                        item.answer = Some(a);
                    } else if !has_lines {
                        let mut a = answer(AnswerType::Narrative);
                        a.required = false;
                        item.answer = Some(a);
                        item.hint = Some("Nội dung cụ thể của phương án này (nếu có).".into());
                    }
                    item.hint = merge_hint(item.hint.take(), hint_of(&text));
                    option_vals.insert(c, v);
                    self.id_of.insert(c, id);
                    self.nodes.push(item);
                    last_item = Some(self.nodes.len() - 1);
                }
                Kind::Dash(_) | Kind::Para | Kind::Etc => {
                    let (prefix, marker) = match node.kind {
                        Kind::Dash(m) => ("d", Some(m.to_string())),
                        Kind::Etc => ("khac", None),
                        _ => ("p", None),
                    };
                    let n = next(prefix);
                    let want = if prefix == "khac" && n == 1 {
                        child("khac".into())
                    } else {
                        child(format!("{prefix}{n}"))
                    };
                    let id = self.unique(want);
                    let mut item = blank(id.clone(), NodeKind::Item, parent.clone());
                    item.marker = marker;
                    if node.kind == Kind::Etc {
                        item.marker = Some("-".into());
                        item.text = "Nội dung khác:".into();
                        item.hint = Some(
                            "Ô “…” của đề cương: nội dung khác (nếu có). Chỉ in khi có nội dung."
                                .into(),
                        );
                        let mut a = answer(AnswerType::Narrative);
                        a.required = false;
                        item.answer = Some(a);
                    } else {
                        let text = self.text_of(c, scope);
                        if node.leadin {
                            item.text = lead_in(&text, true);
                            let vals: Vec<(String, String)> = t[h]
                                .children
                                .iter()
                                .filter_map(|&k| match &t[k].kind {
                                    Kind::Option(v) => Some((
                                        v.clone(),
                                        format!(
                                            "({v}) {}",
                                            option_label(&short_option(&t[k].text))
                                        ),
                                    )),
                                    _ => None,
                                })
                                .collect();
                            let mut a = answer(AnswerType::Choice);
                            let labels: Vec<String> = vals.iter().map(|v| v.1.clone()).collect();
                            let values: Vec<String> = vals.iter().map(|v| v.0.clone()).collect();
                            a.option = options(&labels, Some(&values));
                            for o in &mut a.option {
                                o.ended = false;
                            }
                            item.answer = Some(a);
                            item.silent = true;
                            item.role = self.role(scope, Role::Proposal);
                            item.hint = Some(format!(
                                "Chọn đúng một phương án: {}.",
                                values
                                    .iter()
                                    .map(|v| format!("({v})"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                            self.notes.node(
                                c,
                                NoteKind::Unsure,
                                format!(
                                    "“một trong các nội dung sau” với {} phương án: một lựa chọn; \
                                     mỗi phương án hiện cùng các dòng của nó",
                                    values.len()
                                ),
                            );
                            leadin_id = Some(id.clone());
                        } else {
                            let (mut a, why) = answer_from_words(&text, scope.district);
                            if let Some(w) = why {
                                self.notes.node(c, NoteKind::Unsure, w);
                            }
                            let optional = if_any(&text);
                            if optional {
                                a.required = false;
                                a.when_empty = WhenEmpty::None;
                            }
                            if let Some(o) = node.under.and_then(|o| option_vals.get(&o)) {
                                if let Some(l) = &leadin_id {
                                    let cond = Condition {
                                        item: l.clone(),
                                        equals: OneOrMany::One(o.clone()),
                                    };
                                    item.show_if = Some(cond.clone());
                                    a.required = false;
                                    a.when_empty = WhenEmpty::Omit;
                                    a.required_if = Some(cond);
                                }
                            }
                            item.role = match a.kind {
                                AnswerType::Choice if a.option.iter().any(|o| o.ended) => {
                                    self.role(scope, Role::Status)
                                }
                                AnswerType::Date if vi::fold(&text).contains("bat dau") => {
                                    self.role(scope, Role::StartDate)
                                }
                                AnswerType::Date if vi::fold(&text).contains("ket thuc") => {
                                    self.role(scope, Role::EndDate)
                                }
                                AnswerType::Records
                                    if a.column
                                        .iter()
                                        .any(|c| c.role == Some(ColumnRole::Unit)) =>
                                {
                                    self.role(scope, Role::Units)
                                }
                                _ => None,
                            };
                            if item.role != Some(Role::Status) {
                                for o in &mut a.option {
                                    o.ended = false;
                                }
                            }
                            let structured = matches!(a.kind, AnswerType::Multichoice);
                            item.text = if structured {
                                lead_in(text.split_once(':').map_or(text.as_str(), |x| x.0), true)
                            } else {
                                lead_in(&text, true)
                            };
                            item.hint = hint_of(&text);
                            item.answer = Some(a);
                        }
                    }
                    self.id_of.insert(c, id);
                    self.nodes.push(item);
                    last_item = Some(self.nodes.len() - 1);
                }
                Kind::Hint => {
                    let hint = capitalise(
                        plain(&node.text)
                            .trim()
                            .trim_end_matches([':', ';'])
                            .trim_start_matches('(')
                            .trim_end_matches(')'),
                    );
                    let target = match last_item {
                        Some(k) => Some(k),
                        None => self.nodes.iter().rposition(|n| n.id == hid),
                    };
                    match target {
                        Some(k) if self.nodes[k].hint.is_none() => {
                            self.nodes[k].hint = Some(hint);
                        }
                        _ => {
                            let n = next("g");
                            let id = self.unique(child(format!("g{n}")));
                            let mut item = blank(id.clone(), NodeKind::Hint, parent.clone());
                            item.hint = Some(hint);
                            self.id_of.insert(c, id);
                            self.nodes.push(item);
                        }
                    }
                }
                Kind::Table(rows) => {
                    let (a, why) = table_answer(&rows, scope.district);
                    let ok = match &a.kind {
                        AnswerType::Figures => !a.row.is_empty(),
                        _ => !a.column.is_empty(),
                    };
                    if !ok {
                        self.notes.node(
                            h,
                            NoteKind::Decide,
                            "một bảng không có dòng tiêu đề hay dòng số liệu đọc được; đã bỏ qua",
                        );
                        continue;
                    }
                    let reuse = last_item.filter(|&k| {
                        self.nodes[k].answer.as_ref().is_some_and(|x| {
                            matches!(x.kind, AnswerType::Narrative | AnswerType::Integer)
                        })
                    });
                    let k = match reuse {
                        Some(k) => k,
                        None => {
                            let n = next("bang");
                            let id = self.unique(child(format!("bang{n}")));
                            let item = blank(id.clone(), NodeKind::Item, parent.clone());
                            self.id_of.insert(c, id);
                            self.nodes.push(item);
                            self.nodes.len() - 1
                        }
                    };
                    let required = self.nodes[k].answer.as_ref().is_none_or(|x| x.required);
                    let mut a = a;
                    a.required = required;
                    self.nodes[k].role = match a.kind {
                        AnswerType::Figures => self.role(scope, Role::Figures),
                        _ if a.column.iter().any(|c| c.role == Some(ColumnRole::Unit)) => {
                            self.role(scope, Role::Units)
                        }
                        _ => None,
                    };
                    self.nodes[k].answer = Some(a);
                    self.notes.node(c, NoteKind::Unsure, why);
                    last_item = Some(k);
                }
                Kind::Root => {}
            }
        }
    }

    fn heading(&mut self, c: usize, want: String, parent: &str, outer: &Scope) {
        let t = self.t;
        let id = self.unique(want);
        let node = &t[c];
        let key = node.key();
        let mut scope = outer.clone();
        let mut n = blank(
            id.clone(),
            NodeKind::Heading,
            (!parent.is_empty()).then(|| parent.to_string()),
        );
        n.numbering = key.and_then(Key::numbering);
        let mut text = self.text_of(c, &scope);
        if let Some(found) = self.blocks.get(&c).copied() {
            n.kind = NodeKind::Repeat;
            n.family = Some(found.family.0.clone());
            n.level = Some(found.level.0.clone());
            n.skeleton = true;
            text = match Regex::new(r"\s*(?:…|\.\.\.+)") {
                Ok(re) => re.replacen(&text, 1, " {model}").into_owned(),
                Err(_) => text,
            };
            scope = Scope {
                block: Some(id.clone()),
                district: found.level.2 == "district",
                stem: found.stem.clone(),
            };
        }
        n.text = heading_text(&text);
        n.hint = hint_of(&text);
        let kids: Vec<usize> = node
            .children
            .iter()
            .copied()
            .filter(|&k| !t[k].removed)
            .collect();
        let sub_headings = kids.iter().any(|&k| t[k].is_heading());
        let items: Vec<usize> = kids
            .iter()
            .copied()
            .filter(|&k| !matches!(t[k].kind, Kind::Hint))
            .collect();
        let ends_colon = plain(&text).trim_end().ends_with(':');
        if n.kind == NodeKind::Heading && !sub_headings && !ends_colon {
            // A short heading with one paragraph under it: the paragraph explains the heading.
            let mut asks = items
                .iter()
                .all(|&k| t[k].kind == Kind::Para && !t[k].leadin && t[k].under.is_none());
            if items.len() == 1 && asks && plain(&text).split_whitespace().count() <= 5 {
                self.skip.insert(items[0]);
                n.hint = merge_hint(n.hint.take(), Some(capitalise(&plain(&t[items[0]].text))));
            }
            if vi::fold(&text).contains("danh sach") && !items.is_empty() {
                asks = false;
            }
            if asks {
                let mut a = answer(AnswerType::Narrative);
                if if_any(&text) {
                    a.required = false;
                    a.when_empty = WhenEmpty::None;
                    self.notes.node(
                        c,
                        NoteKind::Unsure,
                        "“(nếu có)”: không bắt buộc, để trống in “Không có.”",
                    );
                }
                n.answer = Some(a);
            }
        }
        self.id_of.insert(c, id.clone());
        self.nodes.push(n);
        self.children(c, &id, &scope);
    }
}

/// "(nếu có)" at the end of a prompt: the whole answer is optional.
fn if_any(text: &str) -> bool {
    vi::fold(&plain(text))
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')')
        .ends_with("(neu co)")
}

/// An option's name: the text before its parenthesis, slot or ellipsis.
fn short_option(text: &str) -> String {
    let t = plain(text);
    let cut = [t.find('('), t.find('…'), t.find("..."), t.find("{model}")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(t.len());
    t[..cut].to_string()
}

/// A heading's text: the outline's words, without a final full stop.
fn heading_text(s: &str) -> String {
    let t = s.trim();
    let t = t
        .strip_suffix('.')
        .filter(|x| !x.ends_with('.'))
        .unwrap_or(t);
    t.trim().to_string()
}

/// An item's lead-in: the outline's words; with an answer, ending with ":".
fn lead_in(s: &str, answered: bool) -> String {
    let t = s.trim();
    let t = t
        .strip_suffix('.')
        .filter(|x| !x.ends_with('.'))
        .unwrap_or(t);
    let t = t.trim_end();
    if answered && !t.ends_with(':') && !t.ends_with('?') && !t.is_empty() {
        format!("{t}:")
    } else {
        t.to_string()
    }
}

/// The parentheses of a prompt as its hint ("(nêu rõ thời điểm…)" → "Nêu rõ thời điểm…"),
/// except "(nếu có)", numbers and choices.
fn hint_of(text: &str) -> Option<String> {
    let parts: Vec<String> = parentheticals(&plain(text))
        .into_iter()
        .filter(|p| {
            let f = vi::fold(p);
            !(f == "neu co"
                || p.chars().all(|c| c.is_ascii_digit())
                || p.contains(" hoặc ")
                || p.contains("{model}")
                || p.trim().is_empty())
        })
        .map(|p| {
            let s = capitalise(&p);
            if s.ends_with(['.', '…', '?']) {
                s
            } else {
                format!("{s}.")
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn merge_hint(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Some(format!("{a} {b}")),
        (Some(a), _) => Some(a),
        (None, b) => b,
    }
}

// ---------------------------------------------------------------------------------------------
// Particulars

struct Particulars {
    meta: Meta,
    intro: Option<String>,
}

fn particulars(header: &[String], body_text: &str, notes: &mut Notes) -> Particulars {
    let title = header.iter().position(|l| vi::fold(l).contains("de cuong"));
    let (kind, kind_code) = match title {
        Some(i) => {
            let rest = TITLE
                .as_ref()
                .and_then(|re| re.captures(&header[i]))
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().trim().to_string())
                .unwrap_or_default();
            if rest.is_empty() {
                notes.at(
                    "template.kind",
                    NoteKind::Unsure,
                    "tiêu đề không nói loại văn bản; đã dùng “BÁO CÁO”",
                );
                ("BÁO CÁO".to_string(), "BC".to_string())
            } else {
                let kind = vi::upper(&rest);
                let code = kind_code_of(&kind);
                (kind, code)
            }
        }
        None => {
            notes.at(
                "template.kind",
                NoteKind::Unsure,
                "không thấy dòng “ĐỀ CƯƠNG …”; đã dùng loại văn bản “BÁO CÁO”",
            );
            ("BÁO CÁO".to_string(), "BC".to_string())
        }
    };
    let is_meta = |l: &str| {
        let f = vi::fold(l);
        l.starts_with('(')
            || f.starts_with("kinh gui")
            || f.starts_with("thuc hien")
            || f.contains("de cuong")
    };
    let subject = header
        .iter()
        .skip(title.map_or(0, |i| i + 1))
        .find(|l| !is_meta(l))
        .map(|s| s.trim().to_string());
    let subject = match subject {
        Some(s) => s,
        None => {
            notes.at(
                "template.subject",
                NoteKind::Decide,
                "không thấy trích yếu của đề cương; đã ghi tạm “Trích yếu của báo cáo”",
            );
            "Trích yếu của báo cáo".to_string()
        }
    };
    let addressee = header.iter().enumerate().find_map(|(i, l)| {
        let f = vi::fold(l);
        f.starts_with("kinh gui").then(|| {
            let rest = l.split_once(':').map(|x| x.1.trim()).unwrap_or_default();
            if rest.is_empty() {
                header.get(i + 1).cloned().unwrap_or_default()
            } else {
                rest.to_string()
            }
        })
    });
    let intro = header
        .iter()
        .find(|l| vi::fold(l).starts_with("thuc hien") || vi::fold(l).contains("nhu sau"))
        .cloned();
    let all_header = header.join(" ");
    // The dispatch: "(Kèm theo Công văn số 1473 - CV/BTCTW, ngày 13/8/2021 của Ban Tổ chức …)".
    let mut dispatch = None;
    if let Some(re) = DISPATCH.as_ref() {
        let hay = [all_header.as_str(), intro.as_deref().unwrap_or("")];
        for h in hay {
            if let Some(c) = re.captures(h) {
                let (Some(m), Some(kind), Some(number)) = (c.get(0), c.get(1), c.get(2)) else {
                    continue;
                };
                let number: String = number.as_str().split_whitespace().collect();
                let rest = &h[m.end()..];
                let window: String = rest.chars().take(120).collect();
                let date = DATE.as_ref().and_then(|re| re.captures(&window)).map(|d| {
                    let g = |i| d.get(i).map_or("", |x: regex::Match| x.as_str());
                    let text = format!("{}/{}/{}", g(1), g(2), g(3));
                    let end = d.get(0).map_or(0, |x| x.end());
                    (text, end)
                });
                let after = date.as_ref().map_or(window.as_str(), |d| &window[d.1..]);
                let issuer = ISSUER
                    .as_ref()
                    .and_then(|re| re.captures(after))
                    .and_then(|c| c.get(1))
                    .map(|x| x.as_str().trim().to_string());
                dispatch = Some((capitalise(kind.as_str()), number, date.map(|d| d.0), issuer));
                break;
            }
        }
    }
    let mut source = None;
    let mut id = "de-cuong-moi".to_string();
    let mut year = None;
    match &dispatch {
        Some((kind, number, date, issuer)) => {
            let mut s = format!("Đề cương kèm theo {kind} số {number}");
            if let Some(d) = date {
                match vi::Date::parse(d) {
                    Ok(v) => {
                        s.push_str(&format!(", ngày {}", v.short_vi()));
                        year = Some(v.year());
                    }
                    Err(e) => notes.at(
                        "template.source",
                        NoteKind::Decide,
                        format!("ngày của văn bản gửi kèm: {e}"),
                    ),
                }
            } else {
                notes.at(
                    "template.source",
                    NoteKind::Unsure,
                    "không thấy ngày của văn bản gửi kèm đề cương",
                );
            }
            match issuer {
                Some(i) => s.push_str(&format!(" của {i}")),
                None => notes.at(
                    "template.source",
                    NoteKind::Unsure,
                    "không thấy cơ quan ban hành văn bản gửi kèm đề cương",
                ),
            }
            source = Some(s);
            id = match year {
                Some(y) => format!("{}-{y}", slug(number, 6)),
                None => slug(number, 6),
            };
            notes.at(
                "template.id",
                NoteKind::Unsure,
                format!("mã đề cương đặt theo số văn bản: “{id}”; có thể đổi trước khi dùng"),
            );
        }
        None => notes.at(
            "template.id",
            NoteKind::Decide,
            "không thấy số, ngày của văn bản gửi kèm đề cương; mã đề cương tạm là “de-cuong-moi”",
        ),
    }
    // The cut-off date: "số liệu … đến ngày 31/6/2021".
    let mut cutoff = None;
    let texts = [body_text, all_header.as_str()];
    'find: for t in texts {
        for sentence in t.split(['\n', '.']) {
            if !vi::fold(sentence).contains("so lieu") {
                continue;
            }
            if let Some(c) = CUTOFF.as_ref().and_then(|re| re.captures(sentence)) {
                let g = |i| c.get(i).map_or("", |x: regex::Match| x.as_str());
                cutoff = Some((g(1).to_string(), g(2).to_string(), g(3).to_string()));
                break 'find;
            }
        }
    }
    let cutoff = match cutoff {
        Some((d, m, y)) => {
            let written = format!("{d}/{m}/{y}");
            match vi::Date::parse(&written) {
                Ok(v) => {
                    notes.at(
                        "template.cutoff",
                        NoteKind::Unsure,
                        format!("ngày chốt số liệu lấy từ đề cương: {}", v.short_vi()),
                    );
                    v.short_vi()
                }
                Err(e) => {
                    let last = match e {
                        vi::DateError::InvalidDay {
                            year,
                            month,
                            days_in_month,
                            ..
                        } => vi::Date::new(year, month, days_in_month).ok(),
                        _ => None,
                    };
                    match last {
                        Some(l) => {
                            notes.at(
                                "template.cutoff",
                                NoteKind::Decide,
                                format!(
                                    "đề cương ghi ngày chốt số liệu {written}: {e}; đã ghi tạm \
                                     {} (ngày cuối tháng), cần xác nhận",
                                    l.short_vi()
                                ),
                            );
                            l.short_vi()
                        }
                        None => {
                            notes.at(
                                "template.cutoff",
                                NoteKind::Decide,
                                format!("đề cương ghi ngày chốt số liệu {written}: {e}; hãy điền ngày đúng"),
                            );
                            written
                        }
                    }
                }
            }
        }
        None => {
            notes.at(
                "template.cutoff",
                NoteKind::Decide,
                "đề cương không nói ngày chốt số liệu; hãy điền template.cutoff (ví dụ 30/6/2021)",
            );
            "chưa xác định".to_string()
        }
    };
    let mut recipients = Vec::new();
    if let Some(a) = addressee.filter(|a| !a.is_empty()) {
        recipients.push(format!("{a} (để báo cáo)"));
        notes.at(
            "template.recipients",
            NoteKind::Unsure,
            format!("nơi nhận lấy từ “Kính gửi: {a}”; thêm các nơi nhận khác nếu cần"),
        );
    }
    let intro = intro.map(|i| {
        let filled = COMMITTEE
            .as_ref()
            .map(|re| re.replace_all(&i, "{committee} ").into_owned())
            .unwrap_or(i);
        clean_spaces(&filled.replace("{committee} …", "{committee}"))
    });
    if intro.as_ref().is_some_and(|i| !i.contains("{committee}")) {
        notes.at(
            "intro",
            NoteKind::Unsure,
            "đoạn mở đầu không có chỗ cho tên cấp ủy (“tỉnh ủy (thành ủy)…”); giữ nguyên văn",
        );
    }
    Particulars {
        meta: Meta {
            id,
            version: "0.1.0".into(),
            name: subject.clone(),
            kind,
            kind_code,
            subject,
            profile: "hd36-2018".into(),
            unit_level: "province".into(),
            cutoff,
            earliest: None,
            earliest_label: None,
            source,
            notes: Vec::new(),
            recipients,
        },
        intro,
    }
}

fn kind_code_of(kind: &str) -> String {
    match vi::fold(kind).as_str() {
        "bao cao" => "BC".into(),
        "to trinh" => "TTr".into(),
        "ke hoach" => "KH".into(),
        other => other
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect::<String>()
            .to_uppercase(),
    }
}

// ---------------------------------------------------------------------------------------------
// Footnotes

/// Anchors the footnotes: known anchors in order; in a text file that lost them, the line
/// breaks, matched by duplicated passages first, then by shared words.
fn anchor_footnotes(
    nodes: &mut [Node],
    notes_text: &[String],
    notes: &mut Notes,
    node_arena: &HashMap<String, usize>,
) -> Vec<Footnote> {
    let footnotes: Vec<Footnote> = notes_text
        .iter()
        .enumerate()
        .map(|(i, t)| Footnote {
            id: (i + 1).to_string(),
            text: t.clone(),
            once: true,
        })
        .collect();
    // Sites in document order: (node index, marker, context).
    let mut sites: Vec<(usize, char, String)> = Vec::new();
    for (k, n) in nodes.iter().enumerate() {
        for (b, c) in n.text.char_indices() {
            if c == LOST || c == ANCHOR {
                sites.push((k, c, plain(&n.text[..b])));
            }
        }
    }
    let explicit = sites.iter().any(|s| s.1 == ANCHOR);
    let mut assigned: Vec<Option<usize>> = vec![None; sites.len()];
    if explicit {
        let mut next = 0;
        for (s, a) in sites.iter().zip(assigned.iter_mut()) {
            if s.1 == ANCHOR && next < footnotes.len() {
                *a = Some(next);
                next += 1;
            }
        }
    } else {
        let fkey: Vec<String> = footnotes.iter().map(|f| vi::fold(&f.text)).collect();
        let skey: Vec<String> = sites
            .iter()
            .map(|s| vi::fold(&plain(&nodes[s.0].text)))
            .collect();
        let mut used = vec![false; footnotes.len()];
        // Passages repeated word for word take notes repeated word for word, in order.
        for i in 0..sites.len() {
            if assigned[i].is_some() {
                continue;
            }
            let group: Vec<usize> = (i..sites.len()).filter(|&j| skey[j] == skey[i]).collect();
            if group.len() < 2 {
                continue;
            }
            let cand = (0..footnotes.len()).find(|&f| {
                !used[f]
                    && (f..footnotes.len())
                        .filter(|&g| fkey[g] == fkey[f] && !used[g])
                        .count()
                        == group.len()
            });
            if let Some(f) = cand {
                let same: Vec<usize> = (f..footnotes.len())
                    .filter(|&g| fkey[g] == fkey[f] && !used[g])
                    .collect();
                for (s, g) in group.iter().zip(same) {
                    assigned[*s] = Some(g);
                    used[g] = true;
                }
            }
        }
        // The rest: the note sharing most words, between its neighbours' notes.
        for i in 0..sites.len() {
            if assigned[i].is_some() {
                continue;
            }
            let lo = assigned[..i].iter().flatten().max().map_or(0, |m| m + 1);
            let hi = assigned[i + 1..]
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or(footnotes.len());
            let ctx = words(&sites[i].2);
            let best = (lo..hi.max(lo))
                .filter(|&f| !used[f])
                .map(|f| (f, dice(&ctx, &words(&footnotes[f].text))))
                .filter(|x| x.1 > 0.1)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((f, _)) = best {
                assigned[i] = Some(f);
                used[f] = true;
            }
        }
    }
    // Write the anchors, from the last so byte offsets stay valid.
    let mut anchored = vec![false; footnotes.len()];
    for (s, a) in sites.iter().zip(&assigned).rev() {
        let n = &mut nodes[s.0];
        let Some(pos) = n.text.char_indices().rfind(|x| x.1 == s.1).map(|x| x.0) else {
            continue;
        };
        let mut t = n.text.clone();
        let rep = match a {
            Some(f) => {
                anchored[*f] = true;
                format!("[^{}]", f + 1)
            }
            None => String::new(),
        };
        t.replace_range(pos..pos + s.1.len_utf8(), &rep);
        // Mark it done: the marker is gone, so the next search finds the one before.
        n.text = t;
        if let (Some(f), false) = (a, explicit) {
            if let Some(&arena) = node_arena.get(&n.id) {
                notes.node(
                    arena,
                    NoteKind::Unsure,
                    format!(
                        "chú thích [^{}] (“{}”) gắn theo suy đoán, ở chỗ dòng bị ngắt; hãy kiểm tra",
                        f + 1,
                        vi::shorten(&footnotes[*f].text, 60)
                    ),
                );
            }
        }
    }
    for (f, ok) in anchored.iter().enumerate() {
        if !ok {
            notes.at(
                &format!("footnote {}", f + 1),
                NoteKind::Decide,
                format!(
                    "không tìm thấy chỗ gắn chú thích “{}”; hãy thêm “[^{}]” vào nội dung mục mà nó chú thích",
                    vi::shorten(&footnotes[f].text, 80),
                    f + 1
                ),
            );
        }
    }
    footnotes
}

fn words(s: &str) -> Vec<String> {
    let mut w: Vec<String> = vi::fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect();
    w.sort();
    w.dedup();
    w
}

fn dice(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

// ---------------------------------------------------------------------------------------------
// The whole import

#[derive(Serialize)]
struct Out<'a> {
    format: u32,
    template: &'a Meta,
    families: BTreeMap<String, String>,
    levels: BTreeMap<String, Level>,
    catalogue: Vec<CatalogueEntry>,
    footnote: Vec<Footnote>,
    node: Vec<Node>,
}

fn build(pieces: Vec<Piece>, footnote_texts: Vec<String>) -> Result<OutlineImport, OutlineError> {
    let count = pieces
        .iter()
        .map(|p| match p {
            Piece::Line(_) => 1,
            Piece::Table(r) => r.len(),
        })
        .sum::<usize>();
    if count > MAX_PARAGRAPHS {
        return Err(OutlineError::TooLong {
            count,
            max: MAX_PARAGRAPHS,
        });
    }
    let mut notes = Notes::default();
    let mut tree = build_tree(pieces, &mut notes)?;
    let found = find_repeats(&mut tree, &mut notes);
    let body_text: String = tree
        .t
        .iter()
        .map(|n| plain(&n.text))
        .chain(tree.closing_hints.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    let p = particulars(&tree.header, &body_text, &mut notes);
    let mut families = BTreeMap::new();
    let mut levels = BTreeMap::new();
    for f in &found {
        families.insert(f.family.0.clone(), f.family.1.clone());
        levels.insert(
            f.level.0.clone(),
            Level {
                label: f.level.1.clone(),
                units: f.level.2.clone(),
            },
        );
    }
    let mut emit = Emit {
        t: &tree.t,
        nodes: Vec::new(),
        ids: HashSet::new(),
        id_of: HashMap::new(),
        notes,
        blocks: found.iter().map(|f| (f.node, f)).collect(),
        skip: HashSet::new(),
    };
    if let Some(i) = &p.intro {
        emit.ids.insert("intro".into());
        let mut n = blank("intro".into(), NodeKind::Text, None);
        n.text = plain(i);
        emit.nodes.push(n);
    }
    let top = Scope {
        block: None,
        district: false,
        stem: None,
    };
    emit.children(0, "", &top);
    for (k, h) in tree.closing_hints.iter().enumerate() {
        let id = emit.unique(if k == 0 {
            "luu-y".into()
        } else {
            format!("luu-y-{}", k + 1)
        });
        let mut n = blank(id, NodeKind::Hint, None);
        n.hint = Some(plain(h));
        emit.nodes.push(n);
    }
    let Emit {
        mut nodes,
        id_of,
        mut notes,
        ..
    } = emit;
    if !nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Heading | NodeKind::Repeat))
    {
        return Err(OutlineError::NoHeadings);
    }
    let arena_of: HashMap<String, usize> = id_of.iter().map(|(a, id)| (id.clone(), *a)).collect();
    let footnote = anchor_footnotes(&mut nodes, &footnote_texts, &mut notes, &arena_of);
    for n in &mut nodes {
        n.text = plain(&n.text);
    }
    let out = Out {
        format: 1,
        template: &p.meta,
        families,
        levels,
        catalogue: Vec::new(),
        footnote,
        node: nodes,
    };
    // Notes: the particulars, then node by node in outline order.
    let order: HashMap<&str, usize> = out
        .node
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut by_node: Vec<(usize, Note)> = notes
        .by_node
        .iter()
        .filter_map(|(a, kind, m)| {
            let id = id_of.get(a)?;
            let n = out.node.get(*order.get(id.as_str())?)?;
            let words = vi::shorten(&plain(&n.text).replace("{model}", "…"), 50);
            let place = if words.is_empty() {
                id.clone()
            } else {
                format!("{id} “{words}”")
            };
            Some((
                order.get(id.as_str()).copied().unwrap_or(usize::MAX),
                Note {
                    kind: *kind,
                    place,
                    message: m.clone(),
                },
            ))
        })
        .collect();
    by_node.sort_by_key(|x| x.0);
    let mut all = notes.fixed;
    all.extend(by_node.into_iter().map(|x| x.1));
    let toml = to_toml(&out, &all)?;
    let (_, problems) = Template::load(&toml, "đề cương nhập");
    Ok(OutlineImport {
        toml,
        notes: all,
        problems,
    })
}

/// The TOML text, with keys at their defaults left out and what to decide on top.
fn to_toml(out: &Out, notes: &[Note]) -> Result<String, OutlineError> {
    let mut v = toml::Value::try_from(out).map_err(|e| OutlineError::Toml(e.to_string()))?;
    prune(&mut v);
    let body = toml::to_string(&v).map_err(|e| OutlineError::Toml(e.to_string()))?;
    let mut s = String::from(
        "# Đề cương do `baocao template import` đề xuất từ văn bản đề cương.\n\
         # Định dạng: docs/template-format.md. Kiểm tra: baocao template check TỆP.toml\n",
    );
    let decide: Vec<&Note> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::Decide)
        .collect();
    if !decide.is_empty() {
        s.push_str("# Cần quyết định trước khi dùng:\n");
        for n in decide {
            s.push_str(&format!(
                "# - {}: {}\n",
                n.place,
                n.message.replace('\n', " ")
            ));
        }
    }
    s.push_str(&body);
    Ok(s)
}

/// Removes keys equal to their defaults, so the file reads like a hand-written one.
fn prune(v: &mut toml::Value) {
    match v {
        toml::Value::Table(t) => {
            t.retain(|k, x| {
                !matches!(
                    (k, &*x),
                    (
                        "skeleton"
                            | "silent"
                            | "authorised"
                            | "warn_on_growth"
                            | "ended"
                            | "unique",
                        toml::Value::Boolean(false)
                    ) | ("not_after_cutoff" | "once", toml::Value::Boolean(true))
                        | ("when_empty", toml::Value::String(_))
                ) || (k == "when_empty" && x.as_str() != Some("omit"))
            });
            t.retain(|_, x| !matches!(x, toml::Value::Array(a) if a.is_empty()));
            for (_, x) in t.iter_mut() {
                prune(x);
            }
        }
        toml::Value::Array(a) => {
            for x in a {
                prune(x);
            }
        }
        _ => {}
    }
}
