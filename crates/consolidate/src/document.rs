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

fn table(caption: Option<&str>, widths: &[u32], head: Vec<&str>, rows: Vec<Vec<Cell>>) -> Block {
    let mut all = vec![head.into_iter().map(Cell::bold).collect::<Vec<_>>()];
    all.extend(rows);
    Block::Table(Table {
        caption: caption.map(str::to_string),
        columns: widths
            .iter()
            .map(|w| Column {
                width_pct: *w,
                align: CellAlign::Left,
            })
            .collect(),
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

/// The table of a group by model type.
pub fn group_table(g: &Group) -> Block {
    let mut rows = Vec::new();
    let mut all: Vec<(&str, &str, &Measures)> = g
        .rows
        .iter()
        .map(|r| (r.code.as_str(), r.name.as_str(), &r.measures))
        .collect();
    all.push((
        "",
        "Tổng cộng (số tỉnh, số huyện tính không trùng)",
        &g.total,
    ));
    for (i, (code, name, m)) in all.iter().enumerate() {
        let stt = if code.is_empty() {
            String::new()
        } else {
            (i + 1).to_string()
        };
        let mut r = vec![
            Cell::text(stt),
            if code.is_empty() {
                Cell::bold(*name)
            } else {
                Cell::text(*name)
            },
            n(&m.provinces),
        ];
        if g.district_level {
            r.extend([
                n(&m.districts),
                n(&m.ongoing_districts),
                n(&m.ended_districts),
            ]);
        } else {
            r.extend([n(&m.ongoing_provinces), n(&m.ended_provinces)]);
        }
        rows.push(r);
    }
    if g.district_level {
        table(
            Some("Đơn vị tính: tỉnh, thành phố; đơn vị cấp huyện"),
            &[8, 44, 12, 12, 12, 12],
            vec![
                "STT",
                "Mô hình",
                "Số tỉnh, thành phố",
                "Số đơn vị cấp huyện",
                "Đang thực hiện",
                "Đã kết thúc",
            ],
            rows,
        )
    } else {
        table(
            Some("Đơn vị tính: tỉnh, thành phố"),
            &[8, 50, 14, 14, 14],
            vec![
                "STT",
                "Mô hình",
                "Số tỉnh, thành phố",
                "Đang thực hiện",
                "Đã kết thúc",
            ],
            rows,
        )
    }
}

/// The before/after table of a group's merger figures (totals of all model types).
pub fn figures_table(g: &Group) -> Option<Block> {
    if g.total.figures.is_empty() {
        return None;
    }
    let rows = g
        .total
        .figures
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
        .collect();
    Some(table(
        Some("Đơn vị tính: người, đơn vị"),
        &[8, 38, 13, 14, 13, 14],
        vec![
            "STT",
            "Nội dung",
            "Trước thí điểm",
            "Theo quyết định",
            "Đến ngày chốt số liệu",
            "Tăng (+), giảm (-)",
        ],
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
    Some(table(None, &[76, 24], vec!["Đề xuất", "Số mô hình"], rows))
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
    body.push(heading("upper-roman", "II-", "Kết quả thực hiện thí điểm"));
    for (i, g) in c.groups.iter().enumerate() {
        let title = format!("{}, {}", upper_first(&g.family_label), g.level_label);
        body.push(heading("arabic-1", &format!("{}-", i + 1), &title));
        body.push(group_table(g));
        body.push(Block::Chart(provinces_chart(g)));
        if let Some(f) = figures_table(g) {
            body.push(para(
                "Số lượng đầu mối, lãnh đạo, biên chế trước và sau thí điểm (tổng các mô hình):",
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
    if !c.others.is_empty() {
        body.push(heading("upper-roman", "IV-", "Các mô hình ngoài danh mục"));
        for o in &c.others {
            body.push(para(format!(
                "- {} ({}, {}): {}.",
                o.province_name, o.family_label, o.level_label, o.name
            )));
        }
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
                name: "Trước thí điểm".into(),
                values: f.iter().map(|x| x.before.value).collect(),
            },
            Series {
                name: "Sau thí điểm".into(),
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

/// Annex 1 (landscape): one row per province, the main measures of every group.
pub fn province_annex(c: &Consolidation) -> Vec<Block> {
    let mut out = vec![Block::Section { landscape: true }];
    out.extend(annex_title(1, "SỐ LIỆU THEO TỪNG TỈNH, THÀNH PHỐ"));
    let mut head = vec!["STT".to_string(), "Tỉnh, thành phố".to_string()];
    for g in &c.groups {
        let short = format!("{} {}", upper_first(&g.family_label), g.level_label);
        if g.district_level {
            head.push(format!("{short}: số mô hình"));
            head.push(format!("{short}: số đơn vị cấp huyện"));
            head.push(format!("{short}: đã kết thúc"));
        } else {
            head.push(format!("{short}: số mô hình"));
            head.push(format!("{short}: đã kết thúc"));
        }
    }
    let mut rows = Vec::new();
    for (i, p) in c.provinces.iter().enumerate() {
        let mut r = vec![Cell::text((i + 1).to_string()), Cell::text(p.name.clone())];
        for (g, m) in c.groups.iter().zip(&p.groups) {
            r.push(n(&m.models));
            if g.district_level {
                r.push(n(&m.districts));
                r.push(n(&m.ended_districts));
            } else {
                r.push(n(&m.ended_provinces));
            }
        }
        rows.push(r);
    }
    let cols = head.len() as u32;
    let rest = 100u32.saturating_sub(4 + 12);
    let mut widths = vec![4, 12];
    widths.extend(std::iter::repeat_n(
        rest / (cols - 2).max(1),
        head.len() - 2,
    ));
    out.push(table(
        None,
        &widths,
        head.iter().map(String::as_str).collect(),
        rows,
    ));
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
                Cell::text(e.model_name.clone()),
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
        &[5, 12, 15, 30, 10, 28],
        vec![
            "STT",
            "Tỉnh, thành phố",
            "Đơn vị cấp huyện",
            "Mô hình",
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
