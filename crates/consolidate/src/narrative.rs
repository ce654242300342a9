//! Narrative collation: for each narrative item of the outline, every included province's text,
//! attributed, in Vietnamese alphabetical order of province names.

use std::collections::BTreeMap;
use std::sync::Arc;

use outline::{AnswerType, Template};
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
    let text_of = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let mut items = Vec::new();
    for n in &t.node {
        let Some(a) = &n.answer else { continue };
        if a.kind != AnswerType::Narrative {
            continue;
        }
        let block = t.enclosing_repeat(&n.id);
        let item: Arc<str> = n.id.as_str().into();
        let mut entries = Vec::new();
        for p in &provs {
            let source = |instance: Option<Arc<str>>| Provenance {
                province: p.code.clone(),
                version: p.version.clone(),
                item: item.clone(),
                instance,
                row: None,
            };
            match block {
                None => {
                    if let Some(text) = text_of(p.source.report.answers.get(&n.id)) {
                        entries.push(NarrativeEntry {
                            province: p.code.clone(),
                            province_name: p.name.clone(),
                            model: None,
                            model_name: None,
                            text,
                            source: source(None),
                        });
                    }
                }
                Some(b) => {
                    for inst in p.source.report.blocks.get(&b.id).into_iter().flatten() {
                        if let Some(text) = text_of(inst.answers.get(&n.id)) {
                            let model_name: Arc<str> = if inst.model == "khac" {
                                inst.name.as_deref().unwrap_or_default().into()
                            } else {
                                model_names
                                    .get(&inst.model)
                                    .cloned()
                                    .unwrap_or_else(|| "".into())
                            };
                            entries.push(NarrativeEntry {
                                province: p.code.clone(),
                                province_name: p.name.clone(),
                                model: Some(inst.model.as_str().into()),
                                model_name: Some(model_name),
                                text,
                                source: source(Some(inst.id.as_str().into())),
                            });
                        }
                    }
                }
            }
        }
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
