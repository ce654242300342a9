//! `recheck` (validating only what a change touched) against `check` (validating everything):
//! many random edits of sample reports, each edit's incremental validation compared with the
//! whole validation of the edited report, part by part. The edits are the ones a form, the API
//! or a bad file make: answers set from other samples, wrong answers of every kind, answers
//! cleared, keys that do not belong, particulars, and instances added, removed and moved (which
//! must fall back to a whole validation). `BAOCAO_RECHECK_EDITS` sets the edits per report.

use outline::{NodeKind, Template};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use report::{check, recheck, sample, Instance, Options, Report};
use serde_json::{json, Value};
use units::Units;

/// Values seen in samples for each item (valid answers of every shape the template asks).
fn donors(t: &Template, u: &Units) -> std::collections::HashMap<String, Vec<Value>> {
    let mut out: std::collections::HashMap<String, Vec<Value>> = Default::default();
    let full = sample::SampleOptions { full: true };
    let mut reports = Vec::new();
    for (p, seed) in [("01", 1), ("02", 7), ("79", 3), ("48", 11)] {
        reports.push(sample::sample(t, u, p, seed).unwrap());
    }
    reports.push(sample::sample_with(t, u, "02", 7, full).unwrap());
    for r in &reports {
        let mut add = |k: &String, v: &Value| out.entry(k.clone()).or_default().push(v.clone());
        r.answers.iter().for_each(|(k, v)| add(k, v));
        for i in r.blocks.values().flatten() {
            i.answers.iter().for_each(|(k, v)| add(k, v));
        }
    }
    out
}

/// A wrong or odd answer of some kind.
fn junk(rng: &mut ChaCha8Rng, like: Option<&Value>) -> Value {
    let long_line = "chữ ".repeat(600);
    let choices = [
        json!(""),
        json!("   "),
        json!(null),
        json!([]),
        json!({}),
        json!(true),
        json!(-5),
        json!(1.5),
        json!(12),
        json!(100000000),
        json!("mười hai"),
        json!("dòng một\ndòng hai"),
        json!(long_line),
        json!("Tr\u{00a6}êng hîp c¸n bé ®· ®\u{00ad}îc s¾p xÕp"),
        json!("2021-02-30"),
        json!("30/06/2021"),
        json!("2099-01-01"),
        json!("1990-05-01"),
        json!("2021-06-30"),
        json!("khong-co"),
        json!(["a", "a"]),
        json!([1, 2]),
        json!([{"x": 1}]),
        json!([{"number": "", "date": "2030-01-01", "issuer": "UBND"}]),
        json!([{"number": "12", "date": "2019-03-01", "issuer": "Tỉnh ủy", "extra": 1}]),
        json!({"khong-co": {"before": 1}}),
        json!(["khong-co"]),
    ];
    // Sometimes a donor value broken in one place: a row dropped, doubled, a field removed
    // or given the wrong type.
    if let Some(v) = like.filter(|_| rng.gen_bool(0.5)) {
        let mut v = v.clone();
        match &mut v {
            Value::Array(a) if !a.is_empty() => {
                let i = rng.gen_range(0..a.len());
                match rng.gen_range(0..4) {
                    0 => {
                        a.remove(i);
                    }
                    1 => {
                        let x = a[i].clone();
                        a.push(x);
                    }
                    2 => {
                        if let Some(o) = a[i].as_object_mut() {
                            let keys: Vec<String> = o.keys().cloned().collect();
                            if let Some(k) = keys.choose(rng) {
                                o.remove(k);
                            }
                        }
                    }
                    _ => {
                        if let Some(o) = a[i].as_object_mut() {
                            let keys: Vec<String> = o.keys().cloned().collect();
                            if let Some(k) = keys.choose(rng) {
                                o.insert(k.clone(), json!("2031-13-01"));
                            }
                        }
                    }
                }
            }
            Value::Object(o) if !o.is_empty() => {
                let keys: Vec<String> = o.keys().cloned().collect();
                let k = keys.choose(rng).unwrap().clone();
                match rng.gen_range(0..3) {
                    0 => {
                        o.remove(&k);
                    }
                    1 => {
                        o.insert(k, json!({"before": 3, "after": 9, "authorised": 2}));
                    }
                    _ => {
                        o.insert(k, json!({"before": -1, "after": "x"}));
                    }
                }
            }
            _ => {}
        }
        return v;
    }
    choices.choose(rng).unwrap().clone()
}

/// One random edit of `r`; returns what it did (for the failure message).
fn edit(
    rng: &mut ChaCha8Rng,
    t: &Template,
    donors: &std::collections::HashMap<String, Vec<Value>>,
    r: &mut Report,
) -> String {
    let answerable: Vec<&outline::Node> = t.node.iter().filter(|n| n.answer.is_some()).collect();
    let roll = rng.gen_range(0..100);
    if roll < 80 {
        // An answer set or cleared, in its scope (or, rarely, in the wrong one).
        let instances: Vec<(String, usize)> = r
            .blocks
            .iter()
            .flat_map(|(b, l)| (0..l.len()).map(move |i| (b.clone(), i)))
            .collect();
        let scope = if instances.is_empty() || rng.gen_bool(0.4) {
            None
        } else {
            instances.choose(rng).cloned()
        };
        let wrong_scope = rng.gen_bool(0.03);
        let candidates: Vec<&&outline::Node> = answerable
            .iter()
            .filter(|n| {
                let block = t.enclosing_repeat(&n.id).map(|b| b.id.clone());
                let right = block == scope.as_ref().map(|(b, _)| b.clone());
                right != wrong_scope
            })
            .collect();
        let Some(node) = candidates.choose(rng) else {
            return "nothing".into();
        };
        let value = match rng.gen_range(0..100) {
            0..=44 => donors
                .get(&node.id)
                .and_then(|l| l.choose(rng))
                .cloned()
                .unwrap_or(Value::Null),
            45..=84 => {
                let like = donors.get(&node.id).and_then(|l| l.choose(rng)).cloned();
                junk(rng, like.as_ref())
            }
            _ => Value::Null,
        };
        let map = match &scope {
            None => &mut r.answers,
            Some((b, i)) => &mut r.blocks.get_mut(b).unwrap()[*i].answers,
        };
        let what = format!("{:?} {} = {}", scope, node.id, value);
        if value.is_null() && rng.gen_bool(0.7) {
            map.remove(&node.id);
        } else {
            map.insert(node.id.clone(), value);
        }
        what
    } else if roll < 84 {
        // A key the template does not have.
        r.answers.insert("khong-co-muc".into(), json!("x"));
        "unknown key".into()
    } else if roll < 89 {
        let d = &mut r.document;
        match rng.gen_range(0..4) {
            0 => d.signer = Some(String::new()),
            1 => d.date = Some("2021-02-30".into()),
            2 => d.number = Some("abc".into()),
            _ => d.date = Some("2021-07-15".into()),
        }
        "document".into()
    } else {
        // Instances: removed, moved, doubled, added.
        let blocks: Vec<String> = t
            .node
            .iter()
            .filter(|n| n.kind == NodeKind::Repeat)
            .map(|n| n.id.clone())
            .collect();
        let b = blocks.choose(rng).unwrap().clone();
        let list = r.blocks.entry(b.clone()).or_default();
        match rng.gen_range(0..4) {
            0 if !list.is_empty() => {
                let i = rng.gen_range(0..list.len());
                list.remove(i);
            }
            1 if list.len() > 1 => list.swap(0, 1),
            2 if !list.is_empty() => {
                let x = list[0].clone();
                list.push(x);
            }
            _ => {
                let model = t
                    .node(&b)
                    .and_then(|n| t.catalogue_for(n).next().map(|c| c.code.clone()))
                    .unwrap_or_else(|| "khac".into());
                list.push(Instance {
                    id: format!("m{}", rng.gen_range(100..200)),
                    model,
                    name: None,
                    answers: Default::default(),
                    rollup: None,
                });
            }
        }
        format!("instances of {b}")
    }
}

#[test]
fn recheck_equals_check_after_random_edits() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    let donors = donors(&t, &u);
    let edits: usize = std::env::var("BAOCAO_RECHECK_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(250);
    let full = sample::SampleOptions { full: true };
    let empty = Report {
        template: report::TemplateRef {
            id: t.template.id.clone(),
            version: t.template.version.clone(),
        },
        unit: report::UnitRef {
            province: "02".into(),
            district: None,
        },
        document: Default::default(),
        answers: Default::default(),
        blocks: Default::default(),
    };
    let district = u.districts_of("02").next().map(|d| d.code.clone()).unwrap();
    let starts: Vec<(&str, Report)> = vec![
        ("typical 02", sample::sample(&t, &u, "02", 7).unwrap()),
        ("typical 01", sample::sample(&t, &u, "01", 3).unwrap()),
        (
            "full 02",
            sample::sample_with(&t, &u, "02", 7, full).unwrap(),
        ),
        ("empty", empty),
        (
            "district sheet",
            sample::sample_district(&t, &u, "02", &district, 7, full).unwrap(),
        ),
    ];
    let mut compared = 0;
    let mut incremental = 0;
    for (k, (name, start)) in starts.into_iter().enumerate() {
        for draft in [false, true] {
            let opts = Options { draft };
            let mut rng = ChaCha8Rng::seed_from_u64(1000 + k as u64 * 2 + draft as u64);
            let mut r = start.clone();
            let mut checked = check(&t, &r, &u, opts);
            for n in 0..edits {
                let before = r.clone();
                // Most saves change one item; some several.
                let times = if rng.gen_bool(0.8) {
                    1
                } else {
                    rng.gen_range(2..6)
                };
                let what: Vec<String> = (0..times)
                    .map(|_| edit(&mut rng, &t, &donors, &mut r))
                    .collect();
                let re = recheck(&t, &u, &before, &checked, &r);
                let whole = check(&t, &r, &u, opts);
                assert_eq!(
                    re, whole,
                    "{name} (draft {draft}), edit {n}: {what:?}: recheck differs from check"
                );
                assert_eq!(re.problems(), report::validate(&t, &r, &u, opts));
                if re.iter().count() != checked.iter().count() || re != checked {
                    incremental += 1;
                }
                compared += 1;
                checked = re;
            }
        }
    }
    // The edits must have changed the problems often (else the test proves little).
    assert!(
        incremental * 4 > compared,
        "only {incremental} of {compared} edits changed the problems"
    );
}

/// The answer the test relies on for "what changed": an edit that changes nothing keeps the
/// validation as it was, and an edit of one answer re-validates it (its problem appears).
#[test]
fn recheck_sees_one_changed_answer() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    let r = sample::sample(&t, &u, "02", 7).unwrap();
    let checked = check(&t, &r, &u, Options::default());
    assert_eq!(recheck(&t, &u, &r, &checked, &r), checked);
    let item = t
        .node
        .iter()
        .find(|n| {
            n.answer.as_ref().is_some_and(|a| {
                !matches!(
                    a.kind,
                    outline::AnswerType::Narrative | outline::AnswerType::Text
                )
            }) && t.enclosing_repeat(&n.id).is_none()
        })
        .map(|n| n.id.clone())
        .unwrap();
    // No answer of a kind other than text may be `true`.
    let mut bad = r.clone();
    bad.answers.insert(item.clone(), json!(true));
    let re = recheck(&t, &u, &r, &checked, &bad);
    assert!(re.iter().any(|p| p.item == item), "{:?}", re.problems());
    assert_eq!(re, check(&t, &bad, &u, Options::default()));
}
