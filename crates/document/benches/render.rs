//! Benchmarks: validate, render to DOCX and to HTML a full report (every catalogue model, every
//! district of Hà Nội's 30 in every district-level block) and a typical sample.
//! Run: `cargo bench -p document --bench render`; figures go in docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, Criterion};
use outline::Profile;
use report::sample::{sample_with, SampleOptions};
use report::{validate, Options};
use units::Units;

fn benches(c: &mut Criterion) {
    let t = outline::builtin("kl74-2021").expect("template");
    let u = Units::load().expect("units");
    let p = Profile::builtin("hd36-2018").expect("profile");
    for (name, full) in [("full-01", true), ("typical-02", false)] {
        let province = if full { "01" } else { "02" };
        let r = sample_with(&t, &u, province, 7, SampleOptions { full }).expect("sample");
        c.bench_function(&format!("validate/{name}"), |b| {
            b.iter(|| validate(&t, &r, &u, Options::default()))
        });
        c.bench_function(&format!("docx/{name}"), |b| {
            b.iter(|| {
                let d = document::build(&t, &r, &p, &u).expect("build");
                document::docx::to_docx(&d, &p).expect("docx")
            })
        });
        c.bench_function(&format!("html/{name}"), |b| {
            b.iter(|| {
                let d = document::build(&t, &r, &p, &u).expect("build");
                document::html::to_html(&d, &p)
            })
        });
    }
}

criterion_group!(render, benches);
criterion_main!(render);
