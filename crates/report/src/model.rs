//! The report format: one JSON document per province report (see `docs/report-format.md`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A province's report against a template. Answers are kept as JSON values keyed by the
/// template's item ids; their types are checked by [`crate::validate`], so that a report with
/// wrong values still loads and every problem can be listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub template: TemplateRef,
    pub unit: UnitRef,
    #[serde(default)]
    pub document: Particulars,
    /// Answers to items outside repeated blocks.
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
    /// Instances of repeated blocks, by the block's id, in report order.
    #[serde(default)]
    pub blocks: BTreeMap<String, Vec<Instance>>,
}

/// Which template (and version) the report answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    pub id: String,
    pub version: String,
}

/// The reporting unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRef {
    /// GSO province code, two digits ("02").
    pub province: String,
    /// GSO district code, three digits ("026"): the report is a district's sheet (phiếu cấp
    /// huyện), which answers only the items the template marks `district`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
}

/// The document's own particulars. All optional in a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Particulars {
    /// The number before "-BC/TU" ("05"); absent while drafting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The place in the date line ("Hà Giang"); default: the province's short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The document's date, ISO "YYYY-MM-DD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The signer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// "BÍ THƯ" or "PHÓ BÍ THƯ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_title: Option<String>,
    /// Recipients (Nơi nhận), one per entry, without the leading "- "; default: the template's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
}

/// One instance of a repeated block: one pilot model (or model type at district level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// Stable id of the instance within the report ("m1").
    pub id: String,
    /// A catalogue code, or "khac" for a model not in the catalogue.
    pub model: String,
    /// The model's name when `model` is "khac".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
    /// A province's instance of a district-level block filled from district sheets: what the
    /// roll-up computed and from which sheets (absent when typed by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup: Option<Rollup>,
}

/// What a roll-up from district sheets put into one instance of a province's report, so that
/// a later roll-up knows which answers the province corrected since, and every figure can name
/// the district sheet it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollup {
    /// The value the roll-up wrote for each rolled-up item (`row` items: the rows it wrote,
    /// one per district; `sum`: the sums; `union`: the union). An answer that now differs is
    /// the province's correction, kept by later roll-ups.
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// The sheets rolled up, in district-code order.
    #[serde(default)]
    pub sheets: Vec<SheetSource>,
}

/// One district sheet's contribution to an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetSource {
    /// GSO district code.
    pub district: String,
    /// Which version of the sheet (as the caller names it: a file, "phiếu 12 bản 2").
    pub version: String,
    /// The sheet's own answers to the items marked `district` (material included).
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
}

impl Report {
    /// Whether this is a district's sheet (phiếu cấp huyện) rather than a province's report.
    pub fn is_district_sheet(&self) -> bool {
        self.unit.district.is_some()
    }
}

/// Errors reading a report.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("tệp báo cáo không đúng định dạng JSON (dòng {line}, cột {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("tệp báo cáo không đúng định dạng báo cáo: {0}")]
    Shape(String),
    #[error("tệp báo cáo quá lớn ({size} byte; tối đa {max} byte)")]
    TooLarge { size: usize, max: usize },
}

/// The largest report file accepted (a full report is ~100 KB).
pub const MAX_REPORT_BYTES: usize = 16 * 1024 * 1024;

impl Report {
    /// Reads a report from JSON text; every string is normalised to NFC.
    pub fn from_json(text: &str) -> Result<Report, ParseError> {
        if text.len() > MAX_REPORT_BYTES {
            return Err(ParseError::TooLarge {
                size: text.len(),
                max: MAX_REPORT_BYTES,
            });
        }
        let mut value: Value = serde_json::from_str(text).map_err(json_error)?;
        nfc_value(&mut value);
        // From a value, serde has no line to tell: say what is wrong, not "line 0".
        serde_json::from_value(value)
            .map_err(|e| ParseError::Shape(translate_serde(&e.to_string())))
    }

    /// Writes the report as pretty JSON (keys in a stable order).
    pub fn to_json(&self) -> String {
        // Serialising these plain types cannot fail; fall back to compact form just in case.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The answers of the scope (top level or an instance).
    pub fn scope<'a>(&'a self, instance: Option<&'a Instance>) -> &'a BTreeMap<String, Value> {
        match instance {
            Some(i) => &i.answers,
            None => &self.answers,
        }
    }
}

fn json_error(e: serde_json::Error) -> ParseError {
    ParseError::Json {
        line: e.line(),
        column: e.column(),
        message: translate_serde(&e.to_string()),
    }
}

/// serde_json's messages are English; say them in Vietnamese (`vi::serde_message`).
fn translate_serde(msg: &str) -> String {
    vi::serde_message(msg, "lỗi cú pháp JSON")
}

/// Normalises every string (and key) of a JSON value to NFC.
/// Converts every text of `v` that is TCVN3 or VNI text that lost its font (pasted from an old
/// Word document: "Hµ Giang", "Haø Giang") to Unicode, when `vi::detect_legacy` is confident
/// (0.5 and above). Returns how many texts were converted.
pub fn convert_legacy_value(v: &mut Value) -> usize {
    match v {
        Value::String(s) => match vi::detect_legacy(s).filter(|d| d.confidence >= 0.5) {
            Some(d) => {
                *s = d.text;
                1
            }
            None => 0,
        },
        Value::Array(a) => a.iter_mut().map(convert_legacy_value).sum(),
        Value::Object(o) => o.values_mut().map(convert_legacy_value).sum(),
        _ => 0,
    }
}

/// [`convert_legacy_value`] over every answer of a report, blocks included.
pub fn convert_legacy_report(r: &mut Report) -> usize {
    let mut n: usize = r.answers.values_mut().map(convert_legacy_value).sum();
    for list in r.blocks.values_mut() {
        for inst in list {
            n += inst
                .answers
                .values_mut()
                .map(convert_legacy_value)
                .sum::<usize>();
        }
    }
    n
}

pub fn nfc_value(v: &mut Value) {
    match v {
        Value::String(s) if !vi::is_nfc(s) => *s = vi::nfc(s),
        Value::Array(a) => a.iter_mut().for_each(nfc_value),
        Value::Object(o) => {
            let entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
            for (k, mut val) in entries {
                nfc_value(&mut val);
                o.insert(vi::nfc(&k), val);
            }
        }
        _ => {}
    }
}
