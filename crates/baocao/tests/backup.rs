//! `baocao backup` and `baocao restore`: a copy taken while the demo server runs restores into an
//! empty SQLite and an empty PostgreSQL database, identical row for row, table for table (read
//! back by backing up the restored databases); a non-empty target and a file that is not a backup
//! are refused and change nothing; `serve --backup-every` keeps the newest `--backup-keep`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use sqlx::Connection;

fn baocao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `baocao serve --demo` on a random port, started and ready.
fn demo_server(dir: &Path, extra: &[&str]) -> Child {
    let mut server = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("server exited").unwrap();
        if line.starts_with("baocao đang chạy tại ") {
            break;
        }
    }
    // Keep reading what the server prints (the demo accounts follow): a closed pipe would fail
    // its next line.
    std::thread::spawn(move || for _ in lines {});
    server
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// A fresh, empty PostgreSQL database of the test server (127.0.0.1:5432, trust).
fn postgres_db() -> String {
    let base = std::env::var("BAOCAO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
    let name = format!("baocao_restore_{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&format!("{base}/postgres"))
            .await
            .expect("cần PostgreSQL ở 127.0.0.1:5432 (BAOCAO_TEST_POSTGRES)");
        let _ = sqlx::Executor::execute(&mut c, format!("DROP DATABASE IF EXISTS {name}").as_str())
            .await;
        sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
    });
    format!("{base}/{name}")
}

#[test]
fn a_backup_taken_while_serving_restores_identically_into_sqlite_and_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("du-lieu");
    let mut server = demo_server(&data, &[]);
    let live = format!("sqlite://{}", data.join("demo.sqlite").display());
    let b1 = dir.path().join("b1.json");
    let o = baocao(&[
        "backup",
        "--database-url",
        &live,
        "-o",
        b1.to_str().unwrap(),
    ]);
    server.kill().unwrap();
    let _ = server.wait();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Đã sao lưu"), "{}", text(&o));
    let original = read(&b1);
    assert_eq!(original["format"], "baocao-sao-luu");
    let count = |v: &Value, table: &str| {
        v["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == table)
            .unwrap_or_else(|| panic!("table {table}"))["rows"]
            .as_array()
            .unwrap()
            .len()
    };
    // The demo's data is all there: users, 63 province reports and Hà Giang's district sheets
    // (its five demo sheets, one per district of those the demo fills), versions, comments, the
    // districts' deadline, the audit.
    assert!(count(&original, "users") >= 13);
    assert_eq!(count(&original, "reports"), 63 + 5);
    assert_eq!(count(&original, "district_deadlines"), 1);
    assert!(count(&original, "versions") > 0);
    assert!(count(&original, "comments") > 0);
    assert!(count(&original, "audit") > 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&b1).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is the owner's alone");
    }

    // Into an empty SQLite database, and into an empty PostgreSQL one.
    let target = format!("sqlite://{}", dir.path().join("moi.sqlite").display());
    let pg = postgres_db();
    for url in [&target, &pg] {
        let o = baocao(&["restore", b1.to_str().unwrap(), "--database-url", url]);
        assert!(o.status.success(), "{url}: {}", text(&o));
        assert!(text(&o).contains("Đã phục hồi"), "{}", text(&o));
        let again = dir.path().join("again.json");
        let o = baocao(&[
            "backup",
            "--database-url",
            url,
            "-o",
            again.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(read(&again), original, "{url}: not identical");
    }

    // A database that is not empty is refused, and keeps its rows.
    let o = baocao(&["restore", b1.to_str().unwrap(), "--database-url", &target]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("không trống"), "{}", text(&o));
    let after = dir.path().join("after.json");
    baocao(&[
        "backup",
        "--database-url",
        &target,
        "-o",
        after.to_str().unwrap(),
    ]);
    assert_eq!(read(&after), original);

    // A file that is not a backup.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"x\": 1}").unwrap();
    let empty = format!("sqlite://{}", dir.path().join("trong.sqlite").display());
    let o = baocao(&["restore", junk.to_str().unwrap(), "--database-url", &empty]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("không phải bản sao lưu của baocao"),
        "{}",
        text(&o)
    );
}

#[test]
fn serve_keeps_the_newest_rotating_backups() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("du-lieu");
    let mut server = demo_server(&data, &["--backup-every", "1s", "--backup-keep", "2"]);
    let folder = data.join("sao-luu");
    let files = || -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(&folder)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.retain(|p| p.extension().is_some_and(|e| e == "json"));
        v.sort();
        v
    };
    // Wait (bounded) until at least three backups were taken: only two are kept.
    let start = std::time::Instant::now();
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 3 && start.elapsed() < std::time::Duration::from_secs(30) {
        seen.extend(files());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    server.kill().unwrap();
    let _ = server.wait();
    assert!(seen.len() >= 3, "backups taken: {seen:?}");
    let kept = files();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for f in &kept {
        let v = read(f);
        assert_eq!(v["format"], "baocao-sao-luu");
    }
    // The newest are kept.
    let newest: Vec<_> = seen.iter().rev().take(2).rev().cloned().collect();
    assert!(kept.iter().all(|k| seen.contains(k)));
    assert!(kept.last() >= newest.first());
}
