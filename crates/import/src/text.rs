//! Text helpers: folded word tokens with their places, heading labels, similarity.

/// The words of a text, folded (no diacritics, lower case), with their byte ranges.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub words: Vec<String>,
    pub spans: Vec<(usize, usize)>,
}

impl Tokens {
    pub fn new(s: &str) -> Tokens {
        let mut t = Tokens::default();
        let mut start: Option<usize> = None;
        for (i, c) in s.char_indices() {
            let word = c.is_alphanumeric() || unicode_mark(c);
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(b)) => {
                    t.push(s, b, i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(b) = start {
            t.push(s, b, s.len());
        }
        t
    }

    fn push(&mut self, s: &str, b: usize, e: usize) {
        let w = fold_word(&s[b..e]);
        if !w.is_empty() {
            self.words.push(w);
            self.spans.push((b, e));
        }
    }

    /// The words starting at or after byte `skip`, with offsets counted from `skip` (what
    /// `Tokens::new(&s[skip..])` gives when `skip` is between words).
    pub fn after(&self, skip: usize) -> Tokens {
        let first = self
            .spans
            .iter()
            .position(|s| s.0 >= skip)
            .unwrap_or(self.spans.len());
        Tokens {
            words: self.words[first..].to_vec(),
            spans: self.spans[first..]
                .iter()
                .map(|(b, e)| (b - skip, e - skip))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// The byte offset just after the `n`th word (0: the start).
    pub fn end_of(&self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        self.spans.get(n - 1).map(|s| s.1).unwrap_or(0)
    }

    /// The byte offset where the `n`th word starts (or `len` past the end).
    pub fn start_of(&self, n: usize, len: usize) -> usize {
        self.spans.get(n).map(|s| s.0).unwrap_or(len)
    }
}

/// `vi::fold` of one word (no whitespace inside), without its intermediate strings: lower
/// case, diacritics removed, "đ" (and the look-alike "ð") as "d".
pub fn fold_word(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        unicode_normalization::char::decompose_canonical(c, |d| {
            if !unicode_normalization::char::is_combining_mark(d) {
                for l in d.to_lowercase() {
                    out.push(match l {
                        'đ' | 'ð' => 'd',
                        other => other,
                    });
                }
            }
        });
    }
    out
}

fn unicode_mark(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// Dice similarity of two word lists as multisets (0 to 1).
pub fn dice(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut rest: Vec<&String> = b.iter().collect();
    let mut common = 0;
    for w in a {
        if let Some(i) = rest.iter().position(|x| *x == w) {
            rest.swap_remove(i);
            common += 1;
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// How many leading words of `a` equal `b`'s.
pub fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// A heading's number as typed or computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    UpperLetter,
    UpperRoman,
    /// Dotted arabic: the number of parts ("1.1-" → 2).
    Arabic(usize),
    LowerLetter,
    Paren,
    /// "-" or "+" lines.
    Dash(char),
}

/// A label at the start of `text`: the label and the byte length it takes (with the space after).
pub fn label(text: &str) -> Option<(Label, usize)> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let b = t.as_bytes();
    let sep = |i: usize| b.get(i).copied();
    // "(1)"
    if b.first() == Some(&b'(') {
        let d = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if d > 0 && d < 4 && sep(1 + d) == Some(b')') {
            return Some((Label::Paren, lead + skip_space(t, 2 + d)));
        }
        return None;
    }
    // "-", "+", "–", "•"
    for dash in ['-', '+', '–', '•', '*'] {
        if let Some(rest) = t.strip_prefix(dash) {
            if rest.starts_with(' ') || rest.starts_with('\t') {
                let kind = if dash == '+' { '+' } else { '-' };
                return Some((Label::Dash(kind), lead + skip_space(t, dash.len_utf8())));
            }
        }
    }
    // "1.", "1.1-", "2.3.4-", "1)"
    if b.first().is_some_and(u8::is_ascii_digit) {
        let mut i = 0;
        let mut parts = 0;
        loop {
            let d = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            // "1.234" is a figure, not a heading number.
            if d == 0 || d > 3 || (parts > 0 && d == 3) {
                return None;
            }
            i += d;
            parts += 1;
            match sep(i) {
                Some(b'.') if sep(i + 1).is_some_and(|c| c.is_ascii_digit()) => i += 1,
                Some(b'.' | b'-' | b')' | 0xE2) => {
                    // "–" (en dash) is 3 bytes starting 0xE2.
                    let len = if sep(i) == Some(0xE2) {
                        if !t[i..].starts_with('–') {
                            return None;
                        }
                        3
                    } else {
                        1
                    };
                    // A date ("15/9/2021") or a figure ("1.234") is not a label.
                    let after = &t[i + len..];
                    if after.starts_with(|c: char| c.is_ascii_digit()) {
                        return None;
                    }
                    return Some((Label::Arabic(parts), lead + skip_space(t, i + len)));
                }
                Some(b' ') => {
                    // "1 - Cấp tỉnh": a dash after a space.
                    if let Some(k) = spaced_dash(&t[i..]) {
                        return Some((Label::Arabic(parts), lead + skip_space(t, i + k)));
                    }
                    if parts > 1 {
                        return Some((Label::Arabic(parts), lead + skip_space(t, i)));
                    }
                    return None;
                }
                _ => return None,
            }
        }
    }
    // "I-", "IV.", "A-", "B.", "a)"
    let word: String = t.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    if word.is_empty() || word.len() > 5 {
        return None;
    }
    let n = word.len();
    // "A -", "II –": a dash after a space counts as the separator.
    let spaced = spaced_dash(&t[n..]);
    let next = match spaced {
        Some(_) => Some('-'),
        None => t[n..].chars().next(),
    };
    let ok_sep = matches!(next, Some('-' | '.' | '–' | ')'));
    if !ok_sep {
        return None;
    }
    let sep_len = spaced.unwrap_or_else(|| next.map(char::len_utf8).unwrap_or(0));
    // The separator must be followed by a space or the end (not "A-B" inside a word).
    let after = &t[n + sep_len..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let consumed = lead + skip_space(t, n + sep_len);
    let upper = word.chars().all(|c| c.is_ascii_uppercase());
    if upper && word.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')) && next != Some(')') {
        return Some((Label::UpperRoman, consumed));
    }
    if n == 1 && upper && next != Some(')') {
        return Some((Label::UpperLetter, consumed));
    }
    if n == 1 && word.chars().all(|c| c.is_ascii_lowercase()) && next == Some(')') {
        return Some((Label::LowerLetter, consumed));
    }
    None
}

/// For text starting with spaces then "-" or "–" then a space: the byte length up to and with
/// the dash.
fn spaced_dash(rest: &str) -> Option<usize> {
    let trimmed = rest.trim_start_matches(' ');
    let spaces = rest.len() - trimmed.len();
    if spaces == 0 {
        return None;
    }
    let dash = trimmed.chars().next().filter(|c| matches!(c, '-' | '–'))?;
    let after = &trimmed[dash.len_utf8()..];
    // "3 - 4 đơn vị" is a range, not a number and its text.
    let range = after.trim_start().starts_with(|c: char| c.is_ascii_digit());
    (after.starts_with(char::is_whitespace) && !range).then_some(spaces + dash.len_utf8())
}

fn skip_space(t: &str, i: usize) -> usize {
    let rest = &t[i.min(t.len())..];
    i + (rest.len() - rest.trim_start().len())
}

/// The label of an automatic number Word shows ("1.1-", "II.", "a)", "-").
pub fn auto_label(l: &str) -> Option<Label> {
    label(&format!("{l} x")).map(|(l, _)| l)
}

/// Removes `[^n]` anchors and placeholders, "…" and "...", and trailing ":" from an outline
/// text, for matching.
pub fn outline_key(text: &str) -> String {
    let mut out = String::new();
    for piece in outline::split_anchors(text) {
        if let outline::TextPiece::Text(t) = piece {
            out.push_str(t);
        }
    }
    out.replace('…', " ").replace("...", " ")
}

/// A date in any usual form inside a text: "15/9/2021", "15-9-2021", "ngày 15 tháng 9 năm 2021".
pub fn find_date(s: &str) -> Option<(vi::Date, usize, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let end = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || matches!(c, b'/' | b'-' | b'.'))
                .count();
            let cand = s[i..i + end].trim_end_matches(['.', '-', '/']);
            if let Ok(d) = vi::Date::parse_vi(cand) {
                return Some((d, i, i + cand.len()));
            }
            i += end.max(1);
        } else {
            i += 1;
        }
    }
    // "ngày 15 tháng 9 năm 2021"
    let t = Tokens::new(s);
    for k in 0..t.len() {
        if t.words.get(k).map(String::as_str) == Some("ngay")
            && t.words.get(k + 2).map(String::as_str) == Some("thang")
            && t.words.get(k + 4).map(String::as_str) == Some("nam")
        {
            let num = |j: usize| t.words.get(j).and_then(|w| w.parse::<u32>().ok());
            if let (Some(d), Some(m), Some(y)) = (num(k + 1), num(k + 3), num(k + 5)) {
                if let (Ok(m), Ok(d), Ok(y)) = (u8::try_from(m), u8::try_from(d), i32::try_from(y))
                {
                    if let Ok(date) = vi::Date::new(y, m, d) {
                        let start = t.spans.get(k).map(|s| s.0).unwrap_or(0);
                        let end = t.spans.get(k + 5).map(|s| s.1).unwrap_or(s.len());
                        return Some((date, start, end));
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            label("A- VỀ TỔ CHỨC").map(|l| l.0),
            Some(Label::UpperLetter)
        );
        assert_eq!(label("B. KẾT QUẢ").map(|l| l.0), Some(Label::UpperLetter));
        assert_eq!(
            label("II- Về xây dựng").map(|l| l.0),
            Some(Label::UpperRoman)
        );
        assert_eq!(label("1. Cấp tỉnh").map(|l| l.0), Some(Label::Arabic(1)));
        assert_eq!(
            label("1.1- Về thí điểm").map(|l| l.0),
            Some(Label::Arabic(2))
        );
        assert_eq!(label("2.3.4- Kết quả").map(|l| l.0), Some(Label::Arabic(3)));
        assert_eq!(label("2.3.4 Kết quả").map(|l| l.0), Some(Label::Arabic(3)));
        assert_eq!(label("a) Nội dung").map(|l| l.0), Some(Label::LowerLetter));
        assert_eq!(label("(1) Nhân ra").map(|l| l.0), Some(Label::Paren));
        assert_eq!(
            label("- Việc xây dựng").map(|l| l.0),
            Some(Label::Dash('-'))
        );
        assert_eq!(label("+ Số 12").map(|l| l.0), Some(Label::Dash('+')));
        assert_eq!(label("1 - Cấp tỉnh").map(|l| l.0), Some(Label::Arabic(1)));
        assert_eq!(label("1.2 – Về").map(|l| l.0), Some(Label::Arabic(2)));
        assert_eq!(label("II - VỀ").map(|l| l.0), Some(Label::UpperRoman));
        assert_eq!(label("B - KẾT QUẢ").map(|l| l.0), Some(Label::UpperLetter));
        let (_, n) = label("1 - Cấp tỉnh").unwrap();
        assert_eq!(&"1 - Cấp tỉnh"[n..], "Cấp tỉnh");
        assert_eq!(label("Có 3 - 4 đơn vị"), None);
        assert_eq!(label("3 - 4 đơn vị"), None);
        assert_eq!(label("15/9/2021 là ngày"), None);
        assert_eq!(label("1.234 người"), None);
        assert_eq!(label("Ban Thường vụ"), None);
        assert_eq!(label("Về việc"), None);
        let (_, n) = label("1.1- Về thí điểm").unwrap();
        assert_eq!(&"1.1- Về thí điểm"[n..], "Về thí điểm");
    }

    #[test]
    fn fold_word_is_vi_fold() {
        for w in [
            "Đắk", "Lắk", "HOÀ", "ThỦy", "ð", "Nghiêng", "1.234", "Ủy", "A", "ǅ",
        ] {
            assert_eq!(fold_word(w), vi::fold(w), "{w}");
        }
    }

    #[test]
    fn dates_in_text() {
        let (d, _, _) = find_date("Hà Giang, ngày 15 tháng 9 năm 2021").unwrap();
        assert_eq!(d.iso(), "2021-09-15");
        assert_eq!(
            find_date("Hà Giang, 15/9/2021").unwrap().0.iso(),
            "2021-09-15"
        );
        assert_eq!(
            find_date("Hà Giang, 15-9-2021").unwrap().0.iso(),
            "2021-09-15"
        );
        assert!(find_date("không có ngày").is_none());
    }
}
