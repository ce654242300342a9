//! What the browser tests share: a `baocao serve --demo` on a free port, and running one of the
//! Python scripts of `tests/e2e/` against it with the artifacts folder.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// A demo server on a free port with its data in `dir`; killed when dropped.
pub struct DemoServer {
    child: Child,
    pub base: String,
}

impl DemoServer {
    pub fn start(dir: &Path) -> DemoServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baocao"))
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("server exited").unwrap();
            if let Some(rest) = line.strip_prefix("baocao đang chạy tại ") {
                break rest.trim_end_matches('/').to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        DemoServer { child, base }
    }

    /// Runs `tests/e2e/<script>` with BASE_URL, `arg` and the artifacts folder; returns its
    /// output and the artifacts folder.
    pub fn run(&self, script: &str, arg: &Path) -> (Output, PathBuf) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let artifacts = root.join("../../target/artifacts");
        std::fs::create_dir_all(&artifacts).unwrap();
        let out = Command::new("python3")
            .arg(root.join("tests/e2e").join(script))
            .arg(&self.base)
            .arg(arg)
            .arg(&artifacts)
            .output()
            .expect("python3");
        (out, artifacts)
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
