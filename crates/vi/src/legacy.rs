//! Legacy Vietnamese 8-bit encodings: TCVN3 (ABC, fonts `.VnTime`, `.VnArial`…, and the
//! capitals-only `.VnTimeH`, `.VnArialH`…) and VNI (VNI-Windows, fonts `VNI-Times`…).
//!
//! Text typed in those encodings reaches us through Word as Latin-1 characters (Word reads the
//! font's 8-bit codes as Windows-1252, which equals Latin-1 above 0xA0): "Hµ Giang" is TCVN3 for
//! "Hà Giang", "Haø Giang" is VNI for it. [`legacy_font`] tells the encoding from a font name,
//! [`decode_legacy`] converts to Unicode NFC, and [`detect_legacy`] recognises legacy text that
//! lost its font (pasted into a Unicode font) by its character patterns, with a confidence so
//! that callers can convert and warn.

use unicode_normalization::UnicodeNormalization;

use crate::text::nfc;

/// A legacy 8-bit Vietnamese encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Legacy {
    /// TCVN3 (TCVN 5712:1993 VN3, "ABC"): one byte per letter, lower case toned letters only.
    Tcvn3,
    /// TCVN3 in a capitals-only font (`.VnTimeH`): every letter shows as a capital.
    Tcvn3Caps,
    /// VNI-Windows: a base letter followed by a byte for its marks ("aø" = "à").
    Vni,
}

impl Legacy {
    /// The encoding's usual Vietnamese name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 | Legacy::Tcvn3Caps => "TCVN3 (ABC)",
            Legacy::Vni => "VNI",
        }
    }
}

/// The legacy encoding of a font, by its name: `.VnTime`, `.VnArial Narrow` → TCVN3;
/// `.VnTimeH`, `.VnArialH` (names ending in a capital "H") → TCVN3 capitals; `VNI-Times`,
/// `VNI-Helve` → VNI. Other fonts (Unicode fonts) → `None`.
pub fn legacy_font(font: &str) -> Option<Legacy> {
    let f = font.trim();
    let lower = f.to_ascii_lowercase();
    if lower.starts_with(".vn") {
        if f.ends_with('H') {
            return Some(Legacy::Tcvn3Caps);
        }
        return Some(Legacy::Tcvn3);
    }
    if lower.starts_with("vni-") || lower.starts_with("vni ") || lower.starts_with("vni_") {
        return Some(Legacy::Vni);
    }
    None
}

/// TCVN3 codes (as Latin-1 characters) of the Vietnamese letters. Source: the TCVN 5712:1993
/// VN3 table as published in the `vietnamese-conversion` package (duydev, `src/charsets.ts`);
/// checked letter by letter in this crate's tests.
const TCVN3: [(char, char); 74] = [
    ('\u{B5}', 'à'),
    ('\u{B8}', 'á'),
    ('\u{B6}', 'ả'),
    ('\u{B7}', 'ã'),
    ('\u{B9}', 'ạ'),
    ('\u{A8}', 'ă'),
    ('\u{BB}', 'ằ'),
    ('\u{BE}', 'ắ'),
    ('\u{BC}', 'ẳ'),
    ('\u{BD}', 'ẵ'),
    ('\u{C6}', 'ặ'),
    ('\u{A9}', 'â'),
    ('\u{C7}', 'ầ'),
    ('\u{CA}', 'ấ'),
    ('\u{C8}', 'ẩ'),
    ('\u{C9}', 'ẫ'),
    ('\u{CB}', 'ậ'),
    ('\u{AE}', 'đ'),
    ('\u{CC}', 'è'),
    ('\u{D0}', 'é'),
    ('\u{CE}', 'ẻ'),
    ('\u{CF}', 'ẽ'),
    ('\u{D1}', 'ẹ'),
    ('\u{AA}', 'ê'),
    ('\u{D2}', 'ề'),
    ('\u{D5}', 'ế'),
    ('\u{D3}', 'ể'),
    ('\u{D4}', 'ễ'),
    ('\u{D6}', 'ệ'),
    ('\u{D7}', 'ì'),
    ('\u{DD}', 'í'),
    ('\u{D8}', 'ỉ'),
    ('\u{DC}', 'ĩ'),
    ('\u{DE}', 'ị'),
    ('\u{DF}', 'ò'),
    ('\u{E3}', 'ó'),
    ('\u{E1}', 'ỏ'),
    ('\u{E2}', 'õ'),
    ('\u{E4}', 'ọ'),
    ('\u{AB}', 'ô'),
    ('\u{E5}', 'ồ'),
    ('\u{E8}', 'ố'),
    ('\u{E6}', 'ổ'),
    ('\u{E7}', 'ỗ'),
    ('\u{E9}', 'ộ'),
    ('\u{AC}', 'ơ'),
    ('\u{EA}', 'ờ'),
    ('\u{ED}', 'ớ'),
    ('\u{EB}', 'ở'),
    ('\u{EC}', 'ỡ'),
    ('\u{EE}', 'ợ'),
    ('\u{EF}', 'ù'),
    ('\u{F3}', 'ú'),
    ('\u{F1}', 'ủ'),
    ('\u{F2}', 'ũ'),
    ('\u{F4}', 'ụ'),
    ('\u{AD}', 'ư'),
    ('\u{F5}', 'ừ'),
    ('\u{F8}', 'ứ'),
    ('\u{F6}', 'ử'),
    ('\u{F7}', 'ữ'),
    ('\u{F9}', 'ự'),
    ('\u{FA}', 'ỳ'),
    ('\u{FD}', 'ý'),
    ('\u{FB}', 'ỷ'),
    ('\u{FC}', 'ỹ'),
    ('\u{FE}', 'ỵ'),
    // The capitals TCVN3 has (without tone).
    ('\u{A1}', 'Ă'),
    ('\u{A2}', 'Â'),
    ('\u{A7}', 'Đ'),
    ('\u{A3}', 'Ê'),
    ('\u{A4}', 'Ô'),
    ('\u{A5}', 'Ơ'),
    ('\u{A6}', 'Ư'),
];

fn tcvn3_char(c: char) -> Option<char> {
    TCVN3.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)
}

/// VNI single-character letters (as Latin-1 characters). Source: the VNI-Windows table as
/// published in the `vietnamese-conversion` package (duydev, `src/charsets.ts`).
const VNI_LETTERS: [(char, char); 18] = [
    ('Ì', 'Ì'),
    ('Í', 'Í'),
    ('Æ', 'Ỉ'),
    ('Ó', 'Ĩ'),
    ('Ò', 'Ị'),
    ('Î', 'Ỵ'),
    ('ì', 'ì'),
    ('í', 'í'),
    ('æ', 'ỉ'),
    ('ó', 'ĩ'),
    ('ò', 'ị'),
    ('î', 'ỵ'),
    ('Ñ', 'Đ'),
    ('ñ', 'đ'),
    ('Ô', 'Ơ'),
    ('ô', 'ơ'),
    ('Ö', 'Ư'),
    ('ö', 'ư'),
];

/// VNI mark characters (lower and upper case form) and the combining marks they add to the
/// vowel before them.
const VNI_MARKS: [(char, char, &str); 17] = [
    ('ù', 'Ù', "\u{301}"),
    ('ø', 'Ø', "\u{300}"),
    ('û', 'Û', "\u{309}"),
    ('õ', 'Õ', "\u{303}"),
    ('ï', 'Ï', "\u{323}"),
    ('â', 'Â', "\u{302}"),
    ('ê', 'Ê', "\u{306}"),
    ('á', 'Á', "\u{302}\u{301}"),
    ('à', 'À', "\u{302}\u{300}"),
    ('å', 'Å', "\u{302}\u{309}"),
    ('ã', 'Ã', "\u{302}\u{303}"),
    ('ä', 'Ä', "\u{302}\u{323}"),
    ('é', 'É', "\u{306}\u{301}"),
    ('è', 'È', "\u{306}\u{300}"),
    ('ú', 'Ú', "\u{306}\u{309}"),
    ('ü', 'Ü', "\u{306}\u{303}"),
    ('ë', 'Ë', "\u{306}\u{323}"),
];

fn vni_mark(c: char) -> Option<&'static str> {
    VNI_MARKS
        .iter()
        .find(|(l, u, _)| *l == c || *u == c)
        .map(|(_, _, m)| *m)
}

/// The letter without its tone mark (quality marks kept): "ấ" → "â", "À" → "A".
fn without_tone(c: char) -> String {
    c.to_string()
        .nfd()
        .filter(|m| !matches!(m, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'))
        .nfc()
        .collect()
}

fn has_tone(c: char) -> bool {
    c.to_string()
        .nfd()
        .any(|m| matches!(m, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'))
}

/// Converts text typed in a legacy encoding to Unicode NFC. Characters that are not codes of
/// the encoding (ASCII, digits, punctuation) are kept.
pub fn decode_legacy(text: &str, encoding: Legacy) -> String {
    match encoding {
        Legacy::Tcvn3 => decode_tcvn3(text),
        Legacy::Tcvn3Caps => crate::upper(&decode_tcvn3(text)),
        Legacy::Vni => decode_vni(text),
    }
}

fn decode_tcvn3(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let Some(v) = tcvn3_char(c) else {
            out.push(c);
            continue;
        };
        // TCVN3 has no toned capitals; converters write a capital as its bare capital followed
        // by the toned small letter ("Aµ" for "À", "¢Ê" for "Ấ"). Read that pair as one capital.
        if has_tone(v) {
            if let Some(prev) = out.last().copied() {
                if prev.is_uppercase() && without_tone(v) == prev.to_lowercase().to_string() {
                    out.pop();
                    out.extend(v.to_uppercase());
                    continue;
                }
            }
        }
        out.push(v);
    }
    nfc(&out.into_iter().collect::<String>())
}

fn is_vni_vowel(c: char) -> bool {
    matches!(
        c.to_ascii_lowercase(),
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ơ' | 'ư'
    ) || matches!(c, 'ơ' | 'ư' | 'Ơ' | 'Ư')
}

fn decode_vni(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // The last base letter written, if a mark may still follow it.
    let mut vowel_before = false;
    for c in text.chars() {
        if vowel_before {
            if let Some(m) = vni_mark(c) {
                out.push_str(m);
                vowel_before = false;
                continue;
            }
        }
        let letter = VNI_LETTERS
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, v)| *v)
            .unwrap_or(c);
        out.push(letter);
        vowel_before = is_vni_vowel(letter);
    }
    out.nfc().collect()
}

/// Legacy text found in a run that claims a Unicode font.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub encoding: Legacy,
    /// 0 to 1: the share of the words that are not Vietnamese syllables as they stand and become
    /// ones when converted, lowered when such words are few among the words with Latin-1
    /// letters. Above 0.5 the text is very likely legacy.
    pub confidence: f32,
    /// The text converted (NFC).
    pub text: String,
}

/// Detects TCVN3 or VNI text that lost its font: words with Latin-1 characters that are not
/// Vietnamese syllables as written but become ones when converted ("Hµ Giang", "Haø Giang").
/// Returns the likelier encoding with its confidence, or `None` when the text gives no sign of
/// a legacy encoding (ordinary Unicode Vietnamese never does).
pub fn detect_legacy(text: &str) -> Option<Detection> {
    // Legacy text always has Latin-1 characters that are not Vietnamese letters ("µ", "¸" in
    // TCVN3, "ø", "ï" in VNI); without one there is nothing to look at.
    const VIETNAMESE_LATIN1: &str = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ";
    if !text
        .chars()
        .any(|c| ('\u{A0}'..='\u{FF}').contains(&c) && !VIETNAMESE_LATIN1.contains(c))
    {
        return None;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || ",.;:!?()[]\"'“”/-–".contains(c))
        .filter(|w| w.chars().any(|c| ('\u{A0}'..='\u{FF}').contains(&c)))
        .collect();
    if words.is_empty() {
        return None;
    }
    let odd = words.iter().filter(|w| !is_syllable(w)).count();
    if odd == 0 {
        return None;
    }
    let mut best: Option<(Legacy, usize)> = None;
    for enc in [Legacy::Tcvn3, Legacy::Vni] {
        let hits = words
            .iter()
            .filter(|w| !is_syllable(w) && is_syllable(&decode_legacy(w, enc)))
            .count();
        if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
            best = Some((enc, hits));
        }
    }
    let (encoding, hits) = best?;
    // The share of odd words the encoding explains, lowered when odd words are few among
    // words with Latin-1 letters (a foreign name in Unicode Vietnamese text).
    let confidence = (hits as f32 / odd as f32) * (odd as f32 / words.len() as f32).sqrt();
    Some(Detection {
        encoding,
        confidence,
        text: decode_legacy(text, encoding),
    })
}

/// The initial consonants of Vietnamese syllables (longest first).
const INITIALS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v",
];
const INITIALS_X: [&str; 1] = ["x"];

/// The vowel nuclei of Vietnamese syllables (tones removed).
const NUCLEI: [&str; 48] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "ưa", "ưi", "ươ", "ưu", "uy", "yê", "iêu", "yêu", "oai", "oay", "uây", "uôi",
];
const NUCLEI_3: [&str; 7] = ["oao", "oeo", "uya", "uyê", "uyu", "ươi", "ươu"];
const FINALS: [&str; 9] = ["", "ch", "ng", "nh", "c", "m", "n", "p", "t"];

/// Whether a word is one plausible Vietnamese syllable (any case, at most one tone).
fn is_syllable(word: &str) -> bool {
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    let lower = nfc(&lower);
    if lower.is_empty() || lower.chars().any(|c| !c.is_alphabetic()) {
        return false;
    }
    let tones = lower.chars().filter(|&c| has_tone(c)).count();
    if tones > 1 {
        return false;
    }
    let bare: String = lower.chars().map(without_tone).collect();
    let mut starts: Vec<&str> = vec![""];
    for i in INITIALS.iter().chain(INITIALS_X.iter()) {
        if bare.starts_with(i) {
            starts.push(i);
        }
    }
    starts.iter().any(|init| {
        let rest = &bare[init.len()..];
        FINALS.iter().any(|fin| {
            rest.strip_suffix(fin)
                .is_some_and(|nucleus| NUCLEI.contains(&nucleus) || NUCLEI_3.contains(&nucleus))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables() {
        for w in [
            "Hà",
            "Giang",
            "nghiêng",
            "người",
            "khuyến",
            "quốc",
            "uống",
            "Tỉnh",
            "ủy",
            "đường",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in ["Hµ", "Haø", "Haứ", "ngưòi", "xyz", "Trong2"] {
            assert!(!is_syllable(w), "{w}");
        }
    }
}
