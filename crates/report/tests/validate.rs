//! Validation: one test per rule, each with a report that breaks it. Reports start from a valid
//! sample and are changed as JSON, the way a person or another program would get them wrong.

use outline::{Severity, Template};
use report::{sample::sample, validate, Options, Report};
use serde_json::{json, Value};
use units::Units;

struct Fixture {
    t: Template,
    u: Units,
}

fn fx() -> Fixture {
    Fixture {
        t: outline::builtin("kl74-2021").unwrap(),
        u: Units::load().unwrap(),
    }
}

impl Fixture {
    /// A valid sample report of Hà Giang as JSON, with every model of every block (the rules
    /// below break answers inside each block).
    fn base(&self) -> Value {
        let full = report::sample::SampleOptions { full: true };
        let r = report::sample::sample_with(&self.t, &self.u, "02", 7, full).unwrap();
        serde_json::to_value(&r).unwrap()
    }

    fn check(&self, v: &Value, draft: bool) -> Vec<(Severity, String)> {
        let r = Report::from_json(&v.to_string()).unwrap();
        validate(&self.t, &r, &self.u, Options { draft })
            .into_iter()
            .map(|p| (p.severity, p.to_string()))
            .collect()
    }

    fn errors(&self, v: &Value) -> Vec<String> {
        self.check(v, false)
            .into_iter()
            .filter(|(s, _)| *s == Severity::Error)
            .map(|(_, m)| m)
            .collect()
    }

    fn warnings(&self, v: &Value) -> Vec<String> {
        self.check(v, false)
            .into_iter()
            .filter(|(s, _)| *s == Severity::Warning)
            .map(|(_, m)| m)
            .collect()
    }
}

/// The answers of the first instance of a block.
fn inst<'a>(v: &'a mut Value, block: &str) -> &'a mut serde_json::Map<String, Value> {
    v["blocks"][block][0]["answers"].as_object_mut().unwrap()
}

fn one(errors: &[String], needle: &str) -> String {
    let hits: Vec<&String> = errors.iter().filter(|e| e.contains(needle)).collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one problem with “{needle}”, got {errors:#?}"
    );
    hits[0].clone()
}

#[test]
fn the_base_sample_is_valid() {
    let f = fx();
    assert!(f.errors(&f.base()).is_empty(), "{:#?}", f.errors(&f.base()));
}

#[test]
fn june_31_is_rejected_with_its_place() {
    let f = fx();
    let mut v = f.base();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x2.bd".into(), json!("2021-06-31"));
    let e = one(&f.errors(&v), "31/6/2021");
    assert!(e.starts_with("B.I.1.1.2"), "{e}");
    assert!(e.contains("không tồn tại"), "{e}");
    assert!(e.contains("30 ngày"), "{e}");
}

#[test]
fn february_29_2021_is_rejected_in_a_district_row() {
    let f = fx();
    let mut v = f.base();
    inst(&mut v, "B.I.2.m")["B.I.2.m.x2.dv"][0]["bd"] = json!("2021-02-29");
    let e = one(&f.errors(&v), "29/2/2021");
    assert!(e.contains("dòng 1"), "{e}");
}

#[test]
fn negative_and_non_integer_figures_are_errors() {
    let f = fx();
    let mut v = f.base();
    let figs = &mut inst(&mut v, "B.II.1.m")["B.II.1.m.x2.so"];
    figs["cap-pho"]["after"] = json!(-2);
    figs["bien-che"]["before"] = json!(12.5);
    figs["nguoi"]["after"] = json!("mười");
    let errors = f.errors(&v);
    one(&errors, "-2 là số âm");
    one(&errors, "12.5 không phải số nguyên");
    one(&errors, "“mười” phải ghi bằng số");
}

#[test]
fn ended_without_date_or_reason() {
    let f = fx();
    let mut v = f.base();
    let a = inst(&mut v, "B.I.1.m");
    a.insert("B.I.1.m.x2.tt".into(), json!("ket-thuc"));
    a.remove("B.I.1.m.x2.kt");
    a.remove("B.I.1.m.x2.ly");
    let errors = f.errors(&v);
    one(&errors, "Thời điểm kết thúc thí điểm: chưa có nội dung");
    one(&errors, "Nguyên nhân kết thúc thí điểm: chưa có nội dung");
    // A draft may still lack them.
    assert!(f.check(&v, true).iter().all(|(s, _)| *s != Severity::Error));
}

#[test]
fn ended_district_without_date_or_reason() {
    let f = fx();
    let mut v = f.base();
    let row = &mut inst(&mut v, "B.II.2.m")["B.II.2.m.x2.dv"][0];
    row["tt"] = json!("ket-thuc");
    row.as_object_mut().unwrap().remove("kt");
    row.as_object_mut().unwrap().remove("ly");
    let errors = f.errors(&v);
    one(&errors, "dòng 1: thiếu “Kết thúc”");
    one(&errors, "dòng 1: thiếu “Nguyên nhân kết thúc”");
}

#[test]
fn end_before_start() {
    let f = fx();
    let mut v = f.base();
    let a = inst(&mut v, "B.II.1.m");
    a.insert("B.II.1.m.x2.tt".into(), json!("ket-thuc"));
    a.insert("B.II.1.m.x2.bd".into(), json!("2020-05-01"));
    a.insert("B.II.1.m.x2.kt".into(), json!("2019-12-31"));
    a.insert("B.II.1.m.x2.ly".into(), json!("Lý do."));
    let e = one(&f.errors(&v), "kết thúc thí điểm ở trước thời điểm bắt đầu");
    assert!(e.contains("1/5/2020 và 31/12/2019"), "{e}");

    let mut v = f.base();
    let row = &mut inst(&mut v, "B.I.2.m")["B.I.2.m.x2.dv"][0];
    row["tt"] = json!("ket-thuc");
    row["bd"] = json!("2020-03-01");
    row["kt"] = json!("2020-02-01");
    row["ly"] = json!("Lý do.");
    one(
        &f.errors(&v),
        "dòng 1: Thời điểm kết thúc thí điểm của đơn vị ở trước",
    );
}

#[test]
fn district_of_another_province_or_listed_twice() {
    let f = fx();
    let mut v = f.base();
    let rows = inst(&mut v, "B.I.2.m")["B.I.2.m.x2.dv"]
        .as_array_mut()
        .unwrap();
    let first = rows[0].clone();
    rows[1]["unit"] = json!("001"); // Quận Ba Đình, Hà Nội
    rows.push(first);
    let errors = f.errors(&v);
    let e = one(&errors, "Quận Ba Đình");
    assert!(e.contains("Thành phố Hà Nội"), "{e}");
    one(&errors, "được kê hai lần");
}

#[test]
fn two_proposals_or_none() {
    let f = fx();
    let mut v = f.base();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x5.dx".into(), json!(["1", "2"]));
    one(&f.errors(&v), "chỉ được chọn một phương án");

    let mut v = f.base();
    inst(&mut v, "B.I.1.m").remove("B.I.1.m.x5.dx");
    let e = one(&f.errors(&v), "chưa có nội dung");
    assert!(e.starts_with("B.I.1.1.5"), "{e}");
}

#[test]
fn scope_missing_for_option_1() {
    let f = fx();
    let mut v = f.base();
    let a = inst(&mut v, "B.II.2.m");
    a.retain(|k, _| !k.contains(".x5."));
    a.insert("B.II.2.m.x5.dx".into(), json!("1"));
    a.insert("B.II.2.m.x5.o1.qd".into(), json!(["tham-quyen"]));
    let e = one(&f.errors(&v), "Nhân ra diện rộng");
    assert!(e.contains("chưa có nội dung"), "{e}");
    inst(&mut v, "B.II.2.m").insert("B.II.2.m.x5.o1".into(), json!("ca-nuoc"));
    assert!(f.errors(&v).is_empty(), "{:#?}", f.errors(&v));
}

#[test]
fn a_merger_that_grows_is_a_warning_not_an_error() {
    let f = fx();
    let mut v = f.base();
    let figs = &mut inst(&mut v, "B.II.1.m")["B.II.1.m.x2.so"];
    figs["cap-pho"]["before"] = json!(3);
    figs["cap-pho"]["after"] = json!(5);
    figs["cap-pho"]["authorised"] = json!(5);
    assert!(f.errors(&v).is_empty(), "{:#?}", f.errors(&v));
    let w = one(&f.warnings(&v), "Số cấp phó của cơ quan");
    assert!(w.contains("từ 3 lên 5, +2"), "{w}");
}

#[test]
fn actual_above_authorised_is_a_warning() {
    let f = fx();
    let mut v = f.base();
    let figs = &mut inst(&mut v, "B.II.1.m")["B.II.1.m.x2.so"];
    figs["dau-moi"]["before"] = json!(9);
    figs["dau-moi"]["after"] = json!(7);
    figs["dau-moi"]["authorised"] = json!(6);
    one(&f.warnings(&v), "số thực tế 7 vượt số theo quyết định 6");
}

#[test]
fn dates_after_the_cutoff_are_errors_and_before_18_nq_are_warnings() {
    let f = fx();
    let mut v = f.base();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x2.bd".into(), json!("2021-07-01"));
    one(&f.errors(&v), "ở sau ngày chốt số liệu 30/6/2021");

    let mut v = f.base();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x2.bd".into(), json!("2017-01-10"));
    assert!(f.errors(&v).is_empty());
    one(&f.warnings(&v), "ở trước Nghị quyết số 18-NQ/TW");
}

#[test]
fn required_items_missing_only_outside_drafts() {
    let f = fx();
    let mut v = f.base();
    v["answers"].as_object_mut().unwrap().remove("A.I");
    let e = one(&f.errors(&v), "chưa có nội dung");
    assert!(e.starts_with("A.I"), "{e}");
    assert!(f.check(&v, true).iter().all(|(s, _)| *s != Severity::Error));
}

#[test]
fn drafts_still_report_what_is_wrong() {
    let f = fx();
    let mut v = f.base();
    v["answers"].as_object_mut().unwrap().clear();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x2.bd".into(), json!("2021-06-31"));
    let draft: Vec<_> = f
        .check(&v, true)
        .into_iter()
        .filter(|(s, _)| *s == Severity::Error)
        .collect();
    assert_eq!(draft.len(), 1, "{draft:#?}");
    assert!(draft[0].1.contains("31/6/2021"));
}

#[test]
fn unknown_items_models_and_nameless_other_models() {
    let f = fx();
    let mut v = f.base();
    v["answers"]["Z.9"] = json!("x");
    v["blocks"]["B.I.1.m"][0]["model"] = json!("H1");
    v["blocks"]["B.II.2.m"][0]["model"] = json!("khac");
    let errors = f.errors(&v);
    one(&errors, "mục “Z.9” không có trong đề cương");
    one(&errors, "mô hình “H1” không thuộc khối này");
    one(&errors, "cần ghi tên mô hình");
}

#[test]
fn a_huge_text_is_an_error() {
    let f = fx();
    let mut v = f.base();
    v["answers"]["A.I"] = json!("a".repeat(100_001));
    one(&f.errors(&v), "nội dung quá dài (100.001 ký tự");
}

#[test]
fn the_document_needs_signer_and_a_real_date() {
    let f = fx();
    let mut v = f.base();
    v["document"]["date"] = json!("2021-09-31");
    v["document"].as_object_mut().unwrap().remove("signer");
    let errors = f.errors(&v);
    one(&errors, "ngày văn bản: ngày 31/9/2021 không tồn tại");
    one(&errors, "thiếu họ tên người ký");
}

#[test]
fn wrong_template_and_province() {
    let f = fx();
    let mut v = f.base();
    v["template"]["id"] = json!("khac-2020");
    v["unit"]["province"] = json!("99");
    let errors = f.errors(&v);
    one(&errors, "không phải “kl74-2021”");
    one(&errors, "không có tỉnh, thành phố mã “99”");
}

#[test]
fn text_is_normalised_to_nfc_on_input() {
    let f = fx();
    let mut v = f.base();
    // "Tiếng Việt" typed with combining marks.
    v["answers"]["A.I"] = json!("Tie\u{302}\u{301}ng Vie\u{323}\u{302}t");
    let r = Report::from_json(&v.to_string()).unwrap();
    assert_eq!(r.answers["A.I"], json!("Tiếng Việt"));
}

#[test]
fn json_round_trip_is_lossless() {
    let f = fx();
    for (p, seed) in [("02", 7), ("01", 1), ("79", 42)] {
        let r = sample(&f.t, &f.u, p, seed).unwrap();
        let text = r.to_json();
        let back = Report::from_json(&text).unwrap();
        assert_eq!(back, r);
        assert!(validate(&f.t, &back, &f.u, Options::default())
            .iter()
            .all(|p| p.severity != Severity::Error));
        assert_eq!(back.to_json(), text);
    }
}

#[test]
fn malformed_json_gets_a_vietnamese_error_with_its_line() {
    let e = Report::from_json("{\n  \"template\": ")
        .unwrap_err()
        .to_string();
    assert!(e.contains("dòng 2"), "{e}");
    assert!(e.contains("kết thúc giữa chừng"), "{e}");
    let e = Report::from_json(
        r#"{"template":{"id":"a","version":"1"},"unit":{"province":"02"},"x":1}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("trường `x` không có trong định dạng"), "{e}");
    // serde's details never reach the user in English.
    for (json, want) in [
        (
            r#"{"template":{"id":"a","version":"1"},"unit":{"province":"02"},"answers":[1]}"#,
            "sai kiểu dữ liệu: có một danh sách […], cần một đối tượng {…}",
        ),
        ("[1, 2]", "sai kiểu dữ liệu"),
        (r#"{"template": "\ud800"}"#, "mã thoát"),
    ] {
        let e = Report::from_json(json).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
        for english in ["invalid", "expected", "surrogate", "struct", "map"] {
            assert!(!e.contains(english), "{e}");
        }
    }
}

#[test]
fn samples_are_deterministic_and_varied() {
    let f = fx();
    let a = sample(&f.t, &f.u, "02", 7).unwrap().to_json();
    assert_eq!(a, sample(&f.t, &f.u, "02", 7).unwrap().to_json());
    assert_ne!(a, sample(&f.t, &f.u, "02", 8).unwrap().to_json());
    // Across the 63 provinces: ended pilots (province-level models and district rows), growth
    // and fall, all three proposals.
    let (mut ended, mut up, mut down) = (0, 0, 0);
    let mut proposals = std::collections::BTreeSet::new();
    for p in &f.u.provinces {
        let r = sample(&f.t, &f.u, &p.code, 7).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        for (_, list) in v["blocks"].as_object().unwrap() {
            for i in list.as_array().unwrap() {
                for (k, a) in i["answers"].as_object().unwrap() {
                    if k.ends_with(".x5.dx") {
                        proposals.insert(a.as_str().unwrap().to_string());
                    }
                    if k.ends_with(".x2.tt") && a == "ket-thuc" {
                        ended += 1;
                    }
                    if k.ends_with(".x2.so") {
                        for (_, cell) in a.as_object().unwrap() {
                            let (b, af) = (
                                cell["before"].as_i64().unwrap(),
                                cell["after"].as_i64().unwrap(),
                            );
                            up += (af > b) as i32;
                            down += (af < b) as i32;
                        }
                    }
                }
                // Every district row belongs to the province.
                for (k, a) in i["answers"].as_object().unwrap() {
                    if k.ends_with(".x2.dv") {
                        for row in a.as_array().unwrap() {
                            let d = f.u.district(row["unit"].as_str().unwrap()).unwrap();
                            assert_eq!(d.province_code, p.code);
                            ended += i32::from(row["tt"] == "ket-thuc");
                        }
                    }
                }
            }
        }
    }
    assert!(ended > 10, "{ended}");
    assert!(up > 10 && down > 10, "{up} {down}");
    assert_eq!(proposals.into_iter().collect::<Vec<_>>(), ["1", "2", "3"]);
}

/// Regression: date messages inside rows and document lists once read "văn bản thứ 1ngày …" and
/// ": : ngày …".
#[test]
fn date_messages_read_cleanly_in_rows_lists_and_items() {
    let f = fx();
    let mut v = f.base();
    let a = inst(&mut v, "B.I.2.m");
    a["B.I.2.m.x2.dv"][0]["bd"] = json!("2021-07-15");
    let a = inst(&mut v, "B.I.1.m");
    a["B.I.1.m.x2.qd"][0]["date"] = json!("2021-07-02");
    a.insert("B.I.1.m.x2.bd".into(), json!("2021-07-01"));
    let errors = f.errors(&v);
    let e = one(
        &errors,
        "dòng 1, “Bắt đầu”: ngày 15/7/2021 ở sau ngày chốt số liệu 30/6/2021",
    );
    assert!(e.starts_with("B.I.2.1.2"), "{e}");
    one(
        &errors,
        "văn bản thứ 1: ngày 2/7/2021 ở sau ngày chốt số liệu",
    );
    let e = one(
        &errors,
        "Thời điểm bắt đầu thực hiện thí điểm: ngày 1/7/2021 ở sau",
    );
    assert!(!e.contains(": :"), "{e}");
}

#[test]
fn legacy_text_that_lost_its_font_is_warned_with_its_reading() {
    let f = fx();
    let mut v = f.base();
    v["answers"]["A.I"] = json!("Ban Th\u{AD}êng vô TØnh ñy ®· l·nh ®¹o qu¸n triÖt");
    let w = one(&f.warnings(&v), "TCVN3");
    assert!(w.starts_with("A.I"), "{w}");
    assert!(
        w.contains("Ban Thường vụ Tỉnh ủy đã lãnh đạo quán triệt"),
        "{w}"
    );
    assert!(f.errors(&v).is_empty());
    // Unicode text gives no such warning.
    let v = f.base();
    assert!(f.warnings(&v).iter().all(|w| !w.contains("bảng mã")));
}

/// One validation serves drafts and submissions: a draft's problems are exactly the full
/// problems less those marked `missing`, for complete, half-filled and empty reports.
#[test]
fn draft_problems_are_the_full_problems_less_the_missing_ones() {
    let f = fx();
    let check = |r: &Report, what: &str| {
        let draft = validate(&f.t, r, &f.u, Options { draft: true });
        let full = validate(&f.t, r, &f.u, Options { draft: false });
        let less: Vec<_> = full.iter().filter(|p| !p.missing).cloned().collect();
        assert_eq!(draft, less, "{what}");
        full.iter().filter(|p| p.missing).count()
    };
    let mut marked = 0;
    for (i, p) in f.u.provinces.iter().enumerate().step_by(7) {
        let mut v = serde_json::to_value(sample(&f.t, &f.u, &p.code, 5).unwrap()).unwrap();
        // Half the answers gone, a document particular gone, a district row's column gone.
        let keys: Vec<String> = v["answers"].as_object().unwrap().keys().cloned().collect();
        for k in keys.iter().skip(i % 2).step_by(2) {
            v["answers"].as_object_mut().unwrap().remove(k);
        }
        v["document"].as_object_mut().unwrap().remove("date");
        for list in v["blocks"].as_object_mut().unwrap().values_mut() {
            for inst in list.as_array_mut().unwrap() {
                let a = inst["answers"].as_object_mut().unwrap();
                let k: Vec<String> = a.keys().cloned().collect();
                for key in k.iter().step_by(3) {
                    a.remove(key);
                }
            }
        }
        let r = Report::from_json(&v.to_string()).unwrap();
        marked += check(&r, &p.code);
    }
    let mut blank = sample(&f.t, &f.u, "01", 1).unwrap();
    blank.answers.clear();
    blank.blocks.clear();
    marked += check(&blank, "blank");
    assert!(marked > 50, "missing problems are marked: {marked}");
}

/// Issue 13: a date typed the Vietnamese way gets the calendar's message, never the ISO form's.
#[test]
fn a_vietnamese_date_gets_the_calendars_message() {
    let f = fx();
    let mut v = f.base();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x2.bd".into(), json!("31/6/2021"));
    let e = one(&f.errors(&v), "31/6/2021");
    assert!(e.contains("tháng 6 năm 2021 chỉ có 30 ngày"), "{e}");
    assert!(!e.contains("ISO"), "{e}");
    let mut v = f.base();
    inst(&mut v, "B.I.1.m").insert("B.I.1.m.x2.bd".into(), json!("30/6/2021"));
    let e = one(&f.errors(&v), "30/6/2021");
    assert!(
        e.contains("2021-06-30"),
        "a valid date says how the file writes it: {e}"
    );
}
