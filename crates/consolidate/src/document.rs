//! The consolidation as the BTCTW's report: a neutral [`Document`] in the Party layout (header
//! "BAN CHẤP HÀNH TRUNG ƯƠNG / BAN TỔ CHỨC / *", "Số …-BC/BTCTW"), with the national tables in
//! the body and, as annexes, the table by province and the list of ended pilots on landscape
//! pages and each outline item's collated narrative.

use ::document::{
    Block, Cell, CellAlign, Chart, Closing, Column, Document, Header, Inline, Meta, ParaStyle,
    Series, Table, Title,
};
use outline::{Profile, Template};

use crate::model::*;

/// The particulars of the consolidated report.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The document's date (default: none, a blank date line).
    pub date: Option<vi::Date>,
    /// The number before "-BC/BTCTW" (default: blank, a draft).
    pub number: Option<String>,
}

fn n(f: &Figure) -> Cell {
    Cell {
        align: Some(CellAlign::Right),
        ..Cell::text(vi::format_int(f.value))
    }
}

fn change(f: &Figure) -> Cell {
    Cell {
        align: Some(CellAlign::Right),
        ..Cell::text(vi::format_change(f.value))
    }
}

fn heading(scheme: &str, label: &str, text: &str) -> Block {
    Block::Heading {
        scheme: scheme.into(),
        label: label.into(),
        inlines: vec![Inline::Text(text.into())],
    }
}

fn para(text: impl Into<String>) -> Block {
    Block::Paragraph {
        style: ParaStyle::Body,
        inlines: vec![Inline::Text(text.into())],
    }
}

/// A table with one header row. Column widths follow the content (`document::widths`): STT and
/// the counts as wide as they need, names the rest. An "STT" column is centred.
fn table(caption: Option<&str>, head: Vec<&str>, rows: Vec<Vec<Cell>>) -> Block {
    let columns = head
        .iter()
        .map(|h| Column {
            align: if *h == "STT" {
                CellAlign::Center
            } else {
                CellAlign::Left
            },
        })
        .collect();
    let mut all = vec![head.into_iter().map(Cell::bold).collect::<Vec<_>>()];
    all.extend(rows);
    Block::Table(Table {
        caption: caption.map(str::to_string),
        columns,
        header_rows: 1,
        rows: all,
    })
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether a measure set is a group's total row.
const TOTAL_LABEL: &str = "Tổng cộng (số tỉnh, số huyện tính không trùng)";

/// The count columns of a group's tables, (label, measure), in order: the three province
/// columns, the district columns (district-level groups), then pilots. The same columns in the national table, the per-province annex, the workbook and the
/// web page.
pub fn count_columns(g: &Group) -> Vec<CountColumn> {
    let mut cols: Vec<CountColumn> = vec![
        ("Số tỉnh, thành phố thực hiện", |m| &m.provinces),
        ("Tỉnh đang thực hiện", |m| &m.ongoing_provinces),
        ("Tỉnh đã kết thúc", |m| &m.ended_provinces),
    ];
    if g.district_level {
        cols.extend([
            (
                "Số đơn vị cấp huyện thực hiện",
                (|m| &m.districts) as fn(&Measures) -> &Figure,
            ),
            ("Huyện đang thực hiện", |m| &m.ongoing_districts),
            ("Huyện đã kết thúc", |m| &m.ended_districts),
            ("Số thí điểm (lượt huyện)", |m| &m.pilots),
            ("Thí điểm đã kết thúc", |m| &m.ended_pilots),
        ]);
    } else {
        cols.extend([
            (
                "Số thí điểm (mô hình)",
                (|m| &m.pilots) as fn(&Measures) -> &Figure,
            ),
            ("Thí điểm đã kết thúc", |m| &m.ended_pilots),
        ]);
    }
    cols
}

/// What a group with no model reported says, instead of empty tables and charts.
pub const NO_MODEL: &str = "Không có tỉnh, thành phố nào báo cáo mô hình thuộc nhóm này.";

/// How the counts are made, for the document's notes.
pub const COUNTING_NOTE: &str = "Cách tính: số tỉnh, thành phố và số đơn vị cấp huyện tính mỗi \
đơn vị một lần. Một đơn vị có ít nhất một thí điểm đang thực hiện được tính là “đang thực hiện”; \
đơn vị mà mọi thí điểm đều đã kết thúc được tính là “đã kết thúc”. Ở dòng tổng cộng, một đơn vị \
thực hiện nhiều loại mô hình vẫn chỉ tính một lần, nên số ở dòng này có thể nhỏ hơn tổng các \
dòng trên. Số thí điểm: ở cấp tỉnh, mỗi mô hình của một tỉnh là một thí điểm; ở cấp huyện, mỗi \
đơn vị cấp huyện thực hiện một loại mô hình là một thí điểm. Số liệu trước và sau thí điểm chỉ \
cộng những mô hình ghi đủ cả số trước và số sau.";

/// A measure column: its label and how to read it.
pub type CountColumn = (&'static str, fn(&Measures) -> &Figure);

/// The national tables of a group as (caption, columns): one for a province-level group; for a
/// district-level group one for the districts and pilots and one for the provinces, so that
/// each fits the portrait page with whole words in its headers. Together they hold every
/// column of [`count_columns`].
pub fn national_tables(g: &Group) -> Vec<(&'static str, Vec<CountColumn>)> {
    let mut provinces = count_columns(g);
    if !g.district_level {
        return vec![("Đơn vị tính: tỉnh, thành phố; thí điểm", provinces)];
    }
    // count_columns starts with the three province columns.
    let rest = provinces.split_off(3.min(provinces.len()));
    vec![
        ("Đơn vị tính: đơn vị cấp huyện; thí điểm", rest),
        ("Đơn vị tính: tỉnh, thành phố", provinces),
    ]
}

/// The tables of a group by model type (see [`national_tables`]).
pub fn group_tables(g: &Group) -> Vec<Block> {
    let mut all: Vec<(&str, &str, &Measures)> = g
        .rows
        .iter()
        .map(|r| (r.code.as_str(), r.name.as_str(), &r.measures))
        .collect();
    all.push(("", TOTAL_LABEL, &g.total));
    national_tables(g)
        .into_iter()
        .map(|(caption, cols)| {
            let rows = all
                .iter()
                .enumerate()
                .map(|(i, (code, name, m))| {
                    let mut r = if code.is_empty() {
                        vec![Cell::text(""), Cell::bold(*name)]
                    } else {
                        vec![Cell::text((i + 1).to_string()), Cell::text(*name)]
                    };
                    r.extend(cols.iter().map(|(_, f)| n(f(m))));
                    r
                })
                .collect();
            let mut head = vec!["STT", "Mô hình"];
            head.extend(cols.iter().map(|(l, _)| *l));
            table(Some(caption), head, rows)
        })
        .collect()
}

/// The figure rows of one measure set, numbered from 1.
fn figure_rows(m: &Measures) -> Vec<Vec<Cell>> {
    m.figures
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                Cell::text((i + 1).to_string()),
                Cell::text(f.label.clone()),
                n(&f.before),
                n(&f.authorised),
                n(&f.after),
                change(&f.change),
            ]
        })
        .collect()
}

fn section_row(label: String, name: String) -> Vec<Cell> {
    let mut r = vec![Cell::bold(label), Cell::bold(name)];
    r.extend((0..4).map(|_| Cell::text("")));
    r
}

/// The head of a group's figures tables, its columns named as the outline names them.
fn figure_head(g: &Group) -> Vec<&str> {
    let [before, authorised, after] = &g.figure_columns;
    vec![
        "STT",
        "Nội dung",
        before,
        authorised,
        after,
        "Tăng (+), giảm (-)",
    ]
}

/// The before/after table of a group's merger figures: each model type (a Roman-numbered
/// section), then all model types together.
pub fn figures_table(g: &Group) -> Option<Block> {
    if g.total.figures.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    let mut k = 0;
    for r in g.rows.iter().filter(|r| !r.measures.figures.is_empty()) {
        k += 1;
        rows.push(section_row(
            report::tree::roman(k),
            format!(
                "{} ({} mô hình)",
                r.name,
                vi::format_int(r.measures.models.value)
            ),
        ));
        rows.extend(figure_rows(&r.measures));
    }
    rows.push(section_row(String::new(), "Tổng cộng các mô hình".into()));
    rows.extend(figure_rows(&g.total));
    Some(table(
        Some("Đơn vị tính: người, đơn vị"),
        figure_head(g),
        rows,
    ))
}

/// The proposals of a group.
pub fn proposals_table(g: &Group) -> Option<Block> {
    let used: Vec<usize> = (0..g.proposals.len())
        .filter(|&i| {
            g.total.proposals.get(i).is_some_and(|f| f.value > 0)
                || !g.proposals[i].label.contains("chưa ghi")
        })
        .collect();
    if used.is_empty() {
        return None;
    }
    let rows = used
        .iter()
        .map(|&i| {
            vec![
                Cell::text(g.proposals[i].label.clone()),
                n(&g.total.proposals[i]),
            ]
        })
        .collect();
    Some(table(None, vec!["Đề xuất", "Số mô hình"], rows))
}

/// The consolidated report.
pub fn document(c: &Consolidation, t: &Template, profile: &Profile, opts: &Options) -> Document {
    let expected = c.included.len() + c.missing.len();
    let cutoff = t.cutoff().map(|d| d.short_vi()).unwrap_or_default();
    let mut body =
        vec![para(format!(
        "Thực hiện {}, Ban Tổ chức Trung ương đã nhận được báo cáo của {}/{} tỉnh ủy, thành ủy. \
         Trên cơ sở tổng hợp báo cáo của các địa phương (số liệu đến ngày {cutoff}), Ban Tổ chức \
         Trung ương báo cáo như sau:",
        t.template.source.as_deref().map(lower_first).unwrap_or_else(|| "đề cương báo cáo".into()),
        c.included.len(),
        expected
    ))];
    body.push(heading("upper-roman", "I-", "Tình hình báo cáo"));
    body.push(para(format!(
        "Đã nhận báo cáo của {}/{} tỉnh, thành phố.",
        c.included.len(),
        expected
    )));
    if !c.missing.is_empty() {
        let names: Vec<&str> = c.missing.iter().map(|m| m.name.as_str()).collect();
        body.push(para(format!("Chưa có báo cáo: {}.", names.join(", "))));
    }
    let invalid: Vec<&str> = c
        .included
        .iter()
        .filter(|i| i.invalid)
        .map(|i| i.name.as_str())
        .collect();
    if !invalid.is_empty() {
        body.push(para(format!(
            "Báo cáo chưa hợp lệ (còn lỗi), vẫn được tổng hợp theo yêu cầu, số liệu có thể chưa đầy \
             đủ: {} (đánh dấu (*) ở Phụ lục 1).",
            invalid.join(", ")
        )));
    }
    body.push(heading("upper-roman", "II-", "Kết quả thực hiện thí điểm"));
    body.push(Block::Paragraph {
        style: ParaStyle::Body,
        inlines: vec![Inline::Italic(COUNTING_NOTE.into())],
    });
    for (i, g) in c.groups.iter().enumerate() {
        let title = format!("{}, {}", upper_first(&g.family_label), g.level_label);
        body.push(heading("arabic-1", &format!("{}-", i + 1), &title));
        if g.rows.is_empty() {
            body.push(para(NO_MODEL));
            continue;
        }
        body.extend(group_tables(g));
        body.push(Block::Chart(provinces_chart(g)));
        if let Some(f) = figures_table(g) {
            body.push(para(
                "Số lượng đầu mối, lãnh đạo, biên chế trước và sau thí điểm, theo từng loại mô hình \
                 và tổng các mô hình:",
            ));
            body.push(f);
            body.extend(figures_chart(g).map(Block::Chart));
        }
        if let Some(p) = proposals_table(g) {
            body.push(para("Đề xuất của các địa phương:"));
            body.push(p);
            body.extend(proposals_chart(g).map(Block::Chart));
        }
    }
    body.push(heading("upper-roman", "III-", "Các thí điểm đã kết thúc"));
    body.push(para(format!(
        "Có {} thí điểm đã kết thúc (danh sách tại Phụ lục 2).",
        vi::format_int(c.ended.len() as i64)
    )));
    let mut next = 4;
    if !c.others.is_empty() {
        body.push(heading(
            "upper-roman",
            &format!("{}-", report::tree::roman(next)),
            "Các mô hình ngoài danh mục",
        ));
        next += 1;
        for o in &c.others {
            let mut s = format!(
                "- {} ({}, {}): {}",
                o.province_name, o.family_label, o.level_label, o.name
            );
            if let Some(l) = &o.local_name {
                s.push_str(&format!("; tên cơ quan: {l}"));
            }
            if !o.districts.is_empty() {
                s.push_str(&format!("; tại {}", o.districts.join(", ")));
            }
            s.push('.');
            body.push(para(s));
        }
    }
    if !c.merged.is_empty() {
        body.push(heading(
            "upper-roman",
            &format!("{}-", report::tree::roman(next)),
            "Tên các cơ quan sau hợp nhất",
        ));
        body.push(merged_table(c));
    }

    let annexes = vec![province_annex(c), ended_annex(c), narrative_annex(c)];
    let place_date = match opts.date {
        Some(d) => d.place_date("Hà Nội"),
        None => "Hà Nội, ngày      tháng      năm 20   ".to_string(),
    };
    Document {
        meta: Meta {
            title: format!("BÁO CÁO Tổng hợp {}", lower_first(&t.template.subject)),
            author: "Ban Tổ chức Trung ương".into(),
            subject: t.template.subject.clone(),
            date: opts
                .date
                .or_else(|| t.cutoff())
                .map(|d| d.iso())
                .unwrap_or_default(),
            draft: opts.number.is_none(),
        },
        header: Header {
            superior: Some("BAN CHẤP HÀNH TRUNG ƯƠNG".into()),
            issuer: "BAN TỔ CHỨC".into(),
            star: profile.header.star.clone(),
            number: format!(
                "{} {}-BC/BTCTW",
                profile.header.number_prefix,
                opts.number.clone().unwrap_or_else(|| "     ".into())
            ),
            party_line: profile.header.party_line.clone(),
            place_date,
        },
        title: Title {
            kind: t.template.kind.clone(),
            subject: format!("Tổng hợp {}", lower_first(&t.template.subject)),
            rule: profile.title.rule.clone(),
        },
        body,
        closing: Closing {
            on_behalf: "K/T TRƯỞNG BAN".into(),
            signer_title: "PHÓ TRƯỞNG BAN".into(),
            signer_name: "[chưa nhập]".into(),
            recipients_label: profile.closing.recipients_label.clone(),
            recipients: vec![
                "- Bộ Chính trị, Ban Bí thư (để báo cáo),".into(),
                "- Các tỉnh ủy, thành ủy,".into(),
                "- Lưu Văn phòng Ban.".into(),
            ],
        },
        annexes,
    }
}

/// Chart: the number of provinces implementing each model type of a group.
pub fn provinces_chart(g: &Group) -> Chart {
    Chart {
        title: format!(
            "Số tỉnh, thành phố thực hiện theo mô hình ({}, {})",
            g.family_label, g.level_label
        ),
        categories: g.rows.iter().map(|r| r.name.clone()).collect(),
        series: vec![Series {
            name: "Số tỉnh, thành phố".into(),
            values: g.rows.iter().map(|r| r.measures.provinces.value).collect(),
        }],
    }
}

/// Chart: each figure of a group before and after the pilot (totals), if the group has figures.
pub fn figures_chart(g: &Group) -> Option<Chart> {
    let f = &g.total.figures;
    (!f.is_empty()).then(|| Chart {
        title: format!(
            "Trước và sau thí điểm ({}, {})",
            g.family_label, g.level_label
        ),
        categories: f.iter().map(|x| x.label.clone()).collect(),
        series: vec![
            Series {
                name: g.figure_columns[0].clone(),
                values: f.iter().map(|x| x.before.value).collect(),
            },
            Series {
                name: g.figure_columns[2].clone(),
                values: f.iter().map(|x| x.after.value).collect(),
            },
        ],
    })
}

/// Chart: the distribution of the provinces' proposals in a group, if it has proposals.
pub fn proposals_chart(g: &Group) -> Option<Chart> {
    (!g.proposals.is_empty()).then(|| Chart {
        title: format!(
            "Đề xuất của các địa phương ({}, {})",
            g.family_label, g.level_label
        ),
        categories: g.proposals.iter().map(|p| p.label.clone()).collect(),
        series: vec![Series {
            name: "Số mô hình".into(),
            values: (0..g.proposals.len())
                .map(|i| g.total.proposals.get(i).map(|f| f.value).unwrap_or(0))
                .collect(),
        }],
    })
}

fn annex_title(n: usize, title: &str) -> Vec<Block> {
    vec![
        Block::Paragraph {
            style: ParaStyle::Center,
            inlines: vec![Inline::Bold(format!("PHỤ LỤC {n}"))],
        },
        Block::Paragraph {
            style: ParaStyle::Center,
            inlines: vec![Inline::Bold(title.to_string())],
        },
    ]
}

/// The list of merged bodies with their local names.
fn merged_table(c: &Consolidation) -> Block {
    let rows = c
        .merged
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                Cell::text((i + 1).to_string()),
                Cell::text(m.province_name.clone()),
                Cell::text(m.level_label.clone()),
                Cell::text(m.model_name.clone()),
                Cell::text(m.local_name.clone()),
            ]
        })
        .collect();
    table(
        None,
        vec![
            "STT",
            "Tỉnh, thành phố",
            "Cấp",
            "Mô hình",
            "Tên cơ quan sau hợp nhất",
        ],
        rows,
    )
}

/// The name of a province in the annexes: "(*)" marks a report included although invalid.
fn province_cell(p: &ProvinceRow) -> Cell {
    Cell::text(if p.invalid {
        format!("{} (*)", p.name)
    } else {
        p.name.clone()
    })
}

/// Annex 1 (landscape): for each group, one row per province that reports a model of it, with
/// every column of the national table, the proposals and the merged bodies' names, then a total
/// row equal to the national one; for groups with figures, each province's figures.
pub fn province_annex(c: &Consolidation) -> Vec<Block> {
    let mut out = vec![Block::Section { landscape: true }];
    out.extend(annex_title(1, "SỐ LIỆU THEO TỪNG TỈNH, THÀNH PHỐ"));
    out.push(para(
        "Mỗi bảng kê các tỉnh, thành phố có báo cáo mô hình của nhóm; tỉnh, thành phố không có \
         trong bảng không thực hiện mô hình nào của nhóm. Dòng “Cộng” bằng tổng của các dòng và \
         bằng số liệu toàn quốc.",
    ));
    if c.provinces.iter().any(|p| p.invalid) {
        out.push(para(
            "(*) Báo cáo chưa hợp lệ (còn lỗi), được tổng hợp theo yêu cầu; số liệu có thể chưa đầy đủ.",
        ));
    }
    for (gi, g) in c.groups.iter().enumerate() {
        let title = format!("{}, {}", upper_first(&g.family_label), g.level_label);
        out.push(heading("arabic-1", &format!("{}-", gi + 1), &title));
        let names = c
            .provinces
            .iter()
            .any(|p| p.local_names.get(gi).is_some_and(|n| !n.is_empty()));
        let with: Vec<(&ProvinceRow, &Measures)> = c
            .provinces
            .iter()
            .filter_map(|p| Some((p, p.groups.get(gi)?)))
            .filter(|(_, m)| m.models.value > 0)
            .collect();
        if with.is_empty() {
            out.push(para(
                "Không có tỉnh, thành phố nào báo cáo mô hình của nhóm này.",
            ));
            continue;
        }
        // The national table's columns, split as there; the first table also has the merged
        // bodies' names and the number of models.
        for (ti, (caption, cols)) in national_tables(g).into_iter().enumerate() {
            let lead = ti == 0;
            let names = lead && names;
            let mut head: Vec<String> = vec!["STT".into(), "Tỉnh, thành phố".into()];
            if names {
                head.push("Tên cơ quan sau hợp nhất".into());
            }
            if lead {
                head.push("Số mô hình".into());
            }
            head.extend(cols.iter().map(|(l, _)| l.to_string()));
            let mut rows = Vec::new();
            for (i, (p, m)) in with.iter().enumerate() {
                let mut r = vec![Cell::text((i + 1).to_string()), province_cell(p)];
                if names {
                    r.push(Cell::text(
                        p.local_names
                            .get(gi)
                            .map(|n| n.join("; "))
                            .unwrap_or_default(),
                    ));
                }
                if lead {
                    r.push(n(&m.models));
                }
                r.extend(cols.iter().map(|(_, f)| n(f(m))));
                rows.push(r);
            }
            let mut total = vec![Cell::text(""), Cell::bold("Cộng")];
            if names {
                total.push(Cell::text(""));
            }
            if lead {
                total.push(n(&g.total.models));
            }
            total.extend(cols.iter().map(|(_, f)| n(f(&g.total))));
            rows.push(total);
            let caption = if lead {
                caption.replace("Đơn vị tính: ", "Đơn vị tính: mô hình; ")
            } else {
                caption.to_string()
            };
            out.push(table(
                Some(&caption),
                head.iter().map(String::as_str).collect(),
                rows,
            ));
        }
        // The proposals, in a table of their own (their labels are long).
        if !g.proposals.is_empty() {
            let mut head = vec!["STT".to_string(), "Tỉnh, thành phố".to_string()];
            head.extend(g.proposals.iter().map(|p| format!("Đề xuất {}", p.label)));
            let mut rows: Vec<Vec<Cell>> = with
                .iter()
                .enumerate()
                .map(|(i, (p, m))| {
                    let mut r = vec![Cell::text((i + 1).to_string()), province_cell(p)];
                    r.extend(m.proposals.iter().map(n));
                    r
                })
                .collect();
            let mut total = vec![Cell::text(""), Cell::bold("Cộng")];
            total.extend(g.total.proposals.iter().map(n));
            rows.push(total);
            out.push(para(format!(
                "Đề xuất của từng tỉnh, thành phố ({}, {}), số mô hình:",
                g.family_label, g.level_label
            )));
            out.push(table(
                Some("Đơn vị tính: mô hình"),
                head.iter().map(String::as_str).collect(),
                rows,
            ));
        }
        if !g.figure_rows.is_empty() {
            let mut rows = Vec::new();
            let mut k = 0;
            for (p, m) in &with {
                k += 1;
                let name = match p.local_names.get(gi).filter(|n| !n.is_empty()) {
                    Some(l) => format!("{} ({})", province_cell(p).text, l.join("; ")),
                    None => province_cell(p).text,
                };
                rows.push(section_row(report::tree::roman(k), name));
                rows.extend(figure_rows(m));
            }
            rows.push(section_row(String::new(), "Cộng".into()));
            rows.extend(figure_rows(&g.total));
            out.push(para(format!(
                "Số lượng đầu mối, lãnh đạo, biên chế trước và sau thí điểm theo từng tỉnh, thành \
                 phố ({}, {}):",
                g.family_label, g.level_label
            )));
            out.push(table(
                Some("Đơn vị tính: người, đơn vị"),
                figure_head(g),
                rows,
            ));
        }
    }
    out
}

/// Annex 2 (landscape): every ended pilot.
pub fn ended_annex(c: &Consolidation) -> Vec<Block> {
    let mut out = vec![Block::Section { landscape: true }];
    out.extend(annex_title(2, "DANH SÁCH CÁC THÍ ĐIỂM ĐÃ KẾT THÚC"));
    let rows = c
        .ended
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::text((i + 1).to_string()),
                Cell::text(e.province_name.clone()),
                Cell::text(e.district_name.clone().unwrap_or_default()),
                Cell::text(match &e.local_name {
                    Some(l) => format!("{} ({l})", e.model_name),
                    None => e.model_name.clone(),
                }),
                Cell {
                    align: Some(CellAlign::Center),
                    ..Cell::text(
                        e.end_date
                            .as_deref()
                            .and_then(|d| vi::Date::parse_iso(d).ok())
                            .map(|d| d.short_vi())
                            .unwrap_or_default(),
                    )
                },
                Cell::text(e.reason.clone()),
            ]
        })
        .collect();
    out.push(table(
        None,
        vec![
            "STT",
            "Tỉnh, thành phố",
            "Đơn vị cấp huyện",
            "Mô hình (tên cơ quan sau hợp nhất)",
            "Thời điểm kết thúc",
            "Nguyên nhân",
        ],
        rows,
    ));
    out
}

/// Annex 3 (portrait): each narrative item, every province's text, attributed.
pub fn narrative_annex(c: &Consolidation) -> Vec<Block> {
    let mut out = vec![Block::Section { landscape: false }];
    out.extend(annex_title(
        3,
        "NỘI DUNG BÁO CÁO CỦA CÁC ĐỊA PHƯƠNG THEO TỪNG MỤC CỦA ĐỀ CƯƠNG",
    ));
    let mut k = 0;
    for item in c.narrative.iter().filter(|i| !i.entries.is_empty()) {
        k += 1;
        let title = match &item.block_label {
            Some(b) => format!("{} ({b})", item.title),
            None => item.title.clone(),
        };
        out.push(heading("arabic-1", &format!("{k}-"), &title));
        for e in &item.entries {
            let who = match &e.model_name {
                Some(m) => format!("{} – {m}: ", e.province_name),
                None => format!("{}: ", e.province_name),
            };
            let mut paras = e.text.split('\n').map(str::trim).filter(|p| !p.is_empty());
            let first = paras.next().unwrap_or_default().to_string();
            out.push(Block::Paragraph {
                style: ParaStyle::Body,
                inlines: vec![Inline::Bold(who), Inline::Text(first)],
            });
            for p in paras {
                out.push(para(p));
            }
        }
    }
    out
}
