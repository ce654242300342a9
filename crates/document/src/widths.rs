//! Table column widths, one computation for every exporter: the DOCX exporter measures text with
//! Times New Roman's advance widths ([`times_width`]), the PDF exporter with its font's own
//! (Times New Roman or a metric-compatible family: the same numbers), and both get the same
//! widths from [`column_widths`].
//!
//! Every column is at least as wide as its longest unbreakable word (header or body), so "STT"
//! never breaks into S/T/T and "4/1/2020" never into "4/1/202|0"; short columns of numbers,
//! dates and status get what they need and long text shares the rest by its length.

use crate::model::Table;

/// Left and right padding of a table cell, points (Word's default cell margins, 0.19 cm; the
/// DOCX exporter writes them, the PDF exporter leaves them).
pub const CELL_PAD_PT: f64 = 5.4;

/// Room added to a column's longest word, points: rounding to twips and the odd renderer must
/// never make a word that fits exactly break.
const SLACK_PT: f64 = 1.0;

/// A header cell may wrap over about this many lines before its column asks for more width.
const HEADER_LINES: f64 = 2.0;

/// Column widths of `t` summing to `text_w`, in the unit `measure` returns.
///
/// `measure(text, bold)` gives the width of `text` set on one line at the table's size. Header
/// rows are measured bold. A column's *least* width is its longest word plus the cell padding;
/// its *wish* is its longest line (a header's over [`HEADER_LINES`] lines); its *content* is the
/// length of all its text set on one line.
///
/// - When every longest line fits (headers on one line), each column gets it and the rest of
///   the width in proportion to it; when only the wishes fit, headers get what is left towards
///   one line.
/// - Otherwise the width is shared in proportion to the square root of each column's content
///   (what makes the table shortest when each cell's lines are its length over its width),
///   never less than a column's least width nor more than its wish: short columns (numbers,
///   dates, status) get what they need and long text shares the rest.
/// - When not even the least widths fit, they are scaled down alike.
pub fn column_widths(
    t: &Table,
    text_w: f64,
    pad: f64,
    measure: impl FnMut(&str, bool) -> f64,
) -> Vec<f64> {
    let n = t.column_count();
    if n == 0 {
        return Vec::new();
    }
    // The text width to 1/100 pt, the result scaled back to it: exporters whose page sizes
    // differ in the last bits (f32 points, f64 millimetres) get the same shares.
    let exact_w = text_w;
    let text_w = (text_w * 100.0).round() / 100.0;
    if text_w <= 0.0 {
        return vec![0.0; n];
    }
    let widths = shares(t, n, text_w, pad, measure);
    widths.iter().map(|w| w * exact_w / text_w).collect()
}

/// [`column_widths`] for a text width already rounded.
fn shares(
    t: &Table,
    n: usize,
    text_w: f64,
    pad: f64,
    mut measure: impl FnMut(&str, bool) -> f64,
) -> Vec<f64> {
    // Widths to 1/100 pt: measures that differ in their last bits (f32 font advances, f64
    // tables) give the same columns.
    let mut measure = |s: &str, bold: bool| (measure(s, bold) * 100.0).round() / 100.0;
    let mut least = vec![0.0_f64; n];
    let mut wish = vec![0.0_f64; n];
    let mut full = vec![0.0_f64; n];
    let mut content = vec![0.0_f64; n];
    // Every cell's paragraphs as word widths, with the width of a space: for counting lines.
    let mut cells: Vec<Vec<Vec<Para>>> = vec![vec![Vec::new(); n]; t.rows.len()];
    for (r, row) in t.rows.iter().enumerate() {
        let header = r < t.header_rows;
        for (c, cell) in row.iter().enumerate().take(n) {
            let bold = header || cell.bold;
            let space = measure(" ", bold);
            for line in cell.text.split('\n') {
                let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if line.is_empty() {
                    continue;
                }
                let w = measure(&line, bold);
                full[c] = full[c].max(w);
                let w = if header { w / HEADER_LINES } else { w };
                wish[c] = wish[c].max(w);
                content[c] += w;
                let words: Vec<f64> = line.split(' ').map(|word| measure(word, bold)).collect();
                for ww in &words {
                    least[c] = least[c].max(*ww);
                }
                cells[r][c].push((space, words));
            }
        }
    }
    let extra = 2.0 * pad + SLACK_PT;
    for c in 0..n {
        least[c] += extra;
        wish[c] = (wish[c] + extra).max(least[c]);
        full[c] = (full[c] + extra).max(wish[c]);
    }
    let sum_least: f64 = least.iter().sum();
    let sum_wish: f64 = wish.iter().sum();
    let sum_full: f64 = full.iter().sum();
    if sum_least >= text_w {
        return least.iter().map(|w| w * text_w / sum_least).collect();
    }
    if sum_full <= text_w {
        return full.iter().map(|w| w * text_w / sum_full).collect();
    }
    if sum_wish <= text_w {
        // Headers on one line as far as the width goes.
        let room = text_w - sum_wish;
        return (0..n)
            .map(|c| wish[c] + room * (full[c] - wish[c]) / (sum_full - sum_wish))
            .collect();
    }
    // Share by the square root of the content, fixing at its bound every column the share
    // would take past one (past the wish first), until the shares of the rest stay in bounds.
    // Each round fixes at least one column, so this ends.
    let weight: Vec<f64> = content.iter().map(|c| c.max(1.0).sqrt()).collect();
    let mut fixed: Vec<Option<f64>> = vec![None; n];
    loop {
        let room = text_w - fixed.iter().flatten().sum::<f64>();
        let free: Vec<usize> = (0..n).filter(|&c| fixed[c].is_none()).collect();
        if free.is_empty() {
            // Every column at a bound and the sum off the width: scale alike.
            let w: Vec<f64> = fixed.iter().map(|w| w.unwrap_or(0.0)).collect();
            let total: f64 = w.iter().sum::<f64>().max(f64::MIN_POSITIVE);
            return w.iter().map(|x| x * text_w / total).collect();
        }
        let total: f64 = free.iter().map(|&c| weight[c]).sum();
        let share = |c: usize| room * weight[c] / total;
        let over: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&c| share(c) >= wish[c])
            .collect();
        if !over.is_empty() {
            for c in over {
                fixed[c] = Some(wish[c]);
            }
            continue;
        }
        let under: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&c| share(c) < least[c])
            .collect();
        if !under.is_empty() {
            for c in under {
                fixed[c] = Some(least[c]);
            }
            continue;
        }
        let start: Vec<f64> = (0..n)
            .map(|c| fixed[c].unwrap_or_else(|| share(c)))
            .collect();
        return refine(start, &least, &cells, pad);
    }
}

/// A paragraph of a cell: the width of a space and the widths of its words.
type Para = (f64, Vec<f64>);

/// The lines a cell's paragraphs take in a column `width` wide (first fit at spaces, as the
/// exporters set them; a word wider than the column takes the lines it is cut into).
fn lines_of(paras: &[Para], width: f64) -> u32 {
    let mut lines = 0;
    for (space, words) in paras {
        let mut x: Option<f64> = None;
        for &w in words {
            x = match x {
                Some(at) if at + space + w <= width => Some(at + space + w),
                Some(_) | None => {
                    lines += (w / width.max(1.0)).ceil().max(1.0) as u32;
                    Some(w)
                }
            };
        }
    }
    lines.max(1)
}

/// Moves width between columns, in steps from an eighth of the table down to a point, while
/// that makes the table shorter (rows of as many lines as their tallest cell) or, as tall, its
/// cells fewer lines; never below a column's least width. Deterministic: columns are tried in
/// order, and a move is kept only when it strictly helps.
fn refine(mut w: Vec<f64>, least: &[f64], cells: &[Vec<Vec<Para>>], pad: f64) -> Vec<f64> {
    let n = w.len();
    let col_lines = |c: usize, width: f64| -> Vec<u32> {
        cells
            .iter()
            .map(|row| lines_of(&row[c], width - 2.0 * pad))
            .collect()
    };
    let mut lines: Vec<Vec<u32>> = (0..n).map(|c| col_lines(c, w[c])).collect();
    let score = |lines: &[Vec<u32>]| -> (u64, u64) {
        let mut height = 0;
        let mut all = 0;
        for r in 0..cells.len() {
            let tallest = lines.iter().map(|l| l[r]).max().unwrap_or(1);
            height += u64::from(tallest);
            all += lines.iter().map(|l| u64::from(l[r])).sum::<u64>();
        }
        (height, all)
    };
    let mut best = score(&lines);
    let total: f64 = w.iter().sum();
    let mut step = total / 8.0;
    let mut rounds = 0;
    while step >= 1.0 && rounds < 4000 {
        let mut improved = false;
        for a in 0..n {
            for b in 0..n {
                if a == b || w[b] - step < least[b] {
                    continue;
                }
                rounds += 1;
                let (la, lb) = (col_lines(a, w[a] + step), col_lines(b, w[b] - step));
                let (old_a, old_b) = (
                    std::mem::replace(&mut lines[a], la),
                    std::mem::replace(&mut lines[b], lb),
                );
                let s = score(&lines);
                if s < best {
                    best = s;
                    w[a] += step;
                    w[b] -= step;
                    improved = true;
                } else {
                    lines[a] = old_a;
                    lines[b] = old_b;
                }
            }
        }
        if !improved {
            step /= 2.0;
        }
    }
    w
}

/// The width of `text` set in Times New Roman (or Liberation Serif, Tinos: the same advance
/// widths) at `size_pt`, in points. Vietnamese letters are as wide as their base letter, except
/// the horned ơ, ư (Ơ, Ư), which are wider.
pub fn times_width(text: &str, size_pt: f64, bold: bool) -> f64 {
    let units: u32 = text.chars().map(|c| advance(c, bold)).sum();
    f64::from(units) * size_pt / 2048.0
}

/// Advance widths of Times New Roman (regular, bold) in units of 2048 to the em, for ASCII from
/// the space to the tilde.
const ASCII: [(u16, u16); 95] = [
    (512, 512),   // space
    (682, 682),   // !
    (836, 1137),  // "
    (1024, 1024), // #
    (1024, 1024), // $
    (1706, 2048), // %
    (1593, 1706), // &
    (369, 569),   // '
    (682, 682),   // (
    (682, 682),   // )
    (1024, 1024), // *
    (1155, 1167), // +
    (512, 512),   // ,
    (682, 682),   // -
    (512, 512),   // .
    (569, 569),   // /
    (1024, 1024), // 0
    (1024, 1024), // 1
    (1024, 1024), // 2
    (1024, 1024), // 3
    (1024, 1024), // 4
    (1024, 1024), // 5
    (1024, 1024), // 6
    (1024, 1024), // 7
    (1024, 1024), // 8
    (1024, 1024), // 9
    (569, 682),   // :
    (569, 682),   // ;
    (1155, 1167), // <
    (1155, 1167), // =
    (1155, 1167), // >
    (909, 1024),  // ?
    (1886, 1905), // @
    (1479, 1479), // A
    (1366, 1366), // B
    (1366, 1479), // C
    (1479, 1479), // D
    (1251, 1366), // E
    (1139, 1251), // F
    (1479, 1593), // G
    (1479, 1593), // H
    (682, 797),   // I
    (797, 1024),  // J
    (1479, 1593), // K
    (1251, 1366), // L
    (1821, 1933), // M
    (1479, 1479), // N
    (1479, 1593), // O
    (1139, 1251), // P
    (1479, 1593), // Q
    (1366, 1479), // R
    (1139, 1139), // S
    (1251, 1366), // T
    (1479, 1479), // U
    (1479, 1479), // V
    (1933, 2048), // W
    (1479, 1479), // X
    (1479, 1479), // Y
    (1251, 1366), // Z
    (682, 682),   // [
    (569, 569),   // \
    (682, 682),   // ]
    (961, 1190),  // ^
    (1024, 1024), // _
    (682, 682),   // `
    (909, 1024),  // a
    (1024, 1139), // b
    (909, 909),   // c
    (1024, 1139), // d
    (909, 909),   // e
    (682, 682),   // f
    (1024, 1024), // g
    (1024, 1139), // h
    (569, 569),   // i
    (569, 682),   // j
    (1024, 1139), // k
    (569, 569),   // l
    (1593, 1706), // m
    (1024, 1139), // n
    (1024, 1024), // o
    (1024, 1139), // p
    (1024, 1139), // q
    (682, 909),   // r
    (797, 797),   // s
    (569, 682),   // t
    (1024, 1139), // u
    (1024, 1024), // v
    (1479, 1479), // w
    (1024, 1024), // x
    (1024, 1024), // y
    (909, 909),   // z
    (983, 807),   // {
    (410, 451),   // |
    (983, 807),   // }
    (1108, 1065), // ~
];

/// The advance of one character, units of 2048 to the em.
fn advance(c: char, bold: bool) -> u32 {
    let pick = |(regular, b): (u16, u16)| u32::from(if bold { b } else { regular });
    let c = match c {
        'ơ' | 'ờ' | 'ớ' | 'ở' | 'ỡ' | 'ợ' => return pick((1083, 1134)),
        'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => return pick((1110, 1229)),
        'Ơ' | 'Ờ' | 'Ớ' | 'Ở' | 'Ỡ' | 'Ợ' => return pick((1479, 1593)),
        'Ư' | 'Ừ' | 'Ứ' | 'Ử' | 'Ữ' | 'Ự' => return pick((1589, 1630)),
        '\u{a0}' => ' ',
        '\u{300}'..='\u{36f}' => return 0,
        '–' => return 1024,
        '—' => return 2048,
        '‘' | '’' => return pick((682, 682)),
        '“' | '”' => return pick((909, 1024)),
        '…' => return 2048,
        '•' => return pick((737, 731)),
        c => base_letter(c),
    };
    match u32::from(c) {
        cp @ 0x20..=0x7e => pick(ASCII[(cp - 0x20) as usize]),
        _ => 1024,
    }
}

/// The unaccented base of a Vietnamese letter ("Ộ" -> 'O', "đ" -> 'd'); other characters as is.
fn base_letter(c: char) -> char {
    const GROUPS: [(char, &str); 14] = [
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('A', "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"),
        ('d', "đ"),
        ('D', "Đ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('E', "ÈÉẺẼẸÊỀẾỂỄỆ"),
        ('i', "ìíỉĩị"),
        ('I', "ÌÍỈĨỊ"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('O', "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"),
        ('u', "ùúủũụưừứửữự"),
        ('U', "ÙÚỦŨỤƯỪỨỬỮỰ"),
        ('y', "ỳýỷỹỵ"),
        ('Y', "ỲÝỶỸỴ"),
    ];
    if c.is_ascii() {
        return c;
    }
    GROUPS
        .iter()
        .find(|(_, letters)| letters.contains(c))
        .map_or(c, |(base, _)| *base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, CellAlign, Column};

    fn table(rows: Vec<Vec<&str>>) -> Table {
        let n = rows.first().map_or(0, Vec::len);
        Table {
            caption: None,
            columns: (0..n)
                .map(|_| Column {
                    align: CellAlign::Left,
                })
                .collect(),
            header_rows: 1,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::text).collect())
                .collect(),
        }
    }

    fn measure(s: &str, bold: bool) -> f64 {
        times_width(s, 13.0, bold)
    }

    #[test]
    fn short_columns_get_their_longest_word_and_text_the_rest() {
        let long = "Đơn vị thực hiện thí điểm hợp nhất cơ quan tham mưu, giúp việc của cấp ủy \
                    với cơ quan chuyên môn của Ủy ban nhân dân cùng cấp có chức năng tương đồng";
        let t = table(vec![
            vec!["STT", "Nội dung", "Thời điểm bắt đầu", "Tình trạng"],
            vec!["1", long, "4/1/2020", "Đang thực hiện"],
            vec!["2", long, "30/12/2020", "Đã kết thúc"],
        ]);
        let w = column_widths(&t, 482.0, CELL_PAD_PT, measure);
        assert!((w.iter().sum::<f64>() - 482.0).abs() < 1e-6, "{w:?}");
        let pad = 2.0 * CELL_PAD_PT;
        assert!(w[0] >= measure("STT", true) + pad, "{w:?}");
        assert!(w[2] >= measure("30/12/2020", false) + pad, "{w:?}");
        assert!(w[3] >= measure("thực", true) + pad, "{w:?}");
        // The long text takes most of the width; STT little.
        assert!(w[1] > 0.5 * 482.0, "{w:?}");
        assert!(w[0] < 0.1 * 482.0, "{w:?}");
    }

    #[test]
    fn when_everything_fits_widths_follow_the_content() {
        let t = table(vec![vec!["Đề xuất", "Số"], vec!["(1) Thực hiện", "12"]]);
        let w = column_widths(&t, 400.0, CELL_PAD_PT, measure);
        assert!((w.iter().sum::<f64>() - 400.0).abs() < 1e-6);
        assert!(w[0] > w[1], "{w:?}");
    }

    #[test]
    fn too_many_columns_share_the_width_by_their_longest_word() {
        let t = table(vec![vec!["Aaaaaaaaaa"; 30], vec!["1"; 30]]);
        let w = column_widths(&t, 300.0, CELL_PAD_PT, measure);
        assert_eq!(w.len(), 30);
        assert!((w.iter().sum::<f64>() - 300.0).abs() < 1e-6);
        assert!(w.iter().all(|x| (x - 10.0).abs() < 1e-6), "{w:?}");
        assert!(column_widths(&table(vec![]), 300.0, CELL_PAD_PT, measure).is_empty());
    }

    #[test]
    fn vietnamese_letters_are_as_wide_as_their_base_but_the_horned_ones() {
        assert_eq!(
            times_width("Hộ", 12.0, false),
            times_width("Ho", 12.0, false)
        );
        assert!(times_width("ư", 12.0, false) > times_width("u", 12.0, false));
        // STT in bold at 13 pt: S 1139 + T 1366 + T 1366 units.
        assert!((times_width("STT", 13.0, true) - 3871.0 * 13.0 / 2048.0).abs() < 1e-9);
    }
}
