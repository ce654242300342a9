//! Calendar-valid dates written the Vietnamese way.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// Smallest year a [`Date`] may carry.
pub const MIN_YEAR: i32 = 1;
/// Largest year a [`Date`] may carry (so that the ISO form always has 4 digits).
pub const MAX_YEAR: i32 = 9999;

/// Why a date could not be built, parsed or moved. Messages are in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    /// The month is not in 1..=12.
    #[error("tháng {month} không tồn tại")]
    InvalidMonth {
        /// The month given.
        month: u8,
    },
    /// The day does not exist in that month (including day 0).
    #[error(
        "ngày {day}/{month}/{year} không tồn tại: tháng {month} năm {year} chỉ có {days_in_month} ngày"
    )]
    InvalidDay {
        /// The year given.
        year: i32,
        /// The month given (valid).
        month: u8,
        /// The day given.
        day: u8,
        /// How many days that month has in that year.
        days_in_month: u8,
    },
    /// The year is outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    #[error("năm {year} nằm ngoài phạm vi cho phép (từ năm {MIN_YEAR} đến năm {MAX_YEAR})")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// The text is not shaped like a Vietnamese date (d/m/yyyy).
    #[error(
        "“{input}” không phải là ngày hợp lệ (viết theo dạng ngày/tháng/năm, ví dụ 30/6/2021)"
    )]
    Malformed {
        /// The text given (trimmed).
        input: String,
    },
    /// The text is not shaped like an ISO date (yyyy-mm-dd).
    #[error(
        "“{input}” không phải là ngày hợp lệ theo dạng năm-tháng-ngày (ISO), ví dụ 2021-06-30"
    )]
    MalformedIso {
        /// The text given.
        input: String,
    },
    /// Adding days leaves the supported calendar range.
    #[error(
        "không thể cộng {days} ngày vào ngày {from}: kết quả nằm ngoài phạm vi cho phép (từ năm {MIN_YEAR} đến năm {MAX_YEAR})"
    )]
    OutOfRange {
        /// The starting date.
        from: Date,
        /// The number of days to add.
        days: i64,
    },
}

/// A calendar-valid date between year [`MIN_YEAR`] and [`MAX_YEAR`].
///
/// Ordering is chronological. Displays in the short Vietnamese form (`30/6/2021`),
/// parses from either the Vietnamese or the ISO form, and goes through serde as ISO
/// (`"2021-06-30"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

/// Number of days in `month` (1..=12) of `year`; 0 for an invalid month.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

/// Parses a run of ASCII digits (1..=`max_len` of them) as a number.
fn digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    /// Builds a date, checking that it exists in the Gregorian calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        let Ok(m) = time::Month::try_from(month) else {
            return Err(DateError::InvalidMonth { month });
        };
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(DateError::YearOutOfRange { year });
        }
        let dim = days_in_month(year, month);
        if day == 0 || day > dim {
            return Err(DateError::InvalidDay {
                year,
                month,
                day,
                days_in_month: dim,
            });
        }
        time::Date::from_calendar_date(year, m, day)
            .map(Date)
            .map_err(|_| DateError::InvalidDay {
                year,
                month,
                day,
                days_in_month: dim,
            })
    }

    /// Parses the ISO form `"2021-06-30"`: exactly 4, 2 and 2 digits, no whitespace.
    pub fn parse_iso(s: &str) -> Result<Date, DateError> {
        let malformed = || DateError::MalformedIso {
            input: s.to_string(),
        };
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let (Some(y), Some(m), Some(d)) = (digits(y, 4, 4), digits(m, 2, 2), digits(d, 2, 2))
        else {
            return Err(malformed());
        };
        let year = i32::try_from(y).map_err(|_| malformed())?;
        let month = u8::try_from(m).map_err(|_| malformed())?;
        let day = u8::try_from(d).map_err(|_| malformed())?;
        Date::new(year, month, day)
    }

    /// Parses the short Vietnamese form: `"30/6/2021"`, `"30/06/2021"`, `"30-6-2021"`,
    /// `"30.6.2021"` (day and month with 1 or 2 digits, year with 4, the same separator
    /// twice). Surrounding whitespace is ignored.
    pub fn parse_vi(s: &str) -> Result<Date, DateError> {
        let t = s.trim();
        let malformed = || DateError::Malformed {
            input: t.to_string(),
        };
        let Some(sep) = t.chars().find(|c| matches!(c, '/' | '-' | '.')) else {
            return Err(malformed());
        };
        let mut parts = t.split(sep);
        let (Some(d), Some(m), Some(y), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let (Some(d), Some(m), Some(y)) = (digits(d, 1, 2), digits(m, 1, 2), digits(y, 4, 4))
        else {
            return Err(malformed());
        };
        let year = i32::try_from(y).map_err(|_| malformed())?;
        let month = u8::try_from(m).map_err(|_| malformed())?;
        let day = u8::try_from(d).map_err(|_| malformed())?;
        Date::new(year, month, day)
    }

    /// Parses either the ISO form or the short Vietnamese form (surrounding whitespace
    /// ignored). Text that is neither gets the Vietnamese-form error message.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let t = s.trim();
        let b = t.as_bytes();
        let iso_shaped = b.len() == 10
            && b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && b.first().is_some_and(u8::is_ascii_digit);
        if iso_shaped {
            match Date::parse_iso(t) {
                Err(DateError::MalformedIso { .. }) => {}
                other => return other,
            }
        }
        if crate::fold(t).contains("thang") {
            return Date::parse_long(t);
        }
        Date::parse_vi(t)
    }

    /// Parses the long Vietnamese form: `"ngày 5 tháng 9 năm 2021"` (also without "ngày", with
    /// "ngay/thang/nam" typed without marks, any case and spacing).
    pub fn parse_long(s: &str) -> Result<Date, DateError> {
        let t = s.trim();
        let malformed = || DateError::Malformed {
            input: t.to_string(),
        };
        let folded = crate::fold(t);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let words = match words.first() {
            Some(&"ngay") => &words[1..],
            _ => &words[..],
        };
        let (Some(d), Some(&"thang"), Some(m), Some(&"nam"), Some(y), None) = (
            words.first(),
            words.get(1),
            words.get(2),
            words.get(3),
            words.get(4),
            words.get(5),
        ) else {
            return Err(malformed());
        };
        let (Some(d), Some(m), Some(y)) = (digits(d, 1, 2), digits(m, 1, 2), digits(y, 4, 4))
        else {
            return Err(malformed());
        };
        let year = i32::try_from(y).map_err(|_| malformed())?;
        let month = u8::try_from(m).map_err(|_| malformed())?;
        let day = u8::try_from(d).map_err(|_| malformed())?;
        Date::new(year, month, day)
    }

    /// The year (1..=9999).
    pub fn year(&self) -> i32 {
        self.0.year()
    }

    /// The month (1..=12).
    pub fn month(&self) -> u8 {
        u8::from(self.0.month())
    }

    /// The day of the month (1..=31).
    pub fn day(&self) -> u8 {
        self.0.day()
    }

    /// The underlying [`time::Date`].
    pub fn to_time(&self) -> time::Date {
        self.0
    }

    /// ISO form: `"2021-06-30"`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }

    /// Short Vietnamese form, d/m/yyyy without padding: `"30/6/2021"`, as used in running
    /// text ("ngày 22/5/2020").
    pub fn short_vi(&self) -> String {
        format!("{}/{}/{}", self.day(), self.month(), self.year())
    }

    /// Long Vietnamese form as in the dateline of an administrative document:
    /// `"ngày 05 tháng 9 năm 2021"`. Days 1–9 and months 1–2 are written with a leading
    /// zero, months 3–12 never are.
    pub fn long_vi(&self) -> String {
        let month = self.month();
        let month = if month <= 2 {
            format!("{month:02}")
        } else {
            month.to_string()
        };
        format!("ngày {:02} tháng {} năm {}", self.day(), month, self.year())
    }

    /// Place and date line: `"Hà Giang, ngày 05 tháng 9 năm 2021"`.
    pub fn place_date(&self, place: &str) -> String {
        format!("{}, {}", place.trim(), self.long_vi())
    }

    /// Number of days from `self` to `other` (`other - self`).
    pub fn days_until(&self, other: &Date) -> i64 {
        i64::from(other.0.to_julian_day()) - i64::from(self.0.to_julian_day())
    }

    /// The date `days` days later (earlier if negative). Errors if the result leaves
    /// years [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn plus_days(&self, days: i64) -> Result<Date, DateError> {
        let out_of_range = || DateError::OutOfRange { from: *self, days };
        let jd = i64::from(self.0.to_julian_day())
            .checked_add(days)
            .ok_or_else(out_of_range)?;
        let jd = i32::try_from(jd).map_err(|_| out_of_range())?;
        let d = time::Date::from_julian_day(jd).map_err(|_| out_of_range())?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
            return Err(out_of_range());
        }
        Ok(Date(d))
    }
}

impl fmt::Display for Date {
    /// Short Vietnamese form (`30/6/2021`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.day(), self.month(), self.year())
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl From<Date> for time::Date {
    fn from(d: Date) -> Self {
        d.0
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IsoVisitor;

        impl serde::de::Visitor<'_> for IsoVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("một ngày theo dạng năm-tháng-ngày (ISO), ví dụ \"2021-06-30\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse_iso(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(IsoVisitor)
    }
}
