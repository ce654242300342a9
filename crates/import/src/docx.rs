//! Reading a DOCX safely into a flat list of paragraphs and tables, in document order.
//!
//! The container is checked before anything is parsed: a Word 97 file or an encrypted DOCX (both
//! OLE compound files), a file that is not a zip, a zip bomb (total size and ratio capped) are
//! refused. XML is parsed by roxmltree with DTDs refused and nesting depth capped. Tracked
//! changes are read as accepted (insertions kept, deletions dropped); comments are ignored.
//! Runs in TCVN3 or VNI fonts are converted by their font; legacy text in a Unicode font is
//! detected and converted with a note.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node, ParsingOptions};
use vi::Legacy;

use crate::ImportError;

/// The largest DOCX accepted.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// The most the parts we read may hold uncompressed, together.
pub const MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// The largest compression ratio of a part over 1 MiB.
pub const MAX_RATIO: u64 = 100;
/// The most entries a DOCX may have.
pub const MAX_ENTRIES: usize = 10_000;
/// The deepest XML nesting accepted.
pub const MAX_DEPTH: usize = 256;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// Stands for a footnote reference in a run's text until the paragraph is read.
const NOTE_MARK: char = '\u{E001}';

/// One paragraph of the body.
#[derive(Debug, Clone, Default)]
pub struct Para {
    /// 1-based number among the body's paragraphs (paragraphs inside tables are not counted).
    pub number: usize,
    pub text: String,
    /// The automatic number Word shows before the text ("1.1-", "a)", "-"), computed.
    pub auto_label: Option<String>,
    /// The heading level from the style or `w:outlineLvl` (0 = Heading 1).
    pub outline_level: Option<u8>,
    /// Every visible character is bold / italic.
    pub bold: bool,
    pub italic: bool,
    /// Footnote texts referenced in the paragraph.
    pub footnotes: Vec<String>,
    /// Where each of `footnotes` is referenced: the number of characters of `text` before it.
    pub footnote_at: Vec<usize>,
    /// Legacy text converted: the encoding, and whether it was found by detection (the font
    /// said Unicode) rather than by the font.
    pub legacy: Option<(Legacy, bool)>,
}

/// One table cell.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    /// Grid columns spanned.
    pub span: usize,
    /// Continues a vertical merge from the row above.
    pub merged_up: bool,
    pub bold: bool,
}

/// A table of the body.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// 1-based number among the body's tables.
    pub number: usize,
    pub rows: Vec<Vec<Cell>>,
    /// The paragraphs of the cells, in order (header and closing tables are read by these).
    pub paras: Vec<Para>,
}

impl Table {
    /// The rows with every grid column's text (a spanned cell repeated over its columns, a
    /// vertically merged cell repeated down).
    pub fn grid(&self) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for row in &self.rows {
            let mut line = Vec::new();
            for cell in row {
                let col = line.len();
                let text = if cell.merged_up {
                    out.last()
                        .and_then(|prev: &Vec<String>| prev.get(col).cloned())
                        .unwrap_or_default()
                } else {
                    cell.text.clone()
                };
                for _ in 0..cell.span.max(1) {
                    line.push(text.clone());
                }
            }
            out.push(line);
        }
        out
    }
}

/// A block of the body.
#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(Table),
}

/// What was read, with the notes about it.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    pub insertions: usize,
    pub deletions: usize,
    pub comments: usize,
    /// Pictures, charts and embedded objects (their content is not text).
    pub objects: usize,
}

/// Reads the DOCX bytes.
pub fn read(bytes: &[u8]) -> Result<Body, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            max: MAX_FILE_BYTES,
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let needle: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Err(ImportError::Encrypted);
        }
        return Err(ImportError::Doc97);
    }
    if !bytes.starts_with(b"PK") {
        return Err(ImportError::NotDocx);
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::NotDocx)?;
    if zip.len() > MAX_ENTRIES {
        return Err(ImportError::Bomb);
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| ImportError::NotDocx)?;
        total = total.saturating_add(f.size());
        if f.size() > 1024 * 1024 && f.size() / f.compressed_size().max(1) > MAX_RATIO {
            return Err(ImportError::Bomb);
        }
    }
    if total > MAX_UNCOMPRESSED {
        return Err(ImportError::Bomb);
    }
    let document = part(&mut zip, "word/document.xml")?.ok_or(ImportError::NotDocx)?;
    let styles = part(&mut zip, "word/styles.xml")?;
    let numbering = part(&mut zip, "word/numbering.xml")?;
    let footnotes = part(&mut zip, "word/footnotes.xml")?;

    let styles_doc = styles.as_deref().map(parse).transpose()?;
    let styles = styles_doc.as_ref().map(Styles::read).unwrap_or_default();
    let numbering_doc = numbering.as_deref().map(parse).transpose()?;
    let numbering = numbering_doc
        .as_ref()
        .map(Numbering::read)
        .unwrap_or_default();
    let notes_doc = footnotes.as_deref().map(parse).transpose()?;
    let mut reader = Reader {
        styles,
        numbering,
        counters: HashMap::new(),
        footnotes: HashMap::new(),
        body: Body::default(),
        paras: 0,
        tables: 0,
    };
    if let Some(doc) = &notes_doc {
        reader.read_footnotes(doc);
    }
    let doc = parse(&document)?;
    let body = doc
        .root_element()
        .children()
        .find(|n| is_w(n, "body"))
        .ok_or(ImportError::NotDocx)?;
    let mut blocks = Vec::new();
    reader.blocks(body, &mut blocks, false);
    reader.body.blocks = blocks;
    Ok(reader.body)
}

/// Reads one part, capped at what is left of the total budget.
fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ImportError> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(m)) if m.contains("assword") => {
            return Err(ImportError::Encrypted)
        }
        Err(_) => return Err(ImportError::NotDocx),
    };
    let mut buf = Vec::new();
    // Never trust the declared size: read at most the cap, and refuse if there is more.
    f.take(MAX_UNCOMPRESSED + 1)
        .read_to_end(&mut buf)
        .map_err(|_| ImportError::NotDocx)?;
    if buf.len() as u64 > MAX_UNCOMPRESSED {
        return Err(ImportError::Bomb);
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ImportError::Xml(format!("{name}: không phải văn bản UTF-8")))
}

/// Whether elements nest deeper than `max`, by a scan of the tags (before the parser, which
/// recurses). It can only overcount (a `<` inside a comment or CDATA), never undercount.
fn nests_deeper(text: &str, max: usize) -> bool {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'?' | b'!') | None => {}
            Some(_) => {
                let end = b[i..].iter().position(|&c| c == b'>').map(|k| i + k);
                let self_closing = end.is_some_and(|e| e > 0 && b[e - 1] == b'/');
                if !self_closing {
                    depth += 1;
                    if depth > max {
                        return true;
                    }
                }
                if let Some(e) = end {
                    i = e;
                }
            }
        }
        i += 1;
    }
    false
}

fn parse(text: &str) -> Result<Document<'_>, ImportError> {
    if nests_deeper(text, MAX_DEPTH) {
        return Err(ImportError::TooDeep(MAX_DEPTH));
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 20_000_000,
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ImportError::Dtd,
        other => ImportError::Xml(other.to_string()),
    })?;
    // Depth first with an explicit stack: no recursion, whatever the input.
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(ImportError::TooDeep(MAX_DEPTH));
        }
        stack.extend(
            n.children()
                .filter(Node::is_element)
                .map(|c| (c, depth + 1)),
        );
    }
    Ok(doc)
}

fn is_w(n: &Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(W)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is_w(c, name))
}

fn attr<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute((W, name))
}

/// `w:b`, `w:i`: on unless `w:val` says off.
fn on(n: Option<Node>) -> Option<bool> {
    n.map(|n| !matches!(attr(n, "val"), Some("0" | "false" | "off" | "none")))
}

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, usize)>,
    font: Option<String>,
    bold: Option<bool>,
    italic: Option<bool>,
}

#[derive(Debug, Clone, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_font: Option<String>,
    default_para: Option<String>,
}

fn run_font(rpr: Node) -> Option<String> {
    let f = child(rpr, "rFonts")?;
    attr(f, "ascii")
        .or_else(|| attr(f, "hAnsi"))
        .map(str::to_string)
}

fn num_pr(ppr: Node) -> Option<(String, usize)> {
    let np = child(ppr, "numPr")?;
    let id = child(np, "numId").and_then(|n| attr(n, "val"))?.to_string();
    let lvl = child(np, "ilvl")
        .and_then(|n| attr(n, "val"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id, lvl))
}

impl Styles {
    fn read(doc: &Document) -> Styles {
        let mut s = Styles::default();
        let root = doc.root_element();
        if let Some(rpr) = child(root, "docDefaults")
            .and_then(|d| child(d, "rPrDefault"))
            .and_then(|d| child(d, "rPr"))
        {
            s.default_font = run_font(rpr);
        }
        for st in root.children().filter(|c| is_w(c, "style")) {
            let Some(id) = attr(st, "styleId") else {
                continue;
            };
            let ppr = child(st, "pPr");
            let rpr = child(st, "rPr");
            let name = child(st, "name")
                .and_then(|n| attr(n, "val"))
                .unwrap_or_default()
                .to_string();
            let lower = name.to_lowercase();
            let outline = ppr
                .and_then(|p| child(p, "outlineLvl"))
                .and_then(|n| attr(n, "val"))
                .and_then(|v| v.parse().ok())
                .or_else(|| {
                    lower
                        .strip_prefix("heading ")
                        .and_then(|n| n.trim().parse::<u8>().ok())
                        .map(|n| n.saturating_sub(1))
                });
            if attr(st, "type") == Some("paragraph") && attr(st, "default") == Some("1") {
                s.default_para = Some(id.to_string());
            }
            s.by_id.insert(
                id.to_string(),
                Style {
                    name,
                    based_on: child(st, "basedOn")
                        .and_then(|n| attr(n, "val"))
                        .map(str::to_string),
                    outline,
                    num: ppr.and_then(num_pr),
                    font: rpr.and_then(run_font),
                    bold: on(rpr.and_then(|r| child(r, "b"))),
                    italic: on(rpr.and_then(|r| child(r, "i"))),
                },
            );
        }
        s
    }

    /// The style chain from `id` up its `basedOn` links (at most 10).
    fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out = Vec::new();
        let mut cur = id.map(str::to_string).or_else(|| self.default_para.clone());
        while let Some(c) = cur {
            let Some(st) = self.by_id.get(&c) else { break };
            out.push(st);
            if out.len() >= 10 {
                break;
            }
            cur = st.based_on.clone();
        }
        out
    }
}

#[derive(Debug, Clone)]
struct Level {
    start: i64,
    format: String,
    text: String,
}

#[derive(Debug, Clone, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<usize, Level>>,
    /// numId -> (abstractNumId, start overrides by level)
    nums: HashMap<String, (String, HashMap<usize, i64>)>,
}

impl Numbering {
    fn read(doc: &Document) -> Numbering {
        let mut n = Numbering::default();
        let root = doc.root_element();
        for a in root.children().filter(|c| is_w(c, "abstractNum")) {
            let Some(id) = attr(a, "abstractNumId") else {
                continue;
            };
            let mut levels = HashMap::new();
            for l in a.children().filter(|c| is_w(c, "lvl")) {
                let Some(ilvl) = attr(l, "ilvl").and_then(|v| v.parse().ok()) else {
                    continue;
                };
                let val = |name: &str| child(l, name).and_then(|n| attr(n, "val"));
                levels.insert(
                    ilvl,
                    Level {
                        start: val("start").and_then(|v| v.parse().ok()).unwrap_or(1),
                        format: val("numFmt").unwrap_or("decimal").to_string(),
                        text: val("lvlText").unwrap_or("").to_string(),
                    },
                );
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.children().filter(|c| is_w(c, "num")) {
            let (Some(id), Some(abs)) = (
                attr(num, "numId"),
                child(num, "abstractNumId").and_then(|n| attr(n, "val")),
            ) else {
                continue;
            };
            let mut overrides = HashMap::new();
            for o in num.children().filter(|c| is_w(c, "lvlOverride")) {
                if let (Some(l), Some(s)) = (
                    attr(o, "ilvl").and_then(|v| v.parse().ok()),
                    child(o, "startOverride")
                        .and_then(|n| attr(n, "val"))
                        .and_then(|v| v.parse().ok()),
                ) {
                    overrides.insert(l, s);
                }
            }
            n.nums.insert(id.to_string(), (abs.to_string(), overrides));
        }
        n
    }
}

fn format_number(n: i64, format: &str) -> String {
    match format {
        "upperRoman" => roman(n).to_uppercase(),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperLetter" => letter(n).to_uppercase(),
        "lowerLetter" => letter(n),
        _ => n.to_string(),
    }
}

fn roman(n: i64) -> String {
    report::tree::roman(n.max(0) as usize)
}

fn letter(n: i64) -> String {
    let k = ((n.max(1) - 1) % 26) as u8;
    char::from(b'a' + k).to_string()
}

/// The text boxes anchored in a paragraph (not those inside another box, nor Word's fallback
/// copy of a box, nor deleted ones), and the number of pictures and objects without text.
fn anchored<'a, 'i>(p: Node<'a, 'i>) -> (Vec<Node<'a, 'i>>, usize) {
    let inside = |d: &Node, stop: &dyn Fn(&Node) -> bool| {
        d.ancestors()
            .skip(1)
            .take_while(|a| *a != p)
            .any(|a| stop(&a))
    };
    let hidden = |a: &Node| a.tag_name().name() == "Fallback" || is_w(a, "del");
    let boxes: Vec<Node> = p
        .descendants()
        .filter(|d| is_w(d, "txbxContent"))
        .filter(|d| !inside(d, &|a: &Node| hidden(a) || is_w(a, "txbxContent")))
        .collect();
    let objects = p
        .descendants()
        .filter(|d| is_w(d, "drawing") || is_w(d, "pict") || is_w(d, "object"))
        .filter(|d| {
            !inside(d, &|a: &Node| {
                hidden(a) || is_w(a, "drawing") || is_w(a, "pict")
            })
        })
        .filter(|d| !d.descendants().any(|x| is_w(&x, "txbxContent")))
        .count();
    (boxes, objects)
}

struct Reader {
    styles: Styles,
    numbering: Numbering,
    /// numId -> counters by level.
    counters: HashMap<String, Vec<Option<i64>>>,
    footnotes: HashMap<String, String>,
    body: Body,
    paras: usize,
    tables: usize,
}

/// Text gathered from runs, with formatting counts.
#[derive(Default)]
struct Runs {
    text: String,
    bold_chars: usize,
    italic_chars: usize,
    chars: usize,
    footnotes: Vec<String>,
    legacy: Option<Legacy>,
}

impl Reader {
    fn read_footnotes(&mut self, doc: &Document) {
        for f in doc
            .root_element()
            .children()
            .filter(|c| is_w(c, "footnote"))
        {
            if matches!(
                attr(f, "type"),
                Some("separator" | "continuationSeparator" | "continuationNotice")
            ) {
                continue;
            }
            let Some(id) = attr(f, "id") else { continue };
            let mut parts = Vec::new();
            for p in f.children().filter(|c| is_w(c, "p")) {
                let mut runs = Runs::default();
                self.inline(p, None, &mut runs);
                let t = runs.text.trim().to_string();
                if !t.is_empty() {
                    parts.push(t);
                }
            }
            self.footnotes.insert(id.to_string(), parts.join("\n"));
        }
    }

    fn blocks<'a>(&mut self, parent: Node<'a, '_>, out: &mut Vec<Block>, in_table: bool) {
        for n in parent.children().filter(Node::is_element) {
            if is_w(&n, "p") {
                let p = self.paragraph(n, in_table);
                out.push(Block::Para(p));
                // Text boxes anchored in the paragraph follow it; pictures are counted.
                let (boxes, objects) = anchored(n);
                self.body.objects += objects;
                for b in boxes {
                    self.blocks(b, out, in_table);
                }
            } else if is_w(&n, "tbl") {
                let t = self.table(n);
                out.push(Block::Table(t));
            } else if is_w(&n, "sdt") {
                if let Some(c) = child(n, "sdtContent") {
                    self.blocks(c, out, in_table);
                }
            } else if is_w(&n, "ins") || is_w(&n, "customXml") {
                self.blocks(n, out, in_table);
            }
        }
    }

    fn table(&mut self, tbl: Node) -> Table {
        self.tables += 1;
        let mut t = Table {
            number: self.tables,
            ..Table::default()
        };
        for tr in tbl.children().filter(|c| is_w(c, "tr")) {
            let mut row = Vec::new();
            for tc in tr.children().filter(|c| is_w(c, "tc")) {
                let tcpr = child(tc, "tcPr");
                let span = tcpr
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(|n| attr(n, "val"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                let merged_up = tcpr
                    .and_then(|p| child(p, "vMerge"))
                    .is_some_and(|m| attr(m, "val") != Some("restart"));
                let mut blocks = Vec::new();
                self.blocks(tc, &mut blocks, true);
                let mut lines = Vec::new();
                let mut bold = true;
                let mut any = false;
                for b in blocks {
                    match b {
                        Block::Para(p) => {
                            if !p.text.trim().is_empty() {
                                lines.push(p.text.trim().to_string());
                                bold &= p.bold;
                                any = true;
                            }
                            t.paras.push(p);
                        }
                        Block::Table(inner) => {
                            for r in inner.grid() {
                                lines.push(r.join(" | "));
                            }
                            t.paras.extend(inner.paras);
                        }
                    }
                }
                row.push(Cell {
                    text: lines.join("\n"),
                    span,
                    merged_up,
                    bold: bold && any,
                });
            }
            t.rows.push(row);
        }
        t
    }

    fn paragraph(&mut self, p: Node, in_table: bool) -> Para {
        let ppr = child(p, "pPr");
        let style_id = ppr
            .and_then(|x| child(x, "pStyle"))
            .and_then(|n| attr(n, "val"))
            .map(str::to_string);
        let chain: Vec<Style> = self
            .styles
            .chain(style_id.as_deref())
            .into_iter()
            .cloned()
            .collect();
        let outline_level = ppr
            .and_then(|x| child(x, "outlineLvl"))
            .and_then(|n| attr(n, "val"))
            .and_then(|v| v.parse().ok())
            .or_else(|| chain.iter().find_map(|s| s.outline))
            .filter(|l| *l < 9);
        let num = ppr
            .and_then(num_pr)
            .or_else(|| chain.iter().find_map(|s| s.num.clone()));
        let style_font = chain
            .iter()
            .find_map(|s| s.font.clone())
            .or_else(|| self.styles.default_font.clone());
        let style_bold = chain.iter().find_map(|s| s.bold).unwrap_or(false);
        let style_italic = chain.iter().find_map(|s| s.italic).unwrap_or(false);
        let _ = chain.first().map(|s| s.name.as_str());

        let mut runs = Runs::default();
        let ctx = RunCtx {
            font: style_font,
            bold: style_bold,
            italic: style_italic,
        };
        self.inline(p, Some(&ctx), &mut runs);
        let auto_label = num.and_then(|(id, lvl)| self.auto_number(&id, lvl));
        let mut text = runs.text;
        let mut legacy = runs.legacy.map(|l| (l, false));
        if legacy.is_none() {
            if let Some(d) = vi::detect_legacy(&text).filter(|d| d.confidence >= 0.5) {
                text = d.text;
                legacy = Some((d.encoding, true));
            }
        }
        let mut footnote_at = Vec::new();
        let mut chars = 0;
        let text: String = vi::nfc(&text)
            .chars()
            .filter(|&c| {
                if c == NOTE_MARK {
                    footnote_at.push(chars);
                    return false;
                }
                chars += 1;
                true
            })
            .collect();
        let number = if in_table {
            0
        } else {
            self.paras += 1;
            self.paras
        };
        Para {
            number,
            text,
            auto_label,
            outline_level,
            bold: runs.chars > 0 && runs.bold_chars == runs.chars,
            italic: runs.chars > 0 && runs.italic_chars == runs.chars,
            footnotes: runs.footnotes,
            footnote_at,
            legacy,
        }
    }

    fn auto_number(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        if num_id == "0" {
            return None;
        }
        let (abs, overrides) = self.numbering.nums.get(num_id)?.clone();
        let levels = self.numbering.abstracts.get(&abs)?.clone();
        let level = levels.get(&ilvl)?;
        if level.format == "bullet" {
            let t = level.text.trim();
            return Some(if t == "+" { "+".into() } else { "-".into() });
        }
        if level.format == "none" {
            return None;
        }
        let counters = self
            .counters
            .entry(abs.clone())
            .or_insert_with(|| vec![None; 9]);
        if counters.len() <= ilvl {
            counters.resize(ilvl + 1, None);
        }
        let start = |l: usize| {
            overrides
                .get(&l)
                .copied()
                .or_else(|| levels.get(&l).map(|x| x.start))
                .unwrap_or(1)
        };
        let next = match counters.get(ilvl).copied().flatten() {
            Some(v) => v + 1,
            None => start(ilvl),
        };
        if let Some(c) = counters.get_mut(ilvl) {
            *c = Some(next);
        }
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = None;
        }
        let mut label = level.text.clone();
        for l in 0..=ilvl {
            let v = match counters.get(l).copied().flatten() {
                Some(v) => v,
                None => start(l),
            };
            let fmt = levels
                .get(&l)
                .map(|x| x.format.as_str())
                .unwrap_or("decimal");
            label = label.replace(&format!("%{}", l + 1), &format_number(v, fmt));
        }
        Some(label)
    }

    /// Gathers the runs of a paragraph (or footnote paragraph), tracked changes accepted.
    fn inline(&mut self, n: Node, ctx: Option<&RunCtx>, out: &mut Runs) {
        let default = RunCtx::default();
        let ctx = ctx.unwrap_or(&default);
        for c in n.children().filter(Node::is_element) {
            if is_w(&c, "r") {
                self.run(c, ctx, out);
            } else if is_w(&c, "del") || is_w(&c, "moveFrom") {
                self.body.deletions += 1;
            } else if is_w(&c, "ins") || is_w(&c, "moveTo") {
                self.body.insertions += 1;
                self.inline(c, Some(ctx), out);
            } else if is_w(&c, "commentRangeStart") {
                self.body.comments += 1;
            } else if is_w(&c, "hyperlink")
                || is_w(&c, "smartTag")
                || is_w(&c, "fldSimple")
                || is_w(&c, "customXml")
                || is_w(&c, "bdo")
                || is_w(&c, "dir")
            {
                self.inline(c, Some(ctx), out);
            } else if is_w(&c, "sdt") {
                if let Some(sc) = child(c, "sdtContent") {
                    self.inline(sc, Some(ctx), out);
                }
            }
        }
    }

    fn run(&mut self, r: Node, ctx: &RunCtx, out: &mut Runs) {
        let rpr = child(r, "rPr");
        let rstyle_font = rpr
            .and_then(|x| child(x, "rStyle"))
            .and_then(|n| attr(n, "val"))
            .and_then(|id| self.styles.by_id.get(id))
            .and_then(|s| s.font.clone());
        let font = rpr
            .and_then(run_font)
            .or(rstyle_font)
            .or_else(|| ctx.font.clone());
        let bold = on(rpr.and_then(|x| child(x, "b"))).unwrap_or(ctx.bold);
        let italic = on(rpr.and_then(|x| child(x, "i"))).unwrap_or(ctx.italic);
        let legacy = font.as_deref().and_then(vi::legacy_font);
        let mut text = String::new();
        for c in r.children().filter(Node::is_element) {
            if is_w(&c, "t") {
                text.push_str(c.text().unwrap_or_default());
            } else if is_w(&c, "tab") {
                text.push('\t');
            } else if is_w(&c, "br") || is_w(&c, "cr") {
                text.push('\n');
            } else if is_w(&c, "noBreakHyphen") {
                text.push('-');
            } else if is_w(&c, "softHyphen") {
                if legacy.is_some() {
                    text.push('\u{AD}');
                }
            } else if is_w(&c, "footnoteReference") {
                if let Some(t) = attr(c, "id").and_then(|id| self.footnotes.get(id)) {
                    out.footnotes.push(t.clone());
                    text.push(NOTE_MARK);
                }
            } else if is_w(&c, "commentReference") {
                // Comments are ignored (counted at their range start).
            }
        }
        if let Some(enc) = legacy {
            text = vi::decode_legacy(&text, enc);
            if out.legacy.is_none() && !text.is_ascii() {
                out.legacy = Some(enc);
            }
        }
        let visible = text.chars().filter(|c| !c.is_whitespace()).count();
        out.chars += visible;
        if bold {
            out.bold_chars += visible;
        }
        if italic {
            out.italic_chars += visible;
        }
        out.text.push_str(&text);
    }
}

#[derive(Default)]
struct RunCtx {
    font: Option<String>,
    bold: bool,
    italic: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_xml_is_refused_by_parse() {
        let depth = 5000;
        let xml = format!(
            r#"<w:document xmlns:w="{W}"><w:body>{}{}</w:body></w:document>"#,
            "<w:sdt><w:sdtContent>".repeat(depth),
            "</w:sdtContent></w:sdt>".repeat(depth)
        );
        assert!(matches!(parse(&xml), Err(ImportError::TooDeep(_))));
    }
}
