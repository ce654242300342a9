//! Renders a report JSON to PDF without the CLI: `cargo run -p pdf --example render -- r.json
//! out.pdf [--pdfa]`. Prints the warnings and the time taken.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        eprintln!("cách dùng: render BÁO_CÁO.json RA.pdf [--pdfa]");
        std::process::exit(2);
    };
    let r = report::Report::from_json(&std::fs::read_to_string(input)?)?;
    let t = outline::builtin(&r.template.id)?;
    let profile = outline::Profile::builtin(&t.template.profile)?;
    let doc = document::build(&t, &r, &profile, units::Units::embedded()?)?;
    let opts = pdf::PdfOptions {
        pdfa: args.iter().any(|a| a == "--pdfa"),
        ..pdf::PdfOptions::default()
    };
    let start = Instant::now();
    let out = pdf::render(&doc, &profile, &opts)?;
    let took = start.elapsed();
    for w in &out.warnings {
        eprintln!("Cảnh báo: {w}");
    }
    std::fs::write(output, &out.bytes)?;
    eprintln!(
        "{output}: {} trang, phông {}, {:.1} ms",
        out.pages,
        out.font,
        took.as_secs_f64() * 1000.0
    );
    Ok(())
}
