//! Browser end-to-end of the outline editor (issue 15): `baocao serve --demo` and
//! `e2e/outline.py` in real headless Chromium (scripts/test.sh installs chromium, chromedriver
//! and Selenium): upload an outline, change an item's type, see the check's problem, fix it,
//! publish, open a round with the version, fill one item as a province. The screenshot of the
//! end is kept in target/artifacts/e2e-de-cuong.png.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

#[test]
fn browser_outline_editor() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.strip_prefix("baocao đang chạy tại ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/outline.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&base)
        .arg(dir.path())
        .arg(&artifacts)
        .output()
        .expect("python3");
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "outline editor journey failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(artifacts.join("e2e-de-cuong.png")).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot kept"
    );
}
