//! The BTCTW's national consolidation page: the `consolidate` crate over the reports in the
//! database (accepted versions, or on request the latest submitted ones), its tables and charts,
//! every figure a link to the reports and items it was summed from, the downloads (DOCX, XLSX,
//! JSON) and the collated narrative with a diacritic-insensitive search (tantivy).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use consolidate::{Consolidation, Figure, Group, Measures};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use store::State as RState;

use crate::auth::Viewer;
use crate::{access, editor, ops, pages, App, AppError, AppResult};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/tong-hop", get(page))
        .route("/tong-hop/nguon", get(sources_page))
        .route("/tong-hop/tai/{format}", get(download))
        .route("/tong-hop/noi-dung", get(narrative_page))
}

#[derive(Deserialize, Default, Clone)]
pub struct Q {
    #[serde(default)]
    dot: Option<i64>,
    /// "tiep-nhan" (accepted versions, default) or "da-gui" (the latest submitted).
    #[serde(default)]
    nguon: Option<String>,
    /// A figure's path (provenance page).
    #[serde(default)]
    f: Option<String>,
    /// A search query (narrative page).
    #[serde(default)]
    q: Option<String>,
    /// A narrative item (narrative page).
    #[serde(default)]
    muc: Option<String>,
}

impl Q {
    fn submitted(&self) -> bool {
        self.nguon.as_deref() == Some("da-gui")
    }
    fn query(&self, round: i64) -> String {
        format!(
            "dot={round}&nguon={}",
            if self.submitted() {
                "da-gui"
            } else {
                "tiep-nhan"
            }
        )
    }
}

/// A consolidation of one round, with what it was made from.
pub struct Made {
    pub round: store::Round,
    pub template: Arc<outline::Template>,
    pub c: Arc<Consolidation>,
    pub reports: Arc<Vec<(report::Report, String)>>,
    /// Report ids by province code.
    pub ids: Arc<HashMap<String, i64>>,
    /// The narrative search index of this consolidation, built at the first search and kept
    /// with it (shared by every `Made` of the same consolidation).
    pub index: Arc<SearchIndex>,
}

/// A consolidation's narrative search index, built once when first needed.
pub type SearchIndex = std::sync::OnceLock<Arc<consolidate::search::NarrativeIndex>>;

impl Made {
    /// The narrative search index, built (on a blocking thread) the first time.
    pub async fn search_index(&self) -> AppResult<Arc<consolidate::search::NarrativeIndex>> {
        if let Some(i) = self.index.get() {
            return Ok(i.clone());
        }
        let c = self.c.clone();
        let built = Arc::new(
            ops::blocking(move || consolidate::search::NarrativeIndex::build(&c))
                .await?
                .map_err(|e| AppError::internal(e.to_string()))?,
        );
        // Two first searches at once: the first stored is kept.
        Ok(self.index.get_or_init(|| built).clone())
    }
}

/// What a consolidation is made from: the round, which versions are taken (report id,
/// version number, state). Versions never change once submitted; a new version, a decision on
/// one or a new report changes the key.
#[derive(Clone, PartialEq, Eq)]
struct Key {
    round: i64,
    template: String,
    submitted: bool,
    /// Every report of the round (its id), and the versions taken.
    reports: Vec<i64>,
    taken: Vec<(i64, i64, RState)>,
}

type Built = (
    Arc<Consolidation>,
    Arc<Vec<(report::Report, String)>>,
    Arc<HashMap<String, i64>>,
    Arc<SearchIndex>,
);

/// The last consolidation made, kept while what it was made from is unchanged: the page, each
/// figure's sources, the downloads and the narrative search all need it, and making it reads
/// and parses every report (~0.3 s for 63 provinces).
#[derive(Default)]
pub struct Cache(std::sync::Mutex<Option<(Key, Built)>>);

/// Consolidates the accepted versions (or, with `submitted`, the latest submitted or accepted
/// version) of the round's reports; the same as last time if nothing it is made from changed.
pub async fn make(app: &App, round: Option<i64>, submitted: bool) -> AppResult<Made> {
    let (round, rows) = ops::sending::dashboard_data(app, round).await?;
    let template = app.template(&round.template)?;
    let wanted: &[RState] = if submitted {
        &[RState::Submitted, RState::Accepted]
    } else {
        &[RState::Accepted]
    };
    let heads = app.store.version_heads(round.id).await?;
    let mut taken = Vec::new();
    for (info, _) in &rows {
        let last = heads
            .iter()
            .filter(|(id, _, state)| *id == info.id && wanted.contains(state))
            .max_by_key(|(_, number, _)| *number);
        if let Some(&(id, number, state)) = last {
            taken.push((id, number, state));
        }
    }
    let key = Key {
        round: round.id,
        template: round.template.clone(),
        submitted,
        reports: rows.iter().map(|(info, _)| info.id).collect(),
        taken,
    };
    if let Ok(cache) = app.national.0.lock() {
        if let Some((k, (c, reports, ids, index))) = cache.as_ref() {
            if *k == key {
                return Ok(Made {
                    round,
                    template,
                    c: c.clone(),
                    reports: reports.clone(),
                    ids: ids.clone(),
                    index: index.clone(),
                });
            }
        }
    }
    let mut texts = Vec::new();
    let mut ids = HashMap::new();
    for (info, _) in rows {
        ids.insert(info.province.clone(), info.id);
        let Some(&(_, number, _)) = key.taken.iter().find(|(id, _, _)| *id == info.id) else {
            continue;
        };
        let versions = app.store.versions(info.id).await?;
        let Some(v) = versions.into_iter().find(|v| v.number == number) else {
            continue;
        };
        texts.push(v);
    }
    // Parsing every report and summing them is CPU work (~0.3 s): on a blocking thread.
    let units = app.units;
    let t = template.clone();
    let (c, reports) = ops::blocking(move || -> AppResult<_> {
        let mut reports = Vec::new();
        let mut sources = Vec::new();
        for v in texts {
            let r = report::Report::from_json(&v.content).map_err(AppError::internal)?;
            let label = format!("phiên bản {}", v.number);
            sources.push(consolidate::Source {
                report: r.clone(),
                version: label.clone(),
                at: Some(crate::format_time(v.submitted_at)),
                // A version is stored only once it passed validation (submission refuses
                // errors).
                invalid: false,
            });
            reports.push((r, label));
        }
        let c = consolidate::consolidate(&t, units, &sources)
            .map_err(|e| AppError::internal(e.to_string()))?;
        Ok((Arc::new(c), Arc::new(reports)))
    })
    .await??;
    let ids = Arc::new(ids);
    let index: Arc<SearchIndex> = Default::default();
    if let Ok(mut cache) = app.national.0.lock() {
        *cache = Some((
            key,
            (c.clone(), reports.clone(), ids.clone(), index.clone()),
        ));
    }
    Ok(Made {
        round,
        template,
        c,
        reports,
        ids,
        index,
    })
}

/// The columns of a group's table: units counted once each, then pilots (the same as the
/// documents', `consolidate::document::count_columns`).
const MEASURES: &[(&str, &str)] = &[
    ("models", "Số mô hình"),
    ("provinces", "Số tỉnh thực hiện"),
    ("ongoing_provinces", "Tỉnh đang thực hiện"),
    ("ended_provinces", "Tỉnh đã kết thúc"),
    ("districts", "Số huyện thực hiện"),
    ("ongoing_districts", "Huyện đang thực hiện"),
    ("ended_districts", "Huyện đã kết thúc"),
    ("pilots", "Số thí điểm"),
    ("ongoing_pilots", "Thí điểm đang thực hiện"),
    ("ended_pilots", "Thí điểm đã kết thúc"),
];

fn measure<'a>(m: &'a Measures, key: &str) -> Option<&'a Figure> {
    Some(match key {
        "models" => &m.models,
        "provinces" => &m.provinces,
        "districts" => &m.districts,
        "ongoing_provinces" => &m.ongoing_provinces,
        "ended_provinces" => &m.ended_provinces,
        "ongoing_districts" => &m.ongoing_districts,
        "ended_districts" => &m.ended_districts,
        "pilots" => &m.pilots,
        "ongoing_pilots" => &m.ongoing_pilots,
        "ended_pilots" => &m.ended_pilots,
        other => {
            if let Some(rest) = other.strip_prefix('p') {
                return m.proposals.get(rest.parse::<usize>().ok()?);
            }
            let (row, col) = other.strip_prefix('f')?.split_once('.')?;
            let f = m.figures.get(row.parse::<usize>().ok()?)?;
            return match col {
                "before" => Some(&f.before),
                "authorised" => Some(&f.authorised),
                "after" => Some(&f.after),
                "change" => Some(&f.change),
                _ => None,
            };
        }
    })
}

/// The figure at a path: "g{group}/t/{measure}", "g{group}/r{row}/{measure}" or
/// "p{province row}/g{group}/{measure}".
pub fn figure_at<'a>(c: &'a Consolidation, path: &str) -> Option<&'a Figure> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [g, "t", m] => measure(
            &c.groups
                .get(g.strip_prefix('g')?.parse::<usize>().ok()?)?
                .total,
            m,
        ),
        [g, r, m] => {
            if let Some(p) = g.strip_prefix('p') {
                let row = c.provinces.get(p.parse::<usize>().ok()?)?;
                return measure(
                    row.groups
                        .get(r.strip_prefix('g')?.parse::<usize>().ok()?)?,
                    m,
                );
            }
            let group = c.groups.get(g.strip_prefix('g')?.parse::<usize>().ok()?)?;
            measure(
                &group
                    .rows
                    .get(r.strip_prefix('r')?.parse::<usize>().ok()?)?
                    .measures,
                m,
            )
        }
        _ => None,
    }
}

fn num(q: &str, path: String, f: &Figure) -> Markup {
    html! {
        a.fig href=(format!("/tong-hop/nguon?{q}&f={path}")) title="Xem các báo cáo và mục đã cộng vào số này" {
            (vi::format_int(f.value))
        }
    }
}

fn measures_cols(g: &Group) -> Vec<(&'static str, &'static str)> {
    MEASURES
        .iter()
        .copied()
        .filter(|(k, _)| g.district_level || !k.contains("district"))
        .collect()
}

/// A chart of the consolidation as inline SVG (the same chart the DOCX carries natively).
fn chart(c: &document::Chart) -> Markup {
    PreEscaped(document::chart::svg(c))
}

fn header(m: &Made, q: &Q, rounds: &[store::Round]) -> Markup {
    let query = q.query(m.round.id);
    html! {
        form.inline method="get" action="/tong-hop" {
            label for="dot" { "Đợt" }
            select #dot name="dot" { @for r in rounds { option value=(r.id) selected[r.id == m.round.id] { (r.name) } } }
            label for="nguon" { "Tổng hợp từ" }
            select #nguon name="nguon" {
                option value="tiep-nhan" selected[!q.submitted()] { "các báo cáo đã tiếp nhận" }
                option value="da-gui" selected[q.submitted()] { "bản đã gửi mới nhất của mỗi tỉnh" }
            }
            button type="submit" { "Tổng hợp" }
        }
        p.meta {
            "Đã tổng hợp " strong { (m.c.included.len()) } " tỉnh, thành phố; chưa có " (m.c.missing.len()) "."
            " Số liệu tính đến " (editor::date_shown(&m.round.cutoff)) "."
            @if q.submitted() {
                " Tổng hợp từ bản đã gửi mới nhất của mỗi tỉnh (kể cả bản chưa được tiếp nhận); mọi bản đã gửi đều đã qua kiểm tra, không còn lỗi."
            } @else {
                " Chỉ tổng hợp các báo cáo đã được Ban Tổ chức Trung ương tiếp nhận."
            }
        }
        p.meta { (consolidate::document::COUNTING_NOTE) }
        div.toolbar {
            a.button href=(format!("/tong-hop/tai/docx?{query}")) { "Tải báo cáo tổng hợp (DOCX)" }
            a.button href=(format!("/tong-hop/tai/pdf?{query}")) { "Tải báo cáo tổng hợp (PDF)" }
            a.button href=(format!("/tong-hop/tai/xlsx?{query}")) { "Tải bảng số liệu (XLSX)" }
            a.button href=(format!("/tong-hop/tai/json?{query}")) { "Tải dữ liệu (JSON)" }
            a.button href=(format!("/tong-hop/noi-dung?{query}")) { "Nội dung các tỉnh theo từng mục" }
        }
    }
}

/// GET /tong-hop
async fn page(State(app): State<Arc<App>>, v: Viewer, Query(q): Query<Q>) -> AppResult<Response> {
    access::require(access::sees_dashboard(&v.user))?;
    let m = make(&app, q.dot, q.submitted()).await?;
    let rounds = app.store.rounds().await?;
    let query = q.query(m.round.id);
    let c = &m.c;
    let body = html! {
        h1 { "Tổng hợp toàn quốc" }
        (header(&m, &q, &rounds))
        @if c.included.is_empty() {
            p.notice.error { "Chưa có báo cáo nào để tổng hợp. Chọn “bản đã gửi mới nhất” để tổng hợp cả các báo cáo chưa tiếp nhận." }
        }
        @for (gi, g) in c.groups.iter().enumerate() {
            section.group {
                h2 { "Thí điểm " (g.family_label) " – " (g.level_label) }
                @if g.rows.is_empty() {
                    p { (consolidate::document::NO_MODEL) }
                } @else {
                @let cols = measures_cols(g);
                table.list {
                    thead { tr { th { "Mô hình" } @for (_, l) in &cols { th { (l) } } } }
                    tbody {
                        @for (ri, row) in g.rows.iter().enumerate() {
                            tr {
                                td { (row.name) }
                                @for (k, _) in &cols {
                                    td.num { @if let Some(f) = measure(&row.measures, k) { (num(&query, format!("g{gi}/r{ri}/{k}"), f)) } }
                                }
                            }
                        }
                        tr.total {
                            td { strong { "Cộng" } }
                            @for (k, _) in &cols {
                                td.num { @if let Some(f) = measure(&g.total, k) { strong { (num(&query, format!("g{gi}/t/{k}"), f)) } } }
                            }
                        }
                    }
                }
                (chart(&consolidate::document::provinces_chart(g)))
                @if !g.total.figures.is_empty() {
                    h3 { "Số lượng trước và sau thí điểm (tổng các mô hình; theo từng mô hình trong tệp DOCX, XLSX)" }
                    table.list {
                        thead { tr { th { "Nội dung" } @for c in &g.figure_columns { th { (c) } } th { "Tăng (+), giảm (−)" } } }
                        tbody {
                            @for (fi, f) in g.total.figures.iter().enumerate() {
                                tr {
                                    td { (f.label) }
                                    td.num { (num(&query, format!("g{gi}/t/f{fi}.before"), &f.before)) }
                                    td.num { (num(&query, format!("g{gi}/t/f{fi}.authorised"), &f.authorised)) }
                                    td.num { (num(&query, format!("g{gi}/t/f{fi}.after"), &f.after)) }
                                    td.num { a.fig href=(format!("/tong-hop/nguon?{query}&f=g{gi}/t/f{fi}.change")) { (vi::format_change(f.change.value)) } }
                                }
                            }
                        }
                    }
                    @if let Some(c) = consolidate::document::figures_chart(g) { (chart(&c)) }
                }
                @if !g.proposals.is_empty() {
                    h3 { "Đề xuất của các tỉnh" }
                    table.list {
                        thead { tr { th { "Đề xuất" } th { "Số mô hình" } } }
                        tbody {
                            @for (pi, p) in g.proposals.iter().enumerate() {
                                tr { td { (p.label) } td.num { @if let Some(f) = g.total.proposals.get(pi) { (num(&query, format!("g{gi}/t/p{pi}"), f)) } } }
                            }
                        }
                    }
                    @if let Some(c) = consolidate::document::proposals_chart(g) { (chart(&c)) }
                }
                }
            }
        }
        @if !c.provinces.is_empty() {
            section {
                h2 { "Theo từng tỉnh, thành phố" }
                table.list {
                    thead {
                        tr {
                            th rowspan="2" { "Tỉnh, thành phố" } th rowspan="2" { "Phiên bản" }
                            @for g in &c.groups { th colspan=(if g.district_level { 2 } else { 1 }) { (g.family_label) " – " (g.level_label) } }
                        }
                        tr { @for g in &c.groups { th { "Số mô hình" } @if g.district_level { th { "Số huyện" } } } }
                    }
                    tbody {
                        @for (pi, row) in c.provinces.iter().enumerate() {
                            tr {
                                td { (row.name) } td { (row.version) }
                                @for (gi, g) in c.groups.iter().enumerate() {
                                    @if let Some(m) = row.groups.get(gi) {
                                        td.num { (num(&query, format!("p{pi}/g{gi}/models"), &m.models)) }
                                        @if g.district_level { td.num { (num(&query, format!("p{pi}/g{gi}/districts"), &m.districts)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !c.ended.is_empty() {
            section {
                h2 { "Các mô hình đã dừng thí điểm" }
                table.list {
                    thead { tr { th { "Tỉnh, thành phố" } th { "Huyện" } th { "Mô hình" } th { "Ngày dừng" } th { "Lý do" } } }
                    tbody { @for e in &c.ended {
                        tr {
                            td { (e.province_name) } td { (e.district_name.clone().unwrap_or_default()) }
                            td { (e.model_name) }
                            td { (e.end_date.as_deref().map(editor::date_shown).unwrap_or_default()) }
                            td { (vi::shorten(&e.reason, 200)) }
                        }
                    } }
                }
            }
        }
        @if !c.others.is_empty() {
            section {
                h2 { "Các mô hình khác (ngoài danh mục)" }
                ul { @for o in &c.others { li { (o.province_name) ": " (o.name) " (" (o.family_label) " – " (o.level_label) ")" } } }
            }
        }
        section {
            h2 { "Tình hình báo cáo" }
            p { "Đã tổng hợp: " (c.included.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")) }
            p { "Chưa có báo cáo để tổng hợp: " (c.missing.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")) }
        }
    };
    Ok(pages::page("Tổng hợp toàn quốc", Some(&v), body))
}

/// Where a source is, in the outline's words and numbers as its report prints them
/// ("B.II.1.2 – Kết quả thực hiện, mô hình Hợp nhất Ban Tổ chức…"), never an instance id.
fn source_place(m: &Made, p: &consolidate::Provenance) -> String {
    let report = m
        .reports
        .iter()
        .find(|(r, v)| r.unit.province == p.province.as_ref() && v == p.version.as_ref())
        .map(|(r, _)| r);
    let Some(r) = report else {
        return ops::item_label(&m.template, &p.item);
    };
    let entries = report::tree::resolve(&m.template, r, Default::default());
    let entry = entries.iter().find(|e| {
        e.node.id == p.item.as_ref() && e.instance.map(|i| i.id.as_str()) == p.instance.as_deref()
    });
    let place = entry
        .map(|e| e.place())
        .unwrap_or_else(|| ops::item_label(&m.template, &p.item));
    let model = entry.and_then(|e| e.instance).map(|i| {
        if i.model == "khac" {
            format!("mô hình khác: {}", i.name.clone().unwrap_or_default())
        } else {
            m.template
                .catalogue_entry(&i.model)
                .map(|c| format!("mô hình {}", c.name))
                .unwrap_or_else(|| i.model.clone())
        }
    });
    match model {
        Some(model) => format!("{place} ({model})"),
        None => place,
    }
}

/// GET /tong-hop/nguon?f=…: the reports and items a figure was summed from.
async fn sources_page(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<Q>,
) -> AppResult<Response> {
    access::require(access::sees_dashboard(&v.user))?;
    let m = make(&app, q.dot, q.submitted()).await?;
    let path = q.f.clone().unwrap_or_default();
    let f = figure_at(&m.c, &path).ok_or_else(AppError::not_found)?;
    let query = q.query(m.round.id);
    let body = html! {
        h1 { "Nguồn của số " (vi::format_int(f.value)) }
        p { a href=(format!("/tong-hop?{query}")) { "← Tổng hợp toàn quốc" } }
        p { "Số này được cộng từ " (f.sources.len()) " mục trong các báo cáo dưới đây." }
        table.list {
            thead { tr { th { "Tỉnh, thành phố" } th { "Phiên bản" } th { "Mục" } th { "Dòng" } th { "Phiếu cấp huyện" } } }
            tbody {
                @for p in m.c.sources_of(f) {
                    @let id = m.ids.get(p.province.as_ref()).copied().unwrap_or(0);
                    @let number = p.version.strip_prefix("phiên bản ").and_then(|n| n.parse::<i64>().ok());
                    tr {
                        td { (app.units.province(&p.province).map(|x| x.name.clone()).unwrap_or_default()) }
                        td {
                            // The very version that was counted.
                            @match number {
                                Some(n) => a href=(format!("/bao-cao/{id}/xem?phien-ban={n}")) { (p.version) },
                                None => { (p.version) },
                            }
                        }
                        td { a href=(format!("/bao-cao/{id}?muc={}", editor::section_of(&m.template, &p.item))) { (source_place(&m, p)) } }
                        td { @if let Some(r) = p.row { (r) } }
                        td {
                            @if let Some(d) = &p.district {
                                @let dname = app.units.district(d).map(|x| x.name.clone()).unwrap_or_else(|| d.to_string());
                                @match p.sheet.as_deref().and_then(ops::parse_sheet_version) {
                                    Some((sid, n)) => a.sheet-source href=(format!("/bao-cao/{sid}/phien-ban#ban-{n}")) { (dname) ", bản " (n) },
                                    None => { (dname) },
                                }
                                @if p.corrected { " " span.late { "(tỉnh đã sửa số liệu của phiếu)" } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(pages::page("Nguồn số liệu", Some(&v), body))
}

/// GET /tong-hop/tai/{docx|xlsx|json}
/// The consolidated report as PDF (charts drawn as bars).
#[cfg(feature = "pdf")]
fn national_pdf(doc: &document::Document, profile: &outline::Profile) -> AppResult<Vec<u8>> {
    pdf::render(doc, profile, &pdf::PdfOptions::default())
        .map(|out| out.bytes)
        .map_err(AppError::internal)
}

#[cfg(not(feature = "pdf"))]
fn national_pdf(_: &document::Document, _: &outline::Profile) -> AppResult<Vec<u8>> {
    Err(AppError::not_built(
        "Bản cài đặt này không có phần xuất PDF; hãy tải DOCX.",
    ))
}

async fn download(
    State(app): State<Arc<App>>,
    v: Viewer,
    axum::extract::Path(format): axum::extract::Path<String>,
    Query(q): Query<Q>,
) -> AppResult<Response> {
    access::require(access::sees_dashboard(&v.user))?;
    let m = make(&app, q.dot, q.submitted()).await?;
    if !matches!(format.as_str(), "json" | "xlsx" | "docx" | "pdf") {
        return Err(AppError::not_found());
    }
    let (c, t, reports) = (m.c.clone(), m.template.clone(), m.reports.clone());
    let units = app.units;
    let profile = app.profile(&t.template.profile)?;
    let f = format.clone();
    // A national export takes up to seconds of CPU: on a blocking thread.
    let (bytes, kind) = ops::blocking(move || -> AppResult<(Vec<u8>, &'static str)> {
        Ok(match f.as_str() {
            "json" => (
                serde_json::to_vec_pretty(&*c).map_err(AppError::internal)?,
                "application/json",
            ),
            "xlsx" => {
                let refs: Vec<(&report::Report, &str)> =
                    reports.iter().map(|(r, v)| (r, v.as_str())).collect();
                (
                    consolidate::xlsx::workbook(&c, &t, units, &refs)
                        .map_err(|e| AppError::internal(e.to_string()))?,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            }
            _ => {
                let doc = consolidate::document::document(
                    &c,
                    &t,
                    &profile,
                    &consolidate::document::Options::default(),
                );
                if f == "pdf" {
                    (national_pdf(&doc, &profile)?, "application/pdf")
                } else {
                    (
                        document::docx::to_docx(&doc, &profile).map_err(AppError::internal)?,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    )
                }
            }
        })
    })
    .await??;
    Ok((
        [
            (CONTENT_TYPE, kind.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"tong-hop-{}.{format}\"", m.round.id),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// GET /tong-hop/noi-dung: the collated narrative, one item at a time, and the search.
async fn narrative_page(
    State(app): State<Arc<App>>,
    v: Viewer,
    Query(q): Query<Q>,
) -> AppResult<Response> {
    access::require(access::sees_dashboard(&v.user))?;
    let m = make(&app, q.dot, q.submitted()).await?;
    let query = q.query(m.round.id);
    let text = q.q.clone().unwrap_or_default();
    let hits = if text.trim().is_empty() {
        None
    } else {
        let index = m.search_index().await?;
        Some(
            index
                .search(&text, 50)
                .map_err(|e| AppError::bad_request(e.to_string()))?,
        )
    };
    let chosen = q
        .muc
        .as_deref()
        .and_then(|id| m.c.narrative.iter().find(|n| n.item == id));
    let body = html! {
        h1 { "Nội dung các tỉnh theo từng mục của đề cương" }
        p { a href=(format!("/tong-hop?{query}")) { "← Tổng hợp toàn quốc" } }
        form.inline method="get" action="/tong-hop/noi-dung" {
            input type="hidden" name="dot" value=(m.round.id);
            input type="hidden" name="nguon" value=(if q.submitted() { "da-gui" } else { "tiep-nhan" });
            label for="tim" { "Tìm trong nội dung" }
            input #tim type="search" name="q" value=(text) placeholder="ví dụ: kiem nhiem (không cần dấu)";
            button type="submit" { "Tìm" }
        }
        @if let Some(hits) = &hits {
            @if hits.is_empty() {
                p.notice.error { "Không tìm thấy nội dung nào khớp với “" (text) "”." }
            } @else {
                p { "Tìm thấy " (hits.len()) " đoạn (xếp theo mức độ khớp):" }
                ol.hits { @for h in hits {
                    li {
                        strong { (h.province_name) } " – "
                        a href=(format!("/tong-hop/noi-dung?{query}&muc={}", h.item)) { (h.title) }
                        @if let Some(mn) = &h.model_name { " (" (mn) ")" }
                        p.snippet { @for (hit, text) in &h.marked { @if *hit { mark { (text) } } @else { (text) } } }
                    }
                } }
            }
        }
        @if let Some(item) = chosen {
            h2 { (item.title) }
            @if let Some(b) = &item.block_label { p.meta { (b) } }
            @for e in &item.entries {
                article.entry {
                    h3 { (e.province_name) @if let Some(mn) = &e.model_name { " – " (mn) } }
                    @for para in e.text.split("\n\n") { p { (para) } }
                }
            }
        }
        h2 { "Các mục" }
        ul { @for n in &m.c.narrative {
            li { a href=(format!("/tong-hop/noi-dung?{query}&muc={}", n.item)) { (n.title) } " (" (n.entries.len()) " đoạn)" }
        } }
    };
    Ok(pages::page("Nội dung theo mục", Some(&v), body))
}
