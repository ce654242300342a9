//! Computing the consolidation from a set of reports.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use outline::{AnswerType, ColumnRole, Node, NodeKind, Role, Template};
use report::{Instance, Report};
use serde_json::Value;
use units::Units;

use crate::model::*;
use crate::Error;

/// A report and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    pub report: Report,
    /// The version it is (a stored version number, a file name…): carried into every provenance.
    pub version: String,
    /// When it was submitted or accepted, if known.
    pub at: Option<String>,
    /// It does not pass validation and is included only because the caller asked to
    /// (`baocao consolidate --include-invalid`): every output marks it.
    pub invalid: bool,
}

/// The items of a repeated block that consolidation reads, found by their roles.
struct BlockRoles<'t> {
    block: &'t Node,
    roles: HashMap<Role, &'t Node>,
    /// The ids of the block and of its role items, shared by every provenance that names them.
    ids: HashMap<&'t str, Arc<str>>,
    /// Scope nodes by the proposal value they belong to.
    scopes: Vec<(&'t Node, Vec<String>)>,
}

impl<'t> BlockRoles<'t> {
    fn new(t: &'t Template, block: &'t Node) -> BlockRoles<'t> {
        let mut roles = HashMap::new();
        let mut ids = HashMap::new();
        ids.insert(block.id.as_str(), Arc::from(block.id.as_str()));
        let mut scopes = Vec::new();
        for n in t
            .node
            .iter()
            .filter(|n| t.enclosing_repeat(&n.id).map(|b| b.id.as_str()) == Some(block.id.as_str()))
        {
            if let Some(r) = n.role {
                roles.insert(r, n);
                ids.insert(n.id.as_str(), Arc::from(n.id.as_str()));
                if r == Role::ProposalScope {
                    let values = n
                        .show_if
                        .as_ref()
                        .map(|c| c.equals.values().iter().map(|v| v.to_string()).collect())
                        .unwrap_or_default();
                    scopes.push((n, values));
                }
            }
        }
        BlockRoles {
            block,
            roles,
            ids,
            scopes,
        }
    }

    fn get(&self, r: Role) -> Option<&'t Node> {
        self.roles.get(&r).copied()
    }

    /// The shared id of the block or of one of its role items.
    fn id(&self, id: &str) -> Arc<str> {
        self.ids.get(id).cloned().unwrap_or_else(|| id.into())
    }

    fn proposal_keys(&self) -> Vec<ProposalKey> {
        let mut keys = Vec::new();
        let Some(p) = self.get(Role::Proposal).and_then(|n| n.answer.as_ref()) else {
            return keys;
        };
        for o in &p.option {
            let scopes: Vec<&Node> = self
                .scopes
                .iter()
                .filter(|(_, vs)| vs.contains(&o.value))
                .map(|(n, _)| *n)
                .collect();
            for s in &scopes {
                for so in s.answer.iter().flat_map(|a| a.option.iter()) {
                    keys.push(ProposalKey {
                        key: format!("{}:{}", o.value, so.value),
                        label: format!("{} – {}", o.label, so.label),
                    });
                }
            }
            keys.push(ProposalKey {
                key: o.value.clone(),
                label: if scopes.is_empty() {
                    o.label.clone()
                } else {
                    format!("{} (chưa ghi phạm vi)", o.label)
                },
            });
        }
        keys
    }
}

/// What is known of one unit (province or district) in one row: the first source that shows it
/// ongoing, the first that shows it ended, whether some pilot's status is not given.
#[derive(Clone, Copy)]
struct UnitState {
    first: u32,
    ongoing: Option<u32>,
    ended: Option<u32>,
    unknown: bool,
}

impl UnitState {
    /// Ongoing if any pilot runs; ended if every pilot ended; else neither.
    fn ongoing(&self) -> Option<u32> {
        self.ongoing
    }

    fn ended(&self) -> Option<u32> {
        match (self.ongoing, self.unknown) {
            (None, false) => self.ended,
            _ => None,
        }
    }
}

/// Records a pilot of `unit` with `status` (Some(true) ended, Some(false) ongoing).
fn note(m: &mut BTreeMap<String, UnitState>, unit: &str, status: Option<bool>, p: u32) {
    let st = match m.get_mut(unit) {
        Some(st) => st,
        None => m.entry(unit.to_string()).or_insert(UnitState {
            first: p,
            ongoing: None,
            ended: None,
            unknown: false,
        }),
    };
    match status {
        Some(false) => {
            st.ongoing.get_or_insert(p);
        }
        Some(true) => {
            st.ended.get_or_insert(p);
        }
        None => st.unknown = true,
    }
}

/// The running state of one measure set: units by state, pilot counts, sums.
#[derive(Default)]
struct Acc {
    models: Figure,
    provinces: BTreeMap<String, UnitState>,
    districts: BTreeMap<String, UnitState>,
    pilots: Figure,
    ongoing_pilots: Figure,
    ended_pilots: Figure,
    figures: Vec<FigureSum>,
    proposals: Vec<Figure>,
}

/// Distinct units with a source each, chosen by `pick`.
fn count(m: &BTreeMap<String, UnitState>, pick: impl Fn(&UnitState) -> Option<u32>) -> Figure {
    let sources: Vec<u32> = m.values().filter_map(pick).collect();
    Figure {
        value: sources.len() as i64,
        sources,
    }
}

impl Acc {
    fn new(rows: &[(String, String)], proposals: usize) -> Acc {
        Acc {
            figures: rows
                .iter()
                .map(|(k, l)| FigureSum {
                    key: k.clone(),
                    label: l.clone(),
                    ..FigureSum::default()
                })
                .collect(),
            proposals: vec![Figure::default(); proposals],
            ..Acc::default()
        }
    }

    fn finish(self) -> Measures {
        Measures {
            models: self.models,
            provinces: count(&self.provinces, |s| Some(s.first)),
            districts: count(&self.districts, |s| Some(s.first)),
            pilots: self.pilots,
            ongoing_pilots: self.ongoing_pilots,
            ended_pilots: self.ended_pilots,
            ongoing_provinces: count(&self.provinces, UnitState::ongoing),
            ended_provinces: count(&self.provinces, UnitState::ended),
            ongoing_districts: count(&self.districts, UnitState::ongoing),
            ended_districts: count(&self.districts, UnitState::ended),
            figures: self.figures,
            proposals: self.proposals,
        }
    }
}

/// One figure row of one instance: (before, after) when both are given, and the authorised.
struct FigureValues {
    row: usize,
    pair: Option<(i64, i64)>,
    authorised: Option<i64>,
    /// The sources of each column (before, authorised, after): the report's item, each district
    /// sheet the cell was rolled up from, or the province's correction of the rolled-up cell.
    sources: [Vec<u32>; 3],
}

/// What one instance contributes, computed once and added to several accumulators.
struct Contribution<'r> {
    province: &'r str,
    block_prov: u32,
    /// District rows: code, source, status (Some(true) ended, Some(false) ongoing).
    districts: Vec<(&'r str, u32, Option<bool>)>,
    /// Province-level status: Some(true) ended, Some(false) ongoing.
    status: Option<bool>,
    /// Where the province-level status was given.
    status_prov: u32,
    figures: Vec<FigureValues>,
    proposal: Option<(usize, u32)>,
    local_name: Option<(&'r str, u32)>,
}

impl Contribution<'_> {
    fn add_to(&self, acc: &mut Acc, district_level: bool) {
        acc.models.add(1, self.block_prov);
        let pilot = |acc: &mut Acc, status: Option<bool>, p: u32| {
            acc.pilots.add(1, p);
            match status {
                Some(true) => acc.ended_pilots.add(1, p),
                Some(false) => acc.ongoing_pilots.add(1, p),
                None => {}
            }
        };
        if district_level {
            if self.districts.is_empty() {
                // A model with no district listed: the province implements it, status unknown.
                note(&mut acc.provinces, self.province, None, self.block_prov);
            }
            for &(code, prov, status) in &self.districts {
                note(&mut acc.districts, code, status, prov);
                note(&mut acc.provinces, self.province, status, prov);
                pilot(acc, status, prov);
            }
        } else {
            note(
                &mut acc.provinces,
                self.province,
                self.status,
                self.status_prov,
            );
            pilot(acc, self.status, self.status_prov);
        }
        for v in &self.figures {
            let Some(f) = acc.figures.get_mut(v.row) else {
                continue;
            };
            let [before, authorised, after] = &v.sources;
            if let Some((b, a)) = v.pair {
                f.before.add_all(b, before);
                f.after.add_all(a, after);
                if before == after {
                    f.change.add_all(a - b, after);
                } else {
                    let mut both = before.clone();
                    both.extend(after.iter().filter(|p| !before.contains(p)));
                    f.change.add_all(a - b, &both);
                }
            }
            if let Some(au) = v.authorised {
                f.authorised.add_all(au, authorised);
            }
        }
        if let Some((i, prov)) = self.proposal {
            if let Some(f) = acc.proposals.get_mut(i) {
                f.add(1, prov);
            }
        }
    }
}

fn is_ended(options: &[outline::ChoiceOption], v: Option<&Value>) -> Option<bool> {
    let v = v.and_then(Value::as_str)?;
    options.iter().find(|o| o.value == v).map(|o| o.ended)
}

/// Consolidates `sources` (reports of one template, at most one per province).
pub fn consolidate(
    t: &Template,
    units: &Units,
    sources: &[Source],
) -> Result<Consolidation, Error> {
    let mut by_province: BTreeMap<&str, &Source> = BTreeMap::new();
    for s in sources {
        if s.report.template.id != t.template.id {
            return Err(Error::WrongTemplate {
                province: s.report.unit.province.clone(),
                found: s.report.template.id.clone(),
                expected: t.template.id.clone(),
            });
        }
        let p = s.report.unit.province.as_str();
        if units.province(p).is_none() {
            return Err(Error::UnknownProvince(p.to_string()));
        }
        if by_province.insert(p, s).is_some() {
            return Err(Error::Duplicate(p.to_string()));
        }
    }
    let province_name = |code: &str| {
        units
            .province(code)
            .map(|p| p.short().to_string())
            .unwrap_or_default()
    };

    let blocks: Vec<BlockRoles> = t
        .node
        .iter()
        .filter(|n| n.kind == NodeKind::Repeat)
        .map(|b| BlockRoles::new(t, b))
        .collect();

    let mut table: Vec<Provenance> = Vec::new();
    let mut groups = Vec::new();
    // Each province's measures, group by group (aligned with `by_province`).
    let mut per_province: Vec<Vec<Measures>> = vec![Vec::new(); by_province.len()];
    let mut ended = Vec::new();
    let mut others = Vec::new();
    let mut merged = Vec::new();
    // Each province's merged bodies' local names, group by group.
    let mut names_per_province: Vec<Vec<Vec<String>>> = vec![Vec::new(); by_province.len()];

    for br in &blocks {
        let block = br.block;
        let family = block.family.clone().unwrap_or_default();
        let level = block.level.clone().unwrap_or_default();
        let family_label = t.families.get(&family).cloned().unwrap_or_default();
        let level_l = t.level_of(block);
        let level_label = level_l.map(|l| l.label.clone()).unwrap_or_default();
        let district_level = level_l.is_some_and(|l| l.units == "district");
        let figures_node = br.get(Role::Figures);
        let figure_rows: Vec<(String, String)> = figures_node
            .and_then(|n| n.answer.as_ref())
            .map(|a| {
                a.row
                    .iter()
                    .map(|r| (r.key.clone(), r.label.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let cutoff = t.cutoff().map(|d| d.short_vi()).unwrap_or_default();
        let figure_columns = ["before", "authorised", "after"].map(|c| {
            figures_node
                .and_then(|n| n.answer.as_ref())
                .map(|a| a.figure_column(c, &cutoff))
                .unwrap_or_default()
        });
        let proposals = br.proposal_keys();

        let mut rows: BTreeMap<String, Acc> = BTreeMap::new();
        let mut total = Acc::new(&figure_rows, proposals.len());

        for (((&p, s), measures), names) in by_province
            .iter()
            .zip(per_province.iter_mut())
            .zip(names_per_province.iter_mut())
        {
            // This province's measures in this group.
            let mut mine = Acc::new(&figure_rows, proposals.len());
            let mut my_names = Vec::new();
            for inst in s.report.blocks.get(&block.id).into_iter().flatten() {
                let c = contribution(
                    t,
                    units,
                    br,
                    &figure_rows,
                    &proposals,
                    s,
                    inst,
                    &mut ended,
                    &family_label,
                    &level_label,
                    &mut table,
                );
                let local_name = c.local_name.map(|(n, _)| n.to_string());
                if inst.model == "khac" {
                    others.push(OtherModel {
                        province: p.to_string(),
                        province_name: province_name(p),
                        block: block.id.clone(),
                        family_label: family_label.clone(),
                        level_label: level_label.clone(),
                        name: inst.name.clone().unwrap_or_default(),
                        local_name: local_name.clone(),
                        districts: c
                            .districts
                            .iter()
                            .map(|(d, _, _)| {
                                units
                                    .district(d)
                                    .map_or_else(|| d.to_string(), |x| x.name.clone())
                            })
                            .collect(),
                        source: table[c.block_prov as usize].clone(),
                    });
                }
                if let Some((name, src)) = c.local_name {
                    merged.push(MergedBody {
                        province: p.to_string(),
                        province_name: province_name(p),
                        block: block.id.clone(),
                        family_label: family_label.clone(),
                        level_label: level_label.clone(),
                        model: inst.model.clone(),
                        model_name: model_label(t, inst),
                        local_name: name.to_string(),
                        source: table[src as usize].clone(),
                    });
                    my_names.push(name.to_string());
                }
                if !rows.contains_key(&inst.model) {
                    rows.insert(inst.model.clone(), Acc::new(&figure_rows, proposals.len()));
                }
                if let Some(row) = rows.get_mut(&inst.model) {
                    c.add_to(row, district_level);
                }
                c.add_to(&mut total, district_level);
                c.add_to(&mut mine, district_level);
            }
            measures.push(mine.finish());
            names.push(my_names);
        }
        // Catalogue order, then "khác".
        let mut model_rows = Vec::new();
        for entry in t.catalogue_for(block) {
            if let Some(acc) = rows.remove(&entry.code) {
                model_rows.push(ModelRow {
                    code: entry.code.clone(),
                    name: entry.name.clone(),
                    measures: acc.finish(),
                });
            }
        }
        if let Some(acc) = rows.remove("khac") {
            model_rows.push(ModelRow {
                code: "khac".into(),
                name: "Mô hình khác".into(),
                measures: acc.finish(),
            });
        }
        // Totals: every unit once, with the rows' rule (ongoing if any pilot of any model type
        // runs); models, pilots, figures and proposals summed.
        let total = total.finish();
        groups.push(Group {
            block: block.id.clone(),
            family,
            family_label,
            level,
            level_label,
            district_level,
            figure_rows,
            figure_columns,
            proposals,
            rows: model_rows,
            total,
        });
    }

    let included: Vec<Included> = by_province
        .iter()
        .map(|(p, s)| Included {
            province: p.to_string(),
            name: province_name(p),
            version: s.version.clone(),
            at: s.at.clone(),
            invalid: s.invalid,
        })
        .collect();
    let missing = units
        .provinces
        .iter()
        .filter(|p| !by_province.contains_key(p.code.as_str()))
        .map(|p| Missing {
            province: p.code.clone(),
            name: p.short().to_string(),
        })
        .collect();
    let provinces = by_province
        .iter()
        .zip(per_province)
        .zip(names_per_province)
        .map(|(((p, s), groups), local_names)| ProvinceRow {
            code: p.to_string(),
            name: province_name(p),
            version: s.version.clone(),
            invalid: s.invalid,
            groups,
            local_names,
        })
        .collect();
    let narrative = crate::narrative::collate(t, units, &by_province)?;
    Ok(Consolidation {
        provenance: table,
        template: t.template.id.clone(),
        template_version: t.template.version.clone(),
        included,
        missing,
        groups,
        provinces,
        ended,
        others,
        merged,
        narrative,
    })
}

/// A model's name for the lists: the catalogue's, or "Khác: <name>".
fn model_label(t: &Template, inst: &Instance) -> String {
    if inst.model == "khac" {
        format!("Khác: {}", inst.name.clone().unwrap_or_default())
    } else {
        t.catalogue_entry(&inst.model)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| inst.model.clone())
    }
}

/// Adds a source to the table and returns its position.
fn push(table: &mut Vec<Provenance>, p: Provenance) -> u32 {
    table.push(p);
    (table.len() - 1) as u32
}

#[allow(clippy::too_many_arguments)]
fn contribution<'r>(
    t: &Template,
    units: &Units,
    br: &BlockRoles,
    figure_rows: &[(String, String)],
    proposals: &[ProposalKey],
    s: &'r Source,
    inst: &'r Instance,
    ended: &mut Vec<EndedPilot>,
    family_label: &str,
    level_label: &str,
    table: &mut Vec<Provenance>,
) -> Contribution<'r> {
    let p = s.report.unit.province.as_str();
    let (p_arc, v_arc, i_arc): (Arc<str>, Arc<str>, Arc<str>) =
        (p.into(), s.version.as_str().into(), inst.id.as_str().into());
    let prov = |item: &str, row: Option<usize>| Provenance {
        province: p_arc.clone(),
        version: v_arc.clone(),
        item: br.id(item),
        instance: Some(i_arc.clone()),
        row,
        district: None,
        sheet: None,
        corrected: false,
    };
    // A value rolled up from district sheets names the sheet it came from, or says the province
    // corrected it.
    let rolled = inst.rollup.as_ref();
    let sheet_of =
        |district: &str| rolled.and_then(|r| r.sheets.iter().find(|s| s.district == district));
    let answer = |r: Role| {
        br.get(r)
            .and_then(|n| inst.answers.get(&n.id).map(|v| (n, v)))
    };
    // Names for the lists (made only for those).
    let model_name = || model_label(t, inst);
    let local_name = answer(Role::LocalName)
        .and_then(|(n, v)| Some((v.as_str()?.trim(), n)))
        .filter(|(v, _)| !v.is_empty());
    let local_name_text = local_name.map(|(v, _)| v.to_string());
    let province_name = || {
        units
            .province(p)
            .map(|x| x.short().to_string())
            .unwrap_or_default()
    };
    let block_prov = push(table, prov(&br.block.id, None));
    let mut c = Contribution {
        province: p,
        block_prov,
        districts: Vec::new(),
        status: None,
        status_prov: block_prov,
        figures: Vec::new(),
        proposal: None,
        local_name: local_name.map(|(v, n)| (v, push(table, prov(&n.id, None)))),
    };
    // Province-level status.
    if let Some(node) = br.get(Role::Status) {
        let options = node
            .answer
            .as_ref()
            .map(|a| a.option.as_slice())
            .unwrap_or(&[]);
        c.status = is_ended(options, inst.answers.get(&node.id));
        if c.status.is_some() {
            c.status_prov = push(table, prov(&node.id, None));
        }
        if c.status == Some(true) {
            let date = answer(Role::EndDate).and_then(|(_, v)| v.as_str().map(str::to_string));
            let reason = answer(Role::EndReason)
                .and_then(|(_, v)| v.as_str().map(str::to_string))
                .unwrap_or_default();
            ended.push(EndedPilot {
                province: p.to_string(),
                province_name: province_name(),
                district: None,
                district_name: None,
                block: br.block.id.clone(),
                family_label: family_label.to_string(),
                level_label: level_label.to_string(),
                model: inst.model.clone(),
                model_name: model_name(),
                local_name: local_name_text.clone(),
                end_date: date,
                reason,
                source: prov(&node.id, None),
            });
        }
    }
    // District rows.
    if let Some(node) = br.get(Role::Units) {
        let a = node.answer.as_ref();
        let col = |r: ColumnRole| a.and_then(|a| a.column.iter().find(|c| c.role == Some(r)));
        let (unit_col, status_col) = (col(ColumnRole::Unit), col(ColumnRole::Status));
        let (end_col, reason_col) = (col(ColumnRole::EndDate), col(ColumnRole::EndReason));
        let rows = inst.answers.get(&node.id).and_then(Value::as_array);
        for (i, row) in rows.into_iter().flatten().enumerate() {
            let Some(code) = unit_col
                .and_then(|c| row.get(&c.key))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let mut rp = prov(&node.id, Some(i + 1));
            if let Some(sheet) = sheet_of(code) {
                let rolled_row = rolled
                    .and_then(|r| r.values.get(&node.id))
                    .and_then(Value::as_array)
                    .and_then(|rows| {
                        rows.iter().find(|r| {
                            unit_col.and_then(|c| r.get(&c.key)).and_then(Value::as_str)
                                == Some(code)
                        })
                    });
                rp.district = Some(code.into());
                rp.sheet = Some(sheet.version.as_str().into());
                rp.corrected = rolled_row != Some(row);
            }
            let status = status_col.and_then(|c| is_ended(&c.option, row.get(&c.key)));
            if status == Some(true) {
                let get = |c: Option<&outline::Column>| {
                    c.and_then(|c| row.get(&c.key))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                ended.push(EndedPilot {
                    province: p.to_string(),
                    province_name: province_name(),
                    district: Some(code.to_string()),
                    district_name: units.district(code).map(|d| d.name.clone()),
                    block: br.block.id.clone(),
                    family_label: family_label.to_string(),
                    level_label: level_label.to_string(),
                    model: inst.model.clone(),
                    model_name: model_name(),
                    local_name: local_name_text.clone(),
                    end_date: get(end_col),
                    reason: get(reason_col).unwrap_or_default(),
                    source: rp.clone(),
                });
            }
            c.districts.push((code, push(table, rp), status));
        }
    }
    // Figures.
    if let Some((node, v)) = answer(Role::Figures) {
        if node.answer.as_ref().map(|a| a.kind) == Some(AnswerType::Figures) {
            let rolled_cells = rolled.and_then(|r| r.values.get(&node.id));
            // One provenance each for the report's item, its correction and each sheet, shared by
            // every cell that has it.
            let mut plain: Option<u32> = None;
            let mut corrected: Option<u32> = None;
            let mut from_sheet: Vec<Option<u32>> = vec![None; rolled.map_or(0, |r| r.sheets.len())];
            for (i, (key, _)) in figure_rows.iter().enumerate() {
                let cell = v.get(key);
                let get = |k: &str| cell.and_then(|c| c.get(k)).and_then(Value::as_i64);
                let pair = get("before").zip(get("after"));
                let mut sources: [Vec<u32>; 3] = Default::default();
                for (col, sources) in ["before", "authorised", "after"].iter().zip(&mut sources) {
                    let rolled_value = rolled_cells
                        .and_then(|r| r.get(key))
                        .and_then(|r| r.get(*col))
                        .and_then(Value::as_i64);
                    *sources = match (rolled, rolled_value) {
                        // Rolled up and not corrected: the sheets that gave this cell.
                        (Some(r), Some(rv)) if Some(rv) == get(col) => r
                            .sheets
                            .iter()
                            .zip(&mut from_sheet)
                            .filter(|(s, _)| {
                                s.answers
                                    .get(&node.id)
                                    .and_then(|x| x.get(key))
                                    .and_then(|x| x.get(*col))
                                    .is_some()
                            })
                            .map(|(s, at)| {
                                *at.get_or_insert_with(|| {
                                    let mut p = prov(&node.id, None);
                                    p.district = Some(s.district.as_str().into());
                                    p.sheet = Some(s.version.as_str().into());
                                    push(table, p)
                                })
                            })
                            .collect(),
                        // Rolled up, then changed by the province.
                        (Some(_), Some(_)) => vec![*corrected.get_or_insert_with(|| {
                            let mut p = prov(&node.id, None);
                            p.corrected = true;
                            push(table, p)
                        })],
                        _ => vec![*plain.get_or_insert_with(|| push(table, prov(&node.id, None)))],
                    };
                }
                c.figures.push(FigureValues {
                    row: i,
                    pair,
                    authorised: get("authorised"),
                    sources,
                });
            }
        }
    }
    // Proposal, with its scope.
    if let Some((node, v)) = answer(Role::Proposal) {
        if let Some(value) = v.as_str() {
            let scope = br
                .scopes
                .iter()
                .filter(|(_, vs)| vs.iter().any(|x| x == value))
                .find_map(|(n, _)| inst.answers.get(&n.id).and_then(Value::as_str));
            let key = match scope {
                Some(sc) => format!("{value}:{sc}"),
                None => value.to_string(),
            };
            if let Some(i) = proposals.iter().position(|k| k.key == key) {
                c.proposal = Some((i, push(table, prov(&node.id, None))));
            }
        }
    }
    c
}
