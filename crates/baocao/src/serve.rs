//! `baocao serve`: settings from flags and the environment, structured logs, the demo database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::cmd::{Outcome, Result};

/// A line on standard output that never fails the server: when whoever started it stopped
/// reading (a closed pipe), the line is dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub struct Options {
    pub listen: SocketAddr,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub demo: bool,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub session_hours: u64,
    /// Rotating backups in the data directory, this often.
    pub backup_every: Option<std::time::Duration>,
    /// How many rotating backups to keep.
    pub backup_keep: usize,
}

pub fn run(o: Options) -> Result<Outcome> {
    init_logs();
    runtime()?.block_on(serve(o))?;
    Ok(Outcome::Clean)
}

fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("BAOCAO_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Creates `dir` (and its parents) readable by the server's user only (0700).
fn private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|e| {
        format!(
            "không tạo được thư mục dữ liệu {}: {}",
            dir.display(),
            vi::io_reason(&e)
        )
    })
}

/// The database `serve` uses: the URL given, else `baocao.sqlite` in the data directory.
fn database(url: Option<&str>, data_dir: &Path) -> Result<String> {
    match url {
        Some(u) => Ok(u.to_string()),
        None => {
            private_dir(data_dir)?;
            Ok(format!(
                "sqlite://{}",
                data_dir.join("baocao.sqlite").display()
            ))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            format!(
                "không khởi động được bộ chạy bất đồng bộ: {}",
                vi::io_reason(&e)
            )
        })
}

/// "24h", "30m", "45s", "2d" (a number and a unit).
pub fn parse_every(s: &str) -> Result<std::time::Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().map_err(|_| {
        format!("khoảng sao lưu “{s}” phải là một số và đơn vị, ví dụ 24h, 30m, 1d")
    })?;
    let secs = match unit.trim() {
        "s" => n,
        "m" => n * 60,
        "h" | "" => n * 3600,
        "d" => n * 86_400,
        other => {
            return Err(format!(
                "đơn vị “{other}” của khoảng sao lưu không rõ: dùng s, m, h hoặc d"
            ))
        }
    };
    if secs == 0 {
        return Err("khoảng sao lưu phải lớn hơn 0".into());
    }
    Ok(std::time::Duration::from_secs(secs))
}

/// Writes `bytes` to `path` readable by the owner only, through a temporary file renamed into
/// place (a reader never sees half a backup).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let err =
        |e: std::io::Error| format!("không ghi được {}: {}", path.display(), vi::io_reason(&e));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// `baocao backup`: the whole database to a file.
pub fn backup(url: Option<&str>, data_dir: &Path, output: &Path) -> Result<Outcome> {
    let url = database(url, data_dir)?;
    let b = runtime()?.block_on(async {
        let store = store::Store::open(&url).await.map_err(|e| e.to_string())?;
        let b = store.backup().await.map_err(|e| e.to_string());
        store.close().await;
        b
    })?;
    let bytes = serde_json::to_vec(&b).map_err(|e| e.to_string())?;
    write_private(output, &bytes)?;
    let rows: usize = b.tables.iter().map(|t| t.rows.len()).sum();
    say!(
        "Đã sao lưu {} bảng, {} dòng vào {}.",
        b.tables.len(),
        vi::format_int(rows as i64),
        crate::shown(output)
    );
    Ok(Outcome::Clean)
}

/// `baocao restore`: a backup into an empty database.
pub fn restore(url: Option<&str>, data_dir: &Path, file: &Path) -> Result<Outcome> {
    let text = std::fs::read(file).map_err(|e| {
        format!(
            "không đọc được {}: {}",
            crate::shown(file),
            vi::io_reason(&e)
        )
    })?;
    let b: store::Backup = serde_json::from_slice(&text).map_err(|_| {
        format!(
            "{} không phải bản sao lưu của baocao (không đọc được nội dung)",
            crate::shown(file)
        )
    })?;
    let url = database(url, data_dir)?;
    runtime()?.block_on(async {
        let store = store::Store::open(&url).await.map_err(|e| e.to_string())?;
        let r = store.restore(&b).await.map_err(|e| e.to_string());
        store.close().await;
        r
    })?;
    let rows: usize = b.tables.iter().map(|t| t.rows.len()).sum();
    say!(
        "Đã phục hồi {} bảng, {} dòng.",
        b.tables.len(),
        vi::format_int(rows as i64)
    );
    Ok(Outcome::Clean)
}

/// Every `every`, a backup in `<data dir>/sao-luu/`, keeping the newest `keep`.
async fn rotate_backups(
    app: std::sync::Arc<web::App>,
    dir: PathBuf,
    every: std::time::Duration,
    keep: usize,
) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await; // the first tick is now: the first backup comes after one period
    loop {
        tick.tick().await;
        let b = match app.store.backup().await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!("sao lưu định kỳ không thành công: {e}");
                continue;
            }
        };
        let dir = dir.clone();
        let done = tokio::task::spawn_blocking(move || -> Result<PathBuf> {
            private_dir(&dir)?;
            let bytes = serde_json::to_vec(&b).map_err(|e| e.to_string())?;
            let path = dir.join(format!("baocao-{}.json", store::now_ms()));
            write_private(&path, &bytes)?;
            let mut old: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| vi::io_reason(&e).to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("baocao-") && n.ends_with(".json"))
                })
                .collect();
            // Names carry the time in milliseconds, all of the same length for centuries.
            old.sort();
            let excess = old.len().saturating_sub(keep);
            for p in old.into_iter().take(excess) {
                let _ = std::fs::remove_file(p);
            }
            Ok(path)
        })
        .await;
        match done {
            Ok(Ok(path)) => tracing::info!("đã sao lưu định kỳ vào {}", path.display()),
            Ok(Err(e)) => tracing::error!("sao lưu định kỳ không thành công: {e}"),
            Err(e) => tracing::error!("sao lưu định kỳ không thành công: {e}"),
        }
    }
}

async fn serve(o: Options) -> Result<()> {
    let database_url = match (&o.database_url, o.demo) {
        (Some(url), _) => url.clone(),
        (None, demo) => {
            // The data directory is the server's user's alone (0700); the database files in it
            // are made 0600 by the store.
            private_dir(&o.data_dir)?;
            let file = o
                .data_dir
                .join(if demo { "demo.sqlite" } else { "baocao.sqlite" });
            if demo {
                // The demo starts afresh every time.
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = file.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            format!("sqlite://{}", file.display())
        }
    };
    let admin_password = if o.demo {
        Some(web::demo::PASSWORD.to_string())
    } else {
        std::env::var("BAOCAO_ADMIN_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty())
    };
    let config = web::Config {
        database_url,
        listen: o.listen,
        secure_cookies: o.secure_cookies,
        admin_password,
        session_hours: o.session_hours.max(1),
        read_timeout: web::READ_TIMEOUT,
        trust_forwarded_for: o.trust_forwarded_for,
    };
    let (app, generated) = web::App::open(config).await.map_err(|e| e.to_string())?;
    if o.demo && app.store.users().await.map_err(|e| e.to_string())?.len() == 1 {
        web::demo::seed(&app).await.map_err(|e| e.to_string())?;
    }
    if let Some(p) = generated {
        say!(
            "Đã tạo tài khoản quản trị “quantri” với mật khẩu: {p}\n\
             (Mật khẩu chỉ in một lần; hãy đổi sau khi đăng nhập.)"
        );
    }
    if let Some(every) = o.backup_every {
        tokio::spawn(rotate_backups(
            app.clone(),
            o.data_dir.join("sao-luu"),
            every,
            o.backup_keep,
        ));
    }
    let demo = o.demo;
    web::serve(app, move |addr| {
        say!("baocao đang chạy tại http://{addr}/");
        if demo {
            say!(
                "Dữ liệu trình diễn. Mật khẩu của mọi tài khoản: {}",
                web::demo::PASSWORD
            );
            say!("  quantri          – Quản trị hệ thống");
            for (user, name, role, province) in web::demo::ACCOUNTS {
                say!(
                    "  {user:<16} – {} – {name}{}",
                    role.label(),
                    province
                        .map(|p| format!(" (tỉnh mã {p})"))
                        .unwrap_or_default()
                );
            }
            for (user, name, role, district) in web::demo::DISTRICT_ACCOUNTS {
                say!(
                    "  {user:<16} – {} – {name} (huyện mã {district}, tỉnh Hà Giang)",
                    role.label()
                );
            }
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    })
    .await
    .map_err(|e| e.to_string())
}
