//! Normalisation, case and folding of Vietnamese text.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC-normalises `s` (composed form, as Vietnamese text should be stored).
pub fn nfc(s: &str) -> String {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// Whether `s` is already in NFC.
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

/// Vietnamese upper case, NFC in and NFC out: `"tỉnh ủy hà giang"` → `"TỈNH ỦY HÀ GIANG"`.
pub fn upper(s: &str) -> String {
    nfc(&nfc(s).to_uppercase())
}

/// Joins the whitespace-separated words of `s` with single spaces.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folds text for search and matching of names typed by people: NFC, lower case, all
/// diacritics removed, `đ` → `d`, whitespace runs collapsed to one space and trimmed.
///
/// `"Kiêm Nhiệm  chức danh"` → `"kiem nhiem chuc danh"`; `"Đắk Lắk"` → `"dak lak"`;
/// `"Hoà Bình"` and `"Hòa Bình"` fold equal. The look-alike `Ð`/`ð` (eth), often typed
/// for `Đ`, folds to `d` as well.
pub fn fold(s: &str) -> String {
    let stripped: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'đ' | 'ð' => 'd',
            other => other,
        })
        .collect();
    collapse_whitespace(&stripped)
}

/// The five tone marks (grave, acute, tilde, hook above, dot below), as combining marks.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

fn is_tone(c: char) -> bool {
    TONES.contains(&c)
}

fn is_vowel_base(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// One base letter with its (non-tone) combining marks, from an NFD lower-case word.
struct Letter {
    base: char,
    marks: Vec<char>,
}

/// Re-places the tone of one lower-case word at a canonical vowel, so that spellings that
/// differ only in tone placement ("hoà"/"hòa", "thuỷ"/"thủy") give the same result.
/// Words that do not look like one Vietnamese syllable with one tone are returned as is.
fn canonical_tone(word: &str) -> String {
    let mut letters: Vec<Letter> = Vec::new();
    let mut tones: Vec<char> = Vec::new();
    for c in word.nfd() {
        if is_tone(c) {
            tones.push(c);
        } else if is_combining_mark(c) {
            match letters.last_mut() {
                Some(l) => l.marks.push(c),
                None => return word.to_string(),
            }
        } else {
            letters.push(Letter {
                base: c,
                marks: Vec::new(),
            });
        }
    }
    let [tone] = tones.as_slice() else {
        return word.to_string();
    };
    let Some(target) = tone_target(&letters) else {
        return word.to_string();
    };
    let mut out = String::with_capacity(word.len() + 2);
    for (i, l) in letters.iter().enumerate() {
        out.push(l.base);
        out.extend(l.marks.iter());
        if i == target {
            out.push(*tone);
        }
    }
    out.nfc().collect()
}

/// Index of the letter that carries the tone in the canonical (traditional) placement,
/// or `None` if the word is not a single Vietnamese syllable.
fn tone_target(letters: &[Letter]) -> Option<usize> {
    let is_vowel = |i: usize| letters.get(i).is_some_and(|l| is_vowel_base(l.base));
    let first = (0..letters.len()).find(|&i| is_vowel(i))?;
    let mut start = first;
    // "qu" and "gi" (before another vowel): the u / i belongs to the initial consonant.
    let base_at = |i: usize| letters.get(i).map(|l| (l.base, l.marks.is_empty()));
    if first == 1
        && is_vowel(2)
        && matches!(
            (base_at(0), base_at(1)),
            (Some(('q', _)), Some(('u', true))) | (Some(('g', _)), Some(('i', true)))
        )
    {
        start = 2;
    }
    let mut end = start;
    while is_vowel(end) {
        end += 1;
    }
    // A Vietnamese syllable has a single vowel cluster.
    if (end..letters.len()).any(is_vowel) {
        return None;
    }
    let cluster = start..end;
    let closed = end < letters.len();
    // A vowel with a quality mark (â ă ê ô ơ ư) takes the tone; with two (ươ), the last.
    if let Some(i) = cluster
        .clone()
        .rev()
        .find(|&i| letters.get(i).is_some_and(|l| !l.marks.is_empty()))
    {
        return Some(i);
    }
    match cluster.len() {
        1 => Some(start),
        _ if closed => Some(end - 1),
        3 => Some(start + 1),
        _ => Some(start),
    }
}

/// Comparison key insensitive to old/new tone placement but keeping all diacritics
/// otherwise: lower case, NFC, whitespace collapsed, and in every word the tone mark
/// re-placed on one canonical vowel (traditional placement: "hòa", "thủy", "khỏe").
///
/// `"Tỉnh Hoà Bình"` and `"tỉnh hòa bình"` give the same key; `"Hà"` and `"Ha"` do not.
/// The look-alike `ð` (eth) is read as `đ`.
pub fn name_key(s: &str) -> String {
    let lower: String = nfc(s)
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ð' { 'đ' } else { c })
        .collect();
    let lower = nfc(&collapse_whitespace(&lower));
    let mut out = String::with_capacity(lower.len());
    let mut word = String::new();
    for c in lower.chars() {
        if c.is_alphabetic() || is_combining_mark(c) {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push_str(&canonical_tone(&word));
                word.clear();
            }
            out.push(c);
        }
    }
    if !word.is_empty() {
        out.push_str(&canonical_tone(&word));
    }
    out
}

/// At most `n` characters, cut at a word boundary (never half a word), with "…" when cut;
/// trailing commas, semicolons and colons before the cut are dropped. A text without a space in
/// its first `n` characters is cut at `n`.
pub fn shorten(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let cut: String = text.chars().take(n).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > 0 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}
