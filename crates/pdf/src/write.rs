//! The laid-out pages written as PDF with pdf-writer: fonts embedded as subsets (subsetter),
//! bookmarks from the headings, metadata (document information and XMP, xmp-writer) from the
//! document, and on request what PDF/A-2b asks for (the pdfaid schema, an sRGB output intent).
//!
//! Written on pdf-writer rather than a higher-level PDF library because the report's pages hold
//! only three things (positioned glyph runs, straight rules, highlight boxes), and the layer that
//! turns them into content streams is small; a general library spent several times the whole
//! layout's time on per-glyph bookkeeping for them.

use std::collections::BTreeMap;

use document::Meta;
use pdf_writer::types::{CidFontType, FontFlags, OutputIntentSubtype, SystemInfo, UnicodeCmap};
use pdf_writer::{Date, Filter, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::fonts::{Font, Selection};
use crate::layout::{Item, Laid};
use crate::Error;

/// The sRGB colour profile of the PDF/A output intent: the compact ICC v4 profile of
/// saucecontrol/Compact-ICC-Profiles (CC0; see `assets/README.md`).
const SRGB_ICC: &[u8] = include_bytes!("../assets/sRGB-v4.icc");

/// The document information entry that records where the signature goes.
pub const SIGNATURE_BOX_KEY: &[u8] = b"BaocaoSignatureBox";

/// The document information entry with the signer's title as printed ("PHÓ BÍ THƯ"), which
/// `baocao sign` shows in the visible signature unless told otherwise.
pub const SIGNER_TITLE_KEY: &[u8] = b"BaocaoSignerTitle";

/// Compression of content and font streams: level 1, zlib-rs's quick path. Level 6 (zlib's
/// default) makes these streams about 13 % smaller and takes several times as long (measured on
/// the full sample report).
const COMPRESSION: u32 = 1;

/// Writes the pages.
///
/// # Errors
/// [`Error::Write`] when a font cannot be read or subset.
pub fn write(
    laid: &Laid,
    sel: &Selection,
    meta: &Meta,
    keywords: &[String],
    pdfa: bool,
) -> Result<Vec<u8>, Error> {
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let pages_id = alloc();
    let info_id = alloc();
    let xmp_id = alloc();

    let mut fonts: BTreeMap<usize, FontUse> = BTreeMap::new();
    let page_ids: Vec<Ref> = laid.pages.iter().map(|_| alloc()).collect();
    let content_ids: Vec<Ref> = laid.pages.iter().map(|_| alloc()).collect();

    // Pages and their content.
    let mut contents: Vec<Vec<u8>> = Vec::with_capacity(laid.pages.len());
    for page in &laid.pages {
        let h = page.height;
        let mut c = Ops {
            buf: Vec::with_capacity(page.items.len() * 48),
        };
        let mut in_text = false;
        let mut cur_font: Option<(usize, f32)> = None;
        let mut cur_width: Option<f32> = None;
        for item in &page.items {
            match item {
                Item::Text { x, y, run } => {
                    if run.glyphs.is_empty() || run.size <= 0.0 {
                        continue;
                    }
                    let Some(face) = sel.fonts.get(run.face) else {
                        return Err(Error::Write(format!("phông thứ {} không có", run.face)));
                    };
                    if !in_text {
                        c.op("BT");
                        in_text = true;
                    }
                    if cur_font != Some((run.face, run.size)) {
                        c.font(run.face, run.size);
                        cur_font = Some((run.face, run.size));
                    }
                    c.place(*x, h - *y);
                    let used = fonts.entry(run.face).or_insert_with(|| FontUse::new(face));
                    c.begin_tj();
                    for &(gid, adv, ch) in &run.glyphs {
                        let cid = used.cid(gid, ch);
                        c.glyph(cid);
                        // Only stretched spaces differ from the font's own advance.
                        let extra = adv - used.advance(gid) * run.size;
                        if extra.abs() > 0.001 {
                            c.adjust(-extra * 1000.0 / run.size);
                        }
                    }
                    c.end_tj();
                }
                Item::Rule {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    if in_text {
                        c.op("ET");
                        in_text = false;
                    }
                    if cur_width != Some(*width) {
                        c.num(*width).op("w");
                        cur_width = Some(*width);
                    }
                    c.num(*x1).num(h - *y1).op("m");
                    c.num(*x2).num(h - *y2).op("l");
                    c.op("S");
                }
                Item::Fill {
                    x,
                    y,
                    w,
                    h: bh,
                    rgb,
                } => {
                    if in_text {
                        c.op("ET");
                        in_text = false;
                    }
                    c.num(rgb[0]).num(rgb[1]).num(rgb[2]).op("rg");
                    c.num(*x).num(h - *y - *bh).num(*w).num(*bh).op("re");
                    c.op("f");
                    c.op("0 g");
                }
            }
        }
        if in_text {
            c.op("ET");
        }
        contents.push(c.buf);
    }

    // Compressing the pages and subsetting the fonts take most of the time: on every core.
    let faces: Vec<(usize, &FontUse)> = fonts.iter().map(|(f, u)| (*f, u)).collect();
    let jobs = contents.len() + faces.len();
    let (pages_z, fonts_z) = parallel(jobs, |j| {
        if let Some(c) = contents.get(j) {
            deflate(c).map(Done::Page)
        } else {
            let (face, used) = faces[j - contents.len()];
            let font = sel
                .fonts
                .get(face)
                .ok_or_else(|| Error::Write("phông không có".into()))?;
            used.prepare(font).map(Done::Font)
        }
    })?;
    for (i, data) in pages_z.into_iter().enumerate() {
        pdf.stream(content_ids[i], &data)
            .filter(Filter::FlateDecode);
    }

    // Fonts: each face used, as a Type 0 font over its subset.
    let mut font_refs: Vec<(usize, Ref)> = Vec::new();
    for ((&face, used), file) in fonts.iter().zip(fonts_z) {
        let ids = FontIds {
            type0: alloc(),
            cid: alloc(),
            descriptor: alloc(),
            cmap: alloc(),
            file: alloc(),
        };
        let font = sel
            .fonts
            .get(face)
            .ok_or_else(|| Error::Write("phông không có".into()))?;
        used.write(&mut pdf, &ids, font, file)?;
        font_refs.push((face, ids.type0));
    }

    for (i, page) in laid.pages.iter().enumerate() {
        let mut p = pdf.page(page_ids[i]);
        p.media_box(Rect::new(0.0, 0.0, page.width, page.height))
            .parent(pages_id)
            .contents(content_ids[i]);
        let mut res = p.resources();
        let mut f = res.fonts();
        for (face, r) in &font_refs {
            f.pair(Name(font_name(*face).as_bytes()), *r);
        }
    }
    pdf.pages(pages_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);

    // Bookmarks nested by heading level.
    let outline_id = write_outline(&mut pdf, laid, &page_ids, &mut alloc);

    // Metadata: the document information dictionary and the same in XMP.
    let keywords = keywords.join(", ");
    let date = ymd(&meta.date);
    {
        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&meta.title))
            .author(TextStr(&meta.author))
            .subject(TextStr(&meta.subject))
            .keywords(TextStr(&keywords))
            .creator(TextStr("baocao"))
            .producer(TextStr("baocao"));
        // Where the signature goes (the room between the signer's title and name), for
        // `baocao sign` and other signing software: "page x1 y1 x2 y2", the page from 1, the
        // rectangle in the page's PDF coordinates.
        if let Some(b) = &laid.signature {
            let height = laid.pages.get(b.page).map_or(0.0, |p| p.height);
            let value = format!(
                "{} {:.2} {:.2} {:.2} {:.2}",
                b.page + 1,
                b.x,
                height - b.y - b.h,
                b.x + b.w,
                height - b.y
            );
            info.pair(Name(SIGNATURE_BOX_KEY), TextStr(&value));
        }
        if let Some(t) = &laid.signer_title {
            info.pair(Name(SIGNER_TITLE_KEY), TextStr(t));
        }
        if let Some((y, m, d)) = date {
            info.creation_date(
                Date::new(y)
                    .month(m)
                    .day(d)
                    .hour(0)
                    .minute(0)
                    .second(0)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0),
            );
        }
    }
    let mut xmp = xmp_writer::XmpWriter::new();
    xmp.title([(None, meta.title.as_str())])
        .creator([meta.author.as_str()])
        .description([(None, meta.subject.as_str())])
        .language([xmp_writer::LangId("vi")])
        .pdf_keywords(&keywords)
        .creator_tool("baocao")
        .producer("baocao")
        .format("application/pdf");
    if let Some((y, m, d)) = date {
        xmp.create_date(xmp_writer::DateTime::new(
            y,
            m,
            d,
            0,
            0,
            0,
            xmp_writer::Timezone::Utc,
        ));
    }
    if pdfa {
        xmp.pdfa_part(2).pdfa_conformance("B");
    }
    let xmp = xmp.finish(None);
    // pdf-writer marks it /Type /Metadata /Subtype /XML; XMP stays uncompressed (PDF/A).
    pdf.metadata(xmp_id, xmp.as_bytes());

    let icc_id = if pdfa {
        let id = alloc();
        pdf.icc_profile(id, SRGB_ICC)
            .n(3)
            .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
        Some(id)
    } else {
        None
    };

    {
        let mut cat = pdf.catalog(catalog_id);
        cat.pages(pages_id).metadata(xmp_id).lang(TextStr("vi"));
        if let Some(o) = outline_id {
            cat.outlines(o);
        }
        if let Some(icc) = icc_id {
            cat.output_intents()
                .push()
                .subtype(OutputIntentSubtype::PDFA)
                .output_condition_identifier(TextStr("sRGB"))
                .info(TextStr("sRGB IEC61966-2.1"))
                .dest_output_profile(icc);
        }
    }
    let id = file_id(meta, laid.pages.len());
    pdf.set_file_id((id.clone(), id));
    pdf.set_version(1, 7);
    Ok(pdf.finish())
}

/// A page's content stream, written directly: pdf-writer's content builder escapes every byte
/// of a glyph string and prints floats at full precision; the report needs only text placed by
/// its start (`Tm`), glyph strings with adjustments (`TJ`, as hex), rules and filled boxes, with
/// coordinates to a hundredth of a point.
#[derive(Default)]
struct Ops {
    buf: Vec<u8>,
}

impl Ops {
    fn op(&mut self, op: &str) -> &mut Self {
        self.buf.extend_from_slice(op.as_bytes());
        self.buf.push(b'\n');
        self
    }

    /// A number to two decimals, without trailing zeros, and a space.
    fn num(&mut self, v: f32) -> &mut Self {
        let cents = (f64::from(v) * 100.0).round() as i64;
        if cents < 0 {
            self.buf.push(b'-');
        }
        let a = cents.unsigned_abs();
        let (mut int, frac) = (a / 100, a % 100);
        let mut digits = [0u8; 20];
        let mut n = digits.len();
        loop {
            n -= 1;
            digits[n] = b'0' + (int % 10) as u8;
            int /= 10;
            if int == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[n..]);
        if frac != 0 {
            self.buf.push(b'.');
            self.buf.push(b'0' + (frac / 10) as u8);
            if frac % 10 != 0 {
                self.buf.push(b'0' + (frac % 10) as u8);
            }
        }
        self.buf.push(b' ');
        self
    }

    /// Selects a font (`Tf`).
    fn font(&mut self, face: usize, size: f32) {
        self.buf.push(b'/');
        self.buf.extend_from_slice(font_name(face).as_bytes());
        self.buf.push(b' ');
        self.num(size);
        self.buf.extend_from_slice(b"Tf\n");
    }

    /// Starts the next text at (x, y) (`Tm`).
    fn place(&mut self, x: f32, y: f32) {
        self.buf.extend_from_slice(b"1 0 0 1 ");
        self.num(x).num(y);
        self.buf.extend_from_slice(b"Tm\n");
    }

    fn begin_tj(&mut self) {
        self.buf.extend_from_slice(b"[(");
    }

    /// A glyph's two-byte code in a literal string (the string delimiters and the backslash
    /// escaped, carriage return written as an escape so that no reader turns it into a line
    /// feed).
    fn glyph(&mut self, cid: u16) {
        for b in cid.to_be_bytes() {
            match b {
                b'(' | b')' | b'\\' => self.buf.extend_from_slice(&[b'\\', b]),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
    }

    /// Moves the next glyph by `amount` thousandths of an em (negative: to the right).
    fn adjust(&mut self, amount: f32) {
        self.buf.extend_from_slice(b")");
        self.num(amount);
        self.buf.push(b'(');
    }

    fn end_tj(&mut self) {
        self.buf.extend_from_slice(b")]TJ\n");
    }
}

/// The resource name of a face.
fn font_name(face: usize) -> String {
    format!("F{face}")
}

/// References of one embedded font's objects.
struct FontIds {
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    cmap: Ref,
    file: Ref,
}

/// What a document uses of one face: its glyphs renumbered for the subset, their text, their
/// advances.
struct FontUse {
    /// The subset's glyph id (CID) of each glyph of the font, [`UNUSED`] when not used.
    cids: Vec<u16>,
    /// The font's glyph ids in subset order (the `.notdef` glyph first).
    order: Vec<u16>,
    /// The character of each CID (the first seen), for the ToUnicode map.
    chars: Vec<Option<char>>,
    advances: Vec<f32>,
    upem: f32,
}

/// A font program ready to embed: compressed, CFF or TrueType, its uncompressed length.
struct Embedded {
    data: Vec<u8>,
    cff: bool,
    length1: usize,
}

/// A glyph not (yet) in the subset.
const UNUSED: u16 = u16::MAX;

impl FontUse {
    fn new(font: &Font) -> FontUse {
        let (advances, upem) = match ttf_parser::Face::parse(&font.data, font.index) {
            Ok(face) => {
                let upem = f32::from(face.units_per_em()).max(1.0);
                let n = face.number_of_glyphs();
                let adv = (0..n)
                    .map(|g| {
                        face.glyph_hor_advance(ttf_parser::GlyphId(g))
                            .map_or(0.0, |a| f32::from(a) / upem)
                    })
                    .collect();
                (adv, upem)
            }
            Err(_) => (Vec::new(), 1000.0),
        };
        let mut cids = vec![UNUSED; advances.len().max(1)];
        cids[0] = 0;
        FontUse {
            cids,
            order: vec![0],
            chars: vec![None],
            advances,
            upem,
        }
    }

    /// The glyph's advance in em.
    fn advance(&self, gid: u16) -> f32 {
        self.advances.get(usize::from(gid)).copied().unwrap_or(0.0)
    }

    /// The glyph's number in the subset (its CID), remembering its text.
    fn cid(&mut self, gid: u16, ch: char) -> u16 {
        let at = usize::from(gid);
        if at >= self.cids.len() {
            self.cids.resize(at + 1, UNUSED);
        }
        let cid = self.cids[at];
        if cid != UNUSED {
            return cid;
        }
        // Subset order is first use; `order.len()` stays far below UNUSED (a font has at
        // most 65,535 glyphs, and the .notdef glyph is already counted).
        let cid = self.order.len() as u16;
        self.cids[at] = cid;
        self.order.push(gid);
        self.chars.push(Some(ch));
        cid
    }

    /// The subset font program, compressed (the part worth doing on another thread).
    fn prepare(&self, font: &Font) -> Result<Embedded, Error> {
        let remap = subsetter::GlyphRemapper::new_from_glyphs(&self.order);
        let subset = subsetter::subset(&font.data, font.index, &remap)
            .map_err(|e| Error::Write(format!("không nhúng được phông {}: {e:?}", font.family)))?;
        let cff = ttf_parser::RawFace::parse(&subset, 0)
            .ok()
            .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .map(<[u8]>::to_vec);
        Ok(match cff {
            Some(cff) => Embedded {
                data: deflate(&cff)?,
                cff: true,
                length1: cff.len(),
            },
            None => Embedded {
                data: deflate(&subset)?,
                cff: false,
                length1: subset.len(),
            },
        })
    }

    fn write(
        &self,
        pdf: &mut Pdf,
        ids: &FontIds,
        font: &Font,
        file: Embedded,
    ) -> Result<(), Error> {
        let face = ttf_parser::Face::parse(&font.data, font.index)
            .map_err(|e| Error::Write(format!("phông {} hỏng: {e}", font.family)))?;
        let cff = file.cff;

        let ps = postscript_name(&face).unwrap_or_else(|| font.family.replace(' ', ""));
        let base = format!("{}+{ps}", self.tag(&ps));
        let to_pdf = |v: f32| v * 1000.0 / self.upem;

        pdf.type0_font(ids.type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(ids.cid)
            .to_unicode(ids.cmap);

        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        {
            let mut cid = pdf.cid_font(ids.cid);
            cid.subtype(if cff {
                CidFontType::Type0
            } else {
                CidFontType::Type2
            })
            .base_font(Name(base.as_bytes()))
            .system_info(system_info)
            .font_descriptor(ids.descriptor)
            .default_width(0.0);
            if !cff {
                cid.cid_to_gid_map_predefined(Name(b"Identity"));
            }
            let widths: Vec<f32> = self
                .order
                .iter()
                .map(|&g| self.advance(g) * 1000.0)
                .collect();
            cid.widths().consecutive(0, widths);
        }

        let mut flags = FontFlags::SYMBOLIC;
        if font.is_serif() {
            flags |= FontFlags::SERIF;
        }
        if face.is_italic() || face.italic_angle() != 0.0 {
            flags |= FontFlags::ITALIC;
        }
        let bb = face.global_bounding_box();
        let ascent = to_pdf(f32::from(face.ascender()));
        let weight = f32::from(face.weight().to_number());
        pdf.font_descriptor(ids.descriptor)
            .name(Name(base.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                to_pdf(f32::from(bb.x_min)),
                to_pdf(f32::from(bb.y_min)),
                to_pdf(f32::from(bb.x_max)),
                to_pdf(f32::from(bb.y_max)),
            ))
            .italic_angle(face.italic_angle())
            .ascent(ascent)
            .descent(to_pdf(f32::from(face.descender())))
            .cap_height(
                face.capital_height()
                    .map_or(ascent, |c| to_pdf(f32::from(c))),
            )
            .stem_v(10.0 + 0.244 * (weight - 50.0).max(0.0))
            .font_file2_or_3(ids.file, cff);

        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (cid, ch) in self.chars.iter().enumerate() {
            if let (Ok(cid), Some(ch)) = (u16::try_from(cid), ch) {
                cmap.pair(cid, *ch);
            }
        }
        let cmap = deflate(&cmap.finish())?;
        pdf.cmap(ids.cmap, &cmap).filter(Filter::FlateDecode);

        let mut stream = pdf.stream(ids.file, &file.data);
        stream.filter(Filter::FlateDecode);
        if file.cff {
            stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        } else {
            stream.pair(
                Name(b"Length1"),
                i32::try_from(file.length1).unwrap_or(i32::MAX),
            );
        }
        Ok(())
    }

    /// The six-letter subset tag, from the font's name and the glyphs kept (the same subset
    /// gets the same tag, so output is deterministic).
    fn tag(&self, name: &str) -> String {
        let mut h = Fnv::default();
        h.write(name.as_bytes());
        for g in &self.order {
            h.write(&g.to_be_bytes());
        }
        let mut v = h.0;
        (0..6)
            .map(|_| {
                let c = char::from(b'A' + (v % 26) as u8);
                v /= 26;
                c
            })
            .collect()
    }
}

/// Writes FontFile2 (TrueType outlines) or FontFile3 (CFF outlines).
trait FontFileExt {
    fn font_file2_or_3(&mut self, id: Ref, cff: bool) -> &mut Self;
}

impl FontFileExt for pdf_writer::writers::FontDescriptor<'_> {
    fn font_file2_or_3(&mut self, id: Ref, cff: bool) -> &mut Self {
        if cff {
            self.font_file3(id)
        } else {
            self.font_file2(id)
        }
    }
}

/// The face's PostScript name (name ID 6), if it has a readable one.
fn postscript_name(face: &ttf_parser::Face<'_>) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .map(|s| {
            s.chars()
                .filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c))
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
}

/// The outline (bookmarks) tree; returns its root, if there are headings.
fn write_outline(
    pdf: &mut Pdf,
    laid: &Laid,
    page_ids: &[Ref],
    alloc: &mut impl FnMut() -> Ref,
) -> Option<Ref> {
    if laid.bookmarks.is_empty() {
        return None;
    }
    // Parent of each bookmark: the nearest earlier one of a lower level.
    let n = laid.bookmarks.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut stack: Vec<usize> = Vec::new();
    for (i, b) in laid.bookmarks.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&j| laid.bookmarks[j].level >= b.level)
        {
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let root_id = alloc();
    let ids: Vec<Ref> = (0..n).map(|_| alloc()).collect();
    // Descendants (all open).
    fn count(i: usize, children: &[Vec<usize>]) -> i32 {
        children[i].iter().map(|&c| 1 + count(c, children)).sum()
    }
    let siblings = |i: usize| -> &Vec<usize> {
        match parent[i] {
            Some(p) => &children[p],
            None => &roots,
        }
    };
    for (i, b) in laid.bookmarks.iter().enumerate() {
        let sib = siblings(i);
        let pos = sib.iter().position(|&s| s == i).unwrap_or(0);
        let mut item = pdf.outline_item(ids[i]);
        item.title(TextStr(&b.title))
            .parent(parent[i].map_or(root_id, |p| ids[p]));
        if pos > 0 {
            item.prev(ids[sib[pos - 1]]);
        }
        if let Some(&nx) = sib.get(pos + 1) {
            item.next(ids[nx]);
        }
        if let (Some(&f), Some(&l)) = (children[i].first(), children[i].last()) {
            item.first(ids[f]).last(ids[l]).count(count(i, &children));
        }
        let height = laid.pages.get(b.page).map_or(0.0, |p| p.height);
        if let Some(page) = page_ids.get(b.page) {
            item.dest().page(*page).xyz(0.0, height - b.y, None);
        }
    }
    let total: i32 = roots.iter().map(|&r| 1 + count(r, &children)).sum();
    if let (Some(&f), Some(&l)) = (roots.first(), roots.last()) {
        pdf.outline(root_id).first(ids[f]).last(ids[l]).count(total);
    }
    Some(root_id)
}

/// What a job of [`parallel`] made.
enum Done {
    Page(Vec<u8>),
    Font(Embedded),
}

/// Runs jobs `0..n` on every core (scoped threads taking the next job in turn), and returns the
/// compressed pages and the prepared fonts in job order.
fn parallel(
    n: usize,
    job: impl Fn(usize) -> Result<Done, Error> + Sync,
) -> Result<(Vec<Vec<u8>>, Vec<Embedded>), Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(n.max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let j = next.fetch_add(1, Ordering::Relaxed);
            if j >= n {
                return done;
            }
            done.push((j, job(j)));
        }
    };
    let mut all: Vec<(usize, Result<Done, Error>)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            match h.join() {
                Ok(done) => all.extend(done),
                Err(_) => all.push((n, Err(Error::Write("một luồng nén bị dừng".into())))),
            }
        }
        all
    });
    all.sort_by_key(|(j, _)| *j);
    let mut pages = Vec::new();
    let mut fonts = Vec::new();
    for (_, r) in all {
        match r? {
            Done::Page(p) => pages.push(p),
            Done::Font(f) => fonts.push(f),
        }
    }
    Ok((pages, fonts))
}

/// Deflate (zlib format) at [`COMPRESSION`], with zlib-rs: at this level it compresses these
/// streams about twice as fast as the system's C zlib (which flate2 links in this workspace).
fn deflate(data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; zlib_rs::compress_bound(data.len())];
    let (written, rc) = zlib_rs::compress_slice(
        &mut out,
        data,
        zlib_rs::DeflateConfig::new(COMPRESSION as i32),
    );
    if rc != zlib_rs::ReturnCode::Ok {
        return Err(Error::Write(format!("nén luồng PDF không được ({rc:?})")));
    }
    let n = written.len();
    out.truncate(n);
    Ok(out)
}

/// 64-bit FNV-1a: a stable hash for subset tags and the file identifier (std's hasher may
/// change between Rust versions; these must not).
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The file identifier: from the document's metadata and page count, never the clock.
fn file_id(meta: &Meta, pages: usize) -> Vec<u8> {
    let mut a = Fnv::default();
    let mut b = Fnv(0x8422_2325_cbf2_9ce4);
    for h in [&mut a, &mut b] {
        for s in [&meta.author, &meta.title, &meta.subject, &meta.date] {
            h.write(s.as_bytes());
            h.write(&[0]);
        }
        h.write(&pages.to_be_bytes());
    }
    let mut id = a.0.to_be_bytes().to_vec();
    id.extend(b.0.to_be_bytes());
    id
}

/// `YYYY-MM-DD` as (year, month, day) when it is a real date.
fn ymd(iso: &str) -> Option<(u16, u8, u8)> {
    let d = vi::Date::parse_iso(iso.trim()).ok()?;
    Some((u16::try_from(d.year()).ok()?, d.month(), d.day()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_checked() {
        assert_eq!(ymd("2021-09-05"), Some((2021, 9, 5)));
        assert_eq!(ymd("2021-02-30"), None);
        assert_eq!(ymd("2020-02-29"), Some((2020, 2, 29)));
        assert_eq!(ymd(""), None);
    }

    #[test]
    fn the_file_identifier_depends_on_the_document_only() {
        let meta = Meta {
            title: "Báo cáo".into(),
            author: "Tỉnh ủy".into(),
            subject: "Thử".into(),
            date: "2021-09-05".into(),
            draft: false,
        };
        assert_eq!(file_id(&meta, 3), file_id(&meta, 3));
        assert_ne!(file_id(&meta, 3), file_id(&meta, 4));
        assert_eq!(file_id(&meta, 3).len(), 16);
    }
}
