//! Benchmark: the national consolidation of 63 full sample reports (every model, every
//! district: the largest round) to DOCX and XLSX.
//! Run: `cargo bench -p consolidate --bench consolidate`; figures go in docs/benchmarks.md.
//! The scale runs (1k to 10k units) are `examples/scale.rs`.

use consolidate::{consolidate, Source};
use criterion::{criterion_group, criterion_main, Criterion};
use outline::Profile;
use report::sample::{sample_with, SampleOptions};
use units::Units;

fn sources(t: &outline::Template, u: &Units) -> Vec<Source> {
    u.provinces
        .iter()
        .map(|p| Source {
            report: sample_with(t, u, &p.code, 7, SampleOptions { full: true }).expect("sample"),
            version: "1".into(),
            at: None,
            invalid: false,
        })
        .collect()
}

fn national(c: &mut Criterion) {
    let t = outline::builtin("kl74-2021").expect("template");
    let u = Units::load().expect("units");
    let p = Profile::builtin("hd36-2018").expect("profile");
    let s = sources(&t, &u);
    let reports: Vec<(&report::Report, &str)> = s.iter().map(|s| (&s.report, "1")).collect();
    c.bench_function("national-63/consolidate+docx+xlsx", |b| {
        b.iter(|| {
            let c = consolidate(&t, &u, &s).expect("consolidate");
            let doc = consolidate::document::document(&c, &t, &p, &Default::default());
            let docx = document::docx::to_docx(&doc, &p).expect("docx");
            let xlsx = consolidate::xlsx::workbook(&c, &t, &u, &reports).expect("xlsx");
            (docx.len(), xlsx.len())
        })
    });
}

criterion_group!(benches, national);
criterion_main!(benches);
