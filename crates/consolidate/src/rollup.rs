//! The district level: a province's report filled from its districts' sheets (phiếu cấp huyện).
//!
//! What a sheet fills and how it adds up is the template's data (`district` on an item:
//! `row`, `sum`, `union`, `material`), never item ids. For each district-level block, each model
//! type a sheet reports becomes (or updates) the province's instance of that model type: its
//! district rows are the sheets' rows, its figures the sums of the sheets' figures cell by cell,
//! its document lists the union of the sheets'. The instance keeps what the roll-up wrote and
//! each sheet's own answers ([`report::Rollup`]), so that
//! - a value the province corrected since the last roll-up is kept (and listed), never
//!   overwritten by the next one;
//! - the national consolidation ([`crate::consolidate`]) names, for a district row or a figure,
//!   the district sheet and version it came from (or the province's correction);
//! - the report page shows each district's narrative beside the province's (material).
//!
//! Pure: the caller says which sheets (accepted ones, in the web app) and names their versions.

use std::collections::{BTreeMap, BTreeSet};

use outline::{ColumnRole, DistrictFill, Node, Template};
use report::{Instance, Report, Rollup, SheetSource};
use serde::Serialize;
use serde_json::{Map, Value};
use units::Units;

/// A district sheet to roll up, with the caller's name of its version.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub report: &'a Report,
    pub version: &'a str,
}

/// Why a roll-up cannot run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RollupError {
    #[error("“{0}” là phiếu cấp huyện, không phải báo cáo của tỉnh")]
    NotAProvinceReport(String),
    #[error("“{0}” không phải phiếu cấp huyện (thiếu mã đơn vị cấp huyện)")]
    NotASheet(String),
    #[error("phiếu “{version}” của tỉnh, thành phố mã {found}, không phải của {expected}")]
    OtherProvince {
        version: String,
        found: String,
        expected: String,
    },
    #[error("phiếu “{version}” theo đề cương “{found}”, không phải “{expected}”")]
    WrongTemplate {
        version: String,
        found: String,
        expected: String,
    },
    #[error("có hai phiếu của cùng đơn vị cấp huyện mã {0}: mỗi đơn vị chỉ một phiếu")]
    DuplicateDistrict(String),
}

/// What a roll-up did, for the person who runs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// Which district filled what.
    pub filled: Vec<Filled>,
    /// District rows of the report that no sheet supports (kept as the province wrote them).
    pub unsupported: Vec<Unsupported>,
    /// Values the province corrected after an earlier roll-up, kept instead of the sheets'.
    pub kept: Vec<Kept>,
    /// Values the province had typed (no earlier roll-up) that the sheets' replaced.
    pub replaced: Vec<Kept>,
    /// Lists from the sheets that the province's own answer hides (a `show_if` on an item the
    /// province answered otherwise: districts' regulations while the province says none were
    /// issued), so that the document would not print them: to settle by the province.
    pub hidden: Vec<Kept>,
}

/// One sheet's contribution to one instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filled {
    pub district: String,
    pub district_name: String,
    pub version: String,
    pub block: String,
    pub instance: String,
    pub model: String,
    /// The items of the instance it filled (row, sums, union).
    pub items: Vec<String>,
}

/// A district row of the report without a sheet behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unsupported {
    pub block: String,
    pub instance: String,
    pub model: String,
    pub district: String,
    pub district_name: String,
}

/// A value where the report and the sheets differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kept {
    pub block: String,
    pub instance: String,
    pub item: String,
    /// A figure cell ("bien-che.after") or a district row's code; absent for the whole item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// What the report holds (kept, or replaced).
    pub report: Value,
    /// What the sheets give.
    pub sheets: Value,
}

/// The columns of a figures cell summed by the roll-up.
pub const FIGURE_COLUMNS: [&str; 3] = ["before", "authorised", "after"];

/// Rolls `sheets` up into `report` (a province's report of the same template), in place.
pub fn rollup(
    t: &Template,
    units: &Units,
    report: &mut Report,
    sheets: &[Sheet<'_>],
) -> Result<Outcome, RollupError> {
    if report.is_district_sheet() {
        return Err(RollupError::NotAProvinceReport(
            report.unit.district.clone().unwrap_or_default(),
        ));
    }
    let mut by_district: BTreeMap<&str, Sheet<'_>> = BTreeMap::new();
    for s in sheets {
        let Some(d) = s.report.unit.district.as_deref() else {
            return Err(RollupError::NotASheet(s.version.to_string()));
        };
        if s.report.unit.province != report.unit.province {
            return Err(RollupError::OtherProvince {
                version: s.version.to_string(),
                found: s.report.unit.province.clone(),
                expected: report.unit.province.clone(),
            });
        }
        if s.report.template.id != t.template.id {
            return Err(RollupError::WrongTemplate {
                version: s.version.to_string(),
                found: s.report.template.id.clone(),
                expected: t.template.id.clone(),
            });
        }
        if by_district.insert(d, *s).is_some() {
            return Err(RollupError::DuplicateDistrict(d.to_string()));
        }
    }
    let mut out = Outcome::default();
    let district_name = |code: &str| {
        units
            .district(code)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    for block in t.district_blocks() {
        let items: Vec<&Node> = t
            .node
            .iter()
            .filter(|n| {
                n.district.is_some() && t.enclosing_repeat(&n.id).map(|b| &b.id) == Some(&block.id)
            })
            .collect();
        // The sheets' instances of this block, by model type, in district order.
        let mut by_model: BTreeMap<(usize, String), Vec<Contribution<'_>>> = BTreeMap::new();
        for (&d, s) in &by_district {
            for inst in s.report.blocks.get(&block.id).into_iter().flatten() {
                by_model
                    .entry(model_key(t, inst))
                    .or_default()
                    .push((d, *s, inst));
            }
        }
        let list = report.blocks.entry(block.id.clone()).or_default();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for contributions in by_model.values() {
            let Some(&(_, _, first)) = contributions.first() else {
                continue;
            };
            let pos = match list.iter().position(|i| same_model(i, first)) {
                Some(p) => p,
                None => {
                    let id = fresh_id(list, &first.model);
                    list.push(Instance {
                        id,
                        model: first.model.clone(),
                        name: first.name.clone(),
                        answers: BTreeMap::new(),
                        rollup: None,
                    });
                    list.len() - 1
                }
            };
            let inst = &mut list[pos];
            touched.insert(inst.id.clone());
            let previous = inst.rollup.take();
            let mut rolled = Rollup::default();
            for node in &items {
                let Some(fill) = node.district.filter(|f| f.rolls_up()) else {
                    continue;
                };
                let values: Vec<(&str, &Value)> = contributions
                    .iter()
                    .filter_map(|(d, _, i)| i.answers.get(&node.id).map(|v| (*d, v)))
                    .collect();
                let prev = previous.as_ref().and_then(|r| r.values.get(&node.id));
                let ctx = Ctx {
                    block: &block.id,
                    instance: &inst.id,
                    item: &node.id,
                };
                let new = match fill {
                    DistrictFill::Row => {
                        let key = unit_key(node);
                        rows(&ctx, &key, &values, prev, &mut inst.answers, &mut out)
                    }
                    DistrictFill::Sum => sums(&ctx, &values, prev, &mut inst.answers, &mut out),
                    DistrictFill::Union => {
                        let new = union(&ctx, &values, prev, &mut inst.answers, &mut out);
                        if let Some(v) = new.as_ref().filter(|v| !report::validate::is_empty(v)) {
                            shown_or_told(&ctx, node, v, &mut inst.answers, &mut out);
                        }
                        new
                    }
                    DistrictFill::Material => continue,
                };
                if let Some(v) = new {
                    rolled.values.insert(node.id.clone(), v);
                }
            }
            for (d, s, i) in contributions {
                let answers: BTreeMap<String, Value> = i
                    .answers
                    .iter()
                    .filter(|(k, _)| t.district_fill(k).is_some())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let filled_items: Vec<String> = items
                    .iter()
                    .filter(|n| n.district.is_some_and(DistrictFill::rolls_up))
                    .filter(|n| answers.contains_key(&n.id))
                    .map(|n| n.id.clone())
                    .collect();
                out.filled.push(Filled {
                    district: d.to_string(),
                    district_name: district_name(d),
                    version: s.version.to_string(),
                    block: block.id.clone(),
                    instance: inst.id.clone(),
                    model: inst.model.clone(),
                    items: filled_items,
                });
                rolled.sheets.push(SheetSource {
                    district: d.to_string(),
                    version: s.version.to_string(),
                    answers,
                });
            }
            inst.rollup = Some(rolled);
        }
        // Rows no sheet supports: in instances the sheets did not touch, and rows of touched
        // instances whose district has no sheet.
        let row_item = items.iter().find(|n| n.district == Some(DistrictFill::Row));
        if let Some(row_item) = row_item {
            let key = unit_key(row_item);
            for inst in list.iter() {
                let rows = inst.answers.get(&row_item.id).and_then(Value::as_array);
                for row in rows.into_iter().flatten() {
                    let Some(code) = row.get(&key).and_then(Value::as_str) else {
                        continue;
                    };
                    let supported = touched.contains(&inst.id)
                        && inst
                            .rollup
                            .as_ref()
                            .is_some_and(|r| r.sheets.iter().any(|s| s.district == code));
                    if !supported {
                        out.unsupported.push(Unsupported {
                            block: block.id.clone(),
                            instance: inst.id.clone(),
                            model: inst.model.clone(),
                            district: code.to_string(),
                            district_name: district_name(code),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// One sheet's instance of a model type: (district, sheet, instance).
type Contribution<'a> = (&'a str, Sheet<'a>, &'a Instance);

struct Ctx<'a> {
    block: &'a str,
    instance: &'a str,
    item: &'a str,
}

impl Ctx<'_> {
    fn kept(&self, part: Option<String>, report: Value, sheets: Value) -> Kept {
        Kept {
            block: self.block.to_string(),
            instance: self.instance.to_string(),
            item: self.item.to_string(),
            part,
            report,
            sheets,
        }
    }
}

/// The key of the unit column of a `row` item.
pub fn unit_key(node: &Node) -> String {
    node.answer
        .as_ref()
        .and_then(|a| a.column.iter().find(|c| c.role == Some(ColumnRole::Unit)))
        .map(|c| c.key.clone())
        .unwrap_or_default()
}

/// Catalogue order first, then models outside the catalogue by name.
fn model_key(t: &Template, inst: &Instance) -> (usize, String) {
    match t.catalogue.iter().position(|c| c.code == inst.model) {
        Some(i) => (i, String::new()),
        None => (
            usize::MAX,
            vi::name_key(inst.name.as_deref().unwrap_or_default()),
        ),
    }
}

fn same_model(a: &Instance, b: &Instance) -> bool {
    a.model == b.model
        && (a.model != "khac"
            || vi::name_key(a.name.as_deref().unwrap_or_default())
                == vi::name_key(b.name.as_deref().unwrap_or_default()))
}

fn fresh_id(list: &[Instance], model: &str) -> String {
    let base = model.to_lowercase();
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !list.iter().any(|i| &i.id == id))
        .unwrap_or(base)
}

/// District rows: each sheet's own row replaces the report's row of that district, unless the
/// province corrected it since the last roll-up. Rows of districts without a sheet stay.
fn rows(
    ctx: &Ctx<'_>,
    key: &str,
    values: &[(&str, &Value)],
    prev: Option<&Value>,
    answers: &mut BTreeMap<String, Value>,
    out: &mut Outcome,
) -> Option<Value> {
    let code = |r: &Value| r.get(key).and_then(Value::as_str).map(str::to_string);
    let from_sheets: BTreeMap<String, Value> = values
        .iter()
        .filter_map(|(d, v)| {
            let row = v.as_array()?.first()?;
            Some((d.to_string(), row.clone()))
        })
        .collect();
    let prev_rows: BTreeMap<String, &Value> = prev
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| Some((code(r)?, r)))
        .collect();
    let current: Vec<Value> = answers
        .get(ctx.item)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut result: BTreeMap<String, Value> = BTreeMap::new();
    let mut uncoded = Vec::new();
    for row in current {
        let Some(c) = code(&row) else {
            uncoded.push(row);
            continue;
        };
        match from_sheets.get(&c) {
            Some(sheet_row) if sheet_row != &row => match prev_rows.get(&c) {
                Some(p) if *p != &row => {
                    out.kept
                        .push(ctx.kept(Some(c.clone()), row.clone(), sheet_row.clone()));
                    result.insert(c, row);
                }
                Some(_) => {
                    result.insert(c, sheet_row.clone());
                }
                None => {
                    out.replaced
                        .push(ctx.kept(Some(c.clone()), row.clone(), sheet_row.clone()));
                    result.insert(c, sheet_row.clone());
                }
            },
            _ => {
                result.insert(c, row);
            }
        }
    }
    for (c, row) in &from_sheets {
        result.entry(c.clone()).or_insert_with(|| row.clone());
    }
    let mut all: Vec<Value> = result.into_values().collect();
    all.extend(uncoded);
    answers.insert(ctx.item.to_string(), Value::Array(all));
    Some(Value::Array(from_sheets.into_values().collect()))
}

/// Figures: each cell the sum of the sheets' (the cells at least one sheet gives), unless the
/// province corrected the cell since the last roll-up.
fn sums(
    ctx: &Ctx<'_>,
    values: &[(&str, &Value)],
    prev: Option<&Value>,
    answers: &mut BTreeMap<String, Value>,
    out: &mut Outcome,
) -> Option<Value> {
    let mut total: BTreeMap<String, BTreeMap<&str, i64>> = BTreeMap::new();
    for (_, v) in values {
        let Some(obj) = v.as_object() else { continue };
        for (row, cell) in obj {
            for col in FIGURE_COLUMNS {
                if let Some(n) = cell.get(col).and_then(Value::as_i64) {
                    *total
                        .entry(row.clone())
                        .or_default()
                        .entry(col)
                        .or_default() += n;
                }
            }
        }
    }
    if total.is_empty() {
        return None;
    }
    let cell_of = |v: Option<&Value>, row: &str, col: &str| {
        v.and_then(|v| v.get(row))
            .and_then(|c| c.get(col))
            .and_then(Value::as_i64)
    };
    let current = answers.get(ctx.item).cloned();
    let mut result: Map<String, Value> = current
        .as_ref()
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut rolled = Map::new();
    for (row, cols) in &total {
        let mut rolled_cell = Map::new();
        for (col, sum) in cols {
            rolled_cell.insert((*col).to_string(), Value::from(*sum));
            let now = cell_of(current.as_ref(), row, col);
            let before = cell_of(prev, row, col);
            let part = Some(format!("{row}.{col}"));
            let keep = match (now, before) {
                (Some(n), Some(b)) if n != b => {
                    out.kept
                        .push(ctx.kept(part, Value::from(n), Value::from(*sum)));
                    true
                }
                (Some(n), None) if n != *sum => {
                    out.replaced
                        .push(ctx.kept(part, Value::from(n), Value::from(*sum)));
                    false
                }
                _ => false,
            };
            if !keep {
                let cell = result
                    .entry(row.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(obj) = cell.as_object_mut() {
                    obj.insert((*col).to_string(), Value::from(*sum));
                }
            }
        }
        rolled.insert(row.clone(), Value::Object(rolled_cell));
    }
    answers.insert(ctx.item.to_string(), Value::Object(result));
    Some(Value::Object(rolled))
}

/// Lists (docrefs): every distinct entry of the sheets, in district order. Texts: the distinct
/// texts joined by "; ". Kept when the province changed it since the last roll-up.
fn union(
    ctx: &Ctx<'_>,
    values: &[(&str, &Value)],
    prev: Option<&Value>,
    answers: &mut BTreeMap<String, Value>,
    out: &mut Outcome,
) -> Option<Value> {
    let new = if values.iter().any(|(_, v)| v.is_array()) {
        let mut seen: Vec<Value> = Vec::new();
        for (_, v) in values {
            for e in v.as_array().into_iter().flatten() {
                if !seen.contains(e) {
                    seen.push(e.clone());
                }
            }
        }
        Value::Array(seen)
    } else {
        let mut seen: Vec<&str> = Vec::new();
        for (_, v) in values {
            if let Some(s) = v.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                if !seen.iter().any(|x| vi::name_key(x) == vi::name_key(s)) {
                    seen.push(s);
                }
            }
        }
        if seen.is_empty() {
            return None;
        }
        Value::String(seen.join("; "))
    };
    let current = answers.get(ctx.item);
    match (current, prev) {
        (Some(now), Some(p)) if now != p && now != &new => {
            out.kept.push(ctx.kept(None, now.clone(), new.clone()));
        }
        (Some(now), None) if now != &new && !report::validate::is_empty(now) => {
            out.replaced.push(ctx.kept(None, now.clone(), new.clone()));
            answers.insert(ctx.item.to_string(), new.clone());
        }
        _ => {
            answers.insert(ctx.item.to_string(), new.clone());
        }
    }
    Some(new)
}

/// A list rolled up into an item shown only when another answer holds (`show_if`): when the
/// province has not given that answer, it is set so that the list shows (the districts' documents
/// exist: "đã ban hành"); when the province answered otherwise, the list is hidden and told.
fn shown_or_told(
    ctx: &Ctx<'_>,
    node: &Node,
    value: &Value,
    answers: &mut BTreeMap<String, Value>,
    out: &mut Outcome,
) {
    let Some(cond) = &node.show_if else { return };
    match answers.get(&cond.item).and_then(Value::as_str) {
        Some(v) if cond.equals.contains(v) => {}
        Some(v) => out.hidden.push(Kept {
            block: ctx.block.to_string(),
            instance: ctx.instance.to_string(),
            item: ctx.item.to_string(),
            part: Some(format!("{}={v}", cond.item)),
            report: Value::String(v.to_string()),
            sheets: value.clone(),
        }),
        None => {
            if let Some(first) = cond.equals.values().first() {
                answers.insert(cond.item.clone(), Value::String((*first).to_string()));
            }
        }
    }
}

/// Where a province's answer now differs from what the last roll-up wrote: the province's
/// corrections, for the report page and the consolidation's provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub item: String,
    /// A figure cell ("bien-che.after") or a district row's code.
    pub part: String,
    pub value: Value,
    pub district_value: Value,
}

/// The corrections of one instance (empty when it was not rolled up).
pub fn corrections(t: &Template, inst: &Instance) -> Vec<Correction> {
    let Some(r) = &inst.rollup else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (item, rolled) in &r.values {
        let Some(node) = t.node(item) else { continue };
        let now = inst.answers.get(item);
        match node.district {
            Some(DistrictFill::Row) => {
                let key = unit_key(node);
                let code = |r: &Value| r.get(&key).and_then(Value::as_str).map(str::to_string);
                for rr in rolled.as_array().into_iter().flatten() {
                    let Some(c) = code(rr) else { continue };
                    let row = now
                        .and_then(Value::as_array)
                        .and_then(|rows| rows.iter().find(|x| code(x).as_deref() == Some(&c)));
                    if row != Some(rr) {
                        out.push(Correction {
                            item: item.clone(),
                            part: c,
                            value: row.cloned().unwrap_or(Value::Null),
                            district_value: rr.clone(),
                        });
                    }
                }
            }
            Some(DistrictFill::Sum) => {
                for (row, cell) in rolled.as_object().into_iter().flatten() {
                    for (col, v) in cell.as_object().into_iter().flatten() {
                        let n = now.and_then(|x| x.get(row)).and_then(|x| x.get(col));
                        if n != Some(v) {
                            out.push(Correction {
                                item: item.clone(),
                                part: format!("{row}.{col}"),
                                value: n.cloned().unwrap_or(Value::Null),
                                district_value: v.clone(),
                            });
                        }
                    }
                }
            }
            _ => {
                if now != Some(rolled) {
                    out.push(Correction {
                        item: item.clone(),
                        part: String::new(),
                        value: now.cloned().unwrap_or(Value::Null),
                        district_value: rolled.clone(),
                    });
                }
            }
        }
    }
    out
}
