//! A server killed with SIGKILL during many concurrent saves loses none that it acknowledged.
//!
//! Eight provinces' drafters save as fast as they can, each into its own report; every save
//! the server acknowledged (200) is remembered. The server is killed mid-stream, started again
//! on the same data directory, and each report must hold the last acknowledged value or a later
//! one (a save can be durable before its acknowledgement reached the client).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

const ADMIN_PASSWORD: &str = "matkhau-quantri-kiem-thu";
const PROVINCES: [&str; 8] = ["01", "02", "04", "06", "08", "10", "11", "12"];

fn start(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("BAOCAO_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let addr = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.strip_prefix("baocao đang chạy tại ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

async fn login(base: &str, user: &str, password: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{user}");
    let v: Value = res.json().await.unwrap();
    (c, v["csrf_token"].as_str().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_saves_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start(dir.path());
    let (admin, csrf) = login(&base, "quantri", ADMIN_PASSWORD).await;
    let list: Value = admin
        .get(format!("{base}/api/v1/reports"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id_of = |p: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["province"] == p)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    for p in PROVINCES {
        let res = admin
            .post(format!("{base}/api/v1/users"))
            .header("x-csrf-token", &csrf)
            .json(
                &json!({"username": format!("soan{p}"), "full_name": format!("Chuyên viên {p}"),
                          "role": "drafter", "province": p, "password": "matkhau-soan"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for p in PROVINCES {
        let (c, csrf) = login(&base, &format!("soan{p}"), "matkhau-soan").await;
        let (base, stop, id) = (base.clone(), stop.clone(), id_of(p));
        tasks.push(tokio::spawn(async move {
            let mut revision = 1i64;
            let mut acked = 0u64;
            for n in 1u64.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let res = c
                    .patch(format!("{base}/api/v1/reports/{id}"))
                    .header("x-csrf-token", &csrf)
                    .json(&json!({"revision": revision,
                                  "changes": [{"item": "A.I", "value": format!("Lần lưu thứ {n}")}]}))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 200 => match r.json::<Value>().await {
                        Ok(v) => {
                            revision = v["revision"].as_i64().unwrap();
                            acked = n;
                        }
                        Err(_) => break,
                    },
                    Ok(r) => panic!("save refused: {}", r.status()),
                    Err(_) => break,
                }
            }
            (id, acked)
        }));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    for t in tasks {
        acked.push(t.await.unwrap());
    }
    let total: u64 = acked.iter().map(|(_, n)| n).sum();
    assert!(
        total >= 40,
        "too few saves before the kill to test anything: {total}"
    );

    let (mut server, base) = start(dir.path());
    let (admin, _) = login(&base, "quantri", ADMIN_PASSWORD).await;
    for (id, n) in acked {
        let v: Value = admin
            .get(format!("{base}/api/v1/reports/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let text = v["report"]["answers"]["A.I"].as_str().unwrap_or("");
        let stored: u64 = text
            .strip_prefix("Lần lưu thứ ")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert!(
            stored >= n,
            "report {id}: acknowledged save {n}, found “{text}”"
        );
        assert!(v["info"]["revision"].as_i64().unwrap() as u64 > n);
    }
    server.kill().unwrap();
    let _ = server.wait();
}

/// SIGTERM: the server stops taking requests, finishes the saves in flight, closes the database
/// and exits 0; every acknowledged save is there afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_in_flight_saves() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start(dir.path());
    let (admin, csrf) = login(&base, "quantri", ADMIN_PASSWORD).await;
    let res = admin
        .post(format!("{base}/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"username": "soan02", "full_name": "Chuyên viên 02",
                      "role": "drafter", "province": "02", "password": "matkhau-soan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let list: Value = admin
        .get(format!("{base}/api/v1/reports"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["province"] == "02")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (c, csrf) = login(&base, "soan02", "matkhau-soan").await;
    let saver = {
        let base = base.clone();
        tokio::spawn(async move {
            let (mut revision, mut acked) = (1i64, 0u64);
            for n in 1u64.. {
                let res = c
                    .patch(format!("{base}/api/v1/reports/{id}"))
                    .header("x-csrf-token", &csrf)
                    .json(&json!({"revision": revision,
                                  "changes": [{"item": "A.I", "value": format!("Lần lưu thứ {n}")}]}))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 200 => {
                        revision = r.json::<Value>().await.unwrap()["revision"]
                            .as_i64()
                            .unwrap();
                        acked = n;
                    }
                    _ => break,
                }
            }
            acked
        })
    };
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let pid = server.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::task::spawn_blocking(move || server.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let acked = saver.await.unwrap();
    assert!(acked > 5, "{acked}");
    let (mut server, base) = start(dir.path());
    let (admin, _) = login(&base, "quantri", ADMIN_PASSWORD).await;
    let v: Value = admin
        .get(format!("{base}/api/v1/reports/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = v["report"]["answers"]["A.I"].as_str().unwrap();
    let stored: u64 = text.strip_prefix("Lần lưu thứ ").unwrap().parse().unwrap();
    assert!(stored >= acked, "acknowledged {acked}, stored {stored}");
    server.kill().unwrap();
    let _ = server.wait();
}
