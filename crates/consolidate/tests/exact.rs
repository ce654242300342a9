//! Exactness: for sample reports of all 63 provinces, every consolidated figure equals a sum
//! computed here independently from the raw JSON (by the KL74 item ids, not through the
//! library's roles or helpers), and every figure's provenance is complete and real.

use std::collections::{BTreeMap, BTreeSet};

use consolidate::{consolidate, Consolidation, Figure, Source};
use report::sample::sample;
use serde_json::Value;
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
        });
    }
    (consolidate(&t, &u, &sources).unwrap(), raw)
}

/// Independent expectations for one block and model, from the raw JSON.
#[derive(Default, Debug)]
struct Expect {
    provinces: BTreeSet<String>,
    districts: BTreeSet<String>,
    ongoing_p: BTreeSet<String>,
    ended_p: BTreeSet<String>,
    ongoing_d: i64,
    ended_d: i64,
    before: BTreeMap<String, i64>,
    after: BTreeMap<String, i64>,
    authorised: BTreeMap<String, i64>,
    proposals: BTreeMap<String, i64>,
    models: i64,
}

fn expect(raw: &BTreeMap<String, Value>, block: &str, model: Option<&str>) -> Expect {
    let mut e = Expect::default();
    let mut district_state: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for (p, r) in raw {
        for inst in r["blocks"][block].as_array().into_iter().flatten() {
            if model.is_some_and(|m| inst["model"] != m) {
                continue;
            }
            e.models += 1;
            e.provinces.insert(p.clone());
            let a = &inst["answers"];
            let key = |suffix: &str| format!("{block}.{suffix}");
            match a[key("x2.tt")].as_str() {
                Some("ket-thuc") => {
                    e.ended_p.insert(p.clone());
                }
                Some("dang") => {
                    e.ongoing_p.insert(p.clone());
                }
                _ => {}
            }
            if let Some(rows) = a[key("x2.dv")].as_array() {
                let st = district_state.entry(p.clone()).or_insert((false, true));
                for row in rows {
                    e.districts
                        .insert(row["unit"].as_str().unwrap().to_string());
                    if row["tt"] == "ket-thuc" {
                        e.ended_d += 1;
                    } else {
                        e.ongoing_d += 1;
                        st.0 = true;
                        st.1 = false;
                    }
                }
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
            let dx = a[key("x5.dx")].as_str().unwrap().to_string();
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
    if block.contains(".2.") {
        // District level: province status from its districts.
        e.ongoing_p.clear();
        e.ended_p.clear();
        for (p, (ongoing, all_ended)) in district_state {
            if ongoing {
                e.ongoing_p.insert(p);
            } else if all_ended {
                e.ended_p.insert(p);
            }
        }
    }
    e
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
            assert_eq!(m.models.value, e.models, "{what} models");
            assert_eq!(
                m.provinces.value as usize,
                e.provinces.len(),
                "{what} provinces"
            );
            assert_eq!(
                m.districts.value as usize,
                e.districts.len(),
                "{what} districts"
            );
            assert_eq!(
                m.ongoing_provinces.value as usize,
                e.ongoing_p.len(),
                "{what} ongoing provinces"
            );
            assert_eq!(
                m.ended_provinces.value as usize,
                e.ended_p.len(),
                "{what} ended provinces"
            );
            assert_eq!(
                m.ongoing_districts.value, e.ongoing_d,
                "{what} ongoing districts"
            );
            assert_eq!(m.ended_districts.value, e.ended_d, "{what} ended districts");
            // Provenance: distinct counts list exactly the provinces or districts counted.
            let provs: BTreeSet<String> = c
                .sources_of(&m.provinces)
                .map(|s| s.province.to_string())
                .collect();
            assert_eq!(provs, e.provinces, "{what} province sources");
            assert_eq!(
                m.ongoing_districts.sources.len() as i64,
                e.ongoing_d,
                "{what}"
            );
            assert_eq!(m.models.sources.len() as i64, e.models, "{what}");
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
                &m.ongoing_districts,
                &m.ended_districts,
                &m.models,
            ] {
                check_sources(&c, f, &raw, &what);
            }
        }
        // Totals: provinces and districts distinct over the whole block; the rest sums.
        let e = expect(&raw, &g.block, None);
        assert_eq!(
            g.total.provinces.value as usize,
            e.provinces.len(),
            "{} total provinces",
            g.block
        );
        assert_eq!(
            g.total.districts.value as usize,
            e.districts.len(),
            "{} total districts",
            g.block
        );
        assert_eq!(g.total.ended_districts.value, e.ended_d);
        let sum_rows = |f: fn(&consolidate::Measures) -> i64| {
            g.rows.iter().map(|r| f(&r.measures)).sum::<i64>()
        };
        assert_eq!(
            g.total.ended_provinces.value,
            sum_rows(|m| m.ended_provinces.value)
        );
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
            assert_eq!(m.models.value, e.models, "{} {}", prow.code, g.block);
            assert_eq!(m.districts.value as usize, e.districts.len());
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
    let mut r = sample(&t, &u, "02", 3).unwrap();
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
