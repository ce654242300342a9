//! Our own DOCX, imported back, gives the same report: every field of every province's sample
//! (all 63, and the largest `--full` sample) comes back equal.

use outline::{Profile, Template};
use report::sample::{sample, sample_with, SampleOptions};
use report::Report;
use serde_json::Value;
use units::Units;

struct Fx {
    t: Template,
    u: Units,
    p: Profile,
}

fn fx() -> Fx {
    Fx {
        t: outline::builtin("kl74-2021").unwrap(),
        u: Units::load().unwrap(),
        p: Profile::builtin("hd36-2018").unwrap(),
    }
}

fn docx(f: &Fx, r: &Report) -> Vec<u8> {
    let doc = document::build(&f.t, r, &f.p, &f.u).unwrap();
    document::docx::to_docx(&doc, &f.p).unwrap()
}

/// Every leaf of a report as (path, value), empty answers left out (a missing answer and an
/// empty one print the same).
fn leaves(r: &Report) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    walk(&format!("{prefix}.{k}"), x, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), x, out);
                }
            }
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut r = r.clone();
    r.answers.retain(|_, v| !report::validate::is_empty(v));
    for list in r.blocks.values_mut() {
        for inst in list {
            inst.answers.retain(|_, v| !report::validate::is_empty(v));
        }
    }
    let mut out = Vec::new();
    walk("", &serde_json::to_value(&r).unwrap(), &mut out);
    out
}

fn diff(a: &Report, b: &Report) -> Vec<String> {
    let la = leaves(a);
    let lb = leaves(b);
    let mut out = Vec::new();
    for (k, v) in &la {
        match lb.iter().find(|(k2, _)| k2 == k) {
            Some((_, v2)) if v2 == v => {}
            Some((_, v2)) => out.push(format!("{k}: {v} ≠ {v2}")),
            None => out.push(format!("{k}: {v} missing")),
        }
    }
    for (k, v) in &lb {
        if !la.iter().any(|(k2, _)| k2 == k) {
            out.push(format!("{k}: extra {v}"));
        }
    }
    out
}

fn roundtrip(f: &Fx, r: &Report) {
    let bytes = docx(f, r);
    let got = import::import(&bytes, &f.t, &r.unit.province).unwrap();
    let d = diff(r, &got.report);
    assert!(
        d.is_empty(),
        "province {}: {} differences:\n{}\n\nplacement:\n{}",
        r.unit.province,
        d.len(),
        d.join("\n"),
        got.placement.to_text()
    );
    assert!(
        got.placement.unplaced.is_empty(),
        "province {}: unplaced {:?}",
        r.unit.province,
        got.placement.unplaced
    );
    assert!(got.placement.to_confirm.is_empty());
}

#[test]
fn one_province_round_trips() {
    let f = fx();
    let r = sample(&f.t, &f.u, "02", 7).unwrap();
    roundtrip(&f, &r);
}

#[test]
fn every_province_round_trips() {
    let f = fx();
    for p in &f.u.provinces {
        let r = sample(&f.t, &f.u, &p.code, 7).unwrap();
        roundtrip(&f, &r);
    }
}

#[test]
fn the_full_sample_round_trips() {
    let f = fx();
    let r = sample_with(&f.t, &f.u, "01", 3, SampleOptions { full: true }).unwrap();
    roundtrip(&f, &r);
}
