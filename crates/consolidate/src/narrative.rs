//! Narrative collation: for each narrative item of the outline, every included province's text,
//! attributed, in Vietnamese alphabetical order of province names.

use std::collections::BTreeMap;
use std::sync::Arc;

use outline::{AnswerType, Node, Template};
use report::Instance;
use serde_json::Value;
use units::Units;

use crate::compute::Source;
use crate::model::*;
use crate::Error;

pub(crate) fn collate(
    t: &Template,
    units: &Units,
    sources: &BTreeMap<&str, &Source>,
) -> Result<Vec<NarrativeItem>, Error> {
    let collator = vi::Collator::new().map_err(|e| Error::Collation(e.to_string()))?;
    let name = |code: &str| {
        units
            .province(code)
            .map(|p| p.short().to_string())
            .unwrap_or_default()
    };
    let mut order: Vec<&str> = sources.keys().copied().collect();
    collator.sort(&mut order, |c| c);
    let names: BTreeMap<&str, String> = order.iter().map(|c| (*c, name(c))).collect();
    order.sort_by(|a, b| collator.compare(&names[a], &names[b]));

    // Shared strings, made once: a national round has hundreds of thousands of entries.
    struct Prov<'s> {
        code: Arc<str>,
        name: Arc<str>,
        version: Arc<str>,
        source: &'s Source,
    }
    let provs: Vec<Prov> = order
        .iter()
        .map(|&p| Prov {
            code: p.into(),
            name: names[p].as_str().into(),
            version: sources[p].version.as_str().into(),
            source: sources[p],
        })
        .collect();
    let mut model_names: BTreeMap<String, Arc<str>> = BTreeMap::new();
    for c in &t.catalogue {
        model_names.insert(c.code.clone(), c.name.as_str().into());
    }
    // The narrative items, in outline order, with what their entries share.
    struct Narrative<'t> {
        node: &'t Node,
        block: Option<&'t Node>,
        item: Arc<str>,
    }
    let nodes: Vec<Narrative> = t
        .node
        .iter()
        .filter(|n| {
            n.answer
                .as_ref()
                .is_some_and(|a| a.kind == AnswerType::Narrative)
        })
        .map(|n| Narrative {
            node: n,
            block: t.enclosing_repeat(&n.id),
            item: n.id.as_str().into(),
        })
        .collect();
    // Province by province (each report is read while it is in cache), then item by item; each
    // item's entries stay in province order.
    let mut entries: Vec<Vec<NarrativeEntry>> = nodes.iter().map(|_| Vec::new()).collect();
    // An instance's shared strings: made once, used by every item of its block.
    struct Inst<'r> {
        inst: &'r Instance,
        id: Arc<str>,
        model: Arc<str>,
        model_name: Arc<str>,
    }
    let mut instances: BTreeMap<&str, Vec<Inst>> = BTreeMap::new();
    for p in &provs {
        let report = &p.source.report;
        instances.clear();
        for (n, out) in nodes.iter().zip(entries.iter_mut()) {
            let source = |instance: Option<Arc<str>>| Provenance {
                province: p.code.clone(),
                version: p.version.clone(),
                item: n.item.clone(),
                instance,
                row: None,
                district: None,
                sheet: None,
                corrected: false,
            };
            match n.block {
                None => {
                    if let Some(text) = text_of(report.answers.get(&n.node.id)) {
                        out.push(NarrativeEntry {
                            province: p.code.clone(),
                            province_name: p.name.clone(),
                            model: None,
                            model_name: None,
                            text: text.to_string(),
                            source: source(None),
                        });
                    }
                }
                Some(b) => {
                    let insts = instances.entry(b.id.as_str()).or_insert_with(|| {
                        report
                            .blocks
                            .get(&b.id)
                            .into_iter()
                            .flatten()
                            .map(|inst| Inst {
                                inst,
                                id: inst.id.as_str().into(),
                                model: inst.model.as_str().into(),
                                model_name: if inst.model == "khac" {
                                    inst.name.as_deref().unwrap_or_default().into()
                                } else {
                                    model_names
                                        .get(&inst.model)
                                        .cloned()
                                        .unwrap_or_else(|| "".into())
                                },
                            })
                            .collect()
                    });
                    for i in insts.iter() {
                        if let Some(text) = text_of(i.inst.answers.get(&n.node.id)) {
                            out.push(NarrativeEntry {
                                province: p.code.clone(),
                                province_name: p.name.clone(),
                                model: Some(i.model.clone()),
                                model_name: Some(i.model_name.clone()),
                                text: text.to_string(),
                                source: source(Some(i.id.clone())),
                            });
                        }
                    }
                }
            }
        }
    }
    let mut items = Vec::with_capacity(nodes.len());
    for (Narrative { node: n, block, .. }, entries) in nodes.into_iter().zip(entries) {
        let title = report::tree::strip_markup(&n.text)
            .trim()
            .trim_end_matches(':')
            .trim()
            .to_string();
        let title = if title.is_empty() {
            n.hint.clone().unwrap_or_else(|| n.id.clone())
        } else {
            title
        };
        let block_label = block.map(|b| {
            let fam = b
                .family
                .as_deref()
                .and_then(|f| t.families.get(f))
                .cloned()
                .unwrap_or_default();
            let lvl = t.level_of(b).map(|l| l.label.clone()).unwrap_or_default();
            format!("{}, {lvl}", upper_first(&fam))
        });
        items.push(NarrativeItem {
            item: n.id.clone(),
            title,
            family: block.and_then(|b| b.family.clone()),
            level: block.and_then(|b| b.level.clone()),
            block_label,
            entries,
        });
    }
    Ok(items)
}

/// A narrative answer's text, trimmed; none when empty.
fn text_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Filters for narrative collation: by family, level and model type.
#[derive(Debug, Clone, Default)]
pub struct NarrativeFilter {
    pub family: Option<String>,
    pub level: Option<String>,
    pub model: Option<String>,
}

impl NarrativeItem {
    /// The entries that pass the filter (items outside repeated blocks pass family/level filters
    /// only when none is set).
    pub fn filtered(&self, f: &NarrativeFilter) -> Vec<&NarrativeEntry> {
        if f.family.is_some() && f.family != self.family {
            return Vec::new();
        }
        if f.level.is_some() && f.level != self.level {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter(|e| f.model.is_none() || e.model.as_deref() == f.model.as_deref())
            .collect()
    }
}
