//! Load generator for `docs/benchmarks.md`: many concurrent sessions against a running server,
//! from a second process on loopback. Run through `scripts/bench-web.sh`, which starts the
//! server and reads its peak memory.
//!
//! `load BASE ADMIN_PASSWORD autosave SESSIONS SECONDS`: each session is a province drafter
//! signed in on its own, saving one narrative item of its own report (a full sample report) as
//! fast as the server answers; latency of every save is recorded.
//! `load BASE ADMIN_PASSWORD submit SESSIONS COUNT`: COUNT complete reports (one per province
//! per round, as many rounds as needed) are prepared, then SESSIONS approvers submit them all
//! concurrently: each submission validates the report and stores an immutable version.
//! `load BASE ADMIN_PASSWORD exports SESSIONS SECONDS INTERVAL EXPORTS`: the first round's 63
//! reports are filled and submitted (once), then SESSIONS drafters autosave every INTERVAL ms
//! (as in `autosave`) while EXPORTS national PDF exports of that round (the submitted
//! reports) run at once, each started again as soon as it ends; the autosaves' latency is
//! recorded (issue 14 item 6).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::Mutex;

struct S {
    c: reqwest::Client,
    csrf: String,
}

async fn login(base: &str, user: &str, pw: &str) -> S {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let r: Value = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = r["csrf_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{user}: {r}"))
        .to_string();
    S { c, csrf }
}

/// A report as the API gives it (info and content).
async fn report_json(s: &S, base: &str, id: i64) -> Value {
    s.c.get(format!("{base}/api/v1/reports/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn send(s: &S, m: reqwest::Method, url: String, body: Value) -> (u16, Value) {
    let r =
        s.c.request(m, url)
            .header("x-csrf-token", &s.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// CPU seconds used so far by the server (BAOCAO_SERVER_PID), if known.
fn server_cpu() -> Option<f64> {
    let pid = std::env::var("BAOCAO_SERVER_PID").ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(") ")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The server's resident memory now, in MB (VmRSS), if its pid is known.
fn server_rss_mb() -> Option<f64> {
    let pid = std::env::var("BAOCAO_SERVER_PID").ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Samples the server's RSS every 50 ms until told to stop; returns the largest.
fn watch_rss() -> (
    Arc<std::sync::atomic::AtomicBool>,
    tokio::task::JoinHandle<f64>,
) {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s = stop.clone();
    let h = tokio::spawn(async move {
        let mut max = 0f64;
        while !s.load(std::sync::atomic::Ordering::Relaxed) {
            max = max.max(server_rss_mb().unwrap_or(0.0));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        max
    });
    (stop, h)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Reports of `rounds` rounds (the first exists), filled with valid samples: (province, id).
async fn prepare(base: &str, admin: &S, rounds: usize) -> Vec<(String, i64)> {
    let existing: Value = admin
        .c
        .get(format!("{base}/api/v1/rounds"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for i in existing.as_array().unwrap().len()..rounds {
        let (st, v) = send(admin, reqwest::Method::POST, format!("{base}/api/v1/rounds"),
            json!({"name": format!("Đợt đo tải {i}"), "template": "kl74-2021", "deadline": "2030-12-31", "cutoff": "2021-06-30"})).await;
        assert_eq!(st, 201, "{v}");
    }
    let rounds_v: Value = admin
        .c
        .get(format!("{base}/api/v1/rounds"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out = Vec::new();
    for r in rounds_v.as_array().unwrap() {
        let list: Value = admin
            .c
            .get(format!("{base}/api/v1/reports?round={}", r["id"]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for rep in list.as_array().unwrap() {
            out.push((
                rep["province"].as_str().unwrap().to_string(),
                rep["id"].as_i64().unwrap(),
            ));
        }
    }
    out
}

async fn users(base: &str, admin: &S, role: &str) {
    for p in &units::Units::embedded().unwrap().provinces {
        let _ = send(
            admin,
            reqwest::Method::POST,
            format!("{base}/api/v1/users"),
            json!({"username": format!("{role}{}", p.code), "full_name": format!("Tải {}", p.code),
                   "role": role, "province": p.code, "password": "matkhau-tai"}),
        )
        .await;
    }
}

async fn fill(base: &str, reports: &[(String, i64)], pw_user: &str) {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = units::Units::embedded().unwrap();
    let sessions: Arc<Mutex<std::collections::HashMap<String, Arc<S>>>> = Default::default();
    let mut handles = Vec::new();
    for chunk in reports.chunks(reports.len().div_ceil(8).max(1)) {
        let chunk = chunk.to_vec();
        let (base, t, sessions) = (base.to_string(), t.clone(), sessions.clone());
        let pw_user = pw_user.to_string();
        handles.push(tokio::spawn(async move {
            for (p, id) in chunk {
                let s = {
                    let mut m = sessions.lock().await;
                    if let Some(s) = m.get(&p) {
                        s.clone()
                    } else {
                        let s =
                            Arc::new(login(&base, &format!("{pw_user}{p}"), "matkhau-tai").await);
                        m.insert(p.clone(), s.clone());
                        s
                    }
                };
                let sample = report::sample::sample(&t, u, &p, id as u64).unwrap();
                let body: Value = serde_json::from_str(&sample.to_json()).unwrap();
                let cur: Value = report_json(&s, &base, id).await;
                let rev = cur["info"]["revision"].as_i64().unwrap();
                if cur["info"]["state"] != "draft" {
                    continue;
                }
                let (st, v) = send(
                    &s,
                    reqwest::Method::PUT,
                    format!("{base}/api/v1/reports/{id}"),
                    json!({"revision": rev, "report": body}),
                )
                .await;
                assert_eq!(st, 200, "{v}");
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
}

/// One autosaving drafter per report until `deadline`, each as fast as answered or every
/// `interval` ms; each task returns its saves' latencies (ms).
/// The sessions sign in and read their report first; the saves start together once all have
/// (the returned barrier, which the caller passes too when it starts its clock), so the
/// measured time holds saves only, not the sign-ins (argon2, on purpose slow).
fn autosaves(
    base: &str,
    reports: Vec<(String, i64)>,
    interval: Option<u64>,
    secs: u64,
) -> (
    Vec<tokio::task::JoinHandle<Vec<f64>>>,
    Arc<tokio::sync::Barrier>,
) {
    let start = Arc::new(tokio::sync::Barrier::new(reports.len() + 1));
    let mut handles = Vec::new();
    for (p, id) in reports {
        let base = base.to_string();
        let start = start.clone();
        handles.push(tokio::spawn(async move {
            let s = login(&base, &format!("drafter{p}"), "matkhau-tai").await;
            let cur: Value = report_json(&s, &base, id).await;
            let mut rev = cur["info"]["revision"].as_i64().unwrap();
            let mut lat = Vec::new();
            let mut n = 0u64;
            start.wait().await;
            let deadline = Instant::now() + Duration::from_secs(secs);
            // Sessions start spread over one interval, as people do.
            if let Some(iv) = interval {
                tokio::time::sleep(Duration::from_millis(id as u64 * 7919 % iv.max(1))).await;
            }
            let mut next = Instant::now();
            while Instant::now() < deadline {
                if let Some(iv) = interval {
                    next += Duration::from_millis(iv);
                    tokio::time::sleep_until(next.into()).await;
                }
                n += 1;
                // What a person types between two autosaves: a paragraph grows.
                let text = format!("Đoạn nhận xét về việc triển khai, lần sửa thứ {n}. ").repeat(8);
                let t0 = Instant::now();
                let (st, v) = send(
                    &s,
                    reqwest::Method::PATCH,
                    format!("{base}/api/v1/reports/{id}"),
                    json!({"revision": rev, "changes": [{"item": "B.III.1", "value": text}]}),
                )
                .await;
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(st, 200, "{v}");
                rev = v["revision"].as_i64().unwrap();
            }
            lat
        }));
    }
    (handles, start)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (base, admin_pw, mode) = (a[1].clone(), a[2].clone(), a[3].clone());
    let sessions: usize = a[4].parse().unwrap();
    let amount: u64 = a[5].parse().unwrap();
    // Autosave at a human pace: each session saves every INTERVAL ms (open loop); absent, as
    // fast as the server answers (closed loop, the saturation throughput).
    let interval: Option<u64> = a.get(6).and_then(|s| s.parse().ok());
    let admin = login(&base, "quantri", &admin_pw).await;
    if mode == "autosave" {
        // Drafters save; approvers prepare (same province, same report).
        users(&base, &admin, "drafter").await;
        users(&base, &admin, "approver").await;
        let reports = prepare(&base, &admin, sessions.div_ceil(63)).await;
        let reports: Vec<_> = reports.into_iter().take(sessions).collect();
        fill(&base, &reports, "approver").await;
        let (handles, start) = autosaves(&base, reports, interval, amount);
        start.wait().await;
        let t0 = Instant::now();
        let cpu0 = server_cpu();
        let (stop, rss) = watch_rss();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        let secs = t0.elapsed().as_secs_f64();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        println!(
            "RSS lớn nhất của máy chủ trong lúc đo: {:.0} MB",
            rss.await.unwrap()
        );
        if let (Some(a), Some(b)) = (cpu0, server_cpu()) {
            println!(
                "CPU của máy chủ: {:.2} ms mỗi lần lưu",
                (b - a) * 1000.0 / all.len().max(1) as f64
            );
        }
        all.sort_by(|a, b| a.total_cmp(b));
        println!(
            "autosave{}: {sessions} phiên, {} lần lưu trong {secs:.1} s = {:.0} lần/s; độ trễ p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, lớn nhất {:.1} ms",
            interval.map(|i| format!(" (mỗi phiên lưu {i} ms một lần)")).unwrap_or_default(),
            all.len(),
            all.len() as f64 / secs,
            pct(&all, 0.5),
            pct(&all, 0.95),
            pct(&all, 0.99),
            all.last().copied().unwrap_or(0.0)
        );
    } else if mode == "exports" {
        let interval = interval.unwrap_or(1000);
        let exports: usize = a.get(7).and_then(|s| s.parse().ok()).unwrap_or(10);
        users(&base, &admin, "drafter").await;
        users(&base, &admin, "approver").await;
        // The first round's reports filled and submitted: what the national export prints.
        let first = prepare(&base, &admin, 1).await;
        let round1: Value = admin
            .c
            .get(format!("{base}/api/v1/rounds"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let round1 = round1
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .min()
            .unwrap();
        let list: Value = admin
            .c
            .get(format!("{base}/api/v1/reports?round={round1}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let drafts: std::collections::HashSet<i64> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["state"] == "draft")
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        let to_submit: Vec<(String, i64)> = first
            .into_iter()
            .filter(|(_, id)| drafts.contains(id))
            .collect();
        fill(&base, &to_submit, "approver").await;
        for (p, id) in &to_submit {
            let s = login(&base, &format!("approver{p}"), "matkhau-tai").await;
            let cur: Value = report_json(&s, &base, *id).await;
            let rev = cur["info"]["revision"].as_i64().unwrap();
            let (st, v) = send(
                &s,
                reqwest::Method::POST,
                format!("{base}/api/v1/reports/{id}/submit"),
                json!({"revision": rev}),
            )
            .await;
            assert_eq!(st, 200, "{v}");
        }
        // Drafts to autosave: of any round, a new round when there are too few.
        let mut drafts = Vec::new();
        for rounds in 2.. {
            drafts = Vec::new();
            for (p, id) in prepare(&base, &admin, rounds).await {
                let cur: Value = report_json(&admin, &base, id).await;
                if cur["info"]["state"] == "draft" {
                    drafts.push((p, id));
                }
            }
            if drafts.len() >= sessions {
                break;
            }
        }
        drafts.truncate(sessions);
        fill(&base, &drafts, "approver").await;
        let url = format!("{base}/tong-hop/tai/pdf?dot={round1}&nguon=da-gui");
        let export = |s: Arc<S>, url: String| async move {
            let t = Instant::now();
            let r = s.c.get(url).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let n = r.bytes().await.unwrap().len();
            (t.elapsed().as_secs_f64() * 1000.0, n)
        };
        let admin = Arc::new(admin);
        // One export alone (it also makes the consolidation the others reuse).
        let (alone, bytes) = export(admin.clone(), url.clone()).await;
        let (again, _) = export(admin.clone(), url.clone()).await;
        println!(
            "một bản xuất PDF toàn quốc ({} báo cáo đã gửi, {} KB) chạy một mình: {alone:.0} ms lần đầu, {again:.0} ms lần sau",
            list.as_array().unwrap().len(),
            bytes / 1024
        );
        let (handles, start) = autosaves(&base, drafts, Some(interval), amount);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let t0 = Instant::now();
        let cpu0 = server_cpu();
        let mut loops = Vec::new();
        for _ in 0..exports {
            let (admin, url, stop) = (admin.clone(), url.clone(), stop.clone());
            loops.push(tokio::spawn(async move {
                let mut times = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    times.push(export(admin.clone(), url.clone()).await.0);
                }
                times
            }));
        }
        // The saves begin once the exports are under way, and the exports go on until the
        // saves end.
        tokio::time::sleep(Duration::from_millis(300)).await;
        start.wait().await;
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut times = Vec::new();
        for l in loops {
            times.extend(l.await.unwrap());
        }
        let secs = t0.elapsed().as_secs_f64();
        if let (Some(a), Some(b)) = (cpu0, server_cpu()) {
            println!(
                "CPU của máy chủ: {:.0}% của một lõi",
                (b - a) * 100.0 / secs
            );
        }
        times.sort_by(|a, b| a.total_cmp(b));
        all.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{exports} bản xuất PDF chạy cùng lúc: {} bản xong trong {secs:.1} s, mỗi bản p50 {:.0} ms, lâu nhất {:.0} ms",
            times.len(),
            pct(&times, 0.5),
            times.last().copied().unwrap_or(0.0)
        );
        println!(
            "autosave trong lúc đó (mỗi phiên lưu {interval} ms một lần): {sessions} phiên, {} lần lưu; độ trễ p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, lớn nhất {:.1} ms",
            all.len(),
            pct(&all, 0.5),
            pct(&all, 0.95),
            pct(&all, 0.99),
            all.last().copied().unwrap_or(0.0)
        );
    } else {
        users(&base, &admin, "approver").await;
        let rounds = (amount as usize).div_ceil(63);
        let reports = prepare(&base, &admin, rounds + 1).await;
        let reports: Vec<_> = reports.into_iter().take(amount as usize).collect();
        fill(&base, &reports, "approver").await;
        // Revisions read before timing: the timed part is the submissions alone.
        let mut ready = Vec::new();
        for (p, id) in reports {
            let cur: Value = report_json(&admin, &base, id).await;
            ready.push((p, id, cur["info"]["revision"].as_i64().unwrap()));
        }
        // One session per (approver, slot): several sessions per province when there are more
        // sessions than provinces; each session submits its share of the reports.
        let mut shares: Vec<Vec<(String, i64, i64)>> = vec![Vec::new(); sessions];
        for (i, r) in ready.into_iter().enumerate() {
            shares[i % sessions].push(r);
        }
        let mut logged = Vec::new();
        for share in shares {
            let mut by_province: std::collections::HashMap<String, S> = Default::default();
            for (p, _, _) in &share {
                if !by_province.contains_key(p) {
                    by_province.insert(
                        p.clone(),
                        login(&base, &format!("approver{p}"), "matkhau-tai").await,
                    );
                }
            }
            logged.push((share, by_province));
        }
        let mut handles = Vec::new();
        // On stderr at once: a profiler can be attached to the server for the timed part only.
        eprintln!("bắt đầu đo");
        let t0 = Instant::now();
        let cpu0 = server_cpu();
        let (stop, rss) = watch_rss();
        for (share, by_province) in logged {
            let base = base.clone();
            handles.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                for (p, id, rev) in share {
                    let s = &by_province[&p];
                    let t = Instant::now();
                    let (st, v) = send(
                        s,
                        reqwest::Method::POST,
                        format!("{base}/api/v1/reports/{id}/submit"),
                        json!({"revision": rev}),
                    )
                    .await;
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(st, 200, "{v}");
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        let secs = t0.elapsed().as_secs_f64();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        println!(
            "RSS lớn nhất của máy chủ trong lúc đo: {:.0} MB",
            rss.await.unwrap()
        );
        if let (Some(a), Some(b)) = (cpu0, server_cpu()) {
            println!(
                "CPU của máy chủ: {:.2} ms mỗi lần gửi",
                (b - a) * 1000.0 / all.len().max(1) as f64
            );
        }
        let busy: f64 = all.iter().sum::<f64>() / 1000.0;
        all.sort_by(|a, b| a.total_cmp(b));
        println!(
            "submit: {sessions} phiên, {} lần gửi trong {secs:.1} s = {:.0} lần gửi/s; độ trễ p50 {:.1} ms, p95 {:.1} ms; tổng thời gian chờ các lần gửi {busy:.1} s",
            all.len(),
            all.len() as f64 / secs,
            pct(&all, 0.5),
            pct(&all, 0.95)
        );
    }
}
