//! The consolidation as an Excel workbook (rust_xlsxwriter): one sheet per table, one sheet per
//! repeated block with one row per (province, model) or (province, model, district), header rows
//! frozen, numbers as numbers. Text is always written as text: a value starting with "=", "+",
//! "-" or "@" is never a formula. Deterministic: fixed document properties and dates.
//!
//! Rows are written in order and streamed: each sheet's XML goes to a temporary file (in
//! `std::env::temp_dir()`) as it is written and is compressed into the workbook at the end, so
//! memory does not grow with the rows (rust_xlsxwriter's "low memory" mode). When the temporary
//! directory is not writable the sheets are held in memory instead; the workbook is the same.

use outline::{ColumnRole, Role, Template};
use report::Report;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};
use serde_json::Value;
use units::Units;

use crate::model::*;
use crate::Error;

fn e(err: XlsxError) -> Error {
    Error::Xlsx(err.to_string())
}

/// A new worksheet. With `low_memory` (the temporary directory is writable), in
/// rust_xlsxwriter's "low memory" mode: each row goes out as XML when the next one starts, to a
/// temporary file that the workbook then compresses, so the hundreds of thousands of rows of a
/// large round are never held cell by cell. Strings still go through the shared-string table, in
/// the order they are written (the same table as in-memory sheets); every sheet here writes its
/// rows in order, as the mode requires. Otherwise an ordinary in-memory worksheet.
fn add_sheet(wb: &mut Workbook, low_memory: bool) -> Result<&mut Worksheet, Error> {
    if low_memory {
        wb.add_worksheet_with_low_memory().map_err(e)
    } else {
        Ok(wb.add_worksheet())
    }
}

/// How date cells are shown: the Vietnamese day/month/year.
fn date_format() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

/// A new named sheet (see [`add_sheet`]), written from its first row.
fn new_sheet<'a>(
    wb: &'a mut Workbook,
    low_memory: bool,
    name: impl Into<String>,
    head: &'a Format,
) -> Result<Sheet<'a>, Error> {
    let ws = add_sheet(wb, low_memory)?.set_name(name).map_err(e)?;
    Ok(Sheet { ws, head, row: 0 })
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    head: &'a Format,
    row: u32,
}

impl Sheet<'_> {
    /// A note on the first row (what the rows are, how the columns add up), the header row
    /// below it, both frozen.
    fn header(&mut self, note: &str, cols: &[&str], widths: &[f64]) -> Result<(), Error> {
        let last = cols.len().saturating_sub(1).min(25) as u16;
        let wrap = Format::new().set_italic().set_text_wrap();
        if last > 0 {
            self.ws
                .merge_range(self.row, 0, self.row, last, note, &wrap)
                .map_err(e)?;
        } else {
            self.ws
                .write_string_with_format(self.row, 0, note, &wrap)
                .map_err(e)?;
        }
        self.ws
            .set_row_height(self.row, 15.0 * (1.0 + (note.chars().count() / 180) as f64))
            .map_err(e)?;
        self.row += 1;
        for (i, c) in cols.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, i as u16, *c, self.head)
                .map_err(e)?;
            if let Some(w) = widths.get(i) {
                self.ws.set_column_width(i as u16, *w).map_err(e)?;
            }
        }
        self.row += 1;
        self.ws.set_freeze_panes(self.row, 0).map_err(e)?;
        Ok(())
    }

    fn text(&mut self, col: u16, s: &str) -> Result<(), Error> {
        // write_string stores a string cell: never parsed as a formula, whatever it starts with.
        self.ws
            .write_string(self.row, col, fit_cell(s).as_ref())
            .map(|_| ())
            .map_err(e)
    }

    /// A report's ISO date as a date cell shown dd/mm/yyyy; a value that is not a calendar date
    /// (a report included although invalid) as its text; nothing for none.
    fn date(&mut self, col: u16, iso: &str) -> Result<(), Error> {
        let iso = iso.trim();
        if iso.is_empty() {
            return Ok(());
        }
        match vi::Date::parse_iso(iso)
            .ok()
            .and_then(|d| ExcelDateTime::from_ymd(d.year() as u16, d.month(), d.day()).ok())
        {
            Some(dt) => self
                .ws
                .write_datetime_with_format(self.row, col, &dt, &date_format())
                .map(|_| ())
                .map_err(e),
            None => self.text(col, iso),
        }
    }

    fn num(&mut self, col: u16, n: i64) -> Result<(), Error> {
        self.ws
            .write_number(self.row, col, n as f64)
            .map(|_| ())
            .map_err(e)
    }

    fn next(&mut self) {
        self.row += 1;
    }

    /// A group's measures from `col` on, in [`measure_header`]'s order; returns the next column.
    fn measures(&mut self, mut col: u16, g: &Group, m: &Measures) -> Result<u16, Error> {
        self.num(col, m.models.value)?;
        col += 1;
        for (_, f) in crate::document::count_columns(g) {
            self.num(col, f(m).value)?;
            col += 1;
        }
        self.num(col, m.ongoing_pilots.value)?;
        col += 1;
        for f in &m.figures {
            for x in [&f.before, &f.authorised, &f.after, &f.change] {
                self.num(col, x.value)?;
                col += 1;
            }
        }
        for p in &m.proposals {
            self.num(col, p.value)?;
            col += 1;
        }
        Ok(col)
    }
}

/// The columns of [`Sheet::measures`] after `lead`, and their widths.
fn measure_header(g: &Group, lead: &[&str], lead_widths: &[f64]) -> (Vec<String>, Vec<f64>) {
    let mut cols: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
    cols.push("Số mô hình".into());
    cols.extend(
        crate::document::count_columns(g)
            .iter()
            .map(|(l, _)| l.to_string()),
    );
    cols.push("Thí điểm đang thực hiện".into());
    for (_, label) in &g.figure_rows {
        for part in ["trước", "theo quyết định", "sau", "tăng, giảm"] {
            cols.push(format!("{label} ({part})"));
        }
    }
    for p in &g.proposals {
        cols.push(format!("Đề xuất {}", p.label));
    }
    let mut widths = lead_widths.to_vec();
    widths.extend(std::iter::repeat_n(14.0, cols.len() - lead.len()));
    (cols, widths)
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Excel holds at most 32,767 characters in a cell.
const CELL_MAX: usize = 32_767;

/// What says that a cell's text was cut.
const CUT_MARK: &str = " … [nội dung dài hơn giới hạn 32.767 ký tự của ô Excel, đã cắt bớt; xem \
                        toàn văn trong báo cáo DOCX, PDF hoặc JSON]";

/// `s` as it fits an Excel cell: whole when short enough, else cut at a character boundary with
/// a visible mark (Excel counts UTF-16 code units).
fn fit_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.encode_utf16().count() <= CELL_MAX {
        return std::borrow::Cow::Borrowed(s);
    }
    let room = CELL_MAX - CUT_MARK.encode_utf16().count();
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        end = i + c.len_utf8();
    }
    std::borrow::Cow::Owned(format!("{}{CUT_MARK}", &s[..end]))
}

/// Short sheet names (Excel allows 31 characters).
fn sheet_name(g: &Group, prefix: &str) -> String {
    let fam = if g.family.contains("kiem") {
        "Kiêm nhiệm"
    } else {
        "Hợp nhất"
    };
    let lvl = if g.district_level {
        "huyện"
    } else {
        "tỉnh"
    };
    let s = format!("{prefix}{fam} {lvl}");
    s.chars().take(31).collect()
}

/// Writes the workbook. `reports` are the consolidated reports (for the per-block sheets).
pub fn workbook(
    c: &Consolidation,
    t: &Template,
    units: &Units,
    reports: &[(&Report, &str)],
) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    // Rows are streamed through temporary files when the temporary directory is writable
    // (checked here once); the workbook is the same either way.
    let low_memory = wb.set_tempdir(std::env::temp_dir()).is_ok();
    let created = ExcelDateTime::from_ymd(2021, 1, 1).map_err(e)?;
    let date = t
        .cutoff()
        .and_then(|d| ExcelDateTime::from_ymd(d.year() as u16, d.month(), d.day()).ok())
        .unwrap_or(created);
    wb.set_properties(
        &DocProperties::new()
            .set_title("Tổng hợp báo cáo")
            .set_author("Ban Tổ chức Trung ương")
            .set_creation_datetime(&date),
    );
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);

    // Reporting state.
    {
        let mut s = new_sheet(&mut wb, low_memory, "Tình hình báo cáo", &head)?;
        s.header(
            "Mỗi tỉnh, thành phố một dòng: báo cáo được tổng hợp (phiên bản, thời điểm) hoặc chưa có báo cáo.",
            &[
                "Mã",
                "Tỉnh, thành phố",
                "Tình trạng",
                "Phiên bản",
                "Thời điểm",
            ],
            &[6.0, 22.0, 30.0, 24.0, 20.0],
        )?;
        let mut rows: Vec<(&str, &str, &str, &str, &str)> = c
            .included
            .iter()
            .map(|i| {
                (
                    i.province.as_str(),
                    i.name.as_str(),
                    if i.invalid {
                        "Đã báo cáo (chưa hợp lệ, còn lỗi)"
                    } else {
                        "Đã báo cáo"
                    },
                    i.version.as_str(),
                    i.at.as_deref().unwrap_or(""),
                )
            })
            .collect();
        rows.extend(
            c.missing
                .iter()
                .map(|m| (m.province.as_str(), m.name.as_str(), "Chưa báo cáo", "", "")),
        );
        rows.sort();
        for (code, name, state, version, at) in rows {
            s.text(0, code)?;
            s.text(1, name)?;
            s.text(2, state)?;
            s.text(3, version)?;
            s.text(4, at)?;
            s.next();
        }
    }
    // By model type, one sheet per group, and the national totals.
    for g in &c.groups {
        let mut s = new_sheet(&mut wb, low_memory, sheet_name(g, ""), &head)?;
        let (cols, widths) = measure_header(g, &["Mã", "Mô hình"], &[8.0, 50.0]);
        s.header(
            &format!(
                "{}, {}: một dòng cho mỗi loại mô hình. Cộng các dòng của cột số mô hình, số thí \
                 điểm, số liệu và đề xuất ra số toàn quốc; một tỉnh, một huyện thực hiện nhiều loại \
                 mô hình có mặt ở nhiều dòng, nên số tỉnh, số huyện toàn quốc (tính không trùng) ở \
                 trang “Toàn quốc”. {}",
                upper_first(&g.family_label),
                g.level_label,
                crate::document::COUNTING_NOTE
            ),
            &cols.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths,
        )?;
        for r in &g.rows {
            s.text(0, &r.code)?;
            s.text(1, &r.name)?;
            s.measures(2, g, &r.measures)?;
            s.next();
        }
    }
    {
        let mut s = new_sheet(&mut wb, low_memory, "Toàn quốc", &head)?;
        s.header(
            &format!(
                "Số toàn quốc của từng nhóm mô hình: số tỉnh, số huyện tính không trùng. {}",
                crate::document::COUNTING_NOTE
            ),
            &[
                "Nhóm",
                "Cấp",
                "Số mô hình",
                "Số tỉnh, thành phố thực hiện",
                "Tỉnh đang thực hiện",
                "Tỉnh đã kết thúc",
                "Số đơn vị cấp huyện thực hiện",
                "Huyện đang thực hiện",
                "Huyện đã kết thúc",
                "Số thí điểm",
                "Thí điểm đang thực hiện",
                "Thí điểm đã kết thúc",
            ],
            &[22.0, 10.0],
        )?;
        for g in &c.groups {
            let m = &g.total;
            s.text(0, &upper_first(&g.family_label))?;
            s.text(1, &g.level_label)?;
            let mut col = 2;
            for f in [
                &m.models,
                &m.provinces,
                &m.ongoing_provinces,
                &m.ended_provinces,
            ] {
                s.num(col, f.value)?;
                col += 1;
            }
            for f in [&m.districts, &m.ongoing_districts, &m.ended_districts] {
                if g.district_level {
                    s.num(col, f.value)?;
                }
                col += 1;
            }
            for f in [&m.pilots, &m.ongoing_pilots, &m.ended_pilots] {
                s.num(col, f.value)?;
                col += 1;
            }
            s.next();
        }
    }
    // By province: every measure of every group; each numeric column adds up to the national
    // figure (a province and its districts belong to it alone).
    {
        let mut s = new_sheet(&mut wb, low_memory, "Theo tỉnh", &head)?;
        let mut cols: Vec<String> = vec!["Mã".into(), "Tỉnh, thành phố".into(), "Ghi chú".into()];
        let mut widths = vec![6.0, 22.0, 18.0];
        for g in &c.groups {
            let name = sheet_name(g, "");
            let (gc, _) = measure_header(g, &[], &[]);
            cols.extend(gc.into_iter().map(|c| format!("{name}: {c}")));
            if g.figure_rows.is_empty() {
                continue;
            }
            cols.push(format!("{name}: tên cơ quan sau hợp nhất"));
        }
        widths.extend(std::iter::repeat_n(14.0, cols.len() - 3));
        s.header(
            "Mỗi tỉnh, thành phố được tổng hợp một dòng, với mọi cột của bảng toàn quốc theo từng \
             nhóm mô hình. Cộng một cột số theo các dòng ra đúng số toàn quốc của cột đó (ở tỉnh, \
             đang thực hiện hoặc đã kết thúc là 1 hoặc 0).",
            &cols.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths,
        )?;
        for p in &c.provinces {
            s.text(0, &p.code)?;
            s.text(1, &p.name)?;
            if p.invalid {
                s.text(2, "Báo cáo chưa hợp lệ (còn lỗi)")?;
            }
            let mut col = 3;
            for (gi, (g, m)) in c.groups.iter().zip(&p.groups).enumerate() {
                col = s.measures(col, g, m)?;
                if g.figure_rows.is_empty() {
                    continue;
                }
                let names = p
                    .local_names
                    .get(gi)
                    .map(|n| n.join("; "))
                    .unwrap_or_default();
                s.text(col, &names)?;
                col += 1;
            }
            s.next();
        }
    }
    // Ended pilots.
    {
        let mut s = new_sheet(&mut wb, low_memory, "Đã kết thúc", &head)?;
        s.header(
            "Mỗi thí điểm đã kết thúc một dòng: một mô hình cấp tỉnh, hoặc một đơn vị cấp huyện của một loại mô hình cấp huyện.",
            &[
                "Tỉnh, thành phố",
                "Đơn vị cấp huyện",
                "Nhóm",
                "Cấp",
                "Mã mô hình",
                "Mô hình",
                "Tên cơ quan sau hợp nhất",
                "Thời điểm kết thúc",
                "Nguyên nhân",
            ],
            &[18.0, 22.0, 20.0, 10.0, 8.0, 50.0, 30.0, 14.0, 60.0],
        )?;
        for x in &c.ended {
            s.text(0, &x.province_name)?;
            s.text(1, x.district_name.as_deref().unwrap_or(""))?;
            s.text(2, &x.family_label)?;
            s.text(3, &x.level_label)?;
            s.text(4, &x.model)?;
            s.text(5, &x.model_name)?;
            s.text(6, x.local_name.as_deref().unwrap_or(""))?;
            s.date(7, x.end_date.as_deref().unwrap_or(""))?;
            s.text(8, &x.reason)?;
            s.next();
        }
    }
    // Models outside the catalogue.
    {
        let mut s = new_sheet(&mut wb, low_memory, "Mô hình khác", &head)?;
        s.header(
            "Mỗi mô hình ngoài danh mục (“khác”) một tỉnh báo cáo một dòng.",
            &[
                "Tỉnh, thành phố",
                "Nhóm",
                "Cấp",
                "Tên mô hình",
                "Tên cơ quan sau hợp nhất",
                "Đơn vị cấp huyện",
            ],
            &[18.0, 20.0, 10.0, 60.0, 30.0, 40.0],
        )?;
        for o in &c.others {
            s.text(0, &o.province_name)?;
            s.text(1, &o.family_label)?;
            s.text(2, &o.level_label)?;
            s.text(3, &o.name)?;
            s.text(4, o.local_name.as_deref().unwrap_or(""))?;
            s.text(5, &o.districts.join(", "))?;
            s.next();
        }
    }
    // Merged bodies and their local names.
    {
        let mut s = new_sheet(&mut wb, low_memory, "Cơ quan sau hợp nhất", &head)?;
        s.header(
            "Mỗi cơ quan sau hợp nhất một dòng, với tên gọi ở địa phương.",
            &[
                "Mã tỉnh",
                "Tỉnh, thành phố",
                "Cấp",
                "Mã mô hình",
                "Mô hình",
                "Tên cơ quan sau hợp nhất",
            ],
            &[8.0, 18.0, 10.0, 8.0, 50.0, 40.0],
        )?;
        for m in &c.merged {
            s.text(0, &m.province)?;
            s.text(1, &m.province_name)?;
            s.text(2, &m.level_label)?;
            s.text(3, &m.model)?;
            s.text(4, &m.model_name)?;
            s.text(5, &m.local_name)?;
            s.next();
        }
    }
    // One sheet per repeated block: a row per (province, model) or (province, model, district).
    for g in &c.groups {
        block_sheet(&mut wb, low_memory, &head, t, units, g, reports)?;
    }
    wb.save_to_buffer().map_err(e)
}

/// Whether a pilot's status option means ended: Some(true) ended, Some(false) ongoing.
fn ended_of(options: &[outline::ChoiceOption], v: &str) -> Option<bool> {
    options.iter().find(|o| o.value == v).map(|o| o.ended)
}

/// One repeated block's rows: one per (province, model) at province level, one per (province,
/// model, district) at district level. Numeric columns add up to the national figures: a row is
/// one pilot (1), ongoing or ended (1 or 0). A district-level model's figures concern the model
/// as a whole, not one district, so they go to a sheet of their own, one row per (province,
/// model), instead of repeating on every district row.
#[allow(clippy::too_many_arguments)]
fn block_sheet<'a>(
    wb: &mut Workbook,
    low_memory: bool,
    head: &Format,
    t: &'a Template,
    units: &Units,
    g: &Group,
    reports: &'a [(&'a Report, &'a str)],
) -> Result<(), Error> {
    let Some(block) = t.node(&g.block) else {
        return Ok(());
    };
    let in_block: Vec<&outline::Node> = t
        .node
        .iter()
        .filter(|n| n.role.is_some() && t.enclosing_repeat(&n.id).map(|b| &b.id) == Some(&block.id))
        .collect();
    let find = |r: Role| in_block.iter().find(|n| n.role == Some(r)).copied();
    let str_of = |v: Option<&'a Value>| v.and_then(Value::as_str).unwrap_or("");
    let choice_label = |node: Option<&'a outline::Node>, v: &'a str| {
        node.and_then(|n| n.answer.as_ref())
            .and_then(|a| a.option.iter().find(|o| o.value == v))
            .map_or(v, |o| o.label.as_str())
    };
    // What every row reads, found once: the role items and the district table's columns.
    let (status_node, proposal_node) = (find(Role::Status), find(Role::Proposal));
    let status_options = status_node
        .and_then(|n| n.answer.as_ref())
        .map_or(&[][..], |a| a.option.as_slice());
    let columns = find(Role::Units)
        .and_then(|n| n.answer.as_ref())
        .map_or(&[][..], |a| a.column.as_slice());
    let column = |cr: ColumnRole| columns.iter().find(|c| c.role == Some(cr));
    let col_key = |cr: ColumnRole| column(cr).map_or("", |c| c.key.as_str());
    let (unit_key, status_key) = (col_key(ColumnRole::Unit), col_key(ColumnRole::Status));
    let (start_key, end_key) = (col_key(ColumnRole::StartDate), col_key(ColumnRole::EndDate));
    let reason_key = col_key(ColumnRole::EndReason);
    let status_col = column(ColumnRole::Status);
    let mut sorted: Vec<&(&Report, &str)> = reports.iter().collect();
    sorted.sort_by(|a, b| a.0.unit.province.cmp(&b.0.unit.province));
    let model_name = |inst: &'a report::Instance| {
        if inst.model == "khac" {
            inst.name.as_deref().unwrap_or_default()
        } else {
            t.catalogue_entry(&inst.model)
                .map_or("", |c| c.name.as_str())
        }
    };
    let has_names = find(Role::LocalName).is_some();
    let lead_cols = |cols: &mut Vec<String>| {
        cols.extend(
            [
                "Mã tỉnh",
                "Tỉnh, thành phố",
                "Phiên bản",
                "Mã mô hình",
                "Mô hình",
            ]
            .map(String::from),
        );
        if has_names {
            cols.push("Tên cơ quan sau hợp nhất".into());
        }
    };
    let lead = |s: &mut Sheet, r: &Report, version: &str, inst: &'a report::Instance| {
        let pname = units
            .province(&r.unit.province)
            .map(|p| p.short().to_string())
            .unwrap_or_default();
        s.text(0, &r.unit.province)?;
        s.text(1, &pname)?;
        s.text(2, version)?;
        s.text(3, &inst.model)?;
        s.text(4, model_name(inst))?;
        if has_names {
            let name = find(Role::LocalName).and_then(|n| inst.answers.get(&n.id));
            s.text(5, str_of(name))?;
            return Ok::<u16, Error>(6);
        }
        Ok(5)
    };
    // A pilot's numeric columns: 1, ongoing (1/0), ended (1/0).
    let pilot = |s: &mut Sheet, col: u16, ended: Option<bool>| -> Result<u16, Error> {
        s.num(col, 1)?;
        s.num(col + 1, i64::from(ended == Some(false)))?;
        s.num(col + 2, i64::from(ended == Some(true)))?;
        Ok(col + 3)
    };
    // An instance's figures: before, authorised, after, change per row; before, after and
    // change only when both are given (as in the national sums).
    let figures = |s: &mut Sheet, mut col: u16, inst: &'a report::Instance| {
        let figs = find(Role::Figures).and_then(|n| inst.answers.get(&n.id));
        for (key, _) in &g.figure_rows {
            let cell = figs.and_then(|f| f.get(key));
            let get = |k: &str| cell.and_then(|c| c.get(k)).and_then(Value::as_i64);
            if let (Some(b), Some(a)) = (get("before"), get("after")) {
                s.num(col, b)?;
                s.num(col + 2, a)?;
                s.num(col + 3, a - b)?;
            }
            if let Some(au) = get("authorised") {
                s.num(col + 1, au)?;
            }
            col += 4;
        }
        Ok::<u16, Error>(col)
    };
    let figure_cols = |cols: &mut Vec<String>| {
        for (_, label) in &g.figure_rows {
            for part in ["trước", "theo quyết định", "sau", "tăng, giảm"] {
                cols.push(format!("{label} ({part})"));
            }
        }
    };

    let mut s = new_sheet(wb, low_memory, sheet_name(g, "Khối "), head)?;
    let mut cols: Vec<String> = Vec::new();
    lead_cols(&mut cols);
    if g.district_level {
        cols.extend(["Mã huyện".into(), "Đơn vị cấp huyện".into()]);
    }
    cols.extend(
        [
            "Tình trạng",
            "Bắt đầu",
            "Kết thúc",
            "Nguyên nhân kết thúc",
            "Số thí điểm",
            "Đang thực hiện",
            "Đã kết thúc",
        ]
        .map(String::from),
    );
    if !g.district_level {
        cols.push("Đề xuất".into());
        figure_cols(&mut cols);
    }
    let mut widths = vec![8.0, 18.0, 16.0, 8.0, 45.0];
    widths.extend(std::iter::repeat_n(16.0, cols.len() - 5));
    let note = if g.district_level {
        format!(
            "{}, {}: mỗi đơn vị cấp huyện của một loại mô hình một dòng (một thí điểm), chỉ với số \
             liệu của đơn vị đó. Cộng cột “Số thí điểm”, “Đang thực hiện”, “Đã kết thúc” ra số thí \
             điểm toàn quốc; một huyện thực hiện hai loại mô hình có hai dòng. Số liệu trước và \
             sau thí điểm là của cả mô hình trong tỉnh, ở trang “{}”.",
            upper_first(&g.family_label),
            g.level_label,
            sheet_name(g, "Số liệu ")
        )
    } else {
        format!(
            "{}, {}: mỗi mô hình của một tỉnh một dòng (một thí điểm). Cộng mỗi cột số theo các \
             dòng ra số toàn quốc của cột đó (số trước, sau, tăng giảm chỉ ghi khi có đủ cả số \
             trước và số sau).",
            upper_first(&g.family_label),
            g.level_label
        )
    };
    s.header(
        &note,
        &cols.iter().map(String::as_str).collect::<Vec<_>>(),
        &widths,
    )?;
    for (r, version) in &sorted {
        for inst in r.blocks.get(&g.block).into_iter().flatten() {
            let get = |role: Role| find(role).and_then(|n| inst.answers.get(&n.id));
            if g.district_level {
                for row in get(Role::Units)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let mut col = lead(&mut s, r, version, inst)?;
                    let code = str_of(row.get(unit_key));
                    s.text(col, code)?;
                    s.text(
                        col + 1,
                        units.district(code).map_or("", |d| d.name.as_str()),
                    )?;
                    col += 2;
                    let st = str_of(row.get(status_key));
                    let options = status_col.map_or(&[][..], |c| c.option.as_slice());
                    let st_label = options
                        .iter()
                        .find(|o| o.value == st)
                        .map_or(st, |o| o.label.as_str());
                    s.text(col, st_label)?;
                    s.date(col + 1, str_of(row.get(start_key)))?;
                    s.date(col + 2, str_of(row.get(end_key)))?;
                    s.text(col + 3, str_of(row.get(reason_key)))?;
                    pilot(&mut s, col + 4, ended_of(options, st))?;
                    s.next();
                }
            } else {
                let col = lead(&mut s, r, version, inst)?;
                let st = str_of(get(Role::Status));
                s.text(col, choice_label(status_node, st))?;
                s.date(col + 1, str_of(get(Role::StartDate)))?;
                s.date(col + 2, str_of(get(Role::EndDate)))?;
                s.text(col + 3, str_of(get(Role::EndReason)))?;
                let col = pilot(&mut s, col + 4, ended_of(status_options, st))?;
                s.text(
                    col,
                    choice_label(proposal_node, str_of(get(Role::Proposal))),
                )?;
                figures(&mut s, col + 1, inst)?;
                s.next();
            }
        }
    }
    // A district-level block's figures: one row per (province, model).
    if g.district_level && !g.figure_rows.is_empty() {
        let mut s = new_sheet(wb, low_memory, sheet_name(g, "Số liệu "), head)?;
        let mut cols: Vec<String> = Vec::new();
        lead_cols(&mut cols);
        cols.push("Số thí điểm (lượt huyện)".into());
        figure_cols(&mut cols);
        let mut widths = vec![8.0, 18.0, 16.0, 8.0, 45.0];
        widths.extend(std::iter::repeat_n(16.0, cols.len() - 5));
        s.header(
            &format!(
                "{}, {}: số liệu trước và sau thí điểm, mỗi loại mô hình của một tỉnh một dòng (số \
                 của cả mô hình trong tỉnh). Cộng mỗi cột số theo các dòng ra số toàn quốc (số \
                 trước, sau, tăng giảm chỉ ghi khi có đủ cả số trước và số sau).",
                upper_first(&g.family_label),
                g.level_label
            ),
            &cols.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths,
        )?;
        for (r, version) in &sorted {
            for inst in r.blocks.get(&g.block).into_iter().flatten() {
                let col = lead(&mut s, r, version, inst)?;
                let n = find(Role::Units)
                    .and_then(|n| inst.answers.get(&n.id))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                s.num(col, n as i64)?;
                figures(&mut s, col + 1, inst)?;
                s.next();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_is_cut_with_a_mark_and_fits() {
        let short = "Lý do kết thúc.";
        assert_eq!(fit_cell(short), short);
        // Vietnamese letters are one UTF-16 unit each; the cut never splits a character.
        let long = "Nguyên nhân kết thúc thí điểm. ".repeat(3000);
        let cut = fit_cell(&long);
        assert!(cut.encode_utf16().count() <= CELL_MAX);
        assert!(cut.ends_with(CUT_MARK));
        assert!(long.starts_with(cut.trim_end_matches(CUT_MARK)));
        let astral = "𝔸".repeat(20_000);
        assert!(fit_cell(&astral).encode_utf16().count() <= CELL_MAX);
    }
}
