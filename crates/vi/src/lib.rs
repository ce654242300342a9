//! Vietnamese text for baocao: a small pure library.
//!
//! - Unicode NFC normalisation ([`nfc`], [`is_nfc`]), Vietnamese upper case ([`upper`]),
//!   folding for search ([`fold`]) and a tone-placement-insensitive key ([`name_key`]).
//! - Calendar-valid dates ([`Date`]) in the ISO form and the Vietnamese forms used in
//!   administrative documents ("30/6/2021", "ngày 05 tháng 9 năm 2021").
//! - Numbers the Vietnamese way, "." grouping thousands and "," as decimal mark
//!   ([`format_int`], [`format_decimal`], [`parse_int`], …).
//! - Vietnamese alphabetical order ([`Collator`], [`sort_vi`]).
//! - Legacy TCVN3 (ABC) and VNI text: the encoding of a font ([`legacy_font`]), conversion to
//!   Unicode NFC ([`decode_legacy`]) and detection of legacy text that lost its font
//!   ([`detect_legacy`]).
//!
//! Errors carry messages in Vietnamese, meant to be shown to the people who typed the
//! input.

mod collate;
mod date;
mod io;
mod legacy;
mod number;
mod serde_msg;
mod text;

pub use collate::{sort_vi, Collator, CollatorError};
pub use date::{Date, DateError, MAX_YEAR, MIN_YEAR};
pub use io::io_reason;
pub use legacy::{decode_legacy, detect_legacy, legacy_font, Detection, Legacy};
pub use number::{format_change, format_decimal, format_int, format_percent, parse_int};
pub use serde_msg::serde_message;
pub use text::{fold, is_nfc, name_key, nfc, shorten, upper};

#[cfg(test)]
mod tests;
