//! Regressions from the fuzz list and the server's file modes: inputs that once made a
//! command loop forever, overflow the stack, panic or answer in English.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs baocao; fails the test if it runs longer than `secs` (it is killed first).
fn baocao_within(secs: u64, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let e = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("baocao {args:?} still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn kl74() -> String {
    std::fs::read_to_string(root().join("templates/kl74-2021.toml")).unwrap()
}

/// No English word of the usual error texts.
fn assert_vietnamese(s: &str) {
    for english in [
        "invalid type",
        "expected",
        "os error",
        "Is a directory",
        "No such file",
        "Some(",
        "None",
        "panicked",
        "surrogate",
    ] {
        assert!(!s.contains(english), "English “{english}” in: {s}");
    }
}

#[test]
fn a_node_that_is_its_own_parent_or_a_parent_cycle_is_reported_not_looped() {
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in [
        (
            "self",
            "\n[[node]]\nid = \"b\"\nkind = \"item\"\nparent = \"b\"\ntext = \"Mô hình {model}\"\n\
             role = \"local-name\"\n[node.answer]\ntype = \"text\"\n",
        ),
        (
            "cycle",
            "\n[[node]]\nid = \"c1\"\nkind = \"heading\"\nparent = \"c2\"\ntext = \"Một {model}\"\n\
             \n[[node]]\nid = \"c2\"\nkind = \"heading\"\nparent = \"c1\"\ntext = \"Hai {model}\"\n",
        ),
    ] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, kl74() + extra).unwrap();
        let p = path.to_str().unwrap();
        let o = baocao_within(20, &["template", "check", p]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o.stdout));
        let out = text(&o.stdout);
        if name == "self" {
            assert!(out.contains("không thể là mục cha của chính nó"), "{out}");
        } else {
            assert!(out.contains("không đứng trước mục này"), "{out}");
        }
        assert_vietnamese(&out);
        let o = baocao_within(20, &["template", "schema", p]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert_vietnamese(&text(&o.stderr));
    }
}

#[test]
fn thousands_of_nested_headings_are_refused_by_the_checker() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = kl74();
    let mut parent = "A".to_string();
    for i in 0..9_000 {
        let id = format!("sau{i}");
        t.push_str(&format!(
            "\n[[node]]\nid = \"{id}\"\nkind = \"heading\"\nparent = \"{parent}\"\ntext = \"Cấp {i}\"\n"
        ));
        parent = id;
    }
    let path = dir.path().join("deep.toml");
    std::fs::write(&path, t).unwrap();
    let p = path.to_str().unwrap();
    let o = baocao_within(60, &["template", "check", p]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("lồng nhau quá 12 cấp"), "{out}");
    // One problem for the whole chain, not nine thousand.
    assert_eq!(out.matches("lồng nhau quá").count(), 1);
    // Later stages never see it: refused with exit 2, no stack overflow (a signal).
    let report = dir.path().join("r.json");
    let o = baocao_within(
        60,
        &["sample", "--province", "02", "-o", report.to_str().unwrap()],
    );
    assert!(o.status.success());
    for args in [
        vec!["validate", "--template", p, report.to_str().unwrap()],
        vec![
            "render",
            "--template",
            p,
            report.to_str().unwrap(),
            "-o",
            dir.path().join("x.html").to_str().unwrap(),
        ],
    ] {
        let o = baocao_within(60, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains("lồng nhau quá 12 cấp"));
    }
}

#[test]
fn a_huge_search_limit_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let o = baocao_within(
        60,
        &["sample", "--province", "02", "-o", report.to_str().unwrap()],
    );
    assert!(o.status.success());
    let o = baocao_within(
        60,
        &[
            "search",
            report.to_str().unwrap(),
            "-q",
            "kiem nhiem",
            "--limit",
            "18446744073709551615",
        ],
    );
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "{:?}: {}",
        o.status,
        text(&o.stderr)
    );
    assert!(!text(&o.stderr).contains("panicked"));
}

#[test]
fn errors_are_vietnamese_and_json_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where a file was expected: no "Is a directory (os error 21)".
    let d = dir.path().to_str().unwrap();
    let o = baocao_within(20, &["validate", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("đây là một thư mục"),
        "{}",
        text(&o.stderr)
    );
    assert_vietnamese(&text(&o.stderr));
    // --json: the error as JSON on stdout.
    let o = baocao_within(20, &["validate", "--json", d]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(v["error"].as_str().unwrap().contains("đây là một thư mục"));
    // serde's details in Vietnamese.
    for (name, body) in [
        ("map.json", "{\"template\": {\"id\": 1}}"),
        ("array.json", "[1, 2]"),
        ("escape.json", "{\"template\": \"\\ud800\"}"),
        ("escape2.json", "{\"template\": \"\\ud800x\"}"),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, body).unwrap();
        let o = baocao_within(20, &["validate", "--json", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
        let e = v["error"].as_str().unwrap();
        assert_vietnamese(e);
        assert_vietnamese(&text(&o.stderr));
    }
    // TOML's details in Vietnamese, with the line.
    for (name, body, want) in [
        (
            "t1.toml",
            "format = 1\n[template]\nid = 5\n",
            "dòng 3: không đọc được: sai kiểu dữ liệu",
        ),
        (
            "t2.toml",
            "format = 1\n[template\nid = \"x\"\n",
            "dòng 2: không đọc được: lỗi cú pháp TOML",
        ),
        (
            "t3.toml",
            "format = 1\nformat = 2\n",
            "khóa `format` xuất hiện hai lần",
        ),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, body).unwrap();
        let o = baocao_within(20, &["template", "check", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let out = text(&o.stdout);
        assert!(out.contains(want), "{out}");
        assert_vietnamese(&out);
    }
    // A template with a role on the wrong kind of answer: no Rust debug text.
    let t = kl74() + "\n[[node]]\nid = \"z\"\nkind = \"item\"\nparent = \"B.I.1.m\"\ntext = \"Phạm vi\"\nrole = \"proposal-scope\"\n[node.answer]\ntype = \"integer\"\n";
    let path = dir.path().join("role.toml");
    std::fs::write(&path, t).unwrap();
    let o = baocao_within(20, &["template", "check", path.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(
        out.contains("vai trò “proposal-scope” không hợp với loại câu trả lời “integer”"),
        "{out}"
    );
    assert_vietnamese(&out);
}

/// `serve --demo` makes its data directory 0700 and the database files 0600.
#[cfg(unix)]
#[test]
fn the_data_directory_and_database_are_the_servers_alone() {
    use std::io::BufRead;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("du-lieu");
    let mut child = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(out).lines();
    loop {
        let line = lines.next().expect("server exited").unwrap();
        if line.starts_with("baocao đang chạy tại ") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let result = std::panic::catch_unwind(|| {
        assert_eq!(mode(&data), 0o700, "data directory");
        for f in ["demo.sqlite", "demo.sqlite-wal", "demo.sqlite-shm"] {
            let p = data.join(f);
            assert!(p.exists(), "{f}");
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
