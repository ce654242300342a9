//! `baocao`: the command line. Glue only: parse what was typed, call the library crates, print,
//! and decide the exit code in one place (0 success, 1 problems found, 2 could not run).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

mod cmd;
mod serve;
mod signing;

/// mimalloc rather than glibc's allocator: the server's many short-lived report-sized buffers
/// fragmented glibc's per-thread arenas (780 MB resident after a load test, docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc v3's `mimalloc.h` (the crate names only some options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once rather than after 10 ms: the server's resident
/// memory under a burst of submissions fell from ~120-150 MB to ~95 MB (docs/benchmarks.md).
fn purge_freed_memory_at_once() {
    // SAFETY: mi_option_set only stores an integer option, valid at any time; no pointer is
    // involved. Called in main for `serve` only, before any thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// Báo cáo theo đề cương: đề cương là dữ liệu, báo cáo là JSON, văn bản đúng thể thức của Đảng.
#[derive(Parser)]
#[command(name = "baocao", version, disable_help_subcommand = true)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Đề cương: kiểm tra, xuất JSON Schema của báo cáo.
    Template {
        #[command(subcommand)]
        action: TemplateCmd,
    },
    /// Kiểm tra một báo cáo: in mọi lỗi và cảnh báo theo mục của đề cương.
    Validate {
        /// Tệp báo cáo JSON.
        #[arg(value_name = "BÁO_CÁO")]
        report: PathBuf,
        /// Bản nháp: chỉ báo cái sai, không báo cái còn thiếu.
        #[arg(long)]
        draft: bool,
        /// In kết quả dạng JSON (cho máy).
        #[arg(long)]
        json: bool,
        /// Tệp đề cương (mặc định: đề cương có sẵn theo mã trong báo cáo).
        #[arg(long, value_name = "ĐỀ_CƯƠNG")]
        template: Option<PathBuf>,
    },
    /// Tạo một báo cáo mẫu đầy đủ, hợp lệ cho một tỉnh, thành phố (hoặc phiếu của một đơn vị
    /// cấp huyện, với --district).
    Sample {
        /// Mã tỉnh, thành phố (2 chữ số, ví dụ 02 là Hà Giang).
        #[arg(long, value_name = "MÃ_TỈNH")]
        province: String,
        /// Mã đơn vị cấp huyện (3 chữ số, ví dụ 026 là huyện Đồng Văn): tạo phiếu cấp huyện.
        #[arg(long, value_name = "MÃ_HUYỆN")]
        district: Option<String>,
        /// Hạt giống: cùng hạt giống cho cùng báo cáo.
        #[arg(long, default_value_t = 1, value_name = "SỐ")]
        seed: u64,
        /// Tệp ghi ra (mặc định: in ra màn hình).
        #[arg(short, long, value_name = "TỆP")]
        output: Option<PathBuf>,
        /// Mã đề cương.
        #[arg(long, default_value = "kl74-2021", value_name = "ĐỀ_CƯƠNG")]
        template: String,
        /// Báo cáo lớn nhất: mọi mô hình trong danh mục, mọi đơn vị cấp huyện của tỉnh.
        #[arg(long)]
        full: bool,
    },
    /// Nhập báo cáo đã viết bằng Word (.docx) vào đề cương: ghi bản nháp JSON và in nội dung
    /// nào vào mục nào, cái gì chưa xếp được (mã thoát 1 nếu còn nội dung chưa xếp).
    Import {
        /// Tệp Word (.docx).
        #[arg(value_name = "TỆP_WORD")]
        file: PathBuf,
        /// Mã tỉnh, thành phố (2 chữ số, ví dụ 02 là Hà Giang).
        #[arg(long, value_name = "MÃ_TỈNH")]
        province: String,
        /// Mã đề cương hoặc tệp đề cương.
        #[arg(long, default_value = "kl74-2021", value_name = "ĐỀ_CƯƠNG")]
        template: String,
        /// Tệp báo cáo JSON ghi ra (bản nháp).
        #[arg(short, long, value_name = "TỆP")]
        output: PathBuf,
        /// In báo cáo nhập dạng JSON (cho máy).
        #[arg(long)]
        json: bool,
    },
    /// Xuất văn bản: .docx, .pdf, .html hoặc .md (theo đuôi tệp).
    Render {
        /// Tệp báo cáo JSON.
        #[arg(value_name = "BÁO_CÁO")]
        report: PathBuf,
        /// Tệp ghi ra: report.docx, report.pdf, report.html hoặc report.md.
        #[arg(short, long, value_name = "TỆP")]
        output: PathBuf,
        /// Tệp đề cương (mặc định: đề cương có sẵn theo mã trong báo cáo).
        #[arg(long, value_name = "ĐỀ_CƯƠNG")]
        template: Option<PathBuf>,
        /// PDF lưu trữ (PDF/A-2b): nhúng phông, ghi tiêu đề, cơ quan ban hành, trích yếu và ngày
        /// của báo cáo; chỉ dùng với tệp .pdf.
        #[arg(long)]
        pdfa: bool,
    },
    /// Tổng hợp toàn quốc từ nhiều báo cáo: .docx, .pdf, .xlsx, .html, .json (theo đuôi tệp).
    Consolidate {
        /// Các tệp báo cáo JSON (mỗi tỉnh, thành phố một tệp).
        #[arg(value_name = "BÁO_CÁO", required = true)]
        reports: Vec<PathBuf>,
        /// Tệp ghi ra (lặp lại để ghi nhiều dạng): tonghop.docx, tonghop.xlsx…
        #[arg(short, long, value_name = "TỆP", required = true)]
        output: Vec<PathBuf>,
        /// Số văn bản (trước "-BC/BTCTW").
        #[arg(long, value_name = "SỐ")]
        number: Option<String>,
        /// Ngày văn bản, dạng ngày/tháng/năm.
        #[arg(long, value_name = "NGÀY")]
        date: Option<String>,
        /// Tổng hợp cả báo cáo còn lỗi (mặc định: từ chối); các tỉnh đó được đánh dấu trong mọi
        /// tệp ghi ra.
        #[arg(long)]
        include_invalid: bool,
    },
    /// Tổng hợp phiếu cấp huyện vào báo cáo của tỉnh: dòng đơn vị, số liệu (cộng các huyện) và
    /// văn bản lấy từ phiếu; in đơn vị nào điền gì, dòng nào của báo cáo không có phiếu.
    Rollup {
        /// Báo cáo của tỉnh (JSON).
        #[arg(value_name = "BÁO_CÁO")]
        report: PathBuf,
        /// Các phiếu cấp huyện (JSON), mỗi đơn vị một phiếu.
        #[arg(value_name = "PHIẾU", required = true)]
        sheets: Vec<PathBuf>,
        /// Tệp báo cáo ghi ra.
        #[arg(short, long, value_name = "TỆP")]
        output: PathBuf,
        /// In kết quả dạng JSON (cho máy).
        #[arg(long)]
        json: bool,
    },
    /// Tìm trong nội dung báo cáo của các địa phương (không phân biệt dấu, hoa thường).
    Search {
        /// Các tệp báo cáo JSON.
        #[arg(value_name = "BÁO_CÁO", required = true)]
        reports: Vec<PathBuf>,
        /// Nội dung cần tìm, ví dụ: kiem nhiem.
        #[arg(short, long, value_name = "TỪ_KHÓA")]
        query: String,
        /// Số kết quả tối đa.
        #[arg(long, default_value_t = 10, value_name = "SỐ")]
        limit: usize,
    },
    /// Kiểm tra mọi chữ ký số của một tệp PDF: người ký, chứng thư, thời điểm ký, tính toàn
    /// vẹn, độ tin cậy. Mã thoát 0 chỉ khi mọi chữ ký hợp lệ, nguyên vẹn và được tin cậy.
    Verify {
        /// Tệp PDF đã ký.
        #[arg(value_name = "TỆP_PDF")]
        pdf: PathBuf,
        /// Danh sách chứng thư gốc tin cậy (PEM, một hay nhiều chứng thư; hoặc một tệp DER).
        #[arg(long, env = "BAOCAO_TRUST", value_name = "TỆP_PEM")]
        trust: Option<PathBuf>,
        /// Bản PDF gốc (chưa ký): kiểm tra thêm tệp đã ký có đúng là bản này được ký không.
        #[arg(long, value_name = "TỆP_PDF")]
        original: Option<PathBuf>,
        /// In kết quả dạng JSON (cho máy).
        #[arg(long)]
        json: bool,
    },
    /// Ký số một tệp PDF (PAdES B-B) bằng khóa trong tệp PKCS#12, chữ ký hiện ở chỗ ký của
    /// người ký; ghi thêm vào cuối tệp nên các chữ ký trước vẫn hợp lệ.
    Sign {
        /// Tệp PDF cần ký.
        #[arg(value_name = "TỆP_PDF")]
        pdf: PathBuf,
        /// Tệp khóa và chứng thư số PKCS#12 (.p12, .pfx).
        #[arg(long, value_name = "TỆP_P12")]
        p12: PathBuf,
        /// Tệp chứa mật khẩu của tệp PKCS#12 (dòng đầu); không có thì lấy biến môi trường
        /// BAOCAO_P12_PASSWORD, không có nữa thì mật khẩu rỗng.
        #[arg(long, value_name = "TỆP")]
        password_file: Option<PathBuf>,
        /// Chức vụ của người ký, hiện trong chữ ký (ví dụ "BÍ THƯ"; mặc định: chức vụ in ở
        /// phần ký của văn bản baocao xuất ra).
        #[arg(long, value_name = "CHỨC_VỤ")]
        signer_title: Option<String>,
        /// Lý do ký.
        #[arg(long, default_value = "Ký ban hành báo cáo", value_name = "LÝ_DO")]
        reason: String,
        /// Trang đặt chữ ký (mặc định: chỗ ký văn bản đã dành, nếu không có thì trang cuối).
        #[arg(long, value_name = "SỐ")]
        page: Option<usize>,
        /// Ô chữ ký "x1 y1 x2 y2" (điểm, gốc ở góc dưới bên trái trang).
        #[arg(long, value_name = "Ô", allow_hyphen_values = true)]
        rect: Option<String>,
        /// Tệp PDF đã ký ghi ra.
        #[arg(short, long, value_name = "TỆP")]
        output: PathBuf,
    },
    /// Chạy máy chủ web: trang nhập báo cáo cho 63 tỉnh, trang tổng hợp, API JSON.
    Serve {
        /// Địa chỉ và cổng lắng nghe.
        #[arg(
            long,
            env = "BAOCAO_LISTEN",
            default_value = "127.0.0.1:8080",
            value_name = "ĐỊA_CHỈ"
        )]
        listen: std::net::SocketAddr,
        #[command(flatten)]
        db: Database,
        /// Cơ sở dữ liệu trình diễn (tạo mới mỗi lần chạy): tài khoản cho mọi vai trò, báo cáo mẫu ở mọi trạng thái.
        #[arg(long)]
        demo: bool,
        /// Đánh dấu cookie Secure (khi chạy sau HTTPS).
        #[arg(long, env = "BAOCAO_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Lấy địa chỉ máy khách từ tiêu đề X-Forwarded-For (địa chỉ cuối cùng, do reverse proxy
        /// thêm vào). Chỉ dùng khi mọi yêu cầu đều qua proxy đó; không thì ai cũng giả được địa chỉ.
        #[arg(long, env = "BAOCAO_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Thời hạn phiên đăng nhập (giờ).
        #[arg(
            long,
            env = "BAOCAO_SESSION_HOURS",
            default_value_t = 12,
            value_name = "GIỜ"
        )]
        session_hours: u64,
        /// Tự sao lưu định kỳ vào thư mục dữ liệu (sao-luu/), ví dụ 24h, 30m, 1d.
        #[arg(long, env = "BAOCAO_BACKUP_EVERY", value_name = "KHOẢNG")]
        backup_every: Option<String>,
        /// Số bản sao lưu định kỳ giữ lại (các bản cũ hơn bị xóa).
        #[arg(
            long,
            env = "BAOCAO_BACKUP_KEEP",
            default_value_t = 14,
            value_name = "SỐ"
        )]
        backup_keep: usize,
    },
    /// Sao lưu toàn bộ cơ sở dữ liệu ra một tệp (được cả khi máy chủ đang chạy).
    Backup {
        /// Tệp sao lưu ghi ra.
        #[arg(short, long, value_name = "TỆP")]
        output: PathBuf,
        #[command(flatten)]
        db: Database,
    },
    /// Phục hồi một bản sao lưu vào một cơ sở dữ liệu mới (SQLite hoặc PostgreSQL).
    Restore {
        /// Tệp sao lưu (do `baocao backup` hoặc trang quản trị tạo ra).
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        #[command(flatten)]
        db: Database,
    },
    /// Chạy thử: tạo báo cáo mẫu và xuất DOCX, HTML, Markdown vào một thư mục.
    Demo {
        /// Thư mục ghi ra.
        #[arg(short, long, default_value = "out", value_name = "THƯ_MỤC")]
        output: PathBuf,
        /// Mã tỉnh, thành phố.
        #[arg(long, default_value = "02", value_name = "MÃ_TỈNH")]
        province: String,
        /// Hạt giống.
        #[arg(long, default_value_t = 7, value_name = "SỐ")]
        seed: u64,
    },
}

/// The database `serve`, `backup` and `restore` use.
#[derive(clap::Args)]
pub struct Database {
    /// Cơ sở dữ liệu: postgres://… hoặc sqlite://… (mặc định: SQLite trong thư mục dữ liệu).
    #[arg(long, env = "BAOCAO_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Thư mục dữ liệu (tệp SQLite, bản sao lưu định kỳ).
    #[arg(
        long,
        env = "BAOCAO_DATA_DIR",
        default_value = "du-lieu",
        value_name = "THƯ_MỤC"
    )]
    pub data_dir: PathBuf,
}

#[derive(Subcommand)]
pub enum TemplateCmd {
    /// Kiểm tra một đề cương (tệp TOML hoặc mã có sẵn) và liệt kê mọi vấn đề.
    Check {
        /// Tệp .toml hoặc mã đề cương có sẵn (kl74-2021).
        #[arg(value_name = "ĐỀ_CƯƠNG")]
        template: String,
    },
    /// In JSON Schema của báo cáo theo đề cương.
    Schema {
        /// Tệp .toml hoặc mã đề cương có sẵn (kl74-2021).
        #[arg(value_name = "ĐỀ_CƯƠNG")]
        template: String,
    },
    /// Liệt kê các đề cương có sẵn.
    List,
    /// Nhập đề cương từ văn bản Word (.docx) hoặc văn bản thuần (.txt) thành tệp đề cương TOML;
    /// in những chỗ chưa chắc và những gì quản trị viên còn phải quyết định.
    Import {
        /// Tệp đề cương .docx hoặc .txt.
        #[arg(value_name = "TỆP")]
        file: PathBuf,
        /// Tệp đề cương TOML sẽ ghi.
        #[arg(short, long, value_name = "TỆP_TOML")]
        output: PathBuf,
    },
}

/// clap writes its help headings in English; every command gets Vietnamese ones.
const HELP: &str = "{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

fn localize(cmd: clap::Command) -> clap::Command {
    cmd.help_template(HELP)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In hướng dẫn này"),
        )
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "Đối số"
            } else {
                "Tùy chọn"
            };
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let a = a.help_heading(heading);
            if defaults.is_empty() {
                return a;
            }
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let help = format!(
                "{} (mặc định: {})",
                help.trim_end_matches('.'),
                defaults.join(", ")
            );
            a.hide_default_value(true).help(help)
        })
        .mut_subcommands(localize)
}

/// A usage error in Vietnamese (clap's own messages are English).
fn usage_error(e: &clap::Error) -> String {
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    match e.kind() {
        ErrorKind::UnknownArgument => {
            format!("không có tham số “{}”", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidSubcommand => {
            format!("không có lệnh “{}”", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => {
            format!("thiếu tham số bắt buộc: {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "thiếu lệnh".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "giá trị “{}” không hợp lệ cho {}",
            ctx(ContextKind::InvalidValue),
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::TooManyValues => "thừa tham số".to_string(),
        _ => "lệnh không đúng".to_string(),
    }
}

fn main() -> ExitCode {
    let cmd = localize(
        Cli::command().arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("In phiên bản"),
        ),
    );
    let cli = match cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("Lỗi: {}. Xem hướng dẫn: baocao --help", usage_error(&e));
            return ExitCode::from(2);
        }
    };
    // Only the server lives long enough for returned memory to matter; a command that exits
    // in milliseconds would only pay for faulting the same pages in again.
    if matches!(cli.command, Command::Serve { .. }) {
        purge_freed_memory_at_once();
    }
    // A command asked for JSON answers its failure in JSON on stdout too.
    let json = matches!(cli.command, Command::Validate { json: true, .. });
    match cmd::run(cli.command) {
        Ok(cmd::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cmd::Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": e }));
            }
            eprintln!("Lỗi: {e}");
            ExitCode::from(2)
        }
    }
}

/// A path for messages.
pub fn shown(p: &Path) -> String {
    p.display().to_string()
}
