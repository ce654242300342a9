//! Layout profiles (e.g. `hd36-2018`): every number of the Party layout, kept as data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The `hd36-2018` profile shipped with the binary.
pub const HD36_2018: &str = include_str!("../../../profiles/hd36-2018.toml");

/// A layout profile: page, fonts, header, title, body, heading styles, footnotes, tables, closing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub profile: ProfileId,
    pub page: Page,
    pub font: Font,
    pub header: HeaderLayout,
    pub title: TitleLayout,
    pub body: Body,
    pub numbering: Numbering,
    pub headings: BTreeMap<String, HeadingStyle>,
    pub footnote: FootnoteLayout,
    pub table: TableLayout,
    pub closing: ClosingLayout,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProfileId {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub width_mm: f64,
    pub height_mm: f64,
    pub margin_top_mm: f64,
    pub margin_bottom_mm: f64,
    pub margin_left_mm: f64,
    pub margin_right_mm: f64,
    pub header_distance_mm: f64,
    pub page_number_size_pt: f64,
    pub page_number_from: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Font {
    pub family: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeaderLayout {
    pub left_width_pct: u32,
    pub party_line: String,
    pub party_size_pt: f64,
    pub issuer_size_pt: f64,
    pub star: String,
    pub number_prefix: String,
    pub number_size_pt: f64,
    pub place_date_size_pt: f64,
    pub uy_spelling: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TitleLayout {
    pub size_pt: f64,
    pub subject_size_pt: f64,
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub size_pt: f64,
    pub first_line_indent_mm: f64,
    pub line_spacing_pt: f64,
    pub space_after_pt: f64,
    pub final_stop: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// Written after a number: "I- ", "1.1- ".
    pub separator: String,
    /// Written after a lower-case letter: "a) ".
    pub alpha_suffix: String,
}

/// How a heading of one numbering scheme looks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeadingStyle {
    #[serde(default)]
    pub bold: bool,
    #[serde(default)]
    pub italic: bool,
    #[serde(default)]
    pub upper: bool,
    #[serde(default)]
    pub align: Align,
}

/// Paragraph alignment.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    #[default]
    Justify,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FootnoteLayout {
    pub size_pt: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TableLayout {
    pub size_pt: f64,
    pub dense_size_pt: f64,
    pub border_pt: f64,
    pub unit_caption: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClosingLayout {
    pub on_behalf: String,
    pub recipients_label: String,
    pub recipients_size_pt: f64,
    pub signature_blank_lines: u32,
}

impl Profile {
    /// Parses a profile from TOML text; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, Error> {
        toml::from_str(text).map_err(|e| Error::Toml {
            origin: match e.span() {
                Some(span) => format!(
                    "{origin}, dòng {}",
                    text.get(..span.start).unwrap_or(text).matches('\n').count() + 1
                ),
                None => origin.to_string(),
            },
            message: vi::serde_message(e.message(), "lỗi cú pháp TOML"),
        })
    }

    /// The profile shipped with the binary under this id, if any.
    pub fn builtin(id: &str) -> Result<Profile, Error> {
        match id {
            "hd36-2018" => Profile::from_toml(HD36_2018, "profiles/hd36-2018.toml"),
            other => Err(Error::UnknownProfile(other.to_string())),
        }
    }

    /// The style of headings numbered with `scheme` (an unknown scheme is plain text).
    pub fn heading(&self, scheme: &str) -> HeadingStyle {
        self.headings.get(scheme).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hd36_matches_format_md() {
        let p = Profile::builtin("hd36-2018").unwrap();
        assert_eq!((p.page.width_mm, p.page.height_mm), (210.0, 297.0));
        assert_eq!(
            (
                p.page.margin_top_mm,
                p.page.margin_bottom_mm,
                p.page.margin_left_mm,
                p.page.margin_right_mm
            ),
            (20.0, 20.0, 30.0, 15.0)
        );
        assert_eq!(p.font.family, "Times New Roman");
        assert!(p.heading("upper-letter").bold && p.heading("upper-letter").upper);
        assert!(p.heading("arabic-2").bold && p.heading("arabic-2").italic);
        assert!(!p.heading("arabic-3").bold && p.heading("arabic-3").italic);
        assert_eq!(p.numbering.separator, "-");
    }

    #[test]
    fn unknown_profile_is_an_error() {
        assert!(Profile::builtin("nd30-2020").is_err());
    }
}
