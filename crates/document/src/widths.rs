//! Table column widths, one computation for every exporter: the DOCX exporter measures text with
//! Times New Roman's advance widths ([`times_width`]), the PDF exporter with its font's own
//! (Times New Roman or a metric-compatible family: the same numbers), and both get the same
//! widths from [`column_widths`].
//!
//! Every column is at least as wide as its longest unbreakable word (header or body), so "STT"
//! never breaks into S/T/T and "4/1/2020" never into "4/1/202|0"; what is left of the text width
//! goes to the columns whose content wants more than that, in proportion to how much more
//! (short columns of numbers, dates and status get what they need, long text the rest).

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
/// rows are measured bold. A column's least width is its longest word plus the cell padding; its
/// wish is its longest line (a header's over [`HEADER_LINES`] lines). When every wish fits, each
/// column gets its wish and the rest of the width in proportion to it; when not, each column gets
/// its least width and the rest in proportion to what it wishes beyond that; when not even the
/// least widths fit, they are scaled down alike.
pub fn column_widths(
    t: &Table,
    text_w: f64,
    pad: f64,
    mut measure: impl FnMut(&str, bool) -> f64,
) -> Vec<f64> {
    let n = t.column_count();
    if n == 0 {
        return Vec::new();
    }
    let mut least = vec![0.0_f64; n];
    let mut wish = vec![0.0_f64; n];
    for (r, row) in t.rows.iter().enumerate() {
        let header = r < t.header_rows;
        for (c, cell) in row.iter().enumerate().take(n) {
            let bold = header || cell.bold;
            for line in cell.text.split('\n') {
                let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if line.is_empty() {
                    continue;
                }
                let w = measure(&line, bold);
                wish[c] = wish[c].max(if header { w / HEADER_LINES } else { w });
                for word in line.split(' ') {
                    least[c] = least[c].max(measure(word, bold));
                }
            }
        }
    }
    let extra = 2.0 * pad + SLACK_PT;
    for (l, w) in least.iter_mut().zip(wish.iter_mut()) {
        *l += extra;
        *w = (*w + extra).max(*l);
    }
    let sum_least: f64 = least.iter().sum();
    let sum_wish: f64 = wish.iter().sum();
    if sum_least >= text_w {
        return least.iter().map(|w| w * text_w / sum_least).collect();
    }
    if sum_wish <= text_w {
        return wish.iter().map(|w| w * text_w / sum_wish).collect();
    }
    let room = text_w - sum_least;
    let want = sum_wish - sum_least;
    least
        .iter()
        .zip(&wish)
        .map(|(l, w)| l + room * (w - l) / want)
        .collect()
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
