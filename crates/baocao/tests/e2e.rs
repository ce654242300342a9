//! Browser end-to-end: `baocao serve --demo` and the journey of `e2e/journey.py` in real headless
//! Chromium (scripts/test.sh installs chromium, chromedriver and Selenium). The screenshot of the
//! journey's end is kept in target/artifacts/e2e-hanh-trinh.png.

mod e2e_support;

use std::process::Command;

use e2e_support::DemoServer;

#[test]
fn browser_journey() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("ha-giang.json");
    let ok = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["sample", "--province", "02", "--seed", "3", "-o"])
        .arg(&sample)
        .status()
        .unwrap();
    assert!(ok.success());
    // The journey adds the first district-level merger model of the list itself: the uploaded
    // report has none yet (a sample may have one, and a model is reported once).
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sample).unwrap()).unwrap();
    v["blocks"]["B.II.2.m"] = serde_json::json!([]);
    std::fs::write(&sample, v.to_string()).unwrap();
    let server = DemoServer::start(dir.path());
    let (out, artifacts) = server.run("journey.py", &sample);
    drop(server);
    assert!(
        out.status.success(),
        "journey failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let shot = artifacts.join("e2e-hanh-trinh.png");
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot kept"
    );
}
