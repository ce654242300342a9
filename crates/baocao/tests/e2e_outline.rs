//! Browser end-to-end of the outline editor (issue 15): `baocao serve --demo` and
//! `e2e/outline.py` in real headless Chromium (scripts/test.sh installs chromium, chromedriver
//! and Selenium): upload an outline, change an item's type, see the check's problem, fix it,
//! publish, open a round with the version, fill one item as a province. The screenshot of the
//! end is kept in target/artifacts/e2e-de-cuong.png.

mod e2e_support;

use e2e_support::DemoServer;

#[test]
fn browser_outline_editor() {
    let dir = tempfile::tempdir().unwrap();
    let server = DemoServer::start(dir.path());
    let (out, artifacts) = server.run("outline.py", dir.path());
    drop(server);
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
