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

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    head: &'a Format,
    row: u32,
}

impl Sheet<'_> {
    fn header(&mut self, cols: &[&str], widths: &[f64]) -> Result<(), Error> {
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
            .write_string(self.row, col, s)
            .map(|_| ())
            .map_err(e)
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
        let ws = add_sheet(&mut wb, low_memory)?
            .set_name("Tình hình báo cáo")
            .map_err(e)?;
        let mut s = Sheet {
            ws,
            head: &head,
            row: 0,
        };
        s.header(
            &[
                "Mã",
                "Tỉnh, thành phố",
                "Tình trạng",
                "Phiên bản",
                "Thời điểm",
            ],
            &[6.0, 22.0, 16.0, 24.0, 20.0],
        )?;
        let mut rows: Vec<(&str, &str, &str, &str, &str)> = c
            .included
            .iter()
            .map(|i| {
                (
                    i.province.as_str(),
                    i.name.as_str(),
                    "Đã báo cáo",
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
    // By model type, one sheet per group.
    for g in &c.groups {
        let ws = add_sheet(&mut wb, low_memory)?
            .set_name(sheet_name(g, ""))
            .map_err(e)?;
        let mut s = Sheet {
            ws,
            head: &head,
            row: 0,
        };
        let mut cols: Vec<String> = vec![
            "Mã".into(),
            "Mô hình".into(),
            "Số mô hình".into(),
            "Số tỉnh, thành phố".into(),
            "Số đơn vị cấp huyện".into(),
            "Tỉnh đang thực hiện".into(),
            "Tỉnh đã kết thúc".into(),
            "Huyện đang thực hiện".into(),
            "Huyện đã kết thúc".into(),
        ];
        for (_, label) in &g.figure_rows {
            for part in ["trước", "theo quyết định", "sau", "tăng, giảm"] {
                cols.push(format!("{label} ({part})"));
            }
        }
        for p in &g.proposals {
            cols.push(p.label.clone());
        }
        let mut widths = vec![8.0, 50.0];
        widths.extend(std::iter::repeat_n(14.0, cols.len() - 2));
        s.header(
            &cols.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths,
        )?;
        let mut all: Vec<(&str, &str, &Measures)> = g
            .rows
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str(), &r.measures))
            .collect();
        all.push(("", "Tổng cộng", &g.total));
        for (code, name, m) in all {
            s.text(0, code)?;
            s.text(1, name)?;
            let mut col = 2;
            for f in [
                &m.models,
                &m.provinces,
                &m.districts,
                &m.ongoing_provinces,
                &m.ended_provinces,
                &m.ongoing_districts,
                &m.ended_districts,
            ] {
                s.num(col, f.value)?;
                col += 1;
            }
            for f in &m.figures {
                for x in [&f.before, &f.authorised, &f.after, &f.change] {
                    s.num(col, x.value)?;
                    col += 1;
                }
            }
            for p in &m.proposals {
                s.num(col, p.value)?;
                col += 1;
            }
            s.next();
        }
    }
    // By province.
    {
        let ws = add_sheet(&mut wb, low_memory)?
            .set_name("Theo tỉnh")
            .map_err(e)?;
        let mut s = Sheet {
            ws,
            head: &head,
            row: 0,
        };
        let mut cols: Vec<String> = vec!["Mã".into(), "Tỉnh, thành phố".into()];
        for g in &c.groups {
            let name = sheet_name(g, "");
            for part in [
                "số mô hình",
                "số đơn vị cấp huyện",
                "đã kết thúc (tỉnh)",
                "đã kết thúc (huyện)",
            ] {
                cols.push(format!("{name}: {part}"));
            }
            for (_, label) in &g.figure_rows {
                cols.push(format!("{name}: {label} (trước)"));
                cols.push(format!("{name}: {label} (sau)"));
            }
        }
        let mut widths = vec![6.0, 22.0];
        widths.extend(std::iter::repeat_n(14.0, cols.len() - 2));
        s.header(
            &cols.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths,
        )?;
        for p in &c.provinces {
            s.text(0, &p.code)?;
            s.text(1, &p.name)?;
            let mut col = 2;
            for m in &p.groups {
                for f in [
                    &m.models,
                    &m.districts,
                    &m.ended_provinces,
                    &m.ended_districts,
                ] {
                    s.num(col, f.value)?;
                    col += 1;
                }
                for f in &m.figures {
                    s.num(col, f.before.value)?;
                    s.num(col + 1, f.after.value)?;
                    col += 2;
                }
            }
            s.next();
        }
    }
    // Ended pilots.
    {
        let ws = add_sheet(&mut wb, low_memory)?
            .set_name("Đã kết thúc")
            .map_err(e)?;
        let mut s = Sheet {
            ws,
            head: &head,
            row: 0,
        };
        s.header(
            &[
                "Tỉnh, thành phố",
                "Đơn vị cấp huyện",
                "Nhóm",
                "Cấp",
                "Mã mô hình",
                "Mô hình",
                "Thời điểm kết thúc",
                "Nguyên nhân",
            ],
            &[18.0, 22.0, 20.0, 10.0, 8.0, 50.0, 14.0, 60.0],
        )?;
        let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
        for x in &c.ended {
            s.text(0, &x.province_name)?;
            s.text(1, x.district_name.as_deref().unwrap_or(""))?;
            s.text(2, &x.family_label)?;
            s.text(3, &x.level_label)?;
            s.text(4, &x.model)?;
            s.text(5, &x.model_name)?;
            if let Some(d) = x
                .end_date
                .as_deref()
                .and_then(|d| vi::Date::parse_iso(d).ok())
            {
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month(), d.day()).map_err(e)?;
                s.ws.write_datetime_with_format(s.row, 6, &dt, &date_fmt)
                    .map_err(e)?;
            }
            s.text(7, &x.reason)?;
            s.next();
        }
    }
    // Models outside the catalogue.
    {
        let ws = add_sheet(&mut wb, low_memory)?
            .set_name("Mô hình khác")
            .map_err(e)?;
        let mut s = Sheet {
            ws,
            head: &head,
            row: 0,
        };
        s.header(
            &["Tỉnh, thành phố", "Nhóm", "Cấp", "Tên mô hình"],
            &[18.0, 20.0, 10.0, 60.0],
        )?;
        for o in &c.others {
            s.text(0, &o.province_name)?;
            s.text(1, &o.family_label)?;
            s.text(2, &o.level_label)?;
            s.text(3, &o.name)?;
            s.next();
        }
    }
    // One sheet per repeated block: a row per (province, model) or (province, model, district).
    for g in &c.groups {
        block_sheet(&mut wb, low_memory, &head, t, units, g, reports)?;
    }
    wb.save_to_buffer().map_err(e)
}

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
    let ws = add_sheet(wb, low_memory)?
        .set_name(sheet_name(g, "Khối "))
        .map_err(e)?;
    let mut s = Sheet { ws, head, row: 0 };
    let mut cols: Vec<String> = vec![
        "Mã tỉnh".into(),
        "Tỉnh, thành phố".into(),
        "Phiên bản".into(),
        "Mã mô hình".into(),
        "Mô hình".into(),
    ];
    if g.district_level {
        cols.extend(["Mã huyện".into(), "Đơn vị cấp huyện".into()]);
    }
    cols.extend([
        "Tình trạng".into(),
        "Bắt đầu".into(),
        "Kết thúc".into(),
        "Nguyên nhân kết thúc".into(),
    ]);
    if !g.district_level {
        cols.push("Đề xuất".into());
    }
    for (_, label) in &g.figure_rows {
        cols.push(format!("{label} (trước)"));
        cols.push(format!("{label} (sau)"));
    }
    let mut widths = vec![8.0, 18.0, 16.0, 8.0, 45.0];
    widths.extend(std::iter::repeat_n(16.0, cols.len() - 5));
    s.header(
        &cols.iter().map(String::as_str).collect::<Vec<_>>(),
        &widths,
    )?;
    let str_of = |v: Option<&'a Value>| v.and_then(Value::as_str).unwrap_or("");
    let choice_label = |node: Option<&'a outline::Node>, v: &'a str| {
        node.and_then(|n| n.answer.as_ref())
            .and_then(|a| a.option.iter().find(|o| o.value == v))
            .map_or(v, |o| o.label.as_str())
    };
    // What every row reads, found once: the role items and the district table's columns.
    let (status_node, proposal_node) = (find(Role::Status), find(Role::Proposal));
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
    let mut figures: Vec<Option<i64>> = Vec::with_capacity(g.figure_rows.len() * 2);
    for (r, version) in sorted {
        let pname = units
            .province(&r.unit.province)
            .map(|p| p.short().to_string())
            .unwrap_or_default();
        for inst in r.blocks.get(&g.block).into_iter().flatten() {
            let model_name = if inst.model == "khac" {
                inst.name.as_deref().unwrap_or_default()
            } else {
                t.catalogue_entry(&inst.model)
                    .map_or("", |c| c.name.as_str())
            };
            let get = |role: Role| find(role).and_then(|n| inst.answers.get(&n.id));
            // The instance's figures (before, after per row), written on each of its rows.
            let figs = get(Role::Figures);
            figures.clear();
            for (key, _) in &g.figure_rows {
                for part in ["before", "after"] {
                    figures.push(
                        figs.and_then(|f| f.get(key))
                            .and_then(|c| c.get(part))
                            .and_then(Value::as_i64),
                    );
                }
            }
            let lead = |s: &mut Sheet| -> Result<u16, Error> {
                s.text(0, &r.unit.province)?;
                s.text(1, &pname)?;
                s.text(2, version)?;
                s.text(3, &inst.model)?;
                s.text(4, model_name)?;
                Ok(5)
            };
            let tail = |s: &mut Sheet, col: u16| -> Result<(), Error> {
                for (i, x) in (col..).zip(&figures) {
                    if let Some(x) = x {
                        s.num(i, *x)?;
                    }
                }
                Ok(())
            };
            if g.district_level {
                for row in get(Role::Units)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let mut col = lead(&mut s)?;
                    let code = str_of(row.get(unit_key));
                    s.text(col, code)?;
                    s.text(
                        col + 1,
                        units.district(code).map_or("", |d| d.name.as_str()),
                    )?;
                    col += 2;
                    let st = str_of(row.get(status_key));
                    let st_label = status_col
                        .and_then(|c| c.option.iter().find(|o| o.value == st))
                        .map_or(st, |o| o.label.as_str());
                    s.text(col, st_label)?;
                    s.text(col + 1, str_of(row.get(start_key)))?;
                    s.text(col + 2, str_of(row.get(end_key)))?;
                    s.text(col + 3, str_of(row.get(reason_key)))?;
                    col += 4;
                    tail(&mut s, col)?;
                    s.next();
                }
            } else {
                let mut col = lead(&mut s)?;
                s.text(col, choice_label(status_node, str_of(get(Role::Status))))?;
                s.text(col + 1, str_of(get(Role::StartDate)))?;
                s.text(col + 2, str_of(get(Role::EndDate)))?;
                s.text(col + 3, str_of(get(Role::EndReason)))?;
                s.text(
                    col + 4,
                    choice_label(proposal_node, str_of(get(Role::Proposal))),
                )?;
                col += 5;
                tail(&mut s, col)?;
                s.next();
            }
        }
    }
    Ok(())
}
