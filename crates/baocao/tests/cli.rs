//! The `baocao` command as a user runs it, and its output read back by independent tools:
//! python-docx (scripts/docx_dump.py), LibreOffice, pdftotext, Python's jsonschema.
//! `scripts/test.sh` installs those tools; a test that needs one fails if it is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn baocao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs an external tool; fails with a clear message when it is not installed.
fn tool(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed by this test ({e}); scripts/test.sh installs it")
        })
}

fn sample(dir: &Path, province: &str, seed: &str) -> PathBuf {
    sample_with(dir, province, seed, &[])
}

/// A sample with every model of every block (`--full`), for tests that change answers inside
/// the blocks: a realistic sample may report no model in a block.
fn full_sample(dir: &Path, province: &str, seed: &str) -> PathBuf {
    sample_with(dir, province, seed, &["--full"])
}

fn sample_with(dir: &Path, province: &str, seed: &str, extra: &[&str]) -> PathBuf {
    let path = dir.join(format!("r-{province}-{seed}.json"));
    let mut args = vec![
        "sample",
        "--province",
        province,
        "--seed",
        seed,
        "-o",
        path.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = baocao(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    path
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

#[test]
fn template_check_accepts_kl74_and_names_every_problem_of_a_broken_one() {
    let o = baocao(&["template", "check", "kl74-2021"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("hợp lệ"), "{}", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    let kl74 = std::fs::read_to_string(root().join("templates/kl74-2021.toml")).unwrap();
    let broken = kl74
        .replace("cutoff = \"30/6/2021\"", "cutoff = \"31/6/2021\"")
        .replacen(
            "show_if = { item = \"B.I.1.m.x2.tt\"",
            "show_if = { item = \"B.I.1.m.x2.khong-co\"",
            1,
        );
    let path = dir.path().join("t.toml");
    std::fs::write(&path, broken).unwrap();
    let o = baocao(&["template", "check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("template.cutoff: ngày 31/6/2021 không tồn tại"),
        "{out}"
    );
    assert!(
        out.contains("B.I.1.m.x2.kt: điều kiện tham chiếu mục không có: “B.I.1.m.x2.khong-co”"),
        "{out}"
    );
    assert!(out.contains("có 2 lỗi"), "{out}");
}

#[test]
fn schema_is_valid_json_schema_and_samples_conform_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = baocao(&["template", "schema", "kl74-2021"]);
    assert!(o.status.success());
    let schema_path = dir.path().join("schema.json");
    std::fs::write(&schema_path, &o.stdout).unwrap();
    let good = full_sample(dir.path(), "79", "3");
    let mut bad = read_json(&good);
    bad["blocks"]["B.I.1.m"][0]["answers"]["B.I.1.m.x5.dx"] = json!("4");
    let bad_path = dir.path().join("bad.json");
    write_json(&bad_path, &bad);
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
good = list(v.iter_errors(json.load(open(sys.argv[2]))))
bad = list(v.iter_errors(json.load(open(sys.argv[3]))))
print(json.dumps({"good": len(good), "bad": [e.message for e in bad]}))
"#;
    let o = tool(
        "python3",
        &[
            "-c",
            script,
            schema_path.to_str().unwrap(),
            good.to_str().unwrap(),
            bad_path.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["good"], 0, "{r}");
    assert_eq!(r["bad"].as_array().unwrap().len(), 1, "{r}");
}

#[test]
fn validate_names_every_problem_in_vietnamese_with_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let path = full_sample(dir.path(), "02", "7");
    let o = baocao(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("không có lỗi"));

    let mut v = read_json(&path);
    let a = &mut v["blocks"]["B.I.1.m"][0]["answers"];
    a["B.I.1.m.x2.bd"] = json!("2021-06-31");
    a.as_object_mut().unwrap().remove("B.I.1.m.x5.dx");
    v["blocks"]["B.II.1.m"][0]["answers"]["B.II.1.m.x2.so"]["cap-pho"]["after"] = json!(-1);
    let broken = dir.path().join("broken.json");
    write_json(&broken, &v);
    let o = baocao(&["validate", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("Lỗi (3):"), "{out}");
    assert!(
        out.contains(
            "B.I.1.1.2 – Thời điểm bắt đầu thực hiện thí điểm: ngày 31/6/2021 không tồn tại"
        ),
        "{out}"
    );
    assert!(out.contains("B.I.1.1.5"), "{out}");
    assert!(out.contains("-1 là số âm"), "{out}");
    assert!(out.contains("có 3 lỗi"), "{out}");

    let o = baocao(&["validate", "--json", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["errors"].as_array().unwrap().len(), 3);
    assert_eq!(j["errors"][0]["severity"], "error");
    assert!(j["warnings"].is_array());

    // A draft: what is missing is not reported, what is wrong is.
    let o = baocao(&["validate", "--draft", "--json", broken.to_str().unwrap()]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["errors"].as_array().unwrap().len(), 2, "{j}");
}

#[test]
fn bad_input_gets_a_clear_error_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{ \"template\": ").unwrap();
    let out = dir.path().join("x.docx");
    let o = baocao(&[
        "render",
        junk.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("không đúng định dạng JSON"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = baocao(&[
        "validate",
        dir.path().join("khong-co.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("không tìm thấy tệp"), "{}", stderr(&o));
    let o = baocao(&["sample", "--province", "99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("không có tỉnh, thành phố mã “99”"));
    let good = sample(dir.path(), "02", "1");
    let o = baocao(&[
        "render",
        good.to_str().unwrap(),
        "-o",
        dir.path().join("x.pdfx").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("dùng đuôi .docx, .pdf, .html hoặc .md"));
}

#[test]
fn samples_are_deterministic_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(sample(dir.path(), "48", "5")).unwrap();
    let b = baocao(&["sample", "--province", "48", "--seed", "5"]).stdout;
    assert_eq!(a, b);
    let c = baocao(&["sample", "--province", "48", "--seed", "6"]).stdout;
    assert_ne!(a, c);
}

/// Formats like the Vietnamese documents: 1.234 and +3 / -2.
fn vi_int(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[test]
fn docx_read_back_by_python_docx_and_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let report = full_sample(dir.path(), "02", "7");
    let docx = dir.path().join("r.docx");
    let o = baocao(&[
        "render",
        report.to_str().unwrap(),
        "-o",
        docx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = tool(
        "python3",
        &[
            root().join("scripts/docx_dump.py").to_str().unwrap(),
            docx.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();

    // Page: A4, margins per FORMAT.md, no number on page 1.
    let s = &d["sections"][0];
    assert_eq!(
        (s["page_width_mm"].as_f64(), s["page_height_mm"].as_f64()),
        (Some(210.0), Some(297.0))
    );
    assert_eq!(
        [&s["top_mm"], &s["bottom_mm"], &s["left_mm"], &s["right_mm"]].map(|v| v.as_f64().unwrap()),
        [20.0, 20.0, 30.0, 15.0]
    );
    assert_eq!(s["different_first_page"], true);

    // Header table texts.
    let header = d["tables"][0].to_string();
    for want in [
        "TỈNH ỦY HÀ GIANG",
        "*",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "-BC/TU",
        "Hà Giang, ngày",
    ] {
        assert!(header.contains(want), "{want} not in {header}");
    }
    // Title and headings.
    let paras: Vec<&Value> = d["paragraphs"].as_array().unwrap().iter().collect();
    let texts: Vec<&str> = paras.iter().map(|p| p["text"].as_str().unwrap()).collect();
    let find = |prefix: &str| {
        paras
            .iter()
            .find(|p| p["text"].as_str().unwrap().starts_with(prefix))
            .copied()
    };
    assert_eq!(find("BÁO CÁO").unwrap()["bold"], true);
    let a = find("A- VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN").expect("heading A");
    assert_eq!(
        (a["bold"].as_bool(), a["alignment"].as_str()),
        (Some(true), Some("center"))
    );
    assert!(find("B- KẾT QUẢ THỰC HIỆN").is_some());
    assert!(find("III- ĐÁNH GIÁ CHUNG").is_some());
    assert!(find("1.1.1- Nguyên tắc").is_some_and(|p| p["italic"] == true));
    assert!(find("1.1- Về thí điểm kiêm nhiệm chức danh")
        .is_some_and(|p| p["bold"] == true && p["italic"] == true));
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("2.2- Về thí điểm hợp nhất")),
        "second district merger block is 2.2"
    );

    // Footnotes: the five of the outline, numbered by Word itself.
    let notes: Vec<&str> = d["footnotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 5, "{notes:?}");
    assert!(notes[0].contains("Nghị quyết số 18-NQ/TW, ngày 25/10/2017"));
    assert!(notes[1].starts_with("Như: Trưởng ban tổ chức"));
    assert!(notes[3].starts_with("Được quy định tại các quyết định"));

    // Figures tables hold the report's figures, Vietnamese-formatted, change computed.
    let r = read_json(&report);
    let tables = d["tables"].as_array().unwrap();
    for (block, k) in [("B.II.1.m", 0), ("B.II.1.m", 1), ("B.II.2.m", 0)] {
        let figs = &r["blocks"][block][k]["answers"][format!("{block}.x2.so")];
        let (b, a) = (
            figs["bien-che"]["before"].as_i64().unwrap(),
            figs["bien-che"]["after"].as_i64().unwrap(),
        );
        let change = if a - b > 0 {
            format!("+{}", vi_int(a - b))
        } else {
            vi_int(a - b)
        };
        let row = [String::from("5"), "Biên chế được giao".into(), vi_int(b)];
        let found = tables.iter().any(|t| {
            t.as_array().unwrap().iter().any(|r| {
                let cells: Vec<&str> = r
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect();
                cells.len() == 6
                    && cells[..3] == row.iter().map(String::as_str).collect::<Vec<_>>()[..]
                    && cells[4] == vi_int(a)
                    && cells[5] == change
            })
        });
        assert!(found, "{block}[{k}]: row {row:?} {a} {change} not found");
    }
    // District tables list real district names of the province.
    let dv = &r["blocks"]["B.I.2.m"][0]["answers"]["B.I.2.m.x2.dv"];
    let n = dv.as_array().unwrap().len();
    let all = d["tables"].to_string();
    assert!(all.contains("Đơn vị cấp huyện"));
    assert!(n >= 2);
    // Closing.
    let closing = tables.last().unwrap().to_string();
    for want in [
        "Nơi nhận:",
        "- Ban Tổ chức Trung ương (để báo cáo),",
        "T/M BAN THƯỜNG VỤ",
        "- Lưu Văn phòng Tỉnh ủy.",
    ] {
        assert!(closing.contains(want), "{want} not in {closing}");
    }
    assert_eq!(d["core"]["author"], "Ban Thường vụ Tỉnh ủy Hà Giang");

    // LibreOffice opens it and converts it to PDF without error; the text survives.
    let out = dir.path().join("pdf");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo").display()
    );
    let o = tool(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            out.to_str().unwrap(),
            docx.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.join("r.pdf");
    assert!(pdf.exists(), "LibreOffice wrote no PDF: {}", stdout(&o));
    let o = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for want in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "ĐÁNH GIÁ CHUNG",
        "T/M BAN THƯỜNG VỤ",
        "Biên chế được giao",
    ] {
        assert!(text.contains(want), "{want} not in the PDF text");
    }
    let o = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("595.3 x 841.89 pts (A4)")
            || String::from_utf8_lossy(&o.stdout).contains("595.304 x 841.89 pts (A4)")
    );
}

#[test]
fn html_and_markdown_and_scripts_in_text_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let report = sample(dir.path(), "01", "2");
    let mut v = read_json(&report);
    v["answers"]["A.I"] = json!("<script>alert('x')</script> & “ngoặc”");
    write_json(&report, &v);
    let html = dir.path().join("r.html");
    let md = dir.path().join("r.md");
    assert!(baocao(&[
        "render",
        report.to_str().unwrap(),
        "-o",
        html.to_str().unwrap()
    ])
    .status
    .success());
    assert!(baocao(&[
        "render",
        report.to_str().unwrap(),
        "-o",
        md.to_str().unwrap()
    ])
    .status
    .success());
    let h = std::fs::read_to_string(&html).unwrap();
    assert!(!h.contains("<script>alert"), "script not escaped");
    assert!(h.contains("&lt;script&gt;alert"));
    assert!(h.contains("THÀNH ỦY HÀ NỘI"));
    assert!(h.contains("lang=\"vi\""));
    let m = std::fs::read_to_string(&md).unwrap();
    assert!(m.contains("THÀNH ỦY HÀ NỘI"));
    assert!(m.contains("- Lưu Văn phòng Thành ủy."));
}

#[test]
fn an_empty_report_renders_as_the_working_outline() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    write_json(
        &empty,
        &json!({"template": {"id": "kl74-2021", "version": "1.0.0"}, "unit": {"province": "04"}}),
    );
    let o = baocao(&["validate", "--draft", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = baocao(&["validate", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let docx = dir.path().join("empty.docx");
    let o = baocao(&[
        "render",
        empty.to_str().unwrap(),
        "-o",
        docx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("báo cáo còn"), "{}", stderr(&o));
    let o = tool(
        "python3",
        &[
            root().join("scripts/docx_dump.py").to_str().unwrap(),
            docx.to_str().unwrap(),
        ],
    );
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    let texts: Vec<&str> = d["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(texts.iter().filter(|t| t.contains("[chưa nhập]")).count() > 50);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("1.2- Về thí điểm kiêm nhiệm chức danh …")),
        "{texts:?}"
    );
    assert!(d["tables"][0].to_string().contains("Số      -BC/TU"));
}

#[test]
fn demo_writes_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let o = baocao(&["demo", "-o", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 lỗi"), "{}", stdout(&o));
    for ext in ["json", "docx", "html", "md"] {
        let p = dir.path().join(format!("baocao-02.{ext}"));
        assert!(std::fs::metadata(&p).unwrap().len() > 1000, "{ext}");
    }
}

/// Regression: `baocao template schema | head` panicked on the closed pipe.
#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["template", "schema", "kl74-2021"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe is closed
    let out = child.wait_with_output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// The real names of a province's districts, from the data the binary embeds.
fn district_names(province: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(root().join("data/dvhc-2021/districts-2021.csv"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f.len() >= 3 && f[1] == province).then(|| (f[0].to_string(), f[2].to_string()))
        })
        .collect()
}

fn sheet(dir: &Path, province: &str, district: &str, seed: &str) -> PathBuf {
    let path = dir.join(format!("phieu-{district}.json"));
    let o = baocao(&[
        "sample",
        "--province",
        province,
        "--district",
        district,
        "--seed",
        seed,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Đã ghi phiếu cấp huyện mẫu vào"),
        "{}",
        stderr(&o)
    );
    path
}

#[test]
fn district_sheets_are_sampled_validated_and_rolled_up() {
    let dir = tempfile::tempdir().unwrap();
    let districts = district_names("02");
    assert_eq!(districts.len(), 11);
    // A sheet is a report with the district's code, validated by the same command.
    let one = sheet(dir.path(), "02", &districts[1].0, "5");
    assert_eq!(read_json(&one)["unit"]["district"], json!(districts[1].0));
    let o = baocao(&["validate", one.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("không có lỗi"), "{}", stdout(&o));
    // A code that is no district of the province: exit 2 with the reason.
    for wrong in ["001", "999"] {
        let o = baocao(&["sample", "--province", "02", "--district", wrong]);
        assert_eq!(o.status.code(), Some(2), "{wrong}");
        assert!(
            stderr(&o).contains(&format!(
                "không có đơn vị cấp huyện mã “{wrong}” thuộc tỉnh, thành phố mã “02”"
            )),
            "{}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
    }

    // The province's report and every district's sheet: every row has its sheet.
    let report = sample(dir.path(), "02", "5");
    let sheets: Vec<PathBuf> = districts
        .iter()
        .map(|(code, _)| sheet(dir.path(), "02", code, "5"))
        .collect();
    let merged = dir.path().join("merged.json");
    let run = |sheets: &[&PathBuf], json: bool| {
        let mut args = vec!["rollup", report.to_str().unwrap()];
        args.extend(sheets.iter().map(|p| p.to_str().unwrap()));
        args.extend(["-o", merged.to_str().unwrap()]);
        if json {
            args.push("--json");
        }
        baocao(&args)
    };
    let all: Vec<&PathBuf> = sheets.iter().collect();
    let o = run(&all, false);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    // The districts that run a district-level model, named by their real names.
    let r = read_json(&report);
    let mut listed: Vec<String> = Vec::new();
    for block in ["B.I.2.m", "B.II.2.m"] {
        for inst in r["blocks"][block].as_array().into_iter().flatten() {
            for row in inst["answers"][format!("{block}.x2.dv")]
                .as_array()
                .unwrap()
            {
                listed.push(row["unit"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(!listed.is_empty(), "the sample runs a district-level model");
    assert!(
        out.contains(&format!(
            "Đơn vị cấp huyện đã điền ({} phần):",
            listed.len()
        )),
        "{out}"
    );
    for code in &listed {
        let name = &districts.iter().find(|(c, _)| c == code).unwrap().1;
        assert!(name.starts_with("Huyện ") || name.starts_with("Thành phố "));
        assert!(out.contains(&format!("  {name} (")), "{name}: {out}");
    }
    assert!(!out.contains("không có phiếu"), "{out}");
    assert!(out.contains("Đã ghi báo cáo vào"), "{out}");
    let o = baocao(&["validate", merged.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let m = read_json(&merged);
    let rolled = m["blocks"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|l| l.as_array().unwrap())
        .filter(|i| i.get("rollup").is_some())
        .count();
    assert!(rolled > 0);
    let o = run(&all, true);
    assert_eq!(o.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        j["outcome"]["filled"].as_array().unwrap().len(),
        listed.len()
    );

    // One sheet missing: its row is kept, listed, and the exit status says so.
    let gone = &listed[0];
    let gone_name = &districts.iter().find(|(c, _)| c == gone).unwrap().1;
    let fewer: Vec<&PathBuf> = sheets
        .iter()
        .filter(|p| !p.ends_with(format!("phieu-{gone}.json")))
        .collect();
    assert_eq!(fewer.len(), 10);
    let o = run(&fewer, false);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let unsupported = listed.iter().filter(|c| *c == gone).count();
    assert!(
        out.contains(&format!(
            "Dòng của báo cáo không có phiếu cấp huyện ({unsupported}):\n  {gone_name}: "
        )),
        "{out}"
    );
    let o = run(&fewer, true);
    assert_eq!(o.status.code(), Some(1));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["outcome"]["unsupported"][0]["district"], json!(gone));

    // A province report given as a sheet: exit 2, nothing written.
    std::fs::remove_file(&merged).unwrap();
    let o = run(&[&report], false);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(!merged.exists());
    assert!(
        stderr(&o).contains("không phải phiếu cấp huyện (thiếu mã đơn vị cấp huyện)"),
        "{}",
        stderr(&o)
    );
}

/// A district's sheet prints as the district committee's paper, read back by python-docx: the
/// district committee under its provincial Party organisation in the header, "-BC/HU", only the
/// district blocks (no section A, no province-level block), the district's own rows, its
/// proposal printed (the province's follow-up questions are not in a sheet), its optional
/// narrative never marked missing, and the province's Organisation Board as recipient.
#[test]
fn a_district_sheet_prints_as_the_district_committees_paper() {
    let dir = tempfile::tempdir().unwrap();
    let s = sheet(dir.path(), "02", "029", "3");
    let v = read_json(&s);
    assert!(v["blocks"]["B.II.2.m"]
        .as_array()
        .is_some_and(|l| !l.is_empty()));
    let docx = dir.path().join("phieu.docx");
    let o = baocao(&["render", s.to_str().unwrap(), "-o", docx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tool(
        "python3",
        &[
            root().join("scripts/docx_dump.py").to_str().unwrap(),
            docx.to_str().unwrap(),
        ],
    );
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    let header = d["tables"][0].to_string();
    assert!(header.contains("ĐẢNG BỘ TỈNH HÀ GIANG"), "{header}");
    assert!(header.contains("HUYỆN ỦY QUẢN BẠ"), "{header}");
    assert!(header.contains("Số      -BC/HU"), "{header}");
    assert!(header.contains("Quản Bạ, ngày"), "{header}");
    let texts: Vec<&str> = d["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    let all = texts.join("\n");
    assert!(
        all.contains("Kết quả thực hiện thí điểm tại huyện Quản Bạ (phiếu cấp huyện để Tỉnh ủy Hà Giang tổng hợp)"),
        "{all}"
    );
    assert!(!all.contains("VỀ TỔ CHỨC TRIỂN KHAI THỰC HIỆN"), "{all}");
    assert!(!all.contains("1- Cấp tỉnh"), "{all}");
    assert!(all.contains("2- Cấp huyện"), "{all}");
    assert!(!all.contains("[chưa nhập]"), "{all}");
    assert!(
        !all.contains("Nhân ra diện rộng mô hình"),
        "the province's questions: {all}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Từ những phân tích") && t.contains("(")),
        "the district's proposal is printed: {all}"
    );
    // The district's own row, by name, in the rows' table; the recipients in the closing's.
    let tables = d["tables"].to_string();
    assert!(
        tables.contains("Ban Tổ chức Tỉnh ủy Hà Giang (để tổng hợp)"),
        "{tables}"
    );
    assert!(tables.contains("Huyện Quản Bạ"), "{tables}");
    assert!(!tables.contains("Huyện Đồng Văn"), "{tables}");
}

/// `baocao template import` on the seed outline: the proposed template is written, what is
/// left to decide (the impossible cut-off 31/6/2021, two footnotes without a place) is listed
/// with exit status 1, and the file passes `baocao template check`. A clean outline exits 0;
/// an unreadable one exits 2 with its reason and writes nothing.
#[test]
fn template_import_of_the_seed_outline_passes_template_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("de-cuong.toml");
    let seed = root().join("templates/source/1473-CV-BTCTW-de-cuong.txt");
    let o = baocao(&[
        "template",
        "import",
        seed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert!(text.contains("Còn phải quyết định (3):"), "{text}");
    assert!(
        text.contains("ngày 31/6/2021 không tồn tại: tháng 6 năm 2021 chỉ có 30 ngày"),
        "{text}"
    );
    assert!(text.contains("Chưa chắc chắn"), "{text}");
    assert!(
        text.contains("B.II.2.m “Về thí điểm hợp nhất …:”"),
        "{text}"
    );
    let o = baocao(&["template", "check", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("Đề cương 1473-cv-btctw-2021 (phiên bản 0.1.0) hợp lệ"),
        "{}",
        stdout(&o)
    );
    // The report schema of the imported outline is made like the built-in one's.
    let o = baocao(&["template", "schema", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let schema: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(schema.to_string().contains("B.II.2.m"));

    // An outline with every particular: nothing to decide, exit 0.
    let clean = dir.path().join("gon.txt");
    std::fs::write(
        &clean,
        "ĐỀ CƯƠNG BÁO CÁO\nKết quả sắp xếp bộ máy\n(Kèm theo Công văn số 12-CV/BTCTW, ngày 5/3/2024 \
         của Ban Tổ chức Trung ương)\nSố liệu tính đến ngày 31/12/2023.\nI- Kết quả\n- Số đơn vị đã sắp xếp\nII- Kiến nghị\n",
    )
    .unwrap();
    let out2 = dir.path().join("gon.toml");
    let o = baocao(&[
        "template",
        "import",
        clean.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("không còn gì phải quyết định"));

    // A Word 97 file: exit 2, the reason in Vietnamese, no output.
    let doc = dir.path().join("de-cuong.doc");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0u8, 512));
    std::fs::write(&doc, bytes).unwrap();
    let out3 = dir.path().join("khong.toml");
    let o = baocao(&[
        "template",
        "import",
        doc.to_str().unwrap(),
        "-o",
        out3.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Word 97-2003 (.doc)"), "{}", stderr(&o));
    assert!(!out3.exists());
    let o = baocao(&[
        "template",
        "import",
        "khong-co.txt",
        "-o",
        out3.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("không tìm thấy tệp khong-co.txt"),
        "{}",
        stderr(&o)
    );
}
