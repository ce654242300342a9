//! Exactness: for sample reports of all 63 provinces, every consolidated figure equals a sum
//! computed here independently from the raw JSON (by the KL74 item ids, not through the
//! library's roles or helpers), and every figure's provenance is complete and real.

use std::collections::{BTreeMap, BTreeSet};

use consolidate::{consolidate, Consolidation, Figure, Source};
use report::sample::sample;
use serde_json::{json, Value};
use units::Units;

fn setup(skip: &[&str]) -> (Consolidation, BTreeMap<String, Value>) {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    let mut sources = Vec::new();
    let mut raw = BTreeMap::new();
    for p in u
        .provinces
        .iter()
        .filter(|p| !skip.contains(&p.code.as_str()))
    {
        let r = sample(&t, &u, &p.code, 11).unwrap();
        raw.insert(p.code.clone(), serde_json::to_value(&r).unwrap());
        sources.push(Source {
            report: r,
            version: format!("v1-{}", p.code),
            at: None,
            invalid: false,
        });
    }
    (consolidate(&t, &u, &sources).unwrap(), raw)
}

/// A unit's pilots in one row: any ongoing, any ended, any without status.
#[derive(Default, Debug, Clone, Copy)]
struct Seen {
    ongoing: bool,
    ended: bool,
    unknown: bool,
}

impl Seen {
    fn add(&mut self, status: Option<&str>) {
        match status {
            Some("dang") => self.ongoing = true,
            Some("ket-thuc") => self.ended = true,
            _ => self.unknown = true,
        }
    }
}

/// Independent expectations for one block and model (or all models), from the raw JSON: units
/// counted once each (ongoing if any of its pilots runs, ended if all ended), pilots counted
/// one per province-level model or per district row.
#[derive(Default, Debug)]
struct Expect {
    provinces: BTreeMap<String, Seen>,
    districts: BTreeMap<String, Seen>,
    pilots: i64,
    ongoing_pilots: i64,
    ended_pilots: i64,
    before: BTreeMap<String, i64>,
    after: BTreeMap<String, i64>,
    authorised: BTreeMap<String, i64>,
    proposals: BTreeMap<String, i64>,
    models: i64,
}

impl Expect {
    fn ongoing(m: &BTreeMap<String, Seen>) -> usize {
        m.values().filter(|s| s.ongoing).count()
    }
    fn ended(m: &BTreeMap<String, Seen>) -> usize {
        m.values()
            .filter(|s| s.ended && !s.ongoing && !s.unknown)
            .count()
    }
}

fn expect(raw: &BTreeMap<String, Value>, block: &str, model: Option<&str>) -> Expect {
    let mut e = Expect::default();
    let district_level = block.contains(".2.");
    for (p, r) in raw {
        for inst in r["blocks"][block].as_array().into_iter().flatten() {
            if model.is_some_and(|m| inst["model"] != m) {
                continue;
            }
            e.models += 1;
            let a = &inst["answers"];
            let key = |suffix: &str| format!("{block}.{suffix}");
            let pilot = |e: &mut Expect, st: Option<&str>| {
                e.pilots += 1;
                match st {
                    Some("dang") => e.ongoing_pilots += 1,
                    Some("ket-thuc") => e.ended_pilots += 1,
                    _ => {}
                }
            };
            if district_level {
                let rows = a[key("x2.dv")].as_array().cloned().unwrap_or_default();
                if rows.is_empty() {
                    e.provinces.entry(p.clone()).or_default().add(None);
                }
                for row in rows {
                    let st = row["tt"].as_str();
                    e.districts
                        .entry(row["unit"].as_str().unwrap().to_string())
                        .or_default()
                        .add(st);
                    e.provinces.entry(p.clone()).or_default().add(st);
                    pilot(&mut e, st);
                }
            } else {
                let st = a[key("x2.tt")].as_str();
                e.provinces.entry(p.clone()).or_default().add(st);
                pilot(&mut e, st);
            }
            if let Some(figs) = a[key("x2.so")].as_object() {
                for (k, cell) in figs {
                    if let (Some(b), Some(af)) = (cell["before"].as_i64(), cell["after"].as_i64()) {
                        *e.before.entry(k.clone()).or_default() += b;
                        *e.after.entry(k.clone()).or_default() += af;
                    }
                    if let Some(au) = cell["authorised"].as_i64() {
                        *e.authorised.entry(k.clone()).or_default() += au;
                    }
                }
            }
            if let Some(dx) = a[key("x5.dx")].as_str() {
                let scope = if dx == "1" {
                    a[key("x5.o1")]
                        .as_str()
                        .map(|s| format!(":{s}"))
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                *e.proposals.entry(format!("{dx}{scope}")).or_default() += 1;
            }
        }
    }
    e
}

/// Every count of `m` equals the independent expectation `e`.
fn check_counts(m: &consolidate::Measures, e: &Expect, what: &str) {
    let got = [
        ("models", m.models.value),
        ("provinces", m.provinces.value),
        ("districts", m.districts.value),
        ("ongoing provinces", m.ongoing_provinces.value),
        ("ended provinces", m.ended_provinces.value),
        ("ongoing districts", m.ongoing_districts.value),
        ("ended districts", m.ended_districts.value),
        ("pilots", m.pilots.value),
        ("ongoing pilots", m.ongoing_pilots.value),
        ("ended pilots", m.ended_pilots.value),
    ];
    let want = [
        e.models,
        e.provinces.len() as i64,
        e.districts.len() as i64,
        Expect::ongoing(&e.provinces) as i64,
        Expect::ended(&e.provinces) as i64,
        Expect::ongoing(&e.districts) as i64,
        Expect::ended(&e.districts) as i64,
        e.pilots,
        e.ongoing_pilots,
        e.ended_pilots,
    ];
    for ((name, g), w) in got.iter().zip(want) {
        assert_eq!(*g, w, "{what}: {name}");
    }
    // Distinct counts carry one source per unit counted.
    for f in [
        &m.provinces,
        &m.districts,
        &m.ongoing_provinces,
        &m.ended_provinces,
        &m.ongoing_districts,
        &m.ended_districts,
        &m.pilots,
        &m.models,
    ] {
        assert_eq!(f.sources.len() as i64, f.value, "{what}: one source a unit");
    }
}

fn check_sources(c: &Consolidation, f: &Figure, raw: &BTreeMap<String, Value>, what: &str) {
    assert_eq!(
        c.sources_of(f).count(),
        f.sources.len(),
        "{what}: dangling source"
    );
    for s in c.sources_of(f) {
        let r = &raw[&*s.province];
        assert_eq!(&*s.version, format!("v1-{}", s.province), "{what}");
        let inst = s.instance.as_ref().map(|id| {
            r["blocks"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|l| l.as_array().unwrap())
                .find(|i| i["id"] == **id)
                .unwrap_or_else(|| panic!("{what}: instance {id} not in {}", s.province))
        });
        if let Some(i) = inst {
            let is_block = r["blocks"].get(&*s.item).is_some();
            assert!(
                is_block || i["answers"].get(&*s.item).is_some(),
                "{what}: item {} not answered",
                s.item
            );
            if let Some(row) = s.row {
                assert!(
                    i["answers"][&*s.item].as_array().unwrap().len() >= row,
                    "{what}: row {row}"
                );
            }
        }
    }
}

#[test]
fn every_figure_equals_an_independent_sum_with_complete_provenance() {
    let (c, raw) = setup(&[]);
    assert_eq!(c.included.len(), 63);
    assert!(c.missing.is_empty());
    for g in &c.groups {
        for row in &g.rows {
            let e = expect(&raw, &g.block, Some(&row.code));
            let m = &row.measures;
            let what = format!("{} {}", g.block, row.code);
            check_counts(m, &e, &what);
            // Provenance: distinct counts list exactly the provinces or districts counted.
            let provs: BTreeSet<String> = c
                .sources_of(&m.provinces)
                .map(|s| s.province.to_string())
                .collect();
            assert_eq!(
                provs,
                e.provinces.keys().cloned().collect::<BTreeSet<_>>(),
                "{what} province sources"
            );
            for f in &m.figures {
                assert_eq!(
                    f.before.value,
                    e.before.get(&f.key).copied().unwrap_or(0),
                    "{what} {} before",
                    f.key
                );
                assert_eq!(
                    f.after.value,
                    e.after.get(&f.key).copied().unwrap_or(0),
                    "{what} {} after",
                    f.key
                );
                assert_eq!(
                    f.authorised.value,
                    e.authorised.get(&f.key).copied().unwrap_or(0),
                    "{what} {}",
                    f.key
                );
                assert_eq!(
                    f.change.value,
                    f.after.value - f.before.value,
                    "{what} {} change",
                    f.key
                );
                assert_eq!(
                    f.before.sources.len() as i64,
                    e.models,
                    "{what} {} sources",
                    f.key
                );
                check_sources(&c, &f.before, &raw, &what);
            }
            for (k, p) in g.proposals.iter().zip(&m.proposals) {
                assert_eq!(
                    p.value,
                    e.proposals.get(&k.key).copied().unwrap_or(0),
                    "{what} proposal {}",
                    k.key
                );
                assert_eq!(p.sources.len() as i64, p.value);
            }
            for f in [
                &m.provinces,
                &m.districts,
                &m.ongoing_provinces,
                &m.ended_provinces,
                &m.ongoing_districts,
                &m.ended_districts,
                &m.pilots,
                &m.ended_pilots,
                &m.models,
            ] {
                check_sources(&c, f, &raw, &what);
            }
        }
        // Totals: every unit once over the whole block; models, pilots and figures summed.
        let e = expect(&raw, &g.block, None);
        check_counts(&g.total, &e, &format!("{} total", g.block));
        for f in &g.total.figures {
            assert_eq!(f.before.value, e.before.get(&f.key).copied().unwrap_or(0));
            assert_eq!(f.after.value, e.after.get(&f.key).copied().unwrap_or(0));
        }
    }
    // Per province: the same measures, one province at a time.
    for prow in &c.provinces {
        let one: BTreeMap<String, Value> = raw
            .iter()
            .filter(|(p, _)| **p == prow.code)
            .map(|(p, v)| (p.clone(), v.clone()))
            .collect();
        for (g, m) in c.groups.iter().zip(&prow.groups) {
            let e = expect(&one, &g.block, None);
            check_counts(m, &e, &format!("{} {}", prow.code, g.block));
            for f in &m.figures {
                assert_eq!(f.after.value, e.after.get(&f.key).copied().unwrap_or(0));
            }
        }
    }
    // Lists: every ended pilot, province-level and district rows.
    let mut ended = 0;
    for r in raw.values() {
        for (block, list) in r["blocks"].as_object().unwrap() {
            for inst in list.as_array().unwrap() {
                let a = &inst["answers"];
                if a[format!("{block}.x2.tt")] == "ket-thuc" {
                    ended += 1;
                }
                for row in a[format!("{block}.x2.dv")].as_array().into_iter().flatten() {
                    if row["tt"] == "ket-thuc" {
                        ended += 1;
                    }
                }
            }
        }
    }
    assert_eq!(c.ended.len(), ended);
    assert!(c
        .ended
        .iter()
        .all(|e| e.end_date.is_some() && !e.reason.is_empty()));
}

#[test]
fn missing_provinces_and_other_models_are_listed() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    let full = report::sample::SampleOptions { full: true };
    let mut r = report::sample::sample_with(&t, &u, "02", 3, full).unwrap();
    let inst = &mut r.blocks.get_mut("B.II.2.m").unwrap()[0];
    inst.model = "khac".into();
    inst.name = Some("Hợp nhất Văn phòng cấp ủy với Văn phòng Ủy ban nhân dân cấp huyện".into());
    let c = consolidate(
        &t,
        &u,
        &[Source {
            report: r,
            version: "3".into(),
            at: None,
            invalid: false,
        }],
    )
    .unwrap();
    assert_eq!(c.missing.len(), 62);
    assert_eq!(c.others.len(), 1);
    assert_eq!(c.others[0].province_name, "Hà Giang");
    let g = c.groups.iter().find(|g| g.block == "B.II.2.m").unwrap();
    assert_eq!(g.rows.last().unwrap().code, "khac");
}

#[test]
fn two_reports_of_one_province_are_refused() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    let r = sample(&t, &u, "02", 3).unwrap();
    let s = Source {
        report: r,
        version: "1".into(),
        at: None,
        invalid: false,
    };
    let e = consolidate(&t, &u, &[s.clone(), s])
        .unwrap_err()
        .to_string();
    assert!(e.contains("hai báo cáo của tỉnh, thành phố mã 02"), "{e}");
}

#[test]
fn narrative_is_collated_in_vietnamese_order_and_filterable() {
    let (c, _) = setup(&["01", "79"]);
    let item = c.narrative.iter().find(|i| i.item == "A.I").unwrap();
    assert_eq!(item.entries.len(), 61);
    let names: Vec<&str> = item.entries.iter().map(|e| &*e.province_name).collect();
    // Vietnamese order, not code-point order.
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("An Giang") < pos("Bà Rịa - Vũng Tàu"));
    assert!(pos("Bạc Liêu") < pos("Bắc Giang"), "{names:?}");
    // "Đ" is its own letter after "D" and before "E"; "ă" after "a".
    assert!(pos("Cà Mau") < pos("Đà Nẵng"));
    assert!(pos("Đà Nẵng") < pos("Đắk Lắk"));
    assert!(pos("Đồng Tháp") < pos("Gia Lai"));
    assert!(pos("Hà Giang") < pos("Hải Dương"));
    let block_item = c
        .narrative
        .iter()
        .find(|i| i.item == "B.II.2.m.x3")
        .unwrap();
    let f = consolidate::NarrativeFilter {
        model: Some("H1".into()),
        ..Default::default()
    };
    let only = block_item.filtered(&f);
    assert!(!only.is_empty());
    assert!(only.iter().all(|e| e.model.as_deref() == Some("H1")));
    let f = consolidate::NarrativeFilter {
        family: Some("kiem-nhiem".into()),
        ..Default::default()
    };
    assert!(block_item.filtered(&f).is_empty());
}

/// Sets a pilot's status (and its end date and reason when ended) in a province-level instance.
fn set_status(inst: &mut report::Instance, block: &str, ended: bool) {
    let a = &mut inst.answers;
    a.insert(
        format!("{block}.x2.tt"),
        json!(if ended { "ket-thuc" } else { "dang" }),
    );
    if ended {
        a.insert(format!("{block}.x2.kt"), json!("2021-03-01"));
        a.insert(
            format!("{block}.x2.ly"),
            json!("Kết thúc theo Kết luận 74-KL/TW."),
        );
    } else {
        a.remove(&format!("{block}.x2.kt"));
        a.remove(&format!("{block}.x2.ly"));
    }
}

/// District rows: (district code, ended).
fn set_districts(inst: &mut report::Instance, block: &str, rows: &[(&str, bool)]) {
    let rows: Vec<Value> = rows
        .iter()
        .map(|(d, ended)| {
            let mut r = json!({"unit": d, "qd": "Quyết định số 12-QĐ/HU, ngày 2/1/2019", "bd": "2019-01-10",
                "tt": if *ended { "ket-thuc" } else { "dang" }});
            if *ended {
                r["kt"] = json!("2020-12-31");
                r["ly"] = json!("Kết thúc thí điểm.");
            }
            r
        })
        .collect();
    inst.answers
        .insert(format!("{block}.x2.dv"), Value::Array(rows));
}

/// Reports built to break per-pilot counting: a province with two ongoing pilots in one group,
/// a province with one ongoing and one ended pilot of the same row (districts) and of the same
/// group (province level), a district in a catalogue model and in a model outside it, a district
/// in two models outside the catalogue, and a province with no pilot at all.
fn adversarial() -> (outline::Template, Units, Vec<Source>) {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    let full = report::sample::SampleOptions { full: true };
    let base = |p: &str| {
        let mut r = report::sample::sample_with(&t, &u, p, 5, full).unwrap();
        let keep = |r: &mut report::Report, block: &str, models: &[&str]| {
            let list = r.blocks.get_mut(block).unwrap();
            list.retain(|i| models.contains(&i.model.as_str()));
        };
        keep(&mut r, "B.I.1.m", &["T4", "T5"]);
        keep(&mut r, "B.I.2.m", &["K1", "K2"]);
        keep(&mut r, "B.II.1.m", &[]);
        keep(&mut r, "B.II.2.m", &[]);
        r
    };
    // Hà Giang: T4 and T5 both ongoing; no district-level pilot.
    let mut hg = base("02");
    for i in hg.blocks.get_mut("B.I.1.m").unwrap() {
        set_status(i, "B.I.1.m", false);
    }
    hg.blocks.get_mut("B.I.2.m").unwrap().clear();
    // Cao Bằng: T4 ended, T5 ongoing. K1 in 042 (ongoing) and 043 (ended); a model outside
    // the catalogue in 042 (ended) and 045 (ongoing); another outside it in 045 (ended).
    let mut cb = base("04");
    for i in cb.blocks.get_mut("B.I.1.m").unwrap() {
        let ended = i.model == "T4";
        set_status(i, "B.I.1.m", ended);
    }
    let list = cb.blocks.get_mut("B.I.2.m").unwrap();
    let mut k2 = list.iter().find(|i| i.model == "K2").unwrap().clone();
    list.retain(|i| i.model == "K1");
    set_districts(&mut list[0], "B.I.2.m", &[("042", false), ("043", true)]);
    k2.model = "khac".into();
    k2.id = "khac-1".into();
    k2.name = Some("Phó Bí thư đồng thời là Chủ tịch Hội đồng nhân dân cấp huyện".into());
    set_districts(&mut k2, "B.I.2.m", &[("042", true), ("045", false)]);
    let mut k3 = k2.clone();
    k3.id = "khac-2".into();
    k3.name = Some("Trưởng Ban Dân vận đồng thời là Trưởng Phòng Văn hóa cấp huyện".into());
    set_districts(&mut k3, "B.I.2.m", &[("045", true)]);
    list.push(k2);
    list.push(k3);
    // Bắc Kạn: no pilot at all.
    let mut bk = base("06");
    for l in bk.blocks.values_mut() {
        l.clear();
    }
    let sources = [hg, cb, bk]
        .into_iter()
        .map(|r| Source {
            version: format!("v1-{}", r.unit.province),
            report: r,
            at: None,
            invalid: false,
        })
        .collect();
    (t, u, sources)
}

#[test]
fn units_are_counted_once_where_per_pilot_counting_would_double_them() {
    let (t, u, sources) = adversarial();
    // The reports are valid: the same counts would come out of `baocao consolidate`.
    for s in &sources {
        let errors: Vec<_> = report::validate(&t, &s.report, &u, report::Options::default())
            .into_iter()
            .filter(|p| p.severity == outline::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", s.version);
    }
    let c = consolidate(&t, &u, &sources).unwrap();
    let raw: BTreeMap<String, Value> = sources
        .iter()
        .map(|s| {
            (
                s.report.unit.province.clone(),
                serde_json::to_value(&s.report).unwrap(),
            )
        })
        .collect();
    // The independent rule, row by row, the totals and every province.
    for g in &c.groups {
        for row in &g.rows {
            let e = expect(&raw, &g.block, Some(&row.code));
            check_counts(&row.measures, &e, &format!("{} {}", g.block, row.code));
        }
        check_counts(&g.total, &expect(&raw, &g.block, None), &g.block);
        for prow in &c.provinces {
            let one: BTreeMap<String, Value> = raw
                .iter()
                .filter(|(p, _)| **p == prow.code)
                .map(|(p, v)| (p.clone(), v.clone()))
                .collect();
            let gi = c.groups.iter().position(|x| x.block == g.block).unwrap();
            check_counts(
                &prow.groups[gi],
                &expect(&one, &g.block, None),
                &format!("{} {}", prow.code, g.block),
            );
        }
    }
    // And the numbers worked out by hand.
    let group = |b: &str| c.groups.iter().find(|g| g.block == b).unwrap();
    let row = |b: &str, m: &str| {
        group(b)
            .rows
            .iter()
            .find(|r| r.code == m)
            .unwrap()
            .measures
            .clone()
    };
    let v = |m: &consolidate::Measures| {
        [
            m.provinces.value,
            m.ongoing_provinces.value,
            m.ended_provinces.value,
            m.districts.value,
            m.ongoing_districts.value,
            m.ended_districts.value,
            m.pilots.value,
            m.ongoing_pilots.value,
            m.ended_pilots.value,
        ]
    };
    // Province level: T4 ongoing in Hà Giang, ended in Cao Bằng; T5 ongoing in both.
    assert_eq!(v(&row("B.I.1.m", "T4")), [2, 1, 1, 0, 0, 0, 2, 1, 1]);
    assert_eq!(v(&row("B.I.1.m", "T5")), [2, 2, 0, 0, 0, 0, 2, 2, 0]);
    // Two provinces, both ongoing (Cao Bằng's ended T4 does not make it "ended"); 4 pilots.
    assert_eq!(v(&group("B.I.1.m").total), [2, 2, 0, 0, 0, 0, 4, 3, 1]);
    // District level, Cao Bằng only.
    assert_eq!(v(&row("B.I.2.m", "K1")), [1, 1, 0, 2, 1, 1, 2, 1, 1]);
    // Outside the catalogue: 042 ended, 045 ongoing in one and ended in the other: ongoing.
    assert_eq!(v(&row("B.I.2.m", "khac")), [1, 1, 0, 2, 1, 1, 3, 1, 2]);
    // 042 ongoing (K1) and ended (khác): ongoing; 043 ended; 045 ongoing. 5 pilots.
    assert_eq!(v(&group("B.I.2.m").total), [1, 1, 0, 3, 2, 1, 5, 2, 3]);
    // Bắc Kạn is included and counts nowhere.
    assert_eq!(c.included.len(), 3);
    let bk = c.provinces.iter().find(|p| p.code == "06").unwrap();
    assert!(bk
        .groups
        .iter()
        .all(|m| m.models.value == 0 && m.provinces.value == 0));
    // The per-province rows add up to the national totals, column by column.
    for (gi, g) in c.groups.iter().enumerate() {
        let sum: Vec<i64> = (0..9)
            .map(|k| c.provinces.iter().map(|p| v(&p.groups[gi])[k]).sum())
            .collect();
        assert_eq!(sum, v(&g.total).to_vec(), "{}", g.block);
    }
    // The districts named in the list of models outside the catalogue.
    let names: Vec<&Vec<String>> = c.others.iter().map(|o| &o.districts).collect();
    assert_eq!(names.len(), 2);
    assert_eq!(names[0].len(), 2, "{names:?}");
}

/// Regression (fuzzing, issue 14): a valid report whose end reason is longer than an Excel cell
/// (32,767 characters) made the workbook fail with the writer's English error. The cell is now
/// cut with a visible mark; the JSON keeps the whole text.
#[test]
fn an_end_reason_longer_than_an_excel_cell_still_exports() {
    let (t, u, mut sources) = adversarial();
    let reason = "Kiện toàn lại tổ chức theo quy định mới. ".repeat(1000);
    assert!(reason.chars().count() > 32_767);
    let cb = sources
        .iter_mut()
        .find(|s| s.report.unit.province == "04")
        .unwrap();
    let inst = cb
        .report
        .blocks
        .get_mut("B.I.1.m")
        .unwrap()
        .iter_mut()
        .find(|i| i.model == "T4")
        .unwrap();
    inst.answers
        .insert("B.I.1.m.x2.ly".into(), json!(reason.clone()));
    let errors: Vec<_> = report::validate(&t, &cb.report, &u, report::Options::default())
        .into_iter()
        .filter(|p| p.severity == outline::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let c = consolidate(&t, &u, &sources).unwrap();
    assert!(c.ended.iter().any(|e| e.reason == reason));
    let refs: Vec<(&report::Report, &str)> = sources
        .iter()
        .map(|s| (&s.report, s.version.as_str()))
        .collect();
    let bytes = consolidate::xlsx::workbook(&c, &t, &u, &refs).expect("the workbook is written");
    assert!(bytes.starts_with(b"PK"));
}

/// A group no province reports a model of says so in the BTCTW's report, instead of an empty
/// table and an empty chart.
#[test]
fn a_group_without_models_says_so() {
    let (t, u, sources) = adversarial();
    let c = consolidate(&t, &u, &sources).unwrap();
    let empty: Vec<&consolidate::Group> = c.groups.iter().filter(|g| g.rows.is_empty()).collect();
    assert_eq!(empty.len(), 2, "the adversarial reports have no merger");
    let p = outline::Profile::builtin("hd36-2018").unwrap();
    let doc = consolidate::document::document(&c, &t, &p, &Default::default());
    let says = doc
        .body
        .iter()
        .filter(|b| {
            matches!(b, document::Block::Paragraph { inlines, .. }
                if inlines.iter().any(|i| matches!(i, document::Inline::Text(s) if s == consolidate::document::NO_MODEL)))
        })
        .count();
    assert_eq!(says, 2);
    let charts = doc
        .body
        .iter()
        .filter(|b| matches!(b, document::Block::Chart(_)))
        .count();
    // Two groups with models: the provinces chart and the proposals chart each.
    assert_eq!(charts, 4);
}
