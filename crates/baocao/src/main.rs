//! `baocao`: the command line. Glue only: parse what was typed, call the library crates, print,
//! and decide the exit code in one place (0 success, 1 problems found, 2 could not run).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Báo cáo theo đề cương: đề cương là dữ liệu, báo cáo là JSON, văn bản đúng thể thức của Đảng.
#[derive(Parser)]
#[command(name = "baocao", version, about, disable_help_subcommand = true)]
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
        report: PathBuf,
        /// Bản nháp: chỉ báo cái sai, không báo cái còn thiếu.
        #[arg(long)]
        draft: bool,
        /// In kết quả dạng JSON (cho máy).
        #[arg(long)]
        json: bool,
        /// Tệp đề cương (mặc định: đề cương có sẵn theo mã trong báo cáo).
        #[arg(long)]
        template: Option<PathBuf>,
    },
    /// Tạo một báo cáo mẫu đầy đủ, hợp lệ cho một tỉnh, thành phố.
    Sample {
        /// Mã tỉnh, thành phố (2 chữ số, ví dụ 02 là Hà Giang).
        #[arg(long)]
        province: String,
        /// Hạt giống: cùng hạt giống cho cùng báo cáo.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Tệp ghi ra (mặc định: in ra màn hình).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Mã đề cương.
        #[arg(long, default_value = "kl74-2021")]
        template: String,
        /// Báo cáo lớn nhất: mọi mô hình trong danh mục, mọi đơn vị cấp huyện của tỉnh.
        #[arg(long)]
        full: bool,
    },
    /// Xuất văn bản: .docx, .html hoặc .md (theo đuôi tệp).
    Render {
        /// Tệp báo cáo JSON.
        report: PathBuf,
        /// Tệp ghi ra: report.docx, report.html hoặc report.md.
        #[arg(short, long)]
        output: PathBuf,
        /// Tệp đề cương (mặc định: đề cương có sẵn theo mã trong báo cáo).
        #[arg(long)]
        template: Option<PathBuf>,
    },
    /// Chạy thử: tạo báo cáo mẫu và xuất DOCX, HTML, Markdown vào một thư mục.
    Demo {
        /// Thư mục ghi ra.
        #[arg(short, long, default_value = "out")]
        output: PathBuf,
        /// Mã tỉnh, thành phố.
        #[arg(long, default_value = "02")]
        province: String,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

#[derive(Subcommand)]
pub enum TemplateCmd {
    /// Kiểm tra một đề cương (tệp TOML hoặc mã có sẵn) và liệt kê mọi vấn đề.
    Check {
        /// Tệp .toml hoặc mã đề cương có sẵn (kl74-2021).
        template: String,
    },
    /// In JSON Schema của báo cáo theo đề cương.
    Schema {
        /// Tệp .toml hoặc mã đề cương có sẵn (kl74-2021).
        template: String,
    },
    /// Liệt kê các đề cương có sẵn.
    List,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help and version itself; its usage errors are English, so say it here too.
            let code = e.exit_code();
            let _ = e.print();
            if code != 0 {
                eprintln!("Lệnh không đúng. Xem hướng dẫn: baocao --help");
                return ExitCode::from(2);
            }
            return ExitCode::SUCCESS;
        }
    };
    match cmd::run(cli.command) {
        Ok(cmd::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cmd::Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            eprintln!("Lỗi: {e}");
            ExitCode::from(2)
        }
    }
}

/// A path for messages.
pub fn shown(p: &Path) -> String {
    p.display().to_string()
}
