use super::*;
use std::cmp::Ordering;

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::new(y, m, day).unwrap()
}

// ---------------------------------------------------------------- NFC

#[test]
fn nfc_composes_decomposed_input() {
    let decomposed = "Tie\u{302}\u{301}ng Vie\u{323}\u{302}t";
    assert!(!is_nfc(decomposed));
    let composed = nfc(decomposed);
    assert_eq!(composed, "Tiếng Việt");
    assert_eq!(composed.chars().count(), 10);
    assert!(is_nfc(&composed));
    // Already composed text comes back unchanged.
    assert_eq!(nfc("Hà Giang"), "Hà Giang");
}

// ---------------------------------------------------------------- dates

#[test]
fn date_rejects_day_31_in_june_with_vietnamese_message() {
    let e = Date::parse_vi("31/6/2021").unwrap_err();
    assert_eq!(
        e.to_string(),
        "ngày 31/6/2021 không tồn tại: tháng 6 năm 2021 chỉ có 30 ngày"
    );
    assert_eq!(Date::new(2021, 6, 31).unwrap_err(), e);
}

#[test]
fn date_rejects_29_feb_in_common_year_accepts_in_leap_year() {
    let e = Date::parse("29/2/2021").unwrap_err();
    assert_eq!(
        e.to_string(),
        "ngày 29/2/2021 không tồn tại: tháng 2 năm 2021 chỉ có 28 ngày"
    );
    let ok = Date::parse("29/2/2020").unwrap();
    assert_eq!((ok.year(), ok.month(), ok.day()), (2020, 2, 29));
    // Century rules: 1900 is not a leap year, 2000 is.
    assert!(Date::new(1900, 2, 29).is_err());
    assert!(Date::new(2000, 2, 29).is_ok());
}

#[test]
fn date_rejects_month_13_and_malformed_text() {
    assert_eq!(
        Date::new(2021, 13, 1).unwrap_err().to_string(),
        "tháng 13 không tồn tại"
    );
    assert_eq!(
        Date::parse_vi("1/13/2021").unwrap_err(),
        DateError::InvalidMonth { month: 13 }
    );
    assert_eq!(
        Date::parse("abc").unwrap_err().to_string(),
        "“abc” không phải là ngày hợp lệ (viết theo dạng ngày/tháng/năm, ví dụ 30/6/2021)"
    );
    assert!(matches!(
        Date::new(2021, 6, 0),
        Err(DateError::InvalidDay { day: 0, .. })
    ));
    assert!(matches!(
        Date::new(10000, 1, 1),
        Err(DateError::YearOutOfRange { year: 10000 })
    ));
    assert_eq!(
        Date::new(0, 1, 1).unwrap_err().to_string(),
        "năm 0 nằm ngoài phạm vi cho phép (từ năm 1 đến năm 9999)"
    );
    for bad in [
        "",
        "30/6",
        "30/6/21",
        "30/6-2021",
        "30//2021",
        "123/6/2021",
        "30/6/2021/1",
        "x30/6/2021",
        "30 /6/2021",
    ] {
        assert!(
            matches!(Date::parse_vi(bad), Err(DateError::Malformed { .. })),
            "{bad:?} should be malformed"
        );
    }
}

#[test]
fn parse_iso_is_strict_and_calendar_checked() {
    assert_eq!(Date::parse_iso("2021-06-30").unwrap(), d(2021, 6, 30));
    let e = Date::parse_iso("2021-06-31").unwrap_err();
    assert_eq!(
        e,
        DateError::InvalidDay {
            year: 2021,
            month: 6,
            day: 31,
            days_in_month: 30
        }
    );
    for bad in [
        "2021-6-30",
        "21-06-30",
        "2021-06-30 ",
        "2021/06/30",
        "30/06/2021",
        "",
    ] {
        assert!(
            matches!(Date::parse_iso(bad), Err(DateError::MalformedIso { .. })),
            "{bad:?} should be malformed ISO"
        );
    }
}

#[test]
fn parse_vi_accepts_the_usual_separators_and_padding() {
    let expected = d(2021, 6, 30);
    for s in [
        "30/6/2021",
        "30/06/2021",
        "30-6-2021",
        "30.6.2021",
        "  30/6/2021\t",
    ] {
        assert_eq!(Date::parse_vi(s).unwrap(), expected, "{s:?}");
    }
    assert_eq!(Date::parse_vi("5/9/2021").unwrap(), d(2021, 9, 5));
}

#[test]
fn parse_accepts_both_forms_and_from_str_matches() {
    assert_eq!(Date::parse("2021-06-30").unwrap(), d(2021, 6, 30));
    assert_eq!(Date::parse(" 30/6/2021 ").unwrap(), d(2021, 6, 30));
    assert_eq!("22/5/2020".parse::<Date>().unwrap(), d(2020, 5, 22));
    // An ISO-shaped but impossible date keeps its precise message.
    assert_eq!(
        Date::parse("2021-02-29").unwrap_err().to_string(),
        "ngày 29/2/2021 không tồn tại: tháng 2 năm 2021 chỉ có 28 ngày"
    );
}

#[test]
fn date_formats() {
    let date = d(2021, 6, 30);
    assert_eq!(date.iso(), "2021-06-30");
    assert_eq!(date.short_vi(), "30/6/2021");
    assert_eq!(date.to_string(), "30/6/2021");
    assert_eq!(d(2020, 5, 2).iso(), "2020-05-02");
    assert_eq!(format!("ngày {}", d(2020, 5, 22)), "ngày 22/5/2020");
}

#[test]
fn long_vi_padding_rules() {
    assert_eq!(d(2021, 9, 5).long_vi(), "ngày 05 tháng 9 năm 2021");
    assert_eq!(d(2021, 1, 5).long_vi(), "ngày 05 tháng 01 năm 2021");
    assert_eq!(d(2021, 8, 13).long_vi(), "ngày 13 tháng 8 năm 2021");
    assert_eq!(d(2021, 12, 22).long_vi(), "ngày 22 tháng 12 năm 2021");
    assert_eq!(d(2021, 2, 10).long_vi(), "ngày 10 tháng 02 năm 2021");
    assert_eq!(d(2021, 3, 1).long_vi(), "ngày 01 tháng 3 năm 2021");
    assert_eq!(
        d(2021, 9, 5).place_date("Hà Giang"),
        "Hà Giang, ngày 05 tháng 9 năm 2021"
    );
}

#[test]
fn date_arithmetic() {
    let a = d(2021, 6, 30);
    assert_eq!(a.days_until(&d(2021, 7, 1)), 1);
    assert_eq!(a.days_until(&d(2020, 6, 30)), -365);
    assert_eq!(d(2020, 1, 1).days_until(&d(2021, 1, 1)), 366);
    assert_eq!(a.plus_days(1).unwrap(), d(2021, 7, 1));
    assert_eq!(d(2020, 2, 28).plus_days(1).unwrap(), d(2020, 2, 29));
    assert_eq!(a.plus_days(-365).unwrap(), d(2020, 6, 30));
    assert!(a < d(2021, 7, 1));
    for days in [i64::MAX, i64::MIN, 10_000 * 366, -(3000 * 366)] {
        assert_eq!(
            a.plus_days(days).unwrap_err(),
            DateError::OutOfRange { from: a, days }
        );
    }
    assert!(d(9999, 12, 31).plus_days(1).is_err());
    assert!(d(1, 1, 1).plus_days(-1).is_err());
}

#[test]
fn date_serde_round_trip_and_rejection() {
    let date = d(2021, 6, 30);
    let json = serde_json::to_string(&date).unwrap();
    assert_eq!(json, "\"2021-06-30\"");
    let back: Date = serde_json::from_str(&json).unwrap();
    assert_eq!(back, date);

    let err = serde_json::from_str::<Date>("\"2021-06-31\"").unwrap_err();
    assert!(
        err.to_string()
            .contains("ngày 31/6/2021 không tồn tại: tháng 6 năm 2021 chỉ có 30 ngày"),
        "{err}"
    );
    // ISO only: the Vietnamese form is not accepted in data files.
    assert!(serde_json::from_str::<Date>("\"30/6/2021\"").is_err());
    assert!(serde_json::from_str::<Date>("20210630").is_err());
}

// ---------------------------------------------------------------- numbers

#[test]
fn format_int_groups_thousands_with_dots() {
    assert_eq!(format_int(0), "0");
    assert_eq!(format_int(999), "999");
    assert_eq!(format_int(1000), "1.000");
    assert_eq!(format_int(1234567), "1.234.567");
    assert_eq!(format_int(-1234), "-1.234");
    assert_eq!(format_int(-999), "-999");
    assert_eq!(format_int(i64::MAX), "9.223.372.036.854.775.807");
    assert_eq!(format_int(i64::MIN), "-9.223.372.036.854.775.808");
}

#[test]
fn format_change_signs() {
    assert_eq!(format_change(3), "+3");
    assert_eq!(format_change(1234), "+1.234");
    assert_eq!(format_change(-1234), "-1.234");
    assert_eq!(format_change(0), "0");
    assert_eq!(format_change(i64::MIN), "-9.223.372.036.854.775.808");
}

#[test]
fn format_decimal_and_percent() {
    assert_eq!(format_decimal(12.5, 1), "12,5");
    assert_eq!(format_decimal(1234.5, 1), "1.234,5");
    assert_eq!(format_decimal(1234567.891, 2), "1.234.567,89");
    assert_eq!(format_decimal(-1234.5, 1), "-1.234,5");
    assert_eq!(format_decimal(2.0, 0), "2");
    assert_eq!(format_decimal(1999.96, 1), "2.000,0");
    assert_eq!(format_decimal(-0.04, 1), "0,0");
    assert_eq!(format_decimal(f64::NAN, 1), "NaN");
    assert_eq!(format_decimal(f64::NEG_INFINITY, 1), "-∞");
    assert_eq!(format_percent(12.5, 1), "12,5%");
    assert_eq!(format_percent(100.0, 0), "100%");
    assert_eq!(format_percent(-3.25, 2), "-3,25%");
}

#[test]
fn parse_int_accepts_vietnamese_integers() {
    assert_eq!(parse_int("1.234"), Ok(1234));
    assert_eq!(parse_int("1234"), Ok(1234));
    assert_eq!(parse_int(" 12 "), Ok(12));
    assert_eq!(parse_int("-1.234.567"), Ok(-1_234_567));
    assert_eq!(parse_int("+5"), Ok(5));
    assert_eq!(parse_int("0"), Ok(0));
    assert_eq!(parse_int("-9.223.372.036.854.775.808"), Ok(i64::MIN));
    assert_eq!(parse_int("9223372036854775807"), Ok(i64::MAX));
}

#[test]
fn parse_int_rejects_with_vietnamese_messages() {
    let e = parse_int("1,5").unwrap_err();
    assert!(e.contains("dấu phẩy là dấu thập phân"), "{e}");
    let e = parse_int("abc").unwrap_err();
    assert_eq!(
        e,
        "“abc” không phải là số nguyên hợp lệ (ví dụ 1.234 hoặc 1234)"
    );
    assert_eq!(parse_int("").unwrap_err(), "chưa nhập số (ô trống)");
    assert_eq!(parse_int("   ").unwrap_err(), "chưa nhập số (ô trống)");
    for bad in [
        "1.23", "12.3456", ".123", "1.", "1..234", "-", "+", "--1", "1 234",
    ] {
        assert!(parse_int(bad).is_err(), "{bad:?} should be rejected");
    }
    let e = parse_int("9.223.372.036.854.775.808").unwrap_err();
    assert!(e.contains("quá lớn"), "{e}");
    assert!(parse_int("99999999999999999999999999999999999999999").is_err());
}

// ---------------------------------------------------------------- case, folding, keys

#[test]
fn upper_is_vietnamese_aware_and_nfc() {
    assert_eq!(upper("tỉnh ủy hà giang"), "TỈNH ỦY HÀ GIANG");
    assert_eq!(upper("đảng bộ"), "ĐẢNG BỘ");
    let out = upper("tie\u{302}\u{301}ng vie\u{323}\u{302}t");
    assert_eq!(out, "TIẾNG VIỆT");
    assert!(is_nfc(&out));
}

#[test]
fn fold_strips_diacritics_case_and_spaces() {
    assert_eq!(fold("Kiêm Nhiệm  chức danh"), "kiem nhiem chuc danh");
    assert_eq!(fold("Đắk Lắk"), "dak lak");
    assert_eq!(fold("Hoà Bình"), fold("Hòa Bình"));
    assert_eq!(fold("  Hà\u{a0}Giang\n "), "ha giang");
    assert_eq!(fold("Tie\u{302}\u{301}ng Vie\u{323}\u{302}t"), "tieng viet");
    assert_eq!(fold("ÐIỆN BIÊN"), "dien bien");
    assert_ne!(fold("Hà Nam"), fold("Hà Nội"));
}

#[test]
fn name_key_ignores_tone_placement_only() {
    assert_eq!(name_key("Tỉnh Hoà Bình"), name_key("tỉnh hòa bình"));
    assert_eq!(name_key("tỉnh hòa bình"), "tỉnh hòa bình");
    assert_ne!(name_key("Hà"), name_key("Ha"));
    assert_ne!(name_key("Hà"), name_key("Hả"));
    assert_ne!(name_key("Hòa"), name_key("Hoa"));
    let pairs = [
        ("oà", "òa"),
        ("oá", "óa"),
        ("oả", "ỏa"),
        ("oã", "õa"),
        ("oạ", "ọa"),
        ("uỷ", "ủy"),
        ("uý", "úy"),
        ("uỳ", "ùy"),
        ("uỹ", "ũy"),
        ("uỵ", "ụy"),
        ("oè", "òe"),
        ("khoẻ", "khỏe"),
        ("Thanh Hoá", "thanh hóa"),
        ("Ban Thường vụ Tỉnh uỷ", "ban thường vụ tỉnh ủy"),
        ("Thuỷ  Nguyên", "Thủy Nguyên"),
        ("tuỳ", "tùy"),
        ("quý", "qúy"),
    ];
    for (a, b) in pairs {
        assert_eq!(name_key(a), name_key(b), "{a} / {b}");
    }
    // Decomposed input gives the same key.
    assert_eq!(name_key("Hoa\u{300} Bi\u{300}nh"), name_key("Hòa Bình"));
    // Other diacritics are kept.
    assert_eq!(name_key("Đắk Lắk"), "đắk lắk");
    assert_eq!(name_key("Người  dân"), "người dân");
    assert_eq!(name_key("Quốc hội"), "quốc hội");
    assert_eq!(name_key("giữa"), "giữa");
    assert_ne!(name_key("Đắk"), name_key("Dak"));
    assert_ne!(name_key("hoàn"), name_key("hoán"));
}

// ---------------------------------------------------------------- collation

#[test]
fn collator_orders_vietnamese_alphabet() {
    let mut items: Vec<String> = ["Đồng Tháp", "Dak", "Ân", "An", "Ăn", "Bình", "Cà Mau", "Ba"]
        .into_iter()
        .map(String::from)
        .collect();
    sort_vi(&mut items);
    assert_eq!(
        items,
        ["An", "Ăn", "Ân", "Ba", "Bình", "Cà Mau", "Dak", "Đồng Tháp"]
    );

    let mut words: Vec<String> = ["âm", "ăn", "an"].into_iter().map(String::from).collect();
    sort_vi(&mut words);
    assert_eq!(words, ["an", "ăn", "âm"]);
}

#[test]
fn collator_letters_are_primary_and_tones_secondary() {
    let c = Collator::new().unwrap();
    // ă, â, đ, ê, ô, ơ, ư are letters of their own (primary differences) ...
    assert_eq!(c.compare("ăn", "âm"), Ordering::Less);
    assert_eq!(c.compare("ăz", "âa"), Ordering::Less);
    assert_eq!(c.compare("dz", "đa"), Ordering::Less);
    assert_eq!(c.compare("ez", "êa"), Ordering::Less);
    assert_eq!(c.compare("oz", "ôa"), Ordering::Less);
    assert_eq!(c.compare("ôz", "ơa"), Ordering::Less);
    assert_eq!(c.compare("uz", "ưa"), Ordering::Less);
    // ... while tones only decide between otherwise equal strings.
    assert_eq!(c.compare("bà", "bb"), Ordering::Less);
    assert_eq!(c.compare("ba", "bà"), Ordering::Less);
    assert_eq!(c.compare("Hà", "Hà"), Ordering::Equal);
}

#[test]
fn collator_sort_by_key_is_stable_and_uses_key() {
    let c = Collator::new().unwrap();
    let mut rows = vec![
        ("Đà Nẵng", 1),
        ("Bắc Ninh", 2),
        ("Bạc Liêu", 3),
        ("Cần Thơ", 4),
    ];
    c.sort(&mut rows, |r| r.0);
    let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    assert_eq!(names, ["Bạc Liêu", "Bắc Ninh", "Cần Thơ", "Đà Nẵng"]);
}

#[test]
fn error_types_display_in_vietnamese() {
    let e = CollatorError {
        reason: "x".to_string(),
    };
    assert!(e.to_string().starts_with("không tạo được bộ sắp xếp"));
    let e = d(2021, 1, 1).plus_days(i64::MAX).unwrap_err();
    assert!(e.to_string().starts_with("không thể cộng"), "{e}");
}

#[test]
fn shorten_cuts_between_words() {
    assert_eq!(
        crate::shorten("Về công tác quán triệt", 60),
        "Về công tác quán triệt"
    );
    assert_eq!(
        crate::shorten("Về công tác quán triệt, học tập", 26),
        "Về công tác quán triệt…"
    );
    assert_eq!(crate::shorten("Về công tác quán triệt", 14), "Về công tác…");
    assert_eq!(crate::shorten("Khôngkhoảngtrắng", 5), "Không…");
}

#[test]
fn the_long_form_is_read_and_checked_like_the_short_one() {
    let d = Date::parse("ngày 5 tháng 9 năm 2021").unwrap();
    assert_eq!(d.iso(), "2021-09-05");
    assert_eq!(Date::parse("  Ngày 05 tháng 09 năm 2021 ").unwrap(), d);
    assert_eq!(Date::parse("5 tháng 9 năm 2021").unwrap(), d);
    assert_eq!(Date::parse("ngay 5 thang 9 nam 2021").unwrap(), d);
    let e = Date::parse("ngày 31 tháng 6 năm 2021")
        .unwrap_err()
        .to_string();
    assert!(e.contains("tháng 6 năm 2021 chỉ có 30 ngày"), "{e}");
    let e = Date::parse("ngày 5 tháng 9").unwrap_err().to_string();
    assert!(e.contains("không phải là ngày hợp lệ"), "{e}");
    assert_eq!(Date::parse("05-09-2021").unwrap(), d);
}
