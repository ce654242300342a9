//! Figures derived from answers, never typed twice: counts of districts, changes of figures.

use std::collections::BTreeMap;

use outline::{Answer, Compute, Template};
use serde_json::Value;
use units::Units;

use crate::model::Report;

/// One row of a before/after figure set, with the change computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureLine {
    pub key: String,
    pub label: String,
    pub sub: bool,
    pub before: Option<i64>,
    pub authorised: Option<i64>,
    pub after: Option<i64>,
    /// after - before, when both are known.
    pub change: Option<i64>,
}

/// The rows of a figures answer (absent values as None).
pub fn figure_lines(answer: &Answer, value: Option<&Value>) -> Vec<FigureLine> {
    answer
        .row
        .iter()
        .map(|row| {
            let cell = value.and_then(|v| v.get(&row.key));
            let get = |k: &str| cell.and_then(|c| c.get(k)).and_then(Value::as_i64);
            let (before, after) = (get("before"), get("after"));
            FigureLine {
                key: row.key.clone(),
                label: row.label.clone(),
                sub: row.sub,
                before,
                authorised: get("authorised"),
                after,
                change: match (before, after) {
                    (Some(b), Some(a)) => a.checked_sub(b),
                    _ => None,
                },
            }
        })
        .collect()
}

/// A computed count, and what it is out of (for "5/12").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub value: usize,
    pub out_of: Option<usize>,
}

/// Evaluates a `count` over the records of a scope.
pub fn count(
    c: &Compute,
    scope: &BTreeMap<String, Value>,
    report: &Report,
    units: &Units,
) -> Option<Count> {
    let rows = scope.get(&c.of).and_then(Value::as_array);
    let all = rows.map(|r| r.len()).unwrap_or(0);
    let value = match (&c.filter, rows) {
        (Some(f), Some(rows)) => rows
            .iter()
            .filter(|row| {
                row.get(&f.column)
                    .and_then(Value::as_str)
                    .is_some_and(|v| f.equals.contains(v))
            })
            .count(),
        (None, _) => all,
        (Some(_), None) => 0,
    };
    let out_of = match c.out_of.as_deref() {
        Some("rows") => Some(all),
        Some("province-districts") => Some(units.districts_of(&report.unit.province).count()),
        _ => None,
    };
    Some(Count { value, out_of })
}

/// The model name of an instance: the catalogue's short name, or the free-text name.
pub fn model_short<'a>(t: &'a Template, inst: &'a crate::Instance) -> Option<&'a str> {
    if inst.model == "khac" {
        inst.name.as_deref()
    } else {
        t.catalogue_entry(&inst.model).map(|c| c.short.as_str())
    }
}
