//! The template's types, as they are written in TOML (see `docs/template-format.md`).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// A loaded template. Build it with [`Template::load`]; the index fields are filled by the loader.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Version of the template file format; this crate reads format 1.
    pub format: u32,
    pub template: Meta,
    /// Families of repeated blocks, key -> label ("kiem-nhiem" -> "kiêm nhiệm chức danh").
    #[serde(default)]
    pub families: BTreeMap<String, String>,
    /// Levels of repeated blocks, key -> level.
    #[serde(default)]
    pub levels: BTreeMap<String, Level>,
    /// Reference data: the catalogue of model types.
    #[serde(default)]
    pub catalogue: Vec<CatalogueEntry>,
    /// Footnotes, referenced from node texts as `[^id]`.
    #[serde(default)]
    pub footnote: Vec<Footnote>,
    /// The outline, in document order. Hierarchy by `parent`.
    #[serde(default)]
    pub node: Vec<Node>,
    /// Cross-field rules.
    #[serde(default)]
    pub rule: Vec<Rule>,
    #[serde(skip)]
    pub(crate) index: HashMap<String, usize>,
}

/// The template's particulars.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Stable id, e.g. "kl74-2021".
    pub id: String,
    /// Semantic version of this template.
    pub version: String,
    /// What the template is, for lists and forms.
    pub name: String,
    /// The document kind printed as title, e.g. "BÁO CÁO".
    pub kind: String,
    /// The document kind's abbreviation in the number, e.g. "BC" in "Số 05-BC/TU".
    pub kind_code: String,
    /// The subject (trích yếu) printed under the title.
    pub subject: String,
    /// The layout profile id, e.g. "hd36-2018".
    pub profile: String,
    /// The reporting unit's level: "province".
    pub unit_level: String,
    /// The cut-off date of the figures, Vietnamese short form ("30/6/2021").
    pub cutoff: String,
    /// Dates before this one get a warning (e.g. Nghị quyết 18-NQ/TW, 25/10/2017).
    pub earliest: Option<String>,
    /// What `earliest` is, for messages.
    pub earliest_label: Option<String>,
    /// The source document of the outline.
    pub source: Option<String>,
    /// Notes on how this template reads its source (shown to administrators and in docs).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Default recipients (Nơi nhận), one per line without the leading "- ".
    #[serde(default)]
    pub recipients: Vec<String>,
}

/// A level of repeated blocks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub label: String,
    /// "province" (the block is about the province itself) or "district" (per district).
    pub units: String,
}

/// A model type of the catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    pub code: String,
    pub family: String,
    pub level: String,
    /// Full name: "Hợp nhất Ban Tổ chức Tỉnh ủy với Sở Nội vụ".
    pub name: String,
    /// What fills `{model}` in a block heading: "Ban Tổ chức Tỉnh ủy với Sở Nội vụ".
    pub short: String,
    /// How often the model occurred, for realistic sample reports and demos only (validation
    /// and consolidation never read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<SampleFrequency>,
}

/// How often a model type occurred across the provinces (DOMAIN.md), so that sample reports
/// look like the real exercise.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SampleFrequency {
    /// The share of provinces that ran it, from 0 to 1.
    pub share: f64,
    /// District-level models: how many of a province's districts ran it, `[fewest, most]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub districts: Option<[u32; 2]>,
}

/// A footnote, anchored where a node's text says `[^id]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Footnote {
    pub id: String,
    pub text: String,
    /// Inside a repeated block: print at the first instance only (default true).
    #[serde(default = "yes")]
    pub once: bool,
}

fn yes() -> bool {
    true
}

/// What a node is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A numbered (or unnumbered) heading of the outline.
    Heading,
    /// A prompt printed as a lead-in line ("- Việc xây dựng quy chế …"), usually with an answer.
    Item,
    /// Guidance shown in the form as a hint, never printed in the report.
    Hint,
    /// Fixed text printed as is (placeholders `{committee}`, `{province}`, `{cutoff}` filled).
    Text,
    /// A block repeated once per instance (one per pilot model or model type).
    Repeat,
    /// A figure computed from other answers, printed as a line.
    Computed,
}

/// Numbering schemes of headings.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Numbering {
    /// A, B, C
    UpperLetter,
    /// I, II, III
    UpperRoman,
    /// 1, 2; under another arabic heading dotted: 1.1, 1.1.1
    Arabic,
    /// a, b, c
    LowerLetter,
    /// (1), (2)
    ParenArabic,
}

/// One node of the outline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Stable id; reports key their answers by it.
    pub id: String,
    pub kind: NodeKind,
    /// The enclosing node's id (absent at the top).
    pub parent: Option<String>,
    /// Headings and repeat blocks: the numbering scheme (absent: unnumbered).
    pub numbering: Option<Numbering>,
    /// The outline's text. May hold `[^id]` footnote anchors, and in a repeat block `{model}`.
    #[serde(default)]
    pub text: String,
    /// Items: the marker printed before the text ("-", "+" or nothing).
    pub marker: Option<String>,
    /// Guidance shown with this node in the form.
    pub hint: Option<String>,
    /// Repeat blocks: the family and level of the models it repeats for.
    pub family: Option<String>,
    pub level: Option<String>,
    /// Repeat blocks: print one empty instance when the report has none (working drafts).
    #[serde(default)]
    pub skeleton: bool,
    /// The answer is not printed (it shows through `show_if` of other nodes).
    #[serde(default)]
    pub silent: bool,
    /// Print only when this condition holds (on a sibling answer in the same block).
    pub show_if: Option<Condition>,
    /// The answer this node asks for.
    pub answer: Option<Answer>,
    /// Computed nodes: what to compute.
    pub compute: Option<Compute>,
    /// What this item means for the national consolidation (see [`Role`]).
    pub role: Option<Role>,
    /// Items of a district-level repeated block: what a district's sheet (phiếu cấp huyện)
    /// fills here and how the province's answer is rolled up from the sheets (see
    /// [`DistrictFill`]). Absent: the province alone answers it.
    pub district: Option<DistrictFill>,
}

/// How a district's sheet fills an item of a district-level block, and how the province's
/// answer is made from the districts' accepted sheets.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum DistrictFill {
    /// A `units` records item: the sheet gives the district's own row (its unit column is the
    /// district); the province's rows are the sheets' rows.
    Row,
    /// A figures item: the sheet gives the district's own figures; the province's are their
    /// sums, cell by cell.
    Sum,
    /// Docrefs or text: the sheet gives its own; the province's answer is the union of the
    /// sheets' entries (texts: the distinct texts joined by "; ").
    Union,
    /// Anything: the district's own answer, optional in the sheet, shown to the province beside
    /// its own answer as material; never written into the province's answer.
    Material,
}

impl DistrictFill {
    /// Whether the province's answer is computed from the sheets.
    pub fn rolls_up(self) -> bool {
        !matches!(self, DistrictFill::Material)
    }
}

/// What an item of a repeated block means for consolidation. Consolidation finds the figures it
/// sums through these roles, never through item ids, so another outline can declare its own.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A choice: the pilot's status; the option marked `ended = true` means ended.
    Status,
    /// A date: when the pilot started.
    StartDate,
    /// A date: when the pilot ended.
    EndDate,
    /// A narrative: why it ended.
    EndReason,
    /// A records item with one row per district (columns with [`ColumnRole`]s).
    Units,
    /// A figures item summed across reports.
    Figures,
    /// A choice: the proposal.
    Proposal,
    /// A choice: the scope of a proposal option (its `show_if` names the option).
    ProposalScope,
    /// A text: the local name of the merged body.
    LocalName,
}

/// What a column of a `units` records item means for consolidation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnRole {
    Unit,
    Status,
    StartDate,
    EndDate,
    EndReason,
}

/// A condition on another item's answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The item's id.
    pub item: String,
    /// The answer (a choice value) that makes the condition true; a list means any of them.
    pub equals: OneOrMany,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// Whether `value` is (one of) these.
    pub fn contains(&self, value: &str) -> bool {
        match self {
            OneOrMany::One(v) => v == value,
            OneOrMany::Many(vs) => vs.iter().any(|v| v == value),
        }
    }
    /// All values.
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(v) => vec![v.as_str()],
            OneOrMany::Many(vs) => vs.iter().map(String::as_str).collect(),
        }
    }
}

/// Answer types.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AnswerType {
    /// Free text, paragraphs separated by blank lines.
    Narrative,
    /// One line of text.
    Text,
    /// A whole number.
    Integer,
    /// A calendar date.
    Date,
    /// One of `options`.
    Choice,
    /// Any of `options`.
    Multichoice,
    /// A list of document references (number, date, issuer, title).
    Docrefs,
    /// Rows of typed columns (e.g. one row per district).
    Records,
    /// A before/after figure set by row, the change computed.
    Figures,
}

/// The answer a node asks for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(rename = "type")]
    pub kind: AnswerType,
    /// Required for submission.
    #[serde(default)]
    pub required: bool,
    /// Required for submission when this holds.
    pub required_if: Option<Condition>,
    /// Choice: the options.
    #[serde(default)]
    pub option: Vec<ChoiceOption>,
    /// Integer: bounds (default min 0).
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Integer and figures: the unit ("người", "đơn vị").
    pub unit: Option<String>,
    /// Records: the columns.
    #[serde(default)]
    pub column: Vec<Column>,
    /// Figures: the rows.
    #[serde(default)]
    pub row: Vec<FigureRow>,
    /// Figures: also ask for the figures authorised by the deciding documents.
    #[serde(default)]
    pub authorised: bool,
    /// Figures: warn when a figure grows after the pilot.
    #[serde(default)]
    pub warn_on_growth: bool,
    /// Date: must not be after the template's cut-off (default true).
    #[serde(default = "yes")]
    pub not_after_cutoff: bool,
    /// Records and docrefs: at least this many entries when required.
    pub min_rows: Option<usize>,
    /// What the document prints when this optional answer is left empty.
    #[serde(default)]
    pub when_empty: WhenEmpty,
    /// Figures: what the columns are called in the form, the document and the messages
    /// ("Trước tinh giản" rather than the pilots' "Trước thí điểm"); absent: the pilots' words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<FigureColumns>,
}

/// The names of a figures item's columns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FigureColumns {
    /// Before ("Trước thí điểm").
    pub before: String,
    /// As authorised, when asked ("Theo quyết định").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorised: Option<String>,
    /// After ("Đến {cutoff}": `{cutoff}` is the template's cut-off date).
    pub after: String,
}

impl Answer {
    /// The name of a figures column ("before", "authorised", "after"), in the outline's words;
    /// `{cutoff}` in `after` is replaced by `cutoff`.
    pub fn figure_column(&self, column: &str, cutoff: &str) -> String {
        let c = self.columns.as_ref();
        match column {
            "before" => c
                .map(|c| c.before.clone())
                .unwrap_or_else(|| "Trước thí điểm".to_string()),
            "authorised" => c
                .and_then(|c| c.authorised.clone())
                .unwrap_or_else(|| "Theo quyết định".to_string()),
            "after" => c
                .map(|c| c.after.replace("{cutoff}", cutoff))
                .unwrap_or_else(|| format!("Đến {cutoff}")),
            other => other.to_string(),
        }
    }
}

/// What the document prints for an optional answer left empty (a required one missing prints
/// as a gap in a draft, and cannot be missing in a report that validates).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WhenEmpty {
    /// Nothing: an item is left out, a heading keeps only what is under it.
    #[default]
    Omit,
    /// "Không có.": for the outline's "(nếu có)" items, which ask whether there is any.
    /// Under a heading, printed only when nothing under the heading is printed either.
    None,
}

/// A choice option.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
    /// The text printed in the report when chosen (default: the label).
    pub print: Option<String>,
    /// For a status: this option means the pilot has ended.
    #[serde(default)]
    pub ended: bool,
}

/// Column types of a records answer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// A district of the reporting province (its code).
    Unit,
    Text,
    Integer,
    Date,
    Choice,
}

/// A column of a records answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    #[serde(default)]
    pub required: bool,
    /// Required when another column of the same row has this value.
    pub required_if: Option<ColumnCondition>,
    /// No two rows may have the same value here.
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub option: Vec<ChoiceOption>,
    /// Formerly the relative width in the printed table; still read so older templates load, but
    /// no longer used: printed columns are as wide as their content needs.
    pub width: Option<u32>,
    /// What the column means for consolidation.
    pub role: Option<ColumnRole>,
}

/// A condition on another column of the same row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnCondition {
    pub column: String,
    pub equals: OneOrMany,
}

/// A row of a figures answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FigureRow {
    pub key: String,
    pub label: String,
    /// Printed indented under the previous row (a breakdown).
    #[serde(default)]
    pub sub: bool,
}

/// What a computed node computes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    /// "count": the number of rows of a records answer.
    pub op: String,
    /// The records item.
    pub of: String,
    /// Count only rows whose column has this value.
    #[serde(rename = "where")]
    pub filter: Option<ColumnCondition>,
    /// Print as a ratio over: "rows" (all rows of `of`) or "province-districts".
    pub out_of: Option<String>,
    /// The unit printed after the figure ("đơn vị").
    pub unit: Option<String>,
}

/// A cross-field rule.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// "date-order": `first` must not be after `second`. Either may be `item` or `item.column`
    /// (then checked row by row when both are columns of the same records item) or `item[*].date`
    /// for the dates of a docrefs item.
    pub kind: String,
    pub first: String,
    pub second: String,
    /// "error" (default) or "warning".
    #[serde(default)]
    pub severity: Option<String>,
    /// The message, in Vietnamese.
    pub message: String,
}

impl Template {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).and_then(|&i| self.node.get(i))
    }

    /// The nodes whose parent is `parent` (None: top level), in order.
    pub fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Node> + 'a {
        self.node
            .iter()
            .filter(move |n| n.parent.as_deref() == parent)
    }

    /// The repeat block enclosing this node, if any (the node itself if it is one). A parent
    /// cycle (which the checker reports) ends the walk instead of looping.
    pub fn enclosing_repeat(&self, id: &str) -> Option<&Node> {
        self.ancestry(id).find(|n| n.kind == NodeKind::Repeat)
    }

    /// The node and its parents, nearest first; at most as many steps as there are nodes, so a
    /// parent cycle cannot make it endless.
    pub fn ancestry<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Node> + 'a {
        let mut cur = self.node(id);
        let mut left = self.node.len();
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let n = cur?;
            cur = n.parent.as_deref().and_then(|p| self.node(p));
            Some(n)
        })
    }

    /// The catalogue entry with this code.
    pub fn catalogue_entry(&self, code: &str) -> Option<&CatalogueEntry> {
        self.catalogue.iter().find(|c| c.code == code)
    }

    /// The catalogue entries a repeat block offers.
    pub fn catalogue_for<'a>(
        &'a self,
        block: &'a Node,
    ) -> impl Iterator<Item = &'a CatalogueEntry> + 'a {
        self.catalogue.iter().filter(move |c| {
            Some(&c.family) == block.family.as_ref() && Some(&c.level) == block.level.as_ref()
        })
    }

    /// The footnote with this id.
    pub fn footnote(&self, id: &str) -> Option<&Footnote> {
        self.footnote.iter().find(|f| f.id == id)
    }

    /// The cut-off date (validated by the loader).
    pub fn cutoff(&self) -> Option<vi::Date> {
        vi::Date::parse(&self.template.cutoff).ok()
    }

    /// The earliest plausible date, if any.
    pub fn earliest(&self) -> Option<vi::Date> {
        self.template
            .earliest
            .as_deref()
            .and_then(|d| vi::Date::parse(d).ok())
    }

    /// Whether a repeat block is repeated per district (its level's `units` is "district").
    pub fn is_district_block(&self, block: &Node) -> bool {
        block.kind == NodeKind::Repeat
            && self.level_of(block).is_some_and(|l| l.units == "district")
    }

    /// The district-level repeat blocks that district sheets fill (those with an item marked
    /// `district`), in template order.
    pub fn district_blocks(&self) -> impl Iterator<Item = &Node> + '_ {
        self.node.iter().filter(move |b| {
            self.is_district_block(b)
                && self.node.iter().any(|n| {
                    n.district.is_some()
                        && self.enclosing_repeat(&n.id).map(|r| &r.id) == Some(&b.id)
                })
        })
    }

    /// Whether a node belongs in a district's sheet (its form and its document): a district
    /// block, an item districts fill, or a heading on the way to one.
    pub fn in_district_sheet(&self, n: &Node) -> bool {
        n.district.is_some()
            || (n.kind == NodeKind::Repeat && self.district_blocks().any(|b| b.id == n.id))
            || self
                .children(Some(&n.id))
                .any(|c| self.in_district_sheet(c))
    }

    /// What a district sheet fills in this item, if anything.
    pub fn district_fill(&self, id: &str) -> Option<DistrictFill> {
        self.node(id).and_then(|n| n.district)
    }

    /// The level of a repeat block.
    pub fn level_of(&self, block: &Node) -> Option<&Level> {
        block.level.as_deref().and_then(|l| self.levels.get(l))
    }

    pub(crate) fn rebuild_index(&mut self) {
        self.index = self
            .node
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
    }
}

/// Splits a text on `[^id]` footnote anchors: text pieces and anchor ids, in order.
pub fn split_anchors(text: &str) -> Vec<TextPiece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[^") {
        if let Some(len) = rest[start..].find(']') {
            if start > 0 {
                out.push(TextPiece::Text(&rest[..start]));
            }
            out.push(TextPiece::Anchor(&rest[start + 2..start + len]));
            rest = &rest[start + len + 1..];
        } else {
            break;
        }
    }
    if !rest.is_empty() {
        out.push(TextPiece::Text(rest));
    }
    out
}

/// A piece of a node's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPiece<'a> {
    Text(&'a str),
    Anchor(&'a str),
}
