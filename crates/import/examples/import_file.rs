//! The whole import of one file as `baocao import` does it, without the rest of the binary:
//! read the DOCX, load the built-in template, import, write the draft JSON and print the
//! placement report. For timing the whole process against other DOCX readers
//! (`scripts/bench-import.sh`):
//! `cargo run --release -p import --example import_file -- report.docx 02 out.json`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(province), Some(out)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("cách dùng: import_file TỆP.docx MÃ_TỈNH TỆP.json");
        return ExitCode::from(2);
    };
    let run = || -> Result<bool, String> {
        let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
        let t = outline::builtin("kl74-2021").map_err(|e| e.to_string())?;
        let got = import::import(&bytes, &t, province).map_err(|e| e.to_string())?;
        std::fs::write(out, got.report.to_json()).map_err(|e| e.to_string())?;
        print!("{}", got.placement.to_text());
        Ok(got.placement.unplaced.is_empty())
    };
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("Lỗi: {e}");
            ExitCode::from(2)
        }
    }
}
