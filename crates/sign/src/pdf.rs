//! Reading a PDF's signatures with lopdf, and the byte-level facts lopdf does not give: where
//! each revision ends, whether a `/ByteRange` is sound.

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::{Error, MAX_CONTENTS_BYTES, MAX_PDF_BYTES};

/// Parses a PDF, refusing what is not one, is too large or is encrypted.
///
/// # Errors
/// [`Error::NotPdf`], [`Error::TooLarge`], [`Error::Unreadable`], [`Error::Encrypted`].
pub fn load(bytes: &[u8]) -> Result<Document, Error> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(Error::TooLarge {
            size: bytes.len(),
            max: MAX_PDF_BYTES,
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Error::NotPdf);
    }
    // lopdf tries the empty password on an encrypted file; the trailer keeps /Encrypt.
    let doc = Document::load_mem(bytes).map_err(|e| Error::Unreadable(e.to_string()))?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(Error::Encrypted);
    }
    if doc.trailer.get(b"Root").is_err() {
        return Err(Error::Unreadable("không có từ điển gốc (/Root)".into()));
    }
    Ok(doc)
}

/// A signature field that holds a signature.
#[derive(Debug, Clone)]
pub struct SigField {
    /// The field's full name ("ChuKy1", "parent.child").
    pub name: String,
    /// The page (1-based) of its widget, when known.
    pub page: Option<usize>,
    /// The signature value, or a Vietnamese reason why it is malformed.
    pub value: Result<SigValue, String>,
}

/// A signature dictionary's parts that matter.
#[derive(Debug, Clone)]
pub struct SigValue {
    /// `[start1 len1 start2 len2]`, checked against the file.
    pub byte_range: [usize; 4],
    /// The signature (`/Contents`), decoded from the file's own bytes between the ranges, with
    /// the trailing zero padding kept.
    pub contents: Vec<u8>,
    pub sub_filter: String,
    /// `/M`, the claimed signing time, as written (`D:20210905...`).
    pub m: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
}

impl SigValue {
    /// Where the signed revision ends.
    pub fn end(&self) -> usize {
        self.byte_range[2] + self.byte_range[3]
    }
}

/// Every signature field with a value, in the order of the form's fields (then any signature
/// dictionary not reached from the form, for files whose form was lost).
pub fn signature_fields(doc: &Document, bytes: &[u8]) -> Vec<SigField> {
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let mut out = Vec::new();
    let mut seen_values: Vec<ObjectId> = Vec::new();
    if let Some(fields) = acroform(doc).and_then(|f| get_array(doc, f, b"Fields")) {
        let mut stack: Vec<(Object, String, Option<Vec<u8>>, usize)> = fields
            .iter()
            .rev()
            .map(|o| (o.clone(), String::new(), None, 0))
            .collect();
        while let Some((obj, prefix, ft, depth)) = stack.pop() {
            if depth > 32 || out.len() > 1000 {
                break;
            }
            let Ok((_, Object::Dictionary(d))) = doc.dereference(&obj) else {
                continue;
            };
            let part = d.get(b"T").ok().and_then(|t| text(doc, t));
            let name = match (prefix.is_empty(), part) {
                (true, Some(p)) => p,
                (false, Some(p)) => format!("{prefix}.{p}"),
                (_, None) => prefix.clone(),
            };
            let ft = match d.get(b"FT") {
                Ok(Object::Name(n)) => Some(n.clone()),
                _ => ft,
            };
            if let Some(kids) = get_array(doc, d, b"Kids") {
                // Kids that are fields (have /T) are walked; widget kids only give the page.
                let field_kids: Vec<&Object> = kids
                    .iter()
                    .filter(|k| {
                        matches!(doc.dereference(k), Ok((_, Object::Dictionary(kd))) if kd.has(b"T"))
                    })
                    .collect();
                if !field_kids.is_empty() {
                    for k in field_kids.into_iter().rev() {
                        stack.push((k.clone(), name.clone(), ft.clone(), depth + 1));
                    }
                    continue;
                }
            }
            if ft.as_deref() != Some(b"Sig") {
                continue;
            }
            let Ok(v) = d.get(b"V") else {
                continue; // an empty signature field: a place reserved, not a signature
            };
            if let Object::Reference(id) = v {
                seen_values.push(*id);
            }
            let page = widget_page(doc, d, &pages);
            let value = match doc.dereference(v) {
                Ok((_, Object::Dictionary(sd))) => sig_value(doc, sd, bytes),
                Ok((_, Object::Null)) => continue,
                _ => Err("giá trị của trường chữ ký (/V) không phải từ điển chữ ký".to_string()),
            };
            out.push(SigField { name, page, value });
        }
    }
    // Signature dictionaries the form does not reach.
    for (id, obj) in &doc.objects {
        if seen_values.contains(id) {
            continue;
        }
        if let Object::Dictionary(d) = obj {
            let is_sig = matches!(d.get(b"Type"), Ok(Object::Name(n)) if n == b"Sig");
            if is_sig && d.has(b"ByteRange") {
                out.push(SigField {
                    name: format!("(đối tượng {} {})", id.0, id.1),
                    page: None,
                    value: sig_value(doc, d, bytes),
                });
            }
        }
    }
    out.sort_by_key(|f| f.value.as_ref().map_or(usize::MAX, SigValue::end));
    out
}

/// The catalog's form (`/AcroForm`), if any.
pub fn acroform(doc: &Document) -> Option<&Dictionary> {
    let root = doc.trailer.get(b"Root").ok()?;
    let (_, Object::Dictionary(cat)) = doc.dereference(root).ok()? else {
        return None;
    };
    match doc.dereference(cat.get(b"AcroForm").ok()?).ok()? {
        (_, Object::Dictionary(d)) => Some(d),
        _ => None,
    }
}

/// An array entry, following references.
pub fn get_array<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Vec<Object>> {
    match doc.dereference(d.get(key).ok()?).ok()? {
        (_, Object::Array(a)) => Some(a),
        _ => None,
    }
}

/// A text string (PDFDocEncoding or UTF-16BE with its byte order mark).
pub fn text(doc: &Document, o: &Object) -> Option<String> {
    let (_, Object::String(b, _)) = doc.dereference(o).ok()? else {
        return None;
    };
    Some(decode_text(b))
}

/// Decodes a PDF text string.
pub fn decode_text(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(&b[3..]).into_owned()
    } else {
        // PDFDocEncoding agrees with Latin-1 for what signers write here.
        b.iter().map(|&c| char::from(c)).collect()
    }
}

fn widget_page(doc: &Document, d: &Dictionary, pages: &[ObjectId]) -> Option<usize> {
    let by_p = |d: &Dictionary| match d.get(b"P") {
        Ok(Object::Reference(id)) => pages.iter().position(|p| p == id),
        _ => None,
    };
    if let Some(p) = by_p(d) {
        return Some(p + 1);
    }
    if let Some(kids) = get_array(doc, d, b"Kids") {
        for k in kids {
            if let Ok((_, Object::Dictionary(kd))) = doc.dereference(k) {
                if let Some(p) = by_p(kd) {
                    return Some(p + 1);
                }
            }
        }
    }
    None
}

/// The signature dictionary checked against the file: `/ByteRange` four integers inside the
/// file, starting at 0, leaving out exactly the hexadecimal `/Contents` string.
fn sig_value(doc: &Document, d: &Dictionary, bytes: &[u8]) -> Result<SigValue, String> {
    let br = match d.get(b"ByteRange").map(|o| doc.dereference(o)) {
        Ok(Ok((_, Object::Array(a)))) => a,
        Ok(_) => return Err("/ByteRange không phải một mảng".into()),
        Err(_) => return Err("thiếu /ByteRange".into()),
    };
    if br.len() != 4 {
        return Err(format!("/ByteRange có {} số thay vì 4", br.len()));
    }
    let mut r = [0usize; 4];
    for (i, o) in br.iter().enumerate() {
        match o {
            Object::Integer(n) if *n >= 0 => {
                r[i] = usize::try_from(*n).map_err(|_| "/ByteRange quá lớn".to_string())?;
            }
            _ => return Err("/ByteRange phải gồm bốn số nguyên không âm".into()),
        }
    }
    let [a, b, c, l2] = r;
    let end = c
        .checked_add(l2)
        .ok_or_else(|| "/ByteRange quá lớn".to_string())?;
    if a != 0 {
        return Err("/ByteRange không bắt đầu từ đầu tệp".into());
    }
    if b >= c || end > bytes.len() {
        return Err(format!(
            "/ByteRange [{a} {b} {c} {l2}] nằm ngoài tệp ({} byte)",
            bytes.len()
        ));
    }
    let gap = &bytes[b..c];
    if gap.len() > 2 * MAX_CONTENTS_BYTES + 2 {
        return Err(format!(
            "/Contents quá lớn ({} byte; tối đa {MAX_CONTENTS_BYTES} byte)",
            gap.len() / 2
        ));
    }
    if gap.len() < 2 || gap[0] != b'<' || gap[gap.len() - 1] != b'>' {
        return Err(
            "phần /ByteRange bỏ ra không đúng là chuỗi /Contents (<...>): phạm vi ký sai".into(),
        );
    }
    let contents = unhex(&gap[1..gap.len() - 1])
        .ok_or_else(|| "/Contents không phải chuỗi thập lục phân".to_string())?;
    let name = |k: &[u8]| match d.get(k) {
        Ok(Object::Name(n)) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    };
    let txt = |k: &[u8]| d.get(k).ok().and_then(|o| text(doc, o));
    Ok(SigValue {
        byte_range: r,
        contents,
        sub_filter: name(b"SubFilter").unwrap_or_default(),
        m: txt(b"M"),
        reason: txt(b"Reason"),
        location: txt(b"Location"),
    })
}

fn unhex(h: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = h
        .iter()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|&c| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(
        digits
            .chunks(2)
            .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
            .collect(),
    )
}

/// The place baocao's PDF exporter reserves for the signature (the document information
/// entry `/BaocaoSignatureBox`, "page x1 y1 x2 y2"): the page from 1 and the rectangle in PDF
/// coordinates. None for other PDFs.
pub fn signature_box(doc: &Document) -> Option<(usize, [f32; 4])> {
    let (_, Object::Dictionary(info)) = doc.dereference(doc.trailer.get(b"Info").ok()?).ok()?
    else {
        return None;
    };
    let s = text(doc, info.get(b"BaocaoSignatureBox").ok()?)?;
    let mut parts = s.split_whitespace();
    let page: usize = parts.next()?.parse().ok()?;
    let mut r = [0f32; 4];
    for v in &mut r {
        *v = parts.next()?.parse().ok()?;
    }
    (page >= 1 && r[2] > r[0] && r[3] > r[1]).then_some((page, r))
}

/// The signer's title baocao's PDF exporter records (the document information entry
/// `/BaocaoSignerTitle`, "PHÓ BÍ THƯ"), if any.
///
/// # Errors
/// The PDF cannot be read.
pub fn signer_title(bytes: &[u8]) -> Result<Option<String>, Error> {
    let doc = load(bytes)?;
    let Some(Ok((_, Object::Dictionary(info)))) =
        doc.trailer.get(b"Info").ok().map(|i| doc.dereference(i))
    else {
        return Ok(None);
    };
    Ok(info
        .get(b"BaocaoSignerTitle")
        .ok()
        .and_then(|t| text(&doc, t))
        .filter(|t| !t.trim().is_empty()))
}

/// Where a visible signature goes: the place baocao's exporter reserved ([`signature_box`]),
/// else the lower right of the last page (a box 220 × 70 points above a 2 cm margin).
/// Returns the page (from 1), the rectangle, and whether it was the reserved place.
///
/// # Errors
/// The PDF cannot be read, or has no page.
pub fn signature_place(bytes: &[u8]) -> Result<(usize, [f32; 4], bool), Error> {
    let doc = load(bytes)?;
    if let Some((page, r)) = signature_box(&doc) {
        return Ok((page, r, true));
    }
    let pages = doc.get_pages();
    let (&n, &id) = pages
        .iter()
        .next_back()
        .ok_or_else(|| Error::Unreadable("tệp không có trang nào".into()))?;
    let mut width = 595.0;
    let mut cur = Some(id);
    // /MediaBox may be inherited from the page tree.
    for _ in 0..32 {
        let Some(node) = cur.and_then(|i| doc.get_dictionary(i).ok()) else {
            break;
        };
        if let Some(mb) = get_array(&doc, node, b"MediaBox") {
            let num = |o: &Object| {
                o.as_float()
                    .ok()
                    .or_else(|| o.as_i64().ok().map(|i| i as f32))
            };
            if let (Some(x1), Some(x2)) = (mb.first().and_then(num), mb.get(2).and_then(num)) {
                width = x2 - x1;
            }
            break;
        }
        cur = node.get(b"Parent").and_then(Object::as_reference).ok();
    }
    let margin = 56.7;
    Ok((
        n as usize,
        [
            width - margin - 220.0,
            margin,
            width - margin,
            margin + 70.0,
        ],
        false,
    ))
}

/// Where each revision ends: just after each `%%EOF` marker and its end of line.
pub fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut i = 0;
    while let Some(p) = find(&bytes[i..], b"%%EOF") {
        let mut e = i + p + 5;
        if bytes.get(e) == Some(&b'\r') {
            e += 1;
        }
        if bytes.get(e) == Some(&b'\n') {
            e += 1;
        }
        ends.push(e);
        i = e;
    }
    ends
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses a PDF date `D:YYYYMMDDHHmmSS+HH'mm'` (fields after the year optional).
pub fn parse_date(s: &str) -> Option<time::OffsetDateTime> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let b = s.as_bytes();
    let num = |from: usize, len: usize, default: u32| -> Option<u32> {
        match b.get(from..from + len) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => {
                std::str::from_utf8(d).ok()?.parse().ok()
            }
            Some(_) => None,
            None => Some(default),
        }
    };
    let year = i32::try_from(num(0, 4, 0)?).ok()?;
    let month = time::Month::try_from(u8::try_from(num(4, 2, 1)?).ok()?).ok()?;
    let day = u8::try_from(num(6, 2, 1)?).ok()?;
    let hour = u8::try_from(num(8, 2, 0)?).ok()?;
    let minute = u8::try_from(num(10, 2, 0)?).ok()?;
    let second = u8::try_from(num(12, 2, 0)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let t = time::Time::from_hms(hour, minute, second).ok()?;
    let offset = match b.get(14) {
        Some(&sign @ (b'+' | b'-')) => {
            let h = i8::try_from(num(15, 2, 0)?).ok()?;
            let m = i8::try_from(num(18, 2, 0).unwrap_or(0)).ok()?;
            let (h, m) = if sign == b'-' { (-h, -m) } else { (h, m) };
            time::UtcOffset::from_hms(h, m, 0).ok()?
        }
        _ => time::UtcOffset::UTC,
    };
    Some(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_parse() {
        let t = parse_date("D:20210905143000+07'00'").unwrap();
        assert_eq!(t.unix_timestamp(), 1_630_827_000);
        assert_eq!(parse_date("D:2021").unwrap().year(), 2021);
        assert!(parse_date("D:2021xx01").is_none());
    }

    #[test]
    fn revisions_end_after_each_eof() {
        let b = b"%PDF-1.7\n1\n%%EOF\nmore\n%%EOF\r\n";
        assert_eq!(revision_ends(b), vec![17, b.len()]);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(load(b"hello"), Err(Error::NotPdf)));
        assert!(matches!(
            load(b"%PDF-1.7\ngarbage"),
            Err(Error::Unreadable(_))
        ));
    }
}
