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

/// Distinct provinces and districts, row counts, sums: the running state of one measure set.
#[derive(Default)]
struct Acc {
    models: Figure,
    provinces: BTreeMap<String, u32>,
    districts: BTreeMap<String, u32>,
    /// Province -> (any ongoing, all ended, first provenance).
    status: BTreeMap<String, (bool, bool, u32)>,
    ongoing_districts: Figure,
    ended_districts: Figure,
    figures: Vec<FigureSum>,
    proposals: Vec<Figure>,
}

fn sum<'a>(figures: impl Iterator<Item = &'a Figure>) -> Figure {
    let mut out = Figure::default();
    for f in figures {
        out.value += f.value;
        out.sources.extend(f.sources.iter().copied());
    }
    out
}

fn distinct(m: &BTreeMap<String, u32>) -> Figure {
    Figure {
        value: m.len() as i64,
        sources: m.values().copied().collect(),
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
        let mut ongoing = BTreeMap::new();
        let mut ended = BTreeMap::new();
        for (p, (any_ongoing, all_ended, prov)) in self.status {
            if any_ongoing {
                ongoing.insert(p, prov);
            } else if all_ended {
                ended.insert(p, prov);
            }
        }
        Measures {
            models: self.models,
            provinces: distinct(&self.provinces),
            districts: distinct(&self.districts),
            ongoing_provinces: distinct(&ongoing),
            ended_provinces: distinct(&ended),
            ongoing_districts: self.ongoing_districts,
            ended_districts: self.ended_districts,
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
    source: u32,
}

/// What one instance contributes, computed once and added to several accumulators.
struct Contribution<'r> {
    province: &'r str,
    block_prov: u32,
    districts: Vec<(&'r str, u32, Option<bool>)>,
    /// Province-level status: Some(true) ended, Some(false) ongoing.
    status: Option<bool>,
    figures: Vec<FigureValues>,
    proposal: Option<(usize, u32)>,
}

/// Records `key` with its first provenance (the key is copied only the first time).
fn first(m: &mut BTreeMap<String, u32>, key: &str, p: u32) {
    if !m.contains_key(key) {
        m.insert(key.to_string(), p);
    }
}

impl Contribution<'_> {
    fn add_to(&self, acc: &mut Acc, district_level: bool) {
        acc.models.add(1, self.block_prov);
        first(&mut acc.provinces, self.province, self.block_prov);
        let (mut any_ongoing, mut all_ended) = match (district_level, self.status) {
            (false, Some(true)) => (false, true),
            (false, Some(false)) => (true, false),
            (false, None) => (false, false),
            (true, _) => (false, !self.districts.is_empty()),
        };
        for &(code, prov, ended) in &self.districts {
            first(&mut acc.districts, code, prov);
            match ended {
                Some(true) => acc.ended_districts.add(1, prov),
                Some(false) => {
                    acc.ongoing_districts.add(1, prov);
                    any_ongoing = true;
                    all_ended = false;
                }
                None => all_ended = false,
            }
        }
        match acc.status.get_mut(self.province) {
            Some(e) => {
                e.0 |= any_ongoing;
                e.1 &= all_ended;
            }
            None => {
                acc.status.insert(
                    self.province.to_string(),
                    (any_ongoing, all_ended, self.block_prov),
                );
            }
        }
        for v in &self.figures {
            let Some(f) = acc.figures.get_mut(v.row) else {
                continue;
            };
            if let Some((b, a)) = v.pair {
                f.before.add(b, v.source);
                f.after.add(a, v.source);
                f.change.add(a - b, v.source);
            }
            if let Some(au) = v.authorised {
                f.authorised.add(au, v.source);
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
        let proposals = br.proposal_keys();

        let mut rows: BTreeMap<String, Acc> = BTreeMap::new();
        let mut total = Acc::new(&figure_rows, proposals.len());

        for ((&p, s), measures) in by_province.iter().zip(per_province.iter_mut()) {
            // This province's measures in this group.
            let mut mine = Acc::new(&figure_rows, proposals.len());
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
                if inst.model == "khac" {
                    others.push(OtherModel {
                        province: p.to_string(),
                        province_name: province_name(p),
                        block: block.id.clone(),
                        family_label: family_label.clone(),
                        level_label: level_label.clone(),
                        name: inst.name.clone().unwrap_or_default(),
                        source: table[c.block_prov as usize].clone(),
                    });
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
        // Totals: provinces and districts distinct; pilots ongoing or ended summed over models.
        let mut total = total.finish();
        total.ongoing_provinces = sum(model_rows.iter().map(|r| &r.measures.ongoing_provinces));
        total.ended_provinces = sum(model_rows.iter().map(|r| &r.measures.ended_provinces));
        groups.push(Group {
            block: block.id.clone(),
            family,
            family_label,
            level,
            level_label,
            district_level,
            figure_rows,
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
        .map(|((p, s), groups)| ProvinceRow {
            code: p.to_string(),
            name: province_name(p),
            version: s.version.clone(),
            groups,
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
        narrative,
    })
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
    };
    let answer = |r: Role| {
        br.get(r)
            .and_then(|n| inst.answers.get(&n.id).map(|v| (n, v)))
    };
    // Names for the list of ended pilots (made only for those).
    let model_name = || {
        if inst.model == "khac" {
            format!("Khác: {}", inst.name.clone().unwrap_or_default())
        } else {
            t.catalogue_entry(&inst.model)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| inst.model.clone())
        }
    };
    let province_name = || {
        units
            .province(p)
            .map(|x| x.short().to_string())
            .unwrap_or_default()
    };
    let mut c = Contribution {
        province: p,
        block_prov: push(table, prov(&br.block.id, None)),
        districts: Vec::new(),
        status: None,
        figures: Vec::new(),
        proposal: None,
    };
    // Province-level status.
    if let Some(node) = br.get(Role::Status) {
        let options = node
            .answer
            .as_ref()
            .map(|a| a.option.as_slice())
            .unwrap_or(&[]);
        c.status = is_ended(options, inst.answers.get(&node.id));
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
            let rp = prov(&node.id, Some(i + 1));
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
            for (i, (key, _)) in figure_rows.iter().enumerate() {
                let cell = v.get(key);
                let get = |k: &str| cell.and_then(|c| c.get(k)).and_then(Value::as_i64);
                let pair = get("before").zip(get("after"));
                c.figures.push(FigureValues {
                    row: i,
                    pair,
                    authorised: get("authorised"),
                    source: push(table, prov(&node.id, None)),
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
