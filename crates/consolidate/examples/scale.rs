//! Scale of the consolidation: N synthetic reporting units (the size of a commune-level round),
//! each a full sample report with six to ten sub-units; prints the time of the consolidation
//! and of the XLSX workbook. Run: `cargo run --release -p consolidate --example scale -- 10000`.
//! (Sample generation is not timed.) Figures go in docs/benchmarks.md.

use consolidate::{consolidate, Source};
use report::sample::{sample_with, SampleOptions};
use std::time::Instant;
use units::{District, Province, Units};
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let t0 = Instant::now();
    let real = Units::load().unwrap();
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
    let u = Units::new(provinces, districts);
    let t = outline::builtin("kl74-2021").unwrap();
    let s: Vec<Source> = u
        .provinces
        .iter()
        .map(|p| Source {
            report: sample_with(&t, &u, &p.code, 7, SampleOptions { full: true }).unwrap(),
            version: "1".into(),
            at: None,
            invalid: false,
        })
        .collect();
    let reports: Vec<(&report::Report, &str)> = s.iter().map(|s| (&s.report, "1")).collect();
    eprintln!("{n} báo cáo mẫu: {:?} (không tính)", t0.elapsed());
    let a = Instant::now();
    let c = consolidate(&t, &u, &s).unwrap();
    let b = Instant::now();
    let x = consolidate::xlsx::workbook(&c, &t, &u, &reports).unwrap();
    let d = Instant::now();
    println!(
        "{n}\tconsolidate {:?}\txlsx {:?}\t({} byte)",
        b - a,
        d - b,
        x.len()
    );
}
