//! A national round from the districts up (issue 12): the sheets of all 705 districts read and
//! validated, rolled up into the 63 province reports, then the national consolidation with its
//! DOCX and XLSX. Sample generation is not timed; every timed step runs in process, as the web
//! app or `baocao rollup` + `baocao consolidate` run it.
//!
//! Run: `cargo run --release -p consolidate --example district_round -- [--full] [runs]`
//! (`--full`: every model in every block and every district in every district-level model, the
//! largest round; default: the realistic samples of seed 7). Figures go in docs/benchmarks.md.

use std::time::{Duration, Instant};

use consolidate::rollup::{rollup, Sheet};
use consolidate::{consolidate, Source};
use outline::Profile;
use report::sample::{sample_district, sample_with, SampleOptions};
use report::{validate, Options, Report};
use units::Units;

const SEED: u64 = 7;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--full");
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(5).max(1);
    let opts = SampleOptions { full };
    let t = outline::builtin("kl74-2021").expect("template");
    let u = Units::embedded().expect("units");
    let profile = Profile::builtin("hd36-2018").expect("profile");

    // Not timed: the samples, as the JSON files a round would hold.
    let made = Instant::now();
    let mut provinces: Vec<String> = Vec::new();
    let mut sheets: Vec<Vec<(String, String)>> = Vec::new();
    for p in &u.provinces {
        provinces.push(
            sample_with(&t, u, &p.code, SEED, opts)
                .expect("sample")
                .to_json(),
        );
        sheets.push(
            u.districts_of(&p.code)
                .map(|d| {
                    let s = sample_district(&t, u, &p.code, &d.code, SEED, opts).expect("sheet");
                    (s.to_json(), format!("phiếu {}", d.code))
                })
                .collect(),
        );
    }
    let n_sheets: usize = sheets.iter().map(Vec::len).sum();
    let bytes: usize = provinces.iter().map(String::len).sum::<usize>()
        + sheets.iter().flatten().map(|(s, _)| s.len()).sum::<usize>();
    eprintln!(
        "{} báo cáo, {n_sheets} phiếu cấp huyện ({:.1} MB JSON), full = {full}: tạo mẫu {:?} (không tính)",
        provinces.len(),
        bytes as f64 / 1e6,
        made.elapsed()
    );

    let mut totals = Vec::new();
    for run in 1..=runs {
        let mut phases: Vec<(&str, Duration)> = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name: &'static str, phases: &mut Vec<(&str, Duration)>| {
            let now = Instant::now();
            phases.push((name, now - clock));
            clock = now;
        };
        // Read every file's JSON.
        let mut reports: Vec<Report> = provinces
            .iter()
            .map(|j| Report::from_json(j).expect("report"))
            .collect();
        let parsed: Vec<Vec<(Report, &str)>> = sheets
            .iter()
            .map(|list| {
                list.iter()
                    .map(|(j, v)| (Report::from_json(j).expect("sheet"), v.as_str()))
                    .collect()
            })
            .collect();
        lap("đọc JSON", &mut phases);
        // Validate every sheet, as `baocao rollup` does before rolling it up.
        for (s, v) in parsed.iter().flatten() {
            let problems = validate(&t, s, u, Options { draft: false });
            assert!(!report::has_errors(&problems), "{v}: {problems:?}");
        }
        lap("kiểm tra phiếu", &mut phases);
        let mut rows = 0;
        for (r, list) in reports.iter_mut().zip(&parsed) {
            let refs: Vec<Sheet<'_>> = list
                .iter()
                .map(|(report, version)| Sheet { report, version })
                .collect();
            let out = rollup(&t, u, r, &refs).expect("rollup");
            assert!(out.unsupported.is_empty());
            rows += out.filled.len();
        }
        lap("tổng hợp phiếu", &mut phases);
        for r in &reports {
            let problems = validate(&t, r, u, Options { draft: false });
            assert!(!report::has_errors(&problems));
        }
        lap("kiểm tra báo cáo", &mut phases);
        let sources: Vec<Source> = reports
            .into_iter()
            .map(|report| Source {
                version: format!("{}-1", report.unit.province),
                report,
                at: None,
                invalid: false,
            })
            .collect();
        let c = consolidate(&t, u, &sources).expect("consolidate");
        lap("tổng hợp toàn quốc", &mut phases);
        let doc = consolidate::document::document(&c, &t, &profile, &Default::default());
        let docx = document::docx::to_docx(&doc, &profile).expect("docx");
        lap("DOCX", &mut phases);
        let list: Vec<(&Report, &str)> = sources
            .iter()
            .map(|s| (&s.report, s.version.as_str()))
            .collect();
        let xlsx = consolidate::xlsx::workbook(&c, &t, u, &list).expect("xlsx");
        lap("XLSX", &mut phases);
        let total: Duration = phases.iter().map(|(_, d)| *d).sum();
        totals.push(total);
        let shown: Vec<String> = phases
            .iter()
            .map(|(n, d)| format!("{n} {:.0} ms", d.as_secs_f64() * 1e3))
            .collect();
        println!(
            "lần {run}: {} | tổng {:.0} ms ({rows} phần điền; DOCX {} KB, XLSX {} KB)",
            shown.join(", "),
            total.as_secs_f64() * 1e3,
            docx.len() / 1024,
            xlsx.len() / 1024
        );
    }
    totals.sort();
    println!(
        "trung vị {:.0} ms, nhanh nhất {:.0} ms, chậm nhất {:.0} ms ({runs} lần)",
        totals[totals.len() / 2].as_secs_f64() * 1e3,
        totals[0].as_secs_f64() * 1e3,
        totals[totals.len() - 1].as_secs_f64() * 1e3
    );
}
