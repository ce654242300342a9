//! The commands. Each returns whether problems were found; errors are for what stopped the run.

use std::fs;
use std::path::{Path, PathBuf};

use outline::{Profile, Severity, Template};
use report::{Options, Report};
use units::Units;

use crate::{shown, Command, TemplateCmd};

/// Prints a line to stdout; a closed pipe (`baocao … | head`) is not an error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// What a command found.
pub enum Outcome {
    Clean,
    Problems,
}

pub type Result<T> = std::result::Result<T, String>;

pub fn run(c: Command) -> Result<Outcome> {
    match c {
        Command::Template { action } => template(action),
        Command::Validate {
            report,
            draft,
            json,
            template,
        } => validate(&report, draft, json, template.as_deref()),
        Command::Sample {
            province,
            district,
            seed,
            output,
            template,
            full,
        } => sample(
            &province,
            district.as_deref(),
            seed,
            output.as_deref(),
            &template,
            full,
        ),
        Command::Rollup {
            report,
            sheets,
            output,
            json,
        } => rollup(&report, &sheets, &output, json),
        Command::Import {
            file,
            province,
            template,
            output,
            json,
        } => import(&file, &province, &template, &output, json),
        Command::Render {
            report,
            output,
            template,
            pdfa,
        } => render(&report, &output, template.as_deref(), pdfa),
        Command::Consolidate {
            reports,
            output,
            number,
            date,
            include_invalid,
        } => consolidate(&reports, &output, number, date.as_deref(), include_invalid),
        Command::Search {
            reports,
            query,
            limit,
        } => search(&reports, &query, limit),
        Command::Verify {
            pdf,
            trust,
            original,
            json,
        } => crate::signing::verify(&pdf, trust.as_deref(), original.as_deref(), json),
        Command::Sign {
            pdf,
            p12,
            password_file,
            signer_title,
            reason,
            page,
            rect,
            output,
        } => crate::signing::sign(crate::signing::SignArgs {
            pdf: &pdf,
            p12: &p12,
            password_file: password_file.as_deref(),
            signer_title: signer_title.as_deref(),
            reason: &reason,
            page,
            rect: rect.as_deref(),
            output: &output,
        }),
        Command::Serve {
            listen,
            db,
            demo,
            secure_cookies,
            trust_forwarded_for,
            session_hours,
            backup_every,
            backup_keep,
        } => crate::serve::run(crate::serve::Options {
            listen,
            database_url: db.database_url,
            data_dir: db.data_dir,
            demo,
            secure_cookies,
            trust_forwarded_for,
            session_hours,
            backup_every: backup_every
                .as_deref()
                .map(crate::serve::parse_every)
                .transpose()?,
            backup_keep: backup_keep.max(1),
        }),
        Command::Backup { output, db } => {
            crate::serve::backup(db.database_url.as_deref(), &db.data_dir, &output)
        }
        Command::Restore { file, db } => {
            crate::serve::restore(db.database_url.as_deref(), &db.data_dir, &file)
        }
        Command::Demo {
            output,
            province,
            seed,
        } => demo(&output, &province, seed),
    }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("không tìm thấy tệp {}", shown(path)),
        std::io::ErrorKind::InvalidData => format!("tệp {} không phải văn bản UTF-8", shown(path)),
        _ => format!("không đọc được tệp {}: {}", shown(path), vi::io_reason(&e)),
    })
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| {
            format!(
                "không tạo được thư mục {}: {}",
                shown(dir),
                vi::io_reason(&e)
            )
        })?;
    }
    // Write beside, then rename: a reader never sees half a file.
    let tmp = path.with_extension("tmp-baocao");
    let failed = |e: std::io::Error| {
        let _ = fs::remove_file(&tmp);
        format!("không ghi được tệp {}: {}", shown(path), vi::io_reason(&e))
    };
    fs::write(&tmp, bytes).map_err(failed)?;
    fs::rename(&tmp, path).map_err(failed)
}

fn units() -> Result<&'static Units> {
    Units::embedded().map_err(|e| e.to_string())
}

/// A template from a file path or a built-in id.
fn load_template(spec: &str) -> Result<Template> {
    if spec.ends_with(".toml") || Path::new(spec).exists() {
        let text = read(Path::new(spec))?;
        Template::load_strict(&text, spec).map_err(|e| e.to_string())
    } else {
        outline::builtin(spec).map_err(|e| e.to_string())
    }
}

fn load_report(path: &Path) -> Result<Report> {
    let text = read(path)?;
    Report::from_json(&text).map_err(|e| format!("{}: {e}", shown(path)))
}

fn template_for(r: &Report, file: Option<&Path>) -> Result<Template> {
    match file {
        Some(f) => load_template(&f.display().to_string()),
        None => outline::builtin(&r.template.id).map_err(|e| e.to_string()),
    }
}

fn template(action: TemplateCmd) -> Result<Outcome> {
    match action {
        TemplateCmd::List => {
            for id in outline::BUILTIN {
                let t = outline::builtin(id).map_err(|e| e.to_string())?;
                outln!(
                    "{}\t{}\t{}",
                    t.template.id,
                    t.template.version,
                    t.template.name
                );
            }
            Ok(Outcome::Clean)
        }
        TemplateCmd::Schema { template } => {
            let t = load_template(&template)?;
            let s = report::schema::schema(&t);
            outln!(
                "{}",
                serde_json::to_string_pretty(&s).map_err(|e| e.to_string())?
            );
            Ok(Outcome::Clean)
        }
        TemplateCmd::Import { file, output } => template_import(&file, &output),
        TemplateCmd::Check { template } => {
            let (text, origin) = if Path::new(&template).exists() || template.ends_with(".toml") {
                (read(Path::new(&template))?, template.clone())
            } else if template == "kl74-2021" {
                (outline::KL74_2021.to_string(), "kl74-2021".to_string())
            } else {
                return Err(format!(
                    "không có đề cương “{template}” (tệp .toml hoặc mã có sẵn: kl74-2021)"
                ));
            };
            let (t, problems) = Template::load(&text, &origin);
            for p in &problems {
                outln!("{p}");
            }
            let errors = problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count();
            let warnings = problems.len() - errors;
            match (&t, errors) {
                (Some(t), 0) => {
                    let items = t.node.len();
                    outln!(
                        "Đề cương {} (phiên bản {}) hợp lệ: {} mục, {} mô hình trong danh mục, {} chú thích; {} cảnh báo.",
                        t.template.id,
                        t.template.version,
                        items,
                        t.catalogue.len(),
                        t.footnote.len(),
                        warnings
                    );
                    Ok(Outcome::Clean)
                }
                _ => {
                    outln!("Đề cương {origin} có {errors} lỗi, {warnings} cảnh báo.");
                    Ok(Outcome::Problems)
                }
            }
        }
    }
}

/// `baocao template import`: an outline (DOCX or text) into a proposed template, with what the
/// importer was unsure of and what the administrator must still decide (exit 1 when anything
/// is left to decide, 0 when the template is ready).
fn template_import(file: &Path, output: &Path) -> Result<Outcome> {
    let size = fs::metadata(file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("không tìm thấy tệp {}", shown(file)),
            _ => format!("không đọc được tệp {}: {}", shown(file), vi::io_reason(&e)),
        })?
        .len();
    if size > import::docx::MAX_FILE_BYTES as u64 {
        let e = import::ImportError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            max: import::docx::MAX_FILE_BYTES,
        };
        return Err(format!("{}: {e}", shown(file)));
    }
    let bytes = fs::read(file)
        .map_err(|e| format!("không đọc được tệp {}: {}", shown(file), vi::io_reason(&e)))?;
    let got =
        import::outline::import_outline(&bytes).map_err(|e| format!("{}: {e}", shown(file)))?;
    write(output, got.toml.as_bytes())?;
    outln!("Đã nhập đề cương {} vào {}.", shown(file), shown(output));
    let unsure: Vec<_> = got
        .notes
        .iter()
        .filter(|n| n.kind == import::outline::NoteKind::Unsure)
        .collect();
    if !unsure.is_empty() {
        outln!("\nChưa chắc chắn ({}), hãy xem lại:", unsure.len());
        for n in unsure {
            outln!("  {}: {}", n.place, n.message);
        }
    }
    let warnings: Vec<_> = got
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect();
    for p in &warnings {
        outln!("{p}");
    }
    let decide = got.to_decide();
    if decide.is_empty() {
        outln!(
            "\nĐề cương {} hợp lệ (baocao template check): không còn gì phải quyết định.",
            shown(output)
        );
        Ok(Outcome::Clean)
    } else {
        outln!("\nCòn phải quyết định ({}):", decide.len());
        for d in &decide {
            outln!("  {d}");
        }
        let errors = got
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        if errors == 0 {
            outln!(
                "Tệp {} đã qua baocao template check; sửa những chỗ trên rồi kiểm tra lại.",
                shown(output)
            );
        } else {
            outln!(
                "Tệp {} còn {errors} lỗi khi kiểm tra (baocao template check); sửa những chỗ trên.",
                shown(output)
            );
        }
        Ok(Outcome::Problems)
    }
}

fn validate(path: &Path, draft: bool, json: bool, tpl: Option<&Path>) -> Result<Outcome> {
    let r = load_report(path)?;
    let t = template_for(&r, tpl)?;
    let problems = report::validate(&t, &r, units()?, Options { draft });
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let warnings: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect();
    if json {
        let out = serde_json::json!({
            "file": shown(path),
            "draft": draft,
            "errors": errors,
            "warnings": warnings,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else {
        if !errors.is_empty() {
            outln!("Lỗi ({}):", errors.len());
            for p in &errors {
                outln!("  {p}");
            }
        }
        if !warnings.is_empty() {
            outln!("Cảnh báo ({}):", warnings.len());
            for p in &warnings {
                outln!("  {p}");
            }
        }
        let kind = if draft { "Bản nháp" } else { "Báo cáo" };
        if errors.is_empty() {
            outln!(
                "{kind} {} không có lỗi; {} cảnh báo.",
                shown(path),
                warnings.len()
            );
        } else {
            outln!(
                "{kind} {} có {} lỗi, {} cảnh báo.",
                shown(path),
                errors.len(),
                warnings.len()
            );
        }
    }
    Ok(if errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}

fn sample(
    province: &str,
    district: Option<&str>,
    seed: u64,
    output: Option<&Path>,
    template: &str,
    full: bool,
) -> Result<Outcome> {
    let t = load_template(template)?;
    let opts = report::sample::SampleOptions { full };
    let r = match district {
        Some(d) => report::sample::sample_district(&t, units()?, province, d, seed, opts),
        None => report::sample::sample_with(&t, units()?, province, seed, opts),
    }
    .map_err(|e| e.to_string())?;
    let json = r.to_json();
    match output {
        Some(o) => {
            write(o, json.as_bytes())?;
            let what = if district.is_some() {
                "phiếu cấp huyện mẫu"
            } else {
                "báo cáo mẫu"
            };
            eprintln!("Đã ghi {what} vào {}", shown(o));
        }
        None => {
            use std::io::Write as _;
            let _ = std::io::stdout().write_all(json.as_bytes());
        }
    }
    Ok(Outcome::Clean)
}

/// `baocao rollup`: the province's report with its district rows, figures and lists from the
/// sheets; prints who filled what, what the sheets do not support and what the province keeps.
fn rollup(path: &Path, sheet_paths: &[PathBuf], output: &Path, json: bool) -> Result<Outcome> {
    let mut r = load_report(path)?;
    let t = template_for(&r, None)?;
    let units = units()?;
    let mut sheets = Vec::new();
    for p in sheet_paths {
        let s = load_report(p)?;
        let problems = report::validate(&t, &s, units, Options { draft: false });
        if report::has_errors(&problems) {
            let first = problems
                .iter()
                .find(|p| p.severity == Severity::Error)
                .map(|p| p.to_string())
                .unwrap_or_default();
            return Err(format!(
                "phiếu {} có lỗi, chưa tổng hợp được (kiểm tra bằng baocao validate): {first}",
                shown(p)
            ));
        }
        sheets.push((s, shown(p)));
    }
    let refs: Vec<consolidate::rollup::Sheet<'_>> = sheets
        .iter()
        .map(|(report, version)| consolidate::rollup::Sheet { report, version })
        .collect();
    let out = consolidate::rollup::rollup(&t, units, &mut r, &refs).map_err(|e| e.to_string())?;
    write(output, r.to_json().as_bytes())?;
    let label = |block: &str, model: &str| {
        let family = t
            .node(block)
            .and_then(|b| b.family.as_ref())
            .and_then(|f| t.families.get(f))
            .cloned()
            .unwrap_or_default();
        let name = t
            .catalogue_entry(model)
            .map(|c| c.short.clone())
            .unwrap_or_else(|| model.to_string());
        format!("{family} {name}")
    };
    if json {
        let v = serde_json::json!({ "output": shown(output), "outcome": out });
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        outln!("Đơn vị cấp huyện đã điền ({} phần):", out.filled.len());
        for f in &out.filled {
            let items: Vec<String> = f.items.iter().map(|i| web_free_label(&t, i)).collect();
            outln!(
                "  {} ({}), {}: {} [{}]",
                f.district_name,
                f.version,
                label(&f.block, &f.model),
                items.join("; "),
                f.instance
            );
        }
        if !out.unsupported.is_empty() {
            outln!(
                "Dòng của báo cáo không có phiếu cấp huyện ({}):",
                out.unsupported.len()
            );
            for u in &out.unsupported {
                outln!(
                    "  {}: {} [{}]",
                    u.district_name,
                    label(&u.block, &u.model),
                    u.instance
                );
            }
        }
        for (title, list) in [
            ("Giữ số liệu tỉnh đã sửa", &out.kept),
            (
                "Thay nội dung tỉnh đã ghi bằng số liệu từ phiếu",
                &out.replaced,
            ),
            (
                "Văn bản từ phiếu không được in vì câu trả lời của tỉnh (hãy xem lại)",
                &out.hidden,
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            outln!("{title} ({}):", list.len());
            for k in list {
                outln!(
                    "  {} [{}]{}: báo cáo “{}” – phiếu “{}”",
                    web_free_label(&t, &k.item),
                    k.instance,
                    part_label(&t, &k.item, k.part.as_deref()),
                    plain_value(&k.report),
                    plain_value(&k.sheets)
                );
            }
        }
        outln!("Đã ghi báo cáo vào {}", shown(output));
    }
    Ok(if out.unsupported.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}

/// Where in an item a roll-up value is, in words: a figure cell by its row and column, a district
/// row by the district's name.
fn part_label(t: &Template, item: &str, part: Option<&str>) -> String {
    let Some(part) = part else {
        return String::new();
    };
    if let Some(d) = units().ok().and_then(|u| u.district(part)) {
        return format!(", {}", d.name);
    }
    match part.split_once('.') {
        Some((row, col)) => {
            let answer = t.node(item).and_then(|n| n.answer.as_ref());
            let row = answer
                .and_then(|a| a.row.iter().find(|r| r.key == row))
                .map(|r| r.label.clone())
                .unwrap_or_else(|| row.to_string());
            let cutoff = t.cutoff().map(|d| d.short_vi()).unwrap_or_default();
            let col = answer
                .map(|a| a.figure_column(col, &cutoff).to_lowercase())
                .unwrap_or_else(|| col.to_string());
            format!(", {row} – {col}")
        }
        None => format!(", {part}"),
    }
}

/// A JSON answer for the command line: numbers the Vietnamese way, a document by its number and
/// date, lists joined by "; ".
fn plain_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(vi::format_int)
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(plain_value).collect::<Vec<_>>().join("; "),
        Value::Object(o) => match o.get("number").and_then(Value::as_str) {
            Some(number) => {
                let date = o
                    .get("date")
                    .and_then(Value::as_str)
                    .and_then(|d| vi::Date::parse_iso(d).ok())
                    .map(|d| format!(" ngày {}", d.short_vi()))
                    .unwrap_or_default();
                format!("{number}{date}")
            }
            None => o.values().map(plain_value).collect::<Vec<_>>().join(", "),
        },
        Value::Bool(b) => if *b { "có" } else { "không" }.to_string(),
        Value::Null => String::new(),
    }
}

/// An item's short label for the command line: its text, shortened, without `{model}`.
fn web_free_label(t: &Template, item: &str) -> String {
    let text = t.node(item).map(|n| n.text.as_str()).unwrap_or(item);
    let text = if text.trim().is_empty() {
        t.node(item).and_then(|n| n.hint.as_deref()).unwrap_or(item)
    } else {
        text
    };
    vi::shorten(text.trim_end_matches(':').trim(), 60)
}

/// Renders a report to the format its extension names.
pub fn render_bytes(r: &Report, t: &Template, output: &Path) -> Result<Vec<u8>> {
    render_bytes_pdfa(r, t, output, false)
}

/// Like [`render_bytes`]; `pdfa` asks for PDF/A-2b (a .pdf output only).
pub fn render_bytes_pdfa(r: &Report, t: &Template, output: &Path, pdfa: bool) -> Result<Vec<u8>> {
    let profile = Profile::builtin(&t.template.profile).map_err(|e| e.to_string())?;
    let doc = document::build(t, r, &profile, units()?).map_err(|e| e.to_string())?;
    let ext = output
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    if pdfa && ext != "pdf" {
        return Err(format!(
            "--pdfa chỉ dùng khi xuất tệp .pdf ({})",
            shown(output)
        ));
    }
    match ext.as_str() {
        "docx" => document::docx::to_docx(&doc, &profile).map_err(|e| e.to_string()),
        #[cfg(feature = "pdf")]
        "pdf" => {
            let opts = pdf::PdfOptions {
                pdfa,
                ..pdf::PdfOptions::default()
            };
            let out = pdf::render(&doc, &profile, &opts).map_err(|e| e.to_string())?;
            for w in &out.warnings {
                eprintln!("Cảnh báo: {w}");
            }
            Ok(out.bytes)
        }
        #[cfg(not(feature = "pdf"))]
        "pdf" => Err(
            "bản baocao này được dựng không có phần xuất PDF (tính năng “pdf”): dựng lại với \
             các tính năng mặc định, ví dụ cargo install --path crates/baocao"
                .to_string(),
        ),
        "html" | "htm" => Ok(document::html::to_html(&doc, &profile).into_bytes()),
        "md" => Ok(document::markdown::to_markdown(&doc).into_bytes()),
        _ => Err(format!(
            "không biết xuất ra dạng “{ext}” ({}): dùng đuôi .docx, .pdf, .html hoặc .md",
            shown(output)
        )),
    }
}

fn render(path: &Path, output: &Path, tpl: Option<&Path>, pdfa: bool) -> Result<Outcome> {
    let r = load_report(path)?;
    let t = template_for(&r, tpl)?;
    let bytes = render_bytes_pdfa(&r, &t, output, pdfa)?;
    write(output, &bytes)?;
    let problems = report::validate(&t, &r, units()?, Options::default());
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "Đã ghi {}; báo cáo còn {errors} lỗi (xem: baocao validate {}).",
            shown(output),
            shown(path)
        );
    } else {
        eprintln!("Đã ghi {}", shown(output));
    }
    Ok(Outcome::Clean)
}

fn demo(dir: &Path, province: &str, seed: u64) -> Result<Outcome> {
    let t = outline::builtin("kl74-2021").map_err(|e| e.to_string())?;
    let u = units()?;
    let r = report::sample::sample(&t, u, province, seed).map_err(|e| e.to_string())?;
    let name = u
        .province(province)
        .map(|p| p.short().to_string())
        .unwrap_or_default();
    let json_path: PathBuf = dir.join(format!("baocao-{province}.json"));
    write(&json_path, r.to_json().as_bytes())?;
    outln!("Báo cáo mẫu của {name}: {}", shown(&json_path));
    for ext in ["docx", "html", "md"] {
        let out = dir.join(format!("baocao-{province}.{ext}"));
        let bytes = render_bytes(&r, &t, &out)?;
        write(&out, &bytes)?;
        outln!("  {}", shown(&out));
    }
    let problems = report::validate(&t, &r, u, Options::default());
    let warnings = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .count();
    outln!(
        "Kiểm tra: {} lỗi, {warnings} cảnh báo. Mở tệp .docx bằng Word hoặc LibreOffice để xem văn bản.",
        problems.len() - warnings
    );
    Ok(Outcome::Clean)
}

fn consolidate(
    paths: &[PathBuf],
    outputs: &[PathBuf],
    number: Option<String>,
    date: Option<&str>,
    include_invalid: bool,
) -> Result<Outcome> {
    let date = date
        .map(|d| vi::Date::parse(d).map_err(|e| format!("ngày văn bản: {e}")))
        .transpose()?;
    if let Some(n) = &number {
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("số văn bản “{n}” phải là số (ví dụ 15)"));
        }
    }
    let (reports, t) = load_reports(paths)?;
    let u = units()?;
    // Only valid reports are consolidated (PRODUCT.md §5), unless asked otherwise: then the
    // invalid ones are marked in every output.
    let mut invalid = Vec::new();
    let mut refused = Vec::new();
    for (r, v) in &reports {
        let errors: Vec<report::Problem> = report::validate(&t, r, u, Options::default())
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            invalid.push(false);
            continue;
        }
        invalid.push(true);
        let first: Vec<String> = errors
            .iter()
            .take(3)
            .map(|p| format!("  - {}: {}", p.place, p.message))
            .collect();
        let more = if errors.len() > 3 {
            format!("\n  … và {} lỗi khác", errors.len() - 3)
        } else {
            String::new()
        };
        let msg = format!(
            "báo cáo {v} còn {} lỗi:\n{}{more}",
            errors.len(),
            first.join("\n")
        );
        if include_invalid {
            eprintln!("Cảnh báo: {msg}\n  Vẫn tổng hợp theo --include-invalid; tỉnh này được đánh dấu “chưa hợp lệ”.");
        } else {
            refused.push(msg);
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "không tổng hợp báo cáo chưa hợp lệ: {}\nSửa các lỗi rồi tổng hợp lại, hoặc thêm --include-invalid để vẫn tổng hợp (các tỉnh đó sẽ được đánh dấu).",
            refused.join("\n")
        ));
    }
    let problems = invalid.iter().filter(|x| **x).count();
    let sources: Vec<consolidate::Source> = reports
        .iter()
        .zip(&invalid)
        .map(|((r, v), &invalid)| consolidate::Source {
            report: r.clone(),
            version: v.clone(),
            at: None,
            invalid,
        })
        .collect();
    let c = consolidate::consolidate(&t, u, &sources).map_err(|e| e.to_string())?;
    let profile = Profile::builtin(&t.template.profile).map_err(|e| e.to_string())?;
    for out in outputs {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        let bytes = match ext.as_str() {
            "json" => serde_json::to_vec_pretty(&c).map_err(|e| e.to_string())?,
            "xlsx" => {
                let refs: Vec<(&Report, &str)> = reports.iter().map(|(r, v)| (r, v.as_str())).collect();
                consolidate::xlsx::workbook(&c, &t, u, &refs).map_err(|e| e.to_string())?
            }
            "docx" | "html" | "htm" | "md" | "pdf" => {
                let opts = consolidate::document::Options {
                    date,
                    number: number.clone(),
                };
                let doc = consolidate::document::document(&c, &t, &profile, &opts);
                match ext.as_str() {
                    "docx" => document::docx::to_docx(&doc, &profile).map_err(|e| e.to_string())?,
                    "md" => document::markdown::to_markdown(&doc).into_bytes(),
                    "pdf" => consolidated_pdf(&doc, &profile)?,
                    _ => document::html::to_html(&doc, &profile).into_bytes(),
                }
            }
            _ => {
                return Err(format!(
                    "không biết xuất ra dạng “{ext}” ({}): dùng đuôi .docx, .pdf, .xlsx, .html, .md hoặc .json",
                    shown(out)
                ))
            }
        };
        write(out, &bytes)?;
        eprintln!("Đã ghi {}", shown(out));
    }
    outln!(
        "Tổng hợp {} báo cáo; còn thiếu {} tỉnh, thành phố; {} thí điểm đã kết thúc.",
        c.included.len(),
        c.missing.len(),
        c.ended.len()
    );
    Ok(if problems > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// The consolidated report as PDF (charts drawn as bars; one longer than a page as its table).
#[cfg(feature = "pdf")]
fn consolidated_pdf(doc: &document::Document, profile: &Profile) -> Result<Vec<u8>> {
    let out = pdf::render(doc, profile, &pdf::PdfOptions::default()).map_err(|e| e.to_string())?;
    for w in &out.warnings {
        eprintln!("Cảnh báo: {w}");
    }
    Ok(out.bytes)
}

#[cfg(not(feature = "pdf"))]
fn consolidated_pdf(_: &document::Document, _: &Profile) -> Result<Vec<u8>> {
    Err(
        "bản baocao này được dựng không có phần xuất PDF (tính năng “pdf”): dựng lại với \
         các tính năng mặc định, ví dụ cargo install --path crates/baocao"
            .to_string(),
    )
}

/// Reports named by files (each file name is the version in provenance) and their template.
fn load_reports(paths: &[PathBuf]) -> Result<(Vec<(Report, String)>, Template)> {
    let mut reports = Vec::new();
    for p in paths {
        let r = load_report(p)?;
        let version = p
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        reports.push((r, version));
    }
    let Some((first, _)) = reports.first() else {
        return Err("chưa có báo cáo nào".into());
    };
    let t = outline::builtin(&first.template.id).map_err(|e| e.to_string())?;
    Ok((reports, t))
}

fn search(paths: &[PathBuf], query: &str, limit: usize) -> Result<Outcome> {
    let (reports, t) = load_reports(paths)?;
    let sources: Vec<consolidate::Source> = reports
        .into_iter()
        .map(|(report, version)| consolidate::Source {
            report,
            version,
            at: None,
            invalid: false,
        })
        .collect();
    let c = consolidate::consolidate(&t, units()?, &sources).map_err(|e| e.to_string())?;
    let index = consolidate::search::NarrativeIndex::build(&c).map_err(|e| e.to_string())?;
    let hits = index.search(query, limit).map_err(|e| e.to_string())?;
    if hits.is_empty() {
        outln!("Không tìm thấy nội dung nào khớp với “{query}”.");
        return Ok(Outcome::Problems);
    }
    outln!("{} kết quả cho “{query}”:", hits.len());
    for (i, h) in hits.iter().enumerate() {
        let model = h
            .model_name
            .as_deref()
            .map(|m| format!(" – {m}"))
            .unwrap_or_default();
        outln!(
            "{}. {}{model} – {} [{}]",
            i + 1,
            h.province_name,
            h.title,
            h.item
        );
        outln!("   {}", h.snippet);
    }
    Ok(Outcome::Clean)
}

/// `baocao import`: a Word report into a draft report JSON, with the placement report.
fn import(
    file: &Path,
    province: &str,
    template: &str,
    output: &Path,
    json: bool,
) -> Result<Outcome> {
    let t = load_template(template)?;
    // Refuse an oversized file before reading it into memory.
    let size = fs::metadata(file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("không tìm thấy tệp {}", shown(file)),
            _ => format!("không đọc được tệp {}: {e}", shown(file)),
        })?
        .len();
    if size > import::docx::MAX_FILE_BYTES as u64 {
        let e = import::ImportError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            max: import::docx::MAX_FILE_BYTES,
        };
        return Err(format!("{}: {e}", shown(file)));
    }
    let bytes = fs::read(file).map_err(|e| format!("không đọc được tệp {}: {e}", shown(file)))?;
    let got = import::import(&bytes, &t, province).map_err(|e| format!("{}: {e}", shown(file)))?;
    write(output, got.report.to_json().as_bytes())?;
    if json {
        let text = serde_json::to_string_pretty(&got.placement).map_err(|e| e.to_string())?;
        outln!("{text}");
    } else {
        outln!("Đã nhập {} vào {} (bản nháp).", shown(file), shown(output));
        for line in got.placement.to_text().lines() {
            outln!("{line}");
        }
    }
    Ok(if got.placement.unplaced.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}
