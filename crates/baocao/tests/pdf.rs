//! `baocao render … -o x.pdf` as a user runs it, read back by independent tools: poppler
//! (pdftotext, pdfinfo, pdffonts, pdftoppm), fontconfig (fc-list) and pikepdf (PyPI, on qpdf).
//! scripts/test.sh installs them. Writes PNG renders of pages 1 and 2 of the typical sample to
//! target/artifacts/ for a person to look at.

#![cfg(feature = "pdf")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use document::{Block, Document, Inline};
use outline::Profile;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// The page, in points, from FORMAT.md: A4, margins top 20, bottom 20, left 30, right 15 mm.
const MM: f64 = 72.0 / 25.4;
const PAGE_W: f64 = 210.0 * MM;
const LEFT: f64 = 30.0 * MM;
const RIGHT: f64 = (210.0 - 15.0) * MM;
const TOP: f64 = 20.0 * MM;
const BOTTOM: f64 = (297.0 - 20.0) * MM;

fn baocao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tool(program: &str, args: &[&str]) -> String {
    let o = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed by this test ({e}); scripts/test.sh installs it")
        });
    assert!(
        o.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A sample report and its PDF, rendered by the command; the command warns of nothing.
fn sample_pdf(dir: &Path, province: &str, full: bool, pdfa: bool) -> (PathBuf, PathBuf) {
    let json = dir.join(format!("r-{province}.json"));
    let mut args = vec![
        "sample",
        "--province",
        province,
        "--seed",
        "7",
        "-o",
        s(&json),
    ];
    if full {
        args.push("--full");
    }
    let o = baocao(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.join(format!("r-{province}{}.pdf", if pdfa { "-a" } else { "" }));
    let mut args = vec!["render", s(&json), "-o", s(&pdf)];
    if pdfa {
        args.push("--pdfa");
    }
    let o = baocao(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("Cảnh báo"), "{}", stderr(&o));
    (json, pdf)
}

/// The neutral document of a report, as the command builds it.
fn document_of(json: &Path) -> (Document, Profile) {
    let r = report::Report::from_json(&std::fs::read_to_string(json).unwrap()).unwrap();
    let t = outline::builtin(&r.template.id).unwrap();
    let p = Profile::builtin(&t.template.profile).unwrap();
    let d = document::build(&t, &r, &p, units::Units::embedded().unwrap()).unwrap();
    (d, p)
}

/// Text in NFC, whitespace runs as one space, padded with spaces (for whole-word matches).
fn squash(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    format!(" {} ", nfc.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Text in NFC without any whitespace.
fn strip(s: &str) -> String {
    s.nfc().filter(|c| !c.is_whitespace()).collect()
}

fn pages(pdf: &Path) -> usize {
    tool("pdfinfo", &[s(pdf)])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Words of pdftotext -bbox: (page, text, xMin, yMin, xMax, yMax).
fn words(pdf: &Path) -> Vec<(usize, String, f64, f64, f64, f64)> {
    words_in(pdf, false)
}

/// Words of pdftotext -bbox, in the content streams' order if `raw`.
fn words_in(pdf: &Path, raw: bool) -> Vec<(usize, String, f64, f64, f64, f64)> {
    let mut args = vec!["-bbox", s(pdf), "-"];
    if raw {
        args.insert(0, "-raw");
    }
    let html = tool("pdftotext", &args);
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines() {
        if line.contains("<page ") {
            page += 1;
        }
        if !line.contains("<word ") {
            continue;
        }
        let attr = |name: &str| -> f64 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + line[start..].find('"').unwrap();
            line[start..end].parse().unwrap()
        };
        let text = line.split('>').nth(1).unwrap().split('<').next().unwrap();
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        out.push((
            page,
            text,
            attr("xMin"),
            attr("yMin"),
            attr("xMax"),
            attr("yMax"),
        ));
    }
    out
}

/// The heading's printed text in pieces between footnote marks, in the profile's case.
fn heading_pieces(p: &Profile, scheme: &str, label: &str, inlines: &[Inline]) -> Vec<String> {
    let upper = p.heading(scheme).upper;
    let mut pieces = vec![label.to_string()];
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Bold(t) | Inline::Italic(t) | Inline::Gap(t) => {
                if let Some(last) = pieces.last_mut() {
                    last.push(' ');
                    last.push_str(t);
                }
            }
            Inline::Footnote(_) => pieces.push(String::new()),
        }
    }
    pieces
        .into_iter()
        .map(|s| if upper { s.to_uppercase() } else { s })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// Every string and number of a JSON value.
fn leaves(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => m.values().for_each(|x| leaves(x, out)),
        Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
        other => out.push(other.clone()),
    }
}

#[test]
fn full_sample_every_heading_and_figure_with_diacritics_fonts_embedded_a4_and_margins() {
    let dir = tempfile::tempdir().unwrap();
    let (json, pdf) = sample_pdf(dir.path(), "01", true, false);
    let (doc, profile) = document_of(&json);
    // Raw: the order of the content streams, which is the layout order. Lines may break after
    // "/" as well as at spaces, so texts are compared without their whitespace; figures as
    // whole words.
    let raw = tool("pdftotext", &["-raw", "-enc", "UTF-8", s(&pdf), "-"]);
    let text = squash(&raw);
    let bare = strip(&raw);
    // The same without the page numbers and the footnotes (12 pt): what a paragraph that runs
    // over a page break reads as.
    let body: String = words_in(&pdf, true)
        .into_iter()
        .filter(|w| w.3 >= TOP && w.5 - w.3 > 11.3)
        .map(|w| strip(&w.1))
        .collect();

    // Every heading of the neutral document, in order.
    let mut at = 0;
    let mut headings = 0;
    for b in doc.body.iter().chain(doc.annexes.iter().flatten()) {
        if let Block::Heading {
            scheme,
            label,
            inlines,
        } = b
        {
            headings += 1;
            for piece in heading_pieces(&profile, scheme, label, inlines) {
                let piece = strip(&piece);
                let found = bare[at..]
                    .find(&piece)
                    .unwrap_or_else(|| panic!("heading {piece:?} missing (or out of order)"));
                at += found + piece.len();
            }
        }
    }
    assert!(headings > 100, "{headings} headings");

    // Every cell of every table, in order.
    let mut at = 0;
    let mut cells = 0;
    for b in doc.body.iter().chain(doc.annexes.iter().flatten()) {
        if let Block::Table(t) = b {
            for cell in t.rows.iter().flatten() {
                let c = strip(&cell.text);
                if c.is_empty() {
                    continue;
                }
                cells += 1;
                let found = bare[at..]
                    .find(&c)
                    .unwrap_or_else(|| panic!("cell {c:?} missing (or out of order)"));
                at += found + c.len();
            }
        }
    }
    assert!(cells > 1000, "{cells} cells");

    // Every text of the report JSON that has a diacritic; every figure, as a whole word.
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mut all = Vec::new();
    leaves(&report, &mut all);
    let mut texts = 0;
    let mut figures = BTreeSet::new();
    for v in &all {
        match v {
            Value::String(x) if !x.is_ascii() => {
                texts += 1;
                for line in x.lines().filter(|l| !l.trim().is_empty()) {
                    assert!(body.contains(&strip(line)), "{line:?} missing");
                }
            }
            Value::Number(n) => {
                let n = n.as_i64().unwrap();
                let shown = vi::format_int(n);
                assert!(
                    text.contains(&format!(" {shown} ")),
                    "figure {shown} missing"
                );
                figures.insert(n);
            }
            _ => {}
        }
    }
    assert!(
        texts > 100 && figures.len() > 20,
        "{texts} texts, {figures:?}"
    );

    // pdffonts: every font embedded, one family, each face with every Vietnamese letter.
    let fonts: Vec<(String, bool)> = tool("pdffonts", &[s(&pdf)])
        .lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let name = cols[0].split('+').next_back().unwrap().to_string();
            (name, cols[cols.len() - 5] == "yes")
        })
        .collect();
    assert!(!fonts.is_empty());
    assert!(fonts.iter().all(|(_, emb)| *emb), "{fonts:?}");
    let families: BTreeSet<&str> = fonts
        .iter()
        .map(|(n, _)| n.split('-').next().unwrap())
        .collect();
    assert_eq!(families.len(), 1, "{fonts:?}");
    let family = families.iter().next().unwrap();
    assert!(
        [
            "TimesNewRomanPSMT",
            "TimesNewRoman",
            "LiberationSerif",
            "Tinos"
        ]
        .contains(family),
        "{fonts:?}"
    );
    let charset: Vec<String> = pdf::VIETNAMESE_LETTERS
        .chars()
        .map(|c| format!("{:x}", c as u32))
        .collect();
    for (name, _) in &fonts {
        let pattern = format!(":postscriptname={name}:charset={}", charset.join(" "));
        assert!(
            !tool("fc-list", &[&pattern, "file"]).trim().is_empty(),
            "{name} lacks Vietnamese letters"
        );
    }

    // Every page A4 portrait.
    let n = pages(&pdf);
    assert!(n > 60, "{n} pages");
    let info = tool("pdfinfo", &["-f", "1", "-l", &n.to_string(), s(&pdf)]);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    assert_eq!(sizes.len(), n);
    assert!(sizes
        .iter()
        .all(|l| l.ends_with("595.276 x 841.89 pts (A4)")));

    // Margins: text starts at 30 mm, ends by 195 mm, stays between 20 mm and 277 mm but for
    // the page number in the top margin.
    let words = words(&pdf);
    let min_x = words.iter().map(|w| w.2).fold(f64::MAX, f64::min);
    let max_x = words.iter().map(|w| w.4).fold(f64::MIN, f64::max);
    assert!(
        (min_x - LEFT).abs() < 0.5,
        "left edge {min_x} pt, want {LEFT}"
    );
    assert!(
        max_x <= RIGHT + 0.5,
        "right edge {max_x} pt, want <= {RIGHT}"
    );
    assert!(
        max_x > RIGHT - 1.0,
        "justified lines reach {RIGHT}: {max_x}"
    );
    for (page, word, _, y0, _, y1) in &words {
        assert!(
            *y1 <= BOTTOM + 0.5,
            "page {page}: {word} below 277 mm ({y1})"
        );
        if *y0 < TOP - 0.5 {
            assert_eq!(
                word,
                &page.to_string(),
                "page {page}: {word} in the top margin"
            );
        }
    }
}

#[test]
fn typical_sample_page_numbers_pdfa_determinism_and_page_images() {
    let dir = tempfile::tempdir().unwrap();
    let (json, pdf) = sample_pdf(dir.path(), "02", false, false);
    let (doc, _) = document_of(&json);

    // Page 1 has no number; page 2 and the others have theirs, centred in the top margin.
    let words = words(&pdf);
    assert!(
        !words.iter().any(|w| w.0 == 1 && w.3 < TOP),
        "page 1 has a page number"
    );
    for page in [2, 3, pages(&pdf)] {
        let num: Vec<_> = words.iter().filter(|w| w.0 == page && w.5 < TOP).collect();
        assert_eq!(num.len(), 1, "page {page}: {num:?}");
        let (_, text, x0, y0, x1, _) = num[0];
        assert_eq!(text, &page.to_string());
        let centre = (x0 + x1) / 2.0;
        let want = (LEFT + RIGHT) / 2.0;
        assert!(
            (centre - want).abs() < 1.0,
            "page {page}: number at {centre}, want {want}"
        );
        // About 10 mm from the top edge.
        assert!(
            *y0 > 7.0 * MM && *y0 < 14.0 * MM,
            "page {page}: number at y {y0}"
        );
    }
    assert!(words.iter().all(|w| w.4 <= PAGE_W));

    // Same input, same bytes; with --pdfa too.
    let again = dir.path().join("again.pdf");
    let o = baocao(&["render", s(&json), "-o", s(&again)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&pdf).unwrap() == std::fs::read(&again).unwrap());
    let (_, pdfa) = sample_pdf(dir.path(), "02", false, true);
    let again_a = dir.path().join("again-a.pdf");
    let o = baocao(&["render", s(&json), "-o", s(&again_a), "--pdfa"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&pdfa).unwrap() == std::fs::read(&again_a).unwrap());

    // PDF/A-2b, read by pikepdf (qpdf): XMP identification and properties from the report,
    // an output intent, every font embedded, no syntax problem.
    let script = r#"
import json, sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
m = pdf.open_metadata()
fonts, unembedded = set(), []
def visit(font):
    for f in [font] + list(font.get("/DescendantFonts", [])):
        d = f.get("/FontDescriptor")
        if d is not None:
            fonts.add(str(d.get("/FontName")))
            if not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                unembedded.append(str(d.get("/FontName")))
for page in pdf.pages:
    for name, font in page.resources.get("/Font", {}).items():
        visit(font)
print(json.dumps({
    "part": m.get("pdfaid:part"), "conformance": m.get("pdfaid:conformance"),
    "title": m.get("dc:title"), "creator": list(m.get("dc:creator") or []),
    "description": m.get("dc:description"), "created": m.get("xmp:CreateDate"),
    "info_title": str(pdf.docinfo.get("/Title")), "info_author": str(pdf.docinfo.get("/Author")),
    "info_subject": str(pdf.docinfo.get("/Subject")),
    "intents": len(pdf.Root.get("/OutputIntents", [])),
    "fonts": sorted(fonts), "unembedded": unembedded,
    "problems": [str(p) for p in pdf.check_pdf_syntax()] if hasattr(pdf, "check_pdf_syntax") else [str(p) for p in pdf.check()],
}))
"#;
    let out: Value = serde_json::from_str(&tool("python3", &["-c", script, s(&pdfa)])).unwrap();
    assert_eq!(out["part"], "2", "{out}");
    assert_eq!(out["conformance"], "B", "{out}");
    assert_eq!(out["title"], doc.meta.title.as_str(), "{out}");
    assert_eq!(out["info_title"], doc.meta.title.as_str(), "{out}");
    assert_eq!(out["creator"][0], doc.meta.author.as_str(), "{out}");
    assert_eq!(out["info_author"], doc.meta.author.as_str(), "{out}");
    assert_eq!(out["description"], doc.meta.subject.as_str(), "{out}");
    assert_eq!(out["info_subject"], doc.meta.subject.as_str(), "{out}");
    assert!(
        out["created"].as_str().unwrap().starts_with(&doc.meta.date),
        "{out}"
    );
    assert!(out["intents"].as_u64().unwrap() >= 1, "{out}");
    assert!(out["fonts"].as_array().unwrap().len() >= 3, "{out}");
    assert_eq!(out["unembedded"].as_array().unwrap().len(), 0, "{out}");
    assert_eq!(out["problems"].as_array().unwrap().len(), 0, "{out}");

    // Pages 1 and 2 as pictures, for a person to compare with the DOCX in Word or LibreOffice.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for page in ["1", "2"] {
        let prefix = artifacts.join(format!("pdf-trang-{page}"));
        tool(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "100",
                "-f",
                page,
                "-l",
                page,
                "-singlefile",
                s(&pdf),
                s(&prefix),
            ],
        );
        let png = prefix.with_extension("png");
        assert!(std::fs::metadata(&png).unwrap().len() > 10_000, "{png:?}");
    }
}

#[test]
fn pdfa_is_for_pdf_only_and_the_help_says_so_in_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let o = baocao(&["sample", "--province", "02", "-o", s(&json)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = baocao(&[
        "render",
        s(&json),
        "-o",
        s(&dir.path().join("r.docx")),
        "--pdfa",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--pdfa chỉ dùng khi xuất tệp .pdf"),
        "{}",
        stderr(&o)
    );
    let o = baocao(&["render", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("--pdfa") && help.contains("PDF/A-2b"),
        "{help}"
    );
    assert!(help.contains(".pdf"), "{help}");
}

/// Column boundaries of every bordered table row of a PDF, read from its content streams with
/// pikepdf: the x of the vertical rules drawn at one height, per row, in drawing order.
fn pdf_table_rows(pdf: &Path) -> Vec<Vec<f64>> {
    let script = r#"
import json, sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
out = []
for page in pdf.pages:
    rows, order, cur = {}, [], None
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "m":
            cur = [float(v) for v in operands]
        elif op == "l" and cur is not None:
            (x1, y1), (x2, y2) = cur, [float(v) for v in operands]
            if abs(x1 - x2) < 0.01 and abs(y1 - y2) > 0.1:
                key = (round(min(y1, y2), 2), round(max(y1, y2), 2))
                if key not in rows:
                    rows[key] = []
                    order.append(key)
                rows[key].append(x1)
    for k in order:
        xs = sorted(set(round(x, 3) for x in rows[k]))
        if len(xs) >= 3:
            out.append(xs)
print(json.dumps(out))
"#;
    serde_json::from_str(&tool("python3", &["-c", script, s(pdf)])).unwrap()
}

/// Widths as shares of their sum.
fn shares(widths: &[f64]) -> Vec<f64> {
    let total: f64 = widths.iter().sum();
    widths.iter().map(|w| w / total).collect()
}

/// A date written d/m/yyyy.
fn is_date(w: &str) -> bool {
    let parts: Vec<&str> = w.split('/').collect();
    parts.len() == 3
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && parts[2].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn valid_reports_print_no_gap_keep_stt_and_dates_whole_and_size_columns_alike_in_docx_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dated_tables = 0;
    for (province, full) in [("01", false), ("02", true), ("79", false), ("26", false)] {
        let (json, pdf) = sample_pdf(dir.path(), province, full, false);
        let o = baocao(&["validate", s(&json)]);
        assert!(
            o.status.success(),
            "{province}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        let docx = dir.path().join(format!("r-{province}.docx"));
        let o = baocao(&["render", s(&json), "-o", s(&docx)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let dump: Value = serde_json::from_str(&tool(
            "python3",
            &[s(&root.join("scripts/docx_dump.py")), s(&docx)],
        ))
        .unwrap();

        // No gap marker anywhere: paragraphs and tables of the DOCX, text of the PDF.
        let mut docx_text = Vec::new();
        leaves(&dump["paragraphs"], &mut docx_text);
        leaves(&dump["tables"], &mut docx_text);
        for v in &docx_text {
            let t = v.as_str().unwrap_or_default();
            assert!(!t.contains("[chưa nhập]"), "{province} DOCX: {t}");
        }
        let text = squash(&tool("pdftotext", &["-enc", "UTF-8", s(&pdf), "-"]));
        assert!(!text.contains("chưa nhập"), "{province} PDF: {text}");
        let (doc, _) = document_of(&json);

        dated_tables += check_tables(province, &doc.body, &pdf, &dump);
    }
    assert!(dated_tables > 0, "no sample had a table with dates");
}

/// The tables of `blocks` (body or annexes) as printed in `pdf` and in the DOCX read back as
/// `dump`: "STT" heads every data table and is one word on one line in the PDF; every date of a
/// table cell is one word too (never "4/1/202" and "0"); each bordered DOCX table's w:gridCol
/// (and every row's w:tcW) has the shares of the PDF's rules of that table's rows. Returns how
/// many tables hold dates.
fn check_tables(label: &str, blocks: &[Block], pdf: &Path, dump: &Value) -> usize {
    let ws = words(pdf);
    let word_set: BTreeSet<String> = ws
        .iter()
        .map(|w| {
            w.1.nfc()
                .collect::<String>()
                .trim_end_matches([',', '.', ';'])
                .to_string()
        })
        .collect();
    let tables: Vec<&document::Table> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    let stt_tables = tables.iter().filter(|t| t.rows[0][0].text == "STT").count();
    assert!(stt_tables > 0, "{label}");
    let stt_words = ws.iter().filter(|w| w.1 == "STT").count();
    assert!(
        stt_words >= stt_tables,
        "{label}: {stt_words} < {stt_tables}"
    );
    for piece in ["S", "ST", "TT"] {
        assert!(!word_set.contains(piece), "{label}: STT broken ({piece})");
    }
    let mut dated = 0;
    for t in &tables {
        let dates: Vec<&str> = t
            .rows
            .iter()
            .flatten()
            .flat_map(|c| c.text.split_whitespace())
            .map(|w| w.trim_end_matches([',', '.', ';']))
            .filter(|w| is_date(w))
            .collect();
        if !dates.is_empty() {
            dated += 1;
        }
        for d in dates {
            assert!(word_set.contains(d), "{label}: date {d} broken in the PDF");
        }
    }
    let docx_tables: Vec<Vec<f64>> = dump["table_widths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["bordered"].as_bool().unwrap())
        .map(|t| {
            let grid: Vec<f64> = t["grid"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_f64().unwrap())
                .collect();
            for row in t["rows"].as_array().unwrap() {
                let tcw: Vec<f64> = row
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w.as_f64().unwrap())
                    .collect();
                assert_eq!(tcw, grid, "{label}: w:tcW differs from w:gridCol");
            }
            shares(&grid)
        })
        .collect();
    assert_eq!(docx_tables.len(), tables.len(), "{label}");
    let pdf_rows: Vec<Vec<f64>> = pdf_table_rows(pdf)
        .iter()
        .map(|xs| shares(&xs.windows(2).map(|p| p[1] - p[0]).collect::<Vec<_>>()))
        .collect();
    let same = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.003)
    };
    // Rows in order: each table's rows carry its widths, table after table.
    let mut next = 0;
    for (i, d) in docx_tables.iter().enumerate() {
        let at = pdf_rows[next..]
            .iter()
            .position(|p| same(p, d))
            .unwrap_or_else(|| {
                panic!(
                    "{label}: table {i} {d:?} not in the PDF from row {next}: {:?}",
                    pdf_rows.get(next)
                )
            });
        next += at + 1;
    }
    for p in &pdf_rows {
        assert!(
            docx_tables.iter().any(|d| same(p, d)),
            "{label}: PDF row widths {p:?} in no DOCX table"
        );
    }
    dated
}

/// The consolidated report's many-column tables (national tables by model type, the landscape
/// per-province annex, the ended pilots with their dates) come out alike in DOCX and PDF, with
/// "STT" and dates whole.
#[test]
fn the_consolidated_report_sizes_its_tables_alike_in_docx_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for (province, seed) in [("01", "3"), ("26", "7"), ("79", "4"), ("02", "2")] {
        let json = dir.path().join(format!("r-{province}.json"));
        let o = baocao(&[
            "sample",
            "--province",
            province,
            "--seed",
            seed,
            "-o",
            s(&json),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        files.push(json);
    }
    let (pdf, docx, js) = (
        dir.path().join("c.pdf"),
        dir.path().join("c.docx"),
        dir.path().join("c.json"),
    );
    let mut args = vec!["consolidate"];
    args.extend(files.iter().map(|f| s(f)));
    args.extend(["-o", s(&pdf), "-o", s(&docx), "-o", s(&js)]);
    let o = baocao(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let dump: Value = serde_json::from_str(&tool(
        "python3",
        &[s(&root.join("scripts/docx_dump.py")), s(&docx)],
    ))
    .unwrap();
    // The same document the command printed, rebuilt from the same reports (its tables do not
    // depend on the versions' names).
    let t = outline::builtin("kl74-2021").unwrap();
    let p = Profile::builtin(&t.template.profile).unwrap();
    let u = units::Units::embedded().unwrap();
    let sources: Vec<consolidate::Source> = files
        .iter()
        .map(|f| consolidate::Source {
            report: report::Report::from_json(&std::fs::read_to_string(f).unwrap()).unwrap(),
            version: s(f).to_string(),
            at: None,
            invalid: false,
        })
        .collect();
    let c = consolidate::consolidate(&t, u, &sources).unwrap();
    let doc = consolidate::document::document(&c, &t, &p, &Default::default());
    let blocks: Vec<Block> = doc
        .body
        .iter()
        .chain(doc.annexes.iter().flatten())
        .cloned()
        .collect();
    // Charts are drawn in both, not tables: only the tables are compared.
    let dated = check_tables("tổng hợp", &blocks, &pdf, &dump);
    assert!(dated > 0, "no ended pilot with its date");
}
