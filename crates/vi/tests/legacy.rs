//! The legacy encodings checked letter by letter against a published table.
//!
//! Source of the data below: the TCVN3 (ABC) and VNI-Windows columns of the conversion table
//! published in the npm package `vietnamese-conversion` (github.com/duydev/vietnamese-conversion,
//! `src/charsets.ts`, arrays `UNICODE`, `TCVN3`, `VNI`), the same table Unikey's converter uses.
//! TCVN3 has no toned capitals: that table writes them as the bare capital followed by the
//! toned small letter ("Aµ" for "À"); in a capitals-only font (`.VnTimeH`) the small letter's
//! code alone shows as the capital.

use vi::{decode_legacy, detect_legacy, legacy_font, Legacy};

/// (Unicode letter, TCVN3, VNI) for all 134 Vietnamese letters with diacritics.
const TABLE: [(&str, &str, &str); 134] = [
    ("À", "Aµ", "AØ"),
    ("Á", "A¸", "AÙ"),
    ("Â", "¢", "AÂ"),
    ("Ã", "A·", "AÕ"),
    ("È", "EÌ", "EØ"),
    ("É", "EÐ", "EÙ"),
    ("Ê", "£", "EÂ"),
    ("Ì", "I×", "Ì"),
    ("Í", "IÝ", "Í"),
    ("Ò", "Oß", "OØ"),
    ("Ó", "Oã", "OÙ"),
    ("Ô", "¤", "OÂ"),
    ("Õ", "Oâ", "OÕ"),
    ("Ù", "Uï", "UØ"),
    ("Ú", "Uó", "UÙ"),
    ("Ý", "Yý", "YÙ"),
    ("à", "µ", "aø"),
    ("á", "¸", "aù"),
    ("â", "©", "aâ"),
    ("ã", "·", "aõ"),
    ("è", "Ì", "eø"),
    ("é", "Ð", "eù"),
    ("ê", "ª", "eâ"),
    ("ì", "×", "ì"),
    ("í", "Ý", "í"),
    ("ò", "ß", "oø"),
    ("ó", "ã", "où"),
    ("ô", "«", "oâ"),
    ("õ", "â", "oõ"),
    ("ù", "ï", "uø"),
    ("ú", "ó", "uù"),
    ("ý", "ý", "yù"),
    ("Ă", "¡", "AÊ"),
    ("ă", "¨", "aê"),
    ("Đ", "§", "Ñ"),
    ("đ", "®", "ñ"),
    ("Ĩ", "IÜ", "Ó"),
    ("ĩ", "Ü", "ó"),
    ("Ũ", "Uò", "UÕ"),
    ("ũ", "ò", "uõ"),
    ("Ơ", "¥", "Ô"),
    ("ơ", "¬", "ô"),
    ("Ư", "¦", "Ö"),
    ("ư", "\u{AD}", "ö"),
    ("Ạ", "A¹", "AÏ"),
    ("ạ", "¹", "aï"),
    ("Ả", "A¶", "AÛ"),
    ("ả", "¶", "aû"),
    ("Ấ", "¢Ê", "AÁ"),
    ("ấ", "Ê", "aá"),
    ("Ầ", "¢Ç", "AÀ"),
    ("ầ", "Ç", "aà"),
    ("Ẩ", "¢È", "AÅ"),
    ("ẩ", "È", "aå"),
    ("Ẫ", "¢É", "AÃ"),
    ("ẫ", "É", "aã"),
    ("Ậ", "¢Ë", "AÄ"),
    ("ậ", "Ë", "aä"),
    ("Ắ", "¡¾", "AÉ"),
    ("ắ", "¾", "aé"),
    ("Ằ", "¡»", "AÈ"),
    ("ằ", "»", "aè"),
    ("Ẳ", "¡¼", "AÚ"),
    ("ẳ", "¼", "aú"),
    ("Ẵ", "¡½", "AÜ"),
    ("ẵ", "½", "aü"),
    ("Ặ", "¡Æ", "AË"),
    ("ặ", "Æ", "aë"),
    ("Ẹ", "EÑ", "EÏ"),
    ("ẹ", "Ñ", "eï"),
    ("Ẻ", "EÎ", "EÛ"),
    ("ẻ", "Î", "eû"),
    ("Ẽ", "EÏ", "EÕ"),
    ("ẽ", "Ï", "eõ"),
    ("Ế", "£Õ", "EÁ"),
    ("ế", "Õ", "eá"),
    ("Ề", "£Ò", "EÀ"),
    ("ề", "Ò", "eà"),
    ("Ể", "£Ó", "EÅ"),
    ("ể", "Ó", "eå"),
    ("Ễ", "£Ô", "EÃ"),
    ("ễ", "Ô", "eã"),
    ("Ệ", "£Ö", "EÄ"),
    ("ệ", "Ö", "eä"),
    ("Ỉ", "IØ", "Æ"),
    ("ỉ", "Ø", "æ"),
    ("Ị", "IÞ", "Ò"),
    ("ị", "Þ", "ò"),
    ("Ọ", "Oä", "OÏ"),
    ("ọ", "ä", "oï"),
    ("Ỏ", "Oá", "OÛ"),
    ("ỏ", "á", "oû"),
    ("Ố", "¤è", "OÁ"),
    ("ố", "è", "oá"),
    ("Ồ", "¤å", "OÀ"),
    ("ồ", "å", "oà"),
    ("Ổ", "¤æ", "OÅ"),
    ("ổ", "æ", "oå"),
    ("Ỗ", "¤ç", "OÃ"),
    ("ỗ", "ç", "oã"),
    ("Ộ", "¤é", "OÄ"),
    ("ộ", "é", "oä"),
    ("Ớ", "¥í", "ÔÙ"),
    ("ớ", "í", "ôù"),
    ("Ờ", "¥ê", "ÔØ"),
    ("ờ", "ê", "ôø"),
    ("Ở", "¥ë", "ÔÛ"),
    ("ở", "ë", "ôû"),
    ("Ỡ", "¥ì", "ÔÕ"),
    ("ỡ", "ì", "ôõ"),
    ("Ợ", "¥î", "ÔÏ"),
    ("ợ", "î", "ôï"),
    ("Ụ", "Uô", "UÏ"),
    ("ụ", "ô", "uï"),
    ("Ủ", "Uñ", "UÛ"),
    ("ủ", "ñ", "uû"),
    ("Ứ", "¦ø", "ÖÙ"),
    ("ứ", "ø", "öù"),
    ("Ừ", "¦õ", "ÖØ"),
    ("ừ", "õ", "öø"),
    ("Ử", "¦ö", "ÖÛ"),
    ("ử", "ö", "öû"),
    ("Ữ", "¦÷", "ÖÕ"),
    ("ữ", "÷", "öõ"),
    ("Ự", "¦ù", "ÖÏ"),
    ("ự", "ù", "öï"),
    ("Ỳ", "Yú", "YØ"),
    ("ỳ", "ú", "yø"),
    ("Ỵ", "Yþ", "Î"),
    ("ỵ", "þ", "î"),
    ("Ỷ", "Yû", "YÛ"),
    ("ỷ", "û", "yû"),
    ("Ỹ", "Yü", "YÕ"),
    ("ỹ", "ü", "yõ"),
];

#[test]
fn the_table_holds_134_distinct_letters() {
    let mut letters: Vec<&str> = TABLE.iter().map(|r| r.0).collect();
    letters.sort();
    letters.dedup();
    assert_eq!(letters.len(), 134);
    assert_eq!(
        TABLE
            .iter()
            .filter(|r| r.0.chars().all(char::is_uppercase))
            .count(),
        67
    );
}

#[test]
fn tcvn3_every_letter_both_cases() {
    for (uni, tcvn, _) in TABLE {
        assert_eq!(decode_legacy(tcvn, Legacy::Tcvn3), uni, "TCVN3 {tcvn:?}");
        // In a word, between consonants, too.
        let word = format!("t{tcvn}n");
        let want = format!("t{uni}n");
        if uni.chars().all(char::is_lowercase) {
            assert_eq!(decode_legacy(&word, Legacy::Tcvn3), want, "TCVN3 {word:?}");
        }
    }
}

#[test]
fn tcvn3_capitals_font_shows_small_codes_as_capitals() {
    for (uni, tcvn, _) in TABLE {
        if uni.chars().all(char::is_lowercase) {
            let capital = uni.to_uppercase();
            assert_eq!(decode_legacy(tcvn, Legacy::Tcvn3Caps), capital, "{tcvn:?}");
        }
    }
    assert_eq!(
        decode_legacy("b¸o c¸o tæng kÕt", Legacy::Tcvn3Caps),
        "BÁO CÁO TỔNG KẾT"
    );
}

#[test]
fn vni_every_letter_both_cases() {
    for (uni, _, v) in TABLE {
        assert_eq!(decode_legacy(v, Legacy::Vni), uni, "VNI {v:?}");
        let word = format!("t{v}n");
        assert_eq!(
            decode_legacy(&word, Legacy::Vni),
            format!("t{uni}n"),
            "VNI {word:?}"
        );
    }
}

#[test]
fn sentences_convert_to_nfc() {
    let tcvn = "TØnh ñy Hµ Giang b¸o c¸o kÕt qu¶ thùc hiÖn thÝ ®iÓm";
    let vni = "Tænh uûy Haø Giang baùo caùo keát quaû thöïc hieän thí ñieåm";
    let want = "Tỉnh ủy Hà Giang báo cáo kết quả thực hiện thí điểm";
    assert_eq!(decode_legacy(tcvn, Legacy::Tcvn3), want);
    assert_eq!(decode_legacy(vni, Legacy::Vni), want);
    assert!(vi::is_nfc(&decode_legacy(vni, Legacy::Vni)));
}

#[test]
fn fonts_name_their_encoding() {
    assert_eq!(legacy_font(".VnTime"), Some(Legacy::Tcvn3));
    assert_eq!(legacy_font(".VnArial Narrow"), Some(Legacy::Tcvn3));
    assert_eq!(legacy_font(".VnTimeH"), Some(Legacy::Tcvn3Caps));
    assert_eq!(legacy_font(".VnArialH"), Some(Legacy::Tcvn3Caps));
    assert_eq!(legacy_font("VNI-Times"), Some(Legacy::Vni));
    assert_eq!(legacy_font("VNI-Helve"), Some(Legacy::Vni));
    assert_eq!(legacy_font("Times New Roman"), None);
    assert_eq!(legacy_font("Arial"), None);
}

#[test]
fn detection_finds_lost_fonts_and_leaves_unicode_alone() {
    let d = detect_legacy("TØnh ñy Hµ Giang b¸o c¸o kÕt qu¶ thùc hiÖn").unwrap();
    assert_eq!(d.encoding, Legacy::Tcvn3);
    assert!(d.confidence > 0.8, "{}", d.confidence);
    assert_eq!(d.text, "Tỉnh ủy Hà Giang báo cáo kết quả thực hiện");

    let d = detect_legacy("Tænh uûy Haø Giang baùo caùo keát quaû thöïc hieän").unwrap();
    assert_eq!(d.encoding, Legacy::Vni);
    assert!(d.confidence > 0.8, "{}", d.confidence);
    assert_eq!(d.text, "Tỉnh ủy Hà Giang báo cáo kết quả thực hiện");

    // Unicode Vietnamese, ASCII and other Latin text give no sign.
    for s in [
        "Tỉnh ủy Hà Giang báo cáo kết quả thực hiện thí điểm hợp nhất",
        "Kết luận số 74-KL/TW ngày 22/5/2020",
        "plain ASCII text",
        "",
    ] {
        assert_eq!(detect_legacy(s), None, "{s}");
    }
}
