//! The outline (đề cương) as data: a template is a tree of headings, prompts, hints and repeatable
//! blocks, each item optionally asking for a typed answer, plus reference data (the catalogue of
//! model types), footnotes, rules and the layout profile it prints with.
//!
//! Loading never stops at the first problem: [`Template::load`] returns the template (when it
//! could be built) together with every problem found, each with its place. The format is
//! documented in `docs/template-format.md`; the KL74 outline is `templates/kl74-2021.toml`.
//!
//! This crate is pure: no I/O beyond what the caller hands it, no clock.

mod check;
mod model;
pub mod profile;

pub use check::{Problem, Severity, MAX_DEPTH};
pub use model::*;
pub use profile::Profile;

/// The KL74 template (Công văn 1473-CV/BTCTW), shipped with the binary.
pub const KL74_2021: &str = include_str!("../../../templates/kl74-2021.toml");

/// Errors of this crate (problems inside a template are [`Problem`]s, not errors).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("tệp {origin} không đúng cú pháp TOML: {message}")]
    Toml { origin: String, message: String },
    #[error("không có bố cục (profile) “{0}”; hiện có: hd36-2018")]
    UnknownProfile(String),
    #[error("không có đề cương “{0}”; hiện có: kl74-2021")]
    UnknownTemplate(String),
    #[error("đề cương {origin} có {count} lỗi:\n{list}")]
    Invalid {
        origin: String,
        count: usize,
        list: String,
    },
}

/// The ids of the templates shipped with the binary.
pub const BUILTIN: &[&str] = &["kl74-2021"];

/// Loads a template shipped with the binary by its id, failing on any error-level problem.
pub fn builtin(id: &str) -> Result<Template, Error> {
    match id {
        "kl74-2021" => Template::load_strict(KL74_2021, "templates/kl74-2021.toml"),
        other => Err(Error::UnknownTemplate(other.to_string())),
    }
}
