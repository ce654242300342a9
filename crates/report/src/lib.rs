//! A report against an outline: the JSON format ([`Report`]), the outline laid out for one report
//! with generated numbering ([`tree`]), validation ([`validate`]), derived figures ([`derive`]),
//! the report's JSON Schema ([`schema`]) and realistic sample reports ([`sample`]).
//!
//! Pure: no I/O, no clock. The same rules run for the CLI, the web form and the API.

pub mod derive;
mod model;
pub mod sample;
pub mod schema;
pub mod tree;
pub mod validate;

pub use model::*;
pub use validate::{check, completeness, has_errors, recheck, validate, Checked, Options, Problem};
