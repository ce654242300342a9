//! Fonts: found on the system at run time, with Liberation Serif bundled as the last fallback.
//!
//! The profile names the family (Times New Roman). When the system lacks it, a free
//! metric-compatible family takes its place without comment: Liberation Serif (what LibreOffice
//! substitutes, so the DOCX and the PDF share glyphs) or Tinos. When the system has none of
//! them with every Vietnamese letter in all four styles (a bare server, a container), the
//! Liberation Serif compiled into the program is used (Debian's fonts-liberation2 2.1.5, SIL
//! Open Font License 1.1, `assets/fonts/LICENSE`): every PDF is set in Times New Roman's metrics,
//! on every machine, with no install step. Characters the chosen family lacks are taken from
//! another installed font; a character that no font has is an error: the PDF never shows a
//! missing glyph.
//!
//! This module is the crate's only I/O: it reads font files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::Error;

/// Every letter of the Vietnamese alphabet, lower then upper case: the 29 letters, the vowels
/// with each of the five tone marks, and the Latin letters f j w z of loanwords. 134 of them are
/// precomposed non-ASCII letters.
pub const VIETNAMESE_LETTERS: &str = concat!(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz",
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆFGHIÌÍỈĨỊJKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVWXYỲÝỶỸỴZ",
);

/// Families that stand in for Times New Roman with the same metrics (SIL OFL).
const METRIC_COMPATIBLE: [&str; 2] = ["Liberation Serif", "Tinos"];

/// The family bundled in the program: what a PDF is set in when the system has neither the
/// profile's family nor a metric-compatible one.
pub const BUNDLED_FAMILY: &str = "Liberation Serif";

/// Liberation Serif 2.1.5 (Debian fonts-liberation2): regular, bold, italic, bold italic.
/// SIL Open Font License 1.1, see `assets/fonts/LICENSE`.
const BUNDLED: [&[u8]; 4] = [
    include_bytes!("../assets/fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../assets/fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../assets/fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../assets/fonts/LiberationSerif-BoldItalic.ttf"),
];

/// The bundled family's four faces, parsed once per process.
fn bundled() -> Family {
    static FAMILY: OnceLock<Family> = OnceLock::new();
    FAMILY
        .get_or_init(|| Family {
            name: BUNDLED_FAMILY.to_string(),
            faces: BUNDLED.map(|data| Font::new(data.to_vec(), 0, BUNDLED_FAMILY.to_string())),
        })
        .clone()
}

/// Where fonts come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum FontSource {
    /// The system's fonts (fontconfig's directories on Linux), read once per process.
    #[default]
    System,
    /// Only the fonts in these directories (searched recursively): for tests and for machines
    /// whose fonts live elsewhere.
    Dirs(Vec<PathBuf>),
}

/// A loaded face: its file's bytes and what layout needs to know of it (metrics in em).
#[derive(Clone)]
pub struct Font {
    pub(crate) data: Arc<Vec<u8>>,
    pub(crate) index: u32,
    /// The family name as the scan found it.
    pub(crate) family: String,
    /// The code points the face maps, sorted.
    coverage: Arc<Vec<u32>>,
    serif: bool,
    /// Windows ascent plus the line gap, and the Windows descent: what Word's single line
    /// spacing is made of (1.15 em for Times New Roman and Liberation Serif).
    pub(crate) ascent: f32,
    pub(crate) descent: f32,
    /// Underline position (below the baseline, positive down) and thickness.
    pub(crate) underline: (f32, f32),
    /// Superscript size and raise.
    pub(crate) superscript: (f32, f32),
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("family", &self.family)
            .field("index", &self.index)
            .finish()
    }
}

impl Font {
    /// Parses a face's tables once: coverage, serif flag, metrics.
    fn new(data: Vec<u8>, index: u32, family: String) -> Option<Font> {
        let face = ttf_parser::Face::parse(&data, index).ok()?;
        let upem = f32::from(face.units_per_em());
        if upem <= 0.0 {
            return None;
        }
        let mut coverage = Vec::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|c| coverage.push(c));
            }
        }
        coverage.sort_unstable();
        coverage.dedup();
        let gap = f32::from(face.line_gap().max(0));
        let (ascent, descent) = match face.tables().os2 {
            Some(os2) if os2.windows_ascender() > 0 => (
                (f32::from(os2.windows_ascender()) + gap) / upem,
                f32::from(os2.windows_descender()).abs() / upem,
            ),
            _ => (
                (f32::from(face.ascender()) + gap) / upem,
                f32::from(face.descender()).abs() / upem,
            ),
        };
        let underline = face
            .underline_metrics()
            .map(|m| (-f32::from(m.position) / upem, f32::from(m.thickness) / upem))
            .filter(|(_, t)| *t > 0.0)
            .unwrap_or((0.1, 0.05));
        let superscript = face
            .superscript_metrics()
            .map(|m| (f32::from(m.y_size) / upem, f32::from(m.y_offset) / upem))
            .filter(|(size, raise)| *size > 0.3 && *size < 1.0 && *raise > 0.0 && *raise < 1.0)
            .unwrap_or((0.65, 0.35));
        let serif = serif_flag(&face, &family);
        Some(Font {
            data: Arc::new(data),
            index,
            family,
            coverage: Arc::new(coverage),
            serif,
            ascent,
            descent,
            underline,
            superscript,
        })
    }

    /// True for a serif face (OS/2 family class or PANOSE, else the name).
    /// The font file's bytes and the face's index in it (for embedding elsewhere, e.g. the
    /// visible signature of `baocao sign`).
    pub fn data(&self) -> (&[u8], u32) {
        (&self.data, self.index)
    }

    pub fn is_serif(&self) -> bool {
        self.serif
    }

    /// True when the face maps `c` to a glyph.
    pub fn has(&self, c: char) -> bool {
        self.coverage.binary_search(&(c as u32)).is_ok()
    }
}

/// Whether a face is a serif face: the OS/2 family class (1-7 are serif classes, 8 sans), else
/// its PANOSE serif style, else its name.
fn serif_flag(face: &ttf_parser::Face<'_>, family: &str) -> bool {
    if let Some(os2) = face.raw_face().table(ttf_parser::Tag::from_bytes(b"OS/2")) {
        if os2.len() >= 42 {
            let class = os2[30];
            if (1..=7).contains(&class) {
                return true;
            }
            if class == 8 {
                return false;
            }
            // PANOSE: family kind 2 (Latin text), serif style 2-10 serif, 11-13 sans.
            let (kind, serif_style) = (os2[32], os2[33]);
            if kind == 2 && (2..=10).contains(&serif_style) {
                return true;
            }
            if kind == 2 && (11..=13).contains(&serif_style) {
                return false;
            }
        }
    }
    let lower = family.to_lowercase();
    lower.contains("serif") && !lower.contains("sans")
}

/// One face of an installed font, as found by the scan (the file is read only when needed).
#[derive(Debug, Clone)]
struct FaceRef {
    path: PathBuf,
    index: u32,
    families: Vec<String>,
    italic: bool,
    weight: u16,
}

/// The installed fonts: faces found by scanning, and the data of the faces loaded so far.
pub struct FontLibrary {
    faces: Vec<FaceRef>,
    loaded: std::sync::Mutex<BTreeMap<(PathBuf, u32), Option<Font>>>,
}

impl std::fmt::Debug for FontLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontLibrary")
            .field("faces", &self.faces.len())
            .finish()
    }
}

impl FontLibrary {
    /// The fonts of `source`. The system's are scanned once per process and kept.
    pub fn get(source: &FontSource) -> Arc<FontLibrary> {
        static SYSTEM: OnceLock<Arc<FontLibrary>> = OnceLock::new();
        match source {
            FontSource::System => SYSTEM
                .get_or_init(|| {
                    let mut db = fontdb::Database::new();
                    db.load_system_fonts();
                    Arc::new(FontLibrary::from_db(&db))
                })
                .clone(),
            FontSource::Dirs(dirs) => {
                let mut db = fontdb::Database::new();
                for dir in dirs {
                    db.load_fonts_dir(dir);
                }
                Arc::new(FontLibrary::from_db(&db))
            }
        }
    }

    /// Only the system's font files whose names suggest `wanted` or a metric-compatible
    /// family (`times*.ttf`, `LiberationSerif-*.ttf`, `Tinos-*.ttf`), found in the usual font
    /// directories without reading fontconfig's configuration or any other font: what a report
    /// is nearly always set in, at a fraction of a full scan's cost. [`select_system`] falls back
    /// to the full scan whenever this library does not give a clean choice.
    fn quick(wanted: &str) -> Arc<FontLibrary> {
        static QUICK: OnceLock<std::sync::Mutex<BTreeMap<String, Arc<FontLibrary>>>> =
            OnceLock::new();
        let cache = QUICK.get_or_init(Default::default);
        if let Ok(map) = cache.lock() {
            if let Some(lib) = map.get(wanted) {
                return lib.clone();
            }
        }
        let squash = |s: &str| -> String {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let mut prefixes: Vec<String> = METRIC_COMPATIBLE.iter().map(|f| squash(f)).collect();
        if let Some(first) = wanted.split_whitespace().next() {
            prefixes.push(squash(first));
        }
        prefixes.retain(|p| p.len() >= 4);
        let mut dirs: Vec<PathBuf> = vec![
            PathBuf::from("/usr/share/fonts"),
            PathBuf::from("/usr/local/share/fonts"),
        ];
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            dirs.push(home.join(".local/share/fonts"));
            dirs.push(home.join(".fonts"));
        }
        let mut files = Vec::new();
        let mut stack = dirs;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(path);
                    continue;
                }
                let name = squash(&e.file_name().to_string_lossy());
                let font_file = name.ends_with("ttf") || name.ends_with("otf");
                if font_file && prefixes.iter().any(|p| name.starts_with(p.as_str())) {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut db = fontdb::Database::new();
        for f in &files {
            let _ = db.load_font_file(f);
        }
        let lib = Arc::new(FontLibrary::from_db(&db));
        if let Ok(mut map) = cache.lock() {
            map.insert(wanted.to_string(), lib.clone());
        }
        lib
    }

    fn from_db(db: &fontdb::Database) -> FontLibrary {
        let mut faces: Vec<FaceRef> = db
            .faces()
            .filter_map(|f| {
                let path = match &f.source {
                    fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                    fontdb::Source::Binary(_) => return None,
                };
                Some(FaceRef {
                    path,
                    index: f.index,
                    families: f.families.iter().map(|(name, _)| name.clone()).collect(),
                    italic: !matches!(f.style, fontdb::Style::Normal),
                    weight: f.weight.0,
                })
            })
            .collect();
        // Deterministic order whatever order the directories were read in.
        faces.sort_by(|a, b| (&a.path, a.index).cmp(&(&b.path, b.index)));
        FontLibrary {
            faces,
            loaded: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// Number of faces found.
    pub fn len(&self) -> usize {
        self.faces.len()
    }

    /// True when no font was found at all.
    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }

    fn load(&self, face: &FaceRef) -> Option<Font> {
        let key = (face.path.clone(), face.index);
        if let Ok(cache) = self.loaded.lock() {
            if let Some(font) = cache.get(&key) {
                return font.clone();
            }
        }
        let family = face.families.first().cloned().unwrap_or_default();
        let font = std::fs::read(&face.path)
            .ok()
            .and_then(|data| Font::new(data, face.index, family));
        if let Ok(mut cache) = self.loaded.lock() {
            cache.insert(key, font.clone());
        }
        font
    }

    /// Family names as the scan found them, each once, sorted.
    fn family_names(&self) -> BTreeSet<String> {
        self.faces
            .iter()
            .flat_map(|f| f.families.iter().cloned())
            .collect()
    }

    /// The four faces (regular, bold, italic, bold italic) of a family, as far as installed.
    fn family(&self, name: &str) -> Family {
        let members: Vec<&FaceRef> = self
            .faces
            .iter()
            .filter(|f| f.families.iter().any(|n| n.eq_ignore_ascii_case(name)))
            .collect();
        let pick = |italic: bool, bold: bool| -> Option<Font> {
            let target: u16 = if bold { 700 } else { 400 };
            members
                .iter()
                .filter(|f| f.italic == italic && (f.weight >= 600) == bold)
                .min_by_key(|f| (f.weight.abs_diff(target), f.path.clone(), f.index))
                .and_then(|f| self.load(f))
        };
        Family {
            name: name.to_string(),
            faces: [
                pick(false, false),
                pick(false, true),
                pick(true, false),
                pick(true, true),
            ],
        }
    }
}

/// A family's four styles: regular, bold, italic, bold italic (`None` where not installed).
#[derive(Debug, Clone)]
struct Family {
    name: String,
    faces: [Option<Font>; 4],
}

impl Family {
    fn installed(&self) -> impl Iterator<Item = &Font> {
        self.faces.iter().flatten()
    }

    fn complete_styles(&self) -> bool {
        self.faces.iter().all(Option::is_some)
    }

    /// How many (style, Vietnamese letter) pairs the family can show.
    fn vietnamese_score(&self) -> usize {
        self.installed()
            .map(|f| VIETNAMESE_LETTERS.chars().filter(|&c| f.has(c)).count())
            .sum()
    }

    fn vietnamese_complete(&self) -> bool {
        self.complete_styles() && self.vietnamese_score() == 4 * VIETNAMESE_LETTERS.chars().count()
    }

    /// True when every installed style has `c`.
    fn covers(&self, c: char) -> bool {
        self.complete_styles() && self.installed().all(|f| f.has(c))
    }

    fn serif(&self) -> bool {
        self.installed().any(|f| f.serif)
    }

    /// The family's name as its first face gives it.
    fn display_name(&self) -> String {
        self.installed()
            .next()
            .map(|f| f.family.clone())
            .unwrap_or_else(|| self.name.clone())
    }
}

/// The fonts a document is set in.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Every face the document may use: the main family's first, then those of families that
    /// supply characters it lacks.
    pub fonts: Vec<Font>,
    /// For each style (regular, bold, italic, bold italic), indices into `fonts` in the order
    /// they are asked for a character: the main family's face of that style (or its nearest
    /// installed style), then the other families'.
    pub styles: [Vec<usize>; 4],
    /// The main family's name.
    pub main: String,
    /// Vietnamese warnings (characters taken from other fonts).
    pub warnings: Vec<String>,
    /// True when the main family is the one bundled in the program (the system has neither
    /// the profile's family nor a metric-compatible one with every Vietnamese letter).
    pub bundled: bool,
}

/// The installed style nearest to `style` (0 regular, 1 bold, 2 italic, 3 bold italic).
fn nearest(faces: &[Option<Font>; 4], style: usize) -> Option<&Font> {
    let order: [usize; 4] = match style {
        1 => [1, 0, 3, 2],
        2 => [2, 0, 3, 1],
        3 => [3, 1, 2, 0],
        _ => [0, 1, 2, 3],
    };
    order.iter().find_map(|&i| faces[i].as_ref())
}

/// Chooses the fonts of `source` for a text made of `chars`, with `wanted` first. For the
/// system's fonts, the few files named like `wanted` or a metric-compatible family are tried
/// first; only when they do not give a clean choice (no such family complete, so the bundled
/// one would be used, or characters they lack) are all the system's fonts scanned, and the
/// choice made among them.
///
/// # Errors
/// See [`select`].
pub fn select_source(
    source: &FontSource,
    wanted: &str,
    chars: &BTreeSet<char>,
) -> Result<Selection, Error> {
    if *source == FontSource::System {
        let quick = FontLibrary::quick(wanted);
        if let Ok(sel) = select(&quick, wanted, chars) {
            if sel.warnings.is_empty() && !sel.bundled {
                return Ok(sel);
            }
        }
    }
    select(&FontLibrary::get(source), wanted, chars)
}

/// Chooses the fonts for a text made of `chars`, with `wanted` (the profile's family) first,
/// then the metric-compatible families installed, then the bundled Liberation Serif.
pub fn select(lib: &FontLibrary, wanted: &str, chars: &BTreeSet<char>) -> Result<Selection, Error> {
    let mut warnings = Vec::new();
    let mut preferred: Vec<&str> = vec![wanted];
    preferred.extend(METRIC_COMPATIBLE.iter().filter(|f| **f != wanted));
    let installed = preferred
        .iter()
        .map(|name| lib.family(name))
        .find(Family::vietnamese_complete);
    let bundled_main = installed.is_none();
    let main = installed.unwrap_or_else(bundled);

    let mut fonts: Vec<Font> = Vec::new();
    let mut styles: [Vec<usize>; 4] = Default::default();
    let add_family = |fam: &Family, fonts: &mut Vec<Font>, styles: &mut [Vec<usize>; 4]| {
        for (style, list) in styles.iter_mut().enumerate() {
            if let Some(face) = nearest(&fam.faces, style) {
                let at = fonts
                    .iter()
                    .position(|f| Arc::ptr_eq(&f.data, &face.data) && f.index == face.index)
                    .unwrap_or_else(|| {
                        fonts.push(face.clone());
                        fonts.len() - 1
                    });
                list.push(at);
            }
        }
    };
    add_family(&main, &mut fonts, &mut styles);

    // Characters the main family lacks in some style: from other families, fewest first.
    let visible = |c: &char| !c.is_whitespace() && !c.is_control();
    let mut missing: Vec<char> = chars
        .iter()
        .copied()
        .filter(visible)
        .filter(|&c| !main.covers(c))
        .collect();
    if !missing.is_empty() {
        let mut others: Vec<Family> = lib
            .family_names()
            .iter()
            .filter(|n| !n.eq_ignore_ascii_case(&main.name))
            .map(|n| lib.family(n))
            .collect();
        // Serif families with all four styles first, then the rest, by name.
        others.sort_by_key(|f| (!f.serif(), !f.complete_styles(), f.name.clone()));
        let mut borrowed = Vec::new();
        let mut used: Vec<String> = Vec::new();
        for fam in &others {
            if missing.is_empty() {
                break;
            }
            let has = |c: char| fam.installed().any(|f| f.has(c));
            if missing.iter().any(|&c| has(c)) {
                let name = fam.display_name();
                if !used.contains(&name) {
                    used.push(name.clone());
                    add_family(fam, &mut fonts, &mut styles);
                }
                let (got, rest): (Vec<char>, Vec<char>) = missing.iter().partition(|&&c| has(c));
                borrowed.push((name, got));
                missing = rest;
            }
        }
        // A character the main family has in some styles only is still shown by it in those.
        missing.retain(|&c| !main.installed().any(|f| f.has(c)));
        if !missing.is_empty() {
            return Err(Error::MissingGlyphs(missing.iter().collect()));
        }
        for (name, got) in borrowed {
            let shown: String = got.iter().take(20).collect();
            warnings.push(format!(
                "phông {} thiếu {} ký tự ({shown}), lấy từ phông {name}",
                main.display_name(),
                got.len()
            ));
        }
    }

    Ok(Selection {
        main: main.display_name(),
        fonts,
        styles,
        warnings,
        bundled: bundled_main,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick path (a few files named like the wanted families) must choose exactly what the
    /// full scan of the system's fonts chooses, when it is used at all.
    #[test]
    fn the_quick_path_chooses_what_the_full_scan_chooses() {
        let chars: BTreeSet<char> = VIETNAMESE_LETTERS.chars().chain(['0', ' ']).collect();
        let full = select(
            &FontLibrary::get(&FontSource::System),
            "Times New Roman",
            &chars,
        )
        .expect("a Vietnamese-complete font (scripts/test.sh installs Liberation Serif)");
        let quick = select_source(&FontSource::System, "Times New Roman", &chars).expect("quick");
        assert_eq!(quick.main, full.main);
        assert_eq!(quick.styles, full.styles);
        assert_eq!(quick.fonts.len(), full.fonts.len());
        for (a, b) in quick.fonts.iter().zip(&full.fonts) {
            assert_eq!((&a.family, a.index), (&b.family, b.index));
            assert!(a.data == b.data, "{} differs", a.family);
        }
        // And the quick library holds only the families it looks for.
        let lib = FontLibrary::quick("Times New Roman");
        assert!(!lib.is_empty());
        for name in lib.family_names() {
            let n = name.to_lowercase();
            assert!(
                n.starts_with("times") || n.starts_with("liberation serif") || n == "tinos",
                "{name}"
            );
        }
    }
}

#[cfg(test)]
mod bundled_tests {
    use super::*;

    /// The DOCX exporter sizes table columns with `document::widths::times_width`; the PDF
    /// measures with its font. Both give the same widths only if that table is Liberation
    /// Serif's (Times New Roman's) advance widths: checked here for every character a report's
    /// tables commonly hold, regular and bold.
    #[test]
    fn the_docx_width_table_is_liberation_serifs_advance_widths() {
        let chars: String = (' '..='~')
            .chain(VIETNAMESE_LETTERS.chars())
            .chain("–—‘’“”…".chars())
            .collect();
        let mut wrong = Vec::new();
        for (bold, data) in [(false, BUNDLED[0]), (true, BUNDLED[1])] {
            let face = ttf_parser::Face::parse(data, 0).expect("bundled font");
            assert_eq!(face.units_per_em(), 2048);
            for c in chars.chars() {
                let gid = face.glyph_index(c).expect("a glyph");
                let font = face.glyph_hor_advance(gid).unwrap_or(0);
                let table = document::widths::times_width(&c.to_string(), 2048.0, bold);
                if (table - f64::from(font)).abs() > 0.5 {
                    wrong.push(format!("{c:?} bold={bold}: table {table}, font {font}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_bundled_family_is_vietnamese_complete_in_four_styles() {
        let fam = bundled();
        assert!(fam.vietnamese_complete());
        assert_eq!(fam.display_name(), BUNDLED_FAMILY);
        let empty = FontLibrary {
            faces: Vec::new(),
            loaded: std::sync::Mutex::new(BTreeMap::new()),
        };
        let chars: BTreeSet<char> = VIETNAMESE_LETTERS.chars().collect();
        let sel = select(&empty, "Times New Roman", &chars).expect("bundled");
        assert!(sel.bundled && sel.warnings.is_empty());
        assert_eq!(sel.main, BUNDLED_FAMILY);
        assert_eq!(sel.fonts.len(), 4);
    }
}
