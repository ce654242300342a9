//! The DOCX, HTML and Markdown exporters on a small hand-built report.
//!
//! Set `BAOCAO_SAMPLE_DIR` to also write the sample as `sample.docx`, `sample.html` and
//! `sample.md` there (for checking with python-docx or LibreOffice).

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use document::docx::{to_docx, PARTS};
use document::html::to_html;
use document::markdown::to_markdown;
use document::{
    Block, Cell, CellAlign, Closing, Column, Document, Header, Inline, Meta, ParaStyle, Table,
    Title,
};
use outline::Profile;

fn profile() -> Profile {
    Profile::builtin("hd36-2018").expect("the built-in profile loads")
}

fn sample() -> Document {
    let mut body = vec![
        Block::Heading {
            scheme: "upper-roman".into(),
            label: "I-".into(),
            inlines: vec![Inline::Text("Tình hình chung".into())],
        },
        Block::Paragraph {
            style: ParaStyle::Body,
            inlines: vec![
                Inline::Text("Thực hiện Kết luận số 74-KL/TW, ngày 22/5/2020 của ".into()),
                Inline::Bold("Bộ Chính trị".into()),
                Inline::Footnote("Kết luận số 74-KL/TW ngày 22/5/2020.".into()),
                Inline::Text(", Tỉnh ủy đã chỉ đạo thí điểm ".into()),
                Inline::Gap("[chưa nhập]".into()),
                Inline::Text(" mô hình.".into()),
            ],
        },
        Block::Heading {
            scheme: "arabic-2".into(),
            label: "1.1-".into(),
            inlines: vec![Inline::Text("Kết quả cụ thể".into())],
        },
        Block::Table(Table {
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
                Column {
                    align: CellAlign::Right,
                },
            ],
            header_rows: 1,
            rows: vec![
                vec![
                    Cell::text("TT"),
                    Cell::text("Mô hình"),
                    Cell::text("Số đơn vị"),
                    Cell::text("Tỷ lệ (%)"),
                ],
                vec![
                    Cell::text("1"),
                    Cell::text("Bí thư đồng thời là Chủ tịch | kiêm nhiệm"),
                    Cell::text("1.234"),
                    Cell::text("12,5"),
                ],
                vec![
                    Cell::text("2"),
                    Cell::text("Hợp nhất Văn phòng"),
                    Cell::gap("[chưa nhập]"),
                    Cell::text("0"),
                ],
                vec![
                    Cell::text(""),
                    Cell::bold("Tổng cộng"),
                    Cell::text("1.234"),
                    Cell::text("100"),
                ],
            ],
        }),
        Block::Paragraph {
            style: ParaStyle::Plain,
            inlines: vec![Inline::Text(
                "Dòng thứ nhất.\nDòng thứ hai có <script>alert(1)</script> & \u{1}ký tự lạ.".into(),
            )],
        },
    ];
    // Enough text for a second page (page numbers appear from page 2).
    for i in 1..=6 {
        body.push(Block::Paragraph {
            style: ParaStyle::Body,
            inlines: vec![Inline::Text(format!(
                "Đoạn {i}: việc sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt \
                 động hiệu lực, hiệu quả được các cấp ủy, tổ chức đảng quan tâm lãnh đạo, chỉ \
                 đạo; đội ngũ cán bộ, đảng viên đồng tình, ủng hộ; việc thực hiện các mô hình \
                 bảo đảm đúng quy định, phù hợp với tình hình thực tiễn của địa phương."
            ))],
        });
    }
    Document {
        meta: Meta {
            title: "Báo cáo tổng kết thí điểm theo Kết luận 74-KL/TW".into(),
            author: "Tỉnh ủy Hà Giang".into(),
            subject: "Tổng kết Kết luận 74-KL/TW".into(),
            date: "2021-09-05".into(),
            draft: false,
        },
        header: Header {
            superior: None,
            issuer: "TỈNH ỦY HÀ GIANG".into(),
            star: "*".into(),
            number: "Số 05-BC/TU".into(),
            party_line: "ĐẢNG CỘNG SẢN VIỆT NAM".into(),
            place_date: "Hà Giang, ngày 05 tháng 9 năm 2021".into(),
        },
        title: Title {
            kind: "BÁO CÁO".into(),
            subject: "Tổng kết việc thực hiện thí điểm các mô hình tổ chức mới và kiêm nhiệm \
                      chức danh theo Kết luận số 74-KL/TW, ngày 22/5/2020 của Bộ Chính trị"
                .into(),
            rule: "-----".into(),
        },
        body,
        closing: Closing {
            on_behalf: "T/M BAN THƯỜNG VỤ".into(),
            signer_title: "Bí thư".into(),
            signer_name: "Nguyễn Văn Sơn".into(),
            recipients_label: "Nơi nhận:".into(),
            recipients: vec![
                "- Ban Tổ chức Trung ương (để báo cáo),".into(),
                "- Lưu Văn phòng Tỉnh ủy.".into(),
            ],
        },
        annexes: Vec::new(),
    }
}

/// The parts of a DOCX, in stored order.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("an entry");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 XML");
        parts.push((file.name().to_string(), text));
    }
    parts
}

fn docx_parts(doc: &Document) -> BTreeMap<String, String> {
    let bytes = to_docx(doc, &profile()).expect("the DOCX is written");
    unzip(&bytes).into_iter().collect()
}

/// Checks that `xml` is well-formed enough: one declaration, balanced tags, one root, escaped
/// text, no character XML 1.0 forbids.
fn assert_well_formed(name: &str, xml: &str) {
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""),
        "{name}: no XML declaration"
    );
    assert!(
        !xml.chars()
            .any(|c| (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r'),
        "{name}: a control character"
    );
    let body = &xml[xml.find("?>").expect("declaration end") + 2..];
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(
            !text.contains('>'),
            "{name}: unescaped '>' in text {text:?}"
        );
        let end = start + rest[start..].find('>').expect("tag end");
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "{name}: '<' inside a tag: {tag}");
        if let Some(closing) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("{name}: stray </{closing}>"));
            assert_eq!(open, closing, "{name}: <{open}> closed by </{closing}>");
        } else {
            let tag_name = tag.split([' ', '/']).next().unwrap_or("");
            if stack.is_empty() {
                roots += 1;
            }
            if !tag.ends_with('/') {
                stack.push(tag_name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "{name}: unclosed {stack:?}");
    assert_eq!(roots, 1, "{name}: {roots} root elements");
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn docx_is_a_zip_of_well_formed_parts_in_a_fixed_order() {
    let bytes = to_docx(&sample(), &profile()).expect("the DOCX is written");
    if let Ok(dir) = std::env::var("BAOCAO_SAMPLE_DIR") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("sample dir");
        std::fs::write(dir.join("sample.docx"), &bytes).expect("write docx");
        std::fs::write(dir.join("sample.html"), to_html(&sample(), &profile())).expect("html");
        std::fs::write(dir.join("sample.md"), to_markdown(&sample())).expect("md");
    }
    let parts = unzip(&bytes);
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, PARTS);
    for required in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/footnotes.xml",
        "word/header1.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
        "docProps/app.xml",
    ] {
        assert!(names.contains(&required), "missing {required}");
    }
    for (name, xml) in &parts {
        assert_well_formed(name, xml);
    }
    // Every part but the content types and relationships is declared.
    let types = &parts[0].1;
    for (name, _) in &parts {
        if name.ends_with(".xml") && name != "[Content_Types].xml" {
            assert!(
                types.contains(&format!("PartName=\"/{name}\"")),
                "{name} has no content type"
            );
        }
    }
    let rels = &parts
        .iter()
        .find(|(n, _)| n == "word/_rels/document.xml.rels")
        .expect("rels")
        .1;
    for target in [
        "styles.xml",
        "settings.xml",
        "footnotes.xml",
        "header1.xml",
        "header2.xml",
    ] {
        assert!(
            rels.contains(&format!("Target=\"{target}\"")),
            "{target} not related"
        );
    }
}

#[test]
fn docx_is_deterministic_and_dated_by_the_document() {
    let p = profile();
    let a = to_docx(&sample(), &p).expect("docx");
    let b = to_docx(&sample(), &p).expect("docx");
    assert_eq!(a, b, "same input, different bytes");

    let core = &docx_parts(&sample())["docProps/core.xml"];
    assert!(
        core.contains(">2021-09-05T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    assert!(
        core.contains(">2021-09-05T00:00:00Z</dcterms:modified>"),
        "{core}"
    );
    assert!(core.contains("<dc:title>Báo cáo tổng kết thí điểm theo Kết luận 74-KL/TW</dc:title>"));

    let zip = zip::ZipArchive::new(Cursor::new(&a)).expect("zip");
    let mut zip = zip;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).expect("entry");
        let t = entry.last_modified().expect("a time");
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (2021, 9, 5),
            "{}",
            entry.name()
        );
        assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
    }

    let mut later = sample();
    later.meta.date = "2021-09-06".into();
    assert_ne!(to_docx(&later, &p).expect("docx"), a);
}

#[test]
fn docx_justifies_with_both_never_justified() {
    let parts = docx_parts(&sample());
    let doc = &parts["word/document.xml"];
    assert!(doc.contains("<w:jc w:val=\"both\"/>"));
    for (name, xml) in &parts {
        assert!(!xml.contains("justified"), "{name} says justified");
    }
}

#[test]
fn docx_section_is_a4_with_party_margins_and_no_number_on_page_one() {
    let parts = docx_parts(&sample());
    let doc = &parts["word/document.xml"];
    let sect = &doc[doc.find("<w:sectPr>").expect("sectPr")..];
    assert!(
        sect.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
        "{sect}"
    );
    for attr in [
        "w:top=\"1134\"",
        "w:bottom=\"1134\"",
        "w:left=\"1701\"",
        "w:right=\"850\"",
        "w:header=\"567\"",
    ] {
        assert!(sect.contains(attr), "{attr} not in {sect}");
    }
    assert!(sect.contains("<w:titlePg/>"));
    assert!(sect.contains("<w:headerReference w:type=\"default\" r:id=\"rId4\"/>"));
    assert!(sect.contains("<w:headerReference w:type=\"first\" r:id=\"rId5\"/>"));
    assert!(doc.ends_with("</w:sectPr></w:body></w:document>"));

    let page_header = &parts["word/header1.xml"];
    assert!(page_header.contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"));
    assert!(page_header.contains("<w:jc w:val=\"center\"/>"));
    assert!(page_header.contains("<w:sz w:val=\"28\"/>"));
    let first_header = &parts["word/header2.xml"];
    assert!(!first_header.contains("PAGE") && !first_header.contains("<w:t"));
}

#[test]
fn docx_styles_have_one_default_normal_the_font_and_vietnamese() {
    let styles = &docx_parts(&sample())["word/styles.xml"];
    assert_eq!(count(styles, "<w:name w:val=\"Normal\"/>"), 1, "{styles}");
    assert_eq!(count(styles, "w:styleId=\"Normal\""), 1);
    assert!(styles.contains(
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    ));
    assert!(styles.contains(
        "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" \
         w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>"
    ));
    assert!(styles.contains("<w:sz w:val=\"28\"/>"));
    assert!(styles.contains("<w:lang w:val=\"vi-VN\""));
    // Footnote text 12 pt single spacing; the reference mark superscript.
    let fn_text = &styles[styles
        .find("w:styleId=\"FootnoteText\"")
        .expect("FootnoteText")..];
    let fn_text = &fn_text[..fn_text.find("</w:style>").expect("end")];
    assert!(fn_text.contains("<w:sz w:val=\"24\"/>") && fn_text.contains("w:line=\"240\""));
    let fn_ref = &styles[styles
        .find("w:styleId=\"FootnoteReference\"")
        .expect("FootnoteReference")..];
    assert!(fn_ref.contains("<w:vertAlign w:val=\"superscript\"/>"));
}

#[test]
fn docx_footnotes_carry_their_number_mark() {
    let parts = docx_parts(&sample());
    let notes = &parts["word/footnotes.xml"];
    assert!(notes.contains("<w:footnote w:type=\"separator\" w:id=\"-1\">"));
    assert!(notes.contains("<w:footnote w:type=\"continuationSeparator\" w:id=\"0\">"));
    assert!(
        notes.contains(
            "<w:footnote w:id=\"1\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr>\
         <w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>\
         <w:r><w:t xml:space=\"preserve\"> Kết luận số 74-KL/TW ngày 22/5/2020.</w:t></w:r>"
        ),
        "{notes}"
    );
    assert_eq!(count(notes, "<w:footnote w:id="), 1);
    let doc = &parts["word/document.xml"];
    assert!(doc.contains(
        "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr>\
         <w:footnoteReference w:id=\"1\"/></w:r>"
    ));
    assert!(
        parts["word/settings.xml"].contains("<w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/>")
    );
}

#[test]
fn docx_footnotes_are_numbered_through_the_document() {
    let mut doc = sample();
    doc.body.push(Block::Heading {
        scheme: "arabic-1".into(),
        label: "2-".into(),
        inlines: vec![
            Inline::Text("Hạn chế".into()),
            Inline::Footnote("Chú thích hai.".into()),
        ],
    });
    doc.body.push(Block::Paragraph {
        style: ParaStyle::Body,
        inlines: vec![
            Inline::Text("Đoạn.".into()),
            Inline::Footnote("Chú thích ba.".into()),
        ],
    });
    let parts = docx_parts(&doc);
    let body = &parts["word/document.xml"];
    let ids: Vec<usize> = (1..=3)
        .map(|n| {
            body.find(&format!("<w:footnoteReference w:id=\"{n}\"/>"))
                .expect("ref")
        })
        .collect();
    assert!(ids[0] < ids[1] && ids[1] < ids[2]);
    let notes = &parts["word/footnotes.xml"];
    let two = notes.find("Chú thích hai.").expect("note 2");
    let three = notes.find("Chú thích ba.").expect("note 3");
    assert!(notes[..two].ends_with(" "), "space after the mark");
    assert!(notes[..two].contains("<w:footnote w:id=\"2\">") && two < three);
}

#[test]
fn docx_body_follows_the_profile() {
    let doc = &docx_parts(&sample())["word/document.xml"];
    // Body paragraph: justified, 10 mm first-line indent, exactly 18 pt, 6 pt after.
    assert!(doc.contains(
        "<w:spacing w:before=\"0\" w:after=\"120\" w:line=\"360\" w:lineRule=\"exact\"/>\
         <w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"567\"/><w:jc w:val=\"both\"/>"
    ));
    // Headings: upper-roman bold upper case; arabic-2 bold italic, as written.
    assert!(
        doc.contains(
            "<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">I- </w:t></w:r>\
         <w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">TÌNH HÌNH CHUNG</w:t>"
        ),
        "{doc}"
    );
    assert!(doc.contains(
        "<w:rPr><w:b/><w:bCs/><w:i/><w:iCs/></w:rPr><w:t xml:space=\"preserve\">Kết quả cụ thể</w:t>"
    ));
    // A bold run and a highlighted italic gap.
    assert!(
        doc.contains("<w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">Bộ Chính trị</w:t>")
    );
    assert!(doc.contains(
        "<w:rPr><w:i/><w:iCs/><w:highlight w:val=\"yellow\"/></w:rPr>\
         <w:t xml:space=\"preserve\">[chưa nhập]</w:t>"
    ));
    // "\n" splits a paragraph; markup is escaped; control characters are dropped.
    assert!(doc.contains("Dòng thứ nhất.</w:t></w:r></w:p><w:p>"));
    // The paragraph after the table keeps a space above it; its second line does not.
    let first = doc.find("Dòng thứ nhất.").expect("line 1");
    let second = doc.find("Dòng thứ hai").expect("line 2");
    let spacing = |at: usize| {
        let p = &doc[doc[..at].rfind("<w:p>").expect("p")..at];
        p[p.find("<w:spacing").expect("spacing")..]
            .split("/>")
            .next()
            .unwrap_or("")
            .to_string()
    };
    assert!(
        spacing(first).contains("w:before=\"120\""),
        "{}",
        spacing(first)
    );
    assert!(
        spacing(second).contains("w:before=\"0\""),
        "{}",
        spacing(second)
    );
    assert!(doc.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ký tự lạ."));
    assert!(!doc.contains("<script>"));
    // Header: issuer bold 14 pt, party line bold 15 pt over a bottom border, place-date italic.
    assert!(doc.contains("<w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\">TỈNH ỦY HÀ GIANG"));
    let party = doc.find("ĐẢNG CỘNG SẢN VIỆT NAM").expect("party line");
    let party_p = &doc[doc[..party].rfind("<w:p>").expect("p")..party];
    assert!(
        party_p.contains("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\""),
        "{party_p}"
    );
    assert!(party_p.contains("<w:sz w:val=\"30\"/>") && party_p.contains("<w:b/>"));
    assert!(doc.contains("<w:i/><w:iCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\">Hà Giang, ngày 05 tháng 9 năm 2021"));
    // Title: 15 pt bold centred, then the subject, then the rule.
    assert!(doc.contains("<w:b/><w:bCs/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/></w:rPr><w:t xml:space=\"preserve\">BÁO CÁO</w:t>"));
    assert!(doc.find("BÁO CÁO").expect("kind") < doc.find("Tổng kết việc").expect("subject"));
    assert!(doc.contains(">-----</w:t>"));
    // Closing: underlined label, 12 pt recipients, 4 blank lines, the signer's name bold.
    assert!(doc.contains("<w:u w:val=\"single\"/></w:rPr><w:t xml:space=\"preserve\">Nơi nhận:"));
    assert!(doc.contains("<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr><w:t xml:space=\"preserve\">- Lưu Văn phòng Tỉnh ủy."));
    assert!(doc.contains(">BÍ THƯ</w:t>"));
    assert!(doc.contains("<w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\">Nguyễn Văn Sơn"));
    let blanks = count(
        doc,
        "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>\
         <w:jc w:val=\"center\"/></w:pPr></w:p>",
    );
    assert_eq!(blanks, 4);
}

#[test]
fn docx_tables_have_borders_widths_and_repeating_headers() {
    let doc = &docx_parts(&sample())["word/document.xml"];
    let start = doc.find("Đơn vị tính: người").expect("caption");
    let caption_p = &doc[doc[..start].rfind("<w:p>").expect("p")..start];
    assert!(caption_p.contains("<w:jc w:val=\"right\"/>") && caption_p.contains("<w:i/>"));
    let table = &doc[start..];
    let table = &table[table.find("<w:tbl>").expect("tbl")..];
    let table = &table[..table.find("</w:tbl>").expect("end")];
    assert!(table.contains("<w:tblW w:w=\"5000\" w:type=\"pct\"/>"));
    assert_eq!(
        count(
            table,
            "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        ),
        6
    );
    // Widths from the content, filling 165 mm (9355 twips): the model's name widest, "TT" and
    // the percentage narrow but whole; every cell as wide as its grid column.
    let grid: Vec<i64> = table
        .split("<w:gridCol w:w=\"")
        .skip(1)
        .map(|p| p[..p.find('"').expect("quote")].parse().expect("twips"))
        .collect();
    assert_eq!(grid.len(), 4, "{table}");
    assert_eq!(grid.iter().sum::<i64>(), 9355, "{grid:?}");
    assert!(
        grid[1] > grid[2] && grid[2] > grid[3] && grid[1] > grid[0],
        "{grid:?}"
    );
    let tt = (document::widths::times_width("TT", 13.0, true) * 20.0) as i64 + 2 * 108;
    assert!(grid[0] >= tt && grid[0] < 2 * tt, "{grid:?}");
    for (i, w) in grid.iter().enumerate() {
        assert_eq!(
            count(table, &format!("<w:tcW w:w=\"{w}\" w:type=\"dxa\"/>")),
            4 * grid.iter().filter(|x| *x == w).count(),
            "column {i}"
        );
    }
    assert_eq!(count(table, "<w:tblHeader/>"), 1);
    assert_eq!(count(table, "<w:tr>"), 4);
    // Header cells bold centred at 13 pt; numbers right-aligned; the total bold; the gap marked.
    let header_row = &table[table.find("<w:tblHeader/>").expect("h")..];
    let header_row = &header_row[..header_row.find("</w:tr>").expect("tr")];
    assert_eq!(count(header_row, "<w:jc w:val=\"center\"/>"), 4);
    assert_eq!(count(header_row, "<w:b/><w:bCs/><w:sz w:val=\"26\"/>"), 4);
    assert!(table.contains("<w:jc w:val=\"right\"/><w:rPr><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:pPr><w:r><w:rPr><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr><w:t xml:space=\"preserve\">1.234"));
    assert!(table.contains("<w:b/><w:bCs/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr><w:t xml:space=\"preserve\">Tổng cộng"));
    assert!(table.contains(
        "<w:highlight w:val=\"yellow\"/></w:rPr><w:t xml:space=\"preserve\">[chưa nhập]"
    ));
    // The page-1 header and the closing are borderless.
    assert_eq!(count(doc, "<w:tbl>"), 3);
    assert_eq!(count(doc, "w:val=\"nil\""), 12);
}

#[test]
fn docx_cell_line_breaks_and_adjacent_tables() {
    let mut doc = sample();
    let table = doc
        .body
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t.clone()),
            _ => None,
        })
        .expect("a table");
    let mut second = table.clone();
    second.caption = None;
    second.rows[1][1] = Cell::text("hai\ndòng");
    doc.body.push(Block::Table(table));
    doc.body.push(Block::Table(second));
    let xml = &docx_parts(&doc)["word/document.xml"];
    assert!(xml.contains(">hai</w:t><w:br/><w:t xml:space=\"preserve\">dòng</w:t>"));
    assert!(
        !xml.contains("</w:tbl><w:tbl>"),
        "adjacent tables would merge"
    );
    assert_well_formed("document.xml", xml);
}

#[test]
fn html_is_a_standalone_escaped_page() {
    let p = profile();
    let html = to_html(&sample(), &p);
    assert_eq!(html, to_html(&sample(), &p), "not deterministic");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("font-family: \"Times New Roman\""));
    assert!(html.contains("size: 210mm 297mm; margin: 20mm 15mm 20mm 30mm;"));
    assert!(html.contains("text-indent: 10mm"));
    assert!(html.contains("line-height: 18pt"));
    assert!(!html.contains("<script>") && !html.contains("</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ký tự lạ."));
    assert!(!html.contains('\u{1}'));
    // Layout: header table, title, headings, body, table, closing, footnotes.
    let order = [
        "<table class=\"layout header\">",
        "<span>ĐẢNG CỘNG SẢN VIỆT NAM</span>",
        "<h1 class=\"kind\">BÁO CÁO</h1>",
        "<h3 class=\"h h-upper-roman\">I- TÌNH HÌNH CHUNG</h3>",
        "<strong>Bộ Chính trị</strong>",
        "<sup class=\"fn-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>",
        "<mark class=\"gap\">[chưa nhập]</mark>",
        "<h5 class=\"h h-arabic-2\">1.1- Kết quả cụ thể</h5>",
        "<p class=\"caption\">Đơn vị tính: người</p>",
        "<thead>\n<tr><th>TT</th><th>Mô hình</th><th>Số đơn vị</th><th>Tỷ lệ (%)</th></tr>",
        "<td class=\"al-right\">1.234</td>",
        "<td class=\"al-left b\">Tổng cộng</td>",
        "<p class=\"plain\">Dòng thứ nhất.</p>\n<p class=\"plain\">Dòng thứ hai",
        "<table class=\"layout closing\">",
        "<p class=\"recipients-label\">Nơi nhận:</p>",
        "<p class=\"on-behalf\">T/M BAN THƯỜNG VỤ</p>",
        "<p class=\"signer-name\">Nguyễn Văn Sơn</p>",
        "<section class=\"footnotes\"",
        "<li id=\"fn-1\">Kết luận số 74-KL/TW ngày 22/5/2020. <a href=\"#fnref-1\"",
    ];
    let mut at = 0;
    for piece in order {
        let found = html[at..]
            .find(piece)
            .unwrap_or_else(|| panic!("{piece:?} missing or out of order in\n{html}"));
        at += found + piece.len();
    }
    assert!(html.contains(".h-upper-roman { font-weight: bold; font-style: normal;"));
    assert!(html.contains("class=\"al-right gap\">[chưa nhập]</td>"));
    assert_eq!(count(&html, "<p class=\"blank\">&nbsp;</p>"), 4);
}

#[test]
fn markdown_is_readable_with_table_and_footnotes() {
    let md = to_markdown(&sample());
    assert_eq!(md, to_markdown(&sample()), "not deterministic");
    let order = [
        "**TỈNH ỦY HÀ GIANG**  \n\\*  \nSố 05-BC/TU\n",
        "**ĐẢNG CỘNG SẢN VIỆT NAM**  \n*Hà Giang, ngày 05 tháng 9 năm 2021*\n",
        "# BÁO CÁO\n",
        "\n-----\n",
        "**I- TÌNH HÌNH CHUNG**\n",
        "ngày 22/5/2020 của **Bộ Chính trị**[^1], Tỉnh ủy đã chỉ đạo thí điểm <mark>\\[chưa nhập\\]</mark> mô hình.\n",
        "***1.1- Kết quả cụ thể***\n",
        "*Đơn vị tính: người*\n",
        "| TT | Mô hình | Số đơn vị | Tỷ lệ (%) |\n\
         | :---: | :--- | ---: | ---: |\n\
         | 1 | Bí thư đồng thời là Chủ tịch \\| kiêm nhiệm | 1.234 | 12,5 |\n\
         | 2 | Hợp nhất Văn phòng | <mark>\\[chưa nhập\\]</mark> | 0 |\n\
         |  | **Tổng cộng** | 1.234 | 100 |\n",
        "Dòng thứ nhất.\n\nDòng thứ hai có \\<script\\>alert(1)\\</script\\> \\& ký tự lạ.\n",
        "**T/M BAN THƯỜNG VỤ**  \nBÍ THƯ\n",
        "**Nguyễn Văn Sơn**\n",
        "Nơi nhận:\n",
        "- Ban Tổ chức Trung ương (để báo cáo),  \n- Lưu Văn phòng Tỉnh ủy.\n",
        "[^1]: Kết luận số 74-KL/TW ngày 22/5/2020.\n",
    ];
    let mut at = 0;
    for piece in order {
        let found = md[at..]
            .find(piece)
            .unwrap_or_else(|| panic!("{piece:?} missing or out of order in\n{md}"));
        at += found + piece.len();
    }
    assert!(md.ends_with("22/5/2020.\n"));
}

#[test]
fn docx_takes_its_numbers_from_the_profile() {
    let mut p = profile();
    p.page.page_number_from = 1;
    p.page.margin_left_mm = 25.0;
    p.body.size_pt = 13.0;
    p.body.line_spacing_pt = 20.0;
    p.body.first_line_indent_mm = 12.7;
    p.footnote.size_pt = 10.0;
    p.table.border_pt = 1.0;
    p.font.family = "Liberation Serif".into();
    let bytes = to_docx(&sample(), &p).expect("docx");
    let parts: BTreeMap<String, String> = unzip(&bytes).into_iter().collect();
    let doc = &parts["word/document.xml"];
    let sect = &doc[doc.find("<w:sectPr>").expect("sectPr")..];
    assert!(sect.contains("w:left=\"1417\""), "{sect}");
    assert!(!sect.contains("<w:titlePg/>") && !sect.contains("w:type=\"first\""));
    assert!(doc.contains("w:line=\"400\" w:lineRule=\"exact\"/><w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"720\"/>"));
    assert!(doc.contains("w:val=\"single\" w:sz=\"8\" w:space=\"0\""));
    let styles = &parts["word/styles.xml"];
    assert!(styles.contains("<w:rFonts w:ascii=\"Liberation Serif\""));
    assert!(styles.contains("<w:sz w:val=\"26\"/>") && styles.contains("<w:sz w:val=\"20\"/>"));
    assert!(!styles.contains("Times New Roman"));
}

#[test]
fn docx_superior_line_centred_headings_and_drafts() {
    let mut doc = sample();
    doc.meta.draft = true;
    doc.meta.date = "không phải ngày".into();
    doc.header.superior = Some("Đảng bộ tỉnh Hà Giang".into());
    doc.header.issuer = "Huyện ủy Vị Xuyên".into();
    doc.body.insert(
        0,
        Block::Heading {
            scheme: "upper-letter".into(),
            label: "A-".into(),
            inlines: vec![Inline::Text("Phần thứ nhất".into())],
        },
    );
    doc.body.push(Block::Heading {
        scheme: "không-có".into(),
        label: String::new(),
        inlines: vec![Inline::Text("Tiêu đề không đánh số".into())],
    });
    let parts = docx_parts(&doc);
    let xml = &parts["word/document.xml"];
    // The superior line: upper case, not bold, above the issuer (upper case, bold).
    let sup = xml
        .find(">ĐẢNG BỘ TỈNH HÀ GIANG</w:t>")
        .expect("superior line");
    let issuer = xml.find(">HUYỆN ỦY VỊ XUYÊN</w:t>").expect("issuer");
    assert!(sup < issuer);
    let sup_run = &xml[xml[..sup].rfind("<w:r>").expect("run")..sup];
    assert!(!sup_run.contains("<w:b/>"));
    // A centred heading has no first-line indent.
    let a = xml.find(">PHẦN THỨ NHẤT</w:t>").expect("A heading");
    let a_p = &xml[xml[..a].rfind("<w:p>").expect("p")..a];
    assert!(a_p.contains("<w:jc w:val=\"center\"/>") && !a_p.contains("w:firstLine"));
    assert!(a_p.contains("<w:keepNext/>") && a_p.contains("<w:outlineLvl w:val=\"0\"/>"));
    // An unknown scheme is plain text, with no label.
    let plain = xml
        .find("Tiêu đề không đánh số")
        .expect("unnumbered heading");
    let plain_p = &xml[xml[..plain].rfind("<w:p>").expect("p")..plain];
    assert!(!plain_p.contains("<w:b/>") && !plain_p.contains("<w:outlineLvl"));
    assert!(plain_p.ends_with("<w:r><w:t xml:space=\"preserve\">"));
    // A date that does not parse falls back to 1980-01-01; a draft says so in its properties.
    let core = &parts["docProps/core.xml"];
    assert!(core.contains(">1980-01-01T00:00:00Z</dcterms:created>"));
    assert!(core.contains("<cp:contentStatus>Dự thảo</cp:contentStatus>"));
    assert_eq!(
        to_docx(&doc, &profile()).expect("docx"),
        to_docx(&doc, &profile()).expect("docx")
    );
}
