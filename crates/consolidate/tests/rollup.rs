//! District sheets rolled up into province reports: for every province, the rolled-up rows,
//! figures and document lists equal what is computed here independently from the sheets' raw
//! JSON (by the KL74 item ids, not through the library's roles or helpers); corrections survive a
//! later roll-up and reach the national provenance; wrong sheets and wrong templates are refused
//! with their reason.

use std::collections::BTreeMap;
use std::time::Instant;

use consolidate::rollup::{corrections, rollup, Outcome, RollupError, Sheet};
use consolidate::{consolidate, Source};
use outline::Template;
use report::sample::{sample_district, sample_with, SampleOptions};
use report::{validate, Options, Report};
use serde_json::{json, Value};
use units::Units;

const BLOCKS: [&str; 2] = ["B.I.2.m", "B.II.2.m"];
const FIGURES: &str = "B.II.2.m.x2.so";
const COLUMNS: [&str; 3] = ["before", "authorised", "after"];

fn template() -> Template {
    outline::builtin("kl74-2021").unwrap()
}

fn units() -> &'static Units {
    Units::embedded().unwrap()
}

fn raw(r: &Report) -> Value {
    serde_json::from_str(&r.to_json()).unwrap()
}

/// The province sample and a sheet for every district of the province, named "phiếu-<code>".
fn province_and_sheets(
    t: &Template,
    u: &Units,
    province: &str,
    seed: u64,
    opts: SampleOptions,
) -> (Report, Vec<(Report, String)>) {
    let r = sample_with(t, u, province, seed, opts).unwrap();
    let sheets = u
        .districts_of(province)
        .map(|d| {
            let s = sample_district(t, u, province, &d.code, seed, opts).unwrap();
            (s, format!("phiếu-{}", d.code))
        })
        .collect();
    (r, sheets)
}

fn refs(sheets: &[(Report, String)]) -> Vec<Sheet<'_>> {
    sheets
        .iter()
        .map(|(report, version)| Sheet { report, version })
        .collect()
}

/// What a roll-up must give for one (block, model), computed from the sheets' JSON.
#[derive(Default, Debug)]
struct Expect {
    /// The districts' own rows, by district code.
    rows: BTreeMap<String, Value>,
    /// Figure sums by (row key, column).
    sums: BTreeMap<(String, String), i64>,
    /// Distinct document references, in district order.
    docs: Vec<Value>,
    /// (district, version) of every sheet that has this model, in district order.
    sheets: Vec<(String, String)>,
}

fn expected(sheets: &[(Value, String)]) -> BTreeMap<(String, String), Expect> {
    let mut by_district: Vec<&(Value, String)> = sheets.iter().collect();
    by_district.sort_by_key(|(s, _)| s["unit"]["district"].as_str().unwrap().to_string());
    let mut out: BTreeMap<(String, String), Expect> = BTreeMap::new();
    for (s, version) in by_district {
        let district = s["unit"]["district"].as_str().unwrap();
        assert!(s
            .get("answers")
            .is_none_or(|a| a.as_object().unwrap().is_empty()));
        for block in BLOCKS {
            for inst in s["blocks"][block].as_array().into_iter().flatten() {
                let model = inst["model"].as_str().unwrap().to_string();
                let e = out.entry((block.to_string(), model)).or_default();
                let a = &inst["answers"];
                let rows = a[format!("{block}.x2.dv")].as_array().unwrap();
                assert_eq!(rows.len(), 1, "a sheet gives one row");
                assert_eq!(rows[0]["unit"], district, "its own row");
                e.rows.insert(district.to_string(), rows[0].clone());
                if let Some(figs) = a.get(FIGURES).and_then(Value::as_object) {
                    assert_eq!(block, "B.II.2.m");
                    for (row, cell) in figs {
                        for col in COLUMNS {
                            if let Some(n) = cell.get(col).and_then(Value::as_i64) {
                                *e.sums.entry((row.clone(), col.to_string())).or_default() += n;
                            }
                        }
                    }
                }
                for d in a[format!("{block}.x2.qcvb")]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if !e.docs.contains(d) {
                        e.docs.push(d.clone());
                    }
                }
                e.sheets.push((district.to_string(), version.clone()));
            }
        }
    }
    out
}

/// The merged report holds exactly the expected rows, sums and lists, records what it rolled up,
/// validates, and the outcome names every contribution.
fn check_province(
    t: &Template,
    u: &Units,
    merged: &Report,
    sheets: &[(Report, String)],
    out: &Outcome,
    what: &str,
) {
    let raw_sheets: Vec<(Value, String)> =
        sheets.iter().map(|(s, v)| (raw(s), v.clone())).collect();
    let want = expected(&raw_sheets);
    let got = raw(merged);
    let mut seen = 0;
    for block in BLOCKS {
        for inst in got["blocks"][block].as_array().into_iter().flatten() {
            let model = inst["model"].as_str().unwrap().to_string();
            let what = format!("{what} {block} {model}");
            let Some(e) = want.get(&(block.to_string(), model.clone())) else {
                panic!("{what}: instance without sheets");
            };
            seen += 1;
            let a = &inst["answers"];
            let rows: Vec<Value> = e.rows.values().cloned().collect();
            assert_eq!(a[format!("{block}.x2.dv")], json!(rows), "{what}: rows");
            if block == "B.II.2.m" {
                let mut cells = BTreeMap::new();
                for (row, cell) in a[FIGURES].as_object().unwrap() {
                    for col in COLUMNS {
                        if let Some(n) = cell.get(col).and_then(Value::as_i64) {
                            cells.insert((row.clone(), col.to_string()), n);
                        }
                    }
                }
                assert!(!e.sums.is_empty(), "{what}: sheets give figures");
                assert_eq!(cells, e.sums, "{what}: figures");
            }
            if !e.docs.is_empty() {
                assert_eq!(a[format!("{block}.x2.qcvb")], json!(e.docs), "{what}: docs");
            }
            // What the roll-up recorded: the sheets in district order, with their versions.
            let r = &inst["rollup"];
            let recorded: Vec<(String, String)> = r["sheets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["district"].as_str().unwrap().to_string(),
                        s["version"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(recorded, e.sheets, "{what}: recorded sheets");
            assert_eq!(
                r["values"][format!("{block}.x2.dv")],
                json!(rows),
                "{what}: recorded rows"
            );
            let filled: Vec<(String, String)> = out
                .filled
                .iter()
                .filter(|f| f.block == block && f.model == model)
                .map(|f| (f.district.clone(), f.version.clone()))
                .collect();
            assert_eq!(filled, e.sheets, "{what}: outcome");
        }
    }
    assert_eq!(
        seen,
        want.len(),
        "{what}: every model the sheets give is there"
    );
    assert!(out.unsupported.is_empty(), "{what}: {:?}", out.unsupported);
    assert!(out.kept.is_empty(), "{what}: nothing corrected yet");
    assert!(corrections_of(t, merged).is_empty(), "{what}");
    let problems = validate(t, merged, u, Options { draft: false });
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == outline::Severity::Error)
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn corrections_of(t: &Template, r: &Report) -> Vec<consolidate::rollup::Correction> {
    r.blocks
        .values()
        .flatten()
        .flat_map(|i| corrections(t, i))
        .collect()
}

#[test]
fn every_province_rolls_up_exactly() {
    let t = template();
    let u = units();
    let start = Instant::now();
    let mut made = std::time::Duration::ZERO;
    let mut cases: Vec<(&str, u64, SampleOptions)> = Vec::new();
    for p in &u.provinces {
        for seed in [3, 17] {
            cases.push((&p.code, seed, SampleOptions::default()));
        }
    }
    cases.push(("02", 5, SampleOptions { full: true }));
    cases.push(("79", 5, SampleOptions { full: true }));
    let mut districts = 0;
    let mut replaced = 0;
    for (province, seed, opts) in cases {
        let s0 = Instant::now();
        let (mut merged, sheets) = province_and_sheets(&t, u, province, seed, opts);
        made += s0.elapsed();
        districts += sheets.len();
        for (s, v) in &sheets {
            let problems = validate(&t, s, u, Options { draft: false });
            assert!(!report::has_errors(&problems), "{v}: {problems:#?}");
        }
        let out = rollup(&t, u, &mut merged, &refs(&sheets)).unwrap();
        let what = format!("{province} seed {seed} full {}", opts.full);
        check_province(&t, u, &merged, &sheets, &out, &what);
        replaced += out.replaced.len();
        // A second roll-up of the same sheets changes nothing and keeps nothing.
        let again_before = merged.clone();
        let again = rollup(&t, u, &mut merged, &refs(&sheets)).unwrap();
        assert_eq!(merged, again_before, "{what}: roll-up is idempotent");
        assert!(again.kept.is_empty() && again.replaced.is_empty(), "{what}");
    }
    assert!(districts > 1400, "{districts}");
    // The samples' own figures are not the sheets' sums: the roll-up replaced them (listed).
    assert!(replaced > 100, "{replaced}");
    eprintln!("{districts} sheets, {replaced} values replaced");
    eprintln!(
        "every_province_rolls_up_exactly: {:?} (samples {:?})",
        start.elapsed(),
        made
    );
}

/// The instance of `model` in `block` of a report.
fn instance_mut<'r>(r: &'r mut Report, block: &str, model: &str) -> &'r mut report::Instance {
    r.blocks
        .get_mut(block)
        .unwrap()
        .iter_mut()
        .find(|i| i.model == model)
        .unwrap()
}

#[test]
fn corrections_are_kept_and_reach_the_national_provenance() {
    let t = template();
    let u = units();
    let (mut merged, sheets) = province_and_sheets(&t, u, "02", 5, SampleOptions { full: true });
    rollup(&t, u, &mut merged, &refs(&sheets)).unwrap();
    let model = merged.blocks["B.II.2.m"][0].model.clone();
    // The sheets that give this model, independently from their JSON.
    let raw_sheets: Vec<(Value, String)> =
        sheets.iter().map(|(s, v)| (raw(s), v.clone())).collect();
    let e = &expected(&raw_sheets)[&("B.II.2.m".to_string(), model.clone())];
    assert!(e.sheets.len() >= 2, "{:?}", e.sheets);
    let sum = |row: &str, col: &str| e.sums[&(row.to_string(), col.to_string())];

    // The province corrects one figure cell and one district row.
    let inst = instance_mut(&mut merged, "B.II.2.m", &model);
    let rolled_after = sum("bien-che", "after");
    assert_eq!(
        inst.answers[FIGURES]["bien-che"]["after"],
        json!(rolled_after)
    );
    inst.answers.get_mut(FIGURES).unwrap()["bien-che"]["after"] = json!(rolled_after + 5);
    let rows = inst
        .answers
        .get_mut("B.II.2.m.x2.dv")
        .unwrap()
        .as_array_mut()
        .unwrap();
    let code = rows[1]["unit"].as_str().unwrap().to_string();
    let district_row = rows[1].clone();
    rows[1]["qd"] = json!("Quyết định số 999-QĐ/TU ngày 02/3/2020 của Ban Thường vụ Tỉnh ủy");
    let corrected_row = rows[1].clone();
    assert_ne!(corrected_row, district_row);
    let problems = validate(&t, &merged, u, Options { draft: false });
    assert!(!report::has_errors(&problems), "{problems:#?}");

    // National consolidation: the corrected cell counts and says so; the others name every sheet.
    let c = consolidate(
        &t,
        u,
        &[Source {
            report: merged.clone(),
            version: "bc-02".into(),
            at: None,
            invalid: false,
        }],
    )
    .unwrap();
    let g = c.groups.iter().find(|g| g.block == "B.II.2.m").unwrap();
    let m = &g.rows.iter().find(|r| r.code == model).unwrap().measures;
    let fig = |key: &str| m.figures.iter().find(|f| f.key == key).unwrap();
    let bc = fig("bien-che");
    assert_eq!(bc.after.value, rolled_after + 5);
    let after: Vec<_> = c.sources_of(&bc.after).collect();
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].corrected);
    assert_eq!(after[0].district, None);
    assert_eq!(after[0].sheet, None);
    assert_eq!(&*after[0].version, "bc-02");
    assert_eq!(&*after[0].item, FIGURES);
    // The same row's other columns were not corrected: they are still the sheets' sums.
    let by_sheet = |f: &consolidate::Figure| -> Vec<(String, String)> {
        c.sources_of(f)
            .map(|s| {
                assert!(!s.corrected, "{s:?}");
                assert_eq!(&*s.version, "bc-02");
                (
                    s.district.as_deref().unwrap().to_string(),
                    s.sheet.as_deref().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(bc.before.value, sum("bien-che", "before"));
    assert_eq!(by_sheet(&bc.before), e.sheets);
    assert_eq!(bc.authorised.value, sum("bien-che", "authorised"));
    assert_eq!(by_sheet(&bc.authorised), e.sheets);
    let nguoi = fig("nguoi");
    assert_eq!(nguoi.after.value, sum("nguoi", "after"));
    assert_eq!(by_sheet(&nguoi.after), e.sheets);
    assert_eq!(by_sheet(&nguoi.change), e.sheets);
    // The change of the corrected row: the sheets' before and the province's after.
    assert_eq!(
        bc.change.value,
        rolled_after + 5 - sum("bien-che", "before")
    );
    assert_eq!(c.sources_of(&bc.change).count(), e.sheets.len() + 1);
    // District rows: each names its district and sheet; the corrected one says so.
    let rows: Vec<_> = c.sources_of(&m.pilots).collect();
    assert_eq!(rows.len(), e.sheets.len());
    for s in rows {
        let d = s.district.as_deref().unwrap();
        assert_eq!(s.sheet.as_deref().unwrap(), format!("phiếu-{d}"));
        assert_eq!(s.corrected, d == code, "{s:?}");
    }

    // A later roll-up of the same sheets keeps both corrections and lists them.
    let out = rollup(&t, u, &mut merged, &refs(&sheets)).unwrap();
    let inst = instance_mut(&mut merged, "B.II.2.m", &model);
    assert_eq!(
        inst.answers[FIGURES]["bien-che"]["after"],
        json!(rolled_after + 5)
    );
    assert!(inst.answers["B.II.2.m.x2.dv"]
        .as_array()
        .unwrap()
        .contains(&corrected_row));
    let kept: Vec<(&str, Option<&str>, &Value, &Value)> = out
        .kept
        .iter()
        .map(|k| (k.item.as_str(), k.part.as_deref(), &k.report, &k.sheets))
        .collect();
    assert_eq!(
        kept,
        vec![
            (
                "B.II.2.m.x2.dv",
                Some(code.as_str()),
                &corrected_row,
                &district_row
            ),
            (
                FIGURES,
                Some("bien-che.after"),
                &json!(rolled_after + 5),
                &json!(rolled_after)
            ),
        ]
    );
    assert!(out.kept.iter().all(|k| k.instance == inst.id));
    assert!(out.replaced.is_empty(), "{:?}", out.replaced);
    let listed: Vec<(String, String, Value, Value)> = corrections(&t, inst)
        .into_iter()
        .map(|c| (c.item, c.part, c.value, c.district_value))
        .collect();
    assert_eq!(
        listed,
        vec![
            (
                "B.II.2.m.x2.dv".to_string(),
                code.clone(),
                corrected_row.clone(),
                district_row.clone()
            ),
            (
                FIGURES.to_string(),
                "bien-che.after".to_string(),
                json!(rolled_after + 5),
                json!(rolled_after)
            ),
        ]
    );
    // Nothing else of the report was a correction.
    assert_eq!(corrections_of(&t, &merged).len(), 2);
}

#[test]
fn a_model_only_sheets_report_becomes_an_instance_the_province_completes() {
    let t = template();
    let u = units();
    let (mut merged, mut sheets) = province_and_sheets(&t, u, "02", 3, SampleOptions::default());
    let had: Vec<String> = merged
        .blocks
        .get("B.II.2.m")
        .into_iter()
        .flatten()
        .map(|i| i.model.clone())
        .collect();
    // A district reports a model type its province's report does not have.
    let district = sheets[0].0.unit.district.clone().unwrap();
    let full = sample_district(&t, u, "02", &district, 3, SampleOptions { full: true }).unwrap();
    let extra = full.blocks["B.II.2.m"]
        .iter()
        .find(|i| !had.contains(&i.model))
        .unwrap()
        .clone();
    let model = extra.model.clone();
    sheets[0]
        .0
        .blocks
        .entry("B.II.2.m".into())
        .or_default()
        .push(extra);
    assert!(!report::has_errors(&validate(
        &t,
        &sheets[0].0,
        u,
        Options { draft: false }
    )));
    rollup(&t, u, &mut merged, &refs(&sheets)).unwrap();
    let inst = merged.blocks["B.II.2.m"]
        .iter()
        .find(|i| i.model == model)
        .unwrap();
    assert_eq!(inst.id, format!("{}-1", model.to_lowercase()));
    assert_eq!(
        inst.answers["B.II.2.m.x2.dv"].as_array().unwrap()[0]["unit"],
        json!(district)
    );
    // The province's own items of the new instance are still to write: a draft is clean, a
    // submission lists them as missing (and only them).
    let problems = validate(&t, &merged, u, Options { draft: false });
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == outline::Severity::Error)
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|p| p.missing && p.instance.as_deref() == Some(inst.id.as_str())),
        "{errors:#?}"
    );
    let missing: Vec<&str> = errors.iter().map(|p| p.item.as_str()).collect();
    for item in ["B.II.2.m.x1", "B.II.2.m.x2.th", "B.II.2.m.x5.dx"] {
        assert!(missing.contains(&item), "{item}: {missing:?}");
    }
    // "Regulation issued?" is the province's answer, unless the districts' regulations were
    // rolled up into the list it shows: then it says "issued" so that they print.
    if inst.answers.contains_key("B.II.2.m.x2.qcvb") {
        assert_eq!(inst.answers["B.II.2.m.x2.qc"], json!("co"));
    } else {
        assert!(missing.contains(&"B.II.2.m.x2.qc"), "{missing:?}");
    }
    assert!(!report::has_errors(&validate(
        &t,
        &merged,
        u,
        Options { draft: true }
    )));
}

#[test]
fn wrong_sheets_are_refused() {
    let t = template();
    let u = units();
    let (r, sheets) = province_and_sheets(&t, u, "02", 3, SampleOptions::default());
    let run = |report: &Report, sheets: &[Sheet<'_>]| {
        let mut report = report.clone();
        let e = rollup(&t, u, &mut report, sheets).unwrap_err();
        let msg = e.to_string();
        assert!(
            !msg.is_empty() && !msg.contains("sheet") && !msg.contains("province"),
            "{msg}"
        );
        e
    };
    // A sheet of another province.
    let other_code = u.districts_of("04").next().unwrap().code.clone();
    let other = sample_district(&t, u, "04", &other_code, 3, SampleOptions::default()).unwrap();
    let mut list = refs(&sheets);
    list.push(Sheet {
        report: &other,
        version: "cao-bang",
    });
    assert_eq!(
        run(&r, &list),
        RollupError::OtherProvince {
            version: "cao-bang".into(),
            found: "04".into(),
            expected: "02".into()
        }
    );
    // Two sheets of one district.
    let mut list = refs(&sheets);
    list.push(Sheet {
        report: &sheets[2].0,
        version: "lần 2",
    });
    let code = sheets[2].0.unit.district.clone().unwrap();
    let e = run(&r, &list);
    assert_eq!(e, RollupError::DuplicateDistrict(code.clone()));
    assert!(e.to_string().contains(&format!("mã {code}")), "{e}");
    // A province's report passed as a sheet.
    let mut list = refs(&sheets);
    list.push(Sheet {
        report: &r,
        version: "bc-tinh.json",
    });
    let e = run(&r, &list);
    assert_eq!(e, RollupError::NotASheet("bc-tinh.json".into()));
    assert!(e.to_string().contains("không phải phiếu cấp huyện"), "{e}");
    // A sheet as the province's report.
    assert_eq!(
        run(&sheets[0].0, &refs(&sheets[1..])),
        RollupError::NotAProvinceReport(sheets[0].0.unit.district.clone().unwrap())
    );
    // A sheet of another outline.
    let mut foreign = sheets[0].0.clone();
    foreign.template.id = "de-cuong-khac".into();
    assert_eq!(
        run(
            &r,
            &[Sheet {
                report: &foreign,
                version: "x"
            }]
        ),
        RollupError::WrongTemplate {
            version: "x".into(),
            found: "de-cuong-khac".into(),
            expected: "kl74-2021".into()
        }
    );
}

/// The messages of a sheet's errors.
fn sheet_errors(t: &Template, u: &Units, s: &Report) -> Vec<String> {
    validate(t, s, u, Options { draft: false })
        .into_iter()
        .filter(|p| p.severity == outline::Severity::Error)
        .map(|p| p.message)
        .collect()
}

#[test]
fn sheets_are_validated_as_sheets() {
    let t = template();
    let u = units();
    let districts: Vec<&units::District> = u.districts_of("02").collect();
    let (own, other) = (districts[0], districts[1]);
    let sheet = sample_district(&t, u, "02", &own.code, 5, SampleOptions { full: true }).unwrap();
    assert!(sheet_errors(&t, u, &sheet).is_empty());
    let dv = "B.II.2.m.x2.dv";

    // The row of another district.
    let mut s = sheet.clone();
    first(&mut s).answers.get_mut(dv).unwrap()[0]["unit"] = json!(other.code);
    let errors = sheet_errors(&t, u, &s);
    let want = format!(
        "dòng 1: “Đơn vị cấp huyện” là {}, không phải đơn vị của phiếu này",
        other.name
    );
    assert!(errors.contains(&want), "{errors:#?}");

    // Two rows.
    let mut s = sheet.clone();
    let rows = first(&mut s)
        .answers
        .get_mut(dv)
        .unwrap()
        .as_array_mut()
        .unwrap();
    let mut second = rows[0].clone();
    second["unit"] = json!(other.code);
    rows.push(second);
    let errors = sheet_errors(&t, u, &s);
    assert!(
        errors.contains(&"phiếu cấp huyện chỉ kê một dòng, của chính đơn vị (có 2 dòng)".into()),
        "{errors:#?}"
    );

    // An item the province alone answers.
    let mut s = sheet.clone();
    first(&mut s).answers.insert(
        "B.II.2.m.x2.th".into(),
        json!("Tên gọi, chức năng của cơ quan."),
    );
    let errors = sheet_errors(&t, u, &s);
    assert!(
        errors.contains(&"mục “B.II.2.m.x2.th” do tỉnh điền, không thuộc phiếu cấp huyện".into()),
        "{errors:#?}"
    );

    // Answers outside the district blocks.
    let mut s = sheet.clone();
    s.answers
        .insert("A.I".into(), json!("Tình hình chung của tỉnh."));
    let errors = sheet_errors(&t, u, &s);
    assert!(
        errors.contains(
            &"mục “A.I” không thuộc phần cấp huyện điền (phiếu cấp huyện chỉ điền các khối cấp huyện)"
                .into()
        ),
        "{errors:#?}"
    );

    // A district of another province, a code that does not exist.
    let mut s = sheet.clone();
    s.unit.district = Some(u.districts_of("04").next().unwrap().code.clone());
    let errors = sheet_errors(&t, u, &s);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("không thuộc tỉnh, thành phố mã “02”")),
        "{errors:#?}"
    );
    let mut s = sheet.clone();
    s.unit.district = Some("999".into());
    assert!(sheet_errors(&t, u, &s).contains(&"không có đơn vị cấp huyện mã “999”".into()));

    // The district's own narrative (material) is optional in a sheet, not in the province's
    // report.
    let mut s = sheet.clone();
    for inst in s.blocks.values_mut().flatten() {
        inst.answers.retain(|k, _| {
            t.node(k).and_then(|n| n.district) != Some(outline::DistrictFill::Material)
        });
    }
    assert!(sheet_errors(&t, u, &s).is_empty());
    let mut r = sample_with(&t, u, "02", 5, SampleOptions { full: true }).unwrap();
    first(&mut r).answers.remove("B.II.2.m.x2.qcnd");
    let problems = validate(&t, &r, u, Options { draft: false });
    assert!(
        problems
            .iter()
            .any(|p| p.item == "B.II.2.m.x2.qcnd" && p.missing),
        "{problems:#?}"
    );
}

fn first(s: &mut Report) -> &mut report::Instance {
    &mut s.blocks.get_mut("B.II.2.m").unwrap()[0]
}

/// KL74's text with `district` of node `id` set to `value` (None: removed).
fn with_district(id: &str, value: Option<&str>) -> String {
    let text = outline::KL74_2021;
    let head = format!("id = \"{id}\"\n");
    let start = text.find(&head).unwrap() + head.len();
    let end = start + text[start..].find("\n[").unwrap();
    let node: String = text[start..end]
        .lines()
        .filter(|l| !l.starts_with("district = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let line = value
        .map(|v| format!("district = \"{v}\"\n"))
        .unwrap_or_default();
    format!("{}{line}{node}{}", &text[..start], &text[end + 1..])
}

fn template_errors(text: &str) -> Vec<String> {
    let (_, problems) = Template::load(text, "kl74-sua.toml");
    problems
        .into_iter()
        .filter(|p| p.severity == outline::Severity::Error)
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn the_template_checker_refuses_misplaced_district_marks() {
    // The edit itself is harmless: the same mark again loads clean.
    assert!(template_errors(&with_district("B.II.2.m.x2.so", Some("sum"))).is_empty());
    // A narrative cannot be summed.
    let errors = template_errors(&with_district("B.II.2.m.x2.qcnd", Some("sum")));
    assert_eq!(
        errors,
        vec!["lỗi: B.II.2.m.x2.qcnd: district = “sum” không hợp với mục này (cần câu trả lời loại figures)"]
    );
    // Outside a district-level block: a province-level block, a top-level item.
    for id in ["B.II.1.m.x2.so", "A.I"] {
        let errors = template_errors(&with_district(id, Some("sum")));
        assert_eq!(
            errors,
            vec![format!("lỗi: {id}: “district” chỉ dùng cho mục trong khối lặp cấp huyện (cấp có units = \"district\")")],
        );
    }
    // A district block without its row item.
    let errors = template_errors(&with_district("B.II.2.m.x2.dv", None));
    assert_eq!(
        errors,
        vec!["lỗi: B.II.2.m: khối lặp cấp huyện có mục cho phiếu cấp huyện cần đúng một mục district = “row” (dòng của đơn vị)"]
    );
    // Two row items in one block.
    let errors = template_errors(&with_district("B.II.2.m.x2.so", Some("row")));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("district = “row” không hợp với mục này")),
        "{errors:#?}"
    );
}

/// The districts' regulation documents (a list shown only when the province says a regulation
/// was issued): an unanswered "issued?" becomes "issued", so the documents print; a province
/// that answered "not issued" is told that its answer hides the districts' documents.
#[test]
fn districts_documents_are_shown_or_the_hiding_answer_is_told() {
    let (t, u) = (template(), units());
    let (mut r, sheets) = province_and_sheets(&t, u, "02", 3, SampleOptions::default());
    let docs = |s: &Report| {
        s.blocks
            .get("B.II.2.m")
            .into_iter()
            .flatten()
            .any(|i| i.answers.contains_key("B.II.2.m.x2.qcvb"))
    };
    assert!(
        sheets.iter().any(|(s, _)| docs(s)),
        "some district has regulations"
    );
    let model = sheets
        .iter()
        .flat_map(|(s, _)| s.blocks.get("B.II.2.m").into_iter().flatten())
        .find(|i| i.answers.contains_key("B.II.2.m.x2.qcvb"))
        .unwrap()
        .model
        .clone();
    instance_mut(&mut r, "B.II.2.m", &model)
        .answers
        .remove("B.II.2.m.x2.qc");
    let mut hiding = r.clone();
    instance_mut(&mut hiding, "B.II.2.m", &model)
        .answers
        .insert("B.II.2.m.x2.qc".into(), json!("chua"));

    let out = rollup(&t, u, &mut r, &refs(&sheets)).unwrap();
    let inst = instance_mut(&mut r, "B.II.2.m", &model);
    assert_eq!(inst.answers["B.II.2.m.x2.qc"], json!("co"));
    assert!(out.hidden.iter().all(|h| h.instance != inst.id));

    let out = rollup(&t, u, &mut hiding, &refs(&sheets)).unwrap();
    let inst = instance_mut(&mut hiding, "B.II.2.m", &model);
    assert_eq!(
        inst.answers["B.II.2.m.x2.qc"],
        json!("chua"),
        "the province's answer stays"
    );
    let told = out
        .hidden
        .iter()
        .find(|h| h.instance == inst.id && h.item == "B.II.2.m.x2.qcvb")
        .expect("the hidden documents are told");
    assert_eq!(told.report, json!("chua"));
    assert_eq!(told.sheets, inst.answers["B.II.2.m.x2.qcvb"]);
}
