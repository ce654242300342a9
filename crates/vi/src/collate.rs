//! Vietnamese alphabetical order, via ICU4X collation with the `vi` locale.

use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::CollatorBorrowed;
use thiserror::Error;

/// The collator could not be built (cannot happen with the compiled-in data).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("không tạo được bộ sắp xếp theo thứ tự chữ cái tiếng Việt: {reason}")]
pub struct CollatorError {
    /// What the collation library reported.
    pub reason: String,
}

/// Compares strings in Vietnamese alphabetical order: `a ă â b c d đ e ê … o ô ơ … u ư …`,
/// with tones and case as lesser differences.
///
/// Strings the collator finds equal are ordered by code point, so sorting is
/// deterministic.
#[derive(Debug)]
pub struct Collator {
    inner: CollatorBorrowed<'static>,
}

impl Collator {
    /// Builds the Vietnamese collator from the compiled-in data.
    pub fn new() -> Result<Collator, CollatorError> {
        let prefs = icu_locale::locale!("vi").into();
        CollatorBorrowed::try_new(prefs, CollatorOptions::default())
            .map(|inner| Collator { inner })
            .map_err(|e| CollatorError {
                reason: e.to_string(),
            })
    }

    /// Compares `a` and `b` in Vietnamese order (ties broken by code point).
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.inner.compare(a, b).then_with(|| a.cmp(b))
    }

    /// Sorts `items` (stably) in Vietnamese order of `key(item)`.
    pub fn sort<T>(&self, items: &mut [T], key: impl Fn(&T) -> &str) {
        items.sort_by(|a, b| self.compare(key(a), key(b)));
    }
}

/// The shared collator, built once.
fn shared() -> Option<&'static Collator> {
    static SHARED: OnceLock<Option<Collator>> = OnceLock::new();
    SHARED.get_or_init(|| Collator::new().ok()).as_ref()
}

/// Sorts strings in Vietnamese order. Falls back to code-point order only if the
/// collator cannot be built, which cannot happen with the compiled-in data.
pub fn sort_vi(items: &mut [String]) {
    match shared() {
        Some(c) => c.sort(items, String::as_str),
        None => items.sort(),
    }
}
