//! Writing PDF objects for the incremental update (lopdf objects and a few raw ones).
//!
//! Written here because lopdf's writer saves whole documents: an incremental update must append
//! to the original bytes untouched, and the signature must reserve a `/Contents` and a
//! `/ByteRange` of fixed size whose offsets are known before the CMS is made.

use lopdf::{Object, StringFormat};

/// Raw object bodies.
pub(crate) struct Obj;

impl Obj {
    /// `<< entries >>`.
    pub fn dict(entries: &str) -> Vec<u8> {
        format!("<< {entries} >>").into_bytes()
    }

    /// A stream with extra dictionary entries (the length is added).
    pub fn stream(entries: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!("<< {entries} /Length {} >>\nstream\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nendstream");
        out
    }
}

/// Glyph codes as a hexadecimal string.
pub(crate) fn hex_cids(cids: &[u16]) -> Vec<u8> {
    let mut s = String::from("<");
    for c in cids {
        s.push_str(&format!("{c:04X}"));
    }
    s.push('>');
    s.into_bytes()
}

/// A text string: literal when ASCII, else UTF-16BE with its byte order mark, in hexadecimal.
pub(crate) fn text_string(s: &str) -> String {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        let mut out = String::from("(");
        for c in s.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for u in s.encode_utf16() {
            out.push_str(&format!("{u:04X}"));
        }
        out.push('>');
        out
    }
}

/// A lopdf object in PDF syntax.
pub(crate) fn object(o: &Object, out: &mut Vec<u8>) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => {
            // The shortest text that reads back as the same number: a page's /MediaBox copied
            // into the update must compare equal to the original's, or verifiers that compare
            // revisions (pyHanko) call the update a modification of the page.
            let s = if r.is_finite() {
                format!("{r}")
            } else {
                "0".into()
            };
            out.extend_from_slice(if s == "-0" { b"0" } else { s.as_bytes() });
        }
        Object::Name(n) => name(n, out),
        Object::String(s, fmt) => match fmt {
            StringFormat::Hexadecimal => {
                out.push(b'<');
                for b in s {
                    out.extend_from_slice(format!("{b:02X}").as_bytes());
                }
                out.push(b'>');
            }
            StringFormat::Literal => {
                out.push(b'(');
                for &b in s {
                    match b {
                        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        _ => out.push(b),
                    }
                }
                out.push(b')');
            }
        },
        Object::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                object(x, out);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in d.iter() {
                out.push(b' ');
                name(k, out);
                out.push(b' ');
                object(v, out);
            }
            out.extend_from_slice(b" >>");
        }
        Object::Stream(s) => {
            let mut d = s.dict.clone();
            d.set("Length", Object::Integer(s.content.len() as i64));
            object(&Object::Dictionary(d), out);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, gen)) => {
            out.extend_from_slice(format!("{id} {gen} R").as_bytes());
        }
    }
}

fn name(n: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &b in n {
        if b.is_ascii_graphic() && !b"#()<>[]{}/%".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_written_in_pdf_syntax() {
        let mut d = lopdf::Dictionary::new();
        d.set("Type", Object::Name(b"Page".to_vec()));
        d.set(
            "A b",
            Object::Array(vec![
                Object::Integer(1),
                Object::Real(0.5),
                Object::Real(595.27563),
                Object::Reference((3, 0)),
            ]),
        );
        d.set("T", Object::String(b"a(b)".to_vec(), StringFormat::Literal));
        let mut out = Vec::new();
        object(&Object::Dictionary(d), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<< /Type /Page /A#20b [1 0.5 595.27563 3 0 R] /T (a\\(b\\)) >>"
        );
        assert_eq!(text_string("Bí thư"), "<FEFF004200ED00200074006801B0>");
        assert_eq!(text_string("a(b)"), "(a\\(b\\))");
    }
}
