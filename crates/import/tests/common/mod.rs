//! Word files written by hand for the tests: the smallest DOCX Word opens, with the parts a
//! test gives (document body, numbering, footnotes, styles).
// Each test binary uses a part of these helpers.
#![allow(dead_code)]

use std::io::Write;

pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A DOCX from a body (the inside of `w:body`) and optional numbering, footnotes and styles XML
/// (the inside of their root elements).
pub fn docx(
    body: &str,
    numbering: Option<&str>,
    footnotes: Option<&str>,
    styles: Option<&str>,
) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, text: String| {
            z.start_file(name, o).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        };
        put(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        );
        put(
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        );
        put(
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
            ),
        );
        if let Some(n) = numbering {
            put(
                "word/numbering.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W}">{n}</w:numbering>"#
                ),
            );
        }
        if let Some(f) = footnotes {
            put(
                "word/footnotes.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W}">{f}</w:footnotes>"#
                ),
            );
        }
        if let Some(s) = styles {
            put(
                "word/styles.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W}">{s}</w:styles>"#
                ),
            );
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// XML-escapes text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A plain paragraph.
pub fn p(text: &str) -> String {
    format!(
        r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        esc(text)
    )
}

/// A bold paragraph.
pub fn bold(text: &str) -> String {
    format!(
        r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        esc(text)
    )
}

/// A table from rows of cells; a cell "<<" continues the cell on its left (gridSpan), "^^" the
/// cell above (vMerge).
pub fn table(rows: &[Vec<&str>]) -> String {
    let mut s = String::from("<w:tbl>");
    for (r, row) in rows.iter().enumerate() {
        s.push_str("<w:tr>");
        let mut c = 0;
        while c < row.len() {
            let mut span = 1;
            while row.get(c + span) == Some(&"<<") {
                span += 1;
            }
            let text = row[c];
            let below_merged = rows
                .get(r + 1)
                .and_then(|next| next.get(c))
                .is_some_and(|x| *x == "^^");
            let mut pr = String::new();
            if span > 1 {
                pr.push_str(&format!(r#"<w:gridSpan w:val="{span}"/>"#));
            }
            if text == "^^" {
                pr.push_str("<w:vMerge/>");
            } else if below_merged {
                pr.push_str(r#"<w:vMerge w:val="restart"/>"#);
            }
            let t = if text == "^^" { "" } else { text };
            let paras: String = t.split('\n').map(p).collect();
            s.push_str(&format!("<w:tc><w:tcPr>{pr}</w:tcPr>{paras}</w:tc>"));
            c += span;
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s
}
