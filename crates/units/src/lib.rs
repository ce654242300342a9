//! Vietnam's administrative units on 30/6/2021: the 63 provinces and 705 district-level units,
//! with GSO codes, from `data/dvhc-2021/` (embedded in the binary so a fresh install needs
//! nothing else). Names are NFC; codes are zero-padded strings.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const PROVINCES: &str = include_str!("../../../data/dvhc-2021/provinces-2021.csv");
const DISTRICTS: &str = include_str!("../../../data/dvhc-2021/districts-2021.csv");

/// A province-level unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    /// Two digits: "02".
    pub code: String,
    /// Full name: "Tỉnh Hà Giang".
    pub name: String,
    /// "tỉnh" or "thành phố trực thuộc trung ương".
    #[serde(rename = "type")]
    pub kind: String,
}

/// A district-level unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// Three digits: "024".
    pub code: String,
    pub province_code: String,
    /// Full name: "Huyện Đồng Văn".
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// Errors reading the embedded register (cannot happen with the shipped files; tested).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("không đọc được danh mục đơn vị hành chính ({file}): {source}")]
    Csv {
        file: &'static str,
        #[source]
        source: csv::Error,
    },
}

/// The register: provinces and districts, sorted by code, with lookups by code.
#[derive(Debug, Clone)]
pub struct Units {
    pub provinces: Vec<Province>,
    pub districts: Vec<District>,
    province_index: HashMap<String, usize>,
    district_index: HashMap<String, usize>,
    /// Province code -> its districts' positions.
    by_province: HashMap<String, Vec<usize>>,
}

fn read<T: for<'de> Deserialize<'de>>(text: &str, file: &'static str) -> Result<Vec<T>, Error> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| Error::Csv { file, source })
}

impl Units {
    /// Parses the embedded register.
    pub fn load() -> Result<Units, Error> {
        Ok(Units::new(
            read(PROVINCES, "provinces-2021.csv")?,
            read(DISTRICTS, "districts-2021.csv")?,
        ))
    }

    /// A register of these units (tests and benchmarks build synthetic ones).
    pub fn new(provinces: Vec<Province>, districts: Vec<District>) -> Units {
        let province_index = provinces
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        let district_index = districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i))
            .collect();
        let mut by_province: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in districts.iter().enumerate() {
            by_province
                .entry(d.province_code.clone())
                .or_default()
                .push(i);
        }
        Units {
            provinces,
            districts,
            province_index,
            district_index,
            by_province,
        }
    }

    /// The embedded register, parsed once.
    pub fn embedded() -> Result<&'static Units, &'static Error> {
        static UNITS: OnceLock<Result<Units, Error>> = OnceLock::new();
        UNITS.get_or_init(Units::load).as_ref()
    }

    pub fn province(&self, code: &str) -> Option<&Province> {
        self.province_index
            .get(code)
            .and_then(|&i| self.provinces.get(i))
    }

    pub fn district(&self, code: &str) -> Option<&District> {
        self.district_index
            .get(code)
            .and_then(|&i| self.districts.get(i))
    }

    /// The districts of a province, in code order.
    pub fn districts_of<'a>(&'a self, province: &str) -> impl Iterator<Item = &'a District> + 'a {
        self.by_province
            .get(province)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.districts.get(i))
    }
}

/// The name without its type prefix: "Tỉnh Hà Giang" -> "Hà Giang", "Thành phố Hà Nội" -> "Hà Nội",
/// "Thị xã Sa Pa" -> "Sa Pa".
pub fn short_name(name: &str) -> &str {
    for prefix in [
        "Thành phố ",
        "Thị xã ",
        "Thị trấn ",
        "Tỉnh ",
        "Huyện ",
        "Quận ",
        "Xã ",
        "Phường ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest;
        }
    }
    name
}

impl Province {
    /// "Hà Giang".
    pub fn short(&self) -> &str {
        short_name(&self.name)
    }
    /// Whether it is a centrally governed city (its committee is a Thành ủy).
    pub fn is_city(&self) -> bool {
        self.kind.starts_with("thành phố")
    }
    /// The Party committee: "Tỉnh ủy Hà Giang", "Thành ủy Hà Nội".
    pub fn committee(&self) -> String {
        let kind = if self.is_city() {
            "Thành ủy"
        } else {
            "Tỉnh ủy"
        };
        format!("{kind} {}", self.short())
    }
}

impl District {
    pub fn short(&self) -> &str {
        short_name(&self.name)
    }
    /// The Party committee: "Huyện ủy Đồng Văn", "Thành ủy Hà Giang", "Thị ủy Sa Pa",
    /// "Quận ủy Ba Đình".
    pub fn committee(&self) -> String {
        let name = self.name.to_lowercase();
        let kind = if name.starts_with("thành phố") {
            "Thành ủy"
        } else if name.starts_with("thị xã") {
            "Thị ủy"
        } else if name.starts_with("quận") {
            "Quận ủy"
        } else {
            "Huyện ủy"
        };
        format!("{kind} {}", self.short())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_has_63_provinces_and_705_districts() {
        let u = Units::load().unwrap();
        assert_eq!(u.provinces.len(), 63);
        assert_eq!(u.districts.len(), 705);
        assert_eq!(u.provinces.iter().filter(|p| p.is_city()).count(), 5);
        for p in &u.provinces {
            let n = u.districts_of(&p.code).count();
            assert!((6..=30).contains(&n), "{} has {n}", p.name);
        }
    }

    #[test]
    fn names_and_committees() {
        let u = Units::load().unwrap();
        let hg = u.province("02").unwrap();
        assert_eq!(hg.short(), "Hà Giang");
        assert_eq!(hg.committee(), "Tỉnh ủy Hà Giang");
        assert_eq!(u.province("01").unwrap().committee(), "Thành ủy Hà Nội");
        assert_eq!(u.district("769").unwrap().name, "Thành phố Thủ Đức");
        assert_eq!(u.district("769").unwrap().committee(), "Thành ủy Thủ Đức");
        assert_eq!(u.district("026").unwrap().committee(), "Huyện ủy Đồng Văn");
        assert_eq!(u.district("001").unwrap().committee(), "Quận ủy Ba Đình");
        assert_eq!(short_name("Thành phố Thủ Đức"), "Thủ Đức");
        assert!(u.districts_of("02").all(|d| d.province_code == "02"));
    }
}
