//! Bounded fuzzing on the stable toolchain (cargo-fuzz needs nightly): mutated report JSON
//! through the reader and the validator, mutated templates through the loader and checker,
//! random section forms through the form parser, and mutated Word files through the import.
//! Each target runs for `BAOCAO_FUZZ_SECS` seconds (default 2) from a fixed seed, so a run is
//! reproducible; every file in `tests/fuzz-regressions/` (inputs that once crashed or hung) runs
//! first, every time. An input that panics is written to `target/fuzz-crash-*` and fails the
//! test: move it into `tests/fuzz-regressions/` once fixed.
//!
//! The time check is a guard against super-linear blow-ups, not a benchmark: an input may take
//! at most a second per MiB, and never less than that allowance of 3 s (a debug build on a busy
//! machine).

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn budget() -> Duration {
    let secs = std::env::var("BAOCAO_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

fn regressions(prefix: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .map(|p| {
                    let b = std::fs::read(&p).unwrap();
                    (p, b)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs `f` on `input`: no panic, and within the time allowance.
fn check(target: &str, input: &[u8], f: &dyn Fn(&[u8])) {
    let start = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(|| f(input)));
    let took = start.elapsed();
    let mib = input.len() as f64 / (1024.0 * 1024.0);
    let allowed = Duration::from_secs_f64(mib.max(3.0));
    if r.is_err() || took > allowed {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
        let _ = std::fs::create_dir_all(&dir);
        let name = dir.join(format!(
            "fuzz-crash-{target}-{:x}",
            input
                .iter()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b))
                    .wrapping_mul(0x0100_0000_01b3))
        ));
        let _ = std::fs::File::create(&name).and_then(|mut f| f.write_all(input));
        panic!(
            "{target}: {} on an input of {} bytes, kept in {}",
            if r.is_err() {
                "panic".to_string()
            } else {
                format!("{took:?}")
            },
            input.len(),
            name.display()
        );
    }
}

/// One random change to `b`: flip, delete, duplicate or insert a troublesome token.
fn mutate(rng: &mut ChaCha8Rng, b: &mut Vec<u8>) {
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "true",
        "-1",
        "0",
        "1e999",
        "18446744073709551615",
        "\\u0000",
        "\\ud800",
        "\u{feff}",
        "\u{200b}",
        "=",
        "\n",
        "#",
        "[[node]]",
        "parent = \"b\"",
        "id = \"b\"",
        "{model}",
        "[^1]",
        "31/6/2021",
        "2021-02-29",
    ];
    if b.is_empty() {
        b.push(b'{');
        return;
    }
    let at = rng.gen_range(0..b.len());
    match rng.gen_range(0..6) {
        0 => b[at] ^= 1 << rng.gen_range(0..8),
        1 => {
            let end = (at + rng.gen_range(1..64)).min(b.len());
            b.drain(at..end);
        }
        2 => {
            let end = (at + rng.gen_range(1..256)).min(b.len());
            let piece = b[at..end].to_vec();
            let to = rng.gen_range(0..=b.len());
            b.splice(to..to, piece);
        }
        3 => {
            let t = TOKENS[rng.gen_range(0..TOKENS.len())].as_bytes();
            b.splice(at..at, t.iter().copied());
        }
        4 => {
            // Deep nesting.
            let n = rng.gen_range(1..2000);
            let open = if rng.gen_bool(0.5) { b'[' } else { b'{' };
            b.splice(at..at, std::iter::repeat_n(open, n));
        }
        _ => {
            // A long run of text.
            let n = rng.gen_range(1..200_000);
            b.splice(at..at, std::iter::repeat_n(b'x', n));
        }
    }
}

/// Mutates `seed` for the time budget (and the regression files first), running `f` on each.
fn fuzz(target: &str, seed: &[u8], f: &dyn Fn(&[u8])) -> usize {
    for (_, input) in regressions(target) {
        check(target, &input, f);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(20210630);
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget() {
        let mut b = seed.to_vec();
        for _ in 0..rng.gen_range(1..6) {
            mutate(&mut rng, &mut b);
        }
        check(target, &b, f);
        n += 1;
    }
    n
}

fn kl74() -> (outline::Template, units::Units) {
    (
        outline::builtin("kl74-2021").unwrap(),
        units::Units::embedded().unwrap().clone(),
    )
}

#[test]
fn report_json_reader_and_validator() {
    let (t, u) = kl74();
    let full = report::sample::SampleOptions { full: true };
    let seed = report::sample::sample_with(&t, &u, "02", 1, full)
        .unwrap()
        .to_json();
    let n = fuzz("report", seed.as_bytes(), &|b| {
        let text = String::from_utf8_lossy(b);
        if let Ok(r) = report::Report::from_json(&text) {
            let _ = report::validate(&t, &r, &u, report::Options::default());
            let _ = report::validate(&t, &r, &u, report::Options { draft: true });
        }
    });
    assert!(n > 0);
}

#[test]
fn template_loader_and_checker() {
    let text = include_str!("../../../templates/kl74-2021.toml");
    let n = fuzz("template", text.as_bytes(), &|b| {
        let text = String::from_utf8_lossy(b);
        let (t, _problems) = outline::Template::load(&text, "fuzz.toml");
        if let Some(t) = t {
            let _ = report::schema::schema(&t);
        }
    });
    assert!(n > 0);
}

#[test]
fn section_form_parser() {
    let (t, _) = kl74();
    let items: Vec<String> = t.node.iter().map(|n| n.id.clone()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for (_, input) in regressions("form") {
        let text = String::from_utf8_lossy(&input).into_owned();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap_or_default();
        check("form", &input, &|_| {
            let _ = web::editor::parse_form(&t, &pairs);
        });
    }
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget() {
        let mut pairs = Vec::new();
        for _ in 0..rng.gen_range(0..40) {
            let item = &items[rng.gen_range(0..items.len())];
            let scope = ["", "m1", "t4-1", "m18446744073709551615", "|", "x"][rng.gen_range(0..6)];
            let key = match rng.gen_range(0..8) {
                0 => format!("p|{scope}|{item}"),
                1 => format!("v|{scope}|{item}"),
                2 => format!("v|{scope}|{item}|{}|unit", rng.gen_range(0..5)),
                3 => "revision".to_string(),
                4 => format!("them|{item}"),
                5 => format!("moi_mau|{item}"),
                6 => format!("d|{}", ["number", "date", "signer"][rng.gen_range(0..3)]),
                _ => ["hanh_dong", "_csrf", "muc", "|||", ""][rng.gen_range(0..5)].to_string(),
            };
            let value = match rng.gen_range(0..7) {
                0 => "31/6/2021".to_string(),
                1 => "-18446744073709551616".to_string(),
                2 => "x".repeat(rng.gen_range(0..100_000)),
                3 => "\u{0}\u{feff}<script>".to_string(),
                4 => rng.gen_range(i64::MIN..i64::MAX).to_string(),
                5 => "dang".to_string(),
                _ => String::new(),
            };
            pairs.push((key, value));
        }
        let input = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        check("form", input.as_bytes(), &|_| {
            let _ = web::editor::parse_form(&t, &pairs);
        });
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn word_import() {
    let (t, u) = kl74();
    let p = outline::Profile::builtin("hd36-2018").unwrap();
    let r = report::sample::sample(&t, &u, "02", 3).unwrap();
    let docx = document::docx::to_docx(&document::build(&t, &r, &p, &u).unwrap(), &p).unwrap();
    // Mutate the document part inside the container (a mutated container is mostly refused at
    // once), and now and then the container's bytes themselves.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx.clone())).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut b).unwrap();
        parts.push((f.name().to_string(), b));
    }
    let xml = parts
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap()
        .1
        .clone();
    let rezip = |doc: &[u8]| -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, b) in &parts {
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(if name == "word/document.xml" { doc } else { b })
                .unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let n = fuzz("docx", &xml, &|b| {
        let _ = import::import(&rezip(b), &t, "02");
    });
    let m = fuzz("docx-container", &docx, &|b| {
        let _ = import::import(b, &t, "02");
    });
    assert!(n > 0 && m > 0);
}
