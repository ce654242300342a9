//! The visible signature: a form XObject with the signer's lines in an embedded subset of the
//! font the caller gives (Vietnamese needs a Unicode font; the standard 14 fonts lack most of
//! its letters).

use crate::write::{hex_cids, Obj};
use crate::{Error, FontData};

/// The appearance stream and the objects it needs (allocated through `alloc`).
pub(crate) struct Built {
    pub stream: Vec<u8>,
    /// The Type 0 font's object number.
    pub font: u32,
    pub objects: Vec<(u32, Vec<u8>)>,
}

/// Inner padding, points.
const PAD: f32 = 4.0;
/// Line height, a multiple of the font size.
const LEADING: f32 = 1.25;
/// The largest text size, points.
const MAX_SIZE: f32 = 10.0;

pub(crate) fn build(
    lines: &[String],
    w: f32,
    h: f32,
    font: &FontData<'_>,
    alloc: &mut impl FnMut() -> u32,
) -> Result<Built, Error> {
    let face = ttf_parser::Face::parse(font.data, font.index)
        .map_err(|e| Error::Appearance(format!("phông chữ hỏng ({e})")))?;
    let upem = f32::from(face.units_per_em()).max(1.0);
    // Glyphs in first-use order; the subset's glyph id (the CID) is the position.
    let mut order: Vec<u16> = vec![0];
    let mut chars: Vec<Option<char>> = vec![None];
    let mut set: Vec<Vec<(u16, f32)>> = Vec::new();
    for line in lines {
        let mut l = Vec::new();
        for ch in line.chars() {
            let gid = face
                .glyph_index(ch)
                .ok_or_else(|| Error::Appearance(format!("phông chữ không có ký tự “{ch}”")))?
                .0;
            let adv = f32::from(
                face.glyph_hor_advance(ttf_parser::GlyphId(gid))
                    .unwrap_or(0),
            ) / upem;
            let cid = match order.iter().position(|&g| g == gid) {
                Some(p) => p,
                None => {
                    order.push(gid);
                    chars.push(Some(ch));
                    order.len() - 1
                }
            };
            l.push((
                u16::try_from(cid).map_err(|_| Error::Appearance("quá nhiều ký tự".into()))?,
                adv,
            ));
        }
        set.push(l);
    }
    let widest = set
        .iter()
        .map(|l| l.iter().map(|g| g.1).sum::<f32>())
        .fold(0.0_f32, f32::max)
        .max(0.01);
    let n = set.len().max(1) as f32;
    let size = MAX_SIZE
        .min((h - 2.0 * PAD) / (n * LEADING))
        .min((w - 2.0 * PAD) / widest);
    if size < 3.0 {
        return Err(Error::BadRect(format!(
            "ô chữ ký {w:.0}×{h:.0} điểm quá nhỏ cho {n} dòng"
        )));
    }

    // The content: a dark red frame, then the lines in dark blue, centred vertically.
    let mut c = String::new();
    c.push_str(&format!(
        "q 0.6 0 0 RG 0.8 w {:.2} {:.2} {:.2} {:.2} re S Q\n",
        0.4,
        0.4,
        w - 0.8,
        h - 0.8
    ));
    c.push_str(&format!("BT 0 0 0.55 rg /F1 {size:.2} Tf\n"));
    let block = n * size * LEADING;
    let top = (h + block) / 2.0;
    let mut body = c.into_bytes();
    for (i, l) in set.iter().enumerate() {
        let y = top - (i as f32 + 1.0) * size * LEADING + 0.25 * size;
        body.extend_from_slice(format!("1 0 0 1 {PAD:.2} {y:.2} Tm ").as_bytes());
        let cids: Vec<u16> = l.iter().map(|g| g.0).collect();
        body.extend_from_slice(&hex_cids(&cids));
        body.extend_from_slice(b" Tj\n");
    }
    body.extend_from_slice(b"ET\n");

    // The font: Type 0 over a CID font over the subset.
    let remap = subsetter::GlyphRemapper::new_from_glyphs(&order);
    let subset = subsetter::subset(font.data, font.index, &remap)
        .map_err(|e| Error::Appearance(format!("không nhúng được phông chữ ({e:?})")))?;
    let cff = ttf_parser::RawFace::parse(&subset, 0)
        .ok()
        .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
        .map(<[u8]>::to_vec);
    let ps: String = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| "Font".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let base = format!("BCSIGN+{ps}");
    let (type0, cid, desc, cmap, file) = (alloc(), alloc(), alloc(), alloc(), alloc());
    let mut objects = Vec::new();
    let to_pdf = |v: i16| f32::from(v) * 1000.0 / upem;
    let widths: Vec<String> = order
        .iter()
        .map(|&g| {
            let a = f32::from(face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0));
            format!("{:.0}", a * 1000.0 / upem)
        })
        .collect();
    objects.push((
        type0,
        Obj::dict(&format!(
            "/Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H \
             /DescendantFonts [{cid} 0 R] /ToUnicode {cmap} 0 R"
        )),
    ));
    objects.push((
        cid,
        Obj::dict(&format!(
            "/Type /Font /Subtype /{} /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) \
             /Ordering (Identity) /Supplement 0 >> /FontDescriptor {desc} 0 R /DW 0 /W [0 [{}]]{}",
            if cff.is_some() {
                "CIDFontType0"
            } else {
                "CIDFontType2"
            },
            widths.join(" "),
            if cff.is_some() {
                ""
            } else {
                " /CIDToGIDMap /Identity"
            }
        )),
    ));
    let bb = face.global_bounding_box();
    objects.push((
        desc,
        Obj::dict(&format!(
            "/Type /FontDescriptor /FontName /{base} /Flags 4 /FontBBox [{:.0} {:.0} {:.0} {:.0}] \
             /ItalicAngle 0 /Ascent {:.0} /Descent {:.0} /CapHeight {:.0} /StemV 80 /{} {file} 0 R",
            to_pdf(bb.x_min),
            to_pdf(bb.y_min),
            to_pdf(bb.x_max),
            to_pdf(bb.y_max),
            to_pdf(face.ascender()),
            to_pdf(face.descender()),
            to_pdf(face.capital_height().unwrap_or(face.ascender())),
            if cff.is_some() {
                "FontFile3"
            } else {
                "FontFile2"
            }
        )),
    ));
    objects.push((cmap, Obj::stream("", &to_unicode(&chars))));
    objects.push((
        file,
        match &cff {
            Some(data) => Obj::stream("/Subtype /CIDFontType0C", data),
            None => Obj::stream(&format!("/Length1 {}", subset.len()), &subset),
        },
    ));
    Ok(Built {
        stream: body,
        font: type0,
        objects,
    })
}

/// The ToUnicode CMap: each CID to its character.
fn to_unicode(chars: &[Option<char>]) -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let pairs: Vec<(usize, char)> = chars
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c)))
        .collect();
    for chunk in pairs.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (cid, ch) in chunk {
            let mut units = [0u16; 2];
            let hex: String = ch
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            s.push_str(&format!("<{cid:04X}> <{hex}>\n"));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}
