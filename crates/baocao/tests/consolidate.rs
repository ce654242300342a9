//! `baocao consolidate`: the XLSX read back with openpyxl, the DOCX with python-docx and
//! LibreOffice, the same figures in both, formula injection kept as text.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn baocao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .output()
        .unwrap()
}

/// Sample reports `r-<province>.json` in `dir`, made by `baocao sample`.
fn samples(dir: &Path, which: &[(&str, &str)]) -> Vec<PathBuf> {
    which
        .iter()
        .map(|(p, seed)| {
            let path = dir.join(format!("r-{p}.json"));
            let o = baocao(&[
                "sample",
                "--province",
                p,
                "--seed",
                seed,
                "-o",
                path.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            path
        })
        .collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn python(script: &str, args: &[&str]) -> Value {
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed ({e}); scripts/test.sh installs it"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

const XLSX_DUMP: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        rows.append([[c.value, c.data_type] for c in row])
    out[ws.title] = {"freeze": ws.freeze_panes, "bold_header": all(c.font.b for c in ws[1] if c.value is not None), "rows": rows}
print(json.dumps(out, ensure_ascii=False, default=str))
"#;

/// The DOCX, XLSX and JSON a consolidation writes in `dir`.
fn outputs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (dir.join("t.docx"), dir.join("t.xlsx"), dir.join("t.json"))
}

/// `baocao consolidate FILES -o docx -o xlsx -o json EXTRA…`.
fn consolidate(
    files: &[PathBuf],
    docx: &Path,
    xlsx: &Path,
    js: &Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec!["consolidate"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    for o in [docx, xlsx, js] {
        args.extend(["-o", o.to_str().unwrap()]);
    }
    args.extend(extra);
    baocao(&args)
}

/// Sets a province-level pilot's status (with end date and reason when ended).
fn set_status(inst: &mut Value, block: &str, ended: bool) {
    let a = inst["answers"].as_object_mut().unwrap();
    a.insert(
        format!("{block}.x2.tt"),
        json!(if ended { "ket-thuc" } else { "dang" }),
    );
    if ended {
        a.insert(format!("{block}.x2.kt"), json!("2021-03-01"));
        a.insert(
            format!("{block}.x2.ly"),
            json!("Kết thúc theo Kết luận 74-KL/TW."),
        );
    } else {
        a.remove(&format!("{block}.x2.kt"));
        a.remove(&format!("{block}.x2.ly"));
    }
}

/// Sets a district-level instance's district rows: (district code, ended).
fn set_districts(inst: &mut Value, block: &str, rows: &[(&str, bool)]) {
    let rows: Vec<Value> = rows
        .iter()
        .map(|(d, ended)| {
            let mut r = json!({"unit": d, "qd": "Quyết định số 12-QĐ/HU, ngày 2/1/2019",
                "bd": "2019-01-10", "tt": if *ended { "ket-thuc" } else { "dang" }});
            if *ended {
                r["kt"] = json!("2020-12-31");
                r["ly"] = json!("Kết thúc thí điểm.");
            }
            r
        })
        .collect();
    inst["answers"][format!("{block}.x2.dv")] = Value::Array(rows);
}

/// Reports built so that counting pilots instead of units gives wrong numbers (see the hand
/// counts in `HAND`): two ongoing pilots of one province in one group; an ongoing and an ended
/// pilot of one province in one row and in one group; a district in a catalogue model and in a
/// model outside it, and in two models outside it; a province with no pilot; a province whose
/// every district ended. Made from `baocao sample --full`, so every other answer is valid.
fn counting_reports(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in ["02", "04", "06", "08"] {
        let path = dir.join(format!("r-{p}.json"));
        let o = baocao(&[
            "sample",
            "--province",
            p,
            "--full",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let take = |v: &mut Value, block: &str, model: &str| -> Value {
            v["blocks"][block]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["model"] == model)
                .unwrap()
                .clone()
        };
        let (t4, t5) = (take(&mut v, "B.I.1.m", "T4"), take(&mut v, "B.I.1.m", "T5"));
        let (k1, k2) = (take(&mut v, "B.I.2.m", "K1"), take(&mut v, "B.I.2.m", "K2"));
        let (t2, t3) = (
            take(&mut v, "B.II.1.m", "T2"),
            take(&mut v, "B.II.1.m", "T3"),
        );
        let (h1, h2) = (
            take(&mut v, "B.II.2.m", "H1"),
            take(&mut v, "B.II.2.m", "H2"),
        );
        let blocks: Vec<(&str, Vec<Value>)> = match p {
            "02" => {
                let (mut t4, mut t5, mut t2) = (t4, t5, t2);
                set_status(&mut t4, "B.I.1.m", false);
                set_status(&mut t5, "B.I.1.m", false);
                set_status(&mut t2, "B.II.1.m", false);
                t2["answers"]["B.II.1.m.x2.ten"] = json!("Ban Tổ chức - Nội vụ tỉnh Hà Giang");
                let (mut h1, mut h2) = (h1, h2);
                set_districts(&mut h1, "B.II.2.m", &[("026", false), ("027", true)]);
                set_districts(&mut h2, "B.II.2.m", &[("026", false)]);
                vec![
                    ("B.I.1.m", vec![t4, t5]),
                    ("B.I.2.m", vec![]),
                    ("B.II.1.m", vec![t2]),
                    ("B.II.2.m", vec![h1, h2]),
                ]
            }
            "04" => {
                let (mut t4, mut t5, mut t2, mut t3) = (t4, t5, t2, t3);
                set_status(&mut t4, "B.I.1.m", true);
                set_status(&mut t5, "B.I.1.m", false);
                set_status(&mut t2, "B.II.1.m", true);
                set_status(&mut t3, "B.II.1.m", false);
                let mut k1 = k1;
                set_districts(&mut k1, "B.I.2.m", &[("042", false), ("043", true)]);
                let mut x1 = k2.clone();
                x1["model"] = json!("khac");
                x1["id"] = json!("khac-1");
                x1["name"] = json!("Phó Bí thư đồng thời là Chủ tịch Hội đồng nhân dân cấp huyện");
                set_districts(&mut x1, "B.I.2.m", &[("042", true), ("045", false)]);
                let mut x2 = x1.clone();
                x2["id"] = json!("khac-2");
                // A name that is a formula stays text in the workbook.
                x2["name"] = json!("=1+1");
                set_districts(&mut x2, "B.I.2.m", &[("045", true)]);
                vec![
                    ("B.I.1.m", vec![t4, t5]),
                    ("B.I.2.m", vec![k1, x1, x2]),
                    ("B.II.1.m", vec![t2, t3]),
                    ("B.II.2.m", vec![]),
                ]
            }
            "08" => {
                let mut h1 = h1;
                set_districts(&mut h1, "B.II.2.m", &[("071", true), ("072", true)]);
                vec![
                    ("B.I.1.m", vec![]),
                    ("B.I.2.m", vec![]),
                    ("B.II.1.m", vec![]),
                    ("B.II.2.m", vec![h1]),
                ]
            }
            _ => ["B.I.1.m", "B.I.2.m", "B.II.1.m", "B.II.2.m"]
                .map(|b| (b, vec![]))
                .to_vec(),
        };
        for (b, list) in blocks {
            v["blocks"][b] = Value::Array(list);
        }
        std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
        let o = baocao(&["validate", path.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "{p}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        out.push(path);
    }
    out
}

/// The measure names of the JSON, in the order of `HAND`'s numbers.
const FIELDS: [&str; 10] = [
    "models",
    "provinces",
    "ongoing_provinces",
    "ended_provinces",
    "districts",
    "ongoing_districts",
    "ended_districts",
    "pilots",
    "ongoing_pilots",
    "ended_pilots",
];

/// Counts worked out by hand from `counting_reports` (block, model or "" for the total).
const HAND: &[(&str, &str, [i64; 10])] = &[
    // T4: Hà Giang ongoing, Cao Bằng ended. T5: both ongoing.
    ("B.I.1.m", "T4", [2, 2, 1, 1, 0, 0, 0, 2, 1, 1]),
    ("B.I.1.m", "T5", [2, 2, 2, 0, 0, 0, 0, 2, 2, 0]),
    // Two provinces, both ongoing (Cao Bằng has an ongoing pilot); four pilots.
    ("B.I.1.m", "", [4, 2, 2, 0, 0, 0, 0, 4, 3, 1]),
    // Cao Bằng: K1 in 042 (ongoing) and 043 (ended).
    ("B.I.2.m", "K1", [1, 1, 1, 0, 2, 1, 1, 2, 1, 1]),
    // Outside the catalogue: 042 ended; 045 ongoing in one, ended in the other.
    ("B.I.2.m", "khac", [2, 1, 1, 0, 2, 1, 1, 3, 1, 2]),
    // 042 ongoing (K1) and ended (khác): once, ongoing; 043 ended; 045 ongoing.
    ("B.I.2.m", "", [3, 1, 1, 0, 3, 2, 1, 5, 2, 3]),
    // T2: Hà Giang ongoing, Cao Bằng ended; T3: Cao Bằng ongoing.
    ("B.II.1.m", "T2", [2, 2, 1, 1, 0, 0, 0, 2, 1, 1]),
    ("B.II.1.m", "T3", [1, 1, 1, 0, 0, 0, 0, 1, 1, 0]),
    ("B.II.1.m", "", [3, 2, 2, 0, 0, 0, 0, 3, 2, 1]),
    // H1: Hà Giang 026 ongoing, 027 ended; Tuyên Quang 071, 072 ended (the province ended).
    ("B.II.2.m", "H1", [2, 2, 1, 1, 4, 1, 3, 4, 1, 3]),
    // H2: Hà Giang 026 ongoing (026 is in both H1 and H2).
    ("B.II.2.m", "H2", [1, 1, 1, 0, 1, 1, 0, 1, 1, 0]),
    ("B.II.2.m", "", [3, 2, 1, 1, 4, 1, 3, 5, 2, 3]),
];

/// What a column header of the documents means, as a JSON measure name.
fn field_of(label: &str) -> Option<&'static str> {
    Some(match label {
        "Số mô hình" => "models",
        "Số tỉnh, thành phố thực hiện" => "provinces",
        "Tỉnh đang thực hiện" => "ongoing_provinces",
        "Tỉnh đã kết thúc" => "ended_provinces",
        "Số đơn vị cấp huyện thực hiện" => "districts",
        "Huyện đang thực hiện" => "ongoing_districts",
        "Huyện đã kết thúc" => "ended_districts",
        "Số thí điểm (lượt huyện)" | "Số thí điểm (mô hình)" | "Số thí điểm" => {
            "pilots"
        }
        "Thí điểm đang thực hiện" | "Đang thực hiện" => "ongoing_pilots",
        "Thí điểm đã kết thúc" | "Đã kết thúc" => "ended_pilots",
        _ => return None,
    })
}

/// The national figure a workbook column adds up to: a count, a figure's part, a proposal.
fn national(g: &Value, label: &str) -> Option<i64> {
    if let Some(f) = field_of(label) {
        return g["total"][f]["value"].as_i64();
    }
    for (part, key) in [
        (" (trước)", "before"),
        (" (theo quyết định)", "authorised"),
        (" (sau)", "after"),
        (" (tăng, giảm)", "change"),
    ] {
        if let Some(name) = label.strip_suffix(part) {
            let f = g["total"]["figures"]
                .as_array()?
                .iter()
                .find(|f| f["label"] == name)?;
            return f[key]["value"].as_i64();
        }
    }
    let p = label.strip_prefix("Đề xuất ")?;
    let i = g["proposals"]
        .as_array()?
        .iter()
        .position(|x| x["label"] == p)?;
    g["total"]["proposals"][i]["value"].as_i64()
}

/// The rows of a sheet below its note and header rows, with the header's labels.
fn sheet<'a>(x: &'a Value, name: &str) -> (Vec<String>, &'a [Value]) {
    let rows = x[name]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("sheet {name}"));
    let head = rows[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap_or_default().to_string())
        .collect();
    (head, &rows[2..])
}

fn cell_i64(row: &Value, col: usize) -> i64 {
    match &row[col] {
        Value::Array(c) if c[0].is_null() => 0,
        Value::Array(c) if c[1] == "n" => c[0].as_f64().unwrap() as i64,
        other => panic!("not a number: {other}"),
    }
}

#[test]
fn every_count_means_what_its_label_says_in_json_xlsx_and_docx() {
    let dir = tempfile::tempdir().unwrap();
    let files = counting_reports(dir.path());
    let (docx, xlsx, js) = outputs(dir.path());
    let o = consolidate(&files, &docx, &xlsx, &js, &["--date", "20/9/2021"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Tổng hợp 4 báo cáo; còn thiếu 59"));
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    let x = python(XLSX_DUMP, &[xlsx.to_str().unwrap()]);
    let d = Command::new("python3")
        .args([
            root().join("scripts/docx_dump.py").to_str().unwrap(),
            docx.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(d.status.success(), "{}", String::from_utf8_lossy(&d.stderr));
    let d: Value = serde_json::from_slice(&d.stdout).unwrap();
    let tables = d["tables"].as_array().unwrap();
    let table_rows = |t: &Value| -> Vec<Vec<String>> {
        t.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect()
            })
            .collect()
    };
    let groups = c["groups"].as_array().unwrap();
    let sheet_of = |g: &Value| {
        let fam = if g["family"].as_str().unwrap().contains("kiem") {
            "Kiêm nhiệm"
        } else {
            "Hợp nhất"
        };
        let lvl = if g["district_level"] == true {
            "huyện"
        } else {
            "tỉnh"
        };
        format!("{fam} {lvl}")
    };

    // 1. The JSON: every hand count.
    for (block, model, want) in HAND {
        let g = groups.iter().find(|g| g["block"] == *block).unwrap();
        let m = if model.is_empty() {
            &g["total"]
        } else {
            &g["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == *model)
                .unwrap_or_else(|| panic!("{block} {model}"))["measures"]
        };
        let got: Vec<i64> = FIELDS
            .iter()
            .map(|f| m[f]["value"].as_i64().unwrap())
            .collect();
        assert_eq!(got, want.to_vec(), "JSON {block} {model}");
    }

    // 2. The workbook's sheets by model type hold the same numbers under the same labels.
    for (block, model, want) in HAND.iter().filter(|h| !h.1.is_empty()) {
        let g = groups.iter().find(|g| g["block"] == *block).unwrap();
        let (head, rows) = sheet(&x, &sheet_of(g));
        let row = rows
            .iter()
            .find(|r| r[0][0] == *model)
            .unwrap_or_else(|| panic!("XLSX {block} {model}"));
        for (col, label) in head.iter().enumerate() {
            let Some(f) = field_of(label) else { continue };
            let k = FIELDS.iter().position(|x| *x == f).unwrap();
            assert_eq!(cell_i64(row, col), want[k], "XLSX {block} {model} {label}");
        }
    }
    // The national sheet: the totals.
    let (head, rows) = sheet(&x, "Toàn quốc");
    for (gi, (block, _, want)) in HAND.iter().filter(|h| h.1.is_empty()).enumerate() {
        assert_eq!(groups[gi]["block"], *block);
        for (col, label) in head.iter().enumerate() {
            let Some(f) = field_of(label) else { continue };
            let k = FIELDS.iter().position(|x| *x == f).unwrap();
            if rows[gi][col][0].is_null() {
                assert_eq!(want[k], 0, "{block} {label}");
                continue;
            }
            assert_eq!(
                cell_i64(&rows[gi], col),
                want[k],
                "XLSX total {block} {label}"
            );
        }
    }

    // 3. Column sums: every numeric column of the per-province sheet, the block sheets and the
    //    figures sheets adds up to the national figure of its label.
    let mut checked = 0;
    for (name, _) in x.as_object().unwrap() {
        let by_province = name == "Theo tỉnh";
        if !(by_province || name.starts_with("Khối ") || name.starts_with("Số liệu ")) {
            continue;
        }
        let (head, rows) = sheet(&x, name);
        for (col, label) in head.iter().enumerate() {
            let (g, label) = if by_province {
                let Some((prefix, label)) = label.split_once(": ") else {
                    continue;
                };
                (
                    groups.iter().find(|g| sheet_of(g) == prefix).unwrap(),
                    label,
                )
            } else {
                let suffix = name
                    .trim_start_matches("Khối ")
                    .trim_start_matches("Số liệu ");
                (
                    groups.iter().find(|g| sheet_of(g) == suffix).unwrap(),
                    label.as_str(),
                )
            };
            // openpyxl types an empty cell "n" too: a numeric column holds a number somewhere.
            let numeric = rows
                .iter()
                .any(|r| r[col].as_array().is_some_and(|c| c[0].is_number()));
            if !numeric {
                continue;
            }
            let Some(want) = national(g, label) else {
                panic!("{name}: column “{label}” adds up to nothing national");
            };
            let sum: i64 = rows.iter().map(|r| cell_i64(r, col)).sum();
            assert_eq!(sum, want, "{name}: column “{label}”");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} columns checked");
    // District rows carry only their own values: no figure columns on the district sheets.
    let (head, rows) = sheet(&x, "Khối Hợp nhất huyện");
    assert!(!head.iter().any(|h| h.contains("(trước)")), "{head:?}");
    assert_eq!(rows.len(), 5, "one row per district of a model");

    // 4. The DOCX: the national tables and the per-province annex, read by python-docx.
    for (block, model, want) in HAND {
        let g = groups.iter().find(|g| g["block"] == *block).unwrap();
        let name = if model.is_empty() {
            "Tổng cộng (số tỉnh, số huyện tính không trùng)".to_string()
        } else {
            g["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == *model)
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        };
        // The group's national tables: one at province level, two (districts and pilots;
        // provinces) at district level, in the groups' order.
        let gi = groups.iter().position(|x| x["block"] == *block).unwrap();
        let first: usize = groups[..gi]
            .iter()
            .map(|g| if g["district_level"] == true { 2 } else { 1 })
            .sum();
        let count = if g["district_level"] == true { 2 } else { 1 };
        let mut seen = 0;
        for t in tables
            .iter()
            .map(table_rows)
            .filter(|t| t[0].len() > 2 && t[0][1] == "Mô hình")
            .skip(first)
            .take(count)
        {
            let row = t
                .iter()
                .find(|r| r[1] == name)
                .unwrap_or_else(|| panic!("DOCX {block}: row {name}"));
            for (col, label) in t[0].iter().enumerate() {
                let Some(f) = field_of(label) else { continue };
                let k = FIELDS.iter().position(|x| *x == f).unwrap();
                assert_eq!(
                    row[col],
                    want[k].to_string(),
                    "DOCX {block} {model} {label}"
                );
                seen += 1;
            }
        }
        let want_cols = if g["district_level"] == true { 8 } else { 5 };
        assert_eq!(seen, want_cols, "DOCX {block}: every count column");
    }
    // Annex 1: per group, a table of counts and one of proposals, a row per province with a
    // model of the group, then "Cộng": equal to the national total and to the sum of the rows.
    let annex: Vec<Vec<Vec<String>>> = tables
        .iter()
        .map(table_rows)
        .filter(|t| {
            t[0].len() > 2 && t[0][1] == "Tỉnh, thành phố" && t.last().unwrap()[1] == "Cộng"
        })
        .collect();
    let mut next = annex.iter();
    for g in groups {
        // Counts (split in two at district level, as in the body), then proposals.
        let k = if g["district_level"] == true { 3 } else { 2 };
        let mut columns = 0;
        for t in next.by_ref().take(k) {
            let total = t.last().unwrap();
            for (col, label) in t[0].iter().enumerate() {
                let Some(want) = national(g, label) else {
                    continue;
                };
                columns += 1;
                assert_eq!(total[col], want.to_string(), "annex {} {label}", g["block"]);
                let sum: i64 = t[1..t.len() - 1]
                    .iter()
                    .map(|r| r[col].replace('.', "").parse::<i64>().unwrap())
                    .sum();
                assert_eq!(sum, want, "annex {} {label}: rows add up", g["block"]);
            }
        }
        // Models, every count column of the national table, every proposal.
        let want = 1
            + if g["district_level"] == true { 8 } else { 5 }
            + g["proposals"].as_array().unwrap().len();
        assert_eq!(columns, want, "annex {}: every column", g["block"]);
    }
    assert!(next.next().is_none());
    // Bắc Kạn reports no pilot: in no annex table. Hà Giang's merged body by its local name.
    assert!(annex.iter().all(|t| t.iter().all(|r| r[1] != "Bắc Kạn")));
    assert!(
        annex.iter().any(|t| {
            t[0][2] == "Tên cơ quan sau hợp nhất"
                && t.iter().any(|r| {
                    r[1] == "Hà Giang" && r[2].contains("Ban Tổ chức - Nội vụ tỉnh Hà Giang")
                })
        }),
        "the merged body's local name in the annex"
    );
    let all_text = d.to_string();
    assert!(
        all_text.contains("TÊN CÁC CƠ QUAN SAU HỢP NHẤT"),
        "the list of merged bodies"
    );
    assert!(all_text.contains("Cách tính: số tỉnh, thành phố và số đơn vị cấp huyện tính mỗi"));
    let (_, merged) = sheet(&x, "Cơ quan sau hợp nhất");
    assert!(merged
        .iter()
        .any(|r| r[5][0] == "Ban Tổ chức - Nội vụ tỉnh Hà Giang"));

    // 5. Merger figures by model type in the DOCX: each model type's section of the figures
    //    table equals the workbook's model-type sheet.
    let g = groups.iter().find(|g| g["block"] == "B.II.1.m").unwrap();
    let ft = tables
        .iter()
        .map(table_rows)
        .find(|t| t[0][1] == "Nội dung" && t.iter().any(|r| r[0] == "I"))
        .expect("figures table by model type");
    let (head, rows) = sheet(&x, "Hợp nhất tỉnh");
    for (ri, r) in g["rows"].as_array().unwrap().iter().enumerate() {
        let start = ft
            .iter()
            .position(|x| x[1].starts_with(r["name"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("section {} in {ft:?}", r["name"]));
        for (fi, f) in r["measures"]["figures"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let line = &ft[start + 1 + fi];
            assert_eq!(line[1], f["label"].as_str().unwrap());
            let col = head
                .iter()
                .position(|h| *h == format!("{} (trước)", f["label"].as_str().unwrap()))
                .unwrap();
            let xl = cell_i64(&rows[ri], col);
            assert_eq!(line[2].replace('.', ""), xl.to_string(), "{}", f["label"]);
            assert_eq!(xl, f["before"]["value"].as_i64().unwrap());
        }
    }

    // The injected formula is a text cell.
    let (_, others) = sheet(&x, "Mô hình khác");
    assert!(
        others.iter().any(|r| r[3] == json!(["=1+1", "s"])),
        "{others:?}"
    );
    for (name, s) in x.as_object().unwrap() {
        assert_eq!(s["freeze"], "A3", "{name}: note and header rows not frozen");
    }
    check_docx_opens_and_draws(&d, &docx, &c, dir.path());
}

/// `baocao consolidate` refuses an invalid report (exit 2, naming it and its first errors);
/// with --include-invalid it consolidates it and marks the province in every output.
#[test]
fn an_invalid_report_is_refused_unless_asked_and_then_marked() {
    let dir = tempfile::tempdir().unwrap();
    let files = samples(dir.path(), &[("02", "1"), ("04", "2")]);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&files[1]).unwrap()).unwrap();
    v["answers"].as_object_mut().unwrap().remove("A.I");
    std::fs::write(&files[1], serde_json::to_string(&v).unwrap()).unwrap();
    let (docx, xlsx, js) = outputs(dir.path());
    let o = consolidate(&files, &docx, &xlsx, &js, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("r-04.json") && err.contains("A.I"), "{err}");
    assert!(err.contains("--include-invalid"), "{err}");
    assert!(!js.exists() && !docx.exists(), "nothing written");

    let o = consolidate(&files, &docx, &xlsx, &js, &["--include-invalid"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    let marked: Vec<&Value> = c["included"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["invalid"] == true)
        .collect();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0]["province"], "04");
    let x = python(XLSX_DUMP, &[xlsx.to_str().unwrap()]);
    let (_, state) = sheet(&x, "Tình hình báo cáo");
    let cb = state.iter().find(|r| r[0][0] == "04").unwrap();
    assert!(cb[2][0].as_str().unwrap().contains("chưa hợp lệ"), "{cb}");
    let hg = state.iter().find(|r| r[0][0] == "02").unwrap();
    assert_eq!(hg[2][0], "Đã báo cáo");
    let (_, by_p) = sheet(&x, "Theo tỉnh");
    let cb = by_p.iter().find(|r| r[0][0] == "04").unwrap();
    assert!(cb[2][0].as_str().unwrap().contains("chưa hợp lệ"));
    let d = Command::new("python3")
        .args([
            root().join("scripts/docx_dump.py").to_str().unwrap(),
            docx.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let d = String::from_utf8_lossy(&d.stdout);
    assert!(
        d.contains("Báo cáo chưa hợp lệ (còn lỗi)"),
        "DOCX says which"
    );
    assert!(d.contains("Cao Bằng (*)"), "DOCX annex marks it");
}

/// The consolidated DOCX: the BTCTW's header, landscape annexes, LibreOffice opens it and draws
/// its charts with the JSON's figures.
fn check_docx_opens_and_draws(d: &Value, docx: &Path, c: &Value, dir: &Path) {
    let tables = d["tables"].as_array().unwrap();
    // Header of the BTCTW, landscape annexes, and LibreOffice opens it.
    let header = tables[0].to_string();
    assert!(
        header.contains("BAN CHẤP HÀNH TRUNG ƯƠNG")
            && header.contains("BAN TỔ CHỨC")
            && header.contains("-BC/BTCTW"),
        "{header}"
    );
    assert!(
        header.contains("Hà Nội, ngày 20 tháng 9 năm 2021"),
        "{header}"
    );
    let sections = d["sections"].as_array().unwrap();
    assert!(
        sections
            .iter()
            .any(|s| s["page_width_mm"].as_f64() == Some(297.0)),
        "no landscape annex"
    );
    assert_eq!(sections[0]["page_width_mm"].as_f64(), Some(210.0));
    let out = dir.join("pdf");
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo").display());
    let o = Command::new("soffice")
        .args([
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            out.to_str().unwrap(),
            docx.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success() && out.join("t.pdf").exists(),
        "LibreOffice failed"
    );
    // Charts: native chart parts that python-docx sees as charts, with the figures of the JSON,
    // and that LibreOffice draws (their titles and bar labels are in its PDF).
    let charts = python(CHART_DUMP, &[docx.to_str().unwrap()]);
    let charts = charts.as_array().unwrap();
    let groups = c["groups"].as_array().unwrap();
    assert!(charts.len() >= groups.len(), "{} charts", charts.len());
    let first = &charts[0];
    assert!(first["title"]
        .as_str()
        .unwrap()
        .starts_with("Số tỉnh, thành phố thực hiện theo mô hình"));
    let want: Vec<i64> = groups[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["measures"]["provinces"]["value"].as_i64().unwrap())
        .collect();
    let got: Vec<i64> = first["values"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(got, want);
    let text = Command::new("pdftotext")
        .args([out.join("t.pdf").to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Số tỉnh, thành phố thực hiện theo mô hình"),
        "LibreOffice did not draw the chart"
    );
}

/// The charts of a DOCX, read with python-docx: inline shapes of type CHART, and each chart
/// part's title and values (read from the part's XML).
const CHART_DUMP: &str = r#"
import json, sys, docx
from docx.enum.shape import WD_INLINE_SHAPE
d = docx.Document(sys.argv[1])
shapes = [s for s in d.inline_shapes if s.type == WD_INLINE_SHAPE.CHART]
ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
out = []
for s in shapes:
    rid = s._inline.graphic.graphicData.xpath(".//c:chart/@r:id")[0]
    part = d.part.related_parts[rid]
    from lxml import etree
    root = etree.fromstring(part.blob)
    title = "".join(root.xpath("//c:title//a:t/text()", namespaces=ns))
    values = [ser.xpath(".//c:val//c:v/text()", namespaces=ns) for ser in root.xpath("//c:ser", namespaces=ns)]
    out.append({"title": title, "values": values})
print(json.dumps(out, ensure_ascii=False))
"#;

#[test]
fn search_ignores_diacritics_and_case_ranks_and_says_when_nothing_matches() {
    let dir = tempfile::tempdir().unwrap();
    let files = samples(dir.path(), &[("02", "1"), ("04", "2"), ("01", "3")]);
    // One province writes the phrase twice in one item: it must rank first.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&files[1]).unwrap()).unwrap();
    v["answers"]["B.IV"] = json!("Tiếp tục Kiêm Nhiệm chức danh ở cấp huyện; mở rộng kiêm nhiệm chức danh Trưởng Ban Dân vận.");
    std::fs::write(&files[1], serde_json::to_string(&v).unwrap()).unwrap();
    let mut args = vec!["search"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let run = |q: &str| {
        let mut a = args.clone();
        a.extend(["-q", q, "--limit", "5"]);
        let o = baocao(&a);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    for q in ["kiem nhiem chuc danh", "KIÊM NHIỆM CHỨC DANH", "Kiem Nhiem"] {
        let (code, out) = run(q);
        assert_eq!(code, Some(0), "{q}: {out}");
        let first = out.lines().nth(1).unwrap_or_default();
        assert!(
            first.starts_with("1. Cao Bằng") && first.contains("[B.IV]"),
            "{q}: {out}"
        );
        assert!(
            out.contains("Kiêm Nhiệm chức danh"),
            "snippet keeps the original text: {out}"
        );
    }
    // A query nothing matches says so.
    let (code, out) = run("xyzzy khong co");
    assert_eq!(code, Some(1));
    assert!(
        out.contains("Không tìm thấy nội dung nào khớp với “xyzzy khong co”"),
        "{out}"
    );
}

/// The consolidated report as PDF, read back by poppler: the BTCTW header, the national figures
/// (every province's name from the JSON), the annexes on landscape pages, every font embedded.
#[test]
fn the_consolidated_report_prints_as_pdf_with_landscape_annexes() {
    let dir = tempfile::tempdir().unwrap();
    let files = samples(dir.path(), &[("02", "1"), ("01", "3"), ("79", "4")]);
    let (pdf, js) = (dir.path().join("t.pdf"), dir.path().join("t.json"));
    let mut args = vec!["consolidate"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["-o", pdf.to_str().unwrap(), "-o", js.to_str().unwrap()]);
    let o = baocao(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let run = |program: &str, args: &[&str]| {
        let o = Command::new(program).args(args).output().unwrap();
        assert!(
            o.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let p = pdf.to_str().unwrap();
    let text = run("pdftotext", &["-enc", "UTF-8", p, "-"]);
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squashed.contains("BAN TỔ CHỨC"), "{squashed}");
    assert!(squashed.contains("-BC/BTCTW"), "{squashed}");
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    let included = c["included"].as_array().unwrap();
    assert_eq!(included.len(), 3);
    for prov in included {
        let name = prov["name"].as_str().unwrap();
        assert!(squashed.contains(name), "{name} missing");
    }
    let info = run("pdfinfo", &["-f", "1", "-l", "999", p]);
    let sizes: Vec<&str> = info.lines().filter(|l| l.contains(" size:")).collect();
    assert!(sizes[0].ends_with("595.276 x 841.89 pts (A4)"), "{info}");
    assert!(
        sizes
            .iter()
            .any(|l| l.ends_with("841.89 x 595.276 pts (A4)")),
        "no landscape annex: {info}"
    );
    let fonts = run("pdffonts", &[p]);
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "not embedded: {line}");
    }

    // The charts are drawn: the page of the first one has bars in the Party red (A50E0E).
    let pages = sizes.len();
    let chart_page = (1..=pages)
        .find(|&i| {
            let i = i.to_string();
            run("pdftotext", &["-f", &i, "-l", &i, p, "-"])
                .contains("Số tỉnh, thành phố thực hiện theo mô hình")
        })
        .expect("a chart title");
    let prefix = dir.path().join("chart");
    let n = chart_page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            p,
            prefix.to_str().unwrap(),
        ],
    );
    let ppm = std::fs::read(prefix.with_extension("ppm")).unwrap();
    // P6 header: magic, width, height, maxval, each followed by whitespace.
    let (mut fields, mut i) = (0, 0);
    while fields < 4 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let red = ppm[i + 1..]
        .chunks_exact(3)
        .filter(|px| px[0] > 130 && px[0] < 200 && px[1] < 50 && px[2] < 50)
        .count();
    assert!(red > 100, "no red bars on page {chart_page} ({red} pixels)");
}

/// Dates in the workbook are date cells shown dd/mm/yyyy (the block sheets' start and end of
/// each pilot, the ended pilots' end); counts are numbers.
#[test]
fn workbook_dates_are_date_cells_and_numbers_are_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let files = counting_reports(dir.path());
    let xlsx = dir.path().join("t.xlsx");
    let mut args = vec!["consolidate"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["-o", xlsx.to_str().unwrap()]);
    let o = baocao(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
dates, numbers = [], []
for ws in wb.worksheets:
    head = [c.value for c in ws[2]]
    for col, name in enumerate(head):
        if name in ("Bắt đầu", "Kết thúc", "Thời điểm kết thúc"):
            for row in ws.iter_rows(min_row=3):
                c = row[col]
                if c.value is not None:
                    dates.append([ws.title, name, c.is_date, c.number_format,
                                  type(c.value).__name__, c.value.strftime("%Y-%m-%d")
                                  if hasattr(c.value, "strftime") else str(c.value)])
        if name in ("Số thí điểm", "Đang thực hiện", "Đã kết thúc"):
            for row in ws.iter_rows(min_row=3):
                c = row[col]
                if c.value is not None:
                    numbers.append([ws.title, name, c.data_type, type(c.value).__name__])
print(json.dumps({"dates": dates, "numbers": numbers}, ensure_ascii=False))
"#;
    let x = python(script, &[xlsx.to_str().unwrap()]);
    let dates = x["dates"].as_array().unwrap();
    let sheets: std::collections::BTreeSet<(&str, &str)> = dates
        .iter()
        .map(|d| (d[0].as_str().unwrap(), d[1].as_str().unwrap()))
        .collect();
    // Start and end dates on the block sheets, the end date on the ended-pilots sheet.
    assert!(
        sheets
            .iter()
            .any(|(s, n)| s.starts_with("Khối") && *n == "Bắt đầu"),
        "{sheets:?}"
    );
    assert!(
        sheets
            .iter()
            .any(|(s, n)| s.starts_with("Khối") && *n == "Kết thúc"),
        "{sheets:?}"
    );
    for d in dates {
        assert_eq!(d[2], true, "not a date cell: {d}");
        assert_eq!(d[3], "dd/mm/yyyy", "{d}");
        assert_eq!(d[4], "datetime", "{d}");
    }
    // The district rows of counting_reports start on 10/1/2019, and some ended on 31/12/2020.
    let values: Vec<&str> = dates.iter().map(|d| d[5].as_str().unwrap()).collect();
    assert!(values.contains(&"2019-01-10"), "{values:?}");
    assert!(values.contains(&"2020-12-31"), "{values:?}");
    let numbers = x["numbers"].as_array().unwrap();
    assert!(!numbers.is_empty());
    for n in numbers {
        assert_eq!(n[2], "n", "not a number: {n}");
        assert!(n[3] == "int" || n[3] == "float", "{n}");
    }
}
