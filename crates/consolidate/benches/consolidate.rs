//! Benchmarks: the national consolidation of 63 full sample reports to DOCX and XLSX, and the
//! scale of a commune-level round (1k, 2k, 5k, 10k synthetic reporting units).
//! Run: `cargo bench -p consolidate --bench consolidate`; figures go in docs/benchmarks.md.

use std::time::Duration;

use consolidate::{consolidate, Source};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use outline::Profile;
use report::sample::sample;
use units::{District, Province, Units};

fn sources(t: &outline::Template, u: &Units) -> Vec<Source> {
    u.provinces
        .iter()
        .map(|p| Source {
            report: sample(t, u, &p.code, 7).expect("sample"),
            version: "1".into(),
            at: None,
        })
        .collect()
}

/// A synthetic register of `n` reporting units, each with six to ten sub-units (copies of real
/// districts under new codes), so the same engine is measured at commune-round size.
fn synthetic(n: usize) -> Units {
    let real = Units::load().expect("units");
    let mut provinces = Vec::new();
    let mut districts = Vec::new();
    for i in 0..n {
        let code = format!("{:05}", i + 1);
        provinces.push(Province {
            code: code.clone(),
            name: format!("Tỉnh Thử {i}"),
            kind: "tỉnh".into(),
        });
        for k in 0..(6 + i % 5) {
            let d = &real.districts[(i * 7 + k) % real.districts.len()];
            districts.push(District {
                code: format!("{code}{k:02}"),
                province_code: code.clone(),
                name: d.name.clone(),
                kind: d.kind.clone(),
            });
        }
    }
    Units::new(provinces, districts)
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

fn scale(c: &mut Criterion) {
    let t = outline::builtin("kl74-2021").expect("template");
    let mut g = c.benchmark_group("scale");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    // `cargo test --all-targets` runs benches once as a smoke test, without `--bench`: keep that
    // quick (the sample reports are generated outside the timed part).
    let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") {
        &[1_000, 2_000, 5_000, 10_000]
    } else {
        &[50]
    };
    for &n in sizes {
        let u = synthetic(n);
        let s = sources(&t, &u);
        let reports: Vec<(&report::Report, &str)> = s.iter().map(|s| (&s.report, "1")).collect();
        g.bench_with_input(BenchmarkId::new("consolidate+xlsx", n), &n, |b, _| {
            b.iter(|| {
                let c = consolidate(&t, &u, &s).expect("consolidate");
                consolidate::xlsx::workbook(&c, &t, &u, &reports)
                    .expect("xlsx")
                    .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, national, scale);
criterion_main!(benches);
