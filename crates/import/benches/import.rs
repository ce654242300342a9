//! Benchmark: importing a typical report's DOCX (Hà Giang sample, seed 7: 47 pages) and the
//! largest (`--full` Hà Nội: 111 pages). Writes both DOCX files to
//! `target/import-bench-*.docx` so that pandoc can read the same files
//! (`scripts/bench-import.sh`). Run: `cargo bench -p import --bench import`.

use criterion::{criterion_group, criterion_main, Criterion};
use outline::Profile;
use report::sample::{sample_with, SampleOptions};
use units::Units;

fn benches(c: &mut Criterion) {
    let t = outline::builtin("kl74-2021").expect("template");
    let u = Units::load().expect("units");
    let p = Profile::builtin("hd36-2018").expect("profile");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    for (name, province, full) in [("typical-02", "02", false), ("full-01", "01", true)] {
        let r = sample_with(&t, &u, province, 7, SampleOptions { full }).expect("sample");
        let d = document::build(&t, &r, &p, &u).expect("build");
        let bytes = document::docx::to_docx(&d, &p).expect("docx");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("import-bench-{name}.docx")), &bytes);
        c.bench_function(&format!("read/{name}"), |b| {
            b.iter(|| import::docx::read(&bytes).expect("read"))
        });
        c.bench_function(&format!("import/{name}"), |b| {
            b.iter(|| import::import(&bytes, &t, province).expect("import"))
        });
    }
}

criterion_group!(import_bench, benches);
criterion_main!(import_bench);
