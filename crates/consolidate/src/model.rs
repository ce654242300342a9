//! What a consolidation is: tables, lists and collated narrative, every figure with its sources.

use std::sync::Arc;

use serde::Serialize;

/// Where a figure came from: one report version and one item (and instance, row) in it.
/// Its strings are shared (`Arc<str>`): a figure of a national round carries tens of thousands.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Provenance {
    /// Province code.
    pub province: Arc<str>,
    /// The report version (as the caller named it: a file, a stored version number).
    pub version: Arc<str>,
    /// The template item id.
    pub item: Arc<str>,
    /// The block instance id, when the item is inside a repeated block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<Arc<str>>,
    /// The 1-based row of a records item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// A value rolled up from a district's sheet: the district's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<Arc<str>>,
    /// ... and the sheet's version, as the roll-up named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Arc<str>>,
    /// The province corrected the value its district's sheet gave (the report's value counts).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
}

/// An exact integer and the list of what it was summed from: positions in
/// [`Consolidation::provenance`] (a national round has millions of such references; one table
/// keeps them small).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub value: i64,
    pub sources: Vec<u32>,
}

impl Consolidation {
    /// The sources of a figure.
    pub fn sources_of<'a>(&'a self, f: &'a Figure) -> impl Iterator<Item = &'a Provenance> + 'a {
        f.sources
            .iter()
            .filter_map(|&i| self.provenance.get(i as usize))
    }
}

impl Figure {
    pub(crate) fn add(&mut self, n: i64, p: u32) {
        self.value += n;
        self.sources.push(p);
    }
    /// Adds a value made of several sources (a sum over district sheets).
    pub(crate) fn add_all(&mut self, n: i64, ps: &[u32]) {
        self.value += n;
        self.sources.extend_from_slice(ps);
    }
}

/// The measures of one model type (or a total, or one province) in one group.
///
/// Counts of provinces and districts count each unit once: a unit is *ongoing* when any of its
/// pilots in the row still runs, *ended* when every one of them has ended (a unit with an ended
/// and an ongoing pilot is ongoing), and neither when a pilot's status is not given and none is
/// ongoing. Pilots are counted separately: a province-level pilot is one model a province
/// reports; a district-level pilot is one district of one model type. Every measure of a province
/// row adds up, over the provinces, to the national total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Measures {
    /// Models reported (block instances).
    pub models: Figure,
    /// Provinces implementing (distinct).
    pub provinces: Figure,
    /// District-level units implementing (distinct; district-level groups only).
    pub districts: Figure,
    /// Pilots: province level, one per model reported; district level, one per district of a
    /// model type.
    pub pilots: Figure,
    /// Pilots still running.
    pub ongoing_pilots: Figure,
    /// Pilots that ended.
    pub ended_pilots: Figure,
    /// Provinces with at least one pilot of the row still running (distinct).
    pub ongoing_provinces: Figure,
    /// Provinces whose every pilot of the row has ended (distinct).
    pub ended_provinces: Figure,
    /// District level: districts with at least one pilot of the row still running (distinct).
    pub ongoing_districts: Figure,
    /// District level: districts whose every pilot of the row has ended (distinct).
    pub ended_districts: Figure,
    /// Merger figures, in the template's row order (empty for groups without figures).
    pub figures: Vec<FigureSum>,
    /// Proposals, aligned with [`Group::proposals`].
    pub proposals: Vec<Figure>,
}

/// Sums of one figure row. Only instances giving both `before` and `after` are summed, so
/// `change` is exactly `after - before`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FigureSum {
    pub key: String,
    pub label: String,
    pub before: Figure,
    pub authorised: Figure,
    pub after: Figure,
    pub change: Figure,
}

/// A proposal option (with its scope, for option (1)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalKey {
    /// "1:ca-nuoc", "1:dia-phuong", "1", "2", "3".
    pub key: String,
    pub label: String,
}

/// One family × level (one repeated block of the template), by model type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The repeated block's id ("B.II.2.m").
    pub block: String,
    pub family: String,
    pub family_label: String,
    pub level: String,
    pub level_label: String,
    pub district_level: bool,
    /// Figure rows (key, label) when the block has a figures item.
    pub figure_rows: Vec<(String, String)>,
    /// The figures' columns as the outline names them: before, authorised, after.
    pub figure_columns: [String; 3],
    pub proposals: Vec<ProposalKey>,
    /// One row per model type of the catalogue (in catalogue order) that any report has, then
    /// "khác" (models outside the catalogue) if any.
    pub rows: Vec<ModelRow>,
    /// All model types together: provinces and districts counted once each (distinct, with the
    /// same ongoing/ended rule as a row); models, pilots, figures and proposals summed.
    pub total: Measures,
}

/// A model type's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelRow {
    /// Catalogue code, or "khac".
    pub code: String,
    pub name: String,
    pub measures: Measures,
}

/// A province's row: its measures in each group (aligned with [`Consolidation::groups`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceRow {
    pub code: String,
    pub name: String,
    pub version: String,
    /// Included although it does not pass validation (`Source::invalid`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub invalid: bool,
    pub groups: Vec<Measures>,
    /// The local names of the province's merged bodies in each group (aligned with `groups`;
    /// empty for groups without a local-name item).
    pub local_names: Vec<Vec<String>>,
}

/// A merged body as the province names it ("Ban Tổ chức - Nội vụ tỉnh").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedBody {
    pub province: String,
    pub province_name: String,
    pub block: String,
    pub family_label: String,
    pub level_label: String,
    pub model: String,
    pub model_name: String,
    pub local_name: String,
    pub source: Provenance,
}

/// A pilot that ended: a province-level model, or one district of a district-level model type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndedPilot {
    pub province: String,
    pub province_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district_name: Option<String>,
    pub block: String,
    pub family_label: String,
    pub level_label: String,
    pub model: String,
    pub model_name: String,
    /// The merged body's local name, when the block asks for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_name: Option<String>,
    /// ISO date, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    pub reason: String,
    pub source: Provenance,
}

/// A model reported outside the catalogue ("khác").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherModel {
    pub province: String,
    pub province_name: String,
    pub block: String,
    pub family_label: String,
    pub level_label: String,
    pub name: String,
    /// The merged body's local name, when the block asks for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_name: Option<String>,
    /// District-level blocks: the districts listed (names).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
    pub source: Provenance,
}

/// A report included in the consolidation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Included {
    pub province: String,
    pub name: String,
    pub version: String,
    /// When it was submitted or accepted, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Included although it does not pass validation (`Source::invalid`): its figures may be
    /// incomplete, and every output marks it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub invalid: bool,
}

/// A province with no report in the consolidation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub province: String,
    pub name: String,
}

/// One province's text for one outline item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NarrativeEntry {
    pub province: Arc<str>,
    pub province_name: Arc<str>,
    /// Model code and name, for items inside a repeated block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_name: Option<Arc<str>>,
    pub text: String,
    pub source: Provenance,
}

/// Every included province's text for one outline item, in Vietnamese alphabetical order of
/// province names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NarrativeItem {
    pub item: String,
    /// The item's text in the outline (numbering and markup removed).
    pub title: String,
    /// For items inside a repeated block: its family and level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// "Kiêm nhiệm chức danh, cấp tỉnh" for block items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_label: Option<String>,
    pub entries: Vec<NarrativeEntry>,
}

/// The national consolidation of one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consolidation {
    /// Every source a figure refers to; [`Figure::sources`] are positions in it.
    pub provenance: Vec<Provenance>,
    pub template: String,
    pub template_version: String,
    pub included: Vec<Included>,
    pub missing: Vec<Missing>,
    pub groups: Vec<Group>,
    pub provinces: Vec<ProvinceRow>,
    pub ended: Vec<EndedPilot>,
    pub others: Vec<OtherModel>,
    /// Every merged body with its local name, in province order.
    pub merged: Vec<MergedBody>,
    pub narrative: Vec<NarrativeItem>,
}
