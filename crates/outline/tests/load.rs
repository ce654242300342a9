//! Loading templates: the shipped KL74 outline is clean; broken templates name every problem.

use outline::{NodeKind, Severity, Template};

fn problems(text: &str) -> Vec<String> {
    let (_, p) = Template::load(text, "t.toml");
    p.into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect()
}

const MINIMAL: &str = r#"
format = 1
[template]
id = "t"
version = "1"
name = "Thử"
kind = "BÁO CÁO"
kind_code = "BC"
subject = "Thử"
profile = "hd36-2018"
unit_level = "province"
cutoff = "30/6/2021"

[[node]]
id = "A"
kind = "heading"
numbering = "upper-letter"
text = "Phần một"
[node.answer]
type = "narrative"
required = true
"#;

#[test]
fn kl74_loads_without_problems() {
    let (t, p) = Template::load(outline::KL74_2021, "kl74");
    assert!(p.is_empty(), "{p:#?}");
    let t = t.unwrap();
    assert_eq!(t.template.id, "kl74-2021");
    assert_eq!(t.cutoff().unwrap().iso(), "2021-06-30");
    assert_eq!(t.catalogue.len(), 15);
    assert_eq!(t.footnote.len(), 5);
    let repeats: Vec<_> = t
        .node
        .iter()
        .filter(|n| n.kind == NodeKind::Repeat)
        .collect();
    assert_eq!(repeats.len(), 4);
    assert!(outline::builtin("kl74-2021").is_ok());
}

#[test]
fn minimal_template_is_clean() {
    assert!(problems(MINIMAL).is_empty(), "{:?}", problems(MINIMAL));
}

#[test]
fn date_31_june_is_rejected() {
    let p = problems(&MINIMAL.replace("30/6/2021", "31/6/2021"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("template.cutoff"), "{}", p[0]);
    assert!(p[0].contains("31/6/2021 không tồn tại"), "{}", p[0]);
}

#[test]
fn unknown_reference_is_rejected_with_every_problem() {
    let bad = format!(
        "{MINIMAL}
[[node]]
id = \"B\"
kind = \"item\"
parent = \"Z\"
text = \"Mục[^9]\"
show_if = {{ item = \"khong-co\", equals = \"x\" }}
"
    );
    let p = problems(&bad);
    assert!(p.iter().any(|m| m.contains("B: mục cha “Z”")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("[^9]")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("“khong-co”")), "{p:?}");
    assert_eq!(p.len(), 3, "{p:?}");
}

#[test]
fn duplicate_ids_and_bad_rules_are_reported() {
    let bad = format!(
        "{MINIMAL}
[[node]]
id = \"A\"
kind = \"heading\"
text = \"Lại A\"

[[rule]]
id = \"r\"
kind = \"date-order\"
first = \"A\"
second = \"khong\"
message = \"x\"
"
    );
    let p = problems(&bad);
    assert!(p.iter().any(|m| m.contains("mã mục “A” bị trùng")), "{p:?}");
    assert!(
        p.iter().any(|m| m.contains("“A” không phải một ngày")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|m| m.contains("“khong” không phải một ngày")),
        "{p:?}"
    );
}

#[test]
fn syntax_error_names_the_line() {
    let p = problems("format = 1\n[template\nid=1");
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("dòng 2"), "{}", p[0]);
}

#[test]
fn unknown_keys_are_rejected() {
    let p = problems(&MINIMAL.replace("numbering = \"upper-letter\"", "numbring = \"x\""));
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("numbring"), "{}", p[0]);
}

#[test]
fn roles_must_fit_their_answers_and_blocks() {
    // A status role on a narrative, outside any repeated block.
    let bad = MINIMAL.replace(
        "text = \"Phần một\"",
        "text = \"Phần một\"\nrole = \"status\"",
    );
    let p = problems(&bad);
    assert!(
        p.iter()
            .any(|m| m.contains("vai trò (role) chỉ dùng trong khối lặp")),
        "{p:?}"
    );
    // In the KL74 template, a status without an ended option is rejected.
    let kl74 = outline::KL74_2021.replacen("ended = true\n", "", 1);
    let p = problems(&kl74);
    assert!(
        p.iter()
            .any(|m| m.contains("cần một phương án “ended = true”")),
        "{p:?}"
    );
}

#[test]
fn when_empty_none_is_for_optional_answers_only() {
    // Required: an answer that must be given never prints "Không có.".
    let bad = MINIMAL.replace("required = true", "required = true\nwhen_empty = \"none\"");
    let p = problems(&bad);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("lỗi: A: mục bắt buộc"), "{}", p[0]);
    // Optional: clean.
    let good = MINIMAL.replace("required = true", "when_empty = \"none\"");
    assert!(problems(&good).is_empty(), "{:?}", problems(&good));
    let (t, _) = Template::load(&good, "t.toml");
    let a = t.unwrap().node[0].answer.clone().unwrap();
    assert_eq!(a.when_empty, outline::WhenEmpty::None);
    // Only "omit" and "none" are read.
    let p = problems(&MINIMAL.replace("required = true", "when_empty = \"khong\""));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("không đọc được"), "{}", p[0]);
}
