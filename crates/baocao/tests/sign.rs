//! `baocao sign` and `baocao verify` on a real report PDF, against a test PKI made at run time
//! (scripts/test-pki.sh, openssl), checked by poppler's pdfsig and pdftoppm and by pyHanko
//! (scripts/pyhanko_check.py). The page with the visible signature is kept as
//! target/artifacts/chu-ky-so.png for a human to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn baocao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .env_remove("BAOCAO_TRUST")
        .env_remove("BAOCAO_P12_PASSWORD")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn tool(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed by this test ({e}); scripts/test.sh installs it")
        })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    /// A report PDF (sample of Hà Giang) and the test PKI.
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let pki = dir.path().join("pki");
        let o = tool("bash", &[s(&root().join("scripts/test-pki.sh")), s(&pki)]);
        assert!(o.status.success(), "{}", text(&o));
        let json = dir.path().join("r.json");
        let o = baocao(&["sample", "--province", "02", "--seed", "3", "-o", s(&json)]);
        assert!(o.status.success(), "{}", text(&o));
        let o = baocao(&["render", s(&json), "-o", s(&dir.path().join("r.pdf"))]);
        assert!(o.status.success(), "{}", text(&o));
        Setup { dir }
    }
    fn p(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }
    fn pki(&self, f: &str) -> String {
        s(&self.p("pki").join(f)).to_string()
    }
    fn sign(&self, input: &str, key: &str, output: &str) -> Output {
        baocao(&[
            "sign",
            s(&self.p(input)),
            "--p12",
            &self.pki(&format!("{key}.p12")),
            "--password-file",
            &self.pki("password.txt"),
            "--signer-title",
            "BÍ THƯ",
            "-o",
            s(&self.p(output)),
        ])
    }
    fn verify(&self, file: &str, trust: bool) -> Output {
        let f = self.p(file);
        let root_pem = self.pki("root.pem");
        let mut args = vec!["verify", s(&f)];
        if trust {
            args.extend(["--trust", &root_pem]);
        }
        baocao(&args)
    }
}

/// The page's size in points (pdfinfo).
fn page_height(pdf: &Path, page: usize) -> f32 {
    let o = tool(
        "pdfinfo",
        &["-f", &page.to_string(), "-l", &page.to_string(), s(pdf)],
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("Page {:>4} size:", page)) || l.starts_with("Page size:"))
        .unwrap_or_else(|| panic!("{out}"));
    let nums: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    nums[nums.len() - 1]
}

/// Dark pixels of the rectangle (PDF coordinates) of a page, rendered at 72 dpi (pdftoppm).
fn dark_pixels(pdf: &Path, page: usize, r: [f32; 4], dir: &Path) -> usize {
    let h = page_height(pdf, page);
    let base = dir.join("crop");
    let o = tool(
        "pdftoppm",
        &[
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-r",
            "72",
            "-gray",
            "-singlefile",
            "-x",
            &format!("{}", r[0].round() as i64 + 2),
            "-y",
            &format!("{}", (h - r[3]).round() as i64 + 2),
            "-W",
            &format!("{}", (r[2] - r[0]).round() as i64 - 4),
            "-H",
            &format!("{}", (r[3] - r[1]).round() as i64 - 4),
            s(pdf),
            s(&base),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let pgm = std::fs::read(base.with_extension("pgm")).unwrap();
    // P5 header: magic, width, height, maximum, each followed by white space.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    pgm[i + 1..].iter().filter(|&&v| v < 128).count()
}

/// The signature box the exporter recorded: (page, rectangle).
fn reserved_box(pdf: &Path) -> (usize, [f32; 4]) {
    let o = tool("pdfinfo", &["-custom", s(pdf)]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("BaocaoSignatureBox:"))
        .unwrap_or_else(|| panic!("no BaocaoSignatureBox in the PDF's information: {out}"));
    let v: Vec<f32> = line
        .split_whitespace()
        .map(|w| w.parse().unwrap())
        .collect();
    (v[0] as usize, [v[1], v[2], v[3], v[4]])
}

fn pyhanko(pdf: &Path, root_pem: &str) -> Vec<Value> {
    let o = tool(
        "python3",
        &[
            s(&root().join("scripts/pyhanko_check.py")),
            "verify",
            s(pdf),
            root_pem,
        ],
    );
    assert!(o.status.success(), "pyHanko: {}", text(&o));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_report_is_signed_at_its_signature_place_and_verified_by_us_pdfsig_and_pyhanko() {
    let t = Setup::new();
    let (page, rect) = reserved_box(&t.p("r.pdf"));
    let pages = {
        let o = tool("pdfinfo", &[s(&t.p("r.pdf"))]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        out.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse::<usize>()
            .unwrap()
    };
    assert!(page >= 1 && page <= pages);
    // The signer's title as printed, recorded for `sign` to show by default.
    let info = String::from_utf8_lossy(&tool("pdfinfo", &["-custom", s(&t.p("r.pdf"))]).stdout)
        .into_owned();
    let title = info
        .lines()
        .find_map(|l| l.strip_prefix("BaocaoSignerTitle:"))
        .unwrap_or_else(|| panic!("{info}"))
        .trim()
        .to_string();
    let printed = String::from_utf8_lossy(
        &tool(
            "pdftotext",
            &[
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                s(&t.p("r.pdf")),
                "-",
            ],
        )
        .stdout,
    )
    .into_owned();
    assert!(
        title.contains("BÍ THƯ") && printed.contains(&title),
        "{title}: {printed}"
    );
    // The reserved room is blank before signing.
    assert_eq!(dark_pixels(&t.p("r.pdf"), page, rect, t.dir.path()), 0);

    let o = t.sign("r.pdf", "signer", "s.pdf");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("người ký Nguyễn Văn An") && text(&o).contains("chỗ ký văn bản đã dành"),
        "{}",
        text(&o)
    );
    let original = std::fs::read(t.p("r.pdf")).unwrap();
    let signed = std::fs::read(t.p("s.pdf")).unwrap();
    assert!(signed.starts_with(&original), "an incremental update");
    // The visible signature is drawn in the reserved room.
    assert!(dark_pixels(&t.p("s.pdf"), page, rect, t.dir.path()) > 200);
    let artifacts = root().join("target/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let o = tool(
        "pdftoppm",
        &[
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-r",
            "100",
            "-png",
            "-singlefile",
            s(&t.p("s.pdf")),
            s(&artifacts.join("chu-ky-so")),
        ],
    );
    assert!(o.status.success());

    // Ours: trusted with the root, "valid but not trusted" without.
    let o = t.verify("s.pdf", true);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for want in [
        "hợp lệ và được tin cậy",
        "Người ký: Nguyễn Văn An",
        "Cơ quan: Tỉnh ủy Hà Giang",
        "cấp bởi CA trung gian thử nghiệm",
        "chuỗi chứng thư tới gốc tin cậy “Gốc thử nghiệm baocao”",
        "tài liệu không bị thay đổi sau khi ký",
        &format!("trang {page}"),
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    let o = t.verify("s.pdf", false);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("hợp lệ nhưng chưa được tin cậy"),
        "{}",
        text(&o)
    );
    let o = baocao(&[
        "verify",
        s(&t.p("s.pdf")),
        "--json",
        "--trust",
        &t.pki("root.pem"),
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["all_ok"], true);
    assert_eq!(v["signatures"][0]["signer"]["name"], "Nguyễn Văn An");
    assert_eq!(v["signatures"][0]["intact"], true);
    assert_eq!(v["signatures"][0]["page"], page);

    // poppler and pyHanko agree.
    let o = tool("pdfsig", &[s(&t.p("s.pdf"))]);
    let out = text(&o);
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(out.contains("Total document signed"), "{out}");
    assert!(out.contains("Nguyễn Văn An"), "{out}");
    let ph = pyhanko(&t.p("s.pdf"), &t.pki("root.pem"));
    assert_eq!(ph.len(), 1);
    assert_eq!(ph[0]["intact"], true, "{ph:?}");
    assert_eq!(ph[0]["valid"], true, "{ph:?}");
    assert_eq!(ph[0]["trusted"], true, "{ph:?}");
    assert_eq!(ph[0]["coverage"], "ENTIRE_FILE", "{ph:?}");

    // A second signer (ECDSA P-256): both stay valid.
    let o = t.sign("s.pdf", "signer-ec", "s2.pdf");
    assert!(o.status.success(), "{}", text(&o));
    let o = t.verify("s2.pdf", true);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        text(&o).matches("hợp lệ và được tin cậy").count(),
        2,
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("đều là chữ ký số sau"), "{}", text(&o));
    let out = text(&tool("pdfsig", &[s(&t.p("s2.pdf"))]));
    assert_eq!(out.matches("Signature is Valid.").count(), 2, "{out}");

    // Compared with the original: the signed file is that PDF signed; another version is not.
    let o = baocao(&[
        "verify",
        s(&t.p("s2.pdf")),
        "--trust",
        &t.pki("root.pem"),
        "--original",
        s(&t.p("r.pdf")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("Bản gốc: tệp đã ký đúng là"),
        "{}",
        text(&o)
    );
    let json = t.p("r2.json");
    let o = baocao(&["sample", "--province", "02", "--seed", "4", "-o", s(&json)]);
    assert!(o.status.success());
    let o = baocao(&["render", s(&json), "-o", s(&t.p("r2.pdf"))]);
    assert!(o.status.success());
    let o = baocao(&[
        "verify",
        s(&t.p("s.pdf")),
        "--trust",
        &t.pki("root.pem"),
        "--original",
        s(&t.p("r2.pdf")),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("Bản gốc: tệp đã ký không phải bản PDF này: nội dung khác nhau từ byte"),
        "{}",
        text(&o)
    );

    // A byte changed inside the signed range.
    let mut bad = signed.clone();
    let at = original.len() / 2;
    bad[at] ^= 0x01;
    std::fs::write(t.p("bad.pdf"), &bad).unwrap();
    let o = t.verify("bad.pdf", true);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("KHÔNG HỢP LỆ"), "{}", text(&o));
}

#[test]
fn untrusted_expired_pyhanko_signed_and_bad_input() {
    let t = Setup::new();
    // A signer under a root nobody trusts.
    let o = t.sign("r.pdf", "other", "other.pdf");
    assert!(o.status.success(), "{}", text(&o));
    let o = t.verify("other.pdf", true);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("chuỗi chứng thư dẫn tới gốc “Gốc lạ”, không có trong danh sách tin cậy"),
        "{}",
        text(&o)
    );
    // An expired certificate.
    let o = t.sign("r.pdf", "expired", "expired.pdf");
    assert!(o.status.success(), "{}", text(&o));
    let o = t.verify("expired.pdf", true);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("chứng thư số của người ký đã hết hạn (01/01/2021)"),
        "{}",
        text(&o)
    );

    // Signed by pyHanko, verified by us.
    let o = tool(
        "python3",
        &[
            s(&root().join("scripts/pyhanko_check.py")),
            "sign",
            s(&t.p("r.pdf")),
            s(&t.p("ph.pdf")),
            &t.pki("signer.key"),
            &t.pki("signer.pem"),
            &t.pki("inter.pem"),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = t.verify("ph.pdf", true);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("Người ký: Nguyễn Văn An"), "{}", text(&o));
    // ... and signed again by us: pyHanko's own signature stays intact, and pyHanko reads our
    // update as a form filling (a permitted change), not as a change of the page.
    let o = t.sign("ph.pdf", "signer-ec", "ph2.pdf");
    assert!(o.status.success(), "{}", text(&o));
    let o = t.verify("ph2.pdf", true);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let ph = pyhanko(&t.p("ph2.pdf"), &t.pki("root.pem"));
    assert_eq!(ph.len(), 2, "{ph:?}");
    for sig in &ph {
        assert_eq!(sig["intact"], true, "{ph:?}");
        assert_eq!(sig["valid"], true, "{ph:?}");
    }
    assert_eq!(ph[0]["modification"], "FORM_FILLING", "{ph:?}");
    assert_eq!(ph[1]["coverage"], "ENTIRE_FILE", "{ph:?}");

    // Unsigned: nothing to trust.
    let o = t.verify("r.pdf", true);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("Tệp không có chữ ký số nào."),
        "{}",
        text(&o)
    );

    // Bad input: exit 2 with a Vietnamese reason.
    std::fs::write(t.p("x.pdf"), b"not a pdf at all").unwrap();
    let o = t.verify("x.pdf", true);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("tệp không phải PDF"), "{}", text(&o));
    let o = t.verify("missing.pdf", true);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("không tìm thấy tệp"), "{}", text(&o));
    let o = tool(
        "python3",
        &[
            "-c",
            "import pikepdf,sys; p=pikepdf.open(sys.argv[1]); p.save(sys.argv[2], encryption=pikepdf.Encryption(owner='chu', user=''))",
            s(&t.p("r.pdf")),
            s(&t.p("enc.pdf")),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = t.verify("enc.pdf", true);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("tệp PDF được mã hóa"), "{}", text(&o));
    let o = t.sign("enc.pdf", "signer", "enc-signed.pdf");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("tệp PDF được mã hóa"), "{}", text(&o));
    assert!(!t.p("enc-signed.pdf").exists());
    // A wrong password.
    std::fs::write(t.p("wrong.txt"), "sai\n").unwrap();
    let o = baocao(&[
        "sign",
        s(&t.p("r.pdf")),
        "--p12",
        &t.pki("signer.p12"),
        "--password-file",
        s(&t.p("wrong.txt")),
        "-o",
        s(&t.p("w.pdf")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("không mở được tệp khóa PKCS#12: sai mật khẩu hoặc tệp hỏng"),
        "{}",
        text(&o)
    );
    // A huge file (sparse: nothing is read before its size is checked).
    let huge = std::fs::File::create(t.p("huge.pdf")).unwrap();
    huge.set_len(300 * 1024 * 1024).unwrap();
    let o = t.verify("huge.pdf", true);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("tệp PDF quá lớn"), "{}", text(&o));
    // A trust store that is not one.
    let o = baocao(&["verify", s(&t.p("r.pdf")), "--trust", s(&t.p("wrong.txt"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("tệp chứng thư gốc tin cậy không đọc được"),
        "{}",
        text(&o)
    );
}
