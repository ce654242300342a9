//! Benchmarks: the PDF of a full report (every catalogue model, all 30 districts of Hà Nội in
//! every district-level block) and of a typical sample, in process, from the neutral document.
//! Run: `cargo bench -p pdf --bench pdf`; figures go in docs/benchmarks.md (with the whole
//! `baocao render` process and LibreOffice converting our DOCX, measured by hyperfine).

use criterion::{criterion_group, criterion_main, Criterion};
use outline::Profile;
use report::sample::{sample_with, SampleOptions};
use units::Units;

fn benches(c: &mut Criterion) {
    let t = outline::builtin("kl74-2021").expect("template");
    let u = Units::load().expect("units");
    let p = Profile::builtin("hd36-2018").expect("profile");
    let opts = pdf::PdfOptions::default();
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20);
    for (name, full) in [("full-01", true), ("typical-02", false)] {
        let province = if full { "01" } else { "02" };
        let r = sample_with(&t, &u, province, 7, SampleOptions { full }).expect("sample");
        let d = document::build(&t, &r, &p, &u).expect("build");
        // The first call scans the system's fonts (once per process); not what is measured.
        pdf::to_pdf(&d, &p, &opts).expect("pdf");
        group.bench_function(name, |b| {
            b.iter(|| pdf::to_pdf(&d, &p, &opts).expect("pdf"))
        });
    }
    group.finish();
}

criterion_group!(render, benches);
criterion_main!(render);
