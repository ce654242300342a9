//! `baocao serve`: settings from flags and the environment, structured logs, the demo database.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::cmd::{Outcome, Result};

pub struct Options {
    pub listen: SocketAddr,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub demo: bool,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub session_hours: u64,
}

pub fn run(o: Options) -> Result<Outcome> {
    init_logs();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            format!(
                "không khởi động được bộ chạy bất đồng bộ: {}",
                vi::io_reason(&e)
            )
        })?;
    runtime.block_on(serve(o))?;
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

async fn serve(o: Options) -> Result<()> {
    let database_url = match (&o.database_url, o.demo) {
        (Some(url), _) => url.clone(),
        (None, demo) => {
            // The data directory is the server's user's alone (0700); the database files in it
            // are made 0600 by the store.
            let mut dir = std::fs::DirBuilder::new();
            dir.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
            dir.create(&o.data_dir).map_err(|e| {
                format!(
                    "không tạo được thư mục dữ liệu {}: {}",
                    o.data_dir.display(),
                    vi::io_reason(&e)
                )
            })?;
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
        println!(
            "Đã tạo tài khoản quản trị “quantri” với mật khẩu: {p}\n\
             (Mật khẩu chỉ in một lần; hãy đổi sau khi đăng nhập.)"
        );
    }
    let demo = o.demo;
    web::serve(app, move |addr| {
        println!("baocao đang chạy tại http://{addr}/");
        if demo {
            println!(
                "Dữ liệu trình diễn. Mật khẩu của mọi tài khoản: {}",
                web::demo::PASSWORD
            );
            println!("  quantri          – Quản trị hệ thống");
            for (user, name, role, province) in web::demo::ACCOUNTS {
                println!(
                    "  {user:<16} – {} – {name}{}",
                    role.label(),
                    province
                        .map(|p| format!(" (tỉnh mã {p})"))
                        .unwrap_or_default()
                );
            }
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    })
    .await
    .map_err(|e| e.to_string())
}
