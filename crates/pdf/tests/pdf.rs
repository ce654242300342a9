//! The PDF exporter on hand-made documents, read back by independent tools (poppler's
//! pdftotext, pdffonts, pdfinfo, pdftoppm; fontconfig's fc-list). scripts/test.sh installs them.
//!
//! Every test also asserts that font selection said nothing (a substitute font, characters
//! borrowed from another font): on a machine with Liberation Serif or Times New Roman a warning
//! here is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use document::{
    Block, Cell, CellAlign, Closing, Column, Document, Header, Inline, Meta, ParaStyle, Table,
    Title,
};
use outline::Profile;
use pdf::{FontSource, PdfOptions, VIETNAMESE_LETTERS};
use unicode_normalization::UnicodeNormalization;

fn profile() -> Profile {
    Profile::builtin("hd36-2018").unwrap()
}

fn doc(body: Vec<Block>) -> Document {
    Document {
        meta: Meta {
            title: "Báo cáo thử".into(),
            author: "Ban Thường vụ Tỉnh ủy Hà Giang".into(),
            subject: "Thử xuất PDF".into(),
            date: "2021-09-05".into(),
            draft: false,
        },
        header: Header {
            superior: None,
            issuer: "Tỉnh ủy Hà Giang".into(),
            star: "*".into(),
            number: "Số 05-BC/TU".into(),
            party_line: "Đảng Cộng sản Việt Nam".into(),
            place_date: "Hà Giang, ngày 05 tháng 9 năm 2021".into(),
        },
        title: Title {
            kind: "Báo cáo".into(),
            subject: "Thử xuất PDF".into(),
            rule: "-----".into(),
        },
        body,
        closing: Closing {
            on_behalf: "T/M Ban Thường vụ".into(),
            signer_title: "Bí thư".into(),
            signer_name: "Nguyễn Văn A".into(),
            recipients_label: "Nơi nhận:".into(),
            recipients: vec![
                "- Ban Tổ chức Trung ương,".into(),
                "- Lưu Văn phòng Tỉnh ủy.".into(),
            ],
        },
        annexes: Vec::new(),
    }
}

fn para(s: &str) -> Block {
    Block::Paragraph {
        style: ParaStyle::Body,
        inlines: vec![Inline::Text(s.into())],
    }
}

/// Renders and asserts that font selection had nothing to say.
fn render_clean(d: &Document, opts: &PdfOptions) -> Vec<u8> {
    let out = pdf::render(d, &profile(), opts).unwrap();
    assert!(out.warnings.is_empty(), "{:#?}", out.warnings);
    out.bytes
}

fn write_tmp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn tool(program: &str, args: &[&str]) -> String {
    let o = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed ({e}); scripts/test.sh installs it"));
    assert!(
        o.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
        .nfc()
        .collect()
}

/// One letter a word.
fn spaced(s: &str) -> String {
    s.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

/// Whitespace runs to one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Font names of `pdffonts` with their "emb" column.
fn fonts_of(pdf: &Path) -> Vec<(String, bool)> {
    tool("pdffonts", &[pdf.to_str().unwrap()])
        .lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let name = cols[0].split('+').next_back().unwrap().to_string();
            // name, type (2 words: "CID TrueType"), encoding, emb, sub, uni, id, gen
            let emb = cols[cols.len() - 5] == "yes";
            (name, emb)
        })
        .collect()
}

#[test]
fn the_alphabet_constant_holds_every_vietnamese_letter() {
    // 12 vowels x (no tone + 5 tones) + đ, in both cases, composed independently with NFC.
    let vowels = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"];
    let tones = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
    let mut letters = Vec::new();
    for v in vowels {
        for t in tones {
            let lower: String = format!("{v}{t}").nfc().collect();
            letters.push(lower.clone());
            letters.push(lower.to_uppercase());
        }
    }
    letters.push("đ".into());
    letters.push("Đ".into());
    assert_eq!(letters.len(), 146);
    let precomposed = letters.iter().filter(|l| !l.is_ascii()).count();
    assert_eq!(precomposed, 134);
    for l in &letters {
        assert_eq!(l.chars().count(), 1, "{l} is not precomposed");
        assert!(VIETNAMESE_LETTERS.contains(l.as_str()), "{l} missing");
    }
}

#[test]
fn every_vietnamese_letter_in_regular_bold_italic_and_bold_italic() {
    // One letter a word, so that lines can break between them.
    let letters: String = VIETNAMESE_LETTERS
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ");
    let d = doc(vec![
        para(&letters),
        Block::Paragraph {
            style: ParaStyle::Plain,
            inlines: vec![Inline::Bold(letters.clone())],
        },
        Block::Paragraph {
            style: ParaStyle::Plain,
            inlines: vec![Inline::Italic(letters.clone())],
        },
        // arabic-2 headings are bold italic in hd36-2018.
        Block::Heading {
            scheme: "arabic-2".into(),
            label: String::new(),
            inlines: vec![Inline::Text(letters.clone())],
        },
    ]);
    assert!(profile().heading("arabic-2").bold && profile().heading("arabic-2").italic);
    let out = pdf::render(&d, &profile(), &PdfOptions::default()).unwrap();
    assert!(out.warnings.is_empty(), "{:#?}", out.warnings);
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "letters.pdf", &out.bytes);

    // Four faces of one family, every one embedded.
    let fonts = fonts_of(&path);
    let styles: std::collections::BTreeSet<&str> = fonts
        .iter()
        .map(|(n, _)| n.rsplit_once('-').map_or("Regular", |(_, s)| s))
        .collect();
    assert!(fonts.iter().all(|(_, emb)| *emb), "{fonts:?}");
    assert_eq!(fonts.len(), 4, "{fonts:?}");
    for s in ["Bold", "Italic", "BoldItalic"] {
        assert!(styles.contains(s), "{s} missing: {fonts:?}");
    }

    // Each face, as fontconfig knows it, has every Vietnamese letter.
    let charset: Vec<String> = VIETNAMESE_LETTERS
        .chars()
        .map(|c| format!("{:x}", c as u32))
        .collect();
    for (name, _) in &fonts {
        let pattern = format!(":postscriptname={name}:charset={}", charset.join(" "));
        let found = tool("fc-list", &[&pattern, "file"]);
        assert!(
            !found.trim().is_empty(),
            "{name} lacks a Vietnamese letter (fc-list)"
        );
    }

    // The text comes back with its diacritics, four times (pdftotext may break long lines).
    let text: String = text_of(&path).split_whitespace().collect();
    assert_eq!(text.matches(VIETNAMESE_LETTERS).count(), 4, "{text}");
}

#[test]
fn markup_characters_are_printed_as_text() {
    let nasty = "#set page(width: 1cm) *đậm* _nghiêng_ $x^2$ @nhan <nhan> \\ `mã` [ngoặc] \
                 // chú thích /* khối */ #{1+1} \"ngoặc kép\" ~ -- --- ... 'a' = - + 1. ư";
    let d = doc(vec![
        para(nasty),
        Block::Heading {
            scheme: "arabic-1".into(),
            label: "1-".into(),
            inlines: vec![
                Inline::Text("#heading[x] ".into()),
                Inline::Footnote("#footnote[y] $z$".into()),
            ],
        },
        Block::Table(Table {
            caption: Some("Đơn vị tính: #người".into()),
            columns: vec![
                Column {
                    align: CellAlign::Left,
                },
                Column {
                    align: CellAlign::Right,
                },
            ],
            header_rows: 1,
            rows: vec![
                vec![Cell::text("*Tên*"), Cell::text("$Số$")],
                vec![Cell::text("]#["), Cell::gap("#[chưa nhập]")],
            ],
        }),
    ]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "nasty.pdf", &bytes);
    let text = squash(&text_of(&path));
    for s in [
        nasty,
        "1- #heading[x]",
        "#footnote[y] $z$",
        "Đơn vị tính: #người",
        "*Tên*",
        "$Số$",
        "]#[",
        "#[chưa nhập]",
    ] {
        assert!(text.contains(&squash(s)), "{s:?} not in {text}");
    }
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("595.276 x 841.89"), "{info}");
}

#[test]
fn same_document_same_bytes() {
    let d = doc(vec![para("Cùng đầu vào, cùng từng byte.")]);
    for pdfa in [false, true] {
        let opts = PdfOptions {
            pdfa,
            ..PdfOptions::default()
        };
        let a = render_clean(&d, &opts);
        let b = render_clean(&d, &opts);
        assert!(a == b, "pdfa={pdfa}: two renders differ");
    }
}

#[test]
fn sections_and_annexes_turn_pages() {
    let mut d = doc(vec![
        para("Trang dọc."),
        Block::Section { landscape: true },
        para("Trang ngang."),
    ]);
    d.annexes = vec![
        vec![para("Phụ lục 1, trang dọc.")],
        vec![
            Block::Section { landscape: true },
            para("Phụ lục 2, trang ngang."),
        ],
    ];
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "sections.pdf", &bytes);
    let info = tool("pdfinfo", &["-f", "1", "-l", "9", path.to_str().unwrap()]);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| l.split_once("size:").unwrap().1.trim())
        .collect();
    assert_eq!(
        sizes,
        [
            "595.276 x 841.89 pts (A4)",
            "841.89 x 595.276 pts (A4)",
            "595.276 x 841.89 pts (A4)",
            "841.89 x 595.276 pts (A4)",
        ],
        "{info}"
    );
    // Where each text landed, and the closing after the body, before the annexes.
    for (page, s) in [
        (1, "Trang dọc."),
        (2, "Trang ngang."),
        (2, "T/M BAN THƯỜNG VỤ"),
        (3, "Phụ lục 1"),
        (4, "Phụ lục 2"),
    ] {
        let p = page.to_string();
        let t = tool(
            "pdftotext",
            &["-f", &p, "-l", &p, path.to_str().unwrap(), "-"],
        );
        assert!(t.contains(s), "page {page} lacks {s:?}: {t}");
    }
}

#[test]
fn long_tables_repeat_their_header_rows_on_every_page() {
    let rows: Vec<Vec<Cell>> = std::iter::once(vec![
        Cell::text("STT"),
        Cell::text("Đơn vị cấp huyện"),
        Cell::text("Số lượng"),
    ])
    .chain((1..=120).map(|i| {
        vec![
            Cell::text(i.to_string()),
            Cell::text(format!("Huyện thứ {i}")),
            Cell::text(format!("{}", 1000 + i)),
        ]
    }))
    .collect();
    let d = doc(vec![Block::Table(Table {
        caption: Some("Đơn vị tính: người".into()),
        columns: vec![
            Column {
                align: CellAlign::Center,
            },
            Column {
                align: CellAlign::Left,
            },
            Column {
                align: CellAlign::Right,
            },
        ],
        header_rows: 1,
        rows,
    })]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "table.pdf", &bytes);
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 3, "{info}");
    for page in 1..=pages {
        let p = page.to_string();
        let t = tool(
            "pdftotext",
            &["-f", &p, "-l", &p, path.to_str().unwrap(), "-"],
        );
        if t.contains("Huyện thứ") {
            assert!(t.contains("Đơn vị cấp huyện"), "page {page}: no header row");
        }
    }
    // Every row once, in order; numbers right-aligned: their right edges line up.
    let text = squash(&text_of(&path));
    let mut at = 0;
    for i in 1..=120 {
        let s = format!("Huyện thứ {i} ");
        at += text[at..]
            .find(&s)
            .unwrap_or_else(|| panic!("row {i} missing"))
            + s.len();
    }
    let bbox = tool("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    let right_edges: Vec<f64> = bbox
        .lines()
        .filter(|l| l.contains("<word"))
        .filter(|l| {
            let word = l.split('>').nth(1).and_then(|w| w.split('<').next());
            word.and_then(|w| w.parse::<u32>().ok())
                .is_some_and(|n| (1001..=1120).contains(&n))
        })
        .filter_map(|l| attr(l, "xMax"))
        .collect();
    assert_eq!(right_edges.len(), 120);
    let (min, max) = right_edges
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    assert!(max - min < 0.5, "numbers not right-aligned: {min}..{max}");
}

/// Page `page` of a PDF rendered by pdftoppm at 50 dpi: its pixels (RGB).
fn pixels(pdf: &Path, page: u32) -> Vec<[u8; 3]> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let n = page.to_string();
    tool(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let ppm = std::fs::read(prefix.with_extension("ppm")).unwrap();
    // P6 header: magic, width, height, maxval, each followed by whitespace.
    let (mut fields, mut i) = (0, 0);
    while fields < 4 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    ppm[i + 1..]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// An attribute of a pdftotext -bbox `<word>` line.
fn attr(line: &str, name: &str) -> Option<f64> {
    let start = line.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + line[start..].find('"')?;
    line[start..end].parse().ok()
}

#[test]
fn gaps_are_highlighted() {
    let d = doc(vec![Block::Paragraph {
        style: ParaStyle::Body,
        inlines: vec![
            Inline::Text("Số cán bộ: ".into()),
            Inline::Gap("[chưa nhập]".into()),
        ],
    }]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "gap.pdf", &bytes);
    let yellow = pixels(&path, 1)
        .iter()
        .filter(|p| p[0] > 240 && p[1] > 240 && p[2] < 30)
        .count();
    assert!(yellow > 100, "no yellow highlight ({yellow} pixels)");
}

/// A directory holding copies of the system's font files whose names match `pattern`.
fn font_dir(pattern: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let list = tool("fc-list", &[":", "file"]);
    let mut n = 0;
    for line in list.lines() {
        let file = line.trim().trim_end_matches(':');
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        if name.contains(pattern) {
            std::fs::copy(file, dir.path().join(name)).unwrap();
            n += 1;
        }
    }
    assert!(n > 0, "no installed font file matches {pattern}");
    dir
}

/// Renders every Vietnamese letter in the four styles with the fonts of `dir` only.
fn four_styles_with_fonts_of(dir: &Path) -> pdf::Pdf {
    let opts = PdfOptions {
        fonts: FontSource::Dirs(vec![dir.to_path_buf()]),
        ..PdfOptions::default()
    };
    let letters = spaced(VIETNAMESE_LETTERS);
    let d = doc(vec![
        Block::Paragraph {
            style: ParaStyle::Body,
            inlines: vec![
                Inline::Text(letters.clone()),
                Inline::Bold(letters.clone()),
                Inline::Italic(letters.clone()),
            ],
        },
        // arabic-2 headings are bold italic in hd36-2018.
        Block::Heading {
            scheme: "arabic-2".into(),
            label: String::new(),
            inlines: vec![Inline::Text(letters)],
        },
    ]);
    pdf::render(&d, &profile(), &opts).unwrap()
}

#[test]
fn with_no_system_fonts_at_all_the_bundled_liberation_serif_sets_every_vietnamese_letter() {
    let empty = tempfile::tempdir().unwrap();
    let out = four_styles_with_fonts_of(empty.path());
    assert_eq!(out.font, "Liberation Serif");
    assert!(out.bundled_font);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "bare.pdf", &out.bytes);
    let fonts = fonts_of(&path);
    assert!(!fonts.is_empty());
    for (name, emb) in &fonts {
        assert!(*emb && name.starts_with("LiberationSerif"), "{fonts:?}");
    }
    // The four faces, each with every Vietnamese letter: they come back with their diacritics.
    for face in [
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    ] {
        assert!(fonts.iter().any(|(n, _)| n == face), "{face}: {fonts:?}");
    }
    let text: String = text_of(&path).split_whitespace().collect();
    assert_eq!(text.matches(VIETNAMESE_LETTERS).count(), 4, "{text}");
    // And it is the same file the system's Liberation Serif gives: same metrics, same pages.
    let system = four_styles_with_fonts_of(font_dir("LiberationSerif").path());
    assert!(!system.bundled_font);
    assert_eq!(system.pages, out.pages);
}

#[test]
fn a_serif_without_times_metrics_does_not_replace_liberation_serif() {
    // DejaVu Serif (Debian fonts-dejavu-core) has every Vietnamese letter in four styles, but
    // not Times New Roman's metrics: the bundled Liberation Serif is used, silently.
    let out = four_styles_with_fonts_of(font_dir("DejaVuSerif").path());
    assert_eq!(out.font, "Liberation Serif");
    assert!(out.bundled_font);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let out = four_styles_with_fonts_of(font_dir("LiberationSans").path());
    assert_eq!(out.font, "Liberation Serif");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn a_character_no_font_has_is_an_error_not_a_blank_box() {
    let fonts = font_dir("LiberationSerif");
    let d = doc(vec![para("Chữ Hán: 漢")]);
    let empty = tempfile::tempdir().unwrap();
    for dir in [fonts.path(), empty.path()] {
        let opts = PdfOptions {
            fonts: FontSource::Dirs(vec![dir.to_path_buf()]),
            ..PdfOptions::default()
        };
        let err = pdf::render(&d, &profile(), &opts).unwrap_err();
        assert!(
            matches!(err, pdf::Error::MissingGlyphs(ref s) if s == "漢"),
            "{err}"
        );
        assert!(err.to_string().contains("漢"), "{err}");
    }
}

#[test]
fn headings_become_nested_bookmarks_and_a_footnote_sits_at_the_foot_of_its_page() {
    let heading = |scheme: &str, label: &str, text: &str| Block::Heading {
        scheme: scheme.into(),
        label: label.into(),
        inlines: vec![Inline::Text(text.into())],
    };
    let d = doc(vec![
        heading("upper-letter", "A-", "Phần một"),
        heading("upper-roman", "I-", "Mục một"),
        Block::Paragraph {
            style: ParaStyle::Body,
            inlines: vec![
                Inline::Text("Đoạn văn có chú thích".into()),
                Inline::Footnote("Ghi chú xuống chân trang.".into()),
            ],
        },
        heading("upper-roman", "II-", "Mục hai"),
        heading("upper-letter", "B-", "Phần hai"),
    ]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "outline.pdf", &bytes);

    // Bookmarks, read by pikepdf: A (I, II), B.
    let script = r#"
import json, sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
with pdf.open_outline() as o:
    print(json.dumps([[i.title, [c.title for c in i.children]] for i in o.root]))
"#;
    let tree: serde_json::Value =
        serde_json::from_str(&tool("python3", &["-c", script, path.to_str().unwrap()])).unwrap();
    let lower = |v: &serde_json::Value| v.as_str().unwrap().to_lowercase();
    assert_eq!(tree.as_array().unwrap().len(), 2, "{tree}");
    assert_eq!(lower(&tree[0][0]), "a- phần một", "{tree}");
    assert_eq!(lower(&tree[0][1][0]), "i- mục một", "{tree}");
    assert_eq!(lower(&tree[0][1][1]), "ii- mục hai", "{tree}");
    assert_eq!(lower(&tree[1][0]), "b- phần hai", "{tree}");
    assert_eq!(tree[1][1].as_array().unwrap().len(), 0, "{tree}");

    // The note: on page 1, below the body, above the bottom margin (277 mm), smaller type.
    let bbox = tool("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    let word = |w: &str| {
        bbox.lines()
            .find(|l| l.contains(&format!(">{w}<")))
            .unwrap_or_else(|| panic!("{w} missing: {bbox}"))
            .to_string()
    };
    let note = word("chân");
    let body = word("Đoạn");
    let (note_top, note_bottom) = (attr(&note, "yMin").unwrap(), attr(&note, "yMax").unwrap());
    let (body_top, body_bottom) = (attr(&body, "yMin").unwrap(), attr(&body, "yMax").unwrap());
    let bottom_margin = 277.0 * 72.0 / 25.4;
    assert!(note_top > 600.0, "note at {note_top}: not at the foot");
    assert!(
        note_bottom <= bottom_margin + 0.5,
        "note below the margin: {note_bottom}"
    );
    assert!(
        note_top > body_bottom + 100.0,
        "note {note_top} vs body {body_bottom}"
    );
    assert!(
        note_bottom - note_top < body_bottom - body_top,
        "the note's type is not smaller"
    );
    let page1 = tool(
        "pdftotext",
        &["-f", "1", "-l", "1", path.to_str().unwrap(), "-"],
    );
    assert!(page1.contains("Ghi chú xuống chân trang."), "{page1}");
}

/// Text pasted from elsewhere carries invisible characters no font draws (zero-width space,
/// byte-order mark, soft hyphen, direction marks): they are dropped, not an error.
#[test]
fn invisible_characters_from_pasted_text_are_dropped_not_refused() {
    let d = doc(vec![para(
        "Ban\u{200b}Thường\u{feff} vụ Tỉnh\u{ad}ủy\u{200e} họp\u{2009}ngày 5/9.",
    )]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "invisible.pdf", &bytes);
    let text = squash(&text_of(&path));
    assert!(text.contains("BanThường vụ Tỉnhủy họp ngày 5/9."), "{text}");
}

/// A table row taller than a page is cut between lines: every line printed once, in order,
/// none below the bottom margin, the header row repeated above the rest.
#[test]
fn a_row_taller_than_a_page_continues_on_the_next() {
    let long: Vec<String> = (1..=80).map(|i| format!("Dòng số {i}")).collect();
    let d = doc(vec![Block::Table(Table {
        caption: None,
        columns: vec![
            Column {
                align: CellAlign::Left,
            },
            Column {
                align: CellAlign::Left,
            },
        ],
        header_rows: 1,
        rows: vec![
            vec![Cell::text("Mục"), Cell::text("Nội dung")],
            vec![Cell::text("Một"), Cell::text(long.join("\n"))],
        ],
    })]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "tall.pdf", &bytes);
    let text = squash(&text_of(&path));
    let mut at = 0;
    for line in &long {
        let want = format!("{line} ");
        at += text[at..]
            .find(&want)
            .unwrap_or_else(|| panic!("{line} missing or out of order"))
            + want.len();
    }
    let bbox = tool("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    let bottom = 277.0 * 72.0 / 25.4;
    for l in bbox.lines().filter(|l| l.contains("<word")) {
        assert!(
            attr(l, "yMax").unwrap() <= bottom + 0.5,
            "below the margin: {l}"
        );
    }
    let page2 = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", path.to_str().unwrap(), "-"],
    );
    assert!(
        page2.contains("Nội dung"),
        "no header row on page 2: {page2}"
    );
    assert!(page2.contains("Dòng số 80"), "{page2}");
}

/// Regression: a header row taller than a page (many narrow columns with long labels) made the
/// layout repeat it on every new page forever. It is now laid out once, as ordinary rows, and
/// every row follows in order.
#[test]
fn a_header_taller_than_a_page_is_not_repeated_forever() {
    // Ten columns of 10%: each header cell ~75 lines of four or five letters, taller than a page.
    let label = "Đề xuất (1) Nhân ra diện rộng – Thực hiện thống nhất trong cả nước theo quy \
                 định của Trung ương "
        .repeat(3);
    let columns: Vec<Column> = (0..10)
        .map(|_| Column {
            align: CellAlign::Left,
        })
        .collect();
    let mut rows = vec![(0..10)
        .map(|_| Cell::text(label.trim()))
        .collect::<Vec<_>>()];
    rows.extend((1..=3).map(|i| (0..10).map(|_| Cell::text(format!("Hàng{i}"))).collect()));
    let d = doc(vec![Block::Table(Table {
        caption: None,
        columns,
        header_rows: 1,
        rows,
    })]);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(render_clean(&d, &PdfOptions::default()));
    });
    let bytes = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the layout finishes");
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "tall-head.pdf", &bytes);
    // In drawing order (-raw): poppler 22's reading order takes these one-letter columns for
    // columns of text and reads "1 2 3" down each.
    let raw = tool(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", path.to_str().unwrap(), "-"],
    );
    let text = squash(&raw);
    // Every row once (ten cells each), in order, and the header not repeated on every page.
    let mut at = 0;
    for i in 1..=3 {
        let cell = format!("Hàng{i}");
        assert_eq!(text.matches(&cell).count(), 10, "row {i}");
        at += text[at..].find(&cell).expect("rows in order");
    }
    let pages = tool("pdfinfo", &[path.to_str().unwrap()]);
    let pages: usize = pages
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(pages <= 4, "{pages} pages");
}

/// A chart is drawn as bars with its values; one too long for a page prints as its table.
#[test]
fn charts_are_drawn_as_bars_or_as_their_table_when_longer_than_a_page() {
    use document::{Chart, Series};
    let small = Chart {
        title: "Biên chế trước và sau".into(),
        categories: vec!["Hợp nhất cấp tỉnh".into(), "Kiêm nhiệm cấp huyện".into()],
        series: vec![
            Series {
                name: "Trước".into(),
                values: vec![1234, 56],
            },
            Series {
                name: "Sau".into(),
                values: vec![1100, 0],
            },
        ],
    };
    let long = Chart {
        title: "Theo từng huyện".into(),
        categories: (1..=90).map(|i| format!("Huyện số {i}")).collect(),
        series: vec![Series {
            name: "Số mô hình".into(),
            values: (1..=90).collect(),
        }],
    };
    let d = doc(vec![Block::Chart(small), Block::Chart(long)]);
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "chart.pdf", &bytes);
    let text = squash(&text_of(&path));
    for want in [
        "Biên chế trước và sau",
        "Trước",
        "Sau",
        "Hợp nhất cấp tỉnh",
        "1.234",
        "1.100",
        "Kiêm nhiệm cấp huyện",
        "56",
    ] {
        assert!(text.contains(want), "{want} missing: {text}");
    }
    // The long one as its table: each district with its figure, in order (content order).
    let raw = squash(&tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]));
    let text = raw;
    let mut at = 0;
    for i in 1..=90 {
        let want = format!("Huyện số {i} {i} ");
        at += text[at..]
            .find(&want)
            .unwrap_or_else(|| panic!("{want} missing or out of order"))
            + want.len();
    }
    // The bars of the small chart: Party red (A50E0E) and grey (9AA0A6) on page 1.
    let px = pixels(&path, 1);
    let red = px
        .iter()
        .filter(|p| p[0] > 130 && p[0] < 200 && p[1] < 50 && p[2] < 50)
        .count();
    let grey = px
        .iter()
        .filter(|p| {
            (140..170).contains(&p[0]) && (150..175).contains(&p[1]) && p[2] > 155 && p[2] < 180
        })
        .count();
    assert!(
        red > 100 && grey > 100,
        "bars: {red} red, {grey} grey pixels"
    );
}

/// A line feed typed into a header field or a heading breaks the line there (header) or reads
/// as a space (heading); it is never looked up as a character no font has.
#[test]
fn line_feeds_in_the_header_and_headings_are_not_missing_glyphs() {
    let mut d = doc(vec![Block::Heading {
        scheme: "upper-roman".into(),
        label: "I-".into(),
        inlines: vec![Inline::Text("Mục một\nvà hai".into())],
    }]);
    d.header.issuer = "Tỉnh ủy\nHà Giang".into();
    let bytes = render_clean(&d, &PdfOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(dir.path(), "lf.pdf", &bytes);
    let text = text_of(&path);
    assert!(text.contains("TỈNH ỦY\nHÀ GIANG"), "{text}");
    assert!(squash(&text).contains("VÀ HAI"), "{text}");
}
