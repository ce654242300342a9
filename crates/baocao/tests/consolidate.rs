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

#[test]
fn xlsx_and_docx_hold_the_same_exact_figures() {
    let dir = tempfile::tempdir().unwrap();
    let files = samples(
        dir.path(),
        &[
            ("02", "1"),
            ("04", "2"),
            ("01", "3"),
            ("79", "4"),
            ("48", "5"),
            ("31", "6"),
        ],
    );
    // A model outside the catalogue whose name is a formula, and a narrative starting with "-".
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    v["blocks"]["B.II.2.m"][0]["model"] = json!("khac");
    v["blocks"]["B.II.2.m"][0]["name"] = json!("=1+1");
    std::fs::write(&files[0], serde_json::to_string(&v).unwrap()).unwrap();

    let (docx, xlsx, js) = (
        dir.path().join("t.docx"),
        dir.path().join("t.xlsx"),
        dir.path().join("t.json"),
    );
    let mut args = vec!["consolidate"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend([
        "-o",
        docx.to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
        "-o",
        js.to_str().unwrap(),
        "--date",
        "20/9/2021",
    ]);
    let o = baocao(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Tổng hợp 6 báo cáo; còn thiếu 57"));

    let c: Value = serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    let x = python(XLSX_DUMP, &[xlsx.to_str().unwrap()]);
    let names: Vec<&String> = x.as_object().unwrap().keys().collect();
    for want in [
        "Tình hình báo cáo",
        "Kiêm nhiệm tỉnh",
        "Kiêm nhiệm huyện",
        "Hợp nhất tỉnh",
        "Hợp nhất huyện",
        "Theo tỉnh",
        "Đã kết thúc",
        "Mô hình khác",
        "Khối Hợp nhất huyện",
    ] {
        assert!(
            names.iter().any(|n| n.as_str() == want),
            "sheet {want} missing: {names:?}"
        );
    }
    for (name, sheet) in x.as_object().unwrap() {
        assert_eq!(sheet["freeze"], "A2", "{name}: header row not frozen");
        assert_eq!(sheet["bold_header"], true, "{name}");
    }
    // The injected formula is a text cell.
    let other = &x["Mô hình khác"]["rows"][1];
    assert_eq!(other[3], json!(["=1+1", "s"]), "{other}");

    // Group sheets: numbers typed as numbers, equal to the JSON; the DOCX tables say the same.
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
    for (gi, sheet) in [
        "Kiêm nhiệm tỉnh",
        "Kiêm nhiệm huyện",
        "Hợp nhất tỉnh",
        "Hợp nhất huyện",
    ]
    .iter()
    .enumerate()
    {
        let g = &c["groups"][gi];
        let rows = x[sheet]["rows"].as_array().unwrap();
        let total = rows.last().unwrap();
        assert_eq!(total[1][0], "Tổng cộng");
        assert_eq!(total[3][1], "n", "{sheet}: a number cell");
        assert_eq!(
            total[3][0].as_f64(),
            g["total"]["provinces"]["value"].as_f64(),
            "{sheet}"
        );
        // The DOCX group table with the same total.
        let doc_table = tables
            .iter()
            .filter(|t| {
                t[0].to_string().contains("Số tỉnh, thành phố")
                    && t[0].to_string().contains("Mô hình")
            })
            .nth(gi)
            .unwrap_or_else(|| panic!("group table {gi} not in DOCX"));
        let last: Vec<&str> = doc_table
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let provinces = g["total"]["provinces"]["value"]
            .as_i64()
            .unwrap()
            .to_string();
        assert_eq!(last[2], provinces, "{sheet}: DOCX {last:?}");
        let ended = if g["district_level"] == true {
            &g["total"]["ended_districts"]
        } else {
            &g["total"]["ended_provinces"]
        };
        assert_eq!(
            last.last().unwrap().to_string(),
            ended["value"].as_i64().unwrap().to_string(),
            "{sheet}"
        );
        // XLSX ended column (province or district) holds the same number.
        let col = if g["district_level"] == true { 8 } else { 6 };
        assert_eq!(
            total[col][0].as_f64().unwrap() as i64,
            ended["value"].as_i64().unwrap(),
            "{sheet}"
        );
    }
    // Merger figures: the DOCX before/after table equals the XLSX and the JSON.
    let hn = &c["groups"][2];
    let bien_che = hn["total"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "bien-che")
        .unwrap();
    let (b, a) = (
        bien_che["before"]["value"].as_i64().unwrap(),
        bien_che["after"]["value"].as_i64().unwrap(),
    );
    let fmt = |n: i64| {
        let s = n.abs().to_string();
        let mut o = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                o.push('.');
            }
            o.push(ch);
        }
        if n < 0 {
            format!("-{o}")
        } else {
            o
        }
    };
    let found = tables.iter().any(|t| {
        t.as_array().unwrap().iter().any(|r| {
            let r: Vec<&str> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            r.len() == 6 && r[1] == "Biên chế được giao" && r[2] == fmt(b) && r[4] == fmt(a)
        })
    });
    assert!(found, "merger figures {b} -> {a} not in the DOCX");

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
    let out = dir.path().join("pdf");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo").display()
    );
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
